//! `kumppani new organisation "Nimi ry"`: a complete, commented profile for the coordinator to
//! fill in. Required fields get valid example values (the file builds as written); optional
//! ones are present but commented out, with a Finnish note on what goes there.

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Result};
use crate::text::slugify;
use std::path::{Path, PathBuf};

/// Writes `content/<section>/<slug>.md` for a new organisation and returns its path.
/// Refuses to overwrite an existing file.
pub fn new_organisation(root: &Path, name: &str, today: chrono::NaiveDate) -> Result<PathBuf> {
    let config = Config::load(root)?;
    let Some(orgs) = &config.organisations else {
        return Err(
            Diagnostic::usage("config.toml has no [organisations] table")
                .with_file("config.toml")
                .with_hint("add [organisations] with section, categories and areas first")
                .into(),
        );
    };
    let name = name.trim();
    let slug = slugify(name);
    if slug.is_empty() {
        return Err(Diagnostic::usage("give the organisation's name, e.g. kumppani new organisation \"Ylöjärven Esimerkkiyhdistys ry\"").into());
    }
    let dir = root.join("content").join(orgs.section.trim_matches('/'));
    let path = dir.join(format!("{slug}.md"));
    if path.exists() {
        return Err(Diagnostic::usage(format!(
            "{} already exists; not overwriting it",
            path.display()
        ))
        .with_hint("edit the existing profile, or give a different name")
        .into());
    }
    let category = orgs.categories.first().map_or("", |c| c.slug.as_str());
    let area = orgs.areas.first().map_or("", |c| c.slug.as_str());
    let slugs = |choices: &[crate::config::Choice]| {
        choices
            .iter()
            .map(|c| c.slug.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (categories, areas) = (slugs(&orgs.categories), slugs(&orgs.areas));
    let text = skeleton(
        name,
        category,
        &categories,
        area,
        &areas,
        &today.to_string(),
    );
    std::fs::create_dir_all(&dir).map_err(|e| Diagnostic::io(&dir, "create folder", &e))?;
    // create_new: never clobber a file that appeared after the check above.
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| Diagnostic::io(&path, "create", &e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| Diagnostic::io(&path, "write", &e))?;
    Ok(path)
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn skeleton(
    name: &str,
    category: &str,
    categories: &str,
    area: &str,
    areas: &str,
    today: &str,
) -> String {
    let title = toml_string(name);
    format!(
        r#"+++
# Järjestön nimi sellaisena kuin se halutaan näyttää hakemistossa.
title = {title}
# Yksi lause toiminnasta: näkyy hakemiston listoissa ja hakutuloksissa.
description = "Kerro tässä yhdellä lauseella, mitä järjestö tekee."

[organisation]
# Ryhmä, täsmälleen yksi näistä: {categories}
category = "{category}"
# Alueet, joilla järjestö toimii (yksi tai useampi): {areas}
areas = ["{area}"]
# Järjestön oma sähköposti (rooliosoite, ei henkilön oma osoite).
# email = "info@yhdistys.fi"
# Järjestön puhelinnumero, alkaa 0:lla tai +358:lla.
# phone = "040 123 4567"
# Kotisivu, alkaa https://
# website = "https://www.yhdistys.fi/"
# Postiosoite: katu, postinumero (5 numeroa) ja postitoimipaikka.
# address = "Katu 1, 33470 Ylöjärvi"
# Missä kokoonnutaan.
# meeting_place = "Kerhohuone, Katu 1"
# Kenelle toiminta on tarkoitettu.
# target_groups = ["aikuiset", "ikäihmiset"]
# Toiminnan kielet.
# languages = ["suomi"]
# Tilojen esteettömyys: sisäänkäynti, hissi, wc, induktiosilmukka …
# accessibility = "Sisäänkäynti on katutasossa. Esteetön wc."
# Etsiikö järjestö vapaaehtoisia? true tai false (ilman lainausmerkkejä).
volunteers_wanted = false
# Vapaaehtoisten tehtävät, jos vapaaehtoisia etsitään.
# volunteer_tasks = ["kahvinkeitto", "retkien järjestäminen"]
# Perustamisvuosi numerona.
# founded = 2001
# Y-tunnus, jos järjestö on rekisteröity (tarkistusnumero tarkistetaan).
# business_id = "1234567-1"
# Järjestön sivu Lähellä.fi-palvelussa.
# lahella_url = "https://www.lahella.fi/"
# Logo: kuvatiedosto tämän tiedoston vieressä (png, jpg, svg tai webp).
# logo = "logot/yhdistys.png"
# Päivä, jolloin tiedot on viimeksi tarkistettu järjestön kanssa.
verified = {today}

# Nimetty yhteyshenkilö julkaistaan vain hänen luvallaan: consent = true ja
# consent_date (luvan päivä) ovat pakollisia. Ilman niitä sivusto ei käänny.
# Yhteyshenkilön tiedot eivät päädy avoimeen dataan eivätkä hakuun.
# [[organisation.contacts]]
# name = "Etunimi Sukunimi"
# role = "puheenjohtaja"
# email = "puheenjohtaja@yhdistys.fi"
# phone = "040 123 4567"
# consent = true
# consent_date = {today}
+++

## Toimintamme

Kerro, mitä järjestö tekee ja kenelle.

## Milloin kokoonnumme

Kerro kokoontumisajat ja -paikat.

## Tule mukaan

Kerro, miten mukaan pääsee.
"#
    )
}
