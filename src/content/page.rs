//! One article: its front matter, where it lives, its rendered body and text measures.
//! Parsed from `&str` so tests need no files; no tera here.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::config::{Config, MarkdownConfig, SlugifyConfig};
use crate::content::front_matter::{Date, FrontMatter, FrontMatterError};
use crate::diag;
use crate::markdown::{self, Rendered};
use crate::slug::slugify;
use crate::text::{self, WordCount};

/// Length budget of automatic summaries, in characters.
pub const SUMMARY_CHARS: usize = 120;

/// A problem in one content file, reported as `path:line: message`.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl Diagnostic {
    pub fn new(file: &Path, line: Option<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_path_buf(),
            line,
            column: None,
            message: message.into(),
        }
    }

    fn from_front_matter(file: &Path, e: FrontMatterError) -> Diagnostic {
        Diagnostic {
            file: file.to_path_buf(),
            line: Some(e.line),
            column: e.column,
            message: e.message,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    /// Path of the source file (relative to `content/` from [`Page::parse`]; the library makes
    /// it the full path, for messages).
    pub file: PathBuf,
    /// Path of the source file relative to `content/`, as `@/` links name it.
    pub content_path: String,
    pub meta: FrontMatter,
    /// The date used for ordering: front matter, or a `YYYY-MM-DD-` file-name prefix.
    pub date: Option<Date>,
    pub slug: String,
    /// Site-relative path of the page, e.g. `news/wei-ruan/` (no leading slash).
    pub path: String,
    pub language: String,
    pub rendered: Rendered,
    /// Plain-text summary: the description, or the body cut at a sentence end.
    pub summary: String,
    pub words: WordCount,
    pub reading_minutes: u32,
    /// Seconds since the epoch of `date`, for ordering; `None` when undated.
    pub sort_key: Option<i64>,
    /// Hash of the file's text: what changed between two builds is found by comparing it.
    pub source_hash: u64,
    /// Hash of the body's plain text (what the search index reads of it).
    pub text_hash: u64,
    /// Hash of the rendered body (HTML, summary HTML, table of contents): what a view that
    /// shows the body is fingerprinted by, so the body itself need not be held.
    pub body_key: u64,
    /// Whether `rendered` holds the body (HTML, summary HTML, contents). A one-shot build
    /// drops it once the text measures are taken ([`Page::forget_body`]);
    /// [`Page::body`] then renders it again from the file.
    body_held: bool,
    /// Whether `rendered.text` was dropped by a one-shot build ([`Page::forget_source`]);
    /// [`Page::plain_text`] then renders it again from the file.
    text_dropped: bool,
    /// The file's text, read once: its lines name where a problem is, and the body is
    /// rendered from it.
    source: String,
    /// Byte offset of the body (after the front matter) in `source`.
    body_start: usize,
    /// Lines of the front-matter keys the library and the renderer check after the source is
    /// gone: `path`, `slug`, `aliases`, `template`.
    pub key_lines: KeyLines,
    /// Whether the body may hold an `@/` link (see [`Page::links_to_content`]).
    links: bool,
    /// What the link check needs of the body, kept when the body is dropped.
    pub link_facts: LinkFacts,
    /// For a bundle: [`Page::body_cache_key`], taken once.
    bundle_stamp: std::sync::OnceLock<u64>,
    /// What the sections above the page decide for it (set by the library before the body is
    /// rendered).
    pub inherited: Inherited,
}

/// What a page takes from the `_index.md` files above it, as Zola does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inherited {
    /// The nearest section's `page_template`: the page's template unless it sets its own.
    pub template: Option<String>,
    /// Its own section's `insert_anchor_links`, over `[markdown] insert_anchor_links`.
    pub anchor_links: Option<crate::config::AnchorLinks>,
    /// Its own section's `in_search_index`.
    pub in_search_index: bool,
}

impl Default for Inherited {
    fn default() -> Self {
        Inherited {
            template: None,
            anchor_links: None,
            in_search_index: true,
        }
    }
}

/// What the build's link check needs of a body ([`crate::content::check::check_body_links`]):
/// its links into the site with their lines, and the ids an `#anchor` may name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkFacts {
    /// `href` (as written into the HTML) and 1-based line in the file of each link into the
    /// site: relative, root-relative, `#anchor`, `@/…#anchor`, and the `@/` links to no
    /// content file, as written (`@/news/gone.md`).
    pub links: Vec<(String, usize)>,
    /// Heading and footnote ids.
    pub ids: Vec<String>,
}

