//! What `newsroom check` looks for, over a loaded library and its site rendered in memory:
//! broken internal links and anchors, articles missing a date, source or tags, and the same
//! story scraped twice (near-duplicates, by MinHash over character shingles). Findings name
//! the Markdown file and line, from the page's kept source.
//!
//! The links of article bodies are also checked by every build ([`check_body_links`]), from
//! what rendering the bodies noted ([`crate::content::page::LinkFacts`]) and the list of files
//! the build writes: `[link_checker] internal_level` says whether a broken one fails it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;
use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

use crate::config::{Config, LinkLevel};
use crate::content::{Library, Page};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding, printed as `severity: file[:line]: message`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub severity: Severity,
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}", self.file.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl Finding {
    /// `file[:line]: message`, without the severity.
    pub fn located(&self) -> String {
        let at = self.line.map_or(String::new(), |l| format!(":{l}"));
        format!("{}{at}: {}", self.file.display(), self.message)
    }
}

/// [`check_body_links`] for a build: prints nothing, returns the errors as one error (every
/// one of them, `file:line: message`, then how many) and the warnings as lines
/// (`file:line: message`) for the caller to show.
pub fn body_links_or_error(
    config: &Config,
    library: &Library,
    has: &(dyn Fn(&str) -> bool + Sync),
) -> anyhow::Result<Vec<String>> {
    let findings = check_body_links(config, library, has);
    let (errors, warnings): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .partition(|f| f.severity == Severity::Error);
    if !errors.is_empty() {
        let mut lines: Vec<String> = errors.iter().map(Finding::located).collect();
        lines.push(format!(
            "{} broken internal link{} (`[link_checker] internal_level = \"warn\"` reports them without failing)",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        ));
        anyhow::bail!("{}", lines.join("\n"));
    }
    Ok(warnings.iter().map(Finding::located).collect())
}

/// Values of `attr="…"` in HTML we generated (attributes are always double-quoted).
pub fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest: &'a str = html;
    while let Some(i) = rest.find(&needle) {
        let start = i + needle.len();
        let Some(len) = rest[start..].find('"') else {
            break;
        };
        out.push(rest[start..start + len].replace("&amp;", "&"));
        rest = &rest[start + len..];
    }
    out
}

fn percent_decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Where a link in the generated site leads.
enum Target {
    /// Another host or scheme (`https:`, `mailto:`, `data:` …): not an internal link.
    Elsewhere,
    /// No page or file of the site.
    Missing,
    /// An output file of the site, and the decoded `#anchor` when the link has one.
    Found(String, Option<String>),
}

/// Resolves links of the generated site against its output files.
struct Resolver<'a> {
    base_url: &'a str,
    base_path: &'a str,
    /// Whether the site has an output file at this path (`news/a/index.html`).
    has: &'a (dyn Fn(&str) -> bool + Sync),
}

/// `a/./b/../c` → `a/c`; `None` when `..` climbs above the site's root.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    // `a/b/.` and `a/b/..` name folders.
    if path.ends_with("/.") || path.ends_with("/..") || path == "." {
        parts.push("");
    }
    Some(parts.join("/"))
}

impl Resolver<'_> {
    fn resolve(&self, from: &str, link: &str) -> Target {
        let link = link
            .strip_prefix(self.base_url.trim_end_matches('/'))
            .map_or(link.to_string(), |r| {
                if r.is_empty() {
                    "/".to_string()
                } else {
                    r.to_string()
                }
            });
        let has_scheme = link.split_once(':').is_some_and(|(s, _)| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
        if has_scheme || link.starts_with("//") {
            return Target::Elsewhere;
        }
        let (path, anchor) = match link.split_once('#') {
            Some((p, a)) => (p.to_string(), Some(percent_decode(a))),
            None => (link.clone(), None),
        };
        let path = path.split('?').next().unwrap_or("");
        let site_path = if path.is_empty() {
            from.to_string()
        } else if let Some(rest) = path.strip_prefix(self.base_path) {
            percent_decode(rest)
        } else if path.starts_with('/') {
            return Target::Missing;
        } else {
            let dir = Path::new(from).parent().unwrap_or(Path::new(""));
            let joined = percent_decode(&dir.join(path).to_string_lossy());
            match normalize(&joined) {
                Some(p) => p,
                None => return Target::Missing,
            }
        };
        self.output_file(site_path)
            .map_or(Target::Missing, |key| Target::Found(key, anchor))
    }

    /// The output file a site path names: itself, or the `index.html` of that folder.
    fn output_file(&self, site_path: String) -> Option<String> {
        let key = if site_path.is_empty() || site_path.ends_with('/') {
            format!("{site_path}index.html")
        } else if (self.has)(&site_path) {
            site_path
        } else {
            format!("{site_path}/index.html")
        };
        (self.has)(&key).then_some(key)
    }
}

