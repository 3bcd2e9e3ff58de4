package gitstore

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Notes that stay small. GC removes the notes of commits that no branch,
// remote-tracking branch, tag or HEAD reaches any more (a rebased-away PR
// head) and, optionally, of commits older than a cut-off, and squashes the
// notes ref's own history into one parentless commit, so that a clone
// fetches one notes tree rather than thousands of notes commits.
//
// A squashed notes commit has no parent in common with the old notes
// history, so the union merge of push and pull (MergeNotesFrom) would
// bring the removed notes back from any clone or remote that still has
// them. GC therefore records what it removed in the notes tree itself: a
// non-note file, PrunedFile, one line "<commit> <unix time of the gc>" per
// removed note (git and `git notes` keep such files and ignore them). A
// merge takes the note of a commit pruned on one side only from that side
// (so a stale clone cannot resurrect it, and a record made after the gc on
// the gc's side is kept), and when one side has seen a gc the other has
// not, the merge commit keeps only the pruned side's history as parent
// (the old history stays unreachable, and pushing it is a fast-forward of
// the pruned remote). Entries older than PrunedKeep are dropped by the
// next gc: a clone that has not pulled for longer may bring records back,
// which the next gc removes again.

// PrunedFile is the non-note file at the root of a notes tree that lists
// the commits whose notes GC removed.
const PrunedFile = "flameiq-pruned"

// PrunedKeep is how long GC keeps a removed commit in PrunedFile.
const PrunedKeep = 90 * 24 * time.Hour

// GCPolicy says which notes GC removes.
type GCPolicy struct {
	// KeepUnreachable keeps the notes of commits no ref reaches.
	KeepUnreachable bool
	// OlderThan, when not zero, removes the notes of commits whose
	// committer date is before it.
	OlderThan time.Time
	// DryRun computes the result and writes nothing.
	DryRun bool
}

// GCResult is what GC did to one notes ref.
type GCResult struct {
	Ref string
	// Unreachable and Old are the commits whose notes were removed (or,
	// with DryRun, would be), by reason.
	Unreachable, Old []Hash
	// Kept is the number of notes left.
	Kept int
	// FreedBytes is the size of the removed note blobs.
	FreedBytes int64
	// CommitsBefore is the length of the notes history before (all notes
	// commits reachable from the ref); after a gc it is 1.
	CommitsBefore int
	// Changed: the ref was rewritten (false with DryRun or nothing to do).
	Changed bool
}

// Reachable lists the commits reachable from any branch, remote-tracking
// branch, tag or HEAD (`git rev-list`, which reads the commit-graph).
func (r *Repo) Reachable(ctx context.Context) (map[Hash]bool, error) {
	out, err := runGit(ctx, r.top(), "rev-list", "--branches", "--remotes", "--tags", "HEAD", "--")
	if err != nil {
		// An unborn HEAD: the refs alone.
		if out, err = runGit(ctx, r.top(), "rev-list", "--branches", "--remotes", "--tags", "--"); err != nil {
			return nil, err
		}
	}
	set := map[Hash]bool{}
	for _, l := range strings.Fields(out) {
		if h, err := ParseHash(l); err == nil {
			set[h] = true
		}
	}
	return set, nil
}

// GC removes, from the notes ref, the notes p says to and squashes the
// ref's history to one commit (see the top of this file). The update is
// the compare-and-swap of AppendNote: a concurrent writer's record makes
// the swap fail and GC starts again from the new value, so no record of a
// kept commit is lost. reachable is Reachable's result (computed once for
// several refs).
func (r *Repo) GC(ref string, reachable map[Hash]bool, p GCPolicy) (GCResult, error) {
	full, err := NotesRef(ref)
	if err != nil {
		return GCResult{}, err
	}
	cfg := r.config()
	_, committer := r.identity(cfg)
	for attempt := 0; attempt < 100; attempt++ {
		old, ok, err := r.ReadRef(full)
		if err != nil || !ok {
			return GCResult{Ref: full}, err
		}
		res, tree, err := r.gcTree(full, old, reachable, p, committer.When)
		if err != nil || p.DryRun || (len(res.Unreachable)+len(res.Old) == 0 && res.CommitsBefore <= 1) {
			return res, err
		}
		msg := fmt.Sprintf("Notes squashed by 'git flameiq gc'\n\nRemoved the notes of %d unreachable and %d old commits; %d notes kept; %d notes commits squashed.\n",
			len(res.Unreachable), len(res.Old), res.Kept, res.CommitsBefore)
		c, err := r.odb.write(objCommit, encodeCommit(tree, nil, committer, committer, msg))
		if err != nil {
			return res, err
		}
		err = r.casRef(full, old, c, cfg, committer, "notes: gc")
		if err == nil {
			res.Changed = true
			return res, nil
		}
		if !errors.Is(err, errRefChanged) {
			return res, err
		}
		time.Sleep(jitter(time.Duration(min(attempt+1, 20)) * time.Millisecond))
	}
	return GCResult{Ref: full}, fmt.Errorf("gc %s: gave up after 100 concurrent changes", full)
}

