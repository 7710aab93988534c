//! EVFILT_SIGNAL: counting deliveries of a signal without taking it away
//! from the process.
//!
//! # What this does to the process (documented in the crate docs)
//! The signal mask is never touched. `signalfd` is not used: it sees only
//! signals blocked in *every* thread, so it loses signals sent to a thread
//! that does not block them (or `pthread_kill`ed at one), and blocking a
//! signal takes its normal effect away (a handler no longer runs, SIGTERM
//! no longer terminates) — libkqueue's documented limitations.
//!
//! Instead, while at least one EVFILT_SIGNAL knote for a signal exists
//! anywhere in the process, a recording handler is installed for it with
//! `sigaction`. It counts the delivery in a process-wide counter, wakes the
//! kqueues through one process-wide eventfd (created at the first signal
//! registration, close-on-exec, kept for the life of the process), and then
//! does what the previous disposition would have done: call the previous
//! handler (same `SA_SIGINFO`, mask, `SA_RESETHAND` behaviour), ignore the
//! signal for `SIG_IGN` or a default of "ignore", stop the process for a
//! default of "stop", or restore `SIG_DFL` and re-raise for a default of
//! "terminate"/"core". Because the kernel now delivers an ignored signal
//! (instead of discarding it), the delivery is recorded — which is what
//! kqueue promises. When the last knote for the signal goes, the previous
//! disposition is restored, unless the program installed another one
//! meanwhile (then that one stays).
//!
//! Consequences: a signal the program ignores now interrupts system calls
//! that never restart (`poll`, `nanosleep`, `epoll_wait`…) with EINTR in
//! the thread that receives it (`kevent` itself retries in that case); a
//! `sigaction` by the program after registration replaces the recorder;
//! two deliveries the kernel merged (a standard signal sent twice while
//! pending) count once. SIGKILL and SIGSTOP cannot be caught (EINVAL), nor
//! the C library's reserved real-time signals.
//!
//! # Blocked signals: the one difference from FreeBSD
//! FreeBSD counts a signal when it is sent, even while every thread blocks
//! it. Here a blocked signal is counted when a thread unblocks it and the
//! recorder runs; one the program takes with `sigwait`, `sigwaitinfo` or a
//! `signalfd` while it is blocked is never counted. Linux does say that a
//! signal became pending (a `signalfd` becomes readable), but telling a
//! pending signal already counted from a new one would need reading it,
//! which takes it from the program; counting both ways would count twice.
//!
//! The process-wide eventfd is never read: epoll checks a report's
//! readiness as it hands it out, so a kqueue draining it would hide the
//! signal from the others; every write is an edge of its own for each
//! kqueue's edge-triggered registration.

use bsd_errno::{check, Errno, Result};
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

/// The index under TAG_SPECIAL of the process-wide wake eventfd's reports.
pub(super) const SPECIAL_SIGNAL: u32 = 0;

/// What a signal knote keeps: the signal, and the process-wide count it
/// has accounted for.
#[derive(Debug)]
pub(super) struct SignalKnote {
    pub(super) sig: i32,
    pub(super) seen: u64,
}

/// Signal numbers 1..NSIG.
pub(super) const NSIG: usize = 65;

#[allow(clippy::declare_interior_mutable_const)]
const ZERO64: AtomicU64 = AtomicU64::new(0);
#[allow(clippy::declare_interior_mutable_const)]
const ZEROUSIZE: AtomicUsize = AtomicUsize::new(0);
#[allow(clippy::declare_interior_mutable_const)]
const ZERO32: AtomicI32 = AtomicI32::new(0);

/// Deliveries of each signal seen by the recorder.
static COUNTS: [AtomicU64; NSIG] = [ZERO64; NSIG];
/// The previous disposition of each signal: handler word and flags.
static PREV_HANDLER: [AtomicUsize; NSIG] = [ZEROUSIZE; NSIG];
static PREV_FLAGS: [AtomicI32; NSIG] = [ZERO32; NSIG];
/// The process-wide wake eventfd (-1 until the first registration).
static WAKE_FD: AtomicI32 = AtomicI32::new(-1);
/// Deliveries that ran a program handler or a default action (these may
/// legitimately interrupt `kevent` with EINTR).
static HANDLED: AtomicU64 = AtomicU64::new(0);
/// Deliveries the program would have ignored (these must not).
static IGNORED: AtomicU64 = AtomicU64::new(0);

