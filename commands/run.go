package commands

import (
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/internal/measure"
)

func init() { commandList = append(commandList, cmdRun) }

func cmdRun(e *env) *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run a benchmark command N times, parse its output and record the samples",
		ArgsUsage: "-- CMD…",
		Description: `Runs CMD --warmup K times (discarded), then -n N times, parses each run's stdout
(format auto-detected), merges the samples and records them as one record. A
failing command stops the run with its exit status reported (exit 2) and nothing
is recorded. With --profile NAME, every {profile} in CMD is replaced by a fresh
file path and the profiles written there are recorded under NAME.

Example:
   git flameiq run -n 5 -- go test -run '^$' -bench . -count 2
   git flameiq run -n 3 --profile cpu -- go test -run '^$' -bench Encode -cpuprofile {profile}`,
		Flags: append([]cli.Flag{
			&cli.IntFlag{Name: "n", Aliases: []string{"count"}, Value: 1, Usage: "measured runs `N`"},
			&cli.IntFlag{Name: "warmup", Usage: "discarded warm-up runs `K`"},
			&cli.StringFlag{Name: "profile", Usage: "record the {profile} files each run writes under `NAME`"},
		}, recordFlags()...),
		Action: func(c *cli.Context) error {
			format, err := e.inputFormat(c.String("input-format"), c.String("format"), c.IsSet("format"))
			if err != nil {
				return err
			}
			warmup, err := skipWarmup(c)
			if err != nil {
				return err
			}
			return e.run(runOptions{Argv: c.Args().Slice(), N: c.Int("n"), Warmup: c.Int("warmup"), Profile: c.String("profile"),
				Format: format, SkipWarmup: warmup, AllowFailed: c.Bool("allow-failed"), Meta: recordMeta{Commit: c.String("commit"),
					Suite: c.String("suite"), Tags: c.StringSlice("tag"), Environment: c.String("environment"), RequireClean: c.Bool("require-clean")}})
		},
	}
}

// runOptions are run's flags and arguments.
type runOptions struct {
	Argv        []string // -- CMD…
	N, Warmup   int
	Profile     string // --profile NAME ("": no profiles)
	Format      string
	SkipWarmup  time.Duration // --skip-warmup of each run's output
	AllowFailed bool
	Meta        recordMeta
}

// run measures a command and records the result (see cmdRun).
func (e *env) run(o runOptions) error {
	argv := o.Argv
	if len(argv) > 0 && argv[0] == "--" {
		argv = argv[1:]
	}
	if len(argv) == 0 {
		return usagef("needs a command: git flameiq run -n 5 -- go test -bench .")
	}
	if o.N < 1 || o.Warmup < 0 {
		return usagef("-n must be ≥ 1 and --warmup ≥ 0")
	}
	b := measure.Run{Argv: argv, Dir: e.workDir(), N: o.N, Warmup: o.Warmup, Format: o.Format, SkipWarmup: o.SkipWarmup, AllowFailed: o.AllowFailed,
		Profiles: o.Profile != "", Stderr: e.stderr}
	// Resolve the commit first: a bad --commit must fail before a long run.
	if _, err := e.openStore(); err != nil {
		return err
	}
	// Progress always: one line redrawn on a terminal, one plain line
	// per run in a CI log.
	b.Progress, b.ProgressLines = e.stderr, !isTTY(e.stderr)
	snap, profs, err := b.Do(e.ctx)
	defer func() {
		for _, p := range profs {
			os.Remove(p)
		}
	}()
	if err != nil {
		return err
	}
	var specs []string
	for _, p := range profs {
		specs = append(specs, o.Profile+"="+p)
	}
	items, err := e.parseProfiles(specs) // before writing anything
	if err != nil {
		return err
	}
	return e.recordSnapshot(o.Meta, snap, items)
}
