//! Fixtures: the exact status words each kernel writes, decoded with each
//! family's rules, on every host.

use super::{apple, dragonfly, freebsd, linux, netbsd, openbsd, Family, WaitEvent};

/// Signal numbers of the BSDs and Apple (`<sys/signal.h>`).
mod bsd_sig {
    pub const SIGQUIT: i32 = 3;
    pub const SIGTRAP: i32 = 5;
    pub const SIGABRT: i32 = 6;
    pub const SIGKILL: i32 = 9;
    pub const SIGSEGV: i32 = 11;
    pub const SIGTERM: i32 = 15;
    pub const SIGSTOP: i32 = 17;
    pub const SIGTSTP: i32 = 18;
    pub const SIGCONT: i32 = 19;
    pub const SIGTTIN: i32 = 21;
}

/// Signal numbers of Linux on x86, arm and most others (`<asm/signal.h>`).
mod linux_sig {
    pub const SIGQUIT: i32 = 3;
    pub const SIGTRAP: i32 = 5;
    pub const SIGABRT: i32 = 6;
    pub const SIGKILL: i32 = 9;
    pub const SIGSEGV: i32 = 11;
    pub const SIGTERM: i32 = 15;
    pub const SIGCONT: i32 = 18;
    pub const SIGSTOP: i32 = 19;
    pub const SIGTSTP: i32 = 20;
    pub const SIGTTIN: i32 = 21;
}

/// What the kernels write: `code << 8`, `sig | 0o200 if core`,
/// `sig << 8 | 0o177`.
const fn exit(code: i32) -> i32 {
    code << 8
}
const fn kill(sig: i32, core: bool) -> i32 {
    sig | if core { 0o200 } else { 0 }
}
const fn stop(sig: i32) -> i32 {
    (sig << 8) | 0o177
}

fn signaled(signal: i32, core_dumped: bool) -> WaitEvent {
    WaitEvent::Signaled { signal, core_dumped }
}

/// Words every kernel writes the same way, with that family's signal
/// numbers.
fn common_fixtures(sig_kill: i32, sig_term: i32, sig_quit: i32, sig_abrt: i32, sig_segv: i32) -> Vec<(i32, WaitEvent)> {
    vec![
        (exit(0), WaitEvent::Exited(0)),
        (exit(1), WaitEvent::Exited(1)),
        (exit(3), WaitEvent::Exited(3)),
        (exit(255), WaitEvent::Exited(255)),
        (kill(sig_kill, false), signaled(sig_kill, false)),
        (kill(sig_term, false), signaled(sig_term, false)),
        (kill(sig_term, true), signaled(sig_term, true)),
        (kill(sig_quit, true), signaled(sig_quit, true)),
        (kill(sig_abrt, true), signaled(sig_abrt, true)),
        (kill(sig_segv, true), signaled(sig_segv, true)),
        (kill(sig_kill, true), signaled(sig_kill, true)),
    ]
}

fn bsd_stops() -> Vec<(i32, WaitEvent)> {
    use bsd_sig::*;
    vec![
        (stop(SIGSTOP), WaitEvent::Stopped(SIGSTOP)),
        (0x117f, WaitEvent::Stopped(17)),
        (stop(SIGTSTP), WaitEvent::Stopped(SIGTSTP)),
        (stop(SIGTTIN), WaitEvent::Stopped(SIGTTIN)),
        (stop(SIGTRAP), WaitEvent::Stopped(SIGTRAP)),
    ]
}

fn bsd_common() -> Vec<(i32, WaitEvent)> {
    use bsd_sig::*;
    let mut v = common_fixtures(SIGKILL, SIGTERM, SIGQUIT, SIGABRT, SIGSEGV);
    v.extend(bsd_stops());
    v
}

