//! [`WaitStatus`]: the status word `wait4`/`waitpid` fill in, decoded with the
//! rules of the platform that wrote it.
//!
//! All platforms agree on the basics — an exit is `code << 8`, a kill is the
//! signal number in the low 7 bits with `0o200` for a core dump, a stop is
//! `sig << 8 | 0o177` — but they disagree on how a *continued* child is
//! reported and therefore on what "stopped" and "signalled" exclude:
//!
//! | family | continued word | stop signal |
//! |---|---|---|
//! | FreeBSD, DragonFly | `0x13` (`SIGCONT` alone) | `s >> 8` |
//! | Apple | `0x137f` (a "stop" by `SIGCONT`) | `s >> 8` |
//! | NetBSD | `0xffff` | `s >> 8 & 0xff` |
//! | OpenBSD | `s & 0xffff == 0xffff` | `s >> 8 & 0xff` |
//! | Linux | `0xffff` | `s >> 8 & 0xff`; a ptrace event in `s >> 16` |
//!
//! One decoder per family lives in this module ([`Family`]); all of them are
//! compiled on every host and unit-tested with the exact words each kernel
//! writes. [`WaitStatus`] uses the host's.

use core::fmt;

/// The platform families whose wait-status and resource-usage encodings
/// differ.
///
/// Every family's decoder is available on every host, so a status word from
/// another system (a log, a core file, a remote agent) can be decoded with
/// the rules of the system that wrote it. [`Family::HOST`] is the one
/// [`WaitStatus`] uses.
///
/// ```
/// use bsd_proc::{Family, WaitEvent};
/// // 0x137f is "continued" on Apple but "stopped by SIGSTOP (19)" on Linux,
/// // and "stopped by SIGCONT (19)" on FreeBSD, which reports continues as 0x13.
/// assert_eq!(Family::Apple.decode(0x137f), WaitEvent::Continued);
/// assert_eq!(Family::Linux.decode(0x137f), WaitEvent::Stopped(19));
/// assert_eq!(Family::FreeBsd.decode(0x13), WaitEvent::Continued);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Family {
    /// FreeBSD.
    FreeBsd,
    /// DragonFly BSD.
    DragonFly,
    /// NetBSD.
    NetBsd,
    /// OpenBSD.
    OpenBsd,
    /// Apple: macOS, iOS and their siblings (`target_vendor = "apple"`).
    Apple,
    /// Linux (glibc and musl).
    Linux,
}

impl Family {
    /// The family of the platform this crate was compiled for.
    #[cfg(target_os = "freebsd")]
    pub const HOST: Family = Family::FreeBsd;
    /// The family of the platform this crate was compiled for.
    #[cfg(target_os = "dragonfly")]
    pub const HOST: Family = Family::DragonFly;
    /// The family of the platform this crate was compiled for.
    #[cfg(target_os = "netbsd")]
    pub const HOST: Family = Family::NetBsd;
    /// The family of the platform this crate was compiled for.
    #[cfg(target_os = "openbsd")]
    pub const HOST: Family = Family::OpenBsd;
    /// The family of the platform this crate was compiled for.
    #[cfg(target_vendor = "apple")]
    pub const HOST: Family = Family::Apple;
    /// The family of the platform this crate was compiled for.
    #[cfg(target_os = "linux")]
    pub const HOST: Family = Family::Linux;

    /// Every family, in declaration order.
    pub const ALL: [Family; 6] = [
        Family::FreeBsd,
        Family::DragonFly,
        Family::NetBsd,
        Family::OpenBsd,
        Family::Apple,
        Family::Linux,
    ];

    /// Decodes a raw status word with this family's rules.
    ///
    /// The order is the one that is right everywhere: exited, then this
    /// family's "continued" test, then stopped, then signalled; a word that is
    /// none of these is [`WaitEvent::Unknown`]. No word panics.
    #[must_use]
    pub const fn decode(self, raw: i32) -> WaitEvent {
        match self {
            Family::FreeBsd => freebsd::event(raw),
            Family::DragonFly => dragonfly::event(raw),
            Family::NetBsd => netbsd::event(raw),
            Family::OpenBsd => openbsd::event(raw),
            Family::Apple => apple::event(raw),
            Family::Linux => linux::event(raw),
        }
    }

