package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDuplicateKeys: a JSON object with the same key twice is refused in
// every JSON format, naming the key's path and line (encoding/json would
// keep the last silently).
func TestDuplicateKeys(t *testing.T) {
	tests := []struct {
		format, input, want string
	}{
		{"bmf", `{"Encode": {"latency": {"value": 10}, "latency": {"value": 1}}}`, `x.json:1: Encode.latency: key "latency" appears twice`},
		{"flameiq", "{\"schema_version\": 1, \"metrics\": {\"latency\": {\"p95\": 120,\n \"p95\": 80}}}", `x.json:2: metrics.latency.p95: key "p95" appears twice`},
		{"regression-json", `{"benchmarks": [{"name": "a", "p95": 1}, {"name": "b", "name": "c", "p95": 2}]}`, `x.json:1: benchmarks[1].name: key "name" appears twice`},
		{"hyperfine", `{"results": [{"command": "x", "times": [1, 2], "mean": 1, "mean": 2}]}`, `x.json:1: results[0].mean: key "mean" appears twice`},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.input), "x.json", tt.format)
		var e *Error
		if !errors.As(err, &e) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q…", tt.format, err, tt.want)
		}
	}
	// The same key in two different objects is fine.
	if _, err := Parse(strings.NewReader(`{"A": {"latency": {"value": 10}}, "B": {"latency": {"value": 11}}}`), "x.json", "bmf"); err != nil {
		t.Errorf("distinct objects: %v", err)
	}
}

// TestBMFStrict: negative values are refused as in every other format, and
// lower_value/upper_value become the value's interval.
func TestBMFStrict(t *testing.T) {
	_, err := Parse(strings.NewReader(`{"A": {"latency": {"value": -5}}}`), "x.json", "bmf")
	if err == nil || !strings.Contains(err.Error(), "A.latency.value: negative value -5") {
		t.Errorf("negative value: %v", err)
	}
	s, err := Parse(strings.NewReader(`{"A": {"latency": {"value": 100, "lower_value": 90, "upper_value": 130}}, "B": {"latency": {"value": 100, "lower_value": 110, "upper_value": 130}}}`), "x.json", "bmf")
	if err != nil {
		t.Fatal(err)
	}
	if ci := s.Get("A:latency").CI; ci == nil || math.Abs(ci.Lo-90e-9) > 1e-18 || math.Abs(ci.Hi-130e-9) > 1e-18 {
		t.Errorf("A interval %+v", ci)
	}
	if ci := s.Get("B:latency").CI; ci != nil {
		t.Errorf("bounds that do not hold the value became an interval: %+v", ci)
	}
}

