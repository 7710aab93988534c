//! Control messages (ancillary data): [`CmsgBuf`], caller-owned storage that
//! encodes what [`sendmsg`](crate::sendmsg) sends and decodes what
//! [`recvmsg`](crate::recvmsg) received, without allocating.
//!
//! Received descriptors are [`OwnedFd`]s the moment they are decoded; every
//! descriptor that arrived and was not taken is closed — when its
//! [`Rights`] is dropped, when the [`Messages`] iterator is dropped half-way,
//! or at the latest when the [`CmsgBuf`] is reused or dropped.
//!
//! The framing and payload codecs (`wire.rs`) are pure over bytes and take a
//! [`Layout`]; [`RawCmsgs`] exposes them for any platform's bytes.

#[cfg(test)]
mod tests;
pub(crate) mod wire;

use crate::layout::Layout;
use crate::sys;
use bsd_errno::{Errno, Result};
use core::fmt;
use core::marker::PhantomData;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How many supplementary groups [`UnixCredentials`] keeps (`CMGROUP_MAX`).
pub const CRED_GROUPS_MAX: usize = 16;

/// `CMSG_SPACE(payload_len)` on this platform: the control-buffer space a
/// message with `payload_len` bytes of payload takes. Usable in const
/// context, so a buffer is sized at compile time:
///
/// ```
/// use bsd_net::{cmsg_space, CmsgSpace};
/// let space: CmsgSpace<{ cmsg_space(12) }> = CmsgSpace::new();
/// # let _ = space;
/// ```
#[inline]
#[must_use]
#[doc(alias = "CMSG_SPACE")]
#[doc(alias = "CmsgSpace")]
pub const fn cmsg_space(payload_len: usize) -> usize {
    Layout::NATIVE.cmsg_space(payload_len)
}

/// `CMSG_LEN(payload_len)` on this platform: the `cmsg_len` of a message
/// with `payload_len` bytes of payload.
#[inline]
#[must_use]
#[doc(alias = "CMSG_LEN")]
#[doc(alias = "CmsgLen")]
pub const fn cmsg_len(payload_len: usize) -> usize {
    Layout::NATIVE.cmsg_len(payload_len)
}

/// The control-buffer space of an `SCM_RIGHTS` message carrying `fds`
/// descriptors.
///
/// Like [`cmsg_space`] and [`cmsg_len`], it saturates at `usize::MAX` for
/// counts no buffer could hold, rather than wrapping to a small size;
/// pushing that many into a [`CmsgBuf`] is ENOBUFS.
#[inline]
#[must_use]
pub const fn rights_space(fds: usize) -> usize {
    cmsg_space(fds.saturating_mul(core::mem::size_of::<RawFd>()))
}

/// The control-buffer space of the largest credentials message this
/// platform delivers with up to [`CRED_GROUPS_MAX`] groups (0 on OpenBSD and
/// Apple, which have none).
pub const CREDENTIALS_SPACE: usize = {
    let p = wire::credentials_payload_max(Layout::NATIVE);
    if p == 0 {
        0
    } else {
        cmsg_space(p)
    }
};

/// Aligned, zeroed storage of `N` bytes for a [`CmsgBuf`], on the stack or
/// (boxed) on the heap.
///
/// ```
/// use bsd_net::{rights_space, CmsgBuf, CmsgSpace};
/// // Room for three descriptors, sized at compile time.
/// let mut space = CmsgSpace::<{ rights_space(3) }>::new();
/// let cmsg = CmsgBuf::new(&mut space);
/// assert_eq!(cmsg.capacity(), rights_space(3));
/// ```
#[repr(C, align(16))]
#[derive(Clone)]
pub struct CmsgSpace<const N: usize> {
    bytes: [u8; N],
}

impl<const N: usize> CmsgSpace<N> {
    /// `N` zero bytes.
    #[inline]
    #[must_use]
    pub const fn new() -> Self {
        CmsgSpace { bytes: [0; N] }
    }
}

