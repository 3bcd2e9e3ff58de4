package gitstore

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
)

// pack is one pack file with its version-2 index, both memory-mapped on
// first use. Lookups binary-search the index inside the fanout range of the
// first byte; nothing is decoded up front.
type pack struct {
	idxPath, packPath string

	once sync.Once
	err  error
	idx  []byte
	data []byte
	n    int
}

const idxHeader = 8 + 256*4

func (p *pack) open() error {
	p.once.Do(func() {
		idx, err := mapFile(p.idxPath)
		if err != nil {
			p.err = err
			return
		}
		if len(idx) < idxHeader || !bytes.Equal(idx[:8], []byte{0xff, 't', 'O', 'c', 0, 0, 0, 2}) {
			unmapFile(idx)
			p.err = fmt.Errorf("%s: unsupported pack index (want version 2)", p.idxPath)
			return
		}
		n := int(binary.BigEndian.Uint32(idx[idxHeader-4:]))
		if len(idx) < idxHeader+n*28+40 {
			unmapFile(idx)
			p.err = fmt.Errorf("%s: truncated pack index", p.idxPath)
			return
		}
		data, err := mapFile(p.packPath)
		if err != nil {
			unmapFile(idx)
			p.err = err
			return
		}
		if len(data) < 12 || string(data[:4]) != "PACK" {
			unmapFile(idx)
			unmapFile(data)
			p.err = fmt.Errorf("%s: not a pack file", p.packPath)
			return
		}
		p.idx, p.data, p.n = idx, data, n
	})
	return p.err
}

func (p *pack) fan(b int) int {
	if b < 0 {
		return 0
	}
	return int(binary.BigEndian.Uint32(p.idx[8+b*4:]))
}

func (p *pack) name(i int) []byte { return p.idx[idxHeader+i*20 : idxHeader+i*20+20] }

