#!/usr/bin/env bash
# bench.sh — time git-flameiq against the git CLI doing the same work.
#
# Builds repositories of 10k and 100k commits with git fast-import (a note on
# every commit, a 3-commit feature branch off main~10, repacked), then times
# each of our commands against its git CLI anchor as whole processes, in
# alternating pairs (A B A B …, internal/pairtime), and prints each side's
# median and the median of the per-pair ratios, with their range:
#   record / cli-rec   the store write path (benchcmd) / `git flameiq record`
#                      vs git notes append (the notes ref reset before each run)
#   diff / cli-diff    the store read path / `git flameiq diff`
#                      vs git merge-base + 2 × git notes show (one sh -c)
#   log1000 / log-cold `git flameiq log -n 1000`, object cache warm / deleted
#                      before each run, vs git log --first-parent -n 1000 --notes
#   bisect / bis-cold  `git flameiq bisect` over the whole first-parent path
# then the peak memory of each command (/usr/bin/time).
#
# `scripts/bench.sh ab` times diff --run against the same runs made by hand
# (scripts/bench-ab.sh: the same-runner harness's overhead).
# `scripts/bench.sh metrics [N...]` runs the metrics-scale section instead:
# one commit, N benchmarks × 10 samples (-benchmem: 3 metrics each, made by
# internal/benchgen; default 2000 20000), benchstat as the anchor:
#   compare            `git flameiq compare old new` vs `benchstat old new`
#   record, diff, cur, `record`, `diff BASE HEAD` (both from notes),
#   show               `diff BASE --current new.txt`, `show` (paired with true)
#   log100             `log -n 100 --metric 'Gen/pkg0[0-4]/case0[01]*:sec/op'` (100 keys)
#                      over 100 commits that each carry such a note
# then each one's peak memory (/usr/bin/time) and the note's blob size
# against the input's. METRIC_RUNS pairs (default 5).
# Usage: scripts/bench.sh [SIZES...]   (default: 10000 100000)
# Env: BENCH_DIR (default: a temp dir, kept for reuse), RUNS (pairs, default
# 30), PIPE=1 (read the commands' output through a pipe, as a pager or a CI
# log would, instead of sending it to /dev/null), OBJECT_FORMAT=sha256
# (build SHA-256 repositories, repo-N-sha256, which gitstore reads and
# writes through git plumbing instead of in-process: its cost against the
# same git CLI anchors).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-10000 100000}")
[ $# -eq 0 ] && SIZES=(10000 100000)
RUNS=${RUNS:-30}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/flameiq-bench}
mkdir -p "$BENCH_DIR"
export GIT_CONFIG_NOSYSTEM=1 HOME="$BENCH_DIR/home" GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com \
  GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
mkdir -p "$HOME"
go build -o "$BENCH_DIR/benchcmd" ./gitstore/internal/benchcmd
BIN="$BENCH_DIR/benchcmd"
go build -o "$BENCH_DIR/git-flameiq" .
CLI="$BENCH_DIR/git-flameiq"
go build -o "$BENCH_DIR/pairtime" ./internal/pairtime
INPUT="$PWD/testdata/demo/1-main.txt"
PIPEFLAG=() DEST=/dev/null
if [ "${PIPE:-0}" = 1 ]; then PIPEFLAG=(-pipe) DEST="a pipe"; fi

