package gitstore

import "testing"

// The delta-base cache evicts the least recently used entry, counting a
// get as a use, and keeps within its entry and byte bounds.
func TestBaseCacheLRU(t *testing.T) {
	p := &pack{}
	var c baseCache
	for off := range uint64(cacheMaxEntries) {
		c.put(p, off, objBlob, []byte{byte(off)}, false)
	}
	if _, _, ok := c.get(p, 0); !ok { // 0 becomes the most recent
		t.Fatal("entry 0 missing before any eviction")
	}
	c.put(p, 1000, objBlob, []byte("new"), false) // evicts 1, the oldest now
	if len(c.m) != cacheMaxEntries {
		t.Fatalf("%d entries, want %d", len(c.m), cacheMaxEntries)
	}
	for _, tc := range []struct {
		off  uint64
		want bool
	}{{0, true}, {1, false}, {2, true}, {cacheMaxEntries - 1, true}, {1000, true}} {
		typ, data, ok := c.get(p, tc.off)
		if ok != tc.want {
			t.Errorf("get(%d) present = %v, want %v", tc.off, ok, tc.want)
		}
		if ok && (typ != objBlob || len(data) == 0) {
			t.Errorf("get(%d) = %v %q", tc.off, typ, data)
		}
	}
	// A putting the same key again keeps one entry.
	c.put(p, 1000, objBlob, []byte("again"), false)
	if _, d, _ := c.get(p, 1000); string(d) != "new" {
		t.Errorf("re-put replaced the entry: %q", d)
	}
	// The byte bound evicts as many old entries as it takes.
	big := make([]byte, cacheMaxBytes/4)
	for off := uint64(2000); off < 2005; off++ { // one more than fits
		c.put(p, off, objBlob, big, false)
	}
	if c.bytes > cacheMaxBytes {
		t.Fatalf("%d bytes cached, bound %d", c.bytes, cacheMaxBytes)
	}
	if _, _, ok := c.get(p, 2004); !ok {
		t.Error("the newest large entry was evicted")
	}
	if _, _, ok := c.get(p, 2000); ok {
		t.Error("the oldest large entry survived past the byte bound")
	}
	n := 0
	for e := c.lru.next; e != &c.lru; e = e.next {
		if c.m[e.key] != e {
			t.Fatalf("list entry %d not in the map", e.key.off)
		}
		n++
	}
	if n != len(c.m) {
		t.Fatalf("list holds %d entries, map %d", n, len(c.m))
	}
}

// Eviction passes over whole bases (a full inflate to rebuild) for a
// delta-built one among the least recently used, and falls back to plain
// LRU when there is none within reach.
func TestBaseCacheKeepsWhole(t *testing.T) {
	p := &pack{}
	var c baseCache
	big := make([]byte, cacheMaxBytes/4)
	c.put(p, 1, objBlob, big, true)  // oldest, whole
	c.put(p, 2, objBlob, big, false) // delta-built
	c.put(p, 3, objBlob, big, true)
	c.put(p, 4, objBlob, big, true)
	c.put(p, 5, objBlob, big, true) // over the bound: 2 goes, not 1
	for off, want := range map[uint64]bool{1: true, 2: false, 3: true, 4: true, 5: true} {
		if _, ok := c.m[cacheKey{p, off}]; ok != want { // no get: it would reorder
			t.Errorf("after the first eviction: get(%d) present = %v, want %v", off, ok, want)
		}
	}
	c.put(p, 6, objBlob, big, true) // only whole ones: the least recently used (1) goes
	if _, ok := c.m[cacheKey{p, 1}]; ok {
		t.Error("no delta-built entry to evict, but the least recently used whole one stayed")
	}
	if c.bytes > cacheMaxBytes {
		t.Fatalf("%d bytes cached, bound %d", c.bytes, cacheMaxBytes)
	}
}
