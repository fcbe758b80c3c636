//! Listings and their pagers: the index and each section, `page/<n>/` after the first (a
//! section's `paginate_path` names that folder), and the `page/1/` redirect to the first
//! page. The [`Paginator`] is shared with term pages.

use serde::Serialize;

use crate::content::library::{Section, SectionMeta, SortBy};

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
    /// The section's `[extra]` table (empty for the front page without `_index.md`).
    extra: Option<&'a toml::Table>,
    /// The section's Atom feed (`generate_feeds = true`), for `<link rel="alternate">`.
    feed_url: Option<String>,
    permalink: String,
    /// Its RSS feed, when the site writes RSS too.
    rss_url: Option<String>,
    /// The sections right below this one, by weight, then title (as Zola orders them).
    subsections: Vec<SubsectionView<'a>>,
    title: Option<&'a str>,
    url: String,
}

/// One of `section.subsections`.
#[derive(Serialize)]
struct SubsectionView<'a> {
    description: Option<&'a str>,
    /// How many articles it lists.
    page_count: usize,
    permalink: String,
    title: Option<&'a str>,
    url: String,
    weight: i64,
}

#[derive(Serialize)]
struct ListingView<'a> {
    section: SectionView<'a>,
    paginator: Paginator<'a>,
}

/// The default folder of listing pages after the first.
pub(super) const PAGE: &str = "page";

/// The site-relative path of pager `pager` (0-based) of the listing at `path`, whose pages
/// after the first are in the folder `paginate_path`.
pub(super) fn pager_path(path: &str, paginate_path: &str, pager: usize) -> String {
    if pager == 0 {
        path.to_string()
    } else {
        format!("{path}{paginate_path}/{}/", pager + 1)
    }
}

impl<'a> Paginator<'a> {
    /// Page `pager` of `items` (page indices) at `path`, `per` to a page.
    pub(super) fn new(
        r: &'a Renderer<'a>,
        path: &str,
        paginate_path: &str,
        items: &[usize],
        per: usize,
        pager: usize,
    ) -> Paginator<'a> {
        let n = pagers(items.len(), per);
        let link = |k: usize| r.urls.url(&pager_path(path, paginate_path, k));
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
    paginate_path: &str,
    n_items: usize,
    per: usize,
) -> Option<Item<'t, RedirectView>> {
    (pagers(n_items, per) > 1).then(|| {
        let to = r.urls.url(path);
        Item::new(
            format!("{path}{paginate_path}/1/index.html"),
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
    paginate_path: &'a str,
    section: Option<&'a Section>,
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
        paginate_path: PAGE,
        section: root,
        template: "index.html",
    }];
    for s in &lib.sections {
        // A redirecting section has its redirect page instead (see `redirect::emit`).
        if s.path.is_empty() || s.meta.render == Some(false) || s.redirect.is_some() {
            continue;
        }
        out.push(Listing {
            path: &s.path,
            items: &s.pages,
            ascending: s.meta.sort_by == SortBy::Date && !s.meta.paginate_reversed,
            per: s.meta.paginate_by.unwrap_or(r.config.paginate_by).max(1),
            paginate_path: &s.meta.paginate_path,
            section: Some(s),
            template: s.meta.template.as_deref().unwrap_or("section.html"),
        });
    }
    out
}

/// The feeds of a section with `generate_feeds = true` (see [`crate::config::Config::section_feeds`]).
/// Shared with [`super::feed`].
pub(super) fn section_feeds(r: &Renderer, meta: &SectionMeta) -> &'static [&'static str] {
    if meta.generate_feeds {
        r.config.section_feeds()
    } else {
        &[]
    }
}

fn section_view<'a>(r: &'a Renderer, path: &str, s: Option<&'a Section>) -> SectionView<'a> {
    let meta = s.map(|s| &s.meta);
    let feeds = meta.map_or(&[][..], |m| section_feeds(r, m));
    // The front page has no feeds of its own: it links those of the site that are written.
    let written = |name: &str| !path.is_empty() || r.config.site_feeds().contains(&name);
    let feed = |name: &str| {
        (feeds.contains(&name) && written(name)).then(|| r.urls.url(&format!("{path}{name}")))
    };
    let subsections = s.map_or(Vec::new(), |s| {
        s.subsections
            .iter()
            .map(|&k| &r.library.sections[k])
            .map(|sub| SubsectionView {
                description: sub.meta.description.as_deref(),
                page_count: sub.pages.len(),
                permalink: r.urls.permalink(&sub.path),
                title: sub.meta.title.as_deref(),
                url: r.urls.url(&sub.path),
                weight: sub.meta.weight,
            })
            .collect()
    });
    SectionView {
        description: meta.and_then(|m| m.description.as_deref()),
        extra: meta.map(|m| &m.extra),
        feed_url: feed("atom.xml"),
        permalink: r.urls.permalink(path),
        rss_url: feed("rss.xml"),
        subsections,
        title: meta.and_then(|m| m.title.as_deref()),
        url: r.urls.url(path),
    }
}

pub(super) fn emit(r: &Renderer, run: &mut Run) {
    let mut pages = Vec::new();
    let mut redirects = Vec::new();
    for l in listings(r) {
        for pager in r.pagers_to_render(l.items, l.per, l.ascending) {
            let view = ListingView {
                section: section_view(r, l.path, l.section),
                paginator: Paginator::new(r, l.path, l.paginate_path, l.items, l.per, pager),
            };
            let path = format!("{}index.html", pager_path(l.path, l.paginate_path, pager));
            pages.push(Item::new(path, l.template, &r.config.language, view));
        }
        if !r.scoped() {
            redirects.extend(first_page_redirect(
                r,
                l.path,
                l.paginate_path,
                l.items.len(),
                l.per,
            ));
        }
    }
    r.emit_templates(pages, run);
    super::redirect::emit_items(r, redirects, run);
}
