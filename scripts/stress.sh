#!/usr/bin/env bash
# stress.sh — run gitstore's concurrency tests repeatedly: 16 writer
# processes × 50 appends racing a `git notes append` loop, and concurrent
# pushes from four clones to one bare remote. Usage: scripts/stress.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
go test -count="${1:-3}" -run 'TestConcurrentAppend|TestPushPullConcurrent' -v ./gitstore | grep -E '^(---|ok|FAIL)|writers'
