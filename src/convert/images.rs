//! An article's images for `convert --fetch-images`: which remote images it shows (the
//! Markdown images of its body and `[extra] cover_image`), the file each gets in the page
//! bundle, whether a download is an image to keep, and the Markdown relinked to the files
//! saved. Pure: the command downloads (`crate::fetch`) and writes.
//!
//! File names are ours, never the URL's: `image-1`, `image-2`… in the order the body shows
//! them, `cover` for a cover image the body does not show, and the extension of the kind the
//! bytes are (`crate::image::sniff`). Nothing a page says can name a file, so nothing can be
//! written outside the bundle.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use crate::image::{ImageKind, sniff};

/// One remote image of an article; shown several times, it is still fetched once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub url: String,
    /// The file name without its extension: `image-1`… or `cover`.
    pub stem: String,
}

impl Wanted {
    /// The file name for bytes of `kind`: `image-1.png`.
    pub fn file_name(&self, kind: ImageKind) -> String {
        format!("{}.{}", self.stem, kind.extension())
    }
}

/// The `Accept` header an image request sends: the kinds [`accept`] keeps.
pub fn accept_header() -> String {
    ImageKind::ALL.map(ImageKind::mime).join(",")
}

/// Whether `url` is fetched at all: an absolute `http(s)` URL (a `data:` image is in the file
/// already; a relative one is a local file).
fn is_remote(url: &str) -> bool {
    let u = url.trim_start().to_ascii_lowercase();
    u.starts_with("http://") || u.starts_with("https://")
}

/// The images in a body, each with where its destination is written (`(…)` of `![alt](…)`).
fn images(markdown: &str) -> Vec<(String, Range<usize>)> {
    let opts = crate::markdown::options(&crate::config::MarkdownConfig::default());
    let mut found = Vec::new();
    for (event, range) in Parser::new_ext(markdown, opts).into_offset_iter() {
        let Event::Start(Tag::Image { dest_url, .. }) = event else {
            continue;
        };
        // `![alt](dest)` as the converter writes it: no title, `(`/`)` in the URL encoded,
        // `]` in the alt text escaped; so the destination is after the last `](`. Any other
        // form (a reference, a title) is left as it is.
        let written = &markdown[range.clone()];
        let Some(open) = written.rfind("](") else {
            continue;
        };
        if !written.ends_with(')') {
            continue;
        }
        let dest = range.start + open + 2..range.end - 1;
        if markdown[dest.clone()].trim() == &*dest_url {
            found.push((dest_url.to_string(), dest));
        }
    }
    found
}

/// The remote images of an article, each once, in the order they are shown, the cover image
/// last unless the body shows it too (then it shares that image's file).
pub fn wanted(markdown: &str, cover: Option<&str>) -> Vec<Wanted> {
    let mut out: Vec<Wanted> = Vec::new();
    for (url, _) in images(markdown) {
        if is_remote(&url) && !out.iter().any(|w| w.url == url) {
            let stem = format!("image-{}", out.len() + 1);
            out.push(Wanted { url, stem });
        }
    }
    if let Some(cover) = cover.filter(|c| is_remote(c))
        && !out.iter().any(|w| w.url == cover)
    {
        out.push(Wanted {
            url: cover.to_string(),
            stem: "cover".into(),
        });
    }
    out
}

