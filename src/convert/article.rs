//! The pipeline for one decoded text: normalise → blocks → title and metadata lines →
//! boilerplate rules → structure → roles → [`Article`]. Pure: no I/O, no output format.

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;

use super::blocks::{self, Block, Hint, inner_sentences, is_prose, last_mark, units};
use super::boilerplate::{self, Hit, whole_hit};
use super::headings;
use super::html;
use super::metadata::{self, DateHit};
use super::normalize::normalize_chars;
use crate::content::Date;
use crate::rules::{DateWords, Rules};

pub use super::model::{Article, Meta};

/// What the user told us about the input.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub url: Option<String>,
    pub source: Option<String>,
    pub lang: Option<String>,
}

/// A key for comparing lines: NFKC, no whitespace, lower case.
fn key(text: &str) -> String {
    text.nfkc()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Runs the whole pipeline on a plain-text scrape.
pub fn analyze(text: &str, rules: &Rules, opts: &Options) -> Article {
    let normalized = normalize_chars(text);
    analyze_blocks(blocks::split_lines(&normalized), None, rules, opts)
}

/// Runs the whole pipeline on an HTML page.
pub fn analyze_html(page: &str, rules: &Rules, opts: &Options) -> Article {
    let parsed = html::parse(page, opts.url.as_deref(), rules);
    let mut article = analyze_blocks(parsed.blocks, Some(&parsed.head), rules, opts);
    article.warnings.extend(parsed.warnings);
    article
}

fn analyze_blocks(
    mut blocks: Vec<Block>,
    head: Option<&html::Head>,
    rules: &Rules,
    opts: &Options,
) -> Article {
    let hits: Vec<Option<Hit>> = blocks
        .iter()
        .map(|b| boilerplate::match_rules(&b.text, rules))
        .collect();
    let all_text: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
    // Numeric dates (`08/06/2023`) are read in the page's locale: its language tag, else the
    // language of its text.
    let day_first = match head.and_then(|h| h.lang.as_deref()) {
        Some(tag) => rules.dates.day_first(tag),
        None => metadata::detect_language(&all_text.join("\n")) != "en",
    };

    let title = choose_title(&blocks, &hits, head, rules);
    let title_key = title.map(|t| key(&blocks[t].text));
    let first_body = blocks.iter().enumerate().position(|(i, b)| {
        title.is_none_or(|t| i > t)
            && !whole_hit(hits[i])
            && is_prose(&rules.text.blocks, &b.text)
            && title_key.as_deref() != Some(key(&b.text).as_str())
    });
    if let Some(k) = &title_key {
        drop_title_lines(&mut blocks, k);
    }
    let mut meta = Meta::default();
    let dates = take_metadata_lines(
        &mut blocks,
        &hits,
        title,
        first_body,
        day_first,
        rules,
        &mut meta,
    );
    let url = opts
        .url
        .as_deref()
        .or_else(|| head.and_then(|h| h.url.as_deref()));
    meta.date = publication_date(head, &dates, url, day_first, &rules.dates);
    if let Some(h) = head {
        apply_head_credits(h, rules, &mut meta);
    }

    boilerplate::apply_rules(&mut blocks, &hits, rules, first_body.unwrap_or(0));
    headings::merge_number_lines(&mut blocks, &rules.text.blocks);
    boilerplate::apply_galleries(&rules.text.blocks, &mut blocks);
    boilerplate::apply_structure(rules, &mut blocks, title, first_body);
    headings::assign_roles(&mut blocks, rules);
    boilerplate::keep_rest(&mut blocks);

    let sites = site_names(head);
    meta.title = match title {
        Some(t) => Some(strip_site_suffix(&blocks[t].text, rules, &sites)),
        // A head title the page does not show: its last `| Something` goes too when what
        // stays is a title by itself (a site's name comes last, known to us or not).
        None => head
            .and_then(|h| h.title.as_deref())
            .map(|t| cut_last_part(&strip_site_suffix(t, rules, &sites), rules)),
    }
    .filter(|t| !t.is_empty());
    meta.language = language(&blocks, &meta, head, opts);
    meta.source_url = opts
        .url
        .clone()
        .or_else(|| head.and_then(|h| h.url.clone()));
    meta.source = source(&blocks, head, rules, opts);
    if let Some(h) = head {
        meta.description = h
            .description
            .clone()
            .filter(|d| meta.title.as_deref().is_none_or(|t| key(t) != key(d)));
        meta.cover_image = h.cover_image.clone();
    }
    Article {
        meta,
        blocks,
        warnings: Vec::new(),
    }
}

/// HTML: the `<h1>` (the one a head title starts with, when a logo is an `<h1>` too), else the
/// line a head title (`og:title`, `twitter:title`, JSON-LD `headline`, `<title>`) starts with,
/// else none when the head has a title (it becomes the title); text scrapes and pages without
/// any: see [`find_title`].
fn choose_title(
    blocks: &[Block],
    hits: &[Option<Hit>],
    head: Option<&html::Head>,
    rules: &Rules,
) -> Option<usize> {
    let sites = site_names(head);
    // Each head title without its known suffix, and cut at each separator (`Title - Some Blog`
    // names a title `Title` even when `Some Blog` is no source we know).
    let mut head_keys: Vec<String> = Vec::new();
    for t in head.map(|h| h.titles.as_slice()).unwrap_or_default() {
        let stripped = strip_site_suffix(t, rules, &sites);
        // Not a cut that is the site's name (`Site - Title`: the logo is no title).
        let cuts = rules
            .text
            .title_separators
            .iter()
            .flat_map(|sep| stripped.match_indices(sep).map(|(i, _)| &stripped[..i]))
            .filter(|c| !is_site_name(c, rules, &sites));
        for k in std::iter::once(stripped.as_str()).chain(cuts).map(key) {
            if !k.is_empty() && !head_keys.contains(&k) {
                head_keys.push(k);
            }
        }
    }
    let matches_head = |b: &Block| {
        let bk = key(&b.text);
        !bk.is_empty()
            && head_keys
                .iter()
                .any(|k| k == &bk || (k.starts_with(&bk) && bk.len() * 2 >= k.len()))
    };
    // A logo `<h1>` that is just the site's name is no title.
    let site_keys: Vec<String> = sites.iter().map(|s| key(s)).collect();
    let h1s: Vec<usize> = (0..blocks.len())
        .filter(|&i| {
            blocks[i].hint == Hint::Title
                && !whole_hit(hits[i])
                && !site_keys.contains(&key(&blocks[i].text))
        })
        .collect();
    // An `<h1>` that shares no word with the head's titles names something else (a section:
    // `Allergies Health Center` over `Babies Who Eat Peanuts…`).
    let head_words: HashSet<String> = head
        .map(|h| h.titles.as_slice())
        .unwrap_or_default()
        .iter()
        .flat_map(|t| words_of(t))
        .collect();
    let about_the_head = |i: &usize| {
        head_words.is_empty() || words_of(&blocks[*i].text).any(|w| head_words.contains(&w))
    };
    h1s.iter()
        .copied()
        .find(|&i| matches_head(&blocks[i]))
        .or_else(|| {
            h1s.iter()
                .copied()
                .filter(about_the_head)
                .find(|&i| title_shaped(rules, &blocks[i].text))
        })
        // The headline the head names, wherever the page shows it.
        .or_else(|| {
            (0..blocks.len())
                .find(|&i| title_shaped(rules, &blocks[i].text) && matches_head(&blocks[i]))
        })
        // An `<h1>` unlike the head's title (`Lorem`, a section name) loses to it.
        .or_else(|| head_keys.is_empty().then(|| h1s.first().copied()).flatten())
        // A title the markup declares beats guessing one from the layout: the caller takes it.
        .or_else(|| {
            head_keys
                .is_empty()
                .then(|| find_title(blocks, hits, rules))
                .flatten()
        })
}

/// The title and its repeats (headline, image alt) leave the body.
fn drop_title_lines(blocks: &mut [Block], title_key: &str) {
    let mut first = true;
    for b in blocks.iter_mut().filter(|b| key(&b.text) == title_key) {
        if first {
            b.drop("title", "the title (written to the front matter)");
            first = false;
        } else {
            b.drop("title.repeat", "the title repeated (headline or image alt)");
        }
    }
}

/// Metadata lines become front matter and leave the body: dates and relative dates in the byline
/// area, bylines (there or anywhere as a short line), a feed post's poster above its handle or
/// follow button. Returns the dates seen, with their block index.
fn take_metadata_lines(
    blocks: &mut [Block],
    hits: &[Option<Hit>],
    title: Option<usize>,
    first_body: Option<usize>,
    day_first: bool,
    rules: &Rules,
    meta: &mut Meta,
) -> Vec<(DateHit, usize)> {
    let header_end = first_body.unwrap_or(blocks.len());
    let mut dates = Vec::new();
    for i in 0..blocks.len() {
        if !blocks[i].is_open() {
            continue;
        }
        let text = blocks[i].text.clone();
        // The byline area: above the first paragraph, or right under the title (a dek may come
        // before the byline).
        let in_header = i < header_end || title.is_some_and(|t| i > t && i <= t + 6);
        if in_header
            && metadata::is_relative_date_line(&text, &rules.dates)
            && metadata::find_date(&text, day_first, &rules.dates).is_none()
        {
            meta.relative_date.get_or_insert(text.clone());
            blocks[i].drop(
                "meta.relative-date",
                "relative date (no date is guessed from it)",
            );
        } else if (in_header || text.chars().count() <= 40)
            && let Some(b) = metadata::parse_byline(&text, rules)
        {
            if in_header && let Some(hit) = metadata::find_date(&text, day_first, &rules.dates) {
                dates.push((hit, i));
            }
            meta.byline.merge(b);
            blocks[i].drop(
                "meta.byline",
                "byline (authors, editors, credits → front matter)",
            );
        } else if in_header
            && metadata::is_dateline(&text, rules)
            && let Some(hit) = metadata::find_date(&text, day_first, &rules.dates)
        {
            dates.push((hit, i));
            blocks[i].drop("meta.date", "publication or update date (front matter)");
        } else if in_header
            && meta.handle.is_none()
            && (metadata::is_handle(&text)
                // A feed post without a handle: `名字` then `关注`/`Follow` above the title.
                || (metadata::is_follow_button(&text, rules)
                    && title.is_some_and(|t| i < t)
                    && meta.byline.authors.is_empty()))
        {
            if metadata::is_handle(&text) {
                meta.handle = Some(text.clone());
                blocks[i].drop("meta.handle", "creator handle of the poster");
            }
            take_poster(rules, blocks, hits, i, day_first, meta);
        }
    }
    dates
}

/// The poster's name above a feed post's handle or follow button at block `i`: just above,
/// or above the post's date (`名字 / 3小时前 / 关注`). It joins the authors and leaves the body.
fn take_poster(
    rules: &Rules,
    blocks: &mut [Block],
    hits: &[Option<Hit>],
    i: usize,
    day_first: bool,
    meta: &mut Meta,
) {
    let poster_like = |b: &Block, hit: Option<Hit>| {
        b.is_open()
            && !whole_hit(hit)
            && units(&b.text) <= 24
            && !blocks::ends_sentence(&rules.text.blocks, &b.text)
            && metadata::find_date(&b.text, day_first, &rules.dates).is_none()
    };
    let is_meta_line = |b: &Block| {
        matches!(&b.decision, blocks::Decision::Drop(d)
            if matches!(d.rule.as_str(), "meta.date" | "meta.relative-date" | "meta.handle"))
    };
    let mut p = i.checked_sub(1);
    while let Some(k) = p
        && k + 3 > i
        && is_meta_line(&blocks[k])
    {
        p = k.checked_sub(1);
    }
    if let Some(p) = p
        && poster_like(&blocks[p], hits[p])
    {
        let name = blocks[p].text.clone();
        if !meta.byline.authors.contains(&name) {
            meta.byline.authors.push(name);
        }
        blocks[p].drop(
            "meta.poster",
            "the poster's name (author of a square/feed post)",
        );
    }
}

/// The page's declared publication date (HTML meta, JSON-LD), else the best date line: one
/// labelled as published, then an unlabelled one, then an update date; the earliest first;
/// else the date in the page's URL (`/2019/11/20/`, `20191120`). A date no article can have
/// (before 1990, after tomorrow: a CMS placeholder such as `0001-01-01`) is no evidence.
fn publication_date(
    head: Option<&html::Head>,
    dates: &[(DateHit, usize)],
    url: Option<&str>,
    day_first: bool,
    words: &DateWords,
) -> Option<Date> {
    head.and_then(|h| h.published.as_deref())
        .and_then(|p| {
            Date::parse(p)
                .ok()
                .or_else(|| metadata::find_date(p, day_first, words).map(|h| h.date))
        })
        .filter(plausible)
        .or_else(|| {
            dates
                .iter()
                .filter(|(h, _)| plausible(&h.date))
                .min_by_key(|(h, i)| (h.priority, *i))
                .map(|(h, _)| h.date)
        })
        .or_else(|| url.and_then(metadata::url_date).filter(plausible))
}

/// Whether an article can have been published on `d`: from 1990 to tomorrow.
fn plausible(d: &Date) -> bool {
    let today = jiff::tz::Offset::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    let tomorrow = today.tomorrow().unwrap_or(jiff::civil::Date::MAX);
    d.date.year() >= 1990 && d.date <= tomorrow
}

/// Credits from the markup. Structured authors (JSON-LD, `<meta name=author>`, `rel`/`itemprop`
/// author) beat the text's byline line, which beats a byline element's text; JSON-LD editors
/// are credited as editors and never stay authors.
fn apply_head_credits(head: &html::Head, rules: &Rules, meta: &mut Meta) {
    let sites = site_names(Some(head));
    let structured = people(head.authors.iter().map(String::as_str), &sites, rules);
    if !structured.is_empty() {
        meta.byline.authors = structured;
    } else if meta.byline.authors.is_empty() {
        meta.byline.authors = head
            .bylines
            .iter()
            .find_map(|line| {
                let line = line
                    .strip_prefix("Von ")
                    .or_else(|| line.strip_prefix("von "))
                    .unwrap_or(line);
                // `Last Updated: January 7, 2025` is a label, not a name, once its date goes.
                let labelled = line.contains([':', '：']);
                let b = metadata::parse_byline(line, rules).or_else(|| {
                    (!labelled)
                        .then(|| metadata::parse_byline(&format!("By {line}"), rules))
                        .flatten()
                })?;
                let names = people(b.authors.iter().map(String::as_str), &sites, rules);
                (!names.is_empty()).then_some(names)
            })
            .unwrap_or_default();
    }
    for e in people(head.editors.iter().map(String::as_str), &sites, rules) {
        meta.byline.authors.retain(|a| a != &e);
        if !meta.byline.editors.contains(&e) {
            meta.byline.editors.push(e);
        }
    }
}

/// The names that are people: not the site, a newsroom account or an outlet (`By {name}` must
/// read as a byline naming authors).
fn people<'a>(
    names: impl Iterator<Item = &'a str>,
    sites: &[String],
    rules: &Rules,
) -> Vec<String> {
    let site_keys: Vec<String> = sites.iter().map(|s| key(s)).collect();
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let Some(b) = metadata::parse_byline(&format!("By {name}"), rules) else {
            continue;
        };
        for a in b.authors {
            // A name has no number in it: a counter after it goes (`Lucas Nolan 651`), and a
            // number inside says it is a date (`4. November`).
            let mut words: Vec<&str> = a.split_whitespace().collect();
            while words
                .last()
                .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
            {
                words.pop();
            }
            let a = words.join(" ");
            // A particle alone (`Von`) is what is left of a label.
            let particle = words.len() == 1
                && rules
                    .bylines
                    .name_particles
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(&a));
            if a.is_empty()
                || particle
                || a.contains(|c: char| c.is_ascii_digit())
                || rules.bylines.credentials.is_match(&a)
            {
                continue;
            }
            // Initials alone (`J J`: a commenter's avatar letter) name nobody.
            let initials_only = a
                .split_whitespace()
                .all(|w| w.trim_end_matches('.').chars().count() <= 1);
            if !initials_only
                && !rules.bylines.accounts.is_match(&a)
                && !site_keys.contains(&key(&a))
                && !out.contains(&a)
            {
                out.push(a);
            }
        }
    }
    out
}

