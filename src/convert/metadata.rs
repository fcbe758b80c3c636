//! Metadata recognisers: dates, bylines, posters, language, source brand.
//!
//! Each recogniser parses one line (or a list of chrome lines) and says nothing about what to
//! drop: the boilerplate stage decides which lines are metadata lines. Dates are taken only in
//! the forms the data sets use; a relative date (3小时前, 3 days ago) gives no date — never a guess.

use std::sync::LazyLock;

use regex::Regex;

use crate::content::Date;
use crate::rules::{BylineRole as Role, Bylines, DateWords, Rules};

/// A date found in a line, with how much it is the publication date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateHit {
    pub date: Date,
    /// 0 = labelled as published, 1 = unlabelled, 2 = labelled as updated.
    pub priority: u8,
}

static YMD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)(?:^|[^\d])
        (?P<y>(?:19|20)\d{2})\s*(?:[.\-/]|年)\s*(?P<m>\d{1,2})\s*(?:[.\-/]|月)\s*(?P<d>\d{1,2})\s*日?
        (?:\s*(?:T|\s)\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?
        (?:[^\d]|$)",
    )
    .unwrap()
});

static NUMERIC_DMY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^\d])(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<y>(?:19|20)\d{2})(?:[^\d]|$)",
    )
    .unwrap()
});

fn num<T: std::str::FromStr>(caps: &regex::Captures, name: &str) -> Option<T> {
    caps.name(name)?.as_str().parse().ok()
}

/// The date a URL's path gives: `/2019/11/20/`, `/2019-11-20-title`, `/20191120/`,
/// `_20191120.html` (year 19xx or 20xx, a real day). The host and query are not read.
pub fn url_date(url: &str) -> Option<Date> {
    static PATH_YMD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>0?[1-9]|1[0-2])[/-](?P<d>0?[1-9]|[12]\d|3[01])(?:[/._-]|$)",
        )
        .unwrap()
    });
    static PATH_COMPACT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"[/_-](?P<y>(?:19|20)\d{2})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?:[/._-]|$)",
        )
        .unwrap()
    });
    let after_scheme = url.find("://").map_or(url, |i| &url[i + 3..]);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    let path = path.split(['?', '#']).next().unwrap_or("");
    let c = PATH_YMD
        .captures(path)
        .or_else(|| PATH_COMPACT.captures(path))?;
    Date::from_ymd(num(&c, "y")?, num(&c, "m")?, num(&c, "d")?)
}

/// The first absolute date in `line`, if any. `day_first` resolves `08/06/2023` (the page's
/// locale: day first outside English pages).
pub fn find_date(line: &str, day_first: bool, words: &DateWords) -> Option<DateHit> {
    let priority = if words.published.is_match(line) {
        0
    } else if words.updated.is_match(line) {
        2
    } else {
        1
    };
    let date = if let Some(c) = YMD.captures(line) {
        let mut d = Date::from_ymd(num(&c, "y")?, num(&c, "m")?, num(&c, "d")?)?;
        if let (Some(h), Some(m)) = (num::<i8>(&c, "H"), num::<i8>(&c, "M")) {
            d.time = jiff::civil::Time::new(h, m, num(&c, "S").unwrap_or(0), 0).ok();
        }
        d
    } else if let Some(c) = words
        .month_first
        .captures(line)
        .or_else(|| words.day_first.captures(line))
    {
        Date::from_ymd(num(&c, "y")?, words.month_number(&c["mon"])?, num(&c, "d")?)?
    } else if let Some(c) = NUMERIC_DMY.captures(line) {
        let (a, b): (i8, i8) = (num(&c, "a")?, num(&c, "b")?);
        let (d, m) = if a > 12 {
            (a, b)
        } else if b > 12 || !day_first {
            (b, a)
        } else {
            (a, b)
        };
        Date::from_ymd(num(&c, "y")?, m, d)?
    } else {
        return None;
    };
    Some(DateHit { date, priority })
}

