//! Untrusted organisation profiles: a profile carrying script payloads in every field the page
//! shows (`tests/fixtures/xss/`) builds into pages where nothing can run, the open-data CSV
//! cannot run formulas in a spreadsheet, and a page of 20,000 identical headings still builds.
//!
//! The HTML checks read real tags (an escaped `&lt;script&gt;` is text and fine) with their
//! attribute values decoded as a browser decodes them.

mod common;

use common::TestSite;
use std::collections::BTreeSet;

/// One start tag: its lower-case name and attributes (lower-case names, decoded values).
#[derive(Debug)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

/// Start tags of an HTML text, tokenised the way the HTML parser does it for attributes
/// (`/` separates attributes, values are quoted with `"` or `'` or unquoted).
fn start_tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = html[i..].find('<') {
        let mut j = i + p + 1;
        if j >= b.len() || !b[j].is_ascii_alphabetic() {
            i = j;
            continue;
        }
        let name_start = j;
        while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'/' | b'>') {
            j += 1;
        }
        let name = html[name_start..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                break;
            }
            let attr_start = j;
            j += 1;
            while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'/' | b'>' | b'=')
            {
                j += 1;
            }
            let attr = html[attr_start..j].to_ascii_lowercase();
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let mut value = "";
            if j < b.len() && b[j] == b'=' {
                j += 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < b.len() && matches!(b[j], b'"' | b'\'') {
                    let quote = b[j] as char;
                    let start = j + 1;
                    let end = html[start..].find(quote).map_or(b.len(), |e| start + e);
                    value = &html[start..end];
                    j = (end + 1).min(b.len());
                } else {
                    let start = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    value = &html[start..j];
                }
            }
            attrs.push((attr, decode_entities(value)));
        }
        out.push(Tag { name, attrs });
        i = j.min(b.len());
    }
    out
}

