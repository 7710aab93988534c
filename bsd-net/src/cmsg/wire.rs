//! The pure control-message codec: `cmsghdr` framing and the payloads this
//! crate types, for any [`Layout`]. No system calls, no ownership; compiled
//! and tested on every host for every platform.

use super::{Ipv4PacketInfo, Ipv6PacketInfo, Timestamp, UnixCredentials, CRED_GROUPS_MAX};
use crate::layout::{CredFormat, Layout, PktinfoFormat};
use bsd_errno::{Errno, Result};
use std::net::{Ipv4Addr, Ipv6Addr};

pub(crate) const IPPROTO_IP: i32 = 0;
pub(crate) const IPPROTO_IPV6: i32 = 41;

/// One parsed `cmsghdr`, with offsets into the buffer it was parsed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) level: i32,
    pub(crate) kind: i32,
    /// The payload: `data_start..data_end`, within the buffer.
    pub(crate) data_start: usize,
    pub(crate) data_end: usize,
    /// Where the next header starts (at most the buffer's length).
    pub(crate) next: usize,
    /// `cmsg_len` ran past the end of the buffer and was clamped (what Apple
    /// and FreeBSD leave behind under MSG_CTRUNC, or garbage).
    pub(crate) truncated: bool,
}

#[inline]
fn rd<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}

#[inline]
fn rd_i32(b: &[u8], at: usize) -> Option<i32> {
    rd(b, at).map(i32::from_ne_bytes)
}

#[inline]
fn rd_u32(b: &[u8], at: usize) -> Option<u32> {
    rd(b, at).map(u32::from_ne_bytes)
}

/// A signed native integer of `width` bytes (4 or 8).
#[inline]
fn rd_long(b: &[u8], at: usize, width: usize) -> Option<i64> {
    if width == 8 {
        rd(b, at).map(i64::from_ne_bytes)
    } else {
        rd_i32(b, at).map(i64::from)
    }
}

/// Parses the header at `offset` of the filled control bytes `buf`, like
/// `CMSG_FIRSTHDR`/`CMSG_NXTHDR` but total: `None` when no complete header
/// is left or `cmsg_len` is smaller than a header (garbage); a `cmsg_len`
/// past the end is clamped to the end and reported as truncated.
#[inline]
pub(crate) fn header_at(layout: Layout, buf: &[u8], offset: usize) -> Option<Header> {
    let rest = buf.get(offset..)?;
    let w = layout.cmsg_len_width();
    let cmsg_len: u64 = if w == 8 {
        rd(rest, 0).map(u64::from_ne_bytes)?
    } else {
        rd_u32(rest, 0).map(u64::from)?
    };
    let level = rd_i32(rest, w)?;
    let kind = rd_i32(rest, w + 4)?;
    let data_off = layout.cmsg_data_offset();
    if cmsg_len < data_off as u64 {
        return None;
    }
    let (len, truncated) = match usize::try_from(cmsg_len) {
        Ok(l) if l <= rest.len() => (l, false),
        _ => (rest.len(), true),
    };
    let data_start = offset + data_off.min(len);
    let data_end = offset + len;
    let next = if truncated {
        buf.len()
    } else {
        offset.saturating_add(layout.cmsg_align(len)).min(buf.len())
    };
    Some(Header {
        level,
        kind,
        data_start,
        data_end,
        next,
        truncated,
    })
}

/// Whether `(level, kind)` is `SOL_SOCKET`/`SCM_RIGHTS`.
#[inline]
pub(crate) fn is_rights(layout: Layout, level: i32, kind: i32) -> bool {
    level == layout.sol_socket() && kind == layout.scm_rights()
}

/// The typed payloads, apart from descriptors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Payload {
    Credentials(UnixCredentials),
    Ipv4PacketInfo(Ipv4PacketInfo),
    Ipv4RecvDstAddr(Ipv4Addr),
    Ipv6PacketInfo(Ipv6PacketInfo),
    Timestamp(Timestamp),
    TimestampNs(Timestamp),
    /// Not a type this crate decodes, or too short for its type.
    Other,
}

/// Decodes a payload that is not `SCM_RIGHTS`. Never panics; anything
/// unexpected is [`Payload::Other`].
pub(crate) fn decode_payload(layout: Layout, level: i32, kind: i32, data: &[u8]) -> Payload {
    let decoded = if level == layout.sol_socket() {
        if let Some(format) = layout.creds_format(kind) {
            decode_credentials(format, data).map(Payload::Credentials)
        } else if kind == layout.scm_timestamp() {
            decode_timeval(layout, data).map(Payload::Timestamp)
        } else if Some(kind) == layout.scm_timestamp_ns() {
            decode_timespec(layout, data).map(Payload::TimestampNs)
        } else {
            None
        }
    } else if level == IPPROTO_IP {
        match layout.ip_pktinfo() {
            Some((k, format)) if k == kind => decode_pktinfo4(format, data).map(Payload::Ipv4PacketInfo),
            _ if Some(kind) == layout.ip_recvdstaddr() => {
                rd::<4>(data, 0).map(|a| Payload::Ipv4RecvDstAddr(Ipv4Addr::from(a)))
            }
            _ => None,
        }
    } else if level == IPPROTO_IPV6 && kind == layout.ipv6_pktinfo() {
        decode_pktinfo6(data).map(Payload::Ipv6PacketInfo)
    } else {
        None
    };
    decoded.unwrap_or(Payload::Other)
}

