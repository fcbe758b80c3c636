//! `build` into an existing output: only the files whose bytes change are written, the result
//! is the same tree a fresh build gives, and a killed, failed or concurrent build never leaves
//! a half-written site.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use common::{assert_ok, bin, build, read, stderr, tree};

/// A site of `n` articles over a few companies and topics, paginated, with a static file.
fn site(dir: &Path, n: usize) -> PathBuf {
    let site = dir.join("site");
    assert_ok(&bin().arg("init").arg(&site).output().unwrap());
    let news = site.join("content/news");
    std::fs::create_dir_all(&news).unwrap();
    std::fs::write(
        site.join("content/news/_index.md"),
        "+++\ntitle = \"News\"\nsort_by = \"date\"\ntransparent = true\nrender = false\n+++\n",
    )
    .unwrap();
    for i in 0..n {
        write_article(&site, i, &format!("Story number {i}"), "");
    }
    std::fs::write(site.join("static/style-extra.css"), "body { margin: 0 }\n").unwrap();
    site
}

fn write_article(site: &Path, i: usize, title: &str, extra: &str) {
    let companies = ["OpenAI", "Microsoft", "Nvidia", "Apple"];
    let topics = ["ai", "chips", "cloud"];
    let text = format!(
        "+++\ntitle = \"{title}\"\ndate = 2024-{:02}-{:02}T08:00:00Z\n\n[taxonomies]\n\
         companies = [\"{}\"]\ntopics = [\"{}\"]\n+++\n\n{} reported its results on day {i}. \
         Analysts expect more news about {} soon.{extra}\n",
        1 + i % 12,
        1 + i % 28,
        companies[i % companies.len()],
        topics[i % topics.len()],
        companies[i % companies.len()],
        topics[i % topics.len()],
    );
    std::fs::write(site.join(format!("content/news/story-{i:04}.md")), text).unwrap();
}

/// How each file of a tree looks on disk: a file rewritten (even with the same bytes) gets a
/// new inode, since changes go through a rename.
fn stamps(dir: &Path) -> BTreeMap<String, (u64, std::time::SystemTime, u64)> {
    use std::os::unix::fs::MetadataExt;
    tree(dir)
        .keys()
        .map(|k| {
            let m = std::fs::metadata(dir.join(k)).unwrap();
            (k.clone(), (m.ino(), m.modified().unwrap(), m.len()))
        })
        .collect()
}

fn written(
    before: &BTreeMap<String, (u64, std::time::SystemTime, u64)>,
    dir: &Path,
) -> Vec<String> {
    stamps(dir)
        .into_iter()
        .filter(|(k, s)| before.get(k) != Some(s))
        .map(|(k, _)| k)
        .collect()
}

fn changed_bytes(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .collect()
}

/// The output equals a fresh build of the same sources, byte for byte.
fn assert_same_as_fresh(site: &Path, out: &Path, tmp: &Path) {
    let fresh = tmp.join("fresh").join("public");
    let _ = std::fs::remove_dir_all(tmp.join("fresh"));
    assert_ok(&build(site, &fresh, &[]));
    let (a, b) = (tree(out), tree(&fresh));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "same files as a fresh build"
    );
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs from a fresh build");
    }
    std::fs::remove_dir_all(tmp.join("fresh")).unwrap();
}

/// No temporary files in the output and nothing but the output and its state beside it.
fn assert_clean(tmp: &Path, out: &Path) {
    let temps: Vec<String> = tree(out)
        .into_keys()
        .filter(|k| k.contains(".nr-"))
        .collect();
    assert!(temps.is_empty(), "temporary files left: {temps:?}");
    let mut beside: Vec<String> = std::fs::read_dir(tmp)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "site" && !n.starts_with("fresh"))
        .collect();
    beside.sort();
    assert_eq!(
        beside,
        [".public.newsroom", "public"],
        "no stray directories"
    );
}

