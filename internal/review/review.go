// Package review looks back over recorded history and says what changed.
// Window is the weekly performance review of a branch: each metric's value
// at the start of a window compared with its end by the rules of diff
// (compare), what got slower and faster, the regressions accepted in the
// window (Perf-Accepted trailers), budget headroom at its end and the
// change points inside it. Drift is the change points and the creep of
// each metric over the last recorded commits. Input is the first-parent
// history from internal/store plus the comparison options; output is report
// data (report.Review, report.Drift) that report renders. It knows no flags
// and writes nothing: warnings go to the caller.
package review

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/drift"
	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/glob"
	"github.com/flameiq/git-flameiq/internal/selection"
	"github.com/flameiq/git-flameiq/internal/store"
	"github.com/flameiq/git-flameiq/report"
	"github.com/flameiq/git-flameiq/snapshot"
)

// WindowOptions say which history to review.
type WindowOptions struct {
	Branch       string        // the branch reviewed, as named in the report
	Tip          gitstore.Hash // its tip
	Since, Until time.Time     // the window (committer dates)
	MaxWalk      int           // first-parent commits walked from Tip at most
	Metrics      selection.Globs
	Compare      compare.Options
	Warn         func([]string) // the warnings of the notes read
}

// Result is the review plus the history it was computed from, oldest
// first (the HTML dashboard charts it).
type Result struct {
	report.Review
	History []store.Recorded
}

// Window reviews the first-parent history of o.Branch between o.Since and
// o.Until: the end is the newest recorded commit in the window, the start
// the newest recorded one before it (or, when the history starts inside
// the window, its oldest recorded commit). Four weeks before the window
// ErrNothingRecorded: no commit in the window has a snapshot (a quiet
// week). The caller decides whether that is an error (it is not for a
// scheduled review).
var ErrNothingRecorded = errors.New("no recorded commit")

