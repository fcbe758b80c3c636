//! URL slugs. Chinese (and any non-Latin script) is transliterated: 微软 → `wei-ruan`.

/// Lowercase ASCII slug of `text`: letters and digits joined by single `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    let mut buf = [0u8; 4];
    for ch in text.chars() {
        let translit: &str = if ch.is_ascii() {
            ch.encode_utf8(&mut buf)
        } else if let Some(t) = reading_override(ch) {
            t
        } else {
            deunicode::deunicode_char(ch).unwrap_or(" ")
        };
        // deunicode gives "Wei " for 微: a trailing space separates syllables.
        let syllable_break = !ch.is_ascii() && is_cjk(ch);
        if syllable_break {
            pending_dash = !out.is_empty();
        }
        for c in translit.chars() {
            if c.is_ascii_alphanumeric() {
                if pending_dash && !out.is_empty() {
                    out.push('-');
                }
                pending_dash = false;
                out.push(c.to_ascii_lowercase());
            } else {
                pending_dash = true;
            }
        }
        if syllable_break {
            pending_dash = true;
        }
    }
    out
}

/// The slug Zola gives a file name or `slug` with `[slugify] paths = "on"` (the `slug`
/// crate's): each character that is not ASCII transliterated on its own by deunicode, runs
/// of anything but ASCII letters and digits become one `-`, none at either end. Unlike
/// [`slugify`], Latin letters or digits run straight into a following Han syllable
/// (`AI芯片` → `aixin-pian`, not `ai-xin-pian`) and 万 reads `mo` (`10万` → `10mo`): a site
/// moved from Zola keeps its URLs by asking for this (see [`crate::config::SlugifyConfig`]).
pub fn slugify_zola(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut after_dash = true; // no leading `-`
    let mut push = |b: u8| {
        if b.is_ascii_alphanumeric() {
            out.push(b.to_ascii_lowercase() as char);
            after_dash = false;
        } else if !after_dash {
            out.push('-');
            after_dash = true;
        }
    };
    for ch in text.chars() {
        if ch.is_ascii() {
            push(ch as u8);
        } else {
            deunicode::deunicode_char(ch)
                .unwrap_or("-")
                .bytes()
                .for_each(&mut push);
        }
    }
    if out.ends_with('-') {
        out.pop();
    }
    out
}

/// Characters whose usual reading in news text differs from deunicode's (万 is "wan" in
/// 10万, not "mo").
fn reading_override(ch: char) -> Option<&'static str> {
    Some(match ch {
        '万' | '萬' => "wan ",
        '行' => "xing ",
        '重' => "zhong ",
        _ => return None,
    })
}

/// A slug for a title: [`slugify`], cut at a word boundary to at most `max` characters.
pub fn slugify_title(text: &str, max: usize) -> String {
    let s = slugify(text);
    if s.len() <= max {
        return s;
    }
    let cut = s[..=max].rfind('-').unwrap_or(max);
    s[..cut].trim_end_matches('-').to_string()
}

/// Han ideographs, kana, hangul and their punctuation block.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'   // kana
        | '\u{3400}'..='\u{4DBF}' // CJK ext A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified
        | '\u{F900}'..='\u{FAFF}' // compatibility ideographs
        | '\u{AC00}'..='\u{D7AF}' // hangul
        | '\u{20000}'..='\u{2FA1F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_becomes_pinyin_syllables() {
        assert_eq!(slugify("微软"), "wei-ruan");
        assert_eq!(slugify("火币"), "huo-bi");
        assert_eq!(slugify("货币"), "huo-bi");
        assert_eq!(
            slugify("OpenAI 融资：微软参投"),
            "openai-rong-zi-wei-ruan-can-tou"
        );
        assert_eq!(slugify("用AI做"), "yong-ai-zuo");
        assert_eq!(slugify("交付破10万台"), "jiao-fu-po-10-wan-tai");
    }

    #[test]
    fn latin_text_is_kebab_case() {
        assert_eq!(
            slugify("Artificial Intelligence"),
            "artificial-intelligence"
        );
        assert_eq!(slugify("  Hello, World!  "), "hello-world");
        assert_eq!(slugify("Café Déjà-vu"), "cafe-deja-vu");
        assert_eq!(slugify("GPT-4o"), "gpt-4o");
    }

    #[test]
    fn zola_slugs_are_the_slug_crates() {
        // Zola's own cases (components/utils/src/slugs.rs, strategy "on").
        for (input, zola) in [
            ("input", "input"),
            ("test ", "test"),
            ("tes t", "tes-t"),
            ("dot. ", "dot"),
            ("日本", "ri-ben"),
            ("héhé", "hehe"),
            ("test (hey)", "test-hey"),
            ("hello-&-world", "hello-world"),
            (" file with space", "file-with-space"),
        ] {
            assert_eq!(slugify_zola(input), zola, "{input:?}");
        }
        // What Zola 0.22 built from the fixture's file names (tests/zola/compare.py), where
        // newsroom's own slugs differ.
        assert_eq!(slugify_zola("AI芯片出口"), "aixin-pian-chu-kou");
        assert_eq!(slugify("AI芯片出口"), "ai-xin-pian-chu-kou");
        assert_eq!(slugify_zola("十万用户"), "shi-mo-yong-hu");
        assert_eq!(slugify("十万用户"), "shi-wan-yong-hu");
        // Where they agree: Latin text, capitals, spaces, a CJK run with Latin after it.
        for s in [
            "Big News Day",
            "chip-deal",
            "微软与 OpenAI",
            "Café Déjà-vu",
            "GPT-4o",
        ] {
            assert_eq!(slugify_zola(s), slugify(s), "{s:?}");
        }
    }

    #[test]
    fn title_slugs_are_capped_at_a_word_boundary() {
        let s = slugify_title("微软与 OpenAI，远没有看起来「亲密无间」", 30);
        assert!(s.len() <= 30, "{s}");
        assert!(!s.ends_with('-'));
        assert!(s.starts_with("wei-ruan-yu-openai"));
    }
}
