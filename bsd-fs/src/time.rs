//! File times: `utimensat`/`futimens` with nanoseconds, and Go's
//! microsecond `utimes`/`futimes`.

use crate::path::with_c_path;
use crate::sys;
use bsd_errno::{Errno, Result};
use core::mem::MaybeUninit;
use std::os::fd::AsFd;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NANOS_PER_SEC: i64 = 1_000_000_000;
const MICROS_PER_SEC: i64 = 1_000_000;

// The markers as i64 (`c_long` is 32-bit on some targets, hence the casts).
#[allow(clippy::unnecessary_cast)]
const UTIME_NOW: i64 = libc::UTIME_NOW as i64;
#[allow(clippy::unnecessary_cast)]
const UTIME_OMIT: i64 = libc::UTIME_OMIT as i64;

/// A point in time with nanoseconds, as `utimensat` and `futimens` take it:
/// seconds since the Unix epoch (negative before 1970) and nanoseconds
/// `0..1_000_000_000` added to them — or one of the markers
/// [`Timespec::NOW`] and [`Timespec::OMIT`].
///
/// The fields are plain `i64`s so any value can be written down; the calls
/// check them and fail rather than truncate (see [`utimensat`]).
///
/// ```
/// use bsd_fs::Timespec;
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
///
/// let t = Timespec::try_from(UNIX_EPOCH + Duration::new(1_700_000_000, 123_456_789))?;
/// assert_eq!(t, Timespec::new(1_700_000_000, 123_456_789));
///
/// // Half a second before 1970 is -1 s + 500 000 000 ns.
/// let before = Timespec::try_from(UNIX_EPOCH - Duration::from_millis(500))?;
/// assert_eq!(before, Timespec::new(-1, 500_000_000));
/// assert_eq!(SystemTime::try_from(before)?, UNIX_EPOCH - Duration::from_millis(500));
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
///
/// # Platforms
/// The markers are values of `nsec`, the platform's `UTIME_NOW` and
/// `UTIME_OMIT`: -1 and -2 on FreeBSD, DragonFly and Apple, -2 and -1 on
/// OpenBSD, 2³⁰ − 1 and 2³⁰ − 2 on Linux and NetBSD. So `Timespec::new(s,
/// -1)` is [`NOW`](Self::NOW) on FreeBSD, [`OMIT`](Self::OMIT) on OpenBSD and
/// `EINVAL` on Linux: write the markers by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "NsecToTimespec")]
pub struct Timespec {
    /// Seconds since 1970-01-01 00:00:00 UTC (negative before).
    pub sec: i64,
    /// Nanoseconds, `0..1_000_000_000` (or `UTIME_NOW`/`UTIME_OMIT`).
    pub nsec: i64,
}

impl Timespec {
    /// Set this time to the current time (`UTIME_NOW`; `sec` is ignored).
    pub const NOW: Timespec = Timespec {
        sec: 0,
        nsec: UTIME_NOW,
    };

    /// Leave this time unchanged (`UTIME_OMIT`; `sec` is ignored).
    pub const OMIT: Timespec = Timespec {
        sec: 0,
        nsec: UTIME_OMIT,
    };

    /// A time of `sec` seconds and `nsec` nanoseconds since the epoch (not
    /// checked here; the calls check it).
    #[must_use]
    pub const fn new(sec: i64, nsec: i64) -> Timespec {
        Timespec { sec, nsec }
    }

    /// Whether this is [`Timespec::NOW`] (whatever `sec` holds).
    #[must_use]
    pub const fn is_now(&self) -> bool {
        self.nsec == UTIME_NOW
    }

    /// Whether this is [`Timespec::OMIT`] (whatever `sec` holds).
    #[must_use]
    pub const fn is_omit(&self) -> bool {
        self.nsec == UTIME_OMIT
    }

