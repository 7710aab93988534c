//! Batches: 32 datagrams sent with `send_batch` and received with
//! `recv_batch`, reused state, per-message destinations and flags.

use bsd_net::*;
use std::io::{IoSlice, IoSliceMut};
use std::net::SocketAddr;
use std::os::fd::OwnedFd;

fn udp_bound(ip: &str) -> (OwnedFd, Sockaddr) {
    let fam = if ip.starts_with('[') {
        AddressFamily::INET6
    } else {
        AddressFamily::INET
    };
    let s = socket(fam, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    bind(&s, &format!("{ip}:0").parse::<SocketAddr>().unwrap().into()).unwrap();
    let a = getsockname(&s).unwrap();
    (s, a)
}

/// Receives exactly `want` datagrams with as few batch calls as it takes;
/// returns (calls, payloads, senders).
fn recv_all<const N: usize>(
    fd: &OwnedFd,
    batch: &mut RecvBatch<N>,
    want: usize,
) -> (usize, Vec<Vec<u8>>, Vec<Option<Sockaddr>>) {
    let mut bufs = [[0u8; 64]; N];
    let (mut calls, mut payloads, mut senders) = (0, Vec::new(), Vec::new());
    while payloads.len() < want {
        let mut iov: Vec<IoSliceMut<'_>> = bufs.iter_mut().map(|b| IoSliceMut::new(b)).collect();
        let room = (want - payloads.len()).min(N);
        let n = recv_batch(fd, batch, &mut iov[..room], MsgFlags::empty()).unwrap();
        calls += 1;
        assert_eq!(n, batch.len());
        let lens: Vec<_> = batch.iter().map(|m| (m.bytes(), m.sender(), m.flags())).collect();
        drop(iov);
        for (i, (len, from, flags)) in lens.into_iter().enumerate() {
            assert!(!flags.contains(MsgFlags::TRUNC));
            payloads.push(bufs[i][..len].to_vec());
            senders.push(from);
        }
    }
    (calls, payloads, senders)
}

#[test]
fn thirty_two_datagrams_v4_and_v6() {
    for ip in ["127.0.0.1", "[::1]"] {
        let (rx, to) = udp_bound(ip);
        let (tx, from) = udp_bound(ip);
        let payloads: Vec<Vec<u8>> = (0..32u8).map(|i| vec![i; 1 + i as usize]).collect();
        let iov: Vec<IoSlice<'_>> = payloads.iter().map(|p| IoSlice::new(p)).collect();
        let mut out = SendBatch::<32>::new();
        let mut sent = 0;
        while sent < 32 {
            sent += send_batch(&tx, &mut out, &iov[sent..], &[to], MsgFlags::empty()).unwrap();
        }

        let mut batch = RecvBatch::<32>::new();
        let (calls, got, senders) = recv_all(&rx, &mut batch, 32);
        assert_eq!(got, payloads);
        assert!(senders.iter().all(|s| *s == Some(from)));
        // On Linux, loopback delivery is synchronous: one call gets them all.
        if cfg!(target_os = "linux") {
            assert_eq!(calls, 1);
            assert_eq!(out.len(), 32);
            assert_eq!(
                (0..32).map(|i| out.sent(i).unwrap()).sum::<usize>(),
                (1..=32).sum::<usize>()
            );
        }
    }
}

#[test]
fn reused_state_resets_every_header() {
    let (rx, to) = udp_bound("127.0.0.1");
    let (tx1, from1) = udp_bound("127.0.0.1");
    let (tx2, from2) = udp_bound("127.0.0.1");
    let mut batch = RecvBatch::<8>::new();
    let mut out = SendBatch::<8>::new();
    for round in 0..5u8 {
        let (tx, from) = if round % 2 == 0 { (&tx1, from1) } else { (&tx2, from2) };
        // Different sizes each round: lengths the kernel wrote last time
        // must not leak into this one.
        let msgs: Vec<Vec<u8>> = (0..8u8).map(|i| vec![round; 1 + ((i + round) % 8) as usize]).collect();
        let iov: Vec<IoSlice<'_>> = msgs.iter().map(|m| IoSlice::new(m)).collect();
        assert_eq!(send_batch(tx, &mut out, &iov, &[to], MsgFlags::empty()).unwrap(), 8);
        let (_, got, senders) = recv_all(&rx, &mut batch, 8);
        assert_eq!(got, msgs);
        assert!(senders.iter().all(|s| *s == Some(from)), "round {round}");
    }
}

#[test]
fn per_message_destinations_and_connected_sockets() {
    let (rx1, to1) = udp_bound("127.0.0.1");
    let (rx2, to2) = udp_bound("127.0.0.1");
    let (tx, _) = udp_bound("127.0.0.1");
    let mut out = SendBatch::<4>::new();
    let msgs = [
        IoSlice::new(b"a1"),
        IoSlice::new(b"b1"),
        IoSlice::new(b"a2"),
        IoSlice::new(b"b2"),
    ];
    assert_eq!(
        send_batch(&tx, &mut out, &msgs, &[to1, to2, to1, to2], MsgFlags::empty()).unwrap(),
        4
    );
    let mut batch = RecvBatch::<4>::new();
    let (_, a, _) = recv_all(&rx1, &mut batch, 2);
    let (_, b, _) = recv_all(&rx2, &mut batch, 2);
    assert_eq!(a, [b"a1".to_vec(), b"a2".to_vec()]);
    assert_eq!(b, [b"b1".to_vec(), b"b2".to_vec()]);

    // Connected: no destinations.
    connect(&tx, &to1).unwrap();
    assert_eq!(
        send_batch(&tx, &mut out, &msgs[..1], &[], MsgFlags::empty()).unwrap(),
        1
    );
    let (_, a, _) = recv_all(&rx1, &mut batch, 1);
    assert_eq!(a, [b"a1".to_vec()]);
}

#[test]
fn more_buffers_than_capacity_and_truncation() {
    let (rx, to) = udp_bound("127.0.0.1");
    let (tx, _) = udp_bound("127.0.0.1");
    let big = [9u8; 100];
    let msgs = [IoSlice::new(&big), IoSlice::new(b"small"), IoSlice::new(b"third")];
    let mut out = SendBatch::<2>::new();
    // Only N = 2 go.
    assert_eq!(send_batch(&tx, &mut out, &msgs, &[to], MsgFlags::empty()).unwrap(), 2);
    assert_eq!((out.sent(0), out.sent(1), out.sent(2)), (Some(100), Some(5), None));

    let mut b0 = [0u8; 10];
    let mut b1 = [0u8; 10];
    let mut b2 = [0u8; 10];
    let mut iov = [
        IoSliceMut::new(&mut b0),
        IoSliceMut::new(&mut b1),
        IoSliceMut::new(&mut b2),
    ];
    let mut batch = RecvBatch::<2>::new();
    let mut n = recv_batch(&rx, &mut batch, &mut iov, MsgFlags::empty()).unwrap();
    assert!(n >= 1);
    let first = batch.get(0).unwrap();
    assert!(first.flags().contains(MsgFlags::TRUNC));
    assert_eq!(first.bytes(), 10);
    if n == 1 {
        n += recv_batch(&rx, &mut batch, &mut iov[1..], MsgFlags::empty()).unwrap();
    }
    assert_eq!(n, 2);
    assert!(batch.get(2).is_none());
}

#[test]
fn documented_errors() {
    let (rx, to) = udp_bound("127.0.0.1");
    let mut batch = RecvBatch::<4>::new();
    let mut out = SendBatch::<4>::new();
    // EINVAL: no buffers.
    assert_eq!(
        recv_batch(&rx, &mut batch, &mut [], MsgFlags::empty()).unwrap_err(),
        Errno::EINVAL
    );
    assert_eq!(
        send_batch(&rx, &mut out, &[], &[to], MsgFlags::empty()).unwrap_err(),
        Errno::EINVAL
    );
    // EINVAL: destinations neither 0, 1 nor one per message.
    let msgs = [IoSlice::new(b"1"), IoSlice::new(b"2"), IoSlice::new(b"3")];
    assert_eq!(
        send_batch(&rx, &mut out, &msgs, &[to, to], MsgFlags::empty()).unwrap_err(),
        Errno::EINVAL
    );
    // EAGAIN: nothing queued, DONTWAIT.
    let mut b = [0u8; 4];
    let mut iov = [IoSliceMut::new(&mut b)];
    assert_eq!(
        recv_batch(&rx, &mut batch, &mut iov, MsgFlags::DONTWAIT).unwrap_err(),
        Errno::EAGAIN
    );
    assert!(batch.is_empty());
    // EAFNOSUPPORT: an address this kernel cannot encode.
    let dl = Sockaddr::Datalink(SockaddrDatalink::new(1, 6, b"x", &[], &[]).unwrap());
    let e = send_batch(&rx, &mut out, &msgs[..1], &[dl], MsgFlags::empty()).unwrap_err();
    assert_eq!(
        e,
        if cfg!(target_os = "linux") {
            Errno::EAFNOSUPPORT
        } else {
            e
        }
    );
    // EDESTADDRREQ from the kernel: no destination, not connected.
    assert_eq!(
        send_batch(&rx, &mut out, &msgs[..1], &[], MsgFlags::empty()).unwrap_err(),
        Errno::EDESTADDRREQ
    );
}
