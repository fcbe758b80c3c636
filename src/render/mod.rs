//! Library → views → tera → output. Every output file is one job; jobs run in parallel and
//! each writes straight to the output, so memory stays flat as the site grows.

pub mod output;
pub mod templates;
pub mod views;

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::sync::OnceLock;

use anyhow::{Context as _, Result, anyhow};
use rayon::prelude::*;
use tera::{Context, Tera, Value};

use crate::config::Config;
use crate::content::Library;
use output::Output;
use views::{CardView, DateView, PageTerms, PageView, SiteView, TermView, Urls};

/// One file to produce.
#[derive(Debug, Clone)]
enum Job {
    Page(usize),
    /// The index (or a section, by index into `library.sections`), 0-based pager number.
    Index {
        section: Option<usize>,
        pager: usize,
    },
    TermList(usize),
    Term {
        tax: usize,
        term: usize,
        pager: usize,
    },
    TermFeed {
        tax: usize,
        term: usize,
    },
    Feed(&'static str),
    Sitemap,
    Robots,
    NotFound,
    /// The theme's stylesheet, rendered from the `style.css` template.
    Style,
    /// The search page and its script (the index itself is written by `crate::search`).
    SearchPage,
    SearchScript,
    /// A redirect page at `from` (site-relative) to the link `to`.
    Redirect {
        from: String,
        to: String,
    },
}

/// Everything rendering needs, computed once.
pub struct Renderer<'a> {
    config: &'a Config,
    library: &'a Library,
    tera: &'a Tera,
    urls: Urls,
    /// `(taxonomy, term) → (name, slug)`, to link a page's terms.
    index: views::TermIndex,
    /// Per page: its term links, made when first needed (most pages' cards come from the cache).
    terms: Vec<OnceLock<PageTerms>>,
    /// Per page: its card as a tera value, built once and shared by every list it is on.
    cards: Vec<Value>,
    /// Per page: a fingerprint of everything its card and page are made from.
    card_fps: Vec<u64>,
    /// Every page index, in reading order: the index listing.
    all: Vec<usize>,
    /// Company and topic metadata for term pages (issue 4).
    vocab: Option<&'a crate::tagging::Vocabulary>,
}

/// Cards by fingerprint, kept between renders by `serve`.
pub type CardCache = HashMap<u64, Value>;

/// Output file → fingerprint of its inputs, from the previous render. Comparing fingerprints
/// is how `serve` re-renders only what an edit affects.
#[derive(Debug, Default, Clone)]
pub struct Manifest {
    jobs: crate::hash::FxHashMap<String, (u64, Vec<String>)>,
}

impl Manifest {
    pub fn len(&self) -> usize {
        self.jobs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }
}

struct Listing<'a> {
    path: &'a str,
    items: &'a [usize],
    per: usize,
    meta: Option<&'a crate::content::library::SectionMeta>,
    template: &'a str,
}

fn fp(parts: impl Hash) -> u64 {
    crate::hash::fingerprint(parts)
}

/// What a build produced.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub pages: usize,
    pub terms: usize,
    /// Files the site has.
    pub files: usize,
    /// Files rendered this time (all of them, unless a previous manifest was given).
    pub rendered: usize,
    /// Files deleted because what made them is gone.
    pub removed: usize,
}