    /// The `timespec` the kernel gets.
    ///
    /// # Errors
    /// `EINVAL` if `nsec` is outside `0..1_000_000_000` and not a marker;
    /// `EOVERFLOW` if `sec` does not fit this platform's `time_t`.
    fn to_c(self) -> Result<libc::timespec> {
        let (sec, nsec) = if self.is_now() || self.is_omit() {
            (0, self.nsec)
        } else {
            check_nsec(self.nsec, NANOS_PER_SEC)?;
            (fit_time_t(self.sec)?, self.nsec)
        };
        // SAFETY: timespec is plain integers (plus padding on some 32-bit
        // targets), for which all zero bytes are a valid value.
        let mut ts: libc::timespec = unsafe { MaybeUninit::zeroed().assume_init() };
        ts.tv_sec = sec;
        // Fits: below 10^9, or a marker that is a c_long.
        ts.tv_nsec = nsec as _;
        Ok(ts)
    }
}

impl TryFrom<SystemTime> for Timespec {
    type Error = Errno;

    /// The time `t`, to the nanosecond; before 1970 `sec` is negative and
    /// `nsec` still counts forward from it.
    ///
    /// # Errors
    /// `EOVERFLOW` if the seconds do not fit an `i64` (they always do for
    /// the `SystemTime`s of the supported platforms).
    fn try_from(t: SystemTime) -> Result<Timespec> {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Ok(Timespec {
                sec: i64::try_from(d.as_secs()).map_err(|_| Errno::EOVERFLOW)?,
                nsec: i64::from(d.subsec_nanos()),
            }),
            Err(before) => Ok(Timespec::before_epoch(before.duration())?),
        }
    }
}

impl Timespec {
    /// The time `d` before the epoch, normalised to a non-negative `nsec`.
    fn before_epoch(d: Duration) -> Result<Timespec> {
        // In i128: 2^63 seconds before the epoch is `i64::MIN`, which fits,
        // though 2^63 itself does not.
        let nsec = i64::from(d.subsec_nanos());
        let (sec, nsec) = if nsec == 0 {
            (-i128::from(d.as_secs()), 0)
        } else {
            (-i128::from(d.as_secs()) - 1, NANOS_PER_SEC - nsec)
        };
        Ok(Timespec {
            sec: i64::try_from(sec).map_err(|_| Errno::EOVERFLOW)?,
            nsec,
        })
    }
}

impl TryFrom<Timespec> for SystemTime {
    type Error = Errno;

    /// The `SystemTime` a `Timespec` names.
    ///
    /// # Errors
    /// `EINVAL` for [`Timespec::NOW`], [`Timespec::OMIT`] and nanoseconds
    /// outside `0..1_000_000_000`; `EOVERFLOW` if `SystemTime` cannot hold
    /// the time.
    fn try_from(t: Timespec) -> Result<SystemTime> {
        if t.is_now() || t.is_omit() {
            return Err(Errno::EINVAL);
        }
        check_nsec(t.nsec, NANOS_PER_SEC)?;
        let nsec = Duration::from_nanos(t.nsec.unsigned_abs());
        let base = if t.sec >= 0 {
            UNIX_EPOCH.checked_add(Duration::from_secs(t.sec.unsigned_abs()))
        } else {
            UNIX_EPOCH.checked_sub(Duration::from_secs(t.sec.unsigned_abs()))
        };
        base.and_then(|b| b.checked_add(nsec)).ok_or(Errno::EOVERFLOW)
    }
}

impl From<Timeval> for Timespec {
    /// The same time with nanoseconds (`usec * 1000`; not checked here).
    fn from(t: Timeval) -> Timespec {
        Timespec {
            sec: t.sec,
            nsec: t.usec.saturating_mul(1000),
        }
    }
}

/// A point in time with microseconds, as `utimes` and `futimes` take it:
/// seconds since the epoch and microseconds `0..1_000_000`.
///
/// ```
/// use bsd_fs::Timeval;
/// use std::time::{Duration, UNIX_EPOCH};
///
/// // Sub-microsecond digits are dropped (rounded toward the past).
/// let t = Timeval::try_from(UNIX_EPOCH + Duration::new(10, 999_999_999))?;
/// assert_eq!(t, Timeval::new(10, 999_999));
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "NsecToTimeval")]
pub struct Timeval {
    /// Seconds since 1970-01-01 00:00:00 UTC (negative before).
    pub sec: i64,
    /// Microseconds, `0..1_000_000`.
    pub usec: i64,
}

