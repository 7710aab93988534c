//! Socket addresses: [`Sockaddr`] and its families, conversions with
//! `std::net`, and the encoding to and from the kernel's bytes.
//!
//! The codec itself (`codec.rs`) is pure over bytes and takes a [`Layout`],
//! so the BSD, Apple and Linux shapes are all compiled and tested on every
//! host; [`Sockaddr::encode`] and [`Sockaddr::decode`] use
//! [`Layout::NATIVE`].

pub(crate) mod codec;
#[cfg(test)]
mod tests;

use crate::layout::Layout;
use bsd_errno::{Errno, Result};
use core::fmt;
use core::mem::MaybeUninit;
use std::ffi::OsStr;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Bytes of [`SockaddrStorage`]: as `sockaddr_storage` on Linux, FreeBSD,
/// NetBSD, DragonFly and Apple, and more than any address this crate decodes
/// on OpenBSD (whose `sockaddr_storage` is 256 bytes).
pub(crate) const STORAGE_LEN: usize = 128;
/// Capacity for a unix path or abstract name: Linux's 108-byte `sun_path`.
const UNIX_PATH_MAX: usize = 108;
/// Capacity for `sdl_data` (name, address and selector together).
pub(crate) const DATALINK_DATA_MAX: usize = 104;
/// Capacity for a link-layer address in `sockaddr_ll` (`MAX_ADDR_LEN`).
pub(crate) const LINK_ADDR_MAX: usize = 32;

/// A socket address of any family this crate knows.
///
/// Decoded from what the kernel returns ([`getsockname`], [`accept`],
/// [`recvmsg`], …) and encoded for what it reads ([`bind`], [`connect`],
/// [`sendto`], …). Converts to and from [`std::net::SocketAddr`]:
///
/// ```
/// use bsd_net::Sockaddr;
/// use std::net::SocketAddr;
///
/// let std: SocketAddr = "[::1]:8080".parse().unwrap();
/// let ours = Sockaddr::from(std);
/// let storage = ours.encode()?; // what bind/connect pass to the kernel
/// let back = Sockaddr::decode(storage.as_bytes())?;
/// assert_eq!(back, ours);
/// assert_eq!(SocketAddr::try_from(back)?, std);
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
///
/// # Platforms
/// Every variant exists on every host, so any platform's bytes can be
/// decoded anywhere ([`Sockaddr::decode_with`]); the kernels produce
/// [`Datalink`](Sockaddr::Datalink) only on the BSDs and Apple,
/// [`LinkLayer`](Sockaddr::LinkLayer) and abstract unix addresses only on
/// Linux.
///
/// [`getsockname`]: crate::getsockname
/// [`accept`]: crate::accept
/// [`recvmsg`]: crate::recvmsg
/// [`bind`]: crate::bind
/// [`connect`]: crate::connect
/// [`sendto`]: crate::sendto
///
#[doc = man_links!("ip6", "4", "ipv6", "7")]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Sockaddr {
    /// `AF_INET`: an IPv4 address and port.
    Inet4(SockaddrInet4),
    /// `AF_INET6`: an IPv6 address, port, flow information and scope id.
    Inet6(SockaddrInet6),
    /// `AF_UNIX`: a path, a Linux abstract name, or unnamed.
    Unix(SockaddrUnix),
    /// `AF_LINK` (`sockaddr_dl`, BSD and Apple): an interface's index, type,
    /// name, link-layer address and selector.
    Datalink(SockaddrDatalink),
    /// `AF_PACKET` (`sockaddr_ll`, Linux): a link-layer address.
    LinkLayer(SockaddrLinkLayer),
}

/// An `AF_INET` address: IPv4 address and port.
///
/// Converts both ways with [`SocketAddrV4`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[doc(alias = "sockaddr_in")]
pub struct SockaddrInet4 {
    /// The port, in host byte order.
    pub port: u16,
    /// The address.
    pub addr: Ipv4Addr,
}

/// An `AF_INET6` address: IPv6 address, port, flow information and scope id.
///
/// Converts both ways with [`SocketAddrV6`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[doc(alias = "sockaddr_in6")]
pub struct SockaddrInet6 {
    /// The port, in host byte order.
    pub port: u16,
    /// The address.
    pub addr: Ipv6Addr,
    /// `sin6_flowinfo`, stored as is (as [`SocketAddrV6::flowinfo`]).
    pub flowinfo: u32,
    /// `sin6_scope_id`: the interface index of a link-local address.
    pub scope_id: u32,
}