impl<'a> Renderer<'a> {
    pub fn new(config: &'a Config, library: &'a Library, tera: &'a mut Tera) -> Renderer<'a> {
        Self::with_cache(config, library, tera, &CardCache::default())
    }

    /// Like [`Renderer::new`], reusing the cards of unchanged pages from an earlier render.
    pub fn with_cache(
        config: &'a Config,
        library: &'a Library,
        tera: &'a mut Tera,
        cache: &CardCache,
    ) -> Renderer<'a> {
        let urls = Urls::new(config);
        tera.global_context()
            .insert("config", &SiteView::new(config, &urls));
        let index = views::term_index(library);
        // Term slugs are in every card: when any changes (rare), every card is rebuilt.
        let terms_fp = fp(&index);
        let card_fps: Vec<u64> = library
            .pages
            .par_iter()
            .map(|p| fp((p.source_hash, &p.path, terms_fp)))
            .collect();
        let mut r = Renderer {
            config,
            library,
            tera,
            urls,
            index,
            terms: (0..library.pages.len()).map(|_| OnceLock::new()).collect(),
            cards: Vec::new(),
            card_fps,
            all: (0..library.pages.len()).collect(),
            vocab: None,
        };
        r.cards = (0..library.pages.len())
            .into_par_iter()
            .map(|i| match cache.get(&r.card_fps[i]) {
                Some(v) => v.clone(),
                None => {
                    Value::from_serializable(&CardView::new(&library.pages[i], r.terms(i), &r.urls))
                }
            })
            .collect();
        r
    }

    /// Term pages show the vocabulary's names, descriptions and homepages.
    pub fn with_vocabulary(mut self, vocab: &'a crate::tagging::Vocabulary) -> Renderer<'a> {
        self.vocab = Some(vocab);
        self
    }

    fn term_view(&self, tax: &str, t: &crate::content::library::Term, feed: bool) -> TermView {
        TermView::new(tax, t, &self.urls, feed)
            .with_meta(self.vocab.and_then(|v| v.term_meta(tax, &t.name, &t.slug)))
    }

    fn jobs(&self) -> Vec<Job> {
        let lib = self.library;
        let mut jobs: Vec<Job> = (0..lib.pages.len()).map(Job::Page).collect();
        let pagers = |n: usize, per: usize| n.div_ceil(per).max(1);
        for pager in 0..pagers(lib.pages.len(), self.config.paginate_by) {
            jobs.push(Job::Index {
                section: None,
                pager,
            });
        }
        for (si, s) in lib.sections.iter().enumerate() {
            if s.path.is_empty() || s.meta.render == Some(false) {
                continue;
            }
            let per = s.meta.paginate_by.unwrap_or(self.config.paginate_by).max(1);
            for pager in 0..pagers(s.pages.len(), per) {
                jobs.push(Job::Index {
                    section: Some(si),
                    pager,
                });
            }
        }
        for (ti, tax) in lib.taxonomies.iter().enumerate() {
            jobs.push(Job::TermList(ti));
            let per = self.config.taxonomy_paginate_by(&tax.name);
            let feed = self
                .config
                .taxonomies
                .get(&tax.name)
                .is_some_and(|t| t.feed);
            for (i, term) in tax.terms.iter().enumerate() {
                for pager in 0..pagers(term.pages.len(), per) {
                    jobs.push(Job::Term {
                        tax: ti,
                        term: i,
                        pager,
                    });
                }
                if feed {
                    jobs.push(Job::TermFeed { tax: ti, term: i });
                }
            }
        }
        if self.config.generate_feeds {
            jobs.push(Job::Feed("atom.xml"));
            jobs.push(Job::Feed("rss.xml"));
        }
        jobs.extend([Job::Sitemap, Job::Robots, Job::NotFound, Job::Style]);
        if self.config.search.enabled {
            jobs.extend([Job::SearchPage, Job::SearchScript]);
        }
        let taken: std::collections::HashSet<&str> =
            lib.pages.iter().map(|p| p.path.as_str()).collect();
        for p in &lib.pages {
            for alias in &p.meta.aliases {
                let from = alias.trim_matches('/');
                if from.is_empty() || taken.contains(format!("{from}/").as_str()) {
                    continue;
                }
                jobs.push(Job::Redirect {
                    from: if from.ends_with(".html") {
                        from.to_string()
                    } else {
                        format!("{from}/")
                    },
                    to: self.urls.url(&p.path),
                });
            }
        }
        jobs
    }

    fn terms(&self, i: usize) -> &PageTerms {
        self.terms[i]
            .get_or_init(|| views::page_terms(&self.library.pages[i], &self.index, &self.urls))
    }

    /// A listing: the index (`None`) or a section: its path, articles, page size, metadata
    /// and template.
    fn listing(&self, section: Option<usize>) -> Listing<'_> {
        let lib = self.library;
        match section {
            None => Listing {
                path: "",
                items: &self.all,
                per: self.config.paginate_by,
                meta: lib
                    .sections
                    .iter()
                    .find(|s| s.path.is_empty())
                    .map(|s| &s.meta),
                template: "index.html",
            },
            Some(si) => {
                let s = &lib.sections[si];
                Listing {
                    path: &s.path,
                    items: &s.pages,
                    per: s.meta.paginate_by.unwrap_or(self.config.paginate_by).max(1),
                    meta: Some(&s.meta),
                    template: s.meta.template.as_deref().unwrap_or("section.html"),
                }
            }
        }
    }

