// The search page in headless Chromium: rank order, URL sync while typing, the back button,
// the live region, the OR fallback, filters, keyboard use, the XSS case and the no-JS message.
// Self-contained: builds the hub and tests/fixtures/search with the kumppani binary into temp
// dirs, serves them under /jarjestot/ with a strict CSP (script-src 'self'), drives
// /jarjestot/haku/?q=… . Run: node --test tests/browser/search.test.mjs
// Environment: KUMPPANI_BIN (default: the newer of target/release and target/debug kumppani),
// KUMPPANI_CHROMIUM (default /usr/bin/chromium).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MOUNT = '/jarjestot/';
const CHROMIUM = process.env.KUMPPANI_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.css': 'text/css; charset=utf-8', '.xml': 'application/xml', '.svg': 'image/svg+xml' };

/** KUMPPANI_BIN, else the newest of target/release and target/debug (a stale binary has no index). */
function binary() {
  if (process.env.KUMPPANI_BIN) return process.env.KUMPPANI_BIN;
  const built = ['release', 'debug'].map((p) => path.join(REPO, 'target', p, 'kumppani')).filter((b) => existsSync(b));
  built.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return built[0] ?? path.join(REPO, 'target', 'release', 'kumppani');
}

let browser;
const servers = [];
const sites = {};

/** Builds a site for a server that is already listening, so --base-url has the real port. */
async function start(name, root) {
  const out = await mkdtemp(path.join(tmpdir(), `kumppani-search-${name}-`));
  let siteDir = null;
  const server = http.createServer((req, res) => handler(siteDir, req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const base = `http://127.0.0.1:${server.address().port}${MOUNT}`;
  const built = spawnSync(binary(), ['build', '--root', root, '--output', path.join(out, 'site'), '--base-url', base], { encoding: 'utf8' });
  assert.equal(built.status, 0, `kumppani build failed: ${built.stdout}${built.stderr}`);
  siteDir = path.join(out, 'site');
  sites[name] = { base, out };
}

/** Serves the built site under /jarjestot/ with a CSP that forbids inline scripts. */
function handler(dir, req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const rel = decodeURIComponent(url.pathname).slice(MOUNT.length);
  let file = dir && url.pathname.startsWith(MOUNT) && !rel.split('/').includes('..') ? path.join(dir, rel) : '';
  if (file && existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!file || !existsSync(file)) {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    return res.end('not found');
  }
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
    'Content-Security-Policy': "script-src 'self'; object-src 'none'",
    'Cache-Control': 'no-store',
  });
  createReadStream(file).pipe(res);
}

before(async () => {
  await start('hub', REPO);
  await start('fixture', path.join(REPO, 'tests', 'fixtures', 'search'));
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  for (const s of servers) s.close();
  for (const s of Object.values(sites)) await rm(s.out, { recursive: true, force: true });
});

/** A fresh page that records JS errors, CSP violations and dialogs. */
async function open(url, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  await page.goto(url);
  return { page, problems, close: () => context.close() };
}

const resultLinks = (page) => page.$$eval('#search-results > li > a', (as) => as.map((a) => a.getAttribute('href')));
const status = (page) => page.textContent('#search-status');

/** The ranking search.js itself computes for a query (as typed, or `{submitted: true}` as after
 * Enter or `?q=`), for comparison with the DOM. */
function engineRanking(page, query, options = {}) {
  return page.evaluate(async ([q, options]) => {
    const src = document.querySelector('script[type="module"]').src;
    const mod = await import(src);
    const index = new URL(document.getElementById('search').dataset.index, location.href);
    const engine = mod.createEngine(async (p) => (await fetch(p === 'index.json' ? index : new URL(`${p}?v=${index.searchParams.get('v')}`, index))).json());
    const { hits } = await engine.search(q, {}, options);
    const docs = await engine.documents(hits.slice(0, 10).map((h) => h.doc));
    return docs.map((d) => d.url);
  }, [query, options]);
}

