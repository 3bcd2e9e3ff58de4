package history

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"golang.org/x/perf/benchunit"
)

const (
	shortSha       = 7  // hex digits of a commit in the text table
	subjectWidth   = 50 // runes of a subject in the text table
	sparklineWidth = 60 // bars of a sparkline in the text table
	dateLayout     = "2006-01-02"
)

// WriteText writes a table with one row per commit, newest first (short
// sha, date, subject, one column per metric, "-" where a value is missing),
// then one line per metric with its sparkline (oldest left; a long history
// is averaged down to 60 bars), its first and last recorded values and the
// change between them. An empty series writes "no snapshots".
func (s *Series) WriteText(w io.Writer) error {
	if len(s.Commits) == 0 {
		_, err := fmt.Fprintln(w, "no snapshots")
		return err
	}
	keys := s.Keys()
	num := make(map[string]func(float64) string, len(keys))
	for _, k := range keys {
		num[k] = s.formatter(k)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(cells []string) { fmt.Fprintln(tw, strings.Join(cells, "\t")) }
	row(append([]string{"commit", "date", "subject"}, keys...))
	for i := len(s.Commits) - 1; i >= 0; i-- {
		p := s.Commits[i]
		cells := []string{short(p.Sha), date(p.Date), clip(p.Subject, subjectWidth)}
		for _, k := range keys {
			cells = append(cells, textValue(p.Values, k, num[k]))
		}
		row(cells)
	}
	fmt.Fprintln(tw)
	for _, k := range keys {
		vs := s.Values(k)
		first, last := -1, -1
		for i, v := range vs {
			if finite(v) {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		summary := "no values"
		if first >= 0 {
			summary = fmt.Sprintf("%s → %s", num[k](vs[first]), num[k](vs[last]))
			switch {
			case vs[first] != 0:
				summary += fmt.Sprintf(" (%+.1f%%)", (vs[last]-vs[first])/math.Abs(vs[first])*100)
			case vs[last] != 0:
				summary += " (from 0)" // no percentage: a change from zero (see compare's zero_baseline)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", k, Sparkline(downsample(vs, sparklineWidth)), summary)
	}
	return tw.Flush()
}

// WriteCSV writes a header (commit, date, subject, then the metric keys in
// byte order) and one record per commit, newest first, with the full sha,
// an RFC 3339 date and values in the shortest exact decimal form; a missing
// value is an empty field.
func (s *Series) WriteCSV(w io.Writer) error {
	keys := s.Keys()
	cw := csv.NewWriter(w)
	if err := cw.Write(append([]string{"commit", "date", "subject"}, keys...)); err != nil {
		return err
	}
	for i := len(s.Commits) - 1; i >= 0; i-- {
		p := s.Commits[i]
		rec := []string{p.Sha, p.Date.Format(time.RFC3339), p.Subject}
		for _, k := range keys {
			v, ok := p.Values[k]
			if ok && finite(v) {
				rec = append(rec, strconv.FormatFloat(v, 'g', -1, 64))
			} else {
				rec = append(rec, "")
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

type jsonSeries struct {
	Metrics []string     `json:"metrics"`
	Commits []jsonCommit `json:"commits"`
}

type jsonCommit struct {
	Commit  string              `json:"commit"`
	Date    string              `json:"date"`
	Subject string              `json:"subject"`
	Values  map[string]*float64 `json:"values"`
}

// WriteJSON writes {"metrics": [keys…], "commits": [{"commit", "date",
// "subject", "values": {key: value}}…]}, commits newest first, dates in
// RFC 3339, every metric key present in every commit's values with null
// where it was not recorded.
func (s *Series) WriteJSON(w io.Writer) error {
	out := jsonSeries{Metrics: s.Keys(), Commits: []jsonCommit{}}
	if out.Metrics == nil {
		out.Metrics = []string{}
	}
	for i := len(s.Commits) - 1; i >= 0; i-- {
		p := s.Commits[i]
		c := jsonCommit{Commit: p.Sha, Date: p.Date.Format(time.RFC3339), Subject: p.Subject, Values: map[string]*float64{}}
		for _, k := range out.Metrics {
			if v, ok := p.Values[k]; ok && finite(v) {
				c.Values[k] = &v
			} else {
				c.Values[k] = nil
			}
		}
		out.Commits = append(out.Commits, c)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func short(sha string) string {
	if len(sha) > shortSha {
		return sha[:shortSha]
	}
	return sha
}

func date(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(dateLayout)
}

// clip makes a subject safe for one table cell: control characters become
// spaces and a long subject is cut to width runes, ending with "…".
func clip(s string, width int) string {
	r := []rune(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
	if len(r) > width {
		r = append(r[:width-1], '…')
	}
	return string(r)
}

func textValue(values map[string]float64, k string, num func(float64) string) string {
	v, ok := values[k]
	if !ok || !finite(v) {
		return "-"
	}
	return num(v)
}

// formatter returns how the text table prints values of key: scaled to the
// series' common SI or binary prefix when the unit is known (benchunit, as
// benchstat prints them), else four significant digits.
func (s *Series) formatter(key string) func(float64) string {
	unit := s.Units[key]
	if unit == "" {
		return num
	}
	var vals []float64
	for _, v := range s.Values(key) {
		if finite(v) {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return num
	}
	sc := benchunit.CommonScale(vals, benchunit.ClassOf(unit))
	return sc.Format
}

// num formats a value for reading: four significant digits.
func num(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
