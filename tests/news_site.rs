//! The built default site as readers, link previews and search engines see it: every article
//! page's JSON-LD `NewsArticle`, its Open Graph and Twitter tags, one interface language per
//! site (no English label on the Chinese site, no Chinese label on the English one), a front
//! page that opens with a lead story, and feeds that never date an undated article.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use scraper::{Html, Selector};
use walkdir::WalkDir;

/// A copy of the default site (config, content, templates, rules) with `config.toml`
/// changed by `edit`, built into its `public/`.
fn build_default_site(edit: impl Fn(String) -> String) -> (tempfile::TempDir, PathBuf) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for part in ["content", "templates", "rules", "static"] {
        let from = repo.join(part);
        if from.exists() {
            copy_dir(&from, &dir.path().join(part));
        }
    }
    let config = std::fs::read_to_string(repo.join("config.toml")).unwrap();
    std::fs::write(dir.path().join("config.toml"), edit(config)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_newsroom"))
        .arg("--root")
        .arg(dir.path())
        .arg("build")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = dir.path().join("public");
    (dir, public)
}

fn copy_dir(from: &Path, to: &Path) {
    for e in WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn html_pages(public: &Path) -> Vec<(String, Html)> {
    let mut pages: Vec<(String, Html)> = WalkDir::new(public)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e.path().strip_prefix(public).unwrap().display().to_string();
            let text = std::fs::read_to_string(e.path()).unwrap();
            (rel, Html::parse_document(&text))
        })
        .collect();
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    pages
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn meta(doc: &Html, attr: &str, name: &str) -> Option<String> {
    doc.select(&sel(&format!("meta[{attr}=\"{name}\"]")))
        .next()
        .and_then(|m| m.value().attr("content").map(str::to_string))
}

fn is_article(doc: &Html) -> bool {
    meta(doc, "property", "og:type").as_deref() == Some("article")
}

#[test]
fn every_article_page_has_valid_news_article_json_ld() {
    let (_dir, public) = build_default_site(|c| c);
    let mut articles = 0;
    for (rel, doc) in html_pages(&public) {
        if !is_article(&doc) {
            continue;
        }
        articles += 1;
        let scripts: Vec<String> = doc
            .select(&sel("script[type=\"application/ld+json\"]"))
            .map(|s| s.inner_html())
            .collect();
        assert_eq!(scripts.len(), 1, "{rel}: one JSON-LD block");
        let ld: serde_json::Value = serde_json::from_str(&scripts[0])
            .unwrap_or_else(|e| panic!("{rel}: JSON-LD is not JSON: {e}\n{}", scripts[0]));
        assert_eq!(ld["@context"], "https://schema.org", "{rel}");
        assert_eq!(ld["@type"], "NewsArticle", "{rel}");
        let title = doc
            .select(&sel("article h1"))
            .next()
            .unwrap()
            .text()
            .collect::<String>();
        assert_eq!(ld["headline"], title.trim(), "{rel}");
        assert_eq!(ld["publisher"]["name"], "Newsroom", "{rel}");
        assert_eq!(ld["url"], ld["mainEntityOfPage"]["@id"], "{rel}");
        assert!(ld["inLanguage"].is_string(), "{rel}");
        let has_date = doc.select(&sel("article header time")).next().is_some();
        if has_date {
            assert!(ld["datePublished"].is_string(), "{rel}: datePublished");
            assert!(ld["dateModified"].is_string(), "{rel}: dateModified");
        }
        if let Some(authors) = ld.get("author") {
            for a in authors.as_array().unwrap() {
                assert_eq!(a["@type"], "Person", "{rel}");
                assert!(a["name"].as_str().is_some_and(|n| !n.is_empty()), "{rel}");
            }
            assert!(meta(&doc, "name", "author").is_some(), "{rel}: meta author");
        }
        let keywords = ld["keywords"].as_array().map_or(0, Vec::len);
        let tags = doc.select(&sel("meta[property=\"article:tag\"]")).count();
        assert_eq!(keywords, tags, "{rel}: keywords are the article's terms");
        if let Some(src) = ld.get("isBasedOn") {
            assert!(src.as_str().unwrap().starts_with("http"), "{rel}");
        }
    }
    assert_eq!(articles, 13, "every article of the default site");
}