struct Registry {
    refs: [u32; NSIG],
    prev: [Option<libc::sigaction>; NSIG],
}

// SAFETY: the saved sigaction structs are plain data (a handler address,
// flags and a mask); they are only touched under the mutex.
unsafe impl Send for Registry {}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    refs: [0; NSIG],
    prev: [None; NSIG],
});

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

/// The process-wide wake descriptor, if any signal was ever registered.
pub(super) fn wake_fd() -> Option<RawFd> {
    let fd = WAKE_FD.load(Ordering::Acquire);
    (fd >= 0).then_some(fd)
}

/// The delivery count of `sig` so far.
#[inline]
pub(super) fn count(sig: i32) -> u64 {
    usize::try_from(sig)
        .ok()
        .and_then(|i| COUNTS.get(i))
        .map_or(0, |c| c.load(Ordering::SeqCst))
}

/// A snapshot of the (handled, ignored) delivery counters.
#[inline]
pub(super) fn interrupt_marks() -> (u64, u64) {
    (HANDLED.load(Ordering::SeqCst), IGNORED.load(Ordering::SeqCst))
}

/// Whether an EINTR seen after `before` can only have come from deliveries
/// the program ignores (so `kevent` should not report it).
pub(super) fn only_ignored_since(before: (u64, u64)) -> bool {
    let now = interrupt_marks();
    now.0 == before.0 && now.1 != before.1
}

fn handler_word(sa: &libc::sigaction) -> usize {
    sa.sa_sigaction
}

/// Starts recording `sig` (one more knote for it in the process).
pub(super) fn register(sig: i32) -> Result<()> {
    let idx = usize::try_from(sig)
        .ok()
        .filter(|&i| (1..NSIG).contains(&i))
        .ok_or(Errno::EINVAL)?;
    if sig == libc::SIGKILL || sig == libc::SIGSTOP {
        return Err(Errno::EINVAL);
    }
    let mut reg = registry();
    if reg.refs[idx] == 0 {
        if WAKE_FD.load(Ordering::Acquire) < 0 {
            // SAFETY: eventfd takes no pointers.
            let fd = check(unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) })?;
            WAKE_FD.store(fd, Ordering::Release);
        }
        // SAFETY: all-zero is a valid sigaction (SIG_DFL, empty mask).
        let mut old: libc::sigaction = unsafe { core::mem::zeroed() };
        // SAFETY: query only; `old` is writable.
        check(unsafe { libc::sigaction(sig, core::ptr::null(), &mut old) })?;
        let ours = on_signal as *const () as usize;
        if handler_word(&old) != ours {
            PREV_HANDLER[idx].store(handler_word(&old), Ordering::SeqCst);
            PREV_FLAGS[idx].store(old.sa_flags, Ordering::SeqCst);
            reg.prev[idx] = Some(old);
        }
        // SAFETY: as above.
        let mut new: libc::sigaction = unsafe { core::mem::zeroed() };
        new.sa_sigaction = ours;
        new.sa_mask = old.sa_mask;
        let h = handler_word(&old);
        let keep = libc::SA_RESTART | libc::SA_ONSTACK | libc::SA_NOCLDSTOP | libc::SA_NOCLDWAIT | libc::SA_NODEFER;
        new.sa_flags = libc::SA_SIGINFO | (old.sa_flags & keep);
        if h == libc::SIG_IGN || h == libc::SIG_DFL {
            // The program did not expect interruptions: restart what can be.
            new.sa_flags |= libc::SA_RESTART;
            if h == libc::SIG_IGN && sig == libc::SIGCHLD {
                // SIGCHLD ignored means "reap children automatically".
                new.sa_flags |= libc::SA_NOCLDWAIT;
            }
        }
        // SAFETY: `new` is a valid sigaction whose handler is an extern "C"
        // function with the SA_SIGINFO signature.
        check(unsafe { libc::sigaction(sig, &new, core::ptr::null_mut()) })?;
    }
    reg.refs[idx] += 1;
    Ok(())
}

