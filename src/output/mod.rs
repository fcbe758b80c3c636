//! Where rendered files go: a directory on disk (build, [`dir`]) or memory (serve, check).

pub mod dir;
pub mod manifest;
pub mod placement;
pub mod spares;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};

use crate::fsx;

pub trait Output: Sync {
    /// Writes `bytes` at the site-relative `path` (`news/foo/index.html`).
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;
    /// Removes a file that an earlier render wrote and that no longer has a source.
    fn remove(&self, path: &str) -> Result<()>;
    /// Whether `path` already holds what `key` names (an earlier build wrote it from the same
    /// source, and it is intact), in which case it is kept as it is. Outputs that cannot
    /// tell say no.
    fn reuse(&self, _path: &str, _key: u64) -> bool {
        false
    }
    /// Writes `bytes` at `path`, made from the source `key` names (see [`Output::reuse`]).
    fn write_keyed(&self, path: &str, _key: u64, bytes: &[u8]) -> Result<()> {
        self.write(path, bytes)
    }
}

pub struct DiskOutput {
    pub root: PathBuf,
}

/// Output paths are site-relative and stay inside the output: no root, no `..`.
pub fn check_path(path: &str) -> Result<()> {
    let ok = !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !ok {
        anyhow::bail!("refusing to write `{path}`: output paths must stay inside the site");
    }
    Ok(())
}

impl Output for DiskOutput {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        check_path(path)?;
        fsx::write(&self.root.join(path), bytes)
    }

    fn remove(&self, path: &str) -> Result<()> {
        check_path(path)?;
        let p = self.root.join(path);
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("failed to remove `{}`", p.display()))
            }
            _ => Ok(()),
        }
    }
}

impl DiskOutput {
    pub fn new(root: &Path) -> DiskOutput {
        DiskOutput {
            root: root.to_path_buf(),
        }
    }
}

/// Keeps every file in memory, sorted by path.
#[derive(Default)]
pub struct MemoryOutput {
    pub files: Mutex<BTreeMap<String, Vec<u8>>>,
    removed: Mutex<Vec<String>>,
}

impl MemoryOutput {
    /// Paths removed through [`Output::remove`], for applying a render to another copy.
    pub fn removed(&self) -> Vec<String> {
        self.removed.lock().expect("memory output poisoned").clone()
    }
}

impl Output for MemoryOutput {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        check_path(path)?;
        self.files
            .lock()
            .expect("memory output poisoned")
            .insert(path.to_string(), bytes.to_vec());
        Ok(())
    }

    fn remove(&self, path: &str) -> Result<()> {
        self.files
            .lock()
            .expect("memory output poisoned")
            .remove(path);
        self.removed
            .lock()
            .expect("memory output poisoned")
            .push(path.to_string());
        Ok(())
    }
}