/// What an `AF_UNIX` address names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnixAddrKind<'a> {
    /// A filesystem path (without a terminating NUL).
    Path(&'a [u8]),
    /// A Linux abstract name: the bytes after the leading NUL, exactly.
    Abstract(&'a [u8]),
    /// No name: a socket from `socketpair`, or one never bound.
    Unnamed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum UnixTag {
    Unnamed,
    Path,
    Abstract,
}

/// An `AF_UNIX` address: a path, a Linux abstract name, or unnamed.
///
/// Stored inline (no allocation). A path holds at most `sun_path` bytes —
/// 104 on the BSDs and Apple, 108 on Linux — and is encoded with a
/// terminating NUL when there is room; a longer path is EINVAL, never
/// truncated. (OpenBSD's kernel also refuses a path that fills `sun_path`
/// exactly, with EINVAL.)
///
/// ```
/// use bsd_net::{SockaddrUnix, UnixAddrKind};
/// let a = SockaddrUnix::new("/tmp/sock")?;
/// assert_eq!(a.path(), Some(std::path::Path::new("/tmp/sock")));
/// assert_eq!(a.kind(), UnixAddrKind::Path(b"/tmp/sock"));
/// assert!(SockaddrUnix::unnamed().is_unnamed());
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
///
#[doc = man_links!("unix", "4", "unix", "7")]
#[derive(Clone, Copy)]
#[doc(alias = "sockaddr_un")]
pub struct SockaddrUnix {
    tag: UnixTag,
    len: u8,
    bytes: [u8; UNIX_PATH_MAX],
}

/// An `AF_LINK` address (`sockaddr_dl`, BSD and Apple): an interface's
/// index, type, name, link-layer address and selector.
///
/// `getifaddrs` and routing messages hand these out. The name, address and
/// selector are stored inline, at most 104 bytes together.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[doc(alias = "sockaddr_dl")]
pub struct SockaddrDatalink {
    index: u16,
    link_type: u8,
    nlen: u8,
    alen: u8,
    slen: u8,
    data: [u8; DATALINK_DATA_MAX],
}

/// An `AF_PACKET` address (`sockaddr_ll`, Linux): a link-layer address of an
/// interface.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[doc(alias = "sockaddr_ll")]
pub struct SockaddrLinkLayer {
    protocol: u16,
    ifindex: i32,
    hatype: u16,
    pkttype: u8,
    halen: u8,
    addr: [u8; LINK_ADDR_MAX],
}

#[repr(C, align(8))]
#[derive(Clone, Copy)]
struct StorageBytes([u8; STORAGE_LEN]);

/// An encoded socket address: the bytes the kernel reads or wrote, and
/// their length.
///
/// Aligned like `sockaddr_storage`; [`as_ptr`](Self::as_ptr) and
/// [`len`](Self::len) are what a raw `bind`/`connect`/`sendto` takes. Made
/// by [`Sockaddr::encode`], or filled by the kernel ([`accept_raw`],
/// [`RecvMsg::sender_raw`](crate::RecvMsg::sender_raw)) and decoded with
/// [`decode`](Self::decode).
///
/// [`accept_raw`]: crate::accept_raw
#[derive(Clone, Copy)]
pub struct SockaddrStorage {
    // Invariant: the first `len` bytes are initialized, and len <= STORAGE_LEN.
    buf: MaybeUninit<StorageBytes>,
    len: libc::socklen_t,
}

// ----- Sockaddr -----

impl Sockaddr {
    /// Encodes this address as the native kernel reads it.
    ///
    /// # Errors
    /// - EINVAL: a unix path that does not fit this platform's `sun_path`.
    /// - EAFNOSUPPORT: a family this kernel does not have (a `Datalink`
    ///   address on Linux, a `LinkLayer` address or an abstract unix name
    ///   elsewhere).
    #[inline]
    pub fn encode(&self) -> Result<SockaddrStorage> {
        self.encode_with(Layout::NATIVE)
    }

    /// Encodes this address as `layout`'s kernel reads it (BSD and Apple:
    /// with `sa_len` set). Pure: no system call.
    ///
    /// # Errors
    /// As [`encode`](Self::encode), for `layout`.
    #[inline]
    pub fn encode_with(&self, layout: Layout) -> Result<SockaddrStorage> {
        let mut s = SockaddrStorage::uninit();
        let len = codec::encode(self, layout, s.bytes_mut())?;
        // The encoder initialized the first `len` bytes.
        s.len = len as libc::socklen_t;
        Ok(s)
    }

    /// Decodes the bytes the native kernel wrote for an address; `bytes` is
    /// exactly the returned address length.
    ///
    /// # Errors
    /// - EINVAL: a length too short for the family, a unix path longer than
    ///   `sun_path`, datalink lengths that do not fit.
    /// - EAFNOSUPPORT: a family this crate does not decode (`AF_UNSPEC`
    ///   included).
    #[inline]
    #[doc(alias = "anyToSockaddr")]
    pub fn decode(bytes: &[u8]) -> Result<Sockaddr> {
        codec::decode(Layout::NATIVE, bytes)
    }

    /// Decodes the bytes a kernel of `layout` wrote for an address. Pure: no
    /// system call; any input gives an address or an error, never a panic.
    ///
    /// ```
    /// use bsd_net::{Layout, Sockaddr};
    /// // What FreeBSD's getsockname writes for a socket bound to "/tmp/s":
    /// // sun_len (not counting the NUL), AF_UNIX, the path.
    /// let bytes = b"\x08\x01/tmp/s\0\0\0";
    /// let addr = Sockaddr::decode_with(Layout::FREEBSD_64, bytes)?;
    /// assert_eq!(addr.as_unix().and_then(|u| u.path()), Some("/tmp/s".as_ref()));
    /// # Ok::<(), bsd_errno::Errno>(())
    /// ```
    ///
    /// # Errors
    /// As [`decode`](Self::decode), for `layout`.
    #[inline]
    pub fn decode_with(layout: Layout, bytes: &[u8]) -> Result<Sockaddr> {
        codec::decode(layout, bytes)
    }

    /// Decodes a native `sockaddr` of `len` bytes at `ptr`.
    ///
    /// # Safety
    /// `ptr` must be valid for reads of `len` bytes.
    ///
    /// # Errors
    /// As [`decode`](Self::decode).
    pub unsafe fn from_raw(ptr: *const libc::sockaddr, len: libc::socklen_t) -> Result<Sockaddr> {
        if ptr.is_null() {
            return Err(Errno::EINVAL);
        }
        // SAFETY: the caller guarantees `len` readable bytes at `ptr`.
        let bytes = unsafe { core::slice::from_raw_parts(ptr.cast::<u8>(), len as usize) };
        Self::decode(bytes)
    }

    /// The address as a [`SocketAddr`], if it is IPv4 or IPv6.
    #[must_use]
    pub fn as_socket_addr(&self) -> Option<SocketAddr> {
        match *self {
            Sockaddr::Inet4(a) => Some(SocketAddr::V4(a.into())),
            Sockaddr::Inet6(a) => Some(SocketAddr::V6(a.into())),
            _ => None,
        }
    }

    /// The unix address, if this is one.
    #[must_use]
    pub fn as_unix(&self) -> Option<&SockaddrUnix> {
        match self {
            Sockaddr::Unix(u) => Some(u),
            _ => None,
        }
    }
}

impl fmt::Debug for Sockaddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sockaddr::Inet4(a) => f.debug_tuple("Inet4").field(a).finish(),
            Sockaddr::Inet6(a) => f.debug_tuple("Inet6").field(a).finish(),
            Sockaddr::Unix(a) => f.debug_tuple("Unix").field(a).finish(),
            Sockaddr::Datalink(a) => f.debug_tuple("Datalink").field(a).finish(),
            Sockaddr::LinkLayer(a) => f.debug_tuple("LinkLayer").field(a).finish(),
        }
    }
}

