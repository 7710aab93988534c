//! Timer periods and deadlines at the extremes, on the real kernel: capped
//! (never wrapped into a short timer) or refused with EINVAL.

use bsd_event::{Errno, EvFlags, Filter, KEvent, Kqueue};
use std::time::Duration;
#[cfg(not(any(target_os = "dragonfly", target_os = "openbsd")))]
use std::time::SystemTime;

/// Whether a zero-timeout wait returns any event.
fn fires_now(kq: &Kqueue) -> bool {
    let mut ev = [KEvent::zeroed(); 4];
    kq.wait(&mut ev, Some(Duration::ZERO)).expect("wait") > 0
}

#[test]
#[cfg_attr(miri, ignore = "kqueue is a foreign call")]
fn huge_periods_are_accepted_and_do_not_fire() {
    let kq = Kqueue::new().unwrap();
    for (id, d) in [
        Duration::MAX,
        Duration::new(u64::MAX, 999_999_999),
        Duration::from_secs(i64::MAX as u64),
        Duration::from_secs(u64::MAX / 1000),
    ]
    .into_iter()
    .enumerate()
    {
        let r = kq.register(&[KEvent::timer(id, d).add()]);
        if cfg!(target_os = "netbsd") {
            // More than INT_MAX clock ticks: NetBSD says EINVAL.
            assert_eq!(r, Err(Errno::EINVAL), "{d:?}");
            continue;
        }
        r.unwrap_or_else(|e| panic!("{d:?}: {e:?}"));
        // A wrapped period would be short, or zero: it would fire now.
        assert!(!fires_now(&kq), "{d:?} fired at once");
    }
}

#[test]
#[cfg_attr(miri, ignore = "kqueue is a foreign call")]
fn a_negative_period_is_einval_everywhere() {
    let kq = Kqueue::new().unwrap();
    for data in [-1, i64::MIN] {
        let ev = KEvent::new(1, Filter::Timer, EvFlags::ADD, 0, data, 0);
        assert_eq!(kq.register(&[ev]), Err(Errno::EINVAL), "data {data}");
    }
    // Nothing was registered: nothing fires.
    assert!(!fires_now(&kq));
}

#[cfg(not(any(target_os = "dragonfly", target_os = "openbsd")))]
#[test]
#[cfg_attr(miri, ignore = "kqueue is a foreign call")]
fn far_deadlines_are_accepted_and_do_not_fire() {
    let kq = Kqueue::new().unwrap();
    let far = [
        SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(i64::MAX as u64 / 2)),
        SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(20_000_000_000)),
        SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(u32::MAX as u64 + 1)),
    ];
    for (id, at) in far.into_iter().flatten().enumerate() {
        kq.register(&[KEvent::timer_at(id, at).add()])
            .unwrap_or_else(|e| panic!("{at:?}: {e:?}"));
        assert!(!fires_now(&kq), "{at:?} fired at once");
    }
}
