//! Benchmark (not a test): edit-to-reload latency of `kumppani serve`.
//!
//! Copies a site (default: the bundled hub) to a temporary folder, starts the preview server
//! in-process, holds a live-reload connection like a browser tab, then repeatedly saves one
//! page (write a temp file, rename over it) and measures the time until the `reload` event
//! arrives and until the new text is served.
//!
//! ```text
//! cargo run --release --example serve_latency [-- SITE_DIR [PAGE_UNDER_CONTENT] [ROUNDS]]
//! ```

use kumppani::serve::{ServeOptions, start};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[path = "../tests/support/copy_dir.rs"]
mod copy_dir;
use copy_dir::copy_dir;

fn get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let source = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let page_rel = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "uutiset/jarjestokirje-syksy.md".into());
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(20);

    let tmp = std::env::temp_dir().join(format!("kumppani-serve-bench-{}", std::process::id()));
    for part in ["config.toml", "content", "templates", "static", "themes"] {
        let from = source.join(part);
        if from.is_dir() {
            copy_dir(&from, &tmp.join(part));
        } else if from.is_file() {
            std::fs::create_dir_all(&tmp).unwrap();
            std::fs::copy(&from, tmp.join(part)).unwrap();
        }
    }
    let start_time = Instant::now();
    let server = start(ServeOptions {
        root: tmp.clone(),
        port: 0,
        next_free_port: false,
        ..ServeOptions::default()
    })
    .expect("server starts");
    println!(
        "site: {} ({} files served), first build {:.0} ms",
        source.display(),
        server.served_files().len(),
        start_time.elapsed().as_secs_f64() * 1000.0
    );
    let base = server.url();
    let base_path = &base[base.find("://").unwrap() + 3..];
    let base_path = &base_path[base_path.find('/').unwrap()..];
    // `a/b.md` is served at `a/b/`, a section's `a/_index.md` at `a/`.
    let page_url = match page_rel.strip_suffix("_index.md") {
        Some(dir) => format!("{base_path}{dir}"),
        None => format!("{base_path}{}/", page_rel.trim_end_matches(".md")),
    };

    let mut events = TcpStream::connect(server.addr()).unwrap();
    write!(
        events,
        "GET {base_path}__kumppani/events HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    .unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut buf = [0u8; 4096];
    let mut seen = String::new();
    while !seen.contains("event: hello") {
        let n = events.read(&mut buf).unwrap();
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }

    let page = tmp.join("content").join(&page_rel);
    let original = std::fs::read_to_string(&page).expect("page exists");
    let mut to_event = Vec::new();
    let mut to_served = Vec::new();
    let mut rebuild = Vec::new();
    for round in 0..rounds {
        // Each save meets an idle server, as a person's next save does: the previous edit's
        // background search refresh has finished.
        let idle = Instant::now();
        while server.search_refreshes() < round as u64 && idle.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(10));
        }
        let marker = format!("Mittausmerkki{round}");
        let text = format!("{original}\n\n{marker}\n");
        let tmp_file = page.with_file_name(".bench.tmp");
        let t0 = Instant::now();
        std::fs::write(&tmp_file, text).unwrap();
        std::fs::rename(&tmp_file, &page).unwrap();
        seen.clear();
        while !seen.contains("event: reload") {
            let n = events.read(&mut buf).unwrap();
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        to_event.push(t0.elapsed());
        while !get(server.addr(), &page_url).contains(&marker) {
            assert!(t0.elapsed() < Duration::from_secs(60), "page never updated");
        }
        to_served.push(t0.elapsed());
        if let Some(Ok(report)) = server.last_build() {
            rebuild.push(report.took);
            if round + 1 == rounds {
                println!("last rebuild ({:?}):", report.kind);
                for step in &report.timings.steps {
                    println!(
                        "  {:<28} {:>8.1} ms",
                        step.name,
                        step.took.as_secs_f64() * 1000.0
                    );
                }
            }
        }
    }
    let stats = |name: &str, v: &mut Vec<Duration>| {
        v.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{name:<32} median {:7.1} ms   min {:7.1} ms   max {:7.1} ms   (n={})",
            ms(v[v.len() / 2]),
            ms(v[0]),
            ms(v[v.len() - 1]),
            v.len()
        );
    };
    stats("save -> reload event", &mut to_event);
    stats("save -> new page served", &mut to_served);
    stats("rebuild (update+render+merge)", &mut rebuild);
    server.shutdown();
    let _ = std::fs::remove_dir_all(&tmp);
}
