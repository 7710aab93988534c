//! Pure arithmetic over addresses, lengths and offsets: range checks, page
//! alignment, and the per-page protection a registry record keeps.
//!
//! No system calls here; every function is tested on every host with page
//! sizes of 4 KiB (x86-64, most BSDs) and 16 KiB (Apple arm64).

use crate::sys::Off;
use crate::Prot;
use bsd_errno::{Errno, Result};
use std::ops::{Bound, RangeBounds};

/// Resolves `range` against a mapping of `len` bytes: `(start, end)` with
/// `start < end <= len`. An empty, reversed or out-of-bounds range is EINVAL.
pub(crate) fn resolve(range: &impl RangeBounds<usize>, len: usize) -> Result<(usize, usize)> {
    let start = match range.start_bound() {
        Bound::Included(&s) => s,
        Bound::Excluded(&s) => s.checked_add(1).ok_or(Errno::EINVAL)?,
        Bound::Unbounded => 0,
    };
    let end = match range.end_bound() {
        Bound::Included(&e) => e.checked_add(1).ok_or(Errno::EINVAL)?,
        Bound::Excluded(&e) => e,
        Bound::Unbounded => len,
    };
    if start >= end || end > len {
        return Err(Errno::EINVAL);
    }
    Ok((start, end))
}

/// Whether `x` is a multiple of `page` (a power of two).
#[inline]
pub(crate) const fn is_aligned(x: usize, page: usize) -> bool {
    x & (page - 1) == 0
}

/// `x` rounded up to a multiple of `page`, or `None` on overflow.
#[inline]
pub(crate) const fn round_up(x: usize, page: usize) -> Option<usize> {
    match x.checked_add(page - 1) {
        Some(y) => Some(y & !(page - 1)),
        None => None,
    }
}

/// A file offset split into the page-aligned offset to map and the number
/// of bytes between it and the requested offset.
#[inline]
pub(crate) const fn split_offset(offset: u64, page: usize) -> (u64, usize) {
    let delta = offset & (page as u64 - 1);
    (offset - delta, delta as usize)
}

/// Checks a mapping length: non-zero, and small enough that the kernel's
/// rounding to pages and a slice of it cannot overflow (ENOMEM, as the
/// kernel says for lengths it cannot place).
pub(crate) fn check_len(len: usize, page: usize) -> Result<()> {
    if len == 0 {
        return Err(Errno::EINVAL);
    }
    match round_up(len, page) {
        Some(r) if r <= isize::MAX as usize => Ok(()),
        _ => Err(Errno::ENOMEM),
    }
}

/// Checks a file offset for the raw call: page-aligned and representable
/// as the offset `mmap` takes (EINVAL otherwise).
pub(crate) fn check_offset(offset: u64, page: usize) -> Result<Off> {
    if split_offset(offset, page).1 != 0 {
        return Err(Errno::EINVAL);
    }
    Off::try_from(offset).map_err(|_| Errno::EINVAL)
}

/// The kernel range `(addr, len)` for bytes `start..end` of a mapping whose
/// visible part starts `delta` bytes into a kernel mapping at `base`.
///
/// With `align`, the start must be page-aligned (EINVAL otherwise) — except
/// that a range starting at the visible start reaches down to the kernel
/// mapping's start, since the `delta` bytes in between belong to the same
/// mapping and nobody else. The end needs no alignment: the kernel rounds
/// it up to the page, which stays inside the mapping.
pub(crate) fn kernel_range(
    base: usize,
    delta: usize,
    (start, end): (usize, usize),
    align: bool,
    page: usize,
) -> Result<(usize, usize)> {
    let kstart = if start == 0 { 0 } else { delta + start };
    let kend = delta + end;
    let addr = base + kstart;
    if align && !is_aligned(addr, page) {
        return Err(Errno::EINVAL);
    }
    Ok((addr, kend - kstart))
}

/// The protection of a mapping, page by page: one value while uniform,
/// else runs of pages (allocated only once a part of the mapping is
/// protected differently from the rest).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Protection {
    uniform: Prot,
    /// `(offset, prot)` run starts, ascending, the first at 0, neighbours
    /// different; empty while uniform.
    runs: Vec<(usize, Prot)>,
}

impl Protection {
    /// The whole mapping has `prot`.
    pub(crate) const fn new(prot: Prot) -> Self {
        Protection {
            uniform: prot,
            runs: Vec::new(),
        }
    }

