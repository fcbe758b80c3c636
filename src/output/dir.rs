//! Building into an output directory that may already hold the last build: write only what
//! changed, atomically, under a lock, and recover from a build that was killed.
//!
//! The state lives beside the output, in `.<name>.newsroom/` (for `public/`:
//! `.public.newsroom/`): `lock` (held for the whole build), `record` (what the last build
//! wrote, [`Record`]) and, while a build commits, `journal`.
//!
//! * An output directory that does not exist yet is built in a private staging directory
//!   beside it and renamed into place: no one ever sees half of it.
//! * An existing one is updated in place. Each changed file is written to a spare file of the
//!   state directory ([`Spares`]: no inode or block is allocated or freed, which on ext4 is
//!   most of a rebuild's cost) or, when the state directory is on another file system, to a
//!   temporary file in its own directory (`.<file>.nr-<pid>.tmp`); files whose bytes did not
//!   change are not touched. Nothing final changes until every file is rendered: then the
//!   journal lists the exchanges, renames and deletions, and they are made. A build killed
//!   before the journal is complete is rolled back by the next one (its spares are spares
//!   again, its temporary files deleted); one killed after is rolled forward. Either way the
//!   output is a whole old or a whole new site.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use anyhow::{Context, Result, anyhow, bail};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::manifest::{Entry, Kind, Record, Stamp, hash_bytes};
use super::placement;
use super::spares::{Spares, swap_into};
use super::{Output, check_path};
use crate::fsx;

const JOURNAL_HEADER: &str = "newsroom-journal 1";

/// An output directory, locked for one build.
pub struct OutputDir {
    /// The output directory.
    pub path: PathBuf,
    state: PathBuf,
    /// Held until the build is done (the OS releases it if the process dies).
    _lock: File,
    /// What the last build left, when it left a record.
    record: Option<Record>,
    /// What [`OutputDir::open`] had to clean up, for the command to say.
    pub recovered: Vec<String>,
}

/// How the caller vouches for a directory that has no record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The site's own default output (`<root>/public`): newsroom made it.
    Own,
    /// `--force`: replace whatever is there.
    Forced,
    /// Anything else: refused when it is not empty.
    None,
}

