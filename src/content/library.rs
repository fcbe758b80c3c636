//! Loads `content/` into a Library: pages in reading order, sections, and the term index.
//! Collisions (two pages at one URL, two terms with one slug) are found here, before rendering.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use crate::config::Config;
use crate::content::front_matter::{self, Fence};
use crate::content::page::{Diagnostic, Page};
use crate::diag::line_col;
use crate::slug::slugify;

/// A Zola section file (`_index.md`): metadata for a folder, not an article.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SectionMeta {
    pub title: Option<String>,
    pub description: Option<String>,
    pub draft: bool,
    pub sort_by: Option<String>,
    pub weight: Option<i64>,
    pub template: Option<String>,
    pub page_template: Option<String>,
    pub paginate_by: Option<usize>,
    pub paginate_path: Option<String>,
    pub paginate_reversed: Option<bool>,
    pub insert_anchor_links: Option<String>,
    pub in_search_index: Option<bool>,
    pub render: Option<bool>,
    pub redirect_to: Option<String>,
    pub transparent: Option<bool>,
    pub aliases: Vec<String>,
    pub generate_feeds: Option<bool>,
    pub generate_feed: Option<bool>,
    pub extra: toml::Table,
}

#[derive(Debug, Clone)]
pub struct Section {
    /// Site-relative path, e.g. `news/`; empty for the root `content/_index.md`.
    pub path: String,
    pub meta: SectionMeta,
    /// Indices into `Library::pages`, in reading order: pages anywhere below this folder.
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    /// Indices into `Library::pages`, newest first.
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub name: String,
    /// Sorted by slug, so output order never depends on load order.
    pub terms: Vec<Term>,
}

#[derive(Debug, Default)]
pub struct Library {
    /// Newest first; undated articles after dated ones. Shared, so an update re-parses only
    /// what changed.
    pub pages: Vec<Arc<Page>>,
    pub sections: Vec<Section>,
    pub taxonomies: Vec<Taxonomy>,
    /// Things the user should know that do not stop the build.
    pub warnings: Vec<String>,
}

/// Paths a page may not take: the generated listings live there.
fn reserved(first_segment: &str, config: &Config) -> bool {
    first_segment == "page"
        || first_segment == "search"
        || config.taxonomies.contains_key(first_segment)
}

enum Loaded {
    Page(Box<Page>),
    Section(Box<Section>),
    Skipped,
}

fn parse_section(text: &str, rel: &Path, file: &Path) -> Result<Section, Diagnostic> {
    let split = front_matter::split(text).map_err(|e| Diagnostic {
        file: file.to_path_buf(),
        line: Some(e.line),
        column: e.column,
        message: e.message,
    })?;
    let meta: SectionMeta = match split.fence {
        Fence::Toml => toml::from_str(split.front_matter).map_err(|e| {
            let (l, c) = e
                .span()
                .map_or((1, 1), |s| line_col(split.front_matter, s.start));
            Diagnostic {
                file: file.to_path_buf(),
                line: Some(split.front_matter_line + l - 1),
                column: Some(c),
                message: e.message().trim().to_string(),
            }
        })?,
        Fence::Yaml => serde_saphyr::from_str(split.front_matter)
            .map_err(|e| Diagnostic::new(file, Some(split.front_matter_line), e.to_string()))?,
    };
    let mut path = String::new();
    for comp in rel.parent().unwrap_or(Path::new("")).components() {
        path.push_str(&slugify(&comp.as_os_str().to_string_lossy()));
        path.push('/');
    }
    Ok(Section {
        path,
        meta,
        pages: Vec::new(),
    })
}

