//! Hostile and careless content: slugs, folder names, terms and aliases that would write
//! outside the output, over the file system root, or over another page. Each small site is
//! made inside its own parent temporary folder (also the process's TMPDIR, where `check`
//! renders); `kumppani build` and `kumppani check` must both fail with a located error, and
//! nothing in the parent folder outside the output may change.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::SystemTime;

const CONFIG: &str =
    "title = \"Testi\"\nbase_url = \"https://example.fi/\"\ntaxonomies = [{ name = \"aiheet\" }]\n";

/// One error a case must produce.
struct Expect {
    code: &'static str,
    file: &'static str,
    /// 0 when the error names the file without a position.
    line: usize,
    column: usize,
    message: &'static str,
}

const fn expect(
    code: &'static str,
    file: &'static str,
    line: usize,
    column: usize,
    message: &'static str,
) -> Expect {
    Expect {
        code,
        file,
        line,
        column,
        message,
    }
}

/// A page with one front matter line added.
fn page(title: &str, extra: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n{extra}\n+++\nTeksti.\n")
}

/// The parent folder, the site in `site/`, and `tmp/` as the process's temp folder.
struct Sandbox {
    parent: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let parent = tempfile::Builder::new()
            .prefix("kumppani-adversarial-")
            .tempdir()
            .unwrap();
        let sandbox = Sandbox { parent };
        std::fs::create_dir_all(sandbox.tmp()).unwrap();
        sandbox.write("config.toml", CONFIG);
        sandbox.write(
            "content/_index.md",
            "+++\ntitle = \"Etusivu\"\ndescription = \"Koti.\"\n+++\n[Tietoa](@/tietoa.md)\n",
        );
        sandbox.write("content/tietoa.md", &page("Tietoa", ""));
        sandbox
    }

    /// A copy of the organisation directory fixture with dates made current.
    fn organisations() -> Sandbox {
        let sandbox = Sandbox::new();
        std::fs::remove_dir_all(sandbox.site().join("content")).unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/orgs-base");
        common::copy_dir(&from, &sandbox.site());
        let today = chrono::Local::now().date_naive().to_string();
        for entry in walkdir::WalkDir::new(sandbox.site()) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                std::fs::write(entry.path(), text.replace("@TODAY@", &today)).unwrap();
            }
        }
        sandbox
    }

    fn site(&self) -> PathBuf {
        self.parent.path().join("site")
    }

    fn tmp(&self) -> PathBuf {
        self.parent.path().join("tmp")
    }

    fn write(&self, rel: &str, text: &str) {
        self.write_os(OsStr::new(rel), text);
    }

    fn write_os(&self, rel: &OsStr, text: &str) {
        let path = self.site().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn edit(&self, rel: &str, old: &str, new: &str) {
        let path = self.site().join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(old), "{rel} has no {old:?}");
        std::fs::write(path, text.replacen(old, new, 1)).unwrap();
    }

    fn run(&self, args: &[&str]) -> Output {
        common::kumppani()
            .args(args)
            .current_dir(self.site())
            .env("TMPDIR", self.tmp())
            .output()
            .unwrap()
    }

    /// Every file and folder of the parent folder except the output and its staging folders:
    /// path → (size, modification time) for files, folders by name only (creating and removing
    /// the staging folder changes the site folder's own time).
    fn snapshot(&self) -> BTreeMap<PathBuf, Option<(u64, SystemTime)>> {
        let root = self.parent.path();
        let mut all = BTreeMap::new();
        for entry in walkdir::WalkDir::new(root) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(root).unwrap().to_path_buf();
            let output = rel.starts_with("site/public")
                || rel
                    .components()
                    .nth(1)
                    .is_some_and(|c| c.as_os_str().as_bytes().starts_with(b".public"));
            if output
                && rel
                    .components()
                    .next()
                    .is_some_and(|c| c.as_os_str() == "site")
            {
                continue;
            }
            let meta = entry.metadata().unwrap();
            let value = (!meta.is_dir()).then(|| (meta.len(), meta.modified().unwrap()));
            all.insert(rel, value);
        }
        all
    }
}

