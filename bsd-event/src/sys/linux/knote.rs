//! What a knote of this backend holds besides the common fields: one
//! variant per filter, each the filter module's own type. The table
//! stores it without looking inside; the queue hands each variant to its
//! filter's module.

use super::fd::FdKnote;
use super::file::FileKnote;
use super::proc_::ProcKnote;
use super::signal::SignalKnote;
use super::timer::TimerKnote;
use super::user::UserKnote;
use super::vnode::VnodeKnote;

#[derive(Debug)]
pub(super) enum Kind {
    /// Being attached (the filter needs the slot number first).
    Attaching,
    /// READ/WRITE on a descriptor in epoll.
    Fd(FdKnote),
    /// READ/WRITE on a regular file or directory.
    File(FileKnote),
    Timer(TimerKnote),
    Signal(SignalKnote),
    User(UserKnote),
    Proc(ProcKnote),
    Vnode(VnodeKnote),
}
