//! EVFILT_VNODE over inotify (and the wake-ups of READ knotes on regular
//! files).
//!
//! One inotify descriptor per kqueue, created at the first watch and put
//! in its epoll. A knote's descriptor is watched through
//! `/proc/self/fd/N`, which resolves to the open file itself (even if it
//! was renamed or unlinked). Every watch uses the same mask, so knotes on
//! the same file share one watch descriptor.
//!
//! inotify reports less than a BSD vnode knote; the rest is derived with
//! `fstat`: a link-count change (IN_ATTRIB) is NOTE_LINK, or NOTE_DELETE
//! when it reaches zero (inotify's own IN_DELETE_SELF waits for the last
//! close, too late for a watcher holding the file open); a write that grew
//! the file adds NOTE_EXTEND.

use super::table::{encode, Kind, State, SPECIAL_INOTIFY, TAG_SPECIAL};
use super::{epoll_ctl, NOTE_ATTRIB, NOTE_DELETE, NOTE_EXTEND, NOTE_LINK, NOTE_RENAME, NOTE_REVOKE, NOTE_WRITE};
use bsd_errno::{check, Errno, Result};
use std::collections::HashMap;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// The events every watch asks for.
const MASK: u32 = libc::IN_MODIFY
    | libc::IN_ATTRIB
    | libc::IN_DELETE_SELF
    | libc::IN_MOVE_SELF
    | libc::IN_CREATE
    | libc::IN_DELETE
    | libc::IN_MOVED_FROM
    | libc::IN_MOVED_TO;

/// A kqueue's inotify instance and who listens to each watch.
#[derive(Debug)]
pub(super) struct Inotify {
    fd: OwnedFd,
    watchers: HashMap<i32, Vec<u32>>,
}

/// `/proc/self/fd/<fd>` as a NUL-terminated string in a stack buffer.
fn proc_path(fd: RawFd, buf: &mut [u8; 32]) -> &[u8] {
    let prefix = b"/proc/self/fd/";
    buf[..prefix.len()].copy_from_slice(prefix);
    let mut digits = [0u8; 12];
    let mut n = fd.unsigned_abs();
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let d = &digits[i..];
    let end = prefix.len() + d.len();
    buf[prefix.len()..end].copy_from_slice(d);
    buf[end] = 0;
    &buf[..=end]
}

/// Watches the file open as `fd`; returns the watch descriptor.
pub(super) fn watch(st: &mut State, ep: RawFd, fd: RawFd) -> Result<i32> {
    if st.inotify.is_none() {
        // SAFETY: inotify_init1 takes no pointers.
        let ifd = check(unsafe { libc::inotify_init1(libc::IN_CLOEXEC | libc::IN_NONBLOCK) })?;
        // SAFETY: a fresh descriptor, owned by nobody else.
        let ifd = unsafe { OwnedFd::from_raw_fd(ifd) };
        let ev = (libc::EPOLLIN | libc::EPOLLET) as u32;
        epoll_ctl(
            ep,
            libc::EPOLL_CTL_ADD,
            ifd.as_raw_fd(),
            ev,
            encode(TAG_SPECIAL, SPECIAL_INOTIFY, 0),
        )?;
        st.inotify = Some(Inotify {
            fd: ifd,
            watchers: HashMap::new(),
        });
    }
    let ino = st.inotify.as_ref().ok_or(Errno::EINVAL)?;
    let mut buf = [0u8; 32];
    let path = proc_path(fd, &mut buf);
    // SAFETY: `path` is NUL-terminated and lives for the call.
    let wd = check(unsafe { libc::inotify_add_watch(ino.fd.as_raw_fd(), path.as_ptr().cast(), MASK) });
    // /proc/self/fd/N of a closed descriptor does not exist.
    wd.map_err(|e| if e == Errno::ENOENT { Errno::EBADF } else { e })
}

/// Watches the parent directory of the directory open as `fd` (through
/// `/proc/self/fd/N/..`); the inotify instance must exist.
pub(super) fn watch_parent(st: &mut State, fd: RawFd) -> Result<i32> {
    let ino = st.inotify.as_ref().ok_or(Errno::EINVAL)?;
    let mut buf = [0u8; 32];
    let len = proc_path(fd, &mut buf).len() - 1;
    let mut path = [0u8; 40];
    path[..len].copy_from_slice(&buf[..len]);
    path[len..len + 4].copy_from_slice(b"/..\0");
    // SAFETY: `path` is NUL-terminated and lives for the call.
    check(unsafe { libc::inotify_add_watch(ino.fd.as_raw_fd(), path.as_ptr().cast(), MASK) })
}

pub(super) fn add_watcher(st: &mut State, wd: i32, slot: u32) {
    if let Some(ino) = st.inotify.as_mut() {
        ino.watchers.entry(wd).or_default().push(slot);
    }
}

