package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/internal/jsonschema"
	"github.com/flameiq/git-flameiq/snapshot"
)

// The JSON outputs are documented by the schemas in docs/schema; these
// tests hold every golden JSON file and a document of every renderer with
// representative data to them. The schemas are strict (additionalProperties
// false), so a new field fails here until it is documented.

func loadSchema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	s, err := jsonschema.CompileFile(filepath.Join("..", "docs", "schema", name+".schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// conforms checks doc against the schema, and that the schema would reject
// doc with one more, undocumented, top-level field.
func conforms(t *testing.T, s *jsonschema.Schema, what string, doc []byte) {
	t.Helper()
	if err := s.Validate(doc); err != nil {
		t.Errorf("%s does not match its schema:\n%v\ndocument:\n%s", what, err, doc)
		return
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	m["undocumented_field"] = json.RawMessage("1")
	extra, _ := json.Marshal(m)
	if s.Validate(extra) == nil {
		t.Errorf("%s: the schema accepts an undocumented top-level field", what)
	}
}

// goldenSchema maps a golden JSON file (relative to testdata) to the
// schema of its output, by directory.
func goldenSchema(rel string) string {
	switch filepath.Dir(rel) {
	case ".":
		return "diff"
	case "log":
		return "log"
	case "profile":
		return "profile-diff"
	}
	return ""
}

func TestGoldenJSONMatchesSchemas(t *testing.T) {
	schemas := map[string]*jsonschema.Schema{}
	n := 0
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json.golden") {
			return err
		}
		rel, _ := filepath.Rel("testdata", path)
		name := goldenSchema(rel)
		if name == "" {
			t.Errorf("%s: no schema for a golden JSON file here (add its directory to goldenSchema)", path)
			return nil
		}
		if schemas[name] == nil {
			schemas[name] = loadSchema(t, name)
		}
		doc, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		conforms(t, schemas[name], path, doc)
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"diff", "log", "profile-diff"} {
		if schemas[name] == nil {
			t.Errorf("no golden JSON file exercises %s.schema.json", name)
		}
	}
	t.Logf("%d golden JSON files", n)
}

// TestDiffJSONOptionalFields renders a comparison whose diffs carry the
// fields the golden files lack: intervals of single values, a zero
// baseline, a derived metric, a rename, a warn action.
func TestDiffJSONOptionalFields(t *testing.T) {
	base, head := &snapshot.Snapshot{}, &snapshot.Snapshot{}
	for _, s := range []*snapshot.Snapshot{base, head} {
		f := 1.0
		if s == head {
			f = 1.3
		}
		s.Add("Enc-2:sec/op", "sec/op", snapshot.LowerIsBetter, 1e-3*f, 1.01e-3*f, 0.99e-3*f, 1e-3*f, 1.02e-3*f)
		s.Add("Enc-2:B/s", "B/s", snapshot.HigherIsBetter, 1e6/f, 1.01e6/f, 0.99e6/f, 1e6/f, 0.98e6/f)
		m := s.Add("GET /:p99", "ms", snapshot.LowerIsBetter, 100*f)
		m.CI = &snapshot.Interval{Lo: 95 * f, Hi: 105 * f, N: 1000}
	}
	base.Add("Alloc-2:allocs/op", "allocs/op", snapshot.LowerIsBetter, 0, 0, 0, 0, 0)
	head.Add("Alloc-2:allocs/op", "allocs/op", snapshot.LowerIsBetter, 1, 1, 1, 1, 1)
	base.Add("Zero-2:B/op", "B/op", snapshot.LowerIsBetter, 0)
	head.Add("Zero-2:B/op", "B/op", snapshot.LowerIsBetter, 8)
	base.Sort()
	head.Sort()
	o := compare.DefaultOptions()
	o.Rules = []compare.Rule{{Glob: "Zero-2:B/op", ZeroBaseline: compare.ZeroWarn}}
	r, err := compare.Compare(base, head, o)
	if err != nil {
		t.Fatal(err)
	}
	// A rename and a warn action, as the engine sets them for keys that
	// differ by invisible characters and for `action: warn` rules.
	r.Diffs[0].RenamedTo, r.Diffs[0].Action = r.Diffs[0].Key+"\u200b", compare.Warn
	var buf bytes.Buffer
	if err := JSON(&buf, r, JSONOptions{BaselineCommit: strings.Repeat("a", 40), CurrentCommit: strings.Repeat("b", 40)}); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"intervals"`, `"n_base": 1000`, `"zero_base": true`, `"reason"`, `"derived_from"`, `"renamed_to"`, `"action": "warn"`, `"ci": {`, `"change_percent": null`} {
		if !bytes.Contains(buf.Bytes(), []byte(field)) {
			t.Errorf("the fixture no longer produces %s:\n%s", field, buf.Bytes())
		}
	}
	conforms(t, loadSchema(t, "diff"), "diff JSON", buf.Bytes())
}

func TestShowJSONMatchesSchema(t *testing.T) {
	s := loadSchema(t, "show")
	full := &snapshot.Snapshot{Meta: snapshot.Meta{Commit: strings.Repeat("a", 40), Branch: "main", Suite: "unit", Environment: "ci",
		Timestamp: "2026-11-23T10:00:00Z", Tags: map[string]string{"goos": "linux", "cpu": "<fast> & \"new\""},
		Machine: snapshot.Machine{CPU: "AMD EPYC 7B13", CPUs: 4, OS: "linux", Arch: "amd64"}}}
	full.Add("Encode-2:sec/op", "sec/op", snapshot.LowerIsBetter, 4.1e-5, 4.2e-5, 4.0e-5)
	full.Add("custom.score", "", snapshot.TwoSided, 10)
	profiles := []ShowProfile{{Name: "cpu", Kind: "pprof", SampleTypes: "samples/count, cpu/nanoseconds", Size: 4096, Records: 2, Metric: "Encode-2:sec/op"},
		{Name: "stacks", Kind: "folded", SampleTypes: "samples/count", Size: 120, Records: 1}}
	for name, sh := range map[string]*Show{
		"full":          {Snapshot: full, Profiles: profiles},
		"bare":          {Snapshot: &snapshot.Snapshot{Meta: snapshot.Meta{Commit: strings.Repeat("c", 40)}, Metrics: full.Metrics[1:]}},
		"profiles only": {Snapshot: &snapshot.Snapshot{Meta: snapshot.Meta{Commit: strings.Repeat("b", 40)}}, Profiles: profiles[1:]},
	} {
		var buf bytes.Buffer
		if err := ShowJSON(&buf, sh); err != nil {
			t.Fatal(err)
		}
		conforms(t, s, "show JSON ("+name+")", buf.Bytes())
	}
}

func TestDriftJSONMatchesSchema(t *testing.T) {
	s := loadSchema(t, "drift")
	c := func(b byte) string { return strings.Repeat(string(b), 40) }
	d := &Drift{Commits: 30, Threshold: 5, Metrics: []DriftMetric{
		{Metric: "Encode-2:sec/op", Unit: "sec/op", Direction: "lower_is_better", Points: 30, Sparkline: "▁▁▁▁████",
			ChangePoints: []DriftChange{{Commit: c('a'), Subject: "encode: <slower>", MeanBefore: 4e-5, MeanAfter: 5.2e-5, ChangePercent: 30, P: 1e-6, Regression: true}},
			Creep:        &DriftCreep{From: c('b'), To: c('c'), Before: 4e-5, After: 5.2e-5, ChangePercent: 30, Threshold: 5, Regression: true}},
		{Metric: "Alloc-2:allocs/op", Unit: "allocs/op", Direction: "lower_is_better", Points: 12, Sparkline: "▁▁▁ ███",
			ChangePoints: []DriftChange{{Commit: c('d'), Subject: "alloc", MeanBefore: 0, MeanAfter: 1, ChangePercent: NullFloat(math.NaN()), P: 0, Regression: true, ZeroBase: true}},
			Creep:        &DriftCreep{From: c('b'), To: c('c'), Before: 0, After: 1, ChangePercent: NullFloat(math.Inf(1)), Threshold: 5, Regression: true, ZeroBase: true}},
		{Metric: "throughput", Direction: "higher_is_better", Points: 2, Sparkline: "▄▄"},
	}}
	for name, d := range map[string]*Drift{"metrics": d, "empty": {Commits: 1, Threshold: 5}} {
		var buf bytes.Buffer
		if err := DriftJSON(&buf, d); err != nil {
			t.Fatal(err)
		}
		conforms(t, s, "drift JSON ("+name+")", buf.Bytes())
	}
}

func TestBisectJSONMatchesSchema(t *testing.T) {
	s := loadSchema(t, "bisect")
	c := func(b byte) string { return strings.Repeat(string(b), 40) }
	found := &Bisect{Good: c('a'), Bad: c('f'), Commits: 5, Metrics: []string{"Encode*:sec/op"},
		Probes: []BisectProbe{
			{Commit: c('c'), Subject: "c", Verdict: "bad", Values: map[string]float64{"Encode-2:sec/op": 5e-5}, Deltas: map[string]float64{"Encode-2:sec/op": 25}},
			{Commit: c('b'), Subject: "b", Verdict: "skip", Reason: "no snapshot (use --run to measure)"},
			{Commit: c('d'), Subject: "d <html>", Verdict: "good", Measured: true, Values: map[string]float64{"Encode-2:sec/op": 4e-5}, Deltas: map[string]float64{"Encode-2:sec/op": 0.5}},
		},
		FirstBad: c('c'), FirstBadSubject: "c",
		Step: &BisectStep{Metric: "Encode-2:sec/op", Commit: c('c'), Before: 4e-5, After: 5e-5, ChangePercent: 25}}
	fromZero := &Bisect{Good: c('a'), Bad: c('b'), Commits: 1, Metrics: []string{"*:allocs/op"},
		Probes:   []BisectProbe{{Commit: c('b'), Subject: "b", Verdict: "bad", Values: map[string]float64{"A-2:allocs/op": 1}, Deltas: map[string]float64{}}},
		FirstBad: c('b'), FirstBadSubject: "b",
		Step: &BisectStep{Metric: "A-2:allocs/op", Commit: c('b'), Before: 0, After: 1, ChangePercent: math.NaN()}}
	notFound := &Bisect{Good: c('a'), Bad: c('b'), Commits: 1, Err: errors.New("nothing regressed between GOOD and BAD")}
	confirmed := *found
	confirmed.Confirmation = &BisectConfirmation{Before: c('b'), After: c('c'), Rounds: 10, Metric: "Encode-2:sec/op", ChangePercent: 25.1,
		P: 0.0002, NBefore: 10, NAfter: 10, Confirmed: true, Total: 90, Share: 0.35,
		OtherSteps: []BisectStep{{Metric: "Encode-2:sec/op", Commit: c('e'), Before: 5e-5, After: 7e-5, ChangePercent: 40}}}
	unjudged := *found
	unjudged.Confirmation = &BisectConfirmation{Before: c('b'), After: c('c'), Rounds: 5, ChangePercent: math.NaN(), P: math.NaN(),
		Total: math.NaN(), Share: math.NaN(), Reason: "the judged metrics are not in both measurements"}
	for name, b := range map[string]*Bisect{"found": found, "from zero": fromZero, "not found": notFound, "confirmed": &confirmed, "unjudged": &unjudged} {
		var buf bytes.Buffer
		if err := BisectJSON(&buf, b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		conforms(t, s, "bisect JSON ("+name+")", buf.Bytes())
	}
}

func TestReviewJSONMatchesSchema(t *testing.T) {
	s := loadSchema(t, "review")
	local := time.FixedZone("CET", 3600)
	oneCommit := &Review{Since: time.Date(2026, 11, 16, 9, 30, 0, 500, local), Until: time.Date(2026, 11, 23, 9, 30, 0, 0, local),
		Branch: "main", ToCommit: strings.Repeat("b", 40), Recorded: 1,
		Slower: []ReviewChange{}, Faster: []ReviewChange{}, Accepted: []ReviewAccepted{}, Budgets: []ReviewBudget{}, Drift: []ReviewDrift{}}
	inWindow := sampleReview()
	inWindow.FromInWindow = true
	for name, r := range map[string]*Review{"sample": sampleReview(), "from in window": inWindow, "one commit": oneCommit} {
		var buf bytes.Buffer
		if err := r.JSON(&buf); err != nil {
			t.Fatal(err)
		}
		conforms(t, s, "review JSON ("+name+")", buf.Bytes())
	}
}

func TestSizeJSONMatchesSchema(t *testing.T) {
	s := loadSchema(t, "size")
	refs := []Size{
		{Ref: "refs/notes/flameiq", Notes: 2, Records: 3, Bytes: 900, Commits: 1, Pruned: 4,
			Largest: []SizeNote{{Commit: strings.Repeat("a", 40), Bytes: 600, Records: 2}}},
		{Ref: "refs/notes/flameiq-profiles"},
	}
	var buf bytes.Buffer
	if err := SizeJSON(&buf, refs); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(buf.Bytes()); err != nil {
		t.Errorf("size JSON does not match its schema:\n%v\n%s", err, buf.Bytes())
	}
	if bad := bytes.Replace(buf.Bytes(), []byte(`"ref":`), []byte(`"undocumented": 1, "ref":`), 1); s.Validate(bad) == nil {
		t.Errorf("the schema accepts an undocumented field: %s", bad)
	}
}
