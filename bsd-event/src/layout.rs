//! Pure per-platform facts: filter numbers, timer unit encodings, the wait
//! status word, the `struct kevent` shape.
//!
//! Everything here is plain data and arithmetic, compiled on every host for
//! every platform (a [`Os`] value, not a `cfg`), so the numbers each BSD
//! kernel expects are unit-tested on Linux too. `cfg` only picks
//! [`Os::HOST`], the layout the public API uses.

use core::time::Duration;

/// The platform families whose kqueue layouts differ.
///
/// Only [`Os::HOST`] is used outside the unit tests, which check every
/// platform's numbers on every host.
#[cfg_attr(not(test), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Os {
    FreeBsd,
    DragonFly,
    NetBsd,
    OpenBsd,
    Apple,
    /// The Linux emulation: FreeBSD's numbers.
    Linux,
}

/// The raw filter numbers of one platform (as `i32`, so NetBSD's positive
/// `u32` filters and the others' negative `i16` ones fit one table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FilterNumbers {
    pub(crate) read: i32,
    pub(crate) write: i32,
    pub(crate) vnode: i32,
    pub(crate) proc_: i32,
    pub(crate) signal: i32,
    pub(crate) timer: i32,
    pub(crate) user: i32,
}

/// How a platform encodes the unit of an `EVFILT_TIMER` period in `fflags`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimerScheme {
    /// FreeBSD (and Linux here): bit flags SECONDS 1, MSECONDS 2, USECONDS 4,
    /// NSECONDS 8, ABSTIME 0x10; no unit flag means milliseconds.
    Bits {
        seconds: u32,
        useconds: u32,
        nseconds: u32,
        /// The absolute-deadline flag, if the platform has one.
        absolute: Option<u32>,
    },
    /// NetBSD: an enumerated unit (MSECONDS 0, SECONDS 1, USECONDS 2,
    /// NSECONDS 3) in the low bits, ABSTIME 0x10.
    Enumerated,
    /// DragonFly and OpenBSD: milliseconds only.
    MillisOnly,
}

/// A timer request encoded for a platform: `(fflags, data)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimerSpec {
    pub(crate) fflags: u32,
    pub(crate) data: i64,
}

/// The C data model of a target, which decides `struct kevent`'s layout:
/// `ident`, `udata` (and `data` on DragonFly and Apple) are pointer-sized,
/// and a 64-bit field is aligned to 8 bytes, or to 4 on i386.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DataModel {
    /// Bytes in a pointer, `uintptr_t` and `intptr_t`: 4 or 8.
    pub(crate) ptr: usize,
    /// Alignment of `int64_t`/`uint64_t` inside a struct: 8, or 4 on i386.
    pub(crate) align64: usize,
}

impl DataModel {
    /// This target's data model.
    pub(crate) const HOST: DataModel = DataModel {
        ptr: core::mem::size_of::<usize>(),
        align64: core::mem::align_of::<u64>(),
    };
    /// 64-bit targets (x86_64, aarch64, powerpc64, riscv64, sparc64, s390x).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) const LP64: DataModel = DataModel { ptr: 8, align64: 8 };
    /// 32-bit targets that align 64-bit integers to 8 bytes (armv7, powerpc).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) const ILP32: DataModel = DataModel { ptr: 4, align64: 8 };
    /// i386 (i686): 32-bit, 64-bit integers aligned to 4 bytes in structs.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) const I386: DataModel = DataModel { ptr: 4, align64: 4 };
}

/// Where one field of `struct kevent` lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Field {
    pub(crate) offset: usize,
    pub(crate) bytes: usize,
    /// A signed C type (sign-extended when decoded).
    pub(crate) signed: bool,
}

// The byte codec below (`KeventFields`, `Endian`, `encode`/`decode`) is
// pure and used by the unit tests and by the `kevent_layout` fuzz target,
// which compiles this file on its own; the library itself passes
// `struct kevent` to the kernel as a Rust struct.
#[cfg_attr(not(test), allow(dead_code))]
impl Field {
    const fn end(self) -> usize {
        self.offset + self.bytes
    }
}

/// The layout of `struct kevent` on one platform and data model, computed
/// by C's rules from the field types of the platform's `sys/event.h`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KeventShape {
    pub(crate) size: usize,
    pub(crate) align: usize,
    pub(crate) ident: Field,
    pub(crate) filter: Field,
    pub(crate) flags: Field,
    pub(crate) fflags: Field,
    pub(crate) data: Field,
    pub(crate) udata: Field,
    /// FreeBSD's `uint64_t ext[4]` (all four words), if the platform has it.
    pub(crate) ext: Option<Field>,
}

/// Lays out the next field of a C struct: `(field, end, max_align)`.
/// Under `#pragma pack(n)` (Apple) `align` is at most `n`.
const fn place(end: usize, max_align: usize, bytes: usize, align: usize, signed: bool) -> (Field, usize, usize) {
    let offset = end.next_multiple_of(align);
    let f = Field { offset, bytes, signed };
    let a = if align > max_align { align } else { max_align };
    (f, offset + bytes, a)
}

#[cfg_attr(not(test), allow(dead_code))]
/// The values of the fields of a `struct kevent`, wide enough for every
/// platform: what [`KeventShape::encode`] writes and
/// [`KeventShape::decode`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct KeventFields {
    pub(crate) ident: u64,
    pub(crate) filter: i64,
    pub(crate) flags: u64,
    pub(crate) fflags: u64,
    pub(crate) data: i64,
    pub(crate) udata: u64,
    pub(crate) ext: [u64; 4],
}

#[cfg_attr(not(test), allow(dead_code))]
/// A byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endian {
    Little,
    Big,
}

