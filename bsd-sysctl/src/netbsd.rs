//! NetBSD's self-describing tree: `struct sysctlnode` (version
//! `SYSCTL_VERS_1`), returned by a `CTL_QUERY` (-2) on a node's mib, and
//! `struct sysctldesc`, returned by `CTL_DESCRIBE` (-7).
//!
//! `libc` binds neither structure; this is NetBSD's `<sys/sysctl.h>`. Every
//! pointer and `size_t` in the node is padded to 64 bits (`__sysc_pad`), so
//! the layout — 96 bytes — is the same on 32- and 64-bit machines. The
//! parsers are pure and compiled on every host.

use crate::value::Kind;
use bsd_errno::{Errno, Result};

/// `SYSCTL_NAMELEN`: a node name's buffer, NUL included.
pub(crate) const SYSCTL_NAMELEN: usize = 32;
/// `SYSCTL_VERS_MASK`: the version bits of `sysctl_flags`.
pub(crate) const SYSCTL_VERS_MASK: u32 = 0xff00_0000;
/// `SYSCTL_VERS_1`: the node layout this module reads.
pub(crate) const SYSCTL_VERS_1: u32 = 0x0100_0000;
/// `SYSCTL_TYPEMASK` (`CTLTYPE_MASK`): the type bits of `sysctl_flags`.
pub(crate) const CTLTYPE_MASK: u32 = 0x0000_000f;
/// `CTLFLAG_READWRITE`.
pub(crate) const CTLFLAG_READWRITE: u32 = 0x70;
/// `CTLFLAG_UNSIGNED`: an `int` or quad node holds an unsigned value.
pub(crate) const CTLFLAG_UNSIGNED: u32 = 0x0008_0000;
/// `CTL_QUERY`: the last mib component that asks for a node's children.
#[cfg(target_os = "netbsd")]
pub(crate) const CTL_QUERY: i32 = -2;
/// `CTL_DESCRIBE`: the last mib component that asks for descriptions.
#[cfg(target_os = "netbsd")]
pub(crate) const CTL_DESCRIBE: i32 = -7;

#[cfg(target_os = "netbsd")]
const _: () = {
    assert!(SYSCTL_NAMELEN == libc::SYSCTL_NAMELEN as usize);
    assert!(SYSCTL_VERS_MASK == libc::SYSCTL_VERS_MASK as u32);
    assert!(SYSCTL_VERS_1 == libc::SYSCTL_VERS_1 as u32);
    assert!(CTLFLAG_READWRITE == libc::CTLFLAG_READWRITE as u32);
    assert!(CTLFLAG_UNSIGNED == libc::CTLFLAG_UNSIGNED as u32);
    assert!(CTL_QUERY == libc::CTL_QUERY);
    assert!(CTL_DESCRIBE == libc::CTL_DESCRIBE);
};

/// `struct sysctlnode`, version 1, as NetBSD's `<sys/sysctl.h>` declares it.
///
/// The union `sysctl_un` (child array, data pointer and offset, alias,
/// immediate int/quad/bool) is 16 bytes; the four trailing fields are
/// `__sysc_pad`ded pointers and sizes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sysctlnode {
    /// Type, flags and version.
    pub sysctl_flags: u32,
    /// The mib number.
    pub sysctl_num: i32,
    /// The name, NUL-terminated.
    pub sysctl_name: [u8; SYSCTL_NAMELEN],
    /// The node's version vs. the rest of the tree.
    pub sysctl_ver: u32,
    /// `__rsvd`.
    pub rsvd: u32,
    /// `sysctl_un`.
    pub sysctl_un: [u64; 2],
    /// `sysctl_size` (padded `size_t`): the size of the node's data.
    pub sysctl_size: u64,
    /// `sysctl_func` (padded function pointer).
    pub sysctl_func: u64,
    /// `sysctl_parent` (padded pointer).
    pub sysctl_parent: u64,
    /// `sysctl_desc` (padded pointer).
    pub sysctl_desc: u64,
}

/// `sizeof(struct sysctlnode)`.
pub(crate) const NODE_SIZE: usize = 96;
const _: () = assert!(core::mem::size_of::<Sysctlnode>() == NODE_SIZE);

impl Sysctlnode {
    /// The node passed as "new" data to `CTL_QUERY` and `CTL_DESCRIBE`: all
    /// zero but the version (and, to describe one node, its number).
    #[cfg(any(test, target_os = "netbsd"))]
    pub(crate) const fn query(num: i32) -> Sysctlnode {
        Sysctlnode {
            sysctl_flags: SYSCTL_VERS_1,
            sysctl_num: num,
            sysctl_name: [0; SYSCTL_NAMELEN],
            sysctl_ver: 0,
            rsvd: 0,
            sysctl_un: [0; 2],
            sysctl_size: 0,
            sysctl_func: 0,
            sysctl_parent: 0,
            sysctl_desc: 0,
        }
    }
}

