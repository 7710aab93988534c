//! The `event` section: `bsd-event` live on this machine — a timer's
//! counts, a user event from another thread, a child's exit status, a file
//! write as a vnode event, a pipe's readable bytes — then `Kqueue::kevent`
//! against raw epoll, `mio` and (when installed) libkqueue.

use crate::{Compare, Report};
use bsd_event::{Filter, KEvent, Kqueue, VnodeEvents};
use std::io::Write;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Runs the section.
pub fn run(r: &mut Report) {
    r.section("event", "bsd-event");
    if let Err(e) = narrative(r) {
        r.failed("live demonstration", &e);
    }
    let lib = ops::LibKqueue::load();
    match &lib {
        Some(_) => r.say(format_args!("   libkqueue: found, measured alongside")),
        None => r.say(format_args!(
            "   libkqueue: libkqueue.so.0 not found (Debian bookworm does not package it): no libkqueue rows"
        )),
    }
    single_ready(r, 1, lib.as_ref());
    single_ready(r, 1000, lib.as_ref());
    rotating_ready(r);
    ten_ready(r);
    hundred_ready(r);
    churn(r);
    cpu_time(r);
    timer(r);
    user_wake(r);
    ping_pong(r);
}

/// This section's time for a comparison: `ms`, or less when the run asks
/// for less (`--quick` sets `BSD_BENCH_BUDGET_MS`).
fn budget(ms: u64) -> Duration {
    let cap = std::env::var("BSD_BENCH_BUDGET_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(u64::MAX);
    Duration::from_millis(ms.min(cap))
}

fn narrative(r: &mut Report) -> Result<(), Box<dyn std::error::Error>> {
    let kq = Kqueue::new()?;
    let mut ev = [KEvent::zeroed(); 8];

    // A periodic timer, three deliveries with their expiration counts.
    kq.register(&[KEvent::timer(1, Duration::from_millis(5)).add()])?;
    let mut counts = Vec::new();
    std::thread::sleep(Duration::from_millis(12));
    while counts.len() < 3 {
        let n = kq.wait(&mut ev, Some(Duration::from_secs(5)))?;
        counts.extend(ev[..n].iter().filter(|e| e.filter() == Filter::Timer).map(|e| e.data()));
    }
    kq.register(&[KEvent::timer(1, Duration::ZERO).delete()])?;
    r.say(format_args!(
        "   timer 5 ms fired 3 times; expirations per delivery: {counts:?} (slept 12 ms before the first)"
    ));

    // A user event triggered from another thread wakes this one.
    kq.register(&[KEvent::user(2).add().clear()])?;
    let kq = std::sync::Arc::new(kq);
    let k2 = std::sync::Arc::clone(&kq);
    let t0 = Instant::now();
    let trigger = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(10));
        k2.register(&[KEvent::trigger(2, bsd_event::note::user::FFCOPY | 0x2a).with_udata(7)])
    });
    let n = kq.wait(&mut ev, Some(Duration::from_secs(5)))?;
    trigger.join().map_err(|_| "trigger thread panicked")??;
    if let Some(e) = ev[..n].iter().find(|e| e.filter() == Filter::User) {
        r.say(format_args!(
            "   user event 2 triggered from another thread: woke after {:.1} ms, fflags {:#x}, udata {}",
            t0.elapsed().as_secs_f64() * 1e3,
            e.fflags(),
            e.udata()
        ));
    }

    // A child's exit, seen without reaping it.
    let child = std::process::Command::new("/bin/sh").args(["-c", "exit 3"]).spawn()?;
    let pid = child.id() as libc::pid_t;
    kq.register(&[KEvent::proc_exit(pid).add()])?;
    let n = kq.wait(&mut ev, Some(Duration::from_secs(5)))?;
    if let Some(e) = ev[..n].iter().find(|e| e.filter() == Filter::Proc) {
        let st = e.data() as i32;
        let mut child = child;
        let reaped = child.wait()?;
        r.say(format_args!(
            "   child {pid} exited: status word {:#x} (exit code {}), flags {:?}; waitpid afterwards: {reaped}",
            e.data(),
            libc::WEXITSTATUS(st),
            e.flags()
        ));
    }

    // A file write, seen as a vnode event.
    let path = std::env::temp_dir().join(format!("bsd-event-report-{}", std::process::id()));
    std::fs::write(&path, b"before")?;
    let f = std::fs::File::open(&path)?;
    kq.register(&[KEvent::vnode(&f, VnodeEvents::WRITE | VnodeEvents::EXTEND)
        .add()
        .clear()])?;
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)?
        .write_all(b", after")?;
    let n = kq.wait(&mut ev, Some(Duration::from_secs(5)))?;
    if let Some(e) = ev[..n].iter().find(|e| e.filter() == Filter::Vnode) {
        r.say(format_args!(
            "   appended to {}: vnode event {:?}",
            path.display(),
            VnodeEvents::from_bits_retain(e.fflags())
        ));
    }
    std::fs::remove_file(&path)?;
    drop(f);

    // A pipe with bytes in it.
    let (rd, wr) = ops::pipe()?;
    ops::write_n(&wr, 42);
    kq.register(&[KEvent::read(&rd).add()])?;
    let n = kq.wait(&mut ev, Some(Duration::from_secs(5)))?;
    if let Some(e) = ev[..n].iter().find(|e| e.filter() == Filter::Read) {
        r.say(format_args!(
            "   pipe with 42 bytes written: EVFILT_READ data {}",
            e.data()
        ));
    }
    lifecycle(r, &kq)?;
    Ok(())
}

/// Process and file lifecycle events: a process descriptor's exit
/// (EVFILT_PROCDESC) and a file's open, read and close notes.
#[cfg(any(target_os = "linux", target_os = "freebsd"))]
fn lifecycle(r: &mut Report, kq: &Kqueue) -> Result<(), Box<dyn std::error::Error>> {
    use bsd_proc::{Forked, ProcessDescriptor};
    use std::io::Read;
    use std::os::fd::AsRawFd;
    let mut ev = [KEvent::zeroed(); 8];

    // A child held by a process descriptor, killed, its exit seen by the
    // queue, then reaped through the descriptor.
    // SAFETY: the child only waits in pause() (async-signal-safe) until the
    // signal ends it.
    let pd = match unsafe { ProcessDescriptor::fork() }? {
        // SAFETY: async-signal-safe calls only.
        Forked::Child => unsafe {
            loop {
                libc::pause();
            }
        },
        Forked::Parent(pd) => pd,
    };
    let pid = pd.pid()?;
    kq.register(&[KEvent::procdesc(&pd).add()])?;
    pd.kill(libc::SIGTERM)?;
    let id = pd.as_raw_fd() as usize;
    let mut seen = None;
    while seen.is_none() {
        let n = kq.wait(&mut ev, Some(Duration::from_secs(5)))?;
        if n == 0 {
            return Err("no EVFILT_PROCDESC event within 5 s".into());
        }
        seen = ev[..n]
            .iter()
            .find(|e| e.filter() == Filter::PROCDESC && e.ident() == id)
            .copied();
    }
    if let Some(e) = seen {
        let reaped = pd.wait()?;
        r.say(format_args!(
            "   process descriptor of child {pid} after kill(SIGTERM): EVFILT_PROCDESC fflags {:#x}, status word {:#x} (signal {}), flags {:?}; wait through the descriptor afterwards: {reaped:?}",
            e.fflags(),
            e.data(),
            libc::WTERMSIG(e.data() as i32),
            e.flags()
        ));
    }

    // A file opened, read and closed, watched for the access notes.
    let path = std::env::temp_dir().join(format!("bsd-event-report-access-{}", std::process::id()));
    std::fs::write(&path, b"contents")?;
    let f = std::fs::File::open(&path)?;
    let access = VnodeEvents::OPEN | VnodeEvents::READ | VnodeEvents::CLOSE | VnodeEvents::CLOSE_WRITE;
    kq.register(&[KEvent::vnode(&f, access).add().clear()])?;
    let vid = f.as_raw_fd() as usize;
    let mut steps = Vec::new();
    let mut reader = None;
    for step in ["open", "read", "close"] {
        match step {
            "open" => reader = Some(std::fs::File::open(&path)?),
            "read" => {
                let mut s = String::new();
                if let Some(rd) = reader.as_mut() {
                    rd.read_to_string(&mut s)?;
                }
            }
            _ => drop(reader.take()),
        }
        let n = kq.wait(&mut ev, Some(Duration::from_secs(5)))?;
        let notes = ev[..n]
            .iter()
            .filter(|e| e.filter() == Filter::Vnode && e.ident() == vid)
            .fold(VnodeEvents::empty(), |a, e| {
                a | VnodeEvents::from_bits_retain(e.fflags())
            });
        steps.push(format!("{step} -> {notes:?}"));
    }
    r.say(format_args!(
        "   file watched for OPEN|READ|CLOSE|CLOSE_WRITE: {}",
        steps.join(", ")
    ));
    drop(f);
    std::fs::remove_file(&path)?;
    super::event_proc::lines(r, kq)
}