fn groups_from(data: &[u8], at: usize, ngroups: i64) -> ([libc::gid_t; CRED_GROUPS_MAX], u8) {
    let mut groups = [0; CRED_GROUPS_MAX];
    let fit = data.len().saturating_sub(at) / 4;
    let n = usize::try_from(ngroups).unwrap_or(0).min(CRED_GROUPS_MAX).min(fit);
    for (i, g) in groups.iter_mut().take(n).enumerate() {
        *g = rd_u32(data, at + 4 * i).unwrap_or(0);
    }
    (groups, n as u8)
}

fn decode_credentials(format: CredFormat, d: &[u8]) -> Option<UnixCredentials> {
    let pid = |p: i32| if p > 0 { Some(p) } else { None };
    Some(match format {
        CredFormat::Ucred => UnixCredentials {
            pid: pid(rd_i32(d, 0)?),
            uid: rd_u32(d, 4)?,
            gid: rd_u32(d, 8)?,
            euid: None,
            egid: None,
            ngroups: 0,
            groups: [0; CRED_GROUPS_MAX],
        },
        CredFormat::Cmsgcred => {
            // pid, uid, euid, gid, short ngroups, (pad), gid_t groups[16]
            let ngroups = rd(d, 16).map(i16::from_ne_bytes)?;
            let (groups, ngroups) = groups_from(d, 20, i64::from(ngroups));
            UnixCredentials {
                pid: pid(rd_i32(d, 0)?),
                uid: rd_u32(d, 4)?,
                euid: Some(rd_u32(d, 8)?),
                gid: rd_u32(d, 12)?,
                egid: None,
                ngroups,
                groups,
            }
        }
        CredFormat::Sockcred2 => {
            // version, pid, uid, euid, gid, egid, int ngroups, gid_t groups[]
            let (groups, ngroups) = groups_from(d, 28, i64::from(rd_i32(d, 24)?));
            UnixCredentials {
                pid: pid(rd_i32(d, 4)?),
                uid: rd_u32(d, 8)?,
                euid: Some(rd_u32(d, 12)?),
                gid: rd_u32(d, 16)?,
                egid: Some(rd_u32(d, 20)?),
                ngroups,
                groups,
            }
        }
        CredFormat::NetbsdSockcred => {
            // pid, uid, euid, gid, egid, int ngroups, gid_t groups[]
            let (groups, ngroups) = groups_from(d, 24, i64::from(rd_i32(d, 20)?));
            UnixCredentials {
                pid: pid(rd_i32(d, 0)?),
                uid: rd_u32(d, 4)?,
                euid: Some(rd_u32(d, 8)?),
                gid: rd_u32(d, 12)?,
                egid: Some(rd_u32(d, 16)?),
                ngroups,
                groups,
            }
        }
    })
}

fn decode_timeval(layout: Layout, d: &[u8]) -> Option<Timestamp> {
    let t = layout.time_width();
    let sec = rd_long(d, 0, t)?;
    let usec = rd_long(d, t, layout.suseconds_width())?;
    if !(0..1_000_000).contains(&usec) {
        return None;
    }
    Some(Timestamp {
        sec,
        nsec: usec as u32 * 1000,
    })
}

fn decode_timespec(layout: Layout, d: &[u8]) -> Option<Timestamp> {
    let t = layout.time_width();
    let sec = rd_long(d, 0, t)?;
    let nsec = rd_long(d, t, layout.pointer_width())?;
    if !(0..1_000_000_000).contains(&nsec) {
        return None;
    }
    Some(Timestamp { sec, nsec: nsec as u32 })
}

fn decode_pktinfo4(format: PktinfoFormat, d: &[u8]) -> Option<Ipv4PacketInfo> {
    Some(match format {
        PktinfoFormat::IfindexSpecdstAddr => Ipv4PacketInfo {
            ifindex: rd_u32(d, 0)?,
            spec_dst: Ipv4Addr::from(rd::<4>(d, 4)?),
            addr: Ipv4Addr::from(rd::<4>(d, 8)?),
        },
        PktinfoFormat::AddrIfindex => {
            let addr = Ipv4Addr::from(rd::<4>(d, 0)?);
            Ipv4PacketInfo {
                ifindex: rd_u32(d, 4)?,
                spec_dst: addr,
                addr,
            }
        }
    })
}

