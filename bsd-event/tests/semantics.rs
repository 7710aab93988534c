//! FreeBSD's kqueue semantics that an emulation easily gets wrong: what a
//! modification keeps, the flags events carry, whole vnode changes, what a
//! directory's knote hears, low-water marks, the queue's own readiness,
//! fork, untouched socket errors, and timeouts too long to represent.

mod common;

use bsd_errno::Errno;
use bsd_event::{note, EvFlags, Filter, KEvent, Kqueue, VnodeEvents as V};
use common::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// Whether `fd` is readable right now, by poll(2).
fn readable(fd: RawFd) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, zero timeout.
    let n = unsafe { libc::poll(&mut p, 1, 0) };
    assert!(n >= 0, "poll failed");
    n == 1 && p.revents & libc::POLLIN != 0
}

/// Waits (bounded) until `fd` is readable, by poll(2).
fn await_readable(fd: RawFd) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, bounded timeout.
    let n = unsafe { libc::poll(&mut p, 1, SOON.as_millis() as libc::c_int) };
    n == 1 && p.revents & libc::POLLIN != 0
}

/// Writes until the descriptor's buffer is full (it must be non-blocking).
fn fill(fd: &impl AsRawFd) {
    let buf = [0u8; 4096];
    loop {
        // SAFETY: writing from a live buffer.
        let w = unsafe { libc::write(fd.as_raw_fd(), buf.as_ptr().cast(), buf.len()) };
        if w <= 0 {
            break;
        }
    }
}

/// Reads everything there is (the descriptor must be non-blocking).
fn drain(fd: &impl AsRawFd) {
    let mut buf = [0u8; 4096];
    // SAFETY: reading into a live buffer.
    while unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) } > 0 {}
}

fn lowat(mut ev: KEvent, mark: i64) -> KEvent {
    ev.set_fflags(note::read::LOWAT);
    ev.set_data(mark);
    ev
}

// 1. EV_ADD on an existing knote changes udata, fflags and data only.

#[test]
fn modify_keeps_flags_a_later_clear_or_oneshot_is_ignored() {
    let kq = kq();
    let (mut a, b) = UnixStream::pair().unwrap();
    let id = b.as_raw_fd() as usize;
    kq.register(&[KEvent::read(&b).add().with_udata(1)]).unwrap();
    a.write_all(b"abc").unwrap();
    assert!(wait_for(&kq, Filter::Read, id, SOON).is_some());
    // Re-adding with CLEAR does not make it edge-triggered...
    kq.register(&[KEvent::read(&b).add().clear().with_udata(2)]).unwrap();
    for _ in 0..3 {
        let ev = wait_for(&kq, Filter::Read, id, SOON).expect("still level-triggered");
        assert_eq!(ev.udata(), 2, "udata changes");
        assert!(!ev.flags().contains(EvFlags::CLEAR), "{ev:?}");
    }
    // ...nor ONESHOT one-shot, nor DISPATCH disabling.
    kq.register(&[KEvent::read(&b).add().oneshot()]).unwrap();
    kq.register(&[KEvent::read(&b).add().dispatch()]).unwrap();
    for _ in 0..2 {
        let ev = wait_for(&kq, Filter::Read, id, SOON).expect("not one-shot");
        assert!(!ev.flags().intersects(EvFlags::ONESHOT | EvFlags::DISPATCH), "{ev:?}");
    }
    kq.register(&[KEvent::read(&b).delete()])
        .expect("the knote is still there");
}

#[test]
fn modify_keeps_flags_a_clear_knote_stays_edge_triggered() {
    let kq = kq();
    let (mut a, b) = UnixStream::pair().unwrap();
    let id = b.as_raw_fd() as usize;
    kq.register(&[KEvent::read(&b).add().clear()]).unwrap();
    a.write_all(b"x").unwrap();
    assert!(wait_for(&kq, Filter::Read, id, SOON).is_some());
    // Re-added without CLEAR: re-evaluated once (the data is there), and
    // still edge-triggered after that.
    kq.register(&[KEvent::read(&b).add()]).unwrap();
    let ev = wait_for(&kq, Filter::Read, id, SOON).expect("re-evaluated");
    assert!(ev.flags().contains(EvFlags::CLEAR), "{ev:?}");
    assert_quiet(&kq, Filter::Read, id);
}

