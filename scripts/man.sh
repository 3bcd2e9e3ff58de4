#!/usr/bin/env bash
# Writes git-flameiq.1 (generated from the CLI definition) into DIR (default
# ./man/man1), so `git help flameiq` / `man git-flameiq` work with MANPATH=DIR/..
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-man/man1}
mkdir -p "$out"
(cd "$root" && go run . man) > "$out/git-flameiq.1"
echo "wrote $out/git-flameiq.1"
