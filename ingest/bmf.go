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
	c, doc, err := openJSON(r, name)
	if err != nil {
		return nil, err
	}
	s := &snapshot.Snapshot{}
	for bench, ms := range c.members(doc, "") {
		for measure, m := range c.members(ms, bench) {
			base := path(bench, measure)
			val, ok := c.number(m["value"], path(base, "value"))
			for _, b := range []string{"lower_value", "upper_value"} {
				if x, present := m[b]; present && x != nil {
					c.number(x, path(base, b))
				}
			}
			if !ok {
				continue
			}
			unit, dir := measure, snapshot.UnitDirection(measure)
			switch measure {
			case "latency":
				unit, dir, val = "sec", snapshot.LowerIsBetter, val/1e9
			case "throughput":
				unit, dir = "ops/s", snapshot.HigherIsBetter
			}
			s.Add(bench+":"+measure, unit, dir, val)
		}
	}
	return c.result(s)
}
