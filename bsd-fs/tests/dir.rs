//! `Dir`, `read_dirent` and `Dirents` against real directories.

mod common;

use bsd_errno::Errno;
use bsd_fs::{read_dirent, Dir, DirEntry, Dirents, FileType, Layout};
use common::Scratch;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{OsStr, OsString};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{symlink, DirEntryExt};
use std::path::Path;

type Listing = BTreeMap<OsString, (u64, FileType)>;

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `c` is a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo {path:?}");
}

/// Every kind of entry a test directory can hold without privileges (and a
/// character device when running as root).
fn populate(dir: &Path, files: usize) -> usize {
    for i in 0..files {
        std::fs::write(dir.join(format!("file-{i:05}")), b"").unwrap();
    }
    let mut n = files;
    for i in 0..20 {
        std::fs::create_dir(dir.join(format!("sub-{i}"))).unwrap();
        symlink(format!("file-{i:05}"), dir.join(format!("link-{i}"))).unwrap();
        n += 2;
    }
    symlink("does-not-exist", dir.join("dangling")).unwrap();
    mkfifo(&dir.join("fifo"));
    let _sock = std::os::unix::net::UnixListener::bind(dir.join("socket")).unwrap();
    std::fs::write(dir.join("n".repeat(255)), b"").unwrap();
    std::fs::write(dir.join("sp ace\ttab\nnewline"), b"").unwrap();
    n += 5;
    // APFS and HFS+ refuse names that are not UTF-8 (EILSEQ).
    if cfg!(not(target_vendor = "apple")) {
        std::fs::write(dir.join(OsStr::from_bytes(NOT_UTF8)), b"").unwrap();
        n += 1;
    }
    n
}

/// A name that is not UTF-8 (not on Apple, whose file systems refuse it).
const NOT_UTF8: &[u8] = b"\xff\xfe not utf-8 \x80";

/// The buffer size `Dir::buffer_size` reports after asking for `size`: 0 on
/// Apple, where `readdir` keeps its own buffer.
fn reported_buffer_size(size: usize) -> usize {
    if cfg!(target_vendor = "apple") {
        0
    } else {
        size
    }
}

/// What `std::fs::read_dir` + `symlink_metadata` see.
fn std_listing(dir: &Path) -> Listing {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let t = std::fs::symlink_metadata(e.path()).unwrap().file_type();
            (e.file_name(), (e.ino(), FileType::from(t)))
        })
        .collect()
}

fn dir_listing(dir: &mut Dir) -> Listing {
    let mut out = Listing::new();
    while let Some(e) = dir.next_entry() {
        let e = e.unwrap();
        let old = out.insert(e.file_name().to_owned(), (e.ino(), e.file_type()));
        assert!(old.is_none(), "{:?} seen twice", e.file_name());
    }
    out
}

/// Everything `read_dirent` + `Dirents` yield, dots included.
fn raw_listing(fd: std::os::fd::BorrowedFd<'_>, buf_size: usize) -> Listing {
    let mut buf = vec![0u8; buf_size];
    let mut out = Listing::new();
    loop {
        let n = read_dirent(fd, &mut buf).unwrap();
        if n == 0 {
            break;
        }
        assert!(n <= buf.len());
        for e in Dirents::new(&buf[..n]) {
            let e = e.unwrap();
            assert_eq!(e.file_type(), FileType::from_dtype(e.raw_type()));
            let old = out.insert(e.file_name().to_owned(), (e.ino(), e.file_type()));
            assert!(old.is_none(), "{:?} seen twice", e.file_name());
        }
        // The native layout is the one the kernel wrote.
        assert_eq!(
            Dirents::new(&buf[..n]).count(),
            Dirents::with_layout(&buf[..n], Layout::NATIVE).count()
        );
    }
    out
}

