package report

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/snapshot"
)

const (
	baseSha = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
	headSha = "5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80"
)

// richFixtures are the rich-report cases: the text/JSON fixtures plus a
// passing result and a hostile one whose names try to break every format.
func richFixtures(t *testing.T) map[string]Rich {
	t.Helper()
	res := results(t)
	day := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	hist := func(key, unit string, vals ...float64) HistorySeries {
		s := HistorySeries{Key: key, Unit: unit}
		for i, v := range vals {
			sha := strings.Repeat(string(rune('a'+i)), 40)
			s.Points = append(s.Points, HistoryPoint{Sha: sha, Subject: "commit " + string(rune('A'+i)), Date: day.AddDate(0, 0, i), Value: v})
		}
		return s
	}
	out := map[string]Rich{
		"gopair": {Result: res["gopair"], BaseCommit: baseSha, HeadCommit: headSha,
			BaseReason: "base 1a2b3c4 (merge-base of HEAD and main)", HeadLabel: "5d6e7f8"},
		"flameiq": {Result: res["flameiq"], BaseLabel: "base.json", HeadLabel: "head.json"},
		"mixed": {Result: res["mixed"], BaseCommit: baseSha, HeadCommit: headSha,
			BaseReason: "base 1a2b3c4: 9f8e7d6 is merge-base of HEAD and main, which has no snapshot; using its nearest recorded first-parent ancestor, 2 commit(s) back",
			History: []HistorySeries{
				hist("Parse-2:sec/op", "sec/op", 1.0e-6, 1.02e-6, 0.98e-6, 1.01e-6, 1.5e-6),
				hist("Read-2:B/s", "B/s", 100e6, 101e6, math.NaN(), 80e6),
			},
			Profile: &ProfileChanges{Name: "cpu", BaseCommit: baseSha, HeadCommit: headSha, Functions: []ProfileFunction{
				{Name: "main.escapeSlow", BasePct: 2.5, HeadPct: 30.1, DeltaPct: 27.6, DeltaPerOp: 427e-6, PerOpUnit: "sec/op", Linked: true},
				{Name: "runtime.mallocgc", BasePct: 20, HeadPct: 14.25, DeltaPct: -5.75, DeltaPerOp: -12.5e-6, PerOpUnit: "sec/op", Linked: true},
				{Name: "strings.(*Builder).WriteString", BasePct: 8, HeadPct: 9, DeltaPct: 1, DeltaPerOp: 1.5e-6, PerOpUnit: "sec/op", Linked: true},
			}},
		},
		"pass":    {Result: passResult(t), BaseReason: "base 1a2b3c4 (merge-base of HEAD and main)"},
		"hostile": hostile(t),
	}
	return out
}

func passResult(t *testing.T) *compare.Result {
	t.Helper()
	r, err := compare.Compare(
		flat(map[string]float64{"latency.p95": 120, "throughput": 1000}),
		flat(map[string]float64{"latency.p95": 121, "throughput": 1001}),
		compare.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// evilName is a metric that would run script if a report did not escape it.
const evilName = "<script>alert(1)</script>"

func hostile(t *testing.T) Rich {
	t.Helper()
	base, head := &snapshot.Snapshot{}, &snapshot.Snapshot{}
	for _, k := range []string{evilName, "pipe|name\nsecond line `tick` *bold* %25 a:b,c"} {
		base.Add(k, "", snapshot.LowerIsBetter, 100)
		head.Add(k, "", snapshot.LowerIsBetter, 150)
	}
	base.Sort()
	head.Sort()
	o := compare.DefaultOptions()
	o.Accept = []compare.Acceptance{{Glob: "pipe*", Reason: "", Source: "PR description"}}
	r, err := compare.Compare(base, head, o)
	if err != nil {
		t.Fatal(err)
	}
	return Rich{Result: r, BaseReason: "base <b>1a2b3c4</b>", HeadLabel: "<i>head</i>",
		History: []HistorySeries{{Key: evilName, Points: []HistoryPoint{{Sha: "x", Subject: evilName, Value: 100}, {Sha: "y", Subject: "</title><script>", Value: 150}}}},
		Profile: &ProfileChanges{Name: "<cpu>", Functions: []ProfileFunction{{Name: evilName + "|`f`", BasePct: 1, HeadPct: 2, DeltaPct: 1}}},
	}
}

func TestMarkdownGolden(t *testing.T) {
	for name, rich := range richFixtures(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Markdown(&buf, rich); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(buf.String(), MarkdownMarker+"\n") {
				t.Errorf("no marker first:\n%s", buf.String())
			}
			golden(t, name+".md", buf.Bytes())
		})
	}
}

func TestGitHubGolden(t *testing.T) {
	for name, rich := range richFixtures(t) {
		t.Run(name, func(t *testing.T) {
			summary := filepath.Join(t.TempDir(), "summary.md")
			// The step summary is appended to, never truncated.
			if err := os.WriteFile(summary, []byte("earlier step\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := GitHub(&buf, rich, summary); err != nil {
				t.Fatal(err)
			}
			golden(t, name+".github", buf.Bytes())
			got, err := os.ReadFile(summary)
			if err != nil {
				t.Fatal(err)
			}
			var md bytes.Buffer
			if err := Markdown(&md, rich); err != nil {
				t.Fatal(err)
			}
			if want := "earlier step\n" + md.String(); string(got) != want {
				t.Errorf("step summary:\n%s\nwant:\n%s", got, want)
			}
			// Every workflow command is one line.
			for _, line := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
				if strings.HasPrefix(line, "::") && strings.Count(line, "::") < 2 {
					t.Errorf("malformed command %q", line)
				}
			}
		})
	}
}