impl OutputDir {
    /// Locks `output`'s state (calling `waiting` first when another build holds it), finishes
    /// or rolls back a killed build, removes stale staging directories and reads the record.
    pub fn open(output: &Path, claim: Claim, waiting: impl FnOnce()) -> Result<OutputDir> {
        let (parent, name, state) = state_dir(output)?;
        fsx::create_dir_all(&state)?;
        // Never committed by accident: git ignores a directory whose files are all ignored.
        let ignore = state.join(".gitignore");
        if !ignore.exists() {
            fsx::write(&ignore, "*\n")?;
        }
        let lock_path = state.join("lock");
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("failed to open `{}`", lock_path.display()))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                waiting();
                lock.lock()
                    .with_context(|| format!("failed to lock `{}`", lock_path.display()))?;
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("failed to lock `{}`", lock_path.display()));
            }
        }
        let mut dir = OutputDir {
            path: output.to_path_buf(),
            state,
            _lock: lock,
            record: None,
            recovered: Vec::new(),
        };
        dir.recover()?;
        dir.remove_stale(&parent, &name)?;
        dir.record = Record::read(&dir.record_path());
        if let Ok(meta) = std::fs::symlink_metadata(output)
            && !meta.is_dir()
        {
            bail!("output `{}` is not a directory", output.display());
        }
        if dir.record.is_none() && claim == Claim::None && !is_empty_or_absent(output)? {
            bail!(
                "output directory `{}` is not empty and was not written by newsroom; \
                 pass --force to replace its contents",
                output.display()
            );
        }
        Ok(dir)
    }

    /// [`OutputDir::open`], when an earlier build left its state (else `None`, and nothing
    /// is created).
    pub fn open_existing(
        output: &Path,
        claim: Claim,
        waiting: impl FnOnce(),
    ) -> Result<Option<OutputDir>> {
        if !state_dir(output)?.2.is_dir() {
            return Ok(None);
        }
        OutputDir::open(output, claim, waiting).map(Some)
    }

    fn record_path(&self) -> PathBuf {
        self.state.join("record")
    }

    fn journal_path(&self) -> PathBuf {
        self.state.join("journal")
    }

    fn spares_path(&self) -> PathBuf {
        self.state.join("spare")
    }

    /// A writer for this build: into a staging directory when the output does not exist,
    /// else in place.
    pub fn writer(&self) -> Result<Writer<'_>> {
        self.writer_with(same_device(&self.state, &self.path))
    }

    fn writer_with(&self, spares: bool) -> Result<Writer<'_>> {
        if !self.path.exists() {
            let staging = staging_name(&self.path, "staging");
            if staging.exists() {
                fsx::remove_dir_all(&staging)?;
            }
            fsx::create_dir_all(&staging)?;
            placement::mark_top(&staging);
            return Ok(Writer::new(
                self,
                staging,
                Mode::Fresh,
                FxHashMap::default(),
            ));
        }
        let (known, mode) = match &self.record {
            Some(r) => (verified(&self.path, r), Mode::InPlace),
            None => (
                FxHashMap::default(),
                Mode::Compare(existing_files(&self.path)?),
            ),
        };
        let mut writer = Writer::new(self, self.path.clone(), mode, known);
        if spares {
            writer.spares = Some(Spares::open(self.spares_path())?);
        }
        Ok(writer)
    }

    /// The key of the search inputs the last build wrote its index from.
    pub fn search_key(&self) -> Option<u64> {
        self.record.as_ref().and_then(|r| r.search)
    }

    /// A cache file of the state directory (`None` when there is none or it cannot be
    /// read). Caches speed a build up and never decide what it writes: their readers check
    /// what each entry was made from.
    pub fn read_cache(&self, name: &str) -> Option<Vec<u8>> {
        std::fs::read(self.state.join(name)).ok()
    }

    /// Replaces a cache file (through a temp file, so a reader never sees half of it).
    pub fn write_cache(&self, name: &str, bytes: &[u8]) -> Result<()> {
        fsx::write_atomic(&self.state.join(name), bytes)
    }

    /// Whether the last build was made from exactly these `sources` (the key of every input
    /// file's path and stamps, [`crate::site::sources_key`]) and left every file intact:
    /// then there is nothing to do.
    pub fn up_to_date(&self, sources: u64) -> bool {
        let Some(record) = &self.record else {
            return false;
        };
        record.sources == Some(sources) && verified(&self.path, record).len() == record.files.len()
    }

    /// Finishes a killed build: rolls it forward if its journal is complete, else back.
    fn recover(&mut self) -> Result<()> {
        let path = self.journal_path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(());
        };
        match Journal::parse(&text) {
            Some(j) => {
                j.apply(&self.path, &self.spares_path())?;
                let new = self.state.join("record.new");
                if new.exists() {
                    fsx::rename(&new, &self.record_path())?;
                }
                self.recovered.push(format!(
                    "finished the build that was interrupted while updating `{}`",
                    self.path.display()
                ));
            }
            None => {
                let n = remove_temps(&self.path)?;
                let _ = std::fs::remove_file(self.state.join("record.new"));
                self.recovered.push(format!(
                    "rolled back an interrupted build ({n} temporary file{} removed)",
                    if n == 1 { "" } else { "s" }
                ));
            }
        }
        std::fs::remove_file(&path)
            .with_context(|| format!("failed to remove `{}`", path.display()))
    }

    /// Removes `.<name>.staging-*` and `.<name>.old-*` left by killed builds (of this version
    /// or older ones, which swapped whole directories).
    fn remove_stale(&mut self, parent: &Path, name: &str) -> Result<()> {
        let Ok(entries) = std::fs::read_dir(parent) else {
            return Ok(());
        };
        let prefixes = [format!(".{name}.staging-"), format!(".{name}.old-")];
        for e in entries.flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            let stale = prefixes.iter().any(|p| {
                file.strip_prefix(p.as_str())
                    .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
            });
            if stale && e.file_type().is_ok_and(|t| t.is_dir()) {
                fsx::remove_dir_all(&e.path())?;
                self.recovered.push(format!(
                    "removed `{}` left by a killed build",
                    e.path().display()
                ));
            }
        }
        Ok(())
    }
}

/// `(parent, name, state directory)` of an output directory.
fn state_dir(output: &Path) -> Result<(PathBuf, String, PathBuf)> {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| anyhow!("output directory `{}` has no name", output.display()))?;
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let state = parent.join(format!(".{name}.newsroom"));
    Ok((parent, name, state))
}

fn is_empty_or_absent(dir: &Path) -> Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e).with_context(|| format!("failed to read `{}`", dir.display())),
    }
}

