//! The process-event connector: ONE netlink socket per process, shared by
//! every kqueue that watches `NOTE_FORK`, `NOTE_EXEC` or `NOTE_TRACK`, and
//! each such kqueue's inbox. It knows pids, not knotes.
//!
//! # Design
//! The kernel copies every process event of the system to every listening
//! socket, so one socket per kqueue would multiply that work (and the
//! buffers that can overflow) by the number of queues. Here one socket is
//! opened at the first subscription and closed with the last (a kqueue
//! unsubscribes when its last such knote goes, or when it is dropped). Each
//! subscribed kqueue puts the socket in its epoll (level-triggered) and,
//! next to it, its inbox's eventfd. Whichever kqueue sees the socket
//! readable first reads everything it holds ([`pump`], under the
//! connector's lock) and hands each event to every inbox watching its pid,
//! then makes those inboxes' eventfds readable, which wakes their queues
//! (a thread waiting in another kqueue, or a `poll` on its descriptor). No
//! thread of our own runs; an event waits in the socket until some
//! subscribed kqueue is called. Only events about a watched pid are kept,
//! and an inbox holds at most [`MAX_PENDING`] of them.
//!
//! An inbox watches a pid, and whether to track its children: when a
//! tracked pid forks, the child is watched at once, in the same pass, so
//! that the child's own exec or fork (which the kernel queues after the
//! fork) is not filtered out before its kqueue has attached a knote for
//! it. The kqueue corrects the set afterwards if it could not attach one.
//!
//! Thread creations (a fork whose child pid is not its thread-group id)
//! and execs of other threads are dropped here; exits are not needed (a
//! knote's exit comes from its pidfd). Nothing here reaps, signals or
//! traces any process.
//!
//! # Permission
//! Linux before 6.6 lets only CAP_NET_ADMIN (in the initial user
//! namespace) listen: `bind` to the group fails with EPERM or the
//! kernel's acknowledgement carries EPERM. Since 6.6 anyone may listen
//! (drivers/connector/connector.c `cn_bind`, cn_proc.c
//! `cn_proc_mcast_ctl`). A process outside the initial user or pid
//! namespace gets no acknowledgement at all (the kernel ignores its
//! request); that is EPERM too, after waiting [`ACK_WAIT_MS`]. A kernel
//! without the connector (or a socket family qemu-user refuses) is
//! ENOTSUP. Failures are remembered for the life of the process (and of
//! each forked child).
//!
//! # Fork
//! A forked child shares the socket's open file with its parent. On first
//! use in the child the inherited one is closed (without telling the
//! kernel anything, which would change the parent's socket) and a fresh
//! one is opened. The lock on the shared state is taken across every fork
//! (see [`shared`]), so the child never inherits it held by a thread it
//! does not have.

use super::cn_proc::{self, Event};
use super::fork;
use super::os;
use super::table::IntMap;
use bsd_errno::{check, Errno, Result};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Arc, Mutex, MutexGuard, Once, Weak};

/// The most events an inbox keeps before it reports a loss.
pub(super) const MAX_PENDING: usize = 1 << 16;
/// How long to wait for the kernel's acknowledgement of the listen
/// request before taking the silence as a refusal.
pub(super) const ACK_WAIT_MS: i32 = 1000;
/// The receive buffer asked for (the kernel caps it at `rmem_max`).
const RCVBUF: libc::c_int = 4 << 20;

/// An event for a watched pid, with the kernel's monotonic timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Note {
    pub(super) event: Event,
    pub(super) timestamp_ns: u64,
    /// For a fork: whether the child was added to the watch set because
    /// its parent is tracked.
    pub(super) child_watched: bool,
}

#[derive(Debug, Default)]
struct Pending {
    /// Watched pids, and whether their children are tracked.
    watch: IntMap<i32, bool>,
    notes: VecDeque<Note>,
    /// Events were lost (socket overflow, or this inbox full).
    lost: bool,
}

