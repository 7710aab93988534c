//! Names: validation, and Linux's escaping between a sysctl name and a path
//! below `/proc/sys`.
//!
//! Everything here is pure and compiled on every host.

use bsd_errno::{Errno, Result};

/// The most components a name may have on this platform (`CTL_MAXNAME`).
///
/// FreeBSD 24; DragonFly, NetBSD, OpenBSD and Apple 12; Linux 10 (the value
/// of its retired binary `sysctl(2)` interface, deeper than any `/proc/sys`
/// entry).
#[cfg(target_os = "freebsd")]
pub const CTL_MAXNAME: usize = libc::CTL_MAXNAME as usize;
/// The most components a name may have on this platform (`CTL_MAXNAME`).
///
/// FreeBSD 24; DragonFly, NetBSD, OpenBSD and Apple 12; Linux 10 (the value
/// of its retired binary `sysctl(2)` interface, deeper than any `/proc/sys`
/// entry).
#[cfg(any(target_os = "netbsd", target_os = "openbsd"))]
pub const CTL_MAXNAME: usize = libc::CTL_MAXNAME as usize;
/// The most components a name may have on this platform (`CTL_MAXNAME`).
///
/// FreeBSD 24; DragonFly, NetBSD, OpenBSD and Apple 12; Linux 10 (the value
/// of its retired binary `sysctl(2)` interface, deeper than any `/proc/sys`
/// entry).
// `libc` does not define it for DragonFly or Apple: 12 in both
// <sys/sysctl.h> (DragonFly's `sys/sys/sysctl.h` line 55; xnu's
// `bsd/sys/sysctl.h`).
#[cfg(any(target_os = "dragonfly", target_vendor = "apple"))]
pub const CTL_MAXNAME: usize = 12;
/// The most components a name may have on this platform (`CTL_MAXNAME`).
///
/// FreeBSD 24; DragonFly, NetBSD, OpenBSD and Apple 12; Linux 10 (the value
/// of its retired binary `sysctl(2)` interface, deeper than any `/proc/sys`
/// entry).
// <linux/sysctl.h>: `#define CTL_MAXNAME 10`; `libc` does not bind it.
#[cfg(not(any(
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd",
    target_vendor = "apple"
)))]
pub const CTL_MAXNAME: usize = 10;

/// Where the Linux tree lives, with its trailing slash.
#[cfg(any(test, target_os = "linux", target_os = "android"))]
pub(crate) const PROC_SYS: &[u8] = b"/proc/sys/";

/// Checks a name and returns its number of components.
///
/// A valid name is non-empty, has no empty component (no leading, trailing
/// or doubled `.`), no NUL, does not start with `/`, and has at most `max`
/// components. With `linux`, no component may stand for `.` or `..` once
/// escaped into a path component (`/` and `//`), so the name can never
/// leave `/proc/sys`.
pub(crate) fn validate(name: &str, max: usize, linux: bool) -> Result<usize> {
    if name.is_empty() || name.starts_with('/') || name.as_bytes().contains(&0) {
        return Err(Errno::EINVAL);
    }
    let mut n = 0;
    for comp in name.split('.') {
        n += 1;
        if comp.is_empty() || n > max {
            return Err(Errno::EINVAL);
        }
        // Escaped into a path component, `/` is `.` and `//` is `..`.
        if linux && (comp == "/" || comp == "//") {
            return Err(Errno::EINVAL);
        }
    }
    Ok(n)
}

/// Checks a walk prefix: the empty prefix (the whole tree) or a valid name.
pub(crate) fn validate_prefix(prefix: &str, max: usize, linux: bool) -> Result<usize> {
    if prefix.is_empty() {
        Ok(0)
    } else {
        validate(prefix, max, linux)
    }
}

/// Linux's escaping, both ways: `.` and `/` swap places.
///
/// A name's separators (`.`) are a path's (`/`), and a `.` inside a path
/// component (`eth0.100`) is written `/` in the name (`eth0/100`), as
/// procps' sysctl(8) does. The mapping is its own inverse.
#[cfg(any(test, target_os = "linux", target_os = "android"))]
#[inline]
pub(crate) fn swap_separator(b: u8) -> u8 {
    match b {
        b'.' => b'/',
        b'/' => b'.',
        other => other,
    }
}

/// Writes `/proc/sys/<path of name>\0` into `buf` and returns the length
/// without the NUL, or `ENAMETOOLONG` if it does not fit. The name must have
/// been checked with [`validate`] (with `linux`).
#[cfg(any(test, target_os = "linux", target_os = "android"))]
pub(crate) fn linux_path(name: &str, buf: &mut [u8]) -> Result<usize> {
    let len = PROC_SYS.len() + name.len();
    let out = buf.get_mut(..=len).ok_or(Errno::ENAMETOOLONG)?;
    let (head, rest) = out.split_at_mut(PROC_SYS.len());
    head.copy_from_slice(PROC_SYS);
    for (o, &b) in rest.iter_mut().zip(name.as_bytes()) {
        *o = swap_separator(b);
    }
    if let Some(last) = rest.last_mut() {
        *last = 0;
    }
    Ok(len)
}

