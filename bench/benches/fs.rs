//! Criterion benches for `bsd-fs` (not written yet: the crate is being built).

fn main() {
    eprintln!("bsd-fs benches: not written yet");
}
