//! Loads `content/` into a Library: pages in reading order, sections, and the term index.
//! Collisions (two pages at one URL, two terms with one slug) are found here, before rendering.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::Config;
use crate::content::bodies::BodyCache;
use crate::content::page::{Diagnostic, Inherited, Page};
use crate::content::section::Redirect;
pub use crate::content::section::{Section, SectionMeta, SortBy, parse_section};
use crate::slug::slugify;
use rustc_hash::{FxHashMap, FxHashSet};

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
    /// Loaded with drafts (`--drafts`): the assets beside drafts are published too.
    pub drafts: bool,
    /// The drafts left out (content paths, `news/secret.md`): their assets are not copied.
    pub draft_files: Vec<PathBuf>,
}

/// Paths a page may not take: the generated listings live there.
fn reserved(first_segment: &str, config: &Config) -> bool {
    first_segment == "page"
        || first_segment == "search"
        || config.taxonomies.contains_key(first_segment)
}

/// The file an alias writes (`old/` → `old/index.html`, `old.html` as it is) and the folder
/// path a page would have there: what the redirect renderer writes and what is checked here.
pub fn alias_target(alias: &str) -> (String, String) {
    let from = alias.trim_matches('/');
    if from.ends_with(".html") {
        (from.to_string(), from.to_string())
    } else {
        (format!("{from}/index.html"), format!("{from}/"))
    }
}

/// Aliases (of pages and sections) that would overwrite a page, a section, another alias or
/// a generated listing: each is an error naming the file and its `aliases` line (they used
/// to be dropped without a word).
fn alias_errors(
    pages: &[Arc<Page>],
    sections: &[Section],
    page_paths: &rustc_hash::FxHashMap<&str, &Path>,
    config: &Config,
    errors: &mut Vec<Diagnostic>,
) {
    let section_paths: rustc_hash::FxHashMap<&str, &Path> = sections
        .iter()
        .filter(|s| s.meta.render != Some(false))
        .map(|s| (s.path.as_str(), s.file.as_path()))
        .collect();
    let owners = pages
        .iter()
        .map(|p| (p.file.as_path(), p.key_lines.aliases, &p.meta.aliases))
        .chain(
            sections
                .iter()
                .map(|s| (s.file.as_path(), s.aliases_line, &s.meta.aliases)),
        );
    let mut written: rustc_hash::FxHashMap<String, &Path> = Default::default();
    for (owner, line, aliases) in owners {
        for alias in aliases {
            let (file, dir) = alias_target(alias);
            let first = dir.split('/').next().unwrap_or("");
            let problem = if let Some(other) = page_paths
                .get(dir.as_str())
                .or_else(|| section_paths.get(dir.as_str()))
            {
                Some(format!("is the URL of `{}`", other.display()))
            } else if reserved(first, config) {
                Some(format!("`/{first}/` is reserved for generated pages"))
            } else {
                written
                    .insert(file, owner)
                    .filter(|other| *other != owner)
                    .map(|other| format!("is also an alias of `{}`", other.display()))
            };
            if let Some(problem) = problem {
                errors.push(Diagnostic::new(
                    owner,
                    line,
                    format!("alias {alias:?} {problem}; a redirect there would overwrite it"),
                ));
            }
        }
    }
}

/// Resolves each section's `redirect_to` (`@/` content path, URL, or path on this site, as
/// Zola takes it); an `@/` path to no content file is an error naming the line.
fn resolve_redirects(pages: &[Arc<Page>], sections: &mut [Section], errors: &mut Vec<Diagnostic>) {
    let mut targets: rustc_hash::FxHashMap<String, String> = pages
        .iter()
        .map(|p| (p.content_path.clone(), p.path.clone()))
        .collect();
    for s in sections.iter() {
        targets.insert(format!("{}_index.md", s.dir), s.path.clone());
    }
    for s in sections.iter_mut() {
        let Some(to) = s.meta.redirect_to.as_deref().map(str::trim) else {
            continue;
        };
        s.redirect = if let Some(content) = to.strip_prefix("@/") {
            let (file, anchor) = content.split_at(content.find('#').unwrap_or(content.len()));
            match targets.get(file) {
                Some(path) => Some(Redirect::Site(format!("{path}{anchor}"))),
                None => {
                    errors.push(Diagnostic::new(
                        &s.file,
                        s.redirect_line,
                        format!("`redirect_to`: `{to}` points to no content file"),
                    ));
                    None
                }
            }
        } else if to.contains("://") || to.starts_with("mailto:") {
            Some(Redirect::External(to.to_string()))
        } else {
            // A path on this site, as Zola's `make_permalink` takes it: a folder unless it
            // names a file.
            let path = to.trim_start_matches('/');
            let last = path.rsplit('/').next().unwrap_or("");
            let folder = !path.is_empty() && !path.ends_with('/') && !last.contains(['.', '#']);
            Some(Redirect::Site(if folder {
                format!("{path}/")
            } else {
                path.to_string()
            }))
        };
    }
}

