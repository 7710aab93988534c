//! The Linux system calls the emulation makes, one line each at the call
//! site: epoll, eventfd, `fstat`, the byte-counting `ioctl`s, socket
//! options, a zero-timeout `poll`. Nothing here knows what a knote is.

use bsd_errno::{check, Errno, Result};
use core::mem::MaybeUninit;
use core::time::Duration;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};

/// A descriptor number from a kevent `ident` (EBADF if it cannot be one).
#[inline]
pub(super) fn raw_fd(ident: usize) -> Result<RawFd> {
    RawFd::try_from(ident).map_err(|_| Errno::EBADF)
}

/// Takes ownership of a descriptor a system call just returned.
fn owned(fd: libc::c_int) -> OwnedFd {
    // SAFETY: callers pass a fresh descriptor, owned by nobody else.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

pub(super) fn epoll_create() -> Result<OwnedFd> {
    // SAFETY: epoll_create1 takes no pointers.
    Ok(owned(check(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })?))
}

#[inline]
pub(super) fn epoll_ctl(ep: RawFd, op: libc::c_int, fd: RawFd, events: u32, data: u64) -> Result<()> {
    let mut ev = libc::epoll_event { events, u64: data };
    // SAFETY: `ev` is a valid epoll_event for the call (ignored for DEL).
    check(unsafe { libc::epoll_ctl(ep, op, fd, &mut ev) })?;
    Ok(())
}

/// epoll_pwait2 (nanosecond timeouts) is Linux ≥ 5.11; older kernels get
/// epoll_wait with the timeout rounded up to milliseconds.
static NO_PWAIT2: AtomicBool = AtomicBool::new(false);

/// The kernel's `struct __kernel_timespec`: 64-bit on every architecture
/// (unlike `libc::timespec` on 32-bit targets).
#[repr(C)]
struct KernelTimespec {
    tv_sec: i64,
    tv_nsec: i64,
}

/// Waits for epoll reports: `None` blocks, `Some(0)` polls.
#[inline]
pub(super) fn epoll_wait(
    ep: RawFd,
    buf: &mut [MaybeUninit<libc::epoll_event>],
    timeout: Option<Duration>,
) -> Result<usize> {
    let max = buf.len().min(i32::MAX as usize) as libc::c_int;
    let ptr = buf.as_mut_ptr().cast::<libc::epoll_event>();
    let ms = match timeout {
        None => -1,
        Some(d) if d.is_zero() => 0,
        Some(d) => {
            if !NO_PWAIT2.load(Ordering::Relaxed) {
                let ts = KernelTimespec {
                    tv_sec: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                    tv_nsec: i64::from(d.subsec_nanos()),
                };
                // SAFETY: `ptr` has room for `max` events; `ts` lives for
                // the call; a null sigmask leaves the mask alone.
                let r = unsafe {
                    libc::syscall(
                        libc::SYS_epoll_pwait2,
                        ep,
                        ptr,
                        max,
                        &ts as *const KernelTimespec,
                        core::ptr::null::<libc::sigset_t>(),
                        0usize,
                    )
                };
                match check(r) {
                    Ok(n) => return Ok(n as usize),
                    Err(Errno::ENOSYS) => NO_PWAIT2.store(true, Ordering::Relaxed),
                    Err(e) => return Err(e),
                }
            }
            let ms = d.as_nanos().div_ceil(1_000_000);
            i32::try_from(ms).unwrap_or(i32::MAX)
        }
    };
    // SAFETY: `ptr` has room for `max` events.
    let n = check(unsafe { libc::epoll_wait(ep, ptr, max, ms) })?;
    Ok(n as usize)
}

/// A non-blocking, close-on-exec eventfd.
pub(super) fn eventfd() -> Result<OwnedFd> {
    // SAFETY: eventfd takes no pointers.
    Ok(owned(check(unsafe {
        libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK)
    })?))
}

/// Adds one to an eventfd (making it readable).
pub(super) fn eventfd_add(fd: RawFd) {
    let one: u64 = 1;
    // SAFETY: writing 8 bytes from a live u64 to an eventfd. A full
    // counter (EAGAIN) still leaves it readable.
    unsafe { libc::write(fd, (&one as *const u64).cast(), 8) };
}

