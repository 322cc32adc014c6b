//! Live reload: open pages keep a Server-Sent Events connection; every finished rebuild (good or
//! failed) bumps a generation number and sends a `reload` event down every connection.
//!
//! One broadcaster thread holds every connection (non-blocking sockets), so open tabs cost a
//! socket each, not a thread; at most [`MAX_CLIENTS`] are held and the rest are refused with
//! `503` (the page's script tries again later). A client that went away is dropped when a read
//! sees its end or a write fails.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The script pages load in serve mode (`/__kumppani/livereload.js`).
pub(super) const SCRIPT: &str = include_str!("livereload.js");

/// Live-reload connections held at most.
pub(super) const MAX_CLIENTS: usize = 256;

/// How often an idle connection gets a comment line, so proxies keep it and dead clients fail.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// How often the broadcaster looks for clients that closed their end, so a closed tab frees
/// its place soon.
const CHECK: Duration = Duration::from_secs(1);

/// Tells every open event stream that a rebuild finished.
pub(super) struct Reloader {
    /// Server instance id, so a browser notices a restarted server.
    instance: String,
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    generation: u64,
    closed: bool,
    clients: Vec<Client>,
}

struct Client {
    stream: TcpStream,
    /// The generation this client was last told about.
    seen: u64,
}

impl Client {
    /// Sends a message; false when the client is gone or not reading (a full send buffer on a
    /// non-blocking socket), which ends it: its page reconnects.
    fn send(&mut self, message: &str) -> bool {
        self.stream.write_all(message.as_bytes()).is_ok()
    }

    /// False when the client closed its end. Whatever it sends is read and dropped.
    fn is_open(&mut self) -> bool {
        let mut buf = [0u8; 512];
        loop {
            match self.stream.read(&mut buf) {
                Ok(0) => return false,
                Ok(_) => continue,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => return false,
            }
        }
    }
}

impl Reloader {
    /// A reloader at generation 0.
    pub(super) fn new() -> Reloader {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Reloader {
            instance: format!("{:x}", nanos),
            state: Mutex::new(State {
                generation: 0,
                closed: false,
                clients: Vec::new(),
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().expect("reloader lock")
    }

    /// A rebuild finished: tell every stream.
    pub(super) fn notify(&self) {
        self.lock().generation += 1;
        self.changed.notify_all();
    }

    /// The server is stopping: end every stream.
    pub(super) fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }

    /// Takes over a connection that asked for the event stream (its request was read): sends
    /// the response head and the `hello` event and keeps it. Gives the connection back when
    /// [`MAX_CLIENTS`] are open or the server is stopping, for the caller to refuse.
    pub(super) fn add(&self, stream: TcpStream) -> Result<(), TcpStream> {
        let mut state = self.lock();
        if state.closed || state.clients.len() >= MAX_CLIENTS {
            return Err(stream);
        }
        if stream.set_nonblocking(true).is_err() {
            return Ok(());
        }
        let seen = state.generation;
        let mut client = Client { stream, seen };
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
             X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n\
             retry: 500\n\nevent: hello\ndata: {}-{seen}\n\n",
            self.instance
        );
        // A fresh socket's send buffer takes the head whole; a client that fails it is gone.
        if client.send(&head) {
            state.clients.push(client);
        }
        Ok(())
    }

    /// The broadcaster: sends `reload` after every rebuild and keep-alive comments to idle
    /// streams, and drops clients that went away, until [`Reloader::close`]. Run on one thread.
    pub(super) fn run(&self) {
        let mut last_keepalive = Instant::now();
        let mut state = self.lock();
        loop {
            if state.closed {
                state.clients.clear();
                return;
            }
            let generation = state.generation;
            let keepalive = last_keepalive.elapsed() >= KEEPALIVE;
            if keepalive {
                last_keepalive = Instant::now();
            }
            let reload = format!("event: reload\ndata: {}-{generation}\n\n", self.instance);
            state.clients.retain_mut(|client| {
                if client.seen != generation {
                    client.seen = generation;
                    client.send(&reload)
                } else if keepalive {
                    client.send(": keep-alive\n\n")
                } else {
                    client.is_open()
                }
            });
            state = self
                .changed
                .wait_timeout_while(state, CHECK, |s| s.generation == generation && !s.closed)
                .expect("reloader lock")
                .0;
        }
    }
}

impl Default for Reloader {
    fn default() -> Self {
        Reloader::new()
    }
}
