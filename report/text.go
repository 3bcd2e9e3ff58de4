package report

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/aclements/go-moremath/stats"
	"github.com/olekukonko/tablewriter"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchunit"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/snapshot"
)

// TextOptions control Text.
type TextOptions struct {
	// BaseLine, when set, is printed first: which commit the baseline is
	// and why, e.g. "base: 1a2b3c4 (merge-base of HEAD and main)".
	BaseLine string
	// Color enables ANSI colours on the status column. The caller decides
	// (a TTY, NO_COLOR unset).
	Color bool
	// All lists every unchanged (PASS) row; without it a unit with more
	// than TextUnchangedMax of them is summarised in one line (diff and
	// compare --all).
	All bool
}

// TextUnchangedMax is the most unchanged (PASS) rows a unit's table lists
// in full: beyond it Text prints that unit's other rows (the findings,
// and every metric not judged PASS) and one line counting the unchanged
// ones, with the geometric mean of their head/base ratios.
const TextUnchangedMax = 200

// Text writes r as benchstat-style tables, one per unit: name, base and
// head centres (scaled with benchunit, ± the confidence interval in
// statistical mode), the delta ("~" when not significant), p and n,
// threshold and status, a geomean row when the group has two rows or more,
// numbered footnotes; then a summary line. Without opts.All, a unit with
// more than TextUnchangedMax unchanged rows lists only its other rows and
// says how many unchanged ones it left out (the geomean row still covers
// them all).
func Text(w io.Writer, r *compare.Result, opts TextOptions) error {
	var buf bytes.Buffer
	if opts.BaseLine != "" {
		fmt.Fprintf(&buf, "%s\n\n", opts.BaseLine)
	}
	if len(r.RuleChanges) > 0 {
		buf.WriteString("Rules changed in this PR (the base's flameiq.yaml → this one):\n")
		for _, c := range r.RuleChanges {
			fmt.Fprintf(&buf, "  %s\n", c)
		}
		fmt.Fprintf(&buf, "  → %s\n\n", r.RuleDecision)
	}
	for i, g := range groupByUnit(r.Diffs) {
		if i > 0 {
			buf.WriteByte('\n')
		}
		if err := writeGroup(&buf, g, r, opts); err != nil {
			return err
		}
	}
	if len(r.Diffs) > 0 {
		buf.WriteByte('\n')
	}
	if r.StatisticalMode {
		fmt.Fprintf(&buf, "%s\n", PLegend(r))
	}
	fmt.Fprintf(&buf, "%s\n", SummaryLine(r))
	_, err := w.Write(buf.Bytes())
	return err
}

// group is the diffs of one unit.
type group struct {
	unit  string
	diffs []compare.Diff
}

// unitRank orders groups as benchstat usually prints them.
var unitRank = map[string]int{"sec/op": 1, "B/op": 2, "allocs/op": 3}

func groupByUnit(ds []compare.Diff) []group {
	idx := map[string]int{}
	var gs []group
	var sizes []int // each group's exact size first: no slice of Diffs grows by doubling
	for _, d := range ds {
		i, ok := idx[d.Unit]
		if !ok {
			i = len(gs)
			idx[d.Unit] = i
			gs = append(gs, group{unit: d.Unit})
			sizes = append(sizes, 0)
		}
		sizes[i]++
	}
	for i := range gs {
		gs[i].diffs = make([]compare.Diff, 0, sizes[i])
	}
	for _, d := range ds {
		i := idx[d.Unit]
		gs[i].diffs = append(gs[i].diffs, d)
	}
	sort.SliceStable(gs, func(a, b int) bool {
		ra, rb := rankOf(gs[a].unit), rankOf(gs[b].unit)
		if ra != rb {
			return ra < rb
		}
		return gs[a].unit < gs[b].unit
	})
	return gs
}

func rankOf(unit string) int {
	if r, ok := unitRank[unit]; ok {
		return r
	}
	if unit == "" {
		return 100 // unitless (FlameIQ) metrics last
	}
	return 10
}

// footnotes numbers notes within one group, as benchstat does per table.
type footnotes struct {
	list []string
	idx  map[string]int
}

func (f *footnotes) mark(notes []string) string {
	var marks []string
	for _, n := range notes {
		if f.idx == nil {
			f.idx = map[string]int{}
		}
		i, ok := f.idx[n]
		if !ok {
			f.list = append(f.list, n)
			i = len(f.list)
			f.idx[n] = i
		}
		marks = append(marks, superscript(i))
	}
	return strings.Join(marks, " ")
}

