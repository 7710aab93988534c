//! `KEvent`, `Filter`, `EvFlags`, and the `NOTE_*` numbers of each filter.

use crate::layout::{self, Os};
use crate::sys;
use core::fmt;
use std::os::fd::{AsFd, AsRawFd};
use std::time::Duration;
#[cfg(not(any(target_os = "dragonfly", target_os = "openbsd")))]
use std::time::SystemTime;

/// The raw type of `kevent.filter` on this platform: `i16`, or `u32` on
/// NetBSD (whose filters are small positive numbers).
#[cfg(target_os = "netbsd")]
pub type RawFilter = u32;
/// The raw type of `kevent.filter` on this platform: `i16`, or `u32` on
/// NetBSD (whose filters are small positive numbers).
#[cfg(not(target_os = "netbsd"))]
pub type RawFilter = i16;

/// The raw type of `kevent.flags` on this platform: `u16`, or `u32` on NetBSD.
#[cfg(target_os = "netbsd")]
pub type RawFlags = u32;
/// The raw type of `kevent.flags` on this platform: `u16`, or `u32` on NetBSD.
#[cfg(not(target_os = "netbsd"))]
pub type RawFlags = u16;

/// Which kind of event a [`KEvent`] is about (`kevent.filter`).
///
/// The numbers differ between systems (`EVFILT_USER` is -11 on FreeBSD, -9
/// on DragonFly, 8 on NetBSD, -10 on OpenBSD and Apple); this enum is the
/// same everywhere and [`Filter::raw`] gives the platform's number. Filters
/// this crate has no name for (`EVFILT_AIO`, `EVFILT_PROCDESC`, …) are
/// `Other(raw)`.
#[doc = man_links!("kevent", "epoll_ctl")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "EVFILT_READ")]
pub enum Filter {
    /// `EVFILT_READ`: a descriptor has data to read (or a connection to accept).
    Read,
    /// `EVFILT_WRITE`: a descriptor has room to write.
    Write,
    /// `EVFILT_VNODE`: a file or directory changed.
    Vnode,
    /// `EVFILT_PROC`: a process exited, forked or called `execve` (see
    /// [`note::proc`]).
    Proc,
    /// `EVFILT_SIGNAL`: a signal was delivered to the process.
    Signal,
    /// `EVFILT_TIMER`: a timer expired.
    Timer,
    /// `EVFILT_USER`: a user event was triggered.
    User,
    /// Any other filter, by its raw number on this platform.
    Other(RawFilter),
}

impl Filter {
    /// The platform's raw number for this filter.
    #[inline]
    #[must_use]
    pub fn raw(self) -> RawFilter {
        let n = Os::HOST.filters();
        let v = match self {
            Filter::Read => n.read,
            Filter::Write => n.write,
            Filter::Vnode => n.vnode,
            Filter::Proc => n.proc_,
            Filter::Signal => n.signal,
            Filter::Timer => n.timer,
            Filter::User => n.user,
            Filter::Other(raw) => return raw,
        };
        // The table holds the platform's own numbers, which fit its type.
        v as RawFilter
    }

    /// The filter with the platform's raw number `raw`.
    #[inline]
    #[must_use]
    pub fn from_raw(raw: RawFilter) -> Filter {
        let n = Os::HOST.filters();
        // Widening: i16 and NetBSD's small u32 filters compare as i32 (a u32
        // beyond i32::MAX wraps to a negative number no table entry has).
        let v = raw as i32;
        if v == n.read {
            Filter::Read
        } else if v == n.write {
            Filter::Write
        } else if v == n.vnode {
            Filter::Vnode
        } else if v == n.proc_ {
            Filter::Proc
        } else if v == n.signal {
            Filter::Signal
        } else if v == n.timer {
            Filter::Timer
        } else if v == n.user {
            Filter::User
        } else {
            Filter::Other(raw)
        }
    }
}

bitflags::bitflags! {
    /// Action and status flags of a [`KEvent`] (`kevent.flags`).
    ///
    /// Unknown bits are kept, so what the kernel returns is never lost.
    /// Test [`EvFlags::ERROR`] as a bit (`contains`): Apple ORs it into the
    /// other flags where FreeBSD replaces them.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct EvFlags: RawFlags {
        /// Add the event, or modify it if it exists. Modifying changes only
        /// `udata`, `fflags` and `data`: the knote keeps the `ONESHOT`,
        /// `CLEAR`, `DISPATCH` and `RECEIPT` flags it was added with, and
        /// stays disabled if it was (only `ENABLE`/`DISABLE` change that),
        /// as FreeBSD's `kqueue_register` does.
        const ADD = sys::EV_ADD;
        /// Remove the event (`ENOENT` if there is none).
        const DELETE = sys::EV_DELETE;
        /// Deliver the event again after `DISABLE` or `DISPATCH`.
        const ENABLE = sys::EV_ENABLE;
        /// Hold the event: it is not returned until `ENABLE`.
        const DISABLE = sys::EV_DISABLE;
        /// Delete the event after its first delivery.
        const ONESHOT = sys::EV_ONESHOT;
        /// Reset the event's state after delivery (edge-triggered).
        const CLEAR = sys::EV_CLEAR;
        /// Report the result of this change as an event (`ERROR` with
        /// `data` 0 on success).
        const RECEIPT = sys::EV_RECEIPT;
        /// Disable the event after each delivery, until `ENABLE`.
        const DISPATCH = sys::EV_DISPATCH;
        /// Output: end of file, or the other side is gone (`fflags` may
        /// hold a socket error).
        const EOF = sys::EV_EOF;
        /// Output: this entry reports a change's result; `data` is the
        /// errno (0 for success).
        const ERROR = sys::EV_ERROR;
        const _ = !0;
    }
}

