//! `newsroom convert`: the command around [`crate::convert::convert`]. Here: argument handling,
//! input expansion (files, directories, stdin), reading with the size limit, the parallel
//! analysis (one panic is that file's error), progress, unique target names, writing and
//! printing. What one input becomes is decided in `convert/` only.
//!
//! Output streams: stdout carries only Markdown (`--dry-run`; several inputs are printed one
//! after the other); per-file status lines, the `--explain` report (every dropped block or cut
//! tail with its line, rule id, reason and text) and the summary line (`converted N, unchanged
//! N, skipped N (exists), failed N`) go to stderr. An existing file is never overwritten
//! without `--force`; when it records the same `extra.input_hash` the input is reported
//! `unchanged` (and a curator's edits stay). Before writing, each article's URL is computed as
//! `build` will (`content::page::site_path`): one taken by the batch or by a file already in the
//! output folder moves the new article to `-2`, `-3`… and says so. One bad input does not stop the batch; the exit
//! status is non-zero when any input failed. Analysis runs in parallel; reporting and writing
//! run in input order, so output is deterministic.
//!
//! With `--fetch-images` (or `[convert] fetch_images`), an article is written as a page bundle,
//! `<name>/index.md` (the name the flat file would have), and its images (body and cover) are
//! downloaded into the folder, a few at once (`crate::fetch`: http(s) only, size limit,
//! timeout, public addresses only), kept only when their type and bytes are an image
//! (`convert::images`), and linked by their local names. An image that fails keeps its URL
//! and gets one warning naming the input, the URL and why. The rules above hold for bundles:
//! an existing `index.md` is unchanged or kept without `--force` (nothing is downloaded
//! then), and an existing image file is never overwritten without it. An article already
//! converted the other way (its flat file `<name>.md` where a bundle is wanted, or its bundle
//! where a flat file is: same URL, same input) is that file, not a new one beside it; only
//! `--force` with `--fetch-images` turns a flat file into its bundle. `--dry-run` downloads
//! nothing and says what it would fetch.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io::{IsTerminal, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};

use crate::cli::ConvertArgs;
use crate::content::FrontMatter;
use crate::convert::images::{self, Wanted};
use crate::convert::{self, Converted, Input, Knowledge, Options};
use crate::fetch;
use crate::image::ImageKind;

/// Images of one article downloaded at once.
const PARALLEL_IMAGES: usize = 4;

/// File extensions taken when a directory is given.
const INPUT_EXTENSIONS: &[&str] = &["txt", "text", "html", "htm"];

/// Where an input comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    Stdin,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File(p) => write!(f, "{}", p.display()),
            Origin::Stdin => f.write_str("<stdin>"),
        }
    }
}

/// Reads at most `max_size + 1` bytes, so an oversized input is refused without reading it all.
pub fn read(origin: &Origin, max_size: u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let result = match origin {
        Origin::File(path) => {
            std::fs::File::open(path).and_then(|f| f.take(max_size + 1).read_to_end(&mut bytes))
        }
        Origin::Stdin => std::io::stdin()
            .lock()
            .take(max_size + 1)
            .read_to_end(&mut bytes),
    };
    if let Err(e) = result {
        bail!("cannot read: {e}");
    }
    if bytes.len() as u64 > max_size {
        bail!("input is larger than the limit of {max_size} bytes (--max-size)");
    }
    Ok(bytes)
}

#[derive(Default)]
struct Tally {
    converted: usize,
    unchanged: usize,
    skipped: usize,
    failed: usize,
}

/// The batch's state while results are reported in input order.
struct Batch<'a> {
    args: &'a ConvertArgs,
    out_dir: PathBuf,
    progress: bool,
    claimed: BTreeSet<PathBuf>,
    /// Site paths taken, by the batch or by files already in the output folder (loaded on first use).
    urls: Option<std::collections::BTreeMap<String, PathBuf>>,
    content_dir: PathBuf,
    tally: Tally,
    /// The client when images are fetched: articles are then written as page bundles.
    images: Option<fetch::Client>,
    /// The site's `[slugify]`, which the URLs `build` gives depend on.
    slugify: crate::config::SlugifyConfig,
}

