//! The words of the Linux emulation: FreeBSD's `struct kevent` (without
//! `ext`), which `KEvent` wraps on Linux, and FreeBSD's flag and note
//! numbers, which the emulation uses as its public numbers.

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
pub(crate) const NOTE_EXIT: u32 = 0x8000_0000;
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

// On 64-bit Linux the layout is FreeBSD's (without `ext`); 32-bit Linux has
// no kernel structure to match (the emulation owns the type), so only the
// field types are fixed there.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(core::mem::size_of::<RawKevent>() == crate::layout::Os::Linux.kevent_shape().size);

#[inline]
pub(crate) fn make_kevent(ident: usize, filter: i16, flags: u16, fflags: u32, data: i64, udata: usize) -> RawKevent {
    RawKevent {
        ident,
        filter,
        flags,
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
    k.flags
}
#[inline]
pub(crate) fn fflags(k: &RawKevent) -> u32 {
    k.fflags
}
#[inline]
pub(crate) fn data(k: &RawKevent) -> i64 {
    k.data
}
#[inline]
pub(crate) fn udata(k: &RawKevent) -> usize {
    k.udata
}
#[inline]
pub(crate) fn set_flags(k: &mut RawKevent, v: u16) {
    k.flags = v;
}
#[inline]
pub(crate) fn set_fflags(k: &mut RawKevent, v: u32) {
    k.fflags = v;
}
#[inline]
pub(crate) fn set_data(k: &mut RawKevent, v: i64) {
    k.data = v;
}
#[inline]
pub(crate) fn set_udata(k: &mut RawKevent, v: usize) {
    k.udata = v;
}

/// Whether `filter` is one the emulation implements.
pub(super) fn known_filter(filter: i16) -> bool {
    matches!(
        filter,
        EVFILT_READ | EVFILT_WRITE | EVFILT_VNODE | EVFILT_PROC | EVFILT_SIGNAL | EVFILT_TIMER | EVFILT_USER
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
        ] {
            assert!(known_filter(f));
        }
        for f in [0, -3, -8, -9, -10, -12, i16::MIN, i16::MAX] {
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
}
