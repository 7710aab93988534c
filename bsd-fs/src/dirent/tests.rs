//! The parser and encoder against byte fixtures of what each kernel writes,
//! and against corrupt buffers, for every layout on every host.

use super::*;

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// What a record parsed to: inode, type, raw d_type, name.
type Parsed = Result<(u64, FileType, u8, Vec<u8>)>;

fn parse_all(buf: &[u8], layout: Layout) -> Vec<Parsed> {
    Dirents::with_layout(buf, layout)
        .map(|r| r.map(|d| (d.ino(), d.file_type(), d.raw_type(), d.name_bytes().to_vec())))
        .collect()
}

/// The three records every fixture holds: `.` (ino 2), `..` (ino 1) and a
/// regular file `hello` (ino 0x1234).
fn expected() -> Vec<Parsed> {
    vec![
        Ok((2, FileType::Directory, 4, b".".to_vec())),
        Ok((1, FileType::Directory, 4, b"..".to_vec())),
        Ok((0x1234, FileType::Regular, 8, b"hello".to_vec())),
    ]
}

// Byte fixtures of what each kernel writes, built from the field values in
// the machine's byte order, so they hold on big-endian machines
// (powerpc64, sparc64, s390x) as on little-endian ones. Padding is filled
// with 0xaa where kernels leave it unwritten (Linux does not clear it; the
// parser must not look at it).
const P: u8 = 0xaa;

/// A `u64` field (d_fileno, d_ino, d_off, d_seekoff) as the kernel stores it.
fn q(v: u64) -> [u8; 8] {
    v.to_ne_bytes()
}

/// A `u16` field (d_reclen, d_namlen) as the kernel stores it.
fn h(v: u16) -> [u8; 2] {
    v.to_ne_bytes()
}

mod fixtures {
    use super::*;

    /// FreeBSD ≥ 12: d_fileno u64, d_off i64, d_reclen u16, d_type u8, pad,
    /// d_namlen u16, pad u16, name; records 8-aligned (GENERIC_DIRSIZ).
    pub fn freebsd() -> Vec<u8> {
        cat(&[
            &q(2),    // d_fileno
            &q(0x0c), // d_off
            &h(32),   // d_reclen = (24 + 1 + 1 + 7) & !7
            &[4, 0],  // d_type DT_DIR, pad
            &h(1),    // d_namlen
            &[0, 0],  // pad
            b".\0",
            &[0; 6],
            &q(1),
            &q(0x18),
            &h(32),
            &[4, 0],
            &h(2),
            &[0, 0],
            b"..\0",
            &[0; 5],
            &q(0x1234),
            &q(0x30),
            &h(32),
            &[8, 0],
            &h(5),
            &[0, 0],
            b"hello\0",
            &[0; 2],
        ])
    }

    /// DragonFly: d_fileno u64, d_namlen u16, d_type u8, pad[5], name; no
    /// d_reclen, records are _DIRENT_RECLEN(namlen) = (16 + n + 1 + 7) & !7.
    pub fn dragonfly() -> Vec<u8> {
        cat(&[
            &q(2),
            &h(1),
            &[4],
            &[0; 5],
            b".\0",
            &[0; 6], // 24 bytes
            &q(1),
            &h(2),
            &[4],
            &[0; 5],
            b"..\0",
            &[0; 5], // 24 bytes
            &q(0x1234),
            &h(5),
            &[8],
            &[0; 5],
            b"hello\0",
            &[0; 2], // 24 bytes
        ])
    }

    /// NetBSD: d_fileno u64, d_reclen u16, d_namlen u16, d_type u8, name at
    /// 13; records 8-aligned (_DIRENT_RECLEN).
    pub fn netbsd() -> Vec<u8> {
        cat(&[
            &q(2),
            &h(16), // (13 + 1 + 1 + 7) & !7
            &h(1),
            &[4],
            b".\0",
            &[P],
            &q(1),
            &h(16),
            &h(2),
            &[4],
            b"..\0",
            &q(0x1234),
            &h(24),
            &h(5),
            &[8],
            b"hello\0",
            &[P; 5],
        ])
    }

    /// OpenBSD: d_fileno u64, d_off i64, d_reclen u16, d_type u8,
    /// d_namlen u8, pad[4], name at 24; records 8-aligned (DIRENT_SIZE).
    pub fn openbsd() -> Vec<u8> {
        cat(&[
            &q(2),
            &q(0x0c),
            &h(32),
            &[4],
            &[1],
            &[0; 4],
            b".\0",
            &[0; 6],
            &q(1),
            &q(0x18),
            &h(32),
            &[4],
            &[2],
            &[0; 4],
            b"..\0",
            &[0; 5],
            &q(0x1234),
            &q(0x48),
            &h(32),
            &[8],
            &[5],
            &[0; 4],
            b"hello\0",
            &[0; 2],
        ])
    }

