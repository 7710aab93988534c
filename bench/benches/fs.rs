//! Criterion benches for `bsd-fs`, on the report's operations
//! (`bench::sections::fs::ops`):
//!
//! - listing a warm 100 000-entry directory: `Dir`, the raw `getdents64`
//!   walk (the floor), `std::fs::read_dir`, `nix::dir::Dir`;
//! - `Dir` with buffer sizes from 8 KiB to 256 KiB (how the default was
//!   chosen);
//! - the user-space part alone: the same records parsed from memory;
//! - setting both times of a path: `utimes_nano`, raw `utimensat`,
//!   `filetime`, `std` (open + `File::set_times`).
//!
//! The directory lives on tmpfs (`/dev/shm`) when there is one and is
//! removed at the end.

use bench::sections::fs::ops;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;

fn listing(c: &mut Criterion) {
    let big = ops::BigDir::create(bench::sections::fs::BIG).expect("creating the benchmark directory");
    let path = big.path();
    let mut raw_buf = vec![0u8; ops::RAW_BUFFER];

    let mut g = c.benchmark_group("fs: list 100 000 entries (warm)");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Elements(bench::sections::fs::BIG as u64));
    g.bench_function("bsd-fs Dir", |b| b.iter(|| ops::list_ours(path)));
    g.bench_function("raw getdents64 walk 64 KiB", |b| {
        b.iter(|| ops::list_raw(big.cpath(), &mut raw_buf))
    });
    g.bench_function("std read_dir", |b| b.iter(|| ops::list_std(path)));
    g.bench_function("nix Dir", |b| b.iter(|| ops::list_nix(path)));
    g.finish();

    let mut g = c.benchmark_group("fs: Dir buffer size");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(bench::sections::fs::BIG as u64));
    for kib in [8usize, 16, 32, 64, 128, 256] {
        g.bench_function(format!("{kib} KiB"), |b| {
            b.iter(|| ops::list_ours_sized(path, kib * 1024))
        });
    }
    g.finish();

    let replay = ops::Replay::capture(big.cpath()).expect("capturing the records");
    let mut g = c.benchmark_group("fs: 100 000 records parsed from memory");
    g.throughput(Throughput::Elements(bench::sections::fs::BIG as u64));
    g.bench_function("bsd-fs Dirents (names and types)", |b| {
        b.iter(|| black_box(replay.walk_ours()))
    });
    g.bench_function("raw walk (d_reclen only)", |b| b.iter(|| black_box(replay.walk_raw())));
    g.finish();
}

fn times(c: &mut Criterion) {
    let scratch = ops::Scratch::new("criterion-times").expect("scratch directory");
    let t = ops::TimesTarget::new(scratch.path()).expect("a file");
    let mut g = c.benchmark_group("fs: set both times of a path");
    let mut k = 0i64;
    let mut next = move || {
        k ^= 1;
        k
    };
    g.bench_function("bsd-fs utimes_nano", |b| b.iter(|| ops::times_ours(&t, next())));
    g.bench_function("libc utimensat", |b| b.iter(|| ops::times_raw(&t, next())));
    g.bench_function("filetime set_file_times", |b| {
        b.iter(|| ops::times_filetime(&t, next()))
    });
    g.bench_function("std open + File::set_times", |b| b.iter(|| ops::times_std(&t, next())));
    g.finish();
}

criterion_group!(benches, listing, times);
criterion_main!(benches);
