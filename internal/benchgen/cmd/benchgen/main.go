// Command benchgen writes deterministic Go benchmark text (package
// internal/benchgen) to stdout:
//
//	benchgen [-n N] [-count C] [-mem] [-head] [-noise F] [-seed S]
//
// scripts/browser-test.sh makes its 60,000-metric report inputs with it.
package main

import (
	"os"

	"github.com/flameiq/git-flameiq/internal/benchgen"
)

func main() { os.Exit(benchgen.Main(os.Args[1:], os.Stdout, os.Stderr)) }
