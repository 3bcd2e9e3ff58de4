package commands

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/internal/baseline"
	"github.com/flameiq/git-flameiq/internal/review"
)

func init() { commandList = append(commandList, cmdReview) }

func cmdReview(e *env) *cli.Command {
	return &cli.Command{
		Name:      "review",
		Usage:     "the weekly performance review: what got slower and faster, accepted regressions, budget headroom",
		ArgsUsage: "[REV]",
		Description: `Reviews the first-parent history of the base branch (REV, default: the base
branch as diff resolves it) between --since and --until (committer dates; default the
last 7 days; any date git understands: 2026-11-16, 1.week.ago). Each metric's value at
the start of the window (the newest recorded commit before it) is compared with the
end (the newest recorded commit in it) by the same thresholds and statistics as diff.

Example:
   git flameiq review
   git flameiq review --since 2026-11-01 --until 2026-11-30 --format markdown
   git flameiq review --format html -o perf-review.html`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "since", Value: "7.days.ago", Usage: "window start `DATE`"},
			&cli.StringFlag{Name: "until", Value: "now", Usage: "window end `DATE`"},
			&cli.StringSliceFlag{Name: "metric", Usage: "only metrics matching `GLOB` (repeatable)"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "`FORMAT`: text, json, markdown or html"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE`"},
			&cli.StringFlag{Name: "base", Usage: "base `BRANCH` (default as for diff)"},
			&cli.IntFlag{Name: "max-walk", Value: 5000, Usage: "walk at most `N` first-parent commits"},
		},
		Action: func(c *cli.Context) error {
			return e.review(reviewOptions{Args: c.Args().Slice(), Since: c.String("since"), Until: c.String("until"), Metrics: c.StringSlice("metric"),
				Output: outputOptions{Format: c.String("format"), File: c.String("output")}, Base: c.String("base"), MaxWalk: c.Int("max-walk")})
		},
	}
}

// reviewOptions are review's flags and arguments.
type reviewOptions struct {
	Args         []string // [REV]
	Since, Until string   // dates as git understands them
	Metrics      []string
	Output       outputOptions
	Base         string // --base BRANCH (when no REV)
	MaxWalk      int
}

// review writes the weekly review (see cmdReview; internal/review computes it).
func (e *env) review(o reviewOptions) error {
	e.cacheReads = true // a history walk: keep what it inflates for the next one
	if err := checkFormat(o.Output.Format, "text", "json", "markdown", "html"); err != nil {
		return err
	}
	st, err := e.openStore()
	if err != nil {
		return err
	}
	since, err := gitstore.ParseDate(e.ctx, e.workDir(), o.Since)
	if err != nil {
		return usagef("--since: %v", err)
	}
	until, err := gitstore.ParseDate(e.ctx, e.workDir(), o.Until)
	if err != nil {
		return usagef("--until: %v", err)
	}
	if until.Before(since) {
		return usagef("--until %s is before --since %s", o.Until, o.Since)
	}
	var branch string
	var tip gitstore.Hash
	switch len(o.Args) {
	case 0:
		name := o.Base
		if name == "" {
			cfg, err := e.config()
			if err != nil {
				return err
			}
			name = cfg.Base
		}
		if branch, tip, err = baseline.Branch(st.repo, name); err != nil {
			return usagef("%v", err)
		}
	case 1:
		branch = o.Args[0]
		if tip, err = resolve(st.repo, branch); err != nil {
			return err
		}
	default:
		return usagef("takes at most one REV")
	}
	opts, err := e.compareOptions(ruleOptions{})
	if err != nil {
		return err
	}
	rep, err := review.Window(st.Store, review.WindowOptions{Branch: branch, Tip: tip, Since: since, Until: until, MaxWalk: o.MaxWalk,
		Metrics: o.Metrics, Compare: opts, Warn: e.warn})
	if errors.Is(err, review.ErrNothingRecorded) {
		// A quiet week: a scheduled review job must not fail on it.
		fmt.Fprintf(e.stderr, "git-flameiq: review: nothing recorded: %v\n", err)
		return nil
	}
	if err != nil {
		return err
	}
	return e.writeOutput(o.Output, func(w io.Writer) error {
		var err error
		switch o.Output.Format {
		case "json":
			err = rep.JSON(w)
		case "markdown":
			err = rep.Markdown(w)
		case "html":
			err = rep.HTML(w, historySeries(rep.History, nil))
		default:
			err = rep.Text(w)
		}
		return err
	})
}