#[test]
fn modify_keeps_flags_receipt_still_answers_each_change() {
    let kq = kq();
    let mut out = [KEvent::zeroed(); 4];
    kq.register(&[KEvent::user(3).add().clear()]).unwrap();
    let n = kq
        .kevent(&[KEvent::user(3).add().receipt()], &mut out, Some(Duration::ZERO))
        .unwrap();
    assert_eq!((n, out[0].error()), (1, Some(Ok(()))));
    // The user event stays CLEAR: one delivery per trigger.
    kq.register(&[KEvent::trigger(3, 0)]).unwrap();
    let ev = wait_for(&kq, Filter::User, 3, SOON).expect("trigger");
    assert!(ev.flags().contains(EvFlags::CLEAR));
    assert!(
        !ev.flags().contains(EvFlags::RECEIPT),
        "RECEIPT of a modification is not kept"
    );
    assert_quiet(&kq, Filter::User, 3);
}

#[test]
fn modify_keeps_flags_a_later_add_does_not_enable_a_disabled_knote() {
    let kq = kq();
    kq.register(&[KEvent::user(4).add().clear().disable()]).unwrap();
    kq.register(&[KEvent::trigger(4, 0)]).unwrap();
    assert_quiet(&kq, Filter::User, 4);
    // EV_ADD again: udata changes, the knote stays disabled.
    kq.register(&[KEvent::user(4).add().with_udata(6)]).unwrap();
    assert_quiet(&kq, Filter::User, 4);
    kq.register(&[KEvent::user(4).enable().with_udata(6)]).unwrap();
    let ev = wait_for(&kq, Filter::User, 4, SOON).expect("held trigger after EV_ENABLE");
    assert_eq!(ev.udata(), 6);
}

// 2. TIMER, SIGNAL and PROC get EV_CLEAR at attach.

#[test]
fn automatic_clear_on_timer_and_proc_events() {
    let kq = kq();
    kq.register(&[KEvent::timer(1, Duration::from_millis(1)).add()])
        .unwrap();
    let ev = wait_for(&kq, Filter::Timer, 1, SOON).expect("timer");
    assert!(ev.flags().contains(EvFlags::CLEAR), "{ev:?}");
    assert!(!ev.flags().contains(EvFlags::ADD), "{ev:?}");
    let mut child = std::process::Command::new("/bin/sh")
        .args(["-c", "exit 3"])
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    kq.register(&[KEvent::proc_exit(pid).add()]).unwrap();
    let ev = wait_for(&kq, Filter::Proc, pid as usize, SOON).expect("exit");
    assert!(
        ev.flags().contains(EvFlags::CLEAR | EvFlags::EOF | EvFlags::ONESHOT),
        "{ev:?}"
    );
    assert!(!ev.flags().contains(EvFlags::ADD), "{ev:?}");
    // Not reaped by the queue: wait() still finds it.
    child.wait().expect("the child is still there to reap");
}

#[test]
fn automatic_clear_on_signal_events() {
    in_child("automatic_clear_on_signal_events", || {
        let kq = kq();
        kq.register(&[KEvent::signal(libc::SIGURG).add()]).unwrap();
        // SAFETY: signalling ourselves with a signal ignored by default.
        assert_eq!(unsafe { libc::kill(libc::getpid(), libc::SIGURG) }, 0);
        let ev = wait_for(&kq, Filter::Signal, libc::SIGURG as usize, SOON).expect("signal");
        assert!(ev.flags().contains(EvFlags::CLEAR), "{ev:?}");
        assert!(!ev.flags().contains(EvFlags::ADD), "{ev:?}");
    });
}

// 3. (Returned flags for READ, WRITE, TIMER, USER, VNODE: flags.rs.)

