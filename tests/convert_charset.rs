//! Charset trust (issue 12 item 8), end to end: `newsroom convert` on the pages of
//! tests/fixtures/charset. A declared charset that does not fit the bytes gives way to one that
//! does, with a warning naming both; a text that decodes is never "binary"; the language comes
//! from the text.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use newsroom::content::FrontMatter;

const ZH_TITLE: &str = "微软与OpenAI的合作关系";
const ZH_FIRST: &str = "微软与OpenAI的合作关系正变得微妙，双方在云服务市场上存在直接竞争。";
const EN_TITLE: &str = "Nvidia opens its first developer conference in years";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/charset")
        .join(name)
}

/// What the user gets: the one written file (front matter, body) and stderr.
struct Run {
    front_matter: FrontMatter,
    body: String,
    stderr: String,
}

fn convert(name: &str) -> Run {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_newsroom"))
        .args(["convert", "--out"])
        .arg(tmp.path())
        .arg(fixture(name))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{name}: {stderr}");
    let files: Vec<PathBuf> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{name}: {files:?}");
    let text = fs::read_to_string(&files[0]).unwrap();
    let (front_matter, body) = FrontMatter::parse(&text).expect("front matter parses");
    Run {
        front_matter,
        body: body.to_string(),
        stderr,
    }
}

/// The one warning line for `name`, which must name both charsets.
fn charset_warning(run: &Run, name: &str, declared: &str, used: &str) {
    let line = run
        .stderr
        .lines()
        .find(|l| l.starts_with("warning: ") && l.contains(name) && l.contains("charset"))
        .unwrap_or_else(|| panic!("no charset warning for {name}:\n{}", run.stderr));
    assert!(
        line.contains(&format!("declares charset {declared}")) && line.contains(used),
        "{line}"
    );
}

fn assert_chinese(run: &Run) {
    assert_eq!(run.front_matter.title, ZH_TITLE);
    assert!(run.body.contains(ZH_FIRST), "{}", run.body);
    assert!(!run.body.contains('\u{fffd}'), "{}", run.body);
    assert_eq!(run.front_matter.extra.language.as_deref(), Some("zh"));
}

#[test]
fn gbk_declared_latin1_is_read_as_gb18030_with_a_warning() {
    let name = "gbk-declared-iso-8859-1.html";
    let run = convert(name);
    assert_chinese(&run);
    charset_warning(&run, name, "iso-8859-1", "gb18030");
    assert!(run.stderr.contains("mojibake"), "{}", run.stderr);
}

#[test]
fn gbk_declared_utf8_is_not_binary_and_is_read_as_gb18030() {
    let name = "gbk-declared-utf-8.html";
    let run = convert(name);
    assert!(!run.stderr.contains("binary"), "{}", run.stderr);
    assert_chinese(&run);
    charset_warning(&run, name, "utf-8", "gb18030");
}

#[test]
fn gbk_declared_big5_is_not_binary_and_is_read_as_gb18030() {
    let name = "gbk-declared-big5.html";
    let run = convert(name);
    assert!(!run.stderr.contains("binary"), "{}", run.stderr);
    assert_chinese(&run);
    charset_warning(&run, name, "big5", "gb18030");
}

#[test]
fn english_utf8_with_three_bad_bytes_stays_utf8_and_english() {
    let name = "english-utf-8-three-bad-bytes.html";
    let run = convert(name);
    assert_eq!(run.front_matter.title, EN_TITLE);
    assert_eq!(run.front_matter.extra.language.as_deref(), Some("en"));
    assert!(
        run.body
            .contains("Nvidia used its first in\u{fffd}person developer conference"),
        "{}",
        run.body
    );
    assert_eq!(run.body.matches('\u{fffd}').count(), 3, "{}", run.body);
    assert!(
        run.stderr.contains(&format!(
            "warning: {}: 3 byte sequences are not valid utf-8, replaced by U+FFFD",
            fixture(name).display()
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn undeclared_english_with_bad_bytes_is_english_not_chinese() {
    let run = convert("english-undeclared-three-bad-bytes.html");
    assert_eq!(run.front_matter.title, EN_TITLE);
    assert_eq!(run.front_matter.extra.language.as_deref(), Some("en"));
    assert!(run.body.contains("developer conference in three years"));
    assert!(
        !run.body.chars().any(newsroom::slug::is_cjk),
        "{}",
        run.body
    );
}
