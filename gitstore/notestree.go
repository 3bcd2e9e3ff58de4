package gitstore

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// notesEditor is an editable notes tree that reproduces git's notes.c: a
// 16-way radix tree keyed by nibbles of the annotated object name, loaded
// lazily (subtrees of the on-disk fanout stay unread until a lookup or
// insert needs them) and written back with git's fanout heuristic, so that
// adding a note produces the very tree `git notes add` would produce, and
// only the path of the changed note is read and rewritten.
type notesEditor struct {
	r        *Repo
	root     *ntNode
	nonNotes []nonNote // sorted by path
}

type ntNode struct {
	a [16]any // nil, *ntLeaf or *ntNode
}

// ntLeaf is a note (key = annotated object) or an unread subtree (key =
// name prefix padded with zeros, plen = prefix length in bytes; git keeps
// the length in the key's last byte, which a separate field spares).
type ntLeaf struct {
	key     Hash
	val     Hash
	plen    uint8
	subtree bool
}

type nonNote struct {
	path string
	mode uint32
	hash Hash
}

func newNotesTree(r *Repo, tree Hash) (*notesEditor, error) {
	t := &notesEditor{r: r, root: &ntNode{}}
	if !tree.IsZero() {
		root := &ntLeaf{key: Hash{n: uint8(r.hashSize)}, val: tree, subtree: true}
		if err := t.load(root, t.root, 0); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func nibble(n int, key *Hash) int {
	if n%2 == 0 {
		return int(key.b[n/2] >> 4)
	}
	return int(key.b[n/2] & 0xf)
}

// prefixMatch reports whether key starts with the prefix of subtree sub.
func prefixMatch(key *Hash, sub *ntLeaf) bool {
	l := int(sub.plen)
	return bytes.Equal(key.b[:l], sub.key.b[:l])
}

// load reads subtree sub into node at level n (git's load_subtree).
func (t *notesEditor) load(sub *ntLeaf, node *ntNode, n int) error {
	data, err := t.r.odb.readType(sub.val, objTree)
	if err != nil {
		return fmt.Errorf("notes tree: %w", err)
	}
	hl := t.r.hashSize
	ents, err := parseTree(data, hl)
	if err != nil {
		return fmt.Errorf("notes tree %s: %w", sub.val, err)
	}
	plen := int(sub.plen)
	for _, e := range ents {
		l := &ntLeaf{key: sub.key, val: e.hash}
		ok := false
		switch {
		case len(e.name) == 2*(hl-plen):
			if e.mode&0o170000 == 0o100000 {
				if _, err := hex.Decode(l.key.b[plen:hl], []byte(e.name)); err == nil {
					ok = true
				}
			}
		case len(e.name) == 2:
			if e.isTree() && plen+1 < hl {
				if _, err := hex.Decode(l.key.b[plen:plen+1], []byte(e.name)); err == nil {
					clear(l.key.b[plen+1 : hl])
					l.plen = uint8(plen + 1)
					l.subtree = true
					ok = true
				}
			}
		}
		if !ok {
			var p strings.Builder
			hx := sub.key.String()
			for i := 0; i < plen; i++ {
				p.WriteString(hx[2*i : 2*i+2])
				p.WriteByte('/')
			}
			p.WriteString(e.name)
			t.addNonNote(nonNote{path: p.String(), mode: e.mode, hash: e.hash})
			continue
		}
		if err := t.insert(node, n, l, false); err != nil {
			return err
		}
	}
	return nil
}

func (t *notesEditor) addNonNote(nn nonNote) {
	i := sort.Search(len(t.nonNotes), func(i int) bool { return t.nonNotes[i].path >= nn.path })
	if i < len(t.nonNotes) && t.nonNotes[i].path == nn.path {
		t.nonNotes[i] = nn
		return
	}
	t.nonNotes = append(t.nonNotes, nonNote{})
	copy(t.nonNotes[i+1:], t.nonNotes[i:])
	t.nonNotes[i] = nn
}

// search descends to the slot where key belongs, unpacking subtrees on the
// way (git's note_tree_search).
func (t *notesEditor) search(tree *ntNode, n int, key *Hash) (*ntNode, int, int, error) {
	for {
		if l, ok := tree.a[0].(*ntLeaf); ok && l.subtree && prefixMatch(key, l) {
			tree.a[0] = nil
			if err := t.load(l, tree, n); err != nil {
				return nil, 0, 0, err
			}
			continue
		}
		i := nibble(n, key)
		switch p := tree.a[i].(type) {
		case *ntNode:
			tree, n = p, n+1
			continue
		case *ntLeaf:
			if p.subtree && prefixMatch(key, p) {
				tree.a[i] = nil
				if err := t.load(p, tree, n); err != nil {
					return nil, 0, 0, err
				}
				continue
			}
		}
		return tree, n, i, nil
	}
}

// insert adds a note or subtree (git's note_tree_insert). Two notes for the
// same object met while loading are combined as the union of their lines;
// replace=true makes the new value win instead.
func (t *notesEditor) insert(tree *ntNode, n int, entry *ntLeaf, replace bool) error {
	tree, n, i, err := t.search(tree, n, &entry.key)
	if err != nil {
		return err
	}
	switch l := tree.a[i].(type) {
	case nil:
		if !entry.val.IsZero() {
			tree.a[i] = entry
		}
		return nil
	case *ntLeaf:
		if !l.subtree {
			if !entry.subtree && l.key == entry.key {
				if replace || l.val == entry.val {
					l.val = entry.val
					return nil
				}
				v, err := t.union(l.val, entry.val)
				l.val = v
				return err
			}
			if entry.subtree && prefixMatch(&l.key, entry) {
				return t.load(entry, tree, n)
			}
		} else if prefixMatch(&entry.key, l) {
			tree.a[i] = nil
			if err := t.load(l, tree, n); err != nil {
				return err
			}
			return t.insert(tree, n, entry, replace)
		}
		if entry.val.IsZero() {
			return nil
		}
		nn := &ntNode{}
		if err := t.insert(nn, n+1, l, replace); err != nil {
			return err
		}
		tree.a[i] = nn
		return t.insert(nn, n+1, entry, replace)
	}
	return fmt.Errorf("notes tree: unexpected node")
}

// union writes the union of two note blobs (used when one tree holds two
// notes for the same object, at different fanout depths).
func (t *notesEditor) union(a, b Hash) (Hash, error) {
	da, err := t.r.odb.readType(a, objBlob)
	if err != nil {
		return a, err
	}
	db, err := t.r.odb.readType(b, objBlob)
	if err != nil {
		return a, err
	}
	return t.r.odb.write(objBlob, catSortUniq(da, db))
}

// get returns the note blob of key.
func (t *notesEditor) get(key Hash) (Hash, bool, error) {
	tree, _, i, err := t.search(t.root, 0, &key)
	if err != nil {
		return ZeroHash, false, err
	}
	if l, ok := tree.a[i].(*ntLeaf); ok && !l.subtree && l.key == key {
		return l.val, true, nil
	}
	return ZeroHash, false, nil
}

// set attaches blob to key, replacing any previous note.
func (t *notesEditor) set(key, blob Hash) error {
	return t.insert(t.root, 0, &ntLeaf{key: key, val: blob}, true)
}

// determineFanout is git's heuristic: at every even level that the current
// fanout reaches, if all 16 slots hold internal nodes or unread subtrees,
// the notes below are numerous enough for one more fanout level.
func determineFanout(tree *ntNode, n, fanout int) int {
	if n%2 != 0 || n > 2*fanout {
		return fanout
	}
	for _, p := range tree.a {
		switch p := p.(type) {
		case *ntNode:
		case *ntLeaf:
			if !p.subtree {
				return fanout
			}
		default:
			return fanout
		}
	}
	return fanout + 1
}

func pathWithFanout(key Hash, fanout int) string {
	hx := key.String()
	var b strings.Builder
	j := 0
	for ; fanout > 0; fanout-- {
		b.WriteString(hx[j : j+2])
		b.WriteByte('/')
		j += 2
	}
	b.WriteString(hx[j:])
	return b.String()
}

type emitted struct {
	path string
	mode uint32
	hash Hash
}

// walk lists the entries to write in git's order (for_each_note with
// DONT_UNPACK_SUBTREES|YIELD_SUBTREES).
func (t *notesEditor) walk(tree *ntNode, n, fanout int, out *[]emitted) error {
	fanout = determineFanout(tree, n, fanout)
	for i := 0; i < 16; i++ {
	redo:
		switch p := tree.a[i].(type) {
		case *ntNode:
			if err := t.walk(p, n+1, fanout, out); err != nil {
				return err
			}
		case *ntLeaf:
			if !p.subtree {
				*out = append(*out, emitted{pathWithFanout(p.key, fanout), modeBlob, p.val})
				continue
			}
			if n < 2*fanout {
				plen := int(p.plen)*2 + fanout
				path := pathWithFanout(p.key, fanout)[:plen]
				path = strings.TrimSuffix(path, "/")
				*out = append(*out, emitted{path, modeTree, p.val})
				continue
			}
			tree.a[i] = nil
			if err := t.load(p, tree, n); err != nil {
				return err
			}
			goto redo
		}
	}
	return nil
}

// write stores the tree objects that changed and returns the root tree.
func (t *notesEditor) write() (Hash, error) {
	var ents []emitted
	if err := t.walk(t.root, 0, 0, &ents); err != nil {
		return ZeroHash, err
	}
	if len(t.nonNotes) > 0 {
		// Weave non-note entries in by path, as git does; a note wins
		// over a non-note with the same path.
		var all []emitted
		k := 0
		for _, e := range ents {
			for k < len(t.nonNotes) && t.nonNotes[k].path <= e.path {
				if t.nonNotes[k].path != e.path {
					all = append(all, emitted(t.nonNotes[k]))
				}
				k++
			}
			all = append(all, e)
		}
		for ; k < len(t.nonNotes); k++ {
			all = append(all, emitted(t.nonNotes[k]))
		}
		ents = all
	}
	// A stack of open directories; each entry's directory part is a
	// sequence of "xx/" components.
	type level struct {
		name    string
		entries []treeEntry
	}
	stack := []*level{{}}
	closeTop := func() error {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		h, err := t.r.odb.write(objTree, encodeTree(top.entries))
		if err != nil {
			return err
		}
		parent := stack[len(stack)-1]
		parent.entries = append(parent.entries, treeEntry{mode: modeTree, name: top.name, hash: h})
		return nil
	}
	for _, e := range ents {
		dirs := strings.Split(e.path, "/")
		name := dirs[len(dirs)-1]
		dirs = dirs[:len(dirs)-1]
		common := 0
		for common < len(dirs) && common+1 < len(stack) && stack[common+1].name == dirs[common] {
			common++
		}
		for len(stack) > common+1 {
			if err := closeTop(); err != nil {
				return ZeroHash, err
			}
		}
		for _, d := range dirs[common:] {
			stack = append(stack, &level{name: d})
		}
		top := stack[len(stack)-1]
		top.entries = append(top.entries, treeEntry{mode: e.mode, name: name, hash: e.hash})
	}
	for len(stack) > 1 {
		if err := closeTop(); err != nil {
			return ZeroHash, err
		}
	}
	return t.r.odb.write(objTree, encodeTree(stack[0].entries))
}
