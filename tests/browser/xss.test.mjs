// Gate: nothing from an untrusted organisation profile runs in a browser.
//
// The fixture tests/fixtures/xss/ has a profile whose every field and body carry script
// payloads (script tags, event handlers, heading attributes with onfocus/autofocus, disguised
// javascript:/vbscript:/data: links, iframe/object/embed/form/meta refresh, …). Each payload
// calls alert() and sets window.__xss. Every built page is opened without a Content-Security-
// Policy (so inline script would run), tabbed through, every element gets the events inline
// handlers listen to, and every link and button is clicked; the test fails when a dialog
// opens, window.__xss is set or alert/confirm/prompt is called.
//
// Run: node --test tests/browser/xss.test.mjs (after cargo build --release and
// scripts/browser-setup.sh). KUMPPANI_BIN picks another generator binary.
import { after, test } from 'node:test';
import path from 'node:path';

import { newContext, REPO_ROOT, testEnv } from './lib/site.mjs';

const site = { name: 'xss', root: path.join(REPO_ROOT, 'tests', 'fixtures', 'xss'), optional: false };
const env = testEnv();
after(() => env.close());

// Runs before any page script: records every dialog function call and keeps the dialog itself
// (the page's `dialog` event is the second witness).
function watchDialogs() {
  window.__xssCalls = [];
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    const original = window[name].bind(window);
    window[name] = (...args) => {
      window.__xss = 1;
      window.__xssCalls.push(`${name}(${args.map(String).join(', ')})`);
      return original(...args);
    };
  }
}

// Runs in the page: fire what inline handlers and autofocus react to, then click every link,
// button and summary. Ordinary navigation (http, https, mailto, tel, same-site) is cancelled so
// the page stays; anything else (javascript:, vbscript:, data:) is left to the browser.
function poke() {
  const safe = new Set(['http:', 'https:', 'mailto:', 'tel:']);
  const isSafeLink = (a) => {
    const href = a.getAttribute('href');
    if (href === null) return true;
    try {
      return safe.has(new URL(a.href, document.baseURI).protocol);
    } catch {
      return false;
    }
  };
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a[href]');
    if (a && isSafeLink(a)) e.preventDefault();
  }, true);
  document.addEventListener('submit', (e) => e.preventDefault(), true);
  const events = ['mouseover', 'mouseenter', 'mousemove', 'focus', 'focusin', 'blur', 'toggle',
    'load', 'error', 'animationstart', 'transitionend', 'pointerover', 'input', 'change'];
  const all = [...document.querySelectorAll('body *')];
  for (const el of all) {
    for (const type of events) el.dispatchEvent(new Event(type, { bubbles: false }));
    if (typeof el.focus === 'function') el.focus();
  }
  for (const el of document.querySelectorAll('a, button, summary, h1, h2, h3, h4, h5, h6, [tabindex]')) {
    el.click();
  }
}

test('no script from an untrusted profile runs [xss fixture]', { timeout: 5 * 60_000 }, async (t) => {
  const built = await env.site(site);
  const context = await newContext(await env.browser());
  await context.addInitScript(watchDialogs);
  const profile = built.pages.find((p) => p.rel === 'jarjestot/xss/index.html');
  if (!profile) throw new Error(`the xss profile page was not built: ${built.pages.map((p) => p.rel).join(', ')}`);
  const targets = [
    ...built.pages.filter((p) => !p.redirect).map((p) => ({ rel: p.rel, url: p.url })),
    { rel: 'haku/?q=alert', url: `${built.baseUrl}haku/?q=alert` },
  ];
  try {
    for (const target of targets) {
      await t.test(target.rel, { timeout: 60_000 }, async () => {
        const page = await context.newPage();
        const dialogs = [];
        const errors = [];
        page.on('dialog', (d) => { dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
        page.on('pageerror', (e) => errors.push(String(e)));
        try {
          await page.goto(target.url, { waitUntil: 'load' });
          await page.waitForTimeout(200);
          // Real keyboard focus too: autofocus and onfocus fire on Tab as they would for a reader.
          for (let i = 0; i < 40; i++) await page.keyboard.press('Tab');
          if (target.rel.startsWith('haku/')) {
            const input = page.locator('#search-input');
            if (await input.count()) {
              await input.fill('window');
              await page.waitForTimeout(300);
            }
          }
          await page.evaluate(poke);
          await page.waitForTimeout(300);
          const state = await page.evaluate(() => ({
            marker: window.__xss ?? null,
            calls: window.__xssCalls ?? [],
            url: location.href,
          }));
          const problems = [];
          if (dialogs.length) problems.push(`dialogs opened: ${dialogs.join(' | ')}`);
          if (state.marker !== null) problems.push(`window.__xss was set to ${state.marker}`);
          if (state.calls.length) problems.push(`called: ${state.calls.join(' | ')}`);
          if (problems.length) {
            throw new Error(`script from the profile ran on ${target.rel} (now at ${state.url}):\n  ${problems.join('\n  ')}${errors.length ? `\n  page errors: ${errors.join(' | ')}` : ''}`);
          }
        } finally {
          await page.close();
        }
      });
    }
  } finally {
    await context.close();
  }
});
