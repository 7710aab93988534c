//! The registry of live mappings: every mapping this crate makes is recorded
//! here until it is unmapped.
//!
//! It does three jobs:
//!
//! - **Exact unmapping.** [`munmap`](crate::munmap) and
//!   [`munmap_slice`](crate::munmap_slice) unmap only what was mapped, whole:
//!   an address the registry never recorded, a sub-slice, a different length,
//!   a second unmap or length 0 is EINVAL and the kernel is never called. On
//!   a kernel error the record stays, so the registry never claims less than
//!   the kernel holds.
//! - **Lookup.** [`lookup`] answers "which mapping holds this address?" for
//!   any interior pointer, with the protection of that page.
//! - **Accounting.** [`stats`] gives the number of live mappings and their
//!   bytes without taking a lock.
//!
//! # Structure, chosen by measurement
//! Two parts:
//!
//! - **16 shards**, each a `RwLock<BTreeMap<base, record>>`, chosen by a
//!   hash of the base's page number. Every exact operation — record, unmap,
//!   protect, the region calls — locks only the shard of its base, and
//!   neighbouring mappings (the kernel hands out adjacent addresses, so two
//!   threads mapping at once get neighbours) land in different shards.
//! - **One ordered index** (`RwLock<BTreeMap<base, (len, id)>>`) for
//!   [`lookup`], written briefly under the shard's lock after each change,
//!   never held across a system call.
//!
//! Three structures were measured on the 2-core Linux machine this crate is
//! developed on (4 KiB anonymous map + unmap; lookup of an interior pointer
//! in the last page of one of 10 000 live mappings of 1–16 pages; medians
//! of interleaved runs from `cargo run --release -p bench -- mem`, with
//! other builds running, so ±5%):
//!
//! | structure | 1 thread ÷ raw | 2 threads ÷ raw | lookup |
//! |---|---|---|---|
//! | one `RwLock<BTreeMap>`, held across `munmap` | 1.03–1.04 | 1.17–1.28 | 95–102 ns |
//! | 16 shards, lookup searches every shard | 1.04–1.05 | 0.91–1.02 | 450 ns |
//! | **16 shards + ordered index (this)** | 1.06–1.08 | 0.89–1.11 | 150–250 ns |
//!
//! (raw `mmap`+`munmap` of 4 KiB: 3.2 µs on one thread; the ordered search
//! alone, in a plain `BTreeMap` without a lock, 60 ns; scanning
//! `/proc/self/maps` instead, 26 µs.) One lock is the cheapest alone, but
//! holding it across `munmap` — which the unmapping order below needs —
//! makes two threads wait on each other: 20–28% over raw, past the 25%
//! target. Sharding removes that (the kernel's own `mmap_lock` is then the
//! only serialization, and spreading the threads' turns even beats raw
//! slightly), but a lookup over shards keyed by hash must search them all.
//! The index brings lookup back to one ordered search plus one exact read,
//! for two more uncontended lock round trips per map+unmap (≈ 0.1 µs). A
//! lookup is the index search (≈ 60 ns, as the floor) plus a read of the
//! record in its shard, both cache misses among 10 000 records; a miss for
//! an address below every mapping (a heap pointer) costs 11–15 ns. The
//! two-thread ratios move with the machine's load (the kernel's lock
//! dominates both raw and ours); the one-thread ratio is steady.
//!
//! # Ordering against the kernel
//! - **Mapping**: the kernel call first, the record after. The address cannot
//!   be in the registry meanwhile (see unmapping), so a new record never
//!   collides with a live one.
//! - **Unmapping** holds the write lock of the record's shard *across*
//!   `munmap`: find the record, call `munmap`, remove the record on success,
//!   keep it on failure, release. Another thread's mapping can get the same
//!   address only once `munmap` has returned, and its record goes to the
//!   same shard (the shard is a function of the base), so it waits for the
//!   lock and finds the stale record already gone. Removing the record
//!   before `munmap` instead would let a concurrent lookup miss a mapping
//!   that is still there, and would have to put it back on a kernel error.
//! - **Protecting** (and advising, syncing and locking through a
//!   [`Region`]) runs the call under the shard's lock too,
//!   after checking that the region is still live, so it can never reach a
//!   mapping that replaced an unmapped one; `protect` then updates the
//!   record's per-page protection.
//! - **Region reuse.** A [`Region`] carries the record's
//!   identity (a number unique in its shard), not just base and length: a
//!   copy kept after `munmap` does not match a new mapping that the kernel
//!   put at the same address with the same length; it gets EINVAL. A slice
//!   (`munmap_slice`) has no identity and is matched by base and length, as
//!   in Go's `syscall.Munmap`; holding one past its `munmap` was already a broken promise
//!   of [`Region::as_slice`].
//! - **fork**: the registry's locks are ordinary locks. A child forked from
//!   a multi-threaded process while another thread held one would wait for
//!   ever; such a child should `exec` (or `_exit`) without mapping through
//!   this crate, as with any lock of the parent.
//! - Memory unmapped behind the registry's back (`libc::munmap` on a
//!   recorded range) leaves a stale record; that is a broken `unsafe`
//!   promise, and the registry cannot see it. A new mapping recorded at the
//!   same base replaces the stale record.

