//! Call-site helpers: a system call's return value in, a [`Result`] out.
//!
//! Each helper is one `#[inline]` comparison, so a call site stays one line
//! and costs nothing over the hand-written check:
//!
//! ```
//! use bsd_errno::{check, Errno};
//! let mut fds = [0; 2];
//! // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
//! check(unsafe { libc::pipe(fds.as_mut_ptr()) })?;
//! for fd in fds {
//!     // SAFETY: `fd` was just returned by pipe(2) and is closed once.
//!     check(unsafe { libc::close(fd) })?;
//! }
//! # Ok::<(), Errno>(())
//! ```

use crate::{Errno, Result};

mod sealed {
    pub trait Sealed {}
}

/// An integer type a system call returns, with `-1` meaning "failed, see
/// errno": `c_int`, `c_long`, `ssize_t`/`isize`, `off_t`/`i64`, and the
/// narrower ones.
///
/// Sealed: implemented for the signed primitive integers only.
pub trait SyscallReturn: Copy + PartialEq + sealed::Sealed {
    /// The failure sentinel, `-1` of this type.
    const MINUS_ONE: Self;
}

macro_rules! syscall_return {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl SyscallReturn for $t {
            const MINUS_ONE: Self = -1;
        }
    )*};
}
syscall_return!(i8, i16, i32, i64, isize);

/// `-1` becomes `Err(Errno::last())`; any other value is returned as is.
///
/// For calls that report failure as `-1` and set errno: `close`, `read`
/// (`ssize_t`), `lseek` (`off_t`), `syscall` (`c_long`), …
#[inline]
pub fn check<T: SyscallReturn>(ret: T) -> Result<T> {
    if ret == T::MINUS_ONE {
        Err(Errno::last())
    } else {
        Ok(ret)
    }
}

/// A pointer equal to `failed` becomes `Err(Errno::last())`.
///
/// For calls with a pointer sentinel, such as `mmap` and `MAP_FAILED`:
///
/// ```
/// use bsd_errno::{check_ptr, Errno};
/// // SAFETY: a fresh anonymous mapping aliases nothing; length 0 is invalid.
/// let r = check_ptr(unsafe {
///     libc::mmap(std::ptr::null_mut(), 0, libc::PROT_READ,
///                libc::MAP_PRIVATE | libc::MAP_ANON, -1, 0)
/// }, libc::MAP_FAILED);
/// assert_eq!(r, Err(Errno::EINVAL));
/// ```
#[inline]
pub fn check_ptr<T>(ret: *mut T, failed: *mut T) -> Result<*mut T> {
    if ret == failed {
        Err(Errno::last())
    } else {
        Ok(ret)
    }
}

/// A null pointer becomes `Err(Errno::last())`; any other is returned as a
/// [`NonNull`](core::ptr::NonNull).
///
/// For calls like `fdopendir` that return `NULL` and set errno. (For
/// `readdir`, which returns `NULL` both at the end and on error, clear errno
/// first with [`Errno::set_last`] and look at it yourself.)
#[inline]
pub fn check_nonnull<T>(ret: *mut T) -> Result<core::ptr::NonNull<T>> {
    core::ptr::NonNull::new(ret).ok_or_else(Errno::last)
}

/// An errno-returning call's result: `0` is success, anything else is the
/// error itself (errno is not read).
///
/// For `posix_*` and `pthread_*` functions, which return the error number
/// instead of setting errno:
///
/// ```
/// use bsd_errno::{check_code, Errno};
/// // SAFETY: posix_fadvise on an invalid descriptor touches no memory.
/// # #[cfg(target_os = "linux")]
/// assert_eq!(check_code(unsafe { libc::posix_fadvise(-1, 0, 0, 0) }), Err(Errno::EBADF));
/// ```
#[inline]
pub fn check_code(ret: libc::c_int) -> Result<()> {
    if ret == 0 {
        Ok(())
    } else {
        Err(Errno(ret))
    }
}

/// Calls `f` until it returns something other than `Err(EINTR)`.
///
/// The crates of this workspace return EINTR to the caller rather than
/// retrying behind its back (a signal handler may want the call to stop);
/// wrap a call in this when you want it restarted.
///
/// ```
/// use bsd_errno::{check, retry_on_eintr};
/// let mut fds = [0; 2];
/// // SAFETY: `fds` has room for two descriptors.
/// check(unsafe { libc::pipe(fds.as_mut_ptr()) })?;
/// // SAFETY: writing one byte from a live buffer to a pipe we own.
/// let n = retry_on_eintr(|| check(unsafe { libc::write(fds[1], b"x".as_ptr().cast(), 1) }))?;
/// assert_eq!(n, 1);
/// # for fd in fds { unsafe { libc::close(fd) }; }
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
#[inline]
pub fn retry_on_eintr<T, F: FnMut() -> Result<T>>(mut f: F) -> Result<T> {
    loop {
        match f() {
            Err(Errno::EINTR) => continue,
            other => return other,
        }
    }
}
