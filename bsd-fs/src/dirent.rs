//! Directory records as the kernels write them: the pure parser and encoder.
//!
//! Nothing here makes a system call. Every platform's record layout is
//! compiled on every host (a [`Layout`] value, not a `cfg`), so the BSD and
//! Apple parsers are tested here with byte fixtures of what those kernels
//! write; `cfg` only picks [`Layout::NATIVE`].

use bsd_errno::{Errno, Result};
use core::ffi::CStr;
use core::fmt;
use core::iter::FusedIterator;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

/// The `d_type` values. They are the same number on every supported
/// platform (they come from 4.4BSD's `<sys/dirent.h>`, which Linux copied);
/// a unit test checks them against `libc` where `libc` defines them.
pub(crate) mod dt {
    pub const UNKNOWN: u8 = 0;
    pub const FIFO: u8 = 1;
    pub const CHR: u8 = 2;
    pub const DIR: u8 = 4;
    pub const BLK: u8 = 6;
    pub const REG: u8 = 8;
    pub const LNK: u8 = 10;
    pub const SOCK: u8 = 12;
    pub const WHT: u8 = 14;
}

/// `S_IFWHT` from `<sys/stat.h>` (the same value on FreeBSD, DragonFly,
/// NetBSD and Apple; OpenBSD and Linux have no whiteouts); `libc` lacks it.
#[cfg(any(
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_vendor = "apple"
))]
const S_IFWHT: libc::mode_t = 0o160000;

/// The type of a directory entry, from the record's `d_type` (or from
/// `fstatat` when the kernel did not say; see [`Dirent::file_type_at`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileType {
    /// A named pipe (`DT_FIFO`).
    Fifo,
    /// A character device (`DT_CHR`).
    CharDevice,
    /// A directory (`DT_DIR`).
    Directory,
    /// A block device (`DT_BLK`).
    BlockDevice,
    /// A regular file (`DT_REG`).
    Regular,
    /// A symbolic link (`DT_LNK`).
    Symlink,
    /// A local-domain socket (`DT_SOCK`).
    Socket,
    /// A whiteout left by a union mount (`DT_WHT`; BSD and Apple).
    Whiteout,
    /// The file system did not say (`DT_UNKNOWN`), or said something this
    /// crate does not know (the raw value is kept: [`Dirent::raw_type`]).
    Unknown,
}

impl FileType {
    /// The type a `d_type` byte names; values outside the table are
    /// [`FileType::Unknown`].
    #[must_use]
    pub const fn from_dtype(d_type: u8) -> FileType {
        match d_type {
            dt::FIFO => FileType::Fifo,
            dt::CHR => FileType::CharDevice,
            dt::DIR => FileType::Directory,
            dt::BLK => FileType::BlockDevice,
            dt::REG => FileType::Regular,
            dt::LNK => FileType::Symlink,
            dt::SOCK => FileType::Socket,
            dt::WHT => FileType::Whiteout,
            _ => FileType::Unknown,
        }
    }

    /// The `d_type` byte of this type (`DT_UNKNOWN`, 0, for
    /// [`FileType::Unknown`]).
    #[must_use]
    pub const fn to_dtype(self) -> u8 {
        match self {
            FileType::Fifo => dt::FIFO,
            FileType::CharDevice => dt::CHR,
            FileType::Directory => dt::DIR,
            FileType::BlockDevice => dt::BLK,
            FileType::Regular => dt::REG,
            FileType::Symlink => dt::LNK,
            FileType::Socket => dt::SOCK,
            FileType::Whiteout => dt::WHT,
            FileType::Unknown => dt::UNKNOWN,
        }
    }

