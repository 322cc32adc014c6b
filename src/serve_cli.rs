//! `kumppani serve` on the command line: starts the preview server, prints what it does, opens
//! the browser if asked, and stops cleanly on Ctrl-C.

use crate::{ServeArgs, fail};
use kumppani::serve::rebuild::RebuildKind;
use kumppani::serve::{ServeEvent, ServeOptions, start};
use std::process::ExitCode;
use std::sync::Arc;

/// Runs the server until Ctrl-C.
pub(crate) fn run(args: ServeArgs, today: chrono::NaiveDate) -> ExitCode {
    // Ctrl-C must reach the main thread so the server can end its streams and threads and drop
    // its private build folder instead of being killed midway through a rebuild.
    // A second Ctrl-C leaves at once, without waiting for a long rebuild to finish.
    let (stop_tx, stop_rx) = std::sync::mpsc::channel();
    let pressed = std::sync::atomic::AtomicBool::new(false);
    if let Err(e) = ctrlc::set_handler(move || {
        if pressed.swap(true, std::sync::atomic::Ordering::SeqCst) {
            std::process::exit(130);
        }
        let _ = stop_tx.send(());
    }) {
        eprintln!("warning: Ctrl-C will not stop the server cleanly: {e}");
    }
    let options = ServeOptions {
        root: args.root,
        interface: args.interface,
        port: args.port,
        next_free_port: true,
        drafts: args.drafts,
        today: Some(today),
        on_event: Some(Arc::new(print_event)),
    };
    let server = match start(options) {
        Ok(server) => server,
        Err(err) => return fail(&err),
    };
    if let Some(busy) = server.busy_port() {
        println!(
            "Port {busy} is in use; using port {} instead.",
            server.addr().port()
        );
    }
    if !server.addr().ip().is_loopback() {
        println!(
            "Note: listening on {}, so other computers on the network can see the preview.",
            server.addr().ip()
        );
    }
    let url = server.url();
    println!("Preview at {url}  (stop with Ctrl-C)");
    if args.open {
        open_browser(&url);
    }
    let _ = stop_rx.recv();
    println!("Stopping the preview server.");
    server.shutdown();
    ExitCode::SUCCESS
}

fn print_event(event: &ServeEvent) {
    match event {
        ServeEvent::Built(report) => {
            for w in &report.warnings {
                eprintln!("{w}");
            }
            let ms = report.took.as_secs_f64() * 1000.0;
            match report.kind {
                RebuildKind::Full => {
                    let why = report.reason.map_or(String::new(), |r| format!(" ({r})"));
                    println!("Built {} pages in {ms:.0} ms{why}", report.pages);
                }
                RebuildKind::Partial => println!(
                    "Updated {} files in {ms:.0} ms",
                    report
                        .written
                        .iter()
                        .filter(|f| f.ends_with(".html"))
                        .count()
                ),
                RebuildKind::Unchanged => {}
            }
        }
        ServeEvent::Failed(err) => {
            eprintln!("{}", err.render());
            eprintln!("The browser shows this error; the last good version stays served.");
        }
        ServeEvent::SearchRefreshed(took) => {
            println!(
                "Search index updated in {:.0} ms",
                took.as_secs_f64() * 1000.0
            );
        }
    }
}

fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(command)
        .arg(url)
        .spawn()
        .is_err()
    {
        eprintln!("Could not open a browser; open {url} yourself.");
    }
}
