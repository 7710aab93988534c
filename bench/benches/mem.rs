//! 4 KiB anonymous map+unmap through `bsd_mem::mmap`/`munmap` and `Mapping`,
//! against raw `libc::mmap`/`munmap` and `memmap2::MmapMut::map_anon`, on
//! one thread and on two at once; and `registry::lookup` among 10 000 live
//! mappings. The operations are the report's (`bench::sections::mem::ops`).

use bench::sections::mem::ops;
use criterion::{criterion_group, criterion_main, Criterion};

fn map_unmap(c: &mut Criterion) {
    let mut g = c.benchmark_group("mem: 4 KiB anon map+unmap");
    g.bench_function("bsd-mem mmap/munmap (registry)", |b| b.iter(ops::registry));
    g.bench_function("bsd-mem Mapping", |b| b.iter(ops::mapping));
    g.bench_function("raw libc mmap/munmap", |b| b.iter(ops::raw));
    g.bench_function("memmap2 MmapMut::map_anon", |b| b.iter(ops::memmap2));
    g.finish();
}

fn two_threads(c: &mut Criterion) {
    let mut g = c.benchmark_group(format!("mem: 2 threads × {} × 4 KiB map+unmap", ops::BATCH));
    g.sample_size(20);
    g.bench_function("bsd-mem mmap/munmap (registry)", |b| {
        b.iter(|| ops::two_threads(ops::registry))
    });
    g.bench_function("bsd-mem Mapping", |b| b.iter(|| ops::two_threads(ops::mapping)));
    g.bench_function("raw libc mmap/munmap", |b| b.iter(|| ops::two_threads(ops::raw)));
    g.bench_function("memmap2 MmapMut::map_anon", |b| {
        b.iter(|| ops::two_threads(ops::memmap2))
    });
    g.finish();
}

fn lookup(c: &mut Criterion) {
    let Ok(mut many) = ops::Many::new(10_000) else {
        eprintln!("mem bench: could not make 10 000 mappings");
        return;
    };
    let mut floor = ops::Floor::new(&many);
    let mut maps = ops::ProcMaps::new(&many);
    let mut miss = Vec::new();
    let mut g = c.benchmark_group("mem: lookup among 10 000 live mappings of 1-16 pages");
    g.bench_function("bsd-mem registry::lookup (hit)", |b| b.iter(|| many.lookup()));
    g.bench_function("bsd-mem registry::lookup (miss: heap pointer)", |b| {
        b.iter(|| ops::lookup_miss(&mut miss))
    });
    g.bench_function("BTreeMap range, no lock (floor)", |b| b.iter(|| floor.lookup()));
    g.sample_size(10);
    g.bench_function("scan /proc/self/maps", |b| b.iter(|| maps.lookup()));
    g.finish();
}

criterion_group!(benches, map_unmap, two_threads, lookup);
criterion_main!(benches);
