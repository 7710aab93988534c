//! `Mapping`: an owned mapping, unmapped on drop, and `MapOptions`, its
//! builder.

use crate::range::{check_len, check_offset, kernel_range, resolve, split_offset};
use crate::region::check_flags;
use crate::registry::{self, Caller};
use crate::{sys, Advice, DestructiveAdvice, MapFlags, Prot, Region, SyncFlags};
use bsd_errno::{Errno, Result};
use std::mem::ManuallyDrop;
use std::ops::RangeBounds;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

/// An owned memory mapping: unmapped when dropped, recorded in the registry
/// while it lives.
///
/// Made by [`Mapping::anonymous`] or a [`MapOptions`] builder. It gives out
/// slices only while its protection allows: [`as_slice`](Self::as_slice)
/// needs every page readable, [`as_mut_slice`](Self::as_mut_slice) readable
/// and writable. [`protect`](Self::protect) takes `&mut self`, so no slice
/// outlives a change of protection.
///
/// ```
/// use bsd_mem::{Mapping, Prot};
/// let mut m = Mapping::anonymous(100)?;
/// m.as_mut_slice()?[..5].copy_from_slice(b"hello");
/// m.protect(.., Prot::READ)?;
/// assert_eq!(&m.as_slice()?[..5], b"hello");
/// assert_eq!(m.as_mut_slice().err(), Some(bsd_errno::Errno::EACCES));
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
#[derive(Debug)]
pub struct Mapping {
    /// The kernel mapping: page-aligned base, length, registry identity.
    base: usize,
    map_len: usize,
    id: u64,
    /// Bytes between the kernel mapping's start and the visible start (an
    /// unaligned file offset aligned down).
    delta: usize,
    /// What every page allows.
    prot: Prot,
}

impl Mapping {
    /// Maps `len` bytes of private, readable and writable, zero-filled
    /// memory.
    ///
    /// # Errors
    /// EINVAL if `len` is 0; ENOMEM if it is too large or the kernel has no
    /// room.
    ///
    #[doc = crate::man_links!("mmap")]
    pub fn anonymous(len: usize) -> Result<Mapping> {
        MapOptions::new(len).map_anonymous()
    }

    /// Maps the whole file open as `fd`, readable and writable and shared:
    /// writes reach the file (after [`sync`](Self::sync), or when the
    /// kernel gets to them) and other mappings of it see them.
    ///
    /// The length is the file's size when mapped (`fstat`); the descriptor
    /// must be open for reading and writing. To map part of a file, a
    /// private copy or other options, use [`MapOptions`].
    ///
    /// ```
    /// use bsd_mem::{Mapping, SyncFlags};
    /// use std::io::{Read, Seek, Write};
    /// # let path = std::env::temp_dir().join(format!("bsd-mem-doc-map-file-{}", std::process::id()));
    /// let mut file = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(true).open(&path)?;
    /// file.write_all(b"hello, world")?;
    /// // SAFETY: nothing else writes or truncates the file while it is mapped.
    /// let mut m = unsafe { Mapping::map_file(&file)? };
    /// assert_eq!(m.len(), 12);
    /// m.as_mut_slice()?[..5].copy_from_slice(b"HELLO");
    /// m.sync(.., SyncFlags::SYNC)?;
    /// drop(m);
    /// let mut back = String::new();
    /// file.rewind()?;
    /// file.read_to_string(&mut back)?;
    /// assert_eq!(back, "HELLO, world");
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Safety
    /// As [`MapOptions::map_file`]: while the mapping lives, nothing else
    /// may write the file or truncate it (touching a page past a new end
    /// raises SIGBUS).
    ///
    /// # Errors
    /// - EINVAL: the file is empty — `mmap(2)` of length 0 is EINVAL —
    ///   including files whose size `fstat` reports as 0 (pipes, most
    ///   devices, many `/proc` files).
    /// - EOVERFLOW: the file is larger than the address space can hold
    ///   (`usize`: more than 4 GiB on a 32-bit target); ENOMEM if it fits
    ///   `usize` but not a mapping (`isize::MAX`) or the kernel has no room.
    /// - From the kernel: EACCES (the descriptor is not open for reading
    ///   and writing), EBADF, ENODEV (not mappable).
    ///
    #[doc = crate::man_links!("mmap")]
    #[doc(alias = "Mmap")]
    pub unsafe fn map_file(fd: impl AsFd) -> Result<Mapping> {
        let fd = fd.as_fd();
        let len = whole_file_len(fd)?;
        // SAFETY: the caller's promise, passed on.
        unsafe { MapOptions::new(len).shared().map_file(fd) }
    }