/// Whether a rename from `a` to `b` stays on one file system.
fn same_device(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

fn staging_name(output: &Path, what: &str) -> PathBuf {
    let name = output.file_name().unwrap_or_default().to_string_lossy();
    output.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

/// The record's entries whose files still look as the last build left them.
fn verified(root: &Path, record: &Record) -> FxHashMap<String, Entry> {
    record
        .files
        .par_iter()
        .filter(|(path, e)| {
            std::fs::symlink_metadata(root.join(path))
                .is_ok_and(|m| m.is_file() && Stamp::of(&m) == e.stamp)
        })
        .map(|(p, e)| (p.clone(), *e))
        .collect()
}

/// Every file under `root` (site-relative, `/`-separated), for a directory without a record.
fn existing_files(root: &Path) -> Result<FxHashSet<String>> {
    let mut files = FxHashSet::default();
    for e in walkdir::WalkDir::new(root).min_depth(1) {
        let e = e.with_context(|| format!("failed to read `{}`", root.display()))?;
        if e.file_type().is_dir() {
            continue;
        }
        if let Some(rel) = relative(root, e.path()) {
            files.insert(rel);
        }
    }
    Ok(files)
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

fn is_temp_name(name: &str) -> bool {
    name.starts_with('.')
        && name
            .strip_suffix(".tmp")
            .and_then(|s| s.rsplit_once(".nr-"))
            .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

/// Deletes the temporary files a killed build left under `root`.
fn remove_temps(root: &Path) -> Result<usize> {
    let mut n = 0;
    for e in walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .flatten()
    {
        if e.file_type().is_file() && is_temp_name(&e.file_name().to_string_lossy()) {
            std::fs::remove_file(e.path())
                .with_context(|| format!("failed to remove `{}`", e.path().display()))?;
            n += 1;
        }
    }
    Ok(n)
}

enum Mode {
    /// Into a new private directory: files are written directly.
    Fresh,
    /// Over the last build, trusting its record for the files that still match it.
    InPlace,
    /// Over a directory without a record: these files are there, their bytes unknown.
    Compare(FxHashSet<String>),
}

/// Where a changed file's new bytes wait for the commit.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Temp {
    /// A temporary file beside the target (site-relative), renamed over it.
    Beside(String),
    /// A spare file of the state directory, exchanged with the target.
    Spare(u32),
}

/// A file this build produced.
struct Produced {
    entry: Entry,
    /// Where its new bytes are, when they must be moved into place at commit.
    temp: Option<Temp>,
}

/// Writes one build's files (through [`Writer::part`]) and commits them.
pub struct Writer<'d> {
    dir: &'d OutputDir,
    root: PathBuf,
    mode: Mode,
    known: FxHashMap<String, Entry>,
    produced: Mutex<FxHashMap<String, Produced>>,
    /// The state directory's spare files, when it is on the output's file system.
    spares: Option<Spares>,
    /// The top-level directories a fresh build has made (see [`placement`]).
    tops: Mutex<FxHashSet<String>>,
    /// Set once the first temporary file is about to be made: the journal says "staging".
    staging: OnceLock<Result<(), String>>,
    committed: bool,
}

/// What the new record keys besides the files: every source of the build (see
/// [`OutputDir::up_to_date`]) and the search index inputs.
#[derive(Debug, Default, Clone, Copy)]
pub struct Keys {
    pub sources: Option<u64>,
    pub search: Option<u64>,
}

/// What a commit did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Changes {
    pub written: usize,
    pub removed: usize,
    pub unchanged: usize,
}

impl<'d> Writer<'d> {
    fn new(
        dir: &'d OutputDir,
        root: PathBuf,
        mode: Mode,
        known: FxHashMap<String, Entry>,
    ) -> Writer<'d> {
        Writer {
            dir,
            root,
            mode,
            known,
            produced: Mutex::new(FxHashMap::default()),
            spares: None,
            tops: Mutex::new(FxHashSet::default()),
            staging: OnceLock::new(),
            committed: false,
        }
    }

    /// The last build's key for `path`, when its file is still as that build left it (the
    /// view fingerprints [`crate::render::Renderer::render_changed`] compares).
    pub fn known_keys(&self, kind: Kind) -> impl Iterator<Item = (&str, u64)> {
        self.known
            .iter()
            .filter(move |(_, e)| e.kind == kind)
            .map(|(p, e)| (p.as_str(), e.key))
    }

    /// The key of the search inputs the last build wrote its index from.
    pub fn search_key(&self) -> Option<u64> {
        self.dir.search_key()
    }

    /// The output directory's state (for its caches).
    pub fn dir(&self) -> &OutputDir {
        self.dir
    }

    /// The output for one kind of file.
    pub fn part(&self, kind: Kind) -> Part<'_, 'd> {
        Part { writer: self, kind }
    }

    /// Keeps every file of `kind` the last build wrote and that is still intact; `false` (and
    /// nothing kept) when one of them is not.
    pub fn keep_all(&self, kind: Kind) -> bool {
        let Some(record) = &self.dir.record else {
            return false;
        };
        let mine: Vec<&String> = record
            .files
            .iter()
            .filter(|(_, e)| e.kind == kind)
            .map(|(p, _)| p)
            .collect();
        if mine.iter().any(|p| !self.known.contains_key(*p)) {
            return false;
        }
        for p in mine {
            self.keep(p, kind, self.known[p].key);
        }
        true
    }

    /// Keeps `path` as the last build wrote it, under `key`: `false` when it is not intact.
    pub fn keep(&self, path: &str, kind: Kind, key: u64) -> bool {
        let Some(old) = self.known.get(path) else {
            return false;
        };
        let entry = Entry { kind, key, ..*old };
        let mut produced = self.produced.lock().expect("writer poisoned");
        produced.insert(path.to_string(), Produced { entry, temp: None });
        true
    }

    fn put(&self, kind: Kind, key: u64, path: &str, bytes: &[u8]) -> Result<()> {
        check_path(path)?;
        let hash = hash_bytes(bytes);
        let size = bytes.len() as u64;
        let target = self.root.join(path);
        let same = |e: &Entry| e.hash == hash && e.stamp.size == size;
        let (stamp, temp) = match self.known.get(path).filter(|e| same(e)) {
            Some(old) => (old.stamp, None),
            None => match self.same_on_disk(path, &target, bytes)? {
                Some(stamp) => (stamp, None),
                None => self.write_file(path, &target, bytes)?,
            },
        };
        let entry = Entry {
            kind,
            key,
            hash,
            stamp,
        };
        let mut produced = self.produced.lock().expect("writer poisoned");
        let prev = produced.insert(path.to_string(), Produced { entry, temp });
        if let Some(t) = prev.and_then(|p| p.temp) {
            self.discard(&t);
        }
        Ok(())
    }

    /// Drops new bytes that will not be committed.
    fn discard(&self, temp: &Temp) {
        match (temp, &self.spares) {
            (Temp::Beside(t), _) => {
                let _ = std::fs::remove_file(self.root.join(t));
            }
            (Temp::Spare(n), Some(spares)) => spares.give_back(*n),
            (Temp::Spare(_), None) => {}
        }
    }

    /// Without a record, a file already holding these bytes is left alone.
    fn same_on_disk(&self, path: &str, target: &Path, bytes: &[u8]) -> Result<Option<Stamp>> {
        let Mode::Compare(existing) = &self.mode else {
            return Ok(None);
        };
        if !existing.contains(path) {
            return Ok(None);
        }
        let Ok(meta) = std::fs::symlink_metadata(target) else {
            return Ok(None);
        };
        if !meta.is_file() || meta.len() != bytes.len() as u64 {
            return Ok(None);
        }
        let on_disk = fsx::read(target)?;
        Ok((on_disk == bytes).then(|| Stamp::of(&meta)))
    }

    /// Writes `bytes` for `target`: directly in a fresh staging directory, else into a spare
    /// or a new temporary file beside it. Returns the stamp the file will have once in place.
    fn write_file(&self, rel: &str, target: &Path, bytes: &[u8]) -> Result<(Stamp, Option<Temp>)> {
        use std::io::Write;
        if !matches!(self.mode, Mode::Fresh) {
            self.mark_staging()?;
            if let Some(spares) = &self.spares {
                // A new file's directory is made now, so that the commit cannot fail on it.
                if !self.known.contains_key(rel)
                    && let Some(parent) = target.parent()
                {
                    fsx::create_dir_all(parent)?;
                }
                let (n, file) = spares.write(bytes)?;
                let meta = file
                    .metadata()
                    .with_context(|| format!("failed to read `{}`", spares.path(n).display()))?;
                return Ok((Stamp::of(&meta), Some(Temp::Spare(n))));
            }
        }
        if let (Mode::Fresh, Some((top, _))) = (&self.mode, rel.split_once('/')) {
            let mut tops = self.tops.lock().expect("writer poisoned");
            if !tops.contains(top) {
                placement::create_spread(&self.root, top)?;
                tops.insert(top.to_string());
            }
        }
        if let Some(parent) = target.parent() {
            fsx::create_dir_all(parent)?;
        }
        let temp = match self.mode {
            Mode::Fresh => None,
            _ => {
                let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
                let temp = format!(".{name}.nr-{}.tmp", std::process::id());
                Some(if dir.is_empty() {
                    temp
                } else {
                    format!("{dir}/{temp}")
                })
            }
        };
        let path = temp
            .as_ref()
            .map_or(target.to_path_buf(), |t| self.root.join(t));
        let mut options = File::options();
        options.write(true);
        match self.mode {
            Mode::Fresh => options.create(true).truncate(true),
            _ => {
                let _ = std::fs::remove_file(&path); // a stale one of a killed run with this pid
                options.create_new(true)
            }
        };
        let mut file = options
            .open(&path)
            .with_context(|| format!("failed to create `{}`", path.display()))?;
        file.write_all(bytes)
            .with_context(|| format!("failed to write `{}`", path.display()))?;
        let meta = file
            .metadata()
            .with_context(|| format!("failed to read `{}`", path.display()))?;
        Ok((Stamp::of(&meta), temp.map(Temp::Beside)))
    }

    /// Before the first temporary file: a journal saying a build is staging, so a kill from
    /// here on is rolled back by the next build.
    fn mark_staging(&self) -> Result<()> {
        let done = self.staging.get_or_init(|| {
            let path = self.dir.journal_path();
            fsx::write_atomic(&path, format!("{JOURNAL_HEADER} staging\n"))
                .map_err(|e| format!("{e:#}"))
        });
        done.clone().map_err(|e| anyhow!("{e}"))
    }

    /// Makes this build's files the output. `templates` are the view fingerprints of every
    /// templated file (from the render); a templated file that was not written is kept as the
    /// last build left it. `search` is the key of the search index inputs.
    pub fn commit<'a>(
        mut self,
        templates: impl Iterator<Item = (&'a str, u64)>,
        keys: Keys,
    ) -> Result<Changes> {
        let (record, journal) = self.plan(templates, keys)?;
        let changes = Changes {
            written: journal.moves.len(),
            removed: journal.gone.len(),
            unchanged: record.files.len() - journal.moves.len(),
        };
        if let Mode::Fresh = self.mode {
            record.write(&self.dir.record_path())?;
            fsx::rename(&self.root, &self.dir.path)?;
            self.committed = true;
            return Ok(Changes {
                written: record.files.len(),
                removed: 0,
                unchanged: 0,
            });
        }
        if journal.moves.is_empty() && journal.gone.is_empty() {
            self.committed = true;
            if self.dir.record.as_ref() != Some(&record) {
                record.write(&self.dir.record_path())?;
            }
            return Ok(changes);
        }
        let new_record = self.dir.state.join("record.new");
        record.write(&new_record)?;
        journal.write(&self.dir.journal_path())?;
        // From here on the journal is whole: a failure or a kill is rolled forward.
        self.committed = true;
        journal.apply(&self.root, &self.dir.spares_path())?;
        fsx::rename(&new_record, &self.dir.record_path())?;
        let path = self.dir.journal_path();
        std::fs::remove_file(&path)
            .with_context(|| format!("failed to remove `{}`", path.display()))?;
        Ok(changes)
    }

    /// The new record and the renames and deletions that make it true. The temporary files
    /// stay listed in `produced` until the journal is written, so a failure removes them.
    fn plan<'a>(
        &mut self,
        templates: impl Iterator<Item = (&'a str, u64)>,
        keys: Keys,
    ) -> Result<(Record, Journal)> {
        let produced = self.produced.get_mut().expect("writer poisoned");
        for (path, fp) in templates {
            match produced.get_mut(path) {
                Some(p) => p.entry.key = fp,
                None => {
                    let old = self.known.get(path).ok_or_else(|| {
                        anyhow!("internal error: `{path}` was neither rendered nor kept")
                    })?;
                    let entry = Entry { key: fp, ..*old };
                    produced.insert(path.to_string(), Produced { entry, temp: None });
                }
            }
        }
        let record = Record {
            sources: keys.sources,
            search: keys.search,
            files: produced.iter().map(|(p, f)| (p.clone(), f.entry)).collect(),
        };
        let mut gone: Vec<String> = match (&self.mode, &self.dir.record) {
            (Mode::Fresh, _) | (Mode::InPlace, None) => Vec::new(),
            (Mode::Compare(existing), _) => existing.iter().cloned().collect(),
            (Mode::InPlace, Some(r)) => r.files.keys().cloned().collect(),
        };
        gone.retain(|p| !produced.contains_key(p));
        gone.sort_unstable();
        // A deleted file becomes a spare while the pool is smaller than the site.
        let mut room = match &self.spares {
            Some(s) => record.files.len().saturating_sub(s.available()),
            None => 0,
        };
        let gone = gone
            .into_iter()
            .map(|path| {
                let spare = match &self.spares {
                    Some(s) if room > 0 => {
                        room -= 1;
                        Some(s.fresh())
                    }
                    _ => None,
                };
                Gone { path, spare }
            })
            .collect();
        let mut moves: Vec<Move> = produced
            .iter()
            .filter_map(|(p, f)| {
                f.temp.clone().map(|from| Move {
                    from,
                    to: p.clone(),
                    ino: f.entry.stamp.ino,
                })
            })
            .collect();
        moves.sort_unstable_by(|a, b| a.to.cmp(&b.to));
        Ok((record, Journal { moves, gone }))
    }
}

