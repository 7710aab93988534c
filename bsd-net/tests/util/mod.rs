//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Open descriptors of this process (the listing's own descriptor
/// included, the same every time).
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// A fresh path in the temporary directory, removed when dropped.
pub struct TempPath(pub PathBuf);

impl TempPath {
    pub fn new(tag: &str) -> TempPath {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("bsd-net-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_file(&p);
        TempPath(p)
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Whether descriptor `fd` is open.
pub fn is_open(fd: i32) -> bool {
    // SAFETY: F_GETFD takes no memory.
    unsafe { libc::fcntl(fd, libc::F_GETFD) != -1 }
}

/// Whether descriptor `fd` is close-on-exec.
pub fn is_cloexec(fd: i32) -> bool {
    // SAFETY: F_GETFD takes no memory.
    let f = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    f != -1 && f & libc::FD_CLOEXEC != 0
}

/// Whether descriptor `fd` is non-blocking.
pub fn is_nonblocking(fd: i32) -> bool {
    // SAFETY: F_GETFL takes no memory.
    let f = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    f != -1 && f & libc::O_NONBLOCK != 0
}

/// A close-on-exec pipe: (read end, write end).
pub fn pipe() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: room for two descriptors.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    for fd in fds {
        // SAFETY: F_SETFD on our new descriptor.
        unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    }
    // SAFETY: two new descriptors we own.
    unsafe { (std::fs::File::from_raw_fd(fds[0]), std::fs::File::from_raw_fd(fds[1])) }
}
