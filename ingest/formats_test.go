package ingest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/snapshot"
)

// Inputs with no corpus file: small hand-written examples of the shapes the
// seed articles describe.
func TestTestdataFiles(t *testing.T) {
	for _, tc := range []struct {
		file, format string
		metrics      int
	}{
		{"locust-ci-summary.json", "locust-json", 15},
		{"regression-results.json", "regression-json", 20},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p := filepath.Join("testdata", tc.file)
			s, err := ParseFileWith(p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkSane(t, s)
			if s.Meta.Format != tc.format || len(s.Metrics) != tc.metrics {
				t.Errorf("format %s with %d metrics, want %s with %d", s.Meta.Format, len(s.Metrics), tc.format, tc.metrics)
			}
			golden(t, "testdata__"+tc.file, dump(s))
		})
	}
}

func TestCriterionDir(t *testing.T) {
	for _, run := range []string{"aa-01-noisy", "aa-02", "slow-10pct"} {
		t.Run(run, func(t *testing.T) {
			dir := filepath.Join(corpus, "criterion/runs", run)
			s, err := ParseFileWith(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkSane(t, s)
			for _, k := range []string{"work:sec/op", "control:sec/op", "sum/256:sec/op", "sum/4096:sec/op", "sum/65536:sec/op", "sum/256:B/s"} {
				m := s.Get(k)
				if m == nil {
					t.Errorf("no %s in %v", k, s.Keys())
					continue
				}
				if len(m.Samples) != 20 {
					t.Errorf("%s: %d samples, want 20 (sample_size 20)", k, len(m.Samples))
				}
			}
			golden(t, "criterion-dir__"+run, dump(s))
		})
	}
	// A single benchmark's new/ directory works too, and a directory
	// without criterion data is an error naming it.
	if s, err := ParseFileWith(filepath.Join(corpus, "criterion/runs/aa-02/work/new"), Options{}); err != nil || s.Get("work:sec/op") == nil {
		t.Errorf("new/ dir: %v", err)
	}
	_, err := ParseFileWith(filepath.Join(corpus, "jmh"), Options{})
	checkInputError(t, err, filepath.Join(corpus, "jmh"))
	_, err = ParseFileWith(filepath.Join(corpus, "criterion/runs/aa-02/work/change/estimates.json"), Options{Format: "criterion"})
	if err == nil || !strings.Contains(err.Error(), "change") {
		t.Errorf("change/estimates.json: %v", err)
	}
}

// TestErrors pins the wording of errors users see: the file, the line or
// field, and the reason.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		format, input, want string
	}{
		{"flameiq", `{"schema_version":1,"metrics":{"latency":{"p95":-3}}}`, "in.json: metrics.latency.p95: negative value -3"},
		{"flameiq", `{"schema_version":1,"metrics":{"throughput":"12"}}`, `in.json: metrics.throughput: expected a number, got string "12"`},
		{"flameiq", `{"schema_version":1,"metrics":{"custom":{"ok":true}}}`, "in.json: metrics.custom.ok: expected a number, got boolean true"},
		{"flameiq", "{\"schema_version\":1,\n\"metrics\":{\"throughput\":NaN}}", "in.json:2: column 25: invalid JSON: invalid character 'N'"},
		{"flameiq", `{"schema_version":2,"metrics":{"throughput":1}}`, "in.json: schema_version: unsupported schema version 2"},
		{"flameiq", "{\"schema_version\":1,\n\"metrics\":{\"thr", "in.json:2: column 16: invalid JSON: unexpected end of input"},
		{"gobench", "BenchmarkA-2 10 5 ns/op\nBenchmarkB-2 x 5 ns/op\nBenchmarkC-2 10 5\n", "in.json:2: parsing iteration count: invalid syntax\nin.json:3: missing units"},
		{"gojson", "{\"Action\":\"output\",\"Output\":\"BenchmarkA-2 10 5 ns/op\\n\"}\n{\"Action\":\"output\",\"Output\":7}\n", "in.json:2: Output: column 29: expected string, got JSON number"},
		{"pytest-benchmark", `{"benchmarks":[{"name":"a","stats":{"mean":"0.1"}}]}`, `in.json: benchmarks[0].stats.mean: expected a number, got string "0.1"`},
		{"pytest-benchmark", `{"benchmarks":[]}`, "in.json: benchmarks: empty"},
		{"hyperfine", `{"results":[{"command":"x","times":null}]}`, "in.json: results[0].times: expected an array, got null"},
		{"googlebench", `{"benchmarks":[{"name":"a","run_type":"iteration","real_time":1,"cpu_time":1,"time_unit":"parsecs"}]}`, `in.json: benchmarks[0].time_unit: unknown time unit "parsecs"`},
		{"googlebench", `{"benchmarks":[{"name":"a","run_type":"iteration","error_occurred":true,"error_message":"boom","real_time":0,"cpu_time":0}]}`, "in.json: benchmarks: benchmark errored or was skipped: a: boom"},
		{"locust", "Type,Name,Request Count,Failure Count,Average Response Time,Requests/s,50%\nGET,/,x,0,1,1,1\n", `in.json:2: Request Count: not a non-negative number: "x"`},
		{"k6", `{"metrics":{"http_req_duration":{"type":"trend","values":{"avg":"fast"}}}}`, `in.json: metrics.http_req_duration.values.avg: expected a number`},
		{"jmh", `[{"benchmark":"a.b","mode":"thrpt","primaryMetric":{"score":1,"scoreUnit":"ops/s","rawData":[[1,-2]]}}]`, "in.json: [0].primaryMetric.rawData[0][1]: negative value -2"},
		{"benchmarkdotnet", `{"Benchmarks":[{"FullName":"A.B","Statistics":{"Median":"1"}}]}`, `in.json: Benchmarks[0].Statistics.Median: expected a number`},
		{"bmf", `{"a":{"latency":{"value":"1"}}}`, `in.json: a.latency.value: expected a number`},
		{"criterion", `{"iters":[1,2],"times":[5]}`, "in.json: times: 1 times for 2 iters"},
		{"regression-json", `{"a":{"p99_latency":-1,"ops_per_second":1}}`, "in.json: a.p99_latency: negative value -1"},
		{"locust-json", `{"endpoints":{"/":{"p95":true}},"error_rate":0}`, "in.json: endpoints./.p95: expected a number, got boolean true"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.input), "in.json", tc.format)
			checkInputError(t, err, "in.json")
			if err != nil && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tc.want)
			}
		})
	}
}

