//! mmap/munmap through a registry of live mappings, plus madvise/mprotect/msync/mlock, for the BSDs, Apple and Linux.
//!
//! Not implemented yet: this crate is being built.
