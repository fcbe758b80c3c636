//! The site builder, end to end: the real binary on fixture sites.

mod common;

use std::path::Path;

use common::*;
use scraper::{Html, Selector};

/// Maps an internal link to the file a static host would serve for it.
fn resolve(out: &Path, base_path: &str, page_rel: &str, link: &str) -> Option<std::path::PathBuf> {
    let link = link.split(['#', '?']).next().unwrap_or("");
    if link.is_empty() {
        return Some(out.join(page_rel));
    }
    let site_path = if let Some(rest) = link.strip_prefix(base_path) {
        rest.to_string()
    } else if link.starts_with('/') {
        return None; // outside the base path: broken under a sub-path
    } else {
        let dir = Path::new(page_rel).parent().unwrap_or(Path::new(""));
        dir.join(link).to_string_lossy().into_owned()
    };
    let p = out.join(site_path.trim_start_matches('/'));
    if p.is_dir() {
        Some(p.join("index.html"))
    } else {
        Some(p)
    }
}

/// Every internal `href`/`src` of every HTML page resolves to a built file.
fn check_links(out: &Path, base_url: &str, base_path: &str) -> usize {
    let sel = Selector::parse("a[href], link[href], img[src], script[src]").unwrap();
    let mut checked = 0;
    let mut broken = Vec::new();
    for (rel, bytes) in tree(out) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).expect("utf-8 page");
        let doc = Html::parse_document(&html);
        assert!(doc.errors.len() < 5, "{rel} parses badly: {:?}", doc.errors);
        for el in doc.select(&sel) {
            let v = el.value();
            let url = v.attr("href").or(v.attr("src")).unwrap();
            let origin = &base_url[..base_url[8..].find('/').map_or(base_url.len(), |i| i + 8)];
            let url = match url.strip_prefix(origin) {
                Some(rest) => rest.to_string(),
                None if url.contains("://")
                    || url.starts_with("mailto:")
                    || url.starts_with("data:") =>
                {
                    continue;
                }
                None => url.to_string(),
            };
            let url = if url.is_empty() { "/".to_string() } else { url };
            checked += 1;
            match resolve(out, base_path, &rel, &url) {
                Some(p) if p.is_file() => {}
                _ => broken.push(format!("{rel}: {url}")),
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken internal links:\n{}",
        broken.join("\n")
    );
    checked
}

