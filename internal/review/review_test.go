package review

import (
	"strings"
	"testing"
	"time"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/internal/store"
	"github.com/flameiq/git-flameiq/internal/testkit"
	"github.com/flameiq/git-flameiq/snapshot"
)

// sample is testkit.WorkSnapshot plus a metric that never changes.
func sample(ns float64) *snapshot.Snapshot {
	s := testkit.WorkSnapshot(ns)
	s.Add("Other-2:sec/op", "sec/op", snapshot.LowerIsBetter, 5e-9, 5e-9, 5e-9)
	return s
}

// c1 … c6 a minute apart; c1 and c3 at 100ns, c5 (accepted) and c6 at
// 200ns. The window starts at c2: from c1 to c6.
func TestWindow(t *testing.T) {
	dir, git := testkit.GitRepo(t)
	var commits []*gitstore.Commit
	for i := 1; i <= 6; i++ {
		msg := "c" + string(rune('0'+i))
		if i == 5 {
			msg += "\n\nPerf-Accepted: Work*: a known cost"
		}
		git("commit", "-q", "--allow-empty", "-m", msg)
		h, err := gitstore.ParseHash(git("rev-parse", "HEAD"))
		if err != nil {
			t.Fatal(err)
		}
		commits = append(commits, &gitstore.Commit{Hash: h})
	}
	st, err := store.Open(dir, "refs/notes/flameiq", false)
	if err != nil {
		t.Fatal(err)
	}
	for i, ns := range map[int]float64{0: 100, 2: 100, 4: 200, 5: 200} {
		if err := st.Append(commits[i].Hash, sample(ns), "test"); err != nil {
			t.Fatal(err)
		}
	}
	c2, err := st.Repo.Commit(commits[1].Hash)
	if err != nil {
		t.Fatal(err)
	}
	max := 100.0
	opts := compare.DefaultOptions()
	opts.Rules = append(opts.Rules, compare.Rule{Glob: "Other*", Budget: &compare.Budget{Max: &max}})
	rep, err := Window(st, WindowOptions{Branch: "main", Tip: commits[5].Hash, Since: c2.Committer.When, Until: c2.Committer.When.Add(time.Hour),
		MaxWalk: 100, Compare: opts})
	if err != nil {
		t.Fatal(err)
	}
	if rep.FromCommit != commits[0].Hash.String() || rep.ToCommit != commits[5].Hash.String() || rep.FromInWindow {
		t.Errorf("from %s to %s (in window %v)", rep.FromCommit, rep.ToCommit, rep.FromInWindow)
	}
	if len(rep.Slower) != 1 || rep.Slower[0].Metric != "Work-2:sec/op" || len(rep.Faster) != 0 || rep.Unchanged != 1 {
		t.Errorf("slower %+v, faster %+v, unchanged %d", rep.Slower, rep.Faster, rep.Unchanged)
	}
	if len(rep.Accepted) != 1 || rep.Accepted[0].Commit != commits[4].Hash.String() || rep.Accepted[0].Reason != "a known cost" {
		t.Errorf("accepted %+v", rep.Accepted)
	}
	if len(rep.Budgets) != 1 || rep.Budgets[0].Metric != "Other-2:sec/op" || rep.Budgets[0].Kind != "max" || rep.Budgets[0].Breached {
		t.Errorf("budgets %+v", rep.Budgets)
	}
	if rep.Recorded != 3 || len(rep.History) != 4 {
		t.Errorf("recorded %d, history %d", rep.Recorded, len(rep.History))
	}

	// --metric picks; a glob matching nothing is an error.
	if _, err := Window(st, WindowOptions{Branch: "main", Tip: commits[5].Hash, Since: c2.Committer.When, Until: c2.Committer.When.Add(time.Hour),
		MaxWalk: 100, Compare: opts, Metrics: []string{"Nope*"}}); err == nil || !strings.Contains(err.Error(), "--metric Nope* matches no metric") {
		t.Errorf("glob matching nothing: %v", err)
	}
	// Nothing recorded in the window.
	later := c2.Committer.When.Add(time.Hour)
	if _, err := Window(st, WindowOptions{Branch: "main", Tip: commits[5].Hash, Since: later, Until: later.Add(time.Hour), MaxWalk: 100, Compare: opts}); err == nil ||
		!strings.HasPrefix(err.Error(), "no recorded commit on main between") {
		t.Errorf("empty window: %v", err)
	}
}

// A step from 100 to 200 is a change point and, against the oldest
// value, a creep beyond the threshold.
func TestDrift(t *testing.T) {
	var hist []store.Recorded
	for i := range 20 {
		h, err := gitstore.ParseHash(strings.Repeat("0", 38) + string("0123456789abcdef"[i/16]) + string("0123456789abcdef"[i%16]))
		if err != nil {
			t.Fatal(err)
		}
		ns := 100.0
		if i >= 10 {
			ns = 200
		}
		s := &snapshot.Snapshot{}
		s.Add("Work:sec/op", "sec/op", snapshot.LowerIsBetter, ns*1e-9)
		hist = append(hist, store.Recorded{Commit: &gitstore.Commit{Hash: h, Message: "c\n"}, Snap: s})
	}
	d, regressed, err := Drift(hist, DriftOptions{Threshold: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !regressed || d.Commits != 20 || len(d.Metrics) != 1 {
		t.Fatalf("regressed %v, %+v", regressed, d)
	}
	m := d.Metrics[0]
	if len(m.ChangePoints) != 1 || m.ChangePoints[0].Commit != hist[10].Commit.Hash.String() || !m.ChangePoints[0].Regression {
		t.Errorf("change points %+v", m.ChangePoints)
	}
	if m.Creep == nil || !m.Creep.Regression || m.Creep.From != hist[0].Commit.Hash.String() || m.Points != 20 {
		t.Errorf("creep %+v, points %d", m.Creep, m.Points)
	}
	// A direction override from flameiq.yaml turns it into an improvement.
	hib := snapshot.HigherIsBetter
	if _, regressed, _ := Drift(hist, DriftOptions{Threshold: 5, Rules: []compare.Rule{{Glob: "Work*", Direction: &hib}}}); regressed {
		t.Error("higher is better: not a regression")
	}
}
