//! Picks the backend: the system calls of this platform. Nothing else lives here.

#[cfg_attr(any(target_os = "linux", target_os = "android"), path = "linux.rs")]
#[cfg_attr(not(any(target_os = "linux", target_os = "android")), path = "bsd.rs")]
mod imp;
mod posix;

pub(crate) use imp::*;
pub(crate) use posix::*;
