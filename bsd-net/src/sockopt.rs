//! Socket options: typed [`getsockopt`]/[`setsockopt`] for the values Go's
//! `syscall.GetsockoptInt`, `syscall.SetsockoptLinger` and their siblings
//! read and write (and a few more), safe named helpers for the common
//! options, a raw `unsafe` escape hatch, and [`peer_credentials`].
//!
//! Every typed read checks that the kernel returned exactly the value's
//! size: asking for a `Linger` from an `int` option is EINVAL, not a
//! half-read value.

use crate::sys;
use bsd_errno::{Errno, Result};
use core::mem::{size_of, MaybeUninit};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::AsFd;
use std::time::Duration;

mod sealed {
    /// The C representation of a [`SockOpt`](super::SockOpt) value: plain
    /// integer data for which any bit pattern is valid.
    pub trait Sealed: Sized {
        type Raw: Copy;
        /// The C value; EOVERFLOW/EINVAL for a value the C type cannot hold
        /// (never a wrapped or truncated one).
        fn to_raw(&self) -> bsd_errno::Result<Self::Raw>;
        /// The Rust value; EINVAL for C bytes no Rust value stands for.
        fn from_raw(raw: Self::Raw) -> bsd_errno::Result<Self>;
    }
}

/// A value [`getsockopt`] and [`setsockopt`] can read and write, with its C
/// type's exact size: `u8`, `i32` (`int`), `bool` (an `int`), [`Ipv4Addr`]
/// (`in_addr`), [`IpMreq`], [`Ipv6Mreq`], [`Ipv6MtuInfo`], [`Icmp6Filter`],
/// [`Linger`], [`Duration`] (`timeval`).
///
/// Sealed: options of other types go through [`getsockopt_raw`] and
/// [`setsockopt_raw`].
pub trait SockOpt: sealed::Sealed {}

/// `getsockopt(fd, level, name)` as a typed value.
///
/// Safe for any option: the kernel gets a zeroed buffer of exactly `T`'s
/// size and writes at most that many bytes, so an option that reads its
/// argument as a structure holding a pointer sees a null pointer (EFAULT),
/// never one the caller did not vouch for.
///
/// ```
/// use bsd_net::*;
/// let fd = socket(AddressFamily::INET, SocketType::STREAM, SocketFlags::empty())?;
/// set_keepalive(&fd, true)?;
/// assert!(getsockopt::<bool>(&fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE)?);
/// // The wrong type for the option: its length does not match.
/// assert_eq!(getsockopt::<Linger>(&fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE).unwrap_err(), bsd_errno::Errno::EINVAL);
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
///
/// # Errors
/// - EINVAL: the kernel returned a length other than `T`'s size (the
///   option has another type), or bytes no `T` stands for (a `timeval` with
///   negative seconds read as a [`Duration`]).
/// - ENOPROTOOPT: no such option at that level; ENOTSOCK.
///
#[doc = man_links!("getsockopt", "2")]
#[doc(alias = "GetsockoptByte")]
#[doc(alias = "GetsockoptInt")]
#[doc(alias = "GetsockoptInet4Addr")]
#[doc(alias = "GetsockoptIPMreq")]
#[doc(alias = "GetsockoptIPv6Mreq")]
#[doc(alias = "GetsockoptIPv6MTUInfo")]
#[doc(alias = "GetsockoptICMPv6Filter")]
pub fn getsockopt<T: SockOpt>(fd: impl AsFd, level: libc::c_int, name: libc::c_int) -> Result<T> {
    let mut raw = MaybeUninit::<T::Raw>::zeroed();
    let size = size_of::<T::Raw>() as libc::socklen_t;
    // SAFETY: `raw` is writable for `size` bytes; it is plain data with no
    // pointers (zeroed), so the kernel has nothing to follow.
    let len = unsafe { sys::getsockopt(fd.as_fd(), level, name, raw.as_mut_ptr().cast(), size)? };
    if len != size {
        return Err(Errno::EINVAL);
    }
    // SAFETY: zero-initialized, then filled by the kernel; every `Raw` type
    // is plain integer data, valid for any bytes.
    T::from_raw(unsafe { raw.assume_init() })
}

/// `setsockopt(fd, level, name, value)` with a typed value, for an option
/// this crate has no named helper for.
///
/// The value is plain data of the right C type, but the option is any
/// `(level, name)` the caller picks, and some options read their value as a
/// structure holding a pointer the kernel follows (`SO_ATTACH_FILTER` reads
/// a `sock_fprog` and copies the filter it points to; a `Linger` or an
/// `IpMreq` has the same size on 32-bit targets). Hence `unsafe`; the named
/// helpers ([`set_reuse_addr`], [`set_linger`], [`set_recv_timeout`],
/// [`join_multicast_v4`], …) are safe.
///
/// ```
/// use bsd_net::*;
/// let fd = socket(AddressFamily::INET, SocketType::STREAM, SocketFlags::empty())?;
/// // SAFETY: SO_KEEPALIVE takes a plain `int`.
/// unsafe { setsockopt(&fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE, true)? };
/// assert!(keepalive(&fd)?);
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
///
/// # Safety
/// The option `(level, name)` must take a value of `T`'s C type that holds
/// no pointer, address or descriptor number the kernel acts on — an
/// integer, a flag, an address, a plain structure. An option whose value
/// the kernel dereferences must go through a caller-built value with
/// [`setsockopt_raw`], whose pointers the caller vouches for.
///
/// # Errors
/// - EOVERFLOW: a [`Duration`] whose seconds do not fit `time_t`.
/// - EINVAL for a value the option rejects (or one of the wrong size);
///   ENOPROTOOPT for an option the level does not have; ENOTSOCK.
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "SetsockoptByte")]
#[doc(alias = "SetsockoptInt")]
#[doc(alias = "SetsockoptInet4Addr")]
#[doc(alias = "SetsockoptIPMreq")]
#[doc(alias = "SetsockoptIPv6Mreq")]
#[doc(alias = "SetsockoptICMPv6Filter")]
#[doc(alias = "SetsockoptLinger")]
#[doc(alias = "SetsockoptTimeval")]
pub unsafe fn setsockopt<T: SockOpt>(fd: impl AsFd, level: libc::c_int, name: libc::c_int, value: T) -> Result<()> {
    set(fd, level, name, value)
}

/// The safe core of [`setsockopt`], for the named helpers of this module:
/// each passes an option whose value is plain data of `T`'s type.
fn set<T: SockOpt>(fd: impl AsFd, level: libc::c_int, name: libc::c_int, value: T) -> Result<()> {
    let raw = value.to_raw()?;
    // SAFETY: `raw` is readable for its size; every caller in this module
    // passes an option whose value holds no pointer the kernel follows.
    unsafe {
        sys::setsockopt(
            fd.as_fd(),
            level,
            name,
            (&raw as *const T::Raw).cast(),
            size_of::<T::Raw>() as libc::socklen_t,
        )
    }
}

