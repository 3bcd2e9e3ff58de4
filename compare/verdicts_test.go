package compare

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/ingest"
)

var verdictsOut = flag.String("verdicts", "", "write the verdict table of every pair with a known truth to this file")

// verdictPair is a base/head pair of real runs whose true change is known
// by construction (testdata/corpus/MANIFEST.md, testdata/gate/*/README.md).
type verdictPair struct{ name, base, head string }

func verdictPairs(t *testing.T) []verdictPair {
	var out []verdictPair
	add := func(name, base, head string) {
		for _, p := range []string{base, head} {
			if _, err := os.Stat(p); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		out = append(out, verdictPair{name, base, head})
	}
	gopairs, _ := filepath.Glob(filepath.Join(pairsDir, "*"))
	sort.Strings(gopairs)
	for _, d := range gopairs {
		add("go-text/pairs/"+filepath.Base(d), filepath.Join(d, "base.txt"), filepath.Join(d, "head.txt"))
	}
	for _, p := range accPairs {
		if p.Criterion {
			continue // a run directory: base/ is read per file (accuracy_test.go)
		}
		d := filepath.Join(corpusDir, filepath.FromSlash(p.Name))
		add(p.Name, filepath.Join(d, p.Base), filepath.Join(d, p.Head))
	}
	gate := filepath.Join("..", "testdata", "gate")
	for _, g := range []string{"aa", "zeroalloc", "setbytes"} {
		add("gate/go/"+g, filepath.Join(gate, "go", g+"-base.txt"), filepath.Join(gate, "go", g+"-head.txt"))
	}
	lt := filepath.Join(gate, "loadtest")
	for _, d := range []string{"k6-aa/count-1", "k6-aa/count-2", "k6-aa/count-3", "k6-aa/default", "k6-delay"} {
		add("gate/loadtest/"+d, filepath.Join(lt, d, "base-summary.json"), filepath.Join(lt, d, "head-summary.json"))
	}
	for _, d := range []string{"locust-aa/1", "locust-aa/2", "locust-aa/3", "locust-aa/4", "locust-delay"} {
		add("gate/loadtest/"+d, filepath.Join(lt, d, "base_stats.csv"), filepath.Join(lt, d, "head_stats.csv"))
	}
	return out
}

// TestVerdictTable prints, for every pair with a known truth, how many
// metrics regress, warn, improve, stay unchanged and are not gated, at the
// default options (go test -run VerdictTable -v ./compare, or -verdicts
// FILE for a Markdown table).
func TestVerdictTable(t *testing.T) {
	var b strings.Builder
	b.WriteString("| pair | status | regressions | warnings | improved | unchanged | not gated | regressed metrics |\n|---|---|--:|--:|--:|--:|--:|---|\n")
	for _, p := range verdictPairs(t) {
		base, err := ingest.ParseFileWith(p.base, ingest.Options{})
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		head, err := ingest.ParseFileWith(p.head, ingest.Options{})
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		r, err := Compare(base, head, DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		c := r.Counts()
		var bad []string
		for _, d := range r.Diffs {
			if d.Status == Regression {
				bad = append(bad, fmt.Sprintf("%s %+.1f%%", d.Key, d.ChangePercent))
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d | %d | %s |\n", p.name, r.Status, c.Regressions, c.Warnings, c.Improved, c.Passed, c.Info, strings.Join(bad, ", "))
	}
	t.Log("\n" + b.String())
	if *verdictsOut != "" {
		if err := os.WriteFile(*verdictsOut, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
