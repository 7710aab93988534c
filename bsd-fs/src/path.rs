//! Paths as C strings: short ones through a stack buffer, no heap.

use bsd_errno::{Errno, Result};
use core::ffi::CStr;
use core::mem::MaybeUninit;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Paths shorter than this go through a stack buffer.
const SMALL: usize = 256;

/// Calls `f` with `path` as a NUL-terminated C string.
///
/// A path shorter than 256 bytes is copied to the stack; a longer one to
/// the heap. An interior NUL byte is `EINVAL` (and `f` is not called).
#[inline]
pub(crate) fn with_c_path<T>(path: &Path, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T> {
    let bytes = path.as_os_str().as_bytes();
    if bytes.len() < SMALL {
        let mut buf = MaybeUninit::<[u8; SMALL]>::uninit();
        let p = buf.as_mut_ptr().cast::<u8>();
        // SAFETY: `bytes.len() + 1 <= SMALL`, so the copy and the NUL stay
        // inside `buf`; the source is a distinct, initialised slice.
        let with_nul = unsafe {
            core::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
            p.add(bytes.len()).write(0);
            core::slice::from_raw_parts(p, bytes.len() + 1)
        };
        let c = CStr::from_bytes_with_nul(with_nul).map_err(|_| Errno::EINVAL)?;
        f(c)
    } else {
        let c = CString::new(bytes).map_err(|_| Errno::EINVAL)?;
        f(&c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_long_and_nul() {
        let ok = |p: &str| with_c_path(Path::new(p), |c| Ok(c.to_bytes().to_vec()));
        assert_eq!(ok("").unwrap(), b"");
        assert_eq!(ok("/usr/bin").unwrap(), b"/usr/bin");
        let edge = "x".repeat(SMALL - 1);
        assert_eq!(ok(&edge).unwrap(), edge.as_bytes());
        let long = "y".repeat(SMALL * 5);
        assert_eq!(ok(&long).unwrap(), long.as_bytes());
        assert_eq!(ok("a\0b"), Err(Errno::EINVAL));
        let long_nul = format!("{long}\0");
        assert_eq!(ok(&long_nul), Err(Errno::EINVAL));
        let mut called = false;
        let _ = with_c_path(Path::new("a\0"), |_| {
            called = true;
            Ok(())
        });
        assert!(!called);
    }
}
