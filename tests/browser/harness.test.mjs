// Self-tests of the harness: every gate check is run on a tiny hand-written good site
// (must pass) and on deliberately broken pages (must fail), so no gate can pass silently.
// Needs no generator binary.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  brokenUrls, checkKeyboard, collectLinks, CSP_HEADER, cspProblemCount, formatAxe, formatCsp,
  formatHtmlValidate, measureOverflow, NARROW, runAxe, validateHtml, watchCsp, watchRequests, WIDE,
} from './lib/gates.mjs';
import {
  launchBrowser, listPages, MOUNT, newContext, siteSkipReason, sitePage, startServer, urlForFile, visit,
} from './lib/site.mjs';

const CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:sans-serif;color:#1a1a1a;background:#fff}
.skip{position:absolute;left:-9999px;top:0;background:#003b6f;color:#fff;padding:.5rem}
.skip:focus{left:0}
a{color:#00508f}
:focus-visible{outline:3px solid #b3005e;outline-offset:2px}
header,main,footer{padding:1rem}
.no-ring a:focus-visible{outline:none}
`;

const page = ({ title = 'Testi', head = '', body, skip = true }) => `<!DOCTYPE html>
<html lang="fi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${MOUNT}style.css">
<script src="${MOUNT}app.js" defer></script>
${head}</head>
<body>
${skip ? '<a class="skip" href="#main">Siirry sisältöön</a>\n' : ''}<header><nav aria-label="Päävalikko"><a href="${MOUNT}">Etusivu</a> <a href="${MOUNT}ala/">Alasivu</a></nav></header>
<main id="main">
${body}
</main>
<footer><p>Ylöjärven kaupunki</p></footer>
</body>
</html>
`;

const GOOD = page({ body: '<h1>Etusivu</h1>\n<p>Tervetuloa <a href="ala/">alasivulle</a>.</p>' });

const FILES = {
  'style.css': CSS,
  'app.js': 'document.documentElement.dataset.js = "1";\n',
  'index.html': GOOD,
  'ala/index.html': page({ title: 'Alasivu', body: '<h1>Alasivu</h1>' }),
  'ä ö/index.html': page({ title: 'Ääkköset', body: '<h1>Ääkköset</h1>' }),
  '404.html': page({ title: 'Ei löytynyt', body: '<h1>Sivua ei löytynyt</h1>' }),
  'vanha/index.html': `<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>Siirtynyt</title>
<meta http-equiv="refresh" content="0; url=${MOUNT}ala/"></head><body><main><h1>Siirtynyt</h1></main></body></html>`,
  'kuva.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>',
  // deliberately broken pages
  'bad/alt/index.html': page({ body: `<h1>Kuva</h1>\n<img src="${MOUNT}kuva.svg">` }),
  'bad/overflow/index.html': page({ body: '<h1>Leveä</h1>\n<div style="width:600px">Liian leveä</div>' }),
  'bad/inline-script/index.html': page({ body: '<h1>Skripti</h1>\n<script>document.title = "x";</script>' }),
  'bad/no-skip/index.html': page({ skip: false, body: '<h1>Ei ohituslinkkiä</h1>' }),
  'bad/no-ring/index.html': page({ body: '<h1>Ei fokusta</h1>' }).replace('<body>', '<body class="no-ring">'),
  'bad/links/index.html': page({ body: `<h1>Linkit</h1>\n<p><a href="/yhdistykset/">ilman base-polkua</a> <img src="${MOUNT}puuttuu.png" alt="puuttuu"></p>` }),
};

let dir;
let server;
let cspServer;
let browser;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kumppani-bt-harness-'));
  for (const [rel, content] of Object.entries(FILES)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
  server = await startServer({ root: dir });
  cspServer = await startServer({ root: dir, headers: { 'Content-Security-Policy': CSP_HEADER } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await cspServer?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const url = (rel) => server.baseUrl + rel;

async function withPage(viewport, fn, ctxOpts = {}) {
  const context = await newContext(browser, { viewport, ...ctxOpts });
  try {
    return await fn(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

test('static server: sub-path mount, index.html, 404.html, redirects, content types, headers', async () => {
  let r = await fetch(url(''));
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(await r.text(), /<h1>Etusivu<\/h1>/);

  r = await fetch(server.origin + '/jarjestot', { redirect: 'manual' });
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('location'), MOUNT);

  r = await fetch(url('ala'), { redirect: 'manual' });
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('location'), `${MOUNT}ala/`);

  r = await fetch(url('%C3%A4%20%C3%B6/'));
  assert.equal(r.status, 200, 'percent-encoded non-ASCII directory');

  for (const missing of ['ei-ole/', 'ei-ole.css', '..%2Fjarjestot%2Findex.html', 'ala/..%2F..%2Findex.html']) {
    r = await fetch(url(missing));
    assert.equal(r.status, 404, missing);
    assert.match(await r.text(), /Sivua ei löytynyt/, `${missing} serves the site's 404.html`);
  }
  r = await fetch(server.origin + '/index.html');
  assert.equal(r.status, 404, 'files are only served under the mount');

  assert.match((await fetch(url('style.css'))).headers.get('content-type'), /^text\/css/);
  assert.match((await fetch(url('app.js'))).headers.get('content-type'), /^text\/javascript/);
  assert.equal((await fetch(url('kuva.svg'))).headers.get('content-type'), 'image/svg+xml');
  assert.equal((await fetch(cspServer.baseUrl)).headers.get('content-security-policy'), CSP_HEADER);
});