/// Every `*.md` below `content_dir`, relative to it, sorted; hidden files and folders skipped.
pub fn content_files(content_dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut files = Vec::new();
    if !content_dir.exists() {
        return Ok(files);
    }
    for entry in WalkDir::new(content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
    {
        let entry = entry.map_err(|e| {
            let p = e.path().unwrap_or(content_dir).to_path_buf();
            Diagnostic::new(&p, None, format!("cannot read: {e}"))
        })?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|x| x == "md") {
            let rel = entry
                .path()
                .strip_prefix(content_dir)
                .unwrap_or(entry.path());
            files.push(rel.to_path_buf());
        }
    }
    Ok(files)
}

/// Reads and parses `files` (relative to `content_dir`) in parallel.
fn parse_files(
    content_dir: &Path,
    files: &[PathBuf],
    config: &Config,
    drafts: bool,
) -> (Vec<Arc<Page>>, Vec<Section>, Vec<Diagnostic>) {
    let results: Vec<Result<Loaded, Vec<Diagnostic>>> = files
        .par_iter()
        .map(|rel| {
            let full = content_dir.join(rel);
            let shown = full.as_path();
            let text = std::fs::read_to_string(&full)
                .map_err(|e| vec![Diagnostic::new(shown, None, format!("cannot read: {e}"))])?;
            if rel.file_name().is_some_and(|n| n == "_index.md") {
                let section = parse_section(&text, rel, shown).map_err(|d| vec![d])?;
                if section.meta.draft && !drafts {
                    return Ok(Loaded::Skipped);
                }
                return Ok(Loaded::Section(Box::new(section)));
            }
            let mut page = Page::parse(&text, rel, config).map_err(|errs| {
                errs.into_iter()
                    .map(|mut d| {
                        d.file = full.clone();
                        d
                    })
                    .collect::<Vec<_>>()
            })?;
            page.file = full.clone();
            if (page.is_draft() && !drafts) || page.meta.render == Some(false) {
                return Ok(Loaded::Skipped);
            }
            Ok(Loaded::Page(Box::new(page)))
        })
        .collect();

    let mut errors = Vec::new();
    let mut pages = Vec::new();
    let mut sections = Vec::new();
    for r in results {
        match r {
            Ok(Loaded::Page(p)) => pages.push(Arc::new(*p)),
            Ok(Loaded::Section(s)) => sections.push(*s),
            Ok(Loaded::Skipped) => {}
            Err(mut e) => errors.append(&mut e),
        }
    }
    (pages, sections, errors)
}

/// Loads and parses every content file in parallel; all problems are returned together.
pub fn load(content_dir: &Path, config: &Config, drafts: bool) -> Result<Library, Vec<Diagnostic>> {
    let files = content_files(content_dir).map_err(|d| vec![d])?;
    let (pages, sections, errors) = parse_files(content_dir, &files, config, drafts);
    assemble(pages, sections, config, errors)
}

impl Library {
    /// A new library with the articles at `changed` (absolute paths under `content_dir`,
    /// created, edited or deleted) parsed again; every other page is shared with `self`.
    /// A changed `_index.md` reloads everything.
    pub fn update(
        &self,
        content_dir: &Path,
        config: &Config,
        drafts: bool,
        changed: &[PathBuf],
    ) -> Result<Library, Vec<Diagnostic>> {
        if changed
            .iter()
            .any(|p| p.file_name().is_some_and(|n| n == "_index.md"))
        {
            return load(content_dir, config, drafts);
        }
        let changed_set: std::collections::HashSet<&Path, crate::hash::FxBuildHasher> =
            changed.iter().map(PathBuf::as_path).collect();
        let mut pages: Vec<Arc<Page>> = self
            .pages
            .iter()
            .filter(|p| !changed_set.contains(p.file.as_path()))
            .cloned()
            .collect();
        let rels: Vec<PathBuf> = changed
            .iter()
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "md"))
            .filter_map(|p| p.strip_prefix(content_dir).ok().map(Path::to_path_buf))
            .collect();
        let (mut new_pages, _, errors) = parse_files(content_dir, &rels, config, drafts);
        pages.append(&mut new_pages);
        let sections = self
            .sections
            .iter()
            .map(|s| Section {
                pages: Vec::new(),
                ..s.clone()
            })
            .collect();
        assemble(pages, sections, config, errors)
    }
}

