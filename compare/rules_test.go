package compare

import (
	"fmt"
	"testing"

	"github.com/flameiq/git-flameiq/snapshot"
)

func TestResolve(t *testing.T) {
	lower := snapshot.LowerIsBetter
	rules := []Rule{
		{Glob: "*", Threshold: ptr(20.0)},
		{Glob: "*:sec/op", Threshold: ptr(5.0), Budget: &Budget{Max: ptr(1.0)}},
		{Glob: "Encode-2:sec/op", Action: Warn},
		{Glob: "*:allocs/op", ZeroBaseline: ZeroWarn, Direction: &lower},
	}
	tests := []struct {
		key       string
		threshold float64
		action    Action
		budget    bool
		zero      ZeroBaseline
		dir       bool
		named     bool
	}{
		{"Encode-2:sec/op", 5, Warn, true, "", false, true},
		{"Decode-2:sec/op", 5, "", true, "", false, true},
		{"Encode-2:allocs/op", 20, "", false, ZeroWarn, true, true},
		{"Encode-2:B/s", 20, "", false, "", false, false}, // only the bare "*" matches
	}
	for _, tt := range tests {
		r := Resolve(rules, tt.key)
		if r.Threshold == nil || *r.Threshold != tt.threshold || r.Action != tt.action || (r.Budget != nil) != tt.budget ||
			r.ZeroBaseline != tt.zero || (r.Direction != nil) != tt.dir || r.Named != tt.named {
			t.Errorf("%s: %+v", tt.key, r)
		}
	}
}

func TestOptionChecks(t *testing.T) {
	for _, a := range []float64{0, 1, -0.1, 1.5} {
		if CheckAlpha(a) == nil {
			t.Errorf("alpha %v accepted", a)
		}
	}
	if CheckAlpha(0.05) != nil || CheckMinSamples(2) != nil || CheckMinSamples(1) == nil || CheckMargin(-3) != nil {
		t.Error("valid values refused or invalid accepted")
	}
	for in, want := range map[string]float64{"10%": 10, "-5.5%": -5.5, "1": 1, " 2.5 ": 2.5} {
		if got, err := ParseThresholdValue(in); err != nil || got != want {
			t.Errorf("%q: %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"abc", "NaN", "inf", "0x10", "1e", "%"} {
		if _, err := ParseThresholdValue(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

// TestRuleSetIndex: resolving a key looks only at the rules whose literal
// prefix starts the key (linear in keys with 200,000 globs), and gives the
// same answer as testing every rule.
func TestRuleSetIndex(t *testing.T) {
	var rules []Rule
	for i := range 20000 {
		th := float64(i % 50)
		rules = append(rules, Rule{Glob: fmt.Sprintf("Bench%d*", i), Threshold: &th})
	}
	five, two := 5.0, 2.0
	rules = append(rules, Rule{Glob: "*:sec/op", Threshold: &five}, Rule{Glob: "Bench42-2:sec/op", Threshold: &two}, Rule{Glob: "[B]ench7*", Action: Warn})
	rs := NewRuleSet(rules)
	if n := len(rs.candidates("Bench42-2:sec/op")); n > 8 {
		t.Errorf("%d candidate rules for one key, want a handful", n)
	}
	brute := func(key string) Resolved {
		var out Resolved
		if r := bestRule(rules, key, func(r Rule) bool { return r.Threshold != nil }); r != nil {
			out.Threshold = r.Threshold
		}
		if r := bestRule(rules, key, func(r Rule) bool { return r.Action != "" }); r != nil {
			out.Action = r.Action
		}
		return out
	}
	for _, key := range []string{"Bench42-2:sec/op", "Bench4:B/op", "Bench19999-2:sec/op", "Other:sec/op", "Bench7-2:allocs/op", "Bench"} {
		got, want := rs.Resolve(key), brute(key)
		if (got.Threshold == nil) != (want.Threshold == nil) || got.Threshold != nil && *got.Threshold != *want.Threshold || got.Action != want.Action {
			t.Errorf("%s: index %+v, every rule %+v", key, got, want)
		}
	}
}
