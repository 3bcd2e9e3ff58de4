package report

import (
	"encoding/json"
	"fmt"
	"github.com/flameiq/git-flameiq/snapshot"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/perf/benchunit"

	"github.com/flameiq/git-flameiq/compare"
)

// Bisect is the `git flameiq bisect` report: the probed commits in the
// order they were probed, and what was found. The commands package fills
// it (package bisect searches); BisectText and BisectJSON render it.
type Bisect struct {
	Good, Bad string   // full commit ids
	Commits   int      // first-parent commits after GOOD up to BAD
	Metrics   []string // the --metric globs
	// Units maps a metric key to its unit (GOOD's), for the text's values.
	Units  map[string]string
	Probes []BisectProbe
	// FirstBad and FirstBadSubject are the first bad commit, when found.
	FirstBad, FirstBadSubject string
	Step                      *BisectStep // nil when no step was found
	// Confirmation is the side-by-side re-measurement of the first bad
	// commit and its parent (bisect --run), nil when none was made.
	Confirmation *BisectConfirmation
	// Err is why the search ended without a first bad commit (JSON only:
	// the command reports it as its error).
	Err error
}

// BisectProbe is one probed commit.
type BisectProbe struct {
	Commit   string             `json:"commit"`
	Subject  string             `json:"subject"`
	Verdict  string             `json:"verdict"`
	Reason   string             `json:"reason,omitempty"` // why it was skipped
	Measured bool               `json:"measured,omitempty"`
	Values   map[string]float64 `json:"values,omitempty"`
	Deltas   map[string]float64 `json:"change_percent,omitempty"`
	// Result is the comparison with GOOD (nil when skipped); the text
	// shows what decided the verdict.
	Result *compare.Result `json:"-"`
}

// BisectStep is the largest single step in the bad direction between
// consecutive probes.
type BisectStep struct {
	Metric        string  `json:"metric"`
	Commit        string  `json:"commit"`
	Before        float64 `json:"before"`
	After         float64 `json:"after"`
	ChangePercent float64 `json:"change_percent"`
}

// BisectConfirmation is the first bad commit measured again beside its
// first parent on one machine, in interleaved rounds.
type BisectConfirmation struct {
	Before, After   string // the parent and the first bad commit
	Rounds          int
	Metric          string  // the metric that speaks: a regression, else the largest move
	ChangePercent   float64 // Before → After (NaN when no metric could speak)
	P               float64 // the test's p-value (NaN without one)
	NBefore, NAfter int
	Confirmed       bool // the step is a regression by the search's rules
	// Smaller: not confirmed, yet significant in the bad direction: the
	// step is real on one machine but under the threshold (Threshold %).
	Smaller    bool
	Threshold  float64
	Reason     string       // why nothing could be judged, when so
	Total      float64      // GOOD → BAD's change on Metric, percent (NaN: unknown)
	Share      float64      // the part of Total the step explains, as a ratio of log changes (NaN: unknown)
	OtherSteps []BisectStep // with Share < 0.5: the largest other steps between probes
}

