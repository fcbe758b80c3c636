//! `newsroom convert` end to end: the real binary on fixture scrapes in temporary directories,
//! asserting on what the user sees (files, stdout, stderr, exit status).

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use newsroom::content::FrontMatter;

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/scrapes")
        .join(case)
        .join("input.txt")
}

const SEED: &str = "00-okex-seed-microsoft-openai";
const SEED_FILE: &str = "2023-06-08-wei-ruan-yu-openai-yuan-mei-you-kan-qi-lai-qin-mi-wu-jian.md";

fn newsroom() -> Command {
    Command::new(env!("CARGO_BIN_EXE_newsroom"))
}

fn md_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn converts_the_seed_into_the_out_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let out = newsroom()
        .args(["convert", "--out"])
        .arg(tmp.path())
        .arg(fixture(SEED))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(md_files(tmp.path()), [SEED_FILE]);
    let text = fs::read_to_string(tmp.path().join(SEED_FILE)).unwrap();
    let (fm, body) = FrontMatter::parse(&text).expect("the written front matter parses");
    assert_eq!(fm.title, "微软与 OpenAI，远没有看起来「亲密无间」");
    assert_eq!(fm.authors, ["鱼三隹"]);
    assert_eq!(fm.extra.source.as_deref(), Some("OKX"));
    assert_eq!(fm.extra.language.as_deref(), Some("zh"));
    // Tagging (issue 4): the article's companies, never the exchange named in its boilerplate.
    assert_eq!(fm.terms("companies"), ["OpenAI", "Microsoft"]);
    assert!(
        fm.terms("topics")
            .contains(&"Artificial Intelligence".to_string())
    );
    assert!(body.contains("## 潜在的竞争暗流涌动"));
    assert!(stderr_of(&out).contains("converted 1, unchanged 0, skipped 0 (exists), failed 0"));
}

#[test]
fn a_bad_file_fails_alone_and_the_batch_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = tmp.path().join("scraped");
    fs::create_dir_all(inputs.join("nested")).unwrap();
    fs::copy(fixture(SEED), inputs.join("a-seed.txt")).unwrap();
    fs::copy(
        fixture("51-binance-square-meta-llama3"),
        inputs.join("nested/c-meta.txt"),
    )
    .unwrap();
    fs::write(inputs.join("b-empty.txt"), "").unwrap();
    fs::write(
        inputs.join("b-binary.txt"),
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
    )
    .unwrap();
    fs::write(inputs.join("notes.toml"), "not an input").unwrap();
    let out_dir = tmp.path().join("content");
    let out = newsroom()
        .args(["convert", "--out"])
        .arg(&out_dir)
        .arg(&inputs)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert!(err.contains("b-empty.txt: empty input"), "{err}");
    assert!(err.contains("b-binary.txt: binary file"), "{err}");
    assert!(
        err.contains("converted 2, unchanged 0, skipped 0 (exists), failed 2"),
        "{err}"
    );
    assert_eq!(md_files(&out_dir).len(), 2);
}

#[test]
fn a_missing_or_oversized_input_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let out = newsroom()
        .args(["convert", "--max-size", "100", "--out"])
        .arg(tmp.path())
        .arg(fixture(SEED))
        .arg(tmp.path().join("nope.txt"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert!(
        err.contains("input.txt: input is larger than the limit of 100 bytes"),
        "{err}"
    );
    assert!(err.contains("nope.txt: no such file or directory"), "{err}");
    assert!(md_files(tmp.path()).is_empty());
}

#[test]
fn an_existing_file_is_not_overwritten_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join(SEED_FILE);
    let curated = "+++\ntitle = \"A curator's own article\"\n+++\nHand-written.\n";
    fs::write(&target, curated).unwrap();
    let run = |force: bool| {
        let mut cmd = newsroom();
        cmd.args(["convert", "--out"])
            .arg(tmp.path())
            .arg(fixture(SEED));
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    let out = run(false);
    assert!(out.status.success());
    assert!(
        stderr_of(&out).contains("slug moved to"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), curated);
    assert_eq!(
        md_files(tmp.path()).len(),
        2,
        "written beside, under a free URL"
    );
    fs::remove_file(tmp.path().join(SEED_FILE.replace(".md", "-2.md"))).unwrap();

    let out = run(true);
    assert!(out.status.success());
    assert!(stderr_of(&out).contains("converted 1,"));
    assert!(fs::read_to_string(&target).unwrap().contains("鱼三隹"));
}

/// A page scraped again (same `source_url`, new input) is the same article: it keeps its file
/// and URL and is not written beside it as a second copy.
#[test]
fn a_rescraped_page_keeps_its_file_instead_of_a_second_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/scrapes/95-synthetic-bitget-amd-mi300/input.html");
    let run = || {
        newsroom()
            .args(["convert", "--out"])
            .arg(tmp.path())
            .arg(&input)
            .output()
            .unwrap()
    };
    assert!(run().status.success());
    let files = md_files(tmp.path());
    assert_eq!(files.len(), 1);
    let file = tmp.path().join(&files[0]);
    let first = fs::read_to_string(&file).unwrap();
    assert!(first.contains("source_url = "), "{first}");
    // The page changed since: another input hash, the same URL.
    let edited = with_other_input_hash(&first);
    fs::write(&file, &edited).unwrap();
    let out = run();
    assert!(out.status.success());
    let err = stderr_of(&out);
    assert!(err.contains("exists (use --force"), "{err}");
    assert!(!err.contains("slug moved"), "{err}");
    assert_eq!(md_files(tmp.path()), files);
    assert_eq!(fs::read_to_string(&file).unwrap(), edited);
}