use crate::range::{round_up, Protection};
use crate::{sys, MapFlags, Prot, Region};
use bsd_errno::{Errno, Result};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// log2 of the number of shards.
const SHARD_BITS: u32 = 4;
/// The number of shards.
const SHARDS: usize = 1 << SHARD_BITS;

/// What the registry knows of one live mapping.
#[derive(Debug)]
pub(crate) struct Record {
    pub(crate) len: usize,
    pub(crate) id: u64,
    pub(crate) prot: Protection,
    pub(crate) flags: MapFlags,
    pub(crate) offset: Option<u64>,
    /// Owned by a [`Mapping`](crate::Mapping): only it may unmap or protect it.
    pub(crate) owned: bool,
}

#[derive(Debug)]
struct Table {
    map: BTreeMap<usize, Record>,
    next_id: u64,
}

/// One shard: the records whose base hashes here, and their totals (written
/// under the lock, read without it).
#[derive(Debug)]
#[repr(align(128))]
struct Shard {
    table: RwLock<Table>,
    count: AtomicUsize,
    bytes: AtomicUsize,
}

impl Shard {
    const fn new() -> Self {
        Shard {
            table: RwLock::new(Table {
                map: BTreeMap::new(),
                next_id: 1,
            }),
            count: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
        }
    }

    // A panic cannot happen while a guard is held (no caller code runs
    // under it but the system-call closures of this crate), so a poisoned
    // lock still guards a consistent table.
    fn read(&self) -> RwLockReadGuard<'_, Table> {
        self.table.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Table> {
        self.table.write().unwrap_or_else(PoisonError::into_inner)
    }
}

static REGISTRY: [Shard; SHARDS] = [const { Shard::new() }; SHARDS];

/// The ordered index for [`lookup`]: base → (length, identity) of every
/// record. Written briefly after the shard's change, under the shard's lock
/// (lock order: shard, then index); never held across a system call.
#[repr(align(128))]
struct Index(RwLock<BTreeMap<usize, (usize, u64)>>);

static INDEX: Index = Index(RwLock::new(BTreeMap::new()));

fn index_write() -> RwLockWriteGuard<'static, BTreeMap<usize, (usize, u64)>> {
    INDEX.0.write().unwrap_or_else(PoisonError::into_inner)
}

/// The shard of a mapping based at `base`: a Fibonacci hash of its page
/// number, so neighbouring mappings (the kernel hands out adjacent
/// addresses) land in different shards.
#[inline]
fn shard_index(base: usize) -> usize {
    if SHARD_BITS == 0 {
        0
    } else {
        ((base as u64 >> 12).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SHARD_BITS)) as usize & (SHARDS - 1)
    }
}

#[inline]
fn shard_of(base: usize) -> &'static Shard {
    &REGISTRY[shard_index(base)]
}

/// Who asks to touch a record: the raw API (a [`Region`] or a slice) or the
/// [`Mapping`](crate::Mapping) that owns it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Caller {
    /// The record's identity, if the caller knows it (slices do not).
    pub(crate) id: Option<u64>,
    /// The caller is the owning `Mapping`.
    pub(crate) owner: bool,
}

impl Caller {
    fn may_touch(self, rec: &Record, len: usize) -> bool {
        rec.len == len && rec.owned == self.owner && self.id.map_or(true, |id| id == rec.id)
    }
}

