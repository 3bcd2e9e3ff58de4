// Package history formats the metric history of a first-parent path for
// `git flameiq log`: a Series holds one Point per commit that has a
// snapshot, and writes itself as a text table with a sparkline per metric,
// as CSV or as JSON. Sparkline draws any series of values.
//
// It is pure formatting: commands walks the history (gitstore), reads the
// snapshots and filters the metrics, then hands over a Series. The package
// knows no git and no input formats, and never modifies a Series.
package history

import (
	"math"
	"sort"
	"time"
)

// Point is one commit of the history and its metric values (a metric's
// Value, the median of its samples). A metric absent from Values, or NaN,
// was not recorded on that commit.
type Point struct {
	Sha     string
	Date    time.Time
	Subject string
	Values  map[string]float64
}

// Series is a metric history. Commits are oldest first, as drift reads
// them; the writers list them newest first, as git log does, and draw
// sparklines from left (oldest) to right (newest).
type Series struct {
	// Units maps a metric key to its unit (optional); the text table
	// scales values in a known unit as benchstat does (40.89µ for sec/op).
	Units   map[string]string
	Commits []Point
}

// Keys returns every metric key of the series in byte order.
func (s *Series) Keys() []string {
	seen := map[string]bool{}
	var keys []string
	for _, p := range s.Commits {
		for k := range p.Values {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

// Values returns the values of key, oldest first, with NaN where the
// commit did not record it. It is the input drift.Detect expects.
func (s *Series) Values(key string) []float64 {
	vs := make([]float64, len(s.Commits))
	for i, p := range s.Commits {
		v, ok := p.Values[key]
		if !ok {
			v = math.NaN()
		}
		vs[i] = v
	}
	return vs
}

var bars = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws one bar per value, scaled from the smallest (▁) to the
// largest (█) finite value. NaN and infinite values are drawn as a space.
// A series whose finite values are all equal is drawn with mid-height bars
// (▄), so a flat line does not look like a floor or a ceiling.
func Sparkline(values []float64) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if finite(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	out := make([]rune, len(values))
	for i, v := range values {
		switch {
		case !finite(v):
			out[i] = ' '
		case hi == lo:
			out[i] = bars[3]
		default:
			out[i] = bars[int(math.Round((v-lo)/(hi-lo)*float64(len(bars)-1)))]
		}
	}
	return string(out)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// downsample shrinks values to at most width points, each the mean of the
// finite values of its bucket (NaN when there are none), so that a long
// history still draws on one line.
func downsample(values []float64, width int) []float64 {
	if width <= 0 || len(values) <= width {
		return values
	}
	out := make([]float64, width)
	for b := range out {
		from, to := b*len(values)/width, (b+1)*len(values)/width
		var sum float64
		var n int
		for _, v := range values[from:to] {
			if finite(v) {
				sum += v
				n++
			}
		}
		out[b] = math.NaN()
		if n > 0 {
			out[b] = sum / float64(n)
		}
	}
	return out
}
