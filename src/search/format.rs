//! The search index's file format, shared by the writer (`index.rs`), the Rust query engine
//! (`query.rs`) and `templates/search.js`: the record types and the shard encoding.
//!
//! Files written under `search/` (all site-relative, so a sub-path needs nothing baked in):
//!
//! ```text
//! meta.json          {format, version, docs, shard_bits, doc_chunk, stop_words,
//!                    plural_endings: [{ending, after?, min_chars, becomes, keep}…] longest ending first}
//! shards/<n>.bin     terms whose hash has top bits n; per term, sorted by term bytes:
//!                    varint term_len, term (UTF-8), varint df, varint idf×1000,
//!                    varint block_len, block = df × (varint doc-id delta, u8 weight)
//! docs/<n>.json      records of docs n×doc_chunk … (n+1)×doc_chunk−1, each {p: path, t: title, d: date shown,
//!                    dt: yyyy-mm-dd, s: source, l: language, g: [[taxonomy, term, slug]…], x: text}
//! ```
//!
//! A record's `x` is the article's plain text (the description first when it is not the
//! body's opening), white space compacted with paragraph breaks as `\n`, at most
//! `[search] snippet_chars` characters: enough for the browser to find a match deep in the
//! body and show the passage around it.
//!

use serde::{Deserialize, Serialize};

/// Version of the file layout above; the browser refuses other versions.
pub const FORMAT: u32 = 2;

/// Records per `docs/<n>.json` file. Four, though a record now holds the article's text (a
/// few KB) and a results page rarely shows neighbours: at one per file a 10k-article site's
/// first results page fetched 56 KiB rather than 133 KiB, but the build wrote 7,500 more files
/// (25,513 rather than 18,013), and creating files is most of a build's time on ext4. 133 KiB
/// is within the 300 KB a query may fetch.
pub const DOC_CHUNK: usize = 4;

/// `search/meta.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    pub format: u32,
    /// Changes whenever any index file changes; the browser adds it to shard URLs.
    pub version: String,
    pub docs: u32,
    pub shard_bits: u32,
    /// Records per `docs/<n>.json`.
    pub doc_chunk: u32,
    pub stop_words: Vec<String>,
    /// The plural rules of `rules/search.toml`, in the order the tokenizer tries them.
    /// (Absent from format 1, which folded by rules of its own: read so that the format check
    /// can name the version.)
    #[serde(default)]
    pub plural_endings: Vec<super::rules::PluralRule>,
}

/// One record of `search/docs/<n>.json`: what a result shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocRecord {
    /// Site-relative path (`news/foo/`).
    pub p: String,
    pub t: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub d: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s: Option<String>,
    pub l: String,
    pub g: Vec<[String; 3]>,
    /// The article's text, bounded (see the file layout above): what snippets are cut from.
    pub x: String,
}

/// One posting list, as stored.
#[derive(Debug, Clone, Copy)]
pub struct TermEntry<'a> {
    pub term: &'a str,
    pub df: u32,
    pub idf: u32,
    pub block: &'a [u8],
}

/// Walks the terms of a shard file.
pub struct ShardReader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> ShardReader<'a> {
    pub fn new(bytes: &'a [u8]) -> ShardReader<'a> {
        ShardReader { bytes, pos: 0 }
    }

    pub(crate) fn varint(&mut self) -> Option<u32> {
        let mut v: u32 = 0;
        let mut shift = 0;
        loop {
            let b = *self.bytes.get(self.pos)?;
            self.pos += 1;
            v |= u32::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
            shift += 7;
            if shift > 28 {
                return None;
            }
        }
    }

    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.pos..self.pos + n)?;
        self.pos += n;
        Some(s)
    }

    pub fn next_term(&mut self) -> Option<TermEntry<'a>> {
        let len = self.varint()? as usize;
        let term = std::str::from_utf8(self.take(len)?).ok()?;
        let df = self.varint()?;
        let idf = self.varint()?;
        let block_len = self.varint()? as usize;
        let block = self.take(block_len)?;
        Some(TermEntry {
            term,
            df,
            idf,
            block,
        })
    }
}

/// `(doc id, weight)` pairs of a posting block.
pub fn postings(block: &[u8]) -> Vec<(u32, u8)> {
    let mut r = ShardReader::new(block);
    let mut out = Vec::new();
    let mut doc = 0;
    while let Some(d) = r.varint() {
        doc += d;
        let Some(w) = r.take(1) else { break };
        out.push((doc, w[0]));
    }
    out
}

pub(crate) fn varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub(crate) fn encode_term(out: &mut Vec<u8>, term: &str, list: &[(u32, u8)], idf: u32) {
    varint(out, term.len() as u32);
    out.extend_from_slice(term.as_bytes());
    varint(out, list.len() as u32);
    varint(out, idf);
    let mut block = Vec::with_capacity(list.len() * 2);
    let mut prev = 0;
    for &(doc, w) in list {
        varint(&mut block, doc - prev);
        block.push(w);
        prev = doc;
    }
    varint(out, block.len() as u32);
    out.extend_from_slice(&block);
}