/// `1.2.3.4:80`, `[::1]:80`, the unix path, `@name` for an abstract name
/// (non-printable bytes escaped), `(unnamed)`, `link#2 em0 00:11:22:33:44:55`,
/// `ll#2 00:11:22:33:44:55`.
impl fmt::Display for Sockaddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sockaddr::Inet4(a) => SocketAddrV4::from(*a).fmt(f),
            Sockaddr::Inet6(a) => SocketAddrV6::from(*a).fmt(f),
            Sockaddr::Unix(u) => fmt::Display::fmt(u, f),
            Sockaddr::Datalink(d) => {
                write!(f, "link#{}", d.index)?;
                if !d.name().is_empty() {
                    write!(f, " {}", d.name().escape_ascii())?;
                }
                if !d.addr().is_empty() {
                    f.write_str(" ")?;
                    write_hex(f, d.addr())?;
                }
                Ok(())
            }
            Sockaddr::LinkLayer(l) => {
                write!(f, "ll#{}", l.ifindex)?;
                if !l.addr().is_empty() {
                    f.write_str(" ")?;
                    write_hex(f, l.addr())?;
                }
                Ok(())
            }
        }
    }
}

fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            f.write_str(":")?;
        }
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

impl From<SocketAddr> for Sockaddr {
    #[inline]
    fn from(a: SocketAddr) -> Self {
        match a {
            SocketAddr::V4(a) => Sockaddr::Inet4(a.into()),
            SocketAddr::V6(a) => Sockaddr::Inet6(a.into()),
        }
    }
}

