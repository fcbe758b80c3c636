//! `serve`'s incremental rebuilds: editing one article re-renders only what shows it.

mod common;

use std::path::Path;
use std::sync::{Arc, RwLock};

use newsroom::serve::State;
use newsroom::serve::watch::Change;

/// A site of `n` articles, 10 per page, each tagged with one of 20 companies and one of 5 topics.
fn make_site(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir.join("content/news")).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "title = \"Big\"\nbase_url = \"https://example.org/\"\npaginate_by = 10\n",
    )
    .unwrap();
    for i in 0..n {
        let text = format!(
            "+++\ntitle = \"Article {i}\"\ndate = 2024-01-01T00:{:02}:{:02}Z\n[taxonomies]\ncompanies = [\"Company {}\"]\ntopics = [\"Topic {}\"]\n+++\nBody of article {i}. 正文。\n",
            (i / 60) % 60,
            i % 60,
            i % 20,
            i % 5
        );
        std::fs::write(dir.join(format!("content/news/a{i:05}.md")), text).unwrap();
    }
}

#[test]
fn editing_one_article_of_2000_re_renders_only_the_affected_files() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    make_site(&root, 2000);
    let (mut state, files) = State::build(&root, "http://127.0.0.1:1111/", false).unwrap();
    let total = files.len();
    assert!(total > 2000 + 200, "{total} files");
    let before = files.clone();
    let files = RwLock::new(files);

    // Article 1000: page 100 of the index (newest first: 2000 - 1000 = 1000th of 2000... any page).
    let edited = root.join("content/news/a01000.md");
    let text = std::fs::read_to_string(&edited)
        .unwrap()
        .replace("Body of article 1000.", "Edited body.");
    std::fs::write(&edited, text).unwrap();
    let change = Change {
        full: false,
        articles: vec![edited],
        assets: vec![],
    };
    let rendered = state.update(&change, &files).unwrap();

    let after = files.read().unwrap();
    let changed: Vec<&String> = after
        .iter()
        .filter(|(k, v)| before.get(*k).is_none_or(|b| !Arc::ptr_eq(b, v)))
        .map(|(k, _)| k)
        .collect();
    // The article, its index page and section page, its company and topic pages and their
    // feeds: not the other 1999 articles, not the other index pages.
    assert!(
        changed.contains(&&"news/a01000/index.html".to_string()),
        "{changed:?}"
    );
    assert!(String::from_utf8_lossy(&after["news/a01000/index.html"]).contains("Edited body."));
    assert!(rendered <= 12, "rendered {rendered} files: {changed:?}");
    assert!(
        changed.len() <= rendered,
        "{rendered} rendered, changed: {changed:?}"
    );
    assert!(
        changed
            .iter()
            .all(|k| !k.starts_with("news/a0") || k.as_str() == "news/a01000/index.html"),
        "{changed:?}"
    );
    assert_eq!(after.len(), total, "no file appeared or vanished");
}

#[test]
fn a_new_title_updates_lists_and_a_deleted_article_disappears() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    make_site(&root, 30);
    let (mut state, files) = State::build(&root, "http://127.0.0.1:1111/", false).unwrap();
    let files = RwLock::new(files);
    let path = root.join("content/news/a00029.md");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Article 29", "Renamed story");
    std::fs::write(&path, text).unwrap();
    state
        .update(
            &Change {
                full: false,
                articles: vec![path.clone()],
                assets: vec![],
            },
            &files,
        )
        .unwrap();
    {
        let f = files.read().unwrap();
        assert!(String::from_utf8_lossy(&f["index.html"]).contains("Renamed story"));
        assert!(
            String::from_utf8_lossy(&f["companies/company-9/index.html"]).contains("Renamed story")
        );
    }
    std::fs::remove_file(&path).unwrap();
    state
        .update(
            &Change {
                full: false,
                articles: vec![path],
                assets: vec![],
            },
            &files,
        )
        .unwrap();
    let f = files.read().unwrap();
    assert!(!f.contains_key("news/a00029/index.html"));
    assert!(!String::from_utf8_lossy(&f["index.html"]).contains("Renamed story"));
}

