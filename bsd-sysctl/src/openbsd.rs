//! OpenBSD's names: a static table from names to mibs.
//!
//! OpenBSD has no `sysctlbyname` and no `sysctlnametomib`, and its kernel
//! does not describe its tree; its sysctl(8) carries the names in tables
//! compiled from `<sys/sysctl.h>` (`CTL_KERN_NAMES`, `CTL_HW_NAMES`,
//! `CTL_VM_NAMES`). So does this module: every `kern` and `hw` name whose
//! number `libc` defines (0.2.191: `KERN_*` up to 87, `HW_*` up to 28), plus
//! the `hw` and `vm` numbers `libc` lacks (`HW_ALLOWPOWERDOWN`, `HW_SMT`
//! from `<sys/sysctl.h>`, `VM_*` from `<uvm/uvmexp.h>`), with the type the
//! header gives it. `HW_PHYSMEM` (5) and `HW_USERMEM` (6) are the 32-bit
//! forms the header's name table leaves out (`"gap"`): `hw.physmem` and
//! `hw.usermem` are the 64-bit ones, 19 and 20.
//!
//! The numbers are written here and, when compiling for OpenBSD, checked at
//! compile time against `libc`'s constants wherever `libc` has one, so the
//! table and its lookup are the same — and tested — on every host.

use crate::value::Kind;
use libc::c_int;

/// Declares the constants, and asserts on OpenBSD that those `libc` has
/// agree with it.
macro_rules! numbers {
    (libc: { $($l:ident = $lv:expr,)* } own: { $($o:ident = $ov:expr,)* }) => {
        $(pub(crate) const $l: c_int = $lv;)*
        $(pub(crate) const $o: c_int = $ov;)*
        #[cfg(target_os = "openbsd")]
        const _: () = { $(assert!($l == libc::$l);)* };
    };
}