impl<const N: usize> Default for CmsgSpace<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> AsMut<[u8]> for CmsgSpace<N> {
    fn as_mut(&mut self) -> &mut [u8] {
        &mut self.bytes
    }
}

impl<const N: usize> fmt::Debug for CmsgSpace<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CmsgSpace<{N}>")
    }
}

/// Caller-owned control-message storage: an encoder for what
/// [`sendmsg`](crate::sendmsg) sends and the receiver of what
/// [`recvmsg`](crate::recvmsg) delivers.
///
/// It borrows its storage (a [`CmsgSpace`], an array, a `Vec`…) and the
/// descriptors pushed into it, for `'a`; nothing is allocated. Pushing a
/// message that does not fit is ENOBUFS and leaves the buffer as it was —
/// never a partial message.
///
/// ```
/// use bsd_net::*;
/// use std::io::{IoSlice, IoSliceMut, Read, Write};
/// use std::os::fd::AsFd;
/// use std::os::unix::net::UnixStream;
///
/// let (a, b) = socketpair(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::empty())?;
/// let (mine, theirs) = UnixStream::pair()?;
///
/// let mut space = CmsgSpace::<{ rights_space(1) }>::new();
/// let mut cmsg = CmsgBuf::new(&mut space);
/// cmsg.push_rights(&[theirs.as_fd()])?;
/// sendmsg(&a, &[IoSlice::new(b"fd")], &cmsg, None, MsgFlags::empty())?;
/// drop(cmsg);
/// drop(theirs); // the message in flight holds its own reference
///
/// let mut buf = [0u8; 16];
/// let mut rspace = CmsgSpace::<{ rights_space(1) }>::new();
/// let mut rcmsg = CmsgBuf::new(&mut rspace);
/// let msg = recvmsg(&b, &mut [IoSliceMut::new(&mut buf)], &mut rcmsg, MsgFlags::empty())?;
/// assert_eq!(&buf[..msg.bytes()], b"fd");
/// for m in rcmsg.messages() {
///     if let ControlMessage::Rights(fds) = m {
///         for fd in fds {
///             // An OwnedFd (close-on-exec): the other end of `mine`.
///             let mut received = UnixStream::from(fd);
///             (&mine).write_all(b"hi")?;
///             let mut got = [0u8; 2];
///             received.read_exact(&mut got)?;
///             assert_eq!(&got, b"hi");
///         }
///     }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
#[doc = man_links!("CMSG_DATA", "3", "cmsg", "3")]
pub struct CmsgBuf<'a> {
    buf: &'a mut [u8],
    len: usize,
    layout: Layout,
    /// The bytes were written by the kernel (`recvmsg`).
    received: bool,
    /// Received descriptors may still be in the buffer.
    pending: bool,
    /// The kernel reported MSG_CTRUNC.
    truncated: bool,
    _fds: PhantomData<BorrowedFd<'a>>,
}

impl<'a> CmsgBuf<'a> {
    /// A buffer over `storage`, for this platform's kernel. The start is
    /// aligned for `cmsghdr` (a few bytes may be skipped if `storage` is
    /// not; a [`CmsgSpace`] never is).
    #[inline]
    pub fn new<S: AsMut<[u8]> + ?Sized>(storage: &'a mut S) -> Self {
        Self::with_layout(storage, Layout::NATIVE)
    }

    /// A buffer over `storage` that encodes and parses `layout`'s format
    /// (pure: for tests and tools). The system calls only accept buffers of
    /// [`Layout::NATIVE`].
    #[inline]
    pub fn with_layout<S: AsMut<[u8]> + ?Sized>(storage: &'a mut S, layout: Layout) -> Self {
        let storage = storage.as_mut();
        let skip = storage.as_ptr().align_offset(layout.cmsg_alignment());
        let buf = storage.get_mut(skip..).unwrap_or_default();
        CmsgBuf {
            buf,
            len: 0,
            layout,
            received: false,
            pending: false,
            truncated: false,
            _fds: PhantomData,
        }
    }

