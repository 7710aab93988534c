//! EVFILT_PROC's lifecycle notes on real processes: NOTE_FORK, NOTE_EXEC,
//! NOTE_TRACK with NOTE_CHILD, and the errno where the kernel refuses to
//! tell this process about other processes (on Linux, the process-event
//! connector; natively elsewhere).
//!
//! The children here run only async-signal-safe calls between `fork` and
//! `_exit`/`execv`, and wait on pipes so each step happens when the test
//! says: no timing is assumed.
#![cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd",
    target_vendor = "apple"
))]

mod common;

use bsd_errno::Errno;
use bsd_event::{note, EvFlags, Filter, KEvent, Kqueue};
use common::*;
use std::ffi::CString;
use std::os::fd::{AsRawFd, OwnedFd};
#[cfg(not(target_vendor = "apple"))]
use std::time::{Duration, Instant};

/// Registers `ev`; `None` (after saying why) where this system cannot
/// watch these notes at all, so the test has nothing to check.
fn register_or_skip(kq: &Kqueue, ev: KEvent, test: &str) -> Option<()> {
    match kq.register(&[ev]) {
        Ok(()) => Some(()),
        Err(e @ (Errno::EPERM | Errno::ENOTSUP)) => {
            println!("{test}: skipped: the kernel gives this process no process events ({e})");
            None
        }
        Err(e) => panic!("register: {e}"),
    }
}

/// Whether this system lets the process watch these notes; says why not
/// (the test then has nothing to check). Asked before any child is made.
fn available(test: &str) -> bool {
    let me = std::process::id() as libc::pid_t;
    register_or_skip(&kq(), KEvent::proc(me, note::proc::FORK).add(), test).is_some()
}

fn put(fd: &OwnedFd) {
    write_bytes(fd, 1);
}

/// In a forked child, first: closes every descriptor above stderr but
/// `keep`, so the pipes of tests running on other threads are not held
/// open by this child (their end of file would never come).
fn child_keep_only(keep: &[i32]) {
    for fd in 3..4096 {
        if !keep.contains(&fd) {
            // SAFETY: close is async-signal-safe; these descriptors are
            // this child's copies.
            unsafe { libc::close(fd) };
        }
    }
}

/// In a forked child: blocks until a byte (or end of file) comes.
fn child_wait(fd: i32) {
    let mut b = 0u8;
    // SAFETY: reading one byte into a live byte; async-signal-safe.
    unsafe { libc::read(fd, (&mut b as *mut u8).cast(), 1) };
}

/// In a forked child: a grandchild that exits at once, reaped.
fn child_fork_and_reap() {
    // SAFETY: fork, _exit and waitpid are async-signal-safe.
    unsafe {
        let g = libc::fork();
        if g == 0 {
            libc::_exit(0);
        }
        if g > 0 {
            libc::waitpid(g, core::ptr::null_mut(), 0);
        }
    }
}

fn fork() -> libc::pid_t {
    // SAFETY: the callers' children call only async-signal-safe functions.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork: {}", Errno::last());
    pid
}

fn reap(pid: libc::pid_t) -> i32 {
    let mut st = 0;
    // SAFETY: waiting for our own child; `st` is writable.
    let r = unsafe { libc::waitpid(pid, &mut st, 0) };
    assert_eq!(r, pid, "the child is still there to reap: {}", Errno::last());
    st
}

/// The next EVFILT_PROC event on `pid`.
fn next(kq: &Kqueue, pid: libc::pid_t) -> KEvent {
    wait_for(kq, Filter::Proc, pid as usize, SOON).unwrap_or_else(|| panic!("no event for {pid}"))
}

