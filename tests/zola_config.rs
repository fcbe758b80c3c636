//! A Zola user's `config.toml` builds: Zola's settings newsroom has are used, the others are
//! each named in one warning line; a misspelt key still fails, with a suggestion.

mod common;

use common::{assert_ok, build, fixture, read, stderr};

/// The `warning:` lines of a run's stderr, with the site's path cut off.
fn warnings(err: &str, root: &std::path::Path) -> Vec<String> {
    let prefix = format!("warning: {}/", root.display());
    err.lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_zola_config_builds_with_one_warning_per_ignored_key() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fixture("zola-config");
    let out = tmp.path().join("public");
    let o = build(&root, &out, &[]);
    assert_ok(&o);
    let no_effect = |line: u32, key: &str| {
        format!("config.toml:{line}: `{key}` is a Zola setting with no effect in newsroom")
    };
    assert_eq!(
        warnings(&stderr(&o), &root),
        [
            format!(
                "{}; Zola themes do not carry over; templates/ overrides newsroom's own",
                no_effect(6, "theme")
            ),
            no_effect(7, "compile_sass"),
            no_effect(8, "minify_html"),
            format!(
                "{}; newsroom writes atom.xml and rss.xml",
                no_effect(11, "feed_filenames")
            ),
            no_effect(13, "author"),
            no_effect(16, "taxonomies.categories.paginate_path"),
            no_effect(20, "markdown.highlight_code"),
            no_effect(21, "markdown.highlight_theme"),
            no_effect(22, "markdown.render_emoji"),
            no_effect(31, "slugify.paths"),
            no_effect(34, "search.include_title"),
            no_effect(35, "search.index_format"),
            no_effect(37, "translations"),
        ]
    );

    // What Zola and newsroom share is used: the language, the search index, both taxonomies
    // (a feed only for `tags`, as Zola does), the external-link and punctuation settings.
    let page = read(&out.join("news/hello/index.html"));
    assert!(page.contains("<html lang=\"en\""), "default_language");
    assert!(
        page.contains("target=\"_blank\"") && page.contains("nofollow"),
        "external_links_*"
    );
    assert!(page.contains("“quotes”"), "smart_punctuation");
    assert!(
        out.join("search/index.html").is_file(),
        "build_search_index"
    );
    assert!(out.join("tags/rust/index.html").is_file());
    assert!(out.join("categories/releases/index.html").is_file());
    assert!(out.join("tags/rust/atom.xml").is_file(), "feed = true");
    assert!(
        !out.join("categories/releases/atom.xml").exists(),
        "no `feed`: none, as in Zola"
    );
}

#[test]
fn a_misspelt_key_fails_with_its_line_and_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    common::copy_dir(&fixture("zola-config"), &site);
    let config = site.join("config.toml");
    let text = read(&config).replace(
        "feed_limit = 10",
        "feed_limit = 10\npaginat_by = 5\ncompile_sas = true",
    );
    std::fs::write(&config, text).unwrap();
    let o = build(&site, &tmp.path().join("public"), &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    let at = |line: u32| format!("{}:{line}:1: unknown key", config.display());
    assert!(
        err.contains(&format!(
            "{} `paginat_by`: neither a newsroom nor a Zola setting; did you mean `paginate_by`?",
            at(13)
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("{} `compile_sas`", at(14)))
            && err.contains("did you mean `compile_sass`?"),
        "every unknown key at once: {err}"
    );
    assert!(!tmp.path().join("public").exists(), "nothing written");
}

/// `check` reports them too, each with its line.
#[test]
fn check_lists_the_same_warnings() {
    let root = fixture("zola-config");
    let o = common::bin()
        .arg("--root")
        .arg(&root)
        .arg("check")
        .output()
        .expect("run newsroom");
    let err = stderr(&o);
    let mut found = warnings(&err, &root);
    found.retain(|w| w.starts_with("config.toml:"));
    assert_eq!(found.len(), 13, "{err}");
    assert!(
        found.contains(
            &"config.toml:7: `compile_sass` is a Zola setting with no effect in newsroom".into()
        ),
        "{err}"
    );
}
