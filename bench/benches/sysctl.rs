//! Reading `kernel.ostype` repeatedly on Linux: a kept-open `Ctl` against
//! the `pread` floor, and by name against open+read+close,
//! `std::fs::read_to_string` and the `sysctl` crate. The operations are the
//! report's (`bench::sections::sysctl::ops`).

#[cfg(target_os = "linux")]
mod linux {
    use bench::sections::sysctl::ops;
    use criterion::Criterion;

    pub fn kept_open(c: &mut Criterion) {
        let ctl = bsd_sysctl::Ctl::new(ops::NAME).unwrap();
        let raw = ops::RawFile::open().unwrap();
        let mut buf = [0u8; 64];
        let mut g = c.benchmark_group("sysctl: read kernel.ostype, kept open");
        g.bench_function("bsd-sysctl Ctl::value_string", |b| b.iter(|| ops::ctl_string(&ctl)));
        g.bench_function("bsd-sysctl Ctl::read", |b| b.iter(|| ops::ctl_read(&ctl, &mut buf)));
        g.bench_function("raw pread", |b| b.iter(|| ops::raw_pread(&raw)));
        g.bench_function("sysctl crate", |b| b.iter(ops::peer_sysctl));
        g.finish();
    }

    pub fn by_name(c: &mut Criterion) {
        let mut g = c.benchmark_group("sysctl: read kernel.ostype by name");
        g.bench_function("bsd-sysctl sysctl()", |b| b.iter(ops::by_name));
        g.bench_function("raw open+read+close", |b| b.iter(ops::raw_open_read_close));
        g.bench_function("std read_to_string", |b| b.iter(ops::std_read_to_string));
        g.bench_function("sysctl crate", |b| b.iter(ops::peer_sysctl));
        g.finish();
    }
}

#[cfg(target_os = "linux")]
criterion::criterion_group!(benches, linux::kept_open, linux::by_name);
#[cfg(target_os = "linux")]
criterion::criterion_main!(benches);

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("the sysctl benches compare /proc/sys reads: Linux only");
}
