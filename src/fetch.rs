//! HTTP GET of things a scraped page names (`convert --fetch-images`; pages and feeds later):
//! the one client setup, with limits a page cannot talk us out of.
//!
//! Allow-lists throughout: `http`/`https` only, at every redirect too; at most
//! [`Limits::max_redirects`] redirects (followed here, one by one, so each is checked); a
//! body of at most [`Limits::max_bytes`] (refused from its `Content-Length`, else cut one
//! byte past the limit); one deadline ([`Limits::timeout`]) for the whole fetch, redirects and
//! body included; and only public addresses unless [`Limits::allow_private`]: every address
//! the host resolves to is checked, by the resolver the connection then uses (so a name
//! cannot resolve to a public address for the check and a private one for the connection).
//! Environment proxies are not used: through one, the address reached could not be checked.
//! The user agent is `newsroom/<version>`; no cookies, no compression.

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// The `User-Agent` every request sends.
pub const USER_AGENT: &str = concat!("newsroom/", env!("CARGO_PKG_VERSION"));

/// What one fetch may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest body accepted, in bytes.
    pub max_bytes: u64,
    /// Time for the whole fetch: resolving, connecting, redirects and the body.
    pub timeout: Duration,
    /// Redirects followed at most.
    pub max_redirects: u32,
    /// Whether loopback, private, link-local and other non-public addresses may be reached.
    pub allow_private: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 10 * 1024 * 1024,
            timeout: Duration::from_secs(15),
            max_redirects: 5,
            allow_private: false,
        }
    }
}