/// One kqueue's share of the connector.
#[derive(Debug)]
pub(super) struct Inbox {
    wake: OwnedFd,
    /// The shared socket's number while this inbox is subscribed.
    sock: RawFd,
    pending: Mutex<Pending>,
}

impl Inbox {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The eventfd that is readable when notes may be waiting.
    pub(super) fn wake_fd(&self) -> RawFd {
        self.wake.as_raw_fd()
    }

    /// Watches `pid` (tracking its children or not).
    pub(super) fn watch(&self, pid: i32, track: bool) {
        self.lock().watch.insert(pid, track);
    }

    /// Stops watching `pid`.
    pub(super) fn unwatch(&self, pid: i32) {
        self.lock().watch.remove(&pid);
    }

    /// Whether no pid is watched and nothing waits.
    pub(super) fn is_idle(&self) -> bool {
        let p = self.lock();
        p.watch.is_empty() && p.notes.is_empty()
    }

    /// The shared socket (valid until [`unsubscribe`]).
    pub(super) fn sock_fd(&self) -> RawFd {
        self.sock
    }

    /// Takes the waiting notes, and whether some were lost since the last
    /// call. Resets the eventfd first, so a note added meanwhile makes it
    /// readable again.
    pub(super) fn take(&self) -> (VecDeque<Note>, bool) {
        os::counter_take(self.wake.as_raw_fd());
        let mut p = self.lock();
        let lost = core::mem::replace(&mut p.lost, false);
        (core::mem::take(&mut p.notes), lost)
    }

    /// Offers one event; returns whether the inbox took it (or a loss).
    fn offer(&self, note: &Note) -> bool {
        let mut p = self.lock();
        let mut note = *note;
        let keep = match note.event {
            Event::Fork {
                parent_tgid,
                child_pid,
                child_tgid,
                ..
            } => match p.watch.get(&parent_tgid) {
                Some(&track) => {
                    if track && !p.watch.contains_key(&child_tgid) {
                        p.watch.insert(child_pid, true);
                        note.child_watched = true;
                    }
                    true
                }
                None => false,
            },
            Event::Exec { tgid, .. } => p.watch.contains_key(&tgid),
            _ => false,
        };
        if !keep {
            return false;
        }
        if p.notes.len() >= MAX_PENDING {
            p.lost = true;
        } else {
            p.notes.push_back(note);
        }
        true
    }

    fn lose(&self) {
        self.lock().lost = true;
    }
}

/// The process-wide socket and the inboxes it feeds.
struct Shared {
    sock: Option<OwnedFd>,
    /// The fork generation the socket (and the failure) belongs to.
    forks: u64,
    /// A refusal remembered for this generation.
    refused: Option<Errno>,
    inboxes: Vec<Weak<Inbox>>,
    /// Sequence numbers of our requests.
    seq: u32,
}

static SHARED: Mutex<Shared> = Mutex::new(Shared {
    sock: None,
    forks: 0,
    refused: None,
    inboxes: Vec::new(),
    seq: 0,
});

/// Locks [`SHARED`], poisoned or not.
fn lock_shared() -> MutexGuard<'static, Shared> {
    SHARED.lock().unwrap_or_else(|e| e.into_inner())
}

thread_local! {
    /// [`SHARED`]'s guard, held by the thread that is forking from the
    /// `pthread_atfork` prepare handler until the parent and child
    /// handlers.
    static HELD_ACROSS_FORK: RefCell<Option<MutexGuard<'static, Shared>>> = const { RefCell::new(None) };
}

extern "C" fn before_fork() {
    let guard = lock_shared();
    HELD_ACROSS_FORK.with(|h| *h.borrow_mut() = Some(guard));
}

extern "C" fn after_fork() {
    HELD_ACROSS_FORK.with(|h| drop(h.borrow_mut().take()));
}

static FORK_HANDLERS: Once = Once::new();

