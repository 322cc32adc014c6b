//! Every kind of build error: the message, its file:line:col, the exit code, and a previous
//! `public/` left byte-for-byte as it was.

mod common;

use common::{TestSite, snapshot};

struct Case {
    name: &'static str,
    /// Files to write over the fixture: (path, content).
    files: &'static [(&'static str, &'static str)],
    /// Substrings the error output must contain.
    expect: &'static [&'static str],
    exit: i32,
}

const CASES: &[Case] = &[
    Case {
        name: "task card link to a missing page",
        files: &[(
            "content/_index.md",
            "+++\ntitle = \"Etusivu\"\n[[tasks]]\ntitle = \"Lue\"\nlink = \"@/tietoa.md\"\n[[tasks]]\ntitle = \"Ohjeet\"\nlink = \"@/ohjeet/_indx.md\"\n+++\nTeksti.\n",
        )],
        expect: &[
            "task card links to a missing page `@/ohjeet/_indx.md`",
            "content/_index.md:8:8",
            "did you mean `@/ohjeet/_index.md`?",
        ],
        exit: 1,
    },
    Case {
        name: "toml syntax",
        files: &[(
            "content/tietoa.md",
            "+++\ntitle = \"Tietoa\ndescription = \"x\"\n+++\nTeksti.\n",
        )],
        expect: &["invalid TOML", "content/tietoa.md:2:"],
        exit: 1,
    },
    Case {
        name: "unknown front matter key",
        files: &[(
            "content/tietoa.md",
            "+++\ntitle = \"Tietoa\"\ndescripton = \"x\"\n+++\nTeksti.\n",
        )],
        expect: &[
            "unknown key `descripton`",
            "content/tietoa.md:3:1",
            "did you mean `description`?",
        ],
        exit: 1,
    },
    Case {
        name: "missing title",
        files: &[(
            "content/tietoa.md",
            "+++\ndescription = \"x\"\n+++\nTeksti.\n",
        )],
        expect: &[
            "the front matter has no title",
            "content/tietoa.md:2:1",
            "title = ",
        ],
        exit: 1,
    },
    Case {
        name: "wrong value type",
        files: &[(
            "content/tietoa.md",
            "+++\ntitle = \"Tietoa\"\nweight = \"ensin\"\n+++\nTeksti.\n",
        )],
        expect: &[
            "content/tietoa.md:3:10",
            "`weight`: invalid type",
            "expected a whole number",
        ],
        exit: 1,
    },
    Case {
        name: "bad date",
        files: &[(
            "content/tietoa.md",
            "+++\ntitle = \"Tietoa\"\ndate = \"1.5.2026\"\n+++\nTeksti.\n",
        )],
        expect: &[
            "`date` is not a date",
            "content/tietoa.md:3:1",
            "YYYY-MM-DD",
        ],
        exit: 1,
    },
    Case {
        name: "no front matter",
        files: &[("content/tietoa.md", "---\ntitle: Tietoa\n---\nTeksti.\n")],
        expect: &["does not start with `+++`", "content/tietoa.md:1:1", "YAML"],
        exit: 1,
    },
    Case {
        name: "broken internal link",
        files: &[(
            "content/tietoa.md",
            "+++\ntitle = \"Tietoa\"\n+++\nEnsimmäinen rivi.\nKatso [tätä](@/ei-ole.md).\n",
        )],
        expect: &[
            "link to a missing page `@/ei-ole.md`",
            "content/tietoa.md:5:7",
        ],
        exit: 1,
    },
    Case {
        name: "broken anchor",
        files: &[(
            "content/tietoa.md",
            "+++\ntitle = \"Tietoa\"\n+++\n[luku](@/ohjeet/pitka-ohje.md#kolmas-luku)\n",
        )],
        expect: &[
            "missing heading `#kolmas-luku`",
            "content/tietoa.md:4:1",
            "`toinen-luku`",
        ],
        exit: 1,
    },
    Case {
        name: "template syntax error",
        files: &[(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{% if %}\n{% endblock content %}\n",
        )],
        expect: &["template error", "templates/page.html:3:"],
        exit: 1,
    },
    Case {
        name: "template rendering error",
        files: &[(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title | date }}\n{% endblock content %}\n",
        )],
        expect: &[
            "template error",
            "templates/page.html:3:",
            "not a YYYY-MM-DD date",
        ],
        exit: 1,
    },
    Case {
        name: "missing template",
        files: &[(
            "content/tietoa.md",
            "+++\ntitle = \"Tietoa\"\ntemplate = \"pagee.html\"\n+++\nTeksti.\n",
        )],
        expect: &[
            "template `pagee.html` not found",
            "content/tietoa.md",
            "did you mean `page.html`?",
        ],
        exit: 1,
    },
    Case {
        name: "unknown taxonomy",
        files: &[(
            "content/tietoa.md",
            "+++\ntitle = \"Tietoa\"\n\n[taxonomies]\naihe = [\"x\"]\n+++\nTeksti.\n",
        )],
        expect: &[
            "taxonomy `aihe` is not configured",
            "content/tietoa.md:5:1",
            "did you mean `aiheet`?",
        ],
        exit: 1,
    },
    Case {
        name: "duplicate url",
        files: &[(
            "content/ohjeet/toinen.md",
            "+++\ntitle = \"Toinen\"\nslug = \"aamu\"\n+++\nTeksti.\n",
        )],
        expect: &[
            "two files would be published at /ohjeet/aamu/",
            "content/ohjeet/toinen.md",
            "slug",
        ],
        exit: 1,
    },
    Case {
        name: "unknown config key",
        files: &[(
            "config.toml",
            "title = \"T\"\nbase_url = \"https://example.fi/\"\nlanguag = \"fi\"\n",
        )],
        expect: &[
            "unknown key `languag`",
            "config.toml:3:1",
            "did you mean `language`?",
        ],
        exit: 1,
    },
    Case {
        name: "bad base_url",
        files: &[("config.toml", "title = \"T\"\nbase_url = \"example.fi\"\n")],
        expect: &["invalid base_url", "config.toml:2:1", "https://"],
        exit: 1,
    },
    Case {
        name: "unknown theme",
        files: &[(
            "config.toml",
            "title = \"T\"\nbase_url = \"https://example.fi/\"\ntheme = \"kumppan\"\ntaxonomies = [{ name = \"aiheet\" }]\n",
        )],
        expect: &[
            "theme `kumppan` not found",
            "config.toml:3:1",
            "did you mean `kumppani`?",
        ],
        exit: 1,
    },
];

