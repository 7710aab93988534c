//! The flags every filter shares, run against each filter that can be made
//! to fire from a test without touching process-wide state (READ, WRITE,
//! TIMER, USER, VNODE; SIGNAL and PROC have their own files).

mod common;

use bsd_errno::Errno;
use bsd_event::{EvFlags, Filter, KEvent, Kqueue, VnodeEvents};
use common::*;
use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::Duration;

enum Src {
    Read(OwnedFd, OwnedFd),
    /// The read end is kept open so the pipe stays writable.
    Write {
        _reader: OwnedFd,
        w: OwnedFd,
    },
    Timer,
    User,
    Vnode(std::fs::File, std::path::PathBuf),
}

struct Case {
    src: Src,
}

impl Case {
    fn all(tag: &str) -> Vec<Case> {
        let (r1, w1) = pipe();
        let (r2, w2) = pipe();
        let p = std::env::temp_dir().join(format!("bsd-event-flags-{}-{tag}", std::process::id()));
        std::fs::write(&p, b"x").unwrap();
        let f = std::fs::File::open(&p).unwrap();
        vec![
            Case { src: Src::Read(r1, w1) },
            Case {
                src: Src::Write { _reader: r2, w: w2 },
            },
            Case { src: Src::Timer },
            Case { src: Src::User },
            Case { src: Src::Vnode(f, p) },
        ]
    }

    /// The change for this case's knote, without flags.
    fn ev(&self) -> KEvent {
        match &self.src {
            Src::Read(r, _) => KEvent::read(r),
            Src::Write { w, .. } => KEvent::write(w),
            Src::Timer => KEvent::timer(5, Duration::from_millis(2)),
            Src::User => KEvent::user(9),
            Src::Vnode(f, _) => KEvent::vnode(f, VnodeEvents::WRITE),
        }
    }

    fn ident(&self) -> usize {
        self.ev().ident()
    }

    fn filter(&self) -> Filter {
        self.ev().filter()
    }

    /// Makes the event happen (a user trigger carries `udata`, which on
    /// FreeBSD replaces the knote's).
    fn fire(&self, kq: &Kqueue, udata: usize) {
        match &self.src {
            Src::Read(_, w) => write_bytes(w, 1),
            Src::Write { .. } | Src::Timer => {}
            // ENOENT once the knote is gone (deleted, oneshot): nothing to fire.
            Src::User => drop(kq.register(&[KEvent::trigger(9, 0).with_udata(udata)])),
            Src::Vnode(_, p) => std::fs::OpenOptions::new()
                .append(true)
                .open(p)
                .unwrap()
                .write_all(b"y")
                .unwrap(),
        }
    }

    fn wait(&self, kq: &Kqueue) -> Option<KEvent> {
        wait_for(kq, self.filter(), self.ident(), SOON)
    }

    fn quiet(&self, kq: &Kqueue) {
        assert_quiet(kq, self.filter(), self.ident());
    }

    /// Puts a level-triggered source back to "nothing pending".
    fn drain(&self) {
        if let Src::Read(r, _) = &self.src {
            // SAFETY: F_SETFL on our pipe; then read what is there.
            unsafe { libc::fcntl(r.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) };
            while read_bytes(r, 64) == 64 {}
        }
    }