#[test]
fn a_process_forks_twice_and_execs_once() {
    if !available("a_process_forks_twice_and_execs_once") {
        return;
    }
    let (go_r, go_w) = pipe();
    let sh = CString::new("/bin/sleep").unwrap();
    let arg = CString::new("1000").unwrap();
    let argv = [sh.as_ptr(), arg.as_ptr(), core::ptr::null()];
    let pid = fork();
    if pid == 0 {
        let go = go_r.as_raw_fd();
        child_keep_only(&[go]);
        child_wait(go);
        child_fork_and_reap();
        child_wait(go);
        child_fork_and_reap();
        child_wait(go);
        // SAFETY: execv with NUL-terminated strings made before the fork.
        unsafe {
            libc::execv(sh.as_ptr(), argv.as_ptr());
            libc::_exit(127);
        }
    }
    drop(go_r);
    let kq = kq();
    // Apple reports the exit status only when asked.
    #[cfg(target_vendor = "apple")]
    let exit = note::proc::EXIT | note::proc::EXITSTATUS;
    #[cfg(not(target_vendor = "apple"))]
    let exit = note::proc::EXIT;
    let watch = KEvent::proc(pid, note::proc::FORK | note::proc::EXEC | exit)
        .add()
        .with_udata(9);
    kq.register(&[watch]).expect("register");
    assert_quiet(&kq, Filter::Proc, pid as usize);
    // Two forks, each reported on its own: the child waits for us between.
    for i in 0..2 {
        put(&go_w);
        let ev = next(&kq, pid);
        assert_eq!(ev.fflags(), note::proc::FORK, "fork {i}: {ev:?}");
        assert_eq!(ev.udata(), 9);
        assert!(
            ev.flags().contains(EvFlags::CLEAR),
            "automatic EV_CLEAR: {:?}",
            ev.flags()
        );
        assert!(!ev.flags().contains(EvFlags::EOF));
        // Edge-triggered: nothing more until the next fork.
        assert_quiet(&kq, Filter::Proc, pid as usize);
    }
    put(&go_w);
    let ev = next(&kq, pid);
    assert_eq!(ev.fflags(), note::proc::EXEC, "{ev:?}");
    // SAFETY: terminating our own child (now running sleep).
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let ev = next(&kq, pid);
    assert_ne!(ev.fflags() & note::proc::EXIT, 0, "{ev:?}");
    assert_eq!(ev.fflags() & (note::proc::FORK | note::proc::EXEC), 0, "{ev:?}");
    assert!(ev.flags().contains(EvFlags::EOF));
    let st = ev.data() as i32;
    assert!(libc::WIFSIGNALED(st) && libc::WTERMSIG(st) == libc::SIGTERM, "{st:#x}");
    // Not reaped by the watcher.
    assert!(libc::WIFSIGNALED(reap(pid)));
    assert_quiet(&kq, Filter::Proc, pid as usize);
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn a_tracked_tree_three_levels_deep_reports_every_child() {
    if !available("a_tracked_tree_three_levels_deep_reports_every_child") {
        return;
    }
    let (go_r, go_w) = pipe();
    let (rel_r, rel_w) = pipe();
    // The pid of B, written by A, and of C, written by B.
    let (b_r, b_w) = pipe();
    let (c_r, c_w) = pipe();
    let a = fork();
    if a == 0 {
        let (go, rel) = (go_r.as_raw_fd(), rel_r.as_raw_fd());
        let (b_out, c_out) = (b_w.as_raw_fd(), c_w.as_raw_fd());
        child_keep_only(&[go, rel, b_out, c_out]);
        std::mem::forget((go_r, rel_r, rel_w, b_w, c_w, go_w, b_r, c_r));
        child_wait(go);
        // SAFETY: async-signal-safe calls only (fork, write, read,
        // waitpid, _exit); `rel_w` is closed in every member of the tree,
        // so the release is the test's close of its end.
        unsafe {
            let b = libc::fork();
            if b == 0 {
                let c = libc::fork();
                if c == 0 {
                    child_wait(rel);
                    libc::_exit(0);
                }
                libc::write(c_out, (&c as *const libc::pid_t).cast(), 4);
                child_wait(rel);
                libc::waitpid(c, core::ptr::null_mut(), 0);
                libc::_exit(0);
            }
            libc::write(b_out, (&b as *const libc::pid_t).cast(), 4);
            child_wait(rel);
            libc::waitpid(b, core::ptr::null_mut(), 0);
            libc::_exit(5);
        }
    }
    drop((go_r, rel_r, b_w, c_w));
    let kq = kq();
    let track = note::proc::TRACK | note::proc::FORK | note::proc::EXIT;
    let watch = KEvent::proc(a, track).add().with_udata(0x77);
    kq.register(&[watch]).expect("register");
    put(&go_w);
    let read_pid = |fd: &OwnedFd| {
        let mut b = [0u8; 4];
        // SAFETY: reading 4 bytes into a live buffer.
        let n = unsafe { libc::read(fd.as_raw_fd(), b.as_mut_ptr().cast(), 4) };
        assert_eq!(n, 4);
        libc::pid_t::from_ne_bytes(b)
    };
    let (b, c) = (read_pid(&b_r), read_pid(&c_r));
    // Every event of the tree until each child has said NOTE_CHILD and
    // A and B have said NOTE_FORK.
    let mut seen: Vec<KEvent> = Vec::new();
    let want_child = |seen: &[KEvent], who: libc::pid_t, parent: libc::pid_t| {
        seen.iter()
            .any(|e| e.ident() == who as usize && e.fflags() == note::proc::CHILD && e.data() == i64::from(parent))
    };
    let forked = |seen: &[KEvent], who: libc::pid_t| {
        seen.iter()
            .any(|e| e.ident() == who as usize && e.fflags() & note::proc::FORK != 0)
    };
    let end = Instant::now() + SOON;
    while !(want_child(&seen, b, a) && want_child(&seen, c, b) && forked(&seen, a) && forked(&seen, b)) {
        assert!(Instant::now() < end, "tree not reported; seen {seen:?}");
        let mut ev = [KEvent::zeroed(); 8];
        let n = kq.wait(&mut ev, Some(Duration::from_millis(200))).expect("kevent");
        seen.extend(ev[..n].iter().filter(|e| e.filter() == Filter::Proc));
    }
    for e in &seen {
        // Every event carries the watched knote's udata and flags.
        assert_eq!(e.udata(), 0x77, "{e:?}");
        assert!(e.flags().contains(EvFlags::CLEAR));
        assert_eq!(e.fflags() & note::proc::TRACKERR, 0, "a child went untracked: {e:?}");
        assert!(e.fflags() & note::proc::EXIT == 0, "nobody exited yet: {e:?}");
    }
    // Release the tree: C, then B, then A exit, each reported.
    drop(rel_w);
    let exits = wait_exits(&kq, &[a, b, c]);
    for (pid, e) in [a, b, c].iter().zip(&exits) {
        assert!(e.fflags() & note::proc::EXIT != 0, "{pid}: {e:?}");
        assert!(e.flags().contains(EvFlags::EOF | EvFlags::ONESHOT));
    }
    // A is our child: its status is known; B and C are not ours.
    assert_eq!(libc::WEXITSTATUS(exits[0].data() as i32), 5);
    assert_eq!(libc::WEXITSTATUS(reap(a)), 5);
    for p in [a, b, c] {
        assert_quiet(&kq, Filter::Proc, p as usize);
    }
}

/// Waits for an EVFILT_PROC event with NOTE_EXIT for each pid.
#[cfg(not(target_vendor = "apple"))]
fn wait_exits(kq: &Kqueue, pids: &[libc::pid_t]) -> Vec<KEvent> {
    let mut got: Vec<Option<KEvent>> = vec![None; pids.len()];
    let end = Instant::now() + SOON;
    while got.iter().any(Option::is_none) {
        assert!(Instant::now() < end, "exits not all seen: {got:?}");
        let mut ev = [KEvent::zeroed(); 8];
        let n = kq.wait(&mut ev, Some(Duration::from_millis(200))).expect("kevent");
        for e in &ev[..n] {
            if e.filter() == Filter::Proc && e.fflags() & note::proc::EXIT != 0 {
                if let Some(i) = pids.iter().position(|&p| p as usize == e.ident()) {
                    got[i] = Some(*e);
                }
            }
        }
    }
    got.into_iter().flatten().collect()
}

#[test]
fn two_queues_both_see_the_fork() {
    if !available("two_queues_both_see_the_fork") {
        return;
    }
    let (go_r, go_w) = pipe();
    let pid = fork();
    if pid == 0 {
        let go = go_r.as_raw_fd();
        child_keep_only(&[go]);
        child_wait(go);
        child_fork_and_reap();
        child_wait(go);
        // SAFETY: async-signal-safe.
        unsafe { libc::_exit(0) };
    }
    drop(go_r);
    let (k1, k2) = (kq(), kq());
    let ev = KEvent::proc(pid, note::proc::FORK).add();
    k1.register(&[ev]).expect("register");
    k2.register(&[ev])
        .expect("the second queue shares the first one's subscription");
    put(&go_w);
    // The first queue reads the shared socket and hands the event to the
    // second, whose descriptor becomes readable.
    let e1 = next(&k1, pid);
    assert_eq!(e1.fflags(), note::proc::FORK);
    let mut p = libc::pollfd {
        fd: std::os::fd::AsFd::as_fd(&k2).as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    let ready = unsafe { libc::poll(&mut p, 1, 10_000) };
    assert_eq!(ready, 1, "the second queue was woken");
    let e2 = next(&k2, pid);
    assert_eq!(e2.fflags(), note::proc::FORK);
    drop(go_w);
    assert_eq!(reap(pid), 0);
}

#[test]
fn bad_input() {
    let kq = kq();
    // No such process.
    let gone = KEvent::proc(0x3fff_fff0, note::proc::FORK).add();
    match kq.register(&[gone]) {
        Err(Errno::ESRCH) => {}
        Err(e @ (Errno::EPERM | Errno::ENOTSUP)) => println!("bad_input: connector refused ({e})"),
        r => panic!("{r:?}"),
    }
    // The output-only notes, and bits no platform defines, are refused.
    #[cfg(target_os = "linux")]
    {
        let me = std::process::id() as libc::pid_t;
        for bits in [note::proc::CHILD, note::proc::TRACKERR, 0x0100_0000] {
            let ev = KEvent::proc(me, note::proc::EXIT | bits).add();
            assert_eq!(kq.register(&[ev]), Err(Errno::EINVAL), "{bits:#x}");
        }
        // A NOTE_EXIT knote can be widened to NOTE_FORK by a second EV_ADD,
        // and narrowed back.
        if !available("bad_input") {
            return;
        }
        let (go_r, go_w) = pipe();
        let pid = fork();
        if pid == 0 {
            child_keep_only(&[go_r.as_raw_fd()]);
            child_wait(go_r.as_raw_fd());
            child_fork_and_reap();
            child_wait(go_r.as_raw_fd());
            // SAFETY: async-signal-safe.
            unsafe { libc::_exit(0) };
        }
        drop(go_r);
        kq.register(&[KEvent::proc_exit(pid).add()]).unwrap();
        let widened = KEvent::proc(pid, note::proc::EXIT | note::proc::FORK).add();
        kq.register(&[widened]).expect("widen");
        assert_eq!(
            kq.register(&[KEvent::proc(pid, note::proc::EXIT | note::proc::CHILD).add()]),
            Err(Errno::EINVAL)
        );
        put(&go_w);
        assert_eq!(next(&kq, pid).fflags(), note::proc::FORK);
        kq.register(&[KEvent::proc(pid, note::proc::EXIT).add()]).unwrap();
        drop(go_w);
        let ev = next(&kq, pid);
        assert_eq!(ev.fflags(), note::proc::EXIT, "{ev:?}");
        reap(pid);
    }
}

/// The kernel's own answer to a listen request on a raw connector socket:
/// `Ok(0)` allowed, `Ok(errno)` refused in the acknowledgement, `Err`
/// refused earlier (or no answer: EPERM) or no connector (ENOTSUP).
#[cfg(target_os = "linux")]
fn raw_listen_answer() -> Result<u32, Errno> {
    use std::os::fd::FromRawFd;
    // SAFETY: socket takes no pointers.
    let fd = unsafe {
        libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
            libc::NETLINK_CONNECTOR,
        )
    };
    if fd < 0 {
        return Err(Errno::ENOTSUP);
    }
    // SAFETY: a fresh descriptor.
    let sock = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: all-zero is a valid sockaddr_nl.
    let mut sa: libc::sockaddr_nl = unsafe { core::mem::zeroed() };
    sa.nl_family = libc::AF_NETLINK as libc::sa_family_t;
    sa.nl_groups = 1; // CN_IDX_PROC
    let salen = core::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;
    // SAFETY: `sa` is a valid sockaddr_nl.
    if unsafe { libc::bind(fd, (&sa as *const libc::sockaddr_nl).cast(), salen) } != 0 {
        return Err(Errno::last());
    }
    // nlmsghdr (len, NLMSG_DONE, 0, seq, 0), cn_msg (1, 1, seq, ack,
    // len 4, 0), PROC_CN_MCAST_LISTEN. The answer carries `ack + 1` (the
    // kernel replaces `seq` with a counter of its own).
    let seq: u32 = 0;
    let ack: u32 = 0x7e57_0000 | (std::process::id() & 0xffff);
    let mut req = Vec::new();
    req.extend_from_slice(&40u32.to_ne_bytes());
    req.extend_from_slice(&3u16.to_ne_bytes());
    req.extend_from_slice(&0u16.to_ne_bytes());
    req.extend_from_slice(&seq.to_ne_bytes());
    req.extend_from_slice(&0u32.to_ne_bytes());
    for w in [1u32, 1, seq, ack] {
        req.extend_from_slice(&w.to_ne_bytes());
    }
    req.extend_from_slice(&4u16.to_ne_bytes());
    req.extend_from_slice(&0u16.to_ne_bytes());
    req.extend_from_slice(&1u32.to_ne_bytes());
    sa.nl_groups = 0;
    // SAFETY: the request and the address are live for the call.
    let w = unsafe {
        libc::sendto(
            fd,
            req.as_ptr().cast(),
            req.len(),
            0,
            (&sa as *const libc::sockaddr_nl).cast(),
            salen,
        )
    };
    if w < 0 {
        return Err(Errno::last());
    }
    let mut buf = [0u8; 4096];
    let word = |b: &[u8], at: usize| u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    loop {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        if unsafe { libc::poll(&mut p, 1, 2000) } != 1 {
            return Err(Errno::EPERM); // the kernel ignored the request
        }
        // SAFETY: reading into a live buffer.
        let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) };
        if n < 56 {
            continue;
        }
        let b = &buf[..n as usize];
        // An acknowledgement (what = 0) of our request.
        if word(b, 36) == 0 && word(b, 28) == ack + 1 {
            drop(sock);
            return Ok(word(b, 52));
        }
    }
}

