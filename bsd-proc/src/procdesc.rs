//! Process descriptors: a child process held as a descriptor rather than a
//! pid. FreeBSD's `pdfork(2)`, `pdgetpid(2)` and `pdkill(2)`; on Linux a
//! pidfd (`clone3(2)` with `CLONE_PIDFD`, `pidfd_send_signal(2)`, and
//! `waitid(P_PIDFD)`).
//!
//! A descriptor names one process for as long as it is open: unlike a pid
//! it can never come to mean another process, and it can be watched for
//! the exit (`poll`, or kqueue's `EVFILT_PROCDESC`).

use crate::WaitStatus;
use bsd_errno::{check, Errno, Result};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};

/// A process descriptor: an open descriptor naming one child process.
///
/// Made by [`ProcessDescriptor::fork`] (and on Linux also
/// `ProcessDescriptor::open`); it owns the descriptor and closes it on
/// drop.
///
/// # Platforms
/// FreeBSD and Linux only (other systems have no process descriptors).
/// - FreeBSD: `pdfork`; closing the last descriptor of a process that is
///   still running **kills it** with `SIGKILL` (FreeBSD's rule for process
///   descriptors made without `PD_DAEMON`). The child sends no `SIGCHLD`.
/// - Linux: `clone3` with `CLONE_PIDFD` (or `fork` and `pidfd_open` where
///   `clone3` is missing); closing the descriptor leaves the process
///   running, and the child sends `SIGCHLD` as after `fork`.
///
/// # Examples
/// ```
/// # #[cfg(any(target_os = "linux", target_os = "freebsd"))] {
/// use bsd_proc::{Forked, ProcessDescriptor};
///
/// // SAFETY: the child calls only `_exit`, which is async-signal-safe.
/// match unsafe { ProcessDescriptor::fork() }? {
///     Forked::Child => unsafe { libc::_exit(3) },
///     Forked::Parent(pd) => {
///         let status = pd.wait()?;
///         assert_eq!(status.exit_status(), Some(3));
///     }
/// }
/// # }
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "freebsd"))))]
#[derive(Debug)]
pub struct ProcessDescriptor(OwnedFd);

/// What [`ProcessDescriptor::fork`] returns in each process.
#[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "freebsd"))))]
#[derive(Debug)]
pub enum Forked {
    /// In the parent: the child's descriptor.
    Parent(ProcessDescriptor),
    /// In the child.
    Child,
}

impl ProcessDescriptor {
    /// Forks the process and returns, in the parent, a descriptor for the
    /// child (close-on-exec). Go has no equivalent; FreeBSD's `pdfork(2)`.
    ///
    /// # Safety
    /// As for `fork(2)` in a program that may have several threads: until
    /// it calls `execve` or `_exit`, the child may only call
    /// async-signal-safe functions (no allocation, no locks, no `println!`).
    /// On Linux the child is made by the raw `clone3` system call, so the C
    /// library's `atfork` handlers do not run and its cached thread state
    /// is the parent's: the child should do nothing but `exec` or `_exit`.
    ///
    /// # Errors
    /// `EAGAIN` (process limit), `ENOMEM`, and what `pdfork`/`clone3` give.
    #[doc = crate::man_links!(pdfork(2))]
    pub unsafe fn fork() -> Result<Forked> {
        // SAFETY: the caller upholds the child's restrictions.
        unsafe { sys::fork() }
    }

    /// The process's pid (FreeBSD's `pdgetpid(2)`; on Linux the `Pid:`
    /// line of `/proc/self/fdinfo`). `ESRCH` once the process was reaped
    /// (Linux), `EBADF`/`EINVAL` if this is not a process descriptor.
    pub fn pid(&self) -> Result<libc::pid_t> {
        sys::pid(self.0.as_raw_fd())
    }

    /// Sends signal `sig` to the process (FreeBSD's `pdkill(2)`, Linux's
    /// `pidfd_send_signal(2)`). Signal 0 only checks that it could be sent.
    /// `ESRCH` once the process has exited, `EINVAL` for a bad signal.
    pub fn kill(&self, sig: i32) -> Result<()> {
        sys::kill(self.0.as_raw_fd(), sig)
    }

