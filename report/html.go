package report

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"sync"

	"github.com/flameiq/git-flameiq/compare"
)

// HTML writes rich as one self-contained page that opens offline: no
// CDN, fonts, images or requests of any kind (a Content-Security-Policy
// forbids them), inline CSS, inline SVG charts and icons (no emoji: a
// machine without an emoji font would draw empty boxes) and a few lines
// of inline script to filter the full table. It shows the Headline's
// parts with their icons and the base resolution, a horizontal bar chart
// of the changed metrics' deltas, the changed metrics with their notes,
// the accepted regressions with their reasons, the top profile changes,
// one compact row per changed metric with a history in rich.History (a
// sparkline; a click opens its chart, which ends at the head's value,
// marked, with the base marked and error bars where the comparison has
// intervals; the first 100 such metrics) and the table of every metric
// with a filter box: the page carries every row as data and draws the
// first 500 that match what is typed (so 60,000 metrics open in a
// second or two). Every name goes through html/template's contextual
// escaping (the rows' data is JSON inside its script element).
func HTML(w io.Writer, rich Rich) error {
	r := rich.Result
	page := htmlPage{
		Title:    "git-flameiq: " + plainHeadline(r),
		Class:    headlineClass(r),
		Compared: strings.TrimPrefix(baseLine(rich, func(s string) string { return s }), "**Compared:** "),
		Summary:  SummaryLine(r),
		Report:   true,
	}
	for _, p := range headlineParts(r) {
		hp := htmlPart{Text: p.text}
		if p.icon != "" {
			hp.Icon = &htmlIcon{Kind: p.icon, Label: iconLabel[p.icon]}
		}
		page.Parts = append(page.Parts, hp)
	}
	changed := changedDiffs(r)
	for i, d := range changed {
		if i == changedRowsMax {
			page.ChangedMore = fmt.Sprintf("The first %d of %s changed metrics, most urgent first; the table of every metric below has them all (tick “changed only”).",
				changedRowsMax, thousands(len(changed)))
			break
		}
		page.Changed = append(page.Changed, toHTMLRow(d, r.Alpha))
	}
	said := map[string]bool{}
	for _, g := range groupNotes(changed, said) {
		page.Notes = append(page.Notes, namedKeys(g.Keys, func(k string) string { return k })+": "+g.Text)
	}
	for _, wn := range r.Warnings {
		if !said[wn] {
			page.Notes = append(page.Notes, wn)
		}
	}
	page.AllCount, page.AllMax = thousands(len(r.Diffs)), allRowsMax
	page.AllOpen = len(r.Diffs) <= allOpenMax
	page.AllData = make([][]any, 0, len(r.Diffs))
	kinds := map[[5]string]int{}
	for i, d := range r.Diffs {
		row := toHTMLRow(d, r.Alpha)
		if i < allRowsMax {
			page.All = append(page.All, row)
		}
		kind := row.kind(statusRank, d.Status)
		k, ok := kinds[kind]
		if !ok {
			k = len(page.AllKinds)
			kinds[kind] = k
			page.AllKinds = append(page.AllKinds, kind[:])
		}
		page.AllData = append(page.AllData, []any{k, row.Key, row.Base, row.Head, row.Delta, row.PN, row.Threshold})
	}
	page.AllNote = allNote(len(page.All), len(r.Diffs))
	for _, d := range acceptedDiffs(r) {
		page.Accepted = append(page.Accepted, htmlAccepted{Key: d.Key, Delta: delta(d, r.Alpha), Reason: d.AcceptReason, Source: d.AcceptSource})
	}
	page.Bars = barChart(changed, r.Alpha)
	page.Trends = diffTrends(rich, changed)
	page.Dates = page.Trends != nil
	if p := rich.Profile; p != nil && len(p.Functions) > 0 {
		hp := &htmlProfile{Name: p.Name}
		for _, f := range p.Functions {
			hp.Linked = hp.Linked || f.Linked
			hp.Functions = append(hp.Functions, htmlFunction{Name: f.Name, Base: share(f.BasePct), Head: share(f.HeadPct),
				Delta: points(f.DeltaPct), PerOp: perOp(f), Class: signClass(f.DeltaPct)})
		}
		page.Profile = hp
	}
	return htmlTemplate().Execute(w, page)
}