fn check_big_directory(base: &Scratch) {
    let dir = base.path();
    let total = populate(dir, 10_000);
    let want = std_listing(dir);
    assert_eq!(want.len(), total);
    let kinds: BTreeSet<FileType> = want.values().map(|v| v.1).collect();
    assert!(kinds.is_superset(
        &[
            FileType::Regular,
            FileType::Directory,
            FileType::Symlink,
            FileType::Fifo,
            FileType::Socket
        ]
        .into()
    ));

    // Dir, with the default buffer, the smallest and a large one.
    for size in [None, Some(Dir::MIN_BUFFER_SIZE), Some(1 << 20)] {
        let mut d = Dir::open(dir).unwrap();
        if let Some(s) = size {
            d.set_buffer_size(s);
            assert_eq!(d.buffer_size(), reported_buffer_size(s));
        } else {
            assert_eq!(d.buffer_size(), reported_buffer_size(Dir::DEFAULT_BUFFER_SIZE));
        }
        assert_eq!(dir_listing(&mut d), want, "buffer {size:?}");
        // The end stays the end.
        assert!(d.next_entry().is_none());
        assert!(d.next_entry().is_none());
    }

    // Asking fstatat for unknown types changes nothing where the kernel says.
    let mut d = Dir::open(dir).unwrap().resolve_types(true);
    assert_eq!(dir_listing(&mut d), want);

    // The owned conveniences.
    let mut d = Dir::open(dir).unwrap();
    let names: BTreeSet<OsString> = d.collect_names().unwrap().into_iter().collect();
    assert_eq!(names, want.keys().cloned().collect());
    d.rewind().unwrap();
    let entries = d.collect_entries().unwrap();
    let got: Listing = entries
        .iter()
        .map(|e| (e.file_name().to_owned(), (e.ino(), e.file_type())))
        .collect();
    assert_eq!(got, want);
    let owned: Vec<DirEntry> = Dir::open(dir).unwrap().into_iter().collect::<Result<_, _>>().unwrap();
    assert_eq!(owned.len(), want.len());

    // read_dirent + Dirents: the same plus `.` and `..`.
    let f = std::fs::File::open(dir).unwrap();
    for size in [4096, 65536] {
        use std::os::unix::fs::MetadataExt;
        let fd = std::os::fd::AsRawFd::as_raw_fd(&f);
        // SAFETY: lseek on an open descriptor touches no memory.
        let at = unsafe { libc::lseek(fd, 0, libc::SEEK_SET) };
        assert_eq!(at, 0);
        let mut raw = raw_listing(f.as_fd(), size);
        let dot = raw.remove(OsStr::new(".")).unwrap();
        let dotdot = raw.remove(OsStr::new("..")).unwrap();
        assert_eq!(dot, (std::fs::metadata(dir).unwrap().ino(), FileType::Directory));
        assert_eq!(dotdot.1, FileType::Directory);
        assert_eq!(raw, want);
    }

    // Dots on request.
    let mut d = Dir::open(dir).unwrap().include_dots(true);
    let with_dots = dir_listing(&mut d);
    assert_eq!(with_dots.len(), want.len() + 2);
    assert!(with_dots.contains_key(OsStr::new(".")) && with_dots.contains_key(OsStr::new("..")));

    // The awkward names came through byte for byte.
    assert!(want.contains_key(OsStr::from_bytes(&[b'n'; 255])));
    if cfg!(not(target_vendor = "apple")) {
        assert!(want.contains_key(OsStr::from_bytes(NOT_UTF8)));
    }
}

#[test]
fn big_directory_matches_std() {
    check_big_directory(&Scratch::new("big"));
}

#[test]
fn big_directory_matches_std_on_tmpfs() {
    match Scratch::tmpfs("big") {
        Some(s) => check_big_directory(&s),
        None => eprintln!("no /dev/shm here: the ext4 variant covers this"),
    }
}

#[test]
fn rewind_restarts() {
    let s = Scratch::new("rewind");
    populate(s.path(), 500);
    let want = std_listing(s.path());
    let mut d = Dir::open(s.path()).unwrap();
    d.set_buffer_size(Dir::MIN_BUFFER_SIZE);
    let mut first = Vec::new();
    for _ in 0..100 {
        first.push(d.next_entry().unwrap().unwrap().file_name().to_owned());
    }
    d.rewind().unwrap();
    let all = dir_listing(&mut d);
    assert_eq!(all, want);
    // Same order after a rewind.
    d.rewind().unwrap();
    for name in &first {
        assert_eq!(d.next_entry().unwrap().unwrap().file_name(), name);
    }
    // Rewind after the end.
    while d.next_entry().is_some() {}
    d.rewind().unwrap();
    assert_eq!(dir_listing(&mut d), want);
}

