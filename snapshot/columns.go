package snapshot

import (
	"hash/maphash"
	"iter"
	"math"
	"slices"
	"strings"
)

// A lean snapshot (NewLean) keeps its metrics in columns instead of one
// Metric struct each, for a caller that only counts them and writes their
// record (validate, record): 60 MB of a load test's compact JSON summary
// makes 4 million metrics of 15 bytes of JSON each, and a Metric alone is
// 72 bytes and its pointer 8, so that no reader of structs could stay
// within 4 times the input. In columns a metric costs its key's share of
// a stem (the key up to its last ':', '.' or '/', stored once for the
// metrics of one benchmark that follow each other), a suffix index into a
// small table of shared suffixes (":p95", ".avg"), a unit index, its
// direction and info flags, its sample, and an index slot: about 28 bytes,
// and 28 more for an interval.
//
// Add, Get, Len, All, Sort, Sanitize, SampleCount and WriteRecord work on
// a lean snapshot; Metrics stays nil until Expand turns the columns into
// metrics (Merge, Filter and Keys expand their lean arguments). A metric
// that Add or Get returns is a view: changes to its Samples, CI and Info
// are written back at the snapshot's next call, and its Key, Unit and
// Direction are read-only. A key beyond the columns' limits (more than 255
// units, 4 GiB of stems, 2³² metrics) expands the snapshot, which then
// goes on as any other.

// NewLean returns an empty lean snapshot.
func NewLean() *Snapshot {
	return &Snapshot{cols: &columns{seed: maphash.MakeSeed(), sufs: []string{""}}}
}

// Lean reports whether s keeps its metrics in columns (Metrics is nil).
func (s *Snapshot) Lean() bool { return s.cols != nil }

// Len is the number of metrics.
func (s *Snapshot) Len() int {
	if s.cols != nil {
		return len(s.cols.stem)
	}
	return len(s.Metrics)
}

// SampleCount is the number of samples of all metrics.
func (s *Snapshot) SampleCount() int {
	if c := s.cols; c != nil {
		c.sync()
		n := len(c.first)
		for _, xs := range c.more {
			n += len(xs) - 1
		}
		return n
	}
	n := 0
	for _, m := range s.Metrics {
		n += len(m.Samples)
	}
	return n
}

// All yields the metrics in the order of Metrics (in key order once
// sorted). A lean snapshot yields a new view of each, read-only.
func (s *Snapshot) All() iter.Seq[*Metric] {
	if c := s.cols; c != nil {
		return func(yield func(*Metric) bool) {
			c.sync()
			for i := range c.stem {
				p := i
				if c.perm != nil {
					p = int(c.perm[i])
				}
				if !yield(c.view(p)) {
					return
				}
			}
		}
	}
	return slices.Values(s.Metrics)
}

// Expand turns a lean snapshot's columns into Metrics, in their order;
// other snapshots are left as they are.
func (s *Snapshot) Expand() {
	c := s.cols
	if c == nil {
		return
	}
	c.sync()
	n := len(c.stem)
	ms := make([]*Metric, 0, n)
	a := &arena{}
	for m := range s.All() {
		mm := a.metric(m.Key, m.Unit, m.Direction, m.Samples)
		mm.CI, mm.Info = m.CI, m.Info
		ms = append(ms, mm)
	}
	s.cols, s.Metrics, s.idx = nil, ms, nil
}

// columns are a lean snapshot's metrics: per metric, the entries at its
// position (the order Add made them) of stem, suf, unit, flags and first.
type columns struct {
	seed maphash.Seed

	stems   strings.Builder // the stems' bytes, one after the other
	stemEnd []uint32        // stem j is stems[stemEnd[j-1]:stemEnd[j]]
	sufs    []string        // suffixes; sufs[0] is ""
	sufIdx  map[string]uint16
	units   []string
	unitIdx map[string]uint8

	stem  []uint32  // key i is stem[stem[i]] + sufs[suf[i]]
	suf   []uint16  //
	unit  []uint8   // units[unit[i]]
	flags []uint8   // Direction, and flagInfo
	first []float64 // the first sample (NaN when none)
	more  map[uint32][]float64
	ciAt  []uint32 // the positions with an interval, ascending
	ci    []Interval

	slots  []uint32 // Add's index: 1 + a position, 0 is empty; nil after Sort
	perm   []uint32 // the positions in key order after Sort (nil: their own order)
	sorted bool     // Sort ordered them (and no metric was made since)

	open   *Metric // the last view Add or Get returned, written back by sync
	openAt int
}

const (
	flagInfo = 1 << 2 // beside a Direction's two bits
	maxSufs  = 4096   // distinct suffixes kept (the rest stay in their stems)
	maxSuf   = 32     // the longest suffix kept
)

