//! Library → search index: per-article terms (cached between rebuilds), then shards.
//!
//! Doc ids follow the library's reading order (newest first), so ties go to newer articles.
//! A posting's weight is BM25's term-frequency part (k1 = 1.2, b = 0.5) over field-boosted
//! counts, scaled to 1–255; a term's idf is stored beside it. A query's score is then a sum of
//! integer products, which the Rust engine (`query.rs`) and the browser compute identically.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use anyhow::Result;
use rayon::prelude::*;

use crate::config::{Config, SearchField};
use crate::content::{Library, Page};
use crate::dates::Dates;
use crate::output::Output;
use crate::slug::is_cjk;
use crate::tagging::Vocabulary;

use super::aliases::Aliases;
use super::format::{DOC_CHUNK, DocRecord, FORMAT, Meta, ShardReader, encode_term};
use super::rules::SearchRules;
use super::terms::{DocTerms, IdMap, TermCache, TermTable};
use super::tokenize;

/// The version of what [`doc_record`] makes of an article: a file of doc records kept from
/// an earlier build is reused only when it was made the same way.
const RECORDS: u32 = 2;

const K1: f64 = 1.2;
const B: f64 = 0.5;

/// How much one occurrence counts, per field.
fn boost(field: SearchField) -> u16 {
    match field {
        SearchField::Title => 5,
        SearchField::Taxonomies => 4,
        SearchField::Description => 2,
        SearchField::Body => 1,
    }
}

/// A term's identity inside the indexer. CJK terms (one or two characters) are packed into
/// the id itself, so the hot path never hashes or allocates them; words are hashed and their
/// text kept once in the indexer's vocabulary.
fn term_id(term: &str) -> u64 {
    let mut cs = term.chars();
    match (cs.next(), cs.next(), cs.next()) {
        (Some(a), b, None) if is_cjk(a) => {
            let (first, second) = match b {
                Some(b) => (a as u64, b as u64),
                None => (0, a as u64),
            };
            CJK_BIT | first << 21 | second
        }
        _ => tokenize::key(term) & !CJK_BIT,
    }
}

const CJK_BIT: u64 = 1 << 63;

/// The text of a term id (CJK ids carry it; words come from the vocabulary).
fn term_text<'v>(id: u64, vocab: &'v IdMap<Box<str>>, buf: &'v mut String) -> &'v str {
    if id & CJK_BIT == 0 {
        return &vocab[&id];
    }
    buf.clear();
    for c in [(id >> 21) & 0x1f_ffff, id & 0x1f_ffff] {
        if let Some(c) = char::from_u32(c as u32).filter(|&c| c != '\0') {
            buf.push(c);
        }
    }
    buf
}

/// What one pass over the articles gives: each article's terms and the files of doc records.
type Indexed = (Vec<(u64, Arc<DocTerms>)>, Vec<DocChunk>);

/// The index files, in memory.
#[derive(Debug)]
pub struct SearchIndex {
    pub meta: Meta,
    pub shards: Vec<Vec<u8>>,
    pub docs: Vec<DocChunk>,
}

/// One file of doc records (`search/docs/<n>.json`): the key of what it is made from (each
/// article's indexed text, path, date, source and language, the terms it names, date formats
/// and snippet length) and its bytes, or `None` when the output already holds the file made
/// from the same key (the records were not built again).
#[derive(Debug, PartialEq)]
pub struct DocChunk {
    pub key: u64,
    pub bytes: Option<Vec<u8>>,
}

/// What writing the index produced, for build output and the benchmark.
#[derive(Debug, Default, Clone, Copy)]
pub struct IndexStats {
    pub docs: usize,
    pub terms: usize,
    pub shards: usize,
    pub shard_bytes: usize,
    pub largest_shard: usize,
    /// Bytes of the doc records built this time.
    pub doc_bytes: usize,
    pub files: usize,
}

