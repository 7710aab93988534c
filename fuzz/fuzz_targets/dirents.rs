//! Fuzz target `dirents`: the directory-record parser of every platform
//! layout (`bsd_fs::Dirents::with_layout`) on arbitrary bytes.
//!
//! The first input byte picks the layout (FreeBSD, DragonFly, NetBSD,
//! OpenBSD, Apple, Linux); the rest is the buffer. Checked on every input:
//! the parser ends within the number of records that fit, never panics,
//! yields names that lie inside the buffer, are non-empty and NUL-free,
//! stops for good after an error, and every record it accepts re-encodes
//! (`Layout::write_record`) into a record that parses back the same.
#![no_main]
use bsd_fs::{Dirents, Layout};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, buf)) = data.split_first() else { return };
    let layout = Layout::ALL[usize::from(pick) % Layout::ALL.len()];
    let range = buf.as_ptr_range();
    let max = buf.len() / (layout.name_offset() + 2) + 1;
    let mut it = Dirents::with_layout(buf, layout);
    let mut n = 0;
    let mut scratch = vec![0u8; 1 << 17];
    while let Some(r) = it.next() {
        n += 1;
        assert!(n <= max, "{layout:?}: more records than fit");
        let d = match r {
            Ok(d) => d,
            Err(e) => {
                assert_eq!(e, bsd_errno::Errno::EINVAL);
                assert!(it.next().is_none(), "{layout:?}: records after an error");
                break;
            }
        };
        let name = d.name().to_bytes_with_nul();
        assert!(name.len() >= 2, "{layout:?}: empty name");
        assert!(range.contains(&name.as_ptr()));
        assert!(range.contains(&(&name[name.len() - 1] as *const u8)));
        assert!(!d.name_bytes().contains(&0));
        // What was accepted re-encodes and parses back the same (the
        // encoder pads records to 8 bytes, so names within 8 bytes of the
        // d_reclen limit are beyond it).
        if d.name_bytes().len() > layout.max_name_len() {
            continue;
        }
        let len = layout
            .write_record(&mut scratch, d.ino(), 0, d.raw_type(), d.name_bytes())
            .expect("an accepted record re-encodes");
        let back = Dirents::with_layout(&scratch[..len], layout)
            .next()
            .expect("one record")
            .expect("the re-encoded record parses");
        assert_eq!(
            (back.ino(), back.raw_type(), back.name()),
            (d.ino(), d.raw_type(), d.name())
        );
    }
    assert!(Dirents::with_layout(buf, layout).count() <= max);
});