bitflags::bitflags! {
    /// What an `EVFILT_VNODE` event watches for, and what happened
    /// (`fflags` of a [`Filter::Vnode`] event).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct VnodeEvents: u32 {
        /// The file was deleted (its last link removed).
        const DELETE = note::vnode::DELETE;
        /// The file was written to (or, for a directory, an entry was
        /// added, removed or renamed).
        const WRITE = note::vnode::WRITE;
        /// The file grew.
        const EXTEND = note::vnode::EXTEND;
        /// The file's attributes (mode, owner, times) changed.
        const ATTRIB = note::vnode::ATTRIB;
        /// The file's link count changed.
        const LINK = note::vnode::LINK;
        /// The file was renamed.
        const RENAME = note::vnode::RENAME;
        /// Access to the file was revoked (`revoke(2)`, or its file system
        /// was unmounted).
        const REVOKE = note::vnode::REVOKE;
        // Access notes (FreeBSD ≥ 11, NetBSD ≥ 10, and Linux).
        /// The file was opened.
        #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "netbsd"))]
        const OPEN = note::vnode::OPEN;
        /// A descriptor of the file that could not write was closed.
        #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "netbsd"))]
        const CLOSE = note::vnode::CLOSE;
        /// A descriptor of the file that could write was closed.
        #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "netbsd"))]
        const CLOSE_WRITE = note::vnode::CLOSE_WRITE;
        /// The file was read.
        #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "netbsd"))]
        const READ = note::vnode::READ;
        const _ = !0;
    }
}

/// The `NOTE_*` values of each filter, with this platform's numbers.
///
/// On Linux the numbers are FreeBSD's. A constant a platform lacks is not
/// defined there (code using it fails to compile rather than misbehave).
pub mod note {
    /// `EVFILT_USER` `fflags`: the trigger bit, the operation on the user
    /// flags, and the masks.
    pub mod user {
        use crate::sys;
        /// `NOTE_TRIGGER`: fire the event.
        pub const TRIGGER: u32 = sys::NOTE_TRIGGER;
        /// `NOTE_FFNOP`: leave the user flags as they are.
        pub const FFNOP: u32 = sys::NOTE_FFNOP;
        /// `NOTE_FFAND`: AND the given flags into the user flags.
        pub const FFAND: u32 = sys::NOTE_FFAND;
        /// `NOTE_FFOR`: OR the given flags into the user flags.
        pub const FFOR: u32 = sys::NOTE_FFOR;
        /// `NOTE_FFCOPY`: replace the user flags with the given ones.
        pub const FFCOPY: u32 = sys::NOTE_FFCOPY;
        /// `NOTE_FFCTRLMASK`: the bits that select the operation.
        pub const FFCTRLMASK: u32 = sys::NOTE_FFCTRLMASK;
        /// `NOTE_FFLAGSMASK`: the 24 user flag bits.
        pub const FFLAGSMASK: u32 = sys::NOTE_FFLAGSMASK;
    }

    /// `EVFILT_PROC` `fflags`.
    pub mod proc {
        use crate::sys;
        /// `NOTE_EXIT`: the process exited; `data` is its wait status.
        pub const EXIT: u32 = sys::NOTE_EXIT;
        /// `NOTE_EXITSTATUS` (Apple): with `EXIT`, report the wait status
        /// in `data` (Apple reports it only when asked).
        #[cfg(target_vendor = "apple")]
        #[cfg_attr(docsrs, doc(cfg(target_vendor = "apple")))]
        pub const EXITSTATUS: u32 = libc::NOTE_EXITSTATUS;

        // Process lifecycle notes, on every platform the crate builds for:
        // native on the BSDs and Apple (the same numbers on all:
        // sys/sys/event.h), and on Linux from the kernel's process-event
        // connector with FreeBSD's numbers. Apple has NOTE_FORK and
        // NOTE_EXEC only (see sys/bsd.rs), so the other names do not exist
        // there.
        /// `NOTE_FORK`: the process forked.
        ///
        /// # Platforms
        /// On Linux adding a knote with `FORK`, `EXEC` or `TRACK` is
        /// `EPERM` where the kernel does not let this process listen to
        /// its process events (before Linux 6.6 without CAP_NET_ADMIN, or
        /// outside the initial user and pid namespaces) and `ENOTSUP`
        /// where it has no process connector; `EXIT` alone always works.
        /// See the crate docs ("Processes").
        pub const FORK: u32 = sys::NOTE_FORK;
        /// `NOTE_EXEC`: the process called `execve`.
        pub const EXEC: u32 = sys::NOTE_EXEC;
        /// `NOTE_TRACK`: follow the process across forks: each new child
        /// gets its own knote (with the parent's `fflags` and `udata`) and
        /// reports `CHILD`, with the parent's pid in `data`.
        #[cfg(not(target_vendor = "apple"))]
        #[cfg_attr(docsrs, doc(cfg(not(target_vendor = "apple"))))]
        pub const TRACK: u32 = sys::NOTE_TRACK;
        /// `NOTE_TRACKERR`: a child could not be tracked (output only).
        /// On Linux also reported when process events were lost (the
        /// kernel's buffer overflowed), since a child may then have gone
        /// untracked.
        #[cfg(not(target_vendor = "apple"))]
        #[cfg_attr(docsrs, doc(cfg(not(target_vendor = "apple"))))]
        pub const TRACKERR: u32 = sys::NOTE_TRACKERR;
        /// `NOTE_CHILD`: this event is a tracked child's first (output
        /// only; `data` is the parent's pid).
        #[cfg(not(target_vendor = "apple"))]
        #[cfg_attr(docsrs, doc(cfg(not(target_vendor = "apple"))))]
        pub const CHILD: u32 = sys::NOTE_CHILD;
    }

