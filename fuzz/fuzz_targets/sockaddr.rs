//! Fuzz target `sockaddr`: any bytes through the sockaddr decoders of every
//! platform layout. Decoding never panics; whatever decodes re-encodes to
//! bytes that decode to the same address.
#![no_main]
use bsd_net::{fuzzing, Layout, Sockaddr};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for &layout in Layout::ALL {
        if let Ok(addr) = Sockaddr::decode_with(layout, data) {
            let encoded = addr.encode_with(layout).expect("a decoded address re-encodes");
            assert!(encoded.as_bytes().len() <= 128);
            let back = Sockaddr::decode_with(layout, encoded.as_bytes()).expect("re-encoded bytes decode");
            assert_eq!(back, addr, "{layout:?}");
            let _ = std::hint::black_box((addr.to_string(), format!("{addr:?}"), addr.as_socket_addr()));
            if layout == Layout::NATIVE {
                assert_eq!(encoded.decode(), Ok(addr));
                if let Some(std) = addr.as_socket_addr() {
                    assert_eq!(encoded.as_socket_addr(), Some(std));
                }
            }
        }
        let _ = std::hint::black_box(fuzzing::decode_name(layout, data));
        let _ = std::hint::black_box(fuzzing::decode_accepted(layout, data));
    }
});
