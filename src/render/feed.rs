//! Feeds: the site's (`generate_feeds`), each term's (when its taxonomy has `feed = true`)
//! and each section's (`generate_feeds = true`), the first `feed_limit` articles with their
//! content. Which of `atom.xml` and `rss.xml` each writes is `feed_filenames`, else newsroom's
//! default: both for the site, `atom.xml` for terms, `atom.xml` and (when the site writes its
//! feeds) `rss.xml` for sections; see [`crate::config::Config::site_feeds`].

use std::borrow::Cow;

use serde::Serialize;

use super::views::{CardView, DateView};
use super::{Item, Renderer, Run, Text};

#[derive(Serialize)]
struct Entry<'b> {
    #[serde(flatten)]
    card: CardView<'b>,
    content: Text<'b>,
}

#[derive(Serialize)]
struct FeedView<'a> {
    feed_title: String,
    feed_url: String,
    alternate_url: String,
    updated: Option<DateView>,
    entries: Vec<Entry<'a>>,
}

/// The feed `template` of the newest of `items`, for the listing at `path`.
fn feed<'a>(
    r: &'a Renderer,
    template: &'a str,
    title: String,
    path: &str,
    items: &[usize],
) -> Item<'a, FeedView<'a>> {
    let lib = r.library;
    let limit = r.config.feed_limit.max(1);
    // An article with neither `date` nor `updated` has no time a feed can give it (it must
    // not borrow another article's): it is left out, and `check` warns about it.
    let dated = |i: &&usize| lib.pages[**i].date.is_some() || lib.pages[**i].meta.updated.is_some();
    let entries: Vec<Entry> = items
        .iter()
        .filter(dated)
        .take(limit)
        .map(|&i| Entry {
            card: r.card(i),
            content: Text::Article { r, i },
        })
        .collect();
    // Newest entry date, not the clock: two builds of one input are byte-identical.
    let updated = items
        .iter()
        .filter_map(|&i| lib.pages[i].meta.updated.or(lib.pages[i].date))
        .max_by_key(|d| d.timestamp())
        .map(|d| DateView::new(&d, &r.config.language, r.rules.dates));
    let feed_path = format!("{path}{template}");
    let view = FeedView {
        feed_title: title,
        feed_url: r.urls.permalink(&feed_path),
        alternate_url: r.urls.permalink(path),
        updated,
        entries,
    };
    Item::new(feed_path, template, &r.config.language, view)
}

pub(super) fn emit(r: &Renderer, run: &mut Run) {
    use rayon::prelude::*;
    let cfg = r.config;
    // (template, title, listing path, articles)
    let mut specs: Vec<(&str, String, String, Cow<[usize]>)> = Vec::new();
    for s in &r.library.sections {
        if s.path.is_empty() {
            continue; // the front page's feeds are the site's
        }
        for &name in super::listing::section_feeds(r, &s.meta) {
            let title = match &s.meta.title {
                Some(t) => format!("{t} – {}", cfg.title),
                None => cfg.title.clone(),
            };
            // Newest first, whatever the section's order, as Zola's section feeds are.
            let mut newest = s.pages.clone();
            newest.sort_unstable();
            specs.push((name, title, s.path.clone(), newest.into()));
        }
    }
    for tax in &r.library.taxonomies {
        if !super::term::has_feed(r, &tax.name) {
            continue;
        }
        for t in &tax.terms {
            let path = format!("{}/{}/", tax.name, t.slug);
            let title = format!("{} – {}", t.name, cfg.title);
            for &name in cfg.term_feeds() {
                specs.push((name, title.clone(), path.clone(), t.pages.as_slice().into()));
            }
        }
    }
    for &name in cfg.site_feeds() {
        specs.push((
            name,
            cfg.title.clone(),
            String::new(),
            r.all.as_slice().into(),
        ));
    }
    // An in-place update looks at the feeds whose entries hold a changed page.
    let limit = cfg.feed_limit.max(1);
    if r.scoped() {
        specs.retain(|(_, _, _, pages)| {
            let newest = &pages[..pages.len().min(limit)];
            r.changed_positions(newest, true)
                .is_none_or(|at| !at.is_empty())
        });
    }
    let items = specs
        .into_par_iter()
        .map(|(template, title, path, pages)| feed(r, template, title, &path, &pages));
    r.emit_templates(items, run);
}
