//! Shortcodes end to end: Zola's two call forms rendered with the default theme's and the
//! site's own templates into the page a reader gets; a call that cannot be rendered fails
//! the build with `file:line`, the previous output untouched.

mod common;

use common::*;

/// The article's body as the page has it.
fn prose(page: &str) -> &str {
    let start = page.find(r#"<div class="prose">"#).expect("prose");
    let end = start + page[start..].find("</article>").expect("end");
    &page[start..end]
}

#[test]
fn shortcodes_render_into_the_page() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let o = build(&fixture("shortcodes"), &out, &[]);
    assert_ok(&o);
    let page = read(&out.join("embeds/index.html"));
    insta::assert_snapshot!("embeds", prose(&page));
    let bundle = read(&out.join("a-bundle-with-a-slug/index.html"));
    // The bundle's image is published beside the page (its slug), sized from its file.
    assert!(out.join("a-bundle-with-a-slug/pic.png").is_file());
    insta::assert_snapshot!("figure", prose(&bundle));
}

#[test]
fn hostile_arguments_cannot_add_markup() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    assert_ok(&build(&fixture("shortcodes"), &out, &[]));
    let page = read(&out.join("embeds/index.html"));
    let body = prose(&page);
    assert!(!body.contains("<script"), "{body}");
    assert!(body.contains("Ada &lt;Lovelace&gt;"), "{body}");
    assert!(body.contains("Shipping today &amp; proud &lt;3"), "{body}");
    // No placeholder reaches a page, a feed or the search index.
    for (path, text) in tree(&out) {
        let text = String::from_utf8_lossy(&text);
        assert!(
            !text.chars().any(|c| ('\u{FDD0}'..='\u{FDEF}').contains(&c)),
            "{path}"
        );
    }
}

#[test]
fn a_call_that_cannot_be_rendered_fails_the_build_naming_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&fixture("shortcodes"), &site);
    let out = tmp.path().join("public");
    assert_ok(&build(&site, &out, &[]));
    let before = tree(&out);
    std::fs::write(
        site.join("content/bad.md"),
        "+++\ntitle = \"Bad\"\n+++\nIntro.\n\n{{ gallery(id=1) }}\n\n\
         {{ youtube(id=\"a\" }}\n\n{{ figure(src=\"javascript:alert(1)\") }}\n\n\
         {% quote(author=\"x\") %}\nnever closed\n",
    )
    .unwrap();
    let o = build(&site, &out, &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    for want in [
        "bad.md:6: unknown shortcode `gallery`: no templates/shortcodes/gallery.html or gallery.md",
        "bad.md:8: `{{ youtube(id=\"a\" }}` is not a shortcode call: expected `,` or `)` between arguments",
        "bad.md:10: shortcode `figure`: error: URL `javascript:alert(1)` is not allowed",
        "bad.md:12: `{% quote(author=\"x\") %}` has no `{% end %}` after it",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }
    assert_eq!(tree(&out), before, "the previous output is untouched");
}

#[test]
fn editing_a_shortcode_template_changes_the_pages_that_call_it() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&fixture("shortcodes"), &site);
    let out = tmp.path().join("public");
    assert_ok(&build(&site, &out, &[]));
    std::fs::write(
        site.join("templates/shortcodes/note.md"),
        "*Aside {{ nth }}:* {{ text }}\n",
    )
    .unwrap();
    assert_ok(&build(&site, &out, &[]));
    let page = read(&out.join("embeds/index.html"));
    assert!(page.contains("<em>Aside 1:</em>"), "{}", prose(&page));
    assert!(!page.contains("Note 1:"));
}
