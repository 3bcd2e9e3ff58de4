package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/snapshot"

	golden_ "github.com/flameiq/git-flameiq/internal/golden"

	"github.com/flameiq/git-flameiq/internal/testkit"
)

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden_.Check(t, filepath.Join("testdata", name+".golden"), got)
}

func readGoBench(t *testing.T, path string) *snapshot.Snapshot { return testkit.ReadGoBench(t, path) }

func flat(m map[string]float64) *snapshot.Snapshot {
	s := &snapshot.Snapshot{}
	for k, v := range m {
		s.Add(k, "", snapshot.FlameIQDirection(k), v)
	}
	s.Sort()
	return s
}

func ptr[T any](v T) *T { return &v }

// results are the report fixtures, built from fixed inputs.
func results(t *testing.T) map[string]*compare.Result {
	t.Helper()
	run := func(b, h *snapshot.Snapshot, o compare.Options) *compare.Result {
		r, err := compare.Compare(b, h, o)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	gopair := run(readGoBench(t, "testdata/gopair-base.txt"), readGoBench(t, "testdata/gopair-head.txt"), compare.DefaultOptions())

	fq := compare.DefaultOptions()
	fq.FlameIQMode = true
	flameiq := run(
		flat(map[string]float64{"latency.p95": 120, "latency.mean": 100, "throughput": 1000, "memory_mb": 0, "custom.score": 10, "cpu_percent": 50}),
		flat(map[string]float64{"latency.p95": 150, "latency.mean": 104, "throughput": 940, "memory_mb": 12, "custom.score": math.Inf(1), "cpu_percent": math.NaN()}),
		fq)

	base, head := &snapshot.Snapshot{}, &snapshot.Snapshot{}
	base.Add("Parse-2:sec/op", "sec/op", snapshot.LowerIsBetter, 1.0e-6, 1.1e-6, 0.9e-6)
	head.Add("Parse-2:sec/op", "sec/op", snapshot.LowerIsBetter, 1.5e-6, 1.4e-6, 1.6e-6)
	base.Add("Encode-2:sec/op", "sec/op", snapshot.LowerIsBetter, 2e-3)
	head.Add("Encode-2:sec/op", "sec/op", snapshot.LowerIsBetter, 2.5e-3)
	base.Add("Encode-2:B/op", "B/op", snapshot.LowerIsBetter, 4096)
	head.Add("Encode-2:B/op", "B/op", snapshot.LowerIsBetter, 5000)
	base.Add("Old-2:sec/op", "sec/op", snapshot.LowerIsBetter, 1e-9)
	head.Add("New-2:sec/op", "sec/op", snapshot.LowerIsBetter, 1e-9)
	base.Add("Read-2:B/s", "B/s", snapshot.HigherIsBetter, 100e6, 101e6, 99e6, 100e6, 102e6)
	head.Add("Read-2:B/s", "B/s", snapshot.HigherIsBetter, 80e6, 81e6, 79e6, 80e6, 82e6)
	base.Sort()
	head.Sort()
	mo := compare.DefaultOptions()
	mo.Rules = []compare.Rule{{Glob: "*:B/op", Budget: &compare.Budget{Max: ptr(4500.0)}}}
	mo.Accept = []compare.Acceptance{{Glob: "Encode-2:sec/op", Reason: "new codec, slower but correct", Source: "1a2b3c4"}}
	mixed := run(base, head, mo)
	return map[string]*compare.Result{"gopair": gopair, "flameiq": flameiq, "mixed": mixed}
}

func TestTextGolden(t *testing.T) {
	for name, r := range results(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			opts := TextOptions{}
			if name == "gopair" {
				opts.BaseLine = "base: 1a2b3c4 (merge-base of HEAD and main)"
			}
			if err := Text(&buf, r, opts); err != nil {
				t.Fatal(err)
			}
			golden(t, name+".txt", buf.Bytes())
		})
	}
}

