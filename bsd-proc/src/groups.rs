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
/// FreeBSD (every release), NetBSD, OpenBSD and Linux: only the
/// supplementary groups (the effective group appears only if it is also a
/// supplementary one; get it with [`Gid::effective`]). FreeBSD changed its
/// kernel in 15.0: before, the kernel's list starts with the effective gid
/// (`cr_groups[0]`), and this function drops that element, so a program
/// sees the 15.0 list on 14 too. The release is read once at run time
/// (`kern.osreldate` ≥ 1500000), and the system call matching it is made
/// by number, whatever libc the program was linked against (see
/// `../docs/platforms.md`).
///
/// DragonFly and Apple: element 0 is the effective group id, as their
/// kernels return it (`cr_groups[0]`), and the rest are the supplementary
/// groups. On Apple this is the list the process set, limited to 16; the
/// larger directory-service list that `getgrouplist(3)` reports is not
/// returned.
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
/// As [`getgroups`]. On FreeBSD before 15.0 the kernel also writes the
/// effective gid, so the list is read through a stack buffer of 64
/// entries (a heap one for a longer `buf`) and copied without it.
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
    if !sys::hide_egid() {
        return sys::getgroups(buf);
    }
    // The kernel writes the effective gid first: read one more entry and
    // drop it.
    let want = buf.len().checked_add(1).ok_or(Errno::EINVAL)?;
    let mut stack = [Gid::ROOT; STACK_GROUPS];
    let mut heap = Vec::new();
    let raw: &mut [Gid] = if want <= STACK_GROUPS {
        stack.get_mut(..want).ok_or(Errno::EINVAL)?
    } else {
        heap.resize(want, Gid::ROOT);
        &mut heap
    };
    let n = sys::getgroups(raw)?;
    let supplementary = without_egid(raw.get(..n).ok_or(Errno::EOVERFLOW)?);
    buf.get_mut(..supplementary.len())
        .ok_or(Errno::EINVAL)?
        .copy_from_slice(supplementary);
    Ok(supplementary.len())
}

/// The supplementary part of a list whose element 0 is the effective gid
/// (what FreeBSD before 15.0 returns).
fn without_egid(raw: &[Gid]) -> &[Gid] {
    raw.get(1..).unwrap_or(&[])
}

/// `groups` with the effective gid `egid` in front, for a kernel that takes
/// element 0 as the effective gid (FreeBSD before 15.0); written into
/// `out`, which must have room for one more than `groups`.
fn with_egid<'a>(egid: Gid, groups: &[Gid], out: &'a mut [Gid]) -> Option<&'a [Gid]> {
    let out = out.get_mut(..groups.len().checked_add(1)?)?;
    let (first, rest) = out.split_first_mut()?;
    *first = egid;
    rest.copy_from_slice(groups);
    Some(out)
}

/// The number of entries in the supplementary group list
/// (`getgroups(0, NULL)`): the length [`getgroups`] returns (on FreeBSD
/// before 15.0, one less than the kernel's count, which includes the
/// effective gid).
///
/// # Errors
/// Any error of `getgroups(2)` (none is documented for this form).
///
/// # References
#[doc = crate::man_links!(getgroups(2))]
pub fn group_count() -> Result<usize> {
    let n = sys::group_count()?;
    Ok(if sys::hide_egid() { n.saturating_sub(1) } else { n })
}

/// Replaces the calling process's supplementary group list (needs
/// privilege: root, or `CAP_SETGID` on Linux).
///
/// An empty slice clears the list (`setgroups(0, NULL)`; on DragonFly and
/// Apple, where element 0 is the effective gid, it stays, so [`getgroups`]
/// then returns it alone). More entries than the system allows is `EINVAL`
/// without a system call.
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
/// FreeBSD (every release), NetBSD, OpenBSD and Linux: every element is a
/// supplementary group, at most [`ngroups_max`] of them, and the effective
/// gid is left alone. FreeBSD's kernel before 15.0 takes element 0 as the
/// new effective gid and `ngroups_max + 1` entries: there this function
/// passes the current effective gid first, so the call means the same on
/// every release (the release is read once at run time, `kern.osreldate`;
/// see [`getgroups`]).
///
/// DragonFly and Apple: element 0 becomes the *effective* group id and only
/// the rest are supplementary (and the system's limit counts it). Portable
/// code that means "exactly these supplementary groups" should set the
/// effective gid with `setegid` afterwards there. On Linux (glibc and musl)
/// the change applies to every thread of the process, as POSIX requires.
///
/// # References
#[doc = crate::man_links!(setgroups(2))]
#[doc(alias = "Setgroups")]
pub fn setgroups(groups: &[Gid]) -> Result<()> {
    if groups.len() > max_setgroups() {
        return Err(Errno::EINVAL);
    }
    if !sys::hide_egid() {
        return sys::setgroups(groups);
    }
    // The kernel takes element 0 as the effective gid: keep the current one.
    let mut stack = [Gid::ROOT; STACK_GROUPS];
    let mut heap = Vec::new();
    let out: &mut [Gid] = if groups.len() < STACK_GROUPS {
        &mut stack
    } else {
        heap.resize(groups.len().checked_add(1).ok_or(Errno::EINVAL)?, Gid::ROOT);
        &mut heap
    };
    sys::setgroups(with_egid(Gid::effective(), groups, out).ok_or(Errno::EINVAL)?)
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

/// The longest list [`setgroups`] accepts: [`ngroups_max`] supplementary
/// groups, on every platform and FreeBSD release (FreeBSD before 15.0
/// takes one entry more, the effective gid, which [`setgroups`] adds
/// itself).
#[must_use]
pub fn max_setgroups() -> usize {
    ngroups_max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gids(raw: &[u32]) -> Vec<Gid> {
        raw.iter().copied().map(Gid::from_raw).collect()
    }

    #[test]
    fn the_egid_element_is_hidden_and_restored() {
        // What FreeBSD before 15.0 returns: egid 20, then 0, 5, 20.
        assert_eq!(without_egid(&gids(&[20, 0, 5, 20])), &gids(&[0, 5, 20])[..]);
        assert_eq!(without_egid(&gids(&[20])), &[] as &[Gid]);
        assert_eq!(without_egid(&[]), &[] as &[Gid]);

        let mut out = [Gid::ROOT; 8];
        let passed = with_egid(Gid::from_raw(20), &gids(&[5, 6]), &mut out).expect("room");
        assert_eq!(passed, &gids(&[20, 5, 6])[..]);
        let passed = with_egid(Gid::from_raw(7), &[], &mut out).expect("room");
        assert_eq!(passed, &gids(&[7])[..], "clearing keeps the egid");
        // Round trip: what setgroups passes, getgroups shows without it.
        let list = gids(&[1, 2, 3, 4, 5, 6, 7]);
        let passed = with_egid(Gid::from_raw(9), &list, &mut out).expect("room").to_vec();
        assert_eq!(without_egid(&passed), &list[..]);
        // No room for the extra element: refused, never truncated.
        let mut small = [Gid::ROOT; 2];
        assert_eq!(with_egid(Gid::from_raw(9), &gids(&[1, 2]), &mut small), None);
    }

    #[test]
    #[cfg_attr(miri, ignore = "sysconf is a foreign call")]
    fn the_setgroups_limit_is_the_supplementary_one() {
        assert_eq!(max_setgroups(), ngroups_max());
    }
}
