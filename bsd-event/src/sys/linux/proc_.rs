//! EVFILT_PROC with NOTE_EXIT, and EVFILT_PROCDESC, over a pidfd (for
//! PROCDESC the program's own, duplicated): the pidfd becomes readable
//! when the process exits, and `waitid(P_PIDFD, …, WEXITED | WNOWAIT)`
//! reads its status without reaping it, so the parent's `waitpid` still
//! gets it.

use super::os;
use super::table::{encode, TAG_SLOT};
use crate::layout;
use bsd_errno::{check, Errno, Result};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// What a process knote keeps: the pidfd, and whether the process exited.
#[derive(Debug)]
pub(super) struct ProcKnote {
    pub(super) pidfd: OwnedFd,
    pub(super) exited: bool,
}

/// A pidfd for `pid` (ESRCH if there is no such process).
pub(super) fn open(ident: usize) -> Result<OwnedFd> {
    let pid = libc::pid_t::try_from(ident).map_err(|_| Errno::ESRCH)?;
    if pid <= 0 {
        return Err(Errno::ESRCH);
    }
    // SAFETY: pidfd_open takes a pid and flags; the result is a new
    // close-on-exec descriptor or -1.
    let fd = check(unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) })?;
    // SAFETY: a fresh descriptor (it fits an int), owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// A duplicate of the pidfd `ident` for an EVFILT_PROCDESC knote: EBADF
/// if `ident` is not an open descriptor, EINVAL if it is not a pidfd.
pub(super) fn dup_desc(ident: usize) -> Result<OwnedFd> {
    let fd = os::raw_fd(ident)?;
    // SAFETY: F_DUPFD_CLOEXEC takes an int; the result is a new descriptor
    // or -1.
    let dup = check(unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) })?;
    // SAFETY: a fresh descriptor, owned by nobody else.
    let dup = unsafe { OwnedFd::from_raw_fd(dup) };
    // Signal 0 checks without sending: a pidfd answers 0, ESRCH (exited)
    // or EPERM; anything else (EBADF) is not a pidfd.
    // SAFETY: pidfd_send_signal with signal 0 and no siginfo sends nothing.
    let r = unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            dup.as_raw_fd(),
            0,
            core::ptr::null::<libc::siginfo_t>(),
            0,
        )
    };
    match check(r) {
        Ok(_) | Err(Errno::ESRCH | Errno::EPERM) => Ok(dup),
        Err(_) => Err(Errno::EINVAL),
    }
}

pub(super) fn register(ep: RawFd, pidfd: &OwnedFd, slot: u32, gen: u32) -> Result<()> {
    os::epoll_ctl(
        ep,
        libc::EPOLL_CTL_ADD,
        pidfd.as_raw_fd(),
        (libc::EPOLLIN | libc::EPOLLET) as u32,
        encode(TAG_SLOT, slot, gen),
    )
}

/// The BSD wait-status word of the exited process, without reaping it;
/// 0 if it is not our child (Linux gives the status to the parent only)
/// or was reaped already.
pub(super) fn status(pidfd: &OwnedFd) -> i64 {
    // SAFETY: all-zero is a valid siginfo_t.
    let mut info: libc::siginfo_t = unsafe { core::mem::zeroed() };
    // SAFETY: waitid writes into `info`; WNOWAIT leaves the child waitable.
    let r = unsafe {
        libc::waitid(
            libc::P_PIDFD,
            pidfd.as_raw_fd() as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOWAIT | libc::WNOHANG,
        )
    };
    if r != 0 {
        return 0;
    }
    // SAFETY: waitid filled a SIGCHLD siginfo, whose si_status is valid.
    let st = unsafe { info.si_status() };
    match info.si_code {
        libc::CLD_EXITED => layout::exit_status(st),
        libc::CLD_KILLED => layout::signaled_status(st, false),
        libc::CLD_DUMPED => layout::signaled_status(st, true),
        _ => 0,
    }
}
