//! The one thread that serves every connection: a `mio` poll loop over non-blocking sockets.
//! A connection reads its head (bounded in bytes and in time from accept, not per read),
//! gets its whole answer queued, writes it as the socket drains, then lingers a moment
//! reading and dropping whatever the client still sends (so the answer is not lost to a reset)
//! and closes. Event streams stay open and get the hub's events.
//!
//! Bounds (issue 12, item 4): at most `connections` sockets; when full, a new one pushes out
//! the oldest that is still sending its head or lingering (a drip-fed connection cannot hold a
//! place against a real one). Out of file descriptors, `accept` fails: the loop logs it once,
//! frees the oldest idle socket and waits a growing pause (≤ 200 ms) before accepting again,
//! so it neither spins nor stops. No thread is spawned per connection, so none can fail to be.
//! Must not: read a file from disk (the site is in memory), block on a socket.

use std::collections::{HashMap, VecDeque};
use std::io::{self, ErrorKind, Read, Write};
use std::net::Shutdown;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};

use super::request::{self, Parse, Reject};
use super::{Answer, Server, sse};

const LISTENER: Token = Token(0);
const WAKER: Token = Token(1);
/// How often deadlines are checked: their resolution.
const SWEEP: Duration = Duration::from_millis(100);
const PING_EVERY: Duration = Duration::from_secs(15);
const MAX_BACKOFF: Duration = Duration::from_millis(200);
/// How long accepting must work without a failure before a backoff episode is over.
const QUIET: Duration = Duration::from_secs(1);

/// Bytes waiting to be written.
pub enum Bytes {
    Owned(Vec<u8>),
    Shared(Arc<Vec<u8>>),
    Static(&'static [u8]),
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Shared(v) => v,
            Bytes::Static(s) => s,
        }
    }
}

/// A queue of output and how far its first part is written.
#[derive(Default)]
pub struct Outgoing {
    parts: VecDeque<Bytes>,
    pos: usize,
}

impl Outgoing {
    pub fn push(&mut self, b: Bytes) {
        self.parts.push_back(b);
    }

    fn pending(&self) -> usize {
        self.parts.iter().map(|p| p.as_ref().len()).sum::<usize>() - self.pos
    }

    /// Writes until done (`true`) or the socket is full (`false`).
    fn flush(&mut self, stream: &mut TcpStream) -> io::Result<bool> {
        while let Some(front) = self.parts.front() {
            let bytes = &front.as_ref()[self.pos..];
            if bytes.is_empty() {
                self.parts.pop_front();
                self.pos = 0;
                continue;
            }
            match stream.write(bytes) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(n) => self.pos += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }
}

#[derive(PartialEq, Eq)]
enum Phase {
    /// Reading the request head.
    Head,
    /// Writing the answer.
    Reply,
    /// Answer sent and write side shut: dropping what the client still sends, until it closes.
    Linger,
    /// An event stream, with the hub generation it has been told about.
    Stream(u64),
}

struct Conn {
    stream: TcpStream,
    phase: Phase,
    accepted: Instant,
    /// When the current phase must be over (streams have none).
    deadline: Option<Instant>,
    head: Vec<u8>,
    /// Whether the request line has ended: until it has, more than a line's worth is 414.
    line_ended: bool,
    out: Outgoing,
}

/// Pauses accepting after `accept` fails (out of descriptors, buffers, memory), doubling up to
/// [`MAX_BACKOFF`]. An episode lasts until accepting has worked for [`QUIET`] without a failure:
/// a success squeezed in between failures (the descriptor an evicted socket freed) does not end
/// it, so the pause keeps growing and the warning is printed once per episode.
#[derive(Default)]
struct Backoff {
    until: Option<Instant>,
    delay: Duration,
    last_failure: Option<Instant>,
    warned: bool,
}

impl Backoff {
    fn paused(&self, now: Instant) -> bool {
        self.until.is_some_and(|t| now < t)
    }

