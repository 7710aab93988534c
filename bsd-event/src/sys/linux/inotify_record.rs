//! The records an inotify descriptor's `read` returns, walked without
//! trusting their lengths.
//!
//! The kernel writes a sequence of `struct inotify_event`: `i32 wd, u32
//! mask, u32 cookie, u32 len`, then `len` bytes of NUL-padded name (`len`
//! is 0 for an event about the watched object itself). This file needs
//! nothing but `core`, so the fuzz target `inotify_records` compiles it on
//! its own.

/// The size of the fixed part of a record.
pub(super) const HEADER: usize = 16;

/// One inotify record: the watch, what happened, and whether it names an
/// entry of a watched directory (then it is about that entry, not about
/// the directory itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Record {
    pub(super) wd: i32,
    pub(super) mask: u32,
    pub(super) named: bool,
}

fn word(bytes: &[u8], at: usize) -> Option<[u8; 4]> {
    bytes.get(at..at.checked_add(4)?)?.try_into().ok()
}

/// The records in `bytes`, in order. A record whose header or name runs
/// past the end stops the walk: nothing after it is read, and nothing
/// outside `bytes` ever is.
pub(super) fn parse(bytes: &[u8]) -> impl Iterator<Item = Record> + '_ {
    let mut off = 0usize;
    core::iter::from_fn(move || {
        let wd = i32::from_ne_bytes(word(bytes, off)?);
        let mask = u32::from_ne_bytes(word(bytes, off.checked_add(4)?)?);
        let len = u32::from_ne_bytes(word(bytes, off.checked_add(12)?)?);
        let next = off.checked_add(HEADER)?.checked_add(usize::try_from(len).ok()?)?;
        if next > bytes.len() {
            return None;
        }
        off = next;
        Some(Record {
            wd,
            mask,
            named: len > 0,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record as the kernel writes it, the name padded to 16 bytes.
    fn record(wd: i32, mask: u32, name: &[u8]) -> Vec<u8> {
        let len = name.len().div_ceil(16) * 16;
        let mut v = Vec::new();
        v.extend_from_slice(&wd.to_ne_bytes());
        v.extend_from_slice(&mask.to_ne_bytes());
        v.extend_from_slice(&7u32.to_ne_bytes());
        v.extend_from_slice(&(len as u32).to_ne_bytes());
        v.extend_from_slice(name);
        v.resize(HEADER + len, 0);
        v
    }

    #[test]
    fn parses_kernel_records() {
        let mut b = record(1, libc::IN_MODIFY, b"");
        b.extend(record(2, libc::IN_CREATE, b"new-file"));
        b.extend(record(-1, libc::IN_Q_OVERFLOW, b""));
        b.extend(record(1, libc::IN_ATTRIB, b"a-name-longer-than-sixteen"));
        let got: Vec<_> = parse(&b).map(|r| (r.wd, r.mask, r.named)).collect();
        assert_eq!(
            got,
            [
                (1, libc::IN_MODIFY, false),
                (2, libc::IN_CREATE, true),
                (-1, libc::IN_Q_OVERFLOW, false),
                (1, libc::IN_ATTRIB, true)
            ]
        );
    }

    #[test]
    fn truncation_stops_the_walk() {
        let mut b = record(1, libc::IN_MODIFY, b"");
        b.extend(record(2, libc::IN_CREATE, b"x"));
        // Every cut inside the second record leaves only the first.
        for cut in HEADER..b.len() {
            assert_eq!(parse(&b[..cut]).count(), 1, "cut at {cut}");
        }
        for cut in 0..HEADER {
            assert_eq!(parse(&b[..cut]).count(), 0, "cut at {cut}");
        }
        // A length that would run past the end (or overflow) stops it too.
        let mut bad = record(3, libc::IN_MODIFY, b"x");
        bad[12..16].copy_from_slice(&u32::MAX.to_ne_bytes());
        assert_eq!(parse(&bad).count(), 0);
        assert_eq!(parse(&[]).count(), 0);
    }
}
