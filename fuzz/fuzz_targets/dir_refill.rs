//! Fuzz target `dir_refill`: the directory stream's buffer handling
//! (`bsd_fs::Dir`'s refill, resize and end-of-stream logic), driven by a
//! fake "read more" function instead of the kernel.
//!
//! Byte 0 picks the layout, byte 1 the mode and whether `.`/`..` are
//! returned, byte 2 the first buffer size.
//!
//! - Records mode: the rest of the input describes directory entries
//!   (name, type, inode) and how the reads cut them up (how many records
//!   each read returns, buffer sizes changed between entries). The source
//!   behaves as a kernel: whole records, as many as fit, `EINVAL` if the
//!   next one fits no buffer, 0 at the end. Checked: every record comes out
//!   once, in order, none invented (dots skipped when asked), and the
//!   stream ends with `EINVAL` exactly when a record did not fit.
//! - Raw mode: the rest is arbitrary chunks of bytes, one per read.
//!   Checked: the stream yields, chunk after chunk, exactly what the record
//!   parser (`Dirents`) yields for that chunk, and ends for good at the
//!   first error or empty read.
#![no_main]
use bsd_errno::{Errno, Result};
use bsd_fs::__fuzz::RecordStream;
use bsd_fs::{Dirents, Layout};
use libfuzzer_sys::fuzz_target;

type Entry = (u64, u8, Vec<u8>);

fn is_dot(name: &[u8]) -> bool {
    name == b"." || name == b".."
}

/// A cursor over the input bytes.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
}

fn buffer_size(b: u8) -> usize {
    // 32 bytes up to a little over 8 KiB: small sizes hit the edge cases.
    32 + usize::from(b) * 32
}

fn records_mode(layout: Layout, dots: bool, first_size: usize, mut input: Input<'_>) {
    // The per-read record counts and resize plan come first.
    let Some(plan_len) = input.byte() else { return };
    let Some(plan) = input.bytes(usize::from(plan_len % 16) + 1) else {
        return;
    };
    let plan = plan.to_vec();
    // Then the entries.
    let mut entries: Vec<Entry> = Vec::new();
    while let (Some(len), Some(kind), Some(ino)) = (input.byte(), input.byte(), input.bytes(2)) {
        let len = usize::from(len % 40) + 1;
        let Some(name) = input.bytes(len) else { break };
        // No NUL inside a name; the kernel never writes one.
        let name: Vec<u8> = name.iter().map(|&c| if c == 0 { b'a' } else { c }).collect();
        let ino = u64::from(u16::from_le_bytes([ino[0], ino[1]])) * 0x9e37_79b9 + entries.len() as u64;
        entries.push((ino, kind, name));
    }
    let encoded: Vec<Vec<u8>> = entries
        .iter()
        .map(|(ino, kind, name)| {
            let mut rec = vec![0u8; layout.record_len(name.len())];
            let n = layout
                .write_record(&mut rec, *ino, 0, *kind, name)
                .expect("names of at most 40 bytes encode");
            rec.truncate(n);
            rec
        })
        .collect();

    let mut next = 0;
    let mut read_no = 0;
    let mut too_big = false;
    let read = |buf: &mut [u8]| -> Result<usize> {
        let limit = usize::from(plan[read_no % plan.len()] % 8) + 1;
        read_no += 1;
        let mut at = 0;
        let mut taken = 0;
        while let Some(rec) = encoded.get(next) {
            if taken == limit || at + rec.len() > buf.len() {
                break;
            }
            buf[at..at + rec.len()].copy_from_slice(rec);
            at += rec.len();
            next += 1;
            taken += 1;
        }
        if at == 0 && next < encoded.len() {
            too_big = true;
            return Err(Errno::EINVAL);
        }
        Ok(at)
    };
    let mut read = read;

    let mut stream = RecordStream::new(first_size);
    let mut got: Vec<Entry> = Vec::new();
    let mut end_error = None;
    let mut steps = 0;
    loop {
        // Between entries, change the buffer size now and then.
        let p = plan[steps % plan.len()];
        if p & 0x80 != 0 {
            stream.set_buffer_size(buffer_size(p.rotate_left(3)));
        }
        steps += 1;
        match stream.next_entry(layout, dots, &mut read) {
            None => break,
            Some(Ok(d)) => got.push((d.ino(), d.raw_type(), d.name_bytes().to_vec())),
            Some(Err(e)) => {
                end_error = Some(e);
                // An error ends the stream.
                assert!(stream
                    .next_entry(layout, dots, |_| panic!("read after an error"))
                    .is_none());
                break;
            }
        }
        assert!(steps <= entries.len() + 1, "more entries than were written");
    }
    drop(read);
    let want: Vec<Entry> = entries.iter().filter(|e| dots || !is_dot(&e.2)).cloned().collect();
    if too_big {
        // A record fitted no buffer: what came before it, then EINVAL.
        assert_eq!(end_error, Some(Errno::EINVAL));
        assert!(want.starts_with(&got), "records out of order or invented");
    } else {
        assert_eq!(end_error, None);
        assert_eq!(got, want, "records lost, repeated, reordered or invented");
        // Ended: stays ended, without reading.
        assert!(stream
            .next_entry(layout, dots, |_| panic!("read after the end"))
            .is_none());
    }
}

fn raw_mode(layout: Layout, dots: bool, size: usize, mut input: Input<'_>) {
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    while let Some(len) = input.byte() {
        let len = usize::from(len) * 2;
        let take = len.min(input.0.len());
        let Some(c) = input.bytes(take) else { break };
        // A read never returns more than the buffer.
        chunks.push(c[..c.len().min(size)].to_vec());
    }
    // What the parser says, chunk after chunk, up to the first error or
    // empty chunk.
    let mut want: Vec<Result<Entry>> = Vec::new();
    'outer: for c in &chunks {
        if c.is_empty() {
            break;
        }
        for r in Dirents::with_layout(c, layout) {
            match r {
                Ok(d) => {
                    if dots || !d.is_dot_or_dotdot() {
                        want.push(Ok((d.ino(), d.raw_type(), d.name_bytes().to_vec())));
                    }
                }
                Err(e) => {
                    want.push(Err(e));
                    break 'outer;
                }
            }
        }
    }
    let mut it = chunks.iter();
    let mut stream = RecordStream::new(size);
    let mut got: Vec<Result<Entry>> = Vec::new();
    let mut read = |buf: &mut [u8]| -> Result<usize> {
        match it.next() {
            Some(c) => {
                buf[..c.len()].copy_from_slice(c);
                Ok(c.len())
            }
            None => Ok(0),
        }
    };
    while let Some(r) = stream.next_entry(layout, dots, &mut read) {
        got.push(r.map(|d| (d.ino(), d.raw_type(), d.name_bytes().to_vec())));
        assert!(got.len() <= want.len(), "more than the parser found");
    }
    assert_eq!(got, want);
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let (Some(pick), Some(mode), Some(size)) = (input.byte(), input.byte(), input.byte()) else {
        return;
    };
    let layout = Layout::ALL[usize::from(pick) % Layout::ALL.len()];
    let dots = mode & 1 != 0;
    if mode & 2 == 0 {
        records_mode(layout, dots, buffer_size(size), input);
    } else {
        raw_mode(layout, dots, buffer_size(size), input);
    }
});
