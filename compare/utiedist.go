package compare

import (
	"math"

	"github.com/aclements/go-moremath/mathx"
)

// tieCDF is moremath's UDist{N1: n1, N2: n2, T: t}.CDF(u) for a tie vector
// with ties (len(t) ≥ 2), computed by the same recurrence (Cheung and
// Klotz 1997, moremath's makeUmemo) with the same floating-point
// operations in the same order, so it returns the same bits — but memoised
// in flat slices instead of maps keyed by structs, which made every U test
// on tied samples cost tens of microseconds (makeUmemo was half of
// `compare`'s time on 60,000 metrics).
func tieCDF(n1, n2 int, t []int, u float64) float64 {
	if u < 0 {
		return 0
	} else if u >= float64(n1*n2) {
		return 1
	}
	m := newTieMemo(n1, t)
	return m.count(len(t), n1, int(2*u)) / mathx.Choose(n1+n2, n1)
}

// tieMemo holds A[k][(n1, 2U)] of makeUmemo: the number of ways to pick n1
// of the first k ranks (tie groups t[:k]) with a U statistic ≤ U.
type tieMemo struct {
	t, a []int
	pre  []int // pre[k] = t[0] + … + t[k-1]
	n1   int
	rows []tieRow // by k·(n1+1) + n1', made on first use
}

type tieRow struct {
	made   bool
	lo, hi int       // twoUmin and twoUmax of (n1', t[:k])
	vals   []float64 // by 2U - lo; NaN until computed
}

func newTieMemo(n1 int, t []int) *tieMemo {
	K := len(t)
	m := &tieMemo{t: t, a: make([]int, K+1), pre: make([]int, K+1), n1: n1, rows: make([]tieRow, (K+1)*(n1+1))}
	m.a[1] = t[0]
	for k := 2; k <= K; k++ {
		m.a[k] = m.a[k-1] + t[k-2] + t[k-1]
	}
	for k := 1; k <= K; k++ {
		m.pre[k] = m.pre[k-1] + t[k-1]
	}
	return m
}

// row returns the memo row of (k, n1).
func (m *tieMemo) row(k, n1 int) *tieRow {
	r := &m.rows[k*(m.n1+1)+n1]
	if !r.made {
		r.made = true
		r.lo, r.hi = twoUBound(n1, m.t[:k], m.a, false), twoUBound(n1, m.t[:k], m.a, true)
		if r.hi >= r.lo {
			r.vals = make([]float64, r.hi-r.lo+1)
			for i := range r.vals {
				r.vals[i] = math.NaN()
			}
		}
	}
	return r
}

// count is A[k][(n1, twoU)] (makeUmemo's fill, one entry).
func (m *tieMemo) count(k, n1, twoU int) float64 {
	t, a := m.t, m.a
	if k == 2 {
		Asum := 0.0
		r2Low := max(0, n1-t[0])
		r2High := (twoU - n1*(t[0]-n1)) / (t[0] + t[1])
		for r2 := r2Low; r2 <= r2High; r2++ {
			Asum += mathx.Choose(t[0], n1-r2) * mathx.Choose(t[1], r2)
		}
		return Asum
	}
	tsum := m.pre[k-1]
	Asum := 0.0
	for rk := max(0, n1-tsum); rk <= min(n1, t[k-1]); rk++ {
		twoU1 := twoU - rk*(a[k]-2*n1+rk)
		n11 := n1 - rk
		// makeUmemo keeps an entry of A[k-1] only when its 2U lies in
		// [twoUmin, twoUmax]; a lookup that misses counts every pick
		// above the range and none below it.
		r := m.row(k-1, n11)
		var x float64
		switch {
		case r.lo <= twoU1 && twoU1 <= r.hi:
			v := &r.vals[twoU1-r.lo]
			if math.IsNaN(*v) {
				*v = m.count(k-1, n11, twoU1)
			}
			x = *v
		case r.hi < twoU1:
			x = mathx.Choose(tsum, n11)
		}
		Asum += x * mathx.Choose(t[k-1], rk)
	}
	return Asum
}

// twoUBound is moremath's twoUmin (max false) or twoUmax (max true).
func twoUBound(n1 int, t, a []int, max bool) int {
	K := len(t)
	twoU := -n1 * n1
	n1k := n1
	for i := 1; i <= K; i++ {
		k := i
		if max {
			k = K + 1 - i
		}
		r := min(n1k, t[k-1])
		twoU += r * a[k]
		n1k -= r
	}
	return twoU
}