describe('search page', () => {
  test('?q= runs the query on load and lists results in rank order', async () => {
    for (const [query, first] of [
      ['Lakipohja', 'yhteistyo/lakipohja/'],
      ['yhdistysavustukset', 'jarjestotyon-rakenne/yhdistysavustukset/'],
      ['järjestöagentti', 'jarjestotyon-rakenne/jarjestoagentit/'],
    ]) {
      const { page, problems, close } = await open(`${sites.hub.base}haku/?q=${encodeURIComponent(query)}`);
      await page.waitForSelector('#search-results > li');
      const links = await resultLinks(page);
      assert.equal(links[0], `${MOUNT}${first}`, `first result for ${query}`);
      assert.ok(links.length <= 10);
      assert.deepEqual(links, await engineRanking(page, query, { submitted: true }), `DOM order = engine order for ${query}`);
      assert.equal(await page.inputValue('#search-input'), query);
      assert.deepEqual(problems, []);
      await close();
    }
  });

  test('typing updates results, the live region and the URL; back returns to the query', async () => {
    const { page, problems, close } = await open(`${sites.hub.base}haku/`);
    await page.waitForFunction(() => document.getElementById('search-status').textContent.length > 0);
    assert.match(await status(page), /Kirjoita hakusana/);
    await page.fill('#search-input', '');
    await page.type('#search-input', 'vapaaeh', { delay: 40 });
    await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'vapaaeh');
    await page.waitForSelector('#search-results > li');
    assert.match(await status(page), /^Haulla ”vapaaeh” löytyi \d+ sivua\.$/);
    const marks = await page.$$eval('#search-results mark', (ms) => ms.map((m) => m.textContent.toLowerCase()));
    assert.ok(marks.length > 0 && marks.every((m) => m.startsWith('vapaaeh')), `highlights: ${marks}`);
    // Multi-word: AND, then the OR fallback said on the page.
    await page.fill('#search-input', 'lakipohja zyxwvutsrq ');
    await page.waitForFunction(() => document.getElementById('search-status').textContent.includes('jokin sanoista'));
    assert.ok((await resultLinks(page)).includes(`${MOUNT}yhteistyo/lakipohja/`));
    await page.fill('#search-input', 'kaupunkistrategia');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'kaupunkistrategia');
    await page.waitForFunction(() => document.querySelector('#search-results a')?.getAttribute('href').endsWith('/kaupunkistrategia/'));
    await page.click('#search-results > li > a');
    await page.waitForURL(/\/yhteistyo\/kaupunkistrategia\/$/);
    await page.goBack();
    await page.waitForURL(/haku\/\?q=kaupunkistrategia$/);
    await page.waitForSelector('#search-results > li');
    assert.equal(await page.inputValue('#search-input'), 'kaupunkistrategia');
    assert.equal((await resultLinks(page))[0], `${MOUNT}yhteistyo/kaupunkistrategia/`);
    assert.deepEqual(problems, []);
    await close();
  });

  test('typing a short stem matches longer words; Enter and ?q= match whole words only', async () => {
    // `työ` is a word and the start of many (työryhmä, työllisyys, …): while it is typed those
    // are shown too, once submitted only the forms of `työ` itself.
    const { page, problems, close } = await open(`${sites.hub.base}haku/`);
    await page.waitForFunction(() => document.getElementById('search-status').textContent.length > 0);
    const typed = await engineRanking(page, 'työ');
    const submitted = await engineRanking(page, 'työ', { submitted: true });
    assert.ok(submitted.length > 0 && typed.length > submitted.length, `typed ${typed}, submitted ${submitted}`);
    // Waits until the list is exactly these links (an earlier run's list may have as many).
    const shows = (links) => page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll('#search-results > li > a')]
      .map((a) => a.getAttribute('href'))) === JSON.stringify(want), links);
    const marks = () => page.$$eval('#search-results mark', (ms) => ms.map((m) => m.textContent.toLowerCase()));
    const wholeWords = (words) => page.evaluate(async (ws) => {
      const mod = await import(document.querySelector('script[type="module"]').src);
      return ws.filter((w) => !mod.keys(w).includes(mod.keys('työ')[0]));
    }, words);
    await page.focus('#search-input');
    await page.keyboard.type('työ', { delay: 40 });
    await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'työ');
    await shows(typed);
    const prefixed = await wholeWords(await marks());
    assert.ok(prefixed.some((w) => w.startsWith('työ') && w.length > 3), `prefix matches marked while typing: ${prefixed}`);
    await page.keyboard.press('Enter');
    await shows(submitted);
    assert.deepEqual(await wholeWords(await marks()), [], 'after Enter only forms of työ are marked');
    // The URL Enter left behind is a link to the same whole-word results.
    await page.reload();
    await shows(submitted);
    assert.equal(await page.inputValue('#search-input'), 'työ');
    assert.deepEqual(problems, []);
    await close();
  });

  test('filters by area and section, and the URL keeps them', async () => {
    const { page, problems, close } = await open(`${sites.hub.base}haku/?q=ik%C3%A4ihmiset`);
    await page.waitForSelector('#search-results > li');
    const all = await resultLinks(page);
    assert.ok(all.some((u) => !u.includes('/kurun-')));
    await page.selectOption('#search-area', 'kuru');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('alue') === 'kuru');
    await page.waitForFunction(() => [...document.querySelectorAll('#search-results a')].every((a) => a.getAttribute('href').includes('/kurun-')));
    assert.ok((await resultLinks(page)).length > 0);
    await page.selectOption('#search-area', '');
    await page.selectOption('#search-section', 'uutiset/');
    await page.waitForFunction(() => [...document.querySelectorAll('#search-results a')].every((a) => a.getAttribute('href').includes('/uutiset/')));
    assert.deepEqual(problems, []);
    await close();
  });

  test('keyboard: arrows move between the input and the results, Tab is not trapped', async () => {
    const { page, problems, close } = await open(`${sites.hub.base}haku/`);
    await page.waitForFunction(() => document.getElementById('search-status').textContent.length > 0);
    await page.focus('#search-input');
    await page.keyboard.type('foorumi');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#search-results > li:nth-child(2)');
    const links = await resultLinks(page);
    const focused = () => page.evaluate(() => document.activeElement.id || document.activeElement.getAttribute('href'));
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), links[0]);
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), links[1]);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    assert.equal(await focused(), 'search-input');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'BUTTON');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), 'search-input');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`${links[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    assert.deepEqual(problems, []);
    await close();
  });

  test('titles and excerpts from the index are text, never HTML', async () => {
    const { page, problems, close } = await open(`${sites.fixture.base}haku/?q=haitallinen`);
    await page.waitForSelector('#search-results > li');
    const texts = await page.$$eval('#search-results > li > a', (as) => as.map((a) => a.textContent));
    assert.ok(texts.includes('<img src=x onerror=alert(1)>'), `titles: ${texts}`);
    assert.equal(await page.$$eval('#search-results img, #search-results script', (els) => els.length), 0);
    const excerpt = await page.textContent('#search-results .search-excerpt');
    assert.ok(excerpt.includes('<script>alert(2)</script>'), excerpt);
    await page.waitForTimeout(300); // an onerror handler would have fired by now
    assert.deepEqual(problems, [], 'no dialog, no error');
    await close();
  });

  test('without JavaScript the page says so and links to the directory and the site map', async () => {
    const { page, close } = await open(`${sites.hub.base}haku/?q=avustus`, { javaScriptEnabled: false });
    assert.ok(await page.isVisible('#search-nojs'));
    assert.match(await page.textContent('#search-nojs'), /JavaScript/);
    const hrefs = await page.$$eval('#search-nojs a', (as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs, [`${MOUNT}jarjestot/`, `${MOUNT}sitemap.xml`]);
    await close();
  });

  test('the script is small: under 12 KB gzipped', async () => {
    const { gzipSync } = await import('node:zlib');
    const { readFileSync } = await import('node:fs');
    const js = readFileSync(path.join(REPO, 'themes', 'kumppani', 'static', 'search.js'));
    assert.ok(gzipSync(js, { level: 9 }).length < 12 * 1024);
  });
});
