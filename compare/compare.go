// Package compare is the comparison engine: the FlameIQ threshold algorithm
// (exact: its conformance vectors are in testdata/conformance) plus, when
// both sides have repeated samples, a Mann-Whitney U significance test and
// a confidence interval (x/perf benchmath, go-moremath). It takes two
// snapshots and Options and returns a Result; it does no I/O and knows
// nothing about git or input formats.
//
// Per metric present on both sides:
//
//   - change% = ((head-base)/base)*100 rounded to 4 dp half-even on the
//     binary value (Round4).
//   - the threshold T comes from the most specific Rule (default
//     Options.DefaultThreshold, or Tiers.Block); its sign is ignored. The
//     warn level is T - margin (or Tiers.Warn).
//   - REGRESSION: the change in the bad direction is strictly beyond |T|;
//     WARNING: a worsening at or beyond the warn level; IMPROVED: an
//     improvement at or beyond the warn level; PASS otherwise.
//   - with samples (>= MinSamples on both sides) a move is a finding only
//     when the one-sided Mann-Whitney p in the direction of the move (two-
//     sided for two-sided metrics) is below Alpha, after Holm when
//     Correction is "holm"; single summary values with intervals
//     (snapshot.Metric.CI) only when the intervals are apart. Otherwise it
//     is PASS with Noise set ("~").
//   - a zero base: 0 → 0 is PASS; a move away from 0 is judged by the
//     metric's ZeroBaseline (regress by default: allocs/op 0 → 1 is a
//     REGRESSION with ZeroBase set and no percentage).
//   - informational metrics (snapshot.Metric.Info) and derived ones (Go's
//     B/s beside sec/op) are INFO unless a rule names them.
//   - FlameIQ inputs without samples (FlameIQMode, or two snapshots of
//     format "flameiq" with one sample each) keep FlameIQ's rules exactly:
//     a direction-blind WARNING (|chg| >= |T| - margin), no IMPROVED, and a
//     zero baseline SKIPPED.
//
// Then Rule.Action warn turns a regression into a warning, a breached
// Budget makes the metric BUDGET (fails), metrics of a benchmark that
// failed in head are FAILED (fail), and a matching Acceptance with a
// written reason turns a failing metric into ACCEPTED. The overall Status
// is REGRESSION when any metric fails.
package compare

import (
	"fmt"

	"github.com/flameiq/git-flameiq/snapshot"
)

// Status of one metric or of a whole comparison.
type Status string

const (
	Pass         Status = "PASS"
	Warning      Status = "WARNING"
	Regression   Status = "REGRESSION"
	New          Status = "NEW"      // only in head
	Missing      Status = "MISSING"  // only in base
	Accepted     Status = "ACCEPTED" // a regression waived by a written opt-out
	BudgetBreach Status = "BUDGET"   // an absolute budget is breached
	Skipped      Status = "SKIPPED"  // zero baseline: change undefined (zero_baseline: skip)
	Improved     Status = "IMPROVED" // a significant (or, without samples, threshold-crossing) improvement
	Info         Status = "INFO"     // reported, never gated: a single run's extremes, derived metrics
	Failed       Status = "FAILED"   // the benchmark failed in head (recorded with --allow-failed)
)

// ZeroBaseline says what a change from a zero base is (allocs/op 0 → 1):
// a regression (the default), a warning, or skipped as FlameIQ does.
type ZeroBaseline string

const (
	ZeroRegress ZeroBaseline = "regress"
	ZeroWarn    ZeroBaseline = "warn"
	ZeroSkip    ZeroBaseline = "skip"
)

// ParseZeroBaseline parses regress, warn or skip.
func ParseZeroBaseline(s string) (ZeroBaseline, error) {
	switch z := ZeroBaseline(s); z {
	case ZeroRegress, ZeroWarn, ZeroSkip:
		return z, nil
	}
	return "", fmt.Errorf("unknown zero_baseline %q (want regress, warn or skip)", s)
}

// Action for a metric whose threshold is crossed.
type Action string

const (
	Block Action = "block" // a regression fails the check (default)
	Warn  Action = "warn"  // a regression is reported as a warning only
)

// Rule sets options for the metrics whose key matches Glob (fnmatch: `*`
// matches any run of characters including `/` and `:`; see package glob). When
// several rules match a key the most specific wins: an exact key beats any
// glob; between globs, the one with more literal (non-wildcard) characters
// wins; ties go to the rule given last. Specificity is resolved per field:
// each of Threshold, Direction, Action and Budget comes from the most
// specific matching rule that sets it, so a `*:sec/op` threshold and an
// exact-key budget combine.
type Rule struct {
	Glob         string
	Threshold    *float64            // percent, FlameIQ grammar already parsed (sign kept)
	Direction    *snapshot.Direction // overrides the metric's own direction
	Action       Action              // "" means Block
	Budget       *Budget
	ZeroBaseline ZeroBaseline // "" means the default (regress; skip for FlameIQ inputs without samples)
}

// Budget is an absolute limit on a metric's head value.
type Budget struct {
	Min *float64
	Max *float64
	// Bare is set for a budget written as a bare number: a ceiling for a
	// lower-is-better or two-sided metric, a floor for a higher-is-better one.
	Bare bool
}

