// Command git-flameiq makes performance regressions a build failure: it
// records benchmark results as git notes and compares HEAD with its
// merge-base in CI. Run `git flameiq --help` for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/flameiq/git-flameiq/commands"
)

func main() {
	// FLAMEIQ_CPUPROFILE=FILE writes a CPU profile of this run (for
	// working on git-flameiq's own performance).
	if p := os.Getenv("FLAMEIQ_CPUPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := commands.Main(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	pprof.StopCPUProfile()
	os.Exit(code)
}
