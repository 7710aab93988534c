//! Linux: the tree is `/proc/sys`, a value is a file's text.
//!
//! The `sysctl(2)` system call is gone (Linux 5.5). A name maps to a path by
//! swapping `.` and `/` (see `name.rs`), after checks that keep every path
//! inside `/proc/sys`. A [`Ctl`] keeps its file open and re-reads it with
//! `pread` at offset 0: one system call per read. The BSD names every
//! system has (`kern.ostype`, `hw.ncpu`, …) are aliases with the BSD types;
//! see [`ALIASES`].

use crate::name::{self, CTL_MAXNAME};
use crate::value::{self, Kind, Layout, LoadAvg, Value};
use crate::Number;
use bsd_errno::{check, Errno, Result};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::SystemTime;

/// Where a BSD alias's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// A `/proc/sys` entry, by its Linux name.
    File(&'static str),
    /// `/proc/loadavg`.
    LoadAvg,
    /// `CLOCK_REALTIME - CLOCK_BOOTTIME`: the time the system booted.
    BootTime,
    /// `sysconf(_SC_NPROCESSORS_ONLN)`.
    Ncpu,
    /// `sysconf(_SC_PAGESIZE)`.
    PageSize,
    /// `sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE)`.
    PhysMem,
    /// `uname().machine`.
    Machine,
}

/// A BSD name on Linux.
#[derive(Debug)]
pub(crate) struct Alias {
    name: &'static str,
    source: Source,
    kind: Kind,
    fmt: &'static str,
}

/// The BSD names this crate answers on Linux, with the BSD type, and where
/// the value comes from. See the crate docs for the table.
static ALIASES: &[Alias] = &[
    Alias {
        name: "kern.ostype",
        source: Source::File("kernel.ostype"),
        kind: Kind::String,
        fmt: "A",
    },
    Alias {
        name: "kern.osrelease",
        source: Source::File("kernel.osrelease"),
        kind: Kind::String,
        fmt: "A",
    },
    Alias {
        name: "kern.version",
        source: Source::File("kernel.version"),
        kind: Kind::String,
        fmt: "A",
    },
    Alias {
        name: "kern.hostname",
        source: Source::File("kernel.hostname"),
        kind: Kind::String,
        fmt: "A",
    },
    Alias {
        name: "kern.domainname",
        source: Source::File("kernel.domainname"),
        kind: Kind::String,
        fmt: "A",
    },
    Alias {
        name: "kern.boottime",
        source: Source::BootTime,
        kind: Kind::Opaque,
        fmt: "S,timeval",
    },
    Alias {
        name: "kern.maxfiles",
        source: Source::File("fs.file-max"),
        kind: Kind::Int,
        fmt: "I",
    },
    Alias {
        name: "kern.maxproc",
        source: Source::File("kernel.threads-max"),
        kind: Kind::Int,
        fmt: "I",
    },
    Alias {
        name: "hw.ncpu",
        source: Source::Ncpu,
        kind: Kind::Int,
        fmt: "I",
    },
    Alias {
        name: "hw.pagesize",
        source: Source::PageSize,
        kind: Kind::Int,
        fmt: "I",
    },
    Alias {
        name: "hw.physmem",
        source: Source::PhysMem,
        // 64 bits on every target (the BSDs' `unsigned long` is 32 bits on
        // 32-bit systems, which would not hold more than 4 GiB).
        kind: Kind::U64,
        fmt: "QU",
    },
    Alias {
        name: "hw.machine",
        source: Source::Machine,
        kind: Kind::String,
        fmt: "A",
    },
    Alias {
        name: "vm.loadavg",
        source: Source::LoadAvg,
        kind: Kind::Opaque,
        fmt: "S,loadavg",
    },
];

fn alias(name: &str) -> Option<&'static Alias> {
    ALIASES.iter().find(|a| a.name == name)
}

