//! How dates read to people, by language: data in `rules/dates.toml` (embedded default, then
//! the site's own file on top). Used by the template views and by search result records; it
//! knows nothing of templates.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde::Deserialize;

use crate::content::Date;

const DEFAULT_DATES: &str = include_str!("../rules/dates.toml");

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DatesFile {
    #[serde(default)]
    months: Option<Vec<String>>,
    #[serde(default)]
    display: BTreeMap<String, String>,
    /// How `convert` reads dates (`rules::DateWords`); not a display matter.
    #[serde(default, rename = "read")]
    _read: Option<toml::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Piece {
    Text(String),
    Year,
    Month,
    Day,
    MonthName,
}

/// The compiled display formats.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Dates {
    months: Vec<String>,
    /// Language prefix → format, longest prefix first; `*` last.
    formats: Vec<(String, Vec<Piece>)>,
}

impl Default for Dates {
    fn default() -> Dates {
        Dates::from_texts(&[("rules/dates.toml (embedded)", DEFAULT_DATES)])
            .expect("the embedded rules/dates.toml parses")
    }
}

impl Dates {
    /// Compiled from the layers of `rules/dates.toml` (the embedded default, then the site's).
    pub fn from_layers(layers: &crate::rules::Layers) -> Result<Dates> {
        Dates::from_texts(&layers.texts("dates.toml"))
    }

    /// Parses the files in order; a later file's `[display]` keys replace earlier ones.
    pub fn from_texts(files: &[(&str, &str)]) -> Result<Dates> {
        let mut months = Vec::new();
        let mut display = BTreeMap::new();
        for (name, text) in files {
            let f: DatesFile = crate::diag::parse_toml(name, text)?;
            if let Some(m) = f.months {
                if m.len() != 12 {
                    bail!("{name}: `months` needs 12 names, not {}", m.len());
                }
                months = m;
            }
            display.extend(f.display);
        }
        let mut formats = Vec::new();
        for (lang, pattern) in display {
            formats.push((
                lang.clone(),
                compile(&pattern)
                    .map_err(|e| anyhow::anyhow!("rules/dates.toml: [display] {lang}: {e}"))?,
            ));
        }
        // Longest prefix first; `*` (every other language) last.
        formats.sort_by_key(|(l, _)| (l == "*", std::cmp::Reverse(l.len())));
        Ok(Dates { months, formats })
    }

    /// `d` as a reader of `lang` expects it: `2023年6月8日`, `Jun 8, 2023`.
    pub fn display(&self, d: &Date, lang: &str) -> String {
        let Some((_, pieces)) = self
            .formats
            .iter()
            .find(|(l, _)| l == "*" || lang.starts_with(l.as_str()))
        else {
            return d.ymd();
        };
        let (y, m, day) = (d.date.year(), d.date.month(), d.date.day());
        let mut out = String::new();
        for p in pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Year => out.push_str(&y.to_string()),
                Piece::Month => out.push_str(&m.to_string()),
                Piece::Day => out.push_str(&day.to_string()),
                Piece::MonthName => {
                    out.push_str(self.months.get((m - 1) as usize).map_or("", String::as_str))
                }
            }
        }
        out
    }
}

fn compile(pattern: &str) -> Result<Vec<Piece>> {
    let mut pieces = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        if start > 0 {
            pieces.push(Piece::Text(rest[..start].to_string()));
        }
        let Some(len) = rest[start..].find('}') else {
            bail!("unclosed `{{` in `{pattern}`");
        };
        pieces.push(match &rest[start + 1..start + len] {
            "year" => Piece::Year,
            "month" => Piece::Month,
            "day" => Piece::Day,
            "mon" => Piece::MonthName,
            other => bail!("unknown placeholder `{{{other}}}` in `{pattern}`"),
        });
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_string()));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_formats_read_as_before() {
        let d = Dates::default();
        let date = Date::from_ymd(2023, 6, 8).unwrap();
        assert_eq!(d.display(&date, "zh"), "2023年6月8日");
        assert_eq!(d.display(&date, "zh-CN"), "2023年6月8日");
        assert_eq!(d.display(&date, "ja"), "2023年6月8日");
        assert_eq!(d.display(&date, "en"), "Jun 8, 2023");
    }

    #[test]
    fn a_site_file_extends_the_formats() {
        let site = "months = [\"janv.\", \"févr.\", \"mars\", \"avr.\", \"mai\", \"juin\", \"juil.\", \"août\", \"sept.\", \"oct.\", \"nov.\", \"déc.\"]\n[display]\nfr = \"{day} {mon} {year}\"\n";
        let d = Dates::from_texts(&[("default", DEFAULT_DATES), ("site", site)]).unwrap();
        let date = Date::from_ymd(2023, 6, 8).unwrap();
        assert_eq!(d.display(&date, "fr"), "8 juin 2023");
        assert_eq!(d.display(&date, "zh"), "2023年6月8日", "defaults kept");
        let err = Dates::from_texts(&[("site", "[display]\nde = \"{tag}\"\n")]).unwrap_err();
        assert!(err.to_string().contains("{tag}"), "{err}");
    }
}
