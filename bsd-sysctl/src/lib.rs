//! sysctl by name on FreeBSD, DragonFly, NetBSD, OpenBSD and Apple, and the same over /proc/sys on Linux: typed values, a mib cache, the tree, writes.
//!
//! Not implemented yet: this crate is being built.
