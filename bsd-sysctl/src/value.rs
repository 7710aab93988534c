//! Typed values: [`Kind`], [`Value`], and the structures sysctl(8) knows
//! ([`ClockInfo`], [`LoadAvg`], [`Temperature`]; a `struct timeval` is a
//! `SystemTime`).
//!
//! The decoders are pure: bytes and a [`Layout`] (the C type sizes of one
//! platform) in, a value out. They are compiled on every host and tested
//! with the bytes each kernel writes.

use bsd_errno::{Errno, Result};
use core::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The type of a sysctl node, as the system describes it.
///
/// FreeBSD and DragonFly give the type in the node's kind word
/// (`CTLTYPE_*`); Apple gives five types and refines them with the format
/// string (`"IU"` is an unsigned int); NetBSD's `struct sysctlnode` has six;
/// OpenBSD's come from this crate's table. On Linux a `/proc/sys` file is
/// [`Kind::String`] (its text) and a directory [`Kind::Node`]; the BSD
/// aliases have the BSD type.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An interior node: it has children, not a value (`CTLTYPE_NODE`).
    Node,
    /// A C `int` (`CTLTYPE_INT`).
    Int,
    /// A C `unsigned int` (`CTLTYPE_UINT`).
    UInt,
    /// A C `long` (`CTLTYPE_LONG`).
    Long,
    /// A C `unsigned long` (`CTLTYPE_ULONG`).
    ULong,
    /// A signed 8-bit integer (`CTLTYPE_S8`).
    I8,
    /// An unsigned 8-bit integer (`CTLTYPE_U8`).
    U8,
    /// A signed 16-bit integer (`CTLTYPE_S16`).
    I16,
    /// An unsigned 16-bit integer (`CTLTYPE_U16`).
    U16,
    /// A signed 32-bit integer (`CTLTYPE_S32`).
    I32,
    /// An unsigned 32-bit integer (`CTLTYPE_U32`).
    U32,
    /// A signed 64-bit integer (`CTLTYPE_S64`, `CTLTYPE_QUAD`).
    I64,
    /// An unsigned 64-bit integer (`CTLTYPE_U64`; NetBSD's `CTLTYPE_QUAD`).
    U64,
    /// A string (`CTLTYPE_STRING`).
    String,
    /// A boolean, one byte (NetBSD's `CTLTYPE_BOOL`).
    Bool,
    /// Opaque bytes or a C structure (`CTLTYPE_OPAQUE`, `CTLTYPE_STRUCT`);
    /// the format string names the structure (`"S,clockinfo"`).
    Opaque,
}

impl Kind {
    /// For an integer kind, its width in bytes under `layout` and whether it
    /// is signed.
    pub(crate) fn int_shape(self, layout: &Layout) -> Option<(usize, bool)> {
        Some(match self {
            Kind::Int | Kind::I32 => (4, true),
            Kind::UInt | Kind::U32 => (4, false),
            Kind::Long => (layout.long, true),
            Kind::ULong => (layout.long, false),
            Kind::I8 => (1, true),
            Kind::U8 => (1, false),
            Kind::I16 => (2, true),
            Kind::U16 => (2, false),
            Kind::I64 => (8, true),
            Kind::U64 => (8, false),
            _ => return None,
        })
    }

    /// Whether the kind is one of the integer kinds.
    #[must_use]
    pub fn is_integer(self) -> bool {
        self.int_shape(&Layout::NATIVE).is_some()
    }
}

/// The C type sizes of one platform, which decide how a kernel's bytes read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    /// `sizeof(long)`.
    pub long: usize,
    /// `sizeof(time_t)`.
    pub time_t: usize,
    /// `sizeof(suseconds_t)`.
    pub suseconds: usize,
    /// `sizeof(struct timeval)`, padding included.
    pub timeval: usize,
    /// `sizeof(struct timespec)`, padding included.
    pub timespec: usize,
    /// The shape of `struct clockinfo`.
    pub clockinfo: ClockLayout,
}

/// The shape of `struct clockinfo`: five `int`s `hz, tick, <third>, stathz,
/// profhz`, where the third is `tickadj` (Apple, NetBSD, DragonFly, OpenBSD
/// before 7.4) or spare (FreeBSD); OpenBSD 7.4 dropped it (four `int`s).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ClockLayout {
    /// The third of five `int`s is `tickadj` (not a spare field).
    pub tickadj: bool,
    /// Four `int`s (no third field) may come too, told apart by size.
    pub four: bool,
}

impl ClockLayout {
    /// FreeBSD: `hz, tick, spare, stathz, profhz`.
    pub const SPARE: ClockLayout = ClockLayout {
        tickadj: false,
        four: false,
    };
    /// Apple, NetBSD, DragonFly: `hz, tick, tickadj, stathz, profhz`.
    pub const TICKADJ: ClockLayout = ClockLayout {
        tickadj: true,
        four: false,
    };
    /// OpenBSD: `hz, tick, stathz, profhz` since 7.4, with `tickadj` third
    /// before.
    pub const OPENBSD: ClockLayout = ClockLayout {
        tickadj: true,
        four: true,
    };
}

