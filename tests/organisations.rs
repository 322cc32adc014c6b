//! The organisation directory: strict profile validation (file:line, exit code, untouched
//! output), the consent rule, untrusted profile text, open-data exports, statistics, JSON-LD
//! and `kumppani new organisation`. Each test copies `tests/fixtures/orgs-base/` into a
//! temporary folder, changes what it needs, and runs the real binary.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

/// A copy of the fixture site with `@TODAY@` replaced by today's date.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/orgs-base");
    copy_tree(&src, dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            std::fs::write(dest, text.replace("@TODAY@", &today())).unwrap();
        }
    }
}

/// Replaces exactly one occurrence of `old` in a site file.
fn edit(site: &Path, file: &str, old: &str, new: &str) {
    let path = site.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(old).count(), 1, "`{old}` in {file}");
    std::fs::write(path, text.replacen(old, new, 1)).unwrap();
}

fn run(args: &[&str], site: &Path) -> Output {
    common::kumppani()
        .args(args)
        .current_dir(site)
        .output()
        .unwrap()
}

fn build(site: &Path) -> Output {
    run(&["build"], site)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join("public").join(rel))
        .unwrap_or_else(|e| panic!("public/{rel}: {e}"))
}

/// Every file under a folder with its bytes, to prove a failed build changed nothing.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Builds a site that must fail; asserts exit code 1, each expected `(location, text)` in the
/// report, and that the previous `public/` is byte for byte as it was.
fn assert_fails(site: &Path, expected: &[(&str, &str)]) -> String {
    let public = site.join("public");
    std::fs::create_dir_all(public.join("vanha")).unwrap();
    std::fs::write(public.join("index.html"), "<p>vanha sivusto</p>").unwrap();
    std::fs::write(public.join("vanha/index.html"), "vanha").unwrap();
    let before = snapshot(&public);
    let out = build(site);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for (location, text) in expected {
        assert!(err.contains(location), "no `{location}` in:\n{err}");
        assert!(err.contains(text), "no `{text}` in:\n{err}");
    }
    assert_eq!(snapshot(&public), before, "public/ changed");
    err
}

#[test]
fn every_validation_error_kind_is_reported_at_its_line() {
    // (file, old text, new text, location, message part, hint part)
    let cases: &[(&str, &str, &str, &str, &str, &str)] = &[
        (
            "content/jarjestot/alfa.md",
            "meeting_place =",
            "meeting_plac =",
            "content/jarjestot/alfa.md:12:1",
            "unknown field `organisation.meeting_plac`",
            "did you mean `meeting_place`",
        ),
        (
            "content/jarjestot/alfa.md",
            "category = \"kylat\"",
            "category = \"kylta\"",
            "content/jarjestot/alfa.md:6:12",
            "`kylta` is not one of the configured categories",
            "did you mean `kylat`? Allowed: `seniorit`, `harrastukset`, `kylat`",
        ),
        (
            "content/jarjestot/alfa.md",
            "\"keskusta\", \"kuru\"]",
            "\"keskusta\", \"kuur\"]",
            "content/jarjestot/alfa.md:7:22",
            "`kuur` is not one of the configured areas",
            "did you mean `kuru`",
        ),
        (
            "content/jarjestot/alfa.md",
            "\"alfa@example.fi\"",
            "\"alfa(at)example.fi\"",
            "content/jarjestot/alfa.md:8:9",
            "not a valid e-mail address",
            "info@yhdistys.fi",
        ),
        (
            "content/jarjestot/alfa.md",
            "\"https://alfa.example.fi/\"",
            "\"javascript:alert(1)\"",
            "content/jarjestot/alfa.md:10:11",
            "`organisation.website` is not a valid web address: it must start with https://",
            "https://www.yhdistys.fi/",
        ),
        (
            "content/jarjestot/alfa.md",
            "\"010 555 0001\"",
            "\"555 0001\"",
            "content/jarjestot/alfa.md:9:9",
            "not a valid Finnish phone number",
            "040 123 4567",
        ),
        (
            "content/jarjestot/alfa.md",
            "33470 Ylöjärvi",
            "3347 Ylöjärvi",
            "content/jarjestot/alfa.md:11:11",
            "not a valid postal address: it does not end with a five-digit postal code",
            "Katu 1, 33470 Ylöjärvi",
        ),
        (
            "content/jarjestot/alfa.md",
            "\"9990008-3\"",
            "\"9990008-4\"",
            "content/jarjestot/alfa.md:19:15",
            "not a valid Y-tunnus: its check digit is 4 but the digits give 3",
            "1234567-1",
        ),
        (
            "content/jarjestot/alfa.md",
            "founded = 1999",
            "founded = \"1999\"",
            "content/jarjestot/alfa.md:18:11",
            "`organisation.founded` must be a year",
            "founded = 1987",
        ),
        (
            "content/jarjestot/beeta.md",
            "verified = 2000-01-01",
            "verified = 2999-01-01",
            "content/jarjestot/beeta.md:12:12",
            "`organisation.verified` is in the future: 2999-01-01",
            "actually confirmed",
        ),
        (
            "content/jarjestot/gamma.md",
            "title = \"Gamman Sählykerho\"",
            "title = \"Alfan kyläyhdistys  RY\"",
            "content/jarjestot/gamma.md:2:1",
            "two profiles have the same name `Alfan kyläyhdistys  RY`: this one and content/jarjestot/alfa.md",
            "merge the two files",
        ),
        (
            "content/jarjestot/beeta.md",
            "\"1572860-0\"",
            "\"9990008-3\"",
            "content/jarjestot/beeta.md:11:15",
            "two profiles have the same business id (Y-tunnus) `9990008-3`",
            "merge the two files",
        ),
        (
            "content/jarjestot/alfa.md",
            "category = \"kylat\"\n",
            "",
            "content/jarjestot/alfa.md:5:2",
            "the [organisation] table has no `category`",
            "category = \"seniorit\"",
        ),
        (
            "content/tietoa.md",
            "title = \"Tietoa\"\n",
            "title = \"Tietoa\"\n[organisation]\ncategory = \"kylat\"\n",
            "content/tietoa.md:3:1",
            "an [organisation] table outside the organisation directory",
            "move the file under content/jarjestot/",
        ),
    ];
    for (file, old, new, location, message, hint) in cases {
        let site = fixture();
        edit(site.path(), file, old, new);
        assert_fails(site.path(), &[(location, message), (location, hint)]);
    }
}

