//! An accepted unmap reaches the kernel: the pages are gone afterwards.
//! Alone in its binary, because in a binary whose tests run in parallel
//! another thread's mapping may take the freed address at once and make
//! "not mapped" untrue for reasons that have nothing to do with us.

mod common;

use bsd_mem::{mmap_anonymous, munmap, munmap_slice, registry, MapFlags, Mapping, Prot};
use common::mapped;

#[test]
fn accepted_unmaps_unmap() {
    let page = bsd_mem::page_size();
    let rw = Prot::READ | Prot::WRITE;

    // munmap_slice of exactly the mapping.
    let len = 4 * page;
    let r = mmap_anonymous(len, rw, MapFlags::PRIVATE).unwrap();
    assert!(mapped(r.as_ptr(), len));
    // SAFETY: live and readable; not used after the unmap.
    let s = unsafe { r.as_slice() };
    munmap_slice(s).unwrap();
    assert!(!mapped(r.as_ptr(), len), "the exact slice is unmapped");
    assert_eq!(registry::lookup(r.as_ptr()), None);

    // munmap of a Region.
    let r = mmap_anonymous(page, rw, MapFlags::PRIVATE).unwrap();
    munmap(r).unwrap();
    assert!(!mapped(r.as_ptr(), page));

    // Dropping a Mapping, and one handed over to a Region and back.
    let m = Mapping::anonymous(3 * page).unwrap();
    let p = m.as_ptr();
    drop(m);
    assert!(!mapped(p, 3 * page));
    assert_eq!(registry::lookup(p), None);

    let r = Mapping::anonymous(page).unwrap().into_region();
    // SAFETY: nothing else refers to the region's memory.
    let m = unsafe { Mapping::from_region(r) }.unwrap();
    drop(m);
    assert!(!mapped(r.as_ptr(), page));
    assert_eq!(registry::stats().count, 0);
}
