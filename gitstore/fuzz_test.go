package gitstore

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// The object parsers read whatever a repository holds, including objects
// written by hand or corrupted on disk: none of them may panic, and their
// answers must be self-consistent.

func FuzzParseTree(f *testing.F) {
	f.Add(encodeTree([]treeEntry{{mode: 0o40000, name: "5b", hash: testHash(1)}, {mode: 0o100644, name: strings.Repeat("5c", 20), hash: testHash(2)}}))
	f.Add([]byte("100644 x\x00short"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		ents, err := parseTree(data, sha1Size)
		if err == nil {
			// git reads zero-padded modes ("040000"), so the bytes may
			// differ; the entries must survive a round trip.
			again, err := parseTree(encodeTree(ents), sha1Size)
			if err != nil || len(again) != len(ents) {
				t.Fatalf("re-encoded tree does not parse: %v", err)
			}
			for i := range ents {
				if again[i] != ents[i] {
					t.Fatalf("entry %d changed in a round trip: %v -> %v", i, ents[i], again[i])
				}
			}
		}
		idx := indexTree(data, sha1Size)
		for _, name := range [][]byte{bytes.Repeat([]byte("5b"), 20), bytes.Repeat([]byte("00"), 20), bytes.Repeat([]byte("ff"), 20)} {
			leaf, sub, ok := idx.find(name, name[:2])
			scan := *idx
			scan.sorted = false
			leaf2, sub2, ok2 := scan.find(name, name[:2])
			if ok != ok2 || leaf != leaf2 || sub != sub2 {
				t.Fatalf("binary search and scan disagree on %s: %v %v %v vs %v %v %v", name[:2], leaf, sub, ok, leaf2, sub2, ok2)
			}
		}
	})
}

func FuzzParseCommit(f *testing.F) {
	f.Add([]byte("tree " + strings.Repeat("a", 40) + "\nparent " + strings.Repeat("b", 40) +
		"\nauthor A <a@x> 1700000000 +0000\ncommitter C <c@x> 1700000000 +0100\n\nsubject\n\nbody\n"))
	f.Add([]byte("tree zz\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parseCommit(Hash{}, data)
		if err == nil && c == nil {
			t.Fatal("nil commit without an error")
		}
		if err == nil {
			_ = c.Subject()
		}
	})
}

func FuzzApplyDelta(f *testing.F) {
	f.Add([]byte("hello, world"), []byte{12, 5, 0x90, 5, 5, 'X', 'Y', 'Z', '!', '!'})
	f.Add([]byte(""), []byte{0, 0})
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		_, _ = applyDeltaInto(nil, base, delta)
	})
}

// A corrupt size must not turn into an allocation: inflate refuses sizes no
// deflate stream of that length can produce.
func TestInflateRefusesImpossibleSize(t *testing.T) {
	src := storedZlib([]byte("blob 5\x00hello"))
	if _, err := inflateInto(nil, src, 1<<40); err == nil {
		t.Fatal("inflate accepted a 1 TiB size for a 20-byte stream")
	}
	if got, err := inflateInto(nil, src, len("blob 5\x00hello")); err != nil || string(got) != "blob 5\x00hello" {
		t.Fatalf("inflate = %q, %v", got, err)
	}
}

func TestInflateLargeObjectChecksSize(t *testing.T) {
	big := []byte(strings.Repeat("0123456789abcdef", 200000)) // 3.2 MB
	src := storedZlib(big)
	if got, err := inflateInto(nil, src, len(big)); err != nil || len(got) != len(big) {
		t.Fatalf("inflate of %d bytes: %d, %v", len(big), len(got), err)
	}
	for _, size := range []int{len(big) - 1, len(big) + 1} {
		if _, err := inflateInto(nil, src, size); err == nil {
			t.Errorf("inflate accepted header size %d for a %d-byte object", size, len(big))
		}
	}
}

// FuzzParsePruned: gc's list of pruned commits comes from any remote's
// notes tree; reading it never panics and survives a round trip.
func FuzzParsePruned(f *testing.F) {
	f.Add([]byte(strings.Repeat("ab", 20) + " 1700000000\n" + strings.Repeat("cd", 20) + " 1\n"))
	f.Add([]byte(strings.Repeat("ab", 20) + " 2\n" + strings.Repeat("ab", 20) + " 1\nnot a line\n"))
	f.Add([]byte(strings.Repeat("ef", 32) + " -5\n \n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := parsePruned(data)
		again := parsePruned(formatPruned(p))
		if len(again) != len(p) {
			t.Fatalf("round trip: %d entries, then %d", len(p), len(again))
		}
		for k, v := range p {
			if again[k] != v {
				t.Fatalf("round trip changed %s: %d -> %d", k, v, again[k])
			}
		}
	})
}

// A loose object is read in one buffer of the size its header declares
// (no growing), and every mismatch between header and content is still
// an error of readLoose.
func TestReadLooseSizesItsBuffer(t *testing.T) {
	dir := t.TempDir()
	put := func(raw []byte) Hash {
		t.Helper()
		h := hashObject(objBlob, raw) // any name: readLoose reads by path
		p := loosePath(dir, h)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, storedZlib(raw), 0o444); err != nil {
			t.Fatal(err)
		}
		return h
	}
	for _, content := range []string{"", "hi", strings.Repeat("x", 23), strings.Repeat("y", 24), strings.Repeat("z", 3<<20)} {
		raw := []byte("blob " + strconv.Itoa(len(content)) + "\x00" + content)
		typ, got, err := readLoose(dir, put(raw))
		if err != nil || typ != objBlob || string(got) != content {
			t.Fatalf("%d bytes: %v %d bytes, %v", len(content), typ, len(got), err)
		}
		if len(content) > 1<<20 {
			h := put(raw)
			// The buffer and the zlib reader's state: a buffer grown by
			// doubling allocates about twice the content.
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			readLoose(dir, h)
			runtime.ReadMemStats(&after)
			if n := after.TotalAlloc - before.TotalAlloc; n > uint64(len(content))*5/4+256<<10 {
				t.Errorf("reading a %d-byte loose object allocated %d bytes: grown, not sized from the header", len(content), n)
			}
		}
	}
	for _, raw := range []string{
		"blob 5\x00hell",       // shorter than declared
		"blob 3\x00hello",      // longer
		"blob 99999999\x00abc", // a size no stream of this length gives
		"blob x\x00abc",
		"nonsense",
	} {
		if _, _, err := readLoose(dir, put([]byte(raw))); err == nil {
			t.Errorf("readLoose accepted %q", raw)
		}
	}
	// A truncated stream is an error, not the bytes before the cut.
	full := storedZlib([]byte("blob 40\x00" + strings.Repeat("q", 40)))
	h := put(nil)
	if err := os.WriteFile(loosePath(dir, h), full[:20], 0o444); err != nil {
		t.Fatal(err)
	}
	if _, _, err := readLoose(dir, h); err == nil {
		t.Error("readLoose accepted a truncated stream")
	}
}
