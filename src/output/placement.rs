//! Where a new output tree's directories land on disk: a hint to the file system, never a
//! requirement (every error here is ignored and the directory is made the plain way).
//!
//! ext4 puts a new directory in its parent's block group, and a new file in its directory's.
//! Without a journal (as on the VMs we build and measure on), it also will not hand out an
//! inode freed in the last minutes: every allocation scans past all of them, one buffer
//! lookup each. A site deleted and built again (`rm -rf public`, a CI cache cleared) is
//! therefore written into the block groups it was just deleted from, and each of its 30,000
//! files and directories scans the 30,000 inodes the old one freed: 3–10 s of kernel time at
//! 10,000 articles, growing with every rebuild. A directory marked "top of a hierarchy"
//! (`chattr +T`, `FS_TOPDIR_FL`) has its subdirectories placed by the Orlov allocator in the
//! emptiest block group instead, starting from a hash of their name; created under a one-off
//! name and then renamed, they land in a group no recent build used. Measured with 10,000
//! article directories after deleting the last tree: 0.7–1.1 s against 1.0–5.6 s.

use std::path::Path;

use anyhow::Result;

use crate::fsx;

/// Marks `dir` as the top of a directory hierarchy, where the file system supports it.
pub fn mark_top(dir: &Path) {
    #[cfg(target_os = "linux")]
    {
        let _ = set_topdir(dir);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = dir;
}

/// Creates `parent/name` (a directory; nothing when it exists) under a one-off name first, so
/// the allocator places it afresh (see the module's documentation).
pub fn create_spread(parent: &Path, name: &str) -> Result<()> {
    let target = parent.join(name);
    if target.is_dir() {
        return Ok(());
    }
    let temp = parent.join(format!(".{name}.nr-dir-{:016x}", one_off()));
    if std::fs::create_dir(&temp).is_ok() {
        if std::fs::rename(&temp, &target).is_ok() {
            return Ok(());
        }
        let _ = std::fs::remove_dir(&temp);
    }
    fsx::create_dir_all(&target)
}

/// A number no other call of this process, nor another process, gives.
fn one_off() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u64(COUNT.fetch_add(1, Ordering::Relaxed));
    if let Ok(d) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(d.as_nanos());
    }
    h.finish()
}

#[cfg(target_os = "linux")]
fn set_topdir(dir: &Path) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    const FS_TOPDIR_FL: libc::c_int = 0x0002_0000;
    let f = std::fs::File::open(dir)?;
    let mut flags: libc::c_int = 0;
    // SAFETY: the descriptor is open for the whole call and `flags` is the int the ioctl
    // reads and writes.
    if unsafe { libc::ioctl(f.as_raw_fd(), libc::FS_IOC_GETFLAGS, &mut flags) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    if flags & FS_TOPDIR_FL != 0 {
        return Ok(());
    }
    flags |= FS_TOPDIR_FL;
    // SAFETY: as above.
    if unsafe { libc::ioctl(f.as_raw_fd(), libc::FS_IOC_SETFLAGS, &flags) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}
