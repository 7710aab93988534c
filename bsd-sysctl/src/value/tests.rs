//! The decoders against the bytes each kernel writes.

use super::*;

/// The `SystemTime` `sec` s and `nsec` ns after the epoch.
fn at(sec: i64, nsec: i64) -> SystemTime {
    time_from_parts(sec, nsec).unwrap()
}

fn ne32(v: &[i32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_ne_bytes()).collect()
}

/// A `struct timeval` as each platform's kernel writes it.
fn timeval_fixture(layout: &Layout, sec: i64, usec: i64) -> Vec<u8> {
    let mut b = Vec::new();
    match layout.time_t {
        4 => b.extend_from_slice(&(sec as i32).to_ne_bytes()),
        _ => b.extend_from_slice(&sec.to_ne_bytes()),
    }
    match layout.suseconds {
        4 => b.extend_from_slice(&(usec as i32).to_ne_bytes()),
        _ => b.extend_from_slice(&usec.to_ne_bytes()),
    }
    // Trailing padding: what the kernel leaves there must not matter.
    b.resize(layout.timeval, 0xAA);
    b
}

#[test]
fn timeval_every_layout() {
    for (layout, size) in [
        (Layout::FREEBSD_LP64, 16),
        (Layout::FREEBSD_I386, 8),
        (Layout::DRAGONFLY, 16),
        (Layout::NETBSD_LP64, 16),
        (Layout::NETBSD_I386, 12),
        (Layout::OPENBSD_LP64, 16),
        (Layout::APPLE, 16),
        (Layout::LINUX_LP64, 16),
        (Layout::FREEBSD_ARMV7, 16),
        (Layout::OPENBSD_I386, 12),
        (Layout::LINUX_ILP32, 8),
        (Layout::NETBSD_ILP32, 16),
        (Layout::OPENBSD_ILP32, 16),
        (Layout::APPLE_ILP32, 8),
    ] {
        let b = timeval_fixture(&layout, 1_700_000_000, 123_456);
        assert_eq!(b.len(), size, "{layout:?}");
        let tv = decode_timeval(&b, &layout).unwrap();
        assert_eq!(tv, at(1_700_000_000, 123_456_000));
        assert_eq!(
            decode(Kind::Opaque, "S,timeval", &b, &layout),
            Ok(Value::Time(tv)),
            "{layout:?}"
        );
        // Wrong sizes are EIO, never a misread.
        assert_eq!(decode_timeval(&b[..b.len() - 1], &layout), Err(Errno::EIO));
        let mut longer = b.clone();
        longer.push(0);
        assert_eq!(decode_timeval(&longer, &layout), Err(Errno::EIO));
        // Encoding gives the kernel's layout back (padding zeroed).
        let enc = encode(&Value::Time(tv), Kind::Opaque, &layout, false).unwrap();
        assert_eq!(enc.len(), size);
        assert_eq!(decode_timeval(&enc, &layout), Ok(tv));
        // Before 1970: seconds count down, microseconds still count up.
        let b = timeval_fixture(&layout, -2, 250_000);
        assert_eq!(
            decode_timeval(&b, &layout),
            Ok(UNIX_EPOCH - Duration::from_millis(1750))
        );
        // Microseconds out of range are EIO.
        for usec in [-1, 1_000_000] {
            let b = timeval_fixture(&layout, 5, usec);
            assert_eq!(decode_timeval(&b, &layout), Err(Errno::EIO), "{layout:?} {usec}");
        }
    }
}

