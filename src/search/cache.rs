//! The indexer's per-article terms, saved between builds (in the output's state directory) so
//! that a build after one edit tokenizes one article, not all of them.
//!
//! A cache never decides what is written: each article's terms are used only when its
//! fingerprint matches, and the whole file only when its key (program, rules, format) does
//! and its checksum holds; anything else and the cache is ignored.
//!
//! Layout (little-endian): the magic line, the key, then every term the articles use, sorted
//! as the articles' own term lists are (shard hash, id): its id, hash and, for a word, its
//! text (CJK ids carry their characters); then per article its path, fingerprint, length
//! and its terms as ascending indexes into that table (delta varints) with their counts
//! (varints), each article behind its byte length so articles decode in parallel; then a
//! checksum of everything before it.

use std::sync::Arc;

use rayon::prelude::*;

use super::terms::{DocTerms, TermCache, TermTable};
use crate::binary::{Reader, checked, seal, varint};

const MAGIC: &[u8] = b"newsroom-search-terms 1\n";

/// One article of the cache: its path, fingerprint and terms.
type Entry = (String, (u64, Arc<DocTerms>));

pub(super) fn encode(cache: &TermCache, terms: &TermTable, key: u64) -> Vec<u8> {
    // The terms the articles use, sorted as the articles' own lists are (shard hash, id).
    let mut used = vec![false; terms.entries.len()];
    for (_, doc) in cache.values() {
        for &n in &doc.terms {
            used[n as usize] = true;
        }
    }
    let mut table: Vec<(u32, u64, u32)> = used
        .iter()
        .enumerate()
        .filter(|(_, u)| **u)
        .map(|(n, _)| {
            let (hash, id) = terms.get(n as u32);
            (hash, id, n as u32)
        })
        .collect();
    table.sort_unstable();
    // Table number → position in the saved table.
    let mut position = vec![0u32; terms.entries.len()];
    for (i, &(_, _, n)) in table.iter().enumerate() {
        position[n as usize] = i as u32;
    }

    let mut out = Vec::with_capacity(MAGIC.len() + 16 + table.len() * 20);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&key.to_le_bytes());
    out.extend_from_slice(&(table.len() as u32).to_le_bytes());
    for &(hash, id, _) in &table {
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&hash.to_le_bytes());
        let text = terms.words.get(&id).map_or("", |t| t);
        varint(&mut out, text.len() as u32);
        out.extend_from_slice(text.as_bytes());
    }
    let mut docs: Vec<(&String, &(u64, Arc<DocTerms>))> = cache.iter().collect();
    docs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let blocks: Vec<Vec<u8>> = docs
        .par_iter()
        .map(|(path, (fp, doc))| {
            let mut b = Vec::with_capacity(path.len() + 24 + doc.terms.len() * 3);
            varint(&mut b, path.len() as u32);
            b.extend_from_slice(path.as_bytes());
            b.extend_from_slice(&fp.to_le_bytes());
            varint(&mut b, doc.len);
            varint(&mut b, doc.terms.len() as u32);
            let mut last = 0u32;
            for (&n, &count) in doc.terms.iter().zip(&doc.counts) {
                let i = position[n as usize];
                varint(&mut b, i - last);
                varint(&mut b, u32::from(count));
                last = i;
            }
            b
        })
        .collect();
    out.extend_from_slice(&(blocks.len() as u32).to_le_bytes());
    for b in &blocks {
        varint(&mut out, b.len() as u32);
        out.extend_from_slice(b);
    }
    seal(&mut out);
    out
}

/// The cache and its term table, when `bytes` is a whole cache written with `key`.
pub(super) fn decode(bytes: &[u8], key: u64) -> Option<(TermCache, TermTable)> {
    let body = checked(bytes)?;
    let mut r = Reader(body.strip_prefix(MAGIC)?);
    if r.u64()? != key {
        return None;
    }
    let n_terms = r.u32()? as usize;
    let mut table = TermTable::default();
    for i in 0..n_terms {
        let (id, hash) = (r.u64()?, r.u32()?);
        let text = r.string()?;
        let word = (!text.is_empty()).then(|| text.into());
        if table.add(hash, id, word) as usize != i {
            return None; // a term twice
        }
    }
    let n_docs = r.u32()? as usize;
    let mut blocks = Vec::with_capacity(n_docs.min(body.len()));
    for _ in 0..n_docs {
        let len = r.varint()? as usize;
        blocks.push(r.take(len)?);
    }
    if !r.is_empty() {
        return None;
    }
    let n_terms = n_terms as u32;
    let docs: Option<Vec<Entry>> = blocks.par_iter().map(|b| decode_doc(b, n_terms)).collect();
    Some((docs?.into_iter().collect(), table))
}

fn decode_doc(block: &[u8], n_terms: u32) -> Option<Entry> {
    let mut r = Reader(block);
    let len = r.varint()? as usize;
    let path = std::str::from_utf8(r.take(len)?).ok()?.to_string();
    let fp = r.u64()?;
    let doc_len = r.varint()?;
    let n = r.varint()? as usize;
    let mut doc = DocTerms {
        terms: Vec::with_capacity(n.min(block.len())),
        counts: Vec::with_capacity(n.min(block.len())),
        len: doc_len,
    };
    let mut i = 0u32;
    for k in 0..n {
        let delta = r.varint()?;
        if k > 0 && delta == 0 {
            return None; // a term twice
        }
        i = i.checked_add(delta)?;
        if i >= n_terms {
            return None;
        }
        doc.terms.push(i);
        doc.counts.push(u16::try_from(r.varint()?).ok()?);
    }
    r.is_empty().then_some((path, (fp, Arc::new(doc))))
}