#[test]
fn default_site_builds_with_seed_article_terms_and_feeds() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let o = build(&repo_root(), &out, &[]);
    assert_ok(&o);
    for f in [
        "index.html",
        "companies/index.html",
        "companies/microsoft/index.html",
        "companies/openai/index.html",
        "topics/index.html",
        "topics/artificial-intelligence/index.html",
        "atom.xml",
        "rss.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "style.css",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    let seed = tree(&out)
        .into_iter()
        .find(|(_, b)| String::from_utf8_lossy(b).contains("<h1>微软与 OpenAI"))
        .map(|(p, _)| p)
        .expect("the seed article has a page");
    let html = read(&out.join(&seed));
    assert!(html.contains("看似亲密无间的微软与 OpenAI"), "seed body");
    assert!(html.contains(r#"<html lang="zh">"#));
    assert!(
        stderr(&o).contains("Built "),
        "summary line: {}",
        stderr(&o)
    );
    check_links(&out, "https://example.org/", "/");
}

#[test]
fn internal_links_resolve_at_root_and_under_a_sub_path() {
    for (base_url, base_path) in [
        ("https://example.org/", "/"),
        ("https://example.org/news-site/", "/news-site/"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        assert_ok(&build(&fixture("basic"), &out, &["--base-url", base_url]));
        let n = check_links(&out, base_url, base_path);
        assert!(n > 100, "only {n} links checked");
        // Pagination: 5 dated + 1 undated article at 2 per page.
        assert!(out.join("page/3/index.html").is_file());
        assert!(!out.join("page/4/index.html").exists());
        assert!(out.join("companies/openai/page/3/index.html").is_file());
        assert!(
            out.join("news/page/2/index.html").is_file(),
            "section pages"
        );
        assert!(
            out.join("old/explainer/index.html").is_file(),
            "alias redirect"
        );
        let css = read(&out.join("index.html"));
        assert!(css.contains(&format!(r#"href="{base_path}style.css""#)));
    }
}

#[test]
fn articles_are_newest_first_with_undated_last_and_drafts_left_out() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    assert_ok(&build(&fixture("basic"), &out, &[]));
    let p1 = read(&out.join("index.html"));
    let first = p1.find("第 5 篇").expect("newest on page 1");
    let second = p1.find("第 4 篇").expect("second newest on page 1");
    assert!(first < second);
    let last = read(&out.join("page/3/index.html"));
    assert!(last.contains("An undated English explainer"));
    assert!(!out.join("draft/index.html").exists());
    let en = read(&out.join("undated-english/index.html"));
    assert!(en.contains(r#"<html lang="en">"#), "lang from the article");

    let tmp2 = tempfile::tempdir().unwrap();
    let out2 = tmp2.path().join("public");
    assert_ok(&build(&fixture("basic"), &out2, &["--drafts"]));
    assert!(out2.join("draft/index.html").is_file());
}

fn xml_root_and_links(xml: &str) -> (String, Vec<String>) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut root = String::new();
    let mut links = Vec::new();
    let mut in_text_link = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name().as_ref().to_string();
                if root.is_empty() {
                    root = name.clone();
                }
                for a in e.attributes() {
                    let a = a.unwrap();
                    if a.key.as_ref() == "href" {
                        #[allow(deprecated)]
                        links.push(a.unescape_value().unwrap().into_owned());
                    }
                }
                in_text_link = matches!(name.as_str(), "loc" | "link" | "guid");
            }
            Event::Text(t) if in_text_link && !t.as_ref().trim().is_empty() => {
                links.push(t.into_inner().trim().to_string());
            }
            Event::End(_) => in_text_link = false,
            Event::Eof => break,
            _ => {}
        }
    }
    (root, links)
}

#[test]
fn feeds_and_sitemap_are_xml_with_absolute_urls_and_the_right_items() {
    let base = "https://example.org/sub/";
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    assert_ok(&build(&fixture("basic"), &out, &["--base-url", base]));

    let atom = read(&out.join("atom.xml"));
    let (root, links) = xml_root_and_links(&atom);
    assert_eq!(root, "feed");
    assert!(links.iter().all(|l| l.starts_with(base)), "{links:?}");
    assert_eq!(atom.matches("<entry").count(), 3, "feed_limit = 3");
    assert!(
        atom.contains("第 5 篇") && !atom.contains("第 2 篇"),
        "the newest three"
    );

    let rss = read(&out.join("rss.xml"));
    let (root, links) = xml_root_and_links(&rss);
    assert_eq!(root, "rss");
    assert!(links.iter().all(|l| l.starts_with(base)), "{links:?}");
    assert!(
        rss.contains("<pubDate>Sun, 5 May 2024 08:00:00 +0800</pubDate>"),
        "{rss}"
    );

    // The term's one article has no date: the feed is there, without an entry that would
    // have to borrow a date.
    let term = read(&out.join("companies/microsoft/atom.xml"));
    assert_eq!(term.matches("<entry").count(), 0);
    assert!(!term.contains("An undated English explainer"));

    let sitemap = read(&out.join("sitemap.xml"));
    let (root, locs) = xml_root_and_links(&sitemap);
    assert_eq!(root, "urlset");
    assert!(locs.iter().all(|l| l.starts_with(base)), "{locs:?}");
    for want in [
        "news/story-1/",
        "undated-english/",
        "companies/openai/",
        "topics/semiconductors/",
    ] {
        assert!(
            locs.contains(&format!("{base}{want}")),
            "sitemap lacks {want}"
        );
    }
    assert!(!locs.iter().any(|l| l.contains("draft")));
    assert!(read(&out.join("robots.txt")).contains(&format!("Sitemap: {base}sitemap.xml")));
}

#[test]
fn two_builds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert_ok(&build(&fixture("basic"), &a, &[]));
    assert_ok(&build(&fixture("basic"), &b, &[]));
    let (ta, tb) = (tree(&a), tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(v == &tb[k], "{k} differs between builds");
    }
}

#[test]
fn broken_front_matter_reports_every_file_and_keeps_the_old_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("previous.html"), "old site").unwrap();
    let o = build(&fixture("broken"), &out, &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("bad-toml.md:3:"), "{err}");
    assert!(
        err.contains("unknown-key.md:3:1:") && err.contains("categroy"),
        "{err}"
    );
    assert!(
        err.contains("good.md:4: internal link `@/missing.md` points to no content file"),
        "{err}"
    );
    assert!(err.contains("3 errors"), "{err}");
    assert_eq!(read(&out.join("previous.html")), "old site");
    assert_eq!(tree(&out).len(), 1, "nothing else written");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no staging directory left behind");
}