// are read too, for the sparklines.
func Window(st *store.Store, o WindowOptions) (*Result, error) {
	warn := o.Warn
	if warn == nil {
		warn = func([]string) {}
	}
	commits, err := st.Repo.FirstParent(o.Tip, o.MaxWalk)
	if err != nil && len(commits) == 0 {
		return nil, fmt.Errorf("reading history of %s: %v", o.Branch, err)
	}
	since, until := o.Since, o.Until
	rep := &Result{Review: report.Review{Since: since, Until: until, Branch: o.Branch, Slower: []report.ReviewChange{}, Faster: []report.ReviewChange{},
		Accepted: []report.ReviewAccepted{}, Budgets: []report.ReviewBudget{}, Drift: []report.ReviewDrift{}}}
	// Newest first: find the end (newest recorded in the window) and the
	// start (newest recorded before it); keep four weeks before for sparklines.
	var start, end *store.Recorded
	var hist []store.Recorded
	lookback := since.Add(-28 * 24 * time.Hour)
	for _, cm := range commits {
		when := cm.Committer.When
		if when.Before(lookback) && start != nil {
			break
		}
		snap, ok, warns, err := st.Snapshot(cm.Hash)
		warn(warns)
		if err != nil {
			warn([]string{err.Error()})
			continue
		}
		if !ok {
			continue
		}
		r := store.Recorded{Commit: cm, Snap: snap}
		if when.After(until) {
			continue // after the window: not part of this review
		}
		hist = append(hist, r)
		switch {
		case !when.Before(since):
			if end == nil {
				rr := r
				end = &rr
			}
		case start == nil:
			rr := r
			start = &rr
		}
	}
	for i, j := 0, len(hist)-1; i < j; i, j = i+1, j-1 {
		hist[i], hist[j] = hist[j], hist[i]
	}
	if start == nil && end != nil && len(hist) > 1 {
		// Nothing recorded before the window (a history that starts in
		// it): review from its oldest recorded commit instead.
		rr := hist[0]
		start = &rr
		rep.FromInWindow = true
	}
	rep.History = hist
	if end == nil {
		return nil, fmt.Errorf("%w on %s between %s and %s; record benchmarks on the base branch (git flameiq record) or widen --since",
			ErrNothingRecorded, o.Branch, since.Format("2006-01-02 15:04"), until.Format("2006-01-02 15:04"))
	}
	rep.ToCommit = end.Commit.Hash.String()
	globs := o.Metrics
	if len(globs) > 0 {
		if err := globs.Check(end.Snap); err != nil {
			return nil, err
		}
	}
	endSnap := end.Snap.Filter(globs.Match)
	s, _ := selection.Series(hist, globs)
	if start != nil {
		rep.FromCommit = start.Commit.Hash.String()
		startSnap := start.Snap.Filter(globs.Match)
		fwd, err := compare.Compare(startSnap, endSnap, o.Compare)
		if err != nil {
			return nil, err
		}
		back, err := compare.Compare(endSnap, startSnap, o.Compare)
		if err != nil {
			return nil, err
		}
		improved := map[string]bool{}
		for _, d := range back.Diffs {
			if d.Status == compare.Regression {
				improved[d.Key] = true
			}
		}
		for _, d := range fwd.Diffs {
			if d.Status == compare.New || d.Status == compare.Missing || d.Status == compare.Skipped {
				continue
			}
			ch := report.ReviewChange{Metric: d.Key, Unit: d.Unit, Before: d.Base, After: d.Head, DeltaPct: report.NullFloat(d.ChangePercent), Sparkline: report.Sparkline(s.Values(d.Key))}
			if d.Statistical && !math.IsNaN(d.PTwoSided) {
				p := d.PTwoSided // benchstat's p: meaningful for speed-ups too
				ch.P = &p
			}
			switch {
			case d.Crossed:
				rep.Slower = append(rep.Slower, ch)
			case improved[d.Key]:
				rep.Faster = append(rep.Faster, ch)
			default:
				rep.Unchanged++
			}
		}
		rc, err := st.Repo.Range(start.Commit.Hash, end.Commit.Hash, 5000)
		if err != nil {
			return nil, fmt.Errorf("reading commits: %v", err)
		}
		for _, cm := range rc {
			for _, a := range store.ParseAcceptances(cm.Message, "commit "+store.Short(cm.Hash)) {
				if a.Reason == "" || !acceptsAny(a.Glob, endSnap) {
					continue // not an opt-out, or about metrics outside --metric
				}
				rep.Accepted = append(rep.Accepted, report.ReviewAccepted{Commit: cm.Hash.String(), Subject: cm.Subject(), Glob: a.Glob, Reason: a.Reason})
			}
		}
		// Drift: change points inside the window.
		for _, k := range s.Keys() {
			values := s.Values(k)
			cps, err := drift.Detect(values, drift.DefaultOptions())
			if err != nil {
				continue
			}
			for _, cp := range cps {
				when := hist[cp.Index].Commit.Committer.When
				if when.Before(since) || when.After(until) {
					continue
				}
				rep.Drift = append(rep.Drift, report.ReviewDrift{Metric: k, Commit: hist[cp.Index].Commit.Hash.String(), ChangePercent: report.NullFloat(cp.ChangePercent)})
			}
		}
	}
	for _, m := range end.Snap.Metrics {
		if !globs.Match(m.Key) {
			continue
		}
		rep.Budgets = append(rep.Budgets, budgetsFor(o.Compare.Rules, m)...)
	}
	for _, h := range hist {
		if when := h.Commit.Committer.When; !when.Before(since) && !when.After(until) {
			rep.Recorded++ // the window's own commits (sparklines reach further back)
		}
	}
	return rep, nil
}

// budgetsFor lists the budget headroom of m under the most specific rule
// with a budget.
func budgetsFor(rules []compare.Rule, m *snapshot.Metric) []report.ReviewBudget {
	b := compare.Resolve(rules, m.Key).Budget
	if b == nil {
		return nil
	}
	v := m.Value()
	var out []report.ReviewBudget
	max, min := b.Max, b.Min
	if b.Bare && m.Direction == snapshot.HigherIsBetter {
		max, min = nil, b.Max
	}
	if max != nil {
		out = append(out, report.ReviewBudget{Metric: m.Key, Unit: m.Unit, Value: v, Limit: *max, Kind: "max", HeadroomPct: report.NullFloat((*max - v) / math.Abs(*max) * 100), Breached: v > *max})
	}
	if min != nil {
		out = append(out, report.ReviewBudget{Metric: m.Key, Unit: m.Unit, Value: v, Limit: *min, Kind: "min", HeadroomPct: report.NullFloat((v - *min) / math.Abs(*min) * 100), Breached: v < *min})
	}
	return out
}

// acceptsAny reports whether an opt-out glob names a metric of s.
func acceptsAny(g string, s *snapshot.Snapshot) bool {
	for _, m := range s.Metrics {
		if glob.Match(g, m.Key) {
			return true
		}
	}
	return false
}
