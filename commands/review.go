package commands

import (
	"io"
	"math"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/drift"
	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/glob"
	"github.com/flameiq/git-flameiq/report"
	"github.com/flameiq/git-flameiq/snapshot"
)

func init() { commandList = append(commandList, cmdReview) }

// reviewReport is the review plus the history it was computed from (for
// the HTML dashboard's charts).
type reviewReport struct {
	report.Review
	history []recorded
}

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
			e.cacheReads = true // a history walk: keep what it inflates for the next one
			if err := checkFormat(c.String("format"), "text", "json", "markdown", "html"); err != nil {
				return err
			}
			st, err := e.openStore()
			if err != nil {
				return err
			}
			since, err := gitstore.ParseDate(e.ctx, e.workDir(), c.String("since"))
			if err != nil {
				return usagef("--since: %v", err)
			}
			until, err := gitstore.ParseDate(e.ctx, e.workDir(), c.String("until"))
			if err != nil {
				return usagef("--until: %v", err)
			}
			if until.Before(since) {
				return usagef("--until %s is before --since %s", c.String("until"), c.String("since"))
			}
			var branch string
			var tip gitstore.Hash
			if c.NArg() > 1 {
				return usagef("takes at most one REV")
			} else if c.NArg() == 1 {
				branch = c.Args().First()
				if tip, err = resolve(st.repo, branch); err != nil {
					return err
				}
			} else if branch, tip, err = e.baseBranch(c, st); err != nil {
				return err
			}
			opts, err := e.compareOptions(c)
			if err != nil {
				return err
			}
			rep, err := e.review(c, st, opts, branch, tip, since, until)
			if err != nil {
				return err
			}
			return e.writeOutput(c, func(w io.Writer) error {
				var err error
				switch c.String("format") {
				case "json":
					err = rep.JSON(w)
				case "markdown":
					err = rep.Markdown(w)
				case "html":
					err = rep.HTML(w, historySeries(rep.history, nil))
				default:
					err = rep.Text(w)
				}
				return err
			})
		},
	}
}

func (e *env) review(c *cli.Context, st *store, opts compare.Options, branch string, tip gitstore.Hash, since, until time.Time) (*reviewReport, error) {
	commits, err := st.repo.FirstParent(tip, c.Int("max-walk"))
	if err != nil && len(commits) == 0 {
		return nil, usagef("reading history of %s: %v", branch, err)
	}
	rep := &reviewReport{Review: report.Review{Since: since, Until: until, Branch: branch, Slower: []report.ReviewChange{}, Faster: []report.ReviewChange{},
		Accepted: []report.ReviewAccepted{}, Budgets: []report.ReviewBudget{}, Drift: []report.ReviewDrift{}}}
	// Newest first: find the end (newest recorded in the window) and the
	// start (newest recorded before it); keep four weeks before for sparklines.
	var start, end *recorded
	var hist []recorded
	lookback := since.Add(-28 * 24 * time.Hour)
	for _, cm := range commits {
		when := cm.Committer.When
		if when.Before(lookback) && start != nil {
			break
		}
		snap, ok, warns, err := st.snapshot(cm.Hash)
		e.warn(warns)
		if err != nil {
			e.warn([]string{err.Error()})
			continue
		}
		if !ok {
			continue
		}
		r := recorded{Commit: cm, Snap: snap}
		if when.After(until) {
			continue // after the window: not part of this review
		}
		hist = append(hist, r)
		switch {
		case when.After(until):
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
	rep.history = hist
	if end == nil {
		return nil, usagef("no recorded commit on %s between %s and %s; record benchmarks on the base branch (git flameiq record) or widen --since",
			branch, since.Format("2006-01-02 15:04"), until.Format("2006-01-02 15:04"))
	}
	rep.ToCommit = end.Commit.Hash.String()
	globs := c.StringSlice("metric")
	if len(globs) > 0 {
		if err := checkGlobs(globs, end.Snap); err != nil {
			return nil, err
		}
	}
	keep := func(k string) bool { return matchAny(globs, k) }
	endSnap := end.Snap.Filter(keep)
	s, _ := series(hist, globs)
	if start != nil {
		rep.FromCommit = start.Commit.Hash.String()
		startSnap := start.Snap.Filter(keep)
		fwd, err := compare.Compare(startSnap, endSnap, opts)
		if err != nil {
			return nil, usagef("%v", err)
		}
		back, err := compare.Compare(endSnap, startSnap, opts)
		if err != nil {
			return nil, usagef("%v", err)
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
			ch := report.ReviewChange{Metric: d.Key, Unit: d.Unit, Before: d.Base, After: d.Head, DeltaPct: d.ChangePercent, Sparkline: sparkline(s.Values(d.Key))}
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
		rc, err := st.repo.Range(start.Commit.Hash, end.Commit.Hash, 5000)
		if err != nil {
			return nil, usagef("reading commits: %v", err)
		}
		for _, cm := range rc {
			for _, a := range parseAcceptances(cm.Message, "commit "+short(cm.Hash)) {
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
				rep.Drift = append(rep.Drift, report.ReviewDrift{Metric: k, Commit: hist[cp.Index].Commit.Hash.String(), ChangePercent: cp.ChangePercent})
			}
		}
	}
	for _, m := range end.Snap.Metrics {
		if !keep(m.Key) {
			continue
		}
		rep.Budgets = append(rep.Budgets, budgetsFor(opts.Rules, m)...)
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
		out = append(out, report.ReviewBudget{Metric: m.Key, Unit: m.Unit, Value: v, Limit: *max, Kind: "max", HeadroomPct: (*max - v) / math.Abs(*max) * 100, Breached: v > *max})
	}
	if min != nil {
		out = append(out, report.ReviewBudget{Metric: m.Key, Unit: m.Unit, Value: v, Limit: *min, Kind: "min", HeadroomPct: (v - *min) / math.Abs(*min) * 100, Breached: v < *min})
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
