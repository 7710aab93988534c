//! Linux: `setgroups` takes a `size_t`; `pidfd_open` is a raw system call.

use crate::Gid;
use bsd_errno::{check, Errno, Result};
use std::os::fd::{FromRawFd, OwnedFd};

pub(crate) fn setgroups(groups: &[Gid]) -> Result<()> {
    let ptr = if groups.is_empty() {
        core::ptr::null()
    } else {
        groups.as_ptr().cast::<libc::gid_t>()
    };
    // SAFETY: `Gid` is `repr(transparent)` over `gid_t`; `ptr` is valid for
    // reads of `groups.len()` entries, or null with a length of 0.
    check(unsafe { libc::setgroups(groups.len(), ptr) })?;
    Ok(())
}

pub(crate) fn pidfd_open(pid: libc::pid_t) -> Result<OwnedFd> {
    if pid <= 0 {
        return Err(Errno::EINVAL);
    }
    let flags: libc::c_long = 0;
    // SAFETY: pidfd_open(pid, flags) reads no memory; the arguments are
    // passed as the `long`s the kernel's entry point takes.
    let fd = check(unsafe { libc::syscall(libc::SYS_pidfd_open, libc::c_long::from(pid), flags) })?;
    let fd = libc::c_int::try_from(fd).map_err(|_| Errno::EBADF)?;
    // SAFETY: the kernel just returned this new descriptor (close-on-exec
    // by definition for pidfds); nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}
