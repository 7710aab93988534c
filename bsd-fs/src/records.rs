//! The directory stream's buffer, as a pure state machine: records come in
//! through a "read more" function (the kernel's `getdirentries`/`getdents`
//! in [`Dir`](crate::Dir), anything in the tests and the fuzz target), are
//! parsed in place and lent out one by one.
//!
//! What it promises, for any sequence of reads: every record a read
//! returned comes out once, in order, and nothing else does; a read of 0
//! bytes ends the stream; an error (from the read, or a corrupt record)
//! is returned once and ends the stream until [`RecordBuf::reset`];
//! records read but not yet returned survive a change of buffer size.

use crate::dirent::{is_dot_or_dotdot, parse_record, Dirent, Layout};
use bsd_errno::{Errno, Result};

/// A buffer of directory records and the position of the next one.
#[derive(Debug)]
pub(crate) struct RecordBuf {
    /// Initialised bytes (zeroed when allocated, so a read can be given
    /// the whole buffer as `&mut [u8]` without clearing it each time).
    buf: Vec<u8>,
    /// How much of `buf` the last read filled.
    len: usize,
    /// Where the next record starts in `buf[..len]`.
    pos: usize,
    /// The buffer size for the next read.
    size: usize,
    /// The end was reached, or an error ended the stream.
    done: bool,
}

impl RecordBuf {
    /// A stream whose reads use a buffer of `size` bytes, allocated at the
    /// first read.
    pub(crate) fn new(size: usize) -> RecordBuf {
        RecordBuf {
            buf: Vec::new(),
            len: 0,
            pos: 0,
            size,
            done: false,
        }
    }

    pub(crate) fn size(&self) -> usize {
        self.size
    }

    /// Sets the size of the buffer for the next read. Records read and not
    /// yet returned are kept, in order (the buffer holding them is at least
    /// as large as they are).
    pub(crate) fn set_size(&mut self, size: usize) {
        let unread = self.buf.get(self.pos..self.len).unwrap_or_default();
        if !unread.is_empty() {
            let mut buf = vec![0u8; size.max(unread.len())];
            if let Some(head) = buf.get_mut(..unread.len()) {
                head.copy_from_slice(unread);
            }
            self.len = unread.len();
            self.pos = 0;
            self.buf = buf;
        } else {
            // Nothing to keep: the next read allocates.
            self.buf = Vec::new();
            self.len = 0;
            self.pos = 0;
        }
        self.size = size;
    }

    /// Forgets every record and the end: the next call reads again (after
    /// the caller rewound the source).
    pub(crate) fn reset(&mut self) {
        self.len = 0;
        self.pos = 0;
        self.done = false;
    }

    /// The buffer is used up: read more with `read`. `false` when the
    /// stream has ended (the error that ended it, if any, in `err`).
    /// Out of line, so the per-entry path stays small.
    #[inline(never)]
    #[cold]
    fn refill(&mut self, read: &mut impl FnMut(&mut [u8]) -> Result<usize>, err: &mut Option<Errno>) -> bool {
        if self.done {
            return false;
        }
        self.len = 0;
        self.pos = 0;
        if self.buf.len() != self.size {
            self.buf = vec![0u8; self.size];
        }
        match read(&mut self.buf) {
            Ok(0) => {
                self.done = true;
                false
            }
            // A source never reports more than it was given; if one did,
            // refuse to read past what it wrote.
            Ok(n) if n > self.buf.len() => {
                self.done = true;
                *err = Some(Errno::EIO);
                false
            }
            Ok(n) => {
                self.len = n;
                true
            }
            Err(e) => {
                self.done = true;
                *err = Some(e);
                false
            }
        }
    }

    /// A corrupt buffer ends the stream: nothing after it can be trusted.
    #[inline(never)]
    #[cold]
    fn corrupt(&mut self) {
        self.len = 0;
        self.pos = 0;
        self.done = true;
    }

