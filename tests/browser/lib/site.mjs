// Shared helpers for the headless-browser quality gates.
//
//  - buildSite():   runs the kumppani generator into a temp dir
//  - startServer(): tiny static server on 127.0.0.1:<ephemeral>, mounted under /jarjestot/
//  - listPages():   every built *.html file and its URL
//  - launchBrowser(): Debian's /usr/bin/chromium through playwright-core
//  - prepareSite(): all of the above for one site (port first, then build, then serve)
//  - SITES / siteSkipReason(): the sites under test
//
// Environment:
//   KUMPPANI_BIN            generator binary (default <repo>/target/release/kumppani)
//   KUMPPANI_CHROMIUM       browser binary (default /usr/bin/chromium)
//   KUMPPANI_BROWSER_SITES  optional override of the site list: "name=/abs/site/root,other=/path"

import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

export const BROWSER_DIR = path.resolve(here, '..');
export const REPO_ROOT = path.resolve(BROWSER_DIR, '..', '..');
export const MOUNT = '/jarjestot/';
export const CHROMIUM = process.env.KUMPPANI_CHROMIUM || '/usr/bin/chromium';

export function kumppaniBin() {
  return process.env.KUMPPANI_BIN || path.join(REPO_ROOT, 'target', 'release', 'kumppani');
}

// ---------------------------------------------------------------------------
// Sites under test

/** @typedef {{name: string, root: string, optional: boolean}} Site */

/** @returns {Site[]} */
function defaultSites() {
  return [
    { name: 'hub', root: REPO_ROOT, optional: false },
    { name: 'all-templates', root: path.join(REPO_ROOT, 'tests', 'fixtures', 'all-templates'), optional: true },
  ];
}

/** @returns {Site[]} */
function sitesFromEnv(spec) {
  return spec.split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const eq = entry.indexOf('=');
    if (eq < 1) throw new Error(`KUMPPANI_BROWSER_SITES: expected name=/path, got "${entry}"`);
    return { name: entry.slice(0, eq), root: path.resolve(entry.slice(eq + 1)), optional: false };
  });
}

/** @type {Site[]} */
export const SITES = process.env.KUMPPANI_BROWSER_SITES
  ? sitesFromEnv(process.env.KUMPPANI_BROWSER_SITES)
  : defaultSites();

/**
 * Reason to skip a site (optional fixture that does not exist yet), or null.
 * @param {Site} site
 */
export function siteSkipReason(site) {
  if (site.optional && !existsSync(site.root)) {
    return `site "${site.name}" skipped: ${path.relative(REPO_ROOT, site.root) || site.root} does not exist yet`;
  }
  return null;
}

// ---------------------------------------------------------------------------
// Building

/**
 * Run `kumppani build --root <root> --output <out> --base-url <baseUrl>`.
 * Rejects with the generator's output when it fails.
 */
export async function buildSite({ root, outDir, baseUrl, bin = kumppaniBin(), timeoutMs = 5 * 60_000 }) {
  if (!existsSync(bin)) {
    throw new Error(
      `kumppani binary not found at ${bin}. Build it first (cargo build --release) or set KUMPPANI_BIN.`,
    );
  }
  if (!existsSync(root)) throw new Error(`site root ${root} does not exist`);
  const args = ['build', '--root', root, '--output', outDir, '--base-url', baseUrl];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else {
        reject(new Error(
          `kumppani build failed (${signal ? `signal ${signal}` : `exit ${code}`}):\n` +
          `  ${bin} ${args.join(' ')}\n${out.trim().split('\n').slice(-40).join('\n')}`,
        ));
      }
    });
  });
}

// ---------------------------------------------------------------------------
// Serving

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.rss': 'application/rss+xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8',
  '.xsl': 'application/xslt+xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.ics': 'text/calendar; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
  '.wasm': 'application/wasm',
};

