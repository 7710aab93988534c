//! The directory stream of the backends with a `getdirentries`-style call
//! (Linux and the BSDs): a buffer the kernel fills with records, parsed in
//! place (the buffer logic is `records.rs`, a pure state machine fed here
//! by the kernel). Entries borrow the buffer; nothing is allocated per
//! entry.

use super::native;
use crate::dirent::{Dirent, Layout};
use crate::records::RecordBuf;
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
    records: RecordBuf,
}

impl DirStream {
    pub(crate) fn new(fd: OwnedFd, size: usize) -> Result<DirStream> {
        Ok(DirStream {
            fd,
            records: RecordBuf::new(size),
        })
    }

    #[inline]
    pub(crate) fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    pub(crate) fn buffer_size(&self) -> usize {
        self.records.size()
    }

    /// Sets the buffer size. Records already read and not yet returned are
    /// kept.
    pub(crate) fn set_buffer_size(&mut self, size: usize) {
        self.records.set_size(size);
    }

    pub(crate) fn rewind(&mut self) -> Result<()> {
        super::seek_start(self.fd.as_fd())?;
        self.records.reset();
        Ok(())
    }

    /// The next entry, skipping `.` and `..` unless `dots`. Inlined into
    /// the caller's loop: the value is returned in registers, not through
    /// memory the caller reads back.
    #[inline(always)]
    pub(crate) fn next(&mut self, dots: bool) -> Option<Result<Dirent<'_>>> {
        let fd = self.fd.as_fd();
        self.records.next(Layout::NATIVE, dots, |buf| read_dirent(fd, buf))
    }
}
