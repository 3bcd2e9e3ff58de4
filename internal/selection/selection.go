// Package selection picks the metrics a command looks at: the --metric
// globs (every metric when there are none), checked against what was
// recorded so that a glob matching nothing is an error rather than an
// empty report, and the series of the picked metrics over recorded history
// (internal/store's first-parent walk). It knows snapshots, not git or
// flags; the error text names --metric because every command takes the
// globs from that flag.
package selection

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/flameiq/git-flameiq/glob"
	"github.com/flameiq/git-flameiq/history"
	"github.com/flameiq/git-flameiq/internal/store"
	"github.com/flameiq/git-flameiq/snapshot"
)

// Globs are metric-key globs (glob.Match); none selects every metric.
type Globs []string

// Match reports whether key matches one of g (no globs: everything).
func (g Globs) Match(key string) bool {
	if len(g) == 0 {
		return true
	}
	for _, p := range g {
		if glob.Match(p, key) {
			return true
		}
	}
	return false
}

// FirstKeys returns a filter (a store's Keep) that keeps the n smallest
// keys it is shown, in byte order, and every later key equal to one of
// them: all it keeps of a history includes the history's n smallest keys,
// which is what a NoMatchError lists (n = 6: five, and whether there are
// more). Once it refuses a key it refuses it again (snapshot.NoteDecoder
// relies on that). It is safe for concurrent use and keeps n keys.
func FirstKeys(n int) func(key string) bool {
	var mu sync.Mutex
	var first []string // sorted, at most n
	return func(key string) bool {
		mu.Lock()
		defer mu.Unlock()
		i, found := slices.BinarySearch(first, key)
		switch {
		case found:
			return true
		case i >= n:
			return false
		}
		first = slices.Insert(first, i, strings.Clone(key))
		first = first[:min(len(first), n)]
		return true
	}
}

// NoMatchError is a glob that matches no key of the snapshots it was
// checked against; Keys lists a few of the keys there are.
type NoMatchError struct {
	Glob string
	Keys []string // sorted; at most five, then "…"
}

func (e *NoMatchError) Error() string {
	keys := "(none)"
	if len(e.Keys) > 0 {
		keys = strings.Join(e.Keys, ", ")
	}
	return fmt.Sprintf("--metric %s matches no metric; some keys: %s", e.Glob, keys)
}

// Check fails with a *NoMatchError when a glob matches no key of any of
// snaps.
func (g Globs) Check(snaps ...*snapshot.Snapshot) error {
	keys := map[string]bool{}
	for _, s := range snaps {
		for _, m := range s.Metrics {
			keys[m.Key] = true
		}
	}
	for _, p := range g {
		found := false
		for k := range keys {
			if glob.Match(p, k) {
				found = true
				break
			}
		}
		if !found {
			ks := slices.Sorted(maps.Keys(keys))
			if len(ks) > 5 {
				ks = append(ks[:5], "…")
			}
			return &NoMatchError{Glob: p, Keys: ks}
		}
	}
	return nil
}

// Filter keeps the metrics of each snapshot that g selects, after Check.
// Without globs it returns snaps as they are.
func (g Globs) Filter(snaps ...*snapshot.Snapshot) ([]*snapshot.Snapshot, error) {
	if len(g) == 0 {
		return snaps, nil
	}
	if err := g.Check(snaps...); err != nil {
		return nil, err
	}
	out := make([]*snapshot.Snapshot, len(snaps))
	for i, s := range snaps {
		out[i] = s.Filter(g.Match)
	}
	return out, nil
}

// Series lines up the metrics of hist (oldest first) that g selects, one
// point per recorded commit. A glob matching nothing in hist is a
// *NoMatchError (an empty history is not checked).
func Series(hist []store.Recorded, g Globs) (*history.Series, error) {
	snaps := make([]*snapshot.Snapshot, 0, len(hist))
	for _, h := range hist {
		snaps = append(snaps, h.Snap)
	}
	if len(g) > 0 && len(snaps) > 0 {
		if err := g.Check(snaps...); err != nil {
			return nil, err
		}
	}
	s := &history.Series{Units: map[string]string{}, Commits: make([]history.Point, 0, len(hist))}
	for _, h := range hist {
		p := history.Point{Sha: h.Commit.Hash.String(), Date: h.Commit.Committer.When, Subject: h.Commit.Subject(), Values: map[string]float64{}}
		for _, m := range h.Snap.Metrics {
			if g.Match(m.Key) {
				p.Values[m.Key] = m.Value()
				s.Units[m.Key] = m.Unit
			}
		}
		s.Commits = append(s.Commits, p)
	}
	return s, nil
}

// Directions maps each key recorded in hist to its unit and direction (the
// newest record wins); flameiq.yaml direction overrides are the caller's
// to apply where they matter.
func Directions(hist []store.Recorded) map[string]snapshot.Metric {
	out := map[string]snapshot.Metric{}
	for _, h := range hist {
		for _, m := range h.Snap.Metrics {
			out[m.Key] = snapshot.Metric{Key: m.Key, Unit: m.Unit, Direction: m.Direction}
		}
	}
	return out
}
