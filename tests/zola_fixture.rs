//! The Zola fixture site (`tests/fixtures/sites/zola/`: a Zola `config.toml`, sections using
//! every `_index.md` key, shortcodes of both forms, bundles with slugs, heading ids, fenced
//! code) builds with newsroom as it is, and publishes what Zola 0.22 publishes for it: the
//! same article, section, pager, taxonomy, bundle-file, feed and redirect URLs, and every
//! section listing in the same order. The lists below were recorded with real Zola by
//! `ZOLA=/path/to/zola python3 tests/zola/compare.py`; CI does not need Zola.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use common::{assert_ok, build, fixture, read, stderr};

/// Articles, as Zola 0.22 builds them (base_url's `/blog` taken off).
const ZOLA_PAGES: &[&str] = &[
    "/archive/alpha-report/",
    "/archive/beta-report/",
    "/archive/shi-mo-yong-hu/",
    "/guides/advanced/deep-dive/",
    "/guides/advanced/tuning/",
    "/guides/getting-started/",
    "/guides/setup/",
    "/news/aixin-pian-chu-kou/",
    "/news/big-news-day/",
    "/news/chip-deal/",
    "/news/custom-slug-bundle/",
    "/news/custom-slug/",
    "/news/yaml-story/",
    "/old/legacy/",
    "/special/place/",
];

/// Section listings: first pages, then later pages (`news/` has `paginate_path = "p"`).
const ZOLA_SECTIONS: &[&str] = &["/", "/archive/", "/guides/", "/guides/advanced/", "/news/"];
const ZOLA_PAGERS: &[&str] = &["/archive/page/2/", "/news/p/2/", "/news/p/3/", "/news/p/4/"];

const ZOLA_ASSETS: &[&str] = &["/news/custom-slug-bundle/pic.png"];

/// Aliases, first pagers and `redirect_to` (`old/`).
const ZOLA_REDIRECTS: &[&str] = &[
    "/archive/page/1/ -> /archive/",
    "/funding-round/ -> /news/custom-slug/",
    "/news/old-funding.html -> /news/custom-slug/",
    "/news/p/1/ -> /news/",
    "/old/ -> /news/",
];

/// `feed_filenames = ["atom.xml", "rss.xml"]`: both for the site, the `news/` section
/// (`generate_feeds`) and every `tags` term (`feed = true`); none for `categories`.
const ZOLA_FEEDS: &[&str] = &[
    "/atom.xml",
    "/news/atom.xml",
    "/news/rss.xml",
    "/rss.xml",
    "/tags/chu-kou-guan-zhi/atom.xml",
    "/tags/chu-kou-guan-zhi/rss.xml",
    "/tags/foundry/atom.xml",
    "/tags/foundry/rss.xml",
    "/tags/funding/atom.xml",
    "/tags/funding/rss.xml",
    "/tags/how-to/atom.xml",
    "/tags/how-to/rss.xml",
    "/tags/supply-chain/atom.xml",
    "/tags/supply-chain/rss.xml",
];

const ZOLA_TAXONOMIES: &[&str] = &[
    "/categories/",
    "/categories/business/",
    "/tags/",
    "/tags/chu-kou-guan-zhi/",
    "/tags/foundry/",
    "/tags/funding/",
    "/tags/how-to/",
    "/tags/supply-chain/",
];

/// Every listing page's titles, in Zola 0.22's order (`sort_by` date, weight and title,
/// `paginate_reversed`, a transparent subsection's pages in its parent).
const ZOLA_ORDERS: &[(&str, &[&str])] = &[
    ("/news/", &["AI 芯片出口新规", "Big news day"]),
    (
        "/news/p/2/",
        &[
            "Startup raises a second round",
            "A bundle with its own slug",
        ],
    ),
    (
        "/news/p/3/",
        &[
            "Chipmaker signs a foundry deal",
            "A story with YAML front matter",
        ],
    ),
    ("/news/p/4/", &["A page with its own path"]),
    (
        "/guides/",
        &[
            "Getting started",
            "Setting up a lab",
            "Deep dive: lithography",
            "Tuning yield",
        ],
    ),
    (
        "/guides/advanced/",
        &["Deep dive: lithography", "Tuning yield"],
    ),
    ("/archive/", &["用户突破十万", "Beta report"]),
    ("/archive/page/2/", &["Alpha report"]),
];

/// The warnings `build` prints for the fixture's `config.toml`, in order.
const WARNINGS: &[&str] = &[
    "config.toml:7: `compile_sass` is a Zola setting with no effect in newsroom",
    "config.toml:9: `minify_html` is a Zola setting with no effect in newsroom",
    "config.toml:18: `markdown.render_emoji` is a Zola setting with no effect in newsroom",
    "config.toml:24: `markdown.highlighting.light_theme` is a Zola setting with no effect in newsroom",
    "config.toml:25: `markdown.highlighting.dark_theme` is a Zola setting with no effect in newsroom",
    "config.toml:33: `slugify.taxonomies` is a Zola setting with no effect in newsroom",
    "config.toml:34: `slugify.anchors` is a Zola setting with no effect in newsroom",
    "config.toml:37: `search.include_title` is a Zola setting with no effect in newsroom",
    "config.toml:38: `search.include_description` is a Zola setting with no effect in newsroom",
    "config.toml:39: `search.include_content` is a Zola setting with no effect in newsroom",
    "config.toml:40: `search.index_format` is a Zola setting with no effect in newsroom",
];

struct Built {
    _tmp: tempfile::TempDir,
    out: std::path::PathBuf,
    output: Output,
}

fn built() -> Built {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let output = build(&fixture("zola"), &out, &[]);
    assert_ok(&output);
    Built {
        _tmp: tmp,
        out,
        output,
    }
}