impl Endian {
    /// This target's byte order.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) const HOST: Endian = if cfg!(target_endian = "big") {
        Endian::Big
    } else {
        Endian::Little
    };
}

#[cfg_attr(not(test), allow(dead_code))]
/// Whether `v`, read as a value of `f`'s C type, fits it.
fn fits(f: Field, v: i128) -> bool {
    let bits = 8 * f.bytes as u32;
    if f.signed {
        let lim = 1i128 << (bits - 1);
        (-lim..lim).contains(&v)
    } else {
        (0..1i128 << bits).contains(&v)
    }
}

#[cfg_attr(not(test), allow(dead_code))]
fn put(f: Field, v: i128, order: Endian, out: &mut [u8]) {
    // Two's complement: the low `bytes` bytes of the value.
    let le = (v as u128).to_le_bytes();
    let dst = &mut out[f.offset..f.end()];
    for (i, b) in dst.iter_mut().enumerate() {
        *b = match order {
            Endian::Little => le[i],
            Endian::Big => le[f.bytes - 1 - i],
        };
    }
}

#[cfg_attr(not(test), allow(dead_code))]
fn get(f: Field, order: Endian, bytes: &[u8]) -> i128 {
    let src = &bytes[f.offset..f.end()];
    let mut v: u128 = 0;
    for i in 0..f.bytes {
        let b = match order {
            Endian::Little => src[f.bytes - 1 - i],
            Endian::Big => src[i],
        };
        v = (v << 8) | u128::from(b);
    }
    let bits = 8 * f.bytes as u32;
    if f.signed && v >> (bits - 1) & 1 == 1 {
        (v as i128) - (1i128 << bits)
    } else {
        v as i128
    }
}

#[cfg_attr(not(test), allow(dead_code))]
impl KeventShape {
    /// Writes `k` as this platform's `struct kevent` into `out[..size]`
    /// (padding zeroed). `None` if `out` is shorter than the struct, or a
    /// value does not fit its field (a negative `ident`, a filter beyond
    /// `i16`, `data` beyond a 32-bit `intptr_t`, `ext` where there is none).
    pub(crate) fn encode(&self, k: &KeventFields, order: Endian, out: &mut [u8]) -> Option<()> {
        let out = out.get_mut(..self.size)?;
        let ext = match self.ext {
            Some(f) => Some(f),
            None if k.ext == [0; 4] => None,
            None => return None,
        };
        let vals = [
            (self.ident, i128::from(k.ident)),
            (self.filter, i128::from(k.filter)),
            (self.flags, i128::from(k.flags)),
            (self.fflags, i128::from(k.fflags)),
            (self.data, i128::from(k.data)),
            (self.udata, i128::from(k.udata)),
        ];
        if !vals.iter().all(|&(f, v)| fits(f, v)) {
            return None;
        }
        out.fill(0);
        for (f, v) in vals {
            put(f, v, order, out);
        }
        if let Some(f) = ext {
            for (i, w) in k.ext.iter().enumerate() {
                let word = Field {
                    offset: f.offset + 8 * i,
                    bytes: 8,
                    signed: false,
                };
                put(word, i128::from(*w), order, out);
            }
        }
        Some(())
    }

    /// Reads this platform's `struct kevent` from `bytes[..size]`; `None`
    /// if `bytes` is shorter. Padding is ignored.
    pub(crate) fn decode(&self, order: Endian, bytes: &[u8]) -> Option<KeventFields> {
        let bytes = bytes.get(..self.size)?;
        // Every field is at most 8 bytes wide, so each value fits the
        // 64-bit field of `KeventFields` of the same signedness.
        let u = |f: Field| get(f, order, bytes) as u64;
        let i = |f: Field| get(f, order, bytes) as i64;
        let mut ext = [0; 4];
        if let Some(f) = self.ext {
            for (n, w) in ext.iter_mut().enumerate() {
                *w = u(Field {
                    offset: f.offset + 8 * n,
                    bytes: 8,
                    signed: false,
                });
            }
        }
        Some(KeventFields {
            ident: u(self.ident),
            filter: i(self.filter),
            flags: u(self.flags),
            fflags: u(self.fflags),
            data: i(self.data),
            udata: u(self.udata),
            ext,
        })
    }
}

impl Os {
    /// The layout the public API uses on this host.
    #[cfg(target_os = "freebsd")]
    pub(crate) const HOST: Os = Os::FreeBsd;
    /// The layout the public API uses on this host.
    #[cfg(target_os = "dragonfly")]
    pub(crate) const HOST: Os = Os::DragonFly;
    /// The layout the public API uses on this host.
    #[cfg(target_os = "netbsd")]
    pub(crate) const HOST: Os = Os::NetBsd;
    /// The layout the public API uses on this host.
    #[cfg(target_os = "openbsd")]
    pub(crate) const HOST: Os = Os::OpenBsd;
    /// The layout the public API uses on this host.
    #[cfg(target_vendor = "apple")]
    pub(crate) const HOST: Os = Os::Apple;
    /// The layout the public API uses on this host.
    #[cfg(target_os = "linux")]
    pub(crate) const HOST: Os = Os::Linux;

    /// The filter numbers of this platform (each `sys/event.h`).
    pub(crate) const fn filters(self) -> FilterNumbers {
        match self {
            Os::NetBsd => FilterNumbers {
                read: 0,
                write: 1,
                vnode: 3,
                proc_: 4,
                signal: 5,
                timer: 6,
                user: 8,
            },
            Os::FreeBsd | Os::Linux | Os::DragonFly | Os::OpenBsd | Os::Apple => FilterNumbers {
                read: -1,
                write: -2,
                vnode: -4,
                proc_: -5,
                signal: -6,
                timer: -7,
                user: match self {
                    Os::FreeBsd | Os::Linux => -11,
                    Os::DragonFly => -9,
                    _ => -10,
                },
            },
        }
    }

