//! Sockaddr codec fixtures: the bytes each kernel writes, for every layout,
//! decoded and re-encoded on this host.

use super::codec::{decode, decode_accepted, decode_name, family_of};
use super::*;
use crate::layout::{Layout, Os};
use std::net::{Ipv4Addr, Ipv6Addr};

const BSD: [Layout; 6] = [
    Layout::FREEBSD_64,
    Layout::DRAGONFLY_64,
    Layout::NETBSD_64,
    Layout::NETBSD_AARCH64,
    Layout::OPENBSD_64,
    Layout::APPLE_64,
];
const LINUX: [Layout; 2] = [Layout::LINUX_64, Layout::LINUX_32];

fn enc(a: &Sockaddr, l: Layout) -> Vec<u8> {
    a.encode_with(l).unwrap().as_bytes().to_vec()
}

fn try_enc(a: &Sockaddr, l: Layout) -> Result<usize> {
    a.encode_with(l).map(|s| s.len() as usize)
}

fn v4() -> Sockaddr {
    Sockaddr::Inet4(SockaddrInet4::new(Ipv4Addr::new(192, 0, 2, 7), 0x1234))
}

fn v6() -> Sockaddr {
    Sockaddr::Inet6(SockaddrInet6 {
        port: 443,
        addr: "fe80::1:2".parse().unwrap(),
        flowinfo: 0x0102_0304,
        scope_id: 3,
    })
}

fn unix_path(p: &[u8]) -> Sockaddr {
    Sockaddr::Unix(SockaddrUnix::from_kind(UnixAddrKind::Path(p)).unwrap())
}

#[test]
fn inet4_linux_fixture() {
    let mut want = vec![0u8; 16];
    want[..2].copy_from_slice(&2u16.to_ne_bytes());
    want[2..4].copy_from_slice(&[0x12, 0x34]);
    want[4..8].copy_from_slice(&[192, 0, 2, 7]);
    for l in LINUX {
        assert_eq!(enc(&v4(), l), want);
        assert_eq!(decode(l, &want), Ok(v4()));
    }
}

#[test]
fn inet4_bsd_fixture() {
    let want = [16, 2, 0x12, 0x34, 192, 0, 2, 7, 0, 0, 0, 0, 0, 0, 0, 0];
    for l in BSD {
        assert_eq!(enc(&v4(), l), want);
        assert_eq!(decode(l, &want), Ok(v4()));
    }
}

#[test]
fn inet6_fixtures_per_family_number() {
    for (l, af) in [
        (Layout::LINUX_64, 10u16),
        (Layout::FREEBSD_64, 28),
        (Layout::DRAGONFLY_64, 28),
        (Layout::NETBSD_64, 24),
        (Layout::OPENBSD_64, 24),
        (Layout::APPLE_64, 30),
    ] {
        let mut want = vec![0u8; 28];
        if l.os() == Os::Linux {
            want[..2].copy_from_slice(&af.to_ne_bytes());
        } else {
            want[0] = 28;
            want[1] = af as u8;
        }
        want[2..4].copy_from_slice(&443u16.to_be_bytes());
        want[4..8].copy_from_slice(&0x0102_0304u32.to_ne_bytes());
        want[8..24].copy_from_slice(&"fe80::1:2".parse::<Ipv6Addr>().unwrap().octets());
        want[24..28].copy_from_slice(&3u32.to_ne_bytes());
        assert_eq!(enc(&v6(), l), want, "{l:?}");
        assert_eq!(decode(l, &want), Ok(v6()), "{l:?}");
        assert_eq!(family_of(l, &want), Some(af));
    }
}

#[test]
fn native_matches_libc_structs() {
    // On this host, our bytes are what libc's structs say.
    let std: std::net::SocketAddrV6 = "[2001:db8::5]:9".parse().unwrap();
    let s = Sockaddr::from(std).encode().unwrap();
    assert_eq!(s.len() as usize, core::mem::size_of::<libc::sockaddr_in6>());
    // SAFETY: `s` holds a sockaddr_in6 (aligned storage of its size).
    let raw = unsafe { &*s.as_ptr().cast::<libc::sockaddr_in6>() };
    assert_eq!(raw.sin6_family as i32, libc::AF_INET6);
    assert_eq!(u16::from_be(raw.sin6_port), 9);
    assert_eq!(raw.sin6_addr.s6_addr, std.ip().octets());
    let s = v4().encode().unwrap();
    // SAFETY: as above, a sockaddr_in.
    let raw = unsafe { &*s.as_ptr().cast::<libc::sockaddr_in>() };
    assert_eq!(raw.sin_family as i32, libc::AF_INET);
    assert_eq!(
        u32::from_be(raw.sin_addr.s_addr),
        u32::from(Ipv4Addr::new(192, 0, 2, 7))
    );
}

