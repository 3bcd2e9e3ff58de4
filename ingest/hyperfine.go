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
	c, doc, err := openJSON(r, name)
	if err != nil {
		return nil, err
	}
	results, ok := c.requiredArray(doc, "results", "hyperfine export")
	if !ok || !c.nonEmpty(results, "results") {
		return nil, c.err()
	}
	s := &snapshot.Snapshot{}
	seen := map[string]int{}
	for base, res := range c.objects(results, "results") {
		cmd, ok := c.str(res, "command", base)
		if !ok {
			c.fail(path(base, "command"), "missing")
			continue
		}
		if params, ok := c.optObject(res, "parameters", base); ok && len(params) > 0 {
			cmd += " [" + paramList(params) + "]"
		}
		var times []float64
		if tv, ok := res["times"]; ok {
			if times, ok = c.numbers(tv, path(base, "times")); !ok {
				continue
			}
		}
		if len(times) == 0 {
			f, ok := c.optNonNeg(res, "mean", base)
			if !ok {
				c.fail(base, "no times and no mean for %q", cmd)
				continue
			}
			times = []float64{f}
		}
		var mem []float64
		if mv, ok := res["memory_usage_byte"]; ok && mv != nil {
			if mem, ok = c.numbers(mv, path(base, "memory_usage_byte")); !ok {
				continue
			}
		}
		cmd = dedupKey(seen, cmd)
		s.Add(cmd+":sec", "sec", snapshot.LowerIsBetter, times...)
		if len(mem) > 0 {
			s.Add(cmd+":B", "B", snapshot.LowerIsBetter, mem...)
		}
	}
	return c.result(s)
}