    /// The cards of this render, for the next one.
    pub fn card_cache(&self) -> CardCache {
        self.card_fps
            .iter()
            .copied()
            .zip(self.cards.iter().cloned())
            .collect()
    }

    /// Renders every file into `out`. Errors from all jobs are collected.
    pub fn render_all(&self, out: &dyn Output) -> Result<Stats> {
        self.render_changed(&Manifest::default(), out)
            .map(|(s, _)| s)
    }

    /// Renders the files whose inputs differ from `prev` (all, for an empty manifest), removes
    /// files whose job is gone, and returns the new manifest.
    pub fn render_changed(&self, prev: &Manifest, out: &dyn Output) -> Result<(Stats, Manifest)> {
        let jobs = self.jobs();
        let keyed: Vec<(Vec<String>, u64, &Job)> = jobs
            .par_iter()
            .map(|j| (self.outputs(j), self.fingerprint(j), j))
            .collect();
        let dirty: Vec<&(Vec<String>, u64, &Job)> = keyed
            .iter()
            .filter(|(o, f, _)| prev.jobs.get(&o[0]).is_none_or(|(pf, _)| pf != f))
            .collect();
        let errors: Vec<String> = dirty
            .par_iter()
            .filter_map(|(_, _, job)| self.run(job, out).err().map(|e| format!("{e:#}")))
            .collect();
        if !errors.is_empty() {
            let n = errors.len();
            let mut msg = errors.into_iter().take(20).collect::<Vec<_>>().join("\n");
            if n > 20 {
                msg.push_str(&format!("\n… and {} more", n - 20));
            }
            return Err(anyhow!("{msg}"));
        }
        let rendered = dirty.iter().map(|(o, _, _)| o.len()).sum();
        let mut manifest = Manifest::default();
        manifest.jobs.reserve(keyed.len());
        for (o, f, _) in keyed {
            manifest.jobs.insert(o[0].clone(), (f, o));
        }
        let mut removed = 0;
        for (k, (_, outputs)) in &prev.jobs {
            let kept: &[String] = manifest.jobs.get(k).map_or(&[], |(_, o)| o.as_slice());
            for o in outputs.iter().filter(|o| !kept.contains(o)) {
                out.remove(o)?;
                removed += 1;
            }
        }
        let stats = Stats {
            pages: self.library.pages.len(),
            terms: self.library.taxonomies.iter().map(|t| t.terms.len()).sum(),
            files: manifest.jobs.values().map(|(_, o)| o.len()).sum(),
            rendered,
            removed,
        };
        Ok((stats, manifest))
    }