/// Reads (and resets) an eventfd or timerfd counter; 0 if there was none.
pub(super) fn counter_take(fd: RawFd) -> u64 {
    let mut v: u64 = 0;
    // SAFETY: reading 8 bytes into a live u64.
    let r = unsafe { libc::read(fd, (&mut v as *mut u64).cast(), 8) };
    if r == 8 {
        v
    } else {
        0
    }
}

/// What the emulation needs of `fstat`, in types that are the same on
/// every Linux target.
#[derive(Clone, Copy, Debug)]
pub(super) struct Stat {
    pub(super) dev: u64,
    pub(super) ino: u64,
    pub(super) fmt: libc::mode_t,
    pub(super) size: i64,
    pub(super) nlink: u64,
}

/// `fstat` of `fd`. glibc's 32-bit targets have a 32-bit `off_t` and
/// `ino_t` in `struct stat`, so there the large-file `fstat64` is used (on
/// 64-bit glibc it is the same call); other C libraries' `stat` is already
/// 64-bit.
pub(super) fn fstat(fd: RawFd) -> Result<Stat> {
    #[cfg(not(target_env = "gnu"))]
    use libc::{fstat, stat};
    #[cfg(target_env = "gnu")]
    use libc::{fstat64 as fstat, stat64 as stat};
    // SAFETY: all-zero is a valid stat buffer.
    let mut st: stat = unsafe { core::mem::zeroed() };
    // SAFETY: `st` is writable; fstat reads no memory of ours.
    check(unsafe { fstat(fd, &mut st) })?;
    #[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
    Ok(Stat {
        dev: st.st_dev as u64,
        ino: st.st_ino as u64,
        fmt: st.st_mode & libc::S_IFMT,
        size: st.st_size as i64,
        nlink: st.st_nlink as u64,
    })
}

/// The file offset of `fd`.
pub(super) fn offset(fd: RawFd) -> Result<i64> {
    // SAFETY: lseek64 on a descriptor; no memory involved.
    let off = unsafe { libc::lseek64(fd, 0, libc::SEEK_CUR) };
    if off < 0 {
        return Err(Errno::last());
    }
    Ok(off)
}

/// An `ioctl` that writes one int (FIONREAD, TIOCOUTQ).
#[inline]
pub(super) fn ioctl_int(fd: RawFd, req: libc::Ioctl) -> Result<i64> {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD/TIOCOUTQ write one int to the pointer.
    check(unsafe { libc::ioctl(fd, req, &mut n) })?;
    Ok(i64::from(n))
}

/// An int socket option (never SO_ERROR: reading it clears the error).
pub(super) fn sockopt_int(fd: RawFd, level: libc::c_int, opt: libc::c_int) -> Result<i64> {
    debug_assert!(!(level == libc::SOL_SOCKET && opt == libc::SO_ERROR));
    let mut v: libc::c_int = 0;
    let mut len = core::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: `v` and `len` are writable and describe an int.
    check(unsafe { libc::getsockopt(fd, level, opt, (&mut v as *mut libc::c_int).cast(), &mut len) })?;
    Ok(i64::from(v))
}

/// The head of a socket's `struct tcp_info` (EINVAL-free: None if the
/// socket is not TCP).
pub(super) fn tcp_info_head(fd: RawFd) -> Option<[u8; 32]> {
    let mut buf = [0u8; 32];
    let mut len = buf.len() as libc::socklen_t;
    // SAFETY: the kernel writes at most `len` bytes into `buf`.
    let r = unsafe { libc::getsockopt(fd, libc::IPPROTO_TCP, libc::TCP_INFO, buf.as_mut_ptr().cast(), &mut len) };
    (r == 0 && len as usize >= 28).then_some(buf)
}

/// The pipe's capacity.
pub(super) fn pipe_size(fd: RawFd) -> i64 {
    // SAFETY: F_GETPIPE_SZ takes no pointer.
    let cap = unsafe { libc::fcntl(fd, libc::F_GETPIPE_SZ) };
    i64::from(cap.max(0))
}

/// One descriptor's readiness right now (EBADF if it is closed).
pub(super) fn poll_now(fd: RawFd, events: i16) -> Result<i16> {
    let mut p = libc::pollfd { fd, events, revents: 0 };
    // SAFETY: one valid pollfd, zero timeout.
    check(unsafe { libc::poll(&mut p, 1, 0) })?;
    if p.revents & libc::POLLNVAL != 0 {
        return Err(Errno::EBADF);
    }
    Ok(p.revents)
}
