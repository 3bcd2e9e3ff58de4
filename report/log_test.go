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

// strconvHex makes a distinct 40-digit hex string for each i.
func strconvHex(i int) string { return fmt.Sprintf("%016x%024x", uint64(i+1)*0x9e3779b97f4a7c15, i) }

func TestLogGolden(t *testing.T) {
	cases := map[string]*history.Series{
		"demo":  demo(),
		"long":  longSeries(),
		"empty": {},
	}
	writers := map[string]func(io.Writer, *history.Series) error{"txt": LogText, "csv": LogCSV, "json": LogJSON}
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
		func(b *bytes.Buffer) error { return LogText(b, s) },
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
