//! The `net` section: a descriptor passed over a socketpair and used on the
//! other side, the peer credentials seen, a truncated receive accounted for,
//! a UDP batch received; then sendmsg+recvmsg with a descriptor against raw
//! libc and nix, the sockaddr round trip against socket2 and nix, and
//! `recv_batch` against 32 `recvmsg` calls.

use crate::{Compare, Report};
use bsd_net::*;
use std::io::{IoSlice, IoSliceMut, Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::Duration;

/// Runs the section.
pub fn run(r: &mut Report) {
    r.section("net", "bsd-net");
    if let Err(e) = narrate(r) {
        r.failed("the live walk-through", &e);
    }

    // sendmsg + recvmsg, 64 bytes and one descriptor.
    match (
        ops::FdPass::new(),
        ops::FdPass::new(),
        ops::FdPass::new(),
        ops::FdPass::new(),
    ) {
        (Ok(mut a), Ok(mut b), Ok(mut c), Ok(mut d)) => {
            let check = (0..8).all(|_| {
                ops::fdpass_ours(&mut a)
                    && ops::fdpass_raw(&mut b)
                    && ops::fdpass_nix(&mut c)
                    && ops::fdpass_nix_addr(&mut d)
            });
            if check {
                r.compare(
                    Compare::new("net", "sendmsg+recvmsg 64 B + 1 fd")
                        .budget(budget(1800))
                        .ours("bsd-net", || {
                            ops::fdpass_ours(&mut a);
                        })
                        .raw("libc", || {
                            ops::fdpass_raw(&mut b);
                        })
                        .peer("nix", || {
                            ops::fdpass_nix(&mut c);
                        })
                        .peer("nix + sender", || {
                            ops::fdpass_nix_addr(&mut d);
                        }),
                );
            } else {
                r.failed(
                    "sendmsg+recvmsg 64 B + 1 fd",
                    &"a contestant did not pass its descriptor",
                );
            }
        }
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => {
            r.failed("socketpair for the fd-passing row", &e)
        }
    }

    // Sockaddr encode + decode.
    for (name, addr) in [
        ("sockaddr round trip (IPv4)", "192.0.2.7:8080"),
        ("sockaddr round trip (IPv6)", "[2001:db8::7%3]:443"),
    ] {
        let addr: std::net::SocketAddr = match addr.parse() {
            Ok(a) => a,
            Err(e) => {
                r.failed(name, &e);
                continue;
            }
        };
        let all_agree = [
            ops::sockaddr_ours,
            ops::sockaddr_ours_enum,
            ops::sockaddr_raw,
            ops::sockaddr_socket2,
            ops::sockaddr_nix,
        ]
        .iter()
        .all(|f| f(&addr) == Some(addr));
        if !all_agree {
            r.failed(name, &"a contestant did not round-trip the address");
            continue;
        }
        r.compare(
            Compare::new("net", name)
                .budget(budget(900))
                .ours("bsd-net SockaddrStorage", || {
                    ops::sockaddr_ours(&addr);
                })
                .ours("bsd-net Sockaddr", || {
                    ops::sockaddr_ours_enum(&addr);
                })
                .raw("libc sockaddr_in/in6", || {
                    ops::sockaddr_raw(&addr);
                })
                .peer("socket2", || {
                    ops::sockaddr_socket2(&addr);
                })
                .peer("nix", || {
                    ops::sockaddr_nix(&addr);
                }),
        );
    }

    // 32 datagrams: recv_batch against 32 recvmsg calls.
    match (
        ops::Batch::new(),
        ops::Batch::new(),
        ops::Batch::new(),
        ops::Batch::new(),
    ) {
        (Ok(mut a), Ok(mut b), Ok(mut c), Ok(mut d)) => {
            let ok = ops::batch_ours(&mut a) == 32
                && ops::batch_raw(&mut b) == 32
                && ops::batch_loop(&mut c) == 32
                && ops::batch_loop_raw(&mut d) == 32;
            if ok {
                // Each operation: 32 datagrams sent with one raw sendmmsg
                // (untimed, the same for all), then received and timed.
                r.compare(
                    Compare::new("net", "receive 32 UDP datagrams")
                        .budget(budget(2400))
                        .ours_timed("bsd-net recv_batch", || ops::timed_recv(&mut a, ops::recv_ours))
                        .raw_timed("libc recvmmsg", || ops::timed_recv(&mut b, ops::recv_raw))
                        .peer_timed("32× bsd-net recvmsg", || ops::timed_recv(&mut c, ops::recv_loop))
                        .peer_timed("32× libc recvmsg", || ops::timed_recv(&mut d, ops::recv_loop_raw)),
                );
            } else {
                r.failed("UDP batch row", &"a contestant did not receive its 32 datagrams");
            }
        }
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => {
            r.failed("UDP sockets for the batch row", &e)
        }
    }
}

/// `ms` of the default 1 s budget, scaled like the default when
/// `BSD_BENCH_BUDGET_MS` (`--quick`) changes it.
fn budget(ms: u64) -> Duration {
    let default = std::env::var("BSD_BENCH_BUDGET_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(1000);
    Duration::from_millis(ms * default / 1000)
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map(|d| d.count()).unwrap_or(0)
}

/// What the crate does, live: a descriptor passed and used, credentials,
/// truncation, a batch.
fn narrate(r: &mut Report) -> std::result::Result<(), Box<dyn std::error::Error>> {
    let baseline = open_fds();
    let (a, b) = socketpair(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::empty())?;
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd",
        target_os = "netbsd"
    ))]
    set_pass_credentials(&b, true)?;

    // A pipe's write end goes over the socketpair.
    let (pipe_r, pipe_w) = std::os::unix::net::UnixStream::pair()?;
    let mut space = CmsgSpace::<{ rights_space(1) + CREDENTIALS_SPACE }>::new();
    let mut cmsg = CmsgBuf::new(&mut space);
    cmsg.push_rights(&[pipe_w.as_fd()])?;
    let with_creds = cmsg.push_credentials().is_ok();
    sendmsg(&a, &[IoSlice::new(b"take this")], &cmsg, None, MsgFlags::empty())?;
    drop(cmsg);

    let mut rspace = CmsgSpace::<{ rights_space(1) + CREDENTIALS_SPACE }>::new();
    let mut rcmsg = CmsgBuf::new(&mut rspace);
    let mut buf = [0u8; 32];
    let msg = recvmsg(&b, &mut [IoSliceMut::new(&mut buf)], &mut rcmsg, MsgFlags::empty())?;
    let mut received: Option<OwnedFd> = None;
    let mut creds = None;
    for m in rcmsg.messages() {
        match m {
            ControlMessage::Rights(mut fds) => received = fds.next(),
            ControlMessage::Credentials(c) => creds = Some(c),
            _ => {}
        }
    }
    let fd = received.ok_or("no descriptor arrived")?;
    // SAFETY: F_GETFD on a descriptor we own.
    let cloexec = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFD) } & libc::FD_CLOEXEC != 0;
    let mut as_stream = std::os::unix::net::UnixStream::from(fd);
    let fd_no = as_stream.as_raw_fd();
    as_stream.write_all(b"hello through a passed fd")?;
    let mut got = [0u8; 25];
    (&pipe_r).read_exact(&mut got)?;
    r.say(format_args!(
        "   passed fd {} over a socketpair with {:?} ({} bytes, {} of control); received as fd {fd_no} (close-on-exec: {cloexec})",
        pipe_w.as_raw_fd(),
        std::str::from_utf8(&buf[..msg.bytes()]).unwrap_or("?"),
        msg.bytes(),
        msg.control_len(),
    ));
    r.say(format_args!(
        "   wrote through it, read back on the other end: {:?}",
        std::str::from_utf8(&got).unwrap_or("?")
    ));
    match creds {
        Some(c) => r.say(format_args!(
            "   credentials in the message: pid {:?} uid {} gid {} (sent by us: {with_creds})",
            c.pid, c.uid, c.gid
        )),
        None => r.say(format_args!(
            "   no credentials message on this platform (sent: {with_creds})"
        )),
    }
    let peer = peer_credentials(&b)?;
    // SAFETY: these cannot fail.
    let (pid, uid, gid) = unsafe { (libc::getpid(), libc::getuid(), libc::getegid()) };
    r.say(format_args!(
        "   peer_credentials: pid {:?} uid {} gid {} (this process: pid {pid} uid {uid} gid {gid})",
        peer.pid, peer.uid, peer.gid
    ));
    drop((as_stream, pipe_r, pipe_w, rcmsg));

    // Truncation: four descriptors into room for one.
    let (tx, rx) = socketpair(AddressFamily::UNIX, SocketType::DGRAM, SocketFlags::empty())?;
    let (p, q) = std::os::unix::net::UnixStream::pair()?;
    let mut space = CmsgSpace::<{ rights_space(4) }>::new();
    let mut cmsg = CmsgBuf::new(&mut space);
    cmsg.push_rights(&[p.as_fd(), q.as_fd(), p.as_fd(), q.as_fd()])?;
    sendmsg(&tx, &[IoSlice::new(b"4")], &cmsg, None, MsgFlags::empty())?;
    drop(cmsg);
    let mut small = CmsgSpace::<{ rights_space(1) }>::new();
    let mut small = CmsgBuf::new(&mut small);
    let msg = recvmsg(&rx, &mut [IoSliceMut::new(&mut buf)], &mut small, MsgFlags::empty())?;
    let owned: Vec<OwnedFd> = small
        .messages()
        .flat_map(|m| match m {
            ControlMessage::Rights(fds) => fds.collect::<Vec<_>>(),
            _ => Vec::new(),
        })
        .collect();
    r.say(format_args!(
        "   4 fds into a control buffer for 1: MSG_CTRUNC {}, {} arrived and are owned, the kernel closed the rest",
        msg.is_control_truncated(),
        owned.len()
    ));
    drop((owned, small, p, q, tx, rx, a, b));
    r.say(format_args!(
        "   open descriptors: {} before, {} after",
        baseline,
        open_fds()
    ));

    // A UDP batch.
    let mut batch = ops::Batch::new()?;
    let got = ops::batch_ours(&mut batch);
    let senders: Vec<_> = batch.recv.iter().filter_map(|m| m.sender()).collect();
    let all_same = senders.windows(2).all(|w| w[0] == w[1]);
    r.say(format_args!(
        "   UDP batch: 32 datagrams sent with one sendmmsg, {got} received by recv_batch in {} call(s) from {} (all from the same sender: {all_same})",
        batch.calls,
        senders.first().map_or("?".to_string(), |s| s.to_string())
    ));
    Ok(())
}

