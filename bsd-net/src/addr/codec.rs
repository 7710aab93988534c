//! The pure sockaddr codec: [`Sockaddr`] to and from the bytes a kernel
//! reads and writes, for any [`Layout`]. No system calls; compiled and tested
//! on every host for every platform.

use super::{
    Sockaddr, SockaddrDatalink, SockaddrInet4, SockaddrLinkLayer, SockaddrUnix, UnixAddrKind, DATALINK_DATA_MAX,
    LINK_ADDR_MAX, STORAGE_LEN,
};
use crate::layout::{Layout, Os};
use bsd_errno::{Errno, Result};
use core::mem::MaybeUninit;
use std::net::{Ipv4Addr, Ipv6Addr};

const AF_UNSPEC: u16 = 0;
const AF_UNIX: u16 = 1;
const AF_INET: u16 = 2;

const SOCKADDR_IN_LEN: usize = 16;
const SOCKADDR_IN6_LEN: usize = 28;
/// `offsetof(struct sockaddr_un, sun_path)`.
const SUN_PATH_OFFSET: usize = 2;
/// `offsetof(struct sockaddr_dl, sdl_data)`.
const SDL_DATA_OFFSET: usize = 8;
/// `offsetof(struct sockaddr_ll, sll_addr)` and `sizeof(struct sockaddr_ll)`.
const SLL_ADDR_OFFSET: usize = 12;
const SOCKADDR_LL_LEN: usize = 20;

#[inline]
fn rd<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}

/// The family header: `sa_len, sa_family` (one byte each) on the BSDs and
/// Apple, a native-endian `u16` family on Linux.
#[inline(always)]
fn family_header(layout: Layout, len: usize, family: u16) -> [u8; 2] {
    if layout.has_sa_len() {
        // Every length written here is at most 112 and every BSD family
        // fits a byte.
        [len as u8, family as u8]
    } else {
        family.to_ne_bytes()
    }
}

/// Copies `bytes` to the start of `out`.
#[inline(always)]
fn put(out: &mut [MaybeUninit<u8>; STORAGE_LEN], bytes: &[u8]) {
    for (o, b) in out.iter_mut().zip(bytes) {
        o.write(*b);
    }
}

/// Encodes `addr` as `layout`'s kernel reads it into `out`, and returns the
/// address length to pass with it: the first that many bytes of `out` are
/// initialized, the rest left as they were.
#[inline]
pub(crate) fn encode(addr: &Sockaddr, layout: Layout, out: &mut [MaybeUninit<u8>; STORAGE_LEN]) -> Result<usize> {
    match addr {
        Sockaddr::Inet4(a) => Ok(encode_v4(layout, a.addr, a.port, out)),
        Sockaddr::Inet6(a) => Ok(encode_v6(layout, &a.addr, a.port, a.flowinfo, a.scope_id, out)),
        _ => {
            let mut b = [0u8; STORAGE_LEN];
            let len = encode_other(addr, layout, &mut b)?;
            put(out, b.get(..len).unwrap_or_default());
            Ok(len)
        }
    }
}

/// Encodes an `AF_INET` address; returns its length.
#[inline]
pub(crate) fn encode_v4(layout: Layout, addr: Ipv4Addr, port: u16, out: &mut [MaybeUninit<u8>; STORAGE_LEN]) -> usize {
    let mut b = [0u8; SOCKADDR_IN_LEN];
    let [h0, h1] = family_header(layout, SOCKADDR_IN_LEN, AF_INET);
    let [p0, p1] = port.to_be_bytes();
    let [a0, a1, a2, a3] = addr.octets();
    b[..8].copy_from_slice(&[h0, h1, p0, p1, a0, a1, a2, a3]);
    put(out, &b);
    SOCKADDR_IN_LEN
}

