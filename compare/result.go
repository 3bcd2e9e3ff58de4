package compare

import (
	"fmt"
	"strings"
)

// Counts tallies the statuses of r's diffs.
func (r *Result) Counts() Counts {
	var c Counts
	for _, d := range r.Diffs {
		switch d.Status {
		case Regression:
			c.Regressions++
		case Warning:
			c.Warnings++
		case Pass:
			c.Passed++
		case Accepted:
			c.Accepted++
		case BudgetBreach:
			c.Budget++
		case New:
			c.New++
		case Missing:
			c.Missing++
		case Skipped:
			c.Skipped++
		case Improved:
			c.Improved++
		case Info:
			c.Info++
		case Failed:
			c.Failed++
		}
	}
	c.Total = c.Regressions + c.Warnings + c.Passed + c.Accepted + c.Budget + c.Improved + c.Info
	return c
}

// Failed reports whether r fails the check: a regression, a budget breach,
// or (when Options.FailOnMissing was set) a metric missing from head.
func (r *Result) Failed() bool {
	for _, d := range r.Diffs {
		if r.fails(d) {
			return true
		}
	}
	return false
}

// Fails reports whether d makes r fail (see Failed).
func (r *Result) Fails(d Diff) bool { return r.fails(d) }

func (r *Result) fails(d Diff) bool {
	return d.Status == Regression || d.Status == BudgetBreach || d.Status == Failed || r.failOnMissing && d.Status == Missing
}

// ExitCode is 1 when the overall status is REGRESSION, else 0.
func (r *Result) ExitCode() int {
	if r.Status == Regression {
		return 1
	}
	return 0
}

// Summary is FlameIQ's one-line summary, word for word:
// "2 regression(s) in: a, b" or "All 5 metric(s) within threshold.".
// Failing metrics are regressions, budget breaches and, when they fail the
// result, missing metrics; they are listed in key order. Total is
// Counts().Total.
func (r *Result) Summary() string {
	var bad []string
	for _, d := range r.Diffs {
		if r.fails(d) {
			bad = append(bad, d.Key)
		}
	}
	if len(bad) > 0 {
		return fmt.Sprintf("%d regression(s) in: %s", len(bad), strings.Join(bad, ", "))
	}
	return fmt.Sprintf("All %d metric(s) within threshold.", r.Counts().Total)
}
