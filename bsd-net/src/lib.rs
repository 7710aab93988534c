//! Sockaddrs, socket calls, typed socket options, zero-allocation sendmsg/recvmsg with control messages, and batches, for the BSDs, Apple and Linux.
//!
//! Not implemented yet: this crate is being built.