/// Encodes an `AF_INET6` address; returns its length.
#[inline]
pub(crate) fn encode_v6(
    layout: Layout,
    addr: &Ipv6Addr,
    port: u16,
    flowinfo: u32,
    scope_id: u32,
    out: &mut [MaybeUninit<u8>; STORAGE_LEN],
) -> usize {
    let mut b = [0u8; SOCKADDR_IN6_LEN];
    b[..2].copy_from_slice(&family_header(layout, SOCKADDR_IN6_LEN, layout.af_inet6()));
    b[2..4].copy_from_slice(&port.to_be_bytes());
    // As std and socket2 do: the field's value, stored as is.
    b[4..8].copy_from_slice(&flowinfo.to_ne_bytes());
    b[8..24].copy_from_slice(&addr.octets());
    b[24..28].copy_from_slice(&scope_id.to_ne_bytes());
    put(out, &b);
    SOCKADDR_IN6_LEN
}

/// Decodes an `AF_INET` or `AF_INET6` address straight to std; `None` for
/// any other family or a length too short.
#[inline]
pub(crate) fn decode_socket_addr(layout: Layout, bytes: &[u8]) -> Option<std::net::SocketAddr> {
    use std::net::{SocketAddrV4, SocketAddrV6};
    let (family, bytes) = family_and_extent(layout, bytes).ok()?;
    if family == AF_INET {
        let b: &[u8; SOCKADDR_IN_LEN] = bytes.first_chunk()?;
        let port = u16::from_be_bytes([b[2], b[3]]);
        Some(SocketAddrV4::new(Ipv4Addr::new(b[4], b[5], b[6], b[7]), port).into())
    } else if family == layout.af_inet6() {
        let b: &[u8; SOCKADDR_IN6_LEN] = bytes.first_chunk()?;
        let mut addr = [0u8; 16];
        addr.copy_from_slice(&b[8..24]);
        Some(
            SocketAddrV6::new(
                Ipv6Addr::from(addr),
                u16::from_be_bytes([b[2], b[3]]),
                u32::from_ne_bytes([b[4], b[5], b[6], b[7]]),
                u32::from_ne_bytes([b[24], b[25], b[26], b[27]]),
            )
            .into(),
        )
    } else {
        None
    }
}

/// The families off the hot path, into zeroed bytes.
#[inline(never)]
fn encode_other(addr: &Sockaddr, layout: Layout, out: &mut [u8; STORAGE_LEN]) -> Result<usize> {
    match addr {
        Sockaddr::Inet4(_) | Sockaddr::Inet6(_) => Err(Errno::EINVAL),
        Sockaddr::Unix(u) => encode_unix(u, layout, out),
        Sockaddr::Datalink(d) => {
            let Some(family) = layout.af_link() else {
                return Err(Errno::EAFNOSUPPORT);
            };
            let data = d.data();
            let len = (SDL_DATA_OFFSET + data.len()).max(layout.sockaddr_dl_size());
            out[..2].copy_from_slice(&family_header(layout, len, family));
            out[2..4].copy_from_slice(&d.index.to_ne_bytes());
            out[4] = d.link_type;
            out[5] = d.nlen;
            out[6] = d.alen;
            out[7] = d.slen;
            out[SDL_DATA_OFFSET..SDL_DATA_OFFSET + data.len()].copy_from_slice(data);
            Ok(len)
        }
        Sockaddr::LinkLayer(l) => {
            let Some(family) = layout.af_packet() else {
                return Err(Errno::EAFNOSUPPORT);
            };
            let addr = l.addr();
            let len = (SLL_ADDR_OFFSET + addr.len()).max(SOCKADDR_LL_LEN);
            out[..2].copy_from_slice(&family_header(layout, len, family));
            out[2..4].copy_from_slice(&l.protocol.to_be_bytes());
            out[4..8].copy_from_slice(&l.ifindex.to_ne_bytes());
            out[8..10].copy_from_slice(&l.hatype.to_ne_bytes());
            out[10] = l.pkttype;
            out[11] = l.halen;
            out[SLL_ADDR_OFFSET..SLL_ADDR_OFFSET + addr.len()].copy_from_slice(addr);
            Ok(len)
        }
    }
}

