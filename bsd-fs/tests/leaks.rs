//! Descriptor accounting: every path that opens something closes it. One
//! test in its own binary, so no other test's descriptors are counted.
//! Linux only: the count comes from `/proc/self/fd` (FreeBSD's `/dev/fd`
//! shows only 0–2 without fdescfs).
#![cfg(target_os = "linux")]

mod common;

use bsd_errno::Errno;
use bsd_fs::{futimens, read_dirent, utimensat, utimes_nano, AtFlags, Dir, Dirents, Timespec, CWD};
use common::{open_fds, Scratch};
use std::os::fd::{AsFd, OwnedFd};

#[test]
fn no_descriptor_leaks() {
    let s = Scratch::new("leaks");
    for i in 0..50 {
        std::fs::write(s.join(format!("f{i}")), b"").unwrap();
    }
    std::fs::create_dir(s.join("sub")).unwrap();
    let baseline = open_fds();

    for _ in 0..20 {
        // Streams: read to the end, dropped half-way, rewound, owned.
        let mut d = Dir::open(s.path()).unwrap();
        assert_eq!(d.collect_names().unwrap().len(), 51);
        let mut d = Dir::open(s.path()).unwrap();
        d.set_buffer_size(Dir::MIN_BUFFER_SIZE);
        let _ = d.next_entry();
        d.rewind().unwrap();
        drop(d);
        let base = std::fs::File::open(s.path()).unwrap();
        let d = Dir::open_at(&base, "sub").unwrap().resolve_types(true);
        assert_eq!(d.into_iter().count(), 0);
        drop(base);

        // Failures that hold a descriptor for a moment.
        assert_eq!(Dir::open(s.join("missing")).err(), Some(Errno::ENOENT));
        assert_eq!(Dir::open(s.join("f1")).err(), Some(Errno::ENOTDIR));
        let file: OwnedFd = std::fs::File::open(s.join("f1")).unwrap().into();
        let mut d = Dir::from_fd(file).unwrap();
        assert_eq!(d.next_entry().map(|r| r.err()), Some(Some(Errno::ENOTDIR)));
        drop(d);

        // The raw call.
        let f = std::fs::File::open(s.path()).unwrap();
        let mut tiny = [0u8; 4];
        assert_eq!(read_dirent(f.as_fd(), &mut tiny), Err(Errno::EINVAL));
        let mut buf = vec![0u8; 4096];
        let n = read_dirent(f.as_fd(), &mut buf).unwrap();
        assert!(Dirents::new(&buf[..n]).count() > 2);
        drop(f);

        // Times.
        let t = [Timespec::NOW, Timespec::OMIT];
        utimes_nano(s.join("f2"), &t).unwrap();
        utimensat(CWD, s.join("f3"), &t, AtFlags::SYMLINK_NOFOLLOW).unwrap();
        let f = std::fs::File::open(s.join("f4")).unwrap();
        futimens(&f, &t).unwrap();
        drop(f);
    }
    assert_eq!(open_fds(), baseline);
}
