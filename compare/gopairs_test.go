package compare

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/perf/benchunit"

	"github.com/flameiq/git-flameiq/snapshot"

	"github.com/flameiq/git-flameiq/internal/testkit"
)

var pairsDir = filepath.Join("..", "testdata", "corpus", "go-text", "pairs")

// goPairs lists the Go ground-truth pairs, skipping when the corpus is absent.
func goPairs(t *testing.T) []string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(pairsDir, "*"))
	if len(dirs) == 0 {
		t.Fatalf("no Go pairs under %s", pairsDir)
	}
	sort.Strings(dirs)
	return dirs
}

func readGoBench(t *testing.T, path string) *snapshot.Snapshot { return testkit.ReadGoBench(t, path) }

func comparePair(t *testing.T, dir string, opts Options) *Result {
	t.Helper()
	r, err := Compare(readGoBench(t, filepath.Join(dir, "base.txt")), readGoBench(t, filepath.Join(dir, "head.txt")), opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

type benchstatRow struct {
	base, head string  // formatted centres
	p          float64 // printed p, to 3 dp
}

var benchstatRowRE = regexp.MustCompile(`^(\S+)\s+(\S+) ±\s+\S+\s+(\S+) ±\s+\S+.*\(p=([0-9.]+) n=`)

// readBenchstat parses benchstat's text table into rows keyed `Name:unit`.
func readBenchstat(t *testing.T, path string) map[string]benchstatRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := map[string]benchstatRow{}
	unit := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "vs base") {
			unit = strings.Fields(strings.Split(line, "│")[1])[0]
			continue
		}
		m := benchstatRowRE.FindStringSubmatch(line)
		if m == nil || unit == "" {
			continue
		}
		p, _ := strconv.ParseFloat(m[4], 64)
		rows[m[1]+":"+unit] = benchstatRow{m[2], m[3], p}
	}
	return rows
}

// TestBenchstatAgreement: in two-sided mode our p-values equal benchstat's
// to 3 dp and our centres print exactly as benchstat prints them.
func TestBenchstatAgreement(t *testing.T) {
	two := snapshot.TwoSided
	opts := DefaultOptions()
	opts.Rules = []Rule{{Glob: "*", Direction: &two}}
	opts.Correction = "none" // benchstat corrects nothing
	for _, dir := range goPairs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want := readBenchstat(t, filepath.Join(dir, "benchstat.txt"))
			r := comparePair(t, dir, opts)
			if len(want) != len(r.Diffs) {
				t.Fatalf("benchstat has %d rows, we have %d diffs", len(want), len(r.Diffs))
			}
			for _, d := range r.Diffs {
				w, ok := want[d.Key]
				if !ok {
					t.Errorf("%s: not in benchstat output", d.Key)
					continue
				}
				sc := benchunit.CommonScale([]float64{d.Base, d.Head}, benchunit.ClassOf(d.Unit))
				if got := [2]string{sc.Format(d.Base), sc.Format(d.Head)}; got != [2]string{w.base, w.head} {
					t.Errorf("%s: centres %v, benchstat %v", d.Key, got, [2]string{w.base, w.head})
				}
				if got := fmt.Sprintf("%.3f", d.P); got != fmt.Sprintf("%.3f", w.p) {
					t.Errorf("%s: p=%s, benchstat p=%.3f", d.Key, got, w.p)
				}
				if !d.Statistical {
					t.Errorf("%s: not in statistical mode", d.Key)
				}
			}
		})
	}
}

// TestGoPairAccuracy checks verdicts on pairs whose true change is known.
func TestGoPairAccuracy(t *testing.T) {
	five := 5.0
	at5 := DefaultOptions()
	at5.Rules = []Rule{{Glob: "*", Threshold: &five}}
	for _, dir := range goPairs(t) {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			def, r5 := comparePair(t, dir, DefaultOptions()), comparePair(t, dir, at5)
			t.Logf("%-17s default: %-10s %s", name, def.Status, verdicts(def))
			t.Logf("%-17s -t *=5%%: %-10s %s", name, r5.Status, verdicts(r5))
			work := "Work-2:sec/op"
			switch {
			case strings.HasPrefix(name, "aa-"), strings.HasPrefix(name, "noisy-aa-"):
				expectNoRegression(t, def, "default")
				expectNoRegression(t, r5, "5%")
			case name == "slow-50pct":
				expectStatus(t, def, work, Regression)
			case name == "slow-10pct", name == "noisy-slow-10pct":
				expectStatus(t, r5, work, Regression)
			case strings.HasPrefix(name, "speedup"):
				expectNoRegression(t, def, "default")
				expectNoRegression(t, r5, "5%")
			}
			if d := find(def, "Control-2:sec/op"); d != nil && d.Status == Regression {
				t.Errorf("Control regressed at the default threshold")
			}
		})
	}
}

func verdicts(r *Result) string {
	var parts []string
	for _, d := range r.Diffs {
		if d.Unit != "sec/op" {
			continue
		}
		noise := ""
		if d.Noise {
			noise = " (noise)"
		}
		parts = append(parts, fmt.Sprintf("%s %+.2f%% p=%.3f %s%s", strings.TrimSuffix(d.Key, ":sec/op"), d.ChangePercent, d.P, d.Status, noise))
	}
	return strings.Join(parts, "; ")
}

func find(r *Result, key string) *Diff {
	for i := range r.Diffs {
		if r.Diffs[i].Key == key {
			return &r.Diffs[i]
		}
	}
	return nil
}

func expectStatus(t *testing.T, r *Result, key string, want Status) {
	t.Helper()
	d := find(r, key)
	if d == nil || d.Status != want {
		t.Errorf("%s: got %+v, want %s", key, d, want)
	}
}

func expectNoRegression(t *testing.T, r *Result, label string) {
	t.Helper()
	if r.Status != Pass {
		t.Errorf("%s: status %s (%s), want PASS", label, r.Status, r.Summary())
	}
}