fn encode_unix(u: &SockaddrUnix, layout: Layout, out: &mut [u8; STORAGE_LEN]) -> Result<usize> {
    let cap = layout.sun_path_len();
    let len = match u.kind() {
        UnixAddrKind::Unnamed => SUN_PATH_OFFSET,
        UnixAddrKind::Path(p) => {
            if p.is_empty() || p.len() > cap {
                return Err(Errno::EINVAL);
            }
            out[SUN_PATH_OFFSET..SUN_PATH_OFFSET + p.len()].copy_from_slice(p);
            // The terminating NUL (already there: `out` is zeroed) counts
            // when there is room; a path of exactly `sun_path` bytes has
            // none. Linux, FreeBSD, NetBSD, DragonFly and Apple take the
            // length as the end; OpenBSD's kernel wants a NUL inside
            // `sun_path` and refuses such a path with EINVAL itself.
            SUN_PATH_OFFSET + p.len() + usize::from(p.len() < cap)
        }
        UnixAddrKind::Abstract(name) => {
            if layout.os() != Os::Linux {
                return Err(Errno::EAFNOSUPPORT);
            }
            if name.len() >= cap {
                return Err(Errno::EINVAL);
            }
            out[SUN_PATH_OFFSET + 1..SUN_PATH_OFFSET + 1 + name.len()].copy_from_slice(name);
            SUN_PATH_OFFSET + 1 + name.len()
        }
    };
    out[..2].copy_from_slice(&family_header(layout, len, AF_UNIX));
    Ok(len)
}

/// Decodes the `bytes` a kernel of `layout` wrote for an address (`bytes`
/// is exactly the returned address length).
#[inline]
pub(crate) fn decode(layout: Layout, bytes: &[u8]) -> Result<Sockaddr> {
    let (family, rest) = family_and_extent(layout, bytes)?;
    if family == AF_INET {
        let b: &[u8; SOCKADDR_IN_LEN] = rest.first_chunk().ok_or(Errno::EINVAL)?;
        return Ok(Sockaddr::Inet4(SockaddrInet4 {
            port: u16::from_be_bytes([b[2], b[3]]),
            addr: Ipv4Addr::new(b[4], b[5], b[6], b[7]),
        }));
    }
    if family == layout.af_inet6() {
        // Through std's type: it keeps the address in one piece, which the
        // compiler copies better than into the enum directly.
        return decode_socket_addr(layout, bytes)
            .map(Sockaddr::from)
            .ok_or(Errno::EINVAL);
    }
    let bytes = rest;
    decode_other(layout, family, bytes)
}

/// The families off the hot path.
#[inline(never)]
fn decode_other(layout: Layout, family: u16, bytes: &[u8]) -> Result<Sockaddr> {
    match family {
        AF_UNIX => decode_unix(layout, bytes).map(Sockaddr::Unix),
        f if Some(f) == layout.af_link() => decode_datalink(bytes).map(Sockaddr::Datalink),
        f if Some(f) == layout.af_packet() => decode_link_layer(bytes).map(Sockaddr::LinkLayer),
        _ => Err(Errno::EAFNOSUPPORT),
    }
}

/// The family, and the bytes the address really covers: on the BSDs the
/// smaller of the returned length and `sa_len` (when `sa_len` is set).
#[inline]
fn family_and_extent(layout: Layout, bytes: &[u8]) -> Result<(u16, &[u8])> {
    let hdr: [u8; 2] = rd(bytes, 0).ok_or(Errno::EINVAL)?;
    if layout.has_sa_len() {
        let sa_len = usize::from(hdr[0]);
        let extent = if sa_len == 0 {
            bytes.len()
        } else {
            sa_len.min(bytes.len())
        };
        if extent < 2 {
            return Err(Errno::EINVAL);
        }
        Ok((u16::from(hdr[1]), bytes.get(..extent).ok_or(Errno::EINVAL)?))
    } else {
        Ok((u16::from_ne_bytes(hdr), bytes))
    }
}