/// The lock on the process-wide state. A fork copies the lock as it is:
/// had another thread held it at that moment, the child's copy would stay
/// locked forever, and the child's first use of the connector would hang.
/// So from the first use on, the forking thread takes the lock before
/// every fork (waiting for whoever holds it: at worst a subscription
/// waiting for the kernel's answer) and releases it on both sides after,
/// as the C library does with its own locks.
fn shared() -> MutexGuard<'static, Shared> {
    FORK_HANDLERS.call_once(|| {
        // SAFETY: registers handlers that only take and release this
        // module's lock; they stay registered for the life of the process.
        unsafe { libc::pthread_atfork(Some(before_fork), Some(after_fork), Some(after_fork)) };
    });
    let mut s = lock_shared();
    let gen = fork::generation();
    if s.forks != gen {
        // A forked child: the socket and the inboxes are the parent's.
        // Closing drops our reference only; the parent's stays.
        drop(s.sock.take());
        s.inboxes.clear();
        s.refused = None;
        s.forks = gen;
    }
    s
}

/// Subscribes a new inbox; returns it and the socket to put in epoll.
/// EPERM where the kernel refuses this process as a listener, ENOTSUP
/// where it has no process connector.
pub(super) fn subscribe() -> Result<(Arc<Inbox>, RawFd)> {
    let mut s = shared();
    if let Some(e) = s.refused {
        return Err(e);
    }
    if s.sock.is_none() {
        s.seq = s.seq.wrapping_add(1);
        // A number of our own in the request's `ack`, so our
        // acknowledgement (which carries it plus one) is told from other
        // listeners' (the kernel multicasts them all, and replaces their
        // `seq` with its own counter).
        // SAFETY: getpid takes no arguments.
        let token = (unsafe { libc::getpid() } as u32).rotate_left(16) ^ s.seq.wrapping_mul(0x9e37_79b9);
        match open(token) {
            Ok(fd) => s.sock = Some(fd),
            Err(e) => {
                if e == Errno::EPERM || e == Errno::ENOTSUP {
                    s.refused = Some(e);
                }
                return Err(e);
            }
        }
    }
    let fd = s.sock.as_ref().map(AsRawFd::as_raw_fd).ok_or(Errno::EBADF)?;
    let inbox = Arc::new(Inbox {
        wake: os::eventfd()?,
        sock: fd,
        pending: Mutex::new(Pending::default()),
    });
    s.inboxes.retain(|w| w.strong_count() > 0);
    s.inboxes.push(Arc::downgrade(&inbox));
    Ok((inbox, fd))
}

/// Removes an inbox; the socket goes with the last one.
pub(super) fn unsubscribe(inbox: &Arc<Inbox>) {
    let mut s = shared();
    s.inboxes
        .retain(|w| w.strong_count() > 0 && !core::ptr::eq(w.as_ptr(), Arc::as_ptr(inbox)));
    if s.inboxes.is_empty() {
        if let Some(sock) = s.sock.take() {
            // Tell the kernel we stopped listening (older kernels count
            // listeners only through these requests).
            let req = cn_proc::request(cn_proc::PROC_CN_MCAST_IGNORE, 0, 0);
            let _ = send(sock.as_raw_fd(), &req);
        }
    }
}

