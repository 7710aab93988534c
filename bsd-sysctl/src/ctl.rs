//! [`Ctl`], a resolved node, and the tree walk ([`walk`], [`Node`]).

use crate::sys;
use crate::value::{Kind, Value};
use crate::Mib;
use bsd_errno::Result;

/// A sysctl node resolved once — its mib, type and format asked of the
/// system a single time — and read or written any number of times after.
///
/// Each read is one system call: `sysctl(2)` on the cached mib on the BSDs
/// and Apple; on Linux, `pread` at offset 0 on the `/proc/sys` file the
/// `Ctl` keeps open. The typed getters ([`value_u32`](Ctl::value_u32), …)
/// and [`read`](Ctl::read) do not allocate.
///
/// ```
/// use bsd_sysctl::{Ctl, Kind, Value};
/// let ostype = Ctl::new("kern.ostype")?;
/// assert_eq!(ostype.kind(), Kind::String);
/// let name = ostype.value_string()?; // "FreeBSD", "Darwin", "Linux", …
/// assert!(!name.is_empty());
///
/// let ncpu = Ctl::new("hw.ncpu")?;
/// assert!(ncpu.value_u32()? >= 1);
/// assert!(matches!(ncpu.value()?, Value::I32(n) if n >= 1));
/// # Ok::<(), bsd_sysctl::Errno>(())
/// ```
///
/// # Platforms
/// - FreeBSD, DragonFly, Apple: `sysctlnametomib`, then `{0,4}` for the
///   kind and format.
/// - NetBSD: `sysctlnametomib`, then `CTL_QUERY` on the parent for the
///   node's `struct sysctlnode`.
/// - OpenBSD: the crate's static table (`kern`, `hw`, `vm`): other names
///   are `ENOENT`.
/// - Linux: the `/proc/sys` file, opened for reading and kept; a file is
///   [`Kind::String`], a directory [`Kind::Node`]; the BSD aliases
///   (see the [crate docs](crate#linux)) have the BSD type.
///
/// # References
#[doc = crate::man3!()]
#[derive(Debug)]
pub struct Ctl(sys::Ctl);

impl Ctl {
    /// Resolves `name`.
    ///
    /// # Errors
    /// - `EINVAL`: an empty name or component, a NUL, a leading `/`, more
    ///   than [`CTL_MAXNAME`](crate::CTL_MAXNAME) components; on Linux, a
    ///   component that would be `.` or `..` in the path.
    /// - `ENOENT`: no such node.
    /// - On Linux, `EACCES` only if the entry cannot even be looked up; an
    ///   entry we may not read resolves, and its reads are `EACCES`.
    #[doc(alias = "nametomib")]
    pub fn new(name: &str) -> Result<Ctl> {
        sys::Ctl::new(name).map(Ctl)
    }

    /// The name it was resolved from.
    #[must_use]
    pub fn name(&self) -> &str {
        self.0.name()
    }

    /// The mib: the node's numeric name, or `None` where there is none.
    ///
    /// # Platforms
    /// Always `Some` on the BSDs and Apple; always `None` on Linux, which
    /// has no numeric names (see [`name_to_mib`](crate::name_to_mib)).
    #[must_use]
    pub fn mib(&self) -> Option<&Mib> {
        self.0.mib()
    }

    /// The node's type.
    #[must_use]
    pub fn kind(&self) -> Kind {
        self.0.kind()
    }

    /// The node's format string, in FreeBSD's letters: `"I"` int, `"IU"`
    /// unsigned, `"L"`/`"LU"` long, `"Q"`/`"QU"` 64-bit, `"A"` string,
    /// `"N"` node, `"S,<struct>"` a structure, `"IK"` deci-kelvin.
    ///
    /// # Platforms
    /// FreeBSD, DragonFly and Apple: as the kernel gives it. NetBSD,
    /// OpenBSD, Linux: made up by this crate from the type (and, for the
    /// structures NetBSD's sysctl(8) knows by name, the structure).
    #[must_use]
    pub fn format(&self) -> &str {
        self.0.format()
    }

    /// The node's description, or `None` where it has none.
    ///
    /// # Errors
    /// Whatever the query fails with, other than "no description".
    ///
    /// # Platforms
    /// FreeBSD and DragonFly (`{0,5}`), NetBSD (`CTL_DESCRIBE`), Apple where
    /// its kernel keeps them. Always `None` on OpenBSD and Linux.
    pub fn description(&self) -> Result<Option<String>> {
        self.0.description()
    }

    /// Whether the node can be read at all (by its owner, root): FreeBSD's
    /// `CTLFLAG_RD`; on Linux the file's owner read bit. `vm.drop_caches`
    /// is not.
    #[must_use]
    pub fn readable(&self) -> bool {
        self.0.readable()
    }

