//! The preview's HTTP server: GET/HEAD of the in-memory site, the live-reload script and its
//! event stream, on one thread (see `event_loop`). The site is served from memory, so no
//! request can reach a file outside it; request paths are still decoded strictly and anything
//! odd is a 404. Must not: touch the disk, know how the site is built (`serve/mod.rs` swaps
//! `files` and calls the hub).
//!
//! Hand-written on purpose (issue 12, item 4). The bounds the issue asks for (a connection cap
//! that a drip-feeder cannot hold, a whole-head deadline, 414/431 before buffering, no thread
//! per connection, no spin on EMFILE) come from one `mio` poll loop, and `mio` is already
//! compiled for `notify`: 0 new crates (`cargo tree -e normal`: 276 lines before and after).
//! tiny_http would add 4 crates (281 lines) and still read heads without a size limit
//! (tiny-http/tiny-http#56, open since 2015) on a growing thread pool; hyper + hyper-util +
//! tokio would add 12 (305 lines, with the cold CI build on 2 cores paying for them) and still
//! need a cap and a slow-client policy around them. What a preview on 127.0.0.1 needs of HTTP
//! is one GET at a time with `Connection: close`: the parser (`request`) is 150 lines, pure
//! and fuzzable.

mod event_loop;
pub mod request;
pub mod sse;

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use event_loop::{Bytes, Outgoing};

/// The built site: output path → bytes.
pub type Files = HashMap<String, Arc<Vec<u8>>>;

pub const EVENTS_PATH: &str = "/__newsroom/events";
pub const SCRIPT_PATH: &str = "/__newsroom/livereload.js";

const SCRIPT: &str = include_str!("livereload.js");

/// Tells open pages to reload, or shows them the error of a failed rebuild.
#[derive(Default)]
pub struct Hub {
    state: Mutex<HubState>,
    /// Wakes the server loop to pass the news on (set when it starts).
    waker: Mutex<Option<Arc<mio::Waker>>>,
}

#[derive(Default, Clone)]
struct HubState {
    generation: u64,
    error: Option<String>,
}

impl Hub {
    /// A good rebuild: pages reload (and lose any error overlay).
    pub fn reload(&self) {
        self.set(None);
    }

    /// A failed rebuild: pages show `message` over the last good site.
    pub fn error(&self, message: String) {
        self.set(Some(message));
    }

    fn set(&self, error: Option<String>) {
        {
            let mut s = self.state.lock().expect("hub poisoned");
            s.generation += 1;
            s.error = error;
        }
        self.wake();
    }

    fn wake(&self) {
        if let Some(w) = &*self.waker.lock().expect("hub poisoned") {
            let _ = w.wake();
        }
    }

    fn set_waker(&self, waker: Arc<mio::Waker>) {
        *self.waker.lock().expect("hub poisoned") = Some(waker);
    }

    /// The generation and the error, read together.
    fn snapshot(&self) -> (u64, Option<String>) {
        let s = self.state.lock().expect("hub poisoned");
        (s.generation, s.error.clone())
    }

    pub fn has_error(&self) -> bool {
        self.state.lock().expect("hub poisoned").error.is_some()
    }

    pub fn generation(&self) -> u64 {
        self.state.lock().expect("hub poisoned").generation
    }
}

/// How much the server lets clients take.
#[derive(Debug, Clone)]
pub struct Bounds {
    /// Request line and header sizes.
    pub head: request::Limits,
    /// Open sockets at most; a new one pushes out the oldest still sending its head.
    pub connections: usize,
    /// Event streams at most (one per open tab); a new one closes the oldest.
    pub streams: usize,
    /// From accept to the end of the head, however the bytes trickle in: then 408.
    pub head_deadline: Duration,
    /// To write an answer: then the connection is dropped.
    pub write_deadline: Duration,
    /// After an answer, how long what the client still sends is read and dropped.
    pub linger: Duration,
    /// Bytes an event stream may have unsent before it is dropped (a tab that stopped reading).
    pub stream_backlog: usize,
}

