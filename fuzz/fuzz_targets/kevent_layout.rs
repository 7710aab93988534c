//! Fuzz target `kevent_layout`: the per-platform `struct kevent` layouts of
//! `bsd-event` (its `layout.rs`, compiled here on its own) and its timer
//! encoders, on arbitrary bytes.
//!
//! The first input byte picks the platform (FreeBSD, DragonFly, NetBSD,
//! OpenBSD, Apple, Linux), the data model (LP64, ILP32, i386) and the byte
//! order; the rest is a `struct kevent`'s bytes. Checked on every input:
//! - decoding succeeds exactly when the bytes cover the struct;
//! - what decodes re-encodes, byte for byte in every field (padding
//!   zeroed), and decodes to the same values;
//! - arbitrary field values encode exactly when each fits its C type, and
//!   then decode back unchanged;
//! - a timer period taken from the input encodes, for each platform's unit
//!   scheme, to a `(fflags, data)` that decodes to the same period (capped
//!   at 2^63 ns), or for milliseconds-only platforms to less than 1 ms more.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::time::Duration;

#[allow(dead_code)]
#[path = "../../bsd-event/src/layout.rs"]
mod layout;

use layout::{DataModel, Endian, Field, KeventFields, Os, TimerScheme};

const OSES: [Os; 6] = [
    Os::FreeBsd,
    Os::DragonFly,
    Os::NetBsd,
    Os::OpenBsd,
    Os::Apple,
    Os::Linux,
];
const MODELS: [DataModel; 3] = [DataModel::LP64, DataModel::ILP32, DataModel::I386];

/// Whether `v` survives truncation to `f`'s width (and sign extension if
/// signed): the independent statement of "fits".
fn fits(f: Field, v: i128) -> bool {
    let bits = 8 * f.bytes as u32;
    let low = v & ((1i128 << bits) - 1);
    let back = if f.signed && (low >> (bits - 1)) & 1 == 1 {
        low - (1i128 << bits)
    } else {
        low
    };
    back == v
}

fn word(bytes: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    for (k, b) in w.iter_mut().enumerate() {
        *b = bytes.get(i * 8 + k).copied().unwrap_or(0);
    }
    u64::from_le_bytes(w)
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, buf)) = data.split_first() else { return };
    let os = OSES[usize::from(pick) % 6];
    let model = MODELS[usize::from(pick / 6) % 3];
    let order = if pick & 0x80 != 0 { Endian::Big } else { Endian::Little };
    let shape = os.kevent_shape_for(model);

    // Bytes -> values -> bytes.
    let decoded = shape.decode(order, buf);
    assert_eq!(decoded.is_some(), buf.len() >= shape.size);
    if let Some(k) = decoded {
        let mut out = vec![0xa5u8; shape.size + 8];
        assert_eq!(shape.encode(&k, order, &mut out), Some(()), "{os:?} {model:?}: {k:?}");
        let mut fields = vec![
            shape.ident,
            shape.filter,
            shape.flags,
            shape.fflags,
            shape.data,
            shape.udata,
        ];
        fields.extend(shape.ext);
        for i in 0..shape.size {
            let in_field = fields.iter().any(|f| (f.offset..f.offset + f.bytes).contains(&i));
            let want = if in_field { buf[i] } else { 0 };
            assert_eq!(out[i], want, "{os:?} {model:?} {order:?}: byte {i}");
        }
        assert_eq!(out[shape.size..], [0xa5; 8], "wrote past the struct");
        assert_eq!(shape.decode(order, &out), Some(k));
    }

    // Values -> bytes -> values.
    let v = KeventFields {
        ident: word(buf, 0),
        filter: word(buf, 1) as i64,
        flags: word(buf, 2),
        fflags: word(buf, 3),
        data: word(buf, 4) as i64,
        udata: word(buf, 5),
        ext: [word(buf, 6), word(buf, 7), word(buf, 8), word(buf, 9)],
    };
    let all_fit = fits(shape.ident, i128::from(v.ident))
        && fits(shape.filter, i128::from(v.filter))
        && fits(shape.flags, i128::from(v.flags))
        && fits(shape.fflags, i128::from(v.fflags))
        && fits(shape.data, i128::from(v.data))
        && fits(shape.udata, i128::from(v.udata))
        && (shape.ext.is_some() || v.ext == [0; 4]);
    let mut out = [0u8; 64];
    let r = shape.encode(&v, order, &mut out);
    assert_eq!(r.is_some(), all_fit, "{os:?} {model:?}: {v:?}");
    if r.is_some() {
        assert_eq!(shape.decode(order, &out), Some(v));
    }

    // Timer periods.
    let period = Duration::new(word(buf, 10), (word(buf, 11) % 1_000_000_000) as u32);
    let cap = Duration::from_millis(i64::MAX as u64 / 1_000_000);
    let want = period.min(cap);
    let scheme = os.timer_scheme();
    let s = layout::encode_period(scheme, period);
    let (back, abs) = layout::decode_timer(scheme, s.fflags, s.data).expect("an encoded period decodes");
    assert!(!abs);
    if scheme == TimerScheme::MillisOnly {
        assert!(
            back >= want && back - want < Duration::from_millis(1),
            "{os:?}: {period:?} -> {back:?}"
        );
    } else {
        assert_eq!(back, want, "{os:?}: {period:?}");
    }
});
