//! The native backend: `kqueue(2)` and `kevent(2)` of FreeBSD, DragonFly,
//! NetBSD, OpenBSD and Apple, with the per-platform field types of
//! `struct kevent` absorbed here (KQUEUE.md, "Per-OS differences").

use crate::event::{RawFilter, RawFlags};
use bsd_errno::{check, Errno, Result};
use core::time::Duration;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// The kernel's `struct kevent`, which `KEvent` wraps transparently.
pub(crate) type RawKevent = libc::kevent;

pub(crate) use libc::{
    EV_ADD, EV_CLEAR, EV_DELETE, EV_DISABLE, EV_DISPATCH, EV_ENABLE, EV_EOF, EV_ERROR, EV_ONESHOT, EV_RECEIPT,
};
#[cfg(any(target_os = "freebsd", target_os = "netbsd"))]
pub(crate) use libc::{NOTE_ABSTIME, NOTE_MSECONDS};
pub(crate) use libc::{
    NOTE_ATTRIB, NOTE_DELETE, NOTE_EXIT, NOTE_EXTEND, NOTE_FFAND, NOTE_FFCOPY, NOTE_FFCTRLMASK, NOTE_FFLAGSMASK,
    NOTE_FFNOP, NOTE_FFOR, NOTE_LINK, NOTE_LOWAT, NOTE_RENAME, NOTE_REVOKE, NOTE_TRIGGER, NOTE_WRITE,
};
#[cfg(any(target_os = "freebsd", target_os = "netbsd", target_vendor = "apple"))]
pub(crate) use libc::{NOTE_NSECONDS, NOTE_SECONDS, NOTE_USECONDS};

// EVFILT_VNODE's access notes: FreeBSD ≥ 11 and NetBSD ≥ 10 (both
// sys/sys/event.h: NOTE_OPEN 0x80, NOTE_CLOSE 0x100, NOTE_CLOSE_WRITE
// 0x200, NOTE_READ 0x400). `libc` names them for FreeBSD only. DragonFly,
// OpenBSD and Apple have none of them (OpenBSD's 0x80 is NOTE_TRUNCATE,
// Apple's 0x80 NOTE_NONE and 0x100 NOTE_FUNLOCK).
// EVFILT_PROCDESC: FreeBSD only (sys/sys/event.h, -8).
#[cfg(target_os = "freebsd")]
pub(crate) use libc::EVFILT_PROCDESC;
#[cfg(target_os = "freebsd")]
pub(crate) use libc::{NOTE_CLOSE, NOTE_CLOSE_WRITE, NOTE_OPEN, NOTE_READ};
#[cfg(target_os = "netbsd")]
pub(crate) const NOTE_OPEN: u32 = 0x0080;
#[cfg(target_os = "netbsd")]
pub(crate) const NOTE_CLOSE: u32 = 0x0100;
#[cfg(target_os = "netbsd")]
pub(crate) const NOTE_CLOSE_WRITE: u32 = 0x0200;
#[cfg(target_os = "netbsd")]
pub(crate) const NOTE_READ: u32 = 0x0400;

// The shape `libc` gives `struct kevent` must be the kernel's (KQUEUE.md):
// FreeBSD ≥ 12 has `ext[4]` (64 bytes), NetBSD a `u32` filter and flags
// (40 bytes), the others 32 bytes on 64-bit targets.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(
    core::mem::size_of::<libc::kevent>() == crate::layout::Os::HOST.kevent_shape().size,
    "libc's struct kevent does not match this platform's kernel layout"
);
// On 32-bit targets `ident` and `udata` shrink to 4 bytes and `data` stays
// 8, so the struct is never larger than its 64-bit shape.
#[cfg(not(target_pointer_width = "64"))]
const _: () = assert!(
    core::mem::size_of::<libc::kevent>() <= crate::layout::Os::HOST.kevent_shape().size,
    "libc's struct kevent is larger than this platform's 64-bit kernel layout"
);

/// A `struct kevent` with the given fields (and FreeBSD's `ext` zeroed).
#[inline]
pub(crate) fn make_kevent(
    ident: usize,
    filter: RawFilter,
    flags: RawFlags,
    fflags: u32,
    data: i64,
    udata: usize,
) -> RawKevent {
    // SAFETY: struct kevent is plain data (integers and a pointer that is
    // never dereferenced); all-zero bytes are a valid value.
    let mut k: libc::kevent = unsafe { core::mem::zeroed() };
    k.ident = ident;
    k.filter = filter;
    k.flags = flags;
    k.fflags = fflags;
    set_data(&mut k, data);
    set_udata(&mut k, udata);
    k
}

#[inline]
pub(crate) fn ident(k: &RawKevent) -> usize {
    k.ident
}

#[inline]
pub(crate) fn filter(k: &RawKevent) -> RawFilter {
    k.filter
}

