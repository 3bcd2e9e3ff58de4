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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := commands.Main(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
