package snapshot

import (
	"bytes"
	"hash/maphash"
)

// NoteDecoder decodes notes as DecodeNote does, one after the other (it is
// not safe for concurrent use), remembering the metrics its filter skips
// that it has checked: a later note whose metric has the same key and the
// same bytes as one checked before passes that metric over without reading
// it again.
//
// A history of large notes repeats most of them: a monorepo's 60,000
// metrics, of which `log --metric` keeps a hundred, have B/op and
// allocs/op samples that seldom change from commit to commit, and checking
// every skipped sample of every note strictly was most of the time of
// `log -n 100` over 9 MB notes. The result, records and errors, is what
// DecodeNote gives (TestNoteDecoderLikeDecodeNote).
//
// What it remembers is bounded: checkedMaxKeys keys, with the hashes of
// the last checkedSums values of each (a 64-bit hash/maphash of the bytes
// under a random seed, with the key itself compared exactly).
type NoteDecoder struct {
	keep    func(key string) bool
	checked *checked
}

// NewNoteDecoder returns a decoder for the filter keep (see DecodeNote).
// Without a filter every metric is decoded, and there is nothing to
// remember.
func NewNoteDecoder(keep func(key string) bool) *NoteDecoder {
	d := &NoteDecoder{keep: keep}
	if keep != nil {
		d.checked = &checked{seed: maphash.MakeSeed(), index: map[string]int{}}
	}
	return d
}

// Decode decodes a note, as DecodeNote(note, keep).
func (d *NoteDecoder) Decode(note []byte) (recs []Record, errs []error) {
	n := 0
	for len(note) > 0 {
		n++
		line := note
		if i := bytes.IndexByte(note, '\n'); i >= 0 {
			line, note = note[:i], note[i+1:]
		} else {
			note = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var r Record
		var err error
		if d.checked == nil { // no filter: nothing to remember
			r, err = DecodeRecord(line, nil)
		} else {
			r, err = decodeRecord(line, d.keep, d.checked)
		}
		if err != nil {
			errs = append(errs, &LineError{Line: n, Err: err})
			continue
		}
		recs = append(recs, r)
	}
	return recs, errs
}

// checked is a NoteDecoder's memory: one slot per skipped key it has
// checked, in the order first seen (notes list their metrics in the same
// order, so the next key is usually the next slot: cursor), each with the
// hashes of its last values.
type checked struct {
	seed   maphash.Seed
	slots  []checkedSlot
	index  map[string]int // key → slot
	cursor int            // the slot after the last one used
	hits   int            // metrics passed over (for tests)

	scratch []float64 // fastDecoder's, kept from line to line
	keys    []string
}

type checkedSlot struct {
	key  string
	sums [checkedSums]uint64
	n    uint8 // sums filled
	next uint8 // the one to replace
}

const (
	checkedMaxKeys = 1 << 18
	checkedSums    = 4
)

// at returns the length of the key of the slot at the cursor, quotes
// included, when b starts with it, else 0.
func (c *checked) at(b []byte) int {
	if c == nil || c.cursor >= len(c.slots) {
		return 0
	}
	k := c.slots[c.cursor].key
	n := len(k) + 2
	if len(b) < n || b[0] != '"' || b[n-1] != '"' || string(b[1:n-1]) != k {
		return 0
	}
	return n
}

// find returns the slot of key, or -1.
func (c *checked) find(key []byte) int {
	if c == nil {
		return -1
	}
	if i, ok := c.index[string(key)]; ok {
		return i
	}
	return -1
}

// add returns a new slot for key, or -1 when c is full.
func (c *checked) add(key []byte) int {
	if c == nil || len(c.slots) >= checkedMaxKeys {
		return -1
	}
	k := string(key)
	c.slots = append(c.slots, checkedSlot{key: k})
	c.index[k] = len(c.slots) - 1
	return len(c.slots) - 1
}

// has reports whether value is one of the values remembered in slot i.
func (c *checked) has(i int, value []byte) bool {
	s := &c.slots[i]
	h := maphash.Bytes(c.seed, value)
	for _, x := range s.sums[:s.n] {
		if x == h {
			c.hits++
			return true
		}
	}
	return false
}

// remember adds value, checked, to slot i.
func (c *checked) remember(i int, value []byte) {
	s := &c.slots[i]
	s.sums[s.next] = maphash.Bytes(c.seed, value)
	s.n = max(s.n, s.next+1)
	s.next = (s.next + 1) % checkedSums
}
