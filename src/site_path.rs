//! The one checked place for output paths.
//!
//! Everything the build writes lands at a site-relative path made of URL segments that come
//! from content (slugs, folder names, aliases, taxonomy names and terms, static file names). A
//! segment that is empty, `.`/`..`, holds a separator, a control character or a drive prefix,
//! or is longer than a file name may be, would write outside the output folder, over another
//! file, or fail half-way on some file system. Loading checks slugs and aliases with these
//! rules so the author gets a located error; the [`Writer`](crate::output::Writer) checks every
//! path again with [`check_file`] so nothing that slipped past the loader can leave the output.

use std::fmt;

/// Longest segment in bytes: the file name limit of ext4, APFS, NTFS and most others.
pub const MAX_SEGMENT_BYTES: usize = 255;

/// Why a segment or path was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// The path is empty (a file needs a name).
    Empty,
    /// An empty segment: `a//b`, a leading `/` (absolute path) or a trailing one.
    EmptySegment,
    /// A `.` or `..` segment.
    Dot(&'static str),
    /// A `/` or `\` inside one segment.
    Separator(char),
    /// NUL or another control character.
    Control(char),
    /// A `:` (drive prefix `C:` or a Windows stream name).
    Drive,
    /// An absolute path (`/x`).
    Absolute,
    /// A segment longer than [`MAX_SEGMENT_BYTES`].
    TooLong(usize),
    /// A name that is not valid UTF-8 (shown lossily).
    NotUtf8(String),
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::Empty => write!(f, "it is empty"),
            PathError::EmptySegment => {
                write!(f, "it has an empty part (`//`, or `/` at its start or end)")
            }
            PathError::Dot(dot) => write!(f, "it has a `{dot}` part, which would leave its folder"),
            PathError::Separator(c) => write!(f, "it contains `{c}`"),
            PathError::Control(c) => {
                write!(f, "it contains the control character U+{:04X}", *c as u32)
            }
            PathError::Drive => write!(f, "it contains `:` (a drive or stream name on Windows)"),
            PathError::Absolute => write!(f, "it is an absolute path"),
            PathError::TooLong(n) => write!(
                f,
                "it is {n} bytes long; a file name may be at most {MAX_SEGMENT_BYTES}"
            ),
            PathError::NotUtf8(lossy) => write!(f, "`{lossy}` is not valid UTF-8"),
        }
    }
}

/// Checks one URL segment / file name: non-empty, not `.`/`..`, no `/` or `\`, no control
/// character, no `:`, at most [`MAX_SEGMENT_BYTES`] bytes.
pub fn check_segment(segment: &str) -> Result<(), PathError> {
    match segment {
        "" => return Err(PathError::Empty),
        "." => return Err(PathError::Dot(".")),
        ".." => return Err(PathError::Dot("..")),
        _ => {}
    }
    for c in segment.chars() {
        match c {
            '/' | '\\' => return Err(PathError::Separator(c)),
            ':' => return Err(PathError::Drive),
            c if c.is_control() => return Err(PathError::Control(c)),
            _ => {}
        }
    }
    if segment.len() > MAX_SEGMENT_BYTES {
        return Err(PathError::TooLong(segment.len()));
    }
    Ok(())
}

/// Checks a site-relative file path (`uutiset/avaus/index.html`): `/`-separated valid segments,
/// not absolute, nothing empty.
pub fn check_file(path: &str) -> Result<(), PathError> {
    if path.is_empty() {
        return Err(PathError::Empty);
    }
    if path.starts_with('/') || path.starts_with('\\') {
        return Err(PathError::Absolute);
    }
    if path.split('/').any(str::is_empty) {
        return Err(PathError::EmptySegment);
    }
    path.split('/').try_for_each(check_segment)
}

