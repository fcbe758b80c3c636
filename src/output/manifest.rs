//! The record of what a build wrote into an output directory, kept beside it for the next
//! build: per file, what made it (a key), what it holds (a hash of its bytes) and how it looked
//! on disk afterwards (size, mtime, inode). A file whose size, mtime and inode still match is
//! trusted to hold those bytes without reading it; any other file is treated as unknown.
//!
//! The format is text, one file per line, so a damaged record is easy to see and simply
//! discarded (the next build then compares files by their bytes):
//!
//! ```text
//! newsroom-output 1
//! sources 5b0f…
//! search 9c1e…
//! t <key> <hash> <size> <mtime_ns> <ino> news/foo/index.html
//! ```

use std::hash::Hasher;
use std::path::Path;

use anyhow::Result;
use rustc_hash::{FxHashMap, FxHasher};

use crate::fsx;

const HEADER: &str = "newsroom-output 1";
/// A record larger than this is not ours (or is damaged): it is ignored, not read.
const MAX_BYTES: u64 = 1 << 30;

/// What produced a file: a template (keyed by its view's fingerprint), the search index
/// (keyed by the index inputs, for the whole set), or a copied asset (keyed by its source).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Template,
    Search,
    Asset,
}

impl Kind {
    fn letter(self) -> char {
        match self {
            Kind::Template => 't',
            Kind::Search => 's',
            Kind::Asset => 'a',
        }
    }
    fn from_letter(c: &str) -> Option<Kind> {
        Some(match c {
            "t" => Kind::Template,
            "s" => Kind::Search,
            "a" => Kind::Asset,
            _ => return None,
        })
    }
}

/// How a file looked on disk right after it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Stamp {
    pub size: u64,
    pub mtime_ns: i128,
    pub ino: u64,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| match t.duration_since(std::time::UNIX_EPOCH) {
                Ok(d) => i128::try_from(d.as_nanos()).ok(),
                Err(e) => i128::try_from(e.duration().as_nanos()).ok().map(|n| -n),
            })
            .unwrap_or(0);
        #[cfg(unix)]
        let ino = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let ino = 0;
        Stamp {
            size: meta.len(),
            mtime_ns,
            ino,
        }
    }
}

/// One output file as the last build left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    pub key: u64,
    pub hash: u64,
    pub stamp: Stamp,
}

/// Every file a build wrote, the key of all the sources it was built from, and the key of
/// the search index inputs it wrote the index from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub sources: Option<u64>,
    pub search: Option<u64>,
    pub files: FxHashMap<String, Entry>,
}

/// The hash of a file's bytes (with its length), stable across runs and machines.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write_usize(bytes.len());
    h.write(bytes);
    h.finish()
}

impl Record {
    /// Reads a record; `None` when there is none or it is not one this version wrote.
    pub fn read(path: &Path) -> Option<Record> {
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() || meta.len() > MAX_BYTES {
            return None;
        }
        let text = std::fs::read_to_string(path).ok()?;
        Record::parse(&text)
    }

    fn parse(text: &str) -> Option<Record> {
        let mut lines = text.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let mut record = Record::default();
        let mut ended = false;
        for line in lines {
            if line == "end" {
                ended = true;
                break;
            }
            if let Some(key) = line.strip_prefix("sources ") {
                record.sources = Some(u64::from_str_radix(key, 16).ok()?);
                continue;
            }
            if let Some(key) = line.strip_prefix("search ") {
                record.search = Some(u64::from_str_radix(key, 16).ok()?);
                continue;
            }
            let (path, entry) = parse_entry(line)?;
            record.files.insert(path, entry);
        }
        // A record cut short (a full disk) is no record.
        ended.then_some(record)
    }

    /// The record as text, files sorted by path (so equal records are equal bytes).
    pub fn to_text(&self) -> String {
        let mut paths: Vec<&String> = self.files.keys().collect();
        paths.sort_unstable();
        let mut out = String::with_capacity(64 * paths.len() + 64);
        out.push_str(HEADER);
        out.push('\n');
        if let Some(s) = self.sources {
            out.push_str(&format!("sources {s:016x}\n"));
        }
        if let Some(s) = self.search {
            out.push_str(&format!("search {s:016x}\n"));
        }
        for p in paths {
            use std::fmt::Write;
            let e = &self.files[p];
            let s = e.stamp;
            // Into the one buffer: a `format!` per line was a tenth of a 100k build's commit.
            let _ = writeln!(
                out,
                "{} {:016x} {:016x} {} {} {} {}",
                e.kind.letter(),
                e.key,
                e.hash,
                s.size,
                s.mtime_ns,
                s.ino,
                escape(p)
            );
        }
        out.push_str("end\n");
        out
    }

    /// Writes the record through a temporary file renamed over `path`.
    pub fn write(&self, path: &Path) -> Result<()> {
        fsx::write_atomic(path, self.to_text())
    }
}

fn parse_entry(line: &str) -> Option<(String, Entry)> {
    let mut f = line.splitn(7, ' ');
    let kind = Kind::from_letter(f.next()?)?;
    let key = u64::from_str_radix(f.next()?, 16).ok()?;
    let hash = u64::from_str_radix(f.next()?, 16).ok()?;
    let size = f.next()?.parse().ok()?;
    let mtime_ns = f.next()?.parse().ok()?;
    let ino = f.next()?.parse().ok()?;
    let path = unescape(f.next()?)?;
    crate::output::check_path(&path).ok()?;
    let stamp = Stamp {
        size,
        mtime_ns,
        ino,
    };
    Some((
        path,
        Entry {
            kind,
            key,
            hash,
            stamp,
        },
    ))
}

/// Paths may hold any character but the record is line-based: `%`, newlines and carriage
/// returns are percent-escaped.
fn escape(path: &str) -> std::borrow::Cow<'_, str> {
    if !path.contains(['%', '\n', '\r']) {
        return path.into();
    }
    path.replace('%', "%25")
        .replace('\n', "%0A")
        .replace('\r', "%0D")
        .into()
}

fn unescape(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let bytes = percent_encoding::percent_decode_str(s).collect::<Vec<u8>>();
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Record {
        let mut r = Record {
            sources: Some(0xdef),
            search: Some(0xabc),
            ..Record::default()
        };
        for (i, p) in ["news/a b/index.html", "odd%\nname.html", "index.html"]
            .iter()
            .enumerate()
        {
            r.files.insert(
                p.to_string(),
                Entry {
                    kind: [Kind::Template, Kind::Asset, Kind::Search][i],
                    key: i as u64 * 7,
                    hash: u64::MAX - i as u64,
                    stamp: Stamp {
                        size: 10 + i as u64,
                        mtime_ns: -5 + i as i128 * 1_000_000_007,
                        ino: 42,
                    },
                },
            );
        }
        r
    }

    #[test]
    fn a_record_reads_back_as_written() {
        let r = sample();
        assert_eq!(Record::parse(&r.to_text()), Some(r));
    }

    #[test]
    fn a_damaged_or_cut_record_is_no_record() {
        let text = sample().to_text();
        assert_eq!(Record::parse(&text[..text.len() - 4]), None, "cut short");
        assert_eq!(Record::parse(&text.replacen("t ", "x ", 1)), None);
        assert_eq!(Record::parse("newsroom-output 0\nend\n"), None);
        let escaping = text.replace("index.html\n", "../index.html\n");
        assert_eq!(Record::parse(&escaping), None, "paths stay inside");
    }
}
