//! Directory entries and file times for FreeBSD, DragonFly, NetBSD,
//! OpenBSD, Apple platforms and Linux: the raw `getdirentries` call and a
//! parser for every platform's records, a directory stream that allocates
//! nothing per entry, and `utimensat`/`futimens` with nanoseconds.
//!
//! ```
//! use bsd_fs::{utimes_nano, Dir, FileType, Timespec};
//! use std::os::unix::fs::MetadataExt;
//!
//! # let tmp = std::env::temp_dir().join(format!("bsd-fs-doc-lib-{}", std::process::id()));
//! # std::fs::create_dir_all(&tmp)?;
//! // List a directory: each entry borrows the Dir's buffer, no allocation.
//! std::fs::write(tmp.join("notes.txt"), b"hi")?;
//! std::fs::create_dir(tmp.join("sub"))?;
//! let mut dir = Dir::open(&tmp)?;
//! let mut seen = Vec::new();
//! while let Some(entry) = dir.next_entry() {
//!     let entry = entry?;
//!     seen.push((entry.file_name().to_owned(), entry.file_type()));
//! }
//! seen.sort();
//! assert_eq!(seen, [("notes.txt".into(), FileType::Regular), ("sub".into(), FileType::Directory)]);
//!
//! // Set a file's modification time to the nanosecond, leave its access time.
//! let file = tmp.join("notes.txt");
//! utimes_nano(&file, &[Timespec::OMIT, Timespec::new(1_500_000_000, 123_456_789)])?;
//! let meta = std::fs::metadata(&file)?;
//! assert_eq!((meta.mtime(), meta.mtime_nsec()), (1_500_000_000, 123_456_789));
//! # std::fs::remove_dir_all(&tmp)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What is here
//! - [`read_dirent`]: Go's `syscall.ReadDirent` — one `getdirentries`
//!   (FreeBSD, DragonFly), `getdents` (NetBSD, OpenBSD) or `getdents64`
//!   (Linux) into a caller's buffer; on Apple an emulation over `readdir`.
//! - [`Dirents`]: the records of such a buffer as [`Dirent`]s, validated
//!   (corrupt records are errors, never a hang or an out-of-bounds read).
//!   Every platform's [`Layout`] is available on every host.
//! - [`Dir`]: an owned directory descriptor and a buffer; `next_entry`
//!   lends entries out of it. [`Dir::collect_names`],
//!   [`Dir::collect_entries`] and `Dir`'s `IntoIterator` give owned
//!   entries to those who want them.
//! - [`utimensat`], [`utimes_nano`], [`futimens`] with [`Timespec`]
//!   (nanoseconds, [`Timespec::NOW`], [`Timespec::OMIT`], conversions from
//!   `SystemTime` before and after 1970), and Go's microsecond
//!   `syscall.Utimes` and `syscall.Futimes` as [`utimes`] and [`futimes`]
//!   with [`Timeval`].
//!
//! # Times
//! [`Timespec`] and [`Timeval`] are this crate's own time types because
//! Go's `syscall.UtimesNano` and `syscall.Utimes` take them; both convert
//! from and to `std::time::SystemTime` (`TryFrom`, before 1970 too). Their
//! fields are `i64` on every platform; a value that does not fit the
//! platform's `time_t` (32 bits on some 32-bit systems) is `EOVERFLOW`
//! when the call is made, never truncated.
//!
//! # Platforms
//! Linux, FreeBSD ≥ 12, DragonFly, NetBSD, OpenBSD, macOS ≥ 10.13 and iOS ≥
//! 11. Linux is tested against the kernel; the BSD and Apple backends are
//! type-checked, and their record parsers are unit-tested on every host
//! with fixtures of what those kernels write.
//!
//! # What is not portable
//! - Record layouts differ per kernel: use [`Dirents`] rather than reading
//!   the bytes. `d_off`/`d_seekoff` cookies are not exposed.
//! - On Apple, [`read_dirent`] is an emulation over `readdir` (see its
//!   documentation); [`Dir`] uses `readdir` directly.
//! - [`FileType::Whiteout`] exists only on BSD and Apple union mounts.
//! - The file system decides the precision it stores for times.
//! - Apple man-page links point to a mirror of the Xcode man pages, since
//!   Apple publishes the current pages only inside Xcode.
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// Links to a man page on each platform, for `# References` sections:
/// `man_links!(section, freebsd, apple, netbsd, openbsd, dragonfly, linux)`
/// with the page name on each.
macro_rules! man_links {
    ($sec:literal, $fb:literal, $ap:literal, $nb:literal, $ob:literal, $df:literal, $lx:literal) => {
        concat!(
            "- [FreeBSD](https://man.freebsd.org/cgi/man.cgi?query=",
            $fb,
            "&sektion=",
            $sec,
            ")\n",
            "- [Apple](https://keith.github.io/xcode-man-pages/",
            $ap,
            ".",
            $sec,
            ".html)\n",
            "- [NetBSD](https://man.netbsd.org/",
            $nb,
            ".",
            $sec,
            ")\n",
            "- [OpenBSD](https://man.openbsd.org/",
            $ob,
            ".",
            $sec,
            ")\n",
            "- [DragonFly](https://man.dragonflybsd.org/?command=",
            $df,
            "&section=",
            $sec,
            ")\n",
            "- [Linux](https://man7.org/linux/man-pages/man",
            $sec,
            "/",
            $lx,
            ".",
            $sec,
            ".html)\n",
        )
    };
}
pub(crate) use man_links;

