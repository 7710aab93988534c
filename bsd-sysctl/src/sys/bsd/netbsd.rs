//! NetBSD: names become mibs through `sysctlnametomib`; types, flags and
//! children come from `CTL_QUERY` on the parent (an array of
//! `struct sysctlnode`), descriptions from `CTL_DESCRIBE`.

use super::{sysctl_mib, Ctl};
use crate::mib::Mib;
use crate::name::{self, CTL_MAXNAME};
use crate::netbsd::{self as layout, NodeInfo, Sysctlnode, CTL_DESCRIBE, CTL_QUERY, NODE_SIZE};
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

/// The bytes of a version-1 query node for `num`.
fn query_node(num: i32) -> [u8; NODE_SIZE] {
    let node = Sysctlnode::query(num);
    let mut out = [0u8; NODE_SIZE];
    // SAFETY: `Sysctlnode` is a repr(C) struct of integers with no padding
    // (its size is asserted to be NODE_SIZE, the sum of its fields), so its
    // bytes are initialised; `out` is exactly that size.
    let bytes = unsafe { core::slice::from_raw_parts((&node as *const Sysctlnode).cast::<u8>(), NODE_SIZE) };
    out.copy_from_slice(bytes);
    out
}

/// `{parent…, op}` with `new` data: a `CTL_QUERY` or `CTL_DESCRIBE`.
fn ask(parent: &[c_int], op: c_int, num: i32) -> Result<Vec<u8>> {
    let mut q = [0 as c_int; CTL_MAXNAME + 1];
    q.get_mut(..parent.len()).ok_or(Errno::EINVAL)?.copy_from_slice(parent);
    *q.get_mut(parent.len()).ok_or(Errno::EINVAL)? = op;
    let q = q.get(..=parent.len()).ok_or(Errno::EINVAL)?;
    let new = query_node(num);
    super::read_grow(|old| sysctl_mib(q, old, Some(&new)))
}

/// The children of the node at `mib` (the top level for the empty mib).
fn children(mib: &[c_int]) -> Result<Vec<NodeInfo>> {
    layout::parse_nodes(&ask(mib, CTL_QUERY, 0)?)
}

/// The node at `mib`, from its parent's children.
fn node_info(mib: &Mib) -> Result<NodeInfo> {
    let (&num, parent) = mib.split_last().ok_or(Errno::EINVAL)?;
    children(parent)?
        .into_iter()
        .find(|n| n.num == num)
        .ok_or(Errno::ENOENT)
}

fn ctl(name: &str, mib: Mib, info: &NodeInfo) -> Ctl {
    let kind = info.kind();
    Ctl {
        name: name.to_owned(),
        mib,
        kind,
        fmt: layout::format_for(name, kind).to_owned(),
        readable: true,
        writable: info.writable(),
    }
}

pub(crate) fn resolve(name: &str) -> Result<Ctl> {
    let mib = name_to_mib(name)?;
    Ok(ctl(name, mib, &node_info(&mib)?))
}

pub(crate) fn resolve_node(name: &str, inner: &NodeInner) -> Result<Ctl> {
    Ok(ctl(name, inner.mib, &inner.info))
}

/// `CTL_DESCRIBE` for one node.
pub(crate) fn description(mib: &Mib) -> Result<Option<String>> {
    let (&num, parent) = mib.split_last().ok_or(Errno::EINVAL)?;
    match ask(parent, CTL_DESCRIBE, num) {
        Ok(bytes) => layout::parse_description(&bytes, num),
        Err(Errno::ENOENT | Errno::EOPNOTSUPP) => Ok(None),
        Err(e) => Err(e),
    }
}

/// What a walk's node carries: its mib and what `CTL_QUERY` said of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NodeInner {
    mib: Mib,
    info: NodeInfo,
}

impl NodeInner {
    pub(crate) fn mib(&self) -> Option<&Mib> {
        Some(&self.mib)
    }
}

/// One level of the depth-first walk.
#[derive(Debug)]
struct Level {
    mib: Mib,
    name: String,
    nodes: std::vec::IntoIter<NodeInfo>,
}

/// The leaves at or below a prefix, depth first in the kernel's order.
#[derive(Debug)]
pub(crate) struct Walk {
    stack: Vec<Level>,
    leaf: Option<(String, NodeInner)>,
}

impl Walk {
    pub(crate) fn new(prefix: &str) -> Result<Walk> {
        name::validate_prefix(prefix, CTL_MAXNAME, false)?;
        let mib = if prefix.is_empty() {
            Mib::empty()
        } else {
            name_to_mib(prefix)?
        };
        if !prefix.is_empty() {
            let info = node_info(&mib)?;
            if info.kind() != crate::Kind::Node {
                return Ok(Walk {
                    stack: Vec::new(),
                    leaf: Some((prefix.to_owned(), NodeInner { mib, info })),
                });
            }
        }
        Ok(Walk {
            stack: vec![Level {
                mib,
                name: prefix.to_owned(),
                nodes: children(&mib)?.into_iter(),
            }],
            leaf: None,
        })
    }

    pub(crate) fn next_node(&mut self) -> Option<Result<(String, NodeInner)>> {
        if let Some(leaf) = self.leaf.take() {
            return Some(Ok(leaf));
        }
        loop {
            let level = self.stack.last_mut()?;
            let Some(info) = level.nodes.next() else {
                self.stack.pop();
                continue;
            };
            let full = if level.name.is_empty() {
                info.name.clone()
            } else {
                format!("{}.{}", level.name, info.name)
            };
            let mut mib = level.mib;
            if let Err(e) = mib.push(info.num) {
                return Some(Err(e));
            }
            if info.kind() == crate::Kind::Node {
                match children(&mib) {
                    Ok(kids) => self.stack.push(Level {
                        mib,
                        name: full,
                        nodes: kids.into_iter(),
                    }),
                    Err(e) => return Some(Err(e)),
                }
                continue;
            }
            return Some(Ok((full, NodeInner { mib, info })));
        }
    }
}
