package abrun

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/internal/measure"
	"github.com/flameiq/git-flameiq/internal/testkit"
)

// twoCommits makes a repository whose bench.sh prints a Go benchmark
// result with the committed cost (1000 ns/op, then 1300) and appends the
// side's cost to log, so a test sees the order in which the sides ran.
func twoCommits(t *testing.T, extra string) (repo *gitstore.Repo, base, head gitstore.Hash, log string, git func(...string) string) {
	t.Helper()
	dir, git := testkit.GitRepo(t)
	log = filepath.Join(t.TempDir(), "order.log")
	write := func(cost string) gitstore.Hash {
		script := "#!/bin/sh\n" + extra + "echo " + cost + " >> " + log + "\nprintf 'BenchmarkWork-2 \\t 100\\t " + cost + " ns/op\\n'\n"
		if err := os.WriteFile(filepath.Join(dir, "bench.sh"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		git("add", "bench.sh")
		git("commit", "-q", "-m", "cost "+cost)
		h, err := gitstore.ParseHash(git("rev-parse", "HEAD"))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	base, head = write("1000"), write("1300")
	repo, err := gitstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return repo, base, head, log, git
}

func TestMeasureInterleaves(t *testing.T) {
	repo, base, head, log, git := twoCommits(t, "")
	var progress strings.Builder
	res, err := Measure(context.Background(), repo, []Side{{Name: "base", Commit: base}, {Name: "head", Commit: head}},
		Options{Run: measure.Run{Argv: []string{"./bench.sh"}}, Warmup: 1, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	// One sample per run: the default is 10 rounds; warm-up A B, then
	// B A, A B, … (the order flips every round, the warm-up included).
	if res.Rounds != 10 {
		t.Errorf("rounds = %d, want 10", res.Rounds)
	}
	data, _ := os.ReadFile(log)
	got := strings.Fields(string(data))
	want := []string{"1000", "1300"}
	for r := 1; r <= 10; r++ {
		if r%2 == 1 {
			want = append(want, "1300", "1000")
		} else {
			want = append(want, "1000", "1300")
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("order of the runs:\n got %v\nwant %v", got, want)
	}
	for i, wantNS := range []float64{1000e-9, 1300e-9} {
		m := res.Snapshots[i].Get("Work-2:sec/op")
		if m == nil || len(m.Samples) != 10 || m.Samples[0] != wantNS {
			t.Errorf("side %d: %+v", i, m)
		}
	}
	lines := strings.Split(strings.TrimSpace(progress.String()), "\n")
	if len(lines) != 22 || !strings.HasPrefix(lines[0], "git-flameiq: warm-up 1/1 base "+base.String()[:7]+": ./bench.sh") ||
		!strings.HasPrefix(lines[2], "git-flameiq: round 1 head "+head.String()[:7]) || !strings.HasPrefix(lines[4], "git-flameiq: round 2/10 base") {
		t.Errorf("progress:\n%s", progress.String())
	}
	if wt := git("worktree", "list"); strings.Count(wt, "\n") != 0 {
		t.Errorf("worktrees left behind:\n%s", wt)
	}
}

func TestMeasureRepeatedSamplesDefault(t *testing.T) {
	repo, base, head, _, _ := twoCommits(t, "printf 'BenchmarkWork-2 \\t 100\\t 999 ns/op\\n'\n")
	res, err := Measure(context.Background(), repo, []Side{{Name: "base", Commit: base}, {Name: "head", Commit: head}},
		Options{Run: measure.Run{Argv: []string{"./bench.sh"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rounds != 5 || len(res.Snapshots[1].Get("Work-2:sec/op").Samples) != 10 {
		t.Errorf("rounds = %d, samples %v", res.Rounds, res.Snapshots[1].Get("Work-2:sec/op").Samples)
	}
}

func TestMeasureFailingSide(t *testing.T) {
	repo, base, head, _, git := twoCommits(t, "")
	// The base's script fails: only the head commit has a working one.
	res, err := Measure(context.Background(), repo, []Side{{Name: "base", Commit: base}, {Name: "head", Commit: head}},
		Options{Run: measure.Run{Argv: []string{"test \"$(git log -1 --format=%s)\" = 'cost 1300' && ./bench.sh"}}, Rounds: 3})
	var se *SideError
	if !errors.As(err, &se) || se.Side != "base" || se.Commit != base || res != nil {
		t.Fatalf("err = %v, want a SideError for base", err)
	}
	if !strings.Contains(err.Error(), "base "+base.String()[:7]+": run 1: command exited with status 1") {
		t.Errorf("message: %v", err)
	}
	if wt := git("worktree", "list"); strings.Count(wt, "\n") != 0 {
		t.Errorf("worktrees left behind:\n%s", wt)
	}
}

func TestMeasureCancelled(t *testing.T) {
	repo, base, head, _, git := twoCommits(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The head's run sleeps after a first result; the job is cancelled
	// (as Ctrl-C would) while it sleeps: the sleep must be killed, not
	// waited for.
	stop := filepath.Join(t.TempDir(), "stop")
	go func() {
		for {
			if _, err := os.Stat(stop); err == nil {
				cancel()
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	_, err := Measure(ctx, repo, []Side{{Name: "base", Commit: base}, {Name: "head", Commit: head}},
		Options{Run: measure.Run{Argv: []string{"./bench.sh; if grep -q 1300 bench.sh; then touch " + stop + "; sleep 30; fi"}}, Rounds: 2})
	var se *SideError
	if !errors.As(err, &se) || se.Side != "head" || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("err = %v, want the head side interrupted", err)
	}
	if wt := git("worktree", "list"); strings.Count(wt, "\n") != 0 {
		t.Errorf("worktrees left behind:\n%s", wt)
	}
}