impl From<SocketAddrV4> for Sockaddr {
    #[inline]
    fn from(a: SocketAddrV4) -> Self {
        Sockaddr::Inet4(a.into())
    }
}

impl From<SocketAddrV6> for Sockaddr {
    #[inline]
    fn from(a: SocketAddrV6) -> Self {
        Sockaddr::Inet6(a.into())
    }
}

impl From<SockaddrInet4> for Sockaddr {
    #[inline]
    fn from(a: SockaddrInet4) -> Self {
        Sockaddr::Inet4(a)
    }
}

impl From<SockaddrInet6> for Sockaddr {
    #[inline]
    fn from(a: SockaddrInet6) -> Self {
        Sockaddr::Inet6(a)
    }
}

impl From<SockaddrUnix> for Sockaddr {
    #[inline]
    fn from(a: SockaddrUnix) -> Self {
        Sockaddr::Unix(a)
    }
}

impl From<SockaddrDatalink> for Sockaddr {
    #[inline]
    fn from(a: SockaddrDatalink) -> Self {
        Sockaddr::Datalink(a)
    }
}

impl From<SockaddrLinkLayer> for Sockaddr {
    #[inline]
    fn from(a: SockaddrLinkLayer) -> Self {
        Sockaddr::LinkLayer(a)
    }
}

/// EAFNOSUPPORT for a family other than IPv4 and IPv6.
impl TryFrom<Sockaddr> for SocketAddr {
    type Error = Errno;
    #[inline]
    fn try_from(a: Sockaddr) -> Result<SocketAddr> {
        a.as_socket_addr().ok_or(Errno::EAFNOSUPPORT)
    }
}

/// EAFNOSUPPORT for a family other than IPv4.
impl TryFrom<Sockaddr> for SocketAddrV4 {
    type Error = Errno;
    #[inline]
    fn try_from(a: Sockaddr) -> Result<SocketAddrV4> {
        match a {
            Sockaddr::Inet4(a) => Ok(a.into()),
            _ => Err(Errno::EAFNOSUPPORT),
        }
    }
}

/// EAFNOSUPPORT for a family other than IPv6.
impl TryFrom<Sockaddr> for SocketAddrV6 {
    type Error = Errno;
    #[inline]
    fn try_from(a: Sockaddr) -> Result<SocketAddrV6> {
        match a {
            Sockaddr::Inet6(a) => Ok(a.into()),
            _ => Err(Errno::EAFNOSUPPORT),
        }
    }
}

impl PartialEq<SocketAddr> for Sockaddr {
    fn eq(&self, other: &SocketAddr) -> bool {
        self.as_socket_addr().as_ref() == Some(other)
    }
}

// ----- Inet -----

impl SockaddrInet4 {
    /// An IPv4 address and port.
    #[inline]
    #[must_use]
    pub const fn new(addr: Ipv4Addr, port: u16) -> Self {
        SockaddrInet4 { port, addr }
    }
}

impl SockaddrInet6 {
    /// An IPv6 address and port, with flow information and scope id 0.
    #[inline]
    #[must_use]
    pub const fn new(addr: Ipv6Addr, port: u16) -> Self {
        SockaddrInet6 {
            port,
            addr,
            flowinfo: 0,
            scope_id: 0,
        }
    }
}

impl From<SocketAddrV4> for SockaddrInet4 {
    #[inline]
    fn from(a: SocketAddrV4) -> Self {
        SockaddrInet4 {
            port: a.port(),
            addr: *a.ip(),
        }
    }
}

impl From<SockaddrInet4> for SocketAddrV4 {
    #[inline]
    fn from(a: SockaddrInet4) -> Self {
        SocketAddrV4::new(a.addr, a.port)
    }
}

