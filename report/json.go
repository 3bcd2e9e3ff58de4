package report

import (
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/flameiq/git-flameiq/compare"
)

// JSONOptions control JSON.
type JSONOptions struct {
	BaselineCommit string
	CurrentCommit  string
}

// jsonResult is FlameIQ's `compare --json` shape; fields after Diffs are
// git-flameiq's own.
type jsonResult struct {
	Status          string     `json:"status"`
	ExitCode        int        `json:"exit_code"`
	BaselineCommit  string     `json:"baseline_commit"`
	CurrentCommit   string     `json:"current_commit"`
	StatisticalMode bool       `json:"statistical_mode"`
	Summary         string     `json:"summary"`
	Counts          jsonCounts `json:"counts"`
	Diffs           []jsonDiff `json:"diffs"`
	Alpha           number     `json:"alpha"`
	EffectSize      string     `json:"effect_size_measure"`
	Warnings        []string   `json:"warnings"`
	RulesChanged    []string   `json:"rules_changed,omitempty"`
	RulesDecision   string     `json:"rules_decision,omitempty"`
}

// jsonCounts counts the diffs by status. Total is the number of diffs
// (every metric of the report); Compared counts the metrics compared
// (compare.Counts().Total: not NEW, MISSING, FAILED or SKIPPED).
type jsonCounts struct {
	Regressions int `json:"regressions"`
	Warnings    int `json:"warnings"`
	Passed      int `json:"passed"`
	Total       int `json:"total"`
	Compared    int `json:"compared"`
	Accepted    int `json:"accepted"`
	Budget      int `json:"budget_breaches"`
	New         int `json:"new"`
	Missing     int `json:"missing"`
	Skipped     int `json:"skipped"`
	Improved    int `json:"improved"`
	Info        int `json:"not_gated"`
	Failed      int `json:"failed"`
}

type jsonDiff struct {
	MetricKey        string   `json:"metric_key"`
	BaselineValue    number   `json:"baseline_value"`
	CurrentValue     number   `json:"current_value"`
	ChangePercent    number   `json:"change_percent"`
	ThresholdPercent number   `json:"threshold_percent"`
	IsRegression     bool     `json:"is_regression"`
	IsWarning        bool     `json:"is_warning"`
	Status           string   `json:"status"`
	PValue           number   `json:"p_value"`
	EffectSize       number   `json:"effect_size"`
	Unit             string   `json:"unit"`
	Direction        string   `json:"direction"`
	NBase            int      `json:"n_base"`
	NHead            int      `json:"n_head"`
	Statistical      bool     `json:"statistical"`
	PRaw             number   `json:"p_value_raw"`
	PTwoSided        any      `json:"p_value_two_sided"`
	CI               *jsonCI  `json:"ci"`
	Noise            bool     `json:"noise"`
	Reason           string   `json:"reason,omitempty"`
	ZeroBase         bool     `json:"zero_base,omitempty"`
	DerivedFrom      string   `json:"derived_from,omitempty"`
	RenamedTo        string   `json:"renamed_to,omitempty"`
	Intervals        *jsonIv  `json:"intervals,omitempty"`
	Action           string   `json:"action"`
	Budget           string   `json:"budget,omitempty"`
	AcceptReason     string   `json:"accept_reason,omitempty"`
	AcceptSource     string   `json:"accept_source,omitempty"`
	Notes            []string `json:"notes"`
}

// jsonCI is the 95% confidence interval of each side's median.
type jsonCI struct {
	Confidence float64   `json:"confidence"`
	Base       [2]number `json:"base"`
	Head       [2]number `json:"head"`
}

// jsonIv holds the 95% intervals of single summary values on which a
// verdict rested (a load test's p99 from N requests).
type jsonIv struct {
	Base  [2]number `json:"base"`
	Head  [2]number `json:"head"`
	NBase int       `json:"n_base,omitempty"`
	NHead int       `json:"n_head,omitempty"`
}

// number is a float64 that JSON can always hold: NaN (not available or
// undefined) and ±Inf are null, as the README promises.
type number float64