    /// The ptrace event carried by a stop word (`status >> 16`), when this
    /// family has them (Linux) and the word carries one.
    #[must_use]
    pub const fn trap_cause(self, raw: i32) -> Option<i32> {
        match self {
            Family::FreeBsd => freebsd::trap_cause(raw),
            Family::DragonFly => dragonfly::trap_cause(raw),
            Family::NetBsd => netbsd::trap_cause(raw),
            Family::OpenBsd => openbsd::trap_cause(raw),
            Family::Apple => apple::trap_cause(raw),
            Family::Linux => linux::trap_cause(raw),
        }
    }

    /// `ru_maxrss` converted to bytes: the BSDs and Linux count KiB, Apple
    /// counts bytes. A negative value (never written by a kernel) gives 0;
    /// the product saturates.
    #[must_use]
    pub const fn max_rss_bytes(self, ru_maxrss: i64) -> u64 {
        if ru_maxrss <= 0 {
            return 0;
        }
        let v = ru_maxrss as u64; // positive: lossless
        match self {
            Family::Apple => v,
            _ => v.saturating_mul(1024),
        }
    }
}

/// What a wait status reports, decoded.
///
/// `#[non_exhaustive]`: a `match` needs a wildcard arm, so new kinds of
/// report (a ptrace event, say) can be added without breaking callers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WaitEvent {
    /// The child called `_exit(code)` (or returned from `main`); `code` is the
    /// low 8 bits, `0..=255`.
    Exited(i32),
    /// The child was terminated by `signal`; `core_dumped` says whether the
    /// kernel reports writing a core file.
    Signaled {
        /// The terminating signal's number (this platform's numbering).
        signal: i32,
        /// The kernel reports that a core file was written.
        core_dumped: bool,
    },
    /// The child was stopped by this signal (reported with `UNTRACED`, or to
    /// a tracer).
    Stopped(i32),
    /// The stopped child was resumed by `SIGCONT` (reported with
    /// `CONTINUED`).
    Continued,
    /// A word no kernel of this family writes; the raw word.
    Unknown(i32),
}

impl fmt::Display for WaitEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            WaitEvent::Exited(code) => write!(f, "exited with status {code}"),
            WaitEvent::Signaled { signal, core_dumped } => {
                write!(f, "killed by signal {signal}")?;
                if let Some(name) = signal_name(signal) {
                    write!(f, " ({name})")?;
                }
                if core_dumped {
                    f.write_str(", core dumped")?;
                }
                Ok(())
            }
            WaitEvent::Stopped(signal) => {
                write!(f, "stopped by signal {signal}")?;
                match signal_name(signal) {
                    Some(name) => write!(f, " ({name})"),
                    None => Ok(()),
                }
            }
            WaitEvent::Continued => f.write_str("continued"),
            WaitEvent::Unknown(raw) => write!(f, "unknown wait status {raw:#06x}"),
        }
    }
}

/// The status word of a child, as `wait4(2)` and `waitpid(2)` report it.
///
/// A transparent wrapper around the raw `int`: free to copy and compare. The
/// methods decode it with this platform's rules ([`Family::HOST`]); the
/// predicates are mutually exclusive and agree with [`WaitStatus::event`].
/// No word, however malformed, makes a method panic.
///
/// ```
/// use bsd_proc::{WaitEvent, WaitStatus};
/// let s = WaitStatus::from_raw(3 << 8);
/// assert!(s.exited());
/// assert_eq!(s.exit_status(), Some(3));
/// assert_eq!(s.signal(), None);
/// assert_eq!(s.event(), WaitEvent::Exited(3));
/// assert_eq!(s.to_string(), "exited with status 3");
/// ```
///
/// # Platforms
/// The encoding of a *continued* child differs (see [`Family`]); Go's
/// `syscall.WaitStatus.Continued` on the BSDs tests `WSTOPSIG == SIGSTOP`,
/// which calls a real `SIGSTOP` stop "continued" and never reports a real
/// continue. This type does not.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct WaitStatus(i32);

#[cfg(target_vendor = "apple")]
use apple as host;
#[cfg(target_os = "dragonfly")]
use dragonfly as host;
#[cfg(target_os = "freebsd")]
use freebsd as host;
#[cfg(target_os = "linux")]
use linux as host;
#[cfg(target_os = "netbsd")]
use netbsd as host;
#[cfg(target_os = "openbsd")]
use openbsd as host;

