//! Linux: `/proc/sys` and the BSD aliases against what the kernel and
//! procps' sysctl(8) say.
#![cfg(target_os = "linux")]

use bsd_sysctl::{sysctl, sysctl_bytes, sysctl_i64, sysctl_u32, sysctl_u64, walk, Ctl, Errno, Kind, Value};
use std::collections::BTreeSet;
use std::process::Command;

fn uname() -> libc::utsname {
    // SAFETY: plain old data; all-zero is valid.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: `u` is writable.
    assert_eq!(unsafe { libc::uname(&mut u) }, 0);
    u
}

fn field(f: &[libc::c_char]) -> String {
    f.iter().take_while(|&&c| c != 0).map(|&c| c as u8 as char).collect()
}

#[test]
fn kernel_ostype_is_unames_sysname() {
    let u = uname();
    let os = sysctl("kernel.ostype").unwrap();
    assert_eq!(os, "Linux");
    assert_eq!(os, field(&u.sysname));
    assert_eq!(sysctl("kern.ostype").unwrap(), os);
    assert_eq!(sysctl("kern.osrelease").unwrap(), field(&u.release));
    assert_eq!(sysctl("kernel.osrelease").unwrap(), field(&u.release));
    assert_eq!(sysctl("hw.machine").unwrap(), field(&u.machine));
    assert_eq!(sysctl("kern.hostname").unwrap(), field(&u.nodename));
    // The raw file keeps its newline; the value does not.
    assert_eq!(sysctl_bytes("kernel.ostype").unwrap(), b"Linux\n");
    let ctl = Ctl::new("kernel.ostype").unwrap();
    assert_eq!(ctl.kind(), Kind::String);
    assert_eq!(ctl.value().unwrap(), Value::String("Linux".into()));
    assert_eq!(ctl.value_bytes().unwrap(), b"Linux\n");
    assert!(ctl.readable() && !ctl.writable());
    assert_eq!(ctl.description(), Ok(None));
}

/// The CPUs the kernel lists as online: `/sys/devices/system/cpu/online`
/// is a list of ranges, `0-3,5`.
fn online_cpus() -> u32 {
    let s = std::fs::read_to_string("/sys/devices/system/cpu/online").unwrap();
    s.trim()
        .split(',')
        .map(|r| match r.split_once('-') {
            Some((a, b)) => b.parse::<u32>().unwrap() - a.parse::<u32>().unwrap() + 1,
            None => 1,
        })
        .sum()
}

#[test]
fn hw_ncpu_is_the_online_cpu_count() {
    assert_eq!(sysctl_u32("hw.ncpu").unwrap(), online_cpus());
}

#[test]
fn hw_physmem_is_the_memory_size() {
    // SAFETY: sysconf only reads its argument.
    let (pages, size) = unsafe { (libc::sysconf(libc::_SC_PHYS_PAGES), libc::sysconf(libc::_SC_PAGESIZE)) };
    let physmem = sysctl_u64("hw.physmem").unwrap();
    assert_eq!(physmem, u64::try_from(pages).unwrap() * u64::try_from(size).unwrap());
    // /proc/meminfo's MemTotal is the same memory, less what the kernel
    // reserved: within a few percent.
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap();
    let kib: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        .unwrap();
    assert!(
        physmem >= kib * 1024 && physmem <= kib * 1024 / 100 * 110,
        "{physmem} vs {kib} KiB"
    );
    assert_eq!(Ctl::new("hw.physmem").unwrap().kind(), Kind::U64);
    assert_eq!(bsd_sysctl::sysctl_uint("hw.physmem"), Ok(physmem));
}

#[test]
fn kern_maxfiles_and_maxproc_come_from_their_files() {
    let file_max = sysctl_i64("fs.file-max").unwrap();
    let maxfiles = Ctl::new("kern.maxfiles").unwrap().value_i64().unwrap();
    assert_eq!(maxfiles, file_max.min(i64::from(i32::MAX)));
    let threads: i64 = sysctl("kernel.threads-max").unwrap().parse().unwrap();
    assert_eq!(i64::from(bsd_sysctl::sysctl_i32("kern.maxproc").unwrap()), threads);
}

