// The checks behind each quality gate, shared by the gate tests and the harness self-tests
// (so a gate cannot silently pass: harness.test.mjs proves every check can fail).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { HtmlValidate } from 'html-validate';

const require = createRequire(import.meta.url);

export const WIDE = { width: 1280, height: 800 };
export const NARROW = { width: 320, height: 640 };

// ---------------------------------------------------------------------------
// axe-core

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const AXE_VERSION = require('axe-core/package.json').version;

/**
 * Inject axe into the loaded page and run the WCAG 2.0/2.1 A+AA rules.
 * @returns {Promise<{violations: AxeResult[], incomplete: AxeResult[]}>}
 */
export async function runAxe(page, tags = AXE_TAGS) {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async (values) => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values },
      resultTypes: ['violations', 'incomplete'],
    });
    const map = (list) => list.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' | '),
        summary: (n.failureSummary || '').replace(/\s+/g, ' ').trim(),
        html: n.html.length > 160 ? `${n.html.slice(0, 157)}...` : n.html,
      })),
    }));
    return { violations: map(r.violations), incomplete: map(r.incomplete) };
  }, tags);
}

/** Human-readable list of axe violations (rule id, impact, help, targets). */
export function formatAxe(results, where) {
  const lines = [`${results.length} axe violation(s) on ${where}:`];
  for (const v of results) {
    lines.push(`  - ${v.id} [${v.impact}] ${v.help}`);
    lines.push(`    ${v.helpUrl}`);
    for (const n of v.nodes.slice(0, 10)) {
      lines.push(`      target: ${n.target}`);
      lines.push(`        html: ${n.html}`);
      if (n.summary) lines.push(`        ${n.summary}`);
    }
    if (v.nodes.length > 10) lines.push(`      ... and ${v.nodes.length - 10} more node(s)`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------
// html-validate

export const HTML_VALIDATE_CONFIG = {
  extends: ['html-validate:recommended', 'html-validate:a11y'],
  rules: {
    'heading-level': 'error',
    'input-missing-label': 'error',
    // Style-only rules on which legitimate generator output differs (html-validate's own
    // "browser"/"prettier" presets turn the first four off too):
    'no-trailing-whitespace': 'off', // indentation left behind by template tags; invisible
    'doctype-style': 'off', // lowercase <!doctype html> is valid HTML
    'void-style': 'off', // the Markdown renderer writes <br /> / <input ... />: valid HTML
    'attribute-boolean-style': 'off', // the Markdown renderer writes disabled="": valid HTML
    'valid-id': ['error', { relaxed: true }], // HTML allows ids like "1" (Markdown footnotes); still rejects invalid ids
    'long-title': 'warn', // 70-character SEO heuristic, content-dependent: printed as a diagnostic
  },
};

let validator = null;
export function htmlValidator() {
  validator ??= new HtmlValidate(HTML_VALIDATE_CONFIG);
  return validator;
}

/**
 * Validate one HTML file (or a string when `source` is given).
 * @returns {Promise<{errors: HvMessage[], warnings: HvMessage[]}>}
 */
export async function validateHtml(file, source) {
  const hv = htmlValidator();
  const report = source === undefined ? await hv.validateFile(file) : await hv.validateString(source, file);
  const messages = report.results.flatMap((r) => r.messages.map((m) => ({
    file: r.filePath, line: m.line, column: m.column, rule: m.ruleId, message: m.message,
    severity: m.severity, selector: m.selector,
  })));
  return {
    errors: messages.filter((m) => m.severity >= 2),
    warnings: messages.filter((m) => m.severity === 1),
  };
}

export function formatHtmlValidate(messages, file) {
  return [
    `${messages.length} html-validate error(s) in ${file}:`,
    ...messages.map((m) => `  ${file}:${m.line}:${m.column}  ${m.rule}  ${m.message}${m.selector ? `  (${m.selector})` : ''}`),
  ].join('\n');
}

// ---------------------------------------------------------------------------
// In-page helpers (serialised into the page with page.evaluate)

/** Injected once per page: window.__kt.selector(el) gives a short readable CSS path. */
const PAGE_HELPERS = `
window.__kt = window.__kt || {
  selector(el) {
    if (!el || el.nodeType !== 1) return String(el);
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
      let s = e.localName;
      if (e.id) { parts.unshift(s + '#' + CSS.escape(e.id)); break; }
      const cls = [...e.classList].slice(0, 2).map((c) => '.' + CSS.escape(c)).join('');
      s += cls;
      const p = e.parentElement;
      if (p && !cls) {
        const same = [...p.children].filter((c) => c.localName === e.localName);
        if (same.length > 1) s += ':nth-of-type(' + (same.indexOf(e) + 1) + ')';
      }
      parts.unshift(s);
      if (e.localName === 'body') break;
    }
    return parts.join(' > ');
  },
};
`;

async function ensureHelpers(page) {
  await page.evaluate(PAGE_HELPERS);
}

// ---------------------------------------------------------------------------
// Reflow (WCAG 1.4.10): no horizontal scrolling at 320 CSS px

/**
 * @returns {Promise<{scrollWidth: number, viewport: number, offenders: {selector: string, right: number, width: number}[]}>}
 */
export async function measureOverflow(page) {
  await ensureHelpers(page);
  return page.evaluate(() => {
    const vw = window.innerWidth;
    const scrollWidth = Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0);
    const offenders = [];
    if (scrollWidth > vw + 1) {
      // Outermost elements that stick out to the right (their parent does not).
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.right <= vw + 1) continue;
        const pr = el.parentElement ? el.parentElement.getBoundingClientRect() : null;
        if (pr && pr.right > vw + 1 && el.parentElement !== document.body) continue;
        offenders.push({ selector: window.__kt.selector(el), right: Math.round(r.right), width: Math.round(r.width) });
        if (offenders.length >= 8) break;
      }
    }
    return { scrollWidth, viewport: vw, offenders };
  });
}

