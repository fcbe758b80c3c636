//! Article → Markdown body + [`FrontMatter`] → file name. Pure; the batch in `mod.rs` writes.
//!
//! Headings are `##` without their numbering, captions italic paragraphs, bullets a list;
//! paragraphs are never hard-wrapped (a soft break between Han characters would render as a
//! space). Chinese articles get full-width punctuation next to Chinese characters unless the
//! user keeps it as it is.

use std::collections::BTreeMap;

use super::blocks::bullet_text;
use super::model::{Article, Block, Hint, Inline, Markup, Role};
use super::normalize::{clean_line, normalize_chars, widen_punctuation};
use crate::content::{Extra, FrontMatter};
use crate::text::{Punctuation, is_cjk_punct};

/// Output options that change the text.
#[derive(Debug, Clone, Copy)]
pub struct Style<'p> {
    pub keep_punctuation: bool,
    /// The site's punctuation (`rules/text.toml`): bullet marks, widening.
    pub punctuation: &'p Punctuation,
    /// The ASCII marks this article's prose writes as its house style
    /// ([`super::normalize::house_marks`]): not widened.
    pub house: &'p [char],
}

/// A stable hex hash of the input bytes (FNV-1a, 128 bit): recorded as `extra.input_hash` so
/// that converting the same input again reports `unchanged`.
pub fn input_hash(bytes: &[u8]) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h = OFFSET;
    for &b in bytes {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    }
    format!("fnv1a128:{h:032x}")
}

/// `zh`, `zh-CN`, `zh-Hant`…
fn is_chinese(lang: &str) -> bool {
    lang == "zh" || lang.starts_with("zh-") || lang.starts_with("zh_")
}

fn prose(text: &str, zh: bool, style: Style<'_>) -> String {
    if zh && !style.keep_punctuation {
        widen_punctuation(text, style.punctuation, style.house)
    } else {
        text.to_string()
    }
}

/// Whether `rest` (the text after a `&`) would make CommonMark read an entity or character
/// reference (`&lt;`, `&#60;`, `&#x3C;`).
fn starts_reference(rest: &str) -> bool {
    let Some(end) = rest.find(';') else {
        return false;
    };
    let name = &rest[..end];
    if let Some(num) = name.strip_prefix('#') {
        match num.strip_prefix(['x', 'X']) {
            Some(hex) => (1..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()),
            None => (1..=7).contains(&num.len()) && num.bytes().all(|b| b.is_ascii_digit()),
        }
    } else {
        (2..=32).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.bytes().all(|b| b.is_ascii_alphanumeric())
    }
}

/// Escapes what CommonMark would read as markup; the text stays readable. A `&` is escaped
/// only where it would start a reference: text that says `&lt;script&gt;` must show exactly
/// that, not `<script>`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_inline(text, &mut out);
    escape_start(&out)
}

