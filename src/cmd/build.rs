//! `newsroom build`: arguments, the output-directory check, rendering ([`crate::site`]) into
//! the output directory ([`crate::output::dir`]: only what changed, atomically), and what is
//! printed. A failed build leaves the previous output untouched.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::cli::BuildArgs;
use crate::config::Config;
use crate::content::Library;
use crate::content::bodies::{self, BodyCache};
use crate::content::check::{Severity, check_body_links};
use crate::output::dir::{Claim, Keys, OutputDir, Writer};
use crate::output::manifest::Kind;
use crate::render::Stats;
use crate::site::{self, LoadError};

/// Loads the site: config (with CLI overrides) and the library, the bodies measured by the
/// last build taken from `saved` (see [`site::load_site_cached`]). Content errors are all
/// printed, then one error says how many there were; warnings (the config's, then the
/// content's) are printed.
pub fn load_site(
    root: &Path,
    base_url: Option<&str>,
    drafts: bool,
    saved: Option<&[u8]>,
) -> Result<(Config, Library, BodyCache)> {
    let (config, library, bodies) = match site::load_site_cached(root, base_url, drafts, saved) {
        Ok(loaded) => loaded,
        Err(LoadError::Other(e)) => return Err(e),
        Err(LoadError::Content(diags)) => {
            for d in &diags {
                eprintln!("error: {d}");
            }
            bail!(
                "{} error{} in content; nothing was written",
                diags.len(),
                if diags.len() == 1 { "" } else { "s" }
            );
        }
    };
    for w in &config.warnings {
        eprintln!("warning: {w}");
    }
    for w in &library.warnings {
        eprintln!("warning: {w}");
    }
    Ok((config, library, bodies))
}

/// Renders the whole site into `out` (kept here for `check`; the work is [`site::render_site`]).
pub fn render_site(
    root: &Path,
    config: &Config,
    library: &Library,
    out: &dyn crate::output::Output,
) -> Result<Stats> {
    site::render_site(root, config, library, out)
}

/// The broken links of article bodies ([`check_body_links`]) against every file this build
/// writes: the templated files, the assets and the search index. Each is printed
/// (`error: file:line: message`, or `warning:` with `[link_checker] internal_level =
/// "warn"`); an error fails the build before anything is committed.
fn check_links(
    root: &Path,
    config: &Config,
    library: &Library,
    rendered: &site::Rendered,
    writer: &Writer<'_>,
) -> Result<()> {
    let mut outputs: HashSet<&str> = rendered.manifest.pairs().map(|(p, _)| p).collect();
    outputs.extend(writer.known_keys(Kind::Search).map(|(p, _)| p));
    let assets = crate::content::assets::plan(
        root,
        &config.assets.extensions,
        &library.draft_files,
        &library.bundle_dirs(),
    )?;
    outputs.extend(assets.copy.iter().map(|c| c.to.as_str()));
    let findings = check_body_links(config, library, &|path: &str| outputs.contains(path));
    for f in &findings {
        eprintln!("{f}");
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if errors > 0 {
        bail!(
            "{errors} broken internal link{} (`[link_checker] internal_level = \"warn\"` reports them \
             without failing); build failed, the previous output is unchanged",
            if errors == 1 { "" } else { "s" }
        );
    }
    Ok(())
}

fn check_output_dir(root: &Path, output: &Path) -> Result<()> {
    let root = root
        .canonicalize()
        .with_context(|| format!("failed to open `{}`", root.display()))?;
    let out = match output.canonicalize() {
        Ok(p) => p,
        Err(_) => return Ok(()), // does not exist yet
    };
    if root.starts_with(&out) {
        bail!(
            "output directory `{}` contains the site itself; choose another (default: public/)",
            output.display()
        );
    }
    for keep in ["content", "templates", "static", "rules"] {
        if out.starts_with(root.join(keep)) {
            bail!(
                "output directory `{}` is inside the site's {keep}/",
                output.display()
            );
        }
    }
    Ok(())
}

/// Builds into `output`: only what changed is written, atomically (see
/// [`crate::output::dir`]). A failed build leaves the previous output as it was.
pub fn run(root: &Path, args: &BuildArgs) -> Result<()> {
    let started = Instant::now();
    let mut clock = site::Clock::start();
    let default_output = root.join("public");
    let output = args.output_dir.clone().unwrap_or(default_output.clone());
    check_output_dir(root, &output)?;
    let claim = if args.force {
        Claim::Forced
    } else if same_path(&output, &default_output) {
        Claim::Own
    } else {
        Claim::None
    };
    let waiting = || {
        eprintln!(
            "waiting for another build of `{}` to finish…",
            output.display()
        )
    };
    let sources = site::sources_key(root, args.base_url.as_deref(), args.drafts);
    let mut dir = OutputDir::open_existing(&output, claim, waiting)?;
    if let (Some(d), Some(key)) = (&dir, sources)
        && d.recovered.is_empty()
        && d.up_to_date(key)
    {
        eprintln!(
            "{} is up to date (no source changed) in {:.2}s",
            output.display(),
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    clock.lap("sources");
    let saved = dir.as_ref().and_then(|d| d.read_cache(bodies::FILE));
    let (config, mut library, bodies) = load_site(
        root,
        args.base_url.as_deref(),
        args.drafts,
        saved.as_deref(),
    )?;
    drop(saved);
    clock.lap("load");
    let dir = match dir.take() {
        Some(d) => d,
        None => OutputDir::open(&output, claim, waiting)?,
    };
    for note in &dir.recovered {
        eprintln!("note: {note}");
    }
    let writer = dir.writer()?;
    clock.lap("open output");
    let rendered = site::render_into(root, &config, &mut library, &writer)
        .map_err(|e| e.context("build failed; the previous output is unchanged"))?;
    check_links(root, &config, &library, &rendered, &writer)?;
    clock.laps.extend(rendered.timings.iter().copied());
    clock.restart();
    let keys = Keys {
        sources,
        search: rendered.search,
    };
    let changes = writer.commit(rendered.manifest.pairs(), keys)?;
    if let Some(bytes) = bodies.save(library.pages.iter().map(|p| p.as_ref())) {
        dir.write_cache(bodies::FILE, &bytes)?;
    }
    clock.lap("commit");
    if args.timings {
        for lap in &clock.laps {
            let rss = lap
                .rss_kib
                .map_or(String::new(), |k| format!("  (rss {} MiB)", k / 1024));
            eprintln!(
                "{:>12}: {:7.1} ms{rss}",
                lap.name,
                lap.took.as_secs_f64() * 1000.0
            );
        }
        if let Some(peak) = site::proc_status_kib("VmHWM") {
            eprintln!("{:>12}: {} MiB", "peak rss", peak / 1024);
        }
    }
    let stats = rendered.stats;
    eprintln!(
        "Built {} pages, {} terms, {} files into {} in {:.2}s ({} written, {} removed, {} unchanged)",
        stats.pages,
        stats.terms,
        stats.files,
        output.display(),
        started.elapsed().as_secs_f64(),
        changes.written,
        changes.removed,
        changes.unchanged,
    );
    Ok(())
}

/// Whether two paths name the same place (the default output may not exist yet).
fn same_path(a: &Path, b: &Path) -> bool {
    let canon = |p: &Path| -> Option<PathBuf> {
        let parent = p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Some(parent.canonicalize().ok()?.join(p.file_name()?))
    };
    match (canon(a), canon(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}
