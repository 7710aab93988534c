use super::*;
use std::collections::HashSet;
use std::string::ToString;
use std::{format, vec::Vec};

#[test]
fn every_constant_round_trips_through_its_name() {
    let mut seen = HashSet::new();
    for (errno, name) in Errno::all() {
        assert!(seen.insert(name), "{name} listed twice");
        // name -> errno gives exactly this constant.
        assert_eq!(Errno::from_name(name), Some(errno), "{name}");
        // errno -> name gives this name or, for an alias, the canonical name
        // of the same value.
        let canonical = errno.name().unwrap_or_else(|| panic!("{name} has no name"));
        assert_eq!(Errno::from_name(canonical), Some(errno), "{name} -> {canonical}");
        // Debug has the code, the canonical name and the message.
        let mut message = std::string::String::new();
        errno.write_message(&mut message).unwrap();
        assert_eq!(
            format!("{errno:?}"),
            format!(
                "Errno {{ code: {}, name: {canonical:?}, message: {message:?} }}",
                errno.raw()
            )
        );
    }
    assert!(seen.len() >= 90, "only {} errno names in the table", seen.len());
}

#[test]
fn aliases_prefer_the_common_name() {
    assert_eq!(Errno::EWOULDBLOCK, Errno::EAGAIN);
    assert_eq!(Errno::EWOULDBLOCK.name(), Some("EAGAIN"));
    assert_eq!(Errno::from_name("EWOULDBLOCK"), Some(Errno::EAGAIN));
    #[cfg(target_os = "linux")]
    {
        assert_eq!(Errno::EDEADLOCK.name(), Some("EDEADLK"));
        assert_eq!(Errno::ENOTSUP.name(), Some("EOPNOTSUPP"));
    }
}

#[test]
fn well_known_names() {
    assert_eq!(Errno::EINVAL.name(), Some("EINVAL"));
    assert_eq!(Errno::EINVAL.raw(), libc::EINVAL);
    assert_eq!(Errno::from_raw(libc::ENOENT), Errno::ENOENT);
    assert_eq!(Errno::from_raw(libc::ENOENT).name(), Some("ENOENT"));
    assert_eq!(Errno::from_raw(0).name(), None);
    assert_eq!(Errno::from_raw(-1).name(), None);
    assert_eq!(Errno::from_raw(99_999).name(), None);
    assert_eq!(Errno::from_name("ENOSUCHTHING"), None);
    assert_eq!(Errno::from_name(""), None);
    let unknown = format!("{:?}", Errno::from_raw(99_999));
    assert!(unknown.starts_with("Errno { code: 99999, message: \""), "{unknown}");
    assert!(!unknown.contains("name"), "{unknown}");
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri's strerror_r stand-in is not the C library's: it appends \"(os error N)\" to the message"
)]
fn display_matches_std_for_every_value() {
    let mut values: Vec<libc::c_int> = Errno::all().map(|(e, _)| e.raw()).collect();
    values.extend([0, -1, 4_095, 99_999, libc::c_int::MAX, libc::c_int::MIN]);
    for raw in values {
        let ours = Errno::from_raw(raw).to_string();
        let std = std::io::Error::from_raw_os_error(raw).to_string();
        assert_eq!(ours, std, "errno {raw}");
    }
    assert_eq!(
        Errno::EINVAL.to_string(),
        format!("Invalid argument (os error {})", libc::EINVAL)
    );
}

#[test]
fn last_after_a_failing_real_call() {
    // SAFETY: closing an invalid descriptor touches nothing.
    let ret = unsafe { libc::close(-1) };
    assert_eq!(ret, -1);
    assert_eq!(Errno::last(), Errno::EBADF);
    // SAFETY: as above.
    assert_eq!(check(unsafe { libc::close(-1) }), Err(Errno::EBADF));
}

#[test]
fn set_last_is_per_thread() {
    Errno::set_last(Errno::ENOSPC);
    assert_eq!(Errno::last(), Errno::ENOSPC);
    std::thread::spawn(|| {
        Errno::set_last(Errno::EPIPE);
        assert_eq!(Errno::last(), Errno::EPIPE);
    })
    .join()
    .unwrap();
    assert_eq!(Errno::last(), Errno::ENOSPC);
    Errno::set_last(Errno::from_raw(0));
    assert_eq!(Errno::last().raw(), 0);
}

#[test]
fn io_error_conversions() {
    let io: std::io::Error = Errno::ENOENT.into();
    assert_eq!(io.raw_os_error(), Some(libc::ENOENT));
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    assert_eq!(Errno::from_io_error(&io), Some(Errno::ENOENT));
    let custom = std::io::Error::other("not an os error");
    assert_eq!(Errno::from_io_error(&custom), None);
    assert_eq!(Errno::EACCES.kind(), std::io::ErrorKind::PermissionDenied);
    assert_eq!(std::io::ErrorKind::from(Errno::EAGAIN), std::io::ErrorKind::WouldBlock);
    let boxed: std::boxed::Box<dyn std::error::Error> = std::boxed::Box::new(Errno::EPERM);
    assert_eq!(boxed.to_string(), Errno::EPERM.to_string());
    assert_eq!(libc::c_int::from(Errno::EIO), libc::EIO);
}

