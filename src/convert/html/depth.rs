//! How deep html5ever's stack of open elements gets on a page, measured before parsing: its tree
//! builder is quadratic in that depth, so a pathological page is refused first.
//!
//! The scan simulates the stack on the tree builder's own terms, so markup the builder never
//! honours cannot hide depth: comments, raw text (`<script>…</div>…</script>`) and quoted
//! attribute values (`title="</div>"`) are skipped; an end tag pops only when a matching
//! element is open and in scope (down to it, as the builder does), otherwise it is ignored.
//! `<div/>` is a start tag outside SVG/MathML. Where the builder's rules are too involved to
//! copy (the adoption agency, list items past a special element) the scan keeps the element
//! open: overestimating is safe. Every step is O(1) amortised, whatever the depth.

use rustc_hash::FxHashMap;

/// Elements that never have children.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "frame",
];

/// Their content is text up to their end tag (noscript: scraper parses with scripting on).
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// An element in the way of an end tag ("has an element in scope").
const SCOPE: &[&str] = &[
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template",
];

/// End tags that look for their element in table scope.
const TABLE_PARTS: &[&str] = &[
    "table", "caption", "tbody", "thead", "tfoot", "tr", "td", "th",
];

/// An end tag for one of these runs the adoption agency: with a special element above it, the
/// element is not simply popped.
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

/// Start tags that close an open `<p>` (in button scope).
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "search",
    "section",
    "summary",
    "ul",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "listing",
    "form",
    "hr",
    "li",
    "dd",
    "dt",
    "table",
];

/// HTML's "special" elements other than `address`, `div` and `p`, which stop an `<li>`, `<dd>`
/// or `<dt>` from closing an earlier one (and make `</b>` reparent instead of pop).
const SPECIAL: &[&str] = &[
    "applet",
    "area",
    "article",
    "aside",
    "base",
    "basefont",
    "bgsound",
    "blockquote",
    "body",
    "br",
    "button",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dir",
    "dl",
    "dt",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "iframe",
    "img",
    "input",
    "keygen",
    "li",
    "link",
    "listing",
    "main",
    "marquee",
    "menu",
    "meta",
    "nav",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "param",
    "plaintext",
    "pre",
    "script",
    "search",
    "section",
    "select",
    "source",
    "style",
    "summary",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
    "wbr",
    "xmp",
];

/// The deepest the stack of open elements gets while html5ever parses `html` (or more).
pub fn nesting_depth(html: &str) -> usize {
    let b = html.as_bytes();
    let mut sim = Stack::default();
    let mut i = 0;
    while let Some(off) = memchr(b'<', &b[i..]) {
        i += off + 1;
        i = match b.get(i) {
            Some(b'!') if b[i..].starts_with(b"!--") => skip_comment(b, i + 3),
            Some(b'!' | b'?') => skip_past(b, i, b'>'),
            Some(b'/') if b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) => {
                let (name, end) = tag_name(b, i + 1);
                let (_, end) = skip_attributes(b, end);
                sim.end_tag(&name);
                end
            }
            Some(b'/') => skip_past(b, i, b'>'),
            Some(c) if c.is_ascii_alphabetic() => {
                let (name, end) = tag_name(b, i);
                let (self_closing, end) = skip_attributes(b, end);
                if sim.start_tag(&name, self_closing) {
                    skip_raw_text(b, end, &name)
                } else {
                    end
                }
            }
            _ => i,
        };
        if sim.plaintext {
            break;
        }
    }
    sim.max
}

fn memchr(c: u8, b: &[u8]) -> Option<usize> {
    b.iter().position(|&x| x == c)
}

/// After `<!--`: past the closing `-->` (`<!-->` and `<!--->` are whole comments).
fn skip_comment(b: &[u8], i: usize) -> usize {
    let rest = &b[i.min(b.len())..];
    if rest.starts_with(b">") {
        return i + 1;
    }
    if rest.starts_with(b"->") {
        return i + 2;
    }
    rest.windows(3)
        .position(|w| w == b"-->")
        .map_or(b.len(), |p| i + p + 3)
}

fn skip_past(b: &[u8], i: usize, c: u8) -> usize {
    memchr(c, &b[i..]).map_or(b.len(), |p| i + p + 1)
}