    /// A buffer with no storage: no control data.
    #[inline]
    #[must_use]
    pub fn empty() -> CmsgBuf<'static> {
        CmsgBuf {
            buf: Default::default(),
            len: 0,
            layout: Layout::NATIVE,
            received: false,
            pending: false,
            truncated: false,
            _fds: PhantomData,
        }
    }

    /// The layout this buffer encodes and parses.
    #[inline]
    #[must_use]
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The storage's usable size in bytes.
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// How many bytes are encoded, or were received.
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the buffer holds no control data.
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The encoded or received bytes. Descriptors already taken from a
    /// received buffer read as -1.
    #[inline]
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// Whether the kernel truncated the received control data (MSG_CTRUNC):
    /// the buffer was too small for everything that was sent.
    #[inline]
    #[must_use]
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// Empties the buffer, closing any received descriptor not yet taken.
    #[inline]
    pub fn clear(&mut self) {
        if self.pending {
            self.close_pending();
        }
        self.len = 0;
        self.received = false;
        self.truncated = false;
    }

    /// Appends an `SCM_RIGHTS` message passing `fds`. The descriptors stay
    /// borrowed for as long as the buffer lives.
    ///
    /// # Errors
    /// ENOBUFS: the message does not fit ([`rights_space`] gives the room
    /// needed); the buffer is left as it was.
    #[doc(alias = "UnixRights")]
    #[doc(alias = "SCM_RIGHTS")]
    #[inline]
    pub fn push_rights(&mut self, fds: &[BorrowedFd<'a>]) -> Result<()> {
        self.start_encoding();
        let (level, kind) = (self.layout.sol_socket(), self.layout.scm_rights());
        let n = fds.len().checked_mul(4).ok_or(Errno::ENOBUFS)?;
        wire::push(self.layout, self.buf, &mut self.len, level, kind, n, |p| {
            for (slot, fd) in p.chunks_exact_mut(4).zip(fds) {
                slot.copy_from_slice(&fd.as_raw_fd().to_ne_bytes());
            }
        })
    }

    /// Appends the calling process's credentials, for a receiver to check:
    /// `SCM_CREDENTIALS` with this process's pid, uid and gid on Linux (the
    /// receiver must enable `set_pass_credentials`), `SCM_CREDS` that the
    /// kernel fills in on FreeBSD and DragonFly.
    ///
    /// # Errors
    /// - EOPNOTSUPP: no sender-side credentials message on this platform
    ///   (NetBSD: the receiver sets `set_pass_credentials` instead;
    ///   OpenBSD and Apple: use [`peer_credentials`]).
    /// - ENOBUFS: it does not fit.
    ///
    /// [`peer_credentials`]: crate::peer_credentials
    #[doc(alias = "UnixCredentials")]
    #[doc(alias = "SCM_CREDENTIALS")]
    #[doc(alias = "SCM_CREDS")]
    pub fn push_credentials(&mut self) -> Result<()> {
        // SAFETY: these calls cannot fail and touch no memory of ours.
        let ids = unsafe { (libc::getpid(), libc::getuid(), libc::getgid()) };
        self.push_creds(ids)
    }

    /// Appends an `SCM_CREDENTIALS` message with the given ids (Linux; the
    /// kernel accepts other ids than the sender's own only from a
    /// privileged sender).
    ///
    /// # Errors
    /// - EOPNOTSUPP: not the Linux format (on FreeBSD and DragonFly the
    ///   kernel writes the credentials itself: use
    ///   [`push_credentials`](Self::push_credentials)).
    /// - ENOBUFS: it does not fit.
    pub fn push_credentials_as(&mut self, pid: libc::pid_t, uid: libc::uid_t, gid: libc::gid_t) -> Result<()> {
        if !matches!(
            self.layout.scm_creds_send(),
            Some((_, crate::layout::CredFormat::Ucred))
        ) {
            return Err(Errno::EOPNOTSUPP);
        }
        self.push_creds((pid, uid, gid))
    }

    fn push_creds(&mut self, ids: (libc::pid_t, libc::uid_t, libc::gid_t)) -> Result<()> {
        let (kind, n, payload) = wire::credentials_payload(self.layout, ids)?;
        self.start_encoding();
        let level = self.layout.sol_socket();
        wire::push(self.layout, self.buf, &mut self.len, level, kind, n, |p| {
            p.copy_from_slice(payload.get(..n).unwrap_or_default());
        })
    }

    /// Appends `IP_PKTINFO`: on a UDP send, the interface and source address
    /// to use.
    ///
    /// # Platforms
    /// Linux, Apple and NetBSD. NetBSD's `in_pktinfo` has one address: the
    /// source, taken from `spec_dst` (or `addr` when `spec_dst` is
    /// unspecified).
    ///
    /// # Errors
    /// - EOPNOTSUPP: FreeBSD, DragonFly and OpenBSD have no `IP_PKTINFO`.
    /// - ENOBUFS: it does not fit.
    pub fn push_ipv4_packet_info(&mut self, info: &Ipv4PacketInfo) -> Result<()> {
        let (kind, n, payload) = wire::pktinfo4_payload(self.layout, info)?;
        self.start_encoding();
        wire::push(self.layout, self.buf, &mut self.len, wire::IPPROTO_IP, kind, n, |p| {
            p.copy_from_slice(payload.get(..n).unwrap_or_default());
        })
    }

    /// Appends `IPV6_PKTINFO`: on a UDP send, the interface and source
    /// address to use.
    ///
    /// # Errors
    /// ENOBUFS: it does not fit.
    pub fn push_ipv6_packet_info(&mut self, info: &Ipv6PacketInfo) -> Result<()> {
        let payload = wire::pktinfo6_payload(info);
        self.start_encoding();
        let kind = self.layout.ipv6_pktinfo();
        wire::push(
            self.layout,
            self.buf,
            &mut self.len,
            wire::IPPROTO_IPV6,
            kind,
            20,
            |p| {
                p.copy_from_slice(&payload);
            },
        )
    }

    /// Appends a control message with any level, type and payload.
    ///
    /// # Safety
    /// If the message passes descriptors (`SCM_RIGHTS` or the like), they
    /// must stay open for as long as this buffer is used: the kernel will
    /// take whatever descriptor has that number when it is sent.
    ///
    /// # Errors
    /// ENOBUFS: it does not fit.
    pub unsafe fn push_raw(&mut self, level: libc::c_int, kind: libc::c_int, data: &[u8]) -> Result<()> {
        self.start_encoding();
        wire::push(self.layout, self.buf, &mut self.len, level, kind, data.len(), |p| {
            p.copy_from_slice(data);
        })
    }

    /// The received control messages, decoded. Empty unless this buffer
    /// was filled by [`recvmsg`](crate::recvmsg).
    ///
    /// Descriptors come out as [`OwnedFd`]s. Whatever the iterator did not
    /// hand out — including when it is dropped half-way — is closed when it
    /// is dropped, so iterate once and keep what you need.
    #[inline]
    #[doc(alias = "ParseSocketControlMessage")]
    #[doc(alias = "ParseUnixRights")]
    #[doc(alias = "ParseUnixCredentials")]
    pub fn messages(&mut self) -> Messages<'_> {
        let rest = if self.received {
            self.buf.get_mut(..self.len).unwrap_or_default()
        } else {
            Default::default()
        };
        Messages {
            rest,
            layout: self.layout,
            pending: &mut self.pending,
            truncated: self.truncated,
        }
    }

    /// The control messages in the buffer (encoded or received) as raw,
    /// borrowed data: descriptors are plain numbers, owned by no one here.
    #[inline]
    pub fn raw(&self) -> RawCmsgs<'_> {
        RawCmsgs::new(self.layout, self.as_bytes())
    }

    #[inline]
    fn start_encoding(&mut self) {
        if self.received {
            self.clear();
        }
    }

    /// Closes every received descriptor still in the buffer (marking its
    /// slot -1).
    #[cold]
    fn close_pending(&mut self) {
        if !self.pending {
            return;
        }
        self.pending = false;
        let filled = self.buf.get_mut(..self.len).unwrap_or_default();
        drop(Messages {
            rest: filled,
            layout: self.layout,
            pending: &mut false,
            truncated: false,
        });
    }

    /// For `sendmsg`: the bytes to send.
    #[inline]
    pub(crate) fn send_bytes(&self) -> Result<&[u8]> {
        if self.layout != Layout::NATIVE {
            return Err(Errno::EINVAL);
        }
        Ok(self.as_bytes())
    }

    /// For `recvmsg`: closes what a previous receive left, and gives the
    /// storage for the kernel to fill.
    #[inline]
    pub(crate) fn recv_storage(&mut self) -> Result<&mut [u8]> {
        if self.layout != Layout::NATIVE {
            return Err(Errno::EINVAL);
        }
        self.clear();
        Ok(&mut *self.buf)
    }

    /// For `recvmsg`: the kernel filled `len` bytes.
    #[inline]
    pub(crate) fn set_received(&mut self, len: usize, truncated: bool) {
        self.len = len.min(self.buf.len());
        self.received = true;
        self.truncated = truncated;
        self.pending = self.len > 0;
        if sys::RECEIVED_FDS_NEED_CLOEXEC && self.pending {
            for m in self.raw() {
                if let ControlMessage::Rights(fds) = m.decode() {
                    for fd in fds {
                        sys::set_cloexec_raw(fd);
                    }
                }
            }
        }
    }
}