/// The inline half of [`escape`]: emphasis, code, link and HTML markers (and `&` where it
/// would start a reference), but not line starts. `{{` and `{%` become `{\{` and `{\%`: a
/// scraped page quoting a template language must not call a shortcode
/// ([`crate::shortcode`]).
pub fn escape_inline(text: &str, out: &mut String) {
    for (i, c) in text.char_indices() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '~')
            || (c == '&' && starts_reference(&text[i + 1..]))
            || (matches!(c, '{' | '%') && text[..i].ends_with('{') && calls_at(&text[i + 1..]))
        {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Whether the text after `{{` or `{%` reads as a shortcode call (`name(`, `/* name(`) or
/// `end`: only then is the pair escaped, so other braces stay as written.
fn calls_at(rest: &str) -> bool {
    let rest = rest.trim_start();
    let rest = rest.strip_prefix("/*").unwrap_or(rest).trim_start();
    let name = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(rest, |n| &rest[..n]);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let after = rest[name.len()..].trim_start();
    after.starts_with('(') || name == "end"
}

/// The Markdown body of an article.
pub fn body(article: &Article, style: Style<'_>) -> String {
    let zh = is_chinese(&article.meta.language);
    let mut out = String::new();
    let mut prev: Option<Role> = None;
    for b in &article.blocks {
        let Some(role) = b.role() else { continue };
        let same_run = prev == Some(role) && matches!(role, Role::ListItem | Role::TableRow);
        if !out.is_empty() {
            out.push_str(if same_run { "\n" } else { "\n\n" });
        }
        block(&mut out, b, role, same_run, zh, style);
        prev = Some(role);
    }
    out.push('\n');
    out
}

/// One kept block in Markdown.
fn block(out: &mut String, b: &Block, role: Role, same_run: bool, zh: bool, style: Style<'_>) {
    let text = prose(&b.kept, zh, style);
    // HTML blocks carry their structure (links, emphasis) while their text is unchanged.
    // Chinese prose stays plain text: link and emphasis markers between Han characters
    // break phrase search and copy-paste of the article text (and most inline links on
    // Chinese news pages are the site's own keyword-tag links).
    let markup = b.markup.as_ref().filter(|_| b.kept == b.text);
    let inline = |text: &str| {
        let md = markup.filter(|_| !zh).map(|m| inline_line(&m.spans));
        match md {
            Some(md) if !md.is_empty() => escape_start(&md),
            _ => escape(text),
        }
    };
    match role {
        Role::TableRow => table_row(out, b, markup, &text, same_run, zh, style),
        Role::Quote => {
            out.push_str("> ");
            out.push_str(&inline(&text));
        }
        Role::Heading => {
            let level = markup.map_or(2, |m| m.level.clamp(2, 6)) as usize;
            out.push_str(&"#".repeat(level));
            out.push(' ');
            out.push_str(&escape(&text));
        }
        Role::Caption => {
            out.push('*');
            out.push_str(&escape(&text));
            out.push('*');
        }
        Role::ListItem => {
            let depth = markup.map_or(0, |m| m.depth as usize);
            let ordered = markup.and_then(|m| m.ordered);
            out.push_str(&(if ordered.is_some() { "   " } else { "  " }).repeat(depth));
            match ordered {
                Some(n) => out.push_str(&format!("{n}. ")),
                None => out.push_str("- "),
            }
            if markup.is_some() {
                out.push_str(&inline(&text));
            } else {
                out.push_str(&escape(
                    bullet_text(&style.punctuation.blocks, &text).unwrap_or(&text),
                ));
            }
        }
        Role::Code => {
            let code = markup.and_then(|m| m.code.as_deref()).unwrap_or(&b.text);
            let lang = markup.and_then(|m| m.lang.as_deref()).unwrap_or("");
            let fence = "`".repeat(longest_run(code, '`').max(2) + 1);
            out.push_str(&format!("{fence}{lang}\n{code}\n{fence}"));
        }
        Role::Image => {
            if let Some((src, alt)) = b.markup.as_ref().and_then(|m| m.image.as_ref()) {
                let mut a = String::new();
                for c in alt.chars() {
                    if matches!(c, '\\' | '[' | ']' | '*' | '_' | '`' | '<') {
                        a.push('\\');
                    }
                    a.push(c);
                }
                out.push_str(&format!("![{a}]({})", image_destination(src)));
            }
        }
        Role::Paragraph => out.push_str(&inline(&text)),
    }
}

/// A table row; the delimiter row follows the first row of a table.
fn table_row(
    out: &mut String,
    b: &Block,
    markup: Option<&Markup>,
    text: &str,
    same_run: bool,
    zh: bool,
    style: Style<'_>,
) {
    let cells: Vec<String> = match (&b.hint, markup) {
        (Hint::TableRow(cells, _), Some(m)) if m.cells.len() == cells.len() => m
            .cells
            .iter()
            .map(|c| prose(&inline_line(c), zh, style).replace('|', "\\|"))
            .collect(),
        (Hint::TableRow(cells, _), _) => cells
            .iter()
            .map(|c| escape(&prose(c, zh, style)).replace('|', "\\|"))
            .collect(),
        _ => vec![escape(text)],
    };
    out.push_str(&format!("| {} |", cells.join(" | ")));
    if !same_run {
        out.push('\n');
        out.push_str(&format!("|{}", " --- |".repeat(cells.len())));
    }
}

/// Inline spans as one line of Markdown, escaped (but not yet for the line start), characters
/// normalised and spaces collapsed as in the block's text.
fn inline_line(spans: &[Inline]) -> String {
    let mut md = String::new();
    for s in spans {
        inline_span(s, &mut md);
    }
    clean_line(&normalize_chars(md.trim()))
}

fn inline_spans(spans: &[Inline]) -> String {
    let mut md = String::new();
    for s in spans {
        inline_span(s, &mut md);
    }
    md
}

fn inline_span(span: &Inline, out: &mut String) {
    match span {
        Inline::Text(t) => escape_inline(t, out),
        Inline::Break => out.push(' '),
        Inline::Link { url, content } => {
            let inner = inline_spans(content);
            if inner.trim().is_empty() || inner.contains('\n') {
                out.push_str(&inner);
            } else {
                let url = url.replace('(', "%28").replace(')', "%29");
                let (lead, core, trail) = split_ws(&inner);
                out.push_str(&format!("{lead}[{core}]({url}){trail}"));
            }
        }
        Inline::Emphasis(c) => wrap(c, "*", out),
        Inline::Strong(c) => wrap(c, "**", out),
        Inline::Strike(c) => wrap(c, "~~", out),
        Inline::BoldLine(c) => {
            out.push_str("**");
            out.push_str(inline_spans(c).trim_end());
            out.push_str("**");
        }
        Inline::Code(t) => {
            let ticks = "`".repeat(longest_run(t, '`') + 1);
            let pad = if t.starts_with('`') || t.ends_with('`') {
                " "
            } else {
                ""
            };
            out.push_str(&format!("{ticks}{pad}{t}{pad}{ticks}"));
        }
        Inline::Image { src, alt } => {
            out.push_str("![");
            escape_inline(alt, out);
            out.push_str("](");
            out.push_str(&image_destination(src));
            out.push(')');
        }
    }
}

/// Emphasis marks around the content's Markdown, outside its surrounding spaces; content that
/// CommonMark would not close (empty, ending in a backslash) stays unmarked.
fn wrap(content: &[Inline], mark: &str, out: &mut String) {
    let inner = inline_spans(content);
    let (lead, core, trail) = split_ws(&inner);
    if core.is_empty() || core.contains('\n') || core.ends_with('\\') {
        out.push_str(&inner);
        return;
    }
    // CommonMark does not close `**注意：**正文`: trailing CJK punctuation goes outside.
    let cut = core
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_cjk_punct(*c))
        .last()
        .map_or(core.len(), |(i, _)| i);
    let (core, punct) = core.split_at(cut);
    if core.is_empty() {
        out.push_str(&inner);
        return;
    }
    out.push_str(&format!("{lead}{mark}{core}{mark}{punct}{trail}"));
}

