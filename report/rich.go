package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"golang.org/x/perf/benchunit"

	"github.com/flameiq/git-flameiq/compare"
)

// Rich is the input of the reports written for reviewers (Markdown,
// GitHub, HTML): the result plus what the commands know around it. Only
// Result is required; every other field is optional and its section is
// left out when empty. The renderers never modify a Rich.
type Rich struct {
	Result *compare.Result

	// BaseCommit and HeadCommit are full commit ids when known.
	BaseCommit, HeadCommit string
	// BaseLabel and HeadLabel name the sides for people (short shas or
	// file names).
	BaseLabel, HeadLabel string
	// BaseReason says which baseline was used and why, e.g.
	// "base 1a2b3c4 (merge-base of HEAD and main)".
	BaseReason string

	// History holds the recent history of the changed metrics, one series
	// per metric (the HTML report draws them).
	History []HistorySeries
	// Profile holds the top profile changes when both sides have a
	// profile of the configured name.
	Profile *ProfileChanges
}

// HistorySeries is the history of one metric along first-parent, oldest
// point first.
type HistorySeries struct {
	Key    string
	Unit   string
	Points []HistoryPoint
}

// HistoryPoint is one recorded commit of a HistorySeries.
type HistoryPoint struct {
	Sha     string
	Subject string
	Date    time.Time
	Value   float64
	// Lo and Hi, when Lo < Hi, are an interval around Value (e.g. the
	// confidence interval of a median) that the HTML charts draw as an
	// error bar; leave them zero when the data carries no spread.
	Lo, Hi float64
}

// ProfileChanges is the head of a differential profile: the functions
// whose flat share changed most between the base and head profiles
// (the commands pass the top 5, largest |DeltaPct| first).
type ProfileChanges struct {
	Name                   string // profile name, e.g. "cpu"
	BaseCommit, HeadCommit string
	Functions              []ProfileFunction
}

// ProfileFunction is one function of a ProfileChanges. Shares are in
// percent of each side's total, DeltaPct in percentage points. When Linked,
// DeltaPerOp is the change of the function's time per operation, in
// PerOpUnit (e.g. sec/op).
type ProfileFunction struct {
	Name             string
	DeltaPct         float64
	BasePct, HeadPct float64
	DeltaPerOp       float64
	PerOpUnit        string
	Linked           bool
}

// statusRank orders the changed metrics of a report, the most urgent
// first.
var statusRank = map[compare.Status]int{
	compare.Regression:   0,
	compare.BudgetBreach: 1,
	compare.Failed:       2,
	compare.Missing:      3,
	compare.Accepted:     4,
	compare.Warning:      5,
	compare.Improved:     6,
	compare.New:          7,
}

// changedDiffs are the metrics a reviewer must look at: regressions,
// budget breaches, failed benchmarks, missing metrics, accepted
// regressions, warnings, improvements and new metrics, in that order; within a status
// the largest change first, then key order.
func changedDiffs(r *compare.Result) []compare.Diff {
	var out []compare.Diff
	for _, d := range r.Diffs {
		if _, ok := statusRank[d.Status]; ok {
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if statusRank[a.Status] != statusRank[b.Status] {
			return statusRank[a.Status] < statusRank[b.Status]
		}
		return size(a) > size(b)
	})
	return out
}

// size orders findings of one status: a change from zero first, then the
// largest change.
func size(d compare.Diff) float64 {
	if d.ZeroBase {
		return math.Inf(1)
	}
	if math.IsNaN(d.ChangePercent) {
		return -1
	}
	return math.Abs(d.ChangePercent)
}

// noteGroup is one footnote and the metrics it concerns.
type noteGroup struct {
	Text string
	Keys []string
}

// groupNotes lists the reasons and notes of ds, each text once with the
// metrics it concerns, in order of first appearance; said collects
// "key: note" for each, so the result's warnings are not repeated.
func groupNotes(ds []compare.Diff, said map[string]bool) []noteGroup {
	var out []noteGroup
	idx := map[string]int{}
	for _, d := range ds {
		notes := d.Notes
		if d.Reason != "" {
			notes = append([]string{d.Reason}, notes...)
		}
		for _, n := range notes {
			said[d.Key+": "+n] = true
			i, ok := idx[n]
			if !ok {
				i = len(out)
				idx[n] = i
				out = append(out, noteGroup{Text: n})
			}
			out[i].Keys = append(out[i].Keys, d.Key)
		}
	}
	return out
}

