package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"golang.org/x/perf/benchunit"

	"github.com/flameiq/git-flameiq/history"
)

// The `git flameiq log` outputs of a history.Series: commits newest first,
// as git log lists them; sparklines from left (oldest) to right (newest).

const (
	logShortSha       = 7  // hex digits of a commit in the text table
	logSubjectWidth   = 50 // runes of a subject in the text table
	logSparklineWidth = 60 // bars of a sparkline in the text table
)

// LogMetricsMax is the most metrics the log's human outputs (text and
// HTML) show without LogOptions.All: a monorepo's thousands would make a
// table thousands of columns wide. CSV and JSON, read by programs, always
// carry every metric.
const LogMetricsMax = 12

// LogOptions control LogText and HistoryHTML.
type LogOptions struct {
	// All shows every metric of the series (log --all, or --metric: the
	// metrics were chosen); without it a series of more than
	// LogMetricsMax metrics shows the LogMetricsMax that moved most.
	All bool
}

// LogKeys are the metrics the human log outputs show: every key of s in
// byte order with o.All or at most LogMetricsMax keys, else the
// LogMetricsMax keys that moved most over the window (Moved), the most
// first, ties in key order; and how many keys s has.
func LogKeys(s *history.Series, o LogOptions) (shown []string, total int) {
	keys := s.Keys()
	if o.All || len(keys) <= LogMetricsMax {
		return keys, len(keys)
	}
	moved := make(map[string]float64, len(keys))
	for _, k := range keys {
		moved[k] = Moved(s.Values(k))
	}
	sort.SliceStable(keys, func(i, j int) bool { return moved[keys[i]] > moved[keys[j]] })
	return keys[:LogMetricsMax], len(keys)
}

// Moved is how much a metric moved over a window of values: its range
// over its median, (max − min) / |median| of the finite values, so that a
// step, a spike that came back and a drift all count, in any unit. Fewer
// than two finite values: 0; a median of 0 under values that differ: +Inf
// (a change from zero ranks first).
func Moved(values []float64) float64 {
	var vs []float64
	for _, v := range values {
		if finite(v) {
			vs = append(vs, v)
		}
	}
	if len(vs) < 2 {
		return 0
	}
	slices.Sort(vs)
	spread := vs[len(vs)-1] - vs[0]
	med := vs[len(vs)/2]
	if len(vs)%2 == 0 {
		med = (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
	}
	switch {
	case spread == 0:
		return 0
	case med == 0:
		return math.Inf(1)
	}
	return spread / math.Abs(med)
}

// logLeftOut says which metrics a human log output left out and how to
// see them, or "" when it shows them all.
func logLeftOut(shown, total int) string {
	if shown >= total {
		return ""
	}
	return fmt.Sprintf("%s more %s not shown: these %d moved most over these commits ((max − min) / median); --metric PATTERN or --all shows the others",
		thousands(total-shown), map[bool]string{true: "metric", false: "metrics"}[total-shown == 1], shown)
}

// LogText writes a table with one row per commit, newest first (short
// sha, date, subject, one column per metric of LogKeys, "-" where a value
// is missing), then one line per metric with its sparkline (oldest left;
// a long history is averaged down to 60 bars), its first and last
// recorded values and the change between them, then a line that counts
// the metrics left out, if any. An empty series writes "no snapshots".
func LogText(w io.Writer, s *history.Series, o LogOptions) error {
	if len(s.Commits) == 0 {
		_, err := fmt.Fprintln(w, "no snapshots")
		return err
	}
	keys, total := LogKeys(s, o)
	num := make(map[string]func(float64) string, len(keys))
	for _, k := range keys {
		num[k] = logFormatter(s, k)
	}
	rows := [][]string{append([]string{"commit", "date (UTC)", "subject"}, keys...)}
	for i := len(s.Commits) - 1; i >= 0; i-- {
		p := s.Commits[i]
		cells := []string{logShort(p.Sha), logDate(p.Date), clip(p.Subject, logSubjectWidth)}
		for _, k := range keys {
			cells = append(cells, logValue(p.Values, k, num[k]))
		}
		rows = append(rows, cells)
	}
	if err := writeTable(w, rows, tableStyle{ragged: true}); err != nil {
		return err
	}
	if _, err := fmt.Fprintln(w); err != nil {
		return err
	}
	rows = rows[:0]
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
		rows = append(rows, []string{k, Sparkline(downsample(vs, logSparklineWidth)), summary})
	}
	if err := writeTable(w, rows, tableStyle{ragged: true}); err != nil {
		return err
	}
	if left := logLeftOut(len(keys), total); left != "" {
		_, err := fmt.Fprintf(w, "\n… %s\n", left)
		return err
	}
	return nil
}

// LogCSV writes a header (commit, date, subject, then the metric keys in
// byte order) and one record per commit, newest first, with the full sha,
// an RFC 3339 date and values as the shortest decimal of 15 significant
// digits (the precision a recorded value has: 32.94 ns/op stored as
// seconds is 3.294e-08, not the conversion's 3.2939999999999996e-08); a
// missing value is an empty field.
func LogCSV(w io.Writer, s *history.Series) error {
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
				rec = append(rec, strconv.FormatFloat(v, 'g', 15, 64))
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

type jsonLog struct {
	Metrics []string        `json:"metrics"`
	Commits []jsonLogCommit `json:"commits"`
}

type jsonLogCommit struct {
	Commit  string              `json:"commit"`
	Date    string              `json:"date"`
	Subject string              `json:"subject"`
	Values  map[string]*float64 `json:"values"`
}

// LogJSON writes {"metrics": [keys…], "commits": [{"commit", "date",
// "subject", "values": {key: value}}…]}, commits newest first, dates in
// RFC 3339, every metric key present in every commit's values with null
// where it was not recorded. docs/schema/log.schema.json describes every
// field.
func LogJSON(w io.Writer, s *history.Series) error {
	out := jsonLog{Metrics: s.Keys(), Commits: []jsonLogCommit{}}
	if out.Metrics == nil {
		out.Metrics = []string{}
	}
	for i := len(s.Commits) - 1; i >= 0; i-- {
		p := s.Commits[i]
		c := jsonLogCommit{Commit: p.Sha, Date: p.Date.Format(time.RFC3339), Subject: p.Subject, Values: map[string]*float64{}}
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

func logShort(sha string) string {
	if len(sha) > logShortSha {
		return sha[:logShortSha]
	}
	return sha
}

// logDate is the commit's date in UTC, the one convention of every page
// (the HTML says so in its header, the text table in its column title).
func logDate(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02")
}

// clip cuts s to n runes, ending with "…" when it was longer.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func logValue(values map[string]float64, k string, num func(float64) string) string {
	v, ok := values[k]
	if !ok || !finite(v) {
		return "-"
	}
	return num(v)
}

// logFormatter returns how the text table prints values of key: scaled to
// the series' common SI or binary prefix when the unit is known (benchunit,
// as benchstat prints them), else four significant digits.
func logFormatter(s *history.Series, key string) func(float64) string {
	unit := s.Units[key]
	if unit == "" {
		return logNum
	}
	var vals []float64
	for _, v := range s.Values(key) {
		if finite(v) {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return logNum
	}
	sc := benchunit.CommonScale(vals, benchunit.ClassOf(unit))
	return sc.Format
}

// logNum formats a value for reading: four significant digits.
func logNum(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