/// What an article's body gives besides its HTML: what a build keeps of it between builds
/// instead of rendering it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measures {
    pub summary: String,
    pub words: WordCount,
    pub reading_minutes: u32,
    pub text_hash: u64,
    pub body_key: u64,
    pub link_facts: LinkFacts,
}

/// The key of a rendered body: its HTML, summary HTML and table of contents, hashed.
fn body_key(r: &Rendered) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(r.html.as_bytes());
    h.write_u8(0xff);
    match &r.summary_html {
        Some(s) => {
            h.write_u8(1);
            h.write(s.as_bytes());
        }
        None => h.write_u8(0),
    }
    for t in &r.toc {
        h.write_u8(t.level);
        h.write(t.id.as_bytes());
        h.write_u8(0xff);
        h.write(t.title.as_bytes());
        h.write_u8(0xff);
    }
    h.finish()
}

/// Where some front-matter keys stand in the file (1-based), for messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyLines {
    pub path: Option<usize>,
    pub slug: Option<usize>,
    pub aliases: Option<usize>,
    pub template: Option<usize>,
}

impl KeyLines {
    fn of(text: &str, meta: &FrontMatter) -> KeyLines {
        let line = |set: bool, key: &str| {
            set.then(|| diag::front_matter_key_line(text, key))
                .flatten()
        };
        KeyLines {
            path: line(meta.path.is_some(), "path"),
            slug: line(meta.slug.is_some(), "slug"),
            aliases: line(!meta.aliases.is_empty(), "aliases"),
            template: line(meta.template.is_some(), "template"),
        }
    }

    /// The line that decides the URL: `path`, else `slug`.
    pub fn url(&self) -> Option<usize> {
        self.path.or(self.slug)
    }
}

/// Generated files at the site's root that no article path or alias may take.
const ROOT_FILES: &[&str] = &["index.html", "404.html"];

/// Whether `p` is a URL path an article (`alias = false`) or a redirect (`alias = true`) may
/// have: folders of letters, digits, `-`, `_`, `~` (any script), and for an alias a last
/// `NAME.html`. Everything else (a `.` in a folder name, control characters, `..`, `\`,
/// `?`, `#`, `%`, empty segments, the front page, generated root files) is refused: the
/// `Err` says why.
pub fn check_url_path(p: &str, alias: bool) -> Result<(), String> {
    if p.chars().any(char::is_control) {
        return Err("holds a control character".into());
    }
    let trimmed = p.trim_matches('/');
    if trimmed.is_empty() {
        return Err(if alias {
            "an alias of `/` would replace the front page".into()
        } else {
            "`/` is the front page; leave `path` out or name a folder".into()
        });
    }
    let segments: Vec<&str> = trimmed.split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        let name = match seg.strip_suffix(".html") {
            Some(stem) if alias && i == last => stem,
            _ => seg,
        };
        let ok = !name.is_empty()
            && name != "."
            && name != ".."
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '~'));
        if !ok {
            return Err(format!(
                "`{seg}` is not a folder name a URL can have (letters, digits, `-`, `_`, `~`{})",
                if alias {
                    "; an alias may end in `NAME.html`"
                } else {
                    ""
                }
            ));
        }
    }
    if segments.len() == 1 && ROOT_FILES.contains(&trimmed) {
        return Err(format!("`/{trimmed}` is a page the site generates"));
    }
    Ok(())
}

/// Splits `2023-06-08-some-title` into the date and the rest (Zola's convention).
fn date_prefix(stem: &str) -> (Option<Date>, &str) {
    let b = stem.as_bytes();
    if b.len() > 10
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b'-' || b[10] == b'_')
        && stem[..10].chars().all(|c| c.is_ascii_digit() || c == '-')
        && let Ok(d) = Date::parse(&stem[..10])
    {
        return (Some(d), &stem[11..]);
    }
    (None, stem)
}

impl Page {
    /// Parses an article and renders its body, leaving `@/` links as written. `file` is
    /// relative to `content/` and only used for names and paths.
    pub fn parse(text: &str, file: &Path, config: &Config) -> Result<Page, Vec<Diagnostic>> {
        let mut page = Page::read(text.to_string(), file, config)?;
        page.render_body(config, None)?;
        Ok(page)
    }