#[test]
fn an_article_with_a_cover_image_is_ready_to_share() {
    let (_dir, public) = build_default_site(|c| c);
    let page = public.join("meta-goes-big-with-llama-3-and-puts-meta-ai-everywhere/index.html");
    let doc = Html::parse_document(&std::fs::read_to_string(&page).unwrap());
    let image =
        "https://example.org/meta-goes-big-with-llama-3-and-puts-meta-ai-everywhere/cover.jpg";
    assert_eq!(meta(&doc, "property", "og:image").as_deref(), Some(image));
    assert_eq!(
        meta(&doc, "property", "og:image:width").as_deref(),
        Some("1200")
    );
    assert_eq!(
        meta(&doc, "property", "og:image:height").as_deref(),
        Some("675")
    );
    assert_eq!(
        meta(&doc, "name", "twitter:card").as_deref(),
        Some("summary_large_image")
    );
    assert_eq!(
        meta(&doc, "property", "og:locale").as_deref(),
        Some("en_US")
    );
    assert_eq!(
        meta(&doc, "property", "og:site_name").as_deref(),
        Some("Newsroom")
    );
    assert!(meta(&doc, "property", "article:published_time").is_some());
    // The hero: the bundle's own file, its size, a real description, its caption and credit.
    let hero = doc
        .select(&sel("figure.hero img"))
        .next()
        .expect("a hero image");
    let v = hero.value();
    assert_eq!(
        v.attr("src"),
        Some("/meta-goes-big-with-llama-3-and-puts-meta-ai-everywhere/cover.jpg")
    );
    assert_eq!(
        (v.attr("width"), v.attr("height")),
        (Some("1200"), Some("675"))
    );
    assert!(v.attr("alt").is_some_and(|a| a.len() > 10), "alt text");
    let caption: String = doc
        .select(&sel("figure.hero figcaption"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(
        caption.contains("Photo: Newsroom illustration"),
        "{caption}"
    );
    assert!(
        public
            .join("meta-goes-big-with-llama-3-and-puts-meta-ai-everywhere/cover.jpg")
            .is_file()
    );
    // The Chinese article beside it speaks Chinese to link previews.
    let zh = public.join("deepseek-chong-ji-bo-ying-wei-da-dan-ri-shi-zhi-zheng-fa-jin/index.html");
    let doc = Html::parse_document(&std::fs::read_to_string(zh).unwrap());
    assert_eq!(
        meta(&doc, "property", "og:locale").as_deref(),
        Some("zh_CN")
    );
}

#[test]
fn json_ld_cannot_close_its_script_element() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "title = \"T\"\nbase_url = \"https://example.org/\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("content/a.md"),
        "+++\ntitle = \"</script><script>alert(1)</script> & <!--\"\ndate = 2024-01-02\n\
         authors = [\"</script>\"]\n+++\nA body of text that is long enough to be a summary here.\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_newsroom"))
        .arg("--root")
        .arg(dir.path())
        .arg("build")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(dir.path().join("public/a/index.html")).unwrap();
    let start = html.find("application/ld+json\">").unwrap() + "application/ld+json\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let json = &html[start..end];
    assert!(!json.contains('<') && !json.contains('>'), "{json}");
    let ld: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(ld["headline"], "</script><script>alert(1)</script> & <!--");
    assert_eq!(ld["author"][0]["name"], "</script>");
}

/// The interface's words of the default templates, in each language (`rules/ui.toml`):
/// none of one language may show on a site of the other.
const UI_EN: &[&str] = &[
    "Skip to content",
    "Latest",
    "Companies",
    "Topics",
    "Search",
    "min read",
    "Source",
    "Original article",
    "Contents",
    "Newer",
    "Older",
    "articles",
    "terms",
    "Feeds",
    "Top story",
    "More stories",
    "This page does not exist",
    "Page 2",
];
const UI_ZH: &[&str] = &[
    "跳到正文",
    "最新",
    "公司",
    "话题",
    "搜索",
    "分钟",
    "来源",
    "原文链接",
    "目录",
    "上一页",
    "下一页",
    "篇文章",
    "个条目",
    "订阅",
    "头条",
    "更多新闻",
    "页面不存在",
    "第 2 页",
];

