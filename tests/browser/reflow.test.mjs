// Gate (WCAG 1.4.10 Reflow): no horizontal scrolling at 320 CSS px on any page:
// document.documentElement.scrollWidth <= 320 (1 px tolerance).
import { after, test } from 'node:test';

import { formatOverflow, measureOverflow, NARROW } from './lib/gates.mjs';
import { newContext, sitePage, SITES, siteSkipReason, testEnv, visit } from './lib/site.mjs';

const env = testEnv();
after(() => env.close());

for (const site of SITES) {
  test(`no horizontal scrolling @${NARROW.width}px [${site.name}]`, { timeout: 10 * 60_000 }, async (t) => {
    const skip = siteSkipReason(site);
    if (skip) return t.skip(skip);
    const built = await env.site(site);
    const context = await newContext(await env.browser(), { viewport: NARROW });
    const page = await sitePage(context, built.pages);
    try {
      for (const p of built.pages) {
        await t.test(p.rel, async () => {
          await visit(page, p);
          const m = await measureOverflow(page);
          if (m.scrollWidth > NARROW.width + 1) throw new Error(formatOverflow(m, `${p.rel} @${NARROW.width}px`));
        });
      }
    } finally {
      await context.close();
    }
  });
}
