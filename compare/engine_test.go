package compare

import (
	"fmt"
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
		}, map[string]Status{"C:ops/s": Improved}, Regression},
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
	if w.Status != Pass || !w.Noise || !w.Statistical {
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

func TestZeroBaseline(t *testing.T) {
	ten := func(v float64) []float64 { return []float64{v, v, v, v, v, v, v, v, v, v} }
	tests := []struct {
		name       string
		base, head map[string][]float64
		rules      []Rule
		format     string
		want       Status
	}{
		{"single 0 → 8 B/op regresses", map[string][]float64{"Z:B/op": {0}}, map[string][]float64{"Z:B/op": {8}}, nil, "", Regression},
		{"samples 0 → 1 allocs/op regresses", map[string][]float64{"Z:allocs/op": ten(0)}, map[string][]float64{"Z:allocs/op": ten(1)}, nil, "", Regression},
		{"one stray allocation in ten is not significant", map[string][]float64{"Z:allocs/op": ten(0)}, map[string][]float64{"Z:allocs/op": append(ten(0)[:9], 1)}, nil, "", Pass},
		{"0 → 0 passes", map[string][]float64{"Z:allocs/op": ten(0)}, map[string][]float64{"Z:allocs/op": ten(0)}, nil, "", Pass},
		{"higher-is-better rising from 0 improves", map[string][]float64{"Z:ops/s": {0}}, map[string][]float64{"Z:ops/s": {5}}, nil, "", Improved},
		{"higher-is-better falling to 0 regresses", map[string][]float64{"Z:ops/s": {5}}, map[string][]float64{"Z:ops/s": {0}}, nil, "", Regression},
		{"zero_baseline warn", map[string][]float64{"Z:B/op": {0}}, map[string][]float64{"Z:B/op": {8}}, []Rule{{Glob: "*:B/op", ZeroBaseline: ZeroWarn}}, "", Warning},
		{"zero_baseline skip", map[string][]float64{"Z:B/op": {0}}, map[string][]float64{"Z:B/op": {8}}, []Rule{{Glob: "*:B/op", ZeroBaseline: ZeroSkip}}, "", Skipped},
		{"FlameIQ inputs skip by default", map[string][]float64{"Z:B/op": {0}}, map[string][]float64{"Z:B/op": {8}}, nil, "flameiq", Skipped},
		{"FlameIQ inputs follow zero_baseline", map[string][]float64{"Z:B/op": {0}}, map[string][]float64{"Z:B/op": {8}}, []Rule{{Glob: "Z:*", ZeroBaseline: ZeroRegress}}, "flameiq", Regression},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := DefaultOptions()
			o.Rules = tt.rules
			b, h := snap(tt.base), snap(tt.head)
			b.Meta.Format, h.Meta.Format = tt.format, tt.format
			r, err := Compare(b, h, o)
			if err != nil {
				t.Fatal(err)
			}
			d := r.Diffs[0]
			if d.Status != tt.want {
				t.Fatalf("got %s (p=%v notes=%q), want %s", d.Status, d.P, d.Notes, tt.want)
			}
			if d.Status == Regression && d.Base == 0 && (!d.ZeroBase || !math.IsNaN(d.ChangePercent) || d.Reason == "") {
				t.Errorf("0 → N regression: ZeroBase=%v change=%v reason=%q", d.ZeroBase, d.ChangePercent, d.Reason)
			}
			if (r.Status == Regression) != (d.Status == Regression) {
				t.Errorf("result %s with metric %s", r.Status, d.Status)
			}
		})
	}
}

