//! Where rendered files go: a directory on disk (build) or memory (serve, check).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Result;

use crate::fsx;

pub trait Output: Sync {
    /// Writes `bytes` at the site-relative `path` (`news/foo/index.html`).
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;
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
}
