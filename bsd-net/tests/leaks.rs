//! Descriptor accounting, alone in its binary (one test, so no other test's
//! descriptors come and go meanwhile): every descriptor that arrives is
//! owned by the caller or closed — taken, dropped with its `Rights`, with a
//! `Messages` iterator dropped half-way, with the `CmsgBuf`, or on its
//! reuse — and the process's open-descriptor count returns to baseline.

mod util;

use bsd_net::*;
use std::io::{IoSlice, IoSliceMut, Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use util::{is_cloexec, is_open, open_fds};

fn pair(ty: SocketType) -> (OwnedFd, OwnedFd) {
    socketpair(AddressFamily::UNIX, ty, SocketFlags::empty()).unwrap()
}

/// Sends `n` fresh descriptors (socketpair ends) in one message; the
/// originals are closed before returning, so whatever is open afterwards
/// arrived by the message.
fn send_fds(tx: &OwnedFd, n: usize) {
    let fds: Vec<OwnedFd> = (0..n.div_ceil(2))
        .flat_map(|_| {
            let (a, b) = pair(SocketType::STREAM);
            [a, b]
        })
        .take(n)
        .collect();
    let borrowed: Vec<_> = fds.iter().map(|f| f.as_fd()).collect();
    let mut space = [0u8; 512];
    let mut cmsg = CmsgBuf::new(&mut space);
    cmsg.push_rights(&borrowed).unwrap();
    sendmsg(tx, &[IoSlice::new(b"m")], &cmsg, None, MsgFlags::empty()).unwrap();
}

/// The descriptor numbers in a received buffer (not owned).
fn numbers(cmsg: &CmsgBuf<'_>) -> Vec<RawFd> {
    cmsg.raw()
        .filter_map(|m| match m.decode() {
            ControlMessage::Rights(r) => Some(r.collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .filter(|&fd| fd >= 0)
        .collect()
}

fn recv_into(rx: &OwnedFd, cmsg: &mut CmsgBuf<'_>) -> RecvMsg {
    let mut b = [0u8; 8];
    recvmsg(rx, &mut [IoSliceMut::new(&mut b)], cmsg, MsgFlags::empty()).unwrap()
}

#[test]
fn every_descriptor_is_owned_or_closed() {
    let baseline = open_fds();

    // 1. Three descriptors (a pipe's ends and a file) plus credentials,
    //    received, used, dropped.
    {
        let (tx, rx) = pair(SocketType::STREAM);
        #[cfg(any(
            target_os = "linux",
            target_os = "android",
            target_os = "freebsd",
            target_os = "netbsd"
        ))]
        set_pass_credentials(&rx, true).unwrap();
        let (r, w) = util::pipe();
        let file = std::fs::File::open("/proc/self/status").unwrap();
        let mut space = CmsgSpace::<{ rights_space(3) + CREDENTIALS_SPACE }>::new();
        let mut cmsg = CmsgBuf::new(&mut space);
        cmsg.push_rights(&[r.as_fd(), w.as_fd(), file.as_fd()]).unwrap();
        let _ = cmsg.push_credentials();
        sendmsg(&tx, &[IoSlice::new(b"x")], &cmsg, None, MsgFlags::empty()).unwrap();
        drop(cmsg);

        let mut rspace = CmsgSpace::<{ rights_space(3) + CREDENTIALS_SPACE }>::new();
        let mut rcmsg = CmsgBuf::new(&mut rspace);
        let before = open_fds();
        recv_into(&rx, &mut rcmsg);
        assert_eq!(open_fds(), before + 3);
        let mut got = Vec::new();
        let mut saw_creds = false;
        for m in rcmsg.messages() {
            match m {
                ControlMessage::Rights(fds) => got.extend(fds),
                ControlMessage::Credentials(_) => saw_creds = true,
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(saw_creds, cfg!(any(target_os = "linux", target_os = "android")));
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|f| is_cloexec(f.as_raw_fd())));
        std::fs::File::from(got.remove(1)).write_all(b"z").unwrap();
        let mut one = [0u8; 1];
        (&r).read_exact(&mut one).unwrap();
        drop(got);
        assert_eq!(open_fds(), before);
    }
    assert_eq!(open_fds(), baseline, "after passing three descriptors");

    // 2. A control buffer too small: MSG_CTRUNC; the descriptors that fit
    //    are owned, the kernel closed the rest.
    {
        let (tx, rx) = pair(SocketType::DGRAM);
        send_fds(&tx, 5);
        let mut rspace = CmsgSpace::<{ rights_space(1) }>::new();
        let mut rcmsg = CmsgBuf::new(&mut rspace);
        let before = open_fds();
        let msg = recv_into(&rx, &mut rcmsg);
        assert!(msg.is_control_truncated());
        let arrived = numbers(&rcmsg);
        assert!(!arrived.is_empty() && arrived.len() < 5);
        assert_eq!(open_fds(), before + arrived.len());
        let owned: Vec<OwnedFd> = rcmsg
            .messages()
            .flat_map(|m| match m {
                ControlMessage::Rights(r) => r.collect::<Vec<_>>(),
                _ => Vec::new(),
            })
            .collect();
        assert_eq!(owned.iter().map(|f| f.as_raw_fd()).collect::<Vec<_>>(), arrived);
        drop(owned);
        assert_eq!(open_fds(), before);
    }
    assert_eq!(open_fds(), baseline, "after a truncated receive");

    // 3. A decoder dropped half-way closes the rest.
    {
        let (tx, rx) = pair(SocketType::DGRAM);
        send_fds(&tx, 4);
        let mut rspace = CmsgSpace::<{ rights_space(4) }>::new();
        let mut rcmsg = CmsgBuf::new(&mut rspace);
        let before = open_fds();
        recv_into(&rx, &mut rcmsg);
        let arrived = numbers(&rcmsg);
        assert_eq!(arrived.len(), 4);
        let first = {
            let mut it = rcmsg.messages();
            let Some(ControlMessage::Rights(mut r)) = it.next() else {
                panic!("no rights")
            };
            let first = r.next().unwrap();
            assert_eq!(r.remaining(), 3);
            first
            // `r` and `it` dropped here, half-way.
        };
        assert_eq!(first.as_raw_fd(), arrived[0]);
        assert!(is_open(arrived[0]));
        for &fd in &arrived[1..] {
            assert!(!is_open(fd), "descriptor {fd} left open");
        }
        assert_eq!(open_fds(), before + 1);
        // Decoding again yields nothing more.
        assert_eq!(numbers(&rcmsg).len(), 0);
        assert_eq!(rcmsg.messages().count(), 1);
        drop(first);
        assert_eq!(open_fds(), before);
    }
    assert_eq!(open_fds(), baseline, "after a decoder dropped half-way");

    // 4. Never decoded: dropping the CmsgBuf closes them.
    {
        let (tx, rx) = pair(SocketType::DGRAM);
        send_fds(&tx, 3);
        let before = open_fds();
        let mut rspace = CmsgSpace::<{ rights_space(3) }>::new();
        let mut rcmsg = CmsgBuf::new(&mut rspace);
        recv_into(&rx, &mut rcmsg);
        let arrived = numbers(&rcmsg);
        assert_eq!(open_fds(), before + 3);
        drop(rcmsg);
        assert!(arrived.iter().all(|&fd| !is_open(fd)));
        assert_eq!(open_fds(), before);
    }
    assert_eq!(open_fds(), baseline, "after a CmsgBuf dropped undecoded");

    // 5. Reused before decoding: the previous descriptors are closed first;
    //    pushing to a received buffer clears it too.
    {
        let (tx, rx) = pair(SocketType::DGRAM);
        send_fds(&tx, 2);
        send_fds(&tx, 2);
        // (Borrowed descriptors must outlive the buffer they are pushed to.)
        let (x, y) = pair(SocketType::STREAM);
        let before = open_fds();
        let mut rspace = CmsgSpace::<{ rights_space(2) }>::new();
        let mut rcmsg = CmsgBuf::new(&mut rspace);
        recv_into(&rx, &mut rcmsg);
        assert_eq!(numbers(&rcmsg).len(), 2);
        assert_eq!(open_fds(), before + 2);
        // The second receive closes the first two before taking two more.
        recv_into(&rx, &mut rcmsg);
        assert_eq!(numbers(&rcmsg).len(), 2);
        assert_eq!(open_fds(), before + 2);
        // Encoding into a received buffer closes what it held.
        rcmsg.push_rights(&[x.as_fd()]).unwrap();
        assert_eq!(open_fds(), before);
        drop(rcmsg);
        drop((x, y));
        assert_eq!(open_fds(), before - 2);
    }
    assert_eq!(open_fds(), baseline, "after reusing a CmsgBuf");

    // 6. A Rights message dropped without iterating; `clear`.
    {
        let (tx, rx) = pair(SocketType::DGRAM);
        send_fds(&tx, 2);
        send_fds(&tx, 2);
        let before = open_fds();
        let mut rspace = CmsgSpace::<{ rights_space(2) }>::new();
        let mut rcmsg = CmsgBuf::new(&mut rspace);
        recv_into(&rx, &mut rcmsg);
        for m in rcmsg.messages() {
            drop(m);
        }
        assert_eq!(open_fds(), before);
        recv_into(&rx, &mut rcmsg);
        assert_eq!(open_fds(), before + 2);
        rcmsg.clear();
        assert_eq!(open_fds(), before);
    }
    assert_eq!(open_fds(), baseline, "after dropped Rights and clear");

    // 7. Control-only messages on a stream, and sockets, batches, accepts.
    {
        let (tx, rx) = pair(SocketType::STREAM);
        let (a, _b) = pair(SocketType::STREAM);
        let mut space = CmsgSpace::<{ rights_space(1) }>::new();
        let mut cmsg = CmsgBuf::new(&mut space);
        cmsg.push_rights(&[a.as_fd()]).unwrap();
        sendmsg(&tx, &[], &cmsg, None, MsgFlags::empty()).unwrap();
        let mut rspace = CmsgSpace::<{ rights_space(1) }>::new();
        let mut rcmsg = CmsgBuf::new(&mut rspace);
        recvmsg(&rx, &mut [], &mut rcmsg, MsgFlags::empty()).unwrap();
        assert_eq!(numbers(&rcmsg).len(), 1);

        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        for _ in 0..10 {
            let c = socket(AddressFamily::INET, SocketType::STREAM, SocketFlags::empty()).unwrap();
            connect(&c, &l.local_addr().unwrap().into()).unwrap();
            let (_s, _) = accept(&l, SocketFlags::NONBLOCK).unwrap();
        }
        let u = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty()).unwrap();
        bind(&u, &"127.0.0.1:0".parse::<std::net::SocketAddr>().unwrap().into()).unwrap();
        let to = getsockname(&u).unwrap();
        let mut out = SendBatch::<32>::new();
        let msgs = [IoSlice::new(b"b"); 32];
        send_batch(&u, &mut out, &msgs, &[to], MsgFlags::empty()).unwrap();
        let mut bufs = [[0u8; 4]; 32];
        let mut iov = bufs.each_mut().map(|b| IoSliceMut::new(b));
        let mut batch = RecvBatch::<32>::new();
        recv_batch(&u, &mut batch, &mut iov, MsgFlags::empty()).unwrap();
    }
    assert_eq!(open_fds(), baseline, "after sockets, accepts and batches");
}