#[test]
fn times_that_do_not_fit_are_eoverflow() {
    // A 32-bit time_t (FreeBSD/i386) cannot carry 2^31 s: EOVERFLOW, never
    // a wrapped value.
    let t = at(i64::from(i32::MAX) + 1, 0);
    assert_eq!(
        encode(&Value::Time(t), Kind::Opaque, &Layout::FREEBSD_I386, false),
        Err(Errno::EOVERFLOW)
    );
    let t = at(i64::from(i32::MIN) - 1, 0);
    assert_eq!(
        encode(&Value::Time(t), Kind::Opaque, &Layout::FREEBSD_I386, false),
        Err(Errno::EOVERFLOW)
    );
    // The extremes of i32 itself fit, and come back.
    for sec in [i64::from(i32::MIN), i64::from(i32::MAX)] {
        let enc = encode(
            &Value::Time(at(sec, 999_999_999)),
            Kind::Opaque,
            &Layout::FREEBSD_I386,
            false,
        )
        .unwrap();
        assert_eq!(decode_timeval(&enc, &Layout::FREEBSD_I386), Ok(at(sec, 999_999_000)));
    }
    // 64-bit time_t: i64's extremes decode where SystemTime holds them, or
    // are EOVERFLOW; never a wrap.
    for sec in [i64::MIN, i64::MIN + 1, i64::MAX] {
        let b = timeval_fixture(&Layout::FREEBSD_LP64, sec, 0);
        match decode_timeval(&b, &Layout::FREEBSD_LP64) {
            Ok(t) => assert_eq!(time_parts(t), Ok((sec, 0))),
            Err(e) => assert_eq!(e, Errno::EOVERFLOW),
        }
    }
    assert_eq!(time_from_parts(0, 1_000_000_000), Err(Errno::EINVAL));
    assert_eq!(time_from_parts(0, -1), Err(Errno::EINVAL));
    // The parts of a time and back.
    for (sec, nsec) in [(0, 0), (-1, 1), (-1, 999_999_999), (1_700_000_000, 5), (-86_400, 0)] {
        assert_eq!(time_parts(at(sec, nsec)), Ok((sec, u32::try_from(nsec).unwrap())));
    }
    assert_eq!(time_parts(UNIX_EPOCH - Duration::new(3, 1)), Ok((-4, 999_999_999)));
}

#[test]
fn timeval_native_matches_libc() {
    let tv = libc::timeval {
        tv_sec: 1_234_567_890,
        tv_usec: 654_321,
    };
    // SAFETY: reading the bytes of a live, fully initialised struct as u8;
    // padding (if any) is read as whatever it holds, which the decoder must
    // ignore.
    let bytes =
        unsafe { core::slice::from_raw_parts((&tv as *const libc::timeval).cast::<u8>(), core::mem::size_of_val(&tv)) };
    assert_eq!(
        decode_timeval(bytes, &Layout::NATIVE),
        Ok(at(1_234_567_890, 654_321_000))
    );
}

/// A `struct timespec` as a kernel writes it: `tv_sec` (`time_t` wide) at
/// 0, `tv_nsec` (`long` wide) at `nsec_at`, every other byte padding.
fn timespec_fixture(layout: &Layout, size: usize, nsec_at: usize, sec: i64, nsec: i64) -> Vec<u8> {
    let mut b = vec![0xAA; size];
    match layout.time_t {
        4 => b[..4].copy_from_slice(&(sec as i32).to_ne_bytes()),
        _ => b[..8].copy_from_slice(&sec.to_ne_bytes()),
    }
    match layout.long {
        4 => b[nsec_at..nsec_at + 4].copy_from_slice(&(nsec as i32).to_ne_bytes()),
        _ => b[nsec_at..nsec_at + 8].copy_from_slice(&nsec.to_ne_bytes()),
    }
    b
}

