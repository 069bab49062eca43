#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the dashboard's browser tests
# (apps/dashboard, Playwright's playwright-core drives it; no browser download of its own, which
# this closed network refuses). Installs the `chromium` package with apt-get when it is missing and
# the machine allows it (root and apt-get present). Idempotent and silent when Chromium is there.
# When it cannot install, it says why and exits 0: the browser tests then fail loudly by themselves.
set -euo pipefail

BIN=/usr/bin/chromium
if [ -x "$BIN" ]; then exit 0; fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium: $BIN is missing and this machine cannot install it (needs root and apt-get); the dashboard's browser tests will fail" >&2
  exit 0
fi

# One installer at a time (several callers may start together).
exec 9>/tmp/automl-chromium-install.lock
flock 9
if [ -x "$BIN" ]; then exit 0; fi

echo "chromium: installing Debian's chromium package for the dashboard's browser tests" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; then
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 ||
    echo "chromium: apt-get could not install chromium; the dashboard's browser tests will fail" >&2
fi
exit 0
