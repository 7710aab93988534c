//! Helpers shared by the integration tests: forked children and helpers.
//!
//! Code after `fork` in a multithreaded test binary runs in a copy of one
//! thread: it avoids std's global locks (no printing, no environment), and
//! reports through its exit status or a pipe.
#![allow(dead_code)]

use bsd_proc::WaitStatus;

/// Forks a child that runs `f` and `_exit`s with its return value.
pub fn fork_child(f: impl FnOnce() -> i32) -> libc::pid_t {
    // SAFETY: fork has no memory preconditions; the child only runs `f`
    // (which the callers keep to async-signal-safe work or work that takes
    // no lock another thread may hold) and then `_exit`s.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork: {}", std::io::Error::last_os_error());
    if pid == 0 {
        let code = f();
        // SAFETY: ends the child without running the parent's atexit
        // handlers or destructors.
        unsafe { libc::_exit(code) };
    }
    pid
}

/// A child that sleeps in `pause()` until a signal ends it; in its own
/// process group when `own_group`, so job-control stops (`SIGTSTP`,
/// `SIGTTIN`) are not discarded as for an orphaned group.
pub fn paused_child(own_group: bool) -> libc::pid_t {
    let pid = fork_child(|| {
        if own_group {
            // SAFETY: setpgid on ourselves touches no memory.
            unsafe { libc::setpgid(0, 0) };
        }
        loop {
            // SAFETY: pause only waits for a signal.
            unsafe { libc::pause() };
        }
    });
    if own_group {
        // Both sides call setpgid, so the group exists when either returns.
        // SAFETY: as above; EACCES/ESRCH races are harmless here.
        unsafe { libc::setpgid(pid, pid) };
    }
    pid
}

/// Sends signal number `sig` to `pid` with the crate's `kill`, asserting
/// success.
pub fn kill(pid: libc::pid_t, sig: i32) {
    let signal = bsd_proc::Signal::try_from(sig).expect("a valid signal number");
    if let Err(e) = bsd_proc::kill(pid, signal) {
        panic!("kill({pid}, {signal}): {e:?}");
    }
}

/// Reaps `pid` with the raw call (independent of the crate under test).
pub fn raw_reap(pid: libc::pid_t) -> i32 {
    let mut status = 0;
    // SAFETY: `status` is valid for writes.
    let r = unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(r, pid, "waitpid({pid}): {}", std::io::Error::last_os_error());
    status
}

/// Runs `f` in a forked helper process (so it may change process-wide
/// state, or wait for "any child" without reaping another test's), and
/// fails the test with the helper's message if `f` returns `Err`.
pub fn in_child(f: impl FnOnce() -> Result<(), String>) {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let [rd, wr] = fds;
    let pid = fork_child(|| {
        // SAFETY: closing our copy of the read end.
        unsafe { libc::close(rd) };
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            Ok(Ok(())) => 0,
            Ok(Err(msg)) => {
                write_all(wr, msg.as_bytes());
                1
            }
            Err(_) => {
                write_all(wr, b"the helper panicked");
                2
            }
        }
    });
    // SAFETY: closing our copy of the write end.
    unsafe { libc::close(wr) };
    let mut msg = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        // SAFETY: `buf` is valid for writes of its length.
        let n = unsafe { libc::read(rd, buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            break;
        }
        msg.extend_from_slice(&buf[..n as usize]);
    }
    // SAFETY: closing the read end we own.
    unsafe { libc::close(rd) };
    let status = raw_reap(pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "helper failed (status {status:#x}): {}",
        String::from_utf8_lossy(&msg)
    );
}

fn write_all(fd: i32, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: `bytes` is valid for reads of its length.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if n <= 0 {
            return;
        }
        bytes = &bytes[n as usize..];
    }
}

/// `Err(message)` unless `cond`.
#[allow(unused_macros)]
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

/// Asserts that our decoding of a real word equals `libc`'s macros.
#[cfg(target_os = "linux")]
pub fn assert_libc_agrees(s: WaitStatus) {
    let w = s.raw();
    assert_eq!(s.exited(), libc::WIFEXITED(w), "{s:?}");
    assert_eq!(s.signaled(), libc::WIFSIGNALED(w), "{s:?}");
    assert_eq!(s.stopped(), libc::WIFSTOPPED(w), "{s:?}");
    assert_eq!(s.continued(), libc::WIFCONTINUED(w), "{s:?}");
    assert_eq!(
        s.exit_status(),
        libc::WIFEXITED(w).then(|| libc::WEXITSTATUS(w)),
        "{s:?}"
    );
    assert_eq!(s.signal(), libc::WIFSIGNALED(w).then(|| libc::WTERMSIG(w)), "{s:?}");
    assert_eq!(s.stop_signal(), libc::WIFSTOPPED(w).then(|| libc::WSTOPSIG(w)), "{s:?}");
    assert_eq!(s.core_dumped(), libc::WIFSIGNALED(w) && libc::WCOREDUMP(w), "{s:?}");
}

/// Elsewhere the host's own macros are not callable from here.
#[cfg(not(target_os = "linux"))]
pub fn assert_libc_agrees(_s: WaitStatus) {}

/// The `Groups:` line of `/proc/self/status`.
#[cfg(target_os = "linux")]
pub fn proc_groups() -> Vec<u32> {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("Groups:"))
        .expect("a Groups: line");
    line.split_whitespace().map(|g| g.parse().expect("a gid")).collect()
}

/// The number of open descriptors of this process.
#[cfg(target_os = "linux")]
pub fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd").expect("/proc/self/fd").count()
}