/// `getsockopt` into raw bytes, for options this crate does not type;
/// returns the length the kernel reported.
///
/// # Safety
/// `buf` is passed to the kernel as is: for options whose value holds
/// pointers the kernel follows, they must be valid for what the option does
/// with them.
///
/// # Errors
/// As [`getsockopt`], without the length check (and EINVAL for a buffer
/// over 4 GiB).
///
#[doc = man_links!("getsockopt", "2")]
pub unsafe fn getsockopt_raw(fd: impl AsFd, level: libc::c_int, name: libc::c_int, buf: &mut [u8]) -> Result<usize> {
    let len = libc::socklen_t::try_from(buf.len()).map_err(|_| Errno::EINVAL)?;
    // SAFETY: `buf` is writable for `len` bytes; the rest is the caller's.
    let got = unsafe { sys::getsockopt(fd.as_fd(), level, name, buf.as_mut_ptr().cast(), len)? };
    Ok(got as usize)
}

/// `setsockopt` with raw bytes, for options this crate does not type
/// (strings such as `SO_BINDTODEVICE` or `TCP_CONGESTION`, structs).
///
/// # Safety
/// As [`getsockopt_raw`]: the kernel may follow pointers inside `value`.
///
/// # Errors
/// As [`setsockopt`].
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "SetsockoptString")]
pub unsafe fn setsockopt_raw(fd: impl AsFd, level: libc::c_int, name: libc::c_int, value: &[u8]) -> Result<()> {
    let len = libc::socklen_t::try_from(value.len()).map_err(|_| Errno::EINVAL)?;
    // SAFETY: `value` is readable for `len` bytes; the rest is the caller's.
    unsafe { sys::setsockopt(fd.as_fd(), level, name, value.as_ptr().cast(), len) }
}

// ----- value types -----

macro_rules! plain {
    ($t:ty) => {
        impl sealed::Sealed for $t {
            type Raw = $t;
            #[inline]
            fn to_raw(&self) -> Result<$t> {
                Ok(*self)
            }
            #[inline]
            fn from_raw(raw: $t) -> Result<$t> {
                Ok(raw)
            }
        }
        impl SockOpt for $t {}
    };
}
plain!(u8);
plain!(i32);

impl sealed::Sealed for bool {
    type Raw = libc::c_int;
    #[inline]
    fn to_raw(&self) -> Result<libc::c_int> {
        Ok(libc::c_int::from(*self))
    }
    #[inline]
    fn from_raw(raw: libc::c_int) -> Result<bool> {
        Ok(raw != 0)
    }
}
impl SockOpt for bool {}

#[inline]
fn in_addr(a: Ipv4Addr) -> libc::in_addr {
    libc::in_addr {
        s_addr: u32::from(a).to_be(),
    }
}

#[inline]
fn ipv4(a: libc::in_addr) -> Ipv4Addr {
    Ipv4Addr::from(u32::from_be(a.s_addr))
}

#[inline]
fn in6_addr(a: Ipv6Addr) -> libc::in6_addr {
    // SAFETY: in6_addr is plain bytes (and on some platforms a union of
    // integer views of them); all zeros is valid.
    let mut r: libc::in6_addr = unsafe { core::mem::zeroed() };
    r.s6_addr = a.octets();
    r
}

/// `in_addr`.
impl sealed::Sealed for Ipv4Addr {
    type Raw = libc::in_addr;
    #[inline]
    fn to_raw(&self) -> Result<libc::in_addr> {
        Ok(in_addr(*self))
    }
    #[inline]
    fn from_raw(raw: libc::in_addr) -> Result<Ipv4Addr> {
        Ok(ipv4(raw))
    }
}
impl SockOpt for Ipv4Addr {}

/// `struct ip_mreq`: an IPv4 multicast group and the local interface
/// address to join it on (`IP_ADD_MEMBERSHIP`, `IP_DROP_MEMBERSHIP`).
///
#[doc = man_links!("ip", "4", "ip", "7")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "IPMreq")]
#[doc(alias = "ip_mreq")]
pub struct IpMreq {
    /// The group.
    pub multiaddr: Ipv4Addr,
    /// The local interface's address (`0.0.0.0`: let the kernel choose).
    pub interface: Ipv4Addr,
}

impl sealed::Sealed for IpMreq {
    type Raw = libc::ip_mreq;
    fn to_raw(&self) -> Result<libc::ip_mreq> {
        Ok(libc::ip_mreq {
            imr_multiaddr: in_addr(self.multiaddr),
            imr_interface: in_addr(self.interface),
        })
    }
    fn from_raw(raw: libc::ip_mreq) -> Result<IpMreq> {
        Ok(IpMreq {
            multiaddr: ipv4(raw.imr_multiaddr),
            interface: ipv4(raw.imr_interface),
        })
    }
}
impl SockOpt for IpMreq {}

/// `struct ipv6_mreq`: an IPv6 multicast group and the interface index to
/// join it on (`IPV6_JOIN_GROUP`/`IPV6_ADD_MEMBERSHIP`).
///
#[doc = man_links!("ip6", "4", "ipv6", "7")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "IPv6Mreq")]
#[doc(alias = "ipv6_mreq")]
pub struct Ipv6Mreq {
    /// The group.
    pub multiaddr: Ipv6Addr,
    /// The interface index (0: let the kernel choose).
    pub interface: u32,
}

impl sealed::Sealed for Ipv6Mreq {
    type Raw = libc::ipv6_mreq;
    fn to_raw(&self) -> Result<libc::ipv6_mreq> {
        Ok(libc::ipv6_mreq {
            ipv6mr_multiaddr: in6_addr(self.multiaddr),
            ipv6mr_interface: self.interface as _,
        })
    }
    // `ipv6mr_interface` is `unsigned int`, but `int` on Android.
    #[allow(clippy::unnecessary_cast)]
    fn from_raw(raw: libc::ipv6_mreq) -> Result<Ipv6Mreq> {
        Ok(Ipv6Mreq {
            multiaddr: Ipv6Addr::from(raw.ipv6mr_multiaddr.s6_addr),
            interface: raw.ipv6mr_interface as u32,
        })
    }
}
impl SockOpt for Ipv6Mreq {}

/// `struct ip6_mtuinfo` (not bound by `libc`): a destination and its path
/// MTU.
#[derive(Clone, Copy)]
#[repr(C)]
#[allow(non_camel_case_types, missing_debug_implementations)]
pub struct ip6_mtuinfo {
    ip6m_addr: libc::sockaddr_in6,
    ip6m_mtu: u32,
}

/// The path MTU to an IPv6 destination (`IPV6_PATHMTU`, `struct
/// ip6_mtuinfo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "IPv6MTUInfo")]
#[doc(alias = "ip6_mtuinfo")]
pub struct Ipv6MtuInfo {
    /// The destination (the BSDs and Apple fill it in; Linux leaves it
    /// zero).
    pub addr: crate::SockaddrInet6,
    /// Its path MTU.
    pub mtu: u32,
}

