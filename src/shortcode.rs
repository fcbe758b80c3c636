//! Zola's shortcodes in Markdown bodies: `{{ name(k=v, …) }}` and
//! `{% name(k=v) %}body{% end %}`, rendered with the site's `templates/shortcodes/NAME.html`
//! (tera, autoescaped: the arguments are the page's, so hostile) or `NAME.md` (its output is
//! Markdown, rendered and sanitized with the rest of the body). The default theme ships
//! `youtube`, `video`, `tweet` and `figure`; a site's file of the same name replaces one.
//!
//! An HTML shortcode's output is the only raw HTML that reaches a page unsanitized, and it
//! comes from the site's own templates: the call is replaced by a placeholder the Markdown
//! renderer passes through, and the placeholder by the output once the body is rendered and
//! sanitized ([`Expanded::restore`]). `{{/* name() */}}` and `{%/* name() */%}` write the call
//! itself, as in Zola. Calls inside code (fenced, indented or inline) are text, so an article
//! quoting a template language does not need escapes.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use anyhow::{Context as _, Result};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde_json::Value as Json;
use tera::{Kwargs, State, Tera};

use crate::expand::{Expand, Expanded, Page, Problem};
use crate::fsx;

/// The kind of a shortcode template: its file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Html,
    Markdown,
}

/// The site's shortcodes: the default theme's, overlaid with `<root>/templates/shortcodes/`.
pub struct Shortcodes {
    tera: Tera,
    kinds: BTreeMap<String, Kind>,
    /// Hash of every shortcode source: part of the key of cached page bodies.
    id: u64,
    /// Whether some Markdown shortcode writes an `@/` link (then a body calling shortcodes
    /// needs every page's URL to render).
    md_links: bool,
    /// The interface's words (`rules/ui.toml`): shortcodes get the page language's as `t`.
    strings: crate::strings::Strings,
}

impl std::fmt::Debug for Shortcodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shortcodes")
            .field("names", &self.kinds.keys().collect::<Vec<_>>())
            .field("id", &self.id)
            .finish()
    }
}

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/shortcodes/", $name)))),*]
    };
}

/// The default theme's shortcodes: (file name, source).
pub const DEFAULT_SHORTCODES: &[(&str, &str)] =
    embedded!("youtube.html", "video.html", "tweet.html", "figure.html");

impl Shortcodes {
    /// The default theme's shortcodes, compiled once per process.
    pub fn shared_default() -> std::sync::Arc<dyn Expand> {
        static DEFAULT: std::sync::LazyLock<std::sync::Arc<Shortcodes>> =
            std::sync::LazyLock::new(|| std::sync::Arc::new(Shortcodes::embedded()));
        DEFAULT.clone()
    }

    /// The default theme's shortcodes alone.
    pub fn embedded() -> Shortcodes {
        Shortcodes::from_sources(
            DEFAULT_SHORTCODES
                .iter()
                .map(|(n, s)| (n.to_string(), s.to_string()))
                .collect(),
            crate::strings::Strings::default(),
            crate::config::MarkdownConfig::default(),
        )
        .expect("the default shortcodes compile")
    }

