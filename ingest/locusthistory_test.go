package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// historyHeader is Locust 2.x's _stats_history.csv header.
const historyHeader = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size\n"

// syntheticHistory is a history of `seconds` seconds from Timestamp 1000:
// 10 requests of GET / per second, 100 ms each in seconds 1…5 and 10 ms
// after, written so that every row says which one it is: at t seconds
// Requests/s = 100+t, Failures/s a tenth of it, and the percentiles 50%
// = t, 95% = 2t, 99% = 3t. With perRequest, a GET / row then the
// Aggregated row (the same numbers) per second; without, Aggregated only
// (as without --csv-full-history).
func syntheticHistory(seconds int, perRequest bool) string {
	var b strings.Builder
	b.WriteString(historyHeader)
	b.WriteString("1000,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0\n")
	sum := 0.0
	for t := 1; t <= seconds; t++ {
		lat := 10.0
		if t <= 5 {
			lat = 100
		}
		sum += 10 * lat
		n := 10 * t
		rps := 100 + float64(t)
		row := func(typ, name string) {
			fmt.Fprintf(&b, "%d,5,%s,%s,%f,%f,%d,0,0,0,0,%d,0,%d,0,0,0,%d,%d,10,%v,10,100,3.0\n",
				1000+t, typ, name, rps, rps/10, t, 2*t, 3*t, n, t, sum/float64(n))
		}
		if perRequest {
			row("GET", "/")
		}
		row("", "Aggregated")
	}
	return b.String()
}

func TestLocustHistorySynthetic(t *testing.T) {
	tests := []struct {
		name       string
		seconds    int
		perRequest bool
		warmup     time.Duration
		want       map[string][]float64 // GET / and Aggregated alike
	}{
		{"no warm-up: rows 10, 20, 30, 40", 40, true, 0, map[string][]float64{
			":p50": {10, 20, 30, 40}, ":p95": {20, 40, 60, 80}, ":p99": {30, 60, 90, 120},
			// (0,10]: 5 s at 100 ms and 5 at 10 ms
			":mean":       {55, 10, 10, 10},
			":req/s":      {110, 120, 130, 140},
			":error_rate": {0.1, 0.1, 0.1, 0.1},
		}},
		{"3s: rows 15, 25, 35 (12 s after the warm-up, then every 10 s)", 40, true, 3 * time.Second, map[string][]float64{
			":p50": {15, 25, 35}, ":p95": {30, 50, 70}, ":p99": {45, 75, 105},
			// (3,15]: seconds 4, 5 at 100 ms, 6…15 at 10 ms
			":mean":       {25, 10, 10},
			":req/s":      {115, 125, 135},
			":error_rate": {0.1, 0.1, 0.1},
		}},
		{"1.5s: the steady state starts at the first row after it", 40, true, 1500 * time.Millisecond, map[string][]float64{
			":p50": {14, 24, 34}, ":p95": {28, 48, 68}, ":p99": {42, 72, 102},
			// (2,14]: seconds 3, 4, 5 at 100 ms, 6…14 at 10 ms
			":mean":       {32.5, 10, 10},
			":req/s":      {114, 124, 134},
			":error_rate": {0.1, 0.1, 0.1},
		}},
		{"5s: only the steady state", 20, true, 5 * time.Second, map[string][]float64{
			":p50": {17}, ":p95": {34}, ":p99": {51}, ":mean": {10}, ":req/s": {117}, ":error_rate": {0.1},
		}},
		{"without --csv-full-history: no percentiles (they are cumulative)", 40, false, 3 * time.Second, map[string][]float64{
			":mean": {25, 10, 10}, ":req/s": {115, 125, 135}, ":error_rate": {0.1, 0.1, 0.1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseWith(strings.NewReader(syntheticHistory(tt.seconds, tt.perRequest)), "h.csv", Options{SkipWarmup: tt.warmup})
			if err != nil {
				t.Fatal(err)
			}
			if s.Meta.Format != "locust-history" {
				t.Errorf("format %q", s.Meta.Format)
			}
			eps := []string{"Aggregated"}
			if tt.perRequest {
				eps = append(eps, "GET /")
			}
			var want []string
			for _, ep := range eps {
				for k, samples := range tt.want {
					want = append(want, ep+k)
					m := s.Get(ep + k)
					if m == nil {
						t.Errorf("%s%s: missing", ep, k)
						continue
					}
					if !approxEqual(m.Samples, samples) {
						t.Errorf("%s%s: samples %v, want %v", ep, k, m.Samples, samples)
					}
				}
			}
			slices.Sort(want)
			if got := s.Keys(); !slices.Equal(got, want) {
				t.Errorf("keys %v, want %v", got, want)
			}
		})
	}
}

func approxEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-9*math.Max(1, math.Abs(b[i])) {
			return false
		}
	}
	return true
}

