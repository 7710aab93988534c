//! The knote table: every registered event of one kqueue, how epoll's
//! reports route back to them, and the queue of knotes to look at.
//!
//! Identity is `(ident, filter)` through `index`. Knotes live in a slab of
//! generation-counted slots; epoll carries `(tag, index, generation)` in its
//! 64-bit data word, so a report for a knote deleted (and its slot reused)
//! after `epoll_wait` returned is recognised and dropped: no event for a
//! deleted knote, no use of freed state.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::os::fd::OwnedFd;

/// Internal filter kinds, with FreeBSD's numbers (the Linux public ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum F {
    Read,
    Write,
    Vnode,
    Proc,
    Signal,
    Timer,
    User,
}

impl F {
    pub(super) fn from_raw(raw: i16) -> Option<F> {
        Some(match raw {
            -1 => F::Read,
            -2 => F::Write,
            -4 => F::Vnode,
            -5 => F::Proc,
            -6 => F::Signal,
            -7 => F::Timer,
            -11 => F::User,
            _ => return None,
        })
    }
}

/// What kind of descriptor an epoll-registered fd is, for computing `data`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FdKind {
    Pipe,
    Socket,
    /// A listening socket; `tcp`: the accept queue's length can be read
    /// (`TCP_INFO`).
    Listener {
        tcp: bool,
    },
    Other,
}

/// The one epoll registration of a descriptor, shared by its read and
/// write knotes (KQUEUE.md: "one epoll registration per descriptor").
#[derive(Clone, Copy, Debug)]
pub(super) struct FdReg {
    /// Generation of this registration (0: none).
    pub(super) gen: u32,
    /// Slot + 1 of the read knote (0: none).
    pub(super) read: u32,
    /// Slot + 1 of the write knote (0: none).
    pub(super) write: u32,
    /// The epoll interest currently registered.
    pub(super) events: u32,
    pub(super) kind: FdKind,
    /// Pipe size or socket send buffer, for EVFILT_WRITE's `data`.
    pub(super) cap: i64,
    /// The registered file's identity (unique for pipes and sockets).
    pub(super) dev: u64,
    pub(super) ino: u64,
}

impl FdReg {
    pub(super) const NONE: FdReg = FdReg {
        gen: 0,
        read: 0,
        write: 0,
        events: 0,
        kind: FdKind::Other,
        cap: 0,
        dev: 0,
        ino: 0,
    };
}

/// Filter-specific state of a knote.
#[derive(Debug)]
pub(super) enum Kind {
    /// READ/WRITE on an epoll-registered descriptor. `fresh` is the epoll
    /// mask of reports since the knote was last evaluated (0: none, so a
    /// re-check must first prove the descriptor is still the same file).
    Fd {
        fresh: u32,
    },
    /// READ/WRITE on a regular file or directory (epoll refuses them):
    /// evaluated on each scan; `wd` wakes READ when the file changes.
    File {
        dev: u64,
        ino: u64,
        wd: i32,
    },
    Timer {
        tfd: OwnedFd,
        abs: bool,
    },
    Signal {
        sig: i32,
        seen: u64,
    },
    User {
        triggered: bool,
    },
    Proc {
        pidfd: OwnedFd,
        exited: bool,
    },
    /// `pwd`: for a directory, the watch on its parent, which is where
    /// its removal shows (inotify says nothing to a directory removed
    /// while open).
    Vnode {
        wd: i32,
        pwd: i32,
        dev: u64,
        ino: u64,
        size: i64,
        nlink: u64,
        dir: bool,
    },
}

/// One registered event.
#[derive(Debug)]
pub(super) struct Knote {
    pub(super) ident: usize,
    pub(super) filter: F,
    /// The caller's ONESHOT / CLEAR / DISPATCH (and other) flags.
    pub(super) flags: u16,
    pub(super) sfflags: u32,
    pub(super) sdata: i64,
    pub(super) udata: usize,
    pub(super) enabled: bool,
    pub(super) queued: bool,
    /// Pending output: counts (timer, signal), status (proc).
    pub(super) data: i64,
    /// Pending output fflags (vnode notes, socket error).
    pub(super) fflags: u32,
    pub(super) eof: bool,
    /// The scan that last delivered it (a knote is reported at most once
    /// per `kevent` call).
    pub(super) delivered: u32,
    pub(super) kind: Kind,
}

pub(super) struct Slot {
    pub(super) gen: u32,
    pub(super) knote: Option<Knote>,
}