/// Stops `slot` listening to watch `wd`; the last listener removes it.
pub(super) fn unwatch(st: &mut State, wd: i32, slot: u32) {
    if wd < 0 {
        return;
    }
    let Some(ino) = st.inotify.as_mut() else {
        return;
    };
    if let Some(list) = ino.watchers.get_mut(&wd) {
        list.retain(|&s| s != slot);
        if list.is_empty() {
            ino.watchers.remove(&wd);
            // SAFETY: removing a watch of our own inotify descriptor; an
            // already-removed watch fails harmlessly with EINVAL.
            unsafe { libc::inotify_rm_watch(ino.fd.as_raw_fd(), wd) };
        }
    }
}

/// Reads every pending inotify event and updates the knotes.
pub(super) fn drain(st: &mut State) {
    // Aligned for struct inotify_event.
    let mut buf = [0u64; 512];
    loop {
        let Some(ifd) = st.inotify.as_ref().map(|i| i.fd.as_raw_fd()) else {
            return;
        };
        // SAFETY: reading into a live buffer of the given size.
        let n = unsafe { libc::read(ifd, buf.as_mut_ptr().cast(), core::mem::size_of_val(&buf)) };
        let Ok(n) = usize::try_from(n) else {
            return; // EAGAIN: drained
        };
        if n == 0 {
            return;
        }
        // SAFETY: viewing the filled part of the u64 buffer as bytes.
        let bytes = unsafe { core::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) };
        for (wd, mask) in parse_events(bytes) {
            on_event(st, wd, mask);
        }
    }
}

fn on_event(st: &mut State, wd: i32, mask: u32) {
    if mask & libc::IN_Q_OVERFLOW != 0 {
        // Events were lost: re-evaluate every file knote.
        let all: Vec<u32> = st
            .inotify
            .as_ref()
            .map(|i| i.watchers.values().flatten().copied().collect())
            .unwrap_or_default();
        for slot in all {
            if matches!(st.knote(slot).map(|k| &k.kind), Some(Kind::File { .. })) {
                st.enqueue(slot);
            }
        }
        return;
    }
    let count = st
        .inotify
        .as_ref()
        .and_then(|i| i.watchers.get(&wd))
        .map_or(0, Vec::len);
    // By index, without copying the list: nothing below changes it (a
    // moved directory's new parent watch is added after the loop).
    let mut moved_dir = None;
    for i in 0..count {
        let Some(slot) = st
            .inotify
            .as_ref()
            .and_then(|n| n.watchers.get(&wd))
            .and_then(|v| v.get(i).copied())
        else {
            break;
        };
        let Some(kn) = st.knote(slot) else {
            continue;
        };
        let enabled = kn.enabled;
        let ident = kn.ident;
        let interest = kn.sfflags;
        match &mut kn.kind {
            Kind::File { wd: w, .. } => {
                if mask & libc::IN_IGNORED != 0 {
                    *w = -1;
                }
                if enabled {
                    st.enqueue(slot);
                }
            }
            Kind::Vnode {
                wd: w,
                pwd,
                dev,
                ino,
                size,
                nlink,
                dir,
            } => {
                let from_parent = *pwd >= 0 && wd == *pwd && wd != *w;
                if !from_parent && *dir && mask & libc::IN_MOVE_SELF != 0 {
                    // Its removal now shows in another parent.
                    moved_dir = Some((slot, *pwd, ident));
                }
                if mask & libc::IN_IGNORED != 0 {
                    if from_parent {
                        *pwd = -1;
                    } else {
                        *w = -1;
                    }
                }
                let now = i32::try_from(ident)
                    .ok()
                    .and_then(|fd| super::fd::fstat(fd).ok())
                    .filter(|s| (s.st_dev, s.st_ino) == (*dev, *ino))
                    .map(|s| (s.st_size, s.st_nlink));
                let notes = if from_parent {
                    // An entry of the parent went: was it this directory?
                    let gone = libc::IN_DELETE | libc::IN_MOVED_FROM;
                    match now {
                        Some((_, 0)) if mask & gone != 0 && mask & libc::IN_ISDIR != 0 => NOTE_DELETE,
                        _ => 0,
                    }
                } else {
                    notes_for(mask, *dir, (*size, *nlink), now)
                };
                if let Some(n) = now {
                    (*size, *nlink) = n;
                }
                let hit = notes & interest;
                if hit != 0 {
                    kn.fflags |= hit;
                    if enabled {
                        st.enqueue(slot);
                    }
                }
            }
            _ => {}
        }
    }
    if let Some((slot, old, ident)) = moved_dir {
        reparent(st, slot, old, ident);
    }
    if mask & libc::IN_IGNORED != 0 {
        if let Some(i) = st.inotify.as_mut() {
            i.watchers.remove(&wd);
        }
    }
}

/// Moves a directory knote's parent watch to the directory's new parent.
fn reparent(st: &mut State, slot: u32, old: i32, ident: usize) {
    unwatch(st, old, slot);
    let new = i32::try_from(ident)
        .ok()
        .and_then(|fd| watch_parent(st, fd).ok())
        .unwrap_or(-1);
    if new >= 0 {
        add_watcher(st, new, slot);
    }
    if let Some(kn) = st.knote(slot) {
        if let Kind::Vnode { pwd, .. } = &mut kn.kind {
            *pwd = new;
        }
    }
}

