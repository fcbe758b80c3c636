//! The one place the Markdown dialect is decided, and where content from scrapes is made safe.
//!
//! Raw HTML in Markdown passes through pulldown-cmark verbatim, so any document that has some
//! is sanitized with ammonia after rendering; links and images are checked at the event level
//! (no `javascript:`), external links get `rel="noopener"`, soft breaks between CJK characters
//! disappear (a browser would render them as a space), and headings get stable ids.
//!
//! Images: every image but the body's first is `loading="lazy" decoding="async"` (the first is
//! likely in view: loading it lazily would delay it). In a page bundle ([`Bundle`]), an image
//! whose destination is a relative path to one of the bundle's files links to where that file
//! is published and gets its `width` and `height` ([`crate::image::file_dimensions`]), so the
//! page does not jump as it loads.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};
use serde::Serialize;

use crate::config::{AnchorLinks, MarkdownConfig};
use crate::expand;
use crate::slug::{is_cjk, slugify};

/// A heading, for the table of contents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// What rendering a Markdown body gives.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// Plain text of the body, block by block, for counts, summaries and search.
    pub text: String,
    /// HTML before `<!-- more -->`, when the body has that marker (Zola's summary).
    pub summary_html: Option<String>,
    /// The text of the first paragraph that is prose: not a heading, not a caption or note
    /// (a paragraph that is all emphasis or bold), not a label (`An image:`), not a fragment.
    /// Summaries start there.
    pub lead: Option<String>,
    pub toc: Vec<Heading>,
    /// Content files the body links to with `@/news/a.md` (the part before `#`), in order.
    pub internal_links: Vec<String>,
    /// `@/` links the resolver did not know, with where they are in the Markdown.
    pub unresolved: Vec<Unresolved>,
    /// Links into the site other than to a whole content file: relative and root-relative
    /// links, `#anchors`, and `@/` links with an anchor (resolved), for the link check.
    pub local_links: Vec<LocalLink>,
    /// The ids the renderer wrote: headings' and footnote definitions' (anchors may name them).
    pub ids: Vec<String>,
    /// Explicit heading ids (`## A {#id}`) that cannot be used: a theme's or another's.
    pub id_clashes: Vec<IdClash>,
    /// Shortcode calls that could not be rendered (unknown, malformed, a template error).
    pub shortcode_problems: Vec<expand::Problem>,
}

/// A link of the body to somewhere in the site, as written into the HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalLink {
    /// The `href` (base path and `@/` resolution applied).
    pub href: String,
    /// Byte offset of the link in the Markdown given to [`render_with`].
    pub offset: usize,
}

/// An explicit heading id that is refused, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct IdClash {
    pub id: String,
    /// Byte offset of the heading in the Markdown given to [`render_with`].
    pub offset: usize,
    /// `true`: the theme uses the id; `false`: an earlier heading has it.
    pub reserved: bool,
}

/// An `@/` link to no content file.
#[derive(Debug, Clone, PartialEq)]
pub struct Unresolved {
    /// The content path named, without `@/` and `#anchor`.
    pub target: String,
    /// Byte offset of `@/target` in the Markdown given to [`render_with`].
    pub offset: usize,
}

pub fn options(cfg: &MarkdownConfig) -> Options {
    let mut o = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if cfg.smart_punctuation {
        o |= Options::ENABLE_SMART_PUNCTUATION;
    }
    o
}

const MORE: &str = "<!-- more -->";

/// Where a URL is used: images may also be inline raster `data:` URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlUse {
    Link,
    Image,
}

/// URL schemes content may use, everywhere (event-level links and images, and every URL
/// attribute of raw HTML through ammonia). Relative URLs are allowed too.
const URL_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// The only `data:` media types allowed, and only for images.
const DATA_IMAGE_TYPES: &[&str] = &["png", "jpeg", "jpg", "gif", "webp", "avif"];

/// The one decision whether content may carry `url`: allow-listed schemes, relative URLs, and
/// raster `data:` images. Leading/trailing spaces and controls are ignored (as browsers do), the
/// scheme is ASCII-case-folded; a scheme with anything but `[A-Za-z0-9+.-]` in it (a tab, a
/// newline, an undecoded `&#`) is refused. Callers pass decoded text: pulldown-cmark and
/// ammonia decode character references first.
pub fn url_allowed(url: &str, used_as: UrlUse) -> bool {
    let url = url.trim_matches(|c: char| c <= ' ');
    let Some(colon) = url.find(':') else {
        return true;
    };
    if url[..colon].contains("&#") {
        return false; // a character reference left undecoded where a scheme would be
    }
    if url[..colon].contains(['/', '?', '#']) {
        return true; // the colon is in the path, query or fragment: a relative URL
    }
    let scheme = &url[..colon];
    let well_formed = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !well_formed {
        return false;
    }
    let scheme = scheme.to_ascii_lowercase();
    if URL_SCHEMES.contains(&scheme.as_str()) {
        return true;
    }
    if scheme != "data" || used_as != UrlUse::Image {
        return false;
    }
    let media = url[colon + 1..].to_ascii_lowercase();
    DATA_IMAGE_TYPES.iter().any(|t| {
        media
            .strip_prefix("image/")
            .and_then(|m| m.strip_prefix(t))
            .is_some_and(|rest| rest.starts_with([';', ',']))
    })
}

/// Whether `url` starts with a scheme (`mailto:`, `tel:`…): a colon before any `/`, `?`, `#`.
fn has_scheme(url: &str) -> bool {
    url.split_once(':')
        .is_some_and(|(s, _)| !s.contains(['/', '?', '#']))
}

fn is_external(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//")
}

fn last_char(e: &Event) -> Option<char> {
    match e {
        Event::Text(t) | Event::Code(t) => t.chars().last(),
        _ => None,
    }
}

fn first_char(e: &Event) -> Option<char> {
    match e {
        Event::Text(t) | Event::Code(t) => t.chars().next(),
        _ => None,
    }
}