/// A fast hasher for `(ident, filter)` keys (the default SipHash protects
/// against flooding, which a process's own registrations cannot do).
#[derive(Default)]
pub(super) struct IdentHasher(u64);

impl Hasher for IdentHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
    fn write_i16(&mut self, x: i16) {
        self.write_u64(x as u64);
    }
}

pub(super) type Key = (usize, F);

/// Descriptor numbers below this index the dense table.
pub(super) const DENSE_FDS: usize = 1 << 16;

/// Epoll data tags (top two bits of the 64-bit word).
pub(super) const TAG_FD: u64 = 0;
pub(super) const TAG_SLOT: u64 = 1;
pub(super) const TAG_WAKE: u64 = 2;
pub(super) const TAG_SPECIAL: u64 = 3;
/// Indexes under TAG_SPECIAL.
pub(super) const SPECIAL_SIGNAL: u32 = 0;
pub(super) const SPECIAL_INOTIFY: u32 = 1;

#[inline]
pub(super) fn encode(tag: u64, index: u32, gen: u32) -> u64 {
    (tag << 62) | (u64::from(index & 0x3fff_ffff) << 32) | u64::from(gen)
}

#[inline]
pub(super) fn decode(data: u64) -> (u64, u32, u32) {
    (data >> 62, ((data >> 32) & 0x3fff_ffff) as u32, data as u32)
}

/// Everything mutable of one kqueue, behind its mutex.
pub(super) struct State {
    pub(super) slots: Vec<Slot>,
    pub(super) free: Vec<u32>,
    pub(super) index: HashMap<Key, u32, BuildHasherDefault<IdentHasher>>,
    /// Epoll registrations, indexed by descriptor number (below
    /// [`DENSE_FDS`]; larger numbers go to `fds_sparse`, so one huge
    /// descriptor number cannot make a huge table).
    pub(super) fds: Vec<FdReg>,
    pub(super) fds_sparse: HashMap<i32, FdReg, BuildHasherDefault<IdentHasher>>,
    /// Knotes to evaluate on the next scan, with their slot generation.
    pub(super) queue: VecDeque<(u32, u32)>,
    next_gen: u32,
    /// Slots of the signal knotes (checked when a signal arrives).
    pub(super) signal_slots: Vec<u32>,
    /// Whether the process-wide signal eventfd is in this epoll.
    pub(super) signal_registered: bool,
    pub(super) inotify: Option<super::vnode::Inotify>,
    /// Number of the current scan (see `Knote::delivered`).
    pub(super) scan: u32,
}

impl State {
    pub(super) fn new() -> State {
        State {
            slots: Vec::new(),
            free: Vec::new(),
            index: HashMap::default(),
            fds: Vec::new(),
            fds_sparse: HashMap::default(),
            queue: VecDeque::new(),
            next_gen: 1,
            signal_slots: Vec::new(),
            signal_registered: false,
            inotify: None,
            scan: 0,
        }
    }

    /// A new non-zero generation number.
    pub(super) fn gen(&mut self) -> u32 {
        let g = self.next_gen;
        self.next_gen = self.next_gen.wrapping_add(1).max(1);
        g
    }

    pub(super) fn alloc(&mut self, kn: Knote) -> u32 {
        let key = (kn.ident, kn.filter);
        let slot = if let Some(i) = self.free.pop() {
            if let Some(s) = self.slots.get_mut(i as usize) {
                s.knote = Some(kn);
            }
            i
        } else {
            let gen = self.gen();
            self.slots.push(Slot { gen, knote: Some(kn) });
            (self.slots.len() - 1) as u32
        };
        self.index.insert(key, slot);
        slot
    }

    /// Removes the knote in `slot` from the table and returns it (its
    /// resources are released by the caller or by dropping it).
    pub(super) fn release(&mut self, slot: u32) -> Option<Knote> {
        let gen = self.gen();
        let s = self.slots.get_mut(slot as usize)?;
        let kn = s.knote.take()?;
        s.gen = gen;
        self.free.push(slot);
        self.index.remove(&(kn.ident, kn.filter));
        if kn.filter == F::Signal {
            self.signal_slots.retain(|&x| x != slot);
        }
        Some(kn)
    }

    #[inline]
    pub(super) fn knote(&mut self, slot: u32) -> Option<&mut Knote> {
        self.slots.get_mut(slot as usize).and_then(|s| s.knote.as_mut())
    }

    #[inline]
    pub(super) fn slot_gen(&self, slot: u32) -> u32 {
        self.slots.get(slot as usize).map_or(0, |s| s.gen)
    }