func superscript(i int) string {
	const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	var b strings.Builder
	for _, c := range strconv.Itoa(i) {
		b.WriteString(string([]rune(digits)[c-'0']))
	}
	return b.String()
}

// Column layout of a group table.
const (
	colName = iota
	colBase
	colBaseCI
	colHead
	colHeadCI
	colDelta
	colPN
	colThreshold
	colStatus
	numCols
)

func writeGroup(w io.Writer, g group, r *compare.Result, opts TextOptions) error {
	var notes footnotes
	shown, hidden := g.diffs, []compare.Diff(nil)
	if !opts.All {
		shown, hidden = splitUnchanged(g.diffs)
	}
	rows := make([][]string, 0, len(shown)+1)
	for _, d := range shown {
		rows = append(rows, diffRow(d, g.unit, r.Alpha, &notes))
	}
	if gm := geomeanRow(g, &notes); gm != nil {
		rows = append(rows, gm)
	}
	alignCI(rows)
	header := make([]string, numCols)
	header[colName], header[colBase], header[colHead] = unitHeader(g.unit), "base", "head"
	header[colDelta], header[colThreshold], header[colStatus] = "vs base", "threshold", "status"
	var buf bytes.Buffer
	if err := renderTable(&buf, header, rows); err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
		line = strings.TrimRight(line, " ")
		if opts.Color {
			line = colorize(line)
		}
		fmt.Fprintln(w, line)
	}
	for i, n := range notes.list {
		fmt.Fprintf(w, "%s %s\n", superscript(i+1), n)
	}
	if len(hidden) > 0 {
		fmt.Fprintf(w, "… %s unchanged %s rows%s; --all to list them\n", thousands(len(hidden)), unitHeader(g.unit), ratioGeomean(hidden))
	}
	return nil
}

// splitUnchanged leaves the unchanged (PASS) diffs out of ds when there
// are more than TextUnchangedMax of them: shown keeps every other diff in
// order, hidden the unchanged ones.
func splitUnchanged(ds []compare.Diff) (shown, hidden []compare.Diff) {
	n := 0
	for _, d := range ds {
		if d.Status == compare.Pass {
			n++
		}
	}
	if n <= TextUnchangedMax {
		return ds, nil
	}
	shown, hidden = make([]compare.Diff, 0, len(ds)-n), make([]compare.Diff, 0, n)
	for _, d := range ds {
		if d.Status == compare.Pass {
			hidden = append(hidden, d)
		} else {
			shown = append(shown, d)
		}
	}
	return shown, hidden
}

// ratioGeomean is " (geomean +0.03%)": the geometric mean of the head/base
// ratios of ds that have both sides and a positive ratio, as a change; ""
// when none has.
func ratioGeomean(ds []compare.Diff) string {
	var ratios []float64
	for _, d := range ds {
		if d.BaseN == 0 || d.HeadN == 0 {
			continue
		}
		switch {
		case d.Base == d.Head:
			ratios = append(ratios, 1)
		case d.Base != 0 && d.Head/d.Base > 0:
			ratios = append(ratios, d.Head/d.Base)
		}
	}
	gm := stats.GeoMean(ratios)
	if len(ratios) == 0 || math.IsNaN(gm) || math.IsInf(gm, 0) {
		return ""
	}
	pct := (gm - 1) * 100
	if math.Abs(pct) < 0.005 {
		return " (geomean ±0.00%)" // not "-0.00%"
	}
	return fmt.Sprintf(" (geomean %+.2f%%)", pct)
}