#[test]
fn a_rebuild_writes_exactly_the_files_whose_bytes_change() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site(tmp.path(), 40);
    let out = tmp.path().join("public");
    assert_ok(&build(&site, &out, &[]));

    // Nothing changed: nothing written, nothing even rendered.
    let before = stamps(&out);
    let o = build(&site, &out, &[]);
    assert_ok(&o);
    assert_eq!(written(&before, &out), Vec::<String>::new());
    assert!(stderr(&o).contains("up to date"), "{}", stderr(&o));
    // A source saved again with the same text: rendered, but no file changes.
    let again = site.join("content/news/story-0004.md");
    std::fs::write(&again, read(&again)).unwrap();
    let o = build(&site, &out, &[]);
    assert_ok(&o);
    assert_eq!(written(&before, &out), Vec::<String>::new());
    assert!(
        stderr(&o).contains("(0 written, 0 removed"),
        "{}",
        stderr(&o)
    );
    // A damaged output file is noticed even when no source changed.
    std::fs::write(out.join("news/story-0002/index.html"), "damaged").unwrap();
    assert_ok(&build(&site, &out, &[]));
    assert_same_as_fresh(&site, &out, tmp.path());

    // One article's title: its page, the lists and feeds that show it, the search files.
    let bytes = tree(&out);
    let before = stamps(&out);
    write_article(&site, 7, "A new title for story seven", "");
    assert_ok(&build(&site, &out, &[]));
    let w = written(&before, &out);
    assert_eq!(w, changed_bytes(&bytes, &tree(&out)), "written = changed");
    assert!(
        w.contains(&"news/story-0007/index.html".to_string()),
        "{w:?}"
    );
    assert!(
        w.len() < bytes.len() / 3,
        "{} of {} files written",
        w.len(),
        bytes.len()
    );
    let untouched = ["news/story-0008/index.html", "style-extra.css"];
    for u in untouched {
        assert!(!w.contains(&u.to_string()), "{u} rewritten");
    }
    assert_same_as_fresh(&site, &out, tmp.path());

    // A deleted article, a new one, a changed static file, a changed template.
    std::fs::remove_file(site.join("content/news/story-0003.md")).unwrap();
    write_article(&site, 40, "Story forty", " More.");
    std::fs::write(
        site.join("static/style-extra.css"),
        "body { margin: 1px }\n",
    )
    .unwrap();
    assert_ok(&build(&site, &out, &[]));
    assert!(
        !out.join("news/story-0003").exists(),
        "a deleted article's page is gone"
    );
    assert_same_as_fresh(&site, &out, tmp.path());

    let templates = tmp.path().join("theme");
    assert_ok(
        &bin()
            .arg("init")
            .arg(&templates)
            .arg("--templates")
            .output()
            .unwrap(),
    );
    let page = read(&templates.join("templates/page.html"));
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(
        site.join("templates/page.html"),
        page.replacen("</article>", "<p class=\"edited\">Edited.</p></article>", 1),
    )
    .unwrap();
    std::fs::remove_dir_all(&templates).unwrap();
    let bytes = tree(&out);
    let before = stamps(&out);
    assert_ok(&build(&site, &out, &[]));
    let w = written(&before, &out);
    assert_eq!(w, changed_bytes(&bytes, &tree(&out)), "written = changed");
    assert!(
        w.contains(&"news/story-0001/index.html".to_string()),
        "{w:?}"
    );
    let listings = [
        "index.html",
        "page/",
        "companies/",
        "topics/",
        "atom.xml",
        "search/",
    ];
    assert!(
        w.iter().all(|p| !listings.iter().any(|l| p.starts_with(l))),
        "only article pages: {w:?}"
    );
    assert_same_as_fresh(&site, &out, tmp.path());
    assert_clean(tmp.path(), &out);
}

#[test]
fn a_killed_build_is_finished_or_rolled_back_by_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site(tmp.path(), 300);
    let out = tmp.path().join("public");
    let started = Instant::now();
    assert_ok(&build(&site, &out, &[]));
    let full = started.elapsed();
    for round in 0..12u32 {
        // Alternate between a fresh output and one to update; kill at spread-out moments.
        if round % 3 == 0 {
            std::fs::remove_dir_all(&out).unwrap();
        }
        write_article(&site, round as usize, &format!("Round {round} title"), "");
        let mut child = bin()
            .arg("--root")
            .arg(&site)
            .args(["build", "--output-dir"])
            .arg(&out)
            .env_remove("NEWSROOM_BASE_URL")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full.mul_f64(f64::from(round) / 10.0));
        let _ = child.kill();
        let _ = child.wait();
        let o = build(&site, &out, &[]);
        assert_ok(&o);
        assert_same_as_fresh(&site, &out, tmp.path());
        assert_clean(tmp.path(), &out);
    }
}

