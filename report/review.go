package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Review is the weekly performance review of a branch: the values at the
// start and the end of a window compared by the rules of diff.
// internal/review fills it; Text, Markdown, JSON and HTML render it.
type Review struct {
	Since      time.Time `json:"since"`
	Until      time.Time `json:"until"`
	Branch     string    `json:"branch"`
	FromCommit string    `json:"from_commit"`
	ToCommit   string    `json:"to_commit"`
	// FromInWindow: nothing was recorded before the window, so FromCommit
	// is the window's oldest recorded commit.
	FromInWindow bool             `json:"from_in_window,omitempty"`
	Slower       []ReviewChange   `json:"slower"`
	Faster       []ReviewChange   `json:"faster"`
	Unchanged    int              `json:"unchanged"`
	Accepted     []ReviewAccepted `json:"accepted"`
	Budgets      []ReviewBudget   `json:"budgets"`
	Drift        []ReviewDrift    `json:"drift"`
	Recorded     int              `json:"recorded_commits"`
}

// ReviewChange is a metric that got slower or faster in the window.
type ReviewChange struct {
	Metric    string    `json:"metric"`
	Unit      string    `json:"unit,omitempty"`
	Before    float64   `json:"before"`
	After     float64   `json:"after"`
	DeltaPct  NullFloat `json:"delta_pct"`
	P         *float64  `json:"p_value,omitempty"`
	Sparkline string    `json:"sparkline"`
}

// ReviewAccepted is a regression accepted in the window with its reason.
type ReviewAccepted struct {
	Commit  string `json:"commit"`
	Subject string `json:"subject"`
	Glob    string `json:"glob"`
	Reason  string `json:"reason"`
}

// ReviewBudget is a budget's headroom at the end of the window.
type ReviewBudget struct {
	Metric      string    `json:"metric"`
	Unit        string    `json:"unit,omitempty"`
	Value       float64   `json:"value"`
	Limit       float64   `json:"limit"`
	Kind        string    `json:"kind"` // max or min
	HeadroomPct NullFloat `json:"headroom_pct"`
	Breached    bool      `json:"breached"`
}

// ReviewDrift is a change point found inside the window.
type ReviewDrift struct {
	Metric        string    `json:"metric"`
	Commit        string    `json:"commit"`
	ChangePercent NullFloat `json:"change_percent"`
}

func rnum(v float64) string { return strconv.FormatFloat(v, 'g', 5, 64) }

// rval formats v in unit, scaled as the diff tables are (40.89 µs/op).
func rval(v float64, unit string) string {
	if unit == "" {
		return rnum(v)
	}
	return valueUnit(scaler(unit, v), v, unit)
}

var budgetSign = map[string]string{"max": "≤", "min": "≥"}

func (r *Review) title() string {
	return fmt.Sprintf("Performance review of %s, %s → %s", r.Branch, r.Since.Format("2006-01-02"), r.Until.Format("2006-01-02"))
}

// Text writes the review as plain text.
func (r *Review) Text(w io.Writer) error {
	fmt.Fprintf(w, "%s (%d recorded commits)\n", r.title(), r.Recorded)
	switch {
	case r.FromCommit == "":
		fmt.Fprintf(w, "one recorded commit, none before the window: nothing to compare with (end %s)\n", shortSha(r.ToCommit))
	case r.FromInWindow:
		fmt.Fprintf(w, "from %s (the oldest recorded commit in the window; none before it) to %s\n", shortSha(r.FromCommit), shortSha(r.ToCommit))
	default:
		fmt.Fprintf(w, "from %s to %s\n", shortSha(r.FromCommit), shortSha(r.ToCommit))
	}
	list := func(title string, cs []ReviewChange) {
		fmt.Fprintf(w, "\n%s (%d)\n", title, len(cs))
		var rows [][]string
		for _, ch := range cs {
			rows = append(rows, []string{"  " + ch.Metric, rval(ch.Before, ch.Unit) + " → " + rval(ch.After, ch.Unit), fmt.Sprintf("%+.2f%%", ch.DeltaPct), ch.Sparkline})
		}
		writeTable(w, rows, tableStyle{ragged: true})
	}
	list("Slower", r.Slower)
	list("Faster", r.Faster)
	fmt.Fprintf(w, "\nUnchanged: %d\n", r.Unchanged)
	if len(r.Accepted) > 0 {
		fmt.Fprintf(w, "\nAccepted regressions (%d)\n", len(r.Accepted))
		for _, a := range r.Accepted {
			fmt.Fprintf(w, "  %s %s: %s (%q)\n", shortSha(a.Commit), a.Glob, a.Reason, a.Subject)
		}
	}
	if len(r.Budgets) > 0 {
		fmt.Fprintf(w, "\nBudgets\n")
		var rows [][]string
		for _, b := range r.Budgets {
			state := ""
			if b.Breached {
				state = "BREACHED"
			}
			rows = append(rows, []string{"  " + b.Metric, rval(b.Value, b.Unit) + " " + budgetSign[b.Kind] + " " + rval(b.Limit, b.Unit),
				fmt.Sprintf("headroom %.1f%%", b.HeadroomPct), state})
		}
		writeTable(w, rows, tableStyle{ragged: true})
	}
	if len(r.Drift) > 0 {
		fmt.Fprintf(w, "\nDrift (change points in the window)\n")
		for _, d := range r.Drift {
			fmt.Fprintf(w, "  %s at %s: %+.2f%%\n", d.Metric, shortSha(d.Commit), d.ChangePercent)
		}
	}
	return nil
}

