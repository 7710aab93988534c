//! Linux: `getdents64`, through `syscall` (glibc < 2.30 and older musl do
//! not wrap it).

use bsd_errno::{check, Result};
use std::os::fd::{AsRawFd, BorrowedFd};

/// `getdents64(fd, buf, len)`: fills `buf` with [`Layout::Linux`]
/// records; 0 at the end of the directory.
///
/// # Safety
/// `buf` must be valid for writes of `len` bytes.
///
/// [`Layout::Linux`]: crate::Layout::Linux
#[inline]
pub(crate) unsafe fn getdents(fd: BorrowedFd<'_>, buf: *mut u8, len: usize) -> Result<usize> {
    // The kernel takes an unsigned int count; larger buffers gain nothing.
    let len = len.min(libc::c_int::MAX as usize) as libc::c_uint;
    // SAFETY: the caller guarantees `buf` is writable for `len` bytes; the
    // kernel writes at most `len` bytes there and reads nothing else.
    let n = check(unsafe { libc::syscall(libc::SYS_getdents64, fd.as_raw_fd(), buf, len) })?;
    Ok(n as usize)
}