impl WaitStatus {
    /// Wraps a raw status word (any value is accepted).
    #[inline]
    #[must_use]
    pub const fn from_raw(raw: i32) -> WaitStatus {
        WaitStatus(raw)
    }

    /// The raw status word.
    #[inline]
    #[must_use]
    pub const fn raw(self) -> i32 {
        self.0
    }

    /// Whether the child exited normally (`WIFEXITED`).
    #[inline]
    #[must_use]
    #[doc(alias = "Exited", alias = "WIFEXITED")]
    pub const fn exited(self) -> bool {
        host::exited(self.0)
    }

    /// The exit code (`WEXITSTATUS`, `0..=255`) if the child exited.
    #[inline]
    #[must_use]
    #[doc(alias = "ExitStatus", alias = "WEXITSTATUS")]
    pub const fn exit_status(self) -> Option<i32> {
        if host::exited(self.0) {
            Some(host::exit_status(self.0))
        } else {
            None
        }
    }

    /// Whether the child was terminated by a signal (`WIFSIGNALED`).
    #[inline]
    #[must_use]
    #[doc(alias = "Signaled", alias = "WIFSIGNALED")]
    pub const fn signaled(self) -> bool {
        host::signaled(self.0)
    }

    /// The terminating signal (`WTERMSIG`) if the child was terminated by
    /// one.
    #[inline]
    #[must_use]
    #[doc(alias = "Signal", alias = "WTERMSIG")]
    pub const fn signal(self) -> Option<i32> {
        if host::signaled(self.0) {
            Some(host::term_signal(self.0))
        } else {
            None
        }
    }

    /// Whether the child was terminated by a signal and the kernel reports a
    /// core file (`WCOREDUMP`).
    #[inline]
    #[must_use]
    #[doc(alias = "CoreDump", alias = "WCOREDUMP")]
    pub const fn core_dumped(self) -> bool {
        host::signaled(self.0) && host::core_dumped(self.0)
    }

    /// Whether the child is stopped (`WIFSTOPPED`, with this platform's
    /// continued word excluded).
    #[inline]
    #[must_use]
    #[doc(alias = "Stopped", alias = "WIFSTOPPED")]
    pub const fn stopped(self) -> bool {
        host::stopped(self.0)
    }

    /// The signal that stopped the child (`WSTOPSIG`) if it is stopped.
    #[inline]
    #[must_use]
    #[doc(alias = "StopSignal", alias = "WSTOPSIG")]
    pub const fn stop_signal(self) -> Option<i32> {
        if host::stopped(self.0) {
            Some(host::stop_signal(self.0))
        } else {
            None
        }
    }

    /// Whether a stopped child was resumed by `SIGCONT` (`WIFCONTINUED`).
    #[inline]
    #[must_use]
    #[doc(alias = "Continued", alias = "WIFCONTINUED")]
    pub const fn continued(self) -> bool {
        host::continued(self.0)
    }

    /// The ptrace event of a stop (`status >> 16`: `PTRACE_EVENT_FORK`,
    /// `PTRACE_EVENT_EXIT`, `PTRACE_EVENT_STOP`, …), if this is a stop that
    /// carries one.
    ///
    /// # Platforms
    /// Linux only; `None` on the BSDs and Apple, whose status words carry no
    /// such event (Go's `TrapCause` returns -1 there).
    #[inline]
    #[must_use]
    #[doc(alias = "TrapCause")]
    pub const fn trap_cause(self) -> Option<i32> {
        host::trap_cause(self.0)
    }

    /// The whole decoding in one value, for a `match`.
    ///
    /// ```
    /// use bsd_proc::{WaitEvent, WaitStatus};
    /// match WaitStatus::from_raw(9).event() {
    ///     WaitEvent::Signaled { signal, core_dumped } => assert_eq!((signal, core_dumped), (9, false)),
    ///     other => panic!("{other:?}"),
    /// }
    /// ```
    #[inline]
    #[must_use]
    pub const fn event(self) -> WaitEvent {
        host::event(self.0)
    }
}

impl fmt::Debug for WaitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WaitStatus({:#06x}: {:?})", self.0, self.event())
    }
}

impl fmt::Display for WaitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.event(), f)
    }
}

impl From<i32> for WaitStatus {
    fn from(raw: i32) -> WaitStatus {
        WaitStatus(raw)
    }
}