/// Runs `build` and `check` on the sandbox and asserts each expected error in both, the
/// failing exit codes, and that nothing outside the output changed.
fn assert_refused(name: &str, sandbox: &Sandbox, expected: &[Expect]) {
    let before = sandbox.snapshot();
    let build = sandbox.run(&["build"]);
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert_eq!(build.status.code(), Some(1), "{name}: build\n{stderr}");
    for e in expected {
        let location = if e.line == 0 {
            format!("--> {}\n", e.file)
        } else {
            format!("--> {}:{}:{}\n", e.file, e.line, e.column)
        };
        assert!(
            stderr.contains(&location),
            "{name}: build output lacks {location:?}\n{stderr}"
        );
        assert!(
            stderr.contains(e.message),
            "{name}: build output lacks {:?}\n{stderr}",
            e.message
        );
    }
    assert!(
        !sandbox.site().join("public").exists(),
        "{name}: a failed build published an output"
    );

    let check = sandbox.run(&["check", "--format", "json"]);
    assert_eq!(
        check.status.code(),
        Some(1),
        "{name}: check\n{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    for e in expected {
        let found = findings.iter().any(|f| {
            f["severity"] == "error"
                && f["code"] == e.code
                && f["file"] == e.file
                && f["line"] == e.line
                && f["column"] == e.column
                && f["message"].as_str().unwrap().contains(e.message)
        });
        assert!(
            found,
            "{name}: check has no {} at {}:{}:{} with {:?}\n{:#}",
            e.code, e.file, e.line, e.column, e.message, report["findings"]
        );
    }

    let after = sandbox.snapshot();
    assert_eq!(
        before, after,
        "{name}: files outside the output changed (build or check wrote outside it)"
    );
}

/// A page `content/sivu.md` with the given `slug` line.
fn bad_page_slug(name: &str, slug_line: &str, message: &'static str) {
    let sandbox = Sandbox::new();
    sandbox.write("content/sivu.md", &page("Hyvä sivu", slug_line));
    assert_refused(
        name,
        &sandbox,
        &[expect("bad-slug", "content/sivu.md", 3, 1, message)],
    );
}

