//! Waiting for children: `wait4(2)`, `waitid(2)`, FreeBSD's `wait6(2)`, and
//! Linux's `pidfd_open(2)`.

use crate::{sys, ChildInfo, Rusage, WaitStatus};
use bitflags::bitflags;
use bsd_errno::{Errno, Result};
#[cfg(target_os = "linux")]
use std::os::fd::{BorrowedFd, OwnedFd};

bitflags! {
    /// Options of [`wait4`] and [`waitid`] (`W*`), with this platform's bits.
    ///
    /// Unknown bits are kept (`from_bits_retain`) and passed to the kernel,
    /// which rejects what it does not know with `EINVAL`.
    ///
    /// `wait4` reports exits always, stops with [`UNTRACED`](Self::UNTRACED)
    /// and continues with [`CONTINUED`](Self::CONTINUED). `waitid` reports
    /// only what is asked for: at least one of [`EXITED`](Self::EXITED),
    /// [`STOPPED`](Self::STOPPED), [`CONTINUED`](Self::CONTINUED) is needed.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct WaitOptions: libc::c_int {
        /// `WNOHANG`: return at once (with `None`) if no child has changed
        /// state.
        const NOHANG = libc::WNOHANG;
        /// `WUNTRACED`: `wait4` also reports stopped children.
        const UNTRACED = libc::WUNTRACED;
        /// `WCONTINUED`: also report stopped children resumed by `SIGCONT`.
        const CONTINUED = libc::WCONTINUED;
        /// `WEXITED`: `waitid` reports children that terminated.
        const EXITED = libc::WEXITED;
        /// `WSTOPPED`: `waitid` reports stopped children (the same bit as
        /// `UNTRACED` everywhere but Apple, where `wait4` needs `UNTRACED`
        /// and `waitid` needs `STOPPED`).
        const STOPPED = libc::WSTOPPED;
        /// `WNOWAIT`: report the child but leave it waitable, so a later
        /// wait reports (and reaps) it again.
        const NOWAIT = libc::WNOWAIT;
        /// `WTRAPPED`: report traced children that trapped (BSD; Linux and
        /// Apple report traced stops through `UNTRACED`/`STOPPED`).
        #[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd", target_os = "openbsd"))]
        #[cfg_attr(docsrs, doc(cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd", target_os = "openbsd"))))]
        const TRAPPED = libc::WTRAPPED;
        /// `__WALL` (Linux): wait for every child, whether a clone or not.
        #[cfg(target_os = "linux")]
        #[cfg_attr(docsrs, doc(cfg(target_os = "linux")))]
        const ALL = libc::__WALL;
        /// `__WCLONE` (Linux): wait only for clone children (those that do
        /// not signal `SIGCHLD` on exit).
        #[cfg(target_os = "linux")]
        #[cfg_attr(docsrs, doc(cfg(target_os = "linux")))]
        const CLONE = libc::__WCLONE;
        /// `__WNOTHREAD` (Linux): do not wait for children of other threads
        /// of this process.
        #[cfg(target_os = "linux")]
        #[cfg_attr(docsrs, doc(cfg(target_os = "linux")))]
        const NOTHREAD = libc::__WNOTHREAD;
    }
}

/// A child [`wait4`] reported: its pid, status word and resource usage.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Waited {
    /// The child's process id.
    pub pid: libc::pid_t,
    /// Its status word, decoded with this platform's rules.
    pub status: WaitStatus,
    /// Its resource usage (for a stop or continue report, the usage so
    /// far, as far as the kernel fills it in).
    pub rusage: Rusage,
}

/// Waits for a child to change state and reports its status and resource
/// usage.
///
/// `pid` selects as in `waitpid`: a pid; `-1` for any child; `0` for any
/// child in the caller's process group; `-pgid` for any child in that
/// group. Returns `Ok(None)` when [`WaitOptions::NOHANG`] finds no child
/// that changed state.
///
/// ```
/// use bsd_proc::{wait4, WaitEvent, WaitOptions};
/// let child = std::process::Command::new("sh").args(["-c", "exit 3"]).spawn()?;
/// let pid = i32::try_from(child.id())?;
/// let waited = wait4(pid, WaitOptions::empty())?.expect("without NOHANG a child is reported");
/// assert_eq!(waited.pid, pid);
/// assert_eq!(waited.status.event(), WaitEvent::Exited(3));
/// println!("it used {:?} of CPU", waited.rusage.user_time() + waited.rusage.system_time());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// - `ECHILD`: no such child (or none at all), or `SIGCHLD` is ignored and
///   the children were reaped automatically.
/// - `EINTR`: a signal arrived first (not retried; see
///   [`bsd_errno::retry_on_eintr`]).
/// - `EINVAL`: unknown option bits.
///
/// # References
#[doc = crate::man_links!(wait4(2))]
#[doc(alias = "Wait4")]
#[inline]
pub fn wait4(pid: libc::pid_t, options: WaitOptions) -> Result<Option<Waited>> {
    sys::wait4(pid, options.bits())
}

