package commands

import (
	"time"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/ingest"
)

func init() { commandList = append(commandList, cmdCompare) }

func cmdCompare(e *env) *cli.Command {
	return &cli.Command{
		Name:      "compare",
		Usage:     "compare two results files (no git needed), like benchstat old new",
		ArgsUsage: "BASE_FILE HEAD_FILE",
		Description: `Parses both files (format auto-detected, or --input-format) and compares them
with the same engine as diff. Exit 0 pass, 1 regression, 2 usage, 3 bad input.

Example:
   go test -bench . -count 10 > new.txt
   git flameiq compare old.txt new.txt -t '*:sec/op=5%'`,
		Flags: append(compareFlags(),
			&cli.StringFlag{Name: "input-format", Usage: "force the input `FORMAT` of both files (see validate --help)"},
			allowFailedFlag,
			skipWarmupFlag,
		),
		Action: func(c *cli.Context) error {
			warmup, err := skipWarmup(c)
			if err != nil {
				return err
			}
			return e.compare(compareCmdOptions{Files: c.Args().Slice(), InputFormat: c.String("input-format"), SkipWarmup: warmup, AllowFailed: c.Bool("allow-failed"),
				judgeOptions: judgeOptions{
					Rules:   ruleOptionsOf(c),
					Metrics: c.StringSlice("metric"),
					Output:  outputOptions{Format: c.String("format"), File: c.String("output"), All: c.Bool("all")},
					NoFail:  c.Bool("no-fail"),
				},
			})
		},
	}
}

// compareCmdOptions are compare's flags and arguments.
type compareCmdOptions struct {
	Files       []string // BASE_FILE HEAD_FILE
	InputFormat string
	SkipWarmup  time.Duration // --skip-warmup, for both files
	AllowFailed bool
	judgeOptions
}

// compare compares two results files (see cmdCompare).
func (e *env) compare(o compareCmdOptions) error {
	if len(o.Files) != 2 {
		return usagef("needs BASE_FILE and HEAD_FILE, got %d argument(s)", len(o.Files))
	}
	if err := checkFormat(o.Output.Format, reportFormats...); err != nil {
		return err
	}
	opts, err := e.compareOptions(o.Rules)
	if err != nil {
		return err
	}
	in := ingest.Options{Format: o.InputFormat, SkipWarmup: o.SkipWarmup}
	base, err := e.parseInput(e.path(o.Files[0]), in, o.AllowFailed)
	if err != nil {
		return err
	}
	in.Held = ingest.Footprint(base) // both are held for the comparison
	head, err := e.parseInput(e.path(o.Files[1]), in, o.AllowFailed)
	if err != nil {
		return err
	}
	res, err := compareFiltered(o.Metrics, base, head, opts)
	if err != nil {
		return err
	}
	e.warnNoCommon(res)
	err = e.render(o.Output, res, reportInfo{
		BaseLabel: o.Files[0], HeadLabel: o.Files[1],
		BaseCommit: base.Meta.Commit, HeadCommit: head.Meta.Commit,
	})
	if err != nil {
		return err
	}
	return verdict(o.NoFail, res)
}