enum Loaded {
    Page(Box<Page>),
    Section(Box<Section>),
    /// A draft (its content path), left out.
    Draft(PathBuf),
    Skipped,
}

/// What [`parse_files`] found.
type Parsed = (Vec<Page>, Vec<Section>, Vec<PathBuf>, Vec<Diagnostic>);

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

/// Reads `files` (relative to `content_dir`) in parallel and parses their front matter; the
/// pages' bodies are rendered later, by [`render_pages`], once every URL is known. With
/// [`Sources::Drop`], a body without any `@/` link (its rendering needs no URL) is rendered
/// at once and its source dropped, so the sources of a large site are never all held.
///
/// The `_index.md` files among `files` are parsed first: what a page takes from the sections
/// above it ([`Inherited`]) is known before its body is rendered. When `files` has none (an
/// update of some articles), `known` are the site's sections.
fn parse_files(
    content_dir: &Path,
    files: &[PathBuf],
    config: &Config,
    drafts: bool,
    sources: Sources,
    bodies: Option<&BodyCache>,
    known: &[Section],
) -> Parsed {
    let is_index = |rel: &PathBuf| rel.file_name().is_some_and(|n| n == "_index.md");
    let (index_files, page_files): (Vec<&PathBuf>, Vec<&PathBuf>) =
        files.iter().partition(|rel| is_index(rel));
    let read = |rel: &Path| {
        let full = content_dir.join(rel);
        std::fs::read_to_string(&full)
            .map(|text| (full.clone(), text))
            .map_err(|e| vec![Diagnostic::new(&full, None, format!("cannot read: {e}"))])
    };
    let section_results: Vec<Result<Loaded, Vec<Diagnostic>>> = index_files
        .par_iter()
        .map(|rel| {
            let (full, text) = read(rel)?;
            let section = parse_section(&text, rel, &full)?;
            if section.meta.draft && !drafts {
                return Ok(Loaded::Draft((*rel).clone()));
            }
            Ok(Loaded::Section(Box::new(section)))
        })
        .collect();
    let mut errors = Vec::new();
    let mut sections = Vec::new();
    let mut draft_files = Vec::new();
    for r in section_results {
        match r {
            Ok(Loaded::Section(s)) => sections.push(*s),
            Ok(Loaded::Draft(rel)) => draft_files.push(rel),
            Ok(_) => {}
            Err(mut e) => errors.append(&mut e),
        }
    }
    let above: &[Section] = if index_files.is_empty() {
        known
    } else {
        &sections
    };

    let results: Vec<Result<Loaded, Vec<Diagnostic>>> = page_files
        .par_iter()
        .map(|rel| {
            let (full, text) = read(rel)?;
            let mut page = Page::read(text, rel, config).map_err(|errs| {
                errs.into_iter()
                    .map(|mut d| {
                        d.file = full.clone();
                        d
                    })
                    .collect::<Vec<_>>()
            })?;
            page.file = full;
            if page.is_draft() && !drafts {
                return Ok(Loaded::Draft((*rel).clone()));
            }
            if page.meta.render == Some(false) {
                return Ok(Loaded::Skipped);
            }
            page.inherited = inherited(above, &page.content_path);
            if sources == Sources::Drop && !page.links_to_content() {
                // Its text measures are all a build needs of it until it is shown: its body
                // is rendered again then (it needs no URL), so no body is held in between.
                match bodies.and_then(|b| b.get(page.body_cache_key())) {
                    Some(m) => page.take_measures(m),
                    None => {
                        page.render_body(config, None)?;
                        page.forget_source();
                        page.forget_body();
                    }
                }
            }
            Ok(Loaded::Page(Box::new(page)))
        })
        .collect();

    let mut pages = Vec::new();
    for r in results {
        match r {
            Ok(Loaded::Page(p)) => pages.push(*p),
            Ok(Loaded::Draft(rel)) => draft_files.push(rel),
            Ok(_) => {}
            Err(mut e) => errors.append(&mut e),
        }
    }
    draft_files.sort();
    (pages, sections, draft_files, errors)
}

/// The sections holding `content_path`, nearest first: its own section, then the ones above.
fn ancestors<'s>(sections: &'s [Section], content_path: &str) -> Vec<&'s Section> {
    let mut chain: Vec<&Section> = sections.iter().filter(|s| s.holds(content_path)).collect();
    chain.sort_by_key(|s| std::cmp::Reverse(s.dir.len()));
    chain
}

