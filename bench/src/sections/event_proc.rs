//! Lines of the `event` section about a process's lifecycle notes: a
//! watched child forks (NOTE_FORK), its tracked child reports NOTE_CHILD
//! with the parent's pid, the child execs (NOTE_EXEC), and its exit ends
//! the knotes. On Linux these come from the kernel's process-event
//! connector; where the kernel refuses it, the line says so.

use crate::Report;
use bsd_event::{note, Filter, KEvent, Kqueue};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: room for two descriptors.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: fresh descriptors, owned here only.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

fn put(fd: &OwnedFd) {
    let b = 1u8;
    // SAFETY: writing one live byte.
    unsafe { libc::write(fd.as_raw_fd(), (&b as *const u8).cast(), 1) };
}

/// In the forked child: waits for a byte or end of file.
fn hold(fd: i32) {
    let mut b = 0u8;
    // SAFETY: reading one byte into a live byte (async-signal-safe).
    unsafe { libc::read(fd, (&mut b as *mut u8).cast(), 1) };
}

/// Collects EVFILT_PROC events until `done` says enough (or 5 s pass).
fn collect(kq: &Kqueue, seen: &mut Vec<KEvent>, done: impl Fn(&[KEvent]) -> bool) -> Result<(), String> {
    let end = Instant::now() + Duration::from_secs(5);
    let mut ev = [KEvent::zeroed(); 8];
    while !done(seen) {
        if Instant::now() >= end {
            return Err(format!("process notes incomplete after 5 s: {seen:?}"));
        }
        let n = kq
            .wait(&mut ev, Some(Duration::from_millis(100)))
            .map_err(|e| e.to_string())?;
        seen.extend(ev[..n].iter().filter(|e| e.filter() == Filter::Proc));
    }
    Ok(())
}

/// Prints the fork, tracked child and exec lines.
pub fn lines(r: &mut Report, kq: &Kqueue) -> Result<(), Box<dyn std::error::Error>> {
    let (go_r, go_w) = pipe()?;
    let (rel_r, rel_w) = pipe()?;
    let sleep = std::ffi::CString::new("/bin/sleep")?;
    let arg = std::ffi::CString::new("1000")?;
    let argv = [sleep.as_ptr(), arg.as_ptr(), core::ptr::null()];
    // SAFETY: the child and grandchild call only async-signal-safe
    // functions (read, fork, close, execv, _exit).
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    if pid == 0 {
        // SAFETY: as above.
        unsafe {
            libc::close(go_w.as_raw_fd());
            libc::close(rel_w.as_raw_fd());
            hold(go_r.as_raw_fd());
            if libc::fork() == 0 {
                hold(rel_r.as_raw_fd());
                libc::_exit(0);
            }
            hold(go_r.as_raw_fd());
            libc::execv(sleep.as_ptr(), argv.as_ptr());
            libc::_exit(127);
        }
    }
    drop((go_r, rel_r));
    let notes = note::proc::FORK | note::proc::EXEC | note::proc::TRACK | note::proc::EXIT;
    if let Err(e) = kq.register(&[KEvent::proc(pid, notes).add()]) {
        drop((go_w, rel_w));
        // SAFETY: reaping our own child.
        unsafe { libc::waitpid(pid, core::ptr::null_mut(), 0) };
        r.say(format_args!(
            "   child {pid} watched for FORK|EXEC|TRACK|EXIT: refused by this kernel: {e} (NOTE_EXIT alone still works)"
        ));
        return Ok(());
    }
    let me = pid as usize;
    let mut seen = Vec::new();
    put(&go_w);
    // The child's fork, and its tracked child's notice.
    collect(kq, &mut seen, |s| {
        s.iter().any(|e| e.ident() == me && e.fflags() & note::proc::FORK != 0)
            && s.iter().any(|e| e.fflags() == note::proc::CHILD)
    })?;
    let fork = seen.iter().find(|e| e.ident() == me).copied();
    let child = seen.iter().find(|e| e.fflags() == note::proc::CHILD).copied();
    if let (Some(f), Some(c)) = (fork, child) {
        r.say(format_args!(
            "   child {pid} watched for FORK|EXEC|TRACK|EXIT forked: fflags {:#x} (NOTE_FORK); tracked grandchild {}: fflags {:#x} (NOTE_CHILD), data {} (its parent), flags {:?}",
            f.fflags(),
            c.ident(),
            c.fflags(),
            c.data(),
            c.flags()
        ));
    }
    // The exec.
    seen.clear();
    put(&go_w);
    collect(kq, &mut seen, |s| {
        s.iter().any(|e| e.ident() == me && e.fflags() & note::proc::EXEC != 0)
    })?;
    if let Some(e) = seen.iter().find(|e| e.ident() == me) {
        r.say(format_args!(
            "   child {pid} called execve(/bin/sleep): fflags {:#x} (NOTE_EXEC), flags {:?}",
            e.fflags(),
            e.flags()
        ));
    }
    // The exits: the grandchild's (released), then the child's (killed).
    seen.clear();
    drop(rel_w);
    // SAFETY: terminating our own child.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let g = child.map(|c| c.ident());
    collect(kq, &mut seen, |s| {
        let exited = |id: usize| s.iter().any(|e| e.ident() == id && e.fflags() & note::proc::EXIT != 0);
        exited(me) && g.map_or(true, exited)
    })?;
    let mut status = 0;
    // SAFETY: reaping our own child after the event (the watcher did not).
    let reaped = unsafe { libc::waitpid(pid, &mut status, 0) };
    let exits: Vec<String> = seen
        .iter()
        .filter(|e| e.fflags() & note::proc::EXIT != 0)
        .map(|e| format!("{} status {:#x} flags {:?}", e.ident(), e.data(), e.flags()))
        .collect();
    r.say(format_args!(
        "   exits of the tracked tree: {}; waitpid({pid}) afterwards: {}",
        exits.join(", "),
        if reaped == pid { "reaped it" } else { "found nothing" }
    ));
    Ok(())
}
