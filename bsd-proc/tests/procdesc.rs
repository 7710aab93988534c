//! Process descriptors on real children: signal, exit, wait, poll.
#![cfg(any(target_os = "linux", target_os = "freebsd"))]

use bsd_errno::Errno;
use bsd_proc::{Forked, ProcessDescriptor};
use std::os::fd::AsRawFd;

/// Forks a child that writes its pid into a pipe and then waits in
/// `pause()` (or `_exit(code)`); returns its descriptor and the pid it
/// reported.
fn child(code: Option<i32>) -> (ProcessDescriptor, libc::pid_t) {
    let mut p = [0; 2];
    // SAFETY: pipe writes two descriptors.
    assert_eq!(unsafe { libc::pipe(p.as_mut_ptr()) }, 0);
    // SAFETY: the child calls only async-signal-safe functions (getpid,
    // write, pause, _exit).
    match unsafe { ProcessDescriptor::fork() }.expect("fork") {
        // SAFETY: async-signal-safe calls only, then _exit or pause forever.
        Forked::Child => unsafe {
            let pid = libc::getpid();
            libc::write(
                p[1],
                (&pid as *const libc::pid_t).cast(),
                core::mem::size_of::<libc::pid_t>(),
            );
            if let Some(c) = code {
                libc::_exit(c);
            }
            loop {
                libc::pause();
            }
        },
        Forked::Parent(pd) => {
            let mut pid: libc::pid_t = 0;
            // SAFETY: reading one pid_t from our pipe, then closing it.
            unsafe {
                libc::close(p[1]);
                let n = libc::read(
                    p[0],
                    (&mut pid as *mut libc::pid_t).cast(),
                    core::mem::size_of::<libc::pid_t>(),
                );
                assert_eq!(n as usize, core::mem::size_of::<libc::pid_t>());
                libc::close(p[0]);
            }
            (pd, pid)
        }
    }
}

/// Whether the descriptor is readable/hung up (the process exited),
/// waiting at most `ms` milliseconds.
fn exited(pd: &ProcessDescriptor, ms: i32) -> bool {
    let mut p = libc::pollfd {
        fd: pd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: polling one live pollfd.
    unsafe { libc::poll(&mut p, 1, ms) == 1 }
}

#[test]
fn kill_then_wait_reports_the_signal() {
    let (pd, pid) = child(None);
    assert_eq!(pd.pid(), Ok(pid));
    assert_eq!(pd.try_wait(), Ok(None));
    assert_eq!(pd.kill(0), Ok(()));
    pd.kill(libc::SIGTERM).unwrap();
    let st = pd.wait().unwrap();
    assert!(st.signaled(), "{st:?}");
    assert_eq!(st.signal(), Some(libc::SIGTERM));
    // Reaped: nothing left to wait for or signal.
    assert_eq!(pd.wait(), Err(Errno::ECHILD));
    assert!(pd.kill(libc::SIGTERM).is_err());
}

#[test]
fn exit_is_seen_by_poll_then_by_wait() {
    let (pd, _pid) = child(Some(3));
    assert!(exited(&pd, 10_000), "the descriptor becomes ready at the exit");
    let st = pd.try_wait().unwrap().expect("exited");
    assert_eq!(st.exit_status(), Some(3));
}

#[test]
fn descriptor_conversions() {
    let (pd, _pid) = child(Some(0));
    let fd: std::os::fd::OwnedFd = pd.into();
    let pd = ProcessDescriptor::from(fd);
    assert_eq!(pd.wait().map(|s| s.exit_status()), Ok(Some(0)));
}

#[cfg(target_os = "linux")]
#[test]
fn open_an_existing_child_and_reject_others() {
    let (pd, pid) = child(None);
    let other = ProcessDescriptor::open(pid).unwrap();
    assert_eq!(other.pid(), Ok(pid));
    other.kill(libc::SIGKILL).unwrap();
    assert_eq!(pd.wait().map(|s| s.signal()), Ok(Some(libc::SIGKILL)));
    assert_eq!(ProcessDescriptor::open(-1).map(drop), Err(Errno::EINVAL));
    // Not a process descriptor.
    let f = std::fs::File::open("/dev/null").unwrap();
    let not = ProcessDescriptor::from(std::os::fd::OwnedFd::from(f));
    assert!(not.kill(0).is_err());
    assert_eq!(not.pid(), Err(Errno::EINVAL));
}
