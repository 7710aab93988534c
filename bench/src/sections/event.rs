//! The `event` section: `bsd-event` live on this machine (not built yet).

use crate::Report;

/// Runs the section.
pub fn run(r: &mut Report) {
    r.section("event", "bsd-event");
    r.say(format_args!("   (bsd-event is not built yet: nothing to show)"));
}
