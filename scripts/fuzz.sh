#!/usr/bin/env bash
# Runs every fuzz target (each parser, the config loader, the glob matcher,
# the profile parsers) for a set time each. Go keeps any crasher under
# <pkg>/testdata/fuzz/<Target>/, where plain `go test` (and CI) replays it as
# a regression test: commit those files.
# Usage: scripts/fuzz.sh [TIME_PER_TARGET]   (default 10m; e.g. 30s)
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-10m}
status=0
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "== $pkg $target ($t)"
    if ! go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$t"; then
      echo "!! $pkg $target found a failure; the input is in $dir/testdata/fuzz/$target/" >&2
      status=1
    fi
  done
done
exit $status
