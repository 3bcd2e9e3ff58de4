package compare

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/flameiq/git-flameiq/snapshot"
)

// TestUTestCacheExact holds uTests to moremath called directly: the same
// p-values (bit for bit) and the same Cliff's delta on random sample sets
// of many sizes, with and without ties, each set twice (the second answer
// comes from the cache).
func TestUTestCacheExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	draw := func(n, levels int) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			if levels > 0 {
				xs[i] = float64(rng.IntN(levels)) // ties
			} else {
				xs[i] = rng.NormFloat64()*3 + 100 // all distinct
			}
		}
		return xs
	}
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	hits := 0
	for iter := 0; iter < 10000; iter++ {
		// moremath's paths: the exact distribution without ties (up to
		// 50 samples a side), with ties (up to 25: mostly 12 here, larger
		// ones with many distinct values take seconds each in moremath),
		// and the normal approximation.
		var base, head []float64
		switch levels := []int{0, 2, 3, 5, 12, 1000}[rng.IntN(6)]; {
		case iter%1000 == 1: // ties up to the exact limit, few levels (moremath is quick there)
			base, head = draw(13+rng.IntN(13), 2+rng.IntN(4)), draw(13+rng.IntN(13), 2+rng.IntN(4))
		case iter%5 == 0:
			base, head = draw(26+rng.IntN(60), levels), draw(26+rng.IntN(60), levels)
		case levels == 0:
			base, head = draw(1+rng.IntN(50), 0), draw(1+rng.IntN(50), 0)
		default:
			base, head = draw(1+rng.IntN(12), levels), draw(1+rng.IntN(12), levels)
		}
		if iter%7 == 0 && len(base) <= 12 && len(head) <= 12 {
			copy(head, base) // values shared between the sides
		}
		alt := snapshot.Direction(rng.IntN(3))
		k, _, _, _, _ := uKeyOf(base, head)
		k.alt = alt
		if _, cached := uCache.Get(k); cached {
			hits++
		}
		for pass := 0; pass < 2; pass++ {
			p, p2, delta := uTests(base, head, alt)
			if want := uTest(base, head, alt); !same(p, want) {
				t.Fatalf("base %v head %v alt %v: p = %v, moremath %v", base, head, alt, p, want)
			}
			if want := uTest(base, head, snapshot.TwoSided); !same(p2, want) {
				t.Fatalf("base %v head %v: two-sided p = %v, moremath %v", base, head, p2, want)
			}
			if want := CliffsDelta(base, head); !same(delta, want) {
				t.Fatalf("base %v head %v: delta = %v, want %v", base, head, delta, want)
			}
		}
	}
	if hits < 300 {
		t.Fatalf("only %d of 10000 tests were answered from the cache", hits)
	}
	// A NaN sample (ingest and the note decoder let none through) gives
	// no p-value; moremath would loop for ever on it.
	p, p2, _ := uTests([]float64{1, math.NaN(), 3, 4}, []float64{2, 3, 4, 5}, snapshot.LowerIsBetter)
	if !math.IsNaN(p) || !math.IsNaN(p2) {
		t.Fatalf("NaN sample: p = %v, %v; want NaN", p, p2)
	}
}
