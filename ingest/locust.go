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
// A percentile of "N/A" (no requests) is left out. The other CSV files
// (_stats_history, _failures, _exceptions) are not stats files and are
// not detected.
//
// "locust-json": the CI summary written by the locustfile of the "Locust in
// CI" article: endpoints{name:{count, failures, p50, p95, p99, mean, min,
// max}} and error_rate. Keys `<name>:p50`, `:p95`, `:p99`, `:mean`, `:min`,
// `:max` (ms, lower is better), `<name>:error_rate` = failures / count as the
// article computes it, and the top-level error_rate as
// `Aggregated:error_rate`.

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

func parseLocustCSV(r io.Reader, name string) (*snapshot.Snapshot, error) {
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
	s := &snapshot.Snapshot{}
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
		}{
			{"p50", "ms", snapshot.LowerIsBetter, "50%"},
			{"p95", "ms", snapshot.LowerIsBetter, "95%"},
			{"p99", "ms", snapshot.LowerIsBetter, "99%"},
			{"mean", "ms", snapshot.LowerIsBetter, "Average Response Time"},
			{"req/s", "req/s", snapshot.HigherIsBetter, "Requests/s"},
		}
		type kv struct {
			key, unit string
			dir       snapshot.Direction
			v         float64
		}
		var out []kv
		for _, v := range vals {
			if f, ok := get(v.col, true); ok {
				out = append(out, kv{endpoint + ":" + v.k, v.unit, v.dir, f})
			}
		}
		if reqs > 0 {
			out = append(out, kv{endpoint + ":error_rate", "ratio", snapshot.LowerIsBetter, fails / reqs})
		}
		if len(errs) > bad {
			continue
		}
		for _, o := range out {
			s.Add(o.key, o.unit, o.dir, o.v)
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
	c, doc, err := openJSON(r, name)
	if err != nil {
		return nil, err
	}
	eps, ok := c.requiredObject(doc, "endpoints", "Locust CI summary")
	if !ok {
		return nil, c.err()
	}
	s := &snapshot.Snapshot{}
	for ep, m := range c.members(eps, "endpoints") {
		base := path("endpoints", ep)
		for _, k := range []string{"p50", "p95", "p99", "mean", "min", "max"} {
			if f, ok := c.optNonNeg(m, k, base); ok {
				s.Add(ep+":"+k, "ms", snapshot.LowerIsBetter, f)
			}
		}
		count, okC := c.optNonNeg(m, "count", base)
		fails, okF := c.optNonNeg(m, "failures", base)
		if okC && okF {
			s.Add(ep+":error_rate", "ratio", snapshot.LowerIsBetter, fails/math.Max(count, 1))
		}
	}
	if f, ok := c.optNonNeg(doc, "error_rate", ""); ok {
		s.Add("Aggregated:error_rate", "ratio", snapshot.LowerIsBetter, f)
	}
	return c.result(s)
}