    /// The type the `S_IFMT` bits of a `st_mode` name (as `stat` reports
    /// it); other bits are ignored.
    #[must_use]
    pub fn from_mode(mode: libc::mode_t) -> FileType {
        match mode & libc::S_IFMT {
            libc::S_IFIFO => FileType::Fifo,
            libc::S_IFCHR => FileType::CharDevice,
            libc::S_IFDIR => FileType::Directory,
            libc::S_IFBLK => FileType::BlockDevice,
            libc::S_IFREG => FileType::Regular,
            libc::S_IFLNK => FileType::Symlink,
            libc::S_IFSOCK => FileType::Socket,
            #[cfg(any(
                target_os = "freebsd",
                target_os = "dragonfly",
                target_os = "netbsd",
                target_vendor = "apple"
            ))]
            S_IFWHT => FileType::Whiteout,
            _ => FileType::Unknown,
        }
    }

    /// Whether this is [`FileType::Directory`].
    #[must_use]
    pub const fn is_dir(self) -> bool {
        matches!(self, FileType::Directory)
    }

    /// Whether this is [`FileType::Regular`].
    #[must_use]
    pub const fn is_file(self) -> bool {
        matches!(self, FileType::Regular)
    }

    /// Whether this is [`FileType::Symlink`].
    #[must_use]
    pub const fn is_symlink(self) -> bool {
        matches!(self, FileType::Symlink)
    }
}

impl From<std::fs::FileType> for FileType {
    /// The type `std` reports (from `lstat`/`symlink_metadata`).
    fn from(t: std::fs::FileType) -> FileType {
        use std::os::unix::fs::FileTypeExt;
        if t.is_dir() {
            FileType::Directory
        } else if t.is_file() {
            FileType::Regular
        } else if t.is_symlink() {
            FileType::Symlink
        } else if t.is_fifo() {
            FileType::Fifo
        } else if t.is_socket() {
            FileType::Socket
        } else if t.is_char_device() {
            FileType::CharDevice
        } else if t.is_block_device() {
            FileType::BlockDevice
        } else {
            FileType::Unknown
        }
    }
}

/// A directory-record layout: which kernel wrote the buffer.
///
/// [`Layout::NATIVE`] is the layout [`read_dirent`](crate::read_dirent)
/// fills on this platform; the others exist on every host so that buffers of
/// any platform can be parsed (and tested, and fuzzed) anywhere. Integers
/// are read in the host's byte order, as the kernel writes them.
///
/// | layout | record |
/// |---|---|
/// | `FreeBsd` (≥ 12) | `d_fileno u64, d_off i64, d_reclen u16, d_type u8, pad u8, d_namlen u16, pad u16, d_name` |
/// | `DragonFly` | `d_fileno u64, d_namlen u16, d_type u8, pad[5], d_name`; no `d_reclen`: the record is `(16 + namlen + 1 + 7) & !7` bytes |
/// | `NetBsd` | `d_fileno u64, d_reclen u16, d_namlen u16, d_type u8, d_name` |
/// | `OpenBsd` | `d_fileno u64, d_off i64, d_reclen u16, d_type u8, d_namlen u8, pad[4], d_name` |
/// | `Apple` | `d_ino u64, d_seekoff u64, d_reclen u16, d_namlen u16, d_type u8, d_name` (written by this crate's `readdir` shim) |
/// | `Linux` | `d_ino u64, d_off i64, d_reclen u16, d_type u8, d_name` (`getdents64`) |
///
/// Names are NUL-terminated inside the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layout {
    /// FreeBSD 12 and later (`getdirentries`, 64-bit inodes).
    FreeBsd,
    /// DragonFly (`getdirentries`; records without `d_reclen`).
    DragonFly,
    /// NetBSD (`getdents`, the `__getdents30` symbol).
    NetBsd,
    /// OpenBSD (`getdents`).
    OpenBsd,
    /// Apple's `struct dirent` with 64-bit inodes, as this crate writes it
    /// from `readdir`.
    Apple,
    /// Linux `getdents64`.
    Linux,
}

/// Where the fields of one layout are (byte offsets into a record).
struct Fields {
    /// `d_reclen` (u16), or `None` when the record length is computed.
    reclen: Option<usize>,
    /// `d_namlen`: offset and width (1 or 2 bytes), or `None` (Linux).
    namlen: Option<(usize, usize)>,
    /// `d_type` (u8).
    dtype: usize,
    /// `d_off`/`d_seekoff` (8 bytes), where the layout has one.
    off: Option<usize>,
    /// `d_name`: the fixed header's length.
    name: usize,
}

