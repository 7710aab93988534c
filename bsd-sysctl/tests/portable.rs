//! What holds on every platform, Linux included (through the BSD aliases):
//! the names every system has, with the BSD types, and the name checks.

use bsd_sysctl::{
    sysctl, sysctl_bytes, sysctl_i32, sysctl_u32, sysctl_u64, sysctl_uint, walk, Ctl, Errno, Kind, Value,
};

#[test]
fn kern_ostype_is_a_string() {
    let os = sysctl("kern.ostype").unwrap();
    assert!(!os.is_empty() && !os.contains('\0') && !os.ends_with('\n'));
    // The raw bytes are the BSD string: with its NUL.
    assert_eq!(sysctl_bytes("kern.ostype").unwrap(), [os.as_bytes(), b"\0"].concat());
    let ctl = Ctl::new("kern.ostype").unwrap();
    assert_eq!(ctl.name(), "kern.ostype");
    assert_eq!(ctl.kind(), Kind::String);
    assert_eq!(ctl.format(), "A");
    assert!(ctl.readable());
    assert_eq!(ctl.value_string().unwrap(), os);
    assert_eq!(ctl.value().unwrap(), Value::String(os.clone()));
    // 4 bytes of "Linux\0" or "FreeBSD\0" is not a u32.
    assert!(matches!(sysctl_u32("kern.ostype"), Err(Errno::EIO | Errno::EINVAL)));
}

#[test]
fn hw_ncpu_is_an_int() {
    let n = sysctl_u32("hw.ncpu").unwrap();
    assert!(n >= 1);
    assert_eq!(sysctl_i32("hw.ncpu").unwrap(), n as i32);
    // Exactly 4 bytes: not a u64.
    assert_eq!(sysctl_u64("hw.ncpu"), Err(Errno::EIO));
    let ctl = Ctl::new("hw.ncpu").unwrap();
    assert_eq!(ctl.kind(), Kind::Int);
    assert_eq!(ctl.value().unwrap(), Value::I32(n as i32));
    assert_eq!(ctl.value_u64().unwrap(), u64::from(n));
    assert_eq!(ctl.value_string().unwrap(), n.to_string());
    let mut buf = [0u8; 4];
    assert_eq!(ctl.read(&mut buf), Ok(4));
    assert_eq!(u32::from_ne_bytes(buf), n);
    // A buffer too small is ENOMEM, as sysctl(3) says.
    assert_eq!(ctl.read(&mut [0u8; 2]), Err(Errno::ENOMEM));
    assert!(!ctl.writable());
}

#[test]
fn hw_pagesize_matches_sysconf() {
    // SAFETY: sysconf only reads its argument.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    #[allow(clippy::useless_conversion)] // `long` is 32 bits on some targets.
    let page = i64::from(page);
    // By name: 4 bytes on the BSDs and Linux, 8 on Apple; the width-taking
    // read accepts both.
    assert_eq!(sysctl_uint("hw.pagesize").map(i64::try_from), Ok(Ok(page)));
    if cfg!(not(target_vendor = "apple")) {
        assert_eq!(i64::from(sysctl_i32("hw.pagesize").unwrap()), page);
    }
}

#[test]
fn kern_boottime_is_a_timeval_in_the_past() {
    let ctl = Ctl::new("kern.boottime").unwrap();
    assert_eq!(ctl.kind(), Kind::Opaque);
    let Value::Time(when) = ctl.value().unwrap() else {
        panic!("kern.boottime is not a time: {:?}", ctl.value());
    };
    assert!(when < std::time::SystemTime::now());
    let since_epoch = when.duration_since(std::time::UNIX_EPOCH).unwrap();
    // A struct timeval: whole microseconds.
    assert!(since_epoch.as_secs() > 1_000_000_000 && since_epoch.subsec_nanos() % 1000 == 0);
    // The boot time is fixed: every read gives the same value, to the
    // microsecond (on Linux too, where it is computed once per process).
    for _ in 0..100 {
        assert_eq!(ctl.value().unwrap(), Value::Time(when));
        assert_eq!(sysctl_bytes("kern.boottime").unwrap(), ctl.value_bytes().unwrap());
    }
    let shown = ctl.value_string().unwrap();
    assert!(
        shown.starts_with(&format!(
            "{{ sec = {}, usec = {} }} ",
            since_epoch.as_secs(),
            since_epoch.subsec_micros()
        )),
        "{shown}"
    );
}

