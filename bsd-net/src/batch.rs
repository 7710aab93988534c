//! Batches: many datagrams in one call — `recvmmsg`/`sendmmsg` on Linux,
//! FreeBSD, NetBSD and OpenBSD, a loop on DragonFly and Apple — behind one
//! API, with reusable, allocation-free state.

use crate::addr::{Sockaddr, SockaddrStorage};
use crate::msg::MsgFlags;
use crate::sys::{self, MmsgHdr};
use bsd_errno::{Errno, Result};
use core::fmt;
use std::io::{IoSlice, IoSliceMut};
use std::os::fd::AsFd;

/// Reusable state for [`recv_batch`] of up to `N` datagrams: the kernel's
/// message headers and a sender address per message, inline (no
/// allocation; box it for a large `N`).
///
/// Every header's name length, control length and buffer pointer are set
/// afresh before each call, so reusing the state is always safe (the
/// pitfall of reused `mmsghdr`s, whose lengths the kernel overwrites).
///
#[doc = man_links!("recvmmsg", "2")]
pub struct RecvBatch<const N: usize> {
    hdrs: [MmsgHdr; N],
    names: [SockaddrStorage; N],
    count: usize,
}

impl<const N: usize> RecvBatch<N> {
    /// Empty state.
    #[must_use]
    pub fn new() -> Self {
        RecvBatch {
            // SAFETY: mmsghdr is plain data (integers and raw pointers) for
            // which all-zero bytes are valid.
            hdrs: [unsafe { core::mem::zeroed() }; N],
            names: [SockaddrStorage::uninit(); N],
            count: 0,
        }
    }

    /// How many messages the last [`recv_batch`] received.
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the last call received nothing (or there was none).
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Message `i` of the last call: its byte count, flags and sender.
    #[must_use]
    pub fn get(&self, i: usize) -> Option<BatchMsg<'_>> {
        if i >= self.count {
            return None;
        }
        let h = self.hdrs.get(i)?;
        Some(BatchMsg {
            bytes: sys::mmsg_len(h),
            flags: MsgFlags::from_bits_retain(h.msg_hdr.msg_flags),
            name: self.names.get(i)?,
        })
    }

    /// The messages of the last call, in order.
    pub fn iter(&self) -> impl Iterator<Item = BatchMsg<'_>> + '_ {
        (0..self.count).filter_map(move |i| self.get(i))
    }
}

impl<const N: usize> Default for RecvBatch<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Debug for RecvBatch<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecvBatch")
            .field("capacity", &N)
            .field("messages", &self.iter().collect::<Vec<_>>())
            .finish()
    }
}

/// One message of a batch receive.
#[derive(Clone, Copy)]
pub struct BatchMsg<'a> {
    bytes: usize,
    flags: MsgFlags,
    name: &'a SockaddrStorage,
}

impl BatchMsg<'_> {
    /// Bytes received into the message's buffer.
    #[inline]
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The message's flags (MSG_TRUNC when it did not fit its buffer).
    #[inline]
    #[must_use]
    pub fn flags(&self) -> MsgFlags {
        self.flags
    }

    /// The sender (`None` if the kernel gave none, or a family this crate
    /// does not decode: see [`sender_raw`](Self::sender_raw)).
    #[must_use]
    pub fn sender(&self) -> Option<Sockaddr> {
        self.sender_raw().and_then(|s| s.decode().ok())
    }

    /// The sender as the kernel wrote it.
    #[must_use]
    pub fn sender_raw(&self) -> Option<&SockaddrStorage> {
        if self.name.len() == 0 {
            None
        } else {
            Some(self.name)
        }
    }
}

impl fmt::Debug for BatchMsg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchMsg")
            .field("bytes", &self.bytes)
            .field("flags", &self.flags)
            .field("sender", &self.sender())
            .finish()
    }
}

