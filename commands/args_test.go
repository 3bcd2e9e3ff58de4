package commands

import (
	"bytes"
	"context"
	"reflect"
	"testing"
)

// Flags after positional arguments move before them, per command, so
// `bisect GOOD BAD --metric X` parses as git users expect; values of flags
// that take one stay attached; everything after -- is untouched.
func TestInterspersed(t *testing.T) {
	app := newApp(&env{ctx: context.Background(), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}})
	tests := []struct{ in, want []string }{
		{[]string{"g", "bisect", "A", "B", "--metric", "x*"}, []string{"g", "bisect", "--metric", "x*", "A", "B"}},
		{[]string{"g", "-C", "dir", "diff", "main", "--format=json", "--no-fail"}, []string{"g", "-C", "dir", "diff", "--format=json", "--no-fail", "main"}},
		{[]string{"g", "diff", "-t", "*=5%", "main"}, []string{"g", "diff", "-t", "*=5%", "main"}},
		{[]string{"g", "profile", "diff", "A..B", "-n", "3"}, []string{"g", "profile", "diff", "-n", "3", "A..B"}},
		{[]string{"g", "run", "-n", "2", "--", "go", "test", "-bench", "."}, []string{"g", "run", "-n", "2", "--", "go", "test", "-bench", "."}},
		{[]string{"g", "record", "-", "--suite", "s"}, []string{"g", "record", "--suite", "s", "-"}},
		{[]string{"g", "nosuch", "x", "--y"}, []string{"g", "nosuch", "x", "--y"}},
		{[]string{"g"}, []string{"g"}},
		{[]string{"g", "show", "-C", "dir", "HEAD"}, []string{"g", "-C", "dir", "show", "HEAD"}},
		{[]string{"g", "--ref", "x", "compare", "a", "b", "--config=f.yaml", "-f", "json"}, []string{"g", "--ref", "x", "--config=f.yaml", "compare", "-f", "json", "a", "b"}},
		{[]string{"g", "profile", "diff", "--ref", "refs/notes/p"}, []string{"g", "--ref", "refs/notes/p", "profile", "diff"}},
	}
	for _, tt := range tests {
		if got := interspersed(app, tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("interspersed(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestParseAcceptances(t *testing.T) {
	text := "Fix the encoder\n\n" +
		"Perf-Accepted: Encode*:sec/op: escaping every rune is required for correctness\n" +
		"perf-accepted: latency.p95: new TLS handshake\r\n" +
		"  Perf-Accepted: custom.*:\n" +
		"Perf-Accepted: throughput\n" +
		"Perf-Accepted: : no glob\n" +
		"Not-Perf-Accepted: x: y\n"
	got := parseAcceptances(text, "commit 1a2b3c4")
	want := []struct{ glob, reason string }{
		{"Encode*:sec/op", "escaping every rune is required for correctness"},
		{"latency.p95", "new TLS handshake"},
		{"custom.*", ""},
		{"throughput", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d acceptances: %+v", len(got), got)
	}
	for i, w := range want {
		if got[i].Glob != w.glob || got[i].Reason != w.reason || got[i].Source != "commit 1a2b3c4" {
			t.Errorf("%d: got %+v, want glob %q reason %q", i, got[i], w.glob, w.reason)
		}
	}
}

// Exit codes come from one place: regression 1, usage 2, data 3, never 1
// for an unknown error.
func TestExitCode(t *testing.T) {
	for err, want := range map[error]int{
		nil:                          0,
		errRegression:                1,
		usagef("bad"):                2,
		&dataError{usagef("x")}:      2,
		&codeError{125, "skip"}:      125,
		context.Canceled:             2,
		&dataError{context.Canceled}: 3,
	} {
		if got := exitCode(err); got != want {
			t.Errorf("exitCode(%v) = %d, want %d", err, got, want)
		}
	}
}
