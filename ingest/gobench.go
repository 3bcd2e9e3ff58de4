package ingest

// Go benchmark text (format "gobench"): the output of `go test -bench`,
// with -count, -benchmem, several `pkg:` sections, b.ReportMetric units and
// `Unit <unit> better=higher|lower` metadata lines. It is read with
// golang.org/x/perf/benchfmt, streaming (the input is never held in memory
// as a whole), and units are tidied by benchfmt/benchunit as benchstat
// tidies them.
//
// Key: `<name>:<unit>`, the name as benchstat prints it (no "Benchmark"
// prefix, sub-benchmark parts and the -GOMAXPROCS suffix kept) and the
// tidied unit: ns/op -> sec/op, MB/s -> B/s, B/op, allocs/op, custom units
// kept (e.g. `Index-2:sec/op`, `Encode/small-2:B/op`, `LRU/size=64-2:hit-ratio`).
// Samples: one per result line, in input order (so -count=10 gives 10).
//
// Several `pkg:` sections: when the same name and unit occur in more than
// one package, each of those keys is prefixed with the package's last path
// element and a dot (`base64.EncodeToString-2:sec/op`), or with the whole
// import path when the last elements are equal too. Names that occur in a
// single package are never prefixed, so keys stay stable when a package is
// benchmarked alone.
//
// Direction: a `Unit <unit> better=higher|lower` line wins; otherwise by
// unit (snapshot.UnitDirection: sec/op, B/op, allocs/op lower is better, B/s
// higher is better, anything else two-sided).
//
// Errors are strict: every syntax error benchfmt reports (a result line
// with a bad iteration count, missing units, a bad number, conflicting unit
// metadata) fails the file, and all of them are listed as "file:line: why".
// A partially malformed file is therefore rejected as a whole rather than
// recorded with results silently missing.
//
// goos, goarch and cpu configuration lines become tags.
//
// Failed benchmarks are never dropped silently: `--- FAIL: BenchmarkX`
// (at the start of a line, or after the name `BenchmarkX-2` that go test
// prints before a run), a `panic:` or `fatal error:` line, and `FAIL pkg`
// make the parse return a *FailedError naming each failure (see goFailures)
// with the results that passed; `exit status N` and a lone `FAIL` belong to
// those signals and are reported on their own only when there is no other.
// The metrics of a failed benchmark are left out of that snapshot, even
// where some of its -count runs passed.
//
// A last line without a newline that is a result cut short (its last unit
// a prefix of a known unit, `1000 ns/o`, or fewer units than the same
// benchmark's earlier lines) is an error, "truncated line", not a result.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"maps"
	"math"
	pathpkg "path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/flameiq/git-flameiq/internal/chunks"
	"github.com/flameiq/git-flameiq/internal/posindex"
	"github.com/flameiq/git-flameiq/snapshot"
	"golang.org/x/perf/benchfmt"
)

func init() {
	register(Format{
		Name:     "gobench",
		Doc:      "Go benchmark text (go test -bench, benchstat input)",
		Detect:   detectGoBench,
		Parse:    parseGoBench,
		Priority: 10,
	})
}

var (
	// Compiled on first use: every process pays package initialisation,
	// and most never detect a format.
	goResultLine = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?m)^Benchmark\S*[ \t]+\d+[ \t]+\S+[ \t]+\S+`)
	})
	// A run whose benchmarks all failed has no result line, but go
	// test's failure lines.
	goConfigLine = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?m)^((pkg|goos|goarch|cpu): |--- FAIL: Benchmark|FAIL\t\S)`)
	})
)

func detectGoBench(head []byte, _ string) bool {
	return goResultLine().Match(head) || goConfigLine().Match(head)
}

func parseGoBench(r io.Reader, name string) (*snapshot.Snapshot, error) {
	r, o := unwrap(r)
	return parseGoStream(r, name, nil, nil, o)
}

type goKey struct{ pkg, name, unit string }

