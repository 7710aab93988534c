//! EVFILT_READ and EVFILT_WRITE.
//!
//! Each descriptor has one epoll registration carrying the union of the
//! read and write interest, edge-triggered; the level semantics of kqueue
//! come from keeping a delivered knote on the queue and re-evaluating it
//! on the next scan (as the BSD kernels do), which costs nothing on the
//! path where a fresh epoll report arrived.
//!
//! Edge-triggering is also what makes a descriptor closed without
//! EV_DELETE harmless: a stale registration (the old file kept alive by a
//! `dup` or a child) reports only on new activity of the old file, with a
//! generation the table no longer has; and a re-check without a fresh
//! report first proves with `EPOLL_CTL_MOD` that the number still names
//! the registered file (ENOENT/EBADF otherwise: the knote is dropped, as
//! close(2) would have dropped it on a BSD).
//!
//! Regular files and directories cannot be in epoll: their knotes are
//! evaluated on each scan (`data` = size − offset), and a READ knote that
//! is not ready is woken by an inotify watch when the file changes.

use super::table::{encode, FdKind, FdReg, Kind, Knote, State, F, TAG_FD};
use super::{epoll_ctl, Eval};
use bsd_errno::{check, Errno, Result};
use std::os::fd::RawFd;

const IN: u32 = libc::EPOLLIN as u32;
const OUT: u32 = libc::EPOLLOUT as u32;
const RDHUP: u32 = libc::EPOLLRDHUP as u32;
const HUP: u32 = libc::EPOLLHUP as u32;
const ERR: u32 = libc::EPOLLERR as u32;
const ET: u32 = libc::EPOLLET as u32;

fn interest(f: F) -> u32 {
    if f == F::Read {
        IN | RDHUP
    } else {
        OUT
    }
}

pub(super) fn raw_fd(ident: usize) -> Result<RawFd> {
    RawFd::try_from(ident).map_err(|_| Errno::EBADF)
}

pub(super) fn fstat(fd: RawFd) -> Result<libc::stat> {
    // SAFETY: all-zero is a valid stat buffer.
    let mut st: libc::stat = unsafe { core::mem::zeroed() };
    // SAFETY: `st` is writable; fstat reads no memory of ours.
    check(unsafe { libc::fstat(fd, &mut st) })?;
    Ok(st)
}

fn ioctl_int(fd: RawFd, req: libc::Ioctl) -> Result<i64> {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD/TIOCOUTQ write one int to the pointer.
    check(unsafe { libc::ioctl(fd, req, &mut n) })?;
    Ok(i64::from(n))
}

fn sockopt_int(fd: RawFd, opt: libc::c_int) -> Result<i64> {
    let mut v: libc::c_int = 0;
    let mut len = core::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: `v` and `len` are writable and describe an int.
    check(unsafe { libc::getsockopt(fd, libc::SOL_SOCKET, opt, (&mut v as *mut libc::c_int).cast(), &mut len) })?;
    Ok(i64::from(v))
}

/// Polls one descriptor's current readiness (for re-checks of kinds whose
/// level cannot be computed otherwise).
fn poll_now(fd: RawFd, events: i16) -> Result<i16> {
    let mut p = libc::pollfd { fd, events, revents: 0 };
    // SAFETY: one valid pollfd, zero timeout.
    check(unsafe { libc::poll(&mut p, 1, 0) })?;
    if p.revents & libc::POLLNVAL != 0 {
        return Err(Errno::EBADF);
    }
    Ok(p.revents)
}

