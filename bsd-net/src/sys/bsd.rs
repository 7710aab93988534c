//! FreeBSD, DragonFly, NetBSD, OpenBSD and Apple.
//!
//! - Close-on-exec and non-blocking at creation: `SOCK_CLOEXEC`,
//!   `SOCK_NONBLOCK` and `accept4` everywhere but Apple, which needs `fcntl`
//!   afterwards (and whose accepted sockets inherit `O_NONBLOCK`).
//! - SIGPIPE: `MSG_NOSIGNAL` on every send, but Apple, where sockets we
//!   create get `SO_NOSIGPIPE` (inherited by accepted ones).
//! - Received descriptors: `MSG_CMSG_CLOEXEC`, but Apple: FD_CLOEXEC by hand.
//! - Peer credentials: FreeBSD/DragonFly `LOCAL_PEERCRED` (`xucred`, FreeBSD
//!   13+ with the pid), NetBSD `LOCAL_PEEREID`, OpenBSD `SO_PEERCRED`, Apple
//!   `LOCAL_PEERCRED` + `LOCAL_PEERPID`.
//! - Batches: `recvmmsg`/`sendmmsg` on FreeBSD (`msg_len` is `ssize_t`),
//!   NetBSD and OpenBSD (`unsigned int`); a loop of `recvmsg`/`sendmsg` on
//!   DragonFly and Apple.

use crate::addr::SockaddrStorage;
use crate::sockopt::PeerCred;
use bsd_errno::{check, Errno, Result};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// Added to every send: no SIGPIPE on a broken connection.
#[cfg(not(target_vendor = "apple"))]
pub(crate) const SEND_FLAGS: libc::c_int = libc::MSG_NOSIGNAL;
/// Apple: sockets we create carry `SO_NOSIGPIPE` instead.
#[cfg(target_vendor = "apple")]
pub(crate) const SEND_FLAGS: libc::c_int = 0;

/// Added to every receive: received descriptors are close-on-exec.
#[cfg(not(target_vendor = "apple"))]
pub(crate) const RECV_FLAGS: libc::c_int = libc::MSG_CMSG_CLOEXEC;
/// Apple has no `MSG_CMSG_CLOEXEC`.
#[cfg(target_vendor = "apple")]
pub(crate) const RECV_FLAGS: libc::c_int = 0;

/// Received descriptors need FD_CLOEXEC set by hand.
pub(crate) const RECEIVED_FDS_NEED_CLOEXEC: bool = cfg!(target_vendor = "apple");

/// Added to a batch receive: return what is there once one message is.
#[cfg(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd"))]
pub(crate) const BATCH_RECV_FLAGS: libc::c_int = libc::MSG_WAITFORONE;
/// The loop on DragonFly and Apple behaves as `MSG_WAITFORONE` by itself.
#[cfg(any(target_os = "dragonfly", target_vendor = "apple"))]
pub(crate) const BATCH_RECV_FLAGS: libc::c_int = 0;

#[cfg(not(target_vendor = "apple"))]
#[inline]
fn type_flags(nonblock: bool) -> libc::c_int {
    libc::SOCK_CLOEXEC | if nonblock { libc::SOCK_NONBLOCK } else { 0 }
}