    /// The default theme's shortcodes overlaid with `<root>/templates/shortcodes/*.html|md`.
    /// `markdown` is the site's `[markdown]`, for the `markdown` filter.
    pub fn load(root: &Path, markdown: &crate::config::MarkdownConfig) -> Result<Shortcodes> {
        let mut sources: BTreeMap<String, String> = DEFAULT_SHORTCODES
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        let dir = root.join("templates").join("shortcodes");
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir).max_depth(1).sort_by_file_name() {
                let entry = entry
                    .with_context(|| format!("failed to read shortcodes in `{}`", dir.display()))?;
                let name = entry.file_name().to_string_lossy().to_string();
                if !entry.file_type().is_file() || name.starts_with('.') {
                    continue;
                }
                let Some((stem, ext)) = name.rsplit_once('.') else {
                    continue;
                };
                if !matches!(ext, "html" | "md") || !is_ident(stem) {
                    anyhow::bail!(
                        "`{}`: a shortcode is `templates/shortcodes/NAME.html` or `NAME.md`, \
                         NAME made of letters, digits and `_`",
                        entry.path().display()
                    );
                }
                // One kind per name: the site's file replaces the default of the same name.
                let other = format!("{stem}.{}", if ext == "html" { "md" } else { "html" });
                if sources.remove(&other).is_some()
                    && !DEFAULT_SHORTCODES.iter().any(|(n, _)| *n == other)
                {
                    anyhow::bail!(
                        "`{}`: shortcode `{stem}` is defined twice (`{stem}.html` and `{stem}.md`); keep one",
                        entry.path().display()
                    );
                }
                sources.insert(name, fsx::read_to_string(entry.path())?);
            }
        }
        let strings = crate::strings::Strings::from_layers(&crate::rules::Layers::load(root)?)?;
        Shortcodes::from_sources(sources, strings, markdown.clone()).with_context(|| {
            format!(
                "shortcode template error in `{}`",
                root.join("templates/shortcodes").display()
            )
        })
    }

    fn from_sources(
        sources: BTreeMap<String, String>,
        strings: crate::strings::Strings,
        markdown: crate::config::MarkdownConfig,
    ) -> Result<Shortcodes> {
        let id = crate::render::hash_of(&(&sources, &strings));
        let mut kinds = BTreeMap::new();
        let mut md_links = false;
        for (name, src) in &sources {
            let (stem, ext) = name.rsplit_once('.').expect("named NAME.ext");
            let kind = if ext == "md" {
                md_links |= src.contains("@/");
                Kind::Markdown
            } else {
                Kind::Html
            };
            kinds.insert(stem.to_string(), kind);
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html"]);
        tera.register_filter("checked_url", checked_url);
        tera.register_filter("checked_id", checked_id);
        tera.register_function("asset", asset);
        tera.register_filter(
            "markdown",
            move |text: &str, kwargs: Kwargs, state: &State| -> tera::TeraResult<tera::Value> {
                let base = state
                    .get::<String>(BASE_PATH)?
                    .unwrap_or_else(|| "/".into());
                let html = crate::markdown::render(text, &markdown, &base).html;
                let html = if kwargs.get::<bool>("inline")?.unwrap_or(false) {
                    let t = html.trim_end();
                    match t.strip_prefix("<p>").and_then(|t| t.strip_suffix("</p>")) {
                        Some(inner) if !inner.contains("<p>") => inner.to_string(),
                        _ => html,
                    }
                } else {
                    html
                };
                Ok(tera::Value::safe_string(&html))
            },
        );
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| anyhow::anyhow!("{}", crate::render::templates::render_error(&e)))?;
        Ok(Shortcodes {
            tera,
            kinds,
            id,
            md_links,
            strings,
        })
    }

    fn render_call(
        &self,
        name: &str,
        args: &[(String, Json)],
        body: Option<&str>,
        nth: usize,
        page: &Page<'_>,
    ) -> Result<(Kind, String), String> {
        let Some(&kind) = self.kinds.get(name) else {
            let known: Vec<&str> = self.kinds.keys().map(String::as_str).collect();
            return Err(format!(
                "unknown shortcode `{name}`: no templates/shortcodes/{name}.html or {name}.md \
                 (known: {})",
                known.join(", ")
            ));
        };
        let mut ctx = tera::Context::new();
        for (k, v) in args {
            ctx.insert(k.clone(), v);
        }
        ctx.insert("nth", &nth);
        ctx.insert(BASE_PATH, page.base_path);
        ctx.insert("page", page.page);
        ctx.insert("lang", page.lang);
        ctx.insert("t", self.strings.table(page.lang));
        if let Some(body) = body {
            ctx.insert("body", body);
        }
        if let Some((dir, url)) = page.bundle {
            ctx.insert(BUNDLE_DIR, &dir.to_string_lossy());
            ctx.insert(BUNDLE_URL, url);
        }
        let file = match kind {
            Kind::Html => format!("{name}.html"),
            Kind::Markdown => format!("{name}.md"),
        };
        self.tera
            .render(&file, &ctx)
            // A template file's last newline is not part of what it writes.
            .map(|text| (kind, text.trim_end().to_string()))
            .map_err(|e| {
                format!(
                    "shortcode `{name}`: {}",
                    crate::render::templates::render_error(&e)
                )
            })
    }
}

