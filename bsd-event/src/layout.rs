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

/// Size in bytes of `struct kevent` on the 64-bit targets of each platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KeventShape {
    pub(crate) size: usize,
    pub(crate) filter_bytes: usize,
    pub(crate) flags_bytes: usize,
    pub(crate) data_offset: usize,
    pub(crate) udata_offset: usize,
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

    /// The filter numbers of this platform (KQUEUE.md, and each `sys/event.h`).
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
            // OpenBSD added unit flags only in 2023 and older kernels reject
            // them: milliseconds work on every release.
            Os::DragonFly | Os::OpenBsd => TimerScheme::MillisOnly,
        }
    }

    /// The shape of `struct kevent` on the platform's 64-bit targets.
    pub(crate) const fn kevent_shape(self) -> KeventShape {
        match self {
            // ident 8, filter 2, flags 2, fflags 4, data 8, udata 8, ext 4×8.
            Os::FreeBsd => KeventShape {
                size: 64,
                filter_bytes: 2,
                flags_bytes: 2,
                data_offset: 16,
                udata_offset: 24,
            },
            // ident 8, filter 4, flags 4, fflags 4, (pad 4), data 8, udata 8.
            Os::NetBsd => KeventShape {
                size: 40,
                filter_bytes: 4,
                flags_bytes: 4,
                data_offset: 24,
                udata_offset: 32,
            },
            // ident 8, filter 2, flags 2, fflags 4, data 8, udata 8.
            Os::DragonFly | Os::OpenBsd | Os::Apple | Os::Linux => KeventShape {
                size: 32,
                filter_bytes: 2,
                flags_bytes: 2,
                data_offset: 16,
                udata_offset: 24,
            },
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
#[cfg(any(test, target_os = "linux"))]
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

    #[test]
    fn kevent_shapes() {
        assert_eq!(Os::FreeBsd.kevent_shape().size, 64);
        assert_eq!(Os::NetBsd.kevent_shape().size, 40);
        assert_eq!(Os::NetBsd.kevent_shape().filter_bytes, 4);
        for os in [Os::DragonFly, Os::OpenBsd, Os::Apple] {
            assert_eq!(os.kevent_shape().size, 32);
        }
        #[cfg(all(
            target_pointer_width = "64",
            any(
                target_os = "freebsd",
                target_os = "dragonfly",
                target_os = "netbsd",
                target_os = "openbsd",
                target_vendor = "apple"
            )
        ))]
        {
            let s = Os::HOST.kevent_shape();
            assert_eq!(core::mem::size_of::<libc::kevent>(), s.size);
            assert_eq!(core::mem::offset_of!(libc::kevent, data), s.data_offset);
            assert_eq!(core::mem::offset_of!(libc::kevent, udata), s.udata_offset);
        }
    }
}
