package compare

import (
	"math"
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/snapshot"
)

func ptr[T any](v T) *T { return &v }

// snap builds a snapshot from key → samples; keys ending in /op are
// lower-is-better, "ops/s" keys higher-is-better, others two-sided.
func snap(m map[string][]float64) *snapshot.Snapshot {
	s := &snapshot.Snapshot{}
	for k, v := range m {
		unit := k[strings.IndexByte(k, ':')+1:]
		s.Add(k, unit, snapshot.UnitDirection(unit), v...)
	}
	s.Sort()
	return s
}

func TestCompareOptions(t *testing.T) {
	base := snap(map[string][]float64{"A:sec/op": {100}, "B:sec/op": {100}, "C:ops/s": {100}, "Gone:sec/op": {1}})
	head := snap(map[string][]float64{"A:sec/op": {120}, "B:sec/op": {104}, "C:ops/s": {80}, "Fresh:sec/op": {1}})
	tests := []struct {
		name   string
		opts   func(*Options)
		want   map[string]Status
		status Status
	}{
		{"defaults", func(*Options) {},
			map[string]Status{"A:sec/op": Regression, "B:sec/op": Pass, "C:ops/s": Regression, "Fresh:sec/op": New, "Gone:sec/op": Missing}, Regression},
		{"exact beats glob", func(o *Options) {
			o.Rules = []Rule{{Glob: "A:sec/op", Threshold: ptr(30.0)}, {Glob: "*", Threshold: ptr(1.0)}}
		}, map[string]Status{"A:sec/op": Pass, "B:sec/op": Regression}, Regression},
		{"more literal glob wins", func(o *Options) {
			o.Rules = []Rule{{Glob: "*:sec/op", Threshold: ptr(50.0)}, {Glob: "*", Threshold: ptr(1.0)}}
		}, map[string]Status{"A:sec/op": Pass, "C:ops/s": Regression}, Regression},
		{"action warn", func(o *Options) {
			o.Rules = []Rule{{Glob: "*", Action: Warn}}
		}, map[string]Status{"A:sec/op": Warning, "C:ops/s": Warning}, Pass},
		{"direction override", func(o *Options) {
			o.Rules = []Rule{{Glob: "C:*", Direction: ptr(snapshot.LowerIsBetter)}}
		}, map[string]Status{"C:ops/s": Warning}, Regression},
		{"tiers", func(o *Options) {
			o.Tiers = &Tiers{Warn: 3, Block: 25}
		}, map[string]Status{"A:sec/op": Warning, "B:sec/op": Warning, "C:ops/s": Warning}, Pass},
		{"budget", func(o *Options) {
			o.Rules = []Rule{{Glob: "*", Threshold: ptr(50.0)}, {Glob: "B:sec/op", Budget: &Budget{Max: ptr(103.0)}}}
		}, map[string]Status{"A:sec/op": Pass, "B:sec/op": BudgetBreach}, Regression},
		{"fail on missing", func(o *Options) {
			o.Rules = []Rule{{Glob: "*", Threshold: ptr(50.0)}}
			o.FailOnMissing = true
		}, map[string]Status{"Gone:sec/op": Missing}, Regression},
		{"accepted", func(o *Options) {
			o.Accept = []Acceptance{{Glob: "*:sec/op", Reason: "bigger tables, on purpose", Source: "abc123"}, {Glob: "C:*", Reason: "ok"}}
		}, map[string]Status{"A:sec/op": Accepted, "C:ops/s": Accepted}, Pass},
		{"acceptance without reason", func(o *Options) {
			o.Accept = []Acceptance{{Glob: "*"}}
		}, map[string]Status{"A:sec/op": Regression}, Regression},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := DefaultOptions()
			tt.opts(&o)
			r, err := Compare(base, head, o)
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range tt.want {
				if d := find(r, k); d == nil || d.Status != want {
					t.Errorf("%s: %+v, want %s", k, d, want)
				}
			}
			if r.Status != tt.status {
				t.Errorf("status %s, want %s (%s)", r.Status, tt.status, r.Summary())
			}
		})
	}
}

func TestAcceptanceNeedsReason(t *testing.T) {
	o := DefaultOptions()
	o.Accept = []Acceptance{{Glob: "A:*"}}
	r, _ := Compare(snap(map[string][]float64{"A:sec/op": {1}}), snap(map[string][]float64{"A:sec/op": {2}}), o)
	if d := r.Diffs[0]; d.Status != Regression || !strings.Contains(strings.Join(d.Notes, ";"), "a written reason is required") {
		t.Errorf("got %s %q", d.Status, d.Notes)
	}
}

func TestStatisticalNoise(t *testing.T) {
	base := snap(map[string][]float64{"W:sec/op": {100, 130, 90, 120, 95}, "S:sec/op": {100, 101, 99, 100, 102}})
	head := snap(map[string][]float64{"W:sec/op": {125, 95, 140, 100, 118}, "S:sec/op": {120, 121, 119, 122, 120}})
	r, err := Compare(base, head, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	w, s := find(r, "W:sec/op"), find(r, "S:sec/op")
	if w.Status != Warning || !w.Noise || !w.Statistical {
		t.Errorf("W: %s noise=%v p=%v chg=%v", w.Status, w.Noise, w.P, w.ChangePercent)
	}
	if s.Status != Regression || !(s.P < 0.05) || s.EffectSize != 1 {
		t.Errorf("S: %s p=%v effect=%v", s.Status, s.P, s.EffectSize)
	}
	if !r.StatisticalMode || math.IsNaN(s.BaseLo) {
		t.Errorf("statistical mode %v, CI %v..%v", r.StatisticalMode, s.BaseLo, s.BaseHi)
	}
}

func TestHolm(t *testing.T) {
	got := Holm([]float64{0.01, 0.04, 0.03, math.NaN()})
	want := []float64{0.03, 0.06, 0.06}
	for i, w := range want {
		if math.Abs(got[i]-w) > 1e-12 {
			t.Errorf("Holm[%d] = %v, want %v", i, got[i], w)
		}
	}
	if !math.IsNaN(got[3]) {
		t.Errorf("NaN p adjusted to %v", got[3])
	}
}

func TestZeroBaselineSkipped(t *testing.T) {
	r, _ := Compare(snap(map[string][]float64{"Z:B/op": {0}}), snap(map[string][]float64{"Z:B/op": {8}}), DefaultOptions())
	if d := r.Diffs[0]; d.Status != Skipped || len(r.Warnings) != 1 || r.Status != Pass {
		t.Errorf("got %s warnings=%q", d.Status, r.Warnings)
	}
}

func TestOptionErrors(t *testing.T) {
	for _, o := range []Options{{Alpha: 2}, {Correction: "bonferroni"}, {Tiers: &Tiers{Warn: 10, Block: 5}}} {
		if _, err := Compare(&snapshot.Snapshot{}, &snapshot.Snapshot{}, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}