/// The site's own names (`og:site_name`, JSON-LD publisher): never an author, a title suffix.
fn site_names(head: Option<&html::Head>) -> Vec<String> {
    head.map(|h| {
        h.site_name
            .iter()
            .chain(h.publisher.iter())
            .cloned()
            .collect()
    })
    .unwrap_or_default()
}

/// `--lang`, else `<html lang>` (primary subtag), else detected from the kept text.
fn language(blocks: &[Block], meta: &Meta, head: Option<&html::Head>, opts: &Options) -> String {
    let page_lang = head
        .and_then(|h| h.lang.as_deref())
        .map(|l| l.split(['-', '_']).next().unwrap_or(l).to_ascii_lowercase())
        .filter(|l| (2..=3).contains(&l.len()));
    opts.lang.clone().or(page_lang).unwrap_or_else(|| {
        let mut text = meta.title.clone().unwrap_or_default();
        for t in blocks.iter().filter_map(Block::kept_text) {
            text.push('\n');
            text.push_str(t);
        }
        metadata::detect_language(&text)
    })
}

/// `--source`, else the brand of `--url`, of the page's canonical URL (a known domain is the
/// surest sign of the site, and rules/sources.toml gives its canonical brand: `Binance Square`
/// for a page whose `og:site_name` says `Binance`), of its `og:site_name` or JSON-LD publisher,
/// of the other addresses the page gives itself ([`html::Head::site_urls`]), of its
/// `og:site_name` or publisher as written (no known brand), else the brand named most in the
/// page's own chrome.
fn source(
    blocks: &[Block],
    head: Option<&html::Head>,
    rules: &Rules,
    opts: &Options,
) -> Option<String> {
    let from_url = |u: Option<&str>| u.and_then(|u| metadata::source_from_url(u, rules));
    let site_name = head
        .and_then(|h| h.site_name.as_deref())
        .and_then(|n| metadata::source_from_chrome(std::iter::once(n), rules));
    // A site we have no entry for still names itself in og:site_name.
    let raw_site_name = head
        .and_then(|h| h.site_name.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty() && n.chars().count() <= 40)
        .map(str::to_string);
    let publisher = head
        .and_then(|h| h.publisher.as_deref())
        .and_then(|n| metadata::source_from_chrome(std::iter::once(n), rules));
    let raw_publisher = head
        .and_then(|h| h.publisher.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty() && n.chars().count() <= 40)
        .map(str::to_string);
    opts.source
        .clone()
        .or_else(|| from_url(opts.url.as_deref()))
        .or_else(|| from_url(head.and_then(|h| h.url.as_deref())))
        .or(site_name)
        .or(publisher)
        .or_else(|| {
            head.into_iter()
                .flat_map(|h| &h.site_urls)
                .find_map(|u| from_url(Some(u)))
        })
        .or(raw_site_name)
        .or(raw_publisher)
        .or_else(|| metadata::source_from_chrome(chrome_lines(blocks), rules))
}