// TestJSONLimit: a JSON document above its share of FLAMEIQ_MAX_INPUT is
// refused before it is decoded, naming the limit and how to raise it (1/4
// for every JSON format: all are read entry by entry); and a document of
// tiny entries whose metrics would pass the limit stops there.
func TestJSONLimit(t *testing.T) {
	t.Setenv("FLAMEIQ_MAX_INPUT", "16K")
	pad := func(n int) string { return `"pad": "` + strings.Repeat("x", n) + `"` }
	for _, tt := range []struct{ format, doc, want string }{
		{"k6", `{"metrics": {}, ` + pad(5000) + `}`, "big.json: JSON input larger than 4 KiB (FLAMEIQ_MAX_INPUT/4"},
		{"flameiq", `{"schema_version": 1, "metrics": {}, ` + pad(5000) + `}`, "big.json: JSON input larger than 4 KiB (FLAMEIQ_MAX_INPUT/4"},
		{"hyperfine", `{"results": [], ` + pad(5000) + `}`, "big.json: JSON input larger than 4 KiB (FLAMEIQ_MAX_INPUT/4"},
		{"bmf", `{"A": {"latency": {"value": 1}}, ` + pad(5000) + `}`, "big.json: JSON input larger than 4 KiB (FLAMEIQ_MAX_INPUT/4: this JSON format is read entry by entry, at up to four times its size); raise FLAMEIQ_MAX_INPUT to read it"},
		{"googlebench", `{"benchmarks": [], ` + pad(5000) + `}`, "big.json: JSON input larger than 4 KiB (FLAMEIQ_MAX_INPUT/4"},
		{"pytest-benchmark", `{"benchmarks": [], ` + pad(5000) + `}`, "big.json: JSON input larger than 4 KiB (FLAMEIQ_MAX_INPUT/4"},
	} {
		_, err := Parse(strings.NewReader(tt.doc), "big.json", tt.format)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: got %v\nwant %s", tt.format, err, tt.want)
		}
	}
	// 5.4 KiB of BMF, 150 metrics: 16.8 KB at 112 bytes a metric.
	var b strings.Builder
	b.WriteString("{")
	for i := range 150 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"b%d":{"m":{"value":1}}`, i)
	}
	b.WriteString("}")
	_, err := Parse(strings.NewReader(b.String()), "tiny.json", "bmf")
	if err == nil || !strings.HasPrefix(err.Error(), "tiny.json: its benchmarks take more than FLAMEIQ_MAX_INPUT (16 KiB) in memory") {
		t.Errorf("tiny entries: got %v", err)
	}
}

// TestBenchmarkDotNetOld: the 0.9/0.10 exporters wrote no FullName; the
// key is built from Namespace, Type and Method as the newer exporter's
// FullName is (real exports from BenchmarkDotNet's documentation).
func TestBenchmarkDotNetOld(t *testing.T) {
	for file, want := range map[string][]string{
		"testdata/bdn-0.9/IntroJsonExport-report-brief-0.9.9.json": {"IntroJsonExport.Sleep10:sec/op", "IntroJsonExport.Sleep20:sec/op"},
		"testdata/bdn-0.9/IntroJsonExport-report-brief-ns.json":    {"BenchmarkDotNet.Samples.Intro.IntroJsonExport.Sleep10:sec/op", "BenchmarkDotNet.Samples.Intro.IntroJsonExport.Sleep20:sec/op"},
	} {
		s, err := ParseFileWith(file, Options{})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if got := strings.Join(s.Keys(), " "); got != strings.Join(want, " ") || s.Meta.Format != "benchmarkdotnet" {
			t.Errorf("%s: %s keys %s", file, s.Meta.Format, got)
		}
		if v := s.Get(want[0]).Value(); math.Abs(v-0.0104) > 0.0002 {
			t.Errorf("%s: Sleep10 %v s", file, v)
		}
	}
}

// TestReadExact: the input comes back whole whether its size is known,
// wrong (the file shrank or grew while read) or unknown (a pipe).
func TestReadExact(t *testing.T) {
	in := strings.Repeat("0123456789", 100_000) // 1 MB: several chunks
	for _, size := range []int64{-1, int64(len(in)), 10, int64(len(in)) + 10, 0} {
		got, err := readExact(strings.NewReader(in), size)
		if err != nil || string(got) != in {
			t.Errorf("size %d: %d bytes, %v", size, len(got), err)
		}
	}
	if got, err := readExact(strings.NewReader(""), -1); err != nil || len(got) != 0 {
		t.Errorf("empty: %q, %v", got, err)
	}
}

// TestStreamedShapes: the formats read entry by entry (jsonStream) give
// the errors of the document decoded whole for every shape they do not
// walk, in the same order (these messages were the same before the walk).
func TestStreamedShapes(t *testing.T) {
	for _, tt := range []struct{ format, doc, want string }{
		{"bmf", `[1]`, "p.json: expected an object, got array"},
		{"bmf", `{"a": 5}`, "p.json: a: expected an object, got number 5"},
		{"bmf", `{"a": {"l": {"value": 1}}, "a": {}}`, `p.json:1: a: key "a" appears twice in one object (JSON would keep only the last one)`},
		{"googlebench", `[]`, "p.json: expected an object, got array"},
		{"googlebench", `{"context": {"date": 5}}`, "p.json: context.date: expected a string, got number 5\np.json: benchmarks: missing: not a Google Benchmark result"},
		{"googlebench", `{"context": {"date": 5}, "benchmarks": {"x": 1}}`, "p.json: context.date: expected a string, got number 5\np.json: benchmarks: expected an array, got object"},
		{"googlebench", `{"benchmarks": [1, {"name": "a", "real_time": 1, "cpu_time": "x"}], "context": {"date": 5}}`,
			"p.json: context.date: expected a string, got number 5\np.json: benchmarks[0]: expected an object, got number 1\np.json: benchmarks[1].cpu_time: expected a number, got string \"x\""},
		{"googlebench", `{"benchmarks": [1,]}`, "p.json:1: column 19: invalid JSON: invalid character ']' looking for beginning of value"},
		{"pytest-benchmark", `{"benchmarks": []}`, "p.json: benchmarks: empty: no benchmark results"},
		{"pytest-benchmark", `{"datetime": 5, "benchmarks": [{"name": "x"}]}`, "p.json: datetime: expected a string, got number 5\np.json: benchmarks[0].stats: missing"},
		{"pytest-benchmark", `{"benchmarks": 3, "datetime": 4}`, "p.json: datetime: expected a string, got number 4\np.json: benchmarks: expected an array, got number 3"},
	} {
		_, err := Parse(strings.NewReader(tt.doc), "p.json", tt.format)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s %s:\n got %v\nwant %s", tt.format, tt.doc, err, tt.want)
		}
	}
}

// TestWalkedErrorsInKeyOrder: regression JSON and the Locust CI summary
// are walked in file order, but their errors come in byte order of the
// name, as when the document was decoded whole.
func TestWalkedErrorsInKeyOrder(t *testing.T) {
	for _, tt := range []struct{ format, doc, want string }{
		{"regression-json", `{"b": {"p99_latency": -1, "ops_per_second": 1}, "a": {"p99_latency": "x", "ops_per_second": 1}}`,
			"x.json: a.p99_latency: expected a number, got string \"x\"\nx.json: b.p99_latency: negative value -1"},
		{"locust-json", `{"endpoints": {"/b": {"p95": -1, "failures": 0}, "/a": {"p95": null, "count": "x"}}, "error_rate": -2}`,
			"x.json: endpoints./a.count: expected a number, got string \"x\"\nx.json: endpoints./b.p95: negative value -1\nx.json: error_rate: negative value -2"},
	} {
		_, err := Parse(strings.NewReader(tt.doc), "x.json", tt.format)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: got\n%v\nwant\n%s", tt.format, err, tt.want)
		}
	}
}

// keySet finds a repeated key by its hash and the text of its first
// occurrence, whatever the escapes, and tells apart different keys
// whose hashes collide.
func TestKeySet(t *testing.T) {
	data := []byte(`{"a\"b":1, "c\\" :2,"":3,"é\u00e9":4,"\\\"":5}`)
	dec := json.NewDecoder(bytes.NewReader(data))
	type key struct {
		k   string
		end int64
	}
	var keys []key
	// One flat object: '{', then key and value by turns.
	for i := 0; ; i++ {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if k, ok := tok.(string); ok && i%2 == 1 {
			keys = append(keys, key{k, dec.InputOffset()})
		}
	}
	if len(keys) != 5 {
		t.Fatalf("keys %v", keys)
	}
	var ks keySet
	for _, k := range keys {
		if got := quotedBefore(data, k.end); got != k.k {
			t.Errorf("quotedBefore(%d) = %q, want %q", k.end, got, k.k)
		}
		if !ks.add(data, k.k, k.end) {
			t.Errorf("%q: reported as repeated the first time", k.k)
		}
	}
	for _, k := range keys {
		if ks.add(data, k.k, k.end+100) {
			t.Errorf("%q: not found the second time", k.k)
		}
	}
	// A collision: "zz" takes the hash slot of another key's text.
	var cs keySet
	cs.add(data, keys[0].k, keys[0].end)
	cs.first[maphash.String(cs.seed, "zz")] = keys[0].end
	if !cs.add(data, "zz", 999) {
		t.Error(`"zz" reported as repeated: its hash's first key is another`)
	}
	if cs.add(data, "zz", 999) {
		t.Error(`"zz" twice not found`)
	}
}

