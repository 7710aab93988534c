//! `Errno::last()` + `name()` + formatting, against the raw C calls,
//! `std::io::Error::last_os_error()` and `nix::errno::Errno::last()`.
//! The operations are the report's (`bench::sections::errno::ops`).

use bench::sections::errno::ops;
use criterion::{criterion_group, criterion_main, Criterion};

fn errno(c: &mut Criterion) {
    let mut g = c.benchmark_group("errno: last + name + format");
    let mut s = String::with_capacity(128);
    g.bench_function("bsd-errno", |b| b.iter(|| ops::ours(&mut s)));
    g.bench_function("raw errno+strerrorname_np+strerror_r", |b| b.iter(|| ops::raw(&mut s)));
    g.bench_function("std io::Error", |b| b.iter(|| ops::std(&mut s)));
    g.bench_function("nix", |b| b.iter(|| ops::nix(&mut s)));
    g.finish();
}

criterion_group!(benches, errno);
criterion_main!(benches);
