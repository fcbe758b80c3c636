//! Section files (`_index.md`): metadata for a folder, not an article, and the order of the
//! folder's listing. Zola keys that newsroom does not implement are refused with the file,
//! line and key unless their value is what newsroom does anyway (`transparent = false`, or `true` on a top-level
//! section: the front page lists every article), so a
//! setting is never silently ignored. Parsed from `&str`; no tera here.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::content::front_matter::{self, Fence};
use crate::content::page::{Diagnostic, Page};
use crate::diag::{key_line, line_col};
use crate::slug::slugify;

/// How a section lists its articles (Zola's `sort_by`).
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

/// A section's settings, as newsroom uses them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SectionMeta {
    pub title: Option<String>,
    pub description: Option<String>,
    pub draft: bool,
    pub sort_by: SortBy,
    pub template: Option<String>,
    pub paginate_by: Option<usize>,
    pub render: Option<bool>,
}

/// What a user may write in `_index.md`: newsroom's keys and the Zola keys it refuses unless
/// their value is what newsroom does anyway. Resolved into [`SectionMeta`] by [`resolve`].
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
    insert_anchor_links: Option<String>,
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
    pub meta: SectionMeta,
    /// Indices into `Library::pages`, in the section's order: pages anywhere below this folder.
    pub pages: Vec<usize>,
    /// The `_index.md` and the line of its `template` key, for messages.
    pub file: PathBuf,
    pub template_line: Option<usize>,
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
        key_line(split.front_matter, key)
            .or_else(|| key_line(split.front_matter, &format!("[{key}]")))
            .map(|l| split.front_matter_line + l - 1)
    };
    let meta = resolve(raw, &path).map_err(|refused| {
        refused
            .into_iter()
            .map(|(key, why)| Diagnostic::new(file, at(key), format!("`{key}`: {why}")))
            .collect::<Vec<_>>()
    })?;
    Ok(Section {
        path,
        template_line: meta
            .template
            .as_ref()
            .and_then(|_| crate::diag::front_matter_key_line(text, "template")),
        meta,
        pages: Vec::new(),
        file: file.to_path_buf(),
    })
}

/// Checks the keys newsroom does not implement and resolves `sort_by`; every refusal is
/// `(key, reason)`.
fn resolve(raw: SectionFile, path: &str) -> Result<SectionMeta, Vec<(&'static str, String)>> {
    let root = path.is_empty();
    // The front page lists every article, so a top-level section is transparent already.
    let top_level = path.matches('/').count() == 1;
    let mut refused = refusals(&raw, top_level);
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
    if root && sort_by != SortBy::Date {
        refused.push((
            "sort_by",
            "the front page always lists the newest first".into(),
        ));
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
    })
}

/// The Zola keys of `raw` set to something newsroom does not do, as `(key, reason)`.
fn refusals(raw: &SectionFile, top_level: bool) -> Vec<(&'static str, String)> {
    const NOT: &str = "newsroom does not implement this Zola setting; remove it";
    let mut refused: Vec<(&'static str, String)> = Vec::new();
    let mut refuse = |key, when: bool, why: &str| {
        if when {
            refused.push((key, why.to_string()));
        }
    };
    refuse(
        "weight",
        raw.weight.is_some(),
        "sections are not ordered; remove it",
    );
    refuse(
        "page_template",
        raw.page_template.is_some(),
        "set `template` in each article instead",
    );
    refuse(
        "paginate_path",
        raw.paginate_path.as_deref().is_some_and(|p| p != "page"),
        "listing pages are always at `page/N/`",
    );
    refuse(
        "paginate_reversed",
        raw.paginate_reversed == Some(true),
        NOT,
    );
    refuse(
        "insert_anchor_links",
        raw.insert_anchor_links
            .as_deref()
            .is_some_and(|v| v != "none"),
        NOT,
    );
    refuse(
        "in_search_index",
        raw.in_search_index == Some(true),
        "only articles are in the search index",
    );
    refuse("redirect_to", raw.redirect_to.is_some(), NOT);
    refuse(
        "transparent",
        raw.transparent == Some(true) && !top_level,
        "only a top-level section can be transparent (the front page lists every article)",
    );
    refuse(
        "aliases",
        !raw.aliases.is_empty(),
        "only articles have aliases",
    );
    refuse(
        "generate_feeds",
        raw.generate_feeds == Some(true),
        "sections have no feeds; the site's feeds are set in config.toml",
    );
    refuse(
        "generate_feed",
        raw.generate_feed == Some(true),
        "sections have no feeds; the site's feeds are set in config.toml",
    );
    refuse(
        "extra",
        !raw.extra.is_empty(),
        "a section's [extra] is not passed to templates",
    );
    refused
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn section(text: &str, rel: &str) -> Result<Section, Vec<Diagnostic>> {
        parse_section(text, Path::new(rel), Path::new(rel))
    }

    #[test]
    fn zola_keys_newsroom_ignores_are_errors_naming_line_and_key() {
        let errs = section(
            "+++\ntitle = \"News\"\npage_template = \"x.html\"\ntransparent = true\n\n[extra]\na = 1\n+++\n",
            "news/tech/_index.md",
        )
        .unwrap_err();
        let got: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(
            got[0].starts_with("news/tech/_index.md:3: `page_template`"),
            "{got:?}"
        );
        assert!(
            got[1].starts_with("news/tech/_index.md:4: `transparent`"),
            "{got:?}"
        );
        assert!(
            got[2].starts_with("news/tech/_index.md:6: `extra`"),
            "{got:?}"
        );
    }

    #[test]
    fn zola_keys_set_to_what_newsroom_does_are_accepted() {
        let s = section(
            "+++\nsort_by = \"date\"\ntransparent = false\npaginate_reversed = false\n\
             paginate_path = \"page\"\ninsert_anchor_links = \"none\"\ngenerate_feeds = false\n+++\n",
            "news/_index.md",
        )
        .unwrap();
        assert_eq!(s.path, "news/");
        assert_eq!(s.meta.sort_by, SortBy::Date);
        // Zola's usual `news/_index.md` (the benchmark corpus has it): the front page lists
        // every article already, so a top-level section is transparent in newsroom too.
        let s = section(
            "+++
title = \"News\"\nsort_by = \"date\"\ntransparent = true\nrender = false\n+++\n",
            "news/_index.md",
        )
        .unwrap();
        assert_eq!(s.meta.render, Some(false));
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
