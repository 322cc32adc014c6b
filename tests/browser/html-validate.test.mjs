// Gate: html-validate (recommended + a11y presets, heading-level and
// input-missing-label as errors) reports zero errors for every built HTML file.
import { after, test } from 'node:test';

import { formatHtmlValidate, validateHtml } from './lib/gates.mjs';
import { SITES, siteSkipReason, testEnv } from './lib/site.mjs';

const env = testEnv();
after(() => env.close());

for (const site of SITES) {
  test(`html-validate [${site.name}]`, { timeout: 10 * 60_000 }, async (t) => {
    const skip = siteSkipReason(site);
    if (skip) return t.skip(skip);
    const built = await env.site(site);
    for (const p of built.pages) {
      await t.test(p.rel, async (st) => {
        const { errors, warnings } = await validateHtml(p.file);
        for (const w of warnings) st.diagnostic(`warning ${p.rel}:${w.line}:${w.column} ${w.rule} ${w.message}`);
        if (errors.length) throw new Error(formatHtmlValidate(errors, p.rel));
      });
    }
  });
}
