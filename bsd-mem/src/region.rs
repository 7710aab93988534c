//! Go's `syscall.Mmap`/`syscall.Munmap`, made safe: `mmap` and
//! `mmap_anonymous` return a [`Region`] handle, `munmap` and `munmap_slice`
//! unmap through the registry.

use crate::range::{check_len, check_offset, kernel_range, resolve};
use crate::registry::{self, Caller, MappingInfo};
use crate::{sys, Advice, DestructiveAdvice, MapFlags, Prot, SyncFlags};
use bsd_errno::{Errno, Result};
use std::ops::RangeBounds;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

/// Maps `len` bytes of the file open as `fd`, from `offset`, and records the
/// mapping in the registry (Go's `syscall.Mmap`).
///
/// `flags` must hold exactly one of [`MapFlags::SHARED`] and
/// [`MapFlags::PRIVATE`]. The kernel picks the address. The mapping keeps
/// the file referenced; `fd` may be closed afterwards.
///
/// The result is a [`Region`]: a `Copy` handle, not a borrow. Reading or
/// writing through it is `unsafe` because any copy may be passed to
/// [`munmap`], and because the file may change underneath. For memory that
/// is unmapped when it goes out of scope and gives out slices safely, use
/// [`Mapping`](crate::Mapping).
///
/// ```
/// use bsd_mem::{mmap, mmap_anonymous, munmap, MapFlags, Prot};
/// // The first page of this program's own executable.
/// let file = std::fs::File::open(std::env::current_exe()?)?;
/// let r = mmap(&file, 0, 4096, Prot::READ, MapFlags::PRIVATE)?;
/// // SAFETY: `r` is live and readable; nobody rewrites the executable
/// // while it runs.
/// let head = unsafe { r.as_slice() };
/// assert_eq!(head.len(), 4096);
/// munmap(r)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// - EINVAL: `len` is 0; `offset` is not a multiple of
///   [`page_size`](crate::page_size) or past `i64::MAX`;
///   `flags` has neither or both of `SHARED` and `PRIVATE`, has `ANON`, or
///   has a fixed-address flag (`MAP_FIXED`, …).
/// - ENOMEM: `len` is too large to map; or from the kernel: no room.
/// - From the kernel: EACCES (the descriptor's mode does not allow `prot`),
///   EBADF, ENODEV (the file cannot be mapped), …
///
#[doc = crate::man_links!("mmap")]
#[doc(alias = "Mmap")]
pub fn mmap(fd: impl AsFd, offset: u64, len: usize, prot: Prot, flags: MapFlags) -> Result<Region> {
    raw_mmap(Some(fd.as_fd()), offset, len, prot, flags)
}

/// Maps `len` bytes of anonymous zero-filled memory and records the mapping
/// in the registry (Go's `syscall.Mmap` with a descriptor of -1 and
/// `MAP_ANON`).
///
/// `MAP_ANON` is added; `flags` must hold exactly one of
/// [`MapFlags::SHARED`] (shared with children after `fork`) and
/// [`MapFlags::PRIVATE`]. As for [`mmap`], the result is a `Copy`
/// [`Region`] handle.
///
/// ```
/// use bsd_mem::{mmap_anonymous, munmap, MapFlags, Prot};
/// let r = mmap_anonymous(4096, Prot::READ | Prot::WRITE, MapFlags::PRIVATE)?;
/// // SAFETY: `r` is live, readable and writable, and nothing else uses it.
/// unsafe { r.as_mut_slice()[0] = 7 };
/// munmap(r)?;
/// assert_eq!(munmap(r), Err(bsd_mem::Errno::EINVAL)); // not twice
/// # Ok::<(), bsd_mem::Errno>(())
/// ```
///
/// # Errors
/// - EINVAL: `len` is 0; `flags` has neither or both of `SHARED` and
///   `PRIVATE`, or a fixed-address flag (`MAP_FIXED`, …).
/// - ENOMEM: `len` is too large to map; or from the kernel: no room.
///
#[doc = crate::man_links!("mmap")]
#[doc(alias = "Mmap")]
pub fn mmap_anonymous(len: usize, prot: Prot, flags: MapFlags) -> Result<Region> {
    raw_mmap(None, 0, len, prot, flags)
}

