package compare

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/flameiq/git-flameiq/glob"
	"github.com/flameiq/git-flameiq/snapshot"
)

// Resolved is what the rules say about one metric key: each field comes
// from the most specific rule that sets it (see Rule), nil or "" when no
// rule does. Every command that judges a metric (diff, check, bisect,
// drift, review, log) reads the rules through Resolve.
type Resolved struct {
	Threshold    *float64
	Direction    *snapshot.Direction
	Action       Action
	Budget       *Budget
	ZeroBaseline ZeroBaseline
	// Named is set when a rule whose glob has a literal character (not a
	// bare "*") sets something for the key: such a rule gates metrics that
	// are otherwise only shown (INFO).
	Named bool
}

// Resolve returns the settings rules give key. For many keys, build a
// RuleSet once instead.
func Resolve(rules []Rule, key string) Resolved { return NewRuleSet(rules).Resolve(key) }

// RuleSet indexes rules by the literal prefix of their globs (the
// characters before the first wildcard), so that resolving a key tests
// only the rules whose prefix the key starts with: with 200,000 globs and
// 60,000 keys, resolving is linear in the keys, not their product.
type RuleSet struct {
	rules    []Rule
	byPrefix map[string][]int // literal prefix → rule indexes, in order
	lens     []int            // the distinct prefix lengths, ascending
}

// NewRuleSet indexes rules (which it does not copy or modify).
func NewRuleSet(rules []Rule) *RuleSet {
	rs := &RuleSet{rules: rules, byPrefix: map[string][]int{}}
	seen := map[int]bool{}
	for i, r := range rules {
		p := literalPrefix(r.Glob)
		rs.byPrefix[p] = append(rs.byPrefix[p], i)
		if !seen[len(p)] {
			seen[len(p)] = true
			rs.lens = append(rs.lens, len(p))
		}
	}
	slices.Sort(rs.lens)
	return rs
}

// literalPrefix is the part of a glob before its first wildcard or escape.
func literalPrefix(g string) string {
	for i := 0; i < len(g); i++ {
		switch g[i] {
		case '*', '?', '[', '\\':
			return g[:i]
		}
	}
	return g
}

// candidates returns the indexes of the rules that may match key, in the
// order the rules were given.
func (rs *RuleSet) candidates(key string) []Rule {
	var idx []int
	for _, n := range rs.lens {
		if n > len(key) {
			break
		}
		idx = append(idx, rs.byPrefix[key[:n]]...)
	}
	slices.Sort(idx)
	out := make([]Rule, len(idx))
	for i, j := range idx {
		out[i] = rs.rules[j]
	}
	return out
}

// Resolve returns the settings the rules give key.
func (rs *RuleSet) Resolve(key string) Resolved {
	var out Resolved
	rules := rs.candidates(key)
	if len(rules) == 0 {
		return out
	}
	if r := bestRule(rules, key, func(r Rule) bool { return r.Threshold != nil }); r != nil {
		out.Threshold = r.Threshold
	}
	if r := bestRule(rules, key, func(r Rule) bool { return r.Direction != nil }); r != nil {
		out.Direction = r.Direction
	}
	if r := bestRule(rules, key, func(r Rule) bool { return r.Action != "" }); r != nil {
		out.Action = r.Action
	}
	if r := bestRule(rules, key, func(r Rule) bool { return r.Budget != nil }); r != nil {
		out.Budget = r.Budget
	}
	if r := bestRule(rules, key, func(r Rule) bool { return r.ZeroBaseline != "" }); r != nil {
		out.ZeroBaseline = r.ZeroBaseline
	}
	for _, r := range rules {
		if glob.Specificity(r.Glob) > 0 && !r.empty() && glob.Match(r.Glob, key) {
			out.Named = true
			break
		}
	}
	return out
}

func (r Rule) empty() bool {
	return r.Threshold == nil && r.Direction == nil && r.Action == "" && r.Budget == nil && r.ZeroBaseline == ""
}

// bestRule returns the most specific rule matching key among those for
// which has is true (see Rule), or nil.
func bestRule(rules []Rule, key string, has func(Rule) bool) *Rule {
	var best *Rule
	bestExact, bestLit := false, -1
	for i := range rules {
		r := &rules[i]
		if !has(*r) {
			continue
		}
		exact := r.Glob == key
		if !exact && !glob.Match(r.Glob, key) {
			continue
		}
		lit := glob.Specificity(r.Glob)
		if best == nil || exact && !bestExact || exact == bestExact && lit >= bestLit {
			best, bestExact, bestLit = r, exact, lit
		}
	}
	return best
}

// The checks below are the one place option values are validated; the
// command line and flameiq.yaml prefix their messages with where the value
// came from.

// CheckAlpha: a significance level is in (0, 1).
func CheckAlpha(a float64) error {
	if !(a > 0 && a < 1) {
		return fmt.Errorf("alpha must be in (0, 1), got %g", a)
	}
	return nil
}

// CheckMinSamples: the statistics need at least 2 samples a side.
func CheckMinSamples(n int) error {
	if n < 2 {
		return fmt.Errorf("min_samples must be at least 2, got %d", n)
	}
	return nil
}

// CheckMargin: a warning margin is a finite number of percentage points
// (FlameIQ allows a negative one: the warn band then starts beyond T).
func CheckMargin(m float64) error {
	if math.IsNaN(m) || math.IsInf(m, 0) {
		return fmt.Errorf("margin must be a finite number of percentage points, got %g", m)
	}
	return nil
}

// ParseThresholdValue parses a threshold as written on the command line or
// in flameiq.yaml: a FlameIQ percent string ("10%", "-5.5%") or a plain
// number of percent ("10", as FlameIQ's threshold maps allow).
func ParseThresholdValue(s string) (float64, error) {
	if f, err := ParseThresholdString(s); err == nil {
		return f, nil
	}
	t := strings.TrimSpace(s)
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(t, "xXpP_") {
		return 0, &ThresholdError{Value: strconv.Quote(s)}
	}
	return f, nil
}
