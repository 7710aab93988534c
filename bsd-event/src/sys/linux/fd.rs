//! EVFILT_READ and EVFILT_WRITE on descriptors epoll can watch (pipes,
//! FIFOs, sockets, terminals, eventfds, …): their one shared epoll
//! registration and what a report means.
//!
//! # One registration per descriptor
//! The read and the write knote of a descriptor share one registration
//! carrying the union of their interest. It is **level-triggered** when
//! every knote watching is level-triggered (no CLEAR, DISPATCH, ONESHOT or
//! NOTE_LOWAT): epoll then re-reports a descriptor that is still ready on
//! every call, so a delivered level knote costs nothing to re-check and
//! the kqueue's descriptor is readable exactly while it is ready. Otherwise
//! it is **edge-triggered**: a report means new activity, a level knote
//! that shares it is re-checked by the queue on the next call (one `poll`
//! and one `EPOLL_CTL_MOD` proving the number still names the file); until
//! that call the kqueue's descriptor stays readable for it, even if the
//! data was read meanwhile (the one case where that readability is not
//! exact). A disabled knote takes its interest out.
//!
//! Adding costs one `epoll_ctl`; what kind of descriptor it is (for
//! `data`) is learnt at the first evaluation that needs it and kept. An
//! event's byte count is taken when the program reads `data` (see
//! `kevent.rs`), so delivering an event costs no system call; a
//! low-water mark is compared when the event is collected.
//!
//! # Descriptors closed without EV_DELETE
//! Epoll forgets a registration when the file is closed everywhere, so a
//! closed descriptor's knote goes quiet. Re-adding the number registers
//! the new file afresh (`EPOLL_CTL_MOD` fails for a file that is not the
//! registered one). If the old file is still open elsewhere (a `dup`, a
//! child) its registration stays in epoll, and its reports still carry
//! the old knote's generation until the number is re-added.
//!
//! # The socket error
//! Linux has no way to read a socket's pending error without clearing it
//! (`SO_ERROR` and every `recv`, `MSG_PEEK` included, take it), so `fflags`
//! of an `EV_EOF` event is 0 here, and the error stays for the program's
//! next call on the socket.

use super::kevent::Eval;
use super::kevent::{Count, EVFILT_READ, NOTE_LOWAT};
use super::os;
use super::table::{encode, IntMap, TAG_FD};
use bsd_errno::{Errno, Result};
use std::os::fd::RawFd;

const IN: u32 = libc::EPOLLIN as u32;
const OUT: u32 = libc::EPOLLOUT as u32;
const RDHUP: u32 = libc::EPOLLRDHUP as u32;
const HUP: u32 = libc::EPOLLHUP as u32;
const ERR: u32 = libc::EPOLLERR as u32;
const ET: u32 = libc::EPOLLET as u32;

/// What a READ/WRITE knote keeps: the epoll reports since it was last
/// evaluated (0: none, so an evaluation must ask the descriptor).
#[derive(Debug, Default)]
pub(super) struct FdKnote {
    pub(super) fresh: u32,
}

/// How a knote wants its descriptor registered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Want {
    None,
    Level,
    Edge,
}

impl Want {
    /// `edge`: the knote is CLEAR, DISPATCH, ONESHOT or has a low-water
    /// mark (a level registration would report it while it must not fire).
    pub(super) fn of(enabled: bool, edge: bool, sfflags: u32) -> Want {
        if !enabled {
            Want::None
        } else if edge || sfflags & NOTE_LOWAT != 0 {
            Want::Edge
        } else {
            Want::Level
        }
    }
}

/// What kind of descriptor it is, learnt when `data` first needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Unknown,
    /// FIONREAD counts its bytes (a pipe or socket, kind not yet needed).
    Counted,
    Pipe,
    Socket,
    /// A listening socket; `tcp`: TCP_INFO tells the accept queue.
    Listener {
        tcp: bool,
    },
    Other,
}

