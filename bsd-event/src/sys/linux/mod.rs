//! The Linux backend: kqueue's semantics on epoll, timerfd, eventfd, pidfd,
//! inotify and a signal recorder. The public numbers are FreeBSD's.
//!
//! # Shape
//! A `Kqueue` is an epoll descriptor (the pollable descriptor it exposes),
//! an eventfd to wake a waiting thread, and a knote table behind one mutex
//! (`table.rs`). Files per filter: `fd.rs` (READ/WRITE), `timer.rs`,
//! `signal.rs`, `user.rs`, `proc_.rs`, `vnode.rs`.
//!
//! # Concurrency
//! `epoll_wait` runs without the lock, so any number of threads can wait
//! while others register, trigger or delete. Every report is turned into
//! an event under the lock, after checking the generation its epoll data
//! carries: a knote deleted (even while another thread sat in
//! `epoll_wait`) never produces an event after the delete returned, and
//! an event is written into exactly one caller's list — a oneshot among N
//! waiters is delivered once. A thread about to block registers as a
//! waiter under the lock; a change that makes a knote pending while
//! someone waits writes the eventfd (a triggering thread with nobody
//! waiting pays no system call for the wake).
//!
//! # The hot path
//! `kevent` with no changes and a zero timeout: `epoll_wait` (no lock
//! taken before it), one uncontended lock, and for a READ or WRITE event
//! the one `ioctl` that computes `data` (FIONREAD/TIOCOUTQ). No
//! allocation: the epoll buffer is on the stack.

mod fd;
mod proc_;
mod signal;
mod table;
mod timer;
mod user;
mod vnode;

use crate::KEvent;
use bsd_errno::{check, Errno, Result};
use core::mem::MaybeUninit;
use core::time::Duration;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;
use table::{decode, encode, Kind, Knote, State, F, TAG_FD, TAG_SLOT, TAG_SPECIAL, TAG_WAKE};

// FreeBSD's numbers, which the Linux emulation uses.
pub(crate) const EV_ADD: u16 = 0x0001;
pub(crate) const EV_DELETE: u16 = 0x0002;
pub(crate) const EV_ENABLE: u16 = 0x0004;
pub(crate) const EV_DISABLE: u16 = 0x0008;
pub(crate) const EV_ONESHOT: u16 = 0x0010;
pub(crate) const EV_CLEAR: u16 = 0x0020;
pub(crate) const EV_RECEIPT: u16 = 0x0040;
pub(crate) const EV_DISPATCH: u16 = 0x0080;
pub(crate) const EV_ERROR: u16 = 0x4000;
pub(crate) const EV_EOF: u16 = 0x8000;

pub(crate) const NOTE_TRIGGER: u32 = 0x0100_0000;
pub(crate) const NOTE_FFNOP: u32 = 0;
pub(crate) const NOTE_FFAND: u32 = 0x4000_0000;
pub(crate) const NOTE_FFOR: u32 = 0x8000_0000;
pub(crate) const NOTE_FFCOPY: u32 = 0xc000_0000;
pub(crate) const NOTE_FFCTRLMASK: u32 = 0xc000_0000;
pub(crate) const NOTE_FFLAGSMASK: u32 = 0x00ff_ffff;
pub(crate) const NOTE_LOWAT: u32 = 0x0001;
pub(crate) const NOTE_DELETE: u32 = 0x0001;
pub(crate) const NOTE_WRITE: u32 = 0x0002;
pub(crate) const NOTE_EXTEND: u32 = 0x0004;
pub(crate) const NOTE_ATTRIB: u32 = 0x0008;
pub(crate) const NOTE_LINK: u32 = 0x0010;
pub(crate) const NOTE_RENAME: u32 = 0x0020;
pub(crate) const NOTE_REVOKE: u32 = 0x0040;
pub(crate) const NOTE_EXIT: u32 = 0x8000_0000;
pub(crate) const NOTE_SECONDS: u32 = 0x0001;
pub(crate) const NOTE_MSECONDS: u32 = 0x0002;
pub(crate) const NOTE_USECONDS: u32 = 0x0004;
pub(crate) const NOTE_NSECONDS: u32 = 0x0008;
pub(crate) const NOTE_ABSTIME: u32 = 0x0010;

