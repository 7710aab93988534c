//! Linux's escaping against a real entry with a dot in a path component:
//! an interface named `b.<n>` puts `/proc/sys/net/ipv4/conf/b.<n>/`, whose
//! name is `net.ipv4.conf.b/<n>.forwarding`. Creating the interface needs
//! root (CI runs as root) and the `ifb` driver.
#![cfg(target_os = "linux")]

use bsd_sysctl::{sysctl, walk, Ctl};
use std::process::Command;

struct Link(String);
impl Drop for Link {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["link", "del", &self.0]).status();
    }
}

#[test]
fn a_dot_in_a_component_is_a_slash_in_the_name() {
    // SAFETY: geteuid has no side effects.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("not root: cannot create an interface; skipped");
        return;
    }
    let ifname = format!("b.{}", std::process::id() % 100_000);
    // Any virtual link type the kernel offers will do; which ones exist
    // depends on the kernel's configuration, not on this crate.
    let made = ["ifb", "dummy", "bridge"].into_iter().find(|kind| {
        Command::new("ip")
            .args(["link", "add", &ifname, "type", kind])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if made.is_none() {
        // The pure escaping is unit-tested on every host; this test only
        // adds a real entry when the kernel lets us make one.
        eprintln!("SKIPPED: this kernel offers none of ifb, dummy, bridge (or `ip` is missing)");
        return;
    }
    let _link = Link(ifname.clone());
    let (base, n) = ifname.split_once('.').unwrap();
    let name = format!("net.ipv4.conf.{base}/{n}.forwarding");
    let path = format!("/proc/sys/net/ipv4/conf/{ifname}/forwarding");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(sysctl(&name).unwrap(), text.trim_end());
    assert_eq!(
        Ctl::new(&name).unwrap().value_u32().unwrap().to_string(),
        text.trim_end()
    );
    // The walk writes it the same way, and so does procps.
    let prefix = format!("net.ipv4.conf.{base}/{n}");
    let names: Vec<String> = walk(&prefix).unwrap().map(|r| r.unwrap().into_name()).collect();
    assert!(names.contains(&name), "{names:?}");
    assert!(names.iter().all(|x| x.starts_with(&format!("{prefix}."))));
    let out = Command::new("/usr/sbin/sysctl").arg(&name).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        format!("{name} = {}", text.trim_end())
    );
    // The dotted spelling is another (missing) entry, not this one.
    assert!(sysctl(&format!("net.ipv4.conf.{ifname}.forwarding")).is_err());
}
