//! Text measures that treat Chinese as Chinese: script of a character, word counts per
//! script, reading time, sentence ends and summaries cut at one. The punctuation comes from
//! data: `rules/text.toml` (embedded; [`Punctuation::defaults`]) extended by a site's own file
//! (the rules layer parses the layers and calls [`Punctuation::from_layers`]). No I/O here.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::slug::is_cjk;

/// The writing system of a character, as far as the measures care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Han, kana, hangul and CJK punctuation: one character is one unit, no spaces between words.
    Cjk,
    /// Letters and digits of alphabetic scripts.
    Latin,
    /// White space, punctuation, symbols.
    Other,
}

/// The script of one character.
pub fn script(c: char) -> Script {
    if is_cjk(c) {
        Script::Cjk
    } else if c.is_alphanumeric() {
        Script::Latin
    } else {
        Script::Other
    }
}

/// CJK punctuation and full-width forms (the Unicode blocks, plus the curly quotes, `…` and
/// `—` Chinese text sets with them): what counts as Chinese around a mark.
pub fn is_cjk_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF5B}'..='\u{FF65}' | '“' | '”' | '‘' | '’' | '…' | '—')
}

/// One layer of `rules/text.toml` as written (see the file for what each key is for).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawText {
    #[serde(default)]
    sentence_end: BTreeMap<String, String>,
    #[serde(default)]
    closers: BTreeMap<String, String>,
    #[serde(default)]
    trailing: BTreeMap<String, String>,
    #[serde(default)]
    title: RawTitle,
    #[serde(default)]
    blocks: BTreeMap<String, String>,
    #[serde(default)]
    widen: BTreeMap<String, String>,
    #[serde(default)]
    headings: RawHeadings,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeadings {
    #[serde(default)]
    section_words: Option<Vec<String>>,
    #[serde(default)]
    section_units: Option<Vec<String>>,
    #[serde(default)]
    number_units: Option<String>,
    #[serde(default)]
    slide_words: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTitle {
    #[serde(default)]
    separators: Vec<String>,
}

/// Punctuation per script, compiled from `rules/text.toml`.
#[derive(Debug, Clone)]
pub struct Punctuation {
    /// Marks that end a sentence wherever they stand (`。！？…`).
    pub han_stops: Vec<char>,
    /// Marks that end a sentence before white space, CJK, a quote or the end (`.!?`).
    pub latin_stops: Vec<char>,
    /// Closing quotes and brackets kept with the sentence they end.
    pub closers: Vec<char>,
    /// Marks trimmed before the `…` of a summary cut mid-sentence.
    pub trailing: Vec<char>,
    /// What stands between a headline and the site's name in a `<title>`.
    pub title_separators: Vec<String>,
    /// How `convert` reads the punctuation of a scraped block.
    pub blocks: Marks,
    /// ASCII marks and their full-width forms, for Chinese text (`,` → `，`).
    pub widen: BTreeMap<char, char>,
}

/// The marks `convert` reads a scraped block by (`[blocks]` of `rules/text.toml`; see the
/// file for what each set is for). Each field is a set of characters.
#[derive(Debug, Clone)]
pub struct Marks {
    pub closers: Vec<char>,
    pub sentence_end: Vec<char>,
    pub question: Vec<char>,
    pub colon: Vec<char>,
    pub comma: Vec<char>,
    pub break_han: Vec<char>,
    pub break_latin: Vec<char>,
    pub bullet: Vec<char>,
    pub bullet_tight: Vec<char>,
    pub openers: Vec<char>,
    pub title_end: Vec<char>,
    pub full_stop: Vec<char>,
    /// A section number and the heading after it (`01…`, `一、…`, `第二章 …`, `Part 2: …`);
    /// groups `d` (a bare number), `sep` (after it) and `rest` (the heading).
    pub numbered: Regex,
    /// A section number alone on its line.
    pub number_only: Regex,
    /// What follows a number that starts a sentence, not a heading (`10万台`, `3月`, `2%`).
    pub number_units: Vec<char>,
    /// A slide counter at the start of a gallery caption (`3/50 …`, `3 of 50 …`); groups `k`
    /// and `n`.
    pub slide_counter: Regex,
}

const DEFAULT_TEXT: &str = include_str!("../rules/text.toml");

static DEFAULTS: LazyLock<Punctuation> = LazyLock::new(|| {
    let raw: RawText = toml::from_str(DEFAULT_TEXT).expect("the embedded rules/text.toml parses");
    Punctuation::from_layers(vec![raw])
});

/// The alternation of a `[headings]` word list.
fn words(list: &Option<Vec<String>>) -> String {
    crate::pattern::alternation(list.iter().flatten(), "{}")
}

fn numbered(h: &RawHeadings) -> Regex {
    let src = format!(
        r"(?x)^(?:
            (?P<d>0?\d{{1,2}})\s*(?P<sep>[、.．:：)）]|\s)?\s*
          | [一二三四五六七八九十]{{1,3}}\s*[、.．:：]\s*
          | [(（][一二三四五六七八九十\d]{{1,3}}[)）]\s*
          | 第[一二三四五六七八九十\d]{{1,3}}{units}\s*[:：、.．]?\s*
          | (?i:{words})\s*\d{{1,2}}\s*[:：.\-–—]?\s*
        )(?P<rest>\S.*)$",
        units = words(&h.section_units),
        words = words(&h.section_words).replace(' ', r"\ "),
    );
    Regex::new(&src).expect("escaped words make a valid pattern")
}