#[test]
fn a_broken_edit_is_an_error_and_the_site_stays() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    make_site(&root, 5);
    let (mut state, files) = State::build(&root, "http://127.0.0.1:1111/", false).unwrap();
    let files = RwLock::new(files);
    let path = root.join("content/news/a00001.md");
    std::fs::write(&path, "+++\ntitle = \n+++\n").unwrap();
    let err = state
        .update(
            &Change {
                full: false,
                articles: vec![path.clone()],
                assets: vec![],
            },
            &files,
        )
        .unwrap_err();
    assert!(format!("{err:#}").contains("a00001.md:2:"), "{err:#}");
    assert!(
        files.read().unwrap().contains_key("news/a00001/index.html"),
        "last good site kept"
    );
}

/// Starts `newsroom serve` on a free port for `root`; returns the child and the first line it
/// printed (with the URL).
fn spawn_serve(root: &Path) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_newsroom"))
        .arg("--root")
        .arg(root)
        .args(["serve", "--port", "0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

/// Sends a raw request line (no client-side normalisation of `..`) and returns the status.
fn raw_status(port: u16, target: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = String::new();
    let _ = s.read_to_string(&mut buf);
    buf.lines().next().unwrap_or("").to_string()
}

#[test]
fn the_server_binds_loopback_and_never_serves_outside_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    make_site(&root, 3);
    // A secret next to the site, and a symlink out of static/.
    std::fs::write(root.join("secret.txt"), "secret").unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc", root.join("static/etc")).unwrap();
    let (mut child, line) = spawn_serve(&root);
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let port: u16 = url
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    assert!(raw_status(port, "/").contains("200"));
    assert!(raw_status(port, "/news/a00001/").contains("200"));
    for t in [
        "/../secret.txt",
        "/../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/news/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/news/%2e%2e/%2e%2e/secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/static/../secret.txt",
        "/etc/passwd%00.html",
        "/config.toml",
        "/content/news/a00001.md",
    ] {
        assert!(
            raw_status(port, t).contains("404"),
            "{t}: {}",
            raw_status(port, t)
        );
    }
    child.kill().unwrap();
    let _ = child.wait();
}

/// A small site where every output can be named: three articles (one with an old URL), one
/// company of the site's own vocabulary, one topic.
fn make_small_site(dir: &Path) {
    std::fs::create_dir_all(dir.join("content/news")).unwrap();
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "title = \"Small\"\nbase_url = \"https://example.org/\"\nlanguage = \"en\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("rules/companies.toml"),
        "[[company]]\nname = \"Acme Rockets\"\nslug = \"acme-rockets\"\naliases = [\"Acme Rockets\"]\ndescription = \"Makes rockets.\"\n",
    )
    .unwrap();
    for i in 1..=3 {
        let aliases = if i == 1 {
            "aliases = [\"old/a1/\"]\n"
        } else {
            ""
        };
        let text = format!(
            "+++\ntitle = \"Article {i}\"\ndate = 2024-01-0{i}\n{aliases}[taxonomies]\ncompanies = [\"Acme Rockets\"]\ntopics = [\"Space\"]\n+++\nBody of article {i}.\n"
        );
        std::fs::write(dir.join(format!("content/news/a{i}.md")), text).unwrap();
    }
}

fn set(paths: &[&str]) -> std::collections::BTreeSet<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

/// Applies `edit` (file, from, to), updates `state` (a full rebuild when `full`), and returns
/// the outputs re-rendered; `apply_and_check` checks the live site on the way.
fn step(
    root: &Path,
    state: &mut State,
    files: &RwLock<newsroom::serve::http::Files>,
    full: bool,
    edit: (&str, &str, &str),
) -> std::collections::BTreeSet<String> {
    let changed = replace_in(root, edit.0, edit.1, edit.2);
    let change = Change {
        full,
        articles: if full { vec![] } else { changed },
        assets: vec![],
    };
    apply_and_check(root, state, files, edit.0, change)
}

