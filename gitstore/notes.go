package gitstore

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// DefaultNotesRef is the notes ref git-flameiq uses unless configured.
const DefaultNotesRef = "refs/notes/flameiq"

// NotesRef expands a notes ref the way git does ("flameiq" and
// "notes/flameiq" mean "refs/notes/flameiq") and rejects refs outside
// refs/notes/ with ErrBadRef.
func NotesRef(ref string) (string, error) {
	full := ref
	switch {
	case strings.HasPrefix(ref, "refs/notes/"):
	case strings.HasPrefix(ref, "refs/"):
		return "", fmt.Errorf("%w: %q", ErrBadRef, ref)
	case strings.HasPrefix(ref, "notes/"):
		full = "refs/" + ref
	default:
		full = "refs/notes/" + ref
	}
	if ref == "" || full == "refs/notes/" || !validRefName(full) {
		return "", fmt.Errorf("%w: %q is not a valid ref name", ErrBadRef, ref)
	}
	return full, nil
}

// Notes is a read-only view of a notes ref at the moment Notes was called.
type Notes struct {
	r    *Repo
	ref  string
	tip  Hash // zero when the ref does not exist yet
	tree Hash
}

// Notes opens a notes ref for reading (a missing ref reads as empty).
func (r *Repo) Notes(ref string) (*Notes, error) {
	full, err := NotesRef(ref)
	if err != nil {
		return nil, err
	}
	n := &Notes{r: r, ref: full}
	tip, ok, err := r.ReadRef(full)
	if err != nil {
		return nil, err
	}
	if ok {
		c, err := r.Commit(tip)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", full, err)
		}
		n.tip, n.tree = tip, c.Tree
	}
	return n, nil
}

// Tip returns the notes commit this view reads (zero if the ref is missing).
func (n *Notes) Tip() Hash { return n.tip }

// Read returns the note attached to commit, or nil, nil when there is none.
// It descends only into the fanout subtree that can hold the note, so it
// costs a few object reads at any fanout depth.
func (n *Notes) Read(commit Hash) ([]byte, error) {
	blob, ok, err := n.r.lookupNote(n.tree, commit)
	if err != nil || !ok {
		return nil, err
	}
	return n.r.odb.readType(blob, objBlob)
}

// Has reports whether commit has a note.
func (n *Notes) Has(commit Hash) (bool, error) {
	_, ok, err := n.r.lookupNote(n.tree, commit)
	return ok, err
}

// lookupNote finds the blob holding the note of key in a notes tree.
func (r *Repo) lookupNote(tree, key Hash) (Hash, bool, error) {
	if tree.IsZero() {
		return ZeroHash, false, nil
	}
	var buf [2 * sha256Size]byte
	name := buf[:hex.Encode(buf[:], key.raw())]
	for depth := 0; depth < len(name); depth += 2 {
		idx, err := r.treeIndex(tree)
		if err != nil {
			return ZeroHash, false, err
		}
		leaf, sub, ok := idx.find(name[depth:], name[depth:depth+2])
		if ok && !leaf.isTree() {
			return leaf.hash, true, nil
		}
		if sub.hash.IsZero() || !sub.isTree() {
			return ZeroHash, false, nil
		}
		tree = sub.hash
	}
	return ZeroHash, false, nil
}

// indexedTree is a raw notes tree with the offset of each entry, so a lookup
// binary-searches instead of scanning: a 100k-note tree has ~400 entries
// per fanout subtree.
type indexedTree struct {
	data   []byte
	offs   []int32 // start of each entry in data
	sorted bool    // every name is lower-case hex and names strictly increase
	hl     int     // object name size: 20 (SHA-1) or 32 (SHA-256)
}

// indexTree indexes a tree whose entries hold object names of hl bytes.
func indexTree(data []byte, hl int) *indexedTree {
	t := &indexedTree{data: data, sorted: true, hl: hl}
	var prev []byte
	for off := 0; off < len(data); {
		sp := bytes.IndexByte(data[off:], ' ')
		if sp < 0 {
			break
		}
		nul := bytes.IndexByte(data[off+sp:], 0)
		if nul < 0 || len(data) < off+sp+nul+1+hl {
			break
		}
		name := data[off+sp+1 : off+sp+nul]
		if t.sorted && (!isLowerHex(name) || (prev != nil && bytes.Compare(prev, name) >= 0)) {
			t.sorted = false
		}
		prev = name
		t.offs = append(t.offs, int32(off))
		off += sp + nul + 1 + hl
	}
	return t
}

