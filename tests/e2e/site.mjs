// Browser test of the built default site (issue 15): what a reader sees on a desk and on a phone.
// Builds a private copy of the default site with $NEWSROOM_BIN, serves public/ with a small
// static server (node:http), and in the system's headless Chromium (playwright-core) visits the
// front page, an article with a cover image, a company page, searches (Chinese and English), the
// company list and the 404 page at 1280×800 and 390×844 (phone: isMobile, deviceScaleFactor 2),
// light and dark. Full-page screenshots go to target/e2e/<page>-<desktop|phone>-<light|dark>.png.
//
//   NEWSROOM_BIN=target/release/newsroom node tests/e2e/site.mjs
//
// Checks (each failure names the page, the width and the colour scheme):
//   - the front page's lead story shows its image (.lead img: visible, naturalWidth > 0);
//   - the card grid (.grid > .card) has >= 2 columns at 1280 px and exactly 1 at 390 px;
//   - no horizontal scroll on phones, on every page;
//   - on short pages (404, the company list when it is short) the footer sits at the viewport's bottom;
//   - the article's hero (figure.hero img) has width/height attributes and a non-empty alt;
//   - a search result's snippet has a <mark> with the query, for 微软 and for chips;
//   - no broken image, no console error, no failed request to the site, no request to another
//     origin (the site must work offline: images are the site's own);
//   - axe-core (WCAG 2.0/2.1 A+AA, 2.2 AA): 0 violations on every page, light and dark, both
//     widths. Every violation is printed; the full results are in target/e2e/axe.json.
// NEWSROOM_DOCS_SHOTS=1 also writes docs/screenshots/{front,article}-{desktop,phone}.jpg (light).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const bin = process.env.NEWSROOM_BIN || path.join(repo, 'target', 'release', 'newsroom');
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
const shots = path.join(repo, 'target', 'e2e');
const docsShots = process.env.NEWSROOM_DOCS_SHOTS === '1' ? path.join(repo, 'docs', 'screenshots') : null;
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const failures = [];
let passed = 0;
function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${!ok && detail ? `\n       ${detail}` : ''}`);
  if (ok) passed++;
  else failures.push(what);
}

// --- build a private copy of the default site ---------------------------------------------------

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-site-'));
const site = path.join(tmp, 'site');
const pub = path.join(tmp, 'public');
for (const part of ['config.toml', 'content', 'static', 'templates', 'rules']) {
  const from = path.join(repo, part);
  if (fs.existsSync(from)) fs.cpSync(from, path.join(site, part), { recursive: true });
}

// --- a static file server for public/ ------------------------------------------------------------

// Allow-list: a file whose extension is not here is answered with 500 and counts as a failed
// request, so a new kind of file in public/ is noticed rather than served with a guessed type.
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

function send(res, status, file, method) {
  const type = TYPES[path.extname(file).toLowerCase()];
  if (!type) {
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`no content type for ${path.basename(file)} (add its extension to TYPES in tests/e2e/site.mjs)`);
    return;
  }
  const body = fs.readFileSync(file);
  res.writeHead(status, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store' });
  res.end(method === 'HEAD' ? undefined : body);
}

function serve(root) {
  const notFound = path.join(root, '404.html');
  return http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end('bad URL');
      return;
    }
    const file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root + path.sep) && file !== root) {
      res.writeHead(403).end('outside the site');
      return;
    }
    let stat = null;
    try { stat = fs.statSync(file); } catch {}
    if (stat?.isDirectory()) {
      if (!rel.endsWith('/')) {
        res.writeHead(301, { location: rel + '/' }).end();
        return;
      }
      const index = path.join(file, 'index.html');
      if (fs.existsSync(index)) return send(res, 200, index, req.method);
    } else if (stat?.isFile()) {
      return send(res, 200, file, req.method);
    }
    if (fs.existsSync(notFound)) return send(res, 404, notFound, req.method);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
  });
}

// --- helpers over the built site -----------------------------------------------------------------

function htmlFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...htmlFiles(p));
    else if (e.name.endsWith('.html')) out.push(p);
  }
  return out;
}

function urlOf(file) {
  const rel = path.relative(pub, file).split(path.sep).join('/');
  return '/' + rel.replace(/(^|\/)index\.html$/, '$1');
}

// The article with a cover image: one whose page has a hero figure; else one with og:image;
// else the newest article (the hero checks then fail, naming it).
function pickArticle(files) {
  const articles = files.map((f) => ({ f, html: fs.readFileSync(f, 'utf8') }))
    .filter((a) => /<article[^>]*class="[^"]*\barticle\b/.test(a.html));
  if (!articles.length) throw new Error(`no article page in ${pub}`);
  const hero = articles.find((a) => /<figure[^>]*class="[^"]*\bhero\b/.test(a.html));
  const og = articles.find((a) => /property="og:image"/.test(a.html));
  const pick = hero || og || articles.sort((a, b) => b.html.length - a.html.length)[0];
  return { url: urlOf(pick.f), hasHero: Boolean(hero) };
}

// The company page with the most articles (a full page, for the screenshots).
function pickCompany() {
  const dir = path.join(pub, 'companies');
  if (!fs.existsSync(dir)) throw new Error(`no companies/ in ${pub}`);
  let best = null;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const f = path.join(dir, e.name, 'index.html');
    if (!e.isDirectory() || !fs.existsSync(f)) continue;
    const n = (fs.readFileSync(f, 'utf8').match(/class="card\b/g) || []).length;
    if (!best || n > best.n) best = { url: urlOf(f), n };
  }
  if (!best) throw new Error(`no company page in ${dir}`);
  return best.url;
}

// --- in the page ---------------------------------------------------------------------------------

// Scrolls through the page so that lazy images load, then waits for images and fonts.
async function settle(page) {
  await page.evaluate(async () => {
    const step = Math.max(200, window.innerHeight - 100);
    for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 30));
    }
    window.scrollTo(0, 0);
    await Promise.race([
      Promise.all([...document.images].map((img) => img.complete ? null
        : new Promise((r) => { img.addEventListener('load', r); img.addEventListener('error', r); }))),
      new Promise((r) => setTimeout(r, 5000)),
    ]);
    // Decoded too: a loaded but undecoded image (decoding="async") is painted as an empty box.
    await Promise.all([...document.images].map((img) => img.decode().catch(() => null)));
    await document.fonts.ready;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

async function runAxe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: axePath });
  return page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] }), AXE_TAGS);
}

// Distinct left edges of a grid's cards = its columns as laid out.
const gridColumns = (page) => page.evaluate(() => {
  const grid = document.querySelector('.grid');
  if (!grid) return null;
  const lefts = new Set([...grid.children].filter((c) => c.matches('.card'))
    .map((c) => Math.round(c.getBoundingClientRect().left)));
  return { columns: lefts.size, cards: grid.querySelectorAll(':scope > .card').length,
    template: getComputedStyle(grid).gridTemplateColumns };
});

// --- the run -------------------------------------------------------------------------------------

const LAYOUTS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
];
const SCHEMES = ['light', 'dark'];

async function main() {
  if (!fs.existsSync(bin)) throw new Error(`${bin} missing: build it (cargo build --release) or set NEWSROOM_BIN`);
  fs.mkdirSync(shots, { recursive: true });
  const server = serve(pub);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    await visit(server);
  } finally {
    server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function visit(server) {
  const origin = `http://127.0.0.1:${server.address().port}`;
  const b = spawnSync(bin, ['--root', site, 'build', '--output-dir', pub, '--base-url', `${origin}/`], { encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`${bin} --root ${site} build failed:\n${b.stderr}${b.stdout}`);

  const files = htmlFiles(pub);
  const article = pickArticle(files);
  check(article.hasHero, `an article page has a cover image (figure.hero): using ${article.url}`);
  const PAGES = [
    { id: 'front', path: '/' },
    { id: 'article', path: article.url },
    { id: 'company', path: pickCompany() },
    { id: 'search', path: '/search/?q=' + encodeURIComponent('微软'), query: '微软' },
    { id: 'search-en', path: '/search/?q=chips', query: 'chips' },
    { id: 'companies', path: '/companies/', short: 'if-short' },
    { id: '404', path: '/no-such-page/', short: 'always', status: 404 },
  ];

  const browser = await chromium.launch({
    executablePath: browserPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const axeReport = [];
  let violations = 0;
  try {
    for (const layout of LAYOUTS) {
      for (const scheme of SCHEMES) {
        const { name, ...options } = layout;
        const context = await browser.newContext({ ...options, colorScheme: scheme });
        // Offline by design: anything not from the site is refused, and listed.
        const foreign = [];
        await context.route((u) => !u.href.startsWith(origin + '/'), (route) => {
          foreign.push(route.request().url());
          return route.abort('blockedbyclient');
        });
        const page = await context.newPage();
        for (const p of PAGES) {
          const where = `${p.id} (${p.path}) ${name} ${scheme}`;
          const errors = [];
          const failed = [];
          foreign.length = 0;
          // Chromium logs every HTTP error as a console error: those of the site's own requests are
          // judged by the failed-request check below (which expects the 404 page's own 404).
          const onConsole = (m) => {
            const url = m.location().url || '';
            if (m.type() !== 'error' || (url.startsWith(origin) && m.text().startsWith('Failed to load resource'))) return;
            errors.push(`${m.text()} [${url}]`);
          };
          const onPageError = (e) => errors.push(String(e));
          const onFailed = (r) => { if (r.url().startsWith(origin)) failed.push(`${r.url()}: ${r.failure()?.errorText}`); };
          const onResponse = (r) => {
            const isDoc = r.request().isNavigationRequest() && r.request().frame() === page.mainFrame();
            if (r.url().startsWith(origin) && r.status() >= 400 && !(isDoc && r.status() === p.status)) {
              failed.push(`${r.url()}: HTTP ${r.status()}`);
            }
          };
          page.on('console', onConsole);
          page.on('pageerror', onPageError);
          page.on('requestfailed', onFailed);
          page.on('response', onResponse);

          const resp = await page.goto(origin + p.path, { waitUntil: 'load' });
          check(resp.status() === (p.status || 200), `${where}: HTTP ${resp.status()}`);
          if (p.query) {
            const done = await page.waitForFunction((q) => document.getElementById('search-app')?.getAttribute('data-query') === q,
              p.query, { timeout: 10000 }).then(() => true, () => false);
            check(done, `${where}: the search shows results for ${p.query}`);
          }
          await settle(page);
          const shot = `${p.id}-${name}-${scheme}`;
          await page.screenshot({ path: path.join(shots, `${shot}.png`), fullPage: true });
          if (docsShots && scheme === 'light' && (p.id === 'front' || p.id === 'article')) {
            fs.mkdirSync(docsShots, { recursive: true });
            const h = await page.evaluate(() => document.documentElement.scrollHeight);
            await page.screenshot({ path: path.join(docsShots, `${p.id}-${name}.jpg`), type: 'jpeg', quality: 80,
              scale: 'css', fullPage: true, clip: { x: 0, y: 0, width: layout.viewport.width, height: Math.min(h, 2 * layout.viewport.height) } });
          }

          // Layout.
          if (p.id === 'front') {
            const lead = await page.evaluate(() => {
              const img = document.querySelector('.lead img');
              if (!img) return { found: Boolean(document.querySelector('.lead')) ? 'a .lead without an img' : 'no .lead' };
              const r = img.getBoundingClientRect();
              const s = getComputedStyle(img);
              return { found: 'yes', src: img.currentSrc || img.src, natural: img.naturalWidth,
                visible: r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0 };
            });
            check(lead.found === 'yes' && lead.visible && lead.natural > 0,
              `${where}: the lead story shows its image (.lead img visible, naturalWidth > 0)`,
              lead.found !== 'yes' ? lead.found : `src ${lead.src}, visible ${lead.visible}, naturalWidth ${lead.natural}`);
          }
          const grid = await gridColumns(page);
          // Any grid is checked; a grid of one card elsewhere than the front page cannot show 2 columns.
          if (p.id === 'front' || (grid && (name === 'phone' || grid.cards >= 2))) {
            const want = name === 'desktop' ? '>= 2' : '1';
            const ok = grid && (name === 'desktop' ? grid.columns >= 2 : grid.columns === 1);
            check(ok, `${where}: the card grid has ${want} column(s)`,
              grid ? `${grid.columns} column(s) over ${grid.cards} cards; grid-template-columns: ${grid.template}`
                : 'no .grid on the page');
          }
          if (name === 'phone') {
            const w = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
            check(w.scroll <= w.inner, `${where}: no horizontal scroll`, `scrollWidth ${w.scroll} > innerWidth ${w.inner}`);
          }
          if (p.short) {
            const f = await page.evaluate(() => {
              const footer = document.querySelector('footer.site-footer');
              return { found: Boolean(footer), bottom: footer ? footer.getBoundingClientRect().bottom : 0,
                doc: document.documentElement.scrollHeight, inner: window.innerHeight };
            });
            if (!f.found) {
              check(false, `${where}: the page has a footer.site-footer`);
            } else if (f.doc <= f.inner) {
              check(Math.abs(f.bottom - f.inner) <= 1, `${where}: the footer sits at the bottom of the short page`,
                `footer bottom at ${f.bottom.toFixed(1)} px, viewport ${f.inner} px high`);
            } else if (p.short === 'always') {
              check(false, `${where}: the page is short (fits the viewport)`, `document ${f.doc} px, viewport ${f.inner} px`);
            }
          }
          if (p.id === 'article') {
            const hero = await page.evaluate(() => {
              const img = document.querySelector('figure.hero img');
              return img && { width: img.getAttribute('width'), height: img.getAttribute('height'), alt: img.getAttribute('alt') };
            });
            check(Boolean(hero) && /^\d+$/.test(hero.width || '') && /^\d+$/.test(hero.height || '') && Boolean(hero.alt?.trim()),
              `${where}: the hero image (figure.hero img) has width, height and a non-empty alt`,
              hero ? `width=${hero.width} height=${hero.height} alt=${JSON.stringify(hero.alt)}` : 'no figure.hero img');
          }
          if (p.query) {
            const marks = await page.evaluate(() => [...document.querySelectorAll('#search-results .snippet mark')].map((m) => m.textContent));
            const q = p.query.toLowerCase();
            const hit = marks.find((m) => { const t = m.trim().toLowerCase(); return t.length >= 2 && (t.includes(q) || q.includes(t)); });
            check(Boolean(hit), `${where}: a result's snippet highlights the query (#search-results .snippet mark)`,
              marks.length ? `marks: ${JSON.stringify(marks.slice(0, 10))}` : 'no mark in any #search-results .snippet');
          }
          const broken = await page.evaluate(() => [...document.images].filter((i) => i.complete && i.naturalWidth === 0 && (i.currentSrc || i.src)).map((i) => i.currentSrc || i.src));
          check(broken.length === 0, `${where}: no broken image`, broken.join(', '));

          // Accessibility.
          const axe = await runAxe(page);
          axeReport.push({ page: p.id, url: p.path, layout: name, scheme, ...axe });
          violations += axe.violations.length;
          check(axe.violations.length === 0, `${where}: axe-core finds 0 violations (${AXE_TAGS.join(', ')})`,
            axe.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n         ${v.nodes.length} node(s): ` +
              v.nodes.slice(0, 8).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` — ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`).join('\n           ')).join('\n       '));

          check(errors.length === 0, `${where}: no console errors`, errors.join('\n       '));
          check(failed.length === 0, `${where}: no failed request to the site`, failed.join('\n       '));
          check(foreign.length === 0, `${where}: no request to another origin (the site works offline)`, [...new Set(foreign)].join('\n       '));
          page.off('console', onConsole);
          page.off('pageerror', onPageError);
          page.off('requestfailed', onFailed);
          page.off('response', onResponse);
        }
        await context.close();
      }
    }
  } finally {
    await browser.close();
    const axeFile = path.join(shots, 'axe.json');
    fs.writeFileSync(axeFile, JSON.stringify(axeReport, null, 1));
    console.log(`     axe-core ${axeReport[0]?.testEngine?.version || ''}: ${violations} violation(s) over ${axeReport.length} page views; results in ${axeFile}`);
    console.log(`     screenshots in ${shots}${docsShots ? `; docs copies in ${docsShots}` : ''}`);
  }
}

try {
  await main();
} catch (e) {
  console.error(e);
  failures.push(String(e.message || e));
}
if (failures.length) console.log(`\n${failures.length} check(s) failed`);
console.log(`${passed} passed, ${failures.length} failed`);
process.exitCode = failures.length ? 1 : 0;
