package gitstore

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The object cache keeps the commits, trees and note blobs a history
// command inflated, uncompressed, in $GIT_COMMON_DIR/flameiq/objcache, so
// the next `log`, `bisect`, `drift` or `review` over the same history reads
// them without inflating anything. Git objects never change, so the cache
// needs no invalidation: an entry is keyed by the object's name, and every
// entry read is checked against that name (SHA-1 of header and content)
// before it is used, so a damaged cache file costs a pack read, never a
// wrong answer. Git ignores the directory; deleting it is always safe.
// FLAMEIQ_OBJCACHE=off turns it off.
//
// A segment file is written once (temporary file, then rename) and never
// changed: a 16-byte header ("FIQOC1\n\0", entry count, reserved), the
// entries sorted by object name (name 20, type 1, padding 3, offset 4,
// size 4), then the objects' contents.

const (
	cacheMagic       = "FIQOC1\n\x00"
	cacheHeaderSize  = 16
	cacheEntrySize   = 32
	cacheMaxObject   = 64 << 10 // larger objects are not worth a copy here
	cacheMaxPending  = 2 << 20  // a run remembers at most this much (peak memory)
	cacheMaxSegments = 6        // more than this: merge them on the next write
	cacheMaxTotal    = 64 << 20 // a merge keeps at most this much (the newest segments first)
)

type diskCache struct {
	dir      string
	disabled bool

	openOnce sync.Once
	mu       sync.Mutex
	segs     []*cacheSeg // newest first
	record   bool        // remember objects read from packs for Flush
	pending  map[Hash]cachedObj
	pendSize int
	hits     int // objects served from the cache (for tests)
}

type cacheSeg struct {
	path string
	data []byte
	n    int
}

func newDiskCache(commonDir string) *diskCache {
	return &diskCache{
		dir:      filepath.Join(commonDir, "flameiq", "objcache"),
		disabled: os.Getenv("FLAMEIQ_OBJCACHE") == "off",
	}
}

// open maps the segment files, once.
func (c *diskCache) open() {
	c.openOnce.Do(func() {
		if c.disabled {
			return
		}
		ents, err := os.ReadDir(c.dir)
		if err != nil {
			return
		}
		var names []string
		for _, e := range ents {
			if n := e.Name(); strings.HasPrefix(n, "seg-") && strings.HasSuffix(n, ".bin") {
				names = append(names, n)
			}
		}
		sort.Sort(sort.Reverse(sort.StringSlice(names)))
		for _, n := range names {
			if s := openCacheSeg(filepath.Join(c.dir, n)); s != nil {
				c.segs = append(c.segs, s)
			}
		}
	})
}

// openCacheSeg maps one segment; a file that is not a well-formed segment
// is ignored (nil).
func openCacheSeg(path string) *cacheSeg {
	data, err := mapFilePrivate(path)
	if err != nil {
		return nil
	}
	if len(data) < cacheHeaderSize || string(data[:8]) != cacheMagic {
		unmapFile(data)
		return nil
	}
	n := int(binary.LittleEndian.Uint32(data[8:12]))
	if n < 0 || cacheHeaderSize+n*cacheEntrySize > len(data) {
		unmapFile(data)
		return nil
	}
	return &cacheSeg{path: path, data: data, n: n}
}

func (s *cacheSeg) entry(i int) (h Hash, t objType, off, size int) {
	e := s.data[cacheHeaderSize+i*cacheEntrySize:]
	h = hashFromRaw(e[:20])
	return h, objType(e[20]), int(binary.LittleEndian.Uint32(e[24:28])), int(binary.LittleEndian.Uint32(e[28:32]))
}

