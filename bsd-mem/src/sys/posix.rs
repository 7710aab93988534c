//! The memory calls every supported system has in the same shape (POSIX
//! `mmap`, `munmap`, `mprotect`, `madvise`, `msync`, `mlock`, …). What differs
//! per platform (flags, advice) is in `linux.rs` / `bsd.rs`.

use bsd_errno::{check, check_ptr, Result};
use libc::{c_int, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};

static PAGE_SIZE: AtomicUsize = AtomicUsize::new(0);

/// The page size, asked of the system once.
#[inline]
pub(crate) fn page_size() -> usize {
    match PAGE_SIZE.load(Ordering::Relaxed) {
        0 => {
            // SAFETY: sysconf reads a constant of the system; no memory is passed.
            let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
            // POSIX requires a page size; 4096 is what every platform here has
            // at least, should sysconf ever fail.
            let n = usize::try_from(n).ok().filter(|n| n.is_power_of_two()).unwrap_or(4096);
            PAGE_SIZE.store(n, Ordering::Relaxed);
            n
        }
        n => n,
    }
}

/// A file offset as `mmap` takes it. glibc's 32-bit targets have a 32-bit
/// `off_t`, and next to `mmap`/`fstat` the large-file `mmap64`/`fstat64`
/// with a 64-bit one: those are used everywhere on glibc (on 64-bit
/// targets they are the same functions), so offsets and sizes past 2 GiB
/// work on i686 too. Every other libc here has a 64-bit `off_t`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) type Off = libc::off64_t;
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) type Off = libc::off_t;

/// The size of the file open as `fd` (`fstat`'s `st_size`).
pub(crate) fn file_size(fd: std::os::fd::BorrowedFd<'_>) -> Result<Off> {
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    use libc::{fstat, stat};
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    use libc::{fstat64 as fstat, stat64 as stat};
    use std::os::fd::AsRawFd;
    let mut st = std::mem::MaybeUninit::<stat>::uninit();
    // SAFETY: `st` is valid for writes of a `stat`; the descriptor is
    // borrowed, so open for the whole call.
    check(unsafe { fstat(fd.as_raw_fd(), st.as_mut_ptr()) })?;
    // SAFETY: fstat succeeded, so it filled in the whole structure.
    Ok(unsafe { st.assume_init() }.st_size)
}

/// `mmap(NULL, len, prot, flags, fd, offset)`.
///
/// # Safety
/// `flags` must not contain a fixed-address flag (the caller checked).
#[inline]
pub(crate) unsafe fn mmap(len: usize, prot: c_int, flags: c_int, fd: c_int, offset: Off) -> Result<*mut c_void> {
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    use libc::mmap;
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    use libc::mmap64 as mmap;
    // SAFETY: with a null address and no fixed-address flag, the kernel
    // picks fresh addresses: nothing that exists is replaced or aliased.
    check_ptr(
        unsafe { mmap(std::ptr::null_mut(), len, prot, flags, fd, offset) },
        libc::MAP_FAILED,
    )
}

/// `munmap(addr, len)`.
///
/// # Safety
/// `addr..addr+len` is a mapping that nothing refers to any more.
#[inline]
pub(crate) unsafe fn munmap(addr: usize, len: usize) -> Result<()> {
    // SAFETY: the caller guarantees the range is ours and unreferenced.
    check(unsafe { libc::munmap(addr as *mut c_void, len) }).map(drop)
}

/// `mprotect(addr, len, prot)`.
///
/// # Safety
/// The range lies in a mapping of ours, and no reference into it relies on
/// an access the new protection removes.
#[inline]
pub(crate) unsafe fn mprotect(addr: usize, len: usize, prot: c_int) -> Result<()> {
    // SAFETY: the caller guarantees the range and its users.
    check(unsafe { libc::mprotect(addr as *mut c_void, len, prot) }).map(drop)
}

/// `madvise(addr, len, advice)`.
///
/// # Safety
/// The range lies in a mapping of ours; for destructive advice, nothing
/// relies on the contents of the range.
#[inline]
pub(crate) unsafe fn madvise(addr: usize, len: usize, advice: c_int) -> Result<()> {
    // SAFETY: the caller guarantees the range and, for destructive advice,
    // that its contents may change.
    check(unsafe { libc::madvise(addr as *mut c_void, len, advice) }).map(drop)
}

/// `msync(addr, len, flags)`.
///
/// # Safety
/// The range lies in a mapping of ours.
#[inline]
pub(crate) unsafe fn msync(addr: usize, len: usize, flags: c_int) -> Result<()> {
    // SAFETY: msync writes pages back (or drops cached copies with
    // MS_INVALIDATE, which leaves the contents as they are in memory); the
    // caller guarantees the range is ours.
    check(unsafe { libc::msync(addr as *mut c_void, len, flags) }).map(drop)
}

/// `mlock(addr, len)`.
///
/// # Safety
/// The range lies in a mapping of ours.
#[inline]
pub(crate) unsafe fn mlock(addr: usize, len: usize) -> Result<()> {
    // SAFETY: mlock changes residency, not contents or access.
    check(unsafe { libc::mlock(addr as *const c_void, len) }).map(drop)
}

/// `munlock(addr, len)`.
///
/// # Safety
/// The range lies in a mapping of ours.
#[inline]
pub(crate) unsafe fn munlock(addr: usize, len: usize) -> Result<()> {
    // SAFETY: munlock changes residency, not contents or access.
    check(unsafe { libc::munlock(addr as *const c_void, len) }).map(drop)
}

/// `mlockall(flags)`.
#[inline]
pub(crate) fn mlockall(flags: c_int) -> Result<()> {
    // SAFETY: mlockall changes residency of the whole process, never
    // contents or access; no memory is passed.
    check(unsafe { libc::mlockall(flags) }).map(drop)
}

/// `munlockall()`.
#[inline]
pub(crate) fn munlockall() -> Result<()> {
    // SAFETY: as for mlockall.
    check(unsafe { libc::munlockall() }).map(drop)
}
