//! Helpers shared by the integration tests: scratch directories that
//! remove themselves, and a descriptor count.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A scratch directory, removed (with its contents) on drop.
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// A new empty directory under the target dir (`CARGO_TARGET_TMPDIR`).
    pub fn new(tag: &str) -> Scratch {
        Scratch::under(Path::new(env!("CARGO_TARGET_TMPDIR")), tag)
    }

    /// A new empty directory on tmpfs (`/dev/shm`), if there is one.
    pub fn tmpfs(tag: &str) -> Option<Scratch> {
        let shm = Path::new("/dev/shm");
        shm.is_dir().then(|| Scratch::under(shm, tag))
    }

    fn under(base: &Path, tag: &str) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = base.join(format!(
            "bsd-fs-test-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Scratch { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn join(&self, p: impl AsRef<Path>) -> PathBuf {
        self.path.join(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The number of open descriptors of this process.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}