#[test]
fn a_page_in_the_directory_without_a_profile_fails() {
    let site = fixture();
    std::fs::write(
        site.path().join("content/jarjestot/delta.md"),
        "+++\ntitle = \"Delta\"\n+++\nTeksti.\n",
    )
    .unwrap();
    assert_fails(
        site.path(),
        &[(
            "content/jarjestot/delta.md:2:1",
            "a page in the organisation directory (jarjestot/) has no [organisation] table",
        )],
    );
}

#[test]
fn a_logo_is_published_from_next_to_the_profile_and_must_exist() {
    let site = fixture();
    let s = site.path();
    edit(
        s,
        "content/jarjestot/alfa.md",
        "founded = 1999",
        "founded = 1999\nlogo = \"logot/alfa.svg\"",
    );
    assert_fails(
        s,
        &[(
            "content/jarjestot/alfa.md:5:2",
            "the logo file content/jarjestot/logot/alfa.svg does not exist",
        )],
    );
    std::fs::create_dir_all(s.join("content/jarjestot/logot")).unwrap();
    std::fs::write(
        s.join("content/jarjestot/logot/alfa.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    let out = build(s);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read(s, "jarjestot/alfa/index.html").contains("<img class=\"org-logo\" src=\"/hub/jarjestot/logot/alfa.svg\" alt=\"Logo: Alfan Kyläyhdistys ry\">"));
    assert!(
        read(s, "jarjestot/organisations.json")
            .contains("\"logo\": \"https://example.fi/hub/jarjestot/logot/alfa.svg\"")
    );
    edit(
        s,
        "content/jarjestot/alfa.md",
        "logo = \"logot/alfa.svg\"",
        "logo = \"../../etc/passwd\"",
    );
    assert_fails(
        s,
        &[(
            "content/jarjestot/alfa.md:19:8",
            "`organisation.logo` is not an image file next to the profile",
        )],
    );
}

#[test]
fn a_profile_cannot_take_the_address_of_a_generated_page() {
    let site = fixture();
    let text = std::fs::read_to_string(site.path().join("content/jarjestot/gamma.md")).unwrap();
    std::fs::write(
        site.path().join("content/jarjestot/tilastot.md"),
        text.replace("Gamman Sählykerho", "Tilastokerho"),
    )
    .unwrap();
    assert_fails(
        site.path(),
        &[(
            "content/jarjestot/tilastot.md",
            "/jarjestot/tilastot/ is a page the organisation directory makes itself",
        )],
    );
}