    /// Apple (64-bit inodes) as this crate's shim writes it: d_ino u64,
    /// d_seekoff u64, d_reclen u16, d_namlen u16, d_type u8, name at 21.
    pub fn apple() -> Vec<u8> {
        cat(&[
            &q(2),
            &q(1),  // d_seekoff: the entry count after it
            &h(24), // (21 + 1 + 1 + 7) & !7
            &h(1),
            &[4],
            b".\0",
            &[0],
            &q(1),
            &q(2),
            &h(24),
            &h(2),
            &[4],
            b"..\0",
            &q(0x1234),
            &q(3),
            &h(32),
            &h(5),
            &[8],
            b"hello\0",
            &[0; 5],
        ])
    }

    /// Linux getdents64: d_ino u64, d_off i64, d_reclen u16, d_type u8,
    /// name at 19; records 8-aligned, padding not cleared.
    pub fn linux() -> Vec<u8> {
        cat(&[
            &q(2),
            &q(0x04b2_008f_d98c_1dd4), // d_off: a hash cookie
            &h(24),
            &[4],
            b".\0",
            &[P; 3],
            &q(1),
            &q(0x2a0c_2144_123e_9c5b),
            &h(24),
            &[4],
            b"..\0",
            &[P; 2],
            &q(0x1234),
            &q(0x7fff_ffff_ffff_ffff),
            &h(32),
            &[8],
            b"hello\0",
            &[P; 7],
        ])
    }

    pub fn of(layout: Layout) -> Vec<u8> {
        match layout {
            Layout::FreeBsd => freebsd(),
            Layout::DragonFly => dragonfly(),
            Layout::NetBsd => netbsd(),
            Layout::OpenBsd => openbsd(),
            Layout::Apple => apple(),
            Layout::Linux => linux(),
        }
    }
}

#[test]
fn kernel_fixtures_parse() {
    for layout in Layout::ALL {
        let buf = fixtures::of(layout);
        assert_eq!(parse_all(&buf, layout), expected(), "{layout:?}");
    }
}

#[test]
fn encoder_writes_what_the_kernels_write() {
    // Apart from d_off cookies and padding, the encoder's records are the
    // kernels' records byte for byte.
    for layout in Layout::ALL {
        let fixture = fixtures::of(layout);
        let mut ours = vec![0u8; fixture.len()];
        let mut at = 0;
        for (d, off) in Dirents::with_layout(&fixture, layout).zip(1..) {
            let d = d.unwrap();
            at += layout
                .write_record(&mut ours[at..], d.ino(), off, d.raw_type(), d.name_bytes())
                .unwrap();
        }
        assert_eq!(at, fixture.len(), "{layout:?}");
        // Compare all bytes but d_off and the padding after each name.
        let f = layout.fields();
        let mut pos = 0;
        for r in Dirents::with_layout(&fixture, layout) {
            let r = r.unwrap();
            let n = r.name_bytes().len();
            let len = layout.record_len(n);
            for i in 0..f.name + n + 1 {
                if f.off.is_some_and(|o| (o..o + 8).contains(&i)) {
                    continue;
                }
                assert_eq!(ours[pos + i], fixture[pos + i], "{layout:?} record at {pos}, byte {i}");
            }
            pos += len;
        }
    }
}

#[test]
fn round_trip_every_layout() {
    let names: [&[u8]; 6] = [b".", b"..", b"a", b"\xff\xfe non-UTF-8", &[b'x'; 255], b"exactly-8"];
    for layout in Layout::ALL {
        let mut buf = vec![0u8; 4096];
        let mut at = 0;
        for (i, name) in names.iter().enumerate() {
            let len = layout.record_len(name.len());
            assert_eq!(len % 8, 0);
            let n = layout
                .write_record(&mut buf[at..], 100 + i as u64, i as i64, (i * 2) as u8, name)
                .unwrap();
            assert_eq!(n, len);
            at += n;
        }
        let got = parse_all(&buf[..at], layout);
        assert_eq!(got.len(), names.len(), "{layout:?}");
        for (i, (g, name)) in got.into_iter().zip(names).enumerate() {
            let (ino, ty, raw, n) = g.unwrap();
            assert_eq!(ino, 100 + i as u64);
            assert_eq!(raw, (i * 2) as u8);
            assert_eq!(ty, FileType::from_dtype(raw));
            assert_eq!(n, name);
        }
    }
}

