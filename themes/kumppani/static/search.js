// kumppani search: queries the index that the build wrote under search/ (see src/search/).
// A dependency-free ES module. The normaliser is a faithful port of src/search/finnish.rs
// (Snowball Finnish on folded text + our gradation rules); tests/search_quality.rs checks that
// both give the same keys and runs the query engine below under node.
// Index data is only ever inserted as text nodes, never as HTML.

const FOLD = { ä: 'a', å: 'a', á: 'a', à: 'a', â: 'a', ö: 'o', ó: 'o', ò: 'o', ô: 'o', ø: 'o',
  ü: 'u', ú: 'u', ù: 'u', û: 'u', é: 'e', è: 'e', ê: 'e', ë: 'e', í: 'i', ì: 'i', î: 'i', ï: 'i',
  š: 's', ž: 'z', ß: 'ss', æ: 'ae' };

/** ä/ö/å (and other accents) folded away: `järjestö` → `jarjesto`. */
export function fold(word) {
  let out = '';
  for (const c of word) out += FOLD[c] ?? c;
  return out;
}

const WORD = /[\p{L}\p{N}\p{M}_]+(?:[.'’:][\p{L}\p{N}\p{M}_]+)*/gu;

/** Lowercased NFC words of a text (an approximation of UAX #29 that is exact for Finnish). */
export function words(text) {
  return (text.normalize('NFC').toLowerCase().match(WORD) ?? []).filter(indexable);
}

/** Words the index leaves out (`is_indexable` in src/search/tokenize.rs): over 64 characters,
 * 24 or more mixing letters and digits, or 10 letters in a row without a vowel. */
export function indexable(word) {
  const f = fold(word);
  if ([...f].length > 64) return false;
  if (/[b-df-hj-np-tv-xz]{10}/.test(f)) return false;
  return !([...f].length >= 24 && /[a-z]/.test(f) && /[0-9]/.test(f));
}

// ---- Snowball Finnish, on folded text (so only a-z vowels matter) ----
const V1 = new Set('aeiouy');
const V2 = new Set('aeiou');
const AEI = new Set('aei');
const PARTICLE_END = new Set('aeiouynt');
const LONG = new Set(['aa', 'ee', 'ii', 'oo', 'uu']);

const ends = (s, end, str) => end >= str.length && s.slice(end - str.length, end).join('') === str;
const isLong = (s, end, limit) => end - 2 >= limit && LONG.has(s[end - 2] + s[end - 1]);
const isVI = (s, end, limit) => end - 2 >= limit && s[end - 1] === 'i' && V2.has(s[end - 2]);

/** Longest entry [suffix, result, condition?] ending the word at or after `limit`. */
function among(s, limit, table) {
  for (const [suffix, result, cond] of table) {
    const start = s.length - suffix.length;
    if (start >= limit && ends(s, s.length, suffix) && (!cond || cond(s, start, limit))) {
      return [result, start];
    }
  }
  return [0, 0];
}
const byLength = (t) => t.sort((a, b) => b[0].length - a[0].length);
const PARTICLES = byLength([['pa', 1], ['sti', 2], ['kaan', 1], ['han', 1], ['kin', 1], ['ko', 1]]);
const POSSESSIVES = byLength([['nsa', 3], ['mme', 3], ['nne', 3], ['ni', 2], ['si', 1], ['an', 4], ['en', 6]]);
const CASES = byLength([['a', 8], ['lla', -1], ['na', -1], ['ssa', -1], ['ta', -1], ['lta', -1],
  ['sta', -1], ['tta', 9], ['lle', -1], ['ine', -1], ['ksi', -1], ['n', 7], ['han', 1],
  ['den', -1, isVI], ['seen', -1, isLong], ['hen', 2], ['tten', -1, isVI], ['hin', 3],
  ['siin', -1, isVI], ['hon', 4]]);
const OTHERS = byLength([['eja', -1], ['mma', 1], ['imma', -1], ['mpa', 1], ['impa', -1],
  ['mmi', 1], ['immi', -1], ['mpi', 1], ['impi', -1]]);
const CASE_VOWEL = { 1: 'a', 2: 'e', 3: 'i', 4: 'o' };

function snowball(word) {
  const s = Array.from(word);
  const n = s.length;
  let p1 = n;
  let p2 = n;
  let i = 0;
  while (i < n && !V1.has(s[i])) i++;
  while (i < n && V1.has(s[i])) i++;
  if (i < n) {
    p1 = ++i;
    while (i < n && !V1.has(s[i])) i++;
    while (i < n && V1.has(s[i])) i++;
    if (i < n) p2 = i + 1;
  }
  const cut = (at) => { s.length = at; };
  const notPo = (start) => !(start >= 2 && s[start - 2] === 'p' && s[start - 1] === 'o');
  if (s.length >= p1) { // particles
    const [r, start] = among(s, p1, PARTICLES);
    if ((r === 1 && start > 0 && PARTICLE_END.has(s[start - 1])) || (r === 2 && start >= p2)) cut(start);
  }
  if (s.length >= p1) { // possessives
    const [r, start] = among(s, p1, POSSESSIVES);
    if (r === 1 && !(start > 0 && s[start - 1] === 'k')) cut(start);
    else if (r === 2) {
      cut(start);
      if (ends(s, s.length, 'kse')) s[s.length - 1] = 'i';
    } else if (r === 3) cut(start);
    else if (r === 4 && ['lla', 'na', 'ssa', 'ta', 'lta', 'sta'].some((x) => ends(s, start, x))) cut(start);
    else if (r === 6 && (ends(s, start, 'lle') || ends(s, start, 'ine'))) cut(start);
  }
  let removed = false;
  if (s.length >= p1) { // case endings
    const [r, start] = among(s, p1, CASES);
    let from = start;
    let ok = r !== 0;
    if (CASE_VOWEL[r]) ok = start > 0 && s[start - 1] === CASE_VOWEL[r];
    else if (r === 7) { if ((isLong(s, start, 0) || ends(s, start, 'ie')) && start > 0) from = start - 1; }
    else if (r === 8) ok = start > 1 && V1.has(s[start - 1]) && !V1.has(s[start - 2]);
    else if (r === 9) ok = start > 0 && s[start - 1] === 'e';
    if (ok) { cut(from); removed = true; }
  }
  if (s.length >= p2) { // other endings
    const [r, start] = among(s, p2, OTHERS);
    if (r === -1 || (r === 1 && notPo(start))) cut(start);
  }
  if (removed) { // i-plural
    if (s.length >= p1 && s.length - 1 >= p1 && (s[s.length - 1] === 'i' || s[s.length - 1] === 'j')) cut(s.length - 1);
  } else if (s.length >= p1 && s.length - 1 >= p1 && s[s.length - 1] === 't' && s.length - 2 >= p1 && V1.has(s[s.length - 2])) {
    cut(s.length - 1); // t-plural
    if (s.length >= p2) {
      const [r, start] = among(s, p2, [['imma', -1], ['mma', 1]]);
      if (r === -1 || (r === 1 && notPo(start))) cut(start);
    }
  }
  if (s.length >= p1) { // tidy
    let e = s.length;
    if (isLong(s, e, p1)) cut(e - 1);
    e = s.length;
    if (e - 2 >= p1 && AEI.has(s[e - 1]) && !V1.has(s[e - 2])) cut(e - 1);
    e = s.length;
    if (e - 2 >= p1 && s[e - 1] === 'j' && (s[e - 2] === 'o' || s[e - 2] === 'u')) cut(e - 1);
    e = s.length;
    if (e - 2 >= p1 && s[e - 1] === 'o' && s[e - 2] === 'j') cut(e - 1);
    let j = s.length;
    while (!(j > 0 && !V1.has(s[j - 1]))) {
      if (j <= 0) return s.join('');
      j--;
    }
    if (j >= 2 && s[j - 2] === s[j - 1]) s.splice(j - 1, 1);
  }
  return s.join('');
}

// ---- our rules after Snowball (src/search/finnish.rs: tidy) ----
const VOWEL = V1;
const CLUSTERS = { ng: 'nk', mp: 'm', lt: 'l', nt: 'n', rt: 'r', ht: 'h', hd: 'h', lk: 'l', lj: 'l',
  rk: 'r', rj: 'r', hk: 'h', lv: 'lp', rv: 'rp', ks: 's', d: 't', v: 'p' };

function tidy(stem) {
  const c = Array.from(stem);
  const n = c.length;
  if (n >= 4 && VOWEL.has(c[n - 1]) && !VOWEL.has(c[n - 2])) c.pop();
  let start = c.length;
  while (start > 0 && !VOWEL.has(c[start - 1])) start--;
  if (start === 0 || start === c.length) return c.join('');
  let cluster = c.slice(start);
  if (cluster.length >= 2 && cluster[cluster.length - 1] === cluster[cluster.length - 2]) cluster.pop();
  cluster = cluster.join('');
  return c.slice(0, start).join('') + (CLUSTERS[cluster] ?? cluster);
}

/** The main search key of a lowercase word (src/search/finnish.rs `key`). */
export function key(word) {
  const folded = fold(word);
  const chars = Array.from(folded);
  if (chars.length < 3 || /[0-9]/.test(folded)) return folded;
  let prepared = folded;
  if (folded.endsWith('nen') && chars.length - 3 >= 3) prepared = folded.slice(0, -3) + 'sen';
  return tidy(snowball(prepared));
}

/** Every key of a word (src/search/finnish.rs `keys`). */
export function keys(word) {
  const all = [key(word)];
  const folded = fold(word);
  const n = Array.from(folded).length;
  let alt = null;
  if (n >= 5 && folded.endsWith('na')) alt = key(folded + 't');
  else if (n >= 6 && folded.endsWith('sta') && VOWEL.has(folded[folded.length - 4])) alt = key(folded.slice(0, -2));
  else if (n >= 7 && folded.endsWith('sten') && VOWEL.has(folded[folded.length - 5])) alt = key(folded.slice(0, -3));
  if (alt !== null && alt !== all[0]) all.push(alt);
  return all;
}

// ---- the query engine ----
// A prefix expansion counts less than the word itself, and much less once the typed word is
// complete (found as is): then longer words are only a hint.
const PREFIX_WEIGHT = 0.8;
const PREFIX_WEIGHT_COMPLETE = 0.25;
const MAX_EXPANSIONS = 40;
// Prefixes shorter than this match too much to be useful, and on a big site would download
// many shards; a prefix never reads more than MAX_PREFIX_SHARDS shards.
const MIN_PREFIX = 3;
const MAX_PREFIX_SHARDS = 2;

/** Binary search: first index in sorted `list` (by `get`) whose value is >= `value`. */
function lowerBound(list, value, get) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (get(list[mid]) < value) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * Hits in rank order (score descending, ties by doc id ascending) without sorting them all:
 * `length` and `slice(start, end)` → [{doc, score}]. Only the first `end` are ranked, by a
 * bounded heap; the ranked prefix at least doubles on each call, so paging stays cheap.
 */
function ranked(docs, score) {
  const better = (a, b) => score[a] > score[b] || (score[a] === score[b] && a < b);
  let top = [];
  return {
    length: docs.length,
    slice(start = 0, end = docs.length) {
      end = Math.min(Math.max(end, 0), docs.length);
      if (end > top.length) top = best(docs, Math.min(docs.length, Math.max(end, 2 * top.length, 32)), better);
      return top.slice(start, end).map((doc) => ({ doc, score: score[doc] }));
    },
  };
}

/** The `k` best of `docs` in order, with a heap whose root is the worst kept. */
function best(docs, k, better) {
  const heap = [];
  const down = (i) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < heap.length && better(heap[w], heap[l])) w = l;
      if (r < heap.length && better(heap[w], heap[r])) w = r;
      if (w === i) return;
      [heap[i], heap[w]] = [heap[w], heap[i]];
      i = w;
    }
  };
  for (const doc of docs) {
    if (heap.length < k) {
      let i = heap.push(doc) - 1;
      while (i > 0 && better(heap[(i - 1) >> 1], doc)) {
        heap[i] = heap[(i - 1) >> 1];
        i = (i - 1) >> 1;
      }
      heap[i] = doc;
    } else if (k > 0 && better(doc, heap[0])) {
      heap[0] = doc;
      down(0);
    }
  }
  return heap.sort((a, b) => (better(a, b) ? -1 : 1));
}