#[test]
fn short_lengths_are_einval() {
    for l in Layout::ALL.iter().copied() {
        let b4 = enc(&v4(), l);
        assert_eq!(decode(l, &b4[..15]), Err(Errno::EINVAL), "{l:?}");
        let b6 = enc(&v6(), l);
        assert_eq!(decode(l, &b6[..27]), Err(Errno::EINVAL), "{l:?}");
        assert_eq!(decode(l, &b6[..1]), Err(Errno::EINVAL));
        assert_eq!(decode(l, &[]), Err(Errno::EINVAL));
    }
    // BSD: sa_len shorter than the struct.
    let mut b = enc(&v4(), Layout::FREEBSD_64);
    b[0] = 8;
    assert_eq!(decode(Layout::FREEBSD_64, &b), Err(Errno::EINVAL));
    b[0] = 1;
    assert_eq!(decode(Layout::FREEBSD_64, &b), Err(Errno::EINVAL));
}

#[test]
fn unknown_families_are_eafnosupport() {
    // AF_UNSPEC, and AF_NETLINK (16) on Linux / AF_ROUTE (17) on FreeBSD.
    let mut linux = vec![0u8; 16];
    assert_eq!(decode(Layout::LINUX_64, &linux), Err(Errno::EAFNOSUPPORT));
    linux[..2].copy_from_slice(&16u16.to_ne_bytes());
    assert_eq!(decode(Layout::LINUX_64, &linux), Err(Errno::EAFNOSUPPORT));
    assert_eq!(decode(Layout::FREEBSD_64, &[16, 0, 0, 0]), Err(Errno::EAFNOSUPPORT));
    assert_eq!(decode(Layout::FREEBSD_64, &[16, 17, 0, 0]), Err(Errno::EAFNOSUPPORT));
    // A Linux AF_INET6 number read by a BSD and the other way round.
    let b = enc(&v6(), Layout::LINUX_64);
    assert!(decode(Layout::FREEBSD_64, &b).is_err());
}

#[test]
fn unix_bsd_kernel_fixtures() {
    // FreeBSD/NetBSD: sun_len does not count the NUL; the returned length
    // may be the whole struct (106).
    let mut freebsd = vec![0u8; 106];
    freebsd[0] = 2 + 6;
    freebsd[1] = 1;
    freebsd[2..8].copy_from_slice(b"/tmp/s");
    assert_eq!(decode(Layout::FREEBSD_64, &freebsd), Ok(unix_path(b"/tmp/s")));
    assert_eq!(decode(Layout::NETBSD_64, &freebsd[..8]), Ok(unix_path(b"/tmp/s")));
    // OpenBSD and Apple count it.
    let openbsd = [9, 1, b'/', b't', b'm', b'p', b'/', b's', 0];
    assert_eq!(decode(Layout::OPENBSD_64, &openbsd), Ok(unix_path(b"/tmp/s")));
    let mut apple = vec![0u8; 106];
    apple[0] = 106;
    apple[1] = 1;
    apple[2..8].copy_from_slice(b"/tmp/s");
    assert_eq!(decode(Layout::APPLE_64, &apple), Ok(unix_path(b"/tmp/s")));
    // sun_noname: a 16-byte sockaddr with an empty path.
    let mut noname = [0u8; 16];
    noname[0] = 16;
    noname[1] = 1;
    for l in BSD {
        assert_eq!(decode(l, &noname), Ok(Sockaddr::Unix(SockaddrUnix::unnamed())));
        // A length equal to the path offset.
        assert_eq!(decode(l, &[2, 1]), Ok(Sockaddr::Unix(SockaddrUnix::unnamed())));
        // sa_len 0 (left unset): the returned length rules.
        assert_eq!(decode(l, &[0, 1, b'/', b'x', 0]), Ok(unix_path(b"/x")));
    }
    // A BSD leading NUL is unnamed, not abstract.
    let mut lead0 = vec![0u8; 10];
    lead0[0] = 10;
    lead0[1] = 1;
    lead0[3] = b'x';
    assert_eq!(
        decode(Layout::FREEBSD_64, &lead0),
        Ok(Sockaddr::Unix(SockaddrUnix::unnamed()))
    );
}

