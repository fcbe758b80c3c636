//! `newsroom convert --fetch-images` end to end, against an HTTP server in the test (127.0.0.1,
//! never the internet): good images land in the article's page bundle and are linked locally;
//! a fake, oversized, slow, missing, SVG or endlessly redirected image keeps its remote link
//! with a warning naming it; nothing is written outside the bundle; and the built page shows
//! the local images with their `width` and `height`.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use assert_cmd::Command;
use newsroom::content::FrontMatter;

const BUNDLE: &str = "2024-05-02-chip-plants-add-capacity-as-orders-climb";
const SLUG: &str = "chip-plants-add-capacity-as-orders-climb";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fetch-images")
        .join(name)
}

fn bytes(name: &str) -> Vec<u8> {
    fs::read(fixture(name)).unwrap()
}

fn newsroom() -> Command {
    Command::new(env!("CARGO_BIN_EXE_newsroom"))
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// What the server answers for a path.
enum Reply {
    Ok(&'static str, Vec<u8>),
    /// A body without `Content-Length`, ended by closing the connection.
    Unsized(&'static str, Vec<u8>),
    Slow(Duration),
    Redirect(&'static str),
    NotFound,
}

/// A local HTTP server for one test: the routes, and how often each path was asked for. It
/// answers at most 200 connections, each on its own thread, and ends with the test.
struct Server {
    origin: String,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Server {
    fn start(routes: Vec<(&'static str, Reply)>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let routes: Arc<HashMap<&'static str, Reply>> = Arc::new(routes.into_iter().collect());
        let counted = Arc::clone(&hits);
        std::thread::spawn(move || {
            for stream in listener.incoming().take(200).flatten() {
                let (routes, hits) = (Arc::clone(&routes), Arc::clone(&counted));
                std::thread::spawn(move || serve(stream, &routes, &hits));
            }
        });
        Server { origin, hits }
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    fn total_hits(&self) -> usize {
        self.hits.lock().unwrap().values().sum()
    }
}

fn serve(
    mut stream: TcpStream,
    routes: &HashMap<&'static str, Reply>,
    hits: &Mutex<HashMap<String, usize>>,
) {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&request);
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    *hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    let response = |status: &str, headers: &str, body: &[u8]| {
        let mut r = format!("HTTP/1.1 {status}\r\nConnection: close\r\n{headers}\r\n").into_bytes();
        r.extend_from_slice(body);
        r
    };
    let sized = |ct: &str, body: &[u8]| {
        let headers = format!("Content-Type: {ct}\r\nContent-Length: {}\r\n", body.len());
        response("200 OK", &headers, body)
    };
    let out = match routes.get(path.as_str()) {
        Some(Reply::Ok(ct, body)) => sized(ct, body),
        Some(Reply::Unsized(ct, body)) => {
            response("200 OK", &format!("Content-Type: {ct}\r\n"), body)
        }
        Some(Reply::Slow(d)) => {
            std::thread::sleep(*d);
            sized("image/png", &bytes("photo.png"))
        }
        Some(Reply::Redirect(to)) => response(
            "302 Found",
            &format!("Location: {to}\r\nContent-Length: 0\r\n"),
            b"",
        ),
        Some(Reply::NotFound) | None => response(
            "404 Not Found",
            "Content-Type: text/html\r\nContent-Length: 9\r\n",
            b"not found",
        ),
    };
    let _ = stream.write_all(&out);
}

const HTML_PAGE: &[u8] =
    b"<!doctype html><html><body><h1>Sign in to see this image</h1></body></html>";
const SVG: &[u8] = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><rect width=\"9\" height=\"9\"/></svg>";

fn image_server() -> Server {
    let mut big = bytes("photo.png");
    big.resize(6000, 0);
    let mut huge = b"GIF89a\x10\x00\x10\x00".to_vec();
    huge.resize(50_000, 0);
    Server::start(vec![
        ("/img/photo.png", Reply::Ok("image/png", bytes("photo.png"))),
        (
            "/img/photo.jpg",
            Reply::Ok("image/jpeg", bytes("photo.jpg")),
        ),
        (
            "/img/photo-2.png",
            Reply::Ok("image/png", bytes("photo-2.png")),
        ),
        ("/img/fake.png", Reply::Ok("image/png", HTML_PAGE.to_vec())),
        (
            "/img/page.png",
            Reply::Ok("text/html; charset=utf-8", HTML_PAGE.to_vec()),
        ),
        ("/img/big.png", Reply::Ok("image/png", big)),
        ("/img/huge.gif", Reply::Unsized("image/gif", huge)),
        ("/img/slow.png", Reply::Slow(Duration::from_secs(3))),
        ("/img/missing.png", Reply::NotFound),
        ("/img/moved.png", Reply::Redirect("/img/photo-2.png")),
        ("/img/logo.svg", Reply::Ok("image/svg+xml", SVG.to_vec())),
        ("/img/svg-as.png", Reply::Ok("image/png", SVG.to_vec())),
        ("/img/loop.png", Reply::Redirect("/img/loop.png")),
    ])
}

/// A new site whose `[convert]` section has small limits (4096 bytes, 1 s) and allows the
/// loopback server; `extra` is added to that section.
fn site(tmp: &Path, extra: &str) -> PathBuf {
    let site = tmp.join("site");
    let out = newsroom().arg("init").arg(&site).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let config = site.join("config.toml");
    let mut text = fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "\n[convert]\nmax_image_bytes = 4096\nimage_timeout_secs = 1\nfetch_private_hosts = true\n{extra}"
    ));
    fs::write(&config, text).unwrap();
    site
}

/// The fixture article with its URLs on `server`, written into `dir`.
fn article(dir: &Path, server: &Server, name: &str) -> PathBuf {
    let html = fs::read_to_string(fixture(name))
        .unwrap()
        .replace("{{ORIGIN}}", &server.origin);
    let path = dir.join("chip-plants.html");
    fs::write(&path, html).unwrap();
    path
}

/// Every file under `dir`, relative to it.
fn files(dir: &Path) -> BTreeSet<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf())
        .collect()
}

#[test]
fn images_are_saved_into_the_bundle_and_failures_keep_their_link_with_a_warning() {
    let server = image_server();
    let tmp = tempfile::tempdir().unwrap();
    let site = site(tmp.path(), "");
    let input = article(tmp.path(), &server, "article.html");
    let before = files(tmp.path());

    let out = newsroom()
        .arg("--root")
        .arg(&site)
        .args(["convert", "--fetch-images"])
        .arg(&input)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(
        out.status.success(),
        "a failed image never fails the article: {err}"
    );
    assert!(err.contains("converted 1,"), "{err}");
    assert!(err.contains("(3 of 11 images saved)"), "{err}");

    // Nothing written but the bundle: index.md and the images that passed, named by us.
    let bundle = site.join("content").join(BUNDLE);
    let new: BTreeSet<PathBuf> = files(tmp.path()).difference(&before).cloned().collect();
    let rel = bundle.strip_prefix(tmp.path()).unwrap();
    let expected: BTreeSet<PathBuf> = ["index.md", "image-1.png", "image-8.png", "cover.jpg"]
        .iter()
        .map(|f| rel.join(f))
        .collect();
    assert_eq!(new, expected, "{err}");
    assert_eq!(
        fs::read(bundle.join("image-1.png")).unwrap(),
        bytes("photo.png")
    );
    assert_eq!(
        fs::read(bundle.join("image-8.png")).unwrap(),
        bytes("photo-2.png"),
        "a redirect to an image is followed"
    );
    assert_eq!(
        fs::read(bundle.join("cover.jpg")).unwrap(),
        bytes("photo.jpg")
    );
    assert_eq!(server.hits("/img/photo.png"), 1, "one URL is fetched once");

    let text = fs::read_to_string(bundle.join("index.md")).unwrap();
    let (fm, body) = FrontMatter::parse(&text).unwrap();
    assert_eq!(
        fm.extra.rest.get("cover_image").and_then(|v| v.as_str()),
        Some("cover.jpg")
    );
    assert!(
        body.contains("![A clean room in Hsinchu](image-1.png)"),
        "{body}"
    );
    assert!(
        body.contains("![The clean room again](image-1.png)"),
        "{body}"
    );
    assert!(
        body.contains("![A map of the new plants](image-8.png)"),
        "{body}"
    );
    let o = &server.origin;
    for (path, reason) in [
        (
            "/img/fake.png",
            "not an image (sent as image/png, but the bytes are not",
        ),
        ("/img/page.png", "not an image (text/html)"),
        ("/img/big.png", "larger than 4096 bytes"),
        ("/img/huge.gif", "larger than 4096 bytes"),
        ("/img/slow.png", "timed out after 1 s"),
        ("/img/missing.png", "404 Not Found"),
        ("/img/logo.svg", "SVG"),
        ("/img/loop.png", "more than 5 redirects"),
    ] {
        let url = format!("{o}{path}");
        assert!(
            body.contains(&format!("]({url})")),
            "{url} lost its link:\n{body}"
        );
        let line = err
            .lines()
            .find(|l| l.contains(&url))
            .unwrap_or_else(|| panic!("no warning names {url}:\n{err}"));
        assert!(line.starts_with("warning: "), "{line}");
        assert!(line.contains(&input.display().to_string()), "{line}");
        assert!(line.contains(reason), "{line}");
    }

    // Again: the bundle records the same input, so it is unchanged and nothing is fetched.
    let hits = server.total_hits();
    let again = newsroom()
        .arg("--root")
        .arg(&site)
        .args(["convert", "--fetch-images"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        stderr_of(&again).contains("unchanged 1"),
        "{}",
        stderr_of(&again)
    );
    assert_eq!(
        server.total_hits(),
        hits,
        "an unchanged article downloads nothing"
    );
    assert_eq!(fs::read_to_string(bundle.join("index.md")).unwrap(), text);

    // The built page shows the local images, where they are published, with their size.
    let public = tmp.path().join("public");
    let built = newsroom()
        .arg("--root")
        .arg(&site)
        .args(["build", "-o"])
        .arg(&public)
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", stderr_of(&built));
    let html = fs::read_to_string(public.join(SLUG).join("index.html")).unwrap();
    let img = format!(
        r#"<img src="/{SLUG}/image-1.png" alt="A clean room in Hsinchu" width="48" height="32">"#
    );
    assert!(html.contains(&img), "the first image, not lazy:\n{html}");
    let lazy = format!(
        r#"<img src="/{SLUG}/image-8.png" alt="A map of the new plants" width="20" height="30" loading="lazy" decoding="async">"#
    );
    assert!(html.contains(&lazy), "{html}");
    assert!(
        html.contains(&format!(r#"<img src="{o}/img/missing.png" alt="A photo that is gone" loading="lazy" decoding="async">"#)),
        "a remote image has no size: {html}"
    );
    for f in ["image-1.png", "image-8.png", "cover.jpg"] {
        assert_eq!(
            fs::read(public.join(SLUG).join(f)).unwrap(),
            fs::read(bundle.join(f)).unwrap(),
            "{f} is published where the page links it"
        );
    }

    // A curator swaps the picture for another size: the next build, which keeps unchanged
    // articles' bodies, shows the new size, not the one it rendered before.
    fs::write(bundle.join("image-1.png"), bytes("photo-2.png")).unwrap();
    let rebuilt = newsroom()
        .arg("--root")
        .arg(&site)
        .args(["build", "-o"])
        .arg(&public)
        .output()
        .unwrap();
    assert!(rebuilt.status.success(), "{}", stderr_of(&rebuilt));
    let html = fs::read_to_string(public.join(SLUG).join("index.html")).unwrap();
    let img = format!(
        r#"<img src="/{SLUG}/image-1.png" alt="A clean room in Hsinchu" width="20" height="30">"#
    );
    assert!(
        html.contains(&img),
        "stale size after the image changed:\n{html}"
    );
}

#[test]
fn a_dry_run_fetches_nothing_and_says_what_it_would() {
    let server = image_server();
    let tmp = tempfile::tempdir().unwrap();
    let site = site(tmp.path(), "fetch_images = true\n");
    let input = article(tmp.path(), &server, "article.html");
    let before = files(tmp.path());
    let out = newsroom()
        .arg("--root")
        .arg(&site)
        .args(["convert", "--dry-run"])
        .arg(&input)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(&format!("would fetch {}/img/photo.png → ", server.origin)),
        "{err}"
    );
    assert!(
        err.contains(&format!("{BUNDLE}/image-1.* (dry run)")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{BUNDLE}/index.md (dry run)")),
        "{err}"
    );
    assert_eq!(server.total_hits(), 0);
    assert_eq!(files(tmp.path()), before, "nothing written");
}

#[test]
fn an_svg_is_refused_whatever_it_is_sent_as() {
    let server = image_server();
    let tmp = tempfile::tempdir().unwrap();
    // The config switch alone turns fetching on.
    let site = site(tmp.path(), "fetch_images = true\n");
    let html = format!(
        "<html><head><title>Logos</title></head><body><article><h1>Logos of the chip makers</h1>\
         <p>Every chip maker redrew its logo this year, and most of them chose a flat style.</p>\
         <figure><img src=\"{o}/img/logo.svg\" alt=\"Logo one\"></figure>\
         <p>The designers said the new marks had to work on a phone screen first of all.</p>\
         <figure><img src=\"{o}/img/svg-as.png\" alt=\"Logo two\"></figure>\
         <p>Critics said they all look alike now, which the companies did not dispute.</p>\
         </article></body></html>",
        o = server.origin
    );
    let input = tmp.path().join("logos.html");
    fs::write(&input, html).unwrap();
    let out = newsroom()
        .arg("--root")
        .arg(&site)
        .arg("convert")
        .arg(&input)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(out.status.success(), "{err}");
    let bundle = site.join("content/logos-of-the-chip-makers");
    assert_eq!(
        files(&bundle),
        BTreeSet::from([PathBuf::from("index.md")]),
        "{err}"
    );
    let body = fs::read_to_string(bundle.join("index.md")).unwrap();
    for (path, reason) in [
        (
            "/img/logo.svg",
            "an SVG image (refused: it can carry script)",
        ),
        ("/img/svg-as.png", "not an image (sent as image/png"),
    ] {
        let url = format!("{}{path}", server.origin);
        assert!(body.contains(&format!("]({url})")), "{body}");
        assert!(
            err.lines().any(|l| l.contains(&url) && l.contains(reason)),
            "{url}: {err}"
        );
    }
}

#[test]
fn a_flat_file_of_the_same_article_stays_until_force_makes_it_a_bundle() {
    let server = image_server();
    let tmp = tempfile::tempdir().unwrap();
    let site = site(tmp.path(), "");
    let input = article(tmp.path(), &server, "article.html");
    let convert = |args: &[&str]| {
        newsroom()
            .arg("--root")
            .arg(&site)
            .arg("convert")
            .args(args)
            .arg(&input)
            .output()
            .unwrap()
    };
    assert!(convert(&[]).status.success());
    let flat = site.join("content").join(format!("{BUNDLE}.md"));
    assert!(flat.is_file());

    let out = convert(&["--fetch-images"]);
    let err = stderr_of(&out);
    assert!(err.contains("unchanged 1"), "{err}");
    assert!(err.contains("--force makes it a bundle"), "{err}");
    assert!(!site.join("content").join(BUNDLE).exists(), "{err}");
    assert_eq!(server.total_hits(), 0);

    let out = convert(&["--fetch-images", "--force"]);
    let err = stderr_of(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("converted 1,"), "{err}");
    assert!(!flat.exists(), "one article, one file: {err}");
    assert!(
        site.join("content")
            .join(BUNDLE)
            .join("image-1.png")
            .is_file()
    );
    assert!(!err.contains("slug moved"), "{err}");
}