// add returns a view of the metric of key, made or with samples appended,
// or nil when the key does not fit the columns.
func (c *columns) add(key, unit string, dir Direction, samples []float64) *Metric {
	c.sync()
	p, slot := c.lookup(key)
	if p >= 0 {
		c.appendSamples(p, samples)
		return c.openView(p)
	}
	n := len(c.stem)
	u, ok := c.unitOf(unit)
	if !ok || n >= math.MaxUint32-1 || uint64(c.stems.Len())+uint64(len(key)) >= math.MaxUint32 {
		return nil
	}
	st, sf := c.split(key)
	c.stem = append(c.stem, st)
	c.suf = append(c.suf, sf)
	c.unit = append(c.unit, u)
	c.flags = append(c.flags, uint8(dir)&3)
	switch len(samples) {
	case 1:
		c.first = append(c.first, samples[0])
	default:
		c.first = append(c.first, math.NaN())
		c.setMore(uint32(n), slices.Clone(samples))
	}
	c.slots[slot] = uint32(n + 1) // lookup made room for one more
	c.sorted, c.perm = false, nil // their own order now
	return c.openView(n)
}

// split returns key's stem and suffix indexes, making them as needed: the
// suffix from the last ':', '.' or '/' when it is short and shared (or the
// table has room), the stem the rest, shared with the last metric's.
func (c *columns) split(key string) (uint32, uint16) {
	j := strings.LastIndexAny(key, ":./")
	var sf uint16
	if j >= 0 && len(key)-j <= maxSuf {
		suffix := key[j:]
		if i, ok := c.sufIdx[suffix]; ok {
			sf = i
		} else if len(c.sufs) < maxSufs {
			if c.sufIdx == nil {
				c.sufIdx = map[string]uint16{}
			}
			suffix = strings.Clone(suffix)
			sf = uint16(len(c.sufs))
			c.sufs = append(c.sufs, suffix)
			c.sufIdx[suffix] = sf
		} else {
			j = len(key)
		}
	} else {
		j = len(key)
	}
	stem := key[:j]
	if k := len(c.stemEnd) - 1; k >= 0 && c.stemOf(uint32(k)) == stem {
		return uint32(k), sf
	}
	c.stems.WriteString(stem)
	c.stemEnd = append(c.stemEnd, uint32(c.stems.Len()))
	return uint32(len(c.stemEnd) - 1), sf
}

func (c *columns) stemOf(j uint32) string {
	lo := uint32(0)
	if j > 0 {
		lo = c.stemEnd[j-1]
	}
	// The builder's bytes never change once written: String is a view.
	return c.stems.String()[lo:c.stemEnd[j]]
}

// parts returns the stem and suffix of the key of the metric at p.
func (c *columns) parts(p int) (string, string) {
	return c.stemOf(c.stem[p]), c.sufs[c.suf[p]]
}

func (c *columns) unitOf(u string) (uint8, bool) {
	if i, ok := c.unitIdx[u]; ok {
		return i, true
	}
	if len(c.units) > math.MaxUint8 {
		return 0, false
	}
	if c.unitIdx == nil {
		c.unitIdx = map[string]uint8{}
	}
	u = strings.Clone(u)
	c.unitIdx[u] = uint8(len(c.units))
	c.units = append(c.units, u)
	return uint8(len(c.units) - 1), true
}

// lookup returns the position of the metric of key, or -1, and the slot
// where key is or would be (indexing the columns first when Sort dropped
// their index).
func (c *columns) lookup(key string) (pos, slot int) {
	if c.slots == nil || 4*(len(c.stem)+1) > 3*len(c.slots) {
		c.reindex(len(c.stem) + 1)
	}
	mask := len(c.slots) - 1
	for i := int(maphash.String(c.seed, key)) & mask; ; i = (i + 1) & mask {
		p := c.slots[i]
		if p == 0 {
			return -1, i
		}
		if st, sf := c.parts(int(p - 1)); len(st)+len(sf) == len(key) && key[:len(st)] == st && key[len(st):] == sf {
			return int(p - 1), i
		}
	}
}

// reindex makes a table with room for n metrics and indexes them all.
func (c *columns) reindex(n int) {
	c.slots = make([]uint32, tableSize(max(n, 2*len(c.stem))))
	mask := len(c.slots) - 1
	var b []byte
	for p := range c.stem {
		st, sf := c.parts(p)
		b = append(append(b[:0], st...), sf...)
		i := int(maphash.Bytes(c.seed, b)) & mask
		for c.slots[i] != 0 {
			i = (i + 1) & mask
		}
		c.slots[i] = uint32(p + 1)
	}
}

// key returns the key of the metric at p.
func (c *columns) key(p int) string {
	st, sf := c.parts(p)
	if sf == "" {
		return st
	}
	return st + sf
}

// samples returns the samples of the metric at p: a slice of first, or
// its own.
func (c *columns) samples(p int) []float64 {
	if xs, ok := c.more[uint32(p)]; ok {
		return xs
	}
	return c.first[p : p+1 : p+1]
}

func (c *columns) setMore(p uint32, xs []float64) {
	if len(xs) == 1 {
		c.first[p] = xs[0]
		delete(c.more, p)
		return
	}
	if c.more == nil {
		c.more = map[uint32][]float64{}
	}
	if xs == nil {
		xs = []float64{}
	}
	c.more[p] = xs
}

