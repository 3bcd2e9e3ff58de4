package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/snapshot"
)

const full = `base: main
notes_ref: refs/notes/flameiq
margin: 5
threshold: 10%
thresholds:
  latency.p95: 10%
  throughput: -5%
  "*:sec/op": 5%
budgets:
  latency.p95: 120
  throughput: {min: 800}
metrics:
  custom.score: {direction: higher_is_better, action: warn, threshold: 5%}
tiers: {warn: 3%, block: 10%}
statistics: {alpha: 0.01, min_samples: 6, correction: holm}
drift: {window: 30, threshold: 4%}
fail_on_missing: true
profiles: {name: cpu}
`

func TestParseFull(t *testing.T) {
	c, err := Parse([]byte(full), "flameiq.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Base != "main" || c.NotesRef != "refs/notes/flameiq" || *c.Margin != 5 || *c.Threshold != 10 {
		t.Errorf("scalars: %+v", c)
	}
	if c.Alpha != 0.01 || c.MinSamples != 6 || c.Correction != "holm" || c.DriftWindow != 30 || *c.DriftThreshold != 4 || !c.FailOnMissing || c.ProfileName != "cpu" {
		t.Errorf("sections: %+v", c)
	}
	if c.Tiers == nil || c.Tiers.Warn != 3 || c.Tiers.Block != 10 {
		t.Errorf("tiers: %+v", c.Tiers)
	}
	rules := map[string]compare.Rule{}
	for _, r := range c.Rules {
		rules[r.Glob] = r
	}
	if r := rules["latency.p95"]; r.Threshold == nil || *r.Threshold != 10 || r.Budget == nil || *r.Budget.Max != 120 || !r.Budget.Bare {
		t.Errorf("latency.p95 rule: %+v", r)
	}
	if r := rules["throughput"]; r.Threshold == nil || *r.Threshold != -5 || r.Budget == nil || *r.Budget.Min != 800 || r.Budget.Max != nil {
		t.Errorf("throughput rule: %+v", r)
	}
	if r := rules["custom.score"]; r.Direction == nil || *r.Direction != snapshot.HigherIsBetter || r.Action != compare.Warn || *r.Threshold != 5 {
		t.Errorf("custom.score rule: %+v", r)
	}
	o := compare.DefaultOptions()
	c.Apply(&o)
	if o.Alpha != 0.01 || o.MinSamples != 6 || o.DefaultThreshold != 10 || len(o.Rules) != 4 || !o.FailOnMissing || o.Correction != "holm" {
		t.Errorf("Apply: %+v", o)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, in := range []string{"", "\n", "# only a comment\n", "~\n"} {
		if _, err := Parse([]byte(in), "f.yaml"); err != nil {
			t.Errorf("%q: %v", in, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"bse: main\n", `f.yaml:1: unknown key "bse"`},
		{"base: main\nmargin: five\n", `f.yaml:2: margin must be a number`},
		{"thresholds:\n  x: ten\n", `f.yaml:2: thresholds.x: bad threshold "ten"`},
		{"thresholds: [1, 2]\n", `f.yaml:1: thresholds must be a mapping`},
		{"budgets:\n  x: {max: 1, mux: 2}\n", `f.yaml:2: unknown key "mux" in budgets.x`},
		{"budgets:\n  x: {}\n", `f.yaml:2: budgets.x needs min or max`},
		{"metrics:\n  x: {direction: sideways}\n", `f.yaml:2: metrics.x.direction: unknown direction "sideways"`},
		{"metrics:\n  x: {action: explode}\n", `f.yaml:2: metrics.x.action must be block or warn`},
		{"metrics:\n  x: {colour: red}\n", `f.yaml:2: unknown key "colour" in metrics.x`},
		{"tiers: {warn: 3%}\n", `f.yaml:1: tiers needs block`},
		{"tiers: {warn: 20%, block: 10%}\n", `f.yaml:1: tiers: warn (20%) must not exceed block (10%)`},
		{"statistics: {alpha: 2}\n", `f.yaml:1: statistics.alpha must be in (0, 1)`},
		{"statistics: {min_samples: 1}\n", `f.yaml:1: statistics.min_samples must be an integer ≥ 2`},
		{"statistics: {correction: bonferroni}\n", `f.yaml:1: statistics.correction must be auto, holm or none`},
		{"drift: {window: 1}\n", `f.yaml:1: drift.window must be an integer ≥ 2`},
		{"notes_ref: refs/heads/main\n", `f.yaml:1: notes_ref "refs/heads/main" must be under refs/notes/`},
		{"fail_on_missing: maybe\n", `f.yaml:1: fail_on_missing must be true or false`},
		{"base: main\nbase: dev\n", `f.yaml:2: duplicate key "base"`},
		{"- a\n- b\n", `f.yaml:1: the top level must be a mapping`},
		{"base: [unclosed\n", `f.yaml: `},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.in), "f.yaml")
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%q: got %v, want a *config.Error", tt.in, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q:\n got %q\nwant prefix %q", tt.in, err, tt.want)
		}
	}
}

