//! `sendmsg` and `recvmsg`: scatter/gather I/O with control messages and
//! addresses, without allocating.

use crate::addr::{Sockaddr, SockaddrStorage};
use crate::cmsg::CmsgBuf;
use crate::sys;
use bsd_errno::Result;
use core::fmt;
use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{AsFd, BorrowedFd};

bitflags::bitflags! {
    /// `MSG_*` flags: what a send or receive call is asked to do, and what a
    /// received message reports ([`RecvMsg::flags`]).
    ///
    /// Unknown bits are kept: what the kernel returns is never lost.
    /// `MSG_NOSIGNAL` (on sends) and `MSG_CMSG_CLOEXEC` (on receives) are
    /// always added by this crate and need not be given.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct MsgFlags: libc::c_int {
        /// Out-of-band data.
        const OOB = libc::MSG_OOB;
        /// Receive without removing the data from the queue.
        const PEEK = libc::MSG_PEEK;
        /// Bypass routing: send only to directly connected hosts.
        const DONTROUTE = libc::MSG_DONTROUTE;
        /// End of record (`SOCK_SEQPACKET`).
        const EOR = libc::MSG_EOR;
        /// Received: the datagram was longer than the buffer and was cut.
        /// Asked on Linux: return the real length of the datagram.
        const TRUNC = libc::MSG_TRUNC;
        /// Received: control data was cut for lack of buffer space.
        const CTRUNC = libc::MSG_CTRUNC;
        /// Wait for the full request.
        const WAITALL = libc::MSG_WAITALL;
        /// Do not block, for this call only.
        const DONTWAIT = libc::MSG_DONTWAIT;
        /// Receive from the error queue (Linux).
        #[cfg(any(target_os = "linux", target_os = "android"))]
        #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
        const ERRQUEUE = libc::MSG_ERRQUEUE;
        const _ = !0;
    }
}

/// What [`recvmsg`] received: byte count, flags, control length, sender.
#[derive(Clone, Copy)]
pub struct RecvMsg {
    bytes: usize,
    flags: MsgFlags,
    control_len: usize,
    name: SockaddrStorage,
}

impl RecvMsg {
    /// Bytes received into the buffers (0 at the end of a stream).
    #[inline]
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The message's flags (`msg_flags`).
    #[inline]
    #[must_use]
    pub fn flags(&self) -> MsgFlags {
        self.flags
    }

    /// MSG_TRUNC: the datagram did not fit the buffers and was cut.
    #[inline]
    #[must_use]
    pub fn is_truncated(&self) -> bool {
        self.flags.contains(MsgFlags::TRUNC)
    }

    /// MSG_CTRUNC: the control data did not fit the control buffer. What did
    /// fit is still in it (descriptors included, owned by it).
    #[inline]
    #[must_use]
    pub fn is_control_truncated(&self) -> bool {
        self.flags.contains(MsgFlags::CTRUNC)
    }

    /// Bytes of control data the kernel filled.
    #[inline]
    #[must_use]
    pub fn control_len(&self) -> usize {
        self.control_len
    }

    /// The sender's address: `None` when the kernel gave none (a connected
    /// stream, a `socketpair`) or one of a family this crate does not
    /// decode ([`sender_raw`](Self::sender_raw) has its bytes).
    #[must_use]
    pub fn sender(&self) -> Option<Sockaddr> {
        self.sender_raw().and_then(|s| s.decode().ok())
    }

    /// The sender's address as the kernel wrote it, if it wrote one.
    #[must_use]
    pub fn sender_raw(&self) -> Option<&SockaddrStorage> {
        if self.name.len() == 0 {
            None
        } else {
            Some(&self.name)
        }
    }
}

impl fmt::Debug for RecvMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecvMsg")
            .field("bytes", &self.bytes)
            .field("flags", &self.flags)
            .field("control_len", &self.control_len)
            .field("sender", &self.sender())
            .finish()
    }
}

fn is_datagram(fd: BorrowedFd<'_>) -> Result<bool> {
    Ok(crate::sockopt::socket_type(fd)? == crate::SocketType::DGRAM)
}

