//! The flag sets and advice values: `Prot`, `MapFlags`, `SyncFlags`,
//! `Advice`, `DestructiveAdvice`.

use libc::c_int;

bitflags::bitflags! {
    /// Memory protection: what a mapping's pages allow (`PROT_*`).
    ///
    /// The empty set is `PROT_NONE`. Unknown bits are kept as they are.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    #[doc(alias = "PROT_NONE")]
    pub struct Prot: c_int {
        /// Pages may be read (`PROT_READ`).
        const READ = libc::PROT_READ;
        /// Pages may be written (`PROT_WRITE`).
        const WRITE = libc::PROT_WRITE;
        /// Pages may be executed (`PROT_EXEC`).
        const EXEC = libc::PROT_EXEC;
    }
}

bitflags::bitflags! {
    /// How a mapping is made (`MAP_*`).
    ///
    /// Exactly one of [`SHARED`](Self::SHARED) and [`PRIVATE`](Self::PRIVATE)
    /// is required. [`ANON`](Self::ANON) is added by [`mmap`](crate::mmap)
    /// when no descriptor is given. `MAP_FIXED` (and `MAP_FIXED_NOREPLACE`,
    /// `MAP_EXCL`) are refused with EINVAL: this crate's calls take no
    /// address, and a fixed mapping would silently replace whatever is there.
    ///
    /// # Platforms
    /// The flags beyond `SHARED`, `PRIVATE` and `ANON` exist only where the
    /// platform has them; unknown bits are passed to the kernel as they are
    /// (`from_bits_retain`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct MapFlags: c_int {
        /// Changes are shared with other mappings of the object and reach the file (`MAP_SHARED`).
        const SHARED = libc::MAP_SHARED;
        /// Changes are private copy-on-write (`MAP_PRIVATE`).
        const PRIVATE = libc::MAP_PRIVATE;
        /// Not backed by a file: zero-filled (`MAP_ANON`).
        const ANON = libc::MAP_ANON;
        /// Prefault the pages (`MAP_POPULATE`).
        #[cfg(any(target_os = "linux", target_os = "android"))]
        #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
        const POPULATE = libc::MAP_POPULATE;
        /// Back the mapping with huge pages from `hugetlbfs` (`MAP_HUGETLB`).
        #[cfg(any(target_os = "linux", target_os = "android"))]
        #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
        const HUGETLB = libc::MAP_HUGETLB;
        /// Do not reserve swap space (`MAP_NORESERVE`).
        #[cfg(any(target_os = "linux", target_os = "android", target_os = "netbsd", target_vendor = "apple"))]
        #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android", target_os = "netbsd", target_vendor = "apple"))))]
        const NORESERVE = libc::MAP_NORESERVE;
        /// Lock the pages like `mlock` (`MAP_LOCKED`).
        #[cfg(any(target_os = "linux", target_os = "android"))]
        #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
        const LOCKED = libc::MAP_LOCKED;
        /// The mapping is a thread stack (`MAP_STACK`).
        #[cfg(any(
            target_os = "linux",
            target_os = "android",
            target_os = "freebsd",
            target_os = "dragonfly",
            target_os = "netbsd",
            target_os = "openbsd"
        ))]
        const STACK = libc::MAP_STACK;
        /// Leave the pages out of core dumps (`MAP_NOCORE`).
        #[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
        #[cfg_attr(docsrs, doc(cfg(any(target_os = "freebsd", target_os = "dragonfly"))))]
        const NOCORE = libc::MAP_NOCORE;
        /// Do not flush dirty pages to the file unless asked (`MAP_NOSYNC`).
        #[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
        #[cfg_attr(docsrs, doc(cfg(any(target_os = "freebsd", target_os = "dragonfly"))))]
        const NOSYNC = libc::MAP_NOSYNC;
        /// Map the resident pages of the object at once (`MAP_PREFAULT_READ`).
        #[cfg(target_os = "freebsd")]
        #[cfg_attr(docsrs, doc(cfg(target_os = "freebsd")))]
        const PREFAULT_READ = libc::MAP_PREFAULT_READ;
        /// Align the mapping for superpages (`MAP_ALIGNED_SUPER`).
        #[cfg(target_os = "freebsd")]
        #[cfg_attr(docsrs, doc(cfg(target_os = "freebsd")))]
        const ALIGNED_SUPER = libc::MAP_ALIGNED_SUPER;
        /// Wire the pages (`MAP_WIRED`).
        #[cfg(target_os = "netbsd")]
        #[cfg_attr(docsrs, doc(cfg(target_os = "netbsd")))]
        const WIRED = libc::MAP_WIRED;
        /// Leave the pages out of core dumps (`MAP_CONCEAL`).
        #[cfg(target_os = "openbsd")]
        #[cfg_attr(docsrs, doc(cfg(target_os = "openbsd")))]
        const CONCEAL = libc::MAP_CONCEAL;
        /// Keep the pages out of the unified buffer cache (`MAP_NOCACHE`).
        #[cfg(target_vendor = "apple")]
        #[cfg_attr(docsrs, doc(cfg(target_vendor = "apple")))]
        const NOCACHE = libc::MAP_NOCACHE;
        /// Memory for just-in-time compiled code (`MAP_JIT`).
        #[cfg(target_vendor = "apple")]
        #[cfg_attr(docsrs, doc(cfg(target_vendor = "apple")))]
        const JIT = libc::MAP_JIT;
    }
}

