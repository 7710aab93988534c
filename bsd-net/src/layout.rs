//! [`Layout`]: which kernel's byte layouts the pure encoders and decoders
//! read and write.
//!
//! Sockaddrs and control messages are bytes whose shape depends on the
//! kernel: BSD and Apple sockaddrs start with a length byte, Linux's do not;
//! `AF_INET6` is 10, 24, 28 or 30; `sun_path` holds 104 or 108 bytes; the
//! `CMSG_*` alignment is 4, 8 or 16. A [`Layout`] is those facts as a value,
//! so the decoders for every platform are compiled and tested on every host.
//! The system calls of this crate always use [`Layout::NATIVE`].

use core::fmt;

/// A kernel family whose socket byte layouts this crate knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Os {
    /// Linux (glibc and musl); Android rides along.
    Linux,
    /// FreeBSD.
    FreeBsd,
    /// DragonFly BSD.
    DragonFly,
    /// NetBSD.
    NetBsd,
    /// OpenBSD.
    OpenBsd,
    /// macOS, iOS and the other Apple systems (XNU).
    Apple,
}

impl Os {
    /// The BSD-derived kernels, whose sockaddrs carry a length byte.
    #[inline]
    #[must_use]
    pub const fn is_bsd(self) -> bool {
        !matches!(self, Os::Linux)
    }
}

/// The byte layouts of one kernel on one architecture: sockaddr shapes and
/// family numbers, `sun_path` capacity, the `cmsghdr` shape and alignment,
/// and the control-message levels and types.
///
/// Use [`Layout::NATIVE`] for what this machine's kernel writes; the other
/// constants let the pure codecs ([`Sockaddr::decode_with`],
/// [`RawCmsgs`], [`CmsgBuf::with_layout`]) read and write another platform's
/// bytes, for tests, fuzzing or captured data.
///
/// ```
/// use bsd_net::Layout;
/// // One 4-byte descriptor: 16 + 8 on 64-bit Linux, 12 + 4 on Apple.
/// assert_eq!(Layout::LINUX_64.cmsg_space(4), 24);
/// assert_eq!(Layout::APPLE_64.cmsg_space(4), 16);
/// assert_eq!(Layout::NETBSD_AARCH64.cmsg_space(4), 32);
/// ```
///
/// [`Sockaddr::decode_with`]: crate::Sockaddr::decode_with
/// [`RawCmsgs`]: crate::RawCmsgs
/// [`CmsgBuf::with_layout`]: crate::CmsgBuf::with_layout
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Layout {
    os: Os,
    /// Pointer width in bytes (4 or 8).
    ptr: u8,
    /// `CMSG_ALIGN` granularity in bytes (4, 8 or 16).
    align: u8,
    /// `time_t` width in bytes (4 or 8).
    time: u8,
}

impl fmt::Debug for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Layout({:?}, {}-bit, cmsg align {}, {}-bit time_t)",
            self.os,
            self.ptr as u32 * 8,
            self.align,
            self.time as u32 * 8
        )
    }
}

