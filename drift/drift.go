// Package drift finds where a metric's baseline moved along first-parent
// history: change points (steps) and slow creep.
//
// The input is one value per commit, oldest first, as commands reads it from
// the notes (a metric's Value, the median of its samples). NaN marks a
// commit without a value; it is ignored and indexes in the output still refer
// to the input slice. The package knows no git and no formats.
//
// # Change points: E-Divisive means with a Student t-test
//
// Detect implements the method of Hunter (Fleming et al., "Hunter: Using
// Change Point Detection to Hunt for Performance Regressions", ICPE 2023),
// maintained today as Apache Otava:
//
//  1. E-Divisive means (Matteson and James, 2014) by binary segmentation: in
//     an interval, the split τ that maximises the energy statistic
//     Q(τ) = mn/(m+n) · (2/(mn)·Σ|x−y| − Σ|x−x'|/C(m,2) − Σ|y−y'|/C(n,2))
//     between the m values before τ and the n values after it is the
//     candidate change point. The energy statistic needs no assumption about
//     the distribution and reacts to a shift of the mean in either direction.
//  2. The candidate is kept when a two-sample Student t-test between the two
//     segments it separates gives p ≤ 10·MaxP (a looser first pass, as
//     Otava does, because a segment that still holds another change inflates
//     the variance); both halves are then searched again.
//  3. Pruning: every change point is tested again against its neighbouring
//     segments only (previous change point to next); the weakest one whose p
//     exceeds MaxP, or whose change is below MinMagnitude percent, is
//     removed, and the test repeats until every change point passes. The
//     reported means, percentages and p values are those of this final test.
//
// Why the t-test rather than the original permutation test: the permutation
// test needs hundreds of random re-shuffles per candidate, so its answer
// depends on a random seed and costs hundreds of times the search itself.
// The t-test is deterministic (the same history always gives the same
// report, which a CI gate and golden tests need) and cheap: 1,000 points take
// a few milliseconds. Its p value is optimistic, because the split was chosen
// to maximise the difference; the strict default MaxP of 0.001 (Otava's
// default) compensates: on pure Gaussian noise about 2% of 100-value series
// (4% of 1,000-value series) still report one change point, usually small
// and near an end, so gate on a change's size (IsRegression with a
// threshold) rather than on its presence. Per-commit samples are not pooled into the test:
// pooling would measure only the noise within one run, not the noise between
// runs on different commits, and would report spurious changes.
//
// # Creep
//
// A baseline can drift by many steps that are each too small to be a change
// point or to fail a PR gate. Creep compares the last value with a reference
// (N commits back, or a tagged release) against a threshold in the metric's
// bad direction.
package drift

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/aclements/go-moremath/stats"

	"github.com/flameiq/git-flameiq/snapshot"
)

// Options control Detect. Start from DefaultOptions; zero fields take the
// defaults.
type Options struct {
	// MinSegment is the fewest values a segment may hold on either side of
	// a change point (default 3, at least 2).
	MinSegment int
	// MaxP is the largest t-test p value for which a change point is
	// reported (default 0.001).
	MaxP float64
	// MinMagnitude is the smallest change, in percent of the mean before,
	// that is reported (default 0: any significant change).
	MinMagnitude float64
}

// DefaultOptions returns MinSegment 3, MaxP 0.001 and no minimum magnitude.
func DefaultOptions() Options {
	return Options{MinSegment: 3, MaxP: 0.001}
}

// ChangePoint is a significant shift of the mean.
type ChangePoint struct {
	// Index is the index, in the input, of the first value after the change.
	Index int
	// MeanBefore and MeanAfter are the means of the segments on each side,
	// each reaching to the neighbouring change point or the series end.
	MeanBefore, MeanAfter float64
	// NBefore and NAfter are the numbers of values in those segments.
	NBefore, NAfter int
	// ChangePercent is (MeanAfter-MeanBefore)/|MeanBefore|·100, NaN when
	// MeanBefore is 0.
	ChangePercent float64
	// P is the two-sided Student t-test p value between the two segments.
	P float64
	// ZeroBase is set when MeanBefore is 0 and MeanAfter is not: no
	// percentage, a cost where there was none (see FromZeroIsWorse).
	ZeroBase bool
}

// IsRegression reports whether the change moves in dir's bad direction by
// more than thresholdPct percent (strictly; the sign of thresholdPct is
// ignored). A NaN change is never a regression.
func (c ChangePoint) IsRegression(dir snapshot.Direction, thresholdPct float64) bool {
	if c.ZeroBase {
		return FromZeroIsWorse(c.MeanAfter, dir)
	}
	return worse(c.ChangePercent, dir, thresholdPct)
}

