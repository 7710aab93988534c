//! Calls with the same signature and meaning on every supported platform.

use crate::siginfo::{Layout, SiginfoBuf};
use crate::{ChildInfo, Rusage, WaitStatus, Waited};
use bsd_errno::{check, Result};
use libc::c_int;

#[cfg(not(target_os = "freebsd"))]
pub(crate) fn getgroups(buf: &mut [crate::Gid]) -> Result<usize> {
    let len = c_int::try_from(buf.len()).unwrap_or(c_int::MAX);
    // SAFETY: `Gid` is `repr(transparent)` over `gid_t`, and `buf` is valid
    // for writes of `len <= buf.len()` entries, all the kernel may write.
    let n = check(unsafe { libc::getgroups(len, buf.as_mut_ptr().cast::<libc::gid_t>()) })?;
    usize::try_from(n).map_err(|_| bsd_errno::Errno::EOVERFLOW)
}

#[cfg(not(target_os = "freebsd"))]
pub(crate) fn group_count() -> Result<usize> {
    // SAFETY: with a size of 0 the kernel writes nothing and returns the count.
    let n = check(unsafe { libc::getgroups(0, core::ptr::null_mut()) })?;
    usize::try_from(n).map_err(|_| bsd_errno::Errno::EOVERFLOW)
}

pub(crate) fn sysconf_ngroups_max() -> Option<usize> {
    // SAFETY: sysconf reads a configuration value; no memory is passed.
    let n = unsafe { libc::sysconf(libc::_SC_NGROUPS_MAX) };
    usize::try_from(n).ok()
}

/// Whether the group calls below carry the effective gid in element 0 and
/// the public API must hide it: FreeBSD before 15.0, decided at run time
/// (`bsd.rs`). DragonFly and Apple also keep the egid in element 0; there
/// the public API passes their lists through as they are (documented).
#[cfg(not(target_os = "freebsd"))]
pub(crate) const fn hide_egid() -> bool {
    false
}

pub(crate) fn getpgrp() -> libc::pid_t {
    // SAFETY: takes no arguments and cannot fail.
    unsafe { libc::getpgrp() }
}

pub(crate) fn wait4(pid: libc::pid_t, options: c_int) -> Result<Option<Waited>> {
    let mut status: c_int = 0;
    // SAFETY: `rusage` is plain integers; all-zero bytes are a valid value.
    let mut ru: libc::rusage = unsafe { core::mem::zeroed() };
    // SAFETY: `status` and `ru` are valid for writes for the whole call.
    let pid = check(unsafe { libc::wait4(pid, &mut status, options, &mut ru) })?;
    if pid == 0 {
        return Ok(None);
    }
    Ok(Some(Waited {
        pid,
        status: WaitStatus::from_raw(status),
        rusage: Rusage::from_raw(ru),
    }))
}

pub(crate) fn waitid(idtype: libc::idtype_t, id: libc::id_t, options: c_int) -> Result<Option<ChildInfo>> {
    let mut si = SiginfoBuf::zeroed();
    // SAFETY: `si` is a zeroed, 16-aligned buffer as large as the kernel's
    // `siginfo_t` (and `libc`'s), valid for writes for the whole call.
    check(unsafe { libc::waitid(idtype, id, si.as_mut_ptr(), options) })?;
    Ok(Layout::HOST.decode(si.bytes()))
}

pub(crate) fn getrusage(who: c_int) -> Result<Rusage> {
    // SAFETY: `rusage` is plain integers; all-zero bytes are a valid value.
    let mut ru: libc::rusage = unsafe { core::mem::zeroed() };
    // SAFETY: `ru` is valid for writes for the whole call.
    check(unsafe { libc::getrusage(who, &mut ru) })?;
    Ok(Rusage::from_raw(ru))
}
