package gitstore

import (
	"bytes"
	"fmt"
	"strings"
)

// MergeNotesFrom merges the notes commit other (for example a fetched
// remote notes ref) into the notes ref, as
// `git notes merge -s cat_sort_uniq` would: every note becomes the union of
// its lines on both sides. When one side already contains the other the ref
// is fast-forwarded or left alone; otherwise a notes commit with both tips
// as parents is written. The update is compare-and-swap, like AppendNote.
func (r *Repo) MergeNotesFrom(ref string, other Hash) error {
	full, err := NotesRef(ref)
	if err != nil {
		return err
	}
	oc, err := r.Commit(other)
	if err != nil {
		return fmt.Errorf("merge notes: %w", err)
	}
	cfg := r.config()
	author, committer := r.identity(cfg)
	msg := "Notes merged by 'git flameiq'\n"
	for attempt := 0; attempt < 100; attempt++ {
		local, _, err := r.ReadRef(full)
		if err != nil {
			return err
		}
		if local == other {
			return nil
		}
		if local.IsZero() {
			err = r.casRef(full, local, other, cfg, committer, "notes: fast-forward")
		} else {
			mb, mbErr := r.MergeBase(local, other)
			switch {
			case mbErr == nil && mb == other:
				return nil // already merged
			case mbErr == nil && mb == local:
				err = r.casRef(full, local, other, cfg, committer, "notes: fast-forward")
			default:
				err = r.mergeCommit(full, local, oc, cfg, author, committer, msg)
			}
		}
		if err == nil || err != errRefChanged {
			return err
		}
	}
	return fmt.Errorf("merge notes into %s: too many concurrent changes", full)
}

// mergeCommit writes the union of the local notes tree and other's tree as
// a commit with parents (local, other), and swaps it in.
func (r *Repo) mergeCommit(ref string, local Hash, other *Commit, cfg gitConfig, author, committer Signature, msg string) error {
	lc, err := r.Commit(local)
	if err != nil {
		return err
	}
	if done, err := r.mergePruned(ref, lc, other, cfg, author, committer, msg); done || err != nil {
		return err
	}
	diff := map[Hash]Hash{}
	if err := r.diffNotes(lc.Tree, other.Tree, "", diff); err != nil {
		return err
	}
	t, err := newNotesTree(r, lc.Tree)
	if err != nil {
		return err
	}
	for key, ob := range diff {
		lb, ok, err := t.get(key)
		if err != nil {
			return err
		}
		od, err := r.odb.readType(ob, objBlob)
		if err != nil {
			return err
		}
		var ld []byte
		if ok {
			if ld, err = r.odb.readType(lb, objBlob); err != nil {
				return err
			}
		}
		merged := catSortUniq(ld, od)
		if bytes.Equal(merged, ld) {
			continue
		}
		nb, err := r.odb.write(objBlob, merged)
		if err != nil {
			return err
		}
		if err := t.set(key, nb); err != nil {
			return err
		}
	}
	tree, err := t.write()
	if err != nil {
		return err
	}
	c, err := r.odb.write(objCommit, encodeCommit(tree, []Hash{local, other.Hash}, author, committer, msg))
	if err != nil {
		return err
	}
	first, _, _ := strings.Cut(msg, "\n")
	return r.casRef(ref, local, c, cfg, committer, "notes: "+first)
}

// diffNotes collects the notes of tree b whose blob differs from (or is
// missing in) tree a, skipping identical subtrees. Both trees are notes
// trees whose path so far is prefix.
func (r *Repo) diffNotes(a, b Hash, prefix string, out map[Hash]Hash) error {
	if a == b {
		return nil
	}
	if a.IsZero() {
		return r.walkNotes(b, prefix, func(k, blob Hash) { out[k] = blob })
	}
	ad, err := r.odb.readType(a, objTree)
	if err != nil {
		return err
	}
	bd, err := r.odb.readType(b, objTree)
	if err != nil {
		return err
	}
	aents, err := parseTree(ad, r.hashSize)
	if err != nil {
		return err
	}
	bents, err := parseTree(bd, r.hashSize)
	if err != nil {
		return err
	}
	am := make(map[string]treeEntry, len(aents))
	for _, e := range aents {
		am[e.name] = e
	}
	for _, e := range bents {
		ae, ok := am[e.name]
		if ok && ae.hash == e.hash && ae.mode == e.mode {
			continue
		}
		full := prefix + e.name
		switch {
		case len(full) == 2*r.hashSize && !e.isTree():
			k, err := ParseHash(strings.ToLower(full))
			if err == nil {
				out[k] = e.hash
			}
		case len(e.name) == 2 && len(full) < 2*r.hashSize && e.isTree():
			sub := ZeroHash
			if ok && ae.isTree() {
				sub = ae.hash
			}
			if err := r.diffNotes(sub, e.hash, full, out); err != nil {
				return err
			}
		}
	}
	return nil
}

