//! FreeBSD, DragonFly, NetBSD, OpenBSD and Apple: the flags and advice of
//! their memory calls (the calls are in `posix.rs`).
//!
//! `MADV_DONTNEED` is advice on every one of them (the pages keep their
//! contents); `MADV_FREE` is the destructive one. FreeBSD prefaults with
//! `MAP_PREFAULT_READ` and aligns for superpages with `MAP_ALIGNED_SUPER`;
//! the others prefault with `MADV_WILLNEED` after mapping.

use libc::c_int;

/// The `mmap` flag that prefaults the mapping (FreeBSD only; 0 elsewhere).
#[cfg(target_os = "freebsd")]
pub(crate) const POPULATE: c_int = libc::MAP_PREFAULT_READ;
/// The `mmap` flag that prefaults the mapping (FreeBSD only; 0 elsewhere).
#[cfg(not(target_os = "freebsd"))]
pub(crate) const POPULATE: c_int = 0;
/// Whether `POPULATE` does the whole job: `MAP_PREFAULT_READ` maps only the
/// pages already resident, so `MADV_WILLNEED` follows everywhere here.
pub(crate) const POPULATE_IS_FLAG: bool = false;
/// The `mmap` flag asking for superpage alignment (FreeBSD).
#[cfg(target_os = "freebsd")]
pub(crate) const HUGE_PAGES: c_int = libc::MAP_ALIGNED_SUPER;
/// Flags that place a mapping at a caller-chosen address: meaningless without
/// an address argument, and dangerous (they replace what is there).
#[cfg(target_os = "freebsd")]
pub(crate) const FIXED: c_int = libc::MAP_FIXED | libc::MAP_EXCL;
/// Flags that place a mapping at a caller-chosen address: meaningless without
/// an address argument, and dangerous (they replace what is there).
#[cfg(not(target_os = "freebsd"))]
pub(crate) const FIXED: c_int = libc::MAP_FIXED;
