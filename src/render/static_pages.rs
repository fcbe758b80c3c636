//! Pages made from the theme and the config alone: `robots.txt`, `404.html`, the stylesheet,
//! and (with search on) the `/search/` page and its script. Their view is empty, except the
//! search page's: it also lists the most used terms of each taxonomy, so that the page with
//! no query, and a query with no results, offer somewhere to go.

use serde::Serialize;

use super::views::TermView;
use super::{Item, Renderer, Run};

/// Terms of each taxonomy the search page suggests.
const SUGGESTED_TERMS: usize = 8;

#[derive(Serialize)]
struct NoView {}

/// `search.html`'s view.
#[derive(Serialize)]
struct SearchView<'a> {
    /// Per taxonomy with terms, in the library's order: its most used terms.
    suggest: Vec<SuggestView<'a>>,
}

#[derive(Serialize)]
struct SuggestView<'a> {
    /// The taxonomy (`companies`).
    name: &'a str,
    title: String,
    url: String,
    /// Most articles first, then by slug (as on the taxonomy's list of terms).
    terms: Vec<SuggestTerm>,
}

/// A suggested term: what the page shows of it, and no more (the view is the page's
/// fingerprint in `serve`: a term's description or count changing does not re-render the
/// page, unless the order changes).
#[derive(Serialize)]
struct SuggestTerm {
    name: String,
    /// From the tagging vocabulary, when the term is in it.
    zh_name: Option<String>,
    url: String,
}

impl From<TermView> for SuggestTerm {
    fn from(t: TermView) -> SuggestTerm {
        SuggestTerm {
            name: t.name,
            zh_name: t.zh_name,
            url: t.url,
        }
    }
}

fn search_view<'r>(r: &'r Renderer<'r>) -> SearchView<'r> {
    let suggest = r
        .library
        .taxonomies
        .iter()
        .filter(|tax| !tax.terms.is_empty())
        .map(|tax| {
            let mut top: Vec<_> = tax.terms.iter().collect();
            top.sort_by(|a, b| {
                b.pages
                    .len()
                    .cmp(&a.pages.len())
                    .then_with(|| a.slug.cmp(&b.slug))
            });
            SuggestView {
                name: &tax.name,
                title: super::views::taxonomy_title(r.config, r.rules.strings, &tax.name),
                url: r.urls.url(&format!("{}/", tax.name)),
                terms: top
                    .into_iter()
                    .take(SUGGESTED_TERMS)
                    .map(|t| r.term_view(&tax.name, t, false).into())
                    .collect(),
            }
        })
        .collect();
    SearchView { suggest }
}

pub(super) fn emit<'r>(r: &'r Renderer<'r>, run: &mut Run) {
    let lang = r.config.language.as_str();
    let mut files = vec![
        ("robots.txt", "robots.txt"),
        ("404.html", "404.html"),
        ("style.css", "style.css"),
    ];
    if r.config.search.enabled {
        files.push(("search/search.js", "search.js"));
        let page = Item::new(
            "search/index.html".into(),
            "search.html",
            lang,
            search_view(r),
        );
        r.emit_templates(vec![page], run);
    }
    let items: Vec<_> = files
        .into_iter()
        .map(|(path, template)| Item::new(path.into(), template, lang, NoView {}))
        .collect();
    r.emit_templates(items, run);
}
