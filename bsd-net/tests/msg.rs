//! sendmsg/recvmsg against the real kernel: descriptor passing with
//! credentials, truncation, control-only messages, addresses, packet info,
//! timestamps. (Descriptor counts are checked in `leaks.rs`, alone in its
//! binary.)

mod util;

use bsd_net::*;
use std::fs::File;
use std::io::{IoSlice, IoSliceMut, Read, Seek, Write};
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use util::{is_cloexec, pipe, TempPath};

fn pair(ty: SocketType) -> (OwnedFd, OwnedFd) {
    socketpair(AddressFamily::UNIX, ty, SocketFlags::empty()).unwrap()
}

#[test]
fn three_descriptors_and_credentials() {
    let (tx, rx) = pair(SocketType::STREAM);
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd",
        target_os = "netbsd"
    ))]
    set_pass_credentials(&rx, true).unwrap();

    let (pr, pw) = pipe();
    let tmp = TempPath::new("fdpass");
    let mut file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&tmp.0)
        .unwrap();
    file.write_all(b"file contents").unwrap();

    let mut space = CmsgSpace::<{ rights_space(3) + CREDENTIALS_SPACE }>::new();
    let mut cmsg = CmsgBuf::new(&mut space);
    cmsg.push_rights(&[pr.as_fd(), pw.as_fd(), file.as_fd()]).unwrap();
    let creds_sent = cmsg.push_credentials().is_ok();
    let n = sendmsg(
        &tx,
        &[IoSlice::new(b"three"), IoSlice::new(b" fds")],
        &cmsg,
        None,
        MsgFlags::empty(),
    )
    .unwrap();
    assert_eq!(n, 9);
    drop(cmsg);

    let mut buf = [0u8; 32];
    let mut rspace = CmsgSpace::<{ rights_space(3) + CREDENTIALS_SPACE }>::new();
    let mut rcmsg = CmsgBuf::new(&mut rspace);
    let msg = recvmsg(&rx, &mut [IoSliceMut::new(&mut buf)], &mut rcmsg, MsgFlags::empty()).unwrap();
    assert_eq!(&buf[..msg.bytes()], b"three fds");
    assert!(!msg.is_control_truncated() && !rcmsg.is_truncated());
    assert_eq!(msg.control_len(), rcmsg.len());
    assert!(msg.sender().is_none() || msg.sender().unwrap().as_unix().unwrap().is_unnamed());

    let mut received: Vec<OwnedFd> = Vec::new();
    let mut creds = None;
    for m in rcmsg.messages() {
        match m {
            ControlMessage::Rights(fds) => received.extend(fds),
            ControlMessage::Credentials(c) => creds = Some(c),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(received.len(), 3);
    for fd in &received {
        assert!(is_cloexec(fd.as_raw_fd()), "received descriptors are close-on-exec");
    }
    let mut it = received.into_iter();
    let (rr, rw, rf) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());

    // Use them: the received write end feeds our read end, our write end
    // feeds the received read end, and the file reads back.
    File::from(rw).write_all(b"through").unwrap();
    let mut got = [0u8; 7];
    (&pr).read_exact(&mut got).unwrap();
    assert_eq!(&got, b"through");
    (&pw).write_all(b"back").unwrap();
    let mut got = [0u8; 4];
    File::from(rr).read_exact(&mut got).unwrap();
    assert_eq!(&got, b"back");
    let mut f = File::from(rf);
    f.rewind().unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    assert_eq!(s, "file contents");

    // The credentials are ours.
    if cfg!(any(target_os = "linux", target_os = "android")) {
        assert!(creds_sent);
        let c = creds.expect("credentials");
        // SAFETY: these cannot fail.
        let (pid, uid, gid) = unsafe { (libc::getpid(), libc::getuid(), libc::getgid()) };
        assert_eq!((c.pid, c.uid, c.gid), (Some(pid), uid, gid));
    }
}