    /// The next record of `layout`, skipping `.` and `..` unless `dots`,
    /// reading more with `read` when the buffer is used up; `None` at the
    /// end.
    #[inline(always)]
    pub(crate) fn next(
        &mut self,
        layout: Layout,
        dots: bool,
        mut read: impl FnMut(&mut [u8]) -> Result<usize>,
    ) -> Option<Result<Dirent<'_>>> {
        let (start, rec) = loop {
            if self.pos >= self.len {
                let mut err = None;
                if !self.refill(&mut read, &mut err) {
                    return err.map(Err);
                }
            }
            let start = self.pos;
            let bytes = self.buf.get(start..self.len).unwrap_or_default();
            match parse_record(layout, bytes) {
                Ok(rec) => {
                    self.pos = start + rec.reclen;
                    if dots || !is_dot_or_dotdot(rec.name(bytes)) {
                        break (start, rec);
                    }
                }
                Err(e) => {
                    self.corrupt();
                    return Some(Err(e));
                }
            }
        };
        let bytes = self.buf.get(start..self.len).unwrap_or_default();
        // SAFETY: `rec` was parsed from `self.buf[start..self.len]`, and
        // the buffer has not been written since (only `refill` and
        // `set_size` write it, and neither ran after the parse).
        Some(Ok(unsafe { rec.dirent(bytes) }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` records of `layout` (names `f0`, `f1`, …, with `.` and `..`
    /// first), each as its own byte string.
    fn records(layout: Layout, n: usize) -> Vec<(u64, Vec<u8>, Vec<u8>)> {
        (0..n)
            .map(|i| {
                let name = match i {
                    0 => b".".to_vec(),
                    1 => b"..".to_vec(),
                    i => format!("f{i}-{}", "x".repeat(i % 37)).into_bytes(),
                };
                let ino = 1000 + i as u64;
                let mut rec = vec![0u8; layout.record_len(name.len())];
                let len = layout.write_record(&mut rec, ino, i as i64, 8, &name).unwrap();
                assert_eq!(len, rec.len());
                (ino, name, rec)
            })
            .collect()
    }

    /// A source that returns the records in reads of at most `per_read`
    /// records (and never more than fit), as a kernel does.
    fn source(recs: &[(u64, Vec<u8>, Vec<u8>)], per_read: usize) -> impl FnMut(&mut [u8]) -> Result<usize> + '_ {
        let mut next = 0;
        move |buf: &mut [u8]| {
            let mut at = 0;
            let mut taken = 0;
            while let Some((_, _, r)) = recs.get(next) {
                if taken == per_read || at + r.len() > buf.len() {
                    break;
                }
                buf[at..at + r.len()].copy_from_slice(r);
                at += r.len();
                next += 1;
                taken += 1;
            }
            if at == 0 && next < recs.len() {
                return Err(Errno::EINVAL); // the next record does not fit
            }
            Ok(at)
        }
    }

    fn drain(
        rb: &mut RecordBuf,
        layout: Layout,
        dots: bool,
        mut read: impl FnMut(&mut [u8]) -> Result<usize>,
    ) -> Vec<Result<(u64, Vec<u8>)>> {
        let mut out = Vec::new();
        while let Some(r) = rb.next(layout, dots, &mut read) {
            out.push(r.map(|d| (d.ino(), d.name_bytes().to_vec())));
        }
        out
    }

    #[test]
    fn every_record_once_in_order_for_any_chunking() {
        let sizes: &[usize] = if cfg!(miri) {
            &[64, 4096]
        } else {
            &[40, 64, 100, 512, 4096]
        };
        let per: &[usize] = if cfg!(miri) { &[1, 3] } else { &[1, 2, 3, 7, usize::MAX] };
        for layout in Layout::ALL {
            let recs = records(layout, if cfg!(miri) { 12 } else { 60 });
            let want: Vec<Result<(u64, Vec<u8>)>> = recs.iter().skip(2).map(|(i, n, _)| Ok((*i, n.clone()))).collect();
            let want_dots: Vec<Result<(u64, Vec<u8>)>> = recs.iter().map(|(i, n, _)| Ok((*i, n.clone()))).collect();
            for &size in sizes {
                for &p in per {
                    let longest = recs.iter().map(|r| r.2.len()).max().unwrap();
                    let mut rb = RecordBuf::new(size);
                    let got = drain(&mut rb, layout, false, source(&recs, p));
                    if size < longest {
                        // A record that fits no buffer: the source's EINVAL,
                        // once, after the records before it.
                        assert_eq!(got.last(), Some(&Err(Errno::EINVAL)), "{layout:?} {size}");
                        assert!(want.starts_with(&got[..got.len() - 1]));
                        continue;
                    }
                    assert_eq!(got, want, "{layout:?} size {size} per {p}");
                    let mut rb = RecordBuf::new(size);
                    assert_eq!(drain(&mut rb, layout, true, source(&recs, p)), want_dots);
                    // Ended: stays ended, without reading again.
                    assert!(rb.next(layout, true, |_| panic!("read after the end")).is_none());
                }
            }
        }
    }

    #[test]
    fn resizing_mid_stream_keeps_the_unread_records() {
        let layout = Layout::Linux;
        let recs = records(layout, 40);
        let mut read = source(&recs, usize::MAX);
        let mut rb = RecordBuf::new(4096);
        let mut got = Vec::new();
        for i in 0.. {
            // Shrink and grow between entries, below what is buffered too.
            rb.set_size([64, 8192, 100, 4096][i % 4]);
            match rb.next(layout, true, &mut read) {
                Some(r) => got.push(r.map(|d| d.ino()).unwrap()),
                None => break,
            }
        }
        assert_eq!(got, recs.iter().map(|r| r.0).collect::<Vec<_>>());
    }

    #[test]
    fn errors_end_the_stream_once() {
        let layout = Layout::Linux;
        let recs = records(layout, 5);
        // An error from the source after some records.
        let mut calls = 0;
        let mut first = source(&recs[..3], usize::MAX);
        let mut rb = RecordBuf::new(4096);
        let got = drain(&mut rb, layout, true, |buf: &mut [u8]| {
            calls += 1;
            if calls == 1 {
                first(buf)
            } else {
                Err(Errno::EIO)
            }
        });
        assert_eq!(got.len(), 4);
        assert_eq!(got[3], Err(Errno::EIO));
        // A source claiming more than the buffer: EIO, never a read past it.
        let mut rb = RecordBuf::new(64);
        assert_eq!(
            drain(&mut rb, layout, true, |b: &mut [u8]| Ok(b.len() + 1)),
            [Err(Errno::EIO)]
        );
        // A corrupt record (reclen 0) after a good one.
        let mut bytes = recs[0].2.clone();
        bytes.extend_from_slice(&[0u8; 32]);
        let mut once = Some(bytes);
        let mut rb = RecordBuf::new(4096);
        let got = drain(&mut rb, layout, true, |b: &mut [u8]| {
            let Some(src) = once.take() else { return Ok(0) };
            b[..src.len()].copy_from_slice(&src);
            Ok(src.len())
        });
        assert_eq!(got, [Ok((recs[0].0, b".".to_vec())), Err(Errno::EINVAL)]);
        // Reset starts over.
        rb.reset();
        let mut again = source(&recs, usize::MAX);
        assert_eq!(drain(&mut rb, layout, true, &mut again).len(), 5);
    }
}
