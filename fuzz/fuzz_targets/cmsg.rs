//! Fuzz target `cmsg`: any bytes as received control data, parsed as every
//! platform layout writes it. Parsing never panics or reads out of bounds;
//! every complete message re-encodes (with `CmsgBuf`) to bytes that parse
//! back to the same level, type and payload.
#![no_main]
use bsd_net::{CmsgBuf, ControlMessage, Layout, RawCmsgs};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for &layout in Layout::ALL {
        let mut seen = Vec::new();
        let mut payload = 0usize;
        for m in RawCmsgs::new(layout, data) {
            payload += m.data().len();
            assert!(payload <= data.len(), "{layout:?}: payloads overlap or overrun");
            match m.decode() {
                ControlMessage::Rights(fds) => {
                    let n = fds.len();
                    assert_eq!(fds.count(), n);
                    assert!(n * 4 <= m.data().len());
                }
                other => {
                    let _ = std::hint::black_box(format!("{other:?}"));
                }
            }
            if !m.is_truncated() {
                seen.push((m.level(), m.kind(), m.data()));
            }
        }
        // Re-encode the complete messages and parse them again.
        let mut space = vec![0u8; data.len() * 2 + 64 * (seen.len() + 1)];
        let mut buf = CmsgBuf::with_layout(&mut space, layout);
        for &(level, kind, payload) in &seen {
            // SAFETY: the buffer is only parsed, never sent: descriptor
            // numbers in it refer to nothing.
            unsafe { buf.push_raw(level, kind, payload) }.expect("room for every message");
        }
        let again: Vec<_> = buf.raw().map(|m| (m.level(), m.kind(), m.data())).collect();
        assert_eq!(again, seen, "{layout:?}");
    }
});
