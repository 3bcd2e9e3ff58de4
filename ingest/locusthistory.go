package ingest

// Locust's history (format "locust-history"): the file
// PREFIX_stats_history.csv that `locust --csv PREFIX --csv-full-history`
// writes, one group of rows per second (CSV_STATS_INTERVAL_SEC): a row per
// request name, then the Aggregated row, all with that second's Timestamp.
// It is the format that can leave out a run's warm-up (--skip-warmup).
//
// What its columns mean (Locust 2.x, stats.py; checked on a real run):
//
//	Timestamp                   Unix seconds (int) when the row was written
//	User Count                  users running then
//	Type, Name                  the request; "" and "Aggregated" for the total
//	Requests/s, Failures/s      mean per second over the 10 whole seconds
//	                            [t-12, t-3) before the entry's latest request
//	                            (a moving average, not that second's count)
//	50% … 100%                  with --csv-full-history: percentiles of the
//	                            requests of about the last 10 s (t-10, t];
//	                            without it (only Aggregated rows): cumulative
//	                            since the start; N/A before the first request
//	Total Request Count,        cumulative since the start (or the last
//	Total Failure Count         reset)
//	Total Median/Average/Min/Max Response Time, Total Average Content Size
//	                            cumulative since the start
//
// Keys are those of the "locust" _stats.csv format, so a record of either
// compares with the other: `<Type> <Name>:p50`, `:p95`, `:p99`, `:mean`
// (ms, lower is better), `:req/s` (higher is better), `:error_rate`
// (ratio, lower is better), `Aggregated:…`.
//
// Samples. The rows overlap (each one's rates and percentiles cover the
// 10 s before it, and the totals everything before it), so one row per
// second would count every request about ten times and make a difference
// look far more certain than it is. One sample is taken per
// non-overlapping window instead: the run's start is the first row's
// Timestamp; the steady state starts at the first row at least
// SkipWarmup later (t0); the sample rows are the first row at least 12 s
// after the warm-up's end (so that its 10 s windows hold no warm-up
// request; 10 s after the start without a warm-up) and then every first
// row at least 10 s after the previous one.
// At each sample row:
//
//	req/s       Requests/s (requests of 10 whole seconds / 10)
//	error_rate  Failures/s / Requests/s (the same 10 s), when Requests/s > 0
//	p50 … p99   the 50%, 95%, 99% columns (about the last 10 s)
//	mean        the mean of the requests since the previous sample row (or
//	            t0), from the cumulative totals:
//	            (avg·count − avg₀·count₀) / (count − count₀)
//
// A 60 s run without warm-up gives 5 samples per key; a metric's value is
// their median. The percentiles are read only from a file with per-request
// rows (--csv-full-history): without it Locust writes cumulative
// percentiles, which include the warm-up, so only req/s, error_rate and
// mean are read. Totals that fall (the statistics were reset during the
// run: --reset-stats, or the web UI) within the steady state are an error
// naming the line: skip past the reset with a longer --skip-warmup.

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/flameiq/git-flameiq/snapshot"
)

func init() {
	register(Format{
		Name:        "locust-history",
		Doc:         "Locust --csv _stats_history.csv (--csv-full-history; --skip-warmup)",
		Detect:      detectLocustHistory,
		Parse:       func(r io.Reader, name string) (*snapshot.Snapshot, error) { return parseLocustHistory(r, name, 0) },
		ParseWarmup: parseLocustHistory,
		Priority:    60,
	})
}

// historyWindow is Locust's CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW (the
// span of a row's percentiles, and of its rates), and historyLag the
// distance from the end of a warm-up to the first row whose rates
// ([t-12, t-3)) and percentiles ((t-10, t]) lie wholly after it.
const (
	historyWindow = 10
	historyLag    = 12
)

func detectLocustHistory(head []byte, _ string) bool {
	h := strings.TrimPrefix(string(head), "\xef\xbb\xbf")
	return strings.HasPrefix(h, "Timestamp,User Count,Type,Name,")
}

// historyRow is one row of the history: an entry's state at a Timestamp.
type historyRow struct {
	line     int
	rps, fps float64
	pct      [3]float64 // 50%, 95%, 99%
	hasPct   [3]bool
	n, f     float64 // Total Request Count, Total Failure Count
	avg      float64 // Total Average Response Time
}

