//! Diagnostics at the bottom of the crate: byte offsets to `line:column`, and the
//! `file:line:col: message` form every parser reports in. Anyone may import this; it imports
//! nothing of the crate.

/// 1-based (line, column) of a byte offset in `text`, counting columns in characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before, |i| &before[i + 1..])
        .chars()
        .count()
        + 1;
    (line, col)
}

/// 1-based line of the first occurrence of `needle` in `text`.
pub fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle).map(|i| line_col(text, i).0)
}

/// 1-based line of the first line that starts (after indentation) with `key`: where a
/// front-matter key is written.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map(|i| i + 1)
}

/// 1-based line of `key = …` (TOML) or `key: …` (YAML) in the front matter of `text`.
pub fn front_matter_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines().enumerate().skip(1).find_map(|(i, l)| {
        let rest = l.trim_start().strip_prefix(key)?;
        rest.trim_start().starts_with(['=', ':']).then_some(i + 1)
    })
}

/// A TOML parse error as `name:line:col: message`.
pub fn toml_error(name: &str, text: &str, e: &toml::de::Error) -> anyhow::Error {
    let (line, col) = e.span().map_or((1, 1), |sp| line_col(text, sp.start));
    anyhow::anyhow!("{name}:{line}:{col}: {}", e.message().trim())
}

/// Parses TOML text into `T`; errors name `name` and the line and column.
pub fn parse_toml<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> anyhow::Result<T> {
    toml::from_str(text).map_err(|e| toml_error(name, text, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_character_columns() {
        let text = "a = 1\n微软 = x\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, 6 + "微软".len()), (2, 3));
        assert_eq!(line_of(text, "x"), Some(2));
        assert_eq!(line_of(text, "zz"), None);
        assert_eq!(key_line("a = \"x = 1\"\n  x = 2\n", "x"), Some(2));
    }
}
