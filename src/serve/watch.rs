//! Which rebuild a set of changed paths needs: a pure function, so it is unit-tested.

use std::path::{Path, PathBuf};

/// What a batch of file-system events asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Change {
    /// Config, templates or rules changed: rebuild everything.
    pub full: bool,
    /// Markdown files under `content/` (created, edited or deleted).
    pub articles: Vec<PathBuf>,
    /// Other files under `content/` or `static/`: copied as they are.
    pub assets: Vec<PathBuf>,
}

impl Change {
    pub fn is_empty(&self) -> bool {
        !self.full && self.articles.is_empty() && self.assets.is_empty()
    }
}

/// Editors' swap, backup and lock files, and hidden files: never content.
fn is_noise(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Sorts changed paths (absolute, under `root`) into what must be rebuilt. The output
/// directory and anything else outside the site's inputs is ignored.
pub fn classify(root: &Path, paths: &[PathBuf]) -> Change {
    let mut change = Change::default();
    for path in paths {
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        if is_noise(path)
            || rel
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let mut comps = rel.components();
        let first = comps
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        match first.as_deref() {
            Some("config.toml") if rel.components().count() == 1 => change.full = true,
            Some("templates") | Some("rules") if rel.components().count() > 1 => change.full = true,
            Some("content") if rel.components().count() > 1 => {
                let list = if path.extension().is_some_and(|e| e == "md") {
                    &mut change.articles
                } else {
                    &mut change.assets
                };
                if !list.contains(path) {
                    list.push(path.clone());
                }
            }
            Some("static") if rel.components().count() > 1 && !change.assets.contains(path) => {
                change.assets.push(path.clone());
            }
            _ => {}
        }
    }
    if change.full {
        change.articles.clear();
        change.assets.clear();
    }
    change
}

/// The site-relative output path of an asset (`static/img/a.png` → `img/a.png`).
pub fn asset_output_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut comps = rel.components();
    comps.next()?;
    let rest = comps.as_path().to_string_lossy().replace('\\', "/");
    (!rest.is_empty()).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(v: &[&str]) -> Vec<PathBuf> {
        v.iter().map(|p| Path::new("/site").join(p)).collect()
    }

    #[test]
    fn an_article_edit_is_incremental() {
        let c = classify(
            Path::new("/site"),
            &paths(&["content/news/a.md", "content/news/a.md"]),
        );
        assert_eq!(
            c,
            Change {
                full: false,
                articles: paths(&["content/news/a.md"]),
                assets: vec![]
            }
        );
    }

    #[test]
    fn templates_config_and_rules_rebuild_everything() {
        for p in ["templates/page.html", "config.toml", "rules/companies.toml"] {
            let c = classify(Path::new("/site"), &paths(&[p, "content/a.md"]));
            assert!(c.full && c.articles.is_empty(), "{p}");
        }
    }

    #[test]
    fn assets_are_copied_and_noise_is_ignored() {
        let c = classify(
            Path::new("/site"),
            &paths(&[
                "static/style.css",
                "content/news/img.png",
                "public/index.html",
                "content/.a.md.swp",
                "content/a.md~",
                "content/4913",
                ".git/index",
                "target/x",
                "README.md",
            ]),
        );
        assert_eq!(
            c.assets,
            paths(&["static/style.css", "content/news/img.png"])
        );
        assert!(!c.full && c.articles.is_empty());
        assert_eq!(
            asset_output_path(Path::new("/site"), Path::new("/site/static/img/a.png")).as_deref(),
            Some("img/a.png")
        );
    }
}
