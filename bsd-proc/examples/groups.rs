//! This process's supplementary groups, and the system's limit.
//!
//! `cargo run -p bsd-proc --example groups`

fn main() -> Result<(), bsd_errno::Errno> {
    let groups = bsd_proc::getgroups()?;
    println!(
        "uid {} gid {} (effective {} / {})",
        bsd_proc::Uid::current(),
        bsd_proc::Gid::current(),
        bsd_proc::Uid::effective(),
        bsd_proc::Gid::effective()
    );
    println!("{} supplementary groups: {groups:?}", groups.len());
    println!(
        "NGROUPS_MAX {} (setgroups accepts up to {})",
        bsd_proc::ngroups_max(),
        bsd_proc::max_setgroups()
    );
    Ok(())
}