    /// Whether the node accepts writes (from its owner, root — not
    /// necessarily from this process): `CTLFLAG_WR` on FreeBSD, DragonFly
    /// and Apple, `CTLFLAG_READWRITE` on NetBSD, the table's "changeable" on
    /// OpenBSD, the owner write bit on Linux.
    #[must_use]
    pub fn writable(&self) -> bool {
        self.0.writable()
    }

    /// Reads the raw value into `buf` and returns its length, without
    /// allocating.
    ///
    /// On the BSDs, the bytes the kernel returns (a string with its NUL);
    /// on Linux, the file's bytes as read, trailing newline included (a BSD
    /// alias: the BSD bytes). [`value_string`](Ctl::value_string) strips
    /// the terminator.
    ///
    /// # Errors
    /// `ENOMEM` if `buf` is too small; `EISDIR` for a node; `EACCES`,
    /// `EPERM` if reading is not allowed.
    #[inline]
    pub fn read(&self, buf: &mut [u8]) -> Result<usize> {
        self.0.read(buf)
    }

    /// The raw value (see [`read`](Ctl::read)).
    ///
    /// # Errors
    /// As [`read`](Ctl::read), without `ENOMEM`.
    pub fn value_bytes(&self) -> Result<Vec<u8>> {
        self.0.value_bytes()
    }

    /// The value, decoded with the node's type and format.
    ///
    /// # Errors
    /// As [`read`](Ctl::read); `EIO` if the kernel's bytes do not fit the
    /// type (an int of 3 bytes, a `struct timeval` of the wrong size);
    /// `EILSEQ` for a string that is not UTF-8.
    pub fn value(&self) -> Result<Value> {
        self.0.value()
    }

    /// The value as text: a string as is; anything else as sysctl(8)
    /// prints it ([`Value`]'s `Display`). On Linux, a file's text.
    ///
    /// # Errors
    /// As [`value`](Ctl::value).
    #[inline]
    pub fn value_string(&self) -> Result<String> {
        self.0.value_string()
    }

    /// The value as an `i32`.
    ///
    /// An integer node of any width whose value fits; a string node (every
    /// Linux file) is parsed as decimal.
    ///
    /// # Errors
    /// `ERANGE` if the value does not fit; `EINVAL` if it is not a number
    /// (or not an integer node); `EIO` if the kernel's bytes are not one
    /// integer of the node's type; as [`read`](Ctl::read).
    #[inline]
    pub fn value_i32(&self) -> Result<i32> {
        self.0.value_number()
    }

    /// The value as a `u32` (see [`value_i32`](Ctl::value_i32)).
    ///
    /// # Errors
    /// As [`value_i32`](Ctl::value_i32).
    #[inline]
    pub fn value_u32(&self) -> Result<u32> {
        self.0.value_number()
    }

    /// The value as an `i64` (see [`value_i32`](Ctl::value_i32)).
    ///
    /// # Errors
    /// As [`value_i32`](Ctl::value_i32).
    #[inline]
    pub fn value_i64(&self) -> Result<i64> {
        self.0.value_number()
    }

    /// The value as a `u64` (see [`value_i32`](Ctl::value_i32)).
    ///
    /// # Errors
    /// As [`value_i32`](Ctl::value_i32).
    #[inline]
    pub fn value_u64(&self) -> Result<u64> {
        self.0.value_number()
    }

    /// Writes a new value, converted to the node's type.
    ///
    /// On the BSDs an integer is converted to the node's width; a string is
    /// sent without a NUL, as sysctl(8) sends it; a structure as its C
    /// bytes. On Linux the value's text is written to the file (a number in
    /// decimal, an array space-separated).
    ///
    /// # Errors
    /// - `EPERM`, `EACCES`: not allowed (not root, a read-only node, a
    ///   computed Linux alias such as `hw.ncpu`).
    /// - `ERANGE`: an integer that does not fit the node's type; `EINVAL`: a
    ///   value of the wrong type, or one the kernel rejects.
    /// - `EISDIR`: a node.
    pub fn set_value(&self, value: impl Into<Value>) -> Result<()> {
        self.0.set_value(&value.into())
    }

    /// Writes raw bytes: the kernel's representation on the BSDs, the text
    /// on Linux.
    ///
    /// # Errors
    /// As [`set_value`](Ctl::set_value).
    pub fn set_bytes(&self, bytes: &[u8]) -> Result<()> {
        self.0.set_bytes(bytes)
    }
}

