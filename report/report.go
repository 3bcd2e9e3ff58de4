// Package report renders a compare.Result for people and programs: Text is
// a benchstat-style table, JSON is FlameIQ's result shape plus
// git-flameiq's own fields. It only formats: verdicts, thresholds and
// statistics all come from compare, and it never decides an exit code
// (Result.ExitCode does). Only the commands package imports it, as
// benchstat keeps its table code inside the command.
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
