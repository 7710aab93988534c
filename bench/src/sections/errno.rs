//! The `errno` section: a real failing call, its `Errno`, name and message;
//! then the cost of reading errno and formatting it with its name, against
//! the raw C calls, `std::io::Error` and `nix`.

use crate::{Compare, Report};
use bsd_errno::{check, Errno};

/// Runs the section.
pub fn run(r: &mut Report) {
    r.section("errno", "bsd-errno");
    let path = c"/nonexistent/bsd-rs-report";
    // SAFETY: `path` is a NUL-terminated string; open fails (ENOENT).
    let res = check(unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) });
    match res {
        Ok(fd) => {
            // SAFETY: the unexpected descriptor is ours to close.
            unsafe { libc::close(fd) };
            r.say(format_args!("   open({path:?}) unexpectedly succeeded"));
        }
        Err(e) => {
            r.say(format_args!(
                "   open({path:?}) failed: {:?} = {} — \"{e}\"",
                e,
                e.name().unwrap_or("?")
            ));
            let io: std::io::Error = e.into();
            r.say(format_args!("   as std::io::Error: kind {:?}, \"{io}\"", io.kind()));
        }
    }
    // SAFETY: closing an invalid descriptor touches nothing.
    let e = check(unsafe { libc::close(-1) }).err();
    r.say(format_args!(
        "   close(-1): {e:?}; this platform's table has {} names",
        Errno::all().count()
    ));

    let (mut a, mut b, mut c, mut d) = (String::new(), String::new(), String::new(), String::new());
    r.compare(
        Compare::new("errno", "errno → name + message")
            .ours("bsd-errno", || ops::ours(&mut a))
            .raw("errno+strerrorname_np+strerror_r", || ops::raw(&mut b))
            .peer("std io::Error", || ops::std(&mut c))
            .peer("nix", || ops::nix(&mut d)),
    );
}

/// The operations compared, shared with `benches/errno.rs`: after a failed
/// call (ENOENT), read errno and write `NAME: message (os error N)` into a
/// reused string. `std` has no names, so it writes the message only; `nix`
/// writes its own static English text instead of the system's message.
pub mod ops {
    use bsd_errno::Errno;
    use std::fmt::Write as _;
    use std::hint::black_box;

    extern "C" {
        // glibc ≥ 2.32; not bound by `libc`.
        fn strerrorname_np(errnum: libc::c_int) -> *const libc::c_char;
    }

    /// `Errno::last()`, `name()`, `Display`.
    pub fn ours(s: &mut String) {
        Errno::set_last(Errno::ENOENT);
        let e = Errno::last();
        s.clear();
        let _ = write!(s, "{}: {e}", e.name().unwrap_or(""));
        black_box(s);
    }

    /// errno, `strerrorname_np`, `strerror_r`, by hand.
    pub fn raw(s: &mut String) {
        Errno::set_last(Errno::ENOENT);
        let e = black_box(Errno::last().raw());
        let mut buf = [0u8; 256];
        // SAFETY: buf is writable for its length; strerrorname_np returns a
        // static string or NULL.
        let name = unsafe {
            libc::strerror_r(e, buf.as_mut_ptr().cast(), buf.len());
            strerrorname_np(e)
        };
        let name = if name.is_null() {
            ""
        } else {
            // SAFETY: a non-null result is a static NUL-terminated string.
            unsafe { std::ffi::CStr::from_ptr(name) }.to_str().unwrap_or("")
        };
        let n = buf.iter().position(|&b| b == 0).unwrap_or(0);
        s.clear();
        let _ = write!(
            s,
            "{name}: {} (os error {e})",
            std::str::from_utf8(&buf[..n]).unwrap_or("")
        );
        black_box(s);
    }

    /// `std::io::Error::last_os_error()` and `Display`.
    pub fn std(s: &mut String) {
        Errno::set_last(Errno::ENOENT);
        let e = std::io::Error::last_os_error();
        s.clear();
        let _ = write!(s, "{e}");
        black_box(s);
    }

    /// `nix::errno::Errno::last()` and `Display`.
    pub fn nix(s: &mut String) {
        Errno::set_last(Errno::ENOENT);
        let e = nix::errno::Errno::last();
        s.clear();
        let _ = write!(s, "{e}");
        black_box(s);
    }
}
