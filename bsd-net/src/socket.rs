//! Socket calls: create, bind, connect, listen, accept, names, shutdown,
//! and single-buffer sends and receives.
//!
//! Every descriptor created here is close-on-exec; sends never raise
//! SIGPIPE (`MSG_NOSIGNAL`, or `SO_NOSIGPIPE` on Apple sockets created
//! here).

use crate::addr::{codec, Sockaddr, SockaddrStorage};
use crate::layout::Layout;
use crate::msg::MsgFlags;
use crate::sys;
use bsd_errno::Result;
use core::fmt;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};

/// An address family: the `domain` of [`socket`] (`AF_*`).
///
/// Any value is accepted ([`from_raw`](Self::from_raw)); the constants are
/// the ones every platform has, plus a few per platform.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct AddressFamily(libc::c_int);

impl AddressFamily {
    /// `AF_UNSPEC`.
    pub const UNSPEC: Self = Self(libc::AF_UNSPEC);
    /// `AF_UNIX` (`AF_LOCAL`).
    pub const UNIX: Self = Self(libc::AF_UNIX);
    /// `AF_INET`.
    pub const INET: Self = Self(libc::AF_INET);
    /// `AF_INET6`.
    pub const INET6: Self = Self(libc::AF_INET6);
    /// `AF_ROUTE` (BSD and Apple routing sockets).
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    #[cfg_attr(docsrs, doc(cfg(not(any(target_os = "linux", target_os = "android")))))]
    pub const ROUTE: Self = Self(libc::AF_ROUTE);
    /// `AF_LINK` (BSD and Apple).
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    #[cfg_attr(docsrs, doc(cfg(not(any(target_os = "linux", target_os = "android")))))]
    pub const LINK: Self = Self(libc::AF_LINK);
    /// `AF_PACKET` (Linux).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    pub const PACKET: Self = Self(libc::AF_PACKET);
    /// `AF_NETLINK` (Linux).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    pub const NETLINK: Self = Self(libc::AF_NETLINK);

    /// Any `AF_*` value.
    #[inline]
    #[must_use]
    pub const fn from_raw(raw: libc::c_int) -> Self {
        Self(raw)
    }

    /// The raw value.
    #[inline]
    #[must_use]
    pub const fn raw(self) -> libc::c_int {
        self.0
    }
}

impl fmt::Debug for AddressFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0 {
            libc::AF_UNSPEC => "AF_UNSPEC",
            libc::AF_UNIX => "AF_UNIX",
            libc::AF_INET => "AF_INET",
            libc::AF_INET6 => "AF_INET6",
            _ => return write!(f, "AddressFamily({})", self.0),
        };
        f.write_str(name)
    }
}

/// A socket type: the `type` of [`socket`] (`SOCK_*`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct SocketType(libc::c_int);

impl SocketType {
    /// `SOCK_STREAM`.
    pub const STREAM: Self = Self(libc::SOCK_STREAM);
    /// `SOCK_DGRAM`.
    pub const DGRAM: Self = Self(libc::SOCK_DGRAM);
    /// `SOCK_SEQPACKET`.
    pub const SEQPACKET: Self = Self(libc::SOCK_SEQPACKET);
    /// `SOCK_RAW`.
    pub const RAW: Self = Self(libc::SOCK_RAW);

    /// Any `SOCK_*` value (without creation flags: use [`SocketFlags`]).
    #[inline]
    #[must_use]
    pub const fn from_raw(raw: libc::c_int) -> Self {
        Self(raw)
    }

    /// The raw value.
    #[inline]
    #[must_use]
    pub const fn raw(self) -> libc::c_int {
        self.0
    }
}

impl fmt::Debug for SocketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0 {
            libc::SOCK_STREAM => "SOCK_STREAM",
            libc::SOCK_DGRAM => "SOCK_DGRAM",
            libc::SOCK_SEQPACKET => "SOCK_SEQPACKET",
            libc::SOCK_RAW => "SOCK_RAW",
            _ => return write!(f, "SocketType({})", self.0),
        };
        f.write_str(name)
    }
}

bitflags::bitflags! {
    /// Flags for a new socket ([`socket`], [`socketpair`], [`accept`]).
    ///
    /// Close-on-exec is not a flag: every descriptor this crate creates is
    /// close-on-exec.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct SocketFlags: libc::c_int {
        /// Non-blocking (`SOCK_NONBLOCK`, or `O_NONBLOCK` by `fcntl` on
        /// Apple).
        const NONBLOCK = libc::O_NONBLOCK;
    }
}