/// Stops recording `sig` for one knote; the last one restores the previous
/// disposition (unless the program replaced ours meanwhile).
pub(super) fn unregister(sig: i32) {
    let Some(idx) = usize::try_from(sig).ok().filter(|&i| (1..NSIG).contains(&i)) else {
        return;
    };
    let mut reg = registry();
    if reg.refs[idx] == 0 {
        return;
    }
    reg.refs[idx] -= 1;
    if reg.refs[idx] > 0 {
        return;
    }
    // SAFETY: all-zero is a valid sigaction.
    let mut cur: libc::sigaction = unsafe { core::mem::zeroed() };
    // SAFETY: query only.
    if unsafe { libc::sigaction(sig, core::ptr::null(), &mut cur) } != 0 {
        return;
    }
    if handler_word(&cur) == on_signal as *const () as usize {
        if let Some(prev) = reg.prev[idx].take() {
            // SAFETY: restoring a disposition the kernel gave us.
            unsafe { libc::sigaction(sig, &prev, core::ptr::null_mut()) };
        }
    }
}

/// Signals whose default action is to ignore them.
fn default_ignores(sig: i32) -> bool {
    matches!(sig, libc::SIGCHLD | libc::SIGURG | libc::SIGWINCH | libc::SIGCONT)
}

/// Signals whose default action is to stop the process.
fn default_stops(sig: i32) -> bool {
    matches!(sig, libc::SIGTSTP | libc::SIGTTIN | libc::SIGTTOU)
}

/// The recorder. Async-signal-safe: atomics, `write`, `sigaction`,
/// `raise`, `kill`, `getpid` only; errno is preserved.
extern "C" fn on_signal(sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: __errno_location returns the calling thread's errno slot.
    let errno_slot = unsafe { libc::__errno_location() };
    // SAFETY: reading our own thread's errno.
    let saved = unsafe { *errno_slot };
    if let Some(idx) = usize::try_from(sig).ok().filter(|&i| (1..NSIG).contains(&i)) {
        COUNTS[idx].fetch_add(1, Ordering::SeqCst);
        let h = PREV_HANDLER[idx].load(Ordering::SeqCst);
        let flags = PREV_FLAGS[idx].load(Ordering::SeqCst);
        let ignored = h == libc::SIG_IGN || (h == libc::SIG_DFL && default_ignores(sig));
        if ignored {
            IGNORED.fetch_add(1, Ordering::SeqCst);
        } else {
            HANDLED.fetch_add(1, Ordering::SeqCst);
        }
        let fd = WAKE_FD.load(Ordering::SeqCst);
        if fd >= 0 {
            let one: u64 = 1;
            // SAFETY: writing 8 bytes from a live local to our eventfd,
            // which is never closed. A full counter (EAGAIN) still leaves
            // the descriptor readable, which is all the wake needs.
            unsafe { libc::write(fd, (&one as *const u64).cast(), 8) };
        }
        if ignored {
            // Nothing more: the program ignores it.
        } else if h == libc::SIG_DFL {
            if default_stops(sig) {
                // SAFETY: stopping ourselves, as the default action would.
                unsafe { libc::kill(libc::getpid(), libc::SIGSTOP) };
            } else {
                // Terminate (or dump core) with this very signal: restore
                // the default and re-raise; it is blocked while we run, so
                // it is delivered (fatally) as soon as we return.
                // SAFETY: all-zero is SIG_DFL with an empty mask.
                let dfl: libc::sigaction = unsafe { core::mem::zeroed() };
                // SAFETY: sigaction and raise are async-signal-safe.
                unsafe {
                    libc::sigaction(sig, &dfl, core::ptr::null_mut());
                    libc::raise(sig);
                }
            }
        } else {
            if flags & libc::SA_RESETHAND != 0 {
                PREV_HANDLER[idx].store(libc::SIG_DFL, Ordering::SeqCst);
            }
            // SAFETY: restore errno for the program's handler.
            unsafe { *errno_slot = saved };
            if flags & libc::SA_SIGINFO != 0 {
                // SAFETY: the program installed this address as an
                // SA_SIGINFO handler with this signature.
                let f: extern "C" fn(i32, *mut libc::siginfo_t, *mut libc::c_void) =
                    unsafe { core::mem::transmute::<usize, _>(h) };
                f(sig, info, ctx);
            } else {
                // SAFETY: the program installed this address as a plain
                // handler taking the signal number.
                let f: extern "C" fn(i32) = unsafe { core::mem::transmute::<usize, _>(h) };
                f(sig);
            }
        }
    }
    // SAFETY: restoring our own thread's errno.
    unsafe { *errno_slot = saved };
}
