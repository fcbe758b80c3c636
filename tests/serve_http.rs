//! The preview server against hostile clients (issue 12, item 4, acceptance 4), over raw TCP on
//! 127.0.0.1 only: oversized heads get 414/431 with memory bounded, drip-fed connections do not
//! starve a reader, a low descriptor or thread limit does not stop it, and a build error with
//! CR/LF is one `build-error` event. Every wait has a deadline; every server is stopped.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use newsroom::serve::http::{Bounds, EVENTS_PATH, Files, Server};

const LOOPBACK: Ipv4Addr = Ipv4Addr::LOCALHOST;
const IO_TIMEOUT: Duration = Duration::from_secs(10);

// ---------- servers ----------

/// A server on its own thread in this process; stopped and joined on drop.
struct InProcess {
    server: Arc<Server>,
    port: u16,
    thread: Option<JoinHandle<()>>,
}

impl InProcess {
    fn start(bounds: Bounds) -> InProcess {
        let files: Files = [
            ("index.html", "<html><body>home</body></html>"),
            ("style.css", "body{}"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Arc::new(v.as_bytes().to_vec())))
        .collect();
        let server = Arc::new(Server::with_bounds(files, bounds));
        let listener = TcpListener::bind((LOOPBACK, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let s = Arc::clone(&server);
        let thread = Some(std::thread::spawn(move || s.run(listener)));
        InProcess {
            server,
            port,
            thread,
        }
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        self.server.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// `newsroom serve` as a child process (optionally under a wrapper such as `prlimit`); its
/// stderr is collected; killed on drop.
struct Child {
    child: std::process::Child,
    port: u16,
    log: Arc<Mutex<String>>,
}

impl Child {
    fn start(site: &Path, bin: &Path, wrapper: &[&str]) -> Child {
        let mut cmd = match wrapper.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(bin);
                c
            }
            None => Command::new(bin),
        };
        let mut child = cmd
            .arg("--root")
            .arg(site)
            .args(["serve", "--port", "0"])
            .env("RAYON_NUM_THREADS", "2")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start newsroom serve");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let mut stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut l = sink.lock().unwrap();
                l.push_str(&String::from_utf8_lossy(&buf[..n]));
                if let Some(port) = port_in(&l) {
                    let _ = tx.send(port);
                }
            }
        });
        let port = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(p) => p,
            Err(_) => {
                let _ = child.kill();
                panic!("serve did not start: {}", log.lock().unwrap());
            }
        };
        Child { child, port, log }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn port_in(log: &str) -> Option<u16> {
    let url = log.split_whitespace().find(|w| w.starts_with("http://"))?;
    assert!(url.starts_with("http://127.0.0.1:"), "{log}");
    url.trim_end_matches('/').rsplit(':').next()?.parse().ok()
}

fn small_site(dir: &Path) {
    std::fs::create_dir_all(dir.join("content/news")).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "title = \"Bounds\"\nbase_url = \"https://example.org/\"\n",
    )
    .unwrap();
    for i in 0..3 {
        std::fs::write(
            dir.join(format!("content/news/a{i}.md")),
            format!(
                "+++\ntitle = \"Article {i}\"\ndate = 2024-01-0{}T00:00:00Z\n+++\nBody {i}.\n",
                i + 1
            ),
        )
        .unwrap();
    }
}

// ---------- clients ----------

fn connect(port: u16) -> TcpStream {
    let addr = SocketAddr::from((LOOPBACK, port));
    let s = TcpStream::connect_timeout(&addr, IO_TIMEOUT).expect("connect");
    s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    s.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    s
}

/// Reads until the server closes (or the read deadline), keeping what came before an error.
fn read_all(s: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    out
}

fn status_line(response: &[u8]) -> String {
    let text = String::from_utf8_lossy(response);
    text.lines().next().unwrap_or("").to_string()
}

/// One whole request; the status line of the answer.
fn get(port: u16, target: &str) -> String {
    let mut s = connect(port);
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    status_line(&read_all(&mut s))
}

