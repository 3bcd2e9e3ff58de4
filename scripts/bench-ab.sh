#!/usr/bin/env bash
# bench-ab.sh — what `git flameiq diff --run` adds to the benchmark it runs.
#
# diff --run checks out base and head in two temporary worktrees and runs the
# command 2N + 2K times (N rounds, K warm-ups per side). This times it,
# whole process, against the same 2N + 2K runs of the same command made by
# hand in an existing checkout, in alternating pairs (internal/pairtime), so
# the ratio is the harness: worktree creation and removal, parsing every
# run's output, the comparison and the report. The command sleeps WORK_MS
# (default 200 ms) and prints a Go benchmark line, the shape of a short
# benchmark job; a shorter command makes the fixed costs weigh more.
# Usage: scripts/bench-ab.sh   Env: BENCH_DIR, RUNS (pairs, default 5),
# N (rounds, default 5), K (warm-ups, default 1), WORK_MS (default 200).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5} N=${N:-5} K=${K:-1} WORK_MS=${WORK_MS:-200}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/flameiq-bench}
mkdir -p "$BENCH_DIR"
go build -o "$BENCH_DIR/git-flameiq" .
go build -o "$BENCH_DIR/pairtime" ./internal/pairtime
export GIT_CONFIG_NOSYSTEM=1 HOME="$BENCH_DIR/home" GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com \
  GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
mkdir -p "$HOME"
repo="$BENCH_DIR/ab-repo"
rm -rf "$repo"
git init -q -b main "$repo"
secs=$(awk -v ms="$WORK_MS" 'BEGIN { printf "%.3f", ms / 1000 }')
cat >"$repo/bench.sh" <<SH
#!/bin/sh
sleep $secs
printf 'BenchmarkWork-2 \t 100\t %d ns/op\n' \$(cat "\$(dirname "\$0")/cost")
SH
chmod 755 "$repo/bench.sh"
echo 1000 >"$repo/cost"
git -C "$repo" add -A && git -C "$repo" commit -q -m base
git -C "$repo" checkout -q -b feature && echo 1010 >"$repo/cost" && git -C "$repo" commit -qam head
runs=$((2 * N + 2 * K))
printf 'for i in $(seq %d); do %s/bench.sh >/dev/null; done\n' "$runs" "$repo" >"$BENCH_DIR/ab-by-hand.sh"
r=$("$BENCH_DIR/pairtime" -n "$RUNS" -w 1 \
  "$BENCH_DIR/git-flameiq -C $repo diff --run ./bench.sh -n $N --warmup $K --no-record --no-fail" \
  "sh $BENCH_DIR/ab-by-hand.sh")
# shellcheck disable=SC2086
set -- $r
echo "diff --run -n $N --warmup $K over a ${WORK_MS} ms command: $1 ms; the same $runs runs by hand: $2 ms"
awk -v r="$3" -v lo="$4" -v hi="$5" 'BEGIN { printf "harness overhead: %+.1f %% (ratio %s, range %s–%s over %s pairs; target ≤ +5 %%)\n", (r - 1) * 100, r, lo, hi, ENVIRON["RUNS"] }' RUNS="$RUNS"
