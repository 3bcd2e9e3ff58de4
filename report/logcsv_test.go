package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/flameiq/git-flameiq/history"
)

// TestLogCSVDecimal: a value converted at ingest (32.94 ns/op stored in
// seconds) is written as the decimal it was, not its binary noise.
func TestLogCSVDecimal(t *testing.T) {
	s := &history.Series{Units: map[string]string{"A:sec/op": "sec/op"}, Commits: []history.Point{
		{Sha: "c1", Date: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Subject: "s", Values: map[string]float64{"A:sec/op": 32.94 * 1e-9}},
	}}
	var b bytes.Buffer
	if err := LogCSV(&b, s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), ",3.294e-08\n") {
		t.Errorf("got %q", b.String())
	}
}
