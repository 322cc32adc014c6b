#!/usr/bin/env python3
"""Measuring helpers for benches/run.sh (Python 3.11 standard library only).

    bench_tools.py measure OUT.tsv LABEL -- CMD...   run CMD once, append "label wall_s peak_rss_kb"
    bench_tools.py summary OUT.tsv                   medians, min–max, peak memory, ratio
    bench_tools.py search PUBLIC_DIR WORD            search index size and first-query bytes
"""

from __future__ import annotations

import gzip
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time


def measure(out: str, label: str, cmd: list[str]) -> None:
    """Wall time and peak RSS of one run (fork + wait4, so RSS is this child's alone)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    # CPU time (user + system) is steadier than wall time on a machine shared with other work.
    cpu = usage.ru_utime + usage.ru_stime
    if code != 0:
        sys.exit(f"{label} failed (exit {code}):\n{err[-4000:]}")
    with open(out, "a", encoding="utf-8") as f:
        f.write(f"{label}\t{wall:.4f}\t{usage.ru_maxrss}\t{cpu:.2f}\n")
    print(f"  {label:<10} {wall:7.2f} s  {cpu:7.2f} s CPU  {usage.ru_maxrss / 1024:7.0f} MB")


def summary(path: str) -> None:
    runs: dict[str, list[tuple[float, int, float]]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            label, wall, rss, cpu = line.rstrip("\n").split("\t")
            runs.setdefault(label, []).append((float(wall), int(rss), float(cpu)))
    rows = {}
    print(f"  {'tool':<10} {'runs':>4} {'median s':>9} {'min–max s':>14} {'CPU s (median)':>15} "
          f"{'peak MB (median)':>17} {'peak MB max':>12}")
    for label, xs in runs.items():
        walls = [w for w, _, _ in xs]
        rss = [r / 1024 for _, r, _ in xs]
        cpu = statistics.median(c for _, _, c in xs)
        rows[label] = (statistics.median(walls), statistics.median(rss), cpu)
        print(f"  {label:<10} {len(xs):>4} {statistics.median(walls):>9.2f} "
              f"{min(walls):>6.2f}–{max(walls):<6.2f} {cpu:>15.2f} {statistics.median(rss):>17.0f} {max(rss):>12.0f}")
    if "kumppani" in rows and "hugo" in rows:
        k, h = rows["kumppani"], rows["hugo"]
        print(f"  ratio kumppani/hugo: wall {k[0] / h[0]:.2f}×, CPU {k[2] / h[2]:.2f}×, "
              f"peak memory {k[1] / h[1]:.2f}×")


def gz(path: str) -> int:
    with open(path, "rb") as f:
        return len(gzip.compress(f.read(), 9, mtime=0))


def fold(word: str) -> str:
    return word.lower().translate(str.maketrans("äöå", "aoa"))


def file_refs(value, search_dir: str, key: str = "") -> list[tuple[str, str]]:
    """(key, file) pairs for every string in the manifest naming a file under search/."""
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            found += file_refs(v, search_dir, k)
    elif isinstance(value, list):
        for v in value:
            found += file_refs(v, search_dir, key)
    elif isinstance(value, str):
        name = value.split("/")[-1]
        if name and os.path.isfile(os.path.join(search_dir, name)):
            found.append((key, name))
    return found


def search(public: str, word: str) -> None:
    """Index size per document and first-query bytes from `public/search/`.

    The index is `search/index.json` (manifest), `search/t/<n>.json` (key-range shards) and
    `search/filters.json`; `search/d/<n>.json` are the metadata blocks with excerpts, left out of
    the per-document size as the target says. What a first query downloads is computed by the
    real engine (`tests/search_eval.mjs` runs `search.js` under node and lists the files it
    fetched with their gzip sizes).
    """
    sdir = os.path.join(public, "search")
    manifest_path = os.path.join(sdir, "index.json")
    if not os.path.isfile(manifest_path):
        print("  search index: not built — not measured")
        return
    with open(manifest_path, encoding="utf-8") as f:
        docs = json.load(f)["docs"]
    index_files = [manifest_path, os.path.join(sdir, "filters.json")]
    shard_dir = os.path.join(sdir, "t")
    index_files += [os.path.join(shard_dir, n) for n in sorted(os.listdir(shard_dir))]
    index_bytes = sum(gz(p) for p in index_files if os.path.isfile(p))
    print(f"  search index: {len(index_files)} files, {index_bytes} B gzipped without metadata blocks, "
          f"{index_bytes / max(docs, 1):.0f} B/document ({docs} documents)")
    here = os.path.dirname(os.path.abspath(__file__))
    evaluator = os.path.join(here, "..", "tests", "search_eval.mjs")
    request = json.dumps({"bytes": [word]})
    out = subprocess.run(["node", evaluator, public], input=request, capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)["bytes"][0]
    files = ", ".join(f[0] for f in report["files"])
    print(f"  first query `{word}`: {report['gzip']} B gzipped ({len(report['files'])} files: {files})")


def find_local(public: str, url: str) -> str | None:
    """The file under public/ that a root-relative or absolute URL points to (base path unknown)."""
    path = re.sub(r"^https?://[^/]+", "", url).split("?")[0].lstrip("/")
    parts = path.split("/")
    for i in range(len(parts)):
        candidate = os.path.join(public, *parts[i:])
        if os.path.isfile(candidate):
            return candidate
    return None


def main() -> None:
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "measure":
        sep = args.index("--")
        measure(args[0], args[1], args[sep + 1:])
    elif cmd == "summary":
        summary(args[0])
    elif cmd == "search":
        search(args[0], args[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
