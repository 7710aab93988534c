//! Watches a file for changes, prints a tick every second, and stops after
//! `n` seconds (default 5) or when the file is deleted.
//!
//! ```text
//! cargo run -p bsd-event --example watch -- /tmp/some-file 10
//! ```

use bsd_event::{Filter, KEvent, Kqueue, VnodeEvents};
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "/tmp/bsd-event-watch".into());
    let secs: u64 = args.next().map_or(Ok(5), |s| s.parse())?;
    if std::fs::metadata(&path).is_err() {
        std::fs::write(&path, b"")?;
    }
    let file = std::fs::File::open(&path)?;

    let kq = Kqueue::new()?;
    let all = VnodeEvents::DELETE
        | VnodeEvents::WRITE
        | VnodeEvents::EXTEND
        | VnodeEvents::ATTRIB
        | VnodeEvents::LINK
        | VnodeEvents::RENAME;
    kq.register(&[
        KEvent::vnode(&file, all).add().clear(),
        KEvent::timer(1, Duration::from_secs(1)).add(),
    ])?;
    println!("watching {path} for {secs} s (kqueue descriptor {:?})", kq);

    let mut ticks = 0;
    let mut events = [KEvent::zeroed(); 8];
    while ticks < secs {
        let n = match kq.wait(&mut events, None) {
            Ok(n) => n,
            Err(bsd_errno::Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        };
        for ev in &events[..n] {
            match ev.filter() {
                Filter::Timer => {
                    ticks += ev.data() as u64;
                    println!("tick {ticks}");
                }
                Filter::Vnode => {
                    let what = VnodeEvents::from_bits_retain(ev.fflags());
                    println!("{path}: {what:?}");
                    if what.contains(VnodeEvents::DELETE) {
                        return Ok(());
                    }
                }
                other => println!("unexpected {other:?}"),
            }
        }
    }
    Ok(())
}