fn set(l: &[&str]) -> BTreeSet<String> {
    l.iter().map(|s| s.to_string()).collect()
}

/// What the build published, classified as `compare.py` does it.
#[derive(Default)]
struct Published {
    pages: BTreeSet<String>,
    sections: BTreeSet<String>,
    pagers: BTreeSet<String>,
    assets: BTreeSet<String>,
    redirects: BTreeSet<String>,
    terms: BTreeSet<String>,
    feeds: BTreeSet<String>,
}

fn published(out: &Path) -> Published {
    let mut p = Published::default();
    for e in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let rel = e.path().strip_prefix(out).unwrap().to_string_lossy();
        let url = format!("/{}", rel.strip_suffix("index.html").unwrap_or(&rel));
        if rel.ends_with(".png") {
            p.assets.insert(url);
            continue;
        }
        if rel.ends_with(".xml") && !rel.ends_with("sitemap.xml") {
            p.feeds.insert(url);
            continue;
        }
        if !rel.ends_with(".html") || url == "/404.html" || url == "/search/" {
            continue;
        }
        let html = read(e.path());
        let pager = url
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .is_some_and(|n| n.parse::<u32>().is_ok());
        if let Some((_, to)) = html.split_once("http-equiv=\"refresh\" content=\"0; url=") {
            let to = to.split('"').next().unwrap();
            let to = to.strip_prefix("/blog").unwrap_or(to);
            // newsroom's front page lists every article on `/page/N/`; Zola's root does not.
            if url != "/page/1/" {
                p.redirects.insert(format!("{url} -> {to}"));
            }
        } else if html.contains("og:type\" content=\"article\"") {
            p.pages.insert(url);
        } else if url.starts_with("/tags/") || url.starts_with("/categories/") {
            p.terms.insert(url);
        } else if pager {
            if !url.starts_with("/page/") {
                p.pagers.insert(url);
            }
        } else {
            p.sections.insert(url);
        }
    }
    p
}

/// The titles a listing page shows, in order.
fn listed(out: &Path, url: &str) -> Vec<String> {
    let html = read(&out.join(url.trim_start_matches('/')).join("index.html"));
    html.split(r#"<h2 class="card-title"><a href=""#)
        .skip(1)
        .map(|s| {
            let title = s.split_once("\">").unwrap().1;
            let title = title.split("</a>").next().unwrap();
            title.replace("&amp;", "&")
        })
        .collect()
}

#[test]
fn the_zola_fixture_has_the_urls_zola_gives_it() {
    let b = built();
    let p = published(&b.out);
    assert_eq!(p.pages, set(ZOLA_PAGES), "articles");
    assert_eq!(p.sections, set(ZOLA_SECTIONS), "sections");
    assert_eq!(p.pagers, set(ZOLA_PAGERS), "later listing pages");
    assert_eq!(
        p.assets,
        set(ZOLA_ASSETS),
        "bundle files, beside their page"
    );
    assert_eq!(p.redirects, set(ZOLA_REDIRECTS), "redirects");
    assert_eq!(p.terms, set(ZOLA_TAXONOMIES), "taxonomy pages");
    assert_eq!(p.feeds, set(ZOLA_FEEDS), "feeds");
}

#[test]
fn every_listing_is_in_zolas_order() {
    let b = built();
    for (url, titles) in ZOLA_ORDERS {
        assert_eq!(listed(&b.out, url), *titles, "{url}");
    }
}

#[test]
fn the_zola_config_gives_exactly_these_warnings() {
    let b = built();
    let err = stderr(&b.output);
    let warnings: Vec<&str> = err
        .lines()
        .filter_map(|l| l.strip_prefix("warning: "))
        .map(|l| l.rsplit_once("zola/").map_or(l, |(_, rest)| rest))
        .collect();
    assert_eq!(warnings, WARNINGS, "{err}");
}

#[test]
fn shortcodes_heading_ids_code_and_bundles_render_as_a_zola_user_wrote_them() {
    let b = built();
    let page = |url: &str| read(&b.out.join(url).join("index.html"));
    let start = page("guides/getting-started");
    for want in [
        // Heading attributes, and fenced code keeping its language for a highlighter.
        r#"<h2 id="start" class="lead">"#,
        r#"<code class="language-rust">"#,
        // The site's HTML shortcode with a body, its Markdown shortcode, the default youtube
        // twice (nth), an escaped call written as text.
        "The analytical engine weaves algebraic patterns.",
        "<strong>Note (tip, 1):</strong> Prices are <strong>per wafer</strong>",
        "youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "youtube-nocookie.com/embed/M7lc1UVf-VE",
        r#"escape it: {{ youtube(id="x") }}"#,
    ] {
        assert!(start.contains(want), "{want}\n{start}");
    }
    assert!(!start.contains("{% quote") && !start.contains("{% note"));
    // `page_template` of guides/.
    assert!(start.contains(r#"class="guide""#), "{start}");
    let deal = page("news/chip-deal");
    assert!(deal.contains(r#"<h2 id="agreed">"#), "{deal}");
    assert!(deal.contains(r#"href="/blog/guides/getting-started/#start""#));
    let bundle = page("news/custom-slug-bundle");
    assert!(
        bundle.contains(r#"<img src="/blog/news/custom-slug-bundle/pic.png" alt="A tiny test picture" width="2" height="2""#),
        "{bundle}"
    );
    assert!(bundle.contains("The smallest chip ever"), "{bundle}");
    let funding = page("news/custom-slug");
    assert!(
        funding
            .contains(r#"<blockquote cite="https://x.com/chipwire/status/1786000000000000000">"#)
    );
    assert!(
        !b.out.join("news/draft-story").exists(),
        "drafts are not built"
    );
}