    /// `EVFILT_VNODE` `fflags` (see also [`VnodeEvents`](crate::VnodeEvents)).
    pub mod vnode {
        use crate::sys;
        /// `NOTE_DELETE`: the file was deleted.
        pub const DELETE: u32 = sys::NOTE_DELETE;
        /// `NOTE_WRITE`: the file was written.
        pub const WRITE: u32 = sys::NOTE_WRITE;
        /// `NOTE_EXTEND`: the file grew.
        pub const EXTEND: u32 = sys::NOTE_EXTEND;
        /// `NOTE_ATTRIB`: the attributes changed.
        pub const ATTRIB: u32 = sys::NOTE_ATTRIB;
        /// `NOTE_LINK`: the link count changed.
        pub const LINK: u32 = sys::NOTE_LINK;
        /// `NOTE_RENAME`: the file was renamed.
        pub const RENAME: u32 = sys::NOTE_RENAME;
        /// `NOTE_REVOKE`: access was revoked.
        pub const REVOKE: u32 = sys::NOTE_REVOKE;

        // Access notes: FreeBSD ≥ 11, NetBSD ≥ 10, and Linux (from
        // inotify's IN_OPEN, IN_CLOSE_NOWRITE, IN_CLOSE_WRITE, IN_ACCESS).
        // DragonFly, OpenBSD and Apple have none of them; there the names
        // do not exist (the same bits mean other notes on OpenBSD and
        // Apple).
        macro_rules! access_notes {
            ($($(#[doc = $doc:literal])* $name:ident = $note:ident;)*) => {$(
                $(#[doc = $doc])*
                #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "netbsd"))]
                #[cfg_attr(
                    docsrs,
                    doc(cfg(any(target_os = "linux", target_os = "freebsd", target_os = "netbsd")))
                )]
                pub const $name: u32 = sys::$note;
            )*};
        }
        access_notes! {
            /// `NOTE_OPEN`: the file was opened.
            OPEN = NOTE_OPEN;
            /// `NOTE_CLOSE`: a descriptor of the file opened without write
            /// access was closed (its last reference).
            CLOSE = NOTE_CLOSE;
            /// `NOTE_CLOSE_WRITE`: a descriptor of the file opened with
            /// write access was closed (its last reference).
            CLOSE_WRITE = NOTE_CLOSE_WRITE;
            /// `NOTE_READ`: the file was read (for a directory: listed).
            READ = NOTE_READ;
        }
    }

    /// `EVFILT_READ` / `EVFILT_WRITE` `fflags`.
    pub mod read {
        use crate::sys;
        /// `NOTE_LOWAT`: fire only when at least `data` bytes are readable
        /// (or at end of file).
        pub const LOWAT: u32 = sys::NOTE_LOWAT;
    }

    /// `EVFILT_TIMER` `fflags`: the unit of `data`, and absolute deadlines.
    ///
    /// Without a unit flag `data` is in milliseconds everywhere.
    /// [`KEvent::timer`](crate::KEvent::timer) picks the right encoding for
    /// you from a `Duration`.
    ///
    /// # Platforms
    /// FreeBSD and Linux: `SECONDS` 1, `MSECONDS` 2, `USECONDS` 4,
    /// `NSECONDS` 8, `ABSTIME` 0x10. NetBSD (since 10) and OpenBSD (recent
    /// releases) enumerate the unit: `MSECONDS` 0, `SECONDS` 1, `USECONDS`
    /// 2, `NSECONDS` 3, `ABSTIME` 0x10. Apple: `SECONDS` 1, `USECONDS` 2,
    /// `NSECONDS` 4, `ABSOLUTE` 8, no `MSECONDS`. DragonFly: milliseconds
    /// only (none of these).
    ///
    /// Kernels older than their unit flags read `data` as milliseconds
    /// whatever `fflags` say (NetBSD before 10, OpenBSD before the units
    /// were added): on NetBSD, [`Kqueue::kevent`](crate::Kqueue::kevent)
    /// converts timer changes to milliseconds for such kernels; on OpenBSD
    /// [`KEvent::timer`](crate::KEvent::timer) always sends milliseconds,
    /// and these constants are for programs that know their kernel.
    pub mod timer {
        /// `NOTE_SECONDS`: `data` is in seconds.
        #[cfg(any(
            target_os = "freebsd",
            target_os = "netbsd",
            target_os = "openbsd",
            target_vendor = "apple",
            target_os = "linux"
        ))]
        #[cfg_attr(
            docsrs,
            doc(cfg(any(
                target_os = "freebsd",
                target_os = "netbsd",
                target_os = "openbsd",
                target_vendor = "apple",
                target_os = "linux"
            )))
        )]
        pub const SECONDS: u32 = crate::sys::NOTE_SECONDS;
        /// `NOTE_MSECONDS`: `data` is in milliseconds (the default).
        #[cfg(any(
            target_os = "freebsd",
            target_os = "netbsd",
            target_os = "openbsd",
            target_os = "linux"
        ))]
        #[cfg_attr(
            docsrs,
            doc(cfg(any(
                target_os = "freebsd",
                target_os = "netbsd",
                target_os = "openbsd",
                target_os = "linux"
            )))
        )]
        pub const MSECONDS: u32 = crate::sys::NOTE_MSECONDS;
        /// `NOTE_USECONDS`: `data` is in microseconds.
        #[cfg(any(
            target_os = "freebsd",
            target_os = "netbsd",
            target_os = "openbsd",
            target_vendor = "apple",
            target_os = "linux"
        ))]
        #[cfg_attr(
            docsrs,
            doc(cfg(any(
                target_os = "freebsd",
                target_os = "netbsd",
                target_os = "openbsd",
                target_vendor = "apple",
                target_os = "linux"
            )))
        )]
        pub const USECONDS: u32 = crate::sys::NOTE_USECONDS;
        /// `NOTE_NSECONDS`: `data` is in nanoseconds.
        #[cfg(any(
            target_os = "freebsd",
            target_os = "netbsd",
            target_os = "openbsd",
            target_vendor = "apple",
            target_os = "linux"
        ))]
        #[cfg_attr(
            docsrs,
            doc(cfg(any(
                target_os = "freebsd",
                target_os = "netbsd",
                target_os = "openbsd",
                target_vendor = "apple",
                target_os = "linux"
            )))
        )]
        pub const NSECONDS: u32 = crate::sys::NOTE_NSECONDS;
        /// `NOTE_ABSTIME`: `data` is a deadline since the Unix epoch (in the
        /// unit given); the timer fires once.
        #[cfg(any(
            target_os = "freebsd",
            target_os = "netbsd",
            target_os = "openbsd",
            target_os = "linux"
        ))]
        #[cfg_attr(
            docsrs,
            doc(cfg(any(
                target_os = "freebsd",
                target_os = "netbsd",
                target_os = "openbsd",
                target_os = "linux"
            )))
        )]
        pub const ABSTIME: u32 = crate::sys::NOTE_ABSTIME;
        /// `NOTE_ABSOLUTE` (Apple): `data` is a deadline since the Unix
        /// epoch (in the unit given); the timer fires once.
        #[cfg(target_vendor = "apple")]
        #[cfg_attr(docsrs, doc(cfg(target_vendor = "apple")))]
        pub const ABSOLUTE: u32 = libc::NOTE_ABSOLUTE;
    }
}