// parseGoStream parses Go benchmark text. lineOf, when set, maps a line of
// the text to the input line it came from (go test -json). fails, when
// set, is filled by the caller with the failures it found (go test -json's
// events); otherwise the failure signals of the text are read here. o are
// the parse's Options (Lean, Held).
//
// What the parse holds grows with the keys and samples (the text is
// streamed): a key is its entry in order, its name, a slot of the index,
// and its metric in the snapshot at the end; a sample is 16 bytes in flat
// and 8 in its bucket. The parse stops, an *Error, when that would pass
// FLAMEIQ_MAX_INPUT (streamBound): 250 MB of result lines of one sample
// each, 30 bytes a line, are 8.4 million keys.
func parseGoStream(r io.Reader, name string, lineOf func(int) int, fails *goFailures, o optReader) (s *snapshot.Snapshot, err error) {
	lean := o.lean
	bound, err := newStreamBound(name, o.held)
	if err != nil {
		return nil, err
	}
	defer func() { bound.done(s) }()
	pos := func(l int) int {
		if lineOf != nil {
			return lineOf(l)
		}
		return l
	}
	scan := &goTextScan{pos: pos, report: fails == nil}
	if fails == nil {
		fails = &goFailures{}
	}
	scan.f = fails
	// The line scan runs beside benchfmt on its own goroutine (a fifth of
	// a 200,000-line parse); under go test -json it stays inline, since
	// lineOf reads the converter's state as it goes.
	var tee io.Writer = scan
	if lineOf == nil {
		async := newAsyncWriter(scan)
		defer async.Close()
		tee = async
	}
	br := benchfmt.NewReader(io.TeeReader(r, tee), name)
	var (
		order goKeys // the keys in input order
		// Every sample with the position of its key in order, bucketed
		// by key at the end: chunks of one array, not one growing slice
		// per key (nor one slice copied each time it doubles).
		flat  chunks.List[goSample]
		index = newGoIndex()
		// The positions of the last result's values: a -count run repeats
		// a benchmark's line with the same units, which then need no
		// lookup (hashing three strings per sample was a third of a
		// 200,000-line parse).
		lastPkg, lastBench string
		lastAt, at         []int
		errs               Errors
		errLines           []int // the text line of each error (0: none)
		tags               map[string]string
		syntaxErr          = map[int]bool{}
		bench              string // the name of the last result
	)
	for br.Scan() {
		switch rec := br.Result().(type) {
		case *benchfmt.SyntaxError:
			errs = append(errs, &Error{File: name, Line: pos(rec.Line), Msg: rec.Msg})
			errLines = append(errLines, rec.Line)
			syntaxErr[rec.Line] = true
		case *benchfmt.Result:
			_, line := rec.Pos()
			if tags == nil {
				tags = map[string]string{}
				for _, k := range []string{"goos", "goarch", "cpu"} {
					if v := strings.TrimSpace(rec.GetConfig(k)); v != "" {
						tags[k] = v
					}
				}
			}
			pkg := "" // as rec.GetConfig("pkg"), without a new string per line
			if p, ok := rec.ConfigIndex("pkg"); ok {
				if pkg = lastPkg; string(rec.Config[p].Value) != lastPkg {
					pkg = string(rec.Config[p].Value)
				}
			}
			if string(rec.Name) != bench { // -count repeats a name: one string for its runs
				bench = string(rec.Name)
			}
			same := pkg == lastPkg && bench == lastBench
			at = at[:0]
			for j, v := range rec.Values {
				if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
					errs = append(errs, &Error{File: name, Line: pos(line), Msg: "non-finite measurement " + fmtNum(v.Value) + " " + v.Unit})
					errLines = append(errLines, 0)
					at = append(at, -1)
					continue
				}
				i := -1
				if same && j < len(lastAt) && lastAt[j] >= 0 && order.unit(lastAt[j]) == v.Unit {
					i = lastAt[j]
				} else {
					k := goKey{pkg, bench, v.Unit}
					if i = index.find(&order, k); i < 0 {
						i = order.len()
						order.add(k)
						index.add(&order)
						bound.spend(goKeyCost(lean) + int64(len(bench)))
					}
				}
				at = append(at, i)
				flat.Add(goSample{i, exactTidy(v.Value, v.OrigValue, v.OrigUnit)})
				bound.spend(goSampleCost)
			}
			lastPkg, lastBench = pkg, bench
			lastAt, at = at, lastAt
			if !bound.spend(0) {
				return nil, bound.tooBig(name, pos(line), fmt.Sprintf("%d keys and %d samples", order.len(), flat.Len()))
			}
		}
	}
	if err := br.Err(); err != nil {
		msg := err.Error()
		if errors.Is(err, bufio.ErrTooLong) {
			msg = "line too long (over 64 KiB)"
		}
		errs = append(errs, &Error{File: name, Msg: msg})
		errLines = append(errLines, 0)
	} else {
		if a, ok := tee.(*asyncWriter); ok {
			a.Close() // the scan has seen every line
		}
		scan.finish()
		if l := scan.truncated; l > 0 && !syntaxErr[l] {
			errs = append(errs, &Error{File: name, Line: pos(l), Msg: "truncated line: the input ends inside this result (no newline at the end)"})
			errLines = append(errLines, l)
		}
	}
	failures, failed := fails.resolve(name, order.all)
	if len(failures) > 0 {
		// A line that is a failure signal ("BenchmarkX-2 \tpanic: …") is
		// no syntax error; without a failure reported it stays one.
		kept := errs[:0]
		for i, e := range errs {
			if !fails.signal[errLines[i]] {
				kept = append(kept, e)
			}
		}
		errs = kept
	}
	if len(errs) > 0 {
		if len(errs) == 1 {
			return nil, errs[0]
		}
		return nil, errs
	}
	s = newSnapshot(lean && bound.built >= goLeanFrom)
	if len(tags) > 0 {
		s.Meta.Tags = tags
	}
	index = nil // garbage now, before the snapshot is made
	samples, start := goBuckets(&flat, order.len())
	flat = chunks.List[goSample]{}
	prefix := goPrefixes(order.all)
	units := br.Units()
	s.Grow(order.len())
	for i, k := range order.all {
		if failed[goBench{k.pkg, k.name}] {
			continue
		}
		dir := snapshot.UnitDirection(k.unit)
		if m := units.Get(k.unit, "better"); m != nil {
			switch m.Value {
			case "higher":
				dir = snapshot.HigherIsBetter
			case "lower":
				dir = snapshot.LowerIsBetter
			}
		}
		end := len(samples)
		if i+1 < len(start) {
			end = start[i+1]
		}
		s.Add(prefix[k]+k.name+":"+k.unit, k.unit, dir, samples[start[i]:end]...)
	}
	if len(failures) > 0 {
		fe := &FailedError{File: name, Failures: failures}
		if s.Len() > 0 {
			fe.Snapshot = s
		}
		return nil, fe
	}
	return s, nil
}

