package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/perf/benchunit"
)

// The SVG charts of the HTML pages: a line chart with a labelled y axis
// (chart), in a full size (a diff's or review's expanded row) and a small
// one (the log page's small multiples), and a sparkline (sparkSVG) for a
// compact row. Every size is in SVG user units; the template scales the
// full and small charts to their container's width, text with them, so a
// label measured in user units fits whatever the width.

// chartFont is the font size of a chart's text, in user units.
const chartFont = 11.0

// charW is the advance of one character of chartFont in the monospace
// fonts a browser falls back to (DejaVu Sans Mono, Menlo, Consolas: about
// 0.6 em), with a margin.
const charW = 0.64 * chartFont

// textWidth is the width of s in chartFont, in user units.
func textWidth(s string) float64 { return float64(utf8.RuneCountInString(s)) * charW }

// dateLayout is the one way the HTML pages write a time: UTC, ISO-like,
// to the minute ("2026-12-06 08:30 UTC"); the page header says so.
const dateLayout = "2006-01-02 15:04 UTC"

// fmtDate formats t by dateLayout; the zero time is "".
func fmtDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(dateLayout)
}

// chartSize is the geometry of one kind of chart.
type chartSize struct {
	Name      string  // CSS class
	W, H      float64 // viewBox
	Intervals int     // wanted intervals between y ticks
	PadT      float64 // above the plot
	PadB      float64 // below the plot (room for the x labels)
	PadR      float64 // right of the plot (room for a marker's label)
	XLabels   bool    // label the first and last point under the axis
}

var (
	fullChart  = chartSize{Name: "full", W: 760, H: 230, Intervals: 4, PadT: 22, PadB: 34, PadR: 30, XLabels: true}
	smallChart = chartSize{Name: "small", W: 300, H: 130, Intervals: 2, PadT: 10, PadB: 10, PadR: 10}
)

// chartPoint is one value to draw. Idx places it on the x axis (0 …
// slots-1), so charts of one page can share their x positions.
type chartPoint struct {
	Idx    int
	Value  float64
	Lo, Hi float64 // an interval to draw as an error bar when Lo < Hi
	Title  string  // the hover text: commit, date, value
	Kind   string  // "" or a marked point: "base", "head"
	Label  string  // the marked point's text ("head", "base", "from", "to")
	Class  string  // colour of a marked point (a status class)
}

// svgChart is the data of the "chart" template.
type svgChart struct {
	Size                  string
	W, H                  float64
	Left, Right, Top, Bot float64
	Aria                  string
	Ticks                 []svgTick
	XLabels               []svgText
	Lines                 []string // polylines (a gap splits the line)
	Points                []svgPoint
	Labels                []svgText // the marked points' labels
}

type svgTick struct {
	Y     float64
	Label string
}

type svgText struct {
	X, Y   float64
	Anchor string
	Text   string
}

type svgPoint struct {
	X, Y   float64
	R      float64 // radius of a plain marker (0: none drawn)
	Kind   string  // "", "base", "head", "last"
	Class  string
	Marker string // path of a base or head marker
	Err    string // path of the error bar, "" without one
	Title  string
}

// yAxis is a nice axis for a range of values in unit: ticks at round
// numbers of the range's scale (1, 2 or 5 times a power of ten of µs, KiB
// …), each labelled with the unit.
type yAxis struct {
	Lo, Hi float64 // the axis' range, unscaled
	Ticks  []float64
	Labels []string
}