/**
 * The search engine over one index. `fetchJson(relativePath)` loads a file under `search/`
 * (the browser uses fetch with the version; node tests read files).
 */
export function createEngine(fetchJson) {
  const cache = new Map();
  const load = (path) => {
    if (!cache.has(path)) cache.set(path, fetchJson(path).catch((e) => { cache.delete(path); throw e; }));
    return cache.get(path);
  };
  const manifest = () => load('index.json');

  async function shardsFor(from, to, limit = 1) {
    const m = await manifest();
    const first = Math.max(0, lowerBound(m.shards, from + '\0', (x) => x) - 1);
    const last = to === null ? first : Math.min(first + limit - 1, Math.max(first, lowerBound(m.shards, to, (x) => x) - 1));
    const list = [];
    for (let i = first; i <= last; i++) list.push(load(`t/${i}.json`));
    return (await Promise.all(list)).flat();
  }

  // Per-word scores live in a Float64Array indexed by document id (0 = no match; every real
  // score is > 0) plus the list of touched ids, so a query over 100,000 documents allocates a
  // few arrays instead of a Map entry per hit. Powers of q[1] are computed once per manifest.
  const powers = new WeakMap();
  function decode(m, postings, weight, into) {
    let pw = powers.get(m);
    if (!pw) powers.set(m, pw = Array.from({ length: 64 }, (_, e) => m.q[1] ** e));
    const base = weight * m.q[0];
    const { score, docs } = into;
    let doc = 0;
    for (const v of postings) {
      doc += Math.floor(v / 64);
      const s = base * pw[v % 64];
      const old = score[doc];
      if (old === 0) docs.push(doc);
      if (!(old >= s)) score[doc] = s;
    }
  }

  /** Documents matching one word: {score: doc id → score (0 = none), docs: matched ids}. */
  async function matchWord(m, word, prefix) {
    const scores = { score: new Float64Array(m.docs), docs: [] };
    const own = keys(word);
    for (const k of own) {
      const terms = await shardsFor(k, null);
      const at = lowerBound(terms, k, (t) => t[0]);
      if (terms[at] && terms[at][0] === k) decode(m, terms[at][1], 1, scores);
    }
    if (prefix) {
      const weight = scores.docs.length ? PREFIX_WEIGHT_COMPLETE : PREFIX_WEIGHT;
      const starts = new Set([fold(word)]);
      if (own[0].length >= 3) starts.add(own[0]);
      for (const p of starts) {
        if (p.length < MIN_PREFIX) continue;
        const end = p + '\uffff';
        const terms = await shardsFor(p, end, MAX_PREFIX_SHARDS);
        let n = 0;
        for (let i = lowerBound(terms, p, (t) => t[0]); i < terms.length && terms[i][0] < end && n < MAX_EXPANSIONS; i++, n++) {
          if (!own.includes(terms[i][0])) decode(m, terms[i][1], weight, scores);
        }
      }
    }
    return scores;
  }

  async function allowedDocs(m, filters) {
    const chosen = [['sections', filters.section], ['categories', filters.category], ['areas', filters.area]]
      .filter(([, v]) => v !== undefined && v !== null && v !== '');
    if (!chosen.length) return null;
    const f = await load('filters.json');
    let allowed = null;
    for (const [name, value] of chosen) {
      const index = m[name].findIndex((x) => x[0] === value);
      const set = new Set();
      let doc = 0;
      for (const d of (f[name][index] ?? [])) set.add(doc += d);
      allowed = allowed === null ? set : new Set([...allowed].filter((x) => set.has(x)));
    }
    return allowed;
  }

  /**
   * Runs a query. While it is being typed (the default), its last word is also a prefix unless
   * the query ends with a space. A submitted query (`{submitted: true}`: Enter, `?q=`, a link)
   * is complete: every word matches as a whole word, in all its forms (its keys), never as the
   * start of longer words, so a short stem does not drag in every word that begins with it.
   * Returns {mode: 'and' | 'or', hits, words, prefix}; `hits` is ranked lazily (see `ranked`).
   */
  async function search(query, filters = {}, { submitted = false } = {}) {
    const m = await manifest();
    const ws = words(query);
    const prefix = !submitted && ws.length > 0 && !/\s$/.test(query);
    const perWord = await Promise.all(ws.map((w, i) => matchWord(m, w, prefix && i === ws.length - 1)));
    const allowed = await allowedDocs(m, filters);
    // Totals are summed in word order (as floats, so ranks stay exactly the same); AND mode only
    // walks the documents of the rarest word.
    const combine = (all) => {
      const total = new Float64Array(m.docs);
      const docs = [];
      if (all) {
        const rarest = perWord.reduce((a, b) => (b.docs.length < a.docs.length ? b : a), perWord[0]);
        for (const doc of rarest?.docs ?? []) {
          if (allowed && !allowed.has(doc)) continue;
          let sum = 0;
          for (const w of perWord) {
            const s = w.score[doc];
            if (s === 0) { sum = -1; break; }
            sum += s;
          }
          if (sum < 0) continue;
          total[doc] = sum;
          docs.push(doc);
        }
      } else {
        for (const w of perWord) {
          for (const doc of w.docs) {
            if (allowed && !allowed.has(doc)) continue;
            if (total[doc] === 0) docs.push(doc);
            total[doc] += w.score[doc];
          }
        }
      }
      return ranked(docs, total);
    };
    let mode = 'and';
    let hits = combine(true);
    if (!hits.length && ws.length > 1) {
      mode = 'or';
      hits = combine(false);
    }
    return { mode, hits, words: ws, prefix };
  }

  /** Metadata of documents: {title, url, section (name), excerpt}. */
  async function documents(ids) {
    const m = await manifest();
    return Promise.all(ids.map(async (id) => {
      const block = await load(`d/${Math.floor(id / m.block)}.json`);
      const [title, url, section, excerpt] = block[id % m.block];
      return { id, title, url, section: m.sections[section]?.[1] ?? '', excerpt };
    }));
  }

  return { manifest, search, documents };
}