/// Checks a site path of a page (`""` for home, else segments each followed by `/`:
/// `uutiset/avaus/`).
pub fn check_dir(path: &str) -> Result<(), PathError> {
    if path.is_empty() {
        return Ok(());
    }
    match path.strip_suffix('/') {
        Some(inner) => check_file(inner),
        None => Err(PathError::EmptySegment),
    }
}

/// The output file an alias (`/vanha-osoite/`, `/vanha.html`, with or without the base path)
/// is written to: `vanha-osoite/index.html`, `vanha.html`.
pub fn alias_file(alias: &str, base_path: &str) -> Result<String, PathError> {
    let clean = alias.trim_start_matches('/');
    let clean = clean
        .strip_prefix(base_path.trim_start_matches('/'))
        .unwrap_or(clean);
    let file = if clean.ends_with(".html") {
        clean.to_string()
    } else if clean.is_empty() || clean.ends_with('/') {
        format!("{clean}index.html")
    } else {
        format!("{clean}/index.html")
    };
    check_file(&file)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::slugify;
    use proptest::prelude::*;
    use std::path::{Component, Path};

    #[test]
    fn segments_are_refused_for_each_rule() {
        let cases: &[(&str, PathError)] = &[
            ("", PathError::Empty),
            (".", PathError::Dot(".")),
            ("..", PathError::Dot("..")),
            ("a/b", PathError::Separator('/')),
            ("a\\b", PathError::Separator('\\')),
            ("C:", PathError::Drive),
            ("a\0b", PathError::Control('\0')),
            ("a\nb", PathError::Control('\n')),
            ("a\u{7f}", PathError::Control('\u{7f}')),
        ];
        for (segment, why) in cases {
            assert_eq!(check_segment(segment).as_ref(), Err(why), "{segment:?}");
        }
        assert_eq!(
            check_segment(&"a".repeat(256)),
            Err(PathError::TooLong(256))
        );
        assert_eq!(check_segment(&"a".repeat(255)), Ok(()));
        for ok in ["uutiset", "...", "a.b", "index.html", "järjestö", "-"] {
            assert_eq!(check_segment(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn file_paths_are_checked_segment_by_segment() {
        assert_eq!(check_file("uutiset/avaus/index.html"), Ok(()));
        assert_eq!(check_file(""), Err(PathError::Empty));
        assert_eq!(check_file("/index.html"), Err(PathError::Absolute));
        assert_eq!(check_file("a//index.html"), Err(PathError::EmptySegment));
        assert_eq!(check_file("a/"), Err(PathError::EmptySegment));
        assert_eq!(check_file("../x/index.html"), Err(PathError::Dot("..")));
        assert_eq!(check_file("a/./b"), Err(PathError::Dot(".")));
        assert_eq!(check_file("C:/x"), Err(PathError::Drive));
        assert_eq!(check_dir(""), Ok(()));
        assert_eq!(check_dir("uutiset/avaus/"), Ok(()));
        assert_eq!(check_dir("/"), Err(PathError::Empty));
        assert_eq!(check_dir("uutiset"), Err(PathError::EmptySegment));
        assert_eq!(check_dir("uutiset//"), Err(PathError::EmptySegment));
    }

    #[test]
    fn aliases_become_checked_files() {
        assert_eq!(alias_file("/vanha/", "/").unwrap(), "vanha/index.html");
        assert_eq!(alias_file("/vanha", "/").unwrap(), "vanha/index.html");
        assert_eq!(alias_file("/x.html", "/").unwrap(), "x.html");
        assert_eq!(alias_file("/", "/").unwrap(), "index.html");
        assert_eq!(
            alias_file("/hub/vanha/", "/hub/").unwrap(),
            "vanha/index.html"
        );
        assert!(alias_file("/../x/", "/").is_err());
        assert!(alias_file("/a//b/", "/").is_err());
        assert!(alias_file("/a/\0/", "/").is_err());
    }

    #[test]
    fn writers_refuse_unsafe_paths_in_folder_and_memory() {
        use crate::output::Writer;
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let folder = Writer::new(&out);
        let memory = Writer::in_memory();
        for bad in [
            "",
            "/index.html",
            "../x.html",
            "a/../../x",
            "a//index.html",
            "C:/x",
            "a\0b",
        ] {
            for writer in [&folder, &memory] {
                let err = writer.write(bad, b"x").unwrap_err();
                assert_eq!(err.code, "unsafe-path", "{bad:?}");
                assert!(
                    writer.copy(Path::new("/etc/hostname"), bad).is_err(),
                    "{bad:?}"
                );
            }
        }
        let names: Vec<_> = std::fs::read_dir(parent.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out"]);
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
        assert!(memory.into_files().is_empty());
    }

    #[test]
    fn a_redirect_never_replaces_a_written_file() {
        use crate::output::Writer;
        let dir = tempfile::tempdir().unwrap();
        let folder = Writer::new(dir.path());
        let memory = Writer::in_memory();
        for writer in [&folder, &memory] {
            writer.write("haku/index.html", b"search").unwrap();
            assert_eq!(
                writer
                    .write_new("haku/index.html", b"redirect")
                    .unwrap_err()
                    .code,
                "unsafe-path"
            );
            writer.write_new("vanha/index.html", b"redirect").unwrap();
        }
        assert_eq!(
            std::fs::read(dir.path().join("haku/index.html")).unwrap(),
            b"search"
        );
        assert_eq!(memory.into_files()["haku/index.html"], b"search");
    }

    fn segment_text() -> impl Strategy<Value = String> {
        // Plenty of separators, dots and control characters among ordinary letters.
        proptest::collection::vec(
            prop_oneof![
                Just("/".to_string()),
                Just("\\".to_string()),
                Just(".".to_string()),
                Just("..".to_string()),
                Just(":".to_string()),
                Just("\0".to_string()),
                Just("\n".to_string()),
                "[a-zäö0-9 -]{0,4}",
                any::<char>().prop_map(String::from),
            ],
            0..12,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn accepted_files_have_no_dot_segments_and_stay_under_the_root(path in segment_text()) {
            if check_file(&path).is_ok() {
                prop_assert!(!path.starts_with('/'));
                prop_assert!(!path.split('/').any(|s| s.is_empty() || s == "." || s == ".."));
                prop_assert!(!path.contains('\\') && !path.contains(':'));
                prop_assert!(!path.chars().any(char::is_control));
                let root = Path::new("/srv/out");
                let joined = root.join(&path);
                prop_assert!(joined.starts_with(root));
                prop_assert!(joined
                    .strip_prefix(root)
                    .unwrap()
                    .components()
                    .all(|c| matches!(c, Component::Normal(_))));
                prop_assert!(joined.components().count() > root.components().count());
            }
        }

        #[test]
        fn accepted_segments_are_one_plain_component(segment in segment_text()) {
            if check_segment(&segment).is_ok() {
                let components: Vec<_> = Path::new(&segment).components().collect();
                prop_assert_eq!(components.len(), 1);
                prop_assert!(matches!(components[0], Component::Normal(_)));
            }
        }

        #[test]
        fn slugify_makes_a_valid_segment_or_nothing(text in segment_text()) {
            let slug = slugify(&text);
            prop_assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{slug}");
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
            if !slug.is_empty() && slug.len() <= MAX_SEGMENT_BYTES {
                prop_assert_eq!(check_segment(&slug), Ok(()));
            }
            // Folding is stable: a slug slugifies to itself.
            prop_assert_eq!(slugify(&slug), slug);
        }

        #[test]
        fn aliases_never_leave_the_site(alias in segment_text()) {
            if let Ok(file) = alias_file(&alias, "/") {
                prop_assert!(check_file(&file).is_ok());
                prop_assert!(!file.split('/').any(|s| s == ".."));
            }
        }
    }
}