#[test]
fn serve_re_renders_exactly_the_outputs_whose_view_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    make_small_site(&root);
    let (mut state, files) = State::build(&root, "http://127.0.0.1:1111/", false).unwrap();
    let all: std::collections::BTreeSet<String> = state.rendered.iter().cloned().collect();
    let redirects = set(&["old/a1/index.html"]);
    assert!(all.is_superset(&redirects), "{all:?}");
    let templated: std::collections::BTreeSet<String> =
        all.difference(&redirects).cloned().collect();
    let files = RwLock::new(files);

    // An article's body: its page, and every list and feed that shows its card or content.
    let rendered = step(
        &root,
        &mut state,
        &files,
        false,
        ("content/news/a2.md", "Body of article 2.", "A new body."),
    );
    assert_eq!(
        rendered,
        set(&[
            "news/a2/index.html",
            "index.html",
            "companies/acme-rockets/index.html",
            "companies/acme-rockets/atom.xml",
            "topics/space/index.html",
            "topics/space/atom.xml",
            "atom.xml",
            "rss.xml",
        ])
    );

    // A term description (from the site's vocabulary): the term's page and the term list.
    let rendered = step(
        &root,
        &mut state,
        &files,
        true,
        ("rules/companies.toml", "Makes rockets.", "Builds rockets."),
    );
    assert_eq!(
        rendered,
        set(&["companies/acme-rockets/index.html", "companies/index.html"])
    );

    // The config title is in every template's `config`: everything templated, no redirect.
    let rendered = step(
        &root,
        &mut state,
        &files,
        true,
        ("config.toml", "\"Small\"", "\"Smaller\""),
    );
    assert_eq!(rendered, templated);

    // A rules file that views read (date formats): what shows an English date, nothing else.
    std::fs::write(
        root.join("rules/dates.toml"),
        "[display]\nxx = \"{year}\"\n",
    )
    .unwrap();
    let rendered = step(
        &root,
        &mut state,
        &files,
        true,
        ("rules/dates.toml", "xx", "en"),
    );
    let undated = set(&[
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "style.css",
        "search/index.html",
        "search/search.js",
        "companies/index.html",
        "topics/index.html",
    ]);
    let dated: std::collections::BTreeSet<String> =
        templated.difference(&undated).cloned().collect();
    assert_eq!(rendered, dated);
    assert!(
        String::from_utf8_lossy(&files.read().unwrap()["news/a1/index.html"]).contains(">2024<")
    );
}

/// The body of a GET, or "" when the request fails.
fn raw_body(port: u16, target: &str) -> String {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let _ = write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    );
    let mut buf = String::new();
    let _ = s.read_to_string(&mut buf);
    buf.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default()
}

#[test]
fn the_running_server_updates_its_search_index_after_an_edit() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    make_site(&root, 30);
    let (mut child, line) = spawn_serve(&root);
    let port: u16 = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .and_then(|u| u.trim_end_matches('/').rsplit(':').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no URL in {line:?}"));
    let version = || {
        let meta = raw_body(port, "/search/meta.json");
        let v: serde_json::Value = serde_json::from_str(&meta).unwrap_or_default();
        v["version"].as_str().unwrap_or("").to_string()
    };
    let before = version();
    assert!(!before.is_empty(), "the index is served from the start");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let file = root.join("content/news/a00007.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("Body of article 7.", "Quokka zeppelin."),
    )
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while version() == before && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let after = version();
    child.kill().unwrap();
    let _ = child.wait();
    assert_ne!(after, before, "the edit reached the search index");
}

