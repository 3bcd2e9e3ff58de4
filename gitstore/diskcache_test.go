package gitstore

import (
	"bytes"
	"encoding/binary"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// walkAll reads what `git flameiq log` reads: every first-parent commit
// from main and its note. It returns a digest of everything it read.
func walkAll(t *testing.T, r *Repo) string {
	t.Helper()
	h, err := r.Resolve("main")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := r.FirstParent(h, 0)
	if err != nil {
		t.Fatal(err)
	}
	n, err := r.Notes("flameiq")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, c := range cs {
		note, err := n.Read(c.Hash)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(c.Hash.String() + " " + c.Subject() + " " + c.Committer.When.String() + "\n")
		b.Write(note)
	}
	return b.String()
}

func cacheSegments(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, ".git", "flameiq", "objcache", "seg-*.bin"))
	return m
}

func cacheRepo(t *testing.T, n int) string {
	t.Helper()
	dir := makeRepo(t, 0)
	fastImport(t, dir, n, 0, true)
	git(t, dir, "repack", "-adq")
	return dir
}

// fillCache walks dir's history through the object cache and writes the
// segment; it returns what the walk read.
func fillCache(t *testing.T, dir string) string {
	t.Helper()
	r := mustOpen(t, dir)
	r.CacheReads()
	got := walkAll(t, r)
	if err := r.FlushCache(); err != nil {
		t.Fatal(err)
	}
	return got
}

// A second walk is served from the cache the first one wrote, and reads
// exactly the same history.
func TestObjectCacheRoundTrip(t *testing.T) {
	dir := cacheRepo(t, 300)
	want := fillCache(t, dir)
	if len(cacheSegments(t, dir)) != 1 {
		t.Fatalf("segments after one flush: %v", cacheSegments(t, dir))
	}
	r2 := mustOpen(t, dir)
	r2.CacheReads()
	if got := walkAll(t, r2); got != want {
		t.Fatal("history read through the cache differs")
	}
	// 300 commits, 300 note blobs and the notes trees.
	if hits := r2.cacheHits(); hits < 600 {
		t.Fatalf("only %d objects came from the cache", hits)
	}
	// Without CacheReads the cache is neither read nor written.
	r3 := mustOpen(t, dir)
	if got := walkAll(t, r3); got != want || r3.cacheHits() != 0 {
		t.Fatalf("a plain read used the cache (%d hits)", r3.cacheHits())
	}
	if err := r3.FlushCache(); err != nil || len(cacheSegments(t, dir)) != 1 {
		t.Fatalf("a plain read wrote a segment: %v %v", err, cacheSegments(t, dir))
	}
	git(t, dir, "fsck", "--strict")
}

// A damaged segment costs pack reads, never a wrong answer: flipped bytes
// in the contents, a truncated file and a file of garbage are all read
// around.
func TestObjectCacheDamaged(t *testing.T) {
	dir := cacheRepo(t, 200)
	want := fillCache(t, dir)
	seg := cacheSegments(t, dir)[0]
	data, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(data) / 2; i < len(data); i += 97 {
		data[i] ^= 0x20
	}
	if err := os.WriteFile(seg, data, 0o644); err != nil {
		t.Fatal(err)
	}
	d := filepath.Dir(seg)
	os.WriteFile(filepath.Join(d, "seg-0-garbage.bin"), []byte("not a segment at all"), 0o644)
	os.WriteFile(filepath.Join(d, "seg-1-truncated.bin"), data[:cacheHeaderSize+10], 0o644)
	r2 := mustOpen(t, dir)
	r2.CacheReads()
	if got := walkAll(t, r2); got != want {
		t.Fatal("a damaged cache changed what was read")
	}
	if hits := r2.cacheHits(); hits == 0 || hits >= 400 {
		t.Fatalf("cache hits = %d: want the undamaged half only", hits)
	}
}