func (c *columns) appendSamples(p int, xs []float64) {
	if len(xs) == 0 {
		return
	}
	have := c.samples(p)
	c.setMore(uint32(p), append(slices.Clip(have), xs...))
}

// interval returns the interval of the metric at p, or nil.
func (c *columns) interval(p int) *Interval {
	if i, ok := slices.BinarySearch(c.ciAt, uint32(p)); ok {
		ci := c.ci[i]
		return &ci
	}
	return nil
}

func (c *columns) setInterval(p int, ci *Interval) {
	i, ok := slices.BinarySearch(c.ciAt, uint32(p))
	switch {
	case ok && ci != nil:
		c.ci[i] = *ci
	case ok:
		c.ciAt = slices.Delete(c.ciAt, i, i+1)
		c.ci = slices.Delete(c.ci, i, i+1)
	case ci != nil:
		c.ciAt = slices.Insert(c.ciAt, i, uint32(p))
		c.ci = slices.Insert(c.ci, i, *ci)
	}
}

// view returns a new Metric of what the columns hold at p.
func (c *columns) view(p int) *Metric {
	f := c.flags[p]
	return &Metric{Key: c.key(p), Unit: c.units[c.unit[p]], Direction: Direction(f & 3), Info: f&flagInfo != 0,
		Samples: c.samples(p), CI: c.interval(p)}
}

// openView is view, written back by the next sync.
func (c *columns) openView(p int) *Metric {
	c.open, c.openAt = c.view(p), p
	return c.open
}

// sync writes back the open view's samples, interval and info flag.
func (c *columns) sync() {
	m, p := c.open, c.openAt
	if m == nil {
		return
	}
	c.open = nil
	c.setMore(uint32(p), m.Samples)
	c.setInterval(p, m.CI)
	c.flags[p] &^= flagInfo
	if m.Info {
		c.flags[p] |= flagInfo
	}
}

// get returns a view of the metric of key, or nil.
func (c *columns) get(key string) *Metric {
	c.sync()
	if p, _ := c.lookup(key); p >= 0 {
		return c.openView(p)
	}
	return nil
}

// sort orders the positions by key, dropping the index (keys are unique).
func (c *columns) sort() {
	c.sync()
	c.slots = nil
	c.perm = nil
	c.sorted = true
	sorted := true
	for p := 1; p < len(c.stem) && sorted; p++ {
		sorted = c.cmp(uint32(p-1), uint32(p)) <= 0
	}
	if sorted {
		return
	}
	c.perm = make([]uint32, len(c.stem))
	for i := range c.perm {
		c.perm[i] = uint32(i)
	}
	slices.SortFunc(c.perm, c.cmp)
}

// cmp compares the keys of the metrics at a and b.
func (c *columns) cmp(a, b uint32) int {
	a1, a2 := c.parts(int(a))
	b1, b2 := c.parts(int(b))
	return cmpParts(a1, a2, b1, b2)
}

// cmpParts compares a1+a2 with b1+b2 without making either.
func cmpParts(a1, a2, b1, b2 string) int {
	for {
		if a1 == "" {
			a1, a2 = a2, ""
		}
		if b1 == "" {
			b1, b2 = b2, ""
		}
		if a1 == "" || b1 == "" {
			return len(a1) - len(b1) // 0 when both ended
		}
		n := min(len(a1), len(b1))
		if c := strings.Compare(a1[:n], b1[:n]); c != 0 {
			return c
		}
		a1, b1 = a1[n:], b1[n:]
	}
}

// printable reports whether every key and unit is Printable already.
func (c *columns) printable() bool {
	for _, set := range [][]string{c.sufs, c.units, {c.stems.String()}} {
		for _, x := range set {
			if Printable(x) != x {
				return false
			}
		}
	}
	return true
}

// LeanFootprint is about what the metrics of a lean snapshot from index
// from on take in memory, for a parser that bounds what it builds; it is
// 0 for a snapshot that is not lean.
func (s *Snapshot) LeanFootprint(from int) int {
	if s.cols == nil {
		return 0
	}
	return s.cols.footprint(from)
}

// footprint is about what the metrics from position from on take in
// memory, for a parser that bounds what it builds.
func (c *columns) footprint(from int) int {
	c.sync()
	const perMetric = 4 + 2 + 1 + 1 + 8 + 8 + 4 // stem, suffix, unit, flags, sample, slot, perm
	n := 0
	for p := from; p < len(c.stem); p++ {
		n += perMetric
		if p == 0 || c.stem[p] != c.stem[p-1] {
			n += 4 + len(c.stemOf(c.stem[p]))
		}
		if xs, ok := c.more[uint32(p)]; ok {
			n += 64 + 8*len(xs)
		}
	}
	i, _ := slices.BinarySearch(c.ciAt, uint32(from))
	return n + (len(c.ciAt)-i)*(4+24)
}
