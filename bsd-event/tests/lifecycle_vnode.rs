//! EVFILT_VNODE's access notes (FreeBSD ≥ 11): NOTE_OPEN, NOTE_CLOSE,
//! NOTE_CLOSE_WRITE and NOTE_READ, on real files.
#![cfg(any(target_os = "linux", target_os = "freebsd", target_os = "netbsd"))]

mod common;

use bsd_event::{Filter, KEvent, Kqueue, VnodeEvents as V};
use common::*;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::path::PathBuf;

const ACCESS: V = V::OPEN.union(V::CLOSE).union(V::CLOSE_WRITE).union(V::READ);

fn file(name: &str) -> (PathBuf, PathBuf) {
    let d = std::env::temp_dir().join(format!("bsd-event-lifecycle-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    let p = d.join("f");
    fs::write(&p, b"0123456789").unwrap();
    (d, p)
}

/// Waits until the accumulated notes for `id` contain `want`, then
/// collects whatever else is already pending.
fn notes(kq: &Kqueue, id: usize, want: V) -> V {
    let mut got = V::empty();
    while !got.contains(want) {
        let ev = wait_for(kq, Filter::Vnode, id, SOON).unwrap_or_else(|| panic!("no {want:?}; got {got:?}"));
        got |= V::from_bits_retain(ev.fflags());
    }
    while let Some(ev) = wait_for(kq, Filter::Vnode, id, QUIET) {
        got |= V::from_bits_retain(ev.fflags());
    }
    got
}

#[test]
fn open_read_write_close_each_report_their_note() {
    let (d, p) = file("each");
    let f = File::open(&p).unwrap();
    let id = f.as_raw_fd() as usize;
    let kq = kq();
    kq.register(&[KEvent::vnode(&f, ACCESS).add().clear()]).unwrap();
    assert_quiet(&kq, Filter::Vnode, id);

    // Open read-only: NOTE_OPEN, nothing else.
    let mut r = File::open(&p).unwrap();
    assert_eq!(notes(&kq, id, V::OPEN), V::OPEN);
    // Read: NOTE_READ.
    let mut buf = [0u8; 4];
    r.read_exact(&mut buf).unwrap();
    assert_eq!(notes(&kq, id, V::READ), V::READ);
    // Close a descriptor that could not write: NOTE_CLOSE.
    drop(r);
    assert_eq!(notes(&kq, id, V::CLOSE), V::CLOSE);

    // Open for writing, write (NOTE_WRITE is not watched: nothing), close:
    // NOTE_OPEN, then NOTE_CLOSE_WRITE.
    let mut w = OpenOptions::new().write(true).open(&p).unwrap();
    assert_eq!(notes(&kq, id, V::OPEN), V::OPEN);
    w.write_all(b"ab").unwrap();
    assert_quiet(&kq, Filter::Vnode, id);
    drop(w);
    assert_eq!(notes(&kq, id, V::CLOSE_WRITE), V::CLOSE_WRITE);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_matching_note_reports_the_whole_change() {
    let (d, p) = file("whole");
    let f = File::open(&p).unwrap();
    let id = f.as_raw_fd() as usize;
    let kq = kq();
    // Watching writes and closes after writing: the write reports
    // NOTE_WRITE, the close NOTE_CLOSE_WRITE; the open alone is not asked.
    kq.register(&[KEvent::vnode(&f, V::WRITE | V::CLOSE_WRITE).add().clear()])
        .unwrap();
    let mut w = OpenOptions::new().write(true).open(&p).unwrap();
    assert_quiet(&kq, Filter::Vnode, id);
    w.write_all(b"ab").unwrap();
    assert_eq!(notes(&kq, id, V::WRITE), V::WRITE);
    drop(w);
    assert_eq!(notes(&kq, id, V::CLOSE_WRITE), V::CLOSE_WRITE);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn access_notes_only_when_asked_and_added_later() {
    let (d, p) = file("later");
    let f = File::open(&p).unwrap();
    let id = f.as_raw_fd() as usize;
    let kq = kq();
    kq.register(&[KEvent::vnode(&f, V::WRITE).add().clear()]).unwrap();
    // Opening, reading and closing are not writes.
    let mut buf = Vec::new();
    File::open(&p).unwrap().read_to_end(&mut buf).unwrap();
    assert_quiet(&kq, Filter::Vnode, id);
    // A later EV_ADD asks for NOTE_OPEN too: the next open reports it.
    kq.register(&[KEvent::vnode(&f, V::WRITE | V::OPEN).add().clear()])
        .unwrap();
    let again = File::open(&p).unwrap();
    assert_eq!(notes(&kq, id, V::OPEN), V::OPEN);
    drop(again);
    // Another kqueue's knote on the same file without access notes stays
    // quiet while this one hears opens.
    let other = self::kq();
    other.register(&[KEvent::vnode(&f, V::WRITE).add().clear()]).unwrap();
    let third = File::open(&p).unwrap();
    assert_eq!(notes(&kq, id, V::OPEN), V::OPEN);
    assert_quiet(&other, Filter::Vnode, id);
    drop(third);
    fs::remove_dir_all(&d).unwrap();
}