#[test]
fn a_failed_write_leaves_the_old_site_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site(tmp.path(), 20);
    let out = tmp.path().join("public");
    assert_ok(&build(&site, &out, &[]));
    let old = tree(&out);
    // A file where the new article's directory has to go: its write fails.
    write_article(&site, 3, "Changed title", "");
    write_article(&site, 99, "Blocked", "");
    std::fs::write(out.join("news/story-0099"), "in the way").unwrap();
    let o = build(&site, &out, &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("news/story-0099"), "names the path: {err}");
    assert!(err.contains("previous output is unchanged"), "{err}");
    let mut now = tree(&out);
    assert_eq!(
        now.remove("news/story-0099").as_deref(),
        Some(&b"in the way"[..])
    );
    assert!(now == old, "the old site, whole");
    std::fs::remove_file(out.join("news/story-0099")).unwrap();
    assert_ok(&build(&site, &out, &[]));
    assert_same_as_fresh(&site, &out, tmp.path());
    assert_clean(tmp.path(), &out);
}

#[test]
fn concurrent_builds_of_one_site_end_with_a_whole_site() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site(tmp.path(), 150);
    let out = tmp.path().join("public");
    assert_ok(&build(&site, &out, &[]));
    write_article(&site, 5, "Changed while building", "");
    let spawn = || {
        bin()
            .arg("--root")
            .arg(&site)
            .args(["build", "--output-dir"])
            .arg(&out)
            .env_remove("NEWSROOM_BASE_URL")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for c in [a, b] {
        assert_ok(&c.wait_with_output().unwrap());
    }
    assert_same_as_fresh(&site, &out, tmp.path());
    assert_clean(tmp.path(), &out);
}

#[test]
fn a_foreign_output_directory_is_refused_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site(tmp.path(), 3);
    let out = tmp.path().join("www");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("precious.txt"), "mine").unwrap();
    let o = build(&site, &out, &[]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(tree(&out).len(), 1, "nothing touched");
    assert_eq!(read(&out.join("precious.txt")), "mine");

    assert_ok(&build(&site, &out, &["--force"]));
    assert!(
        !out.join("precious.txt").exists(),
        "--force replaces the contents"
    );
    // Now newsroom wrote it: later builds need no --force.
    assert_ok(&build(&site, &out, &[]));
    // An empty directory is fine too.
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert_ok(&build(&site, &empty, &[]));
}

#[test]
fn stale_staging_directories_of_killed_builds_are_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site(tmp.path(), 3);
    let out = tmp.path().join("public");
    for stale in [".public.staging-123", ".public.old-456"] {
        std::fs::create_dir_all(tmp.path().join(stale).join("news")).unwrap();
        std::fs::write(tmp.path().join(stale).join("news/x.html"), "x").unwrap();
    }
    std::fs::create_dir_all(tmp.path().join(".public.staging-notes")).unwrap();
    assert_ok(&build(&site, &out, &[]));
    assert!(!tmp.path().join(".public.staging-123").exists());
    assert!(!tmp.path().join(".public.old-456").exists());
    assert!(
        tmp.path().join(".public.staging-notes").exists(),
        "only names a build makes are removed"
    );
    std::fs::remove_dir(tmp.path().join(".public.staging-notes")).unwrap();
    assert_clean(tmp.path(), &out);
}

#[test]
fn an_output_without_a_record_is_compared_not_trusted() {
    // The site's own public/ from an older newsroom (no record): files that are already right
    // are left alone, the rest rewritten, files no source makes removed.
    let tmp = tempfile::tempdir().unwrap();
    let site = site(tmp.path(), 10);
    let out = site.join("public");
    let o = bin()
        .arg("--root")
        .arg(&site)
        .arg("build")
        .env_remove("NEWSROOM_BASE_URL")
        .output()
        .unwrap();
    assert_ok(&o);
    std::fs::remove_dir_all(site.join(".public.newsroom")).unwrap();
    std::fs::write(out.join("news/story-0001/index.html"), "tampered").unwrap();
    std::fs::write(out.join("leftover.html"), "old").unwrap();
    let before = stamps(&out);
    let o = bin()
        .arg("--root")
        .arg(&site)
        .arg("build")
        .env_remove("NEWSROOM_BASE_URL")
        .output()
        .unwrap();
    assert_ok(&o);
    let w = written(&before, &out);
    assert_eq!(w, ["news/story-0001/index.html"]);
    assert!(!out.join("leftover.html").exists());
    let fresh = tmp.path().join("fresh");
    assert_ok(&build(&site, &fresh, &[]));
    assert!(tree(&out) == tree(&fresh));
}