#[test]
fn kern_boottime_is_procs_btime() {
    let stat = std::fs::read_to_string("/proc/stat").unwrap();
    let btime: i64 = stat
        .lines()
        .find_map(|l| l.strip_prefix("btime "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let Value::Time(when) = Ctl::new("kern.boottime").unwrap().value().unwrap() else {
        panic!("not a time");
    };
    let since = when.duration_since(std::time::UNIX_EPOCH).unwrap();
    let ours = since.as_secs_f64();
    assert!((ours - btime as f64).abs() < 1.0, "{ours} vs btime {btime}");
    // The raw bytes are a struct timeval.
    let raw = sysctl_bytes("kern.boottime").unwrap();
    assert_eq!(raw.len(), std::mem::size_of::<libc::timeval>());
    let sec_bytes = std::mem::size_of::<libc::time_t>();
    let sec = match sec_bytes {
        4 => i64::from(i32::from_ne_bytes(raw[..4].try_into().unwrap())),
        _ => i64::from_ne_bytes(raw[..8].try_into().unwrap()),
    };
    assert_eq!(u64::try_from(sec).unwrap(), since.as_secs());
}

#[test]
fn vm_loadavg_is_proc_loadavg() {
    // Read both a few times: the load moves, but never between two reads
    // that agree on the file before and after.
    for _ in 0..20 {
        let before = std::fs::read_to_string("/proc/loadavg").unwrap();
        let ours = Ctl::new("vm.loadavg").unwrap().value_string().unwrap();
        let after = std::fs::read_to_string("/proc/loadavg").unwrap();
        if before == after {
            let f: Vec<&str> = before.split(' ').take(3).collect();
            assert_eq!(ours, format!("{{ {} {} {} }}", f[0], f[1], f[2]));
            return;
        }
    }
    panic!("/proc/loadavg never held still");
}

#[test]
fn typed_getters_parse_text() {
    let pid_max = sysctl_u32("kernel.pid_max").unwrap();
    let text = std::fs::read_to_string("/proc/sys/kernel/pid_max").unwrap();
    assert_eq!(pid_max.to_string(), text.trim_end());
    let ctl = Ctl::new("kernel.pid_max").unwrap();
    assert_eq!(ctl.value_u32().unwrap(), pid_max);
    assert_eq!(ctl.value_i64().unwrap(), i64::from(pid_max));
    // Text that is not a number.
    assert_eq!(sysctl_u32("kernel.ostype"), Err(Errno::EINVAL));
    assert_eq!(Ctl::new("kernel.ostype").unwrap().value_u32(), Err(Errno::EINVAL));
    // Several numbers are not one.
    assert_eq!(sysctl_u32("net.ipv4.tcp_rmem"), Err(Errno::EINVAL));
    // A number too big for the type.
    let file_max = sysctl_u64("fs.file-max").unwrap();
    if file_max > u64::from(u32::MAX) {
        assert_eq!(sysctl_u32("fs.file-max"), Err(Errno::ERANGE));
    }
    assert_eq!(
        Ctl::new("kernel.random.boot_id").unwrap().value_u64(),
        Err(Errno::EINVAL)
    );
}

#[test]
fn write_only_entries_are_eacces() {
    assert_eq!(sysctl("vm.drop_caches"), Err(Errno::EACCES));
    assert_eq!(sysctl_bytes("vm.drop_caches"), Err(Errno::EACCES));
    assert_eq!(sysctl_u32("vm.drop_caches"), Err(Errno::EACCES));
    // It resolves (it can be written), but cannot be read.
    let ctl = Ctl::new("vm.drop_caches").unwrap();
    assert!(!ctl.readable() && ctl.writable());
    assert_eq!(ctl.value(), Err(Errno::EACCES));
    assert_eq!(ctl.value_u32(), Err(Errno::EACCES));
    assert_eq!(ctl.read(&mut [0u8; 16]), Err(Errno::EACCES));
}

#[test]
fn directories_are_nodes() {
    let ctl = Ctl::new("kernel").unwrap();
    assert_eq!(ctl.kind(), Kind::Node);
    assert_eq!(ctl.value(), Err(Errno::EISDIR));
    assert_eq!(sysctl("kernel"), Err(Errno::EISDIR));
    assert_eq!(ctl.set_value("x"), Err(Errno::EISDIR));
    // Below a file is nothing.
    assert_eq!(sysctl("kernel.ostype.x"), Err(Errno::ENOENT));
}

#[test]
fn ctl_rereads_current_values() {
    // Every read of kernel.random.uuid is a new UUID: a cached value would
    // repeat.
    let ctl = Ctl::new("kernel.random.uuid").unwrap();
    let a = ctl.value_string().unwrap();
    let b = ctl.value_string().unwrap();
    assert_eq!(a.len(), 36);
    assert_ne!(a, b);
    let mut buf = [0u8; 64];
    let n = ctl.read(&mut buf).unwrap();
    assert_eq!(n, 37);
    assert_ne!(&buf[..36], a.as_bytes());
    // A buffer shorter than the value.
    assert_eq!(ctl.read(&mut [0u8; 10]), Err(Errno::ENOMEM));
    // Reads follow the open file: the same Ctl sees the file change
    // (fs.file-nr counts open files; open some and it moves).
    let nr = Ctl::new("fs.file-nr").unwrap();
    let count = |s: String| s.split_whitespace().next().unwrap().parse::<i64>().unwrap();
    let before = count(nr.value_string().unwrap());
    let files: Vec<std::fs::File> = (0..200)
        .map(|_| std::fs::File::open("/proc/self/stat").unwrap())
        .collect();
    let during = count(nr.value_string().unwrap());
    drop(files);
    // Other processes open and close files too; 200 of ours stand out.
    assert!(during - before > 100, "{before} → {during}");
}

#[test]
fn the_longest_value_is_read_whole() {
    // The longest value on this machine, as std reads it.
    let mut longest = (String::new(), 0);
    for node in walk("").unwrap() {
        let name = node.unwrap().into_name();
        if let Ok(v) = sysctl_bytes(&name) {
            if v.len() > longest.1 && !name.contains("random") && !name.ends_with("-nr") {
                longest = (name, v.len());
            }
        }
    }
    let (name, _) = longest;
    let path = format!("/proc/sys/{}", name.replace('.', "/"));
    let std_read = std::fs::read(&path).unwrap();
    let ours = sysctl_bytes(&name).unwrap();
    assert_eq!(ours.len(), std_read.len(), "{name}");
    let ctl = Ctl::new(&name).unwrap();
    let mut buf = vec![0u8; std_read.len() + 1];
    assert_eq!(ctl.read(&mut buf).unwrap(), std_read.len());
    assert_eq!(ctl.read(&mut buf[..std_read.len()]).unwrap(), std_read.len());
}

/// procps' sysctl(8), the one the system has.
fn procps() -> Command {
    let bin = ["/usr/sbin/sysctl", "/sbin/sysctl"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("procps' sysctl(8) is not installed (.ci/run installs it)");
    Command::new(bin)
}

#[test]
fn the_walk_is_procps_minus_what_procps_hides() {
    let out = procps().args(["-a", "-N"]).output().unwrap();
    assert!(out.status.success());
    let theirs: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let nodes: Vec<bsd_sysctl::Node> = walk("").unwrap().map(Result::unwrap).collect();
    let aliases: Vec<&str> = nodes.iter().filter(|n| n.is_alias()).map(|n| n.name()).collect();
    let ours: Vec<String> = nodes.iter().map(|n| n.name().to_owned()).collect();
    // The BSD aliases come last, after the whole of /proc/sys.
    assert_eq!(
        aliases,
        ours[ours.len() - aliases.len()..]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    for name in ["kern.ostype", "hw.ncpu", "vm.loadavg", "kern.boottime"] {
        assert!(aliases.contains(&name), "{name} is missing from the walk");
    }
    // Same order for what both list.
    let ours_shown: Vec<&String> = ours.iter().filter(|n| theirs.contains(n)).collect();
    let theirs_ref: Vec<&String> = theirs.iter().collect();
    assert_eq!(
        ours_shown, theirs_ref,
        "procps lists names the walk does not, or in another order"
    );
    // Everything the walk has beyond procps is proven to be what procps
    // hides: entries without the owner read bit (it stats and skips them),
    // and the two names its -a calls deprecated; or one of our aliases.
    let theirs: BTreeSet<&String> = theirs.iter().collect();
    let mut hidden = 0;
    for name in ours
        .iter()
        .filter(|n| !theirs.contains(n) && !aliases.contains(&n.as_str()))
    {
        let ctl = Ctl::new(name).unwrap();
        let deprecated = matches!(name.rsplit('.').next(), Some("base_reachable_time" | "retrans_time"));
        assert!(
            !ctl.readable() || deprecated,
            "{name} is readable and not deprecated, yet procps does not list it"
        );
        hidden += 1;
    }
    // vm.drop_caches (mode 0200) is always among them.
    assert!(ours.iter().any(|n| n == "vm.drop_caches") && !theirs.contains(&"vm.drop_caches".to_string()));
    assert!(hidden >= 1);
}

#[test]
fn values_are_procps_values() {
    // Values that change between two reads by themselves are left out;
    // everything else must be byte for byte what procps prints.
    let volatile = |n: &str| {
        n.starts_with("fs.dentry-state")
            || n.starts_with("fs.file-nr")
            || n.starts_with("fs.inode-")
            || n.starts_with("kernel.random.")
            || n == "kernel.ns_last_pid"
            || n == "fs.quota.syncs"
            || n.starts_with("net.netfilter.nf_conntrack_count")
    };
    let out = procps().arg("-a").output().unwrap();
    let theirs = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut checked = 0;
    for line in theirs.lines() {
        let Some((name, value)) = line.split_once(" = ") else {
            continue;
        };
        if volatile(name) {
            continue;
        }
        let ours = sysctl(name).unwrap();
        // procps prints a value of several lines as several `name = line`s.
        assert!(
            ours.split('\n').any(|l| l == value),
            "{name}: procps {value:?}, ours {ours:?}"
        );
        checked += 1;
    }
    assert!(checked > 500, "only {checked} values compared");
}

/// The example's binary: `cargo test` builds the examples next to the test
/// binaries (`target/<profile>/examples/`).
fn example() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let p = exe.parent()?.parent()?.join("examples").join("sysctl");
    p.exists().then_some(p)
}

#[test]
fn the_example_prints_what_procps_prints() {
    let Some(ours) = example() else {
        panic!("examples/sysctl was not built next to the tests");
    };
    // Names: identical, in order.
    let theirs_n = procps().args(["-a", "-N"]).output().unwrap();
    let ours_n = Command::new(&ours).args(["-a", "-N"]).output().unwrap();
    assert!(ours_n.status.success());
    assert_eq!(
        String::from_utf8_lossy(&ours_n.stdout),
        String::from_utf8_lossy(&theirs_n.stdout)
    );
    // Values: the same lines, apart from values that change between two
    // reads by themselves (counters, fresh UUIDs, the last pid).
    let volatile = |line: &str| {
        let name = line.split(" = ").next().unwrap_or("");
        [
            "fs.dentry-state",
            "fs.file-nr",
            "fs.inode-nr",
            "fs.inode-state",
            "kernel.ns_last_pid",
            "fs.quota.syncs",
        ]
        .contains(&name)
            || name.starts_with("kernel.random.")
            || name.starts_with("net.netfilter.nf_conntrack_count")
    };
    let theirs = procps().arg("-a").output().unwrap();
    let ours_a = Command::new(&ours).arg("-a").output().unwrap();
    assert!(ours_a.status.success());
    let t = String::from_utf8_lossy(&theirs.stdout).into_owned();
    let o = String::from_utf8_lossy(&ours_a.stdout).into_owned();
    let t: Vec<&str> = t.lines().collect();
    let o: Vec<&str> = o.lines().collect();
    assert_eq!(
        t.len(),
        o.len(),
        "procps prints {} lines, the example {}",
        t.len(),
        o.len()
    );
    let mut same = 0;
    for (a, b) in t.iter().zip(&o) {
        if volatile(a) {
            assert_eq!(a.split(" = ").next(), b.split(" = ").next());
        } else {
            assert_eq!(a, b);
            same += 1;
        }
    }
    assert!(same > 1000, "only {same} lines compared");
}

/// Runs `cmd` as `nobody` when we are root (fork, drop the groups, setgid,
/// setuid, exec); as ourselves otherwise, already unprivileged.
fn as_nobody(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return cmd;
    }
    // Looked up before the fork: getpwnam is not async-signal-safe.
    // SAFETY: the name is NUL-terminated; the result is read at once.
    let pw = unsafe { libc::getpwnam(c"nobody".as_ptr()) };
    let (uid, gid) = if pw.is_null() {
        (65534, 65534)
    } else {
        // SAFETY: non-null, points to the C library's static passwd entry.
        unsafe { ((*pw).pw_uid, (*pw).pw_gid) }
    };
    // SAFETY: between fork and exec the closure makes only async-signal-safe
    // system calls and touches no lock or allocation.
    unsafe {
        cmd.pre_exec(move || {
            if libc::setgroups(0, std::ptr::null()) != 0 || libc::setgid(gid) != 0 || libc::setuid(uid) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        })
    }
}

/// Values that change between two reads by themselves.
fn volatile_line(line: &str) -> bool {
    let name = line.split(" = ").next().unwrap_or("");
    [
        "fs.dentry-state",
        "fs.file-nr",
        "fs.inode-nr",
        "fs.inode-state",
        "kernel.ns_last_pid",
        "fs.quota.syncs",
    ]
    .contains(&name)
        || name.starts_with("kernel.random.")
        || name.starts_with("net.netfilter.nf_conntrack_count")
}

#[test]
fn the_example_unprivileged_lists_what_procps_lists() {
    let ours = example().expect("examples/sysctl was not built next to the tests");
    let theirs = as_nobody(&mut procps()).arg("-a").output().unwrap();
    let mine = as_nobody(&mut Command::new(&ours)).arg("-a").output().unwrap();
    // Both succeed, whatever they could not read.
    assert_eq!(theirs.status.code(), Some(0));
    assert_eq!(mine.status.code(), Some(0), "{}", String::from_utf8_lossy(&mine.stderr));
    // The same complaints, in the same order.
    assert_eq!(
        String::from_utf8_lossy(&mine.stderr),
        String::from_utf8_lossy(&theirs.stderr)
    );
    let t = String::from_utf8_lossy(&theirs.stdout).into_owned();
    let o = String::from_utf8_lossy(&mine.stdout).into_owned();
    let t: Vec<&str> = t.lines().collect();
    let o: Vec<&str> = o.lines().collect();
    assert_eq!(
        t.len(),
        o.len(),
        "procps prints {} lines, the example {}",
        t.len(),
        o.len()
    );
    let mut same = 0;
    for (a, b) in t.iter().zip(&o) {
        if volatile_line(a) {
            assert_eq!(a.split(" = ").next(), b.split(" = ").next());
        } else {
            assert_eq!(a, b);
            same += 1;
        }
    }
    assert!(same > 1000, "only {same} lines compared");
}

#[test]
fn the_example_rejects_an_empty_name_as_procps_does() {
    let ours = example().expect("examples/sysctl was not built next to the tests");
    for args in [&[""][..], &["kernel.ostype", "", "kernel.ostype"]] {
        let theirs = procps().args(args).output().unwrap();
        let mine = Command::new(&ours).args(args).output().unwrap();
        assert_eq!(theirs.status.code(), Some(255), "{args:?}");
        assert_eq!(mine.status.code(), Some(255), "{args:?}");
        assert_eq!(mine.stdout, theirs.stdout, "{args:?}");
        assert_eq!(mine.stderr, theirs.stderr, "{args:?}");
    }
    assert_eq!(
        String::from_utf8_lossy(&Command::new(&ours).arg("").output().unwrap().stderr),
        "sysctl: \"\" is an unknown key\n"
    );
}

#[test]
fn the_example_takes_slashes_as_procps_does() {
    let ours = example().expect("examples/sysctl was not built next to the tests");
    for args in [
        &["kernel/ostype"][..],
        &["-n", "kernel/ostype"],
        &["net/ipv4/conf/lo/forwarding", "net.ipv4.conf.lo.forwarding"],
        &["kernel/osrelease", "vm.swappiness"],
    ] {
        let theirs = procps().args(args).output().unwrap();
        let mine = Command::new(&ours).args(args).output().unwrap();
        assert!(theirs.status.success(), "{args:?}");
        assert!(mine.status.success(), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&mine.stdout),
            String::from_utf8_lossy(&theirs.stdout),
            "{args:?}"
        );
    }
    let shown = Command::new(&ours).arg("kernel/ostype").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&shown.stdout), "kernel.ostype = Linux\n");
    // A missing name: the same message and status.
    let theirs = procps().arg("kernel/no_such_entry").output().unwrap();
    let mine = Command::new(&ours).arg("kernel/no_such_entry").output().unwrap();
    assert_eq!(mine.status.code(), theirs.status.code());
    assert_eq!(mine.stderr, theirs.stderr);
}

