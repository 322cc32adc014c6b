// Gate: the site works when deployed under the /jarjestot/ sub-path: on every page
// no same-origin request fails or escapes the sub-path, no JavaScript error is thrown,
// every same-origin link/resource in the HTML resolves (HEAD -> 2xx), and redirect
// pages (meta refresh) point to an existing page under the sub-path.
// Requests to hosts other than 127.0.0.1 are blocked and listed as diagnostics.
import { after, test } from 'node:test';

import { brokenUrls, collectLinks, watchRequests } from './lib/gates.mjs';
import { MOUNT, newContext, sitePage, SITES, siteSkipReason, testEnv, visit } from './lib/site.mjs';

const env = testEnv();
after(() => env.close());

for (const site of SITES) {
  test(`works under the ${MOUNT} sub-path: requests, JS errors, links, redirects [${site.name}]`, { timeout: 10 * 60_000 }, async (t) => {
    const skip = siteSkipReason(site);
    if (skip) return t.skip(skip);
    const built = await env.site(site);
    const byUrl = new Map(built.pages.map((p) => [p.url, p]));
    const context = await newContext(await env.browser());
    const page = await sitePage(context, built.pages);
    const requests = watchRequests(page, { origin: built.server.origin, mount: MOUNT });
    const cache = new Map();
    try {
      for (const p of built.pages) {
        await t.test(p.rel, async (st) => {
          const blockedBefore = context.blockedRequests.length;
          requests.take(); // drop anything left over from the previous page
          await visit(page, p);
          const problems = requests.take();
          const links = await collectLinks(page, built.server.origin);
          for (const b of await brokenUrls(links, cache)) {
            const u = new URL(b.url);
            problems.push(`broken link/resource in the HTML: ${u.pathname}${u.search} -> ${b.status}${u.pathname.startsWith(MOUNT) ? '' : ` (outside ${MOUNT}: missing base path?)`}`);
          }
          if (p.redirect) {
            const { target, delay } = p.redirect;
            st.diagnostic(`redirect page (meta refresh ${delay}s) -> ${target}`);
            if (!target) {
              problems.push('meta refresh without a target URL');
            } else {
              const u = new URL(target);
              if (u.origin !== built.server.origin || !u.pathname.startsWith(MOUNT)) {
                problems.push(`redirect target ${target} is not under ${built.baseUrl}`);
              } else {
                const [bad] = await brokenUrls([target], cache);
                if (bad) problems.push(`redirect target ${u.pathname} -> ${bad.status}`);
                const next = byUrl.get(u.origin + u.pathname);
                if (next?.redirect) st.diagnostic(`redirect chain: ${p.rel} -> ${next.rel} -> ${next.redirect.target}`);
              }
            }
          }
          for (const b of context.blockedRequests.slice(blockedBefore)) st.diagnostic(`external request blocked (only 127.0.0.1 is allowed in tests): ${b}`);
          if (problems.length) throw new Error(`${p.rel}:\n${problems.map((x) => `  - ${x}`).join('\n')}`);
        });
      }
    } finally {
      await context.close();
    }
  });
}
