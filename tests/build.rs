//! `kumppani build` on fixture sites: every feature of the pipeline asserted on the real output.

mod common;

use common::{TestSite, attr_values, html_files};
use std::collections::HashSet;
use std::path::Path;

fn built(args: &[&str]) -> TestSite {
    let site = TestSite::fixture("all-templates");
    site.build(args);
    site
}

#[test]
fn pages_get_pretty_urls_and_sections_nest() {
    let site = built(&[]);
    for file in [
        "index.html",
        "tietoa/index.html",
        "ohjeet/index.html",
        "ohjeet/pitka-ohje/index.html",
        "ohjeet/syvempi/index.html",
        "ohjeet/syvempi/oma-osoite/index.html",
        "ajankohtaista/uusi-uutinen/index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "kuvat/logo.png",
    ] {
        assert!(site.exists(file), "missing {file}");
    }
    let home = site.read("index.html");
    assert!(home.contains("<html lang=\"fi\">"));
    assert!(home.contains("<title>Testikunnan järjestöt</title>"));
}

/// Asserts every link, image and form target in the output stays under `/jarjestot/` (or
/// `https://example.fi/jarjestot/`) and resolves to a file; returns how many were checked.
fn assert_links_resolve(public: &Path) -> usize {
    let mut checked = 0;
    for file in html_files(public) {
        let html = std::fs::read_to_string(public.join(&file)).unwrap();
        let urls = attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
            .chain(attr_values(&html, "action"));
        for url in urls {
            if !url.starts_with('/') {
                let outside = url.starts_with("https://example.fi/")
                    && !url.starts_with("https://example.fi/jarjestot/");
                assert!(!outside, "{url} in {} leaves the sub-path", file.display());
                continue;
            }
            assert!(
                url.starts_with("/jarjestot/"),
                "root-relative link outside /jarjestot/: {url} in {}",
                file.display()
            );
            let path = url
                .trim_start_matches("/jarjestot/")
                .split(['#', '?'])
                .next()
                .unwrap();
            let target = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.to_string()
            };
            assert!(
                public.join(&target).is_file(),
                "{url} in {} does not resolve to a file",
                file.display()
            );
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_internal_link_resolves_under_a_sub_path() {
    let site = built(&["--base-url", "https://example.fi/jarjestot/"]);
    let checked = assert_links_resolve(&site.path("public"));
    assert!(checked > 50, "only {checked} links checked");
}

#[test]
fn markdown_links_resolve_with_anchors_and_base_path() {
    let site = built(&[]);
    let about = site.read("tietoa/index.html");
    assert!(
        about.contains("href=\"/jarjestot/ohjeet/pitka-ohje/#toinen-luku\""),
        "{about}"
    );
    assert!(
        about.contains("href=\"/jarjestot/ohjeet/\""),
        "root-relative Markdown link gets the base path"
    );
    let long = site.read("ohjeet/pitka-ohje/index.html");
    assert!(
        long.contains("<a href=\"https://www.lahella.fi/\" class=\"external\" rel=\"noopener\">")
    );
    assert!(long.contains("src=\"/jarjestot/kuvat/logo.png\" alt=\"Kunnan logo\""));
}

#[test]
fn headings_get_ids_and_a_table_of_contents() {
    let site = built(&[]);
    let long = site.read("ohjeet/pitka-ohje/index.html");
    for id in [
        "ensimmainen-luku",
        "alaluku",
        "toinen-luku",
        "toinen-luku-1",
    ] {
        assert!(
            long.contains(&format!("id=\"{id}\"")),
            "missing heading id {id}"
        );
    }
    let toc_start = long
        .find("class=\"toc\"")
        .expect("table of contents rendered");
    let toc = &long[toc_start..long[toc_start..].find("</nav>").unwrap() + toc_start];
    let order: Vec<usize> = [
        "#ensimmainen-luku",
        "#alaluku",
        "#toinen-luku\"",
        "#toinen-luku-1",
    ]
    .iter()
    .map(|a| toc.find(a).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "toc order {order:?}");
    // Footnotes, task lists, tables, strikethrough and Finnish smart quotes.
    assert!(long.contains("footnote-definition"));
    assert!(
        long.contains("☑\u{a0}tehty")
            && long.contains("☐\u{a0}tekemättä")
            && !long.contains("type=\"checkbox\"")
    );
    assert!(long.contains("<table>"));
    assert!(long.contains("<del>Yliviivattu</del>"));
    assert!(long.contains("”näin”"));
}

#[test]
fn pages_are_ordered_by_weight_date_and_finnish_title() {
    let site = built(&[]);
    let list = site.read("ohjeet/index.html");
    let pos = |t: &str| {
        list.find(&format!(">{t}</a>"))
            .unwrap_or_else(|| panic!("{t} not listed"))
    };
    let titles = ["Pitkä ohje", "Aamu", "Zeta", "Åland", "Äiti", "Öljy"];
    let positions: Vec<usize> = titles.iter().map(|t| pos(t)).collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "order was {positions:?} for {titles:?}"
    );
    let news = site.read("ajankohtaista/index.html");
    assert!(
        news.find("Uusi uutinen").unwrap() < news.find("Vanha uutinen").unwrap(),
        "newest first"
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = built(&[]);
    assert!(!site.exists("ajankohtaista/luonnos/index.html"));
    assert!(!site.read("sitemap.xml").contains("luonnos"));
    assert!(
        !site
            .read("ajankohtaista/index.html")
            .contains("Keskeneräinen luonnos")
    );
    let site = built(&["--drafts"]);
    assert!(site.exists("ajankohtaista/luonnos/index.html"));
}

#[test]
fn aliases_redirect_to_the_page() {
    let site = built(&[]);
    for alias in [
        "uutiset/vanha/index.html",
        "ajankohtaista/vanha-osoite.html",
    ] {
        let html = site.read(alias);
        let target = "https://example.fi/jarjestot/ajankohtaista/vanha-uutinen/";
        assert!(
            html.contains(&format!(
                "<meta http-equiv=\"refresh\" content=\"0; url={target}\">"
            )),
            "{alias}: {html}"
        );
        assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{target}\">")));
    }
    assert!(
        !site.read("sitemap.xml").contains("uutiset/vanha"),
        "aliases are not pages"
    );
}