    /// Maps the whole file open as `fd`, read-only (shared: it shows the
    /// file's current contents). The descriptor needs only read access.
    ///
    /// ```
    /// use bsd_mem::{Errno, Mapping, Prot};
    /// // This program's own executable, as bytes.
    /// let file = std::fs::File::open(std::env::current_exe()?)?;
    /// // SAFETY: nobody rewrites the executable while it runs.
    /// let mut m = unsafe { Mapping::map_file_readonly(&file)? };
    /// assert_eq!(m.len() as u64, file.metadata()?.len());
    /// assert_eq!(m.prot(), Prot::READ);
    /// let bytes: &[u8] = m.as_slice()?;
    /// assert!(!bytes.is_empty());
    /// assert_eq!(m.as_mut_slice().err(), Some(Errno::EACCES)); // not writable
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Safety
    /// As [`map_file`](Self::map_file): nothing may write or truncate the
    /// file while the mapping lives.
    ///
    /// # Errors
    /// As [`map_file`](Self::map_file), where EACCES means the descriptor
    /// is not open for reading.
    ///
    #[doc = crate::man_links!("mmap")]
    #[doc(alias = "Mmap")]
    pub unsafe fn map_file_readonly(fd: impl AsFd) -> Result<Mapping> {
        let fd = fd.as_fd();
        let len = whole_file_len(fd)?;
        // SAFETY: the caller's promise, passed on.
        unsafe { MapOptions::new(len).prot(Prot::READ).shared().map_file(fd) }
    }

    /// A builder for a mapping of `len` bytes: same as [`MapOptions::new`].
    pub fn options(len: usize) -> MapOptions {
        MapOptions::new(len)
    }

    fn caller(&self) -> Caller {
        Caller {
            id: Some(self.id),
            owner: true,
        }
    }

    /// The first byte (for a file mapping: the byte at the requested offset).
    #[must_use]
    pub fn as_ptr(&self) -> *const u8 {
        (self.base + self.delta) as *const u8
    }

