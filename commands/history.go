package commands

import (
	"maps"
	"slices"

	"github.com/flameiq/git-flameiq/gitstore"
	fstore "github.com/flameiq/git-flameiq/internal/store"
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

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
