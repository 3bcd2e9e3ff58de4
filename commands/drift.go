package commands

import (
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/internal/review"
	"github.com/flameiq/git-flameiq/report"
)

func init() { commandList = append(commandList, cmdDrift) }

func cmdDrift(e *env) *cli.Command {
	return &cli.Command{
		Name:      "drift",
		Usage:     "change points and slow creep over first-parent history",
		ArgsUsage: "[REV]",
		Description: `Finds change points in each metric's history (E-Divisive means with a Student
t-test, as Hunter/Apache Otava do) and checks creep: the newest value against the
oldest in the window, or against --against REV (e.g. the last release tag), with the
drift threshold (flameiq.yaml drift.threshold, default 5%). --fail exits 1 when a
metric crept or stepped beyond the threshold in its bad direction.

Example:
   git flameiq drift -n 200 --metric '*:sec/op'
   git flameiq drift --against v1.2.0 --fail`,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "n", Aliases: []string{"max-count"}, Usage: "walk `N` first-parent commits", DefaultText: "flameiq.yaml drift.window, else 50"},
			&cli.StringSliceFlag{Name: "metric", Usage: "only metrics matching `GLOB` (repeatable)"},
			&cli.StringFlag{Name: "against", Usage: "creep reference `REV` (default: the oldest recorded commit in the window)"},
			&cli.StringFlag{Name: "threshold", Aliases: []string{"t"}, Usage: "drift threshold `VALUE` like 5%"},
			&cli.BoolFlag{Name: "fail", Usage: "exit 1 when a metric drifted beyond the threshold in its bad direction"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "`FORMAT`: text or json"},
		},
		Action: func(c *cli.Context) error {
			return e.drift(driftOptions{Args: c.Args().Slice(), N: ifSet(c.IsSet("n"), c.Int("n")), Metrics: c.StringSlice("metric"),
				Against: c.String("against"), Threshold: c.String("threshold"), Fail: c.Bool("fail"), Format: c.String("format")})
		},
	}
}

// driftOptions are drift's flags and arguments.
type driftOptions struct {
	Args      []string // [REV]
	N         *int     // -n (nil: flameiq.yaml drift.window, else 50)
	Metrics   []string
	Against   string // --against REV ("": the oldest recorded commit)
	Threshold string // --threshold ("": flameiq.yaml drift.threshold, else 5%)
	Fail      bool
	Format    string
}

// drift reports change points and creep (see cmdDrift).
func (e *env) drift(o driftOptions) error {
	e.cacheReads = true // a history walk: keep what it inflates for the next one
	if err := checkFormat(o.Format, "text", "json"); err != nil {
		return err
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	n := 50
	if cfg.DriftWindow > 0 {
		n = cfg.DriftWindow
	}
	if o.N != nil {
		n = *o.N
	}
	threshold := 5.0
	if cfg.DriftThreshold != nil {
		threshold = *cfg.DriftThreshold
	}
	if o.Threshold != "" {
		threshold, err = parseThresholdFlag("--threshold", o.Threshold)
		if err != nil {
			return err
		}
	}
	st, h, rev, err := e.openRev(o.Args)
	if err != nil {
		return err
	}
	hist, err := e.loadHistory(st, h, n)
	if err != nil {
		return err
	}
	if len(hist) < 2 {
		return usagef("needs at least 2 recorded commits in the last %d first-parent commits of %s, found %d", n, rev, len(hist))
	}
	against := 0
	if o.Against != "" {
		ah, err := resolve(st.repo, o.Against)
		if err != nil {
			return err
		}
		against = slices.IndexFunc(hist, func(r recorded) bool { return r.Commit.Hash == ah })
		if against < 0 {
			return usagef("--against %s (%s) is not a recorded commit within the last %d first-parent commits of %s; raise -n or record it", o.Against, short(ah), n, rev)
		}
	}
	d, regressed, err := review.Drift(hist, review.DriftOptions{Metrics: o.Metrics, Against: against, Threshold: threshold, Rules: cfg.Rules, Warn: e.warn})
	if err != nil {
		return err
	}
	if o.Format == "json" {
		err = report.DriftJSON(e.stdout, d)
	} else {
		err = report.DriftText(e.stdout, d)
	}
	if err != nil {
		return err
	}
	if regressed && o.Fail {
		return errRegression
	}
	return nil
}
