package main

import (
	"slices"
	"testing"
	"time"
)

func TestSplitWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  bool
	}{
		{"git -C /tmp/r log -n 1000", []string{"git", "-C", "/tmp/r", "log", "-n", "1000"}, false},
		{`  a   b  `, []string{"a", "b"}, false},
		{`git notes append -m {"x":1} HEAD~2`, []string{"git", "notes", "append", "-m", "{x:1}", "HEAD~2"}, false},
		{`-m '{"x":1}'`, []string{"-m", `{"x":1}`}, false},
		{`--metric '*:sec/op' -t '*=1%'`, []string{"--metric", "*:sec/op", "-t", "*=1%"}, false},
		{`sh -c 'a | b; c'`, []string{"sh", "-c", "a | b; c"}, false},
		{`"a \"b\" \\c" d\ e ''`, []string{`a "b" \c`, "d e", ""}, false},
		{`x'y'"z"`, []string{"xyz"}, false},
		{`'open`, nil, true},
		{`"open`, nil, true},
		{`trailing\`, nil, true},
	} {
		got, err := splitWords(tc.in)
		if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
			t.Errorf("splitWords(%q) = %q, %v; want %q (error %v)", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// The ratio is the median of per-pair ratios, not the ratio of medians:
// a drift that slows both commands of a pair cancels out.
func TestSummarize(t *testing.T) {
	ms := func(xs ...float64) []time.Duration {
		out := make([]time.Duration, len(xs))
		for i, x := range xs {
			out[i] = time.Duration(x * 1e6)
		}
		return out
	}
	a, b, r, lo, hi := summarize(ms(10, 20, 40), ms(20, 40, 80))
	if a != 20 || b != 40 || r != 0.5 || lo != 0.5 || hi != 0.5 {
		t.Errorf("summarize = %v %v %v %v %v, want 20 40 0.5 0.5 0.5", a, b, r, lo, hi)
	}
	// Four pairs: medians of an even count are the mean of the middle two.
	a, b, r, lo, hi = summarize(ms(1, 2, 3, 4), ms(1, 1, 1, 1))
	if a != 2.5 || b != 1 || r != 2.5 || lo != 1 || hi != 4 {
		t.Errorf("summarize = %v %v %v %v %v, want 2.5 1 2.5 1 4", a, b, r, lo, hi)
	}
}

// A whole run: two real commands, timed in pairs.
func TestTimeOne(t *testing.T) {
	for _, pipe := range []bool{false, true} {
		d, err := timeOne([]string{"sh", "-c", "echo hello; exit 1"}, pipe)
		if err != nil || d <= 0 {
			t.Errorf("pipe=%v: %v, %v (exit 1 is a regression verdict, not a failure)", pipe, d, err)
		}
		if _, err := timeOne([]string{"sh", "-c", "exit 2"}, pipe); err == nil {
			t.Errorf("pipe=%v: exit 2 not reported", pipe)
		}
	}
}