#[test]
fn vm_loadavg_is_a_loadavg() {
    let Value::LoadAvg(la) = Ctl::new("vm.loadavg").unwrap().value().unwrap() else {
        panic!("vm.loadavg is not a LoadAvg");
    };
    assert!(la.fscale > 0);
    assert!(la.loads().iter().all(|l| l.is_finite() && *l >= 0.0));
    let s = la.to_string();
    assert!(
        s.starts_with("{ ") && s.ends_with(" }") && s.split(' ').count() == 5,
        "{s}"
    );
}

#[test]
fn the_kern_walk_has_kern_ostype() {
    let names: Vec<String> = walk("kern").unwrap().map(|n| n.unwrap().into_name()).collect();
    assert!(names.iter().any(|n| n == "kern.ostype"), "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("kern.")));
    // A leaf walks to itself, resolvable from the walk.
    let leaf: Vec<_> = walk("kern.ostype").unwrap().map(Result::unwrap).collect();
    assert_eq!(leaf.len(), 1);
    assert_eq!(leaf[0].name(), "kern.ostype");
    assert_eq!(leaf[0].to_string(), "kern.ostype");
    assert_eq!(
        leaf[0].ctl().unwrap().value_string().unwrap(),
        sysctl("kern.ostype").unwrap()
    );
    // Or read straight from the node.
    assert_eq!(leaf[0].value(), Ok(Value::String(sysctl("kern.ostype").unwrap())));
    assert_eq!(leaf[0].value_string(), sysctl("kern.ostype"));
    assert!(!leaf[0].is_alias() || cfg!(target_os = "linux"));
}

#[test]
fn kern_ostype_is_1_1() {
    let got = bsd_sysctl::name_to_mib("kern.ostype");
    // Checked before anything else, everywhere.
    assert_eq!(bsd_sysctl::name_to_mib("kern..ostype"), Err(Errno::EINVAL));
    assert_eq!(bsd_sysctl::name_to_mib(""), Err(Errno::EINVAL));
    let ctl = Ctl::new("kern.ostype").unwrap();
    let node = walk("kern.ostype").unwrap().next().unwrap().unwrap();
    if cfg!(target_os = "linux") {
        // No numeric names on Linux.
        assert_eq!(got, Err(Errno::EOPNOTSUPP));
        assert_eq!(bsd_sysctl::name_to_mib("kernel.ostype"), Err(Errno::EOPNOTSUPP));
        assert_eq!(ctl.mib(), None);
        assert_eq!(node.mib(), None);
    } else {
        let mib = got.unwrap();
        assert_eq!(&*mib, &[libc::CTL_KERN, libc::KERN_OSTYPE]);
        assert_eq!(ctl.mib(), Some(&mib));
        assert_eq!(node.mib(), Some(&mib));
        assert_eq!(
            bsd_sysctl::name_to_mib("kern.nonexistent_bsd_sysctl"),
            Err(Errno::ENOENT)
        );
    }
}

#[test]
fn missing_names_are_enoent() {
    assert_eq!(sysctl("kern.nonexistent_bsd_sysctl"), Err(Errno::ENOENT));
    assert_eq!(Ctl::new("nonexistent_bsd_sysctl.x").err(), Some(Errno::ENOENT));
    assert_eq!(walk("nonexistent_bsd_sysctl").err(), Some(Errno::ENOENT));
}

#[test]
fn bad_names_are_einval() {
    let too_deep = ["a"; bsd_sysctl::CTL_MAXNAME + 1].join(".");
    for bad in [
        "",
        ".",
        "..",
        "kernel..ostype",
        "../etc/passwd",
        "kernel/../../etc",
        "/etc/passwd",
        "kern.ostype.",
        ".kern.ostype",
        "kern\0.ostype",
        too_deep.as_str(),
    ] {
        assert_eq!(sysctl(bad), Err(Errno::EINVAL), "{bad:?}");
        assert_eq!(sysctl_bytes(bad), Err(Errno::EINVAL), "{bad:?}");
        assert_eq!(sysctl_u32(bad), Err(Errno::EINVAL), "{bad:?}");
        assert_eq!(Ctl::new(bad).err(), Some(Errno::EINVAL), "{bad:?}");
        if !bad.is_empty() {
            assert_eq!(walk(bad).err(), Some(Errno::EINVAL), "{bad:?}");
        }
    }
}
