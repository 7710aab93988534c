//! [`Uid`] and [`Gid`]: user and group ids as distinct types.

use core::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident($raw:ty), $what:literal, $real:ident, $effective:ident, $go:literal) => {
        $(#[$doc])*
        #[repr(transparent)]
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name($raw);

        impl $name {
            #[doc = concat!("The superuser's ", $what, " id, 0.")]
            pub const ROOT: $name = $name(0);

            #[doc = concat!("Wraps a raw ", $what, " id.")]
            #[inline]
            #[must_use]
            pub const fn from_raw(raw: $raw) -> $name {
                $name(raw)
            }

            #[doc = concat!("The raw ", $what, " id.")]
            #[inline]
            #[must_use]
            pub const fn raw(self) -> $raw {
                self.0
            }

            #[doc = concat!("Whether this is the superuser's ", $what, " id (0).")]
            #[inline]
            #[must_use]
            pub const fn is_root(self) -> bool {
                self.0 == 0
            }

            #[doc = concat!("The calling process's real ", $what, " id (`", stringify!($real), "`), which cannot fail.")]
            #[inline]
            #[must_use]
            #[doc(alias = $go)]
            pub fn current() -> $name {
                // SAFETY: takes no arguments, touches no memory, cannot fail.
                $name(unsafe { libc::$real() })
            }

            #[doc = concat!("The calling process's effective ", $what, " id (`", stringify!($effective), "`), which cannot fail.")]
            #[inline]
            #[must_use]
            pub fn effective() -> $name {
                // SAFETY: takes no arguments, touches no memory, cannot fail.
                $name(unsafe { libc::$effective() })
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl From<$raw> for $name {
            fn from(raw: $raw) -> $name {
                $name(raw)
            }
        }

        impl From<$name> for $raw {
            fn from(id: $name) -> $raw {
                id.0
            }
        }
    };
}

id_type!(
    /// A group id (`gid_t`).
    ///
    /// `#[repr(transparent)]`: a `&[Gid]` is passed to the kernel as is.
    ///
    /// ```
    /// use bsd_proc::Gid;
    /// assert_eq!(Gid::from_raw(20).raw(), 20);
    /// assert_eq!(Gid::ROOT.to_string(), "0");
    /// assert_eq!(format!("{:?}", Gid::from_raw(5)), "Gid(5)");
    /// let _ = Gid::current();
    /// ```
    Gid(libc::gid_t), "group", getgid, getegid, "Getgid"
);

id_type!(
    /// A user id (`uid_t`).
    ///
    /// ```
    /// use bsd_proc::Uid;
    /// assert!(Uid::ROOT.is_root());
    /// assert_eq!(u32::from(Uid::from_raw(1000)), 1000);
    /// let _ = Uid::effective();
    /// ```
    Uid(libc::uid_t), "user", getuid, geteuid, "Getuid"
);
