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

use super::terms::{DocTerms, IdMap, TermCache};
use crate::binary::{Reader, checked, seal, varint};

const MAGIC: &[u8] = b"newsroom-search-terms 1\n";

/// One article of the cache: its path, fingerprint and terms.
type Entry = (String, (u64, Arc<DocTerms>));

pub(super) fn encode(cache: &TermCache, vocab: &IdMap<Box<str>>, key: u64) -> Vec<u8> {
    let mut table: Vec<(u32, u64)> = {
        let mut seen: IdMap<u32> = IdMap::default();
        for (_, terms) in cache.values() {
            for (&id, &hash) in terms.ids.iter().zip(&terms.hashes) {
                seen.insert(id, hash);
            }
        }
        seen.into_iter().map(|(id, hash)| (hash, id)).collect()
    };
    table.sort_unstable();
    let index: IdMap<u32> = table
        .iter()
        .enumerate()
        .map(|(i, &(_, id))| (id, i as u32))
        .collect();

    let mut out = Vec::with_capacity(MAGIC.len() + 16 + table.len() * 20);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&key.to_le_bytes());
    out.extend_from_slice(&(table.len() as u32).to_le_bytes());
    for &(hash, id) in &table {
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&hash.to_le_bytes());
        let text = vocab.get(&id).map_or("", |t| t);
        varint(&mut out, text.len() as u32);
        out.extend_from_slice(text.as_bytes());
    }
    let mut docs: Vec<(&String, &(u64, Arc<DocTerms>))> = cache.iter().collect();
    docs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let blocks: Vec<Vec<u8>> = docs
        .par_iter()
        .map(|(path, (fp, terms))| {
            let mut b = Vec::with_capacity(path.len() + 24 + terms.ids.len() * 3);
            varint(&mut b, path.len() as u32);
            b.extend_from_slice(path.as_bytes());
            b.extend_from_slice(&fp.to_le_bytes());
            varint(&mut b, terms.len);
            varint(&mut b, terms.ids.len() as u32);
            let mut last = 0u32;
            for (id, &count) in terms.ids.iter().zip(&terms.counts) {
                let i = index[id];
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

/// The cache and the words it names, when `bytes` is a whole cache written with `key`.
pub(super) fn decode(bytes: &[u8], key: u64) -> Option<(TermCache, IdMap<Box<str>>)> {
    let body = checked(bytes)?;
    let mut r = Reader(body.strip_prefix(MAGIC)?);
    if r.u64()? != key {
        return None;
    }
    let n_terms = r.u32()? as usize;
    let mut table: Vec<(u64, u32)> = Vec::with_capacity(n_terms.min(body.len() / 13));
    let mut vocab: IdMap<Box<str>> = IdMap::default();
    for _ in 0..n_terms {
        let (id, hash) = (r.u64()?, r.u32()?);
        let len = r.varint()? as usize;
        let text = std::str::from_utf8(r.take(len)?).ok()?;
        if !text.is_empty() {
            vocab.insert(id, text.into());
        }
        table.push((id, hash));
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
    let docs: Option<Vec<Entry>> = blocks.par_iter().map(|b| decode_doc(b, &table)).collect();
    Some((docs?.into_iter().collect(), vocab))
}

fn decode_doc(block: &[u8], table: &[(u64, u32)]) -> Option<Entry> {
    let mut r = Reader(block);
    let len = r.varint()? as usize;
    let path = std::str::from_utf8(r.take(len)?).ok()?.to_string();
    let fp = r.u64()?;
    let doc_len = r.varint()?;
    let n = r.varint()? as usize;
    let mut terms = DocTerms {
        hashes: Vec::with_capacity(n.min(block.len())),
        ids: Vec::with_capacity(n.min(block.len())),
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
        let &(id, hash) = table.get(i as usize)?;
        terms.ids.push(id);
        terms.hashes.push(hash);
        terms.counts.push(u16::try_from(r.varint()?).ok()?);
    }
    r.is_empty().then_some((path, (fp, Arc::new(terms))))
}