fn raw_mmap(fd: Option<BorrowedFd<'_>>, offset: u64, len: usize, prot: Prot, flags: MapFlags) -> Result<Region> {
    let page = sys::page_size();
    check_len(len, page)?;
    let off = check_offset(offset, page)?;
    let flags = check_flags(flags, fd.is_some(), offset)?;
    let raw_fd = fd.map_or(-1, |fd| fd.as_raw_fd());
    // SAFETY: `check_flags` refused the fixed-address flags, so the kernel
    // picks a fresh range that aliases nothing.
    let p = unsafe { sys::mmap(len, prot.bits(), flags.bits(), raw_fd, off) }?;
    let base = p as usize;
    let id = registry::insert(base, len, prot, flags, fd.map(|_| offset), false);
    Ok(Region { base, len, id })
}

/// Checks the flags of a new mapping; adds `ANON` when there is no file.
pub(crate) fn check_flags(flags: MapFlags, file: bool, offset: u64) -> Result<MapFlags> {
    let sharing = flags & (MapFlags::SHARED | MapFlags::PRIVATE);
    if flags.bits() & sys::FIXED != 0 || (sharing != MapFlags::SHARED && sharing != MapFlags::PRIVATE) {
        return Err(Errno::EINVAL);
    }
    match file {
        true if flags.contains(MapFlags::ANON) => Err(Errno::EINVAL),
        true => Ok(flags),
        false if offset != 0 => Err(Errno::EINVAL),
        false => Ok(flags | MapFlags::ANON),
    }
}

/// Unmaps exactly the mapping `region` names, through the registry.
///
/// A region unmapped already (through any copy), or owned by a
/// [`Mapping`](crate::Mapping) (see [`Mapping::into_region`](crate::Mapping::into_region)),
/// is EINVAL and the kernel is not called. If the kernel fails, the mapping
/// stays mapped and recorded.
///
/// Safe: the memory of a `Region` is reached only through `unsafe` calls,
/// whose callers promised to stop using it before it is unmapped.
///
/// # Errors
/// - EINVAL: not a live mapping of [`mmap`] (never mapped, unmapped already,
///   a copy kept across an unmap and a new mapping at the same address, or
///   owned by a `Mapping`).
/// - From the kernel (the record stays): ENOMEM on Linux when unmapping would
///   split a kernel area past `vm.max_map_count`.
///
#[doc = crate::man_links!("munmap")]
#[doc(alias = "Munmap")]
pub fn munmap(region: Region) -> Result<()> {
    let who = Caller {
        id: Some(region.id),
        owner: false,
    };
    registry::remove(region.base, region.len, who, || {
        // SAFETY: the registry holds this exact range as a live mapping of
        // the raw API, and holds its lock until the record is gone; its
        // memory is only reachable through `unsafe` calls whose callers
        // promised not to use it across an unmap.
        unsafe { sys::munmap(region.base, region.len) }
    })
}

/// Unmaps the mapping whose memory is exactly `slice`: Go's
/// `Munmap(b []byte)`.
///
/// The slice must be the whole of a mapping made by [`mmap`], as
/// [`Region::as_slice`] gave it; a sub-slice, a longer or shorter slice,
/// memory the registry never mapped, an empty slice, or a second unmap is
/// EINVAL and the kernel is not called. A slice has no identity beyond its
/// address and length: unlike a [`Region`], one kept across an unmap would
/// match a new mapping of the same size at the same address — which is why
/// keeping it is the broken promise of `Region::as_slice`.
///
/// Takes a raw slice pointer, to which `&[u8]` and `&mut [u8]` coerce, so
/// that no reference argument is live while its memory goes away.
///
/// ```
/// use bsd_mem::{mmap, mmap_anonymous, munmap_slice, MapFlags, Prot};
/// use bsd_errno::Errno;
/// let r = mmap_anonymous(8192, Prot::READ, MapFlags::PRIVATE)?;
/// // SAFETY: `r` is live and readable; `s` is not used after the unmap.
/// let s: &[u8] = unsafe { r.as_slice() };
/// assert_eq!(munmap_slice(&s[1..]), Err(Errno::EINVAL)); // a sub-slice: refused
/// munmap_slice(s)?;
/// # Ok::<(), Errno>(())
/// ```
///
/// # Errors
/// As [`munmap`]; EINVAL for an empty slice.
///
#[doc = crate::man_links!("munmap")]
#[doc(alias = "Munmap")]
pub fn munmap_slice(slice: *const [u8]) -> Result<()> {
    let (base, len) = (slice.cast::<u8>() as usize, slice.len());
    let who = Caller { id: None, owner: false };
    registry::remove(base, len, who, || {
        // SAFETY: as in `munmap`: an exact live record of the raw API, under
        // its lock.
        unsafe { sys::munmap(base, len) }
    })
}