#[test]
fn all_problems_of_all_profiles_come_in_one_run() {
    let site = fixture();
    let s = site.path();
    edit(
        s,
        "content/jarjestot/alfa.md",
        "meeting_place =",
        "meeting_plac =",
    );
    edit(
        s,
        "content/jarjestot/alfa.md",
        "\"9990008-3\"",
        "\"9990008-4\"",
    );
    edit(
        s,
        "content/jarjestot/beeta.md",
        "\"seniorit\"",
        "\"senioirt\"",
    );
    edit(
        s,
        "content/jarjestot/gamma.md",
        "\"+358 40 123 4567\"",
        "\"+46 40 123 4567\"",
    );
    let err = assert_fails(
        s,
        &[
            ("alfa.md:12:", "unknown field"),
            ("alfa.md:19:", "Y-tunnus"),
            ("beeta.md:6:", "`senioirt`"),
            ("gamma.md:8:", "phone number"),
        ],
    );
    assert!(err.contains("4 errors found"), "{err}");
}

#[test]
fn a_contact_person_needs_recorded_consent() {
    for (old, new, missing) in [
        (
            format!("consent_date = \"{}\"\n", today()),
            String::new(),
            "missing `consent_date`",
        ),
        (
            "consent = true\n".to_string(),
            "consent = false\n".to_string(),
            "missing `consent = true`",
        ),
        (
            "consent = true\n".to_string(),
            String::new(),
            "missing `consent = true`",
        ),
    ] {
        let site = fixture();
        edit(site.path(), "content/jarjestot/alfa.md", &old, &new);
        let err = assert_fails(
            site.path(),
            &[(
                "content/jarjestot/alfa.md:24:1",
                "contact person `Tiina Testihenkilö` has no recorded consent: a named person is published only with `consent = true` and `consent_date`",
            )],
        );
        assert!(err.contains(missing), "{err}");
        assert!(
            err.contains("personal data: ask them for permission"),
            "{err}"
        );
    }
}

#[test]
fn the_directory_pages_are_built_and_listed_in_the_sitemap() {
    let site = fixture();
    let out = build(site.path());
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // The stale profile is a warning with its location, not an error.
    assert!(
        err.contains(
            "warning: the profile was last verified on 2000-01-01, more than 12 months ago"
        ),
        "{err}"
    );
    assert!(err.contains("content/jarjestot/beeta.md:12:12"), "{err}");
    assert_eq!(err.matches("warning:").count(), 1, "{err}");

    let directory = read(site.path(), "jarjestot/index.html");
    for (group, count) in [
        ("Seniorit", 1),
        ("Harrastukset", 1),
        ("Kylät ja asukkaat", 1),
    ] {
        assert!(
            directory.contains(&format!(
                "{group}</a> <span class=\"group-count\">(<span data-group-count>{count}</span>)"
            )),
            "{group}"
        );
    }
    assert!(directory.contains("<p class=\"directory-count\" id=\"directory-count\" role=\"status\" aria-live=\"polite\">3 järjestöä</p>"));
    assert!(directory.contains("href=\"/hub/jarjestot/organisations.json\""));
    assert!(directory.contains("href=\"/hub/jarjestot/organisations.csv\""));
    assert!(directory.contains("rel=\"license\">CC BY 4.0</a>"));
    // The filter form is hidden until the script runs; the plain links work without it.
    assert!(directory.contains("<form class=\"directory-filter\" id=\"directory-filter\" hidden"));
    assert!(
        directory.contains("<label for=\"filter-category\">")
            && directory.contains("<select id=\"filter-category\" name=\"ryhma\">")
    );
    assert!(
        directory.contains("<label for=\"filter-area\">")
            && directory.contains("<label for=\"filter-volunteers\">")
    );
    assert!(directory.contains("<script type=\"module\" src=\"/hub/directory.js\"></script>"));
    assert!(site.path().join("public/directory.js").is_file());
    assert!(
        directory.contains(
            "data-category=\"kylat\" data-areas=\"keskusta kuru\" data-volunteers=\"true\""
        )
    );

    let kuru = read(site.path(), "jarjestot/alueet/kuru/index.html");
    assert!(
        kuru.contains("Alfan Kyläyhdistys ry")
            && kuru.contains("Beetan Seniorit")
            && !kuru.contains("Gamman")
    );
    let seniors = read(site.path(), "jarjestot/ryhmat/seniorit/index.html");
    assert!(seniors.contains("Beetan Seniorit") && !seniors.contains("Alfan"));
    let volunteers = read(site.path(), "jarjestot/vapaaehtoisille/index.html");
    assert!(
        volunteers.contains("Alfan Kyläyhdistys ry") && volunteers.contains("talkoot, kahvitus")
    );
    assert!(!volunteers.contains("Beetan") && !volunteers.contains("Gamman"));
    let empty_area = read(site.path(), "jarjestot/alueet/viljakkala/index.html");
    assert!(empty_area.contains("Yksikään järjestö ei vastaa valintoja."));

    let sitemap = read(site.path(), "sitemap.xml");
    for path in [
        "jarjestot/",
        "jarjestot/ryhmat/kylat/",
        "jarjestot/alueet/viljakkala/",
        "jarjestot/vapaaehtoisille/",
        "jarjestot/tilastot/",
        "jarjestot/organisations.json",
        "jarjestot/organisations.csv",
        "jarjestot/alfa/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>https://example.fi/hub/{path}</loc>")),
            "{path}"
        );
    }

    let profile = read(site.path(), "jarjestot/alfa/index.html");
    for part in [
        "<a href=\"mailto:alfa@example.fi\">alfa@example.fi</a>",
        "<a href=\"tel:+358105550001\">010\u{a0}555\u{a0}0001</a>",
        "Alfan kylätalo",
        "Esteetön sisäänkäynti.",
        "<li>talkoot</li><li>kahvitus</li>",
        "<a href=\"https://www.lahella.fi/\" class=\"external\">",
        &format!("Tiedot tarkistettu <time datetime=\"{}\">", today()),
        "<strong>Tiina Testihenkilö</strong>, puheenjohtaja",
    ] {
        assert!(profile.contains(part), "no `{part}` in the profile page");
    }
    let stale = read(site.path(), "jarjestot/beeta/index.html");
    assert!(stale.contains("Tiedot voivat olla vanhentuneita."));
}

