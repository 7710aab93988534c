//! No descriptor leaks: pidfds, waits and their error paths leave the
//! descriptor count where it was. One test in its own binary, so no other
//! test opens descriptors meanwhile.

#![cfg(target_os = "linux")]

mod common;

use bsd_errno::Errno;
use bsd_proc::{getgroups, getrusage, pidfd_open, wait4, waitid, WaitId, WaitOptions, Who};
use common::{fd_count, fork_child, kill, paused_child};
use std::os::fd::AsFd;

#[test]
fn no_descriptor_leaks() {
    let before = fd_count();
    for round in 0..20 {
        // A pidfd for a child that exits, waited on through the pidfd.
        let pid = fork_child(move || round);
        let fd = pidfd_open(pid).expect("pidfd_open");
        let info = waitid(WaitId::PidFd(fd.as_fd()), WaitOptions::EXITED).expect("waitid");
        assert_eq!(info.map(|i| (i.pid(), i.status())), Some((pid, round)));
        drop(fd);

        // A pidfd dropped while its child still runs; the child reaped by pid.
        let pid = paused_child(false);
        let fd = pidfd_open(pid).expect("pidfd_open");
        drop(fd);
        kill(pid, libc::SIGKILL);
        assert!(wait4(pid, WaitOptions::empty()).expect("wait4").is_some());

        // Error paths.
        assert_eq!(pidfd_open(i32::MAX).map(drop), Err(Errno::ESRCH));
        assert_eq!(pidfd_open(0).map(drop), Err(Errno::EINVAL));
        assert_eq!(wait4(1, WaitOptions::empty()).map(|_| ()), Err(Errno::ECHILD));
        let _ = getgroups().expect("getgroups");
        let _ = getrusage(Who::Children).expect("getrusage");
    }
    assert_eq!(fd_count(), before, "descriptors leaked");
}