/// Where one article goes.
struct Placement {
    target: PathBuf,
    /// Said before writing: a slug that moved, a flat file kept.
    note: Option<String>,
    /// The article's flat file, removed once its bundle is written (`--force`).
    replaces: Option<PathBuf>,
}

pub fn run(root: &Path, args: &ConvertArgs) -> Result<ExitCode> {
    let knowledge = Arc::new(Knowledge::load(root)?);
    // The site's config.toml, read only when there is one: `convert` works outside a site too.
    let site = if root.join("config.toml").is_file() {
        Some(crate::config::Config::load(root)?)
    } else {
        None
    };
    let images = image_client(site.as_ref().map(|c| &c.convert), args);
    let mut tally = Tally::default();
    let mut origins = Vec::new();
    for (origin, err) in expand_inputs(&args.inputs) {
        match err {
            None => origins.push(origin),
            Some(e) => {
                eprintln!("error: {origin}: {e}");
                tally.failed += 1;
            }
        }
    }
    let opts = Options {
        article: convert::article::Options {
            url: args.url.clone(),
            source: args.source.clone(),
            lang: args.lang.clone(),
        },
        keep_punctuation: args.keep_punctuation,
    };
    let opts = Arc::new(opts);
    let budget = budget(args.timeout)?;
    let results = convert_all(origins, args.max_size, (knowledge, opts), budget);

    let mut batch = Batch {
        args,
        out_dir: args.out.clone().unwrap_or_else(|| root.join("content")),
        progress: results.len() > 1 && std::io::stderr().is_terminal() && !args.dry_run,
        claimed: BTreeSet::new(),
        urls: None,
        content_dir: root.join("content"),
        tally,
        images,
        slugify: site.map(|c| c.slugify).unwrap_or_default(),
    };
    let total = results.len();
    for (n, (origin, result)) in results.into_iter().enumerate() {
        if batch.progress {
            eprint!("\r\x1b[2K[{}/{total}] {origin}", n + 1);
            let _ = std::io::stderr().flush();
        }
        batch.report(&origin, result);
    }
    batch.clear_progress();
    let t = &batch.tally;
    eprintln!(
        "converted {}, unchanged {}, skipped {} (exists), failed {}{}",
        t.converted,
        t.unchanged,
        t.skipped,
        t.failed,
        if args.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    Ok(if t.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The client for downloading images when they are fetched: `--fetch-images`, else `[convert]
/// fetch_images` of the site's config.toml (`None`: no site), and never with
/// `--no-fetch-images`.
fn image_client(
    settings: Option<&crate::config::ConvertConfig>,
    args: &ConvertArgs,
) -> Option<fetch::Client> {
    let defaults = crate::config::ConvertConfig::default();
    let settings = settings.unwrap_or(&defaults);
    let on = !args.no_fetch_images && (args.fetch_images || settings.fetch_images);
    on.then(|| {
        let limits = fetch::Limits {
            max_bytes: settings.max_image_bytes,
            timeout: Duration::from_secs(settings.image_timeout_secs),
            max_redirects: 5,
            allow_private: settings.fetch_private_hosts,
        };
        fetch::Client::new(&limits).accepting(&images::accept_header())
    })
}

/// `--timeout` as a duration; `None` for no limit.
fn budget(seconds: f64) -> Result<Option<Duration>> {
    if !seconds.is_finite() || seconds < 0.0 {
        bail!("--timeout must be a number of seconds, 0 or more (got {seconds})");
    }
    Ok((seconds > 0.0).then(|| Duration::from_secs_f64(seconds)))
}

/// What a worker tells the batch.
enum Event {
    Started(usize, Instant),
    Done(usize, Box<Result<Converted>>),
}

/// The shared job queue: index and input.
type Queue = Arc<Mutex<std::vec::IntoIter<(usize, Origin)>>>;

/// Converts every input on a pool of worker threads (one per core), each file within
/// `budget`: a file over it is that file's error, its worker is left to finish on its own
/// (it cannot be stopped from outside; it ends with the process) and a fresh worker takes its
/// place, so the rest of the batch goes on at full width. Results come back in input order.
fn convert_all(
    origins: Vec<Origin>,
    max_size: u64,
    job: (Arc<Knowledge>, Arc<Options>),
    budget: Option<Duration>,
) -> Vec<(Origin, Result<Converted>)> {
    let n = origins.len();
    let queue: Queue = Arc::new(Mutex::new(
        origins
            .clone()
            .into_iter()
            .enumerate()
            .collect::<Vec<_>>()
            .into_iter(),
    ));
    let (tx, rx) = std::sync::mpsc::channel::<Event>();
    let spawn_worker = || {
        let (queue, tx, (knowledge, opts)) = (Arc::clone(&queue), tx.clone(), job.clone());
        std::thread::Builder::new()
            .name("convert".into())
            .spawn(move || worker(&queue, &tx, max_size, &knowledge, &opts))
            .is_ok()
    };
    let width = std::thread::available_parallelism()
        .map_or(2, |w| w.get())
        .min(n.max(1));
    let spawned = (0..width).filter(|_| spawn_worker()).count();
    if spawned == 0 {
        // No thread to spare: convert here, one by one, without the watchdog.
        worker(&queue, &tx, max_size, &job.0, &job.1);
    }
    let mut results: Vec<Option<Result<Converted>>> = (0..n).map(|_| None).collect();
    let mut running: BTreeMap<usize, Instant> = BTreeMap::new();
    let mut left = n;
    while left > 0 {
        let wait = match (budget, running.values().min()) {
            (Some(b), Some(start)) => (*start + b).saturating_duration_since(Instant::now()),
            _ => Duration::from_secs(3600),
        };
        match rx.recv_timeout(wait) {
            Ok(Event::Started(i, at)) => {
                running.insert(i, at);
            }
            Ok(Event::Done(i, r)) => {
                let r = *r;
                running.remove(&i);
                // A page given up on keeps its timeout error; its late result is dropped.
                if results[i].is_none() {
                    results[i] = Some(r);
                    left -= 1;
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                let Some(b) = budget else { continue };
                let late: Vec<usize> = running
                    .iter()
                    .filter(|(_, at)| at.elapsed() >= b)
                    .map(|(i, _)| *i)
                    .collect();
                for i in late {
                    running.remove(&i);
                    results[i] = Some(Err(anyhow!(
                        "gave up after {:.1} s (--timeout): the page takes too long to convert",
                        b.as_secs_f64()
                    )));
                    left -= 1;
                    spawn_worker();
                }
            }
            // Cannot happen while `tx` is held here; a safe end all the same.
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    origins
        .into_iter()
        .zip(results)
        .map(|(o, r)| {
            let r = r.unwrap_or_else(|| {
                Err(anyhow!(
                    "internal error while converting (a bug: please report it with this file)"
                ))
            });
            (o, r)
        })
        .collect()
}

/// Takes inputs from the queue until it is empty, saying when each starts and how it ended.
fn worker(
    queue: &Queue,
    tx: &std::sync::mpsc::Sender<Event>,
    max_size: u64,
    knowledge: &Knowledge,
    opts: &Options,
) {
    loop {
        let next = queue.lock().map(|mut q| q.next());
        let Ok(Some((i, origin))) = next else { return };
        if tx.send(Event::Started(i, Instant::now())).is_err() {
            return;
        }
        let result = convert_guarded(&origin, max_size, knowledge, opts);
        if tx.send(Event::Done(i, Box::new(result))).is_err() {
            return;
        }
    }
}

/// Reads and converts one input. A bug on one hostile page must not take the batch down: a
/// panic becomes that file's error.
fn convert_guarded(
    origin: &Origin,
    max_size: u64,
    knowledge: &Knowledge,
    opts: &Options,
) -> Result<Converted> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let bytes = read(origin, max_size)?;
        let path = match origin {
            Origin::File(p) => Some(p.as_path()),
            Origin::Stdin => None,
        };
        convert::convert(
            &Input {
                bytes: &bytes,
                path,
            },
            knowledge,
            opts,
        )
    }))
    .unwrap_or_else(|_| {
        Err(anyhow!(
            "internal error while converting (a bug: please report it with this file)"
        ))
    })
}

impl Batch<'_> {
    fn clear_progress(&self) {
        if self.progress {
            eprint!("\r\x1b[2K");
        }
    }

    /// Prints one input's warnings and drops, then writes it (or prints it for `--dry-run`).
    fn report(&mut self, origin: &Origin, result: Result<Converted>) {
        let converted = match result {
            Ok(c) => c,
            Err(e) => {
                self.clear_progress();
                eprintln!("error: {origin}: {e:#}");
                self.tally.failed += 1;
                return;
            }
        };
        for w in &converted.warnings {
            self.clear_progress();
            eprintln!("warning: {origin}: {w}");
        }
        if self.args.explain {
            self.clear_progress();
            eprintln!("explain: {origin}: {} dropped", converted.drops.len());
            for d in &converted.drops {
                let text = excerpt(&d.text, 60);
                eprintln!("  line {}: [{}] {}: {text}", d.line, d.rule, d.reason);
            }
        }
        let Placement {
            target,
            note,
            replaces,
        } = match self.url_target(&converted) {
            Ok(placement) => placement,
            Err(e) => {
                self.clear_progress();
                eprintln!("error: {origin}: {e}");
                self.tally.failed += 1;
                return;
            }
        };
        if let Some(note) = note {
            self.clear_progress();
            eprintln!("note: {origin}: {note}");
        }
        // A bundle is written when images are fetched; a flat file kept as this article's
        // twin stays flat, and without fetching an existing bundle is written as before.
        let bundle = self.images.is_some() && target.file_name().is_some_and(|n| n == "index.md");
        if self.args.dry_run {
            eprintln!("would write {} (dry run)", target.display());
            if bundle {
                let dir = target.parent().unwrap_or(&target).display();
                for w in images::wanted(&converted.markdown, cover_image(&converted.front_matter)) {
                    eprintln!("would fetch {} → {dir}/{}.* (dry run)", w.url, w.stem);
                }
            }
            print!("{}", converted.content);
            self.tally.converted += 1;
            return;
        }
        self.clear_progress();
        let shown = target.display();
        let written = if bundle {
            self.write_bundle(origin, &target, &converted, replaces.as_deref())
        } else {
            write_one(&target, &converted, self.args.force).map(|o| (o, String::new()))
        };
        match written {
            Ok((Outcome::Written, images)) => {
                eprintln!("converted {origin} → {shown}{images}");
                self.tally.converted += 1;
            }
            Ok((Outcome::Unchanged, _)) => {
                eprintln!("unchanged {origin} ({shown})");
                self.tally.unchanged += 1;
            }
            Ok((Outcome::Exists, _)) => {
                eprintln!("skipped {origin}: {shown} exists (use --force to overwrite)");
                self.tally.skipped += 1;
            }
            Err(e) => {
                eprintln!("error: {origin}: {e:#}");
                self.tally.failed += 1;
            }
        }
    }

    /// Writes a page bundle. Whether anything is written is decided first, as for a flat
    /// file ([`existing_outcome`]): an existing `index.md` is kept without `--force`, and then
    /// nothing is downloaded. Then the images are downloaded, those that pass are saved into
    /// the folder (an existing file only with `--force`), and `index.md` is written last,
    /// linking them: an interrupted run leaves no article pointing at a missing file. Each
    /// image that fails keeps its URL and is warned about. Gives the outcome and what became
    /// of the images, for the status line.
    fn write_bundle(
        &self,
        origin: &Origin,
        target: &Path,
        converted: &Converted,
        replaces: Option<&Path>,
    ) -> Result<(Outcome, String)> {
        let force = self.args.force;
        if !force && let Some(outcome) = existing_outcome(target, converted, false)? {
            return Ok((outcome, String::new()));
        }
        let client = self
            .images
            .as_ref()
            .context("internal error: no image client")?;
        let dir = target
            .parent()
            .context("internal error: a bundle has a folder")?;
        let mut front_matter = converted.front_matter.clone();
        let cover = cover_image(&front_matter).map(str::to_string);
        let wanted = images::wanted(&converted.markdown, cover.as_deref());
        let mut local: HashMap<String, String> = HashMap::new();
        for (w, fetched) in wanted.iter().zip(fetch_images(client, &wanted)) {
            let saved = fetched.and_then(|(kind, bytes)| {
                let name = w.file_name(kind);
                let path = dir.join(&name);
                if !force && path.exists() {
                    return Err(format!(
                        "{} exists (use --force to overwrite)",
                        path.display()
                    ));
                }
                crate::fsx::write_atomic(&path, &bytes).map_err(|e| format!("{e:#}"))?;
                Ok(name)
            });
            match saved {
                Ok(name) => {
                    local.insert(w.url.clone(), name);
                }
                Err(reason) => eprintln!("warning: {origin}: image {} not saved: {reason}", w.url),
            }
        }
        let markdown = images::relink(&converted.markdown, &local);
        if let Some(name) = cover.as_ref().and_then(|c| local.get(c)) {
            front_matter
                .extra
                .rest
                .insert("cover_image".into(), toml::Value::String(name.clone()));
        }
        let content = front_matter.to_file_string(&markdown);
        let saved = match wanted.len() {
            0 => String::new(),
            n => format!(" ({} of {n} images saved)", local.len()),
        };
        if target.is_file() && crate::fsx::read_to_string(target)? == content {
            return Ok((Outcome::Unchanged, saved));
        }
        crate::fsx::write_atomic(target, &content)?;
        if let Some(flat) = replaces {
            std::fs::remove_file(flat)
                .with_context(|| format!("failed to remove `{}`", flat.display()))?;
            eprintln!(
                "note: {origin}: {} is now the bundle {}",
                flat.display(),
                target.display()
            );
        }
        Ok((Outcome::Written, saved))
    }
}

/// The `[extra] cover_image` of a converted article.
fn cover_image(fm: &FrontMatter) -> Option<&str> {
    fm.extra.rest.get("cover_image").and_then(|v| v.as_str())
}

/// What each wanted image became: the kind and bytes of an image to keep, or why not (the
/// reason a warning shows). Up to [`PARALLEL_IMAGES`] are downloaded at once; results come
/// back in `wanted` order.
fn fetch_images(
    client: &fetch::Client,
    wanted: &[Wanted],
) -> Vec<std::result::Result<(ImageKind, Vec<u8>), String>> {
    type Fetched = std::result::Result<(ImageKind, Vec<u8>), String>;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let one = |w: &Wanted| -> Fetched {
        let response = client.get(&w.url).map_err(|e| e.to_string())?;
        let kind = images::accept(response.content_type.as_deref(), &response.bytes)?;
        Ok((kind, response.bytes))
    };
    let mut results: Vec<Option<Fetched>> = wanted.iter().map(|_| None).collect();
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..PARALLEL_IMAGES.min(wanted.len()))
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(w) = wanted.get(i) else { break };
                        done.push((i, one(w)));
                    }
                    done
                })
            })
            .collect();
        for worker in workers {
            for (i, r) in worker.join().unwrap_or_default() {
                results[i] = Some(r);
            }
        }
    });
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("not fetched (internal error)".into())))
        .collect()
}

