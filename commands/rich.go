package commands

import (
	"io"
	"math"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/history"
	"github.com/flameiq/git-flameiq/report"
)

// extraReport carries what the rich formats add: the store and the commits
// to read history and profiles from (nil for `compare`, which has no git).
type extraReport struct {
	st    *store
	sides *sides
}

// renderRich writes markdown, github or html.
func (e *env) renderRich(c *cli.Context, w io.Writer, r *compare.Result, info reportInfo) error {
	rich := report.Rich{Result: r, BaseCommit: info.BaseCommit, HeadCommit: info.HeadCommit,
		BaseLabel: info.BaseLabel, HeadLabel: info.HeadLabel, BaseReason: info.BaseReason}
	if x := info.extra; x.st != nil {
		if c.String("format") == "html" {
			rich.History = e.changedHistory(x.st, x.sides, r)
		}
		rich.Profile = e.topProfileChanges(c, x.st, x.sides)
	}
	switch c.String("format") {
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
// from the base commit.
func (e *env) changedHistory(st *store, sd *sides, r *compare.Result) []report.HistorySeries {
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
	from := sd.head
	if n, err := st.notes(); err != nil {
		return nil
	} else if ok, _ := n.Has(from); !ok {
		from = sd.baseUsed
	}
	hist, err := e.loadHistory(st, from, 50)
	if err != nil {
		return nil
	}
	return historySeries(hist, sortedKeys(changed))
}

// topProfileChanges diffs the configured profile when both sides have it;
// any problem just leaves the section out.
func (e *env) topProfileChanges(c *cli.Context, st *store, sd *sides) *report.ProfileChanges {
	recs, err := e.profileRecords(st, sd.head)
	if err != nil || len(recs) == 0 {
		return nil
	}
	ps := *sd // profile base resolution must not change the metric report's
	ps.base = sd.baseUsed
	pd, err := e.profileDiff(c, st, &ps, "", "", 5)
	if err != nil {
		return nil
	}
	out := &report.ProfileChanges{Name: pd.name, BaseCommit: ps.baseUsed.String(), HeadCommit: sd.head.String()}
	for i, f := range pd.result.Functions {
		if i == 5 {
			break
		}
		pf := report.ProfileFunction{Name: f.Name, DeltaPct: f.DeltaFlatPct, BasePct: f.BaseFlatPct, HeadPct: f.HeadFlatPct}
		if f.DeltaFlatPerOp != nil && !math.IsNaN(*f.DeltaFlatPerOp) {
			pf.Linked, pf.DeltaPerOp, pf.PerOpUnit = true, *f.DeltaFlatPerOp, pd.result.PerOpUnit
		}
		out.Functions = append(out.Functions, pf)
	}
	return out
}

func (e *env) historyHTML(w io.Writer, rev string, hist []recorded, s *history.Series) error {
	return report.HistoryHTML(w, "git flameiq log "+rev, historySeries(hist, s.Keys()))
}

// historySeries turns recorded history into chart series for keys (nil:
// every key), oldest point first.
func historySeries(hist []recorded, keys []string) []report.HistorySeries {
	units := directions(hist)
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