/// The one epoll registration of a descriptor.
#[derive(Clone, Copy, Debug)]
struct Reg {
    /// Generation of this registration (0: none).
    gen: u32,
    /// Slot + 1 of the read and write knotes (0: none).
    read: u32,
    write: u32,
    rwant: Want,
    wwant: Want,
    class: Class,
    /// Pipe size or socket send buffer, for EVFILT_WRITE's `data`.
    cap: i64,
}

impl Reg {
    const NONE: Reg = Reg {
        gen: 0,
        read: 0,
        write: 0,
        rwant: Want::None,
        wwant: Want::None,
        class: Class::Unknown,
        cap: 0,
    };

    fn events(&self) -> u32 {
        let mut ev = 0;
        if self.rwant != Want::None {
            ev |= IN | RDHUP;
        }
        if self.wwant != Want::None {
            ev |= OUT;
        }
        let level = self.rwant == Want::Level || self.wwant == Want::Level;
        let edge = self.rwant == Want::Edge || self.wwant == Want::Edge;
        if edge || !level {
            // Also when nothing is wanted: ERR/HUP, always reported, then
            // come once instead of on every call.
            ev |= ET;
        }
        ev
    }

    fn set(&mut self, filter: i16, slot1: u32, want: Want) {
        if filter == EVFILT_READ {
            self.read = slot1;
            self.rwant = want;
        } else {
            self.write = slot1;
            self.wwant = want;
        }
    }
}

/// Descriptor numbers below this index the dense table.
const DENSE: usize = 1 << 16;

/// The registrations of one kqueue, by descriptor number (dense below
/// [`DENSE`], so one huge number cannot make a huge table).
#[derive(Default)]
pub(super) struct Regs {
    dense: Vec<Reg>,
    sparse: IntMap<i32, Reg>,
}

impl Regs {
    #[inline]
    fn get(&self, fd: RawFd) -> Option<&Reg> {
        let i = usize::try_from(fd).ok()?;
        let r = if i < DENSE {
            self.dense.get(i)
        } else {
            self.sparse.get(&fd)
        };
        r.filter(|r| r.gen != 0)
    }

    #[inline]
    fn get_mut(&mut self, fd: RawFd) -> Option<&mut Reg> {
        let i = usize::try_from(fd).ok()?;
        let r = if i < DENSE {
            self.dense.get_mut(i)
        } else {
            self.sparse.get_mut(&fd)
        };
        r.filter(|r| r.gen != 0)
    }

    fn put(&mut self, fd: RawFd, reg: Reg) {
        let Ok(i) = usize::try_from(fd) else {
            return;
        };
        if i < DENSE {
            if i >= self.dense.len() {
                self.dense.resize(i + 1, Reg::NONE);
            }
            if let Some(r) = self.dense.get_mut(i) {
                *r = reg;
            }
        } else {
            self.sparse.insert(fd, reg);
        }
    }

    fn clear(&mut self, fd: RawFd) {
        if usize::try_from(fd).is_ok_and(|i| i >= DENSE) {
            self.sparse.remove(&fd);
        } else if let Some(r) = self.get_mut(fd) {
            *r = Reg::NONE;
        }
    }
}

/// Knotes (slot + 1, 0: none) that died with a descriptor's old file.
pub(super) type Dead = [u32; 2];

/// How a new READ/WRITE knote was placed.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Placed {
    /// In epoll; `dead`: knotes of a file the number no longer names.
    Epoll { dead: Dead },
    /// Epoll refuses the descriptor (a regular file, a directory): the
    /// caller watches it as a file.
    NotPollable,
}

fn mod_reg(ep: RawFd, fd: RawFd, reg: &Reg) -> Result<()> {
    os::epoll_ctl(
        ep,
        libc::EPOLL_CTL_MOD,
        fd,
        reg.events(),
        encode(TAG_FD, fd as u32, reg.gen),
    )
}

