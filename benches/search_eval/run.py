#!/usr/bin/env python3
"""Runs the search evaluation made by build.py through kumppani and Pagefind 1.5.

    python3 benches/search_eval/build.py                     # corpus + queries (once)
    python3 benches/search_eval/run.py [--data DIR] [--no-pagefind] [--write-md]

--data: what build.py wrote (default /tmp/kumppani-search-eval) or the committed sample
tests/fixtures/search-eval. Builds DIR/site with target/release/kumppani into DIR/public, runs
every query through the real engine (node tests/search_eval.mjs) and, unless --no-pagefind,
through Pagefind (its CLI on the same built site, then its own pagefind.js under node:
pagefind_query.mjs; `npm ci` in benches/search_eval first). Queries are evaluated as submitted:
the whole query string, as typed, no trailing space.

Measures per query, over the first 10 results that are documents of the corpus (section lists,
the front page and other pages that are not corpus documents are skipped for both engines):
  recall@10    = relevant in top 10 / min(relevant, 10)
  precision@10 = relevant in top 10 / 10 (the usual definition; a query with 3 relevant
                 documents can reach 0.30 at best: the "P@10 ceiling" column is that best)
  MRR@10       = 1 / rank of the first relevant result (0 if none in the top 10)
--write-md writes the table into benches/SEARCH_QUALITY.md; DIR/results.json has every query.
Exit status 0; with --min-recall X, 1 when kumppani's overall recall@10 is below X.
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
KINDS = ["inflection", "compound", "no_diacritics", "multi_word", "gradation", "plural",
         "possessive", "clitic", "navigational"]
BASE = "/hakuarvio/"
DEPTH = 30  # results read per query before non-document pages are skipped


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def build_site(data, work, kumppani):
    public = work / "public"
    env = dict(os.environ, KUMPPANI_TODAY="2026-12-02")
    run([str(kumppani), "build", "--root", str(data / "site"), "--output", str(public),
         "--force"], env=env, capture_output=True)
    return public


def kumppani_results(public, queries):
    req = {"queries": [{"query": q["query"], "submitted": True} for q in queries]}
    out = run(["node", str(REPO / "tests" / "search_eval.mjs"), str(public)],
              input=json.dumps(req), capture_output=True, text=True).stdout
    return json.loads(out)["results"]


def pagefind_results(public, queries):
    binary = HERE / "node_modules" / ".bin" / "pagefind"
    if not binary.exists():
        sys.exit("Pagefind is not installed: (cd benches/search_eval && npm ci)")
    shutil.rmtree(public / "pagefind", ignore_errors=True)
    run([str(binary), "--site", str(public)], capture_output=True)
    req = {"queries": [{"query": q["query"]} for q in queries], "depth": DEPTH}
    out = run(["node", str(HERE / "pagefind_query.mjs"), str(public), BASE],
              input=json.dumps(req), capture_output=True, text=True).stdout
    return json.loads(out)["results"]


def measure(queries, results, documents):
    per_query = []
    for q, urls in zip(queries, results):
        shown = [u for u in urls if u in documents][:10]
        rel = set(q["relevant"])
        hits = [i for i, u in enumerate(shown) if u in rel]
        per_query.append({
            "id": q["id"], "kind": q["kind"], "query": q["query"], "top": shown,
            "recall": len(hits) / min(len(rel), 10),
            "precision": len(hits) / 10,
            "ceiling": min(len(rel), 10) / 10,
            "mrr": 1 / (hits[0] + 1) if hits else 0.0,
        })
    return per_query


def summary(per_query):
    out = {}
    for kind in KINDS + ["all"]:
        qs = [p for p in per_query if kind in ("all", p["kind"])]
        if not qs:
            continue
        out[kind] = {m: sum(p[m] for p in qs) / len(qs) for m in ("recall", "precision", "mrr", "ceiling")}
        out[kind]["n"] = len(qs)
    return out


def git(*args):
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True,
                          text=True).stdout.strip()


TEMPLATE = """# Search quality on Finnish text this project did not write (issue 17)

Run: {date}, kumppani at commit {commit} (`target/release/kumppani`, `search.js` through
`tests/search_eval.mjs`), Pagefind 1.5.2 (npm `pagefind`, CLI defaults on the same built site,
queried with its own `pagefind.js` under node: `benches/search_eval/pagefind_query.mjs`).

    (cd benches/search_eval && npm ci)
    {command}

Corpus: {documents} documents, {words} words, {queries} queries (40 per kind); lemmas with a
checked inflection class: {lemmas}. The corpora are rebuilt from the public snapshots by
`build.py` into /tmp (not committed); a 60-document sample is in `tests/fixtures/search-eval/`.

| source | documents | from | licence |
|---|---:|---|---|
{sources}

## Results

Queries as submitted: the whole query string as a user would type and press Enter (`search.js`
with `{{submitted: true}}`: whole words in all their forms, no prefix matching). Top 10 = the
first 10 results that are corpus documents (section lists and other non-document pages are
skipped for both engines; Pagefind indexes whole `<body>` elements, as no `data-pagefind-body`
is set).

| kind | queries | kumppani recall@10 | kumppani P@10 | kumppani MRR@10 | Pagefind recall@10 | Pagefind P@10 | Pagefind MRR@10 | P@10 ceiling |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
{table}

- recall@10 = relevant documents in the top 10 / min(relevant, 10); precision@10 = relevant in
  the top 10 / 10 (its best possible value for the query set is the "ceiling" column); MRR@10 =
  1 / rank of the first relevant document, 0 if none in the top 10. Means over queries.
- Every query's top 10 for both engines: `results.json` next to the corpus.

## How the relevant documents are decided (not by kumppani)

