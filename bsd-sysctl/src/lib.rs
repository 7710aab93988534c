//! sysctl by name on FreeBSD, DragonFly, NetBSD, OpenBSD and Apple, and the
//! same over `/proc/sys` on Linux: typed values, a resolved-node cache
//! ([`Ctl`]), the tree ([`walk`]), writes.
//!
//! ```
//! use bsd_sysctl::{sysctl, sysctl_u32, Ctl, Value};
//!
//! // The same names on every BSD, on Apple and (as aliases) on Linux.
//! let os = sysctl("kern.ostype")?;            // "FreeBSD", "Darwin", "Linux", …
//! let ncpu = sysctl_u32("hw.ncpu")?;
//! println!("{os}, {ncpu} CPUs");
//! assert!(ncpu >= 1);
//!
//! // Resolve once, read many times: one system call per read.
//! let boot = Ctl::new("kern.boottime")?;
//! if let Value::Time(when) = boot.value()? {
//!     // A SystemTime; shown as sysctl(8) shows it:
//!     println!("kern.boottime: {}", Value::Time(when)); // { sec = …, usec = … } Tue Nov 14 22:13:20 2023
//!     assert!(when < std::time::SystemTime::now());
//! }
//!
//! // The tree.
//! for node in bsd_sysctl::walk("kern")?.take(3) {
//!     let node = node?;
//!     println!("{node}");
//! }
//! # Ok::<(), bsd_sysctl::Errno>(())
//! ```
//!
//! # What it gives
//! - Go's calls: [`sysctl`] (`syscall.Sysctl`), [`sysctl_bytes`],
//!   [`sysctl_u32`] (`syscall.SysctlUint32`; and [`sysctl_i32`],
//!   [`sysctl_u64`], [`sysctl_i64`]), [`name_to_mib`] (`syscall.nametomib`);
//!   and [`sysctl_uint`], which takes the width the kernel returns (Apple's
//!   8-byte `hw.pagesize`).
//! - [`Ctl`]: a node resolved once (mib, [`Kind`], format), then read as
//!   raw bytes, as a decoded [`Value`], as text or as an integer, and
//!   written with [`Ctl::set_value`].
//! - [`Value`]: integers of every width, strings, and the structures
//!   sysctl(8) decodes — [`ClockInfo`] (`kern.clockrate`), a time
//!   ([`Value::Time`], a `SystemTime`: `kern.boottime`), [`LoadAvg`]
//!   (`vm.loadavg`), [`Temperature`] — each displayed as sysctl(8)
//!   displays it.
//! - [`walk`]: every leaf below a prefix, in the system's order.
//!
//! # Platforms
//! | | names → mib | types | walk |
//! |---|---|---|---|
//! | FreeBSD, DragonFly | `sysctlnametomib` | `{0,4}` (15 types) | `{0,2}` |
//! | Apple | `sysctlnametomib` | `{0,4}` (5 types + format letters) | `{0,2}` |
//! | NetBSD | `sysctlnametomib` | `CTL_QUERY` (`struct sysctlnode`) | `CTL_QUERY` |
//! | OpenBSD | the crate's table (`kern`, `hw`, `vm`) | the table | the table |
//! | Linux | — (paths under `/proc/sys`) | text | `/proc/sys` |
//!
//! Names are checked before anything is asked of the system: an empty
//! name or component, a NUL, a leading `/` or more than [`CTL_MAXNAME`]
//! components is `EINVAL` everywhere.
//!
//! The BSD and Apple code is written from each system's headers and
//! type-checked for every family; the decoders (format strings, `struct
//! sysctlnode`, `clockinfo`, `timeval`, `loadavg` in every platform's
//! layout, the OpenBSD table) are tested on every host.
//!
//! ## Linux
//! Linux's `sysctl(2)` is gone (5.5); the tree is `/proc/sys`. Names are
//! written as procps' sysctl(8) writes them: `kernel.ostype`, and a `.`
//! inside one path component is a `/` in the name
//! (`net.ipv4.conf.eth0/100.forwarding` is
//! `/proc/sys/net/ipv4/conf/eth0.100/forwarding`). A name that could leave
//! `/proc/sys` (`..`, `kernel/../../etc`, a leading `/`) is `EINVAL` before
//! any path is built. A value is the file's text without its trailing
//! newline; the integer getters parse it. An entry without read permission
//! (`vm.drop_caches`) is `EACCES`, a missing one `ENOENT`. A [`Ctl`] keeps
//! its file open and re-reads it with `pread` at offset 0.
//!
//! These BSD names answer on Linux too, with the type the BSDs give them, so
//! `sysctl_u32("hw.ncpu")` is portable:
//!
//! | name | type | from |
//! |---|---|---|
//! | `kern.ostype`, `kern.osrelease`, `kern.version` | string | `kernel.ostype`, `kernel.osrelease`, `kernel.version` |
//! | `kern.hostname`, `kern.domainname` | string, writable | `kernel.hostname`, `kernel.domainname` |
//! | `kern.boottime` | `struct timeval` ([`Value::Time`]) | `CLOCK_REALTIME − CLOCK_BOOTTIME` (what `/proc/stat`'s `btime` is), to the µs, computed once per process |
//! | `kern.maxfiles` | int, writable | `fs.file-max` (saturated to `INT_MAX`) |
//! | `kern.maxproc` | int, writable | `kernel.threads-max` |
//! | `hw.ncpu` | int | online CPUs (`_SC_NPROCESSORS_ONLN`) |
//! | `hw.pagesize` | int | `_SC_PAGESIZE` |
//! | `hw.physmem` | unsigned 64-bit (the BSDs' unsigned long, widened so 32-bit systems read more than 4 GiB whole) | `_SC_PHYS_PAGES × _SC_PAGESIZE` |
//! | `hw.machine` | string | `uname().machine` |
//! | `vm.loadavg` | [`LoadAvg`] | `/proc/loadavg` (scale 100, exact) |
//!
//! # Not portable
//! - Numeric names do not exist on Linux: [`name_to_mib`] is `EOPNOTSUPP`
//!   there, [`Ctl::mib`] and [`Node::mib`] are `None`.
//! - OpenBSD names outside the table (`net.*`, `hw.sensors.*`, `kern.proc.*`
//!   with its extra arguments) are `ENOENT` by name; read them through
//!   their mib with your own `sysctl(2)` call.
//! - Descriptions exist on FreeBSD, DragonFly, NetBSD (and some Apple
//!   nodes) only.
//! - [`ClockInfo`] has no `tickadj` on FreeBSD and on OpenBSD ≥ 7.4;
//!   NetBSD's `kern.boottime` is a `struct timespec` (a [`Value::Time`]
//!   to the nanosecond), the others' a `struct timeval`.
//!
//! # Times
//! The crate's API speaks `std::time::SystemTime`: a `struct timeval` or
//! `struct timespec` value is a [`Value::Time`]. Go's sysctl calls have
//! no time type, and the C structures' field widths differ per platform, so
//! no raw structure is exposed. Writing a time whose seconds do not fit
//! the platform's `time_t` is `EOVERFLOW`.
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The `# References` links to sysctl(3) (sysctl(2) on OpenBSD; proc_sys(5)
/// on Linux).
macro_rules! man3 {
    () => {
        concat!(
            "- [FreeBSD](https://man.freebsd.org/cgi/man.cgi?query=sysctl&sektion=3)\n",
            "- [Apple](https://developer.apple.com/library/archive/documentation/System/Conceptual/ManPages_iPhoneOS/man3/sysctl.3.html)\n",
            "- [NetBSD](https://man.netbsd.org/sysctl.3)\n",
            "- [OpenBSD](https://man.openbsd.org/sysctl.2)\n",
            "- [DragonFly](https://man.dragonflybsd.org/?command=sysctl&section=3)\n",
            "- [Linux](https://man7.org/linux/man-pages/man5/proc_sys.5.html)\n",
        )
    };
}
pub(crate) use man3;

/// The `# References` links to sysctl(8).
macro_rules! man8 {
    () => {
        concat!(
            "- [FreeBSD](https://man.freebsd.org/cgi/man.cgi?query=sysctl&sektion=8)\n",
            "- [Apple](https://developer.apple.com/library/archive/documentation/System/Conceptual/ManPages_iPhoneOS/man8/sysctl.8.html)\n",
            "- [NetBSD](https://man.netbsd.org/sysctl.8)\n",
            "- [OpenBSD](https://man.openbsd.org/sysctl.8)\n",
            "- [DragonFly](https://man.dragonflybsd.org/?command=sysctl&section=8)\n",
            "- [Linux](https://man7.org/linux/man-pages/man8/sysctl.8.html)\n",
        )
    };
}
pub(crate) use man8;

mod ctl;
mod format;
mod mib;
mod name;
mod netbsd;
#[cfg(any(test, target_os = "openbsd"))]
mod openbsd;
mod sys;
mod value;

pub use bsd_errno::{Errno, Result};
pub use ctl::{walk, Ctl, Node, Walk};
pub use mib::Mib;
pub use name::CTL_MAXNAME;
pub use value::{ClockInfo, Kind, LoadAvg, Temperature, Value};

/// An integer type the typed getters read.
pub(crate) trait Number: Copy + TryFrom<i128> {
    /// Reads exactly `size_of::<Self>()` native-endian bytes.
    fn from_ne(bytes: &[u8]) -> Option<Self>;
    /// Parses decimal text: `EINVAL` if it is not a number, `ERANGE` if it
    /// does not fit.
    fn parse(s: &str) -> Result<Self>;
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl Number for $t {
            #[inline]
            fn from_ne(bytes: &[u8]) -> Option<Self> {
                bytes.try_into().ok().map(<$t>::from_ne_bytes)
            }
            #[inline]
            fn parse(s: &str) -> Result<Self> {
                s.parse::<$t>().map_err(|e| match e.kind() {
                    core::num::IntErrorKind::PosOverflow | core::num::IntErrorKind::NegOverflow => Errno::ERANGE,
                    _ => Errno::EINVAL,
                })
            }
        }
    )*};
}
number!(i32, u32, i64, u64);

