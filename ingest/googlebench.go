package ingest

// Google Benchmark JSON (format "googlebench"): --benchmark_format=json or
// --benchmark_out=FILE.
//
//	`<run_name>:sec/op`      real_time, converted from time_unit (ns, us, ms, s)
//	`<run_name>:cpu-sec/op`  cpu_time, converted the same way
//	`<run_name>:B/s`         bytes_per_second (higher is better)
//	`<run_name>:items/s`     items_per_second (higher is better)
//	`<run_name>:<counter>`   any other user counter; higher is better when
//	                         its name ends in _per_second, _rate or /s,
//	                         otherwise two-sided
//
// run_name is the benchmark name with its arguments (BM_StringCopy/64,
// .../threads:2, ...). Samples: one per iteration row (run_type
// "iteration", i.e. per repetition). A benchmark that has only aggregate
// rows (--benchmark_report_aggregates_only) uses its median aggregate, or
// the mean when there is no median, as one sample; stddev, cv and other
// aggregates are not metrics.
//
// Errored or skipped runs (error_occurred: true, SkipWithError or
// SkipWithMessage) produce no metric; they are listed in the tag
// "skipped" as "name: message". A file where every benchmark errored is an
// error naming each. An unknown time_unit, a negative time or iteration
// count, or a value of the wrong type is an error naming the field.

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/flameiq/git-flameiq/snapshot"
)

func init() {
	register(Format{
		Name:     "googlebench",
		Doc:      "Google Benchmark JSON (--benchmark_format=json)",
		Detect:   detectGoogleBench,
		Parse:    parseGoogleBench,
		Priority: 80,
	})
}

func detectGoogleBench(head []byte, _ string) bool {
	return jsonHead(head, "{") && hasAll(head, "benchmarks") && (hasAll(head, "run_type") || hasAll(head, "context", "real_time"))
}

var gbTimeUnits = map[string]float64{"ns": 1e9, "us": 1e6, "ms": 1e3, "s": 1} // divisors to seconds (division by a power of ten adds no rounding noise)

// gbKnown are the row fields that are not counters.
var gbKnown = map[string]bool{
	"name": true, "family_index": true, "per_family_instance_index": true, "run_name": true, "run_type": true,
	"repetitions": true, "repetition_index": true, "threads": true, "iterations": true, "real_time": true,
	"cpu_time": true, "time_unit": true, "aggregate_name": true, "aggregate_unit": true, "error_occurred": true,
	"error_message": true, "label": true, "big_o": true, "rms": true, "complexity_n": true, "skipped": true,
	"skip_message": true, "manual_time": true,
}

type gbValue struct {
	suffix, unit string
	dir          snapshot.Direction
	v            float64
}

type gbRun struct {
	iter [][]gbValue          // one entry per iteration row
	agg  map[string][]gbValue // aggregate name -> values
}

