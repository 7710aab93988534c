//! File times against the real kernel, read back with `std::fs::metadata`.

mod common;

use bsd_errno::Errno;
use bsd_fs::{futimens, futimes, utimensat, utimes, utimes_nano, AtFlags, Timespec, Timeval, CWD};
use common::Scratch;
use std::os::unix::fs::{symlink, MetadataExt};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn times(path: &Path) -> ((i64, i64), (i64, i64)) {
    let m = std::fs::metadata(path).unwrap();
    ((m.atime(), m.atime_nsec()), (m.mtime(), m.mtime_nsec()))
}

fn link_times(path: &Path) -> ((i64, i64), (i64, i64)) {
    let m = std::fs::symlink_metadata(path).unwrap();
    ((m.atime(), m.atime_nsec()), (m.mtime(), m.mtime_nsec()))
}

fn file(s: &Scratch, name: &str) -> std::path::PathBuf {
    let p = s.join(name);
    std::fs::write(&p, b"data").unwrap();
    p
}

#[test]
fn nanoseconds_come_back_exactly() {
    let s = Scratch::new("nano");
    let p = file(&s, "f");
    let a = Timespec::new(1_111_111_111, 123_456_789);
    let m = Timespec::new(1_222_222_222, 987_654_321);
    utimes_nano(&p, &[a, m]).unwrap();
    assert_eq!(times(&p), ((1_111_111_111, 123_456_789), (1_222_222_222, 987_654_321)));
    // Through SystemTime both ways.
    let t = UNIX_EPOCH + Duration::new(1_333_333_333, 1);
    utimes_nano(&p, &[t.try_into().unwrap(), t.try_into().unwrap()]).unwrap();
    let meta = std::fs::metadata(&p).unwrap();
    assert_eq!(meta.modified().unwrap(), t);
    assert_eq!(meta.accessed().unwrap(), t);
    // The last nanosecond of a second.
    utimes_nano(&p, &[Timespec::new(5, 999_999_999), Timespec::new(6, 0)]).unwrap();
    assert_eq!(times(&p), ((5, 999_999_999), (6, 0)));
}

#[test]
fn omit_leaves_a_time_unchanged() {
    let s = Scratch::new("omit");
    let p = file(&s, "f");
    utimes_nano(&p, &[Timespec::new(100, 1), Timespec::new(200, 2)]).unwrap();
    utimes_nano(&p, &[Timespec::OMIT, Timespec::new(300, 3)]).unwrap();
    assert_eq!(times(&p), ((100, 1), (300, 3)));
    utimes_nano(&p, &[Timespec::new(400, 4), Timespec::OMIT]).unwrap();
    assert_eq!(times(&p), ((400, 4), (300, 3)));
    // OMIT ignores whatever its seconds say.
    let odd = Timespec {
        sec: i64::MIN,
        ..Timespec::OMIT
    };
    utimes_nano(&p, &[odd, odd]).unwrap();
    assert_eq!(times(&p), ((400, 4), (300, 3)));
}

#[test]
fn now_is_now() {
    let s = Scratch::new("now");
    let p = file(&s, "f");
    utimes_nano(&p, &[Timespec::new(10, 0), Timespec::new(10, 0)]).unwrap();
    let before = SystemTime::now();
    utimes_nano(&p, &[Timespec::NOW, Timespec::OMIT]).unwrap();
    let after = SystemTime::now();
    let meta = std::fs::metadata(&p).unwrap();
    let atime = meta.accessed().unwrap();
    // The file system's clock is coarser than SystemTime's: allow a second.
    assert!(atime + Duration::from_secs(1) >= before && atime <= after + Duration::from_secs(1));
    assert_eq!(meta.mtime(), 10, "mtime was omitted");
    // NOW with garbage seconds.
    let now = Timespec {
        sec: -12345,
        ..Timespec::NOW
    };
    utimes_nano(&p, &[Timespec::OMIT, now]).unwrap();
    let mtime = std::fs::metadata(&p).unwrap().modified().unwrap();
    assert!(mtime + Duration::from_secs(1) >= before);
}