    /// Puts the knote on the queue (once).
    #[inline]
    pub(super) fn enqueue(&mut self, slot: u32) {
        let gen = self.slot_gen(slot);
        if let Some(kn) = self.knote(slot) {
            if !kn.queued {
                kn.queued = true;
                self.queue.push_back((slot, gen));
            }
        }
    }

    #[inline]
    pub(super) fn fd_reg(&mut self, fd: i32) -> Option<&mut FdReg> {
        let i = usize::try_from(fd).ok()?;
        if i < DENSE_FDS {
            self.fds.get_mut(i)
        } else {
            self.fds_sparse.get_mut(&fd)
        }
    }

    /// A copy of the registration of `fd` (`FdReg::NONE` if none).
    #[inline]
    pub(super) fn fd_reg_copy(&self, fd: i32) -> Option<FdReg> {
        let i = usize::try_from(fd).ok()?;
        if i < DENSE_FDS {
            self.fds.get(i).copied()
        } else {
            self.fds_sparse.get(&fd).copied()
        }
    }

    /// The registration of `fd`, growing the table to hold it.
    pub(super) fn fd_reg_grow(&mut self, fd: i32) -> Option<&mut FdReg> {
        let i = usize::try_from(fd).ok()?;
        if i < DENSE_FDS {
            if i >= self.fds.len() {
                self.fds.resize(i + 1, FdReg::NONE);
            }
            self.fds.get_mut(i)
        } else {
            Some(self.fds_sparse.entry(fd).or_insert(FdReg::NONE))
        }
    }

    /// Forgets the registration of `fd` (frees a sparse entry).
    pub(super) fn fd_reg_clear(&mut self, fd: i32) {
        if usize::try_from(fd).is_ok_and(|i| i >= DENSE_FDS) {
            self.fds_sparse.remove(&fd);
        } else if let Some(r) = self.fd_reg(fd) {
            *r = FdReg::NONE;
        }
    }

    /// Whether any queued knote can be delivered (enabled).
    #[cfg(test)]
    pub(super) fn has_deliverable(&self) -> bool {
        self.queue.iter().any(|&(slot, gen)| {
            self.slots
                .get(slot as usize)
                .is_some_and(|s| s.gen == gen && s.knote.as_ref().is_some_and(|k| k.enabled))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoll_data_round_trips() {
        for (tag, idx, gen) in [(TAG_FD, 5, 7), (TAG_SLOT, 0x3fff_ffff, u32::MAX), (TAG_SPECIAL, 1, 1)] {
            assert_eq!(decode(encode(tag, idx, gen)), (tag, idx, gen));
        }
    }

    #[test]
    fn descriptor_table_is_dense_then_sparse() {
        let mut st = State::new();
        let big = (DENSE_FDS + 5) as i32;
        for fd in [3, big] {
            assert!(st.fd_reg_copy(fd).is_none());
            st.fd_reg_grow(fd).unwrap().gen = 7;
            assert_eq!(st.fd_reg_copy(fd).map(|r| r.gen), Some(7));
            assert_eq!(st.fd_reg(fd).map(|r| r.gen), Some(7));
        }
        assert!(st.fds.len() <= DENSE_FDS, "a big number did not grow the dense part");
        assert_eq!(st.fds_sparse.len(), 1);
        st.fd_reg_clear(big);
        st.fd_reg_clear(3);
        assert!(st.fds_sparse.is_empty());
        assert_eq!(st.fd_reg_copy(3).map(|r| r.gen), Some(0));
        assert!(st.fd_reg_grow(-1).is_none());
    }

    #[test]
    fn slots_change_generation_when_freed() {
        let mut st = State::new();
        let kn = |ident| Knote {
            ident,
            filter: F::User,
            flags: 0,
            sfflags: 0,
            sdata: 0,
            udata: 0,
            enabled: true,
            queued: false,
            data: 0,
            fflags: 0,
            eof: false,
            delivered: 0,
            kind: Kind::User { triggered: false },
        };
        let a = st.alloc(kn(1));
        let g = st.slot_gen(a);
        st.enqueue(a);
        assert!(st.release(a).is_some());
        assert_ne!(st.slot_gen(a), g);
        let b = st.alloc(kn(2));
        assert_eq!(a, b, "slot reused");
        // The stale queue entry carries the old generation.
        assert_eq!(st.queue.front().map(|q| q.1), Some(g));
        assert!(!st.has_deliverable());
        assert!(st.index.contains_key(&(2, F::User)));
        assert!(!st.index.contains_key(&(1, F::User)));
    }
}