fn decode_pktinfo6(d: &[u8]) -> Option<Ipv6PacketInfo> {
    Some(Ipv6PacketInfo {
        addr: Ipv6Addr::from(rd::<16>(d, 0)?),
        ifindex: rd_u32(d, 16)?,
    })
}

/// Appends one control message at `*len` in `buf`: header, payload written
/// by `fill` (which gets exactly `payload_len` zeroed bytes), padding to
/// `CMSG_SPACE`. ENOBUFS, with nothing written, when it does not fit.
#[inline]
pub(crate) fn push(
    layout: Layout,
    buf: &mut [u8],
    len: &mut usize,
    level: i32,
    kind: i32,
    payload_len: usize,
    fill: impl FnOnce(&mut [u8]),
) -> Result<()> {
    let space = payload_len
        .checked_add(layout.cmsg_data_offset() + layout.cmsg_alignment())
        .map(|_| layout.cmsg_space(payload_len))
        .ok_or(Errno::ENOBUFS)?;
    let end = len.checked_add(space).ok_or(Errno::ENOBUFS)?;
    let msg = buf.get_mut(*len..end).ok_or(Errno::ENOBUFS)?;
    msg.fill(0);
    let w = layout.cmsg_len_width();
    let cmsg_len = layout.cmsg_len(payload_len);
    if w == 8 {
        msg[..8].copy_from_slice(&(cmsg_len as u64).to_ne_bytes());
    } else {
        let l = u32::try_from(cmsg_len).map_err(|_| Errno::ENOBUFS)?;
        msg[..4].copy_from_slice(&l.to_ne_bytes());
    }
    msg[w..w + 4].copy_from_slice(&level.to_ne_bytes());
    msg[w + 4..w + 8].copy_from_slice(&kind.to_ne_bytes());
    let d = layout.cmsg_data_offset();
    fill(&mut msg[d..d + payload_len]);
    *len = end;
    Ok(())
}

/// The `(level, kind, payload length)` and payload writer of a credentials
/// message the sender attaches: `ucred` with the given ids on Linux, an
/// empty `cmsgcred` the kernel fills in on FreeBSD and DragonFly.
pub(crate) fn credentials_payload(layout: Layout, creds: (i32, u32, u32)) -> Result<(i32, usize, [u8; 84])> {
    let mut p = [0u8; 84];
    match layout.scm_creds_send() {
        Some((kind, CredFormat::Ucred)) => {
            p[0..4].copy_from_slice(&creds.0.to_ne_bytes());
            p[4..8].copy_from_slice(&creds.1.to_ne_bytes());
            p[8..12].copy_from_slice(&creds.2.to_ne_bytes());
            Ok((kind, 12, p))
        }
        Some((kind, _)) => Ok((kind, 84, p)),
        None => Err(Errno::EOPNOTSUPP),
    }
}

/// The `(kind, payload length)` and payload of `IP_PKTINFO` on `layout`.
pub(crate) fn pktinfo4_payload(layout: Layout, info: &Ipv4PacketInfo) -> Result<(i32, usize, [u8; 12])> {
    let mut p = [0u8; 12];
    match layout.ip_pktinfo() {
        Some((kind, PktinfoFormat::IfindexSpecdstAddr)) => {
            p[0..4].copy_from_slice(&info.ifindex.to_ne_bytes());
            p[4..8].copy_from_slice(&info.spec_dst.octets());
            p[8..12].copy_from_slice(&info.addr.octets());
            Ok((kind, 12, p))
        }
        Some((kind, PktinfoFormat::AddrIfindex)) => {
            // NetBSD has one address: the source to send from.
            let addr = if info.spec_dst.is_unspecified() {
                info.addr
            } else {
                info.spec_dst
            };
            p[0..4].copy_from_slice(&addr.octets());
            p[4..8].copy_from_slice(&info.ifindex.to_ne_bytes());
            Ok((kind, 8, p))
        }
        None => Err(Errno::EOPNOTSUPP),
    }
}

/// The payload of `IPV6_PKTINFO` (the same on every platform).
pub(crate) fn pktinfo6_payload(info: &Ipv6PacketInfo) -> [u8; 20] {
    let mut p = [0u8; 20];
    p[0..16].copy_from_slice(&info.addr.octets());
    p[16..20].copy_from_slice(&info.ifindex.to_ne_bytes());
    p
}

/// The payload length of the largest credentials message this crate
/// decodes with [`CRED_GROUPS_MAX`] groups, on `layout` (0 where there is
/// none).
pub(crate) const fn credentials_payload_max(layout: Layout) -> usize {
    use crate::layout::Os;
    let g = 4 * CRED_GROUPS_MAX;
    match layout.os() {
        Os::Linux => 12,
        // cmsgcred (84) or sockcred2 (28 + groups).
        Os::FreeBsd => 28 + g,
        Os::DragonFly => 20 + g,
        // sockcred: 24 + groups.
        Os::NetBsd => 24 + g,
        Os::OpenBsd | Os::Apple => 0,
    }
}