#[test]
fn unix_linux_kernel_fixtures() {
    let af = 1u16.to_ne_bytes();
    // getsockname of a path socket: the length counts the NUL.
    let mut path = af.to_vec();
    path.extend_from_slice(b"/tmp/s\0");
    assert_eq!(decode(Layout::LINUX_64, &path), Ok(unix_path(b"/tmp/s")));
    // Unnamed: just the family.
    assert_eq!(
        decode(Layout::LINUX_64, &af),
        Ok(Sockaddr::Unix(SockaddrUnix::unnamed()))
    );
    // Abstract: a leading NUL, the length excludes any terminator, NULs
    // inside are part of the name.
    let mut abs = af.to_vec();
    abs.extend_from_slice(b"\0name\0x");
    let a = decode(Layout::LINUX_64, &abs).unwrap();
    assert_eq!(a.as_unix().unwrap().abstract_name(), Some(&b"name\0x"[..]));
    assert_eq!(enc(&a, Layout::LINUX_64), abs);
    // The autobind name: five hex digits.
    let mut auto = af.to_vec();
    auto.extend_from_slice(b"\x0000af1");
    assert_eq!(
        decode(Layout::LINUX_64, &auto)
            .unwrap()
            .as_unix()
            .unwrap()
            .abstract_name(),
        Some(&b"00af1"[..])
    );
}

#[test]
fn unix_path_capacity_per_layout() {
    let p108 = [b'a'; 108];
    let p104 = [b'a'; 104];
    // Exactly sun_path: no NUL, length = offset + capacity.
    let l = enc(&unix_path(&p108), Layout::LINUX_64);
    assert_eq!(l.len(), 110);
    assert_eq!(decode(Layout::LINUX_64, &l), Ok(unix_path(&p108)));
    let b = enc(&unix_path(&p104), Layout::FREEBSD_64);
    assert_eq!((b.len(), b[0]), (106, 106));
    assert_eq!(decode(Layout::FREEBSD_64, &b), Ok(unix_path(&p104)));
    // One byte under: the NUL fits and is sent.
    let b = enc(&unix_path(&p104[..103]), Layout::FREEBSD_64);
    assert_eq!((b.len(), b[105]), (106, 0));
    // Over: EINVAL, never truncation.
    assert_eq!(try_enc(&unix_path(&p108), Layout::APPLE_64), Err(Errno::EINVAL));
    assert_eq!(
        try_enc(&unix_path(&p108[..105]), Layout::OPENBSD_64),
        Err(Errno::EINVAL)
    );
    // A kernel (or garbage) reporting a longer path than sun_path.
    let mut long = 1u16.to_ne_bytes().to_vec();
    long.extend_from_slice(&[b'a'; 109]);
    assert_eq!(decode(Layout::LINUX_64, &long), Err(Errno::EINVAL));
    let mut long_bsd = vec![255u8, 1];
    long_bsd.extend_from_slice(&[b'a'; 253]);
    assert_eq!(decode(Layout::FREEBSD_64, &long_bsd), Err(Errno::EINVAL));
    // Constructors check the native capacity and NULs.
    let native = Layout::NATIVE.sun_path_len();
    let ok = "a".repeat(native);
    assert!(SockaddrUnix::new(&ok).is_ok());
    assert_eq!(SockaddrUnix::new(format!("{ok}a")).unwrap_err(), Errno::EINVAL);
    assert_eq!(SockaddrUnix::new("").unwrap_err(), Errno::EINVAL);
    assert_eq!(SockaddrUnix::new("a\0b").unwrap_err(), Errno::EINVAL);
}

#[test]
fn abstract_and_link_layer_only_on_linux() {
    let abs = Sockaddr::Unix(SockaddrUnix::from_kind(UnixAddrKind::Abstract(b"x")).unwrap());
    let ll = Sockaddr::LinkLayer(SockaddrLinkLayer::new(0x0800, 2, 1, 0, &[1, 2, 3, 4, 5, 6]).unwrap());
    let dl = Sockaddr::Datalink(SockaddrDatalink::new(2, 6, b"em0", &[1, 2, 3, 4, 5, 6], &[]).unwrap());
    for l in BSD {
        assert_eq!(try_enc(&abs, l), Err(Errno::EAFNOSUPPORT));
        assert_eq!(try_enc(&ll, l), Err(Errno::EAFNOSUPPORT));
        assert!(try_enc(&dl, l).is_ok());
    }
    for l in LINUX {
        assert!(try_enc(&abs, l).is_ok());
        assert!(try_enc(&ll, l).is_ok());
        assert_eq!(try_enc(&dl, l), Err(Errno::EAFNOSUPPORT));
    }
}

