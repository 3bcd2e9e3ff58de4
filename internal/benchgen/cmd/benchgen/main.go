// Command benchgen writes deterministic Go benchmark text (see package
// benchgen) to standard output:
//
//	benchgen [-n BENCHMARKS] [-count N] [-side 0|1] [-seed S] > old.txt
//
// scripts/bench.sh uses it for its metrics-scale section.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/flameiq/git-flameiq/internal/benchgen"
)

func main() {
	var o benchgen.Options
	flag.IntVar(&o.Benchmarks, "n", 2000, "number of benchmarks (3 metrics each)")
	flag.IntVar(&o.Count, "count", 10, "samples per benchmark")
	flag.IntVar(&o.Side, "side", 0, "0: the base run, 1: the head run (5% slower by 10%, 5% faster by 8%)")
	flag.Uint64Var(&o.Seed, "seed", 1, "seed of the values")
	flag.Parse()
	if flag.NArg() != 0 || o.Benchmarks < 0 || o.Count < 1 || (o.Side != 0 && o.Side != 1) {
		fmt.Fprintln(os.Stderr, "usage: benchgen [-n BENCHMARKS] [-count N] [-side 0|1] [-seed S]")
		os.Exit(2)
	}
	if err := benchgen.Write(os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
}
