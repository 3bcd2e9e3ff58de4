package bisector

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/bisect"
	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/internal/store"
	"github.com/flameiq/git-flameiq/internal/testkit"
)

// c1 (GOOD) … c6 (BAD): c1 and c3 at 100ns, c5 and c6 at 200ns, c2 and c4
// unrecorded.
func setup(t *testing.T) (*store.Store, []gitstore.Hash) {
	t.Helper()
	dir, git := testkit.GitRepo(t)
	ids := testkit.EmptyCommits(t, git, 6)
	st, err := store.Open(dir, "refs/notes/flameiq", false)
	if err != nil {
		t.Fatal(err)
	}
	for i, ns := range map[int]float64{0: 100, 2: 100, 4: 200, 5: 200} {
		if err := st.Append(ids[i], testkit.WorkSnapshot(ns), "test"); err != nil {
			t.Fatal(err)
		}
	}
	return st, ids
}

func TestFind(t *testing.T) {
	st, ids := setup(t)
	o := Options{Metrics: []string{"Work*"}, Compare: compare.DefaultOptions()}
	b, err := New(st, ids[0], ids[5], o)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := b.LoadGood(context.Background()); !ok || err != nil {
		t.Fatalf("LoadGood: %v %v", ok, err)
	}
	// c4 has no snapshot: the first bad is c4 or c5.
	res := b.Find(context.Background())
	if !errors.Is(res.Err, bisect.ErrOnlySkipped) || len(res.Candidates) != 2 || res.Candidates[0] != ids[3] || res.Candidates[1] != ids[4] {
		t.Fatalf("err %v, candidates %v", res.Err, res.Candidates)
	}
	if res.Report.Step == nil || res.Report.Step.Commit != ids[4].String() || res.Report.Step.Before != 104.5e-9 {
		t.Errorf("largest step %+v", res.Report.Step)
	}
	var skipped bool
	for _, p := range res.Report.Probes {
		if p.Commit == ids[3].String() {
			skipped = p.Verdict == "skip" && p.Reason == "no snapshot"
		}
	}
	if !skipped {
		t.Errorf("c4 not skipped for want of a snapshot: %+v", res.Report.Probes)
	}

	// Recorded, c4 is good: c5 is the first bad commit.
	if err := st.Append(ids[3], testkit.WorkSnapshot(100), "test"); err != nil {
		t.Fatal(err)
	}
	b, _ = New(st, ids[0], ids[5], o)
	if _, err := b.LoadGood(context.Background()); err != nil {
		t.Fatal(err)
	}
	res = b.Find(context.Background())
	if res.Err != nil || res.Report.FirstBad != ids[4].String() || res.Report.FirstBadSubject != "c5" {
		t.Fatalf("err %v, first bad %q %q", res.Err, res.Report.FirstBad, res.Report.FirstBadSubject)
	}
}

func TestGoodAndPath(t *testing.T) {
	st, ids := setup(t)
	o := Options{Metrics: []string{"Work*"}, Compare: compare.DefaultOptions()}
	if _, err := New(st, ids[5], ids[0], o); err == nil || !strings.Contains(err.Error(), "is not a first-parent ancestor of BAD") {
		t.Errorf("GOOD after BAD: %v", err)
	}
	if _, err := New(st, ids[2], ids[2], o); err == nil || err.Error() != "GOOD and BAD are the same commit" {
		t.Errorf("GOOD = BAD: %v", err)
	}
	path, err := Path(st.Repo, ids[0], ids[5])
	if err != nil || len(path) != 5 || path[0].Hash != ids[1] || path[4].Hash != ids[5] {
		t.Errorf("Path: %v", err)
	}
	// GOOD without a snapshot and no Run: not loaded.
	b, _ := New(st, ids[1], ids[5], o)
	if ok, err := b.LoadGood(context.Background()); ok || err != nil {
		t.Errorf("unrecorded GOOD: %v %v", ok, err)
	}
	// A glob that matches none of GOOD's metrics is an error.
	b, _ = New(st, ids[0], ids[5], Options{Metrics: []string{"Nope*"}, Compare: compare.DefaultOptions()})
	if _, err := b.LoadGood(context.Background()); err == nil || !strings.Contains(err.Error(), "--metric Nope* matches no metric") {
		t.Errorf("glob matching nothing: %v", err)
	}
}