/** Whether a word of a result should be highlighted for the query words. */
export function highlighter(queryWords, prefix) {
  const wanted = new Set(queryWords.flatMap((w) => keys(w)));
  const stems = [...wanted].filter((k) => k.length >= 4);
  const last = prefix && queryWords.length ? fold(queryWords[queryWords.length - 1]) : null;
  return (word) => {
    const f = fold(word);
    return keys(word).some((k) => wanted.has(k)) || (last !== null && last.length >= MIN_PREFIX && f.startsWith(last)) ||
      stems.some((s) => f.includes(s));
  };
}

// ---- the page ----
const PAGE = 10;
const DEBOUNCE_MS = 150;

/** Appends `text` to `parent` with matching words wrapped in <mark>, as text nodes only. */
function appendMarked(parent, text, matches) {
  let at = 0;
  for (const m of text.matchAll(WORD)) {
    if (!matches(m[0].toLowerCase())) continue;
    if (m.index > at) parent.append(document.createTextNode(text.slice(at, m.index)));
    const mark = document.createElement('mark');
    mark.append(document.createTextNode(m[0]));
    parent.append(mark);
    at = m.index + m[0].length;
  }
  if (at < text.length) parent.append(document.createTextNode(text.slice(at)));
}

/** One result as the page shows it: title link, section and excerpt, matches marked. */
export function resultItem(d, matches) {
  const li = document.createElement('li');
  const a = document.createElement('a');
  a.href = d.url;
  a.className = 'search-title';
  appendMarked(a, d.title, matches);
  const section = document.createElement('p');
  section.className = 'search-section';
  section.textContent = d.section;
  const excerpt = document.createElement('p');
  excerpt.className = 'search-excerpt';
  appendMarked(excerpt, d.excerpt, matches);
  li.append(a, section, excerpt);
  return li;
}

