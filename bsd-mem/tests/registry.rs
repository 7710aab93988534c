//! The registry: exact unmapping (EINVAL without a kernel call for anything
//! else), lookup of interior pointers, region identity, ownership.

mod common;

use bsd_errno::Errno;
use bsd_mem::{mmap_anonymous, munmap, munmap_slice, registry, MapFlags, Mapping, Prot};
use common::mapped;

const RW: Prot = Prot::READ.union(Prot::WRITE);

fn page() -> usize {
    bsd_mem::page_size()
}

#[test]
fn rejected_unmaps_leave_the_mapping_alone() {
    let len = 4 * page();
    let r = mmap_anonymous(len, RW, MapFlags::PRIVATE).unwrap();
    // SAFETY: live, readable and writable; not used after the unmap below.
    let s = unsafe { r.as_mut_slice() };
    s.fill(0xa5);

    // A sub-slice at the start, in the middle, at the end; a longer slice;
    // an empty slice at the base; a slice one byte off the base.
    assert_eq!(munmap_slice(&s[..page()]), Err(Errno::EINVAL));
    assert_eq!(munmap_slice(&s[page()..2 * page()]), Err(Errno::EINVAL));
    assert_eq!(munmap_slice(&s[page()..]), Err(Errno::EINVAL));
    assert_eq!(munmap_slice(&s[..len - 1]), Err(Errno::EINVAL));
    assert_eq!(
        munmap_slice(std::ptr::slice_from_raw_parts(r.as_ptr(), len + page())),
        Err(Errno::EINVAL)
    );
    assert_eq!(munmap_slice(&s[..0]), Err(Errno::EINVAL));
    assert_eq!(munmap_slice(&s[1..]), Err(Errno::EINVAL));
    // The kernel was not called: every page is still mapped, and holds
    // what was written.
    assert!(mapped(r.as_ptr(), len));
    assert!(s.iter().all(|&b| b == 0xa5));
    assert_eq!(registry::lookup(r.as_ptr()).and_then(|i| i.region()), Some(r));

    munmap_slice(&*s).unwrap();
    // That the kernel really unmapped it is checked in tests/unmapped.rs,
    // alone in its binary: here another test's mapping may take the
    // address at once.
    assert_eq!(registry::lookup(r.as_ptr()), None);
}

#[test]
fn unknown_memory_is_refused_without_a_kernel_call() {
    // Memory mapped behind the registry's back: if munmap reached the
    // kernel, the pages would be gone.
    let len = 2 * page();
    // SAFETY: a fresh anonymous mapping that aliases nothing.
    let raw = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ,
            libc::MAP_PRIVATE | libc::MAP_ANON,
            -1,
            0,
        )
    };
    assert_ne!(raw, libc::MAP_FAILED);
    let s = std::ptr::slice_from_raw_parts(raw.cast::<u8>(), len);
    assert_eq!(munmap_slice(s), Err(Errno::EINVAL));
    assert!(mapped(raw.cast(), len));
    assert_eq!(registry::lookup(raw.cast::<u8>()), None);
    // SAFETY: our own raw mapping, unmapped once.
    assert_eq!(unsafe { libc::munmap(raw, len) }, 0);

    // Heap and stack memory.
    let v = vec![1u8; 3 * page()];
    assert_eq!(munmap_slice(&v[..]), Err(Errno::EINVAL));
    let on_stack = [0u8; 64];
    assert_eq!(munmap_slice(&on_stack[..]), Err(Errno::EINVAL));
    assert_eq!(v.iter().map(|&b| b as usize).sum::<usize>(), 3 * page());
    // Null and empty.
    assert_eq!(
        munmap_slice(std::ptr::slice_from_raw_parts(std::ptr::null(), 0)),
        Err(Errno::EINVAL)
    );
}

#[test]
fn double_unmap_and_stale_region() {
    let r = mmap_anonymous(page(), RW, MapFlags::PRIVATE).unwrap();
    let copy = r;
    munmap(r).unwrap();
    assert_eq!(munmap(copy), Err(Errno::EINVAL));
    assert_eq!(munmap(r), Err(Errno::EINVAL));
    assert_eq!(r.info(), None);
    // The stale handle's calls are refused, never reaching the kernel.
    assert_eq!(r.lock(..), Err(Errno::EINVAL));
    assert_eq!(r.sync(.., bsd_mem::SyncFlags::ASYNC), Err(Errno::EINVAL));
    assert_eq!(r.advise(.., bsd_mem::Advice::WillNeed), Err(Errno::EINVAL));
    // SAFETY: refused before any effect.
    assert_eq!(unsafe { r.protect(.., Prot::READ) }, Err(Errno::EINVAL));
}