// thousands writes n with comma thousands separators: 19,812.
func thousands(n int) string {
	s := strconv.Itoa(n)
	start := 0
	if n < 0 {
		start = 1
	}
	var b strings.Builder
	b.WriteString(s[:start])
	for i := start; i < len(s); i++ {
		if i > start && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unitHeader(unit string) string {
	if unit == "" {
		return "metric"
	}
	return unit
}

// scaler is benchstat's row scaler: a common scale for the row's centres.
func scaler(unit string, vals ...float64) benchunit.Scaler {
	if unit == "" {
		return benchunit.NoOpScaler
	}
	var finite []float64
	for _, v := range vals {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			finite = append(finite, v)
		}
	}
	return benchunit.CommonScale(finite, benchunit.ClassOf(unit))
}

func formatValue(s benchunit.Scaler, v float64) string {
	switch {
	case math.IsNaN(v), math.IsInf(v, 0):
		return strconv.FormatFloat(v, 'f', -1, 64)
	case v != 0 && (math.Abs(v) >= 1e15 || math.Abs(v) < 1e-12):
		// Beyond the SI prefixes benchunit knows (T … p): a 300-digit
		// number or 0.0000000000n would say nothing; 1e+308 does.
		return strconv.FormatFloat(v, 'g', 4, 64)
	case s == benchunit.NoOpScaler:
		return strconv.FormatFloat(v, 'g', 6, 64)
	}
	return s.Format(v)
}

func diffRow(d compare.Diff, unit string, alpha float64, notes *footnotes) []string {
	row := make([]string, numCols)
	sc := scaler(unit, d.Base, d.Head)
	row[colName] = displayName(d)
	if d.BaseN > 0 {
		row[colBase] = formatValue(sc, d.Base)
	}
	if d.HeadN > 0 {
		row[colHead] = formatValue(sc, d.Head)
	}
	if d.Statistical {
		row[colBaseCI] = benchmath.Summary{Center: d.Base, Lo: d.BaseLo, Hi: d.BaseHi}.PctRangeString()
		row[colHeadCI] = benchmath.Summary{Center: d.Head, Lo: d.HeadLo, Hi: d.HeadHi}.PctRangeString()
	}
	row[colDelta] = delta(d, alpha)
	row[colPN] = pn(d)
	if d.Status != compare.New && d.Status != compare.Missing {
		row[colThreshold] = percent(d.ThresholdPercent)
	}
	row[colStatus] = string(d.Status)
	all := d.Notes
	if d.Status == compare.Accepted {
		reason := "accepted: " + d.AcceptReason
		if d.AcceptSource != "" {
			reason += " (" + d.AcceptSource + ")"
		}
		all = append(append([]string(nil), all...), reason)
	}
	if m := notes.mark(all); m != "" {
		row[colStatus] += " " + m
	}
	return row
}

// PLegend says, once per report, which p the tables show.
func PLegend(r *compare.Result) string {
	s := "p: one-sided Mann-Whitney U test in the direction of the change (two-sided for two-sided metrics)"
	if r.Family > 0 {
		s += fmt.Sprintf(", Holm-adjusted over the %d tested metrics", r.Family)
	}
	return s + fmt.Sprintf("; ~: not significant at α=%g", r.Alpha)
}

// delta is the change of the centres: "~" exactly when the p shown (the
// one that decided) is not below alpha, or when single values' intervals
// overlap; "new cost" for a cost where the base had none; "?" when
// undefined.
func delta(d compare.Diff, alpha float64) string {
	switch {
	case d.Status == compare.New || d.Status == compare.Missing || d.Status == compare.Failed:
		return ""
	case d.Noise || d.Statistical && !(d.P < alpha):
		return "~"
	case d.ZeroBase:
		if d.Direction == snapshot.HigherIsBetter || d.Direction == snapshot.LowerIsBetter && d.Head < 0 {
			return "from 0"
		}
		return "new cost"
	case math.IsNaN(d.ChangePercent):
		return "?"
	case math.IsInf(d.ChangePercent, 0):
		return strconv.FormatFloat(d.ChangePercent, 'f', -1, 64) + "%"
	}
	// Print the unrounded change, as benchstat does: rounding the FlameIQ
	// 4-dp value again to 2 dp could differ in the last digit.
	raw := (d.Head - d.Base) / d.Base * 100
	if d.Base < 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		raw = d.ChangePercent
	}
	return fmt.Sprintf("%+.2f%%", raw)
}

// pn is "(p=0.002 n=8)" as benchstat prints it, with the p that decided
// the verdict (see PLegend; benchstat's two-sided p is in the JSON), or
// "(n=3+2)" for repeated samples below the statistical minimum.
func pn(d compare.Diff) string {
	if d.Statistical {
		return "(" + benchmath.Comparison{P: d.P, N1: d.BaseN, N2: d.HeadN}.String() + ")"
	}
	if d.BaseN > 1 || d.HeadN > 1 {
		return fmt.Sprintf("(n=%d+%d)", d.BaseN, d.HeadN)
	}
	if d.BaseCI != nil && d.HeadCI != nil && d.BaseCI.N > 0 && d.HeadCI.N > 0 {
		// One summary value a side, computed from this many observations
		// (a load test's requests): its interval decided (see Diff.Interval).
		return fmt.Sprintf("(of %d+%d obs)", d.BaseCI.N, d.HeadCI.N)
	}
	return ""
}