impl Default for Bounds {
    fn default() -> Bounds {
        Bounds {
            head: request::Limits::default(),
            connections: 1024,
            streams: 64,
            head_deadline: Duration::from_secs(10),
            write_deadline: Duration::from_secs(30),
            linger: Duration::from_secs(2),
            stream_backlog: 256 * 1024,
        }
    }
}

pub struct Server {
    pub files: RwLock<Files>,
    pub hub: Hub,
    bounds: Bounds,
    stop: AtomicBool,
}

/// What the server does with a request.
enum Answer {
    Reply(Outgoing),
    Stream,
}

/// What a request path names.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file of the site (its output path).
    File(String),
    /// A folder without its trailing slash: redirect to `path/`.
    Redirect(String),
    Events,
    Script,
    NotFound,
}

/// Percent-decodes a path. A `%` not followed by two hex digits is refused (the decoder would
/// pass it through), and so are encoded `/`, `\` and NUL: they only serve to smuggle path
/// separators past a check.
pub fn decode_path(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    for (i, _) in raw.match_indices('%') {
        let pair = bytes.get(i + 1..i + 3)?;
        if !pair.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
        if matches!(byte, b'/' | b'\\' | 0) {
            return None;
        }
    }
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// Resolves a request target (`/news/x/?q=1`) against the site's files.
pub fn resolve(files: &Files, target: &str) -> Target {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if path == EVENTS_PATH {
        return Target::Events;
    }
    if path == SCRIPT_PATH {
        return Target::Script;
    }
    if !path.starts_with('/') {
        return Target::NotFound;
    }
    let Some(decoded) = decode_path(path) else {
        return Target::NotFound;
    };
    if decoded.contains('\\') || decoded.contains('\0') {
        return Target::NotFound;
    }
    let rel = &decoded[1..];
    let segments: Vec<&str> = rel.split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        if *seg == "." || *seg == ".." || (seg.is_empty() && i != last) {
            return Target::NotFound;
        }
    }
    if rel.is_empty() || rel.ends_with('/') {
        let key = format!("{rel}index.html");
        return if files.contains_key(&key) {
            Target::File(key)
        } else {
            Target::NotFound
        };
    }
    if files.contains_key(rel) {
        return Target::File(rel.to_string());
    }
    if files.contains_key(&format!("{rel}/index.html")) {
        return Target::Redirect(format!("{path}/"));
    }
    Target::NotFound
}

pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" if path.ends_with("atom.xml") => "application/atom+xml; charset=utf-8",
        "xml" if path.ends_with("rss.xml") => "application/rss+xml; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// Puts the live-reload script before `</body>`, so user templates need nothing.
pub fn inject_script(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\" defer></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

fn response(status: &str, headers: &[(&str, &str)], body: Bytes, head_only: bool) -> Outgoing {
    let mut h = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n",
        body.as_ref().len()
    );
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str("\r\n");
    let mut out = Outgoing::default();
    out.push(Bytes::Owned(h.into_bytes()));
    if !head_only {
        out.push(body);
    }
    out
}

/// A status with its own line as the body: what refusals and timeouts answer.
fn status_page(status: &str) -> Outgoing {
    let body = format!("{status}\n").into_bytes();
    let ct = [("Content-Type", "text/plain; charset=utf-8")];
    response(status, &ct, Bytes::Owned(body), false)
}

impl Server {
    pub fn new(files: Files) -> Server {
        Server::with_bounds(files, Bounds::default())
    }

    pub fn with_bounds(files: Files, bounds: Bounds) -> Server {
        Server {
            files: RwLock::new(files),
            hub: Hub::default(),
            bounds,
            stop: AtomicBool::new(false),
        }
    }

    /// Serves connections on this thread until [`Server::stop`]. A failure to set up the
    /// poll loop, or of the loop itself, is reported on stderr.
    pub fn run(self: Arc<Self>, listener: TcpListener) {
        let result = event_loop::Loop::new(&self, listener).and_then(|mut l| l.run());
        if let Err(e) = result {
            eprintln!("error: the preview server stopped: {e}");
        }
    }

