package commands

import (
	"errors"
	"fmt"
	"math"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/drift"
	"github.com/flameiq/git-flameiq/report"
	"github.com/flameiq/git-flameiq/snapshot"
)

func init() { commandList = append(commandList, cmdDrift) }

// sparkline draws a metric's history for the drift and review reports.
func sparkline(values []float64) string { return report.Sparkline(values) }

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
			&cli.IntFlag{Name: "n", Aliases: []string{"max-count"}, Usage: "walk `N` first-parent commits (default: flameiq.yaml drift.window, else 50)"},
			&cli.StringSliceFlag{Name: "metric", Usage: "only metrics matching `GLOB` (repeatable)"},
			&cli.StringFlag{Name: "against", Usage: "creep reference `REV` (default: the oldest recorded commit in the window)"},
			&cli.StringFlag{Name: "threshold", Aliases: []string{"t"}, Usage: "drift threshold `VALUE` like 5%"},
			&cli.BoolFlag{Name: "fail", Usage: "exit 1 when a metric drifted beyond the threshold in its bad direction"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "`FORMAT`: text or json"},
		},
		Action: func(c *cli.Context) error {
			e.cacheReads = true // a history walk: keep what it inflates for the next one
			if err := checkFormat(c.String("format"), "text", "json"); err != nil {
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
			if c.IsSet("n") {
				n = c.Int("n")
			}
			threshold := 5.0
			if cfg.DriftThreshold != nil {
				threshold = *cfg.DriftThreshold
			}
			if t := c.String("threshold"); t != "" {
				threshold, err = parseThresholdFlag("--threshold", t)
				if err != nil {
					return err
				}
			}
			st, h, rev, err := e.openRev(c)
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
			if a := c.String("against"); a != "" {
				ah, err := resolve(st.repo, a)
				if err != nil {
					return err
				}
				against = -1
				for i, r := range hist {
					if r.Commit.Hash == ah {
						against = i
					}
				}
				if against < 0 {
					return usagef("--against %s (%s) is not a recorded commit within the last %d first-parent commits of %s; raise -n or record it", a, short(ah), n, rev)
				}
			}
			globs := c.StringSlice("metric")
			s, err := series(hist, globs)
			if err != nil {
				return err
			}
			dirs := directions(hist)
			applyDirections(cfg.Rules, dirs)
			var out []report.DriftMetric
			failed := false
			for _, k := range s.Keys() {
				values := s.Values(k)
				dir := dirs[k].Direction
				dm := report.DriftMetric{Metric: k, Unit: dirs[k].Unit, Direction: dir.String(), Sparkline: sparkline(values)}
				for _, v := range values {
					if !math.IsNaN(v) {
						dm.Points++
					}
				}
				cps, err := drift.Detect(values, drift.DefaultOptions())
				if err != nil {
					return usagef("drift %s: %v", k, err)
				}
				for _, cp := range cps {
					cm := hist[cp.Index].Commit
					dc := report.DriftChange{Commit: cm.Hash.String(), Subject: cm.Subject(), MeanBefore: cp.MeanBefore, MeanAfter: cp.MeanAfter,
						ChangePercent: report.NullFloat(cp.ChangePercent), P: cp.P, Regression: cp.IsRegression(dir, threshold), ZeroBase: cp.ZeroBase}
					failed = failed || dc.Regression
					dm.ChangePoints = append(dm.ChangePoints, dc)
				}
				cr, err := drift.Creep(values, against, threshold, dir)
				if err == nil {
					dm.Creep = &report.DriftCreep{From: hist[cr.RefIndex].Commit.Hash.String(), To: hist[cr.LastIndex].Commit.Hash.String(),
						Before: cr.Ref, After: cr.Last, ChangePercent: report.NullFloat(cr.ChangePercent), Threshold: threshold, Regression: cr.Regressed, ZeroBase: cr.ZeroBase}
					failed = failed || cr.Regressed
				} else if !errors.Is(err, drift.ErrNoReference) {
					e.warn([]string{fmt.Sprintf("%s: %v", k, err)})
				}
				out = append(out, dm)
			}
			d := &report.Drift{Commits: len(hist), Threshold: threshold, Metrics: out}
			if c.String("format") == "json" {
				err = report.DriftJSON(e.stdout, d)
			} else {
				err = report.DriftText(e.stdout, d)
			}
			if err != nil {
				return err
			}
			if failed && c.Bool("fail") {
				return errRegression
			}
			return nil
		},
	}
}

// applyDirections applies flameiq.yaml direction overrides (compare.Resolve).
func applyDirections(rules []compare.Rule, dirs map[string]snapshot.Metric) {
	for k, m := range dirs {
		if d := compare.Resolve(rules, k).Direction; d != nil {
			m.Direction = *d
			dirs[k] = m
		}
	}
}
