package commands

import (
	"io"
	"os"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/history"
	"github.com/flameiq/git-flameiq/internal/baseline"
	"github.com/flameiq/git-flameiq/internal/profilediff"
	"github.com/flameiq/git-flameiq/internal/selection"
	"github.com/flameiq/git-flameiq/report"
)

// extraReport carries what the rich formats add: the store and the commits
// to read history and profiles from (nil for `compare`, which has no git),
// and diff's --max-walk for the profile's base.
type extraReport struct {
	st       *store
	sides    baseline.Sides
	baseUsed baseline.Found
	maxWalk  int
}

// renderRich writes markdown, github or html.
func (e *env) renderRich(format string, w io.Writer, r *compare.Result, info reportInfo) error {
	rich := report.Rich{Result: r, BaseCommit: info.BaseCommit, HeadCommit: info.HeadCommit,
		BaseLabel: info.BaseLabel, HeadLabel: info.HeadLabel, BaseReason: info.BaseReason}
	if x := info.extra; x.st != nil {
		if format == "html" {
			rich.History = e.changedHistory(x, r)
		}
		rich.Profile = e.topProfileChanges(x)
	}
	switch format {
	case "markdown":
		return report.Markdown(w, rich)
	case "github":
		return report.GitHub(w, rich, os.Getenv("GITHUB_STEP_SUMMARY"))
	}
	return report.HTML(w, rich)
}

// changedHistory reads the recent first-parent history (50 commits) of the
// metrics that are findings (regressions, budget breaches, warnings,
// improvements, accepted: not unchanged, INFO, new, missing or skipped),
// from the head commit when it is recorded, else from the base used.
func (e *env) changedHistory(x extraReport, r *compare.Result) []report.HistorySeries {
	changed := map[string]string{}
	for _, d := range r.Diffs {
		switch d.Status {
		case compare.Regression, compare.BudgetBreach, compare.Warning, compare.Improved, compare.Accepted:
			changed[d.Key] = d.Unit
		}
	}
	if len(changed) == 0 {
		return nil
	}
	from := x.sides.Head
	if n, err := x.st.notes(); err != nil {
		return nil
	} else if ok, _ := n.Has(from); !ok {
		from = x.baseUsed.Commit
	}
	hist, err := e.loadHistory(x.st, from, 50)
	if err != nil {
		return nil
	}
	return historySeries(hist, sortedKeys(changed))
}

// topProfileChanges diffs the configured profile when both sides have it
// (its base found from the metric report's base, which it does not
// change); any problem just leaves the section out.
func (e *env) topProfileChanges(x extraReport) *report.ProfileChanges {
	recs, warns, err := x.st.ProfileRecords(x.sides.Head)
	e.warn(warns)
	if err != nil || len(recs) == 0 {
		return nil
	}
	cfg, err := e.config()
	if err != nil {
		return nil
	}
	ps := x.sides
	ps.Base, ps.Reason = x.baseUsed.Commit, x.baseUsed.Reason
	pd, err := profilediff.Diff(x.st.Store, ps, profilediff.Options{DefaultName: cfg.ProfileName, Top: 5, MaxWalk: x.maxWalk, Warn: e.warn})
	if err != nil {
		return nil
	}
	return pd.Changes(5)
}

func (e *env) historyHTML(w io.Writer, rev string, hist []recorded, s *history.Series, o report.LogOptions) error {
	keys, total := report.LogKeys(s, o)
	return report.HistoryHTML(w, "git flameiq log "+rev, historySeries(hist, keys), total)
}

// historySeries turns recorded history into chart series for keys (nil:
// every key), oldest point first.
func historySeries(hist []recorded, keys []string) []report.HistorySeries {
	units := selection.Directions(hist)
	if keys == nil {
		keys = sortedKeys(units)
	}
	var out []report.HistorySeries
	for _, k := range keys {
		hs := report.HistorySeries{Key: k, Unit: units[k].Unit}
		for _, h := range hist {
			if m := h.Snap.Get(k); m != nil {
				hs.Points = append(hs.Points, report.HistoryPoint{Sha: h.Commit.Hash.String(), Subject: h.Commit.Subject(), Date: h.Commit.Committer.When, Value: m.Value()})
			}
		}
		out = append(out, hs)
	}
	return out
}
