package snapshot

import (
	"hash/maphash"
	"strings"

	"github.com/flameiq/git-flameiq/internal/posindex"
)

// What Add builds, at its smallest: a parser's snapshot can hold millions
// of metrics (60 MB of regression JSON makes 2.4 million), each of which,
// allocated one by one and found through a map[string]*Metric, took about
// 165 bytes: the struct (80), its key (rounded up to the allocator's size
// class), its sample, and the map (53 bytes an entry, and twice that while
// it grows). Here the metrics, their keys and their samples are carved out
// of blocks, and the index is a table of 4-byte positions, dropped when
// Sort ends the parse.

// keyIndex finds a metric of Metrics by key for Add: an open-addressing
// table (linear probing, at most three quarters full) of positions in
// Metrics: 5 to 11 bytes a metric. It
// holds Metrics[:n] of the array whose first element is base; a snapshot
// whose Metrics were replaced by another array, or shortened, is indexed
// again. Metrics reordered in place must drop it (Sort and Sanitize do).
type keyIndex struct {
	seed  maphash.Seed
	slots *posindex.Table // positions in Metrics
	n     int             // Metrics[:n] are indexed
	base  **Metric        // &Metrics[0] when n > 0
	dup   bool            // Metrics[:n] hold a key twice (appended without Add)
}

func newKeyIndex(n int) *keyIndex {
	return &keyIndex{seed: maphash.MakeSeed(), slots: posindex.New(n)}
}

// fits reports whether the table has room for n metrics.
func (x *keyIndex) fits(n int) bool { return x.slots.Fits(n) }

// current reports whether x indexes a prefix of ms.
func (x *keyIndex) current(ms []*Metric) bool {
	return x != nil && x.n <= len(ms) && (x.n == 0 || x.base == &ms[0])
}

// lookup returns the position in ms of the metric with key k, or -1, and
// the slot where k is or would be.
func (x *keyIndex) lookup(ms []*Metric, k string) (pos, slot int) {
	return x.slots.Find(maphash.String(x.seed, k), func(p int) bool { return ms[p].Key == k })
}

// catchUp indexes ms[x.n:], the metrics appended since (the first metric
// of a key is the one Add finds, as before).
func (x *keyIndex) catchUp(ms []*Metric) {
	if !x.fits(len(ms)) {
		x.slots = posindex.New(len(ms))
		x.n, x.dup = 0, false
	}
	for ; x.n < len(ms); x.n++ {
		if pos, slot := x.lookup(ms[:x.n], ms[x.n].Key); pos < 0 {
			x.slots.Set(slot, x.n)
		} else {
			x.dup = true
		}
	}
	if len(ms) > 0 {
		x.base = &ms[0]
	}
}

// arena allocates what Add creates in blocks that grow with the snapshot
// (up to 2048 metrics, 64 KiB of keys, 8192 samples), so that a metric
// costs its struct, its key's bytes and its samples, and no allocation of
// its own. A block lives as long as any metric carved from it; a key or a
// sample list too big for a block has its own allocation. Units, a
// handful of distinct strings, are shared.
type arena struct {
	metrics []Metric  // the free rest of the current block
	samples []float64 // the current block of samples (free from len on)
	keys    strings.Builder
	units   map[string]string
	made    int // the metrics made so far
}

// metric returns a new metric in the arena.
func (a *arena) metric(key, unit string, dir Direction, samples []float64) *Metric {
	if len(a.metrics) == 0 {
		a.metrics = make([]Metric, min(max(a.made/2, 8), 2048))
	}
	m := &a.metrics[0]
	a.metrics = a.metrics[1:]
	a.made++
	*m = Metric{Key: a.key(key), Unit: a.unit(unit), Direction: dir, Samples: a.floats(samples)}
	return m
}

// key copies k into the current block of keys.
func (a *arena) key(k string) string {
	if len(k) == 0 || len(k) > 1<<10 {
		return k
	}
	if a.keys.Cap()-a.keys.Len() < len(k) {
		size := min(max(a.made*8, 256), 64<<10)
		a.keys = strings.Builder{} // the old block stays with its keys
		a.keys.Grow(max(size, len(k)))
	}
	n := a.keys.Len()
	a.keys.WriteString(k)
	// The builder's bytes never change once written, and the block has
	// room for k: the key is a slice of the block, not a copy of it.
	return a.keys.String()[n:]
}

// unit returns u, shared with the earlier metrics of that unit.
func (a *arena) unit(u string) string {
	if u == "" {
		return ""
	}
	if have, ok := a.units[u]; ok {
		return have
	}
	if len(a.units) < 64 {
		if a.units == nil {
			a.units = map[string]string{}
		}
		u = strings.Clone(u) // not a slice of some larger string
		a.units[u] = u
	}
	return u
}

// floats copies xs into the current block of samples, clipped so that
// appending to them copies them out of the block.
func (a *arena) floats(xs []float64) []float64 {
	if len(xs) == 0 {
		return nil
	}
	if len(xs) > 256 {
		return append([]float64(nil), xs...)
	}
	if cap(a.samples)-len(a.samples) < len(xs) {
		a.samples = make([]float64, 0, min(max(a.made*2, 32), 8192))
	}
	n := len(a.samples)
	a.samples = append(a.samples, xs...)
	return a.samples[n:len(a.samples):len(a.samples)]
}
