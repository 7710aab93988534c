//! Criterion benches for `bsd-net`, on the report's operations
//! (`bench::sections::net::ops`): sendmsg+recvmsg of 64 bytes with one
//! descriptor (ours, raw libc, nix), the sockaddr round trip (ours, raw
//! libc, socket2, nix), and 32 UDP datagrams received with `recv_batch`
//! against `recvmmsg` and 32 `recvmsg` calls — with the `sendmmsg` that
//! queues them, and the receive half alone.

use bench::sections::net::ops;
use criterion::{criterion_group, criterion_main, Criterion};

fn fdpass(c: &mut Criterion) {
    let mut g = c.benchmark_group("net: sendmsg+recvmsg 64 B + 1 fd");
    let (Ok(mut a), Ok(mut b), Ok(mut n), Ok(mut na)) = (
        ops::FdPass::new(),
        ops::FdPass::new(),
        ops::FdPass::new(),
        ops::FdPass::new(),
    ) else {
        eprintln!("net benches: no socketpair");
        return;
    };
    g.bench_function("bsd-net", |x| x.iter(|| ops::fdpass_ours(&mut a)));
    g.bench_function("libc", |x| x.iter(|| ops::fdpass_raw(&mut b)));
    g.bench_function("nix", |x| x.iter(|| ops::fdpass_nix(&mut n)));
    g.bench_function("nix + sender", |x| x.iter(|| ops::fdpass_nix_addr(&mut na)));
    g.finish();
}

fn sockaddr(c: &mut Criterion) {
    for (name, addr) in [("IPv4", "192.0.2.7:8080"), ("IPv6", "[2001:db8::7%3]:443")] {
        let addr: std::net::SocketAddr = addr.parse().expect("a literal address");
        let mut g = c.benchmark_group(format!("net: sockaddr round trip ({name})"));
        g.bench_function("bsd-net SockaddrStorage", |x| x.iter(|| ops::sockaddr_ours(&addr)));
        g.bench_function("bsd-net Sockaddr", |x| x.iter(|| ops::sockaddr_ours_enum(&addr)));
        g.bench_function("libc", |x| x.iter(|| ops::sockaddr_raw(&addr)));
        g.bench_function("socket2", |x| x.iter(|| ops::sockaddr_socket2(&addr)));
        g.bench_function("nix", |x| x.iter(|| ops::sockaddr_nix(&addr)));
        g.finish();
    }
}

fn batch(c: &mut Criterion) {
    let mut g = c.benchmark_group("net: 32 UDP datagrams, send + receive");
    let (Ok(mut a), Ok(mut b), Ok(mut l), Ok(mut lr)) = (
        ops::Batch::new(),
        ops::Batch::new(),
        ops::Batch::new(),
        ops::Batch::new(),
    ) else {
        eprintln!("net benches: no UDP sockets");
        return;
    };
    g.throughput(criterion::Throughput::Elements(ops::BATCH as u64));
    g.bench_function("bsd-net recv_batch", |x| x.iter(|| ops::batch_ours(&mut a)));
    g.bench_function("libc recvmmsg", |x| x.iter(|| ops::batch_raw(&mut b)));
    g.bench_function("32x bsd-net recvmsg", |x| x.iter(|| ops::batch_loop(&mut l)));
    g.bench_function("32x libc recvmsg", |x| x.iter(|| ops::batch_loop_raw(&mut lr)));
    g.finish();
}

/// The receive half alone: the 32 datagrams are sent outside the timing.
fn batch_receive_only(c: &mut Criterion) {
    let mut g = c.benchmark_group("net: 32 UDP datagrams, receive only");
    g.throughput(criterion::Throughput::Elements(ops::BATCH as u64));
    type Recv = fn(&mut ops::Batch) -> usize;
    let contestants: [(&str, Recv); 4] = [
        ("bsd-net recv_batch", ops::recv_ours),
        ("libc recvmmsg", ops::recv_raw),
        ("32x bsd-net recvmsg", ops::recv_loop),
        ("32x libc recvmsg", ops::recv_loop_raw),
    ];
    for (name, recv) in contestants {
        let Ok(mut s) = ops::Batch::new() else {
            eprintln!("net benches: no UDP sockets");
            return;
        };
        g.bench_function(name, |x| {
            x.iter_custom(|iters| {
                let mut total = std::time::Duration::ZERO;
                for _ in 0..iters {
                    if !s.fill() {
                        break;
                    }
                    let t = std::time::Instant::now();
                    std::hint::black_box(recv(&mut s));
                    total += t.elapsed();
                }
                total
            })
        });
    }
    g.finish();
}

criterion_group!(benches, fdpass, sockaddr, batch, batch_receive_only);
criterion_main!(benches);