#[cfg(not(any(target_os = "linux", target_os = "freebsd")))]
fn lifecycle(_r: &mut Report, _kq: &Kqueue) -> Result<(), Box<dyn std::error::Error>> {
    Ok(())
}

fn single_ready(r: &mut Report, registered: usize, lib: Option<&ops::LibKqueue>) {
    let name = format!("1 ready of {registered} registered: write 1 B, wait(0), read");
    let all = (|| -> Result<_, Box<dyn std::error::Error>> {
        Ok((
            ops::Single::ours(registered, true)?,
            ops::Single::ours(registered, false)?,
            ops::Single::raw(registered, false)?,
            ops::Single::raw(registered, true)?,
            ops::Single::mio(registered)?,
        ))
    })();
    let (mut ours, mut lazy, mut raw, mut counted, mut mio) = match all {
        Ok(x) => x,
        Err(e) => {
            r.failed(&name, &e);
            return;
        }
    };
    let mut libk = lib.and_then(|l| ops::Single::libkqueue(l, registered).ok());
    let mut cmp = Compare::new("event", name)
        .budget(budget(1500))
        .ours("bsd-event", || ours.op())
        .ours("bsd-event, set_exact_data(false)", || lazy.op())
        .raw("epoll_wait", || raw.op())
        .peer("mio", || mio.op())
        .peer("epoll_wait+FIONREAD", || counted.op());
    if let Some(l) = libk.as_mut() {
        cmp = cmp.peer("libkqueue", move || l.op());
    }
    r.compare(cmp);
}

fn rotating_ready(r: &mut Report) {
    let name = "1 ready of 1000, a different one each time: write 1 B, wait(0), read";
    match (
        ops::Rotate::ours(true),
        ops::Rotate::ours(false),
        ops::Rotate::raw(),
        ops::Rotate::mio(),
    ) {
        (Ok(mut a), Ok(mut l), Ok(mut b), Ok(mut c)) => r.compare(
            Compare::new("event", name)
                .budget(budget(1500))
                .ours("bsd-event", move || a.op())
                .ours("bsd-event, set_exact_data(false)", move || l.op())
                .raw("epoll_wait", move || b.op())
                .peer("mio", move || c.op()),
        ),
        _ => r.failed(name, &"setup failed"),
    }
}

fn hundred_ready(r: &mut Report) {
    let name = "100 ready of 10 000: 100 writes, one wait returning 100, 100 reads";
    let set = match ops::Shared::new(5000, 100) {
        Ok(s) => Rc::new(s),
        Err(e) => return r.failed(name, &e),
    };
    match (
        ops::Hundred::ours(&set, true),
        ops::Hundred::ours(&set, false),
        ops::Hundred::raw(&set),
        ops::Hundred::mio(&set),
    ) {
        (Ok(mut a), Ok(mut l), Ok(mut b), Ok(mut c)) => r.compare(
            Compare::new("event", name)
                .budget(budget(1500))
                .ours("bsd-event", move || a.op())
                .ours("bsd-event, set_exact_data(false)", move || l.op())
                .raw("epoll_wait", move || b.op())
                .peer("mio", move || c.op()),
        ),
        _ => r.failed(name, &"setup failed"),
    }
}

fn churn(r: &mut Report) {
    let name = "register then deregister 1000 descriptors (one changelist each way)";
    match (ops::Churn::ours(), ops::Churn::raw(), ops::Churn::mio()) {
        (Ok(mut a), Ok(mut b), Ok(mut c)) => r.compare(
            Compare::new("event", name)
                .budget(budget(1500))
                .ours("bsd-event", move || a.op())
                .raw("epoll_ctl ADD+DEL", move || b.op())
                .peer("mio", move || c.op()),
        ),
        _ => r.failed(name, &"setup failed"),
    }
}

