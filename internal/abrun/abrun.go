// Package abrun measures commits side by side on one machine: each commit
// is checked out in a temporary worktree, a benchmark command runs there
// K warm-up times, then N rounds in which every side runs once, the order
// alternating round by round (A B, B A, A B…), so that a machine that
// drifts during the job (thermal throttling, a noisy neighbour, a cache
// warming) weighs on both sides alike. The samples of each side are merged
// across rounds. It records nothing: diff --run, bisect's confirmation and
// check --run record and judge the result themselves.
package abrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/internal/measure"
	"github.com/flameiq/git-flameiq/snapshot"
)

// Side is one commit to measure.
type Side struct {
	Name   string // how progress and errors call it: "base", "head"
	Commit gitstore.Hash
	// Dir, when set, is where the command runs (a work tree already at
	// Commit); otherwise a temporary worktree of Commit is made.
	Dir string
}

// Options say how to measure.
type Options struct {
	// Run is the command, its input format and --allow-failed rule, and
	// where its stderr goes; its Dir, N, Warmup and Progress are ignored.
	Run measure.Run
	// Rounds is N; 0 picks it after the first round: 5 when a run's
	// output holds repeated samples of a metric (go test -count 5), 10
	// otherwise.
	Rounds int
	Warmup int
	// Progress gets one line per run (round, side, commit, command).
	Progress io.Writer
}

// DefaultRounds returns the number of rounds for outputs like s (see
// Options.Rounds).
func DefaultRounds(s *snapshot.Snapshot) int {
	for _, m := range s.Metrics {
		if len(m.Samples) > 1 {
			return 5
		}
	}
	return 10
}

// SideError is a run that failed (or was interrupted) on one side.
type SideError struct {
	Side   string
	Commit gitstore.Hash
	Err    error
}

func (e *SideError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.Side, e.Commit.String()[:7], e.Err)
}

func (e *SideError) Unwrap() error { return e.Err }

// Result holds each side's merged snapshot, in the order of the sides.
type Result struct {
	Snapshots []*snapshot.Snapshot
	Rounds    int
}

// Measure runs the rounds over the sides (one or more) in repo. Worktrees
// are removed before it returns, also on an error or a cancelled ctx (the
// running command's process group is killed then).
func Measure(ctx context.Context, repo *gitstore.Repo, sides []Side, o Options) (*Result, error) {
	if len(sides) == 0 {
		return nil, errors.New("nothing to measure")
	}
	dirs := make([]string, len(sides))
	var need []gitstore.Hash
	for i, sd := range sides {
		dirs[i] = sd.Dir
		if sd.Dir == "" {
			need = append(need, sd.Commit)
		}
	}
	if len(need) > 0 {
		wts, cleanup, err := repo.AddWorktrees(ctx, need...)
		if err != nil {
			return nil, fmt.Errorf("creating the worktrees: %v", err)
		}
		defer cleanup()
		for i := range dirs {
			if dirs[i] == "" {
				dirs[i], wts = wts[0], wts[1:]
			}
		}
	}
	runs := make([]measure.Run, len(sides))
	for i := range sides {
		runs[i] = o.Run
		runs[i].Dir = dirs[i]
		runs[i].Progress = nil
		runs[i].Profiles = false
		if sides[i].Dir == "" {
			runs[i].PgidFile = filepath.Join(filepath.Dir(dirs[i]), gitstore.PgidFile)
		}
	}
	cmdline := strings.Join(o.Run.Argv, " ")
	count := make([]int, len(sides)) // runs so far per side, warm-ups included
	one := func(i int, label string, measured bool) (*snapshot.Snapshot, error) {
		count[i]++
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "git-flameiq: %s %s %s: %s\n", label, sides[i].Name, sides[i].Commit.String()[:7], cmdline)
		}
		s, _, err := runs[i].Once(ctx, count[i], measured)
		if err != nil {
			return nil, &SideError{sides[i].Name, sides[i].Commit, err}
		}
		return s, nil
	}
	// order is round r's order of the sides: forwards, then backwards.
	order := func(r int) []int {
		idx := make([]int, len(sides))
		for i := range idx {
			idx[i] = i
			if r%2 == 1 {
				idx[i] = len(sides) - 1 - i
			}
		}
		return idx
	}
	for k := 0; k < o.Warmup; k++ {
		for _, i := range order(k) {
			if _, err := one(i, fmt.Sprintf("warm-up %d/%d", k+1, o.Warmup), false); err != nil {
				return nil, err
			}
		}
	}
	rounds := o.Rounds
	got := make([][]*snapshot.Snapshot, len(sides))
	for r := 0; rounds == 0 || r < rounds; r++ {
		label := fmt.Sprintf("round %d", r+1) // the first round picks the default count
		if rounds > 0 {
			label += fmt.Sprintf("/%d", rounds)
		}
		for _, i := range order(o.Warmup + r) {
			s, err := one(i, label, true)
			if err != nil {
				return nil, err
			}
			got[i] = append(got[i], s)
		}
		if rounds == 0 {
			rounds = DefaultRounds(got[0][0])
		}
	}
	res := &Result{Rounds: rounds}
	for i := range sides {
		m := snapshot.Merge(got[i]...)
		m.Meta.Source = cmdline
		res.Snapshots = append(res.Snapshots, m)
	}
	return res, nil
}