/// Root-relative link targets (`/img/a.png`) mean the site root: under a sub-path they get
/// the base path in front, so content written for `/` works wherever the site is published.
fn rebase<'a>(url: &'a str, base_path: &str) -> std::borrow::Cow<'a, str> {
    if base_path != "/"
        && url.starts_with('/')
        && !url.starts_with("//")
        && !url.starts_with(base_path)
    {
        std::borrow::Cow::Owned(format!("{}{}", base_path.trim_end_matches('/'), url))
    } else {
        std::borrow::Cow::Borrowed(url)
    }
}

/// Finds the URL of a content file named by an `@/news/a.md` link (the part before `#`).
pub type Resolve<'r> = &'r dyn Fn(&str) -> Option<String>;

/// Renders a body for a site published at `base_path` (`/` or `/news/`); `@/` links are left
/// as written.
pub fn render(md: &str, cfg: &MarkdownConfig, base_path: &str) -> Rendered {
    render_with(md, cfg, base_path, None)
}

/// Renders a body; `@/` links get their URL from `resolve` as they are written, and those it
/// does not know are listed in [`Rendered::unresolved`].
pub fn render_with(
    md: &str,
    cfg: &MarkdownConfig,
    base_path: &str,
    resolve: Option<Resolve<'_>>,
) -> Rendered {
    render_in(md, cfg, base_path, resolve, None)
}

/// The folder of a page bundle (`news/2024-05-05-chip-deal/index.md`), for its images.
#[derive(Debug, Clone, Copy)]
pub struct Bundle<'b> {
    /// The folder on disk.
    pub dir: &'b Path,
    /// The URL its files are published under, with the base path: the page's own URL
    /// (`/news/chip-deal/`), where the build copies the bundle's files.
    pub url: &'b str,
}

/// [`render_with`] for the body of a page bundle: its images are linked to and measured in
/// `bundle` (see the module doc).
pub fn render_in(
    md: &str,
    cfg: &MarkdownConfig,
    base_path: &str,
    resolve: Option<Resolve<'_>>,
    bundle: Option<Bundle<'_>>,
) -> Rendered {
    render_page(md, cfg, base_path, resolve, bundle, None)
}

/// [`render_in`] for a page's body, its shortcodes expanded (see [`crate::expand`]) with
/// `page` as their context. Offsets in the result are the body's, as written; a call that
/// cannot be rendered is in [`Rendered::shortcode_problems`].
pub fn render_page(
    md: &str,
    cfg: &MarkdownConfig,
    base_path: &str,
    resolve: Option<Resolve<'_>>,
    bundle: Option<Bundle<'_>>,
    page: Option<&expand::Page<'_>>,
) -> Rendered {
    let Some((x, problems)) = page.and_then(|p| cfg.shortcodes.expand(md, p, options(cfg))) else {
        return render_events(md, cfg, base_path, resolve, bundle);
    };
    let mut r = render_events(&x.md, cfg, base_path, resolve, bundle);
    for l in &mut r.local_links {
        l.offset = x.source_offset(l.offset);
    }
    for u in &mut r.unresolved {
        u.offset = x.source_offset(u.offset);
    }
    for c in &mut r.id_clashes {
        c.offset = x.source_offset(c.offset);
    }
    r.html = x.restore(&r.html);
    r.summary_html = r.summary_html.map(|h| x.restore(&h));
    expand::strip_markers(&mut r.text);
    if let Some(lead) = &mut r.lead {
        expand::strip_markers(lead);
    }
    for h in &mut r.toc {
        expand::strip_markers(&mut h.title);
    }
    r.shortcode_problems = problems;
    r
}

fn render_events(
    md: &str,
    cfg: &MarkdownConfig,
    base_path: &str,
    resolve: Option<Resolve<'_>>,
    bundle: Option<Bundle<'_>>,
) -> Rendered {
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(md, options(cfg))
        .into_offset_iter()
        .collect();
    // Explicit heading ids are taken first, so that no generated id (an earlier heading's,
    // a footnote's) takes one; a reserved or repeated one is reported.
    let mut taken = HashSet::new();
    let mut id_clashes = Vec::new();
    for (e, range) in &events {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = e {
            let reserved = cfg.reserved_ids.iter().any(|r| r == id.as_ref());
            if reserved || !taken.insert(id.to_string()) {
                id_clashes.push(IdClash {
                    id: id.to_string(),
                    offset: range.start,
                    reserved,
                });
            }
        }
    }
    let mut r = Renderer {
        md,
        cfg,
        base_path,
        resolve,
        events: &events,
        out: Vec::with_capacity(events.len()),
        text: String::new(),
        toc: Vec::new(),
        ids: Ids {
            reserved: &cfg.reserved_ids,
            taken,
            next: HashMap::new(),
        },
        id_clashes,
        local_links: Vec::new(),
        anchor: None,
        has_raw_html: false,
        more_at: None,
        internal_links: Vec::new(),
        unresolved: Vec::new(),
        link_stack: Vec::new(),
        bundle,
        images: 0,
        para: None,
        lead: None,
    };
    let mut i = 0;
    while i < events.len() {
        i = r.event(i);
    }
    r.finish()
}

/// The state of one rendering: events in, events out, and what is learnt on the way.
struct Renderer<'a, 'e> {
    md: &'a str,
    cfg: &'e MarkdownConfig,
    base_path: &'e str,
    resolve: Option<Resolve<'e>>,
    events: &'e [(Event<'a>, Range<usize>)],
    out: Vec<Event<'a>>,
    text: String,
    toc: Vec<Heading>,
    ids: Ids<'e>,
    has_raw_html: bool,
    more_at: Option<usize>,
    internal_links: Vec<String>,
    unresolved: Vec<Unresolved>,
    /// For each open link: whether we replaced its tags with our own HTML or dropped them.
    link_stack: Vec<LinkHandling>,
    bundle: Option<Bundle<'e>>,
    id_clashes: Vec<IdClash>,
    local_links: Vec<LocalLink>,
    /// The anchor link of the open heading, written before its end (`right`, `heading`).
    anchor: Option<String>,
    /// Images written so far.
    images: usize,
    /// The paragraph being read, while no lead is found.
    para: Option<Para>,
    lead: Option<String>,
}

