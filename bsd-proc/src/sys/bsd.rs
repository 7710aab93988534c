//! FreeBSD, DragonFly, NetBSD, OpenBSD and Apple: `setgroups` takes an
//! `int`; FreeBSD has `wait6`.

use crate::Gid;
use bsd_errno::{check, Errno, Result};

pub(crate) fn setgroups(groups: &[Gid]) -> Result<()> {
    let len = libc::c_int::try_from(groups.len()).map_err(|_| Errno::EINVAL)?;
    let ptr = if groups.is_empty() {
        core::ptr::null()
    } else {
        groups.as_ptr().cast::<libc::gid_t>()
    };
    // SAFETY: `Gid` is `repr(transparent)` over `gid_t`; `ptr` is valid for
    // reads of `len` entries, or null with a length of 0.
    check(unsafe { libc::setgroups(len, ptr) })?;
    Ok(())
}

#[cfg(target_os = "freebsd")]
pub(crate) use freebsd::wait6;

#[cfg(target_os = "freebsd")]
mod freebsd {
    use crate::siginfo::{Layout, SiginfoBuf};
    use crate::{Rusage, WaitStatus, Waited6};
    use bsd_errno::{check, Result};
    use libc::c_int;

    /// `struct __wrusage` from FreeBSD's `<sys/resource.h>`.
    #[repr(C)]
    struct WrUsage {
        wru_self: libc::rusage,
        wru_children: libc::rusage,
    }

    extern "C" {
        /// `pid_t wait6(idtype_t, id_t, int *, int, struct __wrusage *,
        /// siginfo_t *)` from FreeBSD's `<sys/wait.h>` (FreeBSD ≥ 9.2).
        #[link_name = "wait6"]
        fn c_wait6(
            idtype: libc::idtype_t,
            id: libc::id_t,
            status: *mut c_int,
            options: c_int,
            wrusage: *mut WrUsage,
            infop: *mut libc::siginfo_t,
        ) -> libc::pid_t;
    }

    pub(crate) fn wait6(idtype: libc::idtype_t, id: libc::id_t, options: c_int) -> Result<Option<Waited6>> {
        let mut status: c_int = 0;
        // SAFETY: `__wrusage` is two `rusage`s of plain integers; all-zero
        // bytes are a valid value.
        let mut wru: WrUsage = unsafe { core::mem::zeroed() };
        let mut si = SiginfoBuf::zeroed();
        // SAFETY: every pointer is valid for writes of its type for the whole
        // call; `si` has the size and alignment of `siginfo_t`.
        let pid = check(unsafe { c_wait6(idtype, id, &mut status, options, &mut wru, si.as_mut_ptr()) })?;
        if pid == 0 {
            return Ok(None);
        }
        let info = Layout::HOST.decode_or_pid(si.bytes(), pid);
        Ok(Some(Waited6 {
            pid,
            status: WaitStatus::from_raw(status),
            rusage: Rusage::from_raw(wru.wru_self),
            children_rusage: Rusage::from_raw(wru.wru_children),
            info,
        }))
    }
}