/// Character references as a browser decodes them in attribute values (the ones a payload
/// would use; `;` optional after numeric ones).
fn decode_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p + 1..];
        if let Some(num) = rest.strip_prefix('#') {
            let (hex, digits) = match num.strip_prefix(['x', 'X']) {
                Some(h) => (true, h),
                None => (false, num),
            };
            let len = digits
                .find(|c: char| {
                    !(if hex {
                        c.is_ascii_hexdigit()
                    } else {
                        c.is_ascii_digit()
                    })
                })
                .unwrap_or(digits.len());
            if len > 0 {
                let n = u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 }).unwrap_or(0);
                out.push(char::from_u32(n).unwrap_or('\u{fffd}'));
                rest = &digits[len..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
                continue;
            }
        }
        let named = [
            ("amp;", '&'),
            ("quot;", '"'),
            ("apos;", '\''),
            ("lt;", '<'),
            ("gt;", '>'),
            ("colon;", ':'),
            ("tab;", '\t'),
            ("newline;", '\n'),
            ("nbsp;", '\u{a0}'),
        ];
        match named
            .iter()
            .find(|(n, _)| rest.len() >= n.len() && rest[..n.len()].eq_ignore_ascii_case(n))
        {
            Some((n, c)) => {
                out.push(*c);
                rest = &rest[n.len()..];
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

/// A URL as the browser's URL parser sees its scheme: tabs and line breaks gone, control
/// characters and spaces trimmed, lower case.
fn url_seen_by_browser(value: &str) -> String {
    let joined: String = value
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    joined.trim_matches(|c: char| c <= ' ').to_ascii_lowercase()
}

/// Everything that would run script in one HTML text, as readable lines.
fn script_problems(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for tag in start_tags(html) {
        let attr = |name: &str| {
            tag.attrs
                .iter()
                .find(|(a, _)| a == name)
                .map(|(_, v)| v.as_str())
        };
        if tag.name == "script" {
            // The theme's own: JSON-LD data and its module scripts.
            let data = attr("type") == Some("application/ld+json");
            let module = attr("type") == Some("module")
                && attr("src").is_some_and(|s| {
                    let path = s.split('?').next().unwrap_or(s);
                    path.starts_with("/hub/") && path.ends_with(".js")
                });
            if !(data || module) {
                problems.push(format!("<script> {tag:?}"));
            }
        }
        if tag.name == "meta" && attr("http-equiv").is_some() {
            problems.push(format!("meta http-equiv {tag:?}"));
        }
        for (name, value) in &tag.attrs {
            if name.starts_with("on") {
                problems.push(format!("event handler `{name}` on <{}>", tag.name));
            }
            let url = url_seen_by_browser(value);
            for scheme in ["javascript:", "vbscript:", "data:"] {
                if url.starts_with(scheme) {
                    problems.push(format!("{scheme} in `{name}` on <{}>: {value:?}", tag.name));
                }
            }
        }
    }
    problems
}

fn tag_names(html: &str) -> BTreeSet<String> {
    start_tags(html).into_iter().map(|t| t.name).collect()
}

#[test]
fn tag_scanner_finds_what_a_browser_would_run() {
    // The checks below are only as good as this reader: it must see through the same disguises.
    let bad = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<h2 id=\"x\" onfocus=\"alert(1)\" autofocus>",
        "<svg/onload=alert(1)>",
        "<a href=\"java&#x09;script:alert(1)\">",
        "<a href=\"&#x20;javascript&colon;alert(1)\">",
        "<a href='JaVaScRiPt:alert(1)'>",
        "<a href=vbscript:x>",
        "<object data=\"data:text/html,x\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    ];
    for html in bad {
        assert!(!script_problems(html).is_empty(), "{html}");
    }
    for html in [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<p title=\"javascript: a word\">javascript:alert(1)</p>",
        "<a href=\"https://example.fi/?q=javascript:x\">",
        "<script type=\"application/ld+json\">{}</script>",
    ] {
        // A title starting with the word is a false alarm this reader accepts; none here.
        let found = script_problems(html);
        assert!(
            found.is_empty() || html.contains("title"),
            "{html}: {found:?}"
        );
    }
}

#[test]
fn profile_payloads_do_not_run_anywhere_in_the_output() {
    let site = TestSite::fixture("xss");
    let out = site.build(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);

    let profile = site.read("jarjestot/xss/index.html");
    let plain = site.read("jarjestot/selkea/index.html");
    let mut all = Vec::new();
    for entry in walkdir::WalkDir::new(site.path("public")) {
        let entry = entry.unwrap();
        let name = entry.path().to_string_lossy().into_owned();
        if name.ends_with(".html") || name.ends_with(".xml") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for p in script_problems(&text) {
                all.push(format!("{name}: {p}"));
            }
        }
    }
    assert!(all.is_empty(), "{}", all.join("\n"));

    // The payload page has no kinds of element the plain profile lacks, apart from what the
    // Markdown itself asked for (lists, a footnote, a rule).
    let markdown: BTreeSet<String> = ["ol", "sup", "hr", "br"].map(String::from).into();
    let unexpected: Vec<String> = tag_names(&profile)
        .difference(&tag_names(&plain))
        .filter(|t| !markdown.contains(*t))
        .cloned()
        .collect();
    assert!(unexpected.is_empty(), "unexpected elements {unexpected:?}");
    // Nor attributes that move focus or restyle the page beyond what the theme itself sets.
    let count = |html: &str, name: &str| {
        start_tags(html)
            .iter()
            .flat_map(|t| &t.attrs)
            .filter(|(a, _)| a == name)
            .count()
    };
    for name in ["style", "autofocus", "tabindex"] {
        assert_eq!(
            count(&profile, name),
            count(&plain, name),
            "`{name}` attributes"
        );
    }

    // What the heading and link filters leave: ids, classes, harmless links.
    assert!(profile.contains("<h2 id=\"hei\">Hei</h2>"), "{profile}");
    assert!(profile.contains("<h2 id=\"tyyli\" class=\"luokka\">Tyyli</h2>"));
    assert!(profile.contains("href=\"https://example.fi/?q=javascript:alert(111)\""));
    // Raw HTML shows as text; front-matter text is escaped by the template.
    assert!(profile.contains("&lt;script&gt;window.__xss=1;alert(3)&lt;/script&gt;"));
    assert!(profile.contains("&lt;img src=x onerror=window.__xss=1;alert(109)&gt;"));
    // The table of contents still finds the headings by their ids.
    for id in ["hei", "tyyli"] {
        assert_eq!(
            profile.matches(&format!("id=\"{id}\"")).count(),
            1,
            "heading {id}"
        );
    }

    // Every refused link and attribute is reported at its place.
    for (message, place) in [
        ("heading attribute `onfocus` was removed", "xss.md:32:1"),
        ("heading attribute `autofocus` was removed", "xss.md:32:1"),
        ("heading attribute `style` was removed", "xss.md:34:1"),
        (
            "link with the `javascript:` scheme was removed",
            "xss.md:64:3",
        ),
        (
            "link with the `vbscript:` scheme was removed",
            "xss.md:71:3",
        ),
        ("link with the `data:` scheme was removed", "xss.md:72:3"),
        (
            "image with the `javascript:` scheme was removed",
            "xss.md:80:3",
        ),
    ] {
        assert!(stderr.contains(message), "{message}:\n{stderr}");
        assert!(stderr.contains(place), "{place}:\n{stderr}");
    }
}

#[test]
fn open_data_csv_cells_cannot_run_formulas() {
    let site = TestSite::fixture("xss");
    site.build(&[]);
    let text = site.read("jarjestot/organisations.csv");
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let row = |id: &str| rows.iter().find(|r| &r[col("id")] == id).unwrap();

    let xss = row("xss");
    assert!(
        xss[col("name")].starts_with("'=HYPERLINK(\"http://x\")"),
        "{:?}",
        &xss[col("name")]
    );
    assert!(xss[col("address")].starts_with("'@SUM(1) "));
    assert_eq!(&xss[col("phone")], "+358 40 1234567");
    assert_eq!(&row("selkea")[col("phone")], "+358 40 123 4567");
    for r in &rows {
        for cell in r {
            let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
            let phone = cell
                .strip_prefix('+')
                .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit() || " ()-".contains(c)));
            assert!(!risky || phone, "formula cell {cell:?}");
        }
    }
    // JSON is data, not a spreadsheet: it keeps the name as written.
    let json: serde_json::Value =
        serde_json::from_str(&site.read("jarjestot/organisations.json")).unwrap();
    let names: Vec<&str> = json["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert!(
        names.iter().any(|n| n.starts_with("=HYPERLINK")),
        "{names:?}"
    );
}