impl From<SocketAddrV6> for SockaddrInet6 {
    #[inline]
    fn from(a: SocketAddrV6) -> Self {
        SockaddrInet6 {
            port: a.port(),
            addr: *a.ip(),
            flowinfo: a.flowinfo(),
            scope_id: a.scope_id(),
        }
    }
}

impl From<SockaddrInet6> for SocketAddrV6 {
    #[inline]
    fn from(a: SockaddrInet6) -> Self {
        SocketAddrV6::new(a.addr, a.port, a.flowinfo, a.scope_id)
    }
}

// ----- Unix -----

impl SockaddrUnix {
    /// A path address.
    ///
    /// # Errors
    /// EINVAL: an empty path, a path with a NUL byte, or one longer than
    /// this platform's `sun_path` (104 bytes on the BSDs and Apple, 108 on
    /// Linux).
    pub fn new(path: impl AsRef<Path>) -> Result<Self> {
        let p = path.as_ref().as_os_str().as_bytes();
        if p.is_empty() || p.len() > Layout::NATIVE.sun_path_len() || p.contains(&0) {
            return Err(Errno::EINVAL);
        }
        Self::from_kind(UnixAddrKind::Path(p))
    }

    /// A Linux abstract address: `name` is every byte after the leading NUL
    /// (NUL bytes inside are part of the name).
    ///
    /// # Errors
    /// EINVAL: a name longer than 107 bytes.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    pub fn new_abstract(name: &[u8]) -> Result<Self> {
        if name.len() >= UNIX_PATH_MAX {
            return Err(Errno::EINVAL);
        }
        Self::from_kind(UnixAddrKind::Abstract(name))
    }

    /// The unnamed address (what `socketpair` ends and unbound sockets
    /// report).
    #[inline]
    #[must_use]
    pub const fn unnamed() -> Self {
        SockaddrUnix {
            tag: UnixTag::Unnamed,
            len: 0,
            bytes: [0; UNIX_PATH_MAX],
        }
    }

    /// Builds from a kind whose bytes are at most 108 (checked).
    pub(crate) fn from_kind(kind: UnixAddrKind<'_>) -> Result<Self> {
        let (tag, src) = match kind {
            UnixAddrKind::Unnamed => return Ok(Self::unnamed()),
            UnixAddrKind::Path(p) => (UnixTag::Path, p),
            UnixAddrKind::Abstract(n) => (UnixTag::Abstract, n),
        };
        let mut a = SockaddrUnix {
            tag,
            len: 0,
            bytes: [0; UNIX_PATH_MAX],
        };
        a.bytes.get_mut(..src.len()).ok_or(Errno::EINVAL)?.copy_from_slice(src);
        a.len = src.len() as u8;
        Ok(a)
    }

    /// What this address names.
    #[inline]
    #[must_use]
    pub fn kind(&self) -> UnixAddrKind<'_> {
        let b = self.bytes.get(..usize::from(self.len)).unwrap_or_default();
        match self.tag {
            UnixTag::Unnamed => UnixAddrKind::Unnamed,
            UnixTag::Path => UnixAddrKind::Path(b),
            UnixTag::Abstract => UnixAddrKind::Abstract(b),
        }
    }

    /// The path, if this is a path address.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        match self.kind() {
            UnixAddrKind::Path(p) => Some(Path::new(OsStr::from_bytes(p))),
            _ => None,
        }
    }

    /// The abstract name (Linux), if this is one.
    #[must_use]
    pub fn abstract_name(&self) -> Option<&[u8]> {
        match self.kind() {
            UnixAddrKind::Abstract(n) => Some(n),
            _ => None,
        }
    }

    /// Whether this is the unnamed address.
    #[inline]
    #[must_use]
    pub fn is_unnamed(&self) -> bool {
        self.tag == UnixTag::Unnamed
    }
}

impl PartialEq for SockaddrUnix {
    fn eq(&self, other: &Self) -> bool {
        self.kind() == other.kind()
    }
}

impl Eq for SockaddrUnix {}

impl core::hash::Hash for SockaddrUnix {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.kind().hash(state);
    }
}

impl fmt::Debug for SockaddrUnix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            UnixAddrKind::Path(p) => write!(f, "Path({:?})", OsStr::from_bytes(p)),
            UnixAddrKind::Abstract(n) => write!(f, "Abstract(\"{}\")", n.escape_ascii()),
            UnixAddrKind::Unnamed => f.write_str("Unnamed"),
        }
    }
}