impl sealed::Sealed for Ipv6MtuInfo {
    type Raw = ip6_mtuinfo;
    fn to_raw(&self) -> Result<ip6_mtuinfo> {
        // SAFETY: sockaddr_in6 is plain integer data; all zeros is valid.
        let mut sa: libc::sockaddr_in6 = unsafe { core::mem::zeroed() };
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            sa.sin6_len = size_of::<libc::sockaddr_in6>() as u8;
        }
        sa.sin6_family = libc::AF_INET6 as libc::sa_family_t;
        sa.sin6_port = self.addr.port.to_be();
        sa.sin6_flowinfo = self.addr.flowinfo;
        sa.sin6_addr = in6_addr(self.addr.addr);
        sa.sin6_scope_id = self.addr.scope_id;
        Ok(ip6_mtuinfo {
            ip6m_addr: sa,
            ip6m_mtu: self.mtu,
        })
    }
    fn from_raw(raw: ip6_mtuinfo) -> Result<Ipv6MtuInfo> {
        let sa = raw.ip6m_addr;
        Ok(Ipv6MtuInfo {
            addr: crate::SockaddrInet6 {
                port: u16::from_be(sa.sin6_port),
                addr: Ipv6Addr::from(sa.sin6_addr.s6_addr),
                flowinfo: sa.sin6_flowinfo,
                scope_id: sa.sin6_scope_id,
            },
            mtu: raw.ip6m_mtu,
        })
    }
}
impl SockOpt for Ipv6MtuInfo {}

/// Which ICMPv6 message types a raw ICMPv6 socket passes up
/// (`ICMP6_FILTER`, `struct icmp6_filter`).
///
/// The platforms store it inversely — on Linux a set bit blocks a type, on
/// the BSDs and Apple it passes it — and the methods hide that:
///
/// ```
/// use bsd_net::Icmp6Filter;
/// let mut f = Icmp6Filter::block_all();
/// f.set_pass(128); // echo request
/// assert!(f.will_pass(128));
/// assert!(f.will_block(129));
/// ```
///
#[doc = man_links!("icmp6", "4", "icmpv6", "7")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "ICMPv6Filter")]
#[doc(alias = "icmp6_filter")]
pub struct Icmp6Filter {
    words: [u32; 8],
}

/// Linux's filter bits mean "block"; the BSDs' (KAME) mean "pass".
const ICMP6_BIT_BLOCKS: bool = cfg!(any(target_os = "linux", target_os = "android"));

#[inline]
fn icmp6_bit(ty: u8) -> (usize, u32) {
    (usize::from(ty >> 5), 1u32 << (ty & 31))
}

/// Sets `ty` to pass or block in `words`, whose set bits block when
/// `bit_blocks` (Linux) and pass otherwise (BSD).
#[inline]
fn icmp6_set(words: &mut [u32; 8], ty: u8, pass: bool, bit_blocks: bool) {
    let (i, bit) = icmp6_bit(ty);
    if pass != bit_blocks {
        words[i] |= bit;
    } else {
        words[i] &= !bit;
    }
}

#[inline]
fn icmp6_passes(words: &[u32; 8], ty: u8, bit_blocks: bool) -> bool {
    let (i, bit) = icmp6_bit(ty);
    (words[i] & bit != 0) != bit_blocks
}

impl Icmp6Filter {
    /// Passes every type (`ICMP6_FILTER_SETPASSALL`).
    #[must_use]
    pub const fn pass_all() -> Self {
        Icmp6Filter {
            words: if ICMP6_BIT_BLOCKS { [0; 8] } else { [!0; 8] },
        }
    }

    /// Blocks every type (`ICMP6_FILTER_SETBLOCKALL`).
    #[must_use]
    pub const fn block_all() -> Self {
        Icmp6Filter {
            words: if ICMP6_BIT_BLOCKS { [!0; 8] } else { [0; 8] },
        }
    }

    /// Passes `ty` (`ICMP6_FILTER_SETPASS`).
    pub fn set_pass(&mut self, ty: u8) {
        icmp6_set(&mut self.words, ty, true, ICMP6_BIT_BLOCKS);
    }

    /// Blocks `ty` (`ICMP6_FILTER_SETBLOCK`).
    pub fn set_block(&mut self, ty: u8) {
        icmp6_set(&mut self.words, ty, false, ICMP6_BIT_BLOCKS);
    }

    /// Whether `ty` passes (`ICMP6_FILTER_WILLPASS`).
    #[must_use]
    pub fn will_pass(&self, ty: u8) -> bool {
        icmp6_passes(&self.words, ty, ICMP6_BIT_BLOCKS)
    }

    /// Whether `ty` is blocked (`ICMP6_FILTER_WILLBLOCK`).
    #[must_use]
    pub fn will_block(&self, ty: u8) -> bool {
        !self.will_pass(ty)
    }

    /// The raw words, as this platform's kernel reads them.
    #[must_use]
    pub const fn to_words(self) -> [u32; 8] {
        self.words
    }

    /// From raw words, as this platform's kernel writes them.
    #[must_use]
    pub const fn from_words(words: [u32; 8]) -> Self {
        Icmp6Filter { words }
    }
}

impl sealed::Sealed for Icmp6Filter {
    type Raw = [u32; 8];
    fn to_raw(&self) -> Result<[u32; 8]> {
        Ok(self.words)
    }
    fn from_raw(raw: [u32; 8]) -> Result<Icmp6Filter> {
        Ok(Icmp6Filter { words: raw })
    }
}
impl SockOpt for Icmp6Filter {}

/// `struct linger`, raw: whether lingering is on and its `l_linger` value
/// (seconds; with `SO_LINGER` on Apple, clock ticks — [`set_linger`] uses
/// `SO_LINGER_SEC` there).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "linger")]
pub struct Linger {
    /// `l_onoff`.
    pub enabled: bool,
    /// `l_linger`.
    pub linger: i32,
}

impl sealed::Sealed for Linger {
    type Raw = libc::linger;
    fn to_raw(&self) -> Result<libc::linger> {
        Ok(libc::linger {
            l_onoff: self.enabled.into(),
            l_linger: self.linger,
        })
    }
    fn from_raw(raw: libc::linger) -> Result<Linger> {
        Ok(Linger {
            enabled: raw.l_onoff != 0,
            linger: raw.l_linger,
        })
    }
}
impl SockOpt for Linger {}

/// `struct timeval`. Microseconds are rounded up, so a non-zero duration
/// never becomes 0 (which means "no timeout"). Seconds that do not fit
/// `time_t` (beyond `i64::MAX`, or `i32::MAX` where `time_t` is 32 bits)
/// are EOVERFLOW, never a wrapped or truncated value.
// `time_t` and `suseconds_t` are `i64` on some targets and `i32` on others.
#[allow(clippy::useless_conversion, clippy::unnecessary_fallible_conversions)]
impl sealed::Sealed for Duration {
    type Raw = libc::timeval;
    fn to_raw(&self) -> Result<libc::timeval> {
        let (sec, usec) = timeval_parts(*self).ok_or(Errno::EOVERFLOW)?;
        // SAFETY: timeval is plain integer data (some platforms pad it).
        let mut tv: libc::timeval = unsafe { core::mem::zeroed() };
        tv.tv_sec = libc::time_t::try_from(sec).map_err(|_| Errno::EOVERFLOW)?;
        tv.tv_usec = libc::suseconds_t::try_from(usec).map_err(|_| Errno::EOVERFLOW)?;
        Ok(tv)
    }
    fn from_raw(raw: libc::timeval) -> Result<Duration> {
        duration_from_timeval(i64::from(raw.tv_sec), i64::from(raw.tv_usec))
    }
}

