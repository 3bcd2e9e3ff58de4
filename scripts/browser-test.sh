#!/usr/bin/env bash
# Installs Debian's chromium (when missing and apt-get is usable) and runs the
# tests that open our HTML reports in headless Chromium: the diff report, the
# history page and the differential flame graph (no console errors, charts
# and frames drawn). Without chromium those tests skip with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ||
      echo "browser-test: could not install chromium; the browser tests will skip" >&2
  else
    echo "browser-test: chromium is not installed (apt-get install chromium); the browser tests will skip" >&2
  fi
fi
go test -count=1 -run Chromium -v ./report ./profile | grep -E '^(=== RUN|--- |ok|FAIL)|skip'
