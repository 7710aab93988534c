//! The `proc` section: `bsd-proc` live on this machine (not built yet).

use crate::Report;

/// Runs the section.
pub fn run(r: &mut Report) {
    r.section("proc", "bsd-proc");
    r.say(format_args!("   (bsd-proc is not built yet: nothing to show)"));
}