    /// Parses the front matter and works out the URL; the body is not rendered yet (see
    /// [`Page::render_body`]), so every page's URL can be known before any link is written.
    pub fn read(text: String, file: &Path, config: &Config) -> Result<Page, Vec<Diagnostic>> {
        let (meta, body) =
            FrontMatter::parse(&text).map_err(|e| vec![Diagnostic::from_front_matter(file, e)])?;
        let errors = front_matter_errors(&meta, &text, file, config);
        if !errors.is_empty() {
            return Err(errors);
        }
        let body_start = body.as_ptr() as usize - text.as_ptr() as usize;
        let (prefix_date, slug, path) = url_of(file, &meta, &config.slugify);
        let language = meta
            .extra
            .language
            .clone()
            .unwrap_or_else(|| config.language.clone());
        let date = meta.date.or(prefix_date);
        let key_lines = KeyLines::of(&text, &meta);
        let body = &text[body_start..];
        // A Markdown shortcode may write `@/` links too.
        let links = body.contains("@/")
            || config.markdown.shortcodes.may_link()
                && (body.contains("{{") || body.contains("{%"));
        Ok(Page {
            file: file.to_path_buf(),
            content_path: file.to_string_lossy().replace('\\', "/"),
            sort_key: date.map(|d| d.timestamp().as_second()),
            date,
            meta,
            slug,
            path,
            language,
            rendered: Rendered::default(),
            summary: String::new(),
            words: WordCount::default(),
            reading_minutes: 0,
            source_hash: std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, &text),
            text_hash: 0,
            body_key: 0,
            body_held: false,
            text_dropped: false,
            key_lines,
            links,
            link_facts: LinkFacts::default(),
            source: text,
            body_start,
            bundle_stamp: std::sync::OnceLock::new(),
            inherited: Inherited::default(),
        })
    }

    /// The folder of the bundle this page is the `index.md` of (`news/a/index.md`), and the
    /// URL its files are published under (the page's own, `/news/a/`).
    fn bundle(&self, base_path: &str) -> Option<(&Path, String)> {
        // A bundle's files are published beside its page (`Library::bundle_dirs`), wherever
        // a dated folder name, `slug` or `path` put it.
        self.content_path.strip_suffix("/index.md")?;
        let folder = self.file.parent()?;
        Some((folder, format!("{base_path}{}", self.path)))
    }

    /// The key of this page's body in the body cache ([`super::BodyCache`]): the hash of its
    /// file, and for a bundle also its place and each other file of its folder (path, size,
    /// mtime, ctime, inode, as the build's sources key): an image replaced by one of another
    /// size must not keep the body (and `width`/`height`) rendered with the old one. Taken
    /// once, when first asked.
    pub fn body_cache_key(&self) -> u64 {
        // A section's `insert_anchor_links` changes the body without changing the file.
        match self.inherited.anchor_links {
            None => self.file_key(),
            Some(a) => std::hash::BuildHasher::hash_one(
                &rustc_hash::FxBuildHasher,
                (self.file_key(), a as u8),
            ),
        }
    }

    /// The Markdown settings this page is rendered with: the site's, with its section's
    /// `insert_anchor_links` (Zola's per-section override).
    pub fn markdown<'c>(&self, site: &'c MarkdownConfig) -> Cow<'c, MarkdownConfig> {
        match self.inherited.anchor_links {
            Some(a) if a != site.insert_anchor_links => Cow::Owned(MarkdownConfig {
                insert_anchor_links: a,
                ..site.clone()
            }),
            _ => Cow::Borrowed(site),
        }
    }

    /// [`Page::body_cache_key`] as the file alone decides it.
    fn file_key(&self) -> u64 {
        let Some((folder, url)) = self.bundle("/") else {
            return self.source_hash;
        };
        *self.bundle_stamp.get_or_init(|| {
            use std::hash::{Hash, Hasher};
            let mut h = rustc_hash::FxHasher::default();
            self.source_hash.hash(&mut h);
            url.hash(&mut h);
            let files = walkdir::WalkDir::new(folder)
                .min_depth(1)
                .max_depth(4)
                .sort_by_file_name()
                .into_iter()
                .flatten()
                .filter(|e| {
                    e.file_type().is_file() && !(e.depth() == 1 && e.file_name() == "index.md")
                });
            for e in files {
                e.path()
                    .strip_prefix(folder)
                    .unwrap_or(e.path())
                    .hash(&mut h);
                let Ok(meta) = e.metadata() else { continue };
                crate::output::manifest::Stamp::of(&meta).hash(&mut h);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::MetadataExt;
                    (meta.ctime(), meta.ctime_nsec()).hash(&mut h);
                }
            }
            h.finish()
        })
    }

    /// Renders the body with `resolve` finding the URL of `@/` links (`None`: left as
    /// written), then derives the summary and text measures. A link to no content file is
    /// an error naming its line.
    pub fn render_body(
        &mut self,
        config: &Config,
        resolve: Option<markdown::Resolve<'_>>,
    ) -> Result<(), Vec<Diagnostic>> {
        let body = &self.source[self.body_start..];
        let rendered = self.render_markdown(body, config, resolve);
        let line = |offset: usize| self.line_at(self.body_start + offset);
        let mut links: Vec<(String, usize)> = rendered
            .local_links
            .iter()
            .map(|l| (l.href.clone(), line(l.offset)))
            .collect();
        // `@/` links to no content file are the link check's, reported with the other broken
        // links (or with the other content errors: see `library::assemble`).
        links.extend(
            rendered
                .unresolved
                .iter()
                .map(|u| (format!("@/{}", u.target), line(u.offset))),
        );
        let shortcode_errors = rendered
            .shortcode_problems
            .iter()
            .map(|p| Diagnostic::new(&self.file, Some(line(p.offset)), p.message.clone()));
        let errors: Vec<Diagnostic> = rendered
            .id_clashes
            .iter()
            .map(|c| {
                let why = if c.reserved {
                    "the theme's pages use it"
                } else {
                    "an earlier heading has it"
                };
                Diagnostic::new(
                    &self.file,
                    Some(line(c.offset)),
                    format!(
                        "heading id `{}` cannot be used: {why}; choose another",
                        c.id
                    ),
                )
            })
            .chain(shortcode_errors)
            .collect();
        self.link_facts = LinkFacts {
            links,
            ids: rendered.ids.clone(),
        };
        self.summary = match &self.meta.description {
            Some(d) if !d.trim().is_empty() => d.trim().to_string(),
            _ => text::summarize(
                rendered.lead.as_deref().unwrap_or_else(|| {
                    rendered
                        .text
                        .lines()
                        .find(|l| !l.trim().is_empty())
                        .unwrap_or("")
                }),
                SUMMARY_CHARS,
            ),
        };
        self.words = text::count_words(&rendered.text);
        self.text_hash =
            std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, &rendered.text);
        self.reading_minutes = text::reading_minutes(
            self.words,
            config.reading.cjk_chars_per_minute,
            config.reading.words_per_minute,
        );
        self.body_key = body_key(&rendered);
        self.body_held = true;
        self.rendered = rendered;
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// What its body gives besides the HTML (kept between builds by the body cache).
    pub fn measures(&self) -> Measures {
        Measures {
            summary: self.summary.clone(),
            words: self.words,
            reading_minutes: self.reading_minutes,
            text_hash: self.text_hash,
            body_key: self.body_key,
            link_facts: self.link_facts.clone(),
        }
    }

    /// Takes the measures an earlier build took of this very file (the same
    /// `source_hash`) instead of rendering the body: the source, the text and the body are
    /// then had again from the file when needed ([`Page::plain_text`], [`Page::body`]).
    pub fn take_measures(&mut self, m: &Measures) {
        debug_assert!(
            !self.links,
            "a body with `@/` links is rendered with the library"
        );
        self.summary = m.summary.clone();
        self.words = m.words;
        self.reading_minutes = m.reading_minutes;
        self.text_hash = m.text_hash;
        self.body_key = m.body_key;
        self.link_facts = m.link_facts.clone();
        self.forget_source();
        self.forget_body();
    }

    /// Drops the source text and the body's plain text once the page is rendered, for a
    /// one-shot build that will not render it again or ask for a line: a third of the memory
    /// a site takes. [`Page::line_of`] then finds nothing, and [`Page::plain_text`] reads
    /// the file again.
    pub fn forget_source(&mut self) {
        self.source = String::new();
        self.rendered.text = String::new();
        self.text_dropped = true;
    }

    /// Whether [`Page::forget_source`] dropped the source (the page is rendered).
    pub fn source_dropped(&self) -> bool {
        self.text_dropped
    }

    /// Whether the body may hold an `@/` link: rendering it then needs every page's URL.
    pub fn links_to_content(&self) -> bool {
        self.links
    }

    /// The body's plain text (for the search index): as rendered, or rendered again from
    /// the file when [`Page::forget_source`] dropped it. The file must still be the one
    /// loaded: one edited since is an error naming it (the build is then stopped before
    /// anything is committed).
    pub fn plain_text(&self, config: &Config) -> Result<Cow<'_, str>> {
        if !self.text_dropped {
            return Ok(Cow::Borrowed(&self.rendered.text));
        }
        Ok(Cow::Owned(self.render_again(config)?.text))
    }

    /// The rendered body (HTML, summary HTML, table of contents): as held, or rendered again
    /// from the file when a one-shot build dropped it ([`Page::forget_body`]). The file must
    /// still be the one loaded (else an error naming it).
    pub fn body(&self, config: &Config) -> Result<Cow<'_, Rendered>> {
        if self.body_held {
            return Ok(Cow::Borrowed(&self.rendered));
        }
        if self.links {
            // Its `@/` links were resolved against the whole library when it was loaded.
            anyhow::bail!(
                "internal error: the body of `{}` was dropped before it was shown",
                self.file.display()
            );
        }
        let mut rendered = self.render_again(config)?;
        rendered.text = String::new();
        Ok(Cow::Owned(rendered))
    }

    /// Renders the body again from the file (without resolving `@/` links).
    fn render_again(&self, config: &Config) -> Result<Rendered> {
        let text = crate::fsx::read_to_string(&self.file)?;
        let hash = std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, &text);
        if hash != self.source_hash || text.len() < self.body_start {
            anyhow::bail!(
                "`{}` changed while the site was being built; build again",
                self.file.display()
            );
        }
        Ok(self.render_markdown(&text[self.body_start..], config, None))
    }

    /// Renders `body` (this page's) with its bundle and its shortcodes' context.
    fn render_markdown(
        &self,
        body: &str,
        config: &Config,
        resolve: Option<markdown::Resolve<'_>>,
    ) -> Rendered {
        let base = config.base_path();
        let bundle = self.bundle(&base);
        let bundle_ref = bundle
            .as_ref()
            .map(|(dir, url)| markdown::Bundle { dir, url });
        let settings = self.markdown(&config.markdown);
        if !(body.contains("{{") || body.contains("{%")) {
            return markdown::render_in(body, &settings, &base, resolve, bundle_ref);
        }
        let page = self.shortcode_view(config);
        let cx = crate::expand::Page {
            page: &page,
            lang: &self.language,
            base_path: &base,
            bundle: bundle.as_ref().map(|(dir, url)| (*dir, url.as_str())),
        };
        markdown::render_page(body, &settings, &base, resolve, bundle_ref, Some(&cx))
    }

    /// The `page` a shortcode sees: the front matter, with the page's `slug`, `path` (from
    /// the site's root, base path included), `permalink`, `lang` and `content_path`.
    fn shortcode_view(&self, config: &Config) -> serde_json::Value {
        let mut v = serde_json::to_value(&self.meta).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            let path = format!("{}{}", config.base_path(), self.path);
            let permalink = format!("{}{}", config.base_url(), self.path);
            map.insert("slug".into(), self.slug.clone().into());
            map.insert("path".into(), path.into());
            map.insert("permalink".into(), permalink.into());
            map.insert("lang".into(), self.language.clone().into());
            map.insert("content_path".into(), self.content_path.clone().into());
            if let Some(d) = self.date {
                map.insert("date".into(), serde_json::to_value(d).unwrap_or_default());
            }
        }
        v
    }

    /// Drops the rendered body (HTML, summary HTML, table of contents): for a one-shot build,
    /// once its text measures are taken (a body without `@/` links, rendered again when it
    /// is shown) or once every page and feed showing it is written.
    pub fn forget_body(&mut self) {
        self.rendered.html = String::new();
        self.rendered.summary_html = None;
        self.rendered.toc = Vec::new();
        self.body_held = false;
    }

    /// The text of the source file, as read once.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// 1-based line of a byte offset in the source file.
    pub fn line_at(&self, offset: usize) -> usize {
        diag::line_col(&self.source, offset).0
    }

    /// 1-based line of the first occurrence of `needle` in the source file.
    pub fn line_of(&self, needle: &str) -> Option<usize> {
        diag::line_of(&self.source, needle)
    }

    pub fn is_draft(&self) -> bool {
        self.meta.draft
    }
}