/// Apple: what the other platforms get from flags at creation.
#[cfg(target_vendor = "apple")]
fn apple_setup(fd: &OwnedFd, nonblock: bool) -> Result<()> {
    super::set_cloexec(fd.as_raw_fd())?;
    if nonblock {
        super::set_nonblocking(fd.as_raw_fd(), true)?;
    }
    let one: libc::c_int = 1;
    // SAFETY: `one` is readable for its size; SO_NOSIGPIPE reads an int.
    unsafe {
        super::setsockopt(
            fd.as_fd(),
            libc::SOL_SOCKET,
            libc::SO_NOSIGPIPE,
            (&one as *const libc::c_int).cast(),
            core::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    }
}

#[cfg(target_vendor = "apple")]
use std::os::fd::AsFd;

pub(crate) fn socket(domain: libc::c_int, ty: libc::c_int, protocol: libc::c_int, nonblock: bool) -> Result<OwnedFd> {
    #[cfg(not(target_vendor = "apple"))]
    let ty = ty | type_flags(nonblock);
    // SAFETY: no memory is passed.
    let fd = check(unsafe { libc::socket(domain, ty, protocol) })?;
    // SAFETY: `fd` is a new descriptor that nothing else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    #[cfg(target_vendor = "apple")]
    apple_setup(&fd, nonblock)?;
    Ok(fd)
}

pub(crate) fn socketpair(
    domain: libc::c_int,
    ty: libc::c_int,
    protocol: libc::c_int,
    nonblock: bool,
) -> Result<(OwnedFd, OwnedFd)> {
    #[cfg(not(target_vendor = "apple"))]
    let ty = ty | type_flags(nonblock);
    let mut fds = [-1; 2];
    // SAFETY: `fds` has room for the two descriptors.
    check(unsafe { libc::socketpair(domain, ty, protocol, fds.as_mut_ptr()) })?;
    // SAFETY: two new descriptors that nothing else owns.
    let pair = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    #[cfg(target_vendor = "apple")]
    {
        apple_setup(&pair.0, nonblock)?;
        apple_setup(&pair.1, nonblock)?;
    }
    Ok(pair)
}

pub(crate) fn accept(fd: BorrowedFd<'_>, nonblock: bool, out: &mut SockaddrStorage) -> Result<OwnedFd> {
    let mut len = SockaddrStorage::capacity();
    // SAFETY: `out` has room for `len` bytes.
    #[cfg(not(target_vendor = "apple"))]
    let new = check(unsafe { libc::accept4(fd.as_raw_fd(), out.as_mut_ptr(), &mut len, type_flags(nonblock)) })?;
    // SAFETY: `out` has room for `len` bytes.
    #[cfg(target_vendor = "apple")]
    let new = check(unsafe { libc::accept(fd.as_raw_fd(), out.as_mut_ptr(), &mut len) })?;
    // SAFETY: `new` is a new descriptor that nothing else owns.
    let new = unsafe { OwnedFd::from_raw_fd(new) };
    if len == 0 && crate::layout::Layout::NATIVE.accept_may_return_empty_addr() {
        // XNU can hand out a connection aborted before it was accepted with
        // an address length of 0: close it (dropping `new`)
        // and report what it is, for `accept_raw` as for `accept`.
        return Err(Errno::ECONNABORTED);
    }
    // SAFETY: the kernel initialized min(len, capacity) bytes.
    unsafe { out.set_len(len) };
    #[cfg(target_vendor = "apple")]
    {
        // SO_NOSIGPIPE is inherited from the listener; FD_CLOEXEC is not;
        // O_NONBLOCK is inherited, so set it to exactly what was asked.
        super::set_cloexec(new.as_raw_fd())?;
        super::set_nonblocking(new.as_raw_fd(), nonblock)?;
    }
    Ok(new)
}

/// Reads a fixed-size option and checks the kernel filled all of it.
fn get_exact<T: Copy>(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int) -> Result<T> {
    let mut v = core::mem::MaybeUninit::<T>::zeroed();
    let size = core::mem::size_of::<T>() as libc::socklen_t;
    // SAFETY: `v` is writable for `size` bytes.
    let len = unsafe { super::getsockopt(fd, level, name, v.as_mut_ptr().cast(), size)? };
    if len != size {
        return Err(Errno::EINVAL);
    }
    // SAFETY: used only with plain-integer C structs (xucred, unpcbid,
    // sockpeercred, pid_t), zero-initialized and then filled by the kernel.
    Ok(unsafe { v.assume_init() })
}

/// `SOL_LOCAL`: the level of the `LOCAL_*` options (0).
#[cfg(any(target_os = "freebsd", target_vendor = "apple"))]
const SOL_LOCAL: libc::c_int = libc::SOL_LOCAL;
/// DragonFly and NetBSD use level 0 for `LOCAL_*` (libc names no SOL_LOCAL).
#[cfg(any(target_os = "dragonfly", target_os = "netbsd"))]
const SOL_LOCAL: libc::c_int = 0;

#[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_vendor = "apple"))]
fn xucred(fd: BorrowedFd<'_>) -> Result<libc::xucred> {
    let x: libc::xucred = get_exact(fd, SOL_LOCAL, libc::LOCAL_PEERCRED)?;
    if x.cr_version != libc::XUCRED_VERSION {
        return Err(Errno::EINVAL);
    }
    Ok(x)
}

#[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_vendor = "apple"))]
fn xucred_gid(x: &libc::xucred) -> Result<libc::gid_t> {
    // cr_groups[0] is the effective gid.
    if x.cr_ngroups < 1 {
        return Err(Errno::EINVAL);
    }
    Ok(x.cr_groups[0])
}

/// The peer's credentials at `connect`/`socketpair`.
pub(crate) fn peer_credentials(fd: BorrowedFd<'_>) -> Result<PeerCred> {
    #[cfg(target_os = "freebsd")]
    {
        let x = xucred(fd)?;
        // SAFETY: the union is plain data; since FreeBSD 13 the kernel
        // writes cr_pid there, before that a NULL pointer (pid 0).
        let pid = unsafe { x.cr_pid__c_anonymous_union.cr_pid };
        Ok(PeerCred {
            pid: if pid > 0 { Some(pid) } else { None },
            uid: x.cr_uid,
            gid: xucred_gid(&x)?,
        })
    }
    #[cfg(target_os = "dragonfly")]
    {
        let x = xucred(fd)?;
        Ok(PeerCred {
            pid: None,
            uid: x.cr_uid,
            gid: xucred_gid(&x)?,
        })
    }
    #[cfg(target_vendor = "apple")]
    {
        let x = xucred(fd)?;
        let pid: libc::pid_t = get_exact(fd, SOL_LOCAL, libc::LOCAL_PEERPID)?;
        Ok(PeerCred {
            pid: if pid > 0 { Some(pid) } else { None },
            uid: x.cr_uid,
            gid: xucred_gid(&x)?,
        })
    }
    #[cfg(target_os = "netbsd")]
    {
        let c: libc::unpcbid = get_exact(fd, SOL_LOCAL, libc::LOCAL_PEEREID)?;
        Ok(PeerCred {
            pid: if c.unp_pid > 0 { Some(c.unp_pid) } else { None },
            uid: c.unp_euid,
            gid: c.unp_egid,
        })
    }
    #[cfg(target_os = "openbsd")]
    {
        let c: libc::sockpeercred = get_exact(fd, libc::SOL_SOCKET, libc::SO_PEERCRED)?;
        Ok(PeerCred {
            pid: if c.pid > 0 { Some(c.pid) } else { None },
            uid: c.uid,
            gid: c.gid,
        })
    }
}

/// FreeBSD `LOCAL_CREDS_PERSISTENT` (`SCM_CREDS2` with every message),
/// NetBSD `LOCAL_CREDS` (`SCM_CREDS`; on stream and seqpacket sockets
/// with the first message only).
#[cfg(any(target_os = "freebsd", target_os = "netbsd"))]
pub(crate) fn set_pass_credentials(fd: BorrowedFd<'_>, on: bool) -> Result<()> {
    #[cfg(target_os = "freebsd")]
    let name = libc::LOCAL_CREDS_PERSISTENT;
    #[cfg(target_os = "netbsd")]
    let name = libc::LOCAL_CREDS;
    let v: libc::c_int = on.into();
    // SAFETY: `v` is readable for its size; the option reads an int.
    unsafe {
        super::setsockopt(
            fd,
            SOL_LOCAL,
            name,
            (&v as *const libc::c_int).cast(),
            core::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    }
}

// ----- batches -----

/// The kernel's `struct mmsghdr` (FreeBSD: `msg_len` is `ssize_t`; NetBSD,
/// OpenBSD: `unsigned int`).
#[cfg(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd"))]
pub(crate) type MmsgHdr = libc::mmsghdr;

/// DragonFly and Apple have no `mmsghdr`: the same shape, for the loop.
#[cfg(any(target_os = "dragonfly", target_vendor = "apple"))]
#[derive(Clone, Copy)]
#[repr(C)]
#[allow(non_camel_case_types)]
pub(crate) struct MmsgHdr {
    pub(crate) msg_hdr: libc::msghdr,
    pub(crate) msg_len: usize,
}

/// Bytes the kernel reported for one message of a batch.
#[inline]
pub(crate) fn mmsg_len(h: &MmsgHdr) -> usize {
    h.msg_len as usize
}

/// `recvmmsg` with `MSG_WAITFORONE` in `flags`, no timeout.
#[cfg(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd"))]
pub(crate) fn recvmmsg(fd: BorrowedFd<'_>, hdrs: &mut [MmsgHdr], flags: libc::c_int) -> Result<usize> {
    let vlen = hdrs.len().try_into().map_err(|_| Errno::EINVAL)?;
    // SAFETY: every header's pointers are valid for writes of their
    // lengths (set up by the caller) for the duration of the call.
    let n = check(unsafe {
        libc::recvmmsg(
            fd.as_raw_fd(),
            hdrs.as_mut_ptr(),
            vlen,
            flags | RECV_FLAGS,
            core::ptr::null_mut(),
        )
    })?;
    Ok(n as usize)
}

/// `sendmmsg`.
#[cfg(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd"))]
pub(crate) fn sendmmsg(fd: BorrowedFd<'_>, hdrs: &mut [MmsgHdr], flags: libc::c_int) -> Result<usize> {
    let vlen = hdrs.len().try_into().map_err(|_| Errno::EINVAL)?;
    // SAFETY: every header's pointers are valid for reads of their lengths
    // for the duration of the call; the kernel writes only `msg_len`.
    let n = check(unsafe { libc::sendmmsg(fd.as_raw_fd(), hdrs.as_mut_ptr(), vlen, flags | SEND_FLAGS) })?;
    Ok(n as usize)
}

/// `recvmmsg` as a loop: the first `recvmsg` as asked (it may block), the
/// rest with `MSG_DONTWAIT`, stopping at the first that has nothing (or
/// fails: like `recvmmsg`, an error after the first message ends the batch
/// and shows up on the next call).
#[cfg(any(target_os = "dragonfly", target_vendor = "apple"))]
pub(crate) fn recvmmsg(fd: BorrowedFd<'_>, hdrs: &mut [MmsgHdr], flags: libc::c_int) -> Result<usize> {
    for (i, h) in hdrs.iter_mut().enumerate() {
        let f = flags | RECV_FLAGS | if i == 0 { 0 } else { libc::MSG_DONTWAIT };
        // SAFETY: the header's pointers are valid for writes of their
        // lengths for the duration of the call.
        match check(unsafe { libc::recvmsg(fd.as_raw_fd(), &mut h.msg_hdr, f) }) {
            Ok(n) => h.msg_len = n as usize,
            Err(e) if i == 0 => return Err(e),
            Err(_) => return Ok(i),
        }
    }
    Ok(hdrs.len())
}

/// `sendmmsg` as a loop of `sendmsg`, stopping at the first failure after
/// at least one message went.
#[cfg(any(target_os = "dragonfly", target_vendor = "apple"))]
pub(crate) fn sendmmsg(fd: BorrowedFd<'_>, hdrs: &mut [MmsgHdr], flags: libc::c_int) -> Result<usize> {
    for (i, h) in hdrs.iter_mut().enumerate() {
        // SAFETY: the header's pointers are valid for reads of their lengths
        // for the duration of the call.
        match check(unsafe { libc::sendmsg(fd.as_raw_fd(), &h.msg_hdr, flags | SEND_FLAGS) }) {
            Ok(n) => h.msg_len = n as usize,
            Err(e) if i == 0 => return Err(e),
            Err(_) => return Ok(i),
        }
    }
    Ok(hdrs.len())
}

// Layouts this file relies on, checked for every BSD and Apple target
// (32-bit and big-endian included).
#[cfg(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd"))]
const _: () = {
    // `mmsghdr`: a `msghdr`, then `msg_len` (FreeBSD `ssize_t`, NetBSD and
    // OpenBSD `unsigned int`).
    assert!(core::mem::offset_of!(libc::mmsghdr, msg_len) == core::mem::size_of::<libc::msghdr>());
    // SAFETY: mmsghdr is integers and raw pointers; all zeros is valid.
    let h: libc::mmsghdr = unsafe { core::mem::zeroed() };
    let width = core::mem::size_of_val(&h.msg_len);
    assert!(
        width
            == if cfg!(target_os = "freebsd") {
                core::mem::size_of::<isize>()
            } else {
                4
            }
    );
};
#[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_vendor = "apple"))]
const _: () = {
    // `xucred`: version, uid, short ngroups, then the groups at 12.
    assert!(core::mem::offset_of!(libc::xucred, cr_uid) == 4);
    assert!(core::mem::offset_of!(libc::xucred, cr_ngroups) == 8);
    assert!(core::mem::offset_of!(libc::xucred, cr_groups) == 12);
};
#[cfg(target_os = "netbsd")]
const _: () = assert!(core::mem::size_of::<libc::unpcbid>() == 12);
#[cfg(target_os = "openbsd")]
const _: () = assert!(core::mem::size_of::<libc::sockpeercred>() == 12);