// namedKeys names the first three keys, then counts the rest: "a, b, c
// and 4 more"; each key goes through esc.
func namedKeys(keys []string, esc func(string) string) string {
	var names []string
	for i, k := range keys {
		if i == 3 {
			names = append(names, fmt.Sprintf("and %d more", len(keys)-3))
			break
		}
		names = append(names, esc(k))
	}
	return strings.Join(names, ", ")
}

// statusEmoji marks a status in the Markdown report (GitHub renders emoji).
var statusEmoji = map[compare.Status]string{
	compare.Regression:   "❌",
	compare.BudgetBreach: "❌",
	compare.Failed:       "❌",
	compare.Warning:      "⚠️",
	compare.Accepted:     "☑️",
	compare.Improved:     "🚀",
	compare.Pass:         "✅",
	compare.Info:         "ℹ️",
	compare.New:          "🆕",
	compare.Missing:      "❔",
	compare.Skipped:      "➖",
}

// statusWord is the status as a reviewer reads it.
func statusWord(s compare.Status) string {
	if s == compare.BudgetBreach {
		return "BUDGET BREACH"
	}
	return string(s)
}

// verdictPart is one count of a verdict line.
type verdictPart struct {
	emoji string
	icon  string // the HTML pages' icon for emoji (see statusIcon)
	n     int
	text  string
}

// verdictParts are the counts of r in the order every summary uses:
// failures, then warnings, accepted, improved, unchanged, and the metrics
// that were not compared.
func verdictParts(r *compare.Result) []verdictPart {
	c := r.Counts()
	missEmoji, missIcon := "❔", "missing"
	if r.Failed() && c.Missing > 0 && c.Regressions+c.Budget+c.Failed == 0 {
		missEmoji, missIcon = "❌", "fail" // only missing metrics fail the check
	}
	return []verdictPart{
		{"❌", "fail", c.Regressions, plural(c.Regressions, "regression", "regressions")},
		{"❌", "fail", c.Budget, plural(c.Budget, "budget breach", "budget breaches")},
		{"❌", "fail", c.Failed, fmt.Sprintf("%d failed", c.Failed)},
		{missEmoji, missIcon, c.Missing, fmt.Sprintf("%d missing", c.Missing)},
		{"⚠️", "warn", c.Warnings, plural(c.Warnings, "warning", "warnings")},
		{"☑️", "accepted", c.Accepted, fmt.Sprintf("%d accepted", c.Accepted)},
		{"🚀", "improved", c.Improved, fmt.Sprintf("%d improved", c.Improved)},
		{"", "", c.Passed, fmt.Sprintf("%d unchanged", c.Passed)},
		{"ℹ️", "info", c.Info, fmt.Sprintf("%d not gated", c.Info)},
		{"🆕", "new", c.New, fmt.Sprintf("%d new", c.New)},
		{"➖", "skipped", c.Skipped, fmt.Sprintf("%d skipped", c.Skipped)},
	}
}

// Headline is the one-line verdict of a rich report, e.g.
// "❌ 2 regressions · ⚠️ 1 warning · 🚀 3 improved · 40 unchanged", or
// "✅ No performance regressions · 40 unchanged" when nothing failed or
// warned. Counts of zero are left out.
func Headline(r *compare.Result) string {
	var parts []string
	for _, p := range headlineParts(r) {
		if p.emoji != "" {
			parts = append(parts, p.emoji+" "+p.text)
		} else {
			parts = append(parts, p.text)
		}
	}
	return strings.Join(parts, " · ")
}