#[test]
fn check_each_return_type() {
    assert_eq!(check(0i32), Ok(0));
    assert_eq!(check(7isize), Ok(7));
    assert_eq!(check(-2i64), Ok(-2));
    Errno::set_last(Errno::EIO);
    assert_eq!(check(-1i32), Err(Errno::EIO));
    assert_eq!(check(-1isize), Err(Errno::EIO));
    assert_eq!(check(-1 as libc::c_long), Err(Errno::EIO));
    assert_eq!(check(-1i64), Err(Errno::EIO));
    assert_eq!(check(-1i16), Err(Errno::EIO));
    assert_eq!(check(-1i8), Err(Errno::EIO));

    // A real ssize_t failure: read from an invalid descriptor.
    let mut b = [0u8; 1];
    // SAFETY: `b` is writable for one byte; the descriptor is invalid.
    let r = unsafe { libc::read(-1, b.as_mut_ptr().cast(), 1) };
    assert_eq!(check(r), Err(Errno::EBADF));
    // A real off_t failure.
    // SAFETY: lseek on an invalid descriptor touches no memory.
    assert_eq!(check(unsafe { libc::lseek(-1, 0, libc::SEEK_SET) }), Err(Errno::EBADF));
}

#[test]
#[cfg_attr(
    miri,
    ignore = "mmap with a bad descriptor and fdopendir are foreign calls Miri does not run"
)]
fn check_pointers() {
    // SAFETY: a zero-length mmap request is rejected by the kernel.
    let r = check_ptr(
        unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                0,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANON,
                -1,
                0,
            )
        },
        libc::MAP_FAILED,
    );
    assert_eq!(r, Err(Errno::EINVAL));

    // SAFETY: fdopendir on an invalid descriptor fails without side effects.
    let d = check_nonnull(unsafe { libc::fdopendir(-1) });
    assert_eq!(d.err(), Some(Errno::EBADF));

    let mut x = 5u8;
    let p: *mut u8 = &mut x;
    assert_eq!(check_nonnull(p).map(|n| n.as_ptr()), Ok(p));
    assert_eq!(check_ptr(p, core::ptr::null_mut()), Ok(p));
}

#[test]
#[cfg_attr(miri, ignore = "pthread_kill is a foreign call Miri does not run")]
fn check_code_does_not_read_errno() {
    Errno::set_last(Errno::EIO);
    assert_eq!(check_code(0), Ok(()));
    assert_eq!(check_code(libc::EBUSY), Err(Errno::EBUSY));
    // A real errno-returning call: pthread_kill with an invalid signal.
    // SAFETY: signal number 9999 is rejected before any thread is signalled.
    let r = check_code(unsafe { libc::pthread_kill(libc::pthread_self(), 9_999) });
    assert_eq!(r, Err(Errno::EINVAL));
}

#[test]
fn retry_on_eintr_retries_only_eintr() {
    let mut calls = 0;
    let r = retry_on_eintr(|| {
        calls += 1;
        if calls < 3 {
            Err(Errno::EINTR)
        } else {
            Ok(calls)
        }
    });
    assert_eq!(r, Ok(3));

    let mut calls = 0;
    let r: Result<()> = retry_on_eintr(|| {
        calls += 1;
        Err(Errno::EAGAIN)
    });
    assert_eq!((r, calls), (Err(Errno::EAGAIN), 1));
}

#[test]
fn ordering_and_hash_follow_the_raw_value() {
    let mut v = [Errno::from_raw(3), Errno::from_raw(1), Errno::from_raw(2)];
    v.sort();
    assert_eq!(v.map(Errno::raw), [1, 2, 3]);
    let set: HashSet<Errno> = [Errno::EAGAIN, Errno::EWOULDBLOCK].into_iter().collect();
    assert_eq!(set.len(), 1);
    assert_eq!(core::mem::size_of::<Errno>(), core::mem::size_of::<libc::c_int>());
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri's strerror_r stand-in is not the C library's: it appends \"(os error N)\" to the message"
)]
fn debug_shows_name_and_message() {
    let e = Errno::ENOENT;
    assert_eq!(
        format!("{e:?}"),
        format!(
            "Errno {{ code: {}, name: \"ENOENT\", message: \"No such file or directory\" }}",
            libc::ENOENT
        )
    );
    // Alternate form: one field a line, as std's structs.
    let pretty = format!("{e:#?}");
    assert!(pretty.contains("\n    name: \"ENOENT\",\n"), "{pretty}");
    // What `main` prints for an error boxed as `dyn Error`.
    let boxed: std::boxed::Box<dyn std::error::Error> = std::boxed::Box::new(Errno::EACCES);
    let shown = format!("{boxed:?}");
    assert!(
        shown.contains("EACCES") && shown.contains("Permission denied"),
        "{shown}"
    );
}

#[test]
fn debug_message_buffer_cuts_at_a_char_boundary() {
    use core::fmt::Write;
    let mut b = MessageBuf::new();
    let long = "é".repeat(200); // 400 bytes, two per char
    b.write_str(&long).unwrap();
    assert_eq!(b.as_str().len(), 256);
    assert!(b.as_str().chars().all(|c| c == 'é'));
    // Full: further writes are dropped, not a panic.
    b.write_str("x").unwrap();
    assert_eq!(b.as_str().len(), 256);
    let mut odd = MessageBuf::new();
    odd.write_str("a").unwrap();
    odd.write_str(&long).unwrap();
    assert_eq!(odd.as_str().len(), 255);
}
