// Gate: every page works under
//   Content-Security-Policy: script-src 'self'; object-src 'none'
// (served as a response header): no securitypolicyviolation events, no CSP console
// errors, and no inline scripts / inline event handlers / javascript: URLs that
// would be blocked when used.
import { after, test } from 'node:test';

import { CSP_HEADER, cspProblemCount, formatCsp, watchCsp } from './lib/gates.mjs';
import { newContext, sitePage, SITES, siteSkipReason, testEnv, visit } from './lib/site.mjs';

const env = testEnv({ headers: { 'Content-Security-Policy': CSP_HEADER } });
after(() => env.close());

for (const site of SITES) {
  test(`Content-Security-Policy "${CSP_HEADER}" [${site.name}]`, { timeout: 10 * 60_000 }, async (t) => {
    const skip = siteSkipReason(site);
    if (skip) return t.skip(skip);
    const built = await env.site(site);
    const context = await newContext(await env.browser());
    const page = await sitePage(context, built.pages);
    const csp = await watchCsp(page);
    try {
      for (const p of built.pages) {
        await t.test(p.rel, async () => {
          const response = await visit(page, p);
          const header = response.headers()['content-security-policy'];
          if (header !== CSP_HEADER) throw new Error(`test server did not send the CSP header (got ${header})`);
          const r = await csp.collect();
          if (cspProblemCount(r)) throw new Error(formatCsp(r, p.rel));
        });
      }
    } finally {
      await context.close();
    }
  });
}