/// The kind of a download when it is an image to keep: a `Content-Type` of an allowed kind
/// and bytes that are one (either alone is not enough: a server's word is not proof, and an
/// HTML error page is not an image whatever it is sent as). SVG is refused: it can carry
/// script. The error is the reason a warning shows.
pub fn accept(content_type: Option<&str>, bytes: &[u8]) -> Result<ImageKind, String> {
    let ct = content_type
        .map(|c| {
            c.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|c| !c.is_empty());
    let Some(ct) = ct else {
        return Err("not an image (no Content-Type)".into());
    };
    if ct == "image/svg+xml" {
        return Err("an SVG image (refused: it can carry script)".into());
    }
    if ImageKind::from_mime(&ct).is_none() {
        return Err(format!("not an image ({ct})"));
    }
    sniff(bytes).ok_or_else(|| {
        format!("not an image (sent as {ct}, but the bytes are not PNG, JPEG, GIF, WebP or AVIF)")
    })
}

/// `markdown` with each image whose URL is in `local` pointing at its file instead.
pub fn relink(markdown: &str, local: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut at = 0;
    for (url, dest) in images(markdown) {
        if let Some(file) = local.get(&url)
            && dest.start >= at
        {
            out.push_str(&markdown[at..dest.start]);
            out.push_str(file);
            at = dest.end;
        }
    }
    out.push_str(&markdown[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "Lead.\n\n![A chart](https://ex.com/a.png)\n\n\
        Text with an inline ![icon \\] here](https://ex.com/b%28x%29.jpg) picture.\n\n\
        ![Again](https://ex.com/a.png)\n\n![Local](cover.jpg) ![Data](data:image/png;base64,AAAA)\n";

    #[test]
    fn each_remote_image_is_wanted_once_in_body_order_then_the_cover() {
        let w = wanted(BODY, Some("https://ex.com/c.webp"));
        let got: Vec<(&str, &str)> = w
            .iter()
            .map(|w| (w.url.as_str(), w.stem.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("https://ex.com/a.png", "image-1"),
                ("https://ex.com/b%28x%29.jpg", "image-2"),
                ("https://ex.com/c.webp", "cover"),
            ]
        );
        let shared = wanted(BODY, Some("https://ex.com/a.png"));
        assert_eq!(shared.len(), 2, "a cover the body shows shares its file");
        assert!(wanted(BODY, Some("javascript:alert(1)")).len() == 2);
        assert_eq!(w[0].file_name(ImageKind::Jpeg), "image-1.jpg");
    }

    #[test]
    fn relinking_changes_only_the_destinations_of_saved_images() {
        let local = HashMap::from([
            (
                "https://ex.com/a.png".to_string(),
                "image-1.png".to_string(),
            ),
            (
                "https://ex.com/b%28x%29.jpg".to_string(),
                "image-2.jpg".to_string(),
            ),
        ]);
        let out = relink(BODY, &local);
        assert_eq!(
            out,
            "Lead.\n\n![A chart](image-1.png)\n\n\
             Text with an inline ![icon \\] here](image-2.jpg) picture.\n\n\
             ![Again](image-1.png)\n\n![Local](cover.jpg) ![Data](data:image/png;base64,AAAA)\n"
        );
        let one = HashMap::from([(
            "https://ex.com/a.png".to_string(),
            "image-1.png".to_string(),
        )]);
        assert!(relink(BODY, &one).contains("](https://ex.com/b%28x%29.jpg)"));
        assert_eq!(relink(BODY, &HashMap::new()), BODY);
    }

    #[test]
    fn a_link_text_or_code_that_looks_like_an_image_is_left_alone() {
        let md =
            "`![x](https://ex.com/a.png)` and [![t](https://ex.com/t.png)](https://ex.com/p)\n";
        let w = wanted(md, None);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].url, "https://ex.com/t.png");
        let local = HashMap::from([(
            "https://ex.com/t.png".to_string(),
            "image-1.png".to_string(),
        )]);
        assert_eq!(
            relink(md, &local),
            "`![x](https://ex.com/a.png)` and [![t](image-1.png)](https://ex.com/p)\n"
        );
    }

    #[test]
    fn a_download_is_kept_only_when_its_type_and_bytes_are_an_image() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01";
        assert_eq!(accept(Some("image/png"), png), Ok(ImageKind::Png));
        assert_eq!(
            accept(Some("image/jpeg"), png),
            Ok(ImageKind::Png),
            "the bytes name the kind (a CDN converting formats often says the wrong one)"
        );
        assert_eq!(
            accept(Some("text/html; charset=utf-8"), png),
            Err("not an image (text/html)".into())
        );
        let html = b"<!doctype html><title>Not here</title>";
        assert!(
            accept(Some("image/png"), html)
                .unwrap_err()
                .starts_with("not an image (sent as image/png")
        );
        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>";
        assert!(
            accept(Some("image/svg+xml"), svg)
                .unwrap_err()
                .contains("SVG")
        );
        assert!(accept(Some("image/png"), svg).is_err());
        assert!(accept(None, png).unwrap_err().contains("no Content-Type"));
    }
}
