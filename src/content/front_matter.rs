//! The front matter contract between `convert` (which writes it) and `build` (which reads it).
//!
//! Zola-compatible: `+++` TOML fences (or `---` YAML for Hugo/Jekyll imports), the keys Zola
//! knows for a page, `[taxonomies]` and a free `[extra]` table. Unknown top-level keys are an
//! error with file, line and column. This module parses from `&str`; reading files is elsewhere.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Everything between the fences of an article file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FrontMatter {
    /// The article's title, as shown on the page.
    pub title: String,
    /// Publication date (TOML date or datetime, or an RFC 3339 string). Absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Last update, if the article was revised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<Date>,
    /// One- or two-sentence summary; cards and feeds use it before an automatic summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Credited writers (never editors or translators: those go to `[extra]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Drafts are built only with `--drafts`.
    #[serde(skip_serializing_if = "is_false")]
    pub draft: bool,
    /// Overrides the URL slug derived from the file name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Overrides the whole URL path (Zola's `path`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Old URLs that redirect to this article (Zola's `aliases`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Template to render this article with instead of `page.html`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Order in a section whose `_index.md` says `sort_by = "weight"` (lightest first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    /// `false`: the article is loaded (and listed) but gets no page of its own (Zola's `render`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub render: Option<bool>,
    /// `false` keeps the article out of the search index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_search_index: Option<bool>,
    /// Taxonomy name → terms, e.g. `companies = ["Microsoft"]`. Names must be declared in config.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// Free-form data; the known keys are typed in [`Extra`].
    #[serde(skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// `[extra]`: provenance written by `convert`, plus anything else a curator or theme wants.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Extra {
    /// Canonical source brand, e.g. `OKX`, `Binance Square`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "source_name")]
    pub source: Option<String>,
    /// The original article's URL, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// Language code of the article (`zh`, `en`, …); `<html lang>` comes from it.
    #[serde(skip_serializing_if = "Option::is_none", alias = "lang")]
    pub language: Option<String>,
    /// Every other key, kept in order of its name.
    #[serde(flatten)]
    pub rest: BTreeMap<String, toml::Value>,
}

impl Extra {
    pub fn is_empty(&self) -> bool {
        self.source.is_none()
            && self.source_url.is_none()
            && self.language.is_none()
            && self.rest.is_empty()
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A publication date: a calendar day, optionally with a time and a UTC offset.
///
/// Kept as written (a local time stays local) so that rewriting a file changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub date: jiff::civil::Date,
    pub time: Option<jiff::civil::Time>,
    /// Offset in seconds east of UTC, when the source gave one.
    pub offset_seconds: Option<i32>,
}

impl Date {
    pub fn from_ymd(year: i16, month: i8, day: i8) -> Option<Date> {
        jiff::civil::Date::new(year, month, day)
            .ok()
            .map(|date| Date {
                date,
                time: None,
                offset_seconds: None,
            })
    }

    /// Parses `2023-06-08`, `2023-06-08T10:00:00`, `2023-06-08 10:00:00+08:00`, `…Z`.
    pub fn parse(s: &str) -> Result<Date, String> {
        let dt: toml::value::Datetime = s
            .trim()
            .parse()
            .map_err(|_| format!("`{s}` is not a date (expected YYYY-MM-DD or RFC 3339)"))?;
        Date::from_toml(&dt)
    }

    fn from_toml(dt: &toml::value::Datetime) -> Result<Date, String> {
        let Some(d) = dt.date else {
            return Err(format!("`{dt}` has a time but no date"));
        };
        let date = jiff::civil::Date::new(d.year as i16, d.month as i8, d.day as i8)
            .map_err(|e| format!("`{dt}`: {e}"))?;
        let time = match dt.time {
            Some(t) => Some(
                jiff::civil::Time::new(
                    t.hour as i8,
                    t.minute as i8,
                    t.second.unwrap_or(0) as i8,
                    t.nanosecond.unwrap_or(0) as i32,
                )
                .map_err(|e| format!("`{dt}`: {e}"))?,
            ),
            None => None,
        };
        let offset_seconds = match dt.offset {
            Some(toml::value::Offset::Z) => Some(0),
            Some(toml::value::Offset::Custom { minutes }) => Some(i32::from(minutes) * 60),
            None => None,
        };
        Ok(Date {
            date,
            time,
            offset_seconds,
        })
    }

    fn to_toml(self) -> toml::value::Datetime {
        let date = Some(toml::value::Date {
            year: self.date.year() as u16,
            month: self.date.month() as u8,
            day: self.date.day() as u8,
        });
        let time = self.time.map(|t| toml::value::Time {
            hour: t.hour() as u8,
            minute: t.minute() as u8,
            second: Some(t.second() as u8),
            nanosecond: (t.subsec_nanosecond() != 0).then_some(t.subsec_nanosecond() as u32),
        });
        let offset = match (self.time, self.offset_seconds) {
            (Some(_), Some(0)) => Some(toml::value::Offset::Z),
            (Some(_), Some(s)) => Some(toml::value::Offset::Custom {
                minutes: (s / 60) as i16,
            }),
            _ => None,
        };
        toml::value::Datetime { date, time, offset }
    }