/// Reads the value of `name` as a string: the bytes with one trailing NUL
/// removed.
///
/// On Linux, the `/proc/sys` file's text without its trailing newline.
///
/// # Errors
/// - `EINVAL`: a bad name (see [`Ctl::new`]).
/// - `ENOENT`: no such node; `EACCES`, `EPERM`: not readable by us.
/// - `EILSEQ`: the value is not UTF-8 (use [`sysctl_bytes`]).
///
/// # References
#[doc = man3!()]
#[doc(alias = "Sysctl")]
pub fn sysctl(name: &str) -> Result<String> {
    sys::read_string(name)
}

/// Reads the raw value of `name`.
///
/// On the BSDs, the bytes the kernel returns (a string with its NUL); on
/// Linux, the file's bytes as read, trailing newline included (a BSD
/// alias: the bytes a BSD would return). [`sysctl`] strips the terminator.
///
/// # Errors
/// As [`sysctl`], without `EILSEQ`.
///
/// # References
#[doc = man3!()]
pub fn sysctl_bytes(name: &str) -> Result<Vec<u8>> {
    sys::read_vec(name)
}

/// Reads `name` as a `u32`.
///
/// On the BSDs the value must be exactly 4 bytes (`EIO` otherwise, as the
/// Go's `syscall.SysctlUint32`); one system call, no allocation. On Linux the
/// file's text is parsed (a BSD alias such as `hw.ncpu` must be 4 bytes
/// wide, as on a BSD).
///
/// # Errors
/// As [`sysctl`]; `EIO` for a value of another size; on Linux `EINVAL` for
/// text that is not a number and `ERANGE` for one that does not fit.
///
/// # References
#[doc = man3!()]
#[doc(alias = "SysctlUint32")]
pub fn sysctl_u32(name: &str) -> Result<u32> {
    sys::read_number(name)
}