/// The whole seconds and microseconds (rounded up) of `d`; `None` when the
/// rounding carries past `u64::MAX` seconds.
#[inline]
fn timeval_parts(d: Duration) -> Option<(u64, u32)> {
    let usec = d.subsec_nanos().div_ceil(1000);
    if usec == 1_000_000 {
        Some((d.as_secs().checked_add(1)?, 0))
    } else {
        Some((d.as_secs(), usec))
    }
}

/// A `timeval` the kernel returned as a [`Duration`]: EINVAL for negative
/// seconds or microseconds outside `0..1_000_000` (not a duration).
#[inline]
fn duration_from_timeval(sec: i64, usec: i64) -> Result<Duration> {
    let sec = u64::try_from(sec).map_err(|_| Errno::EINVAL)?;
    let usec = u32::try_from(usec)
        .ok()
        .filter(|u| *u < 1_000_000)
        .ok_or(Errno::EINVAL)?;
    Ok(Duration::new(sec, usec * 1000))
}
impl SockOpt for Duration {}

// ----- named options -----

macro_rules! bool_opt {
    ($(#[doc = $doc:literal])* $(#[cfg($c:meta)])? $get:ident, $set:ident, $level:expr, $name:expr, $cname:literal) => {
        $(#[doc = $doc])*
        $(#[cfg($c)] #[cfg_attr(docsrs, doc(cfg($c)))])?
        #[doc = ""]
        #[doc = "# Errors"]
        #[doc = "ENOPROTOOPT where the socket's protocol lacks the option; ENOTSOCK."]
        #[doc = ""]
        #[doc = man_links!("getsockopt", "2")]
        #[doc(alias = $cname)]
        #[inline]
        pub fn $get(fd: impl AsFd) -> Result<bool> {
            getsockopt::<bool>(fd, $level, $name)
        }

        #[doc = concat!("Sets `", $cname, "` (see [`", stringify!($get), "`]).")]
        #[doc = ""]
        #[doc = "# Errors"]
        #[doc = "ENOPROTOOPT where the socket's protocol lacks the option; ENOTSOCK."]
        #[doc = ""]
        #[doc = man_links!("setsockopt", "2")]
        #[doc(alias = $cname)]
        $(#[cfg($c)] #[cfg_attr(docsrs, doc(cfg($c)))])?
        #[inline]
        pub fn $set(fd: impl AsFd, on: bool) -> Result<()> {
            set(fd, $level, $name, on)
        }
    };
}

macro_rules! int_opt {
    ($(#[doc = $doc:literal])* $(#[cfg($c:meta)])? $get:ident, $set:ident, $level:expr, $name:expr, $cname:literal) => {
        $(#[doc = $doc])*
        $(#[cfg($c)] #[cfg_attr(docsrs, doc(cfg($c)))])?
        #[doc = ""]
        #[doc = "# Errors"]
        #[doc = "ENOPROTOOPT where the socket's protocol lacks the option; ENOTSOCK."]
        #[doc = ""]
        #[doc = man_links!("getsockopt", "2")]
        #[doc(alias = $cname)]
        #[inline]
        pub fn $get(fd: impl AsFd) -> Result<u32> {
            let v = getsockopt::<i32>(fd, $level, $name)?;
            u32::try_from(v).map_err(|_| Errno::EINVAL)
        }

        #[doc = concat!("Sets `", $cname, "` (see [`", stringify!($get), "`]).")]
        #[doc = ""]
        #[doc = "# Errors"]
        #[doc = "EINVAL for a value out of the option's range (or over `i32::MAX`); ENOPROTOOPT, ENOTSOCK."]
        #[doc = ""]
        #[doc = man_links!("setsockopt", "2")]
        #[doc(alias = $cname)]
        $(#[cfg($c)] #[cfg_attr(docsrs, doc(cfg($c)))])?
        #[inline]
        pub fn $set(fd: impl AsFd, value: u32) -> Result<()> {
            let v = i32::try_from(value).map_err(|_| Errno::EINVAL)?;
            set(fd, $level, $name, v)
        }
    };
}

bool_opt!(
    /// `SO_REUSEADDR`: whether the local address may be reused (a TCP port in
    /// TIME_WAIT, say).
    reuse_addr, set_reuse_addr, libc::SOL_SOCKET, libc::SO_REUSEADDR, "SO_REUSEADDR"
);
bool_opt!(
    /// `SO_REUSEPORT`: whether several sockets may bind the same address and
    /// port (load-balanced on Linux and FreeBSD's `SO_REUSEPORT_LB`).
    reuse_port, set_reuse_port, libc::SOL_SOCKET, libc::SO_REUSEPORT, "SO_REUSEPORT"
);
bool_opt!(
    /// `SO_KEEPALIVE`: whether TCP keepalives are sent.
    keepalive, set_keepalive, libc::SOL_SOCKET, libc::SO_KEEPALIVE, "SO_KEEPALIVE"
);
bool_opt!(
    /// `SO_BROADCAST`: whether datagrams may go to broadcast addresses.
    broadcast, set_broadcast, libc::SOL_SOCKET, libc::SO_BROADCAST, "SO_BROADCAST"
);
bool_opt!(
    /// `SO_TIMESTAMP`: whether received datagrams carry a
    /// [`ControlMessage::Timestamp`](crate::ControlMessage::Timestamp).
    timestamp, set_timestamp, libc::SOL_SOCKET, libc::SO_TIMESTAMP, "SO_TIMESTAMP"
);
bool_opt!(
    /// `SO_NOSIGPIPE`: whether writes to a broken connection fail with EPIPE
    /// instead of raising SIGPIPE (Apple, FreeBSD, DragonFly, NetBSD). This
    /// crate sets it on every socket it creates on Apple; its sends use
    /// `MSG_NOSIGNAL` elsewhere.
    #[cfg(any(target_vendor = "apple", target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd"))]
    nosigpipe, set_nosigpipe, libc::SOL_SOCKET, libc::SO_NOSIGPIPE, "SO_NOSIGPIPE"
);
bool_opt!(
    /// `TCP_NODELAY`: whether Nagle's algorithm is off.
    nodelay, set_nodelay, libc::IPPROTO_TCP, libc::TCP_NODELAY, "TCP_NODELAY"
);
bool_opt!(
    /// `IPV6_V6ONLY`: whether an IPv6 socket refuses IPv4-mapped traffic.
    only_v6, set_only_v6, libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, "IPV6_V6ONLY"
);
bool_opt!(
    /// `IPV6_MULTICAST_LOOP`: whether multicast sent is looped back locally.
    multicast_loop_v6, set_multicast_loop_v6, libc::IPPROTO_IPV6, libc::IPV6_MULTICAST_LOOP, "IPV6_MULTICAST_LOOP"
);
bool_opt!(
    /// `IPV6_RECVPKTINFO`: whether received datagrams carry a
    /// [`ControlMessage::Ipv6PacketInfo`](crate::ControlMessage::Ipv6PacketInfo).
    recv_packet_info_v6, set_recv_packet_info_v6, libc::IPPROTO_IPV6, libc::IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO"
);
int_opt!(
    /// `IP_TTL`: the time-to-live of unicast packets sent.
    ttl, set_ttl, libc::IPPROTO_IP, libc::IP_TTL, "IP_TTL"
);
int_opt!(
    /// `IPV6_UNICAST_HOPS`: the hop limit of unicast packets sent (-1 on
    /// set is not expressible: use the kernel default by not setting it).
    unicast_hops_v6, set_unicast_hops_v6, libc::IPPROTO_IPV6, libc::IPV6_UNICAST_HOPS, "IPV6_UNICAST_HOPS"
);
int_opt!(
    /// `IPV6_MULTICAST_HOPS`: the hop limit of multicast packets sent.
    multicast_hops_v6, set_multicast_hops_v6, libc::IPPROTO_IPV6, libc::IPV6_MULTICAST_HOPS, "IPV6_MULTICAST_HOPS"
);

/// `SO_TYPE`: the socket's type.
///
/// # Errors
/// ENOTSOCK for a descriptor that is not a socket.
///
#[doc = man_links!("getsockopt", "2")]
#[doc(alias = "SO_TYPE")]
#[inline]
pub fn socket_type(fd: impl AsFd) -> Result<crate::SocketType> {
    getsockopt::<i32>(fd, libc::SOL_SOCKET, libc::SO_TYPE).map(crate::SocketType::from_raw)
}

/// `SO_ERROR`: takes the socket's pending error (`None` if there is none),
/// such as the result of a non-blocking `connect`.
///
/// # Errors
/// ENOTSOCK for a descriptor that is not a socket.
///
#[doc = man_links!("getsockopt", "2")]
#[doc(alias = "SO_ERROR")]
#[inline]
pub fn socket_error(fd: impl AsFd) -> Result<Option<Errno>> {
    let e = getsockopt::<i32>(fd, libc::SOL_SOCKET, libc::SO_ERROR)?;
    Ok(if e == 0 { None } else { Some(Errno::from_raw(e)) })
}

/// `SO_RCVBUF`: the receive buffer size in bytes (Linux reports twice what
/// was set, its bookkeeping included).
///
/// # Errors
/// ENOTSOCK for a descriptor that is not a socket.
///
#[doc = man_links!("getsockopt", "2")]
#[doc(alias = "SO_RCVBUF")]
#[inline]
pub fn recv_buffer_size(fd: impl AsFd) -> Result<usize> {
    let v = getsockopt::<i32>(fd, libc::SOL_SOCKET, libc::SO_RCVBUF)?;
    usize::try_from(v).map_err(|_| Errno::EINVAL)
}

/// Sets `SO_RCVBUF` (the kernel clamps it to its limits).
///
/// # Errors
/// EINVAL for a size over `i32::MAX`; on the BSDs ENOBUFS past
/// `kern.ipc.maxsockbuf` (Linux clamps instead).
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "SO_RCVBUF")]
#[inline]
pub fn set_recv_buffer_size(fd: impl AsFd, size: usize) -> Result<()> {
    let v = i32::try_from(size).map_err(|_| Errno::EINVAL)?;
    set(fd, libc::SOL_SOCKET, libc::SO_RCVBUF, v)
}

/// `SO_SNDBUF`: the send buffer size in bytes.
///
/// # Errors
/// ENOTSOCK for a descriptor that is not a socket.
///
#[doc = man_links!("getsockopt", "2")]
#[doc(alias = "SO_SNDBUF")]
#[inline]
pub fn send_buffer_size(fd: impl AsFd) -> Result<usize> {
    let v = getsockopt::<i32>(fd, libc::SOL_SOCKET, libc::SO_SNDBUF)?;
    usize::try_from(v).map_err(|_| Errno::EINVAL)
}

/// Sets `SO_SNDBUF`.
///
/// # Errors
/// As [`set_recv_buffer_size`].
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "SO_SNDBUF")]
#[inline]
pub fn set_send_buffer_size(fd: impl AsFd, size: usize) -> Result<()> {
    let v = i32::try_from(size).map_err(|_| Errno::EINVAL)?;
    set(fd, libc::SOL_SOCKET, libc::SO_SNDBUF, v)
}

fn get_timeout(fd: impl AsFd, name: libc::c_int) -> Result<Option<Duration>> {
    let d = getsockopt::<Duration>(fd, libc::SOL_SOCKET, name)?;
    Ok(if d.is_zero() { None } else { Some(d) })
}

fn set_timeout(fd: impl AsFd, name: libc::c_int, timeout: Option<Duration>) -> Result<()> {
    let d = match timeout {
        Some(d) if d.is_zero() => return Err(Errno::EINVAL),
        Some(d) => d,
        None => Duration::ZERO,
    };
    set(fd, libc::SOL_SOCKET, name, d)
}

/// `SO_RCVTIMEO`: how long a blocking receive waits before EAGAIN (`None`:
/// forever).
///
/// # Errors
/// ENOTSOCK for a descriptor that is not a socket.
///
#[doc = man_links!("getsockopt", "2")]
#[doc(alias = "SO_RCVTIMEO")]
#[inline]
pub fn recv_timeout(fd: impl AsFd) -> Result<Option<Duration>> {
    get_timeout(fd, libc::SO_RCVTIMEO)
}

/// Sets `SO_RCVTIMEO` (`None`: wait forever). Microseconds round up.
///
/// ```
/// use bsd_net::*;
/// use std::time::Duration;
/// let fd = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty())?;
/// set_recv_timeout(&fd, Some(Duration::from_millis(1500)))?;
/// assert_eq!(recv_timeout(&fd)?, Some(Duration::from_millis(1500)));
/// // Too long for a `timeval`: an error, not a wrapped value.
/// assert_eq!(set_recv_timeout(&fd, Some(Duration::MAX)), Err(Errno::EOVERFLOW));
/// # Ok::<(), Errno>(())
/// ```
///
/// # Errors
/// - EINVAL for `Some(Duration::ZERO)` (which the kernel would read as
///   "forever").
/// - EOVERFLOW for seconds that do not fit `time_t` (over `i64::MAX`, or
///   `i32::MAX` on targets with a 32-bit `time_t`).
/// - On the BSDs EDOM for a timeout too long for the kernel's clock (Linux
///   turns it into "forever": [`recv_timeout`] then reads `None`).
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "SO_RCVTIMEO")]
#[inline]
pub fn set_recv_timeout(fd: impl AsFd, timeout: Option<Duration>) -> Result<()> {
    set_timeout(fd, libc::SO_RCVTIMEO, timeout)
}

/// `SO_SNDTIMEO`: how long a blocking send waits (`None`: forever).
///
/// # Errors
/// ENOTSOCK for a descriptor that is not a socket.
///
#[doc = man_links!("getsockopt", "2")]
#[doc(alias = "SO_SNDTIMEO")]
#[inline]
pub fn send_timeout(fd: impl AsFd) -> Result<Option<Duration>> {
    get_timeout(fd, libc::SO_SNDTIMEO)
}

/// Sets `SO_SNDTIMEO` (`None`: wait forever).
///
/// # Errors
/// As [`set_recv_timeout`].
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "SO_SNDTIMEO")]
#[inline]
pub fn set_send_timeout(fd: impl AsFd, timeout: Option<Duration>) -> Result<()> {
    set_timeout(fd, libc::SO_SNDTIMEO, timeout)
}