impl Layout {
    /// This platform's layout, from `libc`'s types.
    pub const NATIVE: Layout = Layout {
        long: core::mem::size_of::<libc::c_long>(),
        time_t: core::mem::size_of::<libc::time_t>(),
        suseconds: core::mem::size_of::<libc::suseconds_t>(),
        timeval: core::mem::size_of::<libc::timeval>(),
        timespec: core::mem::size_of::<libc::timespec>(),
        clockinfo: NATIVE_CLOCKINFO,
    };

    /// Offset of `tv_usec` in `struct timeval`: after `tv_sec`, aligned to
    /// its own size.
    fn usec_offset(&self) -> usize {
        self.time_t.next_multiple_of(self.suseconds.max(1))
    }

    /// `sizeof(struct loadavg)`: `fixpt_t ldavg[3]` (`u32`) then a `long`,
    /// padded to the `long`'s alignment.
    fn loadavg(&self) -> usize {
        12usize.next_multiple_of(self.long) + self.long
    }
}

/// The layouts of every platform: the tests' fixtures and the fuzz
/// target's, on every host.
impl Layout {
    /// FreeBSD on amd64, arm64, riscv64, powerpc64 (`suseconds_t` is `long`).
    pub const FREEBSD_LP64: Layout = Layout {
        long: 8,
        time_t: 8,
        suseconds: 8,
        timeval: 16,
        timespec: 16,
        clockinfo: ClockLayout::SPARE,
    };
    /// FreeBSD on i386 (32-bit `time_t`).
    pub const FREEBSD_I386: Layout = Layout {
        long: 4,
        time_t: 4,
        suseconds: 4,
        timeval: 8,
        timespec: 8,
        clockinfo: ClockLayout::SPARE,
    };
    /// DragonFly (amd64 only).
    pub const DRAGONFLY: Layout = Layout {
        long: 8,
        time_t: 8,
        suseconds: 8,
        timeval: 16,
        timespec: 16,
        clockinfo: ClockLayout::TICKADJ,
    };
    /// NetBSD on a 64-bit machine: `suseconds_t` is `int`, padded.
    pub const NETBSD_LP64: Layout = Layout {
        long: 8,
        time_t: 8,
        suseconds: 4,
        timeval: 16,
        timespec: 16,
        clockinfo: ClockLayout::TICKADJ,
    };
    /// NetBSD on i386: 64-bit `time_t`, 4-byte alignment.
    pub const NETBSD_I386: Layout = Layout {
        long: 4,
        time_t: 8,
        suseconds: 4,
        timeval: 12,
        timespec: 12,
        clockinfo: ClockLayout::TICKADJ,
    };
    /// OpenBSD on a 64-bit machine (`suseconds_t` is `long`).
    pub const OPENBSD_LP64: Layout = Layout {
        long: 8,
        time_t: 8,
        suseconds: 8,
        timeval: 16,
        timespec: 16,
        clockinfo: ClockLayout::OPENBSD,
    };
    /// Apple (arm64, x86_64): `suseconds_t` is `int32_t`, padded.
    pub const APPLE: Layout = Layout {
        long: 8,
        time_t: 8,
        suseconds: 4,
        timeval: 16,
        timespec: 16,
        clockinfo: ClockLayout::TICKADJ,
    };
    /// FreeBSD on armv7 (and armv6 and 32-bit powerpc, which the
    /// cross-check finds with the same sizes): 32-bit `long`, 64-bit
    /// `time_t` (8-aligned), `suseconds_t` a 32-bit `long`.
    pub const FREEBSD_ARMV7: Layout = Layout {
        long: 4,
        time_t: 8,
        suseconds: 4,
        timeval: 16,
        timespec: 16,
        clockinfo: ClockLayout::SPARE,
    };
    /// OpenBSD on i386: 64-bit `time_t` with 4-byte alignment.
    pub const OPENBSD_I386: Layout = Layout {
        long: 4,
        time_t: 8,
        suseconds: 4,
        timeval: 12,
        timespec: 12,
        clockinfo: ClockLayout::OPENBSD,
    };
    /// NetBSD on the 32-bit targets whose 64-bit integers are 8-aligned
    /// (armv6/armv7, mipsel, powerpc): 64-bit `time_t`, `int`
    /// `suseconds_t` and a 32-bit `long`, so `struct timeval` and `struct
    /// timespec` are 8 + 4 bytes padded to 16 (`tv_usec`/`tv_nsec` at 8),
    /// `struct loadavg` (three `fixpt_t`, a `long`) 16.
    ///
    /// NetBSD `sys/sys/common_ansi.h` (revision 1.1, lines 64–72) makes
    /// `time_t` an `__int64_t` and `suseconds_t` an `int` on every port;
    /// the i386 layout differs only by the 4-byte alignment of 64-bit
    /// integers there.
    pub const NETBSD_ILP32: Layout = Layout {
        long: 4,
        time_t: 8,
        suseconds: 4,
        timeval: 16,
        timespec: 16,
        clockinfo: ClockLayout::TICKADJ,
    };
    /// OpenBSD on powerpc: 64-bit `time_t` (8-aligned) and a 32-bit `long`
    /// `suseconds_t`, so `struct timeval` and `struct timespec` are 16
    /// bytes (`tv_usec`/`tv_nsec` at 8).
    ///
    /// OpenBSD `sys/sys/_types.h` (revision 1.10) defines `__time_t` as
    /// `__int64_t`, `__suseconds_t` as `long` and `__fixpt_t` as
    /// `__uint32_t` on every port.
    pub const OPENBSD_ILP32: Layout = Layout {
        long: 4,
        time_t: 8,
        suseconds: 4,
        timeval: 16,
        timespec: 16,
        clockinfo: ClockLayout::OPENBSD,
    };
    /// Apple's 32-bit targets (i386 macOS and iOS simulator, armv7s iOS):
    /// `time_t` is a 32-bit `long`, `suseconds_t` an `int32_t`, so `struct
    /// timeval` is 8 bytes, `struct loadavg` 16.
    ///
    /// xnu's user headers (`bsd/i386/_types.h`, `bsd/arm/_types.h`) make
    /// `__darwin_time_t` a `long` and `bsd/sys/_types.h` makes
    /// `__darwin_suseconds_t` an `__int32_t`; the kernel answers a 32-bit
    /// process in those widths: `sysctl_boottime` (`bsd/kern/kern_sysctl.c`)
    /// copies out a `struct user32_timeval` and `sysctl_loadavg`
    /// (`bsd/vm/vm_unix.c`) a `struct user32_loadavg` to a process that is
    /// not 64-bit.
    pub const APPLE_ILP32: Layout = Layout {
        long: 4,
        time_t: 4,
        suseconds: 4,
        timeval: 8,
        timespec: 8,
        clockinfo: ClockLayout::TICKADJ,
    };
    /// 32-bit Linux (i686, glibc's 32-bit `time_t`), for the BSD aliases.
    pub const LINUX_ILP32: Layout = Layout {
        long: 4,
        time_t: 4,
        suseconds: 4,
        timeval: 8,
        timespec: 8,
        clockinfo: ClockLayout::TICKADJ,
    };
    /// 64-bit Linux, for the BSD aliases.
    pub const LINUX_LP64: Layout = Layout {
        long: 8,
        time_t: 8,
        suseconds: 8,
        timeval: 16,
        timespec: 16,
        clockinfo: ClockLayout::TICKADJ,
    };
}

