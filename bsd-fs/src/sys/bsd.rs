//! FreeBSD and DragonFly `getdirentries`, NetBSD and OpenBSD `getdents`.
//!
//! `libc` binds none of them; the declarations follow each system's
//! `<dirent.h>` (see `../docs/platforms.md`, "Directory entries"):
//!
//! - FreeBSD ≥ 12: `ssize_t getdirentries(int, char *, size_t, off_t *)`
//!   (the default `FBSD_1.5` symbol, 64-bit inodes: [`Layout::FreeBsd`]).
//! - DragonFly: `int getdirentries(int, char *, int, long *)`.
//! - NetBSD: `int getdents(int, char *, size_t)`, renamed to `__getdents30`
//!   (64-bit inodes).
//! - OpenBSD: `int getdents(int, void *, size_t)`.
//!
//! A descriptor that is not a directory is `EINVAL` to these kernels
//! (FreeBSD's `kern_getdirentries` and getdirentries(2): "The file
//! referenced by fd is not a directory, or nbytes is too small…"; the other
//! BSDs kept the 4.4BSD check), where Linux and Apple's `fdopendir` say
//! `ENOTDIR`. An `EINVAL` is therefore turned into `ENOTDIR` when `fstat`
//! shows the descriptor is not a directory, so [`read_dirent`] fails alike
//! everywhere; an `EINVAL` on a directory (a buffer too small) stays.
//!
//! [`Layout::FreeBsd`]: crate::Layout::FreeBsd
//! [`read_dirent`]: crate::read_dirent

use super::einval_or_enotdir;
use bsd_errno::{check, Errno, Result};
use core::mem::MaybeUninit;
use std::os::fd::{AsRawFd, BorrowedFd};

mod ffi {
    #[cfg(target_os = "freebsd")]
    extern "C" {
        pub fn getdirentries(
            fd: libc::c_int,
            buf: *mut libc::c_char,
            nbytes: libc::size_t,
            basep: *mut libc::off_t,
        ) -> libc::ssize_t;
    }

    #[cfg(target_os = "dragonfly")]
    extern "C" {
        pub fn getdirentries(
            fd: libc::c_int,
            buf: *mut libc::c_char,
            nbytes: libc::c_int,
            basep: *mut libc::c_long,
        ) -> libc::c_int;
    }

    #[cfg(target_os = "netbsd")]
    extern "C" {
        #[link_name = "__getdents30"]
        pub fn getdents(fd: libc::c_int, buf: *mut libc::c_char, nbytes: libc::size_t) -> libc::c_int;
    }

    #[cfg(target_os = "openbsd")]
    extern "C" {
        pub fn getdents(fd: libc::c_int, buf: *mut libc::c_void, nbytes: libc::size_t) -> libc::c_int;
    }
}

/// Fills `buf` with the native layout's records; 0 at the end of the
/// directory.
///
/// # Safety
/// `buf` must be valid for writes of `len` bytes.
#[inline]
pub(crate) unsafe fn getdents(fd: BorrowedFd<'_>, buf: *mut u8, len: usize) -> Result<usize> {
    // SAFETY: the caller's promise, passed on.
    match unsafe { getdents_raw(fd, buf, len) } {
        Err(Errno::EINVAL) => Err(einval_or_enotdir(file_type(fd))),
        r => r,
    }
}

/// The `S_IFMT` bits of `fd`'s mode, or `None` if `fstat` fails. Only
/// asked on the (cold) `EINVAL` path.
#[cold]
fn file_type(fd: BorrowedFd<'_>) -> Option<libc::mode_t> {
    let mut st = MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `st` is writable for one `stat`; fstat touches nothing else.
    let r = unsafe { libc::fstat(fd.as_raw_fd(), st.as_mut_ptr()) };
    if r != 0 {
        return None;
    }
    // SAFETY: fstat succeeded, so it filled `st`.
    Some(unsafe { st.assume_init() }.st_mode & libc::S_IFMT)
}

/// The native call itself.
///
/// # Safety
/// As [`getdents`].
#[inline]
unsafe fn getdents_raw(fd: BorrowedFd<'_>, buf: *mut u8, len: usize) -> Result<usize> {
    // Every variant takes at least an int's worth; larger buffers gain nothing.
    let len = len.min(libc::c_int::MAX as usize);
    #[cfg(target_os = "freebsd")]
    let n = {
        let mut base: libc::off_t = 0;
        // SAFETY: `buf` is writable for `len` bytes (caller); `base` is a
        // valid out-pointer for the call.
        check(unsafe { ffi::getdirentries(fd.as_raw_fd(), buf.cast(), len, &mut base) })?
    };
    #[cfg(target_os = "dragonfly")]
    let n = {
        let mut base: libc::c_long = 0;
        // SAFETY: as above; `len` fits an int.
        check(unsafe { ffi::getdirentries(fd.as_raw_fd(), buf.cast(), len as libc::c_int, &mut base) })?
    };
    #[cfg(target_os = "netbsd")]
    // SAFETY: `buf` is writable for `len` bytes (caller).
    let n = check(unsafe { ffi::getdents(fd.as_raw_fd(), buf.cast(), len) })?;
    #[cfg(target_os = "openbsd")]
    // SAFETY: `buf` is writable for `len` bytes (caller).
    let n = check(unsafe { ffi::getdents(fd.as_raw_fd(), buf.cast(), len) })?;
    Ok(n as usize)
}