    fn quiet_since_failure(&self, now: Instant) -> bool {
        self.last_failure
            .is_none_or(|t| now.saturating_duration_since(t) >= QUIET)
    }

    fn failed(&mut self, e: &io::Error, now: Instant) {
        if self.quiet_since_failure(now) {
            self.delay = Duration::ZERO;
        }
        self.delay = (self.delay * 2).clamp(Duration::from_millis(10), MAX_BACKOFF);
        self.until = Some(now + self.delay);
        self.last_failure = Some(now);
        if !self.warned {
            self.warned = true;
            eprintln!("warning: the preview server cannot accept connections ({e}); retrying");
        }
    }

    fn accepted(&mut self, now: Instant) {
        if self.last_failure.is_none() || !self.quiet_since_failure(now) {
            return;
        }
        if self.warned {
            eprintln!("the preview server accepts connections again");
        }
        *self = Backoff::default();
    }
}

pub struct Loop<'a> {
    server: &'a Server,
    poll: Poll,
    listener: TcpListener,
    conns: HashMap<usize, Conn>,
    next_id: usize,
    backoff: Backoff,
    /// The hub generation every stream has been sent.
    generation: u64,
    next_ping: Instant,
    next_sweep: Instant,
}

impl<'a> Loop<'a> {
    pub fn new(server: &'a Server, listener: std::net::TcpListener) -> io::Result<Loop<'a>> {
        listener.set_nonblocking(true)?;
        let poll = Poll::new()?;
        let mut listener = TcpListener::from_std(listener);
        poll.registry()
            .register(&mut listener, LISTENER, Interest::READABLE)?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        server.hub.set_waker(waker);
        let now = Instant::now();
        Ok(Loop {
            server,
            poll,
            listener,
            conns: HashMap::new(),
            next_id: 2,
            backoff: Backoff::default(),
            generation: server.hub.generation(),
            next_ping: now + PING_EVERY,
            next_sweep: now + SWEEP,
        })
    }

    /// Serves until the server is stopped.
    pub fn run(&mut self) -> io::Result<()> {
        let mut events = Events::with_capacity(1024);
        while !self.server.stopped() {
            let timeout = self.timeout(Instant::now());
            if let Err(e) = self.poll.poll(&mut events, timeout)
                && e.kind() != ErrorKind::Interrupted
            {
                return Err(e);
            }
            for ev in &events {
                if ev.token().0 >= 2 {
                    self.drive(ev.token().0);
                }
            }
            self.accept_all();
            self.broadcast();
            self.timers(Instant::now());
        }
        Ok(())
    }

    fn timeout(&self, now: Instant) -> Option<Duration> {
        let mut t = None::<Duration>;
        let mut at = |when: Instant| {
            let d = when.saturating_duration_since(now);
            t = Some(t.map_or(d, |t| t.min(d)));
        };
        if !self.conns.is_empty() {
            at(self.next_sweep);
            at(self.next_ping);
        }
        if let Some(until) = self.backoff.until {
            at(until);
        }
        t
    }

    fn accept_all(&mut self) {
        let now = Instant::now();
        if self.backoff.paused(now) {
            return;
        }
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    self.backoff.accepted(now);
                    self.admit(stream, now);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::Interrupted
                            | ErrorKind::ConnectionAborted
                            | ErrorKind::ConnectionReset
                    ) => {}
                Err(e) => {
                    // Out of descriptors: the oldest idle socket makes room for the next.
                    self.backoff.failed(&e, now);
                    self.evict_idle();
                    return;
                }
            }
        }
    }

    fn admit(&mut self, mut stream: TcpStream, now: Instant) {
        if self.conns.len() >= self.server.bounds.connections && !self.evict_idle() {
            let _ = stream.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n");
            return;
        }
        let id = self.next_id;
        self.next_id += 1;
        let interest = Interest::READABLE | Interest::WRITABLE;
        if self
            .poll
            .registry()
            .register(&mut stream, Token(id), interest)
            .is_err()
        {
            return;
        }
        let conn = Conn {
            stream,
            phase: Phase::Head,
            accepted: now,
            deadline: Some(now + self.server.bounds.head_deadline),
            head: Vec::new(),
            line_ended: false,
            out: Outgoing::default(),
        };
        self.conns.insert(id, conn);
    }

    /// Closes the oldest connection that is sending its head or lingering. False if none.
    fn evict_idle(&mut self) -> bool {
        let oldest = self
            .conns
            .iter()
            .filter(|(_, c)| matches!(c.phase, Phase::Head | Phase::Linger))
            .min_by_key(|(_, c)| c.accepted)
            .map(|(id, _)| *id);
        oldest.is_some_and(|id| {
            self.close(id);
            true
        })
    }

    fn close(&mut self, id: usize) {
        if let Some(mut c) = self.conns.remove(&id) {
            let _ = self.poll.registry().deregister(&mut c.stream);
        }
    }

    /// Moves a connection on as far as its socket allows; closes it when it is done.
    fn drive(&mut self, id: usize) {
        let server = self.server;
        let Some(c) = self.conns.get_mut(&id) else {
            return;
        };
        let keep = loop {
            match c.phase {
                Phase::Head => match read_head(c, server) {
                    None => break true,
                    Some(Err(())) => break false,
                    Some(Ok(answer)) => start_answer(server, c, answer),
                },
                Phase::Reply => match c.out.flush(&mut c.stream) {
                    Ok(true) => {
                        let _ = c.stream.shutdown(Shutdown::Write);
                        c.phase = Phase::Linger;
                        c.deadline = Some(Instant::now() + server.bounds.linger);
                    }
                    Ok(false) => break true,
                    Err(_) => break false,
                },
                Phase::Linger => break discard(&mut c.stream),
                Phase::Stream(_) => {
                    break discard(&mut c.stream)
                        && c.out.flush(&mut c.stream).is_ok()
                        && c.out.pending() <= server.bounds.stream_backlog;
                }
            }
        };
        if !keep {
            self.close(id);
        } else if matches!(self.conns[&id].phase, Phase::Stream(_)) {
            self.cap_streams(id);
        }
    }

    /// Keeps at most `streams` event streams: a newer one closes the oldest (the browser of
    /// the old one reconnects by itself if it is still there).
    fn cap_streams(&mut self, newest: usize) {
        let mut streams: Vec<(Instant, usize)> = self
            .conns
            .iter()
            .filter(|(_, c)| matches!(c.phase, Phase::Stream(_)))
            .map(|(id, c)| (c.accepted, *id))
            .collect();
        if streams.len() <= self.server.bounds.streams {
            return;
        }
        streams.sort();
        let excess = streams.len() - self.server.bounds.streams;
        for (_, id) in streams
            .into_iter()
            .filter(|(_, id)| *id != newest)
            .take(excess)
        {
            self.close(id);
        }
    }

    /// Sends every stream the hub's news since it last heard.
    fn broadcast(&mut self) {
        let (generation, error) = self.server.hub.snapshot();
        if generation == self.generation {
            return;
        }
        self.generation = generation;
        let event = Arc::new(
            match &error {
                Some(e) => sse::error_event(e),
                None => sse::RELOAD.to_string(),
            }
            .into_bytes(),
        );
        self.each_stream(|seen| {
            (*seen != generation).then(|| {
                *seen = generation;
                Bytes::Shared(Arc::clone(&event))
            })
        });
    }

    /// Queues what `f` gives for each stream (it may update the stream's generation) and
    /// writes it; streams that fail or fall too far behind are closed.
    fn each_stream(&mut self, mut f: impl FnMut(&mut u64) -> Option<Bytes>) {
        let backlog = self.server.bounds.stream_backlog;
        let mut dead = Vec::new();
        for (id, c) in &mut self.conns {
            let Phase::Stream(seen) = &mut c.phase else {
                continue;
            };
            let Some(bytes) = f(seen) else { continue };
            c.out.push(bytes);
            if c.out.flush(&mut c.stream).is_err() || c.out.pending() > backlog {
                dead.push(*id);
            }
        }
        for id in dead {
            self.close(id);
        }
    }

    /// Deadlines (a head not received in time gets 408; a reply or linger past its time is
    /// dropped) and stream pings.
    fn timers(&mut self, now: Instant) {
        if now >= self.next_ping {
            self.next_ping = now + PING_EVERY;
            self.each_stream(|_| Some(Bytes::Static(sse::PING.as_bytes())));
        }
        if now < self.next_sweep {
            return;
        }
        self.next_sweep = now + SWEEP;
        let late: Vec<usize> = self
            .conns
            .iter()
            .filter(|(_, c)| c.deadline.is_some_and(|d| now >= d))
            .map(|(id, _)| *id)
            .collect();
        for id in late {
            let c = self.conns.get_mut(&id).expect("listed above");
            if c.phase == Phase::Head {
                let out = super::status_page("408 Request Timeout");
                begin_reply(c, out, self.server.bounds.write_deadline);
                self.drive(id);
            } else {
                self.close(id);
            }
        }
    }
}