/// Paths up to this long are built on the stack.
const STACK_PATH: usize = 256;
/// The first read of a value goes into a stack buffer of this size; a
/// value that fills it is read again into a growing heap buffer.
const STACK_READ: usize = 512;
/// The largest value read (`/proc/sys` values are small; this bounds a
/// runaway file).
const MAX_READ: usize = 16 << 20;

/// Calls `f` with `/proc/sys/<path of name>` as a C string. The name must
/// have been validated.
fn with_path<T>(name: &str, f: impl FnOnce(&core::ffi::CStr) -> Result<T>) -> Result<T> {
    let mut stack = [0u8; STACK_PATH];
    let mut heap;
    let buf: &mut [u8] = if name::PROC_SYS.len() + name.len() < STACK_PATH {
        &mut stack
    } else {
        heap = vec![0u8; name::PROC_SYS.len() + name.len() + 1];
        &mut heap
    };
    let len = name::linux_path(name, buf)?;
    let c = core::ffi::CStr::from_bytes_with_nul(buf.get(..=len).ok_or(Errno::EINVAL)?).map_err(|_| Errno::EINVAL)?;
    f(c)
}

fn validate(name: &str) -> Result<()> {
    name::validate(name, CTL_MAXNAME, true).map(drop)
}

/// `open(path, flags | O_CLOEXEC)`. A path through a file (`kernel.ostype.x`)
/// is `ENOENT`: no such node.
fn open(path: &core::ffi::CStr, flags: libc::c_int) -> Result<OwnedFd> {
    // SAFETY: `path` is NUL-terminated; open has no other memory effects.
    match check(unsafe { libc::open(path.as_ptr(), flags | libc::O_CLOEXEC | libc::O_NOCTTY) }) {
        // SAFETY: the descriptor was just returned by open and is ours.
        Ok(fd) => Ok(unsafe { OwnedFd::from_raw_fd(fd) }),
        Err(Errno::ENOTDIR) => Err(Errno::ENOENT),
        Err(e) => Err(e),
    }
}

fn stat(path: &core::ffi::CStr) -> Result<libc::stat> {
    // SAFETY: plain old data; all-zero is valid.
    let mut st: libc::stat = unsafe { core::mem::zeroed() };
    // SAFETY: `path` is NUL-terminated and `st` is writable.
    match check(unsafe { libc::stat(path.as_ptr(), &mut st) }) {
        Ok(_) => Ok(st),
        Err(Errno::ENOTDIR) => Err(Errno::ENOENT),
        Err(e) => Err(e),
    }
}

fn fstat(fd: RawFd) -> Result<libc::stat> {
    // SAFETY: plain old data; all-zero is valid.
    let mut st: libc::stat = unsafe { core::mem::zeroed() };
    // SAFETY: `st` is writable; a bad descriptor is an error, not UB.
    check(unsafe { libc::fstat(fd, &mut st) })?;
    Ok(st)
}

/// `pread(fd, buf, 0)`: one read from the start of the value.
#[inline]
fn pread0(fd: RawFd, buf: &mut [u8]) -> Result<usize> {
    // SAFETY: `buf` is writable for its length.
    let n = check(unsafe { libc::pread(fd, buf.as_mut_ptr().cast(), buf.len(), 0) })?;
    Ok(n.unsigned_abs())
}

/// Reads the whole value of `fd` from offset 0 and passes it to `f`.
///
/// A sysctl file produces its value in one read (its handler formats into
/// the reader's buffer, and an integer vector cannot be continued at a
/// non-zero offset), so a read that does not fill the buffer is the whole
/// value; one that does is repeated from 0 with a buffer twice as large.
#[inline]
fn with_contents<T>(fd: RawFd, f: impl FnOnce(&[u8]) -> Result<T>) -> Result<T> {
    let mut stack = [0u8; STACK_READ];
    let n = pread0(fd, &mut stack)?;
    if n < stack.len() {
        return f(stack.get(..n).unwrap_or_default());
    }
    let mut heap = vec![0u8; STACK_READ * 4];
    loop {
        let n = pread0(fd, &mut heap)?;
        if n < heap.len() {
            return f(heap.get(..n).unwrap_or_default());
        }
        if heap.len() >= MAX_READ {
            return Err(Errno::EFBIG);
        }
        heap.resize(heap.len() * 2, 0);
    }
}