// goSample is one sample of the key at position key of a parse's keys.
type goSample struct {
	key int
	v   float64
}

// goBuckets returns the samples of each of n keys, in input order (a
// counting sort: two passes, one array): key i's are all from start[i] to
// start[i+1] (the end for the last).
func goBuckets(flat *chunks.List[goSample], n int) (all []float64, start []int) {
	start = make([]int, n)
	for _, s := range flat.All {
		start[s.key]++
	}
	for i := 1; i < n; i++ {
		start[i] += start[i-1] // the end of key i's bucket
	}
	all = make([]float64, flat.Len())
	for j := flat.Len() - 1; j >= 0; j-- { // from the last, each bucket back to its start
		s := flat.At(j)
		start[s.key]--
		all[start[s.key]] = s.v
	}
	return all, start
}

// Estimates for parseGoStream's bound: a key (its goRef, a slot of the
// index, its start in the buckets, and its metric: lean, or a Metric with
// its pointer, key and index slot; its name is added) and a sample (in
// flat, its bucket, and the snapshot). Lean, 8.4 million keys of one
// sample peaked at 0.86 GB: 102 bytes a key with the collector's headroom.
func goKeyCost(lean bool) int64 {
	if lean {
		return 24 + 8 + 8 + 28
	}
	return 24 + 8 + 8 + 120
}

const goSampleCost = 16 + 8 + 8

// goLeanFrom is how much a parse builds before it makes the lean snapshot
// a caller asks for: a lean snapshot saves little on go test's usual
// output (-count samples a key), and a record of 60,000 keys of 10
// samples took 10% longer with one (`TestLeanLikePlain` sets it to 0).
var goLeanFrom int64 = streamTight

// goKeys are a parse's keys in input order: each its name, and its
// package and unit as positions in tables of the few there are (24 bytes
// a key in chunks, where a []goKey took 48 and copied itself as it grew).
type goKeys struct {
	refs          chunks.List[goRef]
	pkgs, units   []string
	pkgAt, unitAt map[string]int32
}

type goRef struct {
	name      string
	pkg, unit int32
}

func (ks *goKeys) len() int { return ks.refs.Len() }

func (ks *goKeys) key(i int) goKey {
	r := ks.refs.At(i)
	return goKey{ks.pkgs[r.pkg], r.name, ks.units[r.unit]}
}

func (ks *goKeys) unit(i int) string { return ks.units[ks.refs.At(i).unit] }

func (ks *goKeys) add(k goKey) {
	ks.refs.Add(goRef{k.name, intern(&ks.pkgs, &ks.pkgAt, k.pkg), intern(&ks.units, &ks.unitAt, k.unit)})
}

