package ingest

// The uncertainty of a quantile that a load-test tool computed from the n
// requests of a single run (Locust's p99 of a few hundred requests, k6's
// p(95)): the distribution-free 95% interval of a quantile from order
// statistics.
//
// If B is the number of the n observations below the population
// q-quantile, B ~ Binomial(n, q), and the population quantile lies between
// the order statistics X(l) and X(u) (1-based) with probability
// P(l ≤ B < u). The ranks are equal-tailed: l is the largest with
// P(B < l) ≤ 2.5% and u the smallest with P(B ≥ u) ≤ 2.5%, from the exact
// binomial probabilities (for n·q·(1-q) > 10⁶ from go-moremath's normal
// approximation with continuity correction, which agrees there). So each
// bound holds on its own with 97.5% (a comparison asks a one-sided
// question: is the head's lower bound above the base's upper bound?), and
// the bounds never decrease as q grows.
//
// go-moremath's stats.QuantileCI is not used: above n = 30 it takes the
// normal approximation even where that is poor (93.4% coverage for
// q = 0.01, n = 42), and its left-biased upper rank steps back as q grows.
// Its BinomialDist.PMF overflows past n ≈ 1000, and its CDF panics when
// the incomplete beta function does not converge, which a parser must
// never do; the tests check the probabilities here against that CDF.
//
// The tool does not report its order statistics, only a ladder of other
// quantiles of the same distribution (min, p50, p90, p95, p99, max). X(l)
// is the tool's quantile at a level between (l-1)/n and l/n, whatever the
// tool's quantile definition (k6 interpolates at (l-1)/(n-1), Locust takes
// the observation at ⌊n·p⌋+1), so the bounds are read at the outer ends:
// the lower bound at level (l-1)/n and the upper at u/n, by monotone
// piecewise-linear interpolation between the ladder's points. An
// order statistic outside 1…n (the interval reaches past the data) is the
// ladder's lowest or highest point; beyond the ladder's ends the end point
// is used, never an extrapolation. With fewer than 5 observations the
// interval is the whole reported range.

import (
	"math"
	"slices"
	"sort"

	"github.com/aclements/go-moremath/stats"

	"github.com/flameiq/git-flameiq/internal/memo"
	"github.com/flameiq/git-flameiq/snapshot"
)

// quantileConfidence is the coverage of the intervals set at ingest.
const quantileConfidence = 0.95

// quantileExactSD is the standard deviation of Binomial(n, q) above which
// the ranks come from the normal approximation (n·q·(1-q) > 10⁶: its skew is
// below 0.001 and it agrees with the exact ranks; the exact sums would
// take O(sd) steps).
const quantileExactSD = 1000

// quantileMinN is the sample size below which an interval is the whole
// reported range.
const quantileMinN = 5

// quantilePoint is one reported quantile of a distribution: Value at
// Level (0 = the minimum, 0.5 the median, 1 the maximum).
type quantilePoint struct{ Level, Value float64 }

// quantileCI returns the 95% interval of the q-quantile (0 < q < 1) that a
// tool reported as value, computed from n observations, given the other
// quantiles the tool reported for the same distribution (ladder; it need
// not contain q itself, nor be sorted). It is nil when there is nothing to
// say: n < 1, q outside (0, 1), or a value that is not finite. Always
// Lo ≤ value ≤ Hi.
func quantileCI(q, value float64, n int, ladder []quantilePoint) *snapshot.Interval {
	if n < 1 || !(q > 0 && q < 1) || math.IsNaN(value) || math.IsInf(value, 0) {
		return nil
	}
	pts := make([]quantilePoint, 0, len(ladder)+1)
	for _, p := range ladder {
		if p.Level >= 0 && p.Level <= 1 && !math.IsNaN(p.Value) && !math.IsInf(p.Value, 0) {
			pts = append(pts, p)
		}
	}
	pts = append(pts, quantilePoint{q, value})
	slices.SortStableFunc(pts, func(a, b quantilePoint) int {
		switch {
		case a.Level < b.Level:
			return -1
		case a.Level > b.Level:
			return 1
		}
		return 0
	})
	// A quantile function does not decrease; rounding in the tool's
	// output can make it look as if it did (Locust's rounded p50 below
	// its exact minimum).
	for i := 1; i < len(pts); i++ {
		pts[i].Value = math.Max(pts[i].Value, pts[i-1].Value)
	}
	lo, hi := pts[0].Value, pts[len(pts)-1].Value
	if n >= quantileMinN {
		l, u := cachedRanks(n, q)
		if l >= 1 {
			lo = ladderAt(pts, float64(l-1)/float64(n))
		}
		if u <= n {
			hi = ladderAt(pts, float64(u)/float64(n))
		}
	}
	return &snapshot.Interval{Lo: math.Min(lo, value), Hi: math.Max(hi, value), N: n}
}

