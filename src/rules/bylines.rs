//! `rules/bylines.toml` compiled: byline labels → roles, and the words that tell an outlet, an
//! image library, a name particle, a follow button and a credit marker. How a byline line is
//! read (the punctuation around labels, splitting names) stays in `convert::metadata`.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use regex::Regex;
use serde::Deserialize;

use super::layers::Layers;
use crate::pattern::alternation;

/// What a byline label says about the names after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BylineRole {
    Author,
    Editor,
    Translator,
    Reviewer,
    /// An outlet credited as the source (`extra.credits`).
    Credit,
    /// A byline label whose names are not recorded (layout, design, photography).
    Other,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBylines {
    #[serde(default)]
    zh_labels: BTreeMap<String, BylineRole>,
    #[serde(default)]
    en_labels: BTreeMap<String, BylineRole>,
    #[serde(default)]
    words: RawWords,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWords {
    #[serde(default)]
    stock_photo: Vec<String>,
    #[serde(default)]
    outlet_words_zh: Vec<String>,
    #[serde(default)]
    outlet_endings_zh: Vec<String>,
    #[serde(default)]
    outlet_words_en: Vec<String>,
    #[serde(default)]
    org_prefixes: Vec<String>,
    #[serde(default)]
    org_suffixes: Vec<String>,
    #[serde(default)]
    name_particles: Vec<String>,
    #[serde(default)]
    follow_buttons: Vec<String>,
    #[serde(default)]
    credit_markers: Vec<String>,
    #[serde(default)]
    name_separators: Vec<String>,
    #[serde(default)]
    name_separators_zh: Vec<String>,
    #[serde(default)]
    name_joiners_zh: Vec<String>,
    #[serde(default)]
    name_joiners_en: Vec<String>,
    #[serde(default)]
    counter_labels: Vec<String>,
    #[serde(default)]
    counter_units: Vec<String>,
    #[serde(default)]
    reading_time: Vec<String>,
    #[serde(default)]
    caption_labels: Vec<String>,
    #[serde(default)]
    caption_credits: Vec<String>,
    #[serde(default)]
    caption_sentence_credits: Vec<String>,
    #[serde(default)]
    caption_paren_credits: Vec<String>,
    #[serde(default)]
    caption_agencies: Vec<String>,
    #[serde(default)]
    account_words: Vec<String>,
    #[serde(default)]
    credentials: Vec<String>,
    #[serde(default)]
    name_ends_en: Vec<String>,
    #[serde(default)]
    name_trim: Vec<String>,
    #[serde(default)]
    date_separators: Vec<String>,
    #[serde(default)]
    name_prefixes_zh: Vec<String>,
}

impl RawWords {
    /// A later file's words are added to the earlier lists.
    fn extend(&mut self, other: RawWords) {
        let pairs = [
            (&mut self.stock_photo, other.stock_photo),
            (&mut self.outlet_words_zh, other.outlet_words_zh),
            (&mut self.outlet_endings_zh, other.outlet_endings_zh),
            (&mut self.outlet_words_en, other.outlet_words_en),
            (&mut self.org_prefixes, other.org_prefixes),
            (&mut self.org_suffixes, other.org_suffixes),
            (&mut self.name_particles, other.name_particles),
            (&mut self.follow_buttons, other.follow_buttons),
            (&mut self.credit_markers, other.credit_markers),
            (&mut self.name_separators, other.name_separators),
            (&mut self.name_separators_zh, other.name_separators_zh),
            (&mut self.name_joiners_zh, other.name_joiners_zh),
            (&mut self.name_joiners_en, other.name_joiners_en),
            (&mut self.counter_labels, other.counter_labels),
            (&mut self.counter_units, other.counter_units),
            (&mut self.reading_time, other.reading_time),
            (&mut self.caption_labels, other.caption_labels),
            (&mut self.caption_credits, other.caption_credits),
            (
                &mut self.caption_sentence_credits,
                other.caption_sentence_credits,
            ),
            (&mut self.caption_paren_credits, other.caption_paren_credits),
            (&mut self.caption_agencies, other.caption_agencies),
            (&mut self.account_words, other.account_words),
            (&mut self.credentials, other.credentials),
            (&mut self.name_ends_en, other.name_ends_en),
            (&mut self.name_trim, other.name_trim),
            (&mut self.date_separators, other.date_separators),
            (&mut self.name_prefixes_zh, other.name_prefixes_zh),
        ];
        for (dst, src) in pairs {
            for w in src {
                if !dst.contains(&w) {
                    dst.push(w);
                }
            }
        }
    }
}

/// Compiled `rules/bylines.toml`.
#[derive(Debug, Clone)]
pub struct Bylines {
    /// A Chinese label with what precedes and follows it; the label is group `label`.
    pub zh_label: Regex,
    /// An English label (any case) with what precedes and follows it; group `label`.
    pub en_label: Regex,
    zh_roles: BTreeMap<String, BylineRole>,
    /// Keys in lower case.
    en_roles: BTreeMap<String, BylineRole>,
    /// Matches a whole (trimmed) image-library name.
    pub stock_photo: Regex,
    /// A media word in a name.
    pub media: Regex,
    /// An organisation's prefix or suffix.
    pub org: Regex,
    pub name_particles: Vec<String>,
    /// Lower case.
    pub follow_buttons: Vec<String>,
    /// Lower case, folded.
    pub credit_markers: Vec<String>,
    /// Splits a Chinese byline value into names (separators, joiners, runs of space).
    pub name_split_zh: Regex,
    /// Splits any other byline value into names.
    pub name_split_en: Regex,
    /// A view counter or reading time on a byline or date line (`阅读 12,368`, `6 min read`).
    pub counters: Regex,
    /// Image captions with their credit.
    pub captions: Captions,
    /// A structured author that is a newsroom account, not a person (`Staff`, `Editorial team`).
    pub accounts: Regex,
    /// A degree or title after a name, split off by its comma (`Brenda Goodman, MA`): no name.
    pub credentials: Regex,
    /// Where the names of an English byline end (`Written by X • July 14`).
    pub name_ends_en: Vec<String>,
    /// Marks trimmed from both ends of a byline value.
    pub name_trim: Vec<char>,
    /// Separators left at the end of a line once its dates and counters are cut.
    pub date_separators: Vec<char>,
    /// What stands before a Chinese name without being one (`本报记者 李华`), longest first.
    pub name_prefixes_zh: Vec<String>,
}

/// The forms of an image caption and its credit; each has groups `c` (the caption) and
/// `credit`.
#[derive(Debug, Clone)]
pub struct Captions {
    /// `图片：说明` (a label, then the caption).
    pub labelled: Regex,
    /// `A whole sentence. Source: X`.
    pub after_sentence: Regex,
    /// `说明 | 图片来源:X`, `Caption - Photo: X`.
    pub separated: Regex,
    /// `说明（图片来源：X）`, `Caption (Reuters)`.
    pub paren: Regex,
}

fn captions(w: &RawWords) -> Result<Captions> {
    let labelled = format!(
        r"^(?P<credit>{}\s*[:：])\s*(?P<c>\S.{{5,80}})$",
        alternation(&w.caption_labels, "{}")
    );
    let after_sentence = format!(
        r"(?i)^(?P<c>.+?[.。!?！？])\s*(?P<credit>{}\s*[:：].{{1,60}})$",
        alternation(&w.caption_sentence_credits, "{}")
    );
    let separated = format!(
        r"(?i)^(?P<c>.+?)\s*(?:[|｜丨]|\s[-–—]\s)\s*(?P<credit>{}\s*[:：].{{1,80}})$",
        alternation(&w.caption_credits, "{}")
    );
    let paren = format!(
        r"(?i)^(?P<c>.+?)\s*(?P<credit>[(（](?:{}\s*[:：].{{1,60}}|[^()（）]{{0,40}}{})[)）])$",
        alternation(&w.caption_paren_credits, "{}"),
        alternation(&w.caption_agencies, "{}"),
    );
    Ok(Captions {
        labelled: regex(&labelled, "caption_labels")?,
        after_sentence: regex(&after_sentence, "caption_sentence_credits")?,
        separated: regex(&separated, "caption_credits")?,
        paren: regex(&paren, "caption_paren_credits")?,
    })
}

/// Counters and reading times: a label before a number (`阅读 1.8万`), a number of minutes
/// before a reading-time phrase (`6 min read`), a number before a unit (`1.2k views`). A space
/// in a phrase stands for any run of white space (none included).
fn counters(w: &RawWords) -> Result<Regex> {
    let spaced = |alt: String| alt.replace(' ', r"\s*");
    let src = format!(
        r"(?i)(?:{}\s*[:：]?\s*[\d.,]+\s*[万千kKwW]?\+?|\b\d+\s*(?:-\s*)?{}\b|\b[\d.,]+\s*[km]?\s*{}\b)",
        alternation(&w.counter_labels, "{}"),
        spaced(alternation(&w.reading_time, "{}")),
        alternation(&w.counter_units, "{}"),
    );
    regex(&src, "counters")
}

/// The two name splitters: `(zh, en)`.
fn name_splitters(w: &RawWords) -> Result<(Regex, Regex)> {
    let both = alternation(&w.name_separators, "{}");
    let zh_only = alternation(&w.name_separators_zh, "{}");
    let zh = format!(
        r"\s*(?:{both}|{zh_only}|{}|\s{{2,}}|\s)\s*",
        alternation(&w.name_joiners_zh, r"\s+{}\s+")
    );
    let en = format!(
        r"\s*(?:{both}|{})\s*",
        alternation(&w.name_joiners_en, r"\b{}\b")
    );
    Ok((regex(&zh, "name splitters")?, regex(&en, "name splitters")?))
}

fn regex(src: &str, what: &str) -> Result<Regex> {
    Regex::new(src).with_context(|| format!("rules/bylines.toml: bad {what}"))
}

impl Bylines {
    /// Every layer of `bylines.toml`: a label replaces the same label, words add up.
    pub fn from_layers(layers: &Layers) -> Result<Bylines> {
        let mut raw = RawBylines::default();
        for (_, layer) in layers.parse::<RawBylines>("bylines.toml")? {
            raw.zh_labels.extend(layer.zh_labels);
            raw.en_labels.extend(layer.en_labels);
            raw.words.extend(layer.words);
        }
        let en_roles: BTreeMap<String, BylineRole> = raw
            .en_labels
            .into_iter()
            .map(|(k, v)| (k.to_lowercase(), v))
            .collect();
        let w = &raw.words;
        // `作者：` `作者 |` `【作者】`, or a label of two or more characters then a space; a
        // label at the end is one whose date was cut off (`日期：2019/11/20`). The space after a
        // separator is left to the value: it may be what begins the next label.
        let long_labels: Vec<&String> = raw
            .zh_labels
            .keys()
            .filter(|k| k.chars().count() >= 2)
            .collect();
        let zh_label = format!(
            r"(?:^|[\s|｜丨/，,;；【\[])(?:(?P<label>{})\s*(?:[:：|｜丨/】\]]|\s+丨|$)|(?P<spaced>{})\s+)",
            alternation(raw.zh_labels.keys(), "{}"),
            alternation(long_labels, "{}")
        );
        let en_label = format!(
            r"(?i)(?:^|\s*[|·•]\s*|,\s+|\s+)(?P<label>{})(?:\s*[:：]\s*|\s+)",
            alternation(en_roles.keys(), "{}")
        );
        let media = [
            alternation(&w.outlet_words_zh, "{}"),
            alternation(&w.outlet_endings_zh, "{}$"),
            alternation(&w.outlet_words_en, r"\b{}\b"),
        ];
        let org = format!(
            r"(?:^{}\s|\b{}\.?$)",
            alternation(&w.org_prefixes, "{}"),
            alternation(&w.org_suffixes, "{}")
        );
        let lower = |v: &[String]| v.iter().map(|s| s.to_lowercase()).collect::<Vec<_>>();
        let (name_split_zh, name_split_en) = name_splitters(w)?;
        Ok(Bylines {
            counters: counters(w)?,
            captions: captions(w)?,
            name_ends_en: w.name_ends_en.clone(),
            name_trim: w.name_trim.iter().flat_map(|s| s.chars()).collect(),
            date_separators: w.date_separators.iter().flat_map(|s| s.chars()).collect(),
            name_prefixes_zh: {
                let mut p = w.name_prefixes_zh.clone();
                p.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
                p
            },
            accounts: regex(
                &format!(r"(?i)\b{}\b", alternation(&w.account_words, "{}")),
                "account_words",
            )?,
            credentials: regex(
                &format!(r"(?i)^(?:{})\.?$", alternation(&w.credentials, "{}")),
                "credentials",
            )?,
            name_split_zh,
            name_split_en,
            zh_label: regex(&zh_label, "zh_labels")?,
            en_label: regex(&en_label, "en_labels")?,
            stock_photo: regex(
                &format!("(?i)^{}$", alternation(&w.stock_photo, "{}")),
                "stock_photo",
            )?,
            media: regex(&format!("(?i)(?:{})", media.join("|")), "outlet words")?,
            org: regex(&org, "org words")?,
            name_particles: w.name_particles.clone(),
            follow_buttons: lower(&w.follow_buttons),
            credit_markers: lower(&w.credit_markers),
            zh_roles: raw.zh_labels,
            en_roles,
        })
    }

    /// The role a Chinese label gives.
    pub fn zh_role(&self, label: &str) -> BylineRole {
        self.zh_roles
            .get(label)
            .copied()
            .unwrap_or(BylineRole::Other)
    }

    /// The role an English label gives (any case).
    pub fn en_role(&self, label: &str) -> BylineRole {
        self.en_roles
            .get(&label.to_lowercase())
            .copied()
            .unwrap_or(BylineRole::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_bylines_file_extends_labels_and_words() {
        let mut layers = Layers::embedded();
        layers.push(
            "bylines.toml",
            "site",
            "[zh_labels]\n\"供稿\" = \"credit\"\n\"文\" = \"other\"\n\
             [en_labels]\n\"Story by\" = \"author\"\n\
             [words]\nstock_photo = [\"Dreamstime\"]\nfollow_buttons = [\"Abonnieren\"]\n",
        );
        let b = Bylines::from_layers(&layers).unwrap();
        assert_eq!(b.zh_role("供稿"), BylineRole::Credit);
        assert_eq!(b.zh_role("文"), BylineRole::Other);
        assert_eq!(b.zh_role("作者"), BylineRole::Author);
        assert_eq!(b.en_role("STORY BY"), BylineRole::Author);
        assert!(b.zh_label.is_match("供稿：某某"));
        assert!(b.en_label.is_match("Story by Priya Raman"));
        assert!(b.stock_photo.is_match("dreamstime"));
        assert!(b.stock_photo.is_match("Getty Images"));
        assert!(b.follow_buttons.contains(&"abonnieren".to_string()));
        assert!(b.follow_buttons.contains(&"+ 关注".to_string()));
    }

    #[test]
    fn the_longest_label_wins() {
        let b = Bylines::from_layers(&Layers::embedded()).unwrap();
        let caps = b.zh_label.captures("原文作者：张三").unwrap();
        assert_eq!(&caps["label"], "原文作者");
        assert_eq!(b.en_role("Fact-checked by"), BylineRole::Reviewer);
        assert!(b.media.is_match("金色财经"));
        assert!(b.media.is_match("极客网"));
        assert!(b.org.is_match("Acme Inc."));
        assert!(b.org.is_match("The Block"));
    }
}
