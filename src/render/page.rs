//! Article pages: `<path>index.html`, from [`PageView`] as `page`.

use serde::Serialize;

use super::views::PageView;
use super::{Item, Renderer, Run};

#[derive(Serialize)]
struct ArticleView<'a> {
    page: PageView<'a>,
}

/// Page `i`'s view, made when it is serialized: an article whose fingerprint the previous
/// render remembers is neither viewed nor hashed.
struct Article<'r> {
    r: &'r Renderer<'r>,
    i: usize,
}

impl Serialize for Article<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (r, i) = (self.r, self.i);
        ArticleView {
            page: PageView::new(r.library, i, r.terms(i), &r.urls, r.rules.dates),
        }
        .serialize(s)
    }
}

pub(super) fn emit<'r>(r: &'r Renderer<'r>, run: &mut Run) {
    use rayon::prelude::*;
    let lib = r.library;
    let item = |i: usize| {
        let page = &lib.pages[i];
        let template = page.meta.template.as_deref().unwrap_or("page.html");
        Item {
            file: Some(page.file.as_path()),
            ..Item::new(
                format!("{}index.html", page.path),
                template,
                &page.language,
                Article { r, i },
            )
        }
    };
    if r.track {
        let fps: Vec<u64> = (0..lib.pages.len())
            .into_par_iter()
            .map(|i| {
                r.remembered_page(i)
                    .unwrap_or_else(|| Renderer::fingerprint(r.theme_id, &item(i)))
            })
            .collect();
        let fps = r.page_fps.get_or_init(|| fps);
        let items = (0..lib.pages.len()).into_par_iter().map(|i| Item {
            fingerprint: Some(fps[i]),
            ..item(i)
        });
        r.emit_templates(items, run);
    } else {
        r.emit_templates((0..lib.pages.len()).into_par_iter().map(item), run);
    }
}