/// What [`Renderer::track_lead`] knows of the open paragraph.
struct Para {
    /// Where its text starts in `text`.
    start: usize,
    /// Open emphasis and strong spans.
    emphasis: usize,
    /// Some of its text is outside emphasis.
    plain: bool,
}

/// Whether a paragraph's text reads as the start of an article: a sentence, not a label
/// (`Photo:`, `图：`) or a fragment.
fn is_prose(text: &str) -> bool {
    let text = text.trim();
    if text.ends_with([':', '：']) {
        return false;
    }
    let chars = text.chars().count();
    let words = text.split_whitespace().count();
    let cjk = text.chars().filter(|c| is_cjk(*c)).count();
    let sentence_end = text.ends_with([
        '.', '!', '?', '。', '！', '？', '…', '"', '”', '」', '』', ')', '）',
    ]);
    (cjk >= 15 || words >= 8 || chars >= 60) || (sentence_end && (cjk >= 6 || words >= 4))
}

impl<'a> Renderer<'a, '_> {
    /// Handles the event at `i`; returns the index of the next one to handle.
    fn event(&mut self, i: usize) -> usize {
        let ev = &self.events[i].0;
        if self.lead.is_none() {
            self.track_lead(ev);
        }
        match ev {
            Event::SoftBreak => {
                let prev = self.out.last().and_then(last_char);
                let next = self.events.get(i + 1).and_then(|e| first_char(&e.0));
                if !(prev.is_some_and(is_cjk) && next.is_some_and(is_cjk)) {
                    self.out.push(Event::SoftBreak);
                    self.text.push(' ');
                }
            }
            Event::Start(Tag::Heading { .. }) => self.heading(i),
            Event::End(TagEnd::Heading(_)) if self.anchor.is_some() => {
                let close = self.anchor.take().unwrap_or_default();
                self.out.push(Event::InlineHtml(close.into()));
                if !self.text.ends_with('\n') {
                    self.text.push('\n');
                }
                self.out.push(self.events[i].0.clone());
            }
            Event::Start(Tag::Link { .. }) => self.link(i),
            Event::End(TagEnd::Link) => {
                if let Some(LinkHandling::Replaced) = self.link_stack.pop() {
                    self.out.push(Event::InlineHtml("</a>".into()));
                }
            }
            Event::Start(Tag::Image { .. }) => return self.image(i),
            Event::Html(h) | Event::InlineHtml(h) => {
                if h.trim() == MORE {
                    if self.more_at.is_none() {
                        self.more_at = Some(self.out.len());
                    }
                } else {
                    self.has_raw_html = true;
                    self.out.push(ev.clone());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                self.text.push_str(t);
                self.out.push(ev.clone());
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_),
            )
            | Event::HardBreak => {
                if !self.text.ends_with('\n') {
                    self.text.push('\n');
                }
                self.out.push(ev.clone());
            }
            _ => self.out.push(ev.clone()),
        }
        i + 1
    }

    /// Finds [`Rendered::lead`]: called for each event until it is found.
    fn track_lead(&mut self, ev: &Event<'_>) {
        match ev {
            Event::Start(Tag::Paragraph) => {
                self.para = Some(Para {
                    start: self.text.len(),
                    emphasis: 0,
                    plain: false,
                });
            }
            Event::Start(Tag::Emphasis | Tag::Strong) => {
                if let Some(p) = &mut self.para {
                    p.emphasis += 1;
                }
            }
            Event::End(TagEnd::Emphasis | TagEnd::Strong) => {
                if let Some(p) = &mut self.para {
                    p.emphasis = p.emphasis.saturating_sub(1);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(p) = &mut self.para
                    && p.emphasis == 0
                    && !t.trim().is_empty()
                {
                    p.plain = true;
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(p) = self.para.take()
                    && p.plain
                    && let Some(text) = self.text.get(p.start..)
                    && is_prose(text)
                {
                    self.lead = Some(text.trim().to_string());
                }
            }
            _ => {}
        }
    }

    /// A heading gets an id (its own `{#id}`, or one made from its text), a table-of-contents
    /// entry and, with `insert_anchor_links`, a link to itself. Of its `{…}` attributes only
    /// the id and plain class names are kept (`{onclick=…}` is dropped).
    fn heading(&mut self, i: usize) {
        let (
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }),
            range,
        ) = &self.events[i]
        else {
            return;
        };
        let mut title = String::new();
        let mut has_link = false;
        for (e, _) in &self.events[i + 1..] {
            match e {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => title.push_str(t),
                Event::Start(Tag::Link { .. }) => has_link = true,
                _ => {}
            }
        }
        let id = match id {
            // A refused explicit id (reported) moves on like a repeated heading's.
            Some(id) if self.id_clashes.iter().any(|c| c.offset == range.start) => {
                Some(CowStr::from(self.ids.unique(id)))
            }
            Some(id) => Some(id.clone()),
            None if self.cfg.heading_ids => {
                Some(CowStr::from(self.ids.unique(&heading_base(&title))))
            }
            None => None,
        };
        let title = title.trim().to_string();
        let classes = classes
            .iter()
            .filter(|c| {
                c.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            })
            .cloned()
            .collect();
        self.out.push(Event::Start(Tag::Heading {
            level: *level,
            id: id.clone(),
            classes,
            attrs: Vec::new(),
        }));
        if let Some(id) = &id {
            self.anchor_link(id, &title, has_link);
        }
        self.toc.push(Heading {
            level: heading_level(*level),
            id: id.as_deref().unwrap_or_default().to_string(),
            title,
        });
    }

    /// `insert_anchor_links`: `<a class="anchor" href="#id" aria-label="§ Title">#</a>` at
    /// the heading's start (`left`) or end (`right`), or the heading's text as the link
    /// (`heading`; `left` when the heading holds a link, as links do not nest).
    fn anchor_link(&mut self, id: &str, title: &str, has_link: bool) {
        let mut href = String::from("#");
        let _ = escape_href(&mut href, id);
        let mut label = String::from("§ ");
        let _ = escape_html(&mut label, title);
        let mark = format!("<a class=\"anchor\" href=\"{href}\" aria-label=\"{label}\">#</a>");
        match self.cfg.insert_anchor_links {
            AnchorLinks::None => {}
            AnchorLinks::Heading if !has_link => {
                self.out.push(Event::InlineHtml(
                    format!("<a class=\"anchor\" href=\"{href}\">").into(),
                ));
                self.anchor = Some("</a>".into());
            }
            AnchorLinks::Left | AnchorLinks::Heading => {
                self.out.push(Event::InlineHtml(mark.into()));
            }
            AnchorLinks::Right => self.anchor = Some(format!(" {mark}")),
        }
    }

    /// A link becomes our own `<a>`: dangerous targets are dropped (the text stays), `@/`
    /// targets are resolved, external ones get `rel` and maybe `target`.
    fn link(&mut self, i: usize) {
        let (
            Event::Start(Tag::Link {
                dest_url, title, ..
            }),
            range,
        ) = &self.events[i]
        else {
            return;
        };
        if !url_allowed(dest_url, UrlUse::Link) {
            self.link_stack.push(LinkHandling::Dropped);
            return;
        }
        let mut html = String::from("<a href=\"");
        match dest_url.strip_prefix("@/") {
            Some(target) => self.internal_href(&mut html, target, range),
            None => {
                let href = rebase(dest_url, self.base_path);
                let _ = escape_href(&mut html, &href);
                if !is_external(dest_url) && !has_scheme(dest_url) && !dest_url.is_empty() {
                    self.local_links.push(LocalLink {
                        href: href.into_owned(),
                        offset: range.start,
                    });
                }
            }
        }
        html.push('"');
        push_title(&mut html, title);
        if is_external(dest_url) {
            let mut rel = String::from("noopener");
            if self.cfg.external_links_no_follow {
                rel.push_str(" nofollow");
            }
            html.push_str(&format!(" rel=\"{rel}\""));
            if self.cfg.external_links_target_blank {
                html.push_str(" target=\"_blank\"");
            }
        }
        html.push('>');
        self.out.push(Event::InlineHtml(html.into()));
        self.link_stack.push(LinkHandling::Replaced);
    }

    /// The `href` of `@/news/a.md#anchor`: the page's URL, then the anchor as written. A
    /// target the resolver does not know stays as written and is reported.
    fn internal_href(&mut self, html: &mut String, target: &str, range: &Range<usize>) {
        let (file, anchor) = target.split_at(target.find('#').unwrap_or(target.len()));
        self.internal_links.push(file.to_string());
        let Some(resolve) = self.resolve else {
            let _ = escape_href(&mut *html, &format!("@/{target}"));
            return;
        };
        match resolve(file) {
            Some(url) => {
                html.push_str(&url);
                let _ = escape_href(&mut *html, anchor);
                if anchor.len() > 1 {
                    self.local_links.push(LocalLink {
                        href: format!("{url}{anchor}"),
                        offset: range.start,
                    });
                }
            }
            None => {
                let _ = escape_href(&mut *html, &format!("@/{target}"));
                let written = &self.md[range.clone()];
                let at = written.find(&format!("@/{file}")).unwrap_or(0);
                self.unresolved.push(Unresolved {
                    target: file.to_string(),
                    offset: range.start + at,
                });
            }
        }
    }

    /// An image becomes `<img>` with its inline content as alt text, `loading="lazy"` but
    /// the first, and a bundle's file linked where it is published with its size; a
    /// dangerous source leaves only the alt text. Returns the index after the image's end.
    fn image(&mut self, i: usize) -> usize {
        let Event::Start(Tag::Image {
            dest_url, title, ..
        }) = &self.events[i].0
        else {
            return i + 1;
        };
        let mut alt = String::new();
        let mut j = i + 1;
        let mut depth = 1;
        while j < self.events.len() {
            match &self.events[j].0 {
                Event::Start(Tag::Image { .. }) => depth += 1,
                Event::End(TagEnd::Image) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Event::Text(t) | Event::Code(t) => alt.push_str(t),
                _ => {}
            }
            j += 1;
        }
        if !url_allowed(dest_url, UrlUse::Image) {
            self.out.push(Event::Text(alt.into()));
        } else {
            let local = self.bundle.and_then(|b| bundle_file(b, dest_url));
            let src = match &local {
                Some((_, url)) => Cow::Borrowed(url.as_str()),
                None => rebase(dest_url, self.base_path),
            };
            let mut html = String::from("<img src=\"");
            let _ = escape_href(&mut html, &src);
            html.push_str("\" alt=\"");
            let _ = escape_html(&mut html, &alt);
            html.push('"');
            push_title(&mut html, title);
            if let Some((w, h)) = local.and_then(|(file, _)| crate::image::file_dimensions(&file)) {
                html.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
            }
            if self.images > 0 {
                html.push_str(" loading=\"lazy\" decoding=\"async\"");
            }
            html.push('>');
            self.images += 1;
            self.out.push(Event::InlineHtml(html.into()));
        }
        j + 1
    }

    /// The ids the renderer writes itself: headings' and footnote definitions'.
    fn own_ids(&self) -> HashSet<String> {
        let footnotes = self.out.iter().filter_map(|e| match e {
            Event::Start(Tag::FootnoteDefinition(label)) => Some(label.to_string()),
            _ => None,
        });
        self.toc
            .iter()
            .map(|h| h.id.clone())
            .filter(|id| !id.is_empty())
            .chain(footnotes)
            .collect()
    }

    /// Footnote definitions are written with their label as id: a label that is a theme id
    /// or a heading's id is renamed like a duplicate heading (`main` → `main-1`), in the
    /// references too. Runs after every heading has its id.
    fn rename_footnotes(&mut self) {
        let mut renamed: HashMap<String, String> = HashMap::new();
        for e in &mut self.out {
            let (Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label))) =
                e
            else {
                continue;
            };
            let id = renamed
                .entry(label.to_string())
                .or_insert_with(|| self.ids.unique(label));
            if **label != **id {
                *label = CowStr::from(id.clone());
            }
        }
    }

    fn finish(mut self) -> Rendered {
        self.rename_footnotes();
        let has_raw_html = self.has_raw_html;
        let cap = self.md.len() * 3 / 2;
        let own_ids = self.own_ids();
        let mut ids: Vec<String> = own_ids.iter().cloned().collect();
        ids.sort_unstable();
        let own_classes: HashSet<String> = self
            .out
            .iter()
            .filter_map(|e| match e {
                Event::Start(Tag::Heading { classes, .. }) => Some(classes),
                _ => None,
            })
            .flatten()
            .map(|c| c.to_string())
            .collect();
        let to_html = |events: &[Event]| {
            let mut html = String::with_capacity(cap);
            pulldown_cmark::html::push_html(&mut html, events.iter().cloned());
            let mut html = if has_raw_html {
                sanitize_with(&html, own_ids.clone(), own_classes.clone())
            } else {
                html
            };
            // Every page's body is held until the site is written: no slack (a third of it).
            html.shrink_to_fit();
            html
        };
        let mut text = self.text;
        text.shrink_to_fit();
        let summary_html = self
            .more_at
            .map(|n| to_html(&close_open_tags(&self.out[..n])));
        Rendered {
            html: to_html(&self.out),
            text,
            summary_html,
            lead: self.lead,
            toc: self.toc,
            internal_links: self.internal_links,
            unresolved: self.unresolved,
            local_links: self.local_links,
            ids,
            id_clashes: self.id_clashes,
            shortcode_problems: Vec::new(),
        }
    }
}