/// One change or one event: the platform's `struct kevent`.
///
/// `Copy`, and on the BSDs and Apple `#[repr(transparent)]` over the
/// kernel's `struct kevent`, so slices of it go to `kevent(2)` without a
/// copy. Build changes with the constructors ([`KEvent::read`],
/// [`KEvent::timer`], …) and the chainable flag methods; read events with
/// the accessors, which hide the per-platform field types (NetBSD's `u32`
/// filter and flags, `isize` data on DragonFly and Apple, FreeBSD's `ext`).
///
/// ```
/// use bsd_event::{EvFlags, Filter, KEvent};
/// let ev = KEvent::user(7).add().clear().with_udata(42);
/// assert_eq!(ev.ident(), 7);
/// assert_eq!(ev.filter(), Filter::User);
/// assert_eq!(ev.flags(), EvFlags::ADD | EvFlags::CLEAR);
/// assert_eq!(ev.udata(), 42);
/// ```
#[doc = man_links!("kevent", "epoll_ctl")]
#[repr(transparent)]
#[derive(Clone, Copy)]
#[doc(alias = "Kevent_t")]
#[doc(alias = "kevent")]
pub struct KEvent(pub(crate) sys::RawKevent);

// SAFETY: the only pointer in `struct kevent` is `udata`, an opaque word the
// kernel hands back untouched; this type never dereferences it.
unsafe impl Send for KEvent {}
// SAFETY: as above; a shared `KEvent` is plain immutable data.
unsafe impl Sync for KEvent {}

impl KEvent {
    /// A change or event with every field given: Go's `syscall.SetKevent`
    /// plus `fflags`, `data` and `udata`.
    ///
    /// `data` is narrowed to the platform's type where that is `isize` on a
    /// 32-bit target (saturating).
    #[must_use]
    #[doc(alias = "SetKevent")]
    #[doc(alias = "EV_SET")]
    pub fn new(ident: usize, filter: Filter, flags: EvFlags, fflags: u32, data: i64, udata: usize) -> KEvent {
        KEvent(sys::make_kevent(ident, filter.raw(), flags.bits(), fflags, data, udata))
    }

    /// `EVFILT_READ` on `fd` (chain [`add`](Self::add) to register it).
    ///
    /// Fires when there is something to read: `data` is the number of
    /// bytes readable (sockets, pipes, FIFOs), the number of pending
    /// connections on a listening socket (on Linux: exact for TCP, 1 for
    /// other kinds), or the
    /// distance from the file offset to the end of a regular file.
    #[must_use]
    pub fn read(fd: impl AsFd) -> KEvent {
        Self::fd_event(fd, Filter::Read)
    }

    /// `EVFILT_WRITE` on `fd`: fires when there is room to write; `data`
    /// is the space left in the buffer.
    #[must_use]
    pub fn write(fd: impl AsFd) -> KEvent {
        Self::fd_event(fd, Filter::Write)
    }

    fn fd_event(fd: impl AsFd, filter: Filter) -> KEvent {
        let raw = fd.as_fd().as_raw_fd();
        // A borrowed descriptor is never negative.
        KEvent::new(raw as usize, filter, EvFlags::empty(), 0, 0, 0)
    }

