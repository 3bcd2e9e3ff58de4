package commands

import (
	"maps"
	"runtime"
	"slices"
	"sync"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/glob"
	"github.com/flameiq/git-flameiq/history"
	"github.com/flameiq/git-flameiq/snapshot"
)

// recorded is one commit of the first-parent history that has a snapshot.
type recorded struct {
	commit *gitstore.Commit
	snap   *snapshot.Snapshot
}

// loadHistory walks n first-parent commits from `from` (n <= 0: all) and
// returns those with a snapshot, oldest first. Notes are read and decoded
// by one worker per CPU (the store is safe for concurrent reads); warnings
// are printed in commit order.
func (e *env) loadHistory(st *store, from gitstore.Hash, n int) ([]recorded, error) {
	type result struct {
		snap  *snapshot.Snapshot
		ok    bool
		warns []string
		err   error
	}
	type job struct {
		i int
		c *gitstore.Commit
	}
	// The walk feeds the note readers as it goes: reading commits is
	// sequential, reading and decoding notes is not.
	jobs := make(chan job, 256)
	var commits []*gitstore.Commit
	var walkErr error
	go func() {
		defer close(jobs)
		walkErr = st.repo.WalkFirstParent(from, n, func(c *gitstore.Commit) {
			commits = append(commits, c)
			jobs <- job{len(commits) - 1, c}
		})
	}()
	var mu sync.Mutex
	var results []result // by walk position
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.NumCPU(), 8); w++ {
		wg.Go(func() {
			for j := range jobs {
				var r result
				r.snap, r.ok, r.warns, r.err = st.snapshot(j.c.Hash)
				mu.Lock()
				if j.i >= len(results) {
					results = append(results, make([]result, j.i+1-len(results))...)
				}
				results[j.i] = r
				mu.Unlock()
			}
		})
	}
	wg.Wait() // the workers end when jobs is closed, after the walk
	if e.cacheReads {
		// Everything the walk inflated is read: write the object cache
		// while the command renders its output.
		st.repo.FlushCacheBackground()
	}
	if walkErr != nil && len(commits) == 0 {
		return nil, usagef("reading history from %s: %v", short(from), walkErr)
	}
	var out []recorded
	for i := len(commits) - 1; i >= 0; i-- {
		r := results[i]
		e.warn(r.warns)
		if r.err != nil {
			// A corrupt note must not hide the rest of the history.
			e.warn([]string{r.err.Error()})
			continue
		}
		if r.ok {
			out = append(out, recorded{commit: commits[i], snap: r.snap})
		}
	}
	return out, nil
}

// matchAny reports whether key matches one of globs (no globs: everything).
func matchAny(globs []string, key string) bool {
	if len(globs) == 0 {
		return true
	}
	for _, g := range globs {
		if glob.Match(g, key) {
			return true
		}
	}
	return false
}

// series turns recorded history into a history.Series of the metrics
// matching globs (checked: a glob matching nothing is a usage error).
func series(hist []recorded, globs []string) (*history.Series, error) {
	snaps := make([]*snapshot.Snapshot, 0, len(hist))
	for _, h := range hist {
		snaps = append(snaps, h.snap)
	}
	if len(globs) > 0 && len(snaps) > 0 {
		if err := checkGlobs(globs, snaps...); err != nil {
			return nil, err
		}
	}
	s := &history.Series{Units: map[string]string{}, Commits: make([]history.Point, 0, len(hist))}
	for _, h := range hist {
		p := history.Point{Sha: h.commit.Hash.String(), Date: h.commit.Committer.When, Subject: h.commit.Subject(), Values: map[string]float64{}}
		for _, m := range h.snap.Metrics {
			if matchAny(globs, m.Key) {
				p.Values[m.Key] = m.Value()
				s.Units[m.Key] = m.Unit
			}
		}
		s.Commits = append(s.Commits, p)
	}
	return s, nil
}

// directions maps each key to its direction (the newest record wins),
// with flameiq.yaml overrides applied by the caller where it matters.
func directions(hist []recorded) map[string]snapshot.Metric {
	out := map[string]snapshot.Metric{}
	for _, h := range hist {
		for _, m := range h.snap.Metrics {
			out[m.Key] = snapshot.Metric{Key: m.Key, Unit: m.Unit, Direction: m.Direction}
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func sparkline(values []float64) string { return history.Sparkline(values) }
