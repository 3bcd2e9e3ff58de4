package compare

import (
	"fmt"

	"github.com/flameiq/git-flameiq/internal/limits"
	"github.com/flameiq/git-flameiq/snapshot"
)

// metricCost is about what a comparison and its report hold for each
// metric of the two snapshots: their rows, the union of keys, the
// statistics, and a report's rows and encoding. Measured with go test's
// text of one-sample keys compared with itself (peak RSS ÷ metrics of both
// sides): 780-830 bytes for the text table, 1,743 for --format json, at
// 200,000 and 800,000 metrics.
const metricCost = 2 << 10

// TooBigError is a comparison refused because it would take more memory
// than FLAMEIQ_MAX_INPUT (a data error: exit 3).
type TooBigError struct {
	Base, Head int   // the metrics of each side
	Max        int64 // FLAMEIQ_MAX_INPUT
}

func (e *TooBigError) Error() string {
	need, unit := float64(int64(e.Base+e.Head)*metricCost)/(1<<20), "MiB"
	if need >= 1024 {
		need, unit = need/1024, "GiB"
	}
	return fmt.Sprintf("comparing %d metrics (%d and %d) takes more than FLAMEIQ_MAX_INPUT (%s) in memory: about %.1f %s at %s a metric; narrow them with --metric, or raise FLAMEIQ_MAX_INPUT",
		e.Base+e.Head, e.Base, e.Head, limits.Human(e.Max), need, unit, limits.Human(metricCost))
}

// checkSize refuses a comparison of base and head that would pass
// FLAMEIQ_MAX_INPUT, with the collector's 20% headroom.
func checkSize(base, head *snapshot.Snapshot) error {
	max, err := limits.MaxInput()
	if err != nil {
		return err
	}
	if n := int64(base.Len() + head.Len()); n*metricCost*6/5 > max {
		return &TooBigError{Base: base.Len(), Head: head.Len(), Max: max}
	}
	return nil
}