impl Layout {
    /// Field by field, in a `const` context.
    const fn same(&self, o: &Layout) -> bool {
        self.long == o.long
            && self.time_t == o.time_t
            && self.suseconds == o.suseconds
            && self.timeval == o.timeval
            && self.timespec == o.timespec
            && self.clockinfo.tickadj == o.clockinfo.tickadj
            && self.clockinfo.four == o.clockinfo.four
    }
}

/// The layout the decoders are tested with for this target: `libc`'s C
/// types must give exactly it, on every target the crate builds for, or
/// the build fails here (so a target whose sizes nobody wrote down cannot
/// pass unnoticed).
const NATIVE_IS_TESTED: bool = {
    let n = &Layout::NATIVE;
    if cfg!(target_os = "freebsd") {
        if cfg!(target_arch = "x86") {
            n.same(&Layout::FREEBSD_I386)
        } else if cfg!(target_pointer_width = "32") {
            n.same(&Layout::FREEBSD_ARMV7)
        } else {
            n.same(&Layout::FREEBSD_LP64)
        }
    } else if cfg!(target_os = "dragonfly") {
        n.same(&Layout::DRAGONFLY)
    } else if cfg!(target_os = "netbsd") {
        if cfg!(target_arch = "x86") {
            n.same(&Layout::NETBSD_I386)
        } else if cfg!(target_pointer_width = "32") {
            n.same(&Layout::NETBSD_ILP32)
        } else {
            n.same(&Layout::NETBSD_LP64)
        }
    } else if cfg!(target_os = "openbsd") {
        if cfg!(target_arch = "x86") {
            n.same(&Layout::OPENBSD_I386)
        } else if cfg!(target_pointer_width = "32") {
            n.same(&Layout::OPENBSD_ILP32)
        } else {
            n.same(&Layout::OPENBSD_LP64)
        }
    } else if cfg!(target_vendor = "apple") {
        if cfg!(target_pointer_width = "32") {
            n.same(&Layout::APPLE_ILP32)
        } else {
            n.same(&Layout::APPLE)
        }
    } else if cfg!(target_pointer_width = "32") {
        n.same(&Layout::LINUX_ILP32)
    } else {
        n.same(&Layout::LINUX_LP64)
    }
};
const _: () = assert!(
    NATIVE_IS_TESTED,
    "this target's C layout is not one the decoders are tested with"
);

// FreeBSD is the one family whose `libc` declares `struct clockinfo`:
// five `int`s.
#[cfg(target_os = "freebsd")]
const _: () = assert!(core::mem::size_of::<libc::clockinfo>() == 20);

#[cfg(target_os = "freebsd")]
const NATIVE_CLOCKINFO: ClockLayout = ClockLayout::SPARE;
#[cfg(target_os = "openbsd")]
const NATIVE_CLOCKINFO: ClockLayout = ClockLayout::OPENBSD;
#[cfg(not(any(target_os = "freebsd", target_os = "openbsd")))]
const NATIVE_CLOCKINFO: ClockLayout = ClockLayout::TICKADJ;

