//! Many taxonomy terms: 40 pages with 500 tags of their own each (20,000 terms), built with the
//! real binary. Term pages list their pages with all the pages' terms (a site template override
//! shows them), which used to be made afresh for every listing: time grew with the number of
//! terms times the terms per page (20,000 tags took minutes). No timing is asserted; the test
//! takes seconds only while that stays linear.

mod common;

use std::path::Path;

const PAGES: usize = 40;
const TAGS_PER_PAGE: usize = 500;

/// A page list that also shows each page's terms, so term pages use every page's term list.
const PAGE_LIST: &str = r#"<ul class="page-list">
{%- for p in pages %}
  <li class="listed"><a class="page" href="{{ p.url }}">{{ p.title }}</a>
  {%- for name, terms in p.taxonomies %}{% for t in terms %}
    <a class="term" href="{{ t.url }}">{{ t.name }}</a>
  {%- endfor %}{% endfor %}</li>
{%- endfor %}
</ul>
"#;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The tags of page `i`; pages 0 and 1 also share one term, each spelling it its own way.
fn tags(i: usize) -> Vec<String> {
    let mut tags: Vec<String> = (0..TAGS_PER_PAGE)
        .map(|j| format!("aihe-{i}-{j}"))
        .collect();
    match i {
        0 => tags.push("Yhteinen aihe".into()),
        1 => tags.push("YHTEINEN AIHE".into()),
        _ => {}
    }
    tags
}

fn generate(root: &Path) {
    write(
        &root.join("config.toml"),
        "title = \"Aiheita\"\ndescription = \"Paljon aiheita.\"\nbase_url = \"https://example.fi/\"\n\
         language = \"fi\"\ntaxonomies = [{ name = \"aiheet\" }]\n",
    );
    write(&root.join("templates/partials/page_list.html"), PAGE_LIST);
    write(
        &root.join("content/_index.md"),
        "+++\ntitle = \"Etusivu\"\ndescription = \"Etusivu.\"\n+++\n\n[Uutiset](@/uutiset/_index.md)\n",
    );
    write(
        &root.join("content/uutiset/_index.md"),
        "+++\ntitle = \"Uutiset\"\ndescription = \"Uutiset.\"\n+++\n",
    );
    for i in 0..PAGES {
        let list: Vec<String> = tags(i).iter().map(|t| format!("\"{t}\"")).collect();
        write(
            &root.join(format!("content/uutiset/sivu-{i}.md")),
            &format!(
                "+++\ntitle = \"Sivu {i}\"\ndescription = \"Sivu {i}.\"\ndate = 2026-01-01\n\n\
                 [taxonomies]\naiheet = [{}]\n+++\n\nTeksti {i}.\n",
                list.join(", ")
            ),
        );
    }
}

fn read(root: &Path, rel: &str) -> String {
    let path = root.join("public").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The part of a term page that lists its pages.
fn page_list(html: &str) -> &str {
    let start = html.find("<ul class=\"page-list\">").expect("a page list");
    let end = start + html[start..].find("</ul>").expect("list end");
    &html[start..end]
}

/// A temp dir in memory where the system has one: the test is about the build's work growing
/// with the number of terms, and on a busy ext4 disk creating the 40,000 files and folders of the
/// output alone took a minute (the allocator skips recently deleted inodes one by one).
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    shm.is_dir()
        .then(|| tempfile::tempdir_in(shm).ok())
        .flatten()
        .unwrap_or_else(|| tempfile::tempdir().unwrap())
}

#[test]
fn twenty_thousand_terms_each_get_a_page_listing_their_page() {
    let dir = scratch();
    let root = dir.path();
    generate(root);
    common::build_site(root, &[]);

    let term_pages = std::fs::read_dir(root.join("public/aiheet"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().join("index.html").is_file())
        .count();
    assert_eq!(term_pages, PAGES * TAGS_PER_PAGE + 1);
    let list = read(root, "aiheet/index.html");
    assert_eq!(
        list.matches("href=\"/aiheet/").count(),
        PAGES * TAGS_PER_PAGE + 1,
        "the list page links every term once"
    );

    for (i, j) in [(0, 0), (1, 19), (27, 7), (PAGES - 1, TAGS_PER_PAGE - 1)] {
        let html = read(root, &format!("aiheet/aihe-{i}-{j}/index.html"));
        let listed = page_list(&html);
        assert_eq!(listed.matches("class=\"listed\"").count(), 1, "{listed}");
        assert!(
            listed.contains(&format!(
                "<a class=\"page\" href=\"/uutiset/sivu-{i}/\">Sivu {i}</a>"
            )),
            "term aihe-{i}-{j} lists page {i}: {listed}"
        );
        // The listed page comes with all its own terms, and only those.
        let terms: Vec<&str> = listed
            .split("<a class=\"term\" href=\"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        let expected: Vec<String> = (0..TAGS_PER_PAGE)
            .map(|j| format!("/aiheet/aihe-{i}-{j}/"))
            .chain((i < 2).then(|| "/aiheet/yhteinen-aihe/".to_string()))
            .collect();
        let mut sorted = terms.clone();
        sorted.sort_unstable();
        let mut want: Vec<&str> = expected.iter().map(String::as_str).collect();
        want.sort_unstable();
        assert_eq!(sorted, want, "terms of page {i} on term page aihe-{i}-{j}");

        let page = read(root, &format!("uutiset/sivu-{i}/index.html"));
        assert!(
            page.contains(&format!(
                "<a href=\"/aiheet/aihe-{i}-{j}/\">aihe-{i}-{j}</a>"
            )),
            "page {i} links its term aihe-{i}-{j}"
        );
    }

    // One term written two ways: its page lists both pages, each with the term as it wrote it.
    let shared = read(root, "aiheet/yhteinen-aihe/index.html");
    let listed = page_list(&shared);
    assert_eq!(listed.matches("class=\"listed\"").count(), 2, "{listed}");
    for (i, spelling) in [(0, "Yhteinen aihe"), (1, "YHTEINEN AIHE")] {
        let item = listed
            .split("<li class=\"listed\">")
            .find(|item| item.contains(&format!("href=\"/uutiset/sivu-{i}/\"")))
            .unwrap_or_else(|| panic!("page {i} listed: {listed}"));
        assert!(
            item.contains(&format!(
                "<a class=\"term\" href=\"/aiheet/yhteinen-aihe/\">{spelling}</a>"
            )),
            "page {i} shows the term as `{spelling}`: {item}"
        );
    }
}
