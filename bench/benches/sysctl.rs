//! Criterion benches for `bsd-sysctl` (not written yet: the crate is being built).

fn main() {
    eprintln!("bsd-sysctl benches: not written yet");
}
