//! A Zola `config.toml` read by newsroom: every key of Zola's documented configuration is
//! either used (same name, or mapped: `default_language` → `language`, `build_search_index`
//! → `[search] enabled`, `taxonomies = [{ name, feed, paginate_by }]` → the table form) or
//! accepted with one warning naming it. A key that is neither newsroom's nor Zola's is an
//! error, every one of them in one message, each with `file:line:col` and a "did you mean"
//! when a known key is close.
//!
//! newsroom's own keys are read from the serde structs ([`fields_of`]), so a key added to a
//! struct is known here without a second list; a new struct-typed table also needs a line in
//! [`newsroom_table`].

use std::borrow::Cow;
use std::ops::Range;

use anyhow::{Result, bail};
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use super::{
    AssetsConfig, Config, ConfigWarning, ConvertConfig, LinkCheckerConfig, MarkdownConfig,
    ReadingConfig, SearchConfig, SlugifyConfig, TaxonomyConfig,
};
use crate::diag::line_col;

/// Zola's documented keys (0.22, plus the `[markdown]` highlighting keys of 0.19–0.21 that
/// configs still carry) that newsroom accepts and ignores, by table (`""` is the top level,
/// `taxonomies.*` one taxonomy). A key that is also newsroom's is newsroom's. A table listed
/// here has its keys checked and warned one by one; an unlisted Zola table (`languages`,
/// `translations`: free-form) gets one warning.
const ZOLA_IGNORED: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "theme",
            "output_dir",
            "preserve_dotfiles_in_output",
            "compile_sass",
            "minify_html",
            "ignored_content",
            "ignored_static",
            "exclude_paginated_pages_in_sitemap",
            "hard_link_static",
            "author",
            "taxonomy_root",
            "generate_sitemap",
            "generate_robots_txt",
            "languages",
            "translations",
            "link_checker",
        ],
    ),
    (
        "markdown",
        &[
            "highlight_code",
            "error_on_missing_highlight",
            "highlight_theme",
            "highlight_themes_css",
            "extra_syntaxes_and_themes",
            "highlighting",
            "render_emoji",
            "external_links_class",
            "external_links_no_referrer",
            "external_links_external",
            "definition_list",
            "lazy_async_image",
            "bottom_footnotes",
            "github_alerts",
            "insert_anchor_links",
        ],
    ),
    (
        "markdown.highlighting",
        &[
            "error_on_missing_language",
            "style",
            "theme",
            "light_theme",
            "dark_theme",
            "extra_grammars",
            "extra_themes",
            "data_attr_position",
        ],
    ),
    (
        "link_checker",
        &[
            "skip_prefixes",
            "skip_anchor_prefixes",
            "internal_level",
            "external_level",
        ],
    ),
    ("slugify", &["taxonomies", "anchors"]),
    (
        "search",
        &[
            "include_title",
            "include_description",
            "include_date",
            "include_path",
            "include_content",
            "truncate_content_length",
            "index_format",
        ],
    ),
    ("taxonomies.*", &["paginate_path", "render", "lang"]),
];

/// Zola keys newsroom reads under another name: (Zola's, newsroom's). Both given is an error.
const ZOLA_MAPPED: &[(&str, &str)] = &[
    ("default_language", "language"),
    ("build_search_index", "search.enabled"),
];

/// What newsroom offers instead, appended to a few warnings.
const HINTS: &[(&str, &str)] = &[
    (
        "theme",
        "Zola themes do not carry over; templates/ overrides newsroom's own",
    ),
    ("output_dir", "use `newsroom build --output-dir`"),
    (
        "ignored_content",
        "newsroom publishes only the file kinds it allows, see `[assets] extensions`",
    ),
    (
        "ignored_static",
        "newsroom publishes only the file kinds it allows, see `[assets] extensions`",
    ),
];