/// An image source as a Markdown link destination.
fn image_destination(src: &str) -> String {
    src.replace('(', "%28")
        .replace(')', "%29")
        .replace(' ', "%20")
}

fn split_ws(s: &str) -> (&str, &str, &str) {
    let core = s.trim();
    let lead = &s[..s.len() - s.trim_start().len()];
    let trail = &s[s.trim_end().len()..];
    (lead, core, trail)
}

fn longest_run(s: &str, ch: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for c in s.chars() {
        cur = if c == ch { cur + 1 } else { 0 };
        best = best.max(cur);
    }
    best
}

/// Escapes what would open a block at the start of an already-escaped inline Markdown line.
pub fn escape_start(md: &str) -> String {
    let mut out = md.to_string();
    let starts_block = out.starts_with(['#', '>', '+', '=', '|'])
        || out.starts_with("- ")
        || out == "-"
        || out.starts_with("---");
    if starts_block {
        out.insert(0, '\\');
    }
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let rest = &out[digits..];
        if rest.starts_with(". ") || rest.starts_with(") ") || rest == "." || rest == ")" {
            out.insert(digits, '\\');
        }
    }
    out
}

/// Only an `http(s)` URL is recorded as the source: a scraped canonical link or `og:url` can
/// say `javascript:…`, and the file should not carry it even though `build` links only http(s).
fn is_web_url(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase();
    (u.starts_with("https://") || u.starts_with("http://"))
        && !url
            .chars()
            .any(|c| c.is_control() || c == '"' || c == '<' || c == '>')
}

/// The front matter `build` reads; companies and topics come from `meta.tags`.
pub fn front_matter(
    article: &Article,
    hash: &str,
    fallback_title: &str,
    style: Style<'_>,
) -> FrontMatter {
    let m = &article.meta;
    let zh = is_chinese(&m.language);
    let title = m
        .title
        .as_deref()
        .map(|t| prose(t, zh, style))
        .unwrap_or_else(|| fallback_title.to_string());
    let mut rest: BTreeMap<String, toml::Value> = BTreeMap::new();
    let list =
        |v: &[String]| toml::Value::Array(v.iter().cloned().map(toml::Value::String).collect());
    for (k, v) in [
        ("editors", &m.byline.editors),
        ("translators", &m.byline.translators),
        ("reviewers", &m.byline.reviewers),
        ("credits", &m.byline.credits),
    ] {
        if !v.is_empty() {
            rest.insert(k.into(), list(v));
        }
    }
    if let Some(h) = &m.handle {
        rest.insert("handle".into(), toml::Value::String(h.clone()));
    }
    if let Some(img) = &m.cover_image {
        rest.insert("cover_image".into(), toml::Value::String(img.clone()));
    }
    rest.insert("input_hash".into(), toml::Value::String(hash.to_string()));
    let mut taxonomies = BTreeMap::new();
    taxonomies.insert("companies".to_string(), m.tags.companies.clone());
    taxonomies.insert("topics".to_string(), m.tags.topics.clone());
    FrontMatter {
        title,
        date: m.date,
        description: m.description.as_deref().map(|d| prose(d, zh, style)),
        authors: m.byline.authors.clone(),
        taxonomies,
        extra: Extra {
            source: m.source.clone(),
            source_url: m.source_url.clone().filter(|u| is_web_url(u)),
            language: Some(m.language.clone()),
            rest,
        },
        ..FrontMatter::default()
    }
}

