//! `Kqueue::kevent` against raw epoll and `mio` (and libkqueue when the
//! system has it). The operations are the report's
//! (`bench::sections::event::ops`).

use bench::sections::event::ops;
use criterion::{criterion_group, criterion_main, Criterion};

fn single(c: &mut Criterion) {
    let lib = ops::LibKqueue::load();
    for registered in [1, 1000] {
        let mut g = c.benchmark_group(format!("event: 1 ready of {registered}: write, wait(0), read"));
        let mut ours = ops::Single::ours(registered, true).expect("setup");
        g.bench_function("bsd-event", |b| b.iter(|| ours.op()));
        let mut lazy = ops::Single::ours(registered, false).expect("setup");
        g.bench_function("bsd-event set_exact_data(false)", |b| b.iter(|| lazy.op()));
        let mut raw = ops::Single::raw(registered, false).expect("setup");
        g.bench_function("raw epoll_wait", |b| b.iter(|| raw.op()));
        let mut counted = ops::Single::raw(registered, true).expect("setup");
        g.bench_function("raw epoll_wait+FIONREAD", |b| b.iter(|| counted.op()));
        let mut mio = ops::Single::mio(registered).expect("setup");
        g.bench_function("mio", |b| b.iter(|| mio.op()));
        if let Some(mut l) = lib.as_ref().and_then(|l| ops::Single::libkqueue(l, registered).ok()) {
            g.bench_function("libkqueue", |b| b.iter(|| l.op()));
        }
        g.finish();
    }
}

fn ten(c: &mut Criterion) {
    let mut g = c.benchmark_group("event: 10 ready of 1000");
    let mut ours = ops::Ten::ours(true).expect("setup");
    g.bench_function("bsd-event", |b| b.iter(|| ours.op()));
    let mut lazy = ops::Ten::ours(false).expect("setup");
    g.bench_function("bsd-event set_exact_data(false)", |b| b.iter(|| lazy.op()));
    let mut raw = ops::Ten::raw().expect("setup");
    g.bench_function("raw epoll_wait", |b| b.iter(|| raw.op()));
    let mut mio = ops::Ten::mio().expect("setup");
    g.bench_function("mio", |b| b.iter(|| mio.op()));
    g.finish();
}

fn rotate(c: &mut Criterion) {
    let mut g = c.benchmark_group("event: 1 ready of 1000, a different one each time");
    let mut ours = ops::Rotate::ours(true).expect("setup");
    g.bench_function("bsd-event", |b| b.iter(|| ours.op()));
    let mut lazy = ops::Rotate::ours(false).expect("setup");
    g.bench_function("bsd-event set_exact_data(false)", |b| b.iter(|| lazy.op()));
    let mut data = ops::Rotate::ours_reading_data().expect("setup");
    g.bench_function("bsd-event, reading data", |b| b.iter(|| data.op()));
    let mut raw = ops::Rotate::raw().expect("setup");
    g.bench_function("raw epoll_wait", |b| b.iter(|| raw.op()));
    let mut mio = ops::Rotate::mio().expect("setup");
    g.bench_function("mio", |b| b.iter(|| mio.op()));
    g.finish();
}

fn hundred(c: &mut Criterion) {
    let set = std::rc::Rc::new(ops::Shared::new(5000, 100).expect("setup"));
    let mut g = c.benchmark_group("event: 100 ready of 10 000");
    let mut ours = ops::Hundred::ours(&set, true).expect("setup");
    g.bench_function("bsd-event", |b| b.iter(|| ours.op()));
    let mut lazy = ops::Hundred::ours(&set, false).expect("setup");
    g.bench_function("bsd-event set_exact_data(false)", |b| b.iter(|| lazy.op()));
    let mut raw = ops::Hundred::raw(&set).expect("setup");
    g.bench_function("raw epoll_wait", |b| b.iter(|| raw.op()));
    let mut mio = ops::Hundred::mio(&set).expect("setup");
    g.bench_function("mio", |b| b.iter(|| mio.op()));
    g.finish();
}

fn churn(c: &mut Criterion) {
    let mut g = c.benchmark_group("event: add then delete 1000 descriptors");
    g.sample_size(20);
    let mut ours = ops::Churn::ours().expect("setup");
    g.bench_function("bsd-event (two changelists)", |b| b.iter(|| ours.op()));
    let mut raw = ops::Churn::raw().expect("setup");
    g.bench_function("raw epoll_ctl ADD+DEL", |b| b.iter(|| raw.op()));
    let mut mio = ops::Churn::mio().expect("setup");
    g.bench_function("mio register+deregister", |b| b.iter(|| mio.op()));
    g.finish();
}

fn timer(c: &mut Criterion) {
    let mut g = c.benchmark_group("event: periodic 1 ms timer wake-up");
    g.sample_size(20);
    let mut ours = ops::Timer::ours().expect("setup");
    g.bench_function("bsd-event", |b| b.iter(|| ours.op()));
    let mut raw = ops::Timer::raw().expect("setup");
    g.bench_function("raw timerfd+epoll", |b| b.iter(|| raw.op()));
    g.finish();
}

fn wake(c: &mut Criterion) {
    let _pin = ops::Pinned::main();
    let mut g = c.benchmark_group("event: cross-thread wake round trip");
    let mut ours = ops::Wake::ours().expect("setup");
    g.bench_function("bsd-event EVFILT_USER", |b| b.iter(|| ours.op()));
    let mut raw = ops::Wake::raw().expect("setup");
    g.bench_function("raw eventfd+epoll", |b| b.iter(|| raw.op()));
    let mut mio = ops::Wake::mio().expect("setup");
    g.bench_function("mio Waker", |b| b.iter(|| mio.op()));
    g.finish();
}

fn ping_pong(c: &mut Criterion) {
    let _pin = ops::Pinned::main();
    let mut g = c.benchmark_group("event: pipe ping-pong, two threads");
    let mut ours = ops::PingPong::ours().expect("setup");
    g.bench_function("bsd-event", |b| b.iter(|| ours.op()));
    let mut raw = ops::PingPong::raw().expect("setup");
    g.bench_function("raw epoll_wait", |b| b.iter(|| raw.op()));
    let mut mio = ops::PingPong::mio().expect("setup");
    g.bench_function("mio", |b| b.iter(|| mio.op()));
    g.finish();
}

criterion_group!(benches, single, rotate, ten, hundred, churn, timer, wake, ping_pong);
criterion_main!(benches);
