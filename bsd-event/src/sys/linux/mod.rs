//! The Linux backend: kqueue's semantics on epoll, timerfd, eventfd, pidfd,
//! inotify and a signal recorder. The public numbers are FreeBSD's.
//!
//! # Shape
//! A change flows one way, top to bottom:
//! 1. `queue.rs` — `Kqueue`: applies changes, waits in `epoll_wait`,
//!    routes reports, collects events;
//! 2. one file per filter, saying what the filter means on Linux:
//!    `fd.rs` (READ/WRITE on descriptors epoll watches), `file.rs`
//!    (READ/WRITE on regular files), `timer.rs`, `signal.rs`, `user.rs`,
//!    `proc_.rs`, `vnode.rs`; `knote.rs` names their per-knote parts;
//! 3. `table.rs` — the knote table, storage knowing no filter;
//! 4. below them all: `inotify.rs` (the kqueue's inotify instance, over
//!    `inotify_record.rs`, which walks what its `read` returns),
//!    `connector.rs` (the process-wide process-event socket and each
//!    kqueue's inbox of its events), `cn_proc.rs` (the bytes of those
//!    events, pure), `fork.rs` (is this a forked child?), `os.rs` (the
//!    system calls) and `kevent.rs` (the struct and FreeBSD's numbers).
//!
//! No file imports one above it.

mod cn_proc;
mod connector;
mod fd;
mod file;
mod fork;
mod inotify;
mod inotify_record;
mod kevent;
mod knote;
mod os;
mod proc_;
mod queue;
mod signal;
mod table;
mod timer;
mod user;
mod vnode;

pub(crate) use kevent::{
    data, fflags, filter, flags, ident, make_kevent, set_data, set_fflags, set_flags, set_udata, udata, RawKevent,
    EVFILT_PROCDESC, EV_ADD, EV_CLEAR, EV_DELETE, EV_DISABLE, EV_DISPATCH, EV_ENABLE, EV_EOF, EV_ERROR, EV_ONESHOT,
    EV_RECEIPT, NOTE_ABSTIME, NOTE_ATTRIB, NOTE_CHILD, NOTE_CLOSE, NOTE_CLOSE_WRITE, NOTE_DELETE, NOTE_EXEC, NOTE_EXIT,
    NOTE_EXTEND, NOTE_FFAND, NOTE_FFCOPY, NOTE_FFCTRLMASK, NOTE_FFLAGSMASK, NOTE_FFNOP, NOTE_FFOR, NOTE_FORK,
    NOTE_LINK, NOTE_LOWAT, NOTE_MSECONDS, NOTE_NSECONDS, NOTE_OPEN, NOTE_READ, NOTE_RENAME, NOTE_REVOKE, NOTE_SECONDS,
    NOTE_TRACK, NOTE_TRACKERR, NOTE_TRIGGER, NOTE_USECONDS, NOTE_WRITE,
};
pub(crate) use queue::Kqueue;