#[test]
fn returned_flags_and_receipts_for_signal_and_proc() {
    in_child("returned_flags_and_receipts_for_signal_and_proc", || {
        let kq = kq();
        let mut child = std::process::Command::new("/bin/sh")
            .args(["-c", "read x"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id() as libc::pid_t;
        let mut out = [KEvent::zeroed(); 4];
        let changes = [
            KEvent::signal(libc::SIGURG).add().receipt(),
            KEvent::proc_exit(pid).add().receipt(),
        ];
        let n = kq.kevent(&changes, &mut out, Some(Duration::ZERO)).unwrap();
        assert_eq!(n, 2);
        for r in &out[..2] {
            assert_eq!(r.error(), Some(Ok(())), "{r:?}");
            #[cfg(not(target_vendor = "apple"))]
            assert_eq!(r.flags(), EvFlags::ERROR, "{r:?}");
        }
        // SAFETY: signalling ourselves with a signal ignored by default.
        assert_eq!(unsafe { libc::kill(libc::getpid(), libc::SIGURG) }, 0);
        let ev = wait_for(&kq, Filter::Signal, libc::SIGURG as usize, SOON).expect("signal");
        assert!(!ev.flags().intersects(EvFlags::ADD | EvFlags::ERROR), "{ev:?}");
        drop(child.stdin.take()); // closes its stdin: it exits
        let ev = wait_for(&kq, Filter::Proc, pid as usize, SOON).expect("exit");
        assert!(!ev.flags().intersects(EvFlags::ADD | EvFlags::ERROR), "{ev:?}");
        child.wait().expect("the child is still there to reap");
    });
}

// 4. VNODE reports the whole change once a watched note matches.

fn scratch(name: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("bsd-event-sem-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    let _ = std::fs::remove_file(&p);
    p
}

/// Collects vnode notes on `id` until `want` are all seen (bounded).
fn notes_until(kq: &Kqueue, id: usize, want: u32) -> u32 {
    let mut got = 0;
    while got & want != want {
        match wait_for(kq, Filter::Vnode, id, SOON) {
            Some(ev) => got |= ev.fflags(),
            None => break,
        }
    }
    got
}

#[test]
fn vnode_reports_the_whole_change_append_is_write_and_extend() {
    let p = scratch("append");
    std::fs::write(&p, b"abc").unwrap();
    let f = std::fs::File::open(&p).unwrap();
    let kq = kq();
    let id = f.as_raw_fd() as usize;
    kq.register(&[KEvent::vnode(&f, V::WRITE).add().clear()]).unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(&p)
        .unwrap()
        .write_all(b"more")
        .unwrap();
    let got = notes_until(&kq, id, (V::WRITE | V::EXTEND).bits());
    assert_eq!(got, (V::WRITE | V::EXTEND).bits(), "watched WRITE alone, got {got:#x}");
    std::fs::remove_file(&p).unwrap();
}

#[test]
fn vnode_reports_the_whole_change_mkdir_is_write_and_link() {
    let d = scratch("mkdir");
    std::fs::create_dir(&d).unwrap();
    let dir = std::fs::File::open(&d).unwrap();
    let kq = kq();
    let id = dir.as_raw_fd() as usize;
    kq.register(&[KEvent::vnode(&dir, V::WRITE).add().clear()]).unwrap();
    std::fs::create_dir(d.join("sub")).unwrap();
    let got = notes_until(&kq, id, (V::WRITE | V::LINK).bits());
    assert_eq!(got, (V::WRITE | V::LINK).bits(), "watched WRITE alone, got {got:#x}");
    std::fs::remove_dir_all(&d).unwrap();
}

// 5. A directory's knote fires only for the directory itself.

#[test]
fn directory_knote_ignores_writes_and_chmods_of_files_inside() {
    let d = scratch("dirself");
    std::fs::create_dir(&d).unwrap();
    let inside = d.join("file");
    std::fs::write(&inside, b"1").unwrap();
    let dir = std::fs::File::open(&d).unwrap();
    let kq = kq();
    let id = dir.as_raw_fd() as usize;
    let all = V::DELETE | V::WRITE | V::EXTEND | V::ATTRIB | V::LINK | V::RENAME;
    kq.register(&[KEvent::vnode(&dir, all).add().clear()]).unwrap();
    // Writing, appending, truncating and chmod-ing a file inside: quiet.
    std::fs::write(&inside, b"rewritten").unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(&inside)
        .unwrap()
        .write_all(b"+")
        .unwrap();
    let mut perm = std::fs::metadata(&inside).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o600);
    std::fs::set_permissions(&inside, perm).unwrap();
    assert_quiet(&kq, Filter::Vnode, id);
    // Entries created, renamed, removed: NOTE_WRITE.
    std::fs::write(d.join("new"), b"").unwrap();
    assert_eq!(notes_until(&kq, id, V::WRITE.bits()) & V::WRITE.bits(), V::WRITE.bits());
    std::fs::rename(d.join("new"), d.join("renamed")).unwrap();
    assert_eq!(notes_until(&kq, id, V::WRITE.bits()) & V::WRITE.bits(), V::WRITE.bits());
    std::fs::remove_file(d.join("renamed")).unwrap();
    assert_eq!(notes_until(&kq, id, V::WRITE.bits()) & V::WRITE.bits(), V::WRITE.bits());
    // A subdirectory: NOTE_WRITE | NOTE_LINK.
    std::fs::create_dir(d.join("sub")).unwrap();
    let got = notes_until(&kq, id, (V::WRITE | V::LINK).bits());
    assert_eq!(got & (V::WRITE | V::LINK).bits(), (V::WRITE | V::LINK).bits());
    // Its own attributes: NOTE_ATTRIB.
    let mut perm = std::fs::metadata(&d).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o750);
    std::fs::set_permissions(&d, perm).unwrap();
    assert!(notes_until(&kq, id, V::ATTRIB.bits()) & V::ATTRIB.bits() != 0);
    std::fs::remove_dir_all(&d).unwrap();
}

// 6. PROC with fflags 0 reports nothing.

#[test]
fn proc_with_no_notes_reports_nothing() {
    let kq = kq();
    let mut child = std::process::Command::new("/bin/sh")
        .args(["-c", "exit 0"])
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let ev = KEvent::new(pid as usize, Filter::Proc, EvFlags::ADD, 0, 0, 0);
    kq.register(&[ev]).unwrap();
    // Wait for the exit without reaping, then look.
    // SAFETY: all-zero is a valid siginfo_t; WNOWAIT leaves the child.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child without reaping it.
    let r = unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, libc::WEXITED | libc::WNOWAIT) };
    assert_eq!(r, 0);
    assert_quiet(&kq, Filter::Proc, pid as usize);
    // Not reaped by the queue: wait() still finds it.
    child.wait().expect("the child is still there to reap");
}

