//! EVFILT_VNODE on files and directories.

mod common;

use bsd_errno::Errno;
use bsd_event::{Filter, KEvent, VnodeEvents as V};
use common::*;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bsd-event-vnode-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn watch(kq: &bsd_event::Kqueue, f: &File, ev: V) -> usize {
    kq.register(&[KEvent::vnode(f, ev).add().clear()]).unwrap();
    f.as_raw_fd() as usize
}

/// Waits until the accumulated notes for `id` contain `want`.
fn notes(kq: &bsd_event::Kqueue, id: usize, want: V) -> V {
    let mut got = V::empty();
    while !got.contains(want) {
        let ev = wait_for(kq, Filter::Vnode, id, SOON).unwrap_or_else(|| panic!("no {want:?}; got {got:?}"));
        got |= V::from_bits_retain(ev.fflags());
    }
    got
}

#[test]
fn file_write_and_extend() {
    let d = dir("write");
    let p = d.join("f");
    fs::write(&p, b"0123456789").unwrap();
    let f = File::open(&p).unwrap();
    let kq = kq();
    let id = watch(&kq, &f, V::WRITE | V::EXTEND);
    assert_quiet(&kq, Filter::Vnode, id);
    OpenOptions::new()
        .append(true)
        .open(&p)
        .unwrap()
        .write_all(b"more")
        .unwrap();
    assert_eq!(notes(&kq, id, V::WRITE | V::EXTEND), V::WRITE | V::EXTEND);
    // Overwriting in place is a write, not an extension.
    let mut w = OpenOptions::new().write(true).open(&p).unwrap();
    w.write_all(b"ab").unwrap();
    let got = notes(&kq, id, V::WRITE);
    assert!(!got.contains(V::EXTEND), "{got:?}");
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn file_attrib_link_rename_delete() {
    let d = dir("meta");
    let p = d.join("f");
    fs::write(&p, b"x").unwrap();
    let f = File::open(&p).unwrap();
    let kq = kq();
    let id = watch(&kq, &f, V::ATTRIB | V::LINK | V::RENAME | V::DELETE);
    fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
    notes(&kq, id, V::ATTRIB);
    fs::hard_link(&p, d.join("g")).unwrap();
    notes(&kq, id, V::LINK);
    fs::rename(&p, d.join("h")).unwrap();
    notes(&kq, id, V::RENAME);
    fs::remove_file(d.join("g")).unwrap();
    notes(&kq, id, V::LINK);
    fs::remove_file(d.join("h")).unwrap();
    notes(&kq, id, V::DELETE);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn only_watched_notes_are_reported() {
    let d = dir("filter");
    let p = d.join("f");
    fs::write(&p, b"x").unwrap();
    let f = File::open(&p).unwrap();
    let kq = kq();
    let id = watch(&kq, &f, V::DELETE);
    OpenOptions::new()
        .append(true)
        .open(&p)
        .unwrap()
        .write_all(b"y")
        .unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
    assert_quiet(&kq, Filter::Vnode, id);
    fs::remove_file(&p).unwrap();
    assert_eq!(notes(&kq, id, V::DELETE), V::DELETE);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn directory_entries_and_subdirectories() {
    let d = dir("dir");
    let f = File::open(&d).unwrap();
    let kq = kq();
    let id = watch(&kq, &f, V::WRITE | V::LINK | V::RENAME | V::DELETE | V::ATTRIB);
    fs::write(d.join("a"), b"").unwrap();
    notes(&kq, id, V::WRITE);
    fs::set_permissions(&d, fs::Permissions::from_mode(0o700)).unwrap();
    notes(&kq, id, V::ATTRIB);
    fs::create_dir(d.join("sub")).unwrap();
    notes(&kq, id, V::WRITE | V::LINK);
    fs::rename(d.join("a"), d.join("b")).unwrap();
    notes(&kq, id, V::WRITE);
    fs::remove_file(d.join("b")).unwrap();
    notes(&kq, id, V::WRITE);
    fs::remove_dir(d.join("sub")).unwrap();
    notes(&kq, id, V::WRITE | V::LINK);
    let moved = d.with_extension("moved");
    fs::rename(&d, &moved).unwrap();
    notes(&kq, id, V::RENAME);
    fs::remove_dir(&moved).unwrap();
    notes(&kq, id, V::DELETE);
}

#[test]
fn pipe_and_socket_are_rejected() {
    let kq = kq();
    let (r, _w) = pipe();
    assert_eq!(kq.register(&[KEvent::vnode(&r, V::WRITE).add()]), Err(Errno::EINVAL));
    let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
    assert_eq!(kq.register(&[KEvent::vnode(&a, V::WRITE).add()]), Err(Errno::EINVAL));
    let bad = KEvent::new(900_000, Filter::Vnode, bsd_event::EvFlags::ADD, V::WRITE.bits(), 0, 0);
    assert_eq!(kq.register(&[bad]), Err(Errno::EBADF));
}

#[test]
fn two_knotes_on_one_file_and_delete() {
    let d = dir("two");
    let p = d.join("f");
    fs::write(&p, b"x").unwrap();
    let f1 = File::open(&p).unwrap();
    let f2 = File::open(&p).unwrap();
    let kq = kq();
    let id1 = watch(&kq, &f1, V::WRITE);
    let id2 = watch(&kq, &f2, V::WRITE);
    OpenOptions::new()
        .append(true)
        .open(&p)
        .unwrap()
        .write_all(b"y")
        .unwrap();
    wait_all(&kq, Filter::Vnode, &[id1, id2], SOON);
    // Deleting one leaves the other watching (they share one watch).
    kq.register(&[KEvent::vnode(&f1, V::WRITE).delete()]).unwrap();
    OpenOptions::new()
        .append(true)
        .open(&p)
        .unwrap()
        .write_all(b"z")
        .unwrap();
    notes(&kq, id2, V::WRITE);
    assert_quiet(&kq, Filter::Vnode, id1);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn directory_moved_to_another_parent_then_removed() {
    let a = dir("moved-a");
    let b = dir("moved-b");
    let d = a.join("d");
    fs::create_dir(&d).unwrap();
    let f = File::open(&d).unwrap();
    let kq = kq();
    let id = watch(&kq, &f, V::RENAME | V::DELETE);
    let to = b.join("d");
    fs::rename(&d, &to).unwrap();
    notes(&kq, id, V::RENAME);
    fs::remove_dir(&to).unwrap();
    notes(&kq, id, V::DELETE);
    fs::remove_dir_all(&a).unwrap();
    fs::remove_dir_all(&b).unwrap();
}