impl Layout {
    /// The layout of the platform this crate was compiled for.
    #[cfg(target_os = "freebsd")]
    pub const NATIVE: Layout = Layout::FreeBsd;
    /// The layout of the platform this crate was compiled for.
    #[cfg(target_os = "dragonfly")]
    pub const NATIVE: Layout = Layout::DragonFly;
    /// The layout of the platform this crate was compiled for.
    #[cfg(target_os = "netbsd")]
    pub const NATIVE: Layout = Layout::NetBsd;
    /// The layout of the platform this crate was compiled for.
    #[cfg(target_os = "openbsd")]
    pub const NATIVE: Layout = Layout::OpenBsd;
    /// The layout of the platform this crate was compiled for.
    #[cfg(target_vendor = "apple")]
    pub const NATIVE: Layout = Layout::Apple;
    /// The layout of the platform this crate was compiled for.
    #[cfg(target_os = "linux")]
    pub const NATIVE: Layout = Layout::Linux;

    /// Every layout.
    pub const ALL: [Layout; 6] = [
        Layout::FreeBsd,
        Layout::DragonFly,
        Layout::NetBsd,
        Layout::OpenBsd,
        Layout::Apple,
        Layout::Linux,
    ];

    const fn fields(self) -> Fields {
        match self {
            Layout::FreeBsd => Fields {
                reclen: Some(16),
                namlen: Some((20, 2)),
                dtype: 18,
                off: Some(8),
                name: 24,
            },
            Layout::DragonFly => Fields {
                reclen: None,
                namlen: Some((8, 2)),
                dtype: 10,
                off: None,
                name: 16,
            },
            Layout::NetBsd => Fields {
                reclen: Some(8),
                namlen: Some((10, 2)),
                dtype: 12,
                off: None,
                name: 13,
            },
            Layout::OpenBsd => Fields {
                reclen: Some(16),
                namlen: Some((19, 1)),
                dtype: 18,
                off: Some(8),
                name: 24,
            },
            Layout::Apple => Fields {
                reclen: Some(16),
                namlen: Some((18, 2)),
                dtype: 20,
                off: Some(8),
                name: 21,
            },
            Layout::Linux => Fields {
                reclen: Some(16),
                namlen: None,
                dtype: 18,
                off: Some(8),
                name: 19,
            },
        }
    }

    /// The length of a record's fixed header: the offset of `d_name`.
    #[must_use]
    pub const fn name_offset(self) -> usize {
        self.fields().name
    }

    /// The longest name a record of this layout can describe (the width of
    /// its `d_namlen`, or of `d_reclen` for Linux). The file system's own
    /// limit (`NAME_MAX`, usually 255) is lower.
    #[must_use]
    pub const fn max_name_len(self) -> usize {
        match self {
            Layout::OpenBsd => u8::MAX as usize,
            // The record length must fit d_reclen (u16) once aligned to 8.
            _ => (u16::MAX as usize & !7) - self.fields().name - 1,
        }
    }

    /// The length of the record [`write_record`](Layout::write_record)
    /// writes for a name of `name_len` bytes: header, name, NUL, padded to a
    /// multiple of 8 as every kernel here pads them. For
    /// [`Layout::DragonFly`] this is also the length the parser computes.
    #[must_use]
    pub const fn record_len(self, name_len: usize) -> usize {
        (self.fields().name + name_len + 1 + 7) & !7
    }