/// Sends `prefix`, then `fill` bytes of `a`, then `suffix` from another thread while reading the
/// answer here (the server answers before it has read everything).
fn send_huge(port: u16, prefix: &str, fill: usize, suffix: &str) -> String {
    let mut s = connect(port);
    let mut w = s.try_clone().unwrap();
    let (prefix, suffix) = (prefix.to_string(), suffix.to_string());
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'a'; 16 * 1024];
        let _ = w.write_all(prefix.as_bytes());
        let mut left = fill;
        while left > 0 {
            let n = left.min(chunk.len());
            if w.write_all(&chunk[..n]).is_err() {
                return;
            }
            left -= n;
        }
        let _ = w.write_all(suffix.as_bytes());
    });
    let answer = read_all(&mut s);
    let _ = s.shutdown(Shutdown::Both);
    let _ = writer.join();
    status_line(&answer)
}

/// A `/proc/<pid>/status` value in kB (Linux only).
fn proc_status_kb(pid: u32, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User + system CPU time of a process, in clock ticks (Linux only).
fn cpu_ticks(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &text[text.rfind(')')? + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

/// Retries a page until it is served or `within` has passed.
fn served_within(port: u16, within: Duration) -> bool {
    let until = Instant::now() + within;
    loop {
        let ok = std::panic::catch_unwind(|| get(port, "/")).is_ok_and(|s| s.contains("200"));
        if ok {
            return true;
        }
        if Instant::now() > until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Opens `n` connections that send a partial head and then nothing (failures are skipped:
/// under a descriptor limit some are refused or left in the backlog).
fn idle_connections(port: u16, n: usize) -> Vec<TcpStream> {
    let addr = SocketAddr::from((LOOPBACK, port));
    (0..n)
        .filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok())
        .map(|mut s| {
            let _ = s.write_all(b"GET / HTTP/1.1\r\n");
            s
        })
        .collect()
}

// ---------- tests ----------

#[test]
fn a_1mb_request_line_is_414_and_a_1mb_header_is_431_with_memory_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    small_site(tmp.path());
    let server = Child::start(tmp.path(), Path::new(env!("CARGO_BIN_EXE_newsroom")), &[]);
    let port = server.port;
    assert!(get(port, "/").contains("200"));
    let before = proc_status_kb(server.pid(), "VmHWM:");
    let clients: Vec<JoinHandle<(String, String)>> = (0..6)
        .map(|_| {
            std::thread::spawn(move || {
                let line = send_huge(port, "GET /", 1 << 20, " HTTP/1.1\r\n\r\n");
                let header = send_huge(port, "GET / HTTP/1.1\r\nX-Big: ", 1 << 20, "\r\n\r\n");
                (line, header)
            })
        })
        .collect();
    for c in clients {
        let (line, header) = c.join().unwrap();
        assert!(line.starts_with("HTTP/1.1 414 "), "{line:?}");
        assert!(header.starts_with("HTTP/1.1 431 "), "{header:?}");
    }
    // 12 MB were sent; each connection buffers at most its 40 KiB of limits.
    if let (Some(before), Some(after)) = (before, proc_status_kb(server.pid(), "VmHWM:")) {
        assert!(
            after < before + 4 * 1024,
            "peak RSS grew from {before} kB to {after} kB"
        );
    }
    assert!(get(port, "/").contains("200"), "still serving");
}

#[test]
fn malformed_slow_and_refused_requests_get_a_status_not_a_silent_close() {
    let bounds = Bounds {
        head_deadline: Duration::from_millis(300),
        ..Bounds::default()
    };
    let srv = InProcess::start(bounds);
    let raw = |req: &[u8]| {
        let mut s = connect(srv.port);
        s.write_all(req).unwrap();
        status_line(&read_all(&mut s))
    };
    assert!(raw(b"GET / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 200 "));
    assert!(raw(b"HEAD /style.css HTTP/1.0\r\n\r\n").starts_with("HTTP/1.1 200 "));
    assert!(raw(b"BREW / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405 "));
    assert!(raw(b"GET / HTTP/1.1\r\nno colon\r\n\r\n").starts_with("HTTP/1.1 400 "));
    assert!(raw(b"GET  / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 400 "));
    assert!(raw(b"GET / HTTP/3\r\n\r\n").starts_with("HTTP/1.1 505 "));
    // A whole-head deadline, not a per-read one: a byte every 100 ms does not keep it open.
    let started = Instant::now();
    let mut s = connect(srv.port);
    s.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    let mut answer = Vec::new();
    for _ in 0..30 {
        if s.write_all(b"x").is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        s.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 1024];
        if let Ok(n) = s.read(&mut buf) {
            answer.extend_from_slice(&buf[..n]);
            break;
        }
        s.set_nonblocking(false).unwrap();
    }
    assert!(
        status_line(&answer).starts_with("HTTP/1.1 408 "),
        "{answer:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn a_full_connection_table_makes_room_for_a_real_request() {
    let bounds = Bounds {
        connections: 8,
        ..Bounds::default()
    };
    let srv = InProcess::start(bounds);
    let idle = idle_connections(srv.port, 40);
    assert_eq!(idle.len(), 40);
    for _ in 0..5 {
        assert!(get(srv.port, "/").contains("200"));
    }
}

#[test]
fn five_hundred_drip_fed_connections_do_not_stop_a_reader() {
    let tmp = tempfile::tempdir().unwrap();
    small_site(tmp.path());
    let server = Child::start(tmp.path(), Path::new(env!("CARGO_BIN_EXE_newsroom")), &[]);
    let port = server.port;
    let mut drips = idle_connections(port, 500);
    assert!(drips.len() >= 450, "{} connected", drips.len());
    for s in &drips {
        s.set_nonblocking(true).unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let dripping = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                for s in &mut drips {
                    let _ = s.write(b"x");
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    for _ in 0..5 {
        let t = Instant::now();
        let status = get(port, "/news/a1/");
        let took = t.elapsed();
        assert!(status.contains("200"), "{status}");
        assert!(took < Duration::from_secs(1), "took {took:?}");
    }
    stop.store(true, Ordering::SeqCst);
    dripping.join().unwrap();
}

#[test]
fn out_of_file_descriptors_it_backs_off_without_spinning_and_serves_again() {
    if Command::new("prlimit").arg("--version").output().is_err() {
        eprintln!("skipped: no prlimit(1) to lower the descriptor limit");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    small_site(tmp.path());
    let bin = Path::new(env!("CARGO_BIN_EXE_newsroom"));
    let server = Child::start(tmp.path(), bin, &["prlimit", "--nofile=64:64", "--"]);
    let port = server.port;
    assert!(get(port, "/").contains("200"));
    // 200 connections against 64 descriptors: the server runs out and must not spin.
    let pressure = idle_connections(port, 200);
    std::thread::sleep(Duration::from_millis(200));
    let cpu_before = cpu_ticks(server.pid());
    std::thread::sleep(Duration::from_secs(1));
    if let (Some(a), Some(b)) = (cpu_before, cpu_ticks(server.pid())) {
        // Clock ticks are 1/100 s: a spinning loop would burn close to 100 in this second.
        assert!(b - a < 30, "{} ticks of CPU in 1 s under EMFILE", b - a);
    }
    drop(pressure);
    assert!(
        served_within(port, Duration::from_secs(5)),
        "{}",
        server.log()
    );
    let log = server.log();
    assert!(
        log.matches("cannot accept connections").count() <= 1,
        "logged once: {log}"
    );
}

/// Root ignores RLIMIT_NPROC and a user's limit counts all its processes, so the server runs
/// as `nobody` with a limit of its own; elsewhere the test says why it is skipped.
#[test]
fn under_a_thread_limit_it_keeps_answering() {
    let is_root = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(str::to_string)
        })
        .is_some_and(|l| l.split_whitespace().nth(1) == Some("0"));
    let tools = ["prlimit", "setpriv"]
        .iter()
        .all(|t| Command::new(t).arg("--version").output().is_ok());
    if !is_root || !tools {
        eprintln!("skipped: needs root, prlimit(1) and setpriv(1) to run the server as nobody");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    small_site(tmp.path());
    let bin = tmp.path().join("newsroom");
    std::fs::copy(env!("CARGO_BIN_EXE_newsroom"), &bin).unwrap();
    chmod_world_readable(tmp.path());
    let wrapper = [
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "prlimit",
        "--nproc=12:12",
        "--",
    ];
    let server = Child::start(tmp.path(), &bin, &wrapper);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", server.pid())).unwrap();
    assert!(
        limits
            .lines()
            .any(|l| l.starts_with("Max processes") && l.contains(" 12 ")),
        "{limits}"
    );
    let port = server.port;
    // 100 clients at once (a thread each would need 100 threads) and 100 held open.
    let held = idle_connections(port, 100);
    let clients: Vec<JoinHandle<bool>> = (0..100)
        .map(|_| std::thread::spawn(move || get(port, "/").contains("200")))
        .collect();
    let served = clients
        .into_iter()
        .filter_map(|c| c.join().ok())
        .filter(|ok| *ok)
        .count();
    assert_eq!(served, 100);
    drop(held);
    assert!(
        served_within(port, Duration::from_secs(5)),
        "{}",
        server.log()
    );
}

fn chmod_world_readable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for entry in walk(dir) {
        let mode = if entry.is_dir() || entry.ends_with("newsroom") {
            0o755
        } else {
            0o644
        };
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_build_error_with_cr_and_lf_is_exactly_one_build_error_event() {
    let srv = InProcess::start(Bounds::default());
    let message =
        "content/x.md:2:1: bad\rdata: injected\r\revent: reload\r\rdata: {}\r\n\r\nline\nend\r";
    srv.server.hub.error(message.to_string());
    let mut s = connect(srv.port);
    write!(s, "GET {EVENTS_PATH} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let events = read_events(&mut s, Duration::from_millis(700));
    let expected = message.replace("\r\n", "\n").replace('\r', "\n");
    assert_eq!(events, vec![("build-error".to_string(), expected)]);
    // A good rebuild afterwards is one reload.
    srv.server.hub.reload();
    let events = read_events(&mut s, Duration::from_millis(700));
    assert_eq!(events, vec![("reload".to_string(), "{}".to_string())]);
}

/// Reads an event stream for `window` and returns its events as a browser's EventSource
/// dispatches them (WHATWG HTML §9.2.6: lines end at CRLF, LF or CR; an empty line
/// dispatches; `data` lines are joined with LF).
fn read_events(s: &mut TcpStream, window: Duration) -> Vec<(String, String)> {
    s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let until = Instant::now() + window;
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    while Instant::now() < until {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => panic!("{e}"),
        }
    }
    let text = String::from_utf8(raw).unwrap();
    let body = match text.find("\r\n\r\n") {
        Some(i) if text.starts_with("HTTP/1.1 200") => &text[i + 4..],
        _ => &text,
    };
    parse_event_stream(body)
}

fn parse_event_stream(body: &str) -> Vec<(String, String)> {
    let normalised = body.replace("\r\n", "\n").replace('\r', "\n");
    let (mut events, mut kind, mut data) = (Vec::new(), String::new(), None::<String>);
    for line in normalised.split('\n') {
        if line.is_empty() {
            if let Some(d) = data.take() {
                let k = if kind.is_empty() { "message" } else { &kind };
                events.push((k.to_string(), d));
            }
            kind.clear();
            continue;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => kind = value.to_string(),
            "data" => match &mut data {
                Some(d) => {
                    d.push('\n');
                    d.push_str(value);
                }
                None => data = Some(value.to_string()),
            },
            _ => {}
        }
    }
    events
}
