//! The queue: `Kqueue` on Linux. It applies changes (handing each to its
//! filter's module), waits in `epoll_wait`, routes the reports to the
//! knotes, and collects the events.
//!
//! # Concurrency
//! `epoll_wait` runs without the lock, so any number of threads can wait
//! while others register, trigger or delete. Every report is turned into
//! an event under the lock, after checking the generation its epoll data
//! carries: a knote deleted (even while another thread sat in
//! `epoll_wait`) never produces an event after the delete returned, and
//! an event is written into exactly one caller's list.
//!
//! # The pending queue and the wake descriptor
//! Knotes whose readiness epoll does not carry by itself (a triggered
//! user event, a timer or signal count, a process exit, vnode notes, a
//! level knote to re-check) wait on the table's pending queue. An eventfd
//! in the epoll, level-triggered, is kept readable exactly while that
//! queue is not empty: it wakes waiting threads and makes the kqueue's
//! descriptor readable whenever a zero-timeout `kevent` has something to
//! return. Level-triggered descriptors need no queue: their registration
//! is level-triggered too (see `fd.rs`).
//!
//! # The hot path
//! `kevent` with no changes: one atomic load (the fork check),
//! `epoll_wait` into a stack buffer, one uncontended lock, and for a READ
//! or WRITE event with exact `data` the one `ioctl` that counts bytes. No
//! allocation.

use super::cn_proc::Event;
use super::connector::{self, Inbox, Note};
use super::fd::{self, FdKnote, Placed, Want};
use super::file;
use super::fork;
use super::inotify::{Inotify, Record, SPECIAL_INOTIFY};
use super::kevent::*;
use super::knote::Kind;
use super::os;
use super::proc_::{self, ProcKnote};
use super::signal::{self, SignalKnote, SPECIAL_SIGNAL};
use super::table::{decode, encode, Knote, Table, TAG_FD, TAG_SLOT, TAG_SPECIAL, TAG_WAKE};
use super::timer::{self, TimerKnote};
use super::user::{self, UserKnote};
use super::vnode;
use crate::KEvent;
use bsd_errno::{Errno, Result};
use core::mem::MaybeUninit;
use core::time::Duration;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// Knote flags kept from the first `EV_ADD` (the action bits are not state).
const KEEP: u16 = EV_ONESHOT | EV_CLEAR | EV_DISPATCH | EV_RECEIPT;
/// Flags that make a knote fire on new activity only.
const EDGE: u16 = EV_ONESHOT | EV_CLEAR | EV_DISPATCH;
/// Epoll reports read per `epoll_wait` (more rounds follow while the
/// caller's buffer has room and reports keep coming).
const BATCH: usize = 256;

/// Everything mutable of one kqueue, behind its mutex.
struct State {
    table: Table<Kind>,
    fds: fd::Regs,
    inotify: Option<Inotify>,
    /// Slots of the signal knotes (checked when a signal arrives).
    signals: Vec<u32>,
    /// Whether the process-wide signal eventfd is in this epoll.
    signal_registered: bool,
    /// This kqueue's share of the process-event connector (made at the
    /// first NOTE_FORK/EXEC/TRACK knote, released when none is left).
    inbox: Option<Arc<Inbox>>,
    /// Whether the wake eventfd is readable (exactly while the pending
    /// queue is not empty).
    armed: bool,
    /// Numbers the `kevent` calls (a knote is reported once per call).
    calls: u32,
}

/// The emulated kqueue.
pub(crate) struct Kqueue {
    ep: OwnedFd,
    wake: OwnedFd,
    state: Mutex<State>,
    /// Whether READ/WRITE `data` is counted (one ioctl per event).
    exact: AtomicBool,
    /// The fork generation at creation.
    forks: u64,
}

impl core::fmt::Debug for Kqueue {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Kqueue")
            .field("epoll", &self.ep)
            .finish_non_exhaustive()
    }
}

fn ready_if(ready: bool, data: i64, fflags: u32, eof: bool) -> Eval {
    if ready {
        Eval::Ready { data, fflags, eof }
    } else {
        Eval::NotReady
    }
}

