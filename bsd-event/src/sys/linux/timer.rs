//! EVFILT_TIMER over one timerfd per knote: CLOCK_MONOTONIC for periods,
//! CLOCK_REALTIME with TFD_TIMER_ABSTIME for deadlines. Every unit flag
//! FreeBSD defines (with FreeBSD's numbers) is accepted; `data` out counts the
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

/// The kernel's `struct __kernel_itimerspec`: 64-bit seconds on every
/// architecture.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
struct KernelItimerspec {
    interval: [i64; 2],
    value: [i64; 2],
}

fn kernel_ts(d: Duration) -> [i64; 2] {
    [
        i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        i64::from(d.subsec_nanos()),
    ]
}

/// `timerfd_settime` with 64-bit times. 64-bit targets: the C library's
/// call, whose `time_t` is 64-bit.
#[cfg(target_pointer_width = "64")]
fn settime(fd: RawFd, flags: libc::c_int, its: KernelItimerspec) -> Result<()> {
    let ts = |t: [i64; 2]| libc::timespec {
        tv_sec: t[0] as libc::time_t,
        tv_nsec: t[1] as libc::c_long,
    };
    let its = libc::itimerspec {
        it_interval: ts(its.interval),
        it_value: ts(its.value),
    };
    // SAFETY: `its` is a valid itimerspec; the old value is not wanted.
    check(unsafe { libc::timerfd_settime(fd, flags, &its, core::ptr::null_mut()) })?;
    Ok(())
}

/// `timerfd_settime64` (Linux ≥ 5.1 on 32-bit targets, the same number,
/// 411, on every 32-bit architecture), so deadlines past 2038 work; older
/// kernels get `timerfd_settime` and EOVERFLOW for a deadline its 32-bit
/// `time_t` cannot hold (a period that long saturates: it never fires).
#[cfg(target_pointer_width = "32")]
fn settime(fd: RawFd, flags: libc::c_int, its: KernelItimerspec) -> Result<()> {
    const SYS_TIMERFD_SETTIME64: libc::c_long = 411;
    // SAFETY: `its` is a valid __kernel_itimerspec; no old value wanted.
    let r = unsafe {
        libc::syscall(
            SYS_TIMERFD_SETTIME64,
            fd,
            flags,
            &its as *const KernelItimerspec,
            core::ptr::null_mut::<KernelItimerspec>(),
        )
    };
    match check(r) {
        Ok(_) => return Ok(()),
        Err(Errno::ENOSYS) => {}
        Err(e) => return Err(e),
    }
    let abs = flags & libc::TFD_TIMER_ABSTIME != 0;
    let ts = |t: [i64; 2]| -> Result<libc::timespec> {
        let sec = match libc::time_t::try_from(t[0]) {
            Ok(s) => s,
            Err(_) if !abs => libc::time_t::MAX,
            Err(_) => return Err(Errno::EOVERFLOW),
        };
        Ok(libc::timespec {
            tv_sec: sec,
            tv_nsec: t[1] as libc::c_long,
        })
    };
    let its = libc::itimerspec {
        it_interval: ts(its.interval)?,
        it_value: ts(its.value)?,
    };
    // SAFETY: `its` is a valid itimerspec; the old value is not wanted.
    check(unsafe { libc::timerfd_settime(fd, flags, &its, core::ptr::null_mut()) })?;
    Ok(())
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
    let its = KernelItimerspec {
        interval: kernel_ts(if periodic { value } else { Duration::ZERO }),
        value: kernel_ts(value),
    };
    let tflags = if spec.abs { libc::TFD_TIMER_ABSTIME } else { 0 };
    settime(tfd.as_raw_fd(), tflags, its)
}

/// Reads (and resets) the expiration count.
pub(super) fn expirations(tfd: &OwnedFd) -> u64 {
    os::counter_take(tfd.as_raw_fd())
}
