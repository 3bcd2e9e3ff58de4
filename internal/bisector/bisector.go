// Package bisector runs `git flameiq bisect` over the commits of a
// repository: it lists the first-parent path from GOOD to BAD, drives the
// search of package bisect over it, judges each probed commit by comparing
// its snapshot with GOOD's on the chosen metrics (compare, the rules of
// diff), measures a commit that has no snapshot when asked to (--run: in a
// temporary worktree of that commit, internal/measure, the result recorded
// through the caller), and returns the report data (report.Bisect) with the
// largest single step between probes. It knows no flags and prints only the
// "measuring" progress line; commands renders the report and turns the
// search's end into an exit code.
package bisector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"

	"github.com/flameiq/git-flameiq/bisect"
	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/internal/abrun"
	"github.com/flameiq/git-flameiq/internal/measure"
	"github.com/flameiq/git-flameiq/internal/selection"
	"github.com/flameiq/git-flameiq/internal/store"
	"github.com/flameiq/git-flameiq/report"
	"github.com/flameiq/git-flameiq/snapshot"
)

// Options say how commits are judged and measured.
type Options struct {
	// Metrics are the metrics judged (at least one glob).
	Metrics selection.Globs
	// Compare holds the thresholds and statistics, as for diff.
	Compare compare.Options
	// Run, when set, measures a commit that has no snapshot: its Dir is
	// replaced by a temporary worktree of the commit. A command that
	// fails skips the commit. Without Run such commits are skipped.
	Run *measure.Run
	// SideBySide, with Run, measures each probe beside GOOD on this
	// machine (internal/abrun: interleaved rounds, Rounds of them, 0 for
	// abrun's default) and judges it against that fresh GOOD rather than
	// GOOD's snapshot: a machine whose speed drifts during the search
	// cannot fake a step.
	SideBySide bool
	Rounds     int
	// Record stores a measured snapshot on its commit (needed with Run).
	Record func(h gitstore.Hash, snap *snapshot.Snapshot) error
	// Progress gets a line per measured commit (nil: none).
	Progress io.Writer
	// Warn gets the warnings of the notes read.
	Warn func([]string)
}

// Bisector searches the first-parent path from GOOD to BAD.
type Bisector struct {
	st       *store.Store
	o        Options
	good     gitstore.Hash
	path     []*gitstore.Commit
	goodSnap *snapshot.Snapshot
	probes   map[int]*probe
}

type probe struct {
	verdict  bisect.Verdict
	result   *compare.Result
	measured bool
	why      string
}

