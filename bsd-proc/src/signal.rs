//! [`Signal`]: a signal number that is valid on this platform, with its
//! name; [`kill`] and [`killpg`] to send one.
//!
//! Signal numbers differ between platforms (`SIGSTOP` is 17 on the BSDs and
//! Apple, 19 on Linux; `SIGUSR1` is 30 on the BSDs, 10 on Linux), so every
//! constant here comes from `libc`, never from a literal.

use bsd_errno::{check, Errno, Result};
use core::fmt;
use core::str::FromStr;

/// A signal number that this platform's kernel accepts (`1..=`[`Signal::MAX`]).
///
/// The named constants come from `libc` and so have this platform's
/// numbers; [`from_raw`](Self::from_raw) accepts any number in range,
/// including real-time signals that have no name here. Signal 0 (the
/// existence check of `kill`) is not a `Signal`: pass `None` to [`kill`].
///
/// ```
/// use bsd_proc::Signal;
/// assert_eq!(Signal::TERM.raw(), libc::SIGTERM);
/// assert_eq!(Signal::TERM.name(), Some("SIGTERM"));
/// assert_eq!(Signal::TERM.to_string(), "SIGTERM");
/// assert_eq!(Signal::from_name("SIGKILL"), Some(Signal::KILL));
/// assert_eq!(Signal::from_name("HUP"), Some(Signal::HUP)); // as kill(1) accepts it
/// assert_eq!("SIGINT".parse::<Signal>(), Ok(Signal::INT));
/// assert_eq!(Signal::from_raw(libc::SIGSTOP), Some(Signal::STOP));
/// assert_eq!(Signal::from_raw(0), None);
/// assert_eq!(Signal::try_from(-1), Err(bsd_proc::Errno::EINVAL));
/// ```
///
/// # Platforms
/// The largest number ([`Signal::MAX`]): 64 on Linux (`_NSIG`), 128 on
/// FreeBSD (`_SIG_MAXSIG` in `sys/sys/_sigset.h`), 127 on DragonFly
/// (`_SIG_VALID` in `sys/sys/signal.h` excludes 128), 63 on NetBSD
/// (`NSIG` 64), 32 on OpenBSD (`NSIG` 33), 31 on Apple (`__DARWIN_NSIG`
/// 32). Signals beyond the named set are real-time signals (Linux, FreeBSD,
/// DragonFly, NetBSD); glibc keeps two of them (32 and 33) for itself.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Signal(i32);

