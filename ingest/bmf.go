package ingest

// Bencher Metric Format JSON (format "bmf"):
// `{<benchmark>: {<measure>: {value, lower_value?, upper_value?}}}`.
//
//	key:     `<benchmark>:<measure>` (e.g. `tests::benchmark_a:latency`)
//	samples: value (one sample; the bounds are not samples)
//	unit:    Bencher's built-in measures: latency in ns becomes sec (value
//	         scaled by 1e-9), throughput ops/s; any other measure keeps its
//	         name as unit
//	direction: latency lower is better, throughput higher is better, other
//	         measures by unit name (snapshot.UnitDirection), else two-sided
//
// value must be a finite number; lower_value and upper_value, when present,
// must be numbers too.

import (
	"io"

	"github.com/flameiq/git-flameiq/snapshot"
)

func init() {
	register(Format{
		Name:     "bmf",
		Doc:      "Bencher Metric Format JSON {bench:{measure:{value,…}}}",
		Detect:   detectBMF,
		Parse:    parseBMF,
		Priority: 5,
	})
}

func detectBMF(head []byte, _ string) bool {
	if !jsonHead(head, "{") || !hasAll(head, "value") {
		return false
	}
	// The shape is loose, so check it when the head is a whole document.
	v, err := decodeJSON(head, "")
	if err != nil {
		return len(head) >= peekSize // a long document: trust the keys
	}
	doc, ok := v.(map[string]any)
	if !ok || len(doc) == 0 {
		return false
	}
	for _, b := range doc {
		ms, ok := b.(map[string]any)
		if !ok || len(ms) == 0 {
			return false
		}
		for _, m := range ms {
			mm, ok := m.(map[string]any)
			if !ok {
				return false
			}
			if _, ok := mm["value"]; !ok {
				return false
			}
		}
	}
	return true
}

func parseBMF(r io.Reader, name string) (*snapshot.Snapshot, error) {
	st, err := openJSONStream(r, name)
	if err != nil {
		return nil, err
	}
	defer st.done()
	c := &collector{file: name}
	s := st.snapshot()
	// One benchmark decoded at a time, in file order (jsonStream).
	if !st.members(func(bench string) {
		st.build(s, func() { bmfBench(c, s, bench, st.value()) })
	}) {
		c.object(st.whole(), "") // not an object: say what it is
		return nil, c.err()
	}
	if err := st.fail(); err != nil {
		return nil, err
	}
	return c.result(s)
}

// bmfBench adds the measures of one benchmark, v = {measure: {value, …}}.
func bmfBench(c *collector, s *snapshot.Snapshot, bench string, v any) {
	ms, ok := c.object(v, bench)
	if !ok {
		return
	}
	for measure, m := range c.members(ms, bench) {
		base := path(bench, measure)
		val, ok := c.nonNeg(m["value"], path(base, "value"))
		var bounds [2]float64
		nb := 0
		for i, b := range []string{"lower_value", "upper_value"} {
			if x, present := m[b]; present && x != nil {
				if f, okb := c.nonNeg(x, path(base, b)); okb {
					bounds[i] = f
					nb++
				}
			}
		}
		if !ok {
			continue
		}
		unit, dir, scale := measure, snapshot.UnitDirection(measure), 1.0
		switch measure {
		case "latency":
			unit, dir, scale = "sec", snapshot.LowerIsBetter, 1e-9
		case "throughput":
			unit, dir = "ops/s", snapshot.HigherIsBetter
		}
		mt := s.Add(bench+":"+measure, unit, dir, val*scale)
		// Bencher's lower_value and upper_value bound the value: the
		// single value's interval, when they hold it.
		if nb == 2 && bounds[0] <= val && val <= bounds[1] {
			setCI(mt, &snapshot.Interval{Lo: bounds[0] * scale, Hi: bounds[1] * scale})
		}
	}
}