/// The text a reader sees as interface: everything but the articles' own words (titles,
/// bodies, summaries, term names, authors, sources and the site's title and description).
fn interface_text(doc: &Html) -> String {
    let mut doc = doc.clone();
    let drop = sel(
        ".prose, .card-title, .lead-title, .summary, .article-header h1, .authors, .source, \
         .chip, .term-name, .page-title .term-alt, .term-description, .pn-title, .brand, \
         .site-footer p:first-child, figcaption, time, title, script, style, .original a, \
         .term-header h1",
    );
    let ids: Vec<_> = doc.select(&drop).map(|e| e.id()).collect();
    for id in ids {
        if let Some(mut n) = doc.tree.get_mut(id) {
            n.detach();
        }
    }
    let mut text: String = doc.root_element().text().collect::<Vec<_>>().join(" ");
    for attr in [
        "aria-label",
        "placeholder",
        "data-msg-results",
        "data-msg-none",
    ] {
        for e in doc.select(&sel(&format!("[{attr}]"))) {
            text.push(' ');
            text.push_str(e.value().attr(attr).unwrap_or(""));
        }
    }
    text
}

/// The interface text of a page of a `site_lang` site. An article in another language keeps
/// its own labels (its byline, reading time, source line) and cards of such articles theirs,
/// inside their own `lang` element: those are left out, and of such an article's page only the
/// site's chrome (masthead, footer, links to other articles) is looked at.
fn site_interface_text(doc: &Html, site_lang: &str) -> String {
    let page_lang = doc
        .select(&sel("html"))
        .next()
        .and_then(|h| h.value().attr("lang"))
        .unwrap_or("")
        .to_string();
    let mut doc = doc.clone();
    let foreign: Vec<_> = doc
        .select(&sel("[lang]"))
        .filter(|e| e.value().name() != "html")
        .filter(|e| !e.value().attr("lang").unwrap_or("").starts_with(site_lang))
        .map(|e| e.id())
        .collect();
    for id in foreign {
        if let Some(mut n) = doc.tree.get_mut(id) {
            n.detach();
        }
    }
    if page_lang.starts_with(site_lang) {
        interface_text(&doc)
    } else {
        doc.select(&sel(".masthead, .site-footer, .prev-next"))
            .map(|e| interface_text(&Html::parse_fragment(&e.html())))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn check_one_language(public: &Path, own: &[&str], other: &[&str], site_lang: &str) {
    let pages = html_pages(public);
    assert!(pages.len() > 30, "the default site has its pages");
    let mut seen_own = std::collections::BTreeSet::new();
    for (rel, doc) in &pages {
        let text = site_interface_text(doc, site_lang);
        for word in other {
            assert!(
                !text.contains(word),
                "{rel}: the {site_lang} site shows `{word}`:\n{text}"
            );
        }
        for word in own {
            if text.contains(word) {
                seen_own.insert(*word);
            }
        }
    }
    // The check above means something only when the site's own words are there.
    assert!(
        seen_own.len() >= own.len() - 2,
        "{site_lang} site shows few of its own words: {seen_own:?}"
    );
}

#[test]
fn a_chinese_site_shows_no_english_interface() {
    let (_dir, public) = build_default_site(|c| c.replace("paginate_by = 10", "paginate_by = 4"));
    check_one_language(&public, UI_ZH, UI_EN, "zh");
    // Topic chips on a Chinese article use the vocabulary's Chinese names.
    let page = std::fs::read_to_string(
        public.join("deepseek-chong-ji-bo-ying-wei-da-dan-ri-shi-zhi-zheng-fa-jin/index.html"),
    )
    .unwrap();
    assert!(page.contains(">人工智能</a>"), "topic chip in Chinese");
    assert!(!page.contains(">Artificial Intelligence</a>"));
    // A company page says what the company is, in Chinese, and links its feed in <head>.
    let nvidia = std::fs::read_to_string(public.join("companies/nvidia/index.html")).unwrap();
    let doc = Html::parse_document(&nvidia);
    let desc: String = doc
        .select(&sel(".term-description"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(
        desc.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{desc}"
    );
    assert_eq!(
        meta(&doc, "name", "description").as_deref(),
        Some(desc.as_str())
    );
    assert!(nvidia.contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"英伟达 · Newsroom\" href=\"/companies/nvidia/atom.xml\">"
    ));
    // So do the chips of its search result (the record the search page shows).
    let record = WalkDir::new(public.join("search/docs"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .find(|r| {
            r.contains("\"p\":\"deepseek-chong-ji-bo-ying-wei-da-dan-ri-shi-zhi-zheng-fa-jin/\"")
        })
        .expect("the DeepSeek article's search record");
    assert!(
        record.contains("[\"topics\",\"人工智能\",\"artificial-intelligence\"]"),
        "{record}"
    );
    // The second page of the index says which page it is, in the site's language.
    let page2 = std::fs::read_to_string(public.join("page/2/index.html")).unwrap();
    assert!(
        page2.contains("<title>第 2 页 · Newsroom</title>"),
        "page 2 title"
    );
}

#[test]
fn an_english_site_shows_no_chinese_interface() {
    let (_dir, public) = build_default_site(|c| {
        c.replace("language = \"zh\"", "language = \"en\"")
            .replace("paginate_by = 10", "paginate_by = 4")
    });
    check_one_language(&public, UI_EN, UI_ZH, "en");
    let index = std::fs::read_to_string(public.join("index.html")).unwrap();
    for word in ["Latest", "Companies", "Topics", "Top story", "More stories"] {
        assert!(index.contains(word), "en index lacks `{word}`");
    }
    // Chinese articles keep their own labels on an English site.
    let zh = std::fs::read_to_string(
        public.join("deepseek-chong-ji-bo-ying-wei-da-dan-ri-shi-zhi-zheng-fa-jin/index.html"),
    )
    .unwrap();
    assert!(
        zh.contains("阅读约"),
        "a Chinese article's reading time is in Chinese"
    );
}

#[test]
fn the_front_page_opens_with_a_lead_story_and_a_grid_of_cards() {
    let (_dir, public) = build_default_site(|c| c);
    let doc = Html::parse_document(&std::fs::read_to_string(public.join("index.html")).unwrap());
    let lead = doc
        .select(&sel("section.lead"))
        .next()
        .expect("a lead story");
    let img = lead
        .select(&sel("img"))
        .next()
        .expect("the lead has a picture");
    assert!(img.value().attr("width").is_some() && img.value().attr("height").is_some());
    let title: String = lead
        .select(&sel(".lead-title a"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(
        title, "文心一言全面免费，百度的大模型账本怎么算",
        "the newest article leads"
    );
    let cards = doc.select(&sel(".grid > .card")).count();
    assert_eq!(cards, 9, "the other articles of page 1 in the grid");
    let thumbs = doc
        .select(&sel(".grid .card img.card-image[loading=lazy]"))
        .count();
    assert!(thumbs >= 5, "cards with a cover show it, lazily: {thumbs}");
}

#[test]
fn a_featured_article_leads_the_front_page() {
    let (dir, _) = build_default_site(|c| c);
    let page = dir.path().join(
        "content/2024-03-19-nvidia-s-blackwell-bet-what-the-b200-means-for-the-ai-chip/index.md",
    );
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replacen("[extra]\n", "[extra]\nfeatured = true\n", 1),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_newsroom"))
        .arg("--root")
        .arg(dir.path())
        .args(["build", "-o"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc =
        Html::parse_document(&std::fs::read_to_string(dir.path().join("out/index.html")).unwrap());
    let title: String = doc
        .select(&sel(".lead .lead-title a"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(
        title,
        "Nvidia's Blackwell Bet: What the B200 Means for the AI Chip Race"
    );
    assert_eq!(doc.select(&sel(".grid > .card")).count(), 9);
}

#[test]
fn an_undated_article_never_borrows_a_date_in_feeds() {
    let (_dir, public) = build_default_site(|c| c);
    let atom = std::fs::read_to_string(public.join("atom.xml")).unwrap();
    // The default site's one undated article (Xiaomi SU7) is not in the feed: it has no time
    // a feed entry could honestly give it.
    assert!(!atom.contains("xiao-mi-su7"), "undated article in the feed");
    let rss = std::fs::read_to_string(public.join("rss.xml")).unwrap();
    assert!(!rss.contains("xiao-mi-su7"));
    // Each entry's <updated> is its own date.
    for entry in atom.split("<entry").skip(1) {
        let updated = entry
            .split("<updated>")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap();
        let published = entry
            .split("<published>")
            .nth(1)
            .map(|p| p.split('<').next().unwrap());
        assert!(!updated.is_empty() && !updated.starts_with("1970"));
        if let Some(p) = published {
            assert!(updated >= p, "updated {updated} before published {p}");
        }
    }
}