fn number_only(h: &RawHeadings) -> Regex {
    let src = format!(
        r"^(?:0?\d{{1,2}}|[一二三四五六七八九十]{{1,3}}|(?i:{})\s*\d{{1,2}}|第[一二三四五六七八九十\d]{{1,3}}{})[.、．]?$",
        words(&h.section_words),
        words(&h.section_units),
    );
    Regex::new(&src).expect("escaped words make a valid pattern")
}

fn slide_counter(h: &RawHeadings) -> Regex {
    let src = format!(
        r"^(?P<k>\d{{1,3}})\s*(?:/|\s(?i:{})\s)\s*(?P<n>\d{{1,3}})(?:\s|$)",
        words(&h.slide_words),
    );
    Regex::new(&src).expect("escaped words make a valid pattern")
}

/// The character of a one-character string.
fn one_char(s: &str) -> Option<char> {
    let mut c = s.chars();
    c.next().filter(|_| c.next().is_none())
}

impl Punctuation {
    /// The embedded `rules/text.toml`.
    pub fn defaults() -> &'static Punctuation {
        &DEFAULTS
    }

    /// Layers in order: a later layer's key replaces the same key of an earlier one; title
    /// separators add up.
    pub fn from_layers(layers: Vec<RawText>) -> Punctuation {
        let mut merged = RawText::default();
        for l in layers {
            merged.sentence_end.extend(l.sentence_end);
            merged.closers.extend(l.closers);
            merged.trailing.extend(l.trailing);
            merged.blocks.extend(l.blocks);
            merged.widen.extend(l.widen);
            let h = l.headings;
            merged.headings.section_words = h.section_words.or(merged.headings.section_words);
            merged.headings.section_units = h.section_units.or(merged.headings.section_units);
            merged.headings.number_units = h.number_units.or(merged.headings.number_units);
            merged.headings.slide_words = h.slide_words.or(merged.headings.slide_words);
            for sep in l.title.separators {
                if !merged.title.separators.contains(&sep) {
                    merged.title.separators.push(sep);
                }
            }
        }
        let chars = |m: &BTreeMap<String, String>, k: &str| -> Vec<char> {
            m.get(k).map(|s| s.chars().collect()).unwrap_or_default()
        };
        Punctuation {
            han_stops: chars(&merged.sentence_end, "han"),
            latin_stops: chars(&merged.sentence_end, "latin"),
            closers: chars(&merged.closers, "summary"),
            trailing: chars(&merged.trailing, "summary"),
            title_separators: merged.title.separators,
            widen: merged
                .widen
                .iter()
                .filter_map(|(k, v)| Some((one_char(k)?, one_char(v)?)))
                .collect(),
            blocks: Marks {
                closers: chars(&merged.blocks, "closers"),
                sentence_end: chars(&merged.blocks, "sentence_end"),
                question: chars(&merged.blocks, "question"),
                colon: chars(&merged.blocks, "colon"),
                comma: chars(&merged.blocks, "comma"),
                break_han: chars(&merged.blocks, "break_han"),
                break_latin: chars(&merged.blocks, "break_latin"),
                bullet: chars(&merged.blocks, "bullet"),
                bullet_tight: chars(&merged.blocks, "bullet_tight"),
                openers: chars(&merged.blocks, "openers"),
                title_end: chars(&merged.blocks, "title_end"),
                full_stop: chars(&merged.blocks, "full_stop"),
                numbered: numbered(&merged.headings),
                number_only: number_only(&merged.headings),
                slide_counter: slide_counter(&merged.headings),
                number_units: merged
                    .headings
                    .number_units
                    .as_deref()
                    .unwrap_or_default()
                    .chars()
                    .collect(),
            },
        }
    }

    /// Whether `c` at byte `idx` of `text` ends a sentence.
    pub fn is_sentence_end(&self, text: &str, idx: usize, c: char) -> bool {
        if self.han_stops.contains(&c) {
            return true;
        }
        // A Latin stop ends a sentence only before white space or the end ("3.5" does not).
        self.latin_stops.contains(&c)
            && text[idx + c.len_utf8()..]
                .chars()
                .next()
                .is_none_or(|n| n.is_whitespace() || is_cjk(n) || n == '"' || n == '”')
    }

    /// Whether the text ends a sentence (closing quotes and brackets aside).
    pub fn ends_sentence(&self, text: &str) -> bool {
        let t = text
            .trim_end()
            .trim_end_matches(|c| self.closers.contains(&c));
        t.chars()
            .last()
            .is_some_and(|c| self.han_stops.contains(&c) || self.latin_stops.contains(&c))
    }
}

