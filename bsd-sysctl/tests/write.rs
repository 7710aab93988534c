//! Writes: as root, a real write of a value's current value; as an
//! unprivileged child, EACCES/EPERM. One test, alone in its binary: it
//! forks.
#![cfg(target_os = "linux")]

use bsd_sysctl::{sysctl, Ctl, Errno, Value};

/// A harmless writable entry: rate limiting of kernel messages.
const NAME: &str = "kernel.printk_ratelimit_burst";

fn as_unprivileged_child(f: fn() -> i32) -> i32 {
    // SAFETY: the child only calls async-signal-safe functions and our
    // crate's write path (open, pwrite, close) before _exit; the parent
    // waits for it.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        // SAFETY: in the child: drop to nobody, run, exit without unwinding.
        unsafe {
            let code =
                if libc::setgroups(0, std::ptr::null()) == 0 && libc::setgid(65534) == 0 && libc::setuid(65534) == 0 {
                    f()
                } else {
                    99
                };
            libc::_exit(code);
        }
    }
    let mut status = 0;
    // SAFETY: `status` is writable; `pid` is our child.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(libc::WIFEXITED(status), "child died: {status:#x}");
    libc::WEXITSTATUS(status)
}

#[test]
fn writes() {
    // SAFETY: geteuid has no side effects.
    if unsafe { libc::geteuid() } != 0 {
        // Not root: the unprivileged case is all we can check.
        let ctl = Ctl::new(NAME).unwrap();
        let err = ctl.set_value(ctl.value_u32().unwrap()).unwrap_err();
        assert!(err == Errno::EACCES || err == Errno::EPERM, "{err:?}");
        return;
    }
    let ctl = Ctl::new(NAME).unwrap();
    assert!(ctl.writable());
    let before = ctl.value_u32().unwrap();
    // A real write that changes nothing, through every form.
    ctl.set_value(before).unwrap();
    ctl.set_value(Value::U64(u64::from(before))).unwrap();
    ctl.set_value(before.to_string()).unwrap();
    ctl.set_bytes(format!("{before}\n").as_bytes()).unwrap();
    assert_eq!(ctl.value_u32().unwrap(), before);
    // A change is seen by the same Ctl's next read, then undone.
    ctl.set_value(before + 1).unwrap();
    assert_eq!(ctl.value_u32().unwrap(), before + 1);
    assert_eq!(sysctl(NAME).unwrap(), (before + 1).to_string());
    ctl.set_value(before).unwrap();
    assert_eq!(ctl.value_u32().unwrap(), before);
    // The kernel rejects what is not a number.
    assert_eq!(ctl.set_value("not a number"), Err(Errno::EINVAL));
    // Values that have no text form, and text with a NUL.
    assert_eq!(
        ctl.set_value(Value::Struct {
            format: "S,x".into(),
            bytes: vec![1]
        }),
        Err(Errno::EINVAL)
    );
    assert_eq!(ctl.set_value("1\u{0}2"), Err(Errno::EINVAL));
    // A read-only entry, and a computed alias.
    assert_eq!(
        Ctl::new("kernel.ostype").unwrap().set_value("Linux"),
        Err(Errno::EACCES)
    );
    assert_eq!(Ctl::new("hw.ncpu").unwrap().set_value(1), Err(Errno::EPERM));
    // A BSD alias with a file writes the file: the hostname, to itself.
    let host = Ctl::new("kern.hostname").unwrap();
    let name = host.value_string().unwrap();
    host.set_value(name.as_str()).unwrap();
    assert_eq!(host.value_string().unwrap(), name);

    // An unprivileged process may not write, by any path.
    let code = as_unprivileged_child(|| {
        let Ok(ctl) = Ctl::new(NAME) else { return 2 };
        let Ok(v) = ctl.value_u32() else { return 3 };
        match ctl.set_value(v) {
            Err(Errno::EACCES | Errno::EPERM) => {}
            _ => return 4,
        }
        match Ctl::new("kern.hostname").map(|c| c.set_value("x")) {
            Ok(Err(Errno::EACCES | Errno::EPERM)) => 0,
            _ => 5,
        }
    });
    assert_eq!(code, 0, "the unprivileged child could write, or failed otherwise");
}