/// A file's text without its one trailing newline.
#[inline]
fn text(bytes: &[u8]) -> &[u8] {
    bytes.strip_suffix(b"\n").unwrap_or(bytes)
}

fn utf8(bytes: &[u8]) -> Result<&str> {
    core::str::from_utf8(bytes).map_err(|_| Errno::EILSEQ)
}

/// Parses a file's text as a number: `EINVAL` if it is not one, `ERANGE`
/// if it does not fit.
pub(crate) fn parse<T: Number>(bytes: &[u8]) -> Result<T> {
    let s = utf8(text(bytes)).map_err(|_| Errno::EINVAL)?;
    T::parse(s)
}

/// Reads the file at `name`'s path in one open, read, close.
fn read_file<T>(name: &str, f: impl FnOnce(&[u8]) -> Result<T>) -> Result<T> {
    with_path(name, |path| {
        let fd = open(path, libc::O_RDONLY)?;
        with_contents(fd.as_raw_fd(), f)
    })
}

/// The value of a computed (non-file) alias.
fn computed(source: Source) -> Result<Value> {
    let sysconf = |what| -> Result<i64> {
        Errno::set_last(Errno::from_raw(0));
        // SAFETY: sysconf only reads its argument.
        let v = unsafe { libc::sysconf(what) };
        if v < 0 {
            let e = Errno::last();
            return Err(if e.raw() == 0 { Errno::EINVAL } else { e });
        }
        // `long` is 32 bits on some targets.
        #[allow(clippy::useless_conversion)]
        Ok(i64::from(v))
    };
    match source {
        Source::Ncpu => Ok(Value::I32(
            i32::try_from(sysconf(libc::_SC_NPROCESSORS_ONLN)?).unwrap_or(i32::MAX),
        )),
        Source::PageSize => Ok(Value::I32(
            i32::try_from(sysconf(libc::_SC_PAGESIZE)?).unwrap_or(i32::MAX),
        )),
        Source::PhysMem => {
            let pages = sysconf(libc::_SC_PHYS_PAGES)?;
            let size = sysconf(libc::_SC_PAGESIZE)?;
            let bytes = pages.checked_mul(size).ok_or(Errno::EOVERFLOW)?;
            Ok(Value::U64(bytes.unsigned_abs()))
        }
        Source::Machine => {
            // SAFETY: plain old data; all-zero is valid.
            let mut u: libc::utsname = unsafe { core::mem::zeroed() };
            // SAFETY: `u` is writable.
            check(unsafe { libc::uname(&mut u) })?;
            let m: Vec<u8> = u.machine.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect();
            Ok(Value::String(String::from_utf8(m).map_err(|_| Errno::EILSEQ)?))
        }
        Source::BootTime => boottime().map(Value::Time),
        Source::File(_) | Source::LoadAvg => Err(Errno::EINVAL),
    }
}

fn clock(id: libc::clockid_t) -> Result<i128> {
    // SAFETY: plain old data; all-zero is valid.
    let mut ts: libc::timespec = unsafe { core::mem::zeroed() };
    // SAFETY: `ts` is writable.
    check(unsafe { libc::clock_gettime(id, &mut ts) })?;
    Ok(i128::from(ts.tv_sec) * 1_000_000_000 + i128::from(ts.tv_nsec))
}