/// Words in a text, counted per script: each CJK character is one unit, each run of
/// Latin letters/digits is one word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WordCount {
    pub cjk_chars: usize,
    pub latin_words: usize,
}

impl WordCount {
    pub fn total(&self) -> usize {
        self.cjk_chars + self.latin_words
    }
}

pub fn count_words(text: &str) -> WordCount {
    let mut wc = WordCount::default();
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk(c) {
            wc.cjk_chars += 1;
            in_word = false;
        } else if c.is_alphanumeric() || (in_word && (c == '\'' || c == '’' || c == '-')) {
            if !in_word {
                wc.latin_words += 1;
                in_word = true;
            }
        } else {
            in_word = false;
        }
    }
    wc
}

/// Minutes to read, rounded up, at least 1: CJK characters and Latin words are timed
/// at their own speeds and added.
pub fn reading_minutes(wc: WordCount, cjk_per_minute: u32, words_per_minute: u32) -> u32 {
    let minutes = wc.cjk_chars as f64 / f64::from(cjk_per_minute.max(1))
        + wc.latin_words as f64 / f64::from(words_per_minute.max(1));
    (minutes.ceil() as u32).max(1)
}

/// A summary of at most `budget` characters, cut after the last sentence end that fits.
/// A text with no sentence end within the budget is cut at a word boundary and ends in `…`.
/// Never cuts inside a character.
pub fn summarize(text: &str, budget: usize) -> String {
    summarize_with(text, budget, Punctuation::defaults())
}