/// What the page at `content_path` takes from the sections above it: the nearest
/// `page_template` (as Zola looks it up), its own section's `insert_anchor_links` and
/// `in_search_index`.
fn inherited(sections: &[Section], content_path: &str) -> Inherited {
    let chain = ancestors(sections, content_path);
    let own = chain.first().map(|s| &s.meta);
    Inherited {
        template: chain.iter().find_map(|s| s.meta.page_template.clone()),
        anchor_links: own.and_then(|m| m.insert_anchor_links),
        in_search_index: own.is_none_or(|m| m.in_search_index),
    }
}

/// Where `@/` links may point: content path (`news/a.md`, `news/_index.md`) → URL.
/// Borrowed from the pages (no string is copied), so an update's links cost a map insert per
/// article, and a URL is formatted only for the links there are.
struct LinkTargets<'p> {
    base: String,
    /// Content path → site path.
    paths: FxHashMap<Cow<'p, str>, Cow<'p, str>>,
}

impl<'p> LinkTargets<'p> {
    fn new(pages: impl Iterator<Item = &'p Page>, sections: &[Section], config: &Config) -> Self {
        let mut paths: FxHashMap<Cow<'p, str>, Cow<'p, str>> = pages
            .map(|p| (p.content_path.as_str().into(), p.path.as_str().into()))
            .collect();
        for s in sections {
            let file = if s.path.is_empty() {
                "_index.md".to_string()
            } else {
                format!("{}_index.md", s.path)
            };
            paths
                .entry(file.into())
                .or_insert_with(|| s.path.clone().into());
        }
        LinkTargets {
            base: config.base_path(),
            paths,
        }
    }

    /// Adds the targets of pages the map cannot borrow (they are rendered while it lives).
    fn add_owned<'o>(&mut self, pages: impl Iterator<Item = &'o Page>) {
        for p in pages {
            self.paths
                .insert(p.content_path.clone().into(), p.path.clone().into());
        }
    }

    fn url(&self, content_path: &str) -> Option<String> {
        let path = self.paths.get(content_path)?;
        Some(format!("{}{path}", self.base))
    }
}

/// Renders the bodies of `pages` in parallel, `@/` links resolved through `urls`; a link to
/// no content file is an error naming the file and line.
fn render_pages(
    pages: Vec<Page>,
    urls: &LinkTargets,
    config: &Config,
    sources: Sources,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Arc<Page>> {
    let resolve = |target: &str| urls.url(target);
    let rendered: Vec<(Arc<Page>, Vec<Diagnostic>)> = pages
        .into_par_iter()
        .map(|mut p| {
            if p.source_dropped() {
                return (Arc::new(p), Vec::new()); // rendered by `parse_files`
            }
            let errs = p.render_body(config, Some(&resolve)).err();
            if sources == Sources::Drop {
                p.forget_source();
            }
            (Arc::new(p), errs.unwrap_or_default())
        })
        .collect();
    rendered
        .into_iter()
        .map(|(p, mut errs)| {
            errors.append(&mut errs);
            p
        })
        .collect()
}

/// Whether pages keep their source text once rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sources {
    /// For `serve` (which renders pages again) and `check` (which names lines).
    Keep,
    /// For a one-shot build: each source is dropped as soon as its page is rendered, so the
    /// sources and the rendered bodies are never all held at once (a third of the memory).
    /// [`Page::line_of`] then finds nothing.
    Drop,
}

/// Loads and parses every content file in parallel; all problems are returned together.
pub fn load(
    content_dir: &Path,
    config: &Config,
    drafts: bool,
    sources: Sources,
) -> Result<Library, Vec<Diagnostic>> {
    load_with(content_dir, config, drafts, sources, None)
}

/// [`load`], taking the measures of unchanged bodies from `bodies` (a build's
/// [`BodyCache`]: with [`Sources::Drop`], those bodies are not rendered now).
pub fn load_with(
    content_dir: &Path,
    config: &Config,
    drafts: bool,
    sources: Sources,
    bodies: Option<&BodyCache>,
) -> Result<Library, Vec<Diagnostic>> {
    let files = content_files(content_dir).map_err(|d| vec![d])?;
    let (pages, sections, draft_files, mut errors) =
        parse_files(content_dir, &files, config, drafts, sources, bodies, &[]);
    let mut urls = LinkTargets::new(std::iter::empty(), &sections, config);
    urls.add_owned(pages.iter());
    let pages = render_pages(pages, &urls, config, sources, &mut errors);
    assemble(pages, sections, config, errors).map(|l| Library {
        drafts,
        draft_files,
        ..l
    })
}

