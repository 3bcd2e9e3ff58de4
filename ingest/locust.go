package ingest

// Locust (formats "locust" and "locust-json"). Latencies stay in
// milliseconds (unit ms), as Locust reports them.
//
// "locust": the `--csv PREFIX` file PREFIX_stats.csv. One group of keys per
// row; the endpoint is `<Type> <Name>` (`GET /api/items`) and the
// Aggregated row is `Aggregated`:
//
//	`<endpoint>:p50`, `:p95`, `:p99`   the 50%, 95%, 99% percentile columns (ms)
//	`<endpoint>:mean`                  Average Response Time (ms)
//	`<endpoint>:req/s`                 Requests/s (higher is better)
//	`<endpoint>:error_rate`            Failure Count / Request Count (lower is better)
//
// A percentile of "N/A" (no requests) is left out. _stats_history.csv is
// the format "locust-history" (locusthistory.go); _failures.csv and
// _exceptions.csv are not stats files and are not detected.
//
// Each p50, p95 and p99 carries the 95% interval of that percentile
// (Metric.CI, see quantile.go) computed from n = the row's Request Count,
// read from the row's ladder: Min Response Time (level 0), the percentile
// columns 50% … 99.99% and Max Response Time (level 1; the 100% column
// when there is no Max). Locust computes percentiles from response times
// rounded to 2 significant digits (whole ms below 100 ms, 10 ms below
// 1 s …), so the interval is widened by half that resolution on each side,
// within [Min, Max]. The mean has no interval.
//
// "locust-json": the CI summary written by the locustfile of the "Locust in
// CI" article: endpoints{name:{count, failures, p50, p95, p99, mean, min,
// max}} and error_rate. Keys `<name>:p50`, `:p95`, `:p99`, `:mean`, `:min`,
// `:max` (ms, lower is better), `<name>:error_rate` = failures / count as the
// article computes it, and the top-level error_rate as
// `Aggregated:error_rate`. `:min` and `:max` are informational
// (Metric.Info: a single run's extremes, gated only when a rule names
// them); with a count, p50/p95/p99 carry intervals as in the CSV, from the
// ladder min, p50, p95, p99, max.
//
// Neither file says that a run failed: an exception raised in a task is
// written to _exceptions.csv and the log (exit code 1, as with any failed
// request), never to _stats.csv; failed requests are data (error_rate).
// So Locust input never reports failed benchmarks.

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/flameiq/git-flameiq/snapshot"
)

func init() {
	register(Format{
		Name:     "locust",
		Doc:      "Locust --csv _stats.csv",
		Detect:   detectLocustCSV,
		Parse:    parseLocustCSV,
		Priority: 60,
	})
	register(Format{
		Name:     "locust-json",
		Doc:      "Locust CI summary JSON (endpoints{p50,p95,p99,…}, error_rate)",
		Detect:   detectLocustJSON,
		Parse:    parseLocustJSON,
		Priority: 60,
	})
}

func detectLocustCSV(head []byte, _ string) bool {
	h := strings.TrimPrefix(string(head), "\xef\xbb\xbf")
	return strings.HasPrefix(h, "Type,Name,Request Count,Failure Count,")
}

