// Command git-flameiq makes performance regressions a build failure: it
// records benchmark results as git notes and compares HEAD with its
// merge-base in CI. Run `git flameiq --help` for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"

	"github.com/flameiq/git-flameiq/commands"
	_ "github.com/flameiq/git-flameiq/internal/hugeheap" // before the heavy inits; see its doc
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
	// FLAMEIQ_MEMPROFILE=FILE writes an allocation profile at exit.
	if p := os.Getenv("FLAMEIQ_MEMPROFILE"); p != "" {
		runtime.MemProfileRate = 512
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := commands.Main(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	pprof.StopCPUProfile()
	if p := os.Getenv("FLAMEIQ_MEMPROFILE"); p != "" {
		writeMemProfile(p)
	}
	os.Exit(code)
}

func writeMemProfile(path string) {
	if f, err := os.Create(path); err == nil {
		_ = pprof.Lookup("allocs").WriteTo(f, 0)
		_ = f.Close()
	}
}
