//! EVFILT_VNODE over the kqueue's inotify instance: what an inotify record
//! means for a file's or a directory's knote.
//!
//! inotify reports less than a BSD vnode knote; the rest is derived with
//! `fstat`: a link-count change (IN_ATTRIB) is NOTE_LINK, or NOTE_DELETE
//! when it reaches zero (inotify's own IN_DELETE_SELF waits for the last
//! close, too late for a watcher holding the file open); a write that grew
//! the file adds NOTE_EXTEND.
//!
//! A directory's knote is about the directory only: inotify also reports
//! writes and attribute changes of the files *in* it (records that carry
//! the entry's name), which are left to those files' own knotes; entries
//! created, removed or renamed are the directory's NOTE_WRITE (with
//! NOTE_LINK for a subdirectory, whose `..` is a link to it). A removed
//! directory shows in its parent (inotify says nothing to a directory
//! removed while open), so a directory knote also watches its parent.
//!
//! The access notes come from inotify's access events, which a watch gets
//! only when a knote asks for them: IN_OPEN is NOTE_OPEN, IN_CLOSE_NOWRITE
//! NOTE_CLOSE, IN_CLOSE_WRITE NOTE_CLOSE_WRITE and IN_ACCESS NOTE_READ
//! (like FreeBSD's, a close note means the last reference of an open file
//! went, and a directory listed is read).
//!
//! As on FreeBSD, once a change matches any watched note the whole change
//! is reported (`if (sfflags & hint) fflags |= hint`).

use super::inotify::{Inotify, Record};
use super::kevent::{
    NOTE_ATTRIB, NOTE_CLOSE, NOTE_CLOSE_WRITE, NOTE_DELETE, NOTE_EXTEND, NOTE_LINK, NOTE_OPEN, NOTE_READ, NOTE_RENAME,
    NOTE_REVOKE, NOTE_WRITE,
};
use super::os;
use bsd_errno::{Errno, Result};
use std::os::fd::RawFd;

/// What a vnode knote keeps: its watch (and for a directory the watch on
/// its parent, -1 if none), the file's identity, and the size and link
/// count last seen.
#[derive(Debug)]
pub(super) struct VnodeKnote {
    wd: i32,
    pwd: i32,
    dev: u64,
    ino: u64,
    size: i64,
    nlink: u64,
    dir: bool,
}

/// The access notes and the inotify events that give them.
const ACCESS: [(u32, u32); 4] = [
    (NOTE_OPEN, libc::IN_OPEN),
    (NOTE_CLOSE, libc::IN_CLOSE_NOWRITE),
    (NOTE_CLOSE_WRITE, libc::IN_CLOSE_WRITE),
    (NOTE_READ, libc::IN_ACCESS),
];

/// The inotify access events a knote watching `fflags` needs.
pub(super) fn access_mask(fflags: u32) -> u32 {
    ACCESS
        .iter()
        .filter(|&&(note, _)| fflags & note != 0)
        .fold(0, |m, &(_, ev)| m | ev)
}

/// Watches the file or directory `fd` for knote `slot` watching `fflags`
/// (EINVAL for anything else: a pipe, a socket, a device).
pub(super) fn attach(inotify: &mut Inotify, fd: RawFd, slot: u32, fflags: u32) -> Result<VnodeKnote> {
    let s = os::fstat(fd)?;
    let reg = libc::S_IFREG;
    let dir = libc::S_IFDIR;
    let lnk = libc::S_IFLNK;
    if s.fmt != reg && s.fmt != dir && s.fmt != lnk {
        return Err(Errno::EINVAL);
    }
    let wd = inotify.watch_with(fd, slot, access_mask(fflags))?;
    let pwd = if s.fmt == dir {
        inotify.watch_parent(fd, slot).unwrap_or(-1)
    } else {
        -1
    };
    Ok(VnodeKnote {
        wd,
        pwd,
        dev: s.dev,
        ino: s.ino,
        size: s.size,
        nlink: s.nlink,
        dir: s.fmt == dir,
    })
}

