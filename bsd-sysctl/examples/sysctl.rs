//! sysctl(8) on `bsd-sysctl`: `sysctl [-a] [-n] [-N] [-d] [name[=value] ...]`.
//!
//! - `-a`: every readable value. On Linux the listing is procps' `sysctl
//!   -a`'s, line for line: entries without the owner read bit are left out,
//!   as are the `base_reachable_time`/`retrans_time` entries procps calls
//!   deprecated, the crate's BSD aliases (procps does not know them), and
//!   entries whose read fails with `EIO` (`stable_secret` before it is
//!   set); a value of several lines prints one `name = line` per line.
//!   Run by an unprivileged user, entries it may not read are reported on
//!   stderr ("permission denied on key") and the listing still succeeds,
//!   as procps' does.
//! - Linux names may be written with `/` as the separator, as procps
//!   accepts them (`kernel/ostype`, `net/ipv4/conf/eth0.100/forwarding`):
//!   the first separator of the name decides which form it is in.
//! - Exit status as procps': 255 for an empty name (`"" is an unknown
//!   key`), 1 for any other failure, 0 otherwise.
//! - `-n`: values only; `-N`: names only; `-d`: descriptions.
//! - `name`: that value (a node: every value below it); `name=value`: write
//!   it (root only), then print the new value.
//!
//! ```sh
//! cargo run -p bsd-sysctl --example sysctl -- kern.ostype hw.ncpu kern.boottime vm.loadavg
//! cargo run -p bsd-sysctl --example sysctl -- -a
//! ```

use bsd_sysctl::{Ctl, Errno, Kind, Value};
use std::io::Write;
use std::process::ExitCode;

/// What separates a name from its value, as the system's sysctl(8) prints.
#[cfg(any(target_os = "linux", target_os = "netbsd"))]
const SEP: &str = " = ";
#[cfg(target_os = "openbsd")]
const SEP: &str = "=";
#[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_vendor = "apple"))]
const SEP: &str = ": ";

#[derive(Clone, Copy, Default)]
struct Opts {
    all: bool,
    values_only: bool,
    names_only: bool,
    describe: bool,
}

fn main() -> ExitCode {
    let mut opts = Opts::default();
    let mut args = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            s if s.starts_with('-') && s.len() > 1 => {
                for c in s.chars().skip(1) {
                    match c {
                        'a' | 'A' => opts.all = true,
                        'n' => opts.values_only = true,
                        'N' => opts.names_only = true,
                        'd' => opts.describe = true,
                        _ => {
                            eprintln!("usage: sysctl [-a] [-n] [-N] [-d] [name[=value] ...]");
                            return ExitCode::from(2);
                        }
                    }
                }
            }
            _ => args.push(arg),
        }
    }
    if args.is_empty() && !opts.all {
        eprintln!("usage: sysctl [-a] [-n] [-N] [-d] [name[=value] ...]");
        return ExitCode::from(2);
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut ok = true;
    let mut unknown_key = false;
    if opts.all {
        ok &= list("", opts, true, &mut out);
    }
    for arg in &args {
        let (name, value) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (arg.as_str(), None),
        };
        if name.is_empty() {
            // procps: an empty key is an error of its own, exit 255.
            let _ = out.flush();
            eprintln!("sysctl: \"{name}\" is an unknown key");
            unknown_key = true;
            continue;
        }
        let name = dotted(name);
        ok &= match value {
            Some(value) => set(&name, value, opts, &mut out),
            None => list(&name, opts, false, &mut out),
        };
    }
    if out.flush().is_err() {
        return ExitCode::FAILURE;
    }
    if unknown_key {
        ExitCode::from(255)
    } else if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// A name in the crate's dotted form. On Linux procps also takes names
/// written as paths below `/proc/sys` (`kernel/ostype`): when the first
/// separator is a `/`, the name is a path, and its `/` and `.` swap places
/// (`net/ipv4/conf/eth0.100/forwarding` is `net.ipv4.conf.eth0/100.forwarding`).
fn dotted(name: &str) -> String {
    let path_form = cfg!(target_os = "linux") && name.find(['.', '/']).is_some_and(|i| name[i..].starts_with('/'));
    if !path_form {
        return name.to_owned();
    }
    name.chars()
        .map(|c| match c {
            '/' => '.',
            '.' => '/',
            c => c,
        })
        .collect()
}

/// procps' sysctl(8) hides these (the `_ms` variants replace them) when it
/// lists a tree.
fn deprecated(name: &str) -> bool {
    cfg!(target_os = "linux") && matches!(name.rsplit('.').next(), Some("base_reachable_time" | "retrans_time"))
}