/// Dropped to nobody in a fresh process: the kernel's answer decides what
/// adding NOTE_FORK must give, and the test checks it gives exactly that.
#[cfg(target_os = "linux")]
#[test]
fn unprivileged_listener_gets_what_the_kernel_says() {
    const ALLOWED: i32 = 10;
    const REFUSED: i32 = 11;
    const NO_CONNECTOR: i32 = 12;
    let st = in_child_status("unprivileged_listener_gets_what_the_kernel_says", || {
        // SAFETY: changing this (fresh, single-purpose) process's ids.
        unsafe {
            if libc::geteuid() == 0 {
                assert_eq!(libc::setgroups(0, core::ptr::null()), 0);
                assert_eq!(libc::setgid(65534), 0);
                assert_eq!(libc::setuid(65534), 0);
            }
        }
        let answer = raw_listen_answer();
        let kq = kq();
        let me = std::process::id() as libc::pid_t;
        let r = kq.register(&[KEvent::proc(me, note::proc::FORK).add()]);
        let code = match answer {
            Ok(0) => {
                assert_eq!(r, Ok(()), "the kernel allowed the raw listener");
                // And it works: our own fork is reported.
                let status = std::process::Command::new("/bin/true").status().expect("spawn");
                assert!(status.success());
                let ev = next(&kq, me);
                assert_eq!(ev.fflags(), note::proc::FORK);
                ALLOWED
            }
            Err(Errno::ENOTSUP) => {
                assert_eq!(r, Err(Errno::ENOTSUP));
                NO_CONNECTOR
            }
            Ok(_) | Err(_) => {
                assert_eq!(r, Err(Errno::EPERM), "the kernel refused the raw listener ({answer:?})");
                // NOTE_EXIT alone still works.
                kq.register(&[KEvent::proc_exit(me).add()]).expect("NOTE_EXIT");
                REFUSED
            }
        };
        std::process::exit(code);
    });
    let Some(st) = st else {
        return;
    };
    match st.code() {
        Some(ALLOWED) => println!("this kernel allows unprivileged process-event listeners: NOTE_FORK works as nobody"),
        Some(REFUSED) => println!("this kernel refuses unprivileged listeners: NOTE_FORK is EPERM as nobody"),
        Some(NO_CONNECTOR) => println!("this kernel has no process connector: NOTE_FORK is ENOTSUP"),
        _ => panic!("the unprivileged child failed: {st:?}"),
    }
}

