//! [`ChildInfo`]: what `waitid(2)` (and FreeBSD's `wait6(2)`) report about a
//! child in a `siginfo_t`, read with each family's layout.
//!
//! The layouts, from each platform's `<sys/signal.h>`/`<sys/siginfo.h>`:
//!
//! | family | `si_code` | `si_pid` | `si_uid` | `si_status` |
//! |---|---|---|---|---|
//! | FreeBSD, DragonFly, Apple | 8 | 12 | 16 | 20 (flat fields) |
//! | NetBSD | 4 | union + 0 | union + 4 | union + 8 (`_child`) |
//! | OpenBSD | 4 | union + 0 | `_pdata` + 0 | `_pdata` + 8 (`_cld`: `_utime`, `_status`, `_stime`) |
//! | Linux | 8 | union + 0 | union + 4 | union + 8 (`_sigchld`) |
//!
//! where the union follows the three leading `int`s at the next multiple of
//! its alignment, and OpenBSD's `_pdata` follows `_pid` at the next
//! multiple of that alignment. NetBSD's and OpenBSD's unions hold 64-bit
//! integers, so they are aligned like one: at 16 on every 64-bit target and
//! on the 32-bit ones whose 64-bit integers are 8-aligned (armv6/armv7,
//! mipsel, powerpc), at 12 on i386. Linux's union holds nothing wider than a
//! pointer: 16 on 64-bit targets, 12 on every 32-bit one. NetBSD and OpenBSD
//! put `si_code` before `si_errno`.
//!
//! # How the layouts are checked
//! At compile time, on every target: the offsets [`Layout::of`] computes
//! for this target's pointer width and 64-bit alignment equal those the
//! compiler gives `#[repr(C)]` transcriptions of NetBSD's and OpenBSD's
//! headers (`siginfo/header.rs`, which cites them), and the host's equal
//! `libc`'s `siginfo_t` where `libc` declares the fields. The buffer the
//! kernel fills has the header's size.
//!
//! `libc` (0.2.191) is not the reference on NetBSD and OpenBSD: it
//! declares `si_addr` straight after the three `int`s on every 32-bit
//! target, which is right on i386 but 4 bytes early on the targets whose
//! 64-bit integers are 8-aligned, and there its OpenBSD `siginfo_t` is 128
//! bytes where the kernel writes 136. So the host's offsets are compared
//! with `libc`'s `si_addr` only where `libc` follows the header.
//!
//! The `libc` crate's OpenBSD accessors (`si_pid()`, `si_uid()`,
//! `si_status()`) place the fields *after* the 116-byte padding member of
//! the union, past the end of the real data; they are not used here.
//!
//! # OpenBSD: `si_status` at 32 (LP64), from the header
//! OpenBSD's `sys/sys/siginfo.h` (openbsd/src, commit 52a0e603) defines
//! `siginfo_t` as `int si_signo, si_code, si_errno;` and a union of
//! `SI_MAXSZ` (128) − 12 bytes whose `_proc` member is `pid_t _pid;`
//! followed by the union `_pdata` of `_kill { uid_t _uid; union sigval
//! _value; }` and `_cld { clock_t _utime; int _status; clock_t _stime; }`;
//! `si_pid`, `si_uid` and `si_status` name `_proc._pid`,
//! `_pdata._kill._uid` and `_pdata._cld._status`. `clock_t` is 64-bit on
//! every OpenBSD, so on amd64 the union starts at 16, `_pdata` at 24
//! (`si_uid`), `_status` 8 bytes into it at 32, and the whole is 136
//! bytes; on i386 (64-bit integers aligned to 4) 12, 16 and 24. `si_uid`
//! shares its bytes with the low half of `_utime`, which `waitid` leaves
//! for it.

use crate::status::{Family, WaitEvent};
use crate::Uid;

mod header;

