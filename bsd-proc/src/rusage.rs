//! [`Rusage`]: resource usage of a process, its children or a thread, as
//! `getrusage(2)` and `wait4(2)` report it.

use crate::{sys, Family};
use bsd_errno::Result;
use core::fmt;
use std::time::Duration;

/// Resource usage (`struct rusage`), with times as [`Duration`] and the
/// maximum resident set size in bytes on every platform.
///
/// A transparent wrapper around `libc::rusage`; [`Rusage::raw`] gives the
/// fields this type has no accessor for (`ru_ixrss`, `ru_idrss`,
/// `ru_isrss`). Counters the kernel leaves at zero (many on Linux: swaps,
/// messages, signals) read as 0; a negative field (never written by a
/// kernel) reads as 0.
///
/// ```
/// use bsd_proc::{getrusage, Who};
/// let me = getrusage(Who::Self_)?;
/// assert!(me.max_rss_bytes() > 0);
/// println!("user {:?}, system {:?}, {} minor faults",
///          me.user_time(), me.system_time(), me.minor_faults());
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct Rusage(libc::rusage);

fn duration(tv: libc::timeval) -> Duration {
    let secs = u64::try_from(tv.tv_sec).unwrap_or(0);
    let micros = u32::try_from(tv.tv_usec).unwrap_or(0).min(999_999);
    Duration::new(secs, micros * 1000)
}

/// `c_long` (32 or 64 bits) as `i64`, without a same-type conversion on
/// 64-bit targets.
fn widen<T: Into<i64>>(v: T) -> i64 {
    v.into()
}

fn count(v: libc::c_long) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl Rusage {
    /// Wraps a raw `struct rusage`.
    #[inline]
    #[must_use]
    pub const fn from_raw(raw: libc::rusage) -> Rusage {
        Rusage(raw)
    }

    /// The raw `struct rusage`.
    #[inline]
    #[must_use]
    pub const fn raw(&self) -> &libc::rusage {
        &self.0
    }

    /// The raw `struct rusage`, by value.
    #[inline]
    #[must_use]
    pub const fn into_raw(self) -> libc::rusage {
        self.0
    }

    /// CPU time spent in user mode (`ru_utime`).
    #[must_use]
    pub fn user_time(&self) -> Duration {
        duration(self.0.ru_utime)
    }

    /// CPU time spent in the kernel (`ru_stime`).
    #[must_use]
    pub fn system_time(&self) -> Duration {
        duration(self.0.ru_stime)
    }

    /// The largest resident set size, in bytes (`ru_maxrss` normalized).
    ///
    /// # Platforms
    /// The kernel counts KiB on Linux and the BSDs and bytes on Apple; this
    /// is bytes everywhere ([`Family::max_rss_bytes`]). For
    /// [`Who::Children`] it is the largest of any one child, not a sum.
    #[must_use]
    pub fn max_rss_bytes(&self) -> u64 {
        Family::HOST.max_rss_bytes(widen(self.0.ru_maxrss))
    }

    /// Page faults served without I/O (`ru_minflt`).
    #[must_use]
    pub fn minor_faults(&self) -> u64 {
        count(self.0.ru_minflt)
    }

    /// Page faults that needed I/O (`ru_majflt`).
    #[must_use]
    pub fn major_faults(&self) -> u64 {
        count(self.0.ru_majflt)
    }

    /// Times swapped out (`ru_nswap`; 0 on Linux).
    #[must_use]
    pub fn swaps(&self) -> u64 {
        count(self.0.ru_nswap)
    }

    /// Block input operations (`ru_inblock`).
    #[must_use]
    pub fn block_inputs(&self) -> u64 {
        count(self.0.ru_inblock)
    }

    /// Block output operations (`ru_oublock`).
    #[must_use]
    pub fn block_outputs(&self) -> u64 {
        count(self.0.ru_oublock)
    }

    /// IPC messages sent (`ru_msgsnd`; 0 on Linux).
    #[must_use]
    pub fn messages_sent(&self) -> u64 {
        count(self.0.ru_msgsnd)
    }

    /// IPC messages received (`ru_msgrcv`; 0 on Linux).
    #[must_use]
    pub fn messages_received(&self) -> u64 {
        count(self.0.ru_msgrcv)
    }

    /// Signals received (`ru_nsignals`; 0 on Linux).
    #[must_use]
    pub fn signals(&self) -> u64 {
        count(self.0.ru_nsignals)
    }

    /// Voluntary context switches: gave up the CPU waiting (`ru_nvcsw`).
    #[must_use]
    pub fn voluntary_context_switches(&self) -> u64 {
        count(self.0.ru_nvcsw)
    }

    /// Involuntary context switches: preempted (`ru_nivcsw`).
    #[must_use]
    pub fn involuntary_context_switches(&self) -> u64 {
        count(self.0.ru_nivcsw)
    }
}

impl From<libc::rusage> for Rusage {
    fn from(raw: libc::rusage) -> Rusage {
        Rusage(raw)
    }
}

impl From<Rusage> for libc::rusage {
    fn from(r: Rusage) -> libc::rusage {
        r.0
    }
}

impl fmt::Debug for Rusage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rusage")
            .field("user_time", &self.user_time())
            .field("system_time", &self.system_time())
            .field("max_rss_bytes", &self.max_rss_bytes())
            .field("minor_faults", &self.minor_faults())
            .field("major_faults", &self.major_faults())
            .field("swaps", &self.swaps())
            .field("block_inputs", &self.block_inputs())
            .field("block_outputs", &self.block_outputs())
            .field("messages_sent", &self.messages_sent())
            .field("messages_received", &self.messages_received())
            .field("signals", &self.signals())
            .field("voluntary_context_switches", &self.voluntary_context_switches())
            .field("involuntary_context_switches", &self.involuntary_context_switches())
            .finish()
    }
}

/// Whose usage [`getrusage`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Who {
    /// The calling process, all its threads (`RUSAGE_SELF`).
    Self_,
    /// Every child that has terminated and been waited for, and their
    /// waited-for descendants (`RUSAGE_CHILDREN`).
    Children,
    /// The calling thread (`RUSAGE_THREAD`).
    ///
    /// # Platforms
    /// Linux, FreeBSD and OpenBSD only.
    #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
    #[cfg_attr(
        docsrs,
        doc(cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd")))
    )]
    Thread,
}

impl Who {
    /// The `RUSAGE_*` value.
    #[must_use]
    pub const fn raw(self) -> libc::c_int {
        match self {
            Who::Self_ => libc::RUSAGE_SELF,
            Who::Children => libc::RUSAGE_CHILDREN,
            #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
            Who::Thread => libc::RUSAGE_THREAD,
        }
    }
}

/// Resource usage of the calling process, its waited-for children, or the
/// calling thread.
///
/// # Errors
/// None in practice (`EFAULT`, `EINVAL` cannot arise from this API).
///
/// # Platforms
/// [`Who::Thread`] exists on Linux, FreeBSD and OpenBSD.
///
/// # References
#[doc = crate::man_links!(getrusage(2))]
#[doc(alias = "Getrusage")]
pub fn getrusage(who: Who) -> Result<Rusage> {
    sys::getrusage(who.raw())
}
