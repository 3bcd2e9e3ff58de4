// Package posindex finds an entry of a list by its key: an open-addressing
// table (linear probing, at most three quarters full) of positions in a
// list the caller keeps, 4 bytes a slot, where a map from the key took
// 50–100 bytes an entry. The caller hashes keys and compares them; the
// table only holds positions. Snapshot.Add's index, a lean snapshot's and
// go test's parse keys use it.
package posindex

// Table is the table; its zero value has no room (Fits is false).
type Table struct {
	slots []uint32 // 1 + a position; 0 is empty
}

// Size is the smallest power of two that n entries fill to three quarters
// at most (and 8).
func Size(n int) int {
	size := 8
	for 3*size < 4*n {
		size *= 2
	}
	return size
}

// New returns a table with room for n entries.
func New(n int) *Table { return &Table{slots: make([]uint32, Size(n))} }

// Fits reports whether the table has room for n entries.
func (t *Table) Fits(n int) bool { return 4*n <= 3*len(t.slots) }

// Find returns the position of the entry whose key hashes to h and for
// which eq is true, or -1, and the slot where it is or would be.
func (t *Table) Find(h uint64, eq func(p int) bool) (pos, slot int) {
	mask := len(t.slots) - 1
	for i := int(h & uint64(mask)); ; i = (i + 1) & mask {
		p := t.slots[i]
		if p == 0 {
			return -1, i
		}
		if eq(int(p - 1)) {
			return int(p - 1), i
		}
	}
}

// Set puts position p in slot (one Find returned for p's key).
func (t *Table) Set(slot, p int) { t.slots[slot] = uint32(p + 1) }

// Put indexes position p, whose key hashes to h, without looking for an
// equal key (the caller knows there is none, as when it indexes again).
func (t *Table) Put(h uint64, p int) {
	mask := len(t.slots) - 1
	i := int(h & uint64(mask))
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = uint32(p + 1)
}
