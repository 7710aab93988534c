//! getgroups/setgroups, wait4/waitid/wait6 with a WaitStatus decoded right on every BSD, and Rusage.
//!
//! Not implemented yet: this crate is being built.