macro_rules! signals {
    ($( $(@cfg($cfg:meta))? $konst:ident = $libc:ident $name:literal, $doc:literal; )*) => {
        impl Signal {
            $(
                #[doc = concat!("`", $name, "`: ", $doc)]
                #[doc(alias = $name)]
                $(#[cfg($cfg)] #[cfg_attr(docsrs, doc(cfg($cfg)))])?
                pub const $konst: Signal = Signal(libc::$libc);
            )*
        }

        /// Every named signal of this platform, with its name.
        const NAMED: &[(Signal, &str)] = &[
            $( $(#[cfg($cfg)])? (Signal::$konst, $name), )*
        ];
    };
}

signals! {
    HUP = SIGHUP "SIGHUP", "hangup: the controlling terminal or process went away.";
    INT = SIGINT "SIGINT", "interrupt from the keyboard (Ctrl-C).";
    QUIT = SIGQUIT "SIGQUIT", "quit from the keyboard (Ctrl-\\); dumps core by default.";
    ILL = SIGILL "SIGILL", "illegal instruction.";
    TRAP = SIGTRAP "SIGTRAP", "trace or breakpoint trap.";
    ABRT = SIGABRT "SIGABRT", "`abort()`.";
    @cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd", target_os = "openbsd", target_vendor = "apple")) EMT = SIGEMT "SIGEMT", "emulator trap.";
    FPE = SIGFPE "SIGFPE", "arithmetic exception.";
    KILL = SIGKILL "SIGKILL", "kill: cannot be caught, blocked or ignored.";
    BUS = SIGBUS "SIGBUS", "bus error (for example, touching a mapped page past the end of its file).";
    SEGV = SIGSEGV "SIGSEGV", "invalid memory reference.";
    SYS = SIGSYS "SIGSYS", "bad system call.";
    PIPE = SIGPIPE "SIGPIPE", "write to a pipe or socket nobody reads.";
    ALRM = SIGALRM "SIGALRM", "timer from `alarm()`.";
    TERM = SIGTERM "SIGTERM", "termination request (what `kill` sends by default).";
    URG = SIGURG "SIGURG", "urgent data on a socket.";
    STOP = SIGSTOP "SIGSTOP", "stop: cannot be caught, blocked or ignored.";
    TSTP = SIGTSTP "SIGTSTP", "stop from the keyboard (Ctrl-Z).";
    CONT = SIGCONT "SIGCONT", "continue if stopped.";
    CHLD = SIGCHLD "SIGCHLD", "a child stopped, continued or terminated.";
    TTIN = SIGTTIN "SIGTTIN", "background read from the terminal.";
    TTOU = SIGTTOU "SIGTTOU", "background write to the terminal.";
    IO = SIGIO "SIGIO", "I/O is possible on a descriptor.";
    XCPU = SIGXCPU "SIGXCPU", "CPU time limit exceeded.";
    XFSZ = SIGXFSZ "SIGXFSZ", "file size limit exceeded.";
    VTALRM = SIGVTALRM "SIGVTALRM", "virtual (user CPU time) timer expired.";
    PROF = SIGPROF "SIGPROF", "profiling timer expired.";
    WINCH = SIGWINCH "SIGWINCH", "the terminal's window size changed.";
    @cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd", target_os = "openbsd", target_vendor = "apple")) INFO = SIGINFO "SIGINFO", "status request from the keyboard.";
    USR1 = SIGUSR1 "SIGUSR1", "user-defined signal 1.";
    USR2 = SIGUSR2 "SIGUSR2", "user-defined signal 2.";
    @cfg(target_os = "freebsd") THR = SIGTHR "SIGTHR", "reserved by the thread library.";
    @cfg(target_os = "freebsd") LIBRT = SIGLIBRT "SIGLIBRT", "reserved by the real-time library.";
    @cfg(target_os = "linux") PWR = SIGPWR "SIGPWR", "power failure.";
    @cfg(all(target_os = "linux", not(any(target_arch = "sparc", target_arch = "sparc64", target_arch = "mips", target_arch = "mips64")))) STKFLT = SIGSTKFLT "SIGSTKFLT", "coprocessor stack fault (unused).";
}

impl Signal {
    /// The largest signal number this platform's kernel accepts (see the
    /// type's `# Platforms`).
    #[cfg(target_os = "linux")]
    pub const MAX: i32 = 64;
    /// The largest signal number this platform's kernel accepts (see the
    /// type's `# Platforms`).
    #[cfg(target_os = "freebsd")]
    pub const MAX: i32 = 128;
    /// The largest signal number this platform's kernel accepts (see the
    /// type's `# Platforms`).
    #[cfg(target_os = "dragonfly")]
    pub const MAX: i32 = 127;
    /// The largest signal number this platform's kernel accepts (see the
    /// type's `# Platforms`).
    #[cfg(target_os = "netbsd")]
    pub const MAX: i32 = 63;
    /// The largest signal number this platform's kernel accepts (see the
    /// type's `# Platforms`).
    #[cfg(target_os = "openbsd")]
    pub const MAX: i32 = 32;
    /// The largest signal number this platform's kernel accepts (see the
    /// type's `# Platforms`).
    #[cfg(target_vendor = "apple")]
    pub const MAX: i32 = 31;

    /// The signal with number `raw`, if this platform has it
    /// (`1..=`[`Signal::MAX`]); `None` for 0, negative numbers and numbers
    /// past the maximum.
    #[inline]
    #[must_use]
    pub const fn from_raw(raw: i32) -> Option<Signal> {
        if raw >= 1 && raw <= Signal::MAX {
            Some(Signal(raw))
        } else {
            None
        }
    }

    /// The signal's number on this platform.
    #[inline]
    #[must_use]
    pub const fn raw(self) -> i32 {
        self.0
    }

    /// The signal's name (`"SIGTERM"`), or `None` for a number without one
    /// here (a real-time signal).
    #[must_use]
    pub fn name(self) -> Option<&'static str> {
        NAMED.iter().find(|(s, _)| *s == self).map(|&(_, n)| n)
    }

    /// The signal named `name`: `"SIGTERM"` or `"TERM"` (as `kill -s`
    /// accepts it), upper case, with this platform's names (`"SIGINFO"`
    /// exists on the BSDs and Apple only). Aliases are accepted too:
    /// `SIGIOT` (`SIGABRT`), `SIGPOLL` (`SIGIO`), `SIGCLD` (`SIGCHLD`).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Signal> {
        let bare = name.strip_prefix("SIG").unwrap_or(name);
        let alias = match bare {
            "IOT" => Some(Signal::ABRT),
            "POLL" => Some(Signal::IO),
            "CLD" => Some(Signal::CHLD),
            _ => None,
        };
        alias.or_else(|| {
            NAMED
                .iter()
                .find(|(_, n)| n.strip_prefix("SIG") == Some(bare))
                .map(|&(s, _)| s)
        })
    }

    /// Every named signal of this platform, in ascending number order.
    pub fn named() -> impl Iterator<Item = Signal> {
        let mut all: Vec<Signal> = NAMED.iter().map(|&(s, _)| s).collect();
        all.sort_unstable();
        all.into_iter()
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name}({})", self.0),
            None => write!(f, "Signal({})", self.0),
        }
    }
}