#[test]
fn encoder_errors() {
    for layout in Layout::ALL {
        let mut buf = [0u8; 64];
        assert_eq!(layout.write_record(&mut buf, 1, 0, 8, b""), Err(Errno::EINVAL));
        assert_eq!(layout.write_record(&mut buf, 1, 0, 8, b"a\0b"), Err(Errno::EINVAL));
        let need = layout.record_len(3);
        assert_eq!(
            layout.write_record(&mut buf[..need - 1], 1, 0, 8, b"abc"),
            Err(Errno::EINVAL)
        );
        assert_eq!(layout.write_record(&mut buf[..need], 1, 0, 8, b"abc"), Ok(need));
        let long = vec![b'n'; layout.max_name_len() + 1];
        let mut big = vec![0u8; 1 << 17];
        assert_eq!(layout.write_record(&mut big, 1, 0, 8, &long), Err(Errno::ENAMETOOLONG));
        let max = &long[..layout.max_name_len()];
        let n = layout.write_record(&mut big, 1, 0, 8, max).unwrap();
        assert!(n <= usize::from(u16::MAX));
        let got = parse_all(&big[..n], layout);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].as_ref().unwrap().3, max, "{layout:?}");
    }
}

/// One valid record `hello` of `layout`, then the offsets of its fields.
fn one(layout: Layout) -> Vec<u8> {
    let mut buf = vec![0u8; layout.record_len(5)];
    layout.write_record(&mut buf, 9, 0, 8, b"hello").unwrap();
    buf
}

fn set_reclen(buf: &mut [u8], layout: Layout, v: u16) {
    let at = layout.fields().reclen.unwrap();
    buf[at..at + 2].copy_from_slice(&v.to_ne_bytes());
}

fn set_namlen(buf: &mut [u8], layout: Layout, v: usize) {
    match layout.fields().namlen {
        Some((at, 1)) => buf[at] = v as u8,
        Some((at, _)) => buf[at..at + 2].copy_from_slice(&(v as u16).to_ne_bytes()),
        None => panic!("{layout:?} has no d_namlen"),
    }
}

/// Asserts that `buf` yields exactly `ok` good records, then EINVAL, then
/// nothing.
fn assert_corrupt(buf: &[u8], layout: Layout, ok: usize, what: &str) {
    let mut it = Dirents::with_layout(buf, layout);
    for i in 0..ok {
        assert!(matches!(it.next(), Some(Ok(_))), "{layout:?} {what}: record {i}");
    }
    assert_eq!(
        it.next().map(|r| r.err()),
        Some(Some(Errno::EINVAL)),
        "{layout:?} {what}"
    );
    assert!(it.next().is_none(), "{layout:?} {what}: iteration must end");
    assert!(it.next().is_none(), "{layout:?} {what}: and stay ended");
}

#[test]
fn corrupt_reclen() {
    for layout in Layout::ALL {
        if layout.fields().reclen.is_none() {
            continue;
        }
        let good = one(layout);
        for (v, what) in [
            (0u16, "zero reclen"),
            (8, "reclen shorter than the header"),
            ((layout.name_offset() + 1) as u16, "reclen with no room for a name"),
            (good.len() as u16 + 8, "reclen past the buffer"),
            (u16::MAX, "huge reclen"),
        ] {
            let mut b = good.clone();
            set_reclen(&mut b, layout, v);
            assert_corrupt(&b, layout, 0, what);
            // After a good record too.
            let b2 = cat(&[&good, &b]);
            assert_corrupt(&b2, layout, 1, what);
        }
    }
}