    /// Waits for the process to exit and reaps it; its status.
    ///
    /// Linux: `waitid(P_PIDFD, fd, WEXITED)`. FreeBSD: `wait4` on
    /// [`pid`](Self::pid). `ECHILD` if it was reaped already or is not a
    /// child of this process. `EINTR` is returned, not retried.
    pub fn wait(&self) -> Result<WaitStatus> {
        sys::wait(self.0.as_raw_fd(), false).and_then(|s| s.ok_or(Errno::ECHILD))
    }

    /// Reaps the process if it has exited (`WNOHANG`): `Ok(None)` while it
    /// runs.
    pub fn try_wait(&self) -> Result<Option<WaitStatus>> {
        sys::wait(self.0.as_raw_fd(), true)
    }
}

#[cfg(target_os = "linux")]
impl ProcessDescriptor {
    /// A descriptor for the existing process `pid` (Linux's
    /// `pidfd_open(2)`); waiting through it works only for a child.
    #[cfg_attr(docsrs, doc(cfg(target_os = "linux")))]
    pub fn open(pid: libc::pid_t) -> Result<ProcessDescriptor> {
        sys::pidfd_open(pid).map(ProcessDescriptor)
    }
}

impl AsFd for ProcessDescriptor {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }
}

impl AsRawFd for ProcessDescriptor {
    fn as_raw_fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }
}

impl IntoRawFd for ProcessDescriptor {
    fn into_raw_fd(self) -> RawFd {
        self.0.into_raw_fd()
    }
}

impl From<ProcessDescriptor> for OwnedFd {
    fn from(pd: ProcessDescriptor) -> OwnedFd {
        pd.0
    }
}

impl From<OwnedFd> for ProcessDescriptor {
    /// Takes a descriptor the caller knows to be a process descriptor
    /// (FreeBSD `pdfork`, Linux pidfd); the methods fail with `EBADF` or
    /// `EINVAL` on anything else.
    fn from(fd: OwnedFd) -> ProcessDescriptor {
        ProcessDescriptor(fd)
    }
}

impl FromRawFd for ProcessDescriptor {
    unsafe fn from_raw_fd(fd: RawFd) -> ProcessDescriptor {
        // SAFETY: the caller gives us ownership of an open descriptor.
        ProcessDescriptor(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}

#[cfg(target_os = "linux")]
mod sys {
    use super::{check, Errno, Forked, OwnedFd, ProcessDescriptor, RawFd, Result, WaitStatus};
    use std::os::fd::FromRawFd;

    /// The first (version 0, 64-byte) part of the kernel's
    /// `struct clone_args`.
    #[repr(C)]
    struct CloneArgs {
        flags: u64,
        pidfd: u64,
        child_tid: u64,
        parent_tid: u64,
        exit_signal: u64,
        stack: u64,
        stack_size: u64,
        tls: u64,
    }

    pub(super) unsafe fn fork() -> Result<Forked> {
        let mut pidfd: libc::c_int = -1;
        let args = CloneArgs {
            flags: libc::CLONE_PIDFD as u64,
            pidfd: core::ptr::addr_of_mut!(pidfd) as usize as u64,
            child_tid: 0,
            parent_tid: 0,
            exit_signal: libc::SIGCHLD as u64,
            stack: 0,
            stack_size: 0,
            tls: 0,
        };
        // SAFETY: clone3 reads `args` (of the size given) and writes the
        // pidfd into `pidfd`; without a stack it forks like fork(2), and
        // the caller upholds the child's restrictions.
        let r = unsafe {
            libc::syscall(
                libc::SYS_clone3,
                &args as *const CloneArgs,
                core::mem::size_of::<CloneArgs>(),
            )
        };
        if r == 0 {
            return Ok(Forked::Child);
        }
        if r > 0 {
            // SAFETY: the kernel made `pidfd` for us (close-on-exec).
            return Ok(Forked::Parent(ProcessDescriptor(unsafe {
                OwnedFd::from_raw_fd(pidfd)
            })));
        }
        match Errno::last() {
            // No clone3 (old kernel, or a seccomp filter): fork, then
            // open the child, which cannot be reaped (so its pid cannot be
            // reused) before we wait for it.
            Errno::ENOSYS => {
                // SAFETY: the caller upholds the child's restrictions.
                let pid = check(unsafe { libc::fork() })?;
                if pid == 0 {
                    return Ok(Forked::Child);
                }
                pidfd_open(pid).map(|fd| Forked::Parent(ProcessDescriptor(fd)))
            }
            e => Err(e),
        }
    }

    pub(super) fn pidfd_open(pid: libc::pid_t) -> Result<OwnedFd> {
        // SAFETY: pidfd_open takes a pid and flags; the result is a new
        // close-on-exec descriptor or -1.
        let fd = check(unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) })?;
        // SAFETY: a fresh descriptor (it fits an int), owned by nobody else.
        Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
    }

