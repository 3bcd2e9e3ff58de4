package gitstore

import (
	"bytes"
	"os"
	"path/filepath"
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