fn fixtures(family: Family) -> Vec<(i32, WaitEvent)> {
    let mut v = match family {
        Family::Linux => {
            use linux_sig::*;
            let mut v = common_fixtures(SIGKILL, SIGTERM, SIGQUIT, SIGABRT, SIGSEGV);
            v.extend([
                (stop(SIGSTOP), WaitEvent::Stopped(SIGSTOP)),
                // Linux's SIGSTOP stop is 0x137f: the word Apple uses for "continued".
                (0x137f, WaitEvent::Stopped(19)),
                (stop(SIGTSTP), WaitEvent::Stopped(SIGTSTP)),
                (stop(SIGTTIN), WaitEvent::Stopped(SIGTTIN)),
                (stop(SIGTRAP), WaitEvent::Stopped(SIGTRAP)),
                // A stop by Linux's SIGCONT number is a stop, not a continue.
                (stop(SIGCONT), WaitEvent::Stopped(SIGCONT)),
                // A ptrace event stop: PTRACE_EVENT_EXIT (6) with SIGTRAP.
                ((6 << 16) | stop(SIGTRAP), WaitEvent::Stopped(SIGTRAP)),
                // PTRACE_EVENT_STOP (128) group-stop with SIGSTOP.
                ((128 << 16) | stop(SIGSTOP), WaitEvent::Stopped(SIGSTOP)),
                // The continued word.
                (0xffff, WaitEvent::Continued),
                // FreeBSD's continued word is a kill by signal 19 to Linux's macros.
                (0x13, signaled(19, false)),
                // Garbage: low 7 bits 0x7f with the core bit, not 0xffff.
                (0xff, WaitEvent::Unknown(0xff)),
                (0x1ff, WaitEvent::Unknown(0x1ff)),
                (-1, WaitEvent::Unknown(-1)),
                (0x7fff_ffff, WaitEvent::Unknown(0x7fff_ffff)),
            ]);
            v
        }
        Family::FreeBsd | Family::DragonFly => {
            let mut v = bsd_common();
            v.extend([
                // The kernel's continued word is SIGCONT alone.
                (bsd_sig::SIGCONT, WaitEvent::Continued),
                // Not continued here: a stop by SIGCONT's number (never written,
                // but the macros say stopped).
                (0x137f, WaitEvent::Stopped(19)),
                // Garbage words.
                (0xff, WaitEvent::Stopped(0)),
                (-1, WaitEvent::Stopped(-1)),
                (0xffff, WaitEvent::Stopped(0xff)),
                (0x1_0013, signaled(0x13, false)),
            ]);
            v
        }
        Family::Apple => {
            let mut v = bsd_common();
            v.extend([
                // The kernel writes W_STOPCODE(SIGCONT).
                (stop(bsd_sig::SIGCONT), WaitEvent::Continued),
                (0x137f, WaitEvent::Continued),
                // SIGCONT's number in the low bits is a kill by signal 19 here.
                (0x13, signaled(19, false)),
                // Garbage words. WSTOPSIG is `x >> 8` unmasked (xnu's
                // <sys/wait.h>, libc's Apple macros), so bits above 15 make
                // a word with SIGCONT's number a stop, not a continue.
                (0xff, WaitEvent::Stopped(0)),
                (0xffff, WaitEvent::Stopped(0xff)),
                (-1, WaitEvent::Stopped(-1)),
                (0x1_137f, WaitEvent::Stopped(0x113)),
            ]);
            v
        }
        Family::NetBsd => {
            let mut v = bsd_common();
            v.extend([
                (0xffff, WaitEvent::Continued),
                (0x137f, WaitEvent::Stopped(19)),
                (0x13, signaled(19, false)),
                // Garbage words.
                (0xff, WaitEvent::Stopped(0)),
                (-1, WaitEvent::Stopped(0xff)),
                (0x1_ffff, WaitEvent::Stopped(0xff)),
            ]);
            v
        }
        Family::OpenBsd => {
            let mut v = bsd_common();
            v.extend([
                (0xffff, WaitEvent::Continued),
                (0x137f, WaitEvent::Stopped(19)),
                (0x13, signaled(19, false)),
                // Garbage words: the low byte 0xff is neither a stop nor a kill.
                (0xff, WaitEvent::Unknown(0xff)),
                (0x1ff, WaitEvent::Unknown(0x1ff)),
                // OpenBSD's WIFCONTINUED masks: any word with 0xffff below is continued.
                (-1, WaitEvent::Continued),
                (0x1_ffff, WaitEvent::Continued),
            ]);
            v
        }
    };
    // Words that are garbage on every family but must still decode.
    v.push((i32::MIN, WaitEvent::Exited(0)));
    v.push((0x1234_5600, WaitEvent::Exited(0x56)));
    v
}

