//! EVFILT_USER: triggers, the fflag operations, merging, wakes across
//! threads.

mod common;

use bsd_errno::Errno;
use bsd_event::note::user::{FFAND, FFCOPY, FFLAGSMASK, FFNOP, FFOR};
use bsd_event::{EvFlags, Filter, KEvent};
use common::*;
use std::sync::Arc;
use std::time::Duration;

#[test]
fn trigger_fires_and_clear_resets() {
    let kq = kq();
    kq.register(&[KEvent::user(1).add().clear().with_udata(4)]).unwrap();
    assert_quiet(&kq, Filter::User, 1);
    // A trigger change carries its own udata, which replaces the knote's
    // (FreeBSD semantics).
    kq.register(&[KEvent::trigger(1, 0).with_udata(4)]).unwrap();
    let ev = wait_for(&kq, Filter::User, 1, SOON).expect("triggered");
    assert_eq!(ev.udata(), 4);
    assert_eq!(ev.fflags() & !FFLAGSMASK, 0, "only user bits come out");
    assert_quiet(&kq, Filter::User, 1);
}

#[test]
fn without_clear_it_stays_triggered() {
    let kq = kq();
    kq.register(&[KEvent::user(2).add()]).unwrap();
    kq.register(&[KEvent::trigger(2, 0)]).unwrap();
    assert!(wait_for(&kq, Filter::User, 2, SOON).is_some());
    assert!(wait_for(&kq, Filter::User, 2, SOON).is_some());
    kq.register(&[KEvent::user(2).delete()]).unwrap();
    assert_quiet(&kq, Filter::User, 2);
}

#[test]
fn fflag_operations() {
    let kq = kq();
    kq.register(&[KEvent::new(
        3,
        Filter::User,
        EvFlags::ADD | EvFlags::CLEAR,
        FFCOPY | 0b1100,
        0,
        0,
    )])
    .unwrap();
    let check = |op: u32, bits: u32, want: u32| {
        kq.register(&[KEvent::trigger(3, op | bits)]).unwrap();
        let ev = wait_for(&kq, Filter::User, 3, SOON).expect("trigger");
        assert_eq!(ev.fflags(), want, "op {op:#x} bits {bits:#b}");
    };
    check(FFNOP, 0b0001, 0b1100);
    check(FFOR, 0b0011, 0b1111);
    check(FFAND, 0b0110, 0b0110);
    check(FFCOPY, 0b1001, 0b1001);
    check(FFCOPY, FFLAGSMASK, FFLAGSMASK);
}

#[test]
fn triggers_before_delivery_merge() {
    let kq = kq();
    kq.register(&[KEvent::user(4).add().clear()]).unwrap();
    for bit in 0..5 {
        kq.register(&[KEvent::trigger(4, FFOR | (1 << bit))]).unwrap();
    }
    let evs = poll(&kq);
    let mine: Vec<_> = evs.iter().filter(|e| e.ident() == 4).collect();
    assert_eq!(mine.len(), 1, "five triggers, one event");
    assert_eq!(mine[0].fflags(), 0b11111);
}

#[test]
fn trigger_from_another_thread_wakes_a_waiter() {
    let kq = Arc::new(kq());
    kq.register(&[KEvent::user(5).add().clear().with_udata(55)]).unwrap();
    let k2 = Arc::clone(&kq);
    let waiter = std::thread::spawn(move || {
        let mut ev = [KEvent::zeroed(); 4];
        let n = k2.wait(&mut ev, Some(SOON)).expect("kevent");
        ev[..n].to_vec()
    });
    std::thread::sleep(Duration::from_millis(20));
    // The trigger's udata replaces the knote's (FreeBSD semantics).
    kq.register(&[KEvent::trigger(5, 0).with_udata(55)]).unwrap();
    let got = waiter.join().unwrap();
    assert_eq!(got.len(), 1, "woken with the event, not by the timeout: {got:?}");
    assert_eq!((got[0].ident(), got[0].udata()), (5, 55));
}

#[test]
fn trigger_of_unknown_user_event_is_enoent() {
    let kq = kq();
    assert_eq!(kq.register(&[KEvent::trigger(99, 0)]), Err(Errno::ENOENT));
}

#[test]
fn add_with_trigger_fires_at_once_unless_disabled() {
    let kq = kq();
    kq.register(&[KEvent::new(
        6,
        Filter::User,
        EvFlags::ADD | EvFlags::DISABLE,
        bsd_event::note::user::TRIGGER,
        0,
        0,
    )])
    .unwrap();
    assert_quiet(&kq, Filter::User, 6);
    kq.register(&[KEvent::user(6).enable().clear()]).unwrap();
    assert!(wait_for(&kq, Filter::User, 6, SOON).is_some());
}