/// The operations compared, shared with `benches/net.rs`.
pub mod ops {
    use bsd_net::*;
    use std::hint::black_box;
    use std::io::{IoSlice, IoSliceMut};
    use std::net::{Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
    use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};

    /// A unix datagram socketpair and a descriptor to pass over it, with
    /// the buffers each contestant reuses.
    pub struct FdPass {
        a: OwnedFd,
        b: OwnedFd,
        passed: std::fs::File,
        data: [u8; 64],
        buf: [u8; 64],
        send_space: CmsgSpace<{ rights_space(1) }>,
        recv_space: CmsgSpace<{ rights_space(1) }>,
        nix_buf: Vec<u8>,
    }

    impl std::fmt::Debug for FdPass {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("FdPass").finish_non_exhaustive()
        }
    }

    impl FdPass {
        /// A fresh pair and `/dev/null` to pass.
        pub fn new() -> std::io::Result<FdPass> {
            let (a, b) = socketpair(AddressFamily::UNIX, SocketType::DGRAM, SocketFlags::empty())?;
            Ok(FdPass {
                a,
                b,
                passed: std::fs::File::open("/dev/null")?,
                data: [0x5a; 64],
                buf: [0; 64],
                send_space: CmsgSpace::new(),
                recv_space: CmsgSpace::new(),
                nix_buf: nix::cmsg_space!(RawFd),
            })
        }
    }

    /// bsd-net: encode into a reused `CmsgSpace`, `sendmsg`, `recvmsg`,
    /// take the `OwnedFd`, drop it. True if a descriptor came back.
    pub fn fdpass_ours(s: &mut FdPass) -> bool {
        let mut c = CmsgBuf::new(&mut s.send_space);
        if c.push_rights(&[s.passed.as_fd()]).is_err() {
            return false;
        }
        if sendmsg(&s.a, &[IoSlice::new(&s.data)], &c, None, MsgFlags::empty()).is_err() {
            return false;
        }
        let mut rc = CmsgBuf::new(&mut s.recv_space);
        let Ok(m) = recvmsg(&s.b, &mut [IoSliceMut::new(&mut s.buf)], &mut rc, MsgFlags::empty()) else {
            return false;
        };
        black_box(m.bytes());
        let mut got = false;
        for msg in rc.messages() {
            if let ControlMessage::Rights(fds) = msg {
                for fd in fds {
                    got = true;
                    drop(black_box(fd));
                }
            }
        }
        got
    }

    /// libc: `CMSG_*` by hand, `sendmsg(MSG_NOSIGNAL)`,
    /// `recvmsg(MSG_CMSG_CLOEXEC)`, `close`.
    pub fn fdpass_raw(s: &mut FdPass) -> bool {
        let space = rights_space(1);
        let ctl = s.send_space.as_mut();
        // SAFETY: a msghdr over our buffers; the CMSG_* macros stay within
        // the control buffer of `space` bytes; the calls read and write only
        // within the lengths given.
        unsafe {
            let mut iov = libc::iovec {
                iov_base: s.data.as_ptr() as *mut _,
                iov_len: s.data.len(),
            };
            let mut h: libc::msghdr = std::mem::zeroed();
            h.msg_iov = &mut iov;
            h.msg_iovlen = 1;
            h.msg_control = ctl.as_mut_ptr().cast();
            h.msg_controllen = space as _;
            let c = libc::CMSG_FIRSTHDR(&h);
            (*c).cmsg_level = libc::SOL_SOCKET;
            (*c).cmsg_type = libc::SCM_RIGHTS;
            (*c).cmsg_len = libc::CMSG_LEN(4) as _;
            libc::CMSG_DATA(c).cast::<i32>().write_unaligned(s.passed.as_raw_fd());
            if libc::sendmsg(s.a.as_raw_fd(), &h, libc::MSG_NOSIGNAL) < 0 {
                return false;
            }
            let rctl = s.recv_space.as_mut();
            let mut riov = libc::iovec {
                iov_base: s.buf.as_mut_ptr().cast(),
                iov_len: s.buf.len(),
            };
            let mut rh: libc::msghdr = std::mem::zeroed();
            rh.msg_iov = &mut riov;
            rh.msg_iovlen = 1;
            rh.msg_control = rctl.as_mut_ptr().cast();
            rh.msg_controllen = space as _;
            let n = libc::recvmsg(s.b.as_raw_fd(), &mut rh, libc::MSG_CMSG_CLOEXEC);
            if n < 0 {
                return false;
            }
            black_box(n);
            let mut got = false;
            let mut c = libc::CMSG_FIRSTHDR(&rh);
            while !c.is_null() {
                if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_RIGHTS {
                    let count = ((*c).cmsg_len as usize - libc::CMSG_LEN(0) as usize) / 4;
                    let data = libc::CMSG_DATA(c).cast::<i32>();
                    for i in 0..count {
                        libc::close(black_box(data.add(i).read_unaligned()));
                        got = true;
                    }
                }
                c = libc::CMSG_NXTHDR(&rh, c);
            }
            got
        }
    }

    /// nix: `sendmsg` with `ControlMessage::ScmRights`, `recvmsg` into a
    /// reused `cmsg_space!` buffer, `ScmRights(Vec<RawFd>)`, `close`.
    pub fn fdpass_nix(s: &mut FdPass) -> bool {
        fdpass_nix_as::<()>(s)
    }

    /// nix asking for the sender too, as bsd-net's `recvmsg` always does
    /// (`recvmsg::<UnixAddr>`): the same kernel work as ours.
    pub fn fdpass_nix_addr(s: &mut FdPass) -> bool {
        fdpass_nix_as::<nix::sys::socket::UnixAddr>(s)
    }

    /// The nix round trip, receiving the sender as `A` (`()` for none).
    fn fdpass_nix_as<A: nix::sys::socket::SockaddrLike + std::fmt::Debug>(s: &mut FdPass) -> bool {
        use nix::sys::socket::{self as ns, ControlMessage, ControlMessageOwned, MsgFlags as NixFlags};
        let fds = [s.passed.as_raw_fd()];
        let cm = [ControlMessage::ScmRights(&fds)];
        if ns::sendmsg::<()>(
            s.a.as_raw_fd(),
            &[IoSlice::new(&s.data)],
            &cm,
            NixFlags::MSG_NOSIGNAL,
            None,
        )
        .is_err()
        {
            return false;
        }
        let mut iov = [IoSliceMut::new(&mut s.buf)];
        let Ok(m) = ns::recvmsg::<A>(
            s.b.as_raw_fd(),
            &mut iov,
            Some(&mut s.nix_buf),
            NixFlags::MSG_CMSG_CLOEXEC,
        ) else {
            return false;
        };
        black_box((m.bytes, &m.address));
        let mut got = false;
        if let Ok(cmsgs) = m.cmsgs() {
            for c in cmsgs {
                if let ControlMessageOwned::ScmRights(fds) = c {
                    for fd in fds {
                        got = true;
                        let _ = nix::unistd::close(black_box(fd));
                    }
                }
            }
        }
        got
    }

    /// bsd-net, straight between std and the kernel's bytes:
    /// `SockaddrStorage::from`, `as_socket_addr`.
    #[inline(never)]
    pub fn sockaddr_ours(a: &SocketAddr) -> Option<SocketAddr> {
        let s = SockaddrStorage::from(*black_box(a));
        black_box(black_box(&s).as_socket_addr())
    }

    /// bsd-net through its address type: `Sockaddr::from`, `encode`,
    /// `decode`, back to std.
    #[inline(never)]
    pub fn sockaddr_ours_enum(a: &SocketAddr) -> Option<SocketAddr> {
        let s = Sockaddr::from(*black_box(a)).encode().ok()?;
        let back = black_box(&s).decode().ok()?.as_socket_addr();
        black_box(back)
    }

    /// socket2: `SockAddr::from`, `as_socket`.
    #[inline(never)]
    pub fn sockaddr_socket2(a: &SocketAddr) -> Option<SocketAddr> {
        let s = socket2::SockAddr::from(*black_box(a));
        black_box(black_box(&s).as_socket())
    }

    /// nix: `SockaddrStorage::from`, `as_sockaddr_in`/`in6`.
    #[inline(never)]
    pub fn sockaddr_nix(a: &SocketAddr) -> Option<SocketAddr> {
        let s = nix::sys::socket::SockaddrStorage::from(*black_box(a));
        let s = black_box(&s);
        let back = if let Some(v4) = s.as_sockaddr_in() {
            Some(SocketAddr::V4(SocketAddrV4::from(*v4)))
        } else {
            s.as_sockaddr_in6().map(|v6| SocketAddr::V6(SocketAddrV6::from(*v6)))
        };
        black_box(back)
    }

    /// libc: fill a `sockaddr_in`/`sockaddr_in6` by hand and read it back.
    #[inline(never)]
    pub fn sockaddr_raw(a: &SocketAddr) -> Option<SocketAddr> {
        let a = *black_box(a);
        // SAFETY: sockaddr_storage is plain data; zero is valid.
        let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let len = match a {
            SocketAddr::V4(v4) => {
                // SAFETY: sockaddr_storage is large and aligned enough for a
                // sockaddr_in.
                let sin = unsafe { &mut *(&mut ss as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
                sin.sin_family = libc::AF_INET as libc::sa_family_t;
                sin.sin_port = v4.port().to_be();
                sin.sin_addr.s_addr = u32::from(*v4.ip()).to_be();
                std::mem::size_of::<libc::sockaddr_in>()
            }
            SocketAddr::V6(v6) => {
                // SAFETY: as above, for a sockaddr_in6.
                let sin6 = unsafe { &mut *(&mut ss as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
                sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
                sin6.sin6_port = v6.port().to_be();
                sin6.sin6_flowinfo = v6.flowinfo();
                sin6.sin6_addr.s6_addr = v6.ip().octets();
                sin6.sin6_scope_id = v6.scope_id();
                std::mem::size_of::<libc::sockaddr_in6>()
            }
        };
        let ss = black_box(&ss);
        black_box(len);
        let back = match ss.ss_family as i32 {
            libc::AF_INET => {
                // SAFETY: the family says sockaddr_in.
                let sin = unsafe { &*(ss as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
                Some(SocketAddr::V4(SocketAddrV4::new(
                    u32::from_be(sin.sin_addr.s_addr).into(),
                    u16::from_be(sin.sin_port),
                )))
            }
            libc::AF_INET6 => {
                // SAFETY: the family says sockaddr_in6.
                let sin6 = unsafe { &*(ss as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
                Some(SocketAddr::V6(SocketAddrV6::new(
                    Ipv6Addr::from(sin6.sin6_addr.s6_addr),
                    u16::from_be(sin6.sin6_port),
                    sin6.sin6_flowinfo,
                    sin6.sin6_scope_id,
                )))
            }
            _ => None,
        };
        black_box(back)
    }

    /// Messages per batch.
    pub const BATCH: usize = 32;

    /// A UDP receiver and sender on loopback, 32 payloads of 64 bytes, and
    /// the receive state of each contestant.
    pub struct Batch {
        rx: OwnedFd,
        tx: OwnedFd,
        to: SockaddrStorage,
        payload: [u8; 64],
        bufs: [[u8; 64]; BATCH],
        /// bsd-net's batch state (its last call's messages).
        pub recv: RecvBatch<BATCH>,
        /// How many `recv_batch` calls the last [`batch_ours`] took.
        pub calls: usize,
    }

    impl std::fmt::Debug for Batch {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Batch").finish_non_exhaustive()
        }
    }

    impl Batch {
        /// Two bound loopback UDP sockets.
        pub fn new() -> std::io::Result<Batch> {
            let lo: SocketAddr = ([127, 0, 0, 1], 0).into();
            let rx = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty())?;
            bind(&rx, &lo.into())?;
            set_recv_buffer_size(&rx, 1 << 20)?;
            let tx = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::empty())?;
            bind(&tx, &lo.into())?;
            let to = getsockname(&rx)?.encode()?;
            Ok(Batch {
                rx,
                tx,
                to,
                payload: [0x42; 64],
                bufs: [[0; 64]; BATCH],
                recv: RecvBatch::new(),
                calls: 0,
            })
        }

        /// Sends the 32 datagrams with one raw `sendmmsg` (the same for
        /// every contestant).
        pub fn fill(&mut self) -> bool {
            // SAFETY: zeroed mmsghdr/iovec are valid; every header points to
            // our payload and destination, valid for the call.
            unsafe {
                let iov = libc::iovec {
                    iov_base: self.payload.as_ptr() as *mut _,
                    iov_len: self.payload.len(),
                };
                let mut hdrs: [libc::mmsghdr; BATCH] = std::mem::zeroed();
                let mut iovs = [iov; BATCH];
                for (h, v) in hdrs.iter_mut().zip(iovs.iter_mut()) {
                    h.msg_hdr.msg_name = self.to.as_ptr() as *mut _;
                    h.msg_hdr.msg_namelen = self.to.len();
                    h.msg_hdr.msg_iov = v;
                    h.msg_hdr.msg_iovlen = 1;
                }
                let mut sent = 0;
                while sent < BATCH {
                    let n = libc::sendmmsg(
                        self.tx.as_raw_fd(),
                        hdrs.as_mut_ptr().add(sent),
                        (BATCH - sent) as u32,
                        libc::MSG_NOSIGNAL,
                    );
                    if n <= 0 {
                        return false;
                    }
                    sent += n as usize;
                }
                true
            }
        }
    }

    /// Sends 32 datagrams (untimed), then receives them with `recv` and
    /// returns how long the receiving took. A lost datagram (the receive
    /// returned fewer than 32) or a failed send reports `Duration::MAX`,
    /// which no median hides.
    pub fn timed_recv(s: &mut Batch, recv: fn(&mut Batch) -> usize) -> std::time::Duration {
        if !s.fill() {
            return std::time::Duration::MAX;
        }
        let t = std::time::Instant::now();
        let got = recv(s);
        let took = t.elapsed();
        if got == BATCH {
            took
        } else {
            std::time::Duration::MAX
        }
    }

    /// Sends 32 datagrams, receives them with bsd-net `recv_batch`;
    /// returns how many arrived.
    pub fn batch_ours(s: &mut Batch) -> usize {
        if s.fill() {
            recv_ours(s)
        } else {
            0
        }
    }

    /// Sends 32 datagrams, receives them with libc `recvmmsg`.
    pub fn batch_raw(s: &mut Batch) -> usize {
        if s.fill() {
            recv_raw(s)
        } else {
            0
        }
    }

    /// Sends 32 datagrams, receives them with 32 bsd-net `recvmsg` calls.
    pub fn batch_loop(s: &mut Batch) -> usize {
        if s.fill() {
            recv_loop(s)
        } else {
            0
        }
    }

    /// Sends 32 datagrams, receives them with 32 libc `recvmsg` calls.
    pub fn batch_loop_raw(s: &mut Batch) -> usize {
        if s.fill() {
            recv_loop_raw(s)
        } else {
            0
        }
    }

    /// bsd-net `recv_batch` until the 32 sent by [`Batch::fill`] arrived;
    /// returns how many.
    pub fn recv_ours(s: &mut Batch) -> usize {
        let (mut got, mut calls) = (0, 0);
        while got < BATCH {
            let mut iov = s.bufs.each_mut().map(|b| IoSliceMut::new(b));
            match recv_batch(&s.rx, &mut s.recv, &mut iov[got..], MsgFlags::empty()) {
                Ok(n) => got += n,
                Err(_) => break,
            }
            calls += 1;
        }
        s.calls = calls;
        black_box(s.recv.get(0).map(|m| m.bytes()));
        got
    }

    /// libc `recvmmsg` (`MSG_WAITFORONE`) until the 32 arrived.
    pub fn recv_raw(s: &mut Batch) -> usize {
        let mut got = 0;
        // SAFETY: zeroed headers, each pointing to its own iovec, buffer and
        // name storage, all valid for the call.
        unsafe {
            let mut names: [libc::sockaddr_storage; BATCH] = std::mem::zeroed();
            let mut iovs: [libc::iovec; BATCH] = std::mem::zeroed();
            let mut hdrs: [libc::mmsghdr; BATCH] = std::mem::zeroed();
            while got < BATCH {
                for i in got..BATCH {
                    iovs[i] = libc::iovec {
                        iov_base: s.bufs[i].as_mut_ptr().cast(),
                        iov_len: 64,
                    };
                    hdrs[i].msg_hdr.msg_name = (&mut names[i] as *mut libc::sockaddr_storage).cast();
                    hdrs[i].msg_hdr.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as u32;
                    hdrs[i].msg_hdr.msg_iov = &mut iovs[i];
                    hdrs[i].msg_hdr.msg_iovlen = 1;
                }
                let n = libc::recvmmsg(
                    s.rx.as_raw_fd(),
                    hdrs.as_mut_ptr().add(got),
                    (BATCH - got) as u32,
                    libc::MSG_WAITFORONE | libc::MSG_CMSG_CLOEXEC,
                    std::ptr::null_mut(),
                );
                if n <= 0 {
                    break;
                }
                got += n as usize;
            }
            black_box(hdrs[0].msg_len);
        }
        got
    }

    /// 32 bsd-net `recvmsg` calls.
    pub fn recv_loop(s: &mut Batch) -> usize {
        let mut got = 0;
        let mut none = CmsgBuf::empty();
        for b in s.bufs.iter_mut() {
            match recvmsg(&s.rx, &mut [IoSliceMut::new(b)], &mut none, MsgFlags::empty()) {
                Ok(m) => {
                    black_box(m.sender_raw().map(|a| a.len()));
                    got += 1;
                }
                Err(_) => break,
            }
        }
        got
    }

    /// 32 libc `recvmsg` calls.
    pub fn recv_loop_raw(s: &mut Batch) -> usize {
        let mut got = 0;
        for b in s.bufs.iter_mut() {
            // SAFETY: a header over our buffer and name storage.
            let n = unsafe {
                let mut name: libc::sockaddr_storage = std::mem::zeroed();
                let mut iov = libc::iovec {
                    iov_base: b.as_mut_ptr().cast(),
                    iov_len: b.len(),
                };
                let mut h: libc::msghdr = std::mem::zeroed();
                h.msg_name = (&mut name as *mut libc::sockaddr_storage).cast();
                h.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as u32;
                h.msg_iov = &mut iov;
                h.msg_iovlen = 1;
                let n = libc::recvmsg(s.rx.as_raw_fd(), &mut h, libc::MSG_CMSG_CLOEXEC);
                black_box(h.msg_namelen);
                n
            };
            if n < 0 {
                break;
            }
            got += 1;
        }
        got
    }
}
