//! `cargo run --release -p bench`: exercise every crate live on this machine,
//! print what it saw, then a side-by-side table of timings (ours, the raw
//! call, the peer, and the ratios), measured interleaved in one run.
//!
//! Flags: `--json` prints the rows as JSON lines on stdout (the narrative
//! goes to stderr); `--quick` shortens every measurement (a smoke run);
//! any other argument selects sections by name (`errno`, `proc`, `net`, …).

use bench::{sections, Report};
use std::time::Instant;

fn main() {
    let mut json = false;
    let mut only: Vec<String> = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => json = true,
            // Read by `Compare::new` through the environment.
            "--quick" => std::env::set_var("BSD_BENCH_BUDGET_MS", "60"),
            "-h" | "--help" => {
                println!("usage: bench [--json] [--quick] [section ...]");
                let names: Vec<&str> = sections::ALL.iter().map(|(n, _)| *n).collect();
                println!("sections: {}", names.join(" "));
                return;
            }
            s if s.starts_with('-') => {
                eprintln!("bench: unknown flag {s} (try --help)");
                std::process::exit(2);
            }
            s => only.push(s.to_string()),
        }
    }
    for s in &only {
        if !sections::ALL.iter().any(|(n, _)| n == s) {
            eprintln!("bench: no section named {s} (try --help)");
            std::process::exit(2);
        }
    }
    let start = Instant::now();
    let mut report = Report::new(json);
    report.say(format_args!("bsd-rs report: {}", machine()));
    for (name, run) in sections::ALL {
        if only.is_empty() || only.iter().any(|s| s == name) {
            run(&mut report);
        }
    }
    report.print_table();
    report.say(format_args!(
        "\n{} rows in {:.1} s",
        report.rows().len(),
        start.elapsed().as_secs_f64()
    ));
}

/// One line describing the machine the numbers come from.
fn machine() -> String {
    let mut u: libc::utsname = unsafe_zeroed_utsname();
    // SAFETY: `u` is a valid, writable utsname.
    let ok = unsafe { libc::uname(&mut u) } == 0;
    let field = |f: &[libc::c_char]| -> String {
        let bytes: Vec<u8> = f.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    if ok {
        format!(
            "{} {} {}, {cpus} CPUs {model}",
            field(&u.sysname),
            field(&u.release),
            field(&u.machine)
        )
    } else {
        format!("{cpus} CPUs {model}")
    }
}

fn unsafe_zeroed_utsname() -> libc::utsname {
    // SAFETY: utsname is plain old data; all-zero bytes are a valid value.
    unsafe { std::mem::zeroed() }
}
