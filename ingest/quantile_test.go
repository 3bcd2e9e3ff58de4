package ingest

import (
	"math"
	"strings"
	"testing"

	"github.com/aclements/go-moremath/stats"
	"github.com/flameiq/git-flameiq/snapshot"
)

func coverage(n int, q float64, l, u int) float64 {
	c := 0.0
	for k := max(l, 0); k < u; k++ {
		c += binomPMF(n, k, q)
	}
	return c
}

// The ranks and their exact coverage P(l ≤ B < u), B ~ Binomial(n, q),
// were computed independently with exact rational arithmetic (Python's
// fractions and math.comb). n=20, q=0.5 is the textbook case (X(6), X(15),
// 95.86%).
func TestQuantileRanks(t *testing.T) {
	for _, c := range []struct {
		n    int
		q    float64
		l, u int
		cov  float64
	}{
		{5, 0.5, 0, 6, 1},
		{10, 0.5, 2, 9, 0.978516},
		{18, 0.5, 5, 14, 0.969116},
		{20, 0.5, 6, 15, 0.958611},
		{30, 0.175, 2, 11, 0.967284},
		{42, 0.01, 0, 3, 0.991416},
		{52, 0.999, 51, 53, 0.998717},
		{54, 0.99, 52, 55, 0.983020},
		{100, 0.5, 40, 61, 0.964800},
		{100, 0.95, 90, 100, 0.982607},
		{200, 0.99, 195, 201, 0.983977},
		{299, 0.99, 292, 300, 0.988736},
		{300, 0.99, 293, 301, 0.988526},
		{1728, 0.95, 1623, 1660, 0.958940},
		{1728, 0.99, 1702, 1719, 0.960208},
		{1000000, 0.5, 499020, 500981, 0.950121},
	} {
		l, u := quantileRanks(c.n, c.q)
		if l != c.l || u != c.u {
			t.Errorf("ranks(n=%d, q=%g) = [%d, %d), want [%d, %d)", c.n, c.q, l, u, c.l, c.u)
			continue
		}
		if got := coverage(c.n, c.q, l, u); math.Abs(got-c.cov) > 5e-7 {
			t.Errorf("coverage(n=%d, q=%g) = %.7f, want %.6f", c.n, c.q, got, c.cov)
		}
	}
	// go-moremath's QuantileCI (normal approximation above n = 30) falls
	// short of 95% here: the reason it is not used.
	if r := stats.QuantileCI(42, 0.01, 0.95); coverage(42, 0.01, r.LoOrder, r.HiOrder) >= 0.95 {
		t.Errorf("go-moremath's QuantileCI(42, 0.01) now covers 95%%")
	}
}

// The ranks are exactly equal-tailed for any n (each tail ≤ 2.5%, one rank
// further > 2.5%), so the interval covers at least 95%; the binomial
// probabilities agree with go-moremath's BinomialDist.CDF.
func TestQuantileRanksEqualTailed(t *testing.T) {
	const tail = 0.025
	for _, q := range []float64{0.01, 0.1, 0.5, 0.66, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999} {
		for n := 1; n <= 3000; n += 1 + n/50 {
			l, u := quantileRanks(n, q)
			if l < 0 || u > n+1 || l >= u {
				t.Fatalf("ranks(n=%d, q=%g) = [%d, %d)", n, q, l, u)
			}
			below := func(k int) float64 { return coverage(n, q, 0, k) }   // P(B < k)
			above := func(k int) float64 { return coverage(n, q, k, n+1) } // P(B ≥ k)
			if below(l) > tail || l <= n && below(l+1) <= tail-1e-12 {
				t.Errorf("n=%d q=%g: l=%d: P(B<l)=%g, P(B<l+1)=%g", n, q, l, below(l), below(l+1))
			}
			if above(u) > tail || u > 0 && above(u-1) <= tail-1e-12 {
				t.Errorf("n=%d q=%g: u=%d: P(B≥u)=%g, P(B≥u-1)=%g", n, q, u, above(u), above(u-1))
			}
			if c := coverage(n, q, l, u); c < quantileConfidence-1e-12 {
				t.Errorf("ranks(n=%d, q=%g) = [%d, %d): coverage %.6f < 95%%", n, q, l, u, c)
			}
			if n <= 1000 && l >= 1 {
				d := stats.BinomialDist{N: n, P: q}
				if got, want := below(l), d.CDF(float64(l-1)); math.Abs(got-want) > 1e-9 {
					t.Errorf("n=%d q=%g: P(B ≤ %d) = %g, go-moremath %g", n, q, l-1, got, want)
				}
			}
		}
	}
}

