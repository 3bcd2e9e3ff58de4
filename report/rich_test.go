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
	if err := HistoryHTML(&buf, "history of "+evilName, series, len(series)); err != nil {
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

// manyDiffs compares n metrics with long names, the first changed ones
// 30 % slower (regressions), the others unchanged.
func manyDiffs(t *testing.T, n, changed int) *compare.Result {
	t.Helper()
	base, head := &snapshot.Snapshot{}, &snapshot.Snapshot{}
	for i := range n {
		k := fmt.Sprintf("Benchmark/with/a/rather/long/name/number-%05d:sec/op", i)
		f := 1.0
		if i < changed {
			f = 1.3
		}
		base.Add(k, "sec/op", snapshot.LowerIsBetter, 1e-6)
		head.Add(k, "sec/op", snapshot.LowerIsBetter, f*1e-6)
	}
	base.Sort()
	head.Sort()
	r, err := compare.Compare(base, head, compare.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestMarkdownLimit: whatever the number of metrics and of findings, the
// comment stays under MarkdownLimit characters, findings first, their
// notes kept; the rows left out are counted, per table, and the report
// still ends with its footer.
func TestMarkdownLimit(t *testing.T) {
	for _, c := range []struct {
		name              string
		n, changed        int
		wantChangedShown  bool // every changed metric in the findings table
		wantAllRowsMoreAt bool // the full table cut short, with a count
	}{
		{"small", 20, 2, true, false},
		{"many unchanged", 3000, 2, true, true},
		{"many findings", 3000, 2000, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := manyDiffs(t, c.n, c.changed)
			r.Warnings = append(r.Warnings, "a note the reviewer must read")
			var buf bytes.Buffer
			if err := Markdown(&buf, Rich{Result: r}); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if !strings.Contains(out, "**Notes**\n\n- a note the reviewer must read\n") {
				t.Error("the findings' notes were left out")
			}
			if n := utf16Len(out); n > MarkdownLimit {
				t.Errorf("%d characters, over MarkdownLimit", n)
			}
			details := strings.Index(out, "<details>")
			if details < 0 {
				t.Fatalf("no full table:\n%.400s", out)
			}
			findings, all := out[:details], out[details:]
			if got := strings.Count(findings, "| ❌ |"); (got == c.changed) != c.wantChangedShown || got == 0 {
				t.Errorf("%d of %d findings shown before the full table (want all: %v)", got, c.changed, c.wantChangedShown)
			}
			if !c.wantChangedShown {
				shown := strings.Count(findings, "| ❌ |")
				if !strings.Contains(findings, fmt.Sprintf("… %s more changed metrics not shown (comment size limit)", thousands(c.changed-shown))) {
					t.Errorf("no count of the findings left out:\n%s", findings[len(findings)-400:])
				}
			}
			shown := strings.Count(all, "| ✅ |") + strings.Count(all, "| ❌ |")
			note := "rows not shown (comment size limit): the job summary and the HTML report"
			if c.wantAllRowsMoreAt != strings.Contains(all, note) {
				t.Errorf("full table: truncation note %v, want %v:\n%s", !c.wantAllRowsMoreAt, c.wantAllRowsMoreAt, all[max(0, len(all)-400):])
			}
			if c.wantAllRowsMoreAt && !strings.Contains(all, thousands(c.n-shown)+" ") {
				t.Errorf("full table: %d rows shown of %d, no count of %d left out:\n%s", shown, c.n, c.n-shown, all[len(all)-400:])
			}
			if !c.wantAllRowsMoreAt && shown != c.n {
				t.Errorf("full table: %d rows of %d", shown, c.n)
			}
			if !strings.HasSuffix(out, "</details>\n\n<sub>git-flameiq</sub>\n") {
				t.Errorf("bad ending:\n%s", out[len(out)-200:])
			}
		})
	}
}

// TestStepSummaryLimit: the job summary stays under SummaryLimit bytes
// with what the file already held, and a file already full gets nothing
// (the log says so).
func TestStepSummaryLimit(t *testing.T) {
	r := manyDiffs(t, 12000, 40)
	for _, c := range []struct {
		name    string
		already int
		written bool
	}{
		{"empty", 0, true},
		{"half full", SummaryLimit / 2, true},
		{"full", SummaryLimit - 1000, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "summary.md")
			if err := os.WriteFile(path, bytes.Repeat([]byte("x"), c.already), 0o644); err != nil {
				t.Fatal(err)
			}
			var log bytes.Buffer
			if err := GitHub(&log, Rich{Result: r}, path); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(data) > SummaryLimit {
				t.Errorf("summary file %d bytes, over SummaryLimit", len(data))
			}
			added := string(data[c.already:])
			if got := added != ""; got != c.written {
				t.Errorf("summary written: %v, want %v", got, c.written)
			}
			if c.written && (strings.Count(added, "| ❌ |") != 2*40 || !strings.Contains(added, "rows not shown (job summary size limit)")) {
				t.Errorf("summary: %d findings rows (want 80, twice 40), or no count of the rows left out:\n%s", strings.Count(added, "| ❌ |"), added[max(0, len(added)-400):])
			}
			if said := strings.Contains(log.String(), "job summary not written"); said == c.written {
				t.Errorf("log says the summary was not written: %v:\n%s", said, log.String())
			}
		})
	}
}

func TestUTF16Len(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "µs": 2, "❌": 1, "⚠️": 2, "🚀": 2, "🆕 x": 4} {
		if got := utf16Len(s); got != want {
			t.Errorf("utf16Len(%q) = %d, want %d", s, got, want)
		}
	}
}
