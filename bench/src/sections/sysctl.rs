//! The `sysctl` section: `bsd-sysctl` live on this machine — the BSD names
//! every system has, printed as sysctl(8) prints them, and the size of the
//! tree — then the cost of reading `kernel.ostype` repeatedly: a kept-open
//! [`Ctl`](bsd_sysctl::Ctl) against the `pread` floor, and by name against
//! open+read+close, the `sysctl` crate and `std::fs::read_to_string`.

use crate::{Compare, Report};

/// Runs the section.
pub fn run(r: &mut Report) {
    r.section("sysctl", "bsd-sysctl");
    for name in [
        "kern.ostype",
        "kern.osrelease",
        "hw.ncpu",
        "hw.physmem",
        "kern.boottime",
        "vm.loadavg",
    ] {
        match bsd_sysctl::Ctl::new(name).and_then(|c| c.value()) {
            Ok(v) => r.say(format_args!("   {name}: {v}")),
            Err(e) => r.failed(name, &e),
        }
    }
    match bsd_sysctl::walk("") {
        Ok(walk) => {
            let (mut nodes, mut errors) = (0usize, 0usize);
            for n in walk {
                match n {
                    Ok(_) => nodes += 1,
                    Err(_) => errors += 1,
                }
            }
            r.say(format_args!("   walk(\"\"): {nodes} nodes ({errors} errors)"));
        }
        Err(e) => r.failed("walk(\"\")", &e),
    }

    #[cfg(target_os = "linux")]
    linux(r);
}

#[cfg(target_os = "linux")]
fn linux(r: &mut Report) {
    use std::time::Duration;
    let (ctl, raw) = match (bsd_sysctl::Ctl::new(ops::NAME), ops::RawFile::open()) {
        (Ok(c), Ok(f)) => (c, f),
        (Err(e), _) => return r.failed("Ctl::new(kernel.ostype)", &e),
        (_, Err(e)) => return r.failed("open /proc/sys/kernel/ostype", &e),
    };
    let mut buf = [0u8; 64];
    r.compare(
        Compare::new("sysctl", "read kernel.ostype, kept open")
            .budget(Duration::from_millis(2000))
            .ours("Ctl::value_string", || ops::ctl_string(&ctl))
            .ours("Ctl::read (no alloc)", || ops::ctl_read(&ctl, &mut buf))
            .raw("pread", || ops::raw_pread(&raw))
            .peer("sysctl crate", ops::peer_sysctl),
    );
    r.compare(
        Compare::new("sysctl", "read kernel.ostype by name")
            .budget(Duration::from_millis(2000))
            .ours("sysctl()", ops::by_name)
            .raw("open+read+close", ops::raw_open_read_close)
            .peer("std read_to_string", ops::std_read_to_string)
            .peer("sysctl crate", ops::peer_sysctl),
    );
}

/// The operations compared, shared with `benches/sysctl.rs`. Each reads
/// `kernel.ostype` and returns what it read (kept from the optimiser).
#[cfg(target_os = "linux")]
pub mod ops {
    use std::hint::black_box;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    /// The entry every comparison reads.
    pub const NAME: &str = "kernel.ostype";
    const PATH: &std::ffi::CStr = c"/proc/sys/kernel/ostype";

    /// `/proc/sys/kernel/ostype`, kept open: the floor's file.
    #[derive(Debug)]
    pub struct RawFile(OwnedFd);

    impl RawFile {
        /// Opens the file.
        pub fn open() -> bsd_errno::Result<RawFile> {
            // SAFETY: PATH is NUL-terminated.
            let fd = bsd_errno::check(unsafe { libc::open(PATH.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) })?;
            // SAFETY: the descriptor was just opened and is ours.
            Ok(RawFile(unsafe { OwnedFd::from_raw_fd(fd) }))
        }
    }

    /// Ours, kept open: `Ctl::value_string` (one `pread`, one `String`).
    pub fn ctl_string(ctl: &bsd_sysctl::Ctl) {
        black_box(ctl.value_string().ok());
    }

    /// Ours, kept open, no allocation: `Ctl::read` into a buffer.
    pub fn ctl_read(ctl: &bsd_sysctl::Ctl, buf: &mut [u8]) {
        black_box(ctl.read(buf).ok());
        black_box(buf);
    }

    /// The floor: `pread(fd, buf, 0)` on the kept-open file.
    pub fn raw_pread(f: &RawFile) {
        let mut buf = [0u8; 512];
        // SAFETY: buf is writable for its length.
        let n = unsafe { libc::pread(f.0.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
        black_box((n, &buf));
    }

    /// Ours by name: `sysctl("kernel.ostype")`.
    pub fn by_name() {
        black_box(bsd_sysctl::sysctl(NAME).ok());
    }

    /// The floor by name: open, read, close.
    pub fn raw_open_read_close() {
        let mut buf = [0u8; 512];
        // SAFETY: PATH is NUL-terminated; buf is writable; the descriptor
        // is closed once.
        unsafe {
            let fd = libc::open(PATH.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
            let n = libc::read(fd, buf.as_mut_ptr().cast(), buf.len());
            libc::close(fd);
            black_box((n, &buf));
        }
    }

    /// `std::fs::read_to_string`.
    pub fn std_read_to_string() {
        black_box(std::fs::read_to_string("/proc/sys/kernel/ostype").ok());
    }

    /// The `sysctl` crate: `Ctl::new(..).value_string()` (it resolves on
    /// every read).
    pub fn peer_sysctl() {
        use sysctl::Sysctl as _;
        black_box(sysctl::Ctl::new(NAME).and_then(|c| c.value_string()).ok());
    }
}