impl Expand for Shortcodes {
    /// Every call that cannot be rendered is a [`Problem`]; the others are expanded all the
    /// same.
    fn expand(
        &self,
        md: &str,
        page: &Page<'_>,
        options: pulldown_cmark::Options,
    ) -> Option<(Expanded, Vec<Problem>)> {
        if !(md.contains("{{") || md.contains("{%")) {
            return None;
        }
        let calls = scan(md, &code_spans(md, options));
        if calls.is_empty() {
            return None;
        }
        let mut out = Expanded::with_capacity(md.len());
        let mut problems = Vec::new();
        let mut nth: BTreeMap<&str, usize> = BTreeMap::new();
        let mut at = 0;
        for call in &calls {
            out.push_text(&md[at..call.span.start]);
            at = call.span.end;
            let rendered = match &call.what {
                What::Escaped(text) => Ok((Kind::Markdown, text.clone())),
                What::Broken(message) => Err(message.clone()),
                What::Call { name, args, body } => {
                    let n = nth.entry(name).or_insert(0);
                    *n += 1;
                    self.render_call(name, args, *body, *n, page)
                }
            };
            match rendered {
                Ok((Kind::Markdown, text)) => out.push_markdown(call.span.clone(), &text),
                Ok((Kind::Html, html)) => out.push_html(call.span.clone(), html),
                Err(message) => {
                    problems.push(Problem {
                        offset: call.span.start,
                        message,
                    });
                    out.push_markdown(call.span.clone(), "");
                }
            }
        }
        out.push_text(&md[at..]);
        Some((out, problems))
    }

    fn id(&self) -> u64 {
        self.id
    }

    /// Whether some Markdown shortcode writes an `@/` link.
    fn may_link(&self) -> bool {
        self.md_links
    }
}

/// Context keys the `asset` function and the `markdown` filter read (not meant for
/// templates).
const BUNDLE_DIR: &str = "__bundle_dir";
const BASE_PATH: &str = "__base_path";
const BUNDLE_URL: &str = "__bundle_url";

/// One shortcode-like thing in a body.
struct Call<'m> {
    span: Range<usize>,
    what: What<'m>,
}

enum What<'m> {
    Call {
        name: &'m str,
        args: Vec<(String, Json)>,
        body: Option<&'m str>,
    },
    /// `{{/* … */}}`: written as the call it quotes.
    Escaped(String),
    /// Looks like a call (`{{ name(`) but is not one.
    Broken(String),
}

/// Byte ranges of code (fenced and indented blocks, inline spans), where calls are text.
fn code_spans(md: &str, options: pulldown_cmark::Options) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut open: Option<usize> = None;
    for (e, r) in Parser::new_ext(md, options).into_offset_iter() {
        match e {
            Event::Start(Tag::CodeBlock(_)) => open = Some(r.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(s) = open.take() {
                    spans.push(s..r.end);
                }
            }
            Event::Code(_) => spans.push(r),
            _ => {}
        }
    }
    spans
}

/// Finds the calls of `md` outside `code` (in order), in time linear in `md`: code spans
/// are passed as `{` are met, and every `{% end %}` is found once.
fn scan<'m>(md: &'m str, code: &[Range<usize>]) -> Vec<Call<'m>> {
    let bytes = md.as_bytes();
    let ends = body_ends(md);
    let mut calls = Vec::new();
    let mut code = code.iter().peekable();
    let mut i = 0;
    while let Some(k) = md[i..].find('{') {
        let at = i + k;
        i = at + 1;
        while code.next_if(|c| c.end <= at).is_some() {}
        if let Some(c) = code.peek().filter(|c| c.start <= at) {
            i = c.end;
            continue;
        }
        let Some(&next) = bytes.get(at + 1) else {
            break;
        };
        if next != b'{' && next != b'%' {
            continue;
        }
        if let Some(call) = parse_at(md, at, &ends) {
            i = call.span.end;
            calls.push(call);
        }
    }
    calls
}

/// Every `{% end %}` of `md`, as (start, end), in order.
fn body_ends(md: &str) -> Vec<(usize, usize)> {
    let mut ends = Vec::new();
    let mut q = 0;
    while let Some(k) = md[q..].find("{%") {
        let start = q + k;
        let mut c = Cursor {
            s: md,
            i: start + 2,
        };
        c.ws();
        if c.eat("end") {
            c.ws();
            if c.eat("%}") {
                ends.push((start, c.i));
            }
        }
        q = start + 2;
    }
    ends
}

