//! The documented errors of `Kqueue::new` and `Kqueue::kevent` that need
//! process-wide state to provoke (each in a child process).

mod common;

use bsd_errno::Errno;
use bsd_event::{KEvent, Kqueue};
use common::*;
use std::sync::mpsc;
use std::time::Duration;

extern "C" fn noop(_: libc::c_int) {}

#[test]
fn eintr_from_a_handled_signal_after_changes_were_applied() {
    in_child("eintr_from_a_handled_signal_after_changes_were_applied", || {
        // SAFETY: installing a handler in this child process (no SA_RESTART).
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = noop as *const () as libc::sighandler_t;
            assert_eq!(libc::sigaction(libc::SIGUSR2, &sa, std::ptr::null_mut()), 0);
        }
        let kq = kq();
        let (tx, rx) = mpsc::channel();
        let killer = std::thread::spawn(move || {
            let target: usize = rx.recv().unwrap();
            std::thread::sleep(Duration::from_millis(50));
            // SAFETY: the main thread is alive, waiting in kevent.
            unsafe { libc::pthread_kill(target as libc::pthread_t, libc::SIGUSR2) };
        });
        // SAFETY: pthread_self has no preconditions.
        tx.send(unsafe { libc::pthread_self() } as usize).unwrap();
        let mut ev = [KEvent::zeroed(); 4];
        let r = kq.kevent(&[KEvent::user(1).add()], &mut ev, Some(SOON));
        assert_eq!(r, Err(Errno::EINTR));
        killer.join().unwrap();
        // The change was applied before the wait was interrupted.
        kq.register(&[KEvent::user(1).delete()]).unwrap();
    });
}

#[test]
fn emfile_when_out_of_descriptors() {
    in_child("emfile_when_out_of_descriptors", || {
        let lim = libc::rlimit {
            rlim_cur: 16,
            rlim_max: 16,
        };
        // Fill the table up to the limit, then ask for a kqueue.
        // SAFETY: lowering this child's own limit.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
        let mut keep = Vec::new();
        loop {
            match Kqueue::new() {
                Ok(k) => keep.push(k),
                Err(e) => {
                    assert_eq!(e, Errno::EMFILE);
                    break;
                }
            }
            assert!(keep.len() < 16, "the limit did not apply");
        }
        // Freeing one makes room again: nothing was leaked by the failures.
        keep.pop();
        Kqueue::new().expect("room again");
    });
}