#[test]
fn timespec_every_layout() {
    // NetBSD's kern.boottime is a struct timespec { time_t; long }: its
    // size and where tv_nsec sits, per platform (a 64-bit time_t and a
    // 32-bit long are 12 bytes with 4-aligned 64-bit integers, i386; 16,
    // tv_nsec still at 8, where they are 8-aligned).
    for (layout, size, nsec_at) in [
        (Layout::FREEBSD_LP64, 16, 8),
        (Layout::FREEBSD_I386, 8, 4),
        (Layout::DRAGONFLY, 16, 8),
        (Layout::NETBSD_LP64, 16, 8),
        (Layout::NETBSD_I386, 12, 8),
        (Layout::OPENBSD_LP64, 16, 8),
        (Layout::APPLE, 16, 8),
        (Layout::LINUX_LP64, 16, 8),
        (Layout::FREEBSD_ARMV7, 16, 8),
        (Layout::OPENBSD_I386, 12, 8),
        (Layout::LINUX_ILP32, 8, 4),
        (Layout::NETBSD_ILP32, 16, 8),
        (Layout::OPENBSD_ILP32, 16, 8),
        (Layout::APPLE_ILP32, 8, 4),
    ] {
        for (sec, nsec) in [
            (1_600_000_000, 999_999_999),
            (1_600_000_000, 5_000),
            (-2, 250_000_000),
            (0, 0),
        ] {
            let b = timespec_fixture(&layout, size, nsec_at, sec, nsec);
            assert_eq!(decode_timespec(&b, &layout), Ok(at(sec, nsec)), "{layout:?}");
            assert_eq!(
                decode(Kind::Opaque, "S,timespec", &b, &layout),
                Ok(Value::Time(at(sec, nsec))),
                "{layout:?}"
            );
        }
        // Wrong sizes and nanoseconds out of range are EIO.
        let b = timespec_fixture(&layout, size, nsec_at, 5, 0);
        assert_eq!(decode_timespec(&b[..size - 1], &layout), Err(Errno::EIO), "{layout:?}");
        let mut longer = b.clone();
        longer.push(0);
        assert_eq!(decode_timespec(&longer, &layout), Err(Errno::EIO), "{layout:?}");
        for nsec in [-1, 1_000_000_000] {
            let b = timespec_fixture(&layout, size, nsec_at, 5, nsec);
            assert_eq!(decode_timespec(&b, &layout), Err(Errno::EIO), "{layout:?} {nsec}");
        }
        // The extremes of the seconds: a value, or EOVERFLOW where
        // `SystemTime` cannot hold it; never a wrap.
        let extremes: &[i64] = if layout.time_t == 4 {
            &[i32::MIN as i64, i32::MAX as i64]
        } else {
            &[i64::MIN, i64::MAX]
        };
        for &sec in extremes {
            let b = timespec_fixture(&layout, size, nsec_at, sec, 1);
            match decode_timespec(&b, &layout) {
                Ok(t) => assert_eq!(time_parts(t), Ok((sec, 1)), "{layout:?}"),
                Err(e) => assert_eq!(e, Errno::EOVERFLOW, "{layout:?}"),
            }
        }
    }
}

#[test]
fn clockinfo_every_layout() {
    // FreeBSD: hz, tick, spare, stathz, profhz.
    let b = ne32(&[1000, 1000, 0, 127, 8128]);
    let ci = decode_clockinfo(&b, &Layout::FREEBSD_LP64).unwrap();
    assert_eq!(
        ci,
        ClockInfo {
            hz: 1000,
            tick: 1000,
            tickadj: None,
            stathz: 127,
            profhz: 8128
        }
    );
    assert_eq!(
        ci.to_string(),
        "{ hz = 1000, tick = 1000, profhz = 8128, stathz = 127 }"
    );
    // Apple, NetBSD, DragonFly: the third int is tickadj.
    let b = ne32(&[100, 10000, 40, 128, 1024]);
    for layout in [
        Layout::APPLE,
        Layout::APPLE_ILP32,
        Layout::NETBSD_LP64,
        Layout::NETBSD_I386,
        Layout::NETBSD_ILP32,
        Layout::DRAGONFLY,
    ] {
        let ci = decode_clockinfo(&b, &layout).unwrap();
        assert_eq!(ci.tickadj, Some(40));
        assert_eq!((ci.hz, ci.tick, ci.stathz, ci.profhz), (100, 10000, 128, 1024));
        assert_eq!(
            decode(Kind::Opaque, "S,clockinfo", &b, &layout),
            Ok(Value::ClockInfo(ci))
        );
        assert_eq!(
            encode(&Value::ClockInfo(ci), Kind::Opaque, &layout, false),
            Ok(b.clone())
        );
    }
    // OpenBSD ≥ 7.4: hz, tick, stathz, profhz; before: with tickadj.
    let new = ne32(&[100, 10000, 100, 100]);
    let old = ne32(&[100, 10000, 5, 128, 1024]);
    for layout in [Layout::OPENBSD_LP64, Layout::OPENBSD_I386, Layout::OPENBSD_ILP32] {
        let ci = decode_clockinfo(&new, &layout).unwrap();
        assert_eq!(
            (ci.hz, ci.tick, ci.tickadj, ci.stathz, ci.profhz),
            (100, 10000, None, 100, 100)
        );
        assert_eq!(
            encode(&Value::ClockInfo(ci), Kind::Opaque, &layout, false),
            Ok(new.clone())
        );
        assert_eq!(decode_clockinfo(&old, &layout).unwrap().tickadj, Some(5));
    }
    // A 16-byte clockinfo is OpenBSD's only.
    assert_eq!(decode_clockinfo(&new, &Layout::FREEBSD_LP64), Err(Errno::EIO));
    assert_eq!(decode_clockinfo(&b[..19], &Layout::APPLE), Err(Errno::EIO));
}