/// `<date>-<slug>.md`, or `<slug>.md` without a date.
pub fn file_name(fm: &FrontMatter, fallback: &str) -> String {
    let mut slug = crate::slug::slugify_title(&fm.title, 60);
    if slug.is_empty() {
        slug = crate::slug::slugify_title(fallback, 60);
    }
    if slug.is_empty() {
        slug = "article".into();
    }
    match &fm.date {
        Some(d) => format!("{}-{slug}.md", d.ymd()),
        None => format!("{slug}.md"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_syntax_in_text_calls_no_shortcode() {
        let md = escape("Vue writes {{ msg(a=1) }} and Jinja {% block(x=1) %}");
        assert_eq!(
            md,
            "Vue writes {\\{ msg(a=1) }} and Jinja {\\% block(x=1) %}"
        );
        let page = serde_json::json!({});
        let cx = crate::expand::Page {
            page: &page,
            lang: "en",
            base_path: "/",
            bundle: None,
        };
        let md_config = crate::config::MarkdownConfig {
            shortcodes: crate::shortcode::Shortcodes::shared_default(),
            ..Default::default()
        };
        let html = crate::markdown::render_page(&md, &md_config, "/", None, None, Some(&cx));
        assert_eq!(html.shortcode_problems, []);
        let html = html.html;
        assert!(
            html.contains("{{ msg(a=1) }}") && html.contains("{% block(x=1) %}"),
            "{html}"
        );
    }

    #[test]
    fn escaping_keeps_text_readable() {
        assert_eq!(escape("普通的一段话。"), "普通的一段话。");
        assert_eq!(escape("#Meta 是话题"), "\\#Meta 是话题");
        assert_eq!(escape("1. 不是列表"), "1\\. 不是列表");
        assert_eq!(escape("a*b_c <script>"), "a\\*b\\_c \\<script>");
        assert_eq!(escape("AT&T & co"), "AT&T & co");
        assert_eq!(
            escape("&lt;b&gt; &#60; &#x3C;"),
            "\\&lt;b\\&gt; \\&#60; \\&#x3C;"
        );
    }

    #[test]
    fn only_web_urls_are_recorded_as_the_source() {
        assert!(is_web_url("https://wire.example.com/a"));
        assert!(is_web_url(" HTTP://wire.example.com/a"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("  JaVaScRiPt:alert(1)"));
        assert!(!is_web_url("data:text/html,x"));
        assert!(!is_web_url("https://a.example/\"><script>"));
    }

    #[test]
    fn hash_is_stable() {
        assert_eq!(input_hash(b""), "fnv1a128:6c62272e07bb014262b821756295c58d");
        assert_ne!(input_hash(b"a"), input_hash(b"b"));
    }
}

#[cfg(test)]
mod span_tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn spans_are_escaped_and_rendered_only_here() {
        let spans = [
            text("a*b "),
            Inline::Link {
                url: "https://ex.com/a_(b)".into(),
                content: vec![text(" the [x] ")],
            },
            Inline::Strong(vec![text("注意：")]),
            Inline::Code("a`b".into()),
            Inline::Break,
            Inline::Image {
                src: "https://ex.com/p q.png".into(),
                alt: "A_B".into(),
            },
        ];
        assert_eq!(
            inline_line(&spans),
            "a\\*b [the \\[x\\]](https://ex.com/a_%28b%29) **注意**：``a`b`` ![A\\_B](https://ex.com/p%20q.png)"
        );
        // Nothing to wrap: the marks stay out.
        assert_eq!(
            inline_line(&[Inline::Emphasis(vec![text(" ")]), text("x")]),
            "x"
        );
        assert_eq!(
            inline_line(&[Inline::BoldLine(vec![Inline::Strong(vec![text(
                "一、小标题 "
            )])])]),
            "****一、小标题****"
        );
    }
}
