package compare

import (
	"math"
	"slices"
	"sync"

	"github.com/aclements/go-moremath/mathx"
)

// tieCDF is moremath's UDist{N1: n1, N2: n2, T: t}.CDF(u) for a tie vector
// with ties (len(t) ≥ 2), computed by the same recurrence (Cheung and
// Klotz 1997, moremath's makeUmemo) with the same floating-point
// operations in the same order, so it returns the same bits — but memoised
// in flat slices instead of maps keyed by structs, which made every U test
// on tied samples cost tens of microseconds (makeUmemo was half of
// `compare`'s time on 60,000 metrics).
func tieCDF(m *tieMemo, n2 int, u float64) float64 {
	n1 := m.n1
	if u < 0 {
		return 0
	} else if u >= float64(n1*n2) {
		return 1
	}
	return m.count(len(m.t), n1, int(2*u)) / mathx.Choose(n1+n2, n1)
}

// tieMemo holds A[k][(n1', 2U)] of makeUmemo for one tie vector and n1:
// the number of ways to pick n1' of the first k ranks (tie groups t[:k])
// with a U statistic ≤ U. The entries do not depend on the U asked for,
// so one memo serves every CDF of the same samples.
type tieMemo struct {
	t, a  []int
	pre   []int // pre[k] = t[0] + … + t[k-1]
	n1    int
	rows  []tieRow  // by k·(n1+1) + n1', made on first use
	arena []float64 // the rows' values
}

type tieRow struct {
	made   bool
	lo, hi int // twoUmin and twoUmax of (n1', t[:k])
	at     int // the row's values are arena[at : at+hi-lo+1], by 2U - lo; NaN until computed
}

// tieMemos recycles memos: a run of many tests would otherwise allocate
// (and collect) hundreds of megabytes of rows.
var tieMemos = sync.Pool{New: func() any { return new(tieMemo) }}

// reset makes m the empty memo of (n1, t).
func (m *tieMemo) reset(n1 int, t []int) {
	K := len(t)
	m.t, m.n1 = t, n1
	m.a = slices.Grow(m.a[:0], K+1)[:K+1]
	m.pre = slices.Grow(m.pre[:0], K+1)[:K+1]
	m.a[0], m.pre[0] = 0, 0
	m.a[1] = t[0]
	for k := 2; k <= K; k++ {
		m.a[k] = m.a[k-1] + t[k-2] + t[k-1]
	}
	for k := 1; k <= K; k++ {
		m.pre[k] = m.pre[k-1] + t[k-1]
	}
	nr := (K + 1) * (n1 + 1)
	m.rows = slices.Grow(m.rows[:0], nr)[:nr]
	clear(m.rows)
	m.arena = m.arena[:0]
}

// row returns the memo row of (k, n1).
func (m *tieMemo) row(k, n1 int) *tieRow {
	r := &m.rows[k*(m.n1+1)+n1]
	if !r.made {
		r.made = true
		r.lo, r.hi = twoUBound(n1, m.t[:k], m.a, false), twoUBound(n1, m.t[:k], m.a, true)
		r.at = len(m.arena)
		for i := r.lo; i <= r.hi; i++ {
			m.arena = append(m.arena, math.NaN())
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
			// (count may grow the arena: index it again after.)
			if x = m.arena[r.at+twoU1-r.lo]; math.IsNaN(x) {
				x = m.count(k-1, n11, twoU1)
				m.arena[r.at+twoU1-r.lo] = x
			}
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
