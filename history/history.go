// Package history is the metric history of a first-parent path: a Series
// holds one Point per commit that has a snapshot, Keys lists its metrics
// and Values gives one metric's values in commit order (the input of
// drift.Detect and of report.Sparkline).
//
// It is data only: commands walks the history (gitstore), reads the
// snapshots and filters the metrics, then hands a Series to drift and to
// report (report.LogText, LogCSV, LogJSON render `git flameiq log`; it
// renders nothing itself). The package knows no git and no input formats.
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
// them (report's log writers list them newest first, as git log does).
type Series struct {
	// Units maps a metric key to its unit (optional); report's log table
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