// Above quantileExactSD the ranks come from the normal approximation; at
// and just above that size it agrees with the exact equal-tailed ranks
// within one rank and covers 95%.
func TestQuantileRanksNormalApprox(t *testing.T) {
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		for _, sd := range []float64{quantileExactSD * 1.001, quantileExactSD * 1.5, quantileExactSD * 3} {
			n := int(math.Ceil(sd * sd / (q * (1 - q))))
			l, u := quantileRanks(n, q) // normal approximation
			el, eu := exactRanks(n, q)
			if abs(l-el) > 1 || abs(u-eu) > 1 {
				t.Errorf("n=%d q=%g: normal [%d, %d), exact [%d, %d)", n, q, l, u, el, eu)
			}
			if c := coverage(n, q, l, u); c < quantileConfidence-1e-4 {
				t.Errorf("n=%d q=%g: normal [%d, %d) covers %.6f", n, q, l, u, c)
			}
		}
	}
	// Huge counts are fast (the exact sums would take O(sd) steps).
	if l, u := quantileRanks(1<<53, 0.5); !(l < 1<<52 && u > 1<<52 && u-l < 1<<30) {
		t.Errorf("n=2^53: [%d, %d)", l, u)
	}
}

// exactRanks is the equal-tailed definition, summed within mean ± 40 sd
// (wider than quantileRanks' window; what lies outside is below 1e-300).
func exactRanks(n int, q float64) (l, u int) {
	mean, sd := float64(n)*q, math.Sqrt(float64(n)*q*(1-q))
	lo, hi := max(0, int(mean-40*sd)-40), min(n, int(mean+40*sd)+40)
	below, above := 0.0, 0.0
	for k := lo; k <= hi+1 && below <= 0.025; k++ {
		l = k
		below += binomPMF(n, k, q)
	}
	for k := hi + 1; k >= lo && above <= 0.025; k-- {
		u = k
		above += binomPMF(n, k-1, q)
	}
	return l, u
}

func abs(x int) int { return max(x, -x) }

func TestQuantileCI(t *testing.T) {
	uniform := []quantilePoint{{0, 0}, {1, 100}} // value = 100·level
	k6 := []quantilePoint{                       // corpus k6/pair-delay base http_req_duration
		{0, 10.456858}, {0.5, 11.2066175}, {0.9, 12.206926600000001},
		{0.95, 12.64542275}, {0.99, 14.170156420000003}, {1, 20.70597},
	}
	noEnds := []quantilePoint{{0.5, 10}, {0.95, 20}} // no min, no max
	for _, c := range []struct {
		name   string
		q, v   float64
		n      int
		ladder []quantilePoint
		lo, hi float64
	}{
		// ranks [6, 15): levels 5/20 and 15/20.
		{"uniform median n=20", 0.5, 50, 20, uniform, 25, 75},
		// ranks [40, 61): levels 39/100 and 61/100.
		{"uniform median n=100", 0.5, 50, 100, uniform, 39, 61},
		// ranks [1702, 1719): level 1701/1728 between p95 and p99,
		// 1719/1728 between p99 and max.
		{"k6 p99 n=1728", 0.99, 14.170156420000003, 1728, k6,
			12.64542275 + (1701.0/1728-0.95)/0.04*(14.170156420000003-12.64542275),
			14.170156420000003 + (1719.0/1728-0.99)/0.01*(20.70597-14.170156420000003)},
		// ranks [90, 100): level 0.89 between p50 and p95, 1.0 past the
		// last point: that point, never an extrapolation.
		{"no max: p95", 0.95, 20, 100, noEnds, 10 + 0.39/0.45*10, 20},
		// ranks [40, 61): level 0.39 before the first point: that point.
		{"no min: p50", 0.5, 10, 100, noEnds, 10, 10 + 0.11/0.45*10},
		// n < 5: the whole reported range.
		{"n=4 p99", 0.99, 8, 4, []quantilePoint{{0, 1}, {0.5, 2}, {1, 9}}, 1, 9},
		{"n=3 p50", 0.5, 2, 3, []quantilePoint{{0, 1}, {0.5, 2}, {1, 9}}, 1, 9},
		// n=5: ranks [0, 6) reach past the data on both sides.
		{"n=5 p50", 0.5, 2, 5, []quantilePoint{{0, 1}, {0.5, 2}, {1, 9}}, 1, 9},
		// A ladder that decreases (rounding) is made monotone, and the
		// value stays inside: Locust's rounded p50 12 below an exact
		// min 12.3.
		{"rounded below min", 0.5, 12, 1000, []quantilePoint{{0, 12.3}, {0.5, 12}, {0.66, 12}, {1, 30}}, 12, 12.3},
	} {
		ci := quantileCI(c.q, c.v, c.n, c.ladder)
		if ci == nil {
			t.Errorf("%s: no interval", c.name)
			continue
		}
		if math.Abs(ci.Lo-c.lo) > 1e-9 || math.Abs(ci.Hi-c.hi) > 1e-9 || ci.N != c.n {
			t.Errorf("%s: got [%.9g, %.9g] N=%d, want [%.9g, %.9g] N=%d", c.name, ci.Lo, ci.Hi, ci.N, c.lo, c.hi, c.n)
		}
	}
	for _, c := range []struct {
		name string
		q, v float64
		n    int
	}{
		{"n=0", 0.5, 1, 0}, {"q=0", 0, 1, 10}, {"q=1", 1, 1, 10}, {"NaN", 0.5, math.NaN(), 10}, {"Inf", 0.5, math.Inf(1), 10},
	} {
		if ci := quantileCI(c.q, c.v, c.n, uniform); ci != nil {
			t.Errorf("%s: want no interval, got %+v", c.name, *ci)
		}
	}
}