    /// The first byte, for writing.
    #[must_use]
    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        (self.base + self.delta) as *mut u8
    }

    /// The length in bytes, as asked for.
    #[must_use]
    pub fn len(&self) -> usize {
        self.map_len - self.delta
    }

    /// Always `false`: no mapping is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What every page of the mapping allows (the intersection, after a
    /// [`protect`](Self::protect) of part of it).
    #[must_use]
    pub fn prot(&self) -> Prot {
        self.prot
    }

    /// The memory as a slice.
    ///
    /// # Errors
    /// EACCES if some page does not allow reading.
    pub fn as_slice(&self) -> Result<&[u8]> {
        if !self.prot.contains(Prot::READ) {
            return Err(Errno::EACCES);
        }
        // SAFETY: the mapping lives as long as `self`, every page is
        // readable (protection changes need `&mut self`), and `len()` bytes
        // from `as_ptr()` are inside it. Writers elsewhere (a shared file)
        // are excluded by the promise made to `MapOptions::map_file`.
        Ok(unsafe { std::slice::from_raw_parts(self.as_ptr(), self.len()) })
    }

    /// The memory as a mutable slice.
    ///
    /// # Errors
    /// EACCES if some page does not allow both reading and writing.
    pub fn as_mut_slice(&mut self) -> Result<&mut [u8]> {
        if !self.prot.contains(Prot::READ | Prot::WRITE) {
            return Err(Errno::EACCES);
        }
        let (p, len) = (self.as_mut_ptr(), self.len());
        // SAFETY: as in `as_slice`, with every page writable and `&mut self`
        // excluding other references.
        Ok(unsafe { std::slice::from_raw_parts_mut(p, len) })
    }

    /// Changes the protection of bytes `range` (`mprotect`), and the
    /// registry's record of it.
    ///
    /// The start must be page-aligned in the address space (`as_ptr() +
    /// start`), or 0: the start of the mapping (for an unaligned file offset
    /// that includes the few bytes before it, which belong to the same page).
    /// The end is rounded up to the page by the kernel.
    ///
    /// # Errors
    /// - EINVAL: the range is empty, past the end, or starts off a page
    ///   boundary (the kernel is not called).
    /// - From the kernel: EACCES (writable shared mapping of a read-only
    ///   descriptor), ENOMEM.
    ///
    #[doc = crate::man_links!("mprotect")]
    #[doc(alias = "Mprotect")]
    pub fn protect(&mut self, range: impl RangeBounds<usize>, prot: Prot) -> Result<()> {
        let span = resolve(&range, self.len())?;
        let (addr, len) = kernel_range(self.base, self.delta, span, true, sys::page_size())?;
        let (kstart, kend) = (addr - self.base, addr - self.base + len);
        self.prot = registry::update(self.base, self.map_len, self.caller(), |rec| {
            // SAFETY: the range lies in this mapping, which `self` owns;
            // `&mut self` means no slice of it is alive.
            unsafe { sys::mprotect(addr, len, prot.bits()) }?;
            registry::set_prot(rec, kstart, kend, prot);
            Ok(rec.prot.common())
        })?;
        Ok(())
    }

    /// Advises the kernel how bytes `range` will be used (`madvise`).
    ///
    /// The start must be page-aligned or 0, as for [`protect`](Self::protect).
    ///
    /// # Errors
    /// - EINVAL: the range is empty, past the end, or starts off a page
    ///   boundary (the kernel is not called); the kernel does not know the
    ///   advice.
    /// - From the kernel: EAGAIN, ENOMEM.
    ///
    #[doc = crate::man_links!("madvise")]
    #[doc(alias = "Madvise")]
    pub fn advise(&self, range: impl RangeBounds<usize>, advice: Advice) -> Result<()> {
        let (addr, len) = self.kernel(range, true)?;
        // SAFETY: the range lies in this mapping, owned by `self`; the advice
        // does not change its contents.
        unsafe { sys::madvise(addr, len, advice.raw()) }
    }

    /// Gives advice that may discard the contents of bytes `range`
    /// (`madvise`): see [`DestructiveAdvice`].
    ///
    /// ```
    /// # #[cfg(target_os = "linux")] {
    /// use bsd_mem::{DestructiveAdvice, Mapping};
    /// let mut m = Mapping::anonymous(4096)?;
    /// m.as_mut_slice()?[0] = 1;
    /// // SAFETY: no reference into the mapping is alive.
    /// unsafe { m.advise_destructive(.., DestructiveAdvice::DontNeed)? };
    /// assert_eq!(m.as_slice()?[0], 0); // private anonymous pages read back as zeros
    /// # }
    /// # Ok::<(), bsd_errno::Errno>(())
    /// ```
    ///
    /// # Safety
    /// No reference into the range may be used until each page has been
    /// written again (with [`DestructiveAdvice::Free`] the contents may keep
    /// changing until then). `&self` does not prove that: slices taken
    /// before, or by other threads, must be gone.
    ///
    /// # Errors
    /// As [`advise`](Self::advise).
    ///
    #[doc = crate::man_links!("madvise")]
    #[doc(alias = "Madvise")]
    pub unsafe fn advise_destructive(&self, range: impl RangeBounds<usize>, advice: DestructiveAdvice) -> Result<()> {
        let (addr, len) = self.kernel(range, true)?;
        // SAFETY: the range lies in this mapping; the caller guarantees that
        // nothing relies on its contents.
        unsafe { sys::madvise(addr, len, advice.raw()) }
    }

    /// Writes changes to bytes `range` back to the file (`msync`).
    ///
    /// The start must be page-aligned or 0, as for [`protect`](Self::protect).
    ///
    /// # Errors
    /// - EINVAL: the range is empty, past the end, or starts off a page
    ///   boundary (the kernel is not called); both `SYNC` and `ASYNC` (on FreeBSD and DragonFly, where `SYNC` is
    ///   0: `ASYNC` with `INVALIDATE`; see [`SyncFlags`]).
    /// - From the kernel: EBUSY (`INVALIDATE` on locked pages), EIO, ENOMEM.
    ///
    #[doc = crate::man_links!("msync")]
    #[doc(alias = "Msync")]
    pub fn sync(&self, range: impl RangeBounds<usize>, flags: SyncFlags) -> Result<()> {
        let (addr, len) = self.kernel(range, true)?;
        // SAFETY: the range lies in this mapping; msync does not change what
        // memory holds.
        unsafe { sys::msync(addr, len, flags.bits()) }
    }

    /// Locks the pages of bytes `range` in memory (`mlock`).
    ///
    /// # Errors
    /// - EINVAL: the range is empty or past the end.
    /// - From the kernel: ENOMEM or EAGAIN (past `RLIMIT_MEMLOCK`), EPERM.
    ///
    #[doc = crate::man_links!("mlock")]
    #[doc(alias = "Mlock")]
    pub fn lock(&self, range: impl RangeBounds<usize>) -> Result<()> {
        let (addr, len) = self.kernel(range, false)?;
        // SAFETY: the range lies in this mapping; mlock changes residency only.
        unsafe { sys::mlock(addr, len) }
    }

    /// Unlocks the pages of bytes `range` (`munlock`).
    ///
    /// # Errors
    /// - EINVAL: the range is empty or past the end.
    /// - From the kernel: ENOMEM, EPERM.
    ///
    #[doc = crate::man_links!("munlock")]
    #[doc(alias = "Munlock")]
    pub fn unlock(&self, range: impl RangeBounds<usize>) -> Result<()> {
        let (addr, len) = self.kernel(range, false)?;
        // SAFETY: the range lies in this mapping; munlock changes residency only.
        unsafe { sys::munlock(addr, len) }
    }

    fn kernel(&self, range: impl RangeBounds<usize>, align: bool) -> Result<(usize, usize)> {
        let span = resolve(&range, self.len())?;
        kernel_range(self.base, self.delta, span, align, sys::page_size())
    }

    /// Gives the mapping to the raw API: it is no longer unmapped on drop,
    /// and the returned [`Region`] (covering the whole kernel mapping,
    /// including the bytes before an unaligned file offset) unmaps it with
    /// [`munmap`](crate::munmap), which reports the kernel's errors.
    #[must_use]
    pub fn into_region(self) -> Region {
        let this = ManuallyDrop::new(self);
        let id = registry::update(this.base, this.map_len, this.caller(), |rec| {
            rec.owned = false;
            Ok(rec.id)
        })
        .unwrap_or(this.id);
        Region {
            base: this.base,
            len: this.map_len,
            id,
        }
    }

    /// Takes ownership of a live mapping made by [`mmap`](crate::mmap): the
    /// raw API refuses it from now on, and dropping the `Mapping` unmaps it.
    ///
    /// # Safety
    /// No slice or pointer obtained through `region` or its copies may be
    /// used any more: the `Mapping` hands out references as if it were the
    /// only way to the memory.
    ///
    /// # Errors
    /// EINVAL if `region` is not live (or is owned already).
    pub unsafe fn from_region(region: Region) -> Result<Mapping> {
        let who = Caller {
            id: Some(region.id),
            owner: false,
        };
        let prot = registry::update(region.base, region.len, who, |rec| {
            rec.owned = true;
            Ok(rec.prot.common())
        })?;
        Ok(Mapping {
            base: region.base,
            map_len: region.len,
            id: region.id,
            delta: 0,
            prot,
        })
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        let (base, len) = (self.base, self.map_len);
        // On a kernel error the record stays (and the memory stays mapped):
        // a destructor cannot report it. `into_region` + `munmap` can.
        let _ = registry::remove(base, len, self.caller(), || {
            // SAFETY: `self` owns the mapping and is going away: no slice of
            // it can be alive (they borrow `self`).
            unsafe { sys::munmap(base, len) }
        });
    }
}