impl Drop for Writer<'_> {
    /// A build that does not commit leaves no trace: its temporary files or staging
    /// directory are deleted and the output is as it was.
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        if let Mode::Fresh = self.mode {
            let _ = std::fs::remove_dir_all(&self.root);
            return;
        }
        let produced = std::mem::take(self.produced.get_mut().expect("writer poisoned"));
        for p in produced.values() {
            if let Some(t) = &p.temp {
                self.discard(t);
            }
        }
        if self.staging.get().is_some() {
            let _ = std::fs::remove_file(self.dir.journal_path());
        }
    }
}

/// One kind of file, written through a [`Writer`].
pub struct Part<'w, 'd> {
    writer: &'w Writer<'d>,
    kind: Kind,
}

impl Output for Part<'_, '_> {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.writer.put(self.kind, 0, path, bytes)
    }

    /// Removals are decided at commit: whatever the last build wrote and this one did not.
    fn remove(&self, path: &str) -> Result<()> {
        check_path(path)
    }

    fn reuse(&self, path: &str, key: u64) -> bool {
        self.writer
            .known
            .get(path)
            .is_some_and(|e| e.kind == self.kind && e.key == key)
            && self.writer.keep(path, self.kind, key)
    }

    fn write_keyed(&self, path: &str, key: u64, bytes: &[u8]) -> Result<()> {
        self.writer.put(self.kind, key, path, bytes)
    }
}