impl Timeval {
    /// A time of `sec` seconds and `usec` microseconds since the epoch (not
    /// checked here; the calls check it).
    #[must_use]
    pub const fn new(sec: i64, usec: i64) -> Timeval {
        Timeval { sec, usec }
    }

    /// The `timeval` the kernel gets.
    ///
    /// # Errors
    /// `EINVAL` if `usec` is outside `0..1_000_000`; `EOVERFLOW` if `sec`
    /// does not fit this platform's `time_t`.
    fn to_c(self) -> Result<libc::timeval> {
        check_nsec(self.usec, MICROS_PER_SEC)?;
        // SAFETY: timeval is plain integers (plus padding on some targets),
        // for which all zero bytes are a valid value.
        let mut tv: libc::timeval = unsafe { MaybeUninit::zeroed().assume_init() };
        tv.tv_sec = fit_time_t(self.sec)?;
        // Fits every suseconds_t: below 10^6.
        tv.tv_usec = self.usec as _;
        Ok(tv)
    }
}

impl TryFrom<SystemTime> for Timeval {
    type Error = Errno;

    /// The time `t`, rounded down to the microsecond.
    ///
    /// # Errors
    /// As [`Timespec`]'s conversion.
    fn try_from(t: SystemTime) -> Result<Timeval> {
        let ts = Timespec::try_from(t)?;
        Ok(Timeval {
            sec: ts.sec,
            usec: ts.nsec / 1000,
        })
    }
}

/// `EINVAL` unless `0 <= v < per_sec`.
fn check_nsec(v: i64, per_sec: i64) -> Result<()> {
    if (0..per_sec).contains(&v) {
        Ok(())
    } else {
        Err(Errno::EINVAL)
    }
}

/// `sec` as a `T` (the platform's `time_t`), or `EOVERFLOW`. Generic so the
/// 32-bit case is tested on 64-bit hosts.
fn fit_seconds<T: TryFrom<i64>>(sec: i64) -> Result<T> {
    T::try_from(sec).map_err(|_| Errno::EOVERFLOW)
}

#[inline]
fn fit_time_t(sec: i64) -> Result<libc::time_t> {
    fit_seconds::<libc::time_t>(sec)
}

fn to_c_times(times: &[Timespec; 2]) -> Result<[libc::timespec; 2]> {
    Ok([times[0].to_c()?, times[1].to_c()?])
}

fn to_c_timevals(times: &[Timeval; 2]) -> Result<[libc::timeval; 2]> {
    Ok([times[0].to_c()?, times[1].to_c()?])
}

bitflags::bitflags! {
    /// Flags of the `*at` calls (`AT_*`).
    ///
    /// Bits without a name here are passed to the kernel as given
    /// ([`AtFlags::from_bits_retain`]), for flags a platform adds.
    #[repr(transparent)]
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct AtFlags: libc::c_int {
        /// Act on a symbolic link itself rather than on the file it points
        /// to (`AT_SYMLINK_NOFOLLOW`).
        const SYMLINK_NOFOLLOW = libc::AT_SYMLINK_NOFOLLOW;
        // Every other bit is the kernel's business.
        const _ = !0;
    }
}

