//! Same input, same bytes, whatever the thread count: the parallel pipeline must not leak
//! scheduling order into the output. Builds the bundled hub and the `images` fixture with the
//! `kumppani` binary under RAYON_NUM_THREADS=1 and =2 and compares every output file.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

fn build_with_threads(root: &Path, threads: usize) -> BTreeMap<String, Vec<u8>> {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let status = common::kumppani()
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&out)
        .env("RAYON_NUM_THREADS", threads.to_string())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    walkdir::WalkDir::new(&out)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&out).unwrap().display().to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn assert_same_bytes(root: &Path) {
    let one = build_with_threads(root, 1);
    let two = build_with_threads(root, 2);
    assert!(one.len() > 5, "too few files: {:?}", one.keys());
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        two.keys().collect::<Vec<_>>(),
        "different file sets"
    );
    let differing: Vec<&String> = one
        .iter()
        .filter(|(name, bytes)| two[*name] != **bytes)
        .map(|(name, _)| name)
        .collect();
    assert!(
        differing.is_empty(),
        "files differ by thread count: {differing:?}"
    );
}

#[test]
fn hub_output_is_identical_with_one_and_two_threads() {
    assert_same_bytes(Path::new(env!("CARGO_MANIFEST_DIR")));
}

#[test]
fn fixture_output_is_identical_with_one_and_two_threads() {
    assert_same_bytes(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/images"));
}
