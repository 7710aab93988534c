//! Errors that need a changed process: EMFILE (a lowered descriptor limit)
//! and, without root's privileges, EACCES and EPERM. They run in a forked
//! child, which reports through its exit status, so the limit and the uid
//! of the test process never change. One test in its own binary.

mod common;

use bsd_errno::Errno;
use bsd_fs::{futimens, futimes, utimes, utimes_nano, Dir, Timespec, Timeval};
use common::Scratch;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// What the child checks; returns the number of the first failed check.
fn child(secret_dir: &Path, not_ours: &Path) -> i32 {
    // EMFILE: no descriptor may be opened.
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid out-pointer.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return 1;
    }
    let saved = lim.rlim_cur;
    lim.rlim_cur = 0;
    // SAFETY: `lim` is valid; lowering the soft limit needs no privilege.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } != 0 {
        return 2;
    }
    if Dir::open(".").err() != Some(Errno::EMFILE) {
        return 3;
    }
    lim.rlim_cur = saved;
    // SAFETY: as above; the soft limit goes back under the hard one.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } != 0 {
        return 4;
    }
    // Drop root, if we are root: nobody/nogroup.
    // SAFETY: plain system calls on this (single-threaded) child.
    unsafe {
        if libc::geteuid() == 0
            && (libc::setgroups(0, std::ptr::null()) != 0 || libc::setgid(65534) != 0 || libc::setuid(65534) != 0)
        {
            return 5;
        }
    }
    // EACCES: a directory we may not read.
    if Dir::open(secret_dir).err() != Some(Errno::EACCES) {
        return 6;
    }
    // EPERM: an explicit time on a file we do not own.
    let t = Timespec::new(1, 1);
    if utimes_nano(not_ours, &[t, t]) != Err(Errno::EPERM) {
        return 7;
    }
    // EACCES: NOW on a file we do not own and may not write.
    if utimes_nano(not_ours, &[Timespec::NOW, Timespec::NOW]) != Err(Errno::EACCES) {
        return 8;
    }
    // The same through a descriptor open for reading.
    let Ok(f) = std::fs::File::open(not_ours) else { return 9 };
    if futimens(&f, &[t, t]) != Err(Errno::EPERM) {
        return 10;
    }
    if futimens(&f, &[Timespec::NOW, Timespec::NOW]) != Err(Errno::EACCES) {
        return 11;
    }
    if futimes(&f, &[Timeval::new(1, 1), Timeval::new(1, 1)]) != Err(Errno::EPERM) {
        return 12;
    }
    if utimes(not_ours, &[Timeval::new(1, 1), Timeval::new(1, 1)]) != Err(Errno::EPERM) {
        return 13;
    }
    0
}

#[test]
fn emfile_eacces_eperm_in_a_child() {
    let s = Scratch::new("privileges");
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let secret = s.join("secret");
    std::fs::create_dir(&secret).unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    // A file someone else owns: ours, once the child is `nobody`; else a
    // system file.
    let not_ours = if root {
        let p = s.join("roots");
        std::fs::write(&p, b"").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        // The child (nobody) must be able to reach it.
        std::fs::set_permissions(s.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    } else {
        Path::new("/etc/passwd").to_path_buf()
    };
    // SAFETY: the child only makes system calls and exits with _exit; the
    // paths are built before the fork, and short ones need no allocation.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let code = child(&secret, &not_ours);
        // SAFETY: leaving the child without running the parent's destructors.
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    // SAFETY: `status` is a valid out-pointer; `pid` is our child.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(libc::WIFEXITED(status), "child died: status {status:#x}");
    assert_eq!(
        libc::WEXITSTATUS(status),
        0,
        "check number {} failed in the child",
        libc::WEXITSTATUS(status)
    );
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o700)).unwrap();
}
