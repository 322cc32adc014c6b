//! The 404 page and redirect pages for aliases.

use super::{Generator, Run, full_render_only, lists_nothing, touches_nothing};
use crate::diagnostics::Diagnostic;
use crate::diagnostics::{Error, Result};

/// `404.html`.
pub const NOT_FOUND: Generator = Generator {
    name: "render 404",
    lists: lists_nothing,
    runs: full_render_only,
    run: render_404,
    touches: touches_nothing,
};

/// A redirect page at every alias.
pub const ALIASES: Generator = Generator {
    name: "write aliases",
    lists: lists_nothing,
    runs: full_render_only,
    run: write_aliases,
    touches: touches_nothing,
};

/// `404.html` at the root of the output.
fn render_404(run: &Run<'_>) -> Result<()> {
    let (site, renderer, writer) = (&**run.site, run.renderer, run.writer);
    let ctx = renderer.base_context(site, "404.html", None);
    let html = renderer.render("404.html", &ctx, None)?;
    writer
        .write("404.html", html.as_bytes())
        .map_err(Error::from)
}

/// Redirect pages for every alias. Loading already refused aliases that leave the site or land
/// on an address the build uses; here every alias is checked again and written with
/// [`Writer::write_new`], so written last it can never replace a page or file.
fn write_aliases(run: &Run<'_>) -> Result<()> {
    let (site, renderer, writer) = (&**run.site, run.renderer, run.writer);
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
            let file_path = match crate::site_path::alias_file(alias, site.config.base_path()) {
                Ok(path) => path,
                Err(why) => {
                    problems.push(
                        Diagnostic::error("bad-alias", format!("alias `{}` cannot be an address: {why}", alias.escape_debug()))
                            .with_file(&file.display)
                            .with_hint("write aliases as paths from the site root, e.g. aliases = [\"/vanha-osoite/\"]"),
                    );
                    continue;
                }
            };
            let dir_path = file_path.strip_suffix("index.html").unwrap_or(&file_path);
            let mut ctx = renderer.base_context(site, dir_path, None);
            ctx.insert("target_url", &site.permalink(target));
            let html = match renderer.render("redirect.html", &ctx, Some(&file.display)) {
                Ok(h) => h,
                Err(e) => {
                    problems.extend(e.diagnostics);
                    continue;
                }
            };
            if let Err(d) = writer.write_new(&file_path, html.as_bytes()) {
                problems.push(d.with_file(&file.display));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::new(problems))
    }
}
