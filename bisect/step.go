package bisect

import (
	"math"
	"sort"

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
	steps := Steps(values, dir)
	if len(steps) == 0 {
		return Step{}, false
	}
	return steps[0], true
}

// Steps returns every step between consecutive recorded values that moves
// in the bad direction (as LargestStep defines it), largest first; equal
// steps keep their order.
func Steps(values []float64, dir snapshot.Direction) []Step {
	type sized struct {
		Step
		size float64
	}
	var all []sized
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
			if size > 0 {
				all = append(all, sized{Step{From: prev, To: i, Before: values[prev], After: v, ChangePercent: percent(values[prev], v)}, size})
			}
		}
		prev = i
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].size > all[j].size })
	out := make([]Step, len(all))
	for i, s := range all {
		out[i] = s.Step
	}
	return out
}

func percent(before, after float64) float64 {
	if before == 0 {
		return math.NaN()
	}
	return (after - before) / math.Abs(before) * 100
}