/// FreeBSD's `struct kevent` without `ext`: what `KEvent` wraps on Linux.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawKevent {
    ident: usize,
    filter: i16,
    flags: u16,
    fflags: u32,
    data: i64,
    udata: usize,
}

const _: () = assert!(core::mem::size_of::<RawKevent>() == crate::layout::Os::Linux.kevent_shape().size);

#[inline]
pub(crate) fn make_kevent(ident: usize, filter: i16, flags: u16, fflags: u32, data: i64, udata: usize) -> RawKevent {
    RawKevent {
        ident,
        filter,
        flags,
        fflags,
        data,
        udata,
    }
}

#[inline]
pub(crate) fn ident(k: &RawKevent) -> usize {
    k.ident
}
#[inline]
pub(crate) fn filter(k: &RawKevent) -> i16 {
    k.filter
}
#[inline]
pub(crate) fn flags(k: &RawKevent) -> u16 {
    k.flags
}
#[inline]
pub(crate) fn fflags(k: &RawKevent) -> u32 {
    k.fflags
}
#[inline]
pub(crate) fn data(k: &RawKevent) -> i64 {
    k.data
}
#[inline]
pub(crate) fn udata(k: &RawKevent) -> usize {
    k.udata
}
#[inline]
pub(crate) fn set_flags(k: &mut RawKevent, v: u16) {
    k.flags = v;
}
#[inline]
pub(crate) fn set_fflags(k: &mut RawKevent, v: u32) {
    k.fflags = v;
}
#[inline]
pub(crate) fn set_data(k: &mut RawKevent, v: i64) {
    k.data = v;
}
#[inline]
pub(crate) fn set_udata(k: &mut RawKevent, v: usize) {
    k.udata = v;
}

/// What a queued knote's evaluation found.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Eval {
    Ready {
        data: i64,
        fflags: u32,
        eof: bool,
    },
    NotReady,
    /// Its descriptor was closed or now names another file: forget it.
    Stale,
}

pub(crate) fn epoll_ctl(ep: RawFd, op: libc::c_int, fd: RawFd, events: u32, data: u64) -> Result<()> {
    let mut ev = libc::epoll_event { events, u64: data };
    // SAFETY: `ev` is a valid epoll_event for the call (ignored for DEL).
    check(unsafe { libc::epoll_ctl(ep, op, fd, &mut ev) })?;
    Ok(())
}

/// epoll_pwait2 (nanosecond timeouts) is Linux ≥ 5.11; older kernels get
/// epoll_wait with the timeout rounded up to milliseconds.
static NO_PWAIT2: AtomicBool = AtomicBool::new(false);

fn epoll_wait(ep: RawFd, buf: &mut [MaybeUninit<libc::epoll_event>], timeout: Option<Duration>) -> Result<usize> {
    let max = buf.len().min(i32::MAX as usize) as libc::c_int;
    let ptr = buf.as_mut_ptr().cast::<libc::epoll_event>();
    let ms = match timeout {
        None => -1,
        Some(d) if d.is_zero() => 0,
        Some(d) => {
            if !NO_PWAIT2.load(Ordering::Relaxed) {
                let ts = libc::timespec {
                    tv_sec: libc::time_t::try_from(d.as_secs()).unwrap_or(libc::time_t::MAX),
                    tv_nsec: libc::c_long::from(d.subsec_nanos() as i32),
                };
                // SAFETY: `ptr` has room for `max` events; `ts` lives for
                // the call; a null sigmask leaves the mask alone.
                let r = unsafe {
                    libc::syscall(
                        libc::SYS_epoll_pwait2,
                        ep,
                        ptr,
                        max,
                        &ts as *const libc::timespec,
                        core::ptr::null::<libc::sigset_t>(),
                        0usize,
                    )
                };
                match check(r) {
                    Ok(n) => return Ok(n as usize),
                    Err(Errno::ENOSYS) => NO_PWAIT2.store(true, Ordering::Relaxed),
                    Err(e) => return Err(e),
                }
            }
            let ms = d.as_nanos().div_ceil(1_000_000);
            i32::try_from(ms).unwrap_or(i32::MAX)
        }
    };
    // SAFETY: `ptr` has room for `max` events.
    let n = check(unsafe { libc::epoll_wait(ep, ptr, max, ms) })?;
    Ok(n as usize)
}