test('listPages / urlForFile map files to URLs under the mount', async () => {
  const pages = await listPages(dir, server.baseUrl);
  const byRel = Object.fromEntries(pages.map((p) => [p.rel, p.url]));
  assert.equal(pages[0].rel, 'index.html', 'home page first');
  assert.equal(byRel['index.html'], server.baseUrl);
  assert.equal(byRel['ala/index.html'], `${server.baseUrl}ala/`);
  assert.equal(byRel['404.html'], `${server.baseUrl}404.html`);
  assert.equal(byRel['ä ö/index.html'], `${server.baseUrl}%C3%A4%20%C3%B6/`);
  assert.equal(urlForFile('/o', '/o/a/b.html', 'http://h/x/'), 'http://h/x/a/b.html');
});

test('sites: a missing optional fixture is skipped with a reason, a missing required site is not', () => {
  assert.match(siteSkipReason({ name: 'x', root: '/nonexistent/fixture', optional: true }), /site "x" skipped: .* does not exist yet/);
  assert.equal(siteSkipReason({ name: 'x', root: '/nonexistent/site', optional: false }), null);
  assert.equal(siteSkipReason({ name: 'x', root: dir, optional: true }), null);
});

test('redirect pages: detected, and loaded without their meta refresh so they cannot navigate away', async () => {
  const pages = await listPages(dir, server.baseUrl);
  const redirect = pages.find((p) => p.rel === 'vanha/index.html');
  assert.deepEqual(redirect.redirect, { delay: 0, target: `${server.baseUrl}ala/` });
  assert.equal(pages.find((p) => p.rel === 'index.html').redirect, null);
  await withPage(WIDE, async (_, context) => {
    const p = await sitePage(context, pages);
    await visit(p, redirect);
    await p.waitForTimeout(300);
    assert.equal(p.url(), redirect.url, 'stayed on the redirect page');
    assert.equal(await p.locator('h1').textContent(), 'Siirtynyt');
    await visit(p, pages[0]);
    assert.equal(p.url(), pages[0].url);
  });
});

test('axe gate: clean page passes, missing alt fails', async () => {
  await withPage(WIDE, async (p) => {
    await p.goto(url(''));
    const good = await runAxe(p);
    assert.deepEqual(good.violations, [], formatAxe(good.violations, 'good page'));
    await p.goto(url('bad/alt/'));
    const bad = await runAxe(p);
    const ids = bad.violations.map((v) => v.id);
    assert.ok(ids.includes('image-alt'), `expected image-alt, got ${ids}`);
    const text = formatAxe(bad.violations, 'bad/alt');
    assert.match(text, /image-alt \[critical\]/);
    assert.match(text, /target: img/);
  });
});