/// Whether `line` is only a date (with a label such as "Published on" / 发布于, a time, a
/// weekday), so that it can be dropped as metadata.
pub fn is_date_line(line: &str, words: &DateWords) -> bool {
    let rest = YMD.replace_all(line, " ");
    let rest = words.month_first.replace_all(&rest, " ");
    let rest = words.day_first.replace_all(&rest, " ");
    let rest = NUMERIC_DMY.replace_all(&rest, " ");
    if rest.len() == line.len() {
        return false;
    }
    // What is left besides labels may be a stray word or two (`p.m.`), never a sentence.
    // (Each label goes as a space: its separators include white space, and words run
    // together would count as one.)
    super::blocks::units(&words.line_words.replace_all(&rest, " ")) <= 4
}

/// A short header line carrying a date besides a few words (`Odaily星球日报 · 2024-05-14 16:02`):
/// in the byline area, such a line is metadata.
pub fn is_dateline(line: &str, rules: &Rules) -> bool {
    if is_date_line(line, &rules.dates) {
        return true;
    }
    let rest = strip_dates(line, rules);
    // Besides the date: labels, times and separators, then a few words (a category, a
    // counter), never a sentence (`Am 5. November wird sie 100 Jahre alt.`).
    let words = super::blocks::units(&rules.dates.line_words.replace_all(&rest, " "));
    let sentence = words >= 10 && super::blocks::ends_sentence(&rules.text.blocks, rest.trim());
    rest.len() < line.len()
        && words <= 12
        && !sentence
        && !super::blocks::is_prose(&rules.text.blocks, line)
}

/// A relative date ("3小时前", "Updated 3 days ago") on a short line.
pub fn is_relative_date_line(line: &str, words: &DateWords) -> bool {
    words.relative.is_match(line) && super::blocks::units(line) <= 16
}

pub use super::model::Byline;

/// Parses a byline line (`作者 | 鱼三隹`, `文｜周舟  来源：极客视界`, `By Priya Raman`,
/// `Edited by X`). `None` when the line is not entirely a byline.
pub fn parse_byline(line: &str, rules: &Rules) -> Option<Byline> {
    if line.chars().count() > 80 || line.contains('。') {
        return None;
    }
    let line = strip_dates(line, rules);
    let line = line.trim();
    let words = &rules.bylines;
    let (re, zh) = if words.zh_label.find(line).is_some_and(|m| m.start() == 0) {
        (&words.zh_label, true)
    } else if words.en_label.find(line).is_some_and(|m| m.start() == 0) {
        (&words.en_label, false)
    } else {
        return None;
    };
    // Each label match; the space a match ends with may begin the next one (`时间 编辑：X`).
    let mut matches = Vec::new();
    let mut at = 0;
    while let Some(caps) = re.captures_at(line, at) {
        let whole = caps.get(0).expect("match");
        let back = line[..whole.end()]
            .chars()
            .next_back()
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8);
        at = (whole.end() - back).max(whole.start() + 1);
        while !line.is_char_boundary(at) {
            at += 1;
        }
        matches.push(caps);
        if at >= line.len() {
            break;
        }
    }
    fn label_of<'h>(caps: &regex::Captures<'h>) -> regex::Match<'h> {
        caps.name("label")
            .or_else(|| caps.name("spaced"))
            .expect("a label group")
    }
    let mut byline = Byline::default();
    for (i, caps) in matches.iter().enumerate() {
        let whole = caps.get(0).unwrap();
        let label = label_of(caps).as_str();
        let end = matches
            .get(i + 1)
            .map_or(line.len(), |n| label_of(n).start());
        if whole.end() > end {
            return None;
        }
        let mut value = line[whole.end()..end].trim();
        // `Written by X • July 14, 2023 • 6 minute read`: names end at a separator.
        if !zh {
            let cut = words
                .name_ends_en
                .iter()
                .filter_map(|sep| value.find(sep))
                .min();
            if let Some(cut) = cut {
                value = value[..cut].trim();
            }
        }
        let role = if zh {
            words.zh_role(label)
        } else {
            words.en_role(label)
        };
        // A label with nothing after it (`文/本报记者 李华`: the next label follows at once), or
        // a date or counter label whose value was the date or the number.
        if value.is_empty() || role == Role::Other {
            continue;
        }
        let names = split_names(value, zh, words)?;
        for name in names {
            let (role, name) = match role {
                Role::Author | Role::Editor | Role::Translator | Role::Reviewer
                    if is_outlet(&name, rules) =>
                {
                    (Role::Credit, name)
                }
                // An image library credited as a source is an image credit, not an outlet.
                Role::Credit if words.stock_photo.is_match(name.trim()) => continue,
                r => (r, name),
            };
            let list = match role {
                Role::Author => &mut byline.authors,
                Role::Editor => &mut byline.editors,
                Role::Translator => &mut byline.translators,
                Role::Reviewer => &mut byline.reviewers,
                Role::Credit => &mut byline.credits,
                Role::Other => continue,
            };
            if !list.contains(&name) {
                list.push(name);
            }
        }
    }
    (!byline.is_empty()).then_some(byline)
}

