//! Tagging: which companies and topics an article is about, from the curated vocabulary in
//! `rules/companies.toml` and `rules/topics.toml` (issue 4).
//!
//! ```text
//! Document { title, kept blocks with their part, source } ─matcher─▶ hits per block
//!   ─guards, zone weights, thresholds─▶ Tags { companies (canonical names, best first), topics }
//! ```
//!
//! Input is only what the boilerplate stage kept (`convert`) or the Markdown body (`newsroom
//! tag`): a disclaimer or promo never gets here, so an exchange named only there is never
//! tagged. Credit lines (`图片来源：X`, `Image: X`) do not count, and the site the article was
//! scraped from needs more evidence than other companies (it names itself in credits).
//! No tera, no I/O besides loading the rule files (`vocab`).

mod hans;
pub mod markdown;
pub mod matcher;
pub mod retag;
pub mod vocab;

use matcher::{Folded, Target};
pub use vocab::{Company, TermMeta, Topic, Vocabulary};

/// What kind of text a block is; decides its weight with its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Title,
    Heading,
    Paragraph,
    Caption,
    ListItem,
}

/// The text to tag.
#[derive(Debug, Clone, Default)]
pub struct Document<'a> {
    pub parts: Vec<(Part, &'a str)>,
    /// The site the article was scraped from (`extra.source`).
    pub source: Option<&'a str>,
}

/// The result: canonical company names best first, topic display names best first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags {
    pub companies: Vec<String>,
    pub topics: Vec<String>,
}

/// The lead: the first paragraphs, up to this many characters (at least one paragraph).
const LEAD_CHARS: usize = 160;

/// Byte ranges of the folded text that are credits.
fn credit_ranges(text: &str, markers: &[String]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for m in markers {
        let mut from = 0;
        while let Some(i) = text[from..].find(m) {
            let start = from + i;
            let end = text[start..]
                .find(['|', '｜'])
                .map_or(text.len(), |j| start + j);
            out.push((start, end));
            from = start + m.len();
        }
    }
    out
}

/// Tags one document.
pub fn tag(doc: &Document<'_>, vocab: &Vocabulary) -> Tags {
    score(doc, vocab).tags
}

/// Every company and topic with a score above zero, best first, marked `+` when tagged, with
/// the settings' thresholds: why a tag was (not) given (`newsroom tag --explain`).
pub fn explain(doc: &Document<'_>, vocab: &Vocabulary) -> Vec<String> {
    let s = score(doc, vocab);
    let mut out = Vec::new();
    let lists = [
        (
            "company",
            &s.companies,
            vocab.company_settings.min_score,
            &s.tags.companies,
        ),
        (
            "topic",
            &s.topics,
            vocab.topic_settings.min_score,
            &s.tags.topics,
        ),
    ];
    for (kind, scores, min, tagged) in lists {
        let mut v: Vec<&(String, f64)> = scores.iter().filter(|(_, x)| *x > 0.0).collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        for (name, x) in v {
            let mark = if tagged.contains(name) { '+' } else { ' ' };
            out.push(format!("{mark} {kind} {name}: {x:.1} (min {min})"));
        }
    }
    out
}

/// Scores by display name and the tags they give.
struct Scores {
    companies: Vec<(String, f64)>,
    topics: Vec<(String, f64)>,
    tags: Tags,
}

/// What the matcher found, before guards and thresholds.
struct Evidence {
    /// Per company: score of mentions that count on their own, and how many.
    firm: Vec<f64>,
    firm_count: Vec<usize>,
    /// Per company: guarded mentions (weight, other mentions needed).
    guarded: Vec<Vec<(f64, usize)>>,
    /// Per company: folded position of its first mention.
    first: Vec<usize>,
    /// Per topic and keyword: (keyword weight, weighted occurrences).
    keyword_hits: Vec<std::collections::BTreeMap<usize, (f64, f64)>>,
}

fn score(doc: &Document<'_>, vocab: &Vocabulary) -> Scores {
    let ev = gather(doc, vocab);
    let (scores, ranked) = rank_companies(&ev, doc, vocab);
    let (topic_scores, topics) = rank_topics(&ev, &ranked, vocab);
    let names = |v: &[usize], f: &dyn Fn(usize) -> String| v.iter().map(|&i| f(i)).collect();
    let tags = Tags {
        companies: names(&ranked, &|i| vocab.companies[i].name.clone()),
        topics: names(&topics, &|i| vocab.topics[i].name.clone()),
    };
    Scores {
        companies: (0..scores.len())
            .map(|i| (vocab.companies[i].name.clone(), scores[i]))
            .collect(),
        topics: (0..topic_scores.len())
            .map(|i| (vocab.topics[i].name.clone(), topic_scores[i]))
            .collect(),
        tags,
    }
}

/// The weight of a block's zone: its part, and for a paragraph whether it is in the lead.
fn zone_weight(z: &vocab::Zones, part: Part, lead: bool) -> f64 {
    match part {
        Part::Title => z.title,
        Part::Heading => z.heading,
        Part::Caption => z.caption,
        Part::Paragraph if lead => z.lead,
        Part::Paragraph | Part::ListItem => z.body,
    }
}