#[test]
fn truncated_control_data_still_yields_what_arrived() {
    let (tx, rx) = pair(SocketType::DGRAM);
    let (a, b) = pipe();
    let (c, d) = pipe();
    let mut space = CmsgSpace::<{ rights_space(4) }>::new();
    let mut cmsg = CmsgBuf::new(&mut space);
    cmsg.push_rights(&[a.as_fd(), b.as_fd(), c.as_fd(), d.as_fd()]).unwrap();
    sendmsg(&tx, &[IoSlice::new(b"x")], &cmsg, None, MsgFlags::empty()).unwrap();
    drop(cmsg);

    // Room for one descriptor only (two on 64-bit Linux, padding included).
    let mut rspace = CmsgSpace::<{ rights_space(1) }>::new();
    let mut rcmsg = CmsgBuf::new(&mut rspace);
    let mut buf = [0u8; 4];
    let msg = recvmsg(&rx, &mut [IoSliceMut::new(&mut buf)], &mut rcmsg, MsgFlags::empty()).unwrap();
    assert!(msg.is_control_truncated());
    assert!(msg.flags().contains(MsgFlags::CTRUNC));
    let mut it = rcmsg.messages();
    assert!(it.is_truncated());
    let fds: Vec<OwnedFd> = match it.next() {
        Some(ControlMessage::Rights(r)) => r.collect(),
        other => panic!("{other:?}"),
    };
    let fit = (rights_space(1) - cmsg_len(0)) / 4;
    assert_eq!(fds.len(), fit);
    assert!(it.next().is_none());
    // What arrived works: the first is `a`'s read end.
    (&b).write_all(b"ok").unwrap();
    let mut got = [0u8; 2];
    File::from(fds.into_iter().next().unwrap())
        .read_exact(&mut got)
        .unwrap();
    assert_eq!(&got, b"ok");
}

#[test]
fn control_only_messages_carry_a_dummy_byte_on_streams() {
    let (tx, rx) = pair(SocketType::STREAM);
    let (r, _w) = pipe();
    let mut space = CmsgSpace::<{ rights_space(1) }>::new();
    let mut cmsg = CmsgBuf::new(&mut space);
    cmsg.push_rights(&[r.as_fd()]).unwrap();
    // No data: one dummy byte goes, 0 is reported.
    assert_eq!(sendmsg(&tx, &[], &cmsg, None, MsgFlags::empty()).unwrap(), 0);
    send(&tx, b"after", MsgFlags::empty()).unwrap();

    let mut rspace = CmsgSpace::<{ rights_space(1) }>::new();
    let mut rcmsg = CmsgBuf::new(&mut rspace);
    let msg = recvmsg(&rx, &mut [], &mut rcmsg, MsgFlags::empty()).unwrap();
    assert_eq!(msg.bytes(), 0);
    assert_eq!(
        rcmsg
            .messages()
            .filter(|m| matches!(m, ControlMessage::Rights(_)))
            .count(),
        1
    );
    // The stream continues right after the dummy byte.
    let mut buf = [0u8; 5];
    assert_eq!(recv(&rx, &mut buf, MsgFlags::WAITALL).unwrap(), 5);
    assert_eq!(&buf, b"after");

    // Datagrams carry control data alone: an empty datagram, no dummy.
    let (tx, rx) = pair(SocketType::DGRAM);
    assert_eq!(sendmsg(&tx, &[], &cmsg, None, MsgFlags::empty()).unwrap(), 0);
    let msg = recvmsg(&rx, &mut [], &mut rcmsg, MsgFlags::empty()).unwrap();
    assert_eq!(msg.bytes(), 0);
    assert_eq!(rcmsg.messages().count(), 1);
}