/// A builder for a [`Mapping`]: protection, sharing, file offset,
/// prefaulting, huge pages, extra flags.
///
/// Defaults: readable and writable, private, offset 0.
///
/// ```no_run
/// use bsd_mem::{MapOptions, Prot, SyncFlags};
/// let file = std::fs::OpenOptions::new().read(true).write(true).open("data.bin")?;
/// // SAFETY: nobody else changes or truncates data.bin while it is mapped.
/// let mut m = unsafe { MapOptions::new(100).shared().offset(10).map_file(&file)? };
/// m.as_mut_slice()?[0] = b'!';        // byte 10 of the file
/// m.sync(.., SyncFlags::SYNC)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
#[must_use]
pub struct MapOptions {
    len: usize,
    prot: Prot,
    shared: bool,
    offset: u64,
    populate: bool,
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    huge: bool,
    flags: MapFlags,
}

/// The length of a mapping of the whole file: its size, which must be
/// non-zero (EINVAL) and fit `usize` (EOVERFLOW, never truncated).
fn whole_file_len(fd: BorrowedFd<'_>) -> Result<usize> {
    file_len(sys::file_size(fd)?)
}

/// `st_size` as a mapping length: 0 (or a negative size, which no kernel
/// reports) is EINVAL; a size past `usize` is EOVERFLOW.
pub(crate) fn file_len(size: sys::Off) -> Result<usize> {
    match u64::try_from(size) {
        Ok(0) | Err(_) => Err(Errno::EINVAL),
        Ok(n) => usize::try_from(n).map_err(|_| Errno::EOVERFLOW),
    }
}

