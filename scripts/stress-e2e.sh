#!/usr/bin/env bash
# End-to-end concurrency stress test through the CLI (loopback and local
# files only, bounded):
#   - 16 concurrent `git flameiq record` loops × 100 records (same and
#     different commits), beside a `git notes append` and a `git notes edit`
#     CLI writer (each writing until the recorders are done, at least 100
#     lines), in a normal and in a bare repository;
#   - 4 clones recording and pushing 50 times each to one bare remote.
# Then proves every record is present exactly once and `git fsck` is clean.
# Usage: scripts/stress-e2e.sh [RECORDERS] [RECORDS_EACH] [CLONES] [PUSHES_EACH]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
R=${1:-16} N=${2:-100} C=${3:-4} P=${4:-50}
work=$(mktemp -d /tmp/flameiq-stress.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/bin"
(cd "$root" && go build -o "$work/bin/git-flameiq" .)
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=stress GIT_AUTHOR_EMAIL=s@example.com \
  GIT_COMMITTER_NAME=stress GIT_COMMITTER_EMAIL=s@example.com
export PATH="$work/bin:$PATH"
bench="$root/testdata/demo/1-main.txt"

line() { # a valid note record with a unique tag
  printf '{"id":"%s","meta":{"tags":{"rec":"%s"}},"metrics":{"cli:sec/op":{"direction":"lower_is_better","samples":[1],"unit":"sec/op"}},"schema":"flameiq/1"}' "$1" "$1"
}

count() { # "<distinct tags> <tags seen more than once>" over every note of the repo in $1
  tally "$1" ""
}

# The git CLI's `git notes edit`, non-interactive: the editor appends the
# line in $NOTE_LINE to the note it is given.
editor="$work/bin/append-note-line"
printf '#!/bin/sh\nprintf "%%s\\n" "$NOTE_LINE" >> "$1"\n' > "$editor"
chmod +x "$editor"

cli_writer() { # REPO KIND(append|edit) PREFIX: notes lines through the git CLI until the recorders are done (at least N),
  # each retried while git finds the ref locked; the count written goes to $work/PREFIX.count
  local repo=$1 kind=$2 prefix=$3 i=0 c ok try
  while [ "$i" -lt "$N" ] || [ ! -e "$work/recorders-done" ]; do
    i=$((i + 1))
    c=${commits[$(( i % ${#commits[@]} ))]}
    ok=0
    for try in $(seq 1 500); do
      if [ "$kind" = append ]; then
        git -C "$repo" notes --ref=flameiq append -m "$(line "$prefix-$i")" "$c" 2>/dev/null && { ok=1; break; }
      else
        NOTE_LINE=$(line "$prefix-$i") GIT_EDITOR="$editor" git -C "$repo" notes --ref=flameiq edit "$c" 2>/dev/null && { ok=1; break; }
      fi
      sleep 0.0$((RANDOM % 9 + 1))
    done
    [ $ok = 1 ] || { echo "git notes $kind $i never got the lock" >&2; exit 1; }
    echo "$i" > "$work/$prefix.count"
  done
}

tally() { # REPO PREFIX: "<distinct tags starting with PREFIX> <of them seen more than once>"
  git -C "$1" notes --ref=flameiq list | while read -r _ c; do git -C "$1" notes --ref=flameiq show "$c"; done |
    grep -o "\"rec\":\"$2[^\"]*\"" | sort | uniq -c | awk '$1 != 1 {dup++} END {print NR, dup+0}'
}

part1() { # KIND(normal|bare)
  local kind=$1 repo start w i pids fail p before ours ours_dups ca ca_dups ce ce_dups want_ca want_ce
  echo "== part 1 ($kind repository): $R recorders × $N records beside a git notes append and a git notes edit writer (each until the recorders are done, at least $N lines)"
  repo="$work/repo-$kind"
  if [ "$kind" = bare ]; then
    git clone -q --bare "$work/repo-normal" "$repo"
    git -C "$repo" update-ref -d refs/notes/flameiq 2>/dev/null || true
    rm -rf "$repo/logs"
  else
    git init -q -b main "$repo"
    for i in $(seq 1 8); do git -C "$repo" commit -q --allow-empty -m "c$i"; done
  fi
  mapfile -t commits < <(git -C "$repo" rev-list main)
  # Our first record comes first: from there on our writes restore what a
  # git CLI write dropped, also the lines of another git CLI writer (before
  # it, two git CLI writers racing each other lose lines to each other: git
  # writes notes without compare-and-swap).
  git flameiq -C "$repo" record --commit "${commits[0]}" --tag rec="r-first" "$bench" 2>/dev/null
  start=$(date +%s)
  rm -f "$work/recorders-done"
  cli_writer "$repo" append ca & local cli_append=$!
  cli_writer "$repo" edit ce & local cli_edit=$!
  pids=()
  for w in $(seq 1 "$R"); do
    (
      for i in $(seq 1 "$N"); do
        c=${commits[$(( (w + i) % ${#commits[@]} ))]}
        git flameiq -C "$repo" record --commit "$c" --tag rec="r$w-$i" "$bench" 2>/dev/null ||
          { echo "recorder $w: record $i failed" >&2; exit 1; }
      done
    ) &
    pids+=($!)
  done
  fail=0
  for p in "${pids[@]}"; do wait "$p" || fail=1; done
  touch "$work/recorders-done"
  wait "$cli_append" || fail=1
  wait "$cli_edit" || fail=1
  [ $fail = 0 ] || { echo "FAIL: a writer failed"; exit 1; }
  want_ca=$(cat "$work/ca.count") want_ce=$(cat "$work/ce.count")
  # The git CLI writes without compare-and-swap: a record of ours it dropped
  # after our last write comes back at our next write, as in real use.
  read -r before _ < <(tally "$repo" r)
  git flameiq -C "$repo" record --commit "${commits[0]}" --tag rec="r-final" "$bench" 2>/dev/null
  read -r ours ours_dups < <(tally "$repo" r)
  read -r ca ca_dups < <(tally "$repo" ca-)
  read -r ce ce_dups < <(tally "$repo" ce-)
  echo "$kind: our records: $ours of $(( R * N + 2 )) acknowledged present ($ours_dups duplicated;" \
    "$(( R * N + 1 - before )) dropped by the git CLI after our last write, restored by the final record);" \
    "git notes append: $ca of $want_ca; git notes edit: $ce of $want_ce ($(( ca_dups + ce_dups )) duplicated); in $(( $(date +%s) - start ))s"
  git -C "$repo" fsck --strict --no-progress --no-dangling
  [ "$ours" = $(( R * N + 2 )) ] && [ "$ours_dups" = 0 ] || { echo "FAIL ($kind): lost or duplicated records"; exit 1; }
  [ "$ca" = "$want_ca" ] && [ "$ce" = "$want_ce" ] && [ $(( ca_dups + ce_dups )) = 0 ] || { echo "FAIL ($kind): lost or duplicated git notes CLI lines"; exit 1; }
}

part1 normal
part1 bare
repo="$work/repo-normal"

echo "== part 2: $C clones × $P record+push to one bare remote"
bare="$work/remote.git"
git init -q --bare -b main "$bare"
git -C "$repo" push -q "$bare" main
start=$(date +%s)
pids=()
for k in $(seq 1 "$C"); do
  git clone -q "$bare" "$work/clone$k"
  (
    cd "$work/clone$k"
    for i in $(seq 1 "$P"); do
      git flameiq record --tag rec="p$k-$i" "$bench" 2>/dev/null
      git flameiq push 2>/dev/null || { echo "clone $k: push $i failed" >&2; exit 1; }
    done
  ) &
  pids+=($!)
done
fail=0
for p in "${pids[@]}"; do wait "$p" || fail=1; done
[ $fail = 0 ] || { echo "FAIL: a pusher failed"; exit 1; }
git clone -q "$bare" "$work/check"
git -C "$work/check" flameiq pull 2>/dev/null
read -r total dups < <(count "$work/check")
want=$(( C * P ))
echo "records on the remote: $total distinct (want $want), duplicated: $dups, in $(( $(date +%s) - start ))s"
git -C "$bare" fsck --strict --no-progress --no-dangling
[ "$total" = "$want" ] && [ "$dups" = 0 ] || { echo "FAIL: lost or duplicated records"; exit 1; }
echo "OK: zero lost records, zero duplicates, fsck clean"