// all yields the keys in input order.
func (ks *goKeys) all(yield func(int, goKey) bool) {
	for i := range ks.len() {
		if !yield(i, ks.key(i)) {
			return
		}
	}
}

// intern returns the position of v in list, appending it when new.
func intern(list *[]string, at *map[string]int32, v string) int32 {
	if i, ok := (*at)[v]; ok {
		return i
	}
	if *at == nil {
		*at = map[string]int32{}
	}
	(*at)[v] = int32(len(*list))
	*list = append(*list, v)
	return int32(len(*list) - 1)
}

// goIndex finds a key's position in order (a posindex.Table: 4 bytes a
// slot, where a map[goKey]int took about 100 bytes a key).
type goIndex struct {
	seed  maphash.Seed
	table *posindex.Table
}

func newGoIndex() *goIndex {
	return &goIndex{seed: maphash.MakeSeed(), table: posindex.New(64)}
}

func (x *goIndex) hash(k goKey) uint64 {
	var h maphash.Hash
	h.SetSeed(x.seed)
	h.WriteString(k.pkg)
	h.WriteByte(0)
	h.WriteString(k.name)
	h.WriteByte(0)
	h.WriteString(k.unit)
	return h.Sum64()
}

// find returns the position of k in order, or -1.
func (x *goIndex) find(order *goKeys, k goKey) int {
	p, _ := x.table.Find(x.hash(k), func(p int) bool { return order.key(p) == k })
	return p
}

// add indexes the last key of order, growing the table when it is three
// quarters full.
func (x *goIndex) add(order *goKeys) {
	n := order.len()
	if !x.table.Fits(n) {
		x.table = nil // garbage before the next is made
		x.table = posindex.New(2 * n)
		for p := range n - 1 {
			x.table.Put(x.hash(order.key(p)), p)
		}
	}
	x.table.Put(x.hash(order.key(n-1)), n-1)
}

// goPrefixes decides the package prefix of every key: empty unless the
// name and unit occur in several packages.
func goPrefixes(order iter.Seq2[int, goKey]) map[goKey]string {
	onePkg, pkg0 := true, ""
	for i, k := range order {
		if i == 0 {
			pkg0 = k.pkg
		}
		if onePkg = k.pkg == pkg0; !onePkg {
			break
		}
	}
	if onePkg {
		return nil
	}
	type nu struct{ name, unit string }
	// Most inputs have no name and unit in two packages: one map of the
	// first package of each, and the lists only for the others.
	first := map[nu]string{}
	var pkgs map[nu][]string
	for _, k := range order {
		n := nu{k.name, k.unit}
		p, seen := first[n]
		switch {
		case !seen:
			first[n] = k.pkg
		case pkgs[n] == nil:
			if pkgs == nil {
				pkgs = map[nu][]string{}
			}
			pkgs[n] = []string{p, k.pkg}
		default:
			pkgs[n] = append(pkgs[n], k.pkg)
		}
	}
	out := map[goKey]string{}
	for _, k := range order {
		ps := pkgs[nu{k.name, k.unit}]
		if len(ps) < 2 || k.pkg == "" {
			continue
		}
		short := pathpkg.Base(k.pkg)
		p := short
		for _, other := range ps {
			if other != k.pkg && pathpkg.Base(other) == short {
				p = k.pkg
			}
		}
		out[k] = p + "."
	}
	return out
}

// exactTidy undoes the rounding noise of a unit conversion by a power of
// ten: benchunit turns 19863 ns/op into 19863 × 1e-9 =
// 0.000019863000000000003 sec/op; 19863 / 1e9 is the double nearest to
// 0.000019863, which is what the input said. Other values pass through.
func exactTidy(val, orig float64, origUnit string) float64 {
	if origUnit == "" || orig == 0 || val == orig {
		return val
	}
	p := math.Round(math.Log10(val / orig))
	if p == 0 || math.Abs(p) > 18 {
		return val
	}
	scale := math.Pow(10, math.Abs(p)) // exact for |p| <= 22
	var exact float64
	if p < 0 {
		exact = orig / scale
	} else {
		exact = orig * scale
	}
	if math.Abs(exact-val) > 1e-12*math.Abs(val) {
		return val // not a power-of-ten conversion
	}
	return exact
}

