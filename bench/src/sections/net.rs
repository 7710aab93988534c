//! The `net` section: `bsd-net` live on this machine (not built yet).

use crate::Report;

/// Runs the section.
pub fn run(r: &mut Report) {
    r.section("net", "bsd-net");
    r.say(format_args!("   (bsd-net is not built yet: nothing to show)"));
}
