//! EVFILT_READ and EVFILT_WRITE on pipes, socket pairs, TCP over loopback
//! and regular files, and the flags every filter shares.

mod common;

use bsd_errno::Errno;
use bsd_event::{EvFlags, Filter, KEvent, Kqueue};
use common::*;
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::time::Duration;

#[test]
fn pipe_read_reports_bytes_and_is_level_triggered() {
    let kq = kq();
    let (r, w) = pipe();
    let id = r.as_raw_fd() as usize;
    kq.register(&[KEvent::read(&r).add().with_udata(77)]).unwrap();
    assert_quiet(&kq, Filter::Read, id);
    write_bytes(&w, 5);
    let ev = wait_for(&kq, Filter::Read, id, SOON).expect("read event");
    assert_eq!(ev.data(), 5);
    assert_eq!(ev.udata(), 77);
    assert!(!ev.flags().contains(EvFlags::EOF));
    // Level-triggered: still readable, reported again.
    let again = wait_for(&kq, Filter::Read, id, SOON).expect("level");
    assert_eq!(again.data(), 5);
    assert_eq!(read_bytes(&r, 3), 3);
    assert_eq!(wait_for(&kq, Filter::Read, id, SOON).expect("rest").data(), 2);
    assert_eq!(read_bytes(&r, 2), 2);
    assert_quiet(&kq, Filter::Read, id);
}

#[test]
fn pipe_write_reports_space_and_eof_when_reader_goes() {
    let kq = kq();
    let (r, w) = pipe();
    let id = w.as_raw_fd() as usize;
    write_bytes(&w, 10);
    kq.register(&[KEvent::write(&w).add()]).unwrap();
    let ev = wait_for(&kq, Filter::Write, id, SOON).expect("write event");
    #[cfg(target_os = "linux")]
    {
        // SAFETY: F_GETPIPE_SZ takes no pointer.
        let size = unsafe { libc::fcntl(w.as_raw_fd(), libc::F_GETPIPE_SZ) };
        assert_eq!(ev.data(), i64::from(size) - 10);
    }
    assert!(ev.data() > 0);
    drop(r);
    let ev = wait_for(&kq, Filter::Write, id, SOON).expect("eof event");
    assert!(ev.flags().contains(EvFlags::EOF), "{ev:?}");
}

#[test]
fn pipe_eof_with_buffered_data() {
    let kq = kq();
    let (r, w) = pipe();
    let id = r.as_raw_fd() as usize;
    kq.register(&[KEvent::read(&r).add()]).unwrap();
    write_bytes(&w, 3);
    drop(w);
    let ev = wait_for(&kq, Filter::Read, id, SOON).expect("event");
    assert!(ev.flags().contains(EvFlags::EOF), "{ev:?}");
    assert_eq!(ev.data(), 3);
    assert_eq!(read_bytes(&r, 8), 3);
    let ev = wait_for(&kq, Filter::Read, id, SOON).expect("eof stays");
    assert!(ev.flags().contains(EvFlags::EOF));
    assert_eq!(ev.data(), 0);
}

#[test]
fn socketpair_read_write_and_eof() {
    let kq = kq();
    let (mut a, b) = UnixStream::pair().unwrap();
    let id = b.as_raw_fd() as usize;
    kq.register(&[KEvent::read(&b).add(), KEvent::write(&b).add()]).unwrap();
    let w = wait_for(&kq, Filter::Write, id, SOON).expect("writable");
    assert!(w.data() > 0);
    a.write_all(&[1; 100]).unwrap();
    let ev = wait_for(&kq, Filter::Read, id, SOON).expect("readable");
    assert_eq!(ev.data(), 100);
    a.shutdown(Shutdown::Write).unwrap();
    let ev = loop {
        let ev = wait_for(&kq, Filter::Read, id, SOON).expect("eof");
        if ev.flags().contains(EvFlags::EOF) {
            break ev;
        }
    };
    assert_eq!(ev.data(), 100, "EOF with the data still buffered");
    // Deleting one filter keeps the other.
    kq.register(&[KEvent::write(&b).delete()]).unwrap();
    assert!(wait_for(&kq, Filter::Read, id, SOON).is_some());
    assert_quiet(&kq, Filter::Write, id);
}