/// Adds a READ or WRITE knote for descriptor `ch.ident`.
pub(super) fn attach(st: &mut State, ep: RawFd, kn: Knote) -> Result<u32> {
    let fd = raw_fd(kn.ident)?;
    let s = fstat(fd)?;
    let fmt = s.st_mode & libc::S_IFMT;
    if fmt == libc::S_IFDIR {
        return attach_file(st, ep, kn, fd, &s);
    }
    // Regular files are refused by epoll (EPERM, handled below); trying
    // first keeps anonymous inodes (eventfd, epoll, …) that a kernel may
    // label S_IFREG working.
    let filter = kn.filter;
    // An existing registration of this number (the other filter's knote).
    let existing = st.fd_reg(fd).copied().filter(|r| r.gen != 0);
    if let Some(reg) = existing {
        let events = reg.events | interest(filter);
        match epoll_ctl(
            ep,
            libc::EPOLL_CTL_MOD,
            fd,
            events | ET,
            encode(TAG_FD, fd as u32, reg.gen),
        ) {
            Ok(()) => {
                let slot = st.alloc(kn);
                if let Some(r) = st.fd_reg(fd) {
                    r.events = events;
                    set_slot(r, filter, slot + 1);
                }
                return Ok(slot);
            }
            // The number names another file now (or none): the old
            // knotes went with the old file, as close(2) does on a BSD.
            Err(Errno::ENOENT) | Err(Errno::EBADF) => drop_fd(st, fd),
            Err(e) => return Err(e),
        }
    }
    let (kind, cap) = classify(fd, fmt);
    let gen = st.gen();
    let events = interest(filter);
    let data = encode(TAG_FD, fd as u32, gen);
    match epoll_ctl(ep, libc::EPOLL_CTL_ADD, fd, events | ET, data) {
        Ok(()) => {}
        // Registered behind the table's back (someone used the raw epoll
        // descriptor): take the registration over.
        Err(Errno::EEXIST) => epoll_ctl(ep, libc::EPOLL_CTL_MOD, fd, events | ET, data)?,
        // Something epoll cannot watch (a device without poll): always
        // ready, like a file.
        Err(Errno::EPERM) => return attach_file(st, ep, kn, fd, &s),
        Err(e) => return Err(e),
    }
    let slot = st.alloc(kn);
    if let Some(r) = st.fd_reg_grow(fd) {
        *r = FdReg {
            gen,
            read: 0,
            write: 0,
            events,
            kind,
            cap,
            dev: s.st_dev,
            ino: s.st_ino,
        };
        set_slot(r, filter, slot + 1);
    }
    Ok(slot)
}

fn set_slot(r: &mut FdReg, f: F, v: u32) {
    if f == F::Read {
        r.read = v;
    } else {
        r.write = v;
    }
}

fn classify(fd: RawFd, fmt: libc::mode_t) -> (FdKind, i64) {
    if fmt == libc::S_IFIFO {
        // SAFETY: F_GETPIPE_SZ takes no pointer.
        let cap = unsafe { libc::fcntl(fd, libc::F_GETPIPE_SZ) };
        (FdKind::Pipe, i64::from(cap.max(0)))
    } else if fmt == libc::S_IFSOCK {
        if sockopt_int(fd, libc::SO_ACCEPTCONN).unwrap_or(0) != 0 {
            let tcp = sockopt_int(fd, libc::SO_PROTOCOL).is_ok_and(|p| p == i64::from(libc::IPPROTO_TCP));
            (FdKind::Listener { tcp }, 0)
        } else {
            (FdKind::Socket, sockopt_int(fd, libc::SO_SNDBUF).unwrap_or(0))
        }
    } else {
        (FdKind::Other, 0)
    }
}

fn attach_file(st: &mut State, ep: RawFd, mut kn: Knote, fd: RawFd, s: &libc::stat) -> Result<u32> {
    let wd = if kn.filter == F::Read {
        super::vnode::watch(st, ep, fd)?
    } else {
        -1
    };
    kn.kind = Kind::File {
        dev: s.st_dev,
        ino: s.st_ino,
        wd,
    };
    let slot = st.alloc(kn);
    if wd >= 0 {
        super::vnode::add_watcher(st, wd, slot);
    }
    // Files are evaluated on each scan: look at it now.
    st.enqueue(slot);
    Ok(slot)
}

/// What `detach` needs to know of a READ/WRITE knote.
#[derive(Clone, Copy, Debug)]
pub(super) struct FdInfo {
    pub(super) ident: usize,
    pub(super) filter: F,
    /// `(wd, dev, ino)` of a file knote.
    pub(super) file: Option<(i32, u64, u64)>,
}

impl FdInfo {
    pub(super) fn of(kn: &Knote) -> FdInfo {
        FdInfo {
            ident: kn.ident,
            filter: kn.filter,
            file: match kn.kind {
                Kind::File { wd, dev, ino } => Some((wd, dev, ino)),
                _ => None,
            },
        }
    }
}

