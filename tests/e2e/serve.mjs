// Browser test of `newsroom serve` on the default site, in the system's headless Chromium.
// Click through index → article → company → topic, edit an article and see the page update by
// itself, break a front matter and see the error overlay, fix it and see the overlay go.
// Usage: NEWSROOM_BIN=target/release/newsroom node tests/e2e/serve.mjs
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const bin = process.env.NEWSROOM_BIN || path.join(repo, "target/release/newsroom");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const shots = path.join(repo, "target/e2e");
fs.mkdirSync(shots, { recursive: true });

function fail(msg) {
  console.error(`FAIL: ${msg}`);
  process.exitCode = 1;
  throw new Error(msg);
}

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

// A private copy of the default site, so the test can edit it.
const site = fs.mkdtempSync(path.join(os.tmpdir(), "newsroom-e2e-"));
for (const part of ["config.toml", "content", "static", "templates", "rules"]) {
  const from = path.join(repo, part);
  if (fs.existsSync(from)) fs.cpSync(from, path.join(site, part), { recursive: true });
}

const port = await freePort();
const server = spawn(bin, ["--root", site, "serve", "--port", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
let serverLog = "";
server.stderr.on("data", (d) => (serverLog += d));
const base = `http://127.0.0.1:${port}/`;

async function waitForServer() {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(base);
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`serve did not start:\n${serverLog}`);
}

const browser = await chromium.launch({
  executablePath: browserPath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const consoleErrors = [];
let passed = 0;
try {
  await waitForServer();
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));

  await page.goto(base);
  await page.screenshot({ path: path.join(shots, "index.png"), fullPage: true });
  const cards = await page.locator(".card-title a").count();
  if (cards < 1) fail("the index shows no article");
  passed++;

  // Click through to the newest article, its first company page and a topic page.
  const cardTitle = (await page.locator(".card-title a").first().innerText()).trim();
  await page.locator(".card-title a").first().click();
  await page.waitForSelector("article.article h1");
  const h1 = (await page.locator("article.article h1").innerText()).trim();
  if (h1 !== cardTitle) fail(`article page title: ${h1}, card: ${cardTitle}`);
  await page.screenshot({ path: path.join(shots, "article.png"), fullPage: true });
  const articleUrl = page.url();
  passed++;

  const company = (await page.locator("a.chip-companies").first().innerText()).trim();
  await page.locator("a.chip-companies").first().click();
  await page.waitForSelector(".term-header h1");
  if (!(await page.locator(".term-header h1").innerText()).includes(company)) fail(`company page for ${company}`);
  if (!page.url().includes("/companies/")) fail(`company page: ${page.url()}`);
  if ((await page.locator(".card-title a", { hasText: cardTitle }).count()) < 1) fail("the company page lists the article");
  await page.screenshot({ path: path.join(shots, "company.png"), fullPage: true });
  passed++;

  await page.goto(articleUrl);
  await page.locator("a.chip-topics").first().click();
  await page.waitForSelector(".term-header h1");
  if (!page.url().includes("/topics/")) fail(`topic page: ${page.url()}`);
  await page.screenshot({ path: path.join(shots, "topic.png"), fullPage: true });
  passed++;

  // Live reload: edit the article and watch the open page change by itself.
  await page.goto(articleUrl);
  await page.waitForTimeout(300); // the reload script connects
  // Articles are flat files or page bundles (`<name>/index.md`).
  const file = fs.readdirSync(path.join(site, "content"), { recursive: true }).find((f) => f.endsWith(".md") &&
    fs.readFileSync(path.join(site, "content", f), "utf8").includes(h1));
  if (!file) fail(`no content file has the title ${h1}`);
  const articlePath = path.join(site, "content", file);
  const original = fs.readFileSync(articlePath, "utf8");
  fs.writeFileSync(articlePath, original + "\n\n浏览器测试追加的一段话。\n");
  await page.waitForFunction(() => document.body.innerText.includes("浏览器测试追加的一段话"), null, { timeout: 10000 });
  passed++;

  // A broken front matter: the overlay appears over the last good page, and goes once fixed.
  fs.writeFileSync(articlePath, original.replace(/^title = .*$/m, "title = "));
  await page.waitForSelector("#newsroom-error-overlay", { timeout: 10000 });
  const overlay = await page.locator("#newsroom-error-overlay").innerText();
  if (!overlay.includes(file)) fail(`overlay does not name the file: ${overlay}`);
  await page.screenshot({ path: path.join(shots, "overlay.png") });
  passed++;
  fs.writeFileSync(articlePath, original);
  await page.waitForSelector("#newsroom-error-overlay", { state: "detached", timeout: 10000 });
  passed++;

  if (consoleErrors.length) fail(`console errors: ${consoleErrors.join("\n")}`);
  passed++;
} catch (e) {
  if (!process.exitCode) {
    console.error(`FAIL: ${e.message}\n--- serve log ---\n${serverLog}`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  server.kill();
  fs.rmSync(site, { recursive: true, force: true });
}
console.log(`${passed} passed, ${process.exitCode ? 1 : 0} failed`);