#[test]
fn unknown_config_key_names_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let o = build(&fixture("bad-config"), &tmp.path().join("public"), &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("config.toml:5:1:") && err.contains("paginate"),
        "{err}"
    );
}

/// Executable things in an HTML document or fragment: script elements, event handlers,
/// script URLs, frames.
fn executable(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut found = Vec::new();
    for el in doc
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let v = el.value();
        // The theme's JSON-LD is data, not code, as long as it parses as JSON and nothing in
        // it could end its element (`<` is escaped): the article's own text is in it.
        let json_ld = v.name() == "script"
            && v.attr("type") == Some("application/ld+json")
            && v.attrs().count() == 1
            && {
                let body = el.inner_html();
                !body.contains('<')
                    && serde_json::from_str::<serde_json::Value>(&body).is_ok_and(|j| j.is_object())
            };
        if matches!(v.name(), "script" | "iframe" | "object" | "embed" | "frame") && !json_ld {
            found.push(format!("<{}>", v.name()));
        }
        for (name, value) in v.attrs() {
            let squashed: String = value
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_lowercase();
            if name.to_lowercase().starts_with("on")
                || squashed.contains("javascript:")
                || squashed.contains("vbscript:")
                || (name == "style" && squashed.contains("url("))
            {
                found.push(format!("<{} {name}={value}>", v.name()));
            }
        }
    }
    found
}

#[test]
fn nothing_executable_from_markdown_reaches_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    assert_ok(&build(&fixture("xss"), &out, &[]));
    let mut checked = 0;
    for (rel, bytes) in tree(&out) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if rel.ends_with(".html") {
            // The theme's own search script is the one script the site may have.
            let text = if rel == "search/index.html" {
                text.replace(r#"<script src="/search/search.js" defer></script>"#, "")
            } else {
                text
            };
            assert_eq!(executable(&text), Vec::<String>::new(), "{rel}");
            checked += 1;
        } else if rel.ends_with(".xml") {
            // Entry content is escaped HTML that feed readers render: unescape and check it.
            let mut rest = text.as_str();
            while let Some(i) = rest
                .find("<content type=\"html\"")
                .or_else(|| rest.find("<description>"))
            {
                let body_start = i + rest[i..].find('>').unwrap() + 1;
                let body_end = body_start + rest[body_start..].find("</").unwrap();
                let html = rest[body_start..body_end]
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&#x27;", "'")
                    .replace("&amp;", "&");
                assert_eq!(executable(&html), Vec::<String>::new(), "{rel}");
                checked += 1;
                rest = &rest[body_end..];
            }
        }
    }
    assert!(checked >= 8, "checked {checked}");
    let page = read(&out.join("attack/index.html"));
    assert!(
        page.contains("md link") && page.contains("Hello"),
        "text is kept"
    );
    assert!(
        page.contains("Attack &lt;script&gt;"),
        "the title is shown as text"
    );
    assert!(
        !page.contains("alert('source')"),
        "a javascript: source_url is not linked"
    );
}

