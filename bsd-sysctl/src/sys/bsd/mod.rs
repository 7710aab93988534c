//! The BSDs and Apple: sysctl(3) on a mib, one system call per read.
//!
//! This file holds what every family shares — the raw call, reading a value
//! of unknown size, and [`Ctl`]. How a name becomes a mib and a type, the
//! descriptions and the walk differ, one file each:
//! - `oid.rs`: FreeBSD, DragonFly and Apple, through the internal oids
//!   `{0,1}` name, `{0,2}` next, `{0,4}` format, `{0,5}` description;
//! - `netbsd.rs`: NetBSD, through `CTL_QUERY` and `CTL_DESCRIBE`;
//! - `openbsd.rs`: OpenBSD, through this crate's static table.

use crate::mib::Mib;
use crate::name::{self, CTL_MAXNAME};
use crate::value::{self, Kind, Layout, Value};
use crate::Number;
use bsd_errno::{check, Errno, Result};
use libc::c_int;

#[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_vendor = "apple"))]
mod oid;
#[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_vendor = "apple"))]
use oid as family;

#[cfg(target_os = "netbsd")]
mod netbsd;
#[cfg(target_os = "netbsd")]
use netbsd as family;

#[cfg(target_os = "openbsd")]
mod openbsd;
#[cfg(target_os = "openbsd")]
use openbsd as family;

pub(crate) use family::{name_to_mib, NodeInner, Walk};

/// What to do with the "old" (read) side of a sysctl call.
pub(crate) enum Old<'a> {
    /// Nothing: a pure write (`oldp` and `oldlenp` NULL).
    None,
    /// Ask for the size (`oldp` NULL).
    Size,
    /// Read into this buffer.
    Buf(&'a mut [u8]),
}

/// `sysctl(mib, old, new)`: returns the length the kernel reports (the
/// bytes read, or the size asked for). `ENOMEM` if the buffer is too small.
pub(crate) fn sysctl_mib(mib: &[c_int], old: Old<'_>, new: Option<&[u8]>) -> Result<usize> {
    let namelen = libc::c_uint::try_from(mib.len()).map_err(|_| Errno::EINVAL)?;
    let mut len: libc::size_t = 0;
    let (oldp, oldlenp): (*mut libc::c_void, *mut libc::size_t) = match old {
        Old::None => (core::ptr::null_mut(), core::ptr::null_mut()),
        Old::Size => (core::ptr::null_mut(), &mut len),
        Old::Buf(buf) => {
            len = buf.len();
            (buf.as_mut_ptr().cast(), &mut len)
        }
    };
    let (newp, newlen) = match new {
        Some(b) => (b.as_ptr().cast_mut().cast::<libc::c_void>(), b.len()),
        None => (core::ptr::null_mut(), 0),
    };
    // SAFETY: `mib` is readable for `namelen` ints (the kernel does not
    // write it, whatever the pointer's mutability in the binding); `oldp`
    // is null or writable for `*oldlenp` bytes; `newp` is null or readable
    // for `newlen` bytes, and the kernel only reads it.
    check(unsafe { libc::sysctl(mib.as_ptr().cast_mut(), namelen, oldp, oldlenp, newp, newlen) })?;
    Ok(len)
}

/// `sysctlbyname(name, old, new)`, with the same contract as [`sysctl_mib`].
#[cfg(not(target_os = "openbsd"))]
pub(crate) fn sysctl_name(name: &str, old: Old<'_>, new: Option<&[u8]>) -> Result<usize> {
    name::with_c_str(name.as_bytes(), |c| {
        let mut len: libc::size_t = 0;
        let (oldp, oldlenp): (*mut libc::c_void, *mut libc::size_t) = match old {
            Old::None => (core::ptr::null_mut(), core::ptr::null_mut()),
            Old::Size => (core::ptr::null_mut(), &mut len),
            Old::Buf(buf) => {
                len = buf.len();
                (buf.as_mut_ptr().cast(), &mut len)
            }
        };
        let (newp, newlen) = match new {
            Some(b) => (b.as_ptr().cast_mut().cast::<libc::c_void>(), b.len()),
            None => (core::ptr::null_mut(), 0),
        };
        // SAFETY: `c` is NUL-terminated; the buffers are as in `sysctl_mib`.
        check(unsafe { libc::sysctlbyname(c.as_ptr(), oldp, oldlenp, newp, newlen) })?;
        Ok(len)
    })
}

/// OpenBSD has no `sysctlbyname`: the table gives the mib.
#[cfg(target_os = "openbsd")]
pub(crate) fn sysctl_name(name: &str, old: Old<'_>, new: Option<&[u8]>) -> Result<usize> {
    let mib = name_to_mib(name)?;
    sysctl_mib(&mib, old, new)
}