// allOpenMax is the largest number of metrics whose full table the diff
// page shows open; a longer one is folded (a click, or typing in its
// filter, opens it).
const allOpenMax = 30

// changedRowsMax is the most rows the changed metrics' table lists (a
// monorepo's 2,000 would take seconds to lay out); the table of every
// metric has the others.
const changedRowsMax = 200

// allRowsMax is the most rows the table of every metric shows at once: the
// page carries every row as data, and its script draws the first
// allRowsMax that match the filter (the page stays quick to open with
// 60,000 metrics; without script, the first allRowsMax are shown).
const allRowsMax = 500

// allNote says which rows the table of every metric shows before any
// filtering (the page's script says it again as the filter changes).
func allNote(shown, total int) string {
	if shown >= total {
		return fmt.Sprintf("%s metrics; type to filter them by name.", thousands(total))
	}
	return fmt.Sprintf("The first %s of %s metrics; type to filter them by name.", thousands(shown), thousands(total))
}

// trendsMax is the most history charts the diff page draws: the changed
// metrics in the changed table's order (most urgent, then largest, first).
const trendsMax = 100

// plainHeadline is the Headline without its emoji (the page's <title>).
func plainHeadline(r *compare.Result) string {
	var parts []string
	for _, p := range headlineParts(r) {
		parts = append(parts, p.text)
	}
	return strings.Join(parts, " · ")
}

// htmlPage is the data of htmlTemplate; only plain strings and numbers,
// so html/template escapes every name.
type htmlPage struct {
	Title       string
	Headline    string     // the h1, when Parts is empty
	Parts       []htmlPart // the h1: the Headline's parts with their icons
	Class       string
	Compared    string
	Summary     string
	Dates       bool // the page shows dates: its header says they are UTC
	Report      bool // a diff report (not a history page)
	Bars        *htmlBars
	Changed     []htmlRow  // the first changedRowsMax changed metrics
	ChangedMore string     // says how many more there are
	All         []htmlRow  // the first rows of every metric (allRowsMax)
	AllData     [][]any    // every metric's row, for the filter: AllKinds index, key, base, head, delta, p / n, threshold
	AllKinds    [][]string // the rows' icon kind, icon label, status, class and changed (htmlRow.kind)
	AllCount    string     // the number of metrics, 60,000
	AllMax      int
	AllNote     string
	AllOpen     bool
	Notes       []string
	Accepted    []htmlAccepted
	Profile     *htmlProfile
	Trends      *htmlTrends   // the changed metrics' histories (diff)
	Sections    []htmlSection // generic sections (the weekly review)
	Cards       *htmlCards    // small multiples (log)
	Log         *htmlLogTable // the commit table (log)
}

// htmlIcon is one of the "icon" template's shapes (Kind) with its text
// alternative.
type htmlIcon struct{ Kind, Label string }

// iconLabel is the text alternative of each icon.
var iconLabel = map[string]string{
	"fail": "failed", "pass": "passed", "warn": "warning", "accepted": "accepted",
	"improved": "improved", "info": "not gated", "new": "new", "missing": "missing",
	"skipped": "skipped", "slower": "slower", "faster": "faster",
}

func statusHTMLIcon(s compare.Status) *htmlIcon {
	k, ok := statusIcon[s]
	if !ok {
		return nil
	}
	return &htmlIcon{Kind: k, Label: strings.ToLower(statusWord(s))}
}

// htmlPart is one part of a headline.
type htmlPart struct {
	Icon *htmlIcon
	Text string
}

// htmlSection is a titled table, list or set of compact rows of plain
// strings.
type htmlSection struct {
	Title  string
	Empty  string // shown when there are no rows, items or trends
	Head   []string
	Rows   [][]string
	Items  []string
	Fold   string // when set, Items are folded under this summary
	Note   string // said once, under the title
	Trends []htmlTrend
}

type htmlRow struct {
	Icon                                                 *htmlIcon
	Key, Base, Head, Delta, PN, Threshold, Status, Class string
}

type htmlAccepted struct{ Key, Delta, Reason, Source string }