#[test]
fn look_alike_company_names_get_two_term_pages_and_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let o = build(&fixture("lookalike"), &out, &[]);
    assert_ok(&o);
    let a = read(&out.join("companies/huo-bi/index.html"));
    let b = read(&out.join("companies/huo-bi-2/index.html"));
    assert!(a.contains("火币新闻") && !a.contains("货币新闻"));
    assert!(b.contains("货币新闻") && !b.contains("火币新闻"));
    let err = stderr(&o);
    assert!(err.contains("warning:") && err.contains("huo-bi"), "{err}");
}

#[test]
fn init_then_build_works_with_the_embedded_theme() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("my-site");
    let o = bin().arg("init").arg(&site).output().unwrap();
    assert_ok(&o);
    assert!(!site.join("templates").exists());
    let o = bin()
        .arg("--root")
        .arg(&site)
        .arg("build")
        .output()
        .unwrap();
    assert_ok(&o);
    assert!(site.join("public/index.html").is_file());
    assert!(site.join("public/companies/openai/index.html").is_file());
    // A second init into the now non-empty directory refuses.
    let o = bin().arg("init").arg(&site).output().unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not empty"));
}

#[test]
fn a_site_template_overrides_the_default_and_errors_name_the_template() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("s");
    assert_ok(&bin().arg("init").arg(&site).output().unwrap());
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(site.join("templates/404.html"), "custom {{ config.title }}").unwrap();
    assert_ok(
        &bin()
            .arg("--root")
            .arg(&site)
            .arg("build")
            .output()
            .unwrap(),
    );
    assert_eq!(read(&site.join("public/404.html")), "custom My Tech News");

    std::fs::write(
        site.join("templates/404.html"),
        "line one\n{{ config.title | nosuchfilter }}",
    )
    .unwrap();
    let o = bin()
        .arg("--root")
        .arg(&site)
        .arg("build")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("404.html") && err.contains("nosuchfilter"),
        "{err}"
    );
    assert!(
        site.join("public/index.html").is_file(),
        "previous output kept"
    );
}

#[test]
fn check_reports_broken_links_anchors_and_near_duplicates_with_file_names() {
    let o = bin()
        .arg("--root")
        .arg(fixture("check"))
        .arg("check")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("2024-05-01-links.md:13: broken link `/no-such-story/`"),
        "{err}"
    );
    assert!(
        err.contains("2024-05-01-links.md:15: broken anchor `/original-story/#no-such-heading`"),
        "{err}"
    );
    assert!(
        !err.contains("#xi-jie"),
        "an existing anchor is fine: {err}"
    );
    assert!(
        err.contains("2024-05-03-same-story-elsewhere.md: near-duplicate of")
            && err.contains("2024-05-02-original-story.md` ("),
        "{err}"
    );
    assert!(
        err.contains("warning:") && err.contains("untagged.md: no date, no source, no tags"),
        "{err}"
    );
    assert!(err.contains("check: 2 errors"), "{err}");
}

#[test]
fn check_with_only_warnings_exits_zero_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("s");
    copy_dir(&fixture("basic"), &site);
    let o = bin()
        .arg("--root")
        .arg(&site)
        .arg("check")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("undated-english.md: no date, no source"),
        "{err}"
    );
    assert!(!site.join("public").exists(), "check writes nothing");
}