    /// The protection at byte `off` of the mapping.
    pub(crate) fn at(&self, off: usize) -> Prot {
        match self.runs.iter().rev().find(|&&(s, _)| s <= off) {
            Some(&(_, p)) => p,
            None => self.uniform,
        }
    }

    /// Whether every page has the same protection.
    pub(crate) fn is_uniform(&self) -> bool {
        self.runs.is_empty()
    }

    /// What every page allows: the intersection of all runs.
    pub(crate) fn common(&self) -> Prot {
        self.runs.iter().fold(
            if self.runs.is_empty() {
                self.uniform
            } else {
                Prot::all() | Prot::from_bits_retain(!0)
            },
            |acc, &(_, p)| acc & p,
        )
    }

    /// Records `prot` for bytes `start..end` of a mapping of `total` bytes,
    /// as `mprotect` applies it: `start` page-aligned, `end` rounded up to
    /// the page (and clamped to `total`, itself a multiple of the page).
    pub(crate) fn set(&mut self, total: usize, start: usize, end: usize, prot: Prot, page: usize) {
        let end = round_up(end, page).unwrap_or(total).min(total);
        if start >= end {
            return;
        }
        if start == 0 && end == total {
            *self = Protection::new(prot);
            return;
        }
        if self.runs.is_empty() {
            self.runs.push((0, self.uniform));
        }
        let after = self.at(end);
        self.runs.retain(|&(s, _)| s < start || s > end);
        let i = self.runs.partition_point(|&(s, _)| s < start);
        self.runs.insert(i, (start, prot));
        if end < total && self.runs.get(i + 1).map_or(true, |&(s, _)| s != end) {
            self.runs.insert(i + 1, (end, after));
        }
        self.runs.dedup_by(|b, a| a.1 == b.1);
        if let [(_, p)] = self.runs[..] {
            *self = Protection::new(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGES: [usize; 2] = [4096, 16384];

    #[test]
    fn resolve_accepts_inside_and_rejects_the_rest() {
        assert_eq!(resolve(&(..), 10), Ok((0, 10)));
        assert_eq!(resolve(&(2..5), 10), Ok((2, 5)));
        assert_eq!(resolve(&(2..=9), 10), Ok((2, 10)));
        assert_eq!(resolve(&(3..), 10), Ok((3, 10)));
        assert_eq!(resolve(&(..=0), 10), Ok((0, 1)));
        let b = (Bound::Excluded(1), Bound::Included(3));
        assert_eq!(resolve(&b, 10), Ok((2, 4)));
        // Empty, reversed, past the end, overflowing.
        assert_eq!(resolve(&(5..5), 10), Err(Errno::EINVAL));
        #[allow(clippy::reversed_empty_ranges)]
        let rev = 6..5;
        assert_eq!(resolve(&rev, 10), Err(Errno::EINVAL));
        assert_eq!(resolve(&(0..11), 10), Err(Errno::EINVAL));
        assert_eq!(resolve(&(10..), 10), Err(Errno::EINVAL));
        assert_eq!(resolve(&(..=usize::MAX), 10), Err(Errno::EINVAL));
        let b = (Bound::Excluded(usize::MAX), Bound::Unbounded);
        assert_eq!(resolve(&b, 10), Err(Errno::EINVAL));
        assert_eq!(resolve(&(..), 0), Err(Errno::EINVAL));
    }

    #[test]
    fn alignment_helpers() {
        for page in PAGES {
            assert!(is_aligned(0, page) && is_aligned(page * 3, page));
            assert!(!is_aligned(page + 1, page));
            assert_eq!(round_up(1, page), Some(page));
            assert_eq!(round_up(page, page), Some(page));
            assert_eq!(round_up(usize::MAX, page), None);
            assert_eq!(split_offset(page as u64 * 2 + 7, page), (page as u64 * 2, 7));
            assert_eq!(split_offset(page as u64, page), (page as u64, 0));
        }
    }

    #[test]
    fn lengths_and_offsets() {
        for page in PAGES {
            assert_eq!(check_len(0, page), Err(Errno::EINVAL));
            assert_eq!(check_len(1, page), Ok(()));
            assert_eq!(check_len(usize::MAX, page), Err(Errno::ENOMEM));
            assert_eq!(check_len(isize::MAX as usize, page), Err(Errno::ENOMEM));
            assert_eq!(check_offset(0, page), Ok(0));
            assert_eq!(check_offset(page as u64 * 5, page), Ok(page as Off * 5));
            assert_eq!(check_offset(1, page), Err(Errno::EINVAL));
            assert_eq!(check_offset(page as u64 / 2, page), Err(Errno::EINVAL));
            let huge = (u64::MAX / page as u64) * page as u64;
            assert_eq!(check_offset(huge, page), Err(Errno::EINVAL));
            // Just past the offset type: EINVAL, never the low bits. It is
            // 64-bit everywhere (glibc's 32-bit targets through `mmap64`).
            assert_eq!(Off::MAX, i64::MAX);
            let past = u64::try_from(Off::MAX).unwrap() + 1;
            assert_eq!(check_offset(past, page), Err(Errno::EINVAL));
            let last = u64::try_from(Off::MAX).unwrap() / page as u64 * page as u64;
            assert_eq!(check_offset(last, page).map(|o| o as u64), Ok(last));
            let four_gib = 1u64 << 32;
            assert_eq!(check_offset(four_gib, page), Ok(1 << 32));
            // The length near the top of the address space, every page size.
            assert_eq!(check_len(usize::MAX - page + 1, page), Err(Errno::ENOMEM));
            assert_eq!(check_len(isize::MAX as usize - page + 1, page), Ok(()));
        }
    }

    #[test]
    fn kernel_ranges() {
        for page in PAGES {
            let base = page * 100;
            // No delta: the start must be aligned, the end need not be.
            assert_eq!(kernel_range(base, 0, (0, 10), true, page), Ok((base, 10)));
            assert_eq!(
                kernel_range(base, 0, (page, page + 1), true, page),
                Ok((base + page, 1))
            );
            assert_eq!(kernel_range(base, 0, (1, 10), true, page), Err(Errno::EINVAL));
            assert_eq!(kernel_range(base, 0, (1, 10), false, page), Ok((base + 1, 9)));
            // A delta of 100: the visible start reaches down to the kernel
            // start; later starts must be aligned in the address space.
            assert_eq!(kernel_range(base, 100, (0, 10), true, page), Ok((base, 110)));
            assert_eq!(
                kernel_range(base, 100, (page - 100, page), true, page),
                Ok((base + page, 100))
            );
            assert_eq!(
                kernel_range(base, 100, (page, page + 1), true, page),
                Err(Errno::EINVAL)
            );
            assert_eq!(
                kernel_range(base, 100, (page, page + 1), false, page),
                Ok((base + page + 100, 1))
            );
        }
    }

    #[test]
    fn protection_runs() {
        let rw = Prot::READ | Prot::WRITE;
        for page in PAGES {
            let total = 8 * page;
            let mut p = Protection::new(rw);
            assert!(p.is_uniform());
            assert_eq!(p.common(), rw);
            // Middle pages 2..4 read-only.
            p.set(total, 2 * page, 4 * page, Prot::READ, page);
            assert!(!p.is_uniform());
            assert_eq!(p.at(0), rw);
            assert_eq!(p.at(2 * page), Prot::READ);
            assert_eq!(p.at(4 * page - 1), Prot::READ);
            assert_eq!(p.at(4 * page), rw);
            assert_eq!(p.common(), Prot::READ);
            // An unaligned end covers its whole page.
            p.set(total, 6 * page, 6 * page + 1, Prot::empty(), page);
            assert_eq!(p.at(7 * page - 1), Prot::empty());
            assert_eq!(p.at(7 * page), rw);
            assert_eq!(p.common(), Prot::empty());
            // The tail, to the end.
            p.set(total, 7 * page, total, Prot::READ, page);
            assert_eq!(p.at(total - 1), Prot::READ);
            // Overlapping several runs, then restoring everything piecewise.
            p.set(total, page, 7 * page, rw, page);
            assert_eq!(p.at(page), rw);
            assert_eq!(p.at(6 * page), rw);
            assert_eq!(p.at(7 * page), Prot::READ);
            p.set(total, 7 * page, total, rw, page);
            assert!(p.is_uniform(), "equal neighbours merge back into one: {p:?}");
            assert_eq!(p, Protection::new(rw));
            // The whole mapping at once resets the runs.
            p.set(total, 0, page, Prot::READ, page);
            p.set(total, 0, total, Prot::EXEC, page);
            assert_eq!(p, Protection::new(Prot::EXEC));
            // An empty range changes nothing.
            p.set(total, page, page, Prot::READ, page);
            assert_eq!(p, Protection::new(Prot::EXEC));
        }
    }
}