#[test]
fn udp_sender_truncation_and_scatter() {
    let rx = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    bind(&rx, &"127.0.0.1:0".parse::<SocketAddr>().unwrap().into()).unwrap();
    let to = getsockname(&rx).unwrap();
    let tx = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    bind(&tx, &"127.0.0.1:0".parse::<SocketAddr>().unwrap().into()).unwrap();

    let n = sendmsg(
        &tx,
        &[IoSlice::new(b"head-"), IoSlice::new(b"tail")],
        &CmsgBuf::empty(),
        Some(&to),
        MsgFlags::empty(),
    )
    .unwrap();
    assert_eq!(n, 9);
    let (mut a, mut b) = ([0u8; 5], [0u8; 8]);
    let msg = recvmsg(
        &rx,
        &mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)],
        &mut CmsgBuf::empty(),
        MsgFlags::empty(),
    )
    .unwrap();
    assert_eq!((msg.bytes(), &a, &b[..4]), (9, b"head-", &b"tail"[..]));
    assert_eq!(msg.sender(), Some(getsockname(&tx).unwrap()));
    assert_eq!(msg.sender_raw().unwrap().decode(), Ok(getsockname(&tx).unwrap()));
    assert!(!msg.is_truncated());

    // Too long for the buffer: MSG_TRUNC.
    sendto(&tx, &[7u8; 100], &to, MsgFlags::empty()).unwrap();
    let mut small = [0u8; 10];
    let msg = recvmsg(
        &rx,
        &mut [IoSliceMut::new(&mut small)],
        &mut CmsgBuf::empty(),
        MsgFlags::empty(),
    )
    .unwrap();
    assert!(msg.is_truncated());
    assert_eq!(msg.bytes(), 10);

    // PEEK leaves it queued.
    sendto(&tx, b"peek", &to, MsgFlags::empty()).unwrap();
    let mut p = [0u8; 4];
    recvmsg(
        &rx,
        &mut [IoSliceMut::new(&mut p)],
        &mut CmsgBuf::empty(),
        MsgFlags::PEEK,
    )
    .unwrap();
    let (n, _) = recvfrom(&rx, &mut p, MsgFlags::empty()).unwrap();
    assert_eq!(&p[..n], b"peek");
}

