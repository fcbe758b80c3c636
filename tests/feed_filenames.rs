//! `feed_filenames` in config.toml (Zola's key): exactly the feeds it lists are written for
//! the site, for each term of a taxonomy with `feed = true` and for each section with
//! `generate_feeds = true`, and every feed link of the built pages points to a file that is
//! there. Built from a copy of `tests/fixtures/sites/zola-sections/` with a `tags` taxonomy.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{assert_ok, build, copy_dir, fixture, read, stderr};

/// Builds the fixture with `feed_filenames = <list>` (none: the key left out) and a `tags`
/// taxonomy with feeds, Delta tagged `Chips`.
fn built(list: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&fixture("zola-sections"), &site);
    let config = site.join("config.toml");
    let mut text = read(&config).replace("[taxonomies]", "[taxonomies.tags]\nfeed = true");
    if let Some(list) = list {
        text = format!("feed_filenames = {list}\n{text}");
    }
    std::fs::write(&config, text).unwrap();
    let delta = site.join("content/news/delta.md");
    let text = read(&delta).replacen(
        "date = 2024-01-04\n",
        "date = 2024-01-04\n[taxonomies]\ntags = [\"Chips\"]\n",
        1,
    );
    std::fs::write(&delta, text).unwrap();
    let out = tmp.path().join("public");
    let o = build(&site, &out, &[]);
    assert_ok(&o);
    assert!(
        !stderr(&o).contains("feed_filenames"),
        "no warning: {}",
        stderr(&o)
    );
    (tmp, out)
}

/// Every `.xml` file under `out` except the sitemap, as `/`-separated paths.
fn feeds(out: &Path) -> BTreeSet<String> {
    common::tree(out)
        .into_keys()
        .filter(|p| p.ends_with(".xml") && !p.ends_with("sitemap.xml"))
        .collect()
}

/// Every feed a built page links: `<link rel="alternate">` and `<a href="….xml">`, with the
/// page that links it.
fn feed_links(out: &Path) -> Vec<(String, String)> {
    let mut links = Vec::new();
    for (rel, bytes) in common::tree(out) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for tag in html.split('<').skip(1) {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            let Some(at) = tag.find("href=\"") else {
                continue;
            };
            let href = &tag[at + 6..];
            let href = &href[..href.find('"').unwrap()];
            if tag.starts_with("link rel=\"alternate\"")
                || (tag.starts_with("a ") && href.ends_with(".xml"))
            {
                links.push((rel.clone(), href.to_string()));
            }
        }
    }
    links
}

/// Asserts every feed link resolves to a file of `out`; returns the linked files.
fn links_resolve(out: &Path) -> BTreeSet<String> {
    let links = feed_links(out);
    assert!(!links.is_empty());
    let mut linked = BTreeSet::new();
    for (page, href) in links {
        let file = href.strip_prefix('/').expect("root-relative");
        assert!(
            out.join(file).is_file(),
            "{page} links {href}, which was not written"
        );
        linked.insert(file.to_string());
    }
    linked
}

fn set(l: &[&str]) -> BTreeSet<String> {
    l.iter().map(|s| s.to_string()).collect()
}

#[test]
fn feed_filenames_rss_only_writes_and_links_only_rss() {
    let (_tmp, out) = built(Some(r#"["rss.xml"]"#));
    let written = set(&["rss.xml", "news/rss.xml", "tags/chips/rss.xml"]);
    assert_eq!(feeds(&out), written);
    assert_eq!(links_resolve(&out), written, "every feed is linked");
    let home = read(&out.join("index.html"));
    assert!(!home.contains("atom"), "{home}");
    assert!(
        home.contains(r#"<link rel="alternate" type="application/rss+xml" title="Sections fixture" href="/rss.xml">"#),
        "{home}"
    );
    assert!(home.contains(r#"<a href="/rss.xml">RSS</a></p>"#), "{home}");
    let term = read(&out.join("tags/chips/index.html"));
    assert!(
        term.contains(r#"<link rel="alternate" type="application/rss+xml" title="Chips · Sections fixture" href="/tags/chips/rss.xml">"#),
        "{term}"
    );
    assert!(read(&out.join("tags/chips/rss.xml")).contains("<title>Delta</title>"));
}

#[test]
fn feed_filenames_atom_only_writes_and_links_only_atom() {
    let (_tmp, out) = built(Some(r#"["atom.xml"]"#));
    let written = set(&["atom.xml", "news/atom.xml", "tags/chips/atom.xml"]);
    assert_eq!(feeds(&out), written);
    assert_eq!(links_resolve(&out), written);
    let home = read(&out.join("index.html"));
    assert!(!home.contains("rss"), "{home}");
    assert!(
        home.contains(r#"<a href="/atom.xml">Atom</a></p>"#),
        "{home}"
    );
}

#[test]
fn feed_filenames_both_writes_both_for_site_terms_and_sections() {
    let (_tmp, out) = built(Some(r#"["rss.xml", "atom.xml"]"#));
    let written = set(&[
        "atom.xml",
        "rss.xml",
        "news/atom.xml",
        "news/rss.xml",
        "tags/chips/atom.xml",
        "tags/chips/rss.xml",
    ]);
    assert_eq!(feeds(&out), written);
    assert_eq!(links_resolve(&out), written);
    let home = read(&out.join("index.html"));
    assert!(
        home.contains(r#"<a href="/atom.xml">Atom</a> · <a href="/rss.xml">RSS</a></p>"#),
        "the footer keeps its order: {home}"
    );
}

#[test]
fn without_feed_filenames_terms_write_atom_only_as_before() {
    let (_tmp, out) = built(None);
    let written = set(&[
        "atom.xml",
        "rss.xml",
        "news/atom.xml",
        "news/rss.xml",
        "tags/chips/atom.xml",
    ]);
    assert_eq!(feeds(&out), written);
    assert_eq!(links_resolve(&out), written);
}

#[test]
fn a_feed_name_newsroom_cannot_write_is_an_error_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&fixture("zola-sections"), &site);
    let config = site.join("config.toml");
    let text = read(&config).replace(
        "generate_feeds = true",
        "generate_feeds = true\nfeed_filenames = [\"atom.xml\", \"feed.json\"]",
    );
    std::fs::write(&config, text).unwrap();
    let out = tmp.path().join("public");
    let o = build(&site, &out, &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{}:6:", config.display())) && err.contains("`feed.json`"),
        "{err}"
    );
    assert!(err.contains(r#""atom.xml" and "rss.xml""#), "{err}");
    assert!(!out.exists(), "nothing written");
}
