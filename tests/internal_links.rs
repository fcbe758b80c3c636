//! Internal links end to end: heading ids and anchor links as rendered, and a build that
//! fails on a broken `@/` link, relative link or anchor (all reported together, with
//! `file:line`, the previous output untouched), or warns with `internal_level = "warn"`.

mod common;

use std::path::Path;

use common::*;

/// A copy of the `links` fixture (every link of it leads somewhere) with a page that has
/// one broken link of each kind, at lines 6, 8 and 10.
fn site_with_broken_links(dir: &Path) {
    copy_dir(&fixture("links"), dir);
    std::fs::write(
        dir.join("content/broken.md"),
        "+++\ntitle = \"Broken\"\n+++\nA page that lost its way.\n\n\
         See [a file that is gone](@/2024-05-09-gone.md).\n\n\
         See [a page that is gone](../no-such-story/).\n\n\
         See [a heading that is gone](/story/#nowhere).\n",
    )
    .unwrap();
}

const BROKEN: [&str; 3] = [
    "broken.md:6: internal link `@/2024-05-09-gone.md` points to no content file",
    "broken.md:8: broken link `../no-such-story/`: no such page or file",
    "broken.md:10: broken anchor `/story/#nowhere`: `story/index.html` has no heading or footnote with id `nowhere`",
];

#[test]
fn headings_get_their_own_ids_classes_and_anchor_links() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let o = build(&fixture("links"), &out, &[]);
    assert_ok(&o);
    assert!(!stderr(&o).contains("broken"), "{}", stderr(&o));
    let guide = read(&out.join("guide/index.html"));
    for want in [
        r##"<h2 id="details" class="note"><a class="anchor" href="#details" aria-label="§ Details">#</a>Details</h2>"##,
        r##"<h2 id="background"><a class="anchor" href="#background" aria-label="§ Background">#</a>Background</h2>"##,
        r##"<a href="/story/#later">the same by file</a>"##,
    ] {
        assert!(guide.contains(want), "{want}\n{guide}");
    }
    assert!(!guide.contains("{#"), "{guide}");
    let story = read(&out.join("story/index.html"));
    assert!(story.contains(r#"<h2 id="later">"#), "{story}");
}

#[test]
fn broken_internal_links_fail_the_build_together_and_keep_the_old_output() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&fixture("links"), &site);
    let out = tmp.path().join("public");
    assert_ok(&build(&site, &out, &[]));
    let before = tree(&out);
    site_with_broken_links(&site);
    let o = build(&site, &out, &[]);
    let err = stderr(&o);
    assert!(!o.status.success(), "{err}");
    for want in BROKEN {
        let line = err.lines().find(|l| l.ends_with(want));
        assert!(
            line.is_some_and(|l| l.starts_with("error: ")),
            "{want}\n{err}"
        );
    }
    assert!(err.contains("3 broken internal links"), "{err}");
    assert!(tree(&out) == before, "the previous output is untouched");
    assert!(!out.join("broken/index.html").exists());
}

#[test]
fn with_internal_level_warn_broken_links_are_warnings_and_the_site_is_built() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    site_with_broken_links(&site);
    let config = site.join("config.toml");
    let text = read(&config) + "\n[link_checker]\ninternal_level = \"warn\"\n";
    std::fs::write(&config, text).unwrap();
    let out = tmp.path().join("public");
    let o = build(&site, &out, &[]);
    assert_ok(&o);
    let err = stderr(&o);
    for want in BROKEN {
        let line = err.lines().find(|l| l.ends_with(want));
        assert!(
            line.is_some_and(|l| l.starts_with("warning: ")),
            "{want}\n{err}"
        );
    }
    assert!(!err.contains("error"), "{err}");
    assert!(out.join("broken/index.html").is_file());
}

#[test]
fn a_heading_id_the_theme_uses_is_an_error_naming_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&fixture("links"), &site);
    std::fs::write(
        site.join("content/clash.md"),
        "+++\ntitle = \"Clash\"\n+++\nText.\n\n## Start here {#main}\n",
    )
    .unwrap();
    let o = build(&site, &tmp.path().join("public"), &[]);
    let err = stderr(&o);
    assert!(!o.status.success(), "{err}");
    assert!(
        err.contains("clash.md:6: heading id `main` cannot be used: the theme's pages use it"),
        "{err}"
    );
}

#[test]
fn serve_refuses_an_edit_that_breaks_a_link_and_keeps_the_live_site() {
    use std::sync::RwLock;

    use newsroom::serve::State;
    use newsroom::serve::watch::Change;

    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    copy_dir(&fixture("links"), &root);
    let (mut state, files) = State::build(&root, "http://127.0.0.1:1111/", false).unwrap();
    let files = RwLock::new(files);
    let story = root.join("content/2024-05-02-story.md");
    let text = read(&story).replace("## Later on {#later}", "## Later on");
    std::fs::write(&story, text).unwrap();
    let change = Change {
        full: false,
        articles: vec![story.clone()],
        assets: vec![],
    };
    let err = state.update(&change, &files).unwrap_err().to_string();
    // The guide links to `#later` twice: by URL (line 5) and by file (line 6).
    for line in [5, 6] {
        assert!(
            err.contains(&format!("2024-05-01-guide.md:{line}: broken anchor")),
            "{err}"
        );
    }
    let live = files.read().unwrap();
    let shown = String::from_utf8_lossy(&live["story/index.html"]);
    assert!(shown.contains(r#"id="later""#), "the live site is kept");
}
