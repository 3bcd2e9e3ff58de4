package ingest

// JMH JSON (format "jmh"): `-rf json` output, a top-level array of runs.
//
//	key:     `<benchmark>[<param>=<value>,…]:<scoreUnit>` — the fully
//	         qualified method name, the @Param values in byte order of the
//	         parameter name when there are any, and the unit as JMH writes it
//	         (ops/s, us/op, s/op …), e.g.
//	         `org.sample.ComputeBenchmark.compute_sameKey[computeType=Guava]:ops/s`.
//	         Secondary metrics (gc profiler …) are `<benchmark>[…]:<metric>`.
//	samples: primaryMetric.rawData flattened (one per measurement iteration,
//	         all forks); primaryMetric.score as one sample when rawData is absent.
//	direction: mode thrpt (and any */s unit) higher is better; avgt, sample
//	         and ss (time per op) lower is better.
//
// Units are kept as JMH reports them (not rescaled), so a time-per-op unit
// change between runs shows as a new key rather than a silent rescale.

import (
	"io"
	"strings"

	"github.com/flameiq/git-flameiq/snapshot"
)

func init() {
	register(Format{
		Name:     "jmh",
		Doc:      "JMH JSON (-rf json)",
		Detect:   detectJMH,
		Parse:    parseJMH,
		Priority: 70,
	})
}

func detectJMH(head []byte, _ string) bool {
	return jsonHead(head, "[") && hasAll(head, "benchmark", "primaryMetric")
}

func parseJMH(r io.Reader, name string) (*snapshot.Snapshot, error) {
	st, err := openJSONStream(r, name)
	if err != nil {
		return nil, err
	}
	defer st.done()
	c := &collector{file: name}
	s := st.snapshot()
	// One run decoded at a time (jsonStream).
	if _, walked := st.elements(func(i int, v any) {
		base := index("", i)
		if run, ok := c.object(v, base); ok {
			st.build(s, func() { jmhRun(c, s, base, run) })
		}
	}); !walked {
		c.array(st.whole(), "") // not an array: say what it is
		return nil, c.err()
	}
	if err := st.fail(); err != nil {
		return nil, err
	}
	return c.result(s)
}

// jmhRun adds the metrics of one run (at base).
func jmhRun(c *collector, s *snapshot.Snapshot, base string, run map[string]any) {
	bench, ok := c.str(run, "benchmark", base)
	if !ok || bench == "" {
		c.fail(path(base, "benchmark"), "missing")
		return
	}
	mode, _ := c.str(run, "mode", base)
	if params, ok := c.optObject(run, "params", base); ok && len(params) > 0 {
		bench += "[" + paramList(params) + "]"
	}
	pm, ok := c.object(run["primaryMetric"], path(base, "primaryMetric"))
	if !ok {
		return
	}
	jmhMetric(c, s, bench, mode, pm, path(base, "primaryMetric"), true)
	if sv, ok := run["secondaryMetrics"].(map[string]any); ok {
		for _, k := range sortedKeys(sv) {
			if m, ok := c.object(sv[k], path(path(base, "secondaryMetrics"), k)); ok {
				jmhMetric(c, s, bench+":"+k, mode, m, path(path(base, "secondaryMetrics"), k), false)
			}
		}
	}
}

func jmhMetric(c *collector, s *snapshot.Snapshot, key, mode string, m map[string]any, base string, primary bool) {
	unit, ok := c.str(m, "scoreUnit", base)
	if !ok || unit == "" {
		c.fail(path(base, "scoreUnit"), "missing")
		return
	}
	var samples []float64
	if rd, ok := m["rawData"]; ok && rd != nil {
		forks, ok := c.array(rd, path(base, "rawData"))
		if !ok {
			return
		}
		for i, f := range forks {
			xs, ok := c.numbers(f, index(path(base, "rawData"), i))
			if !ok {
				return
			}
			samples = append(samples, xs...)
		}
	}
	if len(samples) == 0 {
		f, ok := c.nonNeg(m["score"], path(base, "score"))
		if !ok {
			return
		}
		samples = []float64{f}
	}
	dir := snapshot.UnitDirection(unit)
	if primary {
		switch {
		case mode == "thrpt" || strings.HasSuffix(unit, "/s") || strings.HasSuffix(unit, "/ms") || strings.HasSuffix(unit, "/us") || strings.HasSuffix(unit, "/ns"):
			dir = snapshot.HigherIsBetter
		case mode == "avgt" || mode == "sample" || mode == "ss":
			dir = snapshot.LowerIsBetter
		}
		key += ":" + unit
	}
	s.Add(key, unit, dir, samples...)
}