export function formatOverflow(m, where) {
  return [
    `horizontal scrolling on ${where}: scrollWidth ${m.scrollWidth}px > ${m.viewport}px viewport`,
    ...m.offenders.map((o) => `  sticks out: ${o.selector} (right edge ${o.right}px, width ${o.width}px)`),
  ].join('\n');
}

// ---------------------------------------------------------------------------
// Content-Security-Policy

export const CSP_HEADER = "script-src 'self'; object-src 'none'";

/**
 * Record CSP violations of every page loaded in `page` (securitypolicyviolation events
 * and console "Content Security Policy" errors). Call before page.goto().
 */
export async function watchCsp(page) {
  const consoleViolations = [];
  page.on('console', (msg) => {
    if (/Content[ -]Security[ -]Policy/i.test(msg.text())) consoleViolations.push(msg.text());
  });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push({
        directive: e.effectiveDirective || e.violatedDirective,
        blocked: e.blockedURI,
        source: e.sourceFile ? `${e.sourceFile}:${e.lineNumber}:${e.columnNumber}` : '',
        sample: e.sample,
      });
    }, true);
  });
  return {
    /** Violations since the last call (events + console), plus inline JS that would violate on use. */
    async collect() {
      // violation events are queued as tasks: let them run
      await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
      await ensureHelpers(page);
      const { events, inline } = await page.evaluate(() => {
        const inline = [];
        const jsTypes = ['', 'text/javascript', 'application/javascript', 'module', 'text/ecmascript'];
        for (const s of document.querySelectorAll('script:not([src])')) {
          if (jsTypes.includes((s.getAttribute('type') || '').trim().toLowerCase())) {
            inline.push(`inline <script> at ${window.__kt.selector(s)}: ${s.textContent.trim().slice(0, 80)}`);
          }
        }
        for (const el of document.querySelectorAll('*')) {
          for (const a of el.attributes) {
            if (/^on/i.test(a.name)) inline.push(`inline event handler ${a.name}="${a.value.slice(0, 60)}" on ${window.__kt.selector(el)}`);
          }
        }
        for (const el of document.querySelectorAll('[href^="javascript:" i], [src^="javascript:" i], [action^="javascript:" i]')) {
          inline.push(`javascript: URL on ${window.__kt.selector(el)}`);
        }
        for (const el of document.querySelectorAll('object, embed')) {
          inline.push(`<${el.localName}> (blocked by object-src 'none') at ${window.__kt.selector(el)}`);
        }
        return { events: window.__cspViolations || [], inline };
      });
      const fromConsole = consoleViolations.splice(0);
      return { events, console: fromConsole, inline };
    },
  };
}

