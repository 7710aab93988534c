//! Anonymous and file mappings through `Mapping`, `MapOptions` and the raw
//! API: contents, protection (really enforced), advice, sync, locking, and
//! range checks.

mod common;

use bsd_errno::Errno;
use bsd_mem::{mmap, mmap_anonymous, munmap, registry, Advice, MapFlags, MapOptions, Mapping, Prot, SyncFlags};
use common::{in_child, TempFile};
use std::os::fd::AsFd;

const RW: Prot = Prot::READ.union(Prot::WRITE);

fn page() -> usize {
    bsd_mem::page_size()
}

#[test]
fn anonymous_is_zero_filled_and_holds_what_is_written() {
    let mut m = Mapping::anonymous(3 * page() + 5).unwrap();
    assert_eq!(m.len(), 3 * page() + 5);
    assert!(!m.is_empty());
    assert_eq!(m.prot(), RW);
    assert!(m.as_slice().unwrap().iter().all(|&b| b == 0));
    for (i, b) in m.as_mut_slice().unwrap().iter_mut().enumerate() {
        *b = (i % 251) as u8;
    }
    assert!(m
        .as_slice()
        .unwrap()
        .iter()
        .enumerate()
        .all(|(i, &b)| b == (i % 251) as u8));
    assert_eq!(m.as_ptr() as usize % page(), 0);

    let r = mmap_anonymous(page(), RW, MapFlags::PRIVATE).unwrap();
    // SAFETY: live, readable, writable, only referenced here.
    let s = unsafe { r.as_mut_slice() };
    assert!(s.iter().all(|&b| b == 0));
    s[page() - 1] = 9;
    // SAFETY: as above.
    assert_eq!(unsafe { r.as_slice() }[page() - 1], 9);
    munmap(r).unwrap();
}

#[test]
fn shared_file_mapping_sees_the_file_and_writes_reach_it_after_sync() {
    let contents: Vec<u8> = (0..3 * page()).map(|i| (i % 256) as u8).collect();
    let tmp = TempFile::new(&contents);
    let file = tmp.open_rw();
    // SAFETY: only this test uses the file.
    let mut m = unsafe { MapOptions::new(contents.len()).shared().map_file(&file) }.unwrap();
    assert_eq!(m.as_slice().unwrap(), &contents[..]);
    let info = registry::lookup(m.as_ptr()).unwrap();
    assert_eq!(info.file_offset(), Some(0));
    assert!(info.flags().contains(MapFlags::SHARED) && !info.flags().contains(MapFlags::ANON));
    m.as_mut_slice().unwrap()[page() + 1..page() + 6].copy_from_slice(b"hello");
    m.sync(.., SyncFlags::SYNC).unwrap();
    drop(m);
    drop(file);
    let on_disk = std::fs::read(&tmp.0).unwrap();
    assert_eq!(&on_disk[page() + 1..page() + 6], b"hello");
    assert_eq!(&on_disk[..page()], &contents[..page()]);
}

#[test]
fn private_file_mapping_keeps_writes_to_itself() {
    let contents = vec![7u8; 2 * page()];
    let tmp = TempFile::new(&contents);
    let file = tmp.open_rw();
    // SAFETY: only this test uses the file.
    let mut m = unsafe { MapOptions::new(contents.len()).private().map_file(&file) }.unwrap();
    m.as_mut_slice().unwrap()[..4].copy_from_slice(b"priv");
    m.sync(.., SyncFlags::SYNC).unwrap();
    assert_eq!(&m.as_slice().unwrap()[..4], b"priv");
    drop(m);
    assert_eq!(std::fs::read(&tmp.0).unwrap(), contents);
}

