package ingest

// criterion.rs results (format "criterion"): the JSON files criterion
// writes under target/criterion/<benchmark>/{new,base}/, given either as a
// directory (target/criterion, or any directory below it) or as a single
// sample.json or estimates.json file.
//
//	key:     `<id>:sec/op`, id = full_id from the benchmark.json next to the
//	         data ("sum/256", "group/function/param"); without benchmark.json,
//	         the benchmark's directory relative to the directory given (or
//	         the directory name above new/ for a single file).
//	samples: new/sample.json: one per sample, times[i] / iters[i]
//	         nanoseconds converted to seconds per iteration; when there is no
//	         sample.json, the median point estimate of estimates.json (else
//	         the mean) as one sample. Lower is better.
//	throughput: a benchmark.json throughput {Bytes: n} adds `<id>:B/s`
//	         (n / time per iteration, per sample, higher is better);
//	         {Elements: n} adds `<id>:elem/s`.
//
// In a directory the new/ results are read (base/ only for a benchmark with
// no new/), change/ is ignored, and report/ is skipped. A change/estimates.json
// (relative changes, not times), sample.json with iters and times of
// different lengths, or a zero iteration count is an error.

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/flameiq/git-flameiq/snapshot"
)

func init() {
	register(Format{
		Name:     "criterion",
		Doc:      "criterion.rs target/criterion directory, sample.json or estimates.json",
		Detect:   detectCriterion,
		Parse:    parseCriterion,
		ParseDir: parseCriterionDir,
		Priority: 70,
	})
}

func detectCriterion(head []byte, _ string) bool {
	if !jsonHead(head, "{") {
		return false
	}
	return hasAll(head, "iters", "times") && !hasAll(head, "results") || hasAll(head, "confidence_interval", "point_estimate")
}

// criterionBench is what benchmark.json says about a benchmark.
type criterionBench struct {
	id         string
	bytes      float64
	elements   float64
	hasBytes   bool
	hasElement bool
}

func readCriterionBench(file string) (criterionBench, bool) {
	var cb criterionBench
	data, err := os.ReadFile(file)
	if err != nil {
		return cb, false
	}
	v, err := decodeJSON(data, file)
	if err != nil {
		return cb, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		return cb, false
	}
	c := &collector{file: file}
	cb.id, _ = c.str(m, "full_id", "")
	if tp, ok := m["throughput"].(map[string]any); ok {
		cb.bytes, cb.hasBytes = c.optNonNeg(tp, "Bytes", "throughput")
		if !cb.hasBytes {
			cb.bytes, cb.hasBytes = c.optNonNeg(tp, "BytesDecimal", "throughput")
		}
		cb.elements, cb.hasElement = c.optNonNeg(tp, "Elements", "throughput")
	}
	return cb, cb.id != ""
}

func parseCriterion(r io.Reader, name string) (*snapshot.Snapshot, error) {
	id := "benchmark"
	var cb criterionBench
	if name != "-" && name != "" {
		dir := filepath.Dir(name)
		if b, ok := readCriterionBench(filepath.Join(dir, "benchmark.json")); ok {
			cb, id = b, b.id
		} else if d := filepath.Base(dir); d == "new" || d == "base" {
			id = filepath.Base(filepath.Dir(dir))
		} else {
			id = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
		}
	}
	s := &snapshot.Snapshot{}
	if err := criterionFile(s, r, name, id, cb); err != nil {
		return nil, err
	}
	return s, nil
}