#[test]
fn tcp_listener_connection_and_peer_close() {
    let kq = kq();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let lid = l.as_raw_fd() as usize;
    kq.register(&[KEvent::read(&l).add()]).unwrap();
    assert_quiet(&kq, Filter::Read, lid);
    let mut c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let ev = wait_for(&kq, Filter::Read, lid, SOON).expect("pending connection");
    assert!(ev.data() >= 1);
    let c2 = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let c3 = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    // `data` counts the pending connections (Linux: from TCP_INFO).
    for round in 0.. {
        assert!(round < 10_000, "never saw 3 pending connections");
        let ev = wait_for(&kq, Filter::Read, lid, SOON).expect("pending connections");
        assert!((1..=3).contains(&ev.data()), "{ev:?}");
        if ev.data() == 3 {
            break;
        }
    }
    let (s, _) = l.accept().unwrap();
    assert_eq!(wait_for(&kq, Filter::Read, lid, SOON).expect("two left").data(), 2);
    drop((c2, c3));
    let sid = s.as_raw_fd() as usize;
    kq.register(&[KEvent::read(&s).add(), KEvent::read(&l).delete()])
        .unwrap();
    c.write_all(b"0123456789").unwrap();
    let ev = loop {
        let ev = wait_for(&kq, Filter::Read, sid, SOON).expect("data");
        if ev.data() == 10 {
            break ev;
        }
    };
    assert!(!ev.flags().contains(EvFlags::EOF));
    drop(c);
    let ev = loop {
        let ev = wait_for(&kq, Filter::Read, sid, SOON).expect("eof");
        if ev.flags().contains(EvFlags::EOF) {
            break ev;
        }
    };
    assert_eq!(ev.data(), 10);
}

#[test]
fn regular_file_read_is_size_minus_offset() {
    let kq = kq();
    let mut f = tempfile("rw-regular");
    f.write_all(&[0; 1000]).unwrap();
    f.seek(SeekFrom::Start(100)).unwrap();
    let id = f.as_raw_fd() as usize;
    kq.register(&[KEvent::read(&f).add(), KEvent::write(&f).add()]).unwrap();
    let ev = wait_for(&kq, Filter::Read, id, SOON).expect("read");
    assert_eq!(ev.data(), 900);
    let ev = wait_for(&kq, Filter::Write, id, SOON).expect("write always ready");
    assert_eq!(ev.data(), 0);
    kq.register(&[KEvent::write(&f).delete()]).unwrap();
    f.seek(SeekFrom::End(0)).unwrap();
    assert_quiet(&kq, Filter::Read, id);
    // Growing the file wakes the knote.
    let mut other = std::fs::OpenOptions::new()
        .append(true)
        .open(path("rw-regular"))
        .unwrap();
    other.write_all(&[1; 24]).unwrap();
    let ev = wait_for(&kq, Filter::Read, id, SOON).expect("grew");
    assert_eq!(ev.data(), 24);
    let mut buf = Vec::new();
    f.read_to_end(&mut buf).unwrap();
    assert_quiet(&kq, Filter::Read, id);
}

fn path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("bsd-event-{}-{name}", std::process::id()))
}

fn tempfile(name: &str) -> std::fs::File {
    let p = path(name);
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .read(true)
        .write(true)
        .open(&p)
        .unwrap();
    f
}

