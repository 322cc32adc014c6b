#!/usr/bin/env bash
# Prepare the headless-browser test environment for tests/browser/.
#  - installs Debian's chromium (/usr/bin/chromium) with apt-get when missing
#  - runs `npm ci` in tests/browser when node_modules is missing or older
#    than package-lock.json
# Idempotent and silent when everything is already in place.
# Never downloads a browser through playwright: the tests use playwright-core
# with executablePath /usr/bin/chromium.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BROWSER_DIR="$REPO_ROOT/tests/browser"
CHROMIUM="${KUMPPANI_CHROMIUM:-/usr/bin/chromium}"

die() { echo "browser-setup: ERROR: $*" >&2; exit 1; }
log() { echo "browser-setup: $*" >&2; }

# --- chromium -----------------------------------------------------------------
if [ ! -x "$CHROMIUM" ]; then
  command -v apt-get >/dev/null 2>&1 \
    || die "$CHROMIUM is missing and apt-get is not available; install Chromium manually or set KUMPPANI_CHROMIUM"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "$CHROMIUM is missing and installing it needs root (no sudo found)"
    SUDO="sudo"
  fi
  log "installing chromium with apt-get (this takes a minute)..."
  aptlog="$(mktemp)"
  if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$aptlog" 2>&1; then
    tail -n 20 "$aptlog" >&2; rm -f "$aptlog"; die "apt-get update failed"
  fi
  if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation fonts-dejavu-core >"$aptlog" 2>&1; then
    tail -n 20 "$aptlog" >&2; rm -f "$aptlog"; die "apt-get install chromium failed"
  fi
  rm -f "$aptlog"
  [ -x "$CHROMIUM" ] || die "chromium was installed but $CHROMIUM does not exist"
  log "chromium installed: $("$CHROMIUM" --version 2>/dev/null || echo unknown version)"
fi

# --- node dependencies ----------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node is not installed (Node >= 20.19 is required)"
command -v npm >/dev/null 2>&1 || die "npm is not installed"
[ -f "$BROWSER_DIR/package-lock.json" ] || die "$BROWSER_DIR/package-lock.json is missing"

if [ ! -d "$BROWSER_DIR/node_modules" ] \
   || [ "$BROWSER_DIR/package-lock.json" -nt "$BROWSER_DIR/node_modules" ] \
   || [ ! -f "$BROWSER_DIR/node_modules/.package-lock.json" ]; then
  log "installing node dependencies (npm ci in tests/browser)..."
  npmlog="$(mktemp)"
  if ! (cd "$BROWSER_DIR" && npm ci --no-audit --no-fund >"$npmlog" 2>&1); then
    tail -n 30 "$npmlog" >&2; rm -f "$npmlog"; die "npm ci in tests/browser failed"
  fi
  rm -f "$npmlog"
  # npm ci recreates node_modules, but make its mtime explicit for the check above.
  touch "$BROWSER_DIR/node_modules"
fi
