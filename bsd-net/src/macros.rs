//! Doc helpers.

/// The `# References` section of a doc comment: the man page `$name($sec)`
/// on each platform.
macro_rules! man_links {
    ($name:literal, $sec:literal) => {
        concat!(
            "# References\n",
            "- [FreeBSD](https://man.freebsd.org/cgi/man.cgi?query=",
            $name,
            "&sektion=",
            $sec,
            ")\n",
            "- [Apple](https://developer.apple.com/library/archive/documentation/System/Conceptual/ManPages_iPhoneOS/man",
            $sec,
            "/",
            $name,
            ".",
            $sec,
            ".html)\n",
            "- [NetBSD](https://man.netbsd.org/",
            $name,
            ".",
            $sec,
            ")\n",
            "- [OpenBSD](https://man.openbsd.org/",
            $name,
            ".",
            $sec,
            ")\n",
            "- [DragonFly](https://man.dragonflybsd.org/?command=",
            $name,
            "&section=",
            $sec,
            ")\n",
            "- [Linux](https://man7.org/linux/man-pages/man",
            $sec,
            "/",
            $name,
            ".",
            $sec,
            ".html)\n",
        )
    };
}
