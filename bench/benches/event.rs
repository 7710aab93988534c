//! Criterion benches for `bsd-event` (not written yet: the crate is being built).

fn main() {
    eprintln!("bsd-event benches: not written yet");
}
