//! The words of the Linux emulation: FreeBSD's `struct kevent` (without
//! `ext`), which `KEvent` wraps on Linux, and FreeBSD's flag and note
//! numbers, which the emulation uses as its public numbers.
//!
//! # Byte counts taken when read
//! A READ or WRITE event on a pipe or socket carries its byte count
//! *unread*: a flag bit no accessor shows marks it, and [`data`] asks the
//! kernel (`FIONREAD`/`TIOCOUTQ`, one `ioctl`) when the program reads it.
//! A program that never looks at `data` pays nothing for it; one that
//! does gets the count at the moment it looks.

use super::os;

// FreeBSD's numbers, which the Linux emulation uses.
pub(crate) const EV_ADD: u16 = 0x0001;
pub(crate) const EV_DELETE: u16 = 0x0002;
pub(crate) const EV_ENABLE: u16 = 0x0004;
pub(crate) const EV_DISABLE: u16 = 0x0008;
pub(crate) const EV_ONESHOT: u16 = 0x0010;
pub(crate) const EV_CLEAR: u16 = 0x0020;
pub(crate) const EV_RECEIPT: u16 = 0x0040;
pub(crate) const EV_DISPATCH: u16 = 0x0080;
pub(crate) const EV_ERROR: u16 = 0x4000;
pub(crate) const EV_EOF: u16 = 0x8000;

pub(crate) const NOTE_TRIGGER: u32 = 0x0100_0000;
pub(crate) const NOTE_FFNOP: u32 = 0;
pub(crate) const NOTE_FFAND: u32 = 0x4000_0000;
pub(crate) const NOTE_FFOR: u32 = 0x8000_0000;
pub(crate) const NOTE_FFCOPY: u32 = 0xc000_0000;
pub(crate) const NOTE_FFCTRLMASK: u32 = 0xc000_0000;
pub(crate) const NOTE_FFLAGSMASK: u32 = 0x00ff_ffff;
pub(crate) const NOTE_LOWAT: u32 = 0x0001;
pub(crate) const NOTE_DELETE: u32 = 0x0001;
pub(crate) const NOTE_WRITE: u32 = 0x0002;
pub(crate) const NOTE_EXTEND: u32 = 0x0004;
pub(crate) const NOTE_ATTRIB: u32 = 0x0008;
pub(crate) const NOTE_LINK: u32 = 0x0010;
pub(crate) const NOTE_RENAME: u32 = 0x0020;
pub(crate) const NOTE_REVOKE: u32 = 0x0040;
// FreeBSD ≥ 11's access notes (sys/sys/event.h).
pub(crate) const NOTE_OPEN: u32 = 0x0080;
pub(crate) const NOTE_CLOSE: u32 = 0x0100;
pub(crate) const NOTE_CLOSE_WRITE: u32 = 0x0200;
pub(crate) const NOTE_READ: u32 = 0x0400;
pub(crate) const NOTE_EXIT: u32 = 0x8000_0000;
// FreeBSD's process lifecycle notes (sys/sys/event.h).
pub(crate) const NOTE_FORK: u32 = 0x4000_0000;
pub(crate) const NOTE_EXEC: u32 = 0x2000_0000;
pub(crate) const NOTE_TRACK: u32 = 0x0000_0001;
pub(crate) const NOTE_TRACKERR: u32 = 0x0000_0002;
pub(crate) const NOTE_CHILD: u32 = 0x0000_0004;
pub(crate) const NOTE_SECONDS: u32 = 0x0001;
pub(crate) const NOTE_MSECONDS: u32 = 0x0002;
pub(crate) const NOTE_USECONDS: u32 = 0x0004;
pub(crate) const NOTE_NSECONDS: u32 = 0x0008;
pub(crate) const NOTE_ABSTIME: u32 = 0x0010;

/// FreeBSD's filter numbers.
pub(crate) const EVFILT_READ: i16 = -1;
pub(crate) const EVFILT_WRITE: i16 = -2;
pub(crate) const EVFILT_VNODE: i16 = -4;
pub(crate) const EVFILT_PROC: i16 = -5;
pub(crate) const EVFILT_SIGNAL: i16 = -6;
pub(crate) const EVFILT_TIMER: i16 = -7;
pub(crate) const EVFILT_USER: i16 = -11;
/// FreeBSD's process-descriptor filter (sys/sys/event.h).
pub(crate) const EVFILT_PROCDESC: i16 = -8;

