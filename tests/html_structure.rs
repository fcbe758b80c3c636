//! An HTML page's structure comes out as the right Markdown: headings, nested and ordered
//! lists, quotes, GFM tables, fenced code with its language, figures with alt text and caption,
//! links made absolute against the canonical URL, and nothing of the page's chrome or scripts.

use std::path::Path;

use assert_cmd::Command;

fn convert(page: &Path) -> String {
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
    let md = String::from_utf8(out.stdout).expect("utf-8");
    // The input hash changes with the fixture's bytes; the structure is what is under test.
    md.lines()
        .filter(|l| !l.starts_with("input_hash"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn tables_lists_quotes_code_and_figures() {
    let md = convert(Path::new("tests/fixtures/html-structure/page.html"));
    insta::assert_snapshot!(md);
    // What a reader would notice if it broke, spelled out beside the snapshot.
    assert!(md.contains("[TSMC's CoWoS lines](https://wire.example.com/2024/04/tsmc-cowos/)"));
    assert!(md.contains("| Year | Wafers per month | Source |\n| --- | --- | --- |"));
    assert!(md.contains("```python\ndef wafers_needed"));
    assert!(md.contains(
        "![A CoWoS wafer under inspection](https://wire.example.com/images/cowos-wafer.jpg)"
    ));
    assert!(md.contains("1. Dies are tested and thinned."));
    assert!(md.contains("  - silicon interposers"));
    assert!(md.contains("> “Packaging is the new front line"));
    for gone in [
        "javascript:",
        "onerror",
        "Share on X",
        "Nvidia earnings preview",
        "© 2024",
        "Markets",
    ] {
        assert!(!md.contains(gone), "{gone} leaked:\n{md}");
    }
}
