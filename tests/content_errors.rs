//! Reserved or colliding URLs and unknown templates (issue 12 item 7): `build` refuses each,
//! naming the file and the line of the key, and writes nothing.

mod common;

use std::path::Path;

use common::{build, repo_root, stderr, tree};

/// A site with the repository's config and these articles (`name`, front-matter lines).
fn site(dir: &Path, articles: &[(&str, &str)]) {
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::copy(repo_root().join("config.toml"), dir.join("config.toml")).unwrap();
    for (name, keys) in articles {
        let text = format!("+++\ntitle = \"{name}\"\n{keys}\n+++\n\nBody of {name}.\n");
        std::fs::write(dir.join("content").join(name), text).unwrap();
    }
}

#[test]
fn reserved_and_colliding_paths_and_aliases_name_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site(
        &root,
        &[
            ("feed-path.md", "path = \"atom.xml\""),
            ("not-found.md", "path = \"404.html\""),
            ("front.md", "path = \"/\""),
            ("style-alias.md", "aliases = [\"/style.css\"]"),
            ("nul-alias.md", "aliases = [\"/old\\u0000x/\"]"),
            ("front-alias.md", "aliases = [\"/index.html\"]"),
            ("taken.md", "slug = \"kept-url\""),
            ("steals.md", "aliases = [\"/kept-url/\"]"),
            ("dup-one.md", "aliases = [\"/old-url/\"]"),
            ("dup-two.md", "aliases = [\"old-url\"]"),
            ("paged.md", "slug = \"page\""),
            ("term-alias.md", "aliases = [\"/companies/x/\"]"),
            (
                "fine.md",
                "aliases = [\"/2019/old-name.html\", \"/older/\"]",
            ),
        ],
    );
    let out = tmp.path().join("public");
    let o = build(&root, &out, &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    for expected in [
        "feed-path.md:3: `path = \"atom.xml\"`: `atom.xml` is not a folder name",
        "not-found.md:3: `path = \"404.html\"`: `404.html` is not a folder name",
        "front.md:3: `path = \"/\"`: `/` is the front page",
        "style-alias.md:3: alias \"/style.css\": `style.css` is not a folder name",
        "nul-alias.md:3: alias \"/old\\0x/\": holds a control character",
        "front-alias.md:3: alias \"/index.html\": `/index.html` is a page the site generates",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    // Front-matter checks stop the build before URLs are compared; fix them and the URL
    // collisions are named.
    for f in [
        "feed-path.md",
        "not-found.md",
        "front.md",
        "style-alias.md",
        "nul-alias.md",
        "front-alias.md",
    ] {
        std::fs::remove_file(root.join("content").join(f)).unwrap();
    }
    let o = build(&root, &out, &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    for expected in [
        "steals.md:3: alias \"/kept-url/\" is the URL of `",
        "paged.md:3: the URL `/page/` is reserved for generated pages",
        "term-alias.md:3: alias \"/companies/x/\" `/companies/` is reserved",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    assert!(
        err.contains("dup-one.md:3: alias \"/old-url/\" is also an alias of `")
            || err.contains("dup-two.md:3: alias \"old-url\" is also an alias of `"),
        "{err}"
    );
    assert!(!err.contains("fine.md"), "{err}");
    assert!(!out.exists() || tree(&out).is_empty(), "nothing written");
}

#[test]
fn an_unknown_template_names_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site(
        &root,
        &[
            ("a.md", "date = 2024-05-01\ntemplate = \"long-read.html\""),
            ("b.md", "template = \"page.html\""),
        ],
    );
    std::fs::write(
        root.join("content/_index.md"),
        "+++\ntitle = \"Home\"\n\ntemplate = \"home.html\"\n+++\n",
    )
    .unwrap();
    let out = tmp.path().join("public");
    let o = build(&root, &out, &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("a.md:4: unknown template `long-read.html`"),
        "{err}"
    );
    assert!(
        err.contains("_index.md:4: unknown template `home.html`"),
        "{err}"
    );
    assert!(!err.contains("b.md"), "{err}");
    assert!(!out.exists() || tree(&out).is_empty(), "nothing written");
}