impl Drop for CmsgBuf<'_> {
    #[inline]
    fn drop(&mut self) {
        if self.pending {
            self.close_pending();
        }
    }
}

impl fmt::Debug for CmsgBuf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CmsgBuf")
            .field("layout", &self.layout)
            .field("capacity", &self.capacity())
            .field("len", &self.len)
            .field("received", &self.received)
            .field("truncated", &self.truncated)
            .finish()
    }
}

/// A decoded control message.
///
/// `R` is how descriptors come: [`Rights`] (owned, from
/// [`CmsgBuf::messages`]) or [`RawRights`] (plain numbers, from
/// [`RawCmsg::decode`]). A message of a known type whose payload is too
/// short (truncated) or malformed comes out as [`Other`](Self::Other).
///
#[doc = man_links!("recvmsg", "2")]
#[derive(Debug)]
#[non_exhaustive]
pub enum ControlMessage<'a, R = Rights<'a>> {
    /// `SCM_RIGHTS`: passed descriptors.
    Rights(R),
    /// Credentials of the sending process: Linux `SCM_CREDENTIALS`, FreeBSD
    /// and DragonFly `SCM_CREDS` (`cmsgcred`) and `SCM_CREDS2`, NetBSD
    /// `SCM_CREDS` (`sockcred`).
    Credentials(UnixCredentials),
    /// `IP_PKTINFO` (Linux, Apple, NetBSD): where a datagram arrived.
    Ipv4PacketInfo(Ipv4PacketInfo),
    /// `IP_RECVDSTADDR` (the BSDs and Apple): a datagram's destination
    /// address.
    Ipv4RecvDstAddr(Ipv4Addr),
    /// `IPV6_PKTINFO`: where a datagram arrived.
    Ipv6PacketInfo(Ipv6PacketInfo),
    /// `SCM_TIMESTAMP`: when a datagram arrived (microseconds).
    Timestamp(Timestamp),
    /// Linux `SCM_TIMESTAMPNS`, FreeBSD `SCM_REALTIME`: when a datagram
    /// arrived (nanoseconds).
    TimestampNs(Timestamp),
    /// Anything else, raw.
    Other {
        /// `cmsg_level`.
        level: libc::c_int,
        /// `cmsg_type`.
        kind: libc::c_int,
        /// The payload (as much as arrived).
        data: &'a [u8],
    },
}

