//! The 404 page and redirect pages for aliases.

use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::diagnostics::{Error, Result};
use crate::output::Writer;
use crate::render::Renderer;
use std::collections::HashSet;

/// `404.html` at the root of the output.
pub fn render_404(site: &Site, renderer: &Renderer, writer: &Writer) -> Result<()> {
    let ctx = renderer.base_context(site, "404.html", None);
    let html = renderer.render("404.html", &ctx, None)?;
    writer
        .write("404.html", html.as_bytes())
        .map_err(Error::from)
}

/// Redirect pages for every alias; an alias may not shadow a real page.
pub fn write_aliases(site: &Site, renderer: &Renderer, writer: &Writer) -> Result<()> {
    let taken: HashSet<&str> = site
        .pages
        .iter()
        .map(|p| p.path.as_str())
        .chain(site.sections.iter().map(|s| s.path.as_str()))
        .collect();
    let mut problems = Vec::new();
    let items = site
        .pages
        .iter()
        .map(|p| (&p.file, &p.meta.aliases, &p.path))
        .chain(
            site.sections
                .iter()
                .map(|s| (&s.file, &s.meta.aliases, &s.path)),
        );
    for (file, aliases, target) in items {
        for alias in aliases {
            let clean = alias.trim_start_matches('/');
            let clean = clean
                .strip_prefix(site.config.base_path().trim_start_matches('/'))
                .unwrap_or(clean);
            if clean.split('/').any(|seg| seg == ".." || seg == ".") || clean.contains('\\') {
                problems.push(
                    Diagnostic::error("bad-alias", format!("alias `{alias}` leaves the site"))
                        .with_file(&file.display)
                        .at_offset(&file.source, file.front_matter_offset + crate::config::key_offset(&file.source[file.front_matter_offset..], "aliases"))
                        .with_hint("write aliases as paths from the site root, e.g. aliases = [\"/vanha-osoite/\"]"),
                );
                continue;
            }
            let (dir_path, file_path) = if clean.ends_with(".html") {
                (clean.to_string(), clean.to_string())
            } else {
                let dir = if clean.is_empty() || clean.ends_with('/') {
                    clean.to_string()
                } else {
                    format!("{clean}/")
                };
                (dir.clone(), format!("{dir}index.html"))
            };
            if taken.contains(dir_path.as_str()) {
                problems.push(
                    Diagnostic::error(
                        "bad-alias",
                        format!("alias `{alias}` is the address of an existing page"),
                    )
                    .with_file(&file.display)
                    .with_hint("remove the alias or move the other page"),
                );
                continue;
            }
            let mut ctx = renderer.base_context(site, &dir_path, None);
            ctx.insert("target_url", &site.permalink(target));
            let html = match renderer.render("redirect.html", &ctx, Some(&file.display)) {
                Ok(h) => h,
                Err(e) => {
                    problems.extend(e.diagnostics);
                    continue;
                }
            };
            if let Err(d) = writer.write(&file_path, html.as_bytes()) {
                problems.push(d);
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::new(problems))
    }
}
