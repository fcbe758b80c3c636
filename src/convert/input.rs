//! Decoding one input: bytes → checked, decoded text (reading them is the command's job).
//!
//! Decoding order: BOM → strict UTF-8 → the declared charset (meta / XML declaration) when it
//! decodes cleanly into plausible text → chardetng's guess (GBK/GB18030/Big5/…) when that does,
//! with a warning naming both → the declared charset (or UTF-8) with U+FFFD, with a warning. The
//! encoding is not recorded anywhere: the Markdown is UTF-8. Nothing here knows about articles.

use std::fmt;
use std::path::Path;
use std::sync::LazyLock;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};

use encoding_rs::Encoding;

/// What the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Html,
}

/// A decoded input.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub kind: Kind,
    /// Name of the encoding the bytes were in (for messages only).
    pub encoding: &'static str,
    /// A doubt about the charset worth telling the user: the declared one did not fit and
    /// another was used, or some bytes were replaced by U+FFFD.
    pub warning: Option<String>,
}

/// Why an input cannot be converted; the message is one line and the caller names the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError(pub String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

fn err<T>(msg: impl Into<String>) -> Result<T, InputError> {
    Err(InputError(msg.into()))
}

/// Checks and decodes the bytes of one input.
pub fn decode(bytes: &[u8], path_hint: Option<&Path>) -> Result<Decoded, InputError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return err("empty input");
    }
    let choice = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        match enc.decode_without_bom_handling_and_without_replacement(&bytes[bom_len..]) {
            Some(t) => Choice::clean(t.into_owned(), enc),
            None => {
                return err(format!(
                    "undecodable bytes: not valid {} after its BOM",
                    enc.name()
                ));
            }
        }
    } else {
        if looks_binary(bytes) {
            return err("binary file (NUL bytes), not a scraped article");
        }
        match std::str::from_utf8(bytes) {
            Ok(t) => Choice::clean(t.to_string(), encoding_rs::UTF_8),
            Err(_) => choose(bytes, declared_charset(bytes))?,
        }
    };
    let text = choice.text.replace("\r\n", "\n").replace('\r', "\n");
    if text.trim().is_empty() {
        return err("empty input");
    }
    if has_controls(&text) {
        return err("binary file (control characters), not a scraped article");
    }
    let kind = if is_html(path_hint, &text) {
        Kind::Html
    } else {
        Kind::Text
    };
    Ok(Decoded {
        text,
        kind,
        encoding: choice.encoding.name(),
        warning: choice.warning,
    })
}

/// The text of one decoding and what to tell the user about it.
struct Choice {
    text: String,
    encoding: &'static Encoding,
    warning: Option<String>,
}

impl Choice {
    fn clean(text: String, encoding: &'static Encoding) -> Self {
        Choice {
            text,
            encoding,
            warning: None,
        }
    }
}

/// Bytes that are not UTF-8: the declared charset when it decodes cleanly into plausible text,
/// else the detector's guess when that does (with a warning naming both), else the declared
/// charset (or UTF-8) with U+FFFD for the bad bytes (with a warning). Decoding failure is never
/// "binary": only bytes that decode to nothing readable in any candidate are refused.
fn choose(bytes: &[u8], declared: Option<Declared>) -> Result<Choice, InputError> {
    let label = declared.as_ref().map(|d| d.label.clone());
    let declared = declared.map(|d| d.encoding);
    let declared_fit = declared.map(|enc| (enc, fit(bytes, enc)));
    if let Some((enc, Fit::Clean(text))) = &declared_fit {
        return Ok(Choice::clean(text.clone(), enc));
    }
    let guess = guess(bytes);
    // A page in the charset it declares with a few damaged bytes keeps its charset: reading it
    // as another would garble its other non-ASCII text.
    let damaged = declared.is_some_and(|enc| few_bad(bytes, enc));
    let candidates = candidates(guess, declared_fit.as_ref().map(|(_, f)| f));
    for enc in candidates
        .into_iter()
        .filter(|&e| Some(e) != declared && !damaged)
    {
        if let Fit::Clean(text) = fit(bytes, enc) {
            let warning = declared_fit
                .as_ref()
                .zip(label.as_deref())
                .map(|((_, f), l)| {
                    format!(
                        "the page declares charset {l} but {}; decoded as {} instead",
                        f.why(),
                        enc.name()
                    )
                });
            return Ok(Choice {
                text,
                encoding: enc,
                warning,
            });
        }
    }
    let fallback = declared.unwrap_or(encoding_rs::UTF_8);
    let (text, _) = fallback.decode_without_bom_handling(bytes);
    let bad = text.chars().filter(|&c| c == '\u{fffd}').count();
    let total = text.chars().count().max(1);
    if bad * 50 > total {
        return err(format!(
            "undecodable bytes: neither {} nor {} (the best guess) decodes this",
            fallback.name(),
            guess.name()
        ));
    }
    let warning = if bad > 0 {
        format!(
            "{bad} byte sequence{} not valid {}, replaced by U+FFFD{}",
            if bad == 1 { " is" } else { "s are" },
            label.as_deref().unwrap_or(fallback.name()),
            if damaged {
                ""
            } else {
                " (no other charset fits)"
            }
        )
    } else {
        format!(
            "the text decoded as {} looks like mojibake, and no other charset fits",
            fallback.name()
        )
    };
    Ok(Choice {
        text: text.into_owned(),
        encoding: fallback,
        warning: Some(warning),
    })
}

