package report

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/flameiq/git-flameiq/history"
	golden_ "github.com/flameiq/git-flameiq/internal/golden"
)

func TestSparkline(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name   string
		values []float64
		want   string
	}{
		{"empty", nil, ""},
		{"one value", []float64{3}, "▄"},
		{"flat", []float64{2, 2, 2}, "▄▄▄"},
		{"ramp", []float64{0, 1, 2, 3, 4, 5, 6, 7}, "▁▂▃▄▅▆▇█"},
		{"rounding", []float64{0, 0.49, 0.51, 10}, "▁▁▁█"},
		{"step", []float64{100, 101, 99, 120, 121, 119}, "▁▂▁██▇"},
		{"NaN is a space", []float64{1, nan, 2}, "▁ █"},
		{"all NaN", []float64{nan, nan}, "  "},
		{"infinities ignored", []float64{math.Inf(1), 1, 2, math.Inf(-1)}, " ▁█ "},
		{"flat with gap", []float64{5, nan, 5}, "▄ ▄"},
		{"negative", []float64{-2, -1, 0}, "▁▅█"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sparkline(tt.values); got != tt.want {
				t.Errorf("Sparkline(%v) = %q, want %q", tt.values, got, tt.want)
			}
		})
	}
}

func TestDownsample(t *testing.T) {
	nan := math.NaN()
	got := downsample([]float64{1, 3, nan, nan, 5, nan, 7, 9}, 4)
	want := []float64{2, nan, 5, 8}
	for i := range want {
		if !(got[i] == want[i] || math.IsNaN(got[i]) && math.IsNaN(want[i])) {
			t.Fatalf("downsample = %v, want %v", got, want)
		}
	}
	short := []float64{1, 2}
	if got := downsample(short, 60); len(got) != 2 {
		t.Errorf("short series resampled: %v", got)
	}
}

// demo is a small history: a 20% slowdown of Decode at the fourth commit,
// a gap in throughput, a subject that needs clipping and escaping.
func demo() *history.Series {
	day := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	sha := func(c byte) string { return string(bytes.Repeat([]byte{c}, 40)) }
	decode := []float64{1.20e-6, 1.21e-6, 1.19e-6, 1.44e-6, 1.45e-6, 1.43e-6}
	subjects := []string{
		"Initial import",
		"ingest: parse hyperfine JSON",
		"Fix typo in README",
		"decode: validate every field twice, just to be safe, and log the result\tof it",
		`report: quote "names", with commas`,
		"Release v1.2.0",
	}
	s := &history.Series{}
	for i := range decode {
		p := history.Point{
			Sha:     sha("0123456789abcdef"[i]),
			Date:    day.Add(time.Duration(i) * 26 * time.Hour),
			Subject: subjects[i],
			Values: map[string]float64{
				"Decode-2:sec/op": decode[i],
				"Encode-2:B/op":   4096,
			},
		}
		if i != 2 {
			p.Values["throughput"] = 1500 - 10*float64(i)
		}
		if i == 4 {
			p.Values["throughput"] = math.NaN() // recorded as NaN counts as missing
		}
		s.Commits = append(s.Commits, p)
	}
	return s
}

// longSeries has 200 commits, a step at 120 and a metric only on odd commits.
func longSeries() *history.Series {
	s := &history.Series{}
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600))
	for i := 0; i < 200; i++ {
		v := 100 + float64(i%7)/7
		if i >= 120 {
			v *= 1.2
		}
		p := history.Point{
			Sha:     strconvHex(i),
			Date:    day.Add(time.Duration(i) * time.Hour),
			Subject: "commit",
			Values:  map[string]float64{"latency.p95": v},
		}
		if i%2 == 1 {
			p.Values["memory_mb"] = 64 + float64(i/50)
		}
		s.Commits = append(s.Commits, p)
	}
	return s
}