export function formatCsp(r, where) {
  const lines = [`Content-Security-Policy "${CSP_HEADER}" problems on ${where}:`];
  for (const e of r.events) lines.push(`  violation: ${e.directive} blocked ${e.blocked}${e.source ? ` at ${e.source}` : ''}${e.sample ? ` sample: ${e.sample}` : ''}`);
  for (const c of r.console) lines.push(`  console: ${c.replace(/\s+/g, ' ').slice(0, 300)}`);
  for (const i of r.inline) lines.push(`  would violate: ${i}`);
  return lines.join('\n');
}

export function cspProblemCount(r) {
  return r.events.length + r.console.length + r.inline.length;
}

// ---------------------------------------------------------------------------
// Keyboard: skip link, visible focus, focus indicator

async function describeFocus(page) {
  await ensureHelpers(page);
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return { none: true };
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const visibleCss = el.checkVisibility
      ? el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })
      : cs.visibility !== 'hidden' && cs.display !== 'none';
    const inViewport = r.bottom > 0 && r.right > 0 && r.top < window.innerHeight && r.left < window.innerWidth;
    return {
      none: false,
      selector: window.__kt.selector(el),
      tag: el.localName,
      href: el.getAttribute('href'),
      text: (el.innerText || el.getAttribute('aria-label') || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 50),
      focusVisible: el.matches(':focus-visible'),
      visible: visibleCss && r.width >= 2 && r.height >= 2 && inViewport,
      rect: { x: r.x, y: r.y, width: r.width, height: r.height },
    };
  });
}

/**
 * Styles that can carry a focus indicator, of the focused element or (saved = true) of the
 * element remembered in window.__ktFocused.
 */
function indicatorStyles(page, saved = false) {
  return page.evaluate((useSaved) => {
    const s = getComputedStyle(useSaved ? window.__ktFocused : document.activeElement);
    return {
      outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth, outlineColor: s.outlineColor,
      outlineOffset: s.outlineOffset, boxShadow: s.boxShadow,
      border: `${s.borderTopWidth} ${s.borderTopStyle} ${s.borderTopColor} / ${s.borderBottomWidth} ${s.borderBottomStyle} ${s.borderBottomColor}`,
      background: `${s.backgroundColor} ${s.backgroundImage}`, color: s.color,
      textDecoration: `${s.textDecorationLine} ${s.textDecorationColor} ${s.textDecorationThickness}`,
    };
  }, saved);
}

function transparent(color) {
  return /^transparent$|rgba\([^)]*,\s*0\)$|\/\s*0\)$/.test(color);
}

/** Screenshot of the area around the focused element (viewport coordinates). */
async function shotAround(page, rect, pad = 8) {
  const vp = page.viewportSize();
  const x = Math.max(0, Math.floor(rect.x - pad));
  const y = Math.max(0, Math.floor(rect.y - pad));
  const right = Math.min(vp.width, Math.ceil(rect.x + rect.width + pad));
  const bottom = Math.min(vp.height, Math.ceil(rect.y + rect.height + pad));
  if (right - x < 1 || bottom - y < 1) return null;
  return page.screenshot({ clip: { x, y, width: right - x, height: bottom - y }, animations: 'disabled', caret: 'hide' });
}

/**
 * Check the focus indicator of the currently focused element: compare its styles and the
 * pixels around it while focused and after blur(), then focus it again.
 */
