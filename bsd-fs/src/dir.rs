//! The raw call ([`read_dirent`]) and the directory stream ([`Dir`]).

use crate::dirent::{DirEntry, Dirent, FileType};
use crate::path::with_c_path;
use crate::sys;
use bsd_errno::{Errno, Result};
use core::fmt;
use std::ffi::OsString;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::path::Path;

/// `getdirentries(fd, buf, len, &base)`—Reads directory records from `fd`
/// into `buf`; Go's `syscall.ReadDirent`.
///
/// Returns how many bytes of `buf` were filled with whole records, 0 at the
/// end of the directory. Parse them with [`Dirents::new`]`(&buf[..n])`.
/// Each call continues where the previous one stopped; `.` and `..` are
/// included. Records are in [`Layout::NATIVE`], so the same parser works
/// everywhere.
///
/// ```
/// use bsd_fs::{read_dirent, Dirents};
///
/// let dir = std::fs::File::open("/")?;
/// let mut buf = vec![0u8; 8192];
/// let mut names = Vec::new();
/// loop {
///     let n = read_dirent(&dir, &mut buf)?;
///     if n == 0 {
///         break;
///     }
///     for entry in Dirents::new(&buf[..n]) {
///         names.push(entry?.file_name().to_owned());
///     }
/// }
/// assert!(names.iter().any(|n| n == "."));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// - `EINVAL`: `buf` is too small for the next record (a buffer of a few
///   KiB always holds one).
/// - `ENOTDIR`: `fd` is not a directory (the BSD kernels say `EINVAL`;
///   it is told apart from a short buffer with `fstat`); `EBADF`: not open
///   for reading (a Linux `O_PATH` descriptor).
/// - `EIO`, and whatever else the file system reports.
///
/// # Platforms
/// - Linux: `getdents64` ([`Layout::Linux`]).
/// - FreeBSD ≥ 12: `getdirentries` ([`Layout::FreeBsd`]); DragonFly:
///   `getdirentries` ([`Layout::DragonFly`]).
/// - NetBSD: `getdents` (`__getdents30`, [`Layout::NetBsd`]); OpenBSD:
///   `getdents` ([`Layout::OpenBsd`]).
/// - Apple: there is no public `getdirentries` (`getdirentries64` is
///   private and rejected by app review). This call opens a second
///   description of the directory (`openat(fd, ".")`), reads it with
///   `fdopendir`/`readdir`, skips the entries earlier calls returned and
///   writes [`Layout::Apple`] records. The descriptor's offset holds the
///   number of entries returned so far (`lseek(fd, 0, SEEK_SET)` starts
///   over); each call costs a walk over the entries before it, so reading a
///   large directory this way is quadratic: use [`Dir`] there, which reads
///   `readdir` directly. As in Go's `syscall.ReadDirent`, `readdir` failing with `EINVAL` or
///   `ENOENT` is taken as the end of the directory (Apple's file systems
///   report those when entries are removed between two reads). Concurrent
///   calls on one descriptor race on its offset.
///
/// # References
/// - [FreeBSD getdirentries(2)](https://man.freebsd.org/cgi/man.cgi?query=getdirentries&sektion=2)
/// - [Apple readdir(3)](https://keith.github.io/xcode-man-pages/directory.3.html)
/// - [NetBSD getdents(2)](https://man.netbsd.org/getdents.2)
/// - [OpenBSD getdents(2)](https://man.openbsd.org/getdents.2)
/// - [DragonFly getdirentries(2)](https://man.dragonflybsd.org/?command=getdirentries&section=2)
/// - [Linux getdents64(2)](https://man7.org/linux/man-pages/man2/getdents.2.html)
///
/// [`Dirents::new`]: crate::Dirents::new
/// [`Layout::NATIVE`]: crate::Layout::NATIVE
/// [`Layout::Linux`]: crate::Layout::Linux
/// [`Layout::FreeBsd`]: crate::Layout::FreeBsd
/// [`Layout::DragonFly`]: crate::Layout::DragonFly
/// [`Layout::NetBsd`]: crate::Layout::NetBsd
/// [`Layout::OpenBsd`]: crate::Layout::OpenBsd
/// [`Layout::Apple`]: crate::Layout::Apple
#[doc(
    alias = "ReadDirent",
    alias = "Getdirentries",
    alias = "getdents",
    alias = "getdents64"
)]
#[inline]
pub fn read_dirent<Fd: AsFd>(fd: Fd, buf: &mut [u8]) -> Result<usize> {
    sys::read_dirent(fd.as_fd(), buf)
}