/// Builds search indexes, remembering each article's terms so that a rebuild after an edit
/// only re-reads the articles that changed (for `serve`).
pub struct Indexer {
    aliases: Aliases,
    words: SearchRules,
    dates: Dates,
    /// For the Chinese names of result chips ([`Vocabulary::term_zh`], as on the pages).
    vocab: Arc<Vocabulary>,
    fields: Vec<SearchField>,
    snippet_chars: usize,
    shard_bytes: usize,
    /// How bodies are rendered: what [`Page::plain_text`] needs when a build dropped them.
    /// The site's settings, for the bodies a one-shot build dropped (rendered again).
    config: Config,
    /// Article path → (fingerprint of what is indexed, its terms).
    cache: TermCache,
    /// Every term seen: what the articles' terms are numbers into.
    table: TermTable,
    /// How many articles the last [`Indexer::index`] tokenized or dropped: what a saved
    /// cache lacks or has too many of.
    cache_stale: usize,
}

/// What one index run reads of a library ([`Indexer::plan`]): the indexed pages in doc-id
/// order and each one's fingerprint.
pub struct Plan<'l> {
    pages: Vec<&'l Page>,
    fingerprints: Vec<u64>,
    /// The key of each file of doc records.
    chunk_keys: Vec<u64>,
    /// The key of every input of the index files: equal keys, equal files.
    pub key: u64,
}

impl Indexer {
    /// An indexer with the embedded vocabulary and rules (tests; a site uses
    /// [`Indexer::for_site`]).
    pub fn new(config: &Config) -> Indexer {
        let vocab = Arc::new(Vocabulary::defaults().expect("the embedded vocabulary parses"));
        Indexer::for_site(config, &vocab, &SearchRules::default(), &Dates::default())
    }

    /// An indexer whose company aliases are the vocabulary's names (`rules/companies.toml`)
    /// and the site's `[search.aliases]`.
    pub fn for_site(
        config: &Config,
        vocab: &Arc<Vocabulary>,
        rules: &SearchRules,
        dates: &Dates,
    ) -> Indexer {
        let mut aliases = Aliases::from_vocabulary(vocab);
        aliases.extend(&config.search.aliases);
        Indexer {
            aliases,
            words: rules.clone(),
            dates: dates.clone(),
            vocab: vocab.clone(),
            fields: config.search.fields.clone(),
            snippet_chars: config.search.snippet_chars,
            shard_bytes: config.search.shard_bytes,
            config: config.clone(),
            cache: HashMap::new(),
            table: TermTable::default(),
            cache_stale: 0,
        }
    }

