//! `set_nonblocking`/`nonblocking` on descriptors made elsewhere: sockets
//! from std, pipes, files, and what the flag changes in the calls.

mod util;

use bsd_net::*;
use std::io::Write;
use std::os::fd::{AsFd, AsRawFd};
use std::sync::Mutex;
use util::{is_nonblocking, open_fds, pipe, TempPath};

/// The tests of this file run one at a time, so a descriptor count is not
/// disturbed by another test's descriptors.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn toggles_on_a_std_socket_and_blocks_no_more() {
    let _serial = serial();
    let before = open_fds();
    {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        assert!(!nonblocking(&listener).unwrap());
        set_nonblocking(&listener, true).unwrap();
        assert!(nonblocking(&listener).unwrap());
        assert!(is_nonblocking(listener.as_raw_fd()));
        // No pending connection: EAGAIN rather than a hang.
        assert_eq!(accept(&listener, SocketFlags::empty()).unwrap_err(), Errno::EAGAIN);
        // Setting it again is a no-op, not an error.
        set_nonblocking(&listener, true).unwrap();
        set_nonblocking(&listener, false).unwrap();
        assert!(!nonblocking(&listener).unwrap());
        assert!(!is_nonblocking(listener.as_raw_fd()));
    }
    assert_eq!(open_fds(), before);
}

#[test]
fn receives_say_eagain_once_nonblocking() {
    let _serial = serial();
    let (a, b) = socketpair(AddressFamily::UNIX, SocketType::DGRAM, SocketFlags::empty()).unwrap();
    set_nonblocking(&a, true).unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(recv(&a, &mut buf, MsgFlags::empty()).unwrap_err(), Errno::EAGAIN);
    send(&b, b"ok", MsgFlags::empty()).unwrap();
    assert_eq!(recv(&a, &mut buf, MsgFlags::empty()).unwrap(), 2);
    // The peer was not touched.
    assert!(!nonblocking(&b).unwrap());
}

#[test]
fn any_descriptor_and_other_flags_kept() {
    let _serial = serial();
    let (r, w) = pipe();
    set_nonblocking(&r, true).unwrap();
    assert!(nonblocking(&r).unwrap());
    assert!(!nonblocking(&w).unwrap());
    // A file opened for appending keeps O_APPEND across both changes.
    let path = TempPath::new("append");
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path.0)
        .unwrap();
    let append = |f: &std::fs::File| {
        // SAFETY: F_GETFL takes no memory.
        let fl = unsafe { libc::fcntl(f.as_raw_fd(), libc::F_GETFL) };
        fl & libc::O_APPEND != 0
    };
    assert!(append(&f));
    set_nonblocking(&f, true).unwrap();
    assert!(append(&f) && nonblocking(&f).unwrap());
    set_nonblocking(&f, false).unwrap();
    assert!(append(&f) && !nonblocking(&f).unwrap());
    f.write_all(b"x").unwrap();
    // The flag belongs to the open file description: a duplicate sees it.
    let dup = r.as_fd().try_clone_to_owned().unwrap();
    assert!(nonblocking(&dup).unwrap());
    set_nonblocking(&dup, false).unwrap();
    assert!(!nonblocking(&r).unwrap());
}

#[test]
fn sockets_made_nonblocking_here_read_back() {
    let _serial = serial();
    let s = socket(AddressFamily::INET, SocketType::DGRAM, SocketFlags::NONBLOCK).unwrap();
    assert!(nonblocking(&s).unwrap());
    set_nonblocking(&s, false).unwrap();
    assert!(!nonblocking(&s).unwrap());
}
