package compare

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/snapshot"
)

// conformanceDir holds the FlameIQ vectors (a copy of the project's
// shared/conformance, kept in the repository so CI runs them on any clone).
var conformanceDir = filepath.Join("..", "testdata", "conformance")

// loadVectors decodes a conformance file into v; a missing file fails.
func loadVectors(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(conformanceDir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// num decodes a vector number: a JSON number or "NaN", "+Inf", "-Inf".
func num(t *testing.T, v any) float64 {
	t.Helper()
	switch x := v.(type) {
	case float64:
		return x
	case string:
		switch x {
		case "NaN":
			return math.NaN()
		case "+Inf":
			return math.Inf(1)
		case "-Inf":
			return math.Inf(-1)
		}
	}
	t.Fatalf("not a vector number: %#v", v)
	return 0
}

// same is float equality where NaN equals NaN and the sign of zero counts.
func same(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return a == b && math.Signbit(a) == math.Signbit(b)
}

func TestChangePercentVectors(t *testing.T) {
	var f struct {
		Cases []struct {
			Baseline, Current, Expect any
		}
	}
	loadVectors(t, "change_percent.json", &f)
	if len(f.Cases) == 0 {
		t.Fatal("no cases")
	}
	for i, c := range f.Cases {
		t.Run(fmt.Sprintf("%03d", i), func(t *testing.T) {
			got, ok := ChangePercent(num(t, c.Baseline), num(t, c.Current))
			if c.Expect == "error" {
				if ok {
					t.Errorf("ChangePercent(%v, %v) = %v, want zero-baseline error", c.Baseline, c.Current, got)
				}
				return
			}
			if want := num(t, c.Expect); !ok || !same(got, want) {
				t.Errorf("ChangePercent(%v, %v) = %v, %v; want %v", c.Baseline, c.Current, got, ok, want)
			}
		})
	}
	t.Logf("%d change_percent vectors", len(f.Cases))
}

func TestParseThresholdVectors(t *testing.T) {
	var f struct {
		Cases []struct {
			Input, Expect any
		}
	}
	loadVectors(t, "parse_threshold.json", &f)
	for i, c := range f.Cases {
		t.Run(fmt.Sprintf("%02d", i), func(t *testing.T) {
			got, err := ParseThreshold(c.Input)
			if c.Expect == "error" {
				if err == nil {
					t.Errorf("ParseThreshold(%q) = %v, want error", c.Input, got)
				}
				return
			}
			if want := c.Expect.(float64); err != nil || !same(got, want) {
				t.Errorf("ParseThreshold(%q) = %v, %v; want %v", c.Input, got, err, want)
			}
		})
	}
	t.Logf("%d parse_threshold vectors", len(f.Cases))
}

type thresholdCase struct {
	Name          string
	Baseline      map[string]any
	Current       map[string]any
	Thresholds    map[string]any
	WarningMargin float64 `json:"warning_margin"`
	Expect        struct {
		Error   string
		Status  string
		Summary string
		Counts  struct{ Regressions, Warnings, Passed, Total int }
		Diffs   []struct {
			MetricKey        string  `json:"metric_key"`
			BaselineValue    any     `json:"baseline_value"`
			CurrentValue     any     `json:"current_value"`
			ChangePercent    any     `json:"change_percent"`
			ThresholdPercent float64 `json:"threshold_percent"`
			IsRegression     bool    `json:"is_regression"`
			IsWarning        bool    `json:"is_warning"`
			Status           string
		}
	}
}

// flat builds a single-sample snapshot from a flat vector map.
func flat(t *testing.T, m map[string]any) *snapshot.Snapshot {
	s := &snapshot.Snapshot{}
	for k, v := range m {
		s.Add(k, "", snapshot.FlameIQDirection(k), num(t, v))
	}
	s.Sort()
	return s
}

func TestThresholdVectors(t *testing.T) {
	var f struct{ Cases []thresholdCase }
	loadVectors(t, "threshold.json", &f)
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) { checkThresholdCase(t, c) })
	}
	t.Logf("%d threshold vectors", len(f.Cases))
}

