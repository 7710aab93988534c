//! EVFILT_USER: entirely in the table. A trigger from another thread
//! queues the knote and wakes a waiting thread through the kqueue's own
//! eventfd (only when some thread is waiting).

use super::kevent::{NOTE_FFAND, NOTE_FFCOPY, NOTE_FFCTRLMASK, NOTE_FFLAGSMASK, NOTE_FFNOP, NOTE_FFOR, NOTE_TRIGGER};

/// What a user knote keeps: whether it was triggered.
#[derive(Debug)]
pub(super) struct UserKnote {
    pub(super) triggered: bool,
}

/// Applies a change's `fflags` to the user flags `cur`: the operation on
/// the low 24 bits, and whether it triggers.
pub(super) fn apply(cur: u32, fflags: u32) -> (u32, bool) {
    let bits = fflags & NOTE_FFLAGSMASK;
    let new = match fflags & NOTE_FFCTRLMASK {
        NOTE_FFAND => cur & bits,
        NOTE_FFOR => cur | bits,
        NOTE_FFCOPY => bits,
        NOTE_FFNOP => cur,
        _ => cur,
    };
    (new, fflags & NOTE_TRIGGER != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fflag_operations() {
        assert_eq!(apply(0b1010, NOTE_FFNOP | 0b0110), (0b1010, false));
        assert_eq!(apply(0b1010, NOTE_FFAND | 0b0110), (0b0010, false));
        assert_eq!(apply(0b1010, NOTE_FFOR | 0b0110), (0b1110, false));
        assert_eq!(apply(0b1010, NOTE_FFCOPY | 0b0110 | NOTE_TRIGGER), (0b0110, true));
        // Bits above the 24 user bits never leak into the user flags.
        assert_eq!(apply(0, NOTE_FFCOPY | 0x00ff_ffff | 0x0200_0000), (0x00ff_ffff, false));
    }
}
