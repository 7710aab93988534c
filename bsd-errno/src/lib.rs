//! `Errno`, `Result`, and the helpers that turn a system call's `-1`-and-errno
//! convention into a `Result` in one line.
//!
//! This is the floor every `bsd-*` crate stands on: a consumer of one
//! capability crate (`bsd-net`, `bsd-event`, …) sees the same error type
//! everywhere, and can turn it into a [`std::io::Error`] with `?`.
//!
//! ```
//! use bsd_errno::{check, Errno};
//!
//! // close(-1) fails with EBADF: `check` turns the -1 into `Err(Errno::last())`.
//! // SAFETY: closing an invalid descriptor touches no memory and no open file.
//! let err = check(unsafe { libc::close(-1) }).unwrap_err();
//! assert_eq!(err, Errno::EBADF);
//! assert_eq!(err.name(), Some("EBADF"));
//! assert_eq!(
//!     format!("{err:?}"),
//!     format!(r#"Errno {{ code: {}, name: "EBADF", message: "Bad file descriptor" }}"#, libc::EBADF)
//! );
//! assert_eq!(err.to_string(), "Bad file descriptor (os error 9)");
//!
//! // Into std::io::Error, for callers that speak io.
//! let io: std::io::Error = err.into();
//! assert_eq!(io.raw_os_error(), Some(libc::EBADF));
//! ```
//!
//! # Platforms
//! FreeBSD, DragonFly, NetBSD, OpenBSD, Apple (macOS, iOS) and Linux. The
//! associated constants are exactly the errno values `libc` defines on the
//! target, so code using a constant another platform lacks (say
//! `Errno::EDOOFUS`, FreeBSD only) fails to compile there rather than
//! misbehaving. Values always come from `libc`, never from literals: they
//! differ between platforms.
//!
//! # Features
//! - `std` (default): [`std::error::Error`], conversions to and from
//!   [`std::io::Error`], [`Errno::kind`]. Without it the crate is `no_std`.
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

mod call;
mod table;

pub use call::{check, check_code, check_nonnull, check_ptr, retry_on_eintr, SyscallReturn};

use core::fmt;

/// The result of a system call: the value, or the [`Errno`] it failed with.
pub type Result<T> = core::result::Result<T, Errno>;

/// An error number as the system reports it in `errno`.
///
/// A transparent, `Copy` wrapper around the raw `c_int`: it costs nothing to
/// return, compare or store. Every errno `libc` defines for the target is an
/// associated constant (`Errno::EINVAL`, `Errno::EAGAIN`, …).
///
/// `Debug` prints the number, the symbolic name and the system's message,
/// the way [`std::io::Error`]'s `Debug` does
/// (`Errno { code: 22, name: "EINVAL", message: "Invalid argument" }`), so a
/// `main` that returns the error says what went wrong; `Display` is the
/// message in the same words as [`std::io::Error`]
/// (`Invalid argument (os error 22)`).
///
/// ```
/// use bsd_errno::Errno;
/// let e = Errno::ENOENT;
/// assert_eq!(
///     format!("{e:?}"),
///     format!(r#"Errno {{ code: {}, name: "ENOENT", message: "No such file or directory" }}"#, libc::ENOENT)
/// );
/// // A value with no name here has no `name` field.
/// assert!(format!("{:?}", Errno::from_raw(99_999)).starts_with("Errno { code: 99999, message: "));
/// ```
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Errno(libc::c_int);

impl Errno {
    /// Wraps a raw errno value. Any value is accepted, known or not.
    #[inline]
    #[must_use]
    pub const fn from_raw(raw: libc::c_int) -> Errno {
        Errno(raw)
    }

    /// The raw errno value.
    #[inline]
    #[must_use]
    pub const fn raw(self) -> libc::c_int {
        self.0
    }

    /// The calling thread's current `errno`.
    ///
    /// Read it right after the call that failed: any later call into the C
    /// library (including allocation) may change it.
    ///
    /// # References
    /// - [FreeBSD](https://man.freebsd.org/cgi/man.cgi?query=errno&sektion=2)
    /// - [Apple](https://developer.apple.com/library/archive/documentation/System/Conceptual/ManPages_iPhoneOS/man2/intro.2.html)
    /// - [NetBSD](https://man.netbsd.org/errno.2)
    /// - [OpenBSD](https://man.openbsd.org/errno.2)
    /// - [DragonFly](https://man.dragonflybsd.org/?command=errno&section=2)
    /// - [Linux](https://man7.org/linux/man-pages/man3/errno.3.html)
    #[inline]
    #[must_use]
    #[doc(alias = "errno")]
    pub fn last() -> Errno {
        // SAFETY: the C library returns a valid pointer to the calling
        // thread's errno, which lives as long as the thread.
        Errno(unsafe { *errno_location() })
    }

    /// Sets the calling thread's `errno` (for example to 0 before a call
    /// whose only error report is errno, such as `readdir`).
    #[inline]
    pub fn set_last(errno: Errno) {
        // SAFETY: as in `last`; the location is thread-local, so no other
        // thread observes the write.
        unsafe { *errno_location() = errno.0 }
    }

