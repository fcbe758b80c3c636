//! Section files (`_index.md`): metadata for a folder, not an article, and the order of the
//! folder's listing. Every key of Zola's section front matter is read as Zola documents it
//! (issue 16); a value newsroom cannot honour (a sorted or reversed front page, a bad
//! `paginate_path`) is refused with the file, line and key, so a setting is never silently
//! ignored. Which pages a section lists (its own and those of its transparent subsections)
//! is decided by the library. Parsed from `&str`; no tera here.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::config::AnchorLinks;
use crate::content::front_matter::{self, Fence};
use crate::content::page::{Diagnostic, Page};
use crate::diag::{key_line, line_col};
use crate::slug::slugify;

/// How a section lists its articles (Zola's `sort_by`).
/// Where a section's `redirect_to` sends the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redirect {
    /// A page of the site, by its site path (`news/a/`, `docs/start.html`).
    Site(String),
    /// Another site: the URL as written.
    External(String),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    /// Newest first, undated last (the site's reading order).
    #[default]
    Date,
    /// Most recently updated first (`updated`, else `date`), undated last.
    UpdateDate,
    /// By title, in Unicode order.
    Title,
    /// By the articles' `weight`, lightest first; articles without one last.
    Weight,
    /// In the order of the files' paths under `content/`.
    None,
}

impl SortBy {
    fn parse(s: &str) -> Option<SortBy> {
        Some(match s {
            "date" => SortBy::Date,
            "update_date" => SortBy::UpdateDate,
            "title" => SortBy::Title,
            "weight" => SortBy::Weight,
            "none" => SortBy::None,
            _ => return None,
        })
    }

    /// Orders `items` (indices into `pages`, in the library's reading order); ties keep
    /// that order.
    pub fn order(self, items: &mut [usize], pages: &[Arc<Page>]) {
        let newest_first = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (Some(a), Some(b)) => b.cmp(&a),
            (a, b) => b.is_some().cmp(&a.is_some()),
        };
        match self {
            SortBy::Date => {}
            SortBy::UpdateDate => {
                let key = |i: usize| {
                    let p = &pages[i];
                    p.meta.updated.or(p.date).map(|d| d.timestamp().as_second())
                };
                items.sort_by(|&a, &b| newest_first(key(a), key(b)));
            }
            SortBy::Title => items.sort_by(|&a, &b| pages[a].meta.title.cmp(&pages[b].meta.title)),
            SortBy::Weight => {
                items.sort_by_key(|&i| (pages[i].meta.weight.is_none(), pages[i].meta.weight))
            }
            SortBy::None => {
                items.sort_by(|&a, &b| pages[a].content_path.cmp(&pages[b].content_path))
            }
        }
    }
}

/// A section's settings, as newsroom uses them (Zola's defaults where a key is absent).
#[derive(Debug, Clone, Serialize)]
pub struct SectionMeta {
    pub title: Option<String>,
    pub description: Option<String>,
    pub draft: bool,
    pub sort_by: SortBy,
    pub template: Option<String>,
    pub paginate_by: Option<usize>,
    pub render: Option<bool>,
    /// Orders the section among its parent's subsections, lightest first.
    pub weight: i64,
    /// The default `template` of every page below this section (the nearest section's wins).
    pub page_template: Option<String>,
    /// The folder of listing pages after the first: `news/page/2/`.
    pub paginate_path: String,
    /// The sorted order reversed before paginating.
    pub paginate_reversed: bool,
    /// Overrides `[markdown] insert_anchor_links` for the section's own pages.
    pub insert_anchor_links: Option<AnchorLinks>,
    /// `false`: the section's own pages are left out of the search index.
    pub in_search_index: bool,
    /// The section's URL redirects here (`@/` content path, URL, or site path); no listing.
    pub redirect_to: Option<String>,
    /// The section's pages are listed by its parent section too.
    pub transparent: bool,
    /// Old URLs that redirect to the section.
    pub aliases: Vec<String>,
    /// An Atom feed (and RSS when the site writes it) at `SECTION/atom.xml`.
    pub generate_feeds: bool,
    /// The user's own data, `section.extra` in the section's template.
    pub extra: toml::Table,
}

impl Default for SectionMeta {
    fn default() -> Self {
        SectionMeta {
            title: None,
            description: None,
            draft: false,
            sort_by: SortBy::Date,
            template: None,
            paginate_by: None,
            render: None,
            weight: 0,
            page_template: None,
            paginate_path: "page".into(),
            paginate_reversed: false,
            insert_anchor_links: None,
            in_search_index: true,
            redirect_to: None,
            transparent: false,
            aliases: Vec::new(),
            generate_feeds: false,
            extra: toml::Table::new(),
        }
    }
}

