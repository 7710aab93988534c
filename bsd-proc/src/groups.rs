//! The supplementary group list: `getgroups(2)` and `setgroups(2)`.

use crate::{sys, Gid};
use bsd_errno::{Errno, Result};
use core::sync::atomic::{AtomicUsize, Ordering};

/// Groups read into a stack buffer before `getgroups` falls back to asking
/// the kernel for the count; almost every process has fewer.
const STACK_GROUPS: usize = 64;

/// Times `getgroups` re-sizes after the list grew under it. The buffer at
/// least doubles each time, so 32 rounds outgrow any kernel's limit; the
/// bound only guards against a kernel whose count and read disagree.
const GROW_RETRIES: usize = 32;

/// The calling process's supplementary group list.
///
/// The list is read into a small stack buffer first (one system call for
/// the usual short list); a longer list is sized from the kernel's own count,
/// and when another thread's `setgroups` makes it grow between the count and
/// the read (`EINVAL`), the read is retried with a larger buffer. No fixed
/// limit is assumed: FreeBSD allows 1023 groups and more (`kern.ngroups`),
/// Linux 65536.
///
/// ```
/// let groups = bsd_proc::getgroups()?;
/// println!("{} supplementary groups: {groups:?}", groups.len());
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
///
/// # Errors
/// Any error of `getgroups(2)` (none is documented for a valid buffer).
/// `EAGAIN` only if the kernel kept reporting a buffer too small for the
/// count it gave through 32 doubling rounds, which no kernel does.
///
/// # Platforms
/// On FreeBSD before 15.0, DragonFly and Apple, element 0 is the effective
/// group id (their kernels keep it in `cr_groups[0]`); FreeBSD 15.0 and
/// later, NetBSD, OpenBSD and Linux return only the supplementary groups
/// (which include the effective group only if it is also a supplementary
/// one). On Apple this is the list
/// the process set, limited to 16; the larger directory-service list that
/// `getgrouplist(3)` reports is not returned.
///
/// # References
#[doc = crate::man_links!(getgroups(2))]
#[doc(alias = "Getgroups")]
pub fn getgroups() -> Result<Vec<Gid>> {
    let mut stack = [Gid::ROOT; STACK_GROUPS];
    match getgroups_into(&mut stack) {
        Ok(n) => return Ok(stack.get(..n).ok_or(Errno::EOVERFLOW)?.to_vec()),
        Err(Errno::EINVAL) => {}
        Err(e) => return Err(e),
    }
    let mut want = STACK_GROUPS;
    for _ in 0..GROW_RETRIES {
        // At least one more than the kernel's count (room for a group added
        // between the two calls, and for the effective gid where it is
        // counted separately), and at least double the last try, so a list
        // that keeps growing is overtaken in a few rounds.
        want = group_count()?.saturating_add(1).max(want.saturating_mul(2));
        let mut groups = vec![Gid::ROOT; want];
        match getgroups_into(&mut groups) {
            Ok(n) => {
                groups.truncate(n);
                return Ok(groups);
            }
            Err(Errno::EINVAL) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(Errno::EAGAIN)
}

/// Reads the supplementary group list into `buf` and returns how many
/// entries were written. Never allocates.
///
/// ```
/// use bsd_proc::{getgroups_into, Gid};
/// let mut buf = [Gid::ROOT; 128];
/// let n = getgroups_into(&mut buf)?;
/// let groups = &buf[..n];
/// # let _ = groups;
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
///
/// # Errors
/// `EINVAL` if `buf` is shorter than the list (size it with
/// [`group_count`], or use [`getgroups`]). An empty `buf` is `EINVAL` unless
/// the list is empty too (unlike `getgroups(0, NULL)`, which returns the
/// count; that is [`group_count`]).
///
/// # Platforms
/// As [`getgroups`].
///
/// # References
#[doc = crate::man_links!(getgroups(2))]
pub fn getgroups_into(buf: &mut [Gid]) -> Result<usize> {
    if buf.is_empty() {
        return match group_count()? {
            0 => Ok(0),
            _ => Err(Errno::EINVAL),
        };
    }
    sys::getgroups(buf)
}

/// The number of entries in the supplementary group list
/// (`getgroups(0, NULL)`).
///
/// # Errors
/// Any error of `getgroups(2)` (none is documented for this form).
///
/// # References
#[doc = crate::man_links!(getgroups(2))]
pub fn group_count() -> Result<usize> {
    sys::group_count()
}

/// Replaces the calling process's supplementary group list (needs
/// privilege: root, or `CAP_SETGID` on Linux).
///
/// An empty slice clears the list (`setgroups(0, NULL)`; where element 0 is
/// the effective gid, it stays, so [`getgroups`] then returns it alone).
/// More entries than the system allows is `EINVAL` without a system call.
///
/// ```no_run
/// use bsd_proc::{setgroups, Gid};
/// // As root: drop every supplementary group before switching user.
/// setgroups(&[])?;
/// setgroups(&[Gid::from_raw(20), Gid::from_raw(80)])?;
/// # Ok::<(), bsd_errno::Errno>(())
/// ```
///
/// # Errors
/// - `EINVAL`: more than [`max_setgroups`] entries (checked before the
///   call, so an unprivileged caller gets `EINVAL` here, where the kernel
///   would say `EPERM` first on Linux).
/// - `EPERM`: the caller lacks the privilege.
///
/// # Platforms
/// On FreeBSD before 15.0, DragonFly and Apple, element 0 becomes the
/// *effective* group id and only the rest are supplementary (and the
/// system's limit counts it); on FreeBSD 15.0 and later, NetBSD, OpenBSD and
/// Linux every element is a supplementary group and the effective gid is
/// left alone. Portable code that means "exactly these
/// supplementary groups" should set the effective gid with `setegid`
/// afterwards on the former. On Linux (glibc and musl) the change applies to
/// every thread of the process, as POSIX requires.
///
/// # References
#[doc = crate::man_links!(setgroups(2))]
#[doc(alias = "Setgroups")]
pub fn setgroups(groups: &[Gid]) -> Result<()> {
    if groups.len() > max_setgroups() {
        return Err(Errno::EINVAL);
    }
    sys::setgroups(groups)
}

/// `sysconf(_SC_NGROUPS_MAX)`: the most supplementary groups a process may
/// have.
///
/// Read once and remembered (glibc answers by reading a `/proc` file, which
/// costs microseconds). An indeterminate or failed `sysconf` gives
/// `c_int::MAX`, the most a `setgroups` call can pass.
///
/// # Platforms
/// FreeBSD 1023 by default (the `kern.ngroups` boot tunable raises it),
/// Apple, NetBSD, OpenBSD and DragonFly 16, Linux 65536.
///
/// # References
#[doc = crate::man_links!(sysconf(3))]
#[must_use]
pub fn ngroups_max() -> usize {
    // 0 = not read yet (sysconf never reports 0: POSIX requires at least 8).
    static CACHED: AtomicUsize = AtomicUsize::new(0);
    match CACHED.load(Ordering::Relaxed) {
        0 => {
            let max = sys::sysconf_ngroups_max()
                .filter(|&n| n > 0)
                .unwrap_or(libc::c_int::MAX as usize);
            CACHED.store(max, Ordering::Relaxed);
            max
        }
        max => max,
    }
}

/// The longest list [`setgroups`] passes to the kernel: [`ngroups_max`], plus
/// one on FreeBSD, whose kernel accepts `NGROUPS_MAX + 1` entries (before
/// 15.0 the first is the effective gid; 15.0 enforces its own limit).
#[must_use]
pub fn max_setgroups() -> usize {
    let max = ngroups_max();
    if cfg!(target_os = "freebsd") {
        max.saturating_add(1)
    } else {
        max
    }
}
