//! `sitemap.xml`: the home page, every article (with its last change), every rendered
//! section, every taxonomy and term (with its newest article's date).

use serde::Serialize;

use super::{Item, Renderer, Run};

/// One `<url>`. Fields in alphabetical order, as the map it replaces.
#[derive(Serialize)]
struct Entry {
    lastmod: Option<String>,
    permalink: String,
}

#[derive(Serialize)]
struct SitemapView {
    entries: Vec<Entry>,
}

fn entries(r: &Renderer) -> Vec<Entry> {
    let lib = r.library;
    let entry = |path: &str, lastmod: Option<String>| Entry {
        lastmod,
        permalink: r.urls.permalink(path),
    };
    let mut out = vec![entry("", None)];
    for p in &lib.pages {
        out.push(entry(
            &p.path,
            p.meta.updated.or(p.date).map(|d| d.rfc3339()),
        ));
    }
    for s in &lib.sections {
        if !s.path.is_empty() && s.meta.render != Some(false) {
            out.push(entry(&s.path, None));
        }
    }
    for tax in &lib.taxonomies {
        out.push(entry(&format!("{}/", tax.name), None));
        for t in &tax.terms {
            let newest = t
                .pages
                .first()
                .and_then(|&i| lib.pages[i].date)
                .map(|d| d.rfc3339());
            out.push(entry(&format!("{}/{}/", tax.name, t.slug), newest));
        }
    }
    out
}

pub(super) fn emit(r: &Renderer, run: &mut Run) {
    let view = SitemapView {
        entries: entries(r),
    };
    let item = Item::new(
        "sitemap.xml".into(),
        "sitemap.xml",
        &r.config.language,
        view,
    );
    r.emit_templates(vec![item], run);
}