func parseGoogleBench(r io.Reader, name string) (*snapshot.Snapshot, error) {
	st, err := openJSONStream(r, name)
	if err != nil {
		return nil, err
	}
	defer st.done()
	s := st.snapshot()
	var order []string
	runs := map[string]*gbRun{}
	var skipped []string
	skippedSeen := map[string]bool{}
	values := 0 // kept so far, for jsonStream.spend
	row := func(c *collector, base string, row map[string]any) {
		bname, ok := c.str(row, "name", base)
		if !ok {
			c.fail(path(base, "name"), "missing")
			return
		}
		run := bname
		if rn, ok := c.str(row, "run_name", base); ok && rn != "" {
			run = rn
		}
		if e, ok := row["error_occurred"].(bool); ok && e || row["skipped"] == true {
			msg, _ := c.str(row, "error_message", base)
			if msg == "" {
				msg, _ = c.str(row, "skip_message", base)
			}
			if !skippedSeen[run] {
				skippedSeen[run] = true
				skipped = append(skipped, run+": "+msg)
			}
			return
		}
		bad := len(c.errs)
		divisor := 1e9
		if tu, ok := c.str(row, "time_unit", base); ok {
			f, known := gbTimeUnits[tu]
			if !known {
				c.fail(path(base, "time_unit"), "unknown time unit %q (want ns, us, ms or s)", tu)
			} else {
				divisor = f
			}
		}
		if it, ok := row["iterations"]; ok {
			c.nonNeg(it, path(base, "iterations"))
		}
		real, okR := c.nonNeg(row["real_time"], path(base, "real_time"))
		cpu, okC := c.nonNeg(row["cpu_time"], path(base, "cpu_time"))
		vals := []gbValue{}
		if okR && okC {
			vals = append(vals, gbValue{"sec/op", "sec/op", snapshot.LowerIsBetter, real / divisor},
				gbValue{"cpu-sec/op", "cpu-sec/op", snapshot.LowerIsBetter, cpu / divisor})
		}
		for _, k := range sortedKeys(row) {
			if gbKnown[k] {
				continue
			}
			x, isNum := c.number(row[k], path(base, k))
			if !isNum {
				continue
			}
			switch {
			case k == "bytes_per_second":
				vals = append(vals, gbValue{"B/s", "B/s", snapshot.HigherIsBetter, x})
			case k == "items_per_second":
				vals = append(vals, gbValue{"items/s", "items/s", snapshot.HigherIsBetter, x})
			case strings.HasSuffix(k, "_per_second"), strings.HasSuffix(k, "_rate"), strings.HasSuffix(k, "/s"):
				vals = append(vals, gbValue{k, k, snapshot.HigherIsBetter, x})
			default:
				vals = append(vals, gbValue{k, k, snapshot.TwoSided, x})
			}
		}
		if len(c.errs) > bad {
			return
		}
		gr := runs[run]
		if gr == nil {
			gr = &gbRun{agg: map[string][]gbValue{}}
			runs[run] = gr
			order = append(order, run)
		}
		values += len(vals)
		rt, _ := c.str(row, "run_type", base)
		if rt == "aggregate" {
			an, _ := c.str(row, "aggregate_name", base)
			if au, _ := c.str(row, "aggregate_unit", base); au == "" || au == "time" {
				gr.agg[an] = vals
			}
			return
		}
		gr.iter = append(gr.iter, vals)
	}
	// One row decoded at a time (jsonStream); their errors follow those of
	// the context, as in the document decoded whole.
	c, cr := &collector{file: name}, &collector{file: name}
	doc, _, walked := st.object("benchmarks", func(i int, v any) {
		base := index("benchmarks", i)
		if m, ok := cr.object(v, base); ok {
			before := values
			row(cr, base, m)
			st.spend(keyedMetricCost * (values - before)) // the row's values, then their metrics
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
	if ctx, ok := doc["context"].(map[string]any); ok {
		if d, ok := c.str(ctx, "date", "context"); ok && validTimestamp(d) {
			s.Meta.Timestamp = d
		}
		// The machine it ran on (never host_name): its CPU count becomes
		// the cpus tag, which the record's fingerprint takes.
		if n, ok := ctx["num_cpus"].(json.Number); ok {
			if v, err := strconv.Atoi(string(n)); err == nil && v >= 1 {
				s.Meta.Tags = map[string]string{"cpus": strconv.Itoa(v)}
			}
		}
	}
	if !walked {
		c.requiredArray(doc, "benchmarks", "Google Benchmark result")
		return nil, c.err()
	}
	c.errs = append(c.errs, cr.errs...)
	if err := c.err(); err != nil {
		return nil, err
	}
	for _, run := range order {
		gr := runs[run]
		rowsOf := gr.iter
		if len(rowsOf) == 0 {
			if m, ok := gr.agg["median"]; ok {
				rowsOf = [][]gbValue{m}
			} else if m, ok := gr.agg["mean"]; ok {
				rowsOf = [][]gbValue{m}
			}
		}
		for _, vals := range rowsOf {
			for _, gv := range vals {
				s.Add(run+":"+gv.suffix, gv.unit, gv.dir, gv.v)
			}
		}
	}
	if len(skipped) > 0 {
		if s.Len() == 0 {
			for _, m := range skipped {
				c.fail("benchmarks", "benchmark errored or was skipped: %s", m)
			}
			return nil, c.err()
		}
		s.Meta.SetTag("skipped", strings.Join(skipped, "; "))
	}
	return s, nil
}
