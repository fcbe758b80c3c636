//! The shared document model: a scrape as a sequence of blocks, each with a decision.
//!
//! Text scrapes give one block per non-empty line (a scraper puts every paragraph, heading,
//! caption and chrome item on its own line). HTML scrapes will produce the same `Block`s. The
//! boilerplate stage fills in [`Decision`]s; a tagger uses only [`Block::kept_text`].

use super::normalize::clean_line;

/// What a kept block is in the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Paragraph,
    /// A section heading; the text is without its numbering.
    Heading,
    /// An image caption with content (`说明 | 图片来源:X`), rendered as an italic paragraph.
    Caption,
    /// An item of a bullet list.
    ListItem,
    /// A quoted paragraph (HTML `<blockquote>`).
    Quote,
    /// A table row (HTML `<tr>`); the cells are in the block's [`Hint::TableRow`].
    TableRow,
    /// A code block (HTML `<pre>`); the code is in the block's [`Markup::inline`].
    Code,
    /// An image (HTML `<img>`); source and alt text are in [`Markup::image`].
    Image,
}

/// What the markup said about a block (HTML scrapes); text scrapes have no hints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Hint {
    #[default]
    None,
    /// `<h1>`: the page's headline.
    Title,
    /// `<h2>`…`<h6>`.
    Heading,
    ListItem,
    /// `<figcaption>`.
    Caption,
    Quote,
    /// A `<tr>`: its cells, and whether it is a header row.
    TableRow(Vec<String>, bool),
    /// `<pre>`.
    Code,
    /// `<img>` on its own.
    Image,
}

/// How an HTML block is written in Markdown, beyond its plain text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Markup {
    /// The block as inline Markdown (links, emphasis, code), already escaped; for a code block
    /// the raw code.
    pub inline: String,
    /// Heading level (1–6).
    pub level: u8,
    /// List nesting (0 = top level).
    pub depth: u8,
    /// The number of an ordered list item.
    pub ordered: Option<u32>,
    /// A code block's language.
    pub lang: Option<String>,
    /// An image's absolute source and alt text.
    pub image: Option<(String, String)>,
    /// A table row's cells as inline Markdown.
    pub cells: Vec<String>,
}

/// Why (part of) a block was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drop {
    /// Rule id, e.g. `disclaimer.zh-label` or `structure.footer`.
    pub rule: String,
    pub reason: String,
    /// The dropped text (the whole block, or the tail a `cut` rule removed).
    pub text: String,
}

/// The decision about one block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Not decided yet (the stages run in order).
    Open,
    Keep(Role),
    Drop(Drop),
}

/// One line of the scrape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// 1-based line in the decoded input.
    pub line: usize,
    /// The normalised line, trimmed.
    pub text: String,
    /// A blank line precedes this block.
    pub gap_before: bool,
    pub decision: Decision,
    /// The article text of a kept block; shorter than `text` when a cut rule removed a tail.
    pub kept: String,
    /// A tail removed from a kept block (a disclaimer glued to the last sentence).
    pub cut: Option<Drop>,
    pub hint: Hint,
    /// HTML scrapes: how the block is written (used while the block's text is unchanged).
    pub markup: Option<Markup>,
}

impl Block {
    pub fn new(line: usize, text: String, gap_before: bool, hint: Hint) -> Block {
        Block {
            line,
            kept: text.clone(),
            text,
            gap_before,
            decision: Decision::Open,
            cut: None,
            hint,
            markup: None,
        }
    }

    pub fn is_open(&self) -> bool {
        self.decision == Decision::Open
    }

    pub fn is_dropped(&self) -> bool {
        matches!(self.decision, Decision::Drop(_))
    }

    pub fn role(&self) -> Option<Role> {
        match self.decision {
            Decision::Keep(r) => Some(r),
            _ => None,
        }
    }

    /// The text that is article text, if any.
    pub fn kept_text(&self) -> Option<&str> {
        match self.decision {
            Decision::Keep(_) => Some(&self.kept),
            _ => None,
        }
    }

    pub fn drop(&mut self, rule: &str, reason: &str) {
        self.decision = Decision::Drop(Drop {
            rule: rule.to_string(),
            reason: reason.to_string(),
            text: self.text.clone(),
        });
    }

    /// All drops this block contributes (whole block or cut tail).
    pub fn drops(&self) -> impl Iterator<Item = &Drop> {
        let whole = match &self.decision {
            Decision::Drop(d) => Some(d),
            _ => None,
        };
        whole.into_iter().chain(self.cut.as_ref())
    }
}

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

const CLOSERS: &[char] = &['”', '’', '"', '\'', '」', '』', ')', '）', '*', '】', '》'];

/// The last character that is not a closing quote or bracket.
pub fn last_mark(text: &str) -> Option<char> {
    text.trim_end().chars().rev().find(|c| !CLOSERS.contains(c))
}

/// Ends like a sentence (`。`, `.`, `！`, `…`), not like a title or a question.
pub fn ends_sentence(text: &str) -> bool {
    matches!(
        last_mark(text),
        Some('。' | '.' | '！' | '!' | '…' | '；' | ';' | '．')
    )
}

/// Sentence terminators inside the text (not counting the end).
pub fn inner_sentences(text: &str) -> usize {
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
    let u = units(text);
    let q = matches!(last_mark(text), Some('？' | '?'));
    (ends_sentence(text) && u >= 7)
        || (q && (u >= 40 || inner_sentences(text) >= 1))
        || (matches!(last_mark(text), Some(':' | '：')) && u >= 14)
        || (u >= 70 && (text.contains('，') || text.contains(", ") || inner_sentences(text) >= 1))
}

/// A bullet list item: `• text`, `- text`, `* text`, `· text`.
pub fn bullet_text(text: &str) -> Option<&str> {
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