impl From<WaitStatus> for i32 {
    fn from(s: WaitStatus) -> i32 {
        s.0
    }
}

impl From<std::process::ExitStatus> for WaitStatus {
    /// The raw word behind a `std` exit status.
    fn from(s: std::process::ExitStatus) -> WaitStatus {
        use std::os::unix::process::ExitStatusExt;
        WaitStatus(s.into_raw())
    }
}

impl From<WaitStatus> for std::process::ExitStatus {
    /// A `std` exit status with the same raw word.
    fn from(s: WaitStatus) -> std::process::ExitStatus {
        use std::os::unix::process::ExitStatusExt;
        std::process::ExitStatus::from_raw(s.0)
    }
}

/// The name of a signal on this platform (`"SIGTERM"`).
pub(crate) fn signal_name(sig: i32) -> Option<&'static str> {
    crate::Signal::from_raw(sig).and_then(crate::Signal::name)
}

/// The decoding order that is right on every family, written once: exited,
/// then the family's continued test, then stopped, then signalled.
macro_rules! event_in_order {
    () => {
        /// The decoded event.
        pub(crate) const fn event(s: i32) -> WaitEvent {
            if exited(s) {
                WaitEvent::Exited(exit_status(s))
            } else if continued(s) {
                WaitEvent::Continued
            } else if stopped(s) {
                WaitEvent::Stopped(stop_signal(s))
            } else if signaled(s) {
                WaitEvent::Signaled {
                    signal: term_signal(s),
                    core_dumped: core_dumped(s),
                }
            } else {
                WaitEvent::Unknown(s)
            }
        }
    };
}

/// Shared by every family: `_WSTATUS`, `WIFEXITED`, `WEXITSTATUS`,
/// `WTERMSIG`, `WCOREDUMP`.
mod common {
    pub(crate) const WSTOPPED: i32 = 0o177;
    pub(crate) const fn wstatus(s: i32) -> i32 {
        s & 0o177
    }
    pub(crate) const fn exited(s: i32) -> bool {
        wstatus(s) == 0
    }
    pub(crate) const fn exit_status(s: i32) -> i32 {
        (s >> 8) & 0xff
    }
    pub(crate) const fn term_signal(s: i32) -> i32 {
        wstatus(s)
    }
    pub(crate) const fn core_dumped(s: i32) -> bool {
        s & 0o200 != 0
    }
}

/// FreeBSD `<sys/wait.h>`: a continue is reported as the bare word
/// `SIGCONT` (0x13), which `WIFSIGNALED` excludes.
pub(crate) mod freebsd {
    pub(crate) use super::common::{core_dumped, exit_status, exited, term_signal};
    use super::common::{wstatus, WSTOPPED};
    use super::WaitEvent;
    /// `SIGCONT` on FreeBSD; the whole continued word.
    const CONTINUED: i32 = 0x13;

    pub(crate) const fn continued(s: i32) -> bool {
        s == CONTINUED
    }
    pub(crate) const fn stopped(s: i32) -> bool {
        wstatus(s) == WSTOPPED
    }
    pub(crate) const fn stop_signal(s: i32) -> i32 {
        s >> 8
    }
    pub(crate) const fn signaled(s: i32) -> bool {
        wstatus(s) != WSTOPPED && wstatus(s) != 0 && s != CONTINUED
    }
    pub(crate) const fn trap_cause(_s: i32) -> Option<i32> {
        None
    }
    event_in_order!();
}

/// DragonFly `<sys/wait.h>`: as FreeBSD (the continued word is 0x13). The
/// `libc` crate's DragonFly `WIFSIGNALED` forgets to exclude 0x13; this
/// decoder does not.
pub(crate) mod dragonfly {
    pub(crate) use super::freebsd::{
        continued, core_dumped, exit_status, exited, signaled, stop_signal, stopped, term_signal, trap_cause,
    };
    use super::WaitEvent;
    event_in_order!();
}

/// Apple `<sys/wait.h>`: a continue is reported as a "stop" by `SIGCONT`
/// (0x13), i.e. the word 0x137f; `WIFSTOPPED` excludes it. `WSTOPSIG` is
/// `x >> 8`, unmasked, as on FreeBSD (and in `libc`'s Apple macros): the
/// two differ from a masked one only on words no kernel writes (bits above
/// 15 set).
pub(crate) mod apple {
    pub(crate) use super::common::{core_dumped, exit_status, exited, term_signal};
    use super::common::{wstatus, WSTOPPED};
    use super::WaitEvent;
    /// `SIGCONT` on Apple.
    const SIGCONT: i32 = 0x13;