// FuzzCheckDuplicateKeys: checkDuplicateKeys, which keeps a hash and an
// offset per key, finds a repeated key exactly where a set of the keys
// themselves does (the first repeat in document order, on its line).
func FuzzCheckDuplicateKeys(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":{"a":2,"a":3}}`, `{"a\"":1,"a\u0022":2}`, `[{"x":1},{"x":1,"y":[{"x":2,"x":3}]}]`, `{"":1,"":2}`, `{"a":1} {"a":2,"a":3}`, `{"é":1,"\u00e9":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got := checkDuplicateKeys(data, "f")
		wantLine := firstRepeatLine(data)
		var e *Error
		switch {
		case got == nil && wantLine != 0:
			t.Fatalf("no error; a set of the keys repeats one on line %d", wantLine)
		case got != nil && (!errors.As(got, &e) || e.Line != wantLine):
			t.Fatalf("%v; a set of the keys finds line %d", got, wantLine)
		}
	})
}

// firstRepeatLine is the line of the first key repeated in its object
// (0: none), found with a set of the keys of each open object.
func firstRepeatLine(data []byte) int {
	type frame struct {
		object, expectKey bool
		keys              map[string]bool
	}
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return 0
		}
		top := len(stack) - 1
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				stack = append(stack, frame{object: d == '{', expectKey: true, keys: map[string]bool{}})
				continue
			}
			stack = stack[:top]
			top--
		} else if k, ok := tok.(string); ok && top >= 0 && stack[top].object && stack[top].expectKey {
			if stack[top].keys[k] {
				line, _ := lineCol(data, dec.InputOffset())
				return line
			}
			stack[top].keys[k], stack[top].expectKey = true, false
			continue
		}
		if top >= 0 && stack[top].object {
			stack[top].expectKey = true
		}
	}
}

