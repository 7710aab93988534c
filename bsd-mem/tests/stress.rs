//! Two threads × 100 000 map/unmap cycles of mixed sizes through every API;
//! afterwards the registry is empty, `/proc/self/maps` has as many lines as
//! before, and no descriptor is left open. Alone in its binary, so no other
//! test's mappings or descriptors disturb the counts.

mod common;

use bsd_errno::Errno;
use bsd_mem::{mmap_anonymous, munmap, munmap_slice, registry, MapFlags, MapOptions, Mapping, Prot, Region};
use common::{maps_lines, open_fds, TempFile};
use std::collections::VecDeque;

const CYCLES: usize = 100_000;

enum Live {
    Owned(Mapping),
    Raw(Region),
}

/// One thread's work: `cycles` maps, each unmapped a few cycles later (so
/// unmaps interleave with maps), sizes from 1 byte to 16 pages.
fn churn(seed: u64, cycles: usize) {
    let page = bsd_mem::page_size();
    let mut rng = seed | 1;
    let mut live: VecDeque<Live> = VecDeque::new();
    for i in 0..cycles {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let len = 1 + (rng as usize % (16 * page));
        let m = if i % 2 == 0 {
            let mut m = Mapping::anonymous(len).unwrap();
            m.as_mut_slice().unwrap()[len - 1] = 1;
            Live::Owned(m)
        } else {
            let r = mmap_anonymous(len, Prot::READ | Prot::WRITE, MapFlags::PRIVATE).unwrap();
            // SAFETY: live, writable, referenced only here.
            unsafe { r.as_mut_slice()[0] = 2 };
            Live::Raw(r)
        };
        // The newest mapping, at once: the kernel often placed it over a
        // range another thread is just unmapping, whose record is on its
        // way out.
        let (p, n) = match &m {
            Live::Owned(m) => (m.as_ptr(), m.len()),
            Live::Raw(r) => (r.as_ptr().cast_const(), r.len()),
        };
        let found = registry::lookup(p.wrapping_add(n - 1)).map(|i| i.as_ptr());
        assert_eq!(found, Some(p), "lookup of a new mapping {p:p}+{n}");
        live.push_back(m);
        if i % 97 == 0 {
            // Interior lookups of what this thread holds.
            for l in &live {
                let (p, n) = match l {
                    Live::Owned(m) => (m.as_ptr(), m.len()),
                    Live::Raw(r) => (r.as_ptr().cast_const(), r.len()),
                };
                let info = registry::lookup(p.wrapping_add(n / 2)).expect("live mapping recorded");
                assert_eq!(info.as_ptr(), p);
            }
        }
        if live.len() > 4 {
            match live.pop_front() {
                Some(Live::Owned(m)) => drop(m),
                Some(Live::Raw(r)) if i % 3 == 0 => {
                    // SAFETY: live; the slice is not used after the unmap.
                    let s = unsafe { r.as_slice() };
                    munmap_slice(s).unwrap();
                }
                Some(Live::Raw(r)) => {
                    munmap(r).unwrap();
                    if i % 1001 == 0 {
                        assert_eq!(munmap(r), Err(Errno::EINVAL));
                    }
                }
                None => {}
            }
        }
    }
    for l in live {
        if let Live::Raw(r) = l {
            munmap(r).unwrap();
        }
    }
}

fn run_threads(cycles: usize) {
    let threads: Vec<_> = (0..2u64)
        .map(|t| std::thread::spawn(move || churn(0x9e37_79b9_7f4a_7c15 ^ (t + 1), cycles)))
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

/// Lookups of live mappings never miss while another thread maps and
/// unmaps around them (the kernel reuses freed ranges at once, so stale
/// records and new mappings overlap all the time).
fn lookups_under_churn() {
    let page = bsd_mem::page_size();
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                churn(0x1234_5678, 1_000);
            }
        });
        let held: Vec<Mapping> = (0..64)
            .map(|i| Mapping::anonymous((1 + i % 16) * page).unwrap())
            .collect();
        for k in 0..200_000usize {
            let m = &held[k % held.len()];
            let off = (k * 7919) % m.len();
            let info = registry::lookup(m.as_ptr().wrapping_add(off));
            if info.map(|i| i.as_ptr()) != Some(m.as_ptr()) {
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
                panic!("lookup {k} of a live mapping at +{off} gave {info:?}");
            }
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
    });
}

#[test]
fn two_threads_map_and_unmap_and_everything_comes_back() {
    lookups_under_churn();
    assert_eq!(registry::stats(), registry::Stats::default());
    // A short warm-up before counting: the C library keeps the stacks of
    // finished threads and their malloc arenas mapped for reuse, which
    // would count as lines of /proc/self/maps.
    run_threads(1_000);
    assert_eq!(registry::stats(), registry::Stats::default());
    let maps_before = maps_lines();
    let fds_before = open_fds();

    run_threads(CYCLES);
    assert_eq!(registry::stats(), registry::Stats { count: 0, bytes: 0 });
    assert!(registry::mappings().is_empty());

    // File mappings (descriptors closed after mapping) come back too.
    let page = bsd_mem::page_size();
    let tmp = TempFile::new(&vec![1u8; 4 * page]);
    let mut held = Vec::new();
    for i in 0..8u64 {
        let file = tmp.open_rw();
        // SAFETY: only this test uses the file.
        held.push(unsafe { MapOptions::new(page).shared().offset(i * 100).map_file(&file) }.unwrap());
    }
    let s = registry::stats();
    assert_eq!(
        (s.count, s.bytes),
        (8, (0..8).map(|i| page + i * 100 % page).sum::<usize>())
    );
    assert_eq!(open_fds(), fds_before, "the mappings keep no descriptor open");
    drop(held);
    drop(tmp);

    assert_eq!(registry::stats(), registry::Stats::default());
    assert_eq!(maps_lines(), maps_before, "every mapping is gone from the kernel too");
    assert_eq!(open_fds(), fds_before);
}