/// Reads everything the socket holds and hands it to the inboxes.
pub(super) fn pump() {
    let mut woken: Vec<Arc<Inbox>> = Vec::new();
    {
        let s = shared();
        let Some(sock) = s.sock.as_ref() else {
            return;
        };
        let inboxes: Vec<Arc<Inbox>> = s.inboxes.iter().filter_map(Weak::upgrade).collect();
        let mut buf = [0u8; 4096];
        loop {
            match recv(sock.as_raw_fd(), &mut buf) {
                Ok(None) => continue, // not from the kernel
                Ok(Some(n)) => {
                    let Some(bytes) = buf.get(..n) else {
                        break;
                    };
                    for m in cn_proc::messages(bytes) {
                        let note = match m.event {
                            // Threads are not processes.
                            Event::Fork {
                                child_pid, child_tgid, ..
                            } if child_pid == child_tgid => m,
                            Event::Exec { pid, tgid } if pid == tgid => m,
                            _ => continue,
                        };
                        let note = Note {
                            event: note.event,
                            timestamp_ns: note.timestamp_ns,
                            child_watched: false,
                        };
                        for ib in &inboxes {
                            if ib.offer(&note) && !woken.iter().any(|w| Arc::ptr_eq(w, ib)) {
                                woken.push(Arc::clone(ib));
                            }
                        }
                    }
                }
                Err(Errno::ENOBUFS) => {
                    // The socket overflowed: events were lost, for all.
                    for ib in &inboxes {
                        ib.lose();
                        if !woken.iter().any(|w| Arc::ptr_eq(w, ib)) {
                            woken.push(Arc::clone(ib));
                        }
                    }
                }
                Err(Errno::EINTR) => {}
                Err(_) => break, // EAGAIN: drained
            }
        }
    }
    for ib in woken {
        os::eventfd_add(ib.wake.as_raw_fd());
    }
}

/// The current `CLOCK_MONOTONIC` time in nanoseconds, the clock of the
/// connector's timestamps.
pub(super) fn now_ns() -> u64 {
    // SAFETY: all-zero is a valid timespec.
    let mut ts: libc::timespec = unsafe { core::mem::zeroed() };
    // SAFETY: clock_gettime writes one timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    (ts.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec as u64)
}

fn sockaddr_nl(groups: u32) -> libc::sockaddr_nl {
    // SAFETY: all-zero is a valid sockaddr_nl.
    let mut sa: libc::sockaddr_nl = unsafe { core::mem::zeroed() };
    sa.nl_family = libc::AF_NETLINK as libc::sa_family_t;
    sa.nl_groups = groups;
    sa
}

/// A listening socket, acknowledged by the kernel.
fn open(token: u32) -> Result<OwnedFd> {
    // SAFETY: socket takes no pointers.
    let fd = unsafe {
        libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_DGRAM | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
            libc::NETLINK_CONNECTOR,
        )
    };
    let fd = match check(fd) {
        Ok(fd) => fd,
        Err(Errno::EPROTONOSUPPORT | Errno::EAFNOSUPPORT) => return Err(Errno::ENOTSUP),
        Err(e) => return Err(e),
    };
    // SAFETY: a fresh descriptor, owned by nobody else.
    let sock = unsafe { OwnedFd::from_raw_fd(fd) };
    let size = RCVBUF;
    // SAFETY: an int option, read from a live int. Failing is harmless
    // (the default buffer is smaller, nothing else changes).
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&size as *const libc::c_int).cast(),
            core::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    let sa = sockaddr_nl(cn_proc::CN_IDX_PROC);
    // SAFETY: `sa` is a valid sockaddr_nl of the given length.
    check(unsafe {
        libc::bind(
            fd,
            (&sa as *const libc::sockaddr_nl).cast(),
            core::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
        )
    })?;
    send(fd, &cn_proc::request(cn_proc::PROC_CN_MCAST_LISTEN, 0, token))?;
    match wait_ack(fd, token)? {
        0 => Ok(sock),
        err => {
            // The request was refused: nothing to undo.
            Err(Errno::from_raw(i32::try_from(err).unwrap_or(libc::EPERM)))
        }
    }
}

