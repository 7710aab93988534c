//! The knote table: storage for the registered events of one kqueue,
//! knowing no filter. `K` is what a filter keeps per knote.
//!
//! Identity is `(ident, filter number)` through `index`. Knotes live in a
//! slab of generation-counted slots; epoll carries `(tag, index,
//! generation)` in its 64-bit data word, so a report for a knote deleted
//! (and its slot reused) after `epoll_wait` returned is recognised and
//! dropped: no event for a deleted knote, no use of freed state. The
//! pending queue holds the knotes to evaluate on the next collection, each
//! at most once.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

/// One registered event: what every filter has, and the filter's own `K`.
#[derive(Debug)]
pub(super) struct Knote<K> {
    pub(super) ident: usize,
    pub(super) filter: i16,
    /// The flags kept from the first `EV_ADD` (ONESHOT, CLEAR, DISPATCH,
    /// RECEIPT), returned with each event.
    pub(super) flags: u16,
    /// The caller's `fflags` and `data` (the filter's input).
    pub(super) sfflags: u32,
    pub(super) sdata: i64,
    pub(super) udata: usize,
    pub(super) enabled: bool,
    /// On the pending queue.
    pub(super) queued: bool,
    /// Pending output: counts (timer, signal), status (proc), notes (vnode).
    pub(super) data: i64,
    pub(super) fflags: u32,
    /// The `kevent` call that last delivered it (a knote is reported at
    /// most once per call).
    pub(super) delivered: u32,
    pub(super) kind: K,
}

struct Slot<K> {
    gen: u32,
    knote: Option<Knote<K>>,
}

/// A fast hasher for small integer keys (the default SipHash protects
/// against flooding, which a process's own registrations cannot do).
#[derive(Default)]
pub(super) struct IntHasher(u64);

impl Hasher for IntHasher {
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
    fn write_i32(&mut self, x: i32) {
        self.write_u64(x as u64);
    }
}

pub(super) type IntMap<K, V> = HashMap<K, V, BuildHasherDefault<IntHasher>>;

/// Epoll data tags (top two bits of the 64-bit word).
pub(super) const TAG_FD: u64 = 0;
pub(super) const TAG_SLOT: u64 = 1;
pub(super) const TAG_WAKE: u64 = 2;
pub(super) const TAG_SPECIAL: u64 = 3;

#[inline]
pub(super) fn encode(tag: u64, index: u32, gen: u32) -> u64 {
    (tag << 62) | (u64::from(index & 0x3fff_ffff) << 32) | u64::from(gen)
}

#[inline]
pub(super) fn decode(data: u64) -> (u64, u32, u32) {
    (data >> 62, ((data >> 32) & 0x3fff_ffff) as u32, data as u32)
}

/// Every knote of one kqueue.
pub(super) struct Table<K> {
    slots: Vec<Slot<K>>,
    free: Vec<u32>,
    index: IntMap<(usize, i16), u32>,
    queue: VecDeque<(u32, u32)>,
    next_gen: u32,
}

impl<K> Table<K> {
    pub(super) fn new() -> Table<K> {
        Table {
            slots: Vec::new(),
            free: Vec::new(),
            index: IntMap::default(),
            queue: VecDeque::new(),
            next_gen: 1,
        }
    }

    /// A new non-zero generation number.
    pub(super) fn gen(&mut self) -> u32 {
        let g = self.next_gen;
        self.next_gen = self.next_gen.wrapping_add(1).max(1);
        g
    }

    /// The slot of knote `(ident, filter)`.
    #[inline]
    pub(super) fn find(&self, ident: usize, filter: i16) -> Option<u32> {
        self.index.get(&(ident, filter)).copied()
    }

    /// Stores a new knote; returns its slot.
    pub(super) fn insert(&mut self, kn: Knote<K>) -> u32 {
        let key = (kn.ident, kn.filter);
        let slot = match self.free.pop() {
            Some(i) => {
                if let Some(s) = self.slots.get_mut(i as usize) {
                    s.knote = Some(kn);
                }
                i
            }
            None => {
                let gen = self.gen();
                self.slots.push(Slot { gen, knote: Some(kn) });
                (self.slots.len() - 1) as u32
            }
        };
        self.index.insert(key, slot);
        slot
    }

