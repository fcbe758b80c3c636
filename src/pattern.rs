//! Regex text built from the word lists of the rules files: one alternation helper for every
//! compiled list (byline words, date words, section-number words).

/// `(?:a|b|c)` of the escaped, trimmed words, each put in `wrap` where it says `{}`; longest
/// first (then alphabetical) so the regex takes the longest that matches; duplicates once.
/// With no words it matches nothing (never the empty string).
pub fn alternation(words: impl IntoIterator<Item = impl AsRef<str>>, wrap: &str) -> String {
    let mut words: Vec<String> = words
        .into_iter()
        .map(|w| w.as_ref().trim().to_string())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return r"[^\s\S]".to_string();
    }
    words.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    words.dedup();
    let alts: Vec<String> = words
        .iter()
        .map(|w| wrap.replace("{}", &regex::escape(w)))
        .collect();
    format!("(?:{})", alts.join("|"))
}

#[cfg(test)]
mod tests {
    use super::alternation;

    #[test]
    fn longest_first_escaped_and_never_empty() {
        assert_eq!(alternation(["a.m.", "am", " am "], "{}"), r"(?:a\.m\.|am)");
        assert_eq!(alternation(["和"], r"\s+{}\s+"), r"(?:\s+和\s+)");
        let none: [&str; 0] = [];
        let re = regex::Regex::new(&alternation(none, "{}")).unwrap();
        assert!(!re.is_match("") && !re.is_match("anything"));
    }
}