    /// The key of what tokenizing reads besides the article: fields, aliases, stop words,
    /// plural rules and the index format.
    fn rules_key(&self) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        (
            FORMAT,
            env!("CARGO_PKG_VERSION"),
            &self.fields,
            &self.aliases,
        )
            .hash(&mut h);
        (self.words.stop_words.list(), self.words.plurals.rules()).hash(&mut h);
        h.finish()
    }

    /// The pages `library` indexes, their fingerprints, and the key of all the index reads:
    /// besides the terms, each record's path, date, source and language, the taxonomy terms
    /// it names, the date formats, snippet length and shard size.
    pub fn plan<'l>(&self, library: &'l Library) -> Plan<'l> {
        let pages: Vec<&Page> = library
            .pages
            .iter()
            .filter(|p| p.meta.in_search_index != Some(false) && p.inherited.in_search_index)
            .map(|p| p.as_ref())
            .collect();
        let fingerprints: Vec<u64> = pages.par_iter().map(|p| fingerprint(p)).collect();
        let mut h = rustc_hash::FxHasher::default();
        library.term_index().hash(&mut h);
        self.vocab.names_key().hash(&mut h);
        let records_key = (FORMAT, RECORDS, &self.dates, self.snippet_chars, h.finish());
        let chunk_keys: Vec<u64> = pages
            .chunks(DOC_CHUNK)
            .zip(fingerprints.chunks(DOC_CHUNK))
            .map(|(pages, fps)| {
                let mut h = rustc_hash::FxHasher::default();
                records_key.hash(&mut h);
                for (p, fp) in pages.iter().zip(fps) {
                    (fp, &p.path, p.date, &p.meta.extra.source, &p.language).hash(&mut h);
                }
                h.finish()
            })
            .collect();
        let mut h = rustc_hash::FxHasher::default();
        (self.rules_key(), self.shard_bytes, records_key).hash(&mut h);
        fingerprints.hash(&mut h);
        chunk_keys.hash(&mut h);
        Plan {
            pages,
            fingerprints,
            chunk_keys,
            key: h.finish(),
        }
    }

    /// Indexes `library`, re-reading only articles that changed since the last call.
    pub fn index(&mut self, library: &Library) -> SearchIndex {
        let plan = self.plan(library);
        self.index_planned(library, plan, None)
            .expect("nothing is written without an output")
    }

    /// [`Indexer::index`] with the plan already made. Files of doc records that `held`
    /// already holds from the same key ([`Output::reuse`]) are not built again; the others
    /// are written into `held` as they are made (the returned index has no bytes for them).
    pub fn index_planned(
        &mut self,
        library: &Library,
        plan: Plan<'_>,
        held: Option<&dyn Output>,
    ) -> Result<SearchIndex> {
        let Plan {
            pages,
            fingerprints,
            chunk_keys,
            ..
        } = plan;
        let table = std::sync::RwLock::new(std::mem::take(&mut self.table));
        let table = &table;
        let cache = &self.cache;
        let (fields, aliases, words) = (&self.fields, &self.aliases, &self.words);
        let config = &self.config;
        let index_of = library.term_index();
        let dates = &self.dates;
        let rules = (fields.as_slice(), aliases, words);
        // One pass per file of doc records: each article's text is had once (rendered again
        // from its file when the build dropped it), for its terms when the cache lacks them
        // and for its record when the file is not reused; the file is written as soon as
        // made, so the records of a large site are never all held.
        let indexed: Result<Indexed> = pages
            .par_chunks(DOC_CHUNK)
            .zip(fingerprints.par_chunks(DOC_CHUNK))
            .zip(&chunk_keys)
            .enumerate()
            .try_fold(
                || (Vec::new(), Vec::new()),
                |(mut docs, mut chunks), (n, ((chunk, fps), &key))| {
                    let reused = held.is_some_and(|out| out.reuse(&doc_file(n), key));
                    let mut recs: Vec<DocRecord> = Vec::new();
                    for (page, &fp) in chunk.iter().zip(fps) {
                        let cached = cache.get(&page.path).filter(|(f, _)| *f == fp);
                        let text = match (cached, reused) {
                            (Some(_), true) => None,
                            _ => Some(page.plain_text(config)?),
                        };
                        // Without cached terms the text was had above.
                        let terms = match cached {
                            Some((_, t)) => t.clone(),
                            None => {
                                let text = text.as_deref().unwrap_or_default();
                                Arc::new(doc_terms(page, text, rules, table))
                            }
                        };
                        if let (false, Some(text)) = (reused, text.as_deref()) {
                            recs.push(doc_record(
                                page,
                                text,
                                &index_of,
                                dates,
                                &self.vocab,
                                self.snippet_chars,
                            ));
                        }
                        docs.push((fp, terms));
                    }
                    let bytes = (!reused)
                        .then(|| serde_json::to_vec(&recs).expect("doc records serialize"));
                    let bytes = match (bytes, held) {
                        (Some(b), Some(out)) => {
                            out.write_keyed(&doc_file(n), key, &b)?;
                            None
                        }
                        (b, _) => b,
                    };
                    chunks.push(DocChunk { key, bytes });
                    Ok::<_, anyhow::Error>((docs, chunks))
                },
            )
            .try_reduce(
                || (Vec::new(), Vec::new()),
                |(mut a, mut ca), (b, cb)| {
                    a.extend(b);
                    ca.extend(cb);
                    Ok((a, ca))
                },
            );
        self.table = std::mem::take(&mut *table.write().expect("term table poisoned"));
        let (terms, records) = indexed?;
        let reused = pages
            .iter()
            .zip(&terms)
            .filter(|(p, (_, t))| cache.get(&p.path).is_some_and(|(_, c)| Arc::ptr_eq(c, t)))
            .count();
        self.cache_stale = (pages.len() - reused) + (self.cache.len() - reused);
        self.cache = pages
            .iter()
            .zip(&terms)
            .map(|(p, (fp, t))| (p.path.clone(), (*fp, t.clone())))
            .collect();

        let docs: Vec<&DocTerms> = terms.iter().map(|(_, t)| t.as_ref()).collect();
        let shards = build_shards(&docs, &self.table, self.shard_bytes);

        let mut h = std::hash::DefaultHasher::new();
        FORMAT.hash(&mut h);
        shards.hash(&mut h);
        chunk_keys.hash(&mut h);
        let meta = Meta {
            format: FORMAT,
            version: format!("{:016x}", h.finish()),
            docs: pages.len() as u32,
            shard_bits: shards.len().trailing_zeros(),
            doc_chunk: DOC_CHUNK as u32,
            stop_words: self.words.stop_words.list().to_vec(),
            plural_endings: self.words.plurals.rules().to_vec(),
        };
        Ok(SearchIndex {
            meta,
            shards,
            docs: records,
        })
    }
}

