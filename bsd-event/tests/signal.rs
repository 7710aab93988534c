//! EVFILT_SIGNAL. Every test changes process-wide state (dispositions,
//! pending signals), so each runs in a child process of its own and
//! reports through its exit status.

mod common;

use bsd_errno::Errno;
use bsd_event::{Filter, KEvent, Kqueue};
use common::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

fn set_disposition(sig: i32, handler: libc::sighandler_t) {
    // SAFETY: all-zero is a valid sigaction; installing a disposition.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = handler;
        assert_eq!(libc::sigaction(sig, &sa, std::ptr::null_mut()), 0);
    }
}

fn disposition(sig: i32) -> libc::sighandler_t {
    // SAFETY: querying only.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        assert_eq!(libc::sigaction(sig, std::ptr::null(), &mut sa), 0);
        sa.sa_sigaction
    }
}

fn mask() -> libc::sigset_t {
    // SAFETY: querying the calling thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        assert_eq!(libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), &mut set), 0);
        set
    }
}

fn same_mask(a: &libc::sigset_t, b: &libc::sigset_t) -> bool {
    // SAFETY: sigismember reads valid sets.
    (1..32).all(|s| unsafe { libc::sigismember(a, s) == libc::sigismember(b, s) })
}

/// Sums `data` of signal events for `sig` until it reaches `want`.
fn count_until(kq: &Kqueue, sig: i32, want: i64) -> i64 {
    let mut total = 0;
    while total < want {
        let ev = wait_for(kq, Filter::Signal, sig as usize, SOON).unwrap_or_else(|| panic!("only {total} of {want}"));
        total += ev.data();
    }
    total
}

fn raise_to_process(sig: i32) {
    // SAFETY: signalling ourselves.
    assert_eq!(unsafe { libc::kill(libc::getpid(), sig) }, 0);
}

#[test]
fn ignored_signal_is_counted_and_disposition_restored() {
    in_child("ignored_signal_is_counted_and_disposition_restored", || {
        set_disposition(libc::SIGUSR1, libc::SIG_IGN);
        let before = mask();
        let kq = kq();
        kq.register(&[KEvent::signal(libc::SIGUSR1).add().with_udata(8)])
            .unwrap();
        assert!(same_mask(&before, &mask()), "the signal mask is never changed");
        assert_quiet(&kq, Filter::Signal, libc::SIGUSR1 as usize);
        let mut total = 0;
        for _ in 0..3 {
            raise_to_process(libc::SIGUSR1);
            let ev = wait_for(&kq, Filter::Signal, libc::SIGUSR1 as usize, SOON).expect("counted");
            assert_eq!(ev.udata(), 8);
            assert!(ev.flags().contains(bsd_event::EvFlags::CLEAR) || ev.data() >= 1);
            total += ev.data();
        }
        assert_eq!(total, 3);
        kq.register(&[KEvent::signal(libc::SIGUSR1).delete()]).unwrap();
        assert_eq!(disposition(libc::SIGUSR1), libc::SIG_IGN, "restored on the last delete");
        // Still ignored (the process survives) and no longer counted.
        raise_to_process(libc::SIGUSR1);
        assert_quiet(&kq, Filter::Signal, libc::SIGUSR1 as usize);
    });
}

#[test]
fn signal_sent_to_another_thread_is_counted() {
    in_child("signal_sent_to_another_thread_is_counted", || {
        set_disposition(libc::SIGUSR2, libc::SIG_IGN);
        let kq = kq();
        kq.register(&[KEvent::signal(libc::SIGUSR2).add()]).unwrap();
        let (tx, rx) = mpsc::channel();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let t = std::thread::spawn(move || {
            // SAFETY: pthread_self has no preconditions.
            tx.send(unsafe { libc::pthread_self() } as usize).unwrap();
            let _ = stop_rx.recv();
        });
        let other = rx.recv().unwrap() as libc::pthread_t;
        for _ in 0..2 {
            // SAFETY: the thread is alive until we tell it to stop.
            assert_eq!(unsafe { libc::pthread_kill(other, libc::SIGUSR2) }, 0);
            count_until(&kq, libc::SIGUSR2, 1);
        }
        stop_tx.send(()).unwrap();
        t.join().unwrap();
    });
}

#[test]
fn pthread_kill_of_the_waiting_thread_is_an_event_not_eintr() {
    in_child("pthread_kill_of_the_waiting_thread_is_an_event_not_eintr", || {
        set_disposition(libc::SIGUSR1, libc::SIG_IGN);
        let kq = Arc::new(kq());
        kq.register(&[KEvent::signal(libc::SIGUSR1).add()]).unwrap();
        let (tx, rx) = mpsc::channel();
        let k2 = Arc::clone(&kq);
        let t = std::thread::spawn(move || {
            // SAFETY: pthread_self has no preconditions.
            tx.send(unsafe { libc::pthread_self() } as usize).unwrap();
            let mut ev = [KEvent::zeroed(); 4];
            let n = k2.wait(&mut ev, Some(SOON));
            n.map(|n| ev[..n].to_vec())
        });
        let waiter = rx.recv().unwrap() as libc::pthread_t;
        std::thread::sleep(Duration::from_millis(30));
        // SAFETY: the thread is alive (it waits up to SOON).
        assert_eq!(unsafe { libc::pthread_kill(waiter, libc::SIGUSR1) }, 0);
        let got = t.join().unwrap().expect("an ignored signal must not make kevent fail");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].filter(), Filter::Signal);
        assert_eq!(got[0].data(), 1);
    });
}