/// A sysctl value, decoded with the node's type and format.
///
/// `Display` writes it as the system's sysctl(8) does: integers in decimal,
/// arrays space-separated, a [`Value::Time`] as `{ sec = S, usec = U } <date>`,
/// a [`LoadAvg`] as `{ 0.12 0.34 0.56 }`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A signed 8-bit integer.
    I8(i8),
    /// An unsigned 8-bit integer.
    U8(u8),
    /// A signed 16-bit integer.
    I16(i16),
    /// An unsigned 16-bit integer.
    U16(u16),
    /// A signed 32-bit integer (a C `int`, or a `long` where it is 32 bits).
    I32(i32),
    /// An unsigned 32-bit integer.
    U32(u32),
    /// A signed 64-bit integer (a `long` on 64-bit systems, a quad).
    I64(i64),
    /// An unsigned 64-bit integer.
    U64(u64),
    /// A boolean (NetBSD).
    Bool(bool),
    /// A string, without its terminating NUL; on Linux, a `/proc/sys` file's
    /// text without its trailing newline.
    String(String),
    /// A temperature in kelvin (FreeBSD's `"IK"` formats).
    Temperature(Temperature),
    /// `struct clockinfo` (`kern.clockrate`).
    ClockInfo(ClockInfo),
    /// A point in time: a `struct timeval` (`kern.boottime`), or NetBSD's
    /// `struct timespec` (its `kern.boottime`, to the nanosecond).
    ///
    /// The kernel's structure is not exposed: its field widths differ per
    /// platform (a 32-bit `time_t` on FreeBSD/i386), and `SystemTime` holds
    /// every value any of them can carry.
    Time(SystemTime),
    /// `struct loadavg` (`vm.loadavg`).
    LoadAvg(LoadAvg),
    /// Several integers of one type (`kern.cp_time`).
    Array(Vec<Value>),
    /// A structure this crate does not decode: its format (`"S,vmtotal"`)
    /// and its bytes as the kernel wrote them.
    Struct {
        /// The format string naming the structure.
        format: String,
        /// The raw bytes.
        bytes: Vec<u8>,
    },
}

impl Value {
    /// The value as an integer, if it is one (any width).
    #[must_use]
    pub fn as_i128(&self) -> Option<i128> {
        Some(match *self {
            Value::I8(v) => v.into(),
            Value::U8(v) => v.into(),
            Value::I16(v) => v.into(),
            Value::U16(v) => v.into(),
            Value::I32(v) => v.into(),
            Value::U32(v) => v.into(),
            Value::I64(v) => v.into(),
            Value::U64(v) => v.into(),
            Value::Bool(v) => v.into(),
            _ => return None,
        })
    }

    /// Decodes the bytes this platform's kernel returned for a node of
    /// `kind` with format `format` (what [`Ctl::value`](crate::Ctl::value)
    /// does after reading).
    ///
    /// For values read with your own `sysctl(2)` call — OpenBSD names
    /// outside this crate's table, say. Integers: exactly the kind's width
    /// gives a scalar, a multiple of it an [`Value::Array`]; `"IK"` formats a
    /// [`Temperature`]. Opaque nodes formatted `"S,clockinfo"`,
    /// `"S,timeval"`, `"S,timespec"` (both a [`Value::Time`]) or `"S,loadavg"`
    /// are decoded; other opaque nodes are a [`Value::Struct`].
    ///
    /// ```
    /// use bsd_sysctl::{Kind, Value};
    /// let v = Value::decode(Kind::Int, "I", &42i32.to_ne_bytes())?;
    /// assert_eq!(v, Value::I32(42));
    /// assert_eq!(Value::decode(Kind::String, "A", b"FreeBSD\0")?.to_string(), "FreeBSD");
    /// # Ok::<(), bsd_sysctl::Errno>(())
    /// ```
    ///
    /// # Errors
    /// `EIO` if the length does not fit the type (an int of 3 bytes, a
    /// `struct timeval` of the wrong size); `EILSEQ` for a string that is
    /// not UTF-8; `EISDIR` for [`Kind::Node`].
    pub fn decode(kind: Kind, format: &str, bytes: &[u8]) -> Result<Value> {
        decode(kind, format, bytes, &Layout::NATIVE)
    }

    /// Encodes the value as the bytes this platform's kernel takes for a
    /// node of `kind` (what [`Ctl::set_value`](crate::Ctl::set_value)
    /// sends on the BSDs): an integer in the node's width, a string
    /// without NUL, a structure in its C layout; a [`Value::Time`] as a
    /// `struct timeval` (to the microsecond), the only time structure a
    /// writable node takes.
    ///
    /// # Errors
    /// `ERANGE` for an integer that does not fit the kind; `EINVAL` for a
    /// value of another type, or a string with a NUL.
    pub fn encode(&self, kind: Kind) -> Result<Vec<u8>> {
        encode(self, kind, &Layout::NATIVE, false)
    }

    /// The string, if the value is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::I8(v) => write!(f, "{v}"),
            Value::U8(v) => write!(f, "{v}"),
            Value::I16(v) => write!(f, "{v}"),
            Value::U16(v) => write!(f, "{v}"),
            Value::I32(v) => write!(f, "{v}"),
            Value::U32(v) => write!(f, "{v}"),
            Value::I64(v) => write!(f, "{v}"),
            Value::U64(v) => write!(f, "{v}"),
            Value::Bool(v) => write!(f, "{}", u8::from(*v)),
            Value::String(s) => f.write_str(s),
            Value::Temperature(t) => t.fmt(f),
            Value::ClockInfo(c) => c.fmt(f),
            Value::Time(t) => write_time(f, *t),
            Value::LoadAvg(l) => l.fmt(f),
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    v.fmt(f)?;
                }
                Ok(())
            }
            Value::Struct { format, bytes } => {
                // FreeBSD sysctl(8) -o: the first 16 bytes in hex.
                write!(f, "Format:{format} Length:{} Dump:0x", bytes.len())?;
                for b in bytes.iter().take(16) {
                    write!(f, "{b:02x}")?;
                }
                if bytes.len() > 16 {
                    f.write_str("...")?;
                }
                Ok(())
            }
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}
macro_rules! value_from_int {
    ($($t:ty => $v:ident),*) => {$(
        impl From<$t> for Value {
            fn from(x: $t) -> Value { Value::$v(x) }
        }
    )*};
}
value_from_int!(i8 => I8, u8 => U8, i16 => I16, u16 => U16, i32 => I32, u32 => U32, i64 => I64, u64 => U64, bool => Bool);