/// The line without its dates, relative dates and the counters and reading times that share
/// a byline's line (`作者:陈默 阅读 12,368`; `rules/bylines.toml`).
fn strip_dates(line: &str, rules: &Rules) -> String {
    let s = rules.bylines.counters.replace_all(line, " ");
    let s = YMD.replace_all(&s, " ");
    let s = rules.dates.month_first.replace_all(&s, " ");
    let s = rules.dates.day_first.replace_all(&s, " ");
    let s = NUMERIC_DMY.replace_all(&s, " ");
    let s = rules.dates.relative.replace_all(&s, " ");
    let seps = &rules.bylines.date_separators;
    s.trim_end_matches(|c: char| c.is_whitespace() || seps.contains(&c))
        .to_string()
}

/// Splits a byline value into names; `None` when it does not look like names at all.
/// The separators are `rules/bylines.toml` `name_separators` and `name_joiners_*`.
fn split_names(value: &str, zh: bool, words: &Bylines) -> Option<Vec<String>> {
    let particles = &words.name_particles;
    let mut value = value.trim_matches(|c: char| c.is_whitespace() || words.name_trim.contains(&c));
    let has_cjk = value.chars().any(crate::slug::is_cjk);
    if zh && has_cjk {
        while let Some(rest) = words
            .name_prefixes_zh
            .iter()
            .find_map(|p| value.strip_prefix(p.as_str()))
        {
            value = rest.trim_start();
        }
    }
    let parts: Vec<&str> = if zh && has_cjk {
        words
            .name_split_zh
            .split(value)
            .flat_map(|p| {
                // `李华 王强`: Chinese names side by side, a space apart (each 2–4 Han).
                let words: Vec<&str> = p.split_whitespace().collect();
                let han_name = |w: &&str| {
                    (2..=4).contains(&w.chars().count()) && w.chars().all(crate::slug::is_cjk)
                };
                if words.len() > 1 && words.iter().all(han_name) {
                    words
                } else {
                    vec![p]
                }
            })
            .collect()
    } else {
        words.name_split_en.split(value).collect()
    };
    let mut names = Vec::new();
    for p in parts {
        let p = p
            .trim()
            .trim_start_matches('@')
            .trim_end_matches(['.', '。', ',', '，', ';', '；'])
            .trim();
        if p.is_empty() {
            continue;
        }
        if p.chars().count() > 40 || p.contains(['。', '!', '?', '！', '？']) {
            return None;
        }
        if !p.chars().any(crate::slug::is_cjk) && !looks_like_latin_name(p, particles) {
            return None;
        }
        names.push(p.to_string());
    }
    (!names.is_empty()).then_some(names)
}

