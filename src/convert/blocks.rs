//! Text scrapes as blocks, and the text measures the stages ask of a block.
//!
//! A text scrape gives one block per non-empty line (a scraper puts every paragraph, heading,
//! caption and chrome item on its own line); HTML scrapes give the same [`Block`]s from
//! `html/`. The block types live in [`super::model`] (re-exported here for the stages that
//! name them through this module); this file must not grow Markdown or HTML knowledge.

pub use super::model::{Block, Decision, Drop, Hint, Markup, Role};
use super::normalize::clean_line;
use crate::text::Marks;

/// Splits normalised text into line blocks.
pub fn split_lines(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut gap = true;
    for (i, raw) in text.lines().enumerate() {
        let line = clean_line(raw);
        if line.is_empty() {
            gap = true;
            continue;
        }
        blocks.push(Block::new(i + 1, line, gap, Hint::None));
        gap = false;
    }
    blocks
}

/// Size of a text in "units": one per Han character, two per Latin word.
pub fn units(text: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in text.chars() {
        if crate::slug::is_cjk(c) {
            n += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                n += 2;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    n
}

/// Number of Latin words (for English thresholds).
pub fn words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// The last character that is not a closing quote or bracket.
pub fn last_mark(m: &Marks, text: &str) -> Option<char> {
    text.trim_end()
        .chars()
        .rev()
        .find(|c| !m.closers.contains(c))
}

/// Ends like a sentence (`。`, `.`, `！`, `…`), not like a title or a question.
pub fn ends_sentence(m: &Marks, text: &str) -> bool {
    last_mark(m, text).is_some_and(|c| m.sentence_end.contains(&c))
}

/// Whether `c`, followed by `next` and then `after`, ends a sentence inside a block.
fn inner_break(m: &Marks, c: char, next: char, after: Option<char>) -> bool {
    m.break_han.contains(&c)
        || (m.break_latin.contains(&c) && next == ' ' && after.is_some_and(char::is_uppercase))
}

/// Sentence terminators inside the text (not counting the end).
pub fn inner_sentences(m: &Marks, text: &str) -> usize {
    let chars: Vec<char> = text.trim_end().chars().collect();
    (0..chars.len().saturating_sub(1))
        .filter(|&i| inner_break(m, chars[i], chars[i + 1], chars.get(i + 2).copied()))
        .count()
}

/// Holds a comma of running text (a Latin one followed by a space).
fn has_comma(m: &Marks, text: &str) -> bool {
    text.char_indices()
        .any(|(i, c)| m.comma.contains(&c) && (!c.is_ascii() || text[i + 1..].starts_with(' ')))
}

/// Reads like article prose: sentences, not a label, title or menu item.
pub fn is_prose(m: &Marks, text: &str) -> bool {
    let u = units(text);
    let last = last_mark(m, text);
    let q = last.is_some_and(|c| m.question.contains(&c));
    (ends_sentence(m, text) && u >= 7)
        || (q && (u >= 40 || inner_sentences(m, text) >= 1))
        || (last.is_some_and(|c| m.colon.contains(&c)) && u >= 14)
        || (u >= 70 && (has_comma(m, text) || inner_sentences(m, text) >= 1))
}

/// A bullet list item: `• text`, `- text`, `* text`, `· text`.
pub fn bullet_text<'t>(m: &Marks, text: &'t str) -> Option<&'t str> {
    let t = text.trim_start();
    let mut chars = t.chars();
    let first = chars.next()?;
    if m.bullet.contains(&first) || m.bullet_tight.contains(&first) {
        let rest = chars.as_str();
        let trimmed = rest.trim_start();
        if trimmed.is_empty() || (first == '*' && trimmed.starts_with('*')) {
            return None;
        }
        if rest.starts_with(' ') || m.bullet_tight.contains(&first) {
            return Some(trimmed);
        }
    }
    None
}

/// Splits a paragraph before sentence starts; returns the byte offset where the sentence holding
/// `pos` begins.
pub fn sentence_start(m: &Marks, text: &str, pos: usize) -> usize {
    let is_break = |c: char| m.break_han.contains(&c) || m.break_latin.contains(&c);
    // Step over terminators and spaces the match may start with (`。声明：`).
    let mut pos = pos;
    while let Some(c) = text[pos..].chars().next() {
        if is_break(c) || c == ' ' {
            pos += c.len_utf8();
        } else {
            break;
        }
    }
    let mut start = 0;
    for (i, c) in text[..pos].char_indices() {
        let after = i + c.len_utf8();
        let next = text[after..].chars().next();
        let boundary = m.break_han.contains(&c)
            || (m.break_latin.contains(&c)
                && next.is_some_and(|n| n == ' ' || crate::slug::is_cjk(n)));
        if boundary {
            start = after;
        }
    }
    // Closing quotes belong to the sentence before.
    let rest = &text[start..];
    let skip: usize = rest
        .chars()
        .take_while(|c| m.closers.contains(c) || *c == ' ')
        .map(char::len_utf8)
        .sum();
    start + skip
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m() -> &'static Marks {
        &crate::text::Punctuation::defaults().blocks
    }

    fn is_prose(text: &str) -> bool {
        super::is_prose(m(), text)
    }

    fn sentence_start(text: &str, pos: usize) -> usize {
        super::sentence_start(m(), text, pos)
    }

    #[test]
    fn lines_become_blocks_with_gaps() {
        let b = split_lines("标题\n\n作者 | 甲\n编辑 | 乙\n");
        assert_eq!(b.len(), 3);
        assert!(b[0].gap_before && b[1].gap_before && !b[2].gap_before);
        assert_eq!(b[2].line, 4);
    }

    #[test]
    fn prose_and_not_prose() {
        assert!(is_prose("看似亲密无间的微软与 OpenAI，隐忧已经浮现。"));
        assert!(is_prose(
            "Buyers should size positions with that volatility in mind."
        ));
        assert!(!is_prose("和全球数字资产投资者交流讨论"));
        assert!(!is_prose("What Is a GPU and Why Does AI Need So Many?"));
        assert!(!is_prose("扫码下载，行情资讯随时看"));
    }

    #[test]
    fn sentence_start_finds_the_disclaimer_sentence() {
        let t = "需警惕估值透支的风险。免责声明:数字资产交易涉及重大风险。";
        let pos = t.find("免责").unwrap();
        assert_eq!(
            &t[sentence_start(t, pos)..],
            "免责声明:数字资产交易涉及重大风险。"
        );
        let t = "Fine. No financial advice.";
        assert_eq!(sentence_start(t, t.find("financial").unwrap()), 6);
        let t = "本文不构成投资建议。声明：本文转载自极客视界";
        let pos = t.find("。声明").unwrap();
        assert_eq!(&t[sentence_start(t, pos)..], "声明：本文转载自极客视界");
    }
}
