package ingest

// k6 summary JSON (format "k6"): both the handleSummary() data
// (`metrics.<name> = {type, contains, values:{…}}`) and the legacy
// `--summary-export` file (`metrics.<name> = {…values…}` flat).
//
//	trend:   `<metric>.<stat>` for every statistic k6 wrote (avg, med, min,
//	         max, p(90), p(95), p(99) …; count is left out), e.g.
//	         `http_req_duration.p(95)`. Time trends are in ms and lower is
//	         better; in the export shape, where k6 does not say what a trend
//	         contains, k6's built-in time metrics (http_req_*,
//	         iteration_duration, group_duration) are ms and custom trends
//	         are unitless and two-sided.
//	rate:    `<metric>.rate` (unit ratio): http_req_failed lower is better,
//	         checks higher is better, others two-sided.
//	counter: `<metric>.count` (two-sided) and `<metric>.rate` per second
//	         (http_reqs and iterations higher is better, data_* in B/s
//	         two-sided).
//	gauge:   not recorded (vus, vus_max describe the load, not the result).
//
// Tagged sub-metrics keep their tag set in the name:
// `http_req_duration{expected_response:true}.p(95)`. Thresholds and checks
// groups are ignored.

import (
	"io"
	"strings"

	"github.com/flameiq/git-flameiq/snapshot"
)

func init() {
	register(Format{
		Name:     "k6",
		Doc:      "k6 summary JSON (handleSummary data or --summary-export)",
		Detect:   detectK6,
		Parse:    parseK6,
		Priority: 75,
	})
}

func detectK6(head []byte, _ string) bool {
	return jsonHead(head, "{") && hasAll(head, "metrics") && !hasAll(head, "schema_version") &&
		(hasAll(head, "root_group") || hasAll(head, "type", "values") || hasAll(head, "http_reqs"))
}

func k6Base(metric string) string {
	if i := strings.IndexByte(metric, '{'); i >= 0 {
		return metric[:i]
	}
	return metric
}

func k6BuiltinTime(base string) bool {
	return base == "iteration_duration" || base == "group_duration" ||
		(strings.HasPrefix(base, "http_req_") && base != "http_req_failed")
}

func parseK6(r io.Reader, name string) (*snapshot.Snapshot, error) {
	c, doc, err := openJSON(r, name)
	if err != nil {
		return nil, err
	}
	metrics, ok := c.requiredObject(doc, "metrics", "k6 summary")
	if !ok {
		return nil, c.err()
	}
	s := &snapshot.Snapshot{}
	for metric, m := range c.members(metrics, "metrics") {
		base := path("metrics", metric)
		values := m
		vbase := base
		typ, _ := c.str(m, "type", base)
		contains, _ := c.str(m, "contains", base)
		if vv, ok := m["values"]; ok {
			if values, ok = c.object(vv, path(base, "values")); !ok {
				continue
			}
			vbase = path(base, "values")
		}
		if typ == "" { // export shape: infer the type from the keys
			switch {
			case has(values, "avg") || has(values, "med"):
				typ = "trend"
			case has(values, "passes") || has(values, "fails"):
				typ = "rate"
			case has(values, "count"):
				typ = "counter"
			default:
				typ = "gauge"
			}
		}
		mb := k6Base(metric)
		num := func(k string) (float64, bool) { return c.optNonNeg(values, k, vbase) }
		switch typ {
		case "trend":
			unit, dir := "", snapshot.TwoSided
			if contains == "time" || contains == "" && k6BuiltinTime(mb) {
				unit, dir = "ms", snapshot.LowerIsBetter
			} else if contains == "data" {
				unit, dir = "B", snapshot.LowerIsBetter
			}
			for _, stat := range sortedKeys(values) {
				if stat == "count" || stat == "thresholds" {
					continue
				}
				if f, ok := num(stat); ok {
					s.Add(metric+"."+stat, unit, dir, f)
				}
			}
		case "rate":
			f, ok := num("rate")
			if !ok {
				f, ok = num("value")
			}
			if ok {
				dir := snapshot.TwoSided
				switch mb {
				case "http_req_failed":
					dir = snapshot.LowerIsBetter
				case "checks":
					dir = snapshot.HigherIsBetter
				}
				s.Add(metric+".rate", "ratio", dir, f)
			}
		case "counter":
			unit := ""
			if contains == "data" || strings.HasPrefix(mb, "data_") {
				unit = "B"
			}
			if f, ok := num("count"); ok {
				s.Add(metric+".count", unit, snapshot.TwoSided, f)
			}
			if f, ok := num("rate"); ok {
				dir := snapshot.TwoSided
				if mb == "http_reqs" || mb == "iterations" {
					dir = snapshot.HigherIsBetter
				}
				ru := "1/s"
				if unit == "B" {
					ru = "B/s"
				}
				s.Add(metric+".rate", ru, dir, f)
			}
		}
	}
	return c.result(s)
}

func has(m map[string]any, k string) bool { _, ok := m[k]; return ok }