/// The `id`s of every HTML file, for `#anchor` links.
fn anchor_ids(files: &BTreeMap<String, Vec<u8>>) -> HashMap<&str, HashSet<String>> {
    files
        .par_iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(k, v)| {
            (
                k.as_str(),
                attr_values(&String::from_utf8_lossy(v), "id")
                    .into_iter()
                    .collect(),
            )
        })
        .collect()
}

/// What is wrong with `link` in the output file `from`, if anything.
fn link_problem(
    resolver: &Resolver,
    ids: &HashMap<&str, HashSet<String>>,
    from: &str,
    link: &str,
) -> Option<String> {
    match resolver.resolve(from, link) {
        Target::Elsewhere => None,
        Target::Missing => Some(format!("broken link `{link}`: no such page or file")),
        Target::Found(key, Some(anchor)) if !anchor.is_empty() => {
            if ids.get(key.as_str()).is_some_and(|s| s.contains(&anchor)) {
                return None;
            }
            Some(format!(
                "broken anchor `{link}`: `{key}` has no id `{anchor}`"
            ))
        }
        Target::Found(..) => None,
    }
}

/// Where to report a bad link: the article's Markdown file and line when the link is in its
/// body, else the output file (the link comes from a template).
fn link_origin(
    page: Option<&Page>,
    base_path: &str,
    from: &str,
    link: &str,
) -> (PathBuf, Option<usize>) {
    match page {
        Some(p)
            if p.rendered.html.contains(link)
                || p.rendered.html.contains(&link.replace('&', "&amp;")) =>
        {
            let bare = link
                .strip_prefix(base_path.trim_end_matches('/'))
                .unwrap_or(link);
            (p.file.clone(), p.line_of(bare).or_else(|| p.line_of(link)))
        }
        _ => (PathBuf::from(format!("(output) {from}")), None),
    }
}

/// Checks internal links and `#anchors` of every HTML file of the rendered site (`files`:
/// output path → bytes), but those an article's body wrote ([`check_body_links`] has them).
/// Links of other content (an image in a body) are reported against its Markdown file and
/// line; links from templates against the output file.
pub fn check_links(
    config: &Config,
    library: &Library,
    files: &BTreeMap<String, Vec<u8>>,
    findings: &mut Vec<Finding>,
) {
    let base_path = config.base_path();
    let base_url = config.base_url();
    let has = |path: &str| files.contains_key(path);
    let resolver = Resolver {
        base_url: &base_url,
        base_path: &base_path,
        has: &has,
    };
    let ids = anchor_ids(files);
    let page_by_output: HashMap<String, &Page> = library
        .pages
        .iter()
        .map(|p| (format!("{}index.html", p.path), p.as_ref()))
        .collect();
    let mut found: Vec<Finding> = files
        .par_iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .flat_map_iter(|(from, bytes)| {
            let html = String::from_utf8_lossy(bytes);
            let page = page_by_output.get(from.as_str()).copied();
            let mut links = attr_values(&html, "href");
            links.extend(attr_values(&html, "src"));
            let mut seen = HashSet::new();
            // Links an article's body wrote are [`check_body_links`]'s, with their lines.
            let in_body = |link: &String| {
                page.is_some_and(|p| p.link_facts.links.iter().any(|(h, _)| h == link))
            };
            links
                .into_iter()
                .filter(|link| seen.insert(link.clone()) && !in_body(link))
                .filter_map(|link| {
                    let message = link_problem(&resolver, &ids, from, &link)?;
                    let (file, line) = link_origin(page, &base_path, from, &link);
                    Some(Finding {
                        severity: Severity::Error,
                        file,
                        line,
                        message,
                    })
                })
                .collect::<Vec<_>>()
        })
        .collect();
    findings.append(&mut found);
}

