//! Library → typed views → tera → [`Output`]. Rendering is a list of outputs, one file of
//! `render/` per kind (article pages, listings and pagers, term pages, feeds, sitemap, static
//! pages, redirects, search records). Each kind turns the library into [`Item`]s: a
//! site-relative path, a template and the typed `#[derive(Serialize)]` view the template gets.
//! One pipeline ([`Renderer::emit`]) renders them in parallel, straight to the output.
//!
//! For `serve`, an item's fingerprint is the hash of that same serialized view plus the theme's
//! identity (its template sources and the `config` every template sees): what decides a
//! re-render is what is rendered, so the two cannot drift. Two stand-ins keep fingerprinting
//! in proportion to the view rather than to what it shows: a [`Card`] on a list is hashed as
//! the key of its card's view, and a [`Text`] (an article body) as the hash of its bytes.

mod feed;
mod listing;
mod page;
mod redirect;
pub mod search;
mod sitemap;
mod static_pages;
pub mod templates;
mod term;
pub mod views;

/// Where rendered files go (its own module; kept here under its old path for callers).
pub use crate::output;

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::{Arc, OnceLock};

use anyhow::{Context as _, Result, anyhow};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};
use serde::{Serialize, Serializer};
use tera::{Context, Tera, Value};

use crate::config::Config;
use crate::content::Library;
use crate::dates::Dates;
use crate::output::Output;
use crate::tagging::Vocabulary;
pub use redirect::redirect_html;
use templates::Theme;
use views::{CardView, PageTerms, SiteView, TermView, Urls};

/// One file to produce: where, with which template, from which view.
pub(crate) struct Item<'t, V> {
    /// Site-relative output path (`news/foo/index.html`).
    pub path: String,
    /// The template (for redirects, a name for the built-in page).
    pub template: &'t str,
    /// The language of the file (`lang` in templates).
    pub lang: &'t str,
    pub view: V,
    /// The source file, named in render errors.
    pub file: Option<&'t std::path::Path>,
    /// The fingerprint, when already known (else it is the hash of the view).
    pub fingerprint: Option<u64>,
}

impl<'t, V> Item<'t, V> {
    pub fn new(path: String, template: &'t str, lang: &'t str, view: V) -> Item<'t, V> {
        Item {
            path,
            template,
            lang,
            view,
            file: None,
            fingerprint: None,
        }
    }
}

/// What every template gets besides its own view (and the global `config`).
#[derive(Serialize)]
pub(crate) struct Page<'a, V> {
    current_path: String,
    current_url: String,
    lang: &'a str,
    #[serde(flatten)]
    view: V,
}

/// What one render leaves for the next in the same process (`serve`): the cards it built,
/// by the key of their view, and each article's card key and page fingerprint with what they
/// were made from. An article whose page, neighbours and context (theme, config, terms,
/// dates) are the same objects as last time keeps both without its views being built, so
/// finding what an edit touches costs in proportion to the edit, not to the site.
#[derive(Default)]
pub struct RenderMemo {
    cards: HashMap<u64, Arc<Value>>,
    /// The context the keys below were made in.
    context: u64,
    /// By the article's index in the library the memo was made for.
    pages: Vec<PageMemo>,
    /// The address of each article in `pages` (kept alive there, so an address is not
    /// reused) → its index.
    at: FxHashMap<usize, usize>,
}

/// How a render changes the memo the next render gets: a whole new one, or (after an
/// in-place update) the entries of the articles it looked at.
pub enum MemoUpdate {
    Whole(RenderMemo),
    Patch {
        pages: Vec<(usize, PageMemo)>,
        cards: Vec<(u64, Arc<Value>)>,
    },
}

impl RenderMemo {
    /// Applies what a render left (see [`Renderer::memo_update`]).
    pub fn apply(&mut self, update: MemoUpdate) {
        match update {
            MemoUpdate::Whole(memo) => *self = memo,
            MemoUpdate::Patch { pages, cards } => {
                for (i, new) in pages {
                    let Some(old) = self.pages.get_mut(i) else {
                        continue;
                    };
                    if old.card != new.card {
                        self.cards.remove(&old.card);
                    }
                    self.at.remove(&(Arc::as_ptr(&old.page) as usize));
                    self.at.insert(Arc::as_ptr(&new.page) as usize, i);
                    *old = new;
                }
                self.cards.extend(cards);
            }
        }
    }
}