export function contentType(file) {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

async function statOrNull(p) {
  try { return await stat(p); } catch { return null; }
}

/**
 * Static file server on 127.0.0.1 with an ephemeral port, serving `root` under MOUNT.
 * The root can be set later (setRoot) so the port is known before the site is built.
 *
 * @param {{root?: string, headers?: Record<string,string>, mount?: string}} [opts]
 */
export async function startServer({ root = null, headers = {}, mount = MOUNT } = {}) {
  let siteRoot = root;
  /** @type {{method: string, url: string, status: number}[]} */
  const log = [];

  const server = http.createServer(async (req, res) => {
    const send = (status, type, body, extra = {}) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers, ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
      log.push({ method: req.method, url: req.url, status });
    };
    const sendFile = async (status, file) => {
      const st = await statOrNull(file);
      if (!st || !st.isFile()) return false;
      res.writeHead(status, {
        'Content-Type': contentType(file),
        'Content-Length': st.size,
        'Cache-Control': 'no-store',
        ...headers,
      });
      log.push({ method: req.method, url: req.url, status });
      if (req.method === 'HEAD') { res.end(); return true; }
      await new Promise((resolve) => {
        const s = createReadStream(file);
        s.on('error', () => { res.destroy(); resolve(); });
        s.on('end', resolve);
        s.pipe(res);
      });
      return true;
    };
    const notFound = async () => {
      if (siteRoot && await sendFile(404, path.join(siteRoot, '404.html'))) return;
      send(404, 'text/plain; charset=utf-8', 'Not found\n');
    };

    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return send(405, 'text/plain; charset=utf-8', 'Method not allowed\n', { Allow: 'GET, HEAD' });
      }
      if (!siteRoot) return send(503, 'text/plain; charset=utf-8', 'Site not built yet\n');
      const url = new URL(req.url, 'http://127.0.0.1');
      let pathname;
      try { pathname = decodeURIComponent(url.pathname); } catch { return notFound(); }
      if (pathname === mount.replace(/\/$/, '')) {
        return send(301, 'text/plain; charset=utf-8', '', { Location: mount + url.search });
      }
      if (!pathname.startsWith(mount)) return notFound();
      const rel = pathname.slice(mount.length);
      if (rel.split('/').some((seg) => seg === '..') || rel.includes('\0')) return notFound();
      let file = path.join(siteRoot, rel);
      const st = await statOrNull(file);
      if (st && st.isDirectory()) {
        if (!pathname.endsWith('/')) {
          return send(301, 'text/plain; charset=utf-8', '', { Location: url.pathname + '/' + url.search });
        }
        file = path.join(file, 'index.html');
      }
      if (await sendFile(200, file)) return;
      return notFound();
    } catch (err) {
      if (!res.headersSent) send(500, 'text/plain; charset=utf-8', String(err && err.stack || err));
      else res.destroy();
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    origin,
    baseUrl: origin + mount,
    log,
    setRoot(dir) { siteRoot = dir; },
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------
// Pages

async function walk(dir, out = []) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await walk(p, out);
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/**
 * URL of a built file: "index.html" -> base, "a/b/index.html" -> base + "a/b/",
 * "404.html" -> base + "404.html". Path segments are percent-encoded.
 */
export function urlForFile(outDir, file, baseUrl) {
  const rel = path.relative(outDir, file).split(path.sep);
  if (rel[rel.length - 1] === 'index.html') rel[rel.length - 1] = '';
  return baseUrl + rel.map(encodeURIComponent).join('/');
}

/**
 * `<meta http-equiv="refresh" content="N; url=...">` of an HTML document, or null.
 * @returns {{delay: number, target: string|null} | null}
 */
export function metaRefresh(html, pageUrl) {
  for (const tag of html.match(/<meta\b[^>]*>/gi) || []) {
    if (!/\bhttp-equiv\s*=\s*["']?refresh\b/i.test(tag)) continue;
    const content = (tag.match(/\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i) || []).slice(1).find((v) => v !== undefined) ?? '';
    const m = content.match(/^\s*(\d+(?:\.\d*)?)\s*(?:[;,]\s*(?:url\s*=\s*)?["']?([^"']*)["']?)?\s*$/i);
    if (!m) return { delay: NaN, target: null };
    let target = null;
    if (m[2]) { try { target = new URL(m[2].trim(), pageUrl).href; } catch { target = m[2]; } }
    return { delay: Number(m[1]), target };
  }
  return null;
}

/**
 * Every built HTML page, sorted (home page first). Redirect pages (meta refresh) carry
 * `redirect: {delay, target}`.
 * @returns {Promise<{file: string, rel: string, url: string, redirect: {delay: number, target: string|null} | null}[]>}
 */
export async function listPages(outDir, baseUrl) {
  const files = (await walk(outDir)).filter((f) => /\.html?$/i.test(f));
  const pages = await Promise.all(files.map(async (file) => {
    const url = urlForFile(outDir, file, baseUrl);
    return {
      file,
      rel: path.relative(outDir, file).split(path.sep).join('/'),
      url,
      redirect: metaRefresh(await readFile(file, 'utf8'), url),
    };
  }));
  const key = (p) => (p.rel === 'index.html' ? '' : p.rel);
  pages.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return pages;
}

// ---------------------------------------------------------------------------
// Browser

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** Launch Debian's chromium. playwright-core gives it a fresh temporary --user-data-dir. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run scripts/browser-setup.sh (installs Debian's chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * New browser context whose traffic is limited to 127.0.0.1: any other request is aborted
 * and recorded in `blocked`.
 */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ locale: 'fi-FI', ...options });
  const blocked = [];
  await context.route(
    (url) => url.hostname !== '127.0.0.1' && !['data:', 'blob:', 'about:'].includes(url.protocol),
    (route) => { blocked.push(route.request().url()); return route.abort('blockedbyclient'); },
  );
  context.blockedRequests = blocked;
  return context;
}

/**
 * A tab for visiting the pages of one built site. Redirect pages are served to it with their
 * meta refresh removed, i.e. as a browser with automatic refresh turned off shows them, so they
 * can be checked like any page and cannot navigate away in the middle of the next check (their
 * target is checked by subpath.test.mjs, the refresh itself by html-validate's meta-refresh).
 * One tab is reused for all pages: a new tab per page costs about a second.
 * @param {import('playwright-core').BrowserContext} context
 * @param {{url: string, redirect: object|null}[]} pages
 */
export async function sitePage(context, pages) {
  const page = await context.newPage();
  const redirects = new Set(pages.filter((p) => p.redirect).map((p) => p.url));
  if (redirects.size) {
    await page.route((u) => redirects.has(u.href), async (route) => {
      const res = await route.fetch();
      const body = (await res.text()).replace(/<meta\b[^>]*\bhttp-equiv\s*=\s*["']?refresh\b[^>]*>/gi, '');
      const headers = { ...res.headers() };
      delete headers['content-length'];
      await route.fulfill({ status: res.status(), headers, body });
    });
  }
  return page;
}

/** Load one built page in the tab from sitePage(). */
export function visit(page, p) {
  return page.goto(p.url, { waitUntil: 'load' });
}

// ---------------------------------------------------------------------------
// One site: pick port, build, serve, list pages

/**
 * @param {Site} site
 * @param {{headers?: Record<string,string>}} [opts]
 */
export async function prepareSite(site, { headers = {} } = {}) {
  const server = await startServer({ headers });
  // The generator gets a fresh, not yet existing output folder inside a private temp dir.
  const tmp = await mkdtemp(path.join(tmpdir(), `kumppani-bt-${site.name}-`));
  const outDir = path.join(tmp, 'public');
  const cleanup = async () => {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  };
  try {
    const buildLog = await buildSite({ root: site.root, outDir, baseUrl: server.baseUrl });
    server.setRoot(outDir);
    const pages = await listPages(outDir, server.baseUrl);
    if (pages.length === 0) throw new Error(`kumppani build of "${site.name}" produced no HTML files in ${outDir}`);
    const home = pages.find((p) => p.rel === 'index.html');
    return { site, server, outDir, baseUrl: server.baseUrl, pages, home, buildLog, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * Memoised per-file site preparation + browser, with one cleanup for the file's after() hook.
 * Usage in a test file:
 *   const env = testEnv({ headers });
 *   after(() => env.close());
 *   const built = await env.site(site); const browser = await env.browser();
 */
export function testEnv(opts = {}) {
  const sites = new Map();
  let browserP = null;
  return {
    site(site) {
      if (!sites.has(site.name)) sites.set(site.name, prepareSite(site, opts));
      return sites.get(site.name);
    },
    browser() {
      if (!browserP) browserP = launchBrowser();
      return browserP;
    },
    async close() {
      const jobs = [];
      for (const p of sites.values()) jobs.push(p.then((s) => s.cleanup(), () => {}));
      if (browserP) jobs.push(browserP.then((b) => b.close(), () => {}));
      await Promise.all(jobs);
    },
  };
}