// FromZeroIsWorse is the zero-baseline rule git-flameiq's comparison uses
// (compare's zero_baseline: regress): a move away from 0 is worse for a
// lower-is-better metric when it rises (allocs/op 0 → 1), for a
// higher-is-better one when it falls below 0, and always for a two-sided
// one.
func FromZeroIsWorse(after float64, dir snapshot.Direction) bool {
	switch dir {
	case snapshot.LowerIsBetter:
		return after > 0
	case snapshot.HigherIsBetter:
		return after < 0
	}
	return after != 0
}

func worse(pct float64, dir snapshot.Direction, thresholdPct float64) bool {
	th := math.Abs(thresholdPct)
	switch dir {
	case snapshot.LowerIsBetter:
		return pct > th
	case snapshot.HigherIsBetter:
		return pct < -th
	default:
		return math.Abs(pct) > th
	}
}

func (o Options) withDefaults() (Options, error) {
	d := DefaultOptions()
	if o.MinSegment == 0 {
		o.MinSegment = d.MinSegment
	}
	if o.MaxP == 0 {
		o.MaxP = d.MaxP
	}
	switch {
	case o.MinSegment < 2:
		return o, fmt.Errorf("drift: minimum segment %d must be at least 2", o.MinSegment)
	case !(o.MaxP > 0 && o.MaxP <= 1):
		return o, fmt.Errorf("drift: p value %g must be in (0, 1]", o.MaxP)
	case !(o.MinMagnitude >= 0):
		return o, fmt.Errorf("drift: minimum magnitude %g%% must not be negative", o.MinMagnitude)
	}
	return o, nil
}

// Detect returns the change points of values (oldest first), in index
// order. NaN and infinite values are ignored. A series shorter than twice
// MinSegment has none. The result depends only on values and opts.
func Detect(values []float64, opts Options) ([]ChangePoint, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	xs := make([]float64, 0, len(values))
	at := make([]int, 0, len(values)) // at[k] is the input index of xs[k]
	for i, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			xs = append(xs, v)
			at = append(at, i)
		}
	}

	firstP := opts.MaxP * 10
	if firstP > 1 {
		firstP = 1
	}
	var cps []int // split positions in xs
	var split func(s, e int)
	split = func(s, e int) {
		tau, ok := bestSplit(xs[s:e], opts.MinSegment)
		if !ok {
			return
		}
		tau += s
		if p := tTest(xs[s:tau], xs[tau:e]); !(p <= firstP) {
			return
		}
		cps = append(cps, tau)
		split(s, tau)
		split(tau, e)
	}
	split(0, len(xs))
	sort.Ints(cps)

	// Pruning: drop the weakest change point until all pass against their
	// neighbours.
	for {
		worst, worstP := -1, -1.0
		for j := range cps {
			l, r := bounds(cps, j, len(xs))
			before, after := xs[l:cps[j]], xs[cps[j]:r]
			p := tTest(before, after)
			pct := percent(mean(before), mean(after))
			if mean(before) == 0 && mean(after) != 0 {
				pct = math.Inf(1) // from zero: as large as a change gets
			}
			fails := !(p <= opts.MaxP) || (opts.MinMagnitude > 0 && !(math.Abs(pct) >= opts.MinMagnitude))
			if fails && (worst < 0 || p > worstP) {
				worst, worstP = j, p
			}
		}
		if worst < 0 {
			break
		}
		cps = append(cps[:worst], cps[worst+1:]...)
	}

	out := make([]ChangePoint, 0, len(cps))
	for j, c := range cps {
		l, r := bounds(cps, j, len(xs))
		before, after := xs[l:c], xs[c:r]
		mb, ma := mean(before), mean(after)
		out = append(out, ChangePoint{
			Index:      at[c],
			MeanBefore: mb, MeanAfter: ma,
			NBefore: len(before), NAfter: len(after),
			ChangePercent: percent(mb, ma),
			P:             tTest(before, after),
			ZeroBase:      mb == 0 && ma != 0,
		})
	}
	return out, nil
}

// bounds returns the segment edges around change point j: the previous
// change point (or 0) and the next one (or n).
func bounds(cps []int, j, n int) (int, int) {
	l, r := 0, n
	if j > 0 {
		l = cps[j-1]
	}
	if j+1 < len(cps) {
		r = cps[j+1]
	}
	return l, r
}