#[test]
fn symlink_nofollow_changes_the_link() {
    let s = Scratch::new("nofollow");
    let target = file(&s, "target");
    let link = s.join("link");
    symlink("target", &link).unwrap();
    utimes_nano(&target, &[Timespec::new(1000, 1), Timespec::new(2000, 2)]).unwrap();
    let target_before = times(&target);

    utimensat(
        CWD,
        &link,
        &[Timespec::new(3000, 3), Timespec::new(4000, 4)],
        AtFlags::SYMLINK_NOFOLLOW,
    )
    .unwrap();
    assert_eq!(link_times(&link), ((3000, 3), (4000, 4)));
    assert_eq!(times(&target), target_before, "the target must not change");

    // Without the flag, the target changes.
    utimensat(
        CWD,
        &link,
        &[Timespec::new(5000, 5), Timespec::new(6000, 6)],
        AtFlags::empty(),
    )
    .unwrap();
    assert_eq!(times(&target), ((5000, 5), (6000, 6)));
    // (Following the link may refresh its atime, as reading it does.)
    assert_eq!(link_times(&link).1, (4000, 4));

    // utimes_nano follows links.
    utimes_nano(&link, &[Timespec::new(7000, 7), Timespec::new(8000, 8)]).unwrap();
    assert_eq!(times(&target), ((7000, 7), (8000, 8)));
}

#[test]
fn utimensat_relative_to_a_directory() {
    let s = Scratch::new("at");
    file(&s, "f");
    let dir = std::fs::File::open(s.path()).unwrap();
    utimensat(
        &dir,
        "f",
        &[Timespec::new(11, 1), Timespec::new(22, 2)],
        AtFlags::empty(),
    )
    .unwrap();
    assert_eq!(times(&s.join("f")), ((11, 1), (22, 2)));
    assert_eq!(
        utimensat(&dir, "missing", &[Timespec::NOW, Timespec::NOW], AtFlags::empty()),
        Err(Errno::ENOENT)
    );
    // Unknown flag bits reach the kernel, which refuses them.
    let bogus = AtFlags::from_bits_retain(0x4000_0000);
    assert_eq!(
        utimensat(&dir, "f", &[Timespec::NOW, Timespec::NOW], bogus),
        Err(Errno::EINVAL)
    );
}

#[test]
fn futimens_on_an_open_file() {
    let s = Scratch::new("futimens");
    let p = file(&s, "f");
    let f = std::fs::File::open(&p).unwrap();
    futimens(&f, &[Timespec::new(123, 456), Timespec::new(789, 12)]).unwrap();
    assert_eq!(times(&p), ((123, 456), (789, 12)));
    futimens(&f, &[Timespec::OMIT, Timespec::new(790, 999_999_999)]).unwrap();
    assert_eq!(times(&p), ((123, 456), (790, 999_999_999)));
    assert_eq!(
        futimens(&f, &[Timespec::new(1, -1), Timespec::OMIT]),
        Err(Errno::EINVAL)
    );
}

#[test]
fn before_1970() {
    let s = Scratch::new("1969");
    let p = file(&s, "f");
    let t = UNIX_EPOCH - Duration::new(1, 500_000_000);
    let ts = Timespec::try_from(t).unwrap();
    assert_eq!(ts, Timespec::new(-2, 500_000_000));
    utimes_nano(&p, &[ts, ts]).unwrap();
    assert_eq!(times(&p), ((-2, 500_000_000), (-2, 500_000_000)));
    assert_eq!(std::fs::metadata(&p).unwrap().modified().unwrap(), t);
    // 1901, near the bottom of a 32-bit time_t.
    let old = Timespec::new(-2_147_483_000, 7);
    utimes_nano(&p, &[old, old]).unwrap();
    assert_eq!(times(&p).1, (-2_147_483_000, 7));
    // Microseconds too.
    utimes(&p, &[Timeval::new(-1, 999_999), Timeval::new(-100, 1)]).unwrap();
    assert_eq!(times(&p), ((-1, 999_999_000), (-100, 1000)));
}