/// Why a child's state changed, from `si_code` (`CLD_*`, the same values
/// on every supported platform).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChildCode {
    /// `CLD_EXITED`: the child exited; the status is its exit code.
    Exited,
    /// `CLD_KILLED`: the child was killed; the status is the signal.
    Killed,
    /// `CLD_DUMPED`: the child was killed and dumped core; the status is the
    /// signal.
    Dumped,
    /// `CLD_TRAPPED`: a traced child trapped; the status is the signal.
    Trapped,
    /// `CLD_STOPPED`: the child stopped; the status is the signal.
    Stopped,
    /// `CLD_CONTINUED`: the child continued; the status is `SIGCONT`.
    Continued,
    /// A code this crate does not know; the raw value.
    Other(i32),
}

impl ChildCode {
    /// The code for a raw `si_code`.
    #[must_use]
    pub const fn from_raw(raw: i32) -> ChildCode {
        match raw {
            CLD_EXITED => ChildCode::Exited,
            CLD_KILLED => ChildCode::Killed,
            CLD_DUMPED => ChildCode::Dumped,
            CLD_TRAPPED => ChildCode::Trapped,
            CLD_STOPPED => ChildCode::Stopped,
            CLD_CONTINUED => ChildCode::Continued,
            other => ChildCode::Other(other),
        }
    }

    /// The raw `si_code`.
    #[must_use]
    pub const fn raw(self) -> i32 {
        match self {
            ChildCode::Exited => CLD_EXITED,
            ChildCode::Killed => CLD_KILLED,
            ChildCode::Dumped => CLD_DUMPED,
            ChildCode::Trapped => CLD_TRAPPED,
            ChildCode::Stopped => CLD_STOPPED,
            ChildCode::Continued => CLD_CONTINUED,
            ChildCode::Other(raw) => raw,
        }
    }
}

// `<sys/signal.h>` on the BSDs and Apple, `<bits/siginfo-consts.h>` on
// Linux: the same six values everywhere (checked against `libc` in the
// tests).
const CLD_EXITED: i32 = 1;
const CLD_KILLED: i32 = 2;
const CLD_DUMPED: i32 = 3;
const CLD_TRAPPED: i32 = 4;
const CLD_STOPPED: i32 = 5;
const CLD_CONTINUED: i32 = 6;

/// A child's state change as `waitid(2)` reports it: who, whose, what
/// happened, and the status (an exit code or a signal number).
///
/// ```no_run
/// use bsd_proc::{waitid, ChildCode, WaitId, WaitOptions};
/// let child = std::process::Command::new("true").spawn()?;
/// let pid = i32::try_from(child.id()).unwrap();
/// let info = waitid(WaitId::Pid(pid), WaitOptions::EXITED)?.expect("not NOHANG: a child");
/// assert_eq!(info.pid(), pid);
/// assert_eq!(info.code(), ChildCode::Exited);
/// assert_eq!(info.status(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChildInfo {
    pid: libc::pid_t,
    uid: Uid,
    code: ChildCode,
    status: i32,
}

impl ChildInfo {
    /// The child's process id (`si_pid`).
    #[inline]
    #[must_use]
    pub const fn pid(&self) -> libc::pid_t {
        self.pid
    }

    /// The child's real user id (`si_uid`).
    #[inline]
    #[must_use]
    pub const fn uid(&self) -> Uid {
        self.uid
    }

    /// What happened (`si_code`).
    #[inline]
    #[must_use]
    pub const fn code(&self) -> ChildCode {
        self.code
    }

    /// `si_status`: the exit code for [`ChildCode::Exited`], a signal
    /// number otherwise.
    #[inline]
    #[must_use]
    pub const fn status(&self) -> i32 {
        self.status
    }