#[test]
fn a_stale_region_does_not_match_a_new_mapping_at_its_address() {
    // The kernel reuses a freed address for the next mapping of the same
    // size more often than not; try until it does (in a test binary whose
    // other tests map too, it may take a few rounds).
    for _ in 0..1000 {
        let old = mmap_anonymous(page(), RW, MapFlags::PRIVATE).unwrap();
        munmap(old).unwrap();
        let new = mmap_anonymous(page(), RW, MapFlags::PRIVATE).unwrap();
        if new.as_ptr() != old.as_ptr() {
            munmap(new).unwrap();
            continue;
        }
        assert_ne!(old, new, "same address and length, different identity");
        assert_eq!(munmap(old), Err(Errno::EINVAL));
        assert!(
            mapped(new.as_ptr(), page()),
            "the stale handle did not unmap the new mapping"
        );
        assert_eq!(old.lock(..), Err(Errno::EINVAL));
        munmap(new).unwrap();
        return;
    }
    panic!("the kernel never reused an address in 1000 tries");
}

#[test]
fn zero_length_and_bad_arguments_are_einval() {
    assert_eq!(mmap_anonymous(0, RW, MapFlags::PRIVATE), Err(Errno::EINVAL));
    // Neither or both of SHARED and PRIVATE.
    assert_eq!(mmap_anonymous(page(), RW, MapFlags::empty()), Err(Errno::EINVAL));
    assert_eq!(
        mmap_anonymous(page(), RW, MapFlags::SHARED | MapFlags::PRIVATE),
        Err(Errno::EINVAL)
    );
    // Fixed addresses are refused: there is no address argument.
    let fixed = MapFlags::PRIVATE | MapFlags::from_bits_retain(libc::MAP_FIXED);
    assert_eq!(mmap_anonymous(page(), RW, fixed), Err(Errno::EINVAL));
    // Too large to round up.
    assert_eq!(mmap_anonymous(usize::MAX, RW, MapFlags::PRIVATE), Err(Errno::ENOMEM));
    assert_eq!(Mapping::anonymous(0).err(), Some(Errno::EINVAL));
    assert_eq!(
        Mapping::options(page()).offset(1).map_anonymous().err(),
        Some(Errno::EINVAL)
    );
}

#[test]
fn lookup_finds_interior_pointers() {
    let len = 5 * page() + 123;
    let r = mmap_anonymous(len, Prot::READ, MapFlags::PRIVATE).unwrap();
    for off in [0, 1, page() - 1, page(), 3 * page() + 17, len - 1] {
        let info = registry::lookup(r.as_ptr().wrapping_add(off)).expect("inside");
        assert_eq!(info.as_ptr(), r.as_ptr().cast_const());
        assert_eq!(info.len(), len);
        assert_eq!(info.prot(), Prot::READ);
        assert!(info.flags().contains(MapFlags::ANON | MapFlags::PRIVATE));
        assert_eq!(info.file_offset(), None);
        assert!(!info.is_owned());
        assert_eq!(info.region(), Some(r));
        assert!(info.contains(r.as_ptr().wrapping_add(off)));
    }
    // One past the end and one before the start are not in it.
    assert!(registry::lookup(r.as_ptr().wrapping_add(len)).map_or(true, |i| i.as_ptr() != r.as_ptr().cast_const()));
    assert!(registry::lookup(r.as_ptr().wrapping_sub(1)).map_or(true, |i| i.as_ptr() != r.as_ptr().cast_const()));
    munmap(r).unwrap();
    assert_eq!(registry::lookup(r.as_ptr().wrapping_add(page())), None);
}

