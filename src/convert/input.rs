//! Decoding one input: bytes → checked, decoded text (reading them is the command's job).
//!
//! Decoding order: BOM → strict UTF-8 → chardetng's guess (GBK/GB18030/Big5/…) decoded strictly
//! with encoding_rs. The encoding is not recorded anywhere: the Markdown is UTF-8. Nothing here
//! knows about articles.

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
    let (text, encoding) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        match enc.decode_without_bom_handling_and_without_replacement(&bytes[bom_len..]) {
            Some(t) => (t.into_owned(), enc.name()),
            None => {
                return err(format!(
                    "undecodable bytes: not valid {} after its BOM",
                    enc.name()
                ));
            }
        }
    } else {
        if looks_binary(bytes) {
            return err("binary file (NUL or control bytes), not a scraped article");
        }
        let declared = declared_charset(bytes);
        match std::str::from_utf8(bytes) {
            Ok(t) => (t.to_string(), "UTF-8"),
            // A page that says what it is, decoded as a browser would (a stray invalid byte
            // becomes U+FFFD instead of turning the whole page into mojibake).
            Err(_) if declared.is_some() => {
                let enc = declared.expect("checked");
                let (t, _) = enc.decode_without_bom_handling(bytes);
                (t.into_owned(), enc.name())
            }
            Err(_) => {
                let mut det = EncodingDetector::new(Iso2022JpDetection::Deny);
                det.feed(bytes, true);
                let enc = det.guess(None, Utf8Detection::Allow);
                // WHATWG: GBK decoding is GB18030 decoding; GB18030 accepts every GBK byte.
                let enc = if enc == encoding_rs::GBK {
                    encoding_rs::GB18030
                } else {
                    enc
                };
                match enc.decode_without_bom_handling_and_without_replacement(bytes) {
                    Some(t) if !has_controls(&t) => (t.into_owned(), enc.name()),
                    _ => {
                        return err(format!(
                            "undecodable bytes: neither UTF-8 nor {} (the best guess)",
                            enc.name()
                        ));
                    }
                }
            }
        }
    };
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
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
        encoding,
    })
}

/// The charset an HTML page declares in its first 16 KiB: `<meta charset>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">` (or an XML declaration). GBK and
/// GB2312 mean GB18030 (its superset); `utf-16` labels are ignored (the bytes are ASCII here).
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
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
    Some(if enc == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        enc
    })
}

fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    head.contains(&0)
}

/// More than a trace of C0/C1 control characters means the input is not text.
fn has_controls(text: &str) -> bool {
    let mut n = 0usize;
    let mut total = 0usize;
    for c in text.chars().take(20_000) {
        total += 1;
        if (c.is_control() && !matches!(c, '\n' | '\t' | '\r' | '\u{c}')) || c == '\u{fffd}' {
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
    fn html_is_sniffed() {
        let d = decode(b"<!DOCTYPE html><html><body>x</body></html>", None).unwrap();
        assert_eq!(d.kind, Kind::Html);
        let d = decode(b"plain", Some(Path::new("a.htm"))).unwrap();
        assert_eq!(d.kind, Kind::Html);
    }
}
