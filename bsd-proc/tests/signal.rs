//! kill and killpg with a typed Signal: real children, real kernel.

#[macro_use]
mod common;

use bsd_proc::{kill, killpg, wait4, Errno, Signal, Uid, WaitEvent, WaitOptions};
use common::{fork_child, paused_child, raw_reap};

fn signaled(signal: Signal) -> WaitEvent {
    WaitEvent::Signaled {
        signal: signal.raw(),
        core_dumped: false,
    }
}

#[test]
fn kill_delivers_each_terminating_signal() {
    for signal in [Signal::TERM, Signal::KILL, Signal::USR1, Signal::HUP, Signal::INT] {
        let pid = paused_child(false);
        kill(pid, signal).expect("kill");
        let w = wait4(pid, WaitOptions::empty()).expect("wait4").expect("a child");
        assert_eq!(w.status.event(), signaled(signal), "{signal}");
        assert_eq!(w.status.signal(), Some(signal.raw()));
    }
}

#[test]
fn kill_none_checks_existence_without_signalling() {
    let pid = paused_child(false);
    kill(pid, None).expect("a live child exists");
    // Signal 0 delivered nothing: the child is still running.
    assert_eq!(
        wait4(pid, WaitOptions::NOHANG).expect("wait4").map(|w| w.pid),
        None,
        "no state change"
    );
    kill(pid, Signal::KILL).expect("kill");
    // A zombie still exists for kill(2) on Linux; after the reap it is gone.
    let w = wait4(pid, WaitOptions::empty()).expect("wait4").expect("a child");
    assert_eq!(w.status.event(), signaled(Signal::KILL));
    assert_eq!(kill(pid, None), Err(Errno::ESRCH));
    assert_eq!(kill(pid, Signal::TERM), Err(Errno::ESRCH));
}

#[test]
fn stop_and_continue() {
    let pid = paused_child(true);
    kill(pid, Signal::STOP).expect("stop");
    let w = wait4(pid, WaitOptions::UNTRACED).expect("wait4").expect("a child");
    assert_eq!(w.status.event(), WaitEvent::Stopped(Signal::STOP.raw()));
    kill(pid, Signal::CONT).expect("continue");
    let w = wait4(pid, WaitOptions::CONTINUED).expect("wait4").expect("a child");
    assert_eq!(w.status.event(), WaitEvent::Continued);
    kill(pid, Signal::KILL).expect("kill");
    assert_eq!(raw_reap(pid) & 0x7f, Signal::KILL.raw());
}

#[test]
fn killpg_signals_every_member_of_the_group() {
    // A group leader and a second child that joins its group.
    let leader = paused_child(true);
    let member = fork_child(|| {
        // SAFETY: setpgid and pause touch no memory.
        unsafe { libc::setpgid(0, leader) };
        loop {
            // SAFETY: as above.
            unsafe { libc::pause() };
        }
    });
    // Both sides set the group, so it is joined when either returns.
    // SAFETY: setpgid touches no memory; a race with the child is harmless.
    unsafe { libc::setpgid(member, leader) };
    // SAFETY: getpgid touches no memory.
    assert_eq!(unsafe { libc::getpgid(member) }, leader);

    killpg(leader, None).expect("the group exists");
    killpg(leader, Signal::TERM).expect("killpg");
    for pid in [leader, member] {
        let w = wait4(pid, WaitOptions::empty()).expect("wait4").expect("a child");
        assert_eq!(w.status.event(), signaled(Signal::TERM), "pid {pid}");
    }
    assert_eq!(killpg(leader, None), Err(Errno::ESRCH), "every member reaped");
}

#[test]
fn bad_arguments_and_permissions() {
    assert_eq!(kill(0, Signal::TERM), Err(Errno::EINVAL));
    assert_eq!(kill(-1, None), Err(Errno::EINVAL));
    assert_eq!(killpg(-5, None), Err(Errno::EINVAL));
    // Process 1 exists everywhere (also in a container); only root may
    // signal it.
    let expected = if Uid::effective().is_root() {
        Ok(())
    } else {
        Err(Errno::EPERM)
    };
    assert_eq!(kill(1, None), expected);
}

#[test]
fn a_signal_named_at_run_time() {
    let signal: Signal = "SIGUSR2".parse().expect("a name");
    let pid = paused_child(false);
    kill(pid, signal).expect("kill");
    let w = wait4(pid, WaitOptions::empty()).expect("wait4").expect("a child");
    assert_eq!(w.status.event(), signaled(Signal::USR2));
    assert_eq!(
        w.status.to_string(),
        format!("killed by signal {} (SIGUSR2)", Signal::USR2.raw())
    );
}
