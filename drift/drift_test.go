package drift

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/flameiq/git-flameiq/snapshot"
)

// series builds n values around base with relative Gaussian noise, calling
// level(i) for the multiplier of the mean at index i. Deterministic in seed.
func series(seed uint64, n int, base, noise float64, level func(i int) float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = base * level(i) * (1 + noise*rng.NormFloat64())
	}
	return xs
}

func step(at int, factor float64) func(int) float64 {
	return func(i int) float64 {
		if i >= at {
			return factor
		}
		return 1
	}
}

func flat(int) float64 { return 1 }

func detect(t *testing.T, xs []float64, opts Options) []ChangePoint {
	t.Helper()
	cps, err := Detect(xs, opts)
	if err != nil {
		t.Fatal(err)
	}
	return cps
}

func TestStepDetected(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		xs := series(seed, 60, 100, 0.02, step(30, 1.2))
		cps := detect(t, xs, Options{})
		var found bool
		for _, c := range cps {
			if c.Index >= 29 && c.Index <= 31 && c.ChangePercent > 15 && c.ChangePercent < 25 {
				found = true
				if !(c.P < 0.001) || len(cps) == 1 && c.NBefore+c.NAfter != 60 {
					t.Errorf("seed %d: %+v", seed, c)
				}
			} else if math.Abs(c.ChangePercent) > 5 {
				t.Errorf("seed %d: spurious change point %+v", seed, c)
			}
		}
		if !found {
			t.Errorf("seed %d: step at 30 not found: %+v", seed, cps)
		}
	}
}

func TestStepExact(t *testing.T) {
	xs := series(7, 60, 100, 0.02, step(30, 1.2))
	cps := detect(t, xs, Options{})
	if len(cps) != 1 || cps[0].Index != 30 {
		t.Fatalf("got %+v, want one change point at 30", cps)
	}
	c := cps[0]
	if math.Abs(c.MeanBefore-100) > 2 || math.Abs(c.MeanAfter-120) > 2 || c.NBefore != 30 || c.NAfter != 30 {
		t.Errorf("got %+v", c)
	}
	if !c.IsRegression(snapshot.LowerIsBetter, 10) || c.IsRegression(snapshot.HigherIsBetter, 10) ||
		!c.IsRegression(snapshot.TwoSided, -10) || c.IsRegression(snapshot.LowerIsBetter, 25) {
		t.Errorf("IsRegression wrong for %+v", c)
	}
}

func TestFlatNoNoise(t *testing.T) {
	// Fixed seeds: a flat noisy series reports nothing.
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		for _, n := range []int{20, 60, 200, 1000} {
			xs := series(seed, n, 100, 0.02, flat)
			if cps := detect(t, xs, Options{}); len(cps) != 0 {
				t.Errorf("seed %d n=%d: %+v", seed, n, cps)
			}
		}
	}
}

// TestFlatFalseAlarmRate documents the false alarm rate on pure noise: the
// t-test p value is optimistic because the split was chosen to maximise the
// difference, so a few percent of noise series report one small change
// (about 2% at n=100 with the defaults), mostly near the ends where a
// segment holds only a few values.
func TestFlatFalseAlarmRate(t *testing.T) {
	const runs = 200
	alarms := 0
	for seed := uint64(100); seed < 100+runs; seed++ {
		xs := series(seed, 100, 100, 0.02, flat)
		cps := detect(t, xs, Options{})
		if len(cps) > 0 {
			alarms++
		}
		for _, c := range cps {
			if math.Abs(c.ChangePercent) > 5 { // 2.5σ of a single value
				t.Errorf("seed %d: large false change %+v", seed, c)
			}
		}
	}
	t.Logf("%d of %d flat series (n=100, 2%% noise) report a change point", alarms, runs)
	if alarms > runs/10 {
		t.Errorf("%d of %d flat series report a change point, want at most 10%%", alarms, runs)
	}
}

func TestSlowCreep(t *testing.T) {
	// Twenty +1% steps, one every ten commits, each too small for a PR gate.
	level := func(i int) float64 { return math.Pow(1.01, float64(i/10)) }
	xs := series(3, 210, 100, 0.003, level)
	cps := detect(t, xs, Options{})
	for _, c := range cps {
		if math.Abs(c.ChangePercent) > 3 {
			t.Errorf("big change point in a slow creep: %+v", c)
		}
	}
	r, err := Creep(xs, 0, 10, snapshot.LowerIsBetter)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Regressed || r.ChangePercent < 20.5 || r.ChangePercent > 23.5 || r.LastIndex != 209 {
		t.Errorf("Creep = %+v, want about +22%% flagged", r)
	}
	// Against a recent reference (10 commits back) the creep is within 10%.
	r, err = Creep(xs, len(xs)-11, 10, snapshot.LowerIsBetter)
	if err != nil || r.Regressed {
		t.Errorf("Creep 10 back = %+v, %v; want not flagged", r, err)
	}
}