#[test]
fn aliases_are_in_the_walks_of_their_parents() {
    let names = |prefix: &str| -> Vec<String> { walk(prefix).unwrap().map(|n| n.unwrap().into_name()).collect() };
    // vm is a /proc/sys directory; its walk ends with the alias.
    let vm = names("vm");
    assert_eq!(vm.last().map(String::as_str), Some("vm.loadavg"), "{vm:?}");
    assert!(vm.iter().any(|n| n == "vm.swappiness"));
    assert_eq!(vm.iter().filter(|n| *n == "vm.loadavg").count(), 1);
    // kern and hw exist only as aliases.
    assert!(names("kern").iter().all(|n| n.starts_with("kern.")));
    assert_eq!(names("hw"), ["hw.ncpu", "hw.pagesize", "hw.physmem", "hw.machine"]);
    assert_eq!(names("vm.loadavg"), ["vm.loadavg"]);
    // An alias's name is not a prefix of another's: kern.ostype is not
    // below kern.os.
    assert_eq!(walk("kern.os").err(), Some(Errno::ENOENT));
}

#[test]
fn values_read_straight_from_the_walk() {
    let mut seen = 0;
    for node in walk("kernel").unwrap() {
        let node = node.unwrap();
        match node.name() {
            "kernel.ostype" => {
                assert_eq!(node.value(), Ok(Value::String("Linux".into())));
                assert_eq!(node.value_string().as_deref(), Ok("Linux"));
                seen += 1;
            }
            "kernel.pid_max" => {
                let v = node.value_string().unwrap();
                assert_eq!(
                    v,
                    std::fs::read_to_string("/proc/sys/kernel/pid_max").unwrap().trim_end()
                );
                seen += 1;
            }
            _ => {}
        }
    }
    assert_eq!(seen, 2);
    for node in walk("vm").unwrap() {
        let node = node.unwrap();
        match node.name() {
            // Write-only: the walk yields it, reading it is EACCES.
            "vm.drop_caches" => assert_eq!(node.value(), Err(Errno::EACCES)),
            "vm.loadavg" => assert!(matches!(node.value(), Ok(Value::LoadAvg(_)))),
            _ => {}
        }
    }
    let hw: Vec<Value> = walk("hw").unwrap().map(|n| n.unwrap().value().unwrap()).collect();
    assert_eq!(
        hw[0],
        Value::I32(i32::try_from(sysctl_u32("hw.ncpu").unwrap()).unwrap())
    );
}