pub struct PageMemo {
    page: Arc<crate::content::Page>,
    newer: Option<Arc<crate::content::Page>>,
    older: Option<Arc<crate::content::Page>>,
    card: u64,
    /// The article page's fingerprint.
    item: u64,
}

fn same(a: Option<&Arc<crate::content::Page>>, b: Option<&Arc<crate::content::Page>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

thread_local! {
    /// Set while a view is hashed for its fingerprint (see [`fingerprint_of`]).
    static FINGERPRINTING: Cell<bool> = const { Cell::new(false) };
}

/// The fingerprint of a view: [`hash_of`], with [`Card`]s and [`Text`]s serialized as their
/// keys instead of their contents.
fn fingerprint_of<T: Serialize + ?Sized>(value: &T) -> u64 {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            FINGERPRINTING.with(|f| f.set(false));
        }
    }
    FINGERPRINTING.with(|f| f.set(true));
    let _reset = Reset;
    hash_of(value)
}

fn fingerprinting() -> bool {
    FINGERPRINTING.with(Cell::get)
}

/// An article's body as a view shows it: its HTML when rendered, its key
/// ([`crate::content::Page::body_key`]) when fingerprinted, so a view is fingerprinted
/// without the body being held.
#[derive(Clone, Copy)]
pub enum Text<'a> {
    /// HTML at hand.
    Html { html: &'a str, key: u64 },
    /// Article `i`'s body, rendered again from its file when it is shown.
    Article { r: &'a Renderer<'a>, i: usize },
}

impl std::fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Text::Html { key, .. } => write!(f, "Text::Html({key:x})"),
            Text::Article { i, .. } => write!(f, "Text::Article({i})"),
        }
    }
}

impl Serialize for Text<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match *self {
            Text::Html { key, .. } if fingerprinting() => s.serialize_u64(key),
            Text::Article { r, i } if fingerprinting() => {
                s.serialize_u64(r.library.pages[i].body_key)
            }
            Text::Html { html, .. } => s.serialize_str(html),
            Text::Article { r, i } => {
                let body = r.body(i).map_err(serde::ser::Error::custom)?;
                s.serialize_str(&body.html)
            }
        }
    }
}

/// One article's card on a list: the card's tera value when rendered (built on first use and
/// shared by every list), the key of its view when fingerprinted.
#[derive(Clone, Copy)]
pub(crate) struct Card<'r> {
    r: &'r Renderer<'r>,
    i: usize,
}

impl Serialize for Card<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if fingerprinting() {
            s.serialize_u64(self.r.card_keys[self.i])
        } else if self.r.share_cards {
            self.r.card_value(self.i).serialize(s)
        } else {
            self.r.card(self.i).serialize(s)
        }
    }
}

/// Output file → fingerprint of its view, from the previous render. Comparing fingerprints
/// is how `serve` re-renders only what an edit affects.
#[derive(Debug, Default, Clone)]
pub struct Manifest {
    files: FxHashMap<String, u64>,
}

impl Manifest {
    /// A manifest of `(path, fingerprint)` pairs (from a build's record).
    pub fn from_pairs<'p>(pairs: impl Iterator<Item = (&'p str, u64)>) -> Manifest {
        Manifest {
            files: pairs.map(|(p, f)| (p.to_string(), f)).collect(),
        }
    }
    /// Every output file and its fingerprint, in no order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, u64)> {
        self.files.iter().map(|(p, f)| (p.as_str(), *f))
    }
    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
    /// Takes the entries of a render that looked at part of the site only (an in-place
    /// update): they replace those of the same files.
    pub fn merge(&mut self, part: Manifest) {
        self.files.extend(part.files);
    }
}

/// What a build produced.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub pages: usize,
    pub terms: usize,
    /// Files the site has.
    pub files: usize,
    /// Files rendered this time (all of them, unless a previous manifest was given).
    pub rendered: usize,
    /// Files deleted because what made them is gone.
    pub removed: usize,
    /// The paths rendered this time, sorted (kept only when fingerprints are tracked).
    pub rendered_paths: Vec<String>,
}

