//! Criterion benches for `bsd-proc` (not written yet: the crate is being built).

fn main() {
    eprintln!("bsd-proc benches: not written yet");
}