    /// `EVFILT_TIMER` number `id`, firing every `period` (chain
    /// [`oneshot`](Self::oneshot) for a single expiry).
    ///
    /// The crate encodes `period` in the platform's units: whole
    /// milliseconds with no unit flag (understood everywhere), otherwise
    /// microseconds or nanoseconds with the platform's unit flag.
    /// `data` of a delivered event counts the expirations since the last
    /// delivery. Re-adding a timer restarts it. A period longer than about
    /// 292 years (2^63 nanoseconds) is capped there, so that every kernel's
    /// conversion to nanoseconds fits (Apple's would fail with ERANGE).
    ///
    /// # Platforms
    /// DragonFly and OpenBSD know milliseconds only: a period that is not a
    /// whole number of milliseconds is rounded up. NetBSD refuses a zero
    /// period and one longer than `INT_MAX` clock ticks (about 248 days at
    /// 100 Hz) with EINVAL; on NetBSD before 10 the period is converted to
    /// milliseconds and one beyond `i32::MAX` ms is EINVAL. A negative
    /// period (only possible through [`KEvent::new`] or
    /// [`set_data`](Self::set_data)) is EINVAL everywhere, Apple included.
    #[must_use]
    pub fn timer(id: usize, period: Duration) -> KEvent {
        let s = layout::encode_period(Os::HOST.timer_scheme(), period);
        KEvent::new(id, Filter::Timer, EvFlags::empty(), s.fflags, s.data, 0)
    }

    /// `EVFILT_TIMER` number `id`, firing once at the wall-clock time `at`
    /// (immediately if `at` is in the past).
    ///
    /// The deadline goes to the kernel in seconds when it is a whole
    /// second, in nanoseconds otherwise; one past April 2262 (2^63
    /// nanoseconds after the epoch) is capped there.
    ///
    /// # Platforms
    /// FreeBSD, NetBSD, Apple and Linux; DragonFly and OpenBSD have no
    /// absolute timers.
    #[cfg(not(any(target_os = "dragonfly", target_os = "openbsd")))]
    #[cfg_attr(docsrs, doc(cfg(not(any(target_os = "dragonfly", target_os = "openbsd")))))]
    #[must_use]
    pub fn timer_at(id: usize, at: SystemTime) -> KEvent {
        // A time before the epoch is in the past: fire at once (1 ns after
        // the epoch, as 0 would be "no deadline" on some systems).
        let since = at
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .max(Duration::from_nanos(1));
        let (fflags, data) = match layout::encode_deadline(Os::HOST.timer_scheme(), since) {
            Some(s) => (s.fflags, s.data),
            // Not reached on the platforms this is compiled for.
            None => (0, 0),
        };
        KEvent::new(id, Filter::Timer, EvFlags::empty(), fflags, data, 0)
    }

    /// `EVFILT_SIGNAL` for signal number `signo`: counts deliveries of the
    /// signal to the process, even when it is ignored. `data` of a
    /// delivered event is the count since the last delivery.
    ///
    /// # The signal still does what its disposition says
    /// Watching a signal only *records* it: it does not replace the
    /// signal's handling. A signal whose action is the default still has
    /// its default effect — `SIGINT`, `SIGTERM`, `SIGHUP`, `SIGUSR1`
    /// terminate the process before the event is ever read. To handle a
    /// signal only through the queue, set its action to `SIG_IGN` with
    /// `sigaction(2)` before sending it can happen (the kernel, and the
    /// Linux emulation, still count ignored signals). Blocking it with
    /// `sigprocmask`/`pthread_sigmask` also keeps the default action away
    /// on the BSDs, which count a blocked signal when it is sent; the Linux
    /// emulation counts it only once it is unblocked, so prefer `SIG_IGN`
    /// in portable code.
    ///
    /// ```
    /// use bsd_event::{KEvent, Kqueue};
    /// use std::time::Duration;
    ///
    /// // Without this, SIGUSR1's default action would end the process.
    /// // SAFETY: a zeroed sigaction with SIG_IGN is a valid action, and no
    /// // other thread of this program changes signal actions.
    /// let rc = unsafe {
    ///     let mut sa: libc::sigaction = std::mem::zeroed();
    ///     sa.sa_sigaction = libc::SIG_IGN;
    ///     libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut())
    /// };
    /// assert_eq!(rc, 0);
    ///
    /// let kq = Kqueue::new()?;
    /// kq.register(&[KEvent::signal(libc::SIGUSR1).add()])?;
    /// // SAFETY: kill takes no pointers; the signal is ignored.
    /// assert_eq!(unsafe { libc::kill(libc::getpid(), libc::SIGUSR1) }, 0);
    ///
    /// let mut events = [KEvent::zeroed(); 1];
    /// let n = kq.wait(&mut events, Some(Duration::from_secs(5)))?;
    /// assert_eq!(n, 1);
    /// assert_eq!(events[0].ident(), libc::SIGUSR1 as usize);
    /// assert_eq!(events[0].data(), 1); // sent once
    /// # Ok::<(), bsd_event::Errno>(())
    /// ```
    #[must_use]
    pub fn signal(signo: libc::c_int) -> KEvent {
        // A negative number becomes a huge ident, which registration rejects
        // with EINVAL.
        KEvent::new(signo as usize, Filter::Signal, EvFlags::empty(), 0, 0, 0)
    }

    /// `EVFILT_USER` number `id`, with no trigger (chain `add()` to
    /// register it).
    #[must_use]
    pub fn user(id: usize) -> KEvent {
        KEvent::new(id, Filter::User, EvFlags::empty(), 0, 0, 0)
    }

    /// A change that triggers user event `id`; `fflags` may add an
    /// operation on the user flags (`note::user::FFOR | bits`, …).
    #[must_use]
    pub fn trigger(id: usize, fflags: u32) -> KEvent {
        KEvent::new(id, Filter::User, EvFlags::empty(), note::user::TRIGGER | fflags, 0, 0)
    }