#[test]
fn bad_times_are_refused_before_the_kernel() {
    let s = Scratch::new("bad");
    let p = file(&s, "f");
    utimes_nano(&p, &[Timespec::new(50, 5), Timespec::new(60, 6)]).unwrap();
    let f = std::fs::File::open(&p).unwrap();
    // Not -1 or -2: those are UTIME_NOW/UTIME_OMIT on FreeBSD, DragonFly,
    // Apple and OpenBSD, i.e. `Timespec::NOW`/`OMIT` there, not errors.
    for bad in [
        Timespec::new(0, 1_000_000_000),
        Timespec::new(0, -3),
        Timespec::new(7, i64::MAX),
    ] {
        assert!(!bad.is_now() && !bad.is_omit());
        assert_eq!(utimes_nano(&p, &[bad, Timespec::OMIT]), Err(Errno::EINVAL));
        assert_eq!(utimes_nano(&p, &[Timespec::OMIT, bad]), Err(Errno::EINVAL));
        assert_eq!(utimensat(CWD, &p, &[bad, bad], AtFlags::empty()), Err(Errno::EINVAL));
        assert_eq!(futimens(&f, &[bad, Timespec::NOW]), Err(Errno::EINVAL));
    }
    for bad in [Timeval::new(0, 1_000_000), Timeval::new(0, -1)] {
        assert_eq!(utimes(&p, &[bad, Timeval::new(0, 0)]), Err(Errno::EINVAL));
        assert_eq!(futimes(&f, &[Timeval::new(0, 0), bad]), Err(Errno::EINVAL));
    }
    // Nothing was changed by the refused calls (not even half of them).
    assert_eq!(times(&p), ((50, 5), (60, 6)));
}

/// Seconds beyond `time_t`: on a 32-bit `time_t` they are EOVERFLOW before
/// the kernel (unit-tested in `time.rs` for every width); on a 64-bit one
/// every i64 fits and the kernel decides (Linux clamps to what the file
/// system stores). Either way, never a silent wrap into another time.
#[test]
fn seconds_beyond_time_t() {
    let s = Scratch::new("overflow");
    let p = file(&s, "f");
    let far = Timespec::new(i64::from(i32::MAX) + 1, 0);
    let r = utimes_nano(&p, &[far, far]);
    if core::mem::size_of::<libc::time_t>() == 4 {
        assert_eq!(r, Err(Errno::EOVERFLOW));
    } else {
        r.unwrap();
        // Stored as given: past 2038, not wrapped into 1901.
        assert_eq!(times(&p).1, (i64::from(i32::MAX) + 1, 0));
    }
}

/// `SystemTime`s far in the future and the past, as a user would pass
/// them: on a 32-bit `time_t` (i686) EOVERFLOW before the kernel, nothing
/// changed; on a 64-bit one the kernel takes them and the file system
/// clamps to what it stores — never a wrap to the other side of 1970.
#[test]
fn system_times_far_out() {
    let s = Scratch::new("far");
    let p = file(&s, "f");
    utimes_nano(&p, &[Timespec::new(50, 5), Timespec::new(60, 6)]).unwrap();
    let future = UNIX_EPOCH + Duration::from_secs(i64::MAX.unsigned_abs());
    let past = UNIX_EPOCH - Duration::from_secs(i64::MAX.unsigned_abs());
    let beyond_2038 = UNIX_EPOCH + Duration::from_secs(1 << 32);
    let cases = [
        (future, true),
        (past, false),
        (beyond_2038, true),
        (UNIX_EPOCH - Duration::from_secs(1 << 32), false),
    ];
    let narrow = core::mem::size_of::<libc::time_t>() == 4;
    for (t, ahead) in cases {
        let ts = Timespec::try_from(t).unwrap();
        let tv = Timeval::try_from(t).unwrap();
        let r1 = utimes_nano(&p, &[ts, ts]);
        let r2 = utimes(&p, &[tv, tv]);
        if narrow {
            assert_eq!(r1, Err(Errno::EOVERFLOW), "{ts:?}");
            assert_eq!(r2, Err(Errno::EOVERFLOW), "{tv:?}");
            assert_eq!(times(&p), ((50, 5), (60, 6)), "a refused call changed nothing");
        } else {
            r1.unwrap();
            r2.unwrap();
            let (_, (mtime, _)) = times(&p);
            if ahead {
                assert!(mtime > i64::from(i32::MAX), "{ts:?} stored as {mtime}");
            } else {
                assert!(mtime < 0, "{ts:?} stored as {mtime}");
            }
        }
    }
}