func TestLocustHistoryErrors(t *testing.T) {
	good := syntheticHistory(40, true)
	lines := strings.SplitAfter(good, "\n")
	replaceLine := func(i int, from, to string) string {
		l := slices.Clone(lines)
		l[i] = strings.Replace(l[i], from, to, 1)
		return strings.Join(l, "")
	}
	tests := []struct {
		name, in string
		warmup   time.Duration
		want     string
	}{
		{"too short for the warm-up", syntheticHistory(20, true), 10 * time.Second,
			"h.csv: the history covers 20s, too short for a steady-state value after a warm-up of 10s: its first sample row would be at 22s (Locust's per-row values cover the 10 s before the row)"},
		{"too short without warm-up", syntheticHistory(9, true), 0,
			"h.csv: the history covers 9s, too short for a steady-state value after a warm-up of 0s: its first sample row would be at 10s"},
		{"missing column", strings.Replace(good, "Total Average Response Time,", "", 1), 0,
			`h.csv:1: missing column "Total Average Response Time": not a Locust _stats_history.csv file`},
		{"bad number", replaceLine(6, "103.000000", "x"), 0, `h.csv:7: Requests/s: not a non-negative number: "x"`},
		{"negative number", replaceLine(6, ",30,", ",-30,"), 0, `h.csv:7: Total Request Count: not a non-negative number: "-30"`},
		{"N/A outside the percentiles", replaceLine(6, ",30,", ",N/A,"), 0, `h.csv:7: Total Request Count: not a non-negative number: "N/A"`},
		{"bad timestamp", replaceLine(6, "1003,", "soon,"), 0, `h.csv:7: Timestamp: not a Unix time in seconds: "soon"`},
		{"time goes back", replaceLine(8, "1004,", "1002,"), 0, "h.csv:9: Timestamp: 1002 is before the previous row's 1003 (two runs in one file?)"},
		{"more failures than requests", replaceLine(6, ",30,3,", ",30,31,"), 0, "h.csv:7: Total Failure Count: 31 failures of 30 requests"},
		{"short row", replaceLine(6, ",3.0\n", "\n"), 0, "h.csv:7: 23 fields, header has 24"},
		{"statistics reset within the steady state", replaceLine(2*25+1, ",250,25,", ",5,0,"), 3 * time.Second,
			"h.csv:52: Total Request Count: Aggregated: falls from 150 (line 32) to 5: the statistics were reset during the run (--reset-stats, or the web UI); start after the reset with a longer --skip-warmup"},
		{"header only", historyHeader, 0, "h.csv: no rows: no benchmark results"},
		{"negative warm-up", good, -time.Second, "h.csv: negative warm-up -1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseWith(strings.NewReader(tt.in), "h.csv", Options{Format: "locust-history", SkipWarmup: tt.warmup})
			checkInputError(t, err, "h.csv")
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant:\n%s", err, tt.want)
			}
		})
	}
}

// The summary formats refuse --skip-warmup: their numbers cover the whole
// run (ErrNoWarmup, a usage error).
func TestSkipWarmupNeedsHistory(t *testing.T) {
	csv := "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%,99%\nGET,/,10,0,12,12,11,13,3,1,0,12,13,13\n"
	_, err := ParseWith(strings.NewReader(csv), "s.csv", Options{SkipWarmup: time.Second})
	if !errors.Is(err, ErrNoWarmup) || !strings.Contains(err.Error(), "s.csv: --skip-warmup needs a time series: the locust format is a summary of the whole run") {
		t.Errorf("got %v", err)
	}
	if _, err := ParseWith(strings.NewReader(csv), "s.csv", Options{}); err != nil {
		t.Errorf("without --skip-warmup: %v", err)
	}
}

// slowStart is a real Locust run whose target was slow (80 ms a request)
// for its first 8 seconds, then fast (10 ms); see testdata/locust-history.
const slowStart = "testdata/locust-history/slowstart_stats_history.csv"

