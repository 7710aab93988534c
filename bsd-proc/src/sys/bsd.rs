//! FreeBSD, DragonFly, NetBSD, OpenBSD and Apple: `setgroups` takes an
//! `int`; FreeBSD's group calls depend on the running kernel's release;
//! FreeBSD and NetBSD have `wait6`.

#[cfg(not(target_os = "freebsd"))]
pub(crate) fn setgroups(groups: &[crate::Gid]) -> bsd_errno::Result<()> {
    let len = libc::c_int::try_from(groups.len()).map_err(|_| bsd_errno::Errno::EINVAL)?;
    let ptr = if groups.is_empty() {
        core::ptr::null()
    } else {
        groups.as_ptr().cast::<libc::gid_t>()
    };
    // SAFETY: `Gid` is `repr(transparent)` over `gid_t`; `ptr` is valid for
    // reads of `len` entries, or null with a length of 0.
    bsd_errno::check(unsafe { libc::setgroups(len, ptr) })?;
    Ok(())
}

#[cfg(target_os = "freebsd")]
pub(crate) use freebsd_groups::{getgroups, group_count, hide_egid, setgroups};

/// FreeBSD's `getgroups(2)`/`setgroups(2)`, whose meaning changed in 15.0.
///
/// Before 15.0 the kernel keeps the effective gid in `cr_groups[0]`:
/// `getgroups` returns it first and `setgroups` takes element 0 as the new
/// effective gid. From 15.0 (`__FreeBSD_version` 1500000) both calls handle
/// only the supplementary groups, under new system call numbers (595
/// `getgroups`, 596 `setgroups`); the old numbers (79, 80) stay as
/// `freebsd14_getgroups`/`freebsd14_setgroups` with the old meaning
/// (`sys/kern/syscalls.master`; `sys/kern/kern_prot.c`,
/// `freebsd14_setgroups()` under `COMPAT_FREEBSD14`). libc keeps the old
/// calls as the `FBSD_1.0` versions of its symbols
/// (`lib/libc/gen/gen-compat.h`: `COMPAT_SYSCALL(... freebsd14_setgroups
/// ..., setgroups, FBSD_1.0)`), so which meaning `libc::setgroups` has
/// depends on the libc the program was *linked* against, not on the
/// kernel it runs on.
///
/// This module therefore makes the system calls itself, by number, chosen
/// from the running kernel's `kern.osreldate` (read once): the meaning is
/// then known whatever machine built the program, and the public API
/// turns both into the 15.0 one.
#[cfg(target_os = "freebsd")]
mod freebsd_groups {
    use crate::Gid;
    use bsd_errno::{check, Errno, Result};
    use core::sync::atomic::{AtomicU8, Ordering};
    use libc::c_int;

    /// `kern.osreldate` from which the group calls take supplementary
    /// groups only (FreeBSD 15.0).
    const SUPPLEMENTARY_ONLY_FROM: c_int = 1_500_000;
    const SYS_FREEBSD14_GETGROUPS: c_int = 79;
    const SYS_FREEBSD14_SETGROUPS: c_int = 80;
    const SYS_GETGROUPS: c_int = 595;
    const SYS_SETGROUPS: c_int = 596;

    /// Whether the running kernel puts the effective gid in element 0
    /// (before 15.0), which the public API then hides. Read once from `kern.osreldate`; if that cannot be
    /// read, the older meaning is assumed, whose system calls every kernel
    /// with `COMPAT_FREEBSD14` (the default) still has.
    pub(crate) fn hide_egid() -> bool {
        // 0 = not read yet, 1 = lists the egid (< 15.0), 2 = does not.
        static CACHED: AtomicU8 = AtomicU8::new(0);
        match CACHED.load(Ordering::Relaxed) {
            1 => true,
            2 => false,
            _ => {
                let old = osreldate().map_or(true, |v| v < SUPPLEMENTARY_ONLY_FROM);
                CACHED.store(if old { 1 } else { 2 }, Ordering::Relaxed);
                old
            }
        }
    }

    fn osreldate() -> Option<c_int> {
        let mut v: c_int = 0;
        let mut len = core::mem::size_of::<c_int>();
        // SAFETY: the name is NUL-terminated; `v` and `len` are valid for
        // writes and `len` is the size of `v`; no new value is passed.
        let r = unsafe {
            libc::sysctlbyname(
                c"kern.osreldate".as_ptr(),
                core::ptr::addr_of_mut!(v).cast(),
                &mut len,
                core::ptr::null(),
                0,
            )
        };
        (r == 0 && len == core::mem::size_of::<c_int>()).then_some(v)
    }

    fn numbers() -> (c_int, c_int) {
        if hide_egid() {
            (SYS_FREEBSD14_GETGROUPS, SYS_FREEBSD14_SETGROUPS)
        } else {
            (SYS_GETGROUPS, SYS_SETGROUPS)
        }
    }

    /// The kernel's list, as the running kernel writes it (with the egid
    /// first before 15.0).
    pub(crate) fn getgroups(buf: &mut [Gid]) -> Result<usize> {
        let len = c_int::try_from(buf.len()).unwrap_or(c_int::MAX);
        // SAFETY: `Gid` is `repr(transparent)` over `gid_t`, and `buf` is
        // valid for writes of `len <= buf.len()` entries, all the kernel
        // may write.
        let n = check(unsafe { libc::syscall(numbers().0, len, buf.as_mut_ptr().cast::<libc::gid_t>()) })?;
        usize::try_from(n).map_err(|_| Errno::EOVERFLOW)
    }

    /// The kernel's count (with the egid before 15.0).
    pub(crate) fn group_count() -> Result<usize> {
        let zero: c_int = 0;
        // SAFETY: with a size of 0 the kernel writes nothing.
        let n = check(unsafe { libc::syscall(numbers().0, zero, core::ptr::null_mut::<libc::gid_t>()) })?;
        usize::try_from(n).map_err(|_| Errno::EOVERFLOW)
    }

    /// Sets the list as the running kernel reads it (element 0 the egid
    /// before 15.0).
    pub(crate) fn setgroups(groups: &[Gid]) -> Result<()> {
        let len = c_int::try_from(groups.len()).map_err(|_| Errno::EINVAL)?;
        let ptr = if groups.is_empty() {
            core::ptr::null()
        } else {
            groups.as_ptr().cast::<libc::gid_t>()
        };
        // SAFETY: `Gid` is `repr(transparent)` over `gid_t`; `ptr` is valid
        // for reads of `len` entries, or null with a length of 0.
        check(unsafe { libc::syscall(numbers().1, len, ptr) })?;
        Ok(())
    }
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
        // call; `si` is as large as the kernel's `siginfo_t` (and `libc`'s)
        // and 16-aligned.
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