impl Indexer {
    /// Takes the terms of a cache [`Indexer::save_cache`] wrote with the same `salt` and
    /// rules; a cache that does not match, or is damaged, is ignored.
    pub fn load_cache(&mut self, bytes: &[u8], salt: u64) {
        let key = self.cache_key(salt);
        if let Some((cache, table)) = super::cache::decode(bytes, key) {
            self.cache = cache;
            self.table = table;
        }
    }

    /// The terms of every article the last [`Indexer::index`] saw, for [`Indexer::load_cache`]
    /// in a later process. `salt` names what else the terms depend on (the program).
    pub fn save_cache(&self, salt: u64) -> Vec<u8> {
        super::cache::encode(&self.cache, &self.table, self.cache_key(salt))
    }

    /// Whether the last [`Indexer::index`] changed what [`Indexer::save_cache`] would write.
    pub fn cache_changed(&self) -> bool {
        self.cache_stale > 0
    }

    /// How many articles a cache saved before the last [`Indexer::index`] lacks (they were
    /// tokenized) or has that are gone. A stale cache is still right (its articles are
    /// checked by fingerprint), only slower by that many articles.
    pub fn cache_staleness(&self) -> usize {
        self.cache_stale
    }

    fn cache_key(&self, salt: u64) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        (salt, self.rules_key()).hash(&mut h);
        h.finish()
    }
}

impl SearchIndex {
    /// Writes every file under `search/` in `out`.
    pub fn write(&self, out: &dyn Output) -> Result<IndexStats> {
        self.shards
            .par_iter()
            .enumerate()
            .try_for_each(|(i, s)| out.write(&format!("search/shards/{i}.bin"), s))?;
        self.docs.par_iter().enumerate().try_for_each(|(i, d)| {
            d.bytes
                .as_ref()
                .map_or(Ok(()), |b| out.write_keyed(&doc_file(i), d.key, b))
        })?;
        let meta = serde_json::to_vec(&self.meta)?;
        out.write("search/meta.json", &meta)?;
        Ok(self.stats())
    }

    pub fn stats(&self) -> IndexStats {
        let mut terms = 0;
        for s in &self.shards {
            let mut r = ShardReader::new(s);
            while r.next_term().is_some() {
                terms += 1;
            }
        }
        IndexStats {
            docs: self.meta.docs as usize,
            terms,
            shards: self.shards.len(),
            shard_bytes: self.shards.iter().map(Vec::len).sum(),
            largest_shard: self.shards.iter().map(Vec::len).max().unwrap_or(0),
            doc_bytes: self
                .docs
                .iter()
                .filter_map(|d| d.bytes.as_ref())
                .map(Vec::len)
                .sum(),
            files: self.shards.len() + self.docs.len() + 1,
        }
    }
}

/// The file of doc records `n`.
fn doc_file(n: usize) -> String {
    format!("search/docs/{n}.json")
}