// 7. NOTE_LOWAT on READ and WRITE, for pipes and sockets.

#[test]
fn lowat_read_on_pipe_and_socket_fires_at_the_mark() {
    let kq = kq();
    let (r, w) = pipe();
    let (mut a, b) = UnixStream::pair().unwrap();
    let (pid, sid) = (r.as_raw_fd() as usize, b.as_raw_fd() as usize);
    kq.register(&[lowat(KEvent::read(&r).add(), 10), lowat(KEvent::read(&b).add(), 10)])
        .unwrap();
    write_bytes(&w, 6);
    a.write_all(&[1; 6]).unwrap();
    assert_quiet(&kq, Filter::Read, pid);
    assert_quiet(&kq, Filter::Read, sid);
    write_bytes(&w, 4);
    a.write_all(&[1; 4]).unwrap();
    let evs = wait_all(&kq, Filter::Read, &[pid, sid], SOON);
    assert!(evs.iter().all(|e| e.data() >= 10), "{evs:?}");
}

#[test]
fn lowat_write_on_pipe_and_socket_fires_at_the_mark() {
    let kq = kq();
    let (r, w) = pipe();
    let (a, b) = UnixStream::pair().unwrap();
    for fd in [r.as_raw_fd(), w.as_raw_fd(), a.as_raw_fd(), b.as_raw_fd()] {
        // SAFETY: F_GETFL/F_SETFL on descriptors this test owns.
        unsafe {
            let fl = libc::fcntl(fd, libc::F_GETFL);
            libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK);
        }
    }
    fill(&w);
    fill(&a);
    let (pid, sid) = (w.as_raw_fd() as usize, a.as_raw_fd() as usize);
    let mark = 4096;
    kq.register(&[
        lowat(KEvent::write(&w).add(), mark),
        lowat(KEvent::write(&a).add(), mark),
    ])
    .unwrap();
    assert_quiet(&kq, Filter::Write, pid);
    assert_quiet(&kq, Filter::Write, sid);
    drain(&r);
    drain(&b);
    let evs = wait_all(&kq, Filter::Write, &[pid, sid], SOON);
    assert!(evs.iter().all(|e| e.data() >= mark), "{evs:?}");
}