/// The file of `bundle` an image destination names, and the URL it is published at: only a
/// relative path down into the folder (no scheme, no `/` or `..` start or segment, no query
/// or fragment), percent-decoded, naming a file that is there.
pub(crate) fn bundle_file(bundle: Bundle<'_>, dest: &str) -> Option<(PathBuf, String)> {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with('/') || dest.contains([':', '?', '#', '\\']) {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(dest)
        .decode_utf8()
        .ok()?;
    let mut file = bundle.dir.to_path_buf();
    for segment in decoded.split('/') {
        if matches!(segment, "" | "." | "..") || segment.contains(['\\', '\0']) {
            return None;
        }
        file.push(segment);
    }
    file.is_file()
        .then(|| (file, format!("{}{dest}", bundle.url)))
}

/// ` title="…"` when the link or image has a title.
fn push_title(html: &mut String, title: &str) {
    if !title.is_empty() {
        html.push_str(" title=\"");
        let _ = escape_html(&mut *html, title);
        html.push('"');
    }
}

enum LinkHandling {
    Replaced,
    Dropped,
}

/// Events before `<!-- more -->` with the blocks still open at that point closed.
fn close_open_tags<'a>(events: &[Event<'a>]) -> Vec<Event<'a>> {
    let mut v = events.to_vec();
    let mut stack = Vec::new();
    for e in events {
        match e {
            Event::Start(t) => stack.push(t.to_end()),
            Event::End(_) => {
                stack.pop();
            }
            _ => {}
        }
    }
    v.extend(stack.into_iter().rev().map(Event::End));
    v
}