impl fmt::Display for SockaddrUnix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            UnixAddrKind::Path(p) => write!(f, "{}", Path::new(OsStr::from_bytes(p)).display()),
            UnixAddrKind::Abstract(n) => write!(f, "@{}", n.escape_ascii()),
            UnixAddrKind::Unnamed => f.write_str("(unnamed)"),
        }
    }
}

/// EINVAL for a std address this platform cannot express.
impl TryFrom<&std::os::unix::net::SocketAddr> for SockaddrUnix {
    type Error = Errno;
    fn try_from(a: &std::os::unix::net::SocketAddr) -> Result<Self> {
        if let Some(p) = a.as_pathname() {
            return Self::new(p);
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            #[cfg(target_os = "android")]
            use std::os::android::net::SocketAddrExt;
            #[cfg(target_os = "linux")]
            use std::os::linux::net::SocketAddrExt;
            if let Some(n) = a.as_abstract_name() {
                return Self::new_abstract(n);
            }
        }
        Ok(Self::unnamed())
    }
}

/// EINVAL for the unnamed address, which std cannot build.
impl TryFrom<&SockaddrUnix> for std::os::unix::net::SocketAddr {
    type Error = Errno;
    fn try_from(a: &SockaddrUnix) -> Result<Self> {
        let io = |e: std::io::Error| Errno::from_io_error(&e).unwrap_or(Errno::EINVAL);
        match a.kind() {
            UnixAddrKind::Path(p) => Self::from_pathname(Path::new(OsStr::from_bytes(p))).map_err(io),
            #[cfg(any(target_os = "linux", target_os = "android"))]
            UnixAddrKind::Abstract(n) => {
                #[cfg(target_os = "android")]
                use std::os::android::net::SocketAddrExt;
                #[cfg(target_os = "linux")]
                use std::os::linux::net::SocketAddrExt;
                Self::from_abstract_name(n).map_err(io)
            }
            _ => Err(Errno::EINVAL),
        }
    }
}

// ----- Datalink -----

impl SockaddrDatalink {
    /// A datalink address: interface `index`, `link_type` (`IFT_*`), and the
    /// interface name, link-layer address and selector.
    ///
    /// # Errors
    /// EINVAL: name, address and selector longer than 104 bytes together, or
    /// any of them longer than 255.
    pub fn new(index: u16, link_type: u8, name: &[u8], addr: &[u8], selector: &[u8]) -> Result<Self> {
        let len8 = |b: &[u8]| u8::try_from(b.len()).map_err(|_| Errno::EINVAL);
        let (nlen, alen, slen) = (len8(name)?, len8(addr)?, len8(selector)?);
        let total = name.len() + addr.len() + selector.len();
        if total > DATALINK_DATA_MAX {
            return Err(Errno::EINVAL);
        }
        let mut d = SockaddrDatalink {
            index,
            link_type,
            nlen,
            alen,
            slen,
            data: [0; DATALINK_DATA_MAX],
        };
        let (n, rest) = d.data.split_at_mut(name.len());
        n.copy_from_slice(name);
        let (a, rest) = rest.split_at_mut(addr.len());
        a.copy_from_slice(addr);
        rest.get_mut(..selector.len())
            .ok_or(Errno::EINVAL)?
            .copy_from_slice(selector);
        Ok(d)
    }

    /// `sdl_index`: the interface index (0 if none).
    #[inline]
    #[must_use]
    pub fn index(&self) -> u16 {
        self.index
    }

    /// `sdl_type`: the interface type (`IFT_ETHER`, …).
    #[inline]
    #[must_use]
    pub fn link_type(&self) -> u8 {
        self.link_type
    }

    fn data(&self) -> &[u8] {
        let total = usize::from(self.nlen) + usize::from(self.alen) + usize::from(self.slen);
        self.data.get(..total).unwrap_or_default()
    }

    /// The interface name (`em0`; not NUL-terminated).
    #[must_use]
    pub fn name(&self) -> &[u8] {
        self.data.get(..usize::from(self.nlen)).unwrap_or_default()
    }

    /// The link-layer address (`LLADDR`).
    #[must_use]
    pub fn addr(&self) -> &[u8] {
        let n = usize::from(self.nlen);
        self.data.get(n..n + usize::from(self.alen)).unwrap_or_default()
    }

