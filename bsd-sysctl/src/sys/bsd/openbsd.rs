//! OpenBSD: no `sysctlbyname`, no `sysctlnametomib`, no self-description.
//! Names, mibs and types come from this crate's table (`src/openbsd.rs`).

use super::Ctl;
use crate::mib::Mib;
use crate::name::{self, CTL_MAXNAME};
use crate::openbsd::{self as table, Entry, TABLE};
use bsd_errno::{Errno, Result};

/// The mib of `name`, from the table: `ENOENT` for a name it lacks.
pub(crate) fn name_to_mib(name: &str) -> Result<Mib> {
    name::validate(name, CTL_MAXNAME, false)?;
    let e = table::lookup(TABLE, name).ok_or(Errno::ENOENT)?;
    Mib::new(e.mib)
}

fn ctl(e: &Entry) -> Result<Ctl> {
    Ok(Ctl {
        name: e.name.to_owned(),
        mib: Mib::new(e.mib)?,
        kind: e.kind,
        fmt: e.fmt.to_owned(),
        readable: true,
        writable: e.writable,
    })
}

pub(crate) fn resolve(name: &str) -> Result<Ctl> {
    ctl(table::lookup(TABLE, name).ok_or(Errno::ENOENT)?)
}

pub(crate) fn resolve_node(_name: &str, inner: &NodeInner) -> Result<Ctl> {
    ctl(inner.entry)
}

/// OpenBSD's kernel keeps no descriptions.
pub(crate) fn description(_mib: &Mib) -> Result<Option<String>> {
    Ok(None)
}

/// What a walk's node carries: its table entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NodeInner {
    entry: &'static Entry,
    mib: Mib,
}

impl NodeInner {
    pub(crate) fn mib(&self) -> Option<&Mib> {
        Some(&self.mib)
    }
}

/// The table's leaves at or below a prefix, in mib order.
#[derive(Debug)]
pub(crate) struct Walk {
    entries: std::vec::IntoIter<&'static Entry>,
}

impl Walk {
    pub(crate) fn new(prefix: &str) -> Result<Walk> {
        name::validate_prefix(prefix, CTL_MAXNAME, false)?;
        if !prefix.is_empty() && table::lookup(TABLE, prefix).is_none() {
            return Err(Errno::ENOENT);
        }
        Ok(Walk {
            entries: table::below(TABLE, prefix).into_iter(),
        })
    }

    pub(crate) fn next_node(&mut self) -> Option<Result<(String, NodeInner)>> {
        let e = self.entries.next()?;
        Some(Mib::new(e.mib).map(|mib| (e.name.to_owned(), NodeInner { entry: e, mib })))
    }
}
