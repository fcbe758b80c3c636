//! Listings and their pagers: the index and each section, `page/<n>/` after the first, and the
//! `page/1/` redirect to the first page. The [`Paginator`] is shared with term pages.

use serde::Serialize;

use crate::content::library::SectionMeta;

use super::redirect::RedirectView;
use super::{Card, Item, Renderer, Run, pagers};

/// `paginator` in listing templates. Fields in alphabetical order, as the map it replaces.
#[derive(Serialize)]
pub(super) struct Paginator<'a> {
    current_index: usize,
    first: String,
    last: String,
    next: Option<String>,
    number_pagers: usize,
    /// The cards of this page's articles.
    pages: Vec<Card<'a>>,
    previous: Option<String>,
    total_items: usize,
}

/// `section` in listing templates.
#[derive(Serialize)]
struct SectionView<'a> {
    description: Option<&'a str>,
    permalink: String,
    title: Option<&'a str>,
    url: String,
}

#[derive(Serialize)]
struct ListingView<'a> {
    section: SectionView<'a>,
    paginator: Paginator<'a>,
}

/// The site-relative path of pager `pager` (0-based) of the listing at `path`.
pub(super) fn pager_path(path: &str, pager: usize) -> String {
    if pager == 0 {
        path.to_string()
    } else {
        format!("{path}page/{}/", pager + 1)
    }
}

impl<'a> Paginator<'a> {
    /// Page `pager` of `items` (page indices) at `path`, `per` to a page.
    pub(super) fn new(
        r: &'a Renderer<'a>,
        path: &str,
        items: &[usize],
        per: usize,
        pager: usize,
    ) -> Paginator<'a> {
        let n = pagers(items.len(), per);
        let link = |k: usize| r.urls.url(&pager_path(path, k));
        Paginator {
            current_index: pager + 1,
            first: link(0),
            last: link(n - 1),
            next: (pager + 1 < n).then(|| link(pager + 1)),
            number_pagers: n,
            pages: items
                .iter()
                .skip(pager * per)
                .take(per)
                .map(|&i| r.card_ref(i))
                .collect(),
            previous: pager.checked_sub(1).map(link),
            total_items: items.len(),
        }
    }
}

/// The `page/1/` redirects of listings with a second page: `/page/1/` is the first page.
pub(super) fn first_page_redirect<'t>(
    r: &Renderer,
    path: &str,
    n_items: usize,
    per: usize,
) -> Option<Item<'t, RedirectView>> {
    (pagers(n_items, per) > 1).then(|| {
        let to = r.urls.url(path);
        Item::new(
            format!("{path}page/1/index.html"),
            "redirect",
            "",
            RedirectView { to },
        )
    })
}

/// One listing: the index (no section) or a section.
struct Listing<'a> {
    path: &'a str,
    items: &'a [usize],
    /// Whether `items` are in reading order (ascending page indices).
    ascending: bool,
    per: usize,
    meta: Option<&'a SectionMeta>,
    template: &'a str,
}

fn listings<'a>(r: &'a Renderer) -> Vec<Listing<'a>> {
    let lib = r.library;
    let root = lib.sections.iter().find(|s| s.path.is_empty());
    let mut out = vec![Listing {
        path: "",
        items: &r.all,
        ascending: true,
        per: r.config.paginate_by,
        meta: root.map(|s| &s.meta),
        template: "index.html",
    }];
    for s in &lib.sections {
        if s.path.is_empty() || s.meta.render == Some(false) {
            continue;
        }
        out.push(Listing {
            path: &s.path,
            items: &s.pages,
            ascending: s.meta.sort_by == crate::content::library::SortBy::Date,
            per: s.meta.paginate_by.unwrap_or(r.config.paginate_by).max(1),
            meta: Some(&s.meta),
            template: s.meta.template.as_deref().unwrap_or("section.html"),
        });
    }
    out
}

pub(super) fn emit(r: &Renderer, run: &mut Run) {
    let mut pages = Vec::new();
    let mut redirects = Vec::new();
    for l in listings(r) {
        for pager in r.pagers_to_render(l.items, l.per, l.ascending) {
            let view = ListingView {
                section: SectionView {
                    description: l.meta.and_then(|m| m.description.as_deref()),
                    permalink: r.urls.permalink(l.path),
                    title: l.meta.and_then(|m| m.title.as_deref()),
                    url: r.urls.url(l.path),
                },
                paginator: Paginator::new(r, l.path, l.items, l.per, pager),
            };
            let path = format!("{}index.html", pager_path(l.path, pager));
            pages.push(Item::new(path, l.template, &r.config.language, view));
        }
        if !r.scoped() {
            redirects.extend(first_page_redirect(r, l.path, l.items.len(), l.per));
        }
    }
    r.emit_templates(pages, run);
    super::redirect::emit_items(r, redirects, run);
}
