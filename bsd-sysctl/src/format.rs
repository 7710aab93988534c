//! The FreeBSD, DragonFly and Apple node description: the reply to the
//! internal oid `{0, 4, mib…}` ("oidfmt"), and what it says about a node's
//! type.
//!
//! The reply is a `u_int` kind word — the type in its low bits
//! (`kind & CTLTYPE`: four bits on FreeBSD and Apple, five on DragonFly),
//! access flags above — followed by a NUL-terminated format string (`"I"`,
//! `"LU"`, `"A"`, `"S,clockinfo"`, `"IK"` …).

use crate::value::Kind;
use bsd_errno::{Errno, Result};

/// The [`Kind`] of a node on this system, from its kind word and format.
#[cfg(target_os = "freebsd")]
fn native_kind(kind_word: u32, fmt: &str) -> Kind {
    kind_freebsd(kind_word & CTLTYPE, fmt)
}
/// The [`Kind`] of a node on this system, from its kind word and format.
#[cfg(target_os = "dragonfly")]
fn native_kind(kind_word: u32, fmt: &str) -> Kind {
    kind_dragonfly(kind_word & CTLTYPE_DRAGONFLY, fmt)
}
/// The [`Kind`] of a node on this system, from its kind word and format.
#[cfg(target_vendor = "apple")]
fn native_kind(kind_word: u32, fmt: &str) -> Kind {
    kind_apple(kind_word & CTLTYPE, fmt)
}
/// The [`Kind`] of a node on this system, from its kind word and format
/// (FreeBSD's numbering, for the tests of other hosts).
#[cfg(not(any(target_os = "freebsd", target_os = "dragonfly", target_vendor = "apple")))]
fn native_kind(kind_word: u32, fmt: &str) -> Kind {
    kind_freebsd(kind_word & CTLTYPE, fmt)
}

/// `CTLTYPE`: the type bits of the kind word on FreeBSD and Apple.
pub(crate) const CTLTYPE: u32 = 0xf;
/// `CTLTYPE` on DragonFly: five bits, for its bit-field types
/// `CTLTYPE_BIT32` (0x10) and `CTLTYPE_BIT64` (0x11), whose bit number
/// sits above (`CTLMASK_BITFLD` 0xfc0). DragonFly's `sys/sys/sysctl.h`,
/// lines 69–87 (`CTLTYPE 0x1f`, types 0x01–0x0f as FreeBSD's, the two
/// bit-field types) and 102–104 (`CTLMASK_BITFLD`, `CTLMASK_TYPE 0x1f`).
pub(crate) const CTLTYPE_DRAGONFLY: u32 = 0x1f;
/// `CTLFLAG_RD` (FreeBSD, DragonFly, Apple).
pub(crate) const CTLFLAG_RD: u32 = 0x8000_0000;
/// `CTLFLAG_WR` (FreeBSD, DragonFly, Apple).
pub(crate) const CTLFLAG_WR: u32 = 0x4000_0000;

#[cfg(any(target_os = "freebsd", target_vendor = "apple"))]
const _: () = {
    assert!(CTLTYPE == libc::CTLTYPE as u32);
    assert!(CTLFLAG_RD == libc::CTLFLAG_RD as u32);
    assert!(CTLFLAG_WR == libc::CTLFLAG_WR as u32);
};

/// A parsed `{0, 4}` reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OidFmt {
    /// The kind word: type and flags.
    pub kind_word: u32,
    /// The format string.
    pub fmt: String,
}

impl OidFmt {
    /// Parses the bytes of a `{0, 4}` reply: at least the 4-byte kind word
    /// (`EIO` if shorter), then the format up to its NUL (or the end).
    pub(crate) fn parse(buf: &[u8]) -> Result<OidFmt> {
        let (word, rest) = buf.split_first_chunk::<4>().ok_or(Errno::EIO)?;
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        let fmt = core::str::from_utf8(rest.get(..end).unwrap_or_default()).map_err(|_| Errno::EIO)?;
        Ok(OidFmt {
            kind_word: u32::from_ne_bytes(*word),
            fmt: fmt.to_owned(),
        })
    }

    /// The node's type, as this system numbers them.
    pub(crate) fn kind(&self) -> Kind {
        native_kind(self.kind_word, &self.fmt)
    }

    /// Whether the node can be read (`CTLFLAG_RD`).
    pub(crate) fn readable(&self) -> bool {
        self.kind_word & CTLFLAG_RD != 0
    }