impl Batch<'_> {
    /// The path `build` gives a file at `target`, relative to `content/` when the output is
    /// inside it.
    fn url_for(&self, target: &Path, meta: &FrontMatter) -> String {
        let rel = target
            .strip_prefix(&self.content_dir)
            .or_else(|_| target.strip_prefix(&self.out_dir))
            .unwrap_or(target);
        crate::content::page::site_path(rel, meta, &self.slugify)
    }

    /// A target whose URL no article of the batch or of the output folder has: the file name
    /// (`<name>/index.md` for a bundle), else `-2`, `-3`…, saying which slug moved; refused
    /// when the front matter pins the path. The article's twin (its flat file where a bundle
    /// is wanted, or its bundle where a flat file is) is where it stays, but for a flat file
    /// `--force` turns into a bundle.
    fn url_target(&mut self, converted: &Converted) -> Result<Placement> {
        let meta = &converted.front_matter;
        let bundle = self.images.is_some();
        if self.urls.is_none() {
            self.urls = Some(self.existing_urls());
        }
        let first = target_path(&self.out_dir, &converted.file_name, 1, bundle);
        let first_url = self.url_for(&first, meta);
        for _ in 0..1000 {
            let target = unique_target(
                &self.out_dir,
                &converted.file_name,
                bundle,
                &mut self.claimed,
            );
            let url = self.url_for(&target, meta);
            let urls = self.urls.as_mut().expect("loaded above");
            match urls.get(&url) {
                Some(other)
                    if other == &target && !self.args.force && !same_input(&target, converted) =>
                {
                    continue;
                }
                Some(other)
                    if other != &target
                        && is_twin(other, &target)
                        && same_input(other, converted) =>
                {
                    let other = other.clone();
                    if bundle && self.args.force {
                        urls.insert(url, target.clone());
                        return Ok(Placement {
                            target,
                            note: None,
                            replaces: Some(other),
                        });
                    }
                    self.claimed.insert(other.clone());
                    let note = bundle.then(|| {
                        format!(
                            "{} is this article as a flat file: it stays (--force makes it a \
                             bundle with its images)",
                            other.display()
                        )
                    });
                    return Ok(Placement {
                        target: other,
                        note,
                        replaces: None,
                    });
                }
                Some(other) if other != &target => {
                    if meta.path.is_some() || meta.slug.is_some() {
                        let other = other.display();
                        anyhow::bail!(
                            "/{url} is already {other}'s URL and the front matter pins it"
                        );
                    }
                    continue;
                }
                _ => {}
            }
            urls.insert(url.clone(), target.clone());
            let moved = (url != first_url).then(|| {
                let by = urls.get(&first_url).map(|p| p.display().to_string());
                format!(
                    "/{first_url} is taken by {}: slug moved to /{url} ({})",
                    by.unwrap_or_default(),
                    target.display()
                )
            });
            return Ok(Placement {
                target,
                note: moved,
                replaces: None,
            });
        }
        anyhow::bail!("no free URL for {}", first.display())
    }

    /// The URL of every article already in the output folder.
    fn existing_urls(&self) -> std::collections::BTreeMap<String, PathBuf> {
        let mut urls = std::collections::BTreeMap::new();
        let files = crate::content::library::content_files(&self.out_dir).unwrap_or_default();
        for rel in files {
            let full = self.out_dir.join(&rel);
            let Ok(text) = std::fs::read_to_string(&full) else {
                continue;
            };
            if let Ok((meta, _)) = FrontMatter::parse(&text) {
                urls.insert(self.url_for(&full, &meta), full);
            }
        }
        urls
    }
}