make_repo() { # n dir
  local n=$1 dir=$2
  [ -d "$dir/.git" ] && return 0
  rm -rf "$dir"; git init -q -b main ${OBJECT_FORMAT:+--object-format="$OBJECT_FORMAT"} "$dir"
  awk -v n="$n" 'BEGIN {
    for (i = 1; i <= n; i++) {
      printf "commit refs/heads/main\nmark :%d\ncommitter C <c@example.com> %d +0000\ndata <<EOF\ncommit %d\nEOF\n", i, 1700000000 + i * 60, i
      printf "M 644 inline file.txt\ndata <<EOF\ncontent %d\nEOF\n\n", i
    }
    fb = n - 10
    for (j = 1; j <= 3; j++) {
      printf "commit refs/heads/feature\nmark :%d\ncommitter C <c@example.com> %d +0000\ndata <<EOF\nfeature %d\nEOF\n", n + j, 1700000000 + (n + j) * 60, j
      if (j == 1) printf "from :%d\n", fb
      printf "M 644 inline feature.txt\ndata <<EOF\nfeature %d\nEOF\n\n", j
    }
    printf "commit refs/notes/flameiq\ncommitter C <c@example.com> %d +0000\ndata <<EOF\nnotes\nEOF\n", 1700000000 + (n + 9) * 60
    for (i = 1; i <= n + 3; i++)
      printf "N inline :%d\ndata <<EOF\n{\"id\":\"%08x\",\"metrics\":{\"Op-2:sec/op\":{\"direction\":\"lower_is_better\",\"samples\":[%d.5,%d.25]}},\"schema\":\"flameiq/1\"}\nEOF\n", i, i, 1000 + i % 97, 1000 + i % 89
    printf "\n"
  }' | git -C "$dir" fast-import --quiet
  git -C "$dir" symbolic-ref HEAD refs/heads/feature
  git -C "$dir" reset -q --hard
  git -C "$dir" repack -adq
  git -C "$dir" prune-packed
}

row() { # SIZE OP A B [PREPARE]: one table row from a paired run
  local r
  r=$("$BENCH_DIR/pairtime" -n "$RUNS" -w 3 -prepare "${5:-true}" "${PIPEFLAG[@]}" "$3" "$4")
  # shellcheck disable=SC2086
  set -- "$1" "$2" $r
  printf "%-8s %-8s %11s %9s %7s  %s\n" "$1" "$2" "$3" "$4" "$5" "$6–$7"
}
solo() { # SIZE OP CMD [PREPARE]: a command without a git anchor (paired with true)
  local r
  r=$("$BENCH_DIR/pairtime" -n "$RUNS" -w 3 -prepare "${4:-true}" "${PIPEFLAG[@]}" "$3" true)
  # shellcheck disable=SC2086
  set -- "$1" "$2" $r
  printf "%-8s %-8s %11s %9s %7s\n" "$1" "$2" "$3" - -
}