/// Records a mapping the kernel just made; returns its identity.
pub(crate) fn insert(base: usize, len: usize, prot: Prot, flags: MapFlags, offset: Option<u64>, owned: bool) -> u64 {
    let shard = shard_of(base);
    let mut t = shard.write();
    let id = t.next_id;
    t.next_id += 1;
    let rec = Record {
        len,
        id,
        prot: Protection::new(prot),
        flags,
        offset,
        owned,
    };
    let bytes = shard.bytes.load(Relaxed);
    index_write().insert(base, (len, id));
    match t.map.insert(base, rec) {
        // A stale record (see the module doc): the kernel has reused its
        // address, so it was unmapped behind our back. The new one wins.
        Some(old) => shard.bytes.store(bytes - old.len + len, Relaxed),
        None => {
            shard.count.store(shard.count.load(Relaxed) + 1, Relaxed);
            shard.bytes.store(bytes + len, Relaxed);
        }
    }
    id
}

/// Unmaps exactly the recorded mapping `base..base+len` with `unmap` (the
/// kernel call), under the shard's write lock; removes the record only if
/// `unmap` succeeds. Anything not matching a record is EINVAL and `unmap`
/// is not called.
pub(crate) fn remove(base: usize, len: usize, who: Caller, unmap: impl FnOnce() -> Result<()>) -> Result<()> {
    if len == 0 {
        return Err(Errno::EINVAL);
    }
    let shard = shard_of(base);
    let mut t = shard.write();
    match t.map.get(&base) {
        Some(rec) if who.may_touch(rec, len) => {}
        _ => return Err(Errno::EINVAL),
    }
    unmap()?;
    if let Some(old) = t.map.remove(&base) {
        index_write().remove(&base);
        shard.count.store(shard.count.load(Relaxed) - 1, Relaxed);
        shard.bytes.store(shard.bytes.load(Relaxed) - old.len, Relaxed);
    }
    Ok(())
}

/// Runs `f` on the live record `base..base+len` under its shard's write
/// lock (EINVAL if there is none, or it is not the caller's).
pub(crate) fn update<R>(base: usize, len: usize, who: Caller, f: impl FnOnce(&mut Record) -> Result<R>) -> Result<R> {
    let mut t = shard_of(base).write();
    match t.map.get_mut(&base) {
        Some(rec) if who.may_touch(rec, len) => f(rec),
        _ => Err(Errno::EINVAL),
    }
}

/// Runs `f` on the live record `base..base+len` under its shard's read
/// lock, so it cannot be unmapped meanwhile (EINVAL if there is none).
pub(crate) fn with<R>(base: usize, len: usize, who: Caller, f: impl FnOnce(&Record) -> Result<R>) -> Result<R> {
    let t = shard_of(base).read();
    match t.map.get(&base) {
        Some(rec) if who.may_touch(rec, len) => f(rec),
        _ => Err(Errno::EINVAL),
    }
}

/// What the registry knows of one live mapping, as [`lookup`] finds it.
///
/// A snapshot: the mapping may be unmapped or re-protected right after.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MappingInfo {
    base: usize,
    len: usize,
    id: u64,
    prot: Prot,
    uniform: bool,
    flags: MapFlags,
    offset: Option<u64>,
    owned: bool,
}

impl MappingInfo {
    pub(crate) fn new(base: usize, rec: &Record, at: usize) -> Self {
        MappingInfo {
            base,
            len: rec.len,
            id: rec.id,
            prot: rec.prot.at(at),
            uniform: rec.prot.is_uniform(),
            flags: rec.flags,
            offset: rec.offset,
            owned: rec.owned,
        }
    }

    /// The first byte of the mapping (page-aligned).
    #[must_use]
    pub fn as_ptr(&self) -> *const u8 {
        self.base as *const u8
    }

    /// The length asked for when mapping, in bytes (the kernel maps whole
    /// pages; the registry counts what was asked). For a
    /// [`Mapping`](crate::Mapping) made at an unaligned file offset, this
    /// includes the bytes between the page boundary and the offset.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always `false`: no mapping is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether `ptr` points into the mapping.
    #[must_use]
    pub fn contains<T: ?Sized>(&self, ptr: *const T) -> bool {
        (ptr.cast::<u8>() as usize).wrapping_sub(self.base) < self.len
    }

    /// The protection of the page looked up (for [`mappings`], of the first
    /// page).
    #[must_use]
    pub fn prot(&self) -> Prot {
        self.prot
    }

    /// Whether every page of the mapping has the same protection.
    #[must_use]
    pub fn is_uniformly_protected(&self) -> bool {
        self.uniform
    }

