//! Unix sockets: stream and datagram with a path, the longest path and one
//! byte over, Linux abstract addresses, unnamed sockets.

mod util;

use bsd_net::*;
use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};
use util::TempPath;

fn unix(p: &TempPath) -> Sockaddr {
    Sockaddr::Unix(SockaddrUnix::new(&p.0).unwrap())
}

#[test]
fn stream_with_a_path() {
    let path = TempPath::new("stream");
    let l = socket(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::empty()).unwrap();
    bind(&l, &unix(&path)).unwrap();
    listen(&l, 4).unwrap();
    let name = getsockname(&l).unwrap();
    assert_eq!(name.as_unix().unwrap().path(), Some(path.0.as_path()));

    let c = socket(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::empty()).unwrap();
    connect(&c, &name).unwrap();
    let (s, peer) = accept(&l, SocketFlags::empty()).unwrap();
    // The connecting socket was not bound: unnamed on both sides.
    assert!(peer.as_unix().unwrap().is_unnamed());
    assert!(getsockname(&c).unwrap().as_unix().unwrap().is_unnamed());
    assert_eq!(getpeername(&c).unwrap(), name);
    assert!(getpeername(&s).unwrap().as_unix().unwrap().is_unnamed());

    // And std agrees.
    let std_c = UnixStream::from(c);
    assert_eq!(std_c.peer_addr().unwrap().as_pathname(), Some(path.0.as_path()));
    send(&s, b"hi", MsgFlags::empty()).unwrap();
    let mut b = [0u8; 2];
    recv(&std_c, &mut b, MsgFlags::WAITALL).unwrap();
    assert_eq!(&b, b"hi");
}