// Failed benchmarks in Go output.
//
// A Failure's Name is the benchmark as the metric keys name it: no
// "Benchmark" prefix, the sub-benchmark path kept, and the -GOMAXPROCS
// suffix the results of the same package carry (`--- FAIL: BenchmarkFlaky`
// names no suffix; with results `LRU-2` beside it, the failure is
// `Flaky-2`), or the one of the name go test printed before the run
// (`BenchmarkFlaky-2`); the bare name when the suffix cannot be known
// (no other result, or results with several -cpu values). A parent's
// `--- FAIL: BenchmarkParse` that only follows its sub-benchmark's
// `--- FAIL: BenchmarkParse/large` is that failure, not another.
//
//	--- FAIL: BenchmarkX   the indented log lines around it (after it; before
//	                       it under -v) are the message
//	panic: …, fatal error: …
//	                       the benchmark that was running when go test made
//	                       that known (the -v name line, or the name printed
//	                       before the run); else the package a later
//	                       `FAIL pkg` names; else "panic"
//	FAIL pkg               the package, when no benchmark of it failed: the
//	                       message says why when it can ([build failed],
//	                       the failed tests, the exit status)
//	exit status N, FAIL    part of the failure above; alone, "exit status N"
//	                       (or the package, or "run", for a lone FAIL)

type goFailKind int

const (
	goBenchFail goFailKind = iota // --- FAIL: BenchmarkX, or a fail event
	goPanic                       // panic: / fatal error:
	goPkgFail                     // FAIL pkg, or the package's fail event
	goExit                        // exit status N
	goBareFail                    // FAIL
	goTestFail                    // --- FAIL: TestX (explains a package failure)
)

// goFail is one failure signal, before its name is resolved against the
// results.
type goFail struct {
	kind    goFailKind
	pkg     string // the package (pkg: section, or the FAIL line's)
	name    string // benchmark without "Benchmark"; the test for goTestFail
	running string // the benchmark running when it was seen, without "Benchmark"
	line    int    // input line
	msg     []string
	msgLen  int
	note    string // goPkgFail: "[build failed]"…; goExit: "exit status N"
}

// addMsg appends a log line to the message, keeping it short.
func (g *goFail) addMsg(l string) {
	if l = strings.TrimSpace(l); l == "" || g.msgLen > goMsgMax {
		return
	}
	g.msg = append(g.msg, l)
	g.msgLen += len(l) + 2
}

const goMsgMax = 200

// goMsg joins log lines with "; ", at most goMsgMax bytes (cut at a rune).
func goMsg(lines []string) string {
	m := strings.Join(lines, "; ")
	if len(m) <= goMsgMax {
		return m
	}
	cut := goMsgMax - len("…")
	for cut > 0 && !utf8.RuneStart(m[cut]) {
		cut--
	}
	return m[:cut] + "…"
}

// goFailures collects the failure signals of one input.
type goFailures struct {
	fails []*goFail
	// signal holds the text lines that are failure signals: a benchfmt
	// syntax error on one of them is not reported when failures are.
	signal map[int]bool
}

func (f *goFailures) add(g *goFail) *goFail {
	f.fails = append(f.fails, g)
	return g
}

func (f *goFailures) markSignal(line int) {
	if f.signal == nil {
		f.signal = map[int]bool{}
	}
	f.signal[line] = true
}

// goBench is a benchmark name within a package.
type goBench struct{ pkg, name string }