    /// Reads a `siginfo_t` that describes a child (from `waitid`, or a
    /// `SIGCHLD` handler installed with `SA_SIGINFO`) with this platform's
    /// layout. `None` when `si_pid` is 0 (what `waitid` with `WNOHANG`
    /// leaves when no child changed state).
    ///
    /// The fields are read at the offsets of the system's header, not
    /// through `libc`'s field names, which are misplaced on some 32-bit
    /// NetBSD and OpenBSD targets. There (powerpc OpenBSD) `libc`'s
    /// `siginfo_t` is also 8 bytes shorter than the 136 the kernel writes:
    /// a buffer for your own `waitid` call needs the kernel's size, which
    /// [`waitid`](crate::waitid) uses.
    ///
    /// ```
    /// use bsd_proc::ChildInfo;
    /// // SAFETY: siginfo_t is plain data; all-zero bytes are a valid value.
    /// let empty: libc::siginfo_t = unsafe { std::mem::zeroed() };
    /// assert_eq!(ChildInfo::from_siginfo(&empty), None);
    /// ```
    #[must_use]
    pub fn from_siginfo(si: &libc::siginfo_t) -> Option<ChildInfo> {
        // Only the four fields are copied: `siginfo_t` may have padding
        // bytes elsewhere, which must not be read.
        let base: *const u8 = (si as *const libc::siginfo_t).cast();
        let l = Layout::HOST;
        let mut bytes = [0u8; Layout::HOST.end()];
        for at in [l.code, l.pid, l.uid, l.status] {
            let dst = bytes.get_mut(at..at + 4)?;
            // SAFETY: `at + 4 <= Layout::HOST.end() <= size_of::<siginfo_t>()`
            // (checked at compile time), and the four bytes at `at` are a
            // C `int`/`pid_t`/`uid_t` member of every platform's siginfo_t,
            // so initialized.
            unsafe { core::ptr::copy_nonoverlapping(base.add(at), dst.as_mut_ptr(), 4) };
        }
        Layout::HOST.decode(&bytes)
    }

    /// The same information as a [`WaitEvent`], to share code with
    /// [`WaitStatus::event`](crate::WaitStatus::event). An unknown code gives
    /// [`WaitEvent::Unknown`] with the raw `si_status`.
    #[must_use]
    pub const fn event(&self) -> WaitEvent {
        match self.code {
            ChildCode::Exited => WaitEvent::Exited(self.status),
            ChildCode::Killed => WaitEvent::Signaled {
                signal: self.status,
                core_dumped: false,
            },
            ChildCode::Dumped => WaitEvent::Signaled {
                signal: self.status,
                core_dumped: true,
            },
            ChildCode::Trapped | ChildCode::Stopped => WaitEvent::Stopped(self.status),
            ChildCode::Continued => WaitEvent::Continued,
            ChildCode::Other(_) => WaitEvent::Unknown(self.status),
        }
    }
}

/// Byte offsets of the fields `waitid` fills in, for one family and data
/// model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    pub(crate) code: usize,
    pub(crate) pid: usize,
    pub(crate) uid: usize,
    pub(crate) status: usize,
}

const fn round_up(x: usize, align: usize) -> usize {
    x.div_ceil(align) * align
}