/// `struct clockinfo`: the kernel's clock rates (`kern.clockrate`).
///
/// `Display` writes `{ hz = 100, tick = 10000, profhz = 8128, stathz = 127 }`
/// as FreeBSD's sysctl(8) does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ClockInfo {
    /// Clock interrupts per second.
    pub hz: i32,
    /// Microseconds per clock tick.
    pub tick: i32,
    /// Clock skew rate for `adjtime()`, where the structure still has it
    /// (Apple, NetBSD, DragonFly, OpenBSD before 7.4); `None` on FreeBSD
    /// (a spare field) and newer OpenBSD.
    pub tickadj: Option<i32>,
    /// Statistics clock frequency.
    pub stathz: i32,
    /// Profiling clock frequency.
    pub profhz: i32,
}

impl fmt::Display for ClockInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{ hz = {}, tick = {}, profhz = {}, stathz = {} }}",
            self.hz, self.tick, self.profhz, self.stathz
        )
    }
}

/// Seconds since the epoch (negative before 1970, counted down) and the
/// nanoseconds after them, `0..1_000_000_000`.
///
/// `EOVERFLOW` if the seconds do not fit an `i64` (no `SystemTime` of a
/// supported platform is that far out).
pub(crate) fn time_parts(t: SystemTime) -> Result<(i64, u32)> {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => Ok((
            i64::try_from(d.as_secs()).map_err(|_| Errno::EOVERFLOW)?,
            d.subsec_nanos(),
        )),
        Err(before) => {
            let d = before.duration();
            // In i128: `-(2^63)` seconds is an i64, `2^63` is not.
            let (sec, nsec) = match d.subsec_nanos() {
                0 => (-i128::from(d.as_secs()), 0),
                n => (-i128::from(d.as_secs()) - 1, 1_000_000_000 - n),
            };
            Ok((i64::try_from(sec).map_err(|_| Errno::EOVERFLOW)?, nsec))
        }
    }
}

/// The `SystemTime` `sec` seconds and `nsec` nanoseconds after the epoch:
/// `EINVAL` if `nsec` is not below one second, `EOVERFLOW` if
/// `SystemTime` cannot hold it.
pub(crate) fn time_from_parts(sec: i64, nsec: i64) -> Result<SystemTime> {
    let nsec = u32::try_from(nsec)
        .ok()
        .filter(|&n| n < 1_000_000_000)
        .ok_or(Errno::EINVAL)?;
    let base = if sec >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(sec.unsigned_abs()))
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(sec.unsigned_abs()))
    };
    base.and_then(|b| b.checked_add(Duration::from_nanos(nsec.into())))
        .ok_or(Errno::EOVERFLOW)
}

/// Writes a time as sysctl(8) prints a `struct timeval`:
/// `{ sec = 1700000000, usec = 5 } Tue Nov 14 22:13:20 2023`, the date in
/// local time as `ctime(3)` gives it (left out where `time_t` cannot hold
/// the seconds).
fn write_time(f: &mut fmt::Formatter<'_>, t: SystemTime) -> fmt::Result {
    let Ok((sec, nsec)) = time_parts(t) else {
        return f.write_str("{ out of range }");
    };
    write!(f, "{{ sec = {sec}, usec = {} }}", nsec / 1000)?;
    match local_tm(sec) {
        Some(tm) => {
            f.write_str(" ")?;
            write_ctime(f, &tm)
        }
        None => Ok(()),
    }
}

/// `localtime_r(sec)`, or `None` if `time_t` cannot hold it or the C
/// library fails.
fn local_tm(sec: i64) -> Option<libc::tm> {
    let t = libc::time_t::try_from(sec).ok()?;
    // SAFETY: `tm` is plain old data; all-zero bytes are a valid value.
    let mut tm: libc::tm = unsafe { core::mem::zeroed() };
    // SAFETY: both pointers are valid for the call; localtime_r is the
    // thread-safe variant and writes only `tm`.
    let r = unsafe { libc::localtime_r(&t, &mut tm) };
    (!r.is_null()).then_some(tm)
}

/// Writes a broken-down time as `ctime(3)` does, without the newline:
/// `Thu Nov 24 18:22:48 1986`.
fn write_ctime(f: &mut dyn fmt::Write, tm: &libc::tm) -> fmt::Result {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let day = usize::try_from(tm.tm_wday)
        .ok()
        .and_then(|i| DAYS.get(i))
        .unwrap_or(&"???");
    let month = usize::try_from(tm.tm_mon)
        .ok()
        .and_then(|i| MONTHS.get(i))
        .unwrap_or(&"???");
    write!(
        f,
        "{day} {month} {:2} {:02}:{:02}:{:02} {}",
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        i64::from(tm.tm_year) + 1900
    )
}