    /// Writes one record at the start of `buf` and returns its length.
    ///
    /// `off` goes into `d_off`/`d_seekoff` where the layout has one;
    /// `d_type` is written as given (see [`FileType::to_dtype`]). Padding
    /// bytes are zeroed. This is how the Apple backend of
    /// [`read_dirent`](crate::read_dirent) writes what `readdir` returns; it
    /// is public for callers emulating a platform's `getdirentries` and for
    /// building test buffers.
    ///
    /// # Errors
    /// - `EINVAL`: `name` is empty or contains a NUL byte, or `buf` is
    ///   shorter than [`record_len`](Layout::record_len)`(name.len())`.
    /// - `ENAMETOOLONG`: `name` is longer than
    ///   [`max_name_len`](Layout::max_name_len).
    pub fn write_record(self, buf: &mut [u8], ino: u64, off: i64, d_type: u8, name: &[u8]) -> Result<usize> {
        if name.is_empty() || name.contains(&0) {
            return Err(Errno::EINVAL);
        }
        if name.len() > self.max_name_len() {
            return Err(Errno::ENAMETOOLONG);
        }
        let f = self.fields();
        let reclen = self.record_len(name.len());
        let rec = buf.get_mut(..reclen).ok_or(Errno::EINVAL)?;
        rec.fill(0);
        put(rec, 0, &ino.to_ne_bytes());
        if let Some(at) = f.off {
            put(rec, at, &off.to_ne_bytes());
        }
        if let Some(at) = f.reclen {
            // reclen ≤ u16::MAX: max_name_len was checked above.
            put(rec, at, &(reclen as u16).to_ne_bytes());
        }
        match f.namlen {
            Some((at, 1)) => put(rec, at, &[name.len() as u8]),
            Some((at, _)) => put(rec, at, &(name.len() as u16).to_ne_bytes()),
            None => {}
        }
        put(rec, f.dtype, &[d_type]);
        put(rec, f.name, name);
        Ok(reclen)
    }
}

/// Copies `bytes` into `rec` at `at`; the caller sized `rec` to hold them.
fn put(rec: &mut [u8], at: usize, bytes: &[u8]) {
    if let Some(dst) = rec.get_mut(at..at + bytes.len()) {
        dst.copy_from_slice(bytes);
    }
}

fn read_u16(rec: &[u8], at: usize) -> Option<u16> {
    let b = rec.get(at..at + 2)?;
    Some(u16::from_ne_bytes([b[0], b[1]]))
}

fn read_u64(rec: &[u8], at: usize) -> Option<u64> {
    let b: [u8; 8] = rec.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_ne_bytes(b))
}

/// One record located in a buffer, without borrowing it: what the parser
/// found at some offset. [`Dir`](crate::Dir) uses the positions to skip
/// `.`/`..` before it borrows the name.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Record {
    pub ino: u64,
    pub d_type: u8,
    /// Where the name starts, relative to the record.
    pub name_start: usize,
    /// The name's length, without the NUL.
    pub name_len: usize,
    /// The record's length: where the next one starts.
    pub reclen: usize,
}

impl Record {
    /// The name without its NUL (`rec` is the buffer from this record's
    /// start). Used by the buffered stream, to skip `.` and `..`.
    pub fn name<'a>(&self, rec: &'a [u8]) -> &'a [u8] {
        rec.get(self.name_start..self.name_start + self.name_len)
            .unwrap_or_default()
    }

    /// The name with its NUL (`rec` is the buffer from this record's start).
    fn name_with_nul<'a>(&self, rec: &'a [u8]) -> &'a [u8] {
        rec.get(self.name_start..self.name_start + self.name_len + 1)
            .unwrap_or_default()
    }

    /// The entry this record describes, borrowing its name from `rec`
    /// without scanning it again (this runs once per directory entry).
    ///
    /// # Safety
    /// `rec` must be the bytes [`parse_record`] returned this record for
    /// (from the record's start), unchanged since.
    #[inline]
    pub unsafe fn dirent<'a>(&self, rec: &'a [u8]) -> Dirent<'a> {
        let with_nul = self.name_with_nul(rec);
        debug_assert!(CStr::from_bytes_with_nul(with_nul).is_ok());
        // SAFETY: parse_record checked that these bytes, in this very
        // buffer (the caller's promise), are non-empty, end with a NUL and
        // hold no other NUL.
        let name = unsafe { CStr::from_bytes_with_nul_unchecked(with_nul) };
        Dirent {
            ino: self.ino,
            file_type: FileType::from_dtype(self.d_type),
            raw_type: self.d_type,
            name,
        }
    }
}