#[test]
fn delete_and_missing_knotes() {
    let kq = kq();
    let (r, w) = pipe();
    let id = r.as_raw_fd() as usize;
    write_bytes(&w, 1);
    kq.register(&[KEvent::read(&r).add()]).unwrap();
    kq.register(&[KEvent::read(&r).delete()]).unwrap();
    assert_quiet(&kq, Filter::Read, id);
    // Deleting again: ENOENT, as an entry when there is room…
    let mut out = [KEvent::zeroed(); 2];
    let n = kq
        .kevent(&[KEvent::read(&r).delete()], &mut out, Some(Duration::ZERO))
        .unwrap();
    assert_eq!(n, 1);
    assert!(out[0].flags().contains(EvFlags::ERROR));
    assert_eq!(out[0].data(), i64::from(libc::ENOENT));
    assert_eq!(out[0].error(), Some(Err(Errno::ENOENT)));
    assert_eq!(out[0].ident(), id);
    // …and as the call's error when there is none.
    assert_eq!(kq.register(&[KEvent::read(&r).delete()]), Err(Errno::ENOENT));
    // A change without EV_ADD to an unknown knote is ENOENT too.
    assert_eq!(kq.register(&[KEvent::read(&r).enable()]), Err(Errno::ENOENT));
    assert_eq!(kq.register(&[KEvent::user(5).disable()]), Err(Errno::ENOENT));
}

#[test]
fn bad_descriptor_is_ebadf_entry() {
    let kq = kq();
    // Far above any descriptor this process has (tests run in parallel
    // threads, so a number closed here could be reused by another test).
    let bad = 900_000usize;
    let change = KEvent::new(bad, Filter::Read, EvFlags::ADD, 0, 0, 9);
    let mut out = [KEvent::zeroed(); 1];
    let n = kq.kevent(&[change], &mut out, Some(Duration::ZERO)).unwrap();
    assert_eq!(n, 1);
    assert_eq!(out[0].error(), Some(Err(Errno::EBADF)));
    assert_eq!(out[0].udata(), 9);
    let huge = KEvent::new(usize::MAX, Filter::Write, EvFlags::ADD, 0, 0, 0);
    assert_eq!(kq.register(&[huge]), Err(Errno::EBADF));
}

#[test]
fn errors_without_room_fail_the_call_after_earlier_changes() {
    let kq = kq();
    let (r, w) = pipe();
    write_bytes(&w, 1);
    let changes = [KEvent::read(&r).add(), KEvent::user(1).delete(), KEvent::user(2).add()];
    assert_eq!(kq.kevent(&changes, &mut [], None), Err(Errno::ENOENT));
    // The change before the failing one was applied, the one after not.
    assert!(wait_for(&kq, Filter::Read, r.as_raw_fd() as usize, SOON).is_some());
    assert_eq!(kq.register(&[KEvent::user(2).enable()]), Err(Errno::ENOENT));
    // With room, every change is processed and errors are entries.
    let mut out = [KEvent::zeroed(); 4];
    let n = kq.kevent(&changes, &mut out, None).unwrap();
    assert_eq!(n, 1, "only the failing change writes an entry; no wait");
    assert_eq!(out[0].filter(), Filter::User);
    assert_eq!(out[0].error(), Some(Err(Errno::ENOENT)));
    kq.register(&[KEvent::user(2).enable()]).unwrap();
}

#[test]
fn oneshot_with_dispatch_is_einval() {
    let kq = kq();
    assert_eq!(
        kq.register(&[KEvent::user(1).add().oneshot().dispatch()]),
        Err(Errno::EINVAL)
    );
    let unknown = KEvent::new(
        1,
        Filter::Other(bsd_event::Filter::Read.raw().wrapping_sub(40)),
        EvFlags::ADD,
        0,
        0,
        0,
    );
    assert_eq!(kq.register(&[unknown]), Err(Errno::EINVAL));
}

