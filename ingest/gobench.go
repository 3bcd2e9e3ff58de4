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

import (
	"bufio"
	"errors"
	"io"
	"math"
	pathpkg "path"
	"regexp"
	"strings"
	"sync"

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
	goConfigLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^(pkg|goos|goarch|cpu): `) })
)

func detectGoBench(head []byte, _ string) bool {
	return goResultLine().Match(head) || goConfigLine().Match(head)
}

func parseGoBench(r io.Reader, name string) (*snapshot.Snapshot, error) {
	return parseGoStream(r, name, nil)
}

type goKey struct{ pkg, name, unit string }

// parseGoStream parses Go benchmark text. lineOf, when set, maps a line of
// the text to the input line it came from (go test -json).
func parseGoStream(r io.Reader, name string, lineOf func(int) int) (*snapshot.Snapshot, error) {
	pos := func(l int) int {
		if lineOf != nil {
			return lineOf(l)
		}
		return l
	}
	br := benchfmt.NewReader(r, name)
	var (
		order   []goKey
		samples = map[goKey][]float64{}
		errs    Errors
		tags    map[string]string
	)
	for br.Scan() {
		switch rec := br.Result().(type) {
		case *benchfmt.SyntaxError:
			errs = append(errs, &Error{File: name, Line: pos(rec.Line), Msg: rec.Msg})
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
			pkg := rec.GetConfig("pkg")
			bench := string(rec.Name)
			for _, v := range rec.Values {
				if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
					errs = append(errs, &Error{File: name, Line: pos(line), Msg: "non-finite measurement " + fmtNum(v.Value) + " " + v.Unit})
					continue
				}
				k := goKey{pkg, bench, v.Unit}
				if _, ok := samples[k]; !ok {
					order = append(order, k)
				}
				samples[k] = append(samples[k], exactTidy(v.Value, v.OrigValue, v.OrigUnit))
			}
		}
	}
	if err := br.Err(); err != nil {
		msg := err.Error()
		if errors.Is(err, bufio.ErrTooLong) {
			msg = "line too long (over 64 KiB)"
		}
		errs = append(errs, &Error{File: name, Msg: msg})
	}
	if len(errs) > 0 {
		if len(errs) == 1 {
			return nil, errs[0]
		}
		return nil, errs
	}
	s := &snapshot.Snapshot{}
	if len(tags) > 0 {
		s.Meta.Tags = tags
	}
	prefix := goPrefixes(order)
	units := br.Units()
	for _, k := range order {
		dir := snapshot.UnitDirection(k.unit)
		if m := units.Get(k.unit, "better"); m != nil {
			switch m.Value {
			case "higher":
				dir = snapshot.HigherIsBetter
			case "lower":
				dir = snapshot.LowerIsBetter
			}
		}
		s.Add(prefix[k]+k.name+":"+k.unit, k.unit, dir, samples[k]...)
	}
	return s, nil
}

// goPrefixes decides the package prefix of every key: empty unless the
// name and unit occur in several packages.
func goPrefixes(order []goKey) map[goKey]string {
	type nu struct{ name, unit string }
	pkgs := map[nu][]string{}
	for _, k := range order {
		pkgs[nu{k.name, k.unit}] = append(pkgs[nu{k.name, k.unit}], k.pkg)
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