impl Layout {
    /// 64-bit Linux (x86_64, aarch64, riscv64, …): `cmsg_len` is a `size_t`,
    /// alignment 8.
    pub const LINUX_64: Layout = Layout {
        os: Os::Linux,
        ptr: 8,
        align: 8,
        time: 8,
    };
    /// 32-bit Linux (i686, arm): `cmsg_len` is a 32-bit `size_t`, alignment 4.
    pub const LINUX_32: Layout = Layout {
        os: Os::Linux,
        ptr: 4,
        align: 4,
        time: 4,
    };
    /// 64-bit FreeBSD (x86_64, aarch64, riscv64, powerpc64): alignment 8.
    pub const FREEBSD_64: Layout = Layout {
        os: Os::FreeBsd,
        ptr: 8,
        align: 8,
        time: 8,
    };
    /// DragonFly (x86_64): alignment 8.
    pub const DRAGONFLY_64: Layout = Layout {
        os: Os::DragonFly,
        ptr: 8,
        align: 8,
        time: 8,
    };
    /// NetBSD x86_64: alignment 8.
    pub const NETBSD_64: Layout = Layout {
        os: Os::NetBsd,
        ptr: 8,
        align: 8,
        time: 8,
    };
    /// NetBSD aarch64: alignment 16.
    ///
    /// NetBSD's `__CMSG_ALIGN(n)` rounds to `__ALIGNBYTES + 1`, and
    /// `<aarch64/cdefs.h>` makes `__ALIGNBYTES` the alignment of a 128-bit
    /// type less one (15), as `<riscv/cdefs.h>` does for riscv64 (where the
    /// `libc` crate agrees: 16). Go's `syscall` aligns control messages to
    /// 16 on netbsd/arm64 for the same reason. The `libc` crate's aarch64
    /// value, `sizeof(int) - 1`, is the old 32-bit ARM (non-EABI) one; its
    /// `CMSG_*` functions are not used by this crate.
    pub const NETBSD_AARCH64: Layout = Layout {
        os: Os::NetBsd,
        ptr: 8,
        align: 16,
        time: 8,
    };
    /// 64-bit OpenBSD (x86_64, aarch64, riscv64): alignment 8.
    pub const OPENBSD_64: Layout = Layout {
        os: Os::OpenBsd,
        ptr: 8,
        align: 8,
        time: 8,
    };
    /// 64-bit Apple (x86_64, arm64): alignment 4 (`__DARWIN_ALIGN32`).
    pub const APPLE_64: Layout = Layout {
        os: Os::Apple,
        ptr: 8,
        align: 4,
        time: 8,
    };

