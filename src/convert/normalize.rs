//! Text normalisation for scraped text — deliberately *not* blind NFKC.
//!
//! - CJK compatibility characters (Kangxi radicals such as ⼊ U+2F0A, CJK radicals, compatibility
//!   ideographs) become the unified ideographs readers and search expect;
//! - NBSP and the other odd spaces become a plain space, zero-width characters go;
//! - full-width letters and digits become ASCII;
//! - full-width punctuation stays as it is (NFKC would flatten `，` to `,`).
//!
//! [`widen_punctuation`] is the opposite direction for Chinese text: the ASCII marks of
//! `rules/text.toml` `[widen]` (`, : ; ! ? ( )`) next to Chinese characters become full-width.

use unicode_normalization::UnicodeNormalization;

use crate::slug::is_cjk;
use crate::text::Punctuation;

/// Normalises characters; keeps line structure (one output line per input line).
pub fn normalize_chars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => out.push(' '),
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => {}
            '\t' => out.push(' '),
            // Kangxi radicals, CJK radicals supplement, compatibility ideographs: their NFKC form
            // is the unified ideograph (⼊ → 入, ⾦ → 金, 﨑 → 崎).
            '\u{2E80}'..='\u{2EFF}'
            | '\u{2F00}'..='\u{2FDF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{2F800}'..='\u{2FA1F}' => out.extend(c.to_string().nfkc()),
            // Full-width ASCII letters and digits (Ｏｐｅｎ → Open); not punctuation.
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                out.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c))
            }
            _ => out.push(c),
        }
    }
    out.nfc().collect()
}

