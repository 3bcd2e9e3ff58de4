package commands

import (
	"github.com/urfave/cli/v2"
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
		),
		Action: func(c *cli.Context) error {
			if c.NArg() != 2 {
				return usagef("needs BASE_FILE and HEAD_FILE, got %d argument(s)", c.NArg())
			}
			if err := checkFormat(c.String("format"), reportFormats...); err != nil {
				return err
			}
			opts, err := e.compareOptions(c)
			if err != nil {
				return err
			}
			base, err := e.parseInput(e.path(c.Args().Get(0)), c.String("input-format"), c.Bool("allow-failed"))
			if err != nil {
				return err
			}
			head, err := e.parseInput(e.path(c.Args().Get(1)), c.String("input-format"), c.Bool("allow-failed"))
			if err != nil {
				return err
			}
			res, err := compareFiltered(c, base, head, opts)
			if err != nil {
				return err
			}
			e.warnNoCommon(res)
			err = e.render(c, res, reportInfo{
				BaseLabel: c.Args().Get(0), HeadLabel: c.Args().Get(1),
				BaseCommit: base.Meta.Commit, HeadCommit: head.Meta.Commit,
			})
			if err != nil {
				return err
			}
			return verdict(c, res)
		},
	}
}