    /// How this platform encodes timer units.
    pub(crate) const fn timer_scheme(self) -> TimerScheme {
        match self {
            Os::FreeBsd | Os::Linux => TimerScheme::Bits {
                seconds: 1,
                useconds: 4,
                nseconds: 8,
                absolute: Some(0x10),
            },
            Os::Apple => TimerScheme::Bits {
                seconds: 1,
                useconds: 2,
                nseconds: 4,
                absolute: Some(8),
            },
            Os::NetBsd => TimerScheme::Enumerated,
            // OpenBSD's recent kernels enumerate units as NetBSD does
            // (openbsd/src sys/sys/event.h), older releases have none; data
            // with no unit flag is milliseconds on every release.
            Os::DragonFly | Os::OpenBsd => TimerScheme::MillisOnly,
        }
    }

    /// The layout of this platform's `struct kevent` on this target.
    pub(crate) const fn kevent_shape(self) -> KeventShape {
        self.kevent_shape_for(DataModel::HOST)
    }

    /// The layout of this platform's `struct kevent` under data model `m`,
    /// from each `sys/event.h`:
    ///
    /// | | ident | filter | flags | fflags | data | udata | ext |
    /// |---|---|---|---|---|---|---|---|
    /// | FreeBSD >= 12 | `uintptr_t` | `short` | `u_short` | `u_int` | `int64_t` | `void *` | `uint64_t[4]` |
    /// | DragonFly | `uintptr_t` | `short` | `u_short` | `u_int` | `intptr_t` | `void *` | |
    /// | NetBSD | `uintptr_t` | `uint32_t` | `uint32_t` | `uint32_t` | `int64_t` | `void *` (`intptr_t` before 10) | |
    /// | OpenBSD | `uintptr_t` | `short` | `u_short` | `u_int` | `int64_t` | `void *` | |
    /// | Apple | `uintptr_t` | `int16_t` | `uint16_t` | `uint32_t` | `intptr_t` | `void *` | |
    /// | Linux (ours) | `usize` | `i16` | `u16` | `u32` | `i64` | `usize` | |
    ///
    /// Apple declares it under `#pragma pack(4)` (xnu `bsd/sys/event.h`):
    /// no field is aligned to more than 4 bytes, so the struct's alignment
    /// is 4 even on 64-bit targets (the offsets are the natural ones).
    pub(crate) const fn kevent_shape_for(self, m: DataModel) -> KeventShape {
        let p = m.ptr;
        // The largest alignment any field gets (`#pragma pack`).
        let pack = match self {
            Os::Apple => 4,
            _ => 8,
        };
        let m = DataModel {
            ptr: p,
            align64: if m.align64 < pack { m.align64 } else { pack },
        };
        let pa = if p < pack { p } else { pack };
        // NetBSD's filter and flags are `uint32_t`, the others' `short`
        // and `u_short`.
        let (filter_signed, filter_flags) = match self {
            Os::NetBsd => (false, 4),
            _ => (true, 2),
        };
        let (ident, end, al) = place(0, 1, p, pa, false);
        let (filter, end, al) = place(end, al, filter_flags, filter_flags, filter_signed);
        let (flags, end, al) = place(end, al, filter_flags, filter_flags, false);
        let (fflags, end, al) = place(end, al, 4, 4, false);
        let (data, end, al) = match self {
            Os::DragonFly | Os::Apple => place(end, al, p, pa, true),
            _ => place(end, al, 8, m.align64, true),
        };
        let (udata, end, al) = place(end, al, p, pa, false);
        let (ext, end, al) = match self {
            Os::FreeBsd => {
                let (f, e, a) = place(end, al, 32, m.align64, false);
                (Some(f), e, a)
            }
            _ => (None, end, al),
        };
        KeventShape {
            size: end.next_multiple_of(al),
            align: al,
            ident,
            filter,
            flags,
            fflags,
            data,
            udata,
            ext,
        }
    }
}

/// The longest period or deadline the encoders write: the largest whole
/// number of milliseconds whose nanoseconds fit an `i64` (about 292 years).
///
/// Kernels turn `data` into nanoseconds: XNU multiplies it by the unit
/// with an overflow check that fails the registration with ERANGE, FreeBSD
/// converts to `sbintime_t` (saturating), OpenBSD to nanoseconds. Capped
/// here, `data` times its unit fits 64 bits on every system, so an
/// "effectively never" timer is accepted everywhere instead of being ERANGE
/// on Apple.
const MAX_NANOS: u128 = (i64::MAX as u128 / 1_000_000) * 1_000_000;

/// Encodes a relative timer period for `scheme`.
///
/// A whole number of milliseconds goes out with no unit flag (the one
/// encoding every kqueue understands); otherwise the coarsest exact unit is
/// used. On a milliseconds-only platform the period is rounded *up* to the
/// next millisecond, so a timer never fires early. Periods longer than
/// [`MAX_NANOS`] (about 292 years) are capped to it.
pub(crate) fn encode_period(scheme: TimerScheme, period: Duration) -> TimerSpec {
    let nanos = period.as_nanos().min(MAX_NANOS);
    let ms_exact = nanos % 1_000_000 == 0;
    match scheme {
        TimerScheme::MillisOnly => TimerSpec {
            fflags: 0,
            // At most MAX_NANOS / 10^6: MAX_NANOS is whole milliseconds.
            data: saturate(nanos.div_ceil(1_000_000)),
        },
        _ if ms_exact => TimerSpec {
            fflags: 0,
            data: saturate(nanos / 1_000_000),
        },
        TimerScheme::Bits { useconds, nseconds, .. } => {
            if nanos % 1_000 == 0 {
                TimerSpec {
                    fflags: useconds,
                    data: saturate(nanos / 1_000),
                }
            } else {
                TimerSpec {
                    fflags: nseconds,
                    data: saturate(nanos),
                }
            }
        }
        TimerScheme::Enumerated => {
            if nanos % 1_000 == 0 {
                TimerSpec {
                    fflags: 2,
                    data: saturate(nanos / 1_000),
                }
            } else {
                TimerSpec {
                    fflags: 3,
                    data: saturate(nanos),
                }
            }
        }
    }
}