/// Trims a line and collapses runs of spaces (ideographic spaces at the ends are trimmed too).
pub fn clean_line(line: &str) -> String {
    let t = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    let mut out = String::with_capacity(t.len());
    let mut space = false;
    for c in t.chars() {
        if c == ' ' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// Han ideographs and CJK punctuation/full-width forms: what counts as "Chinese" around a mark.
fn is_chinese(c: char) -> bool {
    is_cjk(c) || crate::text::is_cjk_punct(c)
}

/// The ASCII marks of `[widen]` an article's Chinese prose writes as its house style, to be
/// kept by [`widen_punctuation`]: one rule for text scrapes and HTML pages, read from the
/// prose itself.
///
/// Prose with no full-width mark at all was flattened on its way here (a scraper, an NFKC
/// pass, an ASCII-only CMS): every mark is widened. Prose that writes full-width marks was
/// typeset in Chinese style; an ASCII mark whose full-width form it never writes is the
/// publisher's choice (Xinhua's `(…)` beside its `，`) and stays, while one whose full-width
/// form it also writes (a stray `,` among `，`) is a slip and is widened. `(` and `)` go
/// together.
pub fn house_marks<'t>(prose: impl Iterator<Item = &'t str>, p: &Punctuation) -> Vec<char> {
    let wide: Vec<char> = p.widen.values().copied().collect();
    let mut seen: Vec<char> = Vec::new();
    for text in prose {
        for c in text.chars().filter(|c| wide.contains(c)) {
            if !seen.contains(&c) {
                seen.push(c);
            }
        }
    }
    if seen.is_empty() {
        return Vec::new();
    }
    let written = |ascii: char| p.widen.get(&ascii).is_some_and(|w| seen.contains(w));
    let mut keep: Vec<char> = p
        .widen
        .keys()
        .copied()
        .filter(|&c| !matches!(c, '(' | ')') && !written(c))
        .collect();
    if !written('(') && !written(')') {
        keep.extend(['(', ')']);
    }
    keep.sort_unstable();
    keep
}

/// ASCII marks touching Chinese text become full-width (`rules/text.toml` `[widen]`), for
/// Chinese articles.
///
/// A mark is widened when the character before or after it is Chinese (`OpenAI,远` → `OpenAI，远`;
/// `来源:The` → `来源：The`). Parentheses are widened as a pair when either neighbour outside or
/// anything inside is Chinese. Marks between ASCII characters (`8,192`, `14:20`, `https://`) stay.
///
/// `keep` lists the ASCII marks the article writes by its own house style ([`house_marks`]):
/// they stay as they are in a text that is typeset itself (writes a full-width mark); a text
/// with none was flattened, and every mark in it is widened.
pub fn widen_punctuation(text: &str, p: &Punctuation, keep: &[char]) -> String {
    let typeset = text.chars().any(|c| p.widen.values().any(|&w| w == c));
    let keep = if typeset { keep } else { &[] };
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = chars.clone();
    // Pair parentheses first.
    let mut stack: Vec<usize> = Vec::new();
    let widen = |c: char| p.widen.get(&c).filter(|_| !keep.contains(&c));
    let (open_w, close_w) = (widen('('), widen(')'));
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '(' if open_w.is_some() && close_w.is_some() => stack.push(i),
            ')' if open_w.is_some() && close_w.is_some() => {
                if let Some(open) = stack.pop() {
                    let before = open.checked_sub(1).map(|j| chars[j]);
                    let after = chars.get(i + 1).copied();
                    let inside = chars[open + 1..i].iter().any(|&c| is_cjk(c));
                    if inside || before.is_some_and(is_chinese) || after.is_some_and(is_chinese) {
                        out[open] = *open_w.unwrap_or(&'(');
                        out[i] = *close_w.unwrap_or(&')');
                    }
                }
            }
            _ => {}
        }
    }
    let mut result = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = out[i];
        if let Some(&wide) = widen(c).filter(|_| !matches!(c, '(' | ')')) {
            let before = i.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i + 1).copied();
            let after_space = after == Some(' ');
            let next_non_space = if after_space {
                chars.get(i + 2).copied()
            } else {
                after
            };
            let digits_around = before.is_some_and(|b| b.is_ascii_digit())
                && after.is_some_and(|a| a.is_ascii_digit());
            if !digits_around
                && (before.is_some_and(is_chinese) || next_non_space.is_some_and(is_chinese))
                // `?` and `!` repeated (`??`) or after ASCII punctuation stay as they are.
                && !after.is_some_and(|a| matches!(a, '/' | '='))
            {
                result.push(wide);
                // A full-width mark carries its own spacing: drop one following space.
                if after_space && next_non_space.is_some() {
                    i += 1;
                }
                i += 1;
                continue;
            }
        }
        result.push(c);
        i += 1;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compatibility_characters_become_unified() {
        assert_eq!(
            normalize_chars("加\u{2F0A}OKEx全球社群"),
            "加入OKEx全球社群"
        );
        assert_eq!(normalize_chars("多位\u{2F2F}程师"), "多位工程师");
        assert_eq!(normalize_chars("作者\u{a0}|\u{a0}鱼三隹"), "作者 | 鱼三隹");
        assert_eq!(normalize_chars("ＧＰＴ－５，价格"), "GPT－5，价格");
    }

    #[test]
    fn full_width_punctuation_is_not_flattened() {
        let s = "一家公司，让全球芯片巨头经历了“史上最大”的蒸发：约6000亿美元！（测试）";
        assert_eq!(normalize_chars(s), s);
    }

    #[test]
    fn ascii_punctuation_next_to_chinese_is_widened() {
        assert_eq!(
            widen_punctuation(
                "微软与 OpenAI,远没有看起来「亲密无间」",
                Punctuation::defaults(),
                &[]
            ),
            "微软与 OpenAI，远没有看起来「亲密无间」"
        );
        assert_eq!(
            widen_punctuation("交付节奏:从爬坡到满产", Punctuation::defaults(), &[]),
            "交付节奏：从爬坡到满产"
        );
        assert_eq!(
            widen_punctuation("深度求索(DeepSeek)上周发布", Punctuation::defaults(), &[]),
            "深度求索（DeepSeek）上周发布"
        );
        assert_eq!(
            widen_punctuation("约17%,市值", Punctuation::defaults(), &[]),
            "约17%，市值"
        );
        assert_eq!(
            widen_punctuation("什么是零知识证明?一文读懂", Punctuation::defaults(), &[]),
            "什么是零知识证明？一文读懂"
        );
    }

    #[test]
    fn ascii_punctuation_between_ascii_stays() {
        for s in [
            "8,192 tokens",
            "14:20",
            "https://www.jinse.cn/x",
            "GPT-4 (2023)",
            "A, B: C!",
        ] {
            assert_eq!(widen_punctuation(s, Punctuation::defaults(), &[]), s);
        }
        assert_eq!(
            widen_punctuation("时间 2024-03-05 14:20", Punctuation::defaults(), &[]),
            "时间 2024-03-05 14:20"
        );
    }

    #[test]
    fn a_site_text_file_widens_another_mark() {
        let p = Punctuation::defaults();
        assert_eq!(
            widen_punctuation("涨幅约17%，市值", p, &[]),
            "涨幅约17%，市值"
        );
        let site = Punctuation::from_layers(vec![
            toml::from_str(include_str!("../../rules/text.toml")).unwrap(),
            toml::from_str("[widen]\n\"%\" = \"％\"\n").unwrap(),
        ]);
        assert_eq!(
            widen_punctuation("涨幅约17%，市值", &site, &[]),
            "涨幅约17％，市值"
        );
        assert_eq!(widen_punctuation("OpenAI,远", &site, &[]), "OpenAI，远");
    }

    #[test]
    fn a_house_style_is_read_from_the_prose_and_kept() {
        let p = Punctuation::defaults();
        // Flattened prose (no full-width mark anywhere): every mark is widened.
        let flat = [
            "苹果AI入华寻找\"搭档\",百度与阿里谁能胜出",
            "深度求索(DeepSeek)发布:R1",
        ];
        let keep = house_marks(flat.into_iter(), p);
        assert!(keep.is_empty(), "{keep:?}");
        assert_eq!(
            widen_punctuation(flat[1], p, &keep),
            "深度求索（DeepSeek）发布：R1"
        );
        // Typeset prose with ASCII parentheses and full-width commas: the parentheses are the
        // publisher's style; a stray ASCII comma among full-width ones is a slip.
        let typeset = [
            "演出(此前已在保定市演出多场)，引起强烈反响。",
            "毕业生群体,学习",
        ];
        let keep = house_marks(typeset.into_iter(), p);
        assert!(keep.contains(&'(') && keep.contains(&')') && !keep.contains(&','));
        assert_eq!(
            widen_punctuation(typeset[0], p, &keep),
            "演出(此前已在保定市演出多场)，引起强烈反响。"
        );
        assert_eq!(
            widen_punctuation("群体,学习(此前)，引起", p, &keep),
            "群体，学习(此前)，引起"
        );
        // A paragraph with no full-width mark of its own was flattened: all of it is widened.
        assert_eq!(
            widen_punctuation("深度求索(DeepSeek)发布", p, &keep),
            "深度求索（DeepSeek）发布"
        );
    }
}
