// Package benchgen writes deterministic Go benchmark text of any size, the
// monorepo-scale input of the report tests and scripts/browser-test.sh: N
// benchmarks (BenchmarkGen/pkgNN/caseNNNNN-2) × Count samples, each
// with ns/op and, with Mem, B/op and allocs/op. Written as the head side
// (Head), one benchmark in 20 is 10 % slower (i%20 == 3) and one in 20 is
// 8 % faster (i%20 == 11) in ns/op; every ns/op sample carries ± Noise
// uniform noise (a fraction; 0.02 is the issue's ± 2 %) from a PCG seeded
// with Seed. B/op and allocs/op never change.
package benchgen

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
)

// Options say what Write writes.
type Options struct {
	N, Count int
	Mem      bool    // -benchmem columns
	Head     bool    // apply the slowdowns and speedups
	Noise    float64 // ± fraction of uniform noise per ns/op sample
	Seed     uint64
}

// Slowed and Sped report whether benchmark i changes on the head side.
func Slowed(i int) bool { return i%20 == 3 }

// Sped reports whether benchmark i is faster on the head side.
func Sped(i int) bool { return i%20 == 11 }

// Name is benchmark i's name as Write prints it (without "Benchmark" and
// the -2 GOMAXPROCS suffix: the key's name part is Name(i)+"-2").
func Name(i int) string { return fmt.Sprintf("Gen/pkg%02d/case%05d", i%100, i) }

// Write writes o's benchmark text to w.
func Write(w io.Writer, o Options) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	rng := rand.New(rand.NewPCG(o.Seed, 0xbe4c_6e4))
	fmt.Fprint(bw, "goos: linux\ngoarch: amd64\npkg: example.com/mono\ncpu: benchgen\n")
	// As go test -count prints them: each benchmark's samples in a row.
	for i := 0; i < o.N; i++ {
		for c := 0; c < o.Count; c++ {
			ns := 1000 + float64(i%977)*37
			if o.Head && Slowed(i) {
				ns *= 1.10
			}
			if o.Head && Sped(i) {
				ns *= 0.92
			}
			ns *= 1 + o.Noise*(2*rng.Float64()-1)
			fmt.Fprintf(bw, "Benchmark%s-2\t%d\t%.1f ns/op", Name(i), 100000+i%1000, ns)
			if o.Mem {
				fmt.Fprintf(bw, "\t%d B/op\t%d allocs/op", 64*(1+i%7), 1+i%5)
			}
			bw.WriteByte('\n')
		}
	}
	fmt.Fprint(bw, "PASS\nok  \texample.com/mono\t1.234s\n")
	return bw.Flush()
}

// Main is the benchgen command (cmd/benchgen, and the commands tests'
// scripts): parses args, writes to stdout, returns the exit code.
//
//	benchgen [-n N] [-count C] [-mem] [-head] [-noise F] [-seed S]
func Main(args []string, stdout, stderr io.Writer) int {
	var o Options
	fs := flag.NewFlagSet("benchgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.N, "n", 100, "benchmarks")
	fs.IntVar(&o.Count, "count", 10, "samples per benchmark")
	fs.BoolVar(&o.Mem, "mem", false, "add B/op and allocs/op (as -benchmem)")
	fs.BoolVar(&o.Head, "head", false, "the head side: 1 in 20 slower by 10%, 1 in 20 faster by 8%")
	fs.Float64Var(&o.Noise, "noise", 0.02, "± fraction of uniform noise on ns/op")
	fs.Uint64Var(&o.Seed, "seed", 1, "noise seed")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.N < 0 || o.Count < 0 || o.Noise < 0 || o.Noise >= 1 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: benchgen [-n N] [-count C] [-mem] [-head] [-noise F in [0,1)] [-seed S]")
		return 2
	}
	if err := Write(stdout, o); err != nil {
		fmt.Fprintln(stderr, "benchgen:", err)
		return 1
	}
	return 0
}