#[test]
fn loadavg_every_layout() {
    // 64-bit: fixpt_t ldavg[3]; (pad 4) long fscale → 24 bytes.
    let mut b = Vec::new();
    for l in [246u32, 696, 1146] {
        b.extend_from_slice(&l.to_ne_bytes());
    }
    let mut lp64 = b.clone();
    lp64.extend_from_slice(&[0xAA; 4]);
    lp64.extend_from_slice(&2048i64.to_ne_bytes());
    for layout in [
        Layout::FREEBSD_LP64,
        Layout::APPLE,
        Layout::NETBSD_LP64,
        Layout::OPENBSD_LP64,
        Layout::DRAGONFLY,
    ] {
        let la = decode_loadavg(&lp64, &layout).unwrap();
        assert_eq!(
            la,
            LoadAvg {
                ldavg: [246, 696, 1146],
                fscale: 2048
            }
        );
        assert_eq!(la.to_string(), "{ 0.12 0.34 0.56 }");
        assert_eq!(
            decode(Kind::Opaque, "S,loadavg", &lp64, &layout),
            Ok(Value::LoadAvg(la))
        );
        let enc = encode(&Value::LoadAvg(la), Kind::Opaque, &layout, false).unwrap();
        assert_eq!(decode_loadavg(&enc, &layout), Ok(la));
    }
    // 32-bit: 16 bytes.
    let mut ilp32 = b.clone();
    ilp32.extend_from_slice(&2048i32.to_ne_bytes());
    for layout in [
        Layout::FREEBSD_I386,
        Layout::FREEBSD_ARMV7,
        Layout::NETBSD_I386,
        Layout::OPENBSD_I386,
        Layout::LINUX_ILP32,
        Layout::NETBSD_ILP32,
        Layout::OPENBSD_ILP32,
        Layout::APPLE_ILP32,
    ] {
        assert_eq!(
            decode_loadavg(&ilp32, &layout).map(|l| l.to_string()),
            Ok("{ 0.12 0.34 0.56 }".to_string()),
            "{layout:?}"
        );
        let la = decode_loadavg(&ilp32, &layout).unwrap();
        assert_eq!(
            encode(&Value::LoadAvg(la), Kind::Opaque, &layout, false),
            Ok(ilp32.clone())
        );
    }
    assert_eq!(decode_loadavg(&ilp32, &Layout::FREEBSD_LP64), Err(Errno::EIO));
    // A zero scale divides to infinity or NaN, never panics.
    let z = LoadAvg {
        ldavg: [1, 0, 0],
        fscale: 0,
    };
    assert!(z.loads()[0].is_infinite() && z.loads()[1].is_nan());
    let _ = z.to_string();
}

#[test]
fn integers_of_every_width() {
    let l = Layout::FREEBSD_LP64;
    assert_eq!(decode(Kind::Int, "I", &7i32.to_ne_bytes(), &l), Ok(Value::I32(7)));
    assert_eq!(
        decode(Kind::UInt, "IU", &u32::MAX.to_ne_bytes(), &l),
        Ok(Value::U32(u32::MAX))
    );
    assert_eq!(decode(Kind::Long, "L", &(-3i64).to_ne_bytes(), &l), Ok(Value::I64(-3)));
    assert_eq!(decode(Kind::ULong, "LU", &9u64.to_ne_bytes(), &l), Ok(Value::U64(9)));
    assert_eq!(
        decode(Kind::Long, "L", &(-3i32).to_ne_bytes(), &Layout::FREEBSD_I386),
        Ok(Value::I32(-3))
    );
    assert_eq!(decode(Kind::I8, "C", &[0xff], &l), Ok(Value::I8(-1)));
    assert_eq!(decode(Kind::U8, "CU", &[0xff], &l), Ok(Value::U8(255)));
    assert_eq!(decode(Kind::I16, "S", &(-2i16).to_ne_bytes(), &l), Ok(Value::I16(-2)));
    assert_eq!(
        decode(Kind::U16, "SU", &65535u16.to_ne_bytes(), &l),
        Ok(Value::U16(65535))
    );
    assert_eq!(decode(Kind::I32, "I", &(-1i32).to_ne_bytes(), &l), Ok(Value::I32(-1)));
    assert_eq!(decode(Kind::U32, "IU", &1u32.to_ne_bytes(), &l), Ok(Value::U32(1)));
    assert_eq!(
        decode(Kind::I64, "Q", &i64::MIN.to_ne_bytes(), &l),
        Ok(Value::I64(i64::MIN))
    );
    assert_eq!(
        decode(Kind::U64, "QU", &u64::MAX.to_ne_bytes(), &l),
        Ok(Value::U64(u64::MAX))
    );
    // kern.cp_time: five longs.
    let cp: Vec<u8> = [1i64, 2, 3, 4, 5].iter().flat_map(|x| x.to_ne_bytes()).collect();
    let v = decode(Kind::Long, "LU", &cp, &l).unwrap();
    assert_eq!(v.to_string(), "1 2 3 4 5");
    // Lengths that are not a multiple of the width are EIO.
    assert_eq!(decode(Kind::Int, "I", &[1, 2, 3], &l), Err(Errno::EIO));
    assert_eq!(decode(Kind::U64, "QU", &[0; 12], &l), Err(Errno::EIO));
    assert_eq!(decode(Kind::Int, "I", &[], &l), Ok(Value::Array(vec![])));
}

