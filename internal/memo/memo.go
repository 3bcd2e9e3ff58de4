// Package memo remembers answers shared by goroutines, boundedly: past
// its size a Map stops taking new answers (it never evicts), so an
// unusual input cannot make it grow, and what it holds stays valid for
// the whole process.
package memo

import "sync"

// Map is a concurrency-safe map that keeps at most max entries.
type Map[K comparable, V any] struct {
	mu  sync.Mutex
	m   map[K]V
	max int
}

// New returns a Map that keeps at most max entries.
func New[K comparable, V any](max int) *Map[K, V] { return &Map[K, V]{max: max} }

// Get returns the answer kept for k.
func (c *Map[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	v, ok := c.m[k]
	c.mu.Unlock()
	return v, ok
}

// Put keeps v for k, unless the map is full.
func (c *Map[K, V]) Put(k K, v V) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[K]V{}
	}
	if len(c.m) < c.max {
		c.m[k] = v
	}
	c.mu.Unlock()
}
