//! `kumppani init DIR`: a new, minimal site that builds as it is.
//!
//! It uses the built-in default theme, so the new site holds only its own settings and content;
//! templates can be overridden later by name in `templates/`.

use crate::diagnostics::{Diagnostic, Result};
use std::path::Path;

const CONFIG: &str = r#"# The site's settings. See README.md of kumppani for every key.
title = "Järjestöt ja vapaaehtoistyö"
description = "Kunnan järjestö- ja vapaaehtoistyön tiedot yhdessä paikassa."
# The public address, with the sub-path if the site is published under one.
base_url = "https://www.example.fi/jarjestot/"
language = "fi"
theme = "kumppani"
taxonomies = [{ name = "aiheet" }]

[markdown]
external_links_class = "external"
external_links_rel = "noopener"

[extra]
organisation_name = "Esimerkin kunta"
contact_title = "Järjestöyhteyshenkilö"
contact_email = "jarjestot@example.fi"
contact_phone = "010 123 4567"
"#;

const HOME: &str = r#"+++
title = "Järjestöt ja vapaaehtoistyö"
description = "Kunnan ja järjestöjen yhteistyö, avustukset ja vapaaehtoistoiminta."
+++

Tervetuloa! Tältä sivustolta löydät kunnan ja järjestöjen yhteistyön tiedot.

Lue ensimmäinen [ajankohtainen tiedote](@/ajankohtaista/sivusto-avattu.md).
"#;

const SECTION: &str = r#"+++
title = "Ajankohtaista"
description = "Tiedotteet järjestöille ja vapaaehtoisille."
weight = 10
generate_feed = true
+++

Kunnan tiedotteet järjestöille ja vapaaehtoisille.
"#;

const PAGE: &str = r#"+++
title = "Sivusto avattu"
description = "Järjestöjen ja vapaaehtoistyön sivusto on avattu."
date = 2026-01-01

[taxonomies]
aiheet = ["tiedotteet"]
+++

Järjestöjen ja vapaaehtoistyön sivusto on avattu.

<!-- more -->

## Mitä sivustolta löytyy

Yhteistyön perusteet, avustukset ja yhteystiedot.
"#;

/// Writes a new site into `dir`, which must be missing or empty.
pub fn init(dir: &Path) -> Result<()> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| Diagnostic::io(dir, "read", &e))?
            .next()
            .is_some()
    {
        return Err(Diagnostic::usage(format!("{} is not empty", dir.display()))
            .with_hint("give a new folder name, e.g. `kumppani init uusi-sivusto`")
            .into());
    }
    let files = [
        ("config.toml", CONFIG),
        ("content/_index.md", HOME),
        ("content/ajankohtaista/_index.md", SECTION),
        ("content/ajankohtaista/sivusto-avattu.md", PAGE),
    ];
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("has parent"))
            .map_err(|e| Diagnostic::io(&path, "create folder for", &e))?;
        std::fs::write(&path, text).map_err(|e| Diagnostic::io(&path, "write", &e))?;
    }
    Ok(())
}
