//! Control-message fixtures: the bytes each kernel writes, for every layout,
//! parsed on this host; the encoder checked against them and against libc.

use super::*;
use crate::layout::Os;
use std::os::fd::AsFd;

/// Builds one control message the way `layout`'s kernel writes it:
/// `cmsg_len` = CMSG_LEN(payload) unless `len_override`, header, padding to
/// the data offset, payload, padding to CMSG_SPACE.
fn cmsg(layout: Layout, level: i32, kind: i32, payload: &[u8], len_override: Option<u64>) -> Vec<u8> {
    let mut v = vec![0u8; layout.cmsg_space(payload.len())];
    let len = len_override.unwrap_or(layout.cmsg_len(payload.len()) as u64);
    let w = layout.cmsg_len_width();
    if w == 8 {
        v[..8].copy_from_slice(&len.to_ne_bytes());
    } else {
        v[..4].copy_from_slice(&(len as u32).to_ne_bytes());
    }
    v[w..w + 4].copy_from_slice(&level.to_ne_bytes());
    v[w + 4..w + 8].copy_from_slice(&kind.to_ne_bytes());
    let d = layout.cmsg_data_offset();
    v[d..d + payload.len()].copy_from_slice(payload);
    v
}

fn ints(v: &[i32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_ne_bytes()).collect()
}

fn raw_rights(m: &RawCmsg<'_>) -> Vec<i32> {
    match m.decode() {
        ControlMessage::Rights(r) => r.collect(),
        other => panic!("not rights: {other:?}"),
    }
}

#[test]
fn arithmetic_per_layout() {
    // (layout, data offset, CMSG_LEN(4), CMSG_SPACE(4), CMSG_SPACE(12))
    for (l, off, len4, space4, space12) in [
        (Layout::LINUX_64, 16, 20, 24, 32),
        (Layout::LINUX_32, 12, 16, 16, 24),
        (Layout::FREEBSD_64, 16, 20, 24, 32),
        (Layout::DRAGONFLY_64, 16, 20, 24, 32),
        (Layout::NETBSD_64, 16, 20, 24, 32),
        (Layout::NETBSD_AARCH64, 16, 20, 32, 32),
        (Layout::OPENBSD_64, 16, 20, 24, 32),
        (Layout::APPLE_64, 12, 16, 16, 24),
    ] {
        assert_eq!(l.cmsg_data_offset(), off, "{l:?}");
        assert_eq!(l.cmsg_len(4), len4, "{l:?}");
        assert_eq!(l.cmsg_space(4), space4, "{l:?}");
        assert_eq!(l.cmsg_space(12), space12, "{l:?}");
    }
}

#[test]
fn arithmetic_saturates_instead_of_wrapping() {
    for l in Layout::ALL.iter().copied() {
        for n in [usize::MAX, usize::MAX - 1, usize::MAX - 15] {
            assert!(l.cmsg_align(n) >= n, "{l:?} {n}");
            assert!(l.cmsg_space(n) >= n, "{l:?} {n}");
            assert!(l.cmsg_len(n) >= n, "{l:?} {n}");
        }
        assert_eq!(l.cmsg_space(usize::MAX - 1), usize::MAX, "{l:?}");
        let half = usize::MAX / 2 + 1;
        assert_eq!(l.cmsg_space(half), half + l.cmsg_data_offset(), "{l:?}");
        assert_eq!(l.cmsg_align(usize::MAX), usize::MAX);
        assert_eq!(l.cmsg_len(usize::MAX), usize::MAX);
    }
    assert_eq!(rights_space(usize::MAX), usize::MAX);
    assert_eq!(rights_space(usize::MAX / 4 + 1), usize::MAX);
    assert_eq!(cmsg_space(usize::MAX), usize::MAX);
    assert_eq!(cmsg_len(usize::MAX), usize::MAX);
    // And a push of that many is ENOBUFS, with nothing written.
    let mut space = CmsgSpace::<{ rights_space(1) }>::new();
    let mut buf = CmsgBuf::new(&mut space);
    // SAFETY: nothing is sent.
    let r = unsafe { buf.push_raw(1, 1, &[]) };
    assert!(r.is_ok());
    buf.clear();
    let big = [0u8; 64];
    // SAFETY: as above.
    assert_eq!(unsafe { buf.push_raw(1, 1, &big) }, Err(Errno::ENOBUFS));
    assert!(buf.is_empty());
}

