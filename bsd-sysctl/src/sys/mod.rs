//! Picks the backend: native sysctl(3) on the BSDs and Apple, `/proc/sys`
//! on Linux. Nothing else lives here.

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

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
pub(crate) use linux::*;

#[cfg(not(any(
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd",
    target_vendor = "apple",
    target_os = "linux"
)))]
compile_error!("bsd-sysctl supports FreeBSD, DragonFly, NetBSD, OpenBSD, Apple and Linux");
