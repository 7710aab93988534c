//! `Kqueue`: the event queue and its one call, `kevent`.

use crate::{sys, KEvent};
use bsd_errno::Result;
use core::time::Duration;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

/// A kernel event queue: `kqueue(2)`.
///
/// `Send + Sync`: [`kevent`](Kqueue::kevent) takes `&self` and may be
/// called from several threads at once (an event is delivered to exactly
/// one of them). The descriptor ([`AsFd`]) is close-on-exec and readable
/// while a zero-timeout `kevent` would return an event, so a `Kqueue` can
/// be nested in another event loop (`poll`, epoll, another kqueue).
/// Dropping it closes it and everything it holds.
///
/// A queue is not inherited by a child made with `fork(2)`: in the child,
/// every call fails with `EBADF` and nothing the child does touches the
/// parent's events.
///
/// # Platforms
/// The BSDs and Apple: the kernel's kqueue. Linux: an emulation over epoll,
/// timerfd, eventfd, pidfd, inotify and a signal recorder, with FreeBSD's
/// semantics and numbers; the descriptor is the epoll descriptor. See the
/// crate documentation for what the emulation does to the process.
#[doc = man_links!("kqueue", "epoll_create1")]
#[derive(Debug)]
pub struct Kqueue {
    inner: sys::Kqueue,
}

impl Kqueue {
    /// Creates a new, empty queue (Go's `syscall.Kqueue`).
    ///
    /// # Errors
    /// `EMFILE`/`ENFILE` when out of descriptors, `ENOMEM`.
    #[doc = man_links!("kqueue", "epoll_create1")]
    #[doc(alias = "kqueue")]
    pub fn new() -> Result<Kqueue> {
        Ok(Kqueue {
            inner: sys::Kqueue::new()?,
        })
    }

    /// Applies `changes` in order, then waits up to `timeout` for events
    /// and writes them into `events`; returns the number of entries
    /// written (Go's `syscall.Kevent`).
    ///
    /// - A change that fails, when `events` has room, writes an entry with
    ///   [`EvFlags::ERROR`](crate::EvFlags::ERROR) and the errno in `data`,
    ///   and processing goes on; with no room left the call fails with that
    ///   errno (the changes before it stay applied).
    /// - [`EvFlags::RECEIPT`](crate::EvFlags::RECEIPT) on a change always
    ///   writes such an entry (`data` 0 on success).
    /// - If any such entry was written, the call returns at once: pending
    ///   events come with the next call.
    /// - `timeout`: `None` blocks, `Some(Duration::ZERO)` polls. A timeout
    ///   too large to represent (`Duration::MAX`) blocks like `None`. An
    ///   empty `events` never waits. One call returns as many events as
    ///   `events` holds.
    ///
    /// # Platforms
    /// With no room left for a receipt, FreeBSD stops processing the
    /// remaining changes and returns; the Linux backend applies them all
    /// (only errors need room). Apple ORs `EV_ERROR` into the change's
    /// flags where FreeBSD and Linux replace them: test it as a bit.
    ///
    /// # Errors
    /// `EINTR` when a signal handler ran (the changes were applied);
    /// `EBADF`, `ENOENT`, `EINVAL`, `ESRCH`, … for a failing change when
    /// `events` has no room for its error entry; `EBADF` in a forked child.
    ///
    /// # Example
    /// ```
    /// use bsd_event::{KEvent, Kqueue};
    /// use std::time::Duration;
    ///
    /// let kq = Kqueue::new()?;
    /// let mut events = [KEvent::zeroed(); 4];
    /// // A registration error comes back as an entry, not as the result.
    /// let bad = KEvent::user(1).delete(); // no such knote
    /// let n = kq.kevent(&[bad], &mut events, Some(Duration::ZERO))?;
    /// assert_eq!(n, 1);
    /// assert_eq!(events[0].error(), Some(Err(bsd_errno::Errno::ENOENT)));
    /// # Ok::<(), bsd_errno::Errno>(())
    /// ```
    #[doc = man_links!("kevent", "epoll_wait")]
    #[doc(alias = "Kevent")]
    #[inline]
    pub fn kevent(&self, changes: &[KEvent], events: &mut [KEvent], timeout: Option<Duration>) -> Result<usize> {
        self.inner.kevent(changes, events, timeout)
    }

    /// Applies `changes` without collecting events: each failing change
    /// fails the call (the ones before it stay applied).
    ///
    /// # Errors
    /// The first failing change's errno.
    #[inline]
    pub fn register(&self, changes: &[KEvent]) -> Result<()> {
        self.inner.kevent(changes, &mut [], Some(Duration::ZERO)).map(|_| ())
    }

    /// Whether `EVFILT_READ` and `EVFILT_WRITE` events carry exact byte
    /// counts in `data` (the default: `true`).
    ///
    /// On Linux a pipe's or socket's count costs one `ioctl`
    /// (`FIONREAD`/`TIOCOUTQ`), which the emulation makes only when the
    /// program reads [`KEvent::data`](crate::KEvent::data) of the event:
    /// the count is the one at that moment (read it before reading from
    /// the descriptor or closing it; a closed descriptor counts 0). Turned
    /// off, `data` of such an event is 1 ("at least one byte"; like epoll,
    /// it can be stale if another thread read first) and reading it costs
    /// nothing. End of file, `NOTE_LOWAT` (always counted when the event
    /// is collected), listening sockets, regular files and every other
    /// filter are unaffected.
    ///
    /// # Platforms
    /// On the BSDs and Apple the kernel always fills `data` when the event
    /// is collected; this does nothing there.
    pub fn set_exact_data(&self, exact: bool) {
        self.inner.set_exact_data(exact);
    }

    /// Waits up to `timeout` for events (no changes): `kevent(&[], events,
    /// timeout)`.
    ///
    /// # Errors
    /// `EINTR` when a signal handler ran.
    #[inline]
    pub fn wait(&self, events: &mut [KEvent], timeout: Option<Duration>) -> Result<usize> {
        self.inner.kevent(&[], events, timeout)
    }
}

impl AsFd for Kqueue {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl AsRawFd for Kqueue {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_fd().as_raw_fd()
    }
}
