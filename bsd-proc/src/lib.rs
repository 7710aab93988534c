//! Process groups, waiting for children, and resource usage:
//! `getgroups`/`setgroups`, `wait4`/`waitid`/`wait6` with a [`WaitStatus`]
//! decoded right on every BSD, and [`Rusage`].
//!
//! ```
//! use bsd_proc::{getgroups, wait4, WaitEvent, WaitOptions};
//!
//! // Start a child that exits with status 3, and reap it with wait4.
//! let child = std::process::Command::new("sh").args(["-c", "exit 3"]).spawn()?;
//! let pid = i32::try_from(child.id())?;
//! let waited = wait4(pid, WaitOptions::empty())?.expect("without NOHANG a child is reported");
//! assert_eq!(waited.status.event(), WaitEvent::Exited(3));
//! println!("child {pid} {}; it ran {:?} in user mode, max RSS {} bytes",
//!          waited.status, waited.rusage.user_time(), waited.rusage.max_rss_bytes());
//!
//! // The supplementary groups of this process.
//! println!("groups: {:?}", getgroups()?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What is here
//! - Groups: [`getgroups`] (a `Vec`, sized from the kernel's count, retried
//!   when the list grows underneath), [`getgroups_into`] (no allocation),
//!   [`group_count`], [`setgroups`] (the empty slice clears), [`ngroups_max`].
//! - Waiting: [`wait4`] → [`Waited`] (pid, [`WaitStatus`], [`Rusage`]);
//!   [`waitid`] with a [`WaitId`] → [`ChildInfo`] (from `siginfo`), with
//!   [`WaitOptions::NOWAIT`] to peek; FreeBSD's and NetBSD's `wait6` (both the child's and
//!   its descendants' usage); Linux's `pidfd_open`.
//! - [`WaitStatus`]: the raw word with `exited()`, `exit_status()`,
//!   `signaled()`, `signal()`, `core_dumped()`, `stopped()`,
//!   `stop_signal()`, `continued()`, `trap_cause()` and [`WaitEvent`] for a
//!   `match`. One decoder per platform [`Family`], all compiled and tested on
//!   every host.
//! - [`Rusage`] with [`Duration`](std::time::Duration) times and the maximum
//!   RSS in bytes everywhere; [`getrusage`].
//!
//! # Platforms
//! FreeBSD, DragonFly, NetBSD, OpenBSD, Apple (macOS, iOS) and Linux.
//! What is not portable, and says so in its docs:
//! - The continued word differs per platform ([`Family`]); the decoding is
//!   right on each. Go's `syscall` package reads a real `SIGSTOP` stop as
//!   "continued" on the BSDs; this crate does not.
//! - `wait6` is FreeBSD and NetBSD only; `pidfd_open` and `WaitId::PidFd` Linux only;
//!   `Who::Thread` Linux, FreeBSD and OpenBSD; `WaitOptions::TRAPPED` the
//!   BSDs; `trap_cause` (ptrace events) Linux only.
//! - On DragonFly and Apple, element 0 of the group list is the effective
//!   gid ([`setgroups`]). FreeBSD changed that in 15.0; this crate gives the
//!   15.0 behaviour (supplementary groups only) on every FreeBSD release,
//!   deciding at run time.
//! - Signal numbers differ (`SIGSTOP` is 17 on the BSDs, 19 on Linux):
//!   compare with `libc::SIG*`, never with literals.
//!
//! EINTR is returned, never retried behind the caller's back; wrap a call in
//! [`bsd_errno::retry_on_eintr`] to restart it.
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The `# References` list of a man page on every platform, or on one.
macro_rules! man_links {
    ($name:ident($sec:literal)) => {
        concat!(
            "- [FreeBSD](https://man.freebsd.org/cgi/man.cgi?query=",
            stringify!($name),
            "&sektion=",
            $sec,
            ")\n",
            "- [Apple](https://developer.apple.com/library/archive/documentation/System/Conceptual/ManPages_iPhoneOS/man",
            $sec,
            "/",
            stringify!($name),
            ".",
            $sec,
            ".html)\n",
            "- [NetBSD](https://man.netbsd.org/",
            stringify!($name),
            ".",
            $sec,
            ")\n",
            "- [OpenBSD](https://man.openbsd.org/",
            stringify!($name),
            ".",
            $sec,
            ")\n",
            "- [DragonFly](https://man.dragonflybsd.org/?command=",
            stringify!($name),
            "&section=",
            $sec,
            ")\n",
            "- [Linux](https://man7.org/linux/man-pages/man",
            $sec,
            "/",
            stringify!($name),
            ".",
            $sec,
            ".html)\n",
        )
    };
}
pub(crate) use man_links;

mod groups;
mod ids;
mod rusage;
mod siginfo;
mod signal;
mod status;
mod sys;
mod wait;

pub use bsd_errno::{Errno, Result};
pub use groups::{getgroups, getgroups_into, group_count, max_setgroups, ngroups_max, setgroups};
pub use ids::{Gid, Uid};
pub use rusage::{getrusage, Rusage, Who};
#[doc(hidden)]
pub use siginfo::__fuzz as __fuzz_siginfo;
pub use siginfo::{ChildCode, ChildInfo};
pub use signal::{kill, killpg, Signal};
pub use status::{Family, WaitEvent, WaitStatus};
#[cfg(target_os = "linux")]
#[cfg_attr(docsrs, doc(cfg(target_os = "linux")))]
pub use wait::pidfd_open;
pub use wait::{wait4, waitid, WaitId, WaitOptions, Waited};
#[cfg(any(target_os = "freebsd", target_os = "netbsd"))]
#[cfg_attr(docsrs, doc(cfg(any(target_os = "freebsd", target_os = "netbsd"))))]
pub use wait::{wait6, Waited6};

// Process descriptors (FreeBSD pdfork, Linux pidfd).
#[cfg(any(target_os = "linux", target_os = "freebsd"))]
mod procdesc;
#[cfg(any(target_os = "linux", target_os = "freebsd"))]
pub use procdesc::{Forked, ProcessDescriptor};
