//! EVFILT_PROC and EVFILT_PROCDESC.
//!
//! The exit comes from a pidfd (for PROCDESC the program's own,
//! duplicated): it becomes readable when the process exits, and
//! `waitid(P_PIDFD, …, WEXITED | WNOWAIT)` reads the status without
//! reaping it, so the parent's `waitpid` still gets it.
//!
//! `NOTE_FORK`, `NOTE_EXEC` and `NOTE_TRACK` come from the process-event
//! connector (`connector.rs`): a knote asking for one of them makes its
//! kqueue subscribe an inbox and watch the pid there. What a note means
//! is FreeBSD's (`filt_proc`, `filt_procattach` and `knote_fork` in
//! `sys/kern/kern_event.c`): a requested note is recorded in the pending
//! `fflags`; at the exit the knote reports what is pending plus
//! `NOTE_EXIT` if asked, with `EV_EOF | EV_ONESHOT`, and is dropped
//! silently if nothing is; a tracked child's knote first reports
//! `NOTE_CHILD` with the parent's pid in `data`, as an event of its own
//! (FreeBSD uses a separate one-shot knote for it, so the two `data`
//! meanings never meet), then its own notes.

use super::connector::{self, Inbox};
use super::kevent::{Eval, NOTE_CHILD, NOTE_EXEC, NOTE_EXIT, NOTE_FORK, NOTE_TRACK};
use super::os;
use super::table::{encode, TAG_SLOT, TAG_SPECIAL};
use crate::layout;
use bsd_errno::{check, Errno, Result};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::Arc;

/// The notes that need the connector.
pub(super) const LIFECYCLE: u32 = NOTE_FORK | NOTE_EXEC | NOTE_TRACK;
/// The notes EVFILT_PROC accepts on input.
pub(super) const ACCEPTED: u32 = NOTE_EXIT | LIFECYCLE;
/// The indices under TAG_SPECIAL of the connector socket's reports and of
/// the kqueue's inbox eventfd.
pub(super) const SPECIAL_CONNECTOR: u32 = 2;
pub(super) const SPECIAL_INBOX: u32 = 3;

/// What a process knote keeps.
#[derive(Debug)]
pub(super) struct ProcKnote {
    pub(super) pidfd: OwnedFd,
    /// The process exited (its status is in the knote's `data`).
    pub(super) exited: bool,
    /// When the knote was attached (`CLOCK_MONOTONIC` ns): connector
    /// events stamped earlier happened before it and are ignored.
    pub(super) since: u64,
    /// A `NOTE_CHILD` notice not yet delivered: the parent's pid.
    pub(super) child_of: Option<i64>,
}

impl ProcKnote {
    pub(super) fn new(pidfd: OwnedFd, since: u64) -> ProcKnote {
        ProcKnote {
            pidfd,
            exited: false,
            since,
            child_of: None,
        }
    }
}

/// Subscribes a kqueue to the connector: its inbox, with the shared
/// socket and the inbox's eventfd in epoll `ep` (level-triggered).
pub(super) fn subscribe(ep: RawFd) -> Result<Arc<Inbox>> {
    let (inbox, sock) = connector::subscribe()?;
    let r = os::epoll_ctl(
        ep,
        libc::EPOLL_CTL_ADD,
        sock,
        libc::EPOLLIN as u32,
        encode(TAG_SPECIAL, SPECIAL_CONNECTOR, 0),
    )
    .and_then(|()| {
        os::epoll_ctl(
            ep,
            libc::EPOLL_CTL_ADD,
            inbox.wake_fd(),
            libc::EPOLLIN as u32,
            encode(TAG_SPECIAL, SPECIAL_INBOX, 0),
        )
    });
    if let Err(e) = r {
        let _ = os::epoll_ctl(ep, libc::EPOLL_CTL_DEL, sock, 0, 0);
        connector::unsubscribe(&inbox);
        return Err(e);
    }
    Ok(inbox)
}

/// Ends a kqueue's subscription: both descriptors leave epoll `ep`, then
/// the inbox leaves the connector (the socket closes with the last one).
pub(super) fn unsubscribe(ep: RawFd, inbox: &Arc<Inbox>) {
    let _ = os::epoll_ctl(ep, libc::EPOLL_CTL_DEL, inbox.wake_fd(), 0, 0);
    let _ = os::epoll_ctl(ep, libc::EPOLL_CTL_DEL, inbox.sock_fd(), 0, 0);
    connector::unsubscribe(inbox);
}

/// What a process knote reports now, taking it from the knote: a pending
/// `NOTE_CHILD` notice first, then the exit (with what is pending), then
/// the pending notes. `Stale` for an exit nobody asked for (FreeBSD's
/// `EV_DROP`).
pub(super) fn take(p: &mut ProcKnote, sfflags: u32, pending: &mut u32, status: i64) -> Eval {
    if let Some(parent) = p.child_of.take() {
        return Eval::Ready {
            data: parent,
            fflags: NOTE_CHILD,
            eof: false,
        };
    }
    if p.exited {
        let fflags = core::mem::take(pending) | (sfflags & NOTE_EXIT);
        if fflags == 0 {
            return Eval::Stale;
        }
        let data = if fflags & NOTE_EXIT != 0 { status } else { 0 };
        return Eval::Ready {
            data,
            fflags,
            eof: true,
        };
    }
    match core::mem::take(pending) {
        0 => Eval::NotReady,
        fflags => Eval::Ready {
            data: 0,
            fflags,
            eof: false,
        },
    }
}

/// Whether a process knote has more to report after a delivery.
pub(super) fn more(p: &ProcKnote, pending: u32) -> bool {
    p.child_of.is_some() || pending != 0 || p.exited
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
