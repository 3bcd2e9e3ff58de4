#!/usr/bin/env bash
# The main job end to end on bundled example data: builds git-flameiq, makes a
# throwaway repository with recorded history (real `go test -bench -count 10`
# outputs and CPU profiles from testdata/demo), then runs
#   record → diff (the PR check: a benchmark table, exit 1) → bisect → log → profile diff.
# Usage: scripts/demo.sh [WORKDIR]   (default: a new temporary directory, kept for you to explore)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d /tmp/flameiq-demo.XXXXXX)}
mkdir -p "$work/bin"
echo "== building git-flameiq into $work/bin"
(cd "$root" && go build -o "$work/bin/git-flameiq" .)
export PATH="$work/bin:$PATH"
D="$root/testdata/demo"
repo="$work/repo"
rm -rf "$repo"
git init -q -b main "$repo"
cd "$repo"
git config user.name "Demo"
git config user.email "demo@example.com"
export GIT_AUTHOR_DATE="2026-11-02T10:00:00Z" GIT_COMMITTER_DATE="2026-11-02T10:00:00Z"

# Bold commands on a terminal only (and never with NO_COLOR): CI logs and
# files get plain text, not raw escape codes.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
else
  step() { printf '\n$ %s\n' "$*"; }
fi
commit() { git commit -q --allow-empty -m "$1"; }

echo "== main: three commits, each with its benchmark results recorded as a git note"
for i in 1 2 3; do
  commit "main: change $i"
  git flameiq record --suite demo "$D/$i-main.txt"
done
git flameiq record "$D/encode-main.txt"
git flameiq profile record --metric 'Encode*:sec/op' "$D/cpu-main.pprof"

echo "== feature branch: a harmless commit, then one that makes Work 50% slower"
git checkout -q -b feature
commit "feature: refactor parser"
git flameiq record "$D/4-feature.txt"
commit "feature: escape every rune (slow path)"
git flameiq record "$D/5-feature-slow.txt"
commit "feature: docs"
git flameiq record "$D/6-feature-slow.txt"
git flameiq record "$D/encode-feature.txt"
git flameiq profile record --metric 'Encode*:sec/op' "$D/cpu-feature.pprof"

step git flameiq diff
set +e
git flameiq diff
code=$?
set -e
echo "(exit status $code: 1 means a regression)"

step "git notes --ref=flameiq show HEAD | head -c 200"
git notes --ref=flameiq show HEAD | head -c 200; echo " …"

step "git flameiq bisect main~2 feature --metric 'Work*:sec/op'"
git flameiq bisect main~2 feature --metric 'Work*:sec/op'

step "git flameiq log --metric '*:sec/op'"
git flameiq log --metric '*:sec/op'

step "git flameiq profile diff -n 5"
git flameiq profile diff -n 5

step "git flameiq diff --format markdown > $work/comment.md; git flameiq profile diff --format html -o $work/flame.html"
git flameiq diff --format markdown --no-fail > "$work/comment.md"
git flameiq profile diff --format html -o "$work/flame.html"
echo "PR comment: $work/comment.md   flame graph: $work/flame.html   repository: $repo"
[ "$code" = 1 ] || { echo "demo: expected diff to exit 1, got $code" >&2; exit 1; }