    /// Makes [`Server::run`] return (its open connections are closed).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.hub.wake();
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// The answer to one request head.
    fn answer(&self, head: &request::Head<'_>) -> Answer {
        let head_only = head.method == "HEAD";
        if head.method != "GET" && !head_only {
            let allow = [("Allow", "GET, HEAD")];
            return Answer::Reply(response(
                "405 Method Not Allowed",
                &allow,
                Bytes::Static(b""),
                false,
            ));
        }
        let files = self.files.read().expect("site poisoned");
        let (status, ct, body, location) = match resolve(&files, head.target) {
            Target::Events => return Answer::Stream,
            Target::Script => (
                "200 OK",
                content_type("x.js"),
                Bytes::Static(SCRIPT.as_bytes()),
                None,
            ),
            Target::File(key) => {
                let ct = content_type(&key);
                let body = if ct.starts_with("text/html") {
                    Bytes::Owned(inject_script(&files[&key]))
                } else {
                    Bytes::Shared(Arc::clone(&files[&key]))
                };
                ("200 OK", ct, body, None)
            }
            Target::Redirect(to) => ("301 Moved Permanently", "", Bytes::Static(b""), Some(to)),
            Target::NotFound => {
                let body = files.get("404.html").map_or_else(
                    || Bytes::Static(b"404 Not Found"),
                    |b| Bytes::Owned(inject_script(b)),
                );
                ("404 Not Found", content_type("x.html"), body, None)
            }
        };
        drop(files);
        let mut headers = Vec::new();
        if !ct.is_empty() {
            headers.push(("Content-Type", ct));
        }
        if let Some(to) = &location {
            headers.push(("Location", to.as_str()));
        }
        Answer::Reply(response(status, &headers, body, head_only))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Files {
        ["index.html", "news/a/index.html", "style.css", "404.html"]
            .iter()
            .map(|k| {
                (
                    k.to_string(),
                    Arc::new(b"<html><body>x</body></html>".to_vec()),
                )
            })
            .collect()
    }

    #[test]
    fn files_folders_and_redirects() {
        let f = site();
        assert_eq!(resolve(&f, "/"), Target::File("index.html".into()));
        assert_eq!(
            resolve(&f, "/news/a/?q=1"),
            Target::File("news/a/index.html".into())
        );
        assert_eq!(resolve(&f, "/news/a"), Target::Redirect("/news/a/".into()));
        assert_eq!(resolve(&f, "/style.css"), Target::File("style.css".into()));
        assert_eq!(
            resolve(&f, "/st%79le.css"),
            Target::File("style.css".into())
        );
        assert_eq!(resolve(&f, "/nope/"), Target::NotFound);
        assert_eq!(resolve(&f, EVENTS_PATH), Target::Events);
    }

    #[test]
    fn paths_decode_strictly() {
        assert_eq!(
            decode_path("/%E5%BE%AE%E8%BD%AF/").as_deref(),
            Some("/微软/")
        );
        assert_eq!(decode_path("/a%20b").as_deref(), Some("/a b"));
        for bad in ["/%", "/%4", "/%g0", "/%2f", "/%5C", "/%00", "/%ff"] {
            assert_eq!(decode_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn traversal_in_every_form_is_not_found() {
        let f = site();
        for t in [
            "/../etc/passwd",
            "/news/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/news%2f..%2f..%2fetc%2fpasswd",
            "/news%2Fa%2Findex.html",
            "/..%5c..%5cetc%5cpasswd",
            "/news/..\\..\\etc\\passwd",
            "//etc/passwd",
            "/etc/passwd",
            "/./index.html",
            "/index.html%00",
            "etc/passwd",
            "/%",
            "/%zz",
            "/%4",
            "/a%+1b",
            "/%c0%ae%c0%ae/etc/passwd",
        ] {
            assert_eq!(resolve(&f, t), Target::NotFound, "{t}");
        }
    }

    #[test]
    fn script_goes_before_body_end() {
        let out = String::from_utf8(inject_script(b"<html><body><p>x</p></body></html>")).unwrap();
        assert!(
            out.ends_with(&format!(
                "<script src=\"{SCRIPT_PATH}\" defer></script></body></html>"
            )),
            "{out}"
        );
    }
}