/// Reads a value of unknown size with `call`: first into a stack buffer,
/// then (on `ENOMEM`) into a heap buffer sized by asking, retried while the
/// value keeps growing.
pub(crate) fn read_grow(mut call: impl FnMut(Old<'_>) -> Result<usize>) -> Result<Vec<u8>> {
    let mut stack = [0u8; 256];
    match call(Old::Buf(&mut stack)) {
        Ok(n) => return Ok(stack.get(..n).ok_or(Errno::EIO)?.to_vec()),
        Err(Errno::ENOMEM) => {}
        Err(e) => return Err(e),
    }
    for _ in 0..16 {
        let size = call(Old::Size)?;
        // Room for growth between the two calls; a size that leaves no
        // room (a kernel's absurd answer) is ENOMEM, never a wrap.
        let room = size
            .checked_add(size / 8)
            .and_then(|n| n.checked_add(64))
            .ok_or(Errno::ENOMEM)?;
        let mut buf = Vec::new();
        buf.try_reserve_exact(room).map_err(|_| Errno::ENOMEM)?;
        buf.resize(room, 0);
        match call(Old::Buf(&mut buf)) {
            Ok(n) => {
                buf.truncate(n);
                return Ok(buf);
            }
            Err(Errno::ENOMEM) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(Errno::ENOMEM)
}

/// Reads exactly `T`'s width with one call into a small stack buffer: `EIO`
/// if the value has another size, as Go's `syscall.SysctlUint32` does.
fn read_exact<T: Number>(call: impl FnOnce(Old<'_>) -> Result<usize>) -> Result<T> {
    let mut buf = [0u8; 16];
    let n = match call(Old::Buf(&mut buf)) {
        Ok(n) => n,
        Err(Errno::ENOMEM) => return Err(Errno::EIO),
        Err(e) => return Err(e),
    };
    T::from_ne(buf.get(..n).ok_or(Errno::EIO)?).ok_or(Errno::EIO)
}

/// Reads an unsigned integer of 4 or 8 bytes with one call.
fn read_either(call: impl FnOnce(Old<'_>) -> Result<usize>) -> Result<u64> {
    let mut buf = [0u8; 16];
    let n = match call(Old::Buf(&mut buf)) {
        Ok(n) => n,
        Err(Errno::ENOMEM) => return Err(Errno::EIO),
        Err(e) => return Err(e),
    };
    let bytes = buf.get(..n).ok_or(Errno::EIO)?;
    value::uint_either(bytes)
}

fn validate(name: &str) -> Result<()> {
    name::validate(name, CTL_MAXNAME, false).map(drop)
}

// ---- Go's calls: `syscall.Sysctl`, `syscall.SysctlUint32` ----

pub(crate) fn read_vec(name: &str) -> Result<Vec<u8>> {
    validate(name)?;
    read_grow(|old| sysctl_name(name, old, None))
}

pub(crate) fn read_string(name: &str) -> Result<String> {
    let bytes = read_vec(name)?;
    let bytes = bytes.strip_suffix(&[0]).unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|_| Errno::EILSEQ)
}

pub(crate) fn read_number<T: Number>(name: &str) -> Result<T> {
    validate(name)?;
    read_exact(|old| sysctl_name(name, old, None))
}

pub(crate) fn read_uint(name: &str) -> Result<u64> {
    validate(name)?;
    read_either(|old| sysctl_name(name, old, None))
}

/// The BSDs answer their own names: no aliases.
pub(crate) fn is_alias(_name: &str) -> bool {
    false
}

// ---- Ctl ----

/// A resolved node: its mib, type and format, asked once.
#[derive(Debug)]
pub(crate) struct Ctl {
    name: String,
    mib: Mib,
    kind: Kind,
    fmt: String,
    readable: bool,
    writable: bool,
}

impl Ctl {
    pub(crate) fn new(name: &str) -> Result<Ctl> {
        validate(name)?;
        family::resolve(name)
    }

    pub(crate) fn from_node(name: &str, inner: &NodeInner) -> Result<Ctl> {
        family::resolve_node(name, inner)
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn mib(&self) -> Option<&Mib> {
        Some(&self.mib)
    }

    pub(crate) fn kind(&self) -> Kind {
        self.kind
    }

    pub(crate) fn format(&self) -> &str {
        &self.fmt
    }

    pub(crate) fn description(&self) -> Result<Option<String>> {
        family::description(&self.mib)
    }

    pub(crate) fn readable(&self) -> bool {
        self.readable
    }

    pub(crate) fn writable(&self) -> bool {
        self.writable
    }

    fn not_node(&self) -> Result<()> {
        if self.kind == Kind::Node {
            Err(Errno::EISDIR)
        } else {
            Ok(())
        }
    }

    #[inline]
    pub(crate) fn read(&self, buf: &mut [u8]) -> Result<usize> {
        self.not_node()?;
        sysctl_mib(&self.mib, Old::Buf(buf), None)
    }

    pub(crate) fn value_bytes(&self) -> Result<Vec<u8>> {
        self.not_node()?;
        read_grow(|old| sysctl_mib(&self.mib, old, None))
    }

    pub(crate) fn value(&self) -> Result<Value> {
        value::decode(self.kind, &self.fmt, &self.value_bytes()?, &Layout::NATIVE)
    }

    pub(crate) fn value_string(&self) -> Result<String> {
        if self.kind == Kind::String {
            let bytes = self.value_bytes()?;
            return Ok(value::decode_str(&bytes)?.to_owned());
        }
        Ok(self.value()?.to_string())
    }

    #[inline]
    pub(crate) fn value_number<T: Number>(&self) -> Result<T> {
        self.not_node()?;
        let mut buf = [0u8; 64];
        let n = match sysctl_mib(&self.mib, Old::Buf(&mut buf), None) {
            Ok(n) => n,
            Err(Errno::ENOMEM) => return Err(Errno::EIO),
            Err(e) => return Err(e),
        };
        let bytes = buf.get(..n).ok_or(Errno::EIO)?;
        if self.kind == Kind::String {
            return T::parse(value::decode_str(bytes).map_err(|_| Errno::EINVAL)?);
        }
        let v = value::decode_int(self.kind, bytes, &Layout::NATIVE)?;
        T::try_from(v).map_err(|_| Errno::ERANGE)
    }

    pub(crate) fn set_bytes(&self, bytes: &[u8]) -> Result<()> {
        self.not_node()?;
        sysctl_mib(&self.mib, Old::None, Some(bytes)).map(drop)
    }

    pub(crate) fn set_value(&self, v: &Value) -> Result<()> {
        self.not_node()?;
        let bytes = value::encode(v, self.kind, &Layout::NATIVE, false)?;
        self.set_bytes(&bytes)
    }
}
