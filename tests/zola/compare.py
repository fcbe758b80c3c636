#!/usr/bin/env python3
"""Builds the Zola fixture site with real Zola and with newsroom, and compares the URLs both publish.

    ZOLA=/work/zola/zola python3 tests/zola/compare.py [--strip-shortcodes] [--strip-section-keys]

Run from the repository root after `cargo build --release` (the newsroom binary is taken from
`target/release/newsroom`, or from $NEWSROOM). Zola is taken from $ZOLA (default: `zola` on the
PATH); it was checked with Zola 0.22.0. CI does not need Zola: this script is a manual check, and
the tests under `tests/` that use the fixture run newsroom alone.

What it does:
  1. copies `tests/fixtures/sites/zola/` twice to a temporary directory;
  2. adds to the Zola copy minimal templates (index.html, section.html, page.html, guide.html,
     taxonomy_list.html, taxonomy_single.html) that write a marker comment naming what was
     rendered, and stand-ins for the shortcodes newsroom's default theme ships and Zola does not
     (youtube, video, tweet, figure);
  3. builds each copy (`zola --root R build --output-dir O`, `newsroom build --root R --output-dir O`);
  4. classifies what each one wrote into sets of site-relative URLs (the base_url's path, `/blog`,
     taken off): pages (articles), sections (first listing page of each section), pagination (later
     listing pages), taxonomies (list and term pages), assets (bundle files), feeds, and
     redirects (`from -> to`: aliases, `p/1/` pagers, `redirect_to`);
  5. prints every set with a diff, and exits 1 when any set differs (0 when all are equal).

Zola's output is classified by the markers its templates write. newsroom's by its default theme:
a meta-refresh page is a redirect, `og:type article` a page, a listing under a taxonomy's name a
taxonomy page, a listing at `…/WORD/N/` (`page/2/`, `p/2/`) a later pager, any other listing a
section. newsroom's front page lists every article on `/page/N/` pagers, which Zola's root
section does not: those are not counted as differences.

It also compares the order of every section listing page both publish (titles, page by page).

Flags (kept for looking at one difference at a time; the full fixture needs neither since
newsroom renders shortcodes and every section key):
  --strip-shortcodes    remove every shortcode invocation (`{{ name(…) }}`, `{% name(…) %}…{% end %}`,
                        escaped `{{/* … */}}`) from both copies.
  --strip-section-keys  remove from the newsroom copy's `_index.md` files the Zola section keys
                        (paginate_path, paginate_reversed, transparent, redirect_to, generate_feeds,
                        page_template, [extra]).
  --keep DIR            keep the two sites and their outputs in DIR instead of a temporary directory.
"""

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "sites" / "zola"