// resolve names the failures after the results (keys as parseGoStream
// makes them) and returns them in input order, with the benchmarks whose
// metrics must be left out.
func (f *goFailures) resolve(file string, order iter.Seq2[int, goKey]) ([]Failure, map[goBench]bool) {
	if len(f.fails) == 0 {
		return nil, nil
	}
	names := map[goBench]bool{}           // benchmarks with results
	procs := map[string]map[string]bool{} // package -> -N suffixes of its results
	allProcs := map[string]bool{}
	pkgsOf := map[string]map[string]bool{} // name -> packages with results of it
	for _, k := range order {
		names[goBench{k.pkg, k.name}] = true
		suf := goProcsSuffix(k.name)
		if procs[k.pkg] == nil {
			procs[k.pkg] = map[string]bool{}
		}
		procs[k.pkg][suf] = true
		allProcs[suf] = true
		if pkgsOf[k.name] == nil {
			pkgsOf[k.name] = map[string]bool{}
		}
		pkgsOf[k.name][k.pkg] = true
	}
	suffixOf := func(pkg string) (string, bool) {
		set := procs[pkg]
		if len(set) == 0 {
			set = allProcs
		}
		if len(set) != 1 {
			return "", false
		}
		for s := range set {
			return s, true
		}
		return "", false
	}
	// name resolves a benchmark name as go test printed it.
	name := func(pkg, raw, running string) string {
		if raw == "" {
			return "Benchmark" // func Benchmark(b *testing.B)
		}
		if rest, ok := strings.CutPrefix(running, raw+"-"); ok && goDigits(rest) {
			return running // the name printed before the run: BenchmarkFlaky-2
		}
		suf, ok := suffixOf(pkg)
		if !ok || suf == "" {
			return raw
		}
		if names[goBench{pkg, raw + suf}] || !strings.HasSuffix(raw, suf) {
			return raw + suf
		}
		return raw
	}
	// key adds the package prefix parseGoStream gives the name's keys when
	// the same name has results in another package.
	key := func(b goBench) string {
		ps := pkgsOf[b.name]
		if b.pkg == "" || len(ps) == 0 || len(ps) == 1 && ps[b.pkg] {
			return b.name
		}
		short := pathpkg.Base(b.pkg)
		for other := range ps {
			if other != b.pkg && pathpkg.Base(other) == short {
				return b.pkg + "." + b.name
			}
		}
		return short + "." + b.name
	}

	type out struct {
		Failure
		bench goBench
	}
	var res []out
	failed := map[goBench]bool{}
	pkgNamed := map[string]bool{} // packages with a failure named after a benchmark
	add := func(pkg, n string, line int, msg string, bench bool) {
		b := goBench{pkg, n}
		fl := Failure{Name: n, File: file, Line: line, Msg: msg, Run: !bench}
		if bench {
			fl.Name = key(b)
			failed[b] = true
			pkgNamed[pkg] = true
		}
		res = append(res, out{fl, b})
	}
	// Benchmark failures; a parent failing because a sub-benchmark failed
	// is that sub-benchmark's failure.
	for _, g := range f.fails {
		if g.kind != goBenchFail {
			continue
		}
		parent := false
		base := strings.TrimSuffix(g.name, goProcsSuffix(g.name))
		for _, o := range f.fails {
			if o.kind == goBenchFail && o.pkg == g.pkg && strings.HasPrefix(o.name, base+"/") {
				parent = true
				break
			}
		}
		if !parent {
			add(g.pkg, name(g.pkg, g.name, g.running), g.line, goMsg(g.msg), true)
		}
	}
	// Panics: the running benchmark, else the package its FAIL line names.
	pkgPanic := map[string]*goFail{}
	for _, g := range f.fails {
		if g.kind != goPanic {
			continue
		}
		if g.running != "" {
			add(g.pkg, name(g.pkg, g.running, ""), g.line, goMsg(g.msg), true)
			continue
		}
		if _, ok := pkgPanic[g.pkg]; !ok {
			pkgPanic[g.pkg] = g
		}
	}
	failedTests := map[string][]string{}
	exitOf := map[string]string{}
	for _, g := range f.fails {
		switch g.kind {
		case goTestFail:
			failedTests[g.pkg] = append(failedTests[g.pkg], g.name)
		case goExit:
			if _, ok := exitOf[g.pkg]; !ok {
				exitOf[g.pkg] = g.note
			}
		}
	}
	// Package failures, when no benchmark of the package was named.
	pkgDone := map[string]bool{}
	for _, g := range f.fails {
		if g.kind != goPkgFail || pkgDone[g.pkg] {
			continue
		}
		pkgDone[g.pkg] = true
		if p := pkgPanic[g.pkg]; p != nil {
			// A panic no benchmark name came with: the package's.
			delete(pkgPanic, g.pkg)
			add(g.pkg, goRun(g.pkg), p.line, goMsg(p.msg), false)
			continue
		}
		if pkgNamed[g.pkg] {
			continue
		}
		msg := g.note
		if msg == "" && len(failedTests[g.pkg]) > 0 {
			msg = "failed: " + strings.Join(failedTests[g.pkg], ", ")
		}
		if msg == "" {
			msg = exitOf[g.pkg]
		}
		add(g.pkg, goRun(g.pkg), g.line, goMsg([]string{msg}), false)
	}
	// A panic no FAIL line followed (a cut output).
	for _, g := range f.fails {
		if g.kind == goPanic && pkgPanic[g.pkg] == g {
			add(g.pkg, "panic", g.line, goMsg(g.msg), false)
		}
	}
	// exit status and a lone FAIL: only when nothing else was found.
	if len(res) == 0 {
		for _, g := range f.fails {
			if g.kind == goExit {
				add(g.pkg, g.note, g.line, "", false)
				break
			}
		}
	}
	if len(res) == 0 {
		for _, g := range f.fails {
			if g.kind == goBareFail || g.kind == goTestFail {
				n := goRun(g.pkg)
				msg := "the test binary reported FAIL"
				if ts := failedTests[g.pkg]; len(ts) > 0 {
					msg = "failed: " + strings.Join(ts, ", ")
				}
				add(g.pkg, n, g.line, msg, false)
				break
			}
		}
	}
	sort.SliceStable(res, func(i, j int) bool { return res[i].Line < res[j].Line })
	var fs []Failure
	seen := map[string]bool{}
	for _, o := range res {
		if !seen[o.Name] {
			seen[o.Name] = true
			fs = append(fs, o.Failure)
		}
	}
	return fs, failed
}