#[test]
fn enable_disable_holds_events() {
    let kq = kq();
    let (r, w) = pipe();
    let id = r.as_raw_fd() as usize;
    kq.register(&[KEvent::read(&r).add()]).unwrap();
    write_bytes(&w, 2);
    kq.register(&[KEvent::read(&r).disable()]).unwrap();
    assert_quiet(&kq, Filter::Read, id);
    kq.register(&[KEvent::read(&r).enable()]).unwrap();
    assert_eq!(wait_for(&kq, Filter::Read, id, SOON).expect("enabled").data(), 2);
    // Disabled while pending, drained, re-enabled: nothing left to report.
    kq.register(&[KEvent::read(&r).disable()]).unwrap();
    read_bytes(&r, 2);
    kq.register(&[KEvent::read(&r).enable()]).unwrap();
    assert_quiet(&kq, Filter::Read, id);
}

#[test]
fn add_disable_never_delivers_in_between() {
    let kq = kq();
    let (r, w) = pipe();
    let id = r.as_raw_fd() as usize;
    write_bytes(&w, 1);
    for _ in 0..100 {
        kq.register(&[KEvent::read(&r).add().disable()]).unwrap();
        assert!(poll(&kq).iter().all(|e| e.ident() != id));
        kq.register(&[KEvent::read(&r).delete()]).unwrap();
    }
    kq.register(&[KEvent::read(&r).add().disable()]).unwrap();
    assert_quiet(&kq, Filter::Read, id);
    kq.register(&[KEvent::read(&r).enable()]).unwrap();
    assert!(wait_for(&kq, Filter::Read, id, SOON).is_some());
}

#[test]
fn oneshot_clear_dispatch() {
    let kq = kq();
    let (r, w) = pipe();
    let id = r.as_raw_fd() as usize;
    write_bytes(&w, 1);
    // ONESHOT: one delivery, then the knote is gone.
    kq.register(&[KEvent::read(&r).add().oneshot()]).unwrap();
    let ev = wait_for(&kq, Filter::Read, id, SOON).expect("oneshot");
    assert!(ev.flags().contains(EvFlags::ONESHOT));
    assert_quiet(&kq, Filter::Read, id);
    assert_eq!(kq.register(&[KEvent::read(&r).delete()]), Err(Errno::ENOENT));
    // CLEAR: reported once per change of state.
    kq.register(&[KEvent::read(&r).add().clear()]).unwrap();
    assert!(wait_for(&kq, Filter::Read, id, SOON).is_some());
    assert_quiet(&kq, Filter::Read, id);
    write_bytes(&w, 1);
    assert_eq!(wait_for(&kq, Filter::Read, id, SOON).expect("new data").data(), 2);
    assert_quiet(&kq, Filter::Read, id);
    kq.register(&[KEvent::read(&r).delete()]).unwrap();
    // DISPATCH: disabled after delivery until EV_ENABLE.
    kq.register(&[KEvent::read(&r).add().dispatch()]).unwrap();
    assert!(wait_for(&kq, Filter::Read, id, SOON).is_some());
    write_bytes(&w, 1);
    assert_quiet(&kq, Filter::Read, id);
    kq.register(&[KEvent::read(&r).enable().dispatch()]).unwrap();
    assert_eq!(wait_for(&kq, Filter::Read, id, SOON).expect("re-enabled").data(), 3);
    assert_quiet(&kq, Filter::Read, id);
}

#[test]
fn receipt_reports_success_then_events_next_call() {
    let kq = kq();
    let (r, w) = pipe();
    write_bytes(&w, 4);
    let mut out = [KEvent::zeroed(); 4];
    let n = kq
        .kevent(&[KEvent::read(&r).add().receipt().with_udata(3)], &mut out, Some(SOON))
        .unwrap();
    assert_eq!(n, 1);
    assert!(out[0].flags().contains(EvFlags::ERROR));
    assert_eq!(out[0].data(), 0);
    assert_eq!(out[0].error(), Some(Ok(())));
    assert_eq!(out[0].udata(), 3);
    let ev = wait_for(&kq, Filter::Read, r.as_raw_fd() as usize, SOON).expect("event next call");
    assert_eq!(ev.data(), 4);
    assert!(!ev.flags().contains(EvFlags::ERROR));
}