func parseLocustCSV(r io.Reader, name string) (s *snapshot.Snapshot, err error) {
	r, o := unwrap(r)
	bound, err := newStreamBound(name, o.held)
	if err != nil {
		return nil, err
	}
	defer func() { bound.done(s) }()
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil, &Error{File: name, Msg: "empty input: no benchmark results"}
		}
		return nil, csvError(name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, need := range []string{"Type", "Name", "Request Count", "Failure Count", "Average Response Time", "Requests/s"} {
		if _, ok := col[need]; !ok {
			return nil, &Error{File: name, Line: 1, Msg: fmt.Sprintf("missing column %q: not a Locust _stats.csv file", need)}
		}
	}
	s = newSnapshot(o.lean)
	var errs Errors
	line := 1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			errs = append(errs, csvError(name, err))
			break
		}
		if len(rec) != len(header) {
			errs = append(errs, &Error{File: name, Line: line, Msg: fmt.Sprintf("%d fields, header has %d", len(rec), len(header))})
			continue
		}
		endpoint := strings.TrimSpace(rec[col["Type"]] + " " + rec[col["Name"]])
		if rec[col["Type"]] == "" && rec[col["Name"]] == "Aggregated" {
			endpoint = "Aggregated"
		}
		get := func(c string, optional bool) (float64, bool) {
			i, ok := col[c]
			if !ok {
				return 0, false
			}
			v := strings.TrimSpace(rec[i])
			if optional && (v == "N/A" || v == "") {
				return 0, false
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
				errs = append(errs, &Error{File: name, Line: line, Field: c, Msg: fmt.Sprintf("not a non-negative number: %q", v)})
				return 0, false
			}
			return f, true
		}
		bad := len(errs)
		reqs, _ := get("Request Count", false)
		fails, _ := get("Failure Count", false)
		vals := []struct {
			k, unit string
			dir     snapshot.Direction
			col     string
			q       float64 // the percentile's level; 0 for the others
		}{
			{"p50", "ms", snapshot.LowerIsBetter, "50%", 0.50},
			{"p95", "ms", snapshot.LowerIsBetter, "95%", 0.95},
			{"p99", "ms", snapshot.LowerIsBetter, "99%", 0.99},
			{"mean", "ms", snapshot.LowerIsBetter, "Average Response Time", 0},
			{"req/s", "req/s", snapshot.HigherIsBetter, "Requests/s", 0},
		}
		type kv struct {
			key, unit string
			dir       snapshot.Direction
			v         float64
			ci        *snapshot.Interval
		}
		ladder := locustLadder(header, func(c string) (float64, bool) {
			// Quietly: only the recorded columns are checked.
			i, ok := col[c]
			if !ok {
				return 0, false
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(rec[i]), 64)
			return f, err == nil && f >= 0 && !math.IsInf(f, 0)
		})
		var out []kv
		for _, v := range vals {
			if f, ok := get(v.col, true); ok {
				o := kv{endpoint + ":" + v.k, v.unit, v.dir, f, nil}
				if v.q > 0 && reqs >= 1 && reqs == math.Trunc(reqs) && reqs <= 1<<53 {
					o.ci = locustCI(v.q, f, int(reqs), ladder)
				}
				out = append(out, o)
			}
		}
		if reqs > 0 {
			out = append(out, kv{endpoint + ":error_rate", "ratio", snapshot.LowerIsBetter, fails / reqs, proportionCI(fails, reqs)})
		}
		if len(errs) > bad {
			continue
		}
		from := s.Len()
		for _, o := range out {
			m := s.Add(o.key, o.unit, o.dir, o.v)
			setCI(m, o.ci)
		}
		if !bound.spend(int64(built(s, from))) {
			return nil, bound.tooBig(name, line, fmt.Sprintf("%d metrics", s.Len()))
		}
	}
	if len(errs) > 0 {
		if len(errs) == 1 {
			return nil, errs[0]
		}
		return nil, errs
	}
	return s, nil
}

func csvError(name string, err error) *Error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{File: name, Line: pe.Line, Msg: "invalid CSV: " + pe.Err.Error()}
	}
	return &Error{File: name, Msg: "read error: " + err.Error()}
}

func detectLocustJSON(head []byte, _ string) bool {
	return jsonHead(head, "{") && hasAll(head, "endpoints", "p95") && (hasAll(head, "error_rate") || hasAll(head, "failures"))
}

func parseLocustJSON(r io.Reader, name string) (*snapshot.Snapshot, error) {
	st, err := openJSONStream(r, name)
	if err != nil {
		return nil, err
	}
	defer st.done()
	c := &collector{file: name}
	s := st.snapshot()
	// One endpoint decoded at a time (jsonStream), in file order; their
	// errors in byte order of the endpoint, as when decoded whole.
	doc, walked := st.objectOf("endpoints", func(ep string, v any) {
		c.member(ep, func(c *collector) {
			if m, ok := c.object(v, path("endpoints", ep)); ok {
				st.build(s, func() { locustEndpoint(c, s, ep, m) })
			}
		})
	})
	if err := st.fail(); walked && err != nil {
		return nil, err
	}
	if !walked {
		return nil, st.unwalked(c, func(doc map[string]any) { c.requiredObject(doc, "endpoints", "Locust CI summary") })
	}
	c.membersDone()
	if f, ok := c.optNonNeg(doc, "error_rate", ""); ok {
		s.Add("Aggregated:error_rate", "ratio", snapshot.LowerIsBetter, f)
	}
	return c.result(s)
}