/// [`summarize`] with a site's punctuation.
pub fn summarize_with(text: &str, budget: usize, p: &Punctuation) -> String {
    let text = text.trim();
    let mut last_end = None;
    let mut cut_at = text.len();
    for (count, (i, c)) in text.char_indices().enumerate() {
        if count == budget {
            cut_at = i;
            break;
        }
        if p.is_sentence_end(text, i, c) {
            let mut end = i + c.len_utf8();
            // Keep a closing quote or bracket that belongs to the sentence.
            for q in text[end..].chars() {
                if p.closers.contains(&q) {
                    end += q.len_utf8();
                } else {
                    break;
                }
            }
            last_end = Some(end);
        }
    }
    if cut_at == text.len() {
        return text.to_string();
    }
    if let Some(end) = last_end {
        return text[..end].trim().to_string();
    }
    let head = &text[..cut_at];
    // Latin text: back up to a space so no word is cut.
    let head = match head.rfind(' ') {
        Some(sp) if !head.chars().any(is_cjk) && sp > head.len() / 2 => &head[..sp],
        _ => head,
    };
    format!("{}…", head.trim_end_matches(|c| p.trailing.contains(&c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_text_is_counted_per_script() {
        // 7 Han characters, 3 Latin words ("OpenAI", "GPT-4", "API").
        let wc = count_words("微软与 OpenAI 发布了 GPT-4 的 API。");
        assert_eq!(
            wc,
            WordCount {
                cjk_chars: 7,
                latin_words: 3
            }
        );
    }

    #[test]
    fn reading_time_adds_the_two_scripts() {
        // 800 Han at 400/min = 2 min, 440 words at 220/min = 2 min → 4 minutes.
        let text = "字".repeat(800) + &" word".repeat(440);
        let wc = count_words(&text);
        assert_eq!(wc.cjk_chars, 800);
        assert_eq!(wc.latin_words, 440);
        assert_eq!(reading_minutes(wc, 400, 220), 4);
        // One Chinese character in an English text does not make it "all Chinese".
        let wc = count_words(&(" word".repeat(1100) + "中"));
        assert_eq!(reading_minutes(wc, 400, 220), 6);
        assert_eq!(reading_minutes(WordCount::default(), 400, 220), 1);
    }

    #[test]
    fn summary_cuts_at_sentence_end() {
        let s = summarize(
            "看似亲密无间的微软与 OpenAI，隐忧已经浮现。近日，根据报道，微软的一份内部文件指示销售人员。",
            30,
        );
        assert_eq!(s, "看似亲密无间的微软与 OpenAI，隐忧已经浮现。");
        let s = summarize(
            "Version 3.5 ships today. It is faster than ever before.",
            40,
        );
        assert_eq!(s, "Version 3.5 ships today.");
    }

    #[test]
    fn a_site_text_file_extends_the_punctuation() {
        let default: RawText = toml::from_str(DEFAULT_TEXT).unwrap();
        let site: RawText =
            toml::from_str("[sentence_end]\nlatin = \".!?;\"\n[title]\nseparators = [\" ~ \"]\n")
                .unwrap();
        let p = Punctuation::from_layers(vec![default, site]);
        assert_eq!(p.latin_stops, ['.', '!', '?', ';']);
        // Keys the site does not set stay as they were.
        assert_eq!(p.han_stops, Punctuation::defaults().han_stops);
        assert!(p.title_separators.contains(&" | ".to_string()));
        assert!(p.title_separators.contains(&" ~ ".to_string()));
        assert_eq!(summarize_with("One; two three four", 6, &p), "One;");
        assert_eq!(script('中'), Script::Cjk);
        assert!(p.ends_sentence("他说：“好。”"));
    }

    #[test]
    fn summary_without_sentence_end_is_cut_cleanly() {
        let s = summarize(&"长".repeat(50), 10);
        assert_eq!(s, format!("{}…", "长".repeat(10)));
        let s = summarize("one two three four five six seven", 20);
        assert_eq!(s, "one two three four…");
        assert_eq!(summarize("短文。", 100), "短文。");
    }
}