#[test]
fn summary_and_canonical_link() {
    let site = built(&[]);
    let page = site.read("ajankohtaista/vanha-uutinen/index.html");
    assert!(page.contains("<link rel=\"canonical\" href=\"https://example.fi/jarjestot/ajankohtaista/vanha-uutinen/\">"));
    assert!(page.contains("Vanhan uutisen alku.") && page.contains("Vanhan uutisen loppu."));
    assert!(!page.contains("<!-- more -->"));
}

#[test]
fn the_sitemap_lists_every_page() {
    let site = built(&[]);
    let xml = site.read("sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("sitemap is XML");
    let locs: HashSet<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| n.text().unwrap().to_string())
        .collect();
    let public = site.path("public");
    for file in html_files(&public) {
        let f = file.to_string_lossy().replace('\\', "/");
        if f == "404.html" || f.starts_with("uutiset/vanha") || f.ends_with("vanha-osoite.html") {
            continue;
        }
        let url = format!(
            "https://example.fi/jarjestot/{}",
            f.trim_end_matches("index.html")
        );
        assert!(locs.contains(&url), "sitemap misses {url}");
    }
    assert!(
        site.read("robots.txt")
            .contains("Sitemap: https://example.fi/jarjestot/sitemap.xml")
    );
}

#[test]
fn sections_that_ask_for_it_get_an_atom_feed() {
    let site = built(&[]);
    let xml = site.read("ajankohtaista/atom.xml");
    let doc = roxmltree::Document::parse(&xml).expect("feed is XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(
        feed.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    let entries: Vec<_> = feed
        .children()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 2, "drafts are not in the feed");
    let first_title = entries[0]
        .children()
        .find(|n| n.has_tag_name("title"))
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(first_title, "Uusi uutinen");
    for e in &entries {
        for required in ["id", "title", "updated", "link"] {
            assert!(
                e.children().any(|n| n.has_tag_name(required)),
                "entry without {required}"
            );
        }
    }
    assert_eq!(
        feed.children()
            .find(|n| n.has_tag_name("updated"))
            .unwrap()
            .text(),
        Some("2026-03-05T00:00:00Z")
    );
    assert!(
        !site.exists("ohjeet/atom.xml"),
        "only sections that ask for a feed get one"
    );
    assert!(
        site.read("ajankohtaista/index.html")
            .contains("type=\"application/atom+xml\"")
    );
}

#[test]
fn taxonomy_pages_list_their_pages() {
    let site = built(&[]);
    let list = site.read("aiheet/index.html");
    assert!(list.contains("/jarjestot/aiheet/avustukset/") && list.contains("(2)"));
    let term = site.read("aiheet/foorumit/index.html");
    assert!(term.contains("Uusi uutinen") && !term.contains("Vanha uutinen"));
}