#[test]
fn packet_info_and_timestamps() {
    // IPv6: IPV6_RECVPKTINFO.
    let rx = socket(AddressFamily::INET6, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    bind(&rx, &"[::1]:0".parse::<SocketAddr>().unwrap().into()).unwrap();
    set_recv_packet_info_v6(&rx, true).unwrap();
    assert!(recv_packet_info_v6(&rx).unwrap());
    set_timestamp(&rx, true).unwrap();
    assert!(timestamp(&rx).unwrap());
    let to = getsockname(&rx).unwrap();
    let tx = socket(AddressFamily::INET6, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    // Send with a chosen source through IPV6_PKTINFO.
    let mut space = CmsgSpace::<128>::new();
    let mut cmsg = CmsgBuf::new(&mut space);
    cmsg.push_ipv6_packet_info(&Ipv6PacketInfo {
        addr: std::net::Ipv6Addr::LOCALHOST,
        ifindex: 0,
    })
    .unwrap();
    sendmsg(&tx, &[IoSlice::new(b"v6")], &cmsg, Some(&to), MsgFlags::empty()).unwrap();

    let mut rspace = CmsgSpace::<256>::new();
    let mut rcmsg = CmsgBuf::new(&mut rspace);
    let mut buf = [0u8; 8];
    recvmsg(&rx, &mut [IoSliceMut::new(&mut buf)], &mut rcmsg, MsgFlags::empty()).unwrap();
    let (mut info, mut when) = (None, None);
    for m in rcmsg.messages() {
        match m {
            ControlMessage::Ipv6PacketInfo(p) => info = Some(p),
            ControlMessage::Timestamp(t) => when = Some(t),
            other => panic!("unexpected {other:?}"),
        }
    }
    let info = info.expect("IPV6_PKTINFO");
    assert_eq!(info.addr, std::net::Ipv6Addr::LOCALHOST);
    assert_ne!(info.ifindex, 0);
    let when = when.expect("SCM_TIMESTAMP").to_system_time().unwrap();
    let age = std::time::SystemTime::now().duration_since(when).unwrap();
    assert!(age.as_secs() < 60);

    drop(cmsg);

    // IPv4: IP_PKTINFO (Linux) or IP_RECVDSTADDR.
    let rx = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    bind(&rx, &"127.0.0.1:0".parse::<SocketAddr>().unwrap().into()).unwrap();
    set_recv_packet_info_v4(&rx, true).unwrap();
    assert!(recv_packet_info_v4(&rx).unwrap());
    let to = getsockname(&rx).unwrap();
    let tx = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    let mut cmsg = CmsgBuf::new(&mut space);
    let sent_with_info = cmsg
        .push_ipv4_packet_info(&Ipv4PacketInfo {
            ifindex: 0,
            spec_dst: std::net::Ipv4Addr::LOCALHOST,
            addr: std::net::Ipv4Addr::UNSPECIFIED,
        })
        .is_ok();
    assert_eq!(
        sent_with_info,
        cfg!(any(target_os = "linux", target_vendor = "apple", target_os = "netbsd"))
    );
    sendmsg(&tx, &[IoSlice::new(b"v4")], &cmsg, Some(&to), MsgFlags::empty()).unwrap();
    recvmsg(&rx, &mut [IoSliceMut::new(&mut buf)], &mut rcmsg, MsgFlags::empty()).unwrap();
    let dst = rcmsg.messages().find_map(|m| match m {
        ControlMessage::Ipv4PacketInfo(p) => Some(p.addr),
        ControlMessage::Ipv4RecvDstAddr(a) => Some(a),
        _ => None,
    });
    assert_eq!(dst, Some(std::net::Ipv4Addr::LOCALHOST));
}

#[test]
fn documented_errors() {
    // A control buffer of another layout: EINVAL for both calls.
    let (tx, rx) = pair(SocketType::DGRAM);
    let foreign = if Layout::NATIVE == Layout::FREEBSD_64 {
        Layout::LINUX_64
    } else {
        Layout::FREEBSD_64
    };
    let mut space = CmsgSpace::<64>::new();
    let mut cmsg = CmsgBuf::with_layout(&mut space, foreign);
    assert_eq!(
        sendmsg(&tx, &[IoSlice::new(b"x")], &cmsg, None, MsgFlags::empty()).unwrap_err(),
        Errno::EINVAL
    );
    assert_eq!(
        recvmsg(&rx, &mut [], &mut cmsg, MsgFlags::empty()).unwrap_err(),
        Errno::EINVAL
    );
    // EAGAIN: nothing to receive, for this call only.
    let mut b = [0u8; 1];
    assert_eq!(
        recvmsg(
            &rx,
            &mut [IoSliceMut::new(&mut b)],
            &mut CmsgBuf::empty(),
            MsgFlags::DONTWAIT
        )
        .unwrap_err(),
        Errno::EAGAIN
    );
    // EMSGSIZE: more buffers than the kernel takes (IOV_MAX is 1024).
    let bufs = vec![IoSlice::new(b"x"); 2000];
    assert_eq!(
        sendmsg(&tx, &bufs, &CmsgBuf::empty(), None, MsgFlags::empty()).unwrap_err(),
        Errno::EMSGSIZE
    );
    // ENOTCONN/EDESTADDRREQ: a datagram socket with no destination.
    let u = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    assert_eq!(
        sendmsg(&u, &[IoSlice::new(b"x")], &CmsgBuf::empty(), None, MsgFlags::empty()).unwrap_err(),
        Errno::EDESTADDRREQ
    );
    // EBADF from the kernel: a control message naming a closed descriptor.
    let mut space = CmsgSpace::<64>::new();
    let mut bad = CmsgBuf::new(&mut space);
    // SAFETY: deliberately a descriptor number that is not open (the
    // kernel rejects it; nothing of ours is touched).
    unsafe {
        bad.push_raw(libc::SOL_SOCKET, libc::SCM_RIGHTS, &(-5i32).to_ne_bytes())
            .unwrap()
    };
    assert_eq!(
        sendmsg(&tx, &[IoSlice::new(b"x")], &bad, None, MsgFlags::empty()).unwrap_err(),
        Errno::EBADF
    );
}
