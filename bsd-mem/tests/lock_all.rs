//! `lock_all` / `unlock_all` (`mlockall`): process-wide, so in a forked
//! child; alone in its binary, so no other test holds the registry's locks
//! (or the allocator's) when it forks.

mod common;

use bsd_errno::Errno;
use bsd_mem::Mapping;
use common::in_child;

fn page() -> usize {
    bsd_mem::page_size()
}

#[test]
fn lock_all_and_unlock_all_in_a_child() {
    // Process-wide: in a forked child.
    let status = in_child(|| {
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        let r = bsd_mem::lock_all(bsd_mem::LockAllFlags::CURRENT | bsd_mem::LockAllFlags::FUTURE);
        match r {
            Ok(()) => {}
            Err(Errno::ENOMEM | Errno::EPERM | Errno::EAGAIN) if !root => return 0,
            Err(_) => return 1,
        }
        let m = match Mapping::anonymous(4 * page()) {
            Ok(m) => m,
            Err(_) => return 2,
        };
        // Locked at once: VmLck in /proc/self/status counts it.
        #[cfg(target_os = "linux")]
        {
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let kb: usize = status
                .lines()
                .find_map(|l| l.strip_prefix("VmLck:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .unwrap_or(0);
            if kb * 1024 < 4 * page() {
                return 3;
            }
        }
        drop(m);
        if bsd_mem::unlock_all().is_err() {
            return 4;
        }
        if bsd_mem::lock_all(bsd_mem::LockAllFlags::empty()) != Err(Errno::EINVAL) {
            return 5;
        }
        0
    });
    assert!(libc::WIFEXITED(status), "child died: {status:#x}");
    assert_eq!(libc::WEXITSTATUS(status), 0);
}