/// What a user may write in `_index.md`: Zola's section keys. Resolved into [`SectionMeta`]
/// by [`resolve`].
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SectionFile {
    title: Option<String>,
    description: Option<String>,
    draft: bool,
    sort_by: Option<String>,
    template: Option<String>,
    paginate_by: Option<usize>,
    render: Option<bool>,
    weight: Option<i64>,
    page_template: Option<String>,
    paginate_path: Option<String>,
    paginate_reversed: Option<bool>,
    insert_anchor_links: Option<AnchorLinks>,
    in_search_index: Option<bool>,
    redirect_to: Option<String>,
    transparent: Option<bool>,
    aliases: Vec<String>,
    generate_feeds: Option<bool>,
    generate_feed: Option<bool>,
    extra: toml::Table,
}

#[derive(Debug, Clone)]
pub struct Section {
    /// Site-relative path, e.g. `news/`; empty for the root `content/_index.md`.
    pub path: String,
    /// The folder under `content/`, as written (`News/2024/`); empty for the root.
    pub dir: String,
    pub meta: SectionMeta,
    /// Indices into `Library::pages`, in the section's order (reversed with
    /// `paginate_reversed`): its own pages and those of its transparent subsections, as Zola
    /// lists them.
    pub pages: Vec<usize>,
    /// Indices into `Library::sections` of the sections right below this one (the nearest
    /// `_index.md` above theirs is this one), by weight, then title.
    pub subsections: Vec<usize>,
    /// Index into `Library::sections` of the nearest section above this one.
    pub parent: Option<usize>,
    /// The `_index.md` and the lines of its keys, for messages.
    pub file: PathBuf,
    pub template_line: Option<usize>,
    pub page_template_line: Option<usize>,
    pub aliases_line: Option<usize>,
    pub redirect_line: Option<usize>,
    /// `redirect_to` resolved by the library.
    pub redirect: Option<Redirect>,
}

impl Section {
    /// Whether the page at `content_path` (`news/a.md`, `news/b/index.md`) lies below this
    /// section's folder.
    pub fn holds(&self, content_path: &str) -> bool {
        content_path.starts_with(&self.dir)
    }
}

/// Parses `_index.md` (`rel` relative to `content/`, `file` as shown in messages).
pub fn parse_section(text: &str, rel: &Path, file: &Path) -> Result<Section, Vec<Diagnostic>> {
    let split = front_matter::split(text).map_err(|e| {
        vec![Diagnostic {
            file: file.to_path_buf(),
            line: Some(e.line),
            column: e.column,
            message: e.message,
        }]
    })?;
    let raw: SectionFile = match split.fence {
        Fence::Toml => toml::from_str(split.front_matter).map_err(|e| {
            let (l, c) = e
                .span()
                .map_or((1, 1), |s| line_col(split.front_matter, s.start));
            vec![Diagnostic {
                file: file.to_path_buf(),
                line: Some(split.front_matter_line + l - 1),
                column: Some(c),
                message: e.message().trim().to_string(),
            }]
        })?,
        Fence::Yaml => serde_saphyr::from_str(split.front_matter).map_err(|e| {
            vec![Diagnostic::new(
                file,
                Some(split.front_matter_line),
                e.to_string(),
            )]
        })?,
    };
    let mut path = String::new();
    for comp in rel.parent().unwrap_or(Path::new("")).components() {
        path.push_str(&slugify(&comp.as_os_str().to_string_lossy()));
        path.push('/');
    }
    // A key is written `key = …` (`key: …` in YAML), or `[key]` for a table.
    let at = |key: &str| {
        crate::diag::front_matter_key_line(text, key).or_else(|| {
            key_line(split.front_matter, &format!("[{key}]"))
                .map(|l| split.front_matter_line + l - 1)
        })
    };
    let meta = resolve(raw, &path).map_err(|refused| {
        let mut errs: Vec<Diagnostic> = refused
            .into_iter()
            .map(|(key, why)| Diagnostic::new(file, at(key), format!("`{key}`: {why}")))
            .collect();
        errs.sort_by_key(|d| d.line);
        errs
    })?;
    let line = |set: bool, key: &str| {
        set.then(|| crate::diag::front_matter_key_line(text, key))
            .flatten()
    };
    let dir = rel
        .parent()
        .map(|d| d.to_string_lossy().replace('\\', "/"))
        .filter(|d| !d.is_empty())
        .map_or(String::new(), |d| format!("{d}/"));
    Ok(Section {
        path,
        dir,
        template_line: line(meta.template.is_some(), "template"),
        page_template_line: line(meta.page_template.is_some(), "page_template"),
        aliases_line: line(!meta.aliases.is_empty(), "aliases"),
        redirect_line: line(meta.redirect_to.is_some(), "redirect_to"),
        meta,
        pages: Vec::new(),
        subsections: Vec::new(),
        parent: None,
        redirect: None,
        file: file.to_path_buf(),
    })
}

