// Runs queries through Pagefind's own browser search (pagefind/pagefind.js as built by the
// pagefind CLI) under node, for run.py. fetch() is served from the built site on disk.
// Usage: node pagefind_query.mjs <built site dir> <base path, e.g. /hakuarvio/>
//   stdin {"queries": [{"query": "..."}, ...], "depth": 30}
//   -> stdout {"results": [[url, ... first `depth` results], ...]}
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [site, base] = process.argv.slice(2);
const fromUrl = (u) => {
  const p = new URL(u, 'http://localhost').pathname;
  if (!p.startsWith(base)) throw new Error(`outside the site: ${u}`);
  return path.join(site, decodeURIComponent(p.slice(base.length)));
};
globalThis.fetch = async (input) => {
  const body = await readFile(fromUrl(typeof input === 'string' ? input : input.url ?? String(input)));
  return new Response(body, { status: 200, headers: { 'content-type': String(input).endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream' } });
};

const pagefind = await import(pathToFileURL(path.join(site, 'pagefind', 'pagefind.js')).href);
await pagefind.options({ basePath: `${base}pagefind/`, baseUrl: base });
await pagefind.init();
let input = '';
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
const results = [];
for (const q of request.queries ?? []) {
  const search = await pagefind.search(q.query);
  const data = await Promise.all(search.results.slice(0, request.depth ?? 10).map((r) => r.data()));
  results.push(data.map((d) => d.url));
}
process.stdout.write(JSON.stringify({ results }));
