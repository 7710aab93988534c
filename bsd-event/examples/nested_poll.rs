//! Nests a `Kqueue` in an outer event loop, the way an async runtime's
//! reactor would: the outer loop waits on the queue's descriptor with
//! `poll(2)` (std-only here; an epoll instance, another kqueue or tokio's
//! `AsyncFd` work the same way), and when it is readable, drains the queue
//! with zero-timeout `kevent` calls.
//!
//! ```text
//! cargo run -p bsd-event --example nested_poll
//! ```
//!
//! The queue's descriptor is readable whenever a zero-timeout `kevent`
//! would return an event. An outer loop that is edge-triggered (epoll with
//! `EPOLLET`, tokio's `AsyncFd`) must therefore drain the queue until
//! `kevent` returns 0 before it waits again: with tokio, wrap the `Kqueue`
//! in `AsyncFd::with_interest(kq, Interest::READABLE)`, await
//! `readable()`, call `guard.get_inner().wait(&mut events,
//! Some(Duration::ZERO))` in a loop, and call `guard.clear_ready()` once it
//! returns 0.

use bsd_event::{Filter, KEvent, Kqueue};
use std::os::fd::{AsFd, AsRawFd};
use std::time::Duration;

/// Waits up to `timeout` for `fd` to become readable; `Ok(false)` on timeout.
fn poll_readable(fd: impl AsFd, timeout: Duration) -> std::io::Result<bool> {
    let mut pfd = libc::pollfd {
        fd: fd.as_fd().as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
    loop {
        // SAFETY: one valid pollfd, alive for the call.
        let n = unsafe { libc::poll(&mut pfd, 1, ms) };
        if n >= 0 {
            return Ok(n > 0 && pfd.revents & libc::POLLIN != 0);
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let kq = Kqueue::new()?;
    // A repeating 50 ms timer, and a user event triggered below.
    kq.register(&[
        KEvent::timer(1, Duration::from_millis(50)).add(),
        KEvent::user(2).add().clear(),
    ])?;
    // Nothing is pending yet: the descriptor is not readable.
    println!("readable before any event: {}", poll_readable(&kq, Duration::ZERO)?);
    kq.register(&[KEvent::trigger(2, 0)])?;

    let mut ticks = 0;
    let mut events = [KEvent::zeroed(); 16];
    while ticks < 5 {
        // The outer loop: wait on the queue's descriptor, not on the queue.
        if !poll_readable(&kq, Duration::from_secs(5))? {
            return Err("no event within 5 s".into());
        }
        // Drain: zero-timeout calls until nothing is left.
        loop {
            let n = kq.wait(&mut events, Some(Duration::ZERO))?;
            if n == 0 {
                break;
            }
            for ev in &events[..n] {
                match ev.filter() {
                    Filter::Timer => {
                        ticks += ev.data();
                        println!("timer: {} expiration(s), {ticks} in all", ev.data());
                    }
                    Filter::User => println!("user event {}", ev.ident()),
                    other => println!("unexpected {other:?}"),
                }
            }
        }
    }
    kq.register(&[KEvent::timer(1, Duration::ZERO).delete()])?;
    Ok(())
}
