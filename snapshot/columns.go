package snapshot

import (
	"hash/maphash"
	"iter"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/flameiq/git-flameiq/internal/chunks"
	"github.com/flameiq/git-flameiq/internal/posindex"
)

// A lean snapshot (NewLean) keeps its metrics in columns instead of one
// Metric struct each, for a caller that only counts them and writes their
// record (validate, record): 60 MB of a load test's compact JSON summary
// makes 4 million metrics of 15 bytes of JSON each, and a Metric alone is
// 72 bytes and its pointer 8, so that no reader of structs could stay
// within 4 times the input. In columns a metric costs its key's share of
// a stem (the key up to its last ':', else its last '.' or '/', stored
// once for the metrics of one benchmark that follow each other), a suffix
// index into a small table of shared suffixes (":p95", ".avg"), a unit
// index, a byte of direction and flags, its sample, and an index slot:
// about 28 bytes, and 24 more for an interval. The columns are chunks that never move, so
// that a growing snapshot leaves no copies of them behind as garbage.
//
// Add, Get, Len, All, Sort, Sanitize, SampleCount and WriteRecord work on
// a lean snapshot; Metrics stays nil until Expand turns the columns into
// metrics (Merge, Filter and Keys expand their lean arguments). A metric
// that Add or Get returns is a view: changes to its Samples, CI and Info
// are written back at the snapshot's next call, and its Key, Unit and
// Direction are read-only. A key beyond the columns' limits (more than 255
// units, a stem over 64 KiB, 4 GiB of stems, 2³² metrics) expands the
// snapshot, which then goes on as any other.

// NewLean returns an empty lean snapshot.
func NewLean() *Snapshot {
	return &Snapshot{cols: &columns{seed: maphash.MakeSeed(), sufs: []string{""}}}
}

// Lean reports whether s keeps its metrics in columns (Metrics is nil).
func (s *Snapshot) Lean() bool { return s.cols != nil }

// Len is the number of metrics.
func (s *Snapshot) Len() int {
	if s.cols != nil {
		return s.cols.stem.Len()
	}
	return len(s.Metrics)
}