/// `SO_LINGER` in seconds (`SO_LINGER_SEC` on Apple).
#[cfg(target_vendor = "apple")]
const LINGER_SECONDS: libc::c_int = libc::SO_LINGER_SEC;
#[cfg(not(target_vendor = "apple"))]
const LINGER_SECONDS: libc::c_int = libc::SO_LINGER;

/// How long `close` lingers to send unsent data (`None`: it does not).
///
/// # Errors
/// ENOTSOCK for a descriptor that is not a socket.
///
/// # Platforms
/// `SO_LINGER`; on Apple `SO_LINGER_SEC` (Apple's `SO_LINGER` counts clock
/// ticks).
///
#[doc = man_links!("getsockopt", "2")]
#[doc(alias = "SO_LINGER")]
pub fn linger(fd: impl AsFd) -> Result<Option<Duration>> {
    let l = getsockopt::<Linger>(fd, libc::SOL_SOCKET, LINGER_SECONDS)?;
    Ok(if l.enabled {
        Some(Duration::from_secs(u64::try_from(l.linger).unwrap_or(0)))
    } else {
        None
    })
}

/// Sets how long `close` lingers (whole seconds, rounded up; `None`: it
/// does not).
///
/// ```
/// use bsd_net::*;
/// use std::time::Duration;
/// let fd = socket(AddressFamily::INET, SocketType::STREAM, SocketFlags::empty())?;
/// set_linger(&fd, Some(Duration::from_millis(2500)))?;
/// assert_eq!(linger(&fd)?, Some(Duration::from_secs(3)));
/// // Never wrapped into a short linger:
/// assert_eq!(set_linger(&fd, Some(Duration::MAX)), Err(Errno::EINVAL));
/// # Ok::<(), Errno>(())
/// ```
///
/// # Errors
/// EINVAL for more than `i32::MAX` seconds (after rounding up).
///
/// # Platforms
/// As [`linger`].
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "SO_LINGER")]
#[doc(alias = "SetsockoptLinger")]
pub fn set_linger(fd: impl AsFd, linger: Option<Duration>) -> Result<()> {
    let l = match linger {
        None => Linger {
            enabled: false,
            linger: 0,
        },
        Some(d) => {
            let secs = d.as_secs().checked_add(u64::from(d.subsec_nanos() > 0));
            Linger {
                enabled: true,
                linger: secs.and_then(|s| i32::try_from(s).ok()).ok_or(Errno::EINVAL)?,
            }
        }
    };
    set(fd, libc::SOL_SOCKET, LINGER_SECONDS, l)
}

