//! Creating and dropping 1 000 kqueues, each with a knote of every filter,
//! leaves the descriptor count where it was. One test in its own binary:
//! tests of other binaries cannot open descriptors in this process.

mod common;

use bsd_event::{Filter, KEvent, Kqueue, VnodeEvents};
use common::*;
use std::time::Duration;

#[cfg(target_os = "linux")]
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").expect("/proc/self/fd").count()
}

#[cfg(not(target_os = "linux"))]
fn open_fds() -> usize {
    // Count descriptors by probing (no /proc on the BSDs).
    (0..4096)
        .filter(|&fd| {
            // SAFETY: F_GETFD only reads the descriptor's flags; an unused
            // number fails with EBADF.
            (unsafe { libc::fcntl(fd, libc::F_GETFD) }) != -1
        })
        .count()
}

#[test]
fn thousand_kqueues_with_every_filter_leak_nothing() {
    // SAFETY: this binary runs this one test; ignoring SIGUSR1 is ours to do.
    unsafe { libc::signal(libc::SIGUSR1, libc::SIG_IGN) };
    let (r, w) = pipe();
    write_bytes(&w, 1);
    let dir = std::env::temp_dir().join(format!("bsd-event-leaks-{}", std::process::id()));
    std::fs::write(&dir, b"x").unwrap();
    let file = std::fs::File::open(&dir).unwrap();
    let mut child = std::process::Command::new("/bin/sh")
        .args(["-c", "exec sleep 1000"])
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    // The first signal registration creates the one process-wide eventfd
    // of the signal recorder (kept for the life of the process, by design).
    drop(kq_with_everything(&r, &w, &file, pid));
    let baseline = open_fds();
    for i in 0..1000 {
        let kq = kq_with_everything(&r, &w, &file, pid);
        if i % 100 == 0 {
            // Some with events pending and delivered, some never looked at.
            let mut ev = [KEvent::zeroed(); 16];
            let n = kq.wait(&mut ev, Some(Duration::from_millis(10))).unwrap();
            assert!(ev[..n].iter().any(|e| e.filter() == Filter::Read));
        }
    }
    assert_eq!(open_fds(), baseline, "descriptors leaked");
    // SAFETY: this binary runs this one test; back to the default.
    unsafe { libc::signal(libc::SIGUSR1, libc::SIG_DFL) };
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_file(&dir).unwrap();
}

fn kq_with_everything(
    r: &std::os::fd::OwnedFd,
    w: &std::os::fd::OwnedFd,
    file: &std::fs::File,
    pid: libc::pid_t,
) -> Kqueue {
    let kq = Kqueue::new().unwrap();
    kq.register(&[
        KEvent::read(r).add(),
        KEvent::write(w).add(),
        KEvent::read(file).add(),
        KEvent::vnode(file, VnodeEvents::WRITE | VnodeEvents::DELETE).add(),
        KEvent::timer(1, Duration::from_secs(60)).add(),
        KEvent::timer(2, Duration::from_millis(1)).add(),
        KEvent::signal(libc::SIGUSR1).add(),
        KEvent::user(3).add(),
        KEvent::trigger(3, 0),
        KEvent::proc_exit(pid).add(),
    ])
    .unwrap();
    kq
}
