//! The `mem` section: a file mapped, changed and synced; the registry's
//! stats before and after; an interior-pointer lookup; a rejected double
//! unmap. Then 4 KiB anonymous map+unmap through the registry API and
//! `Mapping` against raw `mmap`/`munmap` and `memmap2`, on one thread and on
//! two at once, and the cost of `lookup` among 10 000 live mappings.

use crate::{Compare, Report};
use bsd_mem::{mmap_anonymous, munmap, registry, MapFlags, MapOptions, Prot, SyncFlags};
use std::os::fd::AsFd;

/// Runs the section.
pub fn run(r: &mut Report) {
    r.section("mem", "bsd-mem");
    let page = bsd_mem::page_size();
    r.say(format_args!(
        "   page size {page} B; registry before: {:?}",
        registry::stats()
    ));
    if let Err(e) = file_demo(r) {
        r.failed("file mapping", &e);
    }
    match mmap_anonymous(3 * page, Prot::READ | Prot::WRITE, MapFlags::PRIVATE) {
        Ok(region) => {
            let inside = region.as_ptr().wrapping_add(page + 123);
            match registry::lookup(inside) {
                Some(info) => r.say(format_args!(
                    "   lookup({inside:p}) → mapping {:p}+{} B, prot {:?}, flags {:?}",
                    info.as_ptr(),
                    info.len(),
                    info.prot(),
                    info.flags()
                )),
                None => r.failed("lookup of an interior pointer", &"not found"),
            }
            r.say(format_args!("   registry with it: {:?}", registry::stats()));
            let first = munmap(region);
            let second = munmap(region);
            r.say(format_args!(
                "   munmap: {first:?}; again with the same handle: {second:?} (the kernel is not called)"
            ));
        }
        Err(e) => r.failed("mmap", &e),
    }
    r.say(format_args!("   registry after: {:?}", registry::stats()));

    r.compare(
        Compare::new("mem", "4 KiB anon map+unmap")
            .ours("bsd-mem mmap/munmap (registry)", ops::registry)
            .ours("bsd-mem Mapping", ops::mapping)
            .raw("libc mmap/munmap", ops::raw)
            .peer("memmap2 MmapMut::map_anon", ops::memmap2),
    );
    r.compare(
        Compare::new("mem", format!("2 threads × {} × 4 KiB map+unmap", ops::BATCH))
            .ours("bsd-mem mmap/munmap (registry)", || ops::two_threads(ops::registry))
            .ours("bsd-mem Mapping", || ops::two_threads(ops::mapping))
            .raw("libc mmap/munmap", || ops::two_threads(ops::raw))
            .peer("memmap2 MmapMut::map_anon", || ops::two_threads(ops::memmap2)),
    );
    match ops::Many::new(10_000) {
        Ok(mut many) => {
            r.say(format_args!("   10 000 live mappings: {:?}", registry::stats()));
            let mut floor = ops::Floor::new(&many);
            let mut maps = ops::ProcMaps::new(&many);
            let mut miss = Vec::new();
            r.compare(
                Compare::new("mem", "lookup among 10 000 live mappings of 1-16 pages")
                    .ours("bsd-mem registry::lookup (hit)", || many.lookup())
                    .ours("bsd-mem registry::lookup (miss: heap pointer)", || {
                        ops::lookup_miss(&mut miss)
                    })
                    .raw("BTreeMap range, no lock (floor)", || floor.lookup())
                    .peer("scan /proc/self/maps", || maps.lookup()),
            );
        }
        Err(e) => r.failed("10 000 mappings", &e),
    }
}

fn file_demo(r: &mut Report) -> Result<(), Box<dyn std::error::Error>> {
    let page = bsd_mem::page_size();
    let path = std::env::temp_dir().join(format!("bsd-mem-report-{}", std::process::id()));
    std::fs::write(&path, vec![b'.'; 2 * page])?;
    let file = std::fs::OpenOptions::new().read(true).write(true).open(&path)?;
    let result = (|| -> Result<(), Box<dyn std::error::Error>> {
        // SAFETY: the file is this report's own; nobody else changes it.
        let mut m = unsafe {
            MapOptions::new(16)
                .shared()
                .offset(page as u64 + 100)
                .map_file(file.as_fd())?
        };
        r.say(format_args!(
            "   mapped {} bytes at file offset {} (unaligned)",
            m.len(),
            page + 100
        ));
        m.as_mut_slice()?.copy_from_slice(b"mapped & synced!");
        m.sync(.., SyncFlags::SYNC)?;
        drop(m);
        let back = std::fs::read(&path)?;
        let got = back.get(page + 100..page + 116).unwrap_or_default();
        r.say(format_args!(
            "   after msync the file holds {:?} there",
            String::from_utf8_lossy(got)
        ));
        Ok(())
    })();
    let _ = std::fs::remove_file(&path);
    result
}

/// The operations compared, shared with `benches/mem.rs`.
pub mod ops {
    use bsd_mem::{registry, MapFlags, Mapping, Prot};
    use std::collections::BTreeMap;
    use std::hint::black_box;

    /// The size mapped.
    pub const LEN: usize = 4096;
    /// Cycles each thread does per call of [`two_threads`].
    pub const BATCH: usize = 1000;

