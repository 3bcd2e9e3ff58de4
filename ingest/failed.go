package ingest

import (
	"fmt"
	"strings"

	"github.com/flameiq/git-flameiq/snapshot"
)

// Failure is one failed benchmark found in an input: its name as metric
// keys name it (no "Benchmark" prefix, no unit: "Flaky-2", "sum/4096"), or
// the package or run when the failure cannot be tied to one benchmark;
// where the tool said so (File and Line of the input), and the tool's own
// message, when it wrote one.
type Failure struct {
	Name string
	File string
	Line int
	Msg  string
	// Run is set when the failure is the package's or the run's (FAIL pkg,
	// a panic or an exit status no benchmark can be named for), not one
	// benchmark's.
	Run bool
}

func (f Failure) String() string {
	var b strings.Builder
	b.WriteString(f.File)
	if f.Line > 0 {
		fmt.Fprintf(&b, ":%d", f.Line)
	}
	what := "benchmark " + f.Name
	switch {
	case f.Run && (f.Name == "panic" || f.Name == "run" || strings.HasPrefix(f.Name, "exit status")):
		what = "the run (" + f.Name + ")"
	case f.Run:
		what = "package " + f.Name
	}
	fmt.Fprintf(&b, ": %s failed", what)
	if f.Msg != "" {
		fmt.Fprintf(&b, ": %s", f.Msg)
	}
	return b.String()
}

// FailedError is the error of an input that reports failed benchmarks
// (Go's `--- FAIL: BenchmarkX`, a criterion panic…): an input data error,
// never silently dropped. Snapshot holds what passed, with
// Meta.Failed naming the failed benchmarks, for callers that were told to
// go on (--allow-failed); it is nil when nothing passed.
type FailedError struct {
	File     string
	Failures []Failure
	Snapshot *snapshot.Snapshot
}

func (e *FailedError) Error() string {
	lines := make([]string, len(e.Failures))
	for i, f := range e.Failures {
		lines[i] = f.String()
	}
	return strings.Join(lines, "\n")
}
