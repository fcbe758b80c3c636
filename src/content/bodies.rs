//! What a build keeps of each article's body between builds: the measures taken from it
//! (summary, word count, reading time, the hashes of its text and of its rendered body),
//! keyed by the hash of the article's file (for a page bundle, also by the sizes and times of
//! its other files: its images give the body's `width`/`height`; see
//! [`super::Page::body_cache_key`]). With them, a build after one edit reads every article's
//! front matter but renders the Markdown of the edited one only; the others' bodies are
//! rendered when a page or feed showing them is written again ([`super::Page::body`]).
//!
//! Saved in the output's state directory (`.public.newsroom/bodies`). The cache never decides
//! what is written: an entry is used only for a file with the same hash, and the whole file
//! only when its key (program, Markdown and reading settings, base path) matches and its
//! checksum holds; anything else and the bodies are rendered as without it.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHashMap;

use super::Page;
use crate::binary::{Reader, checked, seal, string, varint};
use crate::config::Config;
use crate::text::WordCount;

const MAGIC: &[u8] = b"newsroom-bodies 2\n";
/// The state file's name.
pub const FILE: &str = "bodies";

use super::page::LinkFacts;
pub use super::page::Measures;

/// The measures of the articles a build loaded, by the hash of their file.
#[derive(Debug, Default)]
pub struct BodyCache {
    key: u64,
    entries: FxHashMap<u64, Measures>,
}

impl BodyCache {
    /// The key of everything a body's measures depend on besides its file: the program,
    /// the Markdown and reading settings and the base path.
    pub fn key(config: &Config, program: u64) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        program.hash(&mut h);
        super::page::SUMMARY_CHARS.hash(&mut h);
        config.base_path().hash(&mut h);
        serde_json::to_vec(&(&config.markdown, &config.reading))
            .expect("settings serialize")
            .hash(&mut h);
        h.finish()
    }

    /// The cache saved in `bytes`, when it was saved with `key` and is whole; else an empty one.
    pub fn read(bytes: Option<&[u8]>, key: u64) -> BodyCache {
        bytes.and_then(|b| decode(b, key)).unwrap_or(BodyCache {
            key,
            entries: FxHashMap::default(),
        })
    }

    /// The measures saved under `key` ([`Page::body_cache_key`]).
    pub fn get(&self, key: u64) -> Option<&Measures> {
        self.entries.get(&key)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The bytes to save for `pages` (those whose body can be rendered again alone), or
    /// `None` when the saved cache already holds exactly them.
    pub fn save<'p>(&self, pages: impl Iterator<Item = &'p Page>) -> Option<Vec<u8>> {
        let mut entries: Vec<(u64, Measures)> = pages
            .filter(|p| !p.links_to_content())
            .map(|p| (p.body_cache_key(), p.measures()))
            .collect();
        entries.sort_unstable_by_key(|e| e.0);
        entries.dedup_by_key(|e| e.0);
        let same = entries.len() == self.entries.len()
            && entries.iter().all(|(h, m)| self.entries.get(h) == Some(m));
        (!same).then(|| encode(&entries, self.key))
    }
}

fn encode(entries: &[(u64, Measures)], key: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(MAGIC.len() + 12 + entries.len() * 160);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&key.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    for (hash, m) in entries {
        out.extend_from_slice(&hash.to_le_bytes());
        out.extend_from_slice(&m.text_hash.to_le_bytes());
        out.extend_from_slice(&m.body_key.to_le_bytes());
        varint(&mut out, m.words.cjk_chars as u32);
        varint(&mut out, m.words.latin_words as u32);
        varint(&mut out, m.reading_minutes);
        string(&mut out, &m.summary);
        varint(&mut out, m.link_facts.links.len() as u32);
        for (href, line) in &m.link_facts.links {
            string(&mut out, href);
            varint(&mut out, *line as u32);
        }
        varint(&mut out, m.link_facts.ids.len() as u32);
        for id in &m.link_facts.ids {
            string(&mut out, id);
        }
    }
    seal(&mut out);
    out
}

fn decode(bytes: &[u8], key: u64) -> Option<BodyCache> {
    let mut r = Reader(checked(bytes)?.strip_prefix(MAGIC)?);
    if r.u64()? != key {
        return None;
    }
    let n = r.u32()? as usize;
    let mut entries =
        FxHashMap::with_capacity_and_hasher(n.min(bytes.len() / 28), Default::default());
    for _ in 0..n {
        let hash = r.u64()?;
        let m = Measures {
            text_hash: r.u64()?,
            body_key: r.u64()?,
            words: WordCount {
                cjk_chars: r.varint()? as usize,
                latin_words: r.varint()? as usize,
            },
            reading_minutes: r.varint()?,
            summary: r.string()?.to_string(),
            link_facts: LinkFacts::default(),
        };
        let mut m = m;
        for _ in 0..r.varint()? {
            let href = r.string()?.to_string();
            m.link_facts.links.push((href, r.varint()? as usize));
        }
        for _ in 0..r.varint()? {
            m.link_facts.ids.push(r.string()?.to_string());
        }
        entries.insert(hash, m);
    }
    r.is_empty().then_some(BodyCache { key, entries })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn page(text: &str) -> Page {
        Page::parse(text, Path::new("news/a.md"), &Config::default()).unwrap()
    }

    #[test]
    fn saved_measures_read_back_only_under_their_key_and_whole() {
        let pages = [
            page("+++\ntitle = \"A\"\n+++\n微软与 OpenAI 的合作。第二句。\n\n## 标题\n"),
            page("+++\ntitle = \"B\"\ndescription = \"Desc\"\n+++\nChips *and* more.\n"),
            page("+++\ntitle = \"C\"\n+++\nSee [b](@/news/b.md).\n"),
        ];
        let empty = BodyCache::read(None, 7);
        let bytes = empty.save(pages.iter()).expect("new entries are saved");
        let back = BodyCache::read(Some(&bytes), 7);
        assert_eq!(back.len(), 2, "a body with an `@/` link is never cached");
        for p in &pages[..2] {
            assert_eq!(back.get(p.source_hash), Some(&p.measures()));
        }
        assert!(
            back.save(pages.iter()).is_none(),
            "unchanged: nothing to save"
        );
        assert!(BodyCache::read(Some(&bytes), 8).is_empty(), "another key");
        let mut damaged = bytes.clone();
        damaged[MAGIC.len() + 20] ^= 1;
        assert!(BodyCache::read(Some(&damaged), 7).is_empty(), "damaged");
        assert!(
            BodyCache::read(Some(&bytes[..bytes.len() - 3]), 7).is_empty(),
            "cut"
        );
    }
}
