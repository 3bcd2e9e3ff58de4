package memo

import (
	"sync"
	"testing"
)

// A Map answers what it was given, from many goroutines, and stops
// taking answers at its size, keeping the ones it has.
func TestMap(t *testing.T) {
	m := New[int, string](100)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				m.Put(i, "v")
				if v, ok := m.Get(i); ok && v != "v" {
					t.Errorf("goroutine %d: Get(%d) = %q", g, i, v)
				}
			}
		})
	}
	wg.Wait()
	kept := 0
	for i := range 200 {
		if _, ok := m.Get(i); ok {
			kept++
		}
	}
	if kept != 100 {
		t.Errorf("%d answers kept, want 100", kept)
	}
	if _, ok := m.Get(150); ok {
		t.Error("an answer past the size was kept")
	}
	if v, ok := m.Get(0); !ok || v != "v" {
		t.Errorf("Get(0) = %q, %v", v, ok)
	}
}
