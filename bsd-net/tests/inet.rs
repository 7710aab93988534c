//! TCP and UDP over loopback, IPv4 and IPv6: bind to port 0, names, connect,
//! accept, and the errors the calls document.

mod util;

use bsd_net::*;
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::os::fd::{AsFd, AsRawFd};
use util::{is_cloexec, is_nonblocking};

fn any_port(ip: &str) -> Sockaddr {
    Sockaddr::from(format!("{ip}:0").parse::<SocketAddr>().unwrap())
}

fn family(ip: &str) -> AddressFamily {
    if ip.starts_with('[') {
        AddressFamily::INET6
    } else {
        AddressFamily::INET
    }
}

#[test]
fn tcp_round_trip_v4_and_v6() {
    for ip in ["127.0.0.1", "[::1]"] {
        let l = socket(family(ip), SocketType::STREAM, SocketFlags::empty()).unwrap();
        set_reuse_addr(&l, true).unwrap();
        bind(&l, &any_port(ip)).unwrap();
        listen(&l, 16).unwrap();
        let local = getsockname(&l).unwrap();
        let std_local = SocketAddr::try_from(local).unwrap();
        assert_ne!(std_local.port(), 0);
        assert!(std_local.ip().is_loopback());

        let c = socket(family(ip), SocketType::STREAM, SocketFlags::empty()).unwrap();
        connect(&c, &local).unwrap();
        let (s, peer) = accept(&l, SocketFlags::empty()).unwrap();
        assert!(is_cloexec(s.as_raw_fd()));
        assert!(!is_nonblocking(s.as_raw_fd()));

        // Both ends agree, and agree with std.
        assert_eq!(peer, getsockname(&c).unwrap());
        assert_eq!(getpeername(&c).unwrap(), local);
        assert_eq!(getpeername(&s).unwrap(), peer);
        let std_stream = std::net::TcpStream::from(c);
        assert_eq!(Sockaddr::from(std_stream.local_addr().unwrap()), peer);
        assert_eq!(Sockaddr::from(std_stream.peer_addr().unwrap()), local);

        // Data both ways.
        assert_eq!(send(&s, b"hello", MsgFlags::empty()).unwrap(), 5);
        let mut buf = [0u8; 8];
        assert_eq!(recv(&std_stream, &mut buf[..5], MsgFlags::WAITALL).unwrap(), 5);
        assert_eq!(&buf[..5], b"hello");

        // Shut down writing: the peer sees end of stream.
        shutdown(&s, Shutdown::Write).unwrap();
        assert_eq!(recv(&std_stream, &mut buf, MsgFlags::empty()).unwrap(), 0);
    }
}

#[test]
fn udp_round_trip_v4_and_v6() {
    for ip in ["127.0.0.1", "[::1]"] {
        let a = socket(family(ip), SocketType::DGRAM, SocketFlags::empty()).unwrap();
        bind(&a, &any_port(ip)).unwrap();
        let b = socket(family(ip), SocketType::DGRAM, SocketFlags::empty()).unwrap();
        bind(&b, &any_port(ip)).unwrap();
        let (aa, ba) = (getsockname(&a).unwrap(), getsockname(&b).unwrap());

        assert_eq!(sendto(&a, b"ping", &ba, MsgFlags::empty()).unwrap(), 4);
        let mut buf = [0u8; 16];
        let (n, from) = recvfrom(&b, &mut buf, MsgFlags::empty()).unwrap();
        assert_eq!((&buf[..n], from), (&b"ping"[..], Some(aa)));

        // A connected datagram socket: getpeername, send/recv.
        connect(&b, &aa).unwrap();
        assert_eq!(getpeername(&b).unwrap(), aa);
        send(&b, b"pong", MsgFlags::empty()).unwrap();
        let std_a = UdpSocket::from(a);
        let (n, from) = std_a.recv_from(&mut buf).unwrap();
        assert_eq!((&buf[..n], Sockaddr::from(from)), (&b"pong"[..], ba));
    }
}