#[test]
fn path_errors() {
    let s = Scratch::new("paths");
    let t = [Timespec::NOW, Timespec::NOW];
    assert_eq!(utimes_nano(s.join("missing"), &t), Err(Errno::ENOENT));
    assert_eq!(utimes(s.join("missing"), &[Timeval::new(0, 0); 2]), Err(Errno::ENOENT));
    assert_eq!(utimes_nano("a\0b", &t), Err(Errno::EINVAL));
    assert_eq!(utimes("a\0b", &[Timeval::new(0, 0); 2]), Err(Errno::EINVAL));
    assert_eq!(utimensat(CWD, "a\0b", &t, AtFlags::empty()), Err(Errno::EINVAL));
    // A long path (heap, not the stack buffer), with and without a NUL.
    let deep = s.join("d".repeat(200)).join("e".repeat(200));
    std::fs::create_dir_all(deep.parent().unwrap()).unwrap();
    std::fs::write(&deep, b"").unwrap();
    assert!(deep.as_os_str().len() > 400);
    utimes_nano(&deep, &[Timespec::new(9, 9), Timespec::new(9, 9)]).unwrap();
    assert_eq!(times(&deep), ((9, 9), (9, 9)));
    let mut bad = deep.into_os_string();
    bad.push("\0");
    assert_eq!(utimes_nano(&bad, &t), Err(Errno::EINVAL));
    // A component that is a file.
    let f = file(&s, "plain");
    assert_eq!(utimes_nano(f.join("x"), &t), Err(Errno::ENOTDIR));
    // A symbolic-link loop; a name longer than NAME_MAX.
    symlink("loop-b", s.join("loop-a")).unwrap();
    symlink("loop-a", s.join("loop-b")).unwrap();
    assert_eq!(utimes_nano(s.join("loop-a"), &t), Err(Errno::ELOOP));
    assert_eq!(utimes(s.join("loop-a"), &[Timeval::new(0, 0); 2]), Err(Errno::ELOOP));
    // With SYMLINK_NOFOLLOW the loop is just a link.
    utimensat(CWD, s.join("loop-a"), &t, AtFlags::SYMLINK_NOFOLLOW).unwrap();
    assert_eq!(utimes_nano(s.join("n".repeat(300)), &t), Err(Errno::ENAMETOOLONG));
}

/// A descriptor opened only as a path (Linux O_PATH) cannot have its times
/// set through it.
#[cfg(target_os = "linux")]
#[test]
fn futimens_needs_a_real_descriptor() {
    use std::os::unix::fs::OpenOptionsExt;
    let s = Scratch::new("ebadf");
    let p = file(&s, "f");
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH)
        .open(&p)
        .unwrap();
    assert_eq!(futimens(&f, &[Timespec::NOW, Timespec::NOW]), Err(Errno::EBADF));
    assert_eq!(
        futimes(&f, &[Timeval::new(1, 0), Timeval::new(1, 0)]),
        Err(Errno::EBADF)
    );
}

#[test]
fn microseconds_round_trip() {
    let s = Scratch::new("micro");
    let p = file(&s, "f");
    utimes(&p, &[Timeval::new(1_000, 1), Timeval::new(2_000, 999_999)]).unwrap();
    assert_eq!(times(&p), ((1_000, 1_000), (2_000, 999_999_000)));
    let f = std::fs::File::open(&p).unwrap();
    futimes(&f, &[Timeval::new(3_000, 3), Timeval::new(4_000, 4)]).unwrap();
    assert_eq!(times(&p), ((3_000, 3_000), (4_000, 4_000)));
    let tv = Timeval::try_from(UNIX_EPOCH + Duration::new(5, 123_456_789)).unwrap();
    assert_eq!(tv, Timeval::new(5, 123_456));
}