#[test]
fn udata_preserved_and_replaced_on_modify() {
    let kq = kq();
    let (r, w) = pipe();
    let id = r.as_raw_fd() as usize;
    write_bytes(&w, 1);
    kq.register(&[KEvent::read(&r).add().with_udata(1)]).unwrap();
    assert_eq!(wait_for(&kq, Filter::Read, id, SOON).unwrap().udata(), 1);
    assert_eq!(wait_for(&kq, Filter::Read, id, SOON).unwrap().udata(), 1);
    kq.register(&[KEvent::read(&r).add().with_udata(2)]).unwrap();
    assert_eq!(wait_for(&kq, Filter::Read, id, SOON).unwrap().udata(), 2);
    // Re-adding does not create a second knote.
    let evs = poll(&kq);
    assert_eq!(evs.iter().filter(|e| e.ident() == id).count(), 1);
}

#[test]
fn same_knote_in_two_kqueues() {
    let (k1, k2) = (kq(), kq());
    let (r, w) = pipe();
    let id = r.as_raw_fd() as usize;
    k1.register(&[KEvent::read(&r).add().with_udata(1)]).unwrap();
    k2.register(&[KEvent::read(&r).add().with_udata(2)]).unwrap();
    write_bytes(&w, 6);
    assert_eq!(wait_for(&k1, Filter::Read, id, SOON).unwrap().udata(), 1);
    assert_eq!(wait_for(&k2, Filter::Read, id, SOON).unwrap().udata(), 2);
    k1.register(&[KEvent::read(&r).delete()]).unwrap();
    assert_quiet(&k1, Filter::Read, id);
    assert_eq!(wait_for(&k2, Filter::Read, id, SOON).unwrap().data(), 6);
}

// The descriptor-reuse tests run in a child process: they reuse numbers
// on purpose, which would race with the other tests' threads here.
#[test]
fn closed_descriptor_knote_does_not_fire_for_its_reuser() {
    in_child("closed_descriptor_knote_does_not_fire_for_its_reuser", closed_reuse);
}

fn closed_reuse() {
    let kq = kq();
    let (r, w) = pipe();
    let id = r.as_raw_fd();
    write_bytes(&w, 1);
    kq.register(&[KEvent::read(&r).add().with_udata(111)]).unwrap();
    assert!(wait_for(&kq, Filter::Read, id as usize, SOON).is_some());
    // Close without EV_DELETE, while the knote is pending, and put another
    // pipe with data on the same number.
    let (r2, w2) = pipe();
    write_bytes(&w2, 2);
    drop(r);
    // SAFETY: dup2 onto the number we just closed (this test owns it).
    assert_eq!(unsafe { libc::dup2(r2.as_raw_fd(), id) }, id);
    // SAFETY: `id` now names a descriptor this test owns.
    let reused = unsafe { OwnedFd::from_raw_fd(id) };
    for e in poll(&kq)
        .iter()
        .chain(wait_for(&kq, Filter::Read, id as usize, QUIET).iter())
    {
        assert_ne!(e.udata(), 111, "the old knote fired for the new file: {e:?}");
    }
    // Registering the number again watches the new file.
    kq.register(&[KEvent::read(reused.as_fd()).add().with_udata(222)])
        .unwrap();
    let ev = wait_for(&kq, Filter::Read, id as usize, SOON).expect("new knote");
    assert_eq!((ev.udata(), ev.data()), (222, 2));
    drop((w, w2, r2));
}

#[test]
fn closed_then_readded_number_replaces_both_filters() {
    in_child("closed_then_readded_number_replaces_both_filters", closed_readd);
}