/// The index of the first NUL byte, eight bytes at a time. Names are short
/// (usually under 32 bytes): an inlined word loop beats a call to `memchr`.
#[inline(always)]
fn first_nul(bytes: &[u8]) -> Option<usize> {
    let n = bytes.len();
    let mut at = 0;
    while let Some(z) = bytes.get(at..at + 8).and_then(zero_byte) {
        if z < 8 {
            return Some(at + z);
        }
        at += 8;
    }
    if n >= 8 {
        // The last eight bytes, overlapping the words already seen: those
        // had no zero, so the first zero here is the first zero at all.
        let tail = n - 8;
        return bytes
            .get(tail..)
            .and_then(zero_byte)
            .filter(|&z| z < 8)
            .map(|z| tail + z);
    }
    bytes.iter().position(|&b| b == 0)
}

/// The index of the first zero byte in an 8-byte slice (8 if none); `None`
/// if the slice is not 8 bytes.
#[inline(always)]
fn zero_byte(w: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let w: [u8; 8] = w.try_into().ok()?;
    // Little-endian whatever the host: byte i of the slice is bits 8i..8i+8.
    // The lowest flagged byte is the first zero byte (the trick can flag a
    // byte above a zero byte, never one below it).
    let v = u64::from_le_bytes(w);
    let zero = v.wrapping_sub(LO) & !v & HI;
    Some((zero.trailing_zeros() / 8) as usize)
}

/// Locates and validates the record at the start of `rec` (which extends to
/// the end of the filled part of the buffer).
///
/// Every length is checked against `rec` before it is used: a record whose
/// header does not fit, whose length is 0 or runs past the end, whose name
/// runs past the record, is empty, has no NUL where the length says, or has
/// a NUL inside, is `EINVAL`.
#[inline]
pub(crate) fn parse_record(layout: Layout, rec: &[u8]) -> Result<Record> {
    let f = layout.fields();
    if rec.len() < f.name {
        return Err(Errno::EINVAL);
    }
    let ino = read_u64(rec, 0).ok_or(Errno::EINVAL)?;
    let d_type = *rec.get(f.dtype).ok_or(Errno::EINVAL)?;
    let namlen = match f.namlen {
        Some((at, 1)) => Some(usize::from(*rec.get(at).ok_or(Errno::EINVAL)?)),
        Some((at, _)) => Some(usize::from(read_u16(rec, at).ok_or(Errno::EINVAL)?)),
        None => None,
    };
    let reclen = match (f.reclen, namlen) {
        (Some(at), _) => usize::from(read_u16(rec, at).ok_or(Errno::EINVAL)?),
        (None, Some(n)) => layout.record_len(n),
        (None, None) => return Err(Errno::EINVAL),
    };
    // A record must hold its header, one name byte and the NUL; this also
    // rejects reclen == 0, which would never advance.
    if reclen < f.name + 2 || reclen > rec.len() {
        return Err(Errno::EINVAL);
    }
    let body = rec.get(f.name..reclen).ok_or(Errno::EINVAL)?;
    let name_len = match namlen {
        Some(n) => {
            // The name and its NUL lie inside the record, and the name has
            // no NUL of its own.
            let with_nul = body.get(..n + 1).ok_or(Errno::EINVAL)?;
            if first_nul(with_nul) != Some(n) {
                return Err(Errno::EINVAL);
            }
            n
        }
        // Linux: the name ends at the first NUL in the record.
        None => first_nul(body).ok_or(Errno::EINVAL)?,
    };
    if name_len == 0 {
        return Err(Errno::EINVAL);
    }
    Ok(Record {
        ino,
        d_type,
        name_start: f.name,
        name_len,
        reclen,
    })
}

