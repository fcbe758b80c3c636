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
            no_effect(13, "author"),
            no_effect(16, "taxonomies.categories.paginate_path"),
            no_effect(20, "markdown.highlight_code"),
            no_effect(21, "markdown.highlight_theme"),
            no_effect(22, "markdown.render_emoji"),
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
        out.join("tags/rust/rss.xml").is_file(),
        "feed_filenames: a term writes every feed listed, as in Zola"
    );
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
    assert_eq!(found.len(), 11, "{err}");
    assert!(
        found.contains(
            &"config.toml:7: `compile_sass` is a Zola setting with no effect in newsroom".into()
        ),
        "{err}"
    );
}

/// `[slugify] paths = "on"` gives a file name the URL Zola gives it (the `slug` crate's
/// transliteration), bundle files included; without it newsroom's own slugs are used, and
/// Zola's `"safe"` is warned about and has no effect. `paths_keep_dates` keeps the date.
#[test]
fn slugify_paths_on_keeps_the_urls_zola_gave() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    common::copy_dir(&fixture("zola-config"), &site);
    let news = site.join("content/news");
    std::fs::write(
        news.join("2024-05-06-AI芯片出口.md"),
        "+++\ntitle = \"AI 芯片出口新规\"\n+++\n新规。\n",
    )
    .unwrap();
    std::fs::write(
        news.join("十万用户.md"),
        "+++\ntitle = \"用户突破十万\"\ndate = 2024-05-07\n+++\n十万。\n",
    )
    .unwrap();
    let bundle = news.join("2024-05-08-AI图片");
    std::fs::create_dir_all(&bundle).unwrap();
    std::fs::write(
        bundle.join("index.md"),
        "+++\ntitle = \"图片\"\n+++\n![A picture](pic.svg)\n",
    )
    .unwrap();
    std::fs::write(
        bundle.join("pic.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>"#,
    )
    .unwrap();
    let config = site.join("config.toml");
    let original = read(&config);
    assert!(original.contains("[slugify]\npaths = \"on\"\n"));
    let built = |config_text: &str, name: &str| {
        std::fs::write(&config, config_text).unwrap();
        let out = tmp.path().join(name);
        let o = build(&site, &out, &[]);
        assert_ok(&o);
        (out, stderr(&o))
    };

    // As Zola 0.22 builds them (checked with tests/zola/compare.py).
    let (out, err) = built(&original, "on");
    for page in [
        "news/hello/",
        "news/aixin-pian-chu-kou/",
        "news/shi-mo-yong-hu/",
        "news/aitu-pian/",
    ] {
        assert!(out.join(page).join("index.html").is_file(), "{page}: {err}");
    }
    assert!(
        out.join("news/aitu-pian/pic.svg").is_file(),
        "beside its page"
    );
    assert!(
        read(&out.join("news/aitu-pian/index.html")).contains(r#"src="/news/aitu-pian/pic.svg""#)
    );
    assert!(
        !err.contains("slugify.paths"),
        "used, not warned about: {err}"
    );

    // newsroom's own slugs: pinyin syllables apart, 万 read `wan`.
    let (out, _) = built(&original.replace("[slugify]\npaths = \"on\"\n", ""), "own");
    for page in [
        "news/ai-xin-pian-chu-kou/",
        "news/shi-wan-yong-hu/",
        "news/ai-tu-pian/pic.svg",
    ] {
        assert!(out.join(page).exists(), "{page}");
    }

    let (out, err) = built(
        &original.replace("paths = \"on\"", "paths = \"safe\""),
        "safe",
    );
    assert!(out.join("news/ai-xin-pian-chu-kou/index.html").is_file());
    assert!(
        err.contains(
            "config.toml:31: `slugify.paths = \"safe\"` has no effect in newsroom: URLs are made \
             of ASCII letters, digits and `-` (`paths = \"on\"` makes them as Zola does)"
        ),
        "{err}"
    );

    let (out, _) = built(
        &original.replace("paths = \"on\"", "paths = \"on\"\npaths_keep_dates = true"),
        "dates",
    );
    for page in [
        "news/2024-05-01-hello/",
        "news/2024-05-06-aixin-pian-chu-kou/",
        "news/2024-05-08-aitu-pian/pic.svg",
    ] {
        assert!(out.join(page).exists(), "{page}");
    }
}