/// `IP_MULTICAST_TTL`, `IP_MULTICAST_LOOP`: `int` on Linux, `u_char` on the
/// BSDs and Apple.
#[cfg(any(target_os = "linux", target_os = "android"))]
type McastByte = i32;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
type McastByte = u8;

/// `IP_MULTICAST_TTL`: the time-to-live of multicast packets sent.
///
/// # Errors
/// ENOPROTOOPT on a non-IPv4 socket; ENOTSOCK.
///
#[doc = man_links!("getsockopt", "2")]
#[doc(alias = "IP_MULTICAST_TTL")]
pub fn multicast_ttl_v4(fd: impl AsFd) -> Result<u32> {
    let v = getsockopt::<McastByte>(fd, libc::IPPROTO_IP, libc::IP_MULTICAST_TTL)?;
    u32::try_from(v).map_err(|_| Errno::EINVAL)
}

/// Sets `IP_MULTICAST_TTL`.
///
/// # Errors
/// EINVAL over 255.
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "IP_MULTICAST_TTL")]
pub fn set_multicast_ttl_v4(fd: impl AsFd, ttl: u32) -> Result<()> {
    let v = u8::try_from(ttl).map_err(|_| Errno::EINVAL)?;
    set(fd, libc::IPPROTO_IP, libc::IP_MULTICAST_TTL, McastByte::from(v))
}

/// `IP_MULTICAST_LOOP`: whether multicast sent is looped back locally.
///
/// # Errors
/// ENOPROTOOPT on a non-IPv4 socket; ENOTSOCK.
///
#[doc = man_links!("getsockopt", "2")]
#[doc(alias = "IP_MULTICAST_LOOP")]
pub fn multicast_loop_v4(fd: impl AsFd) -> Result<bool> {
    Ok(getsockopt::<McastByte>(fd, libc::IPPROTO_IP, libc::IP_MULTICAST_LOOP)? != 0)
}

/// Sets `IP_MULTICAST_LOOP`.
///
/// # Errors
/// ENOPROTOOPT on a non-IPv4 socket.
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "IP_MULTICAST_LOOP")]
pub fn set_multicast_loop_v4(fd: impl AsFd, on: bool) -> Result<()> {
    set(fd, libc::IPPROTO_IP, libc::IP_MULTICAST_LOOP, McastByte::from(on))
}

/// `IP_MULTICAST_IF`: the local address multicast is sent from.
///
/// # Errors
/// ENOPROTOOPT on a non-IPv4 socket.
///
#[doc = man_links!("getsockopt", "2")]
#[doc(alias = "IP_MULTICAST_IF")]
pub fn multicast_if_v4(fd: impl AsFd) -> Result<Ipv4Addr> {
    getsockopt(fd, libc::IPPROTO_IP, libc::IP_MULTICAST_IF)
}

/// Sets `IP_MULTICAST_IF`.
///
/// # Errors
/// EADDRNOTAVAIL for an address that is not local.
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "IP_MULTICAST_IF")]
pub fn set_multicast_if_v4(fd: impl AsFd, addr: Ipv4Addr) -> Result<()> {
    set(fd, libc::IPPROTO_IP, libc::IP_MULTICAST_IF, addr)
}

/// `IP_ADD_MEMBERSHIP`: joins an IPv4 multicast group.
///
/// # Errors
/// EADDRINUSE when already joined; EINVAL for a non-multicast group;
/// ENODEV when no interface can take it.
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "IP_ADD_MEMBERSHIP")]
pub fn join_multicast_v4(fd: impl AsFd, mreq: &IpMreq) -> Result<()> {
    set(fd, libc::IPPROTO_IP, libc::IP_ADD_MEMBERSHIP, *mreq)
}

