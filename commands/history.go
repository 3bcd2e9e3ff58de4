package commands

import (
	"maps"
	"slices"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/glob"
	"github.com/flameiq/git-flameiq/history"
	fstore "github.com/flameiq/git-flameiq/internal/store"
	"github.com/flameiq/git-flameiq/snapshot"
)

// recorded is one commit of the first-parent history that has a snapshot.
type recorded = fstore.Recorded

// loadHistory walks n first-parent commits from `from` (n <= 0: all) and
// returns those with a snapshot, oldest first (fstore.Store.History);
// warnings go to stderr in commit order.
func (e *env) loadHistory(st *store, from gitstore.Hash, n int) ([]recorded, error) {
	hist, err := st.History(from, n, e.cacheReads, e.warn)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return hist, nil
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
		snaps = append(snaps, h.Snap)
	}
	if len(globs) > 0 && len(snaps) > 0 {
		if err := checkGlobs(globs, snaps...); err != nil {
			return nil, err
		}
	}
	s := &history.Series{Units: map[string]string{}, Commits: make([]history.Point, 0, len(hist))}
	for _, h := range hist {
		p := history.Point{Sha: h.Commit.Hash.String(), Date: h.Commit.Committer.When, Subject: h.Commit.Subject(), Values: map[string]float64{}}
		for _, m := range h.Snap.Metrics {
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
		for _, m := range h.Snap.Metrics {
			out[m.Key] = snapshot.Metric{Key: m.Key, Unit: m.Unit, Direction: m.Direction}
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