fn decode_unix(layout: Layout, bytes: &[u8]) -> Result<SockaddrUnix> {
    let path = bytes.get(SUN_PATH_OFFSET..).unwrap_or_default();
    let cap = layout.sun_path_len();
    match path.first() {
        // A length equal to the path offset: unnamed.
        None => Ok(SockaddrUnix::unnamed()),
        Some(0) if layout.os() == Os::Linux => {
            // Linux abstract: every byte after the leading NUL is the name,
            // terminator-free.
            let name = path.get(1..).unwrap_or_default();
            if name.len() >= cap {
                return Err(Errno::EINVAL);
            }
            SockaddrUnix::from_kind(UnixAddrKind::Abstract(name))
        }
        // BSD: a first path byte of 0 is an unnamed socket (`sun_noname`).
        Some(0) => Ok(SockaddrUnix::unnamed()),
        Some(_) => {
            // Some kernels count the trailing NUL in the length, FreeBSD and
            // NetBSD do not: the path ends at the first NUL, if any.
            let n = path.iter().position(|&b| b == 0).unwrap_or(path.len());
            let p = path.get(..n).unwrap_or_default();
            if p.len() > cap {
                return Err(Errno::EINVAL);
            }
            SockaddrUnix::from_kind(UnixAddrKind::Path(p))
        }
    }
}

fn decode_datalink(bytes: &[u8]) -> Result<SockaddrDatalink> {
    let hdr: [u8; SDL_DATA_OFFSET] = rd(bytes, 0).ok_or(Errno::EINVAL)?;
    let index = u16::from_ne_bytes([hdr[2], hdr[3]]);
    let (link_type, nlen, alen, slen) = (hdr[4], hdr[5], hdr[6], hdr[7]);
    let total = usize::from(nlen) + usize::from(alen) + usize::from(slen);
    // sdl_nlen + sdl_alen + sdl_slen must fit in what sdl_len covers.
    let data = bytes
        .get(SDL_DATA_OFFSET..SDL_DATA_OFFSET + total)
        .ok_or(Errno::EINVAL)?;
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
    d.data[..total].copy_from_slice(data);
    Ok(d)
}

fn decode_link_layer(bytes: &[u8]) -> Result<SockaddrLinkLayer> {
    let hdr: [u8; SLL_ADDR_OFFSET] = rd(bytes, 0).ok_or(Errno::EINVAL)?;
    let halen = hdr[11];
    let addr = bytes
        .get(SLL_ADDR_OFFSET..SLL_ADDR_OFFSET + usize::from(halen))
        .ok_or(Errno::EINVAL)?;
    if addr.len() > LINK_ADDR_MAX {
        return Err(Errno::EINVAL);
    }
    let mut l = SockaddrLinkLayer {
        protocol: u16::from_be_bytes([hdr[2], hdr[3]]),
        ifindex: i32::from_ne_bytes([hdr[4], hdr[5], hdr[6], hdr[7]]),
        hatype: u16::from_ne_bytes([hdr[8], hdr[9]]),
        pkttype: hdr[10],
        halen,
        addr: [0; LINK_ADDR_MAX],
    };
    l.addr[..addr.len()].copy_from_slice(addr);
    Ok(l)
}

/// Decodes what `getsockname`/`getpeername` returned: as [`decode`], plus
/// DragonFly's unix-socket quirk (`AF_UNSPEC` or length 0 means an unnamed
/// `AF_UNIX` address).
pub(crate) fn decode_name(layout: Layout, bytes: &[u8]) -> Result<Sockaddr> {
    if layout.unspec_name_is_unnamed_unix() {
        let family = bytes.get(1).copied();
        if bytes.is_empty() || family == Some(AF_UNSPEC as u8) {
            return Ok(Sockaddr::Unix(SockaddrUnix::unnamed()));
        }
    }
    decode(layout, bytes)
}

/// Decodes the peer address `accept` returned: as [`decode`], plus Apple's
/// quirk (length 0 for a connection aborted before it was accepted:
/// ECONNABORTED; the caller closes the descriptor).
pub(crate) fn decode_accepted(layout: Layout, bytes: &[u8]) -> Result<Sockaddr> {
    if layout.accept_may_return_empty_addr() && bytes.is_empty() {
        return Err(Errno::ECONNABORTED);
    }
    decode(layout, bytes)
}

/// The family field of encoded bytes, for tests.
#[cfg(test)]
pub(crate) fn family_of(layout: Layout, bytes: &[u8]) -> Option<u16> {
    family_and_extent(layout, bytes).ok().map(|(f, _)| f)
}
