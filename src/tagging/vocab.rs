//! The vocabulary: `rules/companies.toml` and `rules/topics.toml` (embedded defaults, extended
//! by a site's `<root>/rules/`, read by the one rules loader `crate::rules::Layers`), compiled
//! into one [`Matcher`] with the sentence marks of `rules/tagging.toml`; plus the credit markers
//! of `rules/bylines.toml`. Loading the rule files is the only I/O of the tagging module.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::Path;

use anyhow::{Result, bail};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::matcher::{Guard, Matcher, SentenceMarks, SentenceStart, Target};
use crate::rules::{Bylines, Layers, upsert};

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuard {
    alias: String,
    #[serde(default)]
    case_sensitive: bool,
    #[serde(default)]
    context: Vec<String>,
    #[serde(default)]
    window: Option<usize>,
    #[serde(default)]
    min_other: usize,
    #[serde(default)]
    sentence_start: Option<SentenceStart>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompany {
    name: String,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    zh: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    products: Vec<String>,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    description: Option<String>,
    /// The description in Chinese, shown on Chinese pages.
    #[serde(default)]
    description_zh: Option<String>,
    #[serde(default)]
    homepage: Option<String>,
    #[serde(default)]
    guard: Vec<RawGuard>,
    /// For people reading the file only.
    #[serde(default)]
    #[allow(dead_code)]
    comment: Option<String>,
    /// `false` in a site file removes a default company.
    #[serde(default = "yes")]
    enabled: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompaniesFile {
    #[serde(default)]
    settings: toml::Table,
    #[serde(default)]
    company: Vec<RawCompany>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    slug: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    zh: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    description_zh: Option<String>,
    #[serde(default)]
    keywords: BTreeMap<String, f64>,
    #[serde(default = "yes")]
    enabled: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicsFile {
    #[serde(default)]
    settings: toml::Table,
    #[serde(default)]
    topic: Vec<RawTopic>,
}

impl RawTopic {
    fn topic(&self) -> Topic {
        Topic {
            slug: self.slug.clone(),
            name: self.name.clone().unwrap_or_else(|| self.slug.clone()),
            zh: self.zh.clone(),
            description: self.description.clone(),
            description_zh: self.description_zh.clone(),
        }
    }
}

impl RawCompany {
    /// The matcher's targets for company `index`: aliases, products and guarded aliases.
    fn push_targets(&self, index: usize, targets: &mut Vec<(String, Target)>) {
        for (list, product) in [(&self.aliases, false), (&self.products, true)] {
            for a in list {
                let guard = Guard::default();
                let target = Target::Company {
                    index,
                    product,
                    guard,
                };
                targets.push((a.clone(), target));
            }
        }
        for g in &self.guard {
            let guard = Guard {
                case_sensitive: g.case_sensitive,
                context: g.context.clone(),
                window: g.window.unwrap_or(80),
                min_other: g.min_other,
                sentence_start: g.sentence_start.unwrap_or_default(),
            };
            let product = self.products.contains(&g.alias);
            let target = Target::Company {
                index,
                product,
                guard,
            };
            targets.push((g.alias.clone(), target));
        }
    }

    /// The company as the site shows it; its topics must be in the vocabulary.
    fn company(&self, topics: &[Topic]) -> Result<Company> {
        let mut company_topics = Vec::new();
        for slug in &self.topics {
            let Some(ti) = topics.iter().position(|t| &t.slug == slug) else {
                bail!("company `{}` names an unknown topic `{slug}`", self.name);
            };
            company_topics.push(ti);
        }
        Ok(Company {
            slug: self
                .slug
                .clone()
                .unwrap_or_else(|| crate::slug::slugify_title(&self.name, 60)),
            name: self.name.clone(),
            zh: self.zh.clone(),
            aliases: self.aliases.clone(),
            description: self.description.clone(),
            description_zh: self.description_zh.clone(),
            homepage: self.homepage.clone(),
            topics: company_topics,
        })
    }
}

/// Weights of a mention by where it occurs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Zones {
    pub title: f64,
    pub lead: f64,
    pub heading: f64,
    pub body: f64,
    pub caption: f64,
}

/// `[settings]` of companies.toml (documented there).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanySettings {
    pub max: usize,
    pub title: f64,
    pub lead: f64,
    pub heading: f64,
    pub body: f64,
    pub caption: f64,
    pub product: f64,
    pub min_score: f64,
    pub min_share: f64,
    pub source_factor: f64,
}

/// `[settings]` of topics.toml (documented there).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSettings {
    pub max: usize,
    pub title: f64,
    pub lead: f64,
    pub heading: f64,
    pub body: f64,
    pub caption: f64,
    pub keyword_cap: f64,
    pub company: f64,
    pub min_score: f64,
    pub min_share: f64,
}