/// Reads `name` as an `i32` (exactly 4 bytes; see [`sysctl_u32`]).
///
/// # Errors
/// As [`sysctl_u32`].
///
/// # References
#[doc = man3!()]
pub fn sysctl_i32(name: &str) -> Result<i32> {
    sys::read_number(name)
}

/// Reads `name` as a `u64` (exactly 8 bytes; see [`sysctl_u32`]).
///
/// # Errors
/// As [`sysctl_u32`].
///
/// # References
#[doc = man3!()]
#[doc(alias = "SysctlUint64")]
pub fn sysctl_u64(name: &str) -> Result<u64> {
    sys::read_number(name)
}

/// Reads `name` as an `i64` (exactly 8 bytes; see [`sysctl_u32`]).
///
/// # Errors
/// As [`sysctl_u32`].
///
/// # References
#[doc = man3!()]
pub fn sysctl_i64(name: &str) -> Result<i64> {
    sys::read_number(name)
}

/// Reads `name` as an unsigned integer of whichever width the kernel
/// returns, 4 or 8 bytes.
///
/// For names whose width differs between systems, or between the name and
/// the number: Apple's `hw.pagesize` is 8 bytes (`CTLTYPE_QUAD`) by name
/// but 4 by number (`{CTL_HW, HW_PAGESIZE}`), so [`sysctl_u32`] (like Go's
/// `syscall.SysctlUint32`) fails on it there; so are Apple's `hw.memsize`,
/// `hw.cpufrequency`, `hw.cachelinesize` and the other `hw.*` quads, while
/// `hw.ncpu` and `hw.physmem` are 4 bytes. `hw.physmem` is 4 bytes on
/// Apple and a `long` (8 bytes on 64-bit systems) on the BSDs. This call
/// reads them all. A 4-byte value is taken as unsigned.
///
/// ```
/// let page = bsd_sysctl::sysctl_uint("hw.pagesize")?; // 4 bytes here, 8 on Apple
/// assert!(page.is_power_of_two());
/// # Ok::<(), bsd_sysctl::Errno>(())
/// ```
///
/// # Errors
/// As [`sysctl_u32`]; `EIO` for a value that is neither 4 nor 8 bytes; on
/// Linux `ERANGE` for a negative or too large number.
///
/// # References
#[doc = man3!()]
pub fn sysctl_uint(name: &str) -> Result<u64> {
    sys::read_uint(name)
}