/// The keys of newsroom's struct-typed table `path` (`""`, `markdown`, `taxonomies.*`, …);
/// `None` for a free-form table (`extra`, `search.aliases`) or one newsroom does not have.
fn newsroom_table(path: &str) -> Option<&'static [&'static str]> {
    Some(match path {
        "" => fields_of::<Config>(),
        "markdown" => fields_of::<MarkdownConfig>(),
        "reading" => fields_of::<ReadingConfig>(),
        "search" => fields_of::<SearchConfig>(),
        "assets" => fields_of::<AssetsConfig>(),
        "convert" => fields_of::<ConvertConfig>(),
        "link_checker" => fields_of::<LinkCheckerConfig>(),
        "slugify" => fields_of::<SlugifyConfig>(),
        "taxonomies.*" => fields_of::<TaxonomyConfig>(),
        _ => return None,
    })
}

fn zola_table(path: &str) -> Option<&'static [&'static str]> {
    ZOLA_IGNORED
        .iter()
        .find(|(t, _)| *t == path)
        .map(|(_, k)| *k)
}

/// Checks and rewrites a parsed `config.toml` (`text`, named `name` in messages) so that
/// newsroom's structs read it: Zola's ignored keys removed, mapped ones renamed. Returns a
/// warning per ignored key, in file order; every unknown key is in the one error.
pub(super) fn read(root: &mut DeTable<'_>, text: &str, name: &str) -> Result<Vec<ConfigWarning>> {
    let mut r = Reader {
        text,
        name,
        warnings: Vec::new(),
        errors: Vec::new(),
    };
    r.table(root, "");
    r.map_keys(root);
    r.taxonomies(root);
    if !r.errors.is_empty() {
        r.errors.sort();
        let lines: Vec<String> = r.errors.into_iter().map(|(_, m)| m).collect();
        bail!("{}", lines.join("\n"));
    }
    r.warnings.sort_by_key(|w| w.line);
    Ok(r.warnings)
}

struct Reader<'a> {
    text: &'a str,
    name: &'a str,
    warnings: Vec<ConfigWarning>,
    /// (byte offset, `file:line:col: message`), sorted before reporting.
    errors: Vec<(usize, String)>,
}