numbers! {
    libc: {
        CTL_KERN = 1, CTL_VM = 2, CTL_HW = 6, CTL_MAXNAME = 12,
        KERN_OSTYPE = 1, KERN_OSRELEASE = 2, KERN_OSREV = 3, KERN_VERSION = 4,
        KERN_MAXVNODES = 5, KERN_MAXPROC = 6, KERN_MAXFILES = 7, KERN_ARGMAX = 8,
        KERN_SECURELVL = 9, KERN_HOSTNAME = 10, KERN_HOSTID = 11, KERN_CLOCKRATE = 12,
        KERN_PROF = 16, KERN_POSIX1 = 17, KERN_NGROUPS = 18, KERN_JOB_CONTROL = 19,
        KERN_SAVED_IDS = 20, KERN_BOOTTIME = 21, KERN_DOMAINNAME = 22,
        KERN_MAXPARTITIONS = 23, KERN_RAWPARTITION = 24, KERN_MAXTHREAD = 25,
        KERN_NTHREADS = 26, KERN_OSVERSION = 27, KERN_SOMAXCONN = 28, KERN_SOMINCONN = 29,
        KERN_NOSUIDCOREDUMP = 32, KERN_FSYNC = 33, KERN_SYSVMSG = 34, KERN_SYSVSEM = 35,
        KERN_SYSVSHM = 36, KERN_MSGBUFSIZE = 38, KERN_MALLOCSTATS = 39, KERN_CPTIME = 40,
        KERN_NCHSTATS = 41, KERN_FORKSTAT = 42, KERN_TTY = 44, KERN_CCPU = 45,
        KERN_FSCALE = 46, KERN_NPROCS = 47, KERN_MSGBUF = 48, KERN_POOL = 49,
        KERN_STACKGAPRANDOM = 50, KERN_SYSVIPC_INFO = 51, KERN_SPLASSERT = 54,
        KERN_PROC_ARGS = 55, KERN_NFILES = 56, KERN_TTYCOUNT = 57, KERN_NUMVNODES = 58,
        KERN_MBSTAT = 59, KERN_SEMINFO = 61, KERN_SHMINFO = 62, KERN_INTRCNT = 63,
        KERN_WATCHDOG = 64, KERN_PROC = 66, KERN_MAXCLUSTERS = 67, KERN_EVCOUNT = 68,
        KERN_TIMECOUNTER = 69, KERN_MAXLOCKSPERUID = 70, KERN_CPTIME2 = 71,
        KERN_CACHEPCT = 72, KERN_FILE = 73, KERN_CONSDEV = 75, KERN_NETLIVELOCKS = 76,
        KERN_POOL_DEBUG = 77, KERN_PROC_CWD = 78, KERN_PROC_NOBROADCASTKILL = 79,
        KERN_PROC_VMMAP = 80, KERN_GLOBAL_PTRACE = 81, KERN_CONSBUFSIZE = 82,
        KERN_CONSBUF = 83, KERN_AUDIO = 84, KERN_CPUSTATS = 85, KERN_PFSTATUS = 86,
        KERN_TIMEOUT_STATS = 87,
        HW_MACHINE = 1, HW_MODEL = 2, HW_NCPU = 3, HW_BYTEORDER = 4, HW_PAGESIZE = 7,
        HW_DISKNAMES = 8, HW_DISKSTATS = 9, HW_DISKCOUNT = 10, HW_SENSORS = 11,
        HW_CPUSPEED = 12, HW_SETPERF = 13, HW_VENDOR = 14, HW_PRODUCT = 15,
        HW_VERSION = 16, HW_SERIALNO = 17, HW_UUID = 18, HW_PHYSMEM64 = 19,
        HW_USERMEM64 = 20, HW_NCPUFOUND = 21, HW_PERFPOLICY = 23,
        HW_NCPUONLINE = 25, HW_POWER = 26, HW_BATTERY = 27, HW_UCOMNAMES = 28,
    }
    own: {
        // <sys/sysctl.h>: CTL_HW identifiers `libc` does not bind.
        HW_ALLOWPOWERDOWN = 22, HW_SMT = 24,
        // <uvm/uvmexp.h>: CTL_VM identifiers.
        VM_METER = 1, VM_LOADAVG = 2, VM_PSSTRINGS = 3, VM_UVMEXP = 4,
        VM_SWAPENCRYPT = 5, VM_NKMEMPAGES = 6, VM_ANONMIN = 7, VM_VTEXTMIN = 8,
        VM_VNODEMIN = 9, VM_MAXSLP = 10, VM_USPACE = 11, VM_MALLOC_CONF = 12,
    }
}

/// One name of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The full name (`kern.ostype`).
    pub name: &'static str,
    /// Its mib.
    pub mib: &'static [c_int],
    /// Its type. A [`Kind::Node`] here is a subtree, or a name that needs
    /// more mib components than a name gives (`kern.proc`): not a value.
    pub kind: Kind,
    /// Its format string (FreeBSD's letters, or `S,<struct>`).
    pub fmt: &'static str,
    /// Whether OpenBSD's sysctl(2) lists it as changeable.
    pub writable: bool,
}

macro_rules! table {
    ($($name:literal => [$($m:ident),+] $kind:ident $fmt:literal $w:literal,)*) => {
        &[$(Entry { name: $name, mib: &[$($m),+], kind: Kind::$kind, fmt: $fmt, writable: $w },)*]
    };
}