/// Orders pages, finds URL collisions, fills sections and builds the term index.
fn assemble(
    mut pages: Vec<Arc<Page>>,
    mut sections: Vec<Section>,
    config: &Config,
    mut errors: Vec<Diagnostic>,
) -> Result<Library, Vec<Diagnostic>> {
    // Reading order: newest first, undated last, then by path for stable output.
    pages.par_sort_unstable_by(|a, b| {
        b.sort_key
            .cmp(&a.sort_key)
            .then_with(|| a.path.cmp(&b.path))
    });

    let mut seen: crate::hash::FxHashMap<&str, &Path> = Default::default();
    for p in &pages {
        let first = p.path.split('/').next().unwrap_or("");
        if reserved(first, config) {
            errors.push(Diagnostic::new(
                &p.file,
                None,
                format!(
                    "the URL `/{}` is reserved for generated pages; set `slug` or `path`",
                    p.path
                ),
            ));
        }
        if let Some(other) = seen.insert(p.path.as_str(), p.file.as_path()) {
            errors.push(Diagnostic::new(
                &p.file,
                None,
                format!(
                    "same URL `/{}` as `{}`; give one of them a different `slug`",
                    p.path,
                    other.display()
                ),
            ));
        }
    }
    resolve_internal_links(&mut pages, &sections, config, &mut errors);
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
        return Err(errors);
    }

    sections.sort_by(|a, b| a.path.cmp(&b.path));
    for s in &mut sections {
        if s.path.is_empty() {
            continue;
        }
        s.pages = (0..pages.len())
            .filter(|&i| pages[i].path.starts_with(&s.path))
            .collect();
    }

    let mut warnings = Vec::new();
    let taxonomies = config
        .taxonomies
        .keys()
        .map(|name| build_taxonomy(name, &pages, &mut warnings))
        .collect();
    Ok(Library {
        pages,
        sections,
        taxonomies,
        warnings,
    })
}

/// Replaces Zola-style `@/news/a.md#anchor` links with the linked page's URL; a link to no
/// content file is an error naming the file and line.
fn resolve_internal_links(
    pages: &mut [Arc<Page>],
    sections: &[Section],
    config: &Config,
    errors: &mut Vec<Diagnostic>,
) {
    if pages.iter().all(|p| p.rendered.internal_links.is_empty()) {
        return;
    }
    let base = config.base_path();
    let mut urls: HashMap<String, String> = pages
        .iter()
        .map(|p| (p.content_path.clone(), format!("{base}{}", p.path)))
        .collect();
    for s in sections {
        let file = if s.path.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{}_index.md", s.path)
        };
        urls.entry(file)
            .or_insert_with(|| format!("{base}{}", s.path));
    }
    for page in pages.iter_mut() {
        if !page.rendered.html.contains("href=\"@/") {
            continue;
        }
        let page = Arc::make_mut(page);
        for target in page.rendered.internal_links.clone() {
            match urls.get(&target) {
                Some(url) => {
                    let mut escaped = String::new();
                    let _ = pulldown_cmark_escape::escape_href(&mut escaped, &target);
                    let from = format!("href=\"@/{escaped}");
                    let to = format!("href=\"{url}");
                    page.rendered.html = page.rendered.html.replace(&from, &to);
                    if let Some(s) = &mut page.rendered.summary_html {
                        *s = s.replace(&from, &to);
                    }
                }
                None => {
                    let text = std::fs::read_to_string(&page.file).unwrap_or_default();
                    let line = text
                        .lines()
                        .position(|l| l.contains(&format!("@/{target}")))
                        .map(|i| i + 1);
                    errors.push(Diagnostic::new(
                        &page.file,
                        line,
                        format!("internal link `@/{target}` points to no content file"),
                    ));
                }
            }
        }
    }
}

