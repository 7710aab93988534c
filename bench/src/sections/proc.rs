//! The `proc` section: the process's groups; one child each that exits 3,
//! is killed by SIGTERM, and is stopped and continued, with its decoded
//! `WaitEvent` and `Rusage`; then getgroups, status decoding and
//! spawn+reap against the raw calls, nix and std.

use crate::{Compare, Report};
use bsd_proc::{getgroups, ngroups_max, setgroups, wait4, Gid, Rusage, Signal, Uid, WaitOptions, Waited};
use std::process::{Child, Command};
use std::time::Duration;

/// Groups set (as root) while getgroups is measured, so the kernel copies
/// a realistic list rather than nothing.
const BENCH_GROUPS: u32 = 32;

/// Runs the section.
pub fn run(r: &mut Report) {
    r.section("proc", "bsd-proc");
    match getgroups() {
        Ok(g) => r.say(format_args!(
            "   groups: {} supplementary {:?} (egid {}, NGROUPS_MAX {})",
            g.len(),
            g,
            Gid::effective(),
            ngroups_max()
        )),
        Err(e) => r.failed("getgroups", &e),
    }

    narrate(r, "exits 3", Command::new("sh").args(["-c", "exit 3"]), &[]);
    narrate(
        r,
        "killed by SIGTERM",
        &mut sleeper(),
        &[(Signal::TERM, WaitOptions::empty())],
    );
    narrate(
        r,
        "stopped, continued, killed",
        &mut sleeper(),
        &[
            (Signal::STOP, WaitOptions::UNTRACED),
            (Signal::CONT, WaitOptions::CONTINUED),
            (Signal::KILL, WaitOptions::empty()),
        ],
    );

    // getgroups with a list to copy: as root, 32 groups for the measurement,
    // then the original list back.
    let saved = getgroups().ok();
    let set =
        Uid::effective().is_root() && setgroups(&(1..=BENCH_GROUPS).map(Gid::from_raw).collect::<Vec<_>>()).is_ok();
    let n = getgroups().map_or(0, |g| g.len());
    r.say(format_args!(
        "   measuring getgroups with {n} groups{}",
        if set { " (set for the measurement)" } else { "" }
    ));
    let (mut a, mut b) = (ops::GroupBuf::new(), ops::GroupBuf::new());
    r.compare(
        Compare::new("proc", format!("getgroups into a buffer ({n} groups)"))
            .ours("bsd-proc getgroups_into", || ops::ours_into(&mut a))
            .raw("libc getgroups", || ops::raw_into(&mut b)),
    );
    r.compare(
        Compare::new("proc", format!("getgroups → Vec ({n} groups)"))
            .ours("bsd-proc getgroups", ops::ours_vec)
            .raw("libc getgroups + to_vec", ops::raw_vec)
            .peer("nix", ops::nix_vec),
    );
    if set {
        if let Some(g) = saved {
            if let Err(e) = setgroups(&g) {
                r.failed("restoring the group list", &e);
            }
        }
    }

    let words = ops::status_words();
    r.compare(
        Compare::new("proc", format!("decode {} status words", words.len()))
            .ours("bsd-proc WaitStatus::event", || ops::decode_ours(&words))
            .raw("libc W* macros", || ops::decode_raw(&words))
            .peer("nix WaitStatus::from_raw", || ops::decode_nix(&words)),
    );

    r.compare(
        Compare::new("proc", "spawn + reap /bin/true")
            .budget(Duration::from_secs(2))
            .ours("bsd-proc wait4", ops::spawn_reap_ours)
            .raw("libc wait4", ops::spawn_reap_raw)
            .peer("std Child::wait", ops::spawn_reap_std),
    );
}

fn sleeper() -> Command {
    let mut c = Command::new("sleep");
    c.arg("30");
    c
}

/// Spawns `cmd`, then for each (signal, options) sends the signal and
/// reports what wait4 saw; finally reaps the child if it is still there.
fn narrate(r: &mut Report, what: &str, cmd: &mut Command, steps: &[(Signal, WaitOptions)]) {
    let child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return r.failed(&format!("spawn a child that {what}"), &e),
    };
    let pid = child_pid(&child);
    let mut done = false;
    for &(sig, options) in steps {
        // `pid` is our unreaped child, so the number names it.
        let _ = bsd_proc::kill(pid, sig);
        match wait4(pid, options) {
            Ok(Some(w)) => {
                done = w.status.exited() || w.status.signaled();
                say_waited(r, what, &w);
            }
            Ok(None) => r.say(format_args!("   child {pid} ({what}): nothing to report")),
            Err(e) => return r.failed(&format!("wait4 for the child that {what}"), &e),
        }
    }
    if !done {
        match wait4(pid, WaitOptions::empty()) {
            Ok(Some(w)) => say_waited(r, what, &w),
            Ok(None) => {}
            Err(e) => r.failed(&format!("wait4 for the child that {what}"), &e),
        }
    }
}

fn say_waited(r: &mut Report, what: &str, w: &Waited) {
    r.say(format_args!(
        "   child {} ({what}): {:?} = \"{}\" (word {:#06x}); {}",
        w.pid,
        w.status.event(),
        w.status,
        w.status.raw(),
        rusage_line(&w.rusage)
    ));
}

fn rusage_line(u: &Rusage) -> String {
    format!(
        "user {:?}, system {:?}, max RSS {} KiB, {} minor faults, {}+{} context switches",
        u.user_time(),
        u.system_time(),
        u.max_rss_bytes() / 1024,
        u.minor_faults(),
        u.voluntary_context_switches(),
        u.involuntary_context_switches()
    )
}