/// Dropped text that is the site's own chrome: not the title, bylines or related-article titles
/// (which name other things).
fn chrome_lines(blocks: &[Block]) -> impl Iterator<Item = &str> {
    blocks.iter().flat_map(|b| {
        b.drops()
            .filter(|d| {
                !d.rule.starts_with("title")
                    && !d.rule.starts_with("related.")
                    && !matches!(
                        d.rule.as_str(),
                        "meta.byline" | "meta.poster" | "meta.handle"
                    )
            })
            .map(|d| d.text.as_str())
    })
}

/// A known source (rules/sources.toml) or the page's own site name.
fn is_site_name(text: &str, rules: &Rules, sites: &[String]) -> bool {
    rules.sources.iter().any(|s| {
        s.pattern
            .find(text)
            .is_some_and(|m| m.len() * 2 >= text.len())
    }) || is_own_site(text, sites)
}

/// The page's own site name (`og:site_name`, publisher), give or take a section (`Binance` for
/// `Binance Academy`).
fn is_own_site(text: &str, sites: &[String]) -> bool {
    let tk = key(text);
    sites.iter().map(|s| key(s)).any(|sk| {
        let (short, long) = if sk.len() <= tk.len() {
            (&sk, &tk)
        } else {
            (&tk, &sk)
        };
        !short.is_empty() && long.starts_with(short.as_str()) && short.len() * 2 >= long.len()
    })
}