/// When the system booted: the wall clock minus the time since boot
/// (suspend included), as `/proc/stat`'s `btime` is computed, to the
/// microsecond.
///
/// Computed once per process and then fixed, as the BSD kernels' value
/// is: two reads of the two clocks a few nanoseconds apart would otherwise
/// give boot times that differ by a microsecond now and then. (Stepping the
/// wall clock moves neither the BSDs' `kern.boottime` nor this one.)
fn boottime() -> Result<SystemTime> {
    static BOOT: std::sync::OnceLock<SystemTime> = std::sync::OnceLock::new();
    if let Some(t) = BOOT.get() {
        return Ok(*t);
    }
    let t = boottime_now()?;
    Ok(*BOOT.get_or_init(|| t))
}

/// [`boottime`], computed from the clocks now, rounded down to the
/// microsecond (the BSDs' `struct timeval`).
fn boottime_now() -> Result<SystemTime> {
    let since_boot = clock(libc::CLOCK_BOOTTIME)?;
    let now = clock(libc::CLOCK_REALTIME)?;
    let usecs = (now - since_boot).div_euclid(1000);
    let sec = i64::try_from(usecs.div_euclid(1_000_000)).map_err(|_| Errno::EOVERFLOW)?;
    let nsec = i64::try_from(usecs.rem_euclid(1_000_000) * 1000).map_err(|_| Errno::EOVERFLOW)?;
    value::time_from_parts(sec, nsec)
}

/// `/proc/loadavg`'s first three fields (`0.12 0.34 0.56 …`), exactly: the
/// kernel prints two decimals, so the scale is 100.
fn parse_loadavg(bytes: &[u8]) -> Result<LoadAvg> {
    let s = utf8(bytes).map_err(|_| Errno::EIO)?;
    let mut fields = s.split_ascii_whitespace();
    let mut ldavg = [0u32; 3];
    for l in &mut ldavg {
        let f = fields.next().ok_or(Errno::EIO)?;
        let (int, frac) = f.split_once('.').ok_or(Errno::EIO)?;
        if frac.len() != 2 {
            return Err(Errno::EIO);
        }
        let int: u32 = int.parse().map_err(|_| Errno::EIO)?;
        let frac: u32 = frac.parse().map_err(|_| Errno::EIO)?;
        *l = int
            .checked_mul(100)
            .and_then(|v| v.checked_add(frac))
            .ok_or(Errno::EIO)?;
    }
    Ok(LoadAvg { ldavg, fscale: 100 })
}

/// An alias's value from its file's bytes.
fn from_file(a: &Alias, bytes: &[u8]) -> Result<Value> {
    match (a.source, a.kind) {
        (Source::LoadAvg, _) => parse_loadavg(bytes).map(Value::LoadAvg),
        (_, Kind::String) => Ok(Value::String(utf8(text(bytes))?.to_owned())),
        // The BSDs' int: a larger Linux value (fs.file-max can be
        // LONG_MAX) saturates.
        (_, Kind::Int) => {
            let v: i64 = parse(bytes)?;
            Ok(Value::I32(i32::try_from(v.max(0)).unwrap_or(i32::MAX)))
        }
        _ => Err(Errno::EINVAL),
    }
}

/// A BSD alias's value, reading its file by path when it has one.
fn alias_value(a: &Alias) -> Result<Value> {
    match a.source {
        Source::File(linux) => read_file(linux, |b| from_file(a, b)),
        Source::LoadAvg => {
            let fd = open(c"/proc/loadavg", libc::O_RDONLY)?;
            with_contents(fd.as_raw_fd(), |b| from_file(a, b))
        }
        other => computed(other),
    }
}

/// An integer value as `T`: `ERANGE` if it does not fit, `EINVAL` if the
/// value is not an integer.
fn value_as<T: Number>(v: &Value) -> Result<T> {
    let i = v.as_i128().ok_or(Errno::EINVAL)?;
    T::try_from(i).map_err(|_| Errno::ERANGE)
}

/// Exactly `T`'s width of native-endian bytes, as the BSD calls read them
/// (`EIO` otherwise).
fn exact<T: Number>(v: &Value, kind: Kind) -> Result<T> {
    let bytes = value::encode(v, kind, &Layout::NATIVE, true)?;
    T::from_ne(&bytes).ok_or(Errno::EIO)
}