    /// Whether the node can be written (`CTLFLAG_WR`).
    pub(crate) fn writable(&self) -> bool {
        self.kind_word & CTLFLAG_WR != 0
    }
}

/// DragonFly: FreeBSD's 15 types, plus the bit-field types
/// `CTLTYPE_BIT32(n)` (0x10) and `CTLTYPE_BIT64(n)` (0x11), one bit of a
/// kernel word that the handler passes in and out as an `int` (format
/// `"I"`; `SYSCTL_BIT32`/`SYSCTL_BIT64` in DragonFly's
/// `sys/sys/sysctl.h`). `ctltype` is the kind word masked with
/// [`CTLTYPE_DRAGONFLY`].
pub(crate) fn kind_dragonfly(ctltype: u32, fmt: &str) -> Kind {
    match ctltype {
        0x10 | 0x11 => Kind::Int,
        t => kind_freebsd(t, fmt),
    }
}

/// FreeBSD (and DragonFly below 0x10): 15 types, `CTLTYPE_NODE` 1 …
/// `CTLTYPE_U32` 0xf; the format only adds detail (`"IK"`, `"S,clockinfo"`).
pub(crate) fn kind_freebsd(ctltype: u32, _fmt: &str) -> Kind {
    match ctltype {
        1 => Kind::Node,
        2 => Kind::Int,
        3 => Kind::String,
        4 => Kind::I64,
        6 => Kind::UInt,
        7 => Kind::Long,
        8 => Kind::ULong,
        9 => Kind::U64,
        0xa => Kind::U8,
        0xb => Kind::U16,
        0xc => Kind::I8,
        0xd => Kind::I16,
        0xe => Kind::I32,
        0xf => Kind::U32,
        _ => Kind::Opaque,
    }
}

