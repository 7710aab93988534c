//! The `mem` section: `bsd-mem` live on this machine (not built yet).

use crate::Report;

/// Runs the section.
pub fn run(r: &mut Report) {
    r.section("mem", "bsd-mem");
    r.say(format_args!("   (bsd-mem is not built yet: nothing to show)"));
}