impl MapOptions {
    /// Options for a mapping of `len` bytes: readable and writable, private.
    pub fn new(len: usize) -> Self {
        MapOptions {
            len,
            prot: Prot::READ | Prot::WRITE,
            shared: false,
            offset: 0,
            populate: false,
            #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
            huge: false,
            flags: MapFlags::empty(),
        }
    }

    /// The protection of every page.
    pub fn prot(mut self, prot: Prot) -> Self {
        self.prot = prot;
        self
    }

    /// Writes are shared: other mappings of the file see them and they
    /// reach the file (`MAP_SHARED`); for anonymous memory, a forked child
    /// shares the pages.
    pub fn shared(mut self) -> Self {
        self.shared = true;
        self
    }

    /// Writes are private copy-on-write (`MAP_PRIVATE`; the default).
    pub fn private(mut self) -> Self {
        self.shared = false;
        self
    }

    /// The file offset of the first byte. Any offset: the kernel mapping
    /// starts at the page boundary below it, and the `Mapping` presents
    /// exactly the requested bytes. Must be 0 for an anonymous mapping.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// Prefault the pages.
    ///
    /// # Platforms
    /// Linux: `MAP_POPULATE`. FreeBSD: `MAP_PREFAULT_READ` and
    /// `MADV_WILLNEED`. Elsewhere: `MADV_WILLNEED` after mapping (a hint:
    /// its failure is ignored).
    pub fn populate(mut self) -> Self {
        self.populate = true;
        self
    }