// criterionFile adds one sample.json or estimates.json to s.
func criterionFile(s *snapshot.Snapshot, r io.Reader, name, id string, cb criterionBench) error {
	c, doc, err := openJSON(r, name)
	if err != nil {
		return err
	}
	var secs []float64
	switch {
	case has(doc, "iters") || has(doc, "times"):
		iters, ok1 := c.numbers(doc["iters"], "iters")
		times, ok2 := c.numbers(doc["times"], "times")
		if !ok1 || !ok2 {
			return c.err()
		}
		if len(iters) != len(times) {
			c.fail("times", "%d times for %d iters: the lengths must match", len(times), len(iters))
			return c.err()
		}
		for i := range iters {
			if iters[i] <= 0 {
				c.fail(index("iters", i), "iteration count must be positive, got %s", fmtNum(iters[i]))
				continue
			}
			secs = append(secs, times[i]/iters[i]/1e9)
		}
	case has(doc, "std_dev") || has(doc, "median_abs_dev") || has(doc, "slope"):
		for _, k := range []string{"median", "mean"} {
			if est, ok := doc[k].(map[string]any); ok {
				if f, ok := c.nonNeg(est["point_estimate"], path(k, "point_estimate")); ok {
					secs = []float64{f / 1e9}
				}
				break
			}
		}
		if len(secs) == 0 && len(c.errs) == 0 {
			c.fail("median", "no median or mean point_estimate")
		}
	case has(doc, "mean") || has(doc, "median"):
		c.fail("", "this is criterion's change/estimates.json (relative changes between runs, not times); give the new/ results instead")
	default:
		c.fail("", "not a criterion sample.json or estimates.json (no iters/times or estimates)")
	}
	if err := c.err(); err != nil {
		return err
	}
	if len(secs) == 0 {
		return &Error{File: name, Msg: "no samples"}
	}
	s.Add(id+":sec/op", "sec/op", snapshot.LowerIsBetter, secs...)
	for _, t := range []struct {
		ok   bool
		n    float64
		unit string
	}{{cb.hasBytes, cb.bytes, "B/s"}, {cb.hasElement, cb.elements, "elem/s"}} {
		if !t.ok {
			continue
		}
		var rates []float64
		for _, x := range secs {
			if x > 0 {
				rates = append(rates, t.n/x)
			}
		}
		if len(rates) > 0 {
			s.Add(id+":"+t.unit, t.unit, snapshot.HigherIsBetter, rates...)
		}
	}
	return nil
}

func parseCriterionDir(dir string) (*snapshot.Snapshot, error) {
	// benchmark directory -> "new" or "base" results directory
	found := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return &Error{File: p, Msg: "cannot read: " + err.Error()}
		}
		if !d.IsDir() {
			return nil
		}
		switch d.Name() {
		case "report", "change":
			return fs.SkipDir
		case "new", "base":
			if !exists(filepath.Join(p, "sample.json")) && !exists(filepath.Join(p, "estimates.json")) {
				return nil
			}
			bench := filepath.Dir(p)
			if d.Name() == "new" || found[bench] == "" {
				found[bench] = p
			}
			return fs.SkipDir
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, &Error{File: dir, Msg: "no criterion results (<benchmark>/new/sample.json or estimates.json) in this directory"}
	}
	benches := make([]string, 0, len(found))
	for b := range found {
		benches = append(benches, b)
	}
	sort.Strings(benches)
	s := &snapshot.Snapshot{}
	var errs Errors
	for _, b := range benches {
		res := found[b]
		id, _ := filepath.Rel(dir, b)
		id = filepath.ToSlash(id)
		if id == "." {
			id = filepath.Base(b)
		}
		cb, ok := readCriterionBench(filepath.Join(res, "benchmark.json"))
		if ok {
			id = cb.id
		}
		file := filepath.Join(res, "sample.json")
		if !exists(file) {
			file = filepath.Join(res, "estimates.json")
		}
		fh, err := os.Open(file)
		if err != nil {
			errs = append(errs, &Error{File: file, Msg: "cannot read: " + err.Error()})
			continue
		}
		err = criterionFile(s, fh, file, id, cb)
		fh.Close()
		switch e := err.(type) {
		case nil:
		case *Error:
			errs = append(errs, e)
		case Errors:
			errs = append(errs, e...)
		default:
			errs = append(errs, &Error{File: file, Msg: err.Error()})
		}
	}
	if len(errs) == 1 {
		return nil, errs[0]
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return s, nil
}

func exists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