#[test]
fn exact_width_reads() {
    let l = Layout::NATIVE;
    assert_eq!(decode_int(Kind::Int, &5i32.to_ne_bytes(), &l), Ok(5));
    assert_eq!(decode_int(Kind::Int, &5i64.to_ne_bytes(), &l), Err(Errno::EIO));
    assert_eq!(decode_int(Kind::String, b"5", &l), Err(Errno::EINVAL));
}

#[test]
fn temperature_formats() {
    // dev.cpu.0.temperature: "IK", 3181 deci-kelvin = 45.0 °C.
    let v = decode(Kind::Int, "IK", &3181i32.to_ne_bytes(), &Layout::FREEBSD_LP64).unwrap();
    assert_eq!(v.to_string(), "45.0C");
    let v = decode(Kind::Int, "IK3", &318_150i32.to_ne_bytes(), &Layout::FREEBSD_LP64).unwrap();
    assert_eq!(
        v,
        Value::Temperature(Temperature {
            raw: 318_150,
            precision: 3
        })
    );
    assert_eq!(v.to_string(), "45.000C");
}

#[test]
fn strings_and_bools() {
    let l = Layout::NATIVE;
    assert_eq!(
        decode(Kind::String, "A", b"FreeBSD\0", &l),
        Ok(Value::String("FreeBSD".into()))
    );
    assert_eq!(decode(Kind::String, "A", b"abc", &l), Ok(Value::String("abc".into())));
    assert_eq!(
        decode(Kind::String, "A", b"ab\0cd\0", &l),
        Ok(Value::String("ab".into()))
    );
    assert_eq!(decode(Kind::String, "A", b"\xff\xfe\0", &l), Err(Errno::EILSEQ));
    assert_eq!(decode(Kind::Bool, "B", &[1], &l), Ok(Value::Bool(true)));
    assert_eq!(decode(Kind::Bool, "B", &[1, 0], &l), Err(Errno::EIO));
    assert_eq!(decode(Kind::Node, "N", &[], &l), Err(Errno::EISDIR));
    assert_eq!(
        encode(&Value::from("host"), Kind::String, &l, true),
        Ok(b"host\0".to_vec())
    );
    assert_eq!(
        encode(&Value::from("host"), Kind::String, &l, false),
        Ok(b"host".to_vec())
    );
    assert_eq!(
        encode(&Value::from("a\0b"), Kind::String, &l, false),
        Err(Errno::EINVAL)
    );
}

#[test]
fn unknown_structs_keep_their_bytes() {
    let v = decode(Kind::Opaque, "S,vmtotal", &[1, 2, 3], &Layout::NATIVE).unwrap();
    assert_eq!(
        v,
        Value::Struct {
            format: "S,vmtotal".into(),
            bytes: vec![1, 2, 3]
        }
    );
    assert_eq!(v.to_string(), "Format:S,vmtotal Length:3 Dump:0x010203");
    let long = Value::Struct {
        format: "S,x".into(),
        bytes: vec![0xab; 20],
    };
    assert_eq!(
        long.to_string(),
        format!("Format:S,x Length:20 Dump:0x{}...", "ab".repeat(16))
    );
}

