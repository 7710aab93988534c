//! The `fs` section: `bsd-fs` live on this machine (not built yet).

use crate::Report;

/// Runs the section.
pub fn run(r: &mut Report) {
    r.section("fs", "bsd-fs");
    r.say(format_args!("   (bsd-fs is not built yet: nothing to show)"));
}
