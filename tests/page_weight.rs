//! Reader-side weight: what a phone on a slow connection downloads for each page of the hub.
//!
//! Builds the bundled Ylöjärvi hub and the `images` fixture and checks every HTML page: its HTML
//! plus the CSS and JavaScript it references stay within 30 KB gzipped (images excluded), pages
//! without interactive features load no JavaScript, the stylesheet is one fingerprinted
//! `style.<hash>.css` (cacheable forever), no web fonts, and every `<img>` has width, height and
//! `loading="lazy"`.

use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::{Path, PathBuf};

const BUDGET: usize = 30 * 1024;

/// Markers of pages whose features need a script (the search page's result list).
const INTERACTIVE_MARKERS: &[&str] = &["id=\"search-results\"", "id=\"directory-filter\""];

fn gzip_len(bytes: &[u8]) -> usize {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap().len()
}

fn build(root: &Path) -> (tempfile::TempDir, PathBuf, String) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let options = kumppani::BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.clone()),
        ..Default::default()
    };
    if let Err(e) = kumppani::build(&options) {
        panic!("build of {} failed:\n{}", root.display(), e.render());
    }
    let config = kumppani::config::Config::load(root).unwrap();
    (tmp, out, config.base_path().to_string())
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    files.sort();
    files
}

/// Values of `attr` in every tag that starts with `tag_start` (`<script`, `<link`).
fn tags<'a>(html: &'a str, tag_start: &str) -> Vec<&'a str> {
    html.match_indices(tag_start)
        .filter_map(|(i, _)| html[i..].find('>').map(|end| &html[i..i + end + 1]))
        .collect()
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// The output file a root-relative URL with the site's base path points to.
fn local_file(out: &Path, base_path: &str, url: &str) -> PathBuf {
    // A cache-busting query (`search.js?v=…`) is not part of the file name.
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let rel = url
        .strip_prefix(base_path)
        .unwrap_or_else(|| panic!("{url} is not under the base path {base_path}"));
    out.join(rel)
}

fn is_script(tag: &str) -> bool {
    // JSON-LD and other data blocks are not JavaScript.
    attr(tag, "type").is_none_or(|t| t == "module" || t.contains("javascript"))
}

struct PageCheck {
    problems: Vec<String>,
    pages: usize,
    heaviest: (usize, String),
}

