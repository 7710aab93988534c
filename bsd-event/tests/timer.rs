//! EVFILT_TIMER: units, periodic counts, oneshot, restart, bad periods.

mod common;

use bsd_errno::Errno;
use bsd_event::{EvFlags, Filter, KEvent};
use common::*;
use std::time::{Duration, Instant};

#[test]
fn periodic_timer_counts_expirations() {
    let kq = kq();
    kq.register(&[KEvent::timer(1, Duration::from_millis(5)).add().with_udata(9)])
        .unwrap();
    let first = wait_for(&kq, Filter::Timer, 1, SOON).expect("first expiry");
    assert!(first.data() >= 1);
    assert_eq!(first.udata(), 9);
    assert!(first.flags().contains(EvFlags::ADD) || !first.flags().contains(EvFlags::ERROR));
    // Sleep through several periods: one event counts them all.
    std::thread::sleep(Duration::from_millis(40));
    let ev = wait_for(&kq, Filter::Timer, 1, SOON).expect("expiry");
    assert!(ev.data() >= 2, "expirations since the last delivery: {}", ev.data());
    // Fires repeatedly.
    let mut total = 0;
    while total < 3 {
        total += wait_for(&kq, Filter::Timer, 1, SOON).expect("periodic").data();
    }
}

#[test]
fn every_unit_fires() {
    let kq = kq();
    let periods = [
        Duration::from_secs(1),
        Duration::from_millis(3),
        Duration::from_micros(2500),
        Duration::from_nanos(1_500_001),
    ];
    for (i, p) in periods.iter().enumerate() {
        kq.register(&[KEvent::timer(100 + i, *p).add().oneshot()]).unwrap();
    }
    let ids: Vec<usize> = (0..periods.len()).map(|i| 100 + i).collect();
    for ev in wait_all(&kq, Filter::Timer, &ids, SOON) {
        assert_eq!(ev.data(), 1);
    }
    // The raw unit flags, as callers of Go's `syscall.Kevent` pass them.
    #[cfg(any(
        target_os = "freebsd",
        target_os = "netbsd",
        target_vendor = "apple",
        target_os = "linux"
    ))]
    {
        use bsd_event::note::timer;
        for (i, (unit, n)) in [
            (timer::SECONDS, 1),
            (timer::USECONDS, 3000),
            (timer::NSECONDS, 2_000_000),
        ]
        .into_iter()
        .enumerate()
        {
            let ev = KEvent::new(200 + i, Filter::Timer, EvFlags::ADD | EvFlags::ONESHOT, unit, n, 0);
            kq.register(&[ev]).unwrap();
        }
        wait_all(&kq, Filter::Timer, &[200, 201, 202], SOON);
    }
    #[cfg(any(target_os = "freebsd", target_os = "netbsd", target_os = "linux"))]
    {
        let ev = KEvent::new(
            210,
            Filter::Timer,
            EvFlags::ADD | EvFlags::ONESHOT,
            bsd_event::note::timer::MSECONDS,
            2,
            0,
        );
        kq.register(&[ev]).unwrap();
        assert!(wait_for(&kq, Filter::Timer, 210, SOON).is_some());
    }
}

#[test]
fn oneshot_timer_fires_once_and_is_gone() {
    let kq = kq();
    kq.register(&[KEvent::timer(3, Duration::from_millis(1)).add().oneshot()])
        .unwrap();
    let ev = wait_for(&kq, Filter::Timer, 3, SOON).expect("fired");
    assert_eq!(ev.data(), 1);
    assert!(ev.flags().contains(EvFlags::ONESHOT));
    assert_quiet(&kq, Filter::Timer, 3);
    assert_eq!(
        kq.register(&[KEvent::timer(3, Duration::ZERO).delete()]),
        Err(Errno::ENOENT)
    );
}