/// The broken links of article bodies, from what rendering them noted
/// ([`crate::content::page::LinkFacts`]): relative and root-relative links to no file the
/// site writes (`has`: whether an output path, `news/a/index.html`, is written), `#anchors`
/// into an article that no heading or footnote of it has (nor the theme), and, with
/// `internal_level = "warn"`, `@/` links to no content file (else those failed the load).
/// Each names the article's file and the link's line; errors or warnings as
/// `[link_checker] internal_level` says.
pub fn check_body_links(
    config: &Config,
    library: &Library,
    has: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<Finding> {
    let base_path = config.base_path();
    let base_url = config.base_url();
    let resolver = Resolver {
        base_url: &base_url,
        base_path: &base_path,
        has,
    };
    let severity = match config.link_checker.internal_level {
        LinkLevel::Error => Severity::Error,
        LinkLevel::Warn => Severity::Warning,
    };
    let reserved = &config.markdown.reserved_ids;
    let ids: HashMap<String, &[String]> = library
        .pages
        .iter()
        .map(|p| (format!("{}index.html", p.path), p.link_facts.ids.as_slice()))
        .collect();
    let mut found: Vec<Finding> = library
        .pages
        .par_iter()
        .flat_map_iter(|p| {
            let from = format!("{}index.html", p.path);
            let mut out = Vec::new();
            for (href, line) in &p.link_facts.links {
                let message = if href.starts_with("@/") {
                    format!("internal link `{href}` points to no content file")
                } else {
                    match resolver.resolve(&from, href) {
                        Target::Elsewhere | Target::Found(_, None) => continue,
                        Target::Missing => format!("broken link `{href}`: no such page or file"),
                        Target::Found(key, Some(anchor)) => {
                            let Some(page_ids) = ids.get(&key) else {
                                continue; // not an article: its ids are the theme's
                            };
                            if anchor.is_empty()
                                || page_ids.contains(&anchor)
                                || reserved.contains(&anchor)
                            {
                                continue;
                            }
                            format!(
                                "broken anchor `{href}`: `{key}` has no heading or footnote with id `{anchor}`"
                            )
                        }
                    }
                };
                out.push(Finding {
                    severity: severity.clone(),
                    file: p.file.clone(),
                    line: Some(*line),
                    message,
                });
            }
            out
        })
        .collect();
    found.sort();
    found
}

/// Articles a curator should finish: no date, no source, no tags.
pub fn check_metadata(library: &Library, findings: &mut Vec<Finding>) {
    for p in &library.pages {
        let mut missing = Vec::new();
        if p.date.is_none() {
            missing.push("date");
        }
        if p.meta
            .extra
            .source
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
        {
            missing.push("source");
        }
        if p.meta.taxonomies.values().all(Vec::is_empty) {
            missing.push("tags");
        }
        if !missing.is_empty() {
            findings.push(Finding {
                severity: Severity::Warning,
                file: p.file.clone(),
                line: None,
                message: format!("no {}", missing.join(", no ")),
            });
        }
    }
}

const SIGNATURE: usize = 64;
const BANDS: usize = 16;
const ROWS: usize = SIGNATURE / BANDS;

/// A MinHash signature (one-permutation hashing) of the text's character 5-gram shingles,
/// over letters and digits only, case-folded: markup, spacing and punctuation don't matter.
pub fn signature(text: &str) -> Option<[u64; SIGNATURE]> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if chars.len() < 50 {
        return None;
    }
    let mut sig = [u64::MAX; SIGNATURE];
    for w in chars.windows(5) {
        let h = FxBuildHasher.hash_one(w);
        let bucket = (h % SIGNATURE as u64) as usize;
        let v = h / SIGNATURE as u64;
        if v < sig[bucket] {
            sig[bucket] = v;
        }
    }
    Some(sig)
}

