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
// forbids them), inline CSS, inline SVG charts and a few lines of inline
// script to filter the full table. It shows the Headline and the base
// resolution, a horizontal bar chart of the changed metrics' deltas, the
// changed metrics with their notes, the accepted regressions with their
// reasons, the top profile changes, history line charts from
// rich.History and the table of every metric. Every name goes through
// html/template's contextual escaping.
func HTML(w io.Writer, rich Rich) error {
	r := rich.Result
	page := htmlPage{
		Title:    "git-flameiq: " + Headline(r),
		Headline: Headline(r),
		Class:    headlineClass(r),
		Compared: strings.TrimPrefix(baseLine(rich, func(s string) string { return s }), "**Compared:** "),
		Summary:  SummaryLine(r),
		Report:   true,
	}
	changed := changedDiffs(r)
	for _, d := range changed {
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
	for _, d := range r.Diffs {
		page.All = append(page.All, toHTMLRow(d, r.Alpha))
	}
	for _, d := range acceptedDiffs(r) {
		page.Accepted = append(page.Accepted, htmlAccepted{Key: d.Key, Delta: delta(d, r.Alpha), Reason: d.AcceptReason, Source: d.AcceptSource})
	}
	page.Bars = barChart(changed, r.Alpha)
	page.History = lineCharts(rich.History)
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

// HistoryHTML writes the history charts alone as one offline page (the
// `log --format html` report), one line chart per series, under title.
func HistoryHTML(w io.Writer, title string, series []HistorySeries) error {
	page := htmlPage{Title: title, Headline: title, History: lineCharts(series)}
	if len(page.History) == 0 {
		page.Summary = "No recorded history."
	}
	return htmlTemplate().Execute(w, page)
}

// htmlPage is the data of htmlTemplate; only plain strings and numbers,
// so html/template escapes every name.
type htmlPage struct {
	Title, Headline, Class, Compared, Summary string
	Report                                    bool // a diff report (not a history page)
	Bars                                      *htmlBars
	Changed, All                              []htmlRow
	Notes                                     []string
	Accepted                                  []htmlAccepted
	Profile                                   *htmlProfile
	History                                   []htmlLineChart
	Sections                                  []htmlSection // generic sections (the weekly review)
}

// htmlSection is a titled table or list of plain strings.
type htmlSection struct {
	Title string
	Empty string // shown when there are no rows and no items
	Head  []string
	Rows  [][]string
	Items []string
}

type htmlRow struct {
	Emoji, Key, Base, Head, Delta, PN, Threshold, Status, Class string
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
	return htmlRow{Emoji: statusEmoji[d.Status], Key: d.Key, Base: base, Head: head, Delta: delta(d, alpha),
		PN: pnPlain(d), Threshold: thresholdCell(d), Status: status, Class: statusClass(d.Status)}
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

// Chart geometry, in SVG user units.
const (
	chartWidth  = 760.0
	barLabelW   = 300.0 // names on the left
	barRowH     = 24.0
	barPad      = 8.0
	lineHeight  = 200.0
	linePadL    = 90.0
	linePadR    = 16.0
	linePadT    = 12.0
	linePadB    = 34.0
	maxLabelLen = 44
)

// htmlBars is a horizontal bar chart of the deltas: bars grow right for an
// increase and left for a decrease from an axis in the middle of the plot.
type htmlBars struct {
	Width, Height, AxisX float64
	Bars                 []htmlBar
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
	maxAbs := 0.0
	for _, d := range ds {
		if math.IsNaN(d.ChangePercent) {
			continue
		}
		items = append(items, item{d, d.ChangePercent})
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
	plotX := barLabelW + 10
	half := (chartWidth - plotX - 10) / 2
	axis := plotX + half
	scale := (half - 60) / maxAbs // room for the value text
	c := &htmlBars{Width: chartWidth, Height: float64(len(items))*barRowH + 2*barPad, AxisX: axis}
	for i, it := range items {
		length := math.Abs(it.chg) * scale
		if math.IsInf(it.chg, 0) {
			length = half - 60
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

// htmlLineChart is the history of one metric as an SVG line chart.
type htmlLineChart struct {
	Key                                   string
	Width, Height, Left, Right, Top, Bot  float64
	Line                                  string // polyline points
	Points                                []htmlPoint
	YMax, YMin, XFirst, XLast, Last, Unit string
	MidY                                  float64
	Empty                                 bool
}

type htmlPoint struct {
	X, Y  float64
	Title string
	Last  bool
}

func lineCharts(series []HistorySeries) []htmlLineChart {
	var out []htmlLineChart
	for _, s := range series {
		out = append(out, lineChart(s))
	}
	return out
}

func lineChart(s HistorySeries) htmlLineChart {
	c := htmlLineChart{Key: s.Key, Unit: s.Unit, Width: chartWidth, Height: lineHeight,
		Left: linePadL, Right: chartWidth - linePadR, Top: linePadT, Bot: lineHeight - linePadB}
	c.MidY = round2((c.Top + c.Bot) / 2)
	lo, hi := math.Inf(1), math.Inf(-1)
	var finite []HistoryPoint
	for _, p := range s.Points {
		if !math.IsNaN(p.Value) && !math.IsInf(p.Value, 0) {
			finite = append(finite, p)
			lo, hi = min(lo, p.Value), max(hi, p.Value)
		}
	}
	if len(finite) == 0 {
		c.Empty = true
		return c
	}
	span := hi - lo
	if span == 0 {
		span = math.Max(math.Abs(hi)*0.1, 1)
		lo, hi = lo-span/2, hi+span/2
	} else {
		lo, hi = lo-span*0.05, hi+span*0.05
		span = hi - lo
	}
	sc := scaler(s.Unit, lo, hi)
	c.YMin, c.YMax = valueUnit(sc, lo, s.Unit), valueUnit(sc, hi, s.Unit)
	plotW := c.Right - c.Left
	var pts []string
	for i, p := range finite {
		x := c.Left + plotW/2
		if len(finite) > 1 {
			x = c.Left + plotW*float64(i)/float64(len(finite)-1)
		}
		y := c.Bot - (p.Value-lo)/span*(c.Bot-c.Top)
		x, y = round2(x), round2(y)
		pts = append(pts, fmt.Sprintf("%g,%g", x, y))
		title := shortSha(p.Sha)
		if !p.Date.IsZero() {
			title += " " + p.Date.UTC().Format("2006-01-02")
		}
		title += ": " + valueUnit(scaler(s.Unit, p.Value), p.Value, s.Unit)
		if p.Subject != "" {
			title += "\n" + p.Subject
		}
		c.Points = append(c.Points, htmlPoint{X: x, Y: y, Title: title, Last: i == len(finite)-1})
	}
	c.Line = strings.Join(pts, " ")
	first, last := finite[0], finite[len(finite)-1]
	c.XFirst, c.XLast = pointLabel(first), pointLabel(last)
	c.Last = valueUnit(scaler(s.Unit, last.Value), last.Value, s.Unit)
	return c
}

func pointLabel(p HistoryPoint) string {
	if p.Date.IsZero() {
		return shortSha(p.Sha)
	}
	return shortSha(p.Sha) + " · " + p.Date.UTC().Format("2006-01-02")
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