/// `Title | Binance Academy`, `Title_金色财经`, `Title - <og:site_name>` → `Title`, when the
/// suffix is a known source or the page's own site name (repeatedly: `Title | Section | Site`
/// loses only what is a site); `<og:site_name> - Title` → `Title` too.
fn strip_site_suffix(title: &str, rules: &Rules, sites: &[String]) -> String {
    let t = title.trim();
    let mut t = t
        .strip_prefix("**")
        .and_then(|s| s.strip_suffix("**"))
        .unwrap_or(t);
    let is_site = |tail: &str| is_site_name(tail, rules, sites);
    'strip: loop {
        // What sits between a title and the site's name (`rules/text.toml`).
        for sep in &rules.text.title_separators {
            let sep = sep.as_str();
            if let Some((head, tail)) = t.rsplit_once(sep) {
                let tail = tail.trim();
                if !head.trim().is_empty() && is_site(tail) {
                    t = head.trim();
                    continue 'strip;
                }
            }
            // `Chip Weekly - Title`: only the page's own name, a known brand may be the subject.
            if let Some((head, tail)) = t.split_once(sep)
                && !tail.trim().is_empty()
                && is_own_site(head, sites)
            {
                t = tail.trim();
                continue 'strip;
            }
        }
        return t.to_string();
    }
}