/// Resolves `sort_by` and checks the values newsroom cannot honour; every refusal is
/// `(key, reason)`.
fn resolve(raw: SectionFile, path: &str) -> Result<SectionMeta, Vec<(&'static str, String)>> {
    let root = path.is_empty();
    let mut refused: Vec<(&'static str, String)> = Vec::new();
    let sort_by = match raw.sort_by.as_deref() {
        None => SortBy::Date,
        Some(s) => SortBy::parse(s).unwrap_or_else(|| {
            refused.push((
                "sort_by",
                format!("`{s}` is not one of date, update_date, title, weight, none"),
            ));
            SortBy::Date
        }),
    };
    // The front page lists every article, newest first, at `page/N/` (`page` is reserved
    // for it at the site's root).
    if root && sort_by != SortBy::Date {
        refused.push((
            "sort_by",
            "the front page always lists the newest first".into(),
        ));
    }
    let paginate_reversed = raw.paginate_reversed.unwrap_or(false);
    if root && paginate_reversed {
        refused.push((
            "paginate_reversed",
            "the front page always lists the newest first".into(),
        ));
    }
    let paginate_path = raw.paginate_path.unwrap_or_else(|| "page".into());
    if root && paginate_path != "page" {
        refused.push((
            "paginate_path",
            "the front page's listing pages are always at `page/N/`".into(),
        ));
    } else if let Err(why) = check_paginate_path(&paginate_path) {
        refused.push(("paginate_path", why));
    }
    if raw.generate_feeds.is_some() && raw.generate_feed.is_some() {
        refused.push((
            "generate_feed",
            "Zola's old name of `generate_feeds`, which is set too; keep one".into(),
        ));
    }
    if root && raw.redirect_to.is_some() {
        refused.push((
            "redirect_to",
            "the front page cannot redirect; set it in a section below".into(),
        ));
    }
    if let Some(to) = &raw.redirect_to
        && to.trim().is_empty()
    {
        refused.push((
            "redirect_to",
            "is empty; name a page, `@/` file or URL".into(),
        ));
    }
    for alias in &raw.aliases {
        if let Err(why) = crate::content::page::check_url_path(alias, true) {
            refused.push(("aliases", format!("alias {alias:?} {why}")));
        }
    }
    if !refused.is_empty() {
        return Err(refused);
    }
    Ok(SectionMeta {
        title: raw.title,
        description: raw.description,
        draft: raw.draft,
        sort_by,
        template: raw.template,
        paginate_by: raw.paginate_by,
        render: raw.render,
        weight: raw.weight.unwrap_or(0),
        page_template: raw.page_template,
        paginate_path,
        paginate_reversed,
        insert_anchor_links: raw.insert_anchor_links,
        in_search_index: raw.in_search_index.unwrap_or(true),
        redirect_to: raw.redirect_to,
        transparent: raw.transparent.unwrap_or(false),
        aliases: raw.aliases,
        generate_feeds: raw.generate_feeds.or(raw.generate_feed).unwrap_or(false),
        extra: raw.extra,
    })
}

/// `paginate_path` is one or more folder names (`page`, `p`, `archive/page`).
fn check_paginate_path(p: &str) -> Result<(), String> {
    let ok = !p.is_empty()
        && p.split('/').all(|seg| {
            !seg.is_empty()
                && seg
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '~'))
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{p}` is not a folder name (letters, digits, `-`, `_`, `~`, folders split by `/`)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn section(text: &str, rel: &str) -> Result<Section, Vec<Diagnostic>> {
        parse_section(text, Path::new(rel), Path::new(rel))
    }

    #[test]
    fn every_zola_section_key_is_read() {
        let s = section(
            "+++\ntitle = \"Tech\"\nweight = 3\npage_template = \"story.html\"\n\
             paginate_path = \"p\"\npaginate_reversed = true\ninsert_anchor_links = \"left\"\n\
             in_search_index = false\nredirect_to = \"@/news/a.md\"\ntransparent = true\n\
             aliases = [\"old-tech/\"]\ngenerate_feed = true\n\n[extra]\nicon = \"chip\"\n+++\n",
            "news/tech/_index.md",
        )
        .unwrap();
        assert_eq!(
            (s.path.as_str(), s.dir.as_str()),
            ("news/tech/", "news/tech/")
        );
        let m = &s.meta;
        assert_eq!(m.weight, 3);
        assert_eq!(m.page_template.as_deref(), Some("story.html"));
        assert_eq!(s.page_template_line, Some(4));
        assert_eq!((m.paginate_path.as_str(), m.paginate_reversed), ("p", true));
        assert_eq!(m.insert_anchor_links, Some(AnchorLinks::Left));
        assert!(!m.in_search_index && m.transparent && m.generate_feeds);
        assert_eq!(m.redirect_to.as_deref(), Some("@/news/a.md"));
        assert_eq!(s.redirect_line, Some(9));
        assert_eq!(
            (m.aliases.as_slice(), s.aliases_line),
            (&["old-tech/".to_string()][..], Some(11))
        );
        assert_eq!(m.extra["icon"].as_str(), Some("chip"));
    }

    #[test]
    fn absent_keys_take_zolas_defaults() {
        let s = section("+++\ntitle = \"News\"\n+++\n", "news/_index.md").unwrap();
        let m = &s.meta;
        assert_eq!((m.weight, m.paginate_path.as_str()), (0, "page"));
        assert!(m.in_search_index && !m.transparent && !m.generate_feeds && !m.paginate_reversed);
        assert_eq!(m.insert_anchor_links, None);
        // `in_search_index = true` is Zola's default: accepted, as every other default.
        let s = section(
            "+++\nin_search_index = true\ngenerate_feeds = false\npaginate_path = \"page\"\n+++\n",
            "news/_index.md",
        )
        .unwrap();
        assert!(s.meta.in_search_index);
    }

    #[test]
    fn values_newsroom_cannot_honour_are_refused_with_line_and_key() {
        let errs = section(
            "+++\npaginate_path = \"a b\"\ninsert_anchor_links = \"left\"\n\
             aliases = [\"../x\"]\ngenerate_feeds = true\ngenerate_feed = true\n+++\n",
            "news/_index.md",
        )
        .unwrap_err();
        let got: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(
            got[0].starts_with("news/_index.md:2: `paginate_path`"),
            "{got:?}"
        );
        assert!(got[1].starts_with("news/_index.md:4: `aliases`"), "{got:?}");
        assert!(
            got[2].starts_with("news/_index.md:6: `generate_feed`"),
            "{got:?}"
        );
        // The front page lists every article, newest first, at `page/N/`.
        let errs = section(
            "+++\npaginate_reversed = true\npaginate_path = \"p\"\nredirect_to = \"x\"\n+++\n",
            "_index.md",
        )
        .unwrap_err();
        let keys: Vec<&str> = errs
            .iter()
            .map(|e| e.message.split('`').nth(1).unwrap())
            .collect();
        assert_eq!(keys, ["paginate_reversed", "paginate_path", "redirect_to"]);
        let errs = section("+++\ninsert_anchor_links = \"top\"\n+++\n", "a/_index.md").unwrap_err();
        assert_eq!(errs[0].line, Some(2), "{errs:?}");
    }

    #[test]
    fn an_unknown_sort_order_or_a_sorted_front_page_is_refused() {
        let errs = section("+++\nsort_by = \"random\"\n+++\n", "news/_index.md").unwrap_err();
        assert_eq!(errs[0].line, Some(2));
        assert!(
            errs[0].message.contains("`random` is not one of"),
            "{errs:?}"
        );
        let errs = section("+++\nsort_by = \"title\"\n+++\n", "_index.md").unwrap_err();
        assert!(errs[0].message.contains("front page"), "{errs:?}");
        let errs =
            section("+++\nsort_by = \"title\"\nbogus = 1\n+++\n", "a/_index.md").unwrap_err();
        assert!(
            errs[0].message.contains("unknown field `bogus`"),
            "{errs:?}"
        );
    }

    #[test]
    fn sections_sort_by_weight_title_update_date_or_path() {
        let config = Config::default();
        let page = |file: &str, fm: &str| {
            let text = format!("+++\n{fm}\n+++\nbody");
            Arc::new(Page::parse(&text, Path::new(file), &config).unwrap())
        };
        // In reading order (newest first), as the library keeps them.
        let pages = vec![
            page("n/c.md", "title = \"Gamma\"\ndate = 2024-03-01\nweight = 2"),
            page(
                "n/a.md",
                "title = \"Beta\"\ndate = 2024-02-01\nupdated = 2024-06-01",
            ),
            page("n/b.md", "title = \"Alpha\"\ndate = 2024-01-01\nweight = 1"),
        ];
        let order = |by: SortBy| {
            let mut items = vec![0, 1, 2];
            by.order(&mut items, &pages);
            items
        };
        assert_eq!(order(SortBy::Date), [0, 1, 2]);
        assert_eq!(order(SortBy::Weight), [2, 0, 1]);
        assert_eq!(order(SortBy::Title), [2, 1, 0]);
        assert_eq!(order(SortBy::UpdateDate), [1, 0, 2]);
        assert_eq!(order(SortBy::None), [1, 2, 0]);
    }
}