/// FreeBSD's `struct kevent` without `ext`: what `KEvent` wraps on Linux.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawKevent {
    pub(super) ident: usize,
    pub(super) filter: i16,
    pub(super) flags: u16,
    pub(super) fflags: u32,
    pub(super) data: i64,
    pub(super) udata: usize,
}

// On 64-bit Linux the layout is FreeBSD's (without `ext`). 32-bit Linux
// has no kernel structure to match (the emulation owns the type): there the
// fields keep their widths (`data` stays 64-bit), `ident` and `udata`
// shrink with the pointer, and the struct is never larger than FreeBSD's.
const _: () = {
    let size = core::mem::size_of::<RawKevent>();
    let shape = crate::layout::Os::Linux.kevent_shape().size;
    assert!(size <= shape);
    assert!(core::mem::size_of::<usize>() != 8 || size == shape);
};

/// The hidden flag of an event whose `data` is counted when read (never
/// returned by [`flags`], never accepted from the caller).
const COUNT_ON_READ: u16 = 0x0800;

/// What a count-on-read event counts, in the top bits of its `data` word
/// (the low 48 bits hold the buffer size for WRITE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Count {
    /// Bytes readable (FIONREAD).
    Readable,
    /// Room in a pipe of `cap` bytes (cap − FIONREAD).
    PipeRoom(i64),
    /// Room in a socket send buffer of `cap` bytes (cap − TIOCOUTQ).
    SocketRoom(i64),
}

const CAP_MASK: i64 = (1 << 48) - 1;

impl Count {
    fn encode(self) -> i64 {
        match self {
            Count::Readable => 0,
            Count::PipeRoom(cap) => (1 << 48) | (cap & CAP_MASK),
            Count::SocketRoom(cap) => (2 << 48) | (cap & CAP_MASK),
        }
    }

    fn decode(word: i64) -> Count {
        let cap = word & CAP_MASK;
        match word >> 48 {
            1 => Count::PipeRoom(cap),
            2 => Count::SocketRoom(cap),
            _ => Count::Readable,
        }
    }

    /// The count now, for descriptor `ident` (0 if it is closed).
    fn now(self, ident: usize) -> i64 {
        let Ok(fd) = os::raw_fd(ident) else {
            return 0;
        };
        match self {
            Count::Readable => os::ioctl_int(fd, libc::FIONREAD).unwrap_or(0),
            Count::PipeRoom(cap) => os::ioctl_int(fd, libc::FIONREAD).map_or(0, |q| (cap - q).max(0)),
            Count::SocketRoom(cap) => os::ioctl_int(fd, libc::TIOCOUTQ).map_or(0, |q| (cap - q).max(0)),
        }
    }
}

/// An event from the queue whose `data` is `count`, taken when read.
#[inline]
pub(super) fn counted_on_read(
    ident: usize,
    filter: i16,
    flags: u16,
    fflags: u32,
    count: Count,
    udata: usize,
) -> RawKevent {
    RawKevent {
        ident,
        filter,
        flags: flags | COUNT_ON_READ,
        fflags,
        data: count.encode(),
        udata,
    }
}

/// A change as the queue applies it: an event handed back as a change has
/// its count taken now.
#[inline]
pub(super) fn as_change(k: &RawKevent) -> RawKevent {
    let mut c = *k;
    if c.flags & COUNT_ON_READ != 0 {
        c.data = data(k);
        c.flags &= !COUNT_ON_READ;
    }
    c
}

#[inline]
pub(crate) fn make_kevent(ident: usize, filter: i16, flags: u16, fflags: u32, data: i64, udata: usize) -> RawKevent {
    RawKevent {
        ident,
        filter,
        flags: flags & !COUNT_ON_READ,
        fflags,
        data,
        udata,
    }
}