/// The exchanges, renames and deletions that make a staged build the output.
#[derive(Clone)]
struct Journal {
    moves: Vec<Move>,
    gone: Vec<Gone>,
}

/// New bytes moved into place.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Move {
    from: Temp,
    /// Site-relative.
    to: String,
    /// The inode holding the new bytes: once `to` has it, the move is done.
    ino: u64,
}

/// A file no longer produced: deleted, or moved into the spares.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Gone {
    path: String,
    spare: Option<u32>,
}

impl Journal {
    fn write(&self, path: &Path) -> Result<()> {
        let mut text = format!("{JOURNAL_HEADER} commit\n");
        for m in &self.moves {
            match &m.from {
                Temp::Beside(t) => text.push_str(&format!("R {}\t{}\n", esc(t), esc(&m.to))),
                Temp::Spare(n) => {
                    text.push_str(&format!("X {n}\t{}\t{}\n", esc(&m.to), m.ino));
                }
            }
        }
        for g in &self.gone {
            match g.spare {
                None => text.push_str(&format!("D {}\n", esc(&g.path))),
                Some(n) => text.push_str(&format!("G {}\t{n}\n", esc(&g.path))),
            }
        }
        text.push_str("end\n");
        write_synced(path, &text)
    }

    /// A complete commit journal; `None` for a staging one or a damaged one.
    fn parse(text: &str) -> Option<Journal> {
        let mut lines = text.lines();
        if lines.next()? != format!("{JOURNAL_HEADER} commit") {
            return None;
        }
        let mut j = Journal {
            moves: Vec::new(),
            gone: Vec::new(),
        };
        let path = |s: &str| unesc(s).filter(|p| check_path(p).is_ok());
        for line in lines {
            if line == "end" {
                return Some(j);
            }
            let (tag, rest) = line.split_once(' ')?;
            let mut fields = rest.split('\t');
            let mut field = || fields.next();
            match tag {
                "R" => j.moves.push(Move {
                    from: Temp::Beside(path(field()?)?),
                    to: path(field()?)?,
                    ino: 0,
                }),
                "X" => j.moves.push(Move {
                    from: Temp::Spare(field()?.parse().ok()?),
                    to: path(field()?)?,
                    ino: field()?.parse().ok()?,
                }),
                "D" => j.gone.push(Gone {
                    path: path(field()?)?,
                    spare: None,
                }),
                "G" => j.gone.push(Gone {
                    path: path(field()?)?,
                    spare: Some(field()?.parse().ok()?),
                }),
                _ => return None,
            }
        }
        None
    }

