//! URLs of a page: resolving `href`/`src` values as a browser does, and the safety gate every
//! link and image passes before it reaches a block or the front matter.
//!
//! Only http(s) (and mailto for links) leave this file; `javascript:`, `data:` (except raster
//! images), relative URLs without a base and fragments are refused. How a URL is then written
//! in Markdown (`(` → `%28`) is the writer's business, not this file's.

use url::Url;

/// `href` resolved against `base` as a browser reads it: ASCII whitespace and control
/// characters inside are ignored (`java\tscript:` is `javascript:`), a protocol-relative
/// `//host/…` without a base is https. `None` for a relative URL without a base.
pub fn resolve_url(href: &str, base: Option<&Url>) -> Option<Url> {
    let href: String = href
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    if href.is_empty() {
        return None;
    }
    match Url::parse(&href) {
        Ok(u) => Some(u),
        Err(url::ParseError::RelativeUrlWithoutBase) => match base {
            Some(b) => b.join(&href).ok(),
            None if href.starts_with("//") => Url::parse(&format!("https:{href}")).ok(),
            None => None,
        },
        Err(_) => None,
    }
}

/// `href` as an absolute http(s) URL, resolved against `base`; `None` for other schemes
/// (`javascript:`, `data:`) and for a relative URL without a base.
pub fn absolute_url(href: &str, base: Option<&Url>) -> Option<String> {
    let parsed = resolve_url(href, base)?;
    (matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some())
        .then(|| parsed.to_string())
}

/// A URL a link may point to: absolute http(s) or mailto, resolved against the page.
pub fn safe_link(href: &str, base: Option<&Url>) -> Option<String> {
    if href.trim().starts_with('#') {
        return None;
    }
    let url = resolve_url(href, base)?;
    match url.scheme() {
        "mailto" => Some(url.to_string()),
        _ => absolute_url(url.as_str(), None),
    }
}

/// Inline image types a converted article may carry (`data:image/svg+xml` can hold script).
const RASTER_DATA: &[&str] = &[
    "data:image/png",
    "data:image/jpeg",
    "data:image/gif",
    "data:image/webp",
];

/// An image source that may be shown: http(s), or an inline raster image.
pub fn safe_image(src: &str, base: Option<&Url>) -> Option<String> {
    let src = src.trim();
    let lower = src.to_ascii_lowercase();
    if lower.starts_with("data:") {
        let raster = RASTER_DATA.iter().any(|p| lower.starts_with(p));
        return (raster && src.len() < 100_000 && !src.contains(['(', ')', ' ', '"']))
            .then(|| src.to_string());
    }
    absolute_url(src, base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://ex.com/news/a.html").unwrap()
    }

    #[test]
    fn links_resolve_against_the_page_and_only_web_and_mail_pass() {
        let b = base();
        assert_eq!(
            safe_link("../img/x?y=1", Some(&b)).as_deref(),
            Some("https://ex.com/img/x?y=1")
        );
        assert_eq!(
            safe_link("//cdn.ex.com/p", None).as_deref(),
            Some("https://cdn.ex.com/p")
        );
        assert_eq!(
            safe_link("mailto:tips@ex.com", None).as_deref(),
            Some("mailto:tips@ex.com")
        );
        for bad in [
            "javascript:alert(1)",
            "java\tscript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "data:text/html,<script>",
            "vbscript:x",
            "#section",
            "",
        ] {
            assert_eq!(safe_link(bad, Some(&b)), None, "{bad:?}");
        }
        // Relative, with nothing to resolve it against: text, not a link.
        assert_eq!(safe_link("/a", None), None);
    }

    #[test]
    fn images_are_web_urls_or_small_raster_data() {
        let b = base();
        assert_eq!(
            safe_image(" pic.png ", Some(&b)).as_deref(),
            Some("https://ex.com/news/pic.png")
        );
        assert_eq!(
            safe_image("data:image/png;base64,AAAA", None).as_deref(),
            Some("data:image/png;base64,AAAA")
        );
        assert_eq!(safe_image("data:image/svg+xml,<svg onload=x>", None), None);
        assert_eq!(safe_image("data:image/png;base64,A)A", None), None);
        assert_eq!(safe_image("javascript:alert(1)", Some(&b)), None);
        assert_eq!(absolute_url("ftp://ex.com/f", None), None);
    }
}
