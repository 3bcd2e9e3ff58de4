package review

import (
	"errors"
	"fmt"
	"math"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/drift"
	"github.com/flameiq/git-flameiq/internal/selection"
	"github.com/flameiq/git-flameiq/internal/store"
	"github.com/flameiq/git-flameiq/report"
)

// DriftOptions say what Drift looks for.
type DriftOptions struct {
	Metrics selection.Globs
	// Against is the index in the history of the creep reference (0: the
	// oldest recorded commit).
	Against int
	// Threshold is the drift threshold in percent: a change point or a
	// creep beyond it in the metric's bad direction is a regression.
	Threshold float64
	// Rules are flameiq.yaml's: their direction overrides apply.
	Rules []compare.Rule
	Warn  func([]string)
}

// Drift finds the change points (drift.Detect) and the creep (drift.Creep,
// from hist[o.Against] to the newest value) of each selected metric of
// hist (oldest first). regressed reports whether any of them went beyond
// the threshold in its bad direction.
func Drift(hist []store.Recorded, o DriftOptions) (d *report.Drift, regressed bool, err error) {
	warn := o.Warn
	if warn == nil {
		warn = func([]string) {}
	}
	s, err := selection.Series(hist, o.Metrics)
	if err != nil {
		return nil, false, err
	}
	dirs := selection.Directions(hist)
	for k, m := range dirs {
		if d := compare.Resolve(o.Rules, k).Direction; d != nil {
			m.Direction = *d
			dirs[k] = m
		}
	}
	threshold := o.Threshold
	var out []report.DriftMetric
	for _, k := range s.Keys() {
		values := s.Values(k)
		dir := dirs[k].Direction
		dm := report.DriftMetric{Metric: k, Unit: dirs[k].Unit, Direction: dir.String(), Sparkline: report.Sparkline(values)}
		for _, v := range values {
			if !math.IsNaN(v) {
				dm.Points++
			}
		}
		cps, err := drift.Detect(values, drift.DefaultOptions())
		if err != nil {
			return nil, false, fmt.Errorf("drift %s: %v", k, err)
		}
		for _, cp := range cps {
			cm := hist[cp.Index].Commit
			dc := report.DriftChange{Commit: cm.Hash.String(), Subject: cm.Subject(), MeanBefore: cp.MeanBefore, MeanAfter: cp.MeanAfter,
				ChangePercent: report.NullFloat(cp.ChangePercent), P: cp.P, Regression: cp.IsRegression(dir, threshold), ZeroBase: cp.ZeroBase}
			regressed = regressed || dc.Regression
			dm.ChangePoints = append(dm.ChangePoints, dc)
		}
		cr, err := drift.Creep(values, o.Against, threshold, dir)
		if err == nil {
			dm.Creep = &report.DriftCreep{From: hist[cr.RefIndex].Commit.Hash.String(), To: hist[cr.LastIndex].Commit.Hash.String(),
				Before: cr.Ref, After: cr.Last, ChangePercent: report.NullFloat(cr.ChangePercent), Threshold: threshold, Regression: cr.Regressed, ZeroBase: cr.ZeroBase}
			regressed = regressed || cr.Regressed
		} else if !errors.Is(err, drift.ErrNoReference) {
			warn([]string{fmt.Sprintf("%s: %v", k, err)})
		}
		out = append(out, dm)
	}
	return &report.Drift{Commits: len(hist), Threshold: threshold, Metrics: out}, regressed, nil
}
