//! The bytes of Linux's process-event connector, decoded: one `recv` from
//! a `NETLINK_CONNECTOR` socket holds one or more netlink messages, each a
//! `struct nlmsghdr`, then a `struct cn_msg`, then (for the process
//! connector) a `struct proc_event`. Pure byte handling in the host's byte
//! order (netlink speaks it), with no system call and no import from the
//! rest of the crate, so the fuzz target `cn_proc` compiles this file on
//! its own.
//!
//! The layouts are the kernel's UAPI headers: `linux/netlink.h`
//! (`nlmsghdr`: length, type, flags, sequence, port — 16 bytes, messages
//! 4-byte aligned), `linux/connector.h` (`cn_msg`: `idx`, `val`, `seq`,
//! `ack`, then a 16-bit payload length and 16-bit flags — 20 bytes) and
//! `linux/cn_proc.h` (`proc_event`: `what`, `cpu`, a 64-bit monotonic
//! timestamp, then the union at offset 16: fork = parent pid, parent tgid,
//! child pid, child tgid; exec = pid, tgid; exit = pid, tgid, exit code,
//! exit signal; ack = err).
//!
//! A walk never panics and never reads outside the input: a header or
//! payload that runs past the end stops it (a datagram is never cut in
//! the middle by the kernel, so such bytes are not the kernel's), and
//! every decoded event carries the byte range it came from.

/// `struct nlmsghdr`'s size.
pub const NLMSG_HDRLEN: usize = 16;
/// `struct cn_msg`'s size (without its payload).
pub const CN_MSG_LEN: usize = 20;
/// Offset of `proc_event`'s union.
const EVENT_DATA: usize = 16;
/// `NLMSG_DONE`: the type the connector gives its messages.
pub const NLMSG_DONE: u16 = 3;
/// The process connector's id (`CN_IDX_PROC`, `CN_VAL_PROC`); `CN_IDX_PROC`
/// is also its multicast group.
pub const CN_IDX_PROC: u32 = 1;
pub const CN_VAL_PROC: u32 = 1;
/// `enum proc_cn_mcast_op`.
pub const PROC_CN_MCAST_LISTEN: u32 = 1;
pub const PROC_CN_MCAST_IGNORE: u32 = 2;

/// `proc_event.what` values this crate reads.
pub const PROC_EVENT_NONE: u32 = 0;
pub const PROC_EVENT_FORK: u32 = 1;
pub const PROC_EVENT_EXEC: u32 = 2;
pub const PROC_EVENT_EXIT: u32 = 0x8000_0000;

/// What one process-connector message says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A task was created: a process when `child_pid == child_tgid`, a
    /// thread otherwise.
    Fork {
        parent_pid: i32,
        parent_tgid: i32,
        child_pid: i32,
        child_tgid: i32,
    },
    /// A task called `execve`.
    Exec { pid: i32, tgid: i32 },
    /// A task exited; `code` is its wait-status word.
    Exit { pid: i32, tgid: i32, code: u32 },
    /// The answer to a `PROC_CN_MCAST_LISTEN`/`IGNORE` request: `err` is
    /// a positive errno or 0; `seq` is the request's, `ack` the request's
    /// plus one. The kernel sends it to every listener.
    Ack { err: u32, seq: u32, ack: u32 },
    /// Another process event (uid, gid, sid, ptrace, comm, coredump, …).
    Other { what: u32 },
    /// A netlink or connector message that is not the process
    /// connector's (another type, another connector id).
    Foreign,
}

/// One decoded message: the event, the kernel's monotonic timestamp (ns,
/// 0 where there is none) and where its bytes lie in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message {
    pub event: Event,
    pub timestamp_ns: u64,
    /// Start and end (exclusive) of the whole netlink message.
    pub start: usize,
    pub end: usize,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_ne_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_ne_bytes([s[0], s[1], s[2], s[3]]))
}

fn i32_at(b: &[u8], at: usize) -> Option<i32> {
    u32_at(b, at).map(|v| v as i32)
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    let lo = b.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(lo);
    Some(u64::from_ne_bytes(a))
}

/// The netlink messages of one datagram, in order.
#[derive(Clone, Debug)]
pub struct Messages<'a> {
    buf: &'a [u8],
    at: usize,
}

/// Walks the messages of one `recv`'s bytes.
pub fn messages(buf: &[u8]) -> Messages<'_> {
    Messages { buf, at: 0 }
}

