//! Live reload: open pages keep a Server-Sent Events connection; every finished rebuild (good or
//! failed) bumps a generation number and each connection's thread sends a `reload` event.

use std::io::Write;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// The script pages load in serve mode (`/__kumppani/livereload.js`).
pub(super) const SCRIPT: &str = include_str!("livereload.js");

/// How often an idle connection gets a comment line, so dead clients are noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// Tells every waiting event stream that a rebuild finished.
pub(super) struct Reloader {
    /// Server instance id, so a browser notices a restarted server.
    instance: String,
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    generation: u64,
    closed: bool,
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
            }),
            changed: Condvar::new(),
        }
    }

    /// A rebuild finished: wake every stream.
    pub(super) fn notify(&self) {
        self.state.lock().expect("reloader lock").generation += 1;
        self.changed.notify_all();
    }

    /// The server is stopping: end every stream.
    pub(super) fn close(&self) {
        self.state.lock().expect("reloader lock").closed = true;
        self.changed.notify_all();
    }

    /// Waits until the generation differs from `seen` (Some(new)), the timeout passes
    /// (Some(seen)) or the server closes (None).
    fn wait(&self, seen: u64, timeout: Duration) -> Option<u64> {
        let guard = self.state.lock().expect("reloader lock");
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |s| s.generation == seen && !s.closed)
            .expect("reloader lock");
        (!guard.closed).then_some(guard.generation)
    }

    /// Streams events to one client until it goes away or the server stops. Runs on its own
    /// thread so open tabs never occupy the request workers.
    pub(super) fn stream(&self, mut out: Box<dyn Write + Send>) {
        let mut seen = self.state.lock().expect("reloader lock").generation;
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
             Connection: close\r\n\r\nretry: 500\n\nevent: hello\ndata: {}-{seen}\n\n",
            self.instance
        );
        if out
            .write_all(head.as_bytes())
            .and_then(|_| out.flush())
            .is_err()
        {
            return;
        }
        while let Some(generation) = self.wait(seen, KEEPALIVE) {
            let message = if generation == seen {
                ": keep-alive\n\n".to_string()
            } else {
                seen = generation;
                format!("event: reload\ndata: {}-{generation}\n\n", self.instance)
            };
            if out
                .write_all(message.as_bytes())
                .and_then(|_| out.flush())
                .is_err()
            {
                return;
            }
        }
    }
}

impl Default for Reloader {
    fn default() -> Self {
        Reloader::new()
    }
}
