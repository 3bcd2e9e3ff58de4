package commands

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/ingest"
	"github.com/flameiq/git-flameiq/snapshot"
)

// allowFailedFlag lets record, run, compare and diff --current go on with
// an input that reports failed benchmarks.
var allowFailedFlag = &cli.BoolFlag{Name: "allow-failed",
	Usage: "an input that reports failed benchmarks is not an error: use what passed and mark the failed ones FAILED (which fails the gate unless accepted)"}

// parseInput parses one input file. An input that reports failed
// benchmarks is a data error (exit 3) naming each one, unless allowFailed:
// then what passed is returned, its Meta.Failed naming the rest, and the
// failures are said on stderr.
func (e *env) parseInput(path, format string, allowFailed bool) (*snapshot.Snapshot, error) {
	s, err := ingest.ParseFile(path, format)
	return e.passedOnly(s, err, allowFailed)
}

// passedOnly applies the --allow-failed rule to a parse result.
func (e *env) passedOnly(s *snapshot.Snapshot, err error, allowFailed bool) (*snapshot.Snapshot, error) {
	var fe *ingest.FailedError
	if !errors.As(err, &fe) {
		return s, err
	}
	if !allowFailed {
		return nil, &dataError{fmt.Errorf("%w\n%s: %s failed; nothing was recorded or compared (--allow-failed uses what passed and marks the failed ones FAILED)",
			fe, fe.File, plural(len(fe.Failures), "benchmark"))}
	}
	if fe.Snapshot == nil {
		return nil, &dataError{fmt.Errorf("%w\n%s: no benchmark passed", fe, fe.File)}
	}
	for _, f := range fe.Failures {
		fmt.Fprintf(e.stderr, "git-flameiq: warning: %s (marked FAILED)\n", f)
	}
	return fe.Snapshot, nil
}