/// A `sockaddr_dl` as a BSD kernel writes it on a machine of this byte
/// order: `sdl_len`, `sdl_family` (AF_LINK 18), `sdl_index` (a native
/// `u16`), `sdl_type`, `sdl_nlen`, `sdl_alen`, `sdl_slen`, then `data`,
/// zero-padded to `len`.
fn sockaddr_dl(len: u8, index: u16, ty: u8, nlen: u8, alen: u8, slen: u8, data: &[u8]) -> Vec<u8> {
    let mut b = vec![len, 18];
    b.extend_from_slice(&index.to_ne_bytes());
    b.extend_from_slice(&[ty, nlen, alen, slen]);
    b.extend_from_slice(data);
    b.resize(usize::from(len), 0);
    b
}

#[test]
fn datalink_fixtures() {
    // FreeBSD getifaddrs: sizeof(sockaddr_dl) = 54, IFT_ETHER (6), "em0",
    // a MAC.
    let mac = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55];
    let freebsd = sockaddr_dl(54, 2, 6, 3, 6, 0, &[&b"em0"[..], &mac].concat());
    let d = decode(Layout::FREEBSD_64, &freebsd).unwrap();
    let Sockaddr::Datalink(dl) = d else { panic!("{d:?}") };
    assert_eq!(
        (dl.index(), dl.link_type(), dl.name(), dl.addr(), dl.selector()),
        (2, 6, &b"em0"[..], &mac[..], &[][..])
    );
    assert_eq!(d.to_string(), "link#2 em0 00:11:22:33:44:55");
    assert_eq!(enc(&d, Layout::FREEBSD_64), freebsd);
    // Apple: a 20-byte sockaddr_dl ("en0" + MAC = 9 of 12 data bytes).
    let apple = sockaddr_dl(20, 4, 6, 3, 6, 0, &[&b"en0"[..], &mac].concat());
    let a = decode(Layout::APPLE_64, &apple).unwrap();
    let Sockaddr::Datalink(dl) = a else { panic!("{a:?}") };
    assert_eq!((dl.index(), dl.name(), dl.addr()), (4, &b"en0"[..], &mac[..]));
    assert_eq!(enc(&a, Layout::APPLE_64), apple);
    // An index over 255 (both bytes of the u16 matter).
    let wide = sockaddr_dl(20, 0x0102, 6, 3, 6, 0, &[&b"en9"[..], &mac].concat());
    let w = decode(Layout::APPLE_64, &wide).unwrap();
    assert_eq!(w.to_string(), "link#258 en9 00:11:22:33:44:55");
    assert_eq!(enc(&w, Layout::APPLE_64), wide);
    // Name, address and selector must fit what sdl_len covers.
    let mut bad = apple.clone();
    bad[5] = 10;
    assert_eq!(decode(Layout::APPLE_64, &bad), Err(Errno::EINVAL));
    bad[5] = 3;
    bad[7] = 200;
    assert_eq!(decode(Layout::APPLE_64, &bad), Err(Errno::EINVAL));
    // sdl_len shorter than what the returned length has.
    let mut short = freebsd.clone();
    short[0] = 12;
    assert_eq!(decode(Layout::FREEBSD_64, &short), Err(Errno::EINVAL));
    assert_eq!(decode(Layout::FREEBSD_64, &freebsd[..7]), Err(Errno::EINVAL));
    // An interface with no address (lo0: no MAC).
    let lo = sockaddr_dl(20, 1, 24, 3, 0, 0, b"lo0");
    let lo = decode(Layout::NETBSD_64, &lo).unwrap();
    assert_eq!(lo.to_string(), "link#1 lo0");
    // Too much data for the inline capacity.
    assert_eq!(
        SockaddrDatalink::new(1, 6, &[b'x'; 100], &[0; 5], &[]).unwrap_err(),
        Errno::EINVAL
    );
}

