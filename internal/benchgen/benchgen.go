// Package benchgen writes deterministic Go benchmark text at any scale, for
// the metrics-scale benchmarks (scripts/bench.sh metrics, the go test
// benchmarks of snapshot, compare and report): N benchmarks × Count samples
// as `go test -bench . -benchmem -count Count ./...` prints them, 100
// benchmarks to a `pkg:` section, three metrics per benchmark (sec/op, B/op,
// allocs/op).
//
// Two sides of the same Options (Side 0 and 1) are a base and a head run:
// in the head, one benchmark in 20 is 10 % slower, one in 20 is 8 % faster
// (time and bytes; allocations follow the bytes, rounded), and every sample
// of either side has ±2 % uniform noise. The same Options always give the
// same bytes.
package benchgen

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
)

// Options say what to generate.
type Options struct {
	Benchmarks int    // number of benchmarks (each gives 3 metrics)
	Count      int    // samples per benchmark (-count)
	Side       int    // 0: the base run; 1: the head run, with the changes
	Seed       uint64 // varies the values; the shape stays the same
}

// PerPackage is the number of benchmarks in each `pkg:` section.
const PerPackage = 100

// Change returns the factor that the head run applies to benchmark i: 1.10
// (slowed), 0.92 (sped up) or 1.
func Change(i int) float64 {
	switch i % 20 {
	case 7:
		return 1.10
	case 13:
		return 0.92
	}
	return 1
}

// Write writes the benchmark text of o to w.
func Write(w io.Writer, o Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	// The base values depend on the benchmark only; the noise on the side.
	shape := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	noise := rand.New(rand.NewPCG(o.Seed+uint64(o.Side)+1, 0xbf58476d1ce4e5b9))
	for i := 0; i < o.Benchmarks; i++ {
		if i%PerPackage == 0 {
			if i > 0 {
				fmt.Fprintf(bw, "PASS\nok  \texample.com/mono/pkg%04d\t12.345s\n", i/PerPackage-1)
			}
			fmt.Fprintf(bw, "goos: linux\ngoarch: amd64\npkg: example.com/mono/pkg%04d\ncpu: Generated CPU @ 2.00GHz\n", i/PerPackage)
		}
		ns := math.Exp(shape.Float64()*math.Log(1e7/10)) * 10 // 10 ns … 10 ms, log-uniform
		bytes := float64(8 * shape.IntN(4096))
		allocs := float64(shape.IntN(64))
		f := 1.0
		if o.Side == 1 {
			f = Change(i)
		}
		name := fmt.Sprintf("BenchmarkP%04dF%02d/size=%d-2", i/PerPackage, i%PerPackage, 1<<(i%12))
		for c := 0; c < o.Count; c++ {
			jit := func() float64 { return 1 + (noise.Float64()*2-1)*0.02 }
			t := ns * f * jit()
			iters := int(math.Max(1, math.Min(1e9, 1e9/t)))
			fmt.Fprintf(bw, "%-26s\t%8d\t%10s ns/op\t%8d B/op\t%8d allocs/op\n", name, iters, pretty(t),
				int64(math.Round(bytes*f*jit())), int64(math.Round(allocs*f*jit())))
		}
	}
	if o.Benchmarks > 0 {
		fmt.Fprintf(bw, "PASS\nok  \texample.com/mono/pkg%04d\t12.345s\n", (o.Benchmarks-1)/PerPackage)
	}
	return bw.Flush()
}

// pretty formats ns/op as the testing package does (prettyPrint).
func pretty(x float64) string {
	var format string
	switch y := math.Abs(x); {
	case y == 0 || y >= 999.95:
		format = "%.0f"
	case y >= 99.995:
		format = "%.1f"
	case y >= 9.9995:
		format = "%.2f"
	case y >= 0.99995:
		format = "%.3f"
	default:
		format = "%.4f"
	}
	return fmt.Sprintf(format, x)
}