// 8. The queue's descriptor is readable exactly when a zero-timeout kevent
//    would return an event.

fn nothing_pending(kq: &Kqueue) {
    let mut ev = [KEvent::zeroed(); 8];
    assert_eq!(kq.wait(&mut ev, Some(Duration::ZERO)).unwrap(), 0);
    assert!(!readable(kq.as_raw_fd()), "readable with nothing to return");
}

#[test]
fn pollable_exactly_user_trigger_and_level_knotes() {
    let kq = kq();
    let fd = kq.as_raw_fd();
    assert!(!readable(fd));
    // A level-triggered user event: readable while triggered.
    kq.register(&[KEvent::user(1).add(), KEvent::trigger(1, 0)]).unwrap();
    assert!(readable(fd), "pending user trigger");
    assert!(wait_for(&kq, Filter::User, 1, SOON).is_some());
    assert!(readable(fd), "a level user event stays pending");
    kq.register(&[KEvent::user(1).delete()]).unwrap();
    nothing_pending(&kq);
    // An EV_CLEAR user event: readable until delivered.
    kq.register(&[KEvent::user(2).add().clear(), KEvent::trigger(2, 0)])
        .unwrap();
    assert!(readable(fd));
    assert!(wait_for(&kq, Filter::User, 2, SOON).is_some());
    nothing_pending(&kq);
    // A level-triggered READ knote: readable while data remains after a
    // delivery, not once it is read.
    let (r, w) = pipe();
    kq.register(&[KEvent::read(&r).add()]).unwrap();
    nothing_pending(&kq);
    write_bytes(&w, 2);
    assert!(await_readable(fd));
    assert!(wait_for(&kq, Filter::Read, r.as_raw_fd() as usize, SOON).is_some());
    assert!(readable(fd), "re-armed level knote");
    assert_eq!(read_bytes(&r, 2), 2);
    #[cfg(target_os = "linux")]
    assert!(!readable(fd), "data read: nothing pending");
    nothing_pending(&kq);
}

#[test]
fn pollable_exactly_expired_timer() {
    let kq = kq();
    let fd = kq.as_raw_fd();
    kq.register(&[KEvent::timer(4, Duration::from_millis(1)).add().oneshot()])
        .unwrap();
    assert!(await_readable(fd), "expired timer");
    assert!(wait_for(&kq, Filter::Timer, 4, SOON).is_some());
    nothing_pending(&kq);
}