    /// Every named layout, for tests and fuzzing.
    pub const ALL: &'static [Layout] = &[
        Layout::LINUX_64,
        Layout::LINUX_32,
        Layout::FREEBSD_64,
        Layout::DRAGONFLY_64,
        Layout::NETBSD_64,
        Layout::NETBSD_AARCH64,
        Layout::OPENBSD_64,
        Layout::APPLE_64,
    ];

    /// The layout of the kernel this crate was compiled for: what every
    /// system call of this crate reads and writes.
    pub const NATIVE: Layout = Layout {
        os: NATIVE_OS,
        ptr: core::mem::size_of::<usize>() as u8,
        align: NATIVE_ALIGN as u8,
        time: core::mem::size_of::<libc::time_t>() as u8,
    };

    /// A layout for another architecture of a known kernel.
    ///
    /// `pointer_width` is in bytes (4 or 8); `cmsg_align` is the kernel's
    /// `CMSG_ALIGN` granularity (4, 8 or 16). Returns `None` for other values.
    ///
    /// `time_t` is taken to be the pointer's width on Linux (the classic
    /// 32-bit ABI) and 64 bits on the BSDs and Apple, which is what every
    /// architecture has except FreeBSD i386: use
    /// [`with_time_width`](Self::with_time_width) for that one.
    ///
    /// ```
    /// use bsd_net::{Layout, Os};
    /// let armv7 = Layout::new(Os::FreeBsd, 4, 4).unwrap();
    /// assert_eq!(armv7.time_width(), 8);
    /// let i386 = armv7.with_time_width(4).unwrap();
    /// assert_eq!(i386.time_width(), 4);
    /// ```
    #[must_use]
    pub const fn new(os: Os, pointer_width: usize, cmsg_align: usize) -> Option<Layout> {
        let ptr_ok = pointer_width == 4 || pointer_width == 8;
        let align_ok = cmsg_align == 4 || cmsg_align == 8 || cmsg_align == 16;
        if ptr_ok && align_ok {
            Some(Layout {
                os,
                ptr: pointer_width as u8,
                align: cmsg_align as u8,
                time: if os.is_bsd() { 8 } else { pointer_width as u8 },
            })
        } else {
            None
        }
    }

    /// This layout with a `time_t` of `width` bytes (4 or 8; `None`
    /// otherwise): FreeBSD i386's 32-bit `time_t`, or 32-bit Linux built
    /// with a 64-bit `time_t`.
    #[must_use]
    pub const fn with_time_width(self, width: usize) -> Option<Layout> {
        if width == 4 || width == 8 {
            Some(Layout {
                time: width as u8,
                ..self
            })
        } else {
            None
        }
    }

    /// The width of `time_t` in bytes: the seconds of the `timeval` and
    /// `timespec` in timestamp control messages.
    #[inline]
    #[must_use]
    pub const fn time_width(self) -> usize {
        self.time as usize
    }

    /// The kernel family.
    #[inline]
    #[must_use]
    pub const fn os(self) -> Os {
        self.os
    }

    /// The pointer width in bytes.
    #[inline]
    #[must_use]
    pub const fn pointer_width(self) -> usize {
        self.ptr as usize
    }

    /// The `CMSG_ALIGN` granularity in bytes.
    #[inline]
    #[must_use]
    pub const fn cmsg_alignment(self) -> usize {
        self.align as usize
    }

    // ----- sockaddrs -----

    /// Whether sockaddrs start with a length byte (`sa_len`): every BSD and
    /// Apple, not Linux.
    #[inline]
    pub(crate) const fn has_sa_len(self) -> bool {
        self.os.is_bsd()
    }

    /// `AF_INET6` on this kernel.
    #[inline]
    pub(crate) const fn af_inet6(self) -> u16 {
        match self.os {
            Os::Linux => 10,
            Os::FreeBsd | Os::DragonFly => 28,
            Os::NetBsd | Os::OpenBsd => 24,
            Os::Apple => 30,
        }
    }

    /// `AF_LINK` (BSD and Apple) or `None`.
    #[inline]
    pub(crate) const fn af_link(self) -> Option<u16> {
        if self.os.is_bsd() {
            Some(18)
        } else {
            None
        }
    }

    /// `AF_PACKET` (Linux) or `None`.
    #[inline]
    pub(crate) const fn af_packet(self) -> Option<u16> {
        if self.os.is_bsd() {
            None
        } else {
            Some(17)
        }
    }

    /// The capacity of `sockaddr_un.sun_path`: 104 on the BSDs and Apple,
    /// 108 on Linux.
    #[inline]
    #[must_use]
    pub const fn sun_path_len(self) -> usize {
        if self.os.is_bsd() {
            104
        } else {
            108
        }
    }

    /// `sizeof(struct sockaddr_dl)` as the headers declare it (the kernel may
    /// hand out longer ones).
    #[inline]
    pub(crate) const fn sockaddr_dl_size(self) -> usize {
        match self.os {
            // FreeBSD: sdl_data[46]. DragonFly: sdl_data[12], then sdl_rcf
            // and sdl_route[16].
            Os::FreeBsd | Os::DragonFly => 54,
            Os::NetBsd | Os::OpenBsd => 32,
            Os::Apple | Os::Linux => 20,
        }
    }

    /// `getsockname` on a unix socket may give `AF_UNSPEC` with length 0
    /// (DragonFly).
    #[inline]
    pub(crate) const fn unspec_name_is_unnamed_unix(self) -> bool {
        matches!(self.os, Os::DragonFly)
    }

    /// `accept` may return an address of length 0 for a connection aborted
    /// before it was accepted (Apple).
    #[inline]
    pub(crate) const fn accept_may_return_empty_addr(self) -> bool {
        matches!(self.os, Os::Apple)
    }

    // ----- control messages -----

    /// Rounds `len` up to the `CMSG_ALIGN` granularity. Saturates at
    /// `usize::MAX` for a `len` within one alignment step of it (no buffer
    /// that large exists, and the result is never smaller than `len`).
    #[inline]
    #[must_use]
    pub const fn cmsg_align(self, len: usize) -> usize {
        let a = self.align as usize;
        match len.checked_add(a - 1) {
            Some(l) => l & !(a - 1),
            None => usize::MAX,
        }
    }

    /// The width of `cmsghdr.cmsg_len`: a `size_t` on Linux, a `socklen_t`
    /// on the BSDs and Apple.
    #[inline]
    pub(crate) const fn cmsg_len_width(self) -> usize {
        if self.os.is_bsd() {
            4
        } else {
            self.ptr as usize
        }
    }

    /// `sizeof(struct cmsghdr)`: the length field, then two `int`s (and
    /// trailing padding up to the length field's alignment).
    #[inline]
    pub(crate) const fn cmsg_hdr_size(self) -> usize {
        let w = self.cmsg_len_width();
        (w + 8 + w - 1) & !(w - 1)
    }

    /// Where the payload starts: `CMSG_DATA(cmsg) - cmsg`.
    #[inline]
    #[must_use]
    pub const fn cmsg_data_offset(self) -> usize {
        self.cmsg_align(self.cmsg_hdr_size())
    }

    /// `CMSG_LEN(payload_len)`: the `cmsg_len` of a message with this payload
    /// (saturating at `usize::MAX`, never wrapping).
    #[inline]
    #[must_use]
    pub const fn cmsg_len(self, payload_len: usize) -> usize {
        self.cmsg_data_offset().saturating_add(payload_len)
    }

    /// `CMSG_SPACE(payload_len)`: the buffer space a message with this
    /// payload takes, padding included (saturating at `usize::MAX`, never
    /// wrapping).
    #[inline]
    #[must_use]
    pub const fn cmsg_space(self, payload_len: usize) -> usize {
        self.cmsg_data_offset().saturating_add(self.cmsg_align(payload_len))
    }

    /// `SOL_SOCKET`.
    #[inline]
    pub(crate) const fn sol_socket(self) -> i32 {
        if self.os.is_bsd() {
            0xffff
        } else {
            1
        }
    }

    /// `SCM_RIGHTS` (1 everywhere).
    #[inline]
    pub(crate) const fn scm_rights(self) -> i32 {
        1
    }

    /// The credentials message the *sender* attaches, and its payload format.
    #[inline]
    pub(crate) const fn scm_creds_send(self) -> Option<(i32, CredFormat)> {
        match self.os {
            // SCM_CREDENTIALS, struct ucred.
            Os::Linux => Some((2, CredFormat::Ucred)),
            // SCM_CREDS, struct cmsgcred (the kernel fills it in).
            Os::FreeBsd | Os::DragonFly => Some((3, CredFormat::Cmsgcred)),
            Os::NetBsd | Os::OpenBsd | Os::Apple => None,
        }
    }

    /// The payload format of a received `SOL_SOCKET` message of type `kind`,
    /// if it carries credentials.
    #[inline]
    pub(crate) const fn creds_format(self, kind: i32) -> Option<CredFormat> {
        match (self.os, kind) {
            (Os::Linux, 2) => Some(CredFormat::Ucred),
            // SCM_CREDS: what a sender attached (struct cmsgcred). With
            // LOCAL_CREDS set on the receiver the kernel would send a struct
            // sockcred under the same type; this crate asks for
            // LOCAL_CREDS_PERSISTENT instead, which uses SCM_CREDS2.
            (Os::FreeBsd | Os::DragonFly, 3) => Some(CredFormat::Cmsgcred),
            // SCM_CREDS2, struct sockcred2.
            (Os::FreeBsd, 8) => Some(CredFormat::Sockcred2),
            // SCM_CREDS, struct sockcred (receiver's LOCAL_CREDS).
            (Os::NetBsd, 0x10) => Some(CredFormat::NetbsdSockcred),
            _ => None,
        }
    }

    /// `SCM_TIMESTAMP` (a `struct timeval`).
    #[inline]
    pub(crate) const fn scm_timestamp(self) -> i32 {
        match self.os {
            // SO_TIMESTAMP_OLD on x86, arm, aarch64, riscv (asm-generic).
            Os::Linux => 29,
            Os::FreeBsd | Os::DragonFly | Os::Apple => 2,
            Os::NetBsd => 8,
            Os::OpenBsd => 4,
        }
    }

    /// A nanosecond timestamp message (`struct timespec`): Linux
    /// `SCM_TIMESTAMPNS`, FreeBSD `SCM_REALTIME`.
    #[inline]
    pub(crate) const fn scm_timestamp_ns(self) -> Option<i32> {
        match self.os {
            Os::Linux => Some(35),
            Os::FreeBsd => Some(5),
            _ => None,
        }
    }

    /// The width of `timeval.tv_usec`: `int` on Apple and NetBSD, `long`
    /// elsewhere. It follows the `time_t` seconds directly on every layout
    /// (a 64-bit `time_t` and a 32-bit `long` on 32-bit BSDs: 12 bytes, or
    /// 16 with the tail padding of an 8-aligned `int64_t`).
    #[inline]
    pub(crate) const fn suseconds_width(self) -> usize {
        match self.os {
            Os::Apple | Os::NetBsd => 4,
            _ => self.ptr as usize,
        }
    }

    /// `IP_PKTINFO` and its payload format, where the kernel has it.
    #[inline]
    pub(crate) const fn ip_pktinfo(self) -> Option<(i32, PktinfoFormat)> {
        match self.os {
            Os::Linux => Some((8, PktinfoFormat::IfindexSpecdstAddr)),
            Os::Apple => Some((26, PktinfoFormat::IfindexSpecdstAddr)),
            Os::NetBsd => Some((25, PktinfoFormat::AddrIfindex)),
            _ => None,
        }
    }

    /// `IP_RECVDSTADDR` (the message type carrying a `struct in_addr`).
    #[inline]
    pub(crate) const fn ip_recvdstaddr(self) -> Option<i32> {
        if self.os.is_bsd() {
            Some(7)
        } else {
            None
        }
    }

    /// `IPV6_PKTINFO`.
    #[inline]
    pub(crate) const fn ipv6_pktinfo(self) -> i32 {
        if self.os.is_bsd() {
            46
        } else {
            50
        }
    }
}