/// What tokenizing reads of a page, hashed: unchanged pages keep their cached terms. The
/// hash is the same in every process (a saved cache is checked with it).
fn fingerprint(page: &Page) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    page.meta.title.hash(&mut h);
    page.meta.description.hash(&mut h);
    page.meta.taxonomies.hash(&mut h);
    page.text_hash.hash(&mut h);
    h.finish()
}

/// What tokenizing an article reads besides the article: fields, aliases, stop words and plurals.
type TermRules<'a> = (&'a [SearchField], &'a Aliases, &'a SearchRules);

fn doc_terms(
    page: &Page,
    text: &str,
    (fields, aliases, words): TermRules<'_>,
    table: &std::sync::RwLock<TermTable>,
) -> DocTerms {
    // id → (boosted count, shard hash)
    // Sized up front: growing a map of ~1k terms rehashes it many times per article.
    let mut counts: IdMap<(u16, u32)> =
        IdMap::with_capacity_and_hasher(text.len() / 4 + 64, Default::default());
    // The words the table lacks, with their text.
    let mut new: Vec<(u64, u32, Option<Box<str>>)> = Vec::new();
    let mut len = 0u32;
    {
        let known = table.read().expect("term table poisoned");
        let mut add = |text: &str, field: SearchField, len: &mut u32| {
            let b = boost(field);
            tokenize::terms(text, words, |t| {
                let id = term_id(t);
                match counts.entry(id) {
                    Entry::Occupied(mut e) => e.get_mut().0 = e.get().0.saturating_add(b),
                    Entry::Vacant(e) => {
                        let hash = tokenize::hash32(t, 0);
                        if known.number(id).is_none() {
                            let word = (id & CJK_BIT == 0).then(|| t.into());
                            new.push((id, hash, word));
                        }
                        e.insert((b, hash));
                    }
                }
                if field != SearchField::Taxonomies {
                    *len += 1;
                }
            });
        };
        for &field in fields {
            match field {
                SearchField::Title => add(&page.meta.title, field, &mut len),
                SearchField::Description => {
                    // A description that only repeats the body's opening is counted once.
                    if let Some(d) = &page.meta.description
                        && !(fields.contains(&SearchField::Body) && repeats_opening(d, text))
                    {
                        add(d, field, &mut len);
                    }
                }
                SearchField::Body => add(text, field, &mut len),
                SearchField::Taxonomies => {
                    for names in page.meta.taxonomies.values() {
                        for name in names {
                            add(name, field, &mut len);
                            for alias in aliases.of(name) {
                                add(alias, field, &mut len);
                            }
                        }
                    }
                }
            }
        }
    }
    if !new.is_empty() {
        let mut t = table.write().expect("term table poisoned");
        for (id, hash, word) in new {
            t.add(hash, id, word);
        }
    }
    let mut entries: Vec<(u32, u64, u16)> = counts
        .into_iter()
        .map(|(id, (count, hash))| (hash, id, count))
        .collect();
    entries.sort_unstable();
    let known = table.read().expect("term table poisoned");
    DocTerms {
        terms: entries
            .iter()
            .map(|e| known.number(e.1).expect("every term was added"))
            .collect(),
        counts: entries.iter().map(|e| e.2).collect(),
        len,
    }
}

/// Whether `description` is the start of `body`, punctuation and spacing aside.
fn repeats_opening(description: &str, body: &str) -> bool {
    let mut b = body.chars().filter(|c| c.is_alphanumeric());
    description
        .chars()
        .filter(|c| c.is_alphanumeric())
        .all(|c| b.next() == Some(c))
}

/// Scales BM25's term-frequency part to 1–255.
fn weight(count: u16, norm: f64) -> u8 {
    let tf = f64::from(count);
    let w = tf / (tf + norm);
    (w * 255.0).round().clamp(1.0, 255.0) as u8
}

/// idf × 1000, as stored.
pub fn idf_scaled(docs: u32, df: u32) -> u32 {
    let (n, df) = (f64::from(docs), f64::from(df));
    ((1.0 + (n - df + 0.5) / (df + 0.5)).ln() * 1000.0).round() as u32
}