#[test]
fn link_layer_fixtures() {
    // recvfrom on a packet socket: sockaddr_ll, ETH_P_IP (BE), ifindex 2,
    // ARPHRD_ETHER, PACKET_HOST, a 6-byte address.
    let mut b = 17u16.to_ne_bytes().to_vec();
    b.extend_from_slice(&0x0800u16.to_be_bytes());
    b.extend_from_slice(&2i32.to_ne_bytes());
    b.extend_from_slice(&1u16.to_ne_bytes());
    b.extend_from_slice(&[0, 6, 1, 2, 3, 4, 5, 6, 0, 0]);
    let a = decode(Layout::LINUX_64, &b).unwrap();
    let Sockaddr::LinkLayer(ll) = a else { panic!("{a:?}") };
    assert_eq!(
        (ll.protocol(), ll.ifindex(), ll.hatype(), ll.pkttype(), ll.addr()),
        (0x0800, 2, 1, 0, &[1, 2, 3, 4, 5, 6][..])
    );
    assert_eq!(enc(&a, Layout::LINUX_64), b);
    assert_eq!(a.to_string(), "ll#2 01:02:03:04:05:06");
    assert_eq!(SockaddrLinkLayer::new(0, 1, 1, 0, &[0; 33]).unwrap_err(), Errno::EINVAL);
    // halen past the returned length.
    let mut bad = b.clone();
    bad[11] = 9;
    assert_eq!(decode(Layout::LINUX_64, &bad), Err(Errno::EINVAL));
    assert_eq!(decode(Layout::LINUX_64, &b[..11]), Err(Errno::EINVAL));
    // An InfiniBand-sized address (20 bytes) in a longer reply.
    let mut ib = b[..12].to_vec();
    ib[11] = 20;
    ib.extend_from_slice(&[7; 20]);
    assert_eq!(
        decode(Layout::LINUX_64, &ib).unwrap().to_string().len(),
        "ll#2 ".len() + 20 * 3 - 1
    );
}

#[test]
fn dragonfly_unspec_name_quirk() {
    let unnamed = Ok(Sockaddr::Unix(SockaddrUnix::unnamed()));
    assert_eq!(decode_name(Layout::DRAGONFLY_64, &[]), unnamed);
    assert_eq!(decode_name(Layout::DRAGONFLY_64, &[16, 0, 0, 0]), unnamed);
    assert_eq!(decode(Layout::DRAGONFLY_64, &[16, 0, 0, 0]), Err(Errno::EAFNOSUPPORT));
    // Only DragonFly.
    assert_eq!(decode_name(Layout::FREEBSD_64, &[]), Err(Errno::EINVAL));
    assert_eq!(
        decode_name(Layout::FREEBSD_64, &[16, 0, 0, 0]),
        Err(Errno::EAFNOSUPPORT)
    );
    // Other names decode as usual.
    assert_eq!(
        decode_name(Layout::DRAGONFLY_64, &enc(&v4(), Layout::DRAGONFLY_64)),
        Ok(v4())
    );
}

#[test]
fn apple_accept_zero_length_quirk() {
    assert_eq!(decode_accepted(Layout::APPLE_64, &[]), Err(Errno::ECONNABORTED));
    assert_eq!(decode_accepted(Layout::LINUX_64, &[]), Err(Errno::EINVAL));
    assert_eq!(
        decode_accepted(Layout::APPLE_64, &enc(&v6(), Layout::APPLE_64)),
        Ok(v6())
    );
}

#[test]
fn std_conversions() {
    for s in ["127.0.0.1:80", "[::1]:8080", "[fe80::1%7]:1"] {
        let std: std::net::SocketAddr = s.parse().unwrap();
        let ours = Sockaddr::from(std);
        assert_eq!(std::net::SocketAddr::try_from(ours), Ok(std));
        assert_eq!(ours, std);
        assert_eq!(ours.to_string(), std.to_string());
    }
    let v4: std::net::SocketAddrV4 = "10.0.0.1:9".parse().unwrap();
    assert_eq!(std::net::SocketAddrV4::try_from(Sockaddr::from(v4)), Ok(v4));
    assert_eq!(
        std::net::SocketAddrV6::try_from(Sockaddr::from(v4)),
        Err(Errno::EAFNOSUPPORT)
    );
    let u = Sockaddr::Unix(SockaddrUnix::new("/tmp/x").unwrap());
    assert_eq!(std::net::SocketAddr::try_from(u), Err(Errno::EAFNOSUPPORT));
    assert_eq!(u.to_string(), "/tmp/x");
    // std's unix addresses.
    let su = std::os::unix::net::SocketAddr::from_pathname("/tmp/y").unwrap();
    let ours = SockaddrUnix::try_from(&su).unwrap();
    assert_eq!(ours.path(), Some(std::path::Path::new("/tmp/y")));
    let back = std::os::unix::net::SocketAddr::try_from(&ours).unwrap();
    assert_eq!(back.as_pathname(), su.as_pathname());
    assert_eq!(
        std::os::unix::net::SocketAddr::try_from(&SockaddrUnix::unnamed()).unwrap_err(),
        Errno::EINVAL
    );
}

