//! EVFILT_PROCDESC on Linux over a pidfd (raw `libc`, no bsd-proc): the
//! exit status is reported and the child is not reaped.
#![cfg(target_os = "linux")]

mod common;

use bsd_errno::Errno;
use bsd_event::{note, EvFlags, Filter, KEvent};
use common::*;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// A child that waits in `pause()` (or exits with `code` at once), and a
/// pidfd for it.
fn child(code: Option<i32>) -> (libc::pid_t, OwnedFd) {
    // SAFETY: the child calls only async-signal-safe functions (pause,
    // _exit) before it ends.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork");
    if pid == 0 {
        // SAFETY: async-signal-safe calls only.
        unsafe {
            if let Some(c) = code {
                libc::_exit(c);
            }
            loop {
                libc::pause();
            }
        }
    }
    // SAFETY: pidfd_open takes a pid and flags.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    assert!(fd >= 0, "pidfd_open: {}", Errno::last());
    // SAFETY: a fresh descriptor owned by nobody else.
    (pid, unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// Reaps the child through its pidfd; returns (si_code, si_status).
fn reap(pidfd: &OwnedFd) -> (i32, i32) {
    // SAFETY: all-zero is a valid siginfo_t.
    let mut info: libc::siginfo_t = unsafe { core::mem::zeroed() };
    // SAFETY: waitid writes into `info`.
    let r = unsafe { libc::waitid(libc::P_PIDFD, pidfd.as_raw_fd() as libc::id_t, &mut info, libc::WEXITED) };
    assert_eq!(r, 0, "the child is still there to reap: {}", Errno::last());
    // SAFETY: a SIGCHLD siginfo filled by waitid.
    (info.si_code, unsafe { info.si_status() })
}

#[test]
fn killed_child_reports_its_status_and_is_not_reaped() {
    let (_pid, pidfd) = child(None);
    let kq = kq();
    let id = pidfd.as_raw_fd() as usize;
    kq.register(&[KEvent::procdesc(&pidfd).add().with_udata(5)]).unwrap();
    assert_quiet(&kq, Filter::PROCDESC, id);
    // SAFETY: signalling our own child through its pidfd.
    let r = unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            pidfd.as_raw_fd(),
            libc::SIGKILL,
            core::ptr::null::<libc::siginfo_t>(),
            0,
        )
    };
    assert_eq!(r, 0);
    let ev = wait_for(&kq, Filter::PROCDESC, id, SOON).expect("exit");
    assert_eq!(ev.filter(), Filter::from_raw(-8));
    assert_eq!(ev.fflags(), note::proc::EXIT);
    assert!(ev.flags().contains(EvFlags::EOF | EvFlags::ONESHOT), "{:?}", ev.flags());
    assert_eq!(ev.udata(), 5);
    let status = ev.data() as i32;
    assert!(libc::WIFSIGNALED(status), "{status:#x}");
    assert_eq!(libc::WTERMSIG(status), libc::SIGKILL);
    // One-shot: gone after the exit.
    assert_quiet(&kq, Filter::PROCDESC, id);
    assert_eq!(reap(&pidfd), (libc::CLD_KILLED, libc::SIGKILL));
}

#[test]
fn exited_child_reports_its_exit_code_even_if_added_after() {
    let (_pid, pidfd) = child(Some(7));
    // Wait until it is a zombie, without reaping it.
    let mut p = libc::pollfd {
        fd: pidfd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: polling one live pollfd.
    assert_eq!(unsafe { libc::poll(&mut p, 1, -1) }, 1);
    let kq = kq();
    let id = pidfd.as_raw_fd() as usize;
    kq.register(&[KEvent::procdesc(&pidfd).add()]).unwrap();
    let ev = wait_for(&kq, Filter::PROCDESC, id, SOON).expect("exit");
    let status = ev.data() as i32;
    assert!(libc::WIFEXITED(status), "{status:#x}");
    assert_eq!(libc::WEXITSTATUS(status), 7);
    assert_eq!(reap(&pidfd), (libc::CLD_EXITED, 7));
}

#[test]
fn only_process_descriptors() {
    let kq = kq();
    let (r, _w) = pipe();
    assert_eq!(kq.register(&[KEvent::procdesc(&r).add()]), Err(Errno::EINVAL));
    // A descriptor number nothing has open (another test thread may reuse
    // a number just closed).
    let closed = (i32::MAX - 7) as usize;
    let ev = KEvent::new(closed, Filter::PROCDESC, EvFlags::ADD, note::proc::EXIT, 0, 0);
    assert_eq!(kq.register(&[ev]), Err(Errno::EBADF));
    // Notes other than NOTE_EXIT are not supported.
    let (_pid, pidfd) = child(Some(0));
    let ev = KEvent::new(
        pidfd.as_raw_fd() as usize,
        Filter::PROCDESC,
        EvFlags::ADD,
        0x4000_0000,
        0,
        0,
    );
    assert_eq!(kq.register(&[ev]), Err(Errno::EINVAL));
    assert_eq!(reap(&pidfd), (libc::CLD_EXITED, 0));
}
