#!/usr/bin/env python3
"""Measuring helpers for benches/run.sh (Python 3.11 standard library only).

    bench_tools.py measure OUT.tsv LABEL -- CMD...   run CMD once, append "label wall_s peak_rss_kb"
    bench_tools.py summary OUT.tsv                   medians, min–max, peak memory, ratio
    bench_tools.py search PUBLIC_DIR WORD            search index size and first-query bytes
    bench_tools.py serve KUMPPANI SITE_DIR [EDITS]   edit-to-rebuild latency of `kumppani serve`
"""

from __future__ import annotations

import gzip
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.request


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
    """Index size and first-query bytes from `public/search/`, whatever the shard names are.

    A first query fetches: the search page's scripts, the manifest, the shards whose key is a
    prefix of the (folded) query word, and the first metadata block for the displayed results.
    """
    sdir = os.path.join(public, "search")
    if not os.path.isdir(sdir):
        print("  search index: not built (no public/search/ on this branch) — not measured")
        return
    # Recursive: the index may keep its shards in subfolders (search/t/, search/d/).
    files = sorted(os.path.relpath(os.path.join(r, f), sdir) for r, _, fs in os.walk(sdir) for f in fs)
    manifest_name = next((f for f in files if re.match(r"manifest|index\.json", f)), None)
    meta = [f for f in files if re.search(r"meta|doc|excerpt|result|^d/", f)]
    index_files = [f for f in files if f not in meta]
    docs = None
    picked: list[str] = []
    if manifest_name:
        with open(os.path.join(sdir, manifest_name), encoding="utf-8") as f:
            manifest = json.load(f)
        for key in ("documents", "docs", "doc_count", "count", "n"):
            if isinstance(manifest, dict) and isinstance(manifest.get(key), int):
                docs = manifest[key]
                break
        refs = file_refs(manifest, sdir)
        q = fold(word)
        shards = sorted({f for k, f in refs if k and f not in meta and q.startswith(fold(k))})
        metas = sorted({f for _, f in refs if f in meta})
        picked = [manifest_name] + shards + metas[:1]
    elif len(index_files) == 1:
        picked = index_files + meta[:1]
    if docs is None:
        docs = sum(1 for root, _, fs in os.walk(public) for f in fs if f == "index.html")
    index_bytes = sum(gz(os.path.join(sdir, f)) for f in index_files)
    print(f"  search index: {len(files)} files, {index_bytes} B gzipped without metadata blocks, "
          f"{index_bytes / max(docs, 1):.0f} B/document ({docs} documents)")
    scripts = []
    haku = os.path.join(public, "haku", "index.html")
    if os.path.isfile(haku):
        with open(haku, encoding="utf-8") as f:
            html = f.read()
        for src in re.findall(r'<script[^>]*src="([^"]+)"', html) + re.findall(r'import\(["\']([^"\']+)', html):
            local = find_local(public, src)
            if local:
                scripts.append(local)
    js = sum(gz(p) for p in scripts)
    data = sum(gz(os.path.join(sdir, f)) for f in picked)
    print(f"  first query `{word}`: {js + data} B gzipped ({js} B JS in {len(scripts)} files, "
          f"{data} B index in {len(picked)} files: {', '.join(picked) or '?'})")


def find_local(public: str, url: str) -> str | None:
    """The file under public/ that a root-relative or absolute URL points to (base path unknown)."""
    path = re.sub(r"^https?://[^/]+", "", url).split("?")[0].lstrip("/")
    parts = path.split("/")
    for i in range(len(parts)):
        candidate = os.path.join(public, *parts[i:])
        if os.path.isfile(candidate):
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode(errors="replace")
    except OSError:
        return None


def serve(kumppani: str, site: str, edits: int = 20) -> None:
    """Median time from saving a page to the server returning the new text, over `edits` edits."""
    if subprocess.run([kumppani, "serve", "--help"], capture_output=True).returncode != 0:
        print("  serve: `kumppani serve` does not exist on this branch — not measured")
        return
    port = free_port()
    proc = subprocess.Popen([kumppani, "serve", "--root", site, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 300
        while fetch(base + "/") is None:
            if time.time() > deadline or proc.poll() is not None:
                print("  serve: server did not come up — not measured")
                return
            time.sleep(0.2)
        home = fetch(base + "/") or ""
        # The first page under /uutiset/ that the home page links to.
        links = re.findall(r'href="(/[^"]*uutiset/[^"/]+/)"', home)
        if not links:
            print("  serve: no news page found on the home page — not measured")
            return
        url = base + links[0]
        slug = links[0].rstrip("/").split("/")[-1]
        source = os.path.join(site, "content", "uutiset", slug + ".md")
        with open(source, encoding="utf-8") as f:
            original = f.read()
        times = []
        try:
            for n in range(edits):
                marker = f"muokkausmerkki{n}x{int(time.time())}"
                t0 = time.perf_counter()
                with open(source, "w", encoding="utf-8") as f:
                    f.write(original + f"\n{marker}\n")
                while marker not in (fetch(url) or ""):
                    if time.perf_counter() - t0 > 60:
                        break
                    time.sleep(0.005)
                times.append(time.perf_counter() - t0)
                time.sleep(0.3)
        finally:
            with open(source, "w", encoding="utf-8") as f:
                f.write(original)
        ms = sorted(t * 1000 for t in times)
        print(f"  serve: one-page edit visible after median {statistics.median(ms):.0f} ms "
              f"(min {ms[0]:.0f}, max {ms[-1]:.0f}, {edits} edits; includes the watcher's debounce)")
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "measure":
        sep = args.index("--")
        measure(args[0], args[1], args[sep + 1:])
    elif cmd == "summary":
        summary(args[0])
    elif cmd == "search":
        search(args[0], args[1])
    elif cmd == "serve":
        serve(args[0], args[1], int(args[2]) if len(args) > 2 else 20)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