    /// Makes the exchanges, renames and deletions (again, after a kill: what is done is
    /// skipped).
    fn apply(&self, root: &Path, spares: &Path) -> Result<()> {
        for g in &self.gone {
            let path = root.join(&g.path);
            let done = match g.spare {
                Some(n) => std::fs::rename(&path, spares.join(n.to_string())),
                None => std::fs::remove_file(&path),
            };
            match done {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(e)
                        .with_context(|| format!("failed to remove `{}`", path.display()));
                }
                _ => {}
            }
        }
        let gone: Vec<&str> = self.gone.iter().map(|g| g.path.as_str()).collect();
        remove_empty_dirs(root, &gone);
        self.moves.par_iter().try_for_each(|m| {
            let to = root.join(&m.to);
            match &m.from {
                Temp::Beside(t) => {
                    let temp = root.join(t);
                    if !temp.exists() {
                        return Ok(()); // moved before the kill
                    }
                    fsx::rename(&temp, &to)
                }
                Temp::Spare(n) => {
                    if holds(&to, m.ino) {
                        return Ok(()); // moved before the kill
                    }
                    let spare = spares.join(n.to_string());
                    if !spare.exists() {
                        bail!(
                            "cannot finish the interrupted build: `{}` is missing",
                            spare.display()
                        );
                    }
                    swap_into(&spare, &to).map(|_| ())
                }
            }
        })
    }
}