/// Every mention outside credits, weighted by its zone.
fn gather(doc: &Document<'_>, vocab: &Vocabulary) -> Evidence {
    let cs = &vocab.company_settings;
    let (cz, tz) = (cs.zones(), vocab.topic_settings.zones());
    let n = vocab.companies.len();
    let mut ev = Evidence {
        firm: vec![0.0f64; n],
        firm_count: vec![0usize; n],
        guarded: vec![Vec::new(); n],
        first: vec![usize::MAX; n],
        keyword_hits: vec![Default::default(); vocab.topics.len()],
    };
    let mut lead_chars = 0;
    let mut position = 0usize;
    for &(part, text) in &doc.parts {
        let lead = part == Part::Paragraph && lead_chars < LEAD_CHARS;
        if part == Part::Paragraph {
            lead_chars += text.chars().count();
        }
        let folded = Folded::new(text);
        let credits = credit_ranges(&folded.text, &vocab.credit_markers);
        for hit in vocab.matcher.find(&folded) {
            if credits
                .iter()
                .any(|&(s, e)| hit.start >= s && hit.start < e)
            {
                continue;
            }
            match hit.target {
                Target::Company { index, product, .. } => {
                    let w = zone_weight(&cz, part, lead) * if *product { cs.product } else { 1.0 };
                    if hit.needs == 0 {
                        ev.firm[*index] += w;
                        ev.firm_count[*index] += 1;
                    } else {
                        ev.guarded[*index].push((w, hit.needs));
                    }
                    ev.first[*index] = ev.first[*index].min(position + hit.start);
                }
                Target::Topic { index, weight } => {
                    let e = ev.keyword_hits[*index]
                        .entry(hit.pattern)
                        .or_insert((*weight, 0.0));
                    e.1 += zone_weight(&tz, part, lead);
                }
            }
        }
        position += folded.text.len() + 1;
    }
    ev
}

/// Company scores (guarded mentions count once the company has enough other mentions) and
/// the tagged companies, best first.
fn rank_companies(ev: &Evidence, doc: &Document<'_>, vocab: &Vocabulary) -> (Vec<f64>, Vec<usize>) {
    let cs = &vocab.company_settings;
    let n = vocab.companies.len();
    let source_companies = doc
        .source
        .map(|s| source_companies(s, vocab))
        .unwrap_or_default();
    let scores: Vec<f64> = (0..n)
        .map(|i| {
            ev.firm[i]
                + ev.guarded[i]
                    .iter()
                    .filter(|(_, needs)| ev.firm_count[i] >= *needs)
                    .map(|(w, _)| w)
                    .sum::<f64>()
        })
        .collect();
    let best = scores.iter().copied().fold(0.0, f64::max);
    let mut ranked: Vec<usize> = (0..n)
        .filter(|&i| {
            let factor = if source_companies.contains(&i) {
                cs.source_factor
            } else {
                1.0
            };
            scores[i] >= cs.min_score * factor && scores[i] >= cs.min_share * best
        })
        .collect();
    ranked.sort_by(|&a, &b| {
        scores[b]
            .total_cmp(&scores[a])
            .then(ev.first[a].cmp(&ev.first[b]))
    });
    ranked.truncate(cs.max);
    (scores, ranked)
}

/// Topic scores (capped keyword evidence plus what the tagged companies lend) and the tagged
/// topics, best first.
fn rank_topics(ev: &Evidence, ranked: &[usize], vocab: &Vocabulary) -> (Vec<f64>, Vec<usize>) {
    let ts = &vocab.topic_settings;
    let mut topic_scores: Vec<f64> = ev
        .keyword_hits
        .iter()
        .map(|k| k.values().map(|(w, occ)| w * occ.min(ts.keyword_cap)).sum())
        .collect();
    for &c in ranked {
        for &t in &vocab.companies[c].topics {
            topic_scores[t] += ts.company;
        }
    }
    let best = topic_scores.iter().copied().fold(0.0, f64::max);
    let mut topics: Vec<usize> = (0..topic_scores.len())
        .filter(|&t| topic_scores[t] >= ts.min_score && topic_scores[t] >= ts.min_share * best)
        .collect();
    topics.sort_by(|&a, &b| topic_scores[b].total_cmp(&topic_scores[a]).then(a.cmp(&b)));
    topics.truncate(ts.max);
    (topic_scores, topics)
}

/// The companies a source brand names (`Binance Square` → Binance, `OKX` → OKX).
fn source_companies(source: &str, vocab: &Vocabulary) -> Vec<usize> {
    let f = Folded::new(source);
    vocab
        .matcher
        .find(&f)
        .iter()
        .filter_map(|h| match h.target {
            Target::Company { index, .. } => Some(*index),
            Target::Topic { .. } => None,
        })
        .collect()
}

/// Adds pinned tags in front of computed ones and removes excluded ones (names compared without
/// regard to case), keeping the order and dropping duplicates.
pub fn apply_pins(computed: &[String], pinned: &[String], excluded: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in pinned.iter().chain(computed) {
        let dup = out.iter().any(|o| o.eq_ignore_ascii_case(t));
        let ex = excluded.iter().any(|e| e.eq_ignore_ascii_case(t))
            && !pinned.iter().any(|p| p.eq_ignore_ascii_case(t));
        if !dup && !ex {
            out.push(t.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests;
