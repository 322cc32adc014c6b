//! `kumppani serve`: the preview server.
//!
//! The site is built for the server's own address (`http://127.0.0.1:PORT` plus the configured
//! sub-path, so a site under `/jarjestot/` previews exactly as deployed) into a private
//! temporary folder, read into memory and served from there; `public/` is never touched. A
//! watcher rebuilds on every save (only the changed pages and what lists them when just
//! Markdown changed), and open pages reload through Server-Sent Events. A failed rebuild keeps
//! the last good site and lays the error over every page until the next good build.
//!
//! Threads: one accepts connections into a bounded queue, a fixed pool of workers reads each
//! request and answers it from the in-memory snapshot ([`transport`] bounds what a client can
//! make it spend), one broadcaster holds every live-reload stream so open tabs never take
//! workers or threads, and one builder thread watches and rebuilds.

mod error_page;
pub mod http;
pub mod plan;
pub mod rebuild;
mod reload;
mod transport;
pub mod watch;

use crate::content::LoadOptions;
use crate::diagnostics::{Diagnostic, Error, Result};
use rebuild::{Files, RebuildKind, RebuildReport, Rebuilder, SearchRefresh};
use reload::Reloader;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

/// Request workers. Requests are answered from memory, so a few threads keep up with many
/// connections; a bounded queue holds the rest.
const WORKERS: usize = 8;

/// How many ports after a busy one are tried when `next_free_port` is set.
const PORT_TRIES: u16 = 20;

/// What `kumppani serve` was asked to do.
#[derive(Clone)]
pub struct ServeOptions {
    /// The site's folder (holds `config.toml`).
    pub root: PathBuf,
    /// The address to listen on (127.0.0.1 unless asked otherwise).
    pub interface: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// If the port is busy, try the next ones instead of failing.
    pub next_free_port: bool,
    /// Include drafts.
    pub drafts: bool,
    /// The date to build as of; `None` reads it with [`crate::clock::today`] at start.
    pub today: Option<chrono::NaiveDate>,
    /// Told about every rebuild (the command line prints them).
    pub on_event: Option<Logger>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            root: PathBuf::from("."),
            interface: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            next_free_port: true,
            drafts: false,
            today: None,
            on_event: None,
        }
    }
}

/// Receives rebuild events.
pub type Logger = Arc<dyn Fn(&ServeEvent) + Send + Sync>;

/// Something the server did that its user should hear about.
#[derive(Debug, Clone)]
pub enum ServeEvent {
    /// A (re)build succeeded; browsers were told to reload unless nothing changed.
    Built(RebuildReport),
    /// A (re)build failed; the last good site stays served with the error over it.
    Failed(Error),
    /// The search index was brought up to date after an incremental rebuild, in this time.
    SearchRefreshed(Duration),
}

/// What is served right now: the last good files and, after a failed rebuild, the error.
pub struct Snapshot {
    /// The last good build's files (`None` before the first good build).
    pub files: Option<Arc<Files>>,
    /// The site's base path (`/jarjestot/`).
    pub base_path: String,
    /// Error overlay HTML, put on every HTML page while the last rebuild failed.
    pub error: Option<String>,
    /// A whole error page, when there is no good build to lay the overlay on.
    pub error_page: Option<String>,
}

struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    reloader: Arc<Reloader>,
    stop: AtomicBool,
    status: Mutex<Status>,
}

#[derive(Default)]
struct Status {
    builds: u64,
    search_refreshes: u64,
    last: Option<std::result::Result<RebuildReport, Error>>,
}

