// Package report is all of git-flameiq's human output, and the JSON, CSV
// and markdown shaped like it. Every renderer takes plain data and an
// io.Writer; the commands package computes the data and calls one of them.
//
//   - compare.Result (diff, compare): Text, a benchstat-style table; JSON,
//     FlameIQ's result shape plus git-flameiq's own fields; Markdown and
//     GitHub for pull requests; HTML, one offline page (rich.go, html.go,
//     its SVG charts in chart.go);
//   - `log` (a history.Series): LogText, LogCSV, LogJSON, HistoryHTML;
//     Sparkline draws any series of values (log.go);
//   - `show`: ShowText, ShowJSON (show.go); `drift`: DriftText, DriftJSON
//     (drift.go); `bisect`: BisectText, BisectJSON (bisect.go); `review`:
//     Review's Text, Markdown, JSON and HTML (review.go);
//   - `profile diff` (a profile.DiffResult): ProfileText, ProfileJSON
//     (profile.go) and FlameGraph, the differential flame graph page
//     (flamegraph.go). The folded form stays profile.WriteFolded: it is
//     flamegraph.pl's input, not a report.
//
// Every text table goes through one helper, writeTable (table.go), built
// on tablewriter. The HTML pages are html/template files embedded from
// templates/ (report.html; flamegraph.html with flamegraph.js).
//
// It only formats: verdicts, thresholds, statistics, change points and
// bisection steps all come from compare, drift, bisect and profile, and
// it never decides an exit code (Result.ExitCode does). It may import
// compare, history, profile and snapshot; none of them imports it, and
// only commands (and dev tools) call it.
package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/flameiq/git-flameiq/compare"
)

// displayName is the key without its ":unit" suffix (the unit is the
// group's header).
func displayName(d compare.Diff) string {
	if d.Unit != "" {
		if name, ok := strings.CutSuffix(d.Key, ":"+d.Unit); ok {
			return name
		}
	}
	return d.Key
}

// percent formats a threshold percentage with its sign kept ("10%", "-5%",
// "2.5%").
func percent(f float64) string {
	if math.IsNaN(f) {
		return ""
	}
	return strconv.FormatFloat(f, 'f', -1, 64) + "%"
}

// plural formats "1 warning" / "2 warnings".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// SummaryLine is the one-line human summary printed under the table, in
// the words of the Headline: "2 regressions, 1 warning, 3 improved, 40
// unchanged (46 metrics)". Regressions, warnings and unchanged are always
// said; the other counts when not zero.
func SummaryLine(r *compare.Result) string {
	var parts []string
	for _, p := range verdictParts(r) {
		switch {
		case p.n > 0:
			parts = append(parts, p.text)
		case strings.HasSuffix(p.text, "regressions"), strings.HasSuffix(p.text, "warnings"), strings.HasSuffix(p.text, "unchanged"):
			parts = append(parts, p.text)
		}
	}
	return fmt.Sprintf("%s (%s)", strings.Join(parts, ", "), plural(len(r.Diffs), "metric", "metrics"))
}