    /// Removes the knote in `slot` and returns it (dropping it releases
    /// what it holds); the slot gets a new generation.
    pub(super) fn remove(&mut self, slot: u32) -> Option<Knote<K>> {
        let gen = self.gen();
        let s = self.slots.get_mut(slot as usize)?;
        let kn = s.knote.take()?;
        s.gen = gen;
        self.free.push(slot);
        self.index.remove(&(kn.ident, kn.filter));
        Some(kn)
    }

    #[inline]
    pub(super) fn get(&mut self, slot: u32) -> Option<&mut Knote<K>> {
        self.slots.get_mut(slot as usize).and_then(|s| s.knote.as_mut())
    }

    #[inline]
    pub(super) fn slot_gen(&self, slot: u32) -> u32 {
        self.slots.get(slot as usize).map_or(0, |s| s.gen)
    }

    /// Puts an enabled knote on the pending queue (once).
    #[inline]
    pub(super) fn enqueue(&mut self, slot: u32) {
        let gen = self.slot_gen(slot);
        if let Some(kn) = self.get(slot) {
            if kn.enabled && !kn.queued {
                kn.queued = true;
                self.queue.push_back((slot, gen));
            }
        }
    }

    /// Takes the next live knote off the pending queue.
    #[inline]
    pub(super) fn dequeue(&mut self) -> Option<u32> {
        while let Some((slot, gen)) = self.queue.pop_front() {
            if self.slot_gen(slot) != gen {
                continue;
            }
            if let Some(kn) = self.get(slot) {
                kn.queued = false;
                return Some(slot);
            }
        }
        None
    }

    #[inline]
    pub(super) fn queue_len(&self) -> usize {
        self.queue.len()
    }

    /// The slots of every stored knote.
    pub(super) fn slots(&self) -> Vec<u32> {
        (0..self.slots.len() as u32)
            .filter(|&i| self.slots.get(i as usize).is_some_and(|s| s.knote.is_some()))
            .collect()
    }

    /// Every stored knote (for teardown).
    pub(super) fn knotes(&self) -> impl Iterator<Item = &Knote<K>> {
        self.slots.iter().filter_map(|s| s.knote.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kn(ident: usize) -> Knote<()> {
        Knote {
            ident,
            filter: -11,
            flags: 0,
            sfflags: 0,
            sdata: 0,
            udata: 0,
            enabled: true,
            queued: false,
            data: 0,
            fflags: 0,
            delivered: 0,
            kind: (),
        }
    }

    #[test]
    fn epoll_data_round_trips() {
        for (tag, idx, gen) in [(TAG_FD, 5, 7), (TAG_SLOT, 0x3fff_ffff, u32::MAX), (TAG_SPECIAL, 1, 1)] {
            assert_eq!(decode(encode(tag, idx, gen)), (tag, idx, gen));
        }
    }

    #[test]
    fn slots_change_generation_when_freed() {
        let mut t = Table::new();
        let a = t.insert(kn(1));
        let g = t.slot_gen(a);
        t.enqueue(a);
        t.enqueue(a);
        assert_eq!(t.queue_len(), 1, "queued once");
        assert!(t.remove(a).is_some());
        assert!(t.remove(a).is_none());
        assert_ne!(t.slot_gen(a), g);
        let b = t.insert(kn(2));
        assert_eq!(a, b, "slot reused");
        // The stale queue entry carries the old generation: skipped.
        assert_eq!(t.dequeue(), None);
        assert_eq!(t.find(2, -11), Some(b));
        assert_eq!(t.find(1, -11), None);
        assert_eq!(t.knotes().count(), 1);
    }

    #[test]
    fn disabled_knotes_are_not_queued() {
        let mut t = Table::new();
        let a = t.insert(kn(1));
        t.get(a).unwrap().enabled = false;
        t.enqueue(a);
        assert_eq!(t.dequeue(), None);
        t.get(a).unwrap().enabled = true;
        t.enqueue(a);
        assert_eq!(t.dequeue(), Some(a));
        assert!(!t.get(a).unwrap().queued);
    }
}
