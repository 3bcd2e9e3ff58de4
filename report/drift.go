package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
)

// Drift is the `git flameiq drift` report: the change points and the creep
// of each metric over the recorded first-parent history. The commands
// package fills it (package drift computes); DriftText and DriftJSON
// render it.
type Drift struct {
	Commits   int     // recorded commits in the window
	Threshold float64 // the drift threshold, in percent
	Metrics   []DriftMetric
}

// DriftMetric is one metric's history, change points and creep.
type DriftMetric struct {
	Metric       string        `json:"metric"`
	Unit         string        `json:"unit,omitempty"`
	Direction    string        `json:"direction"`
	Points       int           `json:"points"`
	Sparkline    string        `json:"sparkline"`
	ChangePoints []DriftChange `json:"change_points"`
	Creep        *DriftCreep   `json:"creep,omitempty"`
}

// DriftChange is a change point: the commit where the mean stepped.
type DriftChange struct {
	Commit        string    `json:"commit"`
	Subject       string    `json:"subject"`
	MeanBefore    float64   `json:"mean_before"`
	MeanAfter     float64   `json:"mean_after"`
	ChangePercent NullFloat `json:"change_percent"`
	P             float64   `json:"p_value"`
	Regression    bool      `json:"is_regression"`
	ZeroBase      bool      `json:"zero_base,omitempty"`
}

// DriftCreep is the newest value against the reference commit's.
type DriftCreep struct {
	From          string    `json:"from_commit"`
	To            string    `json:"to_commit"`
	Before        float64   `json:"before"`
	After         float64   `json:"after"`
	ChangePercent NullFloat `json:"change_percent"`
	Threshold     float64   `json:"threshold_percent"`
	Regression    bool      `json:"is_regression"`
	ZeroBase      bool      `json:"zero_base,omitempty"`
}

// NullFloat is a float64 whose NaN or ±Inf (a change from zero) is null in
// JSON.
type NullFloat float64

// MarshalJSON implements json.Marshaler.
func (f NullFloat) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(f))
}

// DriftJSON writes {"commits", "threshold_percent", "metrics": [{metric,
// unit, direction, points, sparkline, change_points, creep}]}, indented;
// docs/schema/drift.schema.json describes every field. Lists are [] when
// empty, never null.
func DriftJSON(w io.Writer, d *Drift) error {
	metrics := make([]DriftMetric, len(d.Metrics))
	for i, m := range d.Metrics {
		if m.ChangePoints == nil {
			m.ChangePoints = []DriftChange{}
		}
		metrics[i] = m
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"commits": d.Commits, "threshold_percent": d.Threshold, "metrics": metrics})
}

// DriftText writes a table of the metrics (sparkline, creep marked DRIFT
// beyond the threshold, number of change points), then each change point
// with the means before and after it.
func DriftText(w io.Writer, d *Drift) error {
	if _, err := fmt.Fprintf(w, "%d recorded commits, drift threshold %g%%\n\n", d.Commits, d.Threshold); err != nil {
		return err
	}
	rows := [][]string{{"metric", "history", "creep", "change points"}}
	for _, m := range d.Metrics {
		creep := "-"
		if m.Creep != nil {
			creep = fmt.Sprintf("%s since %s", changeText(float64(m.Creep.ChangePercent), m.Creep.ZeroBase), m.Creep.From[:7])
			if m.Creep.Regression {
				creep += " DRIFT"
			}
		}
		rows = append(rows, []string{m.Metric, m.Sparkline, creep, fmt.Sprint(len(m.ChangePoints))})
	}
	if err := writeTable(w, rows, tableStyle{ragged: true}); err != nil {
		return err
	}
	for _, m := range d.Metrics {
		for _, cp := range m.ChangePoints {
			mark := ""
			if cp.Regression {
				mark = "  REGRESSION"
			}
			if _, err := fmt.Fprintf(w, "\nchange point in %s at %s %s\n  mean %s → %s (%s, %s)%s\n", m.Metric, cp.Commit[:7], clip(cp.Subject, 60),
				unitValue(cp.MeanBefore, m.Unit), unitValue(cp.MeanAfter, m.Unit), changeText(float64(cp.ChangePercent), cp.ZeroBase), pText(cp.P), mark); err != nil {
				return err
			}
		}
	}
	return nil
}

// changeText is a drift change as text: "+12.34%", or "new cost" from zero.
func changeText(pct float64, zero bool) string {
	if zero {
		return "new cost"
	}
	return fmt.Sprintf("%+.2f%%", pct)
}

// pText prints a p-value, below 0.0001 as that bound: a clean step's
// t-test tail underflows to 0, and "p=0" would claim a certainty no test
// gives.
func pText(p float64) string {
	if p < 1e-4 {
		return "p<0.0001"
	}
	return fmt.Sprintf("p=%.3g", p)
}
