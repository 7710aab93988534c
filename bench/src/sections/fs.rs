//! The `fs` section: `bsd-fs` live on this machine — a real directory's
//! entries and types, a file's times set to the nanosecond and read back —
//! then listing a warm 100 000-entry directory (ours, the raw `getdents64`
//! walk, `std`, `nix`) with user and system time apart, and setting a
//! path's times (ours, raw `utimensat`, `filetime`, `std`).

use crate::{Compare, Report};
use std::cell::Cell;
use std::collections::BTreeMap;

/// Entries in the benchmark directory.
pub const BIG: usize = 100_000;

/// Runs the section.
pub fn run(r: &mut Report) {
    r.section("fs", "bsd-fs");
    show_a_directory(r, "/usr/bin");
    show_times(r);
    list_big_directory(r);
    set_times(r);
}

fn show_a_directory(r: &mut Report, path: &str) {
    let mut dir = match bsd_fs::Dir::open(path) {
        Ok(d) => d,
        Err(e) => return r.failed(&format!("Dir::open({path})"), &e),
    };
    let mut types: BTreeMap<bsd_fs::FileType, usize> = BTreeMap::new();
    let mut n = 0;
    let mut longest = String::new();
    while let Some(e) = dir.next_entry() {
        match e {
            Ok(e) => {
                n += 1;
                *types.entry(e.file_type()).or_default() += 1;
                if e.name_bytes().len() > longest.len() {
                    longest = e.file_name().to_string_lossy().into_owned();
                }
            }
            Err(e) => return r.failed(&format!("reading {path}"), &e),
        }
    }
    let hist: Vec<String> = types.iter().map(|(t, c)| format!("{t:?} {c}")).collect();
    r.say(format_args!(
        "   {path}: {n} entries ({}); longest name {longest:?}",
        hist.join(", ")
    ));
    let f = std::fs::File::open(path);
    let mut buf = vec![0u8; 4096];
    match f.map_err(|e| e.to_string()).and_then(|f| {
        use std::os::fd::AsFd;
        bsd_fs::read_dirent(f.as_fd(), &mut buf).map_err(|e| e.to_string())
    }) {
        Ok(k) => {
            let first: Vec<String> = bsd_fs::Dirents::new(&buf[..k])
                .take(4)
                .filter_map(|e| e.ok())
                .map(|e| format!("{:?} (ino {}, {:?})", e.file_name(), e.ino(), e.file_type()))
                .collect();
            r.say(format_args!(
                "   read_dirent: first {k} bytes of {:?} records hold {} entries: {} …",
                bsd_fs::Layout::NATIVE,
                bsd_fs::Dirents::new(&buf[..k]).count(),
                first.join(", ")
            ));
        }
        Err(e) => r.failed("read_dirent", &e),
    }
}

fn show_times(r: &mut Report) {
    use bsd_fs::Timespec;
    use std::os::unix::fs::MetadataExt;
    let scratch = match ops::Scratch::new("times") {
        Ok(s) => s,
        Err(e) => return r.failed("scratch directory", &e),
    };
    let file = scratch.path().join("stamp");
    if let Err(e) = std::fs::write(&file, b"") {
        return r.failed("creating a file", &e);
    }
    let set = [
        Timespec::new(1_234_567_890, 123_456_789),
        Timespec::new(-1, 999_999_999),
    ];
    match bsd_fs::utimes_nano(&file, &set)
        .map_err(std::io::Error::from)
        .and_then(|()| std::fs::metadata(&file))
    {
        Ok(m) => r.say(format_args!(
            "   utimes_nano: set atime {}.{:09} and mtime {}.{:09} (1969); read back {}.{:09} and {}.{:09}",
            set[0].sec,
            set[0].nsec,
            set[1].sec,
            set[1].nsec,
            m.atime(),
            m.atime_nsec(),
            m.mtime(),
            m.mtime_nsec()
        )),
        Err(e) => r.failed("utimes_nano + metadata", &e),
    }
    let bad = bsd_fs::utimes_nano(&file, &[Timespec::new(0, 1_000_000_000), Timespec::OMIT]);
    r.say(format_args!(
        "   nsec = 10^9: {bad:?}; Timespec::NOW = {:?}",
        Timespec::NOW
    ));
}

