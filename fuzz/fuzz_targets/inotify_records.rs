//! Fuzz target `inotify_records`: the walk over what an inotify
//! descriptor's `read` returns (`bsd-event`'s `inotify_record.rs`, compiled
//! here on its own).
//!
//! Checked on every input:
//! - arbitrary bytes: the records found are exactly those an independent
//!   walk finds (each header and name inside the input, consecutive from
//!   offset 0, stopping at the first that does not fit), with the header's
//!   `wd`, `mask` and "has a name";
//! - cutting the input anywhere yields a prefix of those records;
//! - a stream built from values taken from the input (`wd`, `mask`, name
//!   length) walks back to the same values, and with trailing garbage
//!   shorter than a header the walk is unchanged.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../bsd-event/src/sys/linux/inotify_record.rs"]
mod inotify_record;

use inotify_record::{parse, Record, HEADER};

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(b[at..at + 4].try_into().unwrap())
}

/// The independent walk: (wd, mask, named) of each whole record.
fn reference(b: &[u8]) -> Vec<(i32, u32, bool)> {
    let mut out = Vec::new();
    let mut off: u128 = 0;
    loop {
        if off + HEADER as u128 > b.len() as u128 {
            return out;
        }
        let o = off as usize;
        let len = u32_at(b, o + 12) as u128;
        if off + HEADER as u128 + len > b.len() as u128 {
            return out;
        }
        out.push((u32_at(b, o) as i32, u32_at(b, o + 4), len != 0));
        off += HEADER as u128 + len;
    }
}

fn flat(rs: impl Iterator<Item = Record>) -> Vec<(i32, u32, bool)> {
    rs.map(|r| (r.wd, r.mask, r.named)).collect()
}

fuzz_target!(|data: &[u8]| {
    // Arbitrary bytes against the independent walk, whole and cut.
    let whole = flat(parse(data));
    assert_eq!(whole, reference(data));
    let cut = data.first().map_or(0, |&c| c as usize % (data.len() + 1));
    let part = flat(parse(&data[..cut]));
    assert!(part.len() <= whole.len() && part[..] == whole[..part.len()]);

    // Built from values: each 9-byte chunk is wd (4), mask (4), name
    // length (1).
    let mut stream = Vec::new();
    let mut want = Vec::new();
    for c in data.chunks_exact(9) {
        let wd = i32::from_ne_bytes(c[0..4].try_into().unwrap());
        let mask = u32::from_ne_bytes(c[4..8].try_into().unwrap());
        let len = c[8] as usize;
        stream.extend_from_slice(&wd.to_ne_bytes());
        stream.extend_from_slice(&mask.to_ne_bytes());
        stream.extend_from_slice(&0u32.to_ne_bytes());
        stream.extend_from_slice(&(len as u32).to_ne_bytes());
        stream.extend(core::iter::repeat(b'n').take(len));
        want.push((wd, mask, len != 0));
    }
    assert_eq!(flat(parse(&stream)), want);
    let tail = data.len() % HEADER;
    stream.extend_from_slice(&data[..tail]);
    assert_eq!(flat(parse(&stream)), want);
});