/// The detector's guess, then, when a Latin reading gave mojibake (the detector often guesses
/// windows-1252 for GBK bytes too), the CJK multi-byte charsets.
fn candidates(guess: &'static Encoding, declared: Option<&Fit>) -> Vec<&'static Encoding> {
    let mut v = vec![guess];
    if matches!(declared, Some(Fit::Implausible(LATIN_MOJIBAKE))) || guess.is_single_byte() {
        v.extend([encoding_rs::GB18030, encoding_rs::BIG5]);
    }
    v
}

/// One to three byte sequences invalid in `enc`, and under one per 200 characters.
fn few_bad(bytes: &[u8], enc: &'static Encoding) -> bool {
    let (text, _) = enc.decode_without_bom_handling(bytes);
    let bad = text.chars().filter(|&c| c == '\u{fffd}').count();
    (1..=3).contains(&bad) && bad * 200 < text.chars().count()
}

/// chardetng's guess over the whole input; GBK means GB18030 (WHATWG: GBK decoding is GB18030
/// decoding, and GB18030 accepts every GBK byte).
fn guess(bytes: &[u8]) -> &'static Encoding {
    let mut det = EncodingDetector::new(Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(None, Utf8Detection::Allow);
    if enc == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        enc
    }
}

const LATIN_MOJIBAKE: &str = "decoding with it gives runs of accented letters (mojibake)";

/// How well one charset fits the bytes.
enum Fit {
    Clean(String),
    Replaced,
    Implausible(&'static str),
}

impl Fit {
    fn why(&self) -> &'static str {
        match self {
            Fit::Clean(_) => "it fits",
            Fit::Replaced => "the bytes are not valid in it",
            Fit::Implausible(why) => why,
        }
    }
}

fn fit(bytes: &[u8], enc: &'static Encoding) -> Fit {
    let Some(text) = enc.decode_without_bom_handling_and_without_replacement(bytes) else {
        return Fit::Replaced;
    };
    if has_controls(&text) {
        return Fit::Implausible("decoding with it gives control characters");
    }
    if enc.is_single_byte() && latin_runs(&text) {
        return Fit::Implausible(LATIN_MOJIBAKE);
    }
    if is_multibyte_cjk(enc) && stray_cjk(&text) {
        return Fit::Implausible("decoding with it gives stray CJK characters inside Latin words");
    }
    Fit::Clean(text.into_owned())
}

fn is_multibyte_cjk(enc: &'static Encoding) -> bool {
    [
        encoding_rs::GB18030,
        encoding_rs::GBK,
        encoding_rs::BIG5,
        encoding_rs::EUC_JP,
        encoding_rs::EUC_KR,
        encoding_rs::SHIFT_JIS,
    ]
    .contains(&enc)
}

/// Latin-1 mojibake: most non-ASCII characters sit next to another Latin-1-supplement, Latin
/// extended or Windows-1252 punctuation character (GBK or UTF-8 bytes read one by one). Real
/// French or German text has its accented letters one at a time.
fn latin_runs(text: &str) -> bool {
    let latinish = |c: char| matches!(c as u32, 0x80..=0x2FF | 0x2010..=0x2122);
    let (mut n, mut paired) = (0usize, 0usize);
    let mut prev = false;
    for c in text.chars().take(50_000) {
        let l = latinish(c);
        if l {
            n += 1;
            if prev {
                paired += 1;
            }
        }
        prev = l;
    }
    n >= 4 && paired * 3 > n
}

/// CJK decoding of Latin text with stray bytes: most CJK characters stand alone between Latin
/// letters (each bad byte swallowed the letter after it). Chinese text has runs of them.
fn stray_cjk(text: &str) -> bool {
    let chars: Vec<char> = text.chars().take(50_000).collect();
    let (mut cjk, mut stray) = (0usize, 0usize);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii() || !c.is_alphabetic() {
            continue;
        }
        cjk += 1;
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if latin(before) || latin(after) {
            let alone = |c: Option<char>| c.is_none_or(|c| c.is_ascii() || !c.is_alphabetic());
            if alone(before) && alone(after) {
                stray += 1;
            }
        }
    }
    cjk > 0 && stray * 2 > cjk
}

/// A charset label found in the page and the encoding it means.
struct Declared {
    /// As written (lower-cased), for messages: `iso-8859-1` is decoded as windows-1252.
    label: String,
    encoding: &'static Encoding,
}

