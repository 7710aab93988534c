//! getgroups/setgroups against the real kernel. Everything that changes the
//! group list or the uid runs in a forked helper: the test process keeps its
//! groups.

#[macro_use]
mod common;

use bsd_errno::Errno;
use bsd_proc::{getgroups, getgroups_into, group_count, max_setgroups, ngroups_max, setgroups, Gid, Uid};
use common::in_child;

fn gids(raw: impl IntoIterator<Item = u32>) -> Vec<Gid> {
    raw.into_iter().map(Gid::from_raw).collect()
}

fn is_root() -> bool {
    Uid::effective().is_root()
}

/// Whether `got` is what getgroups reports once the list is cleared:
/// nothing — or, where the list shows the effective gid in element 0
/// (DragonFly, Apple), the effective gid alone (`setgroups(0, NULL)` keeps
/// `cr_groups[0]`). FreeBSD hides it on every release.
fn is_cleared(got: &[Gid]) -> bool {
    if cfg!(any(target_os = "dragonfly", target_vendor = "apple")) {
        got.is_empty() || got == [Gid::effective()]
    } else {
        got.is_empty()
    }
}

#[test]
fn getgroups_agrees_with_the_kernel() {
    let groups = getgroups().expect("getgroups");
    assert_eq!(group_count().expect("count"), groups.len());
    let mut buf = vec![Gid::ROOT; groups.len()];
    assert_eq!(getgroups_into(&mut buf).expect("exact buffer"), groups.len());
    assert_eq!(buf, groups);
    #[cfg(target_os = "linux")]
    assert_eq!(groups, gids(common::proc_groups()), "/proc/self/status Groups:");
}

#[test]
fn ngroups_max_is_the_systems() {
    // SAFETY: sysconf reads a configuration value.
    let raw = unsafe { libc::sysconf(libc::_SC_NGROUPS_MAX) };
    assert_eq!(ngroups_max() as libc::c_long, raw);
    assert_eq!(ngroups_max(), ngroups_max(), "cached");
    #[cfg(target_os = "linux")]
    {
        let proc = std::fs::read_to_string("/proc/sys/kernel/ngroups_max").expect("ngroups_max");
        assert_eq!(ngroups_max().to_string(), proc.trim());
        assert_eq!(max_setgroups(), ngroups_max());
    }
}

#[test]
fn set_three_then_get_them_back() {
    in_child(|| {
        if !is_root() {
            let r = setgroups(&gids([10, 20, 30]));
            ensure!(r == Err(Errno::EPERM), "unprivileged setgroups: {r:?}");
            return Ok(());
        }
        let want = gids([10, 20, 30]);
        setgroups(&want).map_err(|e| format!("setgroups: {e}"))?;
        let got = getgroups().map_err(|e| format!("getgroups: {e}"))?;
        ensure!(got == want, "getgroups {got:?} != {want:?}");
        ensure!(group_count() == Ok(3), "count {:?}", group_count());
        #[cfg(target_os = "linux")]
        ensure!(
            gids(common::proc_groups()) == want,
            "/proc says {:?}",
            common::proc_groups()
        );

        // Buffers: exact, larger, too small, empty.
        let mut buf = [Gid::ROOT; 3];
        ensure!(
            getgroups_into(&mut buf) == Ok(3) && buf[..] == want[..],
            "exact: {buf:?}"
        );
        let mut big = [Gid::ROOT; 10];
        ensure!(
            getgroups_into(&mut big) == Ok(3) && big[..3] == want[..],
            "larger: {big:?}"
        );
        let mut small = [Gid::ROOT; 2];
        let r = getgroups_into(&mut small);
        ensure!(r == Err(Errno::EINVAL), "too small: {r:?}");
        let r = getgroups_into(&mut []);
        ensure!(r == Err(Errno::EINVAL), "empty buffer, 3 groups: {r:?}");

        // Order given is not order kept on every kernel (Linux sorts).
        let mut shuffled = gids([300, 100, 200]);
        setgroups(&shuffled).map_err(|e| format!("setgroups: {e}"))?;
        let mut got = getgroups().map_err(|e| format!("getgroups: {e}"))?;
        got.sort();
        shuffled.sort();
        ensure!(got == shuffled, "{got:?}");

        // The empty slice clears.
        setgroups(&[]).map_err(|e| format!("setgroups(&[]): {e}"))?;
        let got = getgroups().map_err(|e| format!("getgroups: {e}"))?;
        ensure!(is_cleared(&got), "after clearing: {got:?}");
        let empty = if got.is_empty() { Ok(0) } else { Err(Errno::EINVAL) };
        ensure!(getgroups_into(&mut []) == empty, "empty buffer after clearing");
        ensure!(group_count() == Ok(got.len()), "count after clearing");
        Ok(())
    });
}