/// Apple: `CTLTYPE_NODE` 1, `INT` 2, `STRING` 3, `QUAD` 4, `OPAQUE` 5. Its
/// sysctl(8) reads width and sign from the format's letters (`SYSCTL_LONG`
/// is an `INT` node formatted `"L"`).
pub(crate) fn kind_apple(ctltype: u32, fmt: &str) -> Kind {
    if ctltype == 1 {
        return Kind::Node;
    }
    match fmt {
        "A" => Kind::String,
        "I" => Kind::Int,
        "IU" => Kind::UInt,
        "L" => Kind::Long,
        "LU" => Kind::ULong,
        "Q" => Kind::I64,
        "QU" => Kind::U64,
        "C" => Kind::I8,
        "CU" => Kind::U8,
        "S" => Kind::I16,
        "SU" => Kind::U16,
        _ => match ctltype {
            2 => Kind::Int,
            3 => Kind::String,
            4 => Kind::I64,
            _ => Kind::Opaque,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(kind: u32, fmt: &str) -> Vec<u8> {
        let mut b = kind.to_ne_bytes().to_vec();
        b.extend_from_slice(fmt.as_bytes());
        b.push(0);
        b
    }

    impl OidFmt {
        fn kind_with(&self, f: fn(u32, &str) -> Kind) -> Kind {
            f(self.kind_word & CTLTYPE, &self.fmt)
        }
    }

    #[test]
    fn freebsd_replies() {
        // kern.ostype: CTLTYPE_STRING | CTLFLAG_RD | CTLFLAG_MPSAFE …, "A".
        let f = OidFmt::parse(&reply(0x8004_0003, "A")).unwrap();
        assert_eq!(f.kind_with(kind_freebsd), Kind::String);
        // What this host's family would make of it: a string either way.
        assert_eq!(f.kind(), Kind::String);
        assert_eq!(f.fmt, "A");
        assert!(f.readable() && !f.writable());
        // kern.maxfiles: CTLTYPE_INT | CTLFLAG_RWTUN, "I".
        let f = OidFmt::parse(&reply(0xc008_0002, "I")).unwrap();
        assert_eq!(f.kind_with(kind_freebsd), Kind::Int);
        assert!(f.writable());
        // kern.clockrate: CTLTYPE_STRUCT (opaque), "S,clockinfo".
        let f = OidFmt::parse(&reply(0x8000_0005, "S,clockinfo")).unwrap();
        assert_eq!(f.kind_with(kind_freebsd), Kind::Opaque);
        assert_eq!(f.fmt, "S,clockinfo");
        // Every numbered type.
        let expect = [
            (1, Kind::Node),
            (2, Kind::Int),
            (3, Kind::String),
            (4, Kind::I64),
            (5, Kind::Opaque),
            (6, Kind::UInt),
            (7, Kind::Long),
            (8, Kind::ULong),
            (9, Kind::U64),
            (0xa, Kind::U8),
            (0xb, Kind::U16),
            (0xc, Kind::I8),
            (0xd, Kind::I16),
            (0xe, Kind::I32),
            (0xf, Kind::U32),
            (0, Kind::Opaque),
        ];
        for (t, k) in expect {
            assert_eq!(
                OidFmt::parse(&reply(0x8000_0000 | t, ""))
                    .unwrap()
                    .kind_with(kind_freebsd),
                k
            );
        }
        // The flag bits never leak into the type.
        assert_eq!(
            OidFmt::parse(&reply(0xffff_fff0 | 2, "I"))
                .unwrap()
                .kind_with(kind_freebsd),
            Kind::Int
        );
    }

    #[test]
    fn dragonfly_replies() {
        // The same numbers as FreeBSD's below 0x10.
        for t in 1..=0xf {
            assert_eq!(kind_dragonfly(t, ""), kind_freebsd(t, ""), "{t:#x}");
        }
        // SYSCTL_BIT32(…, bit 5) with CTLFLAG_RW|CTLFLAG_NOLOCK: the bit
        // number sits in CTLMASK_BITFLD, above the five type bits.
        let word = 0xc000_0000 | 0x2000 | (5 << 6) | 0x10;
        let f = OidFmt::parse(&reply(word, "I")).unwrap();
        assert_eq!(kind_dragonfly(f.kind_word & CTLTYPE_DRAGONFLY, &f.fmt), Kind::Int);
        assert!(f.readable() && f.writable());
        // SYSCTL_BIT64, bit 63.
        let word = 0x8000_0000 | (63 << 6) | 0x11;
        assert_eq!(kind_dragonfly(word & CTLTYPE_DRAGONFLY, "I"), Kind::Int);
        // FreeBSD's four-bit mask would have read them as type 0 and 1
        // (a node!): the masks differ for a reason.
        assert_eq!(kind_freebsd(0x11 & CTLTYPE, "I"), Kind::Node);
        // CTLFLAG_RSV5 (0x20) is not a type bit.
        assert_eq!(kind_dragonfly((0x20 | 0x2) & CTLTYPE_DRAGONFLY, "I"), Kind::Int);
    }

    #[test]
    fn apple_replies() {
        // hw.memsize: CTLTYPE_QUAD, "Q"; hw.ncpu: CTLTYPE_INT, "I".
        assert_eq!(kind_apple(4, "Q"), Kind::I64);
        assert_eq!(kind_apple(4, "QU"), Kind::U64);
        assert_eq!(kind_apple(2, "I"), Kind::Int);
        assert_eq!(kind_apple(2, "IU"), Kind::UInt);
        // SYSCTL_LONG is CTLTYPE_INT with "L": the format decides the width.
        assert_eq!(kind_apple(2, "L"), Kind::Long);
        assert_eq!(kind_apple(5, "LU"), Kind::ULong);
        assert_eq!(kind_apple(3, "A"), Kind::String);
        assert_eq!(kind_apple(5, "S,clockinfo"), Kind::Opaque);
        assert_eq!(kind_apple(5, "S"), Kind::I16);
        assert_eq!(kind_apple(1, "N"), Kind::Node);
        assert_eq!(kind_apple(5, "T,dev_t"), Kind::Opaque);
        assert_eq!(kind_apple(2, "IK"), Kind::Int);
        assert_eq!(kind_apple(3, "?"), Kind::String);
        assert_eq!(kind_apple(4, ""), Kind::I64);
    }

    #[test]
    fn short_or_odd_replies() {
        assert_eq!(OidFmt::parse(&[1, 2, 3]), Err(Errno::EIO));
        // No NUL: the format runs to the end.
        let mut b = 2u32.to_ne_bytes().to_vec();
        b.extend_from_slice(b"IU");
        assert_eq!(OidFmt::parse(&b).unwrap().fmt, "IU");
        // Only the kind word.
        assert_eq!(OidFmt::parse(&2u32.to_ne_bytes()).unwrap().fmt, "");
        let mut bad = 2u32.to_ne_bytes().to_vec();
        bad.extend_from_slice(&[0xff, 0]);
        assert_eq!(OidFmt::parse(&bad), Err(Errno::EIO));
    }
}