type htmlProfile struct {
	Name      string
	Linked    bool
	Functions []htmlFunction
}

type htmlFunction struct{ Name, Base, Head, Delta, PerOp, Class string }

func toHTMLRow(d compare.Diff, alpha float64) htmlRow {
	base, head := sides(d)
	status := statusWord(d.Status)
	if d.Noise {
		status += " (not significant)"
	}
	return htmlRow{Icon: statusHTMLIcon(d.Status), Key: d.Key, Base: base, Head: head, Delta: delta(d, alpha),
		PN: pnPlain(d), Threshold: thresholdCell(d), Status: status, Class: statusClass(d.Status)}
}

// kind is what rows of one status share, as the page's filter script
// draws it: icon kind and label, status, class, and "1" when the status
// is a finding (changed: a key of rank, changedDiffs' statusRank).
func (r htmlRow) kind(rank map[compare.Status]int, s compare.Status) [5]string {
	kind, label := "", ""
	if r.Icon != nil {
		kind, label = r.Icon.Kind, r.Icon.Label
	}
	changed := ""
	if _, ok := rank[s]; ok {
		changed = "1"
	}
	return [5]string{kind, label, r.Status, r.Class, changed}
}

// statusClass is the CSS class of a status.
func statusClass(s compare.Status) string {
	switch s {
	case compare.Regression, compare.BudgetBreach, compare.Failed:
		return "bad"
	case compare.Warning, compare.Missing:
		return "warn"
	case compare.Accepted, compare.New:
		return "info"
	case compare.Pass, compare.Improved:
		return "ok"
	}
	return "muted"
}

func headlineClass(r *compare.Result) string {
	c := r.Counts()
	switch {
	case r.Failed():
		return "bad"
	case c.Warnings > 0:
		return "warn"
	}
	return "ok"
}

// signClass colours a profile change: a growing share is red.
func signClass(v float64) string {
	switch {
	case v > 0:
		return "bad"
	case v < 0:
		return "good"
	}
	return "muted"
}

// Bar chart geometry, in SVG user units.
const (
	chartWidth  = 760.0
	barRowH     = 24.0
	barPad      = 8.0
	barMax      = 25 // bars drawn; the table lists every changed metric
	maxLabelLen = 44
)

// htmlBars is a horizontal bar chart of the deltas: bars grow right for an
// increase and left for a decrease from an axis in the middle of the plot.
type htmlBars struct {
	Width, Height, AxisX float64
	Bars                 []htmlBar
	More                 int // changed metrics not drawn
}

type htmlBar struct {
	Y, TextY, X, W, ValueX float64
	Anchor                 string // of the value text
	Label, Title, Value    string
	Class                  string
}

