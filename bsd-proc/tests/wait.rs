//! wait4, waitid, pidfd: real children, real kernel.

#[macro_use]
mod common;

use bsd_errno::Errno;
use bsd_proc::{getrusage, wait4, waitid, ChildCode, Rusage, WaitEvent, WaitId, WaitOptions, Waited, Who};
use common::{assert_libc_agrees, fork_child, in_child, kill, paused_child};

fn reap(pid: libc::pid_t, options: WaitOptions) -> Waited {
    let w = wait4(pid, options)
        .unwrap_or_else(|e| panic!("wait4({pid}): {e}"))
        .unwrap_or_else(|| panic!("wait4({pid}) reported nothing"));
    assert_eq!(w.pid, pid);
    assert_libc_agrees(w.status);
    w
}

#[test]
fn exit_codes() {
    for code in [0, 1, 3, 255] {
        let pid = fork_child(move || code);
        let w = reap(pid, WaitOptions::empty());
        assert_eq!(w.status.event(), WaitEvent::Exited(code));
        assert!(w.status.exited());
        assert_eq!(w.status.exit_status(), Some(code));
        assert!(!w.status.signaled() && !w.status.stopped() && !w.status.continued());
        assert_eq!(w.status.signal(), None);
        assert_eq!(w.status.trap_cause(), None);
        assert_eq!(w.status.raw(), code << 8, "every kernel writes code << 8");
    }
}

#[test]
fn killed_by_sigkill_and_sigterm() {
    for sig in [libc::SIGKILL, libc::SIGTERM] {
        let pid = paused_child(false);
        kill(pid, sig);
        let w = reap(pid, WaitOptions::empty());
        assert_eq!(
            w.status.event(),
            WaitEvent::Signaled {
                signal: sig,
                core_dumped: false
            }
        );
        assert_eq!(w.status.signal(), Some(sig));
        assert!(!w.status.core_dumped());
        assert_eq!(w.status.exit_status(), None);
    }
}

/// A child that raises a core-dumping signal with RLIMIT_CORE raised, in a
/// directory of its own. If the machine's `core_pattern` writes a core
/// there, the bit must say so; in every case our bit must equal the
/// kernel's own (`WCOREDUMP` on the real word).
#[test]
fn core_dumps() {
    for sig in [libc::SIGABRT, libc::SIGQUIT] {
        // SAFETY: getpid cannot fail.
        let dir = std::env::temp_dir().join(format!("bsd-proc-core-{}-{sig}", unsafe { libc::getpid() }));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let cdir = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).expect("no NUL");
        let pid = fork_child(|| {
            let lim = libc::rlimit {
                rlim_cur: libc::RLIM_INFINITY,
                rlim_max: libc::RLIM_INFINITY,
            };
            // SAFETY: `lim` and `cdir` are valid; raise ends the process.
            unsafe {
                libc::setrlimit(libc::RLIMIT_CORE, &lim);
                libc::chdir(cdir.as_ptr());
                libc::raise(sig);
            }
            100
        });
        let w = reap(pid, WaitOptions::empty());
        let core_written = std::fs::read_dir(&dir)
            .expect("read temp dir")
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().starts_with("core"));
        std::fs::remove_dir_all(&dir).expect("remove temp dir");
        let WaitEvent::Signaled { signal, core_dumped } = w.status.event() else {
            panic!("{:?}", w.status)
        };
        assert_eq!(signal, sig);
        assert_eq!(core_dumped, w.status.raw() & 0o200 != 0, "the kernel's own core bit");
        #[cfg(target_os = "linux")]
        assert_eq!(core_dumped, libc::WCOREDUMP(w.status.raw()));
        if core_written {
            assert!(
                core_dumped,
                "a core file was written but the bit says no: {:?}",
                w.status
            );
        }
        eprintln!(
            "signal {sig}: core file written: {core_written}; kernel core bit: {core_dumped} (core_pattern {:?})",
            std::fs::read_to_string("/proc/sys/kernel/core_pattern")
                .unwrap_or_default()
                .trim()
        );
    }
}

