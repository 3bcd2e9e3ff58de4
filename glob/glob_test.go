package glob

import "testing"

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, key string
		want         bool
	}{
		{"*", "", true},
		{"*", "Encode/small-2:sec/op", true},
		{"*:sec/op", "Encode/small-2:sec/op", true},
		{"*:sec/op", "Encode/small-2:B/op", false},
		{"Encode*", "Encode/small-2:sec/op", true},
		{"Encode", "Encode/small-2:sec/op", false},
		{"latency.p9?", "latency.p95", true},
		{"latency.p9?", "latency.p950", false},
		{"latency.p[59]5", "latency.p95", true},
		{"latency.p[!9]5", "latency.p95", false},
		{"latency.p[^9]5", "latency.p55", true},
		{"custom.[a-c]*", "custom.bytes", true},
		{"custom.[a-c]*", "custom.zz", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{`a\*`, "a*", true},
		{`a\*`, "ab", false},
		{"[", "[", true},
		{"µ?", "µs", true},
		{"?s", "µs", true},
		{"**", "x", true},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.key); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.key, got, tt.want)
		}
	}
}

func TestSpecificity(t *testing.T) {
	if !(Specificity("latency.p95") > Specificity("latency.*")) {
		t.Error("exact key must beat a glob")
	}
	if !(Specificity("Encode*:sec/op") > Specificity("*:sec/op")) {
		t.Error("more literal characters must win")
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("*:sec/op", "Encode/small-2:sec/op")
	f.Add("[a-", "b")
	f.Fuzz(func(t *testing.T, p, k string) {
		_ = Match(p, k)
		if IsLiteral(p) && Match(p, k) != (p == k) {
			t.Fatalf("literal %q vs %q", p, k)
		}
	})
}