/// A later EV_ADD asks for `fflags`: adds the access events they need to
/// the knote's watch.
pub(super) fn widen(inotify: &mut Inotify, kn: &mut VnodeKnote, ident: usize, slot: u32, fflags: u32) -> Result<()> {
    let extra = access_mask(fflags);
    if extra == 0 || kn.wd < 0 {
        // Nothing new to hear, or the file's watch is gone with the file.
        return Ok(());
    }
    let fd = os::raw_fd(ident)?;
    let wd = inotify.watch_with(fd, slot, extra)?;
    if wd != kn.wd {
        // The descriptor now names another file: the knote stays with the
        // file it watched (whose access events cannot be added any more).
        inotify.unwatch(wd, slot);
    }
    Ok(())
}

/// Stops watching for knote `slot`.
pub(super) fn detach(inotify: Option<&mut Inotify>, kn: &VnodeKnote, slot: u32) {
    if let Some(i) = inotify {
        i.unwatch(kn.wd, slot);
        i.unwatch(kn.pwd, slot);
    }
}

/// The notes one record means for knote `kn` on descriptor `ident`, and
/// whether the directory moved (its parent watch must follow).
pub(super) fn on_record(kn: &mut VnodeKnote, ident: usize, rec: Record) -> (u32, bool) {
    let from_parent = kn.pwd >= 0 && rec.wd == kn.pwd && rec.wd != kn.wd;
    let moved = !from_parent && kn.dir && rec.mask & libc::IN_MOVE_SELF != 0;
    if rec.mask & libc::IN_IGNORED != 0 {
        if from_parent {
            kn.pwd = -1;
        } else {
            kn.wd = -1;
        }
    }
    let now = i32::try_from(ident)
        .ok()
        .and_then(|fd| os::fstat(fd).ok())
        .filter(|s| (s.dev, s.ino) == (kn.dev, kn.ino))
        .map(|s| (s.size, s.nlink));
    let notes = if from_parent {
        // An entry of the parent went: was it this directory?
        let gone = libc::IN_DELETE | libc::IN_MOVED_FROM;
        match now {
            Some((_, 0)) if rec.mask & gone != 0 && rec.mask & libc::IN_ISDIR != 0 => NOTE_DELETE,
            _ => 0,
        }
    } else {
        notes_for(rec, kn.dir, (kn.size, kn.nlink), now)
    };
    if let Some(n) = now {
        (kn.size, kn.nlink) = n;
    }
    (notes, moved)
}

/// Moves a directory knote's parent watch to the directory's new parent.
pub(super) fn reparent(inotify: &mut Inotify, kn: &mut VnodeKnote, ident: usize, slot: u32) {
    inotify.unwatch(kn.pwd, slot);
    kn.pwd = os::raw_fd(ident)
        .ok()
        .and_then(|fd| inotify.watch_parent(fd, slot).ok())
        .unwrap_or(-1);
}