/// The content words of a title, for asking whether two titles speak of the same thing:
/// Latin words of four letters or more (`and`, `the`, `der` say nothing), lower case, and
/// each pair of neighbouring CJK characters.
fn words_of(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).flat_map(|w| {
        let chars: Vec<char> = w.nfkc().flat_map(char::to_lowercase).collect();
        if chars.iter().any(|&c| crate::slug::is_cjk(c)) {
            chars
                .windows(2)
                .map(|p| p.iter().collect())
                .collect::<Vec<String>>()
        } else if chars.len() >= 4 {
            vec![chars.into_iter().collect()]
        } else {
            Vec::new()
        }
    })
}

/// `Headline – Some Site` → `Headline`: the part before the last separator, when it has three
/// words or more (or six CJK characters) and what follows is short (a name, not half a title).
fn cut_last_part(title: &str, rules: &Rules) -> String {
    let last = rules
        .text
        .title_separators
        .iter()
        .filter(|sep| sep.starts_with(' ') || !sep.is_ascii())
        .filter_map(|sep| title.rfind(sep.as_str()).map(|i| (i, sep.len())))
        .max_by_key(|&(i, _)| i);
    if let Some((i, len)) = last {
        let (head, tail) = (title[..i].trim(), title[i + len..].trim());
        if units(head) >= 6 && units(tail) <= 10 && units(tail) < units(head) {
            return head.to_string();
        }
    }
    title.to_string()
}

fn title_shaped(rules: &Rules, text: &str) -> bool {
    let (m, c) = (&rules.text.blocks, &rules.bylines.captions);
    let u = units(text);
    // Letters, not a ticker (`BTC/USDT 67,123.4 +2.31%`).
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let digits = text.chars().filter(char::is_ascii_digit).count();
    (6..=120).contains(&u)
        && letters >= 4
        && digits * 2 <= letters
        && !last_mark(m, text).is_some_and(|c| m.title_end.contains(&c))
        && inner_sentences(m, text) <= 1
        && headings::caption(c, text).is_none()
        && blocks::bullet_text(m, text).is_none()
}