// gcTree builds the pruned notes tree of the notes commit old.
func (r *Repo) gcTree(ref string, old Hash, reachable map[Hash]bool, p GCPolicy, now time.Time) (GCResult, Hash, error) {
	res := GCResult{Ref: ref}
	oc, err := r.Commit(old)
	if err != nil {
		return res, ZeroHash, fmt.Errorf("%s: %w", ref, err)
	}
	if res.CommitsBefore, err = r.historyLength(old); err != nil {
		return res, ZeroHash, err
	}
	// Lines a `git notes add` dropped since this package's last write are
	// restored first, as AppendNote would: after the squash, the reflog
	// entries that hold them are behind an update of ours.
	root := oc.Tree
	t, err := newNotesTree(r, root)
	if err != nil {
		return res, ZeroHash, err
	}
	if healed, err := r.heal(ref, t); err != nil {
		return res, ZeroHash, err
	} else if healed {
		if root, err = t.write(); err != nil {
			return res, ZeroHash, err
		}
	}
	notes, nonNotes, err := r.readNotesTree(root)
	if err != nil {
		return res, ZeroHash, err
	}
	pruned := r.readPruned(nonNotes)
	keep := map[Hash]Hash{}
	for k, blob := range notes {
		why := r.gcReason(k, reachable, p)
		if why == "" {
			keep[k] = blob
			continue
		}
		if why == "unreachable" {
			res.Unreachable = append(res.Unreachable, k)
		} else {
			res.Old = append(res.Old, k)
		}
		pruned[k] = now.Unix()
		if b, err := r.odb.readType(blob, objBlob); err == nil {
			res.FreedBytes += int64(len(b))
		}
	}
	sortHashes(res.Unreachable)
	sortHashes(res.Old)
	res.Kept = len(keep)
	for k, when := range pruned {
		if now.Sub(time.Unix(when, 0)) > PrunedKeep {
			delete(pruned, k)
		}
	}
	tree, err := r.writeNotesTree(keep, nonNotes, pruned)
	return res, tree, err
}

// gcReason says why p removes the note of commit k ("" keeps it).
func (r *Repo) gcReason(k Hash, reachable map[Hash]bool, p GCPolicy) string {
	if reachable[k] {
		if !p.OlderThan.IsZero() {
			if c, err := r.Commit(k); err == nil && c.Committer.When.Before(p.OlderThan) {
				return "old"
			}
		}
		return ""
	}
	c, err := r.Commit(k)
	if err != nil && !errors.Is(err, ErrObjectNotFound) {
		return "" // not a commit (a note on a blob or tree is not ours to judge)
	}
	if !p.KeepUnreachable {
		return "unreachable"
	}
	if err == nil && !p.OlderThan.IsZero() && c.Committer.When.Before(p.OlderThan) {
		return "old"
	}
	return ""
}

// historyLength counts the notes commits reachable from tip.
func (r *Repo) historyLength(tip Hash) (int, error) {
	seen := map[Hash]bool{tip: true}
	stack := []Hash{tip}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		c, err := r.Commit(h)
		if err != nil {
			if errors.Is(err, ErrObjectNotFound) {
				continue // a shallow notes history
			}
			return 0, err
		}
		for _, p := range c.Parents {
			if !seen[p] {
				seen[p] = true
				stack = append(stack, p)
			}
		}
	}
	return len(seen), nil
}

// readNotesTree lists the notes of a notes tree (two notes of one commit at
// different fanouts are merged) and its non-note entries at the root (gc
// and the pruned merge carry those; git's own non-notes deeper in the
// fanout, which no tool here writes, are not kept).
func (r *Repo) readNotesTree(tree Hash) (map[Hash]Hash, []nonNote, error) {
	notes := map[Hash]Hash{}
	var dup []Hash
	err := r.walkNotes(tree, "", func(k, blob Hash) {
		if _, ok := notes[k]; ok {
			dup = append(dup, k)
			notes[k] = blob
			return
		}
		notes[k] = blob
	})
	if err != nil {
		return nil, nil, err
	}
	if len(dup) > 0 {
		// Rare (a tree written by hand): rebuild those notes as a notes
		// editor reads them, as the union of their lines.
		t, err := newNotesTree(r, tree)
		if err != nil {
			return nil, nil, err
		}
		for _, k := range dup {
			if b, ok, err := t.get(k); err != nil {
				return nil, nil, err
			} else if ok {
				notes[k] = b
			}
		}
	}
	non, err := r.rootNonNotes(tree)
	return notes, non, err
}

// rootNonNotes lists the entries at the root of a notes tree that are
// neither notes nor fanout directories (PrunedFile among them).
func (r *Repo) rootNonNotes(tree Hash) ([]nonNote, error) {
	data, err := r.odb.readType(tree, objTree)
	if err != nil {
		return nil, err
	}
	ents, err := parseTree(data, r.hashSize)
	if err != nil {
		return nil, err
	}
	var non []nonNote
	for _, e := range ents {
		_, herr := hex.DecodeString(e.name)
		if herr == nil && (len(e.name) == 2*r.hashSize && !e.isTree() || len(e.name) == 2 && e.isTree()) {
			continue // a note or a fanout directory
		}
		non = append(non, nonNote{path: e.name, mode: e.mode, hash: e.hash})
	}
	return non, nil
}