/// Translates a name into its [`Mib`]; Go's `syscall.nametomib`.
///
/// ```
/// match bsd_sysctl::name_to_mib("kern.ostype") {
///     Ok(mib) => assert_eq!(&*mib, &[1, 1]), // CTL_KERN, KERN_OSTYPE
///     // Linux has no numeric names.
///     Err(e) => assert_eq!(e, bsd_sysctl::Errno::EOPNOTSUPP),
/// }
/// # Ok::<(), bsd_sysctl::Errno>(())
/// ```
///
/// # Errors
/// `EINVAL` for a bad name; `ENOENT` for an unknown one; on Linux
/// `EOPNOTSUPP` for every valid name.
///
/// # Platforms
/// FreeBSD, DragonFly, Apple, NetBSD: `sysctlnametomib`. OpenBSD: the
/// crate's table (`kern`, `hw` and `vm` names). Linux: numeric names went
/// with the `sysctl(2)` system call (removed in Linux 5.5) and `/proc/sys`
/// has none, so a valid name is `EOPNOTSUPP` (an invalid one still
/// `EINVAL`). The function exists there so portable code builds; test for
/// the error, or use [`Ctl`], which works by name everywhere.
///
/// # References
#[doc = man3!()]
#[doc(alias = "nametomib", alias = "sysctlnametomib")]
pub fn name_to_mib(name: &str) -> Result<Mib> {
    sys::name_to_mib(name)
}

/// Not part of the API: the pure decoders of every platform, for the fuzz
/// target (`fuzz/fuzz_targets/sysctl_decode.rs`). May change at any time.
#[doc(hidden)]
pub mod __fuzz {
    use crate::value::Layout;
    use crate::{Kind, Result, Value};

    /// Every platform's C layout (`long`, `time_t`, `struct timeval`,
    /// `struct clockinfo`, `struct loadavg`), with its name.
    pub const LAYOUTS: &[&str] = &[
        "freebsd-lp64",
        "freebsd-i386",
        "dragonfly",
        "netbsd-lp64",
        "netbsd-i386",
        "openbsd-lp64",
        "apple",
        "linux-lp64",
        "freebsd-armv7",
        "openbsd-i386",
        "linux-ilp32",
        "netbsd-ilp32",
        "openbsd-ilp32",
        "apple-ilp32",
    ];

