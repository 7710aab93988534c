//! Nothing leaks: every descriptor opened by a read, a `Ctl`, a walk or a
//! failed call is closed. One test, alone in its binary, so no other test
//! opens descriptors meanwhile.

use bsd_sysctl::{sysctl, sysctl_bytes, sysctl_u32, walk, Ctl};

#[cfg(target_os = "linux")]
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}
#[cfg(not(target_os = "linux"))]
fn open_fds() -> usize {
    std::fs::read_dir("/dev/fd").unwrap().count()
}

#[test]
fn nothing_leaks() {
    // Warm up what std or libc open once.
    let _ = sysctl("kern.ostype");
    let base = open_fds();
    for _ in 0..3 {
        let _ = sysctl("kern.ostype").unwrap();
        let _ = sysctl_bytes("kern.boottime").unwrap();
        let _ = sysctl_u32("hw.ncpu").unwrap();
        let _ = sysctl("nonexistent_bsd_sysctl.x").unwrap_err();
        let _ = sysctl("..").unwrap_err();
        let ctls: Vec<Ctl> = ["kern.ostype", "vm.loadavg", "hw.ncpu", "kern.maxfiles"]
            .iter()
            .map(|n| Ctl::new(n).unwrap())
            .collect();
        for c in &ctls {
            let _ = c.value().unwrap();
        }
        drop(ctls);
        let mut n = 0;
        for node in walk("").unwrap() {
            let Ok(node) = node else { continue };
            if let Ok(ctl) = node.ctl() {
                let _ = ctl.value_bytes();
            }
            n += 1;
        }
        assert!(n > 10);
        // A walk dropped half way closes its directories.
        let mut w = walk("").unwrap();
        let _ = w.next();
        drop(w);
        #[cfg(target_os = "linux")]
        {
            let _ = sysctl("vm.drop_caches").unwrap_err();
            let c = Ctl::new("vm.drop_caches").unwrap();
            let _ = c.value().unwrap_err();
        }
    }
    assert_eq!(open_fds(), base);
}