// goRun names a failure of a package: its import path, or "run" when
// the input does not say it.
func goRun(pkg string) string {
	if pkg == "" {
		return "run"
	}
	return pkg
}

// goProcsSuffix returns the -N GOMAXPROCS suffix of a benchmark name, or "".
func goProcsSuffix(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 || !goDigits(name[i+1:]) {
		return ""
	}
	return name[i:]
}

func goDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// goTextScan reads the lines of Go benchmark text as benchfmt reads them
// (it is the writer of a TeeReader), for the failure signals and the
// state that names them, and for a last line cut short.
type goTextScan struct {
	f      *goFailures
	report bool // record failures (not under go test -json: its events do)
	pos    func(int) int

	line int
	buf  []byte // the unfinished line (its first goLineMax bytes)
	over int    // bytes of the unfinished line beyond goLineMax

	pkg     string
	running string // the benchmark running, without "Benchmark"
	verbose bool   // -v: the name of a benchmark is printed before its runs
	owner   *goFail
	other   bool     // the indented lines belong to --- BENCH/SKIP/PASS
	pending []string // log lines of the running benchmark (-v)
	pendLen int

	// the last line without its newline, for the truncation check
	units     map[string]bool     // units of complete result lines, Unit lines
	unitsOf   map[string][]string // units of a benchmark's first result line
	truncated int                 // line of a result cut short
}

const goLineMax = 4096

func (s *goTextScan) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.keep(p)
			break
		}
		s.keep(p[:i])
		s.lineDone(false)
		p = p[i+1:]
	}
	return n, nil
}

func (s *goTextScan) keep(b []byte) {
	room := goLineMax - len(s.buf)
	if len(b) > room {
		s.over += len(b) - room
		b = b[:room]
	}
	s.buf = append(s.buf, b...)
}

// finish handles a last line without a newline.
func (s *goTextScan) finish() {
	if len(s.buf) > 0 || s.over > 0 {
		s.lineDone(true)
	}
}

func (s *goTextScan) lineDone(noEOL bool) {
	s.line++
	over := s.over > 0
	l := string(bytes.TrimSuffix(s.buf, []byte{'\r'}))
	s.buf, s.over = s.buf[:0], 0
	if over {
		return // too long for benchfmt: an error already
	}
	s.do(l, noEOL)
}

func (s *goTextScan) resetLog() {
	s.owner, s.other, s.pending, s.pendLen = nil, false, nil, 0
}

func (s *goTextScan) record(g *goFail) *goFail {
	if !s.report {
		return g
	}
	g.line = s.pos(s.line)
	if g.pkg == "" {
		g.pkg = s.pkg
	}
	return s.f.add(g)
}