func TestGitHubNoSummary(t *testing.T) {
	var buf bytes.Buffer
	if err := GitHub(&buf, Rich{Result: passResult(t)}, ""); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "0 regressions, 0 warnings, 2 unchanged (2 metrics)\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestGitHubEscape(t *testing.T) {
	if got, want := ghData("50% a\r\nb"), "50%25 a%0D%0Ab"; got != want {
		t.Errorf("ghData = %q, want %q", got, want)
	}
	if got, want := ghProperty("Regression: a:b,c 5%\n"), "Regression%3A a%3Ab%2Cc 5%25%0A"; got != want {
		t.Errorf("ghProperty = %q, want %q", got, want)
	}
}

func TestHTMLGolden(t *testing.T) {
	for name, rich := range richFixtures(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := HTML(&buf, rich); err != nil {
				t.Fatal(err)
			}
			checkOffline(t, buf.String())
			golden(t, name+".html", buf.Bytes())
		})
	}
}

func TestHistoryHTML(t *testing.T) {
	f := richFixtures(t)
	series := append(append([]HistorySeries(nil), f["mixed"].History...), f["hostile"].History...)
	series = append(series, HistorySeries{Key: "empty"})
	var buf bytes.Buffer
	if err := HistoryHTML(&buf, "history of "+evilName, series); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	checkOffline(t, out)
	if n := strings.Count(out, `<svg class="chart small"`); n != 3 {
		t.Errorf("%d line charts, want 3", n)
	}
	if !strings.Contains(out, "No finite values recorded.") {
		t.Error("the empty series is not said")
	}
	if strings.Contains(out, "All ") || strings.Contains(out, `id="all"`) {
		t.Error("history page has a diff table")
	}
	if !strings.Contains(out, `<table class="log">`) {
		t.Error("history page has no commit table")
	}
	golden(t, "history.html", buf.Bytes())
}

// checkOffline asserts that an HTML report escapes every name and
// refers to nothing outside itself.
func checkOffline(t *testing.T, out string) {
	t.Helper()
	for _, bad := range []string{evilName, "<b>1a2b3c4", "<i>head", "</title><script>", "http://", "https://", "src=", "@import", "url("} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
	if n := strings.Count(out, "<script>"); n > 1 {
		t.Errorf("%d <script> tags, want at most the filter's", n)
	}
}

func TestMarkdownEscape(t *testing.T) {
	var buf bytes.Buffer
	if err := Markdown(&buf, hostile(t)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, evilName) || strings.Contains(out, "<b>") || strings.Contains(out, "<i>") {
		t.Errorf("unescaped HTML:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		// Every row of a table has as many unescaped pipes as its header.
		cells := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|")
		if cells != 9 && cells != 5 {
			t.Errorf("row splits into %d cells: %s", cells-1, line)
		}
	}
	if !strings.Contains(out, "a written reason is required") {
		t.Errorf("the empty opt-out is not explained:\n%s", out)
	}
}

func TestHeadline(t *testing.T) {
	f := richFixtures(t)
	for name, want := range map[string]string{
		"pass":    "✅ No performance regressions · 2 unchanged",
		"flameiq": "❌ 2 regressions · ⚠️ 1 warning · 2 unchanged · ➖ 1 skipped",
		"mixed":   "❌ 2 regressions · ❌ 1 budget breach · ❔ 1 missing · ☑️ 1 accepted · 🆕 1 new",
	} {
		if got := Headline(f[name].Result); got != want {
			t.Errorf("%s: got  %q\nwant %q", name, got, want)
		}
	}
}

func TestValueUnit(t *testing.T) {
	for _, c := range []struct {
		v    float64
		unit string
		want string
	}{
		{2e-3, "sec/op", "2.000 ms/op"},
		{5000, "B/op", "4.883 KiB/op"},
		{1.5, "sec/op", "1.500 s/op"},
		{100e6, "B/s", "95.37 MiB/s"},
		{12, "", "12"},
		{math.NaN(), "sec/op", "NaN"},
	} {
		if got := valueUnit(scaler(c.unit, c.v), c.v, c.unit); got != c.want {
			t.Errorf("valueUnit(%g, %q) = %q, want %q", c.v, c.unit, got, c.want)
		}
	}
	if got, want := signedValueUnit(427e-6, "sec/op"), "+427.0 µs/op"; got != want {
		t.Errorf("signedValueUnit = %q, want %q", got, want)
	}
}

func TestMarkdownLimit(t *testing.T) {
	base, head := &snapshot.Snapshot{}, &snapshot.Snapshot{}
	for i := range 3000 {
		k := fmt.Sprintf("Benchmark/with/a/rather/long/name/number-%04d:sec/op", i)
		base.Add(k, "sec/op", snapshot.LowerIsBetter, 1e-6)
		head.Add(k, "sec/op", snapshot.LowerIsBetter, 1e-6)
	}
	base.Sort()
	head.Sort()
	r, err := compare.Compare(base, head, compare.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Markdown(&buf, Rich{Result: r}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if buf.Len() > MarkdownLimit {
		t.Errorf("%d bytes, over MarkdownLimit", buf.Len())
	}
	shown := strings.Count(out, "| ✅ |")
	if !strings.Contains(out, fmt.Sprintf("… %d more metrics not shown", 3000-shown)) {
		t.Errorf("no truncation note for %d shown rows:\n%s", shown, out[len(out)-400:])
	}
	if !strings.HasSuffix(out, "</details>\n\n<sub>git-flameiq</sub>\n") {
		t.Errorf("bad ending:\n%s", out[len(out)-200:])
	}
}