    /// `EVFILT_PROC` with `NOTE_EXIT` for process `pid`: fires once when
    /// it exits, with its wait status in `data`. Watching does not reap
    /// the child.
    ///
    /// # Platforms
    /// On Apple this also sets `NOTE_EXITSTATUS`, without which Apple does
    /// not report the status.
    #[must_use]
    pub fn proc_exit(pid: libc::pid_t) -> KEvent {
        #[cfg(target_vendor = "apple")]
        let fflags = note::proc::EXIT | note::proc::EXITSTATUS;
        #[cfg(not(target_vendor = "apple"))]
        let fflags = note::proc::EXIT;
        // A negative pid becomes a huge ident, rejected at registration.
        KEvent::new(pid as usize, Filter::Proc, EvFlags::empty(), fflags, 0, 0)
    }

    /// `EVFILT_PROC` for process `pid` with the notes `notes` (any of
    /// [`note::proc`]: `EXIT`, and where the platform has them `FORK`,
    /// `EXEC`, `TRACK`). Like every process knote it is edge-triggered
    /// (`EV_CLEAR` is set for it) and ends with the process's exit.
    ///
    /// ```no_run
    /// # #[cfg(any(target_os = "linux", target_os = "freebsd"))] {
    /// use bsd_event::{note, KEvent, Kqueue};
    /// let kq = Kqueue::new()?;
    /// let pid = std::process::id() as libc::pid_t;
    /// kq.register(&[KEvent::proc(pid, note::proc::FORK | note::proc::EXEC | note::proc::TRACK).add()])?;
    /// # }
    /// # Ok::<(), bsd_event::Errno>(())
    /// ```
    ///
    /// # Errors
    /// `ESRCH` if there is no such process; on Linux `EPERM`/`ENOTSUP` for
    /// the connector notes where the kernel refuses or lacks them (see
    /// [`note::proc::FORK`]).
    #[must_use]
    pub fn proc(pid: libc::pid_t, notes: u32) -> KEvent {
        // A negative pid becomes a huge ident, rejected at registration.
        KEvent::new(pid as usize, Filter::Proc, EvFlags::empty(), notes, 0, 0)
    }

    /// `EVFILT_VNODE` on the file or directory `fd`, watching `events`.
    #[must_use]
    pub fn vnode(fd: impl AsFd, events: VnodeEvents) -> KEvent {
        let mut ev = Self::fd_event(fd, Filter::Vnode);
        ev.set_fflags(events.bits());
        ev
    }

    /// The identifier: a descriptor, pid, signal number, or any number for
    /// timers and user events.
    #[inline]
    #[must_use]
    pub fn ident(&self) -> usize {
        sys::ident(&self.0)
    }

    /// The filter.
    #[inline]
    #[must_use]
    pub fn filter(&self) -> Filter {
        Filter::from_raw(sys::filter(&self.0))
    }

    /// The flags (all bits kept).
    #[inline]
    #[must_use]
    pub fn flags(&self) -> EvFlags {
        EvFlags::from_bits_retain(sys::flags(&self.0))
    }

    /// Filter-specific flags (`NOTE_*`).
    #[inline]
    #[must_use]
    pub fn fflags(&self) -> u32 {
        sys::fflags(&self.0)
    }

    /// Filter-specific data: bytes readable, expirations, a wait status, an
    /// errno with [`EvFlags::ERROR`], …
    #[inline]
    #[must_use]
    pub fn data(&self) -> i64 {
        sys::data(&self.0)
    }

    /// The caller's value, handed back untouched.
    #[inline]
    #[must_use]
    pub fn udata(&self) -> usize {
        sys::udata(&self.0)
    }

