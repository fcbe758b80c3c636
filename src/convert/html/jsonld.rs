//! JSON-LD of a page (`<script type="application/ld+json">`): parsed with serde_json, the
//! article node (or the page standing in for it) found through `@graph` and nesting, `@id`
//! references followed.
//!
//! This file reads JSON only and returns values as written: cleaning text and choosing among
//! the evidence is `head.rs`'s business. A malformed block is left out, never an error.

use std::collections::HashMap;
use std::sync::LazyLock;

use scraper::{Html, Selector};
use serde_json::{Map, Value};

/// JSON-LD types of an article, and of a page that may stand in for one.
const ARTICLE_TYPES: &[&str] = &[
    "Article",
    "NewsArticle",
    "BlogPosting",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "TechArticle",
    "ScholarlyArticle",
    "LiveBlogPosting",
    "SocialMediaPosting",
    "DiscussionForumPosting",
    "Report",
];
const PAGE_TYPES: &[&str] = &["WebPage", "ItemPage", "CollectionPage"];
/// Author types that are the site or a company, not a writer.
const ORGANIZATION_TYPES: &[&str] = &[
    "Organization",
    "NewsMediaOrganization",
    "Corporation",
    "WebSite",
    "Brand",
];

/// Types whose steps and ingredients are the page's text.
const HOW_TO_TYPES: &[&str] = &["Recipe", "HowTo"];

/// The text a page's structured data holds, as written: an article's `articleBody`, a recipe's
/// or how-to's description, ingredients (or supplies) and steps. A page that renders its
/// article with script often has nothing else.
#[derive(Debug, Default)]
pub struct DataText {
    /// `articleBody`, or a how-to's `description`.
    pub body: Vec<String>,
    /// `recipeIngredient`, `supply`.
    pub items: Vec<String>,
    /// `recipeInstructions`, `step`: each step's text (sections flattened).
    pub steps: Vec<String>,
}

impl DataText {
    pub fn chars(&self) -> usize {
        [&self.body, &self.items, &self.steps]
            .iter()
            .flat_map(|v| v.iter())
            .map(|t| t.chars().count())
            .sum()
    }
}

/// The first article with an `articleBody`, else the first recipe or how-to with steps.
pub fn data_text(roots: &[Value]) -> DataText {
    let mut nodes = Vec::new();
    for r in roots {
        collect_nodes(r, 0, &mut nodes);
    }
    let is = |n: &Map<String, Value>, list: &[&str]| types(n).iter().any(|t| list.contains(t));
    if let Some(body) = nodes
        .iter()
        .filter(|n| is(n, ARTICLE_TYPES))
        .find_map(|n| n.get("articleBody").and_then(str_of))
    {
        return DataText {
            body: vec![body.to_string()],
            ..DataText::default()
        };
    }
    for n in nodes.iter().filter(|n| is(n, HOW_TO_TYPES)) {
        let mut out = DataText::default();
        for key in ["recipeInstructions", "step"] {
            if let Some(v) = n.get(key) {
                steps(v, 0, &mut out.steps);
            }
        }
        if out.steps.is_empty() {
            continue;
        }
        for key in ["recipeIngredient", "supply"] {
            if let Some(v) = n.get(key) {
                steps(v, 0, &mut out.items);
            }
        }
        out.body
            .extend(n.get("description").and_then(str_of).map(str::to_string));
        return out;
    }
    DataText::default()
}

/// The texts of a step list: strings, `HowToStep`s (`text`, else `name`), `HowToSection`s
/// (`itemListElement`), nested arrays; one string with line breaks is one step a line.
fn steps(v: &Value, depth: usize, out: &mut Vec<String>) {
    if depth > 6 {
        return;
    }
    match v {
        Value::String(s) => out.extend(
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        ),
        Value::Array(a) => {
            for x in a {
                steps(x, depth + 1, out);
            }
        }
        Value::Object(o) => {
            if let Some(list) = o.get("itemListElement") {
                steps(list, depth + 1, out);
            } else if let Some(t) = o.get("text").or_else(|| o.get("name")).and_then(str_of) {
                steps(&Value::String(t.to_string()), depth + 1, out);
            }
        }
        _ => {}
    }
}

/// The parsed `<script type="application/ld+json">` blocks; a malformed one is left out.
pub fn json_ld_roots(doc: &Html) -> Vec<Value> {
    static SCRIPT: LazyLock<Selector> =
        LazyLock::new(|| Selector::parse("script[type]").expect("static selector"));
    doc.select(&SCRIPT)
        .filter(|s| {
            s.value().attr("type").is_some_and(|t| {
                t.trim()
                    .to_ascii_lowercase()
                    .starts_with("application/ld+json")
            })
        })
        .filter_map(|s| {
            let raw: String = s.text().collect();
            // Old CMS wrappers: `<!-- … -->`, `<![CDATA[ … ]]>` with or without `//`, a trailing `;`.
            let t = raw.trim();
            let t = t.strip_prefix("<!--").unwrap_or(t);
            let t = t.strip_suffix("-->").unwrap_or(t).trim();
            let t = t.strip_prefix("//").unwrap_or(t).trim_start();
            let t = t.strip_prefix("<![CDATA[").unwrap_or(t);
            let t = t.strip_suffix("]]>").unwrap_or(t).trim_end();
            let t = t.strip_suffix("//").unwrap_or(t).trim();
            let t = t.strip_suffix(';').unwrap_or(t);
            serde_json::from_str(t).ok()
        })
        .collect()
}

