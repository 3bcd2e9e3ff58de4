package commands

import (
	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/ingest"
	"github.com/flameiq/git-flameiq/internal/measure"
	"github.com/flameiq/git-flameiq/snapshot"
)

// allowFailedFlag lets record, run, compare and diff --current go on with
// an input that reports failed benchmarks.
var allowFailedFlag = &cli.BoolFlag{Name: "allow-failed",
	Usage: "an input that reports failed benchmarks is not an error: use what passed and mark the failed ones FAILED (which fails the gate unless accepted)"}

// parseInput parses one input file (how: in). An input that reports failed
// benchmarks is a data error (exit 3) naming each one, unless allowFailed:
// then what passed is returned, its Meta.Failed naming the rest, and the
// failures are said on stderr (measure.PassedOnly).
func (e *env) parseInput(path string, in ingest.Options, allowFailed bool) (*snapshot.Snapshot, error) {
	s, err := ingest.ParseFileWith(path, in)
	return measure.PassedOnly(s, err, allowFailed, e.stderr)
}
