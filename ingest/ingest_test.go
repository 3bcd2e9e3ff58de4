package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/snapshot"

	golden_ "github.com/flameiq/git-flameiq/internal/golden"
)

// corpus is the shared benchmark-input corpus (see its MANIFEST.md).
const corpus = "../testdata/corpus"

// corpusRule maps corpus files to the format they must be detected as.
// Files no rule matches are other tools' formats we do not read (catch2,
// julia, k6 raw NDJSON …) or reference outputs (benchstat.txt,
// flameiq-compare.json).
type corpusRule struct {
	format string
	match  func(rel string) bool
}

func under(dir string, ok func(base string) bool) func(string) bool {
	return func(rel string) bool {
		return strings.HasPrefix(rel, dir+"/") && ok(filepath.Base(rel))
	}
}

func suffix(s string) func(string) bool {
	return func(b string) bool { return strings.HasSuffix(b, s) }
}

var corpusRules = []corpusRule{
	{"flameiq", under("flameiq-v1", func(b string) bool { return b != "flameiq-compare.json" })},
	{"gobench", under("go-text", func(b string) bool { return b != "benchstat.txt" })},
	{"gojson", under("go-json", suffix(".jsonl"))},
	{"pytest-benchmark", under("pytest-benchmark", suffix(".json"))},
	{"hyperfine", under("hyperfine", suffix(".json"))},
	{"googlebench", under("googlebench", suffix(".json"))},
	{"locust", under("locust", suffix("_stats.csv"))},
	{"locust-history", under("locust", suffix("_stats_history.csv"))},
	{"k6", under("k6", suffix("summary.json"))},
	{"k6", under("k6", suffix("summary-export.json"))},
	{"criterion", func(rel string) bool {
		b := filepath.Base(rel)
		d := filepath.Base(filepath.Dir(rel))
		return strings.HasPrefix(rel, "criterion/runs/") && (d == "new" || d == "base") && (b == "sample.json" || b == "estimates.json")
	}},
	// criterion's console output (gab-criterion_output.txt is libtest's
	// bencher format, which is not read).
	{"criterion", func(rel string) bool {
		b := filepath.Base(rel)
		return strings.HasPrefix(rel, "criterion/") && strings.HasSuffix(b, ".txt") && b != "gab-criterion_output.txt"
	}},
	{"jmh", under("jmh", suffix(".json"))},
	{"benchmarkdotnet", under("benchmarkdotnet", suffix(".json"))},
	{"bmf", under("bencher-bmf", suffix(".json"))},
	{"cargo-bench", under("cargo-bench", suffix(".txt"))},
	{"benchmarkjs", under("benchmarkjs", suffix(".txt"))},
}

type corpusFile struct{ rel, format string }

func corpusFiles(t testing.TB) []corpusFile {
	t.Helper()
	var out []corpusFile
	err := filepath.WalkDir(corpus, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(corpus, p)
		rel = filepath.ToSlash(rel)
		for _, r := range corpusRules {
			if r.match(rel) {
				if _, ok := lookup(r.format); ok {
					out = append(out, corpusFile{rel, r.format})
				}
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("corpus not found at %s: %v", corpus, err)
	}
	return out
}

// dump is the stable text form of a snapshot used by the golden files.
func dump(s *snapshot.Snapshot) string {
	var b strings.Builder
	fmt.Fprintf(&b, "format: %s\n", s.Meta.Format)
	for _, kv := range [][2]string{{"commit", s.Meta.Commit}, {"branch", s.Meta.Branch}, {"environment", s.Meta.Environment}, {"timestamp", s.Meta.Timestamp}} {
		if kv[1] != "" {
			fmt.Fprintf(&b, "%s: %s\n", kv[0], kv[1])
		}
	}
	for _, k := range sortedKeys(s.Meta.Tags) {
		fmt.Fprintf(&b, "tag %s=%s\n", k, s.Meta.Tags[k])
	}
	if len(s.Meta.Failed) > 0 {
		fmt.Fprintf(&b, "failed: %s\n", strings.Join(s.Meta.Failed, ", "))
	}
	fmt.Fprintf(&b, "metrics: %d\n", len(s.Metrics))
	for _, m := range s.Metrics {
		fmt.Fprintf(&b, "%s\tunit=%s\t%s\tn=%d\tmedian=%.6g\n", m.Key, m.Unit, m.Direction, len(m.Samples), m.Value())
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	golden_.Check(t, filepath.Join("testdata", "golden", name+".golden"), []byte(got))
}

// lineDiff is a small line-by-line difference, enough to read a mismatch.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := max(len(w), len(g))
	shown := 0
	for i := 0; i < n && shown < 20; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n-%s\n+%s\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}

// checkSane verifies the invariants every successful parse must hold.
func checkSane(t testing.TB, s *snapshot.Snapshot) {
	t.Helper()
	if len(s.Metrics) == 0 {
		t.Fatalf("no metrics")
	}
	seen := map[string]bool{}
	for _, m := range s.Metrics {
		if m.Key == "" {
			t.Errorf("empty key")
		}
		if seen[m.Key] {
			t.Errorf("duplicate key %q", m.Key)
		}
		seen[m.Key] = true
		if len(m.Samples) == 0 {
			t.Errorf("%s: no samples", m.Key)
		}
		for _, x := range m.Samples {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Errorf("%s: non-finite sample %v", m.Key, x)
			}
		}
	}
}

// checkInputError verifies err is an input error naming the file.
func checkInputError(t testing.TB, err error, name string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error")
	}
	var e *Error
	var es Errors
	switch {
	case errors.As(err, &es):
		if len(es) == 0 {
			t.Fatalf("empty Errors")
		}
		for _, x := range es {
			if x.File != name {
				t.Errorf("error names %q, want %q: %v", x.File, name, x)
			}
		}
	case errors.As(err, &e):
		if e.File != name {
			t.Errorf("error names %q, want %q: %v", e.File, name, e)
		}
	default:
		t.Fatalf("error %T is not *ingest.Error or ingest.Errors: %v", err, err)
	}
	if !strings.Contains(err.Error(), name) {
		t.Errorf("message does not name the file: %v", err)
	}
}

