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
//
// Console output (what `cargo bench` prints with criterion) is read too:
//
//	key:     `<id>:sec/op` from `<id>  time:   [lo est hi]` (an id longer
//	         than criterion's column is on the line before); `<id>:B/s` or
//	         `<id>:elem/s` from the `thrpt:` line after it (KiB/MiB/GiB/s
//	         and KB/MB/GB/s, Kelem/Melem/Gelem/s converted).
//	samples: one, the middle estimate, with the 95% interval [lo, hi] and
//	         the sample count of its "Collecting N samples" line. That
//	         estimate is criterion's (the slope, or the mean), not the
//	         median of the files, so compare console with console.
//	         `change:` lines (percentages) are not results.
//
// The files hold no failure signal (a benchmark that panicked has no new/
// results, or stale ones). In console output, `thread '…' panicked at` and
// cargo's `error: bench failed` / `error: process didn't exit
// successfully` are a *FailedError with what passed: named after the
// benchmark being run (a "Benchmarking <id>" line without its result yet),
// else the bench target of the last "Running … (target/…/deps/<name>-<hash>)"
// line, else "panic"; one failure per bench binary, the first signal's line
// and text (with the panic message of Rust ≥ 1.73's two-line form).

import (
	"bufio"
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

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

var criterionConsoleLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^Benchmarking \S.*: (Warming up|Collecting|Analyzing)|\btime:\s+\[[0-9.]+ (ps|ns|µs|μs|us|ms|s) `)
})

func detectCriterion(head []byte, _ string) bool {
	if !jsonHead(head, "{") {
		return !jsonHead(head, "[") && criterionConsoleLine().Match(head)
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
	br := bufio.NewReader(r)
	head, _ := br.Peek(4096)
	if t := bytes.TrimLeft(head, " \t\r\n"); len(t) > 0 && t[0] != '{' && t[0] != '[' {
		return parseCriterionConsole(br, name)
	}
	r = br
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

// criterionArray is sample.json's iters or times read one element at a
// time: the numbers, and the errors of the elements that are not.
type criterionArray struct {
	vals []float64
	errs Errors
}

// criterionWalk reads the top-level object of a criterion file with
// sample.json's iters and times (a number a sample, the bulk of the file)
// read straight into floats; every other member is decoded. It returns a
// nil doc when the top level is not an object or iters or times is not an
// array (the caller decodes the document whole to say so). doc holds iters
// and times as nil, so that has() sees them.
func criterionWalk(st *jsonStream, name string) (doc map[string]any, arrays map[string]*criterionArray) {
	doc, arrays = map[string]any{}, map[string]*criterionArray{}
	walked := true
	top := st.members(func(key string) {
		if key != "iters" && key != "times" {
			doc[key] = st.value()
			return
		}
		a := &criterionArray{}
		c := &collector{file: name}
		_, ok := st.elements(func(i int, v any) {
			if f, ok := c.nonNeg(v, index(key, i)); ok {
				a.vals = append(a.vals, f)
			}
			st.spend(sampleCost)
		})
		walked = walked && ok
		a.errs = c.errs
		doc[key], arrays[key] = nil, a
	})
	if !top || !walked || st.fail() != nil {
		return nil, nil
	}
	return doc, arrays
}

// criterionFile adds one sample.json or estimates.json to s.
func criterionFile(s *snapshot.Snapshot, r io.Reader, name, id string, cb criterionBench) error {
	st, err := openJSONStream(r, name)
	if err != nil {
		return err
	}
	defer st.done()
	c := &collector{file: name}
	doc, arrays := criterionWalk(st, name)
	if doc == nil {
		if st.err == errTooBig {
			return st.fail()
		}
		// Not an object, or iters or times not an array: decoded whole,
		// to say what it is.
		if doc, _ = c.object(st.whole(), ""); doc == nil {
			return c.err()
		}
	}
	numbers := func(key string) ([]float64, bool) {
		if a, ok := arrays[key]; ok {
			c.errs = append(c.errs, a.errs...)
			return a.vals, len(a.errs) == 0
		}
		return c.numbers(doc[key], key)
	}
	var secs []float64
	switch {
	case has(doc, "iters") || has(doc, "times"):
		iters, ok1 := numbers("iters")
		times, ok2 := numbers("times")
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

// criterionUnits converts criterion's console units: times to seconds,
// throughputs to B/s or elem/s.
// A time is divided by div (exact for the powers of ten, as exactTidy
// explains), a rate multiplied by scale.
var criterionUnits = map[string]struct {
	unit       string
	scale, div float64
}{
	"ps": {"sec/op", 1, 1e12}, "ns": {"sec/op", 1, 1e9}, "µs": {"sec/op", 1, 1e6}, "μs": {"sec/op", 1, 1e6},
	"us": {"sec/op", 1, 1e6}, "ms": {"sec/op", 1, 1e3}, "s": {"sec/op", 1, 1},
	"B/s": {"B/s", 1, 1}, "KiB/s": {"B/s", 1 << 10, 1}, "MiB/s": {"B/s", 1 << 20, 1}, "GiB/s": {"B/s", 1 << 30, 1}, "TiB/s": {"B/s", 1 << 40, 1},
	"KB/s": {"B/s", 1e3, 1}, "MB/s": {"B/s", 1e6, 1}, "GB/s": {"B/s", 1e9, 1}, "TB/s": {"B/s", 1e12, 1},
	"elem/s": {"elem/s", 1, 1}, "Kelem/s": {"elem/s", 1e3, 1}, "Melem/s": {"elem/s", 1e6, 1}, "Gelem/s": {"elem/s", 1e9, 1},
}

var (
	criterionBenching = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^Benchmarking (.+?)(?:: (Warming up|Collecting|Analyzing|Starting|Profiling|Complete)(.*))?$`)
	})
	criterionCollect   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^ (\d+) samples`) })
	criterionEstimate  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.*?)\b(time|thrpt):\s+\[([^\]]*)\]`) })
	criterionRunning   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*Running (?:.*\(([^()]*)\)|(\S+))\s*$`) })
	criterionTargetSfx = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`-[0-9a-f]{8,}$`) })
)

// parseCriterionConsole reads criterion's console output.
func parseCriterionConsole(r io.Reader, name string) (*snapshot.Snapshot, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	s := &snapshot.Snapshot{}
	var (
		errs     Errors
		failures []Failure
		line     int
		prev     string // the previous non-empty line
		benching string // "Benchmarking <id>" without its result yet
		last     string // id of the last time: line, for its thrpt:
		samples  = map[string]int{}
		target   string   // bench binary of the last Running line
		failedIn = -1     // failures index of this binary's failure
		await    *Failure // a panic whose message is on the next line
	)
	add := func(key, unit string, dir snapshot.Direction, mid, lo, hi float64, n int) {
		if m := s.Get(key); m != nil {
			m.Samples = append(m.Samples, mid)
			m.CI = nil // several samples: their statistics apply
			return
		}
		m := s.Add(key, unit, dir, mid)
		m.CI = &snapshot.Interval{Lo: lo, Hi: hi, N: n}
	}
	fail := func(msg string) *Failure {
		if failedIn >= 0 {
			return nil // the same binary's failure: cargo's error after the panic
		}
		n := benching
		if n == "" {
			n = target
		}
		if n == "" {
			n = "panic"
		}
		failures = append(failures, Failure{Name: n, File: name, Line: line, Msg: msg})
		failedIn = len(failures) - 1
		return &failures[failedIn]
	}
	for sc.Scan() {
		line++
		text := strings.TrimRight(strings.TrimSuffix(sc.Text(), "\r"), " \t")
		if await != nil {
			if t := strings.TrimSpace(text); t != "" && !strings.HasPrefix(t, "note: ") {
				failures[failedIn].Msg += " " + t
			}
			await = nil
		}
		trim := strings.TrimSpace(text)
		if trim == "" {
			continue
		}
		switch {
		case strings.HasPrefix(trim, "thread '") && strings.Contains(trim, "' panicked at"):
			if f := fail(trim); f != nil && strings.HasSuffix(trim, ":") {
				await = f // Rust ≥ 1.73: the message is on the next line
			}
		case strings.HasPrefix(trim, "error: bench failed") || strings.HasPrefix(trim, "error: process didn't exit successfully"):
			fail(trim)
		case criterionRunning().MatchString(text):
			m := criterionRunning().FindStringSubmatch(text)
			bin := m[1] + m[2] // cargo ≥ 1.52: "Running benches/x.rs (target/…/x-hash)"; before: "Running target/…/x-hash"
			target = criterionTargetSfx().ReplaceAllString(filepath.Base(filepath.FromSlash(strings.TrimSpace(bin))), "")
			if target == "." || target == string(filepath.Separator) {
				target = ""
			}
			benching, last, failedIn = "", "", -1
		case criterionBenching().MatchString(text):
			m := criterionBenching().FindStringSubmatch(text)
			benching = m[1]
			if m[2] == "Collecting" {
				if c := criterionCollect().FindStringSubmatch(m[3]); c != nil {
					samples[benching], _ = strconv.Atoi(c[1])
				}
			}
		case criterionEstimate().MatchString(text):
			m := criterionEstimate().FindStringSubmatch(text)
			if strings.Contains(m[3], "%") {
				break // a change: line's relative changes
			}
			f := strings.Fields(m[3])
			var v [3]float64
			unit := ""
			ok := len(f) == 6
			for i := 0; ok && i < 3; i++ {
				u, known := criterionUnits[f[2*i+1]]
				x, err := strconv.ParseFloat(f[2*i], 64)
				if !known || err != nil || x < 0 || (unit != "" && u.unit != unit) {
					ok = false
					break
				}
				v[i], unit = x*u.scale/u.div, u.unit
			}
			if !ok || (m[2] == "time") != (unit == "sec/op") {
				errs = append(errs, &Error{File: name, Line: line, Msg: "not a criterion estimate: " + strconv.Quote(trim)})
				break
			}
			if m[2] == "thrpt" {
				if last == "" {
					errs = append(errs, &Error{File: name, Line: line, Msg: "thrpt: line without a time: line before it"})
					break
				}
				add(last+":"+unit, unit, snapshot.HigherIsBetter, v[1], min(v[0], v[2]), max(v[0], v[2]), samples[last])
				break
			}
			id := strings.TrimSpace(m[1])
			if id == "" {
				id = prev // an id too long for the column is on its own line
				if id == "" || strings.HasPrefix(id, "Benchmarking ") || strings.Contains(id, ":") && criterionEstimate().MatchString(id) {
					id = benching
				}
			}
			if id == "" {
				errs = append(errs, &Error{File: name, Line: line, Msg: "time: line without a benchmark id"})
				break
			}
			add(id+":sec/op", "sec/op", snapshot.LowerIsBetter, v[1], v[0], v[2], samples[id])
			last, benching = id, ""
		}
		prev = trim
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, &Error{File: name, Line: line + 1, Msg: err.Error()})
	}
	switch {
	case len(errs) == 1:
		return nil, errs[0]
	case len(errs) > 1:
		return nil, errs
	case len(failures) > 0:
		fe := &FailedError{File: name, Failures: failures}
		if s.Len() > 0 {
			fe.Snapshot = s
		}
		return nil, fe
	}
	return s, nil
}
