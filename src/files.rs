//! Files awstop writes (recordings, keys, logs, CSV exports): private to the
//! user (0600 whatever the umask), never written through a symbolic link, and
//! never silently replacing an existing file.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// How to treat a file that is already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse: the caller says how to override.
    Refuse,
    /// Replace it (a regular file only, never what a link points to).
    Replace,
    /// Append to it (logs).
    Append,
}

fn options(existing: Existing) -> OpenOptions {
    let mut o = OpenOptions::new();
    match existing {
        Existing::Refuse => o.write(true).create_new(true),
        Existing::Replace => o.write(true).create(true).truncate(true),
        Existing::Append => o.append(true).create(true),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NOFOLLOW: a link planted at the path fails the open instead of
        // redirecting the write. O_NONBLOCK: a FIFO planted there fails or
        // opens at once instead of waiting for a reader (and is then refused).
        o.mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    o
}

/// What a path that is not a regular file is, for the one-line refusal.
fn kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

fn not_regular(meta: &std::fs::Metadata) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("is {}, not a regular file", kind(meta)),
    )
}

/// Opens `path` for reading only if it is a regular file: a FIFO, a device
/// or a terminal is refused at once instead of waiting for input for ever.
pub fn open_regular(path: &Path) -> Result<File, String> {
    let mut o = OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO without O_NONBLOCK waits for a writer.
        o.custom_flags(libc::O_NONBLOCK);
    }
    let f = o
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let meta = f
        .metadata()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!("{}: {}", path.display(), not_regular(&meta)));
    }
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        let fd = f.as_raw_fd();
        // SAFETY: fcntl on a descriptor this function owns; no memory is passed.
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            if flags >= 0 {
                libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
            }
        }
    }
    Ok(f)
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Opens `path` for writing, private to the user.
pub fn create(path: &Path, existing: Existing) -> io::Result<File> {
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if meta.file_type().is_symlink() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "is a symbolic link; awstop never writes through one",
            ));
        }
        if !meta.is_file() {
            return Err(not_regular(&meta));
        }
    }
    if existing == Existing::Replace {
        return replace(path);
    }
    let f = options(existing).open(path)?;
    // Swapped for a FIFO or device between the look and the open.
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    // An existing file keeps its mode on open: make it private too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(f)
}

/// A new file put in place of `path`: the name is replaced, not the file it
/// named, so another hard link to the old file keeps its content.
fn replace(path: &Path) -> io::Result<File> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".new-{}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let _ = std::fs::remove_file(&tmp);
    let f = create(&tmp, Existing::Refuse)?;
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(f)
}

/// A new file at `path`, or at `stem-1.ext`, `stem-2.ext`... when taken (by a
/// file or a link planted at the predictable name): an export never
/// overwrites another, and never writes where a link points.
pub fn create_unique(path: &Path) -> io::Result<(File, PathBuf)> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let mut candidate = path.to_path_buf();
    for n in 1..1000 {
        match create(&candidate, Existing::Refuse) {
            Ok(f) => return Ok((f, candidate)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists || is_link(&candidate) => {
                candidate = path.with_file_name(format!("{stem}-{n}{ext}"));
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "a thousand files of that name already exist",
    ))
}

/// A small text file (a config, a theme), refused when larger than `cap`
/// bytes: an endless input (`/dev/zero`) cannot fill memory.
pub fn read_text(path: &Path, cap: u64, what: &str) -> Result<String, String> {
    use std::io::Read;
    let f = open_regular(path)?;
    let mut bytes = Vec::new();
    f.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() as u64 > cap {
        return Err(format!(
            "{}: larger than {} KiB: not {what}",
            path.display(),
            cap / 1024
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = String::from_utf8_lossy(good);
        let line = text.matches('\n').count() + 1;
        let col = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!(
            "{}:{line}:{col}: not UTF-8 text: not {what}",
            path.display()
        )
    })
}

/// The state directory, created private to the user when missing.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn temp(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new().prefix(&format!("awstop-files-{name}-")).tempdir().unwrap()
    }

    #[cfg(unix)]
    #[test]
    fn private_never_through_a_link_never_over_a_file() {
        use std::os::unix::fs::PermissionsExt;
        let folder = temp("safe");
        let d = folder.path();
        let target = d.join("target");
        std::fs::write(&target, "precious").unwrap();
        let link = d.join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for mode in [Existing::Refuse, Existing::Replace, Existing::Append] {
            assert!(create(&link, mode).is_err(), "{mode:?} followed the link");
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
        assert!(create(&target, Existing::Refuse).is_err());
        let fresh = d.join("fresh");
        let mut f = create(&fresh, Existing::Refuse).unwrap();
        f.write_all(b"x").unwrap();
        let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let (_, second) = create_unique(&fresh).unwrap();
        assert_eq!(second, d.join("fresh-1"));
        let (_, third) = create_unique(&d.join("a.csv")).unwrap();
        assert_eq!(third, d.join("a.csv"));
        let (_, fourth) = create_unique(&d.join("a.csv")).unwrap();
        assert_eq!(fourth, d.join("a-1.csv"));
        let _ = std::fs::remove_dir_all(d);
    }
}
