package compare

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/snapshot"
)

// TestCompareBound: a comparison that would hold more than
// FLAMEIQ_MAX_INPUT (about 2 KiB a metric of both sides) is refused with
// a *TooBigError; a smaller one, or the same under a larger limit, runs.
func TestCompareBound(t *testing.T) {
	snap := func(n int) *snapshot.Snapshot {
		s := &snapshot.Snapshot{}
		for i := range n {
			s.Add(fmt.Sprintf("B%d:sec/op", i), "sec/op", snapshot.LowerIsBetter, 1, 2, 3)
		}
		s.Sort()
		return s
	}
	t.Setenv("FLAMEIQ_MAX_INPUT", "1M")
	_, err := Compare(snap(300), snap(300), Options{})
	var tb *TooBigError
	if !errors.As(err, &tb) || tb.Base != 300 || tb.Head != 300 ||
		!strings.Contains(err.Error(), "comparing 600 metrics (300 and 300) takes more than FLAMEIQ_MAX_INPUT (1 MiB) in memory") {
		t.Fatalf("600 metrics under 1 MiB: %v", err)
	}
	if _, err := Compare(snap(100), snap(100), Options{}); err != nil {
		t.Fatalf("200 metrics under 1 MiB: %v", err)
	}
	t.Setenv("FLAMEIQ_MAX_INPUT", "16M")
	if _, err := Compare(snap(300), snap(300), Options{}); err != nil {
		t.Fatalf("600 metrics under 16 MiB: %v", err)
	}
}