#[test]
fn unusable_page_slugs_are_errors_with_a_proposal() {
    let cases: &[(&str, &str, &'static str)] = &[
        (
            "empty",
            "slug = \"\"",
            "the slug `` cannot be part of an address: it is empty",
        ),
        (
            "dot dot",
            "slug = \"..\"",
            "the slug `..` cannot be part of an address: it has a `..` part",
        ),
        (
            "climbing",
            "slug = \"../../x\"",
            "the slug `../../x` cannot be part of an address: it contains `/`",
        ),
        (
            "absolute",
            "slug = \"/abs\"",
            "the slug `/abs` cannot be part of an address: it contains `/`",
        ),
        (
            "nested",
            "slug = \"a/b\"",
            "the slug `a/b` cannot be part of an address: it contains `/`",
        ),
        ("backslash", "slug = \"a\\\\b\"", "it contains `\\`"),
        (
            "drive",
            "slug = \"C:\"",
            "the slug `C:` cannot be part of an address: it contains `:`",
        ),
        (
            "nul",
            "slug = \"a\\u0000b\"",
            "the slug `a\\0b` cannot be part of an address: it contains the control character U+0000",
        ),
        (
            "control",
            "slug = \"a\\u0007b\"",
            "it contains the control character U+0007",
        ),
        (
            "no letters",
            "slug = \"!!!\"",
            "the slug `!!!` has no letters or digits",
        ),
    ];
    for (name, line, message) in cases {
        bad_page_slug(name, line, message);
    }
    let long = format!("slug = \"{}\"", "a".repeat(300));
    bad_page_slug(
        "300 bytes",
        &long,
        "it is 300 bytes long; a file name may be at most 255",
    );
}

#[test]
fn a_bad_slug_proposes_one_from_the_title() {
    let sandbox = Sandbox::new();
    sandbox.write("content/sivu.md", &page("Hyvä sivu", "slug = \"..\""));
    let out = sandbox.run(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("e.g. slug = \"hyva-sivu\""), "{stderr}");
}

#[test]
fn an_emoji_file_name_is_an_error_naming_the_file() {
    let sandbox = Sandbox::new();
    sandbox.write("content/🎉🎉.md", &page("Juhlat", ""));
    sandbox.write("content/✨.md", &page("✨", ""));
    assert_refused(
        "emoji file names",
        &sandbox,
        &[
            expect(
                "bad-slug",
                "content/🎉🎉.md",
                0,
                0,
                "the file name `🎉🎉` has no letters or digits",
            ),
            expect(
                "bad-slug",
                "content/✨.md",
                0,
                0,
                "the file name `✨` has no letters or digits",
            ),
        ],
    );
    let out = sandbox.run(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("add slug = \"juhlat\""), "{stderr}");
    // No title letters either: a numbered proposal.
    assert!(stderr.contains("add slug = \"sivu-"), "{stderr}");
    assert!(
        !stderr.contains("duplicate-url") && !stderr.contains("two files"),
        "{stderr}"
    );
}

#[test]
fn a_folder_name_that_is_not_utf8_is_an_error() {
    let sandbox = Sandbox::new();
    let folder = OsStr::from_bytes(b"k\xff");
    sandbox.write_os(
        &Path::new("content")
            .join(folder)
            .join("sivu.md")
            .into_os_string(),
        &page("Sivu", ""),
    );
    sandbox.write_os(
        &Path::new("content")
            .join(folder)
            .join("_index.md")
            .into_os_string(),
        &page("Osa", ""),
    );
    assert_refused(
        "non-UTF-8 folder",
        &sandbox,
        &[expect(
            "bad-file-name",
            "content/k\u{fffd}",
            0,
            0,
            "is not valid UTF-8",
        )],
    );
}

#[test]
fn a_section_slug_is_checked_like_a_page_slug() {
    let sandbox = Sandbox::new();
    sandbox.write("content/osa/_index.md", &page("Osa", "slug = \"..\""));
    sandbox.write("content/osa/sivu.md", &page("Sivu", ""));
    assert_refused(
        "section slug ..",
        &sandbox,
        &[expect(
            "bad-slug",
            "content/osa/_index.md",
            3,
            1,
            "the slug `..` cannot be part of an address",
        )],
    );
    let sandbox = Sandbox::new();
    sandbox.write("content/osa/_index.md", &page("Osa", "slug = \"\""));
    assert_refused(
        "section slug empty",
        &sandbox,
        &[expect(
            "bad-slug",
            "content/osa/_index.md",
            3,
            1,
            "the slug `` cannot be part of an address",
        )],
    );
}

#[test]
fn a_taxonomy_term_without_letters_is_an_error() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "content/sivu.md",
        "+++\ntitle = \"Sivu\"\n\n[taxonomies]\naiheet = [\"Kulttuuri\", \"..\"]\n+++\nTeksti.\n",
    );
    assert_refused(
        "term ..",
        &sandbox,
        &[expect(
            "bad-slug",
            "content/sivu.md",
            5,
            24,
            "the aiheet term `..`",
        )],
    );
}

#[test]
fn a_taxonomy_name_that_leaves_the_site_is_a_config_error() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "config.toml",
        "title = \"Testi\"\nbase_url = \"https://example.fi/\"\ntaxonomies = [{ name = \"..\" }]\n",
    );
    assert_refused(
        "taxonomy name ..",
        &sandbox,
        &[expect(
            "bad-slug",
            "config.toml",
            3,
            24,
            "the taxonomy name `..` cannot be part of an address",
        )],
    );
}

#[test]
fn aliases_may_not_replace_generated_pages() {
    let sandbox = Sandbox::new();
    sandbox.edit(
        "content/tietoa.md",
        "title = \"Tietoa\"\n",
        "title = \"Tietoa\"\naliases = [\"/index.html\", \"/haku/index.html\", \"/haku/\", \"/404.html\"]\n",
    );
    assert_refused(
        "aliases onto generated pages",
        &sandbox,
        &[
            expect(
                "bad-alias",
                "content/tietoa.md",
                3,
                12,
                "alias `/index.html` is the address of content/_index.md:2:1",
            ),
            expect(
                "bad-alias",
                "content/tietoa.md",
                3,
                27,
                "alias `/haku/index.html` would replace the search page",
            ),
            expect(
                "bad-alias",
                "content/tietoa.md",
                3,
                47,
                "alias `/haku/` would replace the search page",
            ),
            expect(
                "bad-alias",
                "content/tietoa.md",
                3,
                57,
                "alias `/404.html` would replace the site's 404.html",
            ),
        ],
    );
}