    /// The flags the mapping was made with (including `ANON` for anonymous
    /// mappings).
    #[must_use]
    pub fn flags(&self) -> MapFlags {
        self.flags
    }

    /// For a file mapping, the (page-aligned) file offset of its first byte.
    #[must_use]
    pub fn file_offset(&self) -> Option<u64> {
        self.offset
    }

    /// Whether a [`Mapping`](crate::Mapping) owns it (it is then unmapped by
    /// dropping that, and the raw API refuses it).
    #[must_use]
    pub fn is_owned(&self) -> bool {
        self.owned
    }

    /// The [`Region`] handle of a mapping made by [`mmap`](crate::mmap), for
    /// [`munmap`](crate::munmap) and the region calls; `None` for a mapping
    /// owned by a [`Mapping`](crate::Mapping).
    #[must_use]
    pub fn region(&self) -> Option<Region> {
        (!self.owned).then_some(Region {
            base: self.base,
            len: self.len,
            id: self.id,
        })
    }
}

/// The number and total size of the live mappings of the registry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Stats {
    /// Live mappings.
    pub count: usize,
    /// Their bytes, as asked for when mapping.
    pub bytes: usize,
}

/// Finds the live mapping that contains `ptr`, interior pointers included.
///
/// Cost: an ordered search in the registry's index under its read lock,
/// then a read of the nearest record in its shard (none if no mapping lies
/// below the address). If that record is being unmapped, this waits for
/// the `munmap` to finish and searches again, so it neither returns a
/// mapping the kernel has already removed nor misses one placed over it.
/// See the module doc for the numbers.
///
/// ```
/// let m = bsd_mem::Mapping::anonymous(3 * bsd_mem::page_size())?;
/// let inside = m.as_ptr().wrapping_add(5000);
/// let info = bsd_mem::registry::lookup(inside).expect("recorded");
/// assert_eq!(info.as_ptr(), m.as_ptr());
/// assert!(info.is_owned() && info.region().is_none());
/// assert_eq!(bsd_mem::registry::lookup(&0u8), None); // the stack is not ours
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
#[must_use]
pub fn lookup<T: ?Sized>(ptr: *const T) -> Option<MappingInfo> {
    let addr = ptr.cast::<u8>() as usize;
    loop {
        // The nearest record at or below the address. It is the answer if it
        // is live: live mappings do not overlap, so if it does not contain
        // the address, no live mapping does. But it may be stale — unmapped
        // by the kernel, its removal still under way — and then a live
        // mapping placed since over its old range may hold the address.
        let (base, id) = {
            let index = INDEX.0.read().unwrap_or_else(PoisonError::into_inner);
            match index.range(..=addr).next_back() {
                Some((&base, &(_, id))) => (base, id),
                None => return None,
            }
        };
        // Reading the record waits for an unmap in progress: the record and
        // its index entry change together under the shard's write lock.
        let t = shard_of(base).read();
        match t.map.get(&base) {
            Some(rec) if rec.id == id => {
                return (addr - base < rec.len).then(|| MappingInfo::new(base, rec, addr - base));
            }
            // Unmapped (or replaced) meanwhile: the index has changed too.
            _ => continue,
        }
    }
}

/// The number of live mappings and their bytes.
///
/// Lock-free: a sum of per-shard counters, each exact; while other threads
/// map and unmap, the sum is a moment's picture, not an atomic snapshot.
#[must_use]
pub fn stats() -> Stats {
    REGISTRY.iter().fold(Stats::default(), |s, sh| Stats {
        count: s.count + sh.count.load(Relaxed),
        bytes: s.bytes + sh.bytes.load(Relaxed),
    })
}

/// Every live mapping, sorted by address (an owned copy).
#[must_use]
pub fn mappings() -> Vec<MappingInfo> {
    let mut v = Vec::with_capacity(stats().count);
    for shard in &REGISTRY {
        let t = shard.read();
        v.extend(t.map.iter().map(|(&base, rec)| MappingInfo::new(base, rec, 0)));
    }
    v.sort_unstable_by_key(|m| m.base);
    v
}

/// The protection the kernel applies to `start..end` of a recorded
/// mapping, applied to its record.
pub(crate) fn set_prot(rec: &mut Record, start: usize, end: usize, prot: Prot) {
    let page = sys::page_size();
    let total = round_up(rec.len, page).unwrap_or(rec.len);
    rec.prot.set(total, start, end, prot, page);
}