fn typed<'a, R>(layout: Layout, level: i32, kind: i32, data: &'a [u8]) -> ControlMessage<'a, R> {
    match wire::decode_payload(layout, level, kind, data) {
        wire::Payload::Credentials(c) => ControlMessage::Credentials(c),
        wire::Payload::Ipv4PacketInfo(p) => ControlMessage::Ipv4PacketInfo(p),
        wire::Payload::Ipv4RecvDstAddr(a) => ControlMessage::Ipv4RecvDstAddr(a),
        wire::Payload::Ipv6PacketInfo(p) => ControlMessage::Ipv6PacketInfo(p),
        wire::Payload::Timestamp(t) => ControlMessage::Timestamp(t),
        wire::Payload::TimestampNs(t) => ControlMessage::TimestampNs(t),
        wire::Payload::Other => ControlMessage::Other { level, kind, data },
    }
}

/// The received control messages of a [`CmsgBuf`], decoded in order.
///
/// Dropping it closes every descriptor it has not handed out.
pub struct Messages<'b> {
    rest: &'b mut [u8],
    layout: Layout,
    pending: &'b mut bool,
    truncated: bool,
}

impl Messages<'_> {
    /// Whether the kernel truncated the control data (MSG_CTRUNC): what
    /// arrived is yielded, but something did not fit.
    #[inline]
    #[must_use]
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }
}

