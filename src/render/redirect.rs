//! Redirect pages: the `aliases` (old URLs) of pages and sections, a section's `redirect_to`,
//! and the `page/1/` of paginated listings. Built-in HTML, no template: their view is the
//! target alone.

use std::collections::HashSet;

use serde::Serialize;

use super::{Item, Renderer, Run};
use crate::content::section::Redirect;

#[derive(Serialize)]
pub(super) struct RedirectView {
    pub to: String,
}

/// A page that sends the browser to `to` (meta refresh plus a link, for static hosts).
pub fn redirect_html(to: &str) -> String {
    let mut esc = String::new();
    let _ = pulldown_cmark_escape::escape_html(&mut esc, to);
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Redirect</title>\
         <link rel=\"canonical\" href=\"{esc}\"><meta http-equiv=\"refresh\" content=\"0; url={esc}\">\
         </head><body><a href=\"{esc}\">{esc}</a></body></html>\n"
    )
}

/// Renders redirect items: their identity is the built-in page, not the theme.
pub(super) fn emit_items(r: &Renderer, items: Vec<Item<'_, RedirectView>>, run: &mut Run) {
    const BUILT_IN: u64 = 0x7265_6469_7265_6374; // "redirect": no theme, no config
    r.emit(items, BUILT_IN, run, |it| Ok(redirect_html(&it.view.to)));
}

/// The redirects of every page's and section's `aliases` (unless an article has that path),
/// and of every section's `redirect_to` (at the section's URL, in place of its listing).
pub(super) fn emit(r: &Renderer, run: &mut Run) {
    let lib = r.library;
    let taken: HashSet<&str> = lib.pages.iter().map(|p| p.path.as_str()).collect();
    let owners = lib
        .pages
        .iter()
        .map(|p| (&p.path, &p.meta.aliases))
        .chain(lib.sections.iter().map(|s| (&s.path, &s.meta.aliases)));
    let mut items = Vec::new();
    for (path, aliases) in owners {
        for alias in aliases {
            let (file, dir) = crate::content::library::alias_target(alias);
            if alias.trim_matches('/').is_empty() || taken.contains(dir.as_str()) {
                continue;
            }
            let to = r.urls.url(path);
            items.push(Item::new(file, "redirect", "", RedirectView { to }));
        }
    }
    for s in &lib.sections {
        let to = match &s.redirect {
            None => continue,
            Some(_) if s.meta.render == Some(false) => continue,
            Some(Redirect::Site(path)) => r.urls.url(path),
            Some(Redirect::External(url)) => url.clone(),
        };
        let file = format!("{}index.html", s.path);
        items.push(Item::new(file, "redirect", "", RedirectView { to }));
    }
    emit_items(r, items, run);
}