func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	perFormat := map[string]int{}
	for _, cf := range files {
		t.Run(cf.rel, func(t *testing.T) {
			p := filepath.Join(corpus, cf.rel)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := Detect(head(data), p); got != cf.format {
				t.Errorf("detected %q, want %q", got, cf.format)
			}
			failed, isFailed := corpusFailed[cf.rel]
			s, err := ParseFileWith(p, Options{})
			if isFailed {
				s = wantFailed(t, err, p, failed...)
			} else if err != nil {
				t.Fatalf("auto-detect parse: %v", err)
			}
			checkSane(t, s)
			if s.Meta.Format != cf.format {
				t.Errorf("format %q, want %q", s.Meta.Format, cf.format)
			}
			s2, err := ParseFileWith(p, Options{Format: cf.format})
			if isFailed {
				s2 = wantFailed(t, err, p, failed...)
			} else if err != nil {
				t.Fatalf("--format %s: %v", cf.format, err)
			}
			s2.Meta.Source = s.Meta.Source
			if dump(s) != dump(s2) {
				t.Errorf("forced format gives a different snapshot")
			}
			perFormat[cf.format]++
			golden(t, strings.ReplaceAll(cf.rel, "/", "__"), dump(s))
		})
	}
	for _, f := range Names() {
		t.Logf("%-18s %d corpus files", f, perFormat[f])
	}
}

func head(data []byte) []byte {
	if len(data) > peekSize {
		return data[:peekSize]
	}
	return data
}

// acceptedMalformed are files under corpus/malformed that MANIFEST.md labels
// as valid edge cases we accept.
var acceptedMalformed = map[string]string{
	"go-text/crlf.txt":       "VALID EDGE CASE: Windows line endings",
	"go-text/large-5mb.txt":  "VALID STRESS INPUT: parsed streaming",
	"generic/utf16-bom.json": "EDGE CASE: UTF-16 with a byte order mark is decoded",
}