#[inline]
pub(crate) fn flags(k: &RawKevent) -> RawFlags {
    k.flags
}

#[inline]
pub(crate) fn fflags(k: &RawKevent) -> u32 {
    k.fflags
}

/// `data` is `i64` on FreeBSD ≥ 12, NetBSD and OpenBSD, `intptr_t` on
/// DragonFly and Apple.
#[inline]
pub(crate) fn data(k: &RawKevent) -> i64 {
    #[cfg(any(target_os = "dragonfly", target_vendor = "apple"))]
    {
        k.data as i64
    }
    #[cfg(not(any(target_os = "dragonfly", target_vendor = "apple")))]
    {
        k.data
    }
}

/// `udata` is a pointer (an `intptr_t` before NetBSD 10: the same word).
#[inline]
pub(crate) fn udata(k: &RawKevent) -> usize {
    k.udata as usize
}

#[inline]
pub(crate) fn set_flags(k: &mut RawKevent, flags: RawFlags) {
    k.flags = flags;
}

#[inline]
pub(crate) fn set_fflags(k: &mut RawKevent, fflags: u32) {
    k.fflags = fflags;
}

#[inline]
pub(crate) fn set_data(k: &mut RawKevent, data: i64) {
    #[cfg(any(target_os = "dragonfly", target_vendor = "apple"))]
    {
        k.data = data.clamp(libc::intptr_t::MIN as i64, libc::intptr_t::MAX as i64) as libc::intptr_t;
    }
    #[cfg(not(any(target_os = "dragonfly", target_vendor = "apple")))]
    {
        k.data = data;
    }
}

#[inline]
pub(crate) fn set_udata(k: &mut RawKevent, udata: usize) {
    // An opaque word the kernel hands back; never dereferenced.
    k.udata = udata as *mut libc::c_void;
}

/// The native kqueue: a descriptor, nothing else.
#[derive(Debug)]
pub(crate) struct Kqueue {
    fd: OwnedFd,
}

/// The count type of `kevent(2)`: `size_t` on NetBSD, `int` elsewhere.
#[cfg(target_os = "netbsd")]
type Count = libc::size_t;
#[cfg(not(target_os = "netbsd"))]
type Count = libc::c_int;

impl Kqueue {
    pub(crate) fn new() -> Result<Kqueue> {
        #[cfg(target_os = "netbsd")]
        {
            // SAFETY: kqueue1 takes no pointers.
            let fd = check(unsafe { libc::kqueue1(libc::O_CLOEXEC) })?;
            // SAFETY: a fresh descriptor, owned by nobody else.
            Ok(Kqueue {
                fd: unsafe { OwnedFd::from_raw_fd(fd) },
            })
        }
        #[cfg(not(target_os = "netbsd"))]
        {
            // SAFETY: kqueue takes no arguments.
            let fd = check(unsafe { libc::kqueue() })?;
            // SAFETY: a fresh descriptor, owned by nobody else.
            let fd = unsafe { OwnedFd::from_raw_fd(fd) };
            // No kqueue1 here: set close-on-exec right after (a concurrent
            // fork+exec in another thread could still inherit it).
            // SAFETY: fcntl on a descriptor we own.
            check(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) })?;
            Ok(Kqueue { fd })
        }
    }

    pub(crate) fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// The kernel always counts `data`: nothing to turn off.
    pub(crate) fn set_exact_data(&self, _exact: bool) {}

    #[inline]
    pub(crate) fn kevent(
        &self,
        changes: &[crate::KEvent],
        events: &mut [crate::KEvent],
        timeout: Option<Duration>,
    ) -> Result<usize> {
        let nchanges = Count::try_from(changes.len()).map_err(|_| Errno::EINVAL)?;
        let nevents = Count::try_from(events.len()).map_err(|_| Errno::EINVAL)?;
        let ts = timeout.map(|t| libc::timespec {
            tv_sec: libc::time_t::try_from(t.as_secs()).unwrap_or(libc::time_t::MAX),
            // Below one billion: fits every platform's c_long.
            tv_nsec: t.subsec_nanos() as libc::c_long,
        });
        let tsp = ts.as_ref().map_or(core::ptr::null(), |t| t as *const libc::timespec);
        // SAFETY: KEvent is #[repr(transparent)] over struct kevent, so the
        // slices are arrays of struct kevent of the lengths passed; the
        // kernel reads `changes`, writes at most `nevents` entries of
        // `events`, and reads the timespec, all alive for the call.
        let n = check(unsafe {
            libc::kevent(
                self.fd.as_raw_fd(),
                changes.as_ptr().cast::<libc::kevent>(),
                nchanges,
                events.as_mut_ptr().cast::<libc::kevent>(),
                nevents,
                tsp,
            )
        })?;
        // Non-negative after check, and at most nevents.
        Ok(n as usize)
    }
}