/// Reads what the socket has into the head buffer, never more than the limits allow plus
/// one byte. `None`: wait for more; `Some(Err)`: the client went away; `Some(Ok)`: the answer
/// to the head (a refusal if it is malformed or too large).
fn read_head(c: &mut Conn, server: &Server) -> Option<Result<Answer, ()>> {
    let limits = &server.bounds.head;
    let max = limits.max_buffered();
    let mut chunk = [0u8; 4096];
    loop {
        let room = (max + 1).saturating_sub(c.head.len()).min(chunk.len());
        if room == 0 {
            break;
        }
        match c.stream.read(&mut chunk[..room]) {
            Ok(0) => return Some(Err(())),
            Ok(n) => {
                let from = c.head.len();
                c.head.extend_from_slice(&chunk[..n]);
                c.line_ended = c.line_ended || chunk[..n].contains(&b'\n');
                let line_too_long = !c.line_ended && c.head.len() > limits.request_line;
                if line_too_long || request::head_end(&c.head, from).is_some() {
                    break;
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return None,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return Some(Err(())),
        }
    }
    Some(Ok(match request::parse_head(&c.head, limits) {
        Parse::Done(head) => server.answer(&head),
        Parse::Reject(r) => Answer::Reply(super::status_page(r.status())),
        Parse::Partial => Answer::Reply(super::status_page(Reject::BadRequest.status())),
    }))
}

fn begin_reply(c: &mut Conn, out: Outgoing, write_deadline: Duration) {
    c.head = Vec::new();
    c.out = out;
    c.phase = Phase::Reply;
    c.deadline = Some(Instant::now() + write_deadline);
}

/// Queues the answer and moves to the phase that sends it.
fn start_answer(server: &Server, c: &mut Conn, answer: Answer) {
    match answer {
        Answer::Reply(out) => begin_reply(c, out, server.bounds.write_deadline),
        Answer::Stream => {
            let (generation, error) = server.hub.snapshot();
            c.head = Vec::new();
            c.out.push(Bytes::Static(sse::STREAM_HEAD.as_bytes()));
            if let Some(e) = error {
                c.out.push(Bytes::Owned(sse::error_event(&e).into_bytes()));
            }
            c.phase = Phase::Stream(generation);
            c.deadline = None;
        }
    }
}

/// Reads and drops whatever has arrived. False when the client closed or the socket failed.
fn discard(stream: &mut TcpStream) -> bool {
    let mut sink = [0u8; 4096];
    loop {
        match stream.read(&mut sink) {
            Ok(0) => return false,
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}
