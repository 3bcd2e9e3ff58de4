package ingest

// Regression-detection results JSON (format "regression-json"): the
// results file of the "Regression detection in CI" article's
// performance_ci.py, `{<benchmark>: {name, iterations, min_latency,
// max_latency, mean_latency, median_latency, p95_latency, p99_latency,
// peak_memory, memory_leaked, cpu_percent, ops_per_second}}`.
//
//	`<benchmark>:min`, `:max`, `:mean`, `:p50`, `:p95`, `:p99`   latencies (sec, lower is better)
//	`<benchmark>:peak_memory`, `:memory_leaked`                  bytes (B, lower is better)
//	`<benchmark>:cpu_percent`                                    % (lower is better)
//	`<benchmark>:ops/s`                                          ops_per_second (higher is better)
//
// <benchmark> is the object key. Every field present must be a
// non-negative number.

import (
	"io"

	"github.com/flameiq/git-flameiq/snapshot"
)

func init() {
	register(Format{
		Name:     "regression-json",
		Doc:      "results JSON of the regression-detection-in-CI article (latencies in s, memory in B)",
		Detect:   detectRegressionJSON,
		Parse:    parseRegressionJSON,
		Priority: 60,
	})
}

func detectRegressionJSON(head []byte, _ string) bool {
	return jsonHead(head, "{") && hasAll(head, "p99_latency", "ops_per_second")
}

var regressionFields = []struct{ field, suffix, unit string }{
	{"min_latency", "min", "sec"},
	{"max_latency", "max", "sec"},
	{"mean_latency", "mean", "sec"},
	{"median_latency", "p50", "sec"},
	{"p95_latency", "p95", "sec"},
	{"p99_latency", "p99", "sec"},
	{"peak_memory", "peak_memory", "B"},
	{"memory_leaked", "memory_leaked", "B"},
	{"cpu_percent", "cpu_percent", "%"},
	{"ops_per_second", "ops/s", "ops/s"},
}

func parseRegressionJSON(r io.Reader, name string) (*snapshot.Snapshot, error) {
	st, err := openJSONStream(r, name)
	if err != nil {
		return nil, err
	}
	defer st.done()
	c := &collector{file: name}
	s := st.snapshot()
	// One benchmark decoded at a time (jsonStream), in file order; the
	// errors in byte order of the name, as when decoded whole.
	if !st.members(func(bench string) {
		v := st.value()
		c.member(bench, func(c *collector) {
			m, ok := c.object(v, bench)
			if !ok {
				return
			}
			if it, ok := m["iterations"]; ok {
				c.nonNeg(it, path(bench, "iterations"))
			}
			st.build(s, func() {
				for _, f := range regressionFields {
					if x, ok := c.optNonNeg(m, f.field, bench); ok {
						s.Add(bench+":"+f.suffix, f.unit, snapshot.UnitDirection(f.unit), x)
					}
				}
			})
		})
	}) {
		c.object(st.whole(), "") // not an object: say what it is
		return nil, c.err()
	}
	if err := st.fail(); err != nil {
		return nil, err
	}
	c.membersDone()
	return c.result(s)
}