/// The payload of a credentials control message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CredFormat {
    /// Linux `struct ucred { pid, uid, gid }`.
    Ucred,
    /// FreeBSD/DragonFly `struct cmsgcred`.
    Cmsgcred,
    /// FreeBSD `struct sockcred2`.
    Sockcred2,
    /// NetBSD `struct sockcred`.
    NetbsdSockcred,
}

/// The payload of `IP_PKTINFO`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PktinfoFormat {
    /// Linux and Apple: `{ ifindex, spec_dst, addr }`.
    IfindexSpecdstAddr,
    /// NetBSD: `{ addr, ifindex }`.
    AddrIfindex,
}

#[cfg(any(target_os = "linux", target_os = "android"))]
const NATIVE_OS: Os = Os::Linux;
#[cfg(target_os = "freebsd")]
const NATIVE_OS: Os = Os::FreeBsd;
#[cfg(target_os = "dragonfly")]
const NATIVE_OS: Os = Os::DragonFly;
#[cfg(target_os = "netbsd")]
const NATIVE_OS: Os = Os::NetBsd;
#[cfg(target_os = "openbsd")]
const NATIVE_OS: Os = Os::OpenBsd;
#[cfg(target_vendor = "apple")]
const NATIVE_OS: Os = Os::Apple;

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd",
    target_vendor = "apple"
)))]
compile_error!("bsd-net supports Linux, FreeBSD, DragonFly, NetBSD, OpenBSD and Apple targets");