#[test]
fn pollable_exactly_nested_in_another_kqueue() {
    let outer = kq();
    let inner = kq();
    let iid = inner.as_raw_fd() as usize;
    outer.register(&[KEvent::read(&inner).add().with_udata(9)]).unwrap();
    inner.register(&[KEvent::user(1).add().clear()]).unwrap();
    assert_quiet(&outer, Filter::Read, iid);
    // A trigger alone (no descriptor activity) wakes the outer queue.
    inner.register(&[KEvent::trigger(1, 0)]).unwrap();
    let ev = wait_for(&outer, Filter::Read, iid, SOON).expect("nested wake-up");
    assert_eq!(ev.udata(), 9);
    assert!(wait_for(&inner, Filter::User, 1, SOON).is_some());
    nothing_pending(&inner);
    assert_quiet(&outer, Filter::Read, iid);
    // A level-triggered knote delivered but still ready keeps it readable.
    let (r, w) = pipe();
    inner.register(&[KEvent::read(&r).add()]).unwrap();
    write_bytes(&w, 1);
    assert!(wait_for(&inner, Filter::Read, r.as_raw_fd() as usize, SOON).is_some());
    assert!(
        wait_for(&outer, Filter::Read, iid, SOON).is_some(),
        "still ready after delivery"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn pollable_exactly_nested_in_a_raw_epoll() {
    let inner = kq();
    // SAFETY: epoll_create1 takes no pointers.
    let ep = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
    assert!(ep >= 0);
    // SAFETY: a fresh descriptor this test owns.
    let ep = unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(ep) };
    let mut ev = libc::epoll_event {
        events: libc::EPOLLIN as u32,
        u64: 77,
    };
    // SAFETY: registering a live descriptor with a valid event.
    let r = unsafe { libc::epoll_ctl(ep.as_raw_fd(), libc::EPOLL_CTL_ADD, inner.as_raw_fd(), &mut ev) };
    assert_eq!(r, 0);
    let ready = |ms: i32| {
        let mut out = [libc::epoll_event { events: 0, u64: 0 }; 2];
        // SAFETY: room for two events.
        unsafe { libc::epoll_wait(ep.as_raw_fd(), out.as_mut_ptr(), 2, ms) }
    };
    assert_eq!(ready(0), 0);
    inner
        .register(&[KEvent::user(5).add().clear(), KEvent::trigger(5, 0)])
        .unwrap();
    assert_eq!(ready(10_000), 1, "a trigger wakes the outer epoll");
    assert!(wait_for(&inner, Filter::User, 5, SOON).is_some());
    assert_eq!(ready(0), 0, "delivered: the outer epoll is quiet");
}

// 9. Fork: the child's copy is unusable and never touches the parent's
//    events.

#[test]
fn fork_child_gets_ebadf_and_takes_nothing_from_the_parent() {
    in_child("fork_child_gets_ebadf_and_takes_nothing_from_the_parent", || {
        let kq = kq();
        let (r, w) = pipe();
        let id = r.as_raw_fd() as usize;
        kq.register(&[
            KEvent::read(&r).add().clear().with_udata(1),
            KEvent::user(8).add().clear(),
        ])
        .unwrap();
        // SAFETY: the child only calls kevent (which must fail before
        // touching any lock) and _exit.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork");
        if pid == 0 {
            let mut ev = [KEvent::zeroed(); 4];
            let mut ok = true;
            // Both wait: the child keeps trying while the parent's events
            // come.
            for _ in 0..200 {
                ok &= kq.wait(&mut ev, Some(Duration::from_millis(1))) == Err(Errno::EBADF);
                ok &= kq.register(&[KEvent::read(r.as_fd()).delete()]) == Err(Errno::EBADF);
                ok &= kq.register(&[KEvent::trigger(8, 0)]) == Err(Errno::EBADF);
            }
            // SAFETY: leaving the forked child without running destructors.
            unsafe { libc::_exit(if ok { 0 } else { 1 }) };
        }
        for round in 0..20 {
            write_bytes(&w, 1);
            let ev = wait_for(&kq, Filter::Read, id, SOON)
                .unwrap_or_else(|| panic!("round {round}: the event went missing"));
            assert_eq!(ev.udata(), 1);
            assert_eq!(read_bytes(&r, 1), 1);
        }
        kq.register(&[KEvent::trigger(8, 0)]).unwrap();
        assert!(wait_for(&kq, Filter::User, 8, SOON).is_some());
        let mut st = 0;
        // SAFETY: reaping our own child.
        assert_eq!(unsafe { libc::waitpid(pid, &mut st, 0) }, pid);
        assert!(libc::WIFEXITED(st) && libc::WEXITSTATUS(st) == 0, "child saw {st:#x}");
        // The parent's registrations are intact.
        kq.register(&[KEvent::read(&r).delete(), KEvent::user(8).delete()])
            .unwrap();
    });
}

// 10. Never consume the program's state: the socket error survives.

#[test]
fn reset_connection_error_survives_the_eof_event() {
    let kq = kq();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (s, _) = l.accept().unwrap();
    // Close with SO_LINGER 0: a reset.
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: setting a socket option from a live struct.
    let r = unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(r, 0);
    let id = c.as_raw_fd() as usize;
    kq.register(&[KEvent::read(&c).add()]).unwrap();
    drop(s);
    let ev = loop {
        let ev = wait_for(&kq, Filter::Read, id, SOON).expect("event");
        if ev.flags().contains(EvFlags::EOF) {
            break ev;
        }
    };
    // Level-triggered: seen again, and the error is still there.
    assert!(wait_for(&kq, Filter::Read, id, SOON).is_some());
    #[cfg(target_os = "linux")]
    assert_eq!(ev.fflags(), 0, "Linux cannot read the error without clearing it");
    #[cfg(not(target_os = "linux"))]
    assert_eq!(ev.fflags(), libc::ECONNRESET as u32);
    let mut buf = [0u8; 8];
    let e = c.read(&mut buf).expect_err("the reset is still reported");
    assert_eq!(e.raw_os_error(), Some(libc::ECONNRESET), "{e}");
}

// 11. A timeout too large to represent means no deadline.

fn blocks_until_triggered(timeout: Duration) {
    let kq = std::sync::Arc::new(kq());
    kq.register(&[KEvent::user(1).add().clear()]).unwrap();
    let k2 = kq.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        k2.register(&[KEvent::trigger(1, 0)]).unwrap();
    });
    let mut ev = [KEvent::zeroed(); 2];
    let n = loop {
        match kq.wait(&mut ev, Some(timeout)) {
            Err(Errno::EINTR) => continue,
            r => break r.unwrap(),
        }
    };
    assert_eq!(n, 1, "returned without the event");
    assert_eq!(ev[0].filter(), Filter::User);
    t.join().unwrap();
}

