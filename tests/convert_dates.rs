//! Dates that make sense (issue 14): every page of `tests/fixtures/html-dates` gets the date
//! its `expected.toml` names. Machine-readable `datetime` beats visible text, numeric dates are
//! read in the page's locale (`en-GB` day first, `en-US` month first), a placeholder or
//! impossible date (before 1990, after tomorrow) is no date, the URL's date is the last
//! evidence, and a page with none gets none and a warning naming its file.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;

#[test]
fn every_fixture_page_gets_the_expected_date_and_an_undated_one_a_warning() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html-dates");
    let expected: BTreeMap<String, String> =
        toml::from_str(&std::fs::read_to_string(dir.join("expected.toml")).unwrap()).unwrap();
    assert!(expected.len() >= 6);
    let mut wrong = Vec::new();
    for (file, want) in &expected {
        let out = Command::new(env!("CARGO_BIN_EXE_newsroom"))
            .args(["convert", "--dry-run"])
            .arg(dir.join(file))
            .output()
            .expect("run newsroom");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{file}: {stderr}");
        let md = String::from_utf8(out.stdout).expect("utf-8");
        let got = md
            .lines()
            .find_map(|l| l.strip_prefix("date = "))
            .unwrap_or("");
        if !got.starts_with(want.as_str()) || (want.is_empty() && !got.is_empty()) {
            wrong.push(format!("{file}: date `{got}`, expected `{want}`"));
        }
        let warned = stderr.contains(&format!("{file}: no publication date found"));
        if want.is_empty() != warned {
            wrong.push(format!(
                "{file}: warning {warned}, expected {}",
                want.is_empty()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