// ---- Go's calls: `syscall.Sysctl`, `syscall.SysctlUint32` ----

pub(crate) fn read_vec(name: &str) -> Result<Vec<u8>> {
    validate(name)?;
    if let Some(a) = alias(name) {
        return value::encode(&alias_value(a)?, a.kind, &Layout::NATIVE, true);
    }
    read_file(name, |b| Ok(b.to_vec()))
}

pub(crate) fn read_string(name: &str) -> Result<String> {
    validate(name)?;
    if let Some(a) = alias(name) {
        let bytes = value::encode(&alias_value(a)?, a.kind, &Layout::NATIVE, true)?;
        let bytes = bytes.strip_suffix(&[0]).unwrap_or(&bytes);
        return Ok(utf8(bytes)?.to_owned());
    }
    read_file(name, |b| Ok(utf8(text(b))?.to_owned()))
}

pub(crate) fn read_number<T: Number>(name: &str) -> Result<T> {
    validate(name)?;
    if let Some(a) = alias(name) {
        return exact(&alias_value(a)?, a.kind);
    }
    read_file(name, parse)
}

pub(crate) fn read_uint(name: &str) -> Result<u64> {
    validate(name)?;
    if let Some(a) = alias(name) {
        return value_as(&alias_value(a)?);
    }
    read_file(name, parse)
}

/// Linux has no numeric names: `EOPNOTSUPP` for a valid name.
pub(crate) fn name_to_mib(name: &str) -> Result<crate::Mib> {
    validate(name)?;
    Err(Errno::EOPNOTSUPP)
}

// ---- Ctl ----