fn child_pid(c: &Child) -> libc::pid_t {
    libc::pid_t::try_from(c.id()).unwrap_or(-1)
}

/// The operations compared, shared with `benches/proc.rs`.
pub mod ops {
    use bsd_proc::{getgroups, getgroups_into, wait4, Gid, WaitOptions, WaitStatus};
    use std::hint::black_box;
    use std::process::{Command, Stdio};

    /// A reused buffer large enough for the groups measured.
    #[derive(Debug)]
    pub struct GroupBuf(Vec<Gid>);

    impl GroupBuf {
        /// 1024 entries.
        pub fn new() -> Self {
            GroupBuf(vec![Gid::ROOT; 1024])
        }
    }

    impl Default for GroupBuf {
        fn default() -> Self {
            Self::new()
        }
    }

    /// `getgroups_into` a reused buffer.
    pub fn ours_into(b: &mut GroupBuf) {
        black_box(getgroups_into(&mut b.0).ok());
    }

    /// `libc::getgroups` into a reused buffer.
    pub fn raw_into(b: &mut GroupBuf) {
        let len = libc::c_int::try_from(b.0.len()).unwrap_or(libc::c_int::MAX);
        // SAFETY: the buffer holds `len` gids (`Gid` is a transparent gid_t).
        black_box(unsafe { libc::getgroups(len, b.0.as_mut_ptr().cast()) });
    }

    /// `getgroups()` → a fresh `Vec`.
    pub fn ours_vec() {
        black_box(getgroups().ok());
    }

    /// What a C programmer writes: `getgroups` into a stack array, copied
    /// into a `Vec`.
    pub fn raw_vec() {
        let mut buf = [0 as libc::gid_t; 256];
        // SAFETY: `buf` holds 256 gids.
        let n = unsafe { libc::getgroups(256, buf.as_mut_ptr()) };
        black_box(buf.get(..usize::try_from(n).unwrap_or(0)).map(<[libc::gid_t]>::to_vec));
    }

    /// `nix::unistd::getgroups()`.
    pub fn nix_vec() {
        black_box(nix::unistd::getgroups().ok());
    }

    /// 1000 status words of every kind a Linux or BSD kernel writes for a
    /// child: exits, kills with and without core, stops, continues.
    pub fn status_words() -> Vec<i32> {
        let mut v = Vec::with_capacity(1000);
        let kinds: [fn(i32) -> i32; 5] = [
            |i: i32| (i % 256) << 8,                                                  // exited
            |i: i32| [libc::SIGKILL, libc::SIGTERM, libc::SIGINT][(i % 3) as usize],  // killed
            |i: i32| [libc::SIGSEGV, libc::SIGABRT][(i % 2) as usize] | 0o200,        // core
            |i: i32| ([libc::SIGSTOP, libc::SIGTSTP][(i % 2) as usize] << 8) | 0o177, // stopped
            |_: i32| continued_word(),
        ];
        for i in 0..1000 {
            v.push(kinds[(i % 5) as usize](i));
        }
        v
    }

    /// The word this platform's kernel writes for a continued child.
    fn continued_word() -> i32 {
        match bsd_proc::Family::HOST {
            bsd_proc::Family::FreeBsd | bsd_proc::Family::DragonFly => 0x13,
            bsd_proc::Family::Apple => 0x137f,
            _ => 0xffff,
        }
    }

    /// `WaitStatus::from_raw(w).event()` for every word.
    pub fn decode_ours(words: &[i32]) {
        for &w in words {
            black_box(WaitStatus::from_raw(black_box(w)).event());
        }
    }

    /// The `libc` macros by hand, in the order nix uses.
    pub fn decode_raw(words: &[i32]) {
        for &w in words {
            let w = black_box(w);
            let e = if libc::WIFEXITED(w) {
                (0, libc::WEXITSTATUS(w), false)
            } else if libc::WIFSIGNALED(w) {
                (1, libc::WTERMSIG(w), libc::WCOREDUMP(w))
            } else if libc::WIFSTOPPED(w) {
                (2, libc::WSTOPSIG(w), false)
            } else {
                (3, 0, libc::WIFCONTINUED(w))
            };
            black_box(e);
        }
    }

    /// `nix::sys::wait::WaitStatus::from_raw` for every word.
    pub fn decode_nix(words: &[i32]) {
        let pid = nix::unistd::Pid::from_raw(1);
        for &w in words {
            black_box(nix::sys::wait::WaitStatus::from_raw(pid, black_box(w)).ok());
        }
    }

    fn spawn_true() -> Option<std::process::Child> {
        Command::new("/bin/true")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()
    }

    /// Spawn `/bin/true`, reap it with `bsd_proc::wait4`.
    pub fn spawn_reap_ours() {
        if let Some(c) = spawn_true() {
            let pid = libc::pid_t::try_from(c.id()).unwrap_or(-1);
            black_box(wait4(pid, WaitOptions::empty()).ok());
        }
    }

    /// Spawn `/bin/true`, reap it with `libc::wait4`.
    pub fn spawn_reap_raw() {
        if let Some(c) = spawn_true() {
            let pid = libc::pid_t::try_from(c.id()).unwrap_or(-1);
            let mut status = 0;
            // SAFETY: `rusage` is plain integers; all-zero is valid.
            let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
            // SAFETY: both pointers are valid for writes.
            black_box(unsafe { libc::wait4(pid, &mut status, 0, &mut ru) });
            black_box((status, ru.ru_maxrss));
        }
    }

    /// Spawn `/bin/true`, reap it with `std::process::Child::wait`.
    pub fn spawn_reap_std() {
        if let Some(mut c) = spawn_true() {
            black_box(c.wait().ok());
        }
    }
}