#[test]
fn lookup_among_many_and_snapshot() {
    let maps: Vec<Mapping> = (1..=50).map(|i| Mapping::anonymous(i * 1000).unwrap()).collect();
    for m in &maps {
        let mid = m.as_ptr().wrapping_add(m.len() / 2);
        let info = registry::lookup(mid).expect("recorded");
        assert_eq!(info.as_ptr(), m.as_ptr());
        assert_eq!(info.len(), m.len());
        assert!(info.is_owned());
        assert_eq!(info.region(), None);
    }
    let all = registry::mappings();
    assert!(all.windows(2).all(|w| w[0].as_ptr() < w[1].as_ptr()), "sorted");
    for m in &maps {
        assert!(all.iter().any(|i| i.as_ptr() == m.as_ptr() && i.len() == m.len()));
    }
}

#[test]
fn lookup_reports_the_protection_of_the_page() {
    let r = mmap_anonymous(4 * page(), RW, MapFlags::PRIVATE).unwrap();
    // SAFETY: no reference into the region exists.
    unsafe { r.protect(page()..2 * page(), Prot::READ) }.unwrap();
    let at = |off: usize| registry::lookup(r.as_ptr().wrapping_add(off)).unwrap();
    assert_eq!(at(0).prot(), RW);
    assert_eq!(at(page()).prot(), Prot::READ);
    assert_eq!(at(2 * page() - 1).prot(), Prot::READ);
    assert_eq!(at(2 * page()).prot(), RW);
    assert!(!at(0).is_uniformly_protected());
    // SAFETY: as above.
    unsafe { r.protect(.., Prot::empty()) }.unwrap();
    assert_eq!(at(page()).prot(), Prot::empty());
    assert!(at(page()).is_uniformly_protected());
    munmap(r).unwrap();
}

#[test]
fn a_mapping_owns_its_memory() {
    let m = Mapping::anonymous(page()).unwrap();
    let info = registry::lookup(m.as_ptr()).unwrap();
    // The raw API cannot unmap it, by slice or by a forged region.
    assert_eq!(munmap_slice(m.as_slice().unwrap()), Err(Errno::EINVAL));
    assert!(info.region().is_none());
    assert!(mapped(m.as_ptr(), page()));
    // Handing it over: the region unmaps it, once.
    let r = m.into_region();
    assert_eq!(registry::lookup(r.as_ptr()).and_then(|i| i.region()), Some(r));
    // SAFETY: nothing else refers to the region's memory.
    let m = unsafe { Mapping::from_region(r) }.unwrap();
    assert_eq!(munmap(r), Err(Errno::EINVAL), "owned again");
    // SAFETY: as above; owned already: refused.
    assert_eq!(unsafe { Mapping::from_region(r) }.err(), Some(Errno::EINVAL));
    let p = m.as_ptr();
    drop(m);
    // (That the drop unmapped it in the kernel: tests/unmapped.rs.)
    assert_eq!(registry::lookup(p), None);
    assert_eq!(munmap(r), Err(Errno::EINVAL));
}

#[test]
fn region_calls_check_ranges_before_the_kernel() {
    let len = 3 * page();
    let r = mmap_anonymous(len, RW, MapFlags::PRIVATE).unwrap();
    for (start, end) in [(0, 0), (page(), page()), (0, len + 1), (len, len + 1), (1, page())] {
        let unaligned = start % page() != 0 && start < end && end <= len;
        // SAFETY: refused (or, for in-range unaligned ranges, refused by
        // the alignment check) before the kernel is called.
        assert_eq!(unsafe { r.protect(start..end, Prot::READ) }, Err(Errno::EINVAL));
        assert_eq!(r.advise(start..end, bsd_mem::Advice::WillNeed), Err(Errno::EINVAL));
        assert_eq!(r.sync(start..end, bsd_mem::SyncFlags::ASYNC), Err(Errno::EINVAL));
        if !unaligned {
            // mlock needs no alignment: only empty and out-of-range ranges fail.
            assert_eq!(r.lock(start..end), Err(Errno::EINVAL));
            assert_eq!(r.unlock(start..end), Err(Errno::EINVAL));
        }
    }
    // The protection did not change anywhere: still writable.
    // SAFETY: live, writable, no other reference.
    unsafe { r.as_mut_slice() }.fill(1);
    assert_eq!(registry::lookup(r.as_ptr()).unwrap().prot(), RW);
    munmap(r).unwrap();
}
