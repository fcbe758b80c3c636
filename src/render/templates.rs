//! The default theme is real files in `templates/`, embedded in the binary; a site's own
//! `templates/` overrides any of them by name and may add more.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use tera::Tera;

use crate::fsx;

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/", $name)))),*]
    };
}

/// The default theme: (name, source).
pub const DEFAULT_THEME: &[(&str, &str)] = embedded!(
    "base.html",
    "index.html",
    "page.html",
    "section.html",
    "taxonomy_list.html",
    "taxonomy_single.html",
    "404.html",
    "search.html",
    "search.js",
    "partials/card.html",
    "partials/meta.html",
    "partials/pager.html",
    "partials/listing.html",
    "partials/tags.html",
    "atom.xml",
    "rss.xml",
    "sitemap.xml",
    "split_sitemap_index.xml",
    "robots.txt",
    "style.css",
);

/// A loaded theme: the templates and a hash of their sources, which is part of every
/// templated output's fingerprint (an edited template re-renders what uses the theme).
pub struct Theme {
    pub tera: Tera,
    pub id: u64,
}

/// Loads the default theme overlaid with `<root>/templates/**`.
pub fn load(root: &Path) -> Result<Theme> {
    let mut sources: BTreeMap<String, String> = DEFAULT_THEME
        .iter()
        .map(|(n, s)| (n.to_string(), s.to_string()))
        .collect();
    let dir = root.join("templates");
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry
                .with_context(|| format!("failed to read templates in `{}`", dir.display()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
            let name = rel.to_string_lossy().replace('\\', "/");
            if name.split('/').any(|c| c.starts_with('.'))
                || name == "theme.toml"
                || name.starts_with("shortcodes/")
            {
                // theme.toml is data read with the config, and shortcodes are rendered into
                // bodies (`crate::shortcode`): neither is a page template.
                continue;
            }
            sources.insert(name, fsx::read_to_string(entry.path())?);
        }
    }
    let id = crate::render::hash_of(&sources);
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| anyhow::anyhow!("{}", render_error(&e)))
        .context("template error")?;
    Ok(Theme { tera, id })
}

/// A tera error with its whole cause chain (template name, line and the reason).
pub fn render_error(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let s = c.to_string();
        if !msg.contains(&s) {
            msg.push_str(": ");
            msg.push_str(&s);
        }
        cause = c.source();
    }
    msg
}