static HANDLED: AtomicUsize = AtomicUsize::new(0);

extern "C" fn count_handler(_: libc::c_int) {
    HANDLED.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn program_handler_still_runs() {
    in_child("program_handler_still_runs", || {
        set_disposition(libc::SIGUSR1, count_handler as *const () as libc::sighandler_t);
        let kq = kq();
        kq.register(&[KEvent::signal(libc::SIGUSR1).add()]).unwrap();
        // SAFETY: raise delivers to this thread before returning.
        assert_eq!(unsafe { libc::raise(libc::SIGUSR1) }, 0);
        assert_eq!(HANDLED.load(Ordering::SeqCst), 1, "the program's handler ran");
        assert_eq!(count_until(&kq, libc::SIGUSR1, 1), 1);
        drop(kq);
        assert_eq!(
            disposition(libc::SIGUSR1),
            count_handler as *const () as libc::sighandler_t,
            "restored when the kqueue is dropped"
        );
    });
}

#[test]
fn default_action_still_terminates() {
    use std::os::unix::process::ExitStatusExt;
    let status = in_child_status("default_action_still_terminates", || {
        set_disposition(libc::SIGTERM, libc::SIG_DFL);
        let kq = kq();
        kq.register(&[KEvent::signal(libc::SIGTERM).add()]).unwrap();
        // SAFETY: terminating this child process, as SIGTERM should.
        unsafe { libc::raise(libc::SIGTERM) };
        std::thread::sleep(Duration::from_secs(5));
        std::process::exit(3); // not reached when the default action happens
    });
    if let Some(st) = status {
        assert_eq!(st.signal(), Some(libc::SIGTERM), "{st:?}");
    }
}

#[test]
fn default_ignored_signal_is_counted() {
    in_child("default_ignored_signal_is_counted", || {
        set_disposition(libc::SIGWINCH, libc::SIG_DFL);
        let kq = kq();
        kq.register(&[KEvent::signal(libc::SIGWINCH).add()]).unwrap();
        raise_to_process(libc::SIGWINCH);
        assert_eq!(count_until(&kq, libc::SIGWINCH, 1), 1);
    });
}

#[test]
fn two_kqueues_both_count() {
    in_child("two_kqueues_both_count", || {
        set_disposition(libc::SIGUSR2, libc::SIG_IGN);
        let (a, b) = (kq(), kq());
        a.register(&[KEvent::signal(libc::SIGUSR2).add()]).unwrap();
        b.register(&[KEvent::signal(libc::SIGUSR2).add()]).unwrap();
        raise_to_process(libc::SIGUSR2);
        assert_eq!(count_until(&a, libc::SIGUSR2, 1), 1);
        assert_eq!(count_until(&b, libc::SIGUSR2, 1), 1);
        drop(a);
        assert_ne!(disposition(libc::SIGUSR2), libc::SIG_IGN, "b still records");
        drop(b);
        assert_eq!(disposition(libc::SIGUSR2), libc::SIG_IGN);
    });
}

#[test]
fn invalid_signal_numbers_are_einval() {
    let kq = kq();
    for sig in [0, -1, 65, 1000] {
        assert_eq!(
            kq.register(&[KEvent::signal(sig).add()]),
            Err(Errno::EINVAL),
            "signal {sig}"
        );
    }
    #[cfg(target_os = "linux")]
    for sig in [libc::SIGKILL, libc::SIGSTOP] {
        assert_eq!(
            kq.register(&[KEvent::signal(sig).add()]),
            Err(Errno::EINVAL),
            "signal {sig}"
        );
    }
}

/// Blocks (`how` = SIG_BLOCK) or unblocks `sig` in the calling thread.
fn block(sig: i32, how: libc::c_int) {
    // SAFETY: building a one-signal set and changing this thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, sig);
        assert_eq!(libc::pthread_sigmask(how, &set, std::ptr::null_mut()), 0);
    }
}

/// FreeBSD counts a signal when it is sent, even while the receiving
/// thread blocks it. Linux gives a program's handler no sign of a blocked
/// signal, and the crate never dequeues one, so there it is counted when
/// the thread unblocks it (documented in the crate).
#[test]
fn signal_sent_while_blocked_is_counted_once() {
    in_child("signal_sent_while_blocked_is_counted_once", || {
        set_disposition(libc::SIGUSR1, libc::SIG_IGN);
        let kq = kq();
        kq.register(&[KEvent::signal(libc::SIGUSR1).add()]).unwrap();
        block(libc::SIGUSR1, libc::SIG_BLOCK);
        // SAFETY: signalling the calling thread.
        assert_eq!(unsafe { libc::pthread_kill(libc::pthread_self(), libc::SIGUSR1) }, 0);
        #[cfg(not(target_os = "linux"))]
        assert_eq!(count_until(&kq, libc::SIGUSR1, 1), 1, "counted at send time");
        #[cfg(target_os = "linux")]
        assert_quiet(&kq, Filter::Signal, libc::SIGUSR1 as usize);
        block(libc::SIGUSR1, libc::SIG_UNBLOCK);
        #[cfg(target_os = "linux")]
        assert_eq!(count_until(&kq, libc::SIGUSR1, 1), 1, "counted when unblocked");
        // Either way: once.
        assert_quiet(&kq, Filter::Signal, libc::SIGUSR1 as usize);
    });
}