#[test]
fn stopped_and_continued() {
    let pid = paused_child(true);
    for sig in [libc::SIGSTOP, libc::SIGTSTP, libc::SIGTTIN] {
        kill(pid, sig);
        let w = reap(pid, WaitOptions::UNTRACED);
        assert_eq!(w.status.event(), WaitEvent::Stopped(sig), "{:?}", w.status);
        assert!(w.status.stopped() && !w.status.continued());
        assert_eq!(w.status.stop_signal(), Some(sig));
        assert_eq!(w.status.trap_cause(), None);
        assert_eq!(w.status.raw() & 0xffff, (sig << 8) | 0o177, "the kernel's stop word");

        kill(pid, libc::SIGCONT);
        let w = reap(pid, WaitOptions::CONTINUED);
        assert_eq!(w.status.event(), WaitEvent::Continued, "{:?}", w.status);
        assert!(w.status.continued() && !w.status.stopped() && !w.status.signaled());
        assert_eq!(w.status.stop_signal(), None);
    }
    kill(pid, libc::SIGKILL);
    let w = reap(pid, WaitOptions::UNTRACED | WaitOptions::CONTINUED);
    assert_eq!(w.status.signal(), Some(libc::SIGKILL));
}

#[test]
fn nohang_on_a_running_child_is_none() {
    let pid = paused_child(false);
    assert!(wait4(pid, WaitOptions::NOHANG).expect("wait4").is_none());
    assert!(wait4(
        pid,
        WaitOptions::NOHANG | WaitOptions::UNTRACED | WaitOptions::CONTINUED
    )
    .expect("wait4")
    .is_none());
    assert_eq!(
        waitid(WaitId::Pid(pid), WaitOptions::EXITED | WaitOptions::NOHANG).expect("waitid"),
        None
    );
    kill(pid, libc::SIGKILL);
    reap(pid, WaitOptions::empty());
}

#[test]
fn no_children_is_echild() {
    // pid 1 is never our child.
    assert_eq!(wait4(1, WaitOptions::empty()).map(|_| ()), Err(Errno::ECHILD));
    assert_eq!(waitid(WaitId::Pid(1), WaitOptions::EXITED), Err(Errno::ECHILD));
    // A helper without children: "any child" is ECHILD too.
    in_child(|| {
        let r = wait4(-1, WaitOptions::empty()).map(|_| ());
        ensure!(r == Err(Errno::ECHILD), "wait4(-1): {r:?}");
        let r = wait4(-1, WaitOptions::NOHANG).map(|_| ());
        ensure!(r == Err(Errno::ECHILD), "wait4(-1, NOHANG): {r:?}");
        let r = waitid(WaitId::All, WaitOptions::EXITED);
        ensure!(r == Err(Errno::ECHILD), "waitid(All): {r:?}");
        Ok(())
    });
}

#[test]
fn bad_arguments_are_einval() {
    for id in [WaitId::Pid(0), WaitId::Pid(-1), WaitId::Pgid(-5)] {
        assert_eq!(waitid(id, WaitOptions::EXITED), Err(Errno::EINVAL), "{id:?}");
    }
    // waitid needs an event to wait for.
    let pid = paused_child(false);
    assert_eq!(waitid(WaitId::Pid(pid), WaitOptions::NOHANG), Err(Errno::EINVAL));
    // Unknown option bits are kept and rejected by the kernel.
    let bogus = WaitOptions::from_bits_retain(0x0010_0000);
    assert_eq!(bogus.bits(), 0x0010_0000);
    assert_eq!(wait4(pid, bogus).map(|_| ()), Err(Errno::EINVAL));
    kill(pid, libc::SIGKILL);
    reap(pid, WaitOptions::empty());
}

extern "C" fn on_alarm(_: libc::c_int) {}