#[test]
fn aliases_may_not_leave_the_site_or_repeat() {
    let sandbox = Sandbox::new();
    sandbox.edit(
        "content/tietoa.md",
        "title = \"Tietoa\"\n",
        "title = \"Tietoa\"\naliases = [\"/../ulos/\", \"/a//b/\", \"/vanha/\"]\n",
    );
    sandbox.write(
        "content/toinen.md",
        &page("Toinen", "aliases = [\"/vanha/\"]"),
    );
    assert_refused(
        "aliases out and twice",
        &sandbox,
        &[
            expect(
                "bad-alias",
                "content/tietoa.md",
                3,
                12,
                "alias `/../ulos/` cannot be an address: it has a `..` part",
            ),
            expect(
                "bad-alias",
                "content/tietoa.md",
                3,
                25,
                "alias `/a//b/` cannot be an address: it has an empty part",
            ),
            expect(
                "duplicate-url",
                "content/toinen.md",
                3,
                12,
                "two files would be published at /vanha/: this one and the alias at content/tietoa.md:3:35",
            ),
        ],
    );
}

#[test]
fn a_profile_alias_stays_inside_the_directory() {
    let sandbox = Sandbox::organisations();
    sandbox.edit(
        "content/jarjestot/alfa.md",
        "description = ",
        "aliases = [\"/muualla/\", \"/jarjestot/vanha-alfa/\"]\ndescription = ",
    );
    assert_refused(
        "profile alias outside",
        &sandbox,
        &[expect(
            "bad-alias",
            "content/jarjestot/alfa.md",
            3,
            12,
            "an organisation profile's alias `/muualla/` must stay inside the directory /jarjestot/",
        )],
    );
    // Inside the directory, but on a page the directory makes itself.
    let sandbox = Sandbox::organisations();
    sandbox.edit(
        "content/jarjestot/alfa.md",
        "description = ",
        "aliases = [\"/jarjestot/tilastot/\"]\ndescription = ",
    );
    assert_refused(
        "profile alias on statistics",
        &sandbox,
        &[expect(
            "bad-alias",
            "content/jarjestot/alfa.md",
            3,
            12,
            "would replace a page of the organisation directory",
        )],
    );
}

#[test]
fn two_pages_at_one_address_name_both_files() {
    let sandbox = Sandbox::new();
    sandbox.write("content/uusi.md", &page("Uusi", "slug = \"tietoa\""));
    sandbox.write("content/tietoa/_index.md", &page("Tietoa-osio", ""));
    assert_refused(
        "duplicate url",
        &sandbox,
        &[
            expect(
                "duplicate-url",
                "content/tietoa.md",
                2,
                1,
                "two files would be published at /tietoa/: this one and content/tietoa/_index.md:2:1",
            ),
            expect(
                "duplicate-url",
                "content/uusi.md",
                3,
                1,
                "two files would be published at /tietoa/: this one and content/tietoa/_index.md:2:1",
            ),
        ],
    );
}

#[test]
fn every_bad_slug_of_a_site_is_reported_in_one_run() {
    let sandbox = Sandbox::new();
    sandbox.write("content/yksi.md", &page("Yksi", "slug = \"..\""));
    sandbox.write("content/kaksi.md", &page("Kaksi", "slug = \"a/b\""));
    sandbox.write("content/osa/_index.md", &page("Osa", "slug = \"\""));
    sandbox.write("content/🎉.md", &page("Juhla", ""));
    assert_refused(
        "four bad slugs",
        &sandbox,
        &[
            expect("bad-slug", "content/yksi.md", 3, 1, "the slug `..`"),
            expect("bad-slug", "content/kaksi.md", 3, 1, "the slug `a/b`"),
            expect("bad-slug", "content/osa/_index.md", 3, 1, "the slug ``"),
            expect("bad-slug", "content/🎉.md", 0, 0, "the file name `🎉`"),
        ],
    );
    let out = sandbox.run(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("4 errors found"), "{stderr}");
}

#[test]
fn a_folder_without_a_section_needs_letters_in_its_name() {
    let sandbox = Sandbox::new();
    sandbox.write("content/🎉/sivu.md", &page("Sivu", ""));
    assert_refused(
        "emoji folder",
        &sandbox,
        &[expect(
            "bad-slug",
            "content/🎉",
            0,
            0,
            "the folder name `🎉` has no letters or digits",
        )],
    );
}

