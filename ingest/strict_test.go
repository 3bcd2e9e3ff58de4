package ingest

import (
	"errors"
	"math"
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

// TestJSONLimit: a JSON document above FLAMEIQ_MAX_INPUT/16 is refused
// before it is decoded, naming the limit and how to raise it.
func TestJSONLimit(t *testing.T) {
	t.Setenv("FLAMEIQ_MAX_INPUT", "16K")
	doc := `{"A": {"latency": {"value": 1}}, "pad": "` + strings.Repeat("x", 2000) + `"}`
	_, err := Parse(strings.NewReader(doc), "big.json", "bmf")
	if err == nil || !strings.Contains(err.Error(), "big.json: JSON input larger than 1 KiB (FLAMEIQ_MAX_INPUT/16") {
		t.Errorf("got %v", err)
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
		s, err := ParseFile(file, "")
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
