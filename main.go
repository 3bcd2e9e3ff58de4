// Command git-flameiq makes performance regressions a build failure: it
// records benchmark results as git notes and compares HEAD with its
// merge-base in CI. Run `git flameiq --help` for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/flameiq/git-flameiq/commands"
	_ "github.com/flameiq/git-flameiq/internal/gcdefer"  // no collection below 32 MiB; see its doc
	_ "github.com/flameiq/git-flameiq/internal/hugeheap" // before the heavy inits; see its doc
)

// selfProfile, when built with -tags flameiq_selfprofile, starts the
// FLAMEIQ_CPUPROFILE/FLAMEIQ_MEMPROFILE profiles of this run and returns
// the function that writes them (see selfprofile.go). Release builds do
// not link runtime/pprof: linking it turns on the runtime's allocation
// sampling, which cost every run about 1 ms here.
var selfProfile = func() (stop func()) { return func() {} }

func main() {
	stopProfile := selfProfile()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := commands.Main(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	stopProfile()
	os.Exit(code)
}