/// The call starting at `at` (`{{` or `{%`), if there is one.
fn parse_at<'m>(md: &'m str, at: usize, ends: &[(usize, usize)]) -> Option<Call<'m>> {
    let inline = md[at..].starts_with("{{");
    let (close, escaped_close) = if inline {
        ("}}", "*/}}")
    } else {
        ("%}", "*/%}")
    };
    let mut p = Cursor { s: md, i: at + 2 };
    let escaped = p.eat("/*");
    p.ws();
    let name = p.ident()?;
    if !inline && name == "end" {
        // `{%/* end */%}` is written as `{% end %}`; a bare `{% end %}` is text.
        p.ws();
        if escaped && p.eat(escaped_close) {
            return Some(Call {
                span: at..p.i,
                what: What::Escaped(md[at..p.i].replacen("/*", "", 1).replacen("*/", "", 1)),
            });
        }
        return None;
    }
    p.ws();
    if !p.eat("(") {
        return None; // `{{ page.title }}`: not a call
    }
    let line_end = md[at..].find('\n').map_or(md.len(), |n| at + n);
    let broken = |message: String| {
        Some(Call {
            span: at..line_end,
            what: What::Broken(message),
        })
    };
    let not_a_call = |why: &str| {
        broken(format!(
            "`{}` is not a shortcode call: {why}",
            md[at..line_end].trim_end()
        ))
    };
    let args = match p.args() {
        Ok(a) => a,
        Err(why) => return not_a_call(&why),
    };
    p.ws();
    let end_of_call = if escaped { escaped_close } else { close };
    if !p.eat(end_of_call) {
        return not_a_call(&format!("expected `{end_of_call}` after the arguments"));
    }
    if escaped {
        let text = md[at..p.i].replacen("/*", "", 1);
        let text = match text.rfind("*/") {
            Some(k) => format!("{}{}", &text[..k], &text[k + 2..]),
            None => text,
        };
        return Some(Call {
            span: at..p.i,
            what: What::Escaped(text),
        });
    }
    if inline {
        return Some(Call {
            span: at..p.i,
            what: What::Call {
                name,
                args,
                body: None,
            },
        });
    }
    // A body runs to the next `{% end %}`.
    let body_start = p.i;
    let next_end = ends.partition_point(|e| e.0 < body_start);
    if let Some(&(end_start, end)) = ends.get(next_end) {
        let body = md[body_start..end_start].trim_matches('\n');
        let body = body.strip_prefix('\r').unwrap_or(body);
        return Some(Call {
            span: at..end,
            what: What::Call {
                name,
                args,
                body: Some(body),
            },
        });
    }
    broken(format!(
        "`{}` has no `{{% end %}}` after it",
        md[at..body_start].trim_end()
    ))
}

struct Cursor<'s> {
    s: &'s str,
    i: usize,
}

