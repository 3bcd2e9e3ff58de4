package report

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

func sampleReview() *Review {
	p := 0.0002
	return &Review{
		Since: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		Branch: "main", FromCommit: strings.Repeat("a", 40), ToCommit: strings.Repeat("b", 40), Recorded: 12,
		Slower:    []ReviewChange{{Metric: "Encode/<script>alert(1)</script>-2:sec/op", Unit: "sec/op", Before: 4.1e-5, After: 6.2e-5, DeltaPct: 51.22, P: &p, Sparkline: "▁▁▂█"}},
		Faster:    []ReviewChange{{Metric: "Decode-2:sec/op", Unit: "sec/op", Before: 2e-5, After: 1.5e-5, DeltaPct: -25, Sparkline: "█▅▂▁"}},
		Unchanged: 7,
		Accepted:  []ReviewAccepted{{Commit: strings.Repeat("c", 40), Subject: "escape | every rune", Glob: "Encode*", Reason: "correctness first"}},
		Budgets:   []ReviewBudget{{Metric: "latency.p95", Value: 110, Limit: 120, Kind: "max", HeadroomPct: 8.33}, {Metric: "throughput", Value: 700, Limit: 800, Kind: "min", HeadroomPct: -12.5, Breached: true}},
		Drift:     []ReviewDrift{{Metric: "Encode-2:sec/op", Commit: strings.Repeat("c", 40), ChangePercent: 48.7}},
	}
}

func TestReviewGolden(t *testing.T) {
	r := sampleReview()
	var txt, md bytes.Buffer
	if err := r.Text(&txt); err != nil {
		t.Fatal(err)
	}
	golden(t, "review.txt", txt.Bytes())
	if err := r.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	golden(t, "review.md", md.Bytes())
}

func TestReviewHTMLEscapesAndIsOffline(t *testing.T) {
	var b bytes.Buffer
	hist := []HistorySeries{{Key: "<script>x</script>", Unit: "sec/op", Points: []HistoryPoint{{Sha: strings.Repeat("a", 40), Value: 1}, {Sha: strings.Repeat("b", 40), Value: 2}}}}
	if err := sampleReview().HTML(&b, hist); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "<script>alert(1)") || strings.Contains(out, "<script>x</script>") {
		t.Error("a metric name reached the page unescaped")
	}
	for _, bad := range []string{"http://", "https://"} {
		if strings.Contains(out, bad) {
			t.Errorf("page references %s", bad)
		}
	}
	for _, want := range []string{"Slower (1)", "Faster (1)", "Accepted regressions (1)", "correctness first", "Budget headroom", "(breached)", "<svg"} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestReviewJSONUndefined: a change from zero, a zero budget limit and a
// drift from a zero mean have no percentage; the JSON says null instead
// of failing ("json: unsupported value: NaN").
func TestReviewJSONUndefined(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	r := &Review{Branch: "main",
		Slower:  []ReviewChange{{Metric: "A:allocs/op", Before: 0, After: 1, DeltaPct: NullFloat(nan)}},
		Budgets: []ReviewBudget{{Metric: "B:sec/op", Value: 1, Limit: 0, Kind: "max", HeadroomPct: NullFloat(inf)}},
		Drift:   []ReviewDrift{{Metric: "C:allocs/op", Commit: strings.Repeat("a", 40), ChangePercent: NullFloat(nan)}}}
	var b bytes.Buffer
	if err := r.JSON(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"delta_pct": null`, `"headroom_pct": null`, `"change_percent": null`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("no %s in\n%s", want, b.String())
		}
	}
}
