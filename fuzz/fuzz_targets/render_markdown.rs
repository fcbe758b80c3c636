//! A hand-written article as `build` reads it: front matter parsed, then the body rendered
//! and sanitised. Any text must render or be refused with an error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsroom::config::MarkdownConfig;
use newsroom::content::FrontMatter;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let body = match FrontMatter::parse(text) {
        Ok((_, body)) => body,
        Err(_) => text,
    };
    let rendered = newsroom::markdown::render(body, &MarkdownConfig::default(), "/sub/");
    // What the sanitiser lets through must be stable: sanitising it again changes nothing
    // that could execute.
    let again = newsroom::markdown::sanitize(&rendered.html);
    assert!(!again.to_ascii_lowercase().contains("<script"));
});
