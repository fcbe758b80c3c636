//! Article pages: `<path>index.html`, from [`PageView`] as `page`.

use serde::Serialize;

use super::views::PageView;
use super::{Item, Renderer, Run};

#[derive(Serialize)]
struct ArticleView<'a> {
    page: PageView<'a>,
}

pub(super) fn emit(r: &Renderer, run: &mut Run) {
    use rayon::prelude::*;
    let lib = r.library;
    // Views are made inside the parallel render, so only the pages in flight hold one.
    let items = (0..lib.pages.len()).into_par_iter().map(|i| {
        let page = &lib.pages[i];
        let view = ArticleView {
            page: PageView::new(lib, i, r.terms(i), &r.urls, r.rules.dates),
        };
        let template = page.meta.template.as_deref().unwrap_or("page.html");
        Item {
            file: Some(&page.file),
            ..Item::new(
                format!("{}index.html", page.path),
                template,
                &page.language,
                view,
            )
        }
    });
    r.emit_templates(items, run);
}
