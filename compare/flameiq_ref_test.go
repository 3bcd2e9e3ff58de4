package compare

// FlameIQ's reference statistics (scipy's Mann-Whitney U, Cohen's d, its
// noise filter), reproduced only to check the conformance vectors; the
// engine uses moremath's test and Cliff's delta (stats.go).

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/aclements/go-moremath/stats"

	"github.com/flameiq/git-flameiq/snapshot"
)

// Alternative is the alternative hypothesis of a Mann-Whitney U test, named
// as scipy names it. The first sample is the current (head) one.
type Alternative string

const (
	AltGreater  Alternative = "greater"   // current tends to be larger than baseline
	AltLess     Alternative = "less"      // current tends to be smaller than baseline
	AltTwoSided Alternative = "two-sided" // they differ
)

// MannWhitney reproduces scipy.stats.mannwhitneyu(current, baseline,
// alternative=alt, method="auto", use_continuity=True) (scipy 1.10), the
// test FlameIQ's statistical engine runs. u is U1, the U statistic of the
// current sample (ties count ½). method is "exact" or "asymptotic":
//
//   - scipy's "auto" picks exact when either sample has at most 8 values and
//     there are no ties, asymptotic otherwise. moremath's MannWhitneyUTest
//     picks differently (exact up to 50 values, or 25 with ties, and refuses
//     all-equal samples), so we apply scipy's selection rule here and use
//     moremath's pieces: stats.UDist (no ties) for the exact distribution and
//     stats.StdNormal for the asymptotic one.
//   - asymptotic: z = (U - n1·n2/2 - ½) / σ with the tie-corrected σ; a σ of
//     0 gives z = ±Inf as in scipy (so all-equal samples give p = 1).
//
// NaN in either sample gives u = p = NaN and method "" (scipy propagates NaN).
func MannWhitney(baseline, current []float64, alt Alternative) (u, p float64, method string) {
	if hasNaN(baseline) || hasNaN(current) || len(baseline) == 0 || len(current) == 0 {
		return math.NaN(), math.NaN(), ""
	}
	n1, n2 := len(current), len(baseline)
	u1, ties := rankSum(current, baseline)
	u2 := float64(n1*n2) - u1
	var stat, factor float64 = u1, 1
	switch alt {
	case AltLess:
		stat = u2
	case AltTwoSided:
		stat, factor = math.Max(u1, u2), 2
	}
	hasTies := false
	for _, t := range ties {
		if t > 1 {
			hasTies = true
		}
	}
	if (n1 <= 8 || n2 <= 8) && !hasTies {
		method = "exact"
		p = exactSF(stat, n1, n2)
	} else {
		method = "asymptotic"
		p = 1 - stats.StdNormal.CDF(mwuZ(stat, n1, n2, ties))
	}
	return u1, math.Min(math.Max(p*factor, 0), 1), method
}

// exactSF is P(U >= u) under the no-ties null distribution.
func exactSF(u float64, n1, n2 int) float64 {
	d := stats.UDist{N1: n1, N2: n2}
	sf := 0.0
	for k := math.Ceil(u); k <= float64(n1*n2); k++ {
		sf += d.PMF(k)
	}
	return sf
}

// mwuZ is scipy's _get_mwu_z with continuity correction.
func mwuZ(u float64, n1, n2 int, ties []int) float64 {
	n := float64(n1 + n2)
	mu := float64(n1*n2) / 2
	tie := 0.0
	for _, t := range ties {
		tie += float64(t*t*t - t)
	}
	s := math.Sqrt(float64(n1*n2) / 12 * ((n + 1) - tie/(n*(n-1))))
	return (u - mu - 0.5) / s
}

// rankSum returns U1 of x against y (midranks for ties) and the sizes of
// the tie groups of the pooled sample.
func rankSum(x, y []float64) (u1 float64, ties []int) {
	type obs struct {
		v     float64
		fromX bool
	}
	all := make([]obs, 0, len(x)+len(y))
	for _, v := range x {
		all = append(all, obs{v, true})
	}
	for _, v := range y {
		all = append(all, obs{v, false})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v < all[j].v })
	r1 := 0.0
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		rank := float64(i+1+j) / 2 // mean of ranks i+1..j
		for k := i; k < j; k++ {
			if all[k].fromX {
				r1 += rank
			}
		}
		ties = append(ties, j-i)
		i = j
	}
	n1 := float64(len(x))
	return r1 - n1*(n1+1)/2, ties
}

func hasNaN(xs []float64) bool {
	for _, v := range xs {
		if math.IsNaN(v) {
			return true
		}
	}
	return false
}