fn check_site(root: &Path) -> PageCheck {
    let (_tmp, out, base_path) = build(root);
    let mut check = PageCheck {
        problems: Vec::new(),
        pages: 0,
        heaviest: (0, String::new()),
    };
    for file in html_files(&out) {
        let name = file.strip_prefix(&out).unwrap().display().to_string();
        let html = std::fs::read_to_string(&file).unwrap();
        check.pages += 1;
        let mut total = gzip_len(html.as_bytes());
        let redirect = html.contains("http-equiv=\"refresh\"");
        let styles: Vec<&str> = tags(&html, "<link")
            .into_iter()
            .filter(|t| attr(t, "rel") == Some("stylesheet"))
            .filter_map(|t| attr(t, "href"))
            .collect();
        if !redirect && styles.len() != 1 {
            check
                .problems
                .push(format!("{name}: {} stylesheets, expected 1", styles.len()));
        }
        for href in styles {
            let css = local_file(&out, &base_path, href);
            let file_name = css.file_name().unwrap().to_string_lossy().into_owned();
            let hash = file_name
                .strip_prefix("style.")
                .and_then(|s| s.strip_suffix(".css"));
            if !hash.is_some_and(|h| h.len() >= 8 && h.chars().all(|c| c.is_ascii_hexdigit())) {
                check
                    .problems
                    .push(format!("{name}: stylesheet {href} is not style.<hash>.css"));
            }
            let bytes = std::fs::read(&css).unwrap_or_else(|_| panic!("{name}: missing {href}"));
            if String::from_utf8_lossy(&bytes).contains("@font-face") {
                check
                    .problems
                    .push(format!("{name}: {href} loads web fonts"));
            }
            total += gzip_len(&bytes);
        }
        let scripts: Vec<&str> = tags(&html, "<script")
            .into_iter()
            .filter(|t| is_script(t))
            .collect();
        let interactive = INTERACTIVE_MARKERS.iter().any(|m| html.contains(m));
        if !scripts.is_empty() && !interactive {
            check.problems.push(format!(
                "{name}: loads JavaScript but has no interactive feature: {scripts:?}"
            ));
        }
        for src in scripts.iter().filter_map(|t| attr(t, "src")) {
            let js = local_file(&out, &base_path, src);
            total +=
                gzip_len(&std::fs::read(&js).unwrap_or_else(|_| panic!("{name}: missing {src}")));
        }
        if total > BUDGET {
            check.problems.push(format!(
                "{name}: {total} bytes gzipped with its CSS and JS, budget {BUDGET}"
            ));
        }
        if total > check.heaviest.0 {
            check.heaviest = (total, name.clone());
        }
        for img in tags(&html, "<img") {
            for needed in ["width", "height"] {
                if attr(img, needed).is_none_or(|v| v.parse::<u32>().is_err()) {
                    check
                        .problems
                        .push(format!("{name}: {img} has no numeric {needed}"));
                }
            }
            if attr(img, "loading") != Some("lazy") {
                check
                    .problems
                    .push(format!("{name}: {img} is not loading=\"lazy\""));
            }
        }
    }
    let root_files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let css: Vec<&String> = root_files.iter().filter(|f| f.ends_with(".css")).collect();
    if css.len() != 1 || css[0] == "style.css" {
        check.problems.push(format!(
            "expected one fingerprinted stylesheet, found {css:?}"
        ));
    }
    let fonts = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name().to_string_lossy();
            [".woff", ".woff2", ".ttf", ".otf"]
                .iter()
                .any(|x| n.ends_with(x))
        })
        .count();
    if fonts > 0 {
        check.problems.push(format!(
            "{fonts} font files in the output: use system fonts"
        ));
    }
    check
}

#[test]
fn every_hub_page_fits_the_weight_budget_without_needless_javascript() {
    let check = check_site(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(check.pages > 40, "only {} pages built", check.pages);
    assert!(check.problems.is_empty(), "{}", check.problems.join("\n"));
    eprintln!(
        "heaviest page: {} ({} bytes gzipped)",
        check.heaviest.1, check.heaviest.0
    );
}

#[test]
fn images_get_their_dimensions_and_load_lazily() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/images");
    let check = check_site(&root);
    assert!(check.problems.is_empty(), "{}", check.problems.join("\n"));
    let (_tmp, out, _) = build(&root);
    let page = std::fs::read_to_string(out.join("uutiset/talkoot/index.html")).unwrap();
    assert!(
        page.contains(
            "<img src=\"/kuvat/uutiset/talkoot.png\" alt=\"Talkooväki haravoi puistossa\" title=\"Kevättalkoot\" width=\"8\" height=\"6\" loading=\"lazy\""
        ),
        "{page}"
    );
    assert!(page.contains("src=\"/kuvat/logo.png\" alt=\"Logo\" width=\"5\" height=\"4\""));
}

#[test]
fn the_checks_catch_a_heavy_page_and_an_image_without_dimensions() {
    // The checks themselves must be able to fail: a site with a 200 KB incompressible page and
    // a remote image (whose size cannot be known) is reported.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(
        root.join("config.toml"),
        "title = \"Raskas\"\nbase_url = \"https://example.fi/\"\nlanguage = \"fi\"\n",
    )
    .unwrap();
    let mut noise = String::new();
    let mut x: u64 = 1;
    for _ in 0..40_000 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        noise.push(char::from(b'a' + (x >> 59) as u8 % 26));
        if x % 7 == 0 {
            noise.push(' ');
        }
    }
    std::fs::write(
        root.join("content/_index.md"),
        format!("+++\ntitle = \"Raskas\"\n+++\n\n![x](https://example.fi/x.png)\n\n{noise}\n"),
    )
    .unwrap();
    let check = check_site(root);
    let all = check.problems.join("\n");
    assert!(all.contains("budget"), "{all}");
    assert!(all.contains("no numeric width"), "{all}");
}
