package gitstore

import (
	"strings"
	"testing"
)

// indexedTree.find must give the same answer whether it binary-searches (a
// sorted all-hex tree) or scans (anything else), for hits, misses, fanout
// subtrees and leaves that share the subtree's prefix.
func TestNoteTreeFind(t *testing.T) {
	h := testHash
	blob := func(name string, b byte) treeEntry { return treeEntry{mode: 0o100644, name: name, hash: h(b)} }
	dir := func(name string, b byte) treeEntry { return treeEntry{mode: 0o40000, name: name, hash: h(b)} }
	full := func(p string) string { return p + strings.Repeat("0", 40-len(p)) }
	cases := []struct {
		name      string
		entries   []treeEntry
		sorted    bool
		full, pfx string
		wantLeaf  byte // 0: no leaf
		wantSub   byte // 0: no subtree
	}{
		{"leaf hit", []treeEntry{blob(full("0a"), 1), blob(full("5b"), 2), blob(full("ff"), 3)}, true, full("5b"), "5b", 2, 0},
		{"leaf miss", []treeEntry{blob(full("0a"), 1), blob(full("ff"), 3)}, true, full("5b"), "5b", 0, 0},
		{"first and last", []treeEntry{blob(full("00"), 1), blob(full("ff"), 3)}, true, full("ff"), "ff", 3, 0},
		{"subtree", []treeEntry{dir("00", 1), dir("5b", 2), dir("ff", 3)}, true, full("5b"), "5b", 0, 2},
		{"subtree and leaf share a prefix", []treeEntry{dir("5b", 2), blob(full("5b1"), 4), blob(full("5c"), 5)}, true, full("5b1"), "5b", 4, 2},
		{"empty tree", nil, true, full("5b"), "5b", 0, 0},
		{"junk entry forces a scan", []treeEntry{blob("README", 9), blob(full("5b"), 2)}, false, full("5b"), "5b", 2, 0},
		{"upper-case name forces a scan", []treeEntry{blob(strings.ToUpper(full("5b")), 7), blob(full("5b"), 2)}, false, full("5b"), "5b", 2, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			idx := indexTree(encodeTree(c.entries), sha1Size)
			if idx.sorted != c.sorted {
				t.Fatalf("sorted = %v, want %v", idx.sorted, c.sorted)
			}
			for _, scan := range []bool{false, true} {
				ix := *idx
				if scan {
					ix.sorted = false
				}
				leaf, sub, ok := ix.find([]byte(c.full), []byte(c.pfx))
				if got := ok && leaf.hash.b[0] == c.wantLeaf; (c.wantLeaf != 0) != got {
					t.Errorf("scan=%v: leaf = %v %v, want %d", scan, ok, leaf, c.wantLeaf)
				}
				if sub.hash.b[0] != c.wantSub {
					t.Errorf("scan=%v: sub = %v, want %d", scan, sub, c.wantSub)
				}
			}
		})
	}
}
