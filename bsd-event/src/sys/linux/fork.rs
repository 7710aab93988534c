//! Whether this process is a fork of the one that made a queue. FreeBSD
//! does not give a kqueue to a child; on Linux the child shares the
//! parent's epoll instance, so the child's copy must refuse to touch it.
//!
//! A `pthread_atfork` child handler counts forks; a queue remembers the
//! count at creation and compares it on each call (one relaxed atomic
//! load instead of a `getpid` system call). A child made by a raw
//! `clone`/`fork` system call that bypasses the C library is not seen.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Once;

static FORKS: AtomicU64 = AtomicU64::new(0);
static HOOK: Once = Once::new();

extern "C" fn child() {
    FORKS.fetch_add(1, Ordering::Relaxed);
}

/// The current fork generation (installs the handler at first use).
pub(super) fn generation() -> u64 {
    HOOK.call_once(|| {
        // SAFETY: registers a handler that only touches an atomic; it
        // stays registered for the life of the process.
        unsafe { libc::pthread_atfork(None, None, Some(child)) };
    });
    FORKS.load(Ordering::Relaxed)
}

/// Whether this process forked off since `generation` was taken.
#[inline]
pub(super) fn since(generation: u64) -> bool {
    FORKS.load(Ordering::Relaxed) != generation
}
