package drift_test

import (
	"fmt"

	"github.com/flameiq/git-flameiq/drift"
	"github.com/flameiq/git-flameiq/snapshot"
)

func ExampleDetect() {
	// ns/op of one benchmark on twelve commits, oldest first; the seventh
	// commit made it 20% slower.
	values := []float64{100, 101, 99, 100, 102, 100, 120, 121, 119, 120, 122, 120}
	cps, err := drift.Detect(values, drift.DefaultOptions())
	if err != nil {
		panic(err)
	}
	for _, c := range cps {
		fmt.Printf("at %d: %.1f → %.1f (%+.1f%%) regression=%v\n",
			c.Index, c.MeanBefore, c.MeanAfter, c.ChangePercent, c.IsRegression(snapshot.LowerIsBetter, 5))
	}
	// Output:
	// at 6: 100.3 → 120.3 (+19.9%) regression=true
}

func ExampleCreep() {
	// Five commits, each 2% slower than the last: no single step fails a
	// 5% gate, but together they do.
	values := []float64{100, 102, 104.04, 106.12, 108.24, 110.41}
	r, err := drift.Creep(values, 0, 5, snapshot.LowerIsBetter)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.2f → %.2f: %+.1f%% (threshold %g%%) regressed=%v\n", r.Ref, r.Last, r.ChangePercent, r.ThresholdPercent, r.Regressed)
	// Output:
	// 100.00 → 110.41: +10.4% (threshold 5%) regressed=true
}