mod dir;
mod dirent;
mod path;
mod records;
mod sys;
mod time;

pub use dir::{read_dirent, Dir, IntoEntries};
pub use dirent::{DirEntry, Dirent, Dirents, FileType, Layout};
pub use time::{futimens, futimes, utimensat, utimes, utimes_nano, AtFlags, Timespec, Timeval};

pub use bsd_errno::{Errno, Result};

use std::os::fd::BorrowedFd;

/// The current directory, as the `dirfd` of the `*at` calls (`AT_FDCWD`):
/// `utimensat(CWD, "file", ..)` acts on `./file`.
// SAFETY: AT_FDCWD is never -1 (it is -100 on Linux and the BSDs, -2 on
// Apple), and the kernel treats it as the current directory wherever a
// directory descriptor is expected; it is never closed.
pub const CWD: BorrowedFd<'static> = unsafe { BorrowedFd::borrow_raw(libc::AT_FDCWD) };

/// Not part of the API: the directory stream's buffer logic, driven by a
/// caller's "read more" function instead of the kernel, for the fuzz
/// target (`fuzz/fuzz_targets/dir_refill.rs`). May change at any time.
#[doc(hidden)]
pub mod __fuzz {
    use crate::{Dirent, Layout, Result};

    /// [`Dir`](crate::Dir)'s buffer of records, fed by `read`.
    #[derive(Debug)]
    pub struct RecordStream(crate::records::RecordBuf);

    impl RecordStream {
        /// A stream reading with a buffer of `size` bytes.
        #[must_use]
        pub fn new(size: usize) -> RecordStream {
            RecordStream(crate::records::RecordBuf::new(size))
        }

        /// The buffer size for the next read.
        #[must_use]
        pub fn buffer_size(&self) -> usize {
            self.0.size()
        }

        /// Changes the buffer size, keeping unread records.
        pub fn set_buffer_size(&mut self, size: usize) {
            self.0.set_size(size);
        }

        /// Forgets the records and the end (as after a rewind).
        pub fn reset(&mut self) {
            self.0.reset();
        }

        /// The next record of `layout` (`.`/`..` skipped unless `dots`),
        /// calling `read` with the whole buffer when more are needed.
        ///
        /// # Errors
        /// What `read` fails with; `EIO` if it claims more bytes than the
        /// buffer holds; `EINVAL` for a corrupt record.
        pub fn next_entry(
            &mut self,
            layout: Layout,
            dots: bool,
            read: impl FnMut(&mut [u8]) -> Result<usize>,
        ) -> Option<Result<Dirent<'_>>> {
            self.0.next(layout, dots, read)
        }
    }
}