A rule over the text: a document is relevant when it contains, as a whole word (runs of letters,
case folded), one of the forms of the query's lemma. The forms are generated by
`benches/search_eval/forms.py` from written-down rules: inflection classes after the Kotus types
(vowel stems, -i old and new, -e, -nen, -us/-ys, -uus/-yys, -as/-es/-is, -in, -ton), all 15 cases
in both numbers, consonant gradation pairs (kk:k, pp:p, tt:t, nk:ng, mp:mm, lt:ll, nt:nn, rt:rr,
ht:hd, lp:lv, rp:rv, lk:l/lj, rk:r/rj, p:v, t:d, k:zero/v/j, and the inverse for -e and -as),
possessive suffixes (-ni -si -nsa -mme -nne, vowel + n) and clitics (-kin -kaan -han -ko -pa).
The class of each lemma is chosen by the word forms that human annotators lemmatised in the
Universal Dependencies treebanks (gold lemmas of UD_Finnish-TDT dev+test, -PUD and -OOD): a lemma
is used only if one class generates at least 90 % of its observed forms (at least 2 forms), and
those observed forms are added to its set. For compounds the class is chosen on the head and the
first parts are put in front. Only queries with 1..50 relevant documents are kept.

Kinds: **inflection** a case form (non-gradating lemmas first); **gradation** a form whose grade
differs from the base form (weak forms of katu, jalka; strong forms of -e/-as words such as
asenne: asennetta is weak, so strong and weak forms are both asked); **plural** a plural form;
**compound** a compound lemma (TDT marks compound boundaries), in any form; **no_diacritics** a
form with ä, ö typed as a, o; **possessive** a form with a possessive suffix; **clitic** a form
with a clitic; **multi_word** two words as written in one document, relevant = documents with
both lemmas; **navigational** a document's whole title (unique in the corpus), relevant = that
document. The query word forms are forms that occur in the corpus (not invented).

Sample (committed, CC BY Finlex texts only, 60 documents, 40 queries):
`python3 benches/search_eval/run.py --data tests/fixtures/search-eval [--no-pagefind]`.
"""


def write_md(path, data, corpus, queries, k, p, command):
    rows = []
    for kind in KINDS + ["all"]:
        if kind not in k:
            continue
        a, b = k[kind], p.get(kind) if p else None
        cells = [f"{a['recall']:.2f}", f"{a['precision']:.2f}", f"{a['mrr']:.2f}"]
        cells += [f"{b['recall']:.2f}", f"{b['precision']:.2f}", f"{b['mrr']:.2f}"] if b \
            else ["–"] * 3
        name = "**overall**" if kind == "all" else kind
        rows.append(f"| {name} | {a['n']} | " + " | ".join(cells) + f" | {a['ceiling']:.2f} |")
    src = "\n".join(f"| {s} | {corpus['by_source'].get(s, 0)} | {v['source']} | {v['licence']} |"
                    for s, v in corpus["licences"].items())
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    table = "\n".join(rows)
    text = TEMPLATE.format(date=today, commit=git("rev-parse", "--short", "HEAD"),
                       command=command, table=table, sources=src,
                       documents=corpus["documents"], words=corpus["words"],
                       queries=len(queries), lemmas=corpus.get("lexicon_lemmas", "–"))
    # hand-written notes below the generated part survive a re-run
    if path.exists() and "\n## Notes" in path.read_text():
        text += "\n## Notes" + path.read_text().split("\n## Notes", 1)[1]
    path.write_text(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="/tmp/kumppani-search-eval")
    ap.add_argument("--kumppani", default=str(REPO / "target" / "release" / "kumppani"))
    ap.add_argument("--work", help="where the built site and results.json go (default: --data,"
                    " or /tmp/kumppani-search-eval-sample for a --data inside the repository)")
    ap.add_argument("--no-pagefind", action="store_true")
    ap.add_argument("--write-md", action="store_true")
    ap.add_argument("--min-recall", type=float)
    args = ap.parse_args()
    data = Path(args.data)
    queries = json.loads((data / "queries.json").read_text())
    corpus = json.loads((data / "corpus.json").read_text())
    docs = json.loads((data / "docs.json").read_text())
    documents = {d["url"] for d in docs}

    work = Path(args.work) if args.work else (
        Path("/tmp/kumppani-search-eval-sample") if data.resolve().is_relative_to(REPO) else data)
    work.mkdir(parents=True, exist_ok=True)
    public = build_site(data, work, Path(args.kumppani))
    k_per = measure(queries, kumppani_results(public, queries), documents)
    k = summary(k_per)
    p_per = p = None
    if not args.no_pagefind:
        p_per = measure(queries, pagefind_results(public, queries), documents)
        p = summary(p_per)

    (work / "results.json").write_text(json.dumps(
        {"kumppani": k_per, "pagefind": p_per, "summary": {"kumppani": k, "pagefind": p}},
        ensure_ascii=False, indent=1))
    print(f"{'kind':<14}{'n':>4}  kumppani R/P/MRR     pagefind R/P/MRR")
    for kind in KINDS + ["all"]:
        if kind in k:
            a = k[kind]
            line = f"{kind:<14}{a['n']:>4}  {a['recall']:.2f} {a['precision']:.2f} {a['mrr']:.2f}"
            if p:
                b = p[kind]
                line += f"       {b['recall']:.2f} {b['precision']:.2f} {b['mrr']:.2f}"
            print(line)
    if args.write_md:
        command = "python3 benches/search_eval/build.py && python3 benches/search_eval/run.py " \
                  "--write-md"
        write_md(REPO / "benches" / "SEARCH_QUALITY.md", data, corpus, queries, k, p, command)
    if args.min_recall is not None and k["all"]["recall"] < args.min_recall:
        sys.exit(1)


if __name__ == "__main__":
    main()