/// `Priya Raman`, `Jean-Luc de la Cruz`, `TechPulse Daily`: capitalised words, few of them.
fn looks_like_latin_name(p: &str, particles: &[String]) -> bool {
    let toks: Vec<&str> = p.split_whitespace().collect();
    !toks.is_empty()
        && toks.len() <= 5
        && toks
            .iter()
            .any(|t| t.chars().next().is_some_and(char::is_alphabetic))
        && toks.iter().all(|t| {
            let first = t.chars().next().unwrap_or(' ');
            (first.is_uppercase()
                || particles.iter().any(|x| x == t)
                || first.is_ascii_digit() && t.len() > 1)
                && t.chars().all(|c| c.is_alphanumeric() || "-'’.".contains(c))
        })
}

/// An outlet rather than a person: a known source brand, or a media-like name
/// (`rules/bylines.toml`).
fn is_outlet(name: &str, rules: &Rules) -> bool {
    let words = &rules.bylines;
    words.org.is_match(name)
        || rules.sources.iter().any(|s| {
            s.pattern
                .find(name)
                .is_some_and(|m| m.len() * 2 > name.len())
        })
        || (words.media.is_match(name)
            && !name.contains(' ')
            && name.chars().any(crate::slug::is_cjk))
        || words.media.is_match(name) && name.split_whitespace().count() == 1
}

/// The follow button under a poster's name (`rules/bylines.toml`).
pub fn is_follow_button(line: &str, rules: &Rules) -> bool {
    let line = line.trim().to_lowercase();
    rules.bylines.follow_buttons.contains(&line)
}

/// A creator handle on its own line (`@TechPulseDaily`).
pub fn is_handle(line: &str) -> bool {
    static HANDLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^@[\w.\-]{2,40}$").unwrap());
    HANDLE.is_match(line)
}

/// Language code from the article text: `zh` when Han characters make up a fair share of the
/// letters, `ja`/`ko` for kana/hangul, else `en`.
pub fn detect_language(text: &str) -> String {
    let (mut han, mut kana, mut hangul, mut latin) = (0usize, 0usize, 0usize, 0usize);
    for c in text.chars() {
        match c {
            '\u{3040}'..='\u{30FF}' => kana += 1,
            '\u{AC00}'..='\u{D7AF}' => hangul += 1,
            c if crate::slug::is_cjk(c) => han += 1,
            c if c.is_ascii_alphabetic() => latin += 1,
            _ => {}
        }
    }
    // Latin letters are counted per letter; a Han character carries about a word's meaning.
    let cjk = han + kana + hangul;
    if cjk * 4 < latin / 4 || cjk == 0 {
        return "en".into();
    }
    if kana * 10 > cjk {
        "ja".into()
    } else if hangul * 2 > cjk {
        "ko".into()
    } else {
        "zh".into()
    }
}

/// The canonical brand for a URL, from the sources' domains.
pub fn source_from_url(url: &str, rules: &Rules) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host
        .split(['@', ':'])
        .next_back()
        .unwrap_or(host)
        .to_ascii_lowercase();
    let path = format!("/{}", path.to_ascii_lowercase());
    let mut best: Option<(usize, &str)> = None;
    for s in &rules.sources {
        for (dom, dpath) in &s.domains {
            let host_ok = host == *dom || host.ends_with(&format!(".{dom}"));
            let path_ok = dpath.is_empty() || path.contains(&format!("/{dpath}"));
            if host_ok && path_ok {
                // The most specific entry wins: longer host, then a path part.
                let score = dom.len() * 10 + dpath.len();
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, &s.name));
                }
            }
        }
    }
    best.map(|(_, n)| n.to_string())
}

