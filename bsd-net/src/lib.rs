//! The socket half of the BSD system-call layer: socket addresses for every
//! family and platform layout, the socket calls, typed socket options, and
//! `sendmsg`/`recvmsg` with control messages and descriptor passing —
//! without allocating — plus batches of datagrams, for FreeBSD, DragonFly,
//! NetBSD, OpenBSD, Apple and Linux.
//!
//! ```
//! use bsd_net::*;
//! use std::io::{IoSlice, IoSliceMut};
//! use std::os::fd::AsFd;
//!
//! // A UDP socket on loopback, its address, and a datagram to it.
//! let rx = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty())?;
//! let loopback = Sockaddr::from(std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
//! bind(&rx, &loopback)?;
//! let addr = getsockname(&rx)?;
//! let tx = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty())?;
//! bind(&tx, &loopback)?;
//! sendto(&tx, b"hello", &addr, MsgFlags::empty())?;
//! let mut buf = [0u8; 16];
//! let (n, from) = recvfrom(&rx, &mut buf, MsgFlags::empty())?;
//! assert_eq!(&buf[..n], b"hello");
//! assert_eq!(from, Some(getsockname(&tx)?));
//!
//! // A descriptor passed over a unix socketpair: sent borrowed, received
//! // owned, from a control buffer sized at compile time.
//! let (a, b) = socketpair(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::empty())?;
//! let mut space = CmsgSpace::<{ rights_space(1) }>::new();
//! let mut cmsg = CmsgBuf::new(&mut space);
//! cmsg.push_rights(&[tx.as_fd()])?;
//! sendmsg(&a, &[IoSlice::new(b"x")], &cmsg, None, MsgFlags::empty())?;
//!
//! let mut rspace = CmsgSpace::<{ rights_space(1) }>::new();
//! let mut rcmsg = CmsgBuf::new(&mut rspace);
//! let msg = recvmsg(&b, &mut [IoSliceMut::new(&mut buf)], &mut rcmsg, MsgFlags::empty())?;
//! assert_eq!(msg.bytes(), 1);
//! for m in rcmsg.messages() {
//!     if let ControlMessage::Rights(fds) = m {
//!         for fd in fds {
//!             // The same UDP socket, through a new descriptor we own.
//!             assert_eq!(getsockname(&fd)?, getsockname(&tx)?);
//!         }
//!     }
//! }
//! # Ok::<(), Errno>(())
//! ```
//!
//! # What is here
//! - **Addresses** ([`Sockaddr`]): IPv4, IPv6, unix (path, Linux abstract,
//!   unnamed), `AF_LINK` (BSD/Apple), `AF_PACKET` (Linux); conversions with
//!   `std::net`; encoding to the kernel's bytes and decoding from them. The
//!   codec is pure and takes a [`Layout`], so every platform's bytes are
//!   decoded and tested on every host ([`Sockaddr::decode_with`]).
//! - **Calls**: [`socket`], [`socketpair`], [`bind`], [`connect`],
//!   [`listen`], [`accept`], [`getsockname`], [`getpeername`],
//!   [`shutdown`], [`send`], [`recv`], [`sendto`], [`recvfrom`], and
//!   [`set_nonblocking`] for a descriptor made elsewhere. Every
//!   descriptor created is close-on-exec; sends never raise SIGPIPE.
//! - **Options**: [`getsockopt`]/[`setsockopt`] typed (a wrong-length reply
//!   is an error), named helpers ([`set_reuse_addr`], [`set_recv_timeout`],
//!   [`set_linger`], [`join_multicast_v4`], …), [`peer_credentials`], and
//!   raw `unsafe` access.
//! - **Messages**: [`sendmsg`]/[`recvmsg`] with a [`CmsgBuf`] over
//!   caller-owned storage: descriptors, credentials, packet info,
//!   timestamps. Received descriptors are [`OwnedFd`](std::os::fd::OwnedFd)s
//!   the moment they are decoded, and closed if not taken. Truncated
//!   control data (MSG_CTRUNC) still yields what arrived.
//! - **Batches**: [`recv_batch`]/[`send_batch`] over `recvmmsg`/`sendmmsg`.
//!
//! # Platforms
//! FreeBSD, DragonFly, NetBSD, OpenBSD, Apple (macOS, iOS) and Linux
//! (Android rides along). Where a call differs per platform its docs have a
//! `# Platforms` section. What is not portable, and so exists only where
//! the kernel has it:
//! - abstract unix addresses (`SockaddrUnix::new_abstract`): Linux;
//! - `set_pass_credentials`: Linux, FreeBSD, NetBSD; sender-side
//!   credentials ([`CmsgBuf::push_credentials`]) on Linux, FreeBSD and
//!   DragonFly (EOPNOTSUPP elsewhere);
//! - `IP_PKTINFO` ([`CmsgBuf::push_ipv4_packet_info`]): Linux, Apple,
//!   NetBSD; the other BSDs report `IP_RECVDSTADDR`;
//! - `nosigpipe`/`set_nosigpipe`: Apple, FreeBSD, DragonFly, NetBSD.
//!
//! Apple's `SO_NOSIGPIPE` is set on the sockets this crate creates; a
//! socket created elsewhere and used for sends here keeps its own SIGPIPE
//! behaviour on Apple.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[macro_use]
mod macros;