// BisectJSON writes {good, bad, probes, first_bad_commit,
// first_bad_subject, largest_step, error} (the last four when set),
// indented; docs/schema/bisect.schema.json describes every field. probes
// is [] when nothing was probed, and the largest step's change_percent is
// null when undefined (a step from zero).
func BisectJSON(w io.Writer, b *Bisect) error {
	probes := b.Probes
	if probes == nil {
		probes = []BisectProbe{}
	}
	o := map[string]any{"good": b.Good, "bad": b.Bad, "probes": probes}
	if b.FirstBad != "" {
		o["first_bad_commit"] = b.FirstBad
		o["first_bad_subject"] = b.FirstBadSubject
	}
	if s := b.Step; s != nil {
		o["largest_step"] = jsonStepOf(*s)
	}
	if c := b.Confirmation; c != nil {
		o["confirmed"] = c.Confirmed
		o["p_value"] = NullFloat(c.P)
		other := make([]jsonStep, 0, len(c.OtherSteps))
		for _, s := range c.OtherSteps {
			other = append(other, jsonStepOf(s))
		}
		o["confirmation"] = struct {
			Before        string     `json:"before"`
			After         string     `json:"after"`
			Rounds        int        `json:"rounds"`
			Metric        string     `json:"metric,omitempty"`
			ChangePercent NullFloat  `json:"change_percent"`
			P             NullFloat  `json:"p_value"`
			NBefore       int        `json:"n_before"`
			NAfter        int        `json:"n_after"`
			Confirmed     bool       `json:"confirmed"`
			Reason        string     `json:"reason,omitempty"`
			Total         NullFloat  `json:"total_change_percent"`
			Share         NullFloat  `json:"share"`
			OtherSteps    []jsonStep `json:"other_steps"`
		}{c.Before, c.After, c.Rounds, c.Metric, NullFloat(c.ChangePercent), NullFloat(c.P), c.NBefore, c.NAfter, c.Confirmed, c.Reason,
			NullFloat(c.Total), NullFloat(c.Share), other}
	}
	if b.Err != nil {
		o["error"] = b.Err.Error()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(o)
}

// jsonStep is a BisectStep in JSON, its change null when undefined.
type jsonStep struct {
	Metric        string    `json:"metric"`
	Commit        string    `json:"commit"`
	Before        float64   `json:"before"`
	After         float64   `json:"after"`
	ChangePercent NullFloat `json:"change_percent"`
}

func jsonStepOf(s BisectStep) jsonStep {
	return jsonStep{s.Metric, s.Commit, s.Before, s.After, NullFloat(s.ChangePercent)}
}

// BisectText writes a table of the probes (verdict and what decided it:
// the failing metrics, else the largest moves), then the largest step and
// the first bad commit when found.
func BisectText(w io.Writer, b *Bisect) error {
	if _, err := fmt.Fprintf(w, "bisecting %d first-parent commit(s) after %s, metric %s\n\n", b.Commits, shortSha(b.Good), strings.Join(b.Metrics, ", ")); err != nil {
		return err
	}
	rows := [][]string{{"probe", "commit", "verdict", "value (change vs GOOD)", "subject"}}
	for i, p := range b.Probes {
		change := p.Reason
		if p.Result != nil {
			change = probeChanges(p.Result, b.Units)
		}
		if p.Measured {
			change += " (measured)"
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), p.Commit[:7], p.Verdict, change, clip(p.Subject, 50)})
	}
	if err := writeTable(w, rows, tableStyle{ragged: true}); err != nil {
		return err
	}
	if s := b.Step; s != nil {
		if _, err := fmt.Fprintf(w, "\nlargest single step between probes: %s %s → %s (%+.2f%%) at %s\n", s.Metric,
			unitValue(s.Before, b.Units[s.Metric]), unitValue(s.After, b.Units[s.Metric]), s.ChangePercent, s.Commit[:7]); err != nil {
			return err
		}
	}
	if b.FirstBad != "" {
		if _, err := fmt.Fprintf(w, "\nfirst bad commit: %s %s\n", b.FirstBad, snapshot.Printable(b.FirstBadSubject)); err != nil {
			return err
		}
	}
	if c := b.Confirmation; c != nil {
		if _, err := io.WriteString(w, confirmationText(c, b.Units)); err != nil {
			return err
		}
	}
	return nil
}