/// A running preview server; stops when dropped or on [`Server::shutdown`].
pub struct Server {
    addr: SocketAddr,
    requested_port: u16,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl Server {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port asked for, when it was busy and another one was taken.
    pub fn busy_port(&self) -> Option<u16> {
        (self.requested_port != 0 && self.requested_port != self.addr.port())
            .then_some(self.requested_port)
    }

    /// The address of the site's home page, with the base path (`http://127.0.0.1:1111/jarjestot/`).
    pub fn url(&self) -> String {
        let snapshot = self.shared.snapshot.read().expect("snapshot lock").clone();
        format!("{}{}", origin(self.addr), snapshot.base_path)
    }

    /// How many (re)builds have finished, good or failed.
    pub fn builds(&self) -> u64 {
        self.shared.status.lock().expect("status lock").builds
    }

    /// How many background search index refreshes were served.
    pub fn search_refreshes(&self) -> u64 {
        self.shared
            .status
            .lock()
            .expect("status lock")
            .search_refreshes
    }

    /// The outcome of the last (re)build.
    pub fn last_build(&self) -> Option<std::result::Result<RebuildReport, Error>> {
        self.shared.status.lock().expect("status lock").last.clone()
    }

    /// Site-relative paths of every file served, sorted.
    pub fn served_files(&self) -> Vec<String> {
        let snapshot = self.shared.snapshot.read().expect("snapshot lock").clone();
        let mut keys: Vec<String> = snapshot
            .files
            .as_ref()
            .map(|f| f.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        keys
    }

    /// Stops watching and serving, ends live-reload streams, and waits for the threads.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.reloader.close();
        transport::wake(wake_addr(self.addr));
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `http://ip:port`, with a loopback address when listening on all interfaces.
fn origin(addr: SocketAddr) -> String {
    format!("http://{}", wake_addr(addr))
}

/// An address this machine reaches the server on: loopback for an unspecified address.
fn wake_addr(addr: SocketAddr) -> SocketAddr {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port())
}

fn bind(options: &ServeOptions) -> Result<TcpListener> {
    let tries = if options.next_free_port && options.port != 0 {
        PORT_TRIES
    } else {
        1
    };
    let mut last_err = None;
    for offset in 0..tries {
        let Some(port) = options.port.checked_add(offset) else {
            break;
        };
        match TcpListener::bind((options.interface, port)) {
            Ok(listener) => return Ok(listener),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last_err = Some(e),
            Err(e) => return Err(bind_error(options, &e, "could not listen on").into()),
        }
    }
    let e = last_err.unwrap_or_else(|| std::io::Error::from(std::io::ErrorKind::AddrInUse));
    let what = if tries > 1 {
        format!(
            "ports {} to {} are all in use",
            options.port,
            options.port.saturating_add(tries - 1)
        )
    } else {
        format!("port {} is in use", options.port)
    };
    Err(bind_error(options, &e, &what).into())
}

fn bind_error(options: &ServeOptions, e: &std::io::Error, what: &str) -> Diagnostic {
    Diagnostic::usage(format!(
        "{what} {}:{} ({e})",
        options.interface, options.port
    ))
    .with_hint("choose another port with --port, e.g. --port 8080, or stop the program using it")
}

/// Builds the site and starts serving and watching it. Returns once the first build finished
/// (a failed first build is served as an error page and retried on the next save).
pub fn start(options: ServeOptions) -> Result<Server> {
    let root = options.root.canonicalize().map_err(|e| {
        Diagnostic::io(&options.root, "open the site folder", &e)
            .with_hint("run the command in the site's folder or pass --root DIR")
    })?;
    if !root.join("config.toml").is_file() {
        return Err(
            Diagnostic::usage(format!("no config.toml in {}", root.display()))
                .with_hint("run the command in the site's folder or pass --root DIR")
                .into(),
        );
    }
    let listener = bind(&options)?;
    let addr = listener
        .local_addr()
        .map_err(|e| Diagnostic::io(&root, "read the server address", &e))?;
    // Watch before the first build, so a save during it is not missed.
    let mut watch = watch::Watch::new(&root).map_err(|e| {
        Diagnostic::usage(format!(
            "could not watch {} for changes: {e}",
            root.display()
        ))
    })?;
    let shared = Arc::new(Shared {
        snapshot: RwLock::new(Arc::new(Snapshot {
            files: None,
            base_path: "/".into(),
            error: None,
            error_page: None,
        })),
        reloader: Arc::new(Reloader::new()),
        stop: AtomicBool::new(false),
        status: Mutex::new(Status::default()),
    });
    let wake = Arc::new(AtomicBool::new(false));
    let load = LoadOptions {
        drafts: options.drafts,
        today: options.today.map_or_else(crate::clock::today, Ok)?,
    };
    let mut rebuilder = Rebuilder::new(&root, load, &origin(addr), wake.clone());
    let log = options.on_event.clone();
    let first = watch::Batch {
        change: watch::Change::Full,
        files: Default::default(),
    };
    rebuild(&mut rebuilder, &first, &root, &shared, log.as_ref());
    let mut threads = transport::start(listener, &shared, WORKERS);
    let builder_shared = shared.clone();
    threads.push(std::thread::spawn(move || {
        while let Some(next) = watch.next(&builder_shared.stop, &wake) {
            match next {
                watch::Next::Changed(batch) => {
                    rebuild(&mut rebuilder, &batch, &root, &builder_shared, log.as_ref());
                }
                watch::Next::Woken => {
                    if let Some(refresh) = rebuilder.take_search() {
                        publish_search(&builder_shared, refresh, log.as_ref());
                    }
                }
            }
        }
    }));
    Ok(Server {
        addr,
        requested_port: options.port,
        shared,
        threads,
    })
}

/// Serves a refreshed search index: the files change, an error shown stays, and browsers are
/// not reloaded (a search page fetches the new index on its next query).
fn publish_search(shared: &Shared, refresh: SearchRefresh, log: Option<&Logger>) {
    {
        let mut snapshot = shared.snapshot.write().expect("snapshot lock");
        let now = Snapshot {
            files: Some(refresh.files),
            base_path: snapshot.base_path.clone(),
            error: snapshot.error.clone(),
            error_page: snapshot.error_page.clone(),
        };
        *snapshot = Arc::new(now);
    }
    shared.status.lock().expect("status lock").search_refreshes += 1;
    if let Some(log) = log {
        log(&ServeEvent::SearchRefreshed(refresh.took));
    }
}

/// Runs one rebuild and publishes its outcome: new files, or the error over the old ones.
fn rebuild(
    rebuilder: &mut Rebuilder,
    batch: &watch::Batch,
    root: &Path,
    shared: &Shared,
    log: Option<&Logger>,
) {
    let outcome = rebuilder.rebuild(batch);
    let had_error = shared
        .snapshot
        .read()
        .expect("snapshot lock")
        .error
        .is_some();
    let base_path = rebuilder.base_path();
    let publish = match &outcome {
        Ok(report) if report.kind == RebuildKind::Unchanged && !had_error => None,
        Ok(_) => Some(Snapshot {
            files: rebuilder.files(),
            base_path,
            error: None,
            error_page: None,
        }),
        Err(err) => {
            let overlay = error_page::overlay(root, err);
            let files = rebuilder.files();
            let error_page = files.is_none().then(|| {
                let script = format!("{base_path}__kumppani/livereload.js");
                error_page::page(root, &overlay, &script)
            });
            Some(Snapshot {
                files,
                base_path,
                error: Some(overlay),
                error_page,
            })
        }
    };
    {
        let mut status = shared.status.lock().expect("status lock");
        status.builds += 1;
        status.last = Some(outcome.clone());
    }
    if let Some(snapshot) = publish {
        *shared.snapshot.write().expect("snapshot lock") = Arc::new(snapshot);
        shared.reloader.notify();
    }
    if let Some(log) = log {
        log(&match outcome {
            Ok(report) => ServeEvent::Built(report),
            Err(err) => ServeEvent::Failed(err),
        });
    }
}
