package ingest

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flameiq/git-flameiq/snapshot"
)

const conformance = "../testdata/conformance"

// flameIQQuirks are files the reference (FlameIQ 1.0.2) accepts but we
// reject by design (STRICTER than FlameIQ); the value is the field the
// error must name.
var flameIQQuirks = map[string]string{
	"snapshots/valid_quirk_bool_values.json":         "metrics.latency.p95", // booleans are not numbers
	"snapshots/valid_quirk_numeric_string.json":      "metrics.throughput",  // numeric strings are not numbers
	"snapshots/valid_quirk_nan_token.json":           "",                    // NaN/Infinity tokens are not JSON (syntax error with line)
	"snapshots/valid_quirk_negative_values.json":     "metrics.throughput",  // negative values
	"snapshots/valid_quirk_schema_version_true.json": "schema_version",      // a boolean schema_version
}

type conformanceFile struct {
	File     string `json:"file"`
	Provider string `json:"provider"`
	Valid    bool   `json:"valid"`
	Metadata struct {
		Commit    *string        `json:"commit"`
		Branch    *string        `json:"branch"`
		Tags      map[string]any `json:"tags"`
		Timestamp *string        `json:"timestamp"`
	} `json:"metadata"`
	Flat map[string]any `json:"flat"`
}

func loadConformance(t *testing.T) []conformanceFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(conformance, "snapshots.json"))
	if err != nil {
		t.Fatalf("conformance vectors: %v", err)
	}
	var doc struct {
		Files []conformanceFile `json:"files"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Files
}

func TestFlameIQConformance(t *testing.T) {
	n := 0
	for _, cf := range loadConformance(t) {
		if cf.Provider != "json" {
			continue
		}
		n++
		t.Run(cf.File, func(t *testing.T) {
			p := filepath.Join(conformance, cf.File)
			s, err := ParseFileWith(p, Options{Format: "flameiq"})
			if field, quirk := flameIQQuirks[cf.File]; quirk {
				checkInputError(t, err, p)
				if !strings.Contains(err.Error(), field) {
					t.Errorf("error does not name %s: %v", field, err)
				}
				t.Logf("rejected by design: %v", err)
				return
			}
			if !cf.Valid {
				checkInputError(t, err, p)
				t.Logf("%v", err)
				return
			}
			if err != nil {
				t.Fatalf("valid for FlameIQ, rejected: %v", err)
			}
			// Auto-detection must pick FlameIQ too.
			if s2, err := ParseFileWith(p, Options{}); err != nil || s2.Meta.Format != "flameiq" {
				t.Errorf("auto-detect: %v %v", s2, err)
			}
			got := map[string]float64{}
			for _, m := range s.Metrics {
				got[m.Key] = m.Value()
			}
			if len(got) != len(cf.Flat) {
				t.Errorf("got %d keys %v, want %v", len(got), got, cf.Flat)
			}
			for k, v := range cf.Flat {
				want, ok := v.(float64)
				if !ok {
					t.Fatalf("%s: unexpected expected value %v", k, v)
				}
				if g, ok := got[k]; !ok || g != want {
					t.Errorf("%s = %v (present %v), want %v", k, g, ok, want)
				}
			}
			for _, m := range s.Metrics {
				if want := flameIQDirectionOf(m.Key); m.Direction != want {
					t.Errorf("%s: direction %v, want %v", m.Key, m.Direction, want)
				}
			}
			md := cf.Metadata
			if md.Commit != nil && s.Meta.Commit != *md.Commit || md.Commit == nil && s.Meta.Commit != "" {
				t.Errorf("commit %q, want %v", s.Meta.Commit, md.Commit)
			}
			if md.Branch != nil && s.Meta.Branch != *md.Branch || md.Branch == nil && s.Meta.Branch != "" {
				t.Errorf("branch %q, want %v", s.Meta.Branch, md.Branch)
			}
			if len(md.Tags) != len(s.Meta.Tags) {
				t.Errorf("tags %v, want %v", s.Meta.Tags, md.Tags)
			}
			for k, v := range md.Tags {
				if s.Meta.Tags[k] != scalarString(jsonNumber(v)) {
					t.Errorf("tag %s=%q, want %v", k, s.Meta.Tags[k], v)
				}
			}
			if md.Timestamp == nil {
				if s.Meta.Timestamp != "" {
					t.Errorf("timestamp %q, the reference found none", s.Meta.Timestamp)
				}
			} else {
				want, _ := time.Parse(time.RFC3339, *md.Timestamp)
				got, err := time.Parse(time.RFC3339, s.Meta.Timestamp)
				if err != nil || !got.Equal(want) {
					t.Errorf("timestamp %q, want %s", s.Meta.Timestamp, *md.Timestamp)
				}
			}
		})
	}
	if n < 30 {
		t.Errorf("only %d json-provider vectors", n)
	}
}

func jsonNumber(v any) any {
	if f, ok := v.(float64); ok {
		return json.Number(fmtNum(f))
	}
	return v
}

func flameIQDirectionOf(key string) snapshot.Direction {
	switch {
	case strings.HasPrefix(key, "latency."), key == "memory_mb", key == "cpu_percent":
		return snapshot.LowerIsBetter
	case key == "throughput":
		return snapshot.HigherIsBetter
	}
	return snapshot.TwoSided
}

// The pytest-benchmark provider vectors: our mapping keeps every benchmark
// (FlameIQ's is lossy), so valid files are checked for sane output and
// invalid ones for an error.
func TestPytestConformance(t *testing.T) {
	if _, ok := lookup("pytest-benchmark"); !ok {
		t.Skip("pytest-benchmark not registered")
	}
	for _, cf := range loadConformance(t) {
		if cf.Provider != "pytest-benchmark" {
			continue
		}
		t.Run(cf.File, func(t *testing.T) {
			p := filepath.Join(conformance, cf.File)
			s, err := ParseFileWith(p, Options{Format: "pytest-benchmark"})
			if !cf.Valid {
				checkInputError(t, err, p)
				t.Logf("%v", err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkSane(t, s)
			if len(s.Metrics) < len(cf.Flat)-3 {
				// FlameIQ emits latency.*, throughput and one custom per
				// benchmark; we emit one key per benchmark.
				t.Logf("%d metrics", len(s.Metrics))
			}
			for _, m := range s.Metrics {
				if m.Unit != "sec/op" || !strings.HasSuffix(m.Key, ":sec/op") || math.IsNaN(m.Value()) {
					t.Errorf("odd metric %+v", m)
				}
			}
			if md := cf.Metadata; md.Commit != nil && s.Meta.Commit != *md.Commit {
				t.Errorf("commit %q, want %q", s.Meta.Commit, *md.Commit)
			}
		})
	}
}