/// What is wrong with a parsed front matter: no title, undeclared taxonomies, empty terms.
fn front_matter_errors(
    meta: &FrontMatter,
    text: &str,
    file: &Path,
    config: &Config,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    if meta.title.trim().is_empty() {
        errors.push(Diagnostic::new(file, Some(1), "missing `title`"));
    }
    if let Some(p) = &meta.path
        && let Err(why) = check_url_path(p, false)
    {
        errors.push(Diagnostic::new(
            file,
            diag::front_matter_key_line(text, "path"),
            format!("`path = {p:?}`: {why}"),
        ));
    }
    for a in &meta.aliases {
        if let Err(why) = check_url_path(a, true) {
            errors.push(Diagnostic::new(
                file,
                diag::front_matter_key_line(text, "aliases"),
                format!("alias {a:?}: {why}"),
            ));
        }
    }
    for (tax, terms) in &meta.taxonomies {
        if !config.taxonomies.contains_key(tax) {
            let declared: Vec<&str> = config.taxonomies.keys().map(String::as_str).collect();
            errors.push(Diagnostic::new(
                file,
                diag::key_line(text, tax),
                format!(
                    "unknown taxonomy `{tax}`; config.toml declares: {}",
                    declared.join(", ")
                ),
            ));
        }
        for t in terms {
            if t.trim().is_empty() {
                errors.push(Diagnostic::new(
                    file,
                    diag::key_line(text, tax),
                    format!("empty term in `{tax}`"),
                ));
            }
        }
    }
    errors
}