// geomeanRow is benchstat's geomean row: the geometric mean of each side's
// centres and of the head/base ratios, for groups of two rows or more.
func geomeanRow(g group, notes *footnotes) []string {
	var bases, heads, ratios []float64
	for _, d := range g.diffs {
		if d.BaseN == 0 || d.HeadN == 0 {
			continue
		}
		bases, heads = append(bases, d.Base), append(heads, d.Head)
		switch {
		case d.Base == d.Head:
			ratios = append(ratios, 1)
		case d.Base != 0:
			ratios = append(ratios, d.Head/d.Base)
		default:
			ratios = append(ratios, math.NaN())
		}
	}
	if len(bases) < 2 {
		return nil
	}
	row := make([]string, numCols)
	row[colName] = "geomean"
	gb, gh, gr := stats.GeoMean(bases), stats.GeoMean(heads), stats.GeoMean(ratios)
	if math.IsNaN(gb) || math.IsNaN(gh) {
		row[colBaseCI] = notes.mark([]string{"summaries must be >0 to compute geomean"})
	} else {
		sc := scaler(g.unit, gb, gh)
		row[colBase], row[colHead] = formatValue(sc, gb), formatValue(sc, gh)
	}
	if !math.IsNaN(gr) {
		row[colDelta] = fmt.Sprintf("%+.2f%%", (gr-1)*100)
	} else {
		row[colDelta] = "?"
	}
	return row
}

// alignCI turns the interval percentages into "± 14%" cells with the ±
// signs aligned.
func alignCI(rows [][]string) {
	for _, col := range []int{colBaseCI, colHeadCI} {
		width := 0
		for _, r := range rows {
			if r[colName] != "geomean" {
				width = max(width, len([]rune(r[col])))
			}
		}
		for _, r := range rows {
			if r[col] != "" && r[colName] != "geomean" {
				r[col] = "± " + strings.Repeat(" ", width-len([]rune(r[col]))) + r[col]
			}
		}
	}
}

// renderTable lays the cells out as benchstat does: no borders, columns
// separated by two spaces (one between a value and its "± x%"), numbers
// right-aligned.
func renderTable(w io.Writer, header []string, rows [][]string) error {
	align := []int{tablewriter.ALIGN_LEFT, tablewriter.ALIGN_RIGHT, tablewriter.ALIGN_LEFT,
		tablewriter.ALIGN_RIGHT, tablewriter.ALIGN_LEFT, tablewriter.ALIGN_RIGHT, tablewriter.ALIGN_LEFT,
		tablewriter.ALIGN_RIGHT, tablewriter.ALIGN_LEFT}
	gap := make([]string, numCols)
	for i := range gap {
		gap[i] = "  "
	}
	gap[colBase], gap[colHead], gap[colDelta] = " ", " ", " "
	return writeTable(w, append([][]string{header}, rows...), tableStyle{align: align, gap: gap})
}

// statusColors are the ANSI colours of the status words.
var statusColors = map[compare.Status]string{
	compare.Regression:   "\x1b[31m",
	compare.BudgetBreach: "\x1b[31m",
	compare.Missing:      "\x1b[33m",
	compare.Warning:      "\x1b[33m",
	compare.Failed:       "\x1b[31m",
	compare.Pass:         "\x1b[32m",
	compare.Improved:     "\x1b[32m",
	compare.Accepted:     "\x1b[36m",
	compare.New:          "\x1b[36m",
}

// colorize colours the status word of a rendered row (the status column
// is the last one, so the layout is already fixed).
func colorize(line string) string {
	for st, c := range statusColors {
		word := string(st)
		i := strings.LastIndex(line, "  "+word)
		if i < 0 {
			continue
		}
		i += 2
		end := i + len(word)
		if end == len(line) || line[end] == ' ' {
			return line[:i] + c + word + "\x1b[0m" + line[end:]
		}
	}
	return line
}
