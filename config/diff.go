package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/flameiq/git-flameiq/compare"
)

// Diff lists what changed from a to b, one line per setting:
// `thresholds "*": 10% → 100000%`, `metrics "*": action — → warn`,
// `statistics.alpha: 0.05 → 1e-07`. "—" is "not set". Settings that do
// not judge anything (base, notes_ref, drift, profiles) are left out. The
// order is stable: top-level settings, then rules by glob.
func Diff(a, b *Config) []string {
	var out []string
	add := func(what, x, y string) {
		if x != y {
			out = append(out, fmt.Sprintf("%s: %s → %s", what, x, y))
		}
	}
	add("threshold", pct(a.Threshold), pct(b.Threshold))
	add("margin", num(a.Margin), num(b.Margin))
	add("tiers", tiers(a.Tiers), tiers(b.Tiers))
	add("statistics.alpha", nonzero(a.Alpha), nonzero(b.Alpha))
	add("statistics.min_samples", nonzeroInt(a.MinSamples), nonzeroInt(b.MinSamples))
	add("statistics.correction", orDash(a.Correction), orDash(b.Correction))
	add("fail_on_missing", strconv.FormatBool(a.FailOnMissing), strconv.FormatBool(b.FailOnMissing))
	add("environment.must_match", orDash(strings.Join(a.MustMatch, ", ")), orDash(strings.Join(b.MustMatch, ", ")))
	ra, rb := rulesByGlob(a.Rules), rulesByGlob(b.Rules)
	globs := map[string]bool{}
	for g := range ra {
		globs[g] = true
	}
	for g := range rb {
		globs[g] = true
	}
	keys := make([]string, 0, len(globs))
	for g := range globs {
		keys = append(keys, g)
	}
	sort.Strings(keys)
	for _, g := range keys {
		x, y := ra[g], rb[g]
		q := strconv.Quote(g)
		add("rule "+q+" threshold", pct(x.Threshold), pct(y.Threshold))
		add("rule "+q+" direction", dir(x), dir(y))
		add("rule "+q+" action", orDash(string(x.Action)), orDash(string(y.Action)))
		add("rule "+q+" budget", budget(x.Budget), budget(y.Budget))
		add("rule "+q+" zero_baseline", orDash(string(x.ZeroBaseline)), orDash(string(y.ZeroBaseline)))
	}
	return out
}

// rulesByGlob merges the rules of one config by glob (the last setting of
// a field wins, as the engine resolves them).
func rulesByGlob(rules []compare.Rule) map[string]compare.Rule {
	out := map[string]compare.Rule{}
	for _, r := range rules {
		m := out[r.Glob]
		m.Glob = r.Glob
		if r.Threshold != nil {
			m.Threshold = r.Threshold
		}
		if r.Direction != nil {
			m.Direction = r.Direction
		}
		if r.Action != "" {
			m.Action = r.Action
		}
		if r.Budget != nil {
			m.Budget = r.Budget
		}
		if r.ZeroBaseline != "" {
			m.ZeroBaseline = r.ZeroBaseline
		}
		out[r.Glob] = m
	}
	return out
}

const unset = "—"

func orDash(s string) string {
	if s == "" {
		return unset
	}
	return s
}

func pct(f *float64) string {
	if f == nil {
		return unset
	}
	return strconv.FormatFloat(*f, 'g', -1, 64) + "%"
}

func num(f *float64) string {
	if f == nil {
		return unset
	}
	return strconv.FormatFloat(*f, 'g', -1, 64)
}

func nonzero(f float64) string {
	if f == 0 {
		return unset
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func nonzeroInt(n int) string {
	if n == 0 {
		return unset
	}
	return strconv.Itoa(n)
}

func tiers(t *compare.Tiers) string {
	if t == nil {
		return unset
	}
	return fmt.Sprintf("{warn: %g%%, block: %g%%}", t.Warn, t.Block)
}

func dir(r compare.Rule) string {
	if r.Direction == nil {
		return unset
	}
	return r.Direction.String()
}

func budget(b *compare.Budget) string {
	if b == nil {
		return unset
	}
	s := ""
	if b.Min != nil {
		s += "min " + strconv.FormatFloat(*b.Min, 'g', -1, 64)
	}
	if b.Max != nil {
		if s != "" {
			s += ", "
		}
		s += "max " + strconv.FormatFloat(*b.Max, 'g', -1, 64)
	}
	return s
}