impl Library {
    /// Each page bundle's folder (content-relative, with a trailing `/`) and its page's site
    /// path, for placing the bundle's files beside the page.
    pub fn bundle_dirs(&self) -> Vec<(String, String)> {
        self.pages
            .iter()
            .filter_map(|p| {
                let dir = p.content_path.strip_suffix("index.md")?;
                (dir.is_empty() || dir.ends_with('/')).then(|| (dir.to_string(), p.path.clone()))
            })
            .filter(|(dir, _)| !dir.is_empty())
            .collect()
    }

    /// Drops every page's rendered body ([`Page::forget_body`]) that nothing else shares:
    /// for a one-shot build once its templated files are written.
    pub fn forget_bodies(&mut self) {
        for page in &mut self.pages {
            if let Some(p) = Arc::get_mut(page) {
                p.forget_body();
            }
        }
    }

    /// A new library with the articles at `changed` (absolute paths under `content_dir`,
    /// created, edited or deleted) parsed again, and the articles that link to them rendered
    /// again (the URL they link to may have moved); every other page is shared with `self`.
    /// A changed `_index.md` reloads everything.
    ///
    /// The [`Delta`] says which pages stayed in place: when every changed file is an article
    /// that keeps its URL and everything the site's structure is made of, only those pages
    /// are replaced (at the cost of parsing them, not of reassembling the site), and the
    /// renderer need look only at what shows them.
    pub fn update(
        &self,
        content_dir: &Path,
        config: &Config,
        drafts: bool,
        changed: &[PathBuf],
    ) -> Result<(Library, Delta), Vec<Diagnostic>> {
        if changed
            .iter()
            .any(|p| p.file_name().is_some_and(|n| n == "_index.md"))
        {
            return load(content_dir, config, drafts, Sources::Keep)
                .map(|l| (l, Delta::Restructured));
        }
        if let Some(done) = self.update_in_place(content_dir, config, drafts, changed) {
            return done.map(|(lib, pages)| (lib, Delta::InPlace(pages)));
        }
        self.reassemble(content_dir, config, drafts, changed)
            .map(|l| (l, Delta::Restructured))
    }

    /// [`Library::update`] when every changed file is an article already in the library that
    /// stays in place ([`same_place`]): a new library sharing everything but those pages, and
    /// their indices. `None` when that does not hold (then the site is reassembled).
    fn update_in_place(
        &self,
        content_dir: &Path,
        config: &Config,
        drafts: bool,
        changed: &[PathBuf],
    ) -> Option<Result<(Library, Vec<usize>), Errors>> {
        let mut at = Vec::with_capacity(changed.len());
        let mut rels = Vec::with_capacity(changed.len());
        for p in changed {
            let rel = p.strip_prefix(content_dir).ok()?;
            let content_path = rel.to_string_lossy().replace('\\', "/");
            let i = self
                .pages
                .iter()
                .position(|page| page.content_path == content_path)?;
            if !p.is_file() {
                return None;
            }
            at.push(i);
            rels.push(rel.to_path_buf());
        }
        let (fresh, sections, new_drafts, errors) = parse_files(
            content_dir,
            &rels,
            config,
            drafts,
            Sources::Keep,
            None,
            &self.sections,
        );
        if !errors.is_empty() {
            return Some(Err(errors));
        }
        if !sections.is_empty() || !new_drafts.is_empty() || fresh.len() != rels.len() {
            return None;
        }
        // Parsed in the order asked for: fresh[k] is the page at at[k].
        for (k, page) in fresh.iter().enumerate() {
            let old = &self.pages[at[k]];
            if page.content_path != old.content_path
                || !same_place(old, page, &self.sections, config)
            {
                return None;
            }
        }
        let mut errors = Vec::new();
        // The URL map is made only when a changed page links to content (most do not).
        let urls = if fresh.iter().any(Page::links_to_content) {
            LinkTargets::new(self.pages.iter().map(AsRef::as_ref), &self.sections, config)
        } else {
            LinkTargets::new(std::iter::empty(), &[], config)
        };
        let rendered = render_pages(fresh, &urls, config, Sources::Keep, &mut errors);
        drop(urls);
        if !errors.is_empty() {
            return Some(Err(errors));
        }
        let mut pages = self.pages.clone();
        for (&i, page) in at.iter().zip(rendered) {
            pages[i] = page;
        }
        let mut at_sorted = at;
        at_sorted.sort_unstable();
        at_sorted.dedup();
        Some(Ok((
            Library {
                pages,
                sections: self.sections.clone(),
                taxonomies: self.taxonomies.clone(),
                warnings: self.warnings.clone(),
                drafts: self.drafts,
                draft_files: self.draft_files.clone(),
            },
            at_sorted,
        )))
    }