/// `struct loadavg`: the load averages over 1, 5 and 15 minutes as fixed
/// point numbers (`vm.loadavg`).
///
/// `Display` writes `{ 0.12 0.34 0.56 }` (each `ldavg[i] / fscale`, two
/// decimals) as sysctl(8) does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct LoadAvg {
    /// The three averages, scaled by `fscale`.
    pub ldavg: [u32; 3],
    /// The scale: `ldavg[i] / fscale` is the load.
    pub fscale: i64,
}

impl LoadAvg {
    /// The three load averages as numbers.
    #[must_use]
    pub fn loads(&self) -> [f64; 3] {
        self.ldavg.map(|l| f64::from(l) / self.fscale as f64)
    }
}

impl fmt::Display for LoadAvg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c] = self.loads();
        write!(f, "{{ {a:.2} {b:.2} {c:.2} }}")
    }
}

/// A temperature in kelvin, as FreeBSD's `"IK"` formats give it (`"IK"` is
/// tenths of a kelvin, `"IK3"` thousandths).
///
/// `Display` writes degrees Celsius with as many decimals as the precision,
/// `45.1C`, as sysctl(8) does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Temperature {
    /// The raw value: kelvin × 10^`precision`.
    pub raw: i64,
    /// Decimal digits in `raw` (1 for `"IK"`).
    pub precision: u8,
}

impl Temperature {
    /// Degrees Celsius.
    #[must_use]
    pub fn celsius(&self) -> f64 {
        self.raw as f64 / 10f64.powi(i32::from(self.precision)) - 273.15
    }
}

impl fmt::Display for Temperature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.*}C", usize::from(self.precision), self.celsius())
    }
}

/// Reads a native-endian integer of `width` bytes at `at`.
fn int_at(bytes: &[u8], at: usize, width: usize, signed: bool) -> Option<i128> {
    let b = bytes.get(at..at.checked_add(width)?)?;
    Some(match (width, signed) {
        (1, true) => i8::from_ne_bytes(b.try_into().ok()?).into(),
        (1, false) => u8::from_ne_bytes(b.try_into().ok()?).into(),
        (2, true) => i16::from_ne_bytes(b.try_into().ok()?).into(),
        (2, false) => u16::from_ne_bytes(b.try_into().ok()?).into(),
        (4, true) => i32::from_ne_bytes(b.try_into().ok()?).into(),
        (4, false) => u32::from_ne_bytes(b.try_into().ok()?).into(),
        (8, true) => i64::from_ne_bytes(b.try_into().ok()?).into(),
        (8, false) => u64::from_ne_bytes(b.try_into().ok()?).into(),
        _ => return None,
    })
}

/// The [`Value`] variant for an integer of this width and sign.
fn int_value(v: i128, width: usize, signed: bool) -> Option<Value> {
    Some(match (width, signed) {
        (1, true) => Value::I8(v.try_into().ok()?),
        (1, false) => Value::U8(v.try_into().ok()?),
        (2, true) => Value::I16(v.try_into().ok()?),
        (2, false) => Value::U16(v.try_into().ok()?),
        (4, true) => Value::I32(v.try_into().ok()?),
        (4, false) => Value::U32(v.try_into().ok()?),
        (8, true) => Value::I64(v.try_into().ok()?),
        (8, false) => Value::U64(v.try_into().ok()?),
        _ => return None,
    })
}

/// The integer in `bytes`, read as a value of `kind` (exactly its width).
///
/// `EIO` if the length is not the kind's width; `EINVAL` if the kind is not
/// an integer.
#[cfg(any(test, not(target_os = "linux")))]
pub(crate) fn decode_int(kind: Kind, bytes: &[u8], layout: &Layout) -> Result<i128> {
    let (width, signed) = kind.int_shape(layout).ok_or(Errno::EINVAL)?;
    if bytes.len() != width {
        return Err(Errno::EIO);
    }
    int_at(bytes, 0, width, signed).ok_or(Errno::EIO)
}

/// An unsigned integer of 4 or 8 native-endian bytes (`EIO` for any other
/// length): what `sysctl_uint` accepts.
#[cfg(any(test, not(target_os = "linux")))]
pub(crate) fn uint_either(bytes: &[u8]) -> Result<u64> {
    if let Ok(b) = <[u8; 4]>::try_from(bytes) {
        return Ok(u32::from_ne_bytes(b).into());
    }
    <[u8; 8]>::try_from(bytes)
        .map(u64::from_ne_bytes)
        .map_err(|_| Errno::EIO)
}

/// A string value: the bytes up to the first NUL, as UTF-8 (`EILSEQ` if
/// they are not).
pub(crate) fn decode_str(bytes: &[u8]) -> Result<&str> {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    core::str::from_utf8(bytes.get(..end).unwrap_or_default()).map_err(|_| Errno::EILSEQ)
}