/// What a [`Ctl`] reads.
#[derive(Debug)]
enum Target {
    /// A `/proc/sys` file; `fd` is open for reading unless the file has no
    /// read permission for us.
    File { fd: Option<OwnedFd> },
    /// A `/proc/sys` directory.
    Dir,
    /// A BSD alias; `fd` is its file, kept open, if it has one.
    Alias { alias: &'static Alias, fd: Option<OwnedFd> },
}

/// A resolved `/proc/sys` entry or alias.
#[derive(Debug)]
pub(crate) struct Ctl {
    name: String,
    target: Target,
    /// The file's mode (permission bits), 0 for a computed alias.
    mode: libc::mode_t,
}

impl Ctl {
    pub(crate) fn new(name: &str) -> Result<Ctl> {
        validate(name)?;
        if let Some(a) = alias(name) {
            let (fd, mode) = match a.source {
                Source::File(linux) => with_path(linux, |p| {
                    let fd = open(p, libc::O_RDONLY)?;
                    let mode = fstat(fd.as_raw_fd())?.st_mode;
                    Ok((Some(fd), mode))
                })?,
                Source::LoadAvg => {
                    let fd = open(c"/proc/loadavg", libc::O_RDONLY)?;
                    let mode = fstat(fd.as_raw_fd())?.st_mode;
                    (Some(fd), mode)
                }
                _ => (None, libc::S_IRUSR | libc::S_IRGRP | libc::S_IROTH),
            };
            return Ok(Ctl {
                name: name.to_owned(),
                target: Target::Alias { alias: a, fd },
                mode,
            });
        }
        with_path(name, |path| {
            let (fd, st) = match open(path, libc::O_RDONLY) {
                Ok(fd) => {
                    let st = fstat(fd.as_raw_fd())?;
                    (Some(fd), st)
                }
                // A write-only entry (vm.drop_caches), or one we may not
                // read: it exists, and may still be written.
                Err(Errno::EACCES) => (None, stat(path)?),
                Err(e) => return Err(e),
            };
            let target = if st.st_mode & libc::S_IFMT == libc::S_IFDIR {
                Target::Dir
            } else {
                Target::File { fd }
            };
            Ok(Ctl {
                name: name.to_owned(),
                target,
                mode: st.st_mode,
            })
        })
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn kind(&self) -> Kind {
        match &self.target {
            Target::File { .. } => Kind::String,
            Target::Dir => Kind::Node,
            Target::Alias { alias, .. } => alias.kind,
        }
    }

    pub(crate) fn format(&self) -> &str {
        match &self.target {
            Target::File { .. } => "A",
            Target::Dir => "N",
            Target::Alias { alias, .. } => alias.fmt,
        }
    }

    pub(crate) fn description(&self) -> Result<Option<String>> {
        Ok(None)
    }

    pub(crate) fn mib(&self) -> Option<&crate::Mib> {
        None
    }

    pub(crate) fn readable(&self) -> bool {
        self.mode & libc::S_IRUSR != 0
    }

    pub(crate) fn writable(&self) -> bool {
        match &self.target {
            Target::Alias { alias, .. } => matches!(alias.source, Source::File(_)) && self.mode & libc::S_IWUSR != 0,
            Target::Dir => false,
            Target::File { .. } => self.mode & libc::S_IWUSR != 0,
        }
    }

    /// The open file, or `EACCES` for an entry we may not read, `EISDIR` for
    /// a directory.
    #[inline]
    fn fd(&self) -> Result<RawFd> {
        match &self.target {
            Target::File { fd: Some(fd) } | Target::Alias { fd: Some(fd), .. } => Ok(fd.as_raw_fd()),
            Target::File { fd: None } => Err(Errno::EACCES),
            Target::Dir => Err(Errno::EISDIR),
            Target::Alias { .. } => Err(Errno::EINVAL),
        }
    }

    pub(crate) fn value(&self) -> Result<Value> {
        match &self.target {
            Target::Alias { alias, fd: Some(fd) } => with_contents(fd.as_raw_fd(), |b| from_file(alias, b)),
            Target::Alias { alias, fd: None } => computed(alias.source),
            _ => with_contents(self.fd()?, |b| Ok(Value::String(utf8(text(b))?.to_owned()))),
        }
    }

    #[inline]
    pub(crate) fn value_string(&self) -> Result<String> {
        match &self.target {
            Target::Alias { .. } => Ok(self.value()?.to_string()),
            _ => with_contents(self.fd()?, |b| Ok(utf8(text(b))?.to_owned())),
        }
    }

    pub(crate) fn value_bytes(&self) -> Result<Vec<u8>> {
        match &self.target {
            Target::Alias { alias, .. } => value::encode(&self.value()?, alias.kind, &Layout::NATIVE, true),
            _ => with_contents(self.fd()?, |b| Ok(b.to_vec())),
        }
    }

    #[inline]
    pub(crate) fn read(&self, buf: &mut [u8]) -> Result<usize> {
        let copy = |src: &[u8], buf: &mut [u8]| -> Result<usize> {
            buf.get_mut(..src.len()).ok_or(Errno::ENOMEM)?.copy_from_slice(src);
            Ok(src.len())
        };
        match &self.target {
            Target::Alias { .. } => copy(&self.value_bytes()?, buf),
            _ => {
                let fd = self.fd()?;
                // Straight into the caller's buffer. A read that fills it
                // may have been cut short: read the whole value to know.
                let n = pread0(fd, buf)?;
                if n < buf.len() {
                    return Ok(n);
                }
                with_contents(fd, |b| copy(b, buf))
            }
        }
    }

    #[inline]
    pub(crate) fn value_number<T: Number>(&self) -> Result<T> {
        match &self.target {
            Target::Alias { .. } => value_as(&self.value()?),
            _ => with_contents(self.fd()?, parse),
        }
    }

    pub(crate) fn set_bytes(&self, bytes: &[u8]) -> Result<()> {
        let linux = match (&self.target, self.name.as_str()) {
            (Target::Alias { alias, .. }, _) => match alias.source {
                Source::File(linux) => linux,
                _ => return Err(Errno::EPERM),
            },
            (Target::Dir, _) => return Err(Errno::EISDIR),
            (Target::File { .. }, name) => name,
        };
        with_path(linux, |path| {
            let fd = open(path, libc::O_WRONLY)?;
            // SAFETY: `bytes` is readable for its length.
            let n = check(unsafe { libc::pwrite(fd.as_raw_fd(), bytes.as_ptr().cast(), bytes.len(), 0) })?;
            if n.unsigned_abs() != bytes.len() {
                return Err(Errno::EIO);
            }
            Ok(())
        })
    }

    pub(crate) fn set_value(&self, v: &Value) -> Result<()> {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Array(items) if items.iter().all(|i| i.as_i128().is_some()) => v.to_string(),
            v if v.as_i128().is_some() => v.as_i128().unwrap_or_default().to_string(),
            _ => return Err(Errno::EINVAL),
        };
        if text.as_bytes().contains(&0) {
            return Err(Errno::EINVAL);
        }
        self.set_bytes(text.as_bytes())
    }
}

// ---- The walk ----

/// What a walk's node carries on Linux: nothing beyond its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NodeInner;

impl NodeInner {
    pub(crate) fn mib(&self) -> Option<&crate::Mib> {
        None
    }
}

impl Ctl {
    pub(crate) fn from_node(name: &str, _inner: &NodeInner) -> Result<Ctl> {
        Ctl::new(name)
    }
}

/// Whether `name` is one of the BSD aliases.
pub(crate) fn is_alias(name: &str) -> bool {
    alias(name).is_some()
}

/// The aliases at or below `prefix` (all of them for `""`), in table order.
fn aliases_below(prefix: &str) -> Vec<String> {
    ALIASES
        .iter()
        .filter(|a| {
            prefix.is_empty() || a.name == prefix || a.name.strip_prefix(prefix).is_some_and(|r| r.starts_with('.'))
        })
        .map(|a| a.name.to_owned())
        .collect()
}

/// A depth-first walk of `/proc/sys` in directory order, as procps'
/// sysctl(8) walks it, then the aliases below the prefix; or only the
/// aliases, for a BSD prefix that is no `/proc/sys` entry (`kern`, `hw`).
#[derive(Debug)]
pub(crate) struct Walk {
    /// Open directories, innermost last, with their names.
    stack: Vec<(std::fs::ReadDir, String)>,
    /// Nodes to yield before the stack (a single file).
    pending: std::vec::IntoIter<String>,
    /// Nodes to yield after the stack: the aliases below the prefix.
    after: std::vec::IntoIter<String>,
}

fn io_errno(e: &std::io::Error) -> Errno {
    e.raw_os_error().map_or(Errno::EIO, Errno::from_raw)
}

impl Walk {
    pub(crate) fn new(prefix: &str) -> Result<Walk> {
        name::validate_prefix(prefix, CTL_MAXNAME, true)?;
        let mut walk = Walk {
            stack: Vec::new(),
            pending: Vec::new().into_iter(),
            after: Vec::new().into_iter(),
        };
        let st = if prefix.is_empty() {
            stat(c"/proc/sys")
        } else {
            with_path(prefix, stat)
        };
        match st {
            Ok(st) if st.st_mode & libc::S_IFMT == libc::S_IFDIR => {
                let mut dir = b"/proc/sys/".to_vec();
                dir.extend(prefix.bytes().map(name::swap_separator));
                let path =
                    std::path::PathBuf::from(<std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(dir));
                let rd = std::fs::read_dir(path).map_err(|e| io_errno(&e))?;
                walk.stack.push((rd, prefix.to_owned()));
                // `vm.loadavg` below `vm`; every alias below the root.
                walk.after = aliases_below(prefix).into_iter();
            }
            Ok(_) => walk.pending = vec![prefix.to_owned()].into_iter(),
            Err(Errno::ENOENT) => {
                let below = aliases_below(prefix);
                if below.is_empty() {
                    return Err(Errno::ENOENT);
                }
                walk.pending = below.into_iter();
            }
            Err(e) => return Err(e),
        }
        Ok(walk)
    }

