//! Fuzz target `cn_proc`: the decoder of Linux's process-event connector
//! datagrams in `bsd-event` (its `sys/linux/cn_proc.rs`, compiled here on
//! its own), on arbitrary bytes.
//!
//! Checked on every input:
//! - the input itself, as a datagram, decodes without panicking, and every
//!   decoded message lies inside it, after the previous one, at least a
//!   netlink header long;
//! - events built from the input's bytes, encoded as the kernel would send
//!   them (several messages in one datagram), decode to the same events
//!   and timestamps, in order (decode(encode(x)) == x);
//! - any prefix of that datagram decodes to exactly the messages that fit
//!   whole in it (a truncation ends the walk, and nothing after it is
//!   invented).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../bsd-event/src/sys/linux/cn_proc.rs"]
mod cn_proc;

use cn_proc::{encode, messages, Event};

fn word(c: &[u8], i: usize) -> u32 {
    let mut b = [0u8; 4];
    for (k, x) in b.iter_mut().enumerate() {
        *x = c.get(i * 4 + 1 + k).copied().unwrap_or(0);
    }
    u32::from_ne_bytes(b)
}

/// An event (and its timestamp) from up to 21 input bytes.
fn event_from(c: &[u8]) -> (Event, u64) {
    let (a, b, d, e) = (word(c, 0), word(c, 1), word(c, 2), word(c, 3));
    let ts = (u64::from(word(c, 4)) << 32) | u64::from(a ^ e);
    let ev = match c.first().copied().unwrap_or(0) % 6 {
        0 => Event::Fork {
            parent_pid: a as i32,
            parent_tgid: b as i32,
            child_pid: d as i32,
            child_tgid: e as i32,
        },
        1 => Event::Exec {
            pid: a as i32,
            tgid: b as i32,
        },
        2 => Event::Exit {
            pid: a as i32,
            tgid: b as i32,
            code: d,
        },
        3 => Event::Ack { err: a, seq: b, ack: d },
        4 => {
            // A `what` the decoder does not name.
            let what = match a {
                0 | 1 | 2 | 0x8000_0000 => 0x200,
                w => w,
            };
            Event::Other { what }
        }
        _ => Event::Foreign,
    };
    // Foreign messages carry no timestamp.
    let ts = if ev == Event::Foreign { 0 } else { ts };
    (ev, ts)
}

fuzz_target!(|data: &[u8]| {
    let mut last = 0;
    for m in messages(data) {
        assert!(m.start >= last, "{m:?} overlaps the previous message");
        assert!(m.end <= data.len() && m.end - m.start >= cn_proc::NLMSG_HDRLEN, "{m:?}");
        last = m.end;
    }

    let events: Vec<(Event, u64)> = data.chunks(21).map(event_from).collect();
    let mut buf = Vec::new();
    let mut ends = Vec::new();
    for (e, ts) in &events {
        encode(e, *ts, &mut buf);
        ends.push(buf.len());
    }
    let back: Vec<(Event, u64)> = messages(&buf).map(|m| (m.event, m.timestamp_ns)).collect();
    assert_eq!(back, events);

    // Truncations: a few cut points from the input.
    for (i, &b) in data.iter().take(8).enumerate() {
        let cut = (usize::from(b) * 37 + i * 11) % (buf.len() + 1);
        let whole = ends.iter().filter(|&&e| e <= cut).count();
        let got: Vec<(Event, u64)> = messages(&buf[..cut]).map(|m| (m.event, m.timestamp_ns)).collect();
        assert_eq!(got.as_slice(), &events[..whole], "cut at {cut}");
    }
});