    /// The instant this date stands for; a missing time is midnight, a missing offset is UTC.
    pub fn timestamp(&self) -> jiff::Timestamp {
        let dt = self
            .date
            .to_datetime(self.time.unwrap_or(jiff::civil::Time::midnight()));
        let offset = jiff::tz::Offset::from_seconds(self.offset_seconds.unwrap_or(0))
            .unwrap_or(jiff::tz::Offset::UTC);
        offset
            .to_timestamp(dt)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// `2023-06-08`.
    pub fn ymd(&self) -> String {
        self.date.to_string()
    }

    /// RFC 3339 with the original offset (UTC when none was given), for Atom and sitemaps.
    pub fn rfc3339(&self) -> String {
        let t = self.time.unwrap_or(jiff::civil::Time::midnight());
        let off = self.offset_seconds.unwrap_or(0);
        let offset = if off == 0 {
            "Z".to_string()
        } else {
            let sign = if off < 0 { '-' } else { '+' };
            let a = off.abs();
            format!("{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
        };
        format!(
            "{}T{:02}:{:02}:{:02}{}",
            self.date,
            t.hour(),
            t.minute(),
            t.second(),
            offset
        )
    }

    /// RFC 2822, for RSS `pubDate`.
    pub fn rfc2822(&self) -> String {
        let off = self.offset_seconds.unwrap_or(0);
        let tz = jiff::tz::TimeZone::fixed(
            jiff::tz::Offset::from_seconds(off).unwrap_or(jiff::tz::Offset::UTC),
        );
        let zoned = self.timestamp().to_zoned_datetime(tz);
        jiff::fmt::rfc2822::to_string(&zoned).unwrap_or_else(|_| self.rfc3339())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_toml().fmt(f)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // The toml serializer writes a `Datetime` as a native (unquoted) TOML date.
        self.to_toml().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2023-06-08 or 2023-06-08T10:00:00+08:00")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).map_err(E::custom)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
                let dt = toml::value::Datetime::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )?;
                Date::from_toml(&dt).map_err(serde::de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Which fence the front matter used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fence {
    Toml,
    Yaml,
}

/// A file split into its front matter and body, with where each starts.
#[derive(Debug)]
pub struct Split<'a> {
    pub fence: Fence,
    pub front_matter: &'a str,
    /// 1-based line of the file where the front matter text starts.
    pub front_matter_line: usize,
    pub body: &'a str,
}

/// An error in a front matter, located in the file (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatterError {
    pub line: usize,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for FrontMatterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "{}:{}: {}", self.line, c, self.message),
            None => write!(f, "{}: {}", self.line, self.message),
        }
    }
}

/// Splits `+++\n…\n+++\n body` (or `---` YAML). A file without a fence is an error: every
/// article needs at least a title.
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (fence, marker) = if text.starts_with("+++") {
        (Fence::Toml, "+++")
    } else if text.starts_with("---") {
        (Fence::Yaml, "---")
    } else {
        return Err(FrontMatterError {
            line: 1,
            column: None,
            message: "missing front matter: the file must start with `+++` (TOML) or `---` (YAML)"
                .into(),
        });
    };
    let first_nl = text.find('\n').ok_or_else(|| FrontMatterError {
        line: 1,
        column: None,
        message: format!("front matter opened with `{marker}` is never closed"),
    })?;
    if !text[..first_nl].trim_end().eq(marker) {
        return Err(FrontMatterError {
            line: 1,
            column: None,
            message: format!("the opening `{marker}` must stand alone on the first line"),
        });
    }
    let fm_start = first_nl + 1;
    let mut pos = fm_start;
    while pos <= text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = &text[pos..end];
        if line.trim_end() == marker {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                fence,
                front_matter: &text[fm_start..pos],
                front_matter_line: 2,
                body: &text[body_start..],
            });
        }
        if end == text.len() {
            break;
        }
        pos = end + 1;
    }
    Err(FrontMatterError {
        line: 1,
        column: None,
        message: format!("front matter opened with `{marker}` is never closed"),
    })
}

impl FrontMatter {
    /// Parses a whole file's text into front matter and body.
    pub fn parse(text: &str) -> Result<(FrontMatter, &str), FrontMatterError> {
        let s = split(text)?;
        let fm = match s.fence {
            Fence::Toml => FrontMatter::from_toml(s.front_matter, s.front_matter_line)?,
            Fence::Yaml => FrontMatter::from_yaml(s.front_matter, s.front_matter_line)?,
        };
        Ok((fm, s.body))
    }

