//! The preview server's HTTP/1.1 transport on `std::net`: one thread accepts connections into a
//! bounded queue, a fixed pool of workers reads each request head and answers it with
//! [`http::handle`], and event streams go to the live-reload broadcaster. Every resource a
//! client can make the server spend is bounded: a full queue is answered `503` at once, a
//! request head must arrive within [`HEAD_DEADLINE`] and fit [`MAX_REQUEST_LINE`],
//! [`MAX_HEADER_BYTES`] and [`MAX_HEADER_LINES`] (else `414` or `431`), and every connection
//! is closed after its response.

use super::Shared;
use super::http::{self, Answer, Request, Response};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Accepted connections waiting for a worker at most; more are answered `503`.
const QUEUE: usize = 128;
/// Time a client has to send its whole request head.
const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// Longest request line (`GET /path HTTP/1.1`), in bytes.
pub(super) const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Most bytes of header lines after the request line.
pub(super) const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Most header lines.
pub(super) const MAX_HEADER_LINES: usize = 100;
/// How often a worker waiting for a slow client looks whether the server is stopping.
const STOP_CHECK: Duration = Duration::from_millis(250);
/// A response's writes may stall this long before the client is given up.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// A whole response must be sent within this time, so a client reading a byte now and then
/// cannot hold a worker.
const SEND_DEADLINE: Duration = Duration::from_secs(30);
/// After a response the rest of the request is read and dropped for at most this long (and
/// [`LINGER_BYTES`]), so closing does not reset the connection before the client read it.
const LINGER: Duration = Duration::from_secs(2);
const LINGER_IDLE: Duration = Duration::from_millis(200);
const LINGER_BYTES: usize = 4 << 20;

/// Starts the accept thread and `workers` workers on `listener`.
pub(super) fn start(
    listener: TcpListener,
    shared: &Arc<Shared>,
    workers: usize,
) -> Vec<JoinHandle<()>> {
    let (queue, waiting) = std::sync::mpsc::sync_channel::<TcpStream>(QUEUE);
    let waiting = Arc::new(Mutex::new(waiting));
    let mut threads = Vec::new();
    for _ in 0..workers {
        let shared = shared.clone();
        let waiting = waiting.clone();
        threads.push(std::thread::spawn(move || work(&waiting, &shared)));
    }
    let reloader = shared.reloader.clone();
    threads.push(std::thread::spawn(move || reloader.run()));
    let shared = shared.clone();
    threads.push(std::thread::spawn(move || {
        accept(&listener, &queue, &shared)
    }));
    threads
}

/// Wakes the accept thread blocked on `addr` so it sees the stop flag.
pub(super) fn wake(addr: SocketAddr) {
    let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
}

fn accept(listener: &TcpListener, queue: &SyncSender<TcpStream>, shared: &Shared) {
    for conn in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let stream = match conn {
            Ok(stream) => stream,
            // Out of file descriptors and the like: pause rather than spin.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        match queue.try_send(stream) {
            Ok(()) => {}
            Err(TrySendError::Full(stream)) => busy(stream),
            Err(TrySendError::Disconnected(_)) => return,
        }
    }
}

/// Refuses a connection from the accept thread without waiting on the client.
fn busy(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let response = response_bytes(
        &error(
            503,
            "503 Service Unavailable: the preview server is busy, try again.\n",
        ),
        false,
    );
    let _ = stream.write_all(&response);
    let _ = stream.shutdown(Shutdown::Write);
    // What already arrived is read (a little of it: this thread serves no one else while it
    // reads), so closing does not reset the connection.
    if stream.set_nonblocking(true).is_ok() {
        let mut buf = [0u8; 4096];
        for _ in 0..16 {
            if !matches!(stream.read(&mut buf), Ok(n) if n > 0) {
                break;
            }
        }
    }
}

fn work(waiting: &Mutex<Receiver<TcpStream>>, shared: &Shared) {
    loop {
        let next = waiting.lock().expect("queue lock").recv();
        match next {
            Ok(stream) => serve(stream, shared),
            // The accept thread stopped and the queue is empty.
            Err(_) => return,
        }
    }
}