// rankCache remembers quantileRanks by (n, q): a load test's summary asks
// for the same few quantiles of the same request counts endpoint after
// endpoint, and each exact answer sums up to 24,000 binomial terms (two
// thirds of the time of a 60 MB Locust summary). It holds at most
// rankCacheMax answers.
var rankCache = memo.New[rankKey, [2]int](rankCacheMax)

type rankKey struct {
	n int
	q float64
}

const rankCacheMax = 1 << 14

// cachedRanks is quantileRanks through rankCache.
func cachedRanks(n int, q float64) (l, u int) {
	k := rankKey{n, q}
	if r, ok := rankCache.Get(k); ok {
		return r[0], r[1]
	}
	l, u = quantileRanks(n, q)
	rankCache.Put(k, [2]int{l, u})
	return l, u
}

// quantileRanks returns the equal-tailed order statistics l, u (1-based;
// l = 0 and u = n+1 stand for -∞ and +∞) of the 95% interval of the
// q-quantile of n observations: l the largest with P(B < l) ≤ 2.5%, u the
// smallest with P(B ≥ u) ≤ 2.5%, B ~ Binomial(n, q), so P(l ≤ B < u) ≥ 95%.
func quantileRanks(n int, q float64) (l, u int) {
	const tail = (1 - quantileConfidence) / 2
	mean, sd := float64(n)*q, math.Sqrt(float64(n)*q*(1-q))
	if sd > quantileExactSD {
		// The normal approximation with continuity correction:
		// P(B < l) ≈ Φ((l - 0.5 - mean)/sd).
		norm := stats.NormalDist{Mu: mean, Sigma: sd}
		l = int(math.Floor(norm.InvCDF(tail) + 0.5))
		u = int(math.Ceil(norm.InvCDF(1-tail) + 0.5))
		return max(l, 0), min(u, n+1)
	}
	// Outside mean ± (12 sd + 12) the binomial probabilities sum to less
	// than 1e-25: the sums start and end there.
	lo := max(0, int(math.Floor(mean-12*sd))-12)
	hi := min(n, int(math.Ceil(mean+12*sd))+12)
	below := 0.0 // P(B < k)
	for k := lo; k <= hi+1; k++ {
		if below > tail {
			break
		}
		l = k
		below += binomPMF(n, k, q)
	}
	above := 0.0 // P(B ≥ k)
	for k := hi + 1; k >= lo; k-- {
		if above > tail {
			break
		}
		u = k
		above += binomPMF(n, k-1, q)
	}
	return l, u
}

// binomPMF is P(B = k) for B ~ Binomial(n, q), in log space so that it
// holds for any n.
func binomPMF(n, k int, q float64) float64 {
	if k < 0 || k > n {
		return 0
	}
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return math.Exp(a - b - c + float64(k)*math.Log(q) + float64(n-k)*math.Log1p(-q))
}

// ladderAt is the value at level by linear interpolation between the
// sorted, non-decreasing points; outside them, the nearest end point.
func ladderAt(pts []quantilePoint, level float64) float64 {
	if level <= pts[0].Level {
		return pts[0].Value
	}
	last := pts[len(pts)-1]
	if level >= last.Level {
		return last.Value
	}
	// The last point at or below level; the next one is above it.
	i := sort.Search(len(pts), func(i int) bool { return pts[i].Level > level }) - 1
	a, b := pts[i], pts[i+1]
	v := a.Value + (b.Value-a.Value)*(level-a.Level)/(b.Level-a.Level)
	return math.Min(math.Max(v, a.Value), b.Value)
}

// setCI attaches ci to m when m is the single value it describes (a
// repeated key that collected several samples has none).
func setCI(m *snapshot.Metric, ci *snapshot.Interval) {
	if m == nil {
		return
	}
	if len(m.Samples) != 1 {
		m.CI = nil
		return
	}
	m.CI = ci
}

// proportionCI is the 95% Wilson score interval of a proportion k/n (a
// load test's error rate: failures among its n requests), so that an
// error rate from one run is judged with its sampling error as its
// percentiles are. It is nil for n < 1.
func proportionCI(k, n float64) *snapshot.Interval {
	if !(n >= 1) || k < 0 || k > n || math.IsInf(n, 0) || n > 1<<53 {
		return nil
	}
	const z = 1.959963984540054 // two-sided 95%
	p := k / n
	den := 1 + z*z/n
	centre := (p + z*z/(2*n)) / den
	half := z * math.Sqrt(p*(1-p)/n+z*z/(4*n*n)) / den
	lo, hi := math.Max(0, centre-half), math.Min(1, centre+half)
	lo, hi = math.Min(lo, p), math.Max(hi, p)
	return &snapshot.Interval{Lo: lo, Hi: hi, N: int(n)}
}
