//! The measuring and reporting half of the `bench` crate.
//!
//! [`Compare`] times several contestants doing the same work — ours, the raw
//! `libc` call (the floor), and the peers a user would pick instead —
//! interleaved in one run (A B C A B C …), and reports the median time per
//! operation of each and the ratios ours ÷ raw and ours ÷ peer. Absolute
//! times move between runs on shared machines; ratios measured together hold.
//!
//! [`Report`] collects the rows and the narrative lines of each section and
//! prints them as a table, or as JSON lines with `--json`.

pub mod sections;

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Who a contestant is in a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// This project's crate.
    Ours,
    /// The raw `libc` call doing the same work: the floor.
    Raw,
    /// What a user would pick instead (`nix`, `std`, `socket2`, …).
    Peer,
}

enum Body<'a> {
    /// One call is one operation; the harness times batches of calls.
    Plain(Box<dyn FnMut() + 'a>),
    /// One call prepares and performs one operation and returns the time the
    /// operation alone took (the preparation is not counted).
    Timed(Box<dyn FnMut() -> Duration + 'a>),
}

struct Contestant<'a> {
    label: String,
    role: Role,
    body: Body<'a>,
}

impl Contestant<'_> {
    /// Seconds spent in the operation over `k` calls, and in all (with the
    /// preparation of a timed body).
    fn measure(&mut self, k: u64) -> (f64, f64) {
        let t = Instant::now();
        let op = match &mut self.body {
            Body::Plain(f) => {
                for _ in 0..k {
                    f();
                }
                None
            }
            Body::Timed(f) => Some((0..k).map(|_| f().as_secs_f64()).sum()),
        };
        let wall = t.elapsed().as_secs_f64();
        (op.unwrap_or(wall), wall)
    }
}

/// One comparison: contestants doing the same operation, measured
/// interleaved.
pub struct Compare<'a> {
    section: &'static str,
    name: String,
    budget: Duration,
    contestants: Vec<Contestant<'a>>,
}

impl std::fmt::Debug for Compare<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compare")
            .field("section", &self.section)
            .field("name", &self.name)
            .finish()
    }
}

/// Samples taken of each contestant (odd, so the median is one sample)...
const SAMPLES: usize = 21;
/// ...unless one operation is so slow that 21 would overrun the budget
/// threefold; then fewer, but never fewer than this.
const MIN_SAMPLES: usize = 5;

impl<'a> Compare<'a> {
    /// A comparison named `name` in `section`. Each call of a contestant's
    /// closure is one operation; the row reports time per operation.
    pub fn new(section: &'static str, name: impl Into<String>) -> Self {
        Compare {
            section,
            name: name.into(),
            budget: default_budget(),
            contestants: Vec::new(),
        }
    }

    /// Total wall time to spend on this comparison (all contestants). The
    /// default is 1 s, or `BSD_BENCH_BUDGET_MS`.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// Our implementation. Several are allowed (one row each).
    pub fn ours(self, label: impl Into<String>, f: impl FnMut() + 'a) -> Self {
        self.add(label, Role::Ours, f)
    }

    /// The raw `libc` call doing the same work.
    pub fn raw(self, label: impl Into<String>, f: impl FnMut() + 'a) -> Self {
        self.add(label, Role::Raw, f)
    }

    /// A peer crate or `std` doing the same work.
    pub fn peer(self, label: impl Into<String>, f: impl FnMut() + 'a) -> Self {
        self.add(label, Role::Peer, f)
    }

    /// Our implementation, timing itself: each call prepares one operation
    /// (untimed) and returns how long the operation alone took. For work
    /// that needs a setup as costly as itself, such as datagrams to receive.
    pub fn ours_timed(self, label: impl Into<String>, f: impl FnMut() -> Duration + 'a) -> Self {
        self.push(label, Role::Ours, Body::Timed(Box::new(f)))
    }

    /// The raw call, timing itself (see [`Compare::ours_timed`]).
    pub fn raw_timed(self, label: impl Into<String>, f: impl FnMut() -> Duration + 'a) -> Self {
        self.push(label, Role::Raw, Body::Timed(Box::new(f)))
    }

    /// A peer, timing itself (see [`Compare::ours_timed`]).
    pub fn peer_timed(self, label: impl Into<String>, f: impl FnMut() -> Duration + 'a) -> Self {
        self.push(label, Role::Peer, Body::Timed(Box::new(f)))
    }

    fn add(self, label: impl Into<String>, role: Role, f: impl FnMut() + 'a) -> Self {
        self.push(label, role, Body::Plain(Box::new(f)))
    }

