//! Text scrapes as blocks, and the text measures the stages ask of a block.
//!
//! A text scrape gives one block per non-empty line (a scraper puts every paragraph, heading,
//! caption and chrome item on its own line); HTML scrapes give the same [`Block`]s from
//! `html/`. The block types live in [`super::model`] (re-exported here for the stages that
//! name them through this module); this file must not grow Markdown or HTML knowledge.

pub use super::model::{Block, Decision, Drop, Hint, Markup, Role};
use super::normalize::clean_line;

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

// TODO(text): closing quotes and brackets, one set in the text module.
const CLOSERS: &[char] = &['”', '’', '"', '\'', '」', '』', ')', '）', '*', '】', '》'];

/// The last character that is not a closing quote or bracket.
pub fn last_mark(text: &str) -> Option<char> {
    text.trim_end().chars().rev().find(|c| !CLOSERS.contains(c))
}

/// Ends like a sentence (`。`, `.`, `！`, `…`), not like a title or a question.
pub fn ends_sentence(text: &str) -> bool {
    // TODO(text): sentence ends per script, from the text module.
    matches!(
        last_mark(text),
        Some('。' | '.' | '！' | '!' | '…' | '；' | ';' | '．')
    )
}

/// Sentence terminators inside the text (not counting the end).
pub fn inner_sentences(text: &str) -> usize {
    // TODO(text): sentence terminators per script, from the text module.
    let t = text.trim_end();
    let chars: Vec<char> = t.chars().collect();
    let mut n = 0;
    for (i, &c) in chars.iter().enumerate() {
        if i + 1 >= chars.len() {
            break;
        }
        let next = chars[i + 1];
        let end = match c {
            '。' | '！' | '？' | '；' => true,
            '.' | '!' | '?' => next == ' ' && chars.get(i + 2).is_some_and(|c| c.is_uppercase()),
            _ => false,
        };
        if end {
            n += 1;
        }
    }
    n
}

/// Reads like article prose: sentences, not a label, title or menu item.
pub fn is_prose(text: &str) -> bool {
    // TODO(text): question and colon marks, from the text module.
    let u = units(text);
    let q = matches!(last_mark(text), Some('？' | '?'));
    (ends_sentence(text) && u >= 7)
        || (q && (u >= 40 || inner_sentences(text) >= 1))
        || (matches!(last_mark(text), Some(':' | '：')) && u >= 14)
        || (u >= 70 && (text.contains('，') || text.contains(", ") || inner_sentences(text) >= 1))
}

/// A bullet list item: `• text`, `- text`, `* text`, `· text`.
pub fn bullet_text(text: &str) -> Option<&str> {
    // TODO(text): bullet marks, from the text module.
    let t = text.trim_start();
    let mut chars = t.chars();
    let first = chars.next()?;
    if matches!(
        first,
        '•' | '·' | '▪' | '●' | '◦' | '‣' | '-' | '*' | '–' | '∙' | '■' | '□'
    ) {
        let rest = chars.as_str();
        let trimmed = rest.trim_start();
        if trimmed.is_empty() || (first == '*' && trimmed.starts_with('*')) {
            return None;
        }
        if rest.starts_with(' ') || matches!(first, '•' | '·' | '▪' | '●' | '◦' | '‣' | '∙' | '■')
        {
            return Some(trimmed);
        }
    }
    None
}

/// Splits a paragraph before sentence starts; returns the byte offset where the sentence holding
/// `pos` begins.
pub fn sentence_start(text: &str, pos: usize) -> usize {
    // TODO(text): sentence terminators per script, from the text module.
    // Step over terminators and spaces the match may start with (`。声明：`).
    let mut pos = pos;
    while let Some(c) = text[pos..].chars().next() {
        if matches!(c, '。' | '！' | '？' | '；' | '.' | '!' | '?' | ';' | ' ') {
            pos += c.len_utf8();
        } else {
            break;
        }
    }
    let mut start = 0;
    for (i, c) in text[..pos].char_indices() {
        let after = i + c.len_utf8();
        let next = text[after..].chars().next();
        let boundary = match c {
            '。' | '！' | '？' | '；' => true,
            '.' | '!' | '?' | ';' => next.is_some_and(|n| n == ' ' || crate::slug::is_cjk(n)),
            _ => false,
        };
        if boundary {
            start = after;
        }
    }
    // Closing quotes belong to the sentence before.
    let rest = &text[start..];
    let skip: usize = rest
        .chars()
        .take_while(|c| CLOSERS.contains(c) || *c == ' ')
        .map(char::len_utf8)
        .sum();
    start + skip
}

#[cfg(test)]
mod tests {
    use super::*;

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