macro_rules! zones {
    ($t:ty) => {
        impl $t {
            pub fn zones(&self) -> Zones {
                Zones {
                    title: self.title,
                    lead: self.lead,
                    heading: self.heading,
                    body: self.body,
                    caption: self.caption,
                }
            }
        }
    };
}
zones!(CompanySettings);
zones!(TopicSettings);

/// A company as the site shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Company {
    pub name: String,
    pub slug: String,
    pub zh: Option<String>,
    /// Other names that mean the company (`aliases` in the file; products not included).
    pub aliases: Vec<String>,
    pub description: Option<String>,
    pub description_zh: Option<String>,
    pub homepage: Option<String>,
    /// Indexes into [`Vocabulary::topics`].
    pub topics: Vec<usize>,
}

/// A topic of the fixed vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    pub slug: String,
    /// English display name, written to the front matter.
    pub name: String,
    pub zh: Option<String>,
    pub description: Option<String>,
    pub description_zh: Option<String>,
}

/// Vocabulary metadata of one taxonomy term, for its page.
#[derive(Debug, Clone, PartialEq)]
pub struct TermMeta<'a> {
    pub zh: Option<&'a str>,
    pub description: Option<&'a str>,
    pub description_zh: Option<&'a str>,
    pub homepage: Option<&'a str>,
}

/// One layer of `rules/tagging.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaggingFile {
    #[serde(default)]
    sentence_start: RawSentenceStart,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSentenceStart {
    #[serde(default)]
    skip: String,
    #[serde(default)]
    ends: String,
}

/// The sentence marks of every `rules/tagging.toml` layer; a site's marks add to the default's.
fn sentence_marks(layers: &Layers) -> Result<SentenceMarks> {
    let (mut skip, mut ends) = (String::new(), String::new());
    for (_, file) in layers.parse::<TaggingFile>("tagging.toml")? {
        skip.push_str(&file.sentence_start.skip);
        ends.push_str(&file.sentence_start.ends);
    }
    Ok(SentenceMarks::new(&skip, &ends))
}

/// Companies, topics, settings and the compiled matcher.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    pub companies: Vec<Company>,
    pub topics: Vec<Topic>,
    pub company_settings: CompanySettings,
    pub topic_settings: TopicSettings,
    /// Where an attribution begins (folded, `rules/bylines.toml`): a company named in the rest
    /// of the segment does not count.
    pub credit_markers: Vec<String>,
    pub(crate) matcher: Matcher,
    /// Terms by taxonomy and folded name or slug: how a term's page, an article's chips and a
    /// search result's chips all find a term's entry, with one lookup ([`Vocabulary::term_meta`]).
    terms: rustc_hash::FxHashMap<(Taxonomy, String), usize>,
    /// Hash of every term's names, for caches of what shows them.
    names_key: u64,
}

/// The taxonomies the vocabulary describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Taxonomy {
    Companies,
    Topics,
}

impl Taxonomy {
    fn of(name: &str) -> Option<Taxonomy> {
        match name {
            "companies" => Some(Taxonomy::Companies),
            "topics" => Some(Taxonomy::Topics),
            _ => None,
        }
    }
}

impl Vocabulary {
    /// The embedded defaults only.
    pub fn defaults() -> Result<Vocabulary> {
        Vocabulary::from_layers(&Layers::embedded())
    }

    /// The defaults extended by `<root>/rules/companies.toml`, `topics.toml` and `bylines.toml`.
    pub fn load(root: &Path) -> Result<Vocabulary> {
        Vocabulary::from_layers(&Layers::load(root)?)
    }