func (s *goTextScan) do(l string, noEOL bool) {
	if strings.HasPrefix(l, "    ") { // t.Log / b.Fatal output
		switch {
		case s.owner != nil:
			s.owner.addMsg(l)
		case s.other:
		case s.pendLen <= goMsgMax:
			s.pending = append(s.pending, strings.TrimSpace(l))
			s.pendLen += len(l)
		}
		return
	}
	afterName := false
	if rest, ok := strings.CutPrefix(l, "Benchmark"); ok {
		name, after := rest, ""
		if i := strings.IndexAny(rest, " \t"); i >= 0 {
			name, after = rest[:i], strings.TrimLeft(rest[i:], " \t")
		}
		switch {
		case after == "":
			// -v prints the name when a benchmark starts; go test without
			// -v prints "BenchmarkX-2 \t" before each run.
			if !noEOL && name != "" && len(name) == len(rest) {
				s.verbose = true
			}
			s.running = name
			s.resetLog()
			return
		case after[0] >= '0' && after[0] <= '9':
			s.result(name, after, noEOL)
			if s.verbose {
				s.running = name // -v does not print the name again before the next -count run
			} else {
				s.running = ""
			}
			s.resetLog()
			return
		}
		// The name printed before a run, then what the run printed.
		s.running, l, afterName = name, after, true
	}
	switch {
	case strings.HasPrefix(l, "--- FAIL: "):
		n := strings.TrimSpace(l[len("--- FAIL: "):])
		if i := strings.IndexAny(n, " \t("); i >= 0 {
			n = n[:i]
		}
		if b, ok := strings.CutPrefix(n, "Benchmark"); ok {
			g := s.record(&goFail{kind: goBenchFail, name: b, running: s.running})
			for _, m := range s.pending {
				g.addMsg(m)
			}
			s.resetLog()
			s.owner = g
		} else {
			s.record(&goFail{kind: goTestFail, name: n})
			s.resetLog()
			s.other = true
		}
		s.running = ""
	case strings.HasPrefix(l, "--- "): // BENCH, SKIP, PASS: their log follows
		s.resetLog()
		s.other = true
		return
	case strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: "):
		msg := strings.TrimPrefix(l, "panic: ")
		s.record(&goFail{kind: goPanic, running: s.running, msg: []string{msg}, msgLen: len(msg)})
		s.resetLog()
		s.other = true
	case strings.HasPrefix(l, "FAIL\t") || strings.HasPrefix(l, "FAIL "):
		f := strings.Fields(l[len("FAIL"):])
		if len(f) == 0 {
			return
		}
		g := &goFail{kind: goPkgFail, pkg: f[0]}
		if i := strings.IndexByte(l, '['); i >= 0 {
			g.note = strings.TrimSpace(l[i:])
		}
		s.record(g)
		s.running = ""
		s.resetLog()
	case strings.TrimSpace(l) == "FAIL":
		s.record(&goFail{kind: goBareFail})
		s.resetLog()
	case strings.HasPrefix(l, "exit status "):
		s.record(&goFail{kind: goExit, note: strings.TrimSpace(l)})
		s.resetLog()
	case strings.HasPrefix(l, "pkg: "):
		s.pkg = strings.TrimSpace(l[len("pkg: "):])
		s.running = ""
		s.resetLog()
		return
	case strings.HasPrefix(l, "ok ") || strings.HasPrefix(l, "ok\t") || l == "PASS":
		s.running = ""
		s.resetLog()
		return
	case strings.HasPrefix(l, "Unit "):
		if f := strings.Fields(l); len(f) > 1 {
			s.unit(f[1])
		}
		return
	default:
		if afterName {
			return // a run that printed to stdout: benchfmt says what is wrong
		}
		s.owner, s.other = nil, false
		return
	}
	if afterName {
		s.f.markSignal(s.line)
	}
}

func (s *goTextScan) unit(u string) {
	if s.units == nil {
		s.units = map[string]bool{}
	}
	if len(s.units) < 1000 {
		s.units[u] = true
	}
}

// goStdUnits are the units go test itself writes.
var goStdUnits = []string{"ns/op", "B/op", "allocs/op", "MB/s"}

// result notes a result line's units; the last line without a newline is
// checked for having been cut short.
func (s *goTextScan) result(name, after string, noEOL bool) {
	if !noEOL {
		// Every line: its units, without splitting it into new strings.
		i := 0
		for f := range strings.FieldsSeq(after) {
			if i >= 2 && i%2 == 0 && !s.units[f] {
				s.unit(strings.Clone(f))
			}
			i++
		}
		if _, ok := s.unitsOf[name]; ok || len(s.unitsOf) >= 10000 {
			return
		}
	}
	f := strings.Fields(after)
	var units []string
	for i := 2; i < len(f); i += 2 {
		units = append(units, f[i])
	}
	if !noEOL {
		if s.unitsOf == nil {
			s.unitsOf = map[string][]string{}
		}
		s.unitsOf[name] = units
		return
	}
	if len(f)%2 == 0 || len(units) == 0 {
		return // a value without its unit: benchfmt's "missing units"
	}
	last := units[len(units)-1]
	known := func(u string) bool { return s.units[u] || slices.Contains(goStdUnits, u) }
	if !known(last) {
		for _, u := range append(slices.Collect(maps.Keys(s.units)), goStdUnits...) {
			if strings.HasPrefix(u, last) {
				s.truncated = s.line
				return
			}
		}
	}
	if prev, ok := s.unitsOf[name]; ok && len(units) < len(prev) && slices.Equal(units, prev[:len(units)]) {
		s.truncated = s.line
	}
}