    /// What happened to the file, for an [`Filter::Vnode`] event: its
    /// `fflags` as [`VnodeEvents`] (all bits kept); `None` for any other
    /// filter.
    ///
    /// ```
    /// use bsd_event::{KEvent, Kqueue, VnodeEvents};
    /// use std::io::Write;
    /// use std::time::Duration;
    ///
    /// let path = std::env::temp_dir().join(format!("bsd-event-doc-vnode-{}", std::process::id()));
    /// let mut file = std::fs::File::create(&path).expect("create");
    /// let kq = Kqueue::new()?;
    /// kq.register(&[KEvent::vnode(&file, VnodeEvents::WRITE | VnodeEvents::EXTEND).add().clear()])?;
    /// file.write_all(b"more").expect("write");
    ///
    /// let mut events = [KEvent::zeroed(); 1];
    /// assert_eq!(kq.wait(&mut events, Some(Duration::from_secs(5)))?, 1);
    /// let notes = events[0].vnode_events().expect("a vnode event");
    /// assert!(notes.contains(VnodeEvents::WRITE));
    /// assert_eq!(KEvent::user(1).vnode_events(), None);
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), bsd_event::Errno>(())
    /// ```
    #[must_use]
    pub fn vnode_events(&self) -> Option<VnodeEvents> {
        (self.filter() == Filter::Vnode).then(|| VnodeEvents::from_bits_retain(self.fflags()))
    }

    /// The raw wait status of the exited process, for a [`Filter::Proc`]
    /// event with `NOTE_EXIT` (`data`); `None` for any other event.
    ///
    /// The word is the one `wait4(2)` would store (Go's
    /// `syscall.WaitStatus`): hand it to `bsd_proc::WaitStatus::from_raw`
    /// as it is. Watching does not reap the child: wait for it as usual.
    ///
    /// ```
    /// use bsd_event::{KEvent, Kqueue};
    /// use std::process::Command;
    /// use std::time::Duration;
    ///
    /// let mut child = Command::new("sh").args(["-c", "exit 3"]).spawn().expect("spawn");
    /// let kq = Kqueue::new()?;
    /// kq.register(&[KEvent::proc_exit(child.id() as libc::pid_t).add()])?;
    ///
    /// let mut events = [KEvent::zeroed(); 1];
    /// assert_eq!(kq.wait(&mut events, Some(Duration::from_secs(30)))?, 1);
    /// let status: i32 = events[0].exit_status().expect("an exit event");
    /// // Exited normally (low 7 bits 0) with code 3 (bits 8..16).
    /// assert_eq!(status & 0o177, 0);
    /// assert_eq!((status >> 8) & 0xff, 3);
    /// // Not reaped: the status is still there for wait.
    /// assert_eq!(child.wait().expect("wait").code(), Some(3));
    /// # Ok::<(), bsd_event::Errno>(())
    /// ```
    #[must_use]
    pub fn exit_status(&self) -> Option<i32> {
        if self.filter() != Filter::Proc || self.fflags() & note::proc::EXIT == 0 {
            return None;
        }
        // The kernel stores an `int` wait status in `data`.
        i32::try_from(self.data()).ok()
    }

    /// For an [`EvFlags::ERROR`] entry, the change's result: `Ok(())` for a
    /// receipt, `Err(errno)` for a failed change; `None` for an event.
    #[must_use]
    pub fn error(&self) -> Option<crate::Result<()>> {
        if !self.flags().contains(EvFlags::ERROR) {
            return None;
        }
        let d = self.data();
        Some(if d == 0 {
            Ok(())
        } else {
            Err(crate::Errno::from_raw(i32::try_from(d).unwrap_or(libc::EINVAL)))
        })
    }

    /// Sets `flags`, replacing what was there.
    #[inline]
    pub fn set_flags(&mut self, flags: EvFlags) {
        sys::set_flags(&mut self.0, flags.bits());
    }

    /// Sets `fflags`.
    #[inline]
    pub fn set_fflags(&mut self, fflags: u32) {
        sys::set_fflags(&mut self.0, fflags);
    }

    /// Sets `data` (saturating where the platform's field is narrower).
    #[inline]
    pub fn set_data(&mut self, data: i64) {
        sys::set_data(&mut self.0, data);
    }

    /// Sets `udata`.
    #[inline]
    pub fn set_udata(&mut self, udata: usize) {
        sys::set_udata(&mut self.0, udata);
    }

    #[inline]
    fn with_flag(mut self, f: EvFlags) -> KEvent {
        let flags = self.flags() | f;
        self.set_flags(flags);
        self
    }

    /// Adds `EV_ADD`: register (or modify) this event.
    #[inline]
    #[must_use]
    pub fn add(self) -> KEvent {
        self.with_flag(EvFlags::ADD)
    }

    /// Adds `EV_DELETE`: remove this event.
    #[inline]
    #[must_use]
    pub fn delete(self) -> KEvent {
        self.with_flag(EvFlags::DELETE)
    }

    /// Adds `EV_ENABLE`.
    #[inline]
    #[must_use]
    pub fn enable(self) -> KEvent {
        self.with_flag(EvFlags::ENABLE)
    }

    /// Adds `EV_DISABLE`.
    #[inline]
    #[must_use]
    pub fn disable(self) -> KEvent {
        self.with_flag(EvFlags::DISABLE)
    }

    /// Adds `EV_ONESHOT`.
    #[inline]
    #[must_use]
    pub fn oneshot(self) -> KEvent {
        self.with_flag(EvFlags::ONESHOT)
    }

    /// Adds `EV_CLEAR`.
    #[inline]
    #[must_use]
    pub fn clear(self) -> KEvent {
        self.with_flag(EvFlags::CLEAR)
    }

    /// Adds `EV_DISPATCH`.
    #[inline]
    #[must_use]
    pub fn dispatch(self) -> KEvent {
        self.with_flag(EvFlags::DISPATCH)
    }

    /// Adds `EV_RECEIPT`.
    #[inline]
    #[must_use]
    pub fn receipt(self) -> KEvent {
        self.with_flag(EvFlags::RECEIPT)
    }

    /// Sets `udata`, the caller's value handed back with each event.
    #[inline]
    #[must_use]
    pub fn with_udata(mut self, udata: usize) -> KEvent {
        self.set_udata(udata);
        self
    }

    /// A zeroed entry, to size event buffers: `[KEvent::zeroed(); 64]`.
    #[inline]
    #[must_use]
    pub fn zeroed() -> KEvent {
        KEvent(sys::make_kevent(0, 0, 0, 0, 0, 0))
    }
}

impl Default for KEvent {
    fn default() -> KEvent {
        KEvent::zeroed()
    }
}

impl PartialEq for KEvent {
    fn eq(&self, o: &KEvent) -> bool {
        self.ident() == o.ident()
            && sys::filter(&self.0) == sys::filter(&o.0)
            && self.flags() == o.flags()
            && self.fflags() == o.fflags()
            && self.data() == o.data()
            && self.udata() == o.udata()
    }
}

impl Eq for KEvent {}

impl fmt::Debug for KEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KEvent")
            .field("ident", &self.ident())
            .field("filter", &self.filter())
            .field("flags", &self.flags())
            .field("fflags", &format_args!("{:#x}", self.fflags()))
            .field("data", &self.data())
            .field("udata", &self.udata())
            .finish()
    }
}

// ---- Process descriptors (EVFILT_PROCDESC) ----

