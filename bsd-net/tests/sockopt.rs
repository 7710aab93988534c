//! Socket options against the real kernel: typed round trips, wrong
//! lengths, timeouts, linger, multicast settings, ICMPv6 filters, peer
//! credentials.

use bsd_net::*;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

fn tcp() -> std::os::fd::OwnedFd {
    socket(AddressFamily::INET, SocketType::STREAM, SocketFlags::empty()).unwrap()
}

fn udp4() -> std::os::fd::OwnedFd {
    socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty()).unwrap()
}

fn udp6() -> std::os::fd::OwnedFd {
    socket(AddressFamily::INET6, SocketType::DGRAM, SocketFlags::empty()).unwrap()
}

#[test]
fn bool_options_round_trip() {
    let s = tcp();
    type Get = fn(std::os::fd::BorrowedFd<'_>) -> bsd_errno::Result<bool>;
    type Set = fn(std::os::fd::BorrowedFd<'_>, bool) -> bsd_errno::Result<()>;
    let pairs: [(Get, Set); 5] = [
        (|f| reuse_addr(f), |f, v| set_reuse_addr(f, v)),
        (|f| reuse_port(f), |f, v| set_reuse_port(f, v)),
        (|f| keepalive(f), |f, v| set_keepalive(f, v)),
        (|f| nodelay(f), |f, v| set_nodelay(f, v)),
        (|f| timestamp(f), |f, v| set_timestamp(f, v)),
    ];
    use std::os::fd::AsFd;
    for (get, set) in pairs {
        for v in [true, false, true] {
            set(s.as_fd(), v).unwrap();
            assert_eq!(get(s.as_fd()).unwrap(), v);
        }
    }
    let u = udp4();
    set_broadcast(&u, true).unwrap();
    assert!(broadcast(&u).unwrap());
    let u6 = udp6();
    set_only_v6(&u6, true).unwrap();
    assert!(only_v6(&u6).unwrap());
    set_multicast_loop_v6(&u6, false).unwrap();
    assert!(!multicast_loop_v6(&u6).unwrap());
}

#[test]
fn typed_generic_round_trips_and_wrong_lengths() {
    let s = tcp();
    // SAFETY: SO_KEEPALIVE takes a plain int.
    unsafe { setsockopt(&s, libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1i32).unwrap() };
    assert_eq!(getsockopt::<i32>(&s, libc::SOL_SOCKET, libc::SO_KEEPALIVE).unwrap(), 1);
    assert!(getsockopt::<bool>(&s, libc::SOL_SOCKET, libc::SO_KEEPALIVE).unwrap());
    // A struct asked of an int option: the kernel returns 4 bytes, not 8.
    assert_eq!(
        getsockopt::<Linger>(&s, libc::SOL_SOCKET, libc::SO_KEEPALIVE).unwrap_err(),
        Errno::EINVAL
    );
    assert_eq!(
        getsockopt::<IpMreq>(&s, libc::SOL_SOCKET, libc::SO_TYPE).unwrap_err(),
        Errno::EINVAL
    );
    assert_eq!(
        getsockopt::<Ipv6MtuInfo>(&s, libc::SOL_SOCKET, libc::SO_RCVBUF).unwrap_err(),
        Errno::EINVAL
    );
    // ENOPROTOOPT: no such option.
    assert_eq!(
        getsockopt::<i32>(&s, libc::SOL_SOCKET, 0x7777).unwrap_err(),
        Errno::ENOPROTOOPT
    );
    // Linger as a struct.
    // SAFETY: SO_LINGER takes a `struct linger` of two ints.
    unsafe {
        setsockopt(
            &s,
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            Linger {
                enabled: true,
                linger: 3,
            },
        )
        .unwrap()
    };
    assert_eq!(
        getsockopt::<Linger>(&s, libc::SOL_SOCKET, libc::SO_LINGER).unwrap(),
        Linger {
            enabled: true,
            linger: 3
        }
    );
    // u8: IP_MULTICAST_TTL accepts and returns a byte on Linux.
    let u = udp4();
    // SAFETY: IP_MULTICAST_TTL takes a plain byte.
    unsafe { setsockopt(&u, libc::IPPROTO_IP, libc::IP_MULTICAST_TTL, 9u8).unwrap() };
    assert_eq!(multicast_ttl_v4(&u).unwrap(), 9);
    // Ipv4Addr: IP_MULTICAST_IF.
    set_multicast_if_v4(&u, Ipv4Addr::LOCALHOST).unwrap();
    assert_eq!(multicast_if_v4(&u).unwrap(), Ipv4Addr::LOCALHOST);
    assert_eq!(
        getsockopt::<Ipv4Addr>(&u, libc::IPPROTO_IP, libc::IP_MULTICAST_IF).unwrap(),
        Ipv4Addr::LOCALHOST
    );
    // The raw escape hatch.
    let mut b = [0u8; 4];
    // SAFETY: SO_TYPE writes an int into the 4-byte buffer.
    let n = unsafe { getsockopt_raw(&s, libc::SOL_SOCKET, libc::SO_TYPE, &mut b).unwrap() };
    assert_eq!((n, i32::from_ne_bytes(b)), (4, libc::SOCK_STREAM));
    // SAFETY: SO_KEEPALIVE reads an int.
    unsafe { setsockopt_raw(&s, libc::SOL_SOCKET, libc::SO_KEEPALIVE, &0i32.to_ne_bytes()).unwrap() };
    assert!(!keepalive(&s).unwrap());
}

#[test]
fn int_and_size_options() {
    let u = udp4();
    set_ttl(&u, 17).unwrap();
    assert_eq!(ttl(&u).unwrap(), 17);
    assert_eq!(set_ttl(&u, 1000).unwrap_err(), Errno::EINVAL);
    assert_eq!(set_ttl(&u, u32::MAX).unwrap_err(), Errno::EINVAL);
    set_multicast_ttl_v4(&u, 4).unwrap();
    assert_eq!(multicast_ttl_v4(&u).unwrap(), 4);
    assert_eq!(set_multicast_ttl_v4(&u, 256).unwrap_err(), Errno::EINVAL);
    set_multicast_loop_v4(&u, false).unwrap();
    assert!(!multicast_loop_v4(&u).unwrap());

    let u6 = udp6();
    set_unicast_hops_v6(&u6, 33).unwrap();
    assert_eq!(unicast_hops_v6(&u6).unwrap(), 33);
    set_multicast_hops_v6(&u6, 5).unwrap();
    assert_eq!(multicast_hops_v6(&u6).unwrap(), 5);

    set_recv_buffer_size(&u, 65536).unwrap();
    assert!(recv_buffer_size(&u).unwrap() >= 65536);
    set_send_buffer_size(&u, 65536).unwrap();
    assert!(send_buffer_size(&u).unwrap() >= 65536);
    assert_eq!(set_recv_buffer_size(&u, usize::MAX).unwrap_err(), Errno::EINVAL);

    assert_eq!(socket_type(&u).unwrap(), SocketType::DGRAM);
    assert_eq!(socket_error(&u).unwrap(), None);
}

#[test]
fn timeouts_and_linger() {
    let u = udp4();
    bind(&u, &"127.0.0.1:0".parse::<SocketAddr>().unwrap().into()).unwrap();
    assert_eq!(recv_timeout(&u).unwrap(), None);
    set_recv_timeout(&u, Some(Duration::from_millis(20))).unwrap();
    assert_eq!(recv_timeout(&u).unwrap(), Some(Duration::from_millis(20)));
    // A receive with nothing there times out with EAGAIN.
    let mut b = [0u8; 1];
    assert_eq!(recv(&u, &mut b, MsgFlags::empty()).unwrap_err(), Errno::EAGAIN);
    // Sub-microsecond rounds up rather than to "forever".
    set_send_timeout(&u, Some(Duration::from_nanos(1))).unwrap();
    // (The kernel may round it up further, to its clock tick.)
    assert!(send_timeout(&u).unwrap().is_some_and(|d| d >= Duration::from_micros(1)));
    set_recv_timeout(&u, None).unwrap();
    assert_eq!(recv_timeout(&u).unwrap(), None);
    assert_eq!(set_recv_timeout(&u, Some(Duration::ZERO)).unwrap_err(), Errno::EINVAL);

    let s = tcp();
    assert_eq!(linger(&s).unwrap(), None);
    set_linger(&s, Some(Duration::from_millis(1500))).unwrap();
    assert_eq!(linger(&s).unwrap(), Some(Duration::from_secs(2)));
    set_linger(&s, None).unwrap();
    assert_eq!(linger(&s).unwrap(), None);
    assert_eq!(
        set_linger(&s, Some(Duration::from_secs(1 << 40))).unwrap_err(),
        Errno::EINVAL
    );
}

/// Durations at the edges of every integer type on the way: each is an
/// error or a value the kernel was really given, never a wrapped one.
#[test]
fn extreme_times_and_sizes() {
    let u = udp4();
    let s = tcp();
    // Seconds that fit no `time_t` (u64::MAX, Duration::MAX), and the
    // microsecond round-up that would carry past u64::MAX: EOVERFLOW, and
    // the timeout is left as it was.
    set_recv_timeout(&u, Some(Duration::from_secs(7))).unwrap();
    for d in [
        Duration::MAX,
        Duration::from_secs(u64::MAX),
        Duration::new(u64::MAX, 999_999_999),
        Duration::from_secs(i64::MAX as u64 + 1),
    ] {
        assert_eq!(set_recv_timeout(&u, Some(d)).unwrap_err(), Errno::EOVERFLOW, "{d:?}");
        assert_eq!(set_send_timeout(&u, Some(d)).unwrap_err(), Errno::EOVERFLOW, "{d:?}");
        // SAFETY: SO_RCVTIMEO takes a plain timeval.
        let generic = unsafe { setsockopt(&u, libc::SOL_SOCKET, libc::SO_RCVTIMEO, d) };
        assert_eq!(generic.unwrap_err(), Errno::EOVERFLOW, "{d:?}");
    }
    assert_eq!(recv_timeout(&u).unwrap(), Some(Duration::from_secs(7)));
    // i64::MAX seconds fit a 64-bit time_t: Linux turns it into "forever"
    // (read back as `None`), a BSD says EDOM. A 32-bit time_t
    // cannot hold it: EOVERFLOW.
    let big = Duration::from_secs(i64::MAX as u64);
    let r = set_recv_timeout(&u, Some(big));
    if core::mem::size_of::<libc::time_t>() == 4 {
        assert_eq!(r.unwrap_err(), Errno::EOVERFLOW);
        assert_eq!(
            set_recv_timeout(&u, Some(Duration::from_secs(i32::MAX as u64 + 1))).unwrap_err(),
            Errno::EOVERFLOW
        );
        assert_eq!(recv_timeout(&u).unwrap(), Some(Duration::from_secs(7)));
    } else if cfg!(target_os = "linux") {
        r.unwrap();
        assert_eq!(recv_timeout(&u).unwrap(), None);
    } else {
        assert_eq!(r.unwrap_err(), Errno::EDOM);
    }
    // i32::MAX seconds fit every time_t.
    let r = set_send_timeout(&u, Some(Duration::from_secs(i32::MAX as u64)));
    if cfg!(target_os = "linux") {
        r.unwrap();
        assert!(send_timeout(&u).unwrap().is_some());
    }

    // Linger: whole seconds in an int; u64::MAX seconds plus a fraction
    // must not wrap to a 0-second linger (which would reset the
    // connection on close).
    set_linger(&s, Some(Duration::from_secs(5))).unwrap();
    for d in [
        Duration::MAX,
        Duration::from_secs(u64::MAX),
        Duration::new(u64::MAX, 1),
        Duration::from_secs(i64::MAX as u64),
        Duration::from_secs(i32::MAX as u64 + 1),
        Duration::new(i32::MAX as u64, 1),
    ] {
        assert_eq!(set_linger(&s, Some(d)).unwrap_err(), Errno::EINVAL, "{d:?}");
    }
    assert_eq!(linger(&s).unwrap(), Some(Duration::from_secs(5)));
    set_linger(&s, Some(Duration::from_secs(i32::MAX as u64))).unwrap();
    assert!(linger(&s).unwrap().is_some());
    set_linger(&s, Some(Duration::ZERO)).unwrap();
    assert_eq!(linger(&s).unwrap(), Some(Duration::ZERO));

    // Sizes and counts: past the C int, EINVAL, never truncated.
    for size in [usize::MAX, i32::MAX as usize + 1, u32::MAX as usize] {
        assert_eq!(set_recv_buffer_size(&u, size).unwrap_err(), Errno::EINVAL);
        assert_eq!(set_send_buffer_size(&u, size).unwrap_err(), Errno::EINVAL);
    }
    for v in [u32::MAX, i32::MAX as u32 + 1] {
        assert_eq!(set_ttl(&u, v).unwrap_err(), Errno::EINVAL);
        assert_eq!(set_multicast_ttl_v4(&u, v).unwrap_err(), Errno::EINVAL);
    }
    let u6 = udp6();
    assert_eq!(set_unicast_hops_v6(&u6, u32::MAX).unwrap_err(), Errno::EINVAL);
    assert_eq!(set_multicast_hops_v6(&u6, u32::MAX).unwrap_err(), Errno::EINVAL);
}

#[test]
fn multicast_membership_errors() {
    let u = udp4();
    // Not a multicast group: EINVAL.
    let e = join_multicast_v4(
        &u,
        &IpMreq {
            multiaddr: Ipv4Addr::new(10, 1, 2, 3),
            interface: Ipv4Addr::UNSPECIFIED,
        },
    )
    .unwrap_err();
    assert_eq!(e, Errno::EINVAL);
    // Leaving a group never joined: EADDRNOTAVAIL.
    let e = leave_multicast_v4(
        &u,
        &IpMreq {
            multiaddr: Ipv4Addr::new(239, 1, 2, 3),
            interface: Ipv4Addr::LOCALHOST,
        },
    )
    .unwrap_err();
    assert_eq!(e, Errno::EADDRNOTAVAIL);
    // Joining twice: EADDRINUSE (where a route lets the first join work).
    let group = IpMreq {
        multiaddr: Ipv4Addr::new(239, 255, 77, 1),
        interface: Ipv4Addr::UNSPECIFIED,
    };
    match join_multicast_v4(&u, &group) {
        Ok(()) => {
            assert_eq!(join_multicast_v4(&u, &group).unwrap_err(), Errno::EADDRINUSE);
            leave_multicast_v4(&u, &group).unwrap();
        }
        Err(e) => assert_eq!(e, Errno::ENODEV, "no multicast route here"),
    }
    let u6 = udp6();
    let e = join_multicast_v6(
        &u6,
        &Ipv6Mreq {
            multiaddr: Ipv6Addr::LOCALHOST,
            interface: 0,
        },
    )
    .unwrap_err();
    assert_eq!(e, Errno::EINVAL);
    let e = leave_multicast_v6(
        &u6,
        &Ipv6Mreq {
            multiaddr: "ff02::1:3".parse().unwrap(),
            interface: 1,
        },
    )
    .unwrap_err();
    assert!(
        matches!(e, Errno::EADDRNOTAVAIL | Errno::ENOENT | Errno::EINVAL),
        "{e:?}"
    );
}

#[test]
fn ipv6_path_mtu() {
    let u6 = udp6();
    // Not connected: ENOTCONN.
    assert_eq!(path_mtu_v6(&u6).unwrap_err(), Errno::ENOTCONN);
    let peer = udp6();
    bind(&peer, &"[::1]:0".parse::<SocketAddr>().unwrap().into()).unwrap();
    let to = getsockname(&peer).unwrap();
    connect(&u6, &to).unwrap();
    let info = path_mtu_v6(&u6).unwrap();
    assert!(info.mtu >= 1280, "{info:?}");
    // The BSDs fill in the destination; Linux leaves it zero.
    if cfg!(not(target_os = "linux")) {
        assert_eq!(Sockaddr::Inet6(info.addr), to);
    }
}

#[test]
fn icmp6_filter_on_a_raw_socket() {
    // Needs root (CI runs as root); skip quietly otherwise.
    let s = match socket_with_protocol(
        AddressFamily::INET6,
        SocketType::RAW,
        SocketFlags::empty(),
        libc::IPPROTO_ICMPV6,
    ) {
        Ok(s) => s,
        Err(Errno::EPERM | Errno::EACCES) => return,
        Err(e) => panic!("{e}"),
    };
    let mut f = Icmp6Filter::block_all();
    f.set_pass(128);
    f.set_pass(129);
    set_icmp6_filter(&s, &f).unwrap();
    let got = icmp6_filter(&s).unwrap();
    assert_eq!(got, f);
    assert!(got.will_pass(129) && got.will_block(1));
    // On a non-ICMPv6 socket the option does not exist.
    assert!(icmp6_filter(udp6()).is_err());
}

#[test]
fn peer_credentials_are_ours() {
    // SAFETY: these cannot fail.
    let (pid, uid, gid) = unsafe { (libc::getpid(), libc::getuid(), libc::getegid()) };
    let (a, b) = socketpair(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::empty()).unwrap();
    for s in [&a, &b] {
        let c = peer_credentials(s).unwrap();
        assert_eq!((c.uid, c.gid), (uid, gid));
        if cfg!(any(
            target_os = "linux",
            target_os = "netbsd",
            target_os = "openbsd",
            target_vendor = "apple"
        )) {
            assert_eq!(c.pid, Some(pid));
        }
    }
    // A connected pair through a path too.
    let l = std::os::unix::net::UnixListener::bind(std::env::temp_dir().join(format!("bsd-net-pc-{pid}"))).unwrap();
    let path = l.local_addr().unwrap().as_pathname().unwrap().to_owned();
    let c = std::os::unix::net::UnixStream::connect(&path).unwrap();
    let (s, _) = l.accept().unwrap();
    assert_eq!(peer_credentials(&s).unwrap().uid, uid);
    assert_eq!(peer_credentials(&c).unwrap().uid, uid);
    std::fs::remove_file(&path).unwrap();
    // Not connected (and not a unix socket).
    let e = peer_credentials(tcp()).unwrap_err();
    assert!(
        matches!(e, Errno::ENOTCONN | Errno::EINVAL | Errno::ENOPROTOOPT),
        "{e:?}"
    );
}