// TestLocustHistorySlowStart checks the steady state of the real run: the
// samples are those computed by hand from the file (awk over the rows
// named), and with --skip-warmup 10s no sample holds a slow request, while
// without it the first window does.
func TestLocustHistorySlowStart(t *testing.T) {
	data, err := os.ReadFile(slowStart)
	if err != nil {
		t.Fatal(err)
	}
	parse := func(w time.Duration) map[string][]float64 {
		s, err := ParseWith(bytes.NewReader(data), "slow.csv", Options{SkipWarmup: w})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]float64{}
		for _, m := range s.Metrics {
			out[m.Key] = m.Samples
		}
		return out
	}
	for _, tt := range []struct {
		warmup time.Duration
		want   map[string][]float64
	}{
		{0, slowStartNoWarmup},
		{10 * time.Second, slowStartWarmup10s},
	} {
		got := parse(tt.warmup)
		for k, want := range tt.want {
			if !within(got[k], want, 0.0006) {
				t.Errorf("--skip-warmup %s: %s: samples %v, want %v", tt.warmup, k, got[k], want)
			}
		}
	}
	// The slow start (80 ms and more) is in the first window without a
	// warm-up, and in none after 10 s.
	if m := parse(0)["Aggregated:mean"]; m[0] < 40 {
		t.Errorf("without warm-up the first window's mean is %v ms: the slow start is missing", m[0])
	}
	for k, samples := range parse(10 * time.Second) {
		if strings.HasSuffix(k, ":mean") || strings.HasSuffix(k, ":p50") {
			for _, x := range samples {
				if x >= 40 {
					t.Errorf("--skip-warmup 10s: %s has a sample of %v ms: the slow start is in", k, x)
				}
			}
		}
	}
}

// within reports whether a and b have the same length and differ by at
// most tol at every index.
func within(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > tol {
			return false
		}
	}
	return true
}

// The samples of the real run, computed from the file with awk (not with
// this package): the sample rows are at 10, 20 … 70 s without a warm-up and
// at 22, 32, 42, 52, 62 s with 10 s (the history covers 70 s); req/s and
// p50/p95/p99 are the row's columns, error_rate Failures/s ÷ Requests/s,
// mean (Total Average·Total Count − the same at the previous sample row)
// ÷ (the counts' difference), rounded to 3 decimals.
var (
	slowStartNoWarmup = map[string][]float64{
		"Aggregated:req/s":      {42.5, 110.6, 116.4, 88.8, 115.1, 111.2, 92.8},
		"Aggregated:error_rate": {0.203, 0.214, 0.190, 0.186, 0.201, 0.198, 0.210},
		"Aggregated:p50":        {82, 13, 12, 13, 12, 12, 14},
		"Aggregated:p95":        {90, 17, 16, 21, 14, 33, 51},
		"Aggregated:p99":        {98, 25, 18, 94, 18, 71, 84},
		"Aggregated:mean":       {58.331, 13.309, 12.926, 25.859, 11.918, 14.712, 19.796},
	}
	slowStartWarmup10s = map[string][]float64{
		"Aggregated:req/s":      {113.6, 115.4, 86.9, 118.4, 106.7},
		"Aggregated:error_rate": {0.205, 0.191, 0.192, 0.198, 0.197},
		"Aggregated:p50":        {12, 13, 12, 11, 12},
		"Aggregated:p95":        {16, 16, 21, 14, 39},
		"Aggregated:p99":        {18, 19, 94, 18, 77},
		"Aggregated:mean":       {13.187, 13.013, 25.537, 11.914, 15.987},
		"GET /:req/s":           {90.3, 93.4, 70.2, 94.9, 85.7},
		"GET /:error_rate":      {0, 0, 0, 0, 0},
		"GET /:p95":             {16, 16, 22, 15, 39},
		"GET /:mean":            {13.213, 13.025, 28.412, 11.915, 16.162},
		"GET /fail:req/s":       {23.3, 22, 16.7, 23.5, 21},
		"GET /fail:error_rate":  {1, 1, 1, 1, 1},
		"GET /fail:p50":         {12, 13, 12, 11, 12},
		"GET /fail:p99":         {17, 26, 45, 18, 47},
		"GET /fail:mean":        {13.085, 12.957, 13.674, 11.913, 15.284},
	}
)

// FuzzParseLocustHistory: any input and warm-up gives a snapshot or an
// input error naming the file, never a panic.
func FuzzParseLocustHistory(f *testing.F) {
	f.Add([]byte(syntheticHistory(12, true)), uint8(0))
	f.Add([]byte(syntheticHistory(20, false)), uint8(3))
	f.Add([]byte(historyHeader+"1,0,,Aggregated,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0\n"), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, warmup uint8) {
		s, err := ParseWith(bytes.NewReader(data), "fuzz.in", Options{Format: "locust-history", SkipWarmup: time.Duration(warmup) * time.Second})
		if err != nil {
			checkInputError(t, err, "fuzz.in")
			return
		}
		checkSane(t, s)
	})
}