    fn push(mut self, label: impl Into<String>, role: Role, body: Body<'a>) -> Self {
        self.contestants.push(Contestant {
            label: label.into(),
            role,
            body,
        });
        self
    }

    /// Measures every contestant and returns one [`Row`] per `ours`
    /// contestant.
    pub fn run(mut self) -> Vec<Row> {
        let n = self.contestants.len().max(1);
        // Warm up and estimate one operation's cost.
        let mut iters = Vec::with_capacity(n);
        let mut ests = Vec::with_capacity(n);
        let per_sample = self.budget.as_secs_f64() / (n * SAMPLES) as f64;
        for c in &mut self.contestants {
            c.measure(1);
            let mut k = 1u64;
            // The wall time per call (preparation included) sizes the
            // samples, so the budget holds for timed bodies too.
            let est = loop {
                let (_, e) = c.measure(k);
                if e > per_sample / 20.0 || k >= 1 << 20 {
                    break e / k as f64;
                }
                k *= 4;
            };
            iters.push(((per_sample / est.max(1e-9)) as u64).clamp(1, 1 << 24));
            ests.push(est);
        }
        // Slow operations (a whole directory listing) get fewer samples of
        // one operation each, so a short budget stays short.
        let slowest = ests.iter().copied().fold(0.0, f64::max);
        let fit = (self.budget.as_secs_f64() / (n as f64 * slowest.max(1e-9))) as usize;
        let rounds = if fit >= SAMPLES / 3 {
            SAMPLES
        } else {
            (fit.max(MIN_SAMPLES)) | 1
        };
        let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); n];
        for s in 0..rounds {
            // Rotate the order so no contestant always runs first.
            for j in 0..n {
                let i = (j + s) % n;
                let k = iters[i];
                let (secs, _) = self.contestants[i].measure(k);
                samples[i].push(secs * 1e9 / k as f64);
            }
        }
        let medians: Vec<f64> = samples.iter_mut().map(|v| median(v)).collect();
        let entry = |i: usize| Timing {
            label: self.contestants[i].label.clone(),
            ns: medians[i],
        };
        let raw = self.contestants.iter().position(|c| c.role == Role::Raw).map(entry);
        let peers: Vec<Timing> = (0..n)
            .filter(|&i| self.contestants[i].role == Role::Peer)
            .map(entry)
            .collect();
        (0..n)
            .filter(|&i| self.contestants[i].role == Role::Ours)
            .map(|i| Row {
                section: self.section,
                comparison: self.name.clone(),
                ours: entry(i),
                raw: raw.clone(),
                peers: peers.clone(),
            })
            .collect()
    }
}

fn default_budget() -> Duration {
    let ms = std::env::var("BSD_BENCH_BUDGET_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    Duration::from_millis(ms)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// A contestant's median time per operation.
#[derive(Clone, Debug)]
pub struct Timing {
    /// What was measured (`"bsd-errno"`, `"libc strerror_r"`, `"nix"`).
    pub label: String,
    /// Median nanoseconds per operation.
    pub ns: f64,
}

/// One line of the report's table: ours, the floor, the peers.
#[derive(Clone, Debug)]
pub struct Row {
    /// The report section (`"errno"`, `"net"`, …).
    pub section: &'static str,
    /// What the contestants do.
    pub comparison: String,
    /// Our contestant.
    pub ours: Timing,
    /// The raw call, if the comparison has one.
    pub raw: Option<Timing>,
    /// The peers.
    pub peers: Vec<Timing>,
}

impl Row {
    /// ours ÷ raw.
    pub fn ours_over_raw(&self) -> Option<f64> {
        self.raw.as_ref().map(|r| self.ours.ns / r.ns)
    }

    /// The row as one JSON object.
    pub fn to_json(&self) -> String {
        let mut s = String::new();
        let timing = |t: &Timing| format!("{{\"label\":{},\"ns\":{}}}", json_str(&t.label), json_num(t.ns));
        let _ = write!(
            s,
            "{{\"section\":{},\"comparison\":{},\"ours\":{},\"raw\":{},\"ours_over_raw\":{},\"peers\":[",
            json_str(self.section),
            json_str(&self.comparison),
            timing(&self.ours),
            self.raw.as_ref().map_or("null".to_string(), timing),
            self.ours_over_raw().map_or("null".to_string(), json_num),
        );
        for (i, p) in self.peers.iter().enumerate() {
            let _ = write!(
                s,
                "{}{{\"label\":{},\"ns\":{},\"ours_over_peer\":{}}}",
                if i == 0 { "" } else { "," },
                json_str(&p.label),
                json_num(p.ns),
                json_num(self.ours.ns / p.ns)
            );
        }
        s.push_str("]}");
        s
    }
}

fn json_num(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.3}")
    } else {
        "null".to_string()
    }
}

