//! EVFILT_TIMER over one timerfd per knote: CLOCK_MONOTONIC for periods,
//! CLOCK_REALTIME with TFD_TIMER_ABSTIME for deadlines. Every unit of
//! KQUEUE.md (FreeBSD's numbers) is accepted; `data` out counts the
//! expirations read from the timerfd since the last delivery.

use super::kevent::EV_ONESHOT;
use super::os;
use super::table::{encode, TAG_SLOT};
use crate::layout::{self, Os};
use bsd_errno::{check, Errno, Result};
use core::time::Duration;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// What a timer knote keeps: its timerfd, and whether it is on the
/// wall clock (a deadline).
#[derive(Debug)]
pub(super) struct TimerKnote {
    pub(super) tfd: OwnedFd,
    pub(super) abs: bool,
}

/// A timer request decoded: the period or deadline, absolute or not.
#[derive(Clone, Copy, Debug)]
pub(super) struct Spec {
    pub(super) value: Duration,
    pub(super) abs: bool,
}

/// Decodes `fflags`/`data` (EINVAL for a negative period or unknown unit).
pub(super) fn spec(fflags: u32, data: i64) -> Result<Spec> {
    let (value, abs) = layout::decode_timer(Os::Linux.timer_scheme(), fflags, data).ok_or(Errno::EINVAL)?;
    Ok(Spec { value, abs })
}

/// `d` as a timespec. A period too large for `time_t` (32-bit targets:
/// over 68 years) saturates, which never fires in practice; a deadline
/// past it (2038) is EOVERFLOW, never truncated to an earlier time.
fn timespec(d: Duration, abs: bool) -> Result<libc::timespec> {
    let secs = match libc::time_t::try_from(d.as_secs()) {
        Ok(s) => s,
        Err(_) if !abs => libc::time_t::MAX,
        Err(_) => return Err(Errno::EOVERFLOW),
    };
    Ok(libc::timespec {
        tv_sec: secs,
        // Below 10^9: fits every c_long.
        tv_nsec: d.subsec_nanos() as libc::c_long,
    })
}

/// A new timerfd on the clock `abs` needs (wall clock for deadlines).
pub(super) fn create(abs: bool) -> Result<OwnedFd> {
    let clock = if abs {
        libc::CLOCK_REALTIME
    } else {
        libc::CLOCK_MONOTONIC
    };
    // SAFETY: timerfd_create takes no pointers.
    let fd = check(unsafe { libc::timerfd_create(clock, libc::TFD_CLOEXEC | libc::TFD_NONBLOCK) })?;
    // SAFETY: a fresh descriptor, owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Puts the timerfd in the epoll, reporting for `slot`/`gen`.
pub(super) fn register(ep: RawFd, tfd: &OwnedFd, slot: u32, gen: u32) -> Result<()> {
    os::epoll_ctl(
        ep,
        libc::EPOLL_CTL_ADD,
        tfd.as_raw_fd(),
        (libc::EPOLLIN | libc::EPOLLET) as u32,
        encode(TAG_SLOT, slot, gen),
    )
}

/// (Re)starts the timer: first expiry after one period (or at the
/// deadline), then every period unless oneshot or absolute.
pub(super) fn arm(tfd: &OwnedFd, spec: Spec, flags: u16) -> Result<()> {
    // A zero value would disarm the timerfd: the shortest period instead.
    let value = spec.value.max(Duration::from_nanos(1));
    let periodic = !spec.abs && flags & EV_ONESHOT == 0;
    let its = libc::itimerspec {
        it_interval: if periodic {
            timespec(value, spec.abs)?
        } else {
            timespec(Duration::ZERO, false)?
        },
        it_value: timespec(value, spec.abs)?,
    };
    let tflags = if spec.abs { libc::TFD_TIMER_ABSTIME } else { 0 };
    // SAFETY: `its` is a valid itimerspec; the old value is not wanted.
    check(unsafe { libc::timerfd_settime(tfd.as_raw_fd(), tflags, &its, core::ptr::null_mut()) })?;
    Ok(())
}

/// Reads (and resets) the expiration count.
pub(super) fn expirations(tfd: &OwnedFd) -> u64 {
    os::counter_take(tfd.as_raw_fd())
}