fn assert_public_untouched(site: &TestSite, before: &[(std::path::PathBuf, Vec<u8>)], case: &str) {
    assert!(
        snapshot(&site.path("public")) == before,
        "{case}: public/ changed after a failed build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.contains(".old-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "{case}: leftover folders {leftovers:?}"
    );
}

#[test]
fn each_error_kind_is_reported_precisely_and_keeps_public() {
    for case in CASES {
        let site = TestSite::fixture("all-templates");
        // Twice, so the failing build starts from a kept previous output (it writes over it).
        site.build(&[]);
        site.build(&[]);
        let before = snapshot(&site.path("public"));
        for (path, text) in case.files {
            site.write(path, text);
        }
        let out = site.run(&["build"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(case.exit),
            "{}: exit code; stderr:\n{err}",
            case.name
        );
        for needle in case.expect {
            assert!(
                err.contains(needle),
                "{}: stderr lacks {needle:?}:\n{err}",
                case.name
            );
        }
        assert_public_untouched(&site, &before, case.name);
    }
}

#[test]
fn all_errors_of_a_run_are_reported_together_sorted_by_file() {
    let site = TestSite::fixture("all-templates");
    site.write(
        "content/tietoa.md",
        "+++\ntitle = \"Tietoa\"\n+++\n[a](@/puuttuu-a.md)\n",
    );
    site.write(
        "content/ohjeet/aamu.md",
        "+++\ntitel = \"Aamu\"\n+++\nTeksti.\n",
    );
    site.write(
        "content/ajankohtaista/uusi-uutinen.md",
        "+++\ntitle = \"Uusi\"\ndate = \"eilen\"\n+++\n",
    );
    let out = site.run(&["build"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    let order: Vec<usize> = [
        "content/ajankohtaista/uusi-uutinen.md:3",
        "content/ohjeet/aamu.md:2",
        "content/tietoa.md:4",
    ]
    .iter()
    .map(|n| {
        err.find(n)
            .unwrap_or_else(|| panic!("missing {n} in:\n{err}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "not sorted by file: {err}"
    );
    assert!(err.contains("errors found"), "{err}");
}

#[test]
fn dangerous_output_folders_are_refused_with_exit_2() {
    let site = TestSite::fixture("all-templates");
    for output in [".", "content", "..", "/"] {
        let out = site.run(&["build", "--output", output]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "--output {output}: {err}");
        assert!(err.contains("refusing to write the site into"), "{err}");
    }
    assert!(site.path("content/_index.md").is_file(), "content survived");
}

#[test]
fn a_disk_error_exits_2_and_keeps_public() {
    let site = TestSite::fixture("all-templates");
    site.build(&[]);
    let before = snapshot(&site.path("public"));
    site.write("blocker", "a file where a folder should be");
    let out = site.run(&["build", "--output", "blocker/public"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_public_untouched(&site, &before, "disk error");
}

#[test]
fn a_missing_config_is_a_usage_error_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::kumppani()
        .arg("build")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("no config.toml") && err.contains("kumppani init"),
        "{err}"
    );
}

#[test]
fn a_malformed_kumppani_today_is_a_usage_error_for_every_command() {
    let site = TestSite::fixture("all-templates");
    for args in [
        &["build"][..],
        &["check"],
        &["serve", "--port", "0"],
        &["new", "organisation", "Uusi yhdistys"],
    ] {
        let out = common::kumppani()
            .args(args)
            .current_dir(site.root())
            .env("KUMPPANI_TODAY", "notadate")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("KUMPPANI_TODAY=`notadate` is not a date"),
            "{args:?}: {err}"
        );
    }
    assert!(!site.path("public").exists());
}
