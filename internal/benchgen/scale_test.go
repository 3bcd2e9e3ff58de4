package benchgen_test

import (
	"bytes"
	"io"
	"runtime"
	"sync"
	"testing"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/ingest"
	"github.com/flameiq/git-flameiq/internal/benchgen"
	"github.com/flameiq/git-flameiq/report"
	"github.com/flameiq/git-flameiq/snapshot"
)

// The metrics-scale tests and benchmarks of the whole pipeline: parse
// (ingest's Go text), note encode and decode (snapshot), compare, the
// text and JSON reports, on inputs from benchgen. 20,000 benchmarks give
// 60,000 metrics, the monorepo of issue 22:
//
//	go test -run '^$' -bench . -benchmem ./internal/benchgen

var inputs = map[int][2][]byte{}

// input returns the base and head text of n benchmarks × 10 samples.
func input(tb testing.TB, n int) (base, head []byte) {
	if in, ok := inputs[n]; ok {
		return in[0], in[1]
	}
	var b, h bytes.Buffer
	defer func() { inputs[n] = [2][]byte{b.Bytes(), h.Bytes()} }()
	if err := benchgen.Write(&b, benchgen.Options{N: n, Count: 10, Mem: true, Noise: 0.02, Seed: 1}); err != nil {
		tb.Fatal(err)
	}
	if err := benchgen.Write(&h, benchgen.Options{N: n, Count: 10, Mem: true, Head: true, Noise: 0.02, Seed: 2}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes(), h.Bytes()
}

func parse(tb testing.TB, text []byte) *snapshot.Snapshot {
	s, err := ingest.Parse(bytes.NewReader(text), "bench.txt", "gobench")
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// stage is one step of the pipeline, run on prepared inputs.
type stage struct {
	name string
	// prepare returns the step on n benchmarks, ready to run.
	prepare func(tb testing.TB, n int) func()
}

var stages = []stage{
	{"parse", func(tb testing.TB, n int) func() {
		text, _ := input(tb, n)
		return func() { parse(tb, text) }
	}},
	{"encode", func(tb testing.TB, n int) func() {
		text, _ := input(tb, n)
		s := parse(tb, text)
		return func() {
			if _, err := snapshot.EncodeRecord(s, "0123456789abcdef"); err != nil {
				tb.Fatal(err)
			}
		}
	}},
	{"decode", func(tb testing.TB, n int) func() {
		text, _ := input(tb, n)
		line, err := snapshot.EncodeRecord(parse(tb, text), "0123456789abcdef")
		if err != nil {
			tb.Fatal(err)
		}
		return func() {
			if _, err := snapshot.DecodeRecord(line, nil); err != nil {
				tb.Fatal(err)
			}
		}
	}},
	{"merge", func(tb testing.TB, n int) func() {
		b, h := input(tb, n)
		bs, hs := parse(tb, b), parse(tb, h)
		return func() { snapshot.Merge(bs, hs) }
	}},
	{"merge1", func(tb testing.TB, n int) func() { // record FILE: one run
		h, _ := input(tb, n)
		hs := parse(tb, h)
		return func() { snapshot.Merge(hs) }
	}},
	{"compare", func(tb testing.TB, n int) func() {
		b, h := input(tb, n)
		bs, hs := parse(tb, b), parse(tb, h)
		return func() {
			if _, err := compare.Compare(bs, hs, compare.DefaultOptions()); err != nil {
				tb.Fatal(err)
			}
		}
	}},
	{"text", func(tb testing.TB, n int) func() {
		r := result(tb, n)
		return func() {
			if err := report.Text(io.Discard, r, report.TextOptions{}); err != nil {
				tb.Fatal(err)
			}
		}
	}},
	{"json", func(tb testing.TB, n int) func() {
		r := result(tb, n)
		return func() {
			if err := report.JSON(io.Discard, r, report.JSONOptions{}); err != nil {
				tb.Fatal(err)
			}
		}
	}},
}

func result(tb testing.TB, n int) *compare.Result {
	b, h := input(tb, n)
	r, err := compare.Compare(parse(tb, b), parse(tb, h), compare.DefaultOptions())
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// BenchmarkScale60k times each stage on 60,000 metrics (20,000
// benchmarks × 3 units × 10 samples a side).
func BenchmarkScale60k(b *testing.B) {
	for _, st := range stages {
		b.Run(st.name, func(b *testing.B) {
			run := st.prepare(b, 20000)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				run()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/60000, "ns/metric")
		})
	}
}

// TestLinearInMetrics holds every stage linear in the number of metrics
// without timing anything: the allocations and the bytes allocated per
// metric stay flat from 1,000 to 64,000 metrics (3 per benchmark).
// A step that grows with n per metric (a scan per key, a table rebuilt
// per row) shows up in both long before it shows in a wall clock.
func TestLinearInMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("builds inputs of 64,000 benchmarks")
	}
	sizes := []int{334, 2667, 21334} // benchmarks: 1k, 8k and 64k metrics
	var mu sync.Mutex
	for _, st := range stages {
		t.Run(st.name, func(t *testing.T) {
			var allocs, bytes []float64
			for _, n := range sizes {
				run := st.prepare(t, n)
				run() // caches (interned strings, U-test p-values) filled once, as in a real run
				a, by := measure(run)
				metrics := float64(3 * n)
				allocs = append(allocs, a/metrics)
				bytes = append(bytes, by/metrics)
			}
			mu.Lock()
			defer mu.Unlock()
			t.Logf("%s per metric at 1k, 8k, 64k metrics: allocs %.2f, bytes %.0f", st.name, allocs, bytes)
			for i := 1; i < len(sizes); i++ {
				// Amortised growth (slices, maps doubling) moves these a
				// little; anything quadratic multiplies them by 8 per step.
				if allocs[i] > 1.5*allocs[0]+1 || bytes[i] > 1.5*bytes[0]+64 {
					t.Errorf("%s: per metric at %d metrics: %.2f allocs, %.0f bytes; at %d: %.2f, %.0f (not linear)",
						st.name, 3*sizes[i], allocs[i], bytes[i], 3*sizes[0], allocs[0], bytes[0])
				}
			}
		})
	}
}

// measure returns the allocations and bytes allocated by one run of f.
func measure(f func()) (allocs, bytes float64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs - before.Mallocs), float64(after.TotalAlloc - before.TotalAlloc)
}