func TestMalformed(t *testing.T) {
	root := filepath.Join(corpus, "malformed")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		t.Run(rel, func(t *testing.T) {
			if _, ok := lookup("hyperfine"); !ok && strings.HasSuffix(rel, "utf16-bom.json") {
				t.Skip("hyperfine not registered")
			}
			s, err := ParseFileWith(p, Options{})
			if why, ok := acceptedMalformed[rel]; ok {
				if err != nil {
					t.Fatalf("%s: %v", why, err)
				}
				checkSane(t, s)
				return
			}
			if err == nil {
				t.Fatalf("accepted, %d metrics:\n%s", len(s.Metrics), dump(s))
			}
			checkInputError(t, err, p)
			t.Logf("%v", err)
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCRLFSameAsLF(t *testing.T) {
	a, err := ParseFileWith(filepath.Join(corpus, "go-text/strconv-benchmem.txt"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseFileWith(filepath.Join(corpus, "malformed/go-text/crlf.txt"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	a.Meta.Source, b.Meta.Source = "", ""
	if dump(a) != dump(b) {
		t.Errorf("CRLF file differs:\n%s", lineDiff(dump(a), dump(b)))
	}
	n := 0
	for _, m := range b.Metrics {
		if strings.HasSuffix(m.Key, ":sec/op") {
			n += len(m.Samples)
		}
	}
	if n != 40 {
		t.Errorf("%d sec/op results, MANIFEST says 40", n)
	}
}

func TestUTF16SameAsUTF8(t *testing.T) {
	a, err := ParseFileWith(filepath.Join(corpus, "hyperfine/hf-compare-2cmd.json"), Options{})
	if err != nil {
		t.Skip(err)
	}
	b, err := ParseFileWith(filepath.Join(corpus, "malformed/generic/utf16-bom.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	a.Meta.Source, b.Meta.Source = "", ""
	if dump(a) != dump(b) {
		t.Errorf("UTF-16 file differs:\n%s", lineDiff(dump(a), dump(b)))
	}
}

func TestEmptyInput(t *testing.T) {
	for _, f := range append(Names(), "") {
		_, err := Parse(bytes.NewReader(nil), "empty.txt", f)
		checkInputError(t, err, "empty.txt")
	}
}

func TestUnknownFormat(t *testing.T) {
	_, err := Parse(strings.NewReader("x"), "x", "nope")
	if !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("got %v", err)
	}
}

// fuzzParse is the body of every FuzzParse<Format> target: seeds from the
// corpus files of that format (and the malformed ones); no panic, errors
// are input errors, successes are sane.
func fuzzParse(f *testing.F, format string) {
	for _, cf := range corpusFiles(f) {
		if cf.format != format {
			continue
		}
		data, err := os.ReadFile(filepath.Join(corpus, cf.rel))
		if err != nil {
			f.Fatal(err)
		}
		if len(data) > 256<<10 {
			continue
		}
		f.Add(data)
	}
	_ = filepath.WalkDir(filepath.Join(corpus, "malformed"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data, err := os.ReadFile(p); err == nil && len(data) < 256<<10 {
				f.Add(data)
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(bytes.NewReader(data), "fuzz.in", format)
		var fe *FailedError
		switch {
		case errors.As(err, &fe):
			checkFailed(t, fe, "fuzz.in") // failed benchmarks: an allowed outcome
		case err != nil:
			checkInputError(t, err, "fuzz.in")
		default:
			checkSane(t, s)
		}
	})
}

func FuzzParseFlameIQ(f *testing.F) { fuzzParse(f, "flameiq") }
func FuzzParseGoBench(f *testing.F) { fuzzParse(f, "gobench") }
func FuzzParseGoJSON(f *testing.F)  { fuzzParse(f, "gojson") }

func FuzzParsePytest(f *testing.F)          { fuzzParse(f, "pytest-benchmark") }
func FuzzParseHyperfine(f *testing.F)       { fuzzParse(f, "hyperfine") }
func FuzzParseGoogleBench(f *testing.F)     { fuzzParse(f, "googlebench") }
func FuzzParseLocust(f *testing.F)          { fuzzParse(f, "locust") }
func FuzzParseK6(f *testing.F)              { fuzzParse(f, "k6") }
func FuzzParseJMH(f *testing.F)             { fuzzParse(f, "jmh") }
func FuzzParseBenchmarkDotNet(f *testing.F) { fuzzParse(f, "benchmarkdotnet") }
func FuzzParseBMF(f *testing.F)             { fuzzParse(f, "bmf") }

// k6's raw --out json stream is not a summary: say so instead of a JSON
// syntax error from whichever format it resembles.
func TestK6RawExplained(t *testing.T) {
	_, err := ParseFileWith(filepath.Join(corpus, "k6", "raw-1s.ndjson"), Options{})
	if err == nil || !strings.Contains(err.Error(), "k6 raw output") || !strings.Contains(err.Error(), "--summary-export") {
		t.Fatalf("err = %v", err)
	}
	var ie *Error
	if !errors.As(err, &ie) {
		t.Fatalf("err is %T, want *ingest.Error", err)
	}
}

// TestParseFileDirectory: a directory is read whole only by a format that
// reads directories; anything else says what to give instead.
func TestParseFileDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bench.txt"), []byte("BenchmarkX-2 10 5 ns/op\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		format, want string
	}{
		{"", dir + ": is a directory: give the results files in it (a directory is read whole only as criterion output, and no criterion results"},
		{"gobench", dir + ": is a directory, and format gobench does not read directories"},
		{"criterion", "no criterion results"},
	} {
		_, err := ParseFileWith(dir, Options{Format: tc.format})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseFileWith(dir, %q) = %v, want an error containing %q", tc.format, err, tc.want)
		}
		checkInputError(t, err, dir)
	}
}

// TestGoogleBenchMachine: the context's CPU count reaches the snapshot (as
// the cpus tag, for the record's machine fingerprint); its host_name never
// does.
func TestGoogleBenchMachine(t *testing.T) {
	f, err := os.Open(filepath.Join(corpus, "googlebench", "gab-googlecpp_output.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := Parse(f, "gab-googlecpp_output.json", "googlebench")
	if err != nil {
		t.Fatal(err)
	}
	if s.Meta.Tags["cpus"] != "4" {
		t.Errorf("tags = %v, want cpus=4 (context.num_cpus)", s.Meta.Tags)
	}
	for k, v := range s.Meta.Tags {
		if strings.Contains(v, "Corgi") {
			t.Errorf("tag %s=%q holds the host name", k, v)
		}
	}
}