/// A handle on a mapping made by [`mmap`]: its address, length and registry
/// identity. `Copy`, and not a borrow.
///
/// Any copy may unmap it ([`munmap`]); after that every copy is stale, and
/// the registry refuses it — even if the kernel puts a new mapping of the
/// same length at the same address, since the handle also carries the
/// record's identity. That is why reading and writing through a `Region`
/// is `unsafe`, while the calls that go through the registry first
/// (`advise`, `sync`, `lock`, `unlock`, `info`) are safe: they act only on
/// a live region, and hold its record while they do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Region {
    pub(crate) base: usize,
    pub(crate) len: usize,
    pub(crate) id: u64,
}

impl Region {
    fn caller(&self) -> Caller {
        Caller {
            id: Some(self.id),
            owner: false,
        }
    }

    /// The first byte of the mapping (page-aligned).
    #[must_use]
    pub fn as_ptr(&self) -> *mut u8 {
        self.base as *mut u8
    }

    /// The length of the mapping in bytes, as asked for.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always `false`: no mapping is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The mapping as a raw slice pointer (safe to make; dereferencing it
    /// needs what [`as_slice`](Self::as_slice) needs).
    #[must_use]
    pub fn as_raw_slice(&self) -> *mut [u8] {
        std::ptr::slice_from_raw_parts_mut(self.as_ptr(), self.len)
    }

    /// The mapping's memory as a slice.
    ///
    /// # Safety
    /// For as long as the slice is used: the region must stay mapped (no
    /// [`munmap`] of any copy, no `munmap_slice` of it), its pages must allow
    /// reading, and nobody may write to it (through a `&mut` slice, another
    /// process sharing a file, or the file being changed or truncated under
    /// a file mapping — truncation makes access raise SIGBUS).
    #[must_use]
    pub unsafe fn as_slice<'a>(&self) -> &'a [u8] {
        // SAFETY: the caller guarantees the memory is mapped, readable and
        // not written for 'a; `len` bytes from `base` are one mapping.
        unsafe { std::slice::from_raw_parts(self.as_ptr(), self.len) }
    }

    /// The mapping's memory as a mutable slice.
    ///
    /// # Safety
    /// As [`as_slice`](Self::as_slice), with writing allowed by the
    /// protection, and no other reference to the memory while this one is
    /// used.
    #[must_use]
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn as_mut_slice<'a>(&self) -> &'a mut [u8] {
        // SAFETY: the caller guarantees the memory is mapped, writable and
        // not referenced elsewhere for 'a.
        unsafe { std::slice::from_raw_parts_mut(self.as_ptr(), self.len) }
    }

    /// What the registry holds about the region, if it is still live.
    #[must_use]
    pub fn info(&self) -> Option<MappingInfo> {
        registry::with(self.base, self.len, self.caller(), |rec| {
            Ok(MappingInfo::new(self.base, rec, 0))
        })
        .ok()
    }

    /// Changes the protection of bytes `range` of the region (`mprotect`),
    /// and the registry's record of it.
    ///
    /// The range's start must be page-aligned; its end is rounded up to the
    /// page by the kernel.
    ///
    /// # Safety
    /// No reference into the range may rely on an access the new protection
    /// removes (a slice from [`as_slice`](Self::as_slice) read after removing
    /// `READ` faults).
    ///
    /// # Errors
    /// - EINVAL: the region is not live; the range is empty, goes past the
    ///   end, or starts off a page boundary (the kernel is not called).
    /// - From the kernel: EACCES (a shared file mapping of a descriptor not
    ///   opened for writing cannot become writable), ENOMEM.
    ///
    #[doc = crate::man_links!("mprotect")]
    #[doc(alias = "Mprotect")]
    pub unsafe fn protect(&self, range: impl RangeBounds<usize>, prot: Prot) -> Result<()> {
        let span = resolve(&range, self.len)?;
        let (addr, len) = kernel_range(self.base, 0, span, true, sys::page_size())?;
        registry::update(self.base, self.len, self.caller(), |rec| {
            // SAFETY: the range lies in this live mapping (held under the
            // shard's lock); the caller guarantees no reference relies on an
            // access the new protection removes.
            unsafe { sys::mprotect(addr, len, prot.bits()) }?;
            registry::set_prot(rec, span.0, span.1, prot);
            Ok(())
        })
    }