fn list_big_directory(r: &mut Report) {
    let big = match ops::BigDir::create(BIG) {
        Ok(b) => b,
        Err(e) => return r.failed(&format!("creating a {BIG}-entry directory"), &e),
    };
    r.say(format_args!(
        "   {BIG} empty files in {} ({}); warm listing, each contestant reads names and types",
        big.path().display(),
        big.fs_name()
    ));
    // Check that everybody sees everything before timing anyone.
    let mut raw_buf = vec![0u8; ops::RAW_BUFFER];
    let counts = [
        ops::list_ours(big.path()),
        ops::list_raw(big.cpath(), &mut raw_buf).saturating_sub(2),
        ops::list_std(big.path()),
        ops::list_nix(big.path()),
    ];
    if counts.iter().any(|&c| c != BIG) {
        r.failed("listing", &format!("counts ours/raw/std/nix {counts:?}, want {BIG}"));
        return;
    }
    let usage = [
        ops::Usage::default(),
        ops::Usage::default(),
        ops::Usage::default(),
        ops::Usage::default(),
    ];
    let path = big.path();
    let cpath = big.cpath();
    r.compare(
        // One listing is ~30 ms, so every budget gives the minimum of one
        // listing per sample: about 2.5 s for the four contestants.
        Compare::new("fs", format!("list {BIG} entries (warm)"))
            .ours("bsd-fs Dir", || {
                usage[0].measure(|| ops::list_ours(path));
            })
            .raw("getdents64 walk 64 KiB", || {
                usage[1].measure(|| ops::list_raw(cpath, &mut raw_buf));
            })
            .peer("std read_dir", || {
                usage[2].measure(|| ops::list_std(path));
            })
            .peer("nix Dir", || {
                usage[3].measure(|| ops::list_nix(path));
            }),
    );
    let raw_cpu = usage[1].cpu_per_op();
    for (name, u) in ["bsd-fs Dir", "raw getdents64", "std read_dir", "nix Dir"]
        .iter()
        .zip(&usage)
    {
        r.say(format_args!(
            "   {name:<15} per listing: CPU {:.2} ms ({:+.2} ms vs raw), getrusage user {:.2} ms / sys {:.2} ms over {} listings",
            u.cpu_per_op() * 1e3,
            (u.cpu_per_op() - raw_cpu) * 1e3,
            u.user_per_op() * 1e3,
            u.sys_per_op() * 1e3,
            u.ops.get()
        ));
    }
    r.say(format_args!(
        "   (the kernel work is the same getdents64 calls for all four, so CPU beyond raw is user time; getrusage \
         splits by 4 ms ticks and is coarse)"
    ));
    // The user-space part alone: the same records parsed from memory.
    match ops::Replay::capture(big.cpath()) {
        Ok(replay) => {
            let (raw_ns, ours_ns) = replay.per_entry();
            r.say(format_args!(
                "   user space alone, {BIG} records replayed from memory: raw walk {raw_ns:.1} ns/entry, \
                 bsd-fs Dirents {ours_ns:.1} ns/entry (std allocates a name per entry on top)"
            ));
        }
        Err(e) => r.failed("capturing records", &e),
    }
}

fn set_times(r: &mut Report) {
    let scratch = match ops::Scratch::new("settimes") {
        Ok(s) => s,
        Err(e) => return r.failed("scratch directory", &e),
    };
    let target = match ops::TimesTarget::new(scratch.path()) {
        Ok(t) => t,
        Err(e) => return r.failed("creating a file", &e),
    };
    let flip = Cell::new(0i64);
    let next = || {
        flip.set(flip.get() ^ 1);
        flip.get()
    };
    r.compare(
        Compare::new("fs", "set both times of a path")
            .ours("bsd-fs utimes_nano", || ops::times_ours(&target, next()))
            .raw("libc utimensat", || ops::times_raw(&target, next()))
            .peer("filetime set_file_times", || ops::times_filetime(&target, next()))
            .peer("std open+File::set_times", || ops::times_std(&target, next())),
    );
}

