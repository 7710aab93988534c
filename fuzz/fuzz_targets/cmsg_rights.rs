//! Fuzz target `cmsg_rights`: the code that turns received `SCM_RIGHTS`
//! bytes into `OwnedFd`s (and closes what is not taken), without a kernel.
//!
//! The harness builds the control data itself, from descriptors it creates
//! (duplicates of `/dev/null`); the input only chooses the structure: how
//! many messages, of which types, how many descriptors each, `cmsg_len`
//! values shrunk below the truth, where the buffer is cut (Apple leaves
//! `cmsg_len` untruncated under MSG_CTRUNC), the MSG_CTRUNC flag, and what
//! the consumer does (take some descriptors, stop half-way, clear, drop,
//! receive again). Before anything is adopted, the pure parser lists the
//! numbers the buffer would hand over: an input whose framing would name a
//! number the harness did not create is skipped, so no foreign descriptor
//! is ever adopted.
//!
//! Checked for every input, with every `close` counted (the harness
//! interposes `close` on Linux):
//! - every descriptor handed out is one of the listed ones, handed out
//!   once, and open when handed out;
//! - every listed descriptor not handed out is closed exactly once by the
//!   library; every handed-out one not at all;
//! - every descriptor the buffer did not list stays open, never closed;
//! - the owning decoder sees the same messages as the pure parser;
//! - `/proc/self/fd` counts the same before and after.
#![no_main]
use bsd_net::{fuzzing, CmsgBuf, ControlMessage, Layout, RawCmsgs};
use libfuzzer_sys::fuzz_target;
use std::ffi::{c_int, c_long};
use std::os::fd::{AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use libc::{
    fcntl, syscall, SYS_close, F_GETFD, IPPROTO_IP, IPPROTO_IPV6, IPV6_PKTINFO, IP_PKTINFO, SCM_CREDENTIALS,
    SCM_TIMESTAMP, SOL_SOCKET,
};

const TRACKED: usize = 1024;
static TRACKING: AtomicBool = AtomicBool::new(false);
static CLOSES: [AtomicU32; TRACKED] = [const { AtomicU32::new(0) }; TRACKED];

/// Every `close` in this process (std's `OwnedFd` drop included) comes
/// here: count it, then make the system call.
#[no_mangle]
pub extern "C" fn close(fd: c_int) -> c_int {
    if TRACKING.load(Ordering::SeqCst) {
        if let Some(c) = usize::try_from(fd).ok().and_then(|i| CLOSES.get(i)) {
            c.fetch_add(1, Ordering::SeqCst);
        }
    }
    // SAFETY: the close system call on a number; it touches no memory.
    unsafe { syscall(SYS_close, c_long::from(fd)) as c_int }
}

fn closes(fd: RawFd) -> u32 {
    CLOSES[fd as usize].load(Ordering::SeqCst)
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn is_open(fd: RawFd) -> bool {
    // SAFETY: F_GETFD takes no memory.
    unsafe { fcntl(fd, F_GETFD) != -1 }
}

/// The input, read a byte at a time (zeros once it runs out).
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    fn u16(&mut self) -> u16 {
        u16::from_ne_bytes([self.byte(), self.byte()])
    }
}

/// Width of `cmsg_len` on Linux: a `size_t`.
fn len_width() -> usize {
    core::mem::size_of::<usize>()
}

fn write_len(bytes: &mut [u8], at: usize, len: usize) {
    if len_width() == 8 {
        bytes[at..at + 8].copy_from_slice(&(len as u64).to_ne_bytes());
    } else {
        bytes[at..at + 4].copy_from_slice(&(len as u32).to_ne_bytes());
    }
}

/// Other control messages to mix in: (level, type).
const OTHERS: &[(i32, i32)] = &[
    (SOL_SOCKET, SCM_TIMESTAMP),
    (IPPROTO_IP, IP_PKTINFO),
    (IPPROTO_IPV6, IPV6_PKTINFO),
    (SOL_SOCKET, SCM_CREDENTIALS),
    (0x1234, 7),
];

fn dev_null() -> &'static OwnedFd {
    static FD: std::sync::OnceLock<OwnedFd> = std::sync::OnceLock::new();
    FD.get_or_init(|| std::fs::File::open("/dev/null").unwrap().into())
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let layout = Layout::NATIVE;
    let null = dev_null();
    let before = open_fds();

    // ----- the control data, built from our own descriptors -----
    let mut created: Vec<RawFd> = Vec::new();
    let mut space = vec![0u8; 2048];
    let mut enc = CmsgBuf::with_layout(&mut space, layout);
    // (offset, full cmsg_len, shrink) of each message.
    let mut frames = Vec::new();
    for _ in 0..input.byte() % 5 {
        let at = enc.len();
        let t = input.byte() % 4;
        let payload_len = if t < 2 {
            let k = usize::from(input.byte() % 5);
            // Close-on-exec duplicates, owned by this input from here on.
            let fds: Vec<RawFd> = (0..k).map(|_| null.try_clone().unwrap().into_raw_fd()).collect();
            assert!(fds.iter().all(|&fd| fd >= 0 && (fd as usize) < TRACKED));
            created.extend_from_slice(&fds);
            // SAFETY: each is open until the end of this input, and the
            // encoder borrows it only while encoding.
            let borrowed: Vec<BorrowedFd<'_>> = fds.iter().map(|&fd| unsafe { BorrowedFd::borrow_raw(fd) }).collect();
            enc.push_rights(&borrowed).unwrap();
            4 * k
        } else {
            let (level, kind) = OTHERS[usize::from(input.byte()) % OTHERS.len()];
            let n = usize::from(input.byte() % 32);
            let payload: Vec<u8> = (0..n).map(|_| input.byte()).collect();
            // SAFETY: the buffer is parsed here, never sent.
            unsafe { enc.push_raw(level, kind, &payload) }.unwrap();
            n
        };
        let full = layout.cmsg_len(payload_len);
        let s = input.byte();
        let shrink = if s & 0x80 != 0 {
            usize::from(s & 0x7f) % (full + 1)
        } else {
            0
        };
        frames.push((at, full, shrink));
    }
    let mut bytes = enc.as_bytes().to_vec();
    drop(enc);
    for &(at, full, shrink) in &frames {
        // Padding is 0xff (-1 where read as a descriptor); cmsg_len shrunk
        // as the input says (never grown: that would expose other bytes).
        let end = (at + layout.cmsg_space(full - layout.cmsg_data_offset())).min(bytes.len());
        bytes[at + full..end].fill(0xff);
        write_len(&mut bytes, at, full - shrink);
    }
    let mut cut = bytes.len();
    if input.byte() & 1 == 1 {
        cut -= usize::from(input.u16()) % (cut + 1);
    }
    let bytes = &bytes[..cut];
    let truncated = input.byte() & 1 == 1;

    // ----- what the pure parser says will be handed over -----
    let mut listed: Vec<RawFd> = Vec::new();
    let mut raw_shape = Vec::new();
    for m in RawCmsgs::new(layout, bytes) {
        match m.decode() {
            ControlMessage::Rights(fds) => {
                let fds: Vec<RawFd> = fds.filter(|&fd| fd >= 0).collect();
                raw_shape.push(Some(fds.len()));
                listed.extend(fds);
            }
            _ => raw_shape.push(None),
        }
    }
    let mut sorted = listed.clone();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() != listed.len() || !listed.iter().all(|fd| created.contains(fd)) {
        // The framing names a number we did not create (or one twice):
        // never adopt it.
        for &fd in &created {
            close(fd);
        }
        assert_eq!(open_fds(), before);
        return;
    }

    // ----- the owning decoder -----
    for &fd in &created {
        CLOSES[fd as usize].store(0, Ordering::SeqCst);
    }
    TRACKING.store(true, Ordering::SeqCst);
    let mut taken: Vec<OwnedFd> = Vec::new();
    let mut storage = vec![0u8; cut + 64];
    let mut cmsg = CmsgBuf::new(&mut storage);
    // SAFETY: `listed` holds exactly the descriptors the buffer names, each
    // created above, open, and given up here.
    unsafe { fuzzing::receive_control(&mut cmsg, bytes, truncated) }.unwrap();
    assert_eq!(cmsg.is_truncated(), truncated);
    match input.byte() % 5 {
        0 => drop(cmsg),
        1 => {
            cmsg.clear();
            assert!(cmsg.is_empty());
            drop(cmsg);
        }
        2 => {
            // Another receive into the same buffer closes what is left.
            // SAFETY: no descriptors in no bytes.
            unsafe { fuzzing::receive_control(&mut cmsg, &[], false) }.unwrap();
            assert!(cmsg.messages().next().is_none());
            drop(cmsg);
        }
        mode => {
            let stop = if mode == 3 {
                usize::from(input.byte() % 6)
            } else {
                usize::MAX
            };
            let mut shape = Vec::new();
            let mut msgs = cmsg.messages();
            assert_eq!(msgs.is_truncated(), truncated);
            for m in msgs.by_ref().take(stop) {
                match m {
                    ControlMessage::Rights(mut r) => {
                        let n = r.remaining();
                        shape.push(Some(n));
                        let want = usize::from(input.byte() % 6);
                        for _ in 0..want {
                            let Some(fd) = r.next() else { break };
                            assert!(is_open(fd.as_raw_fd()), "handed out a closed descriptor");
                            taken.push(fd);
                        }
                        assert_eq!(r.remaining(), n.saturating_sub(want));
                    }
                    _ => shape.push(None),
                }
            }
            drop(msgs);
            let k = shape.len();
            assert_eq!(shape, raw_shape[..k], "the owning and the pure parser disagree");
            // Everything was taken or closed: a second pass hands out
            // nothing, and the raw view shows -1 in every slot.
            for m in cmsg.messages() {
                if let ControlMessage::Rights(mut r) = m {
                    assert_eq!(r.remaining(), 0);
                    assert!(r.next().is_none());
                }
            }
            for m in cmsg.raw() {
                if let ControlMessage::Rights(fds) = m.decode() {
                    assert!(fds.clone().all(|fd| fd < 0 || !listed.contains(&fd)), "{fds:?}");
                }
            }
            drop(cmsg);
        }
    }

    // ----- ownership -----
    let taken_raw: Vec<RawFd> = taken.iter().map(AsRawFd::as_raw_fd).collect();
    for &fd in &created {
        let handed_out = taken_raw.iter().filter(|&&t| t == fd).count();
        assert!(handed_out <= 1, "fd {fd} handed out {handed_out} times");
        if handed_out == 1 {
            assert!(listed.contains(&fd), "fd {fd} handed out but not in the buffer");
            assert_eq!(closes(fd), 0, "fd {fd} handed out and closed");
            assert!(is_open(fd));
        } else if listed.contains(&fd) {
            assert_eq!(closes(fd), 1, "fd {fd} not taken: closed {} times", closes(fd));
            assert!(!is_open(fd), "fd {fd} leaked");
        } else {
            assert_eq!(closes(fd), 0, "fd {fd} was not the buffer's to close");
            assert!(is_open(fd));
        }
    }
    drop(taken);
    for &fd in &taken_raw {
        assert_eq!(closes(fd), 1);
    }
    TRACKING.store(false, Ordering::SeqCst);
    for &fd in &created {
        if !listed.contains(&fd) {
            // Ours, never handed to the buffer.
            close(fd);
        }
    }
    assert_eq!(open_fds(), before, "descriptors leaked");
});
