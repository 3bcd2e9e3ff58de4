package bisect

import (
	"math"
	"testing"

	"github.com/flameiq/git-flameiq/snapshot"
)

func TestLargestStep(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name     string
		values   []float64
		dir      snapshot.Direction
		ok       bool
		from, to int
		pct      float64
	}{
		{"empty", nil, snapshot.LowerIsBetter, false, 0, 0, 0},
		{"one value", []float64{1}, snapshot.LowerIsBetter, false, 0, 0, 0},
		{"rise, lower is better", []float64{100, 101, 120, 119, 125}, snapshot.LowerIsBetter, true, 1, 2, 100 * 19.0 / 101},
		{"fall, higher is better", []float64{100, 80, 81, 70}, snapshot.HigherIsBetter, true, 0, 1, -20},
		{"two-sided takes either way", []float64{100, 101, 70, 71}, snapshot.TwoSided, true, 1, 2, -100 * 31.0 / 101},
		{"only improvements", []float64{100, 90, 80}, snapshot.LowerIsBetter, false, 0, 0, 0},
		{"gaps are skipped", []float64{100, nan, nan, 130, nan, 131}, snapshot.LowerIsBetter, true, 0, 3, 30},
		{"first of equal steps wins", []float64{10, 20, 30}, snapshot.LowerIsBetter, true, 0, 1, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := LargestStep(tt.values, tt.dir)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v (%+v)", ok, tt.ok, s)
			}
			if !ok {
				return
			}
			if s.From != tt.from || s.To != tt.to || math.Abs(s.ChangePercent-tt.pct) > 1e-9 {
				t.Errorf("got %+v, want %d→%d %.4f%%", s, tt.from, tt.to, tt.pct)
			}
			if s.Before != tt.values[s.From] || s.After != tt.values[s.To] {
				t.Errorf("values %+v do not match the series", s)
			}
		})
	}
}

func TestLargestStepZeroBefore(t *testing.T) {
	s, ok := LargestStep([]float64{0, 5}, snapshot.LowerIsBetter)
	if !ok || !math.IsNaN(s.ChangePercent) {
		t.Fatalf("got %+v %v, want NaN percent", s, ok)
	}
}