#[test]
fn check_external_finds_a_dead_link_on_a_local_server() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in listener.incoming().take(8) {
            let mut s = s.unwrap();
            let mut buf = [0u8; 2048];
            let n = s.read(&mut buf).unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]);
            let status = if req.contains("GET /alive") || req.contains("HEAD /alive") {
                "200 OK"
            } else {
                "404 Not Found"
            };
            let _ = s.write_all(
                format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::write(
        site.join("config.toml"),
        "title = \"x\"\nbase_url = \"https://example.org/\"\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/a.md"),
        format!("+++\ntitle = \"A\"\n+++\n[ok](http://127.0.0.1:{port}/alive)\n\n[dead](http://127.0.0.1:{port}/dead)\n"),
    )
    .unwrap();
    let o = bin()
        .arg("--root")
        .arg(site)
        .arg("check")
        .arg("--external")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "a.md:6: external link `http://127.0.0.1:{port}/dead`: HTTP 404"
        )),
        "{err}"
    );
    assert!(!err.contains("/alive`"), "{err}");
}

fn git(dir: &Path, args: &[&str]) -> String {
    let o = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@t")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@t")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

#[test]
fn publish_commits_exactly_the_built_site_to_a_branch_and_pushes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let bare = tmp.path().join("remote.git");
    assert_ok(&bin().arg("init").arg(&site).output().unwrap());
    git(&site, &["init", "-q", "-b", "main"]);
    git(&site, &["add", "-A"]);
    git(&site, &["commit", "-q", "-m", "site"]);
    git(
        tmp.path(),
        &["init", "-q", "--bare", bare.to_str().unwrap()],
    );
    git(&site, &["remote", "add", "origin", bare.to_str().unwrap()]);
    let head_before = git(&site, &["rev-parse", "HEAD"]);

    let publish = |msg: &str| {
        bin()
            .arg("--root")
            .arg(&site)
            .args([
                "publish",
                "--branch",
                "gh-pages",
                "--remote",
                "origin",
                "--message",
                msg,
            ])
            .env_remove("NEWSROOM_BASE_URL")
            .output()
            .unwrap()
    };
    assert_ok(&publish("first"));
    let files = git(&bare, &["ls-tree", "-r", "--name-only", "gh-pages"]);
    let mut published: Vec<&str> = files.lines().collect();
    published.sort();
    let built = tree(&site.join("public"));
    let mut expected: Vec<&str> = built.keys().map(String::as_str).collect();
    expected.push(".nojekyll");
    expected.sort();
    assert_eq!(
        published, expected,
        "the branch holds exactly the built site"
    );

    // The source branch, its working tree and index are untouched.
    assert_eq!(git(&site, &["symbolic-ref", "--short", "HEAD"]), "main");
    assert_eq!(git(&site, &["rev-parse", "HEAD"]), head_before);
    assert_eq!(git(&site, &["status", "--porcelain"]), "");

    // An edit and a second publish: one more commit on top.
    let welcome = site.join("content/welcome.md");
    let text = read(&welcome).replace("下一步", "接下来");
    std::fs::write(&welcome, text).unwrap();
    assert_ok(&publish("second"));
    assert_eq!(git(&bare, &["rev-list", "--count", "gh-pages"]), "2");
    // The commit holds exactly the files whose bytes the edit changed.
    let after = tree(&site.join("public"));
    let mut changed: Vec<&str> = after
        .iter()
        .filter(|(k, v)| built.get(*k) != Some(v))
        .map(|(k, _)| k.as_str())
        .collect();
    changed.sort();
    assert!(changed.contains(&"welcome/index.html"), "{changed:?}");
    let diff = git(&bare, &["diff", "--name-only", "gh-pages~1", "gh-pages"]);
    assert_eq!(diff.lines().collect::<Vec<_>>(), changed);
    assert_eq!(
        git(&bare, &["log", "-1", "--format=%s", "gh-pages"]),
        "second"
    );
    // Publishing an unchanged site adds nothing.
    assert_ok(&publish("third"));
    assert_eq!(git(&bare, &["rev-list", "--count", "gh-pages"]), "2");
}