/// Answers one connection: one request, one response, closed.
fn serve(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let request = match read_head(&mut stream, || shared.stop.load(Ordering::SeqCst)) {
        Ok(request) => request,
        Err(HeadError::Closed) => return,
        Err(HeadError::Refused(status)) => {
            let text = match status {
                408 => "408 Request Timeout: the request head did not arrive in time.\n",
                414 => "414 URI Too Long: the request line is over 8 KB.\n",
                431 => "431 Request Header Fields Too Large: over 16 KB or 100 header lines.\n",
                _ => "400 Bad Request\n",
            };
            return finish(stream, &error(status, text), false);
        }
    };
    let head_only = request.method == "HEAD";
    let snapshot = shared.snapshot.read().expect("snapshot lock").clone();
    match http::handle(&request, &snapshot) {
        Answer::Respond(response) => finish(stream, &response, head_only),
        Answer::Events => {
            if let Err(stream) = shared.reloader.add(stream) {
                let text = format!(
                    "503 Service Unavailable: {} live-reload connections are open, the most \
                     the preview server keeps. Close some preview tabs; this one keeps trying.\n",
                    super::reload::MAX_CLIENTS
                );
                finish(stream, &error(503, &text), false);
            }
        }
    }
}

fn error(status: u16, text: &str) -> Response {
    let mut extra = Vec::new();
    if status == 503 {
        extra.push(("Retry-After", "1".to_string()));
    }
    match http::plain(status, text, &extra) {
        Answer::Respond(response) => response,
        Answer::Events => unreachable!("a plain answer is a response"),
    }
}

/// The bytes of a response with `Content-Length` and `Connection: close`; no body for `HEAD`.
fn response_bytes(response: &Response, head_only: bool) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        http::reason(response.status)
    );
    for (name, value) in &response.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        response.body.len()
    ));
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&response.body);
    }
    bytes
}

/// Sends the response, closes the sending side, and reads what is left of the request for a
/// short while (bounded) before closing: closing with unread bytes would reset the connection
/// and could destroy the response before the client read it (a `431` to a huge head).
fn finish(mut stream: TcpStream, response: &Response, head_only: bool) {
    let started = Instant::now();
    for chunk in response_bytes(response, head_only).chunks(64 * 1024) {
        if started.elapsed() > SEND_DEADLINE || stream.write_all(chunk).is_err() {
            return;
        }
    }
    let _ = stream.flush();
    if stream.shutdown(Shutdown::Write).is_err()
        || stream.set_read_timeout(Some(LINGER_IDLE)).is_err()
    {
        return;
    }
    let started = Instant::now();
    let mut drained = 0;
    let mut buf = [0u8; 16 * 1024];
    while started.elapsed() < LINGER && drained < LINGER_BYTES {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}

/// Why no request came of a connection.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum HeadError {
    /// The client went away (or the server is stopping): nothing to answer.
    Closed,
    /// Answer with this status and close: 400, 408, 414 or 431.
    Refused(u16),
}

/// Reads a request head within [`HEAD_DEADLINE`] and the size limits, holding at most the
/// limits' worth of bytes whatever the client sends. `stopping` is asked while waiting.
pub(super) fn read_head(
    stream: &mut TcpStream,
    stopping: impl Fn() -> bool,
) -> Result<Request, HeadError> {
    let deadline = Instant::now() + HEAD_DEADLINE;
    let mut head = HeadReader::default();
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(HeadError::Refused(408));
        }
        if stream.set_read_timeout(Some(left.min(STOP_CHECK))).is_err() {
            return Err(HeadError::Closed);
        }
        match stream.read(&mut buf) {
            Ok(0) => return Err(HeadError::Closed),
            Ok(n) => {
                if let Some(done) = head.push(&buf[..n]) {
                    return done;
                }
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if stopping() {
                    return Err(HeadError::Closed);
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return Err(HeadError::Closed),
        }
    }
}

/// A request head arriving in pieces; parsed line by line so nothing beyond the limits is kept.
#[derive(Default)]
pub(super) struct HeadReader {
    /// The line being read.
    line: Vec<u8>,
    /// The request line, once complete.
    request_line: Option<String>,
    header_lines: usize,
    header_bytes: usize,
}

