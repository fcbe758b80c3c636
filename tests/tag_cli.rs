//! `newsroom tag` end to end: the real binary on Markdown files in a temporary site. Re-tagging
//! rewrites only the `[taxonomies]` arrays; every other byte stays; pinned tags survive.

use std::fs;

use assert_cmd::Command;

fn newsroom() -> Command {
    Command::new(env!("CARGO_BIN_EXE_newsroom"))
}

/// A hand-edited file: comments, odd spacing, key order and a body a curator rewrote to be
/// about Nvidia and TSMC, while the old tags still say OKX.
const BEFORE: &str = r#"+++
title   = "英伟达与台积电：AI 芯片的产能之争"   # curator's title
date = 2024-03-19
authors = ["韩默"]

# tags below are recomputed by `newsroom tag`
[taxonomies]
companies = [ "OKX" ]   # stale
topics = ["Blockchain"]

[extra]
source = "OKX"
language = "zh"
pinned_companies = ["Acme Robotics"]
+++
英伟达的新一代 GPU 供不应求，台积电的先进封装产能成了瓶颈。

## 产能从哪里来

台积电表示将继续扩充 CoWoS 先进封装产能，英伟达和 AMD 都在排队。英伟达的芯片仍然依赖台积电代工，AI 大模型训练对算力的需求还在增长。

英伟达首席执行官黄仁勋说，芯片短缺至少要持续到明年。台积电的晶圆厂也在加速建设。
"#;

const AFTER: &str = r#"+++
title   = "英伟达与台积电：AI 芯片的产能之争"   # curator's title
date = 2024-03-19
authors = ["韩默"]

# tags below are recomputed by `newsroom tag`
[taxonomies]
companies = ["Acme Robotics", "Nvidia", "TSMC"]   # stale
topics = ["Semiconductors", "Artificial Intelligence"]

[extra]
source = "OKX"
language = "zh"
pinned_companies = ["Acme Robotics"]
+++
英伟达的新一代 GPU 供不应求，台积电的先进封装产能成了瓶颈。

## 产能从哪里来

台积电表示将继续扩充 CoWoS 先进封装产能，英伟达和 AMD 都在排队。英伟达的芯片仍然依赖台积电代工，AI 大模型训练对算力的需求还在增长。

英伟达首席执行官黄仁勋说，芯片短缺至少要持续到明年。台积电的晶圆厂也在加速建设。
"#;

#[test]
fn tag_rewrites_only_the_taxonomies_and_keeps_pins() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content/news");
    fs::create_dir_all(&content).unwrap();
    let file = content.join("a.md");
    fs::write(&file, BEFORE).unwrap();
    fs::write(content.join("_index.md"), "+++\ntitle = \"News\"\n+++\n").unwrap();

    // --dry-run shows the change and writes nothing.
    let out = newsroom()
        .args(["--root"])
        .arg(dir.path())
        .args(["tag", "--dry-run", "--explain"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("would retag"), "{stderr}");
    assert!(stderr.contains("+ company Nvidia: "), "{stderr}");
    assert!(stderr.contains("+ topic Semiconductors: "), "{stderr}");
    assert!(
        stderr.contains(r#"companies: ["OKX"] → ["Acme Robotics", "Nvidia", "TSMC"]"#),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), BEFORE);

    let out = newsroom()
        .args(["--root"])
        .arg(dir.path())
        .arg("tag")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), AFTER);

    // Running again changes nothing, byte for byte.
    let out = newsroom()
        .args(["--root"])
        .arg(dir.path())
        .args(["tag"])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("retagged 0, unchanged 1"), "{stderr}");
    assert_eq!(fs::read_to_string(&file).unwrap(), AFTER);
}

#[test]
fn a_file_without_taxonomies_gets_the_table_and_yaml_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.md");
    let before = "+++\ntitle = \"Microsoft says Chinese hackers stole an Azure signing key\"\n+++\nMicrosoft said hackers used a stolen key to forge tokens and read Outlook email. The breach hit government agencies; the attackers exploited a vulnerability in Azure.\n";
    fs::write(&file, before).unwrap();
    let yaml = dir.path().join("c.md");
    fs::write(&yaml, "---\ntitle: x\n---\nbody\n").unwrap();
    let out = newsroom()
        .arg("tag")
        .arg(&file)
        .arg(&yaml)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("only `+++` TOML front matter"), "{stderr}");
    let after = fs::read_to_string(&file).unwrap();
    assert!(
        after.starts_with(&before[..before.find("+++\nMicrosoft").unwrap()]),
        "{after}"
    );
    assert!(
        after.contains("[taxonomies]\ncompanies = [\"Microsoft\"]\n"),
        "{after}"
    );
    assert!(after.contains("\"Cybersecurity\""), "{after}");
    assert!(
        after.ends_with(&before[before.find("+++\nMicrosoft").unwrap()..]),
        "{after}"
    );
}

#[test]
fn company_and_topic_pages_show_vocabulary_metadata() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let o = newsroom()
        .arg("--root")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--output-dir"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The default site is Chinese: the company is named and described in Chinese, with its
    // English name beside it.
    let page = fs::read_to_string(out.join("companies/microsoft/index.html")).unwrap();
    assert!(
        page.contains(
            r#"<h1 class="page-title">微软 <span class="term-alt" lang="en">Microsoft</span></h1>"#
        ),
        "{page}"
    );
    let zh_description = page
        .split(r#"<p class="term-description">"#)
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or_default();
    assert!(zh_description.contains("Azure云的开发商"), "{page}");
    assert!(
        page.contains(r#"href="https://www.microsoft.com""#),
        "{page}"
    );
    let page = fs::read_to_string(out.join("topics/artificial-intelligence/index.html")).unwrap();
    assert!(page.contains("人工智能"), "{page}");
}