impl Layout {
    /// The layout of `family`'s `siginfo_t` on a target whose pointers are
    /// `ptr_bytes` wide and whose 64-bit integers are aligned to
    /// `i64_align` bytes.
    pub(crate) const fn of(family: Family, ptr_bytes: usize, i64_align: usize) -> Layout {
        match family {
            // struct __siginfo { int si_signo, si_errno, si_code; pid_t si_pid;
            // uid_t si_uid; int si_status; void *si_addr; ... }
            Family::FreeBsd | Family::DragonFly | Family::Apple => Layout {
                code: 8,
                pid: 12,
                uid: 16,
                status: 20,
            },
            // struct _ksiginfo { int _signo, _code, _errno; [int _pad on LP64];
            // union { ...; struct { pid_t _pid; uid_t _uid; int _status;
            // clock_t _utime, _stime; } _child; ... uint64_t _args[8] ... } }
            Family::NetBsd => {
                let union = round_up(12, max(ptr_bytes, i64_align));
                Layout {
                    code: 4,
                    pid: union,
                    uid: union + 4,
                    status: union + 8,
                }
            }
            // typedef struct { int si_signo, si_code, si_errno; union { int _pad[];
            // struct { pid_t _pid; union { struct { uid_t _uid; union sigval
            // _value; } _kill; struct { clock_t _utime; int _status; clock_t
            // _stime; } _cld; } _pdata; } _proc; ... } _data; } (clock_t is
            // 64-bit on every OpenBSD)
            Family::OpenBsd => {
                let align = max(ptr_bytes, i64_align);
                let union = round_up(12, align);
                let pdata = round_up(union + 4, align);
                Layout {
                    code: 4,
                    pid: union,
                    uid: pdata,
                    status: pdata + 8,
                }
            }
            // glibc/musl: int si_signo, si_errno, si_code; [int __pad0 on
            // 64-bit]; union { ...; struct { pid_t si_pid; uid_t si_uid; int
            // si_status; clock_t si_utime, si_stime; } _sigchld; ... }
            Family::Linux => {
                let union = round_up(12, ptr_bytes);
                Layout {
                    code: 8,
                    pid: union,
                    uid: union + 4,
                    status: union + 8,
                }
            }
        }
    }

    /// The layout of this target's `siginfo_t`.
    pub(crate) const HOST: Layout = Layout::of(
        Family::HOST,
        core::mem::size_of::<usize>(),
        core::mem::align_of::<u64>(),
    );

    /// One past the last byte read.
    pub(crate) const fn end(&self) -> usize {
        max(max(self.code, self.pid), max(self.uid, self.status)) + 4
    }

    /// Reads a `siginfo_t` the kernel filled in (after the caller zeroed
    /// it). `None` when `si_pid` is 0 (`WNOHANG` found nothing) or the bytes
    /// are too short for this layout.
    pub(crate) fn decode(&self, bytes: &[u8]) -> Option<ChildInfo> {
        self.decode_fields(bytes).filter(|info| info.pid != 0)
    }

    /// Reads the siginfo of a call that already named the child `pid`
    /// (`wait6`): a zero `si_pid` is replaced by `pid`.
    #[cfg(any(target_os = "freebsd", target_os = "netbsd", test))]
    pub(crate) fn decode_or_pid(&self, bytes: &[u8], pid: libc::pid_t) -> ChildInfo {
        let mut info = self.decode_fields(bytes).unwrap_or(ChildInfo {
            pid,
            uid: Uid::from_raw(0),
            code: ChildCode::Other(0),
            status: 0,
        });
        if info.pid == 0 {
            info.pid = pid;
        }
        info
    }

    fn decode_fields(&self, bytes: &[u8]) -> Option<ChildInfo> {
        Some(ChildInfo {
            pid: read_i32(bytes, self.pid)?,
            uid: Uid::from_raw(u32::from_ne_bytes(read4(bytes, self.uid)?)),
            code: ChildCode::from_raw(read_i32(bytes, self.code)?),
            status: read_i32(bytes, self.status)?,
        })
    }
}

/// Entry points for the fuzz targets (`fuzz/fuzz_targets/siginfo.rs`):
/// the decoder of any family and data model, and its offsets. Not part of
/// the API.
#[doc(hidden)]
pub mod __fuzz {
    use super::{ChildInfo, Layout};
    use crate::Family;

    /// `[si_code, si_pid, si_uid, si_status]` offsets of `family`'s
    /// `siginfo_t` with `ptr_bytes`-wide pointers and `i64_align`-aligned
    /// 64-bit integers.
    #[must_use]
    pub fn offsets(family: Family, ptr_bytes: usize, i64_align: usize) -> [usize; 4] {
        let l = Layout::of(family, ptr_bytes, i64_align);
        [l.code, l.pid, l.uid, l.status]
    }

