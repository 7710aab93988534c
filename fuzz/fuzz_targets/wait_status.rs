//! Fuzz target `wait_status`: the wait-status decoders of every platform
//! family (`bsd_proc::Family::decode`) and the host's `WaitStatus`, on
//! arbitrary words.
//!
//! Checked on every input:
//! - the host's predicates: at most one of exited / signaled / stopped /
//!   continued holds, and exactly one unless the event is `Unknown`; each
//!   agrees with `WaitStatus::event` and with its `Option` getter;
//! - on Linux, every predicate and getter agrees with the C library's
//!   macros (`WIFEXITED`, `WEXITSTATUS`, `WIFSIGNALED`, `WTERMSIG`,
//!   `WCOREDUMP`, `WIFSTOPPED`, `WSTOPSIG`, `WIFCONTINUED`);
//! - every family: what a word decodes to re-encodes (as the kernels write
//!   it: `code << 8`, `sig | 0o200`, `sig << 8 | 0o177`, the family's
//!   continued word) into a word that decodes the same, with exit codes in
//!   0..=255 and signals in 1..=0x7f (stop signals in 0..=0xff, the whole
//!   `s >> 8` on FreeBSD/DragonFly/Apple), except a "kill by SIGCONT"
//!   on FreeBSD/DragonFly, whose word is the continued word;
//! - `trap_cause` is only ever `Some` for a Linux stop.
#![no_main]
use bsd_proc::{Family, WaitEvent, WaitStatus};
use libfuzzer_sys::fuzz_target;

/// The word each family's kernel writes for a continued child.
fn continued_word(family: Family) -> i32 {
    match family {
        Family::FreeBsd | Family::DragonFly => 0x13,
        Family::Apple => 0x137f,
        _ => 0xffff,
    }
}

fn check_host(raw: i32) {
    let s = WaitStatus::from_raw(raw);
    let preds = [s.exited(), s.signaled(), s.stopped(), s.continued()];
    let holding = preds.iter().filter(|&&p| p).count();
    let event = s.event();
    match event {
        WaitEvent::Unknown(w) => {
            assert_eq!(w, raw);
            assert_eq!(holding, 0, "{raw:#x}: Unknown but a predicate holds");
        }
        _ => assert_eq!(holding, 1, "{raw:#x}: {preds:?} for {event:?}"),
    }
    assert_eq!(s.exited(), matches!(event, WaitEvent::Exited(_)));
    assert_eq!(s.signaled(), matches!(event, WaitEvent::Signaled { .. }));
    assert_eq!(s.stopped(), matches!(event, WaitEvent::Stopped(_)));
    assert_eq!(s.continued(), event == WaitEvent::Continued);
    assert_eq!(s.exit_status().is_some(), s.exited());
    assert_eq!(s.signal().is_some(), s.signaled());
    assert_eq!(s.stop_signal().is_some(), s.stopped());
    assert!(!s.core_dumped() || s.signaled());
    assert_eq!(s.event(), Family::HOST.decode(raw));
    assert_eq!(s.trap_cause(), Family::HOST.trap_cause(raw));
    let _ = s.to_string();

    #[cfg(target_os = "linux")]
    {
        assert_eq!(s.exited(), libc::WIFEXITED(raw), "{raw:#x}");
        assert_eq!(s.signaled(), libc::WIFSIGNALED(raw), "{raw:#x}");
        assert_eq!(s.stopped(), libc::WIFSTOPPED(raw), "{raw:#x}");
        assert_eq!(s.continued(), libc::WIFCONTINUED(raw), "{raw:#x}");
        if s.exited() {
            assert_eq!(s.exit_status(), Some(libc::WEXITSTATUS(raw)));
        }
        if s.signaled() {
            assert_eq!(s.signal(), Some(libc::WTERMSIG(raw)));
            assert_eq!(s.core_dumped(), libc::WCOREDUMP(raw));
        }
        if s.stopped() {
            assert_eq!(s.stop_signal(), Some(libc::WSTOPSIG(raw)));
        }
    }
}

fn check_family(family: Family, raw: i32) {
    let event = family.decode(raw);
    let again = match event {
        WaitEvent::Exited(code) => {
            assert!((0..=255).contains(&code), "{family:?} {raw:#x}: exit code {code}");
            code << 8
        }
        WaitEvent::Signaled { signal, core_dumped } => {
            assert!((1..=0x7e).contains(&signal), "{family:?} {raw:#x}: signal {signal}");
            let word = signal | if core_dumped { 0o200 } else { 0 };
            if word == continued_word(family) {
                // A kill by SIGCONT (0x13) without a core on FreeBSD and
                // DragonFly is the continued word: no kernel writes it
                // (SIGCONT does not terminate), and only a word with other
                // high bits set decodes to it.
                assert!(matches!(family, Family::FreeBsd | Family::DragonFly));
                return;
            }
            word
        }
        WaitEvent::Stopped(sig) => {
            if matches!(family, Family::FreeBsd | Family::DragonFly | Family::Apple) {
                // `WSTOPSIG` is the unmasked `s >> 8` there.
                assert_eq!(sig, raw >> 8);
            } else {
                assert!((0..=0xff).contains(&sig), "{family:?} {raw:#x}: stop signal {sig}");
            }
            sig.wrapping_shl(8) | 0o177
        }
        WaitEvent::Continued => continued_word(family),
        WaitEvent::Unknown(w) => {
            assert_eq!(w, raw);
            return;
        }
        _ => return,
    };
    assert_eq!(
        family.decode(again),
        event,
        "{family:?}: {raw:#x} re-encoded as {again:#x}"
    );
    if let Some(cause) = family.trap_cause(raw) {
        assert_eq!(family, Family::Linux);
        assert!(matches!(event, WaitEvent::Stopped(_)));
        assert_ne!(cause, 0);
    }
}

fuzz_target!(|data: &[u8]| {
    for chunk in data.chunks(4) {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        let raw = i32::from_le_bytes(word);
        // Also the small words kernels really write, which random 32-bit
        // words rarely hit.
        for raw in [raw, raw & 0xffff, raw & 0xff] {
            check_host(raw);
            for family in Family::ALL {
                check_family(family, raw);
            }
        }
    }
});
