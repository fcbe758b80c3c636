//! The dev-set scrapes as a corpus (copied into tests/fixtures/scrapes): every case (text or HTML) must
//! keep its `keep` snippets, lose its `drop` snippets, turn its `headings` into Markdown headings
//! and get title, date, authors, source and language right — the same checks as
//! ../shared/tools/scrape_score.py, so a regression fails `cargo test` before CI's scorer run.
//! Plus an insta snapshot of the seed's Markdown.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use newsroom::convert::{Converted, Input, Knowledge, Options, convert};
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

/// The input file of a case (`input.html` or `input.txt`).
fn input_of(case: &Path) -> PathBuf {
    let html = case.join("input.html");
    if html.is_file() {
        html
    } else {
        case.join("input.txt")
    }
}

static KNOWLEDGE: LazyLock<Knowledge> = LazyLock::new(|| Knowledge::defaults().unwrap());

/// What `newsroom convert` makes of a case: the same entry the command calls.
fn convert_case(case: &Path) -> Converted {
    let path = input_of(case);
    let bytes = fs::read(&path).unwrap();
    let input = Input {
        bytes: &bytes,
        path: Some(&path),
    };
    convert(&input, &KNOWLEDGE, &Options::default())
        .unwrap_or_else(|e| panic!("{}: {e:#}", case.display()))
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
        let c = convert_case(&case);
        let (fm, body) = (&c.front_matter, &c.markdown);
        let nbody = norm(body);
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
    let r = convert_case(&case);
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
        insta::assert_snapshot!(format!("case_{name}"), convert_case(&case).content);
    }
}

/// What `convert` writes reads back as the same front matter (the contract `build` relies on),
/// and its Markdown carries no raw HTML (a scraped `<script>` can only ever be text).
#[test]
fn every_case_round_trips_and_has_no_raw_html() {
    use pulldown_cmark::{Event, Parser};
    for case in cases() {
        let c = convert_case(&case);
        let (fm, body, doc) = (&c.front_matter, &c.markdown, &c.content);
        let (again, body2) = newsroom::content::FrontMatter::parse(doc)
            .unwrap_or_else(|e| panic!("{}: {e}", case.display()));
        assert_eq!(&again, fm, "{}", case.display());
        assert_eq!(body2, body);
        for ev in Parser::new(body) {
            assert!(
                !matches!(ev, Event::Html(_) | Event::InlineHtml(_)),
                "{}: raw HTML {ev:?}",
                case.display()
            );
        }
    }
}

/// The body of an insta snapshot file (after its `---` header), as insta compares it.
fn snapshot_body(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("convert_devset__{name}.snap"));
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rest = text.strip_prefix("---\n").expect("insta header");
    let end = rest.find("\n---\n").expect("end of insta header");
    rest[end + "\n---\n".len()..].to_string()
}

/// Acceptance 3 of issue 11: for every case, the snapshot is byte for byte what the built
/// `newsroom convert` writes for that input (insta stores the text with one final newline of
/// its own, so only line ends at the very end are compared loosely), and the entry the
/// snapshots call returns exactly the written bytes.
#[test]
fn every_snapshot_is_what_the_command_writes() {
    let root = tempfile::tempdir().unwrap();
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let out = root.path().join(&name);
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_newsroom"))
            .arg("--root")
            .arg(root.path())
            .arg("convert")
            .arg(input_of(&case))
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let files: Vec<PathBuf> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "{name}: {files:?}");
        let written = fs::read_to_string(&files[0]).unwrap();
        let converted = convert_case(&case);
        assert_eq!(
            written, converted.content,
            "{name}: entry and command differ"
        );
        assert_eq!(
            files[0].file_name().unwrap().to_string_lossy(),
            converted.file_name,
            "{name}"
        );
        let snap = snapshot_body(&format!("case_{name}"));
        assert_eq!(
            snap.trim_end_matches('\n'),
            written.trim_end_matches('\n'),
            "{name}: the snapshot is not what `newsroom convert` writes"
        );
    }
}