/// Registers knote `slot` for `filter` on descriptor `fd`.
pub(super) fn attach(
    regs: &mut Regs,
    ep: RawFd,
    gen: u32,
    fd: RawFd,
    filter: i16,
    want: Want,
    slot: u32,
) -> Result<Placed> {
    let mut dead = [0, 0];
    if let Some(old) = regs.get(fd).copied() {
        let mut reg = old;
        reg.set(filter, slot + 1, want);
        match mod_reg(ep, fd, &reg) {
            Ok(()) => {
                regs.put(fd, reg);
                return Ok(Placed::Epoll { dead });
            }
            // The number names another file now (or none): the old
            // knotes went with the old file, as close(2) does on a BSD.
            Err(Errno::ENOENT | Errno::EBADF) => dead = forget(regs, fd),
            Err(e) => return Err(e),
        }
    }
    let mut reg = Reg::NONE;
    reg.gen = gen;
    reg.set(filter, slot + 1, want);
    let data = encode(TAG_FD, fd as u32, gen);
    match os::epoll_ctl(ep, libc::EPOLL_CTL_ADD, fd, reg.events(), data) {
        Ok(()) => {}
        // Registered behind the table's back (someone used the epoll
        // descriptor directly): take the registration over.
        Err(Errno::EEXIST) => os::epoll_ctl(ep, libc::EPOLL_CTL_MOD, fd, reg.events(), data)?,
        Err(Errno::EPERM) => return Ok(Placed::NotPollable),
        Err(e) => return Err(e),
    }
    regs.put(fd, reg);
    Ok(Placed::Epoll { dead })
}

/// Changes how knote `filter` of `fd` is registered and re-arms the
/// registration (an edge-triggered one reports again if ready).
/// `Err(ENOENT/EBADF)`: the number no longer names the registered file.
pub(super) fn update(regs: &mut Regs, ep: RawFd, fd: RawFd, filter: i16, want: Want) -> Result<()> {
    let Some(mut reg) = regs.get(fd).copied() else {
        return Err(Errno::ENOENT);
    };
    let slot1 = if filter == EVFILT_READ { reg.read } else { reg.write };
    reg.set(filter, slot1, want);
    mod_reg(ep, fd, &reg)?;
    regs.put(fd, reg);
    Ok(())
}

/// Removes knote `filter` of `fd`. `Err(ENOENT/EBADF)`: the number no
/// longer names the registered file (its knotes are gone: see [`forget`]).
pub(super) fn detach(regs: &mut Regs, ep: RawFd, fd: RawFd, filter: i16) -> Result<()> {
    let Some(mut reg) = regs.get(fd).copied() else {
        return Ok(());
    };
    reg.set(filter, 0, Want::None);
    let r = if reg.read == 0 && reg.write == 0 {
        os::epoll_ctl(ep, libc::EPOLL_CTL_DEL, fd, 0, 0)
    } else {
        mod_reg(ep, fd, &reg)
    };
    r?;
    if reg.read == 0 && reg.write == 0 {
        regs.clear(fd);
    } else {
        regs.put(fd, reg);
    }
    Ok(())
}

/// Forgets the registration of `fd` (its file went away) and returns its
/// knotes. Nothing is said to epoll, whose registration went with the old
/// file or carries a generation nobody has any more.
pub(super) fn forget(regs: &mut Regs, fd: RawFd) -> Dead {
    let Some(reg) = regs.get(fd).copied() else {
        return [0, 0];
    };
    regs.clear(fd);
    [reg.read, reg.write]
}

/// The knotes (slot + 1, 0: none) a report for `fd` with `gen` is for.
#[inline]
pub(super) fn route(regs: &Regs, fd: u32, gen: u32) -> Option<[u32; 2]> {
    let reg = regs.get(fd as RawFd)?;
    (reg.gen == gen).then_some([reg.read, reg.write])
}

/// Whether a delivered level knote of `fd` must be re-checked by the
/// queue: its registration is edge-triggered, so epoll will not say.
#[inline]
pub(super) fn needs_recheck(regs: &Regs, fd: RawFd) -> bool {
    regs.get(fd).is_some_and(|r| r.events() & ET != 0)
}

/// The low-water mark a knote's input asks for (0: none).
#[inline]
pub(super) fn lowat(sfflags: u32, sdata: i64) -> i64 {
    if sfflags & NOTE_LOWAT != 0 {
        sdata.max(1)
    } else {
        0
    }
}