/// In a fresh process: thread creations are not forks, and a queue with
/// connector knotes releases everything it opened.
#[cfg(target_os = "linux")]
#[test]
fn threads_are_not_forks_and_nothing_leaks() {
    in_child("threads_are_not_forks_and_nothing_leaks", || {
        let count = || std::fs::read_dir("/proc/self/fd").unwrap().count();
        let before = count();
        let me = std::process::id() as libc::pid_t;
        {
            let kq = kq();
            if register_or_skip(
                &kq,
                KEvent::proc(me, note::proc::FORK | note::proc::TRACK).add(),
                "threads_are_not_forks_and_nothing_leaks",
            )
            .is_none()
            {
                return;
            }
            std::thread::spawn(|| ()).join().unwrap();
            assert_quiet(&kq, Filter::Proc, me as usize);
            let child = std::process::Command::new("/bin/true").spawn().expect("spawn");
            let cpid = child.id() as libc::pid_t;
            // Our NOTE_FORK, and the tracked child's NOTE_CHILD (it may
            // be a zombie already: its pidfd still opens), which may come
            // in the same call.
            let seen = wait_all(&kq, Filter::Proc, &[me as usize, cpid as usize], SOON);
            assert_eq!(seen[0].fflags(), note::proc::FORK, "{seen:?}");
            assert_eq!((seen[1].fflags(), seen[1].data()), (note::proc::CHILD, i64::from(me)));
            let mut child = child;
            child.wait().unwrap();
            // Once no knote needs the connector, the queue lets its socket
            // go (the queue itself keeps its epoll and its wake eventfd).
            let gone = |p: libc::pid_t| KEvent::new(p as usize, Filter::Proc, EvFlags::DELETE, 0, 0, 0);
            // The child's knote may have gone with its exit already.
            let _ = kq.register(&[gone(cpid)]);
            kq.register(&[gone(me)]).expect("delete");
            let _ = poll(&kq);
            assert_eq!(count(), before + 2, "the connector socket outlived its last knote");
        }
        assert_eq!(count(), before, "descriptors left open");
    });
}