    /// [`Library::update`] in general: the changed articles parsed again (or dropped), the
    /// pages that link to them rendered again, and the site assembled anew.
    fn reassemble(
        &self,
        content_dir: &Path,
        config: &Config,
        drafts: bool,
        changed: &[PathBuf],
    ) -> Result<Library, Vec<Diagnostic>> {
        let changed_set: FxHashSet<&Path> = changed.iter().map(PathBuf::as_path).collect();
        let rels: Vec<PathBuf> = changed
            .iter()
            .filter_map(|p| p.strip_prefix(content_dir).ok().map(Path::to_path_buf))
            .collect();
        let changed_paths: FxHashSet<String> = rels
            .iter()
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .collect();
        let (links_to_changed, mut pages): (Vec<Arc<Page>>, Vec<Arc<Page>>) = self
            .pages
            .iter()
            .filter(|p| !changed_paths.contains(p.content_path.as_str()))
            .cloned()
            .partition(|p| {
                p.rendered
                    .internal_links
                    .iter()
                    .any(|l| changed_paths.contains(l))
            });
        let existing: Vec<PathBuf> = rels
            .into_iter()
            .filter(|r| {
                let p = content_dir.join(r);
                p.is_file() && p.extension().is_some_and(|e| e == "md")
            })
            .collect();
        let (mut fresh, _, new_drafts, mut errors) = parse_files(
            content_dir,
            &existing,
            config,
            drafts,
            Sources::Keep,
            None,
            &self.sections,
        );
        let mut draft_files: Vec<PathBuf> = self
            .draft_files
            .iter()
            .filter(|d| !changed_set.contains(content_dir.join(d).as_path()))
            .cloned()
            .chain(new_drafts)
            .collect();
        draft_files.sort();
        fresh.extend(links_to_changed.iter().map(|p| (**p).clone()));
        let mut urls = LinkTargets::new(pages.iter().map(AsRef::as_ref), &self.sections, config);
        urls.add_owned(fresh.iter());
        let mut rendered = render_pages(fresh, &urls, config, Sources::Keep, &mut errors);
        drop(urls);
        pages.append(&mut rendered);
        let sections = self
            .sections
            .iter()
            .map(|s| Section {
                pages: Vec::new(),
                subsections: Vec::new(),
                parent: None,
                ..s.clone()
            })
            .collect();
        assemble(pages, sections, config, errors).map(|l| Library {
            drafts,
            draft_files,
            ..l
        })
    }
}

/// The problems a load or an update found, each naming its file (and line).
type Errors = Vec<Diagnostic>;

/// How an updated library differs from the one it was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delta {
    /// The pages at these indices (sorted) were replaced by new versions in the same place:
    /// every page has the index, URL, date, `updated`, terms and aliases it had, and every
    /// section and term lists the same pages in the same order. Whatever is made from those
    /// alone (the sitemap, term lists, redirects, which pages a listing holds) is unchanged.
    InPlace(Vec<usize>),
    /// Anything else: pages added, removed, moved or re-dated, terms changed, sections read
    /// again.
    Restructured,
}

/// Whether `new` can replace `old` without moving anything: same URL, same dates, same terms,
/// same aliases, and the same keys in every section that holds it and sorts by title or
/// weight.
fn same_place(old: &Page, new: &Page, sections: &[Section], config: &Config) -> bool {
    let sort_keys_same = || {
        sections
            .iter()
            .filter(|s| s.holds(&old.content_path))
            .all(|s| match s.meta.sort_by {
                SortBy::Title => old.meta.title == new.meta.title,
                SortBy::Weight => old.meta.weight == new.meta.weight,
                SortBy::Date | SortBy::UpdateDate | SortBy::None => true,
            })
    };
    old.path == new.path
        && old.sort_key == new.sort_key
        && old.date == new.date
        && old.meta.updated == new.meta.updated
        && old.meta.aliases == new.meta.aliases
        && old.is_draft() == new.is_draft()
        && config
            .taxonomies
            .keys()
            .all(|t| old.meta.terms(t) == new.meta.terms(t))
        && sort_keys_same()
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

    let mut seen: rustc_hash::FxHashMap<&str, &Path> = Default::default();
    for p in &pages {
        let first = p.path.split('/').next().unwrap_or("");
        if reserved(first, config) {
            errors.push(Diagnostic::new(
                &p.file,
                p.key_lines.url(),
                format!(
                    "the URL `/{}` is reserved for generated pages; set `slug` or `path`",
                    p.path
                ),
            ));
        }
        if let Some(other) = seen.insert(p.path.as_str(), p.file.as_path()) {
            errors.push(Diagnostic::new(
                &p.file,
                p.key_lines.url(),
                format!(
                    "same URL `/{}` as `{}`; give one of them a different `slug`",
                    p.path,
                    other.display()
                ),
            ));
        }
    }
    alias_errors(&pages, &sections, &seen, config, &mut errors);
    resolve_redirects(&pages, &mut sections, &mut errors);
    if !errors.is_empty() {
        // The site cannot be rendered, so its links cannot all be checked: the `@/` links to
        // no content file are reported with the other errors. (When there are none, the
        // build's link check reports them with every other broken link.)
        for p in &pages {
            for (href, line) in &p.link_facts.links {
                if href.starts_with("@/") {
                    errors.push(Diagnostic::new(
                        &p.file,
                        Some(*line),
                        format!("internal link `{href}` points to no content file"),
                    ));
                }
            }
        }
        errors.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
        return Err(errors);
    }

    sections.sort_by(|a, b| a.path.cmp(&b.path));
    fill_sections(&pages, &mut sections);

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
        drafts: false,
        draft_files: Vec::new(),
    })
}