    /// The files a job writes; the first names the job.
    fn outputs(&self, job: &Job) -> Vec<String> {
        let lib = self.library;
        let listing = |path: &str, pager: usize| {
            let mut v = vec![format!("{}index.html", Self::pager_path(path, pager))];
            if pager == 1 {
                v.push(format!("{path}page/1/index.html"));
            }
            v
        };
        match job {
            Job::Page(i) => vec![format!("{}index.html", lib.pages[*i].path)],
            Job::Index { section, pager } => {
                let path = section.map_or("", |si| lib.sections[si].path.as_str());
                listing(path, *pager)
            }
            Job::TermList(ti) => vec![format!("{}/index.html", lib.taxonomies[*ti].name)],
            Job::Term { tax, term, pager } => {
                let t = &lib.taxonomies[*tax];
                listing(&format!("{}/{}/", t.name, t.terms[*term].slug), *pager)
            }
            Job::TermFeed { tax, term } => {
                let t = &lib.taxonomies[*tax];
                vec![format!("{}/{}/atom.xml", t.name, t.terms[*term].slug)]
            }
            Job::Feed(name) => vec![name.to_string()],
            Job::Sitemap => vec!["sitemap.xml".into()],
            Job::Robots => vec!["robots.txt".into()],
            Job::NotFound => vec!["404.html".into()],
            Job::SearchPage => vec!["search/index.html".into()],
            Job::SearchScript => vec!["search/search.js".into()],
            Job::Style => vec!["style.css".into()],
            Job::Redirect { from, .. } => vec![if from.ends_with(".html") {
                from.clone()
            } else {
                format!("{from}index.html")
            }],
        }
    }

    /// A hash of everything a job's output is made from (templates and config aside: a change
    /// there re-renders everything).
    fn fingerprint(&self, job: &Job) -> u64 {
        let lib = self.library;
        let cfg = self.config;
        let fps = |items: &[usize], skip: usize, take: usize| -> Vec<u64> {
            items
                .iter()
                .skip(skip)
                .take(take)
                .map(|&i| self.card_fps[i])
                .collect()
        };
        let neighbour = |i: Option<usize>| {
            i.and_then(|i| lib.pages.get(i))
                .map(|p| (p.meta.title.as_str(), p.path.as_str()))
        };
        match job {
            Job::Page(i) => fp((
                "page",
                self.card_fps[*i],
                neighbour(i.checked_sub(1)),
                neighbour(Some(i + 1)),
            )),
            Job::Index { section, pager } => {
                let l = self.listing(*section);
                let meta = format!("{:?}", l.meta);
                fp((
                    "index",
                    meta,
                    l.items.len(),
                    fps(l.items, pager * l.per, l.per),
                ))
            }
            Job::TermList(ti) => {
                let t = &lib.taxonomies[*ti];
                let terms: Vec<(&str, &str, usize)> = t
                    .terms
                    .iter()
                    .map(|t| (t.name.as_str(), t.slug.as_str(), t.pages.len()))
                    .collect();
                fp(("terms", &t.name, terms))
            }
            Job::Term { tax, term, pager } => {
                let taxo = &lib.taxonomies[*tax];
                let t = &taxo.terms[*term];
                let per = cfg.taxonomy_paginate_by(&taxo.name);
                fp((
                    "term",
                    &t.name,
                    &t.slug,
                    t.pages.len(),
                    fps(&t.pages, pager * per, per),
                ))
            }
            Job::TermFeed { tax, term } => {
                let t = &lib.taxonomies[*tax].terms[*term];
                fp((
                    "term-feed",
                    &t.name,
                    fps(&t.pages, 0, cfg.feed_limit.max(1)),
                ))
            }
            Job::Feed(name) => {
                let all: Vec<usize> = (0..lib.pages.len().min(cfg.feed_limit.max(1))).collect();
                fp(("feed", name, fps(&all, 0, all.len())))
            }
            Job::Sitemap => {
                let pages: Vec<(&str, Option<String>)> = lib
                    .pages
                    .iter()
                    .map(|p| {
                        (
                            p.path.as_str(),
                            p.meta.updated.or(p.date).map(|d| d.rfc3339()),
                        )
                    })
                    .collect();
                let terms: Vec<Vec<(&str, Option<usize>)>> = lib
                    .taxonomies
                    .iter()
                    .map(|t| {
                        t.terms
                            .iter()
                            .map(|t| (t.slug.as_str(), t.pages.first().copied()))
                            .collect()
                    })
                    .collect();
                let sections: Vec<&str> = lib.sections.iter().map(|s| s.path.as_str()).collect();
                fp(("sitemap", pages, terms, sections))
            }
            Job::Robots | Job::NotFound | Job::Style | Job::SearchPage | Job::SearchScript => {
                fp(format!("{job:?}"))
            }
            Job::Redirect { from, to } => fp(("redirect", from, to)),
        }
    }