/// Lists longer than getgroups' stack buffer, up to the system maximum;
/// one more is EINVAL.
#[test]
fn long_lists_up_to_the_maximum() {
    in_child(|| {
        if !is_root() {
            return Ok(());
        }
        let max = max_setgroups();
        for n in [65, 1000, 1024, max.min(70_000)].into_iter().filter(|&n| n <= max) {
            let want = gids(1..=n as u32);
            setgroups(&want).map_err(|e| format!("setgroups({n}): {e}"))?;
            let got = getgroups().map_err(|e| format!("getgroups({n}): {e}"))?;
            ensure!(got == want, "{n} groups: got {}", got.len());
        }
        let too_many = gids(1..=max as u32 + 1);
        let r = setgroups(&too_many);
        ensure!(r == Err(Errno::EINVAL), "max+1: {r:?}");
        Ok(())
    });
}

/// As an unprivileged user setgroups is EPERM; more than the maximum is
/// EINVAL before any system call (the kernel alone says EPERM first).
#[test]
fn unprivileged_is_eperm_and_too_many_is_einval_without_a_syscall() {
    in_child(|| {
        let was_root = is_root();
        if was_root {
            setgroups(&[]).map_err(|e| format!("drop groups: {e}"))?;
            // SAFETY: setgid/setuid take plain ids.
            let ok = unsafe { libc::setgid(65534) == 0 && libc::setuid(65534) == 0 };
            ensure!(ok, "setuid: {}", std::io::Error::last_os_error());
        }
        ensure!(!is_root(), "still root");
        let r = setgroups(&gids([1, 2, 3]));
        ensure!(r == Err(Errno::EPERM), "unprivileged setgroups: {r:?}");
        let r = setgroups(&[]);
        ensure!(r == Err(Errno::EPERM), "unprivileged clear: {r:?}");
        let too_many = gids(1..=max_setgroups() as u32 + 1);
        let r = setgroups(&too_many);
        ensure!(r == Err(Errno::EINVAL), "max+1 unprivileged: {r:?}");
        #[cfg(target_os = "linux")]
        {
            // SAFETY: the pointer is valid for `len` gids.
            let raw = unsafe { libc::setgroups(too_many.len(), too_many.as_ptr().cast()) };
            let e = Errno::last();
            ensure!(
                raw == -1 && e == Errno::EPERM,
                "the kernel checks privilege first: {raw} {e:?}"
            );
        }
        // Reading needs no privilege.
        let got = getgroups().map_err(|e| format!("getgroups: {e}"))?;
        ensure!(!was_root || is_cleared(&got), "groups dropped as root: {got:?}");
        Ok(())
    });
}

/// getgroups() while another thread keeps changing the list between 10 and
/// 200 groups (above the stack buffer): every read is one of the two lists,
/// never an error.
#[test]
fn getgroups_survives_a_concurrent_setgroups() {
    in_child(|| {
        if !is_root() {
            return Ok(());
        }
        let small = gids(1..=10);
        let large = gids(1..=200);
        setgroups(&small).map_err(|e| e.to_string())?;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flipper = {
            let stop = stop.clone();
            let (small, large) = (small.clone(), large.clone());
            std::thread::spawn(move || {
                let mut flips = 0u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let list = if flips % 2 == 0 { &large } else { &small };
                    if setgroups(list).is_err() {
                        return Err(flips);
                    }
                    flips += 1;
                }
                Ok(flips)
            })
        };
        let mut reads = 0;
        let mut result = Ok(());
        for _ in 0..3000 {
            match getgroups() {
                Ok(g) if g == small || g == large => reads += 1,
                Ok(g) => {
                    result = Err(format!("a torn list of {}", g.len()));
                    break;
                }
                Err(e) => {
                    result = Err(format!("getgroups failed under a concurrent setgroups: {e}"));
                    break;
                }
            }
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let flips = flipper.join().map_err(|_| "flipper panicked")?;
        result?;
        ensure!(flips.is_ok(), "setgroups failed in the flipper: {flips:?}");
        ensure!(reads == 3000, "{reads}");
        Ok(())
    });
}