/// Estimated Jaccard similarity of two signatures (empty buckets excluded).
pub fn similarity(a: &[u64; SIGNATURE], b: &[u64; SIGNATURE]) -> f64 {
    let (mut same, mut used) = (0, 0);
    for i in 0..SIGNATURE {
        if a[i] == u64::MAX && b[i] == u64::MAX {
            continue;
        }
        used += 1;
        if a[i] == b[i] {
            same += 1;
        }
    }
    if used == 0 {
        0.0
    } else {
        same as f64 / used as f64
    }
}

/// Pairs of articles that tell the same story (estimated similarity ≥ `threshold`), found by
/// banding signatures so that not every pair is compared.
pub fn near_duplicates(texts: &[&str], threshold: f64) -> Vec<(usize, usize, f64)> {
    let sigs: Vec<Option<[u64; SIGNATURE]>> = texts.par_iter().map(|t| signature(t)).collect();
    let mut buckets: HashMap<(usize, u64), Vec<usize>> = HashMap::new();
    for (i, s) in sigs.iter().enumerate() {
        let Some(s) = s else { continue };
        for b in 0..BANDS {
            let key = FxBuildHasher.hash_one(&s[b * ROWS..(b + 1) * ROWS]);
            buckets.entry((b, key)).or_default().push(i);
        }
    }
    let mut candidates: HashSet<(usize, usize)> = HashSet::new();
    for group in buckets.values() {
        if group.len() > 50 {
            continue; // boilerplate shared by many (a template), not one story twice
        }
        for (x, &a) in group.iter().enumerate() {
            for &b in &group[x + 1..] {
                candidates.insert((a.min(b), a.max(b)));
            }
        }
    }
    let mut pairs: Vec<(usize, usize, f64)> = candidates
        .into_iter()
        .filter_map(|(a, b)| {
            let s = similarity(sigs[a].as_ref()?, sigs[b].as_ref()?);
            (s >= threshold).then_some((a, b, s))
        })
        .collect();
    pairs.sort_by_key(|p| (p.0, p.1));
    pairs
}

/// Pairs of articles that look like the same story scraped twice, as warnings.
pub fn check_duplicates(library: &Library, findings: &mut Vec<Finding>) {
    let texts: Vec<&str> = library
        .pages
        .iter()
        .map(|p| p.rendered.text.as_str())
        .collect();
    for (a, b, s) in near_duplicates(&texts, 0.6) {
        let (pa, pb) = (&library.pages[a], &library.pages[b]);
        findings.push(Finding {
            severity: Severity::Warning,
            file: pa.file.clone(),
            line: None,
            message: format!(
                "near-duplicate of `{}` ({:.0}% similar): the same story from two sources?",
                pb.file.display(),
                s * 100.0
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_story_reworded_slightly_is_a_near_duplicate() {
        let a = "微软与 OpenAI 的合作关系正变得微妙。根据报道，微软的一份内部文件指示 Azure 的销售人员告诉客户微软能比 OpenAI 提供更多的服务，而 OpenAI 则在通过延迟授予微软产品 API 访问权限等方式进行防御。";
        let b = "据报道，微软与 OpenAI 的合作关系正变得微妙。根据报道，微软的一份内部文件指示 Azure 的销售人员告诉客户微软能比 OpenAI 提供更多的服务，而 OpenAI 则在通过延迟授予微软产品 API 访问权限等方式进行防御！";
        let c = "英伟达发布了新一代 Blackwell 架构 GPU，性能较上一代提升数倍，多家云厂商宣布将在今年晚些时候上线基于该芯片的实例，并计划扩大数据中心投资规模。";
        let pairs = near_duplicates(&[a, b, c], 0.6);
        assert_eq!(pairs.len(), 1, "{pairs:?}");
        assert_eq!((pairs[0].0, pairs[0].1), (0, 1));
    }

    #[test]
    fn attributes_are_read_from_generated_html() {
        let html = r#"<a href="/a/?x=1&amp;y=2">x</a><h2 id="intro">"#;
        assert_eq!(attr_values(html, "href"), ["/a/?x=1&y=2"]);
        assert_eq!(attr_values(html, "id"), ["intro"]);
    }
}