    fn render(&self, template: &str, ctx: &Context) -> Result<String> {
        self.tera
            .render(template, ctx)
            .map_err(|e| anyhow!("{}", templates::render_error(&e)))
            .with_context(|| format!("failed to render template `{template}`"))
    }

    fn base_context(&self, path: &str, lang: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert("current_path", &self.urls.url(path));
        ctx.insert("current_url", &self.urls.permalink(path));
        ctx.insert("lang", lang);
        ctx
    }

    /// The pager for `items` (page indices), page `pager` of those at `path`.
    fn paginator(&self, path: &str, items: &[usize], per: usize, pager: usize) -> Value {
        let n = items.len().div_ceil(per).max(1);
        let link = |k: usize| {
            if k == 0 {
                self.urls.url(path)
            } else {
                self.urls.url(&format!("{path}page/{}/", k + 1))
            }
        };
        let pages: Vec<Value> = items
            .iter()
            .skip(pager * per)
            .take(per)
            .map(|&i| self.cards[i].clone())
            .collect();
        let mut m: BTreeMap<&'static str, Value> = BTreeMap::new();
        m.insert("current_index", Value::from((pager + 1) as u64));
        m.insert("number_pagers", Value::from(n as u64));
        m.insert("total_items", Value::from(items.len() as u64));
        m.insert("first", Value::from(link(0)));
        m.insert("last", Value::from(link(n - 1)));
        m.insert(
            "previous",
            pager
                .checked_sub(1)
                .map(link)
                .map_or(Value::none(), Value::from),
        );
        m.insert(
            "next",
            (pager + 1 < n)
                .then(|| link(pager + 1))
                .map_or(Value::none(), Value::from),
        );
        m.insert("pages", Value::from(pages));
        Value::from(m)
    }

    fn pager_path(path: &str, pager: usize) -> String {
        if pager == 0 {
            path.to_string()
        } else {
            format!("{path}page/{}/", pager + 1)
        }
    }

