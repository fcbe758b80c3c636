//! The words `convert` reads dates by (`rules/dates.toml` `[read]`): month names, the labels
//! that say a date is the publication or an update, the words a date line may carry besides
//! its date, and relative dates. Compiled once into the regexes `convert::metadata` uses; the
//! numeric forms (`2024-03-05`, `2024年3月5日`, `05/03/2024`) are not words and stay there.

use anyhow::{Context, Result};
use regex::Regex;
use serde::Deserialize;

use super::layers::Layers;
use crate::pattern::alternation;

#[derive(Debug, Default, Deserialize)]
struct DatesFile {
    #[serde(default)]
    read: RawRead,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRead {
    #[serde(default)]
    months: Vec<Vec<String>>,
    #[serde(default)]
    published: Vec<String>,
    #[serde(default)]
    updated: Vec<String>,
    #[serde(default)]
    line_words: Vec<String>,
    #[serde(default)]
    ago_zh: Vec<String>,
    #[serde(default)]
    ago_en: Vec<String>,
    #[serde(default)]
    relative_zh: Vec<String>,
    #[serde(default)]
    relative_en: Vec<String>,
    #[serde(default)]
    month_first_locales: Vec<String>,
}

/// Compiled `[read]` of `rules/dates.toml`.
#[derive(Debug, Clone)]
pub struct DateWords {
    /// `Mar 19, 2024` (groups `mon`, `d`, `y`).
    pub month_first: Regex,
    /// `19 March 2024` (groups `d`, `mon`, `y`).
    pub day_first: Regex,
    /// Lower-case month prefixes, January first.
    months: Vec<Vec<String>>,
    /// A label saying the date is the publication date.
    pub published: Regex,
    /// A label saying the date is an update.
    pub updated: Regex,
    /// What a date line may hold besides its date (labels, weekdays, times, separators).
    pub line_words: Regex,
    /// A relative date (`3小时前`, `2 days ago`, `yesterday`).
    pub relative: Regex,
    /// Language tags (lower case, `-`) whose pages write `08/06/2023` month first.
    month_first_locales: Vec<String>,
}

fn add(dst: &mut Vec<String>, src: Vec<String>) {
    for s in src {
        if !dst.contains(&s) {
            dst.push(s);
        }
    }
}

fn regex(src: &str, what: &str) -> Result<Regex> {
    Regex::new(src).with_context(|| format!("rules/dates.toml: bad [read] {what}"))
}

impl DateWords {
    /// Every layer of `dates.toml`: words add up; a month's names add to the same month's.
    pub fn from_layers(layers: &Layers) -> Result<DateWords> {
        let mut r = RawRead::default();
        for (_, f) in layers.parse::<DatesFile>("dates.toml")? {
            let l = f.read;
            for (i, names) in l.months.into_iter().enumerate() {
                if r.months.len() <= i {
                    r.months.push(Vec::new());
                }
                add(&mut r.months[i], names);
            }
            add(&mut r.published, l.published);
            add(&mut r.updated, l.updated);
            add(&mut r.line_words, l.line_words);
            add(&mut r.ago_zh, l.ago_zh);
            add(&mut r.ago_en, l.ago_en);
            add(&mut r.relative_zh, l.relative_zh);
            add(&mut r.relative_en, l.relative_en);
            add(&mut r.month_first_locales, l.month_first_locales);
        }
        let months: Vec<Vec<String>> = r
            .months
            .iter()
            .map(|m| m.iter().map(|s| s.to_lowercase()).collect())
            .collect();
        let mon = alternation(months.concat(), "{}");
        let month_first = format!(
            r"(?i)\b(?P<mon>{mon})\p{{L}}*\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})\b"
        );
        let day_first = format!(
            r"(?i)\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|\.)?\s+(?:de\s+)?(?P<mon>{mon})\p{{L}}*\.?,?\s+(?:de\s+)?(?P<y>(?:19|20)\d{{2}})\b"
        );
        let line_words = format!(
            r"(?i)(?:{}|\d{{1,2}}:\d{{2}}(?::\d{{2}})?|[+\-]\d{{2}}:?\d{{2}}|[:：|｜·•,，\-–—/()（）\s])",
            alternation(&r.line_words, "{}")
        );
        let relative = format!(
            r"(?i)(?:\d+\s*{}前|{}|\b\d+\s*{}\s+ago\b|\b{}\b)",
            alternation(&r.ago_zh, "{}"),
            alternation(&r.relative_zh, "{}"),
            alternation(&r.ago_en, "{}"),
            alternation(&r.relative_en, "{}")
        );
        Ok(DateWords {
            month_first: regex(&month_first, "months")?,
            day_first: regex(&day_first, "months")?,
            months,
            published: regex(
                &format!("(?i){}", alternation(&r.published, "{}")),
                "published",
            )?,
            updated: regex(&format!("(?i){}", alternation(&r.updated, "{}")), "updated")?,
            line_words: regex(&line_words, "line_words")?,
            relative: regex(&relative, "relative")?,
            month_first_locales: r
                .month_first_locales
                .iter()
                .map(|l| l.to_ascii_lowercase().replace('_', "-"))
                .collect(),
        })
    }

    /// Whether a page in language `tag` (`en-GB`, `en_US`, `de`) writes numeric dates day
    /// first: every tag but the month-first ones does.
    pub fn day_first(&self, tag: &str) -> bool {
        let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
        !self.month_first_locales.contains(&tag)
    }

    /// The month (1–12) a matched month name stands for.
    pub fn month_number(&self, name: &str) -> Option<i8> {
        let name = name.to_lowercase();
        // The longest prefix wins (`mär` before `m…`).
        self.months
            .iter()
            .enumerate()
            .filter_map(|(i, names)| {
                names
                    .iter()
                    .filter(|n| name.starts_with(n.as_str()))
                    .map(|n| n.chars().count())
                    .max()
                    .map(|len| (len, i))
            })
            .max()
            .and_then(|(_, i)| i8::try_from(i + 1).ok())
    }
}
