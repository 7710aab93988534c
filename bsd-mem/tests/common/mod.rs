//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Whether every page of `ptr..ptr+len` is mapped, asked of the kernel
/// without touching the memory: `msync` fails with ENOMEM if a page in the
/// range is not mapped (POSIX), and `MS_ASYNC` changes nothing.
pub fn mapped(ptr: *const u8, len: usize) -> bool {
    let page = bsd_mem::page_size();
    let start = ptr as usize & !(page - 1);
    let span = ptr as usize + len - start;
    // SAFETY: msync with MS_ASYNC only schedules write-back of whatever is
    // mapped there; it neither reads nor changes the memory.
    let r = unsafe { libc::msync(start as *mut libc::c_void, span, libc::MS_ASYNC) };
    if r == 0 {
        return true;
    }
    assert_eq!(bsd_errno::Errno::last(), bsd_errno::Errno::ENOMEM, "msync");
    false
}

/// A fresh path in the temporary directory, removed by the returned guard.
pub struct TempFile(pub PathBuf);

impl TempFile {
    pub fn new(contents: &[u8]) -> TempFile {
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "bsd-mem-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, contents).expect("write temp file");
        TempFile(path)
    }

    pub fn open_rw(&self) -> std::fs::File {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.0)
            .expect("open temp file")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs `f` in a forked child and returns its wait status.
pub fn in_child(f: impl FnOnce() -> i32) -> i32 {
    // SAFETY: the child runs only `f`, which the callers keep to system
    // calls and plain memory accesses, then leaves with _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let code = f();
        // SAFETY: leaving the child without running the parent's atexit.
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    // SAFETY: waiting for our own child, `status` is writable.
    let r = unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(r, pid, "waitpid failed");
    status
}

/// Lines of `/proc/self/maps`: the kernel's count of our mappings (Linux;
/// `None` on the BSDs and Apple, which have no such file to count with).
pub fn maps_lines() -> Option<usize> {
    if cfg!(target_os = "linux") {
        let maps = std::fs::read_to_string("/proc/self/maps").expect("read /proc/self/maps");
        Some(maps.lines().count())
    } else {
        None
    }
}

/// Entries of `/proc/self/fd` (Linux; `None` elsewhere: FreeBSD's `/dev/fd`
/// shows only 0–2 without fdescfs).
pub fn open_fds() -> Option<usize> {
    if cfg!(target_os = "linux") {
        Some(std::fs::read_dir("/proc/self/fd").expect("read /proc/self/fd").count())
    } else {
        None
    }
}