#[test]
fn any_offset_presents_exactly_the_requested_bytes() {
    let contents: Vec<u8> = (0..4 * page()).map(|i| (i * 7 % 256) as u8).collect();
    let tmp = TempFile::new(&contents);
    let file = tmp.open_rw();
    for offset in [1, 100, page() - 1, page(), page() + 3, 2 * page() + 999] {
        let len = 300.min(contents.len() - offset);
        // SAFETY: only this test uses the file.
        let m = unsafe {
            MapOptions::new(len)
                .prot(Prot::READ)
                .offset(offset as u64)
                .map_file(&file)
        }
        .unwrap();
        assert_eq!(m.len(), len);
        assert_eq!(
            m.as_slice().unwrap(),
            &contents[offset..offset + len],
            "offset {offset}"
        );
        let info = registry::lookup(m.as_ptr()).unwrap();
        assert_eq!(info.file_offset(), Some((offset - offset % page()) as u64));
        assert_eq!(info.as_ptr() as usize, m.as_ptr() as usize - offset % page());
        // Sync and advice over the whole visible range work despite the
        // unaligned start (it reaches down to the page boundary).
        m.sync(.., SyncFlags::ASYNC).unwrap();
        m.advise(.., Advice::Sequential).unwrap();
        if (offset + 1) % page() != 0 {
            // A start other than 0 that is off a page boundary is refused.
            assert_eq!(m.sync(1.., SyncFlags::ASYNC), Err(Errno::EINVAL));
        }
    }
    // A shared writable mapping at an unaligned offset writes there.
    // SAFETY: only this test uses the file.
    let mut m = unsafe {
        MapOptions::new(5)
            .shared()
            .offset(page() as u64 + 10)
            .map_file(file.as_fd())
    }
    .unwrap();
    m.as_mut_slice().unwrap().copy_from_slice(b"WORLD");
    m.sync(.., SyncFlags::SYNC).unwrap();
    drop(m);
    assert_eq!(&std::fs::read(&tmp.0).unwrap()[page() + 10..page() + 15], b"WORLD");
}

/// Offsets past 2 GiB and 4 GiB of a sparse file, on every host: the
/// offset travels as 64 bits even where `off_t` is 32 (i686 glibc), and a
/// file larger than the address space is EOVERFLOW as a whole.
#[test]
fn offsets_past_2_and_4_gib_reach_the_right_bytes() {
    let tmp = TempFile::new(b"");
    let file = tmp.open_rw();
    let marks: [(u64, &[u8]); 2] = [(3 << 30, b"past 2 GiB"), ((5 << 30) + 17, b"past 4 GiB")];
    for &(at, text) in &marks {
        std::os::unix::fs::FileExt::write_all_at(&file, text, at).unwrap();
    }
    for &(at, text) in &marks {
        // SAFETY: only this test uses the file.
        let m = unsafe { MapOptions::new(text.len()).prot(Prot::READ).offset(at).map_file(&file) }.unwrap();
        assert_eq!(m.as_slice().unwrap(), text, "offset {at}");
        let aligned = at - at % page() as u64;
        let r = mmap(&file, aligned, page(), Prot::READ, MapFlags::SHARED).unwrap();
        // SAFETY: live and readable; the file is not changed meanwhile.
        let bytes = unsafe { r.as_slice() };
        let i = (at - aligned) as usize;
        assert_eq!(&bytes[i..i + text.len()], text);
        assert_eq!(r.info().unwrap().file_offset(), Some(aligned));
        munmap(r).unwrap();
    }
    // The whole file (just over 5 GiB) does not fit a 32-bit address
    // space: EOVERFLOW there, never a mapping of the low bits' length.
    if cfg!(target_pointer_width = "32") {
        // SAFETY: only this test uses the file.
        let whole = unsafe { Mapping::map_file_readonly(&file) };
        assert_eq!(whole.err(), Some(Errno::EOVERFLOW));
    }
}

