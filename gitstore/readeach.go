package gitstore

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sync"
	"sync/atomic"
)

// ReadEach reads the notes of commits, each once, and calls fn(worker, i,
// data, err) for every commits[i] (data nil, err nil: no note) from up to
// workers goroutines (worker is the goroutine's number, 0 ≤ worker <
// workers, so fn can keep state per worker). The order of the calls is
// not commits' order. data is lent to fn: its buffer is reused once fn
// returns, so fn copies what it keeps.
//
// A history of large notes packed by git is a forest of delta chains: git
// stores a note as a delta against another note (often of another commit
// of the same history), and rebuilding one note means inflating its whole
// chain. Read, called note by note, rebuilds the chains again and again as
// its bounded base cache lets them go; ReadEach knows every note it will
// read, so it reads them in chain order (depth first through the pack),
// keeps each delta base until the last note built on it is done, and so
// inflates every pack entry of the forest once. The bases it keeps are
// bounded (planMaxBytes); past that a base is rebuilt for each note that
// needs it, as Read would.
func (n *Notes) ReadEach(commits []Hash, workers int, fn func(worker, i int, data []byte, err error)) {
	items := n.plan(commits, workers)
	c := &planCache{refs: map[cacheKey]int{}, built: map[cacheKey]*plannedObj{}}
	for _, it := range items {
		for _, off := range it.seq {
			c.refs[cacheKey{it.p, off}]++
		}
	}
	o := n.r.odb
	pool := &bufPool{}
	runs := runsOf(items)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range max(1, min(workers, len(runs)-1)) {
		wg.Go(func() {
			for {
				r := int(next.Add(1)) - 1
				if r >= len(runs)-1 {
					return
				}
				for k := runs[r]; k < runs[r+1]; k++ {
					it := &items[k]
					data, err, owned := it.data, it.err, false
					switch {
					case err != nil || it.blob.IsZero() || data != nil:
					case it.small:
						data, err = o.readType(it.blob, objBlob)
					case it.p == nil:
						data, owned, err = readLooseBlob(o, pool, it.blob)
					default:
						data, owned, err = c.blob(o, pool, it)
						// The pack's pages this note was inflated from are
						// not needed again (each entry is inflated once):
						// they leave the process (not the page cache), so a
						// history of big notes does not keep its pack
						// resident.
						releaseMapped(it.p.data)
					}
					fn(w, it.i, data, err)
					if it.p != nil {
						c.release(pool, it.p, it.seq[len(it.seq)-1:])
					}
					if owned {
						recycle(pool, data)
					}
				}
			}
		})
	}
	wg.Wait()
}

// runMax bounds the notes of a run (see runsOf).
const runMax = 4

// runsOf cuts the ordered items into the runs the workers of ReadEach take
// one at a time, and returns where each run starts (and, last, the end):
// a note stored as a delta against the note before it goes to the same
// worker (up to runMax notes), whose decoder has just read what the two
// share. A pair of notes from identical runs, which git stores as a tiny
// delta of one against the other, then costs its second note almost
// nothing to decode.
func runsOf(items []planItem) []int {
	var starts []int
	n := 0
	for k := range items {
		it := &items[k]
		if k > 0 && n < runMax && it.p != nil && it.p == items[k-1].p && len(it.seq) > 1 &&
			it.seq[len(it.seq)-2] == items[k-1].seq[len(items[k-1].seq)-1] {
			n++
			continue
		}
		starts = append(starts, k)
		n = 1
	}
	return append(starts, len(items))
}

// planItem is one note of ReadEach: the commit's index, the note's blob
// (zero: no note) and, for a blob in a pack, that pack and the offsets of
// its chain there: the root (stored whole, or a ref-delta) first, each
// next entry an ofs-delta against the one before, the blob's own last.
type planItem struct {
	i     int
	blob  Hash
	data  []byte // already at hand (an object cache)
	err   error
	small bool // in a pack, but read as Read does (see planMinBytes)
	p     *pack
	seq   []uint64
}

// plan finds the note of each commit and orders them for ReadEach: the
// notes not in a pack first, then the packed ones by pack and by chain
// (a base before the notes built on it, the notes sharing a base
// together).
// The lookups (notes trees, pack indexes) run on workers goroutines.
func (n *Notes) plan(commits []Hash, workers int) []planItem {
	o := n.r.odb
	items := make([]planItem, len(commits))
	var packs []*pack
	if o.git == nil {
		packs = o.packList(false)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(workers, len(commits)/64)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(commits) {
					return
				}
				n.locate(&items[i], i, commits[i], packs)
			}
		})
	}
	wg.Wait()
	packIndex := func(p *pack) int { return slices.Index(packs, p) }

	slices.SortStableFunc(items, func(a, b planItem) int {
		if a.p == nil || b.p == nil || a.p != b.p {
			return packIndex(a.p) - packIndex(b.p) // nil (-1) first
		}
		return slices.Compare(a.seq, b.seq)
	})
	return items
}