    pub(crate) fn next_node(&mut self) -> Option<Result<(String, NodeInner)>> {
        if let Some(n) = self.pending.next() {
            return Some(Ok((n, NodeInner)));
        }
        loop {
            let Some((rd, dir_name)) = self.stack.last_mut() else {
                return self.after.next().map(|n| Ok((n, NodeInner)));
            };
            let entry = match rd.next() {
                None => {
                    self.stack.pop();
                    continue;
                }
                Some(Err(e)) => return Some(Err(io_errno(&e))),
                Some(Ok(e)) => e,
            };
            let Some(comp) = name::linux_name(std::os::unix::ffi::OsStrExt::as_bytes(entry.file_name().as_os_str()))
            else {
                return Some(Err(Errno::EILSEQ));
            };
            let full = if dir_name.is_empty() {
                comp
            } else {
                format!("{dir_name}.{comp}")
            };
            let is_dir = match entry.file_type() {
                Ok(t) => t.is_dir(),
                Err(e) => return Some(Err(io_errno(&e))),
            };
            if is_dir {
                match std::fs::read_dir(entry.path()) {
                    Ok(rd) => self.stack.push((rd, full)),
                    Err(e) => return Some(Err(io_errno(&e))),
                }
                continue;
            }
            return Some(Ok((full, NodeInner)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loadavg_text() {
        let la = parse_loadavg(b"1.95 0.59 10.07 2/104 20051\n").unwrap();
        assert_eq!(la.ldavg, [195, 59, 1007]);
        assert_eq!(la.fscale, 100);
        assert_eq!(la.to_string(), "{ 1.95 0.59 10.07 }");
        assert_eq!(parse_loadavg(b"1.9 0.59 0.07"), Err(Errno::EIO));
        assert_eq!(parse_loadavg(b"1.95 0.59"), Err(Errno::EIO));
        assert_eq!(parse_loadavg(b"x.95 0.59 1.00"), Err(Errno::EIO));
    }

    #[test]
    fn numbers_from_text() {
        assert_eq!(parse::<u32>(b"32768\n"), Ok(32768));
        assert_eq!(parse::<i32>(b"-1\n"), Ok(-1));
        assert_eq!(parse::<u32>(b"Linux\n"), Err(Errno::EINVAL));
        assert_eq!(parse::<u32>(b"4096\t131072\t6291456\n"), Err(Errno::EINVAL));
        assert_eq!(parse::<u32>(b"4294967296\n"), Err(Errno::ERANGE));
        assert_eq!(parse::<u64>(b"9223372036854775807"), Ok(i64::MAX as u64));
        assert_eq!(parse::<u32>(b""), Err(Errno::EINVAL));
        assert_eq!(parse::<u32>(b"\xff"), Err(Errno::EINVAL));
    }

    #[test]
    #[cfg_attr(miri, ignore = "writes and reads a real file (open, pread)")]
    fn values_longer_than_the_stack_buffer() {
        // /proc/sys values are short; a regular file stands in for a long
        // one, to take the growing-buffer path.
        let path = std::env::temp_dir().join(format!("bsd-sysctl-long-{}", std::process::id()));
        let data: Vec<u8> = (0..STACK_READ * 9 + 7).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let f = std::fs::File::open(&path).unwrap();
        let got = with_contents(f.as_raw_fd(), |b| Ok(b.to_vec())).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(got, data);
    }

    #[test]
    fn aliases_are_bsd_names() {
        for a in ALIASES {
            name::validate(a.name, CTL_MAXNAME, true).unwrap();
            assert!(["kern.", "hw.", "vm."].iter().any(|p| a.name.starts_with(p)));
            if let Source::File(linux) = a.source {
                name::validate(linux, CTL_MAXNAME, true).unwrap();
            }
        }
    }
}
