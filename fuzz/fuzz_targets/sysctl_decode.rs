//! Fuzz target `sysctl_decode`: bsd-sysctl's pure decoders for every
//! platform — values (`Value` from a node's kind, format and bytes, in each
//! platform's C layout), FreeBSD/DragonFly/Apple `{0,4}` format replies,
//! NetBSD `struct sysctlnode` and `struct sysctldesc` replies.
//!
//! Byte 0 picks what is decoded, byte 1 the layout or node number, byte 2
//! the kind and format; the rest is the kernel's reply. Checked on every
//! input: nothing panics (`Display` included); errors are the documented
//! ones; a decoded value re-encodes (`encode`) into bytes that decode to
//! the same value, and into the very same bytes where the encoding is
//! unique (integers, strings, opaque structures); every NetBSD node comes
//! from a whole 96-byte record.
#![no_main]
use bsd_errno::Errno;
use bsd_sysctl::__fuzz as f;
use bsd_sysctl::Kind;
use bsd_sysctl::Value;
use libfuzzer_sys::fuzz_target;

const KINDS: [Kind; 16] = [
    Kind::Node,
    Kind::Int,
    Kind::UInt,
    Kind::Long,
    Kind::ULong,
    Kind::I8,
    Kind::U8,
    Kind::I16,
    Kind::U16,
    Kind::I32,
    Kind::U32,
    Kind::I64,
    Kind::U64,
    Kind::String,
    Kind::Bool,
    Kind::Opaque,
];

const FORMATS: [&str; 12] = [
    "I",
    "IU",
    "A",
    "S,clockinfo",
    "S,timeval",
    "S,timespec",
    "S,loadavg",
    "IK",
    "IK3",
    "S,vmtotal",
    "",
    "Q",
];

fn values(layout: usize, kind: Kind, fmt: &str, bytes: &[u8]) {
    let v = match f::decode(layout, kind, fmt, bytes) {
        Ok(v) => v,
        Err(e) => {
            assert!(
                [Errno::EIO, Errno::EILSEQ, Errno::EISDIR, Errno::EOVERFLOW].contains(&e),
                "{kind:?} {fmt:?}: undocumented {e:?}"
            );
            return;
        }
    };
    assert_ne!(kind, Kind::Node, "a node has no value");
    // Display never panics.
    let _ = v.to_string();
    let enc =
        f::encode(layout, &v, kind, true).unwrap_or_else(|e| panic!("{v:?} as {kind:?} does not re-encode: {e:?}"));
    if let ("S,timespec", Value::Time(t)) = (fmt, &v) {
        // A time encodes as a struct timeval: the same time, to the
        // microsecond below.
        let Ok(Value::Time(tv)) = f::decode(layout, kind, "S,timeval", &enc) else {
            panic!("a timespec's time does not come back as a timeval");
        };
        let behind = t.duration_since(tv).expect("rounded down, not up");
        assert!(behind.as_nanos() < 1000, "{behind:?}");
        return;
    }
    let back = f::decode(layout, kind, fmt, &enc).expect("re-encoded bytes decode");
    assert_eq!(back, v, "{} {kind:?} {fmt:?}", f::LAYOUTS[layout % f::LAYOUTS.len()]);
    match &v {
        // Integers of the kind's width, scalars or arrays: the same bytes.
        v if v.as_i128().is_some() || matches!(v, Value::Array(_) | Value::Temperature(_)) => {
            if kind != Kind::Bool {
                assert_eq!(enc, bytes, "{kind:?} {fmt:?}");
            }
        }
        // A string: its bytes up to the first NUL, then one NUL.
        Value::String(s) => {
            assert!(bytes.starts_with(s.as_bytes()));
            assert_eq!(enc, [s.as_bytes(), b"\0"].concat());
        }
        Value::Struct { format, bytes: raw } => {
            assert_eq!(format, fmt);
            assert_eq!(raw, bytes);
            assert_eq!(enc, bytes);
        }
        // Structures: the same length (padding may differ).
        _ => assert_eq!(enc.len(), bytes.len(), "{v:?}"),
    }
}

fn oidfmt(reply: &[u8]) {
    match f::oidfmt(reply) {
        Ok((word, fmt, kinds, readable, writable)) => {
            assert!(reply.len() >= 4);
            assert_eq!(word.to_ne_bytes(), reply[..4]);
            assert!(reply[4..].starts_with(fmt.as_bytes()));
            assert!(!fmt.contains('\0'));
            assert_eq!(readable, word & 0x8000_0000 != 0);
            assert_eq!(writable, word & 0x4000_0000 != 0);
            // Type 1 is a node to every family, and only type 1 (or, on
            // Apple, a format that says nothing else) is.
            if word & 0xf == 1 {
                assert_eq!(kinds[0], Kind::Node);
                assert_eq!(kinds[2], Kind::Node);
            }
            if word & 0x1f == 1 {
                assert_eq!(kinds[1], Kind::Node);
            }
            if kinds[0] == Kind::Node {
                assert_eq!(word & 0xf, 1);
            }
            // The reply rebuilt from what was parsed parses the same.
            let mut again = word.to_ne_bytes().to_vec();
            again.extend_from_slice(fmt.as_bytes());
            again.push(0);
            assert_eq!(f::oidfmt(&again).map(|o| o.1), Ok(fmt));
        }
        Err(e) => assert_eq!(e, Errno::EIO),
    }
}

fn netbsd(reply: &[u8], num: i32) {
    match f::netbsd_nodes(reply) {
        Ok(nodes) => {
            assert_eq!(nodes.len() * f::NETBSD_NODE_SIZE, reply.len());
            for (n, (number, name, kind, _, fmt)) in nodes.iter().enumerate() {
                let rec = &reply[n * f::NETBSD_NODE_SIZE..][..f::NETBSD_NODE_SIZE];
                assert_eq!(number.to_ne_bytes(), rec[4..8]);
                assert!(name.len() < 32 && !name.contains('\0'));
                assert!(rec[8..8 + 32].starts_with(name.as_bytes()));
                assert_eq!(*kind == Kind::Node, *fmt == "N");
            }
        }
        Err(e) => assert_eq!(e, Errno::EIO),
    }
    match f::netbsd_description(reply, num) {
        Ok(Some(d)) => {
            assert!(!d.is_empty() && !d.contains('\0'));
            assert_eq!(reply[..4], num.to_ne_bytes());
        }
        Ok(None) => {}
        Err(e) => assert_eq!(e, Errno::EIO),
    }
}

fuzz_target!(|data: &[u8]| {
    let [what, layout, pick, rest @ ..] = data else { return };
    match what % 3 {
        0 => {
            let kind = KINDS[usize::from(*pick) % KINDS.len()];
            let fmt = FORMATS[usize::from(pick / 16) % FORMATS.len()];
            values(usize::from(*layout), kind, fmt, rest);
        }
        1 => oidfmt(rest),
        _ => netbsd(rest, i32::from(*layout) - 128),
    }
});