/// An open directory and a buffer of its records: a stream of entries
/// that allocates nothing per entry.
///
/// [`next_entry`](Dir::next_entry) lends each entry out of the buffer (the
/// entry borrows the `Dir`, so drop it before asking for the next one).
/// `.` and `..` are skipped unless [`include_dots`](Dir::include_dots) says
/// otherwise. Entries come in the file system's order.
///
/// ```
/// use bsd_fs::{Dir, FileType};
///
/// let mut dir = Dir::open("/")?;
/// let mut subdirs = 0;
/// while let Some(entry) = dir.next_entry() {
///     let entry = entry?;
///     if entry.file_type() == FileType::Directory {
///         subdirs += 1;
///     }
///     assert!(entry.name_bytes() != b"." && entry.name_bytes() != b"..");
/// }
/// assert!(subdirs > 0);
///
/// // Start over, and keep what we need.
/// dir.rewind()?;
/// let names = dir.collect_names()?;
/// assert!(names.iter().any(|n| n == "usr" || n == "bin" || n == "etc"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Platforms
/// Linux and the BSDs read with the call [`read_dirent`] makes into a
/// buffer of [`DEFAULT_BUFFER_SIZE`](Dir::DEFAULT_BUFFER_SIZE) bytes
/// (see [`set_buffer_size`](Dir::set_buffer_size)). Apple reads with
/// `readdir` on a stream it owns, whose buffer the C library manages.
#[doc(alias = "DIR", alias = "opendir", alias = "readdir")]
pub struct Dir {
    stream: sys::DirStream,
    dots: bool,
    resolve: bool,
}

impl Dir {
    /// The buffer size of a new `Dir`: 32 KiB.
    ///
    /// Chosen by measurement on Linux 6.18 (x86-64, a warm directory of
    /// 100 000 entries, median of 40 interleaved listings, wall time ÷ a raw
    /// `getdents64` walk with a 64 KiB buffer):
    ///
    /// | buffer | tmpfs | ext4 |
    /// |---|---|---|
    /// | 8 KiB | 1.023 | 1.023 |
    /// | 16 KiB | 1.013 | 1.017 |
    /// | 32 KiB | 1.010 | 1.013 |
    /// | 64 KiB | 1.010 | 1.012 |
    /// | 128 KiB | 1.006 | 1.011 |
    /// | 256 KiB | 1.008 | 1.012 |
    ///
    /// Beyond 32 KiB the gain is within the noise (the kernel's time per
    /// entry dominates and the system-call count is already small), so a
    /// larger default would only hold more memory per open `Dir`. 32 KiB is
    /// also what glibc's `readdir` uses. `cargo bench -p bench --bench fs`
    /// repeats the measurement ("fs: Dir buffer size").
    pub const DEFAULT_BUFFER_SIZE: usize = 32 * 1024;

    /// The smallest buffer [`set_buffer_size`](Dir::set_buffer_size)
    /// accepts: room for the largest record of any platform (a name of
    /// 1023 bytes on Apple, 511 on NetBSD, 255 elsewhere).
    pub const MIN_BUFFER_SIZE: usize = 2048;

    /// Opens the directory `path` (relative to the current directory).
    ///
    /// # Errors
    /// `ENOENT`, `ENOTDIR` (not a directory), `EACCES`, `ELOOP`,
    /// `ENAMETOOLONG`, `EMFILE`; `EINVAL` for a path with a NUL byte.
    ///
    /// # References
    #[doc = crate::man_links!(2, "openat", "open", "openat", "openat", "openat", "openat")]
    pub fn open<P: AsRef<Path>>(path: P) -> Result<Dir> {
        Dir::open_at(crate::CWD, path)
    }

