//! Linux (and Android): `SOCK_CLOEXEC` and `accept4`, `MSG_NOSIGNAL`,
//! `MSG_CMSG_CLOEXEC`, `SO_PEERCRED`/`SO_PASSCRED`, `recvmmsg`/`sendmmsg`.

use crate::addr::SockaddrStorage;
use crate::sockopt::PeerCred;
use bsd_errno::{check, Errno, Result};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// Added to every send: no SIGPIPE on a broken connection.
pub(crate) const SEND_FLAGS: libc::c_int = libc::MSG_NOSIGNAL;
/// Added to every receive: received descriptors are close-on-exec.
pub(crate) const RECV_FLAGS: libc::c_int = libc::MSG_CMSG_CLOEXEC;
/// Received descriptors need FD_CLOEXEC set by hand (not here).
pub(crate) const RECEIVED_FDS_NEED_CLOEXEC: bool = false;
/// Added to a batch receive: return what is there once one message is.
pub(crate) const BATCH_RECV_FLAGS: libc::c_int = libc::MSG_WAITFORONE;

#[inline]
fn type_flags(nonblock: bool) -> libc::c_int {
    libc::SOCK_CLOEXEC | if nonblock { libc::SOCK_NONBLOCK } else { 0 }
}

#[inline]
pub(crate) fn socket(domain: libc::c_int, ty: libc::c_int, protocol: libc::c_int, nonblock: bool) -> Result<OwnedFd> {
    // SAFETY: no memory is passed.
    let fd = check(unsafe { libc::socket(domain, ty | type_flags(nonblock), protocol) })?;
    // SAFETY: `fd` is a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

#[inline]
pub(crate) fn socketpair(
    domain: libc::c_int,
    ty: libc::c_int,
    protocol: libc::c_int,
    nonblock: bool,
) -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [-1; 2];
    // SAFETY: `fds` has room for the two descriptors.
    check(unsafe { libc::socketpair(domain, ty | type_flags(nonblock), protocol, fds.as_mut_ptr()) })?;
    // SAFETY: two new descriptors that nothing else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

#[inline]
pub(crate) fn accept(fd: BorrowedFd<'_>, nonblock: bool, out: &mut SockaddrStorage) -> Result<OwnedFd> {
    let mut len = SockaddrStorage::capacity();
    // SAFETY: `out` has room for `len` bytes.
    let new = check(unsafe { libc::accept4(fd.as_raw_fd(), out.as_mut_ptr(), &mut len, type_flags(nonblock)) })?;
    // SAFETY: `new` is a new descriptor that nothing else owns.
    let new = unsafe { OwnedFd::from_raw_fd(new) };
    // SAFETY: the kernel initialized min(len, capacity) bytes.
    unsafe { out.set_len(len) };
    Ok(new)
}

/// `SO_PEERCRED`: the peer's pid, uid and gid at `connect`/`socketpair`.
pub(crate) fn peer_credentials(fd: BorrowedFd<'_>) -> Result<PeerCred> {
    let mut c = core::mem::MaybeUninit::<libc::ucred>::zeroed();
    let size = core::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `c` is writable for `size` bytes.
    let len = unsafe { super::getsockopt(fd, libc::SOL_SOCKET, libc::SO_PEERCRED, c.as_mut_ptr().cast(), size)? };
    if len != size {
        return Err(Errno::EINVAL);
    }
    // SAFETY: zero-initialized, then filled by the kernel: every field is
    // an integer.
    let c = unsafe { c.assume_init() };
    // No peer (an unconnected or non-unix socket): the kernel reports
    // uid and gid (uid_t)-1, which no process has.
    if c.uid == libc::uid_t::MAX && c.gid == libc::gid_t::MAX {
        return Err(Errno::ENOTCONN);
    }
    Ok(PeerCred {
        pid: if c.pid > 0 { Some(c.pid) } else { None },
        uid: c.uid,
        gid: c.gid,
    })
}

/// `SO_PASSCRED`: deliver `SCM_CREDENTIALS` with every message.
pub(crate) fn set_pass_credentials(fd: BorrowedFd<'_>, on: bool) -> Result<()> {
    let v: libc::c_int = on.into();
    // SAFETY: `v` is readable for its size; SO_PASSCRED reads an int.
    unsafe {
        super::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_PASSCRED,
            (&v as *const libc::c_int).cast(),
            core::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    }
}

/// The kernel's `struct mmsghdr` (`msg_len` is an `unsigned int`).
pub(crate) type MmsgHdr = libc::mmsghdr;

/// Bytes the kernel reported for one message of a batch.
#[inline]
pub(crate) fn mmsg_len(h: &MmsgHdr) -> usize {
    h.msg_len as usize
}

/// `recvmmsg` with `MSG_WAITFORONE` in `flags`, no timeout.
#[inline]
pub(crate) fn recvmmsg(fd: BorrowedFd<'_>, hdrs: &mut [MmsgHdr], flags: libc::c_int) -> Result<usize> {
    let vlen = hdrs.len().try_into().map_err(|_| Errno::EINVAL)?;
    // SAFETY: every header's pointers are valid for writes of their
    // lengths (set up by the caller) for the duration of the call.
    let n = check(unsafe {
        libc::recvmmsg(
            fd.as_raw_fd(),
            hdrs.as_mut_ptr(),
            vlen,
            (flags | RECV_FLAGS) as _,
            core::ptr::null_mut(),
        )
    })?;
    Ok(n as usize)
}

/// `sendmmsg`.
#[inline]
pub(crate) fn sendmmsg(fd: BorrowedFd<'_>, hdrs: &mut [MmsgHdr], flags: libc::c_int) -> Result<usize> {
    let vlen = hdrs.len().try_into().map_err(|_| Errno::EINVAL)?;
    // SAFETY: every header's pointers are valid for reads of their lengths
    // for the duration of the call; the kernel writes only `msg_len`.
    let n = check(unsafe { libc::sendmmsg(fd.as_raw_fd(), hdrs.as_mut_ptr(), vlen, (flags | SEND_FLAGS) as _) })?;
    Ok(n as usize)
}

// Layouts this file relies on, checked on every Linux target (32-bit
// included): `ucred` is three ints; `mmsghdr` is a `msghdr` followed by
// an `unsigned int` `msg_len`.
const _: () = {
    assert!(core::mem::size_of::<libc::ucred>() == 12);
    assert!(core::mem::offset_of!(libc::ucred, uid) == 4 && core::mem::offset_of!(libc::ucred, gid) == 8);
    assert!(core::mem::offset_of!(libc::mmsghdr, msg_len) == core::mem::size_of::<libc::msghdr>());
    assert!(core::mem::size_of::<libc::c_uint>() == 4);
};