// locate fills it with the note of commit c: its blob and where it is.
func (n *Notes) locate(it *planItem, i int, c Hash, packs []*pack) {
	o := n.r.odb
	it.i = i
	blob, ok, err := n.r.lookupNote(n.tree, c)
	if err != nil || !ok {
		it.err = err
		return
	}
	it.blob = blob
	if o.git != nil {
		return
	}
	if t, data, ok := o.recent.get(blob); ok && t == objBlob {
		it.data = data
		return
	}
	if o.disk != nil {
		if t, data, ok := o.disk.get(blob); ok && t == objBlob {
			it.data = data
			return
		}
	}
	for _, p := range packs {
		if off, ok, err := p.find(blob); err == nil && ok {
			it.p, it.seq = p, p.chain(off)
			if h, err := p.header(it.seq[0]); err == nil && h.t != objOfsDelta && h.size < planMinBytes {
				// Small notes: the base cache of Read serves their
				// chains, without the bookkeeping of a plan.
				it.p, it.seq, it.small = nil, nil, true
			}
			return
		}
	}
}

// planMinBytes is the size of a chain's root under which its notes are
// read as Read reads them.
const planMinBytes = 256 << 10

// chain returns the offsets of the entry at off and of its ofs-delta
// bases, the root of the chain first. It stops at an entry whose header
// it cannot read (building the object reports the error) and at a
// ref-delta, whose base is read by name.
func (p *pack) chain(off uint64) []uint64 {
	chain := []uint64{off}
	for len(chain) <= 10000 {
		h, err := p.header(off)
		if err != nil || h.t != objOfsDelta {
			break
		}
		chain = append(chain, h.base)
		off = h.base
	}
	slices.Reverse(chain)
	return chain
}

// planMaxBytes bounds the delta bases ReadEach keeps for notes still to
// come (a 9.4 MB note of 60,000 metrics: six of them).
const planMaxBytes = 64 << 20

// planCache holds the entries of ReadEach: refs counts, for each entry,
// the notes still to be built from it (itself included: two commits may
// share a note); an entry is built once, kept while its count is positive
// (within planMaxBytes) and dropped when the count reaches zero.
type planCache struct {
	mu    sync.Mutex
	refs  map[cacheKey]int
	built map[cacheKey]*plannedObj
	bytes int
}

// plannedObj is a base being built (done open) or built.
type plannedObj struct {
	done chan struct{}
	t    objType
	data []byte
	err  error
}

// recycle gives a note or base back to pool, unless the object cache may
// hold it (a small one: diskCache.note keeps the slice).
func recycle(pool *bufPool, data []byte) {
	if len(data) > cacheMaxObject {
		pool.put(data)
	}
}

// readLooseBlob reads a blob that is in no pack: loose into a buffer of
// pool (owned: the caller gives it back), or else (a pack that appeared
// since, git plumbing) as Read does.
func readLooseBlob(o *odb, pool *bufPool, h Hash) ([]byte, bool, error) {
	if o.git == nil {
		for _, d := range o.dirs {
			t, data, err := readLooseInto(pool, d, h)
			switch {
			case err == nil && t == objBlob:
				if o.disk != nil {
					o.disk.note(h, t, data)
				}
				return data, true, nil
			case err == nil:
				return nil, false, fmt.Errorf("object %s is a %s, not a %s", h, t, objBlob)
			case !errors.Is(err, fs.ErrNotExist):
				return nil, false, err
			}
		}
	}
	data, err := o.readType(h, objBlob)
	return data, false, err
}

// blob builds the note of it and drops its claims on its bases (its claim
// on itself is dropped once the note is used). owned: the note is the
// caller's to give back to the pool.
func (c *planCache) blob(o *odb, pool *bufPool, it *planItem) ([]byte, bool, error) {
	off := it.seq[len(it.seq)-1]
	t, data, owned, err := c.object(o, pool, it.p, off, 0)
	c.release(pool, it.p, it.seq[:len(it.seq)-1])
	switch {
	case err != nil:
		return nil, false, fmt.Errorf("%s at %d: %w", it.p.packPath, off, err)
	case t != objBlob:
		return nil, false, fmt.Errorf("object %s is a %s, not a %s", it.blob, t, objBlob)
	}
	if o.disk != nil {
		o.disk.note(it.blob, t, data)
	}
	return data, owned, nil
}

// object builds the entry at off of p, sharing it when notes still to be
// built need it. owned: it is not shared, and the caller's to give back to
// the pool.
func (c *planCache) object(o *odb, pool *bufPool, p *pack, off uint64, depth int) (objType, []byte, bool, error) {
	k := cacheKey{p, off}
	c.mu.Lock()
	if e := c.built[k]; e != nil {
		c.mu.Unlock()
		<-e.done
		return e.t, e.data, false, e.err
	}
	var e *plannedObj
	if c.refs[k] > 0 && c.bytes < planMaxBytes {
		e = &plannedObj{done: make(chan struct{})}
		c.built[k] = e
	}
	c.mu.Unlock()
	t, data, err := p.build(o, off, depth, pool, func(boff uint64, depth int) (objType, []byte, bool, error) {
		return c.object(o, pool, p, boff, depth)
	})
	if e == nil {
		return t, data, true, err
	}
	e.t, e.data, e.err = t, data, err
	c.mu.Lock()
	c.bytes += len(data)
	c.mu.Unlock()
	close(e.done)
	return t, data, false, err
}

// release drops one claim on each entry at offs of p; an entry no note
// needs any more is let go, its buffer back to pool.
func (c *planCache) release(pool *bufPool, p *pack, offs []uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, off := range offs {
		k := cacheKey{p, off}
		if c.refs[k]--; c.refs[k] > 0 {
			continue
		}
		delete(c.refs, k)
		if e := c.built[k]; e != nil {
			delete(c.built, k)
			c.bytes -= len(e.data)
			recycle(pool, e.data)
		}
	}
}
