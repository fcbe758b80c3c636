//! Text measures that treat Chinese as Chinese: word counts per script, reading time,
//! and summaries cut at a sentence end.

use serde::Serialize;

use crate::slug::is_cjk;

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

fn is_sentence_end(text: &str, idx: usize, c: char) -> bool {
    match c {
        '。' | '！' | '？' | '…' => true,
        '.' | '!' | '?' => {
            // A Latin stop ends a sentence only before white space or the end ("3.5" does not).
            text[idx + c.len_utf8()..]
                .chars()
                .next()
                .is_none_or(|n| n.is_whitespace() || is_cjk(n) || n == '"' || n == '”')
        }
        _ => false,
    }
}

/// A summary of at most `budget` characters, cut after the last sentence end that fits.
/// A text with no sentence end within the budget is cut at a word boundary and ends in `…`.
/// Never cuts inside a character.
pub fn summarize(text: &str, budget: usize) -> String {
    let text = text.trim();
    let mut last_end = None;
    let mut cut_at = text.len();
    for (count, (i, c)) in text.char_indices().enumerate() {
        if count == budget {
            cut_at = i;
            break;
        }
        if is_sentence_end(text, i, c) {
            let mut end = i + c.len_utf8();
            // Keep a closing quote or bracket that belongs to the sentence.
            for q in text[end..].chars() {
                if matches!(q, '」' | '”' | '"' | '』' | '）' | ')') {
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
    format!(
        "{}…",
        head.trim_end_matches([' ', ',', '，', '、', ';', '；', ':', '：'])
    )
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
    fn summary_without_sentence_end_is_cut_cleanly() {
        let s = summarize(&"长".repeat(50), 10);
        assert_eq!(s, format!("{}…", "长".repeat(10)));
        let s = summarize("one two three four five six seven", 20);
        assert_eq!(s, "one two three four…");
        assert_eq!(summarize("短文。", 100), "短文。");
    }
}