    /// The link-layer selector.
    #[must_use]
    pub fn selector(&self) -> &[u8] {
        let n = usize::from(self.nlen) + usize::from(self.alen);
        self.data.get(n..n + usize::from(self.slen)).unwrap_or_default()
    }
}

impl fmt::Debug for SockaddrDatalink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SockaddrDatalink")
            .field("index", &self.index)
            .field("link_type", &self.link_type)
            .field("name", &self.name().escape_ascii().to_string())
            .field("addr", &self.addr())
            .field("selector", &self.selector())
            .finish()
    }
}

// ----- LinkLayer -----

impl SockaddrLinkLayer {
    /// A link-layer address: `protocol` (an `ETH_P_*` value, host byte
    /// order), interface index, `ARPHRD_*` type, `PACKET_*` type, address.
    ///
    /// # Errors
    /// EINVAL: an address longer than 32 bytes (`MAX_ADDR_LEN`).
    pub fn new(protocol: u16, ifindex: i32, hatype: u16, pkttype: u8, addr: &[u8]) -> Result<Self> {
        if addr.len() > LINK_ADDR_MAX {
            return Err(Errno::EINVAL);
        }
        let mut l = SockaddrLinkLayer {
            protocol,
            ifindex,
            hatype,
            pkttype,
            halen: addr.len() as u8,
            addr: [0; LINK_ADDR_MAX],
        };
        l.addr[..addr.len()].copy_from_slice(addr);
        Ok(l)
    }

    /// `sll_protocol`, in host byte order.
    #[inline]
    #[must_use]
    pub fn protocol(&self) -> u16 {
        self.protocol
    }

    /// `sll_ifindex`.
    #[inline]
    #[must_use]
    pub fn ifindex(&self) -> i32 {
        self.ifindex
    }

    /// `sll_hatype` (`ARPHRD_*`).
    #[inline]
    #[must_use]
    pub fn hatype(&self) -> u16 {
        self.hatype
    }

    /// `sll_pkttype` (`PACKET_HOST`, …).
    #[inline]
    #[must_use]
    pub fn pkttype(&self) -> u8 {
        self.pkttype
    }

    /// The link-layer address (`sll_halen` bytes).
    #[must_use]
    pub fn addr(&self) -> &[u8] {
        self.addr.get(..usize::from(self.halen)).unwrap_or_default()
    }
}

impl fmt::Debug for SockaddrLinkLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SockaddrLinkLayer")
            .field("protocol", &format_args!("{:#06x}", self.protocol))
            .field("ifindex", &self.ifindex)
            .field("hatype", &self.hatype)
            .field("pkttype", &self.pkttype)
            .field("addr", &self.addr())
            .finish()
    }
}

// ----- SockaddrStorage -----

impl SockaddrStorage {
    /// Uninitialized bytes, length 0: for the kernel to fill.
    #[inline]
    pub(crate) fn uninit() -> Self {
        SockaddrStorage {
            buf: MaybeUninit::uninit(),
            len: 0,
        }
    }

    /// Copies a native `sockaddr` of `len` bytes.
    ///
    /// # Safety
    /// `ptr` must be valid for reads of `len` bytes.
    ///
    /// # Errors
    /// EINVAL: a null pointer, or `len` over 128.
    pub unsafe fn from_raw(ptr: *const libc::sockaddr, len: libc::socklen_t) -> Result<Self> {
        if ptr.is_null() || len as usize > STORAGE_LEN {
            return Err(Errno::EINVAL);
        }
        let mut s = Self::uninit();
        // SAFETY: the caller guarantees `len` readable bytes; `s.buf` has
        // room for STORAGE_LEN >= len and does not overlap them.
        unsafe { core::ptr::copy_nonoverlapping(ptr.cast::<u8>(), s.buf.as_mut_ptr().cast::<u8>(), len as usize) };
        s.len = len;
        Ok(s)
    }

    /// What a call that returns an address leaves: the kernel wrote
    /// `bytes` (at most 128 of them; the rest zero) and reported
    /// `reported_len`, clamped to the capacity as [`set_len`](Self::set_len)
    /// does. For the fuzz targets.
    pub(crate) fn kernel_filled(bytes: &[u8], reported_len: libc::socklen_t) -> Self {
        let mut s = Self::uninit();
        let n = bytes.len().min(STORAGE_LEN);
        for (i, b) in s.bytes_mut().iter_mut().enumerate() {
            b.write(if i < n { bytes.get(i).copied().unwrap_or(0) } else { 0 });
        }
        // SAFETY: all STORAGE_LEN bytes were written just above.
        unsafe { s.set_len(reported_len) };
        s
    }