#[test]
fn ipv6_scope_and_flowinfo_survive_the_kernel() {
    // A link-local address carries its scope: bind to ::1 and check the
    // full sockaddr_in6 round trip through getsockname.
    let s = socket(AddressFamily::INET6, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    bind(&s, &any_port("[::1]")).unwrap();
    let Sockaddr::Inet6(a) = getsockname(&s).unwrap() else {
        panic!("not inet6")
    };
    assert_eq!(a.addr, std::net::Ipv6Addr::LOCALHOST);
    assert_eq!((a.flowinfo, a.scope_id), (0, 0));
    assert!(only_v6(&s).is_ok());
}

#[test]
fn nonblocking_flags_and_eagain() {
    let l = socket(AddressFamily::INET, SocketType::STREAM, SocketFlags::NONBLOCK).unwrap();
    assert!(is_nonblocking(l.as_raw_fd()) && is_cloexec(l.as_raw_fd()));
    bind(&l, &any_port("127.0.0.1")).unwrap();
    listen(&l, 4).unwrap();
    // Nothing pending.
    assert_eq!(accept(&l, SocketFlags::empty()).unwrap_err(), Errno::EAGAIN);
    let c = std::net::TcpStream::connect(SocketAddr::try_from(getsockname(&l).unwrap()).unwrap()).unwrap();
    // The listener is non-blocking: wait for the connection to be there.
    let s = loop {
        match accept(&l, SocketFlags::NONBLOCK) {
            Ok((s, _)) => break s,
            Err(Errno::EAGAIN) => std::thread::yield_now(),
            Err(e) => panic!("{e}"),
        }
    };
    assert!(is_nonblocking(s.as_raw_fd()));
    let mut buf = [0u8; 4];
    assert_eq!(recv(&s, &mut buf, MsgFlags::empty()).unwrap_err(), Errno::EAGAIN);
    drop(c);
    // DONTWAIT on a blocking socket, for one call.
    let u = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    bind(&u, &any_port("127.0.0.1")).unwrap();
    assert_eq!(recvfrom(&u, &mut buf, MsgFlags::DONTWAIT).unwrap_err(), Errno::EAGAIN);
}

#[test]
fn documented_errors() {
    // ECONNREFUSED: nobody listens on a port that was just freed.
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let c = socket(AddressFamily::INET, SocketType::STREAM, SocketFlags::empty()).unwrap();
    assert_eq!(connect(&c, &port.into()).unwrap_err(), Errno::ECONNREFUSED);
    // ENOTCONN: no peer.
    let c = socket(AddressFamily::INET, SocketType::STREAM, SocketFlags::empty()).unwrap();
    assert_eq!(getpeername(&c).unwrap_err(), Errno::ENOTCONN);
    assert_eq!(shutdown(&c, Shutdown::Both).unwrap_err(), Errno::ENOTCONN);
    // EINVAL: accept on a socket that is not listening.
    assert_eq!(accept(&c, SocketFlags::empty()).unwrap_err(), Errno::EINVAL);
    // EADDRINUSE: the same port twice without SO_REUSEADDR.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let c = socket(AddressFamily::INET, SocketType::STREAM, SocketFlags::empty()).unwrap();
    assert_eq!(
        bind(&c, &l.local_addr().unwrap().into()).unwrap_err(),
        Errno::EADDRINUSE
    );
    // EAFNOSUPPORT: a unix address for an IPv4 socket; an unknown family.
    let unix = Sockaddr::Unix(SockaddrUnix::new("/nonexistent/x").unwrap());
    assert!(matches!(
        bind(&c, &unix).unwrap_err(),
        Errno::EAFNOSUPPORT | Errno::EINVAL
    ));
    assert_eq!(
        socket(AddressFamily::from_raw(12345), SocketType::STREAM, SocketFlags::empty()).unwrap_err(),
        Errno::EAFNOSUPPORT
    );
    // EOPNOTSUPP: listen on a datagram socket.
    let u = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    assert_eq!(listen(&u, 1).unwrap_err(), Errno::EOPNOTSUPP);
    // ENOTSOCK, EBADF.
    let f = std::fs::File::open("/dev/null").unwrap();
    assert_eq!(getsockname(&f).unwrap_err(), Errno::ENOTSOCK);
    // EDESTADDRREQ: a datagram without a destination.
    assert_eq!(send(&u, b"x", MsgFlags::empty()).unwrap_err(), Errno::EDESTADDRREQ);
    // EMSGSIZE: a datagram bigger than UDP allows.
    let big = vec![0u8; 70_000];
    let to = getsockname(&u).unwrap();
    assert_eq!(sendto(&u, &big, &to, MsgFlags::empty()).unwrap_err(), Errno::EMSGSIZE);
    drop(f);
}

#[test]
fn broken_connection_is_epipe_not_sigpipe() {
    // If a send raised SIGPIPE this test process would die.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let c = socket(AddressFamily::INET, SocketType::STREAM, SocketFlags::empty()).unwrap();
    connect(&c, &l.local_addr().unwrap().into()).unwrap();
    let (s, _) = l.accept().unwrap();
    drop(s);
    drop(l);
    let mut got = None;
    for _ in 0..100 {
        match send(&c, b"data", MsgFlags::empty()) {
            Ok(_) => std::thread::sleep(std::time::Duration::from_millis(1)),
            Err(e) => {
                got = Some(e);
                break;
            }
        }
    }
    assert!(matches!(got, Some(Errno::EPIPE | Errno::ECONNRESET)), "{got:?}");
    // The same through sendmsg and sendto on a unix pair.
    let (a, b) = socketpair(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::empty()).unwrap();
    drop(b);
    let e = sendmsg(
        &a,
        &[std::io::IoSlice::new(b"x")],
        &CmsgBuf::empty(),
        None,
        MsgFlags::empty(),
    )
    .unwrap_err();
    assert_eq!(e, Errno::EPIPE);
    assert_eq!(send(&a, b"x", MsgFlags::empty()).unwrap_err(), Errno::EPIPE);
}

#[test]
fn accept_raw_and_std_interop() {
    let l = TcpListener::bind("[::1]:0").unwrap();
    let c = std::net::TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (s, raw) = accept_raw(l.as_fd(), SocketFlags::empty()).unwrap();
    assert_eq!(raw.decode().unwrap(), Sockaddr::from(c.local_addr().unwrap()));
    assert_eq!(raw.len() as usize, std::mem::size_of::<libc::sockaddr_in6>());
    drop(s);
}

#[test]
fn more_documented_errors() {
    // EPROTONOSUPPORT: a stream socket with the UDP protocol.
    assert_eq!(
        socket_with_protocol(
            AddressFamily::INET,
            SocketType::STREAM,
            SocketFlags::empty(),
            libc::IPPROTO_UDP
        )
        .unwrap_err(),
        Errno::EPROTONOSUPPORT
    );
    // EADDRNOTAVAIL: an address that is not local; EINVAL: bound twice.
    let s = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    let doc = Sockaddr::from("192.0.2.1:0".parse::<SocketAddr>().unwrap());
    assert_eq!(bind(&s, &doc).unwrap_err(), Errno::EADDRNOTAVAIL);
    bind(&s, &"127.0.0.1:0".parse::<SocketAddr>().unwrap().into()).unwrap();
    assert_eq!(
        bind(&s, &"127.0.0.1:0".parse::<SocketAddr>().unwrap().into()).unwrap_err(),
        Errno::EINVAL
    );
    // ENOTCONN: receiving on a stream that is not connected.
    let t = socket(AddressFamily::INET, SocketType::STREAM, SocketFlags::empty()).unwrap();
    let mut b = [0u8; 4];
    assert_eq!(recv(&t, &mut b, MsgFlags::empty()).unwrap_err(), Errno::ENOTCONN);
    // EINPROGRESS (or an immediate success on a fast loopback): a
    // non-blocking connect; the outcome is then read with socket_error.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let nb = socket(AddressFamily::INET, SocketType::STREAM, SocketFlags::NONBLOCK).unwrap();
    match connect(&nb, &l.local_addr().unwrap().into()) {
        Ok(()) | Err(Errno::EINPROGRESS) => {}
        Err(e) => panic!("{e}"),
    }
    let (_s, _) = l.accept().unwrap();
    assert_eq!(socket_error(&nb).unwrap(), None);
    // ECONNRESET: the peer closes with unsent data discarded (linger 0).
    let c = socket(AddressFamily::INET, SocketType::STREAM, SocketFlags::empty()).unwrap();
    connect(&c, &l.local_addr().unwrap().into()).unwrap();
    let (s, _) = accept(l.as_fd(), SocketFlags::empty()).unwrap();
    set_linger(&s, Some(std::time::Duration::ZERO)).unwrap();
    drop(s);
    assert_eq!(recv(&c, &mut b, MsgFlags::empty()).unwrap_err(), Errno::ECONNRESET);
    // EAGAIN on send: a full non-blocking socketpair.
    let (x, _y) = socketpair(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::NONBLOCK).unwrap();
    let chunk = [0u8; 65536];
    let e = loop {
        if let Err(e) = send(&x, &chunk, MsgFlags::empty()) {
            break e;
        }
    };
    assert_eq!(e, Errno::EAGAIN);
    // ENOTSOCK for the options too.
    let f = std::fs::File::open("/dev/null").unwrap();
    assert_eq!(socket_type(&f).unwrap_err(), Errno::ENOTSOCK);
    assert_eq!(set_reuse_addr(&f, true).unwrap_err(), Errno::ENOTSOCK);
    // ENOPROTOOPT on set: an IPv6 option on an IPv4 socket.
    assert_eq!(set_only_v6(&t, true).unwrap_err(), Errno::ENOPROTOOPT);
}

#[cfg(target_os = "linux")]
#[test]
fn getsockname_of_an_undecoded_family_is_eafnosupport() {
    // A netlink socket: AF_NETLINK addresses are not decoded by this crate;
    // accept_raw-style raw access stays possible through SockaddrStorage.
    let nl = socket_with_protocol(AddressFamily::NETLINK, SocketType::DGRAM, SocketFlags::empty(), 0).unwrap();
    assert_eq!(getsockname(&nl).unwrap_err(), Errno::EAFNOSUPPORT);
}

#[test]
fn out_of_descriptors_is_emfile() {
    // Lowering RLIMIT_NOFILE is process-wide: do it in a forked child that
    // reports through its exit status.
    // SAFETY: the child only makes async-signal-safe calls (setrlimit,
    // socket, socketpair via our thin wrappers, _exit) before exiting.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        let lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: setrlimit reads `lim`.
        let code = if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } != 0 {
            2
        } else {
            let a = socket(AddressFamily::INET, SocketType::STREAM, SocketFlags::empty()).err();
            let b = socketpair(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::empty()).err();
            if a == Some(Errno::EMFILE) && b == Some(Errno::EMFILE) {
                0
            } else {
                1
            }
        };
        // SAFETY: leaving the child without running the parent's destructors.
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    // SAFETY: waiting for our own child.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(libc::WIFEXITED(status));
    assert_eq!(libc::WEXITSTATUS(status), 0, "the child did not see EMFILE");
}