#[test]
fn every_file_convert_writes_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    assert_ok(&bin().arg("init").arg(&site).output().unwrap());
    std::fs::remove_file(site.join("content/welcome.md")).unwrap();
    let inputs: Vec<std::path::PathBuf> =
        std::fs::read_dir(repo_root().join("tests/fixtures/scrapes"))
            .unwrap()
            .flatten()
            .flat_map(|case| std::fs::read_dir(case.path()).unwrap().flatten())
            .map(|f| f.path())
            .filter(|p| p.file_stem().is_some_and(|s| s == "input"))
            .collect();
    assert!(inputs.len() >= 13);
    let o = bin()
        .arg("--root")
        .arg(&site)
        .arg("convert")
        .args(&inputs)
        .output()
        .unwrap();
    assert_ok(&o);
    let written = std::fs::read_dir(site.join("content")).unwrap().count();
    assert_eq!(written, inputs.len(), "one article per input");
    let out = tmp.path().join("public");
    assert_ok(&build(&site, &out, &[]));
    let pages = tree(&out)
        .keys()
        .filter(|k| k.ends_with("/index.html") && k.matches('/').count() == 1)
        .count();
    assert!(
        pages >= inputs.len(),
        "{pages} article pages for {} inputs",
        inputs.len()
    );
    check_links(&out, "https://example.org/", "/");
}

#[test]
fn editor_files_and_assets_beside_drafts_never_reach_the_site_and_check_names_them() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("s");
    copy_dir(&fixture("basic"), &site);
    let content = site.join("content");
    let embargo = "EMBARGOED until Friday";
    let write = |rel: &str, text: &str| {
        let p = content.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "secret.md",
        &format!("+++\ntitle = \"Secret\"\ndraft = true\n+++\n{embargo}\n"),
    );
    write(
        "open.md",
        "+++\ntitle = \"Open\"\ndate = 2024-06-01\n+++\nPublic text.\n",
    );
    write(
        "bundle/index.md",
        "+++\ntitle = \"Bundle\"\ndraft = true\n+++\nBody.\n",
    );
    write("bundle/photo.png", "PNG");
    write("secret.png", "PNG");
    write("open.png", "PNG");
    let junk = ["{}.md~", "#{}.md#", "{}.md.bak", ".{}.md.swp"];
    for stem in ["secret", "open"] {
        for j in junk {
            write(&j.replace("{}", stem), embargo);
        }
    }
    std::fs::write(site.join("static/notes.txt~"), embargo).unwrap();

    let out = tmp.path().join("out");
    assert_ok(&build(&site, &out, &[]));
    let files = tree(&out);
    for (rel, bytes) in &files {
        assert!(
            !String::from_utf8_lossy(bytes).contains(embargo),
            "{rel} leaks the draft"
        );
    }
    assert!(
        files.contains_key("open.png"),
        "a published article's image is copied"
    );
    assert!(
        files.contains_key("img/chip.svg"),
        "static assets are copied"
    );
    for gone in ["secret.png", "bundle/photo.png"] {
        assert!(
            !files.contains_key(gone),
            "{gone} beside a draft was copied"
        );
    }

    let drafts = tmp.path().join("drafts");
    assert_ok(&build(&site, &drafts, &["--drafts"]));
    let files = tree(&drafts);
    assert!(
        files.contains_key("bundle/photo.png"),
        "--drafts copies a draft's assets"
    );
    assert!(
        !files.contains_key("secret.md~"),
        "backups never, even with --drafts"
    );

    let o = bin()
        .arg("--root")
        .arg(&site)
        .arg("check")
        .output()
        .unwrap();
    let err = stderr(&o);
    for stem in ["secret", "open"] {
        for j in junk {
            let name = j.replace("{}", stem);
            assert!(
                err.lines()
                    .any(|l| l.contains(&name) && l.contains("not copied")),
                "check does not name {name}:\n{err}"
            );
        }
    }
    assert!(
        err.contains("bundle/photo.png") && err.contains("beside a draft"),
        "{err}"
    );
    assert!(err.contains("notes.txt~"), "{err}");
}