    /// The embedded defaults with these companies and topics layers instead (tests).
    pub fn from_texts(companies: &[(&str, &str)], topics: &[(&str, &str)]) -> Result<Vocabulary> {
        let mut layers = Layers::embedded();
        layers.set("companies.toml", companies);
        layers.set("topics.toml", topics);
        Vocabulary::from_layers(&layers)
    }

    /// Compiles every layer in order; later layers extend and override earlier ones.
    pub fn from_layers(layers: &Layers) -> Result<Vocabulary> {
        let mut c_settings = toml::Table::new();
        let mut raw_companies: Vec<RawCompany> = Vec::new();
        for (_, file) in layers.parse::<CompaniesFile>("companies.toml")? {
            c_settings.extend(file.settings);
            for c in file.company {
                upsert(&mut raw_companies, c, |a, b| a.name == b.name);
            }
        }
        let mut t_settings = toml::Table::new();
        let mut raw_topics: Vec<RawTopic> = Vec::new();
        for (_, file) in layers.parse::<TopicsFile>("topics.toml")? {
            t_settings.extend(file.settings);
            for t in file.topic {
                upsert(&mut raw_topics, t, |a, b| a.slug == b.slug);
            }
        }
        raw_companies.retain(|c| c.enabled);
        raw_topics.retain(|t| t.enabled);
        let topics: Vec<Topic> = raw_topics.iter().map(RawTopic::topic).collect();
        let mut targets: Vec<(String, Target)> = Vec::new();
        for (i, t) in raw_topics.iter().enumerate() {
            for (k, &w) in &t.keywords {
                let target = Target::Topic {
                    index: i,
                    weight: w,
                };
                targets.push((k.clone(), target));
            }
        }
        let mut companies = Vec::new();
        for (i, c) in raw_companies.iter().enumerate() {
            c.push_targets(i, &mut targets);
            companies.push(c.company(&topics)?);
        }
        // Names first, then slugs: a name that is another term's slug keeps its own term.
        let mut terms = rustc_hash::FxHashMap::default();
        let mut h = rustc_hash::FxHasher::default();
        for (i, c) in companies.iter().enumerate() {
            terms.insert((Taxonomy::Companies, c.name.to_lowercase()), i);
            (&c.name, &c.slug, &c.zh).hash(&mut h);
        }
        for (i, t) in topics.iter().enumerate() {
            terms.insert((Taxonomy::Topics, t.name.to_lowercase()), i);
            (&t.name, &t.slug, &t.zh).hash(&mut h);
        }
        for (i, c) in companies.iter().enumerate() {
            terms
                .entry((Taxonomy::Companies, c.slug.to_lowercase()))
                .or_insert(i);
        }
        for (i, t) in topics.iter().enumerate() {
            terms
                .entry((Taxonomy::Topics, t.slug.to_lowercase()))
                .or_insert(i);
        }
        Ok(Vocabulary {
            terms,
            names_key: h.finish(),
            companies,
            topics,
            company_settings: settings("companies.toml", c_settings)?,
            topic_settings: settings("topics.toml", t_settings)?,
            credit_markers: Bylines::from_layers(layers)?.credit_markers,
            matcher: Matcher::new(targets, sentence_marks(layers)?)?,
        })
    }