/// What this crate needs of one node of a `CTL_QUERY` reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NodeInfo {
    /// `sysctl_flags`: type, flags, version.
    pub flags: u32,
    /// `sysctl_num`.
    pub num: i32,
    /// `sysctl_name`.
    pub name: String,
}

impl NodeInfo {
    /// The node's type: NODE 1, INT 2, STRING 3, QUAD 4, STRUCT 5, BOOL 6.
    /// NetBSD's sysctl(8) prints a quad unsigned; an int is unsigned with
    /// `CTLFLAG_UNSIGNED`.
    pub(crate) fn kind(&self) -> Kind {
        let unsigned = self.flags & CTLFLAG_UNSIGNED != 0;
        match self.flags & CTLTYPE_MASK {
            1 => Kind::Node,
            2 if unsigned => Kind::UInt,
            2 => Kind::Int,
            3 => Kind::String,
            4 => Kind::U64,
            6 => Kind::Bool,
            _ => Kind::Opaque,
        }
    }

    /// Whether the node can be written (`CTLFLAG_READWRITE`).
    pub(crate) fn writable(&self) -> bool {
        self.flags & CTLFLAG_READWRITE == CTLFLAG_READWRITE
    }
}

/// Parses a `CTL_QUERY` reply: `len / 96` nodes. A length that is not a
/// whole number of nodes, a node of another version, or a name without a
/// NUL or not UTF-8 is `EIO`.
pub(crate) fn parse_nodes(buf: &[u8]) -> Result<Vec<NodeInfo>> {
    if buf.len() % NODE_SIZE != 0 {
        return Err(Errno::EIO);
    }
    buf.chunks_exact(NODE_SIZE).map(parse_node).collect()
}

fn parse_node(b: &[u8]) -> Result<NodeInfo> {
    let u32_at = |at: usize| -> Result<u32> {
        b.get(at..at + 4)
            .and_then(|s| s.try_into().ok())
            .map(u32::from_ne_bytes)
            .ok_or(Errno::EIO)
    };
    let flags = u32_at(0)?;
    if flags & SYSCTL_VERS_MASK != SYSCTL_VERS_1 {
        return Err(Errno::EIO);
    }
    let num = u32_at(4)? as i32;
    let raw = b.get(8..8 + SYSCTL_NAMELEN).ok_or(Errno::EIO)?;
    let end = raw.iter().position(|&c| c == 0).ok_or(Errno::EIO)?;
    let name = core::str::from_utf8(raw.get(..end).unwrap_or_default()).map_err(|_| Errno::EIO)?;
    Ok(NodeInfo {
        flags,
        num,
        name: name.to_owned(),
    })
}

/// Parses a `CTL_DESCRIBE` reply for node `num`: a `struct sysctldesc`
/// (`int32_t descr_num; uint32_t descr_ver; uint32_t descr_len; char
/// descr_str[]`, `descr_len` counting the NUL). `None` if the reply is for
/// another node or has no description; `EIO` if it is malformed.
pub(crate) fn parse_description(buf: &[u8], num: i32) -> Result<Option<String>> {
    let field = |at: usize| -> Result<u32> {
        buf.get(at..at + 4)
            .and_then(|s| s.try_into().ok())
            .map(u32::from_ne_bytes)
            .ok_or(Errno::EIO)
    };
    if field(0)? as i32 != num {
        return Ok(None);
    }
    let len = field(8)? as usize;
    let text = buf
        .get(12..12usize.checked_add(len).ok_or(Errno::EIO)?)
        .ok_or(Errno::EIO)?;
    let end = text.iter().position(|&c| c == 0).unwrap_or(text.len());
    let s = core::str::from_utf8(text.get(..end).unwrap_or_default()).map_err(|_| Errno::EIO)?;
    Ok((!s.is_empty()).then(|| s.to_owned()))
}

