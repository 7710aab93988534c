//! Criterion benches for `bsd-net` (not written yet: the crate is being built).

fn main() {
    eprintln!("bsd-net benches: not written yet");
}