impl HeadReader {
    /// Takes the next bytes; `Some` once the head is complete or refused. Bytes after the head
    /// (a body) are ignored: only GET and HEAD are served.
    pub(super) fn push(&mut self, bytes: &[u8]) -> Option<Result<Request, HeadError>> {
        for &b in bytes {
            if b != b'\n' {
                if self.request_line.is_none() {
                    if self.line.len() > MAX_REQUEST_LINE {
                        return Some(Err(HeadError::Refused(414)));
                    }
                } else {
                    self.header_bytes += 1;
                    if self.header_bytes > MAX_HEADER_BYTES {
                        return Some(Err(HeadError::Refused(431)));
                    }
                }
                self.line.push(b);
                continue;
            }
            let mut line = std::mem::take(&mut self.line);
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if self.request_line.is_none() {
                if line.len() > MAX_REQUEST_LINE {
                    return Some(Err(HeadError::Refused(414)));
                }
                // Empty lines before the request line are allowed (RFC 9112 §2.2).
                if !line.is_empty() {
                    match String::from_utf8(line) {
                        Ok(l) => self.request_line = Some(l),
                        Err(_) => return Some(Err(HeadError::Refused(400))),
                    }
                }
                continue;
            }
            self.header_bytes += 1;
            if line.is_empty() {
                let request_line = self.request_line.take().unwrap_or_default();
                return Some(parse_request_line(&request_line).ok_or(HeadError::Refused(400)));
            }
            self.header_lines += 1;
            if self.header_lines > MAX_HEADER_LINES || self.header_bytes > MAX_HEADER_BYTES {
                return Some(Err(HeadError::Refused(431)));
            }
        }
        None
    }
}

/// `METHOD target HTTP/1.x`; a target with spaces or control characters is refused, so no
/// header built from it (`Location`) can be split.
fn parse_request_line(line: &str) -> Option<Request> {
    let mut parts = line.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    let token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphabetic());
    let visible = |s: &str| !s.is_empty() && s.bytes().all(|b| b > b' ' && b != 0x7F);
    (parts.next().is_none() && token(method) && visible(target) && version.starts_with("HTTP/1."))
        .then(|| Request {
            method: method.to_string(),
            target: target.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(bytes: &[u8]) -> Option<Result<Request, HeadError>> {
        HeadReader::default().push(bytes)
    }

    #[test]
    fn heads_are_parsed_within_limits() {
        let ok = head(b"GET /j/?x=1 HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\nbody").unwrap();
        assert_eq!(
            ok.unwrap(),
            Request {
                method: "GET".into(),
                target: "/j/?x=1".into()
            }
        );
        // In pieces, with bare LF and a leading empty line.
        let mut reader = HeadReader::default();
        assert!(reader.push(b"\r\nHEAD / HT").is_none());
        assert!(reader.push(b"TP/1.0\nHost: x\n").is_none());
        assert_eq!(reader.push(b"\n").unwrap().unwrap().method, "HEAD");
        assert!(head(b"GET / HTTP/1.1\r\nHost: x\r\n").is_none());

        let long_line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_REQUEST_LINE));
        assert_eq!(
            head(long_line.as_bytes()).unwrap(),
            Err(HeadError::Refused(414))
        );
        // Refused as soon as the limit passes, not at the end of the line.
        let endless = vec![b'a'; MAX_REQUEST_LINE + 2];
        assert_eq!(head(&endless).unwrap(), Err(HeadError::Refused(414)));
        let big = format!("GET / HTTP/1.1\r\nX: {}", "a".repeat(MAX_HEADER_BYTES));
        assert_eq!(head(big.as_bytes()).unwrap(), Err(HeadError::Refused(431)));
        let many = format!("GET / HTTP/1.1\r\n{}\r\n", "A: b\r\n".repeat(101));
        assert_eq!(head(many.as_bytes()).unwrap(), Err(HeadError::Refused(431)));
        let hundred = format!("GET / HTTP/1.1\r\n{}\r\n", "A: b\r\n".repeat(100));
        assert!(head(hundred.as_bytes()).unwrap().is_ok());

        for bad in [
            "GET /\rx HTTP/1.1\r\n\r\n",
            "GET / x HTTP/1.1\r\n\r\n",
            "GET /\u{7f} HTTP/1.1\r\n\r\n",
            "GET / HTTP/2.0\r\n\r\n",
            "G=T / HTTP/1.1\r\n\r\n",
            "GET\r\n\r\n",
        ] {
            assert_eq!(
                head(bad.as_bytes()).unwrap(),
                Err(HeadError::Refused(400)),
                "{bad:?}"
            );
        }
    }
}
