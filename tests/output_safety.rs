//! What `kumppani build` may replace and how it survives being killed: the output folder is
//! always the old or the new tree, never missing or torn; files it did not write are refused
//! unless `--force`; links planted in the kept output are never written through.

mod common;

use common::TestSite;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    v.sort();
    v
}

/// Names in the site folder that a build leaves beside `public/` besides the kept output.
fn leftovers(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect()
}

/// A site with `n` extra pages, big enough that a build takes a noticeable moment.
fn big_site(n: usize) -> TestSite {
    let site = TestSite::fixture("all-templates");
    site.write(
        "content/massa/_index.md",
        "+++\ntitle = \"Massa\"\n+++\n\nPaljon sivuja.\n",
    );
    for i in 0..n {
        site.write(
            &format!("content/massa/sivu-{i}.md"),
            &format!(
                "+++\ntitle = \"Sivu {i}\"\ndate = \"2026-01-01\"\n+++\n\nYhdistyksen toiminta \
                 numero {i} kokoontuu torstaisin. Vapaaehtoiset auttavat avustushakemuksissa.\n"
            ),
        );
    }
    site
}

/// A pseudo-random number from the clock: enough to spread kills over a build.
fn jitter(bound: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    (nanos.wrapping_mul(6364136223846793005) >> 17) % bound.max(1)
}

#[test]
fn a_killed_build_leaves_the_old_or_the_new_output_never_a_torn_one() {
    let site = big_site(3000);
    site.build(&[]);
    let expected = files(&site.path("public"));
    assert!(expected.len() > 3000, "{} files", expected.len());
    let start = Instant::now();
    site.build(&[]);
    let build_ms = start.elapsed().as_millis() as u64;
    let mut published = "Sivu 1".to_string();
    for round in 0..20 {
        // Each round changes one page, so the new tree differs from the old in a known file.
        site.write(
            "content/massa/sivu-1.md",
            &format!("+++\ntitle = \"Kierros {round}\"\n+++\n\nTeksti.\n"),
        );
        let mut child = common::kumppani()
            .arg("build")
            .current_dir(site.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(jitter(build_ms * 6 / 5)));
        // SIGKILL: nothing of the build runs after it.
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        child.wait().unwrap();
        let public = site.path("public");
        assert!(public.is_dir(), "round {round}: public/ is missing");
        assert_eq!(
            files(&public),
            expected,
            "round {round}: public/ is not a whole build"
        );
        let page = std::fs::read_to_string(public.join("massa/sivu-1/index.html")).unwrap();
        let new = format!("Kierros {round}");
        assert!(
            page.contains(&new) || page.contains(&published),
            "round {round}: page is neither the last published ({published}) nor the new one"
        );
        if page.contains(&new) {
            published = new;
        }
    }
    site.build(&[]);
    assert_eq!(files(&site.path("public")), expected);
    assert!(site.read("massa/sivu-1/index.html").contains("Kierros 19"));
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}

#[test]
fn refuses_to_replace_what_it_did_not_write_unless_forced() {
    let site = TestSite::fixture("all-templates");
    site.write("notes.txt", "my notes");
    site.write("documents/letter.txt", "my letter");
    for (target, what) in [
        ("notes.txt", "existing file"),
        ("documents", "did not write"),
    ] {
        let out = site.run(&["build", "--output", target]);
        assert_eq!(out.status.code(), Some(2), "{target}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(what) && err.contains("--force"), "{err}");
    }
    assert_eq!(
        std::fs::read_to_string(site.path("notes.txt")).unwrap(),
        "my notes"
    );
    assert_eq!(
        std::fs::read_to_string(site.path("documents/letter.txt")).unwrap(),
        "my letter"
    );
    for target in ["config.toml", "/dev/null", "/", "/etc", "content"] {
        let out = site.run(&["build", "--force", "--output", target]);
        assert_eq!(out.status.code(), Some(2), "{target}: {}", stderr(&out));
        assert!(stderr(&out).contains("refusing"), "{}", stderr(&out));
    }
    assert!(site.path("config.toml").is_file());
    use std::os::unix::fs::FileTypeExt;
    let null = Path::new("/dev/null").metadata().unwrap();
    assert!(null.file_type().is_char_device());

    // An output this program wrote is replaced without --force, again and again.
    site.build(&["--output", "site-out"]);
    assert!(site.path("site-out/.kumppani-output").is_file());
    site.build(&["--output", "site-out"]);
    // --force replaces the file: the user said so.
    site.build(&["--force", "--output", "notes.txt"]);
    assert!(site.path("notes.txt/index.html").is_file());
}

#[test]
fn links_planted_in_the_kept_output_are_not_written_through() {
    let site = TestSite::fixture("all-templates");
    site.build(&[]);
    site.build(&[]);
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let kept = site.path(".public.previous");
    std::fs::remove_file(kept.join("index.html")).unwrap();
    std::os::unix::fs::symlink(&victim, kept.join("index.html")).unwrap();
    std::fs::remove_dir_all(kept.join("ohjeet")).unwrap();
    std::os::unix::fs::symlink(outside.path(), kept.join("ohjeet")).unwrap();
    // A hard link, when the file system allows one across these folders.
    let hard = kept.join("tietoa/index.html");
    std::fs::remove_file(&hard).unwrap();
    let hard_linked = std::fs::hard_link(&victim, &hard).is_ok();
    site.build(&[]);
    site.build(&[]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(
        std::fs::read_dir(outside.path()).unwrap().count(),
        1,
        "nothing written into the linked folder"
    );
    for rel in ["index.html", "ohjeet", "tietoa/index.html"] {
        let meta = site.path("public").join(rel).symlink_metadata().unwrap();
        assert!(!meta.file_type().is_symlink(), "{rel} is a link");
    }
    assert!(site.read("index.html").contains("<html"));
    let _ = hard_linked;
}

#[test]
fn stale_staging_folders_go_and_an_unusable_kept_output_is_set_aside() {
    let site = TestSite::fixture("all-templates");
    site.build(&[]);
    site.build(&[]);
    site.write(
        ".public.staging-4000000/junk.html",
        "left by a killed build",
    );
    site.write(
        ".public.staging-1-2/junk.html",
        "left by an older killed build",
    );
    let kept = site.path(".public.previous/ohjeet");
    let mut perms = std::fs::metadata(&kept).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o555);
    std::fs::set_permissions(&kept, perms).unwrap();
    let out = site.build(&[]);
    // Root may write anywhere, so only an ordinary user sees the folder as unusable.
    let root = unsafe { libc::geteuid() } == 0;
    assert!(
        root || stderr(&out).contains("output-not-reused"),
        "{}",
        stderr(&out)
    );
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
    assert!(site.exists("ohjeet/index.html"));
}

#[test]
fn two_builds_into_one_output_do_not_interleave() {
    let site = big_site(500);
    site.build(&[]);
    let expected = files(&site.path("public"));
    let spawn = || {
        common::kumppani()
            .arg("build")
            .current_dir(site.root())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(files(&site.path("public")), expected);
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}
