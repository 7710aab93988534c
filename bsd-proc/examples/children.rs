//! A child that exits, one killed by a signal, and one stopped, continued
//! and killed: what `wait4` reports for each, with its resource usage.
//!
//! `cargo run -p bsd-proc --example children`

use bsd_proc::{kill, wait4, Signal, WaitOptions, Waited};
use std::process::Command;

fn show(what: &str, w: &Waited) {
    println!(
        "{what:>10}: pid {} {} (raw {:#06x}); user {:?}, system {:?}, max RSS {} KiB",
        w.pid,
        w.status,
        w.status.raw(),
        w.rusage.user_time(),
        w.rusage.system_time(),
        w.rusage.max_rss_bytes() / 1024
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let child = Command::new("sh").args(["-c", "exit 3"]).spawn()?;
    let w = wait4(i32::try_from(child.id())?, WaitOptions::empty())?.ok_or("no child")?;
    show("exit 3", &w);

    let child = Command::new("sleep").arg("30").spawn()?;
    let pid = i32::try_from(child.id())?;
    kill(pid, Signal::TERM)?;
    show("SIGTERM", &wait4(pid, WaitOptions::empty())?.ok_or("no child")?);

    let child = Command::new("sleep").arg("30").spawn()?;
    let pid = i32::try_from(child.id())?;
    kill(pid, Signal::STOP)?;
    show("SIGSTOP", &wait4(pid, WaitOptions::UNTRACED)?.ok_or("no child")?);
    kill(pid, Signal::CONT)?;
    show("SIGCONT", &wait4(pid, WaitOptions::CONTINUED)?.ok_or("no child")?);
    kill(pid, Signal::KILL)?;
    show("SIGKILL", &wait4(pid, WaitOptions::empty())?.ok_or("no child")?);

    let me = bsd_proc::getrusage(bsd_proc::Who::Children)?;
    println!("all reaped children: {me:?}");
    Ok(())
}
