#!/usr/bin/env bash
# bench.sh — time git-flameiq's store against the git CLI doing the same work.
#
# Builds repositories of 10k and 100k commits with git fast-import (a note on
# every commit, a 3-commit feature branch off main~10, repacked), then times,
# side by side in one run:
#   record: benchcmd record  (Open + Resolve + AppendNote)   vs  git notes append
#   diff:   benchcmd diff    (Resolve ×2 + MergeBase + 2 Reads) vs
#           git merge-base + 2 × git notes show (one sh -c)
# and prints the ratios. Uses hyperfine when installed, else a bash loop.
# Usage: scripts/bench.sh [SIZES...]   (default: 10000 100000)
# Env: BENCH_DIR (default: a temp dir, kept for reuse), RUNS (default 50).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-10000 100000}")
[ $# -eq 0 ] && SIZES=(10000 100000)
RUNS=${RUNS:-50}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/flameiq-bench}
mkdir -p "$BENCH_DIR"
export GIT_CONFIG_NOSYSTEM=1 HOME="$BENCH_DIR/home" GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com \
  GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
mkdir -p "$HOME"
go build -o "$BENCH_DIR/benchcmd" ./gitstore/internal/benchcmd
BIN="$BENCH_DIR/benchcmd"
go build -o "$BENCH_DIR/git-flameiq" .
CLI="$BENCH_DIR/git-flameiq"
INPUT="$PWD/testdata/demo/1-main.txt"

make_repo() { # n dir
  local n=$1 dir=$2
  [ -d "$dir/.git" ] && return 0
  rm -rf "$dir"; git init -q -b main "$dir"
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

timeit() { # CMD [PREPARE]: prints the median ms of a command line; PREPARE runs untimed before each run
  local cmd=$1 prep=${2:-true}
  if command -v hyperfine >/dev/null; then
    hyperfine -N -w 5 -r "$RUNS" --prepare "$prep" --export-json "$BENCH_DIR/h.json" "$cmd" >/dev/null 2>&1
    python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$BENCH_DIR/h.json"
  else
    local s e i times=()
    for i in 1 2 3 4 5; do bash -c "$prep; $cmd" >/dev/null 2>&1; done
    for ((i = 0; i < RUNS; i++)); do
      bash -c "$prep" >/dev/null 2>&1
      s=$(date +%s%N); bash -c "$cmd" >/dev/null 2>&1; e=$(date +%s%N)
      times+=($(( (e - s) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f\n", a[int((NR+1)/2)]/1000}'
  fi
}

printf "%-8s %-7s %12s %12s %8s\n" size op "flameiq ms" "git ms" ratio
for n in "${SIZES[@]}"; do
  dir="$BENCH_DIR/repo-$n"
  make_repo "$n" "$dir"
  printf 'mb=$(git -C %s merge-base HEAD main) && git -C %s notes --ref=flameiq show HEAD >/dev/null && git -C %s notes --ref=flameiq show "$mb" >/dev/null\n' \
    "$dir" "$dir" "$dir" >"$BENCH_DIR/gitdiff-$n.sh"
  # Every timed write starts from the same notes tip (reset untimed before
  # each run), so the notes do not grow from run to run. Both sides append
  # to commits that already carry a note, as a re-record does.
  orig=$(git -C "$dir" rev-list --max-parents=0 refs/notes/flameiq | tail -1)
  reset="git -C $dir update-ref refs/notes/flameiq $orig"
  $reset
  ours=$(timeit "$BIN record $dir HEAD~1" "$reset")
  theirs=$(timeit "git -C $dir notes --ref=flameiq append -m {\"x\":1} HEAD~2" "$reset")
  printf "%-8s %-7s %12s %12s %8s\n" "$n" record "$ours" "$theirs" "$(echo "scale=2; $ours / $theirs" | bc)"
  ours=$(timeit "$BIN diff $dir HEAD main")
  theirs=$(timeit "sh $BENCH_DIR/gitdiff-$n.sh")
  printf "%-8s %-7s %12s %12s %8s\n" "$n" diff "$ours" "$theirs" "$(echo "scale=2; $ours / $theirs" | bc)"
  # The real commands, end to end (flag parsing, ingest, report included).
  ours=$(timeit "$CLI -C $dir record --commit HEAD~1 $INPUT" "$reset")
  theirs=$(timeit "git -C $dir notes --ref=flameiq append -m {\"x\":1} HEAD~2" "$reset")
  $reset
  printf "%-8s %-7s %12s %12s %8s\n" "$n" "cli-rec" "$ours" "$theirs" "$(echo "scale=2; $ours / $theirs" | bc)"
  ours=$(timeit "$CLI -C $dir diff --no-fail")
  theirs=$(timeit "sh $BENCH_DIR/gitdiff-$n.sh")
  printf "%-8s %-7s %12s %12s %8s\n" "$n" "cli-diff" "$ours" "$theirs" "$(echo "scale=2; $ours / $theirs" | bc)"
  # History commands keep what they inflate in .git/flameiq/objcache: "cold"
  # rows delete it before every run (a fresh clone, as in CI), the others
  # run with the cache the warm-up runs left (a developer's second look).
  nocache="rm -rf $dir/.git/flameiq/objcache"
  theirs=$(timeit "git -C $dir log --first-parent -n 1000 --notes=flameiq")
  ours=$(timeit "$CLI -C $dir log -n 1000" "$nocache")
  printf "%-8s %-7s %12s %12s %8s\n" "$n" "log-cold" "$ours" "$theirs" "$(echo "scale=2; $ours / $theirs" | bc)"
  ours=$(timeit "$CLI -C $dir log -n 1000")
  printf "%-8s %-7s %12s %12s %8s\n" "$n" "log1000" "$ours" "$theirs" "$(echo "scale=2; $ours / $theirs" | bc)"
  ours=$(timeit "$CLI -C $dir bisect main~$((n - 2)) main --metric *:sec/op -t *=1%" "$nocache")
  printf "%-8s %-7s %12s %12s %8s\n" "$n" "bis-cold" "$ours" "-" "-"
  ours=$(timeit "$CLI -C $dir bisect main~$((n - 2)) main --metric *:sec/op -t *=1%")
  printf "%-8s %-7s %12s %12s %8s\n" "$n" "bisect" "$ours" "-" "-"
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
echo "(median of $RUNS runs each; targets: record ≤ 1.25, diff ≤ 1.0, log -n 1000 ≤ 1.0, bisect < 200 ms, peak memory < 100 MB)"