/// The title: a substantial line the page repeats (headline + image alt), else the first
/// substantial line above the first paragraph, preferring one followed by a date or byline.
fn find_title(blocks: &[Block], hits: &[Option<Hit>], rules: &Rules) -> Option<usize> {
    // A headline stands over text: the last line of a page is none (a page of one line keeps
    // it as its body).
    let last_text = (0..blocks.len()).rev().find(|&i| !whole_hit(hits[i]));
    let candidate = |i: usize| -> bool {
        let t = &blocks[i].text;
        last_text.is_some_and(|l| i < l)
            && !whole_hit(hits[i])
            && title_shaped(rules, t)
            && !metadata::is_handle(t)
            && !metadata::is_dateline(t, rules)
            && !metadata::is_relative_date_line(t, &rules.dates)
            && metadata::parse_byline(t, rules).is_none()
    };
    let first_prose = blocks
        .iter()
        .enumerate()
        .position(|(i, b)| !whole_hit(hits[i]) && is_prose(&rules.text.blocks, &b.text))
        .unwrap_or(blocks.len());
    let mut counts: HashMap<String, usize> = HashMap::new();
    for b in blocks {
        *counts.entry(key(&b.text)).or_default() += 1;
    }
    let repeated: Vec<usize> = (0..blocks.len())
        .filter(|&i| candidate(i) && counts[&key(&blocks[i].text)] >= 2)
        .collect();
    let followed_by_meta = |i: usize| {
        blocks[i + 1..blocks.len().min(i + 6)].iter().any(|b| {
            metadata::is_dateline(&b.text, rules)
                || metadata::is_relative_date_line(&b.text, &rules.dates)
                || metadata::parse_byline(&b.text, rules).is_some()
        })
    };
    // A headline is followed by its date or byline, and repeated soon after as the image alt;
    // a ticker or menu line repeated in the chrome is neither.
    let repeat_soon = |i: usize| {
        let k = key(&blocks[i].text);
        blocks[i + 1..blocks.len().min(i + 12)]
            .iter()
            .any(|b| key(&b.text) == k)
    };
    if let Some(&i) = repeated
        .iter()
        .filter(|&&i| i < first_prose)
        .max_by_key(|&&i| {
            (
                usize::from(followed_by_meta(i)) + usize::from(repeat_soon(i)),
                std::cmp::Reverse(i),
            )
        })
    {
        return Some(i);
    }
    let before: Vec<usize> = (0..first_prose.min(blocks.len()))
        .filter(|&i| candidate(i))
        .collect();
    before
        .iter()
        .copied()
        .find(|&i| followed_by_meta(i))
        .or_else(|| before.first().copied())
        .or_else(|| repeated.first().copied())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::model::Role;

    #[test]
    fn a_small_page() {
        let page = "复制成功\n\n分享至\n\n主页 > 科技 >\n\n大模型公司再获融资，估值翻倍\n\n2024.02.21\n\n作者 | 陈拾\n编辑 | 许言\n\n大模型公司再获融资，估值翻倍\n\n图片来源:由无界 AI工具生成\n\n国内大模型赛道又迎来一笔大额融资。\n\n01巨头为何抢着站队\n\n过去一年，巨头几乎把头部大模型公司投了个遍。\n\n免责声明:本文不构成任何投资建议。\n\n相关推荐\n\n什么是零知识证明?一文读懂ZK技术\n\nindustry-frontier\n";
        let rules = Rules::defaults().unwrap();
        let a = analyze(page, &rules, &Options::default());
        assert_eq!(
            a.meta.title.as_deref(),
            Some("大模型公司再获融资，估值翻倍")
        );
        assert_eq!(a.meta.date.unwrap().ymd(), "2024-02-21");
        assert_eq!(a.meta.byline.authors, ["陈拾"]);
        assert_eq!(a.meta.byline.editors, ["许言"]);
        assert_eq!(a.meta.language, "zh");
        let kept: Vec<_> = a.kept().collect();
        assert_eq!(
            kept,
            [
                (Role::Paragraph, "国内大模型赛道又迎来一笔大额融资。"),
                (Role::Heading, "巨头为何抢着站队"),
                (
                    Role::Paragraph,
                    "过去一年，巨头几乎把头部大模型公司投了个遍。"
                ),
            ]
        );
        assert!(a.drops().all(|(_, d)| !d.rule.is_empty()));
    }

    #[test]
    fn site_suffix_is_stripped_from_a_title() {
        let rules = Rules::defaults().unwrap();
        assert_eq!(
            strip_site_suffix("苹果AI入华_金色财经", &rules, &[]),
            "苹果AI入华"
        );
        assert_eq!(
            strip_site_suffix("Can GPUs Help? | Binance Academy", &rules, &[]),
            "Can GPUs Help?"
        );
        assert_eq!(strip_site_suffix("A - B", &rules, &[]), "A - B");
        let sites = ["Chip Weekly".to_string()];
        assert_eq!(
            strip_site_suffix("Chips Are Back – Chip Weekly", &rules, &sites),
            "Chips Are Back"
        );
        assert_eq!(
            strip_site_suffix("Chips Are Back _ Analysis | Chip Weekly", &rules, &sites),
            "Chips Are Back _ Analysis"
        );
    }
}

#[cfg(test)]
mod html_tests {
    use super::*;

    #[test]
    fn an_html_page_without_h1_finds_its_title_from_the_head() {
        let page = r#"<html lang="en"><head><title>Chips Are Back - Some Unknown Blog</title></head>
            <body><div>Home</div><div class="t">Chips Are Back</div><div>By Ann Lee</div>
            <p>Chipmakers reported strong quarterly results on Tuesday, lifted by demand for AI servers.</p>
            <p>Analysts expect the trend to continue into next year as more data centers come online.</p>
            </body></html>"#;
        let rules = Rules::defaults().unwrap();
        let a = analyze_html(page, &rules, &Options::default());
        assert_eq!(a.meta.title.as_deref(), Some("Chips Are Back"));
        assert_eq!(a.meta.byline.authors, ["Ann Lee"]);
        assert_eq!(a.meta.language, "en");
        assert_eq!(a.kept().count(), 2);
    }
}

