//! Shared helpers for integration tests: copy a fixture site into a temp dir, run the real
//! binary on it, and read what it wrote.
#![allow(dead_code)]

#[path = "../support/copy_dir.rs"]
mod copy;
pub mod index;

pub use copy::copy_dir;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `kumppani` binary under test, as a command to add arguments to. `KUMPPANI_TEST_BIN`
/// runs the same tests against another build (to see them fail on a version without a fix).
pub fn kumppani() -> Command {
    Command::new(
        std::env::var("KUMPPANI_TEST_BIN").unwrap_or(env!("CARGO_BIN_EXE_kumppani").into()),
    )
}

/// Runs `kumppani build` plus extra args on the site in `root` and asserts success.
pub fn build_site(root: &Path, args: &[&str]) -> Output {
    let out = kumppani()
        .arg("build")
        .args(args)
        .current_dir(root)
        .output()
        .expect("run kumppani");
    assert!(
        out.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `tests/fixtures/<name>` in the source tree.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A fixture site copied into a fresh temporary folder, so tests can edit it freely.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    /// Copies `tests/fixtures/<name>` into a temp dir.
    pub fn fixture(name: &str) -> TestSite {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&fixture(name), dir.path());
        TestSite { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes (or replaces) a file of the site.
    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Runs `kumppani <args>` with the site as the working directory.
    pub fn run(&self, args: &[&str]) -> Output {
        kumppani()
            .args(args)
            .current_dir(self.root())
            .output()
            .expect("run kumppani")
    }

    /// Runs `kumppani build` plus extra args and asserts success.
    pub fn build(&self, args: &[&str]) -> Output {
        build_site(self.root(), args)
    }

    /// Reads a file of the build output (`public/` by default).
    pub fn read(&self, rel: &str) -> String {
        let p = self.path("public").join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path("public").join(rel).exists()
    }
}

/// Every file under a folder with its bytes, for byte-for-byte comparisons.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// All HTML files under a folder, relative paths.
pub fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    v.sort();
    v
}

/// Values of an attribute (`href`, `src`) in an HTML text, in order.
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

/// Runs the browser's search engine of a built site (`search.js` under node, through
/// `tests/search_eval.mjs`) on a JSON request; returns its JSON answer.
pub fn node_eval(site: &Path, request: &serde_json::Value) -> serde_json::Value {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new("node")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search_eval.mjs"))
        .arg(site)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node must be installed to run the search tests (apt-get install nodejs)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "search_eval.mjs failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON from search_eval.mjs")
}