#[test]
fn eintr_is_returned_not_retried() {
    in_child(|| {
        let pid = paused_child(false);
        // SAFETY: a zeroed sigaction is valid; the handler does nothing and
        // SA_RESTART is deliberately not set, so the wait is interrupted.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_alarm as extern "C" fn(libc::c_int) as usize;
            libc::sigaction(libc::SIGALRM, &sa, std::ptr::null_mut());
            let t = libc::itimerval {
                it_interval: libc::timeval { tv_sec: 0, tv_usec: 0 },
                it_value: libc::timeval {
                    tv_sec: 0,
                    tv_usec: 50_000,
                },
            };
            libc::setitimer(libc::ITIMER_REAL, &t, std::ptr::null_mut());
        }
        let r = wait4(pid, WaitOptions::empty()).map(|_| ());
        ensure!(r == Err(Errno::EINTR), "wait4 under SIGALRM: {r:?}");
        // SAFETY: re-arms the one-shot timer; `t` is valid.
        unsafe {
            let t = libc::itimerval {
                it_interval: libc::timeval { tv_sec: 0, tv_usec: 0 },
                it_value: libc::timeval {
                    tv_sec: 0,
                    tv_usec: 50_000,
                },
            };
            libc::setitimer(libc::ITIMER_REAL, &t, std::ptr::null_mut());
        }
        let r = waitid(WaitId::Pid(pid), WaitOptions::EXITED);
        ensure!(r == Err(Errno::EINTR), "waitid under SIGALRM: {r:?}");
        kill(pid, libc::SIGKILL);
        let w = wait4(pid, WaitOptions::empty()).map_err(|e| e.to_string())?;
        ensure!(w.map(|w| w.status.signal()) == Some(Some(libc::SIGKILL)), "{w:?}");
        Ok(())
    });
}

#[test]
fn waitid_nowait_then_wait4_returns_the_same_child() {
    let pid = fork_child(|| 3);
    let opts = WaitOptions::EXITED | WaitOptions::NOWAIT;
    let first = waitid(WaitId::Pid(pid), opts).expect("waitid").expect("a child");
    assert_eq!(first.pid(), pid);
    assert_eq!(first.code(), ChildCode::Exited);
    assert_eq!(first.status(), 3);
    assert_eq!(first.uid(), bsd_proc::Uid::current());
    assert_eq!(first.event(), WaitEvent::Exited(3));
    // NOWAIT left it waitable: a second peek sees the same.
    assert_eq!(waitid(WaitId::Pid(pid), opts).expect("waitid"), Some(first));
    let w = reap(pid, WaitOptions::empty());
    assert_eq!(w.status.event(), first.event());
    // Now it is gone.
    assert_eq!(waitid(WaitId::Pid(pid), WaitOptions::EXITED), Err(Errno::ECHILD));

    // The same with "any child", in a helper that has only this child.
    in_child(|| {
        let pid = fork_child(|| 42);
        let info = waitid(WaitId::All, opts).map_err(|e| e.to_string())?;
        let info = info.ok_or("waitid(All) found nothing")?;
        ensure!(info.pid() == pid && info.status() == 42, "{info:?}");
        let w = wait4(-1, WaitOptions::empty()).map_err(|e| e.to_string())?;
        let w = w.ok_or("wait4(-1) found nothing")?;
        ensure!(w.pid == pid && w.status.exit_status() == Some(42), "{w:?}");
        // Pgid(0) is the helper's own group, which the child shares.
        let pid = fork_child(|| 9);
        let info = waitid(WaitId::Pgid(0), WaitOptions::EXITED).map_err(|e| e.to_string())?;
        ensure!(info.map(|i| (i.pid(), i.status())) == Some((pid, 9)), "{info:?}");
        Ok(())
    });
}

#[test]
fn waitid_reports_stops_continues_and_kills() {
    let pid = paused_child(true);
    kill(pid, libc::SIGSTOP);
    let info = waitid(WaitId::Pgid(pid), WaitOptions::STOPPED)
        .expect("waitid")
        .expect("a stop");
    assert_eq!(
        (info.pid(), info.code(), info.status()),
        (pid, ChildCode::Stopped, libc::SIGSTOP)
    );
    assert_eq!(info.event(), WaitEvent::Stopped(libc::SIGSTOP));
    kill(pid, libc::SIGCONT);
    let info = waitid(WaitId::Pid(pid), WaitOptions::CONTINUED)
        .expect("waitid")
        .expect("a continue");
    assert_eq!((info.code(), info.status()), (ChildCode::Continued, libc::SIGCONT));
    assert_eq!(info.event(), WaitEvent::Continued);
    kill(pid, libc::SIGTERM);
    let info = waitid(WaitId::Pid(pid), WaitOptions::EXITED)
        .expect("waitid")
        .expect("a kill");
    assert_eq!((info.code(), info.status()), (ChildCode::Killed, libc::SIGTERM));
    assert_eq!(
        info.event(),
        WaitEvent::Signaled {
            signal: libc::SIGTERM,
            core_dumped: false
        }
    );
}