impl Iterator for Messages<'_> {
    type Item = Message;

    fn next(&mut self) -> Option<Message> {
        let start = self.at;
        let len = u32_at(self.buf, start)? as usize;
        let end = start.checked_add(len)?;
        if len < NLMSG_HDRLEN || end > self.buf.len() {
            // Truncated or nonsense: nothing after it can be trusted.
            self.at = self.buf.len();
            return None;
        }
        let kind = u16_at(self.buf, start + 4)?;
        // The next message starts at the aligned end (the last one may
        // omit its padding).
        self.at = end
            .checked_add(3)
            .map_or(self.buf.len(), |e| (e & !3).min(self.buf.len()));
        let msg = self.buf.get(start + NLMSG_HDRLEN..end)?;
        let (event, timestamp_ns) = if kind == NLMSG_DONE {
            match decode_cn(msg) {
                Some(x) => x,
                None => {
                    self.at = self.buf.len();
                    return None;
                }
            }
        } else {
            (Event::Foreign, 0)
        };
        Some(Message {
            event,
            timestamp_ns,
            start,
            end,
        })
    }
}

/// A `cn_msg` and its payload; `None` if it is cut short.
fn decode_cn(msg: &[u8]) -> Option<(Event, u64)> {
    let idx = u32_at(msg, 0)?;
    let val = u32_at(msg, 4)?;
    let seq = u32_at(msg, 8)?;
    let ack = u32_at(msg, 12)?;
    let len = u16_at(msg, 16)? as usize;
    let data = msg.get(CN_MSG_LEN..CN_MSG_LEN.checked_add(len)?)?;
    if idx != CN_IDX_PROC || val != CN_VAL_PROC {
        return Some((Event::Foreign, 0));
    }
    let what = u32_at(data, 0)?;
    let ts = u64_at(data, 8)?;
    let d = EVENT_DATA;
    let event = match what {
        PROC_EVENT_NONE => Event::Ack {
            err: u32_at(data, d)?,
            seq,
            ack,
        },
        PROC_EVENT_FORK => Event::Fork {
            parent_pid: i32_at(data, d)?,
            parent_tgid: i32_at(data, d + 4)?,
            child_pid: i32_at(data, d + 8)?,
            child_tgid: i32_at(data, d + 12)?,
        },
        PROC_EVENT_EXEC => Event::Exec {
            pid: i32_at(data, d)?,
            tgid: i32_at(data, d + 4)?,
        },
        PROC_EVENT_EXIT => Event::Exit {
            pid: i32_at(data, d)?,
            tgid: i32_at(data, d + 4)?,
            code: u32_at(data, d + 8)?,
        },
        _ => Event::Other { what },
    };
    Some((event, ts))
}

/// The bytes of a request to the process connector (`PROC_CN_MCAST_LISTEN`
/// or `PROC_CN_MCAST_IGNORE`): a netlink message of type `NLMSG_DONE`
/// holding a `cn_msg` whose payload is the operation.
pub fn request(op: u32, seq: u32, ack: u32) -> [u8; NLMSG_HDRLEN + CN_MSG_LEN + 4] {
    let mut b = [0u8; NLMSG_HDRLEN + CN_MSG_LEN + 4];
    let len = b.len() as u32;
    put_header(&mut b, len, seq);
    put_cn(&mut b[NLMSG_HDRLEN..], seq, ack, 4);
    b[NLMSG_HDRLEN + CN_MSG_LEN..].copy_from_slice(&op.to_ne_bytes());
    b
}

fn put_header(b: &mut [u8], len: u32, seq: u32) {
    b[0..4].copy_from_slice(&len.to_ne_bytes());
    b[4..6].copy_from_slice(&NLMSG_DONE.to_ne_bytes());
    b[6..8].copy_from_slice(&0u16.to_ne_bytes());
    b[8..12].copy_from_slice(&seq.to_ne_bytes());
    b[12..16].copy_from_slice(&0u32.to_ne_bytes());
}

fn put_cn(b: &mut [u8], seq: u32, ack: u32, len: u16) {
    b[0..4].copy_from_slice(&CN_IDX_PROC.to_ne_bytes());
    b[4..8].copy_from_slice(&CN_VAL_PROC.to_ne_bytes());
    b[8..12].copy_from_slice(&seq.to_ne_bytes());
    b[12..16].copy_from_slice(&ack.to_ne_bytes());
    b[16..18].copy_from_slice(&len.to_ne_bytes());
    b[18..20].copy_from_slice(&0u16.to_ne_bytes());
}

/// `sizeof(struct proc_event)`: the union's largest member is 24 bytes.
#[cfg_attr(not(test), allow(dead_code))]
pub const PROC_EVENT_LEN: usize = EVENT_DATA + 24;