/// A JSON string literal for `s`.
pub fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Formats nanoseconds with a unit that keeps three significant digits.
pub fn fmt_ns(ns: f64) -> String {
    if !ns.is_finite() {
        "-".to_string()
    } else if ns < 1e3 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// Where the sections write: narrative lines and measured rows.
#[derive(Debug)]
pub struct Report {
    json: bool,
    rows: Vec<Row>,
    section: &'static str,
}

impl Report {
    /// A report; with `json`, rows go to stdout as JSON lines and the
    /// narrative to stderr, so stdout stays parseable.
    pub fn new(json: bool) -> Self {
        Report {
            json,
            rows: Vec::new(),
            section: "",
        }
    }

    /// Starts a section: prints its heading.
    pub fn section(&mut self, name: &'static str, title: &str) {
        self.section = name;
        self.say(format_args!("\n== {name}: {title}"));
    }

    /// One line of what the section saw on this machine.
    pub fn say(&mut self, line: std::fmt::Arguments<'_>) {
        if self.json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }

    /// Runs a comparison and records its rows (and prints them as JSON lines
    /// in `--json` mode).
    pub fn compare(&mut self, cmp: Compare<'_>) {
        for row in cmp.run() {
            if self.json {
                println!("{}", row.to_json());
            } else {
                let r = row.ours_over_raw().map_or("-".to_string(), |x| format!("{x:.2}×"));
                let p = row
                    .peers
                    .iter()
                    .map(|p| format!("{} {:.2}×", p.label, row.ours.ns / p.ns))
                    .collect::<Vec<_>>()
                    .join(", ");
                println!(
                    "   measured: {} — ours {} (÷raw {r}; ÷peer {p})",
                    row.comparison,
                    fmt_ns(row.ours.ns)
                );
            }
            self.rows.push(row);
        }
    }

    /// A section that could not run reports why, once.
    pub fn failed(&mut self, what: &str, err: &dyn std::fmt::Display) {
        self.say(format_args!("   FAILED: {what}: {err}"));
    }

    /// The rows so far.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Prints the side-by-side table of every row (not in `--json` mode).
    pub fn print_table(&self) {
        if self.json {
            return;
        }
        let mut lines: Vec<[String; 8]> = Vec::new();
        lines.push(
            [
                "section",
                "comparison",
                "ours",
                "raw",
                "peer",
                "",
                "ours÷raw",
                "ours÷peer",
            ]
            .map(String::from),
        );
        for row in &self.rows {
            let raw = row.raw.as_ref();
            let first = [
                row.section.to_string(),
                row.comparison.clone(),
                format!("{} {}", row.ours.label, fmt_ns(row.ours.ns)),
                raw.map_or("-".into(), |r| format!("{} {}", r.label, fmt_ns(r.ns))),
                String::new(),
                String::new(),
                row.ours_over_raw().map_or("-".into(), |x| format!("{x:.2}")),
                String::new(),
            ];
            if row.peers.is_empty() {
                let mut l = first.clone();
                l[4] = "-".into();
                l[7] = "-".into();
                lines.push(l);
            }
            for (i, p) in row.peers.iter().enumerate() {
                let mut l = if i == 0 { first.clone() } else { Default::default() };
                l[4] = p.label.clone();
                l[5] = fmt_ns(p.ns);
                l[7] = format!("{:.2}", row.ours.ns / p.ns);
                lines.push(l);
            }
        }
        let mut widths = [0usize; 8];
        for l in &lines {
            for (w, c) in widths.iter_mut().zip(l) {
                *w = (*w).max(c.chars().count());
            }
        }
        println!();
        for (n, l) in lines.iter().enumerate() {
            let mut out = String::new();
            for (i, (c, w)) in l.iter().zip(widths).enumerate() {
                let pad = w - c.chars().count();
                if i >= 5 {
                    out.push_str(&" ".repeat(pad));
                    out.push_str(c);
                } else {
                    out.push_str(c);
                    out.push_str(&" ".repeat(pad));
                }
                out.push_str("  ");
            }
            println!("{}", out.trim_end());
            if n == 0 {
                println!("{}", "-".repeat(widths.iter().sum::<usize>() + 2 * 7));
            }
        }
    }
}

/// Keeps a value alive and opaque to the optimizer (re-export for sections).
#[inline]
pub fn keep<T>(x: T) -> T {
    black_box(x)
}
