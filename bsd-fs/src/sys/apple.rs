//! Apple: no public `getdirentries`. `getdirentries64` is private and
//! programs calling it are rejected by app review, so everything goes
//! through `fdopendir`/`readdir`:
//!
//! - [`DirStream`] owns a `DIR *` and returns `readdir`'s entries in place
//!   (the entry borrows the stream, so `readdir` cannot be called again
//!   while it is alive).
//! - [`read_dirent`] emulates Go's `syscall.ReadDirent`: it opens a fresh
//!   description of the directory (`openat(fd, ".")`; a `dup` would share
//!   the offset `readdir` moves), skips the entries returned by earlier
//!   calls, writes [`Layout::Apple`] records, and stores the count of
//!   entries returned so far as the descriptor's offset.
//!
//! `readdir` failing with `EINVAL` or `ENOENT` is taken as the end of the
//! directory, as Go's `syscall.ReadDirent` does: Apple's file systems report those when the
//! entry a stream stood on was removed between two reads.
//!
//! [`Layout::Apple`]: crate::Layout::Apple

use crate::dirent::{Dirent, FileType, Layout};
use bsd_errno::{check, Errno, Result};
use core::ffi::CStr;
use core::ptr::NonNull;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};

pub(crate) struct DirStream {
    dir: NonNull<libc::DIR>,
    /// The descriptor the `DIR` owns (closed by `closedir`).
    fd: RawFd,
    done: bool,
}

// SAFETY: a `DIR` is not tied to the thread that opened it; `DirStream`
// only uses it through `&mut self` (readdir, rewinddir) or in `Drop`.
unsafe impl Send for DirStream {}
// SAFETY: `&DirStream` gives access to the descriptor number only, never to
// the `DIR`.
unsafe impl Sync for DirStream {}

impl DirStream {
    /// Takes `fd` into a `DIR` stream. The buffer size is not used: `readdir`
    /// manages its own buffer.
    pub(crate) fn new(fd: OwnedFd, _size: usize) -> Result<DirStream> {
        let raw = fd.into_raw_fd();
        // SAFETY: `raw` is an open descriptor we own; on success the `DIR`
        // owns it, on failure it is still ours and closed below.
        let dir = unsafe { libc::fdopendir(raw) };
        match NonNull::new(dir) {
            Some(dir) => Ok(DirStream {
                dir,
                fd: raw,
                done: false,
            }),
            None => {
                let err = Errno::last();
                // SAFETY: fdopendir failed, so `raw` is still ours.
                drop(unsafe { OwnedFd::from_raw_fd(raw) });
                Err(err)
            }
        }
    }

    pub(crate) fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the `DIR` keeps `fd` open until `closedir` in `Drop`, and
        // the borrow cannot outlive `self`.
        unsafe { BorrowedFd::borrow_raw(self.fd) }
    }

    pub(crate) fn buffer_size(&self) -> usize {
        0
    }

    pub(crate) fn set_buffer_size(&mut self, _size: usize) {}

    pub(crate) fn rewind(&mut self) -> Result<()> {
        // SAFETY: `dir` is an open stream.
        unsafe { libc::rewinddir(self.dir.as_ptr()) };
        self.done = false;
        Ok(())
    }

    /// The next entry, skipping `.` and `..` unless `dots`.
    pub(crate) fn next(&mut self, dots: bool) -> Option<Result<Dirent<'_>>> {
        loop {
            if self.done {
                return None;
            }
            Errno::set_last(Errno::from_raw(0));
            // SAFETY: `dir` is an open stream, used by this thread only
            // (`&mut self`).
            let ent = unsafe { libc::readdir(self.dir.as_ptr()) };
            let Some(ent) = NonNull::new(ent) else {
                self.done = true;
                let err = Errno::last();
                return match err.raw() {
                    0 => None,
                    // Go's end-of-directory quirk (see the module doc).
                    libc::EINVAL | libc::ENOENT => None,
                    _ => Some(Err(err)),
                };
            };
            // SAFETY: readdir returned a valid entry, which stays valid and
            // unchanged until the next readdir/rewinddir/closedir on this
            // stream; all of those need `&mut self`, which the returned
            // `Dirent` borrows.
            let ent: &libc::dirent = unsafe { ent.as_ref() };
            let entry = match entry(ent) {
                Ok(d) => d,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            if dots || !entry.is_dot_or_dotdot() {
                return Some(Ok(entry));
            }
        }
    }
}

/// Validates `readdir`'s record: `d_namlen` inside `d_name`, a NUL right
/// after the name and none inside it, and a name that is not empty.
fn entry(ent: &libc::dirent) -> Result<Dirent<'_>> {
    let name = &ent.d_name;
    // SAFETY: `c_char` and `u8` have the same size and alignment; the
    // array is initialised (readdir wrote it, padding included).
    let bytes: &[u8] = unsafe { core::slice::from_raw_parts(name.as_ptr().cast(), name.len()) };
    let n = usize::from(ent.d_namlen);
    let with_nul = bytes.get(..n + 1).ok_or(Errno::EINVAL)?;
    let name = CStr::from_bytes_with_nul(with_nul).map_err(|_| Errno::EINVAL)?;
    if n == 0 {
        return Err(Errno::EINVAL);
    }
    Ok(Dirent {
        ino: ent.d_ino,
        file_type: FileType::from_dtype(ent.d_type),
        raw_type: ent.d_type,
        name,
    })
}

impl Drop for DirStream {
    fn drop(&mut self) {
        // SAFETY: `dir` is an open stream, closed once here (which also
        // closes `fd`). An error from closedir leaves nothing to undo.
        unsafe { libc::closedir(self.dir.as_ptr()) };
    }
}

/// `read_dirent` on Apple: see the module documentation.
pub(crate) fn read_dirent(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize> {
    // SAFETY: lseek on a borrowed, open descriptor touches no memory.
    let skip = check(unsafe { libc::lseek(fd.as_raw_fd(), 0, libc::SEEK_CUR) })?;
    let fresh = super::open_dir_at(fd, c".")?;
    let mut stream = DirStream::new(fresh, 0)?;
    let mut count: libc::off_t = 0;
    let mut n = 0usize;
    loop {
        let d = match stream.next(true) {
            None => break,
            Some(Ok(d)) => d,
            // Return what was read; the error recurs at the next call.
            Some(Err(_)) if n > 0 => break,
            Some(Err(e)) => return Err(e),
        };
        if count < skip {
            count += 1;
            continue;
        }
        let rest = buf.get_mut(n..).unwrap_or_default();
        match Layout::Apple.write_record(rest, d.ino(), count + 1, d.raw_type(), d.name_bytes()) {
            Ok(len) => {
                n += len;
                count += 1;
            }
            // Too small for the first record: EINVAL, as getdirentries.
            Err(e) if n == 0 => return Err(e),
            Err(_) => break,
        }
    }
    // SAFETY: as above.
    check(unsafe { libc::lseek(fd.as_raw_fd(), count, libc::SEEK_SET) })?;
    Ok(n)
}