#[test]
fn corrupt_names() {
    for layout in Layout::ALL {
        let good = one(layout);
        let name_at = layout.name_offset();
        if layout.fields().namlen.is_some() {
            // A name length past the record (and, for DragonFly, past the
            // buffer, since there the length makes the record length).
            let mut b = good.clone();
            set_namlen(&mut b, layout, good.len() - name_at);
            assert_corrupt(&b, layout, 0, "namlen past the record");
            let mut b = good.clone();
            set_namlen(&mut b, layout, 200);
            assert_corrupt(&b, layout, 0, "namlen far past the record");
            // An empty name.
            let mut b = good.clone();
            set_namlen(&mut b, layout, 0);
            assert_corrupt(&b, layout, 0, "namlen 0");
            // The length says 3 but there is no NUL after 3 bytes.
            let mut b = good.clone();
            set_namlen(&mut b, layout, 3);
            assert_corrupt(&b, layout, 0, "no NUL where namlen says");
            // A NUL inside the name.
            let mut b = good.clone();
            b[name_at + 2] = 0;
            assert_corrupt(&b, layout, 0, "NUL inside the name");
        } else {
            // Linux: no NUL anywhere in the record.
            let mut b = good.clone();
            for x in &mut b[name_at..] {
                *x = b'z';
            }
            assert_corrupt(&b, layout, 0, "no NUL in the record");
            // An empty name.
            let mut b = good.clone();
            b[name_at] = 0;
            assert_corrupt(&b, layout, 0, "empty name");
        }
        // The NUL terminator is the last byte of the buffer but the record
        // is cut short: the buffer ends inside the record.
        let cut = &good[..name_at + 6];
        assert_corrupt(cut, layout, 0, "buffer ends inside the record");
    }
}

#[test]
fn truncated_headers() {
    for layout in Layout::ALL {
        let good = one(layout);
        for n in 1..layout.name_offset() {
            assert_corrupt(&good[..n], layout, 0, "truncated header");
            let b = cat(&[&good, &good[..n]]);
            assert_corrupt(&b, layout, 1, "truncated second header");
        }
    }
}

#[test]
fn empty_buffer_is_no_records() {
    for layout in Layout::ALL {
        assert!(Dirents::with_layout(&[], layout).next().is_none());
    }
}

/// A deterministic random walk over corrupt buffers: the parser ends, never
/// panics, yields names inside the buffer and no more records than fit.
#[test]
fn random_buffers_terminate() {
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut rand = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    // Fewer rounds under Miri, which runs each one thousands of times slower.
    let rounds = if cfg!(miri) { 40 } else { 2000 };
    for layout in Layout::ALL {
        for round in 0..rounds {
            // Start from valid records and flip some bytes, or pure noise.
            let mut buf = Vec::new();
            if round % 3 != 0 {
                for k in 0..(rand() % 5) {
                    let name = vec![b'a' + (k as u8); 1 + (rand() % 20) as usize];
                    let mut r = vec![0u8; layout.record_len(name.len())];
                    layout
                        .write_record(&mut r, rand(), 0, (rand() % 16) as u8, &name)
                        .unwrap();
                    buf.extend_from_slice(&r);
                }
                for _ in 0..(rand() % 4) {
                    if !buf.is_empty() {
                        let i = (rand() as usize) % buf.len();
                        buf[i] = rand() as u8;
                    }
                }
                buf.truncate(buf.len() - (rand() as usize % (buf.len() + 1)).min(3));
            } else {
                buf = (0..(rand() % 200)).map(|_| rand() as u8).collect();
            }
            let range = buf.as_ptr_range();
            let max = buf.len() / (layout.name_offset() + 2) + 1;
            let mut n = 0;
            for r in Dirents::with_layout(&buf, layout) {
                n += 1;
                assert!(n <= max, "{layout:?}: too many records");
                if let Ok(d) = r {
                    let name = d.name().to_bytes_with_nul();
                    assert!(range.contains(&name.as_ptr()));
                    assert!(range.contains(&(name.last().unwrap() as *const u8)));
                    assert!(!name[..name.len() - 1].contains(&0));
                    assert!(!name.is_empty());
                }
            }
        }
    }
}

#[test]
fn file_types() {
    let all = [
        FileType::Fifo,
        FileType::CharDevice,
        FileType::Directory,
        FileType::BlockDevice,
        FileType::Regular,
        FileType::Symlink,
        FileType::Socket,
        FileType::Whiteout,
        FileType::Unknown,
    ];
    for t in all {
        assert_eq!(FileType::from_dtype(t.to_dtype()), t);
    }
    for v in [3u8, 5, 7, 9, 11, 13, 15, 200] {
        assert_eq!(FileType::from_dtype(v), FileType::Unknown);
    }
    assert_eq!(FileType::from_mode(libc::S_IFDIR | 0o755), FileType::Directory);
    assert_eq!(FileType::from_mode(libc::S_IFREG | 0o644), FileType::Regular);
    assert_eq!(FileType::from_mode(libc::S_IFLNK | 0o777), FileType::Symlink);
    assert_eq!(FileType::from_mode(libc::S_IFIFO), FileType::Fifo);
    assert_eq!(FileType::from_mode(libc::S_IFSOCK), FileType::Socket);
    assert_eq!(FileType::from_mode(libc::S_IFCHR), FileType::CharDevice);
    assert_eq!(FileType::from_mode(libc::S_IFBLK), FileType::BlockDevice);
    assert_eq!(FileType::from_mode(0), FileType::Unknown);
    assert!(FileType::Directory.is_dir() && FileType::Regular.is_file() && FileType::Symlink.is_symlink());
}