/// The site-relative path (`news/wei-ruan/`) `build` gives the article at `file` (relative to
/// `content/`) with front matter `meta` and the site's `[slugify]`: what `convert` checks for
/// collisions before writing.
pub fn site_path(file: &Path, meta: &FrontMatter, slugs: &SlugifyConfig) -> String {
    url_of(file, meta, slugs).2
}

/// The date of a `YYYY-MM-DD-` file-name prefix, the slug and the site-relative path
/// (`news/wei-ruan/`) of the article at `file`. The slug is `slug` or the file name (a
/// bundle's folder name) without its date prefix (kept with `[slugify] paths_keep_dates`),
/// made by `slugs` (Zola's with `paths = "on"`, else newsroom's); folders are newsroom's.
fn url_of(
    file: &Path,
    meta: &FrontMatter,
    slugs: &SlugifyConfig,
) -> (Option<Date>, String, String) {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("page");
    let parent = file.parent().unwrap_or(Path::new(""));
    // A page bundle (`foo/index.md`) is named by its directory.
    let (stem, parent) = if stem == "index" && parent != Path::new("") {
        let dir = parent
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or("page");
        (dir, parent.parent().unwrap_or(Path::new("")))
    } else {
        (stem, parent)
    };
    let (prefix_date, rest) = date_prefix(stem);
    let rest = if slugs.paths_keep_dates { stem } else { rest };
    let slug = slugs.path(meta.slug.as_deref().unwrap_or(rest));
    let slug = if slug.is_empty() {
        slugify(&meta.title)
    } else {
        slug
    };
    let path = match &meta.path {
        Some(p) => {
            let p = p.trim_matches('/');
            if p.is_empty() {
                String::new()
            } else {
                format!("{p}/")
            }
        }
        None => {
            let mut p = String::new();
            for comp in parent.components() {
                p.push_str(&slugify(&comp.as_os_str().to_string_lossy()));
                p.push('/');
            }
            p.push_str(&slug);
            p.push('/');
            p
        }
    };
    (prefix_date, slug, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str, file: &str) -> Result<Page, Vec<Diagnostic>> {
        Page::parse(text, Path::new(file), &Config::default())
    }

    #[test]
    fn path_comes_from_file_name_without_date_prefix() {
        let p = page("+++\ntitle = \"T\"\n+++\nbody", "news/2023-06-08-微软.md").unwrap();
        assert_eq!(p.path, "news/wei-ruan/");
        assert_eq!(p.date.unwrap().ymd(), "2023-06-08");
        let p = page("+++\ntitle = \"T\"\nslug = \"Custom Slug\"\n+++\n", "a.md").unwrap();
        assert_eq!(p.path, "custom-slug/");
        let p = page("+++\ntitle = \"T\"\n+++\n", "bundle/index.md").unwrap();
        assert_eq!(p.path, "bundle/");
    }

    #[test]
    fn zola_slugs_and_kept_dates_when_the_config_asks() {
        let mut config = Config::default();
        let path = |config: &Config, file: &str, fm: &str| {
            let text = format!("+++\ntitle = \"T\"\n{fm}+++\n");
            Page::parse(&text, Path::new(file), config).unwrap().path
        };
        assert_eq!(
            path(&config, "n/2024-05-06-AI芯片.md", ""),
            "n/ai-xin-pian/"
        );
        config.slugify.paths = Some(crate::config::PathSlugs::On);
        assert_eq!(path(&config, "n/2024-05-06-AI芯片.md", ""), "n/aixin-pian/");
        assert_eq!(path(&config, "n/Big News Day.md", ""), "n/big-news-day/");
        assert_eq!(path(&config, "n/x.md", "slug = \"10万\"\n"), "n/10mo/");
        assert_eq!(path(&config, "n/x/index.md", "path = \"a/B\"\n"), "a/B/");
        config.slugify.paths_keep_dates = true;
        let p = Page::parse(
            "+++\ntitle = \"T\"\n+++\n",
            Path::new("n/2024-05-06-AI芯片/index.md"),
            &config,
        )
        .unwrap();
        assert_eq!(p.path, "n/2024-05-06-aixin-pian/");
        assert_eq!(p.date.unwrap().ymd(), "2024-05-06", "still its date");
    }

    #[test]
    fn a_bundle_body_sizes_its_images_and_is_cached_by_them_too() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("news/2024-05-02-chips");
        std::fs::create_dir_all(&folder).unwrap();
        let png = |w: u8| {
            let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0".to_vec();
            b.extend_from_slice(&[w, 0, 0, 0, 9, 8, 2, 0, 0, 0]);
            b
        };
        std::fs::write(folder.join("image-1.png"), png(16)).unwrap();
        let text = "+++\ntitle = \"T\"\n+++\n![A chip](image-1.png)\n";
        let load = || {
            let config = Config::default();
            let mut p = Page::read(
                text.into(),
                Path::new("news/2024-05-02-chips/index.md"),
                &config,
            )
            .unwrap();
            p.file = folder.join("index.md");
            p.render_body(&config, None).unwrap();
            p
        };
        let first = load();
        let first_key = first.body_cache_key(); // taken at load, as the library does
        assert!(
            first.rendered.html.contains(
                // Published beside the page, at its URL (the dated folder name is its date).
                r#"<img src="/news/chips/image-1.png" alt="A chip" width="16" height="9">"#
            ),
            "{}",
            first.rendered.html
        );
        // Replaced later (file times are coarse on some file systems: one second later).
        let later = std::fs::metadata(folder.join("image-1.png"))
            .unwrap()
            .modified()
            .unwrap()
            + std::time::Duration::from_secs(1);
        std::fs::write(folder.join("image-1.png"), png(200)).unwrap();
        std::fs::File::options()
            .write(true)
            .open(folder.join("image-1.png"))
            .unwrap()
            .set_modified(later)
            .unwrap();
        let second = load();
        assert!(second.rendered.html.contains(r#"width="200""#));
        assert_eq!(first.source_hash, second.source_hash);
        assert_ne!(
            first_key,
            second.body_cache_key(),
            "a cached body would show the old size"
        );
        assert_eq!(first.body_cache_key(), first_key, "taken once");
        let flat = page(text, "news/chips.md").unwrap();
        assert_eq!(flat.body_cache_key(), flat.source_hash);
    }

    #[test]
    fn unknown_taxonomy_is_an_error_with_line() {
        let errs = page(
            "+++\ntitle = \"T\"\n[taxonomies]\ntags = [\"x\"]\n+++\n",
            "a.md",
        )
        .unwrap_err();
        assert_eq!(errs[0].line, Some(4));
        assert!(errs[0].message.contains("unknown taxonomy `tags`"));
    }

    #[test]
    fn summary_and_reading_time_follow_the_body() {
        let body = format!("{}。第二句。\n\nSecond paragraph.", "字".repeat(60));
        let p = page(&format!("+++\ntitle = \"T\"\n+++\n{body}"), "a.md").unwrap();
        assert_eq!(p.summary, format!("{}。第二句。", "字".repeat(60)));
        assert_eq!(p.words.cjk_chars, 63);
        assert_eq!(p.words.latin_words, 2);
        assert_eq!(p.reading_minutes, 1);
    }
}