/// Waits until `pid` (our child) is a zombie, without reaping it.
#[cfg(any(target_os = "linux", target_os = "freebsd"))]
fn until_zombie(pid: libc::pid_t) {
    // SAFETY: all-zero is a valid siginfo_t.
    let mut info: libc::siginfo_t = unsafe { core::mem::zeroed() };
    // SAFETY: waitid with WNOWAIT on our child; `info` is writable.
    let r = unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, libc::WEXITED | libc::WNOWAIT) };
    assert_eq!(r, 0, "waitid: {}", Errno::last());
}

/// FreeBSD's `filt_proc` at the exit: what is pending goes out with
/// `EV_EOF`; with nothing pending and no NOTE_EXIT, the knote goes
/// silently. (Other BSDs' `filt_proc` may differ: FreeBSD is the
/// reference.)
#[cfg(any(target_os = "linux", target_os = "freebsd"))]
#[test]
fn the_exit_ends_a_knote_without_note_exit() {
    if !available("the_exit_ends_a_knote_without_note_exit") {
        return;
    }
    for fork_first in [true, false] {
        let (go_r, go_w) = pipe();
        let pid = fork();
        if pid == 0 {
            child_keep_only(&[go_r.as_raw_fd()]);
            child_wait(go_r.as_raw_fd());
            if fork_first {
                child_fork_and_reap();
            }
            // SAFETY: async-signal-safe.
            unsafe { libc::_exit(0) };
        }
        drop(go_r);
        let kq = kq();
        let watch = KEvent::proc(pid, note::proc::FORK).add();
        kq.register(&[watch]).expect("register");
        put(&go_w);
        // Both the fork and the exit have happened before we look.
        until_zombie(pid);
        if fork_first {
            let ev = next(&kq, pid);
            assert_eq!(ev.fflags(), note::proc::FORK, "{ev:?}");
            assert!(ev.flags().contains(EvFlags::EOF | EvFlags::ONESHOT), "{ev:?}");
        } else {
            assert_quiet(&kq, Filter::Proc, pid as usize);
        }
        // Gone either way.
        let del = KEvent::new(pid as usize, Filter::Proc, EvFlags::DELETE, 0, 0, 0);
        assert_eq!(kq.register(&[del]), Err(Errno::ENOENT));
        assert_eq!(reap(pid), 0);
    }
}