    fn from_toml(src: &str, first_line: usize) -> Result<FrontMatter, FrontMatterError> {
        toml::from_str(src).map_err(|e| {
            let (line, column) = e
                .span()
                .map_or((1, 1), |sp| crate::diag::line_col(src, sp.start));
            FrontMatterError {
                line: first_line + line - 1,
                column: Some(column),
                message: e.message().trim().to_string(),
            }
        })
    }

    fn from_yaml(src: &str, first_line: usize) -> Result<FrontMatter, FrontMatterError> {
        serde_saphyr::from_str::<FrontMatter>(src).map_err(|e| {
            let msg = e.to_string();
            // serde-saphyr reports `line N column M` in its message; lift it when present.
            let (line, column) = yaml_location(&msg).unwrap_or((1, 1));
            FrontMatterError {
                line: first_line + line - 1,
                column: Some(column),
                message: msg
                    .lines()
                    .next()
                    .unwrap_or("invalid YAML")
                    .trim()
                    .to_string(),
            }
        })
    }

    /// Writes `+++\n<toml>+++\n` followed by the body: the format `convert` produces.
    pub fn to_file_string(&self, body: &str) -> String {
        let toml = toml::to_string(self).expect("front matter always serializes");
        let mut out = String::with_capacity(toml.len() + body.len() + 16);
        out.push_str("+++\n");
        out.push_str(&toml);
        if !toml.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("+++\n");
        out.push_str(body);
        if !body.ends_with('\n') {
            out.push('\n');
        }
        out
    }

    /// The terms of one taxonomy, empty when absent.
    pub fn terms(&self, taxonomy: &str) -> &[String] {
        self.taxonomies.get(taxonomy).map_or(&[], Vec::as_slice)
    }
}

fn yaml_location(msg: &str) -> Option<(usize, usize)> {
    let i = msg.find("line ")?;
    let rest = &msg[i + 5..];
    let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let line = n.parse().ok()?;
    let col = rest
        .find("column ")
        .and_then(|j| {
            rest[j + 7..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok()
        })
        .unwrap_or(1);
    Some((line, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = r#"+++
title = "微软与 OpenAI，远没有看起来「亲密无间」"
date = 2023-06-08
authors = ["鱼三隹"]

[taxonomies]
companies = ["Microsoft", "OpenAI"]
topics = ["Artificial Intelligence"]

[extra]
source = "OKX"
language = "zh"
editor = "郑玄"
+++
正文。
"#;

    #[test]
    fn parses_zola_front_matter_and_body() {
        let (fm, body) = FrontMatter::parse(SEED).unwrap();
        assert_eq!(fm.title, "微软与 OpenAI，远没有看起来「亲密无间」");
        assert_eq!(fm.date.unwrap().ymd(), "2023-06-08");
        assert_eq!(fm.terms("companies"), ["Microsoft", "OpenAI"]);
        assert_eq!(fm.extra.source.as_deref(), Some("OKX"));
        assert_eq!(fm.extra.rest["editor"].as_str(), Some("郑玄"));
        assert_eq!(body, "正文。\n");
    }

    #[test]
    fn round_trips_through_writer() {
        let (fm, body) = FrontMatter::parse(SEED).unwrap();
        let written = fm.to_file_string(body);
        assert!(written.contains("date = 2023-06-08\n"), "{written}");
        let (again, body2) = FrontMatter::parse(&written).unwrap();
        assert_eq!(fm, again);
        assert_eq!(body, body2);
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let text = "+++\ntitle = \"x\"\ntitel = \"y\"\n+++\nbody";
        let err = FrontMatter::parse(text).unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.column, Some(1));
        assert!(err.message.contains("titel"), "{}", err.message);
    }

    #[test]
    fn datetimes_keep_their_offset() {
        let d = Date::parse("2024-03-05T14:20:00+08:00").unwrap();
        assert_eq!(d.rfc3339(), "2024-03-05T14:20:00+08:00");
        assert_eq!(d.timestamp().to_string(), "2024-03-05T06:20:00Z");
        assert!(
            d.rfc2822().starts_with("Tue, 5 Mar 2024 14:20:00 +0800"),
            "{}",
            d.rfc2822()
        );
    }

    #[test]
    fn yaml_front_matter_is_read() {
        let text = "---\ntitle: Hello\ndate: 2024-01-02\nauthors: [A]\n---\nbody\n";
        let (fm, body) = FrontMatter::parse(text).unwrap();
        assert_eq!(fm.title, "Hello");
        assert_eq!(fm.date.unwrap().ymd(), "2024-01-02");
        assert_eq!(body, "body\n");
    }

    #[test]
    fn unclosed_fence_is_an_error() {
        assert!(FrontMatter::parse("+++\ntitle = \"x\"\n").is_err());
        assert!(FrontMatter::parse("no front matter").is_err());
    }
}