// TestVocabulary: WARNING only for a worsening in the warn band, IMPROVED
// for an improvement beyond it, "~" (PASS with Noise) for a move that is
// not significant, and the p shown is the one in the direction of the move.
func TestVocabulary(t *testing.T) {
	base := snap(map[string][]float64{
		"Slow:sec/op": {100, 101, 99, 100, 102, 100}, "Band:sec/op": {100, 101, 99, 100, 102, 100},
		"Fast:sec/op": {100, 101, 99, 100, 102, 100}, "Wide:sec/op": {100, 160, 70, 130, 90, 100},
		"FastBand:sec/op": {100, 101, 99, 100, 102, 100}})
	head := snap(map[string][]float64{
		"Slow:sec/op": {120, 121, 119, 122, 120, 120}, "Band:sec/op": {107, 108, 106, 107, 108, 107},
		"Fast:sec/op": {70, 71, 69, 70, 72, 70}, "Wide:sec/op": {130, 95, 160, 110, 150, 100},
		"FastBand:sec/op": {93, 94, 92, 93, 94, 93}})
	r, err := Compare(base, head, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Status{"Slow:sec/op": Regression, "Band:sec/op": Warning, "Fast:sec/op": Improved, "Wide:sec/op": Pass, "FastBand:sec/op": Improved}
	for k, st := range want {
		d := find(r, k)
		if d.Status != st {
			t.Errorf("%s: %s (chg %v p %v), want %s", k, d.Status, d.ChangePercent, d.P, st)
		}
		if (d.Status == Pass) != d.Noise {
			t.Errorf("%s: %s noise=%v", k, d.Status, d.Noise)
		}
		if d.Status != Pass && !(d.P < 0.05) {
			t.Errorf("%s: status %s with shown p=%v: the p shown must be the p that decided", k, d.Status, d.P)
		}
	}
	if c := r.Counts(); c.Warnings != 1 || c.Improved != 2 || c.Regressions != 1 || c.Passed != 1 {
		t.Errorf("counts %+v", c)
	}
}

func TestDerivedAndInfo(t *testing.T) {
	base := snap(map[string][]float64{"Copy:sec/op": {100}, "Copy:B/s": {1000}, "Lone:B/s": {1000}})
	head := snap(map[string][]float64{"Copy:sec/op": {130}, "Copy:B/s": {770}, "Lone:B/s": {770}})
	base.Add("lat.max", "ms", snapshot.LowerIsBetter, 10).Info = true
	head.Add("lat.max", "ms", snapshot.LowerIsBetter, 30).Info = true
	base.Sort()
	head.Sort()
	r, _ := Compare(base, head, DefaultOptions())
	want := map[string]Status{"Copy:sec/op": Regression, "Copy:B/s": Info, "Lone:B/s": Regression, "lat.max": Info}
	for k, st := range want {
		if d := find(r, k); d.Status != st {
			t.Errorf("%s: %s, want %s", k, d.Status, st)
		}
	}
	if d := find(r, "Copy:B/s"); d.Derived != "Copy:sec/op" {
		t.Errorf("derived %q", d.Derived)
	}
	if c := r.Counts(); c.Regressions != 2 || c.Info != 2 {
		t.Errorf("counts %+v", c)
	}
	// A rule that names them gates them.
	o := DefaultOptions()
	o.Rules = []Rule{{Glob: "*:B/s", Threshold: ptr(10.0)}, {Glob: "lat.max", Budget: &Budget{Max: ptr(20.0)}}}
	r, _ = Compare(base, head, o)
	if d := find(r, "Copy:B/s"); d.Status != Regression {
		t.Errorf("named B/s: %s", d.Status)
	}
	if d := find(r, "lat.max"); d.Status != BudgetBreach {
		t.Errorf("named max: %s", d.Status)
	}
}

func TestIntervals(t *testing.T) {
	mk := func(v, lo, hi float64) *snapshot.Snapshot {
		s := &snapshot.Snapshot{}
		s.Add("GET /:p99", "ms", snapshot.LowerIsBetter, v).CI = &snapshot.Interval{Lo: lo, Hi: hi, N: 370}
		return s
	}
	// 13 → 23 ms, but the base's p99 could be anywhere up to 26 ms.
	r, _ := Compare(mk(13, 12, 26), mk(23, 14, 30), DefaultOptions())
	if d := r.Diffs[0]; d.Status != Pass || !d.Noise || !d.Interval {
		t.Errorf("overlapping: %s noise=%v interval=%v", d.Status, d.Noise, d.Interval)
	}
	r, _ = Compare(mk(13, 12, 14), mk(18, 17, 19), DefaultOptions())
	if d := r.Diffs[0]; d.Status != Regression || !d.Interval {
		t.Errorf("apart: %s interval=%v", d.Status, d.Interval)
	}
}

func TestFailed(t *testing.T) {
	base := snap(map[string][]float64{"Flaky-2:sec/op": {1}, "Flaky-2:B/op": {1}, "Ok-2:sec/op": {1}, "Flaky-20:sec/op": {1}})
	head := snap(map[string][]float64{"Ok-2:sec/op": {1}, "Flaky-20:sec/op": {1}})
	head.Meta.Failed = []string{"Flaky", "Brand/new"}
	r, _ := Compare(base, head, DefaultOptions())
	want := map[string]Status{"Flaky-2:sec/op": Failed, "Flaky-2:B/op": Failed, "Ok-2:sec/op": Pass, "Flaky-20:sec/op": Pass, "Brand/new": Failed}
	for k, st := range want {
		if d := find(r, k); d == nil || d.Status != st {
			t.Errorf("%s: %+v, want %s", k, d, st)
		}
	}
	if r.Status != Regression || r.Counts().Failed != 3 {
		t.Errorf("status %s counts %+v", r.Status, r.Counts())
	}
	o := DefaultOptions()
	o.Accept = []Acceptance{{Glob: "Flaky*", Reason: "flaky on CI, tracked in #12"}, {Glob: "Brand/*", Reason: "new"}}
	r, _ = Compare(base, head, o)
	if r.Status != Pass {
		t.Errorf("accepted failures: %s", r.Summary())
	}
}

func TestOptionErrors(t *testing.T) {
	for _, o := range []Options{{Alpha: 2}, {Correction: "bonferroni"}, {Tiers: &Tiers{Warn: 10, Block: 5}}} {
		if _, err := Compare(&snapshot.Snapshot{}, &snapshot.Snapshot{}, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

// TestHolmAuto: by default the p-values of the tested metrics are
// Holm-adjusted, so one p=0.03 among many metrics is noise; a metric whose
// samples are too few for the corrected level keeps its raw p (with a
// note) instead of becoming impossible to fail; "none" turns it off.
func TestHolmAuto(t *testing.T) {
	base, head := map[string][]float64{}, map[string][]float64{}
	for i := range 8 {
		k := fmt.Sprintf("M%d:sec/op", i)
		base[k] = []float64{100, 101, 99, 100, 102, 98, 100, 101, 99, 100}
		head[k] = []float64{100, 101, 99, 100, 102, 98, 100, 101, 99, 100 + float64(i)}
	}
	// Moves 12% with p ≈ 0.03 one-sided over 10+10 samples.
	base["Noisy:sec/op"] = []float64{100, 130, 90, 120, 95, 105, 110, 85, 125, 100}
	head["Noisy:sec/op"] = []float64{118, 140, 104, 131, 108, 115, 126, 99, 135, 112}
	r, err := Compare(snap(base), snap(head), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	d := find(r, "Noisy:sec/op")
	if d.PRaw >= 0.05 || d.Status != Pass || !d.Noise || !d.Corrected || r.Family < 2 {
		t.Errorf("Noisy: raw p=%v p=%v %s corrected=%v family=%d", d.PRaw, d.P, d.Status, d.Corrected, r.Family)
	}
	o := DefaultOptions()
	o.Correction = "none"
	r, _ = Compare(snap(base), snap(head), o)
	if d := find(r, "Noisy:sec/op"); d.Status != Regression || r.Family != 0 {
		t.Errorf("uncorrected: %s family=%d", d.Status, r.Family)
	}
	// n=5+5 (smallest one-sided p 1/252) over 13 metrics cannot reach
	// 0.05/13: judged uncorrected, and said so.
	b5, h5 := map[string][]float64{}, map[string][]float64{}
	for i := range 13 {
		k := fmt.Sprintf("S%02d:sec/op", i)
		b5[k] = []float64{100, 101, 99, 100, 102}
		h5[k] = []float64{100, 101, 99, 100, 102 + float64(i)}
	}
	h5["S00:sec/op"] = []float64{150, 151, 149, 150, 152}
	r, _ = Compare(snap(b5), snap(h5), DefaultOptions())
	if d := find(r, "S00:sec/op"); d.Status != Regression || d.Corrected || !strings.Contains(strings.Join(d.Notes, ";"), "too few for the correction") {
		t.Errorf("S00: %s corrected=%v notes=%q", d.Status, d.Corrected, d.Notes)
	}
}

// TestInvisibleRename: a benchmark renamed by a zero-width space (stored
// with the escape snapshot.Printable writes) is compared under its base
// name, not let through as MISSING + NEW.
func TestInvisibleRename(t *testing.T) {
	base := snap(map[string][]float64{"Encode-2:sec/op": {100}, "Other:sec/op": {1}})
	head := snap(map[string][]float64{snapshot.Printable("Encode\u200b-2:sec/op"): {200}, "Other:sec/op": {1}})
	r, _ := Compare(base, head, DefaultOptions())
	d := find(r, "Encode-2:sec/op")
	if d == nil || d.Status != Regression || d.RenamedTo != `Encode\u200b-2:sec/op` || len(r.Diffs) != 2 || len(r.Warnings) != 1 {
		t.Fatalf("got %+v (diffs %d, warnings %q)", d, len(r.Diffs), r.Warnings)
	}
	// A real rename stays MISSING + NEW.
	head = snap(map[string][]float64{"Encoder-2:sec/op": {200}, "Other:sec/op": {1}})
	r, _ = Compare(base, head, DefaultOptions())
	if d := find(r, "Encode-2:sec/op"); d.Status != Missing {
		t.Errorf("real rename: %s", d.Status)
	}
}