/// Linux only (natively the child is attached inside `fork`): a tracked
/// child that was already reaped when its parent's fork is read cannot be
/// attached, and the parent says so with NOTE_TRACKERR.
#[cfg(target_os = "linux")]
#[test]
fn a_child_gone_before_its_fork_is_read_is_a_trackerr() {
    if !available("a_child_gone_before_its_fork_is_read_is_a_trackerr") {
        return;
    }
    let (go_r, go_w) = pipe();
    let (done_r, done_w) = pipe();
    let pid = fork();
    if pid == 0 {
        let (go, done) = (go_r.as_raw_fd(), done_w.as_raw_fd());
        child_keep_only(&[go, done]);
        child_wait(go);
        // A child that exits and is reaped at once, then a word to the
        // test, then wait for the end.
        child_fork_and_reap();
        // SAFETY: async-signal-safe calls only.
        unsafe {
            libc::close(done);
            child_wait(go);
            libc::_exit(0);
        }
    }
    drop((go_r, done_w));
    let kq = kq();
    let watch = KEvent::proc(pid, note::proc::FORK | note::proc::TRACK).add();
    kq.register(&[watch]).expect("register");
    put(&go_w);
    // The grandchild is reaped before this queue reads the fork.
    assert_eq!(read_bytes(&done_r, 1), 0, "end of file once it is reaped");
    let ev = next(&kq, pid);
    assert_eq!(ev.fflags(), note::proc::FORK | note::proc::TRACKERR, "{ev:?}");
    drop(go_w);
    assert_eq!(reap(pid), 0);
}

