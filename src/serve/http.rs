//! A small HTTP/1.1 server for the preview. The site is served from memory, so no request can
//! reach a file outside it; request paths are still decoded strictly and anything odd is a 404.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

/// The built site: output path → bytes.
pub type Files = HashMap<String, Arc<Vec<u8>>>;

pub const EVENTS_PATH: &str = "/__newsroom/events";
pub const SCRIPT_PATH: &str = "/__newsroom/livereload.js";

const SCRIPT: &str = include_str!("livereload.js");

/// Tells open pages to reload, or shows them the error of a failed rebuild.
#[derive(Default)]
pub struct Hub {
    state: Mutex<HubState>,
    changed: Condvar,
}

#[derive(Default, Clone)]
struct HubState {
    generation: u64,
    error: Option<String>,
}

impl Hub {
    /// A good rebuild: pages reload (and lose any error overlay).
    pub fn reload(&self) {
        let mut s = self.state.lock().expect("hub poisoned");
        s.generation += 1;
        s.error = None;
        self.changed.notify_all();
    }

    /// A failed rebuild: pages show `message` over the last good site.
    pub fn error(&self, message: String) {
        let mut s = self.state.lock().expect("hub poisoned");
        s.generation += 1;
        s.error = Some(message);
        self.changed.notify_all();
    }

    pub fn has_error(&self) -> bool {
        self.state.lock().expect("hub poisoned").error.is_some()
    }

    pub fn generation(&self) -> u64 {
        self.state.lock().expect("hub poisoned").generation
    }
}

pub struct Server {
    pub files: RwLock<Files>,
    pub hub: Hub,
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

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes a path. Encoded `/`, `\` and NUL are refused: they only serve to smuggle
/// path separators past a check.
pub fn decode_path(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let h = hex(*bytes.get(i + 1)?)?;
            let l = hex(*bytes.get(i + 2)?)?;
            let b = h * 16 + l;
            if b == b'/' || b == b'\\' || b == 0 {
                return None;
            }
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
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

fn respond(
    stream: &mut TcpStream,
    status: &str,
    headers: &[(&str, String)],
    body: &[u8],
    head_only: bool,
) {
    let mut h = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n",
        body.len()
    );
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str("\r\n");
    let _ = stream.write_all(h.as_bytes());
    if !head_only {
        let _ = stream.write_all(body);
    }
    let _ = stream.flush();
}

impl Server {
    pub fn new(files: Files) -> Server {
        Server {
            files: RwLock::new(files),
            hub: Hub::default(),
        }
    }

    /// Accepts connections until the process ends; one thread per connection.
    pub fn run(self: Arc<Self>, listener: TcpListener) {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let me = Arc::clone(&self);
            std::thread::spawn(move || me.handle(stream));
        }
    }

    fn handle(&self, mut stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let mut reader = BufReader::new(match stream.try_clone() {
            Ok(s) => s,
            Err(_) => return,
        });
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line.len() > 8192 {
            return;
        }
        // Drain the headers; nothing in them matters here.
        let mut total = 0;
        loop {
            let mut h = String::new();
            match reader.read_line(&mut h) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    total += n;
                    if h == "\r\n" || h == "\n" || total > 65536 {
                        break;
                    }
                }
            }
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let head_only = method == "HEAD";
        if method != "GET" && !head_only {
            respond(
                &mut stream,
                "405 Method Not Allowed",
                &[("Allow", "GET, HEAD".into())],
                b"",
                false,
            );
            return;
        }
        let files = self.files.read().expect("site poisoned");
        match resolve(&files, target) {
            Target::Events => {
                drop(files);
                self.events(stream);
            }
            Target::Script => respond(
                &mut stream,
                "200 OK",
                &[("Content-Type", content_type("x.js").into())],
                SCRIPT.as_bytes(),
                head_only,
            ),
            Target::File(key) => {
                let body = Arc::clone(&files[&key]);
                drop(files);
                let ct = content_type(&key);
                let body = if ct.starts_with("text/html") {
                    inject_script(&body)
                } else {
                    body.to_vec()
                };
                respond(
                    &mut stream,
                    "200 OK",
                    &[("Content-Type", ct.into())],
                    &body,
                    head_only,
                );
            }
            Target::Redirect(to) => {
                drop(files);
                respond(
                    &mut stream,
                    "301 Moved Permanently",
                    &[("Location", to)],
                    b"",
                    head_only,
                );
            }
            Target::NotFound => {
                let body = files
                    .get("404.html")
                    .map_or_else(|| b"404 Not Found".to_vec(), |b| inject_script(b));
                drop(files);
                respond(
                    &mut stream,
                    "404 Not Found",
                    &[("Content-Type", content_type("x.html").into())],
                    &body,
                    head_only,
                );
            }
        }
    }

    /// Server-sent events: `reload` after a good rebuild, `build-error` after a failed one.
    fn events(&self, mut stream: TcpStream) {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
        if stream.write_all(head.as_bytes()).is_err() {
            return;
        }
        let mut state = self.hub.state.lock().expect("hub poisoned").clone();
        if let Some(e) = &state.error
            && stream.write_all(error_event(e).as_bytes()).is_err()
        {
            return;
        }
        loop {
            let guard = self.hub.state.lock().expect("hub poisoned");
            let (guard, _) = self
                .hub
                .changed
                .wait_timeout_while(guard, Duration::from_secs(15), |s| {
                    s.generation == state.generation
                })
                .expect("hub poisoned");
            let now = guard.clone();
            drop(guard);
            let msg = if now.generation == state.generation {
                ": ping\n\n".to_string()
            } else if let Some(e) = &now.error {
                error_event(e)
            } else {
                "event: reload\ndata: {}\n\n".to_string()
            };
            state = now;
            if stream
                .write_all(msg.as_bytes())
                .and_then(|_| stream.flush())
                .is_err()
            {
                return;
            }
        }
    }
}

fn error_event(message: &str) -> String {
    let data: String = message.lines().map(|l| format!("data: {l}\n")).collect();
    format!("event: build-error\n{data}\n")
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