#[test]
fn changing_the_buffer_keeps_unread_entries() {
    let s = Scratch::new("resize");
    populate(s.path(), 300);
    let want = std_listing(s.path());
    let mut d = Dir::open(s.path()).unwrap();
    let mut got = Listing::new();
    for _ in 0..7 {
        let e = d.next_entry().unwrap().unwrap();
        got.insert(e.file_name().to_owned(), (e.ino(), e.file_type()));
    }
    d.set_buffer_size(Dir::MIN_BUFFER_SIZE);
    got.extend(dir_listing(&mut d));
    assert_eq!(got, want);
    // Below the minimum is raised to it; above i32::MAX lowered to it.
    let mut d = Dir::open(s.path()).unwrap();
    d.set_buffer_size(1);
    assert_eq!(d.buffer_size(), reported_buffer_size(Dir::MIN_BUFFER_SIZE));
    d.set_buffer_size(usize::MAX);
    assert_eq!(d.buffer_size(), reported_buffer_size(i32::MAX as usize));
    // Not allocated until a read: a huge size costs nothing until then;
    // back to a sane size, the stream reads as before.
    d.set_buffer_size(Dir::DEFAULT_BUFFER_SIZE);
    assert_eq!(dir_listing(&mut d), want);
}

#[test]
fn empty_directory() {
    let s = Scratch::new("empty");
    let mut d = Dir::open(s.path()).unwrap();
    assert!(d.next_entry().is_none());
    assert!(d.collect_names().unwrap().is_empty());
    let mut d = Dir::open(s.path()).unwrap().include_dots(true);
    let names: BTreeSet<_> = d.collect_names().unwrap().into_iter().collect();
    assert_eq!(names, [OsString::from("."), OsString::from("..")].into());
    let f = std::fs::File::open(s.path()).unwrap();
    let raw = raw_listing(f.as_fd(), 1024);
    assert_eq!(raw.keys().collect::<Vec<_>>(), [OsStr::new("."), OsStr::new("..")]);
    let mut buf = [0u8; 1024];
    assert_eq!(read_dirent(&f, &mut buf), Ok(0), "the end stays the end");
}

#[test]
fn buffer_smaller_than_one_record_is_einval() {
    let s = Scratch::new("small");
    let long = "L".repeat(255);
    std::fs::write(s.join(&long), b"").unwrap();
    let f = std::fs::File::open(s.path()).unwrap();
    let mut empty: [u8; 0] = [];
    assert_eq!(read_dirent(f.as_fd(), &mut empty), Err(Errno::EINVAL));
    let mut tiny = [0u8; 8];
    assert_eq!(read_dirent(f.as_fd(), &mut tiny), Err(Errno::EINVAL));
    // 64 bytes hold `.` and `..` but never the 255-byte name's record.
    let mut small = [0u8; 64];
    let mut seen = Vec::new();
    let err = loop {
        match read_dirent(f.as_fd(), &mut small) {
            Ok(0) => panic!("reached the end without the long name; saw {seen:?}"),
            Ok(n) => seen.extend(Dirents::new(&small[..n]).map(|e| e.unwrap().file_name().to_owned())),
            Err(e) => break e,
        }
    };
    assert_eq!(err, Errno::EINVAL);
    assert!(seen.iter().all(|n| n == "." || n == ".."), "{seen:?}");
    // A buffer that fits it then reads it.
    let mut big = vec![0u8; 4096];
    let mut rest = Vec::new();
    loop {
        let n = read_dirent(f.as_fd(), &mut big).unwrap();
        if n == 0 {
            break;
        }
        rest.extend(Dirents::new(&big[..n]).map(|e| e.unwrap().file_name().to_owned()));
    }
    assert!(rest.contains(&OsString::from(&long)), "{rest:?}");
}