// locustEndpoint adds the metrics of one endpoint of a Locust CI summary.
func locustEndpoint(c *collector, s *snapshot.Snapshot, ep string, m map[string]any) {
	base := path("endpoints", ep)
	count, okC := c.optNonNeg(m, "count", base)
	got := map[string]float64{}
	for _, k := range []string{"p50", "p95", "p99", "mean", "min", "max"} {
		if f, ok := c.optNonNeg(m, k, base); ok {
			got[k] = f
		}
	}
	var ladder []quantilePoint
	for k, level := range map[string]float64{"min": 0, "p50": 0.5, "p95": 0.95, "p99": 0.99, "max": 1} {
		if f, ok := got[k]; ok {
			ladder = append(ladder, quantilePoint{level, f})
		}
	}
	for _, k := range []string{"p50", "p95", "p99", "mean", "min", "max"} {
		f, ok := got[k]
		if !ok {
			continue
		}
		mt := s.Add(ep+":"+k, "ms", snapshot.LowerIsBetter, f)
		mt.Info = k == "min" || k == "max"
		if q := map[string]float64{"p50": 0.5, "p95": 0.95, "p99": 0.99}[k]; q > 0 && okC && count >= 1 && count == math.Trunc(count) && count <= 1<<53 {
			setCI(mt, locustCI(q, f, int(count), ladder))
		}
	}
	fails, okF := c.optNonNeg(m, "failures", base)
	if okC && okF {
		m := s.Add(ep+":error_rate", "ratio", snapshot.LowerIsBetter, fails/math.Max(count, 1))
		if fails <= count {
			setCI(m, proportionCI(fails, count))
		}
	}
}

// locustLadder reads a _stats.csv row's quantile ladder: Min Response Time
// at level 0, every "N%" column at N/100, and Max Response Time at level 1
// (the 100% column stands in when there is no Max). get reads a column
// of the row (false when absent or N/A).
func locustLadder(header []string, get func(col string) (float64, bool)) []quantilePoint {
	var pts []quantilePoint
	f, haveMax := get("Max Response Time")
	if haveMax {
		pts = append(pts, quantilePoint{1, f})
	}
	if f, ok := get("Min Response Time"); ok {
		pts = append(pts, quantilePoint{0, f})
	}
	for _, h := range header {
		h = strings.TrimSpace(h)
		p, err := strconv.ParseFloat(strings.TrimSuffix(h, "%"), 64)
		if !strings.HasSuffix(h, "%") || err != nil || !(p > 0 && p <= 100) || p == 100 && haveMax {
			continue
		}
		if f, ok := get(h); ok {
			pts = append(pts, quantilePoint{p / 100, f})
		}
	}
	return pts
}

// locustCI is quantileCI widened by half of Locust's rounding resolution
// at each bound (Locust keeps response times rounded to 2 significant
// digits: whole ms below 100 ms, tens of ms below 1 s, …), within the
// exact min and max when the ladder has them.
func locustCI(q, value float64, n int, ladder []quantilePoint) *snapshot.Interval {
	ci := quantileCI(q, value, n, ladder)
	if ci == nil {
		return nil
	}
	lo, hi := ci.Lo-locustResolution(ci.Lo)/2, ci.Hi+locustResolution(ci.Hi)/2
	for _, p := range ladder {
		if p.Level == 0 {
			lo = math.Max(lo, p.Value)
		}
		if p.Level == 1 {
			hi = math.Min(hi, p.Value)
		}
	}
	ci.Lo, ci.Hi = math.Min(math.Max(lo, 0), value), math.Max(hi, value)
	return ci
}

// locustResolution is the bucket width of Locust's rounded response
// times around ms (stats.py: round(t) below 100, round(t, -1) below 1000,
// round(t, -2) below 10000, else round(t, -3)).
func locustResolution(ms float64) float64 {
	switch {
	case ms < 100:
		return 1
	case ms < 1000:
		return 10
	case ms < 10000:
		return 100
	}
	return 1000
}