/// The `err` of the kernel's answer to our request with `ack` = `token`;
/// EPERM if none comes within [`ACK_WAIT_MS`].
fn wait_ack(fd: RawFd, token: u32) -> Result<u32> {
    let mut buf = [0u8; 4096];
    // Every read either finds the answer or consumes a datagram; bound
    // the rounds as well as the time.
    for _ in 0..4096 {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let r = unsafe { libc::poll(&mut p, 1, ACK_WAIT_MS) };
        match check(r) {
            Ok(0) => return Err(Errno::EPERM),
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
        let n = match recv(fd, &mut buf) {
            Ok(Some(n)) => n,
            Ok(None) | Err(Errno::EAGAIN | Errno::EINTR | Errno::ENOBUFS) => continue,
            Err(e) => return Err(e),
        };
        for m in cn_proc::messages(buf.get(..n).unwrap_or(&[])) {
            if let Event::Ack { err, ack, .. } = m.event {
                if ack == token.wrapping_add(1) {
                    return Ok(err);
                }
            }
        }
    }
    Err(Errno::EPERM)
}

fn send(fd: RawFd, bytes: &[u8]) -> Result<()> {
    let sa = sockaddr_nl(0);
    // SAFETY: `bytes` and `sa` are live for the call and their lengths
    // are theirs.
    check(unsafe {
        libc::sendto(
            fd,
            bytes.as_ptr().cast(),
            bytes.len(),
            0,
            (&sa as *const libc::sockaddr_nl).cast(),
            core::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
        )
    })?;
    Ok(())
}

/// One datagram: its length, or `None` if it did not come from the
/// kernel (another process may send to our port).
fn recv(fd: RawFd, buf: &mut [u8]) -> Result<Option<usize>> {
    let mut sa = sockaddr_nl(0);
    let mut len = core::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;
    // SAFETY: `buf` and `sa` are writable for their lengths.
    let n = check(unsafe {
        libc::recvfrom(
            fd,
            buf.as_mut_ptr().cast(),
            buf.len(),
            libc::MSG_DONTWAIT,
            (&mut sa as *mut libc::sockaddr_nl).cast(),
            &mut len,
        )
    })?;
    Ok((sa.nl_pid == 0).then_some(n as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fork_ev(parent: i32, child: i32, thread: bool) -> Note {
        Note {
            event: Event::Fork {
                parent_pid: parent,
                parent_tgid: parent,
                child_pid: child,
                child_tgid: if thread { parent } else { child },
            },
            timestamp_ns: 1,
            child_watched: false,
        }
    }

    fn inbox() -> Inbox {
        Inbox {
            wake: os::eventfd().expect("eventfd"),
            sock: -1,
            pending: Mutex::new(Pending::default()),
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "eventfd is a foreign call")]
    fn an_inbox_keeps_only_its_pids_and_follows_tracked_children() {
        let ib = inbox();
        ib.watch(10, true);
        ib.watch(20, false);
        assert!(!ib.offer(&fork_ev(30, 31, false)), "not watched");
        assert!(ib.offer(&fork_ev(10, 11, false)));
        assert!(ib.offer(&fork_ev(20, 21, false)));
        // 11 is watched now (tracked), 21 is not.
        let exec = |p| Note {
            event: Event::Exec { pid: p, tgid: p },
            timestamp_ns: 2,
            child_watched: false,
        };
        assert!(ib.offer(&exec(11)));
        assert!(!ib.offer(&exec(21)));
        let (notes, lost) = ib.take();
        assert!(!lost);
        assert_eq!(notes.len(), 3);
        assert!(notes[0].child_watched);
        assert!(!notes[1].child_watched);
        ib.unwatch(11);
        assert!(!ib.offer(&exec(11)));
    }

    #[test]
    #[cfg_attr(miri, ignore = "eventfd is a foreign call")]
    fn a_full_inbox_reports_a_loss() {
        let ib = inbox();
        ib.watch(1, false);
        for _ in 0..MAX_PENDING + 3 {
            ib.offer(&fork_ev(1, 2, false));
        }
        let (notes, lost) = ib.take();
        assert_eq!(notes.len(), MAX_PENDING);
        assert!(lost);
        assert!(!ib.take().1, "reported once");
    }
}