#[cfg(test)]
mod head_tests {
    use super::*;

    const BODY: &str = "<p>Chipmakers reported strong quarterly results on Tuesday, lifted by demand for AI servers.</p>
        <p>Analysts expect the trend to continue into next year as more data centers come online.</p>";

    #[test]
    fn the_head_fills_what_the_body_does_not_say() {
        let page = format!(
            r#"<html><head><title>Chips Are Back – Chip Weekly</title>
            <meta property="og:site_name" content="Chip Weekly">
            <meta property="og:locale" content="en_GB">
            <meta name="description" content="Strong results.">
            <link rel="canonical" href="https://chipweekly.example/2024/chips">
            <meta property="og:image" content="/img/chips.jpg">
            <script type="application/ld+json">{{"@type":"NewsArticle","datePublished":"2024-02-27",
              "author":[{{"@type":"Organization","name":"Chip Weekly"}},{{"@type":"Person","name":"Chip Weekly"}}],
              "editor":{{"@type":"Person","name":"Cara Diaz"}}}}</script></head>
            <body><p class="byline">Von Anna Schmidt</p>{BODY}</body></html>"#
        );
        let rules = Rules::defaults().unwrap();
        let a = analyze_html(&page, &rules, &Options::default());
        assert_eq!(a.meta.title.as_deref(), Some("Chips Are Back"));
        assert_eq!(a.meta.date.unwrap().ymd(), "2024-02-27");
        // The site is no author; the byline element is.
        assert_eq!(a.meta.byline.authors, ["Anna Schmidt"]);
        assert_eq!(a.meta.byline.editors, ["Cara Diaz"]);
        assert_eq!(a.meta.source.as_deref(), Some("Chip Weekly"));
        assert_eq!(
            a.meta.source_url.as_deref(),
            Some("https://chipweekly.example/2024/chips")
        );
        assert_eq!(a.meta.language, "en");
        assert_eq!(a.meta.description.as_deref(), Some("Strong results."));
        assert_eq!(
            a.meta.cover_image.as_deref(),
            Some("https://chipweekly.example/img/chips.jpg")
        );
        // `--url` still wins for the source URL.
        let opts = Options {
            url: Some("https://mirror.example/chips".into()),
            ..Options::default()
        };
        let a = analyze_html(&page, &rules, &opts);
        assert_eq!(
            a.meta.source_url.as_deref(),
            Some("https://mirror.example/chips")
        );
    }

    #[test]
    fn a_site_name_before_the_title_is_no_title() {
        let page = format!(
            r#"<html lang="en"><head><title>Chip Weekly - Chips Are Back</title>
            <meta property="og:site_name" content="Chip Weekly"></head>
            <body><h1 class="logo">Chip Weekly</h1><div>Chips Are Back</div>{BODY}</body></html>"#
        );
        let rules = Rules::defaults().unwrap();
        let a = analyze_html(&page, &rules, &Options::default());
        assert_eq!(a.meta.title.as_deref(), Some("Chips Are Back"));
        let kept: Vec<&str> = a.kept().map(|(_, t)| t).collect();
        assert!(!kept.contains(&"Chips Are Back"), "{kept:?}");
    }

    #[test]
    fn structured_authors_beat_the_text_byline_and_editors_never_stay_authors() {
        let page = format!(
            r#"<html lang="en"><head><meta name="author" content="Ann Lee">
            <script type="application/ld+json">{{"@type":"Article","editor":"Bo Chen"}}</script></head>
            <body><h1>Chips Are Back</h1><p>By Bo Chen and Ann Lee</p>{BODY}</body></html>"#
        );
        let rules = Rules::defaults().unwrap();
        let a = analyze_html(&page, &rules, &Options::default());
        assert_eq!(a.meta.byline.authors, ["Ann Lee"]);
        assert_eq!(a.meta.byline.editors, ["Bo Chen"]);
        assert_eq!(a.meta.description, None);
        assert_eq!(a.meta.cover_image, None);
    }
}

#[cfg(test)]
mod h1_tests {
    use super::*;

    #[test]
    fn a_logo_h1_is_not_the_title() {
        let page = r#"<html><head><title>英伟达发布新一代芯片 - 某某财经</title></head><body>
            <h1 class="logo">某某财经</h1><nav>首页 快讯</nav>
            <article><h1>英伟达发布新一代芯片</h1><p>作者：李四</p>
            <p>英伟达周一发布了新一代数据中心芯片，性能较上一代提升显著。</p></article></body></html>"#;
        let rules = Rules::defaults().unwrap();
        let a = analyze_html(page, &rules, &Options::default());
        assert_eq!(a.meta.title.as_deref(), Some("英伟达发布新一代芯片"));
        assert_eq!(a.meta.byline.authors, ["李四"]);
        assert_eq!(a.meta.language, "zh");
    }
}

