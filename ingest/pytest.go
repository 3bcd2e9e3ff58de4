package ingest

// pytest-benchmark JSON (format "pytest-benchmark"): the --benchmark-json
// output and saved runs (.benchmarks/…/0001_*.json).
//
// Every benchmark becomes one metric (FlameIQ keeps only the first):
//
//	key:     `<fullname>:sec/op`, e.g. `tests/test_perf.py::test_parse[small input]:sec/op`
//	         (name when fullname is absent; fullname already holds the module
//	         and the parametrisation [params]; when only name and a params
//	         object are given, `[k=v,…]` is appended). A key that would repeat
//	         gets ` #2`, ` #3` … in file order.
//	samples: stats.data (one per round) when present, else stats.median,
//	         else stats.mean, as one sample; seconds per call, lower is better.
//	         A data list abridged by hand (ending in a "..." string) is
//	         ignored in favour of the summary.
//
// commit_info.id and branch and datetime become the snapshot metadata.
// Every stats field that is present must be a number: a string, null or
// boolean is an error naming it (benchmarks[1].stats.mean), as is a
// negative or non-finite time; a benchmark with neither data, median nor
// mean is an error, and so is an empty benchmarks list.

import (
	"io"
	"strings"

	"github.com/flameiq/git-flameiq/snapshot"
)

func init() {
	register(Format{
		Name:     "pytest-benchmark",
		Doc:      "pytest-benchmark JSON (--benchmark-json, saved runs)",
		Detect:   detectPytest,
		Parse:    parsePytest,
		Priority: 70,
	})
}

func detectPytest(head []byte, _ string) bool {
	return jsonHead(head, "{") && hasAll(head, "benchmarks", "stats") && !hasAll(head, "run_type")
}

var pytestStats = []string{"min", "max", "mean", "stddev", "rounds", "median", "iqr", "q1", "q3", "iqr_outliers", "stddev_outliers", "ld15iqr", "hd15iqr", "ops", "total", "iterations"}

func parsePytest(r io.Reader, name string) (*snapshot.Snapshot, error) {
	st, err := openJSONStream(r, name)
	if err != nil {
		return nil, err
	}
	defer st.done()
	s := st.snapshot()
	seen := map[string]int{}
	bench := func(c *collector, base string, b map[string]any) {
		key, _ := c.str(b, "fullname", base)
		if key == "" {
			key, _ = c.str(b, "name", base)
			if params, ok := b["params"].(map[string]any); ok && len(params) > 0 && !strings.Contains(key, "[") {
				key += "[" + paramList(params) + "]"
			}
		}
		if key == "" {
			c.fail(base, "benchmark without a name or fullname")
			return
		}
		sv, ok := b["stats"]
		if !ok {
			c.fail(path(base, "stats"), "missing")
			return
		}
		stats, ok := c.object(sv, path(base, "stats"))
		if !ok {
			return
		}
		bad := len(c.errs)
		for _, k := range pytestStats {
			if x, ok := stats[k]; ok {
				c.nonNeg(x, path(path(base, "stats"), k))
			}
		}
		var samples []float64
		if dv, ok := stats["data"]; ok {
			if elided(dv) {
				samples = nil // an abridged list ("... omitted"): use the summary
			} else {
				samples, _ = c.numbers(dv, path(path(base, "stats"), "data"))
			}
		}
		if len(c.errs) > bad {
			return
		}
		if len(samples) == 0 {
			f, ok := c.firstNonNeg(stats, path(base, "stats"), "median", "mean")
			if !ok {
				c.fail(path(base, "stats"), "no data, median or mean for %s", key)
				return
			}
			samples = []float64{f}
		}
		key = dedupKey(seen, key)
		s.Add(key+":sec/op", "sec/op", snapshot.LowerIsBetter, samples...)
	}
	// One benchmark decoded at a time (jsonStream); their errors follow
	// those of the other members, as in the document decoded whole.
	c, cb := &collector{file: name}, &collector{file: name}
	doc, n, walked := st.object("benchmarks", func(i int, v any) {
		base := index("benchmarks", i)
		if b, ok := cb.object(v, base); ok {
			st.build(s, func() { bench(cb, base, b) })
		}
	})
	if err := st.fail(); walked && err != nil {
		return nil, err
	}
	if !walked {
		// Not an object, or no array of benchmarks: say which, from the
		// document decoded whole.
		var ok bool
		if doc, ok = c.object(st.whole(), ""); !ok {
			return nil, c.err()
		}
	}
	if ci, ok := doc["commit_info"].(map[string]any); ok {
		s.Meta.Commit, _ = c.str(ci, "id", "commit_info")
		s.Meta.Branch, _ = c.str(ci, "branch", "commit_info")
	}
	if ts, ok := c.str(doc, "datetime", ""); ok && validTimestamp(ts) {
		s.Meta.Timestamp = ts
	}
	if !walked {
		c.requiredArray(doc, "benchmarks", "pytest-benchmark result")
		return nil, c.err()
	}
	if n == 0 {
		c.nonEmpty(nil, "benchmarks")
		return nil, c.err()
	}
	c.errs = append(c.errs, cb.errs...)
	return c.result(s)
}

// elided reports whether a stats.data array was shortened by hand: numbers
// followed by a string placeholder such as "... omitted to keep this file
// small" (github-action-benchmark's fixture does this).
func elided(v any) bool {
	a, ok := v.([]any)
	if !ok || len(a) == 0 {
		return false
	}
	s, ok := a[len(a)-1].(string)
	return ok && strings.Contains(s, "...")
}
