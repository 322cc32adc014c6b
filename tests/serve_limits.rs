//! What a client can make `kumppani serve` spend is bounded: huge request heads are refused
//! with `414`/`431` without the server's memory growing, live-reload streams share one thread
//! and are capped (the rest get `503`), pages are served meanwhile, and a save still reloads
//! an open tab. Runs the real binary and reads its `/proc/<pid>/status`.

mod common;

use common::TestSite;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Bound on every wait; a healthy run needs a fraction of it.
const PATIENCE: Duration = Duration::from_secs(15);
/// Live-reload streams the server keeps (`MAX_CLIENTS` in src/serve/reload.rs).
const MAX_CLIENTS: usize = 256;

/// The server process; killed when dropped, so a failing test leaves nothing running.
struct Serve {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    fn start(site: &TestSite) -> Serve {
        let mut child = common::kumppani()
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start kumppani serve");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while !line.contains("Preview at") {
            line.clear();
            assert!(stdout.read_line(&mut line).unwrap() > 0, "no URL printed");
        }
        // Keep reading its output so the server never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap();
        let port: u16 = url
            .strip_prefix("http://127.0.0.1:")
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        Serve {
            child,
            addr: ([127, 0, 0, 1], port).into(),
        }
    }

    /// A number field of `/proc/<pid>/status` (`VmRSS` in kB, `Threads`).
    fn status(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {field} in {status}"))
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream
    }

    /// Sends `head` (in slices with pauses when `slowly`) and returns the whole reply. Writes
    /// may fail once the server has answered; the reply is read all the same.
    fn send(&self, head: &[u8], slowly: bool) -> String {
        let mut stream = self.connect();
        for chunk in head.chunks(if slowly { 64 * 1024 } else { head.len() }) {
            if stream.write_all(chunk).is_err() {
                break;
            }
            if slowly {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        let mut reply = Vec::new();
        let _ = stream.read_to_end(&mut reply);
        String::from_utf8_lossy(&reply).into_owned()
    }

    fn get(&self, path: &str) -> String {
        self.send(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
            false,
        )
    }
}

/// A live-reload connection, or the refusal it got.
enum Tab {
    Open(TcpStream),
    Refused(String),
}

fn open_tab(server: &Serve) -> Tab {
    let mut stream = server.connect();
    stream
        .write_all(b"GET /jarjestot/__kumppani/events HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains("event: hello") {
        match stream.read(&mut buf) {
            Ok(0) => return Tab::Refused(seen),
            Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(e) => panic!("no answer to an event stream request: {e}; got {seen:?}"),
        }
    }
    Tab::Open(stream)
}

/// Reads a tab until `needle` arrives.
fn wait_for(stream: &mut TcpStream, needle: &str) {
    let start = Instant::now();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains(needle) {
        assert!(start.elapsed() < PATIENCE, "no `{needle}` in {seen:?}");
        match stream.read(&mut buf) {
            Ok(0) => panic!("event stream closed; got {seen:?}"),
            Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(e) => panic!("event stream failed: {e}; got {seen:?}"),
        }
    }
}

#[test]
fn oversized_heads_are_refused_without_growing_the_server() {
    let site = TestSite::fixture("serve");
    let server = Serve::start(&site);
    assert!(server.get("/jarjestot/").starts_with("HTTP/1.1 200 "));
    let rss_before = server.status("VmRSS");

    // Four clients each send a 1 MB header, slowly and at the same time.
    let big = {
        let mut head = b"GET /jarjestot/ HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
        head.resize(head.len() + 1024 * 1024, b'a');
        head.extend_from_slice(b"\r\n\r\n");
        head
    };
    let rss_peak = AtomicU64::new(rss_before);
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            let start = Instant::now();
            while !done.load(Ordering::SeqCst) && start.elapsed() < PATIENCE {
                rss_peak.fetch_max(server.status("VmRSS"), Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        let clients: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| server.send(&big, true)))
            .collect();
        for client in clients {
            let reply = client.join().unwrap();
            assert!(reply.starts_with("HTTP/1.1 431 "), "{reply:.200}");
            assert!(reply.contains("Connection: close"), "{reply:.200}");
        }
        done.store(true, Ordering::SeqCst);
        watcher.join().unwrap();
    });
    let grown_kb = rss_peak.load(Ordering::SeqCst) - rss_before;
    assert!(grown_kb < 50 * 1024, "the server grew by {grown_kb} kB");
    assert!(server.status("VmRSS") < rss_before + 50 * 1024);

    // A 10 KB request line.
    let long = format!(
        "GET /jarjestot/{} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(10_000)
    );
    let reply = server.send(long.as_bytes(), false);
    assert!(reply.starts_with("HTTP/1.1 414 "), "{reply:.200}");
    // Too many header lines.
    let many = format!(
        "GET /jarjestot/ HTTP/1.1\r\n{}\r\n",
        "X-A: b\r\n".repeat(150)
    );
    let reply = server.send(many.as_bytes(), false);
    assert!(reply.starts_with("HTTP/1.1 431 "), "{reply:.200}");
    // The server still answers.
    assert!(server.get("/jarjestot/").starts_with("HTTP/1.1 200 "));
}

