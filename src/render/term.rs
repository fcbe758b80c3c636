//! Taxonomy pages: the list of a taxonomy's terms (`companies/`) and each term's listing
//! (`companies/<slug>/`, paginated like a section), with vocabulary metadata (issue 4).

use serde::Serialize;

use super::listing::{PAGE, Paginator, first_page_redirect, pager_path};
use super::views::{self, TermView};
use super::{Item, Renderer, Run};

/// `taxonomy` in the taxonomy templates. Fields in alphabetical order, as the map it replaces.
#[derive(Serialize)]
struct TaxonomyView<'a> {
    name: &'a str,
    permalink: String,
    title: String,
    url: String,
}

#[derive(Serialize)]
struct TermListView<'a> {
    taxonomy: &'a TaxonomyView<'a>,
    terms: Vec<&'a TermView>,
}

#[derive(Serialize)]
struct TermPageView<'a> {
    taxonomy: &'a TaxonomyView<'a>,
    term: &'a TermView,
    paginator: Paginator<'a>,
}

fn taxonomy<'a>(r: &Renderer, name: &'a str) -> TaxonomyView<'a> {
    TaxonomyView {
        name,
        permalink: r.urls.permalink(&format!("{name}/")),
        title: views::taxonomy_title(r.config, r.rules.strings, name),
        url: r.urls.url(&format!("{name}/")),
    }
}

/// Whether the taxonomy has per-term feeds.
pub(super) fn has_feed(r: &Renderer, taxonomy: &str) -> bool {
    r.config.taxonomies.get(taxonomy).is_some_and(|t| t.feed)
}

pub(super) fn emit<'r>(r: &'r Renderer<'r>, run: &mut Run) {
    let lang = r.config.language.as_str();
    // Per taxonomy, the terms to look at with their pagers: every term and pager, or (in an
    // in-place update) the pagers that show a changed page.
    let todo: Vec<Vec<(usize, Vec<usize>)>> = r
        .library
        .taxonomies
        .iter()
        .map(|tax| {
            let per = r.config.taxonomy_paginate_by(&tax.name);
            tax.terms
                .iter()
                .enumerate()
                .map(|(k, t)| (k, r.pagers_to_render(&t.pages, per, true)))
                .filter(|(_, pagers)| !pagers.is_empty())
                .collect()
        })
        .collect();
    // Each term's view and its taxonomy's, made once and shared by all of the term's pagers.
    let heads: Vec<(TaxonomyView, Vec<TermView>)> = r
        .library
        .taxonomies
        .iter()
        .zip(&todo)
        .map(|(tax, todo)| {
            let feed = has_feed(r, &tax.name);
            let terms = todo
                .iter()
                .map(|(k, _)| r.term_view(&tax.name, &tax.terms[*k], feed))
                .collect();
            (taxonomy(r, &tax.name), terms)
        })
        .collect();
    let mut lists = Vec::new();
    let mut pages = Vec::new();
    let mut redirects = Vec::new();
    for ((tax, (tax_view, term_views)), todo) in r.library.taxonomies.iter().zip(&heads).zip(&todo)
    {
        // The list of terms shows their names and counts, which an in-place update keeps.
        if !r.scoped() {
            // Most articles first, then by name: the browsing order readers expect.
            let mut order: Vec<&TermView> = term_views.iter().collect();
            order.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.slug.cmp(&b.slug)));
            let view = TermListView {
                taxonomy: tax_view,
                terms: order,
            };
            lists.push(Item::new(
                format!("{}/index.html", tax.name),
                "taxonomy_list.html",
                lang,
                view,
            ));
        }
        let per = r.config.taxonomy_paginate_by(&tax.name);
        for ((k, to_render), term_view) in todo.iter().zip(term_views) {
            let t = &tax.terms[*k];
            let path = format!("{}/{}/", tax.name, t.slug);
            for &pager in to_render {
                let view = TermPageView {
                    taxonomy: tax_view,
                    term: term_view,
                    paginator: Paginator::new(r, &path, PAGE, &t.pages, per, pager),
                };
                let file = format!("{}index.html", pager_path(&path, PAGE, pager));
                pages.push(Item::new(file, "taxonomy_single.html", lang, view));
            }
            if !r.scoped() {
                redirects.extend(first_page_redirect(r, &path, PAGE, t.pages.len(), per));
            }
        }
    }
    r.emit_templates(lists, run);
    r.emit_templates(pages, run);
    super::redirect::emit_items(r, redirects, run);
}