/// The name of the entry at `rel`, a path relative to `/proc/sys`
/// (`net/ipv4/conf/eth0.100/forwarding` → `net.ipv4.conf.eth0/100.forwarding`).
#[cfg(any(test, target_os = "linux", target_os = "android"))]
pub(crate) fn linux_name(rel: &[u8]) -> Option<String> {
    let swapped: Vec<u8> = rel.iter().map(|&b| swap_separator(b)).collect();
    String::from_utf8(swapped).ok()
}

/// Calls `f` with `s` as a NUL-terminated C string, through a stack buffer
/// when it is short. An interior NUL is `EINVAL`.
#[cfg(any(
    test,
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_vendor = "apple"
))]
pub(crate) fn with_c_str<T>(s: &[u8], f: impl FnOnce(&core::ffi::CStr) -> Result<T>) -> Result<T> {
    let mut stack = [0u8; 256];
    if s.len() < stack.len() {
        let buf = stack.get_mut(..=s.len()).ok_or(Errno::EINVAL)?;
        let (body, nul) = buf.split_at_mut(s.len());
        body.copy_from_slice(s);
        if let Some(n) = nul.first_mut() {
            *n = 0;
        }
        let c = core::ffi::CStr::from_bytes_with_nul(buf).map_err(|_| Errno::EINVAL)?;
        f(c)
    } else {
        let c = std::ffi::CString::new(s).map_err(|_| Errno::EINVAL)?;
        f(&c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_names_count_components() {
        assert_eq!(validate("kernel.ostype", 10, true), Ok(2));
        assert_eq!(validate("kern", 10, false), Ok(1));
        assert_eq!(validate("net.ipv4.conf.eth0/100.forwarding", 10, true), Ok(5));
        assert_eq!(validate("a.b.c.d.e.f.g.h.i.j", 10, true), Ok(10));
    }

    #[test]
    fn bad_names_are_einval() {
        for bad in [
            "",
            ".",
            "..",
            "kernel..ostype",
            ".kernel",
            "kernel.",
            "../etc/passwd",
            "kernel/../../etc",
            "/proc/sys/kernel",
            "/",
            "kernel\0ostype",
            "net.ipv4.conf./.forwarding",
            "net.ipv4.conf.//.forwarding",
            "a.b.c.d.e.f.g.h.i.j.k",
        ] {
            assert_eq!(validate(bad, 10, true), Err(Errno::EINVAL), "{bad:?}");
        }
        // Only Linux's escaping turns "/" into a path's ".".
        assert_eq!(validate("net./", 10, false), Ok(2));
        assert_eq!(validate("a.b.c.d.e.f.g.h.i.j.k.l", 12, false), Ok(12));
        assert_eq!(validate("a.b.c.d.e.f.g.h.i.j.k.l.m", 12, false), Err(Errno::EINVAL));
        assert_eq!(validate_prefix("", 10, true), Ok(0));
        assert_eq!(validate_prefix("..", 10, true), Err(Errno::EINVAL));
    }

    #[test]
    fn every_bad_name_stays_inside_proc_sys() {
        // The checks above are what keep a path inside /proc/sys: a valid
        // name's path has no "." or ".." component and no "//".
        for name in ["kernel.ostype", "net.ipv4.conf.eth0/100.forwarding", "a/b/c.d", "x.///"] {
            if validate(name, 10, true).is_err() {
                continue;
            }
            let mut buf = [0u8; 128];
            let n = linux_path(name, &mut buf).unwrap();
            let path = std::str::from_utf8(&buf[..n]).unwrap();
            let rel = path.strip_prefix("/proc/sys/").unwrap();
            for comp in rel.split('/') {
                assert!(!comp.is_empty() && comp != "." && comp != "..", "{name:?} → {path:?}");
            }
        }
    }

    #[test]
    fn linux_escaping_round_trips() {
        let mut buf = [0u8; 128];
        let n = linux_path("net.ipv4.conf.eth0/100.forwarding", &mut buf).unwrap();
        assert_eq!(&buf[..n], b"/proc/sys/net/ipv4/conf/eth0.100/forwarding");
        assert_eq!(buf[n], 0);
        assert_eq!(
            linux_name(b"net/ipv4/conf/eth0.100/forwarding").as_deref(),
            Some("net.ipv4.conf.eth0/100.forwarding")
        );
        assert_eq!(linux_name(b"kernel/ostype").as_deref(), Some("kernel.ostype"));
        assert_eq!(linux_name(&[0xff]), None);
    }

    #[test]
    fn linux_path_too_long() {
        let mut buf = [0u8; 16];
        assert_eq!(linux_path("kernel.ostype", &mut buf), Err(Errno::ENAMETOOLONG));
        let mut buf = [0u8; 24];
        // "/proc/sys/kernel/ostype" is 23 bytes: exactly fits with its NUL.
        assert_eq!(linux_path("kernel.ostype", &mut buf), Ok(23));
    }

    #[test]
    fn c_strings() {
        assert_eq!(with_c_str(b"kern.ostype", |c| Ok(c.to_bytes().len())), Ok(11));
        assert_eq!(with_c_str(b"a\0b", |_| Ok(())), Err(Errno::EINVAL));
        let long = vec![b'x'; 1000];
        assert_eq!(with_c_str(&long, |c| Ok(c.to_bytes().len())), Ok(1000));
        let mut long_nul = long.clone();
        long_nul[500] = 0;
        assert_eq!(with_c_str(&long_nul, |_| Ok(())), Err(Errno::EINVAL));
    }
}