#[test]
fn readding_restarts_the_timer() {
    let kq = kq();
    let t0 = Instant::now();
    kq.register(&[KEvent::timer(4, Duration::from_millis(30)).add()])
        .unwrap();
    std::thread::sleep(Duration::from_millis(20));
    // Restart with a long period: the 30 ms expiry must not come.
    kq.register(&[KEvent::timer(4, Duration::from_secs(3600)).add()])
        .unwrap();
    assert!(wait_for(&kq, Filter::Timer, 4, Duration::from_millis(60)).is_none());
    // And back to short: fires.
    kq.register(&[KEvent::timer(4, Duration::from_millis(2)).add()])
        .unwrap();
    assert!(wait_for(&kq, Filter::Timer, 4, SOON).is_some());
    assert!(t0.elapsed() < SOON);
}

#[test]
fn negative_period_is_einval() {
    let kq = kq();
    let bad = KEvent::new(5, Filter::Timer, EvFlags::ADD, 0, -1, 0);
    assert_eq!(kq.register(&[bad]), Err(Errno::EINVAL));
    let mut out = [KEvent::zeroed(); 1];
    assert_eq!(kq.kevent(&[bad], &mut out, None), Ok(1));
    assert_eq!(out[0].error(), Some(Err(Errno::EINVAL)));
    // A rejected modification leaves the timer as it was.
    kq.register(&[KEvent::timer(5, Duration::from_millis(1)).add()])
        .unwrap();
    assert_eq!(kq.register(&[bad]), Err(Errno::EINVAL));
    assert!(wait_for(&kq, Filter::Timer, 5, SOON).is_some());
}

#[cfg(not(any(target_os = "dragonfly", target_os = "openbsd")))]
#[test]
fn absolute_deadline_fires_once() {
    let kq = kq();
    use std::time::SystemTime;
    let at = SystemTime::now() + Duration::from_millis(20);
    kq.register(&[KEvent::timer_at(6, at).add()]).unwrap();
    let ev = wait_for(&kq, Filter::Timer, 6, SOON).expect("deadline");
    assert_eq!(ev.data(), 1);
    assert!(SystemTime::now() >= at);
    assert_quiet(&kq, Filter::Timer, 6);
    // A deadline in the past (even before the epoch) fires at once.
    kq.register(&[KEvent::timer_at(7, SystemTime::UNIX_EPOCH - Duration::from_secs(5)).add()])
        .unwrap();
    assert!(wait_for(&kq, Filter::Timer, 7, SOON).is_some());
}

#[test]
fn disabled_timer_holds_its_count() {
    let kq = kq();
    kq.register(&[KEvent::timer(8, Duration::from_millis(2)).add().disable()])
        .unwrap();
    std::thread::sleep(Duration::from_millis(20));
    assert!(poll(&kq).iter().all(|e| e.ident() != 8));
    kq.register(&[KEvent::timer(8, Duration::ZERO).enable()]).unwrap();
    let ev = wait_for(&kq, Filter::Timer, 8, SOON).expect("after enable");
    assert!(ev.data() >= 1);
}

#[test]
fn dispatch_timer_waits_for_enable() {
    let kq = kq();
    kq.register(&[KEvent::timer(9, Duration::from_millis(1)).add().dispatch()])
        .unwrap();
    assert!(wait_for(&kq, Filter::Timer, 9, SOON).is_some());
    assert_quiet(&kq, Filter::Timer, 9);
    kq.register(&[KEvent::timer(9, Duration::ZERO).enable()]).unwrap();
    assert!(wait_for(&kq, Filter::Timer, 9, SOON).expect("again").data() >= 1);
}

#[test]
fn effectively_infinite_timers_are_accepted_and_quiet() {
    // Capped at 2^63 ns (about 292 years) by the crate, so no kernel's
    // conversion to nanoseconds overflows (XNU fails with ERANGE).
    let kq = kq();
    kq.register(&[
        KEvent::timer(20, Duration::MAX).add(),
        KEvent::timer(21, Duration::from_secs(10_000_000_000_000)).add(),
    ])
    .unwrap();
    #[cfg(not(any(target_os = "dragonfly", target_os = "openbsd")))]
    kq.register(&[KEvent::timer_at(
        22,
        std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(20_000_000_000),
    )
    .add()])
        .unwrap();
    assert_quiet(&kq, Filter::Timer, 20);
    assert_quiet(&kq, Filter::Timer, 21);
    assert_quiet(&kq, Filter::Timer, 22);
    kq.register(&[KEvent::timer(20, Duration::ZERO).delete()]).unwrap();
}