    fn name(&self) -> &'static str {
        match self.src {
            Src::Read(..) => "read",
            Src::Write { .. } => "write",
            Src::Timer => "timer",
            Src::User => "user",
            Src::Vnode(..) => "vnode",
        }
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        if let Src::Vnode(_, p) = &self.src {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[test]
fn missing_knotes_are_enoent_for_every_filter() {
    for c in Case::all("missing") {
        let kq = kq();
        let mut out = [KEvent::zeroed(); 2];
        let n = kq.kevent(&[c.ev().delete()], &mut out, Some(Duration::ZERO)).unwrap();
        assert_eq!((n, out[0].error()), (1, Some(Err(Errno::ENOENT))), "{}", c.name());
        assert_eq!(kq.register(&[c.ev().enable()]), Err(Errno::ENOENT), "{}", c.name());
        assert_eq!(kq.register(&[c.ev().disable()]), Err(Errno::ENOENT), "{}", c.name());
    }
}

#[test]
fn receipt_then_event_with_udata_for_every_filter() {
    for c in Case::all("receipt") {
        let kq = kq();
        let mut out = [KEvent::zeroed(); 2];
        let ch = c.ev().add().clear().receipt().with_udata(41);
        let n = kq.kevent(&[ch], &mut out, Some(SOON)).unwrap();
        assert_eq!(n, 1, "{}", c.name());
        assert_eq!(out[0].error(), Some(Ok(())), "{}", c.name());
        assert_eq!(out[0].udata(), 41);
        c.fire(&kq, 41);
        let ev = c.wait(&kq).unwrap_or_else(|| panic!("{}: no event", c.name()));
        assert_eq!(ev.udata(), 41, "{}", c.name());
        assert!(!ev.flags().contains(EvFlags::ERROR));
        // Modifying replaces udata.
        kq.register(&[c.ev().add().clear().with_udata(42)]).unwrap();
        c.fire(&kq, 42);
        assert_eq!(c.wait(&kq).expect("event").udata(), 42, "{}", c.name());
    }
}

#[test]
fn oneshot_for_every_filter() {
    for c in Case::all("oneshot") {
        let kq = kq();
        kq.register(&[c.ev().add().oneshot()]).unwrap();
        c.fire(&kq, 0);
        let ev = c.wait(&kq).unwrap_or_else(|| panic!("{}: no event", c.name()));
        assert!(ev.flags().contains(EvFlags::ONESHOT), "{}", c.name());
        c.fire(&kq, 0);
        c.quiet(&kq);
        assert_eq!(
            kq.register(&[c.ev().delete()]),
            Err(Errno::ENOENT),
            "{}: still there",
            c.name()
        );
    }
}

#[test]
fn dispatch_for_every_filter() {
    for c in Case::all("dispatch") {
        let kq = kq();
        kq.register(&[c.ev().add().clear().dispatch()]).unwrap();
        c.fire(&kq, 0);
        assert!(c.wait(&kq).is_some(), "{}: no first event", c.name());
        c.fire(&kq, 0);
        c.quiet(&kq);
        kq.register(&[c.ev().enable()]).unwrap();
        c.fire(&kq, 0);
        assert!(c.wait(&kq).is_some(), "{}: nothing after EV_ENABLE", c.name());
    }
}

#[test]
fn disable_holds_and_enable_delivers_for_every_filter() {
    for c in Case::all("disable") {
        let kq = kq();
        kq.register(&[c.ev().add().clear().disable()]).unwrap();
        c.fire(&kq, 0);
        c.quiet(&kq);
        kq.register(&[c.ev().enable()]).unwrap();
        assert!(
            c.wait(&kq).is_some(),
            "{}: held event not delivered on enable",
            c.name()
        );
    }
}

#[test]
fn delete_stops_events_for_every_filter() {
    for c in Case::all("delete") {
        let kq = kq();
        kq.register(&[c.ev().add().clear()]).unwrap();
        c.fire(&kq, 0);
        assert!(c.wait(&kq).is_some(), "{}", c.name());
        kq.register(&[c.ev().delete()]).unwrap();
        c.drain();
        c.fire(&kq, 0);
        c.quiet(&kq);
    }
}

#[test]
fn same_knote_in_two_kqueues_for_every_filter() {
    for c in Case::all("two") {
        let (a, b) = (kq(), kq());
        a.register(&[c.ev().add().with_udata(1)]).unwrap();
        b.register(&[c.ev().add().with_udata(2)]).unwrap();
        // A user event is per kqueue: trigger each.
        c.fire(&a, 1);
        if matches!(c.src, Src::User) {
            c.fire(&b, 2);
        }
        assert_eq!(c.wait(&a).expect("a").udata(), 1, "{}", c.name());
        assert_eq!(c.wait(&b).expect("b").udata(), 2, "{}", c.name());
    }
}

#[test]
fn returned_flags_never_carry_add_and_receipts_are_error_with_data_zero_for_every_filter() {
    for c in Case::all("returned") {
        let kq = kq();
        let mut out = [KEvent::zeroed(); 2];
        let ch = c.ev().add().clear().receipt().with_udata(7);
        let n = kq.kevent(&[ch], &mut out, Some(Duration::ZERO)).unwrap();
        assert_eq!(n, 1, "{}", c.name());
        assert!(out[0].flags().contains(EvFlags::ERROR), "{}: {:?}", c.name(), out[0]);
        // Apple ORs EV_ERROR into the change's flags instead.
        #[cfg(not(target_vendor = "apple"))]
        assert_eq!(out[0].flags(), EvFlags::ERROR, "{}: {:?}", c.name(), out[0]);
        assert_eq!(out[0].data(), 0, "{}", c.name());
        c.fire(&kq, 7);
        let ev = c.wait(&kq).unwrap_or_else(|| panic!("{}: no event", c.name()));
        assert!(!ev.flags().contains(EvFlags::ADD), "{}: {ev:?}", c.name());
        assert!(!ev.flags().contains(EvFlags::ERROR), "{}: {ev:?}", c.name());
        assert!(ev.flags().contains(EvFlags::CLEAR), "{}: {ev:?}", c.name());
        // A receipt for a modification too.
        let n = kq
            .kevent(&[c.ev().add().receipt().with_udata(7)], &mut out, Some(Duration::ZERO))
            .unwrap();
        assert_eq!((n, out[0].error()), (1, Some(Ok(()))), "{}", c.name());
        #[cfg(not(target_vendor = "apple"))]
        assert_eq!(out[0].flags(), EvFlags::ERROR, "{}: {:?}", c.name(), out[0]);
    }
}