/// Links the sections into a tree (each one's `parent` and `subsections`) and fills each
/// one's `pages` as Zola does: a page belongs to the nearest section above it, and a
/// transparent section's pages are listed by its parent too (up through every transparent
/// section). `pages` are in reading order.
fn fill_sections(pages: &[Arc<Page>], sections: &mut [Section]) {
    for k in 0..sections.len() {
        let dir = &sections[k].dir;
        sections[k].parent = (0..sections.len())
            .filter(|&j| sections[j].dir.len() < dir.len() && dir.starts_with(&sections[j].dir))
            .max_by_key(|&j| sections[j].dir.len());
    }
    for k in 0..sections.len() {
        let mut subs: Vec<usize> = (0..sections.len())
            .filter(|&j| sections[j].parent == Some(k))
            .collect();
        // By weight, as Zola orders subsections; ties by title, then path, for stable output.
        subs.sort_by(|&a, &b| {
            let (a, b) = (&sections[a], &sections[b]);
            (a.meta.weight, &a.meta.title, &a.path).cmp(&(b.meta.weight, &b.meta.title, &b.path))
        });
        sections[k].subsections = subs;
    }
    let mut lists: Vec<Vec<usize>> = vec![Vec::new(); sections.len()];
    for (i, p) in pages.iter().enumerate() {
        let own = (0..sections.len())
            .filter(|&k| sections[k].holds(&p.content_path))
            .max_by_key(|&k| sections[k].dir.len());
        let mut at = own;
        while let Some(k) = at {
            lists[k].push(i);
            at = if sections[k].meta.transparent {
                sections[k].parent
            } else {
                None
            };
        }
    }
    for (s, mut list) in sections.iter_mut().zip(lists) {
        s.meta.sort_by.order(&mut list, pages);
        if s.meta.paginate_reversed {
            list.reverse();
        }
        s.pages = list;
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
    let mut exact: rustc_hash::FxHashMap<&str, Vec<usize>> = Default::default();
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

/// `(taxonomy, lowercased name) → (display name, slug)`: how pages and search records name
/// and link a page's terms.
pub type TermIndex = BTreeMap<(String, String), (String, String)>;

impl Library {
    /// The term index of every taxonomy (render links terms with it, search names them).
    pub fn term_index(&self) -> TermIndex {
        let mut idx = BTreeMap::new();
        for tax in &self.taxonomies {
            for t in &tax.terms {
                idx.insert(
                    (tax.name.clone(), t.name.to_lowercase()),
                    (t.name.clone(), t.slug.clone()),
                );
            }
        }
        idx
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

    #[test]
    fn internal_links_are_resolved_while_rendering_and_follow_a_moved_page() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path();
        std::fs::create_dir_all(content.join("news")).unwrap();
        let write = |rel: &str, text: &str| std::fs::write(content.join(rel), text).unwrap();
        write(
            "a.md",
            "+++\ntitle = \"A\"\n+++\nSee [b](@/news/b.md#part-two).\n",
        );
        write("news/b.md", "+++\ntitle = \"B\"\n+++\nbody\n");
        let config = Config::default();
        let lib = load(content, &config, false, Sources::Keep).unwrap();
        let a = |lib: &Library| {
            let p = lib.pages.iter().find(|p| p.content_path == "a.md").unwrap();
            p.rendered.html.clone()
        };
        assert!(
            a(&lib).contains(r#"href="/news/b/#part-two""#),
            "{}",
            a(&lib)
        );

        write(
            "news/b.md",
            "+++\ntitle = \"B\"\nslug = \"moved\"\n+++\nbody\n",
        );
        let (lib, delta) = lib
            .update(content, &config, false, &[content.join("news/b.md")])
            .unwrap();
        assert_eq!(delta, Delta::Restructured, "a new URL moves the page");
        assert!(
            a(&lib).contains(r#"href="/news/moved/#part-two""#),
            "{}",
            a(&lib)
        );

        std::fs::remove_file(content.join("news/b.md")).unwrap();
        // The link is left for the link check, with its line.
        let (lib, _) = lib
            .update(content, &config, false, &[content.join("news/b.md")])
            .unwrap();
        let a = lib.pages.iter().find(|p| p.content_path == "a.md").unwrap();
        assert!(
            a.link_facts.links.contains(&("@/news/b.md".to_string(), 4)),
            "{:?}",
            a.link_facts
        );
    }

    #[test]
    fn an_edit_that_moves_nothing_replaces_only_its_page() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path();
        std::fs::create_dir_all(content.join("news")).unwrap();
        let write = |rel: &str, text: &str| std::fs::write(content.join(rel), text).unwrap();
        for (f, d) in [("a", "01"), ("b", "02"), ("c", "03")] {
            write(
                &format!("news/{f}.md"),
                &format!(
                    "+++\ntitle = \"{f}\"\ndate = 2024-01-{d}\n[taxonomies]\ntopics = [\"T\"]\n+++\nbody\n"
                ),
            );
        }
        let config = Config::default();
        let lib = load(content, &config, false, Sources::Keep).unwrap();
        let b = [content.join("news/b.md")];
        write(
            "news/b.md",
            "+++\ntitle = \"B!\"\ndate = 2024-01-02\n[taxonomies]\ntopics = [\"T\"]\n+++\nnew body\n",
        );
        let (new, delta) = lib.update(content, &config, false, &b).unwrap();
        assert_eq!(delta, Delta::InPlace(vec![1]));
        assert!(new.pages[1].rendered.html.contains("new body"));
        assert!(
            Arc::ptr_eq(&new.pages[0], &lib.pages[0]) && Arc::ptr_eq(&new.pages[2], &lib.pages[2])
        );
        let topics = new.taxonomies.iter().find(|t| t.name == "topics").unwrap();
        assert_eq!(topics.terms[0].pages, vec![0, 1, 2]);
        // A new date, new terms or a broken file are not in place.
        for text in [
            "+++\ntitle = \"B\"\ndate = 2024-01-09\n[taxonomies]\ntopics = [\"T\"]\n+++\nx\n",
            "+++\ntitle = \"B\"\ndate = 2024-01-02\n[taxonomies]\ntopics = [\"U\"]\n+++\nx\n",
        ] {
            write("news/b.md", text);
            let (_, delta) = new.update(content, &config, false, &b).unwrap();
            assert_eq!(delta, Delta::Restructured, "{text}");
        }
        write("news/b.md", "+++\ntitle = 3\n+++\nx\n");
        let errs = new.update(content, &config, false, &b).unwrap_err();
        assert!(errs[0].file.ends_with("news/b.md"), "{errs:?}");
    }

    #[test]
    fn a_build_that_drops_sources_renders_the_same_and_reads_the_text_again() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path();
        std::fs::create_dir_all(content.join("news")).unwrap();
        let write = |rel: &str, text: &str| std::fs::write(content.join(rel), text).unwrap();
        write(
            "a.md",
            "+++\ntitle = \"A\"\n+++\nSee [b](@/news/b.md), *then* `code`.\n\n微软与 OpenAI。\n",
        );
        write(
            "news/b.md",
            "+++\ntitle = \"B\"\n+++\nNo links here.\n\n- one\n- two\n",
        );
        let config = Config::default();
        let kept = load(content, &config, false, Sources::Keep).unwrap();
        let dropped = load(content, &config, false, Sources::Drop).unwrap();
        for (k, d) in kept.pages.iter().zip(&dropped.pages) {
            assert_eq!(k.content_path, d.content_path);
            let body = d.body(&config).unwrap();
            assert_eq!(k.rendered.html, body.html, "{}", k.content_path);
            assert_eq!(k.rendered.toc, body.toc, "{}", k.content_path);
            assert_eq!(
                (&k.summary, k.words, k.text_hash, k.body_key),
                (&d.summary, d.words, d.text_hash, d.body_key)
            );
            assert!(d.source().is_empty() && d.rendered.text.is_empty());
            let again = d.plain_text(&config).unwrap();
            assert_eq!(again, k.rendered.text.as_str(), "{}", k.content_path);
        }
        assert!(
            dropped.pages[0]
                .rendered
                .html
                .contains(r#"href="/news/b/""#),
            "a body with an `@/` link is held, rendered with the library's URLs"
        );
        let b = &dropped.pages[1];
        assert!(b.rendered.html.is_empty(), "a body without one is not held");

        // A file edited after loading is not read as if it were the loaded one.
        write("news/b.md", "+++\ntitle = \"B\"\n+++\nEdited.\n");
        let b = dropped
            .pages
            .iter()
            .find(|p| p.content_path == "news/b.md")
            .unwrap();
        let err = b.plain_text(&config).unwrap_err().to_string();
        assert!(
            err.contains("b.md` changed while the site was being built"),
            "{err}"
        );
        let err = b.body(&config).unwrap_err().to_string();
        assert!(
            err.contains("changed while the site was being built"),
            "{err}"
        );
    }

    #[test]
    fn a_section_lists_its_pages_in_its_sort_order() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path();
        std::fs::create_dir_all(content.join("guide")).unwrap();
        let write = |rel: &str, text: &str| std::fs::write(content.join(rel), text).unwrap();
        write("guide/_index.md", "+++\nsort_by = \"weight\"\n+++\n");
        write(
            "guide/one.md",
            "+++\ntitle = \"One\"\nweight = 1\ndate = 2024-01-01\n+++\n",
        );
        write(
            "guide/two.md",
            "+++\ntitle = \"Two\"\nweight = 2\ndate = 2024-02-01\n+++\n",
        );
        let lib = load(content, &Config::default(), false, Sources::Keep).unwrap();
        let guide = lib.sections.iter().find(|s| s.path == "guide/").unwrap();
        let titles: Vec<&str> = guide
            .pages
            .iter()
            .map(|&i| lib.pages[i].meta.title.as_str())
            .collect();
        assert_eq!(titles, ["One", "Two"], "lightest first, not newest first");
    }
    #[test]
    fn sections_list_their_own_pages_and_those_of_transparent_subsections() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path();
        let write = |rel: &str, text: &str| {
            let path = content.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let page = |title: &str, day: u8| {
            format!("+++\ntitle = \"{title}\"\ndate = 2024-01-{day:02}\n+++\n## Head\n")
        };
        write(
            "news/_index.md",
            "+++\npage_template = \"story.html\"\n+++\n",
        );
        write("news/a.md", &page("A", 1));
        write(
            "news/2024/_index.md",
            "+++\ntitle = \"2024\"\ntransparent = true\nweight = 2\n+++\n",
        );
        write("news/2024/b.md", &page("B", 2));
        write(
            "news/opinion/_index.md",
            "+++\ntitle = \"Opinion\"\nweight = 1\ninsert_anchor_links = \"left\"\nin_search_index = false\n+++\n",
        );
        write("news/opinion/c.md", &page("C", 3));
        write("news/loose/d.md", &page("D", 4)); // no `_index.md`: a page of `news/`
        let lib = load(content, &Config::default(), false, Sources::Keep).unwrap();
        let section = |path: &str| lib.sections.iter().find(|s| s.path == path).unwrap();
        let titles = |s: &Section| -> Vec<String> {
            s.pages
                .iter()
                .map(|&i| lib.pages[i].meta.title.clone())
                .collect()
        };
        assert_eq!(
            titles(section("news/")),
            ["D", "B", "A"],
            "not C: opinion is not transparent"
        );
        assert_eq!(titles(section("news/opinion/")), ["C"]);
        assert_eq!(titles(section("news/2024/")), ["B"]);
        let subs: Vec<&str> = section("news/")
            .subsections
            .iter()
            .map(|&k| lib.sections[k].path.as_str())
            .collect();
        assert_eq!(subs, ["news/opinion/", "news/2024/"], "by weight");
        let page = |t: &str| lib.pages.iter().find(|p| p.meta.title == t).unwrap();
        let c = page("C");
        assert_eq!(
            c.inherited.template.as_deref(),
            Some("story.html"),
            "from news/, two up"
        );
        assert!(!c.inherited.in_search_index);
        assert!(
            c.rendered
                .html
                .contains(r##"<a class="anchor" href="#head""##),
            "{}",
            c.rendered.html
        );
        let a = page("A");
        assert!(a.inherited.in_search_index && !a.rendered.html.contains("anchor"));

        // `serve`: an edited `_index.md` changes what its pages take and what lists them.
        write(
            "news/opinion/_index.md",
            "+++\ntitle = \"Opinion\"\ntransparent = true\n+++\n",
        );
        let (lib, delta) = lib
            .update(
                content,
                &Config::default(),
                false,
                &[content.join("news/opinion/_index.md")],
            )
            .unwrap();
        assert_eq!(delta, Delta::Restructured);
        let news = lib.sections.iter().find(|s| s.path == "news/").unwrap();
        assert_eq!(news.pages.len(), 4, "C is listed by news/ now");
        let c = lib.pages.iter().find(|p| p.meta.title == "C").unwrap();
        assert!(c.inherited.in_search_index && !c.rendered.html.contains("anchor"));
    }
}