#[inline]
pub(crate) fn ident(k: &RawKevent) -> usize {
    k.ident
}
#[inline]
pub(crate) fn filter(k: &RawKevent) -> i16 {
    k.filter
}
#[inline]
pub(crate) fn flags(k: &RawKevent) -> u16 {
    k.flags & !COUNT_ON_READ
}
#[inline]
pub(crate) fn fflags(k: &RawKevent) -> u32 {
    k.fflags
}
#[inline]
pub(crate) fn data(k: &RawKevent) -> i64 {
    if k.flags & COUNT_ON_READ == 0 {
        k.data
    } else {
        Count::decode(k.data).now(k.ident)
    }
}
#[inline]
pub(crate) fn udata(k: &RawKevent) -> usize {
    k.udata
}
#[inline]
pub(crate) fn set_flags(k: &mut RawKevent, v: u16) {
    k.flags = (v & !COUNT_ON_READ) | (k.flags & COUNT_ON_READ);
}
#[inline]
pub(crate) fn set_fflags(k: &mut RawKevent, v: u32) {
    k.fflags = v;
}
#[inline]
pub(crate) fn set_data(k: &mut RawKevent, v: i64) {
    k.data = v;
    k.flags &= !COUNT_ON_READ;
}
#[inline]
pub(crate) fn set_udata(k: &mut RawKevent, v: usize) {
    k.udata = v;
}

/// What evaluating a knote found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Eval {
    Ready {
        data: i64,
        fflags: u32,
        eof: bool,
    },
    /// Ready, with `data` counted when the program reads it.
    ReadyCounted {
        count: Count,
        fflags: u32,
        eof: bool,
    },
    NotReady,
    /// Its descriptor was closed or now names another file: forget it.
    Stale,
}

/// Whether `filter` is one the emulation implements.
pub(super) fn known_filter(filter: i16) -> bool {
    matches!(
        filter,
        EVFILT_READ
            | EVFILT_WRITE
            | EVFILT_VNODE
            | EVFILT_PROC
            | EVFILT_SIGNAL
            | EVFILT_TIMER
            | EVFILT_USER
            | EVFILT_PROCDESC
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seven_filters_are_known_and_others_not() {
        for f in [
            EVFILT_READ,
            EVFILT_WRITE,
            EVFILT_VNODE,
            EVFILT_PROC,
            EVFILT_SIGNAL,
            EVFILT_TIMER,
            EVFILT_USER,
            EVFILT_PROCDESC,
        ] {
            assert!(known_filter(f));
        }
        for f in [0, -3, -9, -10, -12, i16::MIN, i16::MAX] {
            assert!(!known_filter(f));
        }
    }

    #[test]
    fn accessors_round_trip() {
        let mut k = make_kevent(usize::MAX, EVFILT_USER, EV_ADD, 7, i64::MIN, 9);
        assert_eq!(
            (ident(&k), filter(&k), flags(&k), fflags(&k), data(&k), udata(&k)),
            (usize::MAX, EVFILT_USER, EV_ADD, 7, i64::MIN, 9)
        );
        set_flags(&mut k, EV_EOF);
        set_fflags(&mut k, 1);
        set_data(&mut k, i64::MAX);
        set_udata(&mut k, 0);
        assert_eq!((flags(&k), fflags(&k), data(&k), udata(&k)), (EV_EOF, 1, i64::MAX, 0));
    }

    #[test]
    fn the_count_on_read_flag_never_shows_and_never_comes_in() {
        let k = make_kevent(3, EVFILT_READ, EV_ADD | COUNT_ON_READ, 0, 5, 0);
        assert_eq!(k.flags, EV_ADD, "not accepted from the caller");
        assert_eq!(data(&k), 5);
        let mut e = counted_on_read(usize::MAX, EVFILT_WRITE, EV_CLEAR, 0, Count::PipeRoom(4096), 1);
        assert_eq!(flags(&e), EV_CLEAR, "not shown");
        // The descriptor cannot exist: the count is 0, never a panic.
        assert_eq!(data(&e), 0);
        set_flags(&mut e, EV_DELETE);
        assert_eq!(flags(&e), EV_DELETE);
        assert_ne!(e.flags & COUNT_ON_READ, 0, "kept through set_flags");
        let c = as_change(&e);
        assert_eq!((c.flags, c.data), (EV_DELETE, 0));
        set_data(&mut e, 9);
        assert_eq!((flags(&e), data(&e)), (EV_DELETE, 9));
    }

    #[test]
    fn counts_round_trip_through_the_data_word() {
        for c in [
            Count::Readable,
            Count::PipeRoom(0),
            Count::PipeRoom(65536),
            Count::SocketRoom(CAP_MASK),
        ] {
            assert_eq!(Count::decode(c.encode()), c);
        }
    }
}
