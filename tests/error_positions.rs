//! Messages point at the key or value the parser read, not at the first text that looks like
//! it: a key name inside a string or comment, the same key in another table, an inline table or
//! an escaped value used to send a text scan to the wrong line.

mod common;

use common::TestSite;

/// Builds the fixture with `edits` applied and returns stderr, asserting the build failed.
fn errors_of(edits: &[(&str, &str)]) -> String {
    let site = TestSite::fixture("all-templates");
    for (path, text) in edits {
        site.write(path, text);
    }
    let out = site.run(&["build"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{err}");
    err
}

fn assert_has(err: &str, needles: &[&str]) {
    for needle in needles {
        assert!(err.contains(needle), "stderr lacks {needle:?}:\n{err}");
    }
}

fn config_with(change: impl Fn(&str) -> String) -> String {
    let original = std::fs::read_to_string(common::fixture("all-templates").join("config.toml"))
        .expect("fixture config");
    change(&original)
}

#[test]
fn config_values_are_found_past_comments_and_escapes() {
    let config = config_with(|c| {
        let c = c.replacen(
            "title = ",
            "# title = \"vanha\"\ntitle = \"  \"\n# was: ",
            1,
        );
        // `a\u002Fb` is `a/b`, written so that no text search for "a/b" finds it.
        c.replacen(
            "taxonomies = [{ name = \"aiheet\" }]",
            "taxonomies = [{ name = \"aiheet\" }, { name = \"a\\u002Fb\" }]",
            1,
        )
    });
    let err = errors_of(&[("config.toml", &config)]);
    assert_has(
        &err,
        &[
            "title is empty",
            "config.toml:2:1",
            "taxonomy name `a/b` cannot be part of an address",
            "config.toml:8:45",
        ],
    );
}

#[test]
fn a_theme_key_inside_a_multi_line_string_is_not_the_theme() {
    let config = config_with(|c| {
        c.replacen("theme = \"kumppani\"", "theme = \"puuttuva\"", 1)
            .replacen(
                "description = ",
                "description = \"\"\"\ntheme = \"kumppani\"\n\"\"\"\n# was: ",
                1,
            )
    });
    let err = errors_of(&[("config.toml", &config)]);
    assert_has(&err, &["theme `puuttuva` not found", "config.toml:8:1"]);
}

#[test]
fn a_date_key_inside_a_multi_line_string_is_not_the_date() {
    let err = errors_of(&[(
        "content/tietoa.md",
        "+++\ntitle = \"Tietoa\"\ndescription = \"\"\"\ndate = huomenna\n\"\"\"\ndate = \"1.5.2026\"\n+++\nTeksti.\n",
    )]);
    assert_has(&err, &["`date` is not a date", "content/tietoa.md:6:1"]);
}

#[test]
fn an_unknown_taxonomy_in_an_inline_table_is_pointed_at() {
    let err = errors_of(&[(
        "content/tietoa.md",
        "+++\ntitle = \"Tietoa\"\n# tagit = [\"vanha\"]\ntaxonomies = { tagit = [\"x\"] }\n+++\nTeksti.\n",
    )]);
    assert_has(
        &err,
        &[
            "taxonomy `tagit` is not configured",
            "content/tietoa.md:4:16",
        ],
    );
}

#[test]
fn an_escaped_alias_is_pointed_at_itself() {
    let err = errors_of(&[(
        "content/tietoa.md",
        "+++\ntitle = \"Tietoa\"\naliases = [\"/vanha/\", \"..\\u002Fx\"]\n+++\nTeksti.\n",
    )]);
    assert_has(
        &err,
        &[
            "alias `../x` cannot be an address",
            "content/tietoa.md:3:23",
        ],
    );
}