/// Two sections (one sorted by title, one by date), pagers of 3, feeds of 5, aliases and an
/// `@/` link: every kind of output that can show an article.
fn make_paged_site(dir: &Path) {
    for s in ["news", "blog"] {
        std::fs::create_dir_all(dir.join("content").join(s)).unwrap();
    }
    std::fs::write(
        dir.join("config.toml"),
        "title = \"Paged\"\nbase_url = \"https://example.org/\"\nlanguage = \"en\"\npaginate_by = 3\nfeed_limit = 5\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("content/news/_index.md"),
        "+++\ntitle = \"News\"\nsort_by = \"title\"\n+++\n",
    )
    .unwrap();
    for i in 0..24 {
        let section = if i % 3 == 0 { "blog" } else { "news" };
        let aliases = if i % 7 == 0 {
            format!("aliases = [\"old/{i}/\"]\n")
        } else {
            String::new()
        };
        let link = if i == 5 {
            " See [the first](@/news/a01.md)."
        } else {
            ""
        };
        let text = format!(
            "+++\ntitle = \"Article {}\"\ndate = 2024-02-{:02}\n{aliases}[taxonomies]\ncompanies = [\"Company {}\"]\ntopics = [\"Topic {}\"]\n+++\nBody of article {i}.{link}\n",
            (b'A' + (i * 7 % 24) as u8) as char,
            i + 1,
            i % 4,
            i % 3,
        );
        std::fs::write(dir.join(format!("content/{section}/a{i:02}.md")), text).unwrap();
    }
}

/// Runs `edit` on the site, updates `state` with the changed files, and checks the live
/// site (see `apply_and_check`). Returns how many files were rendered.
fn edit_and_check(
    root: &Path,
    state: &mut State,
    files: &RwLock<newsroom::serve::http::Files>,
    what: &str,
    edit: impl FnOnce(&Path) -> Vec<std::path::PathBuf>,
) -> usize {
    let change = Change {
        full: false,
        articles: edit(root),
        assets: vec![],
    };
    apply_and_check(root, state, files, what, change).len()
}

/// Applies `change` to `state` and returns the outputs re-rendered. Checks that the live site
/// equals a fresh build of the new inputs (nothing stale, nothing left over or missing) and
/// that every file whose bytes changed was among those re-rendered.
fn apply_and_check(
    root: &Path,
    state: &mut State,
    files: &RwLock<newsroom::serve::http::Files>,
    what: &str,
    change: Change,
) -> std::collections::BTreeSet<String> {
    let before = files.read().unwrap().clone();
    state.update(&change, files).unwrap();
    let rendered: std::collections::BTreeSet<String> = state.rendered.iter().cloned().collect();
    let live = files.read().unwrap();
    let (_, fresh) = State::build(root, &state.base_url, false).unwrap();
    // The search index is rebuilt after the pages (`update_search`), not by `update`.
    let index = |k: &String| {
        k.starts_with("search/") && !k.starts_with("search/index") && !k.ends_with(".js")
    };
    for (k, v) in fresh.iter().filter(|(k, _)| !index(k)) {
        assert_eq!(
            live.get(k).map(|b| String::from_utf8_lossy(b).into_owned()),
            Some(String::from_utf8_lossy(v).into_owned()),
            "after {what}: {k} is stale"
        );
        if before.get(k).is_none_or(|b| b != v) {
            assert!(
                rendered.contains(k),
                "after {what}: {k} changed but was not re-rendered"
            );
        }
    }
    let live_keys = live.keys().filter(|k| !index(k)).count();
    let fresh_keys = fresh.keys().filter(|k| !index(k)).count();
    assert_eq!(
        live_keys, fresh_keys,
        "after {what}: files left over or missing"
    );
    rendered
}