// Bounds move with the quantile and narrow with n; the value is always
// inside, and the bounds inside the reported range.
func TestQuantileCIMonotone(t *testing.T) {
	ladder := []quantilePoint{{0, 1}, {0.5, 5}, {0.66, 6}, {0.9, 9}, {0.95, 12}, {0.99, 20}, {0.999, 40}, {1, 80}}
	at := func(q float64) float64 {
		pts := append([]quantilePoint(nil), ladder...)
		return ladderAt(pts, q)
	}
	for _, n := range []int{5, 10, 30, 31, 100, 1000, 100000} {
		prev := &snapshot.Interval{Lo: math.Inf(-1), Hi: math.Inf(-1)}
		for q := 0.01; q < 0.999; q += 0.001 {
			v := at(q)
			ci := quantileCI(q, v, n, ladder)
			if !(ci.Lo <= v && v <= ci.Hi) || ci.Lo < 1 || ci.Hi > 80 {
				t.Fatalf("n=%d q=%g: %g not in [%g, %g] or outside [1, 80]", n, q, v, ci.Lo, ci.Hi)
			}
			if ci.Lo < prev.Lo-1e-9 || ci.Hi < prev.Hi-1e-9 {
				t.Fatalf("n=%d q=%g: [%g, %g] after [%g, %g]: not monotone in q", n, q, ci.Lo, ci.Hi, prev.Lo, prev.Hi)
			}
			prev = ci
		}
	}
	width := math.Inf(1)
	for _, n := range []int{10, 100, 1000, 10000, 100000} {
		ci := quantileCI(0.5, 50, n, []quantilePoint{{0, 0}, {1, 100}})
		if w := ci.Hi - ci.Lo; w >= width {
			t.Errorf("n=%d: width %g does not shrink (was %g)", n, w, width)
		} else {
			width = w
		}
	}
}

// Locust's percentiles are computed from rounded response times: the
// interval is widened by half the rounding step, within the exact min/max.
func TestLocustCIRounding(t *testing.T) {
	// corpus locust/pair-delay base, GET /items: n=534, p50 12 with
	// 50%…99% all 12–14 ms.
	ladder := []quantilePoint{{0, 11.198942000191892}, {0.5, 12}, {0.66, 12}, {0.75, 12}, {0.8, 12}, {0.9, 12}, {0.95, 13}, {0.98, 14}, {0.99, 14}, {0.999, 16}, {0.9999, 16}, {1, 15.61853000021074}}
	raw := quantileCI(0.5, 12, 534, ladder)
	ci := locustCI(0.5, 12, 534, ladder)
	if ci.Hi != raw.Hi+0.5 || math.Abs(ci.Lo-(raw.Lo-0.5)) > 1e-12 {
		t.Errorf("p50: raw [%g, %g], widened [%g, %g]: want ±0.5 ms", raw.Lo, raw.Hi, ci.Lo, ci.Hi)
	}
	// p99: the upper bound reaches the 99.9% point (16), + 0.5, but not
	// past the exact max 15.62.
	if ci := locustCI(0.99, 14, 534, ladder); ci.Hi != 15.61853000021074 || ci.Lo > 14 {
		t.Errorf("p99: [%g, %g], want Hi = max 15.6185", ci.Lo, ci.Hi)
	}
	for ms, want := range map[float64]float64{0: 1, 99.9: 1, 100: 10, 999: 10, 1000: 100, 12000: 1000} {
		if got := locustResolution(ms); got != want {
			t.Errorf("locustResolution(%g) = %g, want %g", ms, got, want)
		}
	}
}