// Acceptance is a written opt-out: regressions of metrics matching Glob are
// ACCEPTED with Reason. Source says where it was written (a commit sha, "PR description").
type Acceptance struct {
	Glob   string
	Reason string
	Source string
}

// Options control a comparison. Start from DefaultOptions.
type Options struct {
	DefaultThreshold float64 // percent; FlameIQ default 10
	Margin           float64 // warning margin in percentage points; default 5
	Rules            []Rule
	Alpha            float64 // significance level; default 0.05
	MinSamples       int     // samples needed on both sides for the statistical mode; default 4
	Correction       string  // "" or "auto" (Holm–Bonferroni over the tested metrics where the sample sizes allow it), "holm" (always), "none"
	Tiers            *Tiers
	FailOnMissing    bool // a metric only in base fails the comparison
	Accept           []Acceptance
	// FlameIQMode forces the pure FlameIQ algorithm (direction fixed by key
	// name, no statistics); used for conformance.
	FlameIQMode bool
}

// Tiers: a change in the bad direction above Block percent regresses; above
// Warn percent (and up to Block) is a warning. Tiers replace the default
// threshold (Block) and the warning margin (Warn) for every metric; a rule's
// explicit Threshold still replaces Block for its metrics.
type Tiers struct {
	Warn  float64
	Block float64
}

// DefaultOptions returns FlameIQ's defaults plus benchstat's alpha.
func DefaultOptions() Options {
	return Options{DefaultThreshold: 10, Margin: 5, Alpha: 0.05, MinSamples: 4}
}

// Diff is the comparison of one metric.
type Diff struct {
	Key       string
	Unit      string
	Direction snapshot.Direction
	Status    Status

	Base, Head   float64 // centres: median of samples (NaN when absent)
	BaseN, HeadN int     // number of samples

	ChangePercent    float64 // FlameIQ change, rounded to 4 dp half-even (NaN when undefined)
	ThresholdPercent float64 // the parsed threshold, sign kept
	IsRegression     bool    // the final status is REGRESSION (FlameIQ's is_regression)
	Crossed          bool    // the threshold was crossed in the bad direction, significantly, before action, budget and opt-outs
	IsWarning        bool

	// Statistics (statistical mode only; P is NaN otherwise).
	Statistical bool
	P           float64 // the p-value that decided: one-sided in the direction of the change (two-sided for two-sided metrics), Holm-adjusted when Corrected
	PRaw        float64 // P before adjustment
	PTwoSided   float64 // benchstat's two-sided p-value (JSON only)
	EffectSize  float64 // Cliff's delta (see CliffsDelta); NaN outside statistical mode
	BaseLo      float64 // confidence interval of the base median
	BaseHi      float64
	HeadLo      float64
	HeadHi      float64
	Noise       bool // moved beyond the warn level, but not significantly (or within the single values' intervals): shown as "~"

	// ZeroBase is set when the base is zero and the head is not: the
	// change is not a percentage ("new cost"); ChangePercent is NaN.
	ZeroBase bool
	// Interval is set when the verdict rested on the intervals of single
	// summary values (snapshot.Metric.CI) rather than on samples.
	Interval       bool
	BaseCI, HeadCI *snapshot.Interval
	Derived        string // for a derived metric (Go's B/s from b.SetBytes): the key it mirrors
	RenamedTo      string // head's name for this base metric when the two differ only by invisible characters
	Legacy         bool   // judged by FlameIQ's rules exactly (FlameIQ inputs without samples)
	Reason         string // why the status, when it is not the obvious one (JSON "reason")

	info     bool // informational or derived, not named by a rule: status INFO
	constant bool // every sample of both sides is one value: no test to correct for

	// Corrected is set when P is Holm-adjusted (see Result.Family).
	Corrected bool

	Action       Action
	BudgetMsg    string // set when a budget is breached
	AcceptReason string // set when ACCEPTED
	AcceptSource string
	Notes        []string // footnotes (too few samples, zero baseline…)
}

// Result is a whole comparison.
type Result struct {
	Status          Status  // Pass or Regression (FlameIQ's overall status)
	Diffs           []Diff  // byte order of key
	StatisticalMode bool    // at least one metric used the statistical mode
	Alpha           float64 // significance level the statistical verdicts used
	// Family is the number of tested metrics the Holm–Bonferroni
	// correction ran over (0: no correction).
	Family   int
	Warnings []string

	// RuleChanges lists how the rules applied differ from the base
	// commit's flameiq.yaml ("threshold: 10% → 100000%"), and RuleDecision
	// says which rules judged and why. The PR check sets them; the engine
	// leaves them empty.
	RuleChanges  []string
	RuleDecision string

	failOnMissing bool // Options.FailOnMissing of the comparison
}

// Counts summarises a Result. Total counts the compared metrics (PASS,
// IMPROVED, INFO, WARNING, REGRESSION, ACCEPTED, BUDGET), as FlameIQ's
// counts.total does; NEW, MISSING, FAILED and SKIPPED metrics are counted
// apart. Passed counts PASS only (unchanged).
type Counts struct {
	Regressions, Warnings, Passed, Total    int
	New, Missing, Accepted, Budget, Skipped int
	Improved, Info, Failed                  int
}