    /// Decodes `bytes` as `family`'s `siginfo_t` (see [`offsets`]).
    #[must_use]
    pub fn decode(family: Family, ptr_bytes: usize, i64_align: usize, bytes: &[u8]) -> Option<ChildInfo> {
        Layout::of(family, ptr_bytes, i64_align).decode(bytes)
    }
}

/// A buffer the kernel fills as a `siginfo_t`, read back as bytes: as large
/// as the kernel's structure (the header's size on NetBSD and OpenBSD,
/// `libc`'s elsewhere) and at least as large as `libc`'s.
#[repr(C, align(16))]
pub(crate) struct SiginfoBuf([u8; SIGINFO_SIZE]);

#[cfg(target_os = "netbsd")]
const SIGINFO_SIZE: usize = header::NETBSD_SIZE;
#[cfg(target_os = "openbsd")]
const SIGINFO_SIZE: usize = header::OPENBSD_SIZE;
#[cfg(not(any(target_os = "netbsd", target_os = "openbsd")))]
const SIGINFO_SIZE: usize = core::mem::size_of::<libc::siginfo_t>();
const _: () = assert!(SIGINFO_SIZE >= core::mem::size_of::<libc::siginfo_t>());
const _: () = assert!(core::mem::align_of::<libc::siginfo_t>() <= 16);
// `ChildInfo::from_siginfo` reads the four fields of a `libc::siginfo_t`.
const _: () = assert!(Layout::HOST.end() <= core::mem::size_of::<libc::siginfo_t>());

// `Layout::of` against the header transcriptions, as the compiler lays
// them out for this target's data model, on every target (the Linux hosts
// included, which check the arithmetic for their own data model).
const _: () = {
    let ptr = core::mem::size_of::<usize>();
    let i64_align = core::mem::align_of::<u64>();
    let nb = Layout::of(Family::NetBsd, ptr, i64_align);
    let [code, pid, uid, status] = header::NETBSD_OFFSETS;
    assert!(nb.code == code && nb.pid == pid && nb.uid == uid && nb.status == status);
    let ob = Layout::of(Family::OpenBsd, ptr, i64_align);
    let [code, pid, uid, status] = header::OPENBSD_OFFSETS;
    assert!(ob.code == code && ob.pid == pid && ob.uid == uid && ob.status == status);
    // NetBSD: `si_pad[128]` sets the size on every target. OpenBSD:
    // `SI_MAXSZ` (128) bytes, 136 where the union is 8-aligned.
    assert!(header::NETBSD_SIZE == 128);
    assert!(header::OPENBSD_SIZE == if ob.pid == 16 { 136 } else { 128 });
};

// The host layout against `libc`'s own `siginfo_t`, checked at compile time:
// `si_code` everywhere; the flat fields of FreeBSD, DragonFly and Apple; on
// NetBSD and OpenBSD, the start of the union (where `libc` puts `si_addr`,
// the first member of every arm) where `libc` follows the header (see the
// module's docs: not on 32-bit targets with 8-aligned 64-bit integers,
// where the header transcriptions above are the check).
const _: () = assert!(core::mem::offset_of!(libc::siginfo_t, si_code) == Layout::HOST.code);
#[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_vendor = "apple"))]
const _: () = {
    assert!(core::mem::offset_of!(libc::siginfo_t, si_pid) == Layout::HOST.pid);
    assert!(core::mem::offset_of!(libc::siginfo_t, si_uid) == Layout::HOST.uid);
    assert!(core::mem::offset_of!(libc::siginfo_t, si_status) == Layout::HOST.status);
};
#[cfg(any(target_os = "netbsd", target_os = "openbsd"))]
const _: () = assert!(
    core::mem::align_of::<u64>() > core::mem::size_of::<usize>()
        || core::mem::offset_of!(libc::siginfo_t, si_addr) == Layout::HOST.pid
);
// Linux: 128 bytes on every target.
#[cfg(target_os = "linux")]
const _: () = assert!(SIGINFO_SIZE == 128);

