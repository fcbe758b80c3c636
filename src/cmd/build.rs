//! `newsroom build`: arguments, the output-directory check, rendering ([`crate::site`]) into a
//! staging directory, the swap into place, and what is printed. A failed build leaves the
//! previous output untouched.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::cli::BuildArgs;
use crate::config::Config;
use crate::content::Library;
use crate::fsx;
use crate::output::DiskOutput;
use crate::render::Stats;
use crate::site::{self, LoadError};

/// Loads the site: config (with CLI overrides) and the library. Content errors are all
/// printed, then one error says how many there were; warnings are printed.
pub fn load_site(root: &Path, base_url: Option<&str>, drafts: bool) -> Result<(Config, Library)> {
    let (config, library) = match site::load_site(root, base_url, drafts) {
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
    for w in &library.warnings {
        eprintln!("warning: {w}");
    }
    Ok((config, library))
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

/// Builds into a sibling staging directory, then swaps it in place of `output`.
pub fn run(root: &Path, args: &BuildArgs) -> Result<()> {
    let started = Instant::now();
    let output = args
        .output_dir
        .clone()
        .unwrap_or_else(|| root.join("public"));
    check_output_dir(root, &output)?;
    let (config, mut library) = load_site(root, args.base_url.as_deref(), args.drafts)?;
    // Rendering reads the rendered bodies; the source texts would only hold memory.
    library.forget_sources();

    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = output.parent().map(Path::to_path_buf).unwrap_or_default();
    let parent = if parent.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        parent
    };
    fsx::create_dir_all(&parent)?;
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    if staging.exists() {
        fsx::remove_dir_all(&staging)?;
    }
    fsx::create_dir_all(&staging)?;
    let result = site::render_site(root, &config, &library, &DiskOutput::new(&staging));
    let stats = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e.context("build failed; the previous output is unchanged"));
        }
    };
    swap_into_place(&staging, &output)?;
    eprintln!(
        "Built {} pages, {} terms, {} files into {} in {:.2}s",
        stats.pages,
        stats.terms,
        stats.files,
        output.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn swap_into_place(staging: &Path, output: &Path) -> Result<()> {
    if output.exists() {
        let old = output.with_file_name(format!(
            ".{}.old-{}",
            output.file_name().unwrap_or_default().to_string_lossy(),
            std::process::id()
        ));
        fsx::rename(output, &old)?;
        if let Err(e) = fsx::rename(staging, output) {
            let _ = std::fs::rename(&old, output);
            return Err(e);
        }
        fsx::remove_dir_all(&old)?;
    } else {
        fsx::rename(staging, output)?;
    }
    Ok(())
}
