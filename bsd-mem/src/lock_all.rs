//! `mlockall` / `munlockall`: locking every page of the process.

use crate::sys;
use bsd_errno::Result;
use libc::c_int;

bitflags::bitflags! {
    /// What [`lock_all`] locks (`MCL_*`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct LockAllFlags: c_int {
        /// Every page mapped now (`MCL_CURRENT`).
        const CURRENT = libc::MCL_CURRENT;
        /// Every page mapped from now on (`MCL_FUTURE`).
        const FUTURE = libc::MCL_FUTURE;
        /// Lock pages as they are first touched, not at once (`MCL_ONFAULT`, Linux ≥ 4.4).
        #[cfg(any(target_os = "linux", target_os = "android"))]
        #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
        const ONFAULT = libc::MCL_ONFAULT;
    }
}

/// Locks every page of the process in memory, now and/or in the future
/// (`mlockall`). Process-wide: it affects every mapping, not only this
/// crate's.
///
/// # Errors
/// - EINVAL: no flag, or unknown flags.
/// - ENOMEM or EAGAIN: more than `RLIMIT_MEMLOCK` would be locked.
/// - EPERM: not privileged.
/// - ENOSYS: always, on Apple (see below).
///
/// # Platforms
/// Apple (macOS, iOS) declares `mlockall` but its kernel does not
/// implement it: xnu's `bsd/kern/kern_mman.c` defines `mlockall()` and
/// `munlockall()` as a bare `return ENOSYS;` (at commit 1b191cb5 of
/// apple-oss-distributions/xnu, and in every release since). Lock ranges
/// with [`Mapping::lock`](crate::Mapping::lock) there instead.
///
#[doc = crate::man_links!("mlockall")]
#[doc(alias = "Mlockall")]
pub fn lock_all(flags: LockAllFlags) -> Result<()> {
    sys::mlockall(flags.bits())
}

/// Unlocks every page of the process and cancels `MCL_FUTURE`
/// (`munlockall`).
///
/// # Errors
/// - EPERM on platforms that reserve it to privileged processes.
/// - ENOSYS: always, on Apple, whose kernel does not implement it (see
///   [`lock_all`]).
///
#[doc = crate::man_links!("munlockall")]
#[doc(alias = "Munlockall")]
pub fn unlock_all() -> Result<()> {
    sys::munlockall()
}