    pub(crate) const fn stop_signal(s: i32) -> i32 {
        s >> 8
    }
    pub(crate) const fn continued(s: i32) -> bool {
        wstatus(s) == WSTOPPED && stop_signal(s) == SIGCONT
    }
    pub(crate) const fn stopped(s: i32) -> bool {
        wstatus(s) == WSTOPPED && stop_signal(s) != SIGCONT
    }
    pub(crate) const fn signaled(s: i32) -> bool {
        wstatus(s) != WSTOPPED && wstatus(s) != 0
    }
    pub(crate) const fn trap_cause(_s: i32) -> Option<i32> {
        None
    }
    event_in_order!();
}

/// NetBSD `<sys/wait.h>`: a continue is the word 0xffff (`_WCONTINUED`),
/// which `WIFSTOPPED` excludes.
pub(crate) mod netbsd {
    pub(crate) use super::common::{core_dumped, exit_status, exited, term_signal};
    use super::common::{wstatus, WSTOPPED};
    use super::WaitEvent;

    pub(crate) const fn continued(s: i32) -> bool {
        s == 0xffff
    }
    pub(crate) const fn stopped(s: i32) -> bool {
        wstatus(s) == WSTOPPED && !continued(s)
    }
    pub(crate) const fn stop_signal(s: i32) -> i32 {
        (s >> 8) & 0xff
    }
    pub(crate) const fn signaled(s: i32) -> bool {
        !stopped(s) && !continued(s) && !exited(s)
    }
    pub(crate) const fn trap_cause(_s: i32) -> Option<i32> {
        None
    }
    event_in_order!();
}

/// OpenBSD `<sys/wait.h>`: a continue is `_WCONTINUED` (0177777) in the low
/// 16 bits; a stop needs the whole low byte to be 0177.
pub(crate) mod openbsd {
    pub(crate) use super::common::{core_dumped, exit_status, exited, term_signal};
    use super::common::{wstatus, WSTOPPED};
    use super::WaitEvent;
    const WCONTINUED: i32 = 0o177777;

    pub(crate) const fn continued(s: i32) -> bool {
        s & WCONTINUED == WCONTINUED
    }
    pub(crate) const fn stopped(s: i32) -> bool {
        s & 0xff == WSTOPPED
    }
    pub(crate) const fn stop_signal(s: i32) -> i32 {
        (s >> 8) & 0xff
    }
    pub(crate) const fn signaled(s: i32) -> bool {
        wstatus(s) != WSTOPPED && wstatus(s) != 0
    }
    pub(crate) const fn trap_cause(_s: i32) -> Option<i32> {
        None
    }
    event_in_order!();
}

/// Linux (glibc `<bits/waitstatus.h>`, musl `<sys/wait.h>`): a continue is
/// 0xffff; a stop needs the low byte to be 0x7f; a ptrace stop may carry an
/// event in bits 16 and up.
pub(crate) mod linux {
    pub(crate) use super::common::{core_dumped, exit_status, exited, term_signal};
    use super::WaitEvent;

    pub(crate) const fn continued(s: i32) -> bool {
        s == 0xffff
    }
    pub(crate) const fn stopped(s: i32) -> bool {
        s & 0xff == 0x7f
    }
    pub(crate) const fn stop_signal(s: i32) -> i32 {
        (s & 0xff00) >> 8
    }
    pub(crate) const fn signaled(s: i32) -> bool {
        // glibc: ((s & 0x7f) + 1) as i8 >= 2, i.e. the low 7 bits in 1..=0x7e.
        let t = s & 0x7f;
        t != 0 && t != 0x7f
    }
    pub(crate) const fn trap_cause(s: i32) -> Option<i32> {
        // The kernel writes `event << 16 | sig << 8 | 0x7f` (PTRACE_EVENT_*
        // are 1..=7 and 128).
        let event = (s >> 16) & 0xffff;
        if stopped(s) && event != 0 {
            Some(event)
        } else {
            None
        }
    }
    event_in_order!();
}

#[cfg(test)]
mod tests;
