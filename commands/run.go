package commands

import (
	"io"
	"os"

	"github.com/urfave/cli/v2"
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
			argv := c.Args().Slice()
			if len(argv) > 0 && argv[0] == "--" {
				argv = argv[1:]
			}
			if len(argv) == 0 {
				return usagef("needs a command: git flameiq run -n 5 -- go test -bench .")
			}
			if c.Int("n") < 1 || c.Int("warmup") < 0 {
				return usagef("-n must be ≥ 1 and --warmup ≥ 0")
			}
			b := benchRun{argv: argv, dir: e.workDir(), n: c.Int("n"), warmup: c.Int("warmup"), format: c.String("format"), allowFailed: c.Bool("allow-failed")}
			if c.String("profile") != "" {
				b.profile = "{profile}"
			}
			// Resolve the commit first: a bad --commit must fail before a long run.
			if _, err := e.openStore(); err != nil {
				return err
			}
			var progress io.Writer
			if isTTY(e.stderr) {
				progress = e.stderr // a progress line on a terminal only
			}
			snap, profs, err := e.measure(e.ctx, b, progress)
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
				specs = append(specs, c.String("profile")+"="+p)
			}
			items, err := e.parseProfiles(specs) // before writing anything
			if err != nil {
				return err
			}
			st, h, err := e.recordSnapshot(c, snap)
			if err != nil {
				return err
			}
			if len(items) > 0 {
				return e.writeProfiles(st, h, items, "")
			}
			return nil
		},
	}
}
