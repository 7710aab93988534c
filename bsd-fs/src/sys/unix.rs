//! The calls that are the same on every supported platform.

use crate::dirent::FileType;
use bsd_errno::{check, Result};
use core::ffi::CStr;
use core::mem::MaybeUninit;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// `openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)`.
#[inline]
pub(crate) fn open_dir_at(dirfd: BorrowedFd<'_>, path: &CStr) -> Result<OwnedFd> {
    let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC | libc::O_NOCTTY;
    // SAFETY: `path` is NUL-terminated; the call creates a descriptor and
    // touches no memory of ours.
    let fd = check(unsafe { libc::openat(dirfd.as_raw_fd(), path.as_ptr(), flags) })?;
    // SAFETY: openat returned a new descriptor that nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `lseek(fd, 0, SEEK_SET)`.
#[cfg(not(target_vendor = "apple"))]
#[inline]
pub(crate) fn seek_start(fd: BorrowedFd<'_>) -> Result<()> {
    // SAFETY: lseek touches no memory.
    check(unsafe { libc::lseek(fd.as_raw_fd(), 0, libc::SEEK_SET) })?;
    Ok(())
}

/// The error for a directory read the kernel refused with `EINVAL`, given
/// the `S_IFMT` bits of the descriptor (`None`: unknown): `ENOTDIR` for
/// anything but a directory, as Linux says it, else `EINVAL` (a buffer too
/// small for the next record). The BSDs say `EINVAL` for both.
#[cfg(any(
    test,
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
))]
pub(crate) fn einval_or_enotdir(file_type: Option<libc::mode_t>) -> bsd_errno::Errno {
    match file_type {
        Some(t) if t & libc::S_IFMT != libc::S_IFDIR => bsd_errno::Errno::ENOTDIR,
        _ => bsd_errno::Errno::EINVAL,
    }
}

/// The type of `name` in `dirfd`, from `fstatat(.., AT_SYMLINK_NOFOLLOW)`.
pub(crate) fn fstatat_type(dirfd: BorrowedFd<'_>, name: &CStr) -> Result<FileType> {
    let mut st = MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `name` is NUL-terminated and `st` is writable for one stat.
    check(unsafe {
        libc::fstatat(
            dirfd.as_raw_fd(),
            name.as_ptr(),
            st.as_mut_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    })?;
    // SAFETY: fstatat succeeded, so it filled `st`.
    let st = unsafe { st.assume_init() };
    Ok(FileType::from_mode(st.st_mode))
}

/// `utimensat(dirfd, path, times, flags)`.
#[inline]
pub(crate) fn utimensat(
    dirfd: BorrowedFd<'_>,
    path: &CStr,
    times: &[libc::timespec; 2],
    flags: libc::c_int,
) -> Result<()> {
    // SAFETY: `path` is NUL-terminated, `times` points to two timespecs.
    check(unsafe { libc::utimensat(dirfd.as_raw_fd(), path.as_ptr(), times.as_ptr(), flags) })?;
    Ok(())
}

/// `futimens(fd, times)`.
#[inline]
pub(crate) fn futimens(fd: BorrowedFd<'_>, times: &[libc::timespec; 2]) -> Result<()> {
    // SAFETY: `times` points to two timespecs.
    check(unsafe { libc::futimens(fd.as_raw_fd(), times.as_ptr()) })?;
    Ok(())
}

/// `utimes(path, times)`.
#[inline]
pub(crate) fn utimes(path: &CStr, times: &[libc::timeval; 2]) -> Result<()> {
    // SAFETY: `path` is NUL-terminated, `times` points to two timevals.
    check(unsafe { libc::utimes(path.as_ptr(), times.as_ptr()) })?;
    Ok(())
}

/// `futimes(fd, times)`.
#[inline]
pub(crate) fn futimes(fd: BorrowedFd<'_>, times: &[libc::timeval; 2]) -> Result<()> {
    // SAFETY: `times` points to two timevals.
    check(unsafe { libc::futimes(fd.as_raw_fd(), times.as_ptr()) })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::einval_or_enotdir;
    use bsd_errno::Errno;

    #[test]
    fn einval_from_a_bsd_directory_read_is_enotdir_for_a_non_directory() {
        assert_eq!(einval_or_enotdir(Some(libc::S_IFREG)), Errno::ENOTDIR);
        assert_eq!(einval_or_enotdir(Some(libc::S_IFIFO)), Errno::ENOTDIR);
        assert_eq!(einval_or_enotdir(Some(libc::S_IFLNK)), Errno::ENOTDIR);
        assert_eq!(einval_or_enotdir(Some(libc::S_IFCHR | 0o644)), Errno::ENOTDIR);
        // A directory's EINVAL is a buffer too small: it stays.
        assert_eq!(einval_or_enotdir(Some(libc::S_IFDIR)), Errno::EINVAL);
        assert_eq!(einval_or_enotdir(Some(libc::S_IFDIR | 0o755)), Errno::EINVAL);
        // fstat failed: nothing is known, nothing is changed.
        assert_eq!(einval_or_enotdir(None), Errno::EINVAL);
    }
}
