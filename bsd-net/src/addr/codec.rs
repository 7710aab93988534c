//! The pure sockaddr codec: [`Sockaddr`] to and from the bytes a kernel
//! reads and writes, for any [`Layout`]. No system calls; compiled and tested
//! on every host for every platform.

use super::{
    Sockaddr, SockaddrDatalink, SockaddrInet4, SockaddrInet6, SockaddrLinkLayer, SockaddrUnix, UnixAddrKind,
    DATALINK_DATA_MAX, LINK_ADDR_MAX, STORAGE_LEN,
};
use crate::layout::{Layout, Os};
use bsd_errno::{Errno, Result};
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

#[inline]
fn rd_u32_ne(b: &[u8], at: usize) -> Option<u32> {
    rd(b, at).map(u32::from_ne_bytes)
}

/// Writes the family header: `sa_len, sa_family` (one byte each) on the
/// BSDs and Apple, a native-endian `u16` family on Linux.
#[inline]
fn put_family(layout: Layout, out: &mut [u8; STORAGE_LEN], len: usize, family: u16) {
    if layout.has_sa_len() {
        // Every length written here is at most 112 and every BSD family
        // fits a byte.
        out[0] = len as u8;
        out[1] = family as u8;
    } else {
        let f = family.to_ne_bytes();
        out[0] = f[0];
        out[1] = f[1];
    }
}

/// Encodes `addr` as `layout`'s kernel reads it into `out`, and returns the
/// address length to pass with it. Bytes of `out` past the length are left
/// as they were.
pub(crate) fn encode(addr: &Sockaddr, layout: Layout, out: &mut [u8; STORAGE_LEN]) -> Result<usize> {
    match addr {
        Sockaddr::Inet4(a) => {
            let len = SOCKADDR_IN_LEN;
            out[..len].fill(0);
            put_family(layout, out, len, AF_INET);
            out[2..4].copy_from_slice(&a.port.to_be_bytes());
            out[4..8].copy_from_slice(&a.addr.octets());
            Ok(len)
        }
        Sockaddr::Inet6(a) => {
            let len = SOCKADDR_IN6_LEN;
            put_family(layout, out, len, layout.af_inet6());
            out[2..4].copy_from_slice(&a.port.to_be_bytes());
            // As std and socket2 do: the field's value, stored as is.
            out[4..8].copy_from_slice(&a.flowinfo.to_ne_bytes());
            out[8..24].copy_from_slice(&a.addr.octets());
            out[24..28].copy_from_slice(&a.scope_id.to_ne_bytes());
            Ok(len)
        }
        Sockaddr::Unix(u) => encode_unix(u, layout, out),
        Sockaddr::Datalink(d) => {
            if layout.af_link().is_none() {
                return Err(Errno::EAFNOSUPPORT);
            }
            let data = d.data();
            let len = (SDL_DATA_OFFSET + data.len()).max(layout.sockaddr_dl_size());
            out[..len].fill(0);
            put_family(layout, out, len, layout.af_link().unwrap_or(0));
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
            out[..len].fill(0);
            put_family(layout, out, len, family);
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
            // The terminating NUL goes in when there is room (a path of
            // exactly `sun_path` bytes has none, which every kernel accepts).
            if p.len() < cap {
                out[SUN_PATH_OFFSET + p.len()] = 0;
                SUN_PATH_OFFSET + p.len() + 1
            } else {
                SUN_PATH_OFFSET + p.len()
            }
        }
        UnixAddrKind::Abstract(name) => {
            if layout.os() != Os::Linux {
                return Err(Errno::EAFNOSUPPORT);
            }
            if name.len() >= cap {
                return Err(Errno::EINVAL);
            }
            out[SUN_PATH_OFFSET] = 0;
            out[SUN_PATH_OFFSET + 1..SUN_PATH_OFFSET + 1 + name.len()].copy_from_slice(name);
            SUN_PATH_OFFSET + 1 + name.len()
        }
    };
    put_family(layout, out, len, AF_UNIX);
    Ok(len)
}

/// Decodes the `bytes` a kernel of `layout` wrote for an address (`bytes`
/// is exactly the returned address length).
pub(crate) fn decode(layout: Layout, bytes: &[u8]) -> Result<Sockaddr> {
    let (family, bytes) = family_and_extent(layout, bytes)?;
    match family {
        AF_INET => {
            if bytes.len() < SOCKADDR_IN_LEN {
                return Err(Errno::EINVAL);
            }
            let port = rd(bytes, 2).map(u16::from_be_bytes).ok_or(Errno::EINVAL)?;
            let addr = rd::<4>(bytes, 4).map(Ipv4Addr::from).ok_or(Errno::EINVAL)?;
            Ok(Sockaddr::Inet4(SockaddrInet4 { port, addr }))
        }
        AF_UNIX => decode_unix(layout, bytes).map(Sockaddr::Unix),
        f if f == layout.af_inet6() => {
            if bytes.len() < SOCKADDR_IN6_LEN {
                return Err(Errno::EINVAL);
            }
            let port = rd(bytes, 2).map(u16::from_be_bytes).ok_or(Errno::EINVAL)?;
            let flowinfo = rd_u32_ne(bytes, 4).ok_or(Errno::EINVAL)?;
            let addr = rd::<16>(bytes, 8).map(Ipv6Addr::from).ok_or(Errno::EINVAL)?;
            let scope_id = rd_u32_ne(bytes, 24).ok_or(Errno::EINVAL)?;
            Ok(Sockaddr::Inet6(SockaddrInet6 {
                port,
                addr,
                flowinfo,
                scope_id,
            }))
        }
        f if Some(f) == layout.af_link() => decode_datalink(bytes).map(Sockaddr::Datalink),
        f if Some(f) == layout.af_packet() => decode_link_layer(bytes).map(Sockaddr::LinkLayer),
        _ => Err(Errno::EAFNOSUPPORT),
    }
}

/// The family, and the bytes the address really covers: on the BSDs the
/// smaller of the returned length and `sa_len` (when `sa_len` is set).
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