// k6: quantile names, tagged connection phases, and a trend without a
// known n.
func TestK6QuantileKeys(t *testing.T) {
	for stat, want := range map[string]float64{"med": 0.5, "p(95)": 0.95, "p(99.9)": 0.999, "p(0)": 0, "p(100)": 1} {
		if q, ok := k6Quantile(stat); !ok || math.Abs(q-want) > 1e-15 {
			t.Errorf("k6Quantile(%q) = %g, %v; want %g", stat, q, ok, want)
		}
	}
	for _, stat := range []string{"avg", "min", "count", "p(x)", "p(101)", "p95"} {
		if _, ok := k6Quantile(stat); ok {
			t.Errorf("k6Quantile(%q) is a quantile", stat)
		}
	}
	doc := `{"metrics":{
	 "http_reqs":{"type":"counter","contains":"default","values":{"count":200,"rate":20}},
	 "http_req_blocked{name:items}":{"type":"trend","contains":"time","values":{"avg":1,"min":0.1,"med":0.5,"max":9,"p(99.9)":8}},
	 "http_req_duration":{"type":"trend","contains":"time","values":{"avg":11,"min":10,"med":11,"max":30,"p(99.9)":29,"p(100)":30}},
	 "custom":{"type":"trend","contains":"time","values":{"avg":1,"min":0,"med":1,"max":2,"p(95)":2}}}}`
	s, err := Parse(strings.NewReader(doc), "in.json", "k6")
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]struct {
		info bool
		n    int
	}{
		"http_req_blocked{name:items}.med":     {true, 0}, // tagged: no n without count
		"http_req_blocked{name:items}.avg":     {true, 0},
		"http_req_blocked{name:items}.p(99.9)": {true, 0},
		"http_req_duration.med":                {false, 200}, // http_reqs.count
		"http_req_duration.p(99.9)":            {false, 200},
		"http_req_duration.p(100)":             {true, 0}, // the max
		"http_req_duration.max":                {true, 0},
		"http_req_duration.avg":                {false, 0},
		"custom.p(95)":                         {false, 0},
		"custom.min":                           {true, 0},
	} {
		m := s.Get(key)
		if m == nil {
			t.Errorf("%s: missing", key)
			continue
		}
		n := 0
		if m.CI != nil {
			n = m.CI.N
		}
		if m.Info != want.info || n != want.n {
			t.Errorf("%s: info=%v n=%d, want info=%v n=%d", key, m.Info, n, want.info, want.n)
		}
	}
}

// TestProportionCI pins the Wilson score interval against hand-computed
// values and its bounds.
func TestProportionCI(t *testing.T) {
	for _, c := range []struct {
		k, n, lo, hi float64
	}{
		{217, 1667, 0.1149, 0.1472}, // Locust's /fail share of one run: 13.0 %
		{0, 100, 0, 0.0370},
		{100, 100, 0.9630, 1},
		{1, 2, 0.0945, 0.9055},
	} {
		ci := proportionCI(c.k, c.n)
		if ci == nil || math.Abs(ci.Lo-c.lo) > 5e-4 || math.Abs(ci.Hi-c.hi) > 5e-4 || ci.N != int(c.n) {
			t.Errorf("proportionCI(%v, %v) = %+v, want [%v, %v]", c.k, c.n, ci, c.lo, c.hi)
		}
	}
	for _, bad := range [][2]float64{{1, 0}, {3, 2}, {-1, 5}} {
		if ci := proportionCI(bad[0], bad[1]); ci != nil {
			t.Errorf("proportionCI(%v) = %+v, want nil", bad, ci)
		}
	}
}

// cachedRanks answers as quantileRanks, asked once or again, and keeps at
// most rankCacheMax answers.
func TestCachedRanks(t *testing.T) {
	for pass := 0; pass < 2; pass++ {
		for _, q := range []float64{0.5, 0.95, 0.99} {
			for n := 5; n < 20000; n += 1 + n/7 {
				l, u := cachedRanks(n, q)
				if wl, wu := quantileRanks(n, q); l != wl || u != wu {
					t.Fatalf("pass %d: cachedRanks(%d, %g) = %d, %d; quantileRanks %d, %d", pass, n, q, l, u, wl, wu)
				}
			}
		}
	}
	for n := 0; n < rankCacheMax+100; n++ {
		cachedRanks(n+5, 0.123)
	}
	if _, ok := rankCache.Get(rankKey{rankCacheMax + 104, 0.123}); ok {
		t.Errorf("rankCache kept an answer past its %d", rankCacheMax)
	}
}