// search returns the index of the entry named h, or -1. Object names are
// uniformly distributed, so the first probes interpolate on a name's first
// 8 bytes: a lookup takes two or three probes where a binary search over a
// 30k-entry segment takes fifteen. After four probes it bisects, so no
// layout of names can make it slower than a binary search.
func (s *cacheSeg) search(h Hash) int {
	key := binary.BigEndian.Uint64(h.b[:8])
	lo, hi := 0, s.n // the entry, if present, is in [lo, hi)
	for probe := 0; lo < hi; probe++ {
		mid := lo + (hi-lo)/2
		if probe < 4 && hi-lo > 8 {
			lk, hk := s.key(lo), s.key(hi-1)
			if key < lk || key > hk {
				return -1
			}
			mid = lo + int(float64(key-lk)/(float64(hk-lk)+1)*float64(hi-1-lo))
		}
		switch c := bytes.Compare(s.name(mid), h.b[:20]); {
		case c == 0:
			return mid
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return -1
}

func (s *cacheSeg) name(i int) []byte {
	return s.data[cacheHeaderSize+i*cacheEntrySize:][:20]
}

func (s *cacheSeg) key(i int) uint64 {
	return binary.BigEndian.Uint64(s.name(i))
}

// find returns the object, verified against its name. The bytes are the
// segment's own (a private mapping that is never unmapped): like every
// object the store returns, they are shared and must not be changed.
func (s *cacheSeg) find(h Hash) (objType, []byte, bool) {
	i := s.search(h)
	if i < 0 {
		return 0, nil, false
	}
	_, t, off, size := s.entry(i)
	if off < 0 || size < 0 || off+size > len(s.data) || off+size < off {
		return 0, nil, false
	}
	data := s.data[off : off+size : off+size]
	if hashObject(t, data) != h {
		return 0, nil, false // damaged: read it from the packs instead
	}
	return t, data, true
}

func (c *diskCache) get(h Hash) (objType, []byte, bool) {
	c.mu.Lock()
	record := c.record
	c.mu.Unlock()
	if !record {
		return 0, nil, false
	}
	c.open()
	c.mu.Lock()
	segs := c.segs
	c.mu.Unlock()
	for _, s := range segs {
		if t, data, ok := s.find(h); ok {
			c.mu.Lock()
			c.hits++
			c.mu.Unlock()
			return t, data, true
		}
	}
	return 0, nil, false
}

// note remembers an object read from a pack or a loose file, when the
// command asked for its reads to be cached. A run keeps at most
// cacheMaxPending bytes: `log -n 1000` fits (about 1 MB), and a walk over
// 100k commits does not grow the command's memory by its whole history
// (the most recent commits, read first, are the ones kept).
func (c *diskCache) note(h Hash, t objType, data []byte) {
	if t != objCommit && t != objTree && t != objBlob || len(data) > cacheMaxObject {
		return
	}
	c.mu.Lock()
	if !c.record || c.disabled {
		c.mu.Unlock()
		return
	}
	if c.pending == nil {
		c.pending = make(map[Hash]cachedObj, 1024)
	}
	if _, ok := c.pending[h]; !ok && c.pendSize < cacheMaxPending {
		c.pending[h] = cachedObj{t, data}
		c.pendSize += len(data) + cacheEntrySize
	}
	c.mu.Unlock()
}

// flush writes the pending objects as a new segment when there are at least
// min of them, merging the existing segments into it when there are many.
func (c *diskCache) flush(min int) error {
	c.open()
	c.mu.Lock()
	if len(c.pending) == 0 || len(c.pending) < min {
		c.mu.Unlock()
		return nil
	}
	objs := c.pending
	c.pending, c.pendSize = nil, 0
	old := slices.Clone(c.segs)
	c.mu.Unlock()

	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	// Merge when there are many segments, under a lock so that two
	// processes do not both merge (the loser just adds its segment).
	var merged []*cacheSeg
	if len(old) >= cacheMaxSegments {
		lock := filepath.Join(c.dir, "merge.lock")
		if f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644); err == nil {
			f.Close()
			defer os.Remove(lock)
			merged = old
			removeStale(c.dir, "tmp-") // left by killed writers
		} else if st, err := os.Stat(lock); err == nil && time.Since(st.ModTime()) > time.Minute {
			os.Remove(lock) // left by a killed process
		}
	}
	total := 0
	for _, o := range objs {
		total += len(o.data) + cacheEntrySize
	}
	for _, s := range merged {
		if total+len(s.data) > cacheMaxTotal {
			break
		}
		for i := 0; i < s.n; i++ {
			h, t, off, size := s.entry(i)
			if _, ok := objs[h]; ok || off+size > len(s.data) || off < 0 || size < 0 {
				continue
			}
			objs[h] = cachedObj{t, s.data[off : off+size]}
			total += size + cacheEntrySize
		}
	}
	if err := writeCacheSeg(c.dir, objs); err != nil {
		return err
	}
	for _, s := range merged {
		os.Remove(s.path) // mapped copies stay valid until unmapped
	}
	return nil
}

// removeStale deletes files named prefix* older than a minute.
func removeStale(dir, prefix string) {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Minute {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

func writeCacheSeg(dir string, objs map[Hash]cachedObj) error {
	hashes := make([]Hash, 0, len(objs))
	size := cacheHeaderSize
	for h, o := range objs {
		hashes = append(hashes, h)
		size += cacheEntrySize + len(o.data)
	}
	if size > 1<<31 {
		return errors.New("object cache segment too large")
	}
	slices.SortFunc(hashes, func(a, b Hash) int { return bytes.Compare(a.b[:], b.b[:]) })
	name := "seg-" + strconv.FormatInt(time.Now().UnixNano(), 10) + "-" + strconv.FormatUint(rand.Uint64()&0xffffff, 16) + ".bin"
	tmp := filepath.Join(dir, "tmp-"+name)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("object cache: %w", err)
	}
	// Streamed: the index first (offsets follow from the sizes), then the
	// contents, so a large segment never sits in memory twice.
	w := bufio.NewWriterSize(f, 64<<10)
	var hdr [cacheHeaderSize]byte
	copy(hdr[:], cacheMagic)
	binary.LittleEndian.PutUint32(hdr[8:], uint32(len(hashes)))
	w.Write(hdr[:])
	off := cacheHeaderSize + len(hashes)*cacheEntrySize
	for _, h := range hashes {
		o := objs[h]
		var e [cacheEntrySize]byte
		copy(e[:20], h.b[:20])
		e[20] = byte(o.t)
		binary.LittleEndian.PutUint32(e[24:], uint32(off))
		binary.LittleEndian.PutUint32(e[28:], uint32(len(o.data)))
		w.Write(e[:])
		off += len(o.data)
	}
	for _, h := range hashes {
		w.Write(objs[h].data)
	}
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("object cache: %w", err)
	}
	return nil
}

// CacheReads makes the Repo remember the commits, trees and blobs it
// inflates from now on, for FlushCache to write to the object cache. The
// history commands call it: they read thousands of objects, and read the
// same ones again next time.
func (r *Repo) CacheReads() {
	if r.odb.disk == nil {
		return // the plumbing backend keeps no object cache
	}
	r.odb.disk.mu.Lock()
	r.odb.disk.record = true
	r.odb.disk.mu.Unlock()
}

// FlushCache writes what CacheReads collected to the object cache (nothing
// when it is a handful of objects). Errors are not fatal to a command: the
// cache is only an accelerator, so callers may ignore them.
func (r *Repo) FlushCache() error {
	r.flushing.Wait()
	if r.odb.disk == nil {
		return nil
	}
	return r.odb.disk.flush(64)
}

// FlushCacheBackground starts writing what the object cache has collected
// so far, while the caller goes on (a history command renders its output
// meanwhile, on the other core); FlushCache waits for it. An accelerator
// only: a failure is not reported.
func (r *Repo) FlushCacheBackground() {
	if r.odb.disk == nil {
		return
	}
	r.flushing.Go(func() { _ = r.odb.disk.flush(64) })
}