/// Evaluates a READ or WRITE knote: is it ready, with what `data`.
///
/// `exact` false: `data` of an event that comes with an epoll report is 1
/// ("at least one byte"), without the `ioctl` that counts. NOTE_LOWAT
/// always counts.
#[inline]
pub(super) fn eval(
    regs: &mut Regs,
    ep: RawFd,
    fd: RawFd,
    filter: i16,
    kn: &mut FdKnote,
    lowat: i64,
    exact: bool,
) -> Eval {
    let Some(reg) = regs.get_mut(fd) else {
        return Eval::Stale;
    };
    let mut mask = core::mem::take(&mut kn.fresh);
    let recheck = mask == 0;
    if recheck {
        // No report since the last look (a level knote on an
        // edge-triggered registration): ask the descriptor.
        let want = if filter == EVFILT_READ {
            libc::POLLIN | libc::POLLRDHUP
        } else {
            libc::POLLOUT
        };
        match os::poll_now(fd, want) {
            // poll(2) and epoll share the bit values.
            Ok(r) => mask = u32::from(r as u16),
            Err(_) => return Eval::Stale,
        }
    }
    let exact = exact || lowat > 0;
    let ev = if filter == EVFILT_READ {
        eval_read(reg, fd, mask, lowat, exact)
    } else {
        eval_write(reg, fd, mask, lowat, exact)
    };
    let ready = matches!(ev, Eval::Ready { .. } | Eval::ReadyCounted { .. });
    if recheck && ready && mod_reg(ep, fd, reg).is_err() {
        // The number names another file now (closed and reused without
        // EV_DELETE): the knote died with the old one.
        return Eval::Stale;
    }
    ev
}

fn eval_read(reg: &mut Reg, fd: RawFd, mask: u32, lowat: i64, exact: bool) -> Eval {
    let eof = mask & (RDHUP | HUP) != 0;
    if mask & (IN | RDHUP | HUP | ERR) == 0 {
        return Eval::NotReady;
    }
    let mut listener = false;
    if exact && lowat == 0 && matches!(reg.class, Class::Counted | Class::Pipe | Class::Socket) {
        // Counted when the program reads `data`.
        return Eval::ReadyCounted {
            count: Count::Readable,
            fflags: 0,
            eof,
        };
    }
    let data = if !exact {
        i64::from(mask & IN != 0)
    } else {
        loop {
            match reg.class {
                Class::Unknown | Class::Counted | Class::Pipe | Class::Socket => {
                    match os::ioctl_int(fd, libc::FIONREAD) {
                        Ok(n) => {
                            if reg.class == Class::Unknown {
                                reg.class = Class::Counted;
                            }
                            break n;
                        }
                        Err(Errno::EBADF) => return Eval::Stale,
                        Err(_) if reg.class == Class::Unknown => reg.class = classify(fd),
                        Err(_) => break i64::from(mask & IN != 0),
                    }
                }
                Class::Listener { tcp } => {
                    listener = true;
                    let n = if tcp && mask & IN != 0 {
                        os::tcp_info_head(fd).and_then(|h| listen_backlog(&h)).unwrap_or(1)
                    } else {
                        0
                    };
                    break n.max(i64::from(mask & IN != 0));
                }
                Class::Other => break i64::from(mask & IN != 0),
            }
        }
    };
    let ready = if lowat > 0 && !listener {
        data >= lowat || eof
    } else {
        true
    };
    if ready {
        Eval::Ready { data, fflags: 0, eof }
    } else {
        Eval::NotReady
    }
}