/// `utimensat(dirfd, path, times, flags)`—Sets the access and modification
/// times of a file, to the nanosecond.
///
/// `times[0]` is the access time, `times[1]` the modification time. Either
/// may be [`Timespec::NOW`] (the current time) or [`Timespec::OMIT`] (left
/// unchanged). A relative `path` is looked up in `dirfd` (use [`CWD`](crate::CWD) for
/// the current directory); an absolute one ignores it. With
/// [`AtFlags::SYMLINK_NOFOLLOW`] a symbolic link's own times are set.
///
/// Setting a time other than NOW needs ownership of the file (or
/// privilege); setting both to NOW needs only write permission.
///
/// ```
/// use bsd_fs::{utimensat, AtFlags, Timespec, CWD};
/// # let dir = std::env::temp_dir().join(format!("bsd-fs-doc-utimensat-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # let path = dir.join("file");
/// # std::fs::write(&path, b"").unwrap();
/// use std::os::unix::fs::MetadataExt;
///
/// // Access time now, modification time 2009-02-13 23:31:30.123456789 UTC.
/// utimensat(CWD, &path, &[Timespec::NOW, Timespec::new(1_234_567_890, 123_456_789)], AtFlags::empty())?;
/// let m = std::fs::metadata(&path)?;
/// assert_eq!((m.mtime(), m.mtime_nsec()), (1_234_567_890, 123_456_789));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// - `EINVAL`: a nanosecond field outside `0..1_000_000_000` that is not
///   `NOW`/`OMIT`; a `path` with a NUL byte; flags the kernel rejects.
/// - `EOVERFLOW`: seconds that do not fit this platform's `time_t` (32-bit
///   on some 32-bit targets); never truncated.
/// - `ENOENT`, `ENOTDIR`, `ELOOP`, `ENAMETOOLONG`: the path does not lead
///   to a file.
/// - `EPERM`: a time other than NOW on a file we do not own; `EACCES`: NOW
///   on a file we do not own and may not write, or a directory on the way
///   we may not search. Then whatever the file system reports.
///
/// # Platforms
/// Linux, FreeBSD ≥ 10.3, NetBSD, OpenBSD, DragonFly and Apple ≥ 10.13
/// (macOS High Sierra, iOS 11). The file system may store less than a
/// nanosecond (HFS+: one second; FAT: two).
///
/// # References
#[doc = crate::man_links!(2, "utimensat", "utimensat", "utimensat", "utimensat", "utimensat", "utimensat")]
#[doc(alias = "UtimesNanoAt")]
pub fn utimensat<Fd: AsFd, P: AsRef<Path>>(dirfd: Fd, path: P, times: &[Timespec; 2], flags: AtFlags) -> Result<()> {
    let ts = to_c_times(times)?;
    with_c_path(path.as_ref(), |p| sys::utimensat(dirfd.as_fd(), p, &ts, flags.bits()))
}

/// `utimensat(AT_FDCWD, path, times, 0)`—Sets a file's access and
/// modification times to the nanosecond, following symbolic links.
///
/// Go's `syscall.UtimesNano`, without its loss: on the BSDs Go goes
/// through `utimes` and drops everything below the microsecond; this keeps
/// all nine digits on every platform.
///
/// ```
/// use bsd_fs::{utimes_nano, Timespec};
/// # let dir = std::env::temp_dir().join(format!("bsd-fs-doc-utimes-nano-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # let path = dir.join("file");
/// # std::fs::write(&path, b"").unwrap();
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let t = UNIX_EPOCH + Duration::new(1_000_000_000, 999_999_999);
/// utimes_nano(&path, &[Timespec::OMIT, t.try_into()?])?;
/// assert_eq!(std::fs::metadata(&path)?.modified()?, t);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`utimensat`].
///
/// # References
#[doc = crate::man_links!(2, "utimensat", "utimensat", "utimensat", "utimensat", "utimensat", "utimensat")]
#[doc(alias = "UtimesNano")]
#[inline]
pub fn utimes_nano<P: AsRef<Path>>(path: P, times: &[Timespec; 2]) -> Result<()> {
    let ts = to_c_times(times)?;
    with_c_path(path.as_ref(), |p| sys::utimensat(crate::CWD, p, &ts, 0))
}

/// `futimens(fd, times)`—Sets the access and modification times of an
/// open file, to the nanosecond.
///
/// As [`utimensat`], on a descriptor (a file opened for reading is
/// enough when you own it).
///
/// # Errors
/// `EINVAL`/`EOVERFLOW` as [`utimensat`]; `EBADF` for a descriptor that
/// is only a path (Linux `O_PATH`); `EPERM`/`EACCES` as [`utimensat`].
///
/// # Platforms
/// As [`utimensat`].
///
/// # References
#[doc = crate::man_links!(2, "futimens", "futimens", "futimens", "futimens", "futimens", "futimens")]
#[doc(alias = "Futimens")]
#[inline]
pub fn futimens<Fd: AsFd>(fd: Fd, times: &[Timespec; 2]) -> Result<()> {
    let ts = to_c_times(times)?;
    sys::futimens(fd.as_fd(), &ts)
}