impl Reader<'_> {
    fn error(&mut self, span: Range<usize>, message: String) {
        let (line, col) = line_col(self.text, span.start);
        self.errors
            .push((span.start, format!("{}:{line}:{col}: {message}", self.name)));
    }

    fn warn(&mut self, span: Range<usize>, key: &str) {
        let mut message = format!("`{key}` is a Zola setting with no effect in newsroom");
        if let Some((_, hint)) = HINTS.iter().find(|(k, _)| *k == key) {
            message.push_str("; ");
            message.push_str(hint);
        }
        self.warn_that(span, message);
    }

    fn warn_that(&mut self, span: Range<usize>, message: String) {
        self.warnings.push(ConfigWarning {
            file: self.name.to_string(),
            line: line_col(self.text, span.start).0,
            message,
        });
    }

    /// Checks the keys of `table` (at `path`, `""` for the top level), removing Zola's
    /// ignored ones with a warning each, and recurses into the tables newsroom or Zola
    /// define. Taxonomy tables are checked by [`Reader::taxonomies`].
    fn table(&mut self, table: &mut DeTable<'_>, path: &str) {
        let ours = newsroom_table(path).unwrap_or(&[]);
        let zola = zola_table(path).unwrap_or(&[]);
        let mapped: Vec<&str> = ZOLA_MAPPED
            .iter()
            .map(|(z, _)| *z)
            .filter(|z| path.is_empty() && !z.contains('.'))
            .collect();
        let keys: Vec<Spanned<Cow<'_, str>>> = table.keys().cloned().collect();
        for key in keys {
            let k: &str = key.get_ref();
            let full = join(path, k);
            if full == "slugify.paths"
                && let Some(DeValue::String(s)) = table.get(k).map(|v| v.get_ref())
                && (s == "safe" || s == "off")
            {
                // Zola's non-ASCII URLs: newsroom's own slugs are made instead.
                let message = format!(
                    "`slugify.paths = \"{s}\"` has no effect in newsroom: URLs are made of \
                     ASCII letters, digits and `-` (`paths = \"on\"` makes them as Zola does)"
                );
                table.remove(k);
                self.warn_that(key.span(), message);
            } else if ours.contains(&k) {
                if k != "taxonomies"
                    && newsroom_table(&full).is_some()
                    && let Some(DeValue::Table(inner)) = table.get_mut(k).map(|v| v.get_mut())
                {
                    self.table(inner, &full);
                }
            } else if mapped.contains(&k) {
                // renamed by `map_keys`
            } else if zola.contains(&k) {
                let value = table.remove(k).expect("key listed from this table");
                self.ignored(&key, value.into_inner(), &full);
            } else {
                let candidates = ours.iter().chain(zola).chain(&mapped).copied();
                self.unknown(&key, &full, candidates);
            }
        }
    }

    /// A Zola key newsroom ignores: a table Zola defines has its keys checked and each
    /// warned about; anything else is one warning.
    fn ignored(&mut self, key: &Spanned<Cow<'_, str>>, value: DeValue<'_>, full: &str) {
        match (zola_table(full), value) {
            (Some(keys), DeValue::Table(inner)) if !inner.is_empty() => {
                for (k, v) in inner {
                    let sub = join(full, k.get_ref());
                    if keys.contains(&&**k.get_ref()) {
                        self.ignored(&k, v.into_inner(), &sub);
                    } else {
                        self.unknown(&k, &sub, keys.iter().copied());
                    }
                }
            }
            _ => self.warn(key.span(), full),
        }
    }

    fn unknown<'k>(
        &mut self,
        key: &Spanned<Cow<'_, str>>,
        full: &str,
        candidates: impl Iterator<Item = &'k str>,
    ) {
        let mut message = format!("unknown key `{full}`: neither a newsroom nor a Zola setting");
        if let Some(close) = closest(key.get_ref(), candidates) {
            message.push_str(&format!("; did you mean `{close}`?"));
        }
        self.error(key.span(), message);
    }

    /// Renames [`ZOLA_MAPPED`] keys of the top level to newsroom's.
    fn map_keys(&mut self, root: &mut DeTable<'_>) {
        for (zola, ours) in ZOLA_MAPPED {
            let Some((key, value)) = root.remove_entry(*zola) else {
                continue;
            };
            let (table, leaf) = match ours.split_once('.') {
                Some((t, leaf)) => {
                    let span = key.span();
                    let entry = root
                        .entry(Spanned::new(span.clone(), Cow::Owned(t.to_string())))
                        .or_insert_with(|| Spanned::new(span, DeValue::Table(DeTable::new())));
                    match entry.get_mut() {
                        DeValue::Table(t) => (t, leaf),
                        // a `search` that is not a table: serde names it
                        _ => continue,
                    }
                }
                None => (&mut *root, *ours),
            };
            if table.contains_key(leaf) {
                self.error(
                    key.span(),
                    format!("`{zola}` is Zola's name for `{ours}`, which is set too: keep one"),
                );
                continue;
            }
            table.insert(
                Spanned::new(key.span(), Cow::Owned(leaf.to_string())),
                value,
            );
        }
    }

    /// `taxonomies`: newsroom's table (`[taxonomies.companies]`) or Zola's array
    /// (`taxonomies = [{ name = "tags", feed = true, paginate_by = 5 }]`), which becomes the
    /// table; an entry without `feed` has none, as in Zola.
    fn taxonomies(&mut self, root: &mut DeTable<'_>) {
        let Some(value) = root.get_mut("taxonomies") else {
            return;
        };
        let span = value.span();
        let entries = match value.get_mut() {
            DeValue::Table(t) => {
                for (k, v) in t.iter_mut() {
                    let full = join("taxonomies", k.get_ref());
                    if let DeValue::Table(inner) = v.get_mut() {
                        self.taxonomy(inner, &full);
                    }
                }
                return;
            }
            DeValue::Array(a) => std::mem::replace(a, DeArray::new()),
            _ => return, // serde says what is wrong
        };
        let mut table = DeTable::new();
        for entry in entries {
            let entry_span = entry.span();
            let DeValue::Table(mut t) = entry.into_inner() else {
                self.error(
                    entry_span,
                    "a `taxonomies` entry is a table: `{ name = \"tags\" }`".into(),
                );
                continue;
            };
            let Some(name) = t.remove("name") else {
                self.error(
                    entry_span,
                    "a `taxonomies` entry needs a `name`: `{ name = \"tags\" }`".into(),
                );
                continue;
            };
            let name_span = name.span();
            let DeValue::String(name) = name.into_inner() else {
                self.error(name_span, "a taxonomy's `name` is a string".into());
                continue;
            };
            let full = join("taxonomies", &name);
            self.taxonomy(&mut t, &full);
            if !t.contains_key("feed") {
                t.insert(
                    Spanned::new(entry_span.clone(), Cow::Borrowed("feed")),
                    Spanned::new(entry_span.clone(), DeValue::Boolean(false)),
                );
            }
            let key = Spanned::new(name_span.clone(), name);
            if table.contains_key(&**key.get_ref()) {
                self.error(
                    name_span,
                    format!("taxonomy `{}` is listed twice", key.get_ref()),
                );
                continue;
            }
            table.insert(key, Spanned::new(entry_span, DeValue::Table(t)));
        }
        root.insert(
            Spanned::new(span.clone(), Cow::Borrowed("taxonomies")),
            Spanned::new(span, DeValue::Table(table)),
        );
    }

    /// One taxonomy's keys: newsroom's, Zola's ignored ones (warned), or unknown.
    fn taxonomy(&mut self, t: &mut DeTable<'_>, full: &str) {
        let ours = newsroom_table("taxonomies.*").unwrap_or(&[]);
        let zola = zola_table("taxonomies.*").unwrap_or(&[]);
        let keys: Vec<Spanned<Cow<'_, str>>> = t.keys().cloned().collect();
        for key in keys {
            let k: &str = key.get_ref();
            let sub = join(full, k);
            if ours.contains(&k) {
                continue;
            } else if zola.contains(&k) {
                t.remove(k);
                self.warn(key.span(), &sub);
            } else {
                let candidates = ours.iter().chain(zola).copied().chain(["name"]);
                self.unknown(&key, &sub, candidates);
            }
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The candidate nearest to `key` within an edit distance of 2, if any.
fn closest<'k>(key: &str, candidates: impl Iterator<Item = &'k str>) -> Option<&'k str> {
    candidates
        .map(|c| (edit_distance(key, c), c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// The keys a struct reads, from the list serde derives for it (skipped fields excluded).
fn fields_of<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    use serde::de::Visitor;

    #[derive(Debug)]
    enum Probe {
        Fields(&'static [&'static str]),
        Other,
    }
    impl std::fmt::Display for Probe {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("not a struct")
        }
    }
    impl std::error::Error for Probe {}
    impl serde::de::Error for Probe {
        fn custom<M: std::fmt::Display>(_: M) -> Probe {
            Probe::Other
        }
    }
    struct Fields;
    impl<'de> serde::Deserializer<'de> for Fields {
        type Error = Probe;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Probe> {
            Err(Probe::Other)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Probe> {
            Err(Probe::Fields(fields))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    match T::deserialize(Fields) {
        Err(Probe::Fields(fields)) => fields,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(text, "config.toml")
    }

    #[test]
    fn newsroom_keys_come_from_the_structs() {
        let top = fields_of::<Config>();
        assert!(top.contains(&"paginate_by") && top.contains(&"taxonomies"));
        assert!(!top.contains(&"warnings"), "skipped fields are not keys");
        assert!(!fields_of::<MarkdownConfig>().contains(&"reserved_ids"));
    }

    #[test]
    fn zola_keys_are_mapped_or_warned_in_file_order() {
        let c = parse(
            "base_url = \"https://example.org\"\ncompile_sass = true\ndefault_language = \"en\"\n\
             build_search_index = false\n[markdown]\nhighlight_code = true\nsmart_punctuation = true\n\
             [markdown.highlighting]\ntheme = \"x\"\n[languages.fr]\ntitle = \"t\"\n[link_checker]\n\
             internal_level = \"warn\"\nexternal_level = \"warn\"\n",
        )
        .unwrap();
        assert_eq!(c.language, "en");
        assert!(!c.search.enabled);
        assert!(c.markdown.smart_punctuation);
        // `[link_checker] internal_level` is newsroom's too; `external_level` is not.
        assert_eq!(
            c.link_checker.internal_level,
            crate::config::LinkLevel::Warn
        );
        let got: Vec<String> = c.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            got,
            [
                "config.toml:2: `compile_sass` is a Zola setting with no effect in newsroom",
                "config.toml:6: `markdown.highlight_code` is a Zola setting with no effect in newsroom",
                "config.toml:9: `markdown.highlighting.theme` is a Zola setting with no effect in newsroom",
                "config.toml:10: `languages` is a Zola setting with no effect in newsroom",
                "config.toml:14: `link_checker.external_level` is a Zola setting with no effect in newsroom",
            ]
        );
    }

    #[test]
    fn every_unknown_key_is_reported_at_once_with_a_suggestion() {
        let err =
            parse("paginat_by = 5\ntitle = \"x\"\n[markdown]\nrender_emojis = true\nzzz = 1\n")
                .unwrap_err()
                .to_string();
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(
            lines,
            [
                "config.toml:1:1: unknown key `paginat_by`: neither a newsroom nor a Zola setting; did you mean `paginate_by`?",
                "config.toml:4:1: unknown key `markdown.render_emojis`: neither a newsroom nor a Zola setting; did you mean `render_emoji`?",
                "config.toml:5:1: unknown key `markdown.zzz`: neither a newsroom nor a Zola setting",
            ]
        );
    }

    #[test]
    fn both_taxonomy_forms_are_read() {
        let c = parse(
            "taxonomies = [\n  { name = \"tags\", feed = true, paginate_by = 5 },\n  { name = \"authors\", render = false },\n]\n",
        )
        .unwrap();
        assert_eq!(c.taxonomies.keys().collect::<Vec<_>>(), ["authors", "tags"]);
        assert!(c.taxonomies["tags"].feed && !c.taxonomies["authors"].feed);
        assert_eq!(c.taxonomy_paginate_by("tags"), 5);
        assert_eq!(c.warnings.len(), 1);
        assert_eq!(
            c.warnings[0].to_string(),
            "config.toml:3: `taxonomies.authors.render` is a Zola setting with no effect in newsroom"
        );
        let err = parse("taxonomies = [{ name = \"tags\", paginat_by = 5 }, { feed = true }]\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("config.toml:1:32: unknown key `taxonomies.tags.paginat_by`"),
            "{err}"
        );
        assert!(err.contains("did you mean `paginate_by`?"), "{err}");
        assert!(err.contains("needs a `name`"), "{err}");
    }

    #[test]
    fn a_zola_name_and_newsroom_s_together_are_an_error() {
        let err = parse("language = \"zh\"\ndefault_language = \"en\"\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("config.toml:2:1: `default_language`"),
            "{err}"
        );
        let err = parse("build_search_index = true\n[search]\nenabled = false\n").unwrap_err();
        assert!(err.to_string().contains("`search.enabled`"), "{err}");
    }

    #[test]
    fn type_errors_keep_their_place_after_the_rewrite() {
        let err = parse("compile_sass = true\n\nbuild_search_index = \"yes\"\n").unwrap_err();
        assert!(err.to_string().starts_with("config.toml:3:"), "{err}");
    }
}
