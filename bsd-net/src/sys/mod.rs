//! Picks the backend: `common.rs` holds the calls every platform makes the
//! same way; `linux.rs` or `bsd.rs` the ones that differ (socket flags,
//! `accept4`, SIGPIPE, peer credentials, `recvmmsg`/`sendmmsg`).

mod common;
pub(crate) use common::*;

#[cfg(any(target_os = "linux", target_os = "android"))]
#[path = "linux.rs"]
mod os;

#[cfg(any(
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd",
    target_vendor = "apple"
))]
#[path = "bsd.rs"]
mod os;

pub(crate) use os::*;