/// Whether the file at `target` is this article: the same text, the same input, or the same
/// page re-scraped (the same `source_url`). Such a file keeps its URL (and is then unchanged,
/// or kept unless `--force`); any other article there moves the new one to a free slug.
fn same_input(target: &Path, converted: &Converted) -> bool {
    let Ok(existing) = std::fs::read_to_string(target) else {
        return false;
    };
    if existing == converted.content {
        return true;
    }
    let Ok((old, _)) = FrontMatter::parse(&existing) else {
        return false;
    };
    let new = &converted.front_matter.extra.source_url;
    stored_input_hash(&old) == Some(converted.input_hash.as_str())
        || (new.is_some() && old.extra.source_url == *new)
}

/// Whether `a` and `b` are one name's flat file and bundle: `x.md` and `x/index.md`.
fn is_twin(a: &Path, b: &Path) -> bool {
    let flat_of = |bundle: &Path| -> Option<PathBuf> {
        if bundle.file_name()? != "index.md" {
            return None;
        }
        let dir = bundle.parent()?;
        let mut name = dir.file_name()?.to_os_string();
        name.push(".md");
        Some(dir.with_file_name(name))
    };
    flat_of(a).as_deref() == Some(b) || flat_of(b).as_deref() == Some(a)
}

/// The `extra.input_hash` a converted file records.
fn stored_input_hash(fm: &FrontMatter) -> Option<&str> {
    fm.extra.rest.get("input_hash").and_then(|v| v.as_str())
}