// TestStreamBound: go test's text and Locust's CSV files are streamed, but
// what their keys, samples and rows build is bounded by FLAMEIQ_MAX_INPUT
// as a JSON walk is: a parse that would pass it stops with an error naming
// the line, and the same input under a larger limit parses, lean or not.
func TestStreamBound(t *testing.T) {
	const history = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size\n"
	for _, c := range []struct {
		name, head string
		line       func(i int) string
		metrics    int
	}{
		{"go.txt", "pkg: x\n", func(i int) string { return fmt.Sprintf("BenchmarkB%d 1 %d ns/op\n", i, i%97+1) }, 20000},
		{"locust_stats.csv", "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n",
			func(i int) string { return fmt.Sprintf("GET,/i%d,9,0,1,1,1,1,5,1,0,1,1,1,1,1,1,1,1,1,1,1\n", i) }, 6 * 20000},
		{"locust_stats_history.csv", history, func(i int) string {
			return fmt.Sprintf("%d,5,GET,/i%d,1,0,1,1,1,1,1,1,1,1,1,1,1,%d,0,1,1,1,1,5\n", 1795435427+i/100, i%100, i+1)
		}, 600},
	} {
		var b strings.Builder
		b.WriteString(c.head)
		for i := range 20000 {
			b.WriteString(c.line(i))
		}
		path := filepath.Join(t.TempDir(), c.name)
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, lean := range []bool{false, true} {
			t.Setenv("FLAMEIQ_MAX_INPUT", "1M")
			_, err := ParseFileWith(path, Options{Lean: lean})
			var e *Error
			if !errors.As(err, &e) || e.Line < 2 || e.Line > 20001 || !strings.Contains(e.Msg, "its benchmarks take more than FLAMEIQ_MAX_INPUT (1 MiB) in memory") {
				t.Fatalf("%s, lean=%v, under 1 MiB: %v", c.name, lean, err)
			}
			t.Setenv("FLAMEIQ_MAX_INPUT", "64M")
			s, err := ParseFileWith(path, Options{Lean: lean})
			if err != nil || s.Len() != c.metrics {
				t.Fatalf("%s, lean=%v, under 64 MiB: %v (%v)", c.name, lean, err, s)
			}
			// What the caller holds (the other input of a comparison)
			// counts against the same limit.
			_, err = ParseFileWith(path, Options{Lean: lean, Held: 53 << 20})
			if !errors.As(err, &e) || !strings.Contains(e.Msg, "FLAMEIQ_MAX_INPUT (64 MiB, less about 56 MB that the other input holds)") {
				t.Fatalf("%s, lean=%v, under 64 MiB, 53 MiB held: %v", c.name, lean, err)
			}
		}
	}
}
