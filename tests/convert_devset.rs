//! The dev-set scrapes as a corpus (copied into tests/fixtures/scrapes): every case (text or HTML) must
//! keep its `keep` snippets, lose its `drop` snippets, turn its `headings` into Markdown headings
//! and get title, date, authors, source and language right — the same checks as
//! ../shared/tools/scrape_score.py, so a regression fails `cargo test` before CI's scorer run.
//! Plus an insta snapshot of the seed's Markdown.

use std::fs;
use std::path::{Path, PathBuf};

use newsroom::convert::{article, write};
use newsroom::rules::Rules;
use unicode_normalization::UnicodeNormalization;

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scrapes");
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.toml").is_file())
        .collect();
    v.sort();
    v
}

/// NFKC, no whitespace, none of `# * _ > \` and backtick (the scorer's normalisation).
fn norm(s: &str) -> String {
    s.nfkc()
        .filter(|c| !c.is_whitespace() && !"#*_>`\\".contains(*c))
        .collect()
}

fn convert(case: &Path) -> (newsroom::content::FrontMatter, String) {
    let rules = Rules::defaults().unwrap();
    let html = case.join("input.html").is_file();
    let path = case.join(if html { "input.html" } else { "input.txt" });
    let bytes = fs::read(&path).unwrap();
    let text = newsroom::convert::input::decode(&bytes, Some(&path))
        .unwrap()
        .text;
    let opts = article::Options::default();
    let a = if html {
        article::analyze_html(&text, &rules, &opts)
    } else {
        article::analyze(&text, &rules, &opts)
    };
    let hash = write::input_hash(&bytes);
    let style = write::Style::default();
    let fm = write::front_matter(&a, &hash, "x", style);
    (fm, write::body(&a, style))
}

fn strings(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_case_scores_perfectly() {
    let mut failures = Vec::new();
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let exp: toml::Table =
            toml::from_str(&fs::read_to_string(case.join("expected.toml")).unwrap()).unwrap();
        let (fm, body) = convert(&case);
        let nbody = norm(&body);
        let headings = norm(
            &body
                .lines()
                .filter(|l| l.starts_with('#'))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        for s in strings(exp.get("keep")) {
            if !nbody.contains(&norm(&s)) {
                failures.push(format!("{name}: keep missing: {s}"));
            }
        }
        for s in strings(exp.get("drop")) {
            if nbody.contains(&norm(&s)) {
                failures.push(format!("{name}: drop leaked: {s}"));
            }
        }
        for s in strings(exp.get("headings")) {
            if !headings.contains(&norm(&s)) {
                failures.push(format!("{name}: heading missing: {s}"));
            }
        }
        let want = |k: &str| {
            exp.get(k)
                .and_then(|v| v.as_str())
                .map(|s| s.nfkc().collect::<String>())
        };
        let title: String = fm.title.nfkc().collect();
        if Some(title.trim()) != want("title").as_deref() {
            failures.push(format!("{name}: title {:?}", fm.title));
        }
        if fm.date.map(|d| d.ymd()) != want("date") {
            failures.push(format!("{name}: date {:?}", fm.date.map(|d| d.ymd())));
        }
        let mut got_authors = fm.authors.clone();
        let mut want_authors = strings(exp.get("authors"));
        got_authors.sort();
        want_authors.sort();
        if got_authors != want_authors {
            failures.push(format!("{name}: authors {:?}", fm.authors));
        }
        if fm.extra.source != want("source") {
            failures.push(format!("{name}: source {:?}", fm.extra.source));
        }
        if fm.extra.language != want("language") {
            failures.push(format!("{name}: language {:?}", fm.extra.language));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn seed_markdown_snapshot() {
    let case = cases()
        .into_iter()
        .find(|c| c.ends_with("00-okex-seed-microsoft-openai"))
        .unwrap();
    let rules = Rules::defaults().unwrap();
    let bytes = fs::read(case.join("input.txt")).unwrap();
    let a = article::analyze(
        std::str::from_utf8(&bytes).unwrap(),
        &rules,
        &article::Options::default(),
    );
    let r = write::render(
        &a,
        &write::input_hash(&bytes),
        "input",
        write::Style::default(),
    );
    insta::assert_snapshot!(
        "seed_markdown",
        format!("{}\n---\n{}", r.file_name, r.content)
    );
}

/// Every case's whole output, so that a rule change shows up as a reviewable diff.
#[test]
fn every_case_snapshot() {
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (fm, body) = convert(&case);
        let doc = fm.to_file_string(&body);
        insta::assert_snapshot!(format!("case_{name}"), doc);
    }
}

/// What `convert` writes reads back as the same front matter (the contract `build` relies on),
/// and its Markdown carries no raw HTML (a scraped `<script>` can only ever be text).
#[test]
fn every_case_round_trips_and_has_no_raw_html() {
    use pulldown_cmark::{Event, Parser};
    for case in cases() {
        let (fm, body) = convert(&case);
        let doc = fm.to_file_string(&body);
        let (again, body2) = newsroom::content::FrontMatter::parse(&doc)
            .unwrap_or_else(|e| panic!("{}: {e}", case.display()));
        assert_eq!(again, fm, "{}", case.display());
        assert_eq!(body2, body);
        for ev in Parser::new(&body) {
            assert!(
                !matches!(ev, Event::Html(_) | Event::InlineHtml(_)),
                "{}: raw HTML {ev:?}",
                case.display()
            );
        }
    }
}
