//! Fuzz target `sockaddr`: any bytes through the sockaddr decoders of every
//! platform layout, and through the native entry points that take raw
//! memory or a length the kernel reported.
//!
//! The first four bytes are a length as a kernel might report it (often
//! more than the 128 bytes a `SockaddrStorage` holds); the rest are the
//! address bytes. Checked on every input:
//! - decoding never panics; whatever decodes re-encodes to bytes that
//!   decode to the same address, on every layout;
//! - `SockaddrStorage::from_raw` copies exactly `len` bytes, and refuses a
//!   length over 128 with EINVAL;
//! - `Sockaddr::from_raw` decodes the same as `Sockaddr::decode` over the
//!   same bytes;
//! - a storage the kernel filled with a reported length over 128 is clamped
//!   to 128 bytes, holds what the kernel wrote, and decodes as those bytes.
#![no_main]
use bsd_net::{fuzzing, Errno, Layout, Sockaddr, SockaddrStorage};
use libfuzzer_sys::fuzz_target;

const STORAGE_LEN: usize = 128;

fuzz_target!(|input: &[u8]| {
    let (reported, data) = match input.split_first_chunk::<4>() {
        Some((r, rest)) => (u32::from_ne_bytes(*r), rest),
        None => (0, input),
    };

    for &layout in Layout::ALL {
        if let Ok(addr) = Sockaddr::decode_with(layout, data) {
            let encoded = addr.encode_with(layout).expect("a decoded address re-encodes");
            assert!(encoded.as_bytes().len() <= STORAGE_LEN);
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

    // The raw-memory entry points, with a length within the data.
    let len = (reported as usize) % (data.len() + 1);
    let sl = len as libc_socklen;
    // SAFETY: `data` is readable for `len` bytes.
    let stored = unsafe { SockaddrStorage::from_raw(data.as_ptr().cast(), sl) };
    if len > STORAGE_LEN {
        assert_eq!(stored.unwrap_err(), Errno::EINVAL);
    } else {
        let s = stored.expect("up to 128 bytes are copied");
        assert_eq!(s.len(), sl);
        assert_eq!(s.as_bytes(), &data[..len]);
        assert_eq!(s.decode(), Sockaddr::decode(&data[..len]));
        if let Ok(a) = s.decode() {
            assert_eq!(s.as_socket_addr(), a.as_socket_addr());
        }
    }
    // SAFETY: as above.
    let direct = unsafe { Sockaddr::from_raw(data.as_ptr().cast(), sl) };
    assert_eq!(direct, Sockaddr::decode(&data[..len]));
    // SAFETY: a null pointer is refused before it is read.
    assert_eq!(
        unsafe { Sockaddr::from_raw(std::ptr::null(), sl) }.unwrap_err(),
        Errno::EINVAL
    );
    // SAFETY: as above.
    assert_eq!(
        unsafe { SockaddrStorage::from_raw(std::ptr::null(), sl) }.unwrap_err(),
        Errno::EINVAL
    );

    // What a call leaves when the kernel reports `reported` bytes: the
    // length is clamped to the storage, the bytes are what it wrote.
    let s = fuzzing::kernel_filled_storage(data, reported);
    let want = (reported as usize).min(STORAGE_LEN);
    assert_eq!(s.len() as usize, want);
    let mut written = [0u8; STORAGE_LEN];
    let n = data.len().min(STORAGE_LEN);
    written[..n].copy_from_slice(&data[..n]);
    assert_eq!(s.as_bytes(), &written[..want]);
    let decoded = s.decode();
    assert_eq!(decoded, Sockaddr::decode(&written[..want]));
    match decoded {
        Ok(a) => {
            assert_eq!(s.as_socket_addr(), a.as_socket_addr());
            // What decodes from the clamped bytes encodes within them.
            let again = a.encode().expect("a decoded address re-encodes");
            assert!(again.len() as usize <= STORAGE_LEN);
            assert_eq!(again.decode(), Ok(a));
        }
        Err(_) => {
            let _ = std::hint::black_box(s.as_socket_addr());
        }
    }
});

/// `socklen_t` (`u32` on every platform this fuzzes on).
#[allow(non_camel_case_types)]
type libc_socklen = u32;