/// Which children [`waitid`] (and FreeBSD's `wait6`) wait for.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum WaitId<'fd> {
    /// Any child (`P_ALL`).
    All,
    /// The child with this pid (`P_PID`); must be positive.
    Pid(libc::pid_t),
    /// Any child in this process group (`P_PGID`); 0 means the caller's own
    /// group (translated to `getpgrp()` on every platform).
    Pgid(libc::pid_t),
    /// The child a pidfd refers to (`P_PIDFD`, Linux ≥ 5.4). Unlike a pid,
    /// a pidfd cannot come to name another process after the child is
    /// reaped.
    #[cfg(target_os = "linux")]
    #[cfg_attr(docsrs, doc(cfg(target_os = "linux")))]
    PidFd(BorrowedFd<'fd>),
    #[cfg(not(target_os = "linux"))]
    #[doc(hidden)]
    /// Carries the lifetime on platforms without pidfds; cannot be built.
    __NoPidFd(core::marker::PhantomData<BorrowedFd<'fd>>, core::convert::Infallible),
}

#[cfg(not(target_os = "linux"))]
use std::os::fd::BorrowedFd;

/// The `idtype_t` and `id_t` for a [`WaitId`].
fn raw_wait_id(id: WaitId<'_>) -> Result<(libc::idtype_t, libc::id_t)> {
    // The `as libc::id_t` casts below convert positive `pid_t`/`c_int`
    // values, which every `id_t` (u32, or i64 on FreeBSD/DragonFly) holds.
    match id {
        WaitId::All => Ok((libc::P_ALL, 0)),
        WaitId::Pid(pid) if pid > 0 => Ok((libc::P_PID, pid as libc::id_t)),
        WaitId::Pgid(0) => Ok((libc::P_PGID, sys::getpgrp() as libc::id_t)),
        WaitId::Pgid(pgid) if pgid > 0 => Ok((libc::P_PGID, pgid as libc::id_t)),
        WaitId::Pid(_) | WaitId::Pgid(_) => Err(Errno::EINVAL),
        #[cfg(target_os = "linux")]
        WaitId::PidFd(fd) => {
            use std::os::fd::AsRawFd;
            // A borrowed descriptor is never negative.
            Ok((libc::P_PIDFD, fd.as_raw_fd() as libc::id_t))
        }
        #[cfg(not(target_os = "linux"))]
        WaitId::__NoPidFd(_, never) => match never {},
    }
}

#[cfg(target_os = "linux")]
impl<'fd> From<BorrowedFd<'fd>> for WaitId<'fd> {
    fn from(fd: BorrowedFd<'fd>) -> WaitId<'fd> {
        WaitId::PidFd(fd)
    }
}

/// Waits for a child to change state and reports it as `siginfo` does: pid,
/// real uid, what happened ([`ChildCode`](crate::ChildCode)) and the exit
/// code or signal.
///
/// `options` must ask for at least one of [`WaitOptions::EXITED`],
/// [`WaitOptions::STOPPED`], [`WaitOptions::CONTINUED`];
/// [`WaitOptions::NOWAIT`] reports the child without reaping it, so a later
/// `wait4`/`waitid` reports it again. Returns `Ok(None)` when
/// [`WaitOptions::NOHANG`] finds no child that changed state.
///
/// ```
/// use bsd_proc::{wait4, waitid, ChildCode, WaitId, WaitOptions};
/// let child = std::process::Command::new("sh").args(["-c", "exit 7"]).spawn()?;
/// let pid = i32::try_from(child.id())?;
/// // Peek without reaping…
/// let info = waitid(WaitId::Pid(pid), WaitOptions::EXITED | WaitOptions::NOWAIT)?.expect("a child");
/// assert_eq!((info.pid(), info.code(), info.status()), (pid, ChildCode::Exited, 7));
/// // …then reap.
/// assert_eq!(wait4(pid, WaitOptions::empty())?.expect("a child").status.exit_status(), Some(7));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// - `ECHILD`: no child matches.
/// - `EINTR`: a signal arrived first (not retried).
/// - `EINVAL`: no event asked for, unknown option bits, a pid that is not
///   positive, a negative pgid, or (Linux < 5.4) `PidFd`.
/// - `EBADF`: `PidFd` is not a pidfd.
///
/// # Platforms
/// OpenBSD gained `waitid(2)` only recently; on older releases the symbol
/// is missing and a program calling this does not link.
///
/// # References
#[doc = crate::man_links!(waitid(2))]
pub fn waitid(id: WaitId<'_>, options: WaitOptions) -> Result<Option<ChildInfo>> {
    let (idtype, raw_id) = raw_wait_id(id)?;
    sys::waitid(idtype, raw_id, options.bits())
}

/// A child [`wait6`] reported: the status word, the child's own resource
/// usage and that of its waited-for descendants, and the `siginfo`.
#[cfg(any(target_os = "freebsd", target_os = "netbsd"))]
#[cfg_attr(docsrs, doc(cfg(any(target_os = "freebsd", target_os = "netbsd"))))]
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Waited6 {
    /// The child's process id.
    pub pid: libc::pid_t,
    /// Its status word.
    pub status: WaitStatus,
    /// Its own resource usage (`wru_self`).
    pub rusage: Rusage,
    /// The usage of its terminated, waited-for descendants
    /// (`wru_children`).
    pub children_rusage: Rusage,
    /// The `siginfo` the kernel filled in.
    pub info: ChildInfo,
}

/// `wait6(2)`: [`waitid`]'s selection and options, with [`wait4`]'s status
/// word, and the resource usage of both the child and its descendants.
///
/// # Errors
/// As [`waitid`].
///
/// # Platforms
/// FreeBSD (≥ 9.2) and NetBSD (≥ 8.0) only. `libc` binds neither; the
/// function is declared here from each system's `<sys/wait.h>`, and the
/// [`WaitId`] is translated with each system's own `idtype_t` numbers
/// (NetBSD's differ from FreeBSD's: `P_PID` is 1 there, 0 on FreeBSD).
///
/// # References
/// - [FreeBSD](https://man.freebsd.org/cgi/man.cgi?query=wait6&sektion=2)
/// - [NetBSD](https://man.netbsd.org/wait6.2)
#[cfg(any(target_os = "freebsd", target_os = "netbsd"))]
#[cfg_attr(docsrs, doc(cfg(any(target_os = "freebsd", target_os = "netbsd"))))]
pub fn wait6(id: WaitId<'_>, options: WaitOptions) -> Result<Option<Waited6>> {
    let (idtype, raw_id) = raw_wait_id(id)?;
    sys::wait6(idtype, raw_id, options.bits())
}

/// Opens a pidfd: a descriptor that refers to process `pid` for as long as
/// it is open, even after the process is reaped and its pid reused.
///
/// The descriptor is close-on-exec, polls readable when the process exits,
/// and can be waited on with [`WaitId::PidFd`].
///
/// ```
/// use bsd_proc::{pidfd_open, waitid, WaitId, WaitOptions};
/// use std::os::fd::AsFd;
/// let child = std::process::Command::new("true").spawn()?;
/// let fd = pidfd_open(i32::try_from(child.id())?)?;
/// let info = waitid(WaitId::PidFd(fd.as_fd()), WaitOptions::EXITED)?.expect("a child");
/// assert_eq!(info.status(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// - `ESRCH`: no such process.
/// - `EINVAL`: `pid` is not positive.
/// - `ENOSYS`: Linux < 5.3.
/// - `EMFILE`/`ENFILE`: descriptor limits.
///
/// # Platforms
/// Linux only (≥ 5.3).
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man2/pidfd_open.2.html)
#[cfg(target_os = "linux")]
#[cfg_attr(docsrs, doc(cfg(target_os = "linux")))]
pub fn pidfd_open(pid: libc::pid_t) -> Result<OwnedFd> {
    sys::pidfd_open(pid)
}