fn closed_readd() {
    let kq = kq();
    let (a, b) = UnixStream::pair().unwrap();
    let id = a.as_raw_fd();
    kq.register(&[
        KEvent::read(&a).add().with_udata(1),
        KEvent::write(&a).add().with_udata(1),
    ])
    .unwrap();
    let (c, mut d) = UnixStream::pair().unwrap();
    drop(a);
    // SAFETY: dup2 onto the number we just closed.
    assert_eq!(unsafe { libc::dup2(c.as_raw_fd(), id) }, id);
    // SAFETY: `id` is ours now.
    let reused = unsafe { OwnedFd::from_raw_fd(id) };
    kq.register(&[KEvent::read(reused.as_fd()).add().with_udata(2)])
        .unwrap();
    d.write_all(b"zz").unwrap();
    let ev = wait_for(&kq, Filter::Read, id as usize, SOON).expect("read");
    assert_eq!(ev.udata(), 2);
    // The old write knote went with the old socket.
    for e in poll(&kq) {
        assert_ne!(e.udata(), 1, "{e:?}");
    }
    drop((b, c));
}

#[test]
fn kqueue_descriptor_is_pollable_and_nestable() {
    let outer = kq();
    let inner = kq();
    let (r, w) = pipe();
    inner.register(&[KEvent::read(&r).add()]).unwrap();
    outer.register(&[KEvent::read(&inner).add().with_udata(5)]).unwrap();
    let mut p = libc::pollfd {
        fd: inner.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one pollfd, zero timeout.
    assert_eq!(unsafe { libc::poll(&mut p, 1, 0) }, 0);
    assert_quiet(&outer, Filter::Read, inner.as_raw_fd() as usize);
    write_bytes(&w, 1);
    // SAFETY: as above, with a bounded timeout.
    assert_eq!(unsafe { libc::poll(&mut p, 1, 10_000) }, 1);
    assert!(p.revents & libc::POLLIN != 0);
    let ev = wait_for(&outer, Filter::Read, inner.as_raw_fd() as usize, SOON).expect("nested");
    assert_eq!(ev.udata(), 5);
    assert!(wait_for(&inner, Filter::Read, r.as_raw_fd() as usize, SOON).is_some());
}

#[test]
fn kqueue_is_send_sync_and_cloexec() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Kqueue>();
    assert_send_sync::<KEvent>();
    let kq = kq();
    // SAFETY: F_GETFD takes no pointer.
    let flags = unsafe { libc::fcntl(kq.as_raw_fd(), libc::F_GETFD) };
    assert!(flags & libc::FD_CLOEXEC != 0);
}

#[test]
fn lowat_waits_for_enough_bytes() {
    let kq = kq();
    let (a, mut b) = UnixStream::pair().unwrap();
    let id = a.as_raw_fd() as usize;
    kq.register(&[KEvent::new(
        id,
        Filter::Read,
        EvFlags::ADD,
        bsd_event::note::read::LOWAT,
        10,
        0,
    )])
    .unwrap();
    b.write_all(&[0; 4]).unwrap();
    assert_quiet(&kq, Filter::Read, id);
    b.write_all(&[0; 6]).unwrap();
    assert_eq!(wait_for(&kq, Filter::Read, id, SOON).expect("10 bytes").data(), 10);
}

#[test]
fn events_buffer_smaller_than_ready_set() {
    let kq = kq();
    let pipes: Vec<_> = (0..5).map(|_| pipe()).collect();
    for (r, w) in &pipes {
        write_bytes(w, 1);
        kq.register(&[KEvent::read(r).add().clear()]).unwrap();
    }
    let mut seen = std::collections::HashSet::new();
    let mut one = [KEvent::zeroed(); 2];
    for _ in 0..20 {
        let n = kq.wait(&mut one, Some(Duration::from_millis(100))).unwrap();
        assert!(n <= 2);
        for e in &one[..n] {
            assert!(seen.insert(e.ident()), "EV_CLEAR event delivered twice");
        }
        if seen.len() == 5 {
            break;
        }
    }
    assert_eq!(seen.len(), 5);
}

