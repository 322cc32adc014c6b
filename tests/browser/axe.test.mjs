// Gate: axe-core WCAG 2.0/2.1 A+AA rules report zero violations on every page,
// at 1280 px and at 320 px viewport width. "incomplete" results are printed as
// diagnostics for manual review and do not fail.
import { after, test } from 'node:test';

import { AXE_TAGS, AXE_VERSION, formatAxe, NARROW, runAxe, WIDE } from './lib/gates.mjs';
import { newContext, sitePage, SITES, siteSkipReason, testEnv, visit } from './lib/site.mjs';

const env = testEnv();
after(() => env.close());

for (const site of SITES) {
  for (const viewport of [WIDE, NARROW]) {
    test(`axe ${AXE_VERSION} (${AXE_TAGS.join(', ')}) @${viewport.width}px [${site.name}]`, { timeout: 20 * 60_000 }, async (t) => {
      const skip = siteSkipReason(site);
      if (skip) return t.skip(skip);
      const built = await env.site(site);
      const context = await newContext(await env.browser(), { viewport });
      const page = await sitePage(context, built.pages);
      try {
        for (const p of built.pages) {
          await t.test(p.rel, async (st) => {
            await visit(page, p);
            const { violations, incomplete } = await runAxe(page);
            for (const inc of incomplete) {
              st.diagnostic(`needs review: ${inc.id} [${inc.impact ?? 'n/a'}] on ${p.rel} @${viewport.width}px: ${inc.help} (${inc.nodes.length} node(s): ${inc.nodes.slice(0, 3).map((n) => n.target).join(', ')}${inc.nodes.length > 3 ? ', ...' : ''})`);
            }
            if (violations.length) throw new Error(formatAxe(violations, `${p.rel} @${viewport.width}px`));
          });
        }
      } finally {
        await context.close();
      }
    });
  }
}