// wide is a history of 20 metrics over 4 commits: Op-NN moves by NN %
// (Op-07 as a spike that comes back), Zero-0 from 0 to 1, Flat-0 not at
// all, Gap-0 is recorded once.
func wide() *history.Series {
	s := &history.Series{Units: map[string]string{}}
	for i := range 4 {
		p := history.Point{Sha: strconvHex(i), Date: time.Date(2026, 5, 1+i, 0, 0, 0, 0, time.UTC), Subject: fmt.Sprintf("commit %d", i),
			Values: map[string]float64{"Flat-0:sec/op": 1e-6, "Zero-0:B/op": 0}}
		for n := 1; n <= 17; n++ {
			k := fmt.Sprintf("Op-%02d:sec/op", n)
			f := 1 + float64(n)/100*float64(i)/3 // a drift of n % over the window
			if n == 7 {
				f = map[bool]float64{true: 1.5, false: 1}[i == 2] // a spike
			}
			p.Values[k] = 1e-6 * f
			s.Units[k] = "sec/op"
		}
		if i == 3 {
			p.Values["Zero-0:B/op"] = 1
		}
		if i == 0 {
			p.Values["Gap-0:sec/op"] = 5e-6
		}
		s.Commits = append(s.Commits, p)
	}
	return s
}

func TestMoved(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range []struct {
		name   string
		values []float64
		want   float64
	}{
		{"empty", nil, 0},
		{"one value", []float64{3, nan}, 0},
		{"flat", []float64{2, 2, 2}, 0},
		{"step", []float64{100, 100, 120, 120}, 20.0 / 110},
		{"spike that came back", []float64{100, 150, 100}, 0.5},
		{"NaN and Inf ignored", []float64{nan, 100, inf, 110, 120}, 0.2 / 1.1},
		{"from zero", []float64{0, 0, 0, 1}, inf},
		{"negative", []float64{-10, -12, -8}, 0.4},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Moved(c.values); math.Abs(got-c.want) > 1e-12 && got != c.want {
				t.Errorf("Moved(%v) = %g, want %g", c.values, got, c.want)
			}
		})
	}
}

func TestLogKeys(t *testing.T) {
	s := wide()
	keys, total := LogKeys(s, LogOptions{})
	want := []string{"Zero-0:B/op", "Op-07:sec/op", "Op-17:sec/op", "Op-16:sec/op", "Op-15:sec/op", "Op-14:sec/op",
		"Op-13:sec/op", "Op-12:sec/op", "Op-11:sec/op", "Op-10:sec/op", "Op-09:sec/op", "Op-08:sec/op"}
	if fmt.Sprint(keys) != fmt.Sprint(want) || total != 20 {
		t.Errorf("LogKeys = %v of %d,\nwant    %v of 20", keys, total, want)
	}
	all, total := LogKeys(s, LogOptions{All: true})
	if len(all) != 20 || total != 20 || all[0] != "Flat-0:sec/op" {
		t.Errorf("All: %v of %d, want every key in byte order", all, total)
	}
	few := demo()
	if keys, total := LogKeys(few, LogOptions{}); len(keys) != 3 || total != 3 || keys[0] != "Decode-2:sec/op" {
		t.Errorf("3 metrics: %v of %d, want all in byte order", keys, total)
	}
}

// strconvHex makes a distinct 40-digit hex string for each i.
func strconvHex(i int) string { return fmt.Sprintf("%016x%024x", uint64(i+1)*0x9e3779b97f4a7c15, i) }

func TestLogGolden(t *testing.T) {
	cases := map[string]*history.Series{
		"demo":  demo(),
		"long":  longSeries(),
		"empty": {},
		"wide":  wide(),
	}
	text := func(w io.Writer, s *history.Series) error { return LogText(w, s, LogOptions{}) }
	writers := map[string]func(io.Writer, *history.Series) error{"txt": text, "csv": LogCSV, "json": LogJSON}
	for name, s := range cases {
		for ext, write := range writers {
			t.Run(name+"."+ext, func(t *testing.T) {
				var buf bytes.Buffer
				if err := write(&buf, s); err != nil {
					t.Fatal(err)
				}
				golden_.Check(t, filepath.Join("testdata", "log", name+"."+ext+".golden"), buf.Bytes())
			})
		}
	}
}

func TestLogWritersDoNotModify(t *testing.T) {
	s := demo()
	before := len(s.Commits[2].Values)
	var b bytes.Buffer
	for _, f := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return LogText(b, s, LogOptions{}) },
		func(b *bytes.Buffer) error { return LogCSV(b, s) },
		func(b *bytes.Buffer) error { return LogJSON(b, s) },
	} {
		if err := f(&b); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.Commits[2].Values) != before || s.Commits[0].Sha[0] != '0' {
		t.Error("a writer modified the series")
	}
}