// historyTick is the rows written at one Timestamp, by endpoint.
type historyTick struct {
	ts   int64
	rows map[string]*historyRow
}

// historyRowCost is what a row held takes: the struct, its pointer, and
// its entry in its tick's map.
const historyRowCost = 80 + 8 + 48

var historyPercentiles = [3]struct{ key, col string }{{"p50", "50%"}, {"p95", "95%"}, {"p99", "99%"}}

func parseLocustHistory(r io.Reader, name string, warmup time.Duration) (s *snapshot.Snapshot, err error) {
	if warmup < 0 {
		return nil, &Error{File: name, Msg: "negative warm-up " + warmup.String()}
	}
	r, o := unwrap(r)
	bound, err := newStreamBound(name, o.held)
	if err != nil {
		return nil, err
	}
	defer func() { bound.done(s) }()
	ticks, endpoints, perRequest, err := readLocustHistory(r, name, bound)
	if err != nil {
		return nil, err
	}
	start := ticks[0].ts
	from := float64(start) + warmup.Seconds()
	t0 := -1
	var samples []int // indices of the sample rows' ticks
	next := from + historyLag
	if warmup == 0 {
		next = from + historyWindow // no warm-up to keep out of the rates
	}
	for i, t := range ticks {
		if t0 < 0 && float64(t.ts) >= from {
			t0 = i
		}
		if float64(t.ts) >= next {
			samples = append(samples, i)
			next = float64(t.ts) + historyWindow
		}
	}
	last := ticks[len(ticks)-1].ts - start
	if len(samples) == 0 {
		return nil, &Error{File: name, Msg: fmt.Sprintf("the history covers %ds, too short for a steady-state value after a warm-up of %s: its first sample row would be at %ds (Locust's per-row values cover the 10 s before the row)",
			last, warmup, int64(math.Ceil(next))-start)}
	}
	s = newSnapshot(o.lean)
	for _, ep := range endpoints {
		var rps, errRate, mean []float64
		var pct [3][]float64
		prev := t0
		for _, i := range samples {
			row := ticks[i].rows[ep]
			if row == nil {
				prev = i
				continue
			}
			rps = append(rps, row.rps)
			if row.rps > 0 {
				errRate = append(errRate, math.Min(row.fps/row.rps, 1))
			}
			if perRequest {
				for q := range pct {
					if row.hasPct[q] {
						pct[q] = append(pct[q], row.pct[q])
					}
				}
			}
			var n0, sum0 float64
			if p := rowAtOrBefore(ticks, prev, ep); p != nil {
				if row.n < p.n {
					return nil, &Error{File: name, Line: row.line, Field: "Total Request Count",
						Msg: fmt.Sprintf("%s: falls from %s (line %d) to %s: the statistics were reset during the run (--reset-stats, or the web UI); start after the reset with a longer --skip-warmup", ep, fmtNum(p.n), p.line, fmtNum(row.n))}
				}
				n0, sum0 = p.n, p.avg*p.n
			}
			if dn := row.n - n0; dn > 0 {
				mean = append(mean, math.Max((row.avg*row.n-sum0)/dn, 0))
			}
			prev = i
		}
		for q, p := range historyPercentiles {
			if len(pct[q]) > 0 {
				s.Add(ep+":"+p.key, "ms", snapshot.LowerIsBetter, pct[q]...)
			}
		}
		if len(mean) > 0 {
			s.Add(ep+":mean", "ms", snapshot.LowerIsBetter, mean...)
		}
		if len(rps) > 0 {
			s.Add(ep+":req/s", "req/s", snapshot.HigherIsBetter, rps...)
		}
		if len(errRate) > 0 {
			s.Add(ep+":error_rate", "ratio", snapshot.LowerIsBetter, errRate...)
		}
	}
	return s, nil
}

// rowAtOrBefore is the latest row of ep at or before ticks[i] (nil when ep
// had none yet: no request).
func rowAtOrBefore(ticks []historyTick, i int, ep string) *historyRow {
	for ; i >= 0; i-- {
		if r := ticks[i].rows[ep]; r != nil {
			return r
		}
	}
	return nil
}

