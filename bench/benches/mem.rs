//! Criterion benches for `bsd-mem` (not written yet: the crate is being built).

fn main() {
    eprintln!("bsd-mem benches: not written yet");
}