/// Removes a READ/WRITE knote's interest from its descriptor's
/// registration. `Err(ENOENT/EBADF)`: the descriptor no longer names the
/// registered file (its knotes are gone).
pub(super) fn detach(st: &mut State, ep: RawFd, slot: u32, kn: FdInfo) -> Result<()> {
    let fd = raw_fd(kn.ident)?;
    match kn.file {
        Some((wd, dev, ino)) => {
            super::vnode::unwatch(st, wd, slot);
            // A descriptor closed since (or reused) makes the knote vanish.
            let s = fstat(fd)?;
            if (s.st_dev, s.st_ino) != (dev, ino) {
                return Err(Errno::ENOENT);
            }
            Ok(())
        }
        None => {
            let Some(reg) = st.fd_reg(fd).copied().filter(|r| r.gen != 0) else {
                return Ok(());
            };
            let events = reg.events & !interest(kn.filter);
            let res = if events & (IN | OUT) == 0 {
                epoll_ctl(ep, libc::EPOLL_CTL_DEL, fd, 0, 0)
            } else {
                epoll_ctl(
                    ep,
                    libc::EPOLL_CTL_MOD,
                    fd,
                    events | ET,
                    encode(TAG_FD, fd as u32, reg.gen),
                )
            };
            match res {
                Ok(()) => {
                    let mut empty = false;
                    if let Some(r) = st.fd_reg(fd) {
                        set_slot(r, kn.filter, 0);
                        r.events = events;
                        empty = r.read == 0 && r.write == 0;
                    }
                    if empty {
                        st.fd_reg_clear(fd);
                    }
                    Ok(())
                }
                Err(e @ (Errno::ENOENT | Errno::EBADF)) => {
                    drop_fd(st, fd);
                    Err(e)
                }
                Err(e) => Err(e),
            }
        }
    }
}

/// Forgets every knote of descriptor `fd` (it was closed or reused):
/// nothing is said to epoll, whose registration went with the old file or
/// carries a generation nobody has any more.
pub(super) fn drop_fd(st: &mut State, fd: RawFd) {
    let Some(reg) = st.fd_reg_copy(fd) else {
        return;
    };
    st.fd_reg_clear(fd);
    for s in [reg.read, reg.write] {
        if s != 0 {
            st.release(s - 1);
        }
    }
}

/// Routes one epoll report for descriptor `fd` to its knotes.
#[inline]
pub(super) fn on_report(st: &mut State, fd: u32, gen: u32, mask: u32) {
    let Some(reg) = st.fd_reg_copy(fd as i32) else {
        return;
    };
    if reg.gen != gen {
        return; // a registration that is no longer ours
    }
    for s in [reg.read, reg.write] {
        if s == 0 {
            continue;
        }
        let slot = s - 1;
        if let Some(kn) = st.knote(slot) {
            if let Kind::Fd { fresh } = &mut kn.kind {
                *fresh |= mask;
            }
            if kn.enabled {
                st.enqueue(slot);
            }
        }
    }
}

/// Evaluates a queued READ/WRITE knote: is it ready, with what `data`.
///
/// With `exact` false, an event that comes with a fresh epoll report skips
/// the `ioctl` that counts bytes and reports `data` 1 (see
/// `Kqueue::set_exact_data`).
pub(super) fn eval(st: &mut State, ep: RawFd, slot: u32, exact: bool) -> Eval {
    let Some(kn) = st.knote(slot) else {
        return Eval::NotReady;
    };
    let Ok(fd) = raw_fd(kn.ident) else {
        return Eval::Stale;
    };
    match kn.kind {
        Kind::File { dev, ino, .. } => eval_file(kn, fd, dev, ino),
        Kind::Fd { fresh } => {
            if let Kind::Fd { fresh } = &mut kn.kind {
                *fresh = 0;
            }
            let filter = kn.filter;
            let lowat = if kn.sfflags & super::NOTE_LOWAT != 0 {
                kn.sdata.max(1)
            } else {
                1
            };
            let Some(reg) = st.fd_reg_copy(fd).filter(|r| r.gen != 0) else {
                return Eval::Stale;
            };
            let Some(kn) = st.knote(slot) else {
                return Eval::NotReady;
            };
            // NOTE_LOWAT needs the count whatever the caller asked.
            let exact = exact || kn.sfflags & super::NOTE_LOWAT != 0;
            let ev = if filter == F::Read {
                eval_read(kn, fd, &reg, fresh, lowat, exact)
            } else {
                eval_write(kn, fd, &reg, fresh, exact)
            };
            if fresh == 0 && matches!(ev, Eval::Ready { .. }) && !same_file(ep, fd, &reg) {
                // No report since the last look, and the number names
                // another file now (closed and reused without EV_DELETE).
                return Eval::Stale;
            }
            ev
        }
        _ => Eval::NotReady,
    }
}