/// Enough shard bits that an average shard stays near `target` bytes.
fn shard_bits(docs: &[&DocTerms], target: usize) -> u32 {
    // About 2 bytes per posting, plus term headers.
    let postings: usize = docs.iter().map(|d| d.terms.len()).sum();
    let estimate = postings * 2;
    let mut bits = 0;
    while bits < 14 && (estimate >> bits) > target {
        bits += 1;
    }
    bits
}

fn shard_of_hash(hash: u32, bits: u32) -> u32 {
    if bits == 0 { 0 } else { hash >> (32 - bits) }
}

/// Shards are filled in this many groups of neighbours, each a pass over every article's
/// terms: few enough that the passes stay cheap at 100,000 articles (each visits every
/// article), enough that a group's postings are a small part of the index.
const GROUPS: usize = 16;

/// One term of a shard being assembled: (shard, term, postings).
type Pending = (u32, String, Vec<(u32, u8)>);

fn build_shards(docs: &[&DocTerms], table: &TermTable, target: usize) -> Vec<Vec<u8>> {
    let bits = shard_bits(docs, target);
    let n_shards = 1usize << bits;
    let total_len: u64 = docs.iter().map(|d| u64::from(d.len)).sum();
    let avg = (total_len as f64 / docs.len().max(1) as f64).max(1.0);
    let norms: Vec<f64> = docs
        .iter()
        .map(|d| K1 * (1.0 - B + B * f64::from(d.len) / avg))
        .collect();
    let n_docs = docs.len() as u32;
    // Shards are filled in groups of neighbours: terms are sorted by hash, so a group is one
    // slice of each article's terms.
    let groups = n_shards.min(GROUPS);
    let per_group = n_shards / groups;
    // Where each group starts in each article's terms: one pass over the terms, instead of
    // two binary searches per article per group.
    let group_bits = groups.trailing_zeros();
    let bounds: Vec<[u32; GROUPS + 1]> = docs
        .par_iter()
        .map(|d| {
            let mut b = [0u32; GROUPS + 1];
            let mut g = 0usize;
            for (i, &n) in d.terms.iter().enumerate() {
                let of = shard_of_hash(table.get(n).0, group_bits) as usize;
                while g < of {
                    g += 1;
                    b[g] = i as u32;
                }
            }
            while g < groups {
                g += 1;
                b[g] = d.terms.len() as u32;
            }
            b
        })
        .collect();
    (0..groups)
        .into_par_iter()
        .flat_map_iter(|g| {
            let lo = (g * per_group) as u32;
            let mut postings: IdMap<(u32, Vec<(u32, u8)>)> = IdMap::default();
            for (doc, d) in docs.iter().enumerate() {
                let (start, end) = (bounds[doc][g] as usize, bounds[doc][g + 1] as usize);
                for i in start..end {
                    let (hash, id) = table.get(d.terms[i]);
                    let entry = postings
                        .entry(id)
                        .or_insert_with(|| (shard_of_hash(hash, bits), Vec::new()));
                    entry.1.push((doc as u32, weight(d.counts[i], norms[doc])));
                }
            }
            let mut buf = String::new();
            let mut terms: Vec<Pending> = postings
                .into_iter()
                .map(|(id, (shard, list))| {
                    (
                        shard,
                        term_text(id, &table.words, &mut buf).to_string(),
                        list,
                    )
                })
                .collect();
            terms.sort_unstable_by(|a, b| (a.0, a.1.as_bytes()).cmp(&(b.0, b.1.as_bytes())));
            let mut out: Vec<Vec<u8>> = vec![Vec::new(); per_group];
            for (shard, term, list) in terms {
                let idf = idf_scaled(n_docs, list.len() as u32);
                encode_term(&mut out[(shard - lo) as usize], &term, &list, idf);
            }
            out
        })
        .collect()
}

