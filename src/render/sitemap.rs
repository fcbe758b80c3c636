//! `sitemap.xml`: the home page, every article (with its last change), every rendered
//! section, every taxonomy and term (with its newest article's date). The protocol allows
//! 50,000 URLs to a file: a bigger site gets `sitemap1.xml`, `sitemap2.xml`, … of at most
//! that many (template `sitemap.xml`) and a `sitemap.xml` that lists them (template
//! `split_sitemap_index.xml`, as in Zola), so `robots.txt` and search consoles keep one URL.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;
use serde::Serialize;

use super::{Item, Renderer, Run};
use crate::content::Date;

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

/// `split_sitemap_index.xml`: the permalinks of the numbered sitemaps.
#[derive(Serialize)]
struct SitemapIndexView {
    sitemaps: Vec<String>,
}

/// The most URLs one sitemap file may list (sitemaps.org).
pub(super) const MAX_URLS: usize = 50_000;

/// What one `<url>` is made from: the page's site path and its last change. Hashing these
/// (no URL formatting) is the sitemap's fingerprint, so a build or `serve` update that moves
/// no page and changes no date does not build the sitemap's view at all.
#[derive(Hash)]
struct Source<'a> {
    path: Cow<'a, str>,
    lastmod: Option<Date>,
}

fn sources<'a>(r: &'a Renderer) -> Vec<Source<'a>> {
    let lib = r.library;
    let source = |path: Cow<'a, str>, lastmod: Option<Date>| Source { path, lastmod };
    let mut out = vec![source("".into(), None)];
    for p in &lib.pages {
        out.push(source(p.path.as_str().into(), p.meta.updated.or(p.date)));
    }
    for s in &lib.sections {
        if !s.path.is_empty() && s.meta.render != Some(false) && s.redirect.is_none() {
            out.push(source(s.path.as_str().into(), None));
        }
    }
    for tax in &lib.taxonomies {
        out.push(source(format!("{}/", tax.name).into(), None));
        for t in &tax.terms {
            let newest = t.pages.first().and_then(|&i| lib.pages[i].date);
            out.push(source(format!("{}/{}/", tax.name, t.slug).into(), newest));
        }
    }
    out
}

/// A sitemap's view, made only when it is serialized (rendered, or fingerprinted where no
/// fingerprint was given).
struct Urls<'a> {
    r: &'a Renderer<'a>,
    sources: &'a [Source<'a>],
}

impl Serialize for Urls<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let entries = self
            .sources
            .iter()
            .map(|src| Entry {
                lastmod: src.lastmod.map(|d| d.rfc3339()),
                permalink: self.r.urls.permalink(&src.path),
            })
            .collect();
        SitemapView { entries }.serialize(s)
    }
}

/// The sitemap at `path` listing `sources`, fingerprinted by its sources.
fn item<'a>(r: &'a Renderer<'a>, path: String, sources: &'a [Source<'a>]) -> Item<'a, Urls<'a>> {
    let lang = r.config.language.as_str();
    let fingerprint = r.track.then(|| {
        let mut h = FxHasher::default();
        (r.theme_id, "sitemap.xml", &path, lang, sources).hash(&mut h);
        h.finish()
    });
    Item {
        fingerprint,
        ..Item::new(path, "sitemap.xml", lang, Urls { r, sources })
    }
}

pub(super) fn emit<'r>(r: &'r Renderer<'r>, run: &mut Run) {
    let all = sources(r);
    if all.len() <= MAX_URLS {
        r.emit_templates(vec![item(r, "sitemap.xml".into(), &all)], run);
        return;
    }
    let chunks: Vec<&[Source]> = all.chunks(MAX_URLS).collect();
    let names: Vec<String> = (1..=chunks.len())
        .map(|n| format!("sitemap{n}.xml"))
        .collect();
    let items = names
        .iter()
        .zip(&chunks)
        .map(|(name, chunk)| item(r, name.clone(), chunk))
        .collect::<Vec<_>>();
    r.emit_templates(items, run);
    let index = SitemapIndexView {
        sitemaps: names.iter().map(|n| r.urls.permalink(n)).collect(),
    };
    let lang = r.config.language.as_str();
    let item = Item::new("sitemap.xml".into(), "split_sitemap_index.xml", lang, index);
    r.emit_templates(vec![item], run);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_template_lists_every_numbered_sitemap() {
        let theme = crate::render::templates::load(std::path::Path::new("/nonexistent")).unwrap();
        let view = SitemapIndexView {
            sitemaps: vec![
                "https://x.org/sitemap1.xml".into(),
                "https://x.org/sitemap2.xml".into(),
            ],
        };
        let ctx = tera::Context::from_serialize(&view).unwrap();
        let xml = theme.tera.render("split_sitemap_index.xml", &ctx).unwrap();
        assert!(
            xml.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">")
        );
        assert!(xml.contains("<loc>https://x.org/sitemap1.xml</loc>"));
        assert!(xml.contains("<loc>https://x.org/sitemap2.xml</loc>"));
    }
}