    /// Huge pages.
    ///
    /// # Platforms
    /// Linux: `MAP_HUGETLB`, which needs huge pages reserved in
    /// `/proc/sys/vm/nr_hugepages` (ENOMEM otherwise) and a length that is a
    /// multiple of the huge page size. FreeBSD: `MAP_ALIGNED_SUPER` (aligned
    /// for superpages, promoted by the kernel when it can). Not available
    /// elsewhere.
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    #[cfg_attr(
        docsrs,
        doc(cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd")))
    )]
    pub fn huge_pages(mut self) -> Self {
        self.huge = true;
        self
    }

    /// Extra `MAP_*` flags, added to those the options imply
    /// (`SHARED`/`PRIVATE` given here are ignored: use
    /// [`shared`](Self::shared) and [`private`](Self::private)).
    pub fn flags(mut self, flags: MapFlags) -> Self {
        self.flags = flags;
        self
    }

    /// Maps zero-filled memory.
    ///
    /// # Errors
    /// - EINVAL: the length is 0; the offset is not 0; a fixed-address flag.
    /// - ENOMEM: the length is too large; or from the kernel (no room, no
    ///   huge pages reserved).
    ///
    #[doc = crate::man_links!("mmap")]
    #[doc(alias = "Mmap")]
    pub fn map_anonymous(&self) -> Result<Mapping> {
        if self.offset != 0 {
            return Err(Errno::EINVAL);
        }
        self.map(None)
    }

    /// Maps bytes `offset..offset + len` of the file open as `fd`.
    ///
    /// The mapping keeps the file referenced; `fd` may be closed afterwards.
    ///
    /// # Safety
    /// A `Mapping` hands out `&[u8]` and `&mut [u8]`, which Rust assumes
    /// nobody else changes. For a file mapping that is true only if, while
    /// the mapping lives, no other process or mapping writes the mapped part
    /// of the file (a shared mapping sees such writes at once; a private one
    /// sees them on pages it has not written). And the mapped part must lie
    /// inside the file for as long as it is used: pages past the end of the
    /// file (mapped too long, or truncated since) raise SIGBUS when touched.
    ///
    /// # Errors
    /// - EINVAL: the length is 0; the offset is past `i64::MAX` (offsets
    ///   are 64-bit on every target: glibc's 32-bit ones go through
    ///   `mmap64`);
    ///   `ANON` or a fixed-address flag among the extra flags.
    /// - ENOMEM: the length is too large.
    /// - From the kernel: EACCES (the descriptor's mode does not allow the
    ///   protection and sharing asked for), EBADF, ENODEV (not mappable).
    ///
    #[doc = crate::man_links!("mmap")]
    #[doc(alias = "Mmap")]
    pub unsafe fn map_file(&self, fd: impl AsFd) -> Result<Mapping> {
        self.map(Some(fd.as_fd()))
    }

    fn map(&self, fd: Option<BorrowedFd<'_>>) -> Result<Mapping> {
        let page = sys::page_size();
        check_len(self.len, page)?;
        let (offset, delta) = split_offset(self.offset, page);
        let map_len = self.len.checked_add(delta).ok_or(Errno::ENOMEM)?;
        check_len(map_len, page)?;
        let off = check_offset(offset, page)?;
        let sharing = if self.shared {
            MapFlags::SHARED
        } else {
            MapFlags::PRIVATE
        };
        let mut flags = (self.flags - MapFlags::SHARED - MapFlags::PRIVATE) | sharing;
        if self.populate {
            flags |= MapFlags::from_bits_retain(sys::POPULATE);
        }
        #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
        if self.huge {
            flags |= MapFlags::from_bits_retain(sys::HUGE_PAGES);
        }
        let flags = check_flags(flags, fd.is_some(), offset)?;
        let raw_fd = fd.map_or(-1, |fd| fd.as_raw_fd());
        // SAFETY: `check_flags` refused the fixed-address flags: the kernel
        // picks a fresh range that aliases nothing.
        let p = unsafe { sys::mmap(map_len, self.prot.bits(), flags.bits(), raw_fd, off) }?;
        let base = p as usize;
        if self.populate && !sys::POPULATE_IS_FLAG {
            // SAFETY: the range is the mapping just made; WILLNEED is advice.
            let _ = unsafe { sys::madvise(base, map_len, libc::MADV_WILLNEED) };
        }
        let id = registry::insert(base, map_len, self.prot, flags, fd.map(|_| offset), true);
        Ok(Mapping {
            base,
            map_len,
            id,
            delta,
            prot: self.prot,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sizes_become_lengths_or_errors_never_truncated() {
        assert_eq!(file_len(0), Err(Errno::EINVAL));
        assert_eq!(file_len(-1), Err(Errno::EINVAL));
        assert_eq!(file_len(sys::Off::MIN), Err(Errno::EINVAL));
        assert_eq!(file_len(1), Ok(1));
        assert_eq!(file_len(4096), Ok(4096));
        // Past `usize` on a 32-bit target: EOVERFLOW, not the low bits.
        let big = sys::Off::MAX;
        if u64::try_from(big).unwrap() > usize::MAX as u64 {
            assert_eq!(file_len(big), Err(Errno::EOVERFLOW));
        } else {
            assert_eq!(file_len(big), Ok(big as usize));
        }
        // 32-bit targets: 4 GiB and more does not fit `usize`.
        #[cfg(target_pointer_width = "32")]
        {
            assert_eq!(file_len(1 << 32), Err(Errno::EOVERFLOW));
            assert_eq!(file_len((1 << 32) + 4096), Err(Errno::EOVERFLOW));
            assert_eq!(file_len(sys::Off::from(u32::MAX)), Ok(u32::MAX as usize));
        }
    }
}