    /// The company with this canonical name (any case).
    pub fn company(&self, name: &str) -> Option<&Company> {
        self.companies
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The topic with this display name or slug (any case).
    pub fn topic(&self, name: &str) -> Option<&Topic> {
        self.topics
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name) || t.slug.eq_ignore_ascii_case(name))
    }

    /// Metadata of a term (its page, its chips, its search results): by its name, else its
    /// slug (any case), in the taxonomy of that name.
    pub fn term_meta(&self, taxonomy: &str, term: &str, slug: &str) -> Option<TermMeta<'_>> {
        let tax = Taxonomy::of(taxonomy)?;
        let i = *self
            .terms
            .get(&(tax, term.to_lowercase()))
            .or_else(|| self.terms.get(&(tax, slug.to_lowercase())))?;
        Some(match tax {
            Taxonomy::Companies => {
                let c = &self.companies[i];
                TermMeta {
                    zh: c.zh.as_deref().filter(|z| *z != c.name),
                    description: c.description.as_deref(),
                    description_zh: c.description_zh.as_deref(),
                    homepage: c.homepage.as_deref(),
                }
            }
            Taxonomy::Topics => {
                let t = &self.topics[i];
                TermMeta {
                    zh: t.zh.as_deref(),
                    description: t.description.as_deref(),
                    description_zh: t.description_zh.as_deref(),
                    homepage: None,
                }
            }
        })
    }

    /// The Chinese name of a term, when the vocabulary has one (see [`Vocabulary::term_meta`]).
    pub fn term_zh(&self, taxonomy: &str, term: &str, slug: &str) -> Option<&str> {
        self.term_meta(taxonomy, term, slug).and_then(|m| m.zh)
    }

    /// Hash of every term's names and slugs: what a cache of chips depends on.
    pub fn names_key(&self) -> u64 {
        self.names_key
    }
}

fn settings<T: DeserializeOwned>(file: &str, table: toml::Table) -> Result<T> {
    T::deserialize(toml::Value::Table(table))
        .map_err(|e| anyhow::anyhow!("{file} [settings]: {}", e.message().trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_is_found_by_name_in_any_case_or_by_slug_in_its_own_taxonomy() {
        let v = Vocabulary::defaults().unwrap();
        let by_name = v.term_meta("companies", "microsoft", "x").unwrap();
        let by_slug = v.term_meta("companies", "Not A Name", "microsoft").unwrap();
        assert_eq!(by_name, by_slug);
        assert_eq!(
            v.term_zh("companies", "Microsoft", "microsoft"),
            Some("微软")
        );
        assert_eq!(
            v.term_zh("topics", "artificial intelligence", "x"),
            Some("人工智能")
        );
        assert_eq!(v.term_meta("tags", "Microsoft", "microsoft"), None);
        assert_eq!(v.term_meta("topics", "Microsoft", "microsoft"), None);
    }

    #[test]
    fn defaults_load_with_the_fixed_topics_and_enough_companies() {
        let v = Vocabulary::defaults().unwrap();
        assert!(v.companies.len() >= 300, "{}", v.companies.len());
        let slugs: Vec<&str> = v.topics.iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(
            slugs,
            [
                "artificial-intelligence",
                "cloud-computing",
                "semiconductors",
                "smartphones",
                "electric-vehicles",
                "cybersecurity",
                "regulation",
                "social-media",
                "e-commerce",
                "gaming",
                "blockchain",
                "open-source",
                "venture-funding",
                "enterprise-software",
                "privacy",
                "robotics",
                "space",
            ]
        );
        // Display names slug to the topic slugs (what term URLs and the scorer compare).
        for t in &v.topics {
            assert_eq!(t.name.to_lowercase().replace(' ', "-"), t.slug);
            assert!(t.zh.is_some());
        }
        let mut names: Vec<&str> = v.companies.iter().map(|c| c.name.as_str()).collect();
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len(), "duplicate company names");
    }

    #[test]
    fn a_site_file_overrides_settings_and_companies() {
        let site = r#"
[settings]
max = 2

[[company]]
name = "OKX"
enabled = false

[[company]]
name = "Acme Robotics"
aliases = ["Acme Robotics", "艾克米"]
topics = ["robotics"]
"#;
        let v = Vocabulary::from_texts(
            &[
                ("default", crate::rules::layers::embedded("companies.toml")),
                ("site", site),
            ],
            &[("default", crate::rules::layers::embedded("topics.toml"))],
        )
        .unwrap();
        assert_eq!(v.company_settings.max, 2);
        assert!(v.company("OKX").is_none());
        assert_eq!(v.company("acme robotics").unwrap().slug, "acme-robotics");
    }

    #[test]
    fn typos_are_located() {
        let err = Vocabulary::from_texts(
            &[("site.toml", "[[company]]\nnmae = \"X\"\n")],
            &[("t", crate::rules::layers::embedded("topics.toml"))],
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("site.toml:"), "{err}");
    }
}