/// Files created and removed while a `Dir` reads: no error, and every
/// entry that existed throughout is seen exactly once.
fn check_churn(s: &Scratch) {
    let dir = s.path();
    let stable: BTreeSet<OsString> = (0..3000).map(|i| OsString::from(format!("stable-{i:04}"))).collect();
    for n in &stable {
        std::fs::write(dir.join(n), b"").unwrap();
    }
    let mut live: Vec<OsString> = Vec::new();
    let mut made = 0usize;
    let mut seen: BTreeMap<OsString, usize> = BTreeMap::new();
    let mut d = Dir::open(dir).unwrap();
    d.set_buffer_size(Dir::MIN_BUFFER_SIZE);
    let mut i = 0;
    loop {
        let name = match d.next_entry() {
            None => break,
            Some(e) => e.unwrap().file_name().to_owned(),
        };
        *seen.entry(name).or_default() += 1;
        i += 1;
        if i % 25 == 0 {
            for _ in 0..10 {
                let n = OsString::from(format!("churn-{made:05}"));
                std::fs::write(dir.join(&n), b"").unwrap();
                live.push(n);
                made += 1;
            }
            // Remove the older half of the live churn files.
            for n in live.drain(..live.len() / 2) {
                std::fs::remove_file(dir.join(n)).unwrap();
            }
        }
    }
    assert!(made > 1000, "the test churned too little: {made}");
    for n in &stable {
        assert_eq!(seen.get(n), Some(&1), "{n:?}");
    }
    for (n, count) in &seen {
        assert!(
            stable.contains(n) || n.as_bytes().starts_with(b"churn-"),
            "unexpected {n:?}"
        );
        assert!(*count >= 1);
    }
}

#[test]
fn churn_while_iterating() {
    check_churn(&Scratch::new("churn"));
}

#[test]
fn churn_while_iterating_on_tmpfs() {
    match Scratch::tmpfs("churn") {
        Some(s) => check_churn(&s),
        None => eprintln!("no /dev/shm here: the ext4 variant covers this"),
    }
}

#[test]
fn open_errors() {
    let s = Scratch::new("errors");
    std::fs::write(s.join("file"), b"x").unwrap();
    assert_eq!(Dir::open(s.join("missing")).err(), Some(Errno::ENOENT));
    assert_eq!(Dir::open(s.join("file")).err(), Some(Errno::ENOTDIR));
    assert_eq!(Dir::open("bad\0path").err(), Some(Errno::EINVAL));
    let long_nul = format!("{}\0x", "p/".repeat(300));
    assert_eq!(Dir::open(long_nul).err(), Some(Errno::EINVAL));
    assert_eq!(Dir::open(s.join("n".repeat(300))).err(), Some(Errno::ENAMETOOLONG));

    // A descriptor that is not a directory fails at the first read, once;
    // on Apple `fdopendir` refuses it at once.
    let file: OwnedFd = std::fs::File::open(s.join("file")).unwrap().into();
    if cfg!(target_vendor = "apple") {
        assert_eq!(Dir::from_fd(file).err(), Some(Errno::ENOTDIR));
    } else {
        let mut d = Dir::from_fd(file).unwrap();
        assert_eq!(d.next_entry().map(|r| r.err()), Some(Some(Errno::ENOTDIR)));
        assert!(d.next_entry().is_none());
    }
    let file = std::fs::File::open(s.join("file")).unwrap();
    let mut buf = [0u8; 1024];
    assert_eq!(read_dirent(file.as_fd(), &mut buf), Err(Errno::ENOTDIR));

    // A symbolic-link loop.
    symlink("loop-b", s.join("loop-a")).unwrap();
    symlink("loop-a", s.join("loop-b")).unwrap();
    assert_eq!(Dir::open(s.join("loop-a")).err(), Some(Errno::ELOOP));
    // A directory descriptor that is a file, with a relative path.
    let file = std::fs::File::open(s.join("file")).unwrap();
    assert_eq!(Dir::open_at(&file, "x").err(), Some(Errno::ENOTDIR));
}

/// A descriptor not open for reading (Linux O_PATH) cannot be read.
#[cfg(target_os = "linux")]
#[test]
fn read_dirent_needs_a_readable_descriptor() {
    use std::os::unix::fs::OpenOptionsExt;
    let s = Scratch::new("opath");
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH | libc::O_DIRECTORY)
        .open(s.path())
        .unwrap();
    let mut buf = [0u8; 1024];
    assert_eq!(read_dirent(f.as_fd(), &mut buf), Err(Errno::EBADF));
    let mut d = Dir::from_fd(f.into()).unwrap();
    assert_eq!(d.next_entry().map(|r| r.err()), Some(Some(Errno::EBADF)));
}

