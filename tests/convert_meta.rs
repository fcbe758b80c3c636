//! Dates that make sense (issue 14): every page of `tests/fixtures/html-dates` gets the date
//! its `expected.toml` names. Machine-readable `datetime` beats visible text, numeric dates are
//! read in the page's locale (`en-GB` day first, `en-US` month first), a placeholder or
//! impossible date (before 1990, after tomorrow) is no date, the URL's date is the last
//! evidence, and a page with none gets none and a warning naming its file. Sources too: a
//! page whose metadata names no site gets its brand from its own domain.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;

/// Each page of a fixture folder, its expected value, the front matter line with `key`'s
/// value (empty when absent), and what `convert` printed on stderr.
fn convert_each(folder: &str, key: &str) -> Vec<(String, String, String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let expected: BTreeMap<String, String> =
        toml::from_str(&std::fs::read_to_string(dir.join("expected.toml")).unwrap()).unwrap();
    let prefix = format!("{key} = ");
    expected
        .into_iter()
        .map(|(file, want)| {
            let out = Command::new(env!("CARGO_BIN_EXE_newsroom"))
                .args(["convert", "--dry-run"])
                .arg(dir.join(&file))
                .output()
                .expect("run newsroom");
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            assert!(out.status.success(), "{file}: {stderr}");
            let md = String::from_utf8(out.stdout).expect("utf-8");
            let got = md
                .lines()
                .find_map(|l| l.strip_prefix(prefix.as_str()))
                .unwrap_or("")
                .trim_matches('"')
                .to_string();
            (file, want, got, stderr)
        })
        .collect()
}

/// Every page of a fixture folder writes exactly its expected `key` value (at least `min`
/// pages).
fn assert_each_equals(folder: &str, key: &str, min: usize) {
    let cases = convert_each(folder, key);
    assert!(cases.len() >= min, "{folder}: {} pages", cases.len());
    let wrong: Vec<String> = cases
        .iter()
        .filter(|(_, want, got, _)| want != got)
        .map(|(file, want, got, _)| format!("{file}: {key} `{got}`, expected `{want}`"))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_fixture_page_gets_the_expected_date_and_an_undated_one_a_warning() {
    let cases = convert_each("tests/fixtures/html-dates", "date");
    assert!(cases.len() >= 6);
    let mut wrong = Vec::new();
    for (file, want, got, stderr) in &cases {
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

#[test]
fn a_page_without_a_site_name_gets_its_source_from_its_own_domain() {
    assert_each_equals("tests/fixtures/html-sources", "source", 3);
}

#[test]
fn a_portal_page_in_tables_gets_its_headline_byline_and_date_from_the_rows_above_the_body() {
    // No <h1>; a greeting <title>; the headline in <font size=4><b>, then a row
    // `作者：张明　来源：本站　发布日期：2008-3-9 10:05:12` above the body's cell.
    let page =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html-portal/byline-table.html");
    let out = Command::new(env!("CARGO_BIN_EXE_newsroom"))
        .args(["convert", "--dry-run"])
        .arg(&page)
        .output()
        .expect("run newsroom");
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    for line in [
        "title = \"全市中小学开展安全教育周活动\"",
        "date = 2008-03-09T10:05:12",
        "authors = [\"张明\"]",
    ] {
        assert!(md.lines().any(|l| l == line), "no `{line}` in\n{md}");
    }
    assert!(!md.contains("欢迎访问"), "{md}");
}

/// `convert --dry-run PAGE` → the Markdown it would write.
fn dry_run(page: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_newsroom"))
        .args(["convert", "--dry-run"])
        .arg(page)
        .output()
        .expect("run newsroom");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn chinese_html_prose_gets_full_width_marks_unless_its_publisher_typeset_them() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html-punctuation");
    // Flattened on its way (no full-width mark anywhere): every ASCII mark next to Chinese is
    // widened, in the title and the body alike; Latin text keeps its own.
    let md = dry_run(&dir.join("flattened.html"));
    for want in [
        "title = '苹果AI入华寻找\"搭档\"，百度与阿里谁能胜出'",
        "6月10日，苹果在年度开发者大会上发布了Apple Intelligence，把生成式AI能力嵌入iPhone的系统层面；",
        "需要完成备案（即\"算法备案\"）：苹果必须",
    ] {
        assert!(md.contains(want), "no `{want}` in\n{md}");
    }
    assert!(
        !md.contains(",百度") && !md.contains("Intelligence,"),
        "{md}"
    );
    // Typeset in Chinese style with ASCII parentheses as house style: the parentheses stay,
    // a stray ASCII comma among full-width ones is widened.
    let md = dry_run(&dir.join("typeset.html"));
    for want in [
        "等10个设区市演出(此前已在保定市演出多场)，引起强烈反响。",
        "果树93(01)班毕业生群体学习的热潮正在全省各地深入开展，各地纷纷组织座谈会。",
    ] {
        assert!(md.contains(want), "no `{want}` in\n{md}");
    }
    // `--keep-punctuation` keeps every mark as the page has it.
    let out = Command::new(env!("CARGO_BIN_EXE_newsroom"))
        .args(["convert", "--dry-run", "--keep-punctuation"])
        .arg(dir.join("flattened.html"))
        .output()
        .expect("run newsroom");
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("6月10日,苹果"), "{md}");
}

#[test]
fn a_headline_is_the_page_s_own_title_not_a_section_h1_or_the_site_s_name() {
    // An `<h1>` that shares no word with the head's title is a section name; a head title's
    // last part after a spaced separator is a site's name, known to us or not, unless what
    // stays is too short to be a title by itself.
    assert_each_equals("tests/fixtures/html-titles", "title", 4);
}

#[test]
fn bylines_give_the_article_s_writers_not_labels_counters_or_commenters() {
    // `【作者】李华`, `本报记者 陈默 通讯员 孙一`, `作者：王强　点击数：125　发布时间：…`,
    // `文/本报记者 李华 王强`: the names, without labels, titles, counters or dates. JSON-LD
    // in a CDATA wrapper is read; `dc:creator` (also in a space-separated `property`) comes
    // before `<meta name=author>`; a commenter's byline (`J`) is nobody's authorship.
    assert_each_equals("tests/fixtures/html-bylines", "authors", 4);
}