// Detection must pick exactly one format for small canonical inputs.
func TestDetect(t *testing.T) {
	for _, tc := range []struct{ input, want string }{
		{`{"schema_version": 1, "metrics": {"throughput": 1}}`, "flameiq"},
		{"BenchmarkA-2   \t 10\t 5 ns/op\n", "gobench"},
		{`{"Time":"2026-01-01T00:00:00Z","Action":"start","Package":"p"}`, "gojson"},
		{`{"machine_info":{},"benchmarks":[{"name":"a","stats":{"mean":1}}]}`, "pytest-benchmark"},
		{`{"results":[{"command":"x","mean":1,"times":[1]}]}`, "hyperfine"},
		{`{"context":{},"benchmarks":[{"name":"a","run_type":"iteration","real_time":1}]}`, "googlebench"},
		{"Type,Name,Request Count,Failure Count,Median Response Time\n", "locust"},
		{`{"endpoints":{"/":{"count":1,"failures":0,"p95":1}},"error_rate":0}`, "locust-json"},
		{`{"metrics":{"http_reqs":{"type":"counter","values":{"count":1}}}}`, "k6"},
		{`{"iters":[1],"times":[1]}`, "criterion"},
		{`[{"benchmark":"a","primaryMetric":{}}]`, "jmh"},
		{`{"Title":"x","Benchmarks":[{"Statistics":{}}]}`, "benchmarkdotnet"},
		{`{"a":{"p99_latency":1,"ops_per_second":1}}`, "regression-json"},
		{`{"a":{"latency":{"value":1}}}`, "bmf"},
		{`{"a":1}`, ""},
		{"hello\n", ""},
	} {
		if got := Detect([]byte(tc.input), "x"); got != tc.want {
			t.Errorf("Detect(%.40q) = %q, want %q", tc.input, got, tc.want)
		}
	}
}

// Several pkg: sections with the same benchmark name: prefixed only on
// collision.
func TestGoPackageCollision(t *testing.T) {
	in := "pkg: example.com/a/json\nBenchmarkEncode-2 10 5 ns/op\nBenchmarkOnlyA-2 10 5 ns/op\n" +
		"pkg: example.com/b/xml\nBenchmarkEncode-2 10 7 ns/op\n" +
		"pkg: example.com/c/json\nBenchmarkEncode-2 10 9 ns/op\n"
	s, err := Parse(strings.NewReader(in), "in.txt", "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"OnlyA-2:sec/op", "example.com/a/json.Encode-2:sec/op", "example.com/c/json.Encode-2:sec/op", "xml.Encode-2:sec/op"}
	if got := strings.Join(s.Keys(), " "); got != strings.Join(want, " ") {
		t.Errorf("keys %s, want %s", got, strings.Join(want, " "))
	}
}

func TestGoUnitBetter(t *testing.T) {
	in := "Unit widgets better=higher\nUnit ns/op better=higher\nBenchmarkA 1 5 ns/op 3 widgets 4 gadgets\n"
	s, err := Parse(strings.NewReader(in), "in.txt", "gobench")
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]snapshot.Direction{"A:widgets": snapshot.HigherIsBetter, "A:sec/op": snapshot.HigherIsBetter, "A:gadgets": snapshot.TwoSided} {
		if m := s.Get(k); m == nil || m.Direction != want {
			t.Errorf("%s: %+v, want %v", k, m, want)
		}
	}
}

func TestGoLargeStreaming(t *testing.T) {
	p := filepath.Join(corpus, "malformed/go-text/large-5mb.txt")
	s, err := ParseFileWith(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := s.Get("Index-2:sec/op")
	if m == nil || len(m.Samples) < 100 {
		t.Fatalf("Index-2:sec/op: %+v", m)
	}
}

func FuzzParseCriterion(f *testing.F)      { fuzzParse(f, "criterion") }
func FuzzParseLocustJSON(f *testing.F)     { fuzzParse(f, "locust-json") }
func FuzzParseRegressionJSON(f *testing.F) { fuzzParse(f, "regression-json") }