/// Receives up to `min(N, bufs.len())` datagrams, message `i` into
/// `bufs[i]`; returns how many arrived (their sizes, flags and senders are
/// in `batch`).
///
/// Blocks (unless the socket is non-blocking or `flags` has DONTWAIT) until
/// one datagram is there, then takes what else is already queued without
/// waiting (`MSG_WAITFORONE`). Control messages are not received in
/// batches (a message that had some reports MSG_CTRUNC).
///
/// ```
/// use bsd_net::*;
/// use std::io::{IoSlice, IoSliceMut};
/// let rx = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty())?;
/// bind(&rx, &"127.0.0.1:0".parse::<std::net::SocketAddr>().unwrap().into())?;
/// let to = getsockname(&rx)?;
/// let tx = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty())?;
/// bind(&tx, &"127.0.0.1:0".parse::<std::net::SocketAddr>().unwrap().into())?;
///
/// let mut out = SendBatch::<4>::new();
/// let msgs = [IoSlice::new(b"one"), IoSlice::new(b"two")];
/// assert_eq!(send_batch(&tx, &mut out, &msgs, &[to], MsgFlags::empty())?, 2);
///
/// let mut bufs = [[0u8; 16]; 4];
/// let mut iov = bufs.each_mut().map(|b| IoSliceMut::new(b));
/// let mut batch = RecvBatch::<4>::new();
/// let n = recv_batch(&rx, &mut batch, &mut iov, MsgFlags::empty())?;
/// assert!(n >= 1);
/// let first = batch.get(0).unwrap();
/// assert_eq!(first.bytes(), 3);
/// assert_eq!(first.sender(), Some(getsockname(&tx)?));
/// drop(iov);
/// assert_eq!(&bufs[0][..3], b"one");
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
///
/// # Errors
/// - EINVAL: `bufs` is empty.
/// - EAGAIN: non-blocking and nothing queued; and the errors of
///   [`recvmsg`](crate::recvmsg) for the first message. An error after the
///   first message ends the batch; it shows up on the next call.
///
/// # Platforms
/// `recvmmsg` on Linux, FreeBSD, NetBSD and OpenBSD; on DragonFly and Apple
/// a loop of `recvmsg`, the first as asked and the rest non-blocking.
///
#[doc = man_links!("recvmmsg", "2")]
#[doc(alias = "recvmmsg")]
pub fn recv_batch<const N: usize>(
    fd: impl AsFd,
    batch: &mut RecvBatch<N>,
    bufs: &mut [IoSliceMut<'_>],
    flags: MsgFlags,
) -> Result<usize> {
    let n = N.min(bufs.len());
    if n == 0 {
        return Err(Errno::EINVAL);
    }
    batch.count = 0;
    for ((h, name), buf) in batch.hdrs.iter_mut().zip(batch.names.iter_mut()).zip(bufs.iter_mut()) {
        *name = SockaddrStorage::uninit();
        let hdr = sys::msghdr(
            name.as_mut_ptr(),
            SockaddrStorage::capacity(),
            (buf as *mut IoSliceMut<'_>).cast(),
            1,
            core::ptr::null_mut(),
            0,
        )?;
        h.msg_hdr = hdr;
        h.msg_len = 0;
    }
    let hdrs = batch.hdrs.get_mut(..n).ok_or(Errno::EINVAL)?;
    let got = sys::recvmmsg(fd.as_fd(), hdrs, flags.bits() | sys::BATCH_RECV_FLAGS)?.min(n);
    for (h, name) in batch.hdrs.iter().zip(batch.names.iter_mut()).take(got) {
        // SAFETY: the kernel initialized min(msg_namelen, capacity) bytes.
        unsafe { name.set_len(h.msg_hdr.msg_namelen) };
    }
    batch.count = got;
    Ok(got)
}

/// Reusable state for [`send_batch`] of up to `N` datagrams: the kernel's
/// message headers and an encoded destination per message, inline.
///
#[doc = man_links!("sendmmsg", "2")]
pub struct SendBatch<const N: usize> {
    hdrs: [MmsgHdr; N],
    names: [SockaddrStorage; N],
    count: usize,
}

impl<const N: usize> SendBatch<N> {
    /// Empty state.
    #[must_use]
    pub fn new() -> Self {
        SendBatch {
            // SAFETY: mmsghdr is plain data (integers and raw pointers) for
            // which all-zero bytes are valid.
            hdrs: [unsafe { core::mem::zeroed() }; N],
            names: [SockaddrStorage::uninit(); N],
            count: 0,
        }
    }

    /// How many messages the last [`send_batch`] sent.
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the last call sent nothing (or there was none).
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Bytes the kernel took from message `i` of the last call.
    #[must_use]
    pub fn sent(&self, i: usize) -> Option<usize> {
        if i >= self.count {
            return None;
        }
        self.hdrs.get(i).map(sys::mmsg_len)
    }
}

impl<const N: usize> Default for SendBatch<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Debug for SendBatch<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sent: Vec<_> = (0..self.count).filter_map(|i| self.sent(i)).collect();
        f.debug_struct("SendBatch")
            .field("capacity", &N)
            .field("sent", &sent)
            .finish()
    }
}

/// Sends up to `min(N, bufs.len())` datagrams, message `i` from `bufs[i]`;
/// returns how many the kernel took (send `bufs[count..]` again for the
/// rest). Never raises SIGPIPE.
///
/// `to` is empty (a connected socket), one address for every message, or
/// one address per message.
///
/// # Errors
/// - EINVAL: `bufs` is empty, or `to` has another length than 0, 1 or
///   `bufs.len()`.
/// - The encoding errors of [`Sockaddr::encode`]; the errors of
///   [`sendmsg`](crate::sendmsg) for the first message. An error after the
///   first message ends the batch.
///
/// # Platforms
/// `sendmmsg` on Linux, FreeBSD, NetBSD and OpenBSD; a loop of `sendmsg`
/// on DragonFly and Apple.
///
#[doc = man_links!("sendmmsg", "2")]
#[doc(alias = "sendmmsg")]
pub fn send_batch<const N: usize>(
    fd: impl AsFd,
    batch: &mut SendBatch<N>,
    bufs: &[IoSlice<'_>],
    to: &[Sockaddr],
    flags: MsgFlags,
) -> Result<usize> {
    let n = N.min(bufs.len());
    if n == 0 || !(to.len() <= 1 || to.len() == bufs.len()) {
        return Err(Errno::EINVAL);
    }
    batch.count = 0;
    let shared = match to {
        [one] => Some(one.encode()?),
        _ => None,
    };
    for (i, ((h, name), buf)) in batch
        .hdrs
        .iter_mut()
        .zip(batch.names.iter_mut())
        .zip(bufs.iter())
        .enumerate()
    {
        let (name_ptr, name_len) = if to.is_empty() {
            (core::ptr::null_mut(), 0)
        } else {
            *name = match (&shared, to.get(i)) {
                (Some(s), _) => *s,
                (None, Some(a)) => a.encode()?,
                (None, None) => return Err(Errno::EINVAL),
            };
            (name.as_mut_ptr(), name.len())
        };
        h.msg_hdr = sys::msghdr(
            name_ptr,
            name_len,
            (buf as *const IoSlice<'_>).cast_mut().cast(),
            1,
            core::ptr::null_mut(),
            0,
        )?;
        h.msg_len = 0;
    }
    let hdrs = batch.hdrs.get_mut(..n).ok_or(Errno::EINVAL)?;
    let sent = sys::sendmmsg(fd.as_fd(), hdrs, flags.bits())?.min(n);
    batch.count = sent;
    Ok(sent)
}
