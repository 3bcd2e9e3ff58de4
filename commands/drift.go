package commands

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/drift"
	"github.com/flameiq/git-flameiq/snapshot"
)

func init() { commandList = append(commandList, cmdDrift) }

type driftChange struct {
	Commit        string    `json:"commit"`
	Subject       string    `json:"subject"`
	MeanBefore    float64   `json:"mean_before"`
	MeanAfter     float64   `json:"mean_after"`
	ChangePercent jsonFloat `json:"change_percent"`
	P             float64   `json:"p_value"`
	Regression    bool      `json:"is_regression"`
	ZeroBase      bool      `json:"zero_base,omitempty"`
}

type driftCreep struct {
	From          string    `json:"from_commit"`
	To            string    `json:"to_commit"`
	Before        float64   `json:"before"`
	After         float64   `json:"after"`
	ChangePercent jsonFloat `json:"change_percent"`
	Threshold     float64   `json:"threshold_percent"`
	Regression    bool      `json:"is_regression"`
	ZeroBase      bool      `json:"zero_base,omitempty"`
}

// jsonFloat is a float64 whose NaN (a change from zero) is null in JSON.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(f))
}

// changeText is a drift change as text: "+12.34%", or "new cost" from zero.
func changeText(pct float64, zero bool) string {
	if zero {
		return "new cost"
	}
	return fmt.Sprintf("%+.2f%%", pct)
}

type driftMetric struct {
	Metric       string        `json:"metric"`
	Unit         string        `json:"unit,omitempty"`
	Direction    string        `json:"direction"`
	Points       int           `json:"points"`
	Sparkline    string        `json:"sparkline"`
	ChangePoints []driftChange `json:"change_points"`
	Creep        *driftCreep   `json:"creep,omitempty"`
}

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
			var out []driftMetric
			failed := false
			for _, k := range s.Keys() {
				values := s.Values(k)
				dir := dirs[k].Direction
				dm := driftMetric{Metric: k, Unit: dirs[k].Unit, Direction: dir.String(), Sparkline: sparkline(values)}
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
					dc := driftChange{Commit: cm.Hash.String(), Subject: cm.Subject(), MeanBefore: cp.MeanBefore, MeanAfter: cp.MeanAfter,
						ChangePercent: jsonFloat(cp.ChangePercent), P: cp.P, Regression: cp.IsRegression(dir, threshold), ZeroBase: cp.ZeroBase}
					failed = failed || dc.Regression
					dm.ChangePoints = append(dm.ChangePoints, dc)
				}
				cr, err := drift.Creep(values, against, threshold, dir)
				if err == nil {
					dm.Creep = &driftCreep{From: hist[cr.RefIndex].Commit.Hash.String(), To: hist[cr.LastIndex].Commit.Hash.String(),
						Before: cr.Ref, After: cr.Last, ChangePercent: jsonFloat(cr.ChangePercent), Threshold: threshold, Regression: cr.Regressed, ZeroBase: cr.ZeroBase}
					failed = failed || cr.Regressed
				} else if !errors.Is(err, drift.ErrNoReference) {
					e.warn([]string{fmt.Sprintf("%s: %v", k, err)})
				}
				out = append(out, dm)
			}
			if c.String("format") == "json" {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(map[string]any{"commits": len(hist), "threshold_percent": threshold, "metrics": out}); err != nil {
					return err
				}
			} else {
				writeDrift(e, out, len(hist), threshold)
			}
			if failed && c.Bool("fail") {
				return errRegression
			}
			return nil
		},
	}
}

func writeDrift(e *env, ms []driftMetric, commits int, threshold float64) {
	w := e.stdout
	fmt.Fprintf(w, "%d recorded commits, drift threshold %g%%\n\n", commits, threshold)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\thistory\tcreep\tchange points")
	for _, m := range ms {
		creep := "-"
		if m.Creep != nil {
			creep = fmt.Sprintf("%s since %s", changeText(float64(m.Creep.ChangePercent), m.Creep.ZeroBase), m.Creep.From[:7])
			if m.Creep.Regression {
				creep += " DRIFT"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", m.Metric, m.Sparkline, creep, len(m.ChangePoints))
	}
	tw.Flush()
	for _, m := range ms {
		for _, cp := range m.ChangePoints {
			mark := ""
			if cp.Regression {
				mark = "  REGRESSION"
			}
			fmt.Fprintf(w, "\nchange point in %s at %s %s\n  mean %s → %s (%s, %s)%s\n", m.Metric, cp.Commit[:7], clipText(cp.Subject, 60),
				unitValue(cp.MeanBefore, m.Unit), unitValue(cp.MeanAfter, m.Unit), changeText(float64(cp.ChangePercent), cp.ZeroBase), pText(cp.P), mark)
		}
	}
}

// pText prints a p-value, below 0.0001 as that bound: a clean step's
// t-test tail underflows to 0, and "p=0" would claim a certainty no test
// gives.
func pText(p float64) string {
	if p < 1e-4 {
		return "p<0.0001"
	}
	return fmt.Sprintf("p=%.3g", p)
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