    /// `bsd_mem::mmap` + `bsd_mem::munmap` (the registry API).
    pub fn registry() {
        if let Ok(r) = bsd_mem::mmap_anonymous(LEN, Prot::READ | Prot::WRITE, MapFlags::PRIVATE) {
            let _ = black_box(bsd_mem::munmap(black_box(r)));
        }
    }

    /// `Mapping::anonymous` + drop.
    pub fn mapping() {
        drop(black_box(Mapping::anonymous(LEN)));
    }

    /// `libc::mmap` + `libc::munmap`.
    pub fn raw() {
        // SAFETY: a fresh anonymous mapping, unmapped once, never touched.
        unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                LEN,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANON,
                -1,
                0,
            );
            if p != libc::MAP_FAILED {
                black_box(libc::munmap(black_box(p), LEN));
            }
        }
    }

    /// `memmap2::MmapMut::map_anon` + drop.
    pub fn memmap2() {
        drop(black_box(memmap2::MmapMut::map_anon(LEN)));
    }

    /// `op` [`BATCH`] times on each of two threads at once.
    pub fn two_threads(op: fn()) {
        std::thread::scope(|s| {
            s.spawn(|| (0..BATCH).for_each(|_| op()));
            (0..BATCH).for_each(|_| op());
        });
    }

    /// Many live mappings and a rotating interior pointer into them.
    #[derive(Debug)]
    pub struct Many {
        maps: Vec<Mapping>,
        next: usize,
    }

    /// An interior pointer of `m`: in its last page, so for a mapping of
    /// several pages it is not in the page (nor the shard) of the base.
    fn interior(m: &Mapping) -> *const u8 {
        m.as_ptr().wrapping_add(m.len() - LEN / 2)
    }

    impl Many {
        /// `n` live mappings of 1 to 16 pages.
        pub fn new(n: usize) -> bsd_errno::Result<Many> {
            let maps = (0..n)
                .map(|i| Mapping::anonymous(LEN * (1 + i % 16)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Many { maps, next: 0 })
        }

        fn next_ptr(&mut self) -> *const u8 {
            self.next = (self.next + 7919) % self.maps.len().max(1);
            self.maps.get(self.next).map_or(std::ptr::null(), interior)
        }

        /// `registry::lookup` of an interior pointer of one of them.
        pub fn lookup(&mut self) {
            let p = self.next_ptr();
            black_box(registry::lookup(black_box(p)));
        }
    }

    /// `registry::lookup` of pointers into the heap, which no mapping of
    /// the registry holds.
    pub fn lookup_miss(heap: &mut Vec<u8>) {
        if heap.is_empty() {
            heap.resize(1 << 16, 0);
        }
        let p = heap.as_ptr().wrapping_add(black_box(heap.len() / 2));
        black_box(registry::lookup(black_box(p)));
    }

    /// The floor: the same search in a plain `BTreeMap` (base → length),
    /// single-threaded, no lock.
    #[derive(Debug)]
    pub struct Floor {
        map: BTreeMap<usize, usize>,
        ptrs: Vec<usize>,
        next: usize,
    }

    impl Floor {
        /// A map with the same bases and lengths as `many`.
        pub fn new(many: &Many) -> Floor {
            let map: BTreeMap<usize, usize> = many.maps.iter().map(|m| (m.as_ptr() as usize, m.len())).collect();
            let ptrs = many.maps.iter().map(|m| interior(m) as usize).collect();
            Floor { map, ptrs, next: 0 }
        }

        /// One interior-pointer search.
        pub fn lookup(&mut self) {
            self.next = (self.next + 7919) % self.ptrs.len().max(1);
            let a = black_box(self.ptrs.get(self.next).copied().unwrap_or(0));
            let hit = self.map.range(..=a).next_back().filter(|&(&b, &l)| a - b < l);
            black_box(hit);
        }
    }

    /// What a program without a registry does: read `/proc/self/maps` and
    /// find the line holding the address.
    #[derive(Debug)]
    pub struct ProcMaps {
        ptrs: Vec<usize>,
        next: usize,
        buf: String,
    }

    impl ProcMaps {
        /// Interior pointers of `many`.
        pub fn new(many: &Many) -> ProcMaps {
            let ptrs = many.maps.iter().map(|m| interior(m) as usize).collect();
            ProcMaps {
                ptrs,
                next: 0,
                buf: String::with_capacity(1 << 20),
            }
        }

        /// One search: read the file, parse lines until the one holding the
        /// address.
        pub fn lookup(&mut self) {
            use std::io::Read;
            self.next = (self.next + 7919) % self.ptrs.len().max(1);
            let a = self.ptrs.get(self.next).copied().unwrap_or(0);
            self.buf.clear();
            if let Ok(mut f) = std::fs::File::open("/proc/self/maps") {
                let _ = f.read_to_string(&mut self.buf);
            }
            let hit = self.buf.lines().find(|l| {
                let range = l.split(' ').next().unwrap_or("");
                let (s, e) = range.split_once('-').unwrap_or(("0", "0"));
                let s = usize::from_str_radix(s, 16).unwrap_or(0);
                let e = usize::from_str_radix(e, 16).unwrap_or(0);
                s <= a && a < e
            });
            black_box(hit);
        }
    }
}
