//! The socket calls every supported platform makes the same way.

use crate::addr::SockaddrStorage;
use bsd_errno::{check, Errno, Result};
use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};

/// A `msghdr` over the given parts (zeroed first: some platforms have
/// padding fields). Counts that do not fit the platform's field types are
/// EMSGSIZE.
#[inline]
// msg_iovlen and msg_controllen are `size_t` on glibc, `int`/`socklen_t`
// on the BSDs and musl.
#[allow(clippy::useless_conversion)]
pub(crate) fn msghdr(
    name: *mut libc::sockaddr,
    namelen: libc::socklen_t,
    iov: *mut libc::iovec,
    iovlen: usize,
    control: *mut u8,
    controllen: usize,
) -> Result<libc::msghdr> {
    // SAFETY: msghdr is plain data (integers and raw pointers) for which
    // all-zero bytes are a valid value.
    let mut h: libc::msghdr = unsafe { core::mem::zeroed() };
    h.msg_name = name.cast();
    h.msg_namelen = namelen;
    h.msg_iov = iov;
    h.msg_iovlen = iovlen.try_into().map_err(|_| Errno::EMSGSIZE)?;
    if controllen > 0 {
        h.msg_control = control.cast();
        h.msg_controllen = controllen.try_into().map_err(|_| Errno::EMSGSIZE)?;
    }
    Ok(h)
}

#[inline]
pub(crate) fn bind(fd: BorrowedFd<'_>, addr: &SockaddrStorage) -> Result<()> {
    // SAFETY: `addr` points to `addr.len()` initialized bytes.
    check(unsafe { libc::bind(fd.as_raw_fd(), addr.as_ptr(), addr.len()) }).map(drop)
}

#[inline]
pub(crate) fn connect(fd: BorrowedFd<'_>, addr: &SockaddrStorage) -> Result<()> {
    // SAFETY: `addr` points to `addr.len()` initialized bytes.
    check(unsafe { libc::connect(fd.as_raw_fd(), addr.as_ptr(), addr.len()) }).map(drop)
}

#[inline]
pub(crate) fn listen(fd: BorrowedFd<'_>, backlog: libc::c_int) -> Result<()> {
    // SAFETY: no memory is passed.
    check(unsafe { libc::listen(fd.as_raw_fd(), backlog) }).map(drop)
}

#[inline]
pub(crate) fn getsockname(fd: BorrowedFd<'_>, out: &mut SockaddrStorage) -> Result<()> {
    let mut len = SockaddrStorage::capacity();
    // SAFETY: `out` has room for `len` bytes; the kernel writes at most that
    // many and reports the address's length in `len`.
    check(unsafe { libc::getsockname(fd.as_raw_fd(), out.as_mut_ptr(), &mut len) })?;
    // SAFETY: the kernel initialized min(len, capacity) bytes.
    unsafe { out.set_len(len) };
    Ok(())
}

#[inline]
pub(crate) fn getpeername(fd: BorrowedFd<'_>, out: &mut SockaddrStorage) -> Result<()> {
    let mut len = SockaddrStorage::capacity();
    // SAFETY: as in `getsockname`.
    check(unsafe { libc::getpeername(fd.as_raw_fd(), out.as_mut_ptr(), &mut len) })?;
    // SAFETY: the kernel initialized min(len, capacity) bytes.
    unsafe { out.set_len(len) };
    Ok(())
}

#[inline]
pub(crate) fn shutdown(fd: BorrowedFd<'_>, how: libc::c_int) -> Result<()> {
    // SAFETY: no memory is passed.
    check(unsafe { libc::shutdown(fd.as_raw_fd(), how) }).map(drop)
}

/// `getsockopt` into `len` bytes at `val`; returns the length the kernel
/// reported.
///
/// # Safety
/// `val` must be valid for writes of `len` bytes.
#[inline]
pub(crate) unsafe fn getsockopt(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
    val: *mut libc::c_void,
    len: libc::socklen_t,
) -> Result<libc::socklen_t> {
    let mut len = len;
    // SAFETY: the caller guarantees `len` writable bytes at `val`.
    check(unsafe { libc::getsockopt(fd.as_raw_fd(), level, name, val, &mut len) })?;
    Ok(len)
}

/// `setsockopt` with `len` bytes at `val`.
///
/// # Safety
/// `val` must be valid for reads of `len` bytes, and the option must not make
/// the kernel write through pointers inside them.
#[inline]
pub(crate) unsafe fn setsockopt(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
    val: *const libc::c_void,
    len: libc::socklen_t,
) -> Result<()> {
    // SAFETY: guaranteed by the caller.
    check(unsafe { libc::setsockopt(fd.as_raw_fd(), level, name, val, len) }).map(drop)
}

