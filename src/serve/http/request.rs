//! The request head parser: bytes in, a request or the status that refuses it out. Pure (no
//! I/O, no clock) so it can be tested on literals and fuzzed; the event loop decides when to
//! call it. It only ever looks at what it is given, and the caller never gives it more than
//! [`Limits::max_buffered`] bytes, so a hostile head costs at most that much memory.

/// Size limits of a request head. Browsers send 1–2 KiB; the limits are those of nginx and
/// Apache (8 KiB a line, about 100 fields), so no real request from a browser is refused.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The request line (`GET /path HTTP/1.1`), without its line end: beyond it, 414.
    pub request_line: usize,
    /// All header lines together, line ends included: beyond it, 431.
    pub headers: usize,
    /// How many header fields: beyond it, 431.
    pub fields: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            request_line: 8 * 1024,
            headers: 32 * 1024,
            fields: 100,
        }
    }
}

impl Limits {
    /// The most a connection ever buffers before the head is accepted or refused.
    pub fn max_buffered(&self) -> usize {
        self.request_line + 2 + self.headers
    }
}

/// A request head that parsed.
#[derive(Debug, PartialEq, Eq)]
pub struct Head<'a> {
    pub method: &'a str,
    pub target: &'a str,
}

/// Why a head is refused: the status line to answer with before closing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reject {
    BadRequest,
    UriTooLong,
    HeadersTooLarge,
    VersionNotSupported,
}

impl Reject {
    pub fn status(self) -> &'static str {
        match self {
            Reject::BadRequest => "400 Bad Request",
            Reject::UriTooLong => "414 URI Too Long",
            Reject::HeadersTooLarge => "431 Request Header Fields Too Large",
            Reject::VersionNotSupported => "505 HTTP Version Not Supported",
        }
    }
}

/// What the bytes received so far amount to.
#[derive(Debug, PartialEq, Eq)]
pub enum Parse<'a> {
    /// Not a whole head yet, and within the limits: read more.
    Partial,
    Done(Head<'a>),
    Reject(Reject),
}

/// Where the head ends (the index just past its empty line), looking from `from` on: lets the
/// caller scan only what a read added. Bare `\n` line ends are accepted, as most servers do.
pub fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    let start = from.saturating_sub(3);
    let mut i = start;
    while let Some(off) = buf[i..].iter().position(|&b| b == b'\n') {
        let nl = i + off;
        if nl + 1 < buf.len() && buf[nl + 1] == b'\n' {
            return Some(nl + 2);
        }
        if nl + 2 < buf.len() && buf[nl + 1] == b'\r' && buf[nl + 2] == b'\n' {
            return Some(nl + 3);
        }
        i = nl + 1;
    }
    None
}

/// Splits off one line: its text without the line end, and the rest after it.
fn line(buf: &[u8]) -> Option<(&[u8], &[u8])> {
    let nl = buf.iter().position(|&b| b == b'\n')?;
    let text = &buf[..nl];
    Some((text.strip_suffix(b"\r").unwrap_or(text), &buf[nl + 1..]))
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Parses a head from the start of `buf`. Anything after the head (a body, a pipelined
/// request) is ignored: the connection closes after one answer.
pub fn parse_head<'a>(buf: &'a [u8], limits: &Limits) -> Parse<'a> {
    let Some((request_line, mut rest)) = line(buf) else {
        return if buf.len() > limits.request_line {
            Parse::Reject(Reject::UriTooLong)
        } else {
            Parse::Partial
        };
    };
    if request_line.len() > limits.request_line {
        return Parse::Reject(Reject::UriTooLong);
    }
    let head = match request(request_line) {
        Ok(head) => head,
        Err(r) => return Parse::Reject(r),
    };
    let mut fields = 0;
    let headers_start = rest;
    loop {
        let used = headers_start.len() - rest.len();
        let Some((field, after)) = line(rest) else {
            return if used + rest.len() > limits.headers {
                Parse::Reject(Reject::HeadersTooLarge)
            } else {
                Parse::Partial
            };
        };
        if used + (rest.len() - after.len()) > limits.headers {
            return Parse::Reject(Reject::HeadersTooLarge);
        }
        rest = after;
        if field.is_empty() {
            return Parse::Done(head);
        }
        fields += 1;
        if fields > limits.fields {
            return Parse::Reject(Reject::HeadersTooLarge);
        }
        if !valid_field(field) {
            return Parse::Reject(Reject::BadRequest);
        }
    }
}