/// `CMSG_ALIGN` granularity of the native kernel (`__ALIGNBYTES + 1`).
const NATIVE_ALIGN: usize = if cfg!(target_vendor = "apple") {
    4
} else if cfg!(any(target_os = "linux", target_os = "android", target_os = "freebsd")) {
    // Linux: sizeof(size_t). FreeBSD: sizeof(long), or long long on aarch64
    // and riscv64, i.e. the pointer width on every FreeBSD architecture.
    core::mem::size_of::<usize>()
} else if cfg!(target_os = "dragonfly") {
    8
} else if cfg!(target_arch = "x86") {
    // NetBSD and OpenBSD i386: sizeof(int).
    4
} else if cfg!(any(
    target_arch = "sparc64",
    all(
        target_os = "netbsd",
        any(target_arch = "aarch64", target_arch = "riscv64")
    )
)) {
    16
} else {
    // NetBSD/OpenBSD x86_64, arm, powerpc, mips; OpenBSD aarch64, riscv64.
    8
};

// The facts above, checked against `libc` for the target being compiled (the
// BSD cross-check compiles these for all five BSD targets). NetBSD aarch64 is
// the one place where `libc` (4) disagrees with the kernel (16).
#[cfg(not(all(target_os = "netbsd", target_arch = "aarch64")))]
const _: () = {
    let l = Layout::NATIVE;
    // SAFETY: CMSG_SPACE and CMSG_LEN are pure arithmetic on their argument.
    let (space, len) = unsafe { (libc::CMSG_SPACE(5) as usize, libc::CMSG_LEN(5) as usize) };
    assert!(space == l.cmsg_space(5));
    assert!(len == l.cmsg_len(5));
    assert!(core::mem::size_of::<libc::cmsghdr>() == l.cmsg_hdr_size());
};
const _: () = {
    let l = Layout::NATIVE;
    assert!(libc::AF_INET6 as u16 == l.af_inet6());
    assert!(libc::AF_INET == 2 && libc::AF_UNIX == 1);
    assert!(libc::SOL_SOCKET == l.sol_socket());
    assert!(libc::SCM_RIGHTS == l.scm_rights());
    assert!(libc::IPV6_PKTINFO == l.ipv6_pktinfo());
    assert!(core::mem::size_of::<libc::sockaddr_un>() == 2 + l.sun_path_len());
    // Timestamps: seconds of `time_t` width, then the fraction.
    assert!(core::mem::size_of::<libc::time_t>() == l.time_width());
    assert!(core::mem::offset_of!(libc::timeval, tv_usec) == l.time_width());
    assert!(core::mem::size_of::<libc::suseconds_t>() == l.suseconds_width());
    assert!(core::mem::offset_of!(libc::timespec, tv_nsec) == l.time_width());
    assert!(core::mem::size_of::<libc::c_long>() == l.pointer_width());
    // The framing: `cmsg_len` then level and type.
    assert!(core::mem::offset_of!(libc::cmsghdr, cmsg_level) == l.cmsg_len_width());
    assert!(core::mem::offset_of!(libc::cmsghdr, cmsg_type) == l.cmsg_len_width() + 4);
};
#[cfg(any(target_os = "linux", target_os = "android"))]
const _: () = {
    let l = Layout::NATIVE;
    assert!(libc::SCM_CREDENTIALS == 2);
    assert!(matches!(l.af_packet(), Some(af) if af == libc::AF_PACKET as u16));
    assert!(libc::IP_PKTINFO == 8);
    assert!(libc::SO_TIMESTAMP == l.scm_timestamp() && libc::SCM_TIMESTAMP == l.scm_timestamp());
    assert!(libc::SCM_TIMESTAMPNS == 35);
};
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const _: () = {
    let l = Layout::NATIVE;
    assert!(matches!(l.af_link(), Some(af) if af == libc::AF_LINK as u16));
    assert!(libc::SCM_TIMESTAMP == l.scm_timestamp());
    assert!(libc::IP_RECVDSTADDR == 7);
    assert!(core::mem::size_of::<libc::sockaddr_dl>() == l.sockaddr_dl_size());
};
#[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
const _: () = {
    assert!(libc::SCM_CREDS == 3);
    assert!(core::mem::size_of::<libc::cmsgcred>() == 84);
};
#[cfg(target_os = "freebsd")]
const _: () = {
    assert!(libc::SCM_CREDS2 == 8);
    assert!(libc::SCM_REALTIME == 5);
};
#[cfg(target_os = "netbsd")]
const _: () = {
    assert!(libc::SCM_CREDS == 0x10);
    assert!(libc::IP_PKTINFO == 25);
};
#[cfg(target_vendor = "apple")]
const _: () = {
    assert!(libc::IP_PKTINFO == 26);
};
