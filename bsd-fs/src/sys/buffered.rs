//! The directory stream of the backends with a `getdirentries`-style call
//! (Linux and the BSDs): a buffer the kernel fills with records, parsed in
//! place. Entries borrow the buffer; nothing is allocated per entry.

use super::native;
use crate::dirent::{is_dot_or_dotdot, parse_record, Dirent, Layout};
use bsd_errno::{Errno, Result};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

/// `read_dirent` for these backends: one call of the native primitive.
#[inline]
pub(crate) fn read_dirent(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize> {
    // SAFETY: `buf` is a writable slice of `buf.len()` bytes.
    let n = unsafe { native::getdents(fd, buf.as_mut_ptr(), buf.len())? };
    // The kernel never reports more than it was given; if it did, refuse to
    // let a caller read past what was written.
    if n > buf.len() {
        return Err(Errno::EIO);
    }
    Ok(n)
}

pub(crate) struct DirStream {
    fd: OwnedFd,
    /// The filled part of the buffer (`len`), in a buffer of `capacity`
    /// bytes; allocated at the first read, so a buffer size set right after
    /// opening costs one allocation.
    buf: Vec<u8>,
    /// Where the next record starts in `buf`.
    pos: usize,
    /// The buffer size to use.
    size: usize,
    /// The end was reached, or an error ended the stream (until `rewind`).
    done: bool,
}

impl DirStream {
    pub(crate) fn new(fd: OwnedFd, size: usize) -> Result<DirStream> {
        Ok(DirStream {
            fd,
            buf: Vec::new(),
            pos: 0,
            size,
            done: false,
        })
    }

    #[inline]
    pub(crate) fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    pub(crate) fn buffer_size(&self) -> usize {
        self.size
    }

    /// Sets the buffer size. Records already read and not yet returned are
    /// kept (the new buffer is at least as large as they are).
    pub(crate) fn set_buffer_size(&mut self, size: usize) {
        let unread = self.buf.get(self.pos..).unwrap_or_default();
        let size = size.max(unread.len());
        if !self.buf.is_empty() || self.buf.capacity() != 0 {
            let mut buf = Vec::with_capacity(size);
            buf.extend_from_slice(unread);
            self.buf = buf;
            self.pos = 0;
        }
        self.size = size;
    }

    pub(crate) fn rewind(&mut self) -> Result<()> {
        super::seek_start(self.fd.as_fd())?;
        self.buf.clear();
        self.pos = 0;
        self.done = false;
        Ok(())
    }

    /// Reads the next buffer of records: `Ok(false)` at the end.
    fn fill(&mut self) -> Result<bool> {
        self.buf.clear();
        self.pos = 0;
        if self.buf.capacity() < self.size {
            self.buf = Vec::with_capacity(self.size);
        }
        let spare = self.buf.spare_capacity_mut();
        let len = spare.len();
        // SAFETY: `spare` is `len` writable (uninitialised) bytes; the
        // kernel initialises the `n` bytes it reports.
        let n = unsafe { native::getdents(self.fd.as_fd(), spare.as_mut_ptr().cast(), len)? };
        if n > len {
            return Err(Errno::EIO);
        }
        // SAFETY: the first `n <= capacity` bytes were written by the kernel.
        unsafe { self.buf.set_len(n) };
        Ok(n != 0)
    }

    /// The buffer is used up: read more, or mark the end. `false` when
    /// there is nothing more to return (the error, if any, in `err`).
    /// Kept out of line, so the per-entry path stays small enough to
    /// inline into the caller's loop.
    #[inline(never)]
    #[cold]
    fn refill(&mut self, err: &mut Option<Errno>) -> bool {
        if self.done {
            return false;
        }
        match self.fill() {
            Ok(true) => true,
            Ok(false) => {
                self.done = true;
                false
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
        self.buf.clear();
        self.pos = 0;
        self.done = true;
    }

    /// The next entry, skipping `.` and `..` unless `dots`. Inlined into
    /// the caller's loop: the value is returned in registers, not through
    /// memory the caller reads back.
    #[inline(always)]
    pub(crate) fn next(&mut self, dots: bool) -> Option<Result<Dirent<'_>>> {
        let (start, rec) = loop {
            if self.pos >= self.buf.len() {
                let mut err = None;
                if !self.refill(&mut err) {
                    return err.map(Err);
                }
            }
            let start = self.pos;
            let bytes = self.buf.get(start..).unwrap_or_default();
            match parse_record(Layout::NATIVE, bytes) {
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
        // SAFETY: `rec` was parsed from `self.buf[start..]`, and the buffer
        // has not been written since (only `fill` writes it, and the loop
        // ends right after the parse).
        Some(Ok(unsafe { rec.dirent(self.buf.get(start..).unwrap_or_default()) }))
    }
}