// confirmationText is the confirmation's paragraph: "confirmed: C^ → C
// +95.30% (p=0.002, n=10+10) on M, …", the share of GOOD → BAD it explains
// when that is under half, and the other large steps.
func confirmationText(c *BisectConfirmation, units map[string]string) string {
	var b strings.Builder
	if c.Metric == "" {
		fmt.Fprintf(&b, "not confirmed: %s → %s: %s\n", shortSha(c.Before), shortSha(c.After), c.Reason)
		return b.String()
	}
	verdict := "confirmed"
	if !c.Confirmed {
		verdict = "not confirmed"
	}
	p := "no test"
	if !math.IsNaN(c.P) {
		p = pText(c.P)
	}
	fmt.Fprintf(&b, "%s: %s → %s %+.2f%% (%s, n=%d+%d) on %s, measured again side by side in %d interleaved rounds\n",
		verdict, shortSha(c.Before), shortSha(c.After), c.ChangePercent, p, c.NBefore, c.NAfter, snapshot.Printable(c.Metric), c.Rounds)
	switch {
	case c.Confirmed:
	case c.Smaller:
		fmt.Fprintf(&b, "  the step is real on one machine but under the threshold (%s): the measurements the search compared overstated it\n", percent(c.Threshold))
	default:
		b.WriteString("  the step does not reproduce on one machine: the difference the search saw may come from the machines or the times that measured it\n")
	}
	if !c.Confirmed {
		b.WriteString("  (each probe was compared with GOOD's record made at another time: bisect --side-by-side measures GOOD beside every probe)\n")
	}
	if !math.IsNaN(c.Share) && c.Share < 0.5 {
		fmt.Fprintf(&b, "  this step explains %.0f%% of GOOD → BAD's %+.2f%%; the change is spread over several commits", math.Max(c.Share, 0)*100, c.Total)
		if len(c.OtherSteps) == 0 {
			b.WriteString("\n")
		} else {
			b.WriteString(". The largest other steps between probes:\n")
			for _, s := range c.OtherSteps {
				fmt.Fprintf(&b, "    %s  %s → %s (%+.2f%%)\n", shortSha(s.Commit), unitValue(s.Before, units[s.Metric]), unitValue(s.After, units[s.Metric]), s.ChangePercent)
			}
		}
	}
	return b.String()
}

// probeChanges says what decided a probe's verdict: the failing metrics
// (a change from zero as "new cost"), else the largest moves, at most
// three, then how many more.
func probeChanges(r *compare.Result, units map[string]string) string {
	var ds []compare.Diff
	for _, d := range r.Diffs {
		if d.Status == compare.Regression || d.Status == compare.BudgetBreach || d.Status == compare.Failed {
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		for _, d := range r.Diffs {
			if !math.IsNaN(d.Head) && !math.IsNaN(d.ChangePercent) {
				ds = append(ds, d)
			}
		}
	}
	size := func(d compare.Diff) float64 {
		if d.ZeroBase {
			return math.Inf(1)
		}
		return math.Abs(d.ChangePercent)
	}
	sort.SliceStable(ds, func(i, j int) bool { return size(ds[i]) > size(ds[j]) })
	var parts []string
	for i, d := range ds {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(ds)-3))
			break
		}
		chg := fmt.Sprintf("%+.2f%%", d.ChangePercent)
		if d.ZeroBase {
			chg = "new cost"
		}
		if d.Statistical && !math.IsNaN(d.P) {
			chg += ", " + pText(d.P) // why a large move can still be "good": noise
		}
		parts = append(parts, fmt.Sprintf("%s %s (%s)", d.Key, unitValue(d.Head, units[d.Key]), chg))
	}
	return strings.Join(parts, ", ")
}

// unitValue formats v in unit, scaled as benchstat does (60.83µs/op);
// without a unit, five significant digits.
func unitValue(v float64, unit string) string {
	if unit == "" {
		return strconv.FormatFloat(v, 'g', 5, 64)
	}
	shown := unit
	if rest, ok := strings.CutPrefix(unit, "sec"); ok {
		shown = "s" + rest
	}
	s := benchunit.Scale(v, benchunit.ClassOf(unit))
	if s != "" && s[len(s)-1] >= '0' && s[len(s)-1] <= '9' {
		s += " " // no SI prefix: "1.000 allocs/op", not "1.000allocs/op"
	}
	return s + shown
}