#[test]
fn datagram_with_paths() {
    let (pa, pb) = (TempPath::new("dga"), TempPath::new("dgb"));
    let a = socket(AddressFamily::UNIX, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    let b = socket(AddressFamily::UNIX, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    bind(&a, &unix(&pa)).unwrap();
    bind(&b, &unix(&pb)).unwrap();
    sendto(&a, b"one", &unix(&pb), MsgFlags::empty()).unwrap();
    let mut buf = [0u8; 8];
    let (n, from) = recvfrom(&b, &mut buf, MsgFlags::empty()).unwrap();
    assert_eq!((&buf[..n], from), (&b"one"[..], Some(unix(&pa))));

    // From an unbound sender: no usable address.
    let c = socket(AddressFamily::UNIX, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    sendto(&c, b"two", &unix(&pb), MsgFlags::empty()).unwrap();
    let (n, from) = recvfrom(&b, &mut buf, MsgFlags::empty()).unwrap();
    assert_eq!(&buf[..n], b"two");
    assert!(from.is_none() || from.unwrap().as_unix().unwrap().is_unnamed());

    // ENOENT: nobody at that path; ECONNREFUSED: a path with no socket
    // behind it any more.
    let gone = TempPath::new("gone");
    assert_eq!(
        sendto(&c, b"x", &unix(&gone), MsgFlags::empty()).unwrap_err(),
        Errno::ENOENT
    );
    // EADDRINUSE: binding a path that exists.
    let d = socket(AddressFamily::UNIX, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    assert_eq!(bind(&d, &unix(&pa)).unwrap_err(), Errno::EADDRINUSE);
}

/// A path of exactly `len` bytes inside a fresh directory.
fn path_of_len(dir: &std::path::Path, len: usize) -> std::path::PathBuf {
    let base = dir.as_os_str().len() + 1;
    assert!(len > base, "temp dir too long");
    dir.join("p".repeat(len - base))
}

#[test]
fn longest_path_and_one_over() {
    let max = Layout::NATIVE.sun_path_len();
    let dir = std::env::temp_dir().join(format!("bn{}", std::process::id()));
    let _ = std::fs::create_dir(&dir);
    let p = path_of_len(&dir, max);
    assert_eq!(p.as_os_str().len(), max);
    let _ = std::fs::remove_file(&p);

    // Exactly sun_path bytes (no room for a NUL): accepted by the kernel.
    let s = socket(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::empty()).unwrap();
    let addr = Sockaddr::Unix(SockaddrUnix::new(&p).unwrap());
    bind(&s, &addr).unwrap();
    listen(&s, 1).unwrap();
    assert_eq!(getsockname(&s).unwrap(), addr);
    // Connect through it (std refuses a path without room for a NUL; the
    // kernel does not).
    let c = socket(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::empty()).unwrap();
    connect(&c, &addr).unwrap();
    assert_eq!(getpeername(&c).unwrap(), addr);
    let (_acc, _) = accept(&s, SocketFlags::empty()).unwrap();

    // One byte over: EINVAL, not a truncated path.
    let over = path_of_len(&dir, max + 1);
    assert_eq!(SockaddrUnix::new(&over).unwrap_err(), Errno::EINVAL);

    std::fs::remove_file(&p).unwrap();
    std::fs::remove_dir(&dir).unwrap();
}

#[test]
fn unnamed_socketpair() {
    for ty in [SocketType::STREAM, SocketType::DGRAM, SocketType::SEQPACKET] {
        let (a, b) = socketpair(AddressFamily::UNIX, ty, SocketFlags::empty()).unwrap();
        for fd in [&a, &b] {
            let n = getsockname(fd).unwrap();
            assert!(n.as_unix().unwrap().is_unnamed(), "{ty:?}: {n:?}");
            assert_eq!(n.to_string(), "(unnamed)");
            assert!(getpeername(fd).unwrap().as_unix().unwrap().is_unnamed());
        }
    }
    // The flags apply to both ends.
    let (a, b) = socketpair(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::NONBLOCK).unwrap();
    use std::os::fd::AsRawFd;
    for fd in [a.as_raw_fd(), b.as_raw_fd()] {
        assert!(util::is_nonblocking(fd) && util::is_cloexec(fd));
    }
    // EOPNOTSUPP (or EAFNOSUPPORT): no pairs of IPv4 sockets.
    let e = socketpair(AddressFamily::INET, SocketType::STREAM, SocketFlags::empty()).unwrap_err();
    assert!(matches!(e, Errno::EOPNOTSUPP | Errno::EAFNOSUPPORT), "{e:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn linux_abstract_addresses() {
    let name = format!("bsd-net-test-{}\0inner", std::process::id());
    let addr = Sockaddr::Unix(SockaddrUnix::new_abstract(name.as_bytes()).unwrap());
    let l = socket(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::empty()).unwrap();
    bind(&l, &addr).unwrap();
    listen(&l, 1).unwrap();
    let got = getsockname(&l).unwrap();
    assert_eq!(got, addr);
    assert_eq!(got.as_unix().unwrap().abstract_name(), Some(name.as_bytes()));
    assert!(got.to_string().starts_with("@bsd-net-test-"));

    // std connects to the same name.
    use std::os::linux::net::SocketAddrExt;
    let std_addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
    let c = UnixStream::connect_addr(&std_addr).unwrap();
    let (_s, _) = accept(&l, SocketFlags::empty()).unwrap();
    assert_eq!(
        SockaddrUnix::try_from(&c.peer_addr().unwrap()).unwrap(),
        *addr.as_unix().unwrap()
    );

    // Autobind: binding the unnamed address gives a 5-hex-digit abstract
    // name.
    let d = socket(AddressFamily::UNIX, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    bind(&d, &Sockaddr::Unix(SockaddrUnix::unnamed())).unwrap();
    let auto = getsockname(&d).unwrap();
    assert_eq!(auto.as_unix().unwrap().abstract_name().map(<[u8]>::len), Some(5));
    // Too long: EINVAL.
    assert_eq!(SockaddrUnix::new_abstract(&[b'x'; 108]).unwrap_err(), Errno::EINVAL);
    assert!(SockaddrUnix::new_abstract(&[b'x'; 107]).is_ok());
}

#[test]
fn std_sockets_work_with_our_calls() {
    let path = TempPath::new("std");
    let l = UnixListener::bind(&path.0).unwrap();
    assert_eq!(
        getsockname(&l).unwrap().as_unix().unwrap().path(),
        Some(path.0.as_path())
    );
    let d = UnixDatagram::unbound().unwrap();
    assert!(getsockname(&d).unwrap().as_unix().unwrap().is_unnamed());
}