#[test]
fn taxonomy_pages_and_static_files_are_addresses_too() {
    let sandbox = Sandbox::new();
    sandbox.write("content/aiheet/_index.md", &page("Aiheet-osio", ""));
    sandbox.write("static/vanha.html", "<p>vanha</p>");
    sandbox.edit(
        "content/tietoa.md",
        "title = \"Tietoa\"\n",
        "title = \"Tietoa\"\naliases = [\"/vanha.html\"]\n",
    );
    assert_refused(
        "taxonomy on a section, alias on a static file",
        &sandbox,
        &[
            expect(
                "duplicate-url",
                "config.toml",
                3,
                24,
                "two files would be published at /aiheet/: this one and content/aiheet/_index.md:2:1",
            ),
            expect(
                "bad-alias",
                "content/tietoa.md",
                3,
                12,
                "alias `/vanha.html` would replace static/vanha.html",
            ),
        ],
    );
}

#[test]
fn an_output_file_is_never_another_outputs_folder() {
    let sandbox = Sandbox::new();
    sandbox.write("static/robots.txt/lue.txt", "ei");
    sandbox.edit(
        "content/tietoa.md",
        "title = \"Tietoa\"\n",
        "title = \"Tietoa\"\naliases = [\"/sitemap.xml\", \"/search/index.json\", \"/404.html/x\"]\n",
    );
    assert_refused(
        "aliases and a static folder over generated files",
        &sandbox,
        &[
            expect(
                "bad-alias",
                "content/tietoa.md",
                3,
                12,
                "alias `/sitemap.xml` needs a folder /sitemap.xml/ where the build writes the site's sitemap.xml",
            ),
            expect(
                "bad-alias",
                "content/tietoa.md",
                3,
                28,
                "alias `/search/index.json` is inside /search/, where the build writes the search index",
            ),
            expect(
                "bad-alias",
                "content/tietoa.md",
                3,
                50,
                "alias `/404.html/x` needs a folder /404.html/ where the build writes the site's 404.html",
            ),
            expect(
                "duplicate-url",
                "static/robots.txt/lue.txt",
                0,
                0,
                "static/robots.txt/lue.txt needs a folder /robots.txt/ where the build writes the site's robots.txt",
            ),
        ],
    );
}

#[test]
fn ordinary_names_and_slugs_still_fold_into_addresses() {
    let sandbox = Sandbox::new();
    sandbox.write("content/Kokous klo 12:00.md", &page("Kokous", ""));
    sandbox.write("content/juttu.md", &page("Juttu", "slug = \"Hyvä Juttu!\""));
    sandbox.edit(
        "content/tietoa.md",
        "title = \"Tietoa\"\n",
        "title = \"Tietoa\"\naliases = [\"/vanha-tietoa/\", \"/vanha.html\"]\n",
    );
    let out = sandbox.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = sandbox.site().join("public");
    for file in [
        "kokous-klo-12-00/index.html",
        "hyva-juttu/index.html",
        "vanha-tietoa/index.html",
        "vanha.html",
        "haku/index.html",
    ] {
        assert!(public.join(file).is_file(), "{file} was not written");
    }
    let redirect = std::fs::read_to_string(public.join("vanha.html")).unwrap();
    assert!(
        redirect.contains("https://example.fi/tietoa/"),
        "{redirect}"
    );
}

#[test]
fn an_asset_name_that_cannot_be_an_output_name_is_an_error() {
    let sandbox = Sandbox::new();
    sandbox.write("content/kuvat/kuva:1.png", "png");
    assert_refused(
        "asset with a colon",
        &sandbox,
        &[expect(
            "bad-file-name",
            "content/kuvat/kuva:1.png",
            0,
            0,
            "the file cannot be published under this name: it contains `:`",
        )],
    );
}

#[test]
fn a_static_file_name_that_is_not_utf8_is_an_error() {
    let sandbox = Sandbox::new();
    sandbox.write_os(OsStr::from_bytes(b"static/logo\xff.png"), "png");
    assert_refused(
        "static non-UTF-8",
        &sandbox,
        &[expect(
            "bad-file-name",
            "static/logo\u{fffd}.png",
            0,
            0,
            "is not valid UTF-8",
        )],
    );
}
