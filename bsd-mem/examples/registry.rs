//! The registry at work: map with Go's `syscall.Mmap` shape and with `Mapping`, find
//! mappings from interior pointers, watch the stats, and see a bad unmap
//! refused before any system call.
//!
//! `cargo run -p bsd-mem --example registry`

use bsd_errno::Errno;
use bsd_mem::{mmap_anonymous, munmap, munmap_slice, registry, MapFlags, Mapping, Prot};

fn main() -> Result<(), Errno> {
    let page = bsd_mem::page_size();
    println!("page size: {page} B; registry: {:?}", registry::stats());

    let owned = Mapping::anonymous(3 * page)?;
    let raw = mmap_anonymous(2 * page, Prot::READ | Prot::WRITE, MapFlags::PRIVATE)?;
    println!("after two mappings: {:?}", registry::stats());

    for p in [
        owned.as_ptr().wrapping_add(page + 10),
        raw.as_ptr().wrapping_add(page).cast_const(),
    ] {
        match registry::lookup(p) {
            Some(i) => println!(
                "{p:p} is in {:p}+{} B, {:?}, owned by a Mapping: {}",
                i.as_ptr(),
                i.len(),
                i.prot(),
                i.is_owned()
            ),
            None => println!("{p:p} is not a mapping of ours"),
        }
    }

    // SAFETY: `raw` is live and readable; `s` is not used after the unmap.
    let s = unsafe { raw.as_slice() };
    println!("unmap half of it: {:?}", munmap_slice(&s[..page]));
    println!("unmap a Mapping's memory: {:?}", munmap_slice(owned.as_slice()?));
    println!("unmap it: {:?}", munmap(raw));
    println!("unmap it again: {:?}", munmap(raw));
    drop(owned);
    println!("at the end: {:?}", registry::stats());
    Ok(())
}