    /// A pointer to the address, for a raw call.
    #[inline]
    #[must_use]
    pub fn as_ptr(&self) -> *const libc::sockaddr {
        self.buf.as_ptr().cast()
    }

    /// A writable pointer for the kernel to fill (capacity [`STORAGE_LEN`]).
    #[inline]
    pub(crate) fn as_mut_ptr(&mut self) -> *mut libc::sockaddr {
        self.buf.as_mut_ptr().cast()
    }

    /// The capacity the kernel may fill.
    #[inline]
    pub(crate) const fn capacity() -> libc::socklen_t {
        STORAGE_LEN as libc::socklen_t
    }

    /// Records how many bytes the kernel wrote (clamped to the capacity:
    /// a kernel reports the full length of an address it truncated).
    ///
    /// # Safety
    /// The kernel must have initialized the first `min(len, 128)` bytes.
    #[inline]
    pub(crate) unsafe fn set_len(&mut self, len: libc::socklen_t) {
        self.len = len.min(Self::capacity());
    }

    /// The address length.
    #[inline]
    #[must_use]
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> libc::socklen_t {
        self.len
    }

    /// The address bytes (`len` of them).
    #[inline]
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: by the invariant, the first `len` (<= STORAGE_LEN) bytes
        // are initialized.
        unsafe { core::slice::from_raw_parts(self.buf.as_ptr().cast::<u8>(), self.len as usize) }
    }

    /// Decodes the address (native layout).
    ///
    /// # Errors
    /// As [`Sockaddr::decode`].
    #[inline]
    pub fn decode(&self) -> Result<Sockaddr> {
        Sockaddr::decode(self.as_bytes())
    }

    /// Decodes an IPv4 or IPv6 address straight to std (`None` for another
    /// family or a length too short for the family): the shortest way back
    /// from the kernel's bytes to a [`SocketAddr`].
    #[inline]
    #[must_use]
    pub fn as_socket_addr(&self) -> Option<SocketAddr> {
        codec::decode_socket_addr(Layout::NATIVE, self.as_bytes())
    }

    /// The bytes, for encoding into.
    #[inline]
    fn bytes_mut(&mut self) -> &mut [MaybeUninit<u8>; STORAGE_LEN] {
        // SAFETY: a byte array and an array of MaybeUninit bytes have the
        // same layout; the view only writes.
        unsafe { &mut *self.buf.as_mut_ptr().cast::<[MaybeUninit<u8>; STORAGE_LEN]>() }
    }
}

/// Encodes a std address as the native kernel reads it: the shortest way
/// from a [`SocketAddr`] to the kernel's bytes.
impl From<SocketAddr> for SockaddrStorage {
    #[inline]
    fn from(a: SocketAddr) -> Self {
        match a {
            SocketAddr::V4(a) => a.into(),
            SocketAddr::V6(a) => a.into(),
        }
    }
}

impl From<SocketAddrV4> for SockaddrStorage {
    #[inline]
    fn from(a: SocketAddrV4) -> Self {
        let mut s = SockaddrStorage::uninit();
        let len = codec::encode_v4(Layout::NATIVE, *a.ip(), a.port(), s.bytes_mut());
        // The encoder initialized the first `len` bytes.
        s.len = len as libc::socklen_t;
        s
    }
}

impl From<SocketAddrV6> for SockaddrStorage {
    #[inline]
    fn from(a: SocketAddrV6) -> Self {
        let mut s = SockaddrStorage::uninit();
        let len = codec::encode_v6(
            Layout::NATIVE,
            a.ip(),
            a.port(),
            a.flowinfo(),
            a.scope_id(),
            s.bytes_mut(),
        );
        // The encoder initialized the first `len` bytes.
        s.len = len as libc::socklen_t;
        s
    }
}

impl fmt::Debug for SockaddrStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SockaddrStorage")
            .field("len", &self.len)
            .field("bytes", &self.as_bytes())
            .finish()
    }
}

impl TryFrom<&Sockaddr> for SockaddrStorage {
    type Error = Errno;
    #[inline]
    fn try_from(a: &Sockaddr) -> Result<Self> {
        a.encode()
    }
}
