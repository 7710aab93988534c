//! kqueue/kevent: native on the BSDs and Apple, the same semantics on Linux over epoll.
//!
//! Not implemented yet: this crate is being built.