/// The canonical brand named most in the page's chrome; a more specific brand (Binance Square)
/// wins over its parent (Binance) when both appear.
pub fn source_from_chrome<'a>(
    lines: impl Iterator<Item = &'a str>,
    rules: &Rules,
) -> Option<String> {
    let mut counts: Vec<(usize, usize)> = vec![(0, usize::MAX); rules.sources.len()];
    for (pos, line) in lines.enumerate() {
        for (i, s) in rules.sources.iter().enumerate() {
            if s.pattern.is_match(line) {
                counts[i].0 += 1;
                counts[i].1 = counts[i].1.min(pos);
            }
        }
    }
    let root = |i: usize| -> usize {
        rules.sources[i]
            .parent
            .as_ref()
            .and_then(|p| rules.sources.iter().position(|s| &s.name == p))
            .unwrap_or(i)
    };
    // Families: a root with its children.
    let mut family: Vec<(usize, usize)> = vec![(0, usize::MAX); rules.sources.len()];
    for (i, &(n, first)) in counts.iter().enumerate() {
        if n > 0 {
            let r = root(i);
            family[r].0 += n;
            family[r].1 = family[r].1.min(first);
        }
    }
    let best_root = (0..family.len())
        .filter(|&i| family[i].0 > 0)
        .max_by(|&a, &b| {
            family[a]
                .0
                .cmp(&family[b].0)
                .then(family[b].1.cmp(&family[a].1))
        })?;
    let child = (0..counts.len())
        .filter(|&i| i != best_root && root(i) == best_root && counts[i].0 > 0)
        .max_by(|&a, &b| {
            counts[a]
                .0
                .cmp(&counts[b].0)
                .then(counts[b].1.cmp(&counts[a].1))
        });
    Some(rules.sources[child.unwrap_or(best_root)].name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules::defaults().unwrap()
    }

    fn ymd(line: &str, day_first: bool) -> Option<String> {
        find_date(line, day_first, &Rules::defaults().unwrap().dates).map(|h| h.date.ymd())
    }

    #[test]
    fn dates_in_the_data_set_forms() {
        assert_eq!(ymd("2023.06.08", true).as_deref(), Some("2023-06-08"));
        assert_eq!(
            ymd("2024年3月5日 14:20", true).as_deref(),
            Some("2024-03-05")
        );
        assert_eq!(ymd("2024/03/05", true).as_deref(), Some("2024-03-05"));
        assert_eq!(
            ymd("Published on Jun 8, 2023", false).as_deref(),
            Some("2023-06-08")
        );
        assert_eq!(ymd("8 June 2023", false).as_deref(), Some("2023-06-08"));
        assert_eq!(ymd("08/06/2023", true).as_deref(), Some("2023-06-08"));
        assert_eq!(ymd("08/06/2023", false).as_deref(), Some("2023-08-06"));
        assert_eq!(ymd("3小时前", true), None);
        assert_eq!(ymd("Updated 3 days ago", false), None);
        let t = find_date(
            "2024年3月5日 14:20",
            true,
            &Rules::defaults().unwrap().dates,
        )
        .unwrap()
        .date;
        assert_eq!(t.to_string(), "2024-03-05T14:20:00");
        assert_eq!(
            find_date(
                "Updated on Mar 21, 2024",
                false,
                &Rules::defaults().unwrap().dates
            )
            .unwrap()
            .priority,
            2
        );
        assert_eq!(
            find_date(
                "Published on Mar 19, 2024",
                false,
                &Rules::defaults().unwrap().dates
            )
            .unwrap()
            .priority,
            0
        );
    }

    #[test]
    fn dates_in_urls() {
        let ymd = |u: &str| url_date(u).map(|d| d.ymd());
        let day = Some("2019-11-20".to_string());
        assert_eq!(ymd("https://a.com/2019/11/20/chip-maker/"), day);
        assert_eq!(ymd("https://a.com/news/2019-11-20-chip-maker"), day);
        assert_eq!(ymd("https://a.com/tech/20191120/story.html"), day);
        assert_eq!(ymd("https://a.com/c/story_20191120.html"), day);
        // Not dates: an id, a month without a day, a date in the host or the query.
        assert_eq!(ymd("https://a.com/news/1201911201/"), None);
        assert_eq!(ymd("https://a.com/2019/11/story"), None);
        assert_eq!(ymd("https://20191120.a.com/story"), None);
        assert_eq!(ymd("https://a.com/story?d=2019/11/20/"), None);
        assert_eq!(ymd("https://a.com/2019/13/40/x"), None);
    }

    #[test]
    fn date_lines_and_relative_dates() {
        assert!(is_date_line(
            "2025-01-28 08:42",
            &Rules::defaults().unwrap().dates
        ));
        assert!(is_date_line(
            "Published on Mar 19, 2024",
            &Rules::defaults().unwrap().dates
        ));
        assert!(is_date_line(
            "发布时间：2024年3月5日 14:20",
            &Rules::defaults().unwrap().dates
        ));
        assert!(!is_date_line(
            "2024年3月5日，百度发布了文心大模型",
            &Rules::defaults().unwrap().dates
        ));
        assert!(is_relative_date_line(
            "3小时前",
            &Rules::defaults().unwrap().dates
        ));
        assert!(is_relative_date_line(
            "Updated 3 days ago",
            &Rules::defaults().unwrap().dates
        ));
    }

    #[test]
    fn portal_byline_rows_end_each_name_list_at_the_next_label() {
        let r = rules();
        let row = |line: &str| {
            let b = parse_byline(line, &r).unwrap_or_else(|| panic!("no byline in {line}"));
            (b.authors, b.editors, b.credits)
        };
        let v = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            row("作者：张明　来源：本站　发布日期：2008-3-9 10:05:12　点击数：125"),
            (v(&["张明"]), v(&[]), v(&["本站"]))
        );
        assert_eq!(
            row("【作者】张明　【来源】本站　【时间】2022年02月13日 07:48"),
            (v(&["张明"]), v(&[]), v(&["本站"]))
        );
        assert_eq!(
            row("文/本报记者 李华 王强　时间：2022年02月13日 07:48　编辑：赵六"),
            (v(&["李华", "王强"]), v(&["赵六"]), v(&[]))
        );
        assert_eq!(
            row("作者: 张明 李华 来源: 新华网 发布时间: 2005-5-7 21:23:57 浏览次数: 88"),
            (v(&["张明", "李华"]), v(&[]), v(&["新华网"]))
        );
        assert_eq!(
            row("记者 陈默 通讯员 孙一　2022-02-13"),
            (v(&["陈默", "孙一"]), v(&[]), v(&[]))
        );
        assert_eq!(
            row("责任编辑：王五　作者：刘洋　日期：2019/11/20"),
            (v(&["刘洋"]), v(&["王五"]), v(&[]))
        );
    }

    #[test]
    fn bylines() {
        let r = rules();
        let b = parse_byline("作者 | 鱼三隹", &r).unwrap();
        assert_eq!(b.authors, ["鱼三隹"]);
        let b = parse_byline("编辑 | 郑玄", &r).unwrap();
        assert_eq!(b.editors, ["郑玄"]);
        assert!(b.authors.is_empty());
        let b = parse_byline("文｜周舟 来源：极客视界", &r).unwrap();
        assert_eq!(
            (b.authors, b.credits),
            (vec!["周舟".to_string()], vec!["极客视界".to_string()])
        );
        let b = parse_byline("来源：科技前哨站", &r).unwrap();
        assert!(b.authors.is_empty());
        assert_eq!(
            parse_byline("By Priya Raman", &r).unwrap().authors,
            ["Priya Raman"]
        );
        let b = parse_byline("原文作者：Jane Doe，The Information", &r).unwrap();
        assert_eq!(
            (b.authors, b.credits),
            (
                vec!["Jane Doe".to_string()],
                vec!["The Information".to_string()]
            )
        );
        let b = parse_byline("By Jane Doe, Bloomberg", &r).unwrap();
        assert_eq!(
            (b.authors, b.credits),
            (vec!["Jane Doe".to_string()], vec!["Bloomberg".to_string()])
        );
        assert_eq!(
            parse_byline("编译：小王", &r).unwrap().translators,
            ["小王"]
        );
        let b = parse_byline("作者：陳小明 | 編輯：林大華", &r).unwrap();
        assert_eq!(
            (b.authors, b.editors),
            (vec!["陳小明".to_string()], vec!["林大華".to_string()])
        );
        assert!(
            parse_byline(
                "By continuing to browse, you agree to our use of cookies.",
                &r
            )
            .is_none()
        );
        assert!(parse_byline("文心X1发布现场 | 图片来源：百度", &r).is_none());
        assert!(parse_byline("作者认为，这不重要。", &r).is_none());
        assert!(parse_byline("By 2030", &r).is_none());
        let b = parse_byline("Posted by Ann Lee on Mar 1, 2024 at 10:00", &r).unwrap();
        assert_eq!(b.authors, ["Ann Lee"]);
        assert!(parse_byline("By the numbers", &r).is_none());
        let b = parse_byline(
            "Written by Daniel Ortiz • July 14, 2023 • 6 minute read",
            &r,
        )
        .unwrap();
        assert_eq!(b.authors, ["Daniel Ortiz"]);
        let b = parse_byline("作者:陈默 来源:金色财经 2024-06-13 09:41 阅读 12,368", &r).unwrap();
        assert_eq!(
            (b.authors, b.credits),
            (vec!["陈默".to_string()], vec!["金色财经".to_string()])
        );
    }

    #[test]
    fn language() {
        assert_eq!(detect_language("微软与 OpenAI 的关系正变得微妙。"), "zh");
        assert_eq!(
            detect_language("Nvidia used its first in-person developer conference."),
            "en"
        );
    }

    #[test]
    fn sources() {
        let r = rules();
        assert_eq!(
            source_from_url("https://www.okx.com/learn/x", &r).as_deref(),
            Some("OKX")
        );
        assert_eq!(
            source_from_url("https://www.binance.com/en/square/post/1", &r).as_deref(),
            Some("Binance Square")
        );
        let chrome = [
            "币安广场",
            "下载币安App，随时随地参与广场讨论",
            "© 2025 Binance.com",
        ];
        assert_eq!(
            source_from_chrome(chrome.into_iter(), &r).as_deref(),
            Some("Binance Square")
        );
        let chrome = ["OKEx学院仅提供信息参考", "扫码加入OKEx社群"];
        assert_eq!(
            source_from_chrome(chrome.into_iter(), &r).as_deref(),
            Some("OKX")
        );
    }
}