async function checkIndicator(page, info) {
  const focused = await indicatorStyles(page);
  const shotFocused = await shotAround(page, info.rect);
  await page.evaluate(() => { window.__ktFocused = document.activeElement; document.activeElement.blur(); });
  const unfocused = await indicatorStyles(page, true);
  const shotUnfocused = await shotAround(page, info.rect);
  await page.evaluate(() => { window.__ktFocused.focus({ preventScroll: true }); delete window.__ktFocused; });

  const shows = (s) => s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !transparent(s.outlineColor);
  const effective = (s) => ({
    // an outline only counts when it is drawn (style not none, width > 0, not transparent)
    outline: shows(s) ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} ${s.outlineOffset}` : 'none',
    boxShadow: s.boxShadow, border: s.border, background: s.background, color: s.color, textDecoration: s.textDecoration,
  });
  const outline = shows(focused);
  const [ef, eu] = [effective(focused), effective(unfocused)];
  const changed = Object.keys(ef).filter((k) => ef[k] !== eu[k]);
  const styleOk = outline || changed.length > 0;
  const pixelsOk = !shotFocused || !shotUnfocused || !shotFocused.equals(shotUnfocused);
  return { styleOk, pixelsOk, outline, changed, focused };
}

/**
 * Keyboard gate on one loaded URL.
 * @returns {Promise<{problems: string[], steps: string[]}>}
 */
export async function checkKeyboard(page, url, { tabs = 30 } = {}) {
  const problems = [];
  const steps = [];
  await page.goto(url, { waitUntil: 'load' });
  await ensureHelpers(page);

  // 1. first Tab -> skip link to the main landmark
  await page.keyboard.press('Tab');
  const first = await describeFocus(page);
  const skip = await page.evaluate(() => {
    const a = document.activeElement;
    const mains = document.querySelectorAll('main, [role="main"]');
    const res = { isLink: !!a && a.localName === 'a', href: a && a.getAttribute('href'), mains: mains.length, ok: false, why: '' };
    if (!res.isLink) { res.why = `first Tab focuses ${a ? a.localName : 'nothing'}, expected the skip link <a href="#main">`; return res; }
    if (!res.href || !res.href.startsWith('#') || res.href.length < 2) { res.why = `first focused link has href="${res.href}", expected an in-page link like "#main"`; return res; }
    if (mains.length !== 1) { res.why = `page has ${mains.length} main landmarks, expected exactly 1`; return res; }
    const target = document.getElementById(decodeURIComponent(res.href.slice(1)));
    if (!target) { res.why = `skip link target ${res.href} does not exist`; return res; }
    if (target !== mains[0] && !mains[0].contains(target)) { res.why = `skip link target ${res.href} is not the main landmark (nor inside it)`; return res; }
    res.ok = true;
    return res;
  });
  if (!skip.ok) problems.push(`skip link: ${skip.why}`);

  // 2. Tab through the page: focus always visible, with a visible indicator
  const seen = [];
  let info = first;
  for (let i = 0; i <= tabs; i++) {
    if (i > 0) {
      await page.keyboard.press('Tab');
      info = await describeFocus(page);
    }
    if (info.none) {
      steps.push(`Tab ${i + 1}: focus left the page (end of tab order)`);
      if (i === 0) problems.push('first Tab did not focus anything in the page');
      break;
    }
    const label = `Tab ${i + 1}: ${info.selector}${info.text ? ` "${info.text}"` : ''}`;
    if (i > 0 && seen[0] === info.selector) { steps.push(`${label} (wrapped to the start)`); break; }
    seen.push(info.selector);
    if (!info.visible) {
      problems.push(`${label}: focused element is not visible (rect ${Math.round(info.rect.width)}x${Math.round(info.rect.height)} at ${Math.round(info.rect.x)},${Math.round(info.rect.y)})`);
      steps.push(`${label}: NOT VISIBLE`);
      continue;
    }
    const ind = await checkIndicator(page, info);
    if (!ind.styleOk) {
      problems.push(`${label}: no visible focus indicator (outline ${ind.focused.outlineStyle} ${ind.focused.outlineWidth} ${ind.focused.outlineColor}; nothing else changes on focus)`);
    } else if (!ind.pixelsOk) {
      problems.push(`${label}: focus indicator is not visible on screen (styles change [${ind.outline ? 'outline' : ind.changed.join(', ')}] but the pixels around the element are identical)`);
    }
    steps.push(`${label}: ${ind.styleOk && ind.pixelsOk ? 'ok' : 'NO INDICATOR'} (${ind.outline ? `outline ${ind.focused.outlineStyle} ${ind.focused.outlineWidth}` : `changed: ${ind.changed.join(', ') || 'nothing'}`}${info.focusVisible ? '' : ', not :focus-visible'})`);
  }

  // 3. activating the skip link moves focus / scroll to main
  if (skip.ok) {
    await page.goto(url, { waitUntil: 'load' });
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(150);
    const after = await page.evaluate((href) => {
      const main = document.querySelector('main, [role="main"]');
      const target = document.getElementById(decodeURIComponent(href.slice(1)));
      const a = document.activeElement;
      const r = target.getBoundingClientRect();
      return {
        hash: location.hash,
        focusInMain: !!a && a !== document.body && main.contains(a),
        targetInView: r.top > -2 && r.top < window.innerHeight,
        scrollY: window.scrollY,
      };
    }, skip.href);
    let ok = after.focusInMain;
    let how = ok ? 'focus moved into main' : '';
    if (!ok) {
      // Sequential focus navigation starting point moved to the target: next Tab lands in/after main.
      await page.keyboard.press('Tab');
      const next = await page.evaluate(() => {
        const main = document.querySelector('main, [role="main"]');
        const a = document.activeElement;
        if (!a || a === document.body) return 'nothing';
        if (main.contains(a)) return 'in-main';
        return main.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING ? 'after-main' : 'before-main';
      });
      ok = next === 'in-main' || next === 'after-main';
      how = `next Tab lands ${next}`;
    }
    if (!after.targetInView) problems.push(`activating the skip link does not scroll main into view (target top not in viewport, scrollY ${after.scrollY})`);
    if (!ok) problems.push(`activating the skip link does not move focus to main (${how}; location.hash ${after.hash || '(none)'})`);
    steps.push(`skip link activated: hash ${after.hash}, ${how}, target in view: ${after.targetInView}`);
  }
  return { problems, steps };
}

// ---------------------------------------------------------------------------
// Sub-path health: failed requests, requests outside the mount, JS errors, broken links

/** Record failed/foreign requests and JS errors of pages loaded in `page`. Call before goto(). */
export function watchRequests(page, { origin, mount }) {
  const issues = [];
  page.on('response', (res) => {
    const u = new URL(res.url());
    if (u.origin === origin && !u.pathname.startsWith(mount)) {
      issues.push(`request outside the ${mount} sub-path: ${u.pathname} (${res.status()})`);
    } else if (res.status() >= 400) {
      issues.push(`HTTP ${res.status()} for ${res.request().resourceType()} ${u.pathname}${u.search}`);
    }
  });
  page.on('requestfailed', (req) => {
    const u = new URL(req.url());
    if (u.hostname !== '127.0.0.1') return; // foreign hosts are blocked on purpose, reported separately
    // ERR_ABORTED = cancelled by the browser (e.g. favicon still loading when the tab closes);
    // a missing file shows up as an HTTP error status above instead.
    if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
    issues.push(`request failed: ${req.resourceType()} ${u.pathname} (${req.failure()?.errorText})`);
  });
  page.on('pageerror', (err) => issues.push(`JavaScript error: ${String(err.message || err).split('\n')[0]}`));
  return { take: () => issues.splice(0) };
}

/** Same-origin link/resource URLs in the loaded page (absolute, without fragment). */
export async function collectLinks(page, origin) {
  return page.evaluate((o) => {
    const urls = new Set();
    const add = (v) => {
      if (!v) return;
      try {
        const u = new URL(v, document.baseURI);
        if (u.origin !== o) return;
        u.hash = '';
        urls.add(u.href);
      } catch { /* ignore */ }
    };
    for (const a of document.querySelectorAll('a[href], area[href], link[href]')) add(a.getAttribute('href'));
    for (const el of document.querySelectorAll('img[src], script[src], source[src], iframe[src], video[src], audio[src], form[action]')) {
      add(el.getAttribute('src') ?? el.getAttribute('action'));
    }
    for (const el of document.querySelectorAll('img[srcset], source[srcset]')) {
      for (const part of el.getAttribute('srcset').split(',')) add(part.trim().split(/\s+/)[0]);
    }
    return [...urls];
  }, origin);
}

/** HEAD every URL (following redirects); returns the ones that do not end in 2xx. */
export async function brokenUrls(urls, cache = new Map()) {
  const bad = [];
  for (const u of urls) {
    if (!cache.has(u)) {
      cache.set(u, fetch(u, { method: 'HEAD', redirect: 'follow' }).then((r) => r.status, (e) => `error ${e.message}`));
    }
    const status = await cache.get(u);
    if (typeof status !== 'number' || status >= 300) bad.push({ url: u, status });
  }
  return bad;
}