/// `(label, count)` rows of the statistics table whose caption is `caption`.
fn table_rows(html: &str, caption: &str) -> Vec<(String, usize)> {
    let start = html
        .find(&format!("<caption>{caption}</caption>"))
        .unwrap_or_else(|| panic!("{caption}"));
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    table
        .split("<tr><th scope=\"row\">")
        .skip(1)
        .map(|row| {
            let (label, rest) = row.split_once("</th><td>").unwrap();
            let label = label
                .rsplit_once("\">")
                .map_or(label, |(_, l)| l)
                .trim_end_matches("</a>");
            let count = rest.split_once("</td>").unwrap().0.parse().unwrap();
            (label.to_string(), count)
        })
        .collect()
}

#[test]
fn statistics_count_categories_areas_volunteers_and_stale_profiles() {
    let site = fixture();
    assert!(build(site.path()).status.success());
    let html = read(site.path(), "jarjestot/tilastot/index.html");
    let owned = |rows: &[(&str, usize)]| {
        rows.iter()
            .map(|(l, n)| (l.to_string(), *n))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        table_rows(&html, "Järjestöt ryhmittäin"),
        owned(&[
            ("Seniorit", 1),
            ("Harrastukset", 1),
            ("Kylät ja asukkaat", 1)
        ])
    );
    assert_eq!(
        table_rows(&html, "Järjestöt alueittain"),
        owned(&[
            ("Keskusta", 1),
            ("Kuru", 2),
            ("Asuntila", 1),
            ("Viljakkala", 0)
        ])
    );
    assert_eq!(
        table_rows(&html, "Vapaaehtoisten tarve"),
        owned(&[("Kaipaa vapaaehtoisia", 1), ("Ei kaipaa juuri nyt", 2)])
    );
    assert_eq!(
        table_rows(&html, "Tietojen ajantasaisuus"),
        owned(&[("Tarkistettu määräajassa", 2), ("Tarkistus vanhentunut", 1)])
    );
    assert!(html.contains("<li><strong>3</strong> järjestöä hakemistossa</li>"));
    assert!(
        html.contains(
            "<li><strong>1</strong> profiili on tarkistettu yli 12 kuukautta sitten</li>"
        )
    );
    let stale_list = &html[html.find("id=\"stale-title\"").unwrap()..];
    assert!(
        stale_list
            .contains("Beetan Seniorit</a> – Tiedot tarkistettu <time datetime=\"2000-01-01\">")
    );
    assert!(!stale_list[..stale_list.find("</section>").unwrap()].contains("Alfan"));
    // Four accessible charts, each named by its title and described by its values.
    assert_eq!(
        html.matches("role=\"img\" aria-labelledby=\"chart-")
            .count(),
        4
    );
    assert!(html.contains(
        "<desc id=\"chart-areas-desc\">Keskusta: 1; Kuru: 2; Asuntila: 1; Viljakkala: 0</desc>"
    ));
}

/// Minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF rows.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut cell, mut quoted) = (vec![], vec![], String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    rows
}

#[test]
fn exports_match_the_profiles_and_hold_no_personal_data() {
    let site = fixture();
    assert!(build(site.path()).status.success());
    let json: serde_json::Value =
        serde_json::from_str(&read(site.path(), "jarjestot/organisations.json")).unwrap();
    assert_eq!(json["licence"], "CC BY 4.0");
    let orgs = json["organizations"].as_array().unwrap();
    let names: Vec<&str> = orgs.iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Alfan Kyläyhdistys ry",
            "Beetan Seniorit",
            "Gamman Sählykerho"
        ]
    );
    let alfa = &orgs[0];
    assert_eq!(alfa["id"], "alfa");
    assert_eq!(alfa["email"], "alfa@example.fi");
    assert_eq!(alfa["tax_id"], "9990008-3");
    assert_eq!(alfa["year_incorporated"], 1999);
    assert_eq!(alfa["category"], "kylat");
    assert_eq!(alfa["areas"], serde_json::json!(["keskusta", "kuru"]));
    assert_eq!(alfa["postal_code"], "33470");
    assert_eq!(alfa["volunteers_wanted"], true);
    assert_eq!(alfa["uri"], "https://example.fi/hub/jarjestot/alfa/");
    assert_eq!(orgs[1]["verified"], "2000-01-01");
    let columns: Vec<&str> = json["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(columns.len(), alfa.as_object().unwrap().len());

    let csv_text = read(site.path(), "jarjestot/organisations.csv");
    let rows = parse_csv(&csv_text);
    assert_eq!(
        rows[0], columns,
        "the CSV header lists the documented columns in order"
    );
    assert_eq!(rows.len(), 4);
    for (row, org) in rows[1..].iter().zip(orgs) {
        assert_eq!(row.len(), columns.len());
        for (column, cell) in columns.iter().zip(row) {
            let expected = match &org[*column] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join("; "),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            assert_eq!(cell, &expected, "column {column}");
        }
    }
    assert_eq!(
        rows[1][columns.iter().position(|c| *c == "address").unwrap()],
        "Alfatie 1, 33470 Ylöjärvi"
    );

    // The contact person appears on the organisation's own page and nowhere else.
    let personal = [
        "Tiina Testihenkilö",
        "tiina.yksityinen@example.fi",
        "040 765 4321",
        "+358407654321",
    ];
    let public = site.path().join("public");
    for (path, bytes) in snapshot(&public) {
        // Phone numbers are printed with no-break spaces; compare them as plain spaces.
        let text = String::from_utf8_lossy(&bytes).replace('\u{a0}', " ");
        let own_page = path == Path::new("jarjestot/alfa/index.html");
        for p in personal {
            if own_page && p != "+358407654321" {
                assert!(text.contains(p), "{p} missing from its profile page");
            } else if !own_page {
                assert!(!text.contains(p), "{p} leaked into {}", path.display());
            }
        }
    }
}