#[cfg(test)]
mod site_rules_tests {
    use super::*;
    use crate::rules::Layers;

    #[test]
    fn a_site_bylines_file_adds_a_name_splitter() {
        let line = "By Priya Raman und Tom Lee";
        let default = Rules::defaults().unwrap();
        let one = parse_byline(line, &default).map(|b| b.authors);
        assert_ne!(one, Some(vec!["Priya Raman".into(), "Tom Lee".into()]));
        let mut layers = Layers::embedded();
        layers.push(
            "bylines.toml",
            "site/rules/bylines.toml",
            "[words]\nname_joiners_en = [\"und\"]\n",
        );
        let site = Rules::from_layers(&layers).unwrap();
        let b = parse_byline(line, &site).unwrap();
        assert_eq!(b.authors, ["Priya Raman", "Tom Lee"]);
        // The defaults still split.
        let b = parse_byline("By Ann Lee and Bob Chan", &site).unwrap();
        assert_eq!(b.authors, ["Ann Lee", "Bob Chan"]);
    }

    #[test]
    fn a_site_bylines_file_adds_a_counter_word() {
        let line = "作者:陈默 播放 1,024";
        let default = Rules::defaults().unwrap();
        assert_ne!(
            parse_byline(line, &default).map(|b| b.authors),
            Some(vec!["陈默".to_string()])
        );
        let mut layers = Layers::embedded();
        layers.push(
            "bylines.toml",
            "site/rules/bylines.toml",
            "[words]\ncounter_labels = [\"播放\"]\nreading_time = [\"Minuten Lesezeit\"]\n",
        );
        let site = Rules::from_layers(&layers).unwrap();
        assert_eq!(parse_byline(line, &site).unwrap().authors, ["陈默"]);
        assert!(is_dateline("2024-05-14 · 5 Minuten Lesezeit", &site));
        // The defaults still count.
        assert_eq!(
            parse_byline("作者:陈默 阅读 12,368", &site)
                .unwrap()
                .authors,
            ["陈默"]
        );
    }