#[test]
fn css_is_fingerprinted_and_static_files_are_copied() {
    let site = built(&[]);
    let home = site.read("index.html");
    let css = attr_values(&home, "href")
        .into_iter()
        .find(|h| h.ends_with(".css"))
        .unwrap();
    let name = css.trim_start_matches("/jarjestot/");
    assert!(
        name.starts_with("style.") && name.len() == "style.0123456789.css".len(),
        "{name}"
    );
    assert!(site.exists(name) && !site.exists("style.css"));
    assert!(site.exists("favicon.svg"), "theme static files are copied");
}

#[test]
fn site_templates_and_static_files_override_the_theme() {
    let site = TestSite::fixture("all-templates");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Oma 404</h1>{% endblock content %}",
    );
    site.write(
        "static/favicon.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.build(&[]);
    assert!(site.read("404.html").contains("<h1>Oma 404</h1>"));
    assert_eq!(
        site.read("favicon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
    );
}

#[test]
fn the_theme_has_the_required_templates_and_complete_translations() {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/kumppani");
    for t in [
        "base.html",
        "index.html",
        "section.html",
        "page.html",
        "taxonomy_list.html",
        "taxonomy_single.html",
        "404.html",
    ] {
        assert!(theme.join("templates").join(t).is_file(), "theme lacks {t}");
    }
    let keys = |lang: &str| -> Vec<String> {
        let text = std::fs::read_to_string(theme.join(format!("i18n/{lang}.toml"))).unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        let mut k: Vec<String> = table.keys().cloned().collect();
        k.sort();
        k
    };
    let fi = keys("fi");
    assert_eq!(
        fi,
        keys("sv"),
        "sv.toml must have exactly the keys of fi.toml"
    );
    assert_eq!(
        fi,
        keys("en"),
        "en.toml must have exactly the keys of fi.toml"
    );
    let text = std::fs::read_to_string(theme.join("templates/base.html")).unwrap();
    assert!(
        !text.contains("<script>") && !text.contains("onclick"),
        "no inline scripts in the theme"
    );
}

#[test]
fn other_languages_use_their_translation_file() {
    let site = TestSite::fixture("all-templates");
    let config = std::fs::read_to_string(site.path("config.toml"))
        .unwrap()
        .replace("language = \"fi\"", "language = \"sv\"");
    site.write("config.toml", &config);
    site.build(&[]);
    let home = site.read("index.html");
    assert!(home.contains("<html lang=\"sv\">") && home.contains("Gå till innehållet"));
}

#[test]
fn output_is_deterministic() {
    let a = built(&[]);
    let b = built(&[]);
    assert_eq!(
        common::snapshot(&a.path("public")),
        common::snapshot(&b.path("public"))
    );
}

#[test]
fn init_makes_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let new_site = dir.path().join("uusi");
    let out = common::kumppani()
        .arg("init")
        .arg(&new_site)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = common::kumppani()
        .arg("build")
        .current_dir(&new_site)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page =
        std::fs::read_to_string(new_site.join("public/ajankohtaista/sivusto-avattu/index.html"))
            .unwrap();
    assert!(page.contains("Sivusto avattu"));
    assert!(new_site.join("public/ajankohtaista/atom.xml").is_file());
    for file in ["config.toml", "content/_index.md"] {
        let text = std::fs::read_to_string(new_site.join(file)).unwrap();
        assert!(
            !text.contains("Ylöjärvi") && !text.contains("ylojarvi"),
            "init writes no Ylöjärvi text"
        );
    }
    let again = common::kumppani()
        .arg("init")
        .arg(&new_site)
        .output()
        .unwrap();
    assert_eq!(
        again.status.code(),
        Some(2),
        "init refuses a non-empty folder"
    );
}