// TestTextUnchangedSummary: a unit with more than TextUnchangedMax
// unchanged rows lists its findings and one line for the unchanged ones
// (golden many.txt); a unit with fewer is listed in full; All lists every
// row.
func TestTextUnchangedSummary(t *testing.T) {
	base, head := &snapshot.Snapshot{}, &snapshot.Snapshot{}
	for i := range TextUnchangedMax + 30 {
		k := fmt.Sprintf("Op-%03d-2:sec/op", i)
		f := 1 + 0.001*float64(i%3-1) // ±0.1 %: unchanged
		switch i {
		case 7:
			f = 1.5 // a regression
		case 9:
			f = 0.5 // an improvement
		}
		base.Add(k, "sec/op", snapshot.LowerIsBetter, 1e-6)
		head.Add(k, "sec/op", snapshot.LowerIsBetter, f*1e-6)
	}
	for i := range 3 {
		k := fmt.Sprintf("Op-%03d-2:B/op", i)
		base.Add(k, "B/op", snapshot.LowerIsBetter, 4096)
		head.Add(k, "B/op", snapshot.LowerIsBetter, 4096)
	}
	base.Sort()
	head.Sort()
	r, err := compare.Compare(base, head, compare.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Text(&buf, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "many.txt", buf.Bytes())
	if !strings.Contains(buf.String(), "… 228 unchanged sec/op rows (geomean ±0.00%); --all to list them\n") {
		t.Errorf("no summary of the unchanged sec/op rows:\n%s", buf.String())
	}
	buf.Reset()
	if err := Text(&buf, r, TextOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Count(buf.String(), "PASS"), TextUnchangedMax+28+3; got != want || strings.Contains(buf.String(), "--all") {
		t.Errorf("All: %d PASS rows, want %d, and no summary line:\n%s", got, want, buf.String())
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 19812: "19,812", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestTextColor(t *testing.T) {
	r := results(t)["mixed"]
	var plain, color bytes.Buffer
	if err := Text(&plain, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := Text(&color, r, TextOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("colour without Color")
	}
	if !strings.Contains(color.String(), "\x1b[31mREGRESSION\x1b[0m") {
		t.Errorf("no red REGRESSION in:\n%s", color.String())
	}
	strip := strings.NewReplacer("\x1b[31m", "", "\x1b[32m", "", "\x1b[33m", "", "\x1b[36m", "", "\x1b[0m", "")
	if strip.Replace(color.String()) != plain.String() {
		t.Errorf("colour changed the layout:\n%s", color.String())
	}
}

func TestJSONGolden(t *testing.T) {
	for name, r := range results(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := JSON(&buf, r, JSONOptions{BaselineCommit: "1a2b3c4", CurrentCommit: "5d6e7f8"}); err != nil {
				t.Fatal(err)
			}
			if !json.Valid(buf.Bytes()) {
				t.Fatalf("invalid JSON:\n%s", buf.String())
			}
			golden(t, name+".json", buf.Bytes())
		})
	}
}

func TestJSONShape(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, results(t)["flameiq"], JSONOptions{}); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"status", "exit_code", "baseline_commit", "current_commit", "statistical_mode", "summary", "counts", "diffs"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("missing %q", k)
		}
	}
	if doc["status"] != "regression" || doc["exit_code"] != 1.0 {
		t.Errorf("status %v exit %v", doc["status"], doc["exit_code"])
	}
	d := doc["diffs"].([]any)[0].(map[string]any)
	for _, k := range []string{"metric_key", "baseline_value", "current_value", "change_percent", "threshold_percent", "is_regression", "is_warning", "status", "p_value", "effect_size"} {
		if _, ok := d[k]; !ok {
			t.Errorf("diff misses %q", k)
		}
	}
}

func TestSummaryLine(t *testing.T) {
	got := SummaryLine(results(t)["mixed"])
	want := "2 regressions, 1 budget breach, 1 missing, 0 warnings, 1 accepted, 0 unchanged, 1 new (6 metrics)"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