/// A hash of anything serializable: the JSON bytes, streamed into FxHash.
pub fn hash_of<T: Serialize + ?Sized>(value: &T) -> u64 {
    struct W(FxHasher);
    impl std::io::Write for W {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.write(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut w = W(FxHasher::default());
    serde_json::to_writer(&mut w, value).expect("views serialize");
    w.0.finish()
}

/// What one render pass accumulates while the kinds emit their items.
struct Run<'r> {
    prev: &'r Manifest,
    out: &'r dyn Output,
    manifest: Manifest,
    rendered: Vec<String>,
    errors: Vec<String>,
    files: usize,
    /// Files rendered (their paths are in `rendered` only when tracking).
    count: usize,
}

/// What the site's rules give rendering: term metadata and date formats.
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    pub vocab: &'a Vocabulary,
    pub dates: &'a Dates,
    /// The interface's words (`rules/ui.toml`): the global `ui` of every template.
    pub strings: &'a crate::strings::Strings,
}

/// Everything rendering needs, computed once.
pub struct Renderer<'a> {
    config: &'a Config,
    library: &'a Library,
    tera: &'a Tera,
    /// The theme's sources and the global `config` view, hashed.
    theme_id: u64,
    urls: Urls,
    rules: Rules<'a>,
    /// `(taxonomy, term) → (name, slug)`, to link a page's terms.
    index: views::TermIndex,
    /// Per page: its term links, made when first needed (most pages' cards come from the cache).
    terms: Vec<OnceLock<PageTerms>>,
    /// Per page: its card as a tera value, built when first shown and shared by every list
    /// it is on.
    cards: Vec<OnceLock<Arc<Value>>>,
    /// Per page: the hash of its card view (only when fingerprints are tracked).
    card_keys: Vec<u64>,
    /// What the previous render left (`serve`).
    memo: Option<&'a RenderMemo>,
    /// The context of this render's keys (see [`RenderMemo`]).
    context: u64,
    /// The article pages [`page::emit`] fingerprinted (every page, in order, unless the
    /// render is scoped) and their fingerprints.
    page_fps: OnceLock<Vec<(usize, u64)>>,
    /// For an in-place update ([`crate::content::library::Delta::InPlace`]): the pages that
    /// changed (sorted). Only the outputs that show them are looked at; every other file
    /// keeps its entry in the previous manifest.
    scope: Option<&'a [usize]>,
    /// Every page index, in reading order: the index listing.
    all: Vec<usize>,
    /// Fingerprint every output (for `serve`), or just render (for `build`).
    track: bool,
    /// Keep each card's tera value once built, for every list and the next render
    /// (`serve`); a one-shot build serializes each card where it is shown instead of holding
    /// them all (4 KB an article).
    share_cards: bool,
}