/// The `(wd, mask)` of each `struct inotify_event` in `bytes` (what the
/// kernel writes: `i32 wd, u32 mask, u32 cookie, u32 len, name[len]`).
/// A truncated record ends the walk.
pub(super) fn parse_events(bytes: &[u8]) -> impl Iterator<Item = (i32, u32)> + '_ {
    let mut off = 0usize;
    core::iter::from_fn(move || {
        let head = bytes.get(off..off.checked_add(16)?)?;
        let wd = i32::from_ne_bytes(head.get(0..4)?.try_into().ok()?);
        let mask = u32::from_ne_bytes(head.get(4..8)?.try_into().ok()?);
        let len = u32::from_ne_bytes(head.get(12..16)?.try_into().ok()?) as usize;
        let next = off.checked_add(16)?.checked_add(len)?;
        if next > bytes.len() {
            return None;
        }
        off = next;
        Some((wd, mask))
    })
}

/// The vnode notes one inotify event means for a file (`dir` false) or a
/// directory, given the `(size, nlink)` before and, if the file could be
/// examined, after.
pub(super) fn notes_for(mask: u32, dir: bool, before: (i64, u64), after: Option<(i64, u64)>) -> u32 {
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
    let entries = libc::IN_CREATE | libc::IN_DELETE | libc::IN_MOVED_FROM | libc::IN_MOVED_TO;
    if dir && mask & entries != 0 {
        n |= NOTE_WRITE;
        if mask & libc::IN_ISDIR != 0 {
            // A subdirectory's ".." changes this directory's link count.
            n |= NOTE_LINK;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(wd: i32, mask: u32, name: &[u8]) -> Vec<u8> {
        let len = name.len().div_ceil(16) * 16;
        let mut v = Vec::new();
        v.extend_from_slice(&wd.to_ne_bytes());
        v.extend_from_slice(&mask.to_ne_bytes());
        v.extend_from_slice(&0u32.to_ne_bytes());
        v.extend_from_slice(&(len as u32).to_ne_bytes());
        v.extend_from_slice(name);
        v.resize(16 + len, 0);
        v
    }

    #[test]
    fn parses_kernel_records() {
        let mut b = record(1, libc::IN_MODIFY, b"");
        b.extend(record(2, libc::IN_CREATE, b"new-file"));
        b.extend(record(1, libc::IN_ATTRIB, b""));
        let got: Vec<_> = parse_events(&b).collect();
        assert_eq!(got, [(1, libc::IN_MODIFY), (2, libc::IN_CREATE), (1, libc::IN_ATTRIB)]);
        // A truncated record stops the walk instead of reading past the end.
        let cut = &b[..b.len() - 4];
        assert_eq!(parse_events(cut).count(), 2);
        let mut bad = record(3, libc::IN_MODIFY, b"x");
        bad[12..16].copy_from_slice(&u32::MAX.to_ne_bytes());
        assert_eq!(parse_events(&bad).count(), 0);
        assert_eq!(parse_events(&[]).count(), 0);
    }

    #[test]
    fn maps_inotify_to_vnode_notes() {
        let b = (10, 1);
        assert_eq!(
            notes_for(libc::IN_MODIFY, false, b, Some((20, 1))),
            NOTE_WRITE | NOTE_EXTEND
        );
        assert_eq!(notes_for(libc::IN_MODIFY, false, b, Some((10, 1))), NOTE_WRITE);
        assert_eq!(
            notes_for(libc::IN_MODIFY, false, b, Some((0, 1))),
            NOTE_WRITE | NOTE_ATTRIB
        );
        assert_eq!(notes_for(libc::IN_ATTRIB, false, b, Some((10, 1))), NOTE_ATTRIB);
        assert_eq!(notes_for(libc::IN_ATTRIB, false, b, Some((10, 2))), NOTE_LINK);
        assert_eq!(notes_for(libc::IN_ATTRIB, false, b, Some((10, 0))), NOTE_DELETE);
        assert_eq!(notes_for(libc::IN_ATTRIB, false, b, None), NOTE_ATTRIB);
        assert_eq!(notes_for(libc::IN_MOVE_SELF, false, b, None), NOTE_RENAME);
        assert_eq!(notes_for(libc::IN_DELETE_SELF, false, b, None), NOTE_DELETE);
        assert_eq!(notes_for(libc::IN_CREATE, true, b, None), NOTE_WRITE);
        assert_eq!(
            notes_for(libc::IN_CREATE | libc::IN_ISDIR, true, b, None),
            NOTE_WRITE | NOTE_LINK
        );
        assert_eq!(notes_for(libc::IN_CREATE, false, b, None), 0);
        assert_eq!(notes_for(libc::IN_UNMOUNT, false, b, None), NOTE_REVOKE);
    }

    #[test]
    fn proc_paths() {
        let mut buf = [0u8; 32];
        assert_eq!(proc_path(0, &mut buf), b"/proc/self/fd/0\0");
        assert_eq!(proc_path(1234, &mut buf), b"/proc/self/fd/1234\0");
        assert_eq!(proc_path(i32::MAX, &mut buf), b"/proc/self/fd/2147483647\0");
    }
}
