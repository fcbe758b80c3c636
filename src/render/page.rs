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
        // Fingerprinted by its body's key; the body is rendered only to be shown.
        let body = if super::fingerprinting() {
            None
        } else {
            Some(r.body(i).map_err(serde::ser::Error::custom)?)
        };
        ArticleView {
            page: PageView::new(
                r.library,
                i,
                body.as_deref(),
                r.terms(i),
                &r.urls,
                r.rules.dates,
                (r.config, r.rules.strings),
            ),
        }
        .serialize(s)
    }
}

pub(super) fn emit<'r>(r: &'r Renderer<'r>, run: &mut Run) {
    use rayon::prelude::*;
    let lib = r.library;
    let item = |i: usize| {
        let page = &lib.pages[i];
        let template = (page.meta.template.as_deref())
            .or(page.inherited.template.as_deref())
            .unwrap_or("page.html");
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
        // Whole render: every page, its fingerprint remembered when it and its neighbours are
        // the same articles. In-place update: the changed pages and their neighbours (whose
        // newer/older links show them).
        let fps: Vec<(usize, u64)> = match r.scope {
            None => (0..lib.pages.len())
                .into_par_iter()
                .map(|i| {
                    let fp = r
                        .remembered_page(i)
                        .unwrap_or_else(|| Renderer::fingerprint(r.theme_id, &item(i)));
                    (i, fp)
                })
                .collect(),
            Some(changed) => {
                let mut at: Vec<usize> = changed
                    .iter()
                    .flat_map(|&i| [i.checked_sub(1), Some(i), Some(i + 1)])
                    .flatten()
                    .filter(|&i| i < lib.pages.len())
                    .collect();
                at.sort_unstable();
                at.dedup();
                at.into_par_iter()
                    .map(|i| (i, Renderer::fingerprint(r.theme_id, &item(i))))
                    .collect()
            }
        };
        let fps = r.page_fps.get_or_init(|| fps);
        let items = fps.par_iter().map(|&(i, fp)| Item {
            fingerprint: Some(fp),
            ..item(i)
        });
        r.emit_templates(items, run);
    } else {
        r.emit_templates((0..lib.pages.len()).into_par_iter().map(item), run);
    }
}
