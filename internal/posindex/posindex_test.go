package posindex

import (
	"hash/maphash"
	"strconv"
	"testing"
)

func TestTable(t *testing.T) {
	seed := maphash.MakeSeed()
	var keys []string
	tab := New(0)
	for i := range 5000 {
		k := strconv.Itoa(i % 3000) // keys repeat from 3000 on
		h := maphash.String(seed, k)
		eq := func(p int) bool { return keys[p] == k }
		p, slot := tab.Find(h, eq)
		if i < 3000 {
			if p >= 0 {
				t.Fatalf("%s found at %d before it was added", k, p)
			}
			keys = append(keys, k)
			if !tab.Fits(len(keys)) {
				tab = New(2 * len(keys))
				for q, kq := range keys {
					tab.Put(maphash.String(seed, kq), q)
				}
				continue
			}
			tab.Set(slot, len(keys)-1)
			continue
		}
		if p != i%3000 {
			t.Fatalf("%s found at %d, want %d", k, p, i%3000)
		}
	}
	if Size(0) != 8 || Size(6) != 8 || Size(7) != 16 || Size(3000) != 4096 {
		t.Fatalf("Size: %d %d %d %d", Size(0), Size(6), Size(7), Size(3000))
	}
}