    #[test]
    fn a_site_bylines_file_adds_a_photo_agency() {
        let line = "Der Kanzler am Montag in Berlin (dpa)";
        let default = Rules::defaults().unwrap();
        assert_eq!(
            super::super::headings::caption(&default.bylines.captions, line),
            None
        );
        let mut layers = Layers::embedded();
        layers.push(
            "bylines.toml",
            "site/rules/bylines.toml",
            "[words]\ncaption_agencies = [\"dpa\"]\n",
        );
        let site = Rules::from_layers(&layers).unwrap();
        assert_eq!(
            super::super::headings::caption(&site.bylines.captions, line),
            Some(("Der Kanzler am Montag in Berlin", "(dpa)"))
        );
    }

    #[test]
    fn a_sentence_around_a_date_is_text_and_a_header_line_is_a_date_line() {
        let rules = Rules::defaults().unwrap();
        // Words run together once the separators go must not count as one word.
        let sentence = "Am 5. November 2021 wird sie 100 Jahre alt. Herzlichen Glückwunsch.";
        assert!(!is_date_line(sentence, &rules.dates));
        assert!(!is_dateline(sentence, &rules));
        for header in [
            "18.02.2022, 10:27 | Recht & Gesetz | Jetzt kommentieren",
            "Donnerstag, 4. November 2021",
            "January 13, 2020 at 08:45 AM | categories: Python, Mercurial",
        ] {
            assert!(is_dateline(header, &rules), "{header}");
        }
    }