fn eval_write(reg: &mut Reg, fd: RawFd, mask: u32, lowat: i64, exact: bool) -> Eval {
    let eof = mask & (ERR | HUP) != 0;
    if mask & (OUT | ERR | HUP) == 0 {
        return Eval::NotReady;
    }
    if exact && matches!(reg.class, Class::Unknown | Class::Counted) {
        reg.class = classify(fd);
        reg.cap = match reg.class {
            Class::Pipe => os::pipe_size(fd),
            Class::Socket => os::sockopt_int(fd, libc::SOL_SOCKET, libc::SO_SNDBUF).unwrap_or(0),
            _ => 0,
        };
    }
    if exact && lowat == 0 && !eof {
        // Counted when the program reads `data`.
        let count = match reg.class {
            Class::Pipe => Some(Count::PipeRoom(reg.cap)),
            Class::Socket => Some(Count::SocketRoom(reg.cap)),
            _ => None,
        };
        if let Some(count) = count {
            return Eval::ReadyCounted { count, fflags: 0, eof };
        }
    }
    let data = if eof && reg.class == Class::Pipe {
        0
    } else if !exact {
        1
    } else {
        let queued = match reg.class {
            Class::Pipe => os::ioctl_int(fd, libc::FIONREAD),
            Class::Socket => os::ioctl_int(fd, libc::TIOCOUTQ),
            _ => Ok(-1),
        };
        match queued {
            Ok(-1) => 1,
            Ok(q) => (reg.cap - q).max(0),
            Err(Errno::EBADF) => return Eval::Stale,
            Err(_) => 0,
        }
    };
    if lowat > 0 && data < lowat && !eof {
        return Eval::NotReady;
    }
    Eval::Ready { data, fflags: 0, eof }
}

/// What kind of descriptor `fd` is (an `fstat`, and for a socket whether
/// it listens).
fn classify(fd: RawFd) -> Class {
    let Ok(s) = os::fstat(fd) else {
        return Class::Other;
    };
    if s.fmt == libc::S_IFIFO {
        Class::Pipe
    } else if s.fmt == libc::S_IFSOCK {
        if os::sockopt_int(fd, libc::SOL_SOCKET, libc::SO_ACCEPTCONN).unwrap_or(0) != 0 {
            let tcp = os::sockopt_int(fd, libc::SOL_SOCKET, libc::SO_PROTOCOL)
                .is_ok_and(|p| p == i64::from(libc::IPPROTO_TCP));
            Class::Listener { tcp }
        } else {
            Class::Socket
        }
    } else {
        Class::Other
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn level_only_when_every_knote_is_level() {
        let mut r = Reg::NONE;
        r.set(EVFILT_READ, 1, Want::Level);
        assert_eq!(r.events() & ET, 0);
        assert_eq!(r.events() & (IN | OUT), IN);
        r.set(super::super::kevent::EVFILT_WRITE, 2, Want::Edge);
        assert_eq!(r.events() & ET, ET);
        assert_eq!(r.events() & (IN | OUT), IN | OUT);
        r.set(super::super::kevent::EVFILT_WRITE, 2, Want::None);
        assert_eq!(r.events() & ET, 0);
        r.set(EVFILT_READ, 1, Want::None);
        assert_eq!(r.events(), ET, "nothing wanted: edge-triggered, no interest");
        assert_eq!(Want::of(false, false, 0), Want::None);
        assert_eq!(Want::of(true, false, 0), Want::Level);
        assert_eq!(Want::of(true, true, 0), Want::Edge);
        assert_eq!(Want::of(true, false, NOTE_LOWAT), Want::Edge);
    }

    #[test]
    fn huge_descriptor_numbers_go_to_the_sparse_table() {
        let mut regs = Regs::default();
        let big = (DENSE + 5) as RawFd;
        for fd in [3, big] {
            assert!(regs.get(fd).is_none());
            let mut r = Reg::NONE;
            r.gen = 7;
            regs.put(fd, r);
            assert_eq!(route(&regs, fd as u32, 7), Some([0, 0]));
            assert_eq!(route(&regs, fd as u32, 8), None);
        }
        assert!(regs.dense.len() <= DENSE);
        assert_eq!(regs.sparse.len(), 1);
        assert_eq!(forget(&mut regs, big), [0, 0]);
        regs.clear(3);
        assert!(regs.sparse.is_empty());
        assert!(regs.get(3).is_none());
        assert!(regs.get(-1).is_none());
    }
}