// New lists the first-parent commits after good up to bad (good must be on
// bad's first-parent chain).
func New(st *store.Store, good, bad gitstore.Hash, o Options) (*Bisector, error) {
	if o.Warn == nil {
		o.Warn = func([]string) {}
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	path, err := Path(st.Repo, good, bad)
	if err != nil {
		return nil, err
	}
	return &Bisector{st: st, o: o, good: good, path: path, probes: map[int]*probe{}}, nil
}

// Path lists the first-parent commits after good up to bad, oldest first;
// good must be on bad's first-parent chain.
func Path(r *gitstore.Repo, good, bad gitstore.Hash) ([]*gitstore.Commit, error) {
	if good == bad {
		return nil, errors.New("GOOD and BAD are the same commit")
	}
	var path []*gitstore.Commit
	h := bad
	for {
		c, err := r.Commit(h)
		if err != nil {
			return nil, fmt.Errorf("GOOD %s is not a first-parent ancestor of BAD %s (%v)", store.Short(good), store.Short(bad), err)
		}
		path = append(path, c)
		if len(c.Parents) == 0 {
			return nil, fmt.Errorf("GOOD %s is not a first-parent ancestor of BAD %s", store.Short(good), store.Short(bad))
		}
		h = c.Parents[0]
		if h == good {
			break
		}
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path, nil
}

// LoadGood reads GOOD's snapshot, every probe's reference, measuring GOOD
// first when it has none and Options.Run is set. It reports false when
// GOOD has no snapshot and cannot be measured. The metric globs must
// match GOOD's metrics (a *selection.NoMatchError otherwise).
func (b *Bisector) LoadGood(ctx context.Context) (bool, error) {
	snap, err := b.snapshot(b.good)
	if err != nil {
		return false, err
	}
	if snap == nil && b.o.Run != nil {
		gc, err := b.st.Repo.Commit(b.good)
		if err != nil {
			return false, fmt.Errorf("reading GOOD %s: %v", store.Short(b.good), err)
		}
		if snap, err = b.measure(ctx, gc); err != nil {
			return false, fmt.Errorf("measuring GOOD %s: %w", store.Short(b.good), err)
		}
	}
	if snap == nil {
		return false, nil
	}
	if err := b.o.Metrics.Check(snap); err != nil {
		return false, err
	}
	b.goodSnap = snap
	return true, nil
}

// Result is the end of a search.
type Result struct {
	// Report is what was probed and found, for the renderers.
	Report *report.Bisect
	// Err is bisect.Find's: nil when the first bad commit was found,
	// bisect.ErrNotFound, bisect.ErrOnlySkipped, or the error that
	// stopped a probe (an interrupt, a store error).
	Err error
	// Candidates are the commits that may be the first bad one when only
	// skipped commits are left (bisect.ErrOnlySkipped), oldest first.
	Candidates []gitstore.Hash
}

// Find runs the search (after LoadGood).
func (b *Bisector) Find(ctx context.Context) Result {
	out, ferr := bisect.Find(len(b.path), func(i int) (bisect.Verdict, error) { return b.probe(ctx, i) })
	rep := &report.Bisect{Good: b.good.String(), Bad: b.path[len(b.path)-1].Hash.String(), Commits: len(b.path), Metrics: b.o.Metrics,
		Units: map[string]string{}, Step: b.largestStep(), Err: ferr}
	for _, m := range b.goodSnap.Metrics {
		rep.Units[m.Key] = m.Unit
	}
	for _, p := range out.Probes {
		cm := b.path[p.Index]
		pr := b.probes[p.Index]
		bp := report.BisectProbe{Commit: cm.Hash.String(), Subject: cm.Subject(), Verdict: p.Verdict.String(), Reason: pr.why, Measured: pr.measured, Result: pr.result}
		if pr.result != nil {
			bp.Values, bp.Deltas = map[string]float64{}, map[string]float64{}
			for _, d := range pr.result.Diffs {
				if !math.IsNaN(d.Head) {
					bp.Values[d.Key] = d.Head
				}
				if !math.IsNaN(d.ChangePercent) {
					bp.Deltas[d.Key] = d.ChangePercent
				}
			}
		}
		rep.Probes = append(rep.Probes, bp)
	}
	if ferr == nil && out.FirstBad >= 0 {
		firstBad := b.path[out.FirstBad]
		rep.FirstBad, rep.FirstBadSubject = firstBad.Hash.String(), firstBad.Subject()
	}
	res := Result{Report: rep, Err: ferr}
	if errors.Is(ferr, bisect.ErrOnlySkipped) {
		for _, i := range out.Candidates {
			res.Candidates = append(res.Candidates, b.path[i].Hash)
		}
	}
	return res
}

// snapshot is the snapshot of h, nil when it has none.
func (b *Bisector) snapshot(h gitstore.Hash) (*snapshot.Snapshot, error) {
	snap, ok, warns, err := b.st.Snapshot(h)
	b.o.Warn(warns)
	if err != nil || !ok {
		return nil, err
	}
	return snap, nil
}

// probe judges path[i]: its snapshot (measured with Run when missing)
// against GOOD's.
func (b *Bisector) probe(ctx context.Context, i int) (bisect.Verdict, error) {
	cm := b.path[i]
	pr := &probe{}
	b.probes[i] = pr
	snap, err := b.snapshot(cm.Hash)
	if err != nil {
		var de *store.DataError
		if errors.As(err, &de) {
			pr.why = "unreadable note"
			return bisect.Skip, nil
		}
		return bisect.Skip, err
	}
	base := b.goodSnap
	if snap == nil && b.o.Run != nil && b.o.SideBySide {
		base, snap, err = b.measureBeside(ctx, cm)
		if err != nil {
			var ce *measure.CommandError
			var se *abrun.SideError
			if errors.As(err, &ce) && errors.As(err, &se) && se.Side == "probe" {
				pr.why = err.Error()
				return bisect.Skip, nil
			}
			return bisect.Skip, fmt.Errorf("%s %s: %w", store.Short(cm.Hash), clipText(cm.Subject(), 50), err)
		}
		pr.measured = true
	}
	if snap == nil && b.o.Run != nil {
		snap, err = b.measure(ctx, cm)
		if err != nil {
			var ce *measure.CommandError
			if errors.As(err, &ce) {
				pr.why = ce.Error()
				return bisect.Skip, nil
			}
			return bisect.Skip, fmt.Errorf("%s %s: %w", store.Short(cm.Hash), clipText(cm.Subject(), 50), err)
		}
		pr.measured = true
	}
	if snap == nil {
		pr.why = "no snapshot"
		return bisect.Skip, nil
	}
	base = base.Filter(b.o.Metrics.Match)
	head := snap.Filter(b.o.Metrics.Match)
	if len(head.Metrics) == 0 {
		pr.why = "metric not recorded"
		return bisect.Skip, nil
	}
	res, err := compare.Compare(base, head, b.o.Compare)
	if err != nil {
		return bisect.Skip, err
	}
	pr.result = res
	if res.Status == compare.Regression {
		pr.verdict = bisect.Bad
		return bisect.Bad, nil
	}
	pr.verdict = bisect.Good
	return bisect.Good, nil
}

// measure runs Options.Run in a temporary worktree of cm and records the
// result on cm.
func (b *Bisector) measure(ctx context.Context, cm *gitstore.Commit) (*snapshot.Snapshot, error) {
	wt, cleanup, err := b.st.Repo.AddWorktree(ctx, cm.Hash)
	if err != nil {
		return nil, fmt.Errorf("creating a worktree for %s: %v", store.Short(cm.Hash), err)
	}
	defer cleanup()
	fmt.Fprintf(b.o.Progress, "git-flameiq: measuring %s %s %s\n", store.Short(cm.Hash), cm.Subject(), b.stepText())
	run := *b.o.Run
	run.Dir = wt
	run.PgidFile = filepath.Join(filepath.Dir(wt), gitstore.PgidFile)
	snap, _, err := run.Do(ctx)
	if err != nil {
		return nil, err
	}
	snap.Meta.Commit = cm.Hash.String()
	if err := b.o.Record(cm.Hash, snap); err != nil {
		return nil, err
	}
	return snap, nil
}

// measureBeside measures cm beside GOOD in interleaved rounds (Options.
// SideBySide) and records cm's side, tagged mode=ab; it returns the GOOD
// and cm measurements.
func (b *Bisector) measureBeside(ctx context.Context, cm *gitstore.Commit) (good, snap *snapshot.Snapshot, err error) {
	fmt.Fprintf(b.o.Progress, "git-flameiq: measuring %s %s beside GOOD %s\n", store.Short(cm.Hash), cm.Subject(), b.stepText())
	res, err := abrun.Measure(ctx, b.st.Repo, []abrun.Side{{Name: "good", Commit: b.good}, {Name: "probe", Commit: cm.Hash}},
		abrun.Options{Run: *b.o.Run, Rounds: b.o.Rounds, Warmup: b.o.Run.Warmup, Progress: b.o.Progress})
	if err != nil {
		return nil, nil, err
	}
	snap = res.Snapshots[1]
	snap.Meta.Commit = cm.Hash.String()
	snap.Meta.SetTag("mode", "ab") // as diff --run tags its records
	if err := b.o.Record(cm.Hash, snap); err != nil {
		return nil, nil, err
	}
	return res.Snapshots[0], snap, nil
}

// largestStep finds the biggest single step in the bad direction of any
// judged metric between consecutive probed commits (GOOD first, in path
// order). Probes are cheap to revisit: no note is read again.
// stepText says where the search stands before a measurement: "[step 2
// of ~4, 9 commits left]". The first bad commit lies after the newest
// probe found good and at or before the oldest found bad (BAD itself).
func (b *Bisector) stepText() string {
	maxGood, minBad := -1, len(b.path)-1
	for i, pr := range b.probes {
		switch pr.verdict {
		case bisect.Good:
			maxGood = max(maxGood, i)
		case bisect.Bad:
			minBad = min(minBad, i)
		}
	}
	left := max(minBad-maxGood, 1)
	steps := len(b.probes) + int(math.Ceil(math.Log2(float64(left))))
	return fmt.Sprintf("[step %d of ~%d, %d commits left]", len(b.probes), max(steps, len(b.probes)), left)
}

func (b *Bisector) largestStep() *report.BisectStep {
	idx := b.probedInOrder()
	var best *report.BisectStep
	for _, m := range b.goodSnap.Metrics {
		if !b.o.Metrics.Match(m.Key) {
			continue
		}
		values := []float64{m.Value()}
		commits := []string{""}
		for _, i := range idx {
			v := math.NaN()
			for _, d := range b.probes[i].result.Diffs {
				if d.Key == m.Key {
					v = d.Head
				}
			}
			values = append(values, v)
			commits = append(commits, b.path[i].Hash.String())
		}
		st, ok := bisect.LargestStep(values, m.Direction)
		if !ok || math.IsNaN(st.ChangePercent) {
			continue
		}
		if best == nil || math.Abs(st.ChangePercent) > math.Abs(best.ChangePercent) {
			best = &report.BisectStep{Metric: m.Key, Commit: commits[st.To], Before: st.Before, After: st.After, ChangePercent: st.ChangePercent}
		}
	}
	return best
}

// probedInOrder lists the path indexes of the probes that were judged, in
// path order.
func (b *Bisector) probedInOrder() []int {
	var idx []int
	for i, pr := range b.probes {
		if pr.result != nil {
			idx = append(idx, i)
		}
	}
	sort.Ints(idx)
	return idx
}

// clipText cuts s to n runes, ending with "…" when it was longer.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
