package snapshot

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/internal/jsonschema"
)

// docs/schema/note-record.schema.json documents the note line; the lines
// EncodeRecord writes, and the README's example, must match it. The
// schema is strict (additionalProperties false), so a new field of the
// record fails here until it is documented.

func noteSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	s, err := jsonschema.CompileFile(filepath.Join("..", "docs", "schema", "note-record.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEncodedRecordsMatchSchema(t *testing.T) {
	s := noteSchema(t)
	full := &Snapshot{Meta: Meta{Commit: strings.Repeat("a", 40), Branch: "main", Suite: "unit", Environment: "ci",
		Timestamp: "2026-11-23T10:00:00Z", Format: "gobench", Source: "bench.txt",
		Tags: map[string]string{"goos": "linux", "cpu": "<fast> & \"new\""}, Failed: []string{"Flaky-2", "Broken-2"},
		Machine: Machine{CPU: "AMD EPYC 7B13", CPUs: 4, OS: "linux", Arch: "amd64"}}}
	full.Add("Encode-2:sec/op", "sec/op", LowerIsBetter, 4.1e-5, 4.2e-5, 4e-5)
	full.Add("Encode-2:B/s", "B/s", HigherIsBetter, 1e6).Info = true
	full.Add("GET /:p95", "ms", LowerIsBetter, 120).CI = &Interval{Lo: 110, Hi: 131, N: 5000}
	full.Add("GET /:p99", "ms", LowerIsBetter, 150).CI = &Interval{Lo: 140, Hi: 170, N: 5000}
	full.Add("GET /:p50", "ms", LowerIsBetter, 20).CI = &Interval{Lo: 19, Hi: 21} // n unknown
	full.Add("custom.score", "", TwoSided, 1e300, -0.5)
	// the same key twice: samples concatenate, the interval goes
	full.Metrics = append(full.Metrics, &Metric{Key: "GET /:p99", Unit: "ms", Direction: LowerIsBetter, Samples: []float64{125}})

	bare := &Snapshot{}
	bare.Add("latency.p95", "", LowerIsBetter, 7.9)

	for name, snap := range map[string]*Snapshot{"full": full, "bare": bare} {
		line, err := EncodeRecord(snap, NewID())
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(line); err != nil {
			t.Errorf("%s: the note line does not match the schema:\n%v\n%s", name, err, line)
		}
		// The schema is strict: one more field is an error.
		extra := append(bytes.TrimSuffix(line, []byte("}")), []byte(`,"zz":1}`)...)
		if s.Validate(extra) == nil {
			t.Errorf("%s: the schema accepts an undocumented field: %s", name, extra)
		}
	}
	for _, field := range []string{`"failed":`, `"info":true`, `"ci":{"hi":131,"lo":110,"n":5000}`, `"ci":{"hi":21,"lo":19}`, `"tags":`,
		`"machine":{"arch":"amd64","cpu":"AMD EPYC 7B13","cpus":4,"os":"linux"}`} {
		if line, _ := EncodeRecord(full, "x"); !bytes.Contains(line, []byte(field)) {
			t.Errorf("the fixture no longer produces %s: %s", field, line)
		}
	}
}

// TestREADMENoteExampleMatchesSchema checks the README's example note line.
func TestREADMENoteExampleMatchesSchema(t *testing.T) {
	s := noteSchema(t)
	f, err := os.Open(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.HasPrefix(line, []byte(`{"id":`)) || !bytes.Contains(line, []byte(`"schema":"flameiq/1"`)) {
			continue
		}
		n++
		if err := s.Validate(line); err != nil {
			t.Errorf("README's note line does not match the schema:\n%v\n%s", err, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Error("README.md has no example note line ({\"id\":…,\"schema\":\"flameiq/1\"}) any more")
	}
}
