package bisector

import (
	"context"
	"math"

	"github.com/flameiq/git-flameiq/bisect"
	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/internal/abrun"
	"github.com/flameiq/git-flameiq/report"
	"github.com/flameiq/git-flameiq/snapshot"
)

// Confirm re-measures the first bad commit's first parent and the commit
// itself side by side (internal/abrun: worktrees, interleaved rounds; 0
// rounds picks abrun's default) and judges the pair by the rules of the
// search, so that a culprit found from notes measured at different times
// on different machines is shown to reproduce, or not. It needs
// Options.Run and a first bad commit in res; it records nothing. The
// confirmation also says how much of GOOD → BAD's change the step explains
// and, when that is less than half, the largest other steps between probes.
func (b *Bisector) Confirm(ctx context.Context, res *Result, rounds int) error {
	rep := res.Report
	if b.o.Run == nil || rep.FirstBad == "" {
		return nil
	}
	at := -1
	for i, c := range b.path {
		if c.Hash.String() == rep.FirstBad {
			at = i
		}
	}
	if at < 0 {
		return nil
	}
	culprit := b.path[at]
	parent := b.good
	if at > 0 {
		parent = b.path[at-1].Hash
	}
	run := *b.o.Run
	run.Stderr = b.o.Run.Stderr
	m, err := abrun.Measure(ctx, b.st.Repo, []abrun.Side{{Name: "parent", Commit: parent}, {Name: "culprit", Commit: culprit.Hash}},
		abrun.Options{Run: run, Rounds: rounds, Warmup: run.Warmup, Progress: b.o.Progress})
	if err != nil {
		return err
	}
	before := m.Snapshots[0].Filter(b.o.Metrics.Match)
	after := m.Snapshots[1].Filter(b.o.Metrics.Match)
	cmp, err := compare.Compare(before, after, b.o.Compare)
	if err != nil {
		return err
	}
	d, ok := decisive(cmp)
	if !ok {
		rep.Confirmation = &report.BisectConfirmation{Before: parent.String(), After: culprit.Hash.String(), Rounds: m.Rounds,
			ChangePercent: math.NaN(), P: math.NaN(), Share: math.NaN(), Total: math.NaN(), Reason: "the judged metrics are not in both measurements"}
		return nil
	}
	c := &report.BisectConfirmation{Before: parent.String(), After: culprit.Hash.String(), Rounds: m.Rounds, Metric: d.Key,
		ChangePercent: d.ChangePercent, P: d.P, NBefore: d.BaseN, NAfter: d.HeadN, Confirmed: d.Status == compare.Regression,
		Share: math.NaN(), Total: math.NaN()}
	if c.Confirmed {
		b.explain(c, d) // a step that did not reproduce explains nothing
	} else {
		alpha := b.o.Compare.Alpha
		if alpha == 0 {
			alpha = 0.05
		}
		c.Threshold = d.ThresholdPercent
		worse := d.ChangePercent != 0
		switch d.Direction {
		case snapshot.LowerIsBetter:
			worse = d.ChangePercent > 0
		case snapshot.HigherIsBetter:
			worse = d.ChangePercent < 0
		}
		c.Smaller = d.P < alpha && worse
	}
	rep.Confirmation = c
	return nil
}

// decisive is the diff that speaks for the confirmation: a regression if
// there is one (the largest), else the largest move.
func decisive(r *compare.Result) (compare.Diff, bool) {
	var best compare.Diff
	found := false
	better := func(d compare.Diff) bool {
		if !found {
			return true
		}
		dr, br := d.Status == compare.Regression, best.Status == compare.Regression
		if dr != br {
			return dr
		}
		return math.Abs(d.ChangePercent) > math.Abs(best.ChangePercent)
	}
	for _, d := range r.Diffs {
		if math.IsNaN(d.Base) || math.IsNaN(d.Head) || math.IsNaN(d.ChangePercent) {
			continue
		}
		if better(d) {
			best, found = d, true
		}
	}
	return best, found
}

// explain sets the share of GOOD → BAD's change (on d's metric, from GOOD's
// snapshot and BAD's probe) that the confirmed step explains, as a ratio of
// log changes, and, below one half, the largest other steps in the bad
// direction between consecutive probes.
func (b *Bisector) explain(c *report.BisectConfirmation, d compare.Diff) {
	gm := b.goodSnap.Get(d.Key)
	bad := b.probes[len(b.path)-1]
	if gm == nil || bad == nil || bad.result == nil {
		return
	}
	good, last := gm.Value(), math.NaN()
	for _, x := range bad.result.Diffs {
		if x.Key == d.Key {
			last = x.Head
		}
	}
	if !(good > 0) || !(last > 0) || !(d.Base > 0) || !(d.Head > 0) {
		return
	}
	c.Total = (last/good - 1) * 100
	whole := math.Log(last / good)
	if whole == 0 {
		return
	}
	c.Share = math.Log(d.Head/d.Base) / whole
	if c.Share >= 0.5 {
		return
	}
	// The other steps between consecutive probes (GOOD first), largest
	// first.
	values, commits := []float64{good}, []string{b.good.String()}
	for _, i := range b.probedInOrder() {
		v := math.NaN()
		for _, x := range b.probes[i].result.Diffs {
			if x.Key == d.Key {
				v = x.Head
			}
		}
		values, commits = append(values, v), append(commits, b.path[i].Hash.String())
	}
	for _, st := range bisect.Steps(values, gm.Direction) {
		if commits[st.To] == c.After {
			continue
		}
		c.OtherSteps = append(c.OtherSteps, report.BisectStep{Metric: d.Key, Commit: commits[st.To], Before: st.Before, After: st.After, ChangePercent: st.ChangePercent})
		if len(c.OtherSteps) == 3 {
			break
		}
	}
}