MEDIA = {"png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "mp4", "webm", "mp3", "pdf"}

# Minimal Zola templates: each writes a marker saying what Zola rendered, and little else.
SECTION = """<!DOCTYPE html><html><head><title>{{ section.title }}</title></head><body>
<!-- zola-kind:section path={{ section.path }} pager={% if paginator %}{{ paginator.current_index }}{% else %}0{% endif %} -->
{{ section.content | safe }}
<!-- zola-order:{% if paginator %}{% for p in paginator.pages %}{{ p.title }}|{% endfor %}{% else %}{% for p in section.pages %}{{ p.title }}|{% endfor %}{% endif %} -->
</body></html>
"""
PAGE = """<!DOCTYPE html><html><head><title>{{ page.title }}</title></head><body>
<!-- zola-kind:page path={{ page.path }} -->
{{ page.content | safe }}
</body></html>
"""
ZOLA_TEMPLATES = {
    "index.html": SECTION,
    "section.html": SECTION,
    "page.html": PAGE,
    "guide.html": PAGE,
    "taxonomy_list.html": "<!-- zola-kind:taxonomy_list -->\n",
    "taxonomy_single.html": "<!-- zola-kind:taxonomy_term pager="
    "{% if paginator %}{{ paginator.current_index }}{% else %}0{% endif %} -->\n",
    # newsroom's default shortcodes, which Zola lacks: stand-ins in tera 1.
    "shortcodes/youtube.html": '<iframe src="https://www.youtube-nocookie.com/embed/{{ id }}"></iframe>\n',
    "shortcodes/video.html": '<video controls src="{{ src }}"></video>\n',
    "shortcodes/tweet.html": '<a class="tweet" href="{{ url }}">{{ url }}</a>\n',
    "shortcodes/figure.html": '<figure><img src="{{ src }}" alt="{{ alt }}">'
    "<figcaption>{{ caption }} {{ credit }}</figcaption></figure>\n",
}

# Section keys newsroom refuses today (see src/content/section.rs), for --strip-section-keys.
REFUSED_SECTION_KEYS = (
    "paginate_path",
    "paginate_reversed",
    "transparent",
    "redirect_to",
    "generate_feeds",
    "page_template",
)

SHORTCODE_RES = [
    re.compile(r"\{\{/\*.*?\*/\}\}", re.S),  # escaped inline
    re.compile(r"\{%/\*.*?\*/%\}", re.S),  # escaped body
    re.compile(r"\{%\s*[A-Za-z_]\w*\s*\(.*?\)\s*%\}.*?\{%\s*end\s*%\}", re.S),  # with a body
    re.compile(r"\{\{\s*[A-Za-z_]\w*\s*\(.*?\)\s*\}\}", re.S),  # inline
]

REFRESH = re.compile(r'http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)"', re.I)
ZOLA_ORDER = re.compile(r"<!-- zola-order:(.*?) -->")
CARD_TITLE = re.compile(r'<h2 class="(?:card|lead)-title"[^>]*><a href="[^"]*">([^<]*)</a>')
ZOLA_MARK = re.compile(r"<!-- zola-kind:(\w+)((?: \w+=\S*)*) -->")


def strip_shortcodes(root: Path) -> int:
    count = 0
    for md in (root / "content").rglob("*.md"):
        text = md.read_text(encoding="utf-8")
        for rx in SHORTCODE_RES:
            text, n = rx.subn("", text)
            count += n
        md.write_text(text, encoding="utf-8")
    return count


def strip_section_keys(root: Path) -> list[str]:
    stripped = []
    key_rx = re.compile(r"^(%s)\s*=.*\n" % "|".join(REFUSED_SECTION_KEYS), re.M)
    extra_rx = re.compile(r"^\[extra\]\n(?:(?!\+\+\+|\[).*\n)*", re.M)
    for md in sorted((root / "content").rglob("_index.md")):
        text = md.read_text(encoding="utf-8")
        rel = md.relative_to(root / "content").as_posix()
        for m in key_rx.finditer(text):
            stripped.append(f"{rel}: {m.group(1)}")
        text = key_rx.sub("", text)
        if extra_rx.search(text):
            stripped.append(f"{rel}: [extra]")
            text = extra_rx.sub("", text)
        md.write_text(text, encoding="utf-8")
    return stripped


def run(cmd: list[str], what: str) -> None:
    print(f"$ {' '.join(cmd)}", file=sys.stderr)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    out = (proc.stdout + proc.stderr).strip()
    if out:
        print("\n".join(f"  {what}: {line}" for line in out.splitlines()), file=sys.stderr)
    if proc.returncode != 0:
        sys.exit(f"{what} build failed (exit {proc.returncode})")


class Urls:
    """What one generator published, as sets of site-relative URLs."""

    KINDS = ("pages", "sections", "pagination", "taxonomies", "assets", "feeds", "redirects")

    def __init__(self, base_path: str):
        self.base_path = base_path.rstrip("/")  # "/blog"
        self.sets = {k: set() for k in self.KINDS}
        # Listing URL → the titles it lists, in order (sections and their later pages).
        self.orders: dict[str, list[str]] = {}

    def site_url(self, href: str) -> str:
        """`https://example.org/blog/news/` or `/blog/news/` → `/news/`."""
        u = urllib.parse.urlsplit(html.unescape(href))
        path = urllib.parse.unquote(u.path)
        if self.base_path and path.startswith(self.base_path + "/"):
            path = path[len(self.base_path):]
        return path + (f"#{u.fragment}" if u.fragment else "")


def url_of(out: Path, f: Path) -> str:
    rel = f.relative_to(out).as_posix()
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


def walk(out: Path, urls: Urls, classify_html) -> None:
    for f in sorted(p for p in out.rglob("*") if p.is_file()):
        url = url_of(out, f)
        ext = f.suffix.lower().lstrip(".")
        if ext == "html":
            if url == "/404.html":
                continue
            text = f.read_text(encoding="utf-8", errors="replace")
            m = REFRESH.search(text)
            if m:
                urls.sets["redirects"].add(f"{url} -> {urls.site_url(m.group(1))}")
                continue
            classify_html(url, text)
        elif ext in MEDIA:
            urls.sets["assets"].add(url)
        elif ext == "xml" and f.name != "sitemap.xml":
            urls.sets["feeds"].add(url)


def zola_urls(out: Path, base_path: str) -> Urls:
    urls = Urls(base_path)

    def classify(url: str, text: str) -> None:
        m = ZOLA_MARK.search(text)
        if not m:
            print(f"warning: no marker in Zola's {url}", file=sys.stderr)
            return
        kind = m.group(1)
        attrs = dict(kv.split("=", 1) for kv in m.group(2).split())
        if kind == "page":
            urls.sets["pages"].add(url)
        elif kind in ("taxonomy_list", "taxonomy_term"):
            urls.sets["taxonomies"].add(url)
        elif kind == "section":
            pager = int(attrs.get("pager", "0") or 0)
            urls.sets["pagination" if pager > 1 else "sections"].add(url)
            order = ZOLA_ORDER.search(text)
            if order:
                urls.orders[url] = [html.unescape(t) for t in order.group(1).split("|") if t]

    walk(out, urls, classify)
    return urls


def newsroom_urls(out: Path, base_path: str, taxonomies: list[str]) -> Urls:
    urls = Urls(base_path)
    # A later listing page: `…/page/2/`, or `…/p/2/` with the section's `paginate_path`.
    pager_rx = re.compile(r"/[^/]+/(\d+)/$")

    def classify(url: str, text: str) -> None:
        if url == "/search/":  # newsroom's search page: nothing Zola writes as HTML
            return
        if 'og:type" content="article"' in text:
            urls.sets["pages"].add(url)
        elif any(url.startswith(f"/{t}/") for t in taxonomies):
            urls.sets["taxonomies"].add(url)
        else:
            urls.sets["pagination" if pager_rx.search(url) else "sections"].add(url)
            urls.orders[url] = [html.unescape(t) for t in CARD_TITLE.findall(text)]

    walk(out, urls, classify)
    return urls


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--strip-shortcodes", action="store_true")
    ap.add_argument("--strip-section-keys", action="store_true")
    ap.add_argument("--keep", type=Path)
    args = ap.parse_args()

    zola = os.environ.get("ZOLA", "zola")
    newsroom = os.environ.get("NEWSROOM", str(REPO / "target" / "release" / "newsroom"))
    if shutil.which(zola) is None:
        sys.exit(f"Zola not found: set ZOLA=/path/to/zola (tried `{zola}`)")
    if not Path(newsroom).exists():
        sys.exit(f"newsroom not found at {newsroom}: run `cargo build --release` first")

    config = tomllib.loads((FIXTURE / "config.toml").read_text(encoding="utf-8"))
    base_path = urllib.parse.urlsplit(config["base_url"]).path
    taxonomies = [t["name"] for t in config.get("taxonomies", [])]

    tmp = args.keep or Path(tempfile.mkdtemp(prefix="zola-compare-"))
    if args.keep and tmp.exists():
        shutil.rmtree(tmp)
    zsite, nsite = tmp / "zola-site", tmp / "newsroom-site"
    zout, nout = tmp / "zola-public", tmp / "newsroom-public"
    try:
        for site in (zsite, nsite):
            shutil.copytree(FIXTURE, site)
        for name, body in ZOLA_TEMPLATES.items():
            dest = zsite / "templates" / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(body, encoding="utf-8")
        if args.strip_shortcodes:
            n = strip_shortcodes(zsite)
            strip_shortcodes(nsite)
            print(f"--strip-shortcodes: removed {n} shortcode invocations from both copies")
        if args.strip_section_keys:
            for s in strip_section_keys(nsite):
                print(f"--strip-section-keys: newsroom copy without {s}")

        run([zola, "--root", str(zsite), "build", "--output-dir", str(zout), "--force"], "zola")
        run([newsroom, "build", "--root", str(nsite), "--output-dir", str(nout)], "newsroom")

        z = zola_urls(zout, base_path)
        n = newsroom_urls(nout, base_path, taxonomies)
        differ = False
        # newsroom's front page lists every article, paginated (`/page/N/`, `/page/1/` → `/`);
        # Zola's root section lists only its own pages, on one page unless it sets paginate_by.
        front_pages = re.compile(r"/page/\d+/( -> /)?")
        for kind in Urls.KINDS:
            zs, ns = z.sets[kind], n.sets[kind]
            ns = {u for u in ns if u in zs or not front_pages.fullmatch(u)}
            same = zs == ns
            differ |= not same
            print(f"\n== {kind}: {'same' if same else 'DIFFERENT'} "
                  f"(zola {len(zs)}, newsroom {len(ns)})")
            for u in sorted(zs | ns):
                mark = " " if u in zs and u in ns else ("-" if u in zs else "+")
                print(f"  {mark} {u}")
        # The order of each listing both publish (not the front page: newsroom's lists every
        # article, Zola's root section only its own pages).
        print("\n== listing orders")
        for url in sorted(set(z.orders) & set(n.orders)):
            if url == "/" or re.fullmatch(r"/page/\d+/", url):
                continue
            same = z.orders[url] == n.orders[url]
            differ |= not same
            print(f"  {'same' if same else 'DIFFERENT'} {url}: {' | '.join(n.orders[url])}")
            if not same:
                print(f"    zola: {' | '.join(z.orders[url])}")
        print("\n(- only Zola, + only newsroom; newsroom's front-page pagers `/page/N/` are not counted)")
        print("RESULT:", "URL sets differ" if differ else "same URLs")
        return 1 if differ else 0
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