#[test]
fn raw_file_mapping_needs_an_aligned_offset() {
    let tmp = TempFile::new(&vec![3u8; 2 * page()]);
    let file = tmp.open_rw();
    let bad = mmap(&file, 10, page(), Prot::READ, MapFlags::SHARED);
    assert_eq!(bad, Err(Errno::EINVAL));
    let bad = mmap(
        &file,
        u64::MAX - (page() as u64 - 1),
        page(),
        Prot::READ,
        MapFlags::SHARED,
    );
    assert_eq!(bad, Err(Errno::EINVAL), "offset beyond off_t");
    let anon_with_fd = MapFlags::SHARED | MapFlags::ANON;
    assert_eq!(mmap(&file, 0, page(), Prot::READ, anon_with_fd), Err(Errno::EINVAL));
    let r = mmap(&file, page() as u64, page(), Prot::READ, MapFlags::SHARED).unwrap();
    // SAFETY: live, readable; the file is not changed meanwhile.
    assert!(unsafe { r.as_slice() }.iter().all(|&b| b == 3));
    assert_eq!(r.info().unwrap().file_offset(), Some(page() as u64));
    // A region of a file: sync works through the registry.
    r.sync(.., SyncFlags::SYNC).unwrap();
    munmap(r).unwrap();
    // A read-only descriptor cannot back a shared writable mapping.
    let ro = std::fs::File::open(&tmp.0).unwrap();
    assert_eq!(mmap(&ro, 0, page(), RW, MapFlags::SHARED), Err(Errno::EACCES));
}

#[test]
fn protect_to_read_only_is_enforced_by_the_kernel() {
    let mut m = Mapping::anonymous(2 * page()).unwrap();
    m.as_mut_slice().unwrap()[0] = 1;
    m.protect(.., Prot::READ).unwrap();
    assert_eq!(m.prot(), Prot::READ);
    assert_eq!(registry::lookup(m.as_ptr()).unwrap().prot(), Prot::READ);
    assert_eq!(m.as_mut_slice().err(), Some(Errno::EACCES));
    assert_eq!(m.as_slice().unwrap()[0], 1);
    let p = m.as_ptr() as *mut u8;
    let status = in_child(|| {
        // SAFETY: deliberately writing to a read-only page: the child dies
        // of SIGSEGV, which is what is tested.
        unsafe { std::ptr::write_volatile(p, 2) };
        0
    });
    assert!(
        libc::WIFSIGNALED(status),
        "the child was not killed: status {status:#x}"
    );
    assert_eq!(libc::WTERMSIG(status), libc::SIGSEGV);
    // The parent's page is unchanged, and writable again after protect.
    assert_eq!(m.as_slice().unwrap()[0], 1);
    m.protect(.., RW).unwrap();
    m.as_mut_slice().unwrap()[0] = 3;

    // Part of the mapping: the slices need every page.
    m.protect(page().., Prot::empty()).unwrap();
    assert_eq!(m.prot(), Prot::empty());
    assert_eq!(m.as_slice().err(), Some(Errno::EACCES));
    let status = in_child(|| {
        // SAFETY: reading a PROT_NONE page: SIGSEGV in the child.
        let _ = unsafe { std::ptr::read_volatile(p.wrapping_add(page())) };
        0
    });
    assert!(libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGSEGV);
    // The first page is still writable (the child exits 0 after writing).
    let status = in_child(|| {
        // SAFETY: the first page is read-write.
        unsafe { std::ptr::write_volatile(p, 4) };
        0
    });
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
    m.protect(page().., RW).unwrap();
    assert_eq!(m.prot(), RW);
    assert_eq!(m.as_slice().unwrap()[0], 3);
}

#[test]
fn protect_checks_ranges_before_the_kernel() {
    let mut m = Mapping::anonymous(2 * page()).unwrap();
    assert_eq!(m.protect(1..page(), Prot::READ), Err(Errno::EINVAL));
    assert_eq!(m.protect(0..0, Prot::READ), Err(Errno::EINVAL));
    assert_eq!(m.protect(0..2 * page() + 1, Prot::READ), Err(Errno::EINVAL));
    assert_eq!(m.protect(2 * page().., Prot::READ), Err(Errno::EINVAL));
    assert_eq!(m.advise(page() + 1.., Advice::Random), Err(Errno::EINVAL));
    assert_eq!(m.sync(..0, SyncFlags::SYNC), Err(Errno::EINVAL));
    assert_eq!(m.lock(5..5), Err(Errno::EINVAL));
    assert_eq!(m.unlock(..2 * page() + 1), Err(Errno::EINVAL));
    // SAFETY: refused before the kernel is called.
    let r = unsafe { m.advise_destructive(3.., bsd_mem::DestructiveAdvice::Free) };
    assert_eq!(r, Err(Errno::EINVAL));
    // Nothing changed: still readable and writable, contents intact.
    assert_eq!(m.prot(), RW);
    m.as_mut_slice().unwrap().fill(5);
    // An unaligned end is fine (the kernel rounds it up).
    m.protect(..page() + 1, Prot::READ).unwrap();
    assert_eq!(
        registry::lookup(m.as_ptr().wrapping_add(2 * page() - 1))
            .unwrap()
            .prot(),
        Prot::READ
    );
}