#[cfg(test)]
mod body_tests {
    use super::*;
    use crate::convert::model::Role;

    #[test]
    fn the_lines_under_the_h1_are_read_as_byline_and_date() {
        let page = r#"<html><body><h1 class="logo">Site</h1><div class="main"><div class="article">
            <h1>苹果AI入华寻找搭档</h1><div class="info"><span>作者:陈默</span>
            <span class="time">2024-06-13 09:41</span><script>var x = 1;</script></div>
            <p>6月10日，苹果在年度开发者大会上正式发布了Apple Intelligence，把生成式AI能力嵌入iPhone、iPad和Mac的系统层面，这一段足够长。</p>
            <p>作者:不是这里</p></div></div></body></html>"#;
        let rules = Rules::defaults().unwrap();
        let a = analyze_html(page, &rules, &Options::default());
        // The byline under the headline comes first (a short 作者: line in the body counts too,
        // as in text scrapes).
        assert_eq!(
            a.meta.byline.authors.first().map(String::as_str),
            Some("陈默")
        );
        assert_eq!(
            a.meta
                .date
                .map(|d| d.to_string())
                .as_deref()
                .map(|d| &d[..10]),
            Some("2024-06-13")
        );
        assert!(a.kept().all(|(_, t)| !t.contains("var x")));
    }

    #[test]
    fn ranked_html_headings_keep_their_numbers_and_cjk_section_numbers_go() {
        let para = "The band recorded the album in three weeks, and it still sounds fresh today. ";
        let page = format!(
            r#"<html lang="en"><head><title>The 100 best singers</title></head><body><article>
            <h1>The 100 best singers</h1><p>{p}{p}</p><h2>100. Ray Gillen</h2><p>{p}{p}</p>
            <h2>一、管制之下</h2><p>{p}{p}</p></article></body></html>"#,
            p = para
        );
        let rules = Rules::defaults().unwrap();
        let a = analyze_html(&page, &rules, &Options::default());
        let headings: Vec<&str> = a
            .kept()
            .filter(|(r, _)| *r == Role::Heading)
            .map(|(_, t)| t)
            .collect();
        assert_eq!(headings, ["100. Ray Gillen", "管制之下"]);
    }

    #[test]
    fn a_related_list_in_the_middle_of_the_body_goes_with_its_titles() {
        let page = "某财经\n\n芯片出口新规落地，英伟达再推特供版\n\n作者：王五\n\n2024-01-05\n\n美国商务部发布新规，进一步收紧对华先进芯片出口。\n\n推荐阅读\n\n1、比特币跌破4万美元\n\n2、以太坊升级推迟\n\n英伟达随后表示，将推出符合新规的特供版芯片。\n\n分析人士认为，新规对国内大模型公司的影响仍需观察。\n";
        let rules = Rules::defaults().unwrap();
        let a = analyze(page, &rules, &Options::default());
        let kept: Vec<&str> = a.kept().map(|(_, t)| t).collect();
        assert_eq!(
            kept,
            [
                "美国商务部发布新规，进一步收紧对华先进芯片出口。",
                "英伟达随后表示，将推出符合新规的特供版芯片。",
                "分析人士认为，新规对国内大模型公司的影响仍需观察。",
            ]
        );
        assert_eq!(a.meta.byline.authors, ["王五"]);
        assert_eq!(a.meta.date.unwrap().ymd(), "2024-01-05");
    }

    /// A page whose points are marked `➤`, and a site file that says `➤` opens a list item.
    #[test]
    fn a_site_text_file_adds_a_bullet_mark() {
        let page = "Chips are back in fashion\n\nBy Priya Raman\n\nThe chip makers reported strong results this quarter, and the outlook is bright.\n\n➤ Demand for accelerators keeps rising\n➤ Memory prices recovered in the spring\n\nAnalysts expect the trend to continue well into next year, as orders keep coming.\n";
        let items = |rules: &Rules| -> Vec<String> {
            analyze(page, rules, &Options::default())
                .kept()
                .filter(|(r, _)| *r == Role::ListItem)
                .map(|(_, t)| t.to_string())
                .collect()
        };
        assert!(items(&Rules::defaults().unwrap()).is_empty());
        let mut layers = crate::rules::Layers::embedded();
        layers.push(
            "text.toml",
            "site/rules/text.toml",
            "[blocks]\nbullet = \"•·▪●◦‣-*–∙■□➤\"\n",
        );
        let site = Rules::from_layers(&layers).unwrap();
        assert_eq!(
            items(&site),
            [
                "➤ Demand for accelerators keeps rising",
                "➤ Memory prices recovered in the spring"
            ]
        );
        let md = crate::convert::write::body(
            &analyze(page, &site, &Options::default()),
            crate::convert::write::Style {
                keep_punctuation: false,
                punctuation: &site.text,
                house: &[],
            },
        );
        assert!(
            md.contains("- Demand for accelerators keeps rising\n- Memory prices"),
            "{md}"
        );
    }
}
