//! Picks the backend. Nothing else lives here.
//!
//! - `linux.rs`: `getdents64`.
//! - `bsd.rs`: FreeBSD and DragonFly `getdirentries`, NetBSD and OpenBSD
//!   `getdents`.
//! - `buffered.rs`: the directory stream over those two (a buffer of kernel
//!   records, parsed in place).
//! - `apple.rs`: `fdopendir`/`readdir`, since Apple has no public
//!   `getdirentries`: the stream reads `readdir` directly, and `read_dirent`
//!   writes Apple-layout records from it.
//! - `unix.rs`: the calls that are the same everywhere (`openat`,
//!   `fstatat`, `lseek`, `utimensat`, `futimens`, `utimes`, `futimes`).

mod unix;
pub(crate) use unix::*;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
use linux as native;

#[cfg(any(
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
))]
mod bsd;
#[cfg(any(
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
))]
use bsd as native;

#[cfg(not(target_vendor = "apple"))]
mod buffered;
#[cfg(not(target_vendor = "apple"))]
pub(crate) use buffered::{read_dirent, DirStream};

#[cfg(target_vendor = "apple")]
mod apple;
#[cfg(target_vendor = "apple")]
pub(crate) use apple::{read_dirent, DirStream};

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd",
    target_vendor = "apple"
)))]
compile_error!("bsd-fs supports FreeBSD, DragonFly, NetBSD, OpenBSD, Apple platforms and Linux");