/// Knote flags kept from a change (the action bits are not state).
const KEEP: u16 = EV_ONESHOT | EV_CLEAR | EV_DISPATCH | EV_RECEIPT;
/// Epoll reports read per `epoll_wait`.
const BATCH: usize = 64;

/// The emulated kqueue.
pub(crate) struct Kqueue {
    ep: OwnedFd,
    wake: OwnedFd,
    state: Mutex<State>,
    /// Threads inside a blocking `epoll_wait` (registered under the lock).
    waiters: AtomicUsize,
    /// Whether READ/WRITE `data` is counted (one ioctl per event).
    exact: AtomicBool,
}

impl core::fmt::Debug for Kqueue {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Kqueue")
            .field("epoll", &self.ep)
            .finish_non_exhaustive()
    }
}

impl Kqueue {
    pub(crate) fn new() -> Result<Kqueue> {
        // SAFETY: epoll_create1 takes no pointers.
        let ep = check(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })?;
        // SAFETY: a fresh descriptor, owned by nobody else.
        let ep = unsafe { OwnedFd::from_raw_fd(ep) };
        // SAFETY: eventfd takes no pointers.
        let wake = check(unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) })?;
        // SAFETY: a fresh descriptor, owned by nobody else.
        let wake = unsafe { OwnedFd::from_raw_fd(wake) };
        epoll_ctl(
            ep.as_raw_fd(),
            libc::EPOLL_CTL_ADD,
            wake.as_raw_fd(),
            (libc::EPOLLIN | libc::EPOLLET) as u32,
            encode(TAG_WAKE, 0, 0),
        )?;
        Ok(Kqueue {
            ep,
            wake,
            state: Mutex::new(State::new()),
            waiters: AtomicUsize::new(0),
            exact: AtomicBool::new(true),
        })
    }

    pub(crate) fn as_fd(&self) -> BorrowedFd<'_> {
        self.ep.as_fd()
    }

    pub(crate) fn set_exact_data(&self, exact: bool) {
        self.exact.store(exact, Ordering::Relaxed);
    }

    #[inline]
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the table half
        // updated in a way that is unsafe; keep going.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn wake_one(&self) {
        let one: u64 = 1;
        // SAFETY: writing 8 bytes from a live u64 to our eventfd.
        unsafe { libc::write(self.wake.as_raw_fd(), (&one as *const u64).cast(), 8) };
    }

    pub(crate) fn kevent(&self, changes: &[KEvent], events: &mut [KEvent], timeout: Option<Duration>) -> Result<usize> {
        let mut n = 0usize;
        if !changes.is_empty() {
            let mut st = self.lock();
            let mut failed = None;
            for ch in changes {
                let raw = ch.0;
                let r = self.apply(&mut st, &raw);
                if r.is_ok() && raw.flags & EV_RECEIPT == 0 {
                    continue;
                }
                if let Some(slot) = events.get_mut(n) {
                    let mut e = raw;
                    e.flags = EV_ERROR;
                    e.data = r.err().map_or(0, |e| i64::from(e.raw()));
                    *slot = KEvent(e);
                    n += 1;
                } else if let Err(e) = r {
                    failed = Some(e);
                    break;
                }
            }
            let pending = !st.queue.is_empty();
            drop(st);
            if pending && self.waiters.load(Ordering::SeqCst) > 0 {
                self.wake_one();
            }
            if let Some(e) = failed {
                return Err(e);
            }
        }
        if n > 0 || events.is_empty() {
            return Ok(n);
        }
        self.scan(events, timeout)
    }

    /// Applies one change (KQUEUE.md "Identity and flags").
    fn apply(&self, st: &mut State, ch: &RawKevent) -> Result<()> {
        let f = F::from_raw(ch.filter).ok_or(Errno::EINVAL)?;
        if ch.flags & EV_ONESHOT != 0 && ch.flags & EV_DISPATCH != 0 {
            return Err(Errno::EINVAL);
        }
        let mut slot = st.index.get(&(ch.ident, f)).copied();
        if let Some(s) = slot {
            if ch.flags & EV_ADD != 0 && matches!(f, F::Read | F::Write) && !self.fd_still_valid(st, s) {
                // Closed (or reused) without EV_DELETE: the old knote died
                // with the old file; this is a new one.
                self.forget_stale(st, s);
                slot = None;
            }
        }
        let existed = slot.is_some();
        let s = match slot {
            Some(s) => {
                self.modify(st, s, ch)?;
                s
            }
            None if ch.flags & EV_ADD != 0 => self.attach(st, f, ch)?,
            None => return Err(Errno::ENOENT),
        };
        if ch.flags & EV_DELETE != 0 {
            return self.delete(st, s);
        }
        if let Some(kn) = st.knote(s) {
            if ch.flags & EV_DISABLE != 0 {
                kn.enabled = false;
            } else if ch.flags & (EV_ENABLE | EV_ADD) != 0 {
                kn.enabled = true;
                // Re-evaluate: level filters fire again if still ready.
                // Epoll-watched descriptors are re-armed instead (a new
                // registration already was), so the evaluation comes from
                // one fresh report and an EV_CLEAR knote fires once.
                if matches!(kn.kind, Kind::Fd { .. }) {
                    let ident = kn.ident;
                    // (A modifying EV_ADD re-armed it while checking the
                    // descriptor in `fd_still_valid`.)
                    if existed && ch.flags & EV_ADD == 0 {
                        fd::rearm(st, self.ep.as_raw_fd(), ident);
                    }
                } else {
                    st.enqueue(s);
                }
            } else if matches!(kn.kind, Kind::User { triggered: true }) && kn.enabled {
                st.enqueue(s);
            }
        }
        Ok(())
    }

    fn fd_still_valid(&self, st: &mut State, slot: u32) -> bool {
        let Some(kn) = st.knote(slot) else {
            return false;
        };
        let Ok(fd) = fd::raw_fd(kn.ident) else {
            return false;
        };
        match kn.kind {
            Kind::File { dev, ino, .. } => fd::fstat(fd).is_ok_and(|s| (s.st_dev, s.st_ino) == (dev, ino)),
            _ => match st.fd_reg(fd).copied().filter(|r| r.gen != 0) {
                Some(r) => epoll_ctl(
                    self.ep.as_raw_fd(),
                    libc::EPOLL_CTL_MOD,
                    fd,
                    r.events | libc::EPOLLET as u32,
                    encode(TAG_FD, fd as u32, r.gen),
                )
                .is_ok(),
                None => false,
            },
        }
    }

    /// Forgets a READ/WRITE knote whose descriptor went away.
    fn forget_stale(&self, st: &mut State, slot: u32) {
        let Some(kn) = st.knote(slot) else {
            return;
        };
        let ident = kn.ident;
        match kn.kind {
            Kind::File { wd, .. } => {
                vnode::unwatch(st, wd, slot);
                st.release(slot);
            }
            _ => {
                if let Ok(fd) = fd::raw_fd(ident) {
                    fd::drop_fd(st, fd);
                }
                st.release(slot);
            }
        }
    }

    fn attach(&self, st: &mut State, f: F, ch: &RawKevent) -> Result<u32> {
        let ep = self.ep.as_raw_fd();
        let mut kn = Knote {
            ident: ch.ident,
            filter: f,
            flags: ch.flags & KEEP,
            sfflags: ch.fflags,
            sdata: ch.data,
            udata: ch.udata,
            enabled: ch.flags & EV_DISABLE == 0,
            queued: false,
            data: 0,
            fflags: 0,
            eof: false,
            delivered: 0,
            kind: Kind::Fd { fresh: 0 },
        };
        match f {
            F::Read | F::Write => fd::attach(st, ep, kn),
            F::Timer => {
                let spec = timer::spec(ch.fflags, ch.data)?;
                let tfd = timer::create(spec.abs)?;
                timer::arm(&tfd, spec, kn.flags)?;
                kn.kind = Kind::Timer { tfd, abs: spec.abs };
                let slot = st.alloc(kn);
                let gen = st.slot_gen(slot);
                let reg = match st.knote(slot).map(|k| &k.kind) {
                    Some(Kind::Timer { tfd, .. }) => timer::register(ep, tfd, slot, gen),
                    _ => Err(Errno::EINVAL),
                };
                if let Err(e) = reg {
                    st.release(slot);
                    return Err(e);
                }
                Ok(slot)
            }
            F::Signal => {
                let sig = i32::try_from(ch.ident).map_err(|_| Errno::EINVAL)?;
                signal::register(sig)?;
                if !st.signal_registered {
                    let added = match signal::wake_fd() {
                        Some(wfd) => epoll_ctl(
                            ep,
                            libc::EPOLL_CTL_ADD,
                            wfd,
                            (libc::EPOLLIN | libc::EPOLLET) as u32,
                            encode(TAG_SPECIAL, table::SPECIAL_SIGNAL, 0),
                        ),
                        None => Err(Errno::EINVAL),
                    };
                    if let Err(e) = added {
                        signal::unregister(sig);
                        return Err(e);
                    }
                    st.signal_registered = true;
                }
                kn.kind = Kind::Signal {
                    sig,
                    seen: signal::count(sig),
                };
                let slot = st.alloc(kn);
                st.signal_slots.push(slot);
                Ok(slot)
            }
            F::User => {
                let (bits, triggered) = user::apply(0, ch.fflags);
                kn.sfflags = if ch.fflags & NOTE_FFCTRLMASK == NOTE_FFNOP {
                    ch.fflags & NOTE_FFLAGSMASK
                } else {
                    bits
                };
                kn.kind = Kind::User { triggered };
                let slot = st.alloc(kn);
                if triggered {
                    st.enqueue(slot);
                }
                Ok(slot)
            }
            F::Proc => {
                if ch.fflags & !NOTE_EXIT != 0 {
                    // NOTE_FORK, NOTE_EXEC, NOTE_TRACK: Linux has no way
                    // to watch those for another process.
                    return Err(Errno::EINVAL);
                }
                let pidfd = proc_::open(ch.ident)?;
                kn.kind = Kind::Proc { pidfd, exited: false };
                let slot = st.alloc(kn);
                let gen = st.slot_gen(slot);
                let reg = match st.knote(slot).map(|k| &k.kind) {
                    Some(Kind::Proc { pidfd, .. }) => proc_::register(ep, pidfd, slot, gen),
                    _ => Err(Errno::EINVAL),
                };
                if let Err(e) = reg {
                    st.release(slot);
                    return Err(e);
                }
                Ok(slot)
            }
            F::Vnode => {
                let fd = fd::raw_fd(ch.ident)?;
                let s = fd::fstat(fd)?;
                let fmt = s.st_mode & libc::S_IFMT;
                if fmt != libc::S_IFREG && fmt != libc::S_IFDIR && fmt != libc::S_IFLNK {
                    return Err(Errno::EINVAL);
                }
                let dir = fmt == libc::S_IFDIR;
                let wd = vnode::watch(st, ep, fd)?;
                let pwd = if dir {
                    vnode::watch_parent(st, fd).unwrap_or(-1)
                } else {
                    -1
                };
                kn.kind = Kind::Vnode {
                    wd,
                    pwd,
                    dev: s.st_dev,
                    ino: s.st_ino,
                    size: s.st_size,
                    nlink: s.st_nlink,
                    dir,
                };
                let slot = st.alloc(kn);
                vnode::add_watcher(st, wd, slot);
                if pwd >= 0 {
                    vnode::add_watcher(st, pwd, slot);
                }
                Ok(slot)
            }
        }
    }

    /// A change to an existing knote (EV_ADD modifies; any change replaces
    /// `udata`, as on FreeBSD).
    fn modify(&self, st: &mut State, slot: u32, ch: &RawKevent) -> Result<()> {
        let add = ch.flags & EV_ADD != 0;
        let ep = self.ep.as_raw_fd();
        let Some(kn) = st.knote(slot) else {
            return Err(Errno::ENOENT);
        };
        // Validate first, so a rejected change leaves the knote untouched.
        let timer_spec = match (&kn.kind, add) {
            (Kind::Timer { .. }, true) => Some(timer::spec(ch.fflags, ch.data)?),
            _ => None,
        };
        if add && kn.filter == F::Proc && ch.fflags & !NOTE_EXIT != 0 {
            return Err(Errno::EINVAL);
        }
        kn.udata = ch.udata;
        if add {
            kn.flags = ch.flags & KEEP;
        }
        match &mut kn.kind {
            Kind::User { triggered } => {
                let (bits, trig) = user::apply(kn.sfflags, ch.fflags);
                kn.sfflags = bits;
                kn.sdata = ch.data;
                if trig {
                    *triggered = true;
                }
            }
            Kind::Timer { tfd, abs } => {
                if let Some(spec) = timer_spec {
                    if spec.abs != *abs {
                        // The clock is fixed at creation: a new timerfd.
                        let new = timer::create(spec.abs)?;
                        let gen = st.slot_gen(slot);
                        timer::register(ep, &new, slot, gen)?;
                        let Some(kn) = st.knote(slot) else {
                            return Err(Errno::ENOENT);
                        };
                        if let Kind::Timer { tfd, abs } = &mut kn.kind {
                            let _ = epoll_ctl(ep, libc::EPOLL_CTL_DEL, tfd.as_raw_fd(), 0, 0);
                            *tfd = new;
                            *abs = spec.abs;
                        }
                    }
                    let Some(kn) = st.knote(slot) else {
                        return Err(Errno::ENOENT);
                    };
                    if let Kind::Timer { tfd, .. } = &kn.kind {
                        // Re-adding restarts the timer and forgets what
                        // was pending.
                        timer::expirations(tfd);
                        timer::arm(tfd, spec, kn.flags)?;
                    }
                    kn.data = 0;
                    kn.sfflags = ch.fflags;
                    kn.sdata = ch.data;
                } else {
                    let _ = tfd;
                }
            }
            _ => {
                if add {
                    kn.sfflags = ch.fflags;
                    kn.sdata = ch.data;
                }
            }
        }
        Ok(())
    }

    /// Removes a knote and releases what it holds.
    fn delete(&self, st: &mut State, slot: u32) -> Result<()> {
        let ep = self.ep.as_raw_fd();
        let Some(kn) = st.knote(slot) else {
            return Err(Errno::ENOENT);
        };
        match &kn.kind {
            Kind::Fd { .. } | Kind::File { .. } => {
                let info = fd::FdInfo::of(kn);
                let r = fd::detach(st, ep, slot, info);
                st.release(slot);
                r
            }
            Kind::Timer { tfd, .. } => {
                let _ = epoll_ctl(ep, libc::EPOLL_CTL_DEL, tfd.as_raw_fd(), 0, 0);
                st.release(slot);
                Ok(())
            }
            Kind::Proc { pidfd, .. } => {
                let _ = epoll_ctl(ep, libc::EPOLL_CTL_DEL, pidfd.as_raw_fd(), 0, 0);
                st.release(slot);
                Ok(())
            }
            Kind::Signal { sig, .. } => {
                let sig = *sig;
                st.release(slot);
                signal::unregister(sig);
                Ok(())
            }
            Kind::Vnode { wd, pwd, .. } => {
                let (wd, pwd) = (*wd, *pwd);
                vnode::unwatch(st, wd, slot);
                vnode::unwatch(st, pwd, slot);
                st.release(slot);
                Ok(())
            }
            Kind::User { .. } => {
                st.release(slot);
                Ok(())
            }
        }
    }

    /// Waits for events and writes them into `out`.
    ///
    /// A polling call asks epoll first (fresh reports make the cheapest
    /// evaluations). A call that may block first looks at the knotes
    /// already queued (level-triggered ones delivered before): if none is
    /// ready any more it blocks straight away, without a polling round.
    fn scan(&self, out: &mut [KEvent], timeout: Option<Duration>) -> Result<usize> {
        let poll_only = timeout == Some(Duration::ZERO);
        let deadline = match timeout {
            Some(t) if !t.is_zero() => Instant::now().checked_add(t),
            _ => None,
        };
        let mut buf = [MaybeUninit::<libc::epoll_event>::uninit(); BATCH];
        loop {
            let mut n = 0;
            let mut waiting = false;
            let wait = if poll_only {
                Some(Duration::ZERO)
            } else {
                let mut st = self.lock();
                st.scan = st.scan.wrapping_add(1);
                if !st.queue.is_empty() {
                    n = self.collect(&mut st, out);
                }
                if n > 0 || !st.queue.is_empty() {
                    Some(Duration::ZERO)
                } else {
                    self.waiters.fetch_add(1, Ordering::SeqCst);
                    waiting = true;
                    match deadline {
                        Some(d) => Some(d.saturating_duration_since(Instant::now())),
                        None if timeout.is_some() => Some(Duration::ZERO),
                        None => None,
                    }
                }
            };
            let room = out.len().saturating_sub(n).min(BATCH);
            let r = if room == 0 {
                Ok(0)
            } else {
                let marks = signal::interrupt_marks();
                match epoll_wait(self.ep.as_raw_fd(), &mut buf[..room], wait) {
                    // Interrupted only by a signal the program ignores
                    // (which the signal recorder had to catch): not the
                    // caller's business; its event is pending now.
                    Err(Errno::EINTR) if signal::only_ignored_since(marks) => Ok(0),
                    r => r,
                }
            };
            if waiting {
                self.waiters.fetch_sub(1, Ordering::SeqCst);
            }
            let nev = match r {
                Ok(k) => k,
                // Events already collected go out; the error can recur.
                Err(_) if n > 0 => 0,
                Err(e) => return Err(e),
            };
            let mut st = self.lock();
            if poll_only {
                st.scan = st.scan.wrapping_add(1);
            }
            for ev in buf.iter().take(nev) {
                // SAFETY: epoll_wait initialised the first `nev` entries.
                let ev = unsafe { ev.assume_init_read() };
                self.process(&mut st, ev.events, ev.u64);
            }
            if let Some(rest) = out.get_mut(n..) {
                n += self.collect(&mut st, rest);
            }
            let leftover = !st.queue.is_empty();
            drop(st);
            if leftover && self.waiters.load(Ordering::SeqCst) > 0 {
                // Hand what this caller had no room for to a waiting one.
                self.wake_one();
            }
            if n > 0 || poll_only {
                return Ok(n);
            }
            if let Some(d) = deadline {
                if Instant::now() >= d {
                    return Ok(0);
                }
            } else if timeout.is_some() {
                return Ok(0);
            }
        }
    }

    /// Routes one epoll report.
    #[inline]
    fn process(&self, st: &mut State, mask: u32, data: u64) {
        let (tag, index, gen) = decode(data);
        match tag {
            TAG_FD => fd::on_report(st, index, gen, mask),
            TAG_SLOT => {
                if st.slot_gen(index) != gen {
                    return;
                }
                let Some(kn) = st.knote(index) else {
                    return;
                };
                let enabled = kn.enabled;
                let fire = match &mut kn.kind {
                    Kind::Timer { tfd, .. } => {
                        let n = timer::expirations(tfd);
                        kn.data = kn.data.saturating_add(i64::try_from(n).unwrap_or(i64::MAX));
                        kn.data > 0
                    }
                    Kind::Proc { pidfd, exited } => {
                        if !*exited {
                            *exited = true;
                            kn.data = proc_::status(pidfd);
                        }
                        true
                    }
                    _ => false,
                };
                if fire && enabled {
                    st.enqueue(index);
                }
            }
            TAG_WAKE => {
                let mut v: u64 = 0;
                // SAFETY: reading 8 bytes into a live u64 (drains the
                // eventfd; EAGAIN if another thread drained it).
                unsafe { libc::read(self.wake.as_raw_fd(), (&mut v as *mut u64).cast(), 8) };
            }
            _ => {
                if index == table::SPECIAL_SIGNAL {
                    if let Some(wfd) = signal::wake_fd() {
                        let mut v: u64 = 0;
                        // SAFETY: as above, on the process-wide eventfd.
                        unsafe { libc::read(wfd, (&mut v as *mut u64).cast(), 8) };
                    }
                    for i in 0..st.signal_slots.len() {
                        let Some(&s) = st.signal_slots.get(i) else {
                            break;
                        };
                        if st.knote(s).is_some_and(|k| k.enabled) {
                            st.enqueue(s);
                        }
                    }
                } else {
                    vnode::drain(st);
                }
            }
        }
    }

    /// Delivers queued knotes into `out`; returns how many.
    fn collect(&self, st: &mut State, out: &mut [KEvent]) -> usize {
        let ep = self.ep.as_raw_fd();
        let exact = self.exact.load(Ordering::Relaxed);
        let st_scan = st.scan;
        let mut n = 0;
        let len = st.queue.len();
        for _ in 0..len {
            if n >= out.len() {
                break;
            }
            let Some((slot, gen)) = st.queue.pop_front() else {
                break;
            };
            if st.slot_gen(slot) != gen {
                continue;
            }
            let Some(kn) = st.knote(slot) else {
                continue;
            };
            kn.queued = false;
            if !kn.enabled {
                continue;
            }
            if kn.delivered == st_scan {
                // Already reported by this call: look again next time.
                kn.queued = true;
                st.queue.push_back((slot, gen));
                continue;
            }
            let ev = match &mut kn.kind {
                Kind::Fd { .. } | Kind::File { .. } => fd::eval(st, ep, slot, exact),
                Kind::Timer { .. } => ready_if(kn.data > 0, kn.data, kn.sfflags, false),
                Kind::Signal { sig, seen } => {
                    let now = signal::count(*sig);
                    let d = now.wrapping_sub(*seen);
                    *seen = now;
                    kn.data = kn.data.saturating_add(i64::try_from(d).unwrap_or(i64::MAX));
                    ready_if(kn.data > 0, kn.data, kn.sfflags, false)
                }
                Kind::User { triggered } => ready_if(*triggered, kn.sdata, kn.sfflags & NOTE_FFLAGSMASK, false),
                Kind::Proc { exited, .. } => ready_if(*exited, kn.data, kn.sfflags & NOTE_EXIT, true),
                Kind::Vnode { .. } => ready_if(kn.fflags != 0, 0, kn.fflags, false),
            };
            let (data, fflags, eof) = match ev {
                Eval::Ready { data, fflags, eof } => (data, fflags, eof),
                Eval::NotReady => continue,
                Eval::Stale => {
                    self.forget_stale(st, slot);
                    continue;
                }
            };
            let Some(kn) = st.knote(slot) else {
                continue;
            };
            let proc_exit = matches!(kn.kind, Kind::Proc { .. });
            let mut flags = kn.flags;
            if eof {
                flags |= EV_EOF;
            }
            if proc_exit {
                flags |= EV_ONESHOT;
            }
            kn.delivered = st_scan;
            if let Some(o) = out.get_mut(n) {
                *o = KEvent(RawKevent {
                    ident: kn.ident,
                    filter: filter_raw(kn.filter),
                    flags,
                    fflags,
                    data,
                    udata: kn.udata,
                });
                n += 1;
            }
            if flags & EV_ONESHOT != 0 {
                let _ = self.delete(st, slot);
                continue;
            }
            let clear = kn.flags & EV_CLEAR != 0;
            let level = match &mut kn.kind {
                Kind::Timer { .. } | Kind::Signal { .. } | Kind::Vnode { .. } | Kind::Proc { .. } => {
                    kn.data = 0;
                    kn.fflags = 0;
                    false
                }
                Kind::User { triggered } => {
                    if clear {
                        *triggered = false;
                    }
                    !clear
                }
                Kind::Fd { .. } | Kind::File { .. } => !clear,
            };
            if kn.flags & EV_DISPATCH != 0 {
                kn.enabled = false;
            } else if level {
                st.enqueue(slot);
            }
        }
        n
    }
}

fn ready_if(ready: bool, data: i64, fflags: u32, eof: bool) -> Eval {
    if ready {
        Eval::Ready { data, fflags, eof }
    } else {
        Eval::NotReady
    }
}

fn filter_raw(f: F) -> i16 {
    match f {
        F::Read => -1,
        F::Write => -2,
        F::Vnode => -4,
        F::Proc => -5,
        F::Signal => -6,
        F::Timer => -7,
        F::User => -11,
    }
}

impl Drop for Kqueue {
    fn drop(&mut self) {
        // Descriptors close with the table; signal recorders are
        // process-wide and need their reference released.
        let st = self.state.get_mut().unwrap_or_else(|e| e.into_inner());
        for s in &st.slots {
            if let Some(Knote {
                kind: Kind::Signal { sig, .. },
                ..
            }) = &s.knote
            {
                signal::unregister(*sig);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_numbers_round_trip() {
        for f in [F::Read, F::Write, F::Vnode, F::Proc, F::Signal, F::Timer, F::User] {
            assert_eq!(F::from_raw(filter_raw(f)), Some(f));
        }
        assert_eq!(F::from_raw(-3), None);
        assert_eq!(F::from_raw(0), None);
    }
}
