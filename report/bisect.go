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
		o["largest_step"] = struct {
			Metric        string    `json:"metric"`
			Commit        string    `json:"commit"`
			Before        float64   `json:"before"`
			After         float64   `json:"after"`
			ChangePercent NullFloat `json:"change_percent"`
		}{s.Metric, s.Commit, s.Before, s.After, NullFloat(s.ChangePercent)}
	}
	if b.Err != nil {
		o["error"] = b.Err.Error()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(o)
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
	return nil
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
