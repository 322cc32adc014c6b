// Gate: keyboard use of the home page. The first Tab focuses a skip link to the
// main landmark; the next ~30 Tab stops are visible and have a visible focus
// indicator; activating the skip link moves focus/scroll to main.
import { after, test } from 'node:test';

import { checkKeyboard, NARROW, WIDE } from './lib/gates.mjs';
import { newContext, SITES, siteSkipReason, testEnv } from './lib/site.mjs';

const env = testEnv();
after(() => env.close());

for (const site of SITES) {
  test(`keyboard: skip link and visible focus on the home page [${site.name}]`, { timeout: 5 * 60_000 }, async (t) => {
    const skip = siteSkipReason(site);
    if (skip) return t.skip(skip);
    const built = await env.site(site);
    if (!built.home) throw new Error(`no index.html (home page) in the build of ${site.name}`);
    for (const viewport of [WIDE, NARROW]) {
      await t.test(`${built.home.rel} @${viewport.width}px`, async (st) => {
        const context = await newContext(await env.browser(), { viewport });
        try {
          const page = await context.newPage();
          const { problems, steps } = await checkKeyboard(page, built.home.url, { tabs: 30 });
          for (const s of steps) st.diagnostic(s);
          if (problems.length) {
            throw new Error(`keyboard problems on ${built.home.rel} @${viewport.width}px:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
          }
        } finally {
          await context.close();
        }
      });
    }
  });
}