/// `sendmsg(fd, msg, flags)`: sends the buffers `iov`, the control messages
/// encoded in `control`, to `to` (or the connected peer). Returns the bytes
/// sent. Allocates nothing; never raises SIGPIPE.
///
/// When there is control data but no data, on a socket that is not a
/// datagram socket, one dummy zero byte is sent with it (a stream cannot
/// carry control data alone) and 0 is returned — as Go's `syscall.SendmsgN`
/// does. [`recvmsg`] consumes that byte the same way.
///
/// # Errors
/// - EINVAL: `control` was built for another [`Layout`](crate::Layout).
/// - EMSGSIZE: too many buffers, or a datagram too large.
/// - EBADF: a descriptor in a control message that is not open.
/// - EDESTADDRREQ: a datagram socket with no destination.
/// - EAGAIN, EPIPE as [`send`](crate::send); EINTR.
/// - The encoding errors of [`Sockaddr::encode`].
///
#[doc = man_links!("sendmsg", "2")]
#[doc(alias = "Sendmsg")]
#[doc(alias = "SendmsgN")]
#[inline]
pub fn sendmsg(
    fd: impl AsFd,
    iov: &[IoSlice<'_>],
    control: &CmsgBuf<'_>,
    to: Option<&Sockaddr>,
    flags: MsgFlags,
) -> Result<usize> {
    let fd = fd.as_fd();
    let control = control.send_bytes()?;
    let storage;
    let to = match to {
        Some(a) => {
            storage = a.encode()?;
            Some(&storage)
        }
        None => None,
    };
    if !control.is_empty() && iov.iter().all(|b| b.is_empty()) && !is_datagram(fd)? {
        let dummy = [0u8];
        sys::sendmsg(fd, &[IoSlice::new(&dummy)], control, to, flags.bits())?;
        return Ok(0);
    }
    sys::sendmsg(fd, iov, control, to, flags.bits())
}

/// `recvmsg(fd, msg, flags)`: receives into the buffers `iov` and the
/// control buffer `control`. Allocates nothing.
///
/// The returned [`RecvMsg`] has the byte count, the flags (MSG_TRUNC and
/// MSG_CTRUNC readable), the control length and the sender; the control
/// messages are decoded from `control` with [`CmsgBuf::messages`].
/// Received descriptors are close-on-exec and owned by `control` until
/// taken; whatever a previous receive left in `control` is closed first.
///
/// When the buffers are all empty but `control` is not, on a socket that
/// is not a datagram socket, one byte is received into a dummy (the byte
/// [`sendmsg`] sends with control-only messages) and 0 is reported.
///
/// # Errors
/// - EINVAL: `control` was built for another [`Layout`](crate::Layout).
/// - EMSGSIZE: too many buffers (OpenBSD also reports a control buffer too
///   small for the descriptors sent this way, after closing them).
/// - EAGAIN (nothing there, non-blocking or DONTWAIT); EINTR.
///
/// # Platforms
/// Linux delivers the descriptors that fit and closes the rest; Apple and
/// FreeBSD leave `cmsg_len` untruncated, which the decoder clamps. Size the
/// control buffer for what the peer sends ([`rights_space`](crate::rights_space)).
///
#[doc = man_links!("recvmsg", "2")]
#[doc(alias = "Recvmsg")]
#[inline]
pub fn recvmsg(
    fd: impl AsFd,
    iov: &mut [IoSliceMut<'_>],
    control: &mut CmsgBuf<'_>,
    flags: MsgFlags,
) -> Result<RecvMsg> {
    let fd = fd.as_fd();
    // Built in place: the kernel writes the sender straight into it.
    let mut out = RecvMsg {
        bytes: 0,
        flags: MsgFlags::empty(),
        control_len: 0,
        name: SockaddrStorage::uninit(),
    };
    let storage = control.recv_storage()?;
    let dummy_read = !storage.is_empty() && iov.iter().all(|b| b.is_empty()) && !is_datagram(fd)?;
    let r = if dummy_read {
        let mut dummy = [0u8];
        let r = sys::recvmsg(
            fd,
            &mut [IoSliceMut::new(&mut dummy)],
            storage,
            &mut out.name,
            flags.bits(),
        )?;
        sys::Received { bytes: 0, ..r }
    } else {
        sys::recvmsg(fd, iov, storage, &mut out.name, flags.bits())?
    };
    out.bytes = r.bytes;
    out.flags = MsgFlags::from_bits_retain(r.flags);
    out.control_len = r.control_len;
    control.set_received(r.control_len, out.flags.contains(MsgFlags::CTRUNC));
    Ok(out)
}
