//! Fuzz target `siginfo`: the `siginfo_t` decoders of every platform
//! family and data model (LP64; ILP32 with 4- or 8-aligned 64-bit
//! integers), on arbitrary bytes.
//!
//! Checked on every input:
//! - decoding never reads outside the four fields: changing every other
//!   byte leaves the result as it was;
//! - the fields decoded are the native-endian integers at the layout's
//!   offsets (so the decoder is right on either byte order), `None` exactly
//!   when `si_pid` is 0 or the buffer is too short;
//! - round trip: writing the decoded values into a zeroed buffer decodes to
//!   the same `ChildInfo`;
//! - `ChildInfo::event` agrees with `ChildCode` and `status`;
//! - the host layout decodes a real `libc::siginfo_t` filled with the same
//!   bytes as `ChildInfo::from_siginfo` does, and on Linux agrees with the
//!   C library's `si_pid()`, `si_uid()`, `si_status()` accessors.
#![no_main]
use bsd_proc::{__fuzz_siginfo as si, ChildCode, ChildInfo, Family, WaitEvent};
use libfuzzer_sys::fuzz_target;

const MODELS: [(usize, usize); 3] = [(8, 8), (4, 4), (4, 8)];

fn field(bytes: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_ne_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn check(family: Family, (ptr, align): (usize, usize), bytes: &[u8]) {
    let [code_at, pid_at, uid_at, status_at] = si::offsets(family, ptr, align);
    let end = [code_at, pid_at, uid_at, status_at].into_iter().max().unwrap_or(0) + 4;
    let got = si::decode(family, ptr, align, bytes);

    // What it must be, read independently.
    let want = if bytes.len() < end || field(bytes, pid_at) == Some(0) {
        None
    } else {
        Some((
            field(bytes, code_at).unwrap(),
            field(bytes, pid_at).unwrap(),
            field(bytes, uid_at).unwrap() as u32,
            field(bytes, status_at).unwrap(),
        ))
    };
    assert_eq!(
        got.map(|i| (i.code().raw(), i.pid(), i.uid().raw(), i.status())),
        want,
        "{family:?} {ptr}/{align}"
    );

    // Other bytes do not matter.
    let mut noisy: Vec<u8> = bytes.iter().map(|b| !b).collect();
    for at in [code_at, pid_at, uid_at, status_at] {
        if let Some(src) = bytes.get(at..at + 4) {
            noisy[at..at + 4].copy_from_slice(src);
        }
    }
    assert_eq!(
        si::decode(family, ptr, align, &noisy),
        got,
        "{family:?}: reads other bytes"
    );

    let Some(info) = got else { return };
    // Round trip through a clean buffer.
    let mut clean = vec![0u8; end];
    clean[code_at..code_at + 4].copy_from_slice(&info.code().raw().to_ne_bytes());
    clean[pid_at..pid_at + 4].copy_from_slice(&info.pid().to_ne_bytes());
    clean[uid_at..uid_at + 4].copy_from_slice(&info.uid().raw().to_ne_bytes());
    clean[status_at..status_at + 4].copy_from_slice(&info.status().to_ne_bytes());
    assert_eq!(si::decode(family, ptr, align, &clean), Some(info));

    // The event agrees with the code.
    let s = info.status();
    let event = info.event();
    match info.code() {
        ChildCode::Exited => assert_eq!(event, WaitEvent::Exited(s)),
        ChildCode::Killed => assert_eq!(
            event,
            WaitEvent::Signaled {
                signal: s,
                core_dumped: false
            }
        ),
        ChildCode::Dumped => assert_eq!(
            event,
            WaitEvent::Signaled {
                signal: s,
                core_dumped: true
            }
        ),
        ChildCode::Trapped | ChildCode::Stopped => assert_eq!(event, WaitEvent::Stopped(s)),
        ChildCode::Continued => assert_eq!(event, WaitEvent::Continued),
        _ => assert_eq!(event, WaitEvent::Unknown(s)),
    }
    assert_eq!(ChildCode::from_raw(info.code().raw()), info.code());
}

fn check_host(bytes: &[u8]) {
    let size = core::mem::size_of::<libc::siginfo_t>();
    let mut buf = vec![0u8; size];
    let n = bytes.len().min(size);
    buf[..n].copy_from_slice(&bytes[..n]);
    let mut raw = core::mem::MaybeUninit::<libc::siginfo_t>::zeroed();
    // SAFETY: `buf` has exactly size_of::<siginfo_t>() bytes, and siginfo_t
    // is plain integers and pointers: any bytes are a valid value.
    let raw = unsafe {
        core::ptr::copy_nonoverlapping(buf.as_ptr(), raw.as_mut_ptr().cast::<u8>(), size);
        raw.assume_init()
    };
    let ptr = core::mem::size_of::<usize>();
    let align = core::mem::align_of::<u64>();
    let info = ChildInfo::from_siginfo(&raw);
    assert_eq!(info, si::decode(Family::HOST, ptr, align, &buf));
    #[cfg(target_os = "linux")]
    if let Some(info) = info {
        // SAFETY: the accessors read fields of an initialized value.
        unsafe {
            assert_eq!(info.pid(), raw.si_pid());
            assert_eq!(info.uid().raw(), raw.si_uid());
            assert_eq!(info.status(), raw.si_status());
        }
        assert_eq!(info.code().raw(), raw.si_code);
    }
}

fuzz_target!(|data: &[u8]| {
    for family in Family::ALL {
        for model in MODELS {
            check(family, model, data);
        }
    }
    check_host(data);
});