// Many small segments are merged into one by the next writer.
func TestObjectCacheMerge(t *testing.T) {
	dir := cacheRepo(t, 120)
	var want string
	for i := 0; i < cacheMaxSegments+1; i++ {
		r := mustOpen(t, dir)
		r.CacheReads()
		h, _ := r.Resolve("main~" + string(rune('0'+i)) + "0")
		cs, err := r.FirstParent(h, 10)
		if err != nil || len(cs) != 10 {
			t.Fatal(err)
		}
		if err := r.FlushCache(); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(cacheSegments(t, dir)); n > cacheMaxSegments {
		t.Fatalf("%d segments: not merged", n)
	}
	r := mustOpen(t, dir)
	want = walkAll(t, r)
	r2 := mustOpen(t, dir)
	r2.CacheReads()
	t.Setenv("FLAMEIQ_OBJCACHE", "off")
	r3 := mustOpen(t, dir)
	if walkAll(t, r2) != want || walkAll(t, r3) != want {
		t.Fatal("merged cache reads differ")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".git", "flameiq", "objcache", "merge.lock")); len(left) != 0 {
		t.Fatal("merge lock left behind")
	}
}

// Concurrent writers (separate Repos, as separate processes would be) never
// fail and never leave a segment that reads wrong.
func TestObjectCacheConcurrentWriters(t *testing.T) {
	dir := cacheRepo(t, 150)
	want := walkAll(t, mustOpen(t, dir))
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 8; i++ {
		wg.Go(func() {
			r, err := Open(dir)
			if err != nil {
				errs <- err
				return
			}
			r.CacheReads()
			h, _ := r.Resolve("main")
			cs, _ := r.FirstParent(h, 0)
			n, _ := r.Notes("flameiq")
			for _, c := range cs {
				n.Read(c.Hash)
			}
			errs <- r.FlushCache()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := walkAll(t, mustOpen(t, dir)); got != want {
		t.Fatal("history differs after concurrent cache writers")
	}
}

// FLAMEIQ_OBJCACHE=off neither reads nor writes the cache.
func TestObjectCacheOff(t *testing.T) {
	dir := cacheRepo(t, 100)
	t.Setenv("FLAMEIQ_OBJCACHE", "off")
	r := mustOpen(t, dir)
	r.CacheReads()
	walkAll(t, r)
	if err := r.FlushCache(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git", "flameiq")); !os.IsNotExist(err) {
		t.Fatalf("cache directory created with FLAMEIQ_OBJCACHE=off: %v", err)
	}
}

func TestCacheSegFindBounds(t *testing.T) {
	dir := t.TempDir()
	objs := map[Hash]cachedObj{}
	for _, s := range []string{"a", "bb", ""} {
		data := []byte(s)
		objs[hashObject(objBlob, data)] = cachedObj{objBlob, data}
	}
	if err := writeCacheSeg(dir, objs); err != nil {
		t.Fatal(err)
	}
	m, _ := filepath.Glob(filepath.Join(dir, "seg-*.bin"))
	s := openCacheSeg(m[0])
	if s == nil || s.n != 3 {
		t.Fatalf("segment: %+v", s)
	}
	for h, o := range objs {
		typ, data, ok := s.find(h)
		if !ok || typ != objBlob || !bytes.Equal(data, o.data) {
			t.Errorf("find(%s) = %v %q %v", h, typ, data, ok)
		}
	}
	if _, _, ok := s.find(hashObject(objBlob, []byte("absent"))); ok {
		t.Error("found an object that is not there")
	}
}

// TestCacheSegSearch checks the interpolating search against a linear scan
// on index layouts that are kind and unkind to interpolation: uniform
// names, names sharing their first 8 bytes, and names bunched at both ends.
func TestCacheSegSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	uniform := func(i int) Hash {
		h := Hash{n: sha1Size}
		for j := range sha1Size {
			h.b[j] = byte(rng.Uint32())
		}
		return h
	}
	layouts := map[string]func(i int) Hash{
		"uniform": uniform,
		"shared-prefix": func(i int) Hash {
			h := uniform(i)
			copy(h.b[:8], "flameiq!")
			return h
		},
		"both-ends": func(i int) Hash {
			h := uniform(i)
			if i%2 == 0 {
				h.b[0], h.b[1] = 0, 0
			} else {
				h.b[0], h.b[1] = 0xff, 0xff
			}
			return h
		},
		"steps": func(i int) Hash {
			h := Hash{n: sha1Size}
			binary.BigEndian.PutUint64(h.b[:8], uint64(i)*uint64(i)*uint64(i)*1e9)
			h.b[19] = byte(i)
			return h
		},
	}
	for name, gen := range layouts {
		for _, n := range []int{0, 1, 2, 7, 9, 100, 5000} {
			names := map[Hash]bool{}
			for i := 0; len(names) < n; i++ {
				names[gen(i)] = true
			}
			sorted := slices.SortedFunc(maps.Keys(names), func(a, b Hash) int { return bytes.Compare(a.b[:], b.b[:]) })
			data := make([]byte, cacheHeaderSize+n*cacheEntrySize)
			for i, h := range sorted {
				copy(data[cacheHeaderSize+i*cacheEntrySize:], h.b[:20])
			}
			s := &cacheSeg{data: data, n: n}
			probes := append([]Hash{{n: sha1Size}, {b: [32]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, n: sha1Size}}, sorted...)
			for i := 0; i < 200; i++ {
				probes = append(probes, gen(1000000+i)) // almost surely absent
			}
			for _, h := range sorted {
				h.b[19] ^= 1 // a neighbour of a present name
				probes = append(probes, h)
			}
			for _, h := range probes {
				want := slices.IndexFunc(sorted, func(x Hash) bool { return x == h })
				if got := s.search(h); got != want {
					t.Fatalf("%s, %d names: search(%x) = %d, want %d", name, n, h, got, want)
				}
			}
		}
	}
}

// TestCacheSegPrivate: the store hands out the segment's own bytes; a
// caller that writes into them by mistake changes its private copy, neither
// crashes (as a read-only mapping would) nor damages the file.
func TestCacheSegPrivate(t *testing.T) {
	dir := t.TempDir()
	data := []byte("note contents")
	h := hashObject(objBlob, data)
	if err := writeCacheSeg(dir, map[Hash]cachedObj{h: {objBlob, data}}); err != nil {
		t.Fatal(err)
	}
	m, _ := filepath.Glob(filepath.Join(dir, "seg-*.bin"))
	_, got, ok := openCacheSeg(m[0]).find(h)
	if !ok {
		t.Fatal("not found")
	}
	got[0] = 'X'
	if cap(got) != len(got) {
		t.Errorf("cap %d > len %d: an append would write over the next object", cap(got), len(got))
	}
	if _, again, ok := openCacheSeg(m[0]).find(h); !ok || !bytes.Equal(again, data) {
		t.Errorf("after a write to the returned bytes, the file reads %q, %v", again, ok)
	}
}

// TestObjectCacheBackgroundFlush: FlushCacheBackground writes the segment
// while the caller goes on; FlushCache waits for it, so a command that
// exits right after leaves a whole segment, written once, and no temporary
// file.
func TestObjectCacheBackgroundFlush(t *testing.T) {
	dir := cacheRepo(t, 300)
	r := mustOpen(t, dir)
	r.CacheReads()
	want := walkAll(t, r)
	r.FlushCacheBackground()
	if err := r.FlushCache(); err != nil {
		t.Fatal(err)
	}
	if segs := cacheSegments(t, dir); len(segs) != 1 {
		t.Fatalf("segments after a background flush and a flush: %v", segs)
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".git", "flameiq", "objcache", "tmp-*")); len(tmp) != 0 {
		t.Fatalf("temporary files left: %v", tmp)
	}
	r2 := mustOpen(t, dir)
	r2.CacheReads()
	if got := walkAll(t, r2); got != want || r2.cacheHits() < 600 {
		t.Fatalf("second walk: same history %v, %d objects from the cache", got == want, r2.cacheHits())
	}
}