/// Our d_type table is the platform's.
#[cfg(target_os = "linux")]
#[test]
fn dtype_values_match_libc() {
    assert_eq!(dt::UNKNOWN, libc::DT_UNKNOWN);
    assert_eq!(dt::FIFO, libc::DT_FIFO);
    assert_eq!(dt::CHR, libc::DT_CHR);
    assert_eq!(dt::DIR, libc::DT_DIR);
    assert_eq!(dt::BLK, libc::DT_BLK);
    assert_eq!(dt::REG, libc::DT_REG);
    assert_eq!(dt::LNK, libc::DT_LNK);
    assert_eq!(dt::SOCK, libc::DT_SOCK);
}

#[test]
fn layout_offsets_match_the_table() {
    // Offsets of d_name: FreeBSD 24, DragonFly 16, NetBSD 13, OpenBSD 24,
    // Apple 21, Linux 19 (offsetof(struct dirent, d_name) on each).
    let want = [24, 16, 13, 24, 21, 19];
    for (layout, w) in Layout::ALL.into_iter().zip(want) {
        assert_eq!(layout.name_offset(), w, "{layout:?}");
    }
    assert_eq!(Layout::DragonFly.record_len(1), 24);
    assert_eq!(Layout::DragonFly.record_len(7), 24);
    assert_eq!(Layout::DragonFly.record_len(8), 32);
    assert_eq!(Layout::OpenBsd.max_name_len(), 255);
}

/// The layout this crate parses natively is the one `libc` declares.
#[test]
fn native_layout_matches_libc_dirent() {
    // offset_of! is 1.77; the workspace MSRV is 1.80.
    let off = core::mem::offset_of!(libc::dirent, d_name);
    #[cfg(target_os = "linux")]
    {
        // libc's Linux `dirent` is glibc's 64-bit layout, which is getdents64's.
        assert_eq!(
            core::mem::offset_of!(libc::dirent64, d_name),
            Layout::Linux.name_offset()
        );
        assert_eq!(core::mem::offset_of!(libc::dirent64, d_reclen), 16);
        assert_eq!(core::mem::offset_of!(libc::dirent64, d_type), 18);
    }
    #[cfg(not(target_os = "linux"))]
    assert_eq!(off, Layout::NATIVE.name_offset());
    let _ = off;
}

#[test]
fn dirent_accessors() {
    let buf = one(Layout::Linux);
    let d = Dirents::with_layout(&buf, Layout::Linux).next().unwrap().unwrap();
    assert_eq!(d.name(), c"hello");
    assert_eq!(d.file_name(), "hello");
    assert!(!d.is_dot_or_dotdot());
    let e = d.to_entry();
    assert_eq!(
        (e.ino(), e.file_type(), e.file_name()),
        (9, FileType::Regular, OsStr::new("hello"))
    );
    assert_eq!(e.into_file_name(), "hello");
    assert!(format!("{d:?}").contains("hello"));
    let it = Dirents::with_layout(&buf, Layout::Linux);
    assert_eq!(it.size_hint(), (1, Some(2)));
    assert_eq!(it.remaining().len(), buf.len());
}

/// The word-at-a-time NUL search against the obvious one, on every length
/// up to 40 and bytes chosen to trip the bit trick (0x01 and 0x80 next to
/// zeros, 0xff).
#[test]
fn first_nul_matches_a_byte_loop() {
    let alphabet = [0u8, 1, 0x80, 0xff, b'a', 0x7f, 0x81];
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let per_len = if cfg!(miri) { 10 } else { 500 };
    for len in 0..40 {
        for _ in 0..per_len {
            let v: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    // Mostly non-zero, so the zero lands anywhere.
                    let i = (seed % 20) as usize;
                    alphabet[if i < alphabet.len() { i } else { 4 }]
                })
                .collect();
            assert_eq!(first_nul(&v), v.iter().position(|&b| b == 0), "{v:?}");
        }
        // No zero at all, and a zero only at each position.
        let mut v = vec![0x01u8; len];
        assert_eq!(first_nul(&v), None);
        for i in 0..len {
            v[i] = 0;
            assert_eq!(first_nul(&v), Some(i));
            v[i] = 0x80;
        }
    }
}