    fn layout(i: usize) -> Layout {
        match i % LAYOUTS.len() {
            0 => Layout::FREEBSD_LP64,
            1 => Layout::FREEBSD_I386,
            2 => Layout::DRAGONFLY,
            3 => Layout::NETBSD_LP64,
            4 => Layout::NETBSD_I386,
            5 => Layout::OPENBSD_LP64,
            6 => Layout::APPLE,
            7 => Layout::LINUX_LP64,
            8 => Layout::FREEBSD_ARMV7,
            9 => Layout::OPENBSD_I386,
            10 => Layout::LINUX_ILP32,
            11 => Layout::NETBSD_ILP32,
            12 => Layout::OPENBSD_ILP32,
            _ => Layout::APPLE_ILP32,
        }
    }

    /// Decodes `bytes` as a node of `kind` and `format` on platform
    /// `LAYOUTS[layout % LAYOUTS.len()]`.
    ///
    /// # Errors
    /// As [`Value::decode`].
    pub fn decode(layout_index: usize, kind: Kind, format: &str, bytes: &[u8]) -> Result<Value> {
        crate::value::decode(kind, format, bytes, &layout(layout_index))
    }

    /// Encodes `value` for a node of `kind` on that platform (`nul`: a
    /// string with its NUL, as a kernel returns it).
    ///
    /// # Errors
    /// As [`Value::encode`].
    pub fn encode(layout_index: usize, value: &Value, kind: Kind, nul: bool) -> Result<Vec<u8>> {
        crate::value::encode(value, kind, &layout(layout_index), nul)
    }

    /// A parsed `{0, 4}` reply: the kind word, the format, and the kind as
    /// FreeBSD, DragonFly, Apple and this system read it, readable,
    /// writable.
    pub type OidFmt = (u32, String, [Kind; 4], bool, bool);

    /// Parses a `{0, 4}` reply (FreeBSD, DragonFly, Apple).
    ///
    /// # Errors
    /// `EIO` for a reply shorter than the kind word or a format that is not
    /// UTF-8.
    pub fn oidfmt(reply: &[u8]) -> Result<OidFmt> {
        use crate::format as f;
        let o = f::OidFmt::parse(reply)?;
        let kinds = [
            f::kind_freebsd(o.kind_word & f::CTLTYPE, &o.fmt),
            f::kind_dragonfly(o.kind_word & f::CTLTYPE_DRAGONFLY, &o.fmt),
            f::kind_apple(o.kind_word & f::CTLTYPE, &o.fmt),
            o.kind(),
        ];
        Ok((o.kind_word, o.fmt.clone(), kinds, o.readable(), o.writable()))
    }

    /// One node of a NetBSD `CTL_QUERY` reply: number, name, kind,
    /// writability and the format this crate gives it.
    pub type NetbsdNode = (i32, String, Kind, bool, &'static str);

    /// Parses a NetBSD `CTL_QUERY` reply.
    ///
    /// # Errors
    /// `EIO` for a malformed reply.
    pub fn netbsd_nodes(reply: &[u8]) -> Result<Vec<NetbsdNode>> {
        crate::netbsd::parse_nodes(reply).map(|nodes| {
            nodes
                .into_iter()
                .map(|n| {
                    let kind = n.kind();
                    let fmt = crate::netbsd::format_for(&n.name, kind);
                    (n.num, n.name.clone(), kind, n.writable(), fmt)
                })
                .collect()
        })
    }

    /// Parses a NetBSD `CTL_DESCRIBE` reply for node `num`.
    ///
    /// # Errors
    /// `EIO` for a malformed reply.
    pub fn netbsd_description(reply: &[u8], num: i32) -> Result<Option<String>> {
        crate::netbsd::parse_description(reply, num)
    }

    /// `sizeof(struct sysctlnode)` on NetBSD, every machine.
    pub const NETBSD_NODE_SIZE: usize = crate::netbsd::NODE_SIZE;
}