/// Which directions [`shutdown`] closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shutdown {
    /// No more receives (`SHUT_RD`).
    Read,
    /// No more sends; the peer sees end of file (`SHUT_WR`).
    Write,
    /// Both (`SHUT_RDWR`).
    Both,
}

impl From<std::net::Shutdown> for Shutdown {
    fn from(s: std::net::Shutdown) -> Self {
        match s {
            std::net::Shutdown::Read => Shutdown::Read,
            std::net::Shutdown::Write => Shutdown::Write,
            std::net::Shutdown::Both => Shutdown::Both,
        }
    }
}

/// `socket(domain, type, 0)`: creates a socket, close-on-exec, non-blocking
/// if asked.
///
/// ```
/// use bsd_net::{socket, AddressFamily, SocketFlags, SocketType};
/// let fd = socket(AddressFamily::INET6, SocketType::DGRAM, SocketFlags::NONBLOCK)?;
/// # drop(fd);
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
///
/// # Errors
/// EAFNOSUPPORT for a family the kernel does not have, EPROTONOSUPPORT for a
/// protocol the type does not take; EMFILE when out of descriptors.
///
/// # Platforms
/// Apple has no `SOCK_CLOEXEC`/`SOCK_NONBLOCK`: they are set with `fcntl`
/// right after, and `SO_NOSIGPIPE` is set too.
///
#[doc = man_links!("socket", "2")]
#[doc(alias = "Socket")]
#[inline]
pub fn socket(domain: AddressFamily, ty: SocketType, flags: SocketFlags) -> Result<OwnedFd> {
    socket_with_protocol(domain, ty, flags, 0)
}

/// `socket(domain, type, protocol)`: as [`socket`], with an explicit
/// protocol (`IPPROTO_*`).
///
/// # Errors
/// As [`socket`].
///
#[doc = man_links!("socket", "2")]
#[inline]
pub fn socket_with_protocol(
    domain: AddressFamily,
    ty: SocketType,
    flags: SocketFlags,
    protocol: libc::c_int,
) -> Result<OwnedFd> {
    sys::socket(domain.0, ty.0, protocol, flags.contains(SocketFlags::NONBLOCK))
}

/// `socketpair(domain, type, 0)`: two connected sockets, close-on-exec,
/// non-blocking if asked.
///
/// ```
/// use bsd_net::{getsockname, socketpair, AddressFamily, Sockaddr, SocketFlags, SocketType};
/// let (a, _b) = socketpair(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::empty())?;
/// assert!(getsockname(&a)?.as_unix().is_some_and(|u| u.is_unnamed()));
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
///
/// # Errors
/// EOPNOTSUPP/EAFNOSUPPORT for a family without pairs (only `AF_UNIX` has
/// them everywhere); EMFILE when out of descriptors.
///
/// # Platforms
/// As [`socket`].
///
#[doc = man_links!("socketpair", "2")]
#[doc(alias = "Socketpair")]
#[inline]
pub fn socketpair(domain: AddressFamily, ty: SocketType, flags: SocketFlags) -> Result<(OwnedFd, OwnedFd)> {
    sys::socketpair(domain.0, ty.0, 0, flags.contains(SocketFlags::NONBLOCK))
}

/// `bind(fd, addr)`: gives the socket a local address.
///
/// # Errors
/// EADDRINUSE (taken), EADDRNOTAVAIL (not a local address), EINVAL
/// (already bound), EACCES for an unprivileged process (a port below 1024,
/// a unix path in a directory it cannot write); and the encoding errors of
/// [`Sockaddr::encode`].
///
#[doc = man_links!("bind", "2")]
#[doc(alias = "Bind")]
#[inline]
pub fn bind(fd: impl AsFd, addr: &Sockaddr) -> Result<()> {
    sys::bind(fd.as_fd(), &addr.encode()?)
}

/// `connect(fd, addr)`: connects the socket (or, for datagrams, sets its
/// default destination).
///
/// # Errors
/// ECONNREFUSED (nobody listening), ENOENT (a unix path that does not
/// exist), EINPROGRESS (a non-blocking socket: wait for writability, then
/// read [`socket_error`](crate::socket_error)); and the encoding errors of
/// [`Sockaddr::encode`]. EINTR is returned, not retried (the connection then
/// completes in the background).
///
#[doc = man_links!("connect", "2")]
#[doc(alias = "Connect")]
#[inline]
pub fn connect(fd: impl AsFd, addr: &Sockaddr) -> Result<()> {
    sys::connect(fd.as_fd(), &addr.encode()?)
}