func TestTwoSteps(t *testing.T) {
	level := func(i int) float64 {
		switch {
		case i >= 80:
			return 1
		case i >= 40:
			return 1.2
		}
		return 1
	}
	xs := series(11, 120, 50, 0.02, level)
	cps := detect(t, xs, Options{})
	if len(cps) != 2 || abs(cps[0].Index-40) > 1 || abs(cps[1].Index-80) > 1 {
		t.Fatalf("got %+v, want changes at 40 and 80", cps)
	}
	if cps[0].ChangePercent < 15 || cps[1].ChangePercent > -12 {
		t.Errorf("got %+v", cps)
	}
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

func TestGapsKeepInputIndexes(t *testing.T) {
	xs := series(7, 60, 100, 0.02, step(30, 1.2))
	var with []float64
	for i, x := range xs {
		if i%4 == 1 {
			with = append(with, math.NaN()) // a commit without a note
		}
		with = append(with, x)
	}
	with = append(with, math.Inf(1))
	want := detect(t, xs, Options{})
	got := detect(t, with, Options{})
	if len(got) != 1 || len(want) != 1 {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if with[got[0].Index] != xs[want[0].Index] || !math.IsNaN(with[got[0].Index-1]) && with[got[0].Index-1] != xs[want[0].Index-1] {
		t.Errorf("index %d does not map to input index %d", got[0].Index, want[0].Index)
	}
	got[0].Index = want[0].Index
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestExactValues(t *testing.T) {
	tests := []struct {
		name   string
		xs     []float64
		opts   Options
		want   []int
		wantPc []float64
	}{
		{"empty", nil, Options{}, nil, nil},
		{"all NaN", []float64{math.NaN(), math.NaN()}, Options{}, nil, nil},
		{"too short", []float64{1, 1, 2, 2, 2}, Options{}, nil, nil},
		{"constant", []float64{4, 4, 4, 4, 4, 4, 4, 4}, Options{}, nil, nil},
		{"zero-variance step", []float64{5, 5, 5, 5, 5, 6, 6, 6, 6, 6}, Options{}, []int{5}, []float64{20}},
		{"step at the minimum segment", []float64{5, 5, 5, 6, 6, 6, 6, 6, 6, 6}, Options{}, []int{3}, []float64{20}},
		{"below the minimum segment", []float64{5, 5, 6, 6, 6, 6, 6, 6, 6, 6}, Options{}, nil, nil},
		{"min segment 2", []float64{5, 5, 6, 6, 6, 6, 6, 6, 6, 6}, Options{MinSegment: 2}, []int{2}, []float64{20}},
		{"min magnitude filters", []float64{100, 100, 100, 100, 103, 103, 103, 103}, Options{MinMagnitude: 5}, nil, nil},
		{"min magnitude keeps", []float64{100, 100, 100, 100, 106, 106, 106, 106}, Options{MinMagnitude: 5}, []int{4}, []float64{6}},
		{"zero mean before", []float64{0, 0, 0, 1, 1, 1}, Options{}, []int{3}, []float64{math.NaN()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cps := detect(t, tt.xs, tt.opts)
			if len(cps) != len(tt.want) {
				t.Fatalf("got %+v, want indexes %v", cps, tt.want)
			}
			for i, c := range cps {
				pc := tt.wantPc[i]
				if c.ZeroBase != math.IsNaN(pc) || c.ZeroBase && !c.IsRegression(snapshot.LowerIsBetter, 10) {
					t.Errorf("zero base %v, regression %v, want %v", c.ZeroBase, c.IsRegression(snapshot.LowerIsBetter, 10), math.IsNaN(pc))
				}
				if c.Index != tt.want[i] || !(math.Abs(c.ChangePercent-pc) < 1e-9 || math.IsNaN(pc) && math.IsNaN(c.ChangePercent)) || c.P != 0 {
					t.Errorf("got %+v, want index %d, %g%%, p=0", c, tt.want[i], pc)
				}
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	xs := series(42, 1000, 10, 0.05, func(i int) float64 { return 1 + 0.1*float64(i/250) })
	first := detect(t, xs, Options{})
	if len(first) != 3 {
		t.Errorf("got %d change points, want 3: %+v", len(first), first)
	}
	for range 3 {
		if again := detect(t, xs, Options{}); !reflect.DeepEqual(again, first) {
			t.Fatalf("non-deterministic: %+v then %+v", first, again)
		}
	}
}

func TestOptionsErrors(t *testing.T) {
	for _, o := range []Options{{MinSegment: 1}, {MinSegment: -3}, {MaxP: 2}, {MaxP: -0.1}, {MaxP: math.NaN()}, {MinMagnitude: -1}} {
		if _, err := Detect([]float64{1, 2, 3}, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

func TestCreep(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name      string
		values    []float64
		against   int
		threshold float64
		dir       snapshot.Direction
		pct       float64
		regressed bool
		last      int
		err       bool
	}{
		{"up, lower is better", []float64{100, 104, 108, 112}, 0, 10, snapshot.LowerIsBetter, 12, true, 3, false},
		{"up within threshold", []float64{100, 104, 108, 110}, 0, 10, snapshot.LowerIsBetter, 10, false, 3, false}, // strict
		{"up, higher is better", []float64{100, 112}, 0, 10, snapshot.HigherIsBetter, 12, false, 1, false},
		{"down, higher is better", []float64{100, 95, 88}, 0, 10, snapshot.HigherIsBetter, -12, true, 2, false},
		{"down, two-sided", []float64{100, 88}, 0, 10, snapshot.TwoSided, -12, true, 1, false},
		{"negative threshold", []float64{100, 112}, 0, -10, snapshot.LowerIsBetter, 12, true, 1, false},
		{"reference in the middle", []float64{50, 100, 105}, 1, 10, snapshot.LowerIsBetter, 5, false, 2, false},
		{"trailing gaps", []float64{100, 120, nan, nan}, 0, 10, snapshot.LowerIsBetter, 20, true, 1, false},
		{"reference out of range", []float64{100, 120}, 2, 10, snapshot.LowerIsBetter, 0, false, 0, true},
		{"negative reference", []float64{100, 120}, -1, 10, snapshot.LowerIsBetter, 0, false, 0, true},
		{"reference not recorded", []float64{nan, 120}, 0, 10, snapshot.LowerIsBetter, 0, false, 0, true},
		{"reference is last", []float64{100, 120}, 1, 10, snapshot.LowerIsBetter, 0, false, 0, true},
		{"nothing after", []float64{100, nan}, 0, 10, snapshot.LowerIsBetter, 0, false, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Creep(tt.values, tt.against, tt.threshold, tt.dir)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if math.Abs(r.ChangePercent-tt.pct) > 1e-9 || r.Regressed != tt.regressed || r.LastIndex != tt.last ||
				r.RefIndex != tt.against || r.ThresholdPercent != tt.threshold {
				t.Errorf("got %+v", r)
			}
		})
	}
	// From zero: no percentage; a cost where there was none is worse.
	for _, z := range []struct {
		values    []float64
		dir       snapshot.Direction
		regressed bool
		zero      bool
	}{
		{[]float64{0, 1}, snapshot.LowerIsBetter, true, true},
		{[]float64{0, 0, 0}, snapshot.LowerIsBetter, false, false},
		{[]float64{0, 5}, snapshot.HigherIsBetter, false, true},
		{[]float64{0, 5}, snapshot.TwoSided, true, true},
	} {
		r, err := Creep(z.values, 0, 10, z.dir)
		if err != nil || r.Regressed != z.regressed || r.ZeroBase != z.zero || z.zero != math.IsNaN(r.ChangePercent) {
			t.Errorf("Creep(%v, %v) = %+v, %v", z.values, z.dir, r, err)
		}
	}
	if _, err := Creep([]float64{nan, 1}, 0, 10, snapshot.LowerIsBetter); !errors.Is(err, ErrNoReference) {
		t.Errorf("err = %v, want ErrNoReference", err)
	}
}

func BenchmarkDetect1000(b *testing.B) {
	xs := series(1, 1000, 100, 0.02, func(i int) float64 { return 1 + 0.05*float64(i/200) })
	for b.Loop() {
		if _, err := Detect(xs, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDetect1000Flat(b *testing.B) {
	xs := series(1, 1000, 100, 0.02, flat)
	for b.Loop() {
		if _, err := Detect(xs, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestScaleInvariant(t *testing.T) {
	xs := series(5, 90, 1, 0.03, func(i int) float64 { return 1 + 0.15*float64(i/30) })
	want := detect(t, xs, Options{})
	for _, scale := range []float64{1e-9, 1e6} {
		ys := make([]float64, len(xs))
		for i, x := range xs {
			ys[i] = x * scale
		}
		got := detect(t, ys, Options{})
		if len(got) != len(want) || len(got) != 2 {
			t.Fatalf("scale %g: got %+v, want %+v", scale, got, want)
		}
		for i := range got {
			if got[i].Index != want[i].Index || math.Abs(got[i].ChangePercent-want[i].ChangePercent) > 1e-6 {
				t.Errorf("scale %g: got %+v, want %+v", scale, got[i], want[i])
			}
		}
	}
}