// mergePruned merges two notes trees whose gc records differ (PrunedFile:
// see gc.go): a note of a commit pruned on one side only is taken from
// that side alone, every other note is the union of both; the pruned lists
// are merged. When one side's list holds the other's, the result's only
// parent is that side's commit (the other side's older history stays
// unreachable), and when the result is that side's tree the ref is just
// set to it. done is false when both sides have the same list: the plain
// union merge applies.
func (r *Repo) mergePruned(ref string, lc, oc *Commit, cfg gitConfig, author, committer Signature, msg string) (done bool, err error) {
	lnon, err := r.rootNonNotes(lc.Tree)
	if err != nil {
		return false, err
	}
	onon, err := r.rootNonNotes(oc.Tree)
	if err != nil {
		return false, err
	}
	lp, op := r.readPruned(lnon), r.readPruned(onon)
	lHasAll, oHasAll := coversKeys(lp, op), coversKeys(op, lp)
	if lHasAll && oHasAll {
		return false, nil
	}
	ln, _, err := r.readNotesTree(lc.Tree)
	if err != nil {
		return false, err
	}
	on, _, err := r.readNotesTree(oc.Tree)
	if err != nil {
		return false, err
	}
	notes := map[Hash]Hash{}
	for k, lb := range ln {
		if _, prunedByOther := op[k]; prunedByOther {
			if _, alsoLocal := lp[k]; !alsoLocal {
				continue // the other side removed it; a stale copy here
			}
		}
		notes[k] = lb
	}
	for k, ob := range on {
		if _, prunedHere := lp[k]; prunedHere {
			if _, alsoOther := op[k]; !alsoOther {
				continue
			}
		}
		lb, ok := notes[k]
		if !ok || lb == ob {
			notes[k] = ob
			continue
		}
		ld, err := r.odb.readType(lb, objBlob)
		if err != nil {
			return false, err
		}
		od, err := r.odb.readType(ob, objBlob)
		if err != nil {
			return false, err
		}
		if notes[k], err = r.odb.write(objBlob, catSortUniq(ld, od)); err != nil {
			return false, err
		}
	}
	pruned := map[Hash]int64{}
	for _, p := range []map[Hash]int64{lp, op} {
		for k, t := range p {
			pruned[k] = max(pruned[k], t)
		}
	}
	tree, err := r.writeNotesTree(notes, lnon, pruned)
	if err != nil {
		return false, err
	}
	local := lc.Hash
	parents := []Hash{local, oc.Hash}
	switch {
	case lHasAll && tree == lc.Tree:
		return true, nil // everything the other side has that gc kept is here
	case oHasAll && tree == oc.Tree:
		return true, r.casRef(ref, local, oc.Hash, cfg, committer, "notes: fast-forward to the pruned notes")
	case lHasAll:
		parents = []Hash{local}
	case oHasAll:
		parents = []Hash{oc.Hash}
	}
	c, err := r.odb.write(objCommit, encodeCommit(tree, parents, author, committer, msg))
	if err != nil {
		return false, err
	}
	first, _, _ := strings.Cut(msg, "\n")
	return true, r.casRef(ref, local, c, cfg, committer, "notes: "+first)
}

// coversKeys reports whether every key of b is a key of a.
func coversKeys(a, b map[Hash]int64) bool {
	for k := range b {
		if _, ok := a[k]; !ok {
			return false
		}
	}
	return true
}
