#!/usr/bin/env bash
# Runs every test (unit, golden, conformance, fuzz seeds, end-to-end CLI
# scripts on real temporary git repositories). Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
go test -count=1 -timeout 20m ./...