// readLocustHistory reads the rows, grouped by Timestamp (a later row of
// the same entry at the same Timestamp replaces the earlier one: its
// totals are later), with the endpoints in order of first appearance and
// whether there are rows other than Aggregated (--csv-full-history).
func readLocustHistory(r io.Reader, name string, bound *streamBound) (ticks []historyTick, endpoints []string, perRequest bool, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil, nil, false, &Error{File: name, Msg: "empty input: no benchmark results"}
		}
		return nil, nil, false, csvError(name, err)
	}
	header = append([]string(nil), header...)
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, need := range []string{"Timestamp", "Type", "Name", "Requests/s", "Failures/s", "Total Request Count", "Total Failure Count", "Total Average Response Time"} {
		if _, ok := col[need]; !ok {
			return nil, nil, false, &Error{File: name, Line: 1, Msg: fmt.Sprintf("missing column %q: not a Locust _stats_history.csv file", need)}
		}
	}
	seen := map[string]bool{}
	var errs Errors
	line := 1
	for {
		rec, rerr := cr.Read()
		if rerr == io.EOF {
			break
		}
		line++
		if rerr != nil {
			errs = append(errs, csvError(name, rerr))
			break
		}
		if len(rec) != len(header) {
			errs = append(errs, &Error{File: name, Line: line, Msg: fmt.Sprintf("%d fields, header has %d", len(rec), len(header))})
			continue
		}
		bad := len(errs)
		num := func(c string, na bool) (float64, bool) {
			v := strings.TrimSpace(rec[col[c]])
			if na && v == "N/A" {
				return 0, false
			}
			f, perr := strconv.ParseFloat(v, 64)
			if perr != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
				errs = append(errs, &Error{File: name, Line: line, Field: c, Msg: fmt.Sprintf("not a non-negative number: %q", v)})
				return 0, false
			}
			return f, true
		}
		tsText := strings.TrimSpace(rec[col["Timestamp"]])
		ts, perr := strconv.ParseInt(tsText, 10, 64)
		if perr != nil || ts < 0 {
			errs = append(errs, &Error{File: name, Line: line, Field: "Timestamp", Msg: fmt.Sprintf("not a Unix time in seconds: %q", tsText)})
			continue
		}
		row := &historyRow{line: line}
		row.rps, _ = num("Requests/s", false)
		row.fps, _ = num("Failures/s", false)
		row.n, _ = num("Total Request Count", false)
		row.f, _ = num("Total Failure Count", false)
		row.avg, _ = num("Total Average Response Time", false)
		for q, p := range historyPercentiles {
			if _, ok := col[p.col]; ok {
				row.pct[q], row.hasPct[q] = num(p.col, true)
			}
		}
		if len(errs) > bad {
			continue
		}
		if row.f > row.n {
			errs = append(errs, &Error{File: name, Line: line, Field: "Total Failure Count", Msg: fmt.Sprintf("%s failures of %s requests", fmtNum(row.f), fmtNum(row.n))})
			continue
		}
		endpoint := strings.TrimSpace(rec[col["Type"]] + " " + rec[col["Name"]])
		if rec[col["Type"]] == "" && rec[col["Name"]] == "Aggregated" {
			endpoint = "Aggregated"
		} else {
			perRequest = true
		}
		switch n := len(ticks); {
		case n > 0 && ts < ticks[n-1].ts:
			errs = append(errs, &Error{File: name, Line: line, Field: "Timestamp", Msg: fmt.Sprintf("%d is before the previous row's %d (two runs in one file?)", ts, ticks[n-1].ts)})
			continue
		case n == 0 || ts > ticks[n-1].ts:
			ticks = append(ticks, historyTick{ts: ts, rows: map[string]*historyRow{}})
		}
		ticks[len(ticks)-1].rows[endpoint] = row
		// The row, its map entry, and its samples in the snapshot.
		if !bound.spend(historyRowCost + 5*8) {
			return nil, nil, false, bound.tooBig(name, line, fmt.Sprintf("%d rows", line-1))
		}
		if !seen[endpoint] {
			seen[endpoint] = true
			endpoints = append(endpoints, endpoint)
		}
	}
	switch {
	case len(errs) == 1:
		return nil, nil, false, errs[0]
	case len(errs) > 1:
		return nil, nil, false, errs
	case len(ticks) == 0:
		return nil, nil, false, &Error{File: name, Msg: "no rows: no benchmark results"}
	}
	return ticks, endpoints, perRequest, nil
}