func barChart(ds []compare.Diff, alpha float64) *htmlBars {
	type item struct {
		d   compare.Diff
		chg float64
	}
	var items []item
	maxAbs, labelW, valueW := 0.0, 0.0, 0.0
	more := 0
	for _, d := range ds {
		if math.IsNaN(d.ChangePercent) {
			continue
		}
		if len(items) == barMax {
			more++
			continue
		}
		items = append(items, item{d, d.ChangePercent})
		labelW = math.Max(labelW, textWidth(clipLabel(d.Key)))
		valueW = math.Max(valueW, textWidth(delta(d, alpha)))
		if !math.IsInf(d.ChangePercent, 0) {
			maxAbs = max(maxAbs, math.Abs(d.ChangePercent))
		}
	}
	if len(items) == 0 {
		return nil
	}
	if maxAbs == 0 {
		maxAbs = 1
	}
	plotX := 4 + labelW + 12
	half := (chartWidth - plotX - 4) / 2
	axis := plotX + half
	room := half - valueW - 8 // the longest bar leaves room for its value
	scale := room / maxAbs
	c := &htmlBars{Width: chartWidth, Height: float64(len(items))*barRowH + 2*barPad, AxisX: round2(axis), More: more}
	for i, it := range items {
		length := math.Abs(it.chg) * scale
		if math.IsInf(it.chg, 0) {
			length = room
		}
		length = max(length, 1)
		y := barPad + float64(i)*barRowH
		b := htmlBar{Y: round2(y + 4), TextY: round2(y + barRowH/2 + 4), W: round2(length),
			Label: clipLabel(it.d.Key), Title: it.d.Key + ": " + delta(it.d, alpha) + " (" + statusWord(it.d.Status) + ")",
			Value: delta(it.d, alpha), Class: statusClass(it.d.Status)}
		if it.chg >= 0 {
			b.X, b.ValueX, b.Anchor = round2(axis), round2(axis+length+4), "start"
		} else {
			b.X, b.ValueX, b.Anchor = round2(axis-length), round2(axis-length-4), "end"
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

// htmlTrends is the diff page's history section: one compact row per
// changed metric with a history, and the page's one note on what the
// charts draw.
type htmlTrends struct {
	Note string
	Rows []htmlTrend
	More string // says how many changed metrics with a history were not charted (trendsMax)
}

// htmlTrend is a compact row: icon, name, sparkline, values and change;
// with Chart, a click opens the chart under it (<details>, no script).
type htmlTrend struct {
	Icon      *htmlIcon
	Key       string
	Spark     *svgSpark
	SparkText string // a text sparkline when there is no chart
	Values    string
	Delta     string
	Class     string
	Chart     *svgChart
}

// diffTrends builds the rows of the changed metrics that rich.History has
// a series of, the first trendsMax of them (More says how many others). Each chart ends at the head's value, from the Diff: the
// history's last point when it is the head commit, else a point added
// after it; the base commit's point is marked too, and both carry the
// comparison's interval of their median as an error bar when it has one.
func diffTrends(rich Rich, changed []compare.Diff) *htmlTrends {
	series := map[string]HistorySeries{}
	for _, s := range rich.History {
		series[s.Key] = s
	}
	headName := rich.HeadLabel
	if headName == "" {
		headName = shortSha(rich.HeadCommit)
	}
	t := &htmlTrends{}
	bars, more := false, 0
	for _, d := range changed {
		s, ok := series[d.Key]
		if !ok || len(s.Points) == 0 {
			continue
		}
		if len(t.Rows) == trendsMax {
			more++
			continue
		}
		unit := s.Unit
		if unit == "" {
			unit = d.Unit
		}
		var pts []chartPoint
		var vals []float64
		head := false
		for i, p := range s.Points {
			cp := historyPoint(i, p, unit)
			switch {
			case rich.HeadCommit != "" && p.Sha == rich.HeadCommit:
				head = true
				cp.Kind, cp.Label, cp.Class = "head", "head", statusClass(d.Status)
				cp.Lo, cp.Hi = sideCI(d, true)
			case rich.BaseCommit != "" && p.Sha == rich.BaseCommit:
				cp.Kind, cp.Label = "base", "base"
				cp.Lo, cp.Hi = sideCI(d, false)
			}
			pts = append(pts, cp)
			vals = append(vals, p.Value)
		}
		if !head && d.HeadN > 0 && finite(d.Head) {
			head = true
			cp := chartPoint{Idx: len(s.Points), Value: d.Head, Kind: "head", Label: "head", Class: statusClass(d.Status),
				Title: strings.TrimSpace("head "+headName) + ": " + sideText(d, true, unit)}
			cp.Lo, cp.Hi = sideCI(d, true)
			pts = append(pts, cp)
			vals = append(vals, d.Head)
		}
		for _, p := range pts {
			bars = bars || hasErr(p)
		}
		base, headV := sides(d)
		spark := plural(len(s.Points), "recorded commit", "recorded commits")
		if head {
			spark += ", then the head"
		}
		row := htmlTrend{Icon: statusHTMLIcon(d.Status), Key: d.Key, Values: base + " → " + headV, Delta: delta(d, rich.Result.Alpha),
			Class: statusClass(d.Status), Spark: sparkSVG(vals, head, statusClass(d.Status), spark),
			Chart: chart(fullChart, "history of "+d.Key, unit, len(pts), pts)}
		t.Rows = append(t.Rows, row)
	}
	if len(t.Rows) == 0 {
		return nil
	}
	if more > 0 {
		t.More = fmt.Sprintf("Charts of the first %d changed metrics, most urgent first; the other %s are listed in the tables without a chart.", len(t.Rows), thousands(more))
	}
	t.Note = "One point per recorded commit (the median of its samples), oldest left, ending at the head (a diamond); hover a point for its commit."
	if bars {
		t.Note += " Error bars: the confidence interval of the base's and the head's median; the history records no spread."
	} else {
		t.Note += " No error bars: the data carries no spread."
	}
	return t
}

// historyPoint is a recorded commit's chart point at x slot i.
func historyPoint(i int, p HistoryPoint, unit string) chartPoint {
	title := shortSha(p.Sha)
	if d := fmtDate(p.Date); d != "" {
		title += " · " + d
	}
	title += ": " + valueUnit(scaler(unit, p.Value), p.Value, unit)
	if p.Subject != "" {
		title += "\n" + p.Subject
	}
	return chartPoint{Idx: i, Value: p.Value, Lo: p.Lo, Hi: p.Hi, Title: title}
}

// sideCI is the interval of a side's median in d: the confidence interval
// of a statistical comparison, or a single value's own interval; NaN when
// d has none.
func sideCI(d compare.Diff, head bool) (lo, hi float64) {
	nan := math.NaN()
	switch {
	case d.Statistical && head:
		return d.HeadLo, d.HeadHi
	case d.Statistical:
		return d.BaseLo, d.BaseHi
	case head && d.HeadCI != nil:
		return d.HeadCI.Lo, d.HeadCI.Hi
	case !head && d.BaseCI != nil:
		return d.BaseCI.Lo, d.BaseCI.Hi
	}
	return nan, nan
}

// sideText is a side's value for a hover: "55.28 µs/op, median of 6
// samples, interval 54.90 µs/op … 55.60 µs/op".
func sideText(d compare.Diff, head bool, unit string) string {
	v, n := d.Base, d.BaseN
	if head {
		v, n = d.Head, d.HeadN
	}
	lo, hi := sideCI(d, head)
	sc := scaler(unit, v, lo, hi)
	s := valueUnit(sc, v, unit)
	if n > 1 {
		s += fmt.Sprintf(", median of %d samples", n)
	}
	if finite(lo) && finite(hi) && lo < hi {
		s += ", interval " + valueUnit(sc, lo, unit) + " … " + valueUnit(sc, hi, unit)
	}
	return s
}

// htmlCards are the log page's small multiples: one small chart per
// metric, a few a row, on the x positions of the commit table's commits.
type htmlCards struct {
	Note  string
	Cards []htmlCard
}

type htmlCard struct {
	Key    string
	Chart  *svgChart
	Latest string
}

// htmlLogTable is the log page's commit table, newest first.
type htmlLogTable struct {
	Metrics []htmlLogMetric
	Rows    []htmlLogRow
	More    int // metrics charted but left out of the table
}

// htmlLogMetric is a column of the commit table: the key, its name in
// pieces that may wrap (the key without the unit, which the header says
// in its scale) and that unit.
type htmlLogMetric struct {
	Key  string
	Name []string
	Unit string
}

// wrapPieces splits s after each '/', ':', '-', '.' and '_', where a
// narrow column may wrap it.
func wrapPieces(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexAny(s, "/:-._")
		if i < 0 || i == len(s)-1 {
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return append(out, s)
}

type htmlLogRow struct {
	Short, Sha, Date, Subject string
	Values                    []string
}

// logColumns is the most metric columns of the log page's commit table.
const logColumns = 12

// HistoryHTML writes the `log --format html` page, under title: small
// multiples of series (a few small charts a row, commits on a common x
// axis, a commit's label on hover), then a table of the commits, newest
// first, with their date, subject and the value of each metric (the first
// 12 metrics when there are more). metrics is the number of metrics of
// the history the series were picked from (LogKeys): when it is larger,
// the page says how many it left out and how to see them.
func HistoryHTML(w io.Writer, title string, series []HistorySeries, metrics int) error {
	page := htmlPage{Title: title, Headline: title}
	commits := mergeCommits(series)
	if len(commits) == 0 {
		page.Summary = "No recorded history."
		return htmlTemplate().Execute(w, page)
	}
	page.Dates = true
	page.Summary = fmt.Sprintf("%s · %s", plural(len(commits), "recorded commit", "recorded commits"), plural(len(series), "metric", "metrics"))
	if left := logLeftOut(len(series), metrics); left != "" {
		page.Summary += fmt.Sprintf(" of %s: %s.", thousands(metrics), left)
	}
	idx := map[string]int{}
	for i, c := range commits {
		idx[c.Sha] = i
	}
	cards := &htmlCards{Note: "One point per recorded commit, oldest left; the newest is red. Hover a point for its commit, date and value. No error bars: the history records no spread."}
	for _, s := range series {
		var pts []chartPoint
		latest := math.NaN()
		for _, p := range s.Points {
			cp := historyPoint(idx[p.Sha], p, s.Unit)
			pts = append(pts, cp)
			if finite(p.Value) {
				latest = p.Value
			}
		}
		card := htmlCard{Key: s.Key, Chart: chart(smallChart, "history of "+s.Key, s.Unit, len(commits), pts)}
		if finite(latest) {
			card.Latest = "latest " + valueUnit(scaler(s.Unit, latest), latest, s.Unit)
		}
		cards.Cards = append(cards.Cards, card)
	}
	page.Cards = cards
	page.Log = logTable(commits, series)
	return htmlTemplate().Execute(w, page)
}

// mergeCommits lists the commits of every series once, oldest first: each
// series' commits keep their order, and a commit that an earlier series
// lacks goes after the one it follows.
func mergeCommits(series []HistorySeries) []HistoryPoint {
	var out []HistoryPoint
	idx := map[string]int{}
	for _, s := range series {
		prev := -1
		for _, p := range s.Points {
			if i, ok := idx[p.Sha]; ok {
				prev = i
				continue
			}
			p := HistoryPoint{Sha: p.Sha, Subject: p.Subject, Date: p.Date}
			if prev+1 == len(out) {
				out = append(out, p)
			} else {
				out = append(out[:prev+1], append([]HistoryPoint{p}, out[prev+1:]...)...)
				for j, c := range out {
					idx[c.Sha] = j
				}
			}
			prev++
			idx[p.Sha] = prev
		}
	}
	return out
}

// logTable is the commit table: per metric a header with the unit of a
// common scale, values in that scale.
func logTable(commits []HistoryPoint, series []HistorySeries) *htmlLogTable {
	t := &htmlLogTable{}
	cols := series
	if len(cols) > logColumns {
		t.More = len(cols) - logColumns
		cols = cols[:logColumns]
	}
	cells := make([]map[string]string, len(cols))
	for j, s := range cols {
		var vals []float64
		for _, p := range s.Points {
			vals = append(vals, p.Value)
		}
		sc := scaler(s.Unit, vals...)
		m := htmlLogMetric{Key: s.Key, Name: wrapPieces(s.Key)}
		if s.Unit != "" {
			m.Unit = sc.Prefix + tidyUnit(s.Unit)
			if name, ok := strings.CutSuffix(s.Key, ":"+s.Unit); ok && name != "" {
				m.Name = wrapPieces(name)
			}
		}
		t.Metrics = append(t.Metrics, m)
		cells[j] = map[string]string{}
		for _, p := range s.Points {
			if finite(p.Value) {
				cells[j][p.Sha] = strings.TrimSuffix(formatValue(sc, p.Value), sc.Prefix)
			}
		}
	}
	for i := len(commits) - 1; i >= 0; i-- {
		c := commits[i]
		row := htmlLogRow{Short: shortSha(c.Sha), Sha: c.Sha, Date: fmtDate(c.Date), Subject: c.Subject}
		for j := range cols {
			v, ok := cells[j][c.Sha]
			if !ok {
				v = "–"
			}
			row.Values = append(row.Values, v)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// clipLabel shortens a chart label; the full name is in the tooltip.
func clipLabel(s string) string {
	r := []rune(s)
	if len(r) <= maxLabelLen {
		return s
	}
	return string(r[:maxLabelLen-1]) + "…"
}

// htmlTemplate is parsed on first use (not at start-up, which every
// command pays).
var htmlTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(templates, "templates/report.html"))
})
