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

#[cfg(any(target_os = "freebsd", target_os = "netbsd"))]
pub(crate) use wait6::wait6;

/// `wait6(2)` of FreeBSD (≥ 9.2) and NetBSD (≥ 8.0). `libc` binds neither;
/// both have the same prototype and the same `struct { struct rusage
/// wru_self, wru_children; }`, but their `idtype_t` numbers differ, which
/// `libc`'s `P_*` constants already carry for each (FreeBSD `P_PID` 0,
/// `P_PGID` 2, `P_ALL` 7; NetBSD `P_ALL` 0, `P_PID` 1, `P_PGID` 4).
///
/// - FreeBSD: `sys/sys/wait.h` declares `pid_t wait6(idtype_t, id_t, int *,
///   int, struct __wrusage *, siginfo_t *)`; `sys/sys/resource.h` defines
///   `struct __wrusage`; `sys/sys/wait.h` numbers `enum idtype` from
///   `P_PID` 0.
/// - NetBSD: `sys/sys/wait.h` (rev. 1.29) declares `pid_t wait6(idtype_t,
///   id_t, int *, int, struct wrusage *, siginfo_t *)` with no `__RENAME`,
///   so the symbol is `wait6`; `sys/sys/idtype.h` lines 41–60 number the
///   `idtype_t` enum `P_MYID` -1, `P_ALL` 0, `P_PID` 1, `P_LWPID` 2,
///   `P_PPID` 3, `P_PGID` 4, `P_SID` 5, `P_CID` 6, `P_UID` 7, `P_GID` 8;
///   `sys/sys/resource.h` defines `struct wrusage`.
#[cfg(any(target_os = "freebsd", target_os = "netbsd"))]
mod wait6 {
    use crate::siginfo::{Layout, SiginfoBuf};
    use crate::{Rusage, WaitStatus, Waited6};
    use bsd_errno::{check, Result};
    use libc::c_int;

    /// FreeBSD's `struct __wrusage`, NetBSD's `struct wrusage`.
    #[repr(C)]
    struct WrUsage {
        wru_self: libc::rusage,
        wru_children: libc::rusage,
    }

    // The idtype numbers this binding relies on, as the headers above
    // give them (`libc` carries them per system; checked at compile time).
    #[cfg(target_os = "freebsd")]
    const _: () = assert!(libc::P_PID == 0 && libc::P_PGID == 2 && libc::P_ALL == 7);
    #[cfg(target_os = "netbsd")]
    const _: () = assert!(libc::P_ALL == 0 && libc::P_PID == 1 && libc::P_PGID == 4);

    // Two `rusage`s back to back, on every FreeBSD and NetBSD target.
    const _: () = assert!(core::mem::size_of::<WrUsage>() == 2 * core::mem::size_of::<libc::rusage>());

    extern "C" {
        /// `pid_t wait6(idtype_t, id_t, int *, int, struct wrusage *,
        /// siginfo_t *)`.
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
        // SAFETY: the wrusage struct is two `rusage`s of plain integers;
        // all-zero bytes are a valid value.
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