// CohensD is (mean(current) - mean(baseline)) / pooled standard deviation
// (sample variances, n-1), FlameIQ's effect size. A pooled SD of 0 gives 0.
func CohensD(baseline, current []float64) float64 {
	n1, n2 := float64(len(baseline)), float64(len(current))
	if n1+n2 <= 2 {
		return math.NaN()
	}
	m1, v1 := meanVar(baseline)
	m2, v2 := meanVar(current)
	pooled := math.Sqrt(((n1-1)*v1 + (n2-1)*v2) / (n1 + n2 - 2))
	if pooled == 0 {
		return 0
	}
	return (m2 - m1) / pooled
}

func meanVar(xs []float64) (mean, variance float64) {
	for _, v := range xs {
		mean += v
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	for _, v := range xs {
		variance += (v - mean) * (v - mean)
	}
	return mean, variance / float64(len(xs)-1)
}

// EffectLabel is Cohen's conventional label for |d|: negligible (< 0.2),
// small (< 0.5), medium (< 0.8), large otherwise (NaN included, as in
// FlameIQ).
func EffectLabel(d float64) string {
	a := math.Abs(d)
	switch {
	case a < 0.2:
		return "negligible"
	case a < 0.5:
		return "small"
	case a < 0.8:
		return "medium"
	}
	return "large"
}

// SignificanceResult is the outcome of FlameIQ's statistical engine
// (Significance).
type SignificanceResult struct {
	U           float64 // U1 of the current sample
	Method      string  // "exact" or "asymptotic" ("" when NaN)
	P           float64 // one-sided "current greater" p-value
	Alpha       float64 // 1 - confidence, in floating point
	Significant bool    // P < Alpha
	EffectSize  float64 // Cohen's d
	EffectLabel string
}

// InsufficientSamplesError is returned by Significance when a group has
// fewer than the minimum number of samples.
type InsufficientSamplesError struct {
	Group     string // "baseline" or "current"
	Got, Need int
}

func (e *InsufficientSamplesError) Error() string {
	return fmt.Sprintf("insufficient samples in %s: got %d, need %d", e.Group, e.Got, e.Need)
}

// Significance reproduces FlameIQ's (unwired) statistical engine: a
// one-sided "current greater" Mann-Whitney U test whatever the metric's
// direction, alpha = 1 - confidence, and Cohen's d. The baseline group is
// checked for size first.
func Significance(baseline, current []float64, confidence float64, minSamples int) (SignificanceResult, error) {
	if len(baseline) < minSamples {
		return SignificanceResult{}, &InsufficientSamplesError{"baseline", len(baseline), minSamples}
	}
	if len(current) < minSamples {
		return SignificanceResult{}, &InsufficientSamplesError{"current", len(current), minSamples}
	}
	u, p, method := MannWhitney(baseline, current, AltGreater)
	r := SignificanceResult{U: u, Method: method, P: p, Alpha: 1 - confidence}
	r.Significant = p < r.Alpha
	r.EffectSize = CohensD(baseline, current)
	if hasNaN(baseline) || hasNaN(current) {
		r.EffectSize = math.NaN()
	}
	r.EffectLabel = EffectLabel(r.EffectSize)
	return r, nil
}

// NoiseFilterMedian is FlameIQ's noise_filter_median: the median of the
// samples after dropping the first warmup ones (Python slice semantics, so
// a negative warmup keeps the last -warmup samples). Nothing left is an
// error.
func NoiseFilterMedian(samples []float64, warmup int) (float64, error) {
	start := warmup
	if start < 0 {
		start = max(len(samples)+start, 0)
	}
	if start >= len(samples) {
		return math.NaN(), fmt.Errorf("no samples left after %d warm-up runs (have %d)", warmup, len(samples))
	}
	return snapshot.Median(samples[start:]), nil
}

// ParseThreshold parses a threshold value as FlameIQ's parse_threshold
// does: a string must be a percent string (see ParseThresholdString); a
// number passes through unchanged; a boolean counts as 1 or 0 (Python
// semantics); anything else (nil, lists, maps) is an error.
func ParseThreshold(v any) (float64, error) {
	switch x := v.(type) {
	case string:
		return ParseThresholdString(x)
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case int32:
		return float64(x), nil
	case uint:
		return float64(x), nil
	case uint64:
		return float64(x), nil
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return 0, &ThresholdError{Value: strconv.Quote(x.String())}
		}
		return f, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	}
	return 0, &ThresholdError{Value: fmt.Sprintf("%v", v)}
}

// RulesFromThresholds turns a FlameIQ threshold map {key or glob: value}
// into Rules, parsing every value (as the reference does, an invalid value
// fails the whole map even when no metric uses it). Rules come out in key
// order so the result is deterministic.
func RulesFromThresholds(m map[string]any) ([]Rule, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rules := make([]Rule, 0, len(keys))
	for _, k := range keys {
		t, err := ParseThreshold(m[k])
		if err != nil {
			return nil, fmt.Errorf("threshold for %q: %w", k, err)
		}
		rules = append(rules, Rule{Glob: k, Threshold: &t})
	}
	return rules, nil
}