// Not on NetBSD aarch64, where `libc`'s CMSG_* align to 4 and the kernel
// to 16 (see `Layout::NETBSD_AARCH64`): there the two must differ.
#[cfg(not(all(target_os = "netbsd", target_arch = "aarch64")))]
#[test]
fn native_arithmetic_equals_libc() {
    for n in 0..300u32 {
        // SAFETY: pure arithmetic.
        let (space, len) = unsafe { (libc::CMSG_SPACE(n), libc::CMSG_LEN(n)) };
        assert_eq!(cmsg_space(n as usize), space as usize, "CMSG_SPACE({n})");
        assert_eq!(cmsg_len(n as usize), len as usize, "CMSG_LEN({n})");
    }
    assert_eq!(rights_space(3), cmsg_space(12));
}

#[cfg(not(all(target_os = "netbsd", target_arch = "aarch64")))]
#[test]
fn native_encoding_equals_libc_macros() {
    // Build SCM_RIGHTS for two descriptors with libc's CMSG_* macros, and
    // with CmsgBuf: the bytes must be the same.
    let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    let fds = [a.as_fd(), b.as_fd()];
    let mut ours_space = CmsgSpace::<64>::new();
    let mut ours = CmsgBuf::new(&mut ours_space);
    ours.push_rights(&fds).unwrap();

    #[repr(C, align(8))]
    struct Aligned([u8; 64]);
    let mut theirs = Aligned([0; 64]);
    // SAFETY: a msghdr over our aligned buffer; the CMSG_* macros only do
    // pointer arithmetic within it, and we write within CMSG_SPACE(8).
    let theirs_len = unsafe {
        let mut h: libc::msghdr = core::mem::zeroed();
        h.msg_control = theirs.0.as_mut_ptr().cast();
        h.msg_controllen = libc::CMSG_SPACE(8) as _;
        let c = libc::CMSG_FIRSTHDR(&h);
        (*c).cmsg_level = libc::SOL_SOCKET;
        (*c).cmsg_type = libc::SCM_RIGHTS;
        (*c).cmsg_len = libc::CMSG_LEN(8) as _;
        let data = libc::CMSG_DATA(c).cast::<i32>();
        data.write_unaligned(a.as_raw_fd());
        data.add(1).write_unaligned(b.as_raw_fd());
        libc::CMSG_SPACE(8) as usize
    };
    assert_eq!(ours.as_bytes(), &theirs.0[..theirs_len]);
}

#[test]
fn rights_fixtures_every_layout() {
    for l in Layout::ALL.iter().copied() {
        let bytes = cmsg(l, l.sol_socket(), 1, &ints(&[5, 6, 7]), None);
        let ms: Vec<_> = RawCmsgs::new(l, &bytes).collect();
        assert_eq!(ms.len(), 1, "{l:?}");
        assert_eq!(
            (ms[0].level(), ms[0].kind(), ms[0].is_truncated()),
            (l.sol_socket(), 1, false)
        );
        assert_eq!(raw_rights(&ms[0]), [5, 6, 7], "{l:?}");
    }
    // The other family's SOL_SOCKET is not SCM_RIGHTS.
    let linux_level = cmsg(Layout::FREEBSD_64, 1, 1, &ints(&[5]), None);
    let m = RawCmsgs::new(Layout::FREEBSD_64, &linux_level).next().unwrap();
    assert!(matches!(m.decode(), ControlMessage::Other { level: 1, kind: 1, .. }));
}

#[test]
fn apple_bytes_exactly() {
    // XNU: cmsg_len (u32) 24, SOL_SOCKET 0xffff, SCM_RIGHTS 1, then the
    // descriptors right after the 12-byte header.
    let mut b = Vec::new();
    b.extend_from_slice(&24u32.to_ne_bytes());
    b.extend_from_slice(&0xffffi32.to_ne_bytes());
    b.extend_from_slice(&1i32.to_ne_bytes());
    b.extend_from_slice(&ints(&[3, 4, 9]));
    assert_eq!(b, cmsg(Layout::APPLE_64, 0xffff, 1, &ints(&[3, 4, 9]), None));
    let m = RawCmsgs::new(Layout::APPLE_64, &b).next().unwrap();
    assert_eq!(raw_rights(&m), [3, 4, 9]);
}

