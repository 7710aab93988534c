//! The report's sections, one per crate, in the order they print.
//!
//! Each section exercises its crate live on this machine, says what it saw,
//! and adds its comparison rows. A section that fails says so and the report
//! goes on.

use crate::Report;

pub mod errno;
pub mod event;
#[cfg(any(target_os = "linux", target_os = "freebsd"))]
pub mod event_proc;
pub mod fs;
pub mod mem;
pub mod net;
pub mod proc;
pub mod sysctl;

/// A section of the report.
pub type Section = fn(&mut Report);

/// Every section, by name, in report order.
pub const ALL: &[(&str, Section)] = &[
    ("errno", errno::run),
    ("proc", proc::run),
    ("net", net::run),
    ("fs", fs::run),
    ("sysctl", sysctl::run),
    ("mem", mem::run),
    ("event", event::run),
];