/// Groups pages by term. Names that differ only in case are one term; different names that
/// transliterate to one slug (火币 / 货币) stay two terms with distinct slugs, and a warning.
pub fn build_taxonomy(name: &str, pages: &[Arc<Page>], warnings: &mut Vec<String>) -> Taxonomy {
    struct Acc {
        variants: BTreeMap<String, usize>,
        pages: Vec<usize>,
    }
    // Exact spellings first (no allocation per mention), then spellings that differ only in
    // case are merged.
    let mut exact: crate::hash::FxHashMap<&str, Vec<usize>> = Default::default();
    for (i, p) in pages.iter().enumerate() {
        for t in p.meta.terms(name) {
            let v = exact.entry(t.trim()).or_default();
            if v.last() != Some(&i) {
                v.push(i);
            }
        }
    }
    let mut by_key: BTreeMap<String, Acc> = BTreeMap::new();
    for (display, list) in exact {
        let acc = by_key.entry(display.to_lowercase()).or_insert_with(|| Acc {
            variants: BTreeMap::new(),
            pages: Vec::new(),
        });
        acc.variants.insert(display.to_string(), list.len());
        acc.pages.extend(list);
    }
    for acc in by_key.values_mut() {
        if acc.variants.len() > 1 {
            acc.pages.sort_unstable();
            acc.pages.dedup();
        }
    }
    let mut used: HashMap<String, String> = HashMap::new();
    let mut terms = Vec::with_capacity(by_key.len());
    for (_, acc) in by_key {
        // The most used spelling names the term (ties: the first in sort order).
        let name_shown = acc
            .variants
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(n, _)| n.clone())
            .unwrap_or_default();
        let mut base = slugify(&name_shown);
        if base.is_empty() {
            base = "term".into();
        }
        let mut slug = base.clone();
        let mut n = 2;
        while used.contains_key(&slug) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        if slug != base {
            warnings.push(format!(
                "{name}: `{}` and `{}` both give the slug `{base}`; `{}` is at /{name}/{slug}/",
                used[&base], name_shown, name_shown
            ));
        }
        used.insert(slug.clone(), name_shown.clone());
        terms.push(Term {
            name: name_shown,
            slug,
            pages: acc.pages,
        });
    }
    terms.sort_by(|a, b| a.slug.cmp(&b.slug));
    Taxonomy {
        name: name.to_string(),
        terms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(title: &str, companies: &[&str], file: &str) -> Page {
        let list: Vec<String> = companies.iter().map(|c| format!("\"{c}\"")).collect();
        let text = format!(
            "+++\ntitle = \"{title}\"\n[taxonomies]\ncompanies = [{}]\n+++\nbody",
            list.join(", ")
        );
        Page::parse(&text, Path::new(file), &Config::default()).unwrap()
    }

    #[test]
    fn look_alike_slugs_are_kept_apart_with_a_warning() {
        let pages = vec![
            Arc::new(page("a", &["火币"], "a.md")),
            Arc::new(page("b", &["货币"], "b.md")),
        ];
        let mut warnings = Vec::new();
        let t = build_taxonomy("companies", &pages, &mut warnings);
        let got: Vec<(&str, &str)> = t
            .terms
            .iter()
            .map(|t| (t.name.as_str(), t.slug.as_str()))
            .collect();
        assert_eq!(got, [("火币", "huo-bi"), ("货币", "huo-bi-2")]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("火币") && warnings[0].contains("货币"));
    }

    #[test]
    fn case_variants_are_one_term() {
        let pages = vec![
            Arc::new(page("a", &["OpenAI"], "a.md")),
            Arc::new(page("b", &["OpenAI", "openai"], "b.md")),
        ];
        let t = build_taxonomy("companies", &pages, &mut Vec::new());
        assert_eq!(t.terms.len(), 1);
        assert_eq!(t.terms[0].name, "OpenAI");
        assert_eq!(t.terms[0].pages, [0, 1]);
    }
}