#[cfg(any(target_os = "linux", target_os = "freebsd"))]
impl Filter {
    /// `EVFILT_PROCDESC`: the process behind a process descriptor exited
    /// (`NOTE_EXIT`; `data` is its wait status, EV_EOF and EV_ONESHOT are
    /// set). FreeBSD's filter over `pdfork`'s descriptor; on Linux over a
    /// pidfd (`pidfd_open`, `clone3`'s `CLONE_PIDFD`), which it never
    /// reaps: `waitid`/`waitpid` still get the status afterwards. Linux
    /// gives the status to the parent only; for another process `data` is
    /// 0. A descriptor that is not a process descriptor is EINVAL. Other
    /// platforms have no such filter.
    ///
    /// It is `Filter::Other` of the platform's number (-8), which is what
    /// [`Filter::from_raw`] returns for it.
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "freebsd"))))]
    pub const PROCDESC: Filter = Filter::Other(sys::EVFILT_PROCDESC);
}

#[cfg(any(target_os = "linux", target_os = "freebsd"))]
impl KEvent {
    /// `EVFILT_PROCDESC` with `NOTE_EXIT` on the process descriptor `fd`
    /// (see [`Filter::PROCDESC`]).
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "freebsd"))))]
    #[must_use]
    pub fn procdesc(fd: impl AsFd) -> KEvent {
        let mut ev = Self::fd_event(fd, Filter::PROCDESC);
        ev.set_fflags(note::proc::EXIT);
        ev
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Endian, KeventShape};

    /// The bytes of `ev`'s fields (padding left zero), read through the
    /// host's computed shape: only initialised bytes are read.
    fn field_bytes(ev: &KEvent, s: &KeventShape) -> Vec<u8> {
        let mut out = vec![0u8; s.size];
        let mut fields = vec![s.ident, s.filter, s.flags, s.fflags, s.data, s.udata];
        fields.extend(s.ext);
        let base = (&ev.0 as *const sys::RawKevent).cast::<u8>();
        for f in fields {
            for (i, b) in out[f.offset..f.offset + f.bytes].iter_mut().enumerate() {
                // SAFETY: the shape's fields lie inside the struct (checked
                // by its size below) and every field byte is initialised.
                *b = unsafe { base.add(f.offset + i).read() };
            }
        }
        out
    }

    #[test]
    fn the_host_struct_is_the_computed_shape() {
        let s = Os::HOST.kevent_shape();
        assert_eq!(core::mem::size_of::<KEvent>(), s.size);
        assert_eq!(core::mem::align_of::<KEvent>(), s.align);
        let ev = KEvent::new(
            0x0102_0304,
            Filter::User,
            EvFlags::ADD | EvFlags::CLEAR,
            0x8100_0003,
            -2_000_000_000,
            0x0a0b_0c0d,
        );
        let k = s.decode(Endian::HOST, &field_bytes(&ev, &s)).unwrap();
        assert_eq!(k.ident, 0x0102_0304);
        assert_eq!(k.filter, i64::from(Os::HOST.filters().user));
        assert_eq!(k.flags, u64::from(ev.flags().bits()));
        assert_eq!(k.fflags, 0x8100_0003);
        assert_eq!(k.data, -2_000_000_000);
        assert_eq!(k.udata, 0x0a0b_0c0d);
        assert_eq!(k.ext, [0; 4]);
    }

    #[test]
    fn typed_accessors_only_for_their_filter() {
        let v = KEvent::new(
            3,
            Filter::Vnode,
            EvFlags::empty(),
            note::vnode::WRITE | note::vnode::LINK,
            0,
            0,
        );
        assert_eq!(v.vnode_events(), Some(VnodeEvents::WRITE | VnodeEvents::LINK));
        assert_eq!(v.exit_status(), None);
        let p = KEvent::new(42, Filter::Proc, EvFlags::EOF, note::proc::EXIT, 0x300, 0);
        assert_eq!(p.exit_status(), Some(0x300));
        assert_eq!(p.vnode_events(), None);
        // No NOTE_EXIT, or a word that is not an int: no status.
        let fork = KEvent::new(42, Filter::Proc, EvFlags::empty(), 0, 0x300, 0);
        assert_eq!(fork.exit_status(), None);
        if cfg!(not(any(target_os = "dragonfly", target_vendor = "apple"))) || cfg!(target_pointer_width = "64") {
            let big = KEvent::new(42, Filter::Proc, EvFlags::empty(), note::proc::EXIT, 1 << 40, 0);
            assert_eq!(big.exit_status(), None);
        }
        assert_eq!(KEvent::user(1).vnode_events(), None);
    }

    #[test]
    fn extreme_timer_periods_are_capped_never_wrapped() {
        for d in [
            Duration::MAX,
            Duration::new(u64::MAX, 0),
            Duration::from_secs(i64::MAX as u64),
        ] {
            let ev = KEvent::timer(1, d);
            assert!(ev.data() > 0, "{d:?}: {}", ev.data());
            // About 292 years in whichever unit the platform uses.
            let s = layout::encode_period(Os::HOST.timer_scheme(), d);
            assert_eq!((ev.fflags(), ev.data()), (s.fflags, s.data));
            assert_eq!(s.data, 9_223_372_036_854);
        }
        assert_eq!(KEvent::timer(1, Duration::ZERO).data(), 0);
    }

    #[cfg(not(any(target_os = "dragonfly", target_os = "openbsd")))]
    #[test]
    fn extreme_deadlines_are_capped_never_wrapped() {
        let far = [
            SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(i64::MAX as u64 / 2)),
            SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(20_000_000_000)),
        ];
        for at in far.into_iter().flatten() {
            let ev = KEvent::timer_at(1, at);
            // April 2262 in nanoseconds: the cap, positive.
            assert_eq!(ev.data(), 9_223_372_036_854_000_000, "{at:?}");
        }
        // Before the epoch: 1 ns after it, so it fires at once.
        if let Some(past) = SystemTime::UNIX_EPOCH.checked_sub(Duration::from_secs(1_000_000)) {
            assert_eq!(KEvent::timer_at(1, past).data(), 1);
        }
    }
}