/// The format string this crate gives a NetBSD node: FreeBSD's letters for
/// its scalar types, and for the structures NetBSD's sysctl(8) knows by
/// name, the structure (`kern.boottime` is a `struct timespec` there).
pub(crate) fn format_for(name: &str, kind: Kind) -> &'static str {
    match kind {
        Kind::Node => "N",
        Kind::Int => "I",
        Kind::UInt => "IU",
        Kind::String => "A",
        Kind::U64 => "QU",
        Kind::Bool => "B",
        _ => match name {
            "kern.clockrate" => "S,clockinfo",
            "kern.boottime" => "S,timespec",
            "kern.oboottime" => "S,timeval",
            "vm.loadavg" => "S,loadavg",
            _ => "S",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A node as NetBSD's kernel writes it into a `CTL_QUERY` reply.
    fn node(flags: u32, num: i32, name: &str) -> Vec<u8> {
        let mut n = Sysctlnode::query(num);
        n.sysctl_flags = flags;
        n.sysctl_name[..name.len()].copy_from_slice(name.as_bytes());
        n.sysctl_size = 0xdead_beef;
        n.sysctl_parent = 0xffff_8000_0000_1000;
        // SAFETY: a repr(C) struct of integers without padding (its size is
        // asserted to be the sum of its fields); reading its bytes is sound.
        unsafe { core::slice::from_raw_parts((&n as *const Sysctlnode).cast::<u8>(), NODE_SIZE) }.to_vec()
    }

    #[test]
    fn layout_is_96_bytes_with_fields_where_netbsd_has_them() {
        let n = Sysctlnode::query(7);
        let base = &n as *const Sysctlnode as usize;
        assert_eq!(&n.sysctl_name as *const _ as usize - base, 8);
        assert_eq!(&n.sysctl_ver as *const _ as usize - base, 40);
        assert_eq!(&n.sysctl_un as *const _ as usize - base, 48);
        assert_eq!(&n.sysctl_size as *const _ as usize - base, 64);
        assert_eq!(&n.sysctl_desc as *const _ as usize - base, 88);
        assert_eq!(n.sysctl_flags, SYSCTL_VERS_1);
        assert_eq!(n.sysctl_num, 7);
    }

    #[test]
    fn query_reply_of_kern() {
        // Three children of `kern`: ostype (string), maxproc (int, rw),
        // clockrate (struct); then a subtree node and a bool and a quad.
        let mut buf = Vec::new();
        buf.extend(node(SYSCTL_VERS_1 | 3, 1, "ostype"));
        buf.extend(node(SYSCTL_VERS_1 | CTLFLAG_READWRITE | 2, 6, "maxproc"));
        buf.extend(node(SYSCTL_VERS_1 | 5, 12, "clockrate"));
        buf.extend(node(SYSCTL_VERS_1 | 1, 80, "ipc"));
        buf.extend(node(SYSCTL_VERS_1 | 6, 90, "some_bool"));
        buf.extend(node(SYSCTL_VERS_1 | CTLFLAG_UNSIGNED | 2, 91, "unsigned"));
        buf.extend(node(SYSCTL_VERS_1 | 4, 92, "quad"));
        let nodes = parse_nodes(&buf).unwrap();
        let got: Vec<(&str, i32, Kind, bool)> = nodes
            .iter()
            .map(|n| (n.name.as_str(), n.num, n.kind(), n.writable()))
            .collect();
        assert_eq!(
            got,
            [
                ("ostype", 1, Kind::String, false),
                ("maxproc", 6, Kind::Int, true),
                ("clockrate", 12, Kind::Opaque, false),
                ("ipc", 80, Kind::Node, false),
                ("some_bool", 90, Kind::Bool, false),
                ("unsigned", 91, Kind::UInt, false),
                ("quad", 92, Kind::U64, false),
            ]
        );
        assert_eq!(format_for("kern.clockrate", Kind::Opaque), "S,clockinfo");
        assert_eq!(format_for("kern.boottime", Kind::Opaque), "S,timespec");
        assert_eq!(format_for("vm.loadavg", Kind::Opaque), "S,loadavg");
        assert_eq!(format_for("kern.cp_time", Kind::Opaque), "S");
        assert_eq!(format_for("kern.maxproc", Kind::Int), "I");
    }

    #[test]
    fn malformed_replies_are_eio() {
        let one = node(SYSCTL_VERS_1 | 2, 1, "x");
        assert_eq!(parse_nodes(&one[..95]), Err(Errno::EIO));
        // A version 0 node.
        assert_eq!(parse_nodes(&node(2, 1, "x")), Err(Errno::EIO));
        // A name filling all 32 bytes, with no NUL.
        let mut full = one.clone();
        full[8..40].fill(b'a');
        assert_eq!(parse_nodes(&full), Err(Errno::EIO));
        assert_eq!(parse_nodes(&[]), Ok(vec![]));
    }

    #[test]
    fn descriptions() {
        let mut d = Vec::new();
        d.extend_from_slice(&6i32.to_ne_bytes());
        d.extend_from_slice(&0u32.to_ne_bytes());
        let text = b"Maximum number of simultaneous processes\0";
        d.extend_from_slice(&(text.len() as u32).to_ne_bytes());
        d.extend_from_slice(text);
        d.resize(d.len().next_multiple_of(8), 0);
        assert_eq!(
            parse_description(&d, 6),
            Ok(Some("Maximum number of simultaneous processes".into()))
        );
        assert_eq!(parse_description(&d, 7), Ok(None));
        assert_eq!(parse_description(&d[..20], 6), Err(Errno::EIO));
        assert_eq!(parse_description(&d[..8], 6), Err(Errno::EIO));
    }
}