#[test]
fn open_at_and_from_fd() {
    let s = Scratch::new("openat");
    std::fs::create_dir(s.join("inner")).unwrap();
    std::fs::write(s.join("inner/a"), b"").unwrap();
    let base = std::fs::File::open(s.path()).unwrap();
    let mut d = Dir::open_at(&base, "inner").unwrap();
    assert_eq!(d.collect_names().unwrap(), [OsString::from("a")]);
    assert_eq!(Dir::open_at(&base, "nope").err(), Some(Errno::ENOENT));
    let fd: OwnedFd = std::fs::File::open(s.join("inner")).unwrap().into();
    let mut d = Dir::from_fd(fd).unwrap();
    assert_eq!(d.collect_names().unwrap(), [OsString::from("a")]);
    assert!(format!("{d:?}").contains("Dir"));
    // An absolute path ignores the directory descriptor.
    let mut d = Dir::open_at(&base, s.join("inner")).unwrap();
    assert_eq!(d.collect_names().unwrap(), [OsString::from("a")]);
}

#[test]
fn file_type_at_asks_fstatat_for_unknown_types() {
    let s = Scratch::new("unknown");
    std::fs::create_dir(s.join("d")).unwrap();
    std::fs::write(s.join("f"), b"").unwrap();
    symlink("f", s.join("l")).unwrap();
    mkfifo(&s.join("p"));
    // Records as a file system that leaves d_type unknown writes them.
    let mut buf = vec![0u8; 512];
    let mut n = 0;
    for name in ["d", "f", "l", "p", "gone"] {
        n += Layout::NATIVE
            .write_record(&mut buf[n..], 1, 0, 0, name.as_bytes())
            .unwrap();
    }
    let dirfd = std::fs::File::open(s.path()).unwrap();
    let got: Vec<_> = Dirents::new(&buf[..n])
        .map(|e| {
            let e = e.unwrap();
            assert_eq!(e.file_type(), FileType::Unknown);
            e.file_type_at(&dirfd)
        })
        .collect();
    assert_eq!(
        got,
        [
            Ok(FileType::Directory),
            Ok(FileType::Regular),
            Ok(FileType::Symlink),
            Ok(FileType::Fifo),
            Err(Errno::ENOENT)
        ]
    );
    // A known type needs no system call (and so no directory).
    let mut one = [0u8; 64];
    let k = Layout::NATIVE
        .write_record(&mut one, 1, 0, FileType::Socket.to_dtype(), b"whatever")
        .unwrap();
    let e = Dirents::new(&one[..k]).next().unwrap().unwrap();
    let not_a_dir = std::fs::File::open(s.join("f")).unwrap();
    assert_eq!(e.file_type_at(&not_a_dir), Ok(FileType::Socket));
}

#[test]
fn owned_entries_outlive_the_dir() {
    let s = Scratch::new("owned");
    std::fs::write(s.join("x"), b"").unwrap();
    let entries: Vec<DirEntry> = {
        let d = Dir::open(s.path()).unwrap();
        let it = d.into_iter();
        assert!(it.dir().as_fd().try_clone_to_owned().is_ok());
        it.collect::<Result<_, _>>().unwrap()
    };
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].file_name(), "x");
    assert_eq!(entries[0].file_type(), FileType::Regular);
    assert_eq!(entries[0].clone().into_file_name().into_vec(), b"x");
}

#[test]
fn dir_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Dir>();
    check::<bsd_fs::IntoEntries>();
    check::<Dirents<'static>>();
    // A Dir read on another thread.
    let s = Scratch::new("thread");
    std::fs::write(s.join("t"), b"").unwrap();
    let mut d = Dir::open(s.path()).unwrap();
    let names = std::thread::spawn(move || d.collect_names().unwrap()).join().unwrap();
    assert_eq!(names, [OsString::from("t")]);
}
