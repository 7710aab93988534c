//! EVFILT_READ and EVFILT_WRITE on regular files and directories, which
//! epoll refuses: evaluated on each collection (READ `data` is the size
//! minus the offset; WRITE is always ready), and a READ knote that is not
//! ready is woken by an inotify watch when the file changes.

use super::inotify::Inotify;
use super::kevent::Eval;
use super::kevent::{EVFILT_READ, NOTE_LOWAT};
use super::os::{self, Stat};
use bsd_errno::Result;
use std::os::fd::RawFd;

/// What a file READ/WRITE knote keeps: the file's identity, and the
/// inotify watch that wakes a READ knote (-1: none).
#[derive(Debug)]
pub(super) struct FileKnote {
    pub(super) dev: u64,
    pub(super) ino: u64,
    pub(super) wd: i32,
}

/// Watches the file `fd` (whose `fstat` is `s`) for knote `slot`.
pub(super) fn attach(inotify: &mut Inotify, fd: RawFd, filter: i16, slot: u32, s: &Stat) -> Result<FileKnote> {
    let wd = if filter == EVFILT_READ {
        inotify.watch(fd, slot)?
    } else {
        -1
    };
    Ok(FileKnote {
        dev: s.dev,
        ino: s.ino,
        wd,
    })
}

/// Stops watching for knote `slot`.
pub(super) fn detach(inotify: Option<&mut Inotify>, kn: &FileKnote, slot: u32) {
    if let Some(i) = inotify {
        i.unwatch(kn.wd, slot);
    }
}

/// Whether `fd` still names the file of the knote.
pub(super) fn same_file(kn: &FileKnote, fd: RawFd) -> bool {
    os::fstat(fd).is_ok_and(|s| (s.dev, s.ino) == (kn.dev, kn.ino))
}

pub(super) fn eval(kn: &FileKnote, fd: RawFd, filter: i16, sfflags: u32, sdata: i64) -> Eval {
    let Ok(s) = os::fstat(fd) else {
        return Eval::Stale;
    };
    if (s.dev, s.ino) != (kn.dev, kn.ino) {
        return Eval::Stale;
    }
    if filter != EVFILT_READ {
        return Eval::Ready {
            data: 0,
            fflags: 0,
            eof: false,
        };
    }
    let Ok(off) = os::offset(fd) else {
        return Eval::Stale;
    };
    let data = s.size.saturating_sub(off);
    let lowat = if sfflags & NOTE_LOWAT != 0 { sdata.max(1) } else { 1 };
    if data >= lowat {
        Eval::Ready {
            data,
            fflags: 0,
            eof: false,
        }
    } else {
        Eval::NotReady
    }
}