/// Walks the tree: every leaf at or below `prefix` (`""` for the whole
/// tree), in the system's order.
///
/// A leaf `prefix` yields itself. Interior nodes are not yielded, only
/// the values below them — what `sysctl -a` lists. Nodes that cannot be
/// read (write-only ones) are yielded: see [`Ctl::readable`].
///
/// ```
/// // The aliases on Linux, the kern tree on the BSDs.
/// let names: Vec<String> = bsd_sysctl::walk("kern")?
///     .map(|n| n.map(|n| n.into_name()))
///     .collect::<Result<_, _>>()?;
/// assert!(names.iter().any(|n| n == "kern.ostype"));
/// # Ok::<(), bsd_sysctl::Errno>(())
/// ```
///
/// # Errors
/// `EINVAL` for a bad prefix (as [`Ctl::new`]), `ENOENT` for a missing one.
/// The iterator yields an error where a step fails (a directory that
/// vanished on Linux: the walk goes on; a failed `{0,2}` on FreeBSD: it
/// ends).
///
/// # Platforms
/// - FreeBSD, DragonFly, Apple: `{0,2}` ("next"), which skips nodes marked
///   `CTLFLAG_SKIP`. The whole tree (`""`) starts at `kern`, as sysctl(8)
///   `-a` does, leaving out the internal `sysctl.*` oids (`{0,…}`). A node
///   with a handler (`kern.proc.pid`) is reported as a leaf there; its
///   [`Ctl::kind`] is [`Kind::Node`](crate::Kind::Node).
/// - NetBSD: `CTL_QUERY`, depth first.
/// - OpenBSD: the crate's table, in mib order.
/// - Linux: `/proc/sys` depth first in directory order, as procps'
///   sysctl(8) walks it, then the BSD aliases below the prefix (`walk("vm")`
///   ends with `vm.loadavg`, `walk("")` with every alias; see
///   [`Node::is_alias`]). procps' `-a` also hides write-only entries, the
///   `base_reachable_time`/`retrans_time` entries it calls deprecated and
///   the aliases, which it does not know; the walk does not. A prefix that
///   is no `/proc/sys` entry but a BSD alias or its parent (`"hw"`) walks
///   the aliases.
///
/// # References
#[doc = crate::man8!()]
pub fn walk(prefix: &str) -> Result<Walk> {
    sys::Walk::new(prefix).map(Walk)
}

/// The iterator of [`walk`].
#[derive(Debug)]
pub struct Walk(sys::Walk);

impl Iterator for Walk {
    type Item = Result<Node>;

    fn next(&mut self) -> Option<Result<Node>> {
        self.0.next_node().map(|r| r.map(|(name, inner)| Node { name, inner }))
    }
}

/// A leaf found by [`walk`]: its name, and on the BSDs its mib.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    name: String,
    inner: sys::NodeInner,
}

impl Node {
    /// The full name (`kern.ostype`, `net.ipv4.conf.eth0/100.forwarding`).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The full name, owned.
    #[must_use]
    pub fn into_name(self) -> String {
        self.name
    }

    /// The mib, or `None` where there is none (see [`Ctl::mib`]).
    #[must_use]
    pub fn mib(&self) -> Option<&Mib> {
        self.inner.mib()
    }

    /// Whether the node is one of the BSD names this crate answers on Linux
    /// (`kern.ostype`, `hw.ncpu`, `vm.loadavg`, …; see the
    /// [crate docs](crate#linux)) rather than a `/proc/sys` entry. Always
    /// `false` on the BSDs and Apple.
    ///
    /// procps' `sysctl -a` does not list them; the `sysctl` example leaves
    /// them out of its `-a` the same way.
    #[must_use]
    pub fn is_alias(&self) -> bool {
        sys::is_alias(&self.name)
    }

    /// Reads the node's value, decoded: [`Ctl::value`] without keeping
    /// the [`Ctl`].
    ///
    /// ```
    /// use bsd_sysctl::Value;
    /// for node in bsd_sysctl::walk("kern")? {
    ///     let node = node?;
    ///     if node.name() == "kern.ostype" {
    ///         assert!(matches!(node.value()?, Value::String(s) if !s.is_empty()));
    ///     }
    /// }
    /// # Ok::<(), bsd_sysctl::Errno>(())
    /// ```
    ///
    /// # Errors
    /// As [`Node::ctl`] and [`Ctl::value`]: `ENOENT` if the node vanished,
    /// `EACCES` for a node we may not read (`vm.drop_caches` on Linux).
    pub fn value(&self) -> Result<Value> {
        self.ctl()?.value()
    }

    /// Reads the node's value as text, as sysctl(8) prints it:
    /// [`Ctl::value_string`] without keeping the [`Ctl`].
    ///
    /// # Errors
    /// As [`Node::value`].
    pub fn value_string(&self) -> Result<String> {
        self.ctl()?.value_string()
    }

    /// Resolves the node into a [`Ctl`], reusing what the walk already
    /// knows (its mib on the BSDs, its type on NetBSD and OpenBSD).
    ///
    /// # Errors
    /// As [`Ctl::new`]; `ENOENT` if the node vanished.
    pub fn ctl(&self) -> Result<Ctl> {
        sys::Ctl::from_node(&self.name, &self.inner).map(Ctl)
    }
}

impl core::fmt::Display for Node {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.name)
    }
}