/// Prints every value at or below `prefix`. `all`: the whole-tree listing,
/// which skips quietly what the system's sysctl(8) skips.
fn list(prefix: &str, opts: Opts, all: bool, out: &mut impl Write) -> bool {
    let walk = match bsd_sysctl::walk(prefix) {
        Ok(w) => w,
        Err(Errno::ENOENT) if cfg!(target_os = "linux") => {
            // procps' words.
            let path: String = prefix
                .chars()
                .map(|c| match c {
                    '.' => '/',
                    '/' => '.',
                    c => c,
                })
                .collect();
            eprintln!("sysctl: cannot stat /proc/sys/{path}: No such file or directory");
            return false;
        }
        Err(e) => {
            eprintln!("sysctl: {prefix}: {}", reason(e));
            return false;
        }
    };
    let tree = all || walk_is_tree(prefix);
    let mut ok = true;
    for node in walk {
        let node = match node {
            Ok(n) => n,
            Err(e) => {
                eprintln!("sysctl: {prefix}: {e}");
                ok = false;
                continue;
            }
        };
        if tree && deprecated(node.name()) {
            continue;
        }
        // procps lists /proc/sys only; the crate's BSD aliases (kern.*,
        // hw.*, vm.loadavg) are ours. Asked for by name, they are shown.
        if all && node.is_alias() {
            continue;
        }
        let ctl = match node.ctl() {
            Ok(c) => c,
            // Gone between the walk and now.
            Err(Errno::ENOENT) if tree => continue,
            Err(e) => {
                eprintln!("sysctl: {}: {e}", node.name());
                ok = false;
                continue;
            }
        };
        if !ctl.readable() {
            continue;
        }
        ok &= show(&ctl, opts, tree, out);
    }
    ok
}

/// Whether `prefix` names a subtree (not a single value).
fn walk_is_tree(prefix: &str) -> bool {
    Ctl::new(prefix).map(|c| c.kind() == Kind::Node).unwrap_or(true)
}

/// Prints one node.
fn show(ctl: &Ctl, opts: Opts, tree: bool, out: &mut impl Write) -> bool {
    let name = ctl.name();
    if opts.names_only {
        let _ = writeln!(out, "{name}");
        return true;
    }
    if opts.describe {
        let d = ctl.description().ok().flatten().unwrap_or_default();
        let _ = writeln!(out, "{name}{SEP}{d}");
        return true;
    }
    let raw = match text_of(ctl) {
        Ok(Some(t)) => t,
        // Opaque structures we cannot print: skipped in a listing, as
        // sysctl(8) does without -o.
        Ok(None) => return true,
        // procps says nothing about EIO (stable_secret is EIO until set).
        Err(Errno::EIO) if cfg!(target_os = "linux") => return true,
        Err(Errno::EACCES) => {
            eprintln!("sysctl: permission denied on key '{name}'");
            // procps' -a reports it and goes on: the listing succeeds.
            return tree;
        }
        Err(e) if tree && !cfg!(target_os = "linux") => {
            let _ = e;
            return true;
        }
        Err(e) => {
            eprintln!("sysctl: reading key \"{name}\": {e}");
            return false;
        }
    };
    // procps reads with fgets: an empty file prints nothing, and a value
    // of several lines one `name = line` per line.
    if raw.is_empty() {
        return true;
    }
    let text = raw.strip_suffix(b"\n").unwrap_or(&raw);
    for line in text.split(|&b| b == b'\n') {
        if !opts.values_only {
            let _ = write!(out, "{name}{SEP}");
        }
        let _ = out.write_all(line);
        let _ = out.write_all(b"\n");
    }
    true
}

/// The value as sysctl(8) prints it, with a trailing newline (none for an
/// empty Linux file); `None` for a structure it does not print.
fn text_of(ctl: &Ctl) -> Result<Option<Vec<u8>>, Errno> {
    if ctl.kind() == Kind::String {
        // The bytes as they are, UTF-8 or not: a Linux file's text, or a
        // BSD string with its NUL.
        let mut raw = ctl.value_bytes()?;
        if raw.last() == Some(&0) {
            raw.pop();
            raw.push(b'\n');
        }
        return Ok(Some(raw));
    }
    match ctl.value()? {
        Value::Struct { .. } => Ok(None),
        v => Ok(Some(format!("{v}\n").into_bytes())),
    }
}

/// Writes `value` to `name`, converted to the node's type.
fn set(name: &str, value: &str, opts: Opts, out: &mut impl Write) -> bool {
    let ctl = match Ctl::new(name) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sysctl: {name}: {}", reason(e));
            return false;
        }
    };
    let v = if ctl.kind().is_integer() {
        match value.parse::<i64>() {
            Ok(n) => Value::I64(n),
            Err(_) => match value.parse::<u64>() {
                Ok(n) => Value::U64(n),
                Err(_) => {
                    eprintln!("sysctl: {name}: invalid integer '{value}'");
                    return false;
                }
            },
        }
    } else {
        Value::from(value)
    };
    if let Err(e) = ctl.set_value(v) {
        eprintln!("sysctl: setting key \"{name}\": {e}");
        return false;
    }
    show(&ctl, opts, false, out)
}

fn reason(e: Errno) -> String {
    match e {
        Errno::ENOENT => "unknown oid".to_string(),
        Errno::EINVAL => "invalid name".to_string(),
        e => e.to_string(),
    }
}