#[test]
fn every_family_decodes_its_kernels_words() {
    for family in Family::ALL {
        for (word, want) in fixtures(family) {
            assert_eq!(family.decode(word), want, "{family:?} word {word:#x}");
        }
    }
}

#[test]
fn go_syscall_continued_bug_is_not_here() {
    // Go's BSD decoder calls a status "continued" when WSTOPSIG == SIGSTOP.
    // A real SIGSTOP stop on every BSD is 0x117f: it must read as stopped.
    for family in [
        Family::FreeBsd,
        Family::DragonFly,
        Family::NetBsd,
        Family::OpenBsd,
        Family::Apple,
    ] {
        assert_eq!(
            family.decode(0x117f),
            WaitEvent::Stopped(bsd_sig::SIGSTOP),
            "{family:?}"
        );
    }
    // And each kernel's real continue reads as continued.
    assert_eq!(Family::FreeBsd.decode(0x13), WaitEvent::Continued);
    assert_eq!(Family::DragonFly.decode(0x13), WaitEvent::Continued);
    assert_eq!(Family::Apple.decode(0x137f), WaitEvent::Continued);
    assert_eq!(Family::NetBsd.decode(0xffff), WaitEvent::Continued);
    assert_eq!(Family::OpenBsd.decode(0xffff), WaitEvent::Continued);
    assert_eq!(Family::Linux.decode(0xffff), WaitEvent::Continued);
}

/// The predicates of one family, as function pointers.
struct Preds {
    exited: fn(i32) -> bool,
    continued: fn(i32) -> bool,
    stopped: fn(i32) -> bool,
    signaled: fn(i32) -> bool,
    event: fn(i32) -> WaitEvent,
}

macro_rules! preds {
    ($m:ident) => {
        Preds {
            exited: $m::exited,
            continued: $m::continued,
            stopped: $m::stopped,
            signaled: $m::signaled,
            event: $m::event,
        }
    };
}

fn words() -> impl Iterator<Item = i32> {
    // Every 17-bit word, and the same patterns in the high bits; under Miri
    // (a thousand times slower) every 61st, plus the words kernels write.
    let step = if cfg!(miri) { 61 } else { 1 };
    (0..=0x1_ffff)
        .step_by(step)
        .chain((0..=0xffff).step_by(step).map(|w| w | (0x5a5a << 16)))
        .chain([
            0, 0x13, 0x7f, 0x80, 0x117f, 0x137f, 0x1300, 0xff7f, 0xffff, 0x1_ffff, 0x8f, 0x0380,
        ])
        .chain([-1, i32::MIN, i32::MAX, -0x80, -0x81, 0x7fff_ff7f])
}

#[test]
fn predicates_are_exclusive_and_agree_with_event() {
    let all = [
        (Family::FreeBsd, preds!(freebsd)),
        (Family::DragonFly, preds!(dragonfly)),
        (Family::NetBsd, preds!(netbsd)),
        (Family::OpenBsd, preds!(openbsd)),
        (Family::Apple, preds!(apple)),
        (Family::Linux, preds!(linux)),
    ];
    for (family, p) in &all {
        for w in words() {
            let flags = [(p.exited)(w), (p.continued)(w), (p.stopped)(w), (p.signaled)(w)];
            let n = flags.iter().filter(|&&b| b).count();
            assert!(n <= 1, "{family:?} {w:#x}: {flags:?}");
            let e = (p.event)(w);
            assert_eq!(e, family.decode(w));
            let which = match e {
                WaitEvent::Exited(_) => Some(0),
                WaitEvent::Continued => Some(1),
                WaitEvent::Stopped(_) => Some(2),
                WaitEvent::Signaled { .. } => Some(3),
                WaitEvent::Unknown(raw) => {
                    assert_eq!(raw, w);
                    None
                }
            };
            assert_eq!(which, flags.iter().position(|&b| b), "{family:?} {w:#x}");
        }
    }
}