// Markdown writes the review ready to paste into a chat or an issue.
func (r *Review) Markdown(w io.Writer) error {
	fmt.Fprintf(w, "## %s\n\n", md(r.title()))
	if r.FromCommit != "" {
		fromNote := ""
		if r.FromInWindow {
			fromNote = " (the oldest recorded commit in the window; none before it)"
		}
		fmt.Fprintf(w, "From `%s`%s to `%s` (%d recorded commits). **%d slower · %d faster · %d unchanged**\n",
			shortSha(r.FromCommit), fromNote, shortSha(r.ToCommit), r.Recorded, len(r.Slower), len(r.Faster), r.Unchanged)
	} else {
		fmt.Fprintf(w, "One recorded commit, none before the window: nothing to compare with (end `%s`).\n", shortSha(r.ToCommit))
	}
	table := func(title string, cs []ReviewChange) {
		fmt.Fprintf(w, "\n### %s (%d)\n\n", title, len(cs))
		if len(cs) == 0 {
			fmt.Fprintln(w, "None.")
			return
		}
		fmt.Fprintln(w, "| metric | before | after | Δ | trend |\n|:--|--:|--:|--:|:--|")
		for _, ch := range cs {
			fmt.Fprintf(w, "| %s | %s | %s | %+.2f%% | %s |\n", md(ch.Metric), rval(ch.Before, ch.Unit), rval(ch.After, ch.Unit), ch.DeltaPct, ch.Sparkline)
		}
	}
	table("🐢 Slower", r.Slower)
	table("🚀 Faster", r.Faster)
	fmt.Fprintf(w, "\n### Accepted regressions (%d)\n\n", len(r.Accepted))
	if len(r.Accepted) == 0 {
		fmt.Fprintln(w, "None.")
	}
	for _, a := range r.Accepted {
		fmt.Fprintf(w, "- `%s` %s: **%s**: %s\n", shortSha(a.Commit), md(a.Subject), md(a.Glob), md(a.Reason))
	}
	if len(r.Budgets) > 0 {
		fmt.Fprintln(w, "\n### Budget headroom\n\n| metric | value | limit | headroom |\n|:--|--:|--:|--:|")
		for _, b := range r.Budgets {
			mark := ""
			if b.Breached {
				mark = " ❌"
			}
			fmt.Fprintf(w, "| %s | %s | %s %s | %.1f%%%s |\n", md(b.Metric), rval(b.Value, b.Unit), budgetSign[b.Kind], rval(b.Limit, b.Unit), b.HeadroomPct, mark)
		}
	}
	if len(r.Drift) > 0 {
		fmt.Fprintln(w, "\n### Drift")
		for _, d := range r.Drift {
			fmt.Fprintf(w, "- %s changed %+.2f%% at `%s`\n", md(d.Metric), d.ChangePercent, shortSha(d.Commit))
		}
	}
	return nil
}