impl<'a> Renderer<'a> {
    /// A renderer for one full build: nothing is fingerprinted.
    pub fn new(
        config: &'a Config,
        library: &'a Library,
        theme: &'a mut Theme,
        rules: Rules<'a>,
    ) -> Renderer<'a> {
        Self::build(config, library, theme, rules, None, None)
    }

    /// A renderer that fingerprints every output, reusing the cards of an earlier render.
    pub fn tracking(
        config: &'a Config,
        library: &'a Library,
        theme: &'a mut Theme,
        rules: Rules<'a>,
        cache: &'a RenderMemo,
    ) -> Renderer<'a> {
        Self::build(config, library, theme, rules, Some(cache), None)
    }

    /// A renderer for an in-place update: the pages at `changed` were replaced and nothing
    /// moved (see [`crate::content::library::Delta::InPlace`]), so only the outputs that show
    /// them are fingerprinted, and the rest of the previous manifest stands. When `cache` was
    /// made in another context (theme, config, terms) or for another number of pages, this
    /// is [`Renderer::tracking`].
    pub fn in_place(
        config: &'a Config,
        library: &'a Library,
        theme: &'a mut Theme,
        rules: Rules<'a>,
        cache: &'a RenderMemo,
        changed: &'a [usize],
    ) -> Renderer<'a> {
        Self::build(config, library, theme, rules, Some(cache), Some(changed))
    }

    fn build(
        config: &'a Config,
        library: &'a Library,
        theme: &'a mut Theme,
        rules: Rules<'a>,
        cache: Option<&'a RenderMemo>,
        scope: Option<&'a [usize]>,
    ) -> Renderer<'a> {
        let urls = Urls::new(config);
        let site = SiteView::new(config, &urls, rules.strings);
        let theme_id = hash_of(&(theme.id, &site, rules.strings));
        theme.tera.global_context().insert("config", &site);
        theme.tera.global_context().insert("ui", rules.strings);
        let n = library.pages.len();
        let index = library.term_index();
        let context = {
            use std::hash::Hash;
            let mut h = FxHasher::default();
            (theme_id, &index, rules.dates).hash(&mut h);
            h.finish()
        };
        let mut r = Renderer {
            config,
            library,
            tera: &theme.tera,
            theme_id,
            urls,
            rules,
            index,
            terms: (0..n).map(|_| OnceLock::new()).collect(),
            cards: (0..n).map(|_| OnceLock::new()).collect(),
            card_keys: Vec::new(),
            memo: cache.filter(|m| m.context == context),
            context,
            page_fps: OnceLock::new(),
            scope: None,
            all: (0..n).collect(),
            track: cache.is_some(),
            share_cards: true,
        };
        if let (Some(memo), Some(scope)) = (r.memo, scope)
            && memo.pages.len() == n
            && scope.iter().all(|&i| i < n)
        {
            r.scope = Some(scope);
            r.card_keys = memo.pages.iter().map(|m| m.card).collect();
            for &i in scope {
                r.card_keys[i] = hash_of(&r.card(i));
            }
        } else if r.track {
            r.card_keys = (0..n)
                .into_par_iter()
                .map(|i| match r.remembered(i) {
                    Some(m) => m.card,
                    None => hash_of(&r.card(i)),
                })
                .collect();
        }
        r
    }

    fn card(&self, i: usize) -> CardView<'_> {
        CardView::new(
            &self.library.pages[i],
            self.terms(i),
            &self.urls,
            self.rules.dates,
            self.rules.strings,
        )
    }

    fn terms(&self, i: usize) -> &PageTerms {
        self.terms[i].get_or_init(|| {
            views::page_terms(
                &self.library.pages[i],
                &self.index,
                &self.urls,
                self.rules.vocab,
            )
        })
    }

    fn term_view(&self, tax: &str, t: &crate::content::library::Term, feed: bool) -> TermView {
        TermView::new(
            tax,
            t,
            &self.urls,
            if feed { self.config.term_feeds() } else { &[] },
        )
        .with_meta(
            self.rules.vocab.term_meta(tax, &t.name, &t.slug),
            self.config.language.starts_with("zh"),
        )
    }

    /// Page `i`'s card as tera sees it: from the previous render when its view is the same,
    /// else built now (once).
    fn card_value(&self, i: usize) -> &Value {
        self.cards[i].get_or_init(|| {
            let cached = self
                .memo
                .zip(self.card_keys.get(i))
                .and_then(|(memo, key)| memo.cards.get(key));
            match cached {
                Some(v) => v.clone(),
                None => Arc::new(Value::from_serializable(&self.card(i))),
            }
        })
    }

    /// For a render whose [`Renderer::memo`] is not wanted: cards are not kept.
    pub fn one_shot(mut self) -> Self {
        self.share_cards = false;
        self
    }

    /// Page `i`'s card on a list.
    pub(crate) fn card_ref(&'a self, i: usize) -> Card<'a> {
        Card { r: self, i }
    }

    /// What the previous render remembers of page `i`, if it is the same article.
    fn remembered(&self, i: usize) -> Option<&PageMemo> {
        let page = &self.library.pages[i];
        let memo = self.memo?;
        let at = *memo.at.get(&(Arc::as_ptr(page) as usize))?;
        memo.pages.get(at).filter(|m| Arc::ptr_eq(&m.page, page))
    }

    /// The fingerprint of page `i`'s article page from the previous render, when the page and
    /// both its neighbours are the same articles.
    fn remembered_page(&self, i: usize) -> Option<u64> {
        let pages = &self.library.pages;
        let m = self.remembered(i)?;
        let newer = i.checked_sub(1).map(|j| &pages[j]);
        let older = pages.get(i + 1);
        (same(m.newer.as_ref(), newer) && same(m.older.as_ref(), older)).then_some(m.item)
    }

    /// What this render leaves for the next one: the cards built this time and those of the
    /// previous render that are still current, and every article's keys.
    pub fn memo(&self) -> RenderMemo {
        let cards = self
            .card_keys
            .iter()
            .zip(&self.cards)
            .filter_map(|(key, cell)| {
                let value = cell
                    .get()
                    .or_else(|| self.memo.and_then(|m| m.cards.get(key)))?;
                Some((*key, value.clone()))
            })
            .collect();
        let (pages, at) = match self.page_fps.get() {
            Some(fps) if self.track && fps.len() == self.library.pages.len() => {
                let pages: Vec<PageMemo> =
                    fps.iter().map(|&(i, fp)| self.page_memo(i, fp)).collect();
                let at = pages
                    .iter()
                    .enumerate()
                    .map(|(i, m)| (Arc::as_ptr(&m.page) as usize, i))
                    .collect();
                (pages, at)
            }
            _ => Default::default(),
        };
        RenderMemo {
            cards,
            context: self.context,
            pages,
            at,
        }
    }

    /// What this render changes in the memo the next one gets: after an in-place update,
    /// the entries of the articles it looked at and the cards it built; else a whole memo.
    pub fn memo_update(&self) -> MemoUpdate {
        let Some(scope) = self.scope else {
            return MemoUpdate::Whole(self.memo());
        };
        let pages = self
            .page_fps
            .get()
            .map(|fps| {
                fps.iter()
                    .map(|&(i, fp)| (i, self.page_memo(i, fp)))
                    .collect()
            })
            .unwrap_or_default();
        let cards = scope
            .iter()
            .filter_map(|&i| Some((self.card_keys[i], self.cards[i].get()?.clone())))
            .collect();
        MemoUpdate::Patch { pages, cards }
    }

    fn page_memo(&self, i: usize, item: u64) -> PageMemo {
        let pages = &self.library.pages;
        PageMemo {
            page: pages[i].clone(),
            newer: i.checked_sub(1).map(|j| pages[j].clone()),
            older: pages.get(i + 1).cloned(),
            card: self.card_keys[i],
            item,
        }
    }

    /// Article `i`'s rendered body: held, or rendered again from its file (a one-shot build
    /// holds none; see [`crate::content::Page::body`]).
    fn body(&self, i: usize) -> Result<std::borrow::Cow<'a, crate::markdown::Rendered>> {
        let page: &'a crate::content::Page = &self.library.pages[i];
        page.body(self.config)
    }

    /// Whether this render looks only at what shows the changed pages (an in-place update).
    pub fn scoped(&self) -> bool {
        self.scope.is_some()
    }

    /// The positions in `items` (page indices, ascending when `ascending`) of the changed
    /// pages of an in-place update; `None` for a whole render.
    fn changed_positions(&self, items: &[usize], ascending: bool) -> Option<Vec<usize>> {
        let scope = self.scope?;
        let mut at: Vec<usize> = if ascending {
            scope
                .iter()
                .filter_map(|i| items.binary_search(i).ok())
                .collect()
        } else {
            items
                .iter()
                .enumerate()
                .filter(|(_, i)| scope.binary_search(i).is_ok())
                .map(|(k, _)| k)
                .collect()
        };
        at.sort_unstable();
        Some(at)
    }

    /// The pagers (0-based) of a listing of `items`, `per` to a page, to look at: all of them,
    /// or those that show a changed page.
    fn pagers_to_render(&self, items: &[usize], per: usize, ascending: bool) -> Vec<usize> {
        match self.changed_positions(items, ascending) {
            None => (0..pagers(items.len(), per)).collect(),
            Some(at) => {
                let mut p: Vec<usize> = at.into_iter().map(|k| k / per.max(1)).collect();
                p.dedup();
                p
            }
        }
    }

    /// Renders every file into `out`. Errors from all outputs are collected.
    pub fn render_all(&self, out: &dyn Output) -> Result<Stats> {
        self.render_changed(&Manifest::default(), out)
            .map(|(s, _)| s)
    }

    /// Renders the files whose views differ from `prev` (all, for an empty manifest), removes
    /// files that are gone, and returns the new manifest.
    pub fn render_changed(&self, prev: &Manifest, out: &dyn Output) -> Result<(Stats, Manifest)> {
        let mut run = Run {
            prev,
            out,
            manifest: Manifest::default(),
            rendered: Vec::new(),
            errors: Vec::new(),
            files: 0,
            count: 0,
        };
        page::emit(self, &mut run);
        listing::emit(self, &mut run);
        term::emit(self, &mut run);
        feed::emit(self, &mut run);
        // Made from the pages' URLs, dates and aliases and the theme alone: an in-place
        // update changes none of them.
        if !self.scoped() {
            sitemap::emit(self, &mut run);
            static_pages::emit(self, &mut run);
            redirect::emit(self, &mut run);
        }
        if !run.errors.is_empty() {
            let n = run.errors.len();
            let mut msg = run
                .errors
                .into_iter()
                .take(20)
                .collect::<Vec<_>>()
                .join("\n");
            if n > 20 {
                msg.push_str(&format!("\n… and {} more", n - 20));
            }
            return Err(anyhow!("{msg}"));
        }
        let mut removed = 0;
        let mut gone: Vec<&String> = prev
            .files
            .keys()
            .filter(|k| !self.scoped() && !run.manifest.files.contains_key(*k))
            .collect();
        gone.sort();
        for path in gone {
            out.remove(path)?;
            removed += 1;
        }
        run.rendered.sort();
        let stats = Stats {
            pages: self.library.pages.len(),
            terms: self.library.taxonomies.iter().map(|t| t.terms.len()).sum(),
            files: if self.scoped() { prev.len() } else { run.files },
            rendered: run.count,
            removed,
            rendered_paths: run.rendered,
        };
        Ok((stats, run.manifest))
    }

    /// Renders templated items through tera.
    fn emit_templates<'t, V: Serialize + Send>(
        &self,
        items: impl IntoParallelIterator<Item = Item<'t, V>>,
        run: &mut Run,
    ) {
        self.emit(items, self.theme_id, run, |it| {
            let html = self.render(it.template, &it.path, it.lang, &it.view);
            match it.file {
                Some(f) => html.with_context(|| format!("while rendering `{}`", f.display())),
                None => html,
            }
        });
    }

    /// The one pipeline every kind goes through: fingerprint the view (when tracking), skip
    /// what is unchanged, render and write the rest in parallel.
    fn emit<'t, V: Serialize + Send>(
        &self,
        items: impl IntoParallelIterator<Item = Item<'t, V>>,
        identity: u64,
        run: &mut Run,
        render: impl Fn(&Item<'_, V>) -> Result<String> + Sync,
    ) {
        let (prev, out, track) = (run.prev, run.out, self.track);
        let results: Vec<(String, u64, bool, Option<String>)> = items
            .into_par_iter()
            .map(|it| {
                let fp = match it.fingerprint {
                    Some(fp) => fp,
                    None if track => Self::fingerprint(identity, &it),
                    None => 0,
                };
                let dirty = !track || prev.files.get(&it.path) != Some(&fp);
                let err = dirty
                    .then(|| render(&it).and_then(|s| out.write(&it.path, s.as_bytes())))
                    .and_then(|r| r.err().map(|e| format!("{e:#}")));
                (it.path, fp, dirty, err)
            })
            .collect();
        run.files += results.len();
        for (path, fp, dirty, err) in results {
            run.errors.extend(err);
            run.count += usize::from(dirty);
            if dirty && track {
                run.rendered.push(path.clone());
            }
            if track {
                run.manifest.files.insert(path, fp);
            }
        }
    }

    /// The fingerprint of an item: its view hashed with everything else that decides its
    /// bytes.
    fn fingerprint<V: Serialize>(identity: u64, it: &Item<'_, V>) -> u64 {
        fingerprint_of(&(identity, it.template, &it.path, it.lang, &it.view))
    }

    /// Renders `template` with `view` and the per-file variables every template gets.
    fn render<V: Serialize>(
        &self,
        template: &str,
        path: &str,
        lang: &str,
        view: &V,
    ) -> Result<String> {
        let site_path = path
            .strip_suffix("index.html")
            .filter(|p| p.is_empty() || p.ends_with('/'))
            .unwrap_or(path);
        let page = Page {
            current_path: self.urls.url(site_path),
            current_url: self.urls.permalink(site_path),
            lang,
            view,
        };
        let ctx = Context::from_serialize(&page)
            .map_err(|e| anyhow!("{}", templates::render_error(&e)))?;
        self.tera
            .render(template, &ctx)
            .map_err(|e| anyhow!("{}", templates::render_error(&e)))
            .with_context(|| format!("failed to render template `{template}`"))
    }
}

/// Pages of `per` items over `n` items (at least one, for an empty listing).
fn pagers(n: usize, per: usize) -> usize {
    n.div_ceil(per.max(1)).max(1)
}