// MarshalJSON implements json.Marshaler.
func (n number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	switch {
	case math.IsNaN(f):
		return []byte("null"), nil
	case math.IsInf(f, 0):
		return []byte("null"), nil
	}
	// encoding/json's float64 form, without a reflective Marshal per
	// number (13 of them per diff; TestNumberLikeEncodingJSON).
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b := strconv.AppendFloat(make([]byte, 0, 24), f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1] // e-09 → e-9
		b = b[:n-1]
	}
	return b, nil
}

// JSON writes r in FlameIQ's result shape (status, exit_code,
// baseline_commit, current_commit, statistical_mode, summary, counts,
// diffs[metric_key, baseline_value, current_value, change_percent,
// threshold_percent, is_regression, is_warning, status, p_value,
// effect_size]) plus git-flameiq's fields (unit, direction, n_base,
// n_head, ci, noise, action, budget, accept_reason, notes…), indented by
// two spaces. counts.total is the number of diffs (every metric of the
// report), counts.compared the number compared (not NEW, MISSING, FAILED
// or SKIPPED). Numbers that are not finite never break the document: NaN
// and ±Inf are null. effect_size is Cliff's delta.
// docs/schema/diff.schema.json describes every field.
func JSON(w io.Writer, r *compare.Result, opts JSONOptions) error {
	c := r.Counts()
	out := jsonResult{
		Status:          strings.ToLower(string(r.Status)),
		ExitCode:        r.ExitCode(),
		BaselineCommit:  opts.BaselineCommit,
		CurrentCommit:   opts.CurrentCommit,
		StatisticalMode: r.StatisticalMode,
		Summary:         r.Summary(),
		Counts: jsonCounts{Regressions: c.Regressions, Warnings: c.Warnings, Passed: c.Passed, Total: len(r.Diffs), Compared: c.Total,
			Accepted: c.Accepted, Budget: c.Budget, New: c.New, Missing: c.Missing, Skipped: c.Skipped,
			Improved: c.Improved, Info: c.Info, Failed: c.Failed},
		Diffs:        make([]jsonDiff, 0, len(r.Diffs)),
		Alpha:        number(r.Alpha),
		EffectSize:   "cliffs_delta",
		Warnings:     append([]string{}, r.Warnings...),
		RulesChanged: r.RuleChanges, RulesDecision: r.RuleDecision,
	}
	if out.Status == "" {
		out.Status = "pass"
	}
	for _, d := range r.Diffs {
		out.Diffs = append(out.Diffs, toJSONDiff(d))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func toJSONDiff(d compare.Diff) jsonDiff {
	j := jsonDiff{
		MetricKey: d.Key, BaselineValue: number(d.Base), CurrentValue: number(d.Head),
		ChangePercent: number(d.ChangePercent), ThresholdPercent: number(d.ThresholdPercent),
		IsRegression: d.IsRegression, IsWarning: d.IsWarning, Status: string(d.Status),
		PValue: number(d.P), EffectSize: number(d.EffectSize), Unit: d.Unit, Direction: d.Direction.String(),
		NBase: d.BaseN, NHead: d.HeadN, Statistical: d.Statistical, PRaw: number(d.PRaw), PTwoSided: number(d.PTwoSided), Noise: d.Noise,
		Action: string(d.Action), Budget: d.BudgetMsg, AcceptReason: d.AcceptReason, AcceptSource: d.AcceptSource,
		Notes: append([]string{}, d.Notes...), Reason: d.Reason, ZeroBase: d.ZeroBase, DerivedFrom: d.Derived, RenamedTo: d.RenamedTo,
	}
	if d.BaseCI != nil && d.HeadCI != nil {
		j.Intervals = &jsonIv{Base: [2]number{number(d.BaseCI.Lo), number(d.BaseCI.Hi)}, Head: [2]number{number(d.HeadCI.Lo), number(d.HeadCI.Hi)},
			NBase: d.BaseCI.N, NHead: d.HeadCI.N}
	}
	if d.Status == compare.Failed {
		j.ThresholdPercent = number(math.NaN())
	}
	if j.Action == "" {
		j.Action = string(compare.Block)
	}
	if d.Status == compare.New || d.Status == compare.Missing {
		j.ThresholdPercent = number(math.NaN())
	}
	if d.Statistical {
		j.CI = &jsonCI{Confidence: compare.Confidence,
			Base: [2]number{number(d.BaseLo), number(d.BaseHi)},
			Head: [2]number{number(d.HeadLo), number(d.HeadHi)}}
	}
	return j
}
