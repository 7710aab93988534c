//! NetBSD's and OpenBSD's `siginfo_t`, transcribed member by member from
//! their headers as `#[repr(C)]` types, so that the compiler lays them out
//! with the target's own C rules (pointer width, and the alignment of 64-bit
//! integers: 4 on i386, 8 on armv6/armv7, mipsel and powerpc).
//!
//! They are never read or written: they exist so that the offsets
//! [`Layout::of`](super::Layout::of) computes, and the size of the buffer
//! the kernel fills, are checked against the real structure on every
//! target (`libc` cannot serve as that reference on every target: see
//! [`super`]). Only the members that decide the layout are transcribed:
//! every arm that can be the largest or the most aligned, and the arm
//! `waitid` fills.
//!
//! - NetBSD, `sys/sys/siginfo.h` (revision 1.34, lines 46–96 and the
//!   `siginfo_t` union after them): `struct _ksiginfo` is three `int`s
//!   (`_signo`, `_code`, `_errno`), an `int _pad` on `_LP64` only, then the
//!   union `_reason`, whose `_syscall` arm ends in `uint64_t _args[8]`; so
//!   the union is aligned like a 64-bit integer, which puts it at 16 on
//!   every LP64 target and on the 32-bit ones whose 64-bit integers are
//!   8-aligned, at 12 on i386. `siginfo_t` is a union of that structure
//!   and `char si_pad[128]`. The kernel's own compatibility copy for 32-bit
//!   processes (`sys/compat/sys/siginfo.h`, revision 1.9, lines 37–44) agrees:
//!   its 64-bit members are 4-aligned where the 32-bit processes are i386
//!   ones (on an amd64 kernel) or old-ABI arm ones (on an EABI arm kernel),
//!   8-aligned everywhere else, an aarch64 kernel's armv7 processes
//!   among them.
//!   `clock_t` is `unsigned int` on every NetBSD port.
//! - OpenBSD, `sys/sys/siginfo.h` (openbsd/src commit 52a0e603, lines
//!   127–180): three `int`s, then the union `_data` of `int
//!   _pad[SI_PAD]` (29 `int`s: `SI_MAXSZ` 128 bytes minus the three),
//!   `_proc` (`pid_t _pid`, then the union `_pdata` of `_kill { uid_t
//!   _uid; union sigval _value; }` and `_cld { clock_t _utime; int
//!   _status; clock_t _stime; }`) and `_fault { caddr_t _addr; int
//!   _trapno; }`. `clock_t` is a 64-bit integer on every OpenBSD, so on a
//!   target whose 64-bit integers are 8-aligned the union starts at 16 and
//!   the whole is 136 bytes, not 128.

// The members give the shape; nothing reads them.
#![allow(dead_code)]

use core::ffi::{c_char, c_int, c_long, c_void};

/// NetBSD's `siginfo_t`: `union siginfo { char si_pad[128]; struct
/// _ksiginfo _info; }`.
#[repr(C)]
union NetBsdSiginfo {
    si_pad: [c_char; 128],
    info: NetBsdKsiginfo,
}

/// NetBSD's `struct _ksiginfo`.
#[repr(C)]
#[derive(Clone, Copy)]
struct NetBsdKsiginfo {
    signo: c_int,
    code: c_int,
    errno: c_int,
    #[cfg(target_pointer_width = "64")]
    pad: c_int,
    reason: NetBsdReason,
}

/// The union `_reason`.
#[repr(C)]
#[derive(Clone, Copy)]
union NetBsdReason {
    child: NetBsdChild,
    fault: NetBsdFault,
    poll: NetBsdPoll,
    syscall: NetBsdSyscall,
}

/// `_child`: what `waitid` fills.
#[repr(C)]
#[derive(Clone, Copy)]
struct NetBsdChild {
    pid: i32,
    uid: u32,
    status: c_int,
    utime: u32,
    stime: u32,
}

/// `_fault`: a pointer and three `int`s.
#[repr(C)]
#[derive(Clone, Copy)]
struct NetBsdFault {
    addr: *mut c_void,
    trap: c_int,
    trap2: c_int,
    trap3: c_int,
}

/// `_poll`: a `long` and an `int`.
#[repr(C)]
#[derive(Clone, Copy)]
struct NetBsdPoll {
    band: c_long,
    fd: c_int,
}

/// `_syscall`: four `int`s and eight `uint64_t`s, the arm that aligns the
/// union like a 64-bit integer.
#[repr(C)]
#[derive(Clone, Copy)]
struct NetBsdSyscall {
    sysnum: c_int,
    retval: [c_int; 2],
    error: c_int,
    args: [u64; 8],
}

/// OpenBSD's `siginfo_t`.
#[repr(C)]
struct OpenBsdSiginfo {
    signo: c_int,
    code: c_int,
    errno: c_int,
    data: OpenBsdData,
}

/// The union `_data`.
#[repr(C)]
union OpenBsdData {
    pad: [c_int; 128 / 4 - 3],
    proc_: OpenBsdProc,
    fault: OpenBsdFault,
}

/// `_proc`: the sender's or the child's pid, then `_pdata`.
#[repr(C)]
#[derive(Clone, Copy)]
struct OpenBsdProc {
    pid: i32,
    pdata: OpenBsdPdata,
}

/// The union `_pdata`.
#[repr(C)]
#[derive(Clone, Copy)]
union OpenBsdPdata {
    kill: OpenBsdKill,
    cld: OpenBsdCld,
}

/// `_kill`: `si_uid` is its first member, so at the start of `_pdata`.
#[repr(C)]
#[derive(Clone, Copy)]
struct OpenBsdKill {
    uid: u32,
    value: *mut c_void,
}

/// `_cld`: `si_status` between two 64-bit `clock_t`s.
#[repr(C)]
#[derive(Clone, Copy)]
struct OpenBsdCld {
    utime: i64,
    status: c_int,
    stime: i64,
}

/// `_fault`: a `caddr_t` and an `int`.
#[repr(C)]
#[derive(Clone, Copy)]
struct OpenBsdFault {
    addr: *mut c_char,
    trapno: c_int,
}

/// `[si_code, si_pid, si_uid, si_status]` of NetBSD's `siginfo_t` as this
/// target lays it out (the union's members all start at its start).
pub(crate) const NETBSD_OFFSETS: [usize; 4] = {
    use core::mem::offset_of;
    let reason = offset_of!(NetBsdKsiginfo, reason);
    [
        offset_of!(NetBsdKsiginfo, code),
        reason + offset_of!(NetBsdChild, pid),
        reason + offset_of!(NetBsdChild, uid),
        reason + offset_of!(NetBsdChild, status),
    ]
};

/// The same for OpenBSD (`si_uid` is `_pdata._kill._uid`, at the start of
/// `_pdata`; `si_status` is `_pdata._cld._status`).
pub(crate) const OPENBSD_OFFSETS: [usize; 4] = {
    use core::mem::offset_of;
    let data = offset_of!(OpenBsdSiginfo, data);
    let pdata = data + offset_of!(OpenBsdProc, pdata);
    [
        offset_of!(OpenBsdSiginfo, code),
        data + offset_of!(OpenBsdProc, pid),
        pdata,
        pdata + offset_of!(OpenBsdCld, status),
    ]
};

/// `sizeof(siginfo_t)` on NetBSD and OpenBSD as this target lays it out.
pub(crate) const NETBSD_SIZE: usize = core::mem::size_of::<NetBsdSiginfo>();
/// See [`NETBSD_SIZE`].
pub(crate) const OPENBSD_SIZE: usize = core::mem::size_of::<OpenBsdSiginfo>();