test('html-validate gate: clean page passes, skipped heading / missing alt / unlabeled input fail', async () => {
  const good = await validateHtml('good.html', GOOD);
  assert.deepEqual(good.errors, [], formatHtmlValidate(good.errors, 'good.html'));
  const bad = await validateHtml('bad.html', page({
    body: '<h1>A</h1>\n<h3>C</h3>\n<img src="x.png">\n<input type="text" name="q">',
  }));
  const rules = bad.errors.map((e) => e.rule);
  for (const rule of ['heading-level', 'wcag/h37', 'input-missing-label']) {
    assert.ok(rules.includes(rule), `expected ${rule}, got ${rules}`);
  }
  assert.match(formatHtmlValidate(bad.errors, 'bad.html'), /bad\.html:\d+:\d+ {2}heading-level/);
});

test('reflow gate: clean page fits 320px, a 600px box overflows', async () => {
  await withPage(NARROW, async (p) => {
    await p.goto(url(''));
    const good = await measureOverflow(p);
    assert.ok(good.scrollWidth <= NARROW.width + 1, `good page scrollWidth ${good.scrollWidth}`);
    await p.goto(url('bad/overflow/'));
    const bad = await measureOverflow(p);
    assert.ok(bad.scrollWidth > NARROW.width + 1, `bad page scrollWidth ${bad.scrollWidth}`);
    assert.ok(bad.offenders.some((o) => o.selector.includes('div')), JSON.stringify(bad.offenders));
  });
});

test('CSP gate: external same-origin script passes, inline script is reported', async () => {
  await withPage(WIDE, async (p) => {
    const csp = await watchCsp(p);
    await p.goto(cspServer.baseUrl);
    const good = await csp.collect();
    assert.equal(cspProblemCount(good), 0, formatCsp(good, 'good page'));
    assert.equal(await p.evaluate(() => document.documentElement.dataset.js), '1', "'self' script ran");
    await p.goto(`${cspServer.baseUrl}bad/inline-script/`);
    const bad = await csp.collect();
    assert.ok(bad.events.length + bad.console.length > 0, `browser reported no violation: ${formatCsp(bad, 'bad')}`);
    assert.ok(bad.inline.length > 0, 'static scan found the inline script');
    assert.equal(await p.title(), 'Testi', 'inline script was blocked');
  });
});

test('keyboard gate: skip link + focus ring pass; missing skip link / outline:none fail', async () => {
  await withPage(WIDE, async (p) => {
    const good = await checkKeyboard(p, url(''));
    assert.deepEqual(good.problems, [], good.steps.join('\n'));
    assert.ok(good.steps.some((s) => /skip link activated/.test(s)), good.steps.join('\n'));

    const noSkip = await checkKeyboard(p, url('bad/no-skip/'));
    assert.ok(noSkip.problems.some((x) => /^skip link:/.test(x)), noSkip.problems.join('\n'));

    const noRing = await checkKeyboard(p, url('bad/no-ring/'));
    assert.ok(noRing.problems.some((x) => /no visible focus indicator/.test(x)), noRing.problems.join('\n'));
  });
});

test('sub-path gate: links without the base path and missing resources are reported', async () => {
  await withPage(WIDE, async (p) => {
    const req = watchRequests(p, { origin: server.origin, mount: MOUNT });
    await p.goto(url(''));
    assert.deepEqual(req.take(), []);
    assert.deepEqual(await brokenUrls(await collectLinks(p, server.origin)), []);

    await p.goto(url('bad/links/'));
    const issues = req.take();
    assert.ok(issues.some((i) => /HTTP 404 .*puuttuu\.png/.test(i)), issues.join('\n'));
    const broken = await brokenUrls(await collectLinks(p, server.origin));
    assert.ok(broken.some((b) => b.url.endsWith('/yhdistykset/') && b.status === 404), JSON.stringify(broken));
  });
});

test('only 127.0.0.1 is reachable: other hosts are blocked and recorded', async () => {
  await withPage(WIDE, async (p, context) => {
    await p.goto(url(''));
    await p.evaluate(() => fetch('http://example.invalid/x').catch(() => null));
    assert.ok(context.blockedRequests.some((u) => u.startsWith('http://example.invalid/')), context.blockedRequests.join(', '));
  });
});