#[test]
fn json_ld_parses_and_describes_the_ngo() {
    let site = fixture();
    assert!(build(site.path()).status.success());
    let html = read(site.path(), "jarjestot/alfa/index.html");
    let start = html.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let end = start + html[start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NGO");
    assert_eq!(ld["name"], "Alfan Kyläyhdistys ry");
    assert_eq!(ld["url"], "https://example.fi/hub/jarjestot/alfa/");
    assert_eq!(ld["email"], "alfa@example.fi");
    assert_eq!(ld["telephone"], "+358105550001");
    assert_eq!(ld["address"]["postalCode"], "33470");
    assert_eq!(ld["address"]["addressLocality"], "Ylöjärvi");
    assert_eq!(ld["address"]["streetAddress"], "Alfatie 1");
    assert_eq!(ld["areaServed"][1]["name"], "Kuru");
    assert_eq!(ld["identifier"]["value"], "9990008-3");
    assert!(
        !html[start..end].contains("Tiina"),
        "no contact persons in JSON-LD"
    );
}

#[test]
fn untrusted_profile_text_cannot_inject_script() {
    let site = fixture();
    let s = site.path();
    edit(
        s,
        "content/jarjestot/gamma.md",
        "title = \"Gamman Sählykerho\"",
        "title = \"Gamma </script><script>alert(1)</script> ry\"",
    );
    edit(
        s,
        "content/jarjestot/gamma.md",
        "description = \"Sählyä Asuntilassa.\"",
        "description = \"<img src=x onerror=alert(2)>\"\n",
    );
    edit(
        s,
        "content/jarjestot/gamma.md",
        "verified =",
        "meeting_place = \"<script>alert(3)</script>\"\naccessibility = \"\\\"><svg onload=alert(4)>\"\nvolunteers_wanted = true\nvolunteer_tasks = [\"<img src=x onerror=alert(5)>\"]\nverified =",
    );
    edit(
        s,
        "content/jarjestot/gamma.md",
        "Pelaamme torstaisin.",
        "Pelaamme <script>alert(6)</script> torstaisin.\n\n<img src=x onerror=alert(7)>\n\n[klikkaa](javascript:alert(8)) ja <a href=\"javascript:alert(9)\">tästä</a>\n",
    );
    let out = build(s);
    assert!(out.status.success(), "{}", stderr(&out));
    for (path, bytes) in snapshot(&s.join("public")) {
        let name = path.to_string_lossy();
        // JSON and CSV are data, served as such; markup matters in HTML and XML.
        if !(name.ends_with(".html") || name.ends_with(".xml")) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for (i, _) in text.match_indices("<script") {
            let tag = &text[i..i + text[i..].find('>').unwrap()];
            assert!(
                tag == "<script type=\"application/ld+json\""
                    || tag.starts_with("<script type=\"module\" src=\""),
                "unexpected {tag} in {name}"
            );
        }
        // Every real tag (escaped text starts with `&lt;`, not `<`) is free of handlers and
        // script URLs.
        for (i, _) in text.match_indices('<') {
            let tag = &text[i..i + text[i..].find('>').unwrap_or(text.len() - i)];
            let outside_quotes: String = tag.split('"').step_by(2).collect();
            for bad in ["onerror", "onload", "javascript:", "<img"] {
                assert!(!outside_quotes.contains(bad), "`{tag}` in {name}");
            }
            assert!(!tag.contains("=\"javascript:"), "`{tag}` in {name}");
        }
    }
    // The payload is shown as text, and JSON-LD keeps the title intact but unbreakable.
    let profile = read(s, "jarjestot/gamma/index.html");
    assert!(profile.contains("&lt;script&gt;alert(3)&lt;/script&gt;"));
    let start = profile
        .find("<script type=\"application/ld+json\">")
        .unwrap()
        + 35;
    let end = start + profile[start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&profile[start..end]).unwrap();
    assert_eq!(ld["name"], "Gamma </script><script>alert(1)</script> ry");
}

#[test]
fn new_organisation_writes_a_skeleton_that_builds_and_is_never_overwritten() {
    let site = fixture();
    let s = site.path();
    let out = run(
        &["new", "organisation", "Ylöjärven Esimerkkiyhdistys ry"],
        s,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let path = s.join("content/jarjestot/ylojarven-esimerkkiyhdistys-ry.md");
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("content/jarjestot/ylojarven-esimerkkiyhdistys-ry.md")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("title = \"Ylöjärven Esimerkkiyhdistys ry\""));
    // Every key of a profile and of a contact, as the model's types define them.
    let keys = kumppani::content::organisation::profile_keys();
    let contact = kumppani::content::organisation::contact_keys();
    for field in keys
        .iter()
        .filter(|k| **k != "contacts")
        .chain(contact.iter().filter(|k| **k == "consent_date"))
    {
        assert!(
            text.contains(&format!("{field} = ")),
            "{field} missing from the skeleton"
        );
    }
    let built = build(s);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(
        read(s, "jarjestot/ylojarven-esimerkkiyhdistys-ry/index.html")
            .contains("Ylöjärven Esimerkkiyhdistys ry")
    );

    std::fs::write(&path, "muokattu").unwrap();
    let again = run(
        &["new", "organisation", "Ylöjärven Esimerkkiyhdistys ry"],
        s,
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists; not overwriting it"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "muokattu");
}
