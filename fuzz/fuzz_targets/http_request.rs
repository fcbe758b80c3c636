//! The preview server's request-head parser on hostile bytes: a request or a refusal
//! (400/414/431), never a panic, and never reading past what it was given.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsroom::serve::http::request::{Limits, Parse, head_end, parse_head};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        request_line: 256,
        headers: 1024,
        fields: 16,
    };
    let buf = &data[..data.len().min(limits.max_buffered())];
    let _ = head_end(buf, 0);
    let _ = head_end(buf, buf.len() / 2);
    match parse_head(buf, &limits) {
        Parse::Reject(r) => {
            let _ = r.status();
        }
        _ => {}
    }
});