fn doc_record(
    page: &Page,
    text: &str,
    terms: &crate::content::library::TermIndex,
    dates: &Dates,
    vocab: &Vocabulary,
    snippet_chars: usize,
) -> DocRecord {
    let zh = page.language.starts_with("zh");
    let mut g = Vec::new();
    for (tax, names) in &page.meta.taxonomies {
        for n in names {
            if let Some((name, slug)) = terms.get(&(tax.clone(), n.trim().to_lowercase())) {
                // A chip shows the name in the article's language, as on its page.
                let label = zh
                    .then(|| vocab.term_zh(tax, name, slug))
                    .flatten()
                    .unwrap_or(name);
                g.push([tax.clone(), label.to_string(), slug.clone()]);
            }
        }
    }
    let body = text.trim();
    // The description often repeats the first sentence (with other punctuation): keep one.
    let lead = match page.meta.description.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() && !repeats_opening(d, body) => Some(d),
        _ => None,
    };
    let x = match lead {
        Some(d) => record_text(&[d, body], snippet_chars),
        None => record_text(&[body], snippet_chars),
    };
    DocRecord {
        p: page.path.clone(),
        t: page.meta.title.clone(),
        d: page.date.as_ref().map(|d| dates.display(d, &page.language)),
        dt: page.date.as_ref().map(|d| d.ymd()),
        s: page.meta.extra.source.clone(),
        l: page.language.clone(),
        g,
        x,
    }
}