fn replace_in(root: &Path, rel: &str, from: &str, to: &str) -> Vec<std::path::PathBuf> {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel}: no `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    vec![path]
}

#[test]
fn a_run_of_edits_in_place_and_not_always_leaves_the_site_a_fresh_build_would_make() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    make_paged_site(&root);
    let (mut state, files) = State::build(&root, "http://127.0.0.1:1111/", false).unwrap();
    let total = files.len();
    let files = RwLock::new(files);
    let mut run = |what: &str, edit: &dyn Fn(&Path) -> Vec<std::path::PathBuf>| {
        edit_and_check(&root, &mut state, &files, what, edit)
    };

    // Bodies, in place: an article deep in the site, then its neighbour (whose memo the first
    // edit patched), then the page the `@/` link points to.
    let n = run("a body", &|r| {
        replace_in(r, "content/news/a10.md", "Body of", "New body of")
    });
    assert!(n < total / 4, "{n} of {total} files rendered for one body");
    run("the neighbour's body", &|r| {
        replace_in(r, "content/news/a11.md", "Body of", "Other body of")
    });
    run("a linked page's body", &|r| {
        replace_in(r, "content/news/a01.md", "Body", "Text")
    });
    // A title in the date-sorted section (in place: the neighbours' links change) and in the
    // title-sorted one (the section's order changes).
    run("a blog title", &|r| {
        replace_in(r, "content/blog/a09.md", "title = \"", "title = \"Z ")
    });
    run("a news title", &|r| {
        replace_in(r, "content/news/a10.md", "title = \"", "title = \"0 ")
    });
    run("a summary", &|r| {
        replace_in(
            r,
            "content/news/a23.md",
            "[taxonomies]",
            "description = \"Short.\"\n[taxonomies]",
        )
    });
    // Structure: a new date, new terms, a new article, an alias, a deletion; then in place again.
    run("a date", &|r| {
        replace_in(r, "content/news/a16.md", "2024-02-17", "2024-03-30")
    });
    run("a term", &|r| {
        replace_in(r, "content/news/a16.md", "Company 0", "Company 9")
    });
    run("a body after a move", &|r| {
        replace_in(r, "content/news/a16.md", "Body", "Moved body")
    });
    run("an alias", &|r| {
        replace_in(
            r,
            "content/news/a17.md",
            "[taxonomies]",
            "aliases = [\"gone/17/\"]\n[taxonomies]",
        )
    });
    run("a new article", &|r| {
        let p = r.join("content/blog/new.md");
        std::fs::write(&p, "+++\ntitle = \"New\"\ndate = 2024-02-10T12:00:00Z\n[taxonomies]\ncompanies = [\"Company 1\"]\n+++\nFresh.\n").unwrap();
        vec![p]
    });
    run("a deletion", &|r| {
        let p = r.join("content/news/a04.md");
        std::fs::remove_file(&p).unwrap();
        vec![p]
    });
    run("two bodies at once", &|r| {
        let mut v = replace_in(r, "content/news/a02.md", "Body", "Twice");
        v.extend(replace_in(r, "content/blog/new.md", "Fresh.", "Fresher."));
        v
    });
    run("a draft", &|r| {
        replace_in(
            r,
            "content/news/a13.md",
            "[taxonomies]",
            "draft = true\n[taxonomies]",
        )
    });
}

#[test]
fn editing_a_shortcode_template_updates_the_served_pages_that_call_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    common::copy_dir(&common::fixture("shortcodes"), &root);
    let (mut state, files) = State::build(&root, "http://127.0.0.1:1111/", false).unwrap();
    let page = |files: &std::collections::HashMap<String, Arc<Vec<u8>>>| {
        String::from_utf8_lossy(&files["embeds/index.html"]).into_owned()
    };
    assert!(page(&files).contains("<strong>Note 1:</strong>"));
    let files = RwLock::new(files);
    let template = root.join("templates/shortcodes/note.md");
    std::fs::write(&template, "*Aside {{ nth }}:* {{ text }}\n").unwrap();
    // What the watcher reports for a file under templates/: the whole site is loaded again.
    let change = Change {
        full: true,
        articles: vec![],
        assets: vec![],
    };
    state.update(&change, &files).unwrap();
    let served = page(&files.read().unwrap());
    assert!(served.contains("<em>Aside 1:</em>"), "{served}");
    assert!(!served.contains("Note 1:"));
}
