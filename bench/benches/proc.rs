//! `bsd-proc` against the raw calls and its peers: getgroups (into a
//! buffer, and into a `Vec` vs `nix`), decoding 1000 status words (vs
//! `nix::sys::wait::WaitStatus::from_raw` and libc's macros), and spawn +
//! reap of `/bin/true` (wait4 vs `std::process::Child::wait`). The
//! operations are the report's (`bench::sections::proc::ops`).
//!
//! Run as root, the getgroups benches first set 32 supplementary groups
//! (this bench process only), so the kernel copies a realistic list.

use bench::sections::proc::ops;
use criterion::{criterion_group, criterion_main, Criterion};

fn groups(c: &mut Criterion) {
    if bsd_proc::Uid::effective().is_root() {
        let list: Vec<_> = (1..=32).map(bsd_proc::Gid::from_raw).collect();
        let _ = bsd_proc::setgroups(&list);
    }
    let n = bsd_proc::group_count().unwrap_or(0);
    let mut g = c.benchmark_group(format!("proc: getgroups into a buffer ({n} groups)"));
    let mut buf = ops::GroupBuf::new();
    g.bench_function("bsd-proc getgroups_into", |b| b.iter(|| ops::ours_into(&mut buf)));
    g.bench_function("raw libc getgroups", |b| b.iter(|| ops::raw_into(&mut buf)));
    g.finish();

    let mut g = c.benchmark_group(format!("proc: getgroups -> Vec ({n} groups)"));
    g.bench_function("bsd-proc getgroups", |b| b.iter(ops::ours_vec));
    g.bench_function("raw libc getgroups + to_vec", |b| b.iter(ops::raw_vec));
    g.bench_function("nix", |b| b.iter(ops::nix_vec));
    g.finish();
}

fn decode(c: &mut Criterion) {
    let words = ops::status_words();
    let mut g = c.benchmark_group(format!("proc: decode {} status words", words.len()));
    g.bench_function("bsd-proc WaitStatus::event", |b| b.iter(|| ops::decode_ours(&words)));
    g.bench_function("raw libc W* macros", |b| b.iter(|| ops::decode_raw(&words)));
    g.bench_function("nix WaitStatus::from_raw", |b| b.iter(|| ops::decode_nix(&words)));
    g.finish();
}

fn spawn_reap(c: &mut Criterion) {
    let mut g = c.benchmark_group("proc: spawn + reap /bin/true");
    g.sample_size(30);
    g.bench_function("bsd-proc wait4", |b| b.iter(ops::spawn_reap_ours));
    g.bench_function("raw libc wait4", |b| b.iter(ops::spawn_reap_raw));
    g.bench_function("std Child::wait", |b| b.iter(ops::spawn_reap_std));
    g.finish();
}

criterion_group!(benches, groups, decode, spawn_reap);
criterion_main!(benches);