/// Whether `path` is the file with inode `ino`.
fn holds(path: &Path, ino: u64) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| Stamp::of(&m).ino == ino)
}

/// Removes the directories left empty by deleted files, deepest first.
fn remove_empty_dirs(root: &Path, gone: &[&str]) {
    let mut dirs: FxHashSet<PathBuf> = FxHashSet::default();
    for p in gone {
        let mut d = Path::new(p).parent();
        while let Some(dir) = d.filter(|d| !d.as_os_str().is_empty()) {
            dirs.insert(dir.to_path_buf());
            d = dir.parent();
        }
    }
    let mut dirs: Vec<PathBuf> = dirs.into_iter().collect();
    dirs.sort_unstable_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        let _ = std::fs::remove_dir(root.join(d)); // fails, as it should, when not empty
    }
}

fn esc(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\t', "%09")
        .replace('\n', "%0A")
        .replace('\r', "%0D")
}

fn unesc(s: &str) -> Option<String> {
    String::from_utf8(percent_encoding::percent_decode_str(s).collect()).ok()
}

/// Writes `text` through a temporary file, flushed to disk before it is renamed over `path`:
/// the journal must be whole before anything it lists is done.
fn write_synced(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut f = File::options()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .with_context(|| format!("failed to create `{}`", tmp.display()))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| format!("failed to write `{}`", tmp.display()))?;
    fsx::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(root: &Path) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = walkdir::WalkDir::new(root)
            .min_depth(1)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = relative(root, e.path()).unwrap();
                (rel, std::fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        v.sort();
        v
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    /// Builds `files` into `out` and commits, as `build` does.
    fn build(out: &Path, files: &[(&str, &str)]) -> Changes {
        let dir = OutputDir::open(out, Claim::None, || {}).unwrap();
        let w = dir.writer().unwrap();
        for (p, b) in files {
            w.part(Kind::Template).write(p, b.as_bytes()).unwrap();
        }
        w.commit(
            files.iter().map(|(p, _)| (*p, hash_bytes(p.as_bytes()))),
            Keys::default(),
        )
        .unwrap()
    }

    /// Writes `files` over the last build and stops as a kill would: before the journal is
    /// complete (`moved: None`) or after `moved` of its renames.
    fn killed(out: &Path, files: &[(&str, &str)], moved: Option<usize>) {
        killed_with(out, files, moved, true);
    }

    fn killed_with(out: &Path, files: &[(&str, &str)], moved: Option<usize>, spares: bool) {
        let dir = OutputDir::open(out, Claim::None, || {}).unwrap();
        let mut w = dir.writer_with(spares).unwrap();
        for (p, b) in files {
            w.part(Kind::Template).write(p, b.as_bytes()).unwrap();
        }
        if let Some(n) = moved {
            let (record, journal) = w
                .plan(files.iter().map(|(p, _)| (*p, 0)), Keys::default())
                .unwrap();
            record.write(&dir.state.join("record.new")).unwrap();
            journal.write(&dir.journal_path()).unwrap();
            let partial = Journal {
                moves: journal.moves[..n].to_vec(),
                gone: Vec::new(),
            };
            partial.apply(&w.root, &dir.spares_path()).unwrap();
        }
        std::mem::forget(w);
    }

    #[test]
    fn a_kill_before_the_journal_is_whole_is_rolled_back() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let old = [("a/index.html", "one"), ("b.html", "b")];
        build(&out, &old);
        killed(&out, &[("a/index.html", "two"), ("c.html", "c")], None);
        let spares = std::fs::read_dir(tmp.path().join(".public.newsroom/spare")).unwrap();
        assert_eq!(spares.count(), 2, "the new bytes wait in spares");
        assert!(
            files(&out).iter().all(|(p, _)| !p.contains(".nr-")),
            "and not in the output"
        );
        let dir = OutputDir::open(&out, Claim::None, || {}).unwrap();
        assert_eq!(dir.recovered.len(), 1, "{:?}", dir.recovered);
        drop(dir);
        assert_eq!(files(&out), pairs(&old), "the old site, whole");
        assert_eq!(build(&out, &old).written, 0, "and its record still holds");
    }

    #[test]
    fn a_kill_in_the_middle_of_the_renames_is_rolled_forward() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        build(
            &out,
            &[("a/index.html", "one"), ("b.html", "b"), ("z.html", "z")],
        );
        let new = [("a/index.html", "two"), ("c.html", "c"), ("z.html", "zz")];
        killed(&out, &new, Some(1));
        let dir = OutputDir::open(&out, Claim::None, || {}).unwrap();
        assert_eq!(dir.recovered.len(), 1, "{:?}", dir.recovered);
        drop(dir);
        assert_eq!(files(&out), pairs(&new), "the new site, whole");
        assert_eq!(
            build(&out, &new).written,
            0,
            "the new record was put in place"
        );
    }

    #[test]
    fn without_spares_temporary_files_beside_the_targets_are_rolled_back_or_forward() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let old = [("a/index.html", "one"), ("b.html", "b")];
        build(&out, &old);
        killed_with(
            &out,
            &[("a/index.html", "two"), ("c.html", "c")],
            None,
            false,
        );
        assert!(
            files(&out).iter().any(|(p, _)| p.contains(".nr-")),
            "temporary files beside their targets"
        );
        drop(OutputDir::open(&out, Claim::None, || {}).unwrap());
        assert_eq!(files(&out), pairs(&old), "rolled back: the old site, whole");

        let new = [("a/index.html", "two"), ("b.html", "bb"), ("c.html", "c")];
        killed_with(&out, &new, Some(1), false);
        drop(OutputDir::open(&out, Claim::None, || {}).unwrap());
        assert_eq!(
            files(&out),
            pairs(&new),
            "rolled forward: the new site, whole"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_file_linked_elsewhere_is_never_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let snapshot = tmp.path().join("snapshot.html");
        build(&out, &[("a.html", "one")]);
        // A deploy script keeps yesterday's site as hard links (`cp -al`).
        std::fs::hard_link(out.join("a.html"), &snapshot).unwrap();
        build(&out, &[("a.html", "two")]);
        build(&out, &[("a.html", "three")]);
        build(&out, &[("a.html", "four")]);
        assert_eq!(std::fs::read_to_string(&snapshot).unwrap(), "one");
        assert_eq!(files(&out), pairs(&[("a.html", "four")]));
    }

    #[test]
    fn replaced_and_deleted_files_become_spares_and_spares_are_reused() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let spares = || {
            std::fs::read_dir(tmp.path().join(".public.newsroom/spare"))
                .unwrap()
                .count()
        };
        build(&out, &[("a.html", "1"), ("b.html", "1"), ("c/d.html", "1")]);
        build(&out, &[("a.html", "2"), ("b.html", "2"), ("c/d.html", "2")]);
        assert_eq!(spares(), 3, "the old files, kept for the next build");
        build(&out, &[("a.html", "3"), ("b.html", "3"), ("c/d.html", "3")]);
        assert_eq!(spares(), 3, "reused, not multiplied");
        build(&out, &[("a.html", "4")]);
        assert_eq!(files(&out), pairs(&[("a.html", "4")]));
        assert!(!out.join("c").exists(), "an emptied directory is removed");
        assert!(spares() <= 3, "the pool is no larger than the site was");
    }

    #[test]
    fn temporary_names_are_recognised_and_nothing_else() {
        assert!(is_temp_name(".index.html.nr-123.tmp"));
        assert!(!is_temp_name("index.html.nr-123.tmp"));
        assert!(!is_temp_name(".index.html.nr-.tmp"));
        assert!(!is_temp_name(".notes.tmp"));
    }

    #[test]
    fn a_journal_reads_back_and_a_cut_one_does_not() {
        let j = Journal {
            moves: vec![
                Move {
                    from: Temp::Beside("a/.b c.nr-1.tmp".into()),
                    to: "a/b c".into(),
                    ino: 0,
                },
                Move {
                    from: Temp::Spare(7),
                    to: "x/index.html".into(),
                    ino: 1234,
                },
            ],
            gone: vec![
                Gone {
                    path: "old%\tx".into(),
                    spare: None,
                },
                Gone {
                    path: "old/y.html".into(),
                    spare: Some(8),
                },
            ],
        };
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("journal");
        j.write(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let back = Journal::parse(&text).unwrap();
        assert_eq!(back.moves, j.moves);
        assert_eq!(back.gone, j.gone);
        assert!(Journal::parse(&text[..text.len() - 4]).is_none());
        assert!(Journal::parse(&format!("{JOURNAL_HEADER} staging\n")).is_none());
        let bad = text.replace("x/index.html", "../escape");
        assert!(
            Journal::parse(&bad).is_none(),
            "paths stay inside the output"
        );
    }
}