/// A successful fetch.
#[derive(Debug, Clone)]
pub struct Response {
    /// The URL the body came from, after redirects.
    pub final_url: String,
    /// The `Content-Type` header as sent, when there was one.
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// Why a fetch failed; its `Display` is the short reason a warning shows (`404 Not Found`,
/// `timed out after 15 s`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// Not an absolute `http(s)` URL.
    NotWeb(String),
    /// A redirect to something other than an `http(s)` URL.
    RedirectNotWeb(String),
    TooManyRedirects(u32),
    /// The final response's status was not a success (`404`, `Not Found`).
    Status(u16, String),
    /// The body is larger than the limit (in bytes).
    TooLarge(u64),
    TimedOut(Duration),
    /// The host resolves to an address that is not public.
    Private {
        host: String,
        addr: IpAddr,
    },
    /// Resolving, connecting, TLS or the protocol failed.
    Network(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::NotWeb(url) => write!(f, "not an http(s) URL: {url}"),
            FetchError::RedirectNotWeb(url) => {
                write!(f, "redirected to {url}, which is not an http(s) URL")
            }
            FetchError::TooManyRedirects(n) => write!(f, "more than {n} redirects"),
            FetchError::Status(code, reason) if reason.is_empty() => write!(f, "HTTP {code}"),
            FetchError::Status(code, reason) => write!(f, "{code} {reason}"),
            FetchError::TooLarge(max) => write!(f, "larger than {max} bytes"),
            FetchError::TimedOut(d) => write!(f, "timed out after {}", seconds(*d)),
            FetchError::Private { host, addr } => write!(
                f,
                "{host} is {addr}, a loopback, private or link-local address (not fetched unless \
                 fetch_private_hosts = true)"
            ),
            FetchError::Network(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for FetchError {}

/// `15 s`, `1.5 s`.
fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// A client: one connection pool, the limits, and what it accepts. Cheap to share between
/// threads (`&Client` is all a fetch needs).
#[derive(Debug, Clone)]
pub struct Client {
    agent: ureq::Agent,
    limits: Limits,
    accept: String,
}

impl Client {
    pub fn new(limits: &Limits) -> Client {
        let config = ureq::Agent::config_builder()
            .user_agent(USER_AGENT)
            // Statuses and redirects are handled in `get`, where each hop is checked.
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .timeout_global(Some(limits.timeout))
            .build();
        let resolver = Guard {
            inner: DefaultResolver::default(),
            allow_private: limits.allow_private,
        };
        Client {
            agent: ureq::Agent::with_parts(config, DefaultConnector::default(), resolver),
            limits: limits.clone(),
            accept: "*/*".into(),
        }
    }

    /// The same client asking for `accept` (an `Accept` header value).
    pub fn accepting(mut self, accept: &str) -> Client {
        self.accept = accept.to_string();
        self
    }

    /// GETs `url`, following redirects, within the limits.
    pub fn get(&self, url: &str) -> Result<Response, FetchError> {
        let deadline = Instant::now() + self.limits.timeout;
        let timed_out = || FetchError::TimedOut(self.limits.timeout);
        let mut current = web_url(url).ok_or_else(|| FetchError::NotWeb(url.to_string()))?;
        let mut redirects = 0;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(timed_out());
            }
            let mut response = self
                .agent
                .get(current.as_str())
                .header("Accept", &self.accept)
                .config()
                .timeout_global(Some(left))
                .build()
                .call()
                .map_err(|e| self.error(e))?;
            let status = response.status();
            if status.is_redirection() {
                let Some(location) = response
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                else {
                    return Err(FetchError::Status(status.as_u16(), reason(status)));
                };
                redirects += 1;
                if redirects > self.limits.max_redirects {
                    return Err(FetchError::TooManyRedirects(self.limits.max_redirects));
                }
                let next = current
                    .join(location.trim())
                    .map_err(|_| FetchError::RedirectNotWeb(location.to_string()))?;
                current =
                    web_url(next.as_str()).ok_or(FetchError::RedirectNotWeb(next.to_string()))?;
                continue;
            }
            if !status.is_success() {
                return Err(FetchError::Status(status.as_u16(), reason(status)));
            }
            let max = self.limits.max_bytes;
            if response.body().content_length().is_some_and(|n| n > max) {
                return Err(FetchError::TooLarge(max));
            }
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let bytes = response
                .body_mut()
                .with_config()
                .limit(max)
                .read_to_vec()
                .map_err(|e| self.error(e))?;
            return Ok(Response {
                final_url: current.to_string(),
                content_type,
                bytes,
            });
        }
    }

    fn error(&self, e: ureq::Error) -> FetchError {
        match e {
            ureq::Error::Timeout(_) => FetchError::TimedOut(self.limits.timeout),
            ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge(self.limits.max_bytes),
            ureq::Error::HostNotFound => FetchError::Network("host not found".into()),
            ureq::Error::Io(io) => {
                if let Some(r) = io.get_ref().and_then(|r| r.downcast_ref::<Refused>()) {
                    return FetchError::Private {
                        host: r.host.clone(),
                        addr: r.addr,
                    };
                }
                match io.kind() {
                    io::ErrorKind::TimedOut => FetchError::TimedOut(self.limits.timeout),
                    _ => FetchError::Network(format!("cannot connect: {io}")),
                }
            }
            other => FetchError::Network(other.to_string()),
        }
    }
}

/// GETs `url` with a client made for the call (see [`Client`] to fetch several).
pub fn get(url: &str, limits: &Limits) -> Result<Response, FetchError> {
    Client::new(limits).get(url)
}

/// `url` parsed, when it is an absolute `http(s)` URL with a host.
fn web_url(url: &str) -> Option<url::Url> {
    let u = url::Url::parse(url.trim()).ok()?;
    (matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()))
        .then_some(u)
}

fn reason(status: ureq::http::StatusCode) -> String {
    status.canonical_reason().unwrap_or("").to_string()
}

/// The resolver the connections use: the default one, then every address checked.
#[derive(Debug)]
struct Guard {
    inner: DefaultResolver,
    allow_private: bool,
}