/// Every name, in mib order (the order OpenBSD's `sysctl -a` prints).
pub(crate) static TABLE: &[Entry] = table! {
    "kern" => [CTL_KERN] Node "N" false,
    "kern.ostype" => [CTL_KERN, KERN_OSTYPE] String "A" false,
    "kern.osrelease" => [CTL_KERN, KERN_OSRELEASE] String "A" false,
    "kern.osrevision" => [CTL_KERN, KERN_OSREV] Int "I" false,
    "kern.version" => [CTL_KERN, KERN_VERSION] String "A" false,
    "kern.maxvnodes" => [CTL_KERN, KERN_MAXVNODES] Int "I" true,
    "kern.maxproc" => [CTL_KERN, KERN_MAXPROC] Int "I" true,
    "kern.maxfiles" => [CTL_KERN, KERN_MAXFILES] Int "I" true,
    "kern.argmax" => [CTL_KERN, KERN_ARGMAX] Int "I" false,
    "kern.securelevel" => [CTL_KERN, KERN_SECURELVL] Int "I" true,
    "kern.hostname" => [CTL_KERN, KERN_HOSTNAME] String "A" true,
    "kern.hostid" => [CTL_KERN, KERN_HOSTID] Int "I" true,
    "kern.clockrate" => [CTL_KERN, KERN_CLOCKRATE] Opaque "S,clockinfo" false,
    "kern.profiling" => [CTL_KERN, KERN_PROF] Node "N" false,
    "kern.posix1version" => [CTL_KERN, KERN_POSIX1] Int "I" false,
    "kern.ngroups" => [CTL_KERN, KERN_NGROUPS] Int "I" false,
    "kern.job_control" => [CTL_KERN, KERN_JOB_CONTROL] Int "I" false,
    "kern.saved_ids" => [CTL_KERN, KERN_SAVED_IDS] Int "I" false,
    "kern.boottime" => [CTL_KERN, KERN_BOOTTIME] Opaque "S,timeval" false,
    "kern.domainname" => [CTL_KERN, KERN_DOMAINNAME] String "A" true,
    "kern.maxpartitions" => [CTL_KERN, KERN_MAXPARTITIONS] Int "I" false,
    "kern.rawpartition" => [CTL_KERN, KERN_RAWPARTITION] Int "I" false,
    "kern.maxthread" => [CTL_KERN, KERN_MAXTHREAD] Int "I" true,
    "kern.nthreads" => [CTL_KERN, KERN_NTHREADS] Int "I" false,
    "kern.osversion" => [CTL_KERN, KERN_OSVERSION] String "A" false,
    "kern.somaxconn" => [CTL_KERN, KERN_SOMAXCONN] Int "I" true,
    "kern.sominconn" => [CTL_KERN, KERN_SOMINCONN] Int "I" true,
    "kern.nosuidcoredump" => [CTL_KERN, KERN_NOSUIDCOREDUMP] Int "I" true,
    "kern.fsync" => [CTL_KERN, KERN_FSYNC] Int "I" false,
    "kern.sysvmsg" => [CTL_KERN, KERN_SYSVMSG] Int "I" false,
    "kern.sysvsem" => [CTL_KERN, KERN_SYSVSEM] Int "I" false,
    "kern.sysvshm" => [CTL_KERN, KERN_SYSVSHM] Int "I" false,
    "kern.msgbufsize" => [CTL_KERN, KERN_MSGBUFSIZE] Int "I" false,
    "kern.malloc" => [CTL_KERN, KERN_MALLOCSTATS] Node "N" false,
    "kern.cp_time" => [CTL_KERN, KERN_CPTIME] Long "L" false,
    "kern.nchstats" => [CTL_KERN, KERN_NCHSTATS] Opaque "S,nchstats" false,
    "kern.forkstat" => [CTL_KERN, KERN_FORKSTAT] Opaque "S,forkstat" false,
    "kern.tty" => [CTL_KERN, KERN_TTY] Node "N" false,
    "kern.ccpu" => [CTL_KERN, KERN_CCPU] Int "I" false,
    "kern.fscale" => [CTL_KERN, KERN_FSCALE] Int "I" false,
    "kern.nprocs" => [CTL_KERN, KERN_NPROCS] Int "I" false,
    "kern.msgbuf" => [CTL_KERN, KERN_MSGBUF] Opaque "S,msgbuf" false,
    "kern.pool" => [CTL_KERN, KERN_POOL] Node "N" false,
    "kern.stackgap_random" => [CTL_KERN, KERN_STACKGAPRANDOM] Int "I" true,
    "kern.sysvipc_info" => [CTL_KERN, KERN_SYSVIPC_INFO] Node "N" false,
    "kern.splassert" => [CTL_KERN, KERN_SPLASSERT] Int "I" true,
    "kern.procargs" => [CTL_KERN, KERN_PROC_ARGS] Node "N" false,
    "kern.nfiles" => [CTL_KERN, KERN_NFILES] Int "I" false,
    "kern.ttycount" => [CTL_KERN, KERN_TTYCOUNT] Int "I" false,
    "kern.numvnodes" => [CTL_KERN, KERN_NUMVNODES] Int "I" false,
    "kern.mbstat" => [CTL_KERN, KERN_MBSTAT] Opaque "S,mbstat" false,
    "kern.seminfo" => [CTL_KERN, KERN_SEMINFO] Node "N" false,
    "kern.shminfo" => [CTL_KERN, KERN_SHMINFO] Node "N" false,
    "kern.intrcnt" => [CTL_KERN, KERN_INTRCNT] Node "N" false,
    "kern.watchdog" => [CTL_KERN, KERN_WATCHDOG] Node "N" false,
    "kern.proc" => [CTL_KERN, KERN_PROC] Node "N" false,
    "kern.maxclusters" => [CTL_KERN, KERN_MAXCLUSTERS] Int "I" true,
    "kern.evcount" => [CTL_KERN, KERN_EVCOUNT] Node "N" false,
    "kern.timecounter" => [CTL_KERN, KERN_TIMECOUNTER] Node "N" false,
    "kern.maxlocksperuid" => [CTL_KERN, KERN_MAXLOCKSPERUID] Int "I" true,
    "kern.cp_time2" => [CTL_KERN, KERN_CPTIME2] Node "N" false,
    "kern.bufcachepercent" => [CTL_KERN, KERN_CACHEPCT] Int "I" true,
    "kern.file" => [CTL_KERN, KERN_FILE] Node "N" false,
    "kern.consdev" => [CTL_KERN, KERN_CONSDEV] Opaque "T,dev_t" false,
    "kern.netlivelocks" => [CTL_KERN, KERN_NETLIVELOCKS] Int "I" false,
    "kern.pool_debug" => [CTL_KERN, KERN_POOL_DEBUG] Int "I" true,
    "kern.proc_cwd" => [CTL_KERN, KERN_PROC_CWD] Node "N" false,
    "kern.proc_nobroadcastkill" => [CTL_KERN, KERN_PROC_NOBROADCASTKILL] Node "N" false,
    "kern.proc_vmmap" => [CTL_KERN, KERN_PROC_VMMAP] Node "N" false,
    "kern.global_ptrace" => [CTL_KERN, KERN_GLOBAL_PTRACE] Int "I" true,
    "kern.consbufsize" => [CTL_KERN, KERN_CONSBUFSIZE] Int "I" false,
    "kern.consbuf" => [CTL_KERN, KERN_CONSBUF] Opaque "S,msgbuf" false,
    "kern.audio" => [CTL_KERN, KERN_AUDIO] Node "N" false,
    "kern.cpustats" => [CTL_KERN, KERN_CPUSTATS] Node "N" false,
    "kern.pfstatus" => [CTL_KERN, KERN_PFSTATUS] Opaque "S,pf_status" false,
    "kern.timeout_stats" => [CTL_KERN, KERN_TIMEOUT_STATS] Opaque "S,timeoutstat" false,
    "vm" => [CTL_VM] Node "N" false,
    "vm.vmmeter" => [CTL_VM, VM_METER] Opaque "S,vmtotal" false,
    "vm.loadavg" => [CTL_VM, VM_LOADAVG] Opaque "S,loadavg" false,
    "vm.psstrings" => [CTL_VM, VM_PSSTRINGS] Opaque "S,_ps_strings" false,
    "vm.uvmexp" => [CTL_VM, VM_UVMEXP] Opaque "S,uvmexp" false,
    "vm.swapencrypt" => [CTL_VM, VM_SWAPENCRYPT] Node "N" false,
    "vm.nkmempages" => [CTL_VM, VM_NKMEMPAGES] Int "I" false,
    "vm.anonmin" => [CTL_VM, VM_ANONMIN] Int "I" true,
    "vm.vtextmin" => [CTL_VM, VM_VTEXTMIN] Int "I" true,
    "vm.vnodemin" => [CTL_VM, VM_VNODEMIN] Int "I" true,
    "vm.maxslp" => [CTL_VM, VM_MAXSLP] Int "I" false,
    "vm.uspace" => [CTL_VM, VM_USPACE] Int "I" false,
    "vm.malloc_conf" => [CTL_VM, VM_MALLOC_CONF] String "A" true,
    "hw" => [CTL_HW] Node "N" false,
    "hw.machine" => [CTL_HW, HW_MACHINE] String "A" false,
    "hw.model" => [CTL_HW, HW_MODEL] String "A" false,
    "hw.ncpu" => [CTL_HW, HW_NCPU] Int "I" false,
    "hw.byteorder" => [CTL_HW, HW_BYTEORDER] Int "I" false,
    "hw.pagesize" => [CTL_HW, HW_PAGESIZE] Int "I" false,
    "hw.disknames" => [CTL_HW, HW_DISKNAMES] String "A" false,
    "hw.diskstats" => [CTL_HW, HW_DISKSTATS] Opaque "S,diskstats" false,
    "hw.diskcount" => [CTL_HW, HW_DISKCOUNT] Int "I" false,
    "hw.sensors" => [CTL_HW, HW_SENSORS] Node "N" false,
    "hw.cpuspeed" => [CTL_HW, HW_CPUSPEED] Int "I" false,
    "hw.setperf" => [CTL_HW, HW_SETPERF] Int "I" true,
    "hw.vendor" => [CTL_HW, HW_VENDOR] String "A" false,
    "hw.product" => [CTL_HW, HW_PRODUCT] String "A" false,
    "hw.version" => [CTL_HW, HW_VERSION] String "A" false,
    "hw.serialno" => [CTL_HW, HW_SERIALNO] String "A" false,
    "hw.uuid" => [CTL_HW, HW_UUID] String "A" false,
    "hw.physmem" => [CTL_HW, HW_PHYSMEM64] I64 "Q" false,
    "hw.usermem" => [CTL_HW, HW_USERMEM64] I64 "Q" false,
    "hw.ncpufound" => [CTL_HW, HW_NCPUFOUND] Int "I" false,
    "hw.allowpowerdown" => [CTL_HW, HW_ALLOWPOWERDOWN] Int "I" true,
    "hw.perfpolicy" => [CTL_HW, HW_PERFPOLICY] String "A" true,
    "hw.smt" => [CTL_HW, HW_SMT] Int "I" true,
    "hw.ncpuonline" => [CTL_HW, HW_NCPUONLINE] Int "I" false,
    "hw.power" => [CTL_HW, HW_POWER] Int "I" false,
    "hw.battery" => [CTL_HW, HW_BATTERY] Node "N" false,
    "hw.ucomnames" => [CTL_HW, HW_UCOMNAMES] String "A" false,
};