    fn run(&self, job: &Job, out: &dyn Output) -> Result<()> {
        let lib = self.library;
        let cfg = self.config;
        match job {
            Job::Page(i) => {
                let page = &lib.pages[*i];
                let mut ctx = self.base_context(&page.path, &page.language);
                ctx.insert("page", &PageView::new(lib, *i, self.terms(*i), &self.urls));
                let template = page.meta.template.as_deref().unwrap_or("page.html");
                let html = self
                    .render(template, &ctx)
                    .with_context(|| format!("while rendering `{}`", page.file.display()))?;
                out.write(&format!("{}index.html", page.path), html.as_bytes())
            }
            Job::Index { section, pager } => {
                let Listing {
                    path,
                    items,
                    per,
                    meta,
                    template,
                } = self.listing(*section);
                let out_path = Self::pager_path(path, *pager);
                let mut ctx = self.base_context(&out_path, &cfg.language);
                let title = meta.and_then(|m| m.title.clone());
                let description = meta.and_then(|m| m.description.clone());
                ctx.insert(
                    "section",
                    &serde_json_like(&[
                        ("title", title.map_or(Value::none(), Value::from)),
                        (
                            "description",
                            description.map_or(Value::none(), Value::from),
                        ),
                        ("url", Value::from(self.urls.url(path))),
                        ("permalink", Value::from(self.urls.permalink(path))),
                    ]),
                );
                ctx.insert_value("paginator", self.paginator(path, items, per, *pager));
                let html = self.render(template, &ctx)?;
                out.write(&format!("{out_path}index.html"), html.as_bytes())?;
                if *pager == 1 {
                    // `/page/1/` is the first page: send visitors there.
                    out.write(
                        &format!("{path}page/1/index.html"),
                        redirect_html(&self.urls.url(path)).as_bytes(),
                    )?;
                }
                Ok(())
            }
            Job::TermList(ti) => {
                let tax = &lib.taxonomies[*ti];
                let feed = cfg.taxonomies.get(&tax.name).is_some_and(|t| t.feed);
                let path = format!("{}/", tax.name);
                let mut terms: Vec<TermView> = tax
                    .terms
                    .iter()
                    .map(|t| self.term_view(&tax.name, t, feed))
                    .collect();
                // Most articles first, then by name: the browsing order readers expect.
                terms.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.slug.cmp(&b.slug)));
                let mut ctx = self.base_context(&path, &cfg.language);
                ctx.insert("taxonomy", &self.taxonomy_value(&tax.name));
                ctx.insert("terms", &terms);
                let html = self.render("taxonomy_list.html", &ctx)?;
                out.write(&format!("{path}index.html"), html.as_bytes())
            }
            Job::Term { tax, term, pager } => {
                let taxo = &lib.taxonomies[*tax];
                let t = &taxo.terms[*term];
                let feed = cfg.taxonomies.get(&taxo.name).is_some_and(|c| c.feed);
                let path = format!("{}/{}/", taxo.name, t.slug);
                let out_path = Self::pager_path(&path, *pager);
                let mut ctx = self.base_context(&out_path, &cfg.language);
                ctx.insert("taxonomy", &self.taxonomy_value(&taxo.name));
                ctx.insert("term", &self.term_view(&taxo.name, t, feed));
                let per = cfg.taxonomy_paginate_by(&taxo.name);
                ctx.insert_value("paginator", self.paginator(&path, &t.pages, per, *pager));
                let html = self.render("taxonomy_single.html", &ctx)?;
                out.write(&format!("{out_path}index.html"), html.as_bytes())?;
                if *pager == 1 {
                    out.write(
                        &format!("{path}page/1/index.html"),
                        redirect_html(&self.urls.url(&path)).as_bytes(),
                    )?;
                }
                Ok(())
            }
            Job::TermFeed { tax, term } => {
                let taxo = &lib.taxonomies[*tax];
                let t = &taxo.terms[*term];
                let path = format!("{}/{}/", taxo.name, t.slug);
                let title = format!("{} – {}", t.name, cfg.title);
                let xml = self.feed("atom.xml", &title, &path, &t.pages)?;
                out.write(&format!("{path}atom.xml"), xml.as_bytes())
            }
            Job::Feed(name) => {
                let xml = self.feed(name, &cfg.title, "", &self.all)?;
                out.write(name, xml.as_bytes())
            }
            Job::Sitemap => {
                let mut entries: Vec<(String, Option<String>)> =
                    vec![(self.urls.permalink(""), None)];
                for p in &lib.pages {
                    let lastmod = p.meta.updated.or(p.date).map(|d| d.rfc3339());
                    entries.push((self.urls.permalink(&p.path), lastmod));
                }
                for s in &lib.sections {
                    if !s.path.is_empty() && s.meta.render != Some(false) {
                        entries.push((self.urls.permalink(&s.path), None));
                    }
                }
                for tax in &lib.taxonomies {
                    entries.push((self.urls.permalink(&format!("{}/", tax.name)), None));
                    for t in &tax.terms {
                        let newest = t
                            .pages
                            .first()
                            .and_then(|&i| lib.pages[i].date)
                            .map(|d| d.rfc3339());
                        entries.push((
                            self.urls.permalink(&format!("{}/{}/", tax.name, t.slug)),
                            newest,
                        ));
                    }
                }
                let entries: Vec<BTreeMap<&str, Option<String>>> = entries
                    .into_iter()
                    .map(|(loc, lastmod)| {
                        BTreeMap::from([("permalink", Some(loc)), ("lastmod", lastmod)])
                    })
                    .collect();
                let mut ctx = self.base_context("sitemap.xml", &cfg.language);
                ctx.insert("entries", &entries);
                let xml = self.render("sitemap.xml", &ctx)?;
                out.write("sitemap.xml", xml.as_bytes())
            }
            Job::Robots => {
                let ctx = self.base_context("robots.txt", &cfg.language);
                out.write("robots.txt", self.render("robots.txt", &ctx)?.as_bytes())
            }
            Job::NotFound => {
                let ctx = self.base_context("404.html", &cfg.language);
                out.write("404.html", self.render("404.html", &ctx)?.as_bytes())
            }
            Job::Style => {
                let ctx = self.base_context("style.css", &cfg.language);
                out.write("style.css", self.render("style.css", &ctx)?.as_bytes())
            }
            Job::SearchPage => {
                let ctx = self.base_context("search/", &cfg.language);
                let html = self.render("search.html", &ctx)?;
                out.write("search/index.html", html.as_bytes())
            }
            Job::SearchScript => {
                let ctx = self.base_context("search/search.js", &cfg.language);
                let js = self.render("search.js", &ctx)?;
                out.write("search/search.js", js.as_bytes())
            }
            Job::Redirect { from, to } => {
                let file = if from.ends_with(".html") {
                    from.clone()
                } else {
                    format!("{from}index.html")
                };
                out.write(&file, redirect_html(to).as_bytes())
            }
        }
    }

    fn taxonomy_value(&self, name: &str) -> Value {
        serde_json_like(&[
            ("name", Value::from(name)),
            (
                "title",
                Value::from(views::taxonomy_title(self.config, name)),
            ),
            ("url", Value::from(self.urls.url(&format!("{name}/")))),
            (
                "permalink",
                Value::from(self.urls.permalink(&format!("{name}/"))),
            ),
        ])
    }

    /// A feed of the newest `feed_limit` of `items`, for the listing at `path`.
    fn feed(&self, template: &str, title: &str, path: &str, items: &[usize]) -> Result<String> {
        let lib = self.library;
        let limit = self.config.feed_limit.max(1);
        #[derive(serde::Serialize)]
        struct Entry<'b> {
            #[serde(flatten)]
            card: CardView<'b>,
            content: &'b str,
        }
        let entries: Vec<Entry> = items
            .iter()
            .take(limit)
            .map(|&i| Entry {
                card: CardView::new(&lib.pages[i], self.terms(i), &self.urls),
                content: &lib.pages[i].rendered.html,
            })
            .collect();
        // Newest entry date, not the clock: two builds of one input are byte-identical.
        let updated = items
            .iter()
            .filter_map(|&i| lib.pages[i].meta.updated.or(lib.pages[i].date))
            .max_by_key(|d| d.timestamp())
            .map(|d| DateView::new(&d, &self.config.language));
        let feed_path = format!("{path}{template}");
        let mut ctx = self.base_context(&feed_path, &self.config.language);
        ctx.insert("feed_title", title);
        ctx.insert("feed_url", &self.urls.permalink(&feed_path));
        ctx.insert("alternate_url", &self.urls.permalink(path));
        ctx.insert("updated", &updated);
        ctx.insert("entries", &entries);
        self.render(template, &ctx)
    }
}

fn serde_json_like(pairs: &[(&'static str, Value)]) -> Value {
    Value::from(
        pairs
            .iter()
            .cloned()
            .collect::<BTreeMap<&'static str, Value>>(),
    )
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