/// `listen(fd, backlog)`: accepts connections on a bound stream socket.
///
/// # Errors
/// EOPNOTSUPP for a socket type without connections.
///
#[doc = man_links!("listen", "2")]
#[doc(alias = "Listen")]
#[inline]
pub fn listen(fd: impl AsFd, backlog: i32) -> Result<()> {
    sys::listen(fd.as_fd(), backlog)
}

/// `accept(fd)`: takes a pending connection; the new socket is close-on-exec
/// and non-blocking if asked. Returns it and the peer's address.
///
/// # Errors
/// EAGAIN on a non-blocking listener with nothing pending; EINVAL when not
/// listening; EMFILE when out of descriptors; ECONNABORTED (see below).
/// EAFNOSUPPORT (after closing the connection) for a peer address family
/// this crate does not decode: use [`accept_raw`] for those.
///
/// # Platforms
/// `accept4` where it exists (everywhere but Apple). On Apple, `accept`
/// then `fcntl` (its accepted sockets inherit `O_NONBLOCK`, which is set to
/// exactly what `flags` asks); a connection Apple's kernel returns with an
/// address length of 0 (aborted before it was accepted) is closed and
/// reported as ECONNABORTED.
///
#[doc = man_links!("accept", "2")]
#[doc(alias = "Accept")]
#[doc(alias = "accept4")]
#[inline]
pub fn accept(fd: impl AsFd, flags: SocketFlags) -> Result<(OwnedFd, Sockaddr)> {
    let (new, storage) = accept_raw(fd, flags)?;
    // On an error, `new` is dropped here: closed.
    let addr = codec::decode_accepted(Layout::NATIVE, storage.as_bytes())?;
    Ok((new, addr))
}

/// As [`accept`], returning the peer's address undecoded (any family).
///
/// # Errors
/// As [`accept`], less the address decoding.
///
/// # Platforms
/// As [`accept`]: Apple's connections with an address length of 0 are
/// closed and reported as ECONNABORTED here too.
///
#[doc = man_links!("accept", "2")]
#[inline]
pub fn accept_raw(fd: impl AsFd, flags: SocketFlags) -> Result<(OwnedFd, SockaddrStorage)> {
    let mut storage = SockaddrStorage::uninit();
    let new = sys::accept(fd.as_fd(), flags.contains(SocketFlags::NONBLOCK), &mut storage)?;
    Ok((new, storage))
}

/// `getsockname(fd)`: the socket's local address.
///
/// # Errors
/// ENOTSOCK for a descriptor that is not a socket; EAFNOSUPPORT for a
/// family this crate does not decode (a netlink socket, say).
///
/// # Platforms
/// DragonFly may report an unnamed unix socket as `AF_UNSPEC` or with
/// length 0: that is returned as an unnamed [`SockaddrUnix`](crate::SockaddrUnix).
///
#[doc = man_links!("getsockname", "2")]
#[doc(alias = "Getsockname")]
#[inline]
pub fn getsockname(fd: impl AsFd) -> Result<Sockaddr> {
    let mut storage = SockaddrStorage::uninit();
    sys::getsockname(fd.as_fd(), &mut storage)?;
    codec::decode_name(Layout::NATIVE, storage.as_bytes())
}

/// `getpeername(fd)`: the connected peer's address.
///
/// # Errors
/// ENOTCONN when not connected; otherwise as [`getsockname`].
///
/// # Platforms
/// As [`getsockname`].
///
#[doc = man_links!("getpeername", "2")]
#[doc(alias = "Getpeername")]
#[inline]
pub fn getpeername(fd: impl AsFd) -> Result<Sockaddr> {
    let mut storage = SockaddrStorage::uninit();
    sys::getpeername(fd.as_fd(), &mut storage)?;
    codec::decode_name(Layout::NATIVE, storage.as_bytes())
}

/// `shutdown(fd, how)`: closes one or both directions of a connection.
///
/// # Errors
/// ENOTCONN when not connected.
///
#[doc = man_links!("shutdown", "2")]
#[doc(alias = "Shutdown")]
#[inline]
pub fn shutdown(fd: impl AsFd, how: Shutdown) -> Result<()> {
    let how = match how {
        Shutdown::Read => libc::SHUT_RD,
        Shutdown::Write => libc::SHUT_WR,
        Shutdown::Both => libc::SHUT_RDWR,
    };
    sys::shutdown(fd.as_fd(), how)
}