/// A small deterministic generator (xorshift64*).
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
fn garbage_never_panics_and_decoded_round_trips() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut buf = [0u8; 140];
    let mut decoded = 0;
    // Smaller under Miri, which runs this about 10 000 times slower.
    let rounds = if cfg!(miri) { 300 } else { 200_000 };
    for _ in 0..rounds {
        let len = (rng.next() % 141) as usize;
        for b in buf.iter_mut().take(len) {
            *b = rng.next() as u8;
        }
        // Bias the header toward known families so the decoders run.
        if len >= 2 && rng.next() % 2 == 0 {
            let fam = [1u8, 2, 10, 17, 18, 24, 28, 30][(rng.next() % 8) as usize];
            buf[1] = fam;
            buf[0] = if rng.next() % 2 == 0 { fam } else { len as u8 };
        }
        for l in Layout::ALL.iter().copied() {
            if let Ok(a) = decode(l, &buf[..len]) {
                decoded += 1;
                let out = a.encode_with(l).unwrap();
                assert_eq!(decode(l, out.as_bytes()), Ok(a), "{l:?} {:?}", &buf[..len]);
            }
            let _ = decode_name(l, &buf[..len]);
            let _ = decode_accepted(l, &buf[..len]);
        }
    }
    assert!(
        decoded > rounds / 20,
        "the generator reached the decoders only {decoded} times"
    );
}

#[test]
fn std_fast_path_matches_the_enum_path() {
    for a in ["192.0.2.1:7", "[fe80::1%9]:65535", "[::ffff:1.2.3.4]:0"] {
        let std: std::net::SocketAddr = a.parse().unwrap();
        let fast = SockaddrStorage::from(std);
        let slow = Sockaddr::from(std).encode().unwrap();
        assert_eq!(fast.as_bytes(), slow.as_bytes());
        assert_eq!(fast.as_socket_addr(), Some(std));
        assert_eq!(slow.decode().unwrap().as_socket_addr(), Some(std));
    }
    let u = Sockaddr::Unix(SockaddrUnix::new("/x").unwrap()).encode().unwrap();
    assert_eq!(u.as_socket_addr(), None);
    // Too short for the family.
    let short = SockaddrStorage::from(std::net::SocketAddr::from(([1, 2, 3, 4], 5)));
    // SAFETY: 8 readable bytes of `short`.
    let cut = unsafe { SockaddrStorage::from_raw(short.as_ptr(), 8) }.unwrap();
    assert_eq!(cut.as_socket_addr(), None);
    assert_eq!(cut.decode(), Err(Errno::EINVAL));
}

#[test]
fn storage_views() {
    let s = v4().encode().unwrap();
    assert_eq!(s.len(), 16);
    assert_eq!(s.as_bytes().len(), 16);
    assert_eq!(s.decode(), Ok(v4()));
    // SAFETY: `s` has 16 readable bytes.
    let copy = unsafe { SockaddrStorage::from_raw(s.as_ptr(), s.len()) }.unwrap();
    assert_eq!(copy.as_bytes(), s.as_bytes());
    // SAFETY: as above.
    assert_eq!(unsafe { Sockaddr::from_raw(s.as_ptr(), s.len()) }, Ok(v4()));
    // SAFETY: a null pointer is rejected before any read.
    let null = unsafe { SockaddrStorage::from_raw(core::ptr::null(), 4) };
    assert_eq!(null.unwrap_err(), Errno::EINVAL);
    // SAFETY: the length is rejected before any read.
    let long = unsafe { SockaddrStorage::from_raw(s.as_ptr(), 129) };
    assert_eq!(long.unwrap_err(), Errno::EINVAL);
}