bitflags::bitflags! {
    /// What `msync` does (`MS_*`).
    ///
    /// Give one of [`ASYNC`](Self::ASYNC) and [`SYNC`](Self::SYNC), optionally
    /// with [`INVALIDATE`](Self::INVALIDATE); the kernel answers EINVAL to
    /// both at once.
    ///
    /// # Platforms
    /// FreeBSD and DragonFly define `MS_SYNC` as 0: there `SYNC` is no bit
    /// but the absence of `ASYNC`, so `SYNC | ASYNC` is `ASYNC` (not
    /// refused), `SyncFlags::empty()` is `SYNC`, and `contains(SYNC)` is
    /// always true. Their kernels refuse `ASYNC | INVALIDATE` with EINVAL
    /// instead (Linux accepts it).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct SyncFlags: c_int {
        /// Schedule the write-back and return (`MS_ASYNC`).
        const ASYNC = libc::MS_ASYNC;
        /// Write back and wait for it (`MS_SYNC`).
        const SYNC = libc::MS_SYNC;
        /// Invalidate other cached copies of the pages (`MS_INVALIDATE`).
        const INVALIDATE = libc::MS_INVALIDATE;
    }
}

/// Advice about how a range will be used (`madvise`) that never changes what
/// the memory holds.
///
/// The advice that may discard contents is in [`DestructiveAdvice`], taken
/// only by `unsafe` calls.
///
/// # Platforms
/// `DontNeed` is here only off Linux: on the BSDs and Apple `MADV_DONTNEED`
/// is advice (the pages keep their contents), while on Linux it discards
/// private pages, so there it is `DestructiveAdvice::DontNeed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Advice {
    /// No special treatment (`MADV_NORMAL`).
    Normal,
    /// Expect random access: read ahead less (`MADV_RANDOM`).
    Random,
    /// Expect sequential access: read ahead more, drop behind (`MADV_SEQUENTIAL`).
    Sequential,
    /// Expect access soon: start reading the pages in (`MADV_WILLNEED`).
    WillNeed,
    /// Not needed soon: lower the pages' priority; contents are kept (`MADV_DONTNEED`).
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    #[cfg_attr(docsrs, doc(cfg(not(any(target_os = "linux", target_os = "android")))))]
    DontNeed,
    /// Do not make the range available to a forked child (`MADV_DONTFORK`).
    ///
    /// The child then faults on any access to the range, including through a
    /// [`Mapping`](crate::Mapping) it inherited: avoiding that is part of
    /// what the (`unsafe`) `fork` requires of its caller.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    DontFork,
    /// Undo `DontFork` (`MADV_DOFORK`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    DoFork,
    /// Let KSM merge identical pages (`MADV_MERGEABLE`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    Mergeable,
    /// Undo `Mergeable` (`MADV_UNMERGEABLE`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    Unmergeable,
    /// Back the range with transparent huge pages (`MADV_HUGEPAGE`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    HugePage,
    /// Do not use transparent huge pages (`MADV_NOHUGEPAGE`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    NoHugePage,
    /// Leave the range out of core dumps (`MADV_DONTDUMP`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    DontDump,
    /// Undo `DontDump` (`MADV_DODUMP`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    DoDump,
    /// Deactivate the pages; contents are kept (`MADV_COLD`, Linux ≥ 5.4).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    Cold,
    /// Reclaim the pages now; contents are kept (`MADV_PAGEOUT`, Linux ≥ 5.4).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    PageOut,
    /// Do not flush dirty pages to the file unless asked (`MADV_NOSYNC`).
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "freebsd", target_os = "dragonfly"))))]
    NoSync,
    /// Undo `NoSync` (`MADV_AUTOSYNC`).
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "freebsd", target_os = "dragonfly"))))]
    AutoSync,
    /// Leave the range out of core dumps (`MADV_NOCORE`).
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "freebsd", target_os = "dragonfly"))))]
    NoCore,
    /// Undo `NoCore` (`MADV_CORE`).
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "freebsd", target_os = "dragonfly"))))]
    Core,
    /// Reuse pages given up with `FreeReusable` (`MADV_FREE_REUSE`).
    #[cfg(target_vendor = "apple")]
    #[cfg_attr(docsrs, doc(cfg(target_vendor = "apple")))]
    FreeReuse,
}