/// Whether `fd` still names the file registered as `reg`. Pipes and
/// sockets have unique inode numbers: `fstat` answers without side
/// effects. Anonymous inodes (eventfd, timerfd, …) share one, so those ask
/// epoll itself (`EPOLL_CTL_MOD` finds the registration only for the same
/// file), which re-arms the edge: harmless for the level-triggered knotes
/// that come here.
fn same_file(ep: RawFd, fd: RawFd, reg: &FdReg) -> bool {
    match reg.kind {
        FdKind::Pipe | FdKind::Socket | FdKind::Listener { .. } => {
            fstat(fd).is_ok_and(|s| (s.st_dev, s.st_ino) == (reg.dev, reg.ino))
        }
        FdKind::Other => {
            let data = encode(TAG_FD, fd as u32, reg.gen);
            epoll_ctl(ep, libc::EPOLL_CTL_MOD, fd, reg.events | ET, data).is_ok()
        }
    }
}

/// Asks epoll to report `fd` again if it is ready (after EV_ENABLE or a
/// modifying EV_ADD): the knote is then evaluated from a fresh report, once.
pub(super) fn rearm(st: &mut State, ep: RawFd, ident: usize) {
    let Ok(fd) = raw_fd(ident) else {
        return;
    };
    if let Some(reg) = st.fd_reg(fd).copied().filter(|r| r.gen != 0) {
        let data = encode(TAG_FD, fd as u32, reg.gen);
        let _ = epoll_ctl(ep, libc::EPOLL_CTL_MOD, fd, reg.events | ET, data);
    }
}

/// The number of connections waiting in a TCP listening socket's accept
/// queue.
fn accept_backlog(fd: RawFd) -> Option<i64> {
    // The head of struct tcp_info is all that is needed.
    let mut buf = [0u8; 32];
    let mut len = buf.len() as libc::socklen_t;
    // SAFETY: the kernel writes at most `len` bytes into `buf`.
    let r = unsafe { libc::getsockopt(fd, libc::IPPROTO_TCP, libc::TCP_INFO, buf.as_mut_ptr().cast(), &mut len) };
    if r != 0 {
        return None;
    }
    listen_backlog(buf.get(..len as usize)?)
}

/// Decodes the accept-queue length from the head of a `struct tcp_info`
/// (what Linux writes for a socket in TCP_LISTEN: `tcpi_state` is byte 0,
/// and `tcpi_unacked`, the u32 at offset 24, holds `sk_ack_backlog`).
pub(super) fn listen_backlog(info: &[u8]) -> Option<i64> {
    const TCP_LISTEN: u8 = 10;
    if *info.first()? != TCP_LISTEN {
        return None;
    }
    let b: [u8; 4] = info.get(24..28)?.try_into().ok()?;
    Some(i64::from(u32::from_ne_bytes(b)))
}

fn socket_error(kn: &mut Knote, fd: RawFd, reg: &FdReg, mask: u32) {
    if mask & ERR != 0 && matches!(reg.kind, FdKind::Socket | FdKind::Listener { .. }) && kn.fflags == 0 {
        // Linux clears the pending error when it is read: it is handed to
        // the caller here instead of to the next socket call.
        if let Ok(e) = sockopt_int(fd, libc::SO_ERROR) {
            kn.fflags = e as u32;
        }
    }
}