/// Decodes the bytes a kernel returned for a node of `kind` with format
/// `fmt`, on a platform of `layout`.
///
/// Integers: exactly the kind's width gives a scalar, a multiple of it an
/// [`Value::Array`]; any other length is `EIO`. `"IK"` formats give a
/// [`Temperature`]. Opaque nodes formatted `"S,clockinfo"`, `"S,timeval"`,
/// `"S,timespec"` or `"S,loadavg"` are decoded (a wrong size is `EIO`);
/// other opaque nodes are a [`Value::Struct`]. A node is `EISDIR`.
pub(crate) fn decode(kind: Kind, fmt: &str, bytes: &[u8], layout: &Layout) -> Result<Value> {
    if let Some((width, signed)) = kind.int_shape(layout) {
        if width == 0 || bytes.len() % width != 0 {
            return Err(Errno::EIO);
        }
        let kelvin = fmt.strip_prefix("IK").map(|p| match p.as_bytes().first() {
            Some(d @ b'0'..=b'9') => d - b'0',
            _ => 1,
        });
        let one = |at: usize| -> Result<Value> {
            let v = int_at(bytes, at, width, signed).ok_or(Errno::EIO)?;
            match kelvin {
                Some(precision) => Ok(Value::Temperature(Temperature {
                    raw: v.try_into().map_err(|_| Errno::EIO)?,
                    precision,
                })),
                None => int_value(v, width, signed).ok_or(Errno::EIO),
            }
        };
        if bytes.len() == width {
            return one(0);
        }
        return (0..bytes.len() / width)
            .map(|i| one(i * width))
            .collect::<Result<Vec<_>>>()
            .map(Value::Array);
    }
    match kind {
        Kind::Node => Err(Errno::EISDIR),
        Kind::String => decode_str(bytes).map(|s| Value::String(s.to_owned())),
        Kind::Bool => match bytes {
            [b] => Ok(Value::Bool(*b != 0)),
            _ => Err(Errno::EIO),
        },
        _ => match fmt {
            "S,clockinfo" => decode_clockinfo(bytes, layout).map(Value::ClockInfo),
            "S,timeval" => decode_timeval(bytes, layout).map(Value::Time),
            "S,timespec" => decode_timespec(bytes, layout).map(Value::Time),
            "S,loadavg" => decode_loadavg(bytes, layout).map(Value::LoadAvg),
            _ => Ok(Value::Struct {
                format: fmt.to_owned(),
                bytes: bytes.to_vec(),
            }),
        },
    }
}

fn i32_at(bytes: &[u8], at: usize) -> Result<i32> {
    int_at(bytes, at, 4, true)
        .and_then(|v| i32::try_from(v).ok())
        .ok_or(Errno::EIO)
}

/// `struct clockinfo` (see [`ClockLayout`]).
pub(crate) fn decode_clockinfo(bytes: &[u8], layout: &Layout) -> Result<ClockInfo> {
    let five = |tickadj: bool| -> Result<ClockInfo> {
        Ok(ClockInfo {
            hz: i32_at(bytes, 0)?,
            tick: i32_at(bytes, 4)?,
            tickadj: if tickadj { Some(i32_at(bytes, 8)?) } else { None },
            stathz: i32_at(bytes, 12)?,
            profhz: i32_at(bytes, 16)?,
        })
    };
    match bytes.len() {
        20 => five(layout.clockinfo.tickadj),
        16 if layout.clockinfo.four => Ok(ClockInfo {
            hz: i32_at(bytes, 0)?,
            tick: i32_at(bytes, 4)?,
            tickadj: None,
            stathz: i32_at(bytes, 8)?,
            profhz: i32_at(bytes, 12)?,
        }),
        _ => Err(Errno::EIO),
    }
}

/// `struct timeval`: `EIO` for a wrong size or microseconds outside
/// `0..1_000_000`; `EOVERFLOW` if `SystemTime` cannot hold it.
pub(crate) fn decode_timeval(bytes: &[u8], layout: &Layout) -> Result<SystemTime> {
    if bytes.len() != layout.timeval {
        return Err(Errno::EIO);
    }
    let sec = int_at(bytes, 0, layout.time_t, true).ok_or(Errno::EIO)?;
    let usec = int_at(bytes, layout.usec_offset(), layout.suseconds, true).ok_or(Errno::EIO)?;
    if !(0..1_000_000).contains(&usec) {
        return Err(Errno::EIO);
    }
    let sec = i64::try_from(sec).map_err(|_| Errno::EIO)?;
    let nsec = i64::try_from(usec * 1000).map_err(|_| Errno::EIO)?;
    time_from_parts(sec, nsec)
}

/// `struct timespec` (NetBSD's `kern.boottime`): `time_t` seconds, then
/// `long` nanoseconds. Errors as [`decode_timeval`].
pub(crate) fn decode_timespec(bytes: &[u8], layout: &Layout) -> Result<SystemTime> {
    // `tv_nsec` is a `long`, after a `time_t`, aligned to its own size; any
    // padding is at the end (a 64-bit `time_t` and a 32-bit `long`, 8-aligned:
    // 16 bytes, `tv_nsec` at 8).
    let off = layout.time_t.next_multiple_of(layout.long.max(1));
    if bytes.len() != layout.timespec {
        return Err(Errno::EIO);
    }
    let sec = int_at(bytes, 0, layout.time_t, true).ok_or(Errno::EIO)?;
    let nsec = int_at(bytes, off, layout.long, true).ok_or(Errno::EIO)?;
    if !(0..1_000_000_000).contains(&nsec) {
        return Err(Errno::EIO);
    }
    let sec = i64::try_from(sec).map_err(|_| Errno::EIO)?;
    let nsec = i64::try_from(nsec).map_err(|_| Errno::EIO)?;
    time_from_parts(sec, nsec)
}