    /// Advises the kernel how bytes `range` will be used (`madvise`).
    ///
    /// # Errors
    /// - EINVAL: the region is not live; the range is empty, past the end,
    ///   or starts off a page boundary (the kernel is not called); or the
    ///   kernel does not know the advice.
    /// - From the kernel: EAGAIN, ENOMEM.
    ///
    #[doc = crate::man_links!("madvise")]
    #[doc(alias = "Madvise")]
    pub fn advise(&self, range: impl RangeBounds<usize>, advice: Advice) -> Result<()> {
        self.call(range, true, |addr, len| {
            // SAFETY: the range lies in this live mapping, held under the
            // registry's lock; the advice does not change its contents.
            unsafe { sys::madvise(addr, len, advice.raw()) }
        })
    }

    /// Gives the kernel advice that may discard the contents of bytes
    /// `range` (`madvise`): see [`DestructiveAdvice`].
    ///
    /// # Safety
    /// No reference into the range may be used until each page has been
    /// written again (with [`DestructiveAdvice::Free`] the contents may keep
    /// changing until then).
    ///
    /// # Errors
    /// As [`advise`](Self::advise).
    ///
    #[doc = crate::man_links!("madvise")]
    #[doc(alias = "Madvise")]
    pub unsafe fn advise_destructive(&self, range: impl RangeBounds<usize>, advice: DestructiveAdvice) -> Result<()> {
        self.call(range, true, |addr, len| {
            // SAFETY: the range lies in this live mapping, held under the
            // registry's lock; the caller guarantees nothing relies on its
            // contents.
            unsafe { sys::madvise(addr, len, advice.raw()) }
        })
    }

    /// Writes changes to bytes `range` back to the file (`msync`).
    ///
    /// The registry's shard lock is held (shared) for the call, so the region
    /// cannot be unmapped meanwhile; a long `SYNC` delays mapping and
    /// unmapping in that shard.
    ///
    /// # Errors
    /// - EINVAL: the region is not live; the range is empty, past the end, or
    ///   starts off a page boundary (the kernel is not called); both `SYNC`
    ///   and `ASYNC` (on FreeBSD and DragonFly, where `SYNC` is 0: `ASYNC`
    ///   with `INVALIDATE`; see [`SyncFlags`]).
    /// - From the kernel: EBUSY (`INVALIDATE` on locked pages), EIO, ENOMEM.
    ///
    #[doc = crate::man_links!("msync")]
    #[doc(alias = "Msync")]
    pub fn sync(&self, range: impl RangeBounds<usize>, flags: SyncFlags) -> Result<()> {
        self.call(range, true, |addr, len| {
            // SAFETY: the range lies in this live mapping, held under the
            // registry's lock; msync does not change what memory holds.
            unsafe { sys::msync(addr, len, flags.bits()) }
        })
    }

    /// Locks the pages of bytes `range` in memory (`mlock`).
    ///
    /// # Errors
    /// - EINVAL: the region is not live; the range is empty or past the end.
    /// - From the kernel: ENOMEM or EAGAIN (past `RLIMIT_MEMLOCK`), EPERM.
    ///
    #[doc = crate::man_links!("mlock")]
    #[doc(alias = "Mlock")]
    pub fn lock(&self, range: impl RangeBounds<usize>) -> Result<()> {
        self.call(range, false, |addr, len| {
            // SAFETY: the range lies in this live mapping, held under the
            // registry's lock; mlock changes residency only.
            unsafe { sys::mlock(addr, len) }
        })
    }

    /// Unlocks the pages of bytes `range` (`munlock`).
    ///
    /// # Errors
    /// - EINVAL: the region is not live; the range is empty or past the end.
    /// - From the kernel: ENOMEM, EPERM.
    ///
    #[doc = crate::man_links!("munlock")]
    #[doc(alias = "Munlock")]
    pub fn unlock(&self, range: impl RangeBounds<usize>) -> Result<()> {
        self.call(range, false, |addr, len| {
            // SAFETY: the range lies in this live mapping, held under the
            // registry's lock; munlock changes residency only.
            unsafe { sys::munlock(addr, len) }
        })
    }

    /// Checks the range, then runs `f(addr, len)` under the record's lock.
    fn call(
        &self,
        range: impl RangeBounds<usize>,
        align: bool,
        f: impl FnOnce(usize, usize) -> Result<()>,
    ) -> Result<()> {
        let span = resolve(&range, self.len)?;
        let (addr, len) = kernel_range(self.base, 0, span, align, sys::page_size())?;
        registry::with(self.base, self.len, self.caller(), |_| f(addr, len))
    }
}