fn with_other_input_hash(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with("input_hash = ") {
                "input_hash = \"fnv1a128:00000000000000000000000000000000\"".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn the_same_input_twice_is_unchanged_and_curator_edits_survive() {
    let tmp = tempfile::tempdir().unwrap();
    let run = || {
        newsroom()
            .args(["convert", "--out"])
            .arg(tmp.path())
            .arg(fixture(SEED))
            .output()
            .unwrap()
    };
    assert!(run().status.success());
    let target = tmp.path().join(SEED_FILE);
    let first = fs::read_to_string(&target).unwrap();

    let out = run();
    assert!(out.status.success());
    assert!(
        stderr_of(&out).contains("unchanged 1"),
        "{}",
        stderr_of(&out)
    );

    // A curator edits the article: the input hash in the file still matches → unchanged, and
    // the edit is not lost.
    let edited = first.replace("看似亲密无间", "看似亲密无间（编者按）");
    fs::write(&target, &edited).unwrap();
    let out = run();
    assert!(
        stderr_of(&out).contains("unchanged 1"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), edited);
}

#[test]
fn stdin_with_url_records_provenance() {
    let tmp = tempfile::tempdir().unwrap();
    let page = fs::read(fixture("50-okx-learn-nvidia-blackwell")).unwrap();
    let url = "https://www.okx.com/learn/nvidia-blackwell-b200";
    let out = newsroom()
        .args(["convert", "-", "--url", url, "--out"])
        .arg(tmp.path())
        .write_stdin(page)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let files = md_files(tmp.path());
    assert_eq!(
        files,
        ["2024-03-19-nvidia-s-blackwell-bet-what-the-b200-means-for-the-ai-chip.md"]
    );
    let (fm, _) = FrontMatter::parse(&fs::read_to_string(tmp.path().join(&files[0])).unwrap())
        .map(|(fm, b)| (fm, b.to_string()))
        .unwrap();
    assert_eq!(fm.extra.source_url.as_deref(), Some(url));
    assert_eq!(fm.extra.source.as_deref(), Some("OKX"));
    assert_eq!(fm.authors, ["Priya Raman"]);
}

#[test]
fn a_gbk_input_converts_like_its_utf8_original() {
    let tmp = tempfile::tempdir().unwrap();
    // GBK cannot encode the Kangxi radical ⼊ the scrape carries; a GBK page would have 入.
    let text = fs::read_to_string(fixture("01-okx-moonshot-kimi-funding"))
        .unwrap()
        .replace('\u{2F0A}', "入");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err());
    fs::write(tmp.path().join("utf8.txt"), &text).unwrap();
    fs::write(tmp.path().join("gbk.txt"), &gbk).unwrap();
    let convert = |name: &str, out: &str| {
        let o = newsroom()
            .args(["convert", "--dry-run", "--out", out])
            .arg(tmp.path().join(name))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr_of(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    let from_gbk = convert("gbk.txt", "x");
    let from_utf8 = convert("utf8.txt", "x");
    let strip_hash = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("input_hash"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip_hash(&from_gbk), strip_hash(&from_utf8));
    assert!(from_gbk.contains("月之暗面融资超10亿美元，阿里为何押注Kimi"));
}

#[test]
fn explain_lists_every_drop_with_its_rule_id() {
    let tmp = tempfile::tempdir().unwrap();
    let out = newsroom()
        .args(["convert", "--explain", "--out"])
        .arg(tmp.path())
        .arg(fixture("02-okex-huawei-ascend"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = stderr_of(&out);
    for id in [
        "[share.widget]",
        "[nav.breadcrumb]",
        "[title.repeat]",
        "[meta.byline]",
        "[credit.image]",
        "[disclaimer.zh-label]",
        "[promo.community]",
        "[related.list]",
        "[tags.category-slug]",
        "[footer.copyright]",
    ] {
        assert!(err.contains(id), "{id} missing from:\n{err}");
    }
    // The disclaimer glued to the last paragraph is reported as the cut tail only.
    assert!(
        err.contains("[disclaimer.zh-label] disclaimer: 免责声明"),
        "{err}"
    );
}

#[test]
fn dry_run_prints_markdown_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("content");
    let out = newsroom()
        .args(["convert", "--dry-run", "--out"])
        .arg(&out_dir)
        .arg(fixture(SEED))
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("+++\ntitle = \"微软与 OpenAI，远没有看起来「亲密无间」\""));
    assert!(!out_dir.exists());
}

#[test]
fn a_gbk_html_page_converts() {
    let tmp = tempfile::tempdir().unwrap();
    let html = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/scrapes/54-jinse-gbk-apple-ai-china/input.html");
    let out = newsroom()
        .args(["convert", "--out"])
        .arg(tmp.path())
        .arg(&html)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let files = md_files(tmp.path());
    assert_eq!(files.len(), 1);
    let text = fs::read_to_string(tmp.path().join(&files[0])).unwrap();
    assert!(files[0].starts_with("2024-06-13-ping-guo-ai"), "{files:?}");
    assert!(text.contains("ChatGPT显然无法直接进入中国"), "{text}");
    assert!(!text.contains("alert(1)"));
    assert!(!text.contains("<script"));
}

#[test]
fn output_is_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scrapes");
    let run = |out: &str| {
        newsroom()
            .args(["convert", "--out"])
            .arg(tmp.path().join(out))
            .args(
                [
                    "00-okex-seed-microsoft-openai",
                    "04-binance-deepseek-nvidia",
                    "51-binance-square-meta-llama3",
                ]
                .map(|c| dir.join(c).join("input.txt")),
            )
            .output()
            .unwrap()
    };
    assert!(run("a").status.success());
    assert!(run("b").status.success());
    let a = md_files(&tmp.path().join("a"));
    assert_eq!(a, md_files(&tmp.path().join("b")));
    assert_eq!(a.len(), 3);
    for f in &a {
        assert_eq!(
            fs::read(tmp.path().join("a").join(f)).unwrap(),
            fs::read(tmp.path().join("b").join(f)).unwrap()
        );
    }
}

#[test]
fn a_site_rules_file_extends_the_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir_all(root.join("rules")).unwrap();
    fs::write(
        root.join("rules/boilerplate.toml"),
        "[[rule]]\nid = \"site.editor-note\"\ncomment = \"our own sign-off\"\nreason = \"editor's note\"\nkind = \"line\"\npatterns = ['这个消息揭开了.*']\n",
    )
    .unwrap();
    let out = newsroom()
        .arg("--root")
        .arg(root)
        .args(["convert", "--dry-run", "--explain"])
        .arg(fixture(SEED))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("[site.editor-note] editor's note: 这个消息揭开了"));
    assert!(
        !String::from_utf8(out.stdout)
            .unwrap()
            .contains("这个消息揭开了")
    );

    fs::write(
        root.join("rules/boilerplate.toml"),
        "[[rule]]\nidd = \"x\"\n",
    )
    .unwrap();
    let out = newsroom()
        .arg("--root")
        .arg(root)
        .args(["convert", "--dry-run"])
        .arg(fixture(SEED))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert!(err.contains("rules/boilerplate.toml:2:1"), "{err}");
}

