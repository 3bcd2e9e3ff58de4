package commands

import (
	"io"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/internal/profilediff"
	"github.com/flameiq/git-flameiq/profile"
	"github.com/flameiq/git-flameiq/report"
)

func cmdProfileDiff(e *env) *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "the differential profile between base and head (top functions, folded, JSON, flame graph)",
		ArgsUsage: "[BASE [HEAD]] | A..B | A...B",
		Description: `Resolves BASE and HEAD as git flameiq diff does (merge-base, nearest recorded
first-parent ancestor, said aloud), normalises each side to its total (pprof
-normalize) and ranks functions by the change of their flat share. When the profile
is linked to a time-per-op metric on both sides, shares become time per op.

Example:
   git flameiq profile diff
   git flameiq profile diff main HEAD --format html -o flame.html`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "name", Usage: "profile `NAME` (default: flameiq.yaml profiles.name, else the only or the cpu profile)"},
			&cli.StringFlag{Name: "sample-index", Usage: "sample `TYPE` to compare (name like alloc_space, or index; default: the profile's default)"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "`FORMAT`: text, json, folded or html"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE`"},
			&cli.IntFlag{Name: "n", Aliases: []string{"top"}, Value: 20, Usage: "show the top `N` functions (text, json)"},
			&cli.StringFlag{Name: "base", Usage: "base `BRANCH` (as for diff)"},
			&cli.IntFlag{Name: "max-walk", Value: 50, Usage: "look at most `N` first-parent ancestors for a recorded base"},
		},
		Action: func(c *cli.Context) error {
			return e.profileDiff(profileDiffOptions{
				Revs:        c.Args().Slice(),
				Name:        c.String("name"),
				SampleIndex: c.String("sample-index"),
				Output:      outputOptions{Format: c.String("format"), File: c.String("output")},
				Top:         c.Int("n"),
				Base:        c.String("base"),
				MaxWalk:     c.Int("max-walk"),
			})
		},
	}
}

// profileDiffOptions are profile diff's flags and arguments.
type profileDiffOptions struct {
	Revs        []string // [BASE [HEAD]] | A..B | A...B
	Name        string   // --name ("": flameiq.yaml, else the only or the cpu profile)
	SampleIndex string
	Output      outputOptions
	Top         int // -n
	Base        string
	MaxWalk     int
}

// profileDiff writes the differential profile (see cmdProfileDiff).
func (e *env) profileDiff(o profileDiffOptions) error {
	if err := checkFormat(o.Output.Format, "text", "json", "folded", "html"); err != nil {
		return err
	}
	st, err := e.openStore()
	if err != nil {
		return err
	}
	sd, err := e.resolveSides(st, o.Revs, o.Base, false)
	if err != nil {
		return err
	}
	popts := profilediff.Options{Name: o.Name, SampleType: o.SampleIndex, Top: o.Top, MaxWalk: o.MaxWalk, Warn: e.warn}
	if o.Name == "" {
		cfg, err := e.config()
		if err != nil {
			return err
		}
		popts.DefaultName = cfg.ProfileName
	}
	pd, err := profilediff.Diff(st.Store, sd, popts)
	if err != nil {
		return err
	}
	return e.writeOutput(o.Output, func(w io.Writer) error {
		var err error
		meta := report.ProfileMeta{BaseCommit: pd.Base.Commit.String(), HeadCommit: sd.Head.String(), Name: pd.Name}
		switch o.Output.Format {
		case "json":
			err = report.ProfileJSON(w, pd.Diff, meta)
		case "folded":
			err = profile.WriteFolded(w, pd.Diff)
		case "html":
			err = report.FlameGraph(w, pd.Diff, meta, report.FlameGraphOptions{})
		default:
			meta.Reason = pd.Base.Reason
			err = report.ProfileText(w, pd.Diff, meta)
		}
		return err
	})
}