/// The operations compared, shared with `benches/fs.rs`.
pub mod ops {
    use std::cell::Cell;
    use std::ffi::{CStr, CString};
    use std::hint::black_box;
    use std::io;
    use std::os::unix::ffi::OsStrExt;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, UNIX_EPOCH};

    /// The raw walk's buffer: 64 KiB, the size the floor was calibrated with.
    pub const RAW_BUFFER: usize = 64 * 1024;

    /// A scratch directory on tmpfs (`/dev/shm`) when there is one, else
    /// in the temporary directory; removed on drop.
    #[derive(Debug)]
    pub struct Scratch {
        path: PathBuf,
    }

    impl Scratch {
        /// A new empty scratch directory.
        pub fn new(tag: &str) -> io::Result<Scratch> {
            static N: AtomicUsize = AtomicUsize::new(0);
            let shm = Path::new("/dev/shm");
            let base = if shm.is_dir() {
                shm.to_path_buf()
            } else {
                std::env::temp_dir()
            };
            let path = base.join(format!(
                "bsd-fs-bench-{tag}-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir(&path)?;
            Ok(Scratch { path })
        }

        /// Where it is.
        pub fn path(&self) -> &Path {
            &self.path
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }

    /// A directory of `n` empty files, removed on drop.
    #[derive(Debug)]
    pub struct BigDir {
        scratch: Scratch,
        cpath: CString,
    }

    impl BigDir {
        /// Creates it (about 0.6 s for 100 000 files on tmpfs).
        pub fn create(n: usize) -> io::Result<BigDir> {
            let scratch = Scratch::new("big")?;
            for i in 0..n {
                std::fs::File::create(scratch.path().join(format!("entry-{i:06}")))?;
            }
            let cpath = CString::new(scratch.path().as_os_str().as_bytes())?;
            Ok(BigDir { scratch, cpath })
        }

        /// Its path.
        pub fn path(&self) -> &Path {
            self.scratch.path()
        }

        /// Its path as a C string.
        pub fn cpath(&self) -> &CStr {
            &self.cpath
        }

        /// The file system it is on (`tmpfs`, `ext4`, …) from
        /// `/proc/self/mounts`.
        pub fn fs_name(&self) -> String {
            let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
            let mut best = (0, String::from("?"));
            for line in mounts.lines() {
                let mut f = line.split(' ');
                let (Some(_), Some(dir), Some(kind)) = (f.next(), f.next(), f.next()) else {
                    continue;
                };
                if self.path().starts_with(dir) && dir.len() >= best.0 {
                    best = (dir.len(), kind.to_string());
                }
            }
            best.1
        }
    }

    /// `bsd_fs::Dir`: open, read every entry's name and type, close.
    pub fn list_ours(path: &Path) -> usize {
        list_ours_sized(path, bsd_fs::Dir::DEFAULT_BUFFER_SIZE)
    }

    /// [`list_ours`] with a buffer of `size` bytes.
    pub fn list_ours_sized(path: &Path, size: usize) -> usize {
        let Ok(mut dir) = bsd_fs::Dir::open(path) else { return 0 };
        dir.set_buffer_size(size);
        let mut n = 0;
        let mut bytes = 0;
        while let Some(e) = dir.next_entry() {
            let Ok(e) = e else { break };
            bytes += e.name_bytes().len() + usize::from(e.file_type().is_dir());
            n += 1;
        }
        black_box(bytes);
        n
    }

    /// The floor: `open`, `getdents64` into a 64 KiB buffer, walk the
    /// records by `d_reclen` only (no names, no types), `close`. Counts
    /// `.` and `..`.
    pub fn list_raw(path: &CStr, buf: &mut [u8]) -> usize {
        // SAFETY: `path` is NUL-terminated.
        let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC) };
        if fd < 0 {
            return 0;
        }
        let mut n = 0;
        loop {
            // SAFETY: `buf` is writable for its length.
            let got = unsafe { libc::syscall(libc::SYS_getdents64, fd, buf.as_mut_ptr(), buf.len()) };
            if got <= 0 {
                break;
            }
            let filled = &buf[..got as usize];
            let mut off = 0;
            while let Some(r) = filled.get(off + 16..off + 18) {
                let reclen = usize::from(u16::from_ne_bytes([r[0], r[1]]));
                if reclen == 0 {
                    break;
                }
                off += reclen;
                n += 1;
            }
        }
        // SAFETY: `fd` is ours.
        unsafe { libc::close(fd) };
        n
    }

    /// `std::fs::read_dir`, each entry's name and type.
    pub fn list_std(path: &Path) -> usize {
        let Ok(rd) = std::fs::read_dir(path) else { return 0 };
        let mut n = 0;
        let mut bytes = 0;
        for e in rd {
            let Ok(e) = e else { break };
            let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
            bytes += e.file_name().len() + usize::from(is_dir);
            n += 1;
        }
        black_box(bytes);
        n
    }

    /// `nix::dir::Dir`, each entry's name and type, skipping `.`/`..` as
    /// the others do.
    pub fn list_nix(path: &Path) -> usize {
        use nix::dir::{Dir, Type};
        use nix::fcntl::OFlag;
        use nix::sys::stat::Mode;
        let Ok(mut dir) = Dir::open(
            path,
            OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
            Mode::empty(),
        ) else {
            return 0;
        };
        let mut n = 0;
        let mut bytes = 0;
        for e in dir.iter() {
            let Ok(e) = e else { break };
            let name = e.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            bytes += name.len() + usize::from(e.file_type() == Some(Type::Directory));
            n += 1;
        }
        black_box(bytes);
        n
    }

    /// Per-contestant CPU accounting around each operation: the thread's
    /// CPU clock (exact) and `getrusage(RUSAGE_THREAD)` user/system (split
    /// by scheduler ticks).
    #[derive(Debug, Default)]
    pub struct Usage {
        /// Operations measured.
        pub ops: Cell<u64>,
        cpu: Cell<f64>,
        user: Cell<f64>,
        sys: Cell<f64>,
    }

    fn thread_cpu() -> f64 {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `ts` is writable.
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
    }

    fn thread_rusage() -> (f64, f64) {
        // SAFETY: all-zero is a valid rusage.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `ru` is writable.
        unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut ru) };
        let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 * 1e-6;
        (t(ru.ru_utime), t(ru.ru_stime))
    }

    impl Usage {
        /// Runs `f` once, adding its CPU time.
        pub fn measure<T>(&self, f: impl FnOnce() -> T) -> T {
            let (u0, s0) = thread_rusage();
            let c0 = thread_cpu();
            let out = black_box(f());
            let c1 = thread_cpu();
            let (u1, s1) = thread_rusage();
            self.ops.set(self.ops.get() + 1);
            self.cpu.set(self.cpu.get() + (c1 - c0));
            self.user.set(self.user.get() + (u1 - u0));
            self.sys.set(self.sys.get() + (s1 - s0));
            out
        }

        fn per_op(&self, v: f64) -> f64 {
            v / self.ops.get().max(1) as f64
        }

        /// Mean thread CPU seconds per operation.
        pub fn cpu_per_op(&self) -> f64 {
            self.per_op(self.cpu.get())
        }

        /// Mean user seconds per operation (tick-sampled).
        pub fn user_per_op(&self) -> f64 {
            self.per_op(self.user.get())
        }

        /// Mean system seconds per operation (tick-sampled).
        pub fn sys_per_op(&self) -> f64 {
            self.per_op(self.sys.get())
        }
    }

    /// The records of a directory captured once, to time the user-space
    /// part alone.
    #[derive(Debug)]
    pub struct Replay {
        chunks: Vec<Vec<u8>>,
    }

    impl Replay {
        /// Reads the directory's records into memory.
        pub fn capture(path: &CStr) -> io::Result<Replay> {
            use std::os::fd::{AsFd, FromRawFd, OwnedFd};
            // SAFETY: `path` is NUL-terminated.
            let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC) };
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: `fd` is a new descriptor we own.
            let fd = unsafe { OwnedFd::from_raw_fd(fd) };
            let mut chunks = Vec::new();
            loop {
                let mut b = vec![0u8; RAW_BUFFER];
                let n = bsd_fs::read_dirent(fd.as_fd(), &mut b)?;
                if n == 0 {
                    break;
                }
                b.truncate(n);
                chunks.push(b);
            }
            Ok(Replay { chunks })
        }

        /// The raw walk over the captured records: count.
        pub fn walk_raw(&self) -> usize {
            let mut n = 0;
            for c in &self.chunks {
                let mut off = 0;
                while let Some(r) = c.get(off + 16..off + 18) {
                    let reclen = usize::from(u16::from_ne_bytes([r[0], r[1]]));
                    if reclen == 0 {
                        break;
                    }
                    off += reclen;
                    n += 1;
                }
            }
            n
        }

        /// `bsd_fs::Dirents` over the captured records: names and types.
        pub fn walk_ours(&self) -> usize {
            let mut n = 0;
            let mut bytes = 0;
            for c in &self.chunks {
                for e in bsd_fs::Dirents::new(c) {
                    let Ok(e) = e else { break };
                    bytes += e.name_bytes().len() + usize::from(e.file_type().is_dir());
                    n += 1;
                }
            }
            black_box(bytes);
            n
        }

        /// Nanoseconds per entry of the raw walk and of ours (medians of
        /// interleaved runs).
        pub fn per_entry(&self) -> (f64, f64) {
            let mut raw = Vec::new();
            let mut ours = Vec::new();
            for _ in 0..15 {
                let t = std::time::Instant::now();
                let n = black_box(self.walk_raw()).max(1);
                raw.push(t.elapsed().as_nanos() as f64 / n as f64);
                let t = std::time::Instant::now();
                let n = black_box(self.walk_ours()).max(1);
                ours.push(t.elapsed().as_nanos() as f64 / n as f64);
            }
            raw.sort_by(f64::total_cmp);
            ours.sort_by(f64::total_cmp);
            (raw[raw.len() / 2], ours[ours.len() / 2])
        }
    }

    /// A file whose times the contestants set, by path.
    #[derive(Debug)]
    pub struct TimesTarget {
        path: PathBuf,
        cpath: CString,
    }

    impl TimesTarget {
        /// A new empty file in `dir`.
        pub fn new(dir: &Path) -> io::Result<TimesTarget> {
            let path = dir.join("times-target");
            std::fs::write(&path, b"")?;
            let cpath = CString::new(path.as_os_str().as_bytes())?;
            Ok(TimesTarget { path, cpath })
        }

        /// Its path.
        pub fn path(&self) -> &Path {
            &self.path
        }
    }

    /// Two times a nanosecond apart from the previous call's (`k` is 0 or
    /// 1), so every call changes the file.
    fn when(k: i64) -> (i64, i64) {
        (1_700_000_000 + k, 123_456_789 + k)
    }

    /// `bsd_fs::utimes_nano`.
    pub fn times_ours(t: &TimesTarget, k: i64) {
        let (s, ns) = when(k);
        let ts = bsd_fs::Timespec::new(s, ns);
        black_box(bsd_fs::utimes_nano(&t.path, &[ts, ts])).ok();
    }

    /// `utimensat(AT_FDCWD, path, times, 0)` with a prepared C path.
    pub fn times_raw(t: &TimesTarget, k: i64) {
        let (s, ns) = when(k);
        let ts = libc::timespec { tv_sec: s, tv_nsec: ns };
        let times = [ts, ts];
        // SAFETY: the path is NUL-terminated; `times` holds two timespecs.
        black_box(unsafe { libc::utimensat(libc::AT_FDCWD, t.cpath.as_ptr(), times.as_ptr(), 0) });
    }

    /// `filetime::set_file_times`.
    pub fn times_filetime(t: &TimesTarget, k: i64) {
        let (s, ns) = when(k);
        let ft = filetime::FileTime::from_unix_time(s, ns as u32);
        black_box(filetime::set_file_times(&t.path, ft, ft)).ok();
    }

    /// `std`: open the file, `File::set_times`, close.
    pub fn times_std(t: &TimesTarget, k: i64) {
        let (s, ns) = when(k);
        let st = UNIX_EPOCH + Duration::new(s as u64, ns as u32);
        let times = std::fs::FileTimes::new().set_accessed(st).set_modified(st);
        if let Ok(f) = std::fs::File::open(&t.path) {
            black_box(f.set_times(times)).ok();
        }
    }
}