/// A child that touched 64 MiB reports a maximum RSS of at least 64 MiB,
/// in bytes, both from wait4 and from getrusage(Children).
#[test]
fn max_rss_counts_bytes() {
    const SIZE: usize = 64 << 20;
    fn toucher() -> i32 {
        // SAFETY: a fresh private anonymous mapping aliases nothing; every
        // byte written is inside it.
        unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                SIZE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANON,
                -1,
                0,
            );
            if p == libc::MAP_FAILED {
                return 1;
            }
            let p = p.cast::<u8>();
            for off in (0..SIZE).step_by(4096) {
                p.add(off).write_volatile(1);
            }
        }
        0
    }
    let pid = fork_child(toucher);
    let w = reap(pid, WaitOptions::empty());
    assert_eq!(w.status.exit_status(), Some(0), "the child could not map 64 MiB");
    assert!(
        w.rusage.max_rss_bytes() >= SIZE as u64,
        "max RSS {} < {SIZE}: {:?}",
        w.rusage.max_rss_bytes(),
        w.rusage
    );
    assert!(w.rusage.minor_faults() > 0, "{:?}", w.rusage);

    in_child(|| {
        let pid = fork_child(toucher);
        let w = wait4(pid, WaitOptions::empty()).map_err(|e| e.to_string())?;
        ensure!(w.is_some(), "no child");
        let kids = getrusage(Who::Children).map_err(|e| e.to_string())?;
        ensure!(kids.max_rss_bytes() >= SIZE as u64, "children: {kids:?}");
        Ok(())
    });
}

#[test]
fn getrusage_of_self_and_thread() {
    let me = getrusage(Who::Self_).expect("getrusage(SELF)");
    assert!(me.max_rss_bytes() > 0, "{me:?}");
    // Burn a little CPU so the counters are not all zero; no timing is
    // asserted, only that the accessors read the kernel's struct.
    let mut x = 0u64;
    for i in 0..1_000_000u64 {
        x = x.wrapping_add(std::hint::black_box(i));
    }
    std::hint::black_box(x);
    let again = getrusage(Who::Self_).expect("getrusage(SELF)");
    assert!(again.user_time() + again.system_time() >= me.user_time() + me.system_time());
    assert!(again.minor_faults() >= me.minor_faults());
    #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
    {
        let t = getrusage(Who::Thread).expect("getrusage(THREAD)");
        assert_eq!(Who::Thread.raw(), libc::RUSAGE_THREAD);
        let _ = format!("{t:?}");
    }
    // The raw struct round-trips.
    let raw: libc::rusage = me.into();
    assert_eq!(Rusage::from(raw).max_rss_bytes(), me.max_rss_bytes());
    assert_eq!(me.raw().ru_maxrss, raw.ru_maxrss);
}

#[cfg(target_os = "linux")]
mod linux {
    use super::*;
    use bsd_proc::pidfd_open;
    use std::os::fd::{AsFd, AsRawFd};