/// A string value, or the first string of an array (`"headline": ["…"]`).
pub fn str_of(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Array(a) => a.iter().find_map(str_of),
        Value::Object(o) => o.get("@value").and_then(str_of),
        _ => None,
    }
}

/// JSON-LD nodes: the article (or its page) first, `@id` references resolved.
pub struct JsonLd<'a> {
    /// Article-typed nodes in page order, then page-typed ones.
    main: Vec<&'a Map<String, Value>>,
    /// Node definitions by `@id`.
    ids: HashMap<&'a str, &'a Map<String, Value>>,
}

impl<'a> JsonLd<'a> {
    pub fn new(roots: &'a [Value]) -> JsonLd<'a> {
        let mut nodes = Vec::new();
        for r in roots {
            collect_nodes(r, 0, &mut nodes);
        }
        let mut ids = HashMap::new();
        for n in &nodes {
            // A definition, not a bare reference `{"@id": "#author"}`.
            if let Some(id) = n.get("@id").and_then(Value::as_str)
                && n.len() > 1
            {
                ids.entry(id).or_insert(*n);
            }
        }
        let typed = |list: &[&str]| -> Vec<&'a Map<String, Value>> {
            nodes
                .iter()
                .copied()
                .filter(|n| types(n).iter().any(|t| list.contains(t)))
                .collect()
        };
        let mut main = typed(ARTICLE_TYPES);
        main.extend(typed(PAGE_TYPES));
        JsonLd { main, ids }
    }

    /// `key` of the first main node that has it.
    pub fn field(&self, key: &str) -> Option<&'a Value> {
        self.main
            .iter()
            .find_map(|n| n.get(key).filter(|v| !v.is_null()))
    }

    /// Names of a person/organization value as written: a string, an object, an array, a
    /// reference. `people`: organizations (the site itself) are left out.
    pub fn names(&self, v: &'a Value, people: bool) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_names(v, people, 0, &mut out);
        out
    }

    fn collect_names(&self, v: &'a Value, people: bool, depth: usize, out: &mut Vec<String>) {
        if depth > 4 {
            return;
        }
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => {
                for x in a {
                    self.collect_names(x, people, depth + 1, out);
                }
            }
            Value::Object(o) => {
                let o = self.resolve_map(o);
                if people && types(o).iter().any(|t| ORGANIZATION_TYPES.contains(t)) {
                    return;
                }
                if let Some(n) = o.get("name").and_then(str_of) {
                    out.push(n.to_string());
                } else if let Some(g) = o.get("givenName").and_then(str_of) {
                    let f = o.get("familyName").and_then(str_of).unwrap_or_default();
                    out.push(format!("{g} {f}"));
                }
            }
            _ => {}
        }
    }

    fn resolve_map(&self, o: &'a Map<String, Value>) -> &'a Map<String, Value> {
        match o.get("@id").and_then(Value::as_str) {
            Some(id) if o.len() == 1 => self.ids.get(id).copied().unwrap_or(o),
            _ => o,
        }
    }

    /// Image URLs: a string, an `ImageObject` (`url`/`contentUrl`), an array, a reference.
    pub fn urls(&self, v: &'a Value) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_urls(v, 0, &mut out);
        out
    }

    fn collect_urls(&self, v: &'a Value, depth: usize, out: &mut Vec<String>) {
        if depth > 4 {
            return;
        }
        match v {
            Value::String(s) => out.push(s.trim().to_string()),
            Value::Array(a) => {
                for x in a {
                    self.collect_urls(x, depth + 1, out);
                }
            }
            Value::Object(o) => {
                let o = self.resolve_map(o);
                for k in ["url", "contentUrl"] {
                    if let Some(u) = o.get(k) {
                        self.collect_urls(u, depth + 1, out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Every object with a `@type` (or an `@id`), however deeply nested (`@graph`, `mainEntity`).
fn collect_nodes<'a>(v: &'a Value, depth: usize, out: &mut Vec<&'a Map<String, Value>>) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Array(a) => {
            for x in a {
                collect_nodes(x, depth + 1, out);
            }
        }
        Value::Object(o) => {
            if o.contains_key("@type") || o.contains_key("@id") {
                out.push(o);
            }
            for x in o.values() {
                collect_nodes(x, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// `@type` names without a vocabulary prefix (`schema:NewsArticle`, `http://schema.org/Article`).
fn types(o: &Map<String, Value>) -> Vec<&str> {
    fn strip(t: &str) -> &str {
        t.rsplit(['/', ':', '#']).next().unwrap_or(t)
    }
    match o.get("@type") {
        Some(Value::String(t)) => vec![strip(t)],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(strip).collect(),
        _ => Vec::new(),
    }
}