#[test]
fn a_full_queue_is_answered_503_at_once() {
    let site = TestSite::fixture("serve");
    let server = Serve::start(&site);
    // Connections that never send a request hold the workers until the head deadline, and
    // then fill the queue; the rest are refused at once.
    let idle: Vec<TcpStream> = (0..200).map(|_| server.connect()).collect();
    let refused = {
        let start = Instant::now();
        loop {
            std::thread::sleep(Duration::from_millis(100));
            let refused: Vec<String> = idle
                .iter()
                .filter_map(|s| {
                    s.set_nonblocking(true).unwrap();
                    let mut buf = [0u8; 1024];
                    let reply = match (&*s).read(&mut buf) {
                        Ok(n) if n > 0 => Some(String::from_utf8_lossy(&buf[..n]).into_owned()),
                        _ => None,
                    };
                    s.set_nonblocking(false).unwrap();
                    reply
                })
                .collect();
            if refused.len() >= 200 - 8 - 128 || start.elapsed() > PATIENCE {
                break refused;
            }
        }
    };
    // 8 workers and a queue of 128 (src/serve/transport.rs).
    assert!(
        (200 - 8 - 128..=200 - 128).contains(&refused.len()),
        "{} refused",
        refused.len()
    );
    for reply in &refused {
        assert!(reply.starts_with("HTTP/1.1 503 "), "{reply}");
        assert!(reply.contains("Retry-After: 1"), "{reply}");
    }
    drop(idle);
    let start = Instant::now();
    while !server.get("/jarjestot/").starts_with("HTTP/1.1 200 ") {
        assert!(start.elapsed() < PATIENCE, "the server did not recover");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn live_reload_streams_share_a_thread_and_are_capped() {
    let site = TestSite::fixture("serve");
    let server = Serve::start(&site);
    let threads_before = server.status("Threads");

    let mut open = Vec::new();
    let mut refused = Vec::new();
    for _ in 0..300 {
        match open_tab(&server) {
            Tab::Open(stream) => open.push(stream),
            Tab::Refused(reply) => refused.push(reply),
        }
    }
    assert_eq!(open.len(), MAX_CLIENTS);
    assert_eq!(refused.len(), 300 - MAX_CLIENTS);
    for reply in &refused {
        assert!(reply.starts_with("HTTP/1.1 503 "), "{reply}");
        assert!(reply.contains("Retry-After: 1"), "{reply}");
        assert!(reply.contains("live-reload connections"), "{reply}");
    }
    let threads = server.status("Threads");
    assert!(
        threads < 40,
        "{threads} threads with {} streams open",
        open.len()
    );
    assert!(
        threads <= threads_before + 2,
        "{threads_before} → {threads}"
    );
    // Pages are served meanwhile.
    let page = server.get("/jarjestot/uutiset/");
    assert!(page.starts_with("HTTP/1.1 200 "), "{page:.200}");

    // Closed tabs free their places.
    open.truncate(MAX_CLIENTS - 10);
    let start = Instant::now();
    let mut reopened = 0;
    while reopened < 10 {
        assert!(
            start.elapsed() < PATIENCE,
            "closed streams were not dropped"
        );
        match open_tab(&server) {
            Tab::Open(stream) => {
                open.push(stream);
                reopened += 1;
            }
            Tab::Refused(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }

    // A save reloads the open tabs, the first and the newest alike.
    let page = site.path("content/uutiset/eka.md");
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(text.contains("Ensimmäisen uutisen teksti."));
    std::fs::write(
        &page,
        text.replace("Ensimmäisen uutisen teksti.", "Tallennettu."),
    )
    .unwrap();
    wait_for(&mut open[0], "event: reload");
    wait_for(open.last_mut().unwrap(), "event: reload");
    let page = server.get("/jarjestot/uutiset/eka/");
    assert!(page.contains("Tallennettu."), "{page:.300}");
}
