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
var htmlTemplate = sync.OnceValue(htmlTemplateMust)

func htmlTemplateMust() *template.Template {
	return template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{{.Title}}</title>
<style>
:root{--fg:#1f2328;--muted:#656d76;--bg:#fff;--line:#d0d7de;--bad:#cf222e;--warn:#9a6700;--ok:#1a7f37;--info:#0969da;--panel:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#8d96a0;--bg:#0d1117;--line:#30363d;--bad:#f85149;--warn:#d29922;--ok:#3fb950;--info:#58a6ff;--panel:#161b22}}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1100px;padding:24px}
h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.sub{color:var(--muted)}table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code,.key{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px;word-break:break-all}
.bad{color:var(--bad)}.warn{color:var(--warn)}.ok,.good{color:var(--ok)}.info{color:var(--info)}.muted{color:var(--muted)}
h1.bad{color:var(--bad)}h1.warn{color:var(--warn)}h1.ok{color:var(--ok)}
svg{display:block;width:100%;height:auto;background:var(--panel);border-radius:6px;margin:6px 0}
svg text{fill:var(--fg);font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
svg .axis{stroke:var(--muted);stroke-width:1}svg .grid{stroke:var(--line);stroke-width:1}
svg rect.bad{fill:var(--bad)}svg rect.warn{fill:var(--warn)}svg rect.info{fill:var(--info)}svg rect.ok{fill:var(--ok)}svg rect.muted{fill:var(--muted)}
svg polyline{fill:none;stroke:var(--info);stroke-width:2}svg circle{fill:var(--info)}svg circle.last{fill:var(--bad)}
svg text.small{fill:var(--muted);font-size:11px}
input{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);width:320px}
ul{padding-left:20px}
</style>
</head>
<body>
<h1 class="{{.Class}}">{{.Headline}}</h1>
{{- if .Compared}}
<p class="sub">Compared: {{.Compared}}</p>
{{- end}}
{{- if .Summary}}
<p class="sub">{{.Summary}}</p>
{{- end}}
{{- if .Report}}
{{- with .Bars}}
<h2>Changes</h2>
<svg viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-label="delta of the changed metrics">
<line class="axis" x1="{{.AxisX}}" y1="0" x2="{{.AxisX}}" y2="{{.Height}}"/>
{{- range .Bars}}
<g><title>{{.Title}}</title>
<text x="4" y="{{.TextY}}">{{.Label}}</text>
<rect class="{{.Class}}" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="16" rx="2"/>
<text x="{{.ValueX}}" y="{{.TextY}}" text-anchor="{{.Anchor}}">{{.Value}}</text></g>
{{- end}}
</svg>
{{- end}}
{{- if .Changed}}
<table>
<thead><tr><th></th><th>Metric</th><th class="num">Base</th><th class="num">Head</th><th class="num">Δ</th><th>p / n</th><th class="num">Threshold</th><th>Status</th></tr></thead>
<tbody>
{{- range .Changed}}
<tr><td>{{.Emoji}}</td><td class="key">{{.Key}}</td><td class="num">{{.Base}}</td><td class="num">{{.Head}}</td><td class="num {{.Class}}">{{.Delta}}</td><td>{{.PN}}</td><td class="num">{{.Threshold}}</td><td class="{{.Class}}">{{.Status}}</td></tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>No metric regressed, breached a budget or came near its threshold.</p>
{{- end}}
{{- if .Notes}}
<h2>Notes</h2>
<ul>
{{- range .Notes}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- end}}
{{- if .Accepted}}
<h2>Accepted regressions</h2>
<ul>
{{- range .Accepted}}
<li><span class="key">{{.Key}}</span> ({{.Delta}}): {{.Reason}}{{if .Source}} <span class="sub">— {{.Source}}</span>{{end}}</li>
{{- end}}
</ul>
{{- end}}
{{- with .Profile}}
<h2>Top profile changes{{if .Name}} ({{.Name}}){{end}}</h2>
<table>
<thead><tr><th>Function</th><th class="num">Base share</th><th class="num">Head share</th><th class="num">Δ share</th>{{if .Linked}}<th class="num">Δ per op</th>{{end}}</tr></thead>
<tbody>
{{- $linked := .Linked}}
{{- range .Functions}}
<tr><td class="key">{{.Name}}</td><td class="num">{{.Base}}</td><td class="num">{{.Head}}</td><td class="num {{.Class}}">{{.Delta}}</td>{{if $linked}}<td class="num {{.Class}}">{{.PerOp}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
{{- end}}
{{- end}}
{{- range .Sections}}
<h2>{{.Title}}</h2>
{{- if .Rows}}
<table>
<thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
{{- end}}
{{- if .Items}}
<ul>
{{- range .Items}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- end}}
{{- if and (not .Rows) (not .Items)}}
<p class="sub">{{.Empty}}</p>
{{- end}}
{{- end}}
{{- if .History}}
<h2>History</h2>
{{- range .History}}
<h3 class="key">{{.Key}}</h3>
{{- if .Empty}}
<p class="sub">No finite values recorded.</p>
{{- else}}
<svg viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-label="history">
<line class="grid" x1="{{.Left}}" y1="{{.Top}}" x2="{{.Right}}" y2="{{.Top}}"/>
<line class="grid" x1="{{.Left}}" y1="{{.MidY}}" x2="{{.Right}}" y2="{{.MidY}}"/>
<line class="axis" x1="{{.Left}}" y1="{{.Bot}}" x2="{{.Right}}" y2="{{.Bot}}"/>
<line class="axis" x1="{{.Left}}" y1="{{.Top}}" x2="{{.Left}}" y2="{{.Bot}}"/>
<text class="small" x="{{.Left}}" y="{{.Top}}" dx="-6" dy="4" text-anchor="end">{{.YMax}}</text>
<text class="small" x="{{.Left}}" y="{{.Bot}}" dx="-6" text-anchor="end">{{.YMin}}</text>
<text class="small" x="{{.Left}}" y="{{.Bot}}" dy="18">{{.XFirst}}</text>
<text class="small" x="{{.Right}}" y="{{.Bot}}" dy="18" text-anchor="end">{{.XLast}}</text>
<polyline points="{{.Line}}"/>
{{- range .Points}}
<circle{{if .Last}} class="last"{{end}} cx="{{.X}}" cy="{{.Y}}" r="3.5"><title>{{.Title}}</title></circle>
{{- end}}
</svg>
<p class="sub">latest: {{.Last}}</p>
{{- end}}
{{- end}}
{{- end}}
{{- if .Report}}
{{- if .All}}
<h2>All {{len .All}} metrics</h2>
<p><input id="filter" type="search" placeholder="filter metrics" aria-label="filter metrics"></p>
<table id="all">
<thead><tr><th></th><th>Metric</th><th class="num">Base</th><th class="num">Head</th><th class="num">Δ</th><th>p / n</th><th class="num">Threshold</th><th>Status</th></tr></thead>
<tbody>
{{- range .All}}
<tr><td>{{.Emoji}}</td><td class="key">{{.Key}}</td><td class="num">{{.Base}}</td><td class="num">{{.Head}}</td><td class="num {{.Class}}">{{.Delta}}</td><td>{{.PN}}</td><td class="num">{{.Threshold}}</td><td class="{{.Class}}">{{.Status}}</td></tr>
{{- end}}
</tbody>
</table>
<script>
document.getElementById("filter").addEventListener("input", function (e) {
  var q = e.target.value.toLowerCase();
  document.querySelectorAll("#all tbody tr").forEach(function (tr) {
    tr.hidden = q !== "" && tr.textContent.toLowerCase().indexOf(q) < 0;
  });
});
</script>
{{- end}}
{{- end}}
<p class="sub">Generated by git-flameiq.</p>
</body>
</html>
`))
}