#[test]
fn encoding_integers_checks_range() {
    let l = Layout::FREEBSD_LP64;
    assert_eq!(
        encode(&Value::I64(5), Kind::Int, &l, false),
        Ok(5i32.to_ne_bytes().to_vec())
    );
    assert_eq!(encode(&Value::I64(1 << 40), Kind::Int, &l, false), Err(Errno::ERANGE));
    assert_eq!(encode(&Value::I32(-1), Kind::UInt, &l, false), Err(Errno::ERANGE));
    assert_eq!(encode(&Value::from("5"), Kind::Int, &l, false), Err(Errno::EINVAL));
    assert_eq!(
        encode(&Value::U8(1), Kind::Long, &l, false),
        Ok(1i64.to_ne_bytes().to_vec())
    );
    assert_eq!(
        encode(&Value::Array(vec![Value::I32(1), Value::I32(2)]), Kind::I16, &l, false),
        Ok([1i16.to_ne_bytes(), 2i16.to_ne_bytes()].concat())
    );
    assert_eq!(encode(&Value::Bool(true), Kind::Bool, &l, false), Ok(vec![1]));
}

#[test]
fn ctime_format() {
    // SAFETY: plain old data; all-zero is valid.
    let mut tm: libc::tm = unsafe { core::mem::zeroed() };
    tm.tm_wday = 4;
    tm.tm_mon = 10;
    tm.tm_mday = 3;
    tm.tm_hour = 8;
    tm.tm_min = 2;
    tm.tm_sec = 9;
    tm.tm_year = 86;
    let mut s = String::new();
    write_ctime(&mut s, &tm).unwrap();
    assert_eq!(s, "Thu Nov  3 08:02:09 1986");
    tm.tm_wday = 9;
    s.clear();
    write_ctime(&mut s, &tm).unwrap();
    assert!(s.starts_with("??? Nov"));
}

#[test]
#[cfg(any(target_os = "linux", target_os = "android"))]
#[cfg_attr(miri, ignore = "ctime_r and localtime_r are foreign calls")]
fn timeval_display_matches_ctime_r() {
    let sec = 1_700_000_000i64;
    let mut buf = [0u8; 64];
    let t = libc::time_t::try_from(sec).unwrap();
    // SAFETY: buf has the 26 bytes ctime_r needs; t is a valid time_t.
    let p = unsafe { libc::ctime_r(&t, buf.as_mut_ptr().cast()) };
    assert!(!p.is_null());
    let n = buf.iter().position(|&b| b == 0).unwrap();
    let c = std::str::from_utf8(&buf[..n]).unwrap().trim_end_matches('\n');
    // Sub-microsecond digits are dropped, as a struct timeval drops them.
    let tv = Value::Time(at(sec, 42_999));
    assert_eq!(tv.to_string(), format!("{{ sec = {sec}, usec = 42 }} {c}"));
}

#[test]
fn value_accessors() {
    assert_eq!(Value::U64(u64::MAX).as_i128(), Some(u64::MAX.into()));
    assert_eq!(Value::from("x").as_i128(), None);
    assert_eq!(Value::from("x").as_str(), Some("x"));
    assert_eq!(Value::Bool(true).to_string(), "1");
    assert!(Kind::ULong.is_integer() && !Kind::String.is_integer());
}

#[test]
fn four_or_eight_bytes() {
    // Apple's hw.pagesize by name (a quad) and by number (an int).
    assert_eq!(uint_either(&16384u64.to_ne_bytes()), Ok(16384));
    assert_eq!(uint_either(&16384u32.to_ne_bytes()), Ok(16384));
    assert_eq!(uint_either(&u32::MAX.to_ne_bytes()), Ok(u64::from(u32::MAX)));
    assert_eq!(uint_either(&u64::MAX.to_ne_bytes()), Ok(u64::MAX));
    for len in [0, 1, 2, 3, 5, 6, 7, 9, 16] {
        assert_eq!(uint_either(&vec![0; len]), Err(Errno::EIO), "{len}");
    }
}

#[test]
fn temperature_arrays_round_trip() {
    // Two sensors in one "IK" node.
    let bytes = ne32(&[3000, 3100]);
    let v = decode(Kind::Int, "IK", &bytes, &Layout::FREEBSD_LP64).unwrap();
    assert_eq!(v.to_string(), "26.9C 36.9C");
    assert_eq!(encode(&v, Kind::Int, &Layout::FREEBSD_LP64, true), Ok(bytes));
}