metrics_section() { # N...: the metrics-scale rows
  local runs=${METRIC_RUNS:-5} n dir logdir old new tip i r
  go build -o "$BENCH_DIR/benchgen" ./internal/benchgen/cmd/benchgen
  command -v benchstat >/dev/null || go install golang.org/x/perf/cmd/benchstat@latest
  local BS
  BS=$(command -v benchstat || echo "$(go env GOPATH)/bin/benchstat")
  mrow() { # N OP A B [PREPARE]
    r=$("$BENCH_DIR/pairtime" -n "$runs" -w 1 -prepare "${5:-true}" "$3" "$4")
    # shellcheck disable=SC2086
    if [ "$4" = true ]; then set -- "$1" "$2" $r; printf "%-8s %-8s %11s %9s %7s\n" "$1" "$2" "$3" - -; return; fi
    # shellcheck disable=SC2086
    set -- "$1" "$2" $r
    printf "%-8s %-8s %11s %9s %7s  %s\n" "$1" "$2" "$3" "$4" "$5" "$6–$7"
  }
  mpeak() { /usr/bin/time -o "$BENCH_DIR/time.out" -f %M "$@" >/dev/null 2>&1 || true; echo $(( $(tail -1 "$BENCH_DIR/time.out") / 1024 )); }
  printf "%-8s %-8s %11s %9s %7s  %s\n" benchmarks op "flameiq ms" "anchor ms" ratio "range"
  for n in "$@"; do
    dir="$BENCH_DIR/metrics-$n" logdir="$BENCH_DIR/metrics-$n-log"
    old="$BENCH_DIR/old-$n.txt" new="$BENCH_DIR/new-$n.txt"
    [ -s "$old" ] || "$BENCH_DIR/benchgen" -n "$n" -count 10 -mem -seed 1 >"$old"
    [ -s "$new" ] || "$BENCH_DIR/benchgen" -n "$n" -count 10 -mem -head -seed 2 >"$new"
    if [ ! -d "$dir/.git" ]; then
      git init -q -b main "$dir"
      git -C "$dir" commit -q --allow-empty -m base
      git -C "$dir" commit -q --allow-empty -m head
      "$CLI" -C "$dir" record --commit HEAD~1 "$old" >/dev/null 2>&1
      "$CLI" -C "$dir" record --commit HEAD "$new" >/dev/null 2>&1
    fi
    if [ ! -d "$logdir/.git" ]; then # 100 commits, each with a note of n benchmarks
      git init -q -b main "$logdir"
      for i in $(seq 1 100); do
        git -C "$logdir" commit -q --allow-empty -m "commit $i"
        "$BENCH_DIR/benchgen" -n "$n" -count 10 -mem $([ $((i % 2)) = 1 ] && echo -head) -seed $((i % 10 + 1)) >"$BENCH_DIR/log-input.txt"
        "$CLI" -C "$logdir" record "$BENCH_DIR/log-input.txt" >/dev/null 2>&1
      done
    fi
    tip=$(git -C "$dir" rev-parse refs/notes/flameiq)
    mrow "$n" compare "$CLI compare $old $new" "$BS $old $new"
    mrow "$n" record "$CLI -C $dir record --commit HEAD $new" true "git -C $dir update-ref refs/notes/flameiq $tip"
    git -C "$dir" update-ref refs/notes/flameiq "$tip"
    mrow "$n" diff "$CLI -C $dir diff --no-fail HEAD~1 HEAD" true
    mrow "$n" cur "$CLI -C $dir diff --no-fail HEAD~1 --current $new" true
    mrow "$n" show "$CLI -C $dir show HEAD" true
    mrow "$n" log100 "$CLI -C $logdir log -n 100 --metric Gen/pkg0[0-4]/case0[01]*:sec/op" true
    if [ -x /usr/bin/time ]; then
      printf "%-8s peak memory MB: compare %s (benchstat %s), record %s, diff %s, cur %s, show %s, log100 %s\n" "$n" \
        "$(mpeak "$CLI" compare "$old" "$new")" "$(mpeak "$BS" "$old" "$new")" \
        "$(mpeak "$CLI" -C "$dir" record --commit HEAD "$new")" "$(git -C "$dir" update-ref refs/notes/flameiq "$tip"; mpeak "$CLI" -C "$dir" diff --no-fail HEAD~1 HEAD)" \
        "$(mpeak "$CLI" -C "$dir" diff --no-fail HEAD~1 --current "$new")" "$(mpeak "$CLI" -C "$dir" show HEAD)" \
        "$(mpeak "$CLI" -C "$logdir" log -n 100 --metric 'Gen/pkg0[0-4]/case0[01]*:sec/op')"
    fi
    printf "%-8s note blob %s bytes (git notes show reads %s, git log --notes %s), benchstat input %s bytes\n" "$n" \
      "$(git -C "$dir" cat-file -s "$(git -C "$dir" notes --ref=flameiq list HEAD)")" \
      "$(git -C "$dir" notes --ref=flameiq show HEAD | wc -c)" "$(git -C "$dir" log -1 --notes=flameiq | wc -c)" "$(wc -c <"$new")"
  done
  echo "(medians of $runs alternating pairs; ratio = median of the per-pair ratios, range = their min–max; rows without an anchor are paired with true; targets at 20000: compare ≤ 0.5× benchstat and ≤ its peak memory, record ≤ 500 ms, diff and cur ≤ 1000 ms, show ≤ 300 ms, log100 ≤ 2000 ms, each ≤ 200 MB)"
}

if [ "${1:-}" = ab ]; then
  # The harness overhead of diff --run (scripts/bench-ab.sh).
  exec "$(dirname "$0")/bench-ab.sh"