/// `METHOD SP target SP HTTP/1.x`, nothing else.
fn request(line: &[u8]) -> Result<Head<'_>, Reject> {
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Reject::BadRequest);
    };
    if !is_token(method) || target.is_empty() || target.iter().any(|&b| b <= b' ' || b == 0x7f) {
        return Err(Reject::BadRequest);
    }
    match version {
        b"HTTP/1.1" | b"HTTP/1.0" => {}
        v if v.starts_with(b"HTTP/") => return Err(Reject::VersionNotSupported),
        _ => return Err(Reject::BadRequest),
    }
    let (Ok(method), Ok(target)) = (std::str::from_utf8(method), std::str::from_utf8(target))
    else {
        return Err(Reject::BadRequest);
    };
    Ok(Head { method, target })
}

/// `name: value`, the name a token, no bare CR or NUL anywhere (RFC 9112 §2.2, §5).
fn valid_field(field: &[u8]) -> bool {
    let Some(colon) = field.iter().position(|&b| b == b':') else {
        return false;
    };
    is_token(&field[..colon]) && !field[colon..].iter().any(|&b| b == b'\r' || b == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Parse<'_> {
        parse_head(s.as_bytes(), &Limits::default())
    }

    #[test]
    fn a_browser_request_parses() {
        let s = "GET /news/a/?q=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n";
        assert_eq!(
            parse(s),
            Parse::Done(Head {
                method: "GET",
                target: "/news/a/?q=1"
            })
        );
        assert_eq!(head_end(s.as_bytes(), 0), Some(s.len()));
        assert!(matches!(parse("GET / HTTP/1.0\n\n"), Parse::Done(_)));
    }

    #[test]
    fn incomplete_heads_wait_for_more() {
        for s in [
            "",
            "GE",
            "GET / HTTP/1.1\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\n",
        ] {
            assert_eq!(parse(s), Parse::Partial, "{s:?}");
            assert_eq!(head_end(s.as_bytes(), 0), None, "{s:?}");
        }
    }

    #[test]
    fn head_end_finds_terminators_split_across_reads() {
        let s = b"GET / HTTP/1.1\r\nA: b\r\n\r\nbody";
        for from in 0..s.len() {
            assert_eq!(head_end(s, from.min(24)), Some(24), "{from}");
        }
    }

    #[test]
    fn over_long_or_malformed_heads_are_refused_with_a_status() {
        let long_line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(9000));
        assert_eq!(parse(&long_line), Parse::Reject(Reject::UriTooLong));
        assert_eq!(parse(&"a".repeat(9000)), Parse::Reject(Reject::UriTooLong));
        let long_header = format!("GET / HTTP/1.1\r\nX: {}", "a".repeat(40_000));
        assert_eq!(parse(&long_header), Parse::Reject(Reject::HeadersTooLarge));
        let many: String = (0..101).map(|i| format!("X{i}: y\r\n")).collect();
        assert_eq!(
            parse(&format!("GET / HTTP/1.1\r\n{many}\r\n")),
            Parse::Reject(Reject::HeadersTooLarge)
        );
        for bad in [
            "\r\n\r\n",
            "GET\r\n\r\n",
            "GET /  HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1 x\r\n\r\n",
            "G(T / HTTP/1.1\r\n\r\n",
            "GET /\x01 HTTP/1.1\r\n\r\n",
            "GET / FTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
            "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
        ] {
            assert_eq!(parse(bad), Parse::Reject(Reject::BadRequest), "{bad:?}");
        }
        assert_eq!(
            parse("GET / HTTP/2.0\r\n\r\n"),
            Parse::Reject(Reject::VersionNotSupported)
        );
    }
}