/// An address refused by [`Guard`], carried through ureq's error as an `io::Error`'s source.
#[derive(Debug)]
struct Refused {
    host: String,
    addr: IpAddr,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is {}, not a public address", self.host, self.addr)
    }
}

impl std::error::Error for Refused {}

impl Resolver for Guard {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = self.inner.resolve(uri, config, timeout)?;
        if !self.allow_private
            && let Some(bad) = addrs.iter().find(|a| !is_public(a.ip()))
        {
            let host = uri.host().unwrap_or_default().to_string();
            return Err(ureq::Error::Io(io::Error::new(
                io::ErrorKind::PermissionDenied,
                Refused {
                    host,
                    addr: bad.ip(),
                },
            )));
        }
        Ok(addrs)
    }
}

/// Whether `ip` is a public unicast address: an allow-list (IPv6 global unicast `2000::/3`)
/// less the ranges that are not (loopback, private, shared, link-local, documentation,
/// benchmarking, multicast, reserved). IPv4 inside IPv6 (mapped, NAT64) is judged as IPv4.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
                // NAT64 (64:ff9b::/96): the IPv4 address it stands for.
                let [a, b] = s[6].to_be_bytes();
                let [c, d] = s[7].to_be_bytes();
                return is_public_v4(Ipv4Addr::new(a, b, c, d));
            }
            let global_unicast = s[0] & 0xe000 == 0x2000;
            let documentation = s[0] == 0x2001 && s[1] == 0x0db8;
            // 6to4 (2002::/16) carries an IPv4 address too.
            let six_to_four = s[0] == 0x2002 && {
                let [a, b] = s[1].to_be_bytes();
                let [c, d] = s[2].to_be_bytes();
                !is_public_v4(Ipv4Addr::new(a, b, c, d))
            };
            global_unicast && !documentation && !six_to_four && v6 != Ipv6Addr::UNSPECIFIED
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0 // "this network"
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // shared (carrier-grade NAT)
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 0 && (c == 0 || c == 2)) // IETF protocol, TEST-NET-1
        || (a == 192 && b == 168)
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || (a == 198 && b == 51 && c == 100) // TEST-NET-2
        || (a == 203 && b == 0 && c == 113) // TEST-NET-3
        || a >= 224) // multicast, reserved, broadcast
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2002:c0a8:101::1",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip} counted as public");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:2800:220:1:248:1893:25c8:1946",
            "::ffff:93.184.216.34",
            "64:ff9b::808:808",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip} counted as private");
        }
    }

    #[test]
    fn a_private_host_is_refused_before_any_connection() {
        let limits = Limits::default();
        for url in ["http://127.0.0.1:9/x.png", "http://localhost:9/x.png"] {
            match get(url, &limits) {
                Err(FetchError::Private { addr, .. }) => assert!(addr.is_loopback(), "{url}"),
                other => panic!("{url}: {other:?}"),
            }
        }
    }

    #[test]
    fn only_http_urls_are_fetched() {
        let limits = Limits::default();
        for url in [
            "file:///etc/passwd",
            "ftp://example.org/a.png",
            "data:image/png;base64,AAAA",
            "javascript:alert(1)",
            "/relative/a.png",
            "http://",
        ] {
            assert!(
                matches!(get(url, &limits), Err(FetchError::NotWeb(_))),
                "{url}"
            );
        }
    }

    #[test]
    fn reasons_read_as_a_person_would_say_them() {
        assert_eq!(
            FetchError::Status(404, "Not Found".into()).to_string(),
            "404 Not Found"
        );
        assert_eq!(
            FetchError::TooLarge(10_485_760).to_string(),
            "larger than 10485760 bytes"
        );
        assert_eq!(
            FetchError::TimedOut(Duration::from_secs(15)).to_string(),
            "timed out after 15 s"
        );
        assert_eq!(
            FetchError::TimedOut(Duration::from_millis(1500)).to_string(),
            "timed out after 1.5 s"
        );
    }
}