impl fmt::Display for Signal {
    /// The name (`SIGTERM`), or `signal 40` for a number without one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "signal {}", self.0),
        }
    }
}

impl TryFrom<i32> for Signal {
    type Error = Errno;

    /// As [`Signal::from_raw`], with `EINVAL` (what `kill(2)` says) for a
    /// number this platform does not have.
    fn try_from(raw: i32) -> Result<Signal> {
        Signal::from_raw(raw).ok_or(Errno::EINVAL)
    }
}

impl From<Signal> for i32 {
    fn from(s: Signal) -> i32 {
        s.0
    }
}

impl FromStr for Signal {
    type Err = Errno;

    /// As [`Signal::from_name`], with `EINVAL` for an unknown name.
    fn from_str(s: &str) -> Result<Signal> {
        Signal::from_name(s).ok_or(Errno::EINVAL)
    }
}

/// Sends `signal` to process `pid`; with `None`, sends nothing and only
/// checks that the process exists and may be signalled (signal 0).
///
/// `pid` must be positive: the other forms of `kill(2)` are [`killpg`] (a
/// process group) and `-1` (every process the caller may signal), which
/// this crate leaves out on purpose.
///
/// ```
/// use bsd_proc::{kill, wait4, Errno, Signal, WaitEvent, WaitOptions};
/// let child = std::process::Command::new("sleep").arg("30").spawn()?;
/// let pid = i32::try_from(child.id())?;
/// kill(pid, None)?; // it exists
/// kill(pid, Signal::TERM)?;
/// let waited = wait4(pid, WaitOptions::empty())?.expect("a child");
/// assert_eq!(waited.status.event(), WaitEvent::Signaled { signal: Signal::TERM.raw(), core_dumped: false });
/// assert_eq!(kill(pid, None), Err(Errno::ESRCH)); // reaped: gone
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// - `EINVAL`: `pid` is 0 or negative (the kernel is not called).
/// - `ESRCH`: no such process (or a zombie, on some BSDs).
/// - `EPERM`: the caller may not signal it.
///
/// # References
#[doc = crate::man_links!(kill(2))]
#[doc(alias = "Kill")]
pub fn kill(pid: libc::pid_t, signal: impl Into<Option<Signal>>) -> Result<()> {
    if pid <= 0 {
        return Err(Errno::EINVAL);
    }
    raw_kill(pid, signal.into())
}

/// Sends `signal` to every process in process group `pgrp` (0: the
/// caller's own group); with `None`, only checks that the group exists and
/// one of its members may be signalled.
///
/// ```
/// use bsd_proc::{killpg, wait4, Signal, WaitOptions};
/// use std::os::unix::process::CommandExt;
/// // A child leading a new process group of its own.
/// let child = std::process::Command::new("sleep").arg("30").process_group(0).spawn()?;
/// let pgrp = i32::try_from(child.id())?;
/// killpg(pgrp, Signal::KILL)?;
/// let waited = wait4(pgrp, WaitOptions::empty())?.expect("a child");
/// assert_eq!(waited.status.signal(), Some(Signal::KILL.raw()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// - `EINVAL`: `pgrp` is negative (the kernel is not called).
/// - `ESRCH`: no such process group.
/// - `EPERM`: the caller may signal none of its members.
///
/// # References
#[doc = crate::man_links!(killpg(2))]
pub fn killpg(pgrp: libc::pid_t, signal: impl Into<Option<Signal>>) -> Result<()> {
    if pgrp < 0 {
        return Err(Errno::EINVAL);
    }
    // killpg(0, sig) and kill(0, sig) both mean the caller's own group;
    // kill(-pgrp, sig) is the group otherwise.
    raw_kill(-pgrp, signal.into())
}

