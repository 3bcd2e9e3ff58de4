package compare

import (
	"math"
	"sort"
)

// CliffsDelta is the effect size git-flameiq reports in statistical mode:
// Cliff's delta, (#{head > base} - #{head < base}) / (n_base · n_head) over
// all pairs, in [-1, 1]. Positive means head tends to be larger. It is the
// rank-biserial correlation of the Mann-Whitney U test (2U/(n1·n2) - 1), so
// it agrees with the test and, unlike Cohen's d, is robust to outliers.
func CliffsDelta(base, head []float64) float64 {
	if len(base) == 0 || len(head) == 0 {
		return math.NaN()
	}
	var gt, lt int
	for _, h := range head {
		for _, b := range base {
			switch {
			case h > b:
				gt++
			case h < b:
				lt++
			}
		}
	}
	return float64(gt-lt) / float64(len(base)*len(head))
}

// Holm adjusts p-values with the Holm–Bonferroni step-down method: sorted
// ascending, p(i) is multiplied by (m - i), made monotone and capped at 1.
// NaN p-values are left as they are and do not count in m.
func Holm(ps []float64) []float64 {
	out := append([]float64(nil), ps...)
	idx := make([]int, 0, len(ps))
	for i, p := range ps {
		if !math.IsNaN(p) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return ps[idx[a]] < ps[idx[b]] })
	m := len(idx)
	prev := 0.0
	for rank, i := range idx {
		adj := math.Min(1, ps[i]*float64(m-rank))
		adj = math.Max(adj, prev)
		out[i], prev = adj, adj
	}
	return out
}