/// The macros of each platform's `<sys/wait.h>`, transcribed, so a sweep
/// can show the decoders equal them on every word the macros classify
/// (the decoders differ only by testing "continued" first).
#[test]
fn decoders_match_the_header_macros() {
    fn check(family: Family, w: i32, exited: bool, stopped: bool, signaled: bool, continued: bool, stopsig: i32) {
        let e = family.decode(w);
        if exited {
            assert_eq!(e, WaitEvent::Exited((w >> 8) & 0xff), "{family:?} {w:#x}");
        } else if continued {
            assert_eq!(e, WaitEvent::Continued, "{family:?} {w:#x}");
        } else if stopped {
            assert_eq!(e, WaitEvent::Stopped(stopsig), "{family:?} {w:#x}");
        } else if signaled {
            let want = WaitEvent::Signaled {
                signal: w & 0o177,
                core_dumped: w & 0o200 != 0,
            };
            assert_eq!(e, want, "{family:?} {w:#x}");
        } else {
            assert_eq!(e, WaitEvent::Unknown(w), "{family:?} {w:#x}");
        }
    }
    for w in words() {
        let st = w & 0o177;
        // FreeBSD sys/wait.h.
        check(
            Family::FreeBsd,
            w,
            st == 0,
            st == 0o177,
            st != 0o177 && st != 0 && w != 0x13,
            w == 0x13,
            w >> 8,
        );
        // DragonFly sys/wait.h (its WIFSIGNALED does not exclude 0x13; the
        // continued test comes first).
        check(
            Family::DragonFly,
            w,
            st == 0,
            st == 0o177,
            st != 0o177 && st != 0,
            w == 0x13,
            w >> 8,
        );
        // Apple sys/wait.h (WSTOPSIG is `x >> 8`, unmasked).
        let apple_stopsig = w >> 8;
        check(
            Family::Apple,
            w,
            st == 0,
            st == 0o177 && apple_stopsig != 0x13,
            st != 0o177 && st != 0,
            st == 0o177 && apple_stopsig == 0x13,
            apple_stopsig,
        );
        // NetBSD sys/wait.h.
        let nb_cont = w == 0xffff;
        let nb_stop = st == 0o177 && !nb_cont;
        check(
            Family::NetBsd,
            w,
            st == 0,
            nb_stop,
            !nb_stop && !nb_cont && st != 0,
            nb_cont,
            (w >> 8) & 0xff,
        );
        // OpenBSD sys/wait.h.
        check(
            Family::OpenBsd,
            w,
            st == 0,
            w & 0xff == 0o177,
            st != 0o177 && st != 0,
            w & 0o177777 == 0o177777,
            (w >> 8) & 0xff,
        );
        // glibc bits/waitstatus.h.
        check(
            Family::Linux,
            w,
            st == 0,
            w & 0xff == 0x7f,
            (((w & 0x7f) + 1) as i8) >= 2,
            w == 0xffff,
            (w & 0xff00) >> 8,
        );
    }
}

#[test]
fn trap_cause_is_linux_only_and_needs_a_stop_with_an_event() {
    let exit_event = (6 << 16) | stop(linux_sig::SIGTRAP);
    assert_eq!(Family::Linux.trap_cause(exit_event), Some(6));
    assert_eq!(
        Family::Linux.trap_cause((128 << 16) | stop(linux_sig::SIGSTOP)),
        Some(128)
    );
    assert_eq!(Family::Linux.trap_cause(stop(linux_sig::SIGTRAP)), None);
    // Bits above 16 on a non-stop word are not an event.
    assert_eq!(Family::Linux.trap_cause((6 << 16) | exit(1)), None);
    for family in [
        Family::FreeBsd,
        Family::DragonFly,
        Family::NetBsd,
        Family::OpenBsd,
        Family::Apple,
    ] {
        assert_eq!(family.trap_cause(exit_event), None, "{family:?}");
    }
}