/// The entry named `name`.
pub(crate) fn lookup<'t>(table: &'t [Entry], name: &str) -> Option<&'t Entry> {
    table.iter().find(|e| e.name == name)
}

/// The value-bearing entries at or below `prefix` (`""` for all), in table
/// order; [`Kind::Node`] entries are not values and are left out.
pub(crate) fn below<'t>(table: &'t [Entry], prefix: &str) -> Vec<&'t Entry> {
    table
        .iter()
        .filter(|e| {
            e.kind != Kind::Node
                && (prefix.is_empty()
                    || e.name == prefix
                    || e.name.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('.')))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_everyone_uses() {
        let e = lookup(TABLE, "kern.ostype").unwrap();
        assert_eq!((e.mib, e.kind), (&[1, 1][..], Kind::String));
        assert_eq!(lookup(TABLE, "hw.ncpu").unwrap().mib, &[6, 3]);
        let b = lookup(TABLE, "kern.boottime").unwrap();
        assert_eq!((b.mib, b.fmt), (&[1, 21][..], "S,timeval"));
        assert_eq!(lookup(TABLE, "vm.loadavg").unwrap().mib, &[2, 2]);
        assert_eq!(lookup(TABLE, "hw.physmem").unwrap().mib, &[6, 19]);
        assert_eq!(lookup(TABLE, "hw.pagesize").unwrap().mib, &[6, 7]);
        let u = lookup(TABLE, "hw.ucomnames").unwrap();
        assert_eq!((u.mib, u.kind), (&[6, 28][..], Kind::String));
        assert_eq!(lookup(TABLE, "hw.battery").unwrap().kind, Kind::Node);
        // The 32-bit HW_PHYSMEM (5) and HW_USERMEM (6) have no name.
        assert!(TABLE.iter().all(|e| e.mib != [CTL_HW, 5] && e.mib != [CTL_HW, 6]));
        assert_eq!(lookup(TABLE, "kern.clockrate").unwrap().fmt, "S,clockinfo");
        assert_eq!(lookup(TABLE, "kern").unwrap().kind, Kind::Node);
        assert_eq!(lookup(TABLE, "kern.nonexistent"), None);
        assert_eq!(lookup(TABLE, "kern.ostype.x"), None);
        assert_eq!(lookup(TABLE, "kern.").map(|e| e.name), None);
    }

    #[test]
    fn table_is_consistent() {
        let mut names = std::collections::HashSet::new();
        let mut mibs = std::collections::HashSet::new();
        let mut last: &[c_int] = &[];
        for e in TABLE {
            assert!(names.insert(e.name), "duplicate name {}", e.name);
            assert!(mibs.insert(e.mib), "duplicate mib {:?}", e.mib);
            // Mib order, so the walk is the system's order.
            assert!(e.mib > last, "{} out of order", e.name);
            last = e.mib;
            assert!(e.mib.len() <= CTL_MAXNAME as usize);
            // The parent of every name is a node of the table with the
            // parent mib.
            if let Some((parent, _)) = e.name.rsplit_once('.') {
                let p = lookup(TABLE, parent).unwrap();
                assert_eq!(p.kind, Kind::Node);
                assert_eq!(p.mib, &e.mib[..e.mib.len() - 1]);
            }
        }
    }

    #[test]
    fn walking_below_a_prefix() {
        let all: Vec<&str> = below(TABLE, "").into_iter().map(|e| e.name).collect();
        assert!(all.len() > 80);
        assert!(!all.contains(&"kern") && !all.contains(&"kern.proc"));
        let hw: Vec<&str> = below(TABLE, "hw").into_iter().map(|e| e.name).collect();
        assert_eq!(hw.first(), Some(&"hw.machine"));
        assert!(hw.iter().all(|n| n.starts_with("hw.")));
        assert_eq!(hw.len(), all.iter().filter(|n| n.starts_with("hw.")).count());
        // A leaf is its own walk; a prefix must end at a dot.
        assert_eq!(
            below(TABLE, "kern.ostype")
                .into_iter()
                .map(|e| e.name)
                .collect::<Vec<_>>(),
            ["kern.ostype"]
        );
        assert_eq!(below(TABLE, "kern.os").len(), 0);
        assert_eq!(below(TABLE, "nope").len(), 0);
        assert_eq!(below(TABLE, "vm").first().map(|e| e.name), Some("vm.vmmeter"));
    }
}
