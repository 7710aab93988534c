//! A kernel error on unmap leaves the registry's record in place.
//!
//! Linux refuses to unmap the middle of a kernel area when the process is at
//! `vm.max_map_count` (the split would need one area more): ENOMEM. A forked
//! child builds exactly that — a registry mapping merged with neighbours on
//! both sides, then areas up to the limit — and checks that the refused
//! `munmap` keeps the record, and that the same call succeeds once there is
//! room. Alone in its binary: nothing else maps while the child is forked.

mod common;

#[cfg(target_os = "linux")]
#[test]
fn a_kernel_error_on_unmap_keeps_the_record() {
    use bsd_errno::Errno;
    use bsd_mem::{mmap_anonymous, munmap, registry, MapFlags, Prot};
    use common::{in_child, mapped};

    fn anon_at(addr: usize, len: usize) -> bool {
        // SAFETY: MAP_FIXED_NOREPLACE never replaces an existing mapping.
        let p = unsafe {
            libc::mmap(
                addr as *mut libc::c_void,
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANON | libc::MAP_FIXED_NOREPLACE,
                -1,
                0,
            )
        };
        p as usize == addr
    }

    /// The kernel area (start, end) holding `addr`, from /proc/self/maps.
    fn area(addr: usize) -> Option<(usize, usize)> {
        let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
        maps.lines().find_map(|l| {
            let (s, e) = l.split_whitespace().next()?.split_once('-')?;
            let (s, e) = (usize::from_str_radix(s, 16).ok()?, usize::from_str_radix(e, 16).ok()?);
            (s <= addr && addr < e).then_some((s, e))
        })
    }

    let max: usize = std::fs::read_to_string("/proc/sys/vm/max_map_count")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(max < 1 << 20, "vm.max_map_count {max} is too large to reach in a test");

    let status = in_child(|| {
        let page = bsd_mem::page_size();
        let rw = Prot::READ | Prot::WRITE;
        // 1. A registry mapping in the middle of a kernel area.
        let mut r = None;
        for _ in 0..100 {
            let c = mmap_anonymous(page, rw, MapFlags::PRIVATE).unwrap();
            let b = c.as_ptr() as usize;
            anon_at(b - page, page);
            anon_at(b + page, page);
            match area(b) {
                Some((s, e)) if s < b && e > b + page => {
                    r = Some(c);
                    break;
                }
                _ => {}
            }
        }
        let Some(r) = r else { return 10 };
        // 2. Kernel areas up to the limit: split a large mapping page by page.
        let pages = max + 16;
        // SAFETY: a fresh anonymous mapping, never touched.
        let big = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                pages * page,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANON | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if big == libc::MAP_FAILED {
            return 11;
        }
        let mut i = 0;
        loop {
            if i == pages {
                return 12;
            }
            let prot = if i % 2 == 0 { libc::PROT_READ } else { libc::PROT_NONE };
            // SAFETY: a page of our own untouched mapping.
            if unsafe { libc::mprotect(big.cast::<u8>().add(i * page).cast(), page, prot) } != 0 {
                break;
            }
            i += 1;
        }
        // 3. The kernel refuses; the record stays, and so does the memory.
        let count = registry::stats().count;
        if munmap(r) != Err(Errno::ENOMEM) {
            return 13;
        }
        if registry::lookup(r.as_ptr()).and_then(|i| i.region()) != Some(r) || registry::stats().count != count {
            return 14;
        }
        if !mapped(r.as_ptr(), page) || r.info().is_none() {
            return 15;
        }
        // 4. With room again, the same handle unmaps it.
        // SAFETY: our own raw mapping, unmapped once.
        unsafe { libc::munmap(big, pages * page) };
        if munmap(r).is_err() || registry::lookup(r.as_ptr()).is_some() || registry::stats().count != count - 1 {
            return 16;
        }
        if mapped(r.as_ptr(), page) {
            return 17;
        }
        0
    });
    assert!(libc::WIFEXITED(status), "child died: {status:#x}");
    assert_eq!(libc::WEXITSTATUS(status), 0, "child failed at step (see the codes)");
}