    pub(super) fn pid(fd: RawFd) -> Result<libc::pid_t> {
        let text = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).map_err(|_| Errno::EBADF)?;
        let line = text.lines().find_map(|l| l.strip_prefix("Pid:")).ok_or(Errno::EINVAL)?;
        match line.trim().parse::<libc::pid_t>() {
            Ok(p) if p > 0 => Ok(p),
            // -1: the process is gone; 0: in another pid namespace.
            Ok(_) => Err(Errno::ESRCH),
            Err(_) => Err(Errno::EINVAL),
        }
    }

    pub(super) fn kill(fd: RawFd, sig: i32) -> Result<()> {
        // SAFETY: no siginfo pointer; the kernel checks fd and signal.
        let r = unsafe {
            libc::syscall(
                libc::SYS_pidfd_send_signal,
                fd,
                sig,
                core::ptr::null::<libc::siginfo_t>(),
                0,
            )
        };
        check(r).map(drop)
    }

    pub(super) fn wait(fd: RawFd, nohang: bool) -> Result<Option<WaitStatus>> {
        // SAFETY: all-zero is a valid siginfo_t.
        let mut info: libc::siginfo_t = unsafe { core::mem::zeroed() };
        let opts = libc::WEXITED | if nohang { libc::WNOHANG } else { 0 };
        let id = libc::id_t::try_from(fd).map_err(|_| Errno::EBADF)?;
        // SAFETY: waitid writes into `info`.
        check(unsafe { libc::waitid(libc::P_PIDFD, id, &mut info, opts) })?;
        // SAFETY: reading the pid of a siginfo waitid filled (0 if none).
        if unsafe { info.si_pid() } == 0 {
            return Ok(None);
        }
        // SAFETY: a SIGCHLD siginfo from waitid: si_status is valid.
        let st = unsafe { info.si_status() };
        // The same word wait4 would give.
        let raw = match info.si_code {
            libc::CLD_EXITED => (st & 0xff) << 8,
            libc::CLD_KILLED => st & 0x7f,
            libc::CLD_DUMPED => (st & 0x7f) | 0x80,
            _ => return Err(Errno::EINVAL),
        };
        Ok(Some(WaitStatus::from_raw(raw)))
    }
}

#[cfg(target_os = "freebsd")]
mod sys {
    use super::{check, Errno, Forked, OwnedFd, ProcessDescriptor, RawFd, Result, WaitStatus};
    use std::os::fd::FromRawFd;

    pub(super) unsafe fn fork() -> Result<Forked> {
        let mut fd: libc::c_int = -1;
        // SAFETY: pdfork writes the descriptor into `fd`; the caller
        // upholds the child's restrictions.
        let pid = check(unsafe { libc::pdfork(&mut fd, libc::PD_CLOEXEC) })?;
        if pid == 0 {
            return Ok(Forked::Child);
        }
        // SAFETY: the kernel made `fd` for us.
        Ok(Forked::Parent(ProcessDescriptor(unsafe { OwnedFd::from_raw_fd(fd) })))
    }

    pub(super) fn pid(fd: RawFd) -> Result<libc::pid_t> {
        let mut pid: libc::pid_t = 0;
        // SAFETY: pdgetpid writes one pid_t.
        check(unsafe { libc::pdgetpid(fd, &mut pid) })?;
        Ok(pid)
    }

    pub(super) fn kill(fd: RawFd, sig: i32) -> Result<()> {
        // SAFETY: pdkill takes two ints.
        check(unsafe { libc::pdkill(fd, sig) }).map(drop)
    }

    pub(super) fn wait(fd: RawFd, nohang: bool) -> Result<Option<WaitStatus>> {
        let p = pid(fd).map_err(|e| if e == Errno::ESRCH { Errno::ECHILD } else { e })?;
        let mut st = 0;
        let opts = if nohang { libc::WNOHANG } else { 0 };
        // SAFETY: wait4 writes the status word; no rusage asked.
        let r = check(unsafe { libc::wait4(p, &mut st, opts, core::ptr::null_mut()) })?;
        Ok((r != 0).then(|| WaitStatus::from_raw(st)))
    }
}