/// The charset an HTML page declares in its first 16 KiB: `<meta charset>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">` (or an XML declaration). GBK and
/// GB2312 mean GB18030 (its superset); `utf-16` labels are ignored (the bytes are ASCII here).
fn declared_charset(bytes: &[u8]) -> Option<Declared> {
    static META: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
        regex::bytes::Regex::new(
            r#"(?i)<meta[^>]{0,300}?charset\s*=\s*["']?\s*([a-z0-9_\-:.]+)|<\?xml[^>]{0,100}?encoding\s*=\s*["']([a-z0-9_\-:.]+)"#,
        )
        .expect("static regex")
    });
    let head = &bytes[..bytes.len().min(16 * 1024)];
    let caps = META.captures(head)?;
    let label = caps.get(1).or(caps.get(2))?.as_bytes();
    let enc = Encoding::for_label(label)?;
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        return None;
    }
    Some(Declared {
        label: String::from_utf8_lossy(label).to_ascii_lowercase(),
        encoding: if enc == encoding_rs::GBK {
            encoding_rs::GB18030
        } else {
            enc
        },
    })
}

fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    head.contains(&0)
}

/// More than a trace of C0/C1 control characters means the input is not text (U+FFFD is a
/// decoding matter, not a sign of binary).
fn has_controls(text: &str) -> bool {
    let mut n = 0usize;
    let mut total = 0usize;
    for c in text.chars().take(20_000) {
        total += 1;
        if c.is_control() && !matches!(c, '\n' | '\t' | '\r' | '\u{c}') {
            n += 1;
        }
    }
    n > 0 && n * 200 > total.max(1)
}

fn is_html(path: Option<&Path>, text: &str) -> bool {
    if let Some(ext) = path.and_then(Path::extension).and_then(|e| e.to_str()) {
        let ext = ext.to_ascii_lowercase();
        if ext == "html" || ext == "htm" || ext == "xhtml" {
            return true;
        }
    }
    let head: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<?xml") && head.contains("<html")
        || (head.starts_with('<') && (head.contains("<head") || head.contains("<body")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode("\u{feff}标题\n正文".as_bytes(), None).unwrap();
        assert_eq!(d.text, "标题\n正文");
        let d = decode("标题\r\n正文".as_bytes(), None).unwrap();
        assert_eq!(d.text, "标题\n正文");
    }

    #[test]
    fn gbk_and_big5_are_detected() {
        let text = "微软与OpenAI的合作关系正变得微妙，双方在云服务市场上存在直接竞争。";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let d = decode(&gbk, None).unwrap();
        assert_eq!(d.text, text);
        let trad = "微軟與OpenAI的合作關係正變得微妙，雙方在雲端服務市場上存在直接競爭。";
        let (big5, _, _) = encoding_rs::BIG5.encode(trad);
        assert_eq!(decode(&big5, None).unwrap().text, trad);
    }

    #[test]
    fn bad_inputs_are_refused() {
        assert_eq!(decode(b"", None).unwrap_err().0, "empty input");
        assert_eq!(decode(b" \n\t", None).unwrap_err().0, "empty input");
        assert!(
            decode(b"\x7fELF\x02\x01\x01\0\0\0", None)
                .unwrap_err()
                .0
                .contains("binary")
        );
    }

    #[test]
    fn a_declared_latin1_page_that_fits_keeps_its_charset_silently() {
        let page = "<meta charset=\"iso-8859-1\"><p>Der Bär läuft über die Brücke, très bien.</p>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(page);
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.text, page);
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(d.warning, None);
    }

    #[test]
    fn mojibake_and_stray_cjk_are_implausible() {
        assert!(latin_runs("Î¢ÈíÓëOpenAIµÄºÏ×÷¹ØÏµ"));
        assert!(!latin_runs(
            "Der Bär läuft über die Brücke, très bien, à côté."
        ));
        assert!(stray_cjk("Nvidia used its first in\u{8d70}erson developer"));
        assert!(!stray_cjk("微软与OpenAI的合作关系"));
    }

    #[test]
    fn text_that_decodes_somewhere_is_not_binary() {
        // No NUL, few controls: some charset reads it, or it is "undecodable", never "binary".
        let bytes = b"<meta charset=utf-8>\xff\xfe\xfd\xfc\xff\xfe";
        match decode(bytes, None) {
            Ok(d) => assert!(
                d.warning.as_ref().is_some_and(|w| w.contains("utf-8")),
                "{d:?}"
            ),
            Err(e) => assert!(!e.0.contains("binary"), "{}", e.0),
        }
    }

    #[test]
    fn html_is_sniffed() {
        let d = decode(b"<!DOCTYPE html><html><body>x</body></html>", None).unwrap();
        assert_eq!(d.kind, Kind::Html);
        let d = decode(b"plain", Some(Path::new("a.htm"))).unwrap();
        assert_eq!(d.kind, Kind::Html);
    }
}
