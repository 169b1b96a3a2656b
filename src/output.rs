//! Files in and out: what `-o` may do to the thing at its path, and which inputs are read.
//!
//! An output path is resolved before anything is written: a symlink is followed to its
//! target (which is then replaced, not the link); a regular file or a new path is written
//! through a temp file and a rename (atomic); a character device or a FIFO (`/dev/null`,
//! `/dev/stdout`, a named pipe) is written through, because renaming over it would swap the
//! device for a regular file; a folder is refused; and a path that is one of the inputs
//! (the same file, however named) is refused before the input is read, so a typo never
//! destroys the source.
//!
//! Inputs are read only when they are regular files: opening a FIFO would block until a
//! writer comes, which for `batch` means forever.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Symlinks followed before giving up (the kernel's own limit, ELOOP, is 40).
const MAX_SYMLINKS: usize = 40;

/// What an output path is, once symlinks are followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A regular file or nothing yet: replace atomically at this (resolved) path.
    Replace(PathBuf),
    /// A character device, FIFO or socket: open and write, never rename over it.
    WriteThrough(PathBuf),
}

fn io_at(path: &Path, e: std::io::Error) -> Error {
    Error::File(format!("{}: {e}", path.display()))
}

fn refuse(path: &Path, cause: impl Into<String>) -> Error {
    Error::File(format!("{}: {}", path.display(), cause.into()))
}

/// Follow `path` through symlinks (also dangling ones, whose target will be created).
pub fn resolve_symlinks(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_SYMLINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&current).map_err(|e| io_at(&current, e))?;
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(refuse(path, "too many levels of symbolic links"))
}

/// Same file (device and inode), not just the same spelling.
#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}

/// Decide what writing to `path` means; `inputs` are files this run reads, which must not
/// be overwritten.
pub fn target(path: &Path, inputs: &[&Path]) -> Result<Target> {
    let resolved = resolve_symlinks(path)?;
    let meta = match std::fs::metadata(&resolved) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Target::Replace(resolved)),
        Err(e) => return Err(io_at(path, e)),
    };
    if meta.is_dir() {
        return Err(refuse(path, "is a folder, not a file"));
    }
    for input in inputs {
        if std::fs::metadata(input).is_ok_and(|m| same_file(&m, &meta)) {
            return Err(refuse(path, format!("is the input {}; refusing to overwrite it", input.display())));
        }
    }
    if meta.is_file() {
        Ok(Target::Replace(resolved))
    } else {
        Ok(Target::WriteThrough(resolved))
    }
}

/// Write `bytes` to `path` as [`target`] decides. Errors name the path once.
pub fn write(path: &Path, bytes: &[u8], inputs: &[&Path]) -> Result<()> {
    match target(path, inputs)? {
        Target::Replace(p) => crate::write_atomically(&p, bytes).map_err(|e| io_at(path, e)),
        Target::WriteThrough(p) => {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().write(true).open(&p).map_err(|e| io_at(path, e))?;
            f.write_all(bytes).map_err(|e| io_at(path, e))
        }
    }
}

/// Make sure `dir` is a folder (creating it and its parents if missing), with a message
/// naming the path when it cannot be.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(refuse(dir, "is a file, not a folder")),
        Err(_) => {
            std::fs::create_dir_all(dir).map_err(|e| refuse(dir, format!("cannot create the folder: {e}")))
        }
    }
}

/// Read an input file, which must be a regular file (a FIFO or device would block or never
/// end). Errors name the path once.
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| io_at(path, e))?;
    if meta.is_dir() {
        return Err(refuse(path, "is a folder, not a file"));
    }
    if !meta.is_file() {
        return Err(refuse(path, "not a regular file (a FIFO or device); use `-` to read standard input"));
    }
    std::fs::read(path).map_err(|e| io_at(path, e))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn new_path_and_regular_file_are_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.json");
        assert_eq!(target(&p, &[]).ok(), Some(Target::Replace(p.clone())));
        std::fs::write(&p, b"old").expect("write");
        write(&p, b"new", &[]).expect("write");
        assert_eq!(std::fs::read(&p).ok().as_deref(), Some(&b"new"[..]));
    }

    #[test]
    fn symlink_is_followed_and_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.json");
        let link = dir.path().join("link.json");
        std::fs::write(&real, b"old").expect("write");
        std::os::unix::fs::symlink("real.json", &link).expect("symlink");
        write(&link, b"new", &[]).expect("write");
        assert!(std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
        assert_eq!(std::fs::read(&real).ok().as_deref(), Some(&b"new"[..]));
    }

    #[test]
    fn the_input_is_never_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("in.txt");
        let link = dir.path().join("alias");
        std::fs::write(&input, b"report").expect("write");
        std::os::unix::fs::symlink(&input, &link).expect("symlink");
        for out in [&input, &link] {
            let e = write(out, b"x", &[&input]).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains("refusing to overwrite"), "{e}");
        }
        assert_eq!(std::fs::read(&input).ok().as_deref(), Some(&b"report"[..]));
    }

    #[test]
    fn a_folder_is_no_output_file_and_a_file_no_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = write(dir.path(), b"x", &[]).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.ends_with("is a folder, not a file"), "{e}");
        let f = dir.path().join("f");
        std::fs::write(&f, b"").expect("write");
        let e = ensure_dir(&f).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(e, format!("{}: is a file, not a folder", f.display()));
    }
}
