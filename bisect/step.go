package bisect

import (
	"math"

	"github.com/flameiq/git-flameiq/snapshot"
)

// Step is a change between two consecutive recorded values of a series.
type Step struct {
	From, To      int     // indexes of the two values (From < To; unrecorded values between them are skipped)
	Before, After float64 // the values at From and To
	ChangePercent float64 // (After-Before)/|Before|*100; NaN when Before is 0
}

// LargestStep returns the largest single step in the bad direction between
// consecutive recorded values of values (NaN means not recorded, and is
// skipped over): the largest rise for LowerIsBetter, the largest fall for
// HigherIsBetter, the largest move either way for TwoSided. Steps are ranked
// by absolute difference, which within one metric ranks them as a reader
// would. It reports false when fewer than two values are recorded or no step
// moves in the bad direction.
func LargestStep(values []float64, dir snapshot.Direction) (Step, bool) {
	var best Step
	bestSize, found := 0.0, false
	prev := -1
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if prev >= 0 {
			d := v - values[prev]
			var size float64
			switch dir {
			case snapshot.LowerIsBetter:
				size = d
			case snapshot.HigherIsBetter:
				size = -d
			default:
				size = math.Abs(d)
			}
			if size > bestSize {
				bestSize, found = size, true
				best = Step{From: prev, To: i, Before: values[prev], After: v, ChangePercent: percent(values[prev], v)}
			}
		}
		prev = i
	}
	return best, found
}

func percent(before, after float64) float64 {
	if before == 0 {
		return math.NaN()
	}
	return (after - before) / math.Abs(before) * 100
}