function init(root) {
  const $ = (id) => document.getElementById(id);
  const input = $('search-input');
  const status = $('search-status');
  const list = $('search-results');
  const more = $('search-more');
  const form = $('search-form');
  const selects = { section: $('search-section'), category: $('search-category'), area: $('search-area') };
  const params = { section: 'osio', category: 'luokka', area: 'alue' };
  const text = (name, vars = {}) => (root.dataset[name] ?? '').replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '');
  const indexUrl = new URL(root.dataset.index, location.href);
  const version = indexUrl.searchParams.get('v') ?? '';
  const engine = createEngine(async (path) => {
    const url = path === 'index.json' ? indexUrl : new URL(`${path}?v=${version}`, indexUrl);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  });
  let shown = 0;
  let current = null;
  let generation = 0;
  let timer = 0;
  // Whether the query in the box is complete (Enter, `?q=`, a link) or still being typed; a
  // filter change keeps it as it was.
  let submitted = false;

  $('search-nojs').hidden = true;

  const filters = () => Object.fromEntries(Object.entries(selects).map(([k, s]) => [k, s.value]));

  function fillSelect(select, values) {
    select.replaceChildren();
    const all = document.createElement('option');
    all.value = '';
    all.textContent = text('all');
    select.append(all);
    for (const [value, name] of values) {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = name;
      select.append(o);
    }
  }

  function urlFor(query) {
    const url = new URL(location.href);
    url.search = '';
    if (query.trim()) url.searchParams.set('q', query.trim());
    for (const [k, s] of Object.entries(selects)) if (s.value) url.searchParams.set(params[k], s.value);
    return url;
  }

  function syncUrl(query, push) {
    const url = urlFor(query);
    if (url.href === location.href) return;
    if (push) history.pushState(null, '', url); else history.replaceState(null, '', url);
  }

  async function renderPage() {
    const { hits, words: ws, prefix } = current;
    const ids = hits.slice(shown, shown + PAGE).map((h) => h.doc);
    const docs = await engine.documents(ids);
    const matches = highlighter(ws, prefix);
    for (const d of docs) list.append(resultItem(d, matches));
    shown += docs.length;
    more.hidden = shown >= hits.length;
  }

  async function run(query) {
    const mine = ++generation;
    if (!query.trim()) {
      list.replaceChildren();
      more.hidden = true;
      status.textContent = text('statusPrompt');
      return;
    }
    try {
      const result = await engine.search(query, filters(), { submitted });
      if (mine !== generation) return;
      current = result;
      shown = 0;
      list.replaceChildren();
      const n = result.hits.length;
      const q = query.trim();
      await renderPage();
      if (mine !== generation) return;
      if (n === 0) status.textContent = text('statusNone', { q });
      else if (result.mode === 'or') status.textContent = text('statusOr', { q, n });
      else status.textContent = text(n === 1 ? 'statusOne' : 'statusMany', { q, n });
    } catch {
      if (mine === generation) status.textContent = text('statusError');
    }
  }

  function fromUrl() {
    const url = new URL(location.href);
    input.value = url.searchParams.get('q') ?? '';
    for (const [k, s] of Object.entries(selects)) s.value = url.searchParams.get(params[k]) ?? '';
    submitted = true;
    return run(input.value);
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    submitted = false;
    timer = setTimeout(() => {
      syncUrl(input.value, false);
      run(input.value);
    }, DEBOUNCE_MS);
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(timer);
    submitted = true;
    syncUrl(input.value, true);
    run(input.value);
  });
  for (const s of Object.values(selects)) {
    s.addEventListener('change', () => {
      syncUrl(input.value, true);
      run(input.value);
    });
  }
  more.addEventListener('click', async () => {
    const first = shown;
    await renderPage();
    list.children[first]?.querySelector('a')?.focus();
  });
  window.addEventListener('popstate', fromUrl);

  // Arrow keys move between the input and the result links; Tab works as usual (no trap).
  root.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const links = [...list.querySelectorAll('a')];
    const at = links.indexOf(document.activeElement);
    if (document.activeElement === input && e.key === 'ArrowDown' && links.length) links[0].focus();
    else if (at >= 0) (e.key === 'ArrowDown' ? links[at + 1] : at === 0 ? input : links[at - 1])?.focus();
    else return;
    e.preventDefault();
  });

  engine.manifest().then((m) => {
    fillSelect(selects.section, m.sections);
    fillSelect(selects.category, m.categories);
    fillSelect(selects.area, m.areas);
    $('search-filters').hidden = false;
    return fromUrl();
  }).catch(() => { status.textContent = text('statusError'); });
}

if (typeof document !== 'undefined') {
  const root = document.getElementById('search');
  if (root) init(root);
}
