//! The native backend: `kqueue(2)` and `kevent(2)` of FreeBSD, DragonFly,
//! NetBSD, OpenBSD and Apple, with the per-platform field types of
//! `struct kevent` absorbed here (the per-OS table of `docs/kqueue.md`).

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
// The process lifecycle notes (the same numbers on every BSD and Apple).
// Apple has no NOTE_TRACK, NOTE_TRACKERR or NOTE_CHILD: its
// filt_procattach answers ENOTSUP to them (xnu bsd/kern/kern_event.c).
#[cfg(not(target_vendor = "apple"))]
pub(crate) use libc::{NOTE_CHILD, NOTE_TRACK, NOTE_TRACKERR};
pub(crate) use libc::{NOTE_EXEC, NOTE_FORK};
#[cfg(any(target_os = "freebsd", target_os = "netbsd", target_vendor = "apple"))]
pub(crate) use libc::{NOTE_NSECONDS, NOTE_SECONDS, NOTE_USECONDS};

// OpenBSD's timer units, which `libc` does not bind: enumerated like
// NetBSD's (openbsd/src `sys/sys/event.h`, "additional flags for
// EVFILT_TIMER"; `filt_timervalidate` in `sys/kern/kern_event.c` rejects
// other bits with EINVAL).
#[cfg(target_os = "openbsd")]
pub(crate) const NOTE_MSECONDS: u32 = 0;
#[cfg(target_os = "openbsd")]
pub(crate) const NOTE_SECONDS: u32 = 1;
#[cfg(target_os = "openbsd")]
pub(crate) const NOTE_USECONDS: u32 = 2;
#[cfg(target_os = "openbsd")]
pub(crate) const NOTE_NSECONDS: u32 = 3;
#[cfg(target_os = "openbsd")]
pub(crate) const NOTE_ABSTIME: u32 = 0x10;

// The layout `libc` gives `struct kevent` must be the kernel's, on every
// target, 32-bit included: the shape is computed in `layout.rs` from each
// platform's `sys/event.h` field types and this target's pointer width and
// 64-bit alignment (FreeBSD >= 12: `ext[4]`, 64 bytes on LP64 and 56 on
// i386; NetBSD: `u32` filter and flags; DragonFly and Apple: `intptr_t`
// data). Offsets, widths, size and alignment are all checked.
const _: () = {
    use core::mem::{align_of, offset_of, size_of, MaybeUninit};
    const fn width<T>(_: *const T) -> usize {
        size_of::<T>()
    }
    let s = crate::layout::Os::HOST.kevent_shape();
    assert!(size_of::<libc::kevent>() == s.size, "struct kevent: size");
    assert!(align_of::<libc::kevent>() == s.align, "struct kevent: alignment");
    assert!(offset_of!(libc::kevent, ident) == s.ident.offset);
    assert!(offset_of!(libc::kevent, filter) == s.filter.offset);
    assert!(offset_of!(libc::kevent, flags) == s.flags.offset);
    assert!(offset_of!(libc::kevent, fflags) == s.fflags.offset);
    assert!(offset_of!(libc::kevent, data) == s.data.offset);
    assert!(offset_of!(libc::kevent, udata) == s.udata.offset);
    let k = MaybeUninit::<libc::kevent>::uninit();
    let p = k.as_ptr();
    // SAFETY: `addr_of!` only computes the addresses of the fields of a
    // live (if uninitialised) local; nothing is read.
    let w = unsafe {
        [
            width(core::ptr::addr_of!((*p).ident)),
            width(core::ptr::addr_of!((*p).filter)),
            width(core::ptr::addr_of!((*p).flags)),
            width(core::ptr::addr_of!((*p).fflags)),
            width(core::ptr::addr_of!((*p).data)),
            width(core::ptr::addr_of!((*p).udata)),
        ]
    };
    assert!(w[0] == s.ident.bytes && w[1] == s.filter.bytes && w[2] == s.flags.bytes);
    assert!(w[3] == s.fflags.bytes && w[4] == s.data.bytes && w[5] == s.udata.bytes);
    #[cfg(target_os = "freebsd")]
    {
        let ext = match s.ext {
            Some(e) => e,
            None => panic!("FreeBSD's struct kevent has ext"),
        };
        assert!(offset_of!(libc::kevent, ext) == ext.offset);
        // SAFETY: as above, an address only.
        assert!(width(unsafe { core::ptr::addr_of!((*p).ext) }) == ext.bytes);
    }
    #[cfg(not(target_os = "freebsd"))]
    assert!(s.ext.is_none());
};

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

