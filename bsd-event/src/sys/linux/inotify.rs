//! The kqueue's inotify instance: one per kqueue, created at the first
//! watch and put in its epoll, and which knotes listen to each watch.
//! Used by EVFILT_VNODE and by READ knotes on regular files (to wake
//! them). It knows slots, not filters.
//!
//! A knote's descriptor is watched through `/proc/self/fd/N`, which
//! resolves to the open file itself (even if it was renamed or unlinked).
//! Every watch asks for the same base mask, so knotes on the same file
//! share one watch descriptor. The noisy access events (IN_OPEN,
//! IN_CLOSE_*, IN_ACCESS) are added to a watch (IN_MASK_ADD) only when a
//! knote asks for them; they stay on it until its last listener goes, and
//! records nobody asked for are dropped by the listeners.

use super::inotify_record::parse;
pub(super) use super::inotify_record::Record;
use super::os;
use super::table::{encode, IntMap, TAG_SPECIAL};
use bsd_errno::{check, Result};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// The index under TAG_SPECIAL of the inotify descriptor's reports.
pub(super) const SPECIAL_INOTIFY: u32 = 1;

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
    watchers: IntMap<i32, Vec<u32>>,
}

/// `/proc/self/fd/<fd>` (plus `suffix`) as a NUL-terminated string in a
/// stack buffer.
fn proc_path<'a>(fd: RawFd, suffix: &[u8], buf: &'a mut [u8; 40]) -> &'a [u8] {
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
    let mut end = prefix.len() + d.len();
    buf[prefix.len()..end].copy_from_slice(d);
    let s = suffix.len().min(buf.len() - end - 1);
    buf[end..end + s].copy_from_slice(&suffix[..s]);
    end += s;
    buf[end] = 0;
    &buf[..=end]
}

impl Inotify {
    /// A new instance, registered in epoll `ep`.
    pub(super) fn open(ep: RawFd) -> Result<Inotify> {
        // SAFETY: inotify_init1 takes no pointers.
        let ifd = check(unsafe { libc::inotify_init1(libc::IN_CLOEXEC | libc::IN_NONBLOCK) })?;
        // SAFETY: a fresh descriptor, owned by nobody else.
        let fd = unsafe { OwnedFd::from_raw_fd(ifd) };
        let ev = (libc::EPOLLIN | libc::EPOLLET) as u32;
        os::epoll_ctl(
            ep,
            libc::EPOLL_CTL_ADD,
            fd.as_raw_fd(),
            ev,
            encode(TAG_SPECIAL, SPECIAL_INOTIFY, 0),
        )?;
        Ok(Inotify {
            fd,
            watchers: IntMap::default(),
        })
    }

    fn add_path(&self, path: &[u8], extra: u32) -> Result<i32> {
        // IN_MASK_ADD: never take away what another knote on the same
        // file asked for.
        let mask = MASK | extra | libc::IN_MASK_ADD;
        // SAFETY: `path` is NUL-terminated and lives for the call.
        check(unsafe { libc::inotify_add_watch(self.fd.as_raw_fd(), path.as_ptr().cast(), mask) })
    }

    /// Adds `slot` to the listeners of `wd` (once).
    fn listen(&mut self, wd: i32, slot: u32) {
        let list = self.watchers.entry(wd).or_default();
        if !list.contains(&slot) {
            list.push(slot);
        }
    }

    /// Watches the file open as `fd` for `slot`; returns the watch.
    pub(super) fn watch(&mut self, fd: RawFd, slot: u32) -> Result<i32> {
        self.watch_with(fd, slot, 0)
    }

    /// Watches the file open as `fd` for `slot`, adding the inotify events
    /// `extra` (access events) to the watch; returns the watch.
    pub(super) fn watch_with(&mut self, fd: RawFd, slot: u32, extra: u32) -> Result<i32> {
        let mut buf = [0u8; 40];
        let wd = self
            .add_path(proc_path(fd, b"", &mut buf), extra)
            // /proc/self/fd/N of a closed descriptor does not exist.
            .map_err(|e| {
                if e == bsd_errno::Errno::ENOENT {
                    bsd_errno::Errno::EBADF
                } else {
                    e
                }
            })?;
        self.listen(wd, slot);
        Ok(wd)
    }

    /// Watches the parent of the directory open as `fd` for `slot`
    /// (through `/proc/self/fd/N/..`).
    pub(super) fn watch_parent(&mut self, fd: RawFd, slot: u32) -> Result<i32> {
        let mut buf = [0u8; 40];
        let wd = self.add_path(proc_path(fd, b"/..", &mut buf), 0)?;
        self.listen(wd, slot);
        Ok(wd)
    }

    /// Stops `slot` listening to watch `wd`; the last listener removes it.
    pub(super) fn unwatch(&mut self, wd: i32, slot: u32) {
        if wd < 0 {
            return;
        }
        if let Some(list) = self.watchers.get_mut(&wd) {
            list.retain(|&s| s != slot);
            if list.is_empty() {
                self.watchers.remove(&wd);
                // SAFETY: removing a watch of our own inotify descriptor;
                // an already-removed watch fails harmlessly with EINVAL.
                unsafe { libc::inotify_rm_watch(self.fd.as_raw_fd(), wd) };
            }
        }
    }

    /// The slots listening to watch `wd`.
    pub(super) fn listeners(&self, wd: i32) -> Vec<u32> {
        self.watchers.get(&wd).cloned().unwrap_or_default()
    }

    /// Every listening slot (after an overflow lost events).
    pub(super) fn all_listeners(&self) -> Vec<u32> {
        self.watchers.values().flatten().copied().collect()
    }

    /// Forgets a watch the kernel removed (IN_IGNORED).
    pub(super) fn forget(&mut self, wd: i32) {
        self.watchers.remove(&wd);
    }

    /// Reads every pending record.
    pub(super) fn drain(&self) -> Vec<Record> {
        // Aligned for struct inotify_event.
        let mut buf = [0u64; 512];
        let mut out = Vec::new();
        loop {
            // SAFETY: reading into a live buffer of the given size.
            let n = unsafe {
                libc::read(
                    self.fd.as_raw_fd(),
                    buf.as_mut_ptr().cast(),
                    core::mem::size_of_val(&buf),
                )
            };
            let Ok(n) = usize::try_from(n) else {
                return out; // EAGAIN: drained
            };
            if n == 0 {
                return out;
            }
            // SAFETY: viewing the filled part of the u64 buffer as bytes.
            let bytes = unsafe { core::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) };
            out.extend(parse(bytes));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_paths() {
        let mut buf = [0u8; 40];
        assert_eq!(proc_path(0, b"", &mut buf), b"/proc/self/fd/0\0");
        assert_eq!(proc_path(1234, b"/..", &mut buf), b"/proc/self/fd/1234/..\0");
        assert_eq!(proc_path(i32::MAX, b"", &mut buf), b"/proc/self/fd/2147483647\0");
    }
}
