//! Helpers shared by the behaviour tests (each test file is its own binary
//! and uses what it needs).
#![allow(dead_code)]

use bsd_event::{Filter, KEvent, Kqueue};
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

/// A generous bound for things that happen "soon" (never asserted as a
/// time: only used so a broken test fails instead of hanging).
pub const SOON: Duration = Duration::from_secs(10);
/// How long to look for an event that must *not* come.
pub const QUIET: Duration = Duration::from_millis(50);

pub fn kq() -> Kqueue {
    Kqueue::new().expect("kqueue")
}

/// A pipe: (read end, write end), close-on-exec.
pub fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: room for two descriptors.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    for fd in fds {
        // SAFETY: setting close-on-exec on our new descriptors.
        unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    }
    // SAFETY: fresh descriptors, owned here only.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

pub fn write_bytes(fd: &impl std::os::fd::AsRawFd, n: usize) {
    let buf = vec![b'x'; n];
    // SAFETY: writing from a live buffer.
    let w = unsafe { libc::write(fd.as_raw_fd(), buf.as_ptr().cast(), n) };
    assert_eq!(w, n as isize);
}

pub fn read_bytes(fd: &impl std::os::fd::AsRawFd, n: usize) -> usize {
    let mut buf = vec![0u8; n];
    // SAFETY: reading into a live buffer.
    let r = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), n) };
    assert!(r >= 0, "read failed");
    r as usize
}

/// Everything pending right now.
pub fn poll(kq: &Kqueue) -> Vec<KEvent> {
    let mut ev = [KEvent::zeroed(); 32];
    let n = kq.wait(&mut ev, Some(Duration::ZERO)).expect("kevent");
    ev[..n].to_vec()
}

/// Waits (up to `within`) for an event of `filter` on `ident`.
pub fn wait_for(kq: &Kqueue, filter: Filter, ident: usize, within: Duration) -> Option<KEvent> {
    let end = Instant::now() + within;
    let mut ev = [KEvent::zeroed(); 32];
    loop {
        let left = end.saturating_duration_since(Instant::now());
        let n = match kq.wait(&mut ev, Some(left)) {
            Ok(n) => n,
            Err(bsd_errno::Errno::EINTR) => 0,
            Err(e) => panic!("kevent: {e}"),
        };
        if let Some(e) = ev[..n].iter().find(|e| e.filter() == filter && e.ident() == ident) {
            return Some(*e);
        }
        if left.is_zero() {
            return None;
        }
    }
}

/// Waits (up to `within`) until an event of `filter` has been seen for
/// each of `idents`; returns them in the order of `idents`.
pub fn wait_all(kq: &Kqueue, filter: Filter, idents: &[usize], within: Duration) -> Vec<KEvent> {
    let end = Instant::now() + within;
    let mut got: Vec<Option<KEvent>> = vec![None; idents.len()];
    let mut ev = [KEvent::zeroed(); 32];
    while got.iter().any(Option::is_none) {
        let left = end.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "timed out; seen {got:?}");
        let n = kq.wait(&mut ev, Some(left)).expect("kevent");
        for e in &ev[..n] {
            if e.filter() == filter {
                if let Some(i) = idents.iter().position(|&x| x == e.ident()) {
                    got[i].get_or_insert(*e);
                }
            }
        }
    }
    got.into_iter().flatten().collect()
}

/// Asserts no event of `filter` on `ident` arrives within [`QUIET`].
pub fn assert_quiet(kq: &Kqueue, filter: Filter, ident: usize) {
    if let Some(e) = wait_for(kq, filter, ident, QUIET) {
        panic!("unexpected event {e:?}");
    }
}

/// Runs `body` in a fresh child process (this test binary re-executed for
/// this one test), for tests that change process-wide state, and returns
/// the child's exit status. The child runs only when the environment
/// names this test.
pub fn in_child_status(test: &str, body: impl FnOnce()) -> Option<ExitStatus> {
    if std::env::var("BSD_EVENT_CHILD").ok().as_deref() == Some(test) {
        body();
        return None;
    }
    let exe = std::env::current_exe().expect("current_exe");
    let out = Command::new(exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env("BSD_EVENT_CHILD", test)
        .output()
        .expect("spawn child");
    if out.status.success() {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("1 passed"), "the child did not run {test}: {text}");
    }
    Some(out.status)
}

/// [`in_child_status`] for a child that must pass.
pub fn in_child(test: &str, body: impl FnOnce()) {
    if let Some(st) = in_child_status(test, body) {
        assert!(st.success(), "child test {test} failed: {st:?}");
    }
}