/// `utimes(path, times)`—Sets a file's access and modification times, to
/// the microsecond (Go's `syscall.Utimes`).
///
/// Prefer [`utimes_nano`]: it keeps nanoseconds and knows NOW and OMIT.
///
/// # Errors
/// - `EINVAL`: microseconds outside `0..1_000_000`; a `path` with a NUL.
/// - `EOVERFLOW`: seconds that do not fit `time_t`.
/// - The path and permission errors of [`utimensat`] (`ENOENT`, `ELOOP`,
///   `EPERM`, …).
///
/// # References
#[doc = crate::man_links!(2, "utimes", "utimes", "utimes", "utimes", "utimes", "utimes")]
#[doc(alias = "Utimes")]
pub fn utimes<P: AsRef<Path>>(path: P, times: &[Timeval; 2]) -> Result<()> {
    let tv = to_c_timevals(times)?;
    with_c_path(path.as_ref(), |p| sys::utimes(p, &tv))
}

/// `futimes(fd, times)`—Sets an open file's access and modification times,
/// to the microsecond (Go's `syscall.Futimes`).
///
/// Prefer [`futimens`].
///
/// # Errors
/// `EINVAL`/`EOVERFLOW` as [`utimes`]; `EBADF`, `EPERM` and `EACCES` as
/// [`futimens`].
///
/// # References
#[doc = crate::man_links!(2, "futimes", "futimes", "futimes", "futimes", "futimes", "futimes")]
#[doc(alias = "Futimes")]
pub fn futimes<Fd: AsFd>(fd: Fd, times: &[Timeval; 2]) -> Result<()> {
    let tv = to_c_timevals(times)?;
    sys::futimes(fd.as_fd(), &tv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_outside_a_32_bit_time_t_overflow() {
        assert_eq!(fit_seconds::<i32>(i64::from(i32::MAX)), Ok(i32::MAX));
        assert_eq!(fit_seconds::<i32>(i64::from(i32::MIN)), Ok(i32::MIN));
        assert_eq!(fit_seconds::<i32>(i64::from(i32::MAX) + 1), Err(Errno::EOVERFLOW));
        assert_eq!(fit_seconds::<i32>(i64::from(i32::MIN) - 1), Err(Errno::EOVERFLOW));
        assert_eq!(fit_seconds::<i64>(i64::MAX), Ok(i64::MAX));
    }

    #[test]
    fn nanosecond_range() {
        for bad in [-1, NANOS_PER_SEC, NANOS_PER_SEC + 7, i64::MIN, i64::MAX] {
            if bad == Timespec::NOW.nsec || bad == Timespec::OMIT.nsec {
                continue;
            }
            assert_eq!(Timespec::new(0, bad).to_c().err(), Some(Errno::EINVAL), "{bad}");
        }
        assert!(Timespec::new(-5, 0).to_c().is_ok());
        assert!(Timespec::new(5, NANOS_PER_SEC - 1).to_c().is_ok());
        // Markers ignore the seconds, even out-of-range ones.
        let now = Timespec {
            sec: i64::MAX,
            ..Timespec::NOW
        }
        .to_c()
        .unwrap();
        assert_eq!((now.tv_sec, now.tv_nsec), (0, libc::UTIME_NOW));
        let omit = Timespec {
            sec: -1,
            ..Timespec::OMIT
        }
        .to_c()
        .unwrap();
        assert_eq!((omit.tv_sec, omit.tv_nsec), (0, libc::UTIME_OMIT));
        assert_eq!(Timeval::new(0, 1_000_000).to_c().err(), Some(Errno::EINVAL));
        assert_eq!(Timeval::new(0, -1).to_c().err(), Some(Errno::EINVAL));
        let tv = Timeval::new(-3, 999_999).to_c().unwrap();
        assert_eq!((tv.tv_sec, tv.tv_usec), (-3, 999_999));
    }

    #[test]
    fn system_time_round_trips() {
        let cases = [
            (UNIX_EPOCH, Timespec::new(0, 0)),
            (UNIX_EPOCH + Duration::new(1, 1), Timespec::new(1, 1)),
            (UNIX_EPOCH - Duration::new(0, 1), Timespec::new(-1, 999_999_999)),
            (UNIX_EPOCH - Duration::new(1, 0), Timespec::new(-1, 0)),
            (
                UNIX_EPOCH - Duration::new(86_400 * 365, 250_000_000),
                Timespec::new(-86_400 * 365 - 1, 750_000_000),
            ),
        ];
        for (st, ts) in cases {
            assert_eq!(Timespec::try_from(st), Ok(ts));
            assert_eq!(SystemTime::try_from(ts), Ok(st));
        }
        assert_eq!(SystemTime::try_from(Timespec::NOW), Err(Errno::EINVAL));
        assert_eq!(SystemTime::try_from(Timespec::OMIT), Err(Errno::EINVAL));
        assert_eq!(SystemTime::try_from(Timespec::new(0, -1)), Err(Errno::EINVAL));
        // The extremes either fit this platform's SystemTime or overflow;
        // they never panic.
        for sec in [i64::MAX, i64::MIN, i64::MIN + 1] {
            let r = SystemTime::try_from(Timespec::new(sec, 999_999_999));
            assert!(matches!(r, Ok(_) | Err(Errno::EOVERFLOW)), "{sec}: {r:?}");
            // And where they fit, they come back exactly.
            if let Ok(st) = r {
                assert_eq!(Timespec::try_from(st), Ok(Timespec::new(sec, 999_999_999)));
            }
        }
        // i64::MIN seconds exactly (2^63 s before the epoch).
        if let Some(st) = UNIX_EPOCH.checked_sub(Duration::from_secs(1 << 63)) {
            assert_eq!(Timespec::try_from(st), Ok(Timespec::new(i64::MIN, 0)));
            // One nanosecond earlier is beyond i64 seconds: EOVERFLOW.
            if let Some(earlier) = st.checked_sub(Duration::from_nanos(1)) {
                assert_eq!(Timespec::try_from(earlier), Err(Errno::EOVERFLOW));
                assert_eq!(Timeval::try_from(earlier), Err(Errno::EOVERFLOW));
            }
        }
        assert_eq!(
            Timeval::try_from(UNIX_EPOCH - Duration::new(0, 1)),
            Ok(Timeval::new(-1, 999_999))
        );
        assert_eq!(Timespec::from(Timeval::new(3, 7)), Timespec::new(3, 7000));
        assert!(Timespec::NOW.is_now() && !Timespec::NOW.is_omit());
        assert!(Timespec::OMIT.is_omit() && !Timespec::OMIT.is_now());
    }

    /// The markers are each platform's `UTIME_NOW`/`UTIME_OMIT` (from
    /// `libc`; checked here against the headers' values as the docs give
    /// them).
    #[test]
    fn markers_are_the_platforms_values() {
        let want = if cfg!(any(
            target_os = "freebsd",
            target_os = "dragonfly",
            target_vendor = "apple"
        )) {
            (-1, -2)
        } else if cfg!(target_os = "openbsd") {
            (-2, -1)
        } else {
            // Linux and NetBSD.
            ((1 << 30) - 1, (1 << 30) - 2)
        };
        assert_eq!((Timespec::NOW.nsec, Timespec::OMIT.nsec), want);
        // So -1 is a marker on the BSDs and Apple, and an error on Linux.
        let minus_one = Timespec::new(0, -1);
        assert_eq!(minus_one.is_now() || minus_one.is_omit(), want.0 < 0);
    }

    #[test]
    fn at_flags_keep_unknown_bits() {
        let f = AtFlags::from_bits_retain(0x4000_0000);
        assert_eq!(f.bits(), 0x4000_0000);
        assert_eq!(AtFlags::SYMLINK_NOFOLLOW.bits(), libc::AT_SYMLINK_NOFOLLOW);
    }
}