fn raw_kill(pid: libc::pid_t, signal: Option<Signal>) -> Result<()> {
    let sig = signal.map_or(0, Signal::raw);
    // SAFETY: kill reads no memory of ours.
    check(unsafe { libc::kill(pid, sig) })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_raw_accepts_exactly_the_platform_range() {
        assert_eq!(Signal::from_raw(0), None);
        assert_eq!(Signal::from_raw(-1), None);
        assert_eq!(Signal::from_raw(i32::MIN), None);
        assert_eq!(Signal::from_raw(i32::MAX), None);
        assert_eq!(Signal::from_raw(Signal::MAX + 1), None);
        assert_eq!(Signal::from_raw(1).map(Signal::raw), Some(1));
        assert_eq!(Signal::from_raw(Signal::MAX).map(Signal::raw), Some(Signal::MAX));
        for raw in -5..=Signal::MAX + 5 {
            let s = Signal::from_raw(raw);
            assert_eq!(s.is_some(), (1..=Signal::MAX).contains(&raw), "{raw}");
            assert_eq!(Signal::try_from(raw).ok(), s);
            if s.is_none() {
                assert_eq!(Signal::try_from(raw), Err(Errno::EINVAL));
            }
        }
    }

    #[test]
    fn every_named_signal_round_trips() {
        let named: Vec<Signal> = Signal::named().collect();
        assert!(named.len() >= 29, "{named:?}");
        for w in named.windows(2) {
            assert!(w[0] < w[1], "numbers are distinct and sorted: {named:?}");
        }
        for s in named {
            assert_eq!(Signal::from_raw(s.raw()), Some(s), "within 1..=MAX");
            let name = s.name().expect("named");
            assert!(name.starts_with("SIG"), "{name}");
            assert_eq!(Signal::from_name(name), Some(s));
            assert_eq!(Signal::from_name(&name[3..]), Some(s));
            assert_eq!(name.parse::<Signal>(), Ok(s));
            assert_eq!(s.to_string(), name);
            assert_eq!(format!("{s:?}"), format!("{name}({})", s.raw()));
            assert_eq!(i32::from(s), s.raw());
        }
    }

    #[test]
    fn constants_carry_the_platform_numbers() {
        assert_eq!(Signal::STOP.raw(), libc::SIGSTOP);
        assert_eq!(Signal::CONT.raw(), libc::SIGCONT);
        assert_eq!(Signal::USR1.raw(), libc::SIGUSR1);
        if cfg!(target_os = "linux") {
            assert_eq!(
                (Signal::STOP.raw(), Signal::CONT.raw(), Signal::USR1.raw()),
                (19, 18, 10)
            );
        } else {
            assert_eq!(
                (Signal::STOP.raw(), Signal::CONT.raw(), Signal::USR1.raw()),
                (17, 19, 30)
            );
        }
        assert_eq!(Signal::KILL.raw(), 9);
        assert_eq!(Signal::TERM.raw(), 15);
    }

    #[test]
    fn names_and_bad_names() {
        assert_eq!(Signal::from_name("SIGIOT"), Some(Signal::ABRT));
        assert_eq!(Signal::from_name("IOT"), Some(Signal::ABRT));
        assert_eq!(Signal::from_name("SIGPOLL"), Some(Signal::IO));
        assert_eq!(Signal::from_name("SIGCLD"), Some(Signal::CHLD));
        for bad in [
            "",
            "SIG",
            "sigterm",
            "term",
            "SIGTERM ",
            " TERM",
            "SIGFOO",
            "15",
            "SIGSIGTERM",
        ] {
            assert_eq!(Signal::from_name(bad), None, "{bad:?}");
            assert_eq!(bad.parse::<Signal>(), Err(Errno::EINVAL), "{bad:?}");
        }
        assert_eq!(Signal::from_name("SIGINFO").is_some(), cfg!(not(target_os = "linux")));
    }

    #[test]
    fn unnamed_numbers_display_as_numbers() {
        // A real-time signal where the platform has them (OpenBSD: 32,
        // its thread library's); on Apple every number 1..=31 has a name.
        let unnamed = (1..=Signal::MAX)
            .filter_map(Signal::from_raw)
            .find(|s| s.name().is_none());
        assert_eq!(unnamed.is_none(), cfg!(target_vendor = "apple"), "{unnamed:?}");
        if let Some(s) = unnamed {
            assert_eq!(s.to_string(), format!("signal {}", s.raw()));
            assert_eq!(format!("{s:?}"), format!("Signal({})", s.raw()));
        }
    }

    #[test]
    fn bad_pids_are_refused_before_the_kernel() {
        // Under Miri too: no foreign call is reached.
        assert_eq!(kill(0, Signal::TERM), Err(Errno::EINVAL));
        assert_eq!(kill(-1, Signal::KILL), Err(Errno::EINVAL));
        assert_eq!(kill(libc::pid_t::MIN, None), Err(Errno::EINVAL));
        assert_eq!(killpg(-1, Signal::KILL), Err(Errno::EINVAL));
        assert_eq!(killpg(libc::pid_t::MIN, None), Err(Errno::EINVAL));
    }
}