#[test]
fn max_rss_is_kib_except_on_apple() {
    for family in Family::ALL {
        let want = if family == Family::Apple { 65536 } else { 65536 * 1024 };
        assert_eq!(family.max_rss_bytes(65536), want, "{family:?}");
        assert_eq!(family.max_rss_bytes(0), 0);
        assert_eq!(family.max_rss_bytes(-5), 0);
    }
    assert_eq!(Family::Linux.max_rss_bytes(i64::MAX), u64::MAX);
    assert_eq!(Family::Apple.max_rss_bytes(i64::MAX), i64::MAX as u64);
}

#[test]
fn the_host_type_uses_the_host_family() {
    use super::WaitStatus;
    for w in words().step_by(7) {
        let s = WaitStatus::from_raw(w);
        assert_eq!(s.event(), Family::HOST.decode(w));
        assert_eq!(s.trap_cause(), Family::HOST.trap_cause(w));
        assert_eq!(s.exit_status().is_some(), s.exited());
        assert_eq!(s.signal().is_some(), s.signaled());
        assert_eq!(s.stop_signal().is_some(), s.stopped());
        assert!(!s.core_dumped() || s.signaled());
        let _ = format!("{s:?} {s}");
    }
}

#[test]
fn display_names_the_host_signals() {
    use super::WaitStatus;
    let term = WaitStatus::from_raw(libc::SIGTERM);
    assert_eq!(
        term.to_string(),
        format!("killed by signal {} (SIGTERM)", libc::SIGTERM)
    );
    let core = WaitStatus::from_raw(libc::SIGABRT | 0o200);
    assert_eq!(
        core.to_string(),
        format!("killed by signal {} (SIGABRT), core dumped", libc::SIGABRT)
    );
    let stopped = WaitStatus::from_raw((libc::SIGSTOP << 8) | 0o177);
    assert_eq!(
        stopped.to_string(),
        format!("stopped by signal {} (SIGSTOP)", libc::SIGSTOP)
    );
    assert_eq!(WaitStatus::from_raw(0x300).to_string(), "exited with status 3");
    assert_eq!(
        format!("{:?}", WaitStatus::from_raw(0x300)),
        "WaitStatus(0x0300: Exited(3))"
    );
    assert_eq!(WaitEvent::Unknown(0xff).to_string(), "unknown wait status 0x00ff");
    assert_eq!(WaitEvent::Continued.to_string(), "continued");
}

#[test]
fn std_exit_status_round_trips() {
    use super::WaitStatus;
    let s = WaitStatus::from_raw(3 << 8);
    let std: std::process::ExitStatus = s.into();
    assert_eq!(std.code(), Some(3));
    assert_eq!(WaitStatus::from(std), s);
}

/// On Linux the decoder is compared with `libc`'s const fns on every word of
/// the sweep (the integration tests do the same with real children).
#[cfg(target_os = "linux")]
#[test]
fn linux_decoder_equals_libc_macros() {
    use super::WaitStatus;
    for w in words() {
        let s = WaitStatus::from_raw(w);
        assert_eq!(s.exited(), libc::WIFEXITED(w), "{w:#x}");
        assert_eq!(s.signaled(), libc::WIFSIGNALED(w), "{w:#x}");
        assert_eq!(s.stopped(), libc::WIFSTOPPED(w), "{w:#x}");
        assert_eq!(s.continued(), libc::WIFCONTINUED(w), "{w:#x}");
        if s.exited() {
            assert_eq!(s.exit_status(), Some(libc::WEXITSTATUS(w)));
        }
        if s.signaled() {
            assert_eq!(s.signal(), Some(libc::WTERMSIG(w)));
            assert_eq!(s.core_dumped(), libc::WCOREDUMP(w));
        }
        if s.stopped() {
            assert_eq!(s.stop_signal(), Some(libc::WSTOPSIG(w)));
        }
    }
}