impl<'b> Iterator for Messages<'b> {
    type Item = ControlMessage<'b>;

    #[inline]
    fn next(&mut self) -> Option<ControlMessage<'b>> {
        let h = wire::header_at(self.layout, self.rest, 0)?;
        let rest = core::mem::take(&mut self.rest);
        let (this, rest) = rest.split_at_mut(h.next.min(rest.len()));
        self.rest = rest;
        let data = this.get_mut(h.data_start..h.data_end).unwrap_or_default();
        if wire::is_rights(self.layout, h.level, h.kind) {
            Some(ControlMessage::Rights(Rights { slots: data, pos: 0 }))
        } else {
            Some(typed(self.layout, h.level, h.kind, data))
        }
    }
}

impl Drop for Messages<'_> {
    fn drop(&mut self) {
        // Dropping each remaining Rights closes its descriptors.
        for m in self.by_ref() {
            drop(m);
        }
        *self.pending = false;
    }
}

impl fmt::Debug for Messages<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Messages")
            .field("remaining_bytes", &self.rest.len())
            .field("truncated", &self.truncated)
            .finish()
    }
}

/// The descriptors of a received `SCM_RIGHTS` message, handed out as
/// [`OwnedFd`]s (close-on-exec). Those not taken are closed when it is
/// dropped.
pub struct Rights<'b> {
    slots: &'b mut [u8],
    pos: usize,
}

impl Rights<'_> {
    /// How many descriptors are left to take.
    #[must_use]
    pub fn remaining(&self) -> usize {
        self.slots
            .get(self.pos..)
            .unwrap_or_default()
            .chunks_exact(4)
            .filter(|s| i32::from_ne_bytes([s[0], s[1], s[2], s[3]]) >= 0)
            .count()
    }
}