/// The single-thread rows again, timed by the thread's CPU time as well as
/// wall time (a shared machine swings wall time by ±50%), with the spread.
fn cpu_time(r: &mut Report) {
    r.say(format_args!(
        "   thread CPU time and wall time per operation, interleaved rounds: median [p10–p90]; ratio = ÷ the first row, per round"
    ));
    type Row = fn() -> Vec<(&'static str, Res<Op>)>;
    let rows: [(&str, Row); 4] = [
        ("1 ready of 1", || {
            vec![
                ("epoll_wait", boxed(ops::Single::raw(1, false), ops::Single::op)),
                ("bsd-event", boxed(ops::Single::ours(1, true), ops::Single::op)),
                (
                    "bsd-event, exact off",
                    boxed(ops::Single::ours(1, false), ops::Single::op),
                ),
                (
                    "bsd-event, reads data",
                    boxed(ops::Single::ours_reading_data(1), ops::Single::op),
                ),
                ("epoll_wait+FIONREAD", boxed(ops::Single::raw(1, true), ops::Single::op)),
                ("mio", boxed(ops::Single::mio(1), ops::Single::op)),
            ]
        }),
        ("1 ready of 1000, rotating", || {
            vec![
                ("epoll_wait", boxed(ops::Rotate::raw(), ops::Rotate::op)),
                ("bsd-event", boxed(ops::Rotate::ours(true), ops::Rotate::op)),
                ("bsd-event, exact off", boxed(ops::Rotate::ours(false), ops::Rotate::op)),
                (
                    "bsd-event, reads data",
                    boxed(ops::Rotate::ours_reading_data(), ops::Rotate::op),
                ),
                ("mio", boxed(ops::Rotate::mio(), ops::Rotate::op)),
            ]
        }),
        ("100 ready of 10 000", || {
            let set = match ops::Shared::new(5000, 100) {
                Ok(s) => Rc::new(s),
                Err(e) => return vec![("shared pipes", Err(e))],
            };
            vec![
                ("epoll_wait", boxed(ops::Hundred::raw(&set), ops::Hundred::op)),
                ("bsd-event", boxed(ops::Hundred::ours(&set, true), ops::Hundred::op)),
                (
                    "bsd-event, exact off",
                    boxed(ops::Hundred::ours(&set, false), ops::Hundred::op),
                ),
                ("mio", boxed(ops::Hundred::mio(&set), ops::Hundred::op)),
            ]
        }),
        ("add+delete 1000", || {
            vec![
                ("epoll_ctl ADD+DEL", boxed(ops::Churn::raw(), ops::Churn::op)),
                ("bsd-event", boxed(ops::Churn::ours(), ops::Churn::op)),
                ("mio", boxed(ops::Churn::mio(), ops::Churn::op)),
            ]
        }),
    ];
    for (name, make) in rows {
        let mut live = Vec::new();
        for (label, c) in make() {
            match c {
                Ok(f) => live.push((label, f)),
                Err(e) => r.failed(&format!("{name}: {label}"), &e),
            }
        }
        if live.len() >= 2 {
            for line in cpu::measure(&mut live, budget(2000)) {
                r.say(format_args!("   {name:<26} {line}"));
            }
        }
    }
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// One contestant's operation, boxed.
type Op = Box<dyn FnMut()>;

fn boxed<T: 'static>(x: Res<T>, op: fn(&mut T)) -> Res<Op> {
    let mut x = x?;
    Ok(Box::new(move || op(&mut x)))
}

/// Interleaved timing by wall clock and by `CLOCK_THREAD_CPUTIME_ID`.
mod cpu {
    use std::time::{Duration, Instant};

    fn thread_cpu() -> Duration {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `ts` is writable.
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    }

    fn pct(v: &mut [f64], p: f64) -> f64 {
        v.sort_by(f64::total_cmp);
        let i = ((v.len() - 1) as f64 * p).round() as usize;
        v.get(i).copied().unwrap_or(f64::NAN)
    }

    /// Times each contestant in rounds (A B C A B C …), the first being
    /// the floor; one line per contestant.
    pub fn measure(cs: &mut [(&str, super::Op)], budget: Duration) -> Vec<String> {
        // Batch size: about 100 µs of the floor.
        let t = Instant::now();
        let mut k = 0u32;
        while t.elapsed() < Duration::from_micros(100) || k < 4 {
            (cs[0].1)();
            k += 1;
        }
        for (_, f) in cs.iter_mut() {
            for _ in 0..k {
                f();
            }
        }
        let n = cs.len();
        let mut wall = vec![Vec::new(); n];
        let mut cpu = vec![Vec::new(); n];
        let start = Instant::now();
        while start.elapsed() < budget || wall[0].len() < 31 {
            for (i, (_, f)) in cs.iter_mut().enumerate() {
                let (w0, c0) = (Instant::now(), thread_cpu());
                for _ in 0..k {
                    f();
                }
                let (c1, w1) = (thread_cpu(), Instant::now());
                wall[i].push((w1 - w0).as_secs_f64() * 1e9 / f64::from(k));
                cpu[i].push((c1 - c0).as_secs_f64() * 1e9 / f64::from(k));
            }
            if wall[0].len() >= 2001 {
                break;
            }
        }
        let mut out = Vec::new();
        for i in 0..n {
            let mut rc: Vec<f64> = cpu[i].iter().zip(&cpu[0]).map(|(a, b)| a / b).collect();
            let mut rw: Vec<f64> = wall[i].iter().zip(&wall[0]).map(|(a, b)| a / b).collect();
            let (mut c, mut w) = (cpu[i].clone(), wall[i].clone());
            out.push(format!(
                "{:<22} cpu {:>8.0} ns [{:.0}–{:.0}]  wall {:>8.0} ns [{:.0}–{:.0}]  ratio cpu {:.3} [{:.3}–{:.3}]  wall {:.3} [{:.3}–{:.3}]",
                cs[i].0,
                pct(&mut c, 0.5),
                pct(&mut c, 0.1),
                pct(&mut c, 0.9),
                pct(&mut w, 0.5),
                pct(&mut w, 0.1),
                pct(&mut w, 0.9),
                pct(&mut rc, 0.5),
                pct(&mut rc, 0.1),
                pct(&mut rc, 0.9),
                pct(&mut rw, 0.5),
                pct(&mut rw, 0.1),
                pct(&mut rw, 0.9),
            ));
        }
        out
    }
}

fn ten_ready(r: &mut Report) {
    let name = "10 ready of 1000: 10 writes, one wait returning 10, 10 reads";
    match (
        ops::Ten::ours(true),
        ops::Ten::ours(false),
        ops::Ten::raw(),
        ops::Ten::mio(),
    ) {
        (Ok(mut a), Ok(mut l), Ok(mut b), Ok(mut c)) => r.compare(
            Compare::new("event", name)
                .ours("bsd-event", move || a.op())
                .ours("bsd-event, set_exact_data(false)", move || l.op())
                .raw("epoll_wait", move || b.op())
                .peer("mio", move || c.op()),
        ),
        _ => r.failed(name, &"setup failed"),
    }
}

fn timer(r: &mut Report) {
    let name = "periodic 1 ms timer: one wake-up";
    match (ops::Timer::ours(), ops::Timer::raw()) {
        (Ok(mut a), Ok(mut b)) => {
            r.compare(
                Compare::new("event", name)
                    .budget(budget(800))
                    .ours("bsd-event", || a.op())
                    .raw("timerfd+epoll_wait", || b.op()),
            );
            r.say(format_args!(
                "   timer lateness past each expiry (median): bsd-event {:.1} µs, timerfd+epoll {:.1} µs",
                a.median_late_us(),
                b.median_late_us()
            ));
        }
        _ => r.failed(name, &"setup failed"),
    }
}

fn user_wake(r: &mut Report) {
    let name = "cross-thread wake round trip (EVFILT_USER vs Waker)";
    let _pin = ops::Pinned::main();
    match (ops::Wake::ours(), ops::Wake::raw(), ops::Wake::mio()) {
        (Ok(mut a), Ok(mut b), Ok(mut c)) => r.compare(
            Compare::new("event", name)
                .budget(budget(900))
                .ours("bsd-event", || a.op())
                .raw("eventfd+epoll_wait", || b.op())
                .peer("mio Waker", || c.op()),
        ),
        _ => r.failed(name, &"setup failed"),
    }
}

fn ping_pong(r: &mut Report) {
    let name = "pipe ping-pong between two threads (sanity: scheduler-bound)";
    let _pin = ops::Pinned::main();
    match (ops::PingPong::ours(), ops::PingPong::raw(), ops::PingPong::mio()) {
        (Ok(mut a), Ok(mut b), Ok(mut c)) => r.compare(
            Compare::new("event", name)
                .budget(budget(900))
                .ours("bsd-event", || a.op())
                .raw("epoll_wait", || b.op())
                .peer("mio", || c.op()),
        ),
        _ => r.failed(name, &"setup failed"),
    }
}

/// The operations compared, shared with `benches/event.rs`.
pub mod ops {
    use bsd_event::{EvFlags, Filter, KEvent, Kqueue};
    use mio::unix::SourceFd;
    use mio::{Events, Interest, Poll, Token, Waker};
    use std::hint::black_box;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
    use std::rc::Rc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::thread::JoinHandle;
    use std::time::{Duration, Instant};

    type Res<T> = Result<T, Box<dyn std::error::Error>>;
    type Pipes = Vec<(OwnedFd, OwnedFd)>;

    macro_rules! opaque_debug {
        ($($t:ident),*) => {$(
            impl std::fmt::Debug for $t {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(stringify!($t)).finish_non_exhaustive()
                }
            }
        )*};
    }
    opaque_debug!(Single, Rotate, Shared, Hundred, Churn, Ten, Timer, Wake, PingPong, LibKqueue, LkEvent);

    /// A close-on-exec pipe: (read end, write end).
    pub fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
        let mut fds = [0; 2];
        // SAFETY: room for two descriptors.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: fresh descriptors owned here only.
        Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
    }

    /// Writes `n` bytes.
    pub fn write_n(fd: &impl AsRawFd, n: usize) {
        let buf = [b'x'; 64];
        let mut left = n;
        while left > 0 {
            let k = left.min(buf.len());
            // SAFETY: writing from a live buffer.
            let w = unsafe { libc::write(fd.as_raw_fd(), buf.as_ptr().cast(), k) };
            if w <= 0 {
                return;
            }
            left -= w as usize;
        }
    }

    #[inline]
    fn put(fd: RawFd) {
        let b = 1u8;
        // SAFETY: writing one byte from a live local.
        unsafe { libc::write(fd, (&b as *const u8).cast(), 1) };
    }

    #[inline]
    fn take(fd: RawFd) -> isize {
        let mut b = 0u8;
        // SAFETY: reading one byte into a live local.
        unsafe { libc::read(fd, (&mut b as *mut u8).cast(), 1) }
    }

    fn epoll() -> std::io::Result<OwnedFd> {
        // SAFETY: epoll_create1 takes no pointers.
        let ep = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if ep < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: a fresh descriptor owned here only.
        Ok(unsafe { OwnedFd::from_raw_fd(ep) })
    }

    fn ep_add(ep: &OwnedFd, fd: RawFd, events: u32, data: u64) -> std::io::Result<()> {
        let mut e = libc::epoll_event { events, u64: data };
        // SAFETY: a valid epoll_event for the call.
        if unsafe { libc::epoll_ctl(ep.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut e) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }

    #[inline]
    fn ep_wait(ep: &OwnedFd, buf: &mut [libc::epoll_event], ms: i32) -> usize {
        // SAFETY: `buf` has room for its length.
        let n = unsafe { libc::epoll_wait(ep.as_raw_fd(), buf.as_mut_ptr(), buf.len() as i32, ms) };
        n.max(0) as usize
    }

    // The buffers live inline on purpose (no pointer chasing in the
    // measured loop); one value of each exists per contestant.
    #[allow(clippy::large_enum_variant)]
    enum Waiter {
        Ours(Kqueue, [KEvent; 16]),
        /// Ours, and the caller reads `data` of each event.
        OursData(Kqueue, [KEvent; 16]),
        Raw(OwnedFd, [libc::epoll_event; 16]),
        /// Raw epoll plus the FIONREAD that kqueue's `data` needs.
        Counted(OwnedFd, [libc::epoll_event; 16], RawFd),
        Mio(Poll, Events),
        Lib(LibKq),
    }

    /// One descriptor made ready among `registered`: write a byte, wait
    /// with a zero timeout, read it.
    pub struct Single {
        waiter: Waiter,
        r: RawFd,
        w: RawFd,
        _pipes: Vec<(OwnedFd, OwnedFd)>,
    }

    impl Single {
        fn pipes(registered: usize) -> Res<Vec<(OwnedFd, OwnedFd)>> {
            Ok((0..registered).map(|_| pipe()).collect::<Result<_, _>>()?)
        }

        /// `Kqueue::kevent` with EVFILT_READ knotes (`exact`: count
        /// `data`, the default).
        pub fn ours(registered: usize, exact: bool) -> Res<Single> {
            let pipes = Self::pipes(registered)?;
            let kq = Kqueue::new()?;
            kq.set_exact_data(exact);
            for (r, _) in &pipes {
                kq.register(&[KEvent::read(r).add()])?;
            }
            Self::finish(Waiter::Ours(kq, [KEvent::zeroed(); 16]), pipes)
        }

        /// `Kqueue::kevent`, reading `data` of each event (the default
        /// exact count).
        pub fn ours_reading_data(registered: usize) -> Res<Single> {
            let mut s = Self::ours(registered, true)?;
            if let Waiter::Ours(kq, ev) =
                std::mem::replace(&mut s.waiter, Waiter::Mio(Poll::new()?, Events::with_capacity(1)))
            {
                s.waiter = Waiter::OursData(kq, ev);
            }
            Ok(s)
        }

        /// Raw level-triggered `epoll_wait` (`counted`: plus the FIONREAD
        /// that gives kqueue's `data`, the same work as ours).
        pub fn raw(registered: usize, counted: bool) -> Res<Single> {
            let pipes = Self::pipes(registered)?;
            let ep = epoll()?;
            for (i, (r, _)) in pipes.iter().enumerate() {
                ep_add(&ep, r.as_raw_fd(), libc::EPOLLIN as u32, i as u64)?;
            }
            let z = libc::epoll_event { events: 0, u64: 0 };
            if counted {
                let r = pipes.last().map(|(r, _)| r.as_raw_fd()).ok_or("no pipes")?;
                Self::finish(Waiter::Counted(ep, [z; 16], r), pipes)
            } else {
                Self::finish(Waiter::Raw(ep, [z; 16]), pipes)
            }
        }

        /// `mio::Poll` (edge-triggered).
        pub fn mio(registered: usize) -> Res<Single> {
            let pipes = Self::pipes(registered)?;
            let poll = Poll::new()?;
            for (i, (r, _)) in pipes.iter().enumerate() {
                poll.registry()
                    .register(&mut SourceFd(&r.as_raw_fd()), Token(i), Interest::READABLE)?;
            }
            Self::finish(Waiter::Mio(poll, Events::with_capacity(16)), pipes)
        }

        /// libkqueue's `kevent` (loaded at run time).
        pub fn libkqueue(lib: &LibKqueue, registered: usize) -> Res<Single> {
            let pipes = Self::pipes(registered)?;
            let kq = lib.new_queue()?;
            for (r, _) in &pipes {
                kq.add_read(r.as_raw_fd())?;
            }
            Self::finish(Waiter::Lib(kq), pipes)
        }

        fn finish(waiter: Waiter, pipes: Vec<(OwnedFd, OwnedFd)>) -> Res<Single> {
            let (r, w) = pipes
                .last()
                .map(|(r, w)| (r.as_raw_fd(), w.as_raw_fd()))
                .ok_or("no pipes")?;
            Ok(Single {
                waiter,
                r,
                w,
                _pipes: pipes,
            })
        }

        /// One operation.
        #[inline]
        pub fn op(&mut self) {
            put(self.w);
            let n = match &mut self.waiter {
                Waiter::Ours(..) | Waiter::OursData(..) => wait_zero(&mut self.waiter),
                Waiter::Raw(ep, ev) => ep_wait(ep, ev, 0),
                Waiter::Counted(ep, ev, fd) => {
                    let n = ep_wait(ep, ev, 0);
                    let mut q: libc::c_int = 0;
                    // SAFETY: FIONREAD writes one int.
                    unsafe { libc::ioctl(*fd, libc::FIONREAD, &mut q) };
                    black_box(q);
                    n
                }
                Waiter::Mio(p, ev) => {
                    let _ = p.poll(ev, Some(Duration::ZERO));
                    ev.iter().count()
                }
                Waiter::Lib(kq) => kq.wait(Some(Duration::ZERO)),
            };
            debug_assert_eq!(n, 1);
            black_box(n);
            take(self.r);
        }
    }

    /// 1000 registered, one made ready, a different one each time.
    pub struct Rotate {
        waiter: Waiter,
        ends: Vec<(RawFd, RawFd)>,
        next: usize,
        _pipes: Pipes,
    }

    impl Rotate {
        fn setup() -> Res<(Pipes, Vec<(RawFd, RawFd)>)> {
            let pipes: Pipes = (0..1000).map(|_| pipe()).collect::<Result<_, _>>()?;
            let ends = pipes.iter().map(|(r, w)| (r.as_raw_fd(), w.as_raw_fd())).collect();
            Ok((pipes, ends))
        }

        /// bsd-event (`exact`: count `data`, the default).
        pub fn ours(exact: bool) -> Res<Rotate> {
            let (pipes, ends) = Self::setup()?;
            let kq = Kqueue::new()?;
            kq.set_exact_data(exact);
            let adds: Vec<KEvent> = pipes.iter().map(|(r, _)| KEvent::read(r).add()).collect();
            kq.register(&adds)?;
            Ok(Self::new(Waiter::Ours(kq, [KEvent::zeroed(); 16]), pipes, ends))
        }

        /// bsd-event, reading `data` of each event.
        pub fn ours_reading_data() -> Res<Rotate> {
            let mut r = Self::ours(true)?;
            if let Waiter::Ours(kq, ev) =
                std::mem::replace(&mut r.waiter, Waiter::Mio(Poll::new()?, Events::with_capacity(1)))
            {
                r.waiter = Waiter::OursData(kq, ev);
            }
            Ok(r)
        }

        /// Raw level-triggered epoll.
        pub fn raw() -> Res<Rotate> {
            let (pipes, ends) = Self::setup()?;
            let ep = epoll()?;
            for (i, (r, _)) in ends.iter().enumerate() {
                ep_add(&ep, *r, libc::EPOLLIN as u32, i as u64)?;
            }
            let z = libc::epoll_event { events: 0, u64: 0 };
            Ok(Self::new(Waiter::Raw(ep, [z; 16]), pipes, ends))
        }

        /// mio (edge-triggered).
        pub fn mio() -> Res<Rotate> {
            let (pipes, ends) = Self::setup()?;
            let poll = Poll::new()?;
            for (i, (r, _)) in ends.iter().enumerate() {
                poll.registry()
                    .register(&mut SourceFd(r), Token(i), Interest::READABLE)?;
            }
            Ok(Self::new(Waiter::Mio(poll, Events::with_capacity(16)), pipes, ends))
        }

        fn new(waiter: Waiter, pipes: Pipes, ends: Vec<(RawFd, RawFd)>) -> Rotate {
            Rotate {
                waiter,
                ends,
                next: 0,
                _pipes: pipes,
            }
        }

        /// One operation.
        #[inline]
        pub fn op(&mut self) {
            let (r, w) = self.ends[self.next];
            self.next = (self.next + 1) % self.ends.len();
            put(w);
            let n = wait_zero(&mut self.waiter);
            debug_assert_eq!(n, 1);
            black_box(n);
            take(r);
        }
    }

    fn wait_zero(w: &mut Waiter) -> usize {
        match w {
            Waiter::Ours(kq, ev) => kq.kevent(&[], ev, Some(Duration::ZERO)).unwrap_or(0),
            Waiter::OursData(kq, ev) => {
                let n = kq.kevent(&[], ev, Some(Duration::ZERO)).unwrap_or(0);
                black_box(ev[..n].iter().map(|e| e.data()).sum::<i64>());
                n
            }
            Waiter::Raw(ep, ev) | Waiter::Counted(ep, ev, _) => ep_wait(ep, ev, 0),
            Waiter::Mio(p, ev) => {
                let _ = p.poll(ev, Some(Duration::ZERO));
                ev.iter().count()
            }
            Waiter::Lib(kq) => kq.wait(Some(Duration::ZERO)),
        }
    }

    /// Pipes shared by several contestants (registered in each): 10 000
    /// descriptors from 5 000 pipes, both ends registered for reading (a
    /// write end never becomes readable), and the read ends of `hot` of
    /// them made ready by each operation.
    pub struct Shared {
        pipes: Pipes,
        hot: Vec<(RawFd, RawFd)>,
    }

    impl Shared {
        /// `pipes` pipes, `hot` of them spread evenly.
        pub fn new(pipes: usize, hot: usize) -> Res<Shared> {
            let p: Pipes = (0..pipes).map(|_| pipe()).collect::<Result<_, _>>()?;
            let step = (pipes / hot.max(1)).max(1);
            let hot = p
                .iter()
                .step_by(step)
                .take(hot)
                .map(|(r, w)| (r.as_raw_fd(), w.as_raw_fd()))
                .collect();
            Ok(Shared { pipes: p, hot })
        }

        fn all(&self) -> impl Iterator<Item = RawFd> + '_ {
            self.pipes.iter().flat_map(|(r, w)| [r.as_raw_fd(), w.as_raw_fd()])
        }
    }

    /// 10 000 registered, 100 made ready, one wait returning all 100.
    pub struct Hundred {
        waiter: Waiter,
        hot: Vec<(RawFd, RawFd)>,
        ours: Option<(Kqueue, Vec<KEvent>)>,
        _set: Rc<Shared>,
    }

    impl Hundred {
        /// bsd-event (`exact`: count `data`, the default), with a buffer of
        /// 128 events.
        pub fn ours(set: &Rc<Shared>, exact: bool) -> Res<Hundred> {
            let kq = Kqueue::new()?;
            kq.set_exact_data(exact);
            let adds: Vec<KEvent> = set
                .all()
                .map(|fd| KEvent::new(fd as usize, Filter::Read, EvFlags::ADD, 0, 0, 0))
                .collect();
            kq.register(&adds)?;
            let z = libc::epoll_event { events: 0, u64: 0 };
            Ok(Hundred {
                waiter: Waiter::Raw(epoll()?, [z; 16]),
                hot: set.hot.clone(),
                ours: Some((kq, vec![KEvent::zeroed(); 128])),
                _set: Rc::clone(set),
            })
        }

        /// Raw level-triggered epoll, a buffer of 128 events.
        pub fn raw(set: &Rc<Shared>) -> Res<Hundred> {
            let ep = epoll()?;
            for (i, fd) in set.all().enumerate() {
                ep_add(&ep, fd, libc::EPOLLIN as u32, i as u64)?;
            }
            let z = libc::epoll_event { events: 0, u64: 0 };
            Ok(Hundred {
                waiter: Waiter::Counted(ep, [z; 16], -1),
                hot: set.hot.clone(),
                ours: None,
                _set: Rc::clone(set),
            })
        }

        /// mio, 128 events.
        pub fn mio(set: &Rc<Shared>) -> Res<Hundred> {
            let poll = Poll::new()?;
            for (i, fd) in set.all().enumerate() {
                poll.registry()
                    .register(&mut SourceFd(&fd), Token(i), Interest::READABLE)?;
            }
            Ok(Hundred {
                waiter: Waiter::Mio(poll, Events::with_capacity(128)),
                hot: set.hot.clone(),
                ours: None,
                _set: Rc::clone(set),
            })
        }

        /// One operation.
        #[inline]
        pub fn op(&mut self) {
            for &(_, w) in &self.hot {
                put(w);
            }
            let n = match (&mut self.ours, &mut self.waiter) {
                (Some((kq, ev)), _) => kq.kevent(&[], ev, Some(Duration::ZERO)).unwrap_or(0),
                (None, Waiter::Counted(ep, _, _)) => {
                    let mut buf = [libc::epoll_event { events: 0, u64: 0 }; 128];
                    ep_wait(ep, &mut buf, 0)
                }
                (None, w) => wait_zero(w),
            };
            debug_assert_eq!(n, self.hot.len());
            black_box(n);
            for &(r, _) in &self.hot {
                take(r);
            }
        }
    }

    /// 1000 descriptors registered, then deregistered.
    pub struct Churn {
        fds: Vec<RawFd>,
        kind: ChurnKind,
        _pipes: Pipes,
    }

    // One value of each exists per contestant.
    #[allow(clippy::large_enum_variant)]
    enum ChurnKind {
        Ours(Kqueue, Vec<KEvent>, Vec<KEvent>),
        Raw(OwnedFd),
        Mio(Poll),
    }

    impl Churn {
        fn setup() -> Res<(Pipes, Vec<RawFd>)> {
            let pipes: Pipes = (0..1000).map(|_| pipe()).collect::<Result<_, _>>()?;
            let fds = pipes.iter().map(|(r, _)| r.as_raw_fd()).collect();
            Ok((pipes, fds))
        }

        /// bsd-event: one changelist of 1000 EV_ADD, one of 1000 EV_DELETE.
        pub fn ours() -> Res<Churn> {
            let (pipes, fds) = Self::setup()?;
            let adds = fds
                .iter()
                .map(|&fd| KEvent::new(fd as usize, Filter::Read, EvFlags::ADD, 0, 0, 0))
                .collect();
            let dels = fds
                .iter()
                .map(|&fd| KEvent::new(fd as usize, Filter::Read, EvFlags::DELETE, 0, 0, 0))
                .collect();
            Ok(Churn {
                fds,
                kind: ChurnKind::Ours(Kqueue::new()?, adds, dels),
                _pipes: pipes,
            })
        }

        /// epoll_ctl ADD then DEL for each.
        pub fn raw() -> Res<Churn> {
            let (pipes, fds) = Self::setup()?;
            Ok(Churn {
                fds,
                kind: ChurnKind::Raw(epoll()?),
                _pipes: pipes,
            })
        }

        /// mio register then deregister each.
        pub fn mio() -> Res<Churn> {
            let (pipes, fds) = Self::setup()?;
            Ok(Churn {
                fds,
                kind: ChurnKind::Mio(Poll::new()?),
                _pipes: pipes,
            })
        }

        /// One operation: all 1000 added, then all deleted.
        pub fn op(&mut self) {
            match &mut self.kind {
                ChurnKind::Ours(kq, adds, dels) => {
                    let a = kq.register(adds);
                    let d = kq.register(dels);
                    debug_assert!(a.is_ok() && d.is_ok());
                    black_box((a.is_ok(), d.is_ok()));
                }
                ChurnKind::Raw(ep) => {
                    for (i, &fd) in self.fds.iter().enumerate() {
                        let _ = ep_add(ep, fd, libc::EPOLLIN as u32, i as u64);
                    }
                    for &fd in &self.fds {
                        let mut e = libc::epoll_event { events: 0, u64: 0 };
                        // SAFETY: a valid epoll_event (ignored for DEL).
                        unsafe { libc::epoll_ctl(ep.as_raw_fd(), libc::EPOLL_CTL_DEL, fd, &mut e) };
                    }
                }
                ChurnKind::Mio(p) => {
                    for (i, fd) in self.fds.iter().enumerate() {
                        let _ = p.registry().register(&mut SourceFd(fd), Token(i), Interest::READABLE);
                    }
                    for fd in &self.fds {
                        let _ = p.registry().deregister(&mut SourceFd(fd));
                    }
                }
            }
        }
    }

    /// 1000 registered, 10 made ready, one wait returning all 10.
    pub struct Ten {
        waiter: Waiter,
        hot: Vec<(RawFd, RawFd)>,
        _pipes: Vec<(OwnedFd, OwnedFd)>,
        mio_out: usize,
    }

    impl Ten {
        fn setup() -> Res<(Pipes, Vec<(RawFd, RawFd)>)> {
            let pipes: Vec<_> = (0..1000).map(|_| pipe()).collect::<Result<_, _>>()?;
            let hot = pipes
                .iter()
                .step_by(100)
                .map(|(r, w)| (r.as_raw_fd(), w.as_raw_fd()))
                .collect();
            Ok((pipes, hot))
        }

        /// bsd-event (`exact`: count `data`, the default).
        pub fn ours(exact: bool) -> Res<Ten> {
            let (pipes, hot) = Self::setup()?;
            let kq = Kqueue::new()?;
            kq.set_exact_data(exact);
            for (r, _) in &pipes {
                kq.register(&[KEvent::read(r).add()])?;
            }
            Ok(Ten {
                waiter: Waiter::Ours(kq, [KEvent::zeroed(); 16]),
                hot,
                _pipes: pipes,
                mio_out: 0,
            })
        }

        /// Raw epoll.
        pub fn raw() -> Res<Ten> {
            let (pipes, hot) = Self::setup()?;
            let ep = epoll()?;
            for (i, (r, _)) in pipes.iter().enumerate() {
                ep_add(&ep, r.as_raw_fd(), libc::EPOLLIN as u32, i as u64)?;
            }
            let z = libc::epoll_event { events: 0, u64: 0 };
            Ok(Ten {
                waiter: Waiter::Raw(ep, [z; 16]),
                hot,
                _pipes: pipes,
                mio_out: 0,
            })
        }

        /// mio.
        pub fn mio() -> Res<Ten> {
            let (pipes, hot) = Self::setup()?;
            let poll = Poll::new()?;
            for (i, (r, _)) in pipes.iter().enumerate() {
                poll.registry()
                    .register(&mut SourceFd(&r.as_raw_fd()), Token(i), Interest::READABLE)?;
            }
            Ok(Ten {
                waiter: Waiter::Mio(poll, Events::with_capacity(16)),
                hot,
                _pipes: pipes,
                mio_out: 0,
            })
        }

        /// One operation.
        #[inline]
        pub fn op(&mut self) {
            for &(_, w) in &self.hot {
                put(w);
            }
            let n = wait_zero(&mut self.waiter);
            self.mio_out = n;
            black_box(n);
            for &(r, _) in &self.hot {
                take(r);
            }
        }
    }

    /// A periodic 1 ms timer; one operation is one wake-up.
    pub struct Timer {
        kind: TimerKind,
        start: Instant,
        fired: u64,
        late: Vec<f64>,
    }

    #[allow(clippy::large_enum_variant)]
    enum TimerKind {
        Ours(Kqueue, [KEvent; 4]),
        Raw(OwnedFd, OwnedFd, [libc::epoll_event; 4]),
    }

    const PERIOD: Duration = Duration::from_millis(1);

    impl Timer {
        /// EVFILT_TIMER.
        pub fn ours() -> Res<Timer> {
            let kq = Kqueue::new()?;
            kq.register(&[KEvent::timer(1, PERIOD).add()])?;
            Ok(Self::new(TimerKind::Ours(kq, [KEvent::zeroed(); 4])))
        }

        /// timerfd in epoll.
        pub fn raw() -> Res<Timer> {
            // SAFETY: timerfd_create takes no pointers.
            let t = unsafe { libc::timerfd_create(libc::CLOCK_MONOTONIC, libc::TFD_CLOEXEC) };
            if t < 0 {
                return Err(std::io::Error::last_os_error().into());
            }
            // SAFETY: a fresh descriptor.
            let t = unsafe { OwnedFd::from_raw_fd(t) };
            let p = libc::timespec {
                tv_sec: 0,
                tv_nsec: PERIOD.as_nanos() as libc::c_long,
            };
            let its = libc::itimerspec {
                it_interval: p,
                it_value: p,
            };
            // SAFETY: a valid itimerspec.
            unsafe { libc::timerfd_settime(t.as_raw_fd(), 0, &its, std::ptr::null_mut()) };
            let ep = epoll()?;
            ep_add(&ep, t.as_raw_fd(), libc::EPOLLIN as u32, 0)?;
            let z = libc::epoll_event { events: 0, u64: 0 };
            Ok(Self::new(TimerKind::Raw(ep, t, [z; 4])))
        }

        fn new(kind: TimerKind) -> Timer {
            Timer {
                kind,
                start: Instant::now(),
                fired: 0,
                late: Vec::with_capacity(4096),
            }
        }

        /// Waits for the next expiry.
        pub fn op(&mut self) {
            let n = match &mut self.kind {
                TimerKind::Ours(kq, ev) => {
                    let k = kq.kevent(&[], ev, None).unwrap_or(0);
                    ev[..k].iter().map(|e| e.data() as u64).sum::<u64>()
                }
                TimerKind::Raw(ep, t, ev) => {
                    ep_wait(ep, ev, -1);
                    let mut c = 0u64;
                    // SAFETY: reading 8 bytes into a live u64.
                    unsafe { libc::read(t.as_raw_fd(), (&mut c as *mut u64).cast(), 8) };
                    c
                }
            };
            self.fired += n;
            let due = PERIOD * self.fired as u32;
            let late = self.start.elapsed().saturating_sub(due);
            if self.late.len() < self.late.capacity() {
                self.late.push(late.as_secs_f64() * 1e6);
            }
        }

        /// Median time from an expiry to the waiter running, in µs.
        pub fn median_late_us(&mut self) -> f64 {
            self.late.sort_by(f64::total_cmp);
            self.late.get(self.late.len() / 2).copied().unwrap_or(f64::NAN)
        }
    }

    /// Pins the calling thread to one CPU until dropped (then restores its
    /// mask). The two-thread rows pin the measuring thread to CPU 0 and
    /// each partner to CPU 1, so every contestant pays the same cross-CPU
    /// wake (unpinned, the scheduler's placement decides the result).
    pub struct Pinned {
        old: Option<libc::cpu_set_t>,
    }

    impl std::fmt::Debug for Pinned {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Pinned").field("pinned", &self.old.is_some()).finish()
        }
    }

    impl Pinned {
        fn to(cpu: usize) -> Pinned {
            if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
                return Pinned { old: None };
            }
            // SAFETY: cpu_set_t is plain data; the calls read and write the
            // calling thread's affinity through valid pointers.
            unsafe {
                let mut old: libc::cpu_set_t = std::mem::zeroed();
                let size = std::mem::size_of::<libc::cpu_set_t>();
                if libc::sched_getaffinity(0, size, &mut old) != 0 {
                    return Pinned { old: None };
                }
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                libc::CPU_SET(cpu, &mut set);
                if libc::sched_setaffinity(0, size, &set) != 0 {
                    return Pinned { old: None };
                }
                Pinned { old: Some(old) }
            }
        }

        /// The measuring thread, on CPU 0.
        pub fn main() -> Pinned {
            Self::to(0)
        }

        /// A partner thread, on CPU 1 (for its whole life).
        pub fn partner() {
            std::mem::forget(Self::to(1));
        }
    }

    impl Drop for Pinned {
        fn drop(&mut self) {
            if let Some(old) = &self.old {
                // SAFETY: restoring the mask read earlier.
                unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), old) };
            }
        }
    }

    /// A partner thread that echoes wakes; one operation is a round trip.
    pub struct Wake {
        kick: Box<dyn FnMut() + Send>,
        wait: Box<dyn FnMut() + Send>,
        stop: Option<Box<dyn FnOnce() + Send>>,
        thread: Option<JoinHandle<()>>,
    }

    impl Wake {
        /// EVFILT_USER on two kqueues.
        pub fn ours() -> Res<Wake> {
            let a = Arc::new(Kqueue::new()?);
            let b = Arc::new(Kqueue::new()?);
            a.register(&[KEvent::user(1).add().clear()])?;
            b.register(&[KEvent::user(2).add().clear()])?;
            let stop = Arc::new(AtomicBool::new(false));
            let (pa, pb, ps) = (Arc::clone(&a), Arc::clone(&b), Arc::clone(&stop));
            let thread = std::thread::spawn(move || {
                Pinned::partner();
                let mut ev = [KEvent::zeroed(); 4];
                loop {
                    let _ = pa.kevent(&[], &mut ev, None);
                    if ps.load(Ordering::Acquire) {
                        return;
                    }
                    let _ = pb.register(&[KEvent::trigger(2, 0)]);
                }
            });
            let (ka, wb, sa) = (Arc::clone(&a), Arc::clone(&b), Arc::clone(&a));
            let mut ev = [KEvent::zeroed(); 4];
            Ok(Wake {
                kick: Box::new(move || {
                    let _ = ka.register(&[KEvent::trigger(1, 0)]);
                }),
                wait: Box::new(move || {
                    let _ = wb.kevent(&[], &mut ev, None);
                }),
                stop: Some(Box::new(move || {
                    stop.store(true, Ordering::Release);
                    let _ = sa.register(&[KEvent::trigger(1, 0)]);
                })),
                thread: Some(thread),
            })
        }

        /// Raw eventfds in two epolls.
        pub fn raw() -> Res<Wake> {
            let mk = || -> Res<(Arc<OwnedFd>, Arc<OwnedFd>)> {
                // SAFETY: eventfd takes no pointers.
                let e = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
                if e < 0 {
                    return Err(std::io::Error::last_os_error().into());
                }
                // SAFETY: a fresh descriptor.
                let e = unsafe { OwnedFd::from_raw_fd(e) };
                let ep = epoll()?;
                ep_add(&ep, e.as_raw_fd(), (libc::EPOLLIN | libc::EPOLLET) as u32, 0)?;
                Ok((Arc::new(ep), Arc::new(e)))
            };
            let (epa, efa) = mk()?;
            let (epb, efb) = mk()?;
            let stop = Arc::new(AtomicBool::new(false));
            let ring = |fd: &OwnedFd| {
                let one = 1u64;
                // SAFETY: writing 8 bytes from a live u64.
                unsafe { libc::write(fd.as_raw_fd(), (&one as *const u64).cast(), 8) };
            };
            let drain = |ep: &OwnedFd, fd: &OwnedFd| {
                let mut ev = [libc::epoll_event { events: 0, u64: 0 }; 4];
                ep_wait(ep, &mut ev, -1);
                let mut v = 0u64;
                // SAFETY: reading 8 bytes into a live u64.
                unsafe { libc::read(fd.as_raw_fd(), (&mut v as *mut u64).cast(), 8) };
            };
            let (ta, tfa, tfb, ts) = (Arc::clone(&epa), Arc::clone(&efa), Arc::clone(&efb), Arc::clone(&stop));
            let thread = std::thread::spawn(move || {
                Pinned::partner();
                loop {
                    drain(&ta, &tfa);
                    if ts.load(Ordering::Acquire) {
                        return;
                    }
                    ring(&tfb);
                }
            });
            let (ka, sa) = (Arc::clone(&efa), Arc::clone(&efa));
            Ok(Wake {
                kick: Box::new(move || ring(&ka)),
                wait: Box::new(move || drain(&epb, &efb)),
                stop: Some(Box::new(move || {
                    stop.store(true, Ordering::Release);
                    ring(&sa);
                })),
                thread: Some(thread),
            })
        }

        /// mio's `Waker` on two `Poll`s.
        pub fn mio() -> Res<Wake> {
            let mut pa = Poll::new()?;
            let mut pb = Poll::new()?;
            let wa = Arc::new(Waker::new(pa.registry(), Token(1))?);
            let wb = Arc::new(Waker::new(pb.registry(), Token(2))?);
            let stop = Arc::new(AtomicBool::new(false));
            let (tw, ts) = (Arc::clone(&wb), Arc::clone(&stop));
            let thread = std::thread::spawn(move || {
                Pinned::partner();
                let mut ev = Events::with_capacity(4);
                loop {
                    let _ = pa.poll(&mut ev, None);
                    if ts.load(Ordering::Acquire) {
                        return;
                    }
                    let _ = tw.wake();
                }
            });
            let (ka, sa) = (Arc::clone(&wa), Arc::clone(&wa));
            let mut ev = Events::with_capacity(4);
            Ok(Wake {
                kick: Box::new(move || {
                    let _ = ka.wake();
                }),
                wait: Box::new(move || {
                    let _ = pb.poll(&mut ev, None);
                }),
                stop: Some(Box::new(move || {
                    stop.store(true, Ordering::Release);
                    let _ = sa.wake();
                })),
                thread: Some(thread),
            })
        }

        /// One round trip: wake the partner, wait for its wake.
        pub fn op(&mut self) {
            (self.kick)();
            (self.wait)();
        }
    }

    impl Drop for Wake {
        fn drop(&mut self) {
            if let Some(s) = self.stop.take() {
                s();
            }
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }

    /// One byte back and forth over two pipes, each side waiting.
    pub struct PingPong {
        to: Option<OwnedFd>,
        from: OwnedFd,
        wait: Box<dyn FnMut() + Send>,
        thread: Option<JoinHandle<()>>,
    }

    impl PingPong {
        fn build(waiter_for: impl Fn(RawFd) -> Res<Box<dyn FnMut() + Send>>) -> Res<PingPong> {
            let (ar, aw) = pipe()?; // main → partner
            let (br, bw) = pipe()?; // partner → main
            let mut pw = waiter_for(ar.as_raw_fd())?;
            let thread = std::thread::spawn(move || {
                Pinned::partner();
                loop {
                    pw();
                    if take(ar.as_raw_fd()) <= 0 {
                        return; // main closed its end
                    }
                    put(bw.as_raw_fd());
                }
            });
            let wait = waiter_for(br.as_raw_fd())?;
            Ok(PingPong {
                to: Some(aw),
                from: br,
                wait,
                thread: Some(thread),
            })
        }

        /// Each side waits in `Kqueue::kevent`.
        pub fn ours() -> Res<PingPong> {
            Self::build(|fd| {
                let kq = Kqueue::new()?;
                kq.register(&[KEvent::new(fd as usize, Filter::Read, EvFlags::ADD, 0, 0, 0)])?;
                let mut ev = [KEvent::zeroed(); 4];
                Ok(Box::new(move || {
                    let _ = kq.kevent(&[], &mut ev, None);
                }))
            })
        }

        /// Each side waits in `epoll_wait`.
        pub fn raw() -> Res<PingPong> {
            Self::build(|fd| {
                let ep = epoll()?;
                ep_add(&ep, fd, libc::EPOLLIN as u32, 0)?;
                let mut ev = [libc::epoll_event { events: 0, u64: 0 }; 4];
                Ok(Box::new(move || {
                    ep_wait(&ep, &mut ev, -1);
                }))
            })
        }

        /// Each side waits in `mio::Poll::poll`.
        pub fn mio() -> Res<PingPong> {
            Self::build(|fd| {
                let mut poll = Poll::new()?;
                poll.registry()
                    .register(&mut SourceFd(&fd), Token(0), Interest::READABLE)?;
                let mut ev = Events::with_capacity(4);
                Ok(Box::new(move || {
                    let _ = poll.poll(&mut ev, None);
                }))
            })
        }

        /// One round trip.
        pub fn op(&mut self) {
            if let Some(to) = &self.to {
                put(to.as_raw_fd());
            }
            (self.wait)();
            take(self.from.as_raw_fd());
        }
    }

    impl Drop for PingPong {
        fn drop(&mut self) {
            // Closing our end: the partner wakes, reads EOF and returns.
            self.to.take();
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }

    /// libkqueue (the C kqueue-on-Linux), loaded with `dlopen` when the
    /// system has it, so the report can put it beside us.
    pub struct LibKqueue {
        _handle: *mut libc::c_void,
        kqueue: unsafe extern "C" fn() -> libc::c_int,
        kevent: unsafe extern "C" fn(
            libc::c_int,
            *const LkEvent,
            libc::c_int,
            *mut LkEvent,
            libc::c_int,
            *const libc::timespec,
        ) -> libc::c_int,
    }

    /// libkqueue's `struct kevent` on Linux.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct LkEvent {
        ident: usize,
        filter: i16,
        flags: u16,
        fflags: u32,
        data: i64,
        udata: *mut libc::c_void,
        ext: [u64; 4],
    }

    impl LibKqueue {
        /// `dlopen("libkqueue.so.0")`, or `None`.
        pub fn load() -> Option<LibKqueue> {
            // SAFETY: dlopen/dlsym with NUL-terminated names; the symbols
            // are the C functions with the declared signatures.
            unsafe {
                let h = libc::dlopen(c"libkqueue.so.0".as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL);
                if h.is_null() {
                    return None;
                }
                let kq = libc::dlsym(h, c"kqueue".as_ptr());
                let ke = libc::dlsym(h, c"kevent".as_ptr());
                if kq.is_null() || ke.is_null() {
                    return None;
                }
                Some(LibKqueue {
                    _handle: h,
                    kqueue: std::mem::transmute::<*mut libc::c_void, unsafe extern "C" fn() -> libc::c_int>(kq),
                    kevent: std::mem::transmute::<
                        *mut libc::c_void,
                        unsafe extern "C" fn(
                            libc::c_int,
                            *const LkEvent,
                            libc::c_int,
                            *mut LkEvent,
                            libc::c_int,
                            *const libc::timespec,
                        ) -> libc::c_int,
                    >(ke),
                })
            }
        }

        fn new_queue(&self) -> Res<LibKq> {
            // SAFETY: libkqueue's kqueue() takes no arguments.
            let fd = unsafe { (self.kqueue)() };
            if fd < 0 {
                return Err(std::io::Error::last_os_error().into());
            }
            Ok(LibKq {
                fd,
                kevent: self.kevent,
                out: [LkEvent::zero(); 16],
            })
        }
    }

    impl LkEvent {
        fn zero() -> LkEvent {
            LkEvent {
                ident: 0,
                filter: 0,
                flags: 0,
                fflags: 0,
                data: 0,
                udata: std::ptr::null_mut(),
                ext: [0; 4],
            }
        }
    }

    struct LibKq {
        fd: libc::c_int,
        kevent: unsafe extern "C" fn(
            libc::c_int,
            *const LkEvent,
            libc::c_int,
            *mut LkEvent,
            libc::c_int,
            *const libc::timespec,
        ) -> libc::c_int,
        out: [LkEvent; 16],
    }

    // SAFETY: the descriptor and function pointers are plain data usable
    // from any thread.
    unsafe impl Send for LibKq {}

    impl LibKq {
        fn add_read(&self, fd: RawFd) -> Res<()> {
            let mut ch = LkEvent::zero();
            ch.ident = fd as usize;
            ch.filter = -1; // EVFILT_READ
            ch.flags = 1; // EV_ADD
            let ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
            // SAFETY: one change, no events, a valid zero timeout.
            let r = unsafe { (self.kevent)(self.fd, &ch, 1, std::ptr::null_mut(), 0, &ts) };
            if r < 0 {
                return Err(std::io::Error::last_os_error().into());
            }
            Ok(())
        }

        fn wait(&mut self, t: Option<Duration>) -> usize {
            let ts = t.map(|d| libc::timespec {
                tv_sec: d.as_secs() as libc::time_t,
                tv_nsec: d.subsec_nanos() as libc::c_long,
            });
            let tp = ts.as_ref().map_or(std::ptr::null(), |t| t as *const libc::timespec);
            // SAFETY: `out` has room for 16 events; `tp` is null or live.
            let n = unsafe { (self.kevent)(self.fd, std::ptr::null(), 0, self.out.as_mut_ptr(), 16, tp) };
            n.max(0) as usize
        }
    }

    impl Drop for LibKq {
        fn drop(&mut self) {
            // SAFETY: closing the queue libkqueue gave us.
            unsafe { libc::close(self.fd) };
        }
    }
}