// headlineParts are the parts of the Headline: "No performance
// regressions" when nothing failed or warned, then the counts that are
// not zero. The HTML page draws their icons; Markdown writes their emoji.
func headlineParts(r *compare.Result) []verdictPart {
	var parts []verdictPart
	c := r.Counts()
	if !r.Failed() && c.Warnings == 0 && c.Missing == 0 {
		parts = append(parts, verdictPart{emoji: "✅", icon: "pass", text: "No performance regressions"})
	}
	for _, p := range verdictParts(r) {
		if p.n != 0 {
			parts = append(parts, p)
		}
	}
	return parts
}

// statusIcon names the HTML pages' icon of a status (the shapes of the
// "icon" template): the emoji of statusEmoji, drawn without an emoji font.
var statusIcon = map[compare.Status]string{
	compare.Regression:   "fail",
	compare.BudgetBreach: "fail",
	compare.Failed:       "fail",
	compare.Warning:      "warn",
	compare.Accepted:     "accepted",
	compare.Improved:     "improved",
	compare.Pass:         "pass",
	compare.Info:         "info",
	compare.New:          "new",
	compare.Missing:      "missing",
	compare.Skipped:      "skipped",
}

// valueUnit formats v with its unit for a report that mixes units in one
// table: "2.000 ms/op", "4.883 KiB/op", "95.37 MiB/s", "1.000 s/op".
// Unitless values are formatted alone. sc comes from scaler.
func valueUnit(sc benchunit.Scaler, v float64, unit string) string {
	s := formatValue(sc, v)
	if unit == "" || math.IsNaN(v) || math.IsInf(v, 0) {
		return s
	}
	prefix := ""
	if sc != benchunit.NoOpScaler {
		prefix = sc.Prefix
		s = strings.TrimSuffix(s, prefix)
	}
	return s + " " + prefix + tidyUnit(unit)
}

// tidyUnit writes benchstat's "sec" as "s" once the value carries a
// prefix ("ms/op" rather than "msec/op").
func tidyUnit(unit string) string {
	if rest, ok := strings.CutPrefix(unit, "sec"); ok {
		return "s" + rest
	}
	return unit
}

// sides formats a diff's base and head centres on a common scale; an
// absent side is "".
func sides(d compare.Diff) (base, head string) {
	sc := scaler(d.Unit, d.Base, d.Head)
	if d.BaseN > 0 {
		base = valueUnit(sc, d.Base, d.Unit)
	}
	if d.HeadN > 0 {
		head = valueUnit(sc, d.Head, d.Unit)
	}
	return base, head
}

// pnPlain is pn without its parentheses: "p=0.002 n=8", "n=3+3".
func pnPlain(d compare.Diff) string {
	return strings.TrimSuffix(strings.TrimPrefix(pn(d), "("), ")")
}

// thresholdCell is the threshold of a compared metric, "" for new and
// missing ones.
func thresholdCell(d compare.Diff) string {
	if d.Status == compare.New || d.Status == compare.Missing {
		return ""
	}
	return percent(d.ThresholdPercent)
}

// signedValueUnit formats a signed change with its unit, e.g.
// "+427.0 µs/op".
func signedValueUnit(v float64, unit string) string {
	if math.IsNaN(v) {
		return ""
	}
	sign := "+"
	if v < 0 {
		sign = "-"
	}
	a := math.Abs(v)
	return sign + valueUnit(scaler(unit, a), a, unit)
}

// points formats a change of share in percentage points: "+12.3 pp".
func points(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return fmt.Sprintf("%+.2f pp", v)
}

// share formats a share of a profile's total: "12.30%".
func share(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return fmt.Sprintf("%.2f%%", v)
}

// perOp is a function's change of time per op, "" when not linked.
func perOp(f ProfileFunction) string {
	if !f.Linked {
		return ""
	}
	return signedValueUnit(f.DeltaPerOp, f.PerOpUnit)
}

// acceptedDiffs are the accepted regressions of r in key order.
func acceptedDiffs(r *compare.Result) []compare.Diff {
	var out []compare.Diff
	for _, d := range r.Diffs {
		if d.Status == compare.Accepted {
			out = append(out, d)
		}
	}
	return out
}

// shortSha abbreviates a full commit id to 7 characters; other labels are
// kept.
func shortSha(s string) string {
	if len(s) >= 40 && strings.Trim(s, "0123456789abcdef") == "" {
		return s[:7]
	}
	return s
}
