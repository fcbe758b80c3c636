//! Text → index terms, the one definition shared by the indexer, the Rust query engine and
//! `templates/search.js` (which mirrors it line by line: change both together).
//!
//! Chinese (and other CJK) text has no spaces, so a run of CJK characters becomes its
//! overlapping bigrams (`大模型` → `大模`, `模型`); a run of one character is kept as is.
//! Everything else is split into words of letters and digits, lowercased, with the stop words
//! of `rules/search.toml` ([`StopWords`]) dropped and its plural endings folded ([`Plurals`]:
//! `chips` → `chip`, `companies` → `company`).
//! Full-width ASCII (`ＯｐｅｎＡＩ`) is read as ASCII. No dictionary, so no segmentation errors:
//! a query's bigrams are looked up the same way, whatever the word boundaries.

use crate::slug::is_cjk;

pub use super::rules::{Plurals, SearchRules, StopWords};

/// Longest word kept, in characters; longer runs (hashes, base64) are cut.
pub const MAX_WORD_CHARS: usize = 32;

/// Full-width ASCII to ASCII, then lowercase (one char may lowercase to several).
fn normalize(c: char, out: &mut impl FnMut(char)) {
    if c.is_ascii() {
        return out(c.to_ascii_lowercase());
    }
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    if c.is_ascii() {
        out(c.to_ascii_lowercase());
    } else if is_cjk(c) {
        out(c);
    } else {
        c.to_lowercase().for_each(out);
    }
}

/// Folds a plural by the first rule of `plurals` (longest ending first) that applies to
/// `word` (`chips` → `chip`, `boxes` → `box`, `companies` → `company` with the embedded
/// rules), writing a changed word to `out`. Only the ending is looked at, so the query side
/// folds the same way and both meet in the middle.
pub fn fold_plural<'a>(word: &'a str, plurals: &Plurals, out: &'a mut String) -> &'a str {
    let n = word.chars().count();
    for r in plurals.rules() {
        let Some(stem) = word.strip_suffix(r.ending.as_str()) else {
            continue;
        };
        if n < r.min_chars
            || !(r.after.is_empty() || r.after.iter().any(|a| stem.ends_with(a.as_str())))
        {
            continue;
        }
        if r.keep {
            return word;
        }
        if r.becomes.is_empty() {
            return stem;
        }
        out.clear();
        out.push_str(stem);
        out.push_str(&r.becomes);
        return out;
    }
    word
}

/// Tokenizer state between characters.
struct Terms<'s, F: FnMut(&str)> {
    emit: F,
    rules: &'s SearchRules,
    word: String,
    word_chars: usize,
    prev_cjk: Option<char>,
    cjk_run: usize,
    buf: String,
}

impl<F: FnMut(&str)> Terms<'_, F> {
    fn finish_word(&mut self) {
        if self.word_chars > 0 {
            let single_letter = self.word_chars == 1 && !self.word.chars().all(char::is_numeric);
            if !single_letter && !self.rules.stop_words.contains(&self.word) {
                (self.emit)(fold_plural(&self.word, &self.rules.plurals, &mut self.buf));
            }
            self.word.clear();
            self.word_chars = 0;
        }
    }

    fn finish_cjk(&mut self) {
        if self.cjk_run == 1
            && let Some(p) = self.prev_cjk
        {
            let mut b = [0u8; 4];
            (self.emit)(p.encode_utf8(&mut b));
        }
        self.prev_cjk = None;
        self.cjk_run = 0;
    }

    fn push(&mut self, c: char) {
        if is_cjk(c) {
            self.finish_word();
            if let Some(p) = self.prev_cjk {
                self.buf.clear();
                self.buf.push(p);
                self.buf.push(c);
                (self.emit)(&self.buf);
            }
            self.prev_cjk = Some(c);
            self.cjk_run += 1;
        } else if c.is_alphanumeric() {
            self.finish_cjk();
            if self.word_chars < MAX_WORD_CHARS {
                self.word.push(c);
            }
            self.word_chars += 1;
        } else {
            self.finish_word();
            self.finish_cjk();
        }
    }
}

/// Calls `emit` with every term of `text`, in order, repeats included.
pub fn terms(text: &str, rules: &SearchRules, emit: impl FnMut(&str)) {
    let mut t = Terms {
        emit,
        rules,
        word: String::new(),
        word_chars: 0,
        prev_cjk: None,
        cjk_run: 0,
        buf: String::new(),
    };
    for c in text.chars() {
        if is_cjk(c) {
            t.push(c); // the common case in Chinese text: nothing to normalize
        } else {
            normalize(c, &mut |n| t.push(n));
        }
    }
    t.finish_word();
    t.finish_cjk();
}

/// The distinct terms of a query, in order of first appearance.
pub fn query_terms(query: &str, rules: &SearchRules) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    terms(query, rules, |t| {
        if !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    });
    out
}

/// FNV-1a over UTF-8 bytes with a murmur3 finalizer: cheap, and the same in JavaScript
/// (`Math.imul`). Its top bits pick a term's shard.
pub fn hash32(term: &str, seed: u32) -> u32 {
    let mut h: u32 = 0x811c_9dc5 ^ seed;
    for b in term.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// A term's identity inside the indexer: the shard hash on top, a second hash below.
pub fn key(term: &str) -> u64 {
    (u64::from(hash32(term, 0)) << 32) | u64::from(hash32(term, 0x9e37_79b9))
}

/// Which of `1 << bits` shards holds `term`.
pub fn shard_of(term: &str, bits: u32) -> u32 {
    shard_of_key(key(term), bits)
}

pub fn shard_of_key(key: u64, bits: u32) -> u32 {
    if bits == 0 {
        0
    } else {
        (key >> (64 - bits)) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut v = Vec::new();
        terms(text, &SearchRules::default(), |t| v.push(t.to_string()));
        v
    }

    #[test]
    fn chinese_becomes_bigrams_and_latin_words() {
        assert_eq!(all("大模型"), ["大模", "模型"]);
        assert_eq!(all("微软与OpenAI合作"), ["微软", "软与", "openai", "合作"]);
        assert_eq!(all("芯片，锂"), ["芯片", "锂"]);
        assert_eq!(all("ＯｐｅｎＡＩ 融资"), ["openai", "融资"]);
    }

    #[test]
    fn english_folds_case_plurals_and_stop_words() {
        assert_eq!(all("The Chips"), ["chip"]);
        assert_eq!(
            all("companies boxes classes status news"),
            ["company", "box", "class", "status", "new"]
        );
        assert_eq!(all("GPT-4 is a model"), ["gpt", "4", "model"]);
        assert_eq!(all("Nvidia's AWS iOS"), ["nvidia", "aws", "ios"]);
        assert_eq!(
            all("ties wishes matches buzzes phones buses virus analysis bus xes"),
            [
                "tie", "wish", "match", "buzz", "phone", "buse", "virus", "analysis", "bus", "xes"
            ]
        );
    }

    #[test]
    fn query_terms_are_distinct() {
        assert_eq!(
            query_terms("OpenAI openai 融资", &SearchRules::default()),
            ["openai", "融资"]
        );
    }
}