/// Issue 5: an HTML page's metadata comes from its markup (Open Graph, JSON-LD `@graph`,
/// canonical link), each field from the best evidence: the published date rather than the
/// modified one, JSON-LD authors (not the site, not the editor), the title without its site
/// suffix, a relative `og:image` made absolute, a malformed JSON-LD block ignored.
#[test]
fn an_html_page_gets_its_metadata_from_the_markup() {
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html-meta/input.html");
    let tmp = tempfile::tempdir().unwrap();
    let out = newsroom()
        .args(["convert", "--out"])
        .arg(tmp.path())
        .arg(&input)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let file = tmp
        .path()
        .join("2024-02-27-chipmakers-rally-on-ai-server-demand.md");
    let text = fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let (fm, body) = FrontMatter::parse(&text).expect("the written front matter parses");
    assert_eq!(fm.title, "Chipmakers Rally on AI Server Demand");
    assert_eq!(fm.date.unwrap().rfc3339(), "2024-02-27T08:00:00Z");
    assert_eq!(fm.authors, ["Mara Quinn", "Tomas Ek"]);
    assert_eq!(
        fm.description.as_deref(),
        Some("Chipmakers’ shares rose after strong results. Analysts expect more & bigger orders.")
    );
    let extra = &fm.extra;
    assert_eq!(extra.source.as_deref(), Some("Silicon Ledger"));
    assert_eq!(
        extra.source_url.as_deref(),
        Some("https://siliconledger.example/news/chip-rally")
    );
    assert_eq!(extra.language.as_deref(), Some("en"));
    assert_eq!(
        extra.rest["cover_image"].as_str(),
        Some("https://siliconledger.example/images/2024/chip-rally.jpg")
    );
    assert_eq!(
        extra.rest["editors"].as_array().unwrap()[0].as_str(),
        Some("Ruth Oyelaran")
    );
    assert!(!body.contains("By Mara Quinn"), "{body}");

    // `--url` still decides the source URL; an image resolves against the page's own URL.
    let out = newsroom()
        .args(["convert", "--dry-run", "--url", "https://mirror.example/a"])
        .arg(&input)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("source_url = \"https://mirror.example/a\""),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("cover_image = \"https://siliconledger.example/images/2024/chip-rally.jpg\""),
        "{stdout}"
    );
}