impl Iterator for Rights<'_> {
    type Item = OwnedFd;

    #[inline]
    fn next(&mut self) -> Option<OwnedFd> {
        while let Some(slot) = self.slots.get_mut(self.pos..self.pos + 4) {
            self.pos += 4;
            let fd = i32::from_ne_bytes([slot[0], slot[1], slot[2], slot[3]]);
            slot.copy_from_slice(&(-1i32).to_ne_bytes());
            if fd >= 0 {
                // SAFETY: `Rights` exists only over control data the kernel
                // wrote in `recvmsg`: every non-negative slot is a descriptor
                // installed in this process for us, and it is handed out
                // once (its slot is overwritten with -1 first).
                return Some(unsafe { OwnedFd::from_raw_fd(fd) });
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.slots.len().saturating_sub(self.pos) / 4))
    }
}

impl Drop for Rights<'_> {
    fn drop(&mut self) {
        for fd in self.by_ref() {
            drop(fd);
        }
    }
}

impl fmt::Debug for Rights<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rights").field("remaining", &self.remaining()).finish()
    }
}

/// An iterator over the control messages in any bytes, parsed as `layout`'s
/// kernel writes them. Pure and total: garbage ends the iteration or comes
/// out as [`ControlMessage::Other`], never a panic or an out-of-bounds read.
///
/// ```
/// use bsd_net::{ControlMessage, Layout, RawCmsgs};
/// // What 64-bit Linux writes for SCM_RIGHTS with descriptor 7.
/// let mut bytes = Vec::new();
/// bytes.extend_from_slice(&20u64.to_ne_bytes()); // cmsg_len = CMSG_LEN(4)
/// bytes.extend_from_slice(&1i32.to_ne_bytes()); // SOL_SOCKET
/// bytes.extend_from_slice(&1i32.to_ne_bytes()); // SCM_RIGHTS
/// bytes.extend_from_slice(&7i32.to_ne_bytes());
/// let m = RawCmsgs::new(Layout::LINUX_64, &bytes).next().unwrap();
/// match m.decode() {
///     ControlMessage::Rights(fds) => assert_eq!(fds.collect::<Vec<_>>(), [7]),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Clone, Debug)]
pub struct RawCmsgs<'a> {
    buf: &'a [u8],
    offset: usize,
    layout: Layout,
}

impl<'a> RawCmsgs<'a> {
    /// Parses `bytes` (the filled control data) as `layout`'s kernel
    /// writes it.
    #[inline]
    #[must_use]
    pub fn new(layout: Layout, bytes: &'a [u8]) -> Self {
        RawCmsgs {
            buf: bytes,
            offset: 0,
            layout,
        }
    }
}

impl<'a> Iterator for RawCmsgs<'a> {
    type Item = RawCmsg<'a>;

    fn next(&mut self) -> Option<RawCmsg<'a>> {
        let h = wire::header_at(self.layout, self.buf, self.offset)?;
        self.offset = h.next;
        Some(RawCmsg {
            layout: self.layout,
            level: h.level,
            kind: h.kind,
            data: self.buf.get(h.data_start..h.data_end).unwrap_or_default(),
            truncated: h.truncated,
        })
    }
}

/// One control message as raw, borrowed bytes.
#[derive(Clone, Copy, Debug)]
pub struct RawCmsg<'a> {
    layout: Layout,
    level: libc::c_int,
    kind: libc::c_int,
    data: &'a [u8],
    truncated: bool,
}

impl<'a> RawCmsg<'a> {
    /// `cmsg_level`.
    #[inline]
    #[must_use]
    pub fn level(&self) -> libc::c_int {
        self.level
    }

    /// `cmsg_type`.
    #[inline]
    #[must_use]
    pub fn kind(&self) -> libc::c_int {
        self.kind
    }

    /// The payload (clamped to the buffer).
    #[inline]
    #[must_use]
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Whether `cmsg_len` ran past the end of the buffer and was clamped.
    #[inline]
    #[must_use]
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// Decodes the payload; descriptors come out as plain numbers.
    #[must_use]
    pub fn decode(&self) -> ControlMessage<'a, RawRights<'a>> {
        if wire::is_rights(self.layout, self.level, self.kind) {
            ControlMessage::Rights(RawRights { data: self.data })
        } else {
            typed(self.layout, self.level, self.kind, self.data)
        }
    }
}

