// Gate (mobile first, issue 16): at 375 CSS px the page's own content starts near the top.
// On every page the top of the <main>'s h1 is at most 160 px from the top of the document,
// which needs the main menu collapsed behind its "Valikko" button. The menu itself is checked
// too, with JavaScript on and off (it uses none): at 375 px closed with a visible summary and
// opened by a click on it; at 1280 px the navigation shown and the summary hidden.
// On the same pages at 375 px: no table wider than the viewport, chart labels drawn at
// 14 px or more, and on the directory the filters closed behind "Rajaa hakua" with the first
// organisation card on the first screen.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { WIDE } from './lib/gates.mjs';
import { newContext, sitePage, SITES, siteSkipReason, testEnv, visit } from './lib/site.mjs';

export const PHONE = { width: 375, height: 812 };
export const MAX_FIRST_CONTENT = 160;
export const MIN_CHART_LABEL_PX = 14;

const env = testEnv();
after(() => env.close());

/** Top of the main heading in document coordinates, or null when <main> has no h1. */
function headingTop(page) {
  return page.evaluate(() => {
    const h1 = document.querySelector('main h1');
    return h1 ? Math.round(h1.getBoundingClientRect().top + window.scrollY) : null;
  });
}

/** Problems of the phone layout beyond the first heading (empty when all is well). */
function phoneProblems(page, minLabel) {
  return page.evaluate((minLabel) => {
    const problems = [];
    const vw = document.documentElement.clientWidth;
    for (const [i, t] of [...document.querySelectorAll('main table')].entries()) {
      const w = t.getBoundingClientRect().width;
      if (w > vw + 0.5) problems.push(`table ${i + 1} is ${Math.round(w)}px wide (viewport ${vw}px)`);
    }
    // SVG text scales with its <svg>: the drawn size is the font size times the scale.
    for (const t of document.querySelectorAll('main svg text')) {
      const svg = t.ownerSVGElement;
      const scale = svg.viewBox.baseVal && svg.viewBox.baseVal.width
        ? svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : 1;
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < minLabel - 0.05) problems.push(`chart label "${t.textContent}" is drawn at ${px.toFixed(1)}px`);
    }
    const filters = document.getElementById('directory-filters');
    if (filters) {
      if (filters.open) problems.push('the directory filters are open at first');
      const card = document.querySelector('.org-card:not([hidden])');
      if (card && card.getBoundingClientRect().top + window.scrollY > window.innerHeight) {
        problems.push(`the first organisation card starts ${Math.round(card.getBoundingClientRect().top + window.scrollY)}px down, below the first screen`);
      }
    }
    return problems;
  }, minLabel);
}

function menuState(page) {
  return page.evaluate(() => {
    const menu = document.getElementById('site-menu');
    if (!menu) return null;
    const summary = menu.querySelector('summary');
    const nav = menu.querySelector('nav');
    // checkVisibility() is also false inside a closed <details> (content-visibility: hidden).
    const shown = (el) => !!el && el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
    return { open: menu.open, summaryShown: shown(summary), navShown: shown(nav) };
  });
}

for (const site of SITES) {
  test(`first content <= ${MAX_FIRST_CONTENT}px from the top @${PHONE.width}px [${site.name}]`, { timeout: 10 * 60_000 }, async (t) => {
    const skip = siteSkipReason(site);
    if (skip) return t.skip(skip);
    const built = await env.site(site);
    const context = await newContext(await env.browser(), { viewport: PHONE });
    const page = await sitePage(context, built.pages);
    try {
      // Redirect pages have no site header: nothing to measure.
      for (const p of built.pages.filter((x) => !x.redirect)) {
        await t.test(p.rel, async () => {
          await visit(page, p);
          const top = await headingTop(page);
          assert.notEqual(top, null, `${p.rel}: no h1 inside <main>`);
          assert.ok(top <= MAX_FIRST_CONTENT, `${p.rel} @${PHONE.width}px: the main h1 starts ${top}px from the top (max ${MAX_FIRST_CONTENT})`);
          assert.deepEqual(await phoneProblems(page, MIN_CHART_LABEL_PX), [], `${p.rel} @${PHONE.width}px`);
        });
      }
    } finally {
      await context.close();
    }
  });

  test(`main menu is a disclosure: closed @${PHONE.width}px, shown @${WIDE.width}px [${site.name}]`, { timeout: 5 * 60_000 }, async (t) => {
    const skip = siteSkipReason(site);
    if (skip) return t.skip(skip);
    const built = await env.site(site);
    for (const [viewport, javaScriptEnabled] of [[PHONE, true], [PHONE, false], [WIDE, true], [WIDE, false]]) {
      const context = await newContext(await env.browser(), { viewport, javaScriptEnabled });
      const page = await sitePage(context, built.pages);
      try {
        await visit(page, built.home);
        const where = `${viewport.width}px, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`;
        const before = await menuState(page);
        assert.ok(before, `${where}: no #site-menu`);
        if (viewport === WIDE) {
          assert.deepEqual(before, { open: false, summaryShown: false, navShown: true }, where);
          continue;
        }
        assert.deepEqual(before, { open: false, summaryShown: true, navShown: false }, where);
        await page.click('#site-menu > summary');
        const opened = await menuState(page);
        assert.deepEqual(opened, { open: true, summaryShown: true, navShown: true }, `${where}, after a click`);
      } finally {
        await context.close();
      }
    }
  });
}
