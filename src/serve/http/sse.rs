//! The server-sent events the live-reload script listens to: `reload` after a good rebuild,
//! `build-error` with the message after a failed one. Pure text formatting.
//!
//! An event stream ends a line at CR, LF or CRLF and an event at an empty line (WHATWG HTML
//! §9.2.6), so a message is cut at every one of the three and each piece sent as its own
//! `data:` line: nothing in a build error can end the event or start a field (issue 12: a bare
//! CR used to pass and could inject a `reload`, which made the overlay loop). The browser joins
//! the `data:` lines with `\n`, so the overlay shows the same lines.

/// The response head of the stream, and how soon the browser should reconnect after a drop.
pub const STREAM_HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";

pub const RELOAD: &str = "event: reload\ndata: {}\n\n";

/// A comment line: keeps idle proxies and the browser from timing the stream out.
pub const PING: &str = ": ping\n\n";

/// One `build-error` event carrying `message`, whatever line ends it holds.
pub fn error_event(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 32);
    out.push_str("event: build-error\n");
    let mut rest = message;
    loop {
        let end = rest.find(['\r', '\n']).unwrap_or(rest.len());
        out.push_str("data: ");
        out.push_str(&rest[..end]);
        out.push('\n');
        if end == rest.len() {
            break;
        }
        let skip = if rest[end..].starts_with("\r\n") {
            2
        } else {
            1
        };
        rest = &rest[end + skip..];
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_line_end_in_a_message_survives_inside_a_data_line() {
        let msg = "a\rb\nc\r\nd\r\revent: reload\n\ndata: {}\r\n\r\n";
        let ev = error_event(msg);
        assert_eq!(
            ev,
            "event: build-error\ndata: a\ndata: b\ndata: c\ndata: d\ndata: \ndata: event: reload\ndata: \ndata: data: {}\ndata: \ndata: \n\n"
        );
        assert!(!ev.contains('\r'));
        assert_eq!(ev.matches("\n\n").count(), 1, "one event: {ev:?}");
        assert!(ev.ends_with("\n\n"));
        assert_eq!(error_event(""), "event: build-error\ndata: \n\n");
    }
}