    /// The symbolic name of this errno on this platform (`"EINVAL"`), or
    /// `None` for a value `libc` does not define here.
    ///
    /// Where two names share a value the common one wins: `EAGAIN` over
    /// `EWOULDBLOCK`, `EDEADLK` over `EDEADLOCK`, and on Linux `EOPNOTSUPP`
    /// over `ENOTSUP`.
    #[inline]
    #[must_use]
    pub const fn name(self) -> Option<&'static str> {
        table::name_of(self.0)
    }

    /// The errno with the symbolic name `name` on this platform, aliases
    /// included (`"EWOULDBLOCK"` gives `Errno::EAGAIN`).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Errno> {
        table::from_name(name)
    }

    /// Every errno this platform's `libc` defines, with its name, in table
    /// order (aliases appear under each of their names).
    pub fn all() -> impl Iterator<Item = (Errno, &'static str)> {
        table::ALL.iter().copied()
    }

    /// Writes the system's message for this errno (`strerror_r`), without
    /// the `(os error N)` suffix that `Display` adds.
    pub fn write_message<W: fmt::Write + ?Sized>(self, f: &mut W) -> fmt::Result {
        let mut buf = [0u8; 256];
        // SAFETY: `buf` is writable for `buf.len()` bytes; the XSI
        // `strerror_r` (which `libc` binds on every supported platform)
        // writes at most that many bytes including the NUL and touches no
        // shared state, so it is thread-safe.
        let rc = unsafe { libc::strerror_r(self.0, buf.as_mut_ptr().cast(), buf.len()) };
        // A non-zero return (EINVAL for an unknown value on some systems,
        // ERANGE) still leaves a NUL-terminated message in the buffer on
        // every supported C library; fall back to a neutral one if not.
        let len = buf.iter().position(|&b| b == 0).unwrap_or(0);
        if rc != 0 && len == 0 {
            return write!(f, "Unknown error {}", self.0);
        }
        let bytes = buf.get(..len).unwrap_or_default();
        match core::str::from_utf8(bytes) {
            Ok(msg) => f.write_str(msg),
            // A message in a non-UTF-8 locale: replace what is not UTF-8, as
            // std does.
            Err(_) => {
                for chunk in bytes.utf8_chunks() {
                    f.write_str(chunk.valid())?;
                    if !chunk.invalid().is_empty() {
                        f.write_char(char::REPLACEMENT_CHARACTER)?;
                    }
                }
                Ok(())
            }
        }
    }

    /// The [`std::io::ErrorKind`] std would give this errno.
    #[cfg(feature = "std")]
    #[must_use]
    pub fn kind(self) -> std::io::ErrorKind {
        std::io::Error::from_raw_os_error(self.0).kind()
    }

    /// The errno inside an [`std::io::Error`] made from an OS error, or
    /// `None` for an error that carries no OS code.
    #[cfg(feature = "std")]
    #[must_use]
    pub fn from_io_error(err: &std::io::Error) -> Option<Errno> {
        err.raw_os_error().map(Errno)
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut message = MessageBuf::new();
        self.write_message(&mut message)?;
        let mut d = f.debug_struct("Errno");
        d.field("code", &self.0);
        if let Some(name) = self.name() {
            d.field("name", &name);
        }
        d.field("message", &message.as_str()).finish()
    }
}

/// A fixed buffer for a message in `Debug` (no allocation, `no_std`):
/// what does not fit is cut at a character boundary.
struct MessageBuf {
    bytes: [u8; 256],
    len: usize,
}

impl MessageBuf {
    const fn new() -> Self {
        MessageBuf {
            bytes: [0; 256],
            len: 0,
        }
    }

    fn as_str(&self) -> &str {
        // Only whole `&str`s (or their char-boundary prefixes) are copied
        // in, so this is valid UTF-8; the fallback is never taken.
        core::str::from_utf8(self.bytes.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }
}

impl fmt::Write for MessageBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self.bytes.len() - self.len;
        let mut n = s.len().min(room);
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        if let (Some(dst), Some(src)) = (self.bytes.get_mut(self.len..self.len + n), s.as_bytes().get(..n)) {
            dst.copy_from_slice(src);
            self.len += n;
        }
        Ok(())
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_message(f)?;
        write!(f, " (os error {})", self.0)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Errno {}

#[cfg(feature = "std")]
impl From<Errno> for std::io::Error {
    #[inline]
    fn from(errno: Errno) -> std::io::Error {
        std::io::Error::from_raw_os_error(errno.0)
    }
}

#[cfg(feature = "std")]
impl From<Errno> for std::io::ErrorKind {
    #[inline]
    fn from(errno: Errno) -> std::io::ErrorKind {
        errno.kind()
    }
}

impl From<Errno> for libc::c_int {
    #[inline]
    fn from(errno: Errno) -> libc::c_int {
        errno.0
    }
}

/// The address of the calling thread's `errno`.
#[inline]
fn errno_location() -> *mut libc::c_int {
    #[cfg(any(target_os = "netbsd", target_os = "openbsd", target_os = "android"))]
    use libc::__errno as location;
    #[cfg(any(target_os = "linux", target_os = "dragonfly", target_os = "emscripten"))]
    use libc::__errno_location as location;
    #[cfg(any(target_os = "freebsd", target_vendor = "apple"))]
    use libc::__error as location;

    // SAFETY: the C library's errno accessor takes no arguments and always
    // returns the calling thread's errno location.
    unsafe { location() }
}

#[cfg(all(test, feature = "std"))]
mod tests;