/// `IP_DROP_MEMBERSHIP`: leaves an IPv4 multicast group.
///
/// # Errors
/// EADDRNOTAVAIL when not a member.
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "IP_DROP_MEMBERSHIP")]
pub fn leave_multicast_v4(fd: impl AsFd, mreq: &IpMreq) -> Result<()> {
    set(fd, libc::IPPROTO_IP, libc::IP_DROP_MEMBERSHIP, *mreq)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
const IPV6_JOIN: libc::c_int = libc::IPV6_ADD_MEMBERSHIP;
#[cfg(any(target_os = "linux", target_os = "android"))]
const IPV6_LEAVE: libc::c_int = libc::IPV6_DROP_MEMBERSHIP;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const IPV6_JOIN: libc::c_int = libc::IPV6_JOIN_GROUP;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const IPV6_LEAVE: libc::c_int = libc::IPV6_LEAVE_GROUP;

/// `IPV6_JOIN_GROUP` (`IPV6_ADD_MEMBERSHIP` on Linux): joins an IPv6
/// multicast group.
///
/// # Errors
/// EADDRINUSE when already joined; EINVAL for a non-multicast group;
/// ENODEV for no such interface.
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "IPV6_JOIN_GROUP")]
#[doc(alias = "IPV6_ADD_MEMBERSHIP")]
pub fn join_multicast_v6(fd: impl AsFd, mreq: &Ipv6Mreq) -> Result<()> {
    set(fd, libc::IPPROTO_IPV6, IPV6_JOIN, *mreq)
}

/// `IPV6_LEAVE_GROUP` (`IPV6_DROP_MEMBERSHIP` on Linux): leaves an IPv6
/// multicast group.
///
/// # Errors
/// EADDRNOTAVAIL/ENOENT when not a member.
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "IPV6_LEAVE_GROUP")]
#[doc(alias = "IPV6_DROP_MEMBERSHIP")]
pub fn leave_multicast_v6(fd: impl AsFd, mreq: &Ipv6Mreq) -> Result<()> {
    set(fd, libc::IPPROTO_IPV6, IPV6_LEAVE, *mreq)
}

/// `IPV6_PATHMTU` (not bound by `libc` on the BSDs: 44 there, 61 on Linux).
#[cfg(any(target_os = "linux", target_os = "android"))]
const IPV6_PATHMTU: libc::c_int = libc::IPV6_PATHMTU;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const IPV6_PATHMTU: libc::c_int = 44;

/// `IPV6_PATHMTU`: the path MTU to a connected IPv6 socket's peer.
///
/// # Errors
/// ENOTCONN when not connected; ENOPROTOOPT on a non-IPv6 socket.
///
#[doc = man_links!("getsockopt", "2")]
#[doc(alias = "IPV6_PATHMTU")]
pub fn path_mtu_v6(fd: impl AsFd) -> Result<Ipv6MtuInfo> {
    getsockopt(fd, libc::IPPROTO_IPV6, IPV6_PATHMTU)
}

/// `ICMP6_FILTER` (not bound by `libc`: 1 on Linux, 18 on the BSDs and
/// Apple).
#[cfg(any(target_os = "linux", target_os = "android"))]
const ICMP6_FILTER: libc::c_int = 1;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const ICMP6_FILTER: libc::c_int = 18;

/// `ICMP6_FILTER`: the ICMPv6 types a raw ICMPv6 socket passes up.
///
/// # Errors
/// ENOPROTOOPT/EOPNOTSUPP on a socket that is not raw ICMPv6.
///
#[doc = man_links!("getsockopt", "2")]
#[doc(alias = "ICMP6_FILTER")]
#[doc(alias = "GetsockoptICMPv6Filter")]
pub fn icmp6_filter(fd: impl AsFd) -> Result<Icmp6Filter> {
    getsockopt(fd, libc::IPPROTO_ICMPV6, ICMP6_FILTER)
}

/// Sets `ICMP6_FILTER`.
///
/// # Errors
/// As [`icmp6_filter`].
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "ICMP6_FILTER")]
#[doc(alias = "SetsockoptICMPv6Filter")]
pub fn set_icmp6_filter(fd: impl AsFd, filter: &Icmp6Filter) -> Result<()> {
    set(fd, libc::IPPROTO_ICMPV6, ICMP6_FILTER, *filter)
}

/// The option that makes UDP/IPv4 receives report their destination:
/// `IP_PKTINFO` (Linux, Apple), `IP_RECVPKTINFO` (NetBSD), `IP_RECVDSTADDR`
/// (FreeBSD, DragonFly, OpenBSD).
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
const RECV_DST_V4: libc::c_int = libc::IP_PKTINFO;
#[cfg(target_os = "netbsd")]
const RECV_DST_V4: libc::c_int = libc::IP_RECVPKTINFO;
#[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "openbsd"))]
const RECV_DST_V4: libc::c_int = libc::IP_RECVDSTADDR;

/// Whether received IPv4 datagrams say where they arrived.
///
/// # Platforms
/// Linux and Apple (`IP_PKTINFO`) and NetBSD (`IP_RECVPKTINFO`) deliver a
/// [`ControlMessage::Ipv4PacketInfo`](crate::ControlMessage::Ipv4PacketInfo);
/// FreeBSD, DragonFly and OpenBSD (`IP_RECVDSTADDR`) a
/// [`ControlMessage::Ipv4RecvDstAddr`](crate::ControlMessage::Ipv4RecvDstAddr).
///
/// # Errors
/// ENOPROTOOPT on a non-IPv4 socket.
///
#[doc = man_links!("getsockopt", "2")]
#[doc(alias = "IP_PKTINFO")]
#[doc(alias = "IP_RECVDSTADDR")]
pub fn recv_packet_info_v4(fd: impl AsFd) -> Result<bool> {
    getsockopt(fd, libc::IPPROTO_IP, RECV_DST_V4)
}

/// Sets whether received IPv4 datagrams say where they arrived (see
/// [`recv_packet_info_v4`]).
///
/// # Errors
/// ENOPROTOOPT on a non-IPv4 socket.
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "IP_PKTINFO")]
#[doc(alias = "IP_RECVDSTADDR")]
pub fn set_recv_packet_info_v4(fd: impl AsFd, on: bool) -> Result<()> {
    set(fd, libc::IPPROTO_IP, RECV_DST_V4, on)
}

/// Whether messages received on a unix socket carry the sender's
/// credentials ([`ControlMessage::Credentials`](crate::ControlMessage::Credentials)).
///
/// # Platforms
/// - Linux `SO_PASSCRED` (`SCM_CREDENTIALS`; the sender may attach its own
///   with [`CmsgBuf::push_credentials`](crate::CmsgBuf::push_credentials),
///   otherwise the kernel attaches them): every message.
/// - FreeBSD `LOCAL_CREDS_PERSISTENT` (`SCM_CREDS2`): every message.
/// - NetBSD `LOCAL_CREDS` (`SCM_CREDS`, a `sockcred`): every datagram, but
///   on stream and seqpacket sockets **only the first message sent after
///   the option is set**. NetBSD has no persistent variant: its kernel
///   clears the request as it attaches the credentials to a stream or
///   seqpacket send (`sys/kern/uipc_usrreq.c`, `unp_usrreq`, `PRU_SEND`:
///   "passed only once on SOCK_STREAM and SOCK_SEQPACKET"), while the
///   datagram path (`unp_output`) attaches them for as long as the option
///   is on. Set it again to get the credentials of a later message, or use
///   [`peer_credentials`] for those of the connecting process.
/// - Not on DragonFly, OpenBSD or Apple: use [`peer_credentials`].
///
/// # Errors
/// ENOPROTOOPT/EINVAL on a socket that is not a unix socket.
///
#[doc = man_links!("setsockopt", "2")]
#[doc(alias = "SO_PASSCRED")]
#[doc(alias = "LOCAL_CREDS")]
#[doc(alias = "LOCAL_CREDS_PERSISTENT")]
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "netbsd"
))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd",
        target_os = "netbsd"
    )))
)]
#[inline]
pub fn set_pass_credentials(fd: impl AsFd, on: bool) -> Result<()> {
    sys::set_pass_credentials(fd.as_fd(), on)
}