    /// Opens the directory `path`, relative to the directory `dirfd` (or
    /// [`CWD`](crate::CWD)).
    ///
    /// # Errors
    /// As [`Dir::open`]; `ENOTDIR` when `dirfd` is not a directory and
    /// `path` is relative.
    ///
    /// # References
    #[doc = crate::man_links!(2, "openat", "open", "openat", "openat", "openat", "openat")]
    pub fn open_at<Fd: AsFd, P: AsRef<Path>>(dirfd: Fd, path: P) -> Result<Dir> {
        let fd = with_c_path(path.as_ref(), |p| sys::open_dir_at(dirfd.as_fd(), p))?;
        Dir::from_fd(fd)
    }

    /// Reads the directory open on `fd` (from its current offset: pass a
    /// freshly opened descriptor, or call [`rewind`](Dir::rewind), to start
    /// at the beginning).
    ///
    /// The `Dir` owns `fd` and closes it when dropped.
    ///
    /// # Errors
    /// Nothing is checked here on Linux and the BSDs: a descriptor that is
    /// not a directory fails at the first read with `ENOTDIR` (`EBADF` if
    /// it cannot be read). On Apple `fdopendir` checks at once and fails
    /// with those.
    pub fn from_fd(fd: OwnedFd) -> Result<Dir> {
        Ok(Dir {
            stream: sys::DirStream::new(fd, Dir::DEFAULT_BUFFER_SIZE)?,
            dots: false,
            resolve: false,
        })
    }

    /// Uses a buffer of `size` bytes from the next read on, clamped to
    /// [`MIN_BUFFER_SIZE`](Dir::MIN_BUFFER_SIZE)`..=i32::MAX` (a size the
    /// kernel's `int` length can carry, so `usize::MAX` is `i32::MAX`, not
    /// an error or a wrap).
    ///
    /// A larger buffer means fewer system calls for large directories and
    /// more memory held; see
    /// [`DEFAULT_BUFFER_SIZE`](Dir::DEFAULT_BUFFER_SIZE) for what was
    /// measured. It can be changed at any point of the stream: entries
    /// already read and not yet returned are kept, in order. A new buffer
    /// is allocated at the next read, so setting the size right after
    /// opening costs nothing extra.
    ///
    /// ```
    /// let mut dir = bsd_fs::Dir::open("/")?;
    /// dir.set_buffer_size(256 * 1024);
    /// let first = dir.next_entry().transpose()?.map(|e| e.to_entry());
    /// dir.set_buffer_size(4096); // the rest of the stream is kept
    /// assert!(first.is_some());
    /// # Ok::<(), bsd_fs::Errno>(())
    /// ```
    ///
    /// # Platforms
    /// No effect on Apple, where `readdir` manages its own buffer.
    pub fn set_buffer_size(&mut self, size: usize) {
        let size = size.clamp(Dir::MIN_BUFFER_SIZE, libc::c_int::MAX.unsigned_abs() as usize);
        self.stream.set_buffer_size(size);
    }

    /// The buffer size in use (0 on Apple, where `readdir` has its own).
    #[must_use]
    pub fn buffer_size(&self) -> usize {
        self.stream.buffer_size()
    }

    /// Whether [`next_entry`](Dir::next_entry) also returns `.` and `..`
    /// (default: no).
    #[must_use]
    pub fn include_dots(mut self, yes: bool) -> Dir {
        self.dots = yes;
        self
    }

    /// Whether entries whose type the kernel left [`FileType::Unknown`] get
    /// their type from `fstatat(dir, name, AT_SYMLINK_NOFOLLOW)` before
    /// they are returned (default: no).
    ///
    /// Most file systems fill the type (ext4, tmpfs, btrfs, xfs, UFS, ZFS,
    /// APFS); some network and older ones do not. With this on, an entry
    /// removed between the read and the `fstatat` stays `Unknown`; any
    /// other `fstatat` error is returned for that entry (the stream goes on
    /// with the next one).
    #[must_use]
    pub fn resolve_types(mut self, yes: bool) -> Dir {
        self.resolve = yes;
        self
    }

