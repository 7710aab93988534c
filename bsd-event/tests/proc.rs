//! EVFILT_PROC with NOTE_EXIT: the status, without reaping.

mod common;

use bsd_errno::Errno;
use bsd_event::{note, EvFlags, Filter, KEvent};
use common::*;

fn spawn_sleeper(code: Option<i32>) -> libc::pid_t {
    let script = match code {
        Some(c) => format!("read x; exit {c}"),
        None => "read x; exec sleep 1000".to_string(),
    };
    let child = std::process::Command::new("/bin/sh")
        .args(["-c", &script])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    // Keep the stdin pipe open until the test lets the child go: leak the
    // Child handle (its pid is reaped by the test with waitpid).
    std::mem::forget(child);
    pid
}

fn waitpid(pid: libc::pid_t) -> i32 {
    let mut st = 0;
    // SAFETY: waiting for our own child; `st` is writable.
    let r = unsafe { libc::waitpid(pid, &mut st, 0) };
    assert_eq!(r, pid, "waitpid still finds the child");
    st
}

#[test]
fn exit_status_and_waitpid_still_reaps() {
    let kq = kq();
    let child = std::process::Command::new("/bin/sh")
        .args(["-c", "sleep 0.05; exit 7"])
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    kq.register(&[KEvent::proc_exit(pid).add().with_udata(3)]).unwrap();
    let ev = wait_for(&kq, Filter::Proc, pid as usize, SOON).expect("exit");
    assert!(ev.fflags() & note::proc::EXIT != 0);
    assert!(ev.flags().contains(EvFlags::EOF));
    assert_eq!(ev.udata(), 3);
    let status = ev.data() as i32;
    assert!(libc::WIFEXITED(status));
    assert_eq!(libc::WEXITSTATUS(status), 7);
    // Not reaped by the watcher.
    let st = waitpid(pid);
    assert_eq!(libc::WEXITSTATUS(st), 7);
    // The knote is gone after the exit event.
    assert_quiet(&kq, Filter::Proc, pid as usize);
    drop(child);
}

#[test]
fn killed_status() {
    let kq = kq();
    let pid = spawn_sleeper(None);
    kq.register(&[KEvent::proc_exit(pid).add()]).unwrap();
    assert_quiet(&kq, Filter::Proc, pid as usize);
    // SAFETY: killing our own child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    let ev = wait_for(&kq, Filter::Proc, pid as usize, SOON).expect("exit");
    let status = ev.data() as i32;
    assert!(libc::WIFSIGNALED(status), "status {status:#x}");
    assert_eq!(libc::WTERMSIG(status), libc::SIGKILL);
    assert!(libc::WIFSIGNALED(waitpid(pid)));
}

#[test]
fn already_exited_child_fires_at_once() {
    let kq = kq();
    let child = std::process::Command::new("/bin/true").spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    // Wait until it is a zombie (without reaping): a pidfd reads it.
    // SAFETY: all-zero is a valid siginfo_t.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: waitid with WNOWAIT on our child; `info` is writable.
    let r = unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, libc::WEXITED | libc::WNOWAIT) };
    assert_eq!(r, 0);
    kq.register(&[KEvent::proc_exit(pid).add()]).unwrap();
    let ev = wait_for(&kq, Filter::Proc, pid as usize, SOON).expect("exit");
    assert_eq!(ev.data(), 0, "exit status 0");
    waitpid(pid);
    drop(child);
}

#[test]
fn missing_pid_is_esrch() {
    let kq = kq();
    // Far above pid_max.
    assert_eq!(kq.register(&[KEvent::proc_exit(0x3fff_fff0).add()]), Err(Errno::ESRCH));
    assert_eq!(kq.register(&[KEvent::proc_exit(-5).add()]), Err(Errno::ESRCH));
}

#[test]
fn delete_before_exit() {
    let kq = kq();
    let pid = spawn_sleeper(Some(0));
    kq.register(&[KEvent::proc_exit(pid).add()]).unwrap();
    kq.register(&[KEvent::proc_exit(pid).delete()]).unwrap();
    // SAFETY: terminating our own child.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    waitpid(pid);
    assert_quiet(&kq, Filter::Proc, pid as usize);
}