impl Advice {
    /// The `MADV_*` value.
    #[must_use]
    pub const fn raw(self) -> c_int {
        match self {
            Advice::Normal => libc::MADV_NORMAL,
            Advice::Random => libc::MADV_RANDOM,
            Advice::Sequential => libc::MADV_SEQUENTIAL,
            Advice::WillNeed => libc::MADV_WILLNEED,
            #[cfg(not(any(target_os = "linux", target_os = "android")))]
            Advice::DontNeed => libc::MADV_DONTNEED,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Advice::DontFork => libc::MADV_DONTFORK,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Advice::DoFork => libc::MADV_DOFORK,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Advice::Mergeable => libc::MADV_MERGEABLE,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Advice::Unmergeable => libc::MADV_UNMERGEABLE,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Advice::HugePage => libc::MADV_HUGEPAGE,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Advice::NoHugePage => libc::MADV_NOHUGEPAGE,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Advice::DontDump => libc::MADV_DONTDUMP,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Advice::DoDump => libc::MADV_DODUMP,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Advice::Cold => libc::MADV_COLD,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Advice::PageOut => libc::MADV_PAGEOUT,
            #[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
            Advice::NoSync => libc::MADV_NOSYNC,
            #[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
            Advice::AutoSync => libc::MADV_AUTOSYNC,
            #[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
            Advice::NoCore => libc::MADV_NOCORE,
            #[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
            Advice::Core => libc::MADV_CORE,
            #[cfg(target_vendor = "apple")]
            Advice::FreeReuse => libc::MADV_FREE_REUSE,
        }
    }
}

/// Advice that may discard a range's contents (`madvise`); taken only by
/// the `unsafe` `advise_destructive` calls.
///
/// After it, reading the range may give zeros, the file's bytes, or the old
/// contents, and (for [`Free`](Self::Free)) may change from one to the other
/// until the page is next written, which no Rust reference may observe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DestructiveAdvice {
    /// Discard the pages now: private anonymous pages read back as zeros,
    /// private file pages as the file's bytes (`MADV_DONTNEED`, Linux).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    DontNeed,
    /// The contents are garbage: the kernel may free the pages lazily, until
    /// each is written again (`MADV_FREE`; Linux ≥ 4.5, the BSDs, Apple).
    Free,
    /// Free the pages and the backing store of a shared mapping (`MADV_REMOVE`, Linux).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    Remove,
    /// A forked child sees the range zero-filled (`MADV_WIPEONFORK`, Linux ≥ 4.14).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    WipeOnFork,
    /// The pages may be reused for other data (`MADV_FREE_REUSABLE`, Apple).
    #[cfg(target_vendor = "apple")]
    #[cfg_attr(docsrs, doc(cfg(target_vendor = "apple")))]
    FreeReusable,
}

impl DestructiveAdvice {
    /// The `MADV_*` value.
    #[must_use]
    pub const fn raw(self) -> c_int {
        match self {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            DestructiveAdvice::DontNeed => libc::MADV_DONTNEED,
            DestructiveAdvice::Free => libc::MADV_FREE,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            DestructiveAdvice::Remove => libc::MADV_REMOVE,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            DestructiveAdvice::WipeOnFork => libc::MADV_WIPEONFORK,
            #[cfg(target_vendor = "apple")]
            DestructiveAdvice::FreeReusable => libc::MADV_FREE_REUSABLE,
        }
    }
}