    /// The next entry, or `None` at the end of the directory.
    ///
    /// The entry borrows the `Dir`'s buffer; copy what you need to keep
    /// ([`Dirent::to_entry`]) before the next call. After an error from
    /// the kernel or a corrupt record, the stream ends (`None`) until
    /// [`rewind`](Dir::rewind).
    ///
    /// # Errors
    /// What [`read_dirent`] fails with; `EINVAL` for a corrupt record (see
    /// [`Dirents`](crate::Dirents)); with
    /// [`resolve_types`](Dir::resolve_types), what `fstatat` fails with.
    #[inline(always)]
    pub fn next_entry(&mut self) -> Option<Result<Dirent<'_>>> {
        if !self.resolve {
            return self.stream.next(self.dots);
        }
        let fd = self.stream.as_fd().as_raw_fd();
        let mut entry = match self.stream.next(self.dots)? {
            Ok(e) => e,
            Err(e) => return Some(Err(e)),
        };
        if entry.file_type == FileType::Unknown {
            // SAFETY: `fd` is the stream's descriptor, open while `self`
            // (which `entry` borrows) is alive.
            let dirfd = unsafe { BorrowedFd::borrow_raw(fd) };
            match entry.file_type_at(dirfd) {
                Ok(t) => entry.file_type = t,
                Err(Errno::ENOENT) => {}
                Err(e) => return Some(Err(e)),
            }
        }
        Some(Ok(entry))
    }

    /// Goes back to the first entry.
    ///
    /// # Errors
    /// What `lseek` fails with (nothing, for a directory).
    ///
    /// # References
    #[doc = crate::man_links!(2, "lseek", "lseek", "lseek", "lseek", "lseek", "lseek")]
    #[doc(alias = "rewinddir", alias = "Seek")]
    pub fn rewind(&mut self) -> Result<()> {
        self.stream.rewind()
    }

    /// The names of the remaining entries, owned.
    ///
    /// # Errors
    /// The first error [`next_entry`](Dir::next_entry) returns.
    pub fn collect_names(&mut self) -> Result<Vec<OsString>> {
        let mut names = Vec::new();
        while let Some(e) = self.next_entry() {
            names.push(e?.file_name().to_os_string());
        }
        Ok(names)
    }

    /// The remaining entries, owned.
    ///
    /// # Errors
    /// The first error [`next_entry`](Dir::next_entry) returns.
    pub fn collect_entries(&mut self) -> Result<Vec<DirEntry>> {
        let mut entries = Vec::new();
        while let Some(e) = self.next_entry() {
            entries.push(e?.to_entry());
        }
        Ok(entries)
    }
}

impl AsFd for Dir {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.stream.as_fd()
    }
}

impl AsRawFd for Dir {
    fn as_raw_fd(&self) -> RawFd {
        self.stream.as_fd().as_raw_fd()
    }
}

impl fmt::Debug for Dir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dir")
            .field("fd", &self.as_raw_fd())
            .field("buffer_size", &self.buffer_size())
            .field("include_dots", &self.dots)
            .field("resolve_types", &self.resolve)
            .finish()
    }
}

impl IntoIterator for Dir {
    type Item = Result<DirEntry>;
    type IntoIter = IntoEntries;

    /// An iterator of owned entries (one allocation per name).
    fn into_iter(self) -> IntoEntries {
        IntoEntries { dir: self }
    }
}

/// The owned entries of a [`Dir`], from [`Dir::into_iter`]: each name is
/// copied out, so the entries can be kept.
#[derive(Debug)]
pub struct IntoEntries {
    dir: Dir,
}

impl IntoEntries {
    /// The directory being read.
    #[must_use]
    pub fn dir(&self) -> &Dir {
        &self.dir
    }
}

impl core::iter::FusedIterator for IntoEntries {}

impl Iterator for IntoEntries {
    type Item = Result<DirEntry>;

    fn next(&mut self) -> Option<Result<DirEntry>> {
        self.dir.next_entry().map(|r| r.map(|e| e.to_entry()))
    }
}