// niceAxis returns the axis of values from lo to hi (finite, lo ≤ hi) with
// about intervals intervals. Values that are all zero get 0 … 1 of their
// unit; values that are never negative (a cost, a rate) never get a
// negative minimum.
func niceAxis(lo, hi float64, unit string, intervals int) yAxis {
	nonneg := lo >= 0
	switch {
	case lo == hi && lo == 0:
		hi = 1
	case lo == hi:
		pad := math.Abs(lo) * 0.1
		lo, hi = lo-pad, hi+pad
	default:
		pad := (hi - lo) * 0.05
		lo, hi = lo-pad, hi+pad
	}
	if nonneg && lo < 0 {
		lo = 0
	}
	sc := axisScaler(unit, lo, hi)
	slo, shi := lo/sc.Factor, hi/sc.Factor
	step := niceStep((shi - slo) / float64(max(intervals, 1)))
	first, last := math.Floor(slo/step+1e-9), math.Ceil(shi/step-1e-9)
	for last-first > float64(3*max(intervals, 1)) {
		// Rounding at the limits of float64 precision: fewer, wider steps.
		step = niceStep(step * 2.5)
		first, last = math.Floor(slo/step+1e-9), math.Ceil(shi/step-1e-9)
	}
	if nonneg && first < 0 {
		first = 0
	}
	dec := 0
	if step < 1 {
		dec = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	ax := yAxis{Lo: first * step * sc.Factor, Hi: last * step * sc.Factor}
	for i := first; i <= last+1e-9; i++ {
		v := i * step
		if math.Abs(v) < step*1e-9 {
			v = 0 // no "-0"
		}
		ax.Ticks = append(ax.Ticks, v*sc.Factor)
		ax.Labels = append(ax.Labels, tickLabel(v, dec, sc, unit))
	}
	return ax
}

// axisScaler scales an axis by its largest magnitude (benchunit's common
// scale is the smallest value's, which would label 0 … 40 µs in ns).
func axisScaler(unit string, lo, hi float64) benchunit.Scaler {
	if unit == "" {
		return benchunit.Scaler{Factor: 1}
	}
	m := math.Max(math.Abs(lo), math.Abs(hi))
	if m >= 1e15 || m < 1e-12 {
		return benchunit.Scaler{Factor: 1}
	}
	sc := benchunit.CommonScale([]float64{m}, benchunit.ClassOf(unit))
	if sc.Factor == 0 {
		sc.Factor = 1
	}
	return sc
}

// niceStep rounds a step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// tickLabel writes a tick's scaled value v with dec decimals and the unit.
func tickLabel(v float64, dec int, sc benchunit.Scaler, unit string) string {
	var s string
	if a := math.Abs(v); dec > 6 || a >= 1e7 {
		s = strconv.FormatFloat(v, 'g', 4, 64)
	} else {
		s = strconv.FormatFloat(v, 'f', dec, 64)
	}
	if unit == "" {
		return s
	}
	return s + " " + sc.Prefix + tidyUnit(unit)
}

// chart draws points on slots x positions (slots ≥ 1) with a y axis in
// unit. It returns nil when no point is finite.
func chart(size chartSize, aria, unit string, slots int, points []chartPoint) *svgChart {
	lo, hi := math.Inf(1), math.Inf(-1)
	var ps []chartPoint
	for _, p := range points {
		if !finite(p.Value) {
			continue
		}
		ps = append(ps, p)
		lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
		if hasErr(p) {
			lo, hi = math.Min(lo, p.Lo), math.Max(hi, p.Hi)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	ax := niceAxis(lo, hi, unit, size.Intervals)
	gutter := 0.0
	for _, l := range ax.Labels {
		gutter = math.Max(gutter, textWidth(l))
	}
	c := &svgChart{Size: size.Name, W: size.W, H: size.H, Aria: aria,
		Left: round2(gutter + 12), Right: size.W - size.PadR, Top: size.PadT, Bot: size.H - size.PadB}
	y := func(v float64) float64 {
		return round2(c.Bot - (v-ax.Lo)/(ax.Hi-ax.Lo)*(c.Bot-c.Top))
	}
	x := func(i int) float64 {
		if slots <= 1 {
			return round2((c.Left + c.Right) / 2)
		}
		return round2(c.Left + (c.Right-c.Left)*float64(i)/float64(slots-1))
	}
	for i, v := range ax.Ticks {
		c.Ticks = append(c.Ticks, svgTick{Y: y(v), Label: ax.Labels[i]})
	}
	r := 2.5
	if size.Name == "small" {
		r = 2
	}
	if len(ps) > 60 {
		r = 0 // a dense line: markers would hide it
	}
	var line []string
	prev := -1
	for i, p := range ps {
		px, py := x(p.Idx), y(p.Value)
		if prev >= 0 && p.Idx != prev+1 {
			// Commits without a finite value: a gap in the line.
			c.Lines = append(c.Lines, strings.Join(line, " "))
			line = nil
		}
		prev = p.Idx
		line = append(line, fmt.Sprintf("%g,%g", px, py))
		sp := svgPoint{X: px, Y: py, R: r, Kind: p.Kind, Class: p.Class, Title: p.Title}
		if sp.Kind == "" && i == len(ps)-1 {
			sp.Kind = "last"
		}
		switch p.Kind {
		case "head":
			sp.Marker = fmt.Sprintf("M%g %gl6 6-6 6-6-6z", px, round2(py-6))
		case "base":
			sp.Marker = fmt.Sprintf("M%g %gh9v9h-9z", round2(px-4.5), round2(py-4.5))
		}
		if hasErr(p) {
			lo, hi := y(p.Lo), y(p.Hi)
			sp.Err = fmt.Sprintf("M%g %gV%gM%g %gh8M%g %gh8", px, lo, hi, round2(px-4), lo, round2(px-4), hi)
		}
		c.Points = append(c.Points, sp)
		if p.Label != "" {
			c.Labels = append(c.Labels, markLabel(c, px, py, p.Label))
		}
	}
	c.Lines = append(c.Lines, strings.Join(line, " "))
	if size.XLabels {
		first, last := ps[0], ps[len(ps)-1]
		c.XLabels = append(c.XLabels, svgText{X: c.Left, Y: c.Bot + 18, Anchor: "start", Text: xLabel(first)})
		if len(ps) > 1 {
			lt := svgText{X: c.Right, Y: c.Bot + 18, Anchor: "end", Text: xLabel(last)}
			if textWidth(c.XLabels[0].Text)+textWidth(lt.Text)+12 <= c.Right-c.Left {
				c.XLabels = append(c.XLabels, lt)
			}
		}
	}
	return c
}

func hasErr(p chartPoint) bool { return finite(p.Lo) && finite(p.Hi) && p.Lo < p.Hi }

// xLabel is the text under the axis for a point: its label or commit and
// date (the first line of its title).
func xLabel(p chartPoint) string {
	t, _, _ := strings.Cut(p.Title, ": ")
	return t
}

// markLabel places a marked point's label above it, or below when there is
// no room above, and keeps it inside the plot horizontally.
func markLabel(c *svgChart, x, y float64, text string) svgText {
	t := svgText{X: x, Y: round2(y - 10), Anchor: "middle", Text: text}
	if t.Y-chartFont < 1 {
		t.Y = round2(y + 10 + chartFont)
	}
	half := textWidth(text) / 2
	switch {
	case x-half < c.Left:
		t.X, t.Anchor = round2(x-4), "start"
	case x+half > c.W-2:
		t.X, t.Anchor = round2(x+4), "end"
	}
	return t
}

// svgSpark is the data of the "spark" template: a sparkline of a compact
// row, its last point (a marked head) drawn as a dot.
type svgSpark struct {
	W, H   float64
	Line   string
	X, Y   float64
	Class  string
	Title  string
	Marker string // the head's diamond, when the last point is the head
}

// sparkSVG draws values (NaN: skipped) left to right; nil without a
// finite value.
func sparkSVG(values []float64, markLast bool, class, title string) *svgSpark {
	const w, h, pad = 120.0, 26.0, 5.0
	lo, hi := math.Inf(1), math.Inf(-1)
	n := 0
	for _, v := range values {
		if finite(v) {
			lo, hi, n = math.Min(lo, v), math.Max(hi, v), n+1
		}
	}
	if n == 0 {
		return nil
	}
	s := &svgSpark{W: w, H: h, Class: class, Title: title}
	var pts []string
	for i, v := range values {
		if !finite(v) {
			continue
		}
		x := w / 2
		if len(values) > 1 {
			x = pad + (w-2*pad)*float64(i)/float64(len(values)-1)
		}
		y := h / 2
		if hi > lo {
			y = h - pad - (v-lo)/(hi-lo)*(h-2*pad)
		}
		s.X, s.Y = round2(x), round2(y)
		pts = append(pts, fmt.Sprintf("%g,%g", s.X, s.Y))
	}
	s.Line = strings.Join(pts, " ")
	if markLast {
		s.Marker = fmt.Sprintf("M%g %gl4 4-4 4-4-4z", s.X, round2(s.Y-4))
	}
	return s
}