/// Files as given, directories walked (sorted, hidden entries skipped), `-` for stdin. A path
/// that does not exist comes back with its error so that the batch goes on.
fn expand_inputs(inputs: &[PathBuf]) -> Vec<(Origin, Option<String>)> {
    let mut out = Vec::new();
    for path in inputs {
        if path.as_os_str() == "-" {
            out.push((Origin::Stdin, None));
        } else if path.is_dir() {
            walk_dir(path, &mut out);
        } else if path.is_file() {
            out.push((Origin::File(path.clone()), None));
        } else if path.exists() {
            out.push((
                Origin::File(path.clone()),
                Some("not a regular file (a FIFO, socket or device); not read".into()),
            ));
        } else {
            out.push((
                Origin::File(path.clone()),
                Some("no such file or directory".into()),
            ));
        }
    }
    out
}

fn walk_dir(path: &Path, out: &mut Vec<(Origin, Option<String>)>) {
    let walker = walkdir::WalkDir::new(path)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let ext = e
                    .path()
                    .extension()
                    .and_then(|x| x.to_str())
                    .map(str::to_ascii_lowercase);
                if ext.is_some_and(|x| INPUT_EXTENSIONS.contains(&x.as_str())) {
                    out.push((Origin::File(e.into_path()), None));
                }
            }
            Ok(e) if !e.file_type().is_dir() && !e.file_type().is_symlink() => {
                out.push((
                    Origin::File(e.into_path()),
                    Some("not a regular file (a FIFO, socket or device); not read".into()),
                ));
            }
            Ok(_) => {}
            Err(e) => {
                let p = e.path().unwrap_or(path).to_path_buf();
                out.push((Origin::File(p), Some(format!("cannot read: {e}"))));
            }
        }
    }
}

fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max).collect();
        s.push('…');
        s
    }
}

/// The `n`th candidate path for the file name `name` (`<date>-<slug>.md`): `name` itself
/// (`<date>-<slug>/index.md` for a bundle), then `-2`, `-3`… before the extension.
fn target_path(out_dir: &Path, name: &str, n: usize, bundle: bool) -> PathBuf {
    let stem = name.strip_suffix(".md").unwrap_or(name);
    let stem = if n == 1 {
        stem.to_string()
    } else {
        format!("{stem}-{n}")
    };
    if bundle {
        out_dir.join(stem).join("index.md")
    } else {
        out_dir.join(format!("{stem}.md"))
    }
}

/// The target path; a second input of this batch with the same name (and other content) gets
/// `-2`, `-3`… rather than overwriting the first.
fn unique_target(
    out_dir: &Path,
    name: &str,
    bundle: bool,
    claimed: &mut BTreeSet<PathBuf>,
) -> PathBuf {
    let mut n = 1;
    loop {
        let candidate = target_path(out_dir, name, n, bundle);
        if claimed.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

enum Outcome {
    Written,
    Unchanged,
    Exists,
}

/// Writes unless a file is there: same input hash → unchanged (rewritten only with `--force`
/// when the converter's output changed); other content → kept unless `--force`.
fn write_one(target: &Path, converted: &Converted, force: bool) -> Result<Outcome> {
    if let Some(outcome) = existing_outcome(target, converted, force)? {
        return Ok(outcome);
    }
    crate::fsx::write_atomic(target, &converted.content)?;
    Ok(Outcome::Written)
}

/// What a file already at `target` makes of this input, when nothing is to be written: the
/// same text, or the same input hash without `--force`, is unchanged; other content is kept
/// unless `--force`. `None`: write.
fn existing_outcome(target: &Path, converted: &Converted, force: bool) -> Result<Option<Outcome>> {
    if !target.exists() {
        return Ok(None);
    }
    let existing = crate::fsx::read_to_string(target)?;
    if existing == converted.content {
        return Ok(Some(Outcome::Unchanged));
    }
    if force {
        return Ok(None);
    }
    let same_input = FrontMatter::parse(&existing)
        .ok()
        .is_some_and(|(fm, _)| stored_input_hash(&fm) == Some(converted.input_hash.as_str()));
    Ok(Some(if same_input {
        Outcome::Unchanged
    } else {
        Outcome::Exists
    }))
}