#[test]
fn advice_that_keeps_contents() {
    let mut m = Mapping::anonymous(4 * page()).unwrap();
    m.as_mut_slice().unwrap().fill(8);
    for a in [Advice::Normal, Advice::Random, Advice::Sequential, Advice::WillNeed] {
        m.advise(.., a).unwrap();
    }
    #[cfg(target_os = "linux")]
    for a in [
        Advice::DontFork,
        Advice::DoFork,
        Advice::DontDump,
        Advice::DoDump,
        Advice::Cold,
    ] {
        m.advise(page()..3 * page(), a).unwrap();
    }
    assert!(m.as_slice().unwrap().iter().all(|&b| b == 8));
    let r = mmap_anonymous(page(), RW, MapFlags::PRIVATE).unwrap();
    r.advise(.., Advice::WillNeed).unwrap();
    munmap(r).unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn dont_need_zeroes_private_anonymous_pages_on_linux() {
    use bsd_mem::DestructiveAdvice;
    let mut m = Mapping::anonymous(3 * page()).unwrap();
    m.as_mut_slice().unwrap().fill(0xee);
    // SAFETY: no reference into the mapping is alive.
    unsafe { m.advise_destructive(page()..2 * page(), DestructiveAdvice::DontNeed) }.unwrap();
    let s = m.as_slice().unwrap();
    assert!(s[..page()].iter().all(|&b| b == 0xee));
    assert!(s[page()..2 * page()].iter().all(|&b| b == 0), "DONTNEED zeroes");
    assert!(s[2 * page()..].iter().all(|&b| b == 0xee));

    let r = mmap_anonymous(page(), RW, MapFlags::PRIVATE).unwrap();
    // SAFETY: live, writable; the slice is dropped before the advice.
    unsafe { r.as_mut_slice() }.fill(1);
    // SAFETY: no reference into the region is alive.
    unsafe { r.advise_destructive(.., DestructiveAdvice::DontNeed) }.unwrap();
    // SAFETY: live, readable.
    assert!(unsafe { r.as_slice() }.iter().all(|&b| b == 0));
    // MADV_FREE is accepted on private anonymous memory (contents then unspecified).
    // SAFETY: no reference into the region is alive.
    unsafe { r.advise_destructive(.., DestructiveAdvice::Free) }.unwrap();
    munmap(r).unwrap();
}

#[test]
fn lock_and_unlock() {
    let m = Mapping::anonymous(2 * page()).unwrap();
    let r = mmap_anonymous(page(), RW, MapFlags::PRIVATE).unwrap();
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let results = [
        m.lock(..),
        m.unlock(..),
        m.lock(10..20),
        m.unlock(10..20),
        r.lock(..),
        r.unlock(..),
    ];
    if root {
        // Root is not limited by RLIMIT_MEMLOCK.
        assert!(results.iter().all(Result::is_ok), "{results:?}");
    } else {
        // Unprivileged: small locks fit the default limit, or are refused.
        for res in results {
            assert!(
                matches!(res, Ok(()) | Err(Errno::ENOMEM | Errno::EPERM | Errno::EAGAIN)),
                "{res:?}"
            );
        }
    }
    munmap(r).unwrap();
}

#[test]
fn populate_and_extra_flags() {
    let m = MapOptions::new(8 * page()).populate().map_anonymous().unwrap();
    assert!(m.as_slice().unwrap().iter().all(|&b| b == 0));
    #[cfg(target_os = "linux")]
    {
        assert!(registry::lookup(m.as_ptr())
            .unwrap()
            .flags()
            .contains(MapFlags::POPULATE));
        let m = MapOptions::new(page())
            .flags(MapFlags::NORESERVE)
            .map_anonymous()
            .unwrap();
        assert!(registry::lookup(m.as_ptr())
            .unwrap()
            .flags()
            .contains(MapFlags::NORESERVE));
        // Huge pages: without reserved huge pages the kernel says ENOMEM;
        // with them, a 2 MiB mapping works.
        match MapOptions::new(2 << 20).huge_pages().map_anonymous() {
            Ok(h) => assert!(h.as_slice().unwrap().iter().all(|&b| b == 0)),
            Err(e) => assert!(matches!(e, Errno::ENOMEM | Errno::EINVAL), "{e:?}"),
        }
    }
    let fixed = MapFlags::from_bits_retain(libc::MAP_FIXED);
    assert_eq!(
        MapOptions::new(page()).flags(fixed).map_anonymous().err(),
        Some(Errno::EINVAL)
    );
    // SHARED/PRIVATE in the extra flags are ignored in favour of shared()/private().
    let m = MapOptions::new(page()).flags(MapFlags::SHARED).map_anonymous().unwrap();
    assert!(registry::lookup(m.as_ptr())
        .unwrap()
        .flags()
        .contains(MapFlags::PRIVATE));
}

#[test]
fn shared_anonymous_memory_is_shared_with_a_child() {
    let mut m = MapOptions::new(page()).shared().map_anonymous().unwrap();
    let p = m.as_mut_ptr();
    let status = in_child(|| {
        // SAFETY: the page is shared, writable, and the parent waits.
        unsafe { std::ptr::write_volatile(p, 77) };
        0
    });
    assert!(libc::WIFEXITED(status));
    assert_eq!(m.as_slice().unwrap()[0], 77);
}

#[test]
fn kernel_errors_come_back_as_errno() {
    let tmp = TempFile::new(&vec![0u8; page()]);
    let ro = std::fs::File::open(&tmp.0).unwrap();
    // A shared read-only mapping of a read-only descriptor cannot become
    // writable: EACCES from mprotect, and the record keeps READ.
    // SAFETY: only this test uses the file.
    let mut m = unsafe { MapOptions::new(page()).shared().prot(Prot::READ).map_file(&ro) }.unwrap();
    assert_eq!(m.protect(.., RW), Err(Errno::EACCES));
    assert_eq!(m.prot(), Prot::READ);
    assert_eq!(registry::lookup(m.as_ptr()).unwrap().prot(), Prot::READ);
    // Both SYNC and ASYNC; on FreeBSD and DragonFly, where MS_SYNC is 0,
    // that is ASYNC alone, and their kernels refuse ASYNC with INVALIDATE.
    #[cfg(not(any(target_os = "freebsd", target_os = "dragonfly")))]
    assert_eq!(m.sync(.., SyncFlags::SYNC | SyncFlags::ASYNC), Err(Errno::EINVAL));
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
    {
        assert!(SyncFlags::SYNC.is_empty());
        assert_eq!(m.sync(.., SyncFlags::ASYNC | SyncFlags::INVALIDATE), Err(Errno::EINVAL));
    }
    drop(m);
    // A directory cannot be mapped.
    let dir = std::fs::File::open(std::env::temp_dir()).unwrap();
    // SAFETY: refused by the kernel.
    let r = unsafe { MapOptions::new(page()).prot(Prot::READ).map_file(&dir) };
    assert_eq!(r.err(), Some(Errno::ENODEV));
    assert_eq!(mmap(&dir, 0, page(), Prot::READ, MapFlags::PRIVATE), Err(Errno::ENODEV));
    #[cfg(target_os = "linux")]
    {
        // An O_PATH descriptor is not open for reading: EBADF.
        use std::os::unix::fs::OpenOptionsExt;
        let path_only = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_PATH)
            .open(&tmp.0)
            .unwrap();
        assert_eq!(
            mmap(&path_only, 0, page(), Prot::READ, MapFlags::PRIVATE),
            Err(Errno::EBADF)
        );
    }
    // A file that cannot be written back to cannot be mapped shared and writable.
    assert_eq!(mmap(&ro, 0, page(), RW, MapFlags::SHARED), Err(Errno::EACCES));
}

