//! A plain-text scrape through the same entry as `newsroom convert` (decode, analyse, tag,
//! write): any bytes must give an article or an error, never a panic or a hang.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use newsroom::convert::{self, Input, Knowledge, Options};

static KNOWLEDGE: LazyLock<Knowledge> =
    LazyLock::new(|| Knowledge::defaults().expect("embedded rules"));

fuzz_target!(|data: &[u8]| {
    let input = Input {
        bytes: data,
        path: Some(Path::new("scrape.txt")),
    };
    let _ = convert::convert(&input, &KNOWLEDGE, &Options::default());
});