impl<'s> Cursor<'s> {
    fn rest(&self) -> &'s str {
        &self.s[self.i..]
    }

    fn eat(&mut self, t: &str) -> bool {
        if self.rest().starts_with(t) {
            self.i += t.len();
            true
        } else {
            false
        }
    }

    fn ws(&mut self) {
        let n = self.rest().len() - self.rest().trim_start().len();
        self.i += n;
    }

    fn ident(&mut self) -> Option<&'s str> {
        let r = self.rest();
        let n = r
            .char_indices()
            .find(|&(k, c)| !(c == '_' || c.is_ascii_alphabetic() || k > 0 && c.is_ascii_digit()))
            .map_or(r.len(), |(k, _)| k);
        if n == 0 {
            return None;
        }
        self.i += n;
        Some(&r[..n])
    }

    /// `k=v, …)` after the `(`: values are strings ("…", '…' or `…`), numbers, booleans
    /// or arrays of those.
    fn args(&mut self) -> Result<Vec<(String, Json)>, String> {
        let mut args: Vec<(String, Json)> = Vec::new();
        loop {
            self.ws();
            if self.eat(")") {
                return Ok(args);
            }
            if !args.is_empty() {
                if !self.eat(",") {
                    return Err("expected `,` or `)` between arguments".into());
                }
                self.ws();
            }
            let key = self
                .ident()
                .ok_or("expected an argument name (`key=value`)")?;
            self.ws();
            if !self.eat("=") {
                return Err(format!("expected `=` after `{key}`"));
            }
            self.ws();
            let value = if self.eat("[") {
                let mut items = Vec::new();
                loop {
                    self.ws();
                    if self.eat("]") {
                        break;
                    }
                    if !items.is_empty() {
                        if !self.eat(",") {
                            return Err("expected `,` or `]` in an array".into());
                        }
                        self.ws();
                        if self.eat("]") {
                            break;
                        }
                    }
                    items.push(self.literal()?);
                }
                Json::Array(items)
            } else {
                self.literal()?
            };
            if args.iter().any(|(k, _)| k == key) {
                return Err(format!("`{key}` is given twice"));
            }
            args.push((key.to_string(), value));
        }
    }

    fn literal(&mut self) -> Result<Json, String> {
        let r = self.rest();
        if let Some(q) = r.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) {
            let end = r[1..]
                .find(q)
                .ok_or_else(|| format!("a string is not closed with {q}"))?;
            self.i += end + 2;
            return Ok(Json::String(r[1..end + 1].to_string()));
        }
        for (word, v) in [("true", true), ("false", false)] {
            if r.starts_with(word)
                && !r[word.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
            {
                self.i += word.len();
                return Ok(Json::Bool(v));
            }
        }
        let n = r
            .char_indices()
            .find(|&(k, c)| !(c.is_ascii_digit() || c == '.' || k == 0 && c == '-'))
            .map_or(r.len(), |(k, _)| k);
        let num = &r[..n];
        let value = if num.contains('.') {
            num.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Json::Number)
        } else {
            num.parse::<i64>().ok().map(Json::from)
        };
        match value {
            Some(v) => {
                self.i += n;
                Ok(v)
            }
            None => Err("a value is a quoted string, a number, true, false or [ … ]".into()),
        }
    }
}

fn is_ident(s: &str) -> bool {
    let mut c = Cursor { s, i: 0 };
    c.ident().is_some_and(|id| id.len() == s.len())
}

/// `{{ src | checked_url }}`: the URL when content may use it (see
/// [`crate::markdown::url_allowed`]), else an error naming it.
fn checked_url(url: &str, _: Kwargs, _: &State) -> tera::TeraResult<String> {
    if crate::markdown::url_allowed(url, crate::markdown::UrlUse::Image) {
        Ok(url.trim().to_string())
    } else {
        Err(tera::Error::message(format!(
            "URL `{url}` is not allowed (http, https, mailto, tel, a relative path or a raster data: image)"
        )))
    }
}

/// `{{ id | checked_id }}`: an identifier of letters, digits, `-` and `_` (a video id),
/// else an error naming it.
fn checked_id(id: &str, _: Kwargs, _: &State) -> tera::TeraResult<String> {
    if !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Ok(id.to_string())
    } else {
        Err(tera::Error::message(format!(
            "`{id}` is not an id (letters, digits, `-` and `_`)"
        )))
    }
}

/// `asset(path="pic.png")`: a file of the page's bundle as `{ url, width, height }` (the
/// sizes of a raster image; absent otherwise), or nothing when the page is no bundle or has
/// no such file.
fn asset(kwargs: Kwargs, state: &State) -> tera::TeraResult<tera::Value> {
    let path: String = kwargs.must_get("path")?;
    let (Some(dir), Some(url)) = (
        state.get::<String>(BUNDLE_DIR)?,
        state.get::<String>(BUNDLE_URL)?,
    ) else {
        return Ok(tera::Value::none());
    };
    let Some((file, href)) = crate::markdown::bundle_file(
        crate::markdown::Bundle {
            dir: Path::new(&dir),
            url: &url,
        },
        &path,
    ) else {
        return Ok(tera::Value::none());
    };
    let mut map = serde_json::Map::new();
    map.insert("url".into(), Json::String(href));
    if let Some((w, h)) = crate::image::file_dimensions(&file) {
        map.insert("width".into(), w.into());
        map.insert("height".into(), h.into());
    }
    Ok(tera::Value::from_serializable(&Json::Object(map)))
}

#[cfg(test)]
mod tests;
