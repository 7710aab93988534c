//! Linux: the flags and advice of its memory calls (the calls are in
//! `posix.rs`), with `MAP_POPULATE` and `MAP_HUGETLB`.
//!
//! `MADV_DONTNEED` here discards private pages (they read back as zero, or as
//! the file's bytes): it is destructive, unlike on the BSDs.

use libc::c_int;

/// The `mmap` flag that prefaults the mapping.
pub(crate) const POPULATE: c_int = libc::MAP_POPULATE;
/// Whether `POPULATE` does the whole job (no `MADV_WILLNEED` needed after).
pub(crate) const POPULATE_IS_FLAG: bool = true;
/// The `mmap` flag for huge pages (`hugetlbfs`; fails with ENOMEM when none are reserved).
pub(crate) const HUGE_PAGES: c_int = libc::MAP_HUGETLB;
/// Flags that place a mapping at a caller-chosen address: meaningless without
/// an address argument, and dangerous (they replace what is there).
pub(crate) const FIXED: c_int = libc::MAP_FIXED | libc::MAP_FIXED_NOREPLACE;
