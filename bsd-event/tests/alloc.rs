//! The hot path allocates nothing: `kevent` with no changes, returning a
//! ready descriptor, a timer or a user event.

mod common;

use bsd_event::KEvent;
use common::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Duration;

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only counts (per thread).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            COUNT.with(|c| c.set(c.get() + 1));
        }
        // SAFETY: the caller's layout contract is the system allocator's.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: `p` came from `alloc` with `l`.
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations(f: impl FnOnce()) -> usize {
    COUNT.with(|c| c.set(0));
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    COUNT.with(Cell::get)
}

#[test]
fn kevent_hot_path_does_not_allocate() {
    let kq = kq();
    let (r, w) = pipe();
    kq.register(&[
        KEvent::read(&r).add(),
        KEvent::timer(1, Duration::from_millis(1)).add(),
        KEvent::user(2).add().clear(),
    ])
    .unwrap();
    let mut ev = [KEvent::zeroed(); 8];
    // Warm up: the first calls may size internal tables.
    for _ in 0..10 {
        write_bytes(&w, 1);
        kq.kevent(&[KEvent::trigger(2, 0)], &mut ev, Some(Duration::ZERO))
            .unwrap();
        kq.wait(&mut ev, Some(Duration::from_millis(2))).unwrap();
        read_bytes(&r, 1);
    }
    let mut seen = 0;
    let n = allocations(|| {
        for _ in 0..1000 {
            let b = [1u8];
            // SAFETY: writing one byte from a live buffer to our pipe.
            unsafe { libc::write(std::os::fd::AsRawFd::as_raw_fd(&w), b.as_ptr().cast(), 1) };
            seen += kq.kevent(&[], &mut ev, Some(Duration::ZERO)).unwrap();
            seen += kq.kevent(&[KEvent::trigger(2, 0)], &mut [], None).unwrap();
            seen += kq.wait(&mut ev, Some(Duration::from_micros(100))).unwrap();
            let mut c = [0u8];
            // SAFETY: reading one byte into a live buffer.
            unsafe { libc::read(std::os::fd::AsRawFd::as_raw_fd(&r), c.as_mut_ptr().cast(), 1) };
        }
    });
    assert!(seen >= 1000);
    assert_eq!(n, 0, "allocations on the kevent hot path");
}
