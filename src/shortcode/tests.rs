use super::*;
use crate::config::MarkdownConfig;
use crate::expand::placeholder;

fn shortcodes(extra: &[(&str, &str)]) -> Shortcodes {
    let mut sources: BTreeMap<String, String> = DEFAULT_SHORTCODES
        .iter()
        .map(|(n, s)| (n.to_string(), s.to_string()))
        .collect();
    for (n, s) in extra {
        sources.insert(n.to_string(), s.to_string());
    }
    Shortcodes::from_sources(
        sources,
        crate::strings::Strings::default(),
        MarkdownConfig::default(),
    )
    .unwrap()
}

fn expand(sc: &Shortcodes, md: &str) -> (Expanded, Vec<Problem>) {
    let page = serde_json::json!({ "title": "Alpha", "path": "/news/alpha/" });
    let cx = Page {
        page: &page,
        lang: "en",
        base_path: "/",
        bundle: None,
    };
    sc.expand(md, &cx, pulldown_cmark::Options::empty())
        .expect("calls")
}

#[test]
fn arguments_of_every_kind_reach_the_template() {
    let sc = shortcodes(&[(
        "show.md",
        "{{ s }}|{{ q }}|{{ b }}|{{ n }}|{{ f }}|{{ yes }}|{{ list | join(sep=\",\") }}|{{ nth }}|{{ page.title }}",
    )]);
    let (x, problems) = expand(
        &sc,
        "{{ show(s=\"a b\", q='it', b=`x`, n=-3, f=1.5, yes=true, list=[1, \"two\",]) }}",
    );
    assert_eq!(problems, []);
    assert_eq!(x.md, "a b|it|x|-3|1.5|true|1,two|1|Alpha");
}

#[test]
fn nth_counts_calls_of_each_shortcode() {
    let sc = shortcodes(&[("n.md", "[{{ nth }}]"), ("m.md", "<{{ nth }}>")]);
    let (x, _) = expand(&sc, "{{ n() }} {{ m() }} {{ n() }} {% n() %}body{% end %}");
    assert_eq!(x.md, "[1] <1> [2] [3]");
}

#[test]
fn a_body_is_the_text_up_to_end_and_reaches_the_template_raw() {
    let sc = shortcodes(&[("q.html", "<q>{{ body }}</q>")]);
    let (x, problems) = expand(&sc, "{% q() %}\nsome *text* <b>\n{% end %}\nafter");
    assert_eq!(problems, []);
    assert_eq!(x.html, ["<q>some *text* &lt;b&gt;</q>"]);
    assert!(x.md.ends_with("\nafter"), "{:?}", x.md);
}

#[test]
fn escaped_calls_are_written_as_calls_and_template_syntax_is_text() {
    let sc = shortcodes(&[]);
    let md = "{{/* youtube(id=\"x\") */}} {%/* quote(a=1) */%}b{%/* end */%} {{ page.title }} {% if x %}";
    let (x, problems) = expand(&sc, md);
    assert_eq!(problems, []);
    assert_eq!(
        x.md,
        "{{ youtube(id=\"x\") }} {% quote(a=1) %}b{% end %} {{ page.title }} {% if x %}"
    );
}

#[test]
fn calls_in_code_are_text() {
    let sc = shortcodes(&[]);
    let page = serde_json::json!({});
    let cx = Page {
        page: &page,
        lang: "en",
        base_path: "/",
        bundle: None,
    };
    let md = "`{{ nope(a=1) }}`\n\n```\n{{ nope() }}\n```\n\n    {{ nope() }}\n";
    assert!(
        sc.expand(md, &cx, pulldown_cmark::Options::empty())
            .is_none()
    );
}

#[test]
fn unknown_malformed_and_unclosed_calls_are_problems_at_their_offset() {
    let sc = shortcodes(&[("q.html", "{{ body }}")]);
    let md = "a\n{{ nope(x=1) }}\n{{ youtube(id=\"x\" }}\n{{ youtube(id=) }}\n{% q() %}\nno end";
    let (_, problems) = expand(&sc, md);
    let got: Vec<(usize, &str)> = problems
        .iter()
        .map(|p| (p.offset, p.message.as_str()))
        .collect();
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(got[0].0, 2);
    assert!(got[0].1.starts_with("unknown shortcode `nope`"), "{got:?}");
    assert!(got[1].1.contains("expected `,` or `)`"), "{got:?}");
    assert!(got[2].1.contains("a value is a quoted string"), "{got:?}");
    assert!(got[3].1.contains("has no `{% end %}`"), "{got:?}");
}

#[test]
fn hostile_arguments_are_escaped_or_refused() {
    let sc = shortcodes(&[]);
    let (x, problems) = expand(
        &sc,
        "{{ tweet(url=\"https://x.com/a/status/1\", text=\"<script>alert(1)</script>\", author='\"><img src=x onerror=alert(1)>') }}",
    );
    assert_eq!(problems, []);
    let html = &x.html[0];
    assert!(
        !html.contains("<script") && !html.contains("<img"),
        "{html}"
    );
    let (_, problems) = expand(&sc, "{{ figure(src=\"javascript:alert(1)\") }}");
    assert!(
        problems[0].message.contains("is not allowed"),
        "{problems:?}"
    );
    let (_, problems) = expand(&sc, "{{ youtube(id='x\" onload=\"a') }}");
    assert!(problems[0].message.contains("is not an id"), "{problems:?}");
}

#[test]
fn offsets_after_a_call_map_back_to_the_source() {
    let sc = shortcodes(&[("long.md", "a much longer output than the call")]);
    let md = "x {{ long() }} y";
    let (x, _) = expand(&sc, md);
    let y_out = x.md.find('y').unwrap();
    assert_eq!(x.source_offset(y_out), md.find('y').unwrap());
    // Inside the output: the call's start.
    assert_eq!(x.source_offset(x.md.find("longer").unwrap()), 2);
    assert_eq!(x.source_offset(0), 0);
}

#[test]
fn placeholders_cannot_be_forged_and_are_restored_in_and_out_of_paragraphs() {
    let sc = shortcodes(&[("b.html", "<div>B</div>")]);
    let forged = placeholder(0);
    let md = format!("{forged}\n\n{{{{ b() }}}}\n\ntext {{{{ b() }}}} end");
    let (x, _) = expand(&sc, &md);
    assert!(
        !x.md.starts_with('\u{FDEF}'),
        "a forged placeholder is replaced"
    );
    let html = crate::markdown::render(&x.md, &MarkdownConfig::default(), "/").html;
    let restored = x.restore(&html);
    assert_eq!(restored.matches("<div>B</div>").count(), 2, "{restored}");
    assert!(restored.contains("\n<div>B</div>\n"), "{restored}");
    assert!(
        restored.contains("<p>text <div>B</div> end</p>"),
        "{restored}"
    );
}