fn eval_read(kn: &mut Knote, fd: RawFd, reg: &FdReg, fresh: u32, lowat: i64, exact: bool) -> Eval {
    if fresh & (RDHUP | HUP) != 0 {
        kn.eof = true;
    }
    socket_error(kn, fd, reg, fresh);
    let readable_hint = if fresh != 0 {
        fresh & (IN | RDHUP | HUP | ERR) != 0
    } else {
        true
    };
    if !readable_hint && !kn.eof {
        return Eval::NotReady;
    }
    let data = match reg.kind {
        FdKind::Pipe | FdKind::Socket if !exact && fresh != 0 => i64::from(fresh & IN != 0),
        FdKind::Pipe | FdKind::Socket => match ioctl_int(fd, libc::FIONREAD) {
            Ok(n) => n,
            Err(Errno::EBADF) => return Eval::Stale,
            Err(_) => i64::from(fresh & IN != 0),
        },
        FdKind::Listener { .. } | FdKind::Other => {
            let ready = if fresh != 0 {
                fresh & IN != 0
            } else {
                match poll_now(fd, libc::POLLIN) {
                    Ok(r) => r & libc::POLLIN != 0,
                    Err(_) => return Eval::Stale,
                }
            };
            match reg.kind {
                FdKind::Other if ready => ioctl_int(fd, libc::FIONREAD).unwrap_or(1).max(1),
                // The accept queue's length, where Linux tells it.
                FdKind::Listener { tcp: true } if ready && exact => accept_backlog(fd).unwrap_or(1).max(1),
                _ => i64::from(ready),
            }
        }
    };
    let listener = matches!(reg.kind, FdKind::Listener { .. });
    if data >= lowat || (kn.eof && data >= 0) || (data > 0 && listener) {
        Eval::Ready {
            data,
            fflags: if kn.eof { kn.fflags } else { 0 },
            eof: kn.eof,
        }
    } else {
        Eval::NotReady
    }
}

fn eval_write(kn: &mut Knote, fd: RawFd, reg: &FdReg, fresh: u32, exact: bool) -> Eval {
    if fresh & (ERR | HUP) != 0 {
        kn.eof = true;
    }
    socket_error(kn, fd, reg, fresh);
    let writable = if fresh != 0 {
        fresh & (OUT | ERR | HUP) != 0
    } else {
        match poll_now(fd, libc::POLLOUT) {
            Ok(r) => {
                if r & (libc::POLLERR | libc::POLLHUP) != 0 {
                    kn.eof = true;
                }
                r & (libc::POLLOUT | libc::POLLERR | libc::POLLHUP) != 0
            }
            Err(_) => return Eval::Stale,
        }
    };
    if !writable && !kn.eof {
        return Eval::NotReady;
    }
    let data = if kn.eof && reg.kind == FdKind::Pipe {
        0
    } else if !exact {
        1
    } else {
        match reg.kind {
            FdKind::Pipe => match ioctl_int(fd, libc::FIONREAD) {
                Ok(q) => (reg.cap - q).max(0),
                Err(Errno::EBADF) => return Eval::Stale,
                Err(_) => 0,
            },
            FdKind::Socket => match ioctl_int(fd, libc::TIOCOUTQ) {
                Ok(q) => (reg.cap - q).max(0),
                Err(Errno::EBADF) => return Eval::Stale,
                Err(_) => 0,
            },
            FdKind::Listener { .. } | FdKind::Other => 1,
        }
    };
    Eval::Ready {
        data,
        fflags: if kn.eof { kn.fflags } else { 0 },
        eof: kn.eof,
    }
}

fn eval_file(kn: &mut Knote, fd: RawFd, dev: u64, ino: u64) -> Eval {
    let Ok(s) = fstat(fd) else {
        return Eval::Stale;
    };
    if (s.st_dev, s.st_ino) != (dev, ino) {
        return Eval::Stale;
    }
    if kn.filter == F::Write {
        return Eval::Ready {
            data: 0,
            fflags: 0,
            eof: false,
        };
    }
    // SAFETY: lseek on a descriptor; no memory involved.
    let Ok(off) = check(unsafe { libc::lseek(fd, 0, libc::SEEK_CUR) }) else {
        return Eval::Stale;
    };
    let data = s.st_size - off;
    let lowat = if kn.sfflags & super::NOTE_LOWAT != 0 {
        kn.sdata.max(1)
    } else {
        1
    };
    if data >= lowat {
        Eval::Ready {
            data,
            fflags: 0,
            eof: false,
        }
    } else {
        Eval::NotReady
    }
}

#[cfg(test)]
mod tests {
    use super::listen_backlog;

    #[test]
    fn decodes_the_accept_queue_of_a_listener() {
        let mut info = [0u8; 32];
        info[0] = 10; // TCP_LISTEN
        info[24..28].copy_from_slice(&3u32.to_ne_bytes());
        assert_eq!(listen_backlog(&info), Some(3));
        info[0] = 1; // TCP_ESTABLISHED: tcpi_unacked means something else
        assert_eq!(listen_backlog(&info), None);
        assert_eq!(listen_backlog(&info[..20]), None);
        assert_eq!(listen_backlog(&[]), None);
    }
}