// SampleCount is the number of samples of all metrics.
func (s *Snapshot) SampleCount() int {
	if c := s.cols; c != nil {
		c.sync()
		n := c.first.Len()
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
			for i := range c.stem.Len() {
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

// reused is All for WriteRecord, without a Metric (nor an interval) made
// for each: the metric it yields lasts until the next but one (the keys
// of a lean snapshot are unique: a writer that looks one metric back has
// what it needs). 4 million metrics of a Locust summary took 3.5 s more
// to record with All.
func (c *columns) reused(yield func(*Metric) bool) {
	c.sync()
	var (
		ms  [2]Metric
		cis [2]Interval
	)
	for i := range c.stem.Len() {
		p := i
		if c.perm != nil {
			p = int(c.perm[i])
		}
		m, ci := &ms[i%2], &cis[i%2]
		f := c.flags.At(p)
		*m = Metric{Key: c.key(p), Unit: c.units[c.unit.At(p)], Direction: Direction(f & 3), Info: f&flagInfo != 0,
			Samples: c.samples(p)}
		if v, ok := c.intervalAt(p); ok {
			*ci = v
			m.CI = ci
		}
		if !yield(m) {
			return
		}
	}
}

// Expand turns a lean snapshot's columns into Metrics, in their order;
// other snapshots are left as they are.
func (s *Snapshot) Expand() {
	c := s.cols
	if c == nil {
		return
	}
	c.sync()
	var ms []*Metric
	if n := c.stem.Len(); n > 0 {
		ms = make([]*Metric, 0, n)
	}
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

	// Stem j is stemLen[j] bytes from stemAt[j] in blocks: the block
	// stemAt[j]>>16, from its byte stemAt[j]&0xffff (a stem is at most
	// 64 KiB, within one block).
	stemAt  chunks.List[uint32]
	stemLen chunks.List[uint16]
	blocks  []*strings.Builder
	sufs    []string // suffixes; sufs[0] is ""
	sufIdx  map[string]uint16
	units   []string
	unitIdx map[string]uint8

	stem  chunks.List[uint32]  // key i is stems[stem[i]] + sufs[suf[i]]
	suf   chunks.List[uint16]  //
	unit  chunks.List[uint8]   // units[unit[i]]
	flags chunks.List[uint8]   // Direction, flagInfo and flagCI
	first chunks.List[float64] // the only sample (NaN when there are more, or none)
	more  map[uint32][]float64
	// The intervals: [ciLo[i], ciHi[i]], n=ciN[i] is the interval of the
	// metric at ciAt[i], ascending; one set other than after all of them,
	// or with an n beyond 32 bits, is in ciSet (nil: none), which
	// overrides them.
	ciAt       chunks.List[uint32]
	ciLo, ciHi chunks.List[float64]
	ciN        chunks.List[uint32]
	ciSet      map[uint32]*Interval

	index  *posindex.Table // Add's index of positions; nil after Sort
	perm   []uint32        // the positions in key order after Sort (nil: their own order)
	sorted bool            // Sort ordered them (and no metric was made since)

	open   *Metric // the last view Add or Get returned, written back by sync
	openAt int
}

const (
	flagInfo = 1 << 2 // beside a Direction's two bits
	flagCI   = 1 << 3 // the metric has an interval (look it up)
	maxSufs  = 4096   // distinct suffixes kept (the rest stay in their stems)
	maxSuf   = 32     // the longest suffix kept
)

// addStem appends a stem; it returns false for a stem longer than a
// block, or beyond 65,536 blocks.
func (c *columns) addStem(s string) bool {
	if len(s) > blockSize {
		return false
	}
	b := len(c.blocks) - 1
	if b < 0 || c.blocks[b].Len()+len(s) > blockSize {
		if b++; b > math.MaxUint16 {
			return false
		}
		c.blocks = append(c.blocks, &strings.Builder{})
		c.blocks[b].Grow(blockSize) // once: its bytes never move
	}
	c.stemAt.Add(uint32(b)<<16 | uint32(c.blocks[b].Len()))
	c.stemLen.Add(uint16(len(s)))
	c.blocks[b].WriteString(s)
	return true
}

const blockSize = 1<<16 - 1

// stemOf returns stem j, a view of its block.
func (c *columns) stemOf(j int) string {
	at := c.stemAt.At(j)
	off := int(at & 0xffff)
	// The builder's bytes never change once written: String is a view.
	return c.blocks[at>>16].String()[off : off+int(c.stemLen.At(j))]
}

// add returns a view of the metric of key, made or with samples appended,
// or nil when the key does not fit the columns.
func (c *columns) add(key, unit string, dir Direction, samples []float64) *Metric {
	c.sync()
	p, slot := c.lookup(key)
	if p >= 0 {
		c.appendSamples(p, samples)
		return c.openView(p, key)
	}
	n := c.stem.Len()
	u, ok := c.unitOf(unit)
	if !ok || n >= math.MaxUint32-1 {
		return nil
	}
	st, sf, ok := c.split(key)
	if !ok {
		return nil
	}
	c.stem.Add(st)
	c.suf.Add(sf)
	c.unit.Add(u)
	c.flags.Add(uint8(dir) & 3)
	c.first.Add(math.NaN())
	c.setSamples(n, samples)
	c.index.Set(slot, n)          // lookup made room for one more
	c.sorted, c.perm = false, nil // their own order now
	return c.openView(n, key)
}

// split returns key's stem and suffix indexes, making them as needed: the
// suffix from the last ':' (the unit's or statistic's separator of most
// formats: "Encode-8:sec/op"), else from the last '.' or '/' ("http_reqs.rate"),
// when it is short and shared (or the table has room), the stem the rest,
// shared with the last metric's.
func (c *columns) split(key string) (uint32, uint16, bool) {
	j := strings.LastIndexByte(key, ':')
	if j < 0 {
		j = strings.LastIndexAny(key, "./")
	}
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
	if k := c.stemAt.Len() - 1; k >= 0 && c.stemOf(k) == stem {
		return uint32(k), sf, true
	}
	return uint32(c.stemAt.Len()), sf, c.addStem(stem)
}

// parts returns the stem and suffix of the key of the metric at p.
func (c *columns) parts(p int) (string, string) {
	return c.stemOf(int(c.stem.At(p))), c.sufs[c.suf.At(p)]
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
// their index, or when it is full).
func (c *columns) lookup(key string) (pos, slot int) {
	if c.index == nil || !c.index.Fits(c.stem.Len()+1) {
		c.reindex(c.stem.Len() + 1)
	}
	return c.index.Find(maphash.String(c.seed, key), func(p int) bool {
		st, sf := c.parts(p)
		return len(st)+len(sf) == len(key) && key[:len(st)] == st && key[len(st):] == sf
	})
}

// reindex makes a table with room for n metrics and indexes them all.
func (c *columns) reindex(n int) {
	c.index = nil // garbage before the next is made
	c.index = posindex.New(max(n, 2*c.stem.Len()))
	var b []byte
	for p := range c.stem.Len() {
		st, sf := c.parts(p)
		b = append(append(b[:0], st...), sf...)
		c.index.Put(maphash.Bytes(c.seed, b), p)
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
	return c.first.One(p)
}

func (c *columns) setSamples(p int, xs []float64) {
	if len(xs) == 1 {
		*c.first.Ptr(p) = xs[0]
		delete(c.more, uint32(p))
		return
	}
	if c.more == nil {
		c.more = map[uint32][]float64{}
	}
	if xs == nil {
		xs = []float64{}
	}
	c.more[uint32(p)] = slices.Clone(xs)
}

func (c *columns) appendSamples(p int, xs []float64) {
	if len(xs) > 0 {
		c.setSamples(p, append(slices.Clip(c.samples(p)), xs...))
	}
}

// ciIndex returns where the interval of the metric at p is or would be in
// ciAt, and whether it is there.
func (c *columns) ciIndex(p int) (int, bool) {
	n := c.ciAt.Len()
	i := sort.Search(n, func(i int) bool { return c.ciAt.At(i) >= uint32(p) })
	return i, i < n && c.ciAt.At(i) == uint32(p)
}

// interval returns the interval of the metric at p, or nil.
func (c *columns) interval(p int) *Interval {
	if v, ok := c.intervalAt(p); ok {
		return &v
	}
	return nil
}

// intervalAt returns the interval of the metric at p, if it has one.
func (c *columns) intervalAt(p int) (Interval, bool) {
	if c.flags.At(p)&flagCI == 0 {
		return Interval{}, false
	}
	if ci, ok := c.ciSet[uint32(p)]; ok {
		if ci == nil {
			return Interval{}, false
		}
		return *ci, true
	}
	if i, ok := c.ciIndex(p); ok {
		return Interval{Lo: c.ciLo.At(i), Hi: c.ciHi.At(i), N: int(c.ciN.At(i))}, true
	}
	return Interval{}, false
}

func (c *columns) setInterval(p int, ci *Interval) {
	f := c.flags.Ptr(p)
	*f &^= flagCI
	if ci != nil {
		*f |= flagCI
	}
	if _, ok := c.ciSet[uint32(p)]; !ok && (ci == nil || ci.N >= 0 && ci.N <= math.MaxUint32) {
		i, ok := c.ciIndex(p)
		switch {
		case ok && ci != nil:
			*c.ciLo.Ptr(i), *c.ciHi.Ptr(i), *c.ciN.Ptr(i) = ci.Lo, ci.Hi, uint32(ci.N)
			return
		case !ok && ci == nil:
			return
		case !ok && i == c.ciAt.Len(): // after all of them
			c.ciAt.Add(uint32(p))
			c.ciLo.Add(ci.Lo)
			c.ciHi.Add(ci.Hi)
			c.ciN.Add(uint32(ci.N))
			return
		}
	}
	if c.ciSet == nil {
		c.ciSet = map[uint32]*Interval{}
	}
	if ci != nil {
		v := *ci
		ci = &v
	}
	c.ciSet[uint32(p)] = ci
}

// view returns a new Metric of what the columns hold at p.
func (c *columns) view(p int) *Metric { return c.viewKeyed(p, c.key(p)) }

// viewKeyed is view given the key.
func (c *columns) viewKeyed(p int, key string) *Metric {
	f := c.flags.At(p)
	return &Metric{Key: key, Unit: c.units[c.unit.At(p)], Direction: Direction(f & 3), Info: f&flagInfo != 0,
		Samples: c.samples(p), CI: c.interval(p)}
}

// openView is view (of key, the metric's), written back by the next sync.
func (c *columns) openView(p int, key string) *Metric {
	c.open, c.openAt = c.viewKeyed(p, key), p
	return c.open
}

// sync writes back the open view's samples, interval and info flag.
func (c *columns) sync() {
	m, p := c.open, c.openAt
	if m == nil {
		return
	}
	c.open = nil
	c.setSamples(p, m.Samples)
	c.setInterval(p, m.CI)
	f := c.flags.Ptr(p)
	*f &^= flagInfo
	if m.Info {
		*f |= flagInfo
	}
}

// get returns a view of the metric of key, or nil.
func (c *columns) get(key string) *Metric {
	c.sync()
	if p, _ := c.lookup(key); p >= 0 {
		return c.openView(p, key)
	}
	return nil
}

// sort orders the positions by key, dropping the index (keys are unique).
func (c *columns) sort() {
	c.sync()
	c.index = nil
	c.perm = nil
	c.sorted = true
	n := c.stem.Len()
	sorted := true
	for p := 1; p < n && sorted; p++ {
		sorted = c.cmp(uint32(p-1), uint32(p)) <= 0
	}
	if sorted {
		return
	}
	c.perm = make([]uint32, n)
	for i := range c.perm {
		c.perm[i] = uint32(i)
	}
	slices.SortFunc(c.perm, c.cmp)
}

// cmp compares the keys of the metrics at a and b.
func (c *columns) cmp(a, b uint32) int {
	if sa, sb := c.stem.At(int(a)), c.stem.At(int(b)); sa == sb { // one benchmark's
		return strings.Compare(c.sufs[c.suf.At(int(a))], c.sufs[c.suf.At(int(b))])
	}
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
	for _, set := range [][]string{c.sufs, c.units} {
		for _, x := range set {
			if Printable(x) != x {
				return false
			}
		}
	}
	for i := range c.stemAt.Len() {
		if x := c.stemOf(i); Printable(x) != x {
			return false
		}
	}
	return true
}

// sizeHint is RecordSizeHint of a lean snapshot, from its columns.
func (c *columns) sizeHint() int {
	c.sync()
	size := 0
	for p := range c.stem.Len() {
		st, sf := c.parts(p)
		size += len(st) + len(sf) + len(c.units[c.unit.At(p)]) + 48 + 16
	}
	for _, xs := range c.more {
		size += 16 * (len(xs) - 1)
	}
	return size
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

// footprint is LeanFootprint.
func (c *columns) footprint(from int) int {
	c.sync()
	const perMetric = 4 + 2 + 1 + 1 + 8 + 8 + 4 // stem, suffix, unit, flags, sample, slot, perm
	n := 0
	for p := from; p < c.stem.Len(); p++ {
		n += perMetric
		if p == 0 || c.stem.At(p) != c.stem.At(p-1) {
			n += 6 + int(c.stemLen.At(int(c.stem.At(p))))
		}
		if xs, ok := c.more[uint32(p)]; ok {
			n += 64 + 8*len(xs)
		}
	}
	i, _ := c.ciIndex(from)
	return n + (c.ciAt.Len()-i)*(4+8+8+4) + 64*len(c.ciSet)
}