/// Appends `event` as the kernel would send it (what tests and the fuzz
/// target build their inputs from): one netlink message, padded to 4
/// bytes. `Foreign` becomes a connector message with another id.
#[cfg_attr(not(test), allow(dead_code))]
pub fn encode(event: &Event, timestamp_ns: u64, out: &mut Vec<u8>) {
    let mut ev = [0u8; PROC_EVENT_LEN];
    let (what, seq, ack, words): (u32, u32, u32, [u32; 4]) = match *event {
        Event::Ack { err, seq, ack } => (PROC_EVENT_NONE, seq, ack, [err, 0, 0, 0]),
        Event::Fork {
            parent_pid,
            parent_tgid,
            child_pid,
            child_tgid,
        } => (
            PROC_EVENT_FORK,
            0,
            0,
            [
                parent_pid as u32,
                parent_tgid as u32,
                child_pid as u32,
                child_tgid as u32,
            ],
        ),
        Event::Exec { pid, tgid } => (PROC_EVENT_EXEC, 0, 0, [pid as u32, tgid as u32, 0, 0]),
        Event::Exit { pid, tgid, code } => (PROC_EVENT_EXIT, 0, 0, [pid as u32, tgid as u32, code, 0]),
        Event::Other { what } => (what, 0, 0, [0; 4]),
        Event::Foreign => (0, 0, 0, [0; 4]),
    };
    ev[0..4].copy_from_slice(&what.to_ne_bytes());
    ev[8..16].copy_from_slice(&timestamp_ns.to_ne_bytes());
    for (i, w) in words.iter().enumerate() {
        let at = EVENT_DATA + 4 * i;
        ev[at..at + 4].copy_from_slice(&w.to_ne_bytes());
    }
    let total = NLMSG_HDRLEN + CN_MSG_LEN + PROC_EVENT_LEN;
    let start = out.len();
    out.resize(start + total, 0);
    let b = &mut out[start..];
    put_header(b, total as u32, seq);
    put_cn(&mut b[NLMSG_HDRLEN..], seq, ack, PROC_EVENT_LEN as u16);
    if let Event::Foreign = event {
        // Another connector (CN_IDX_CIFS is 2).
        b[NLMSG_HDRLEN..NLMSG_HDRLEN + 4].copy_from_slice(&2u32.to_ne_bytes());
    }
    b[NLMSG_HDRLEN + CN_MSG_LEN..].copy_from_slice(&ev);
    while out.len() % 4 != 0 {
        out.push(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(buf: &[u8]) -> Vec<Message> {
        messages(buf).collect()
    }

    fn sample() -> Vec<(Event, u64)> {
        vec![
            (
                Event::Fork {
                    parent_pid: 100,
                    parent_tgid: 100,
                    child_pid: 101,
                    child_tgid: 101,
                },
                5,
            ),
            (Event::Exec { pid: 101, tgid: 101 }, 6),
            (
                Event::Exit {
                    pid: 101,
                    tgid: 101,
                    code: 7 << 8,
                },
                7,
            ),
            (
                Event::Ack {
                    err: 1,
                    seq: 0x1234,
                    ack: 0x5679,
                },
                8,
            ),
            (Event::Other { what: 0x200 }, 9),
            (Event::Foreign, 0),
            (
                Event::Fork {
                    parent_pid: -1,
                    parent_tgid: i32::MIN,
                    child_pid: i32::MAX,
                    child_tgid: 0,
                },
                u64::MAX,
            ),
        ]
    }

    #[test]
    fn one_message_per_event_round_trips() {
        for (ev, ts) in sample() {
            let mut b = Vec::new();
            encode(&ev, ts, &mut b);
            let got = all(&b);
            assert_eq!(got.len(), 1, "{ev:?}");
            assert_eq!(got[0].event, ev);
            assert_eq!(got[0].timestamp_ns, ts);
            assert_eq!((got[0].start, got[0].end), (0, b.len()));
        }
    }

    #[test]
    fn several_messages_in_one_datagram_come_in_order() {
        let mut b = Vec::new();
        for (ev, ts) in sample() {
            encode(&ev, ts, &mut b);
        }
        let got: Vec<(Event, u64)> = all(&b).iter().map(|m| (m.event, m.timestamp_ns)).collect();
        assert_eq!(got, sample());
    }

    #[test]
    fn the_byte_layout_is_the_kernels() {
        let mut b = Vec::new();
        let fork = Event::Fork {
            parent_pid: 1,
            parent_tgid: 2,
            child_pid: 3,
            child_tgid: 4,
        };
        encode(&fork, 0x1122_3344_5566_7788, &mut b);
        assert_eq!(b.len(), 16 + 20 + 40);
        let word = |at: usize| u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
        assert_eq!(word(0), 76, "nlmsg_len");
        assert_eq!(u16::from_ne_bytes([b[4], b[5]]), NLMSG_DONE);
        assert_eq!((word(16), word(20)), (CN_IDX_PROC, CN_VAL_PROC));
        assert_eq!(u16::from_ne_bytes([b[32], b[33]]), 40, "cn_msg.len");
        assert_eq!(word(36), PROC_EVENT_FORK);
        let ts = u64::from_ne_bytes(b[44..52].try_into().unwrap());
        assert_eq!(ts, 0x1122_3344_5566_7788);
        assert_eq!((word(52), word(56), word(60), word(64)), (1, 2, 3, 4));
    }

    #[test]
    fn the_listen_request() {
        let r = request(PROC_CN_MCAST_LISTEN, 9, 10);
        assert_eq!(r.len(), 40);
        let word = |at: usize| u32::from_ne_bytes([r[at], r[at + 1], r[at + 2], r[at + 3]]);
        assert_eq!(word(0), 40);
        assert_eq!(u16::from_ne_bytes([r[4], r[5]]), NLMSG_DONE);
        assert_eq!(word(8), 9, "nlmsg_seq");
        assert_eq!((word(16), word(20), word(24), word(28)), (1, 1, 9, 10));
        assert_eq!(u16::from_ne_bytes([r[32], r[33]]), 4);
        assert_eq!(word(36), PROC_CN_MCAST_LISTEN);
        // The kernel's own parser would see a Foreign-free connector
        // message whose payload is too short for a proc_event: the walk
        // ends there.
        assert_eq!(all(&r), vec![]);
    }

    #[test]
    fn truncations_end_the_walk() {
        let mut b = Vec::new();
        for (ev, ts) in sample().into_iter().take(3) {
            encode(&ev, ts, &mut b);
        }
        let whole = all(&b).len();
        assert_eq!(whole, 3);
        let one = 76;
        for cut in 0..b.len() {
            let got = all(&b[..cut]);
            // Every complete message before the cut, nothing after.
            assert_eq!(got.len(), cut / one, "cut at {cut}");
            assert!(got.iter().all(|m| m.end <= cut));
        }
    }

    #[test]
    fn lengths_that_lie_end_the_walk() {
        let mut b = Vec::new();
        encode(&Event::Exec { pid: 1, tgid: 1 }, 1, &mut b);
        encode(&Event::Exec { pid: 2, tgid: 2 }, 2, &mut b);
        // nlmsg_len below the header, or past the end.
        for bad in [0u32, 15, 77 + 76, u32::MAX] {
            let mut c = b.clone();
            c[76..80].copy_from_slice(&bad.to_ne_bytes());
            let got = all(&c);
            assert_eq!(got.len(), 1, "len {bad}");
        }
        // cn_msg.len past the netlink message.
        let mut c = b.clone();
        c[32..34].copy_from_slice(&41u16.to_ne_bytes());
        assert_eq!(all(&c), vec![]);
        // A payload too short for the event it names.
        let mut c = b.clone();
        c[32..34].copy_from_slice(&20u16.to_ne_bytes());
        assert_eq!(all(&c), vec![]);
        // Another netlink type is skipped, not decoded.
        let mut c = b.clone();
        c[4..6].copy_from_slice(&2u16.to_ne_bytes());
        let got = all(&c);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].event, Event::Foreign);
        assert_eq!(got[1].event, Event::Exec { pid: 2, tgid: 2 });
    }

    #[test]
    fn arbitrary_bytes_never_escape_the_input() {
        // A small deterministic generator (no dependency).
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let rounds = if cfg!(miri) { 40 } else { 4000 };
        for _ in 0..rounds {
            let mut b = Vec::new();
            encode(&sample()[(x % 7) as usize].0, x, &mut b);
            encode(&sample()[((x >> 8) % 7) as usize].0, x, &mut b);
            for _ in 0..4 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let at = (x as usize) % b.len();
                b[at] = (x >> 32) as u8;
            }
            let cut = (x >> 40) as usize % (b.len() + 1);
            let mut last = 0;
            for m in messages(&b[..cut]) {
                assert!(m.start >= last && m.start < m.end && m.end <= cut);
                last = m.end;
            }
        }
    }
}
