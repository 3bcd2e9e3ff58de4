#!/usr/bin/env bash
# Runs every test (unit, golden, conformance, fuzz seeds, end-to-end CLI
# scripts on real temporary git repositories), then the store's tests again
# under the race detector: its concurrency tests (16 writer processes beside
# the git CLI) only show some interleavings when everything runs slowly.
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
go test -count=1 -timeout 20m ./...
go test -count=1 -race -timeout 20m ./gitstore ./snapshot