#[test]
fn handles_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Mapping>();
    check::<bsd_mem::Region>();
    check::<bsd_mem::MappingInfo>();
    check::<MapOptions>();
}

#[test]
fn map_file_maps_the_whole_file_shared_and_writable() {
    // Not a multiple of the page: the length is the file's, exactly.
    let contents: Vec<u8> = (0..2 * page() + 123).map(|i| (i % 253) as u8).collect();
    let tmp = TempFile::new(&contents);
    let file = tmp.open_rw();
    // SAFETY: only this test uses the file.
    let mut m = unsafe { Mapping::map_file(&file) }.unwrap();
    assert_eq!(m.len(), contents.len());
    assert_eq!(m.prot(), RW);
    assert_eq!(m.as_slice().unwrap(), &contents[..]);
    let info = registry::lookup(m.as_ptr()).expect("registered");
    assert_eq!(info.file_offset(), Some(0));
    assert!(info.flags().contains(MapFlags::SHARED));
    m.as_mut_slice().unwrap()[contents.len() - 5..].copy_from_slice(b"tail!");
    m.sync(.., SyncFlags::SYNC).unwrap();
    let base = m.as_ptr();
    drop(m);
    assert!(registry::lookup(base).is_none(), "unregistered on drop");
    let on_disk = std::fs::read(&tmp.0).unwrap();
    assert_eq!(on_disk.len(), contents.len(), "the file did not grow");
    assert_eq!(&on_disk[contents.len() - 5..], b"tail!");
}

