//! `sitemap.xml`: the home page, every article (with its last change), every rendered
//! section, every taxonomy and term (with its newest article's date). The protocol allows
//! 50,000 URLs to a file: a bigger site gets `sitemap1.xml`, `sitemap2.xml`, … of at most
//! that many (template `sitemap.xml`) and a `sitemap.xml` that lists them (template
//! `split_sitemap_index.xml`, as in Zola), so `robots.txt` and search consoles keep one URL.

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

/// `split_sitemap_index.xml`: the permalinks of the numbered sitemaps.
#[derive(Serialize)]
struct SitemapIndexView {
    sitemaps: Vec<String>,
}

/// The most URLs one sitemap file may list (sitemaps.org).
pub(super) const MAX_URLS: usize = 50_000;

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
    let lang = r.config.language.as_str();
    let all = entries(r);
    if all.len() <= MAX_URLS {
        let item = Item::new(
            "sitemap.xml".into(),
            "sitemap.xml",
            lang,
            SitemapView { entries: all },
        );
        r.emit_templates(vec![item], run);
        return;
    }
    let mut items = Vec::new();
    let mut names = Vec::new();
    for (n, entries) in split(all, MAX_URLS).into_iter().enumerate() {
        let name = format!("sitemap{}.xml", n + 1);
        names.push(r.urls.permalink(&name));
        items.push(Item::new(
            name,
            "sitemap.xml",
            lang,
            SitemapView { entries },
        ));
    }
    r.emit_templates(items, run);
    let index = SitemapIndexView { sitemaps: names };
    let item = Item::new("sitemap.xml".into(), "split_sitemap_index.xml", lang, index);
    r.emit_templates(vec![item], run);
}

/// `all` in runs of at most `max`, in order.
fn split<T>(mut all: Vec<T>, max: usize) -> Vec<Vec<T>> {
    let mut out = Vec::new();
    while !all.is_empty() {
        let rest = all.split_off(all.len().min(max.max(1)));
        out.push(all);
        all = rest;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_is_split_into_files_of_at_most_the_limit_in_order() {
        let parts = split((0..MAX_URLS * 2 + 1).collect(), MAX_URLS);
        let sizes: Vec<usize> = parts.iter().map(Vec::len).collect();
        assert_eq!(sizes, [MAX_URLS, MAX_URLS, 1]);
        assert_eq!(parts[1][0], MAX_URLS);
        assert_eq!(split(Vec::<u8>::new(), 3).len(), 0);
        assert_eq!(split(vec![1, 2, 3], 3), [vec![1, 2, 3]]);
    }

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