/// A text scrape has no markup: no description or cover image is invented.
#[test]
fn a_text_scrape_gets_no_description_or_cover_image() {
    let out = newsroom()
        .args(["convert", "--dry-run"])
        .arg(fixture(SEED))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(!stdout.contains("description ="), "{stdout}");
    assert!(!stdout.contains("cover_image"), "{stdout}");
}

#[test]
fn same_title_dated_and_undated_into_a_site_with_that_slug_still_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let st = newsroom().arg("init").arg(&site).output().unwrap();
    assert!(st.status.success(), "{}", stderr_of(&st));
    for f in md_files(&site.join("content")) {
        fs::remove_file(site.join("content").join(f)).unwrap();
    }
    let body = "The chip maker announced a deal with a partner today, and the market responded.";
    let a = tmp.path().join("a.txt");
    let b = tmp.path().join("b.txt");
    fs::write(&a, format!("Chip Deal Announced\n\n2024-03-19\n\n{body}\n")).unwrap();
    fs::write(&b, format!("Chip Deal Announced\n\n{body} Again.\n")).unwrap();
    let old = "+++\ntitle = \"Old\"\n+++\nOld text.\n";
    fs::write(site.join("content/chip-deal-announced.md"), old).unwrap();
    let out = newsroom()
        .arg("--root")
        .arg(&site)
        .arg("convert")
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(md_files(&site.join("content")).len(), 3, "{err}");
    assert!(
        err.contains("slug moved to /chip-deal-announced-2/"),
        "{err}"
    );
    assert!(
        err.contains("slug moved to /chip-deal-announced-3/"),
        "{err}"
    );
    let public = tmp.path().join("public");
    let built = newsroom()
        .arg("--root")
        .arg(&site)
        .args(["build", "-o"])
        .arg(&public)
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", stderr_of(&built));
    for slug in [
        "chip-deal-announced",
        "chip-deal-announced-2",
        "chip-deal-announced-3",
    ] {
        assert!(
            public.join(slug).join("index.html").is_file(),
            "{slug} missing"
        );
    }
}

/// A FIFO given (or found in a folder) is named as what it is and not opened: opening it
/// would block the batch until something writes to it.
#[cfg(unix)]
#[test]
fn a_fifo_is_refused_as_not_a_regular_file_without_blocking() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    fs::create_dir(&dir).unwrap();
    let fifo = dir.join("page.html");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: no mkfifo(1)");
        return;
    }
    for input in [&fifo, &dir] {
        let out = newsroom()
            .args(["convert", "--out"])
            .arg(tmp.path().join("out"))
            .arg(input)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert!(!out.status.success(), "{err}");
        assert!(
            err.contains("page.html") && err.contains("not a regular file"),
            "{err}"
        );
    }
}