    /// `PidFd` waits for exactly its child, even when another child is
    /// already a zombie.
    #[test]
    fn pidfd_waits_for_exactly_that_child() {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for two descriptors.
        assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
        let [rd, wr] = fds;
        let a = fork_child(|| 1);
        let b = fork_child(|| {
            let mut byte = 0u8;
            // SAFETY: reads one byte into a live local.
            unsafe { libc::read(rd, (&mut byte as *mut u8).cast(), 1) };
            5
        });
        // SAFETY: our copy of the read end is no longer needed.
        unsafe { libc::close(rd) };
        // `a` has exited (peek without reaping, so it stays a zombie).
        let peek = waitid(WaitId::Pid(a), WaitOptions::EXITED | WaitOptions::NOWAIT).expect("waitid a");
        assert_eq!(peek.map(|i| i.pid()), Some(a));

        let fd = pidfd_open(b).expect("pidfd_open");
        // SAFETY: F_GETFD reads the descriptor's flags.
        let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFD) };
        assert!(flags & libc::FD_CLOEXEC != 0, "pidfds are close-on-exec");
        assert_eq!(
            waitid(WaitId::PidFd(fd.as_fd()), WaitOptions::EXITED | WaitOptions::NOHANG).expect("waitid"),
            None,
            "b is still running"
        );
        // SAFETY: writes one byte from a live local; then closes our end.
        unsafe {
            libc::write(wr, b"x".as_ptr().cast(), 1);
            libc::close(wr);
        }
        let info = waitid(fd.as_fd().into(), WaitOptions::EXITED)
            .expect("waitid b")
            .expect("b");
        assert_eq!((info.pid(), info.code(), info.status()), (b, ChildCode::Exited, 5));
        // b is reaped; a is still there.
        assert_eq!(waitid(WaitId::Pid(b), WaitOptions::EXITED), Err(Errno::ECHILD));
        assert_eq!(reap(a, WaitOptions::empty()).status.exit_status(), Some(1));
    }

    /// Out of descriptors: EMFILE (in a helper, whose limit we lower).
    #[test]
    fn pidfd_open_emfile() {
        in_child(|| {
            let pid = paused_child(false);
            let mut lim = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            // SAFETY: `lim` is valid for reads and writes; this changes the
            // helper's own soft limit only.
            let set = unsafe {
                libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && {
                    lim.rlim_cur = 0;
                    libc::setrlimit(libc::RLIMIT_NOFILE, &lim) == 0
                }
            };
            ensure!(set, "setrlimit: {}", std::io::Error::last_os_error());
            let r = pidfd_open(pid).map(drop);
            kill(pid, libc::SIGKILL);
            let _ = wait4(pid, WaitOptions::empty());
            ensure!(r == Err(Errno::EMFILE), "pidfd_open with no descriptors left: {r:?}");
            Ok(())
        });
    }

    #[test]
    fn pidfd_errors() {
        assert_eq!(pidfd_open(0).map(drop), Err(Errno::EINVAL));
        assert_eq!(pidfd_open(-1).map(drop), Err(Errno::EINVAL));
        assert_eq!(pidfd_open(i32::MAX).map(drop), Err(Errno::ESRCH));
        // A descriptor that is not a pidfd.
        let f = std::fs::File::open("/proc/self/status").expect("open");
        assert_eq!(waitid(WaitId::PidFd(f.as_fd()), WaitOptions::EXITED), Err(Errno::EBADF));
    }

    /// A ptrace event stop: `trap_cause` reads the event the kernel put in
    /// bits 16 and up, and libc's macros agree on the rest of the word.
    #[test]
    fn trap_cause_of_a_real_ptrace_exit_event() {
        let pid = fork_child(|| {
            // SAFETY: PTRACE_TRACEME and raise take no pointers we own.
            unsafe {
                if libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0) != 0 {
                    return 99;
                }
                libc::raise(libc::SIGSTOP);
            }
            7
        });
        let w = reap(pid, WaitOptions::empty());
        if w.status.exit_status() == Some(99) {
            eprintln!("ptrace is not permitted here: trap_cause checked on fixtures only");
            return;
        }
        assert_eq!(w.status.event(), WaitEvent::Stopped(libc::SIGSTOP));
        assert_eq!(w.status.trap_cause(), None);
        // SAFETY: the child is our tracee and stopped; the options are an int.
        unsafe {
            assert_eq!(
                libc::ptrace(libc::PTRACE_SETOPTIONS, pid, 0, libc::PTRACE_O_TRACEEXIT),
                0
            );
            assert_eq!(libc::ptrace(libc::PTRACE_CONT, pid, 0, 0), 0);
        }
        let w = reap(pid, WaitOptions::empty());
        assert_eq!(w.status.event(), WaitEvent::Stopped(libc::SIGTRAP), "{:?}", w.status);
        assert_eq!(w.status.trap_cause(), Some(libc::PTRACE_EVENT_EXIT));
        // SAFETY: as above.
        unsafe { assert_eq!(libc::ptrace(libc::PTRACE_CONT, pid, 0, 0), 0) };
        let w = reap(pid, WaitOptions::empty());
        assert_eq!(w.status.event(), WaitEvent::Exited(7));
    }

    /// The raw std conversion sees the same word.
    #[test]
    fn std_child_status_converts() {
        let status = std::process::Command::new("sh")
            .args(["-c", "kill -TERM $$"])
            .status()
            .expect("sh");
        let s = bsd_proc::WaitStatus::from(status);
        assert_libc_agrees(s);
        assert_eq!(s.signal(), Some(libc::SIGTERM));
    }
}