/// `sendmsg`: `iov`, the encoded `control` bytes, an optional destination.
#[inline]
pub(crate) fn sendmsg(
    fd: BorrowedFd<'_>,
    iov: &[IoSlice<'_>],
    control: &[u8],
    to: Option<&SockaddrStorage>,
    flags: libc::c_int,
) -> Result<usize> {
    let (name, namelen) = match to {
        Some(a) => (a.as_ptr().cast_mut(), a.len()),
        None => (core::ptr::null_mut(), 0),
    };
    // IoSlice is ABI-compatible with iovec on Unix; the kernel only reads
    // through these pointers.
    let h = msghdr(
        name,
        namelen,
        iov.as_ptr().cast_mut().cast(),
        iov.len(),
        control.as_ptr().cast_mut(),
        control.len(),
    )?;
    // SAFETY: every pointer in `h` is valid for the length beside it for
    // the duration of the call, and sendmsg only reads through them.
    let n = check(unsafe { libc::sendmsg(fd.as_raw_fd(), &h, flags | super::SEND_FLAGS) })?;
    Ok(n as usize)
}

/// What `recvmsg` reports: bytes, `msg_flags`, filled control length.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Received {
    pub(crate) bytes: usize,
    pub(crate) flags: libc::c_int,
    pub(crate) control_len: usize,
}

/// `recvmsg` into `iov`, `control` and `name`.
#[inline]
pub(crate) fn recvmsg(
    fd: BorrowedFd<'_>,
    iov: &mut [IoSliceMut<'_>],
    control: &mut [u8],
    name: &mut SockaddrStorage,
    flags: libc::c_int,
) -> Result<Received> {
    let mut h = msghdr(
        name.as_mut_ptr(),
        SockaddrStorage::capacity(),
        iov.as_mut_ptr().cast(),
        iov.len(),
        control.as_mut_ptr(),
        control.len(),
    )?;
    // SAFETY: every pointer in `h` is valid for writes of the length beside
    // it for the duration of the call (IoSliceMut is ABI-compatible with
    // iovec); the kernel writes at most those lengths.
    let n = check(unsafe { libc::recvmsg(fd.as_raw_fd(), &mut h, flags | super::RECV_FLAGS) })?;
    // SAFETY: the kernel initialized min(msg_namelen, capacity) bytes.
    unsafe { name.set_len(h.msg_namelen) };
    let control_len = if h.msg_control.is_null() {
        0
    } else {
        (h.msg_controllen as usize).min(control.len())
    };
    Ok(Received {
        bytes: n as usize,
        flags: h.msg_flags,
        control_len,
    })
}

#[inline]
pub(crate) fn recvfrom(
    fd: BorrowedFd<'_>,
    buf: &mut [u8],
    name: &mut SockaddrStorage,
    flags: libc::c_int,
) -> Result<usize> {
    let mut len = SockaddrStorage::capacity();
    // SAFETY: `buf` is writable for its length and `name` for `len` bytes.
    let n = check(unsafe {
        libc::recvfrom(
            fd.as_raw_fd(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            flags,
            name.as_mut_ptr(),
            &mut len,
        )
    })?;
    // SAFETY: the kernel initialized min(len, capacity) bytes of `name`.
    unsafe { name.set_len(len) };
    Ok(n as usize)
}

#[inline]
pub(crate) fn sendto(
    fd: BorrowedFd<'_>,
    buf: &[u8],
    to: Option<&SockaddrStorage>,
    flags: libc::c_int,
) -> Result<usize> {
    let (name, namelen) = match to {
        Some(a) => (a.as_ptr(), a.len()),
        None => (core::ptr::null(), 0),
    };
    // SAFETY: `buf` is readable for its length and `name` for `namelen`.
    let n = check(unsafe {
        libc::sendto(
            fd.as_raw_fd(),
            buf.as_ptr().cast(),
            buf.len(),
            flags | super::SEND_FLAGS,
            name,
            namelen,
        )
    })?;
    Ok(n as usize)
}

/// Sets FD_CLOEXEC.
pub(crate) fn set_cloexec(fd: RawFd) -> Result<()> {
    // SAFETY: fcntl on a descriptor with integer arguments touches no memory.
    let flags = check(unsafe { libc::fcntl(fd, libc::F_GETFD) })?;
    if flags & libc::FD_CLOEXEC == 0 {
        // SAFETY: as above.
        check(unsafe { libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC) })?;
    }
    Ok(())
}

/// Sets FD_CLOEXEC on a freshly received descriptor; a failure (the
/// descriptor is already gone) is ignored.
pub(crate) fn set_cloexec_raw(fd: RawFd) {
    let _ = set_cloexec(fd);
}

/// Whether O_NONBLOCK is set.
pub(crate) fn nonblocking(fd: RawFd) -> Result<bool> {
    // SAFETY: fcntl on a descriptor with integer arguments touches no memory.
    let flags = check(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    Ok(flags & libc::O_NONBLOCK != 0)
}

/// Sets or clears O_NONBLOCK, keeping the other status flags (and making
/// no second call when the flag is already as asked).
pub(crate) fn set_nonblocking(fd: RawFd, on: bool) -> Result<()> {
    // SAFETY: fcntl on a descriptor with integer arguments touches no memory.
    let flags = check(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    let new = if on {
        flags | libc::O_NONBLOCK
    } else {
        flags & !libc::O_NONBLOCK
    };
    if new != flags {
        // SAFETY: as above.
        check(unsafe { libc::fcntl(fd, libc::F_SETFL, new) })?;
    }
    Ok(())
}