/// Whether change `c` adds (or re-adds) a timer.
#[cfg(any(target_os = "netbsd", target_vendor = "apple"))]
fn is_timer_add(c: &crate::KEvent) -> bool {
    filter(&c.0) == libc::EVFILT_TIMER && flags(&c.0) & EV_ADD != 0
}

/// The changes as the kernel must see them, when they differ.
///
/// Apple: a timer added with a negative period is EINVAL here, before the
/// call. xnu's `filt_timervalidate` (apple-oss-distributions/xnu
/// `bsd/kern/kern_event.c`) lets it fire once at once instead; FreeBSD and
/// the Linux backend reject it, so every platform behaves the same.
#[cfg(target_vendor = "apple")]
fn prepare(changes: &[crate::KEvent]) -> Result<Option<Vec<crate::KEvent>>> {
    if changes.iter().any(|c| is_timer_add(c) && data(&c.0) < 0) {
        return Err(Errno::EINVAL);
    }
    Ok(None)
}

/// The changes as the kernel must see them, when they differ.
///
/// NetBSD before 10 reads every timer period as milliseconds and ignores
/// `fflags` (see `layout::NETBSD_TIMER_UNITS_OSREV`): on such a kernel each
/// timer registration is rewritten to milliseconds (deadlines to the time
/// left, one-shot), and what NetBSD 10 would reject is EINVAL here.
#[cfg(target_os = "netbsd")]
fn prepare(changes: &[crate::KEvent]) -> Result<Option<Vec<crate::KEvent>>> {
    if !changes.iter().any(is_timer_add) || !netbsd_legacy_timers() {
        return Ok(None);
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let mut out = changes.to_vec();
    for c in out.iter_mut().filter(|c| is_timer_add(c)) {
        let (ms, once) = crate::layout::netbsd_legacy_timer(fflags(&c.0), data(&c.0), now).ok_or(Errno::EINVAL)?;
        set_fflags(&mut c.0, 0);
        set_data(&mut c.0, ms);
        if once {
            let f = flags(&c.0) | EV_ONESHOT;
            set_flags(&mut c.0, f);
        }
    }
    Ok(Some(out))
}

/// The changes go to the kernel as they are.
#[cfg(not(any(target_os = "netbsd", target_vendor = "apple")))]
#[inline(always)]
fn prepare(_changes: &[crate::KEvent]) -> Result<Option<Vec<crate::KEvent>>> {
    Ok(None)
}

/// Whether the running NetBSD kernel predates timer units
/// (`kern.osrevision` < 1000000000). Read once with `sysctl(3)`, then
/// cached; if it cannot be read, the old rules (milliseconds, which every
/// NetBSD understands) are assumed.
#[cfg(target_os = "netbsd")]
fn netbsd_legacy_timers() -> bool {
    use core::sync::atomic::{AtomicU8, Ordering};
    const UNKNOWN: u8 = 0;
    const LEGACY: u8 = 1;
    const UNITS: u8 = 2;
    static STATE: AtomicU8 = AtomicU8::new(UNKNOWN);
    match STATE.load(Ordering::Relaxed) {
        LEGACY => return true,
        UNITS => return false,
        _ => {}
    }
    let mib = [libc::CTL_KERN, libc::KERN_OSREV];
    let mut rev: libc::c_int = 0;
    let mut len = core::mem::size_of::<libc::c_int>();
    // SAFETY: a two-level name, and an output buffer of `len` bytes that
    // lives for the call; nothing is written to the kernel.
    let rc = unsafe {
        libc::sysctl(
            mib.as_ptr(),
            2,
            (&mut rev as *mut libc::c_int).cast(),
            &mut len,
            core::ptr::null(),
            0,
        )
    };
    let legacy = rc != 0 || len != core::mem::size_of::<libc::c_int>() || rev < crate::layout::NETBSD_TIMER_UNITS_OSREV;
    STATE.store(if legacy { LEGACY } else { UNITS }, Ordering::Relaxed);
    legacy
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
        let prepared = prepare(changes)?;
        let changes = prepared.as_deref().unwrap_or(changes);
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
