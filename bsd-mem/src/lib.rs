//! Memory mappings through a registry of live mappings, plus `madvise`,
//! `mprotect`, `msync` and `mlock`, for the BSDs, Apple and Linux.
//!
//! ```
//! use bsd_mem::{mmap_anonymous, munmap, munmap_slice, registry, MapFlags, Mapping, Prot};
//! use bsd_mem::Errno;
//!
//! // The Rust API: an owned mapping, unmapped on drop.
//! let mut m = Mapping::anonymous(10_000)?;
//! m.as_mut_slice()?[9_999] = 42;
//! let info = registry::lookup(&m.as_slice()?[5_000]).expect("recorded");
//! assert_eq!(info.as_ptr(), m.as_ptr());
//!
//! // Go's `syscall.Mmap`/`Munmap` shape: a `Copy` handle, unmapped exactly once, whole.
//! let r = mmap_anonymous(8192, Prot::READ | Prot::WRITE, MapFlags::PRIVATE)?;
//! // SAFETY: `r` is live and readable; `s` is not used after the unmap.
//! let s = unsafe { r.as_slice() };
//! assert_eq!(munmap_slice(&s[..4096]), Err(Errno::EINVAL)); // part of it: refused, still mapped
//! munmap(r)?;
//! assert_eq!(munmap(r), Err(Errno::EINVAL)); // twice: refused, kernel not called
//! # Ok::<(), Errno>(())
//! ```
//!
//! # What is here
//! - [`mmap`] (a file), [`mmap_anonymous`], [`munmap`], [`munmap_slice`]:
//!   Go's `syscall.Mmap`/`syscall.Munmap`, with a [`Region`] handle. Unmapping succeeds only for exactly what was
//!   mapped; anything else is EINVAL before any system call.
//! - [`Mapping`] and [`MapOptions`]: an owned mapping with safe slices while
//!   the protection allows them; file mappings are `unsafe` to make (the
//!   file can change under you); any file offset. A whole file in one call:
//!   [`Mapping::map_file`] (read-write, shared) and
//!   [`Mapping::map_file_readonly`].
//! - On both: `protect` (`mprotect`), `advise` and `advise_destructive`
//!   (`madvise`), `sync` (`msync`), `lock`/`unlock` (`mlock`). Ranges are
//!   byte ranges of the mapping, checked before the system call.
//! - [`lock_all`] / [`unlock_all`] (`mlockall`), process-wide.
//! - [`registry`]: [`lookup`](registry::lookup) of the mapping holding any
//!   address, [`stats`](registry::stats), and how the registry is built.
//! - [`page_size`].
//!
//! # Platforms
//! FreeBSD, DragonFly, NetBSD, OpenBSD, Apple (macOS, iOS) and Linux, with
//! the same calls everywhere. What differs:
//! - `MADV_DONTNEED` discards private pages on Linux and is mere advice
//!   elsewhere: it is `DestructiveAdvice::DontNeed` on Linux and
//!   `Advice::DontNeed` elsewhere. `MADV_FREE` is destructive everywhere.
//! - Prefaulting ([`MapOptions::populate`]) is `MAP_POPULATE` on Linux and
//!   `MADV_WILLNEED` (plus `MAP_PREFAULT_READ` on FreeBSD) elsewhere; huge
//!   pages (`MapOptions::huge_pages`) exist on Linux and FreeBSD only.
//! - Flags and advice values beyond POSIX exist only on their platforms
//!   (they are `cfg`'d, so using one elsewhere fails to compile).
//! - Linux and the BSDs round up `msync`'s length; Apple refuses a
//!   zero-length `msync`: ranges here are never empty (EINVAL).
//! - `MS_SYNC` is 0 on FreeBSD and DragonFly, whose kernels refuse
//!   `MS_ASYNC | MS_INVALIDATE` instead of `MS_SYNC | MS_ASYNC`
//!   ([`SyncFlags`]).
//!
//! Not portable, and not here: `mremap` (Linux), `minherit` (BSD),
//! `MAP_FIXED` mappings at chosen addresses.
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The `# References` section of a doc: man-page links for each platform.
macro_rules! man_links {
    ($name:literal) => {
        concat!(
            "# References\n",
            "- [FreeBSD](https://man.freebsd.org/cgi/man.cgi?query=",
            $name,
            "&sektion=2)\n",
            "- [Apple](https://developer.apple.com/library/archive/documentation/System/Conceptual/ManPages_iPhoneOS/man2/",
            $name,
            ".2.html)\n",
            "- [NetBSD](https://man.netbsd.org/",
            $name,
            ".2)\n",
            "- [OpenBSD](https://man.openbsd.org/",
            $name,
            ".2)\n",
            "- [DragonFly](https://man.dragonflybsd.org/?command=",
            $name,
            "&section=2)\n",
            "- [Linux](https://man7.org/linux/man-pages/man2/",
            $name,
            ".2.html)\n",
        )
    };
}
pub(crate) use man_links;

mod flags;
mod lock_all;
mod mapping;
mod range;
mod region;
#[doc(alias = "mmapper")]
pub mod registry;
mod sys;

pub use bsd_errno::{Errno, Result};
pub use flags::{Advice, DestructiveAdvice, MapFlags, Prot, SyncFlags};
pub use lock_all::{lock_all, unlock_all, LockAllFlags};
pub use mapping::{MapOptions, Mapping};
pub use region::{mmap, mmap_anonymous, munmap, munmap_slice, Region};
pub use registry::MappingInfo;

/// The size of a memory page in bytes: the unit of mapping, protection and
/// advice (`sysconf(_SC_PAGESIZE)`, asked once).
///
/// 4096 on x86-64 and most BSDs; 16384 on Apple arm64.
///
/// ```
/// assert!(bsd_mem::page_size().is_power_of_two());
/// ```
///
/// # References
/// - [FreeBSD](https://man.freebsd.org/cgi/man.cgi?query=getpagesize&sektion=3)
/// - [Apple](https://developer.apple.com/library/archive/documentation/System/Conceptual/ManPages_iPhoneOS/man3/getpagesize.3.html)
/// - [NetBSD](https://man.netbsd.org/getpagesize.3)
/// - [OpenBSD](https://man.openbsd.org/getpagesize.3)
/// - [DragonFly](https://man.dragonflybsd.org/?command=getpagesize&section=3)
/// - [Linux](https://man7.org/linux/man-pages/man2/getpagesize.2.html)
#[must_use]
#[doc(alias = "Getpagesize")]
#[doc(alias = "getpagesize")]
pub fn page_size() -> usize {
    sys::page_size()
}
