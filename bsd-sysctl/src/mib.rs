//! [`Mib`]: a sysctl name as the kernel knows it, a short array of integers.

use crate::name::CTL_MAXNAME;
use bsd_errno::{Errno, Result};
use core::fmt;

/// A management information base name: the integers the kernel uses for a
/// sysctl node (`kern.ostype` is `{1, 1}` on every BSD).
///
/// An inline array of up to [`CTL_MAXNAME`](crate::CTL_MAXNAME) `c_int`s —
/// no heap. It derefs to `[c_int]`; `Display` writes the components joined
/// with dots (`1.1`), `Debug` as a list.
///
/// ```
/// use bsd_sysctl::Mib;
/// let mib = Mib::new(&[1, 1])?;
/// assert_eq!(&*mib, &[1, 1]);
/// assert_eq!(mib.to_string(), "1.1");
/// # Ok::<(), bsd_sysctl::Errno>(())
/// ```
#[derive(Clone, Copy)]
pub struct Mib {
    len: usize,
    oid: [libc::c_int; CTL_MAXNAME],
}

impl Mib {
    /// The empty mib (the root of the tree).
    #[must_use]
    pub const fn empty() -> Mib {
        Mib {
            len: 0,
            oid: [0; CTL_MAXNAME],
        }
    }

    /// A mib holding `oid`.
    ///
    /// # Errors
    /// `EINVAL` if `oid` has more than [`CTL_MAXNAME`](crate::CTL_MAXNAME)
    /// components.
    pub fn new(oid: &[libc::c_int]) -> Result<Mib> {
        let mut mib = Mib::empty();
        mib.oid.get_mut(..oid.len()).ok_or(Errno::EINVAL)?.copy_from_slice(oid);
        mib.len = oid.len();
        Ok(mib)
    }

    /// Appends a component.
    ///
    /// # Errors
    /// `EINVAL` if the mib is already [`CTL_MAXNAME`](crate::CTL_MAXNAME)
    /// long.
    pub fn push(&mut self, component: libc::c_int) -> Result<()> {
        *self.oid.get_mut(self.len).ok_or(Errno::EINVAL)? = component;
        self.len += 1;
        Ok(())
    }

    /// The components.
    #[inline]
    #[must_use]
    pub fn as_slice(&self) -> &[libc::c_int] {
        self.oid.get(..self.len).unwrap_or_default()
    }

    /// The mib without its last component, or `None` for the empty mib.
    #[must_use]
    pub fn parent(&self) -> Option<Mib> {
        let len = self.len.checked_sub(1)?;
        let mut p = *self;
        if let Some(last) = p.oid.get_mut(len) {
            *last = 0;
        }
        p.len = len;
        Some(p)
    }

    /// Whether `prefix` is a prefix of this mib (the node itself, or one of
    /// its ancestors).
    #[must_use]
    pub fn starts_with(&self, prefix: &Mib) -> bool {
        self.as_slice().starts_with(prefix.as_slice())
    }
}

impl Default for Mib {
    fn default() -> Mib {
        Mib::empty()
    }
}

impl core::ops::Deref for Mib {
    type Target = [libc::c_int];
    #[inline]
    fn deref(&self) -> &[libc::c_int] {
        self.as_slice()
    }
}

impl AsRef<[libc::c_int]> for Mib {
    #[inline]
    fn as_ref(&self) -> &[libc::c_int] {
        self.as_slice()
    }
}

impl TryFrom<&[libc::c_int]> for Mib {
    type Error = Errno;
    fn try_from(oid: &[libc::c_int]) -> Result<Mib> {
        Mib::new(oid)
    }
}

impl PartialEq for Mib {
    fn eq(&self, other: &Mib) -> bool {
        self.as_slice() == other.as_slice()
    }
}
impl Eq for Mib {}

impl PartialOrd for Mib {
    fn partial_cmp(&self, other: &Mib) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Mib {
    fn cmp(&self, other: &Mib) -> core::cmp::Ordering {
        self.as_slice().cmp(other.as_slice())
    }
}

impl core::hash::Hash for Mib {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl fmt::Debug for Mib {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl fmt::Display for Mib {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.as_slice().iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_and_compare() {
        let mut m = Mib::new(&[1, 21]).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(format!("{m:?} {m}"), "[1, 21] 1.21");
        m.push(3).unwrap();
        assert_eq!(&*m, &[1, 21, 3]);
        let p = m.parent().unwrap();
        assert_eq!(p, Mib::new(&[1, 21]).unwrap());
        assert!(m.starts_with(&p));
        assert!(!p.starts_with(&m));
        assert!(m.starts_with(&Mib::empty()));
        assert_eq!(Mib::empty().parent(), None);
        assert!(p < m);
        assert_eq!(Mib::try_from(&[6, 3][..]).unwrap().as_ref(), &[6, 3]);
    }

    #[test]
    fn too_long_is_einval() {
        let long = vec![1; CTL_MAXNAME + 1];
        assert_eq!(Mib::new(&long), Err(Errno::EINVAL));
        let mut full = Mib::new(&long[..CTL_MAXNAME]).unwrap();
        assert_eq!(full.push(1), Err(Errno::EINVAL));
        assert_eq!(full.len(), CTL_MAXNAME);
    }
}