// bestSplit returns the split τ of xs (minSeg ≤ τ ≤ len(xs)-minSeg) with the
// largest energy statistic, and false when xs is too short or every
// statistic is zero (a constant series). O(len(xs)²) time, O(len(xs)) space.
func bestSplit(xs []float64, minSeg int) (int, bool) {
	n := len(xs)
	if n < 2*minSeg {
		return 0, false
	}
	// left[t] = Σ_{i<t} |x_t − x_i|, right[t] = Σ_{j>t} |x_t − x_j|.
	left := make([]float64, n)
	right := make([]float64, n)
	for i := 0; i < n; i++ {
		xi := xs[i]
		for k := i + 1; k < n; k++ {
			d := math.Abs(xi - xs[k])
			left[k] += d
			right[i] += d
		}
	}
	var total float64
	for _, v := range left {
		total += v
	}
	// within[τ] sums for the left part grow with τ; the right part's sum is
	// the total of right[t] for t ≥ τ.
	var a float64 // Σ_{i<k<τ} |x_i − x_k|
	b := total    // Σ_{τ≤j<k} |x_j − x_k|, at τ = 0
	best, bestQ := 0, 0.0
	for tau := 1; tau < n; tau++ {
		a += left[tau-1]
		b -= right[tau-1]
		if tau < minSeg || n-tau < minSeg {
			continue
		}
		m, k := float64(tau), float64(n-tau)
		c := total - a - b
		q := m * k / (m + k) * (2*c/(m*k) - a/(m*(m-1)/2) - b/(k*(k-1)/2))
		if q > bestQ {
			best, bestQ = tau, q
		}
	}
	return best, bestQ > 0
}

// tTest is the two-sided Student t-test p value between x and y. Two
// constant segments give 0 when their values differ and 1 otherwise.
func tTest(x, y []float64) float64 {
	r, err := stats.TwoSampleTTest(stats.Sample{Xs: x}, stats.Sample{Xs: y}, stats.LocationDiffers)
	if err != nil {
		if errors.Is(err, stats.ErrZeroVariance) && mean(x) != mean(y) {
			return 0
		}
		return 1
	}
	if math.IsNaN(r.P) {
		return 1
	}
	return math.Max(0, math.Min(1, r.P))
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func percent(before, after float64) float64 {
	if before == 0 {
		return math.NaN()
	}
	return (after - before) / math.Abs(before) * 100
}

// CreepResult compares the last recorded value with a reference value.
type CreepResult struct {
	RefIndex, LastIndex int     // indexes in the input of the two values
	Ref, Last           float64 // the two values
	ChangePercent       float64 // (Last-Ref)/|Ref|·100
	ThresholdPercent    float64 // the threshold, as given
	Regressed           bool    // ChangePercent is beyond the threshold in the bad direction (or, from zero, FromZeroIsWorse)
	ZeroBase            bool    // Ref is 0 and Last is not: ChangePercent is NaN
}

// ErrNoReference means the reference index holds no value, or no value was
// recorded after it.
var ErrNoReference = errors.New("no value to compare")

// Creep compares the last recorded (non-NaN) value of values with
// values[against] and flags a change strictly beyond thresholdPct percent in
// dir's bad direction: up for LowerIsBetter, down for HigherIsBetter, either
// way for TwoSided (the sign of thresholdPct is ignored). It returns an
// error when against is out of range, when values[against] is not recorded
// or is zero, or when no value is recorded after it.
func Creep(values []float64, against int, thresholdPct float64, dir snapshot.Direction) (CreepResult, error) {
	if against < 0 || against >= len(values) {
		return CreepResult{}, fmt.Errorf("drift: reference index %d outside the series of %d values", against, len(values))
	}
	ref := values[against]
	if math.IsNaN(ref) || math.IsInf(ref, 0) {
		return CreepResult{}, fmt.Errorf("drift: reference index %d: %w", against, ErrNoReference)
	}
	last := -1
	for i := len(values) - 1; i > against; i-- {
		if !math.IsNaN(values[i]) && !math.IsInf(values[i], 0) {
			last = i
			break
		}
	}
	if last < 0 {
		return CreepResult{}, fmt.Errorf("drift: nothing recorded after reference index %d: %w", against, ErrNoReference)
	}
	if ref == 0 {
		r := CreepResult{RefIndex: against, LastIndex: last, Ref: ref, Last: values[last], ThresholdPercent: thresholdPct, ChangePercent: math.NaN()}
		if values[last] == 0 {
			r.ChangePercent = 0
		} else {
			r.ZeroBase, r.Regressed = true, FromZeroIsWorse(values[last], dir)
		}
		return r, nil
	}
	pct := percent(ref, values[last])
	return CreepResult{
		RefIndex: against, LastIndex: last,
		Ref: ref, Last: values[last],
		ChangePercent:    pct,
		ThresholdPercent: thresholdPct,
		Regressed:        worse(pct, dir, thresholdPct),
	}, nil
}