#[test]
fn help_explains_the_commands() {
    let out = common::kumppani().arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("build") && text.contains("init"), "{text}");
    let out = common::kumppani()
        .args(["build", "--help"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for flag in ["--root", "--output", "--base-url", "--drafts", "--verbose"] {
        assert!(text.contains(flag), "build --help lacks {flag}");
    }
}

#[test]
fn verbose_prints_step_timings() {
    let site = TestSite::fixture("all-templates");
    let out = site.build(&["--verbose"]);
    let err = String::from_utf8_lossy(&out.stderr);
    for step in ["load content", "render pages", "write sitemap"] {
        assert!(err.contains(step), "--verbose lacks {step}: {err}");
    }
    // Each generator's line counts the files it wrote; together they are the whole output
    // but the marker file.
    let counted: usize = err
        .lines()
        .filter_map(|l| l.strip_suffix(" files").or_else(|| l.strip_suffix(" file")))
        .map(|l| {
            l.split_whitespace()
                .last()
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    let on_disk = walkdir::WalkDir::new(site.path("public"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .count();
    assert_eq!(counted + 1, on_disk, "{err}");
    if cfg!(target_os = "linux") {
        assert!(
            err.contains(" MB"),
            "--verbose lacks the peak memory: {err}"
        );
    }
}

#[test]
fn the_bundled_hub_builds_without_warnings_and_every_link_resolves() {
    let out_dir = tempfile::tempdir().unwrap();
    let public = out_dir.path().join("public");
    let out = common::kumppani()
        .args([
            "build",
            "--base-url",
            "https://example.fi/jarjestot/",
            "--output",
        ])
        .arg(&public)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let unexpected: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("warning:") && !l.contains("last verified on"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "the bundled hub builds with warnings: {err}"
    );
    let checked = assert_links_resolve(&public);
    assert!(checked > 500, "only {checked} links checked");
}

/// Every entry under `dir` (folders too, so a left-over empty folder shows), with file bytes.
fn tree(dir: &Path) -> Vec<(std::path::PathBuf, Option<Vec<u8>>)> {
    let mut entries: Vec<_> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let bytes = e
                .file_type()
                .is_file()
                .then(|| std::fs::read(e.path()).unwrap());
            (e.path().strip_prefix(dir).unwrap().to_path_buf(), bytes)
        })
        .collect();
    entries.sort();
    entries
}

#[test]
fn a_rebuild_writes_over_the_previous_output_and_removes_what_is_no_longer_built() {
    use std::os::unix::fs::MetadataExt;
    let site = built(&[]);
    let inode = |rel: &str| std::fs::metadata(site.path(rel)).unwrap().ino();
    let first_home = inode("public/index.html");
    site.build(&[]);
    assert!(
        site.path(".public.previous/index.html").is_file(),
        "the replaced output is kept next to the new one"
    );
    assert_eq!(inode(".public.previous/index.html"), first_home);

    // The next build writes into the kept output: remove a page, and leave things in the
    // kept output that this build must clear: a stray file, a file where a page folder
    // goes, a folder where a file goes, an empty folder.
    std::fs::remove_file(site.path("content/ohjeet/zeta.md")).unwrap();
    assert!(
        site.path(".public.previous/ohjeet/zeta/index.html")
            .is_file()
    );
    site.write(".public.previous/vanha/roska.txt", "x");
    std::fs::remove_dir_all(site.path(".public.previous/tietoa")).unwrap();
    site.write(".public.previous/tietoa", "a file where a folder goes");
    std::fs::remove_file(site.path(".public.previous/robots.txt")).unwrap();
    site.write(
        ".public.previous/robots.txt/index.html",
        "a folder where a file goes",
    );
    std::fs::create_dir_all(site.path(".public.previous/tyhja/kansio")).unwrap();
    site.build(&[]);

    assert_eq!(
        inode("public/index.html"),
        first_home,
        "the file was written over, not created anew"
    );
    assert!(!site.exists("ohjeet/zeta"), "a removed page's folder goes");
    let fresh = tempfile::tempdir().unwrap();
    let fresh_out = fresh.path().join("public");
    site.build(&["--output", fresh_out.to_str().unwrap()]);
    assert_eq!(
        tree(&site.path("public")),
        tree(&fresh_out),
        "a build over a kept output equals a build into an empty folder"
    );
}

/// A small site keeps each body's HTML from loading; a large one renders it again while
/// writing. Both must give the same bytes: here every kept body against a fresh render.
#[test]
fn kept_body_html_is_what_rendering_again_gives() {
    let mut timings = kumppani::Timings::default();
    let options = kumppani::content::LoadOptions {
        drafts: false,
        today: chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = kumppani::load(root, None, &options, &mut timings).unwrap();
    let bodies = site.bodies();
    let items = (0..site.pages.len())
        .map(kumppani::content::Item::Page)
        .chain((0..site.sections.len()).map(kumppani::content::Item::Section));
    let mut compared = 0;
    for item in items {
        let content = match item {
            kumppani::content::Item::Page(i) => &site.pages[i].content,
            kumppani::content::Item::Section(i) => &site.sections[i].content,
        };
        let kept = content
            .kept_html
            .as_deref()
            .expect("the hub is small: bodies kept");
        let again = bodies.body(item, kumppani::markdown::Want::HTML).html;
        assert_eq!(kept, again, "{}", site.path_of(item));
        compared += 1;
    }
    assert!(compared > 40, "{compared}");
}