fn heading_level(l: HeadingLevel) -> u8 {
    l as u8
}

/// The id a heading would get if it were the only one: its slug, or `section`.
fn heading_base(title: &str) -> String {
    let base = slugify(title);
    if base.is_empty() {
        "section".into()
    } else {
        base
    }
}

/// The ids one body's headings and footnotes get: unique within the body and never one the
/// theme uses ([`MarkdownConfig::reserved_ids`]). A taken or reserved id is suffixed `-1`,
/// `-2`… (the first free one), as a repeated heading is.
struct Ids<'e> {
    reserved: &'e [String],
    taken: HashSet<String>,
    /// For each base: the suffix to try next.
    next: HashMap<String, usize>,
}

impl Ids<'_> {
    fn unique(&mut self, base: &str) -> String {
        let n = self.next.entry(base.to_string()).or_insert(0);
        loop {
            let id = if *n == 0 {
                base.to_string()
            } else {
                format!("{base}-{n}")
            };
            *n += 1;
            if !self.reserved.contains(&id) && self.taken.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// Prefix of the ids raw HTML may set, so that none can take a theme id (`search-app`, `main`…).
pub const USER_ID_PREFIX: &str = "user-";

/// Classes an article body may carry: those the renderer writes itself (footnotes, `language-*`
/// on fenced code; the theme's CSS styles none of them but readers' tools and copies do).
/// Nothing in templates/style.css styles a class inside `.prose`, so nothing else is needed.
const CONTENT_CLASSES: &[&str] = &[
    "anchor",
    "footnote-reference",
    "footnote-definition",
    "footnote-definition-label",
];

/// The one sanitiser policy for Markdown with raw HTML: no script, style, iframe or event
/// handler; every URL attribute decided by [`url_allowed`]; no `style` (but the renderer's own
/// table alignment); `class` from [`CONTENT_CLASSES`]; `id` prefixed with [`USER_ID_PREFIX`]
/// unless it is one the renderer wrote (`own_ids`: heading and footnote ids); a heading's own
/// `{.class}` (`own_classes`) on a heading.
fn policy(own_ids: HashSet<String>, own_classes: HashSet<String>) -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id", "class", "title", "lang", "dir"])
        .add_tags([
            "figure",
            "figcaption",
            "section",
            "input",
            "mark",
            "details",
            "summary",
        ])
        .add_tag_attributes("img", ["loading", "decoding", "width", "height"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("a", ["target", "aria-label"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("td", ["align", "style"])
        .add_tag_attributes("th", ["align", "style"])
        // ammonia's own scheme check lets these through; `url_allowed` then decides.
        .url_schemes(URL_SCHEMES.iter().copied().chain(["data"]).collect())
        .attribute_filter(move |el, attr, value| {
            filter_attribute(&own_ids, &own_classes, el, attr, value)
        })
        .link_rel(Some("noopener"));
    b
}

fn filter_attribute<'u>(
    own_ids: &HashSet<String>,
    own_classes: &HashSet<String>,
    element: &str,
    attr: &str,
    value: &'u str,
) -> Option<Cow<'u, str>> {
    match attr {
        "href" | "src" | "cite" | "action" | "formaction" | "data" | "poster" | "ping"
        | "xlink:href" | "longdesc" => {
            let used_as = if element == "img" && attr == "src" {
                UrlUse::Image
            } else {
                UrlUse::Link
            };
            url_allowed(value, used_as).then_some(Cow::Borrowed(value))
        }
        // pulldown-cmark's alignment of table cells, exactly as it writes it.
        "style" => matches!(
            value,
            "text-align: left" | "text-align: center" | "text-align: right"
        )
        .then_some(Cow::Borrowed(value)),
        "id" if value.starts_with(USER_ID_PREFIX) || own_ids.contains(value) => {
            Some(Cow::Borrowed(value))
        }
        "id" => Some(Cow::Owned(format!("{USER_ID_PREFIX}{value}"))),
        "class" => {
            let kept: Vec<&str> = value
                .split_ascii_whitespace()
                .filter(|c| {
                    CONTENT_CLASSES.contains(c)
                        || (matches!(element, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
                            && own_classes.contains(*c))
                        || (element == "code"
                            && c.strip_prefix("language-").is_some_and(|l| {
                                !l.is_empty()
                                    && l.chars().all(|c| {
                                        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+')
                                    })
                            }))
                })
                .collect();
            (!kept.is_empty()).then(|| Cow::Owned(kept.join(" ")))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

/// Sanitizes rendered HTML with [`policy`]; `own_ids` and `own_classes` are the ids and
/// heading classes the renderer wrote.
fn sanitize_with(html: &str, own_ids: HashSet<String>, own_classes: HashSet<String>) -> String {
    policy(own_ids, own_classes).clean(html).to_string()
}

/// Whitelist-sanitizes rendered HTML: no script, style, iframe, event handler or
/// `javascript:` URL survives.
pub fn sanitize(html: &str) -> String {
    sanitize_with(html, HashSet::new(), HashSet::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        render(md, &MarkdownConfig::default(), "/").html
    }

    #[test]
    fn scripts_and_handlers_never_survive() {
        let out = html(
            "Hi <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n\
             [x](javascript:alert(1)) [y](JaVaScRiPt:alert(2)) [z]( java\tscript:alert(3))\n\n\
             <a href=\"javascript:alert(4)\">a</a> <iframe src=\"https://e.com\"></iframe>\n\n\
             <svg onload=alert(5)></svg> <style>body{}</style>\n\n![p](javascript:alert(6))",
        );
        for bad in [
            "<script",
            "onerror",
            "javascript:",
            "JaVaScRiPt",
            "<iframe",
            "onload",
            "<style",
            "alert(6)",
        ] {
            assert!(
                !out.to_lowercase().contains(&bad.to_lowercase()),
                "{bad} in {out}"
            );
        }
    }

    #[test]
    fn external_links_get_noopener() {
        let out = html("[a](https://example.com) [b](/local/)");
        assert!(
            out.contains(r#"<a href="https://example.com" rel="noopener">a</a>"#),
            "{out}"
        );
        assert!(out.contains(r#"<a href="/local/">b</a>"#), "{out}");
    }

    #[test]
    fn root_relative_links_follow_the_base_path() {
        let r = render(
            "[a](/news/x/) ![i](/img/a.png) [b](//cdn.example/x)",
            &MarkdownConfig::default(),
            "/sub/",
        );
        assert!(r.html.contains(r#"href="/sub/news/x/""#), "{}", r.html);
        assert!(r.html.contains(r#"src="/sub/img/a.png""#), "{}", r.html);
        assert!(r.html.contains(r#"href="//cdn.example/x""#), "{}", r.html);
    }

    #[test]
    fn soft_breaks_between_han_characters_vanish() {
        let out = html("中文段落\n继续写\nand English\nwords");
        assert!(out.contains("中文段落继续写"), "{out}");
        assert!(out.contains("and English\nwords"), "{out}");
    }

    #[test]
    fn headings_get_unique_ids_and_a_toc() {
        let r = render(
            "## 潜在的竞争\n\n## 潜在的竞争\n\n### Part Two",
            &MarkdownConfig::default(),
            "/",
        );
        assert!(
            r.html.contains(r#"<h2 id="qian-zai-de-jing-zheng">"#),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(r#"<h2 id="qian-zai-de-jing-zheng-1">"#),
            "{}",
            r.html
        );
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[2].id, "part-two");
    }

    #[test]
    fn gfm_features_render() {
        let r = html("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ text[^1]\n\n[^1]: note");
        assert!(
            r.contains("<table>") && r.contains("<del>old</del>") && r.contains("footnote"),
            "{r}"
        );
    }

    #[test]
    fn more_marker_gives_summary() {
        let r = render(
            "First para.\n\n<!-- more -->\n\nSecond.",
            &MarkdownConfig::default(),
            "/",
        );
        assert_eq!(r.summary_html.as_deref(), Some("<p>First para.</p>\n"));
        assert!(!r.html.contains("more"));
    }

    #[test]
    fn one_url_policy_for_links_images_and_raw_html() {
        for (url, used_as, ok) in [
            ("https://e.com/a", UrlUse::Link, true),
            ("/rel/a:b", UrlUse::Link, true),
            ("#x", UrlUse::Link, true),
            ("mailto:a@e.com", UrlUse::Link, true),
            ("  HTTPS://e.com", UrlUse::Link, true),
            ("file:///etc/passwd", UrlUse::Link, false),
            ("blob:https://e.com/1", UrlUse::Link, false),
            ("intent://x#Intent;end", UrlUse::Link, false),
            ("JaVaScRiPt:alert(1)", UrlUse::Link, false),
            ("java\tscript:alert(1)", UrlUse::Link, false),
            ("java&#x09;script:alert(1)", UrlUse::Link, false),
            ("data:image/svg+xml,<svg/>", UrlUse::Image, false),
            ("data:image/png;base64,iVBO", UrlUse::Image, true),
            ("data:image/png;base64,iVBO", UrlUse::Link, false),
        ] {
            assert_eq!(url_allowed(url, used_as), ok, "{url:?}");
        }
        // pulldown-cmark decodes the entity before the check; ammonia decodes attributes.
        let out =
            html("[a](java&#x09;script:alert(1)) <a href=\"java&#x09;script:alert(2)\">b</a>");
        assert!(!out.contains("alert"), "{out}");
    }

    #[test]
    fn headings_and_footnotes_never_take_a_theme_id() {
        let r = render(
            "Note.[^main] More.[^intro]\n\n## Search app\n\n## Intro\n\n## Main\n\n\
             ## Search app\n\n[^main]: m\n\n[^intro]: i\n",
            &MarkdownConfig::default(),
            "/",
        );
        let ids: Vec<&str> = r.toc.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["search-app-1", "intro", "main-1", "search-app-2"]);
        // A footnote is renamed in its reference and its definition alike.
        for id in ["main-2", "intro-1"] {
            assert!(
                r.html.contains(&format!("<a href=\"#{id}\">")),
                "{}",
                r.html
            );
            assert!(r.html.contains(&format!("id=\"{id}\"><sup")), "{}", r.html);
        }
        for id in ["search-app", "main"] {
            assert!(!r.html.contains(&format!("id=\"{id}\"")), "{}", r.html);
        }
        // A heading repeating a suffixed one's id moves on too.
        let r = render("## A\n\n## A\n\n## A 1\n", &MarkdownConfig::default(), "/");
        let ids: Vec<&str> = r.toc.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["a", "a-1", "a-1-1"]);
    }

    #[test]
    fn raw_html_ids_classes_and_styles_are_confined() {
        let out = html(
            "## Intro\n\n<div id=\"search-app\" class=\"wrap footnote-definition\">x</div>\n\n\
             | a |\n|:-:|\n| <td style=\"position:fixed\">1</td> |\n\nt[^n]\n\n[^n]: note\n\n\
             ```rust\nfn x() {}\n```",
        );
        assert!(out.contains(r#"<h2 id="intro">"#), "{out}");
        assert!(out.contains(r#"id="user-search-app""#), "{out}");
        assert!(out.contains(r#"class="footnote-definition""#), "{out}");
        assert!(!out.contains("wrap") && !out.contains("fixed"), "{out}");
        assert!(out.contains(r#"style="text-align: center""#), "{out}");
        assert!(
            out.contains(r#"<div class="footnote-definition" id="n">"#),
            "{out}"
        );
        assert!(out.contains(r#"class="language-rust""#), "{out}");
    }

    #[test]
    fn only_images_after_the_first_load_lazily() {
        let out = html("![a](https://e.com/a.png)\n\n![b](https://e.com/b.png) ![c](/c.png)");
        assert!(
            out.contains(r#"<img src="https://e.com/a.png" alt="a">"#),
            "{out}"
        );
        for src in ["https://e.com/b.png", "/c.png"] {
            assert!(
                out.contains(&format!(
                    r#"src="{src}" alt="{}" loading="lazy" decoding="async">"#,
                    if src.ends_with("b.png") { "b" } else { "c" }
                )),
                "{out}"
            );
        }
        // Raw HTML keeps these attributes through the sanitiser.
        let raw = html(
            "<img src=\"/x.png\" width=\"2\" height=\"3\" decoding=\"async\">\n\n![d](/d.png)",
        );
        assert!(
            raw.contains(r#"width="2" height="3" decoding="async""#),
            "{raw}"
        );
    }

    #[test]
    fn a_bundle_image_links_where_it_is_published_with_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x02\x80\0\0\x01\xe0".to_vec();
        png.extend_from_slice(&[8, 2, 0, 0, 0]);
        std::fs::write(dir.path().join("image-1.png"), &png).unwrap();
        std::fs::create_dir(dir.path().join("sub dir")).unwrap();
        std::fs::write(dir.path().join("sub dir/b.png"), &png).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not an image").unwrap();
        let bundle = Bundle {
            dir: dir.path(),
            url: "/news/2024-05-02-chips/",
        };
        let md = "![lead](https://e.com/lead.jpg)\n\n![one](image-1.png) ![two](sub%20dir/b.png) \
                  ![txt](notes.txt) ![gone](missing.png) ![up](../secret.png) ![abs](/image-1.png)";
        let out = render_in(md, &MarkdownConfig::default(), "/", None, Some(bundle)).html;
        let lazy = r#"loading="lazy" decoding="async">"#;
        for want in [
            format!(
                r#"<img src="/news/2024-05-02-chips/image-1.png" alt="one" width="640" height="480" {lazy}"#
            ),
            format!(
                r#"<img src="/news/2024-05-02-chips/sub%20dir/b.png" alt="two" width="640" height="480" {lazy}"#
            ),
            format!(r#"<img src="/news/2024-05-02-chips/notes.txt" alt="txt" {lazy}"#),
            format!(r#"<img src="missing.png" alt="gone" {lazy}"#),
            format!(r#"<img src="../secret.png" alt="up" {lazy}"#),
            format!(r#"<img src="/image-1.png" alt="abs" {lazy}"#),
        ] {
            assert!(out.contains(&want), "{want}\n{out}");
        }
    }

    #[test]
    fn heading_attributes_set_the_id_and_classes_and_the_toc_uses_them() {
        let r = render(
            "## Details {#details .note onclick=alert(1)}\n\n## Details\n\n### Plain {.wide}\n",
            &MarkdownConfig::default(),
            "/",
        );
        assert!(
            r.html
                .contains(r#"<h2 id="details" class="note">Details</h2>"#),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(r#"<h2 id="details-1">Details</h2>"#),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(r#"<h3 id="plain" class="wide">Plain</h3>"#),
            "{}",
            r.html
        );
        assert!(
            !r.html.contains("onclick") && !r.html.contains("{#"),
            "{}",
            r.html
        );
        let toc: Vec<(&str, &str)> = r
            .toc
            .iter()
            .map(|h| (h.id.as_str(), h.title.as_str()))
            .collect();
        assert_eq!(
            toc,
            [
                ("details", "Details"),
                ("details-1", "Details"),
                ("plain", "Plain")
            ]
        );
        assert!(r.id_clashes.is_empty());
        // Raw HTML in the body sends it through the sanitiser: the heading keeps its class.
        let out = html("<b>x</b>\n\n## Details {#details .note}\n");
        assert!(out.contains(r#"<h2 id="details" class="note">"#), "{out}");
    }

    #[test]
    fn an_explicit_id_of_the_theme_or_used_twice_is_reported_and_never_written_twice() {
        let r = render(
            "## Intro\n\n## Start {#main}\n\n## One {#one}\n\n## Two {#one}\n\n## One\n",
            &MarkdownConfig::default(),
            "/",
        );
        let clashes: Vec<(&str, bool)> = r
            .id_clashes
            .iter()
            .map(|c| (c.id.as_str(), c.reserved))
            .collect();
        assert_eq!(clashes, [("main", true), ("one", false)]);
        assert_eq!(
            r.id_clashes[1].offset,
            "## Intro\n\n## Start {#main}\n\n## One {#one}\n\n".len()
        );
        let ids: Vec<&str> = r.toc.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["intro", "main-1", "one", "one-1", "one-2"]);
        assert!(!r.html.contains(r#"id="main""#), "{}", r.html);
    }

    #[test]
    fn anchor_links_go_where_insert_anchor_links_says() {
        let md = "## Q&A {#qa}\n\n## See [x](/x/)\n";
        let with = |mode| {
            let cfg = MarkdownConfig {
                insert_anchor_links: mode,
                ..MarkdownConfig::default()
            };
            render(md, &cfg, "/").html
        };
        let mark = r##"<a class="anchor" href="#qa" aria-label="§ Q&amp;A">#</a>"##;
        assert_eq!(
            with(AnchorLinks::Left).lines().next(),
            Some(format!(r#"<h2 id="qa">{mark}Q&amp;A</h2>"#).as_str())
        );
        assert_eq!(
            with(AnchorLinks::Right).lines().next(),
            Some(format!(r#"<h2 id="qa">Q&amp;A {mark}</h2>"#).as_str())
        );
        let heading = with(AnchorLinks::Heading);
        assert!(
            heading.contains(r##"<h2 id="qa"><a class="anchor" href="#qa">Q&amp;A</a></h2>"##),
            "{heading}"
        );
        // A heading that holds a link gets the mark instead (links do not nest).
        assert!(
            heading.contains(r##"<h2 id="see-x"><a class="anchor" href="#see-x" aria-label="§ See x">#</a>See <a href="/x/">x</a></h2>"##),
            "{heading}"
        );
        assert!(!with(AnchorLinks::None).contains("anchor"));
        // The plain text (search, summaries) has no mark.
        let cfg = MarkdownConfig {
            insert_anchor_links: AnchorLinks::Left,
            ..MarkdownConfig::default()
        };
        assert!(!render(md, &cfg, "/").text.contains('#'));
        // Raw HTML in the body: the mark keeps its class and name through the sanitiser.
        let raw = render(&format!("<b>b</b>\n\n{md}"), &cfg, "/").html;
        assert!(
            raw.contains(r##"<a class="anchor" href="#qa" aria-label="§ Q&amp;A""##),
            "{raw}"
        );
    }

    #[test]
    fn links_into_the_site_are_noted_with_their_offsets_for_the_link_check() {
        let md = "[a](/x/) [b](../y/#z) [c](#d) [e](https://e.com/#f) [m](mailto:a@e.com)\n\
                  [g](@/a.md#h) [i](@/a.md) [j](@/gone.md)";
        let resolve = |t: &str| (t == "a.md").then(|| "/sub/a/".to_string());
        let r = render_with(md, &MarkdownConfig::default(), "/sub/", Some(&resolve));
        let links: Vec<(&str, usize)> = r
            .local_links
            .iter()
            .map(|l| (l.href.as_str(), l.offset))
            .collect();
        assert_eq!(
            links,
            [
                ("/sub/x/", 0),
                ("../y/#z", 9),
                ("#d", 22),
                ("/sub/a/#h", md.find("[g]").unwrap()),
            ]
        );
        assert_eq!(r.unresolved.len(), 1);
        let r = render(
            "## A\n\nx[^n]\n\n[^n]: note\n",
            &MarkdownConfig::default(),
            "/",
        );
        assert_eq!(r.ids, ["a", "n"]);
    }
}