/// Encodes an absolute deadline (time since the Unix epoch) for `scheme`,
/// or `None` where the platform has no absolute timers.
///
/// Whole seconds go out in seconds, anything else in nanoseconds; a
/// deadline past [`MAX_NANOS`] after the epoch (April 2262) is capped to it,
/// so no kernel's conversion to nanoseconds overflows (XNU's would be
/// ERANGE).
#[cfg(any(test, not(any(target_os = "dragonfly", target_os = "openbsd"))))]
pub(crate) fn encode_deadline(scheme: TimerScheme, since_epoch: Duration) -> Option<TimerSpec> {
    let nanos = since_epoch.as_nanos().min(MAX_NANOS);
    let whole_secs = nanos % 1_000_000_000 == 0;
    let (secs, nanos) = (saturate(nanos / 1_000_000_000), saturate(nanos));
    match scheme {
        TimerScheme::Bits {
            seconds,
            nseconds,
            absolute: Some(abs),
            ..
        } => Some(if whole_secs {
            TimerSpec {
                fflags: abs | seconds,
                data: secs,
            }
        } else {
            TimerSpec {
                fflags: abs | nseconds,
                data: nanos,
            }
        }),
        TimerScheme::Enumerated => Some(if whole_secs {
            TimerSpec {
                fflags: 0x10 | 1,
                data: secs,
            }
        } else {
            TimerSpec {
                fflags: 0x10 | 3,
                data: nanos,
            }
        }),
        TimerScheme::Bits { absolute: None, .. } | TimerScheme::MillisOnly => None,
    }
}

/// What a timer's `(fflags, data)` ask for, decoded: the period or deadline
/// as a [`Duration`] and whether it is absolute. `None` for a negative
/// period or unknown unit bits.
#[cfg(any(test, target_os = "linux", target_os = "netbsd"))]
pub(crate) fn decode_timer(scheme: TimerScheme, fflags: u32, data: i64) -> Option<(Duration, bool)> {
    let v = u64::try_from(data).ok()?;
    match scheme {
        TimerScheme::Bits {
            seconds,
            useconds,
            nseconds,
            absolute,
        } => {
            let abs_bit = absolute.unwrap_or(0);
            let abs = abs_bit != 0 && fflags & abs_bit != 0;
            // FreeBSD's MSECONDS is 2 and means the default; Apple has no
            // MSECONDS (2 is USECONDS there), which `useconds` catches first.
            let units = fflags & !abs_bit;
            let d = if units == 0 {
                Duration::from_millis(v)
            } else if units == seconds {
                Duration::from_secs(v)
            } else if units == useconds {
                Duration::from_micros(v)
            } else if units == nseconds {
                Duration::from_nanos(v)
            } else if units == 2 {
                Duration::from_millis(v)
            } else {
                return None;
            };
            Some((d, abs))
        }
        TimerScheme::Enumerated => {
            let abs = fflags & 0x10 != 0;
            let d = match fflags & !0x10 {
                0 => Duration::from_millis(v),
                1 => Duration::from_secs(v),
                2 => Duration::from_micros(v),
                3 => Duration::from_nanos(v),
                _ => return None,
            };
            Some((d, abs))
        }
        TimerScheme::MillisOnly => (fflags == 0).then(|| (Duration::from_millis(v), false)),
    }
}

/// The first `kern.osrevision` (`__NetBSD_Version__`) of NetBSD 10, whose
/// kernel reads `EVFILT_TIMER` units from `fflags`.
///
/// Before it, NetBSD's `filt_timerattach` (NetBSD/src
/// `sys/kern/kern_event.c`, netbsd-9) computes the ticks as
/// `mstohz(kn->kn_sdata)` and never looks at `fflags`: every period is
/// milliseconds, a zero period is EINVAL. NetBSD 10's `filt_timercompute`
/// switches on `fflags & NOTE_TIMER_UNITMASK` (enumerated units), rejects
/// unknown bits and more than `INT_MAX` ticks with EINVAL, and makes
/// `NOTE_ABSTIME` timers one-shot.
#[cfg(target_os = "netbsd")]
pub(crate) const NETBSD_TIMER_UNITS_OSREV: i32 = 1_000_000_000;

/// Rewrites a NetBSD timer registration `(fflags, data)` for a kernel that
/// predates timer units (`kern.osrevision` below
/// `NETBSD_TIMER_UNITS_OSREV`, 1000000000): returns `(data in milliseconds, one-shot)`,
/// to be sent with `fflags` 0 (and `EV_ONESHOT` for a deadline).
///
/// A period is rounded up to whole milliseconds (never early); a deadline
/// becomes the milliseconds left from `now` (time since the epoch), at
/// least 1 so that a past deadline fires at once, as on NetBSD 10. `None`
/// (EINVAL, as NetBSD 10 says) for unknown unit bits, a negative `data`,
/// or more than `i32::MAX` milliseconds, which the old kernel's `int`
/// tick count could not hold.
#[cfg(any(test, target_os = "netbsd"))]
pub(crate) fn netbsd_legacy_timer(fflags: u32, data: i64, now: Duration) -> Option<(i64, bool)> {
    let (d, abs) = decode_timer(TimerScheme::Enumerated, fflags, data)?;
    let left = if abs { d.saturating_sub(now) } else { d };
    let ms = left.as_nanos().div_ceil(1_000_000);
    let ms = if abs { ms.max(1) } else { ms };
    let ms = i32::try_from(ms).ok()?;
    Some((i64::from(ms), abs))
}