func TestLoadMissing(t *testing.T) {
	if _, err := Load(t.TempDir()+"/nope.yaml", true); err != nil {
		t.Errorf("optional missing file: %v", err)
	}
	if _, err := Load(t.TempDir()+"/nope.yaml", false); err == nil {
		t.Error("required missing file: want an error")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(full))
	f.Add([]byte("thresholds: {a: 1%}\n"))
	f.Add([]byte("budgets: {x: {min: -1}}\n"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "f.yaml")
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error is %T, not *config.Error: %v", err, err)
			}
			return
		}
		o := compare.DefaultOptions()
		c.Apply(&o)
	})
}

// TestOneDocumentNoDuplicates: a second YAML document and a duplicate key
// at any depth are errors with the line (both were silently ignored or
// last-wins, so a PR could hide a loosened rule).
func TestOneDocumentNoDuplicates(t *testing.T) {
	for in, want := range map[string]string{
		"threshold: 10%\n---\nthreshold: 1000%\n":                       "f.yaml:3: a second YAML document (---)",
		"thresholds:\n  \"*\": 5%\n  \"*\": 500%\n":                     `f.yaml:3: duplicate key "*"`,
		"metrics:\n  x: {action: block, action: warn}\n":                `f.yaml:2: duplicate key "action"`,
		"statistics:\n  alpha: 0.05\n  min_samples: 4\n  alpha: 1e-9\n": `f.yaml:4: duplicate key "alpha"`,
		"threshold: 10%\n---\n":                                         "",
	} {
		_, err := Parse([]byte(in), "f.yaml")
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v", in, err)
		case want != "" && (err == nil || !strings.HasPrefix(err.Error(), want)):
			t.Errorf("%q: got %v, want %s…", in, err, want)
		}
	}
}

func TestDiff(t *testing.T) {
	a, err := Parse([]byte("threshold: 10%\nthresholds:\n  \"*:sec/op\": 5%\nmetrics:\n  custom.score: {direction: higher_is_better}\n"), "a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse([]byte("threshold: 100000%\nthresholds:\n  \"*:sec/op\": 5%\nmetrics:\n  \"*\": {action: warn}\n  custom.score: {direction: lower_is_better}\nstatistics: {alpha: 0.0000001}\n"), "b")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(Diff(a, b), "\n")
	want := strings.Join([]string{
		"threshold: 10% → 100000%",
		"statistics.alpha: — → 1e-07",
		`rule "*" action: — → warn`,
		`rule "custom.score" direction: higher_is_better → lower_is_better`,
	}, "\n")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if d := Diff(a, a); len(d) != 0 {
		t.Errorf("a config differs from itself: %q", d)
	}
}
