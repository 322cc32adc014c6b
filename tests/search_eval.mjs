// Runs the browser's search engine (search.js as built) under node, for tests/search_quality.rs
// and for measuring what a query downloads.
// Usage: node tests/search_eval.mjs <built site dir>  with a JSON request on stdin:
//   {"queries": [{"query": "avustus", "filters": {}, "submitted": true}, …], "words": ["järjestöille", …],
//    "bytes": ["avustus", …]}
// "submitted": the query as after Enter or from `?q=` (whole words only); without it, as still
// being typed in the search box (the last word is also a prefix unless the query ends in a space).
// Prints {"results": [[url, …top 10], …], "keys": [[key, …], …],
//         "bytes": [{"query", "files": [[path, raw, gzip], …], "raw", "gzip"}, …]}.
// "bytes" runs each query on a cold cache, like a first visit, and counts search.js, the
// manifest, the shards and the metadata blocks of the first 10 results, gzip level 6 (what a
// web server sends).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const site = process.argv[2];
const search = await import(pathToFileURL(path.join(site, 'search.js')).href);
const read = (rel) => readFile(path.join(site, 'search', rel), 'utf8');
let input = '';
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);

const engine = search.createEngine(async (rel) => JSON.parse(await read(rel)));
const results = [];
for (const q of request.queries ?? []) {
  const { hits } = await engine.search(q.query, q.filters ?? {}, { submitted: q.submitted === true });
  const docs = await engine.documents(hits.slice(0, 10).map((h) => h.doc));
  results.push(docs.map((d) => d.url));
}

const keys = (request.words ?? []).map((w) => search.keys(w));

const bytes = [];
for (const query of request.bytes ?? []) {
  const fetched = ['../search.js'];
  const cold = search.createEngine(async (rel) => { fetched.push(rel); return JSON.parse(await read(rel)); });
  const { hits } = await cold.search(query);
  await cold.documents(hits.slice(0, 10).map((h) => h.doc));
  const files = [];
  for (const rel of fetched) {
    const body = await readFile(path.join(site, 'search', rel));
    files.push([path.posix.join('search', rel), body.length, gzipSync(body, { level: 6 }).length]);
  }
  bytes.push({ query, files, raw: files.reduce((a, f) => a + f[1], 0), gzip: files.reduce((a, f) => a + f[2], 0) });
}
process.stdout.write(JSON.stringify({ results, keys, bytes }));