#[test]
fn exact_data_can_be_turned_off() {
    let kq = kq();
    kq.set_exact_data(false);
    let (r, w) = pipe();
    let id = r.as_raw_fd() as usize;
    kq.register(&[KEvent::read(&r).add().clear(), KEvent::write(&w).add().clear()])
        .unwrap();
    write_bytes(&w, 5);
    let ev = wait_for(&kq, Filter::Read, id, SOON).expect("read");
    if cfg!(target_os = "linux") {
        assert_eq!(ev.data(), 1, "at least one byte, not counted");
    } else {
        assert_eq!(ev.data(), 5, "the kernel always counts");
    }
    drop(w);
    let ev = wait_for(&kq, Filter::Read, id, SOON).expect("eof");
    assert!(ev.flags().contains(EvFlags::EOF));
    // Back on: counted again.
    kq.set_exact_data(true);
    kq.register(&[KEvent::read(&r).add()]).unwrap();
    assert_eq!(wait_for(&kq, Filter::Read, id, SOON).expect("read").data(), 5);
}

#[test]
fn clear_knote_fires_once_after_add_and_after_enable() {
    let kq = kq();
    let (r, w) = pipe();
    let id = r.as_raw_fd() as usize;
    write_bytes(&w, 3);
    kq.register(&[KEvent::read(&r).add().clear()]).unwrap();
    // Blocking and polling calls alike see it once.
    assert_eq!(wait_for(&kq, Filter::Read, id, SOON).expect("once").data(), 3);
    assert!(poll(&kq).is_empty());
    assert_quiet(&kq, Filter::Read, id);
    // EV_ENABLE re-evaluates: still readable, reported once more.
    kq.register(&[KEvent::read(&r).disable()]).unwrap();
    kq.register(&[KEvent::read(&r).enable()]).unwrap();
    assert_eq!(wait_for(&kq, Filter::Read, id, SOON).expect("after enable").data(), 3);
    assert_quiet(&kq, Filter::Read, id);
}

#[test]
fn huge_descriptor_numbers_work() {
    // A number far above the usual range (within RLIMIT_NOFILE) must not
    // need a table that large, and must work like any other.
    in_child("huge_descriptor_numbers_work", || {
        // Needs a limit above 65536 (the table's dense part): raising the
        // hard limit needs root (as CI runs); otherwise there is nothing
        // to test here (the table logic has its own unit test).
        let want: u64 = 300_000;
        let lim = libc::rlimit {
            rlim_cur: want as libc::rlim_t,
            rlim_max: want as libc::rlim_t,
        };
        // SAFETY: raising this child's own limit.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } != 0 {
            eprintln!("cannot raise RLIMIT_NOFILE here: skipped");
            return;
        }
        let (r, w) = pipe();
        let big = (want - 10) as i32;
        // SAFETY: dup onto an unused number of this child.
        assert_eq!(unsafe { libc::dup2(r.as_raw_fd(), big) }, big);
        // SAFETY: `big` is ours now.
        let rb = unsafe { OwnedFd::from_raw_fd(big) };
        let kq = kq();
        kq.register(&[KEvent::read(&rb).add().with_udata(5)]).unwrap();
        write_bytes(&w, 2);
        let ev = wait_for(&kq, Filter::Read, big as usize, SOON).expect("event");
        assert_eq!((ev.data(), ev.udata()), (2, 5));
        kq.register(&[KEvent::read(&rb).delete()]).unwrap();
        assert_quiet(&kq, Filter::Read, big as usize);
    });
}

#[test]
fn socket_write_eof_when_the_peer_closes() {
    let kq = kq();
    let (a, b) = UnixStream::pair().unwrap();
    let id = a.as_raw_fd() as usize;
    kq.register(&[KEvent::write(&a).add()]).unwrap();
    let ev = wait_for(&kq, Filter::Write, id, SOON).expect("writable");
    assert!(!ev.flags().contains(EvFlags::EOF));
    drop(b);
    let ev = loop {
        let ev = wait_for(&kq, Filter::Write, id, SOON).expect("eof");
        if ev.flags().contains(EvFlags::EOF) {
            break ev;
        }
    };
    assert!(ev.flags().contains(EvFlags::EOF));
}
