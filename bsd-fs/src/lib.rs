//! Raw directory entries (getdirentries), a zero-copy directory stream, and nanosecond file times for the BSDs, Apple and Linux.
//!
//! Not implemented yet: this crate is being built.