#[test]
fn several_messages_in_order() {
    let l = Layout::LINUX_64;
    let mut b = cmsg(l, 1, 1, &ints(&[10]), None);
    let mut ucred = ints(&[4242, 1000]);
    ucred.extend_from_slice(&1001u32.to_ne_bytes());
    b.extend(cmsg(l, 1, 2, &ucred, None));
    b.extend(cmsg(l, 41, 50, &[0; 20], None));
    let ms: Vec<_> = RawCmsgs::new(l, &b).collect();
    assert_eq!(ms.len(), 3);
    assert_eq!(raw_rights(&ms[0]), [10]);
    match ms[1].decode() {
        ControlMessage::Credentials(c) => {
            assert_eq!(
                (c.pid, c.uid, c.gid, c.euid, c.groups()),
                (Some(4242), 1000, 1001, None, &[][..])
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(ms[2].decode(), ControlMessage::Ipv6PacketInfo(p) if p.ifindex == 0));
}

#[test]
fn credentials_fixtures() {
    // FreeBSD/DragonFly cmsgcred: pid, uid, euid, gid, short ngroups, pad,
    // gid_t groups[16] = 84 bytes.
    let mut c = ints(&[777, 1001, 0, 1002]);
    c.extend_from_slice(&2i16.to_ne_bytes());
    c.extend_from_slice(&[0, 0]);
    c.extend_from_slice(&ints(&[1002, 5]));
    c.resize(84, 0);
    for l in [Layout::FREEBSD_64, Layout::DRAGONFLY_64] {
        let b = cmsg(l, 0xffff, 3, &c, None);
        match RawCmsgs::new(l, &b).next().unwrap().decode() {
            ControlMessage::Credentials(u) => {
                assert_eq!(
                    (u.pid, u.uid, u.euid, u.gid, u.egid),
                    (Some(777), 1001, Some(0), 1002, None)
                );
                assert_eq!(u.groups(), [1002, 5]);
            }
            other => panic!("{other:?}"),
        }
    }
    // FreeBSD sockcred2 (SCM_CREDS2 = 8): version, pid, uid, euid, gid,
    // egid, ngroups, groups[ngroups].
    let s2 = ints(&[0, 31, 1, 2, 3, 4, 3, 3, 10, 11]);
    let b = cmsg(Layout::FREEBSD_64, 0xffff, 8, &s2, None);
    match RawCmsgs::new(Layout::FREEBSD_64, &b).next().unwrap().decode() {
        ControlMessage::Credentials(u) => {
            assert_eq!(
                (u.pid, u.uid, u.euid, u.gid, u.egid),
                (Some(31), 1, Some(2), 3, Some(4))
            );
            assert_eq!(u.groups(), [3, 10, 11]);
        }
        other => panic!("{other:?}"),
    }
    // NetBSD sockcred (SCM_CREDS = 0x10): pid, uid, euid, gid, egid,
    // ngroups, groups.
    let s = ints(&[55, 1, 2, 3, 4, 1, 3]);
    let b = cmsg(Layout::NETBSD_64, 0xffff, 0x10, &s, None);
    match RawCmsgs::new(Layout::NETBSD_64, &b).next().unwrap().decode() {
        ControlMessage::Credentials(u) => {
            assert_eq!(
                (u.pid, u.uid, u.euid, u.gid, u.egid),
                (Some(55), 1, Some(2), 3, Some(4))
            );
            assert_eq!(u.groups(), [3]);
        }
        other => panic!("{other:?}"),
    }
    // ngroups larger than what arrived, or negative: clamped.
    let lying = ints(&[55, 1, 2, 3, 4, 1000, 3]);
    let b = cmsg(Layout::NETBSD_64, 0xffff, 0x10, &lying, None);
    let m = RawCmsgs::new(Layout::NETBSD_64, &b).next().unwrap();
    assert!(matches!(m.decode(), ControlMessage::Credentials(u) if u.groups() == [3]));
    let neg = ints(&[55, 1, 2, 3, 4, -1, 3]);
    let b = cmsg(Layout::NETBSD_64, 0xffff, 0x10, &neg, None);
    let m = RawCmsgs::new(Layout::NETBSD_64, &b).next().unwrap();
    assert!(matches!(m.decode(), ControlMessage::Credentials(u) if u.groups().is_empty()));
    // Too short for its type: Other.
    let b = cmsg(Layout::LINUX_64, 1, 2, &ints(&[1, 2]), None);
    let m = RawCmsgs::new(Layout::LINUX_64, &b).next().unwrap();
    assert!(matches!(m.decode(), ControlMessage::Other { level: 1, kind: 2, data } if data.len() == 8));
    // OpenBSD and Apple have no credentials message: type 3 is Other.
    for l in [Layout::OPENBSD_64, Layout::APPLE_64] {
        let b = cmsg(l, 0xffff, 3, &c, None);
        let m = RawCmsgs::new(l, &b).next().unwrap();
        assert!(matches!(m.decode(), ControlMessage::Other { .. }));
    }
}

#[test]
fn timestamps_on_32_bit_kernels() {
    // A 32-bit BSD: 64-bit time_t, then a 32-bit long (or int) fraction.
    // The seconds must not be read as 4 bytes.
    let sec = 0x1_0000_0001i64; // needs all 8 bytes
    let mut tv = sec.to_ne_bytes().to_vec();
    tv.extend_from_slice(&250_000i32.to_ne_bytes());
    let mut ts = sec.to_ne_bytes().to_vec();
    ts.extend_from_slice(&7i32.to_ne_bytes());
    let freebsd_armv7 = Layout::new(Os::FreeBsd, 4, 4).unwrap();
    let netbsd_i386 = Layout::new(Os::NetBsd, 4, 4).unwrap();
    let openbsd_i386 = Layout::new(Os::OpenBsd, 4, 4).unwrap();
    for (l, kind) in [(freebsd_armv7, 2), (netbsd_i386, 8), (openbsd_i386, 4)] {
        let b = cmsg(l, l.sol_socket(), kind, &tv, None);
        match RawCmsgs::new(l, &b).next().unwrap().decode() {
            ControlMessage::Timestamp(t) => assert_eq!(t, Timestamp { sec, nsec: 250_000_000 }, "{l:?}"),
            other => panic!("{l:?}: {other:?}"),
        }
    }
    let b = cmsg(freebsd_armv7, 0xffff, 5, &ts, None);
    match RawCmsgs::new(freebsd_armv7, &b).next().unwrap().decode() {
        ControlMessage::TimestampNs(t) => assert_eq!(t, Timestamp { sec, nsec: 7 }),
        other => panic!("{other:?}"),
    }
    // FreeBSD i386 and classic 32-bit Linux: a 32-bit time_t.
    let mut tv32 = (-5i32).to_ne_bytes().to_vec();
    tv32.extend_from_slice(&1i32.to_ne_bytes());
    let freebsd_i386 = freebsd_armv7.with_time_width(4).unwrap();
    for (l, kind) in [(freebsd_i386, 2), (Layout::LINUX_32, 29)] {
        let b = cmsg(l, l.sol_socket(), kind, &tv32, None);
        match RawCmsgs::new(l, &b).next().unwrap().decode() {
            ControlMessage::Timestamp(t) => assert_eq!(t, Timestamp { sec: -5, nsec: 1000 }, "{l:?}"),
            other => panic!("{l:?}: {other:?}"),
        }
    }
    assert_eq!(freebsd_armv7.with_time_width(2), None);
    assert_eq!(Layout::LINUX_32.time_width(), 4);
    assert_eq!(Layout::NATIVE.time_width(), core::mem::size_of::<libc::time_t>());
}

#[test]
fn timestamp_fixtures() {
    let sec = 1_700_000_000i64;
    // 64-bit timeval with a long tv_usec: Linux (29), FreeBSD/DragonFly (2),
    // OpenBSD (4).
    let mut tv_long = sec.to_ne_bytes().to_vec();
    tv_long.extend_from_slice(&123_456i64.to_ne_bytes());
    // Apple and NetBSD: int tv_usec and padding.
    let mut tv_int = sec.to_ne_bytes().to_vec();
    tv_int.extend_from_slice(&123_456i32.to_ne_bytes());
    tv_int.extend_from_slice(&[0xEE; 4]);
    for (l, kind, payload) in [
        (Layout::LINUX_64, 29, &tv_long),
        (Layout::FREEBSD_64, 2, &tv_long),
        (Layout::DRAGONFLY_64, 2, &tv_long),
        (Layout::OPENBSD_64, 4, &tv_long),
        (Layout::APPLE_64, 2, &tv_int),
        (Layout::NETBSD_64, 8, &tv_int),
    ] {
        let b = cmsg(l, l.sol_socket(), kind, payload, None);
        let m = RawCmsgs::new(l, &b).next().unwrap();
        match m.decode() {
            ControlMessage::Timestamp(t) => assert_eq!(t, Timestamp { sec, nsec: 123_456_000 }, "{l:?}"),
            other => panic!("{l:?}: {other:?}"),
        }
    }
    // Nanoseconds: Linux SCM_TIMESTAMPNS (35), FreeBSD SCM_REALTIME (5).
    let mut ts = sec.to_ne_bytes().to_vec();
    ts.extend_from_slice(&999_999_999i64.to_ne_bytes());
    for (l, kind) in [(Layout::LINUX_64, 35), (Layout::FREEBSD_64, 5)] {
        let b = cmsg(l, l.sol_socket(), kind, &ts, None);
        let t = match RawCmsgs::new(l, &b).next().unwrap().decode() {
            ControlMessage::TimestampNs(t) => t,
            other => panic!("{other:?}"),
        };
        assert_eq!(t.nsec, 999_999_999);
        assert!(t.to_system_time().is_some());
    }
    // An out-of-range microsecond field is not a timestamp.
    let mut bad = sec.to_ne_bytes().to_vec();
    bad.extend_from_slice(&1_000_000i64.to_ne_bytes());
    let b = cmsg(Layout::LINUX_64, 1, 29, &bad, None);
    assert!(matches!(
        RawCmsgs::new(Layout::LINUX_64, &b).next().unwrap().decode(),
        ControlMessage::Other { .. }
    ));
}

#[test]
fn packet_info_fixtures() {
    let local = Ipv4Addr::new(127, 0, 0, 1);
    let dst = Ipv4Addr::new(127, 0, 0, 2);
    // Linux (8) and Apple (26): ifindex, spec_dst, addr.
    let mut linux = 1u32.to_ne_bytes().to_vec();
    linux.extend_from_slice(&local.octets());
    linux.extend_from_slice(&dst.octets());
    for (l, kind) in [(Layout::LINUX_64, 8), (Layout::APPLE_64, 26)] {
        let b = cmsg(l, 0, kind, &linux, None);
        match RawCmsgs::new(l, &b).next().unwrap().decode() {
            ControlMessage::Ipv4PacketInfo(p) => assert_eq!((p.ifindex, p.spec_dst, p.addr), (1, local, dst)),
            other => panic!("{other:?}"),
        }
    }
    // NetBSD (25): addr, ifindex.
    let mut netbsd = dst.octets().to_vec();
    netbsd.extend_from_slice(&4u32.to_ne_bytes());
    let b = cmsg(Layout::NETBSD_64, 0, 25, &netbsd, None);
    match RawCmsgs::new(Layout::NETBSD_64, &b).next().unwrap().decode() {
        ControlMessage::Ipv4PacketInfo(p) => assert_eq!((p.ifindex, p.addr), (4, dst)),
        other => panic!("{other:?}"),
    }
    // The BSDs' IP_RECVDSTADDR (7): an in_addr.
    for l in [
        Layout::FREEBSD_64,
        Layout::OPENBSD_64,
        Layout::DRAGONFLY_64,
        Layout::APPLE_64,
    ] {
        let b = cmsg(l, 0, 7, &dst.octets(), None);
        assert!(matches!(
            RawCmsgs::new(l, &b).next().unwrap().decode(),
            ControlMessage::Ipv4RecvDstAddr(a) if a == dst
        ));
    }
    // IPV6_PKTINFO: 50 on Linux, 46 elsewhere.
    let mut p6 = Ipv6Addr::LOCALHOST.octets().to_vec();
    p6.extend_from_slice(&9u32.to_ne_bytes());
    for l in Layout::ALL.iter().copied() {
        let kind = if l.os() == Os::Linux { 50 } else { 46 };
        let b = cmsg(l, 41, kind, &p6, None);
        assert!(matches!(
            RawCmsgs::new(l, &b).next().unwrap().decode(),
            ControlMessage::Ipv6PacketInfo(p) if p.ifindex == 9 && p.addr == Ipv6Addr::LOCALHOST
        ));
    }
}

#[test]
fn truncation_fixtures() {
    // Apple and FreeBSD under MSG_CTRUNC: cmsg_len still says three
    // descriptors, but the buffer (msg_controllen) ends after two.
    for l in [Layout::APPLE_64, Layout::FREEBSD_64] {
        let full = cmsg(l, 0xffff, 1, &ints(&[3, 4, 5]), None);
        let cut = &full[..l.cmsg_data_offset() + 8];
        let ms: Vec<_> = RawCmsgs::new(l, cut).collect();
        assert_eq!(ms.len(), 1);
        assert!(ms[0].is_truncated());
        assert_eq!(raw_rights(&ms[0]), [3, 4], "{l:?}");
        // A trailing partial descriptor is ignored.
        let cut = &full[..l.cmsg_data_offset() + 10];
        assert_eq!(raw_rights(&RawCmsgs::new(l, cut).next().unwrap()), [3, 4]);
        // Cut inside the header: nothing.
        assert_eq!(RawCmsgs::new(l, &full[..10]).count(), 0);
    }
    // Linux shrinks cmsg_len to what fit: a consistent, shorter message.
    let l = Layout::LINUX_64;
    let b = cmsg(l, 1, 1, &ints(&[3, 4]), None);
    let m = RawCmsgs::new(l, &b[..l.cmsg_len(8)]).next().unwrap();
    assert!(!m.is_truncated());
    assert_eq!(raw_rights(&m), [3, 4]);
    // Linux, room for a header but not the data of a second message.
    let mut two = cmsg(l, 1, 1, &ints(&[3]), None);
    two.extend(cmsg(l, 1, 2, &[0; 12], Some(16)));
    let ms: Vec<_> = RawCmsgs::new(l, &two).collect();
    assert_eq!(ms.len(), 2);
    assert!(matches!(ms[1].decode(), ControlMessage::Other { data: [], .. }));
}

#[test]
fn garbage_fixtures() {
    for l in Layout::ALL.iter().copied() {
        // cmsg_len 0 and smaller than a header: stop.
        let z = cmsg(l, 1, 1, &[], Some(0));
        assert_eq!(RawCmsgs::new(l, &z).count(), 0);
        let small = cmsg(l, 1, 1, &[], Some(l.cmsg_data_offset() as u64 - 1));
        assert_eq!(RawCmsgs::new(l, &small).count(), 0);
        // A huge cmsg_len: clamped to the buffer, then the end.
        let huge = cmsg(l, l.sol_socket(), 1, &ints(&[1, 2]), Some(u64::MAX));
        let ms: Vec<_> = RawCmsgs::new(l, &huge[..l.cmsg_len(8)]).collect();
        assert_eq!(ms.len(), 1);
        assert!(ms[0].is_truncated());
        assert_eq!(raw_rights(&ms[0]), [1, 2]);
        // Empty and tiny buffers.
        assert_eq!(RawCmsgs::new(l, &[]).count(), 0);
        assert_eq!(RawCmsgs::new(l, &[0xff; 7]).count(), 0);
    }
}

/// xorshift64*.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn random_bytes_never_panic_or_overrun() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut buf = vec![0u8; 256];
    let mut yielded = 0usize;
    // Smaller under Miri, which runs this about 10 000 times slower.
    let rounds = if cfg!(miri) { 200 } else { 50_000 };
    for _ in 0..rounds {
        let len = (rng.next() % 257) as usize;
        for b in buf.iter_mut().take(len) {
            *b = rng.next() as u8;
        }
        // Plausible headers half the time.
        if len >= 16 && rng.next() % 2 == 0 {
            let cl = rng.next() % 64;
            buf[..8].copy_from_slice(&cl.to_ne_bytes());
            let level = [0i32, 1, 41, 0xffff][(rng.next() % 4) as usize];
            buf[8..12].copy_from_slice(&level.to_ne_bytes());
            buf[4..8].copy_from_slice(&level.to_ne_bytes());
        }
        for l in Layout::ALL.iter().copied() {
            let mut total = 0usize;
            for m in RawCmsgs::new(l, &buf[..len]) {
                yielded += 1;
                total += m.data().len();
                assert!(total <= len);
                if let ControlMessage::Rights(r) = m.decode() {
                    assert!(r.count() <= len / 4);
                }
            }
        }
    }
    assert!(yielded > rounds / 5, "only {yielded} messages parsed");
}

#[test]
#[cfg_attr(
    miri,
    ignore = "getuid/getgid (the sender's credentials) are foreign calls Miri does not run"
)]
fn encoder_round_trips_every_layout() {
    let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    let p4 = Ipv4PacketInfo {
        ifindex: 3,
        spec_dst: Ipv4Addr::new(10, 0, 0, 1),
        addr: Ipv4Addr::UNSPECIFIED,
    };
    let p6 = Ipv6PacketInfo {
        addr: Ipv6Addr::LOCALHOST,
        ifindex: 7,
    };
    for l in Layout::ALL.iter().copied() {
        let mut space = CmsgSpace::<512>::new();
        let mut buf = CmsgBuf::with_layout(&mut space, l);
        buf.push_rights(&[a.as_fd(), b.as_fd()]).unwrap();
        let creds = buf.push_credentials();
        let creds_as = buf.push_credentials_as(1, 2, 3);
        let pkt4 = buf.push_ipv4_packet_info(&p4);
        buf.push_ipv6_packet_info(&p6).unwrap();
        // SAFETY: an opaque payload, no descriptors.
        unsafe { buf.push_raw(0x1234, 0x55, b"xyz").unwrap() };

        let want_creds = matches!(l.os(), Os::Linux | Os::FreeBsd | Os::DragonFly);
        assert_eq!(creds.is_ok(), want_creds, "{l:?}");
        assert_eq!(creds_as.is_ok(), l.os() == Os::Linux, "{l:?}");
        assert_eq!(
            pkt4.is_ok(),
            matches!(l.os(), Os::Linux | Os::Apple | Os::NetBsd),
            "{l:?}"
        );
        if creds.is_err() {
            assert_eq!(creds, Err(Errno::EOPNOTSUPP));
        }

        let ms: Vec<_> = buf.raw().collect();
        let mut it = ms.iter();
        assert_eq!(raw_rights(it.next().unwrap()), [a.as_raw_fd(), b.as_raw_fd()]);
        if want_creds {
            let m = it.next().unwrap();
            // Linux: our ids; FreeBSD: an all-zero cmsgcred for the kernel to fill.
            match m.decode() {
                ControlMessage::Credentials(c) if l.os() == Os::Linux => {
                    // SAFETY: getpid cannot fail.
                    assert_eq!(c.pid, Some(unsafe { libc::getpid() }));
                }
                ControlMessage::Credentials(c) => assert_eq!((c.pid, c.uid), (None, 0)),
                other => panic!("{other:?}"),
            }
            assert_eq!(m.data().len(), if l.os() == Os::Linux { 12 } else { 84 });
        }
        if l.os() == Os::Linux {
            assert!(
                matches!(it.next().unwrap().decode(), ControlMessage::Credentials(c) if c.pid == Some(1) && c.uid == 2 && c.gid == 3)
            );
        }
        if pkt4.is_ok() {
            match it.next().unwrap().decode() {
                ControlMessage::Ipv4PacketInfo(p) => {
                    assert_eq!(p.ifindex, 3);
                    assert_eq!(p.spec_dst, Ipv4Addr::new(10, 0, 0, 1));
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(it.next().unwrap().decode(), ControlMessage::Ipv6PacketInfo(p) if p == p6));
        assert!(matches!(
            it.next().unwrap().decode(),
            ControlMessage::Other {
                level: 0x1234,
                kind: 0x55,
                data: b"xyz"
            }
        ));
        assert!(it.next().is_none());
        // Every message is CMSG_SPACE-padded: the total is their sum.
        let sum: usize = ms.iter().map(|m| l.cmsg_space(m.data().len())).sum();
        assert_eq!(buf.len(), sum, "{l:?}");
        // An encoded buffer is not received data: no owned messages.
        assert_eq!(buf.messages().count(), 0);
    }
}

#[test]
fn too_small_is_enobufs_and_leaves_the_buffer() {
    let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
    let mut space = CmsgSpace::<{ rights_space(1) }>::new();
    let mut buf = CmsgBuf::new(&mut space);
    assert_eq!(buf.capacity(), rights_space(1));
    // Two descriptors fit the padding of one on 64-bit Linux; three never do.
    assert_eq!(buf.push_rights(&[a.as_fd(), a.as_fd(), a.as_fd()]), Err(Errno::ENOBUFS));
    assert_eq!(buf.len(), 0);
    buf.push_rights(&[a.as_fd()]).unwrap();
    let before = buf.as_bytes().to_vec();
    assert_eq!(buf.push_rights(&[a.as_fd()]), Err(Errno::ENOBUFS));
    assert_eq!(buf.as_bytes(), before);
    buf.clear();
    assert!(buf.is_empty());
    assert_eq!(CmsgBuf::empty().push_rights(&[]), Err(Errno::ENOBUFS));
}

#[test]
fn misaligned_storage_is_aligned() {
    let mut v = [0u8; 65];
    let off = v.as_ptr().align_offset(16);
    let slice = &mut v[off + 1..];
    let len = slice.len();
    let buf = CmsgBuf::new(slice);
    let skipped = len - buf.capacity();
    assert!(skipped < Layout::NATIVE.cmsg_alignment());
    assert_eq!(buf.buf.as_ptr() as usize % Layout::NATIVE.cmsg_alignment(), 0);
}

#[test]
fn credentials_space_fits_what_is_delivered() {
    if CREDENTIALS_SPACE > 0 {
        assert!(CREDENTIALS_SPACE >= cmsg_space(12));
    }
    assert_eq!(Layout::NATIVE.cmsg_space(12), cmsg_space(12));
}

#[test]
fn timestamp_to_system_time() {
    let t = Timestamp { sec: 1, nsec: 5 };
    assert_eq!(t.to_system_time(), UNIX_EPOCH.checked_add(Duration::new(1, 5)));
    let neg = Timestamp { sec: -1, nsec: 0 };
    assert_eq!(neg.to_system_time(), UNIX_EPOCH.checked_sub(Duration::from_secs(1)));
}

#[test]
fn timestamp_extremes_are_none_or_exact() {
    // i64::MIN/MAX seconds: a SystemTime if this platform's holds it,
    // otherwise None; never a wrapped time.
    for sec in [i64::MIN, i64::MIN + 1, i64::MAX, i64::MAX - 1] {
        for nsec in [0, 999_999_999] {
            let t = Timestamp { sec, nsec };
            if let Some(st) = t.to_system_time() {
                let back = match st.duration_since(UNIX_EPOCH) {
                    Ok(d) => (i128::from(d.as_secs()), d.subsec_nanos()),
                    Err(e) => {
                        let d = e.duration();
                        // Before the epoch: -(d) = sec + nsec/1e9.
                        let total = -(d.as_nanos() as i128);
                        (total.div_euclid(1_000_000_000), total.rem_euclid(1_000_000_000) as u32)
                    }
                };
                assert_eq!(back, (i128::from(sec), nsec), "{t:?}");
            }
        }
    }
    // A timestamp a kernel wrote with i64::MIN seconds decodes as such.
    let mut tv = i64::MIN.to_ne_bytes().to_vec();
    tv.extend_from_slice(&0i64.to_ne_bytes());
    let b = cmsg(Layout::LINUX_64, 1, 29, &tv, None);
    match RawCmsgs::new(Layout::LINUX_64, &b).next().unwrap().decode() {
        ControlMessage::Timestamp(t) => assert_eq!(t, Timestamp { sec: i64::MIN, nsec: 0 }),
        other => panic!("{other:?}"),
    }
}