#[test]
fn map_file_readonly_needs_only_read_access_and_refuses_writes() {
    let tmp = TempFile::new(b"read me, do not write me");
    let ro = std::fs::File::open(&tmp.0).unwrap();
    // SAFETY: only this test uses the file.
    let mut m = unsafe { Mapping::map_file_readonly(&ro) }.unwrap();
    assert_eq!(m.as_slice().unwrap(), b"read me, do not write me");
    assert_eq!(m.prot(), Prot::READ);
    assert_eq!(m.as_mut_slice().err(), Some(Errno::EACCES));
    assert!(registry::lookup(m.as_ptr()).is_some());
    // The read-write form on a read-only descriptor: the kernel's EACCES.
    // SAFETY: as above.
    assert_eq!(unsafe { Mapping::map_file(&ro) }.err(), Some(Errno::EACCES));
    // Shared: a write through the descriptor shows in the mapping.
    use std::os::unix::fs::FileExt;
    tmp.open_rw().write_at(b"READ", 0).unwrap();
    assert_eq!(&m.as_slice().unwrap()[..4], b"READ");
    drop(m);
}

#[test]
fn whole_file_mappings_of_empty_and_sizeless_files_are_einval() {
    let empty = TempFile::new(b"");
    let f = empty.open_rw();
    // SAFETY: nothing is mapped.
    assert_eq!(unsafe { Mapping::map_file(&f) }.err(), Some(Errno::EINVAL));
    // SAFETY: as above.
    assert_eq!(unsafe { Mapping::map_file_readonly(&f) }.err(), Some(Errno::EINVAL));
    // A pipe: fstat reports size 0.
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for two descriptors.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: the pipe's ends are ours alone.
    let (r, w) = unsafe {
        use std::os::fd::{FromRawFd, OwnedFd};
        (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1]))
    };
    // SAFETY: nothing is mapped.
    assert_eq!(unsafe { Mapping::map_file_readonly(&r) }.err(), Some(Errno::EINVAL));
    drop((r, w));
}
