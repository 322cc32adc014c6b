#!/usr/bin/env bash
# Runs every test of kumppani: formatting and lints, Rust unit and integration tests, and the
# headless-browser gates. Installs what the browser tests need (Debian's chromium, npm packages
# from tests/browser/package-lock.json) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets --release -- -D warnings
echo "== cargo build --release"
cargo build --release
echo "== cargo test"
cargo test --release --no-fail-fast
echo "== browser tests"
bash scripts/browser-setup.sh
node --test tests/browser/
echo "== benchmark harness (1k pages, one run, no thresholds)"
benches/run.sh --quick