/// What a record keeps of an article's text, for the browser to find the passage that
/// matched (`search.js` picks the window around the query's terms): `parts` in order, white
/// space compacted (a paragraph break, and the break between parts, as one `\n`), at most
/// `max` characters. A text cut at the bound ends after its last sentence when that is in the
/// last fifth, so the kept text does not stop mid-sentence.
fn record_text(parts: &[&str], max: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    // White space not yet written: ' ', or '\n' when it held a line break.
    let mut gap: Option<char> = None;
    // Where the last whole sentence ends, in bytes and in characters.
    let mut sentence_end = (0, 0);
    let mut cut = false;
    'parts: for (k, part) in parts.iter().enumerate() {
        if k > 0 && !out.is_empty() {
            gap = Some('\n');
        }
        for c in part.chars() {
            if c.is_whitespace() {
                if !out.is_empty() {
                    gap = Some(if c == '\n' || gap == Some('\n') {
                        '\n'
                    } else {
                        ' '
                    });
                }
                continue;
            }
            // Room for the gap and this character.
            let need = 1 + usize::from(gap.is_some());
            if chars + need > max {
                if gap == Some('\n') || out.ends_with(['.', '!', '?']) {
                    sentence_end = (out.len(), chars);
                }
                cut = true;
                break 'parts;
            }
            if let Some(g) = gap.take() {
                if g == '\n' || out.ends_with(['.', '!', '?']) {
                    sentence_end = (out.len(), chars);
                }
                out.push(g);
                chars += 1;
            }
            out.push(c);
            chars += 1;
            if matches!(c, '。' | '！' | '？' | '；') {
                sentence_end = (out.len(), chars);
            }
        }
    }
    if cut && sentence_end.1 * 5 >= max * 4 {
        out.truncate(sentence_end.0);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::content::library::build_taxonomy;

    fn library(bodies: &[(&str, &str, &str)]) -> Library {
        let config = Config::default();
        let pages: Vec<std::sync::Arc<Page>> = bodies
            .iter()
            .map(|(file, title, body)| {
                let text = format!(
                    "+++\ntitle = \"{title}\"\n[taxonomies]\ncompanies = [\"Microsoft\"]\n+++\n{body}"
                );
                std::sync::Arc::new(Page::parse(&text, Path::new(file), &config).unwrap())
            })
            .collect();
        let taxonomies = vec![build_taxonomy("companies", &pages, &mut Vec::new())];
        Library {
            pages,
            taxonomies,
            ..Library::default()
        }
    }

    #[test]
    fn reindexing_after_an_edit_equals_a_fresh_index() {
        let config = Config::default();
        let before = library(&[
            ("a.md", "大模型价格战", "正文"),
            ("b.md", "Chips", "Nvidia"),
        ]);
        let after = library(&[("a.md", "大模型价格战", "正文"), ("b.md", "Chips", "TSMC")]);
        let mut indexer = Indexer::new(&config);
        let first = indexer.index(&before);
        let again = indexer.index(&after);
        let fresh = Indexer::new(&config).index(&after);
        assert_eq!(again.shards, fresh.shards);
        assert_eq!(again.docs, fresh.docs);
        assert_ne!(first.meta.version, again.meta.version);
    }

    #[test]
    fn a_saved_cache_gives_the_same_index_and_is_used_only_when_it_matches() {
        let config = Config::default();
        let before = library(&[
            ("a.md", "大模型价格战", "正文 Nvidia chips"),
            ("b.md", "Chips", "Nvidia"),
        ]);
        let after = library(&[
            ("a.md", "大模型价格战", "正文 Nvidia chips"),
            ("b.md", "Chips", "TSMC"),
        ]);
        let mut first = Indexer::new(&config);
        first.index(&before);
        assert!(first.cache_changed());
        let saved = first.save_cache(7);

        // A new process: the cache gives a's terms; only b is tokenized again.
        let mut later = Indexer::new(&config);
        later.load_cache(&saved, 7);
        assert_eq!(later.cache.len(), 2);
        // The same terms, by (shard hash, id) and count: the numbers are each table's own.
        let resolved = |ix: &Indexer, t: &DocTerms| -> Vec<((u32, u64), u16)> {
            t.terms
                .iter()
                .map(|&n| ix.table.get(n))
                .zip(t.counts.iter().copied())
                .collect()
        };
        for (path, (fp, terms)) in &first.cache {
            let (later_fp, later_terms) = later.cache.get(path).unwrap();
            assert_eq!(later_fp, fp);
            assert_eq!(resolved(&later, later_terms), resolved(&first, terms));
            assert_eq!(later_terms.len, terms.len);
        }
        let again = later.index(&after);
        let fresh = Indexer::new(&config).index(&after);
        assert_eq!((again.shards, again.docs), (fresh.shards, fresh.docs));
        assert!(later.cache_changed());

        // Unchanged articles: nothing to save.
        later.index(&after);
        assert!(!later.cache_changed());

        // Another program, a damaged or cut file: ignored.
        for bad in [
            (saved.clone(), 8),
            (saved[..saved.len() - 1].to_vec(), 7),
            (
                {
                    let mut b = saved.clone();
                    let mid = b.len() / 2;
                    b[mid] ^= 1;
                    b
                },
                7,
            ),
            (Vec::new(), 7),
        ] {
            let mut ix = Indexer::new(&config);
            ix.load_cache(&bad.0, bad.1);
            assert!(ix.cache.is_empty());
        }
    }

    #[test]
    fn aliases_of_company_terms_are_indexed() {
        let config = Config::default();
        let index = Indexer::new(&config).index(&library(&[("a.md", "Cloud", "Azure")]));
        let shard = tokenize::shard_of("微软", index.meta.shard_bits) as usize;
        let mut r = ShardReader::new(&index.shards[shard]);
        assert!(std::iter::from_fn(|| r.next_term()).any(|t| t.term == "微软"));
    }

    #[test]
    fn record_text_compacts_white_space_and_cuts_after_a_sentence_near_the_bound() {
        assert_eq!(
            record_text(&["  Lead  text ", "Body\n\n  one.  Two\tthree "], 100),
            "Lead text\nBody\none. Two three"
        );
        let text = "第一句话。第二句话很长很长很长";
        assert_eq!(record_text(&[text], 12), "第一句话。第二句话很长很");
        assert_eq!(record_text(&[text], 6), "第一句话。");
        assert_eq!(
            record_text(&["One two three. Four five six"], 17),
            "One two three."
        );
        assert_eq!(record_text(&["One. Two three"], 9), "One. Two");
    }

    #[test]
    fn cjk_term_ids_round_trip() {
        let vocab = IdMap::default();
        let mut buf = String::new();
        for t in ["微软", "锂", "모델"] {
            assert_eq!(term_text(term_id(t), &vocab, &mut buf), t);
        }
    }
}