/// Makes an existing descriptor non-blocking, or blocking again
/// (`O_NONBLOCK` with `fcntl(F_GETFL)`/`fcntl(F_SETFL)`; the other status
/// flags are kept).
///
/// It works on any descriptor, socket or not. The flag belongs to the open
/// file description: descriptors duplicated from this one (`dup`, a
/// descriptor passed with `SCM_RIGHTS`) see the change too.
///
/// ```
/// use bsd_net::*;
/// let (a, _b) = socketpair(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::empty())?;
/// assert!(!nonblocking(&a)?);
/// set_nonblocking(&a, true)?;
/// assert!(nonblocking(&a)?);
/// // Nothing to read: EAGAIN instead of blocking.
/// let mut buf = [0u8; 1];
/// assert_eq!(recv(&a, &mut buf, MsgFlags::empty()), Err(Errno::EAGAIN));
/// set_nonblocking(&a, false)?;
/// assert!(!nonblocking(&a)?);
/// # Ok::<(), Errno>(())
/// ```
///
/// # Errors
/// EBADF for a descriptor that is not open (only reachable through a
/// descriptor closed behind its owner's back).
///
#[doc = man_links!("fcntl", "2")]
#[doc(alias = "SetNonblock")]
#[doc(alias = "O_NONBLOCK")]
#[doc(alias = "F_SETFL")]
#[inline]
pub fn set_nonblocking(fd: impl AsFd, nonblocking: bool) -> Result<()> {
    sys::set_nonblocking(fd.as_fd().as_raw_fd(), nonblocking)
}

/// Whether a descriptor is non-blocking (`O_NONBLOCK` in
/// `fcntl(F_GETFL)`).
///
/// # Errors
/// As [`set_nonblocking`].
///
#[doc = man_links!("fcntl", "2")]
#[doc(alias = "O_NONBLOCK")]
#[doc(alias = "F_GETFL")]
#[inline]
pub fn nonblocking(fd: impl AsFd) -> Result<bool> {
    sys::nonblocking(fd.as_fd().as_raw_fd())
}

/// `recv(fd, buf, flags)`: receives into `buf`; returns the byte count (0 at
/// the end of a stream).
///
/// # Errors
/// EAGAIN (non-blocking, nothing there), ECONNRESET (the peer reset the
/// connection), ENOTCONN (a stream not connected); EINTR.
///
#[doc = man_links!("recv", "2")]
#[inline]
pub fn recv(fd: impl AsFd, buf: &mut [u8], flags: MsgFlags) -> Result<usize> {
    let mut storage = SockaddrStorage::uninit();
    sys::recvfrom(fd.as_fd(), buf, &mut storage, flags.bits())
}

/// `send(fd, buf, flags)`: sends `buf` on a connected socket; returns the
/// byte count. Never raises SIGPIPE: a broken connection is EPIPE.
///
/// # Errors
/// EAGAIN (non-blocking, no room), EPIPE (the connection is gone), EMSGSIZE
/// (a datagram too large), EDESTADDRREQ (a datagram socket with no
/// destination); EINTR.
///
#[doc = man_links!("send", "2")]
#[inline]
pub fn send(fd: impl AsFd, buf: &[u8], flags: MsgFlags) -> Result<usize> {
    sys::sendto(fd.as_fd(), buf, None, flags.bits())
}

/// `recvfrom(fd, buf, flags)`: receives into `buf`; returns the byte count
/// and the sender's address.
///
/// The address is `None` when the kernel gave none (a connected stream) or
/// one of a family this crate does not decode (use [`recvmsg`](crate::recvmsg)
/// and [`RecvMsg::sender_raw`](crate::RecvMsg::sender_raw) for those): the
/// data is never lost to an address it cannot decode.
///
/// # Errors
/// As [`recv`].
///
#[doc = man_links!("recvfrom", "2")]
#[doc(alias = "Recvfrom")]
#[inline]
pub fn recvfrom(fd: impl AsFd, buf: &mut [u8], flags: MsgFlags) -> Result<(usize, Option<Sockaddr>)> {
    let mut storage = SockaddrStorage::uninit();
    let n = sys::recvfrom(fd.as_fd(), buf, &mut storage, flags.bits())?;
    let from = if storage.len() == 0 {
        None
    } else {
        storage.decode().ok()
    };
    Ok((n, from))
}

/// `sendto(fd, buf, to, flags)`: sends `buf` to `to`; returns the byte
/// count. Never raises SIGPIPE.
///
/// # Errors
/// As [`send`]; and the encoding errors of [`Sockaddr::encode`].
///
#[doc = man_links!("sendto", "2")]
#[doc(alias = "Sendto")]
#[inline]
pub fn sendto(fd: impl AsFd, buf: &[u8], to: &Sockaddr, flags: MsgFlags) -> Result<usize> {
    sys::sendto(fd.as_fd(), buf, Some(&to.encode()?), flags.bits())
}