/// The lowercase tag name starting at `i`, and where it ends.
fn tag_name(b: &[u8], i: usize) -> (String, usize) {
    let end = b[i..]
        .iter()
        .position(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>')
        .map_or(b.len(), |p| i + p);
    (
        String::from_utf8_lossy(&b[i..end]).to_ascii_lowercase(),
        end,
    )
}

/// Past a tag's attributes and its `>`: whether it ended `/>`. A quoted value may hold `>`.
fn skip_attributes(b: &[u8], mut i: usize) -> (bool, usize) {
    let mut after_eq = false;
    while i < b.len() {
        let c = b[i];
        match c {
            b'>' => return (i > 0 && b[i - 1] == b'/', i + 1),
            b'"' | b'\'' if after_eq => {
                i = skip_past(b, i + 1, c);
                after_eq = false;
                continue;
            }
            b'=' => after_eq = true,
            c if c.is_ascii_whitespace() => {}
            _ => after_eq = false,
        }
        i += 1;
    }
    (false, b.len())
}

/// Past a raw-text element's content and its end tag (`</script` then space, `/` or `>`).
fn skip_raw_text(b: &[u8], mut i: usize, name: &str) -> usize {
    let n = name.len();
    while let Some(off) = memchr(b'<', &b[i..]) {
        let at = i + off;
        let is_end = b.get(at + 1) == Some(&b'/')
            && b.get(at + 2..at + 2 + n)
                .is_some_and(|s| s.eq_ignore_ascii_case(name.as_bytes()))
            && b.get(at + 2 + n)
                .is_none_or(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>');
        if is_end {
            return skip_attributes(b, at + 2 + n).1;
        }
        i = at + 1;
    }
    b.len()
}

/// The simulated stack of open elements, with the positions of each name and of the elements
/// that bound scopes, so every question is answered without walking the stack.
#[derive(Default)]
struct Stack {
    names: Vec<u32>,
    ids: FxHashMap<String, u32>,
    /// By name id: the stack positions holding that name, innermost last.
    at: Vec<Vec<usize>>,
    /// Positions of scope boundaries, of special elements, of `<svg>`/`<math>`.
    scope: Vec<usize>,
    special: Vec<usize>,
    foreign: Vec<usize>,
    max: usize,
    plaintext: bool,
}

impl Stack {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.at.len() as u32;
        self.ids.insert(name.to_string(), id);
        self.at.push(Vec::new());
        id
    }

    /// The innermost open `name`.
    fn nearest(&self, name: &str) -> Option<usize> {
        self.ids
            .get(name)
            .and_then(|&id| self.at[id as usize].last().copied())
    }

    fn push(&mut self, name: &str) {
        let pos = self.names.len();
        let id = self.id(name);
        self.names.push(id);
        self.at[id as usize].push(pos);
        if SCOPE.contains(&name) {
            self.scope.push(pos);
        }
        if SPECIAL.contains(&name) {
            self.special.push(pos);
        }
        if matches!(name, "svg" | "math") {
            self.foreign.push(pos);
        }
        self.max = self.max.max(self.names.len());
    }

    /// Pops every element from `pos` up.
    fn pop_to(&mut self, pos: usize) {
        while self.names.len() > pos {
            let id = self.names.pop().expect("non-empty");
            self.at[id as usize].pop();
            let top = self.names.len();
            for v in [&mut self.scope, &mut self.special, &mut self.foreign] {
                if v.last() == Some(&top) {
                    v.pop();
                }
            }
        }
    }

    /// Whether the open element at `pos` is in scope: no boundary above it (and none of
    /// `extra`, e.g. `button` for `p`, `ol`/`ul` for `li`).
    fn in_scope(&self, pos: usize, extra: &[&str]) -> bool {
        let boundary = self.scope.last().copied();
        let extra = extra.iter().filter_map(|n| self.nearest(n)).max();
        boundary.max(extra).is_none_or(|b| b <= pos)
    }

    /// Pops the innermost `name` if it is in scope.
    fn close(&mut self, name: &str, extra: &[&str]) {
        if let Some(pos) = self.nearest(name)
            && self.in_scope(pos, extra)
        {
            self.pop_to(pos);
        }
    }

    fn end_tag(&mut self, name: &str) {
        // `</body>` and `</html>` only change the insertion mode: later content goes on
        // nesting where it was.
        if matches!(name, "body" | "html") {
            return;
        }
        let Some(pos) = self.nearest(name) else {
            return;
        };
        let extra: &[&str] = match name {
            "p" => &["button"],
            "li" => &["ol", "ul"],
            _ => &[],
        };
        let in_scope = if TABLE_PARTS.contains(&name) {
            // Table scope: only `html`, `table` and `template` are in the way.
            ["html", "table", "template"]
                .iter()
                .filter_map(|n| self.nearest(n))
                .all(|b| b <= pos)
        } else {
            self.in_scope(pos, extra)
        };
        if !in_scope {
            return;
        }
        // The adoption agency reparents past a special element: the depth stays.
        let block_above = ["address", "div", "p"]
            .iter()
            .filter_map(|n| self.nearest(n))
            .chain(self.special.last().copied())
            .any(|s| s > pos);
        if FORMATTING.contains(&name) && block_above {
            return;
        }
        self.pop_to(pos);
    }

    /// Handles a start tag; `true` when its content is raw text to skip.
    fn start_tag(&mut self, name: &str, self_closing: bool) -> bool {
        let foreign = !self.foreign.is_empty() || matches!(name, "svg" | "math");
        if !foreign {
            self.implied_ends(name);
        }
        // A second `<html>`, `<head>` or `<body>` only adds attributes to the first.
        let again = matches!(name, "html" | "head" | "body") && self.ids.contains_key(name);
        if again || VOID.contains(&name) || (self_closing && foreign) {
            return false;
        }
        if !foreign && RAW_TEXT.contains(&name) {
            return true;
        }
        if name == "plaintext" {
            self.plaintext = true;
        }
        self.push(name);
        false
    }

    /// The elements a start tag closes before it opens.
    fn implied_ends(&mut self, name: &str) {
        if CLOSES_P.contains(&name) {
            self.close("p", &["button"]);
        }
        match name {
            "li" => self.close_item(&["li"]),
            "dd" | "dt" => self.close_item(&["dd", "dt"]),
            "td" | "th" => self.close_in_table(&["td", "th"], &["tr", "table"]),
            "tr" => self.close_in_table(&["tr"], &["table", "thead", "tbody", "tfoot"]),
            "thead" | "tbody" | "tfoot" => {
                self.close_in_table(&["thead", "tbody", "tfoot"], &["table"])
            }
            "option" | "optgroup" => {
                if let Some(top) = self.names.len().checked_sub(1)
                    && self.nearest("option") == Some(top)
                {
                    self.pop_to(top);
                }
            }
            _ => {}
        }
    }

    /// `<li>` closes an open `<li>` unless a special element (not address/div/p) is above it.
    fn close_item(&mut self, names: &[&str]) {
        let Some(pos) = names.iter().filter_map(|n| self.nearest(n)).max() else {
            return;
        };
        let blocked = self.special.last().is_some_and(|&s| s > pos);
        if !blocked {
            self.pop_to(pos);
        }
    }

    /// A cell or row closes the previous one when no row/table boundary is nearer.
    fn close_in_table(&mut self, names: &[&str], bounds: &[&str]) {
        let Some(pos) = names.iter().filter_map(|n| self.nearest(n)).max() else {
            return;
        };
        let bound = bounds.iter().filter_map(|n| self.nearest(n)).max();
        if bound.is_none_or(|b| b < pos) {
            self.pop_to(pos);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::nesting_depth;

    #[test]
    fn end_tags_the_builder_ignores_do_not_hide_depth() {
        for unit in [
            "<div></b>",
            "<div><!--</div>-->",
            "<div><script></div></script>",
            "<div title=\"</div>\">",
            "<div title='a>b</div>'>",
            "<div/>",
            "<div><table></div>",
            "<li><ul></li>",
            "<b><div></b>",
            "<div></body>",
            "<div></html><html>",
        ] {
            let depth = nesting_depth(&unit.repeat(1000));
            assert!(depth >= 1000, "{unit}: {depth}");
        }
    }

    #[test]
    fn ordinary_markup_is_measured_flat() {
        let page = "<html><body><div><p>a<p>b<ul><li>x<li>y</ul><table><tr><td>1<td>2<tr><td>3\
                    </table><br><img src=x><svg><path/><path/></svg><!-- <div> --></div>\
                    <script>if (a<b) document.write('<div>')</script></body></html>";
        let flat = nesting_depth(&page.repeat(500));
        assert!(flat <= 10, "{flat}");
        let deep = "<div>".repeat(50) + &"</div>".repeat(50);
        assert_eq!(nesting_depth(&deep), 50);
    }
}