/// A fork while another thread is inside the connector (subscribing,
/// reading, leaving): the child can still watch processes. The lock that
/// thread held is released in the child's copy, not left held forever.
/// Each child has an alarm, so a hang fails the test instead of stalling
/// it.
#[cfg(target_os = "linux")]
#[test]
fn a_fork_while_another_thread_is_in_the_connector_leaves_the_child_working() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let test = "a_fork_while_another_thread_is_in_the_connector_leaves_the_child_working";
    in_child(test, || {
        if !available(test) {
            return;
        }
        let me = std::process::id() as libc::pid_t;
        let stop = Arc::new(AtomicBool::new(false));
        let busy = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let kq = kq();
                let gone = KEvent::new(me as usize, Filter::Proc, EvFlags::DELETE, 0, 0, 0);
                while !stop.load(Ordering::Relaxed) {
                    // Joining opens the shared socket (and waits for the
                    // kernel's answer) under the connector's lock; leaving
                    // closes it.
                    kq.register(&[KEvent::proc(me, note::proc::FORK).add()]).expect("add");
                    let mut evs = [KEvent::default(); 8];
                    let _ = kq.wait(&mut evs, Some(Duration::ZERO));
                    kq.register(&[gone]).expect("delete");
                }
            })
        };
        for round in 0..200 {
            let pid = fork();
            if pid == 0 {
                // The child (glibc makes malloc usable after fork; the
                // connector is what is under test).
                // SAFETY: alarm takes no pointers.
                unsafe { libc::alarm(10) };
                // SAFETY: getpid takes no arguments.
                let child = unsafe { libc::getpid() };
                let code =
                    match Kqueue::new().and_then(|kq| kq.register(&[KEvent::proc(child, note::proc::EXEC).add()])) {
                        Ok(()) => 0,
                        Err(_) => 1,
                    };
                // SAFETY: leaving the child without running the parent's
                // destructors or atexit handlers.
                unsafe { libc::_exit(code) };
            }
            let st = reap(pid);
            assert!(
                libc::WIFEXITED(st) && libc::WEXITSTATUS(st) == 0,
                "round {round}: the child hung or failed (status {st:#x})"
            );
        }
        stop.store(true, Ordering::Relaxed);
        busy.join().unwrap();
    });
}