// HTML writes the review as the "fixed dashboard": one offline page with
// the review, each slower or faster metric a compact row (icon, name,
// sparkline, before → after, change) that a click opens on its chart from
// history (the window's first and last commits marked "from" and "to"),
// the names of the other metrics folded, then accepted regressions,
// budget headroom and drift, each metric's change points on one line.
// Times are UTC (fmtDate), as the page's header says.
func (r *Review) HTML(w io.Writer, history []HistorySeries) error {
	title := fmt.Sprintf("Performance review of %s, %s → %s", r.Branch, fmtDate(r.Since), fmtDate(r.Until))
	page := htmlPage{Title: title, Headline: title, Dates: true,
		Summary: fmt.Sprintf("%d slower · %d faster · %d unchanged · %d recorded commits", len(r.Slower), len(r.Faster), r.Unchanged, r.Recorded)}
	switch {
	case r.FromInWindow:
		page.Compared = fmt.Sprintf("%s (oldest recorded in the window) → %s", shortSha(r.FromCommit), shortSha(r.ToCommit))
	case r.FromCommit != "":
		page.Compared = fmt.Sprintf("%s → %s", shortSha(r.FromCommit), shortSha(r.ToCommit))
	}
	series := map[string]HistorySeries{}
	for _, s := range history {
		series[s.Key] = s
	}
	changed := map[string]bool{}
	charts := 0
	changes := func(title, icon, class string, cs []ReviewChange) htmlSection {
		sec := htmlSection{Title: fmt.Sprintf("%s (%d)", title, len(cs)), Empty: "None."}
		for _, ch := range cs {
			changed[ch.Metric] = true
			row := htmlTrend{Icon: &htmlIcon{Kind: icon, Label: strings.ToLower(title)}, Key: ch.Metric,
				Values: rval(ch.Before, ch.Unit) + " → " + rval(ch.After, ch.Unit), Delta: fmt.Sprintf("%+.2f%%", ch.DeltaPct),
				Class: class, SparkText: ch.Sparkline}
			if s, ok := series[ch.Metric]; ok && len(s.Points) > 0 {
				var pts []chartPoint
				var vals []float64
				for i, p := range s.Points {
					cp := historyPoint(i, p, s.Unit)
					switch {
					case r.ToCommit != "" && p.Sha == r.ToCommit:
						cp.Kind, cp.Label, cp.Class = "head", "to", class
					case r.FromCommit != "" && p.Sha == r.FromCommit:
						cp.Kind, cp.Label = "base", "from"
					}
					pts = append(pts, cp)
					vals = append(vals, p.Value)
				}
				row.Spark = sparkSVG(vals, false, class, plural(len(vals), "recorded commit", "recorded commits"))
				row.Chart = chart(fullChart, "history of "+ch.Metric, s.Unit, len(pts), pts)
				if row.Chart != nil {
					row.SparkText = ""
					charts++
				}
			}
			sec.Trends = append(sec.Trends, row)
		}
		return sec
	}
	page.Sections = append(page.Sections, changes("Slower", "fail", "bad", r.Slower), changes("Faster", "improved", "ok", r.Faster))
	if charts > 0 {
		// Said once, over the first section with a chart.
		i := 0
		if len(r.Slower) == 0 {
			i = 1
		}
		page.Sections[i].Note = "Click a row for its chart: one point per recorded commit (the median of its samples), oldest left, from and to marked; hover a point for its commit. No error bars: the history records no spread."
	}
	un := htmlSection{Title: fmt.Sprintf("Unchanged (%d)", r.Unchanged)}
	for _, s := range history {
		if !changed[s.Key] {
			un.Items = append(un.Items, s.Key)
		}
	}
	if len(un.Items) > 0 {
		un.Fold = "the " + plural(len(un.Items), "other metric", "other metrics") + " of the history"
	} else {
		un.Empty = "Nothing else was compared."
		if r.Unchanged > 0 {
			un.Empty = plural(r.Unchanged, "metric did not change.", "metrics did not change.")
		}
	}
	page.Sections = append(page.Sections, un)
	acc := htmlSection{Title: fmt.Sprintf("Accepted regressions (%d)", len(r.Accepted)), Empty: "None."}
	for _, a := range r.Accepted {
		acc.Items = append(acc.Items, fmt.Sprintf("%s %s: %s: %s", shortSha(a.Commit), a.Subject, a.Glob, a.Reason))
	}
	page.Sections = append(page.Sections, acc)
	if len(r.Budgets) > 0 {
		b := htmlSection{Title: "Budget headroom", Head: []string{"Metric", "Value", "Limit", "Headroom"}}
		for _, x := range r.Budgets {
			h := fmt.Sprintf("%.1f%%", x.HeadroomPct)
			if x.Breached {
				h += " (breached)"
			}
			b.Rows = append(b.Rows, []string{x.Metric, rval(x.Value, x.Unit), budgetSign[x.Kind] + " " + rval(x.Limit, x.Unit), h})
		}
		page.Sections = append(page.Sections, b)
	}
	if len(r.Drift) > 0 {
		// One line a metric: a metric with several change points is named
		// once.
		d := htmlSection{Title: "Drift (change points in the window)"}
		at := map[string]int{}
		for _, x := range r.Drift {
			cp := fmt.Sprintf("%+.2f%% at %s", x.ChangePercent, shortSha(x.Commit))
			if i, ok := at[x.Metric]; ok {
				d.Items[i] += ", " + cp
				continue
			}
			at[x.Metric] = len(d.Items)
			d.Items = append(d.Items, x.Metric+" changed "+cp)
		}
		page.Sections = append(page.Sections, d)
	}
	return htmlTemplate().Execute(w, page)
}

// JSON writes the review as one indented JSON object (the field names of
// Review's tags), HTML characters unescaped.
func (r *Review) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
