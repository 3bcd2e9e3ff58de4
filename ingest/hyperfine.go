package ingest

// hyperfine JSON (format "hyperfine"): `hyperfine --export-json`.
//
//	key:     `<command>:sec`, the command as hyperfine writes it (already
//	         parameter-expanded, or the --command-name); when the result has
//	         parameters their values are appended in byte order of the
//	         parameter name: `./spin 1e7 [n=1]:sec`. A key that would repeat
//	         gets ` #2`, ` #3` …
//	samples: times[] (wall-clock seconds, one per run); older files without
//	         times give mean as one sample. Lower is better.
//	memory:  memory_usage_byte[] (hyperfine ≥ 1.17) as `<command>:B`, lower
//	         is better.
//
// times must be an array of non-negative numbers; null, a string or a
// negative value is an error naming the field (results[1].times).

import (
	"io"

	"github.com/flameiq/git-flameiq/snapshot"
)

func init() {
	register(Format{
		Name:     "hyperfine",
		Doc:      "hyperfine --export-json",
		Detect:   detectHyperfine,
		Parse:    parseHyperfine,
		Priority: 70,
	})
}

func detectHyperfine(head []byte, _ string) bool {
	return jsonHead(head, "{") && hasAll(head, "results", "command") && (hasAll(head, "times") || hasAll(head, "mean"))
}

func parseHyperfine(r io.Reader, name string) (*snapshot.Snapshot, error) {
	st, err := openJSONStream(r, name)
	if err != nil {
		return nil, err
	}
	defer st.done()
	s := st.snapshot()
	seen := map[string]int{}
	// One result decoded at a time (jsonStream).
	c, cr := &collector{file: name}, &collector{file: name}
	_, n, walked := st.object("results", func(i int, v any) {
		base := index("results", i)
		if res, ok := cr.object(v, base); ok {
			st.build(s, func() { hyperfineResult(cr, s, seen, base, res) })
		}
	})
	if err := st.fail(); walked && err != nil {
		return nil, err
	}
	if !walked {
		return nil, st.unwalked(c, func(doc map[string]any) { c.requiredArray(doc, "results", "hyperfine export") })
	}
	if n == 0 {
		c.nonEmpty(nil, "results")
		return nil, c.err()
	}
	c.errs = append(c.errs, cr.errs...)
	return c.result(s)
}

// hyperfineResult adds the metrics of one result (at base).
func hyperfineResult(c *collector, s *snapshot.Snapshot, seen map[string]int, base string, res map[string]any) {
	cmd, ok := c.str(res, "command", base)
	if !ok {
		c.fail(path(base, "command"), "missing")
		return
	}
	if params, ok := c.optObject(res, "parameters", base); ok && len(params) > 0 {
		cmd += " [" + paramList(params) + "]"
	}
	var times []float64
	if tv, ok := res["times"]; ok {
		if times, ok = c.numbers(tv, path(base, "times")); !ok {
			return
		}
	}
	if len(times) == 0 {
		f, ok := c.optNonNeg(res, "mean", base)
		if !ok {
			c.fail(base, "no times and no mean for %q", cmd)
			return
		}
		times = []float64{f}
	}
	var mem []float64
	if mv, ok := res["memory_usage_byte"]; ok && mv != nil {
		if mem, ok = c.numbers(mv, path(base, "memory_usage_byte")); !ok {
			return
		}
	}
	cmd = dedupKey(seen, cmd)
	s.Add(cmd+":sec", "sec", snapshot.LowerIsBetter, times...)
	if len(mem) > 0 {
		s.Add(cmd+":B", "B", snapshot.LowerIsBetter, mem...)
	}
}
