//! The errno table: one associated constant per errno `libc` defines on the
//! target, and the symbolic-name lookups built from the same list.
//!
//! Generated from `libc` 0.2's per-platform modules; the `cfg` on an entry
//! lists the families whose `libc` defines it. Where two names share a value
//! (`EAGAIN`/`EWOULDBLOCK`, `EDEADLK`/`EDEADLOCK`, `EOPNOTSUPP`/`ENOTSUP` on
//! Linux), the name listed first is the one [`Errno::name`] returns.

use crate::Errno;

macro_rules! errno_table {
    ($( $(#[cfg($pred:meta)])? $name:ident, )*) => {
        impl Errno {
            $(
                $(#[cfg($pred)] #[cfg_attr(docsrs, doc(cfg($pred)))])?
                #[doc = concat!("`", stringify!($name), "`, with the value `libc` gives it on this platform.")]
                pub const $name: Errno = Errno(libc::$name);
            )*
        }

        /// The symbolic name of a raw errno value on this platform.
        // Aliases share a value: the later arm of a pair is unreachable on
        // the platforms where they alias, which is exactly the precedence
        // this table wants.
        #[allow(unreachable_patterns)]
        pub(crate) const fn name_of(raw: libc::c_int) -> Option<&'static str> {
            match raw {
                $(
                    $(#[cfg($pred)])?
                    libc::$name => Some(stringify!($name)),
                )*
                _ => None,
            }
        }

        /// The errno whose symbolic name is `name`, aliases included.
        pub(crate) fn from_name(name: &str) -> Option<Errno> {
            match name {
                $(
                    $(#[cfg($pred)])?
                    stringify!($name) => Some(Errno(libc::$name)),
                )*
                _ => None,
            }
        }

        /// Every (constant, name) pair of this platform's table.
        pub(crate) const ALL: &[(Errno, &str)] = &[
            $(
                $(#[cfg($pred)])?
                (Errno(libc::$name), stringify!($name)),
            )*
        ];
    };
}

errno_table! {
    EAGAIN,
    EWOULDBLOCK,
    EDEADLK,
    #[cfg(any(target_os = "linux"))] EDEADLOCK,
    EOPNOTSUPP,
    ENOTSUP,
    EPERM,
    ENOENT,
    ESRCH,
    EINTR,
    EIO,
    ENXIO,
    E2BIG,
    ENOEXEC,
    EBADF,
    ECHILD,
    ENOMEM,
    EACCES,
    EFAULT,
    ENOTBLK,
    EBUSY,
    EEXIST,
    EXDEV,
    ENODEV,
    ENOTDIR,
    EISDIR,
    EINVAL,
    ENFILE,
    EMFILE,
    ENOTTY,
    ETXTBSY,
    EFBIG,
    ENOSPC,
    ESPIPE,
    EROFS,
    EMLINK,
    EPIPE,
    EDOM,
    ERANGE,
    ENAMETOOLONG,
    ENOLCK,
    ENOSYS,
    ENOTEMPTY,
    ELOOP,
    ENOMSG,
    EIDRM,
    #[cfg(any(target_os = "linux"))] ECHRNG,
    #[cfg(any(target_os = "linux"))] EL2NSYNC,
    #[cfg(any(target_os = "linux"))] EL3HLT,
    #[cfg(any(target_os = "linux"))] EL3RST,
    #[cfg(any(target_os = "linux"))] ELNRNG,
    #[cfg(any(target_os = "linux"))] EUNATCH,
    #[cfg(any(target_os = "linux"))] ENOCSI,
    #[cfg(any(target_os = "linux"))] EL2HLT,
    #[cfg(any(target_os = "linux"))] EBADE,
    #[cfg(any(target_os = "linux"))] EBADR,
    #[cfg(any(target_os = "linux"))] EXFULL,
    #[cfg(any(target_os = "linux"))] ENOANO,
    #[cfg(any(target_os = "linux"))] EBADRQC,
    #[cfg(any(target_os = "linux"))] EBADSLT,
    #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd", target_vendor = "apple"))] EMULTIHOP,
    EOVERFLOW,
    #[cfg(any(target_os = "linux"))] ENOTUNIQ,
    #[cfg(any(target_os = "linux"))] EBADFD,
    EBADMSG,
    #[cfg(any(target_os = "linux"))] EREMCHG,
    #[cfg(any(target_os = "linux"))] ELIBACC,
    #[cfg(any(target_os = "linux"))] ELIBBAD,
    #[cfg(any(target_os = "linux"))] ELIBSCN,
    #[cfg(any(target_os = "linux"))] ELIBMAX,
    #[cfg(any(target_os = "linux"))] ELIBEXEC,
    EILSEQ,
    #[cfg(any(target_os = "linux"))] ERESTART,
    #[cfg(any(target_os = "linux"))] ESTRPIPE,
    EUSERS,
    ENOTSOCK,
    EDESTADDRREQ,
    EMSGSIZE,
    EPROTOTYPE,
    ENOPROTOOPT,
    EPROTONOSUPPORT,
    ESOCKTNOSUPPORT,
    EPFNOSUPPORT,
    EAFNOSUPPORT,
    EADDRINUSE,
    EADDRNOTAVAIL,
    ENETDOWN,
    ENETUNREACH,
    ENETRESET,
    ECONNABORTED,
    ECONNRESET,
    ENOBUFS,
    EISCONN,
    ENOTCONN,
    ESHUTDOWN,
    ETOOMANYREFS,
    ETIMEDOUT,
    ECONNREFUSED,
    EHOSTDOWN,
    EHOSTUNREACH,
    EALREADY,
    EINPROGRESS,
    ESTALE,
    EDQUOT,
    #[cfg(any(target_os = "linux", target_os = "dragonfly", target_os = "openbsd"))] ENOMEDIUM,
    #[cfg(any(target_os = "linux", target_os = "openbsd"))] EMEDIUMTYPE,
    ECANCELED,
    #[cfg(any(target_os = "linux"))] ENOKEY,
    #[cfg(any(target_os = "linux"))] EKEYEXPIRED,
    #[cfg(any(target_os = "linux"))] EKEYREVOKED,
    #[cfg(any(target_os = "linux"))] EKEYREJECTED,
    EOWNERDEAD,
    ENOTRECOVERABLE,
    #[cfg(any(target_os = "linux"))] EHWPOISON,
    #[cfg(any(target_os = "linux"))] ERFKILL,
    #[cfg(any(target_os = "linux"))] EBFONT,
    #[cfg(any(target_os = "linux", target_os = "netbsd", target_vendor = "apple"))] ENOSTR,
    #[cfg(any(target_os = "linux", target_os = "netbsd", target_vendor = "apple"))] ENODATA,
    #[cfg(any(target_os = "linux", target_os = "netbsd", target_vendor = "apple"))] ETIME,
    #[cfg(any(target_os = "linux", target_os = "netbsd", target_vendor = "apple"))] ENOSR,
    #[cfg(any(target_os = "linux"))] ENONET,
    #[cfg(any(target_os = "linux"))] ENOPKG,
    EREMOTE,
    #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd", target_vendor = "apple"))] ENOLINK,
    #[cfg(any(target_os = "linux"))] EADV,
    #[cfg(any(target_os = "linux"))] ESRMNT,
    #[cfg(any(target_os = "linux"))] ECOMM,
    EPROTO,
    #[cfg(any(target_os = "linux"))] EDOTDOT,
    #[cfg(any(target_os = "linux"))] EUCLEAN,
    #[cfg(any(target_os = "linux"))] ENOTNAM,
    #[cfg(any(target_os = "linux"))] ENAVAIL,
    #[cfg(any(target_os = "linux"))] EISNAM,
    #[cfg(any(target_os = "linux"))] EREMOTEIO,
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd", target_os = "openbsd", target_vendor = "apple"))] EPROCLIM,
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd", target_os = "openbsd", target_vendor = "apple"))] EBADRPC,
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd", target_os = "openbsd", target_vendor = "apple"))] ERPCMISMATCH,
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd", target_os = "openbsd", target_vendor = "apple"))] EPROGUNAVAIL,
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd", target_os = "openbsd", target_vendor = "apple"))] EPROGMISMATCH,
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd", target_os = "openbsd", target_vendor = "apple"))] EPROCUNAVAIL,
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd", target_os = "openbsd", target_vendor = "apple"))] EFTYPE,
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd", target_os = "openbsd", target_vendor = "apple"))] EAUTH,
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd", target_os = "openbsd", target_vendor = "apple"))] ENEEDAUTH,
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd", target_os = "openbsd", target_vendor = "apple"))] ENOATTR,
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly"))] EDOOFUS,
    #[cfg(any(target_os = "freebsd", target_vendor = "apple"))] ENOTCAPABLE,
    #[cfg(any(target_os = "freebsd"))] ECAPMODE,
    #[cfg(any(target_os = "freebsd"))] EINTEGRITY,
    #[cfg(any(target_os = "dragonfly"))] EASYNC,
    #[cfg(any(target_os = "openbsd"))] EIPSEC,
    #[cfg(any(target_vendor = "apple"))] EPWROFF,
    #[cfg(any(target_vendor = "apple"))] EDEVERR,
    #[cfg(any(target_vendor = "apple"))] EBADEXEC,
    #[cfg(any(target_vendor = "apple"))] EBADARCH,
    #[cfg(any(target_vendor = "apple"))] ESHLIBVERS,
    #[cfg(any(target_vendor = "apple"))] EBADMACHO,
    #[cfg(any(target_vendor = "apple"))] ENOPOLICY,
    #[cfg(any(target_vendor = "apple"))] EQFULL,
}
