//! Doc helpers.

/// The `# References` section of a doc comment: the man page `$name($sec)`
/// on each platform (or one BSD page and one Linux page).
macro_rules! man_links {
    ($name:literal, $sec:literal) => {
        man_links!($name, $sec, $name, $sec)
    };
    ($bsd:literal, $bsdsec:literal, $linux:literal, $linuxsec:literal) => {
        concat!(
            "# References\n",
            "- [FreeBSD](https://man.freebsd.org/cgi/man.cgi?query=",
            $bsd,
            "&sektion=",
            $bsdsec,
            ")\n",
            "- [Apple](https://developer.apple.com/library/archive/documentation/System/Conceptual/ManPages_iPhoneOS/man",
            $bsdsec,
            "/",
            $bsd,
            ".",
            $bsdsec,
            ".html)\n",
            "- [NetBSD](https://man.netbsd.org/",
            $bsd,
            ".",
            $bsdsec,
            ")\n",
            "- [OpenBSD](https://man.openbsd.org/",
            $bsd,
            ".",
            $bsdsec,
            ")\n",
            "- [DragonFly](https://man.dragonflybsd.org/?command=",
            $bsd,
            "&section=",
            $bsdsec,
            ")\n",
            "- [Linux](https://man7.org/linux/man-pages/man",
            $linuxsec,
            "/",
            $linux,
            ".",
            $linuxsec,
            ".html)\n",
        )
    };
}
