//! The `sysctl` section: `bsd-sysctl` live on this machine (not built yet).

use crate::Report;

/// Runs the section.
pub fn run(r: &mut Report) {
    r.section("sysctl", "bsd-sysctl");
    r.say(format_args!("   (bsd-sysctl is not built yet: nothing to show)"));
}