func checkThresholdCase(t *testing.T, c thresholdCase) {
	rules, err := RulesFromThresholds(c.Thresholds)
	if c.Expect.Error != "" {
		if err == nil {
			t.Fatalf("thresholds %v: want error %s", c.Thresholds, c.Expect.Error)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultOptions()
	opts.Margin, opts.Rules, opts.FlameIQMode = c.WarningMargin, rules, true
	r, err := Compare(flat(t, c.Baseline), flat(t, c.Current), opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.ToLower(string(r.Status)); got != c.Expect.Status {
		t.Errorf("status %s, want %s", got, c.Expect.Status)
	}
	if got := r.Summary(); got != c.Expect.Summary {
		t.Errorf("summary %q, want %q", got, c.Expect.Summary)
	}
	n := r.Counts()
	if got := [4]int{n.Regressions, n.Warnings, n.Passed, n.Total}; got != [4]int{c.Expect.Counts.Regressions, c.Expect.Counts.Warnings, c.Expect.Counts.Passed, c.Expect.Counts.Total} {
		t.Errorf("counts %v, want %v", got, c.Expect.Counts)
	}
	var compared []Diff
	for _, d := range r.Diffs {
		if d.Status == Pass || d.Status == Warning || d.Status == Regression {
			compared = append(compared, d)
		}
	}
	if len(compared) != len(c.Expect.Diffs) {
		t.Fatalf("%d compared diffs, want %d", len(compared), len(c.Expect.Diffs))
	}
	for i, w := range c.Expect.Diffs {
		g := compared[i]
		ok := g.Key == w.MetricKey && same(g.Base, num(t, w.BaselineValue)) && same(g.Head, num(t, w.CurrentValue)) &&
			same(g.ChangePercent, num(t, w.ChangePercent)) && same(g.ThresholdPercent, w.ThresholdPercent) &&
			g.IsRegression == w.IsRegression && g.IsWarning == w.IsWarning && string(g.Status) == w.Status
		if !ok {
			t.Errorf("diff %d:\n got  %s %v→%v chg=%v thr=%v reg=%v warn=%v %s\n want %+v",
				i, g.Key, g.Base, g.Head, g.ChangePercent, g.ThresholdPercent, g.IsRegression, g.IsWarning, g.Status, w)
		}
	}
}

func TestMannWhitneyVectors(t *testing.T) {
	var f struct {
		Cases []struct {
			Name              string
			Baseline, Current []any
			Confidence        float64
			MinimumSamples    int `json:"minimum_samples"`
			Expect            struct {
				Error         string
				Group         string
				Got, Need     int
				U1            any
				Method        *string
				PValue        any    `json:"p_value"`
				IsSignificant bool   `json:"is_significant"`
				EffectSize    any    `json:"effect_size"`
				EffectLabel   string `json:"effect_label"`
			}
		}
	}
	loadVectors(t, "mann_whitney.json", &f)
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			base, cur := nums(t, c.Baseline), nums(t, c.Current)
			r, err := Significance(base, cur, c.Confidence, c.MinimumSamples)
			w := c.Expect
			if w.Error != "" {
				e, ok := err.(*InsufficientSamplesError)
				if !ok || e.Group != w.Group || e.Got != w.Got || e.Need != w.Need {
					t.Fatalf("err = %v, want insufficient samples in %s (%d < %d)", err, w.Group, w.Got, w.Need)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			method := ""
			if w.Method != nil {
				method = *w.Method
			}
			if !same(r.U, num(t, w.U1)) || r.Method != method {
				t.Errorf("U=%v method=%q, want %v %q", r.U, r.Method, w.U1, method)
			}
			if got, want := roundTo(r.P, 6), num(t, w.PValue); !same(got, want) {
				t.Errorf("p=%v (raw %v), want %v", got, r.P, want)
			}
			if r.Significant != w.IsSignificant {
				t.Errorf("significant=%v, want %v (p=%v alpha=%v)", r.Significant, w.IsSignificant, r.P, r.Alpha)
			}
			if got, want := roundTo(r.EffectSize, 4), num(t, w.EffectSize); !same(got+0, want+0) {
				t.Errorf("d=%v, want %v", got, want)
			}
			if r.EffectLabel != w.EffectLabel {
				t.Errorf("label=%s, want %s", r.EffectLabel, w.EffectLabel)
			}
		})
	}
	t.Logf("%d mann_whitney vectors", len(f.Cases))
}

func nums(t *testing.T, xs []any) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = num(t, x)
	}
	return out
}

// roundTo rounds half-even on the binary value, as Python's round does.
func roundTo(x float64, dp int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	var v float64
	fmt.Sscan(strconvF(x, dp), &v)
	return v
}

func strconvF(x float64, dp int) string { return fmt.Sprintf("%.*f", dp, x) }

func TestNoiseFilterMedianVectors(t *testing.T) {
	var f struct {
		Cases []struct {
			Samples []float64
			Warmup  int
			Expect  any
		} `json:"noise_filter_median"`
	}
	loadVectors(t, "medians.json", &f)
	for i, c := range f.Cases {
		t.Run(fmt.Sprintf("%02d", i), func(t *testing.T) {
			got, err := NoiseFilterMedian(c.Samples, c.Warmup)
			if c.Expect == "error" {
				if err == nil {
					t.Errorf("NoiseFilterMedian(%v, %d) = %v, want error", c.Samples, c.Warmup, got)
				}
				return
			}
			if want := num(t, c.Expect); err != nil || !same(got, want) {
				t.Errorf("NoiseFilterMedian(%v, %d) = %v, %v; want %v", c.Samples, c.Warmup, got, err, want)
			}
		})
	}
	t.Logf("%d noise_filter_median vectors", len(f.Cases))
}