fi

if [ "${1:-}" = metrics ]; then
  shift
  sizes=("$@")
  [ $# -eq 0 ] && sizes=(2000 20000)
  metrics_section "${sizes[@]}"
  exit 0
fi

printf "%-8s %-8s %11s %9s %7s  %s\n" size op "flameiq ms" "git ms" ratio "range"
for n in "${SIZES[@]}"; do
  dir="$BENCH_DIR/repo-$n${OBJECT_FORMAT:+-$OBJECT_FORMAT}"
  make_repo "$n" "$dir"
  printf 'mb=$(git -C %s merge-base HEAD main) && git -C %s notes --ref=flameiq show HEAD && git -C %s notes --ref=flameiq show "$mb"\n' \
    "$dir" "$dir" "$dir" >"$BENCH_DIR/gitdiff-$n.sh"
  # Every timed write starts from the same notes tip (reset untimed before
  # each run), so the notes do not grow from run to run. Both sides append
  # to commits that already carry a note, as a re-record does.
  orig=$(git -C "$dir" rev-list --max-parents=0 refs/notes/flameiq | tail -1)
  reset="git -C $dir update-ref refs/notes/flameiq $orig"
  $reset
  append="git -C $dir notes --ref=flameiq append -m '{\"x\":1}' HEAD~2"
  row "$n" record "$BIN record $dir HEAD~1" "$append" "$reset"
  row "$n" diff "$BIN diff $dir HEAD main" "sh $BENCH_DIR/gitdiff-$n.sh"
  # The real commands, end to end (flag parsing, ingest, report included).
  row "$n" cli-rec "$CLI -C $dir record --commit HEAD~1 $INPUT" "$append" "$reset"
  $reset
  row "$n" cli-diff "$CLI -C $dir diff --no-fail" "sh $BENCH_DIR/gitdiff-$n.sh"
  # History commands keep what they inflate in .git/flameiq/objcache: "cold"
  # rows delete it before every run (a fresh clone, as in CI), the others
  # run with the cache the warm-up runs left (a developer's second look).
  nocache="rm -rf $dir/.git/flameiq/objcache"
  gitlog="git -C $dir log --first-parent -n 1000 --notes=flameiq"
  row "$n" log-cold "$CLI -C $dir log -n 1000" "$gitlog" "$nocache"
  row "$n" log1000 "$CLI -C $dir log -n 1000" "$gitlog"
  solo "$n" bis-cold "$CLI -C $dir bisect main~$((n - 2)) main --metric *:sec/op -t *=1%" "$nocache"
  solo "$n" bisect "$CLI -C $dir bisect main~$((n - 2)) main --metric *:sec/op -t *=1%"
  if [ -x /usr/bin/time ]; then
    peak() { /usr/bin/time -o "$BENCH_DIR/time.out" -f %M "$@" >/dev/null 2>&1 || true; echo $(( $(tail -1 "$BENCH_DIR/time.out") / 1024 )); }
    $nocache # peak memory of a cold run: the cache is written on the way
    for c in "diff --no-fail" "log -n 1000" "bisect main~$((n - 2)) main --metric *:sec/op -t *=1%" "record --commit HEAD~1 $INPUT"; do
      # shellcheck disable=SC2086
      printf "%-8s peak memory of '%s': %s MB\n" "$n" "${c%% *}" "$(peak "$CLI" -C "$dir" $c)"
    done
    printf "%-8s peak memory of 'git log --first-parent -n 1000 --notes': %s MB\n" "$n" "$(peak git -C "$dir" log --first-parent -n 1000 --notes=flameiq)"
    $reset
  fi
done
echo "(medians of $RUNS alternating pairs; ratio = median of the per-pair ratios, range = their min–max; output to $DEST; targets: record ≤ 1.25, diff ≤ 1.0, log -n 1000 ≤ 1.0, bisect < 200 ms, peak memory < 100 MB)"