func isLowerHex(b []byte) bool {
	for _, c := range b {
		if !lowerHex[c] {
			return false
		}
	}
	return len(b) > 0
}

var lowerHex = [256]bool{'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true,
	'8': true, '9': true, 'a': true, 'b': true, 'c': true, 'd': true, 'e': true, 'f': true}

// entry decodes the i-th entry's mode and object name (its name, which
// the caller has, is left empty: a lookup per commit need not copy it).
func (t *indexedTree) entry(i int) treeEntry {
	d := t.data[t.offs[i]:]
	sp := bytes.IndexByte(d, ' ')
	nul := sp + bytes.IndexByte(d[sp:], 0)
	mode, _ := strconv.ParseUint(string(d[:sp]), 8, 32)
	return treeEntry{mode: uint32(mode), hash: hashFromRaw(d[nul+1 : nul+1+t.hl])}
}

// find looks for the note named full or the fanout subtree named prefix (a
// notes tree holds one or the other). Among hex names git's tree order is
// byte order, and the entries starting with prefix are contiguous, so a
// sorted tree is searched from the first name >= prefix; any other tree
// is scanned whole.
func (t *indexedTree) find(full, prefix []byte) (leaf, sub treeEntry, found bool) {
	lo := 0
	if t.sorted {
		lo = sort.Search(len(t.offs), func(i int) bool {
			return bytes.Compare(t.entryName(i), prefix) >= 0
		})
	}
	for i := lo; i < len(t.offs); i++ {
		name := t.entryName(i)
		if t.sorted && !bytes.HasPrefix(name, prefix) {
			break
		}
		if isFull := bytes.Equal(name, full); isFull || bytes.Equal(name, prefix) {
			e := t.entry(i)
			if isFull {
				return e, sub, true
			}
			sub = e
		}
	}
	return
}

// entryName returns the i-th entry's name without decoding the rest.
func (t *indexedTree) entryName(i int) []byte {
	d := t.data[t.offs[i]:]
	sp := bytes.IndexByte(d, ' ')
	nul := sp + bytes.IndexByte(d[sp:], 0)
	return d[sp+1 : nul]
}

// treeCacheMax bounds the notes trees a Repo keeps: a 100k-note tree
// fans out into 256 (or 65,536 at two levels) subtrees, and a history walk
// reads each of them many times.
const treeCacheMax = 4096

// treeIndex returns a tree's entries, inflating and indexing each tree
// once per Repo (trees are immutable, so the cache never goes stale).
func (r *Repo) treeIndex(tree Hash) (*indexedTree, error) {
	r.treeMu.Lock()
	t, ok := r.trees[tree]
	r.treeMu.Unlock()
	if ok {
		return t, nil
	}
	data, err := r.odb.readType(tree, objTree)
	if err != nil {
		return nil, err
	}
	t = indexTree(data, r.hashSize)
	r.treeMu.Lock()
	if r.trees == nil || len(r.trees) >= treeCacheMax {
		r.trees = map[Hash]*indexedTree{}
	}
	r.trees[tree] = t
	r.treeMu.Unlock()
	return t, nil
}

// walkNotes calls fn for every note below tree (whose path so far is
// prefix, in hex without slashes). Entries that are not notes are skipped.
func (r *Repo) walkNotes(tree Hash, prefix string, fn func(key, blob Hash)) error {
	data, err := r.odb.readType(tree, objTree)
	if err != nil {
		return err
	}
	ents, err := parseTree(data, r.hashSize)
	if err != nil {
		return fmt.Errorf("tree %s: %w", tree, err)
	}
	for _, e := range ents {
		if _, err := hex.DecodeString(e.name); err != nil {
			continue
		}
		full := prefix + e.name
		switch {
		case len(full) == 2*r.hashSize && !e.isTree():
			k, _ := ParseHash(strings.ToLower(full))
			fn(k, e.hash)
		case len(e.name) == 2 && len(full) < 2*r.hashSize && e.isTree():
			if err := r.walkNotes(e.hash, full, fn); err != nil {
				return err
			}
		}
	}
	return nil
}
