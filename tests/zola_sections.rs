//! Zola's section keys in `_index.md` work as Zola documents them (issue 16): the real binary
//! builds `tests/fixtures/sites/zola-sections/`, and the tests read what a visitor gets.

mod common;

use std::path::Path;

use common::{assert_ok, build, copy_dir, fixture, read, stderr};

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let o = build(&fixture("zola-sections"), &out, &[]);
    assert_ok(&o);
    (tmp, out)
}

/// The card titles of a listing page, in order.
fn cards(html: &str) -> Vec<String> {
    html.split(r#"<h2 class="card-title"><a href=""#)
        .skip(1)
        .map(|s| {
            let title = &s[s.find('>').unwrap() + 1..];
            title[..title.find('<').unwrap()].to_string()
        })
        .collect()
}

/// Where a built-in redirect page sends the browser.
fn redirect(path: &Path) -> String {
    let html = read(path);
    let at = html.find("url=").expect("a redirect page") + 4;
    html[at..at + html[at..].find('"').unwrap()].to_string()
}

#[test]
fn a_section_lists_its_own_and_its_transparent_subsections_pages_reversed_at_its_paginate_path() {
    let (_tmp, out) = built();
    // sort_by = "title", paginate_reversed, paginate_by = 2: Delta, Charlie | Bravo, Alpha.
    // Bravo and Charlie are in the transparent `2024/`; Echo's `opinion/` is not transparent.
    assert_eq!(
        cards(&read(&out.join("news/index.html"))),
        ["Delta", "Charlie"]
    );
    assert_eq!(
        cards(&read(&out.join("news/p/2/index.html"))),
        ["Bravo", "Alpha"]
    );
    assert!(!out.join("news/page").exists(), "paginate_path = \"p\"");
    assert_eq!(redirect(&out.join("news/p/1/index.html")), "/news/");
    let second = read(&out.join("news/p/2/index.html"));
    assert!(second.contains(r#"href="/news/""#), "a link back to page 1");
    assert_eq!(
        cards(&read(&out.join("news/2024/index.html"))),
        ["Charlie", "Bravo"]
    );
    assert_eq!(cards(&read(&out.join("news/opinion/index.html"))), ["Echo"]);
    // The front page lists every article (the newest as its lead story).
    let home = read(&out.join("index.html"));
    assert_eq!(cards(&home), ["Delta", "Charlie", "Bravo", "Alpha"]);
    assert!(
        home.contains(r#"class="lead-title" id="lead-title"><a href="/news/opinion/echo/">Echo<"#),
        "{home}"
    );
}

#[test]
fn subsections_and_extra_reach_the_section_template() {
    let (_tmp, out) = built();
    let news = read(&out.join("news/index.html"));
    assert!(news.contains(r#"<p id="desk">The newsdesk</p>"#), "[extra]");
    // By weight, then title; each with its weight and how many articles it lists.
    let subs = &news[news.find(r#"<ul id="subsections">"#).unwrap()..];
    let subs = &subs[..subs.find("</ul>").unwrap()];
    assert_eq!(
        subs.lines().skip(1).collect::<Vec<_>>(),
        [
            r#"<li data-weight="1" data-pages="0"><a href="/news/archive/">Archive</a></li>"#,
            r#"<li data-weight="1" data-pages="1"><a href="/news/opinion/">Opinion</a></li>"#,
            r#"<li data-weight="2" data-pages="2"><a href="/news/2024/">2024</a></li>"#,
        ]
    );
}

#[test]
fn page_template_is_the_default_template_of_the_pages_below() {
    let (_tmp, out) = built();
    let title = |p: &str| {
        let html = read(&out.join(p));
        let t = &html[html.find("<title>").unwrap() + 7..];
        t[..t.find('<').unwrap()].to_string()
    };
    assert_eq!(
        title("news/alpha/index.html"),
        "Story: Alpha · Sections fixture"
    );
    assert_eq!(
        title("news/opinion/echo/index.html"),
        "Story: Echo · Sections fixture",
        "from news/_index.md, two folders up"
    );
    assert_eq!(
        title("news/2024/charlie/index.html"),
        "Charlie · Sections fixture",
        "the page's own `template` wins"
    );
}

#[test]
fn redirect_to_and_aliases_write_redirect_pages() {
    let (_tmp, out) = built();
    // `redirect_to = "@/news/opinion/_index.md"`: the section's URL redirects, no listing.
    assert_eq!(
        redirect(&out.join("news/archive/index.html")),
        "/news/opinion/"
    );
    assert_eq!(
        redirect(&out.join("about/index.html")),
        "https://example.com/about"
    );
    assert_eq!(
        redirect(&out.join("views/index.html")),
        "/news/opinion/",
        "aliases"
    );
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(
        !sitemap.contains("/news/archive/"),
        "a redirect is not in the sitemap"
    );
    assert!(sitemap.contains("https://example.org/news/opinion/"));
}

#[test]
fn generate_feeds_writes_the_sections_feeds_linked_from_its_page() {
    let (_tmp, out) = built();
    let atom = read(&out.join("news/atom.xml"));
    let titles: Vec<&str> = atom
        .split("<entry")
        .skip(1)
        .map(|e| {
            let t = &e[e.find("<title>").unwrap() + 7..];
            &t[..t.find('<').unwrap()]
        })
        .collect();
    assert_eq!(
        titles,
        ["Delta", "Charlie", "Bravo", "Alpha"],
        "newest first, no Echo"
    );
    assert!(
        atom.contains("<title>News – Sections fixture</title>"),
        "{atom}"
    );
    assert!(atom.contains(r#"href="https://example.org/news/atom.xml""#));
    assert!(
        read(&out.join("news/rss.xml")).contains("<title>Delta</title>"),
        "the site writes RSS"
    );
    assert!(!out.join("news/2024/atom.xml").exists());
    let news = read(&out.join("news/index.html"));
    assert!(
        news.contains(r#"<link rel="alternate" type="application/atom+xml" title="News · Sections fixture" href="/news/atom.xml">"#),
        "{news}"
    );
    assert!(news.contains(
        r#"type="application/rss+xml" title="News · Sections fixture" href="/news/rss.xml""#
    ));
}

#[test]
fn a_sections_insert_anchor_links_applies_to_its_pages() {
    let (_tmp, out) = built();
    let bravo = read(&out.join("news/2024/bravo/index.html"));
    assert!(
        bravo.contains(r##"<h2 id="details"><a class="anchor" href="#details" aria-label="§ Details">#</a>Details</h2>"##),
        "{bravo}"
    );
    let alpha = read(&out.join("news/alpha/index.html"));
    assert!(
        alpha.contains(r#"<h2 id="details">Details</h2>"#),
        "the site's setting: none"
    );
}

#[test]
fn in_search_index_false_leaves_the_sections_pages_out_of_the_search_index() {
    let (_tmp, out) = built();
    let mut paths = Vec::new();
    for e in std::fs::read_dir(out.join("search/docs")).unwrap() {
        let records: Vec<serde_json::Value> =
            serde_json::from_str(&read(&e.unwrap().path())).unwrap();
        paths.extend(records.iter().map(|r| r["p"].as_str().unwrap().to_string()));
    }
    paths.sort();
    assert_eq!(
        paths,
        [
            "news/2024/bravo/",
            "news/2024/charlie/",
            "news/alpha/",
            "news/delta/"
        ]
    );
}

#[test]
fn an_unknown_page_template_or_redirect_target_names_the_index_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&fixture("zola-sections"), &site);
    let news = site.join("content/news/_index.md");
    std::fs::write(&news, read(&news).replace("story.html", "stroy.html")).unwrap();
    let archive = site.join("content/news/archive/_index.md");
    std::fs::write(
        &archive,
        read(&archive).replace("opinion/_index.md", "gone.md"),
    )
    .unwrap();
    let o = build(&site, &tmp.path().join("out"), &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("content/news/archive/_index.md:4: `redirect_to`: `@/news/gone.md` points to no content file"),
        "{err}"
    );
    std::fs::write(
        &archive,
        read(&archive).replace("gone.md", "opinion/_index.md"),
    )
    .unwrap();
    let o = build(&site, &tmp.path().join("out"), &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("content/news/_index.md:8: unknown template `stroy.html`"),
        "{err}"
    );
}
