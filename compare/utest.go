package compare

import (
	"math"
	"slices"
	"strconv"

	"github.com/aclements/go-moremath/stats"

	"github.com/flameiq/git-flameiq/internal/memo"
	"github.com/flameiq/git-flameiq/snapshot"
)

// The Mann-Whitney U test's p-value depends on the samples only through
// the sample sizes, the tie vector (the sizes of the groups of equal
// values in the merged, sorted samples), the U statistic and the
// alternative. moremath computes the exact distribution for every test
// (with ties through makeUmemo's maps, which was two thirds of `compare`'s
// time on 60,000 metrics), yet at -count 10 a whole run has only a few
// hundred distinct (sizes, ties, U) keys. uTests computes each key's
// p-value once, by calling moremath itself, so every p is the one
// moremath gives (TestUTestCacheExact checks it on many random sample
// sets).

// uKey is what a p-value depends on. ties is the tie vector, written
// compactly, when there are ties; "" when every value is distinct.
type uKey struct {
	n1, n2 int
	twoU   int // 2·U1, an integer (ties count ½)
	alt    snapshot.Direction
	ties   string
}

// uCache holds the p-value of each key seen in this process. It stops
// growing at uCacheMax entries (a long history of unusual sample sets
// cannot make it large); past that, tests run uncached.
var uCache = memo.New[uKey, float64](1 << 16)

// uTests returns the U test's p-value in direction alt (see uTest) and the
// two-sided one, and Cliff's delta, from one sort of the samples.
func uTests(base, head []float64, alt snapshot.Direction) (p, pTwoSided, delta float64) {
	k, tv, gt, lt, ok := uKeyOf(base, head)
	if !ok {
		// A NaN sample, which ingest and the note decoder refuse: no
		// ranks, no test (moremath would never return).
		return math.NaN(), math.NaN(), CliffsDelta(base, head)
	}
	delta = float64(gt-lt) / float64(len(base)*len(head))
	var memo *tieMemo // shared by both tests on a miss
	defer func() {
		if memo != nil {
			tieMemos.Put(memo)
		}
	}()
	k.alt = alt
	p = cachedUTest(k, tv, base, head, &memo)
	if alt == snapshot.TwoSided {
		return p, p, delta
	}
	k.alt = snapshot.TwoSided
	return p, cachedUTest(k, tv, base, head, &memo), delta
}

// cachedUTest returns the p-value of k from the cache, or computes it
// (uTestTies) and keeps it.
func cachedUTest(k uKey, tv []int, base, head []float64, memo **tieMemo) float64 {
	if p, hit := uCache.Get(k); hit {
		return p
	}
	p := uTestTies(k, tv, base, head, memo)
	uCache.Put(k, p)
	return p
}

// uTestTies is uTest(base, head, k.alt), with moremath's exact
// distribution under ties computed by tieCDF (in *memo, taken from
// tieMemos when nil).
func uTestTies(k uKey, tv []int, base, head []float64, memo **tieMemo) float64 {
	if k.ties == "" || k.n1 > stats.MannWhitneyTiesExactLimit || k.n2 > stats.MannWhitneyTiesExactLimit {
		return uTest(base, head, k.alt)
	}
	// stats.MannWhitneyUTest's exact branch, step by step.
	if len(tv) == 1 {
		return 1 // all values equal (ErrSamplesEqual)
	}
	if *memo == nil {
		*memo = tieMemos.Get().(*tieMemo)
		(*memo).reset(k.n1, tv)
	}
	U1 := float64(k.twoU) / 2
	U2 := float64(k.n1*k.n2) - U1
	cdf := func(u float64) float64 { return tieCDF(*memo, k.n2, u) }
	switch k.alt {
	case snapshot.LowerIsBetter: // stats.LocationLess
		return cdf(U1)
	case snapshot.HigherIsBetter: // stats.LocationGreater
		return 1 - cdf(U1-1)
	}
	if U1 == U2 {
		return 1
	}
	return cdf(math.Min(U1, U2)) * 2
}

// uKeyOf returns the key of the test of base against head (alt unset),
// the tie vector when there are ties, and the number of (base, head)
// pairs where head is greater and where it is less. ok is false when a
// sample is NaN.
func uKeyOf(base, head []float64) (k uKey, tv []int, gt, lt int, ok bool) {
	x1, x2 := sortedCopy(base), sortedCopy(head)
	if x1 == nil || x2 == nil {
		return k, nil, 0, 0, false
	}
	n1, n2 := len(x1), len(x2)
	k.n1, k.n2 = n1, n2
	// Walk the merged order one group of equal values at a time: its
	// members from x1 and x2, and its size (one entry of the tie vector).
	// U1 counts the (x1, x2) pairs where x1 is greater, ties ½.
	var ties []byte
	hasTies := false
	i, j := 0, 0
	for i < n1 || j < n2 {
		v := math.Inf(1)
		if i < n1 {
			v = x1[i]
		}
		if j < n2 && x2[j] < v {
			v = x2[j]
		}
		c1, c2 := 0, 0
		for i < n1 && x1[i] == v {
			i, c1 = i+1, c1+1
		}
		for j < n2 && x2[j] == v {
			j, c2 = j+1, c2+1
		}
		// x1's c1 values exceed the j-c2 values of x2 below v.
		k.twoU += 2*c1*(j-c2) + c1*c2
		gt += c2 * (i - c1) // head values above the base values below v
		lt += c2 * (n1 - i) // and below the base values above v
		if c1+c2 > 1 {
			hasTies = true
		}
		tv = append(tv, c1+c2)
		ties = strconv.AppendInt(ties, int64(c1+c2), 36)
		ties = append(ties, '.')
	}
	if !hasTies {
		return k, nil, gt, lt, true
	}
	k.ties = string(ties)
	return k, tv, gt, lt, true
}

// sortedCopy returns xs sorted in a new slice, or nil when xs holds a NaN
// (or is empty).
func sortedCopy(xs []float64) []float64 {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Clone(xs)
	for _, x := range s {
		if math.IsNaN(x) {
			return nil
		}
	}
	slices.Sort(s)
	return s
}