/// The credentials of a unix socket's peer, as they were when it connected
/// (or called `socketpair`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PeerCred {
    /// The peer's process id, where the platform says (Linux, FreeBSD 13+,
    /// NetBSD, OpenBSD, Apple).
    pub pid: Option<libc::pid_t>,
    /// Its effective user id.
    pub uid: libc::uid_t,
    /// Its effective group id.
    pub gid: libc::gid_t,
}

/// The credentials of a unix socket's peer.
///
/// ```
/// use bsd_net::{peer_credentials, socketpair, AddressFamily, SocketFlags, SocketType};
/// let (a, _b) = socketpair(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::empty())?;
/// let cred = peer_credentials(&a)?;
/// // SAFETY: getuid cannot fail.
/// assert_eq!(cred.uid, unsafe { libc::getuid() });
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
///
/// # Errors
/// ENOTCONN when not connected (on Linux also for a socket that is not a
/// unix socket: it reports no peer); EINVAL/ENOPROTOOPT on a socket that
/// is not a unix socket, or a reply of an unexpected size or version.
///
/// # Platforms
/// Linux `SO_PEERCRED` (`ucred`); FreeBSD and DragonFly `LOCAL_PEERCRED`
/// (`xucred`; the pid on FreeBSD 13 and later); NetBSD `LOCAL_PEEREID`;
/// OpenBSD `SO_PEERCRED` (`sockpeercred`); Apple `LOCAL_PEERCRED` and
/// `LOCAL_PEERPID`.
///
#[doc = man_links!("getpeereid", "3")]
#[doc(alias = "getpeereid")]
#[doc(alias = "SO_PEERCRED")]
#[doc(alias = "LOCAL_PEERCRED")]
#[doc(alias = "GetsockoptUcred")]
#[doc(alias = "GetsockoptXucred")]
#[inline]
pub fn peer_credentials(fd: impl AsFd) -> Result<PeerCred> {
    sys::peer_credentials(fd.as_fd())
}

#[cfg(test)]
// `time_t` is `i64` on some targets and `i32` on others.
#[allow(clippy::useless_conversion)]
mod tests {
    use super::*;

    #[test]
    fn icmp6_filter_semantics_both_ways() {
        for bit_blocks in [true, false] {
            let mut w = if bit_blocks { [!0u32; 8] } else { [0u32; 8] }; // block all
            for ty in [0u8, 31, 32, 128, 255] {
                assert!(!icmp6_passes(&w, ty, bit_blocks));
            }
            icmp6_set(&mut w, 128, true, bit_blocks);
            assert!(icmp6_passes(&w, 128, bit_blocks));
            assert!(!icmp6_passes(&w, 129, bit_blocks));
            // Linux: the bit of a passed type is clear; BSD: set.
            assert_eq!(w[4] & 1 != 0, !bit_blocks);
            icmp6_set(&mut w, 128, false, bit_blocks);
            assert!(!icmp6_passes(&w, 128, bit_blocks));
        }
    }

    #[test]
    fn timeval_rounding() {
        use sealed::Sealed;
        let tv = Duration::from_nanos(1).to_raw().unwrap();
        assert_eq!((tv.tv_sec, tv.tv_usec), (0, 1));
        let tv = Duration::new(1, 999_999_999).to_raw().unwrap();
        assert_eq!((tv.tv_sec, tv.tv_usec), (2, 0));
        let tv = Duration::new(3, 1_500).to_raw().unwrap();
        assert_eq!((tv.tv_sec, tv.tv_usec), (3, 2));
        assert_eq!(Duration::from_raw(tv), Ok(Duration::new(3, 2_000)));
    }

    #[test]
    fn timeval_extremes_are_errors_not_wrapped() {
        use sealed::Sealed;
        // Beyond any time_t, and the round-up carrying past u64::MAX.
        for d in [Duration::MAX, Duration::from_secs(u64::MAX), Duration::new(u64::MAX, 1)] {
            assert_eq!(d.to_raw().map(|_| ()), Err(Errno::EOVERFLOW), "{d:?}");
        }
        assert_eq!(timeval_parts(Duration::MAX), None);
        assert_eq!(timeval_parts(Duration::new(u64::MAX, 999_999)), Some((u64::MAX, 1000)));
        // i64::MAX seconds: exactly a 64-bit time_t's maximum; EOVERFLOW
        // where time_t is 32 bits.
        let d = Duration::from_secs(i64::MAX as u64);
        match size_of::<libc::time_t>() {
            8 => assert_eq!(d.to_raw().map(|tv| i64::from(tv.tv_sec)), Ok(i64::MAX)),
            _ => assert_eq!(d.to_raw().map(|_| ()), Err(Errno::EOVERFLOW)),
        }
        let d = Duration::from_secs(i64::MAX as u64 + 1);
        assert_eq!(d.to_raw().map(|_| ()), Err(Errno::EOVERFLOW));
        let d = Duration::from_secs(i32::MAX as u64);
        assert_eq!(d.to_raw().map(|tv| i64::from(tv.tv_sec)), Ok(i64::from(i32::MAX)));
        // Fits as (i32::MAX, 1 µs); the round-up of 999 999 999 ns carries
        // into a second past a 32-bit time_t.
        assert_eq!(
            Duration::new(i32::MAX as u64, 1)
                .to_raw()
                .map(|tv| (i64::from(tv.tv_sec), i64::from(tv.tv_usec))),
            Ok((i64::from(i32::MAX), 1))
        );
        let d = Duration::new(i32::MAX as u64, 999_999_999);
        match size_of::<libc::time_t>() {
            8 => assert!(d.to_raw().is_ok()),
            _ => assert_eq!(d.to_raw().map(|_| ()), Err(Errno::EOVERFLOW)),
        }
    }

    #[test]
    fn timeval_from_the_kernel_checked() {
        assert_eq!(
            duration_from_timeval(i64::MAX, 999_999),
            Ok(Duration::new(i64::MAX as u64, 999_999_000))
        );
        assert_eq!(duration_from_timeval(0, 0), Ok(Duration::ZERO));
        for (sec, usec) in [
            (i64::MIN, 0),
            (-1, 0),
            (0, -1),
            (0, 1_000_000),
            (0, i64::MAX),
            (0, i64::MIN),
        ] {
            assert_eq!(duration_from_timeval(sec, usec), Err(Errno::EINVAL), "{sec} {usec}");
        }
    }
}
