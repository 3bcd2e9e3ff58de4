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
//
// A trend's med and p(N) (0 < N < 100) carry the 95% interval of that
// quantile (Metric.CI, see quantile.go), computed from n = the trend's own
// count when summaryTrendStats includes it, else, for the untagged built-in
// http_req_* trends, http_reqs.count (one sample per request), and for
// iteration_duration, iterations.count; the ladder it is read from is the
// trend's min, med, p(…) and max. Without a known n there is no interval.
// Informational (Metric.Info: reported, gated only when a rule names
// them): every trend's min and max (a single run's extremes), and every
// statistic of the connection-phase trends http_req_blocked,
// http_req_connecting, http_req_tls_handshaking, http_req_sending and
// http_req_receiving, tagged variants included.
//
// A failed run leaves no trace in the summary: k6 writes the same summary
// after test.abort() (exit code 108), and exceptions thrown in iterations
// are only logged (exit code 0); crossed thresholds (exit code 99) are
// verdicts, not failures, and HTTP failures are data
// (http_req_failed.rate). So k6 input never reports failed benchmarks.

import (
	"encoding/json"
	"io"
	"math"
	"strconv"
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

// parseK6 walks metrics one metric at a time (jsonStream), in file order;
// their errors come in byte order of the name, as when decoded whole. A
// quantile whose n is another metric's count (http_reqs, iterations) gets
// its interval when the walk ends.
func parseK6(r io.Reader, name string) (*snapshot.Snapshot, error) {
	st, err := openJSONStream(r, name)
	if err != nil {
		return nil, err
	}
	defer st.done()
	c := &collector{file: name}
	s := st.snapshot()
	counts := map[string]int{} // http_reqs and iterations: their count
	var later []k6LaterCI
	_, walked := st.objectOf("metrics", func(metric string, v any) {
		if metric == "http_reqs" || metric == "iterations" {
			counts[metric] = k6Count(v)
		}
		c.member(metric, func(c *collector) {
			st.build(s, func() { later = append(later, k6Metric(c, s, metric, v)...) })
		})
	})
	if err := st.fail(); walked && err != nil {
		return nil, err
	}
	if !walked {
		return nil, st.unwalked(c, func(doc map[string]any) { c.requiredObject(doc, "metrics", "k6 summary") })
	}
	c.membersDone()
	for _, l := range later {
		if n := counts[l.counter]; n > 0 {
			setCI(s.Get(l.key), quantileCI(l.q, l.f, n, l.ladder))
		}
	}
	return c.result(s)
}

// k6LaterCI is a quantile whose interval waits for the count of counter.
type k6LaterCI struct {
	key     string // its metric's (Add's views of a lean snapshot do not last)
	q, f    float64
	ladder  []quantilePoint
	counter string
}

// k6Metric adds the metrics of one k6 metric, v = {type, contains,
// values: {…}} (or its values alone, the export shape).
func k6Metric(c *collector, s *snapshot.Snapshot, metric string, v any) (later []k6LaterCI) {
	base := path("metrics", metric)
	m, ok := c.object(v, base)
	if !ok {
		return nil
	}
	values := m
	vbase := base
	typ, _ := c.str(m, "type", base)
	contains, _ := c.str(m, "contains", base)
	if vv, ok := m["values"]; ok {
		if values, ok = c.object(vv, path(base, "values")); !ok {
			return nil
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
		n, counter := k6TrendCount(metric, values)
		ladder := k6Ladder(values)
		for _, stat := range sortedKeys(values) {
			if stat == "count" || stat == "thresholds" {
				continue
			}
			f, ok := num(stat)
			if !ok {
				continue
			}
			m := s.Add(metric+"."+stat, unit, dir, f)
			q, isQ := k6Quantile(stat)
			m.Info = k6ConnectionPhase(mb) || stat == "min" || stat == "max" || isQ && (q <= 0 || q >= 1)
			switch {
			case isQ && n > 0:
				setCI(m, quantileCI(q, f, n, ladder))
			case isQ && counter != "":
				later = append(later, k6LaterCI{m.Key, q, f, ladder, counter})
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
			m := s.Add(metric+".rate", "ratio", dir, f)
			passes, okp := num("passes")
			fails, okf := num("fails")
			if okp && okf && passes == math.Trunc(passes) && fails == math.Trunc(fails) {
				setCI(m, proportionCI(f*(passes+fails), passes+fails))
			}
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
	return later
}

func has(m map[string]any, k string) bool { _, ok := m[k]; return ok }

// k6ConnectionPhase reports whether base is a trend of one phase of a
// request's connection: how long a run waited for a socket, connected,
// shook hands, sent and received depends on the machine and the moment
// more than on the code under test.
func k6ConnectionPhase(base string) bool {
	switch base {
	case "http_req_blocked", "http_req_connecting", "http_req_tls_handshaking", "http_req_sending", "http_req_receiving":
		return true
	}
	return false
}

// k6Quantile returns the level of a trend statistic that is a quantile:
// 0.5 for med, N/100 for p(N).
func k6Quantile(stat string) (float64, bool) {
	if stat == "med" {
		return 0.5, true
	}
	if !strings.HasPrefix(stat, "p(") || !strings.HasSuffix(stat, ")") {
		return 0, false
	}
	p, err := strconv.ParseFloat(stat[2:len(stat)-1], 64)
	if err != nil || !(p >= 0 && p <= 100) {
		return 0, false
	}
	return p / 100, true
}

// k6Ladder is what a trend reported about its distribution: min, med,
// p(…) and max, as quantile points.
func k6Ladder(values map[string]any) []quantilePoint {
	var pts []quantilePoint
	for stat, v := range values {
		f, ok := k6Float(v)
		if !ok {
			continue
		}
		switch q, isQ := k6Quantile(stat); {
		case isQ:
			pts = append(pts, quantilePoint{q, f})
		case stat == "min":
			pts = append(pts, quantilePoint{0, f})
		case stat == "max":
			pts = append(pts, quantilePoint{1, f})
		}
	}
	return pts
}

// k6TrendCount is the number of samples a trend was computed from: its
// own count statistic; else, for the untagged built-in trends, counter
// names the metric that counts the same events (http_reqs for
// http_req_*, iterations for iteration_duration), whose count is n (the
// walk reads it when it meets it); else n is 0, unknown.
func k6TrendCount(metric string, values map[string]any) (n int, counter string) {
	if n, ok := k6Int(values["count"]); ok {
		return n, ""
	}
	switch {
	case metric == "iteration_duration":
		return 0, "iterations"
	case strings.HasPrefix(metric, "http_req_") && !strings.ContainsRune(metric, '{'):
		return 0, "http_reqs"
	}
	return 0, ""
}

// k6Count is the count of a counter metric v (0 when it has none).
func k6Count(v any) int {
	c, ok := v.(map[string]any)
	if !ok {
		return 0
	}
	if v, ok := c["values"].(map[string]any); ok {
		c = v
	}
	n, _ := k6Int(c["count"])
	return n
}

// k6Int is a JSON number that is a whole, positive count.
func k6Int(v any) (int, bool) {
	f, ok := k6Float(v)
	if !ok || f < 1 || f > 1<<53 || f != math.Trunc(f) {
		return 0, false
	}
	return int(f), true
}

// k6Float is a finite, non-negative JSON number, read quietly: the values
// that are recorded are checked (and reported) by the collector.
func k6Float(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, false
	}
	return f, true
}