fn saturate(x: u128) -> i64 {
    i64::try_from(x).unwrap_or(i64::MAX)
}

/// The BSD wait-status word of a process that exited with `code`
/// (`W_EXITCODE(code, 0)`), the same on every platform.
#[cfg(any(test, target_os = "linux"))]
pub(crate) const fn exit_status(code: i32) -> i64 {
    ((code & 0xff) << 8) as i64
}

/// The BSD wait-status word of a process killed by `sig` (with the core
/// flag 0o200 if it dumped core).
#[cfg(any(test, target_os = "linux"))]
pub(crate) const fn signaled_status(sig: i32, core: bool) -> i64 {
    ((sig & 0o177) | if core { 0o200 } else { 0 }) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Os; 6] = [
        Os::FreeBsd,
        Os::DragonFly,
        Os::NetBsd,
        Os::OpenBsd,
        Os::Apple,
        Os::Linux,
    ];

    #[test]
    fn filter_numbers_per_platform() {
        assert_eq!(Os::FreeBsd.filters().user, -11);
        assert_eq!(Os::DragonFly.filters().user, -9);
        assert_eq!(Os::NetBsd.filters().user, 8);
        assert_eq!(Os::OpenBsd.filters().user, -10);
        assert_eq!(Os::Apple.filters().user, -10);
        assert_eq!(Os::Linux.filters(), Os::FreeBsd.filters());
        let n = Os::NetBsd.filters();
        assert_eq!(
            (n.read, n.write, n.vnode, n.proc_, n.signal, n.timer),
            (0, 1, 3, 4, 5, 6)
        );
        for os in ALL {
            let f = os.filters();
            let all = [f.read, f.write, f.vnode, f.proc_, f.signal, f.timer, f.user];
            for (i, a) in all.iter().enumerate() {
                for b in &all[i + 1..] {
                    assert_ne!(a, b, "{os:?}: two filters share a number");
                }
            }
        }
    }

    #[test]
    fn host_filters_match_libc() {
        #[cfg(any(
            target_os = "freebsd",
            target_os = "dragonfly",
            target_os = "netbsd",
            target_os = "openbsd",
            target_vendor = "apple"
        ))]
        {
            let f = Os::HOST.filters();
            assert_eq!(f.read, libc::EVFILT_READ as i32);
            assert_eq!(f.write, libc::EVFILT_WRITE as i32);
            assert_eq!(f.vnode, libc::EVFILT_VNODE as i32);
            assert_eq!(f.proc_, libc::EVFILT_PROC as i32);
            assert_eq!(f.signal, libc::EVFILT_SIGNAL as i32);
            assert_eq!(f.timer, libc::EVFILT_TIMER as i32);
            assert_eq!(f.user, libc::EVFILT_USER as i32);
        }
        #[cfg(target_os = "linux")]
        assert_eq!(Os::HOST, Os::Linux);
    }

    #[test]
    fn whole_milliseconds_need_no_unit_flag_anywhere() {
        for os in ALL {
            let s = encode_period(os.timer_scheme(), Duration::from_millis(250));
            assert_eq!(s, TimerSpec { fflags: 0, data: 250 }, "{os:?}");
            assert_eq!(
                decode_timer(os.timer_scheme(), s.fflags, s.data),
                Some((Duration::from_millis(250), false))
            );
        }
    }

    #[test]
    fn sub_millisecond_periods_per_platform() {
        let us = Duration::from_micros(1500);
        let ns = Duration::from_nanos(1_000_001);
        let fb = Os::FreeBsd.timer_scheme();
        assert_eq!(encode_period(fb, us), TimerSpec { fflags: 4, data: 1500 });
        assert_eq!(
            encode_period(fb, ns),
            TimerSpec {
                fflags: 8,
                data: 1_000_001
            }
        );
        let ap = Os::Apple.timer_scheme();
        assert_eq!(encode_period(ap, us), TimerSpec { fflags: 2, data: 1500 });
        assert_eq!(
            encode_period(ap, ns),
            TimerSpec {
                fflags: 4,
                data: 1_000_001
            }
        );
        let nb = Os::NetBsd.timer_scheme();
        assert_eq!(encode_period(nb, us), TimerSpec { fflags: 2, data: 1500 });
        assert_eq!(
            encode_period(nb, ns),
            TimerSpec {
                fflags: 3,
                data: 1_000_001
            }
        );
        let ob = Os::OpenBsd.timer_scheme();
        assert_eq!(encode_period(ob, us), TimerSpec { fflags: 0, data: 2 });
        // DragonFly rounds up to whole milliseconds: never early.
        let df = Os::DragonFly.timer_scheme();
        assert_eq!(encode_period(df, us), TimerSpec { fflags: 0, data: 2 });
        assert_eq!(encode_period(df, ns), TimerSpec { fflags: 0, data: 2 });
        assert_eq!(encode_period(df, Duration::ZERO), TimerSpec { fflags: 0, data: 0 });
        for os in ALL {
            let sch = os.timer_scheme();
            for d in [us, ns, Duration::from_secs(3), Duration::from_nanos(7)] {
                let s = encode_period(sch, d);
                let (back, abs) = decode_timer(sch, s.fflags, s.data).unwrap();
                assert!(!abs);
                if sch == TimerScheme::MillisOnly {
                    assert!(back >= d && back - d < Duration::from_millis(1), "{os:?} {d:?}");
                } else {
                    assert_eq!(back, d, "{os:?}");
                }
            }
        }
    }

    /// The nanoseconds a `(fflags, data)` pair asks for, by the units of
    /// each platform's `sys/event.h` (what the kernel multiplies by).
    fn kernel_nanos(os: Os, s: TimerSpec) -> u128 {
        let unit: u128 = match os.timer_scheme() {
            TimerScheme::Enumerated => match s.fflags & 3 {
                0 => 1_000_000,
                1 => 1_000_000_000,
                2 => 1_000,
                _ => 1,
            },
            TimerScheme::MillisOnly => 1_000_000,
            TimerScheme::Bits { absolute, .. } => match (os, s.fflags & !absolute.unwrap_or(0)) {
                (_, 0) => 1_000_000,
                (_, 1) => 1_000_000_000,
                (Os::Apple, 2) => 1_000,
                (Os::Apple, 4) => 1,
                (_, 2) => 1_000_000,
                (_, 4) => 1_000,
                (_, 8) => 1,
                (_, f) => panic!("{os:?}: unit flags {f:#x}"),
            },
        };
        u128::try_from(s.data).unwrap() * unit
    }

    #[test]
    fn huge_periods_are_capped_where_every_kernel_converts_them() {
        // About 292 years, in whole milliseconds, on every platform: XNU
        // multiplies data by its unit into 64 bits and fails with ERANGE on
        // overflow (as the previous i64::MAX milliseconds did).
        let cap = TimerSpec {
            fflags: 0,
            data: 9_223_372_036_854,
        };
        for os in ALL {
            for d in [
                Duration::MAX,
                Duration::new(u64::MAX / 2, 1),
                Duration::from_secs(10_000_000_000),
                Duration::from_nanos(i64::MAX as u64),
            ] {
                let s = encode_period(os.timer_scheme(), d);
                assert_eq!(s, cap, "{os:?} {d:?}");
                assert!(kernel_nanos(os, s) <= i64::MAX as u128);
            }
            // Just under the cap, not whole milliseconds: the exact unit.
            let d = Duration::from_nanos(9_223_372_036_853_999_999);
            let s = encode_period(os.timer_scheme(), d);
            assert!(kernel_nanos(os, s) <= i64::MAX as u128, "{os:?}");
            if os.timer_scheme() != TimerScheme::MillisOnly {
                assert_eq!(kernel_nanos(os, s), d.as_nanos(), "{os:?}");
            }
        }
        assert_eq!(
            encode_period(
                Os::FreeBsd.timer_scheme(),
                Duration::from_nanos(9_223_372_036_853_999_999)
            ),
            TimerSpec {
                fflags: 8,
                data: 9_223_372_036_853_999_999
            }
        );
    }

    #[test]
    fn deadlines_per_platform() {
        let t = Duration::new(1_700_000_000, 5);
        assert_eq!(
            encode_deadline(Os::FreeBsd.timer_scheme(), t),
            Some(TimerSpec {
                fflags: 0x18,
                data: 1_700_000_000_000_000_005
            })
        );
        assert_eq!(
            encode_deadline(Os::Apple.timer_scheme(), t),
            Some(TimerSpec {
                fflags: 0x0c,
                data: 1_700_000_000_000_000_005
            })
        );
        assert_eq!(
            encode_deadline(Os::NetBsd.timer_scheme(), t),
            Some(TimerSpec {
                fflags: 0x13,
                data: 1_700_000_000_000_000_005
            })
        );
        assert_eq!(encode_deadline(Os::DragonFly.timer_scheme(), t), None);
        assert_eq!(encode_deadline(Os::OpenBsd.timer_scheme(), t), None);
        // Whole seconds: the seconds unit (FreeBSD SECONDS 1, Apple
        // SECONDS 1, NetBSD enumerated SECONDS 1), with the absolute flag.
        let whole = Duration::from_secs(1_700_000_000);
        for (os, fflags) in [
            (Os::FreeBsd, 0x11),
            (Os::Linux, 0x11),
            (Os::Apple, 0x09),
            (Os::NetBsd, 0x11),
        ] {
            assert_eq!(
                encode_deadline(os.timer_scheme(), whole),
                Some(TimerSpec {
                    fflags,
                    data: 1_700_000_000
                }),
                "{os:?}"
            );
            assert_eq!(
                decode_timer(os.timer_scheme(), fflags, 1_700_000_000),
                Some((whole, true))
            );
        }
        // Past April 2262 the nanoseconds would overflow: capped there, in
        // nanoseconds (XNU: a seconds deadline past 2554 would be ERANGE).
        for far in [
            Duration::from_secs(10_000_000_000) + Duration::from_nanos(1),
            Duration::from_secs(20_000_000_000),
            Duration::MAX,
        ] {
            for os in [Os::FreeBsd, Os::Linux, Os::Apple, Os::NetBsd] {
                let s = encode_deadline(os.timer_scheme(), far).unwrap();
                assert_eq!(s.data, 9_223_372_036_854_000_000, "{os:?}");
                assert_eq!(kernel_nanos(os, s), MAX_NANOS, "{os:?}");
            }
        }
        assert_eq!(
            decode_timer(Os::FreeBsd.timer_scheme(), 0x18, 42),
            Some((Duration::from_nanos(42), true))
        );
        assert_eq!(
            decode_timer(Os::NetBsd.timer_scheme(), 0x13, 42),
            Some((Duration::from_nanos(42), true))
        );
    }

    #[test]
    fn bad_timer_requests_decode_to_none() {
        assert_eq!(decode_timer(Os::Linux.timer_scheme(), 0, -1), None);
        assert_eq!(decode_timer(Os::Linux.timer_scheme(), 0x20, 1), None);
        assert_eq!(decode_timer(Os::Linux.timer_scheme(), 1 | 8, 1), None);
        assert_eq!(decode_timer(Os::NetBsd.timer_scheme(), 7, 1), None);
        assert_eq!(decode_timer(Os::DragonFly.timer_scheme(), 1, 1), None);
        // FreeBSD's explicit MSECONDS (2).
        assert_eq!(
            decode_timer(Os::Linux.timer_scheme(), 2, 5),
            Some((Duration::from_millis(5), false))
        );
    }

    #[test]
    fn wait_status_words() {
        assert_eq!(exit_status(0), 0);
        assert_eq!(exit_status(7), 0x700);
        assert_eq!(exit_status(256 + 3), 0x300);
        assert_eq!(signaled_status(9, false), 9);
        assert_eq!(signaled_status(11, true), 0o200 | 11);
    }

    /// `(size, align, [ident, filter, flags, fflags, data, udata] as
    /// (offset, bytes), ext offset)`, written out from each `sys/event.h`
    /// and C's layout rules, for one data model.
    type Expected = (usize, usize, [(usize, usize); 6], Option<usize>);

    fn offsets(s: KeventShape) -> Expected {
        let f = |f: Field| (f.offset, f.bytes);
        (
            s.size,
            s.align,
            [f(s.ident), f(s.filter), f(s.flags), f(s.fflags), f(s.data), f(s.udata)],
            s.ext.map(|e| e.offset),
        )
    }

    #[test]
    fn kevent_shapes_64_bit() {
        let m = DataModel::LP64;
        let common = (32, 8, [(0, 8), (8, 2), (10, 2), (12, 4), (16, 8), (24, 8)], None);
        // Apple: the same offsets, but packed to 4.
        assert_eq!(
            offsets(Os::Apple.kevent_shape_for(m)),
            (32, 4, [(0, 8), (8, 2), (10, 2), (12, 4), (16, 8), (24, 8)], None)
        );
        assert_eq!(
            offsets(Os::FreeBsd.kevent_shape_for(m)),
            (64, 8, [(0, 8), (8, 2), (10, 2), (12, 4), (16, 8), (24, 8)], Some(32))
        );
        // NetBSD: u32 filter and flags, then 4 bytes of padding before data.
        assert_eq!(
            offsets(Os::NetBsd.kevent_shape_for(m)),
            (40, 8, [(0, 8), (8, 4), (12, 4), (16, 4), (24, 8), (32, 8)], None)
        );
        for os in [Os::DragonFly, Os::OpenBsd, Os::Linux] {
            assert_eq!(offsets(os.kevent_shape_for(m)), common, "{os:?}");
        }
    }

    #[test]
    fn kevent_shapes_i386() {
        // 4-byte pointers, and int64_t aligned to 4 inside structs.
        let m = DataModel::I386;
        assert_eq!(
            offsets(Os::FreeBsd.kevent_shape_for(m)),
            (56, 4, [(0, 4), (4, 2), (6, 2), (8, 4), (12, 8), (20, 4)], Some(24))
        );
        assert_eq!(
            offsets(Os::NetBsd.kevent_shape_for(m)),
            (28, 4, [(0, 4), (4, 4), (8, 4), (12, 4), (16, 8), (24, 4)], None)
        );
        for os in [Os::OpenBsd, Os::Linux] {
            assert_eq!(
                offsets(os.kevent_shape_for(m)),
                (24, 4, [(0, 4), (4, 2), (6, 2), (8, 4), (12, 8), (20, 4)], None),
                "{os:?}"
            );
        }
        // intptr_t data: 4 bytes on a 32-bit target.
        for os in [Os::DragonFly, Os::Apple] {
            assert_eq!(
                offsets(os.kevent_shape_for(m)),
                (20, 4, [(0, 4), (4, 2), (6, 2), (8, 4), (12, 4), (16, 4)], None),
                "{os:?}"
            );
        }
    }

    #[test]
    fn kevent_shapes_32_bit_aligned_int64() {
        // armv7 and 32-bit powerpc: int64_t aligned to 8, so padding
        // appears before data and at the end.
        let m = DataModel::ILP32;
        assert_eq!(
            offsets(Os::FreeBsd.kevent_shape_for(m)),
            (64, 8, [(0, 4), (4, 2), (6, 2), (8, 4), (16, 8), (24, 4)], Some(32))
        );
        assert_eq!(
            offsets(Os::NetBsd.kevent_shape_for(m)),
            (32, 8, [(0, 4), (4, 4), (8, 4), (12, 4), (16, 8), (24, 4)], None)
        );
        assert_eq!(
            offsets(Os::OpenBsd.kevent_shape_for(m)),
            (32, 8, [(0, 4), (4, 2), (6, 2), (8, 4), (16, 8), (24, 4)], None)
        );
        assert_eq!(
            offsets(Os::Apple.kevent_shape_for(m)),
            (20, 4, [(0, 4), (4, 2), (6, 2), (8, 4), (12, 4), (16, 4)], None)
        );
    }

    #[test]
    fn host_shape_is_the_host_data_model() {
        assert_eq!(Os::HOST.kevent_shape(), Os::HOST.kevent_shape_for(DataModel::HOST));
        let expected = if cfg!(target_pointer_width = "64") {
            DataModel::LP64
        } else if cfg!(target_arch = "x86") {
            DataModel::I386
        } else {
            DataModel::ILP32
        };
        assert_eq!(DataModel::HOST, expected);
    }

    const MODELS: [DataModel; 3] = [DataModel::LP64, DataModel::ILP32, DataModel::I386];

    #[test]
    fn every_shape_is_consistent() {
        for os in ALL {
            for m in MODELS {
                let s = os.kevent_shape_for(m);
                let mut fields = vec![s.ident, s.filter, s.flags, s.fflags, s.data, s.udata];
                fields.extend(s.ext);
                for w in fields.windows(2) {
                    assert!(w[0].end() <= w[1].offset, "{os:?} {m:?}: overlap");
                }
                for f in &fields {
                    assert_eq!(f.offset % f.bytes.min(8).min(s.align), 0, "{os:?} {m:?}: misaligned");
                }
                assert!(fields.last().unwrap().end() <= s.size);
                assert_eq!(s.size % s.align, 0);
                assert_eq!((s.ident.bytes, s.udata.bytes), (m.ptr, m.ptr));
            }
        }
    }

    fn sample(os: Os, m: DataModel) -> KeventFields {
        KeventFields {
            ident: if m.ptr == 8 { 0x0102_0304_0506_0708 } else { 0x0102_0304 },
            filter: if os == Os::NetBsd { 8 } else { -11 },
            flags: if os == Os::NetBsd { 0x8000_4011 } else { 0x4011 },
            fflags: 0x8100_0003,
            data: if m.ptr == 4 && matches!(os, Os::DragonFly | Os::Apple) {
                -2_000_000_000
            } else {
                -0x0123_4567_89ab_cdef
            },
            udata: if m.ptr == 8 { 0xfedc_ba98_7654_3210 } else { 0xfedc_ba98 },
            ext: if os == Os::FreeBsd {
                [1, u64::MAX, 3, 1 << 63]
            } else {
                [0; 4]
            },
        }
    }

    #[test]
    fn encode_decode_round_trip_both_orders() {
        for os in ALL {
            for m in MODELS {
                let s = os.kevent_shape_for(m);
                let k = sample(os, m);
                for order in [Endian::Little, Endian::Big] {
                    let mut buf = [0xaau8; 64];
                    s.encode(&k, order, &mut buf).unwrap();
                    assert_eq!(s.decode(order, &buf), Some(k), "{os:?} {m:?} {order:?}");
                    // Byte order shows in the bytes: fflags's first byte.
                    let first = buf[s.fflags.offset];
                    assert_eq!(first, if order == Endian::Big { 0x81 } else { 0x03 });
                    // Too short a buffer is refused both ways.
                    assert_eq!(s.decode(order, &buf[..s.size - 1]), None);
                    assert_eq!(s.encode(&k, order, &mut [0; 16][..]), None);
                }
            }
        }
    }

    #[test]
    fn encode_refuses_what_does_not_fit() {
        let s = Os::OpenBsd.kevent_shape_for(DataModel::I386);
        let k = sample(Os::OpenBsd, DataModel::I386);
        let mut buf = [0u8; 64];
        for bad in [
            KeventFields { ident: 1 << 32, ..k },
            KeventFields { filter: 40_000, ..k },
            KeventFields { flags: 1 << 16, ..k },
            KeventFields { fflags: 1 << 32, ..k },
            KeventFields { udata: 1 << 32, ..k },
            KeventFields { ext: [1, 0, 0, 0], ..k },
        ] {
            assert_eq!(s.encode(&bad, Endian::HOST, &mut buf), None, "{bad:?}");
        }
        let apple32 = Os::Apple.kevent_shape_for(DataModel::I386);
        let k = KeventFields {
            data: 1 << 31,
            ..sample(Os::Apple, DataModel::I386)
        };
        assert_eq!(apple32.encode(&k, Endian::HOST, &mut buf), None);
        let k = KeventFields { data: -(1 << 31), ..k };
        assert_eq!(apple32.encode(&k, Endian::HOST, &mut buf), Some(()));
    }

    #[test]
    fn netbsd_before_10_gets_milliseconds() {
        let now = Duration::from_secs(1_700_000_000);
        let nb = Os::NetBsd.timer_scheme();
        // Whole milliseconds pass unchanged.
        assert_eq!(netbsd_legacy_timer(0, 250, now), Some((250, false)));
        // Each unit, converted and rounded up.
        let s = encode_period(nb, Duration::from_micros(1500));
        assert_eq!(netbsd_legacy_timer(s.fflags, s.data, now), Some((2, false)));
        let s = encode_period(nb, Duration::from_nanos(1));
        assert_eq!(netbsd_legacy_timer(s.fflags, s.data, now), Some((1, false)));
        assert_eq!(netbsd_legacy_timer(1, 3, now), Some((3000, false)));
        // Zero stays zero: the old kernel says EINVAL, as NetBSD 10 does.
        assert_eq!(netbsd_legacy_timer(0, 0, now), Some((0, false)));
        // A deadline becomes the time left, one-shot; a past one fires at once.
        let at = now + Duration::from_millis(1500) + Duration::from_nanos(1);
        let s = encode_deadline(nb, at).unwrap();
        assert_eq!(netbsd_legacy_timer(s.fflags, s.data, now), Some((1501, true)));
        let s = encode_deadline(nb, now - Duration::from_secs(5)).unwrap();
        assert_eq!(netbsd_legacy_timer(s.fflags, s.data, now), Some((1, true)));
        // EINVAL: unknown bits, negative data, beyond the old int ticks.
        assert_eq!(netbsd_legacy_timer(0x20, 1, now), None);
        assert_eq!(netbsd_legacy_timer(0, -1, now), None);
        assert_eq!(
            netbsd_legacy_timer(0, i64::from(i32::MAX), now),
            Some((i64::from(i32::MAX), false))
        );
        assert_eq!(netbsd_legacy_timer(0, i64::from(i32::MAX) + 1, now), None);
        for d in [
            Duration::MAX,
            Duration::from_secs(u64::MAX / 4),
            Duration::from_secs(i64::MAX as u64),
        ] {
            let s = encode_period(nb, d);
            assert_eq!(netbsd_legacy_timer(s.fflags, s.data, now), None, "{d:?}");
        }
        assert_eq!(netbsd_legacy_timer(1, i64::MAX, now), None);
    }
}