/// `struct loadavg`.
pub(crate) fn decode_loadavg(bytes: &[u8], layout: &Layout) -> Result<LoadAvg> {
    if bytes.len() != layout.loadavg() {
        return Err(Errno::EIO);
    }
    let l = |i: usize| -> Result<u32> {
        int_at(bytes, 4 * i, 4, false)
            .and_then(|v| u32::try_from(v).ok())
            .ok_or(Errno::EIO)
    };
    let fscale = int_at(bytes, 12usize.next_multiple_of(layout.long), layout.long, true).ok_or(Errno::EIO)?;
    Ok(LoadAvg {
        ldavg: [l(0)?, l(1)?, l(2)?],
        fscale: fscale.try_into().map_err(|_| Errno::EIO)?,
    })
}

/// Writes `v` as a native-endian integer of `width` bytes into `out`.
fn put_int(out: &mut Vec<u8>, v: i128, width: usize, signed: bool) -> Result<()> {
    match (width, signed) {
        (1, true) => out.extend_from_slice(&i8::try_from(v).map_err(|_| Errno::ERANGE)?.to_ne_bytes()),
        (1, false) => out.extend_from_slice(&u8::try_from(v).map_err(|_| Errno::ERANGE)?.to_ne_bytes()),
        (2, true) => out.extend_from_slice(&i16::try_from(v).map_err(|_| Errno::ERANGE)?.to_ne_bytes()),
        (2, false) => out.extend_from_slice(&u16::try_from(v).map_err(|_| Errno::ERANGE)?.to_ne_bytes()),
        (4, true) => out.extend_from_slice(&i32::try_from(v).map_err(|_| Errno::ERANGE)?.to_ne_bytes()),
        (4, false) => out.extend_from_slice(&u32::try_from(v).map_err(|_| Errno::ERANGE)?.to_ne_bytes()),
        (8, true) => out.extend_from_slice(&i64::try_from(v).map_err(|_| Errno::ERANGE)?.to_ne_bytes()),
        (8, false) => out.extend_from_slice(&u64::try_from(v).map_err(|_| Errno::ERANGE)?.to_ne_bytes()),
        _ => return Err(Errno::EINVAL),
    }
    Ok(())
}

/// Encodes `value` as the bytes a kernel takes for (or returns from) a node
/// of `kind` on a platform of `layout`.
///
/// Integers are converted to the node's width (`ERANGE` if they do not
/// fit); a string is its bytes, with a NUL when `nul` (the form a kernel
/// returns; writes go without one, as sysctl(8) sends them); structures are
/// laid out as in C, padding zeroed. A value that does not fit the kind
/// (a string for an integer node) is `EINVAL`.
pub(crate) fn encode(value: &Value, kind: Kind, layout: &Layout, nul: bool) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    if let Some((width, signed)) = kind.int_shape(layout) {
        match value {
            Value::Array(items) => {
                for item in items {
                    let v = match item {
                        // An "IK" array (several sensors) holds temperatures.
                        Value::Temperature(t) => t.raw.into(),
                        v => v.as_i128().ok_or(Errno::EINVAL)?,
                    };
                    put_int(&mut out, v, width, signed)?;
                }
            }
            Value::Temperature(t) => put_int(&mut out, t.raw.into(), width, signed)?,
            v => put_int(&mut out, v.as_i128().ok_or(Errno::EINVAL)?, width, signed)?,
        }
        return Ok(out);
    }
    match (kind, value) {
        (Kind::String, Value::String(s)) => {
            if s.as_bytes().contains(&0) {
                return Err(Errno::EINVAL);
            }
            out.extend_from_slice(s.as_bytes());
            if nul {
                out.push(0);
            }
        }
        (Kind::Bool, v) => out.push(u8::from(v.as_i128().ok_or(Errno::EINVAL)? != 0)),
        (Kind::Opaque, Value::Struct { bytes, .. }) => out.extend_from_slice(bytes),
        (Kind::Opaque, Value::ClockInfo(c)) => {
            let third = c.tickadj.unwrap_or(0);
            let fields: &[i32] = if layout.clockinfo.four && c.tickadj.is_none() {
                &[c.hz, c.tick, c.stathz, c.profhz]
            } else {
                &[c.hz, c.tick, third, c.stathz, c.profhz]
            };
            for &v in fields {
                out.extend_from_slice(&v.to_ne_bytes());
            }
        }
        (Kind::Opaque, Value::Time(t)) => {
            // As a `struct timeval`, rounded down to the microsecond; a
            // time whose seconds do not fit `time_t` is `EOVERFLOW`.
            let (sec, nsec) = time_parts(*t)?;
            put_int(&mut out, sec.into(), layout.time_t, true).map_err(|_| Errno::EOVERFLOW)?;
            out.resize(layout.usec_offset(), 0);
            put_int(&mut out, (nsec / 1000).into(), layout.suseconds, true)?;
            out.resize(layout.timeval, 0);
        }
        (Kind::Opaque, Value::LoadAvg(l)) => {
            for v in l.ldavg {
                out.extend_from_slice(&v.to_ne_bytes());
            }
            out.resize(12usize.next_multiple_of(layout.long), 0);
            put_int(&mut out, l.fscale.into(), layout.long, true)?;
        }
        _ => return Err(Errno::EINVAL),
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
