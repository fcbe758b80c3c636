//! Pages made from the theme and the config alone: `robots.txt`, `404.html`, the stylesheet,
//! and (with search on) the `/search/` page and its script. Their view is empty: they change
//! only with the theme or the config (the renderer's theme identity).

use serde::Serialize;

use super::{Item, Renderer, Run};

#[derive(Serialize)]
struct NoView {}

pub(super) fn emit(r: &Renderer, run: &mut Run) {
    let mut files = vec![
        ("robots.txt", "robots.txt"),
        ("404.html", "404.html"),
        ("style.css", "style.css"),
    ];
    if r.config.search.enabled {
        files.push(("search/index.html", "search.html"));
        files.push(("search/search.js", "search.js"));
    }
    let items: Vec<_> = files
        .into_iter()
        .map(|(path, template)| Item::new(path.into(), template, &r.config.language, NoView {}))
        .collect();
    r.emit_templates(items, run);
}