    #[test]
    fn a_site_dates_file_adds_month_names_and_labels() {
        // Czech is not among the default languages.
        let line = "Publikováno 12. července 2024";
        let default = Rules::defaults().unwrap();
        assert!(find_date(line, true, &default.dates).is_none());
        let mut layers = Layers::embedded();
        layers.push(
            "dates.toml",
            "site/rules/dates.toml",
            "[read]\nmonths = [[\"ledna\"], [\"února\"], [\"března\"], [\"dubna\"], [\"května\"], [\"června\"], [\"července\"], [\"srpna\"], [\"září\"], [\"října\"], [\"listopadu\"], [\"prosince\"]]\npublished = [\"publikováno\"]\nline_words = [\"dne\"]\n",
        );
        let site = Rules::from_layers(&layers).unwrap();
        let hit = find_date(line, true, &site.dates).unwrap();
        assert_eq!(hit.date.ymd(), "2024-07-12");
        assert_eq!(hit.priority, 0);
        assert!(is_date_line(line, &site.dates));
        assert_eq!(
            find_date("5. června 2024", true, &site.dates)
                .unwrap()
                .date
                .ymd(),
            "2024-06-05"
        );
        // The defaults still read.
        assert_eq!(
            find_date("Mar 19, 2024", false, &site.dates)
                .unwrap()
                .date
                .ymd(),
            "2024-03-19"
        );
    }
}