/// The descriptor numbers of an `SCM_RIGHTS` payload, borrowed: owned by no
/// one here (a trailing partial number is ignored).
#[derive(Clone, Debug)]
pub struct RawRights<'a> {
    data: &'a [u8],
}

impl Iterator for RawRights<'_> {
    type Item = RawFd;

    fn next(&mut self) -> Option<RawFd> {
        let (n, rest) = self.data.split_first_chunk::<4>()?;
        self.data = rest;
        Some(i32::from_ne_bytes(*n))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.data.len() / 4;
        (n, Some(n))
    }
}

impl ExactSizeIterator for RawRights<'_> {}

/// Credentials of a process on the other end of a unix socket, as a
/// credentials control message carries them.
///
/// Which fields are known depends on the platform: Linux's `ucred` has pid,
/// uid and gid (the ids the sender claimed, checked by the kernel);
/// FreeBSD's and DragonFly's `cmsgcred` adds the effective uid and the
/// groups; FreeBSD's `sockcred2` and NetBSD's `sockcred` have everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "Ucred")]
#[doc(alias = "ucred")]
#[doc(alias = "cmsgcred")]
#[doc(alias = "sockcred")]
pub struct UnixCredentials {
    /// The process id, when the platform says (and it is not 0).
    pub pid: Option<libc::pid_t>,
    /// The real user id (Linux: the uid the sender claimed).
    pub uid: libc::uid_t,
    /// The real group id (Linux: the gid the sender claimed).
    pub gid: libc::gid_t,
    /// The effective user id, when the platform says.
    pub euid: Option<libc::uid_t>,
    /// The effective group id, when the platform says.
    pub egid: Option<libc::gid_t>,
    ngroups: u8,
    groups: [libc::gid_t; CRED_GROUPS_MAX],
}

impl UnixCredentials {
    /// The supplementary groups the platform passed (at most
    /// [`CRED_GROUPS_MAX`]; empty on Linux).
    #[must_use]
    pub fn groups(&self) -> &[libc::gid_t] {
        self.groups.get(..usize::from(self.ngroups)).unwrap_or_default()
    }
}

/// `IP_PKTINFO`: the interface and addresses of an IPv4 datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "in_pktinfo")]
pub struct Ipv4PacketInfo {
    /// The interface index (0: any).
    pub ifindex: u32,
    /// Received: the local address the datagram was routed to. Sent: the
    /// source address to use.
    pub spec_dst: Ipv4Addr,
    /// Received: the destination address in the IP header.
    pub addr: Ipv4Addr,
}

/// `IPV6_PKTINFO`: the interface and address of an IPv6 datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "in6_pktinfo")]
pub struct Ipv6PacketInfo {
    /// Received: the destination address. Sent: the source address to use.
    pub addr: Ipv6Addr,
    /// The interface index (0: any).
    pub ifindex: u32,
}

/// A point in time as a timestamp control message carries it: seconds and
/// nanoseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    /// Seconds since the epoch.
    pub sec: i64,
    /// Nanoseconds, below 1 000 000 000.
    pub nsec: u32,
}

impl Timestamp {
    /// As a [`SystemTime`] (`None` if it does not fit one).
    #[must_use]
    pub fn to_system_time(self) -> Option<SystemTime> {
        let d = Duration::new(self.sec.unsigned_abs(), 0);
        let base = if self.sec >= 0 {
            UNIX_EPOCH.checked_add(d)?
        } else {
            UNIX_EPOCH.checked_sub(d)?
        };
        base.checked_add(Duration::from_nanos(u64::from(self.nsec)))
    }
}