mod addr;
mod batch;
mod cmsg;
mod layout;
mod msg;
mod socket;
mod sockopt;
mod sys;

/// Entry points for fuzzing the pure decoders and the descriptor-owning
/// decoder that the public API only reaches through system calls. Not part
/// of the stable API.
#[doc(hidden)]
pub mod fuzzing {
    use crate::{CmsgBuf, Errno, Layout, Result, Sockaddr, SockaddrStorage};

    /// What `getsockname`/`getpeername` decode for `layout` (DragonFly's
    /// `AF_UNSPEC` unix quirk included).
    pub fn decode_name(layout: Layout, bytes: &[u8]) -> Result<Sockaddr> {
        crate::addr::codec::decode_name(layout, bytes)
    }

    /// What `accept` decodes for `layout` (Apple's zero-length quirk
    /// included).
    pub fn decode_accepted(layout: Layout, bytes: &[u8]) -> Result<Sockaddr> {
        crate::addr::codec::decode_accepted(layout, bytes)
    }

    /// A [`SockaddrStorage`] as a call that returns an address leaves it:
    /// the kernel wrote `bytes` (the rest of the 128 bytes zero) and
    /// reported `reported_len`, which may exceed what fits (the length is
    /// then clamped to 128).
    pub fn kernel_filled_storage(bytes: &[u8], reported_len: libc::socklen_t) -> SockaddrStorage {
        SockaddrStorage::kernel_filled(bytes, reported_len)
    }

    /// Puts `bytes` in `cmsg` as if `recvmsg` had just received them as
    /// control data (MSG_CTRUNC if `truncated`): what is left of a
    /// previous receive is closed first, and from then on the buffer owns
    /// the descriptors in its `SCM_RIGHTS` messages, exactly as after a real
    /// receive.
    ///
    /// # Safety
    /// Every non-negative number in the `SCM_RIGHTS` payloads of `bytes`,
    /// as [`RawCmsgs`](crate::RawCmsgs) parses them with
    /// [`Layout::NATIVE`], must be an open descriptor that the caller owns
    /// and gives up, each named once.
    ///
    /// # Errors
    /// EINVAL: `cmsg` is not of the native layout; ENOBUFS: `bytes` do not
    /// fit its storage.
    pub unsafe fn receive_control(cmsg: &mut CmsgBuf<'_>, bytes: &[u8], truncated: bool) -> Result<()> {
        let storage = cmsg.recv_storage()?;
        let dst = storage.get_mut(..bytes.len()).ok_or(Errno::ENOBUFS)?;
        dst.copy_from_slice(bytes);
        cmsg.set_received(bytes.len(), truncated);
        Ok(())
    }
}

pub use addr::{
    Sockaddr, SockaddrDatalink, SockaddrInet4, SockaddrInet6, SockaddrLinkLayer, SockaddrStorage, SockaddrUnix,
    UnixAddrKind,
};
pub use batch::{recv_batch, send_batch, BatchMsg, RecvBatch, SendBatch};
pub use bsd_errno::{Errno, Result};
pub use cmsg::{
    cmsg_len, cmsg_space, rights_space, CmsgBuf, CmsgSpace, ControlMessage, Ipv4PacketInfo, Ipv6PacketInfo, Messages,
    RawCmsg, RawCmsgs, RawRights, Rights, Timestamp, UnixCredentials, CREDENTIALS_SPACE, CRED_GROUPS_MAX,
};
pub use layout::{Layout, Os};
pub use msg::{recvmsg, sendmsg, MsgFlags, RecvMsg};
pub use socket::{
    accept, accept_raw, bind, connect, getpeername, getsockname, listen, nonblocking, recv, recvfrom, send, sendto,
    set_nonblocking, shutdown, socket, socket_with_protocol, socketpair, AddressFamily, Shutdown, SocketFlags,
    SocketType,
};
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "netbsd"
))]
pub use sockopt::set_pass_credentials;
pub use sockopt::{
    broadcast, getsockopt, getsockopt_raw, icmp6_filter, join_multicast_v4, join_multicast_v6, keepalive,
    leave_multicast_v4, leave_multicast_v6, linger, multicast_hops_v6, multicast_if_v4, multicast_loop_v4,
    multicast_loop_v6, multicast_ttl_v4, nodelay, only_v6, path_mtu_v6, peer_credentials, recv_buffer_size,
    recv_packet_info_v4, recv_packet_info_v6, recv_timeout, reuse_addr, reuse_port, send_buffer_size, send_timeout,
    set_broadcast, set_icmp6_filter, set_keepalive, set_linger, set_multicast_hops_v6, set_multicast_if_v4,
    set_multicast_loop_v4, set_multicast_loop_v6, set_multicast_ttl_v4, set_nodelay, set_only_v6, set_recv_buffer_size,
    set_recv_packet_info_v4, set_recv_packet_info_v6, set_recv_timeout, set_reuse_addr, set_reuse_port,
    set_send_buffer_size, set_send_timeout, set_timestamp, set_ttl, set_unicast_hops_v6, setsockopt, setsockopt_raw,
    socket_error, socket_type, timestamp, ttl, unicast_hops_v6, Icmp6Filter, IpMreq, Ipv6Mreq, Ipv6MtuInfo, Linger,
    PeerCred, SockOpt,
};
#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd"
))]
pub use sockopt::{nosigpipe, set_nosigpipe};