#[test]
fn duration_max_blocks() {
    blocks_until_triggered(Duration::MAX);
}

#[test]
fn u64_max_seconds_blocks() {
    blocks_until_triggered(Duration::from_secs(u64::MAX));
}

#[test]
fn huge_but_representable_timeouts_block() {
    blocks_until_triggered(Duration::from_secs(i64::MAX as u64));
    blocks_until_triggered(Duration::from_secs(u32::MAX as u64 + 1));
}

// No cap on the events one call returns.

#[test]
fn one_call_returns_as_many_events_as_the_buffer_holds() {
    let kq = kq();
    let pipes: Vec<_> = (0..100).map(|_| pipe()).collect();
    let adds: Vec<KEvent> = pipes.iter().map(|(r, _)| KEvent::read(r).add()).collect();
    kq.register(&adds).unwrap();
    for (_, w) in &pipes {
        write_bytes(w, 1);
    }
    // A buffer larger than what is ready: each ready knote once.
    let mut out = vec![KEvent::zeroed(); 1000];
    let n = kq.wait(&mut out, Some(SOON)).unwrap();
    assert_eq!(n, 100);
    let mut ids: Vec<usize> = out[..n].iter().map(KEvent::ident).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 100, "each knote once per call");
    // A buffer smaller than what is ready (and larger than the 64 reports
    // an earlier version read per call): full.
    let mut small = vec![KEvent::zeroed(); 65];
    assert_eq!(kq.wait(&mut small, Some(Duration::ZERO)).unwrap(), 65);
}