/// One directory entry: inode number, type and name, borrowed from the
/// buffer that holds the record.
///
/// The name is the file name only (no directory part), as the kernel stored
/// it: any bytes but `/` and NUL, not necessarily UTF-8.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dirent<'a> {
    pub(crate) ino: u64,
    pub(crate) file_type: FileType,
    pub(crate) raw_type: u8,
    pub(crate) name: &'a CStr,
}

impl<'a> Dirent<'a> {
    /// The inode number (`d_fileno`/`d_ino`).
    #[must_use]
    pub fn ino(&self) -> u64 {
        self.ino
    }

    /// The entry's type as the kernel reported it in `d_type` — or, for
    /// entries of a [`Dir`](crate::Dir) with
    /// [`resolve_types`](crate::Dir::resolve_types) on, as `fstatat` found
    /// it when the kernel said [`FileType::Unknown`].
    #[must_use]
    pub fn file_type(&self) -> FileType {
        self.file_type
    }

    /// The raw `d_type` byte of the record, kept even when it is a value
    /// [`FileType`] does not name.
    #[must_use]
    pub fn raw_type(&self) -> u8 {
        self.raw_type
    }

    /// The name, NUL-terminated (ready for `openat` and friends).
    #[must_use]
    pub fn name(&self) -> &'a CStr {
        self.name
    }

    /// The name's bytes, without the NUL.
    #[must_use]
    pub fn name_bytes(&self) -> &'a [u8] {
        self.name.to_bytes()
    }

    /// The name as an [`OsStr`], for joining onto a [`Path`](std::path::Path).
    #[must_use]
    pub fn file_name(&self) -> &'a OsStr {
        OsStr::from_bytes(self.name.to_bytes())
    }

    /// Whether the name is `.` or `..`.
    #[must_use]
    pub fn is_dot_or_dotdot(&self) -> bool {
        is_dot_or_dotdot(self.name.to_bytes())
    }

    /// The entry's type, asking `fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW)`
    /// when the kernel's record said [`FileType::Unknown`] (some file
    /// systems never fill `d_type`). `dirfd` must be the directory the entry
    /// was read from. A known type is returned without a system call.
    ///
    /// # Errors
    /// What `fstatat` fails with: `ENOENT` if the entry was removed since it
    /// was read (or `dirfd` is not the directory it came from), and the
    /// like.
    ///
    /// # References
    #[doc = crate::man_links!(2, "fstatat", "stat", "fstatat", "fstatat", "fstatat", "fstatat")]
    pub fn file_type_at<Fd: std::os::fd::AsFd>(&self, dirfd: Fd) -> Result<FileType> {
        if self.file_type != FileType::Unknown {
            return Ok(self.file_type);
        }
        crate::sys::fstatat_type(dirfd.as_fd(), self.name)
    }

    /// An owned copy of the entry (allocates the name).
    #[must_use]
    pub fn to_entry(&self) -> DirEntry {
        DirEntry::from(*self)
    }
}

impl fmt::Debug for Dirent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dirent")
            .field("ino", &self.ino)
            .field("file_type", &self.file_type)
            .field("name", &self.name)
            .finish()
    }
}

pub(crate) fn is_dot_or_dotdot(name: &[u8]) -> bool {
    matches!(name, b"." | b"..")
}

/// An owned directory entry: what [`Dirent`] borrows, with the name copied.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DirEntry {
    ino: u64,
    file_type: FileType,
    name: OsString,
}

impl DirEntry {
    /// The inode number.
    #[must_use]
    pub fn ino(&self) -> u64 {
        self.ino
    }

    /// The entry's type (see [`Dirent::file_type`]).
    #[must_use]
    pub fn file_type(&self) -> FileType {
        self.file_type
    }

    /// The name.
    #[must_use]
    pub fn file_name(&self) -> &OsStr {
        &self.name
    }

    /// The name, by value.
    #[must_use]
    pub fn into_file_name(self) -> OsString {
        self.name
    }
}

