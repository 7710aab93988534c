//! kqueue/kevent: native on the BSDs and Apple, the same semantics on Linux.
//!
//! ```
//! use bsd_event::{EvFlags, Filter, KEvent, Kqueue};
//! use std::io::Write;
//! use std::os::unix::net::UnixStream;
//! use std::time::Duration;
//!
//! let kq = Kqueue::new()?;
//! let (mut a, b) = UnixStream::pair().expect("socketpair");
//! // Watch `b` for reading, and a 10 ms timer, in one call.
//! kq.register(&[
//!     KEvent::read(&b).add().with_udata(1),
//!     KEvent::timer(7, Duration::from_millis(10)).add().oneshot(),
//! ])?;
//! a.write_all(b"hello").expect("write");
//!
//! let mut events = [KEvent::zeroed(); 8];
//! let mut seen_read = false;
//! let mut seen_timer = false;
//! while !(seen_read && seen_timer) {
//!     let n = kq.wait(&mut events, Some(Duration::from_secs(5)))?;
//!     assert!(n > 0, "timed out");
//!     for ev in &events[..n] {
//!         match ev.filter() {
//!             Filter::Read => {
//!                 assert_eq!(ev.data(), 5); // bytes readable
//!                 assert_eq!(ev.udata(), 1);
//!                 seen_read = true;
//!                 // Level-triggered: stop watching before it fires again.
//!                 kq.register(&[KEvent::read(&b).delete()])?;
//!             }
//!             Filter::Timer => {
//!                 assert_eq!(ev.ident(), 7);
//!                 assert!(ev.flags().contains(EvFlags::ONESHOT));
//!                 seen_timer = true;
//!             }
//!             other => panic!("unexpected {other:?}"),
//!         }
//!     }
//! }
//! # Ok::<(), bsd_event::Errno>(())
//! ```
//!
//! # What it is
//! The `kqueue` and `Kevent` of Go's `syscall_bsd.go`, as a Rust crate:
//! [`Kqueue`] (`Send + Sync`, pollable, close-on-exec) with its one call
//! [`Kqueue::kevent`], and [`KEvent`], a `Copy` value that on the BSDs
//! and Apple *is* the kernel's `struct kevent` (`#[repr(transparent)]`),
//! built with constructors per filter ([`KEvent::read`],
//! [`KEvent::timer`], [`KEvent::signal`], [`KEvent::user`],
//! [`KEvent::proc_exit`], [`KEvent::proc`], [`KEvent::vnode`], …) and chainable flags
//! (`.add().oneshot().with_udata(x)`). The numbers that differ between
//! systems — filters, timer units, field widths — stay behind
//! [`Filter`], [`EvFlags`], [`Duration`](std::time::Duration) and
//! the accessors.
//!
//! # Platforms
//! - **FreeBSD, DragonFly, NetBSD, OpenBSD, Apple**: the kernel's kqueue,
//!   zero-copy. NetBSD's `u32` filter and flags, `size_t` counts and
//!   `udata` type, FreeBSD's `ext`, `isize` `data` on DragonFly and Apple
//!   are absorbed by [`KEvent`]'s accessors. Apple reports a process's exit
//!   status only with `NOTE_EXITSTATUS` ([`KEvent::proc_exit`] sets it),
//!   and has `NOTE_FORK`/`NOTE_EXEC` but not `NOTE_TRACK` (its kernel
//!   answers ENOTSUP; the name is not defined there).
//!   DragonFly and OpenBSD timers are in milliseconds (sub-millisecond
//!   periods are rounded up) and have no absolute deadlines. A timer added
//!   with a negative period is EINVAL everywhere: on Apple, whose kernel
//!   would fire it at once, [`Kqueue::kevent`] refuses it before the call.
//!   NetBSD kernels before 10 read every timer period as milliseconds and
//!   ignore the unit in `fflags`: there (`kern.osrevision` below
//!   1000000000, read once) timer changes are converted to milliseconds,
//!   rounded up, deadlines to the time left (one-shot), and a period beyond
//!   `i32::MAX` milliseconds is EINVAL before the call.
//! - **Linux**: an emulation with FreeBSD's semantics and numbers, over
//!   epoll (one edge-triggered registration per descriptor for its read
//!   and write knotes), timerfd, eventfd, pidfd (`waitid(WNOWAIT)`: the
//!   child is not reaped), inotify and, for `NOTE_FORK`/`NOTE_EXEC`/
//!   `NOTE_TRACK`, the kernel's process-event connector (which no other
//!   kqueue emulation offers). It has none of libkqueue's
//!   documented limitations: the descriptor is pollable, dropping the queue
//!   releases everything, a knote whose descriptor was closed without
//!   `EV_DELETE` does not fire for a new file reusing the number (see
//!   below for the one case that remains), signals sent to any thread are
//!   counted, deleting while another thread waits is safe, and
//!   `EV_ADD | EV_DISABLE` delivers nothing in between.
//!
//! # Semantics worth knowing (FreeBSD's, which Linux follows)
//! - Every change to an existing knote replaces its `udata`, a
//!   [`KEvent::trigger`] included: give triggers the knote's `udata`.
//! - Level-triggered by default: a READ knote fires on every call while
//!   data is there, a USER knote stays triggered until delivered with
//!   `EV_CLEAR`. Add [`KEvent::clear`] for edge-triggered behaviour (and
//!   on vnode knotes, which on the BSDs otherwise keep reporting).
//! - `EV_DISABLE` holds events; `EV_ENABLE` re-evaluates the knote, so a
//!   still-readable descriptor or a held timer count is reported then.
//! - A knote is reported at most once per `kevent` call; a oneshot knote
//!   to exactly one of several threads waiting on the same queue.
//!
//! # What the Linux emulation does to the process
//! - **Signals.** The signal mask is never changed. While an
//!   `EVFILT_SIGNAL` knote exists for a signal, the crate installs a
//!   recording handler for it (`sigaction`) that counts the delivery and
//!   then does what the previous disposition would have done: runs the
//!   previous handler, ignores the signal, stops, or terminates the
//!   process with that signal. The previous disposition is restored when
//!   the last knote for the signal is gone. Consequences: an ignored signal
//!   now interrupts non-restartable calls (`poll`, `nanosleep`, …) with
//!   EINTR in the thread that receives it (`kevent` itself does not report
//!   those); a signal the program keeps blocked is counted when unblocked,
//!   not when consumed by `sigwait`/`signalfd`; a `sigaction` by the
//!   program after registration replaces the recorder; SIGKILL, SIGSTOP and
//!   the C library's reserved signals cannot be watched (EINVAL). One
//!   process-wide eventfd (close-on-exec) is created at the first signal
//!   registration and kept for the life of the process.
//! - **Cost of `data`.** Counting bytes for `EVFILT_READ`/`EVFILT_WRITE`
//!   on a pipe or socket takes one `ioctl` (`FIONREAD`/`TIOCOUTQ`), which
//!   the kernel does for free on a BSD. The emulation makes it only when
//!   the program reads [`KEvent::data`] of such an event, so the count is
//!   the one at that moment: read `data` before reading from the
//!   descriptor or closing it. [`Kqueue::set_exact_data`]`(false)` makes
//!   `data` 1 ("at least one byte") and free.
//! - **Data.** `EVFILT_READ` `data` is FIONREAD (for a UDP socket: the
//!   next datagram's size); a TCP listening socket reports its accept
//!   queue's length (from `TCP_INFO`), other listening sockets 1 (Linux
//!   cannot count them); `EVFILT_WRITE` `data` is the pipe size or
//!   `SO_SNDBUF` minus what is queued. A socket's pending error is never
//!   read by the queue: Linux cannot read it without clearing it
//!   (`SO_ERROR` and `recv`, even with `MSG_PEEK`, take it), so `fflags` of
//!   an `EV_EOF` event is 0 and the error stays for the program's next call
//!   (`recv` still returns `ECONNRESET`); on the BSDs `fflags` carries it.
//! - **Fork.** A forked child's inherited queue fails every call with
//!   `EBADF` and never touches the parent's registrations (a `pthread_atfork`
//!   handler marks the child; a raw `clone` system call that bypasses the C
//!   library is not seen).
//! - **Processes.** `NOTE_EXIT` comes from a pidfd and `waitid(WNOWAIT)`
//!   (never reaping); the status of a process that is not our child is 0.
//!   `NOTE_FORK`, `NOTE_EXEC` and `NOTE_TRACK` (with `NOTE_CHILD` and
//!   `NOTE_TRACKERR`) come from the kernel's process-event connector: one
//!   netlink socket per process, opened at the first such knote and closed
//!   when no queue has one any more. Each queue with such knotes has it
//!   in its epoll; whichever queue reads it hands each event about a
//!   watched pid to the others, whose descriptors become readable. Nothing
//!   is reaped, signalled or traced. Adding such a knote is `EPERM` where
//!   the kernel refuses this process as a listener (Linux before 6.6
//!   without CAP_NET_ADMIN; outside the initial user or pid namespace,
//!   after waiting up to a second for the kernel's answer, which never
//!   comes there) and `ENOTSUP` where there is no connector (qemu-user
//!   refuses the socket too); `NOTE_EXIT` alone is never affected. Seen:
//!   every fork and exec from the moment `EV_ADD` returns, and a tracked
//!   child's own from its fork on (the kernel queues them in order, and
//!   the child is watched as soon as its parent's fork is read). Not
//!   seen: what happened before the add; thread creations (they are not
//!   processes); events lost when the socket's buffer overflowed, which
//!   sets `NOTE_TRACKERR` on every tracking knote (a non-tracking knote
//!   cannot know what it missed); a tracked child already reaped when its
//!   parent's fork was read, which is `NOTE_TRACKERR` on the parent (were
//!   its pid reused by then, the new process would be tracked instead:
//!   the child is found by pid). As
//!   on FreeBSD, a knote without `NOTE_EXIT` reports its pending notes
//!   with `EV_EOF` when the process exits, or goes silently if nothing is
//!   pending, and a tracked child's first event is `NOTE_CHILD` alone
//!   (`data` = the parent's pid), its other notes following. Any process
//!   event of the system wakes a thread waiting in a subscribed queue,
//!   which reads and drops it (the call does not return for it), and can
//!   make the queue's descriptor readable until then.
//! - **Descriptor reuse.** A READ/WRITE knote whose descriptor was closed
//!   without `EV_DELETE` never fires for a new file that takes the number:
//!   its epoll registration left with the old file, every re-check first
//!   proves the number still names the registered file, and re-adding the
//!   number registers the new file afresh. One case remains: if the old
//!   file is still open elsewhere (a `dup`, a child) and shows *new*
//!   activity while the number names a different, readable file, that
//!   report is taken as the number's until the next re-check — checking
//!   every report would cost a system call per event. Delete knotes
//!   before closing shared descriptors.
//! - **Timers** run on `CLOCK_MONOTONIC` (deadlines on `CLOCK_REALTIME`).
//!
//! # Nesting in another event loop
//! The queue's descriptor ([`Kqueue`] is `AsFd`) is readable whenever a
//! zero-timeout [`Kqueue::wait`] would return an event, so an async
//! runtime's reactor, `poll(2)`, epoll or another kqueue can wait on it and
//! then drain the queue with zero timeouts. An edge-triggered reactor
//! (tokio's `AsyncFd`, epoll with `EPOLLET`) must drain until `wait`
//! returns 0 before it waits again. `examples/nested_poll.rs` shows the
//! whole loop.
//!
//! ```
//! use bsd_event::{KEvent, Kqueue};
//! use std::os::fd::{AsFd, AsRawFd};
//! use std::time::Duration;
//!
//! let kq = Kqueue::new()?;
//! kq.register(&[KEvent::timer(1, Duration::from_millis(1)).add().oneshot()])?;
//! let mut pfd = libc::pollfd { fd: kq.as_fd().as_raw_fd(), events: libc::POLLIN, revents: 0 };
//! // SAFETY: one valid pollfd, alive for the call.
//! assert_eq!(unsafe { libc::poll(&mut pfd, 1, 5000) }, 1);
//! let mut events = [KEvent::zeroed(); 8];
//! assert_eq!(kq.wait(&mut events, Some(Duration::ZERO))?, 1);
//! // Drained: no longer readable.
//! // SAFETY: as above.
//! assert_eq!(unsafe { libc::poll(&mut pfd, 1, 0) }, 0);
//! # Ok::<(), bsd_event::Errno>(())
//! ```
//!
//! # Not portable
//! The filters beyond the seven named in [`Filter`] (`EVFILT_AIO`,
//! `EVFILT_PROCDESC`, `EVFILT_EXCEPT`, …) exist only natively, as
//! [`Filter::Other`]. Constants a platform lacks are not defined there
//! (see [`note`]).
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// Writes the per-platform man-page links of a call.
macro_rules! man_links {
    ($name:literal, $linux:literal) => {
        concat!(
            "# References\n",
            "- [FreeBSD](https://man.freebsd.org/cgi/man.cgi?query=",
            $name,
            "&sektion=2)\n",
            "- [Apple](https://developer.apple.com/library/archive/documentation/System/Conceptual/ManPages_iPhoneOS/man2/",
            $name,
            ".2.html)\n",
            "- [NetBSD](https://man.netbsd.org/",
            $name,
            ".2)\n",
            "- [OpenBSD](https://man.openbsd.org/",
            $name,
            ".2)\n",
            "- [DragonFly](https://man.dragonflybsd.org/?command=",
            $name,
            "&section=2)\n",
            "- Linux (the emulation's building block): [",
            $linux,
            "](https://man7.org/linux/man-pages/man2/",
            $linux,
            ".2.html)\n",
        )
    };
}

mod event;
mod kqueue;
mod layout;
mod sys;

pub use event::{note, EvFlags, Filter, KEvent, RawFilter, RawFlags, VnodeEvents};
pub use kqueue::Kqueue;

pub use bsd_errno::{Errno, Result};
