// Runs the browser's search engine (search.js as built) under node for tests/search_quality.rs.
// Usage: node tests/search_eval.mjs <built site dir>  with a JSON request on stdin:
//   {"queries": ["avustus", …], "words": ["järjestöille", …]}
// Prints {"results": [[url, …top 10], …], "keys": [[key, …], …]}.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const site = process.argv[2];
const search = await import(pathToFileURL(path.join(site, 'search.js')).href);
const engine = search.createEngine(async (rel) => JSON.parse(await readFile(path.join(site, 'search', rel), 'utf8')));
let input = '';
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
const results = [];
for (const q of request.queries ?? []) {
  const { hits } = await engine.search(q.query, q.filters ?? {});
  const docs = await engine.documents(hits.slice(0, 10).map((h) => h.doc));
  results.push(docs.map((d) => d.url));
}
const keys = (request.words ?? []).map((w) => search.keys(w));
process.stdout.write(JSON.stringify({ results, keys }));