#[test]
fn twenty_thousand_identical_headings_get_unique_ids() {
    let site = TestSite::fixture("xss");
    let body = "## Sama otsikko\n\nTeksti.\n\n".repeat(20_000);
    site.write(
        "content/toistot.md",
        &format!(
            "+++\ntitle = \"Toistot\"\ndescription = \"Sama otsikko monesti.\"\n+++\n\n{body}"
        ),
    );
    site.build(&[]);
    let html = site.read("toistot/index.html");
    let ids: Vec<String> = start_tags(&html)
        .into_iter()
        .filter(|t| t.name == "h2")
        .filter_map(|t| t.attrs.into_iter().find(|(a, _)| a == "id").map(|(_, v)| v))
        .collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert!(ids.len() >= 20_000, "{} headings", ids.len());
    assert_eq!(unique.len(), ids.len());
    assert!(unique.contains(&"sama-otsikko-19999".to_string()));
}

#[test]
fn unsafe_html_false_sanitizes_the_sites_own_pages() {
    let site = TestSite::fixture("xss");
    let page = "+++\ntitle = \"Oma\"\ndescription = \"Oma sivu.\"\n+++\n\n<div class=\"laatikko\" onclick=\"alert(1)\">Hei</div>\n\n<script>alert(2)</script>\n\n[linkki](https://example.fi/)\n";
    site.write("content/oma.md", page);
    site.build(&[]);
    // Default: the coordinator's own raw HTML passes as written, as before.
    let raw = site.read("oma/index.html");
    assert!(raw.contains("<script>alert(2)</script>"), "{raw}");
    assert!(raw.contains("onclick=\"alert(1)\""));

    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[markdown]\nunsafe_html = false\n"),
    );
    site.build(&[]);
    let clean = site.read("oma/index.html");
    assert!(
        script_problems(&clean).is_empty(),
        "{:?}",
        script_problems(&clean)
    );
    assert!(
        clean.contains("<div class=\"laatikko\">Hei</div>"),
        "{clean}"
    );
    assert!(
        clean.contains("<a href=\"https://example.fi/\" rel=\"noopener noreferrer\">linkki</a>")
    );
}
