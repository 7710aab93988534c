//! The system calls, by platform. `posix.rs` holds the calls that are the
//! same everywhere; `linux.rs` and `bsd.rs` what differs.

mod posix;
pub(crate) use posix::*;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
pub(crate) use linux::*;

#[cfg(any(
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd",
    target_vendor = "apple"
))]
mod bsd;
#[cfg(any(
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd",
    target_vendor = "apple"
))]
pub(crate) use bsd::*;

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd",
    target_vendor = "apple"
)))]
compile_error!("bsd-proc supports FreeBSD, DragonFly, NetBSD, OpenBSD, Apple platforms and Linux");
