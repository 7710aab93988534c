//! FreeBSD, DragonFly and Apple: the kernel describes its own tree through
//! the internal oids under `{0}`: `{0,1,mib…}` a node's name, `{0,2,mib…}`
//! the next leaf after it (`ENOENT` at the end), `{0,4,mib…}` its kind and
//! format, `{0,5,mib…}` its description. Names become mibs through
//! `sysctlnametomib` (`{0,3}`).

use super::{sysctl_mib, Ctl, Old};
use crate::format::OidFmt;
use crate::mib::Mib;
use crate::name::{self, CTL_MAXNAME};
use bsd_errno::{check, Errno, Result};
use libc::c_int;

/// `sysctlnametomib(name)`.
pub(crate) fn name_to_mib(name: &str) -> Result<Mib> {
    name::validate(name, CTL_MAXNAME, false)?;
    name::with_c_str(name.as_bytes(), |c| {
        let mut oid = [0 as c_int; CTL_MAXNAME];
        let mut len: libc::size_t = oid.len();
        // SAFETY: `c` is NUL-terminated; `oid` is writable for `len` ints.
        check(unsafe { libc::sysctlnametomib(c.as_ptr(), oid.as_mut_ptr(), &mut len) })?;
        Mib::new(oid.get(..len).ok_or(Errno::EIO)?)
    })
}

/// `{0, op, mib…}`.
fn meta(op: c_int, mib: &[c_int]) -> Result<([c_int; CTL_MAXNAME + 2], usize)> {
    let mut q = [0 as c_int; CTL_MAXNAME + 2];
    q[1] = op;
    q.get_mut(2..2 + mib.len()).ok_or(Errno::EINVAL)?.copy_from_slice(mib);
    Ok((q, 2 + mib.len()))
}

fn ask(op: c_int, mib: &[c_int]) -> Result<Vec<u8>> {
    let (q, len) = meta(op, mib)?;
    let q = q.get(..len).ok_or(Errno::EINVAL)?;
    super::read_grow(|old| sysctl_mib(q, old, None))
}

/// `{0,4}`: the node's kind word and format.
fn oidfmt(mib: &[c_int]) -> Result<OidFmt> {
    OidFmt::parse(&ask(4, mib)?)
}

/// `{0,1}`: the node's name.
fn oid_name(mib: &[c_int]) -> Result<String> {
    let bytes = ask(1, mib)?;
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8(bytes.get(..end).unwrap_or_default().to_vec()).map_err(|_| Errno::EIO)
}

/// `{0,2}`: the next leaf after `mib`, or `None` at the end of the tree.
fn oid_next(mib: &[c_int]) -> Result<Option<Mib>> {
    let (q, len) = meta(2, mib)?;
    let q = q.get(..len).ok_or(Errno::EINVAL)?;
    let mut out = [0 as c_int; CTL_MAXNAME];
    // SAFETY: viewing an array of c_int as bytes; every byte pattern is a
    // valid c_int, and the slice covers exactly the array.
    let bytes = unsafe { core::slice::from_raw_parts_mut(out.as_mut_ptr().cast::<u8>(), core::mem::size_of_val(&out)) };
    match sysctl_mib(q, Old::Buf(bytes), None) {
        Ok(n) => Ok(Some(Mib::new(
            out.get(..n / core::mem::size_of::<c_int>()).ok_or(Errno::EIO)?,
        )?)),
        Err(Errno::ENOENT) => Ok(None),
        Err(e) => Err(e),
    }
}

fn ctl(name: String, mib: Mib) -> Result<Ctl> {
    let f = oidfmt(&mib)?;
    Ok(Ctl {
        kind: f.kind(),
        readable: f.readable(),
        writable: f.writable(),
        fmt: f.fmt,
        name,
        mib,
    })
}

pub(crate) fn resolve(name: &str) -> Result<Ctl> {
    ctl(name.to_owned(), name_to_mib(name)?)
}

pub(crate) fn resolve_node(name: &str, inner: &NodeInner) -> Result<Ctl> {
    ctl(name.to_owned(), inner.mib)
}

/// `{0,5}`: the description, `None` where the node or the system has none.
pub(crate) fn description(mib: &Mib) -> Result<Option<String>> {
    match ask(5, mib) {
        Ok(bytes) => {
            let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
            let s = String::from_utf8(bytes.get(..end).unwrap_or_default().to_vec()).map_err(|_| Errno::EIO)?;
            Ok((!s.is_empty()).then_some(s))
        }
        Err(Errno::ENOENT | Errno::EOPNOTSUPP) => Ok(None),
        Err(e) => Err(e),
    }
}

/// What a walk's node carries: its mib.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NodeInner {
    pub(crate) mib: Mib,
}

impl NodeInner {
    pub(crate) fn mib(&self) -> Option<&Mib> {
        Some(&self.mib)
    }
}

/// The leaves at or below a prefix, through `{0,2}`.
#[derive(Debug)]
pub(crate) struct Walk {
    prefix: Mib,
    cur: Mib,
    /// A leaf prefix: yielded alone.
    leaf: Option<(String, Mib)>,
    done: bool,
}

impl Walk {
    pub(crate) fn new(prefix: &str) -> Result<Walk> {
        name::validate_prefix(prefix, CTL_MAXNAME, false)?;
        if prefix.is_empty() {
            // The whole tree starts after `{CTL_KERN}`, as sysctl(8) -a
            // does on FreeBSD, DragonFly and Apple (`{0,2,1}`): a bare
            // `{0,2}` would start with the internal oids `{0,1}`, `{0,2}`…
            // ("sysctl.name", "sysctl.next", …), nodes with handlers that
            // `{0,2}` reports as leaves, which are no values.
            return Ok(Walk {
                prefix: Mib::empty(),
                cur: Mib::new(&[libc::CTL_KERN])?,
                leaf: None,
                done: false,
            });
        }
        let mib = name_to_mib(prefix)?;
        let leaf = oidfmt(&mib)?.kind() != crate::Kind::Node;
        Ok(Walk {
            prefix: mib,
            cur: mib,
            leaf: leaf.then(|| (prefix.to_owned(), mib)),
            done: leaf,
        })
    }

    pub(crate) fn next_node(&mut self) -> Option<Result<(String, NodeInner)>> {
        if let Some((name, mib)) = self.leaf.take() {
            return Some(Ok((name, NodeInner { mib })));
        }
        if self.done {
            return None;
        }
        let next = match oid_next(&self.cur) {
            Ok(Some(next)) if next.starts_with(&self.prefix) && next != self.cur => next,
            Ok(_) => {
                self.done = true;
                return None;
            }
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        self.cur = next;
        Some(oid_name(&next).map(|name| (name, NodeInner { mib: next })))
    }
}