impl Kqueue {
    pub(crate) fn new() -> Result<Kqueue> {
        let forks = fork::generation();
        let ep = os::epoll_create()?;
        let wake = os::eventfd()?;
        os::epoll_ctl(
            ep.as_raw_fd(),
            libc::EPOLL_CTL_ADD,
            wake.as_raw_fd(),
            libc::EPOLLIN as u32,
            encode(TAG_WAKE, 0, 0),
        )?;
        Ok(Kqueue {
            ep,
            wake,
            state: Mutex::new(State {
                table: Table::new(),
                fds: fd::Regs::default(),
                inotify: None,
                signals: Vec::new(),
                signal_registered: false,
                inbox: None,
                armed: false,
                calls: 0,
            }),
            exact: AtomicBool::new(true),
            forks,
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

    #[inline]
    fn ep(&self) -> RawFd {
        self.ep.as_raw_fd()
    }

    /// Keeps the wake eventfd readable exactly while knotes are pending.
    /// Returns whether the caller must make it readable, which it does
    /// after releasing the lock ([`Kqueue::arm`]), so the thread it wakes
    /// does not find the lock still held. A write that lands after the
    /// queue emptied again is drained by the next report of it.
    #[inline]
    #[must_use]
    fn sync_wake(&self, st: &mut State) -> bool {
        let pending = st.table.queue_len() > 0;
        if pending == st.armed {
            return false;
        }
        st.armed = pending;
        if !pending {
            os::counter_take(self.wake.as_raw_fd());
        }
        pending
    }

    #[inline]
    fn arm(&self, arm: bool) {
        if arm {
            os::eventfd_add(self.wake.as_raw_fd());
        }
    }

    pub(crate) fn kevent(&self, changes: &[KEvent], events: &mut [KEvent], timeout: Option<Duration>) -> Result<usize> {
        if fork::since(self.forks) {
            // A forked child's copy: FreeBSD gives the child no kqueue.
            return Err(Errno::EBADF);
        }
        let mut n = 0usize;
        if !changes.is_empty() {
            let mut st = self.lock();
            let mut failed = None;
            for ch in changes {
                let raw = as_change(&ch.0);
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
            let arm = self.sync_wake(&mut st);
            drop(st);
            self.arm(arm);
            if let Some(e) = failed {
                return Err(e);
            }
        }
        if n > 0 || events.is_empty() {
            return Ok(n);
        }
        self.wait(events, timeout)
    }

    /// Applies one change (FreeBSD's `kqueue_register`).
    fn apply(&self, st: &mut State, ch: &RawKevent) -> Result<()> {
        if !known_filter(ch.filter) {
            return Err(Errno::EINVAL);
        }
        if ch.flags & EV_ONESHOT != 0 && ch.flags & EV_DISPATCH != 0 {
            return Err(Errno::EINVAL);
        }
        match st.table.find(ch.ident, ch.filter) {
            None if ch.flags & EV_ADD != 0 => {
                let slot = self.attach(st, ch)?;
                if ch.flags & EV_DELETE != 0 {
                    return self.delete(st, slot);
                }
                Ok(())
            }
            None => Err(Errno::ENOENT),
            Some(slot) if ch.flags & EV_DELETE != 0 => self.delete(st, slot),
            Some(slot) => self.modify(st, slot, ch),
        }
    }

    /// Adds a new knote; returns its slot.
    fn attach(&self, st: &mut State, ch: &RawKevent) -> Result<u32> {
        let ep = self.ep();
        let mut kn = Knote {
            ident: ch.ident,
            filter: ch.filter,
            flags: ch.flags & KEEP,
            sfflags: ch.fflags,
            sdata: ch.data,
            udata: ch.udata,
            enabled: ch.flags & EV_DISABLE == 0,
            queued: false,
            data: 0,
            fflags: 0,
            delivered: 0,
            kind: Kind::Attaching,
        };
        match ch.filter {
            EVFILT_READ | EVFILT_WRITE => {
                let fd = os::raw_fd(ch.ident)?;
                let want = Want::of(kn.enabled, kn.flags & EDGE != 0, kn.sfflags);
                let slot = st.table.insert(kn);
                let gen = st.table.gen();
                match fd::attach(&mut st.fds, ep, gen, fd, ch.filter, want, slot) {
                    Ok(Placed::Epoll { dead }) => {
                        bury(st, dead);
                        set_kind(st, slot, Kind::Fd(FdKnote::default()));
                        Ok(slot)
                    }
                    Ok(Placed::NotPollable) => {
                        let r = os::fstat(fd).and_then(|s| {
                            let ino = inotify(st, ep)?;
                            file::attach(ino, fd, ch.filter, slot, &s)
                        });
                        self.finish(st, slot, r.map(Kind::File), true)
                    }
                    Err(e) => {
                        st.table.remove(slot);
                        Err(e)
                    }
                }
            }
            EVFILT_TIMER => {
                let spec = timer::spec(ch.fflags, ch.data)?;
                let tfd = timer::create(spec.abs)?;
                kn.flags |= EV_CLEAR;
                timer::arm(&tfd, spec, kn.flags)?;
                let slot = st.table.insert(kn);
                let gen = st.table.slot_gen(slot);
                let r = timer::register(ep, &tfd, slot, gen).map(|()| Kind::Timer(TimerKnote { tfd, abs: spec.abs }));
                self.finish(st, slot, r, false)
            }
            EVFILT_SIGNAL => {
                let sig = i32::try_from(ch.ident).map_err(|_| Errno::EINVAL)?;
                signal::register(sig)?;
                if !st.signal_registered {
                    let added = match signal::wake_fd() {
                        Some(wfd) => os::epoll_ctl(
                            ep,
                            libc::EPOLL_CTL_ADD,
                            wfd,
                            (libc::EPOLLIN | libc::EPOLLET) as u32,
                            encode(TAG_SPECIAL, SPECIAL_SIGNAL, 0),
                        ),
                        None => Err(Errno::EINVAL),
                    };
                    if let Err(e) = added {
                        signal::unregister(sig);
                        return Err(e);
                    }
                    st.signal_registered = true;
                }
                kn.flags |= EV_CLEAR;
                kn.kind = Kind::Signal(SignalKnote {
                    sig,
                    seen: signal::count(sig),
                });
                let slot = st.table.insert(kn);
                st.signals.push(slot);
                Ok(slot)
            }
            EVFILT_USER => {
                let (bits, triggered) = user::apply(0, ch.fflags);
                kn.sfflags = if ch.fflags & NOTE_FFCTRLMASK == NOTE_FFNOP {
                    ch.fflags & NOTE_FFLAGSMASK
                } else {
                    bits
                };
                kn.kind = Kind::User(UserKnote { triggered });
                let slot = st.table.insert(kn);
                if triggered {
                    st.table.enqueue(slot);
                }
                Ok(slot)
            }
            EVFILT_PROC => {
                if ch.fflags & !proc_::ACCEPTED != 0 {
                    // NOTE_TRACKERR and NOTE_CHILD are output only.
                    return Err(Errno::EINVAL);
                }
                // Notes stamped before this instant happened before the add.
                let since = connector::now_ns();
                let pidfd = proc_::open(ch.ident)?;
                let inbox = if ch.fflags & proc_::LIFECYCLE != 0 {
                    Some(self.inbox(st)?)
                } else {
                    None
                };
                kn.flags |= EV_CLEAR;
                let slot = st.table.insert(kn);
                let gen = st.table.slot_gen(slot);
                let r = proc_::register(ep, &pidfd, slot, gen).map(|()| Kind::Proc(ProcKnote::new(pidfd, since)));
                let slot = self.finish(st, slot, r, false)?;
                if let Some(ib) = inbox {
                    // `open` proved the ident is a positive pid.
                    ib.watch(ch.ident as i32, ch.fflags & NOTE_TRACK != 0);
                }
                Ok(slot)
            }
            EVFILT_PROCDESC => {
                // The program's process descriptor (a pidfd), duplicated:
                // the same exit report as EVFILT_PROC, never reaping.
                if ch.fflags & !NOTE_EXIT != 0 {
                    return Err(Errno::EINVAL);
                }
                let pidfd = proc_::dup_desc(ch.ident)?;
                let slot = st.table.insert(kn);
                let gen = st.table.slot_gen(slot);
                let r = proc_::register(ep, &pidfd, slot, gen).map(|()| Kind::Proc(ProcKnote::new(pidfd, 0)));
                self.finish(st, slot, r, false)
            }
            _ => {
                // EVFILT_VNODE (the filter is known).
                let fd = os::raw_fd(ch.ident)?;
                let slot = st.table.insert(kn);
                let r = inotify(st, ep).and_then(|ino| vnode::attach(ino, fd, slot, ch.fflags));
                self.finish(st, slot, r.map(Kind::Vnode), false)
            }
        }
    }

    /// Completes an attach: stores the filter's part, or undoes the slot.
    fn finish(&self, st: &mut State, slot: u32, kind: Result<Kind>, evaluate: bool) -> Result<u32> {
        match kind {
            Ok(k) => {
                set_kind(st, slot, k);
                if evaluate {
                    st.table.enqueue(slot);
                }
                Ok(slot)
            }
            Err(e) => {
                if let Some(kn) = st.table.remove(slot) {
                    // Watches taken before the failure.
                    drop_watches(st, &kn, slot);
                }
                Err(e)
            }
        }
    }

    /// A change to an existing knote: the new `udata`, the filter's input
    /// (`fflags`, `data`), enable/disable, then a re-evaluation. The
    /// knote's flags stay as first added (FreeBSD's `kqueue_register`).
    fn modify(&self, st: &mut State, slot: u32, ch: &RawKevent) -> Result<()> {
        let ep = self.ep();
        let add = ch.flags & EV_ADD != 0;
        let filter = st.table.get(slot).map(|k| k.filter);
        if filter == Some(EVFILT_PROC) {
            if ch.fflags & !proc_::ACCEPTED != 0 {
                return Err(Errno::EINVAL);
            }
            let inbox = if ch.fflags & proc_::LIFECYCLE != 0 {
                Some(self.inbox(st)?)
            } else {
                st.inbox.clone()
            };
            // The pid is watched exactly while the knote asks for notes
            // of the connector.
            if let Some(ib) = inbox {
                let pid = ch.ident as i32;
                if ch.fflags & proc_::LIFECYCLE != 0 {
                    ib.watch(pid, ch.fflags & NOTE_TRACK != 0);
                } else {
                    ib.unwatch(pid);
                    self.release_idle_inbox(st);
                }
            }
        }
        let Some(kn) = st.table.get(slot) else {
            return Err(Errno::ENOENT);
        };
        // Validate first, so a rejected change leaves the knote untouched.
        let timer_spec = match (&kn.kind, add) {
            (Kind::Timer(_), true) => Some(timer::spec(ch.fflags, ch.data)?),
            _ => None,
        };
        if kn.filter == EVFILT_PROCDESC && ch.fflags & !NOTE_EXIT != 0 {
            return Err(Errno::EINVAL);
        }
        if add {
            if let (Kind::Vnode(v), Some(ino)) = (&mut kn.kind, st.inotify.as_mut()) {
                // Newly asked access notes need their inotify events.
                vnode::widen(ino, v, kn.ident, slot, ch.fflags)?;
            }
        }
        // A READ/WRITE knote whose descriptor went away died with it.
        let alive = match &kn.kind {
            Kind::File(f) => os::raw_fd(kn.ident).is_ok_and(|fd| file::same_file(f, fd)),
            _ => true,
        };
        if !alive {
            return self.replace_dead(st, slot, ch, Errno::ENOENT);
        }
        let Some(kn) = st.table.get(slot) else {
            return Err(Errno::ENOENT);
        };
        kn.udata = ch.udata;
        if ch.flags & EV_ENABLE != 0 {
            kn.enabled = true;
        } else if ch.flags & EV_DISABLE != 0 {
            kn.enabled = false;
        }
        match &mut kn.kind {
            Kind::User(u) => {
                let (bits, trig) = user::apply(kn.sfflags, ch.fflags);
                kn.sfflags = bits;
                kn.sdata = ch.data;
                if trig {
                    u.triggered = true;
                }
            }
            Kind::Timer(t) => {
                if let Some(spec) = timer_spec {
                    if spec.abs != t.abs {
                        // The clock is fixed at creation: a new timerfd.
                        let new = timer::create(spec.abs)?;
                        timer::register(ep, &new, slot, st.table.slot_gen(slot))?;
                        let Some(Knote {
                            kind: Kind::Timer(t), ..
                        }) = st.table.get(slot)
                        else {
                            return Err(Errno::ENOENT);
                        };
                        let _ = os::epoll_ctl(ep, libc::EPOLL_CTL_DEL, t.tfd.as_raw_fd(), 0, 0);
                        t.tfd = new;
                        t.abs = spec.abs;
                    }
                    let Some(kn) = st.table.get(slot) else {
                        return Err(Errno::ENOENT);
                    };
                    if let Kind::Timer(t) = &kn.kind {
                        // Re-adding restarts the timer and forgets what
                        // was pending.
                        timer::expirations(&t.tfd);
                        timer::arm(&t.tfd, spec, kn.flags)?;
                    }
                    kn.data = 0;
                    kn.sfflags = ch.fflags;
                    kn.sdata = ch.data;
                }
            }
            Kind::Proc(p) => {
                if kn.sfflags & proc_::LIFECYCLE == 0 && ch.fflags & proc_::LIFECYCLE != 0 {
                    // Newly watched through the connector: what happened
                    // before this change is not reported.
                    p.since = connector::now_ns();
                }
                kn.sfflags = ch.fflags;
                kn.sdata = ch.data;
            }
            _ => {
                kn.sfflags = ch.fflags;
                kn.sdata = ch.data;
            }
        }
        let Some(kn) = st.table.get(slot) else {
            return Err(Errno::ENOENT);
        };
        if let Kind::Fd(_) = kn.kind {
            // Re-arm: the descriptor reports again if ready, and the
            // registration follows an enable or disable.
            let want = Want::of(kn.enabled, kn.flags & EDGE != 0, kn.sfflags);
            let (ident, filter) = (kn.ident, kn.filter);
            let fd = os::raw_fd(ident)?;
            return match fd::update(&mut st.fds, ep, fd, filter, want) {
                Ok(()) => Ok(()),
                Err(e @ (Errno::ENOENT | Errno::EBADF)) => self.replace_dead(st, slot, ch, e),
                Err(e) => Err(e),
            };
        }
        st.table.enqueue(slot);
        Ok(())
    }

    /// A READ/WRITE knote whose descriptor was closed (or now names another
    /// file): it is gone, as close(2) removes it on a BSD. `EV_ADD` makes a
    /// new one for the file the number names now; anything else fails
    /// with `err` (EBADF: closed; ENOENT: another file).
    fn replace_dead(&self, st: &mut State, slot: u32, ch: &RawKevent, err: Errno) -> Result<()> {
        self.forget(st, slot);
        if ch.flags & EV_ADD != 0 {
            self.attach(st, ch).map(|_| ())
        } else {
            Err(err)
        }
    }

    /// Forgets a READ/WRITE knote whose descriptor went away (and the other
    /// knote of the same descriptor), telling epoll nothing.
    fn forget(&self, st: &mut State, slot: u32) {
        let Some(kn) = st.table.remove(slot) else {
            return;
        };
        match &kn.kind {
            Kind::Fd(_) => {
                if let Ok(fd) = os::raw_fd(kn.ident) {
                    let dead = fd::forget(&mut st.fds, fd);
                    bury(st, dead);
                }
            }
            Kind::Proc(_) => {
                drop_watches(st, &kn, slot);
                self.release_idle_inbox(st);
            }
            _ => drop_watches(st, &kn, slot),
        }
    }

    /// Ends this queue's connector subscription once no knote needs it,
    /// so process events of the system stop waking it.
    fn release_idle_inbox(&self, st: &mut State) {
        if !st.inbox.as_ref().is_some_and(|ib| ib.is_idle()) {
            return;
        }
        if let Some(ib) = st.inbox.take() {
            proc_::unsubscribe(self.ep(), &ib);
        }
    }

    /// Removes a knote and releases what it holds.
    fn delete(&self, st: &mut State, slot: u32) -> Result<()> {
        let ep = self.ep();
        let Some(kn) = st.table.remove(slot) else {
            return Err(Errno::ENOENT);
        };
        match &kn.kind {
            Kind::Fd(_) => {
                let fd = os::raw_fd(kn.ident)?;
                match fd::detach(&mut st.fds, ep, fd, kn.filter) {
                    Err(e @ (Errno::ENOENT | Errno::EBADF)) => {
                        // Closed or reused: the other knote went too.
                        let dead = fd::forget(&mut st.fds, fd);
                        bury(st, dead);
                        Err(e)
                    }
                    r => r,
                }
            }
            Kind::File(f) => {
                drop_watches(st, &kn, slot);
                let fd = os::raw_fd(kn.ident)?;
                // A descriptor closed since (or reused) made it vanish.
                os::fstat(fd)?;
                if file::same_file(f, fd) {
                    Ok(())
                } else {
                    Err(Errno::ENOENT)
                }
            }
            Kind::Timer(t) => {
                let _ = os::epoll_ctl(ep, libc::EPOLL_CTL_DEL, t.tfd.as_raw_fd(), 0, 0);
                Ok(())
            }
            Kind::Proc(p) => {
                let _ = os::epoll_ctl(ep, libc::EPOLL_CTL_DEL, p.pidfd.as_raw_fd(), 0, 0);
                drop_watches(st, &kn, slot);
                self.release_idle_inbox(st);
                Ok(())
            }
            Kind::Signal(s) => {
                st.signals.retain(|&x| x != slot);
                signal::unregister(s.sig);
                Ok(())
            }
            Kind::Vnode(_) => {
                drop_watches(st, &kn, slot);
                Ok(())
            }
            Kind::User(_) | Kind::Attaching => Ok(()),
        }
    }

    /// Waits for events and writes them into `out`.
    fn wait(&self, out: &mut [KEvent], timeout: Option<Duration>) -> Result<usize> {
        // This call's number, taken at its first look at the table.
        let mut call = None;
        let poll_only = timeout == Some(Duration::ZERO);
        // A timeout too large to represent as an instant is no deadline.
        let deadline = match timeout {
            Some(t) if !t.is_zero() => Instant::now().checked_add(t),
            _ => None,
        };
        let mut buf = [MaybeUninit::<libc::epoll_event>::uninit(); BATCH];
        let mut n = 0;
        let mut more = false;
        loop {
            let wait = if poll_only || more {
                Some(Duration::ZERO)
            } else {
                deadline.map(|d| d.saturating_duration_since(Instant::now()))
            };
            let room = out.len().saturating_sub(n).min(BATCH);
            let marks = signal::interrupt_marks();
            let got = match os::epoll_wait(self.ep(), &mut buf[..room], wait) {
                Ok(k) => k,
                // Interrupted only by a signal the program ignores (which
                // the signal recorder had to catch): not the caller's
                // business; its event is pending now.
                Err(Errno::EINTR) if signal::only_ignored_since(marks) => 0,
                // Events already collected go out; the error can recur.
                Err(_) if n > 0 => return Ok(n),
                Err(e) => return Err(e),
            };
            let before = n;
            let arm = {
                let mut st = self.lock();
                let call = *call.get_or_insert_with(|| {
                    st.calls = st.calls.wrapping_add(1);
                    st.calls
                });
                for ev in buf.iter().take(got) {
                    // SAFETY: epoll_wait initialised the first `got` entries.
                    let ev = unsafe { ev.assume_init_read() };
                    self.route(&mut st, ev.events, ev.u64);
                }
                if let Some(rest) = out.get_mut(n..) {
                    n += self.collect(&mut st, rest, call);
                }
                self.sync_wake(&mut st)
            };
            self.arm(arm);
            // A full batch with room left: more may be ready.
            more = got == room && n > before && n < out.len();
            if more {
                continue;
            }
            if n > 0 || poll_only {
                return Ok(n);
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(0);
            }
        }
    }

    /// Routes one epoll report to its knotes.
    #[inline]
    fn route(&self, st: &mut State, mask: u32, data: u64) {
        let (tag, index, gen) = decode(data);
        match tag {
            TAG_FD => {
                let Some(slots) = fd::route(&st.fds, index, gen) else {
                    return; // a registration that is no longer ours
                };
                for s in slots {
                    if s == 0 {
                        continue;
                    }
                    if let Some(Knote { kind: Kind::Fd(f), .. }) = st.table.get(s - 1) {
                        f.fresh |= mask;
                        st.table.enqueue(s - 1);
                    }
                }
            }
            TAG_SLOT => {
                if st.table.slot_gen(index) != gen {
                    return;
                }
                let Some(kn) = st.table.get(index) else {
                    return;
                };
                let mut lifecycle = false;
                match &mut kn.kind {
                    Kind::Timer(t) => {
                        let n = timer::expirations(&t.tfd);
                        kn.data = kn.data.saturating_add(i64::try_from(n).unwrap_or(i64::MAX));
                    }
                    Kind::Proc(p) => {
                        if !p.exited {
                            p.exited = true;
                            kn.data = proc_::status(&p.pidfd);
                        }
                        lifecycle = kn.filter == EVFILT_PROC && kn.sfflags & proc_::LIFECYCLE != 0;
                    }
                    _ => return,
                }
                st.table.enqueue(index);
                if lifecycle {
                    // Its last forks and execs were queued in the
                    // connector before it exited: take them now (a
                    // tracked child is attached before the parent's knote
                    // goes, and the parent's last notes go out with its
                    // exit).
                    self.proc_events(st, true);
                }
            }
            // Level-triggered: `sync_wake` resets it when the pending
            // queue empties; a late write after that is drained here.
            TAG_WAKE if !st.armed => {
                os::counter_take(self.wake.as_raw_fd());
            }
            TAG_WAKE => {}
            _ if index == SPECIAL_SIGNAL => {
                // The process-wide eventfd is never read: epoll checks a
                // report's readiness when it hands it out, so one kqueue
                // draining it would make the others miss the signal. Each
                // write is an edge of its own.
                for i in 0..st.signals.len() {
                    if let Some(&s) = st.signals.get(i) {
                        st.table.enqueue(s);
                    }
                }
            }
            _ if index == proc_::SPECIAL_CONNECTOR => self.proc_events(st, true),
            _ if index == proc_::SPECIAL_INBOX => self.proc_events(st, false),
            _ if index == SPECIAL_INOTIFY => {
                let records = st.inotify.as_ref().map(Inotify::drain).unwrap_or_default();
                for rec in records {
                    on_record(st, rec);
                }
            }
            _ => {}
        }
    }

    /// This kqueue's inbox of process events, subscribed at first use
    /// (EPERM or ENOTSUP where the connector is refused or missing).
    fn inbox(&self, st: &mut State) -> Result<Arc<Inbox>> {
        if let Some(ib) = &st.inbox {
            return Ok(Arc::clone(ib));
        }
        let ib = proc_::subscribe(self.ep())?;
        st.inbox = Some(Arc::clone(&ib));
        Ok(ib)
    }

    /// Reads the connector (if `pump`) and applies the inbox's notes to
    /// the process knotes.
    fn proc_events(&self, st: &mut State, pump: bool) {
        let Some(inbox) = st.inbox.clone() else {
            return;
        };
        if pump {
            connector::pump();
        }
        let (notes, lost) = inbox.take();
        for note in notes {
            self.on_note(st, &inbox, note);
        }
        if lost {
            // Events were lost: children of tracked processes may have
            // gone untracked. Say so on every tracking knote.
            for slot in st.table.slots() {
                if let Some(kn) = st.table.get(slot) {
                    if kn.filter == EVFILT_PROC && kn.sfflags & NOTE_TRACK != 0 {
                        kn.fflags |= NOTE_TRACKERR;
                        st.table.enqueue(slot);
                    }
                }
            }
        }
        // Children watched on a parent's behalf that got no knote may
        // have been the last watched pids.
        self.release_idle_inbox(st);
    }

    /// One connector note: NOTE_FORK / NOTE_EXEC on the process's knote,
    /// and for NOTE_TRACK a knote for the child (FreeBSD's `knote_fork`).
    fn on_note(&self, st: &mut State, inbox: &Inbox, note: Note) {
        match note.event {
            Event::Fork {
                parent_tgid, child_pid, ..
            } => {
                let parent = st.table.find(parent_tgid as usize, EVFILT_PROC).and_then(|slot| {
                    let kn = st.table.get(slot)?;
                    match &kn.kind {
                        Kind::Proc(p) if note.timestamp_ns >= p.since => Some((slot, kn.sfflags, kn.flags, kn.udata)),
                        _ => None,
                    }
                });
                let attached = match parent {
                    Some((_, sfflags, flags, udata)) if sfflags & NOTE_TRACK != 0 => Some(self.attach_child(
                        st,
                        inbox,
                        child_pid,
                        parent_tgid,
                        (sfflags, flags, udata),
                        note.timestamp_ns,
                    )),
                    _ => None,
                };
                if note.child_watched && !matches!(attached, Some(Ok(()))) {
                    // Watched on the parent's behalf, but no knote came.
                    if st.table.find(child_pid as usize, EVFILT_PROC).is_none() {
                        inbox.unwatch(child_pid);
                    }
                }
                let Some((slot, sfflags, ..)) = parent else {
                    return;
                };
                let mut notes = sfflags & NOTE_FORK;
                if attached.is_some_and(|r| r.is_err()) {
                    notes |= NOTE_TRACKERR;
                }
                if notes != 0 {
                    if let Some(kn) = st.table.get(slot) {
                        kn.fflags |= notes;
                    }
                    st.table.enqueue(slot);
                }
            }
            Event::Exec { tgid, .. } => {
                let Some(slot) = st.table.find(tgid as usize, EVFILT_PROC) else {
                    return;
                };
                let Some(kn) = st.table.get(slot) else {
                    return;
                };
                let fresh = matches!(&kn.kind, Kind::Proc(p) if note.timestamp_ns >= p.since);
                if fresh && kn.sfflags & NOTE_EXEC != 0 {
                    kn.fflags |= NOTE_EXEC;
                    st.table.enqueue(slot);
                }
            }
            _ => {}
        }
    }

    /// Attaches the knote of a tracked child (the parent's `fflags`,
    /// flags and `udata`), which reports NOTE_CHILD with the parent's pid
    /// first. A child that already has a knote here gets the notice on it.
    fn attach_child(
        &self,
        st: &mut State,
        inbox: &Inbox,
        child: i32,
        parent: i32,
        (sfflags, flags, udata): (u32, u16, usize),
        since: u64,
    ) -> Result<()> {
        let ident = usize::try_from(child).map_err(|_| Errno::ESRCH)?;
        if let Some(slot) = st.table.find(ident, EVFILT_PROC) {
            if let Some(Knote {
                kind: Kind::Proc(p), ..
            }) = st.table.get(slot)
            {
                p.child_of = Some(i64::from(parent));
            }
            st.table.enqueue(slot);
            return Ok(());
        }
        let pidfd = proc_::open(ident)?;
        let kn = Knote {
            ident,
            filter: EVFILT_PROC,
            flags,
            sfflags,
            sdata: 0,
            udata,
            enabled: true,
            queued: false,
            data: 0,
            fflags: 0,
            delivered: 0,
            kind: Kind::Attaching,
        };
        let slot = st.table.insert(kn);
        let gen = st.table.slot_gen(slot);
        let mut p = ProcKnote::new(pidfd, since);
        p.child_of = Some(i64::from(parent));
        let r = proc_::register(self.ep(), &p.pidfd, slot, gen).map(|()| Kind::Proc(p));
        self.finish(st, slot, r, true)?;
        inbox.watch(child, sfflags & NOTE_TRACK != 0);
        Ok(())
    }

    /// Delivers pending knotes into `out`; returns how many.
    fn collect(&self, st: &mut State, out: &mut [KEvent], call: u32) -> usize {
        let ep = self.ep();
        let exact = self.exact.load(Ordering::Relaxed);
        let mut n = 0;
        for _ in 0..st.table.queue_len() {
            if n >= out.len() {
                break;
            }
            let Some(slot) = st.table.dequeue() else {
                break;
            };
            let Some(kn) = st.table.get(slot) else {
                continue;
            };
            if !kn.enabled {
                continue;
            }
            if kn.delivered == call {
                // Already reported by this call: look again next time
                // (a level-triggered registration reports it again anyway).
                let lt = match (&kn.kind, os::raw_fd(kn.ident)) {
                    (Kind::Fd(_), Ok(fd)) => !fd::needs_recheck(&st.fds, fd),
                    _ => false,
                };
                if !lt {
                    st.table.enqueue(slot);
                }
                continue;
            }
            let ev = match &mut kn.kind {
                Kind::Fd(f) => match os::raw_fd(kn.ident) {
                    Ok(fd) => fd::eval(
                        &mut st.fds,
                        ep,
                        fd,
                        kn.filter,
                        f,
                        fd::lowat(kn.sfflags, kn.sdata),
                        exact,
                    ),
                    Err(_) => Eval::Stale,
                },
                Kind::File(f) => match os::raw_fd(kn.ident) {
                    Ok(fd) => file::eval(f, fd, kn.filter, kn.sfflags, kn.sdata),
                    Err(_) => Eval::Stale,
                },
                Kind::Timer(_) => ready_if(kn.data > 0, kn.data, 0, false),
                Kind::Signal(s) => {
                    let now = signal::count(s.sig);
                    let d = now.wrapping_sub(s.seen);
                    s.seen = now;
                    kn.data = kn.data.saturating_add(i64::try_from(d).unwrap_or(i64::MAX));
                    ready_if(kn.data > 0, kn.data, 0, false)
                }
                Kind::User(u) => ready_if(u.triggered, kn.sdata, kn.sfflags & NOTE_FFLAGSMASK, false),
                // FreeBSD drops an exit nobody asked for (fflags without
                // NOTE_EXIT and nothing else pending).
                Kind::Proc(p) => proc_::take(p, kn.sfflags, &mut kn.fflags, kn.data),
                Kind::Vnode(_) => ready_if(kn.fflags != 0, 0, kn.fflags, false),
                Kind::Attaching => Eval::NotReady,
            };
            let (data, count, fflags, eof) = match ev {
                Eval::Ready { data, fflags, eof } => (data, None, fflags, eof),
                Eval::ReadyCounted { count, fflags, eof } => (0, Some(count), fflags, eof),
                Eval::NotReady => continue,
                Eval::Stale => {
                    self.forget(st, slot);
                    continue;
                }
            };
            let Some(kn) = st.table.get(slot) else {
                continue;
            };
            let mut flags = kn.flags;
            if eof {
                flags |= EV_EOF;
            }
            if eof && matches!(kn.kind, Kind::Proc(_)) {
                // FreeBSD's filt_proc: the knote is done after the exit.
                flags |= EV_ONESHOT;
            }
            kn.delivered = call;
            if let Some(o) = out.get_mut(n) {
                *o = KEvent(match count {
                    None => make_kevent(kn.ident, kn.filter, flags, fflags, data, kn.udata),
                    Some(c) => counted_on_read(kn.ident, kn.filter, flags, fflags, c, kn.udata),
                });
                n += 1;
            }
            if flags & EV_ONESHOT != 0 {
                let _ = self.delete(st, slot);
                continue;
            }
            self.after_delivery(st, slot);
        }
        n
    }

    /// Resets a delivered knote (EV_CLEAR), disables it (EV_DISPATCH), or
    /// keeps a level one pending when epoll will not report it again.
    fn after_delivery(&self, st: &mut State, slot: u32) {
        let Some(kn) = st.table.get(slot) else {
            return;
        };
        let clear = kn.flags & EV_CLEAR != 0;
        let requeue = match &mut kn.kind {
            Kind::Timer(_) | Kind::Signal(_) => {
                kn.data = 0;
                kn.fflags = 0;
                false
            }
            // What was delivered was taken; a child notice may have left
            // notes (or the exit) for the next event.
            Kind::Proc(p) => proc_::more(p, kn.fflags),
            Kind::Vnode(_) => {
                if clear {
                    kn.fflags = 0;
                }
                !clear
            }
            Kind::User(u) => {
                if clear {
                    u.triggered = false;
                }
                !clear
            }
            Kind::File(_) => !clear,
            Kind::Fd(_) => !clear && os::raw_fd(kn.ident).is_ok_and(|fd| fd::needs_recheck(&st.fds, fd)),
            Kind::Attaching => false,
        };
        let Some(kn) = st.table.get(slot) else {
            return;
        };
        if kn.flags & EV_DISPATCH != 0 {
            kn.enabled = false;
        } else if requeue {
            st.table.enqueue(slot);
        }
    }
}

/// Stores the filter's part of a knote being attached.
fn set_kind(st: &mut State, slot: u32, kind: Kind) {
    if let Some(kn) = st.table.get(slot) {
        kn.kind = kind;
    }
}

/// The kqueue's inotify instance, made at first use.
fn inotify(st: &mut State, ep: RawFd) -> Result<&mut Inotify> {
    if st.inotify.is_none() {
        st.inotify = Some(Inotify::open(ep)?);
    }
    st.inotify.as_mut().ok_or(Errno::EINVAL)
}

/// Releases the inotify watches (or the connector watch) a removed knote
/// held.
fn drop_watches(st: &mut State, kn: &Knote<Kind>, slot: u32) {
    match &kn.kind {
        Kind::File(f) => file::detach(st.inotify.as_mut(), f, slot),
        Kind::Vnode(v) => vnode::detach(st.inotify.as_mut(), v, slot),
        Kind::Proc(_) if kn.filter == EVFILT_PROC => {
            if let (Some(ib), Ok(pid)) = (st.inbox.as_ref(), i32::try_from(kn.ident)) {
                ib.unwatch(pid);
            }
        }
        _ => {}
    }
}

/// Removes the knotes (slot + 1) that died with a descriptor's old file.
fn bury(st: &mut State, dead: fd::Dead) {
    for s in dead {
        if s != 0 {
            st.table.remove(s - 1);
        }
    }
}

/// Hands one inotify record to the knotes listening to its watch.
fn on_record(st: &mut State, rec: Record) {
    let Some(ino) = st.inotify.as_mut() else {
        return;
    };
    if rec.mask & libc::IN_Q_OVERFLOW != 0 {
        // Records were lost: re-evaluate every file knote.
        for slot in ino.all_listeners() {
            if let Some(Knote {
                kind: Kind::File(_), ..
            }) = st.table.get(slot)
            {
                st.table.enqueue(slot);
            }
        }
        return;
    }
    for slot in ino.listeners(rec.wd) {
        let Some(kn) = st.table.get(slot) else {
            continue;
        };
        match &mut kn.kind {
            Kind::File(f) => {
                if rec.mask & libc::IN_IGNORED != 0 {
                    f.wd = -1;
                }
                st.table.enqueue(slot);
            }
            Kind::Vnode(v) => {
                let (notes, moved) = vnode::on_record(v, kn.ident, rec);
                if moved {
                    // Its removal now shows in another parent.
                    vnode::reparent(ino, v, kn.ident, slot);
                }
                // Any watched note reports the whole change.
                if notes & kn.sfflags != 0 {
                    kn.fflags |= notes;
                    st.table.enqueue(slot);
                }
            }
            _ => {}
        }
    }
    if rec.mask & libc::IN_IGNORED != 0 {
        ino.forget(rec.wd);
    }
}

impl Drop for Kqueue {
    fn drop(&mut self) {
        // Descriptors close with the table; signal recorders are
        // process-wide and need their reference released.
        let st = self.state.get_mut().unwrap_or_else(|e| e.into_inner());
        for kn in st.table.knotes() {
            if let Kind::Signal(s) = &kn.kind {
                signal::unregister(s.sig);
            }
        }
        if let Some(ib) = st.inbox.take() {
            // In a forked child the registry is the parent's copy (reset
            // at the child's first use): leave it, and its lock, alone.
            if !fork::since(self.forks) {
                connector::unsubscribe(&ib);
            }
        }
    }
}
