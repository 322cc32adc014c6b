//! The `kumppani` command line: parses arguments, calls the library, prints the result and picks
//! the exit code (0 ok, 1 problems in the site's files, 2 usage or I/O errors).

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use kumppani::diagnostics::Error;
use std::path::PathBuf;
use std::process::ExitCode;

// glibc's allocator spends a third of a 100,000-page build searching its free lists and
// returning memory piecemeal; mimalloc keeps per-thread heaps and is several times faster here.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod serve_cli;

/// Builds the association and volunteer hub website from Markdown files.
///
/// Typical day: edit a file in content/, look at the preview in the browser (`kumppani serve`),
/// then publish with `kumppani build` and copy the public/ folder to the web server.
#[derive(Parser)]
#[command(name = "kumppani", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the website into public/ (the old public/ is kept if anything fails)
    Build(BuildArgs),
    /// Check the site for broken links, missing texts and outdated information (writes nothing)
    #[command(
        after_help = "Exit codes: 0 no problems (or only warnings, without --strict), 1 problems found, 2 usage or I/O error.\nKUMPPANI_TODAY=YYYY-MM-DD sets the date the freshness checks compare with."
    )]
    Check(CheckArgs),
    /// Preview the site in the browser; it updates by itself when you save a file
    Serve(ServeArgs),
    /// Create a new, minimal site in a new folder
    Init {
        /// The folder to create
        dir: PathBuf,
    },
    /// Create a new content file from a commented template
    #[command(subcommand)]
    New(NewCommand),
}

#[derive(Subcommand)]
enum NewCommand {
    /// A new organisation profile in the directory, e.g. new organisation "Esimerkkiyhdistys ry"
    Organisation {
        /// The organisation's name; the file name is made from it
        name: String,
        /// The site's folder, the one with config.toml
        #[arg(long, short, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(clap::Args)]
struct BuildArgs {
    /// The site's folder, the one with config.toml
    #[arg(long, short, default_value = ".")]
    root: PathBuf,
    /// Where to write the website (default: public/ in the site's folder). It must be a new or
    /// empty folder or one an earlier build wrote
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Replace the output even if it is a file or a folder kumppani did not write (its contents
    /// are lost)
    #[arg(long)]
    force: bool,
    /// Public address to build for, overriding base_url in config.toml
    #[arg(long, short = 'u', value_name = "URL")]
    base_url: Option<String>,
    /// Also publish pages marked draft = true
    #[arg(long)]
    drafts: bool,
    /// Print how long each step took
    #[arg(long, short)]
    verbose: bool,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The site's folder, the one with config.toml
    #[arg(long, short, default_value = ".")]
    root: PathBuf,
    /// How to print the findings
    #[arg(long, value_enum, default_value = "human")]
    format: CheckFormat,
    /// Also fail (exit code 1) when only warnings are found
    #[arg(long)]
    strict: bool,
    /// Also check links to other websites (needs the network; results are cached for a day)
    #[arg(long)]
    external: bool,
    /// Also check pages marked draft = true
    #[arg(long)]
    drafts: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CheckFormat {
    Human,
    Json,
}

fn check(args: CheckArgs, today: NaiveDate) -> ExitCode {
    let report = kumppani::check::run(&kumppani::check::CheckOptions {
        root: args.root,
        drafts: args.drafts,
        external: args.external,
        today,
    });
    match args.format {
        CheckFormat::Human => println!("{}", kumppani::check::report::human(&report)),
        CheckFormat::Json => println!("{:#}", kumppani::check::report::json(&report)),
    }
    ExitCode::from(report.exit_code(args.strict))
}

#[derive(clap::Args)]
pub(crate) struct ServeArgs {
    /// The site's folder, the one with config.toml
    #[arg(long, short, default_value = ".")]
    root: PathBuf,
    /// Network address to listen on; other than 127.0.0.1 makes the preview visible to others
    #[arg(long, short, default_value = "127.0.0.1")]
    interface: std::net::IpAddr,
    /// Port to listen on (the next free one is used if it is taken)
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// Also show pages marked draft = true
    #[arg(long)]
    drafts: bool,
    /// Open the preview in the web browser
    #[arg(long)]
    open: bool,
}

fn fail(err: &Error) -> ExitCode {
    eprintln!("{}", err.render());
    ExitCode::from(err.exit_code() as u8)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // One date for the whole run, whatever the command; a malformed KUMPPANI_TODAY stops here.
    let today = match kumppani::clock::today() {
        Ok(d) => d,
        Err(err) => return fail(&err),
    };
    match cli.command {
        Command::Build(args) => {
            let options = kumppani::BuildOptions {
                root: args.root,
                output: args.output,
                base_url: args.base_url,
                drafts: args.drafts,
                serve_mode: false,
                force: args.force,
                today: Some(today),
            };
            match kumppani::build(&options) {
                Ok(report) => {
                    for w in &report.warnings {
                        eprintln!("{w}");
                    }
                    if args.verbose {
                        for step in &report.timings.steps {
                            let peak = step.peak_rss.map_or(String::new(), |b| {
                                format!("  peak {:>6} MB", b / 1_000_000)
                            });
                            let files = step.files.map_or(String::new(), |n| {
                                format!("  {n:>7} {}", if n == 1 { "file" } else { "files" })
                            });
                            eprintln!(
                                "  {:<28} {:>8.1} ms{peak}{files}",
                                step.name,
                                step.took.as_secs_f64() * 1000.0
                            );
                        }
                    }
                    let total = report.took.as_secs_f64();
                    println!(
                        "Built {} pages into {} in {:.2} s",
                        report.pages,
                        report.output.display(),
                        total
                    );
                    ExitCode::SUCCESS
                }
                Err(err) => fail(&err),
            }
        }
        Command::Check(args) => check(args, today),
        Command::Serve(args) => serve_cli::run(args, today),
        Command::Init { dir } => match kumppani::init::init(&dir) {
            Ok(()) => {
                println!(
                    "Created a new site in {}. Next: cd {} && kumppani build",
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(err) => fail(&err),
        },
        Command::New(NewCommand::Organisation { name, root }) => {
            match kumppani::new_organisation::new_organisation(&root, &name, today) {
                Ok(path) => {
                    println!("Created {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(err) => fail(&err),
            }
        }
    }
}
