package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/snapshot"
)

// gateResult: 25 regressions with repeated samples below the statistical
// minimum (one shared footnote), 12 warnings, 3 improvements, a noisy move.
func gateResult(t *testing.T) *compare.Result {
	t.Helper()
	base, head := &snapshot.Snapshot{}, &snapshot.Snapshot{}
	for i := range 25 {
		k := fmt.Sprintf("Slow%02d:sec/op", i)
		base.Add(k, "sec/op", snapshot.LowerIsBetter, 100, 100)
		head.Add(k, "sec/op", snapshot.LowerIsBetter, float64(120+i), float64(120+i))
	}
	for i := range 12 {
		k := fmt.Sprintf("Band%02d:sec/op", i)
		base.Add(k, "sec/op", snapshot.LowerIsBetter, 100)
		head.Add(k, "sec/op", snapshot.LowerIsBetter, 107)
	}
	for i := range 3 {
		k := fmt.Sprintf("Fast%d:sec/op", i)
		base.Add(k, "sec/op", snapshot.LowerIsBetter, 100)
		head.Add(k, "sec/op", snapshot.LowerIsBetter, 70)
	}
	base.Add("Same:sec/op", "sec/op", snapshot.LowerIsBetter, 100)
	head.Add("Same:sec/op", "sec/op", snapshot.LowerIsBetter, 101)
	base.Sort()
	head.Sort()
	r, err := compare.Compare(base, head, compare.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestGitHubAnnotationCap(t *testing.T) {
	r := gateResult(t)
	var b bytes.Buffer
	if err := GitHub(&b, Rich{Result: r}, ""); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	count := func(prefix string) int {
		n := 0
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, prefix) {
				n++
			}
		}
		return n
	}
	if n := count("::error title=Performance regression"); n != AnnotationLimit {
		t.Errorf("%d regression annotations, want %d", n, AnnotationLimit)
	}
	if n := count("::warning title=Performance warning"); n != AnnotationLimit {
		t.Errorf("%d warning annotations, want %d", n, AnnotationLimit)
	}
	if !strings.Contains(out, "::error title=and 15 more::15 more findings are") || !strings.Contains(out, "::warning title=and 2 more::") {
		t.Errorf("no 'and N more' annotations:\n%s", out)
	}
	// Largest first: Slow24 (+44%) is annotated, Slow00 (+20%) is not.
	if !strings.Contains(out, "Slow24:sec/op") || strings.Contains(out, "Slow00:sec/op") {
		t.Errorf("annotations are not the largest findings:\n%s", out)
	}
	if strings.Contains(out, "Fast") || strings.Contains(out, "Same") {
		t.Errorf("improvements or unchanged metrics annotated:\n%s", out)
	}
	if n := strings.Count(out, "fewer than 4 samples"); n != 1 {
		t.Errorf("shared footnote written %d times, want once:\n%s", n, out)
	}
	if !strings.Contains(out, "25 regressions, 12 warnings, 3 improved, 1 unchanged (41 metrics)") {
		t.Errorf("summary line:\n%s", out)
	}
}

func TestHeadlineImproved(t *testing.T) {
	if got, want := Headline(gateResult(t)), "❌ 25 regressions · ⚠️ 12 warnings · 🚀 3 improved · 1 unchanged"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestMarkdownNotesOnce(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, Rich{Result: gateResult(t)}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	notes := out[strings.Index(out, "**Notes**"):]
	notes = notes[:strings.Index(notes, "<details>")]
	if n := strings.Count(notes, "fewer than 4 samples"); n != 1 {
		t.Errorf("note listed %d times:\n%s", n, notes)
	}
	if !strings.Contains(notes, "and 22 more") {
		t.Errorf("note does not count its metrics:\n%s", notes)
	}
	if !strings.Contains(out, "| 🚀 | Fast0:sec/op") {
		t.Errorf("improvements are not among the findings:\n%s", out)
	}
}
