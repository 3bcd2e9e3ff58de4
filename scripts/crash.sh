#!/usr/bin/env bash
# Crash test: `git flameiq record` and `git flameiq push` are killed with
# SIGKILL at random points, ITERATIONS times each. Afterwards: nothing that was
# reported as recorded (exit 0 before the kill) is missing, the refs are valid,
# `git fsck` is clean, and the next run works without manual repair.
# Usage: scripts/crash.sh [ITERATIONS]   (default 100)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-100}
work=$(mktemp -d /tmp/flameiq-crash.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/bin"
(cd "$root" && go build -o "$work/bin/git-flameiq" .)
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=crash GIT_AUTHOR_EMAIL=c@example.com \
  GIT_COMMITTER_NAME=crash GIT_COMMITTER_EMAIL=c@example.com
export PATH="$work/bin:$PATH"
bench="$root/testdata/demo/1-main.txt"
repo="$work/repo"
bare="$work/remote.git"
git init -q -b main "$repo"
git init -q --bare -b main "$bare"
for i in 1 2 3; do git -C "$repo" commit -q --allow-empty -m "c$i"; done
git -C "$repo" remote add origin "$bare"
git -C "$repo" push -q origin main
cd "$repo"

reported=()   # tags of records whose process exited 0
killed=0
for i in $(seq 1 "$n"); do
  # Run the binary itself: `git flameiq` would put git in between, and
  # SIGKILL would hit git and leave git-flameiq running.
  git-flameiq record --tag rec="k$i" "$bench" 2>/dev/null &
  pid=$!
  sleep "0.0$(printf '%02d' $((RANDOM % 40)))"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  if wait "$pid" 2>/dev/null; then reported+=("k$i"); fi
  # The store must stay usable after every kill.
  git fsck --no-progress --no-dangling >"$work/fsck.out" 2>&1 || { echo "FAIL: fsck after record kill $i"; cat "$work/fsck.out"; cat .git/logs/refs/notes/flameiq | cut -c1-200; git for-each-ref; ls .git/refs/notes; exit 1; }
  git flameiq show >/dev/null 2>&1 || [ "${#reported[@]}" = 0 ] || { echo "FAIL: show after record kill $i"; git flameiq show; exit 1; }
  # A push killed at a random point, too.
  git-flameiq push 2>/dev/null &
  pid=$!
  sleep "0.0$(printf '%02d' $((RANDOM % 60)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
echo "record: $n runs, $killed killed before finishing, ${#reported[@]} reported success"
# The next runs work without manual repair.
git flameiq record --tag rec=final "$bench" 2>/dev/null || { echo "FAIL: record after the kills"; exit 1; }
git flameiq push 2>/dev/null || { echo "FAIL: push after the kills"; exit 1; }
reported+=(final)
notes=$(git notes --ref=flameiq list | while read -r _ c; do git notes --ref=flameiq show "$c"; done)
missing=0
for t in "${reported[@]}"; do
  grep -q "\"rec\":\"$t\"" <<<"$notes" || { echo "MISSING: $t"; missing=$((missing + 1)); }
done
remote=$(git -C "$bare" notes --ref=flameiq list | while read -r _ c; do git -C "$bare" notes --ref=flameiq show "$c"; done)
for t in "${reported[@]}"; do
  grep -q "\"rec\":\"$t\"" <<<"$remote" || { echo "MISSING on the remote after the final push: $t"; missing=$((missing + 1)); }
done
git fsck --strict --no-progress --no-dangling
git -C "$bare" fsck --strict --no-progress --no-dangling
git for-each-ref refs/notes
[ "$missing" = 0 ] || { echo "FAIL: $missing reported records missing"; exit 1; }
echo "OK: every reported record present locally and on the remote, refs valid, fsck clean"