// readPruned reads PrunedFile among a notes tree's root non-notes.
func (r *Repo) readPruned(non []nonNote) map[Hash]int64 {
	for _, n := range non {
		if n.path == PrunedFile {
			b, err := r.odb.readType(n.hash, objBlob)
			if err != nil {
				return map[Hash]int64{} // not a file: nothing pruned
			}
			return parsePruned(b)
		}
	}
	return map[Hash]int64{}
}

// parsePruned reads PrunedFile's lines "<commit> <unix time>"; lines that
// are not (a hand edit) are skipped, and a commit listed twice keeps its
// latest time.
func parsePruned(b []byte) map[Hash]int64 {
	out := map[Hash]int64{}
	for _, l := range strings.Split(string(b), "\n") {
		hx, when, _ := strings.Cut(l, " ")
		h, err1 := ParseHash(hx)
		t, err2 := strconv.ParseInt(when, 10, 64)
		if err1 == nil && err2 == nil {
			if old, ok := out[h]; !ok || t > old {
				out[h] = t
			}
		}
	}
	return out
}

// formatPruned writes PrunedFile's content, sorted by commit.
func formatPruned(pruned map[Hash]int64) []byte {
	ps := make([]Hash, 0, len(pruned))
	for k := range pruned {
		ps = append(ps, k)
	}
	sortHashes(ps)
	var b bytes.Buffer
	for _, k := range ps {
		fmt.Fprintf(&b, "%s %d\n", k, pruned[k])
	}
	return b.Bytes()
}

// writeNotesTree writes a notes tree (git's fanout) holding notes, the
// non-notes other than PrunedFile, and PrunedFile listing pruned (none
// when empty).
func (r *Repo) writeNotesTree(notes map[Hash]Hash, non []nonNote, pruned map[Hash]int64) (Hash, error) {
	t, err := newNotesTree(r, ZeroHash)
	if err != nil {
		return ZeroHash, err
	}
	keys := make([]Hash, 0, len(notes))
	for k := range notes {
		keys = append(keys, k)
	}
	sortHashes(keys)
	for _, k := range keys {
		if err := t.set(k, notes[k]); err != nil {
			return ZeroHash, err
		}
	}
	for _, n := range non {
		if n.path != PrunedFile {
			t.addNonNote(n)
		}
	}
	if len(pruned) > 0 {
		blob, err := r.odb.write(objBlob, formatPruned(pruned))
		if err != nil {
			return ZeroHash, err
		}
		t.addNonNote(nonNote{path: PrunedFile, mode: modeBlob, hash: blob})
	}
	return t.write()
}

func sortHashes(hs []Hash) {
	sort.Slice(hs, func(i, j int) bool { return bytes.Compare(hs[i].b[:], hs[j].b[:]) < 0 })
}

// NotesSize is what a notes ref holds.
type NotesSize struct {
	Ref     string
	Notes   int   // commits with a note
	Records int   // non-blank lines of all notes
	Bytes   int64 // the note blobs' sizes (as `git cat-file -s` prints them)
	// Commits is the length of the notes history (1 after a gc).
	Commits int
	// Pruned is the number of commits PrunedFile lists.
	Pruned int
	// Largest are the biggest notes, largest first.
	Largest []NoteSize
}

// NoteSize is one commit's note.
type NoteSize struct {
	Commit  Hash
	Bytes   int64
	Records int
}

// Size measures the notes ref: notes, records and bytes, the notes
// history's length and the top largest notes.
func (r *Repo) Size(ref string, top int) (NotesSize, error) {
	full, err := NotesRef(ref)
	if err != nil {
		return NotesSize{}, err
	}
	s := NotesSize{Ref: full}
	tip, ok, err := r.ReadRef(full)
	if err != nil || !ok {
		return s, err
	}
	c, err := r.Commit(tip)
	if err != nil {
		return s, fmt.Errorf("%s: %w", full, err)
	}
	if s.Commits, err = r.historyLength(tip); err != nil {
		return s, err
	}
	notes, non, err := r.readNotesTree(c.Tree)
	if err != nil {
		return s, err
	}
	s.Pruned = len(r.readPruned(non))
	all := make([]NoteSize, 0, len(notes))
	for k, blob := range notes {
		b, err := r.odb.readType(blob, objBlob)
		if err != nil {
			return s, err
		}
		n := NoteSize{Commit: k, Bytes: int64(len(b))}
		for _, l := range bytes.Split(b, []byte{'\n'}) {
			if len(bytes.TrimSpace(l)) > 0 {
				n.Records++
			}
		}
		s.Notes++
		s.Records += n.Records
		s.Bytes += n.Bytes
		all = append(all, n)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Bytes != all[j].Bytes {
			return all[i].Bytes > all[j].Bytes
		}
		return bytes.Compare(all[i].Commit.b[:], all[j].Commit.b[:]) < 0
	})
	s.Largest = all[:min(max(top, 0), len(all))]
	return s, nil
}
