package compare

import (
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/flameiq/git-flameiq/snapshot"
)

// finder returns a lookup by key for s that costs O(log n) whether or not
// the key is there. snapshot.Get scans the whole slice when a key is
// missing (it allows unsorted snapshots), which made a comparison with
// many new or missing metrics quadratic; a sorted snapshot (what ingest
// and the note decoder produce) is binary-searched, any other indexed
// once.
func finder(s *snapshot.Snapshot) func(string) *snapshot.Metric {
	ms := s.Metrics
	if slices.IsSortedFunc(ms, func(a, b *snapshot.Metric) int { return strings.Compare(a.Key, b.Key) }) {
		return func(k string) *snapshot.Metric {
			i, ok := slices.BinarySearchFunc(ms, k, func(m *snapshot.Metric, k string) int { return strings.Compare(m.Key, k) })
			if !ok {
				return nil
			}
			return ms[i]
		}
	}
	idx := make(map[string]*snapshot.Metric, len(ms))
	for _, m := range ms {
		if _, dup := idx[m.Key]; !dup {
			idx[m.Key] = m
		}
	}
	return func(k string) *snapshot.Metric { return idx[k] }
}

// parallelMin is the number of items below which parallel runs f in the
// calling goroutine: the statistics of a few hundred metrics take less
// than starting workers.
const parallelMin = 512

// parallel calls f(0) … f(n-1), spread over the available CPUs. Each call
// must touch only its own item; the result is then the same as calling f
// in order.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), 8)
	if n < parallelMin || workers < 2 {
		for i := range n {
			f(i)
		}
		return
	}
	// Chunks handed out in order keep the workers busy to the end even
	// when some items cost more (ties) than others.
	const chunk = 256
	var (
		mu   sync.Mutex
		next int
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					f(i)
				}
			}
		}()
	}
	wg.Wait()
}
