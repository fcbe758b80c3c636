//! Recall (issue 14): pages whose article is not one container — a split body, a lead outside
//! the chosen box, an article in an `<aside>`, paragraphs spread over layout rows — convert
//! with all of it, and without the chrome between. Each page of
//! `tests/fixtures/html-recall` is converted through the binary and checked against its
//! `expected.toml` entry.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use serde::Deserialize;

#[derive(Deserialize)]
struct Expect {
    keep: Vec<String>,
    drop: Vec<String>,
}

#[test]
fn every_recall_fixture_keeps_its_whole_article_and_drops_its_chrome() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html-recall");
    let expected: BTreeMap<String, Expect> =
        toml::from_str(&std::fs::read_to_string(dir.join("expected.toml")).unwrap()).unwrap();
    assert_eq!(expected.len(), 19);
    let mut wrong = Vec::new();
    for (name, want) in &expected {
        let out = Command::new(env!("CARGO_BIN_EXE_newsroom"))
            .args(["convert", "--dry-run"])
            .arg(dir.join(format!("{name}.html")))
            .output()
            .expect("run newsroom");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let md = String::from_utf8(out.stdout).unwrap();
        for k in &want.keep {
            if !md.contains(k.as_str()) {
                wrong.push(format!("{name}: lost `{k}`"));
            }
        }
        for d in &want.drop {
            if md.contains(d.as_str()) {
                wrong.push(format!("{name}: kept chrome `{d}`"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