/// The vnode notes one record on the knote's own watch means for a file
/// (`dir` false) or a directory, given the `(size, nlink)` before and, if
/// the file could be examined, after.
pub(super) fn notes_for(rec: Record, dir: bool, before: (i64, u64), after: Option<(i64, u64)>) -> u32 {
    let mask = rec.mask;
    if rec.named {
        // About an entry of this directory.
        let entries = libc::IN_CREATE | libc::IN_DELETE | libc::IN_MOVED_FROM | libc::IN_MOVED_TO;
        if !dir || mask & entries == 0 {
            // A write to or chmod of a file inside: not the directory's.
            return 0;
        }
        return if mask & libc::IN_ISDIR != 0 {
            NOTE_WRITE | NOTE_LINK
        } else {
            NOTE_WRITE
        };
    }
    let mut n = 0;
    if mask & libc::IN_MODIFY != 0 {
        n |= NOTE_WRITE;
        if let Some((size, _)) = after {
            if size > before.0 {
                n |= NOTE_EXTEND;
            } else if size < before.0 {
                n |= NOTE_ATTRIB;
            }
        }
    }
    if mask & libc::IN_ATTRIB != 0 {
        n |= match after {
            Some((_, 0)) => NOTE_DELETE,
            Some((_, l)) if l != before.1 => NOTE_LINK,
            _ => NOTE_ATTRIB,
        };
    }
    if mask & libc::IN_DELETE_SELF != 0 {
        n |= NOTE_DELETE;
    }
    if mask & libc::IN_MOVE_SELF != 0 {
        n |= NOTE_RENAME;
    }
    if mask & libc::IN_UNMOUNT != 0 {
        n |= NOTE_REVOKE;
    }
    for (note, ev) in ACCESS {
        if mask & ev != 0 {
            n |= note;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(mask: u32) -> Record {
        Record {
            wd: 1,
            mask,
            named: false,
        }
    }

    fn entry(mask: u32) -> Record {
        Record {
            wd: 1,
            mask,
            named: true,
        }
    }

    #[test]
    fn maps_inotify_to_vnode_notes() {
        let b = (10, 1);
        assert_eq!(
            notes_for(own(libc::IN_MODIFY), false, b, Some((20, 1))),
            NOTE_WRITE | NOTE_EXTEND
        );
        assert_eq!(notes_for(own(libc::IN_MODIFY), false, b, Some((10, 1))), NOTE_WRITE);
        assert_eq!(
            notes_for(own(libc::IN_MODIFY), false, b, Some((0, 1))),
            NOTE_WRITE | NOTE_ATTRIB
        );
        assert_eq!(notes_for(own(libc::IN_ATTRIB), false, b, Some((10, 1))), NOTE_ATTRIB);
        assert_eq!(notes_for(own(libc::IN_ATTRIB), false, b, Some((10, 2))), NOTE_LINK);
        assert_eq!(notes_for(own(libc::IN_ATTRIB), false, b, Some((10, 0))), NOTE_DELETE);
        assert_eq!(notes_for(own(libc::IN_ATTRIB), false, b, None), NOTE_ATTRIB);
        assert_eq!(notes_for(own(libc::IN_MOVE_SELF), false, b, None), NOTE_RENAME);
        assert_eq!(notes_for(own(libc::IN_DELETE_SELF), false, b, None), NOTE_DELETE);
        assert_eq!(notes_for(own(libc::IN_UNMOUNT), false, b, None), NOTE_REVOKE);
        assert_eq!(notes_for(own(libc::IN_OPEN), false, b, None), NOTE_OPEN);
        assert_eq!(notes_for(own(libc::IN_CLOSE_NOWRITE), false, b, None), NOTE_CLOSE);
        assert_eq!(notes_for(own(libc::IN_CLOSE_WRITE), false, b, None), NOTE_CLOSE_WRITE);
        assert_eq!(notes_for(own(libc::IN_ACCESS), true, b, None), NOTE_READ);
        // A file inside a directory opened or read: not the directory's.
        assert_eq!(notes_for(entry(libc::IN_OPEN), true, b, None), 0);
        assert_eq!(notes_for(entry(libc::IN_ACCESS), true, b, None), 0);
    }

    #[test]
    fn access_events_only_when_asked() {
        assert_eq!(access_mask(NOTE_WRITE | NOTE_DELETE | NOTE_ATTRIB), 0);
        assert_eq!(access_mask(NOTE_OPEN), libc::IN_OPEN);
        assert_eq!(
            access_mask(NOTE_CLOSE | NOTE_CLOSE_WRITE | NOTE_READ | NOTE_WRITE),
            libc::IN_CLOSE_NOWRITE | libc::IN_CLOSE_WRITE | libc::IN_ACCESS
        );
    }

    #[test]
    fn a_directory_hears_only_about_itself_and_its_entries() {
        let b = (10, 2);
        assert_eq!(notes_for(entry(libc::IN_CREATE), true, b, None), NOTE_WRITE);
        assert_eq!(notes_for(entry(libc::IN_MOVED_TO), true, b, None), NOTE_WRITE);
        assert_eq!(
            notes_for(entry(libc::IN_CREATE | libc::IN_ISDIR), true, b, None),
            NOTE_WRITE | NOTE_LINK
        );
        // A file inside written, appended to or chmod-ed: nothing.
        assert_eq!(notes_for(entry(libc::IN_MODIFY), true, b, Some((10, 2))), 0);
        assert_eq!(notes_for(entry(libc::IN_ATTRIB), true, b, Some((10, 2))), 0);
        // Its own attributes.
        assert_eq!(notes_for(own(libc::IN_ATTRIB), true, b, Some((10, 2))), NOTE_ATTRIB);
        // A file's watch never carries names.
        assert_eq!(notes_for(entry(libc::IN_CREATE), false, b, None), 0);
    }
}