impl From<Dirent<'_>> for DirEntry {
    fn from(d: Dirent<'_>) -> DirEntry {
        DirEntry {
            ino: d.ino,
            file_type: d.file_type,
            name: d.file_name().to_os_string(),
        }
    }
}

/// An iterator over the records in a buffer filled by
/// [`read_dirent`](crate::read_dirent) (or by any kernel, with
/// [`Dirents::with_layout`]).
///
/// It yields every record, `.` and `..` included, as a [`Dirent`] that
/// borrows the buffer: no allocation. Each record is validated before it is
/// read; a corrupt one — zero or overlong `d_reclen`, a header cut off by
/// the end of the buffer, a name running past its record, an empty name, a
/// missing NUL or a NUL inside the name — yields `Err(EINVAL)` and ends the
/// iteration. It never reads past the buffer and always ends: each record it
/// yields is at least [`Layout::name_offset`]` + 2` bytes.
///
/// ```
/// use bsd_fs::{Dirents, FileType, Layout};
///
/// // Two records as Linux's getdents64 writes them, built with the encoder.
/// let mut buf = [0u8; 64];
/// let a = Layout::Linux.write_record(&mut buf, 7, 1, FileType::Regular.to_dtype(), b"a.txt")?;
/// let b = Layout::Linux.write_record(&mut buf[a..], 8, 2, FileType::Directory.to_dtype(), b"sub")?;
///
/// let names: Vec<_> = Dirents::with_layout(&buf[..a + b], Layout::Linux)
///     .map(|e| e.map(|e| (e.ino(), e.file_type(), e.name_bytes())))
///     .collect::<Result<_, _>>()?;
/// assert_eq!(names, [(7, FileType::Regular, &b"a.txt"[..]), (8, FileType::Directory, &b"sub"[..])]);
///
/// // A record claiming to be longer than the buffer is an error, then the end.
/// let mut it = Dirents::with_layout(&buf[..a - 1], Layout::Linux);
/// assert_eq!(it.next(), Some(Err(bsd_errno::Errno::EINVAL)));
/// assert_eq!(it.next(), None);
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
#[derive(Clone)]
#[doc(alias = "ParseDirent")]
pub struct Dirents<'a> {
    buf: &'a [u8],
    layout: Layout,
}

impl<'a> Dirents<'a> {
    /// The records in `buf`, in this platform's layout
    /// ([`Layout::NATIVE`]). Pass only the filled part: `&buf[..n]` where
    /// `n` is what [`read_dirent`](crate::read_dirent) returned.
    #[must_use]
    pub fn new(buf: &'a [u8]) -> Dirents<'a> {
        Dirents::with_layout(buf, Layout::NATIVE)
    }

    /// The records in `buf`, written by the kernel of `layout`.
    #[must_use]
    pub fn with_layout(buf: &'a [u8], layout: Layout) -> Dirents<'a> {
        Dirents { buf, layout }
    }

    /// The bytes not parsed yet.
    #[must_use]
    pub fn remaining(&self) -> &'a [u8] {
        self.buf
    }
}

impl<'a> Iterator for Dirents<'a> {
    type Item = Result<Dirent<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.buf.is_empty() {
            return None;
        }
        let buf = self.buf;
        match parse_record(self.layout, buf) {
            Ok(r) => {
                self.buf = buf.get(r.reclen..).unwrap_or_default();
                // SAFETY: `buf` is the slice `r` was parsed from.
                Some(Ok(unsafe { r.dirent(buf) }))
            }
            Err(e) => {
                self.buf = &[];
                Some(Err(e))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let min = self.layout.name_offset() + 2;
        (usize::from(!self.buf.is_empty()), Some(self.buf.len().div_ceil(min)))
    }
}

impl FusedIterator for Dirents<'_> {}

impl fmt::Debug for Dirents<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dirents")
            .field("layout", &self.layout)
            .field("remaining", &self.buf.len())
            .finish()
    }
}

#[cfg(test)]
#[path = "dirent/tests.rs"]
mod tests;