// search returns the first index position whose name is >= key, within the
// fanout bucket of key[0].
func (p *pack) search(key []byte) int {
	lo, hi := p.fan(int(key[0])-1), p.fan(int(key[0]))
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if bytes.Compare(p.name(m), key) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func (p *pack) offset(i int) uint64 {
	base := idxHeader + p.n*24
	o := binary.BigEndian.Uint32(p.idx[base+i*4:])
	if o&0x80000000 == 0 {
		return uint64(o)
	}
	base += p.n * 4
	return binary.BigEndian.Uint64(p.idx[base+int(o&0x7fffffff)*8:])
}

// find returns the pack offset of h.
func (p *pack) find(h Hash) (uint64, bool, error) {
	if err := p.open(); err != nil {
		return 0, false, err
	}
	i := p.search(h.b[:20])
	if i < p.n && bytes.Equal(p.name(i), h.b[:20]) {
		return p.offset(i), true, nil
	}
	return 0, false, nil
}

// prefix returns up to max names starting with the hex prefix.
func (p *pack) prefix(hexPrefix string, max int) []Hash {
	if p.open() != nil {
		return nil
	}
	full := hexPrefix + "0000000000000000000000000000000000000000"[len(hexPrefix):]
	key, err := hex.DecodeString(full)
	if err != nil {
		return nil
	}
	var out []Hash
	for i := p.search(key); i < p.n && len(out) < max; i++ {
		h := hashFromRaw(p.name(i))
		if !bytes.HasPrefix([]byte(h.String()), []byte(hexPrefix)) {
			break
		}
		out = append(out, h)
	}
	return out
}

// object reads the object at off, resolving delta chains.
func (p *pack) object(o *odb, off uint64) (objType, []byte, error) {
	if t, data, ok := o.cache.get(p, off); ok {
		return t, data, nil
	}
	t, data, err := p.objectUncached(o, off, 0)
	if err != nil {
		return 0, nil, fmt.Errorf("%s at %d: %w", p.packPath, off, err)
	}
	return t, data, nil
}

func (p *pack) objectUncached(o *odb, off uint64, depth int) (objType, []byte, error) {
	return p.build(o, off, depth, nil, func(boff uint64, depth int) (objType, []byte, bool, error) {
		if bt, base, ok := o.cache.get(p, boff); ok {
			return bt, base, false, nil
		}
		bt, base, err := p.objectUncached(o, boff, depth)
		if err == nil {
			o.cache.put(p, boff, bt, base, p.whole(boff))
		}
		return bt, base, false, err
	})
}

// entryHeader is the header of the pack entry at off: its type, the size
// of its inflated data, where that data starts, and for an ofs-delta the
// offset of its base.
type entryHeader struct {
	t    objType
	size int
	pos  int
	base uint64
}

// header reads the header of the pack entry at off.
func (p *pack) header(off uint64) (entryHeader, error) {
	d := p.data
	if off >= uint64(len(d)) {
		return entryHeader{}, errors.New("offset out of range")
	}
	pos := int(off)
	c := d[pos]
	pos++
	h := entryHeader{t: objType((c >> 4) & 7), size: int(c & 15)}
	for shift := 4; c&0x80 != 0; shift += 7 {
		if pos >= len(d) || shift > 56 {
			return entryHeader{}, errors.New("truncated object header")
		}
		c = d[pos]
		pos++
		h.size |= int(c&0x7f) << shift
	}
	if h.t == objOfsDelta {
		if pos >= len(d) {
			return entryHeader{}, errors.New("truncated delta base offset")
		}
		c = d[pos]
		pos++
		rel := uint64(c & 0x7f)
		for c&0x80 != 0 {
			if pos >= len(d) || rel >= 1<<56 {
				return entryHeader{}, errors.New("truncated delta base offset")
			}
			c = d[pos]
			pos++
			rel = ((rel + 1) << 7) | uint64(c&0x7f)
		}
		if rel > off || rel == 0 {
			return entryHeader{}, errors.New("bad delta base offset")
		}
		h.base = off - rel
	}
	h.pos = pos
	return h, nil
}

// build reads the object at off: a whole object is inflated, a delta is
// applied to the base it names, which base (for an ofs-delta: called with
// the base's offset and depth+1) or o.read (a ref-delta) supplies. The
// object and the delta are built in buffers from pool; base says whether
// the base it returns is the caller's to give back to the pool once used
// (owned).
func (p *pack) build(o *odb, off uint64, depth int, pool *bufPool, base func(boff uint64, depth int) (t objType, data []byte, owned bool, err error)) (objType, []byte, error) {
	if depth > 10000 {
		return 0, nil, errors.New("delta chain too deep")
	}
	h, err := p.header(off)
	if err != nil {
		return 0, nil, err
	}
	d, pos := p.data, h.pos
	o.inflates.Add(1)
	switch h.t {
	case objCommit, objTree, objBlob, objTag:
		data, err := inflateInto(pool, d[pos:], h.size)
		return h.t, data, err
	case objOfsDelta, objRefDelta:
		var bt objType
		var bdata []byte
		var owned bool
		if h.t == objOfsDelta {
			bt, bdata, owned, err = base(h.base, depth+1)
		} else {
			if pos+20 > len(d) {
				return 0, nil, errors.New("truncated delta base name")
			}
			bh := hashFromRaw(d[pos : pos+20])
			pos += 20
			bt, bdata, err = o.read(bh)
		}
		if err != nil {
			return 0, nil, err
		}
		delta, err := inflateInto(pool, d[pos:], h.size)
		if err != nil {
			return 0, nil, err
		}
		data, err := applyDeltaInto(pool, bdata, delta)
		pool.put(delta)
		if owned {
			pool.put(bdata)
		}
		return bt, data, err
	}
	return 0, nil, fmt.Errorf("bad object type %d", h.t)
}

func deltaVarint(b []byte, pos int) (int, int, error) {
	n, shift := 0, 0
	for {
		if pos >= len(b) {
			return 0, 0, errors.New("truncated delta header")
		}
		c := b[pos]
		pos++
		if shift > 56 {
			return 0, 0, errors.New("delta header size overflows")
		}
		n |= int(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			return n, pos, nil
		}
	}
}

// applyDeltaInto applies a git delta (copy/insert instructions) to base,
// into a buffer from pool (nil: a new one).
func applyDeltaInto(pool *bufPool, base, delta []byte) ([]byte, error) {
	srcSize, pos, err := deltaVarint(delta, 0)
	if err != nil {
		return nil, err
	}
	if srcSize != len(base) {
		return nil, errors.New("delta base size mismatch")
	}
	dstSize, pos, err := deltaVarint(delta, pos)
	if err != nil {
		return nil, err
	}
	// The declared size is only trusted as an upper bound: a corrupt delta
	// must not make us allocate what it claims (found by FuzzApplyDelta).
	out := pool.get(min(dstSize, len(base)+len(delta)))
	for pos < len(delta) {
		op := delta[pos]
		pos++
		if op&0x80 != 0 {
			var off, n int
			for i := 0; i < 4; i++ {
				if op&(1<<i) != 0 {
					if pos >= len(delta) {
						return nil, errors.New("truncated delta")
					}
					off |= int(delta[pos]) << (8 * i)
					pos++
				}
			}
			for i := 0; i < 3; i++ {
				if op&(0x10<<i) != 0 {
					if pos >= len(delta) {
						return nil, errors.New("truncated delta")
					}
					n |= int(delta[pos]) << (8 * i)
					pos++
				}
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > len(base) || off+n < off {
				return nil, errors.New("delta copy out of range")
			}
			if len(out)+n > dstSize {
				return nil, errors.New("delta result size mismatch")
			}
			out = append(out, base[off:off+n]...)
		} else if op != 0 {
			n := int(op)
			if pos+n > len(delta) {
				return nil, errors.New("truncated delta insert")
			}
			if len(out)+n > dstSize {
				return nil, errors.New("delta result size mismatch")
			}
			out = append(out, delta[pos:pos+n]...)
			pos += n
		} else {
			return nil, errors.New("delta opcode 0")
		}
	}
	if len(out) != dstSize {
		return nil, errors.New("delta result size mismatch")
	}
	return out, nil
}

// whole reports whether the object at off is stored whole (not a delta):
// rebuilding it means inflating all of it.
func (p *pack) whole(off uint64) bool {
	t := objType((p.data[off] >> 4) & 7)
	return t != objOfsDelta && t != objRefDelta
}

// baseCache keeps recently inflated delta bases (by pack and offset), so
// walking objects that share a delta chain does not inflate it again.
// Cached slices are shared: callers must not modify object data. Eviction
// is least-recently-used, in constant time (a list threaded through the
// entries): reading 1,000 notes whose blobs sit in delta chains puts
// thousands of bases, and a scan for the oldest entry on each put cost
// more than a tenth of `log`'s CPU.
//
// A base stored whole costs a full inflate to rebuild, one that is a delta
// only its (usually much smaller) delta once its own base is cached, so
// eviction passes over a few of the least recently used whole bases for a
// delta-built one: 100 notes of 9 MB packed by git gc hang off 3 whole
// blobs and 22 delta-built ones, and keeping the 3 inflates each once
// (inflating them per note was half of `log -n 100`'s time).
type baseCache struct {
	mu    sync.Mutex
	m     map[cacheKey]*cacheEnt
	bytes int
	lru   cacheEnt // sentinel: lru.next is the most recently used
}

type cacheKey struct {
	p   *pack
	off uint64
}

type cacheEnt struct {
	key        cacheKey
	t          objType
	data       []byte
	whole      bool // stored whole in the pack: expensive to rebuild
	prev, next *cacheEnt
}

const (
	cacheMaxBytes   = 32 << 20
	cacheMaxEntries = 512
	// cacheMaxBase is the largest base kept: a note of 60,000 metrics
	// (9.4 MB) fits, three of them at once.
	cacheMaxBase = 12 << 20
	// cacheScan bounds how far eviction looks past whole bases.
	cacheScan = 8
)

func (c *baseCache) unlink(e *cacheEnt) {
	e.prev.next, e.next.prev = e.next, e.prev
}

func (c *baseCache) pushFront(e *cacheEnt) {
	if c.lru.next == nil {
		c.lru.next, c.lru.prev = &c.lru, &c.lru
	}
	e.prev, e.next = &c.lru, c.lru.next
	c.lru.next.prev = e
	c.lru.next = e
}

func (c *baseCache) get(p *pack, off uint64) (objType, []byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[cacheKey{p, off}]
	if e == nil {
		return 0, nil, false
	}
	c.unlink(e)
	c.pushFront(e)
	return e.t, e.data, true
}

// put caches the object at off of p, stored whole in the pack or not.
func (c *baseCache) put(p *pack, off uint64, t objType, data []byte, whole bool) {
	if len(data) > cacheMaxBase {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[cacheKey]*cacheEnt{}
	}
	k := cacheKey{p, off}
	if c.m[k] != nil {
		return
	}
	for (c.bytes+len(data) > cacheMaxBytes || len(c.m) >= cacheMaxEntries) && len(c.m) > 0 {
		old := c.lru.prev // the least recently used, or a delta-built one near it
		for e, i := old, 0; e != &c.lru && i < cacheScan; e, i = e.prev, i+1 {
			if !e.whole {
				old = e
				break
			}
		}
		c.unlink(old)
		delete(c.m, old.key)
		c.bytes -= len(old.data)
	}
	e := &cacheEnt{key: k, t: t, data: data, whole: whole}
	c.m[k] = e
	c.pushFront(e)
	c.bytes += len(data)
}