impl SiginfoBuf {
    pub(crate) const fn zeroed() -> SiginfoBuf {
        SiginfoBuf([0; SIGINFO_SIZE])
    }

    /// The buffer as the `siginfo_t *` a call writes to.
    pub(crate) fn as_mut_ptr(&mut self) -> *mut libc::siginfo_t {
        self.0.as_mut_ptr().cast()
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

const fn max(a: usize, b: usize) -> usize {
    if a > b {
        a
    } else {
        b
    }
}

fn read4(bytes: &[u8], at: usize) -> Option<[u8; 4]> {
    bytes.get(at..at.checked_add(4)?)?.try_into().ok()
}

fn read_i32(bytes: &[u8], at: usize) -> Option<i32> {
    read4(bytes, at).map(i32::from_ne_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGCHLD_BSD: i32 = 20;
    const SIGCHLD_LINUX: i32 = 17;

    /// The three data models the supported targets have.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Model {
        /// 64-bit pointers and 8-aligned 64-bit integers.
        Lp64,
        /// 32-bit pointers, 64-bit integers aligned to 4 (i386).
        I386,
        /// 32-bit pointers, 64-bit integers aligned to 8 (armv6/armv7,
        /// mipsel, powerpc).
        Ilp32Align8,
    }

    const MODELS: [Model; 3] = [Model::Lp64, Model::I386, Model::Ilp32Align8];

    /// A `siginfo_t` as a kernel of `family` writes it for a child event:
    /// zeroed, then `si_signo`, `si_code`, `si_pid`, `si_uid`, `si_status`
    /// stored at the header's offsets (written out by hand here, not taken
    /// from `Layout`).
    fn kernel_writes(family: Family, model: Model, code: i32, pid: i32, uid: u32, status: i32) -> Vec<u8> {
        let mut b = vec![0u8; 136];
        let mut put = |at: usize, v: [u8; 4]| b[at..at + 4].copy_from_slice(&v);
        let (signo_at, code_at, pid_at, uid_at, status_at, signo) = match (family, model) {
            (Family::FreeBsd | Family::DragonFly | Family::Apple, _) => (0, 8, 12, 16, 20, SIGCHLD_BSD),
            (Family::NetBsd, Model::Lp64 | Model::Ilp32Align8) => (0, 4, 16, 20, 24, SIGCHLD_BSD),
            (Family::NetBsd, Model::I386) => (0, 4, 12, 16, 20, SIGCHLD_BSD),
            (Family::OpenBsd, Model::Lp64 | Model::Ilp32Align8) => (0, 4, 16, 24, 32, SIGCHLD_BSD),
            (Family::OpenBsd, Model::I386) => (0, 4, 12, 16, 24, SIGCHLD_BSD),
            (Family::Linux, Model::Lp64) => (0, 8, 16, 20, 24, SIGCHLD_LINUX),
            (Family::Linux, Model::I386 | Model::Ilp32Align8) => (0, 8, 12, 16, 20, SIGCHLD_LINUX),
        };
        put(signo_at, signo.to_ne_bytes());
        put(code_at, code.to_ne_bytes());
        put(pid_at, pid.to_ne_bytes());
        put(uid_at, uid.to_ne_bytes());
        put(status_at, status.to_ne_bytes());
        // FreeBSD's si_addr, OpenBSD's/Linux's si_utime: the kernel may leave
        // other fields non-zero; put noise where no field is read.
        b[128] = 0xaa;
        b
    }

    fn layout(family: Family, model: Model) -> Layout {
        match model {
            Model::Lp64 => Layout::of(family, 8, 8),
            Model::I386 => Layout::of(family, 4, 4),
            Model::Ilp32Align8 => Layout::of(family, 4, 8),
        }
    }

    #[test]
    fn every_family_reads_its_kernels_siginfo() {
        let bsd = (9, 15, 17, 19); // SIGKILL, SIGTERM, SIGSTOP, SIGCONT
        let lnx = (9, 15, 19, 18);
        for family in Family::ALL {
            let (kill, term, stop, cont) = if family == Family::Linux { lnx } else { bsd };
            for model in MODELS {
                let cases = [
                    (CLD_EXITED, 0, WaitEvent::Exited(0)),
                    (CLD_EXITED, 3, WaitEvent::Exited(3)),
                    (CLD_EXITED, 255, WaitEvent::Exited(255)),
                    (
                        CLD_KILLED,
                        kill,
                        WaitEvent::Signaled {
                            signal: kill,
                            core_dumped: false,
                        },
                    ),
                    (
                        CLD_DUMPED,
                        term,
                        WaitEvent::Signaled {
                            signal: term,
                            core_dumped: true,
                        },
                    ),
                    (CLD_STOPPED, stop, WaitEvent::Stopped(stop)),
                    (CLD_TRAPPED, 5, WaitEvent::Stopped(5)),
                    (CLD_CONTINUED, cont, WaitEvent::Continued),
                    (42, 7, WaitEvent::Unknown(7)),
                ];
                for (code, status, event) in cases {
                    let bytes = kernel_writes(family, model, code, 4242, 1001, status);
                    let info = layout(family, model).decode(&bytes).expect("a child");
                    assert_eq!(info.pid(), 4242, "{family:?} {model:?}");
                    assert_eq!(info.uid(), Uid::from_raw(1001), "{family:?} {model:?}");
                    assert_eq!(info.code().raw(), code, "{family:?} {model:?}");
                    assert_eq!(info.status(), status, "{family:?} {model:?}");
                    assert_eq!(info.event(), event, "{family:?} {model:?}");
                }
            }
        }
    }

    /// The offsets written by hand in `kernel_writes`, for this host's data
    /// model, are where the compiler puts the fields of the header
    /// transcriptions (`header.rs`).
    #[test]
    fn fixtures_agree_with_the_header_transcriptions() {
        let model = match (core::mem::size_of::<usize>(), core::mem::align_of::<u64>()) {
            (8, _) => Model::Lp64,
            (_, 4) => Model::I386,
            _ => Model::Ilp32Align8,
        };
        for (family, offsets, size) in [
            (Family::NetBsd, header::NETBSD_OFFSETS, header::NETBSD_SIZE),
            (Family::OpenBsd, header::OPENBSD_OFFSETS, header::OPENBSD_SIZE),
        ] {
            let b = kernel_writes(family, model, CLD_STOPPED, 4242, 1001, 17);
            let at = |i: usize| read_i32(&b, offsets[i]);
            assert_eq!(
                [at(0), at(1), at(2), at(3)],
                [Some(CLD_STOPPED), Some(4242), Some(1001), Some(17)],
                "{family:?} {model:?}"
            );
            assert!(size <= b.len(), "{family:?}");
        }
    }

    #[test]
    fn layouts_differ_where_the_headers_do() {
        // A NetBSD record read with FreeBSD's layout is wrong: the layouts
        // are not interchangeable.
        let nb = kernel_writes(Family::NetBsd, Model::Lp64, CLD_EXITED, 4242, 1001, 3);
        let wrong = layout(Family::FreeBsd, Model::Lp64).decode(&nb);
        assert_ne!(wrong.map(|i| (i.pid(), i.status())), Some((4242, 3)));
        // OpenBSD's uid shares its slot with `_utime`, 8 bytes after the pid.
        let ob = layout(Family::OpenBsd, Model::Lp64);
        assert_eq!((ob.pid, ob.uid, ob.status), (16, 24, 32));
        // 32-bit targets with 8-aligned 64-bit integers (armv7) align the
        // unions like 64-bit ones on NetBSD and OpenBSD, not on Linux.
        assert_eq!(Layout::of(Family::OpenBsd, 4, 8), ob);
        assert_eq!(Layout::of(Family::NetBsd, 4, 8).pid, 16);
        assert_eq!(Layout::of(Family::Linux, 4, 8).pid, 12);
    }

    #[test]
    fn nothing_found_and_short_buffers_are_none() {
        for family in Family::ALL {
            for model in MODELS {
                let l = layout(family, model);
                assert_eq!(l.decode(&[0u8; 136]), None, "{family:?}: si_pid 0 is WNOHANG's nothing");
                let bytes = kernel_writes(family, model, CLD_EXITED, 1, 0, 0);
                assert_eq!(l.decode(&bytes[..l.end() - 1]), None, "{family:?} {model:?}");
                assert!(l.decode(&bytes[..l.end()]).is_some(), "{family:?} {model:?}");
                assert_eq!(l.decode(&[]), None);
            }
        }
    }

    #[test]
    fn child_codes_round_trip_and_match_libc() {
        for raw in -3..10 {
            assert_eq!(ChildCode::from_raw(raw).raw(), raw);
        }
        assert_eq!(ChildCode::from_raw(libc::CLD_EXITED), ChildCode::Exited);
        assert_eq!(ChildCode::from_raw(libc::CLD_KILLED), ChildCode::Killed);
        assert_eq!(ChildCode::from_raw(libc::CLD_DUMPED), ChildCode::Dumped);
        assert_eq!(ChildCode::from_raw(libc::CLD_TRAPPED), ChildCode::Trapped);
        assert_eq!(ChildCode::from_raw(libc::CLD_STOPPED), ChildCode::Stopped);
        assert_eq!(ChildCode::from_raw(libc::CLD_CONTINUED), ChildCode::Continued);
    }

    #[test]
    fn wait6_falls_back_to_the_returned_pid() {
        let l = layout(Family::FreeBsd, Model::Lp64);
        let mut bytes = kernel_writes(Family::FreeBsd, Model::Lp64, CLD_EXITED, 0, 5, 3);
        assert_eq!(l.decode(&bytes), None);
        let info = l.decode_or_pid(&bytes, 99);
        assert_eq!((info.pid(), info.status()), (99, 3));
        bytes[12] = 7;
        assert_eq!(l.decode_or_pid(&bytes, 99).pid(), i32::from_ne_bytes([7, 0, 0, 0]));
        assert_eq!(l.decode_or_pid(&[], 99).pid(), 99);
    }

    #[test]
    fn the_host_layout_fits_the_host_siginfo() {
        assert!(Layout::HOST.end() <= core::mem::size_of::<libc::siginfo_t>());
    }

    /// On Linux the layout is checked against `libc`'s accessors, which are
    /// right there, on a siginfo with distinct values in every field.
    #[cfg(target_os = "linux")]
    #[test]
    fn linux_layout_equals_libc_accessors() {
        let model = if cfg!(target_pointer_width = "64") {
            Model::Lp64
        } else {
            Model::I386
        };
        let bytes = kernel_writes(Family::Linux, model, CLD_DUMPED, 777, 1234, 6);
        let mut si = core::mem::MaybeUninit::<libc::siginfo_t>::zeroed();
        // SAFETY: `bytes` has at least size_of::<siginfo_t>() (128) bytes and
        // siginfo_t is plain data: any bytes are a valid value.
        let si = unsafe {
            core::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                si.as_mut_ptr().cast::<u8>(),
                core::mem::size_of::<libc::siginfo_t>(),
            );
            si.assume_init()
        };
        let info = Layout::HOST.decode(&bytes).expect("a child");
        // SAFETY: the accessors read fields of a fully initialized value.
        unsafe {
            assert_eq!(info.pid(), si.si_pid());
            assert_eq!(info.uid().raw(), si.si_uid());
            assert_eq!(info.status(), si.si_status());
        }
        assert_eq!(info.code().raw(), si.si_code);
    }
}
